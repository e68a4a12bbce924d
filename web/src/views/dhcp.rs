//! DHCP: transactions grouped by transaction id with their DORA sequence (Discover, Offer,
//! Request, Ack), and every message.

use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_core::report::dhcp::{Message, Transaction};
use pcaplens_core::Report;
use pcaplens_render::{t, units, Key, Lang};

use super::widgets::{virtual_table, Align, Column, TableSpec};
use crate::state::Loaded;

#[component]
pub fn Dhcp(loaded: Arc<Loaded>, #[prop(optional)] lang: Lang) -> impl IntoView {
    let dhcp = &loaded.report.dhcp;
    if dhcp.messages.is_empty() && dhcp.transactions.is_empty() {
        return view! { <section class="view dhcp"><p class="empty">{t(lang, Key::NothingHere)}</p></section> }
            .into_any();
    }
    let warnings = (!dhcp.warnings.is_empty()).then(|| {
        view! {
            <ul class="notes">
                {dhcp.warnings.iter().map(|w| view! { <li class="warn">{w.clone()}</li> }).collect_view()}
            </ul>
        }
    });
    let (nt, nm) = (dhcp.transactions.len(), dhcp.messages.len());
    let transactions = virtual_table(TableSpec {
        loaded: loaded.clone(),
        rows: |r: &Report| r.dhcp.transactions.as_slice(),
        columns: transaction_columns(),
        lang,
        label: t(lang, Key::UiTransactions).to_string(),
        testid: "dhcp-transactions",
        visible: Signal::stored((0..nt).collect()),
        stream_of: None,
        on_open: None,
        selected: None,
        row_tone: Some(|x: &Transaction| match x.result.as_deref() {
            Some("nak") => Some("bad-row"),
            _ if x.multiple_servers => Some("warn-row"),
            _ => None,
        }),
    });
    let messages = virtual_table(TableSpec {
        loaded: loaded.clone(),
        rows: |r: &Report| r.dhcp.messages.as_slice(),
        columns: message_columns(),
        lang,
        label: t(lang, Key::UiMessages).to_string(),
        testid: "dhcp-messages",
        visible: Signal::stored((0..nm).collect()),
        stream_of: None,
        on_open: None,
        selected: None,
        row_tone: None,
    });
    view! {
        <section class="view dhcp" aria-labelledby="dhcp-heading">
            <h2 id="dhcp-heading" class="visually-hidden">{t(lang, Key::TabDhcp)}</h2>
            {warnings}
            <h3>{t(lang, Key::UiTransactions)}</h3>
            {transactions}
            <h3>{t(lang, Key::UiMessages)}</h3>
            {messages}
        </section>
    }
    .into_any()
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "—".into())
}

fn transaction_columns() -> Vec<Column<Transaction>> {
    vec![
        Column::new(Key::ColXid, 8.0, Align::Mono, |x: &Transaction, _| {
            x.xid.clone()
        })
        .sorted(|a, b| a.xid.cmp(&b.xid)),
        Column::new(
            Key::ColClientMac,
            11.0,
            Align::Mono,
            |x: &Transaction, _| opt(&x.client_mac),
        )
        .sorted(|a, b| a.client_mac.cmp(&b.client_mac)),
        Column::new(Key::ColSequence, 25.0, Align::Left, |x: &Transaction, _| {
            x.sequence.join(" → ")
        }),
        Column::new(
            Key::ColDoraComplete,
            9.0,
            Align::Left,
            |x: &Transaction, lang| {
                t(lang, if x.dora_complete { Key::Yes } else { Key::No }).to_string()
            },
        )
        .sorted(|a, b| a.dora_complete.cmp(&b.dora_complete)),
        Column::new(
            Key::UiColOffered,
            10.5,
            Align::Mono,
            |x: &Transaction, _| opt(&x.offered_ip),
        ),
        Column::new(
            Key::ColAssignedIp,
            10.5,
            Align::Mono,
            |x: &Transaction, _| opt(&x.assigned_ip),
        )
        .sorted(|a, b| a.assigned_ip.cmp(&b.assigned_ip)),
        Column::new(
            Key::ColDhcpServer,
            11.0,
            Align::Mono,
            |x: &Transaction, _| {
                if x.servers.is_empty() {
                    "—".into()
                } else {
                    x.servers.join(", ")
                }
            },
        )
        .toned(|x| x.multiple_servers.then_some("warn")),
        Column::new(Key::UiColResult, 6.0, Align::Left, |x: &Transaction, _| {
            x.result
                .as_deref()
                .map_or_else(|| "—".into(), str::to_uppercase)
        })
        .toned(|x| (x.result.as_deref() == Some("nak")).then_some("bad")),
        Column::new(Key::ColFrames, 12.0, Align::Left, |x: &Transaction, _| {
            pcaplens_render::units::frame_list(&x.frames, 8)
        }),
        Column::new(
            Key::ColDuration,
            7.0,
            Align::Right,
            |x: &Transaction, lang| units::duration(lang, x.duration_s),
        )
        .sorted(|a, b| a.duration_s.total_cmp(&b.duration_s)),
    ]
}

fn message_columns() -> Vec<Column<Message>> {
    vec![
        Column::new(Key::ColFrame, 5.0, Align::Right, |m: &Message, _| {
            m.frame.to_string()
        })
        .sorted(|a, b| a.frame.cmp(&b.frame))
        .framed(|m: &Message| Some(m.frame)),
        Column::new(Key::ColMessage, 8.0, Align::Left, |m: &Message, _| {
            m.message_type.clone().unwrap_or_else(|| "BOOTP".into())
        })
        .sorted(|a, b| a.message_type.cmp(&b.message_type)),
        Column::new(Key::ColXid, 8.0, Align::Mono, |m: &Message, _| {
            m.xid.clone()
        })
        .sorted(|a, b| a.xid.cmp(&b.xid)),
        Column::new(Key::ColClientMac, 11.0, Align::Mono, |m: &Message, _| {
            opt(&m.client_mac)
        }),
        Column::new(Key::ColAssignedIp, 10.5, Align::Mono, |m: &Message, _| {
            opt(&m.yiaddr)
        }),
        Column::new(Key::ColDhcpServer, 9.0, Align::Mono, |m: &Message, _| {
            opt(&m.server_id)
        }),
        Column::new(Key::ColSource, 12.0, Align::Mono, |m: &Message, _| {
            format!("{}:{}", m.src, m.src_port)
        }),
        Column::new(Key::ColDestination, 14.0, Align::Mono, |m: &Message, _| {
            format!("{}:{}", m.dst, m.dst_port)
        }),
    ]
}
