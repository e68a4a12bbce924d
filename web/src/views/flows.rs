//! Flows: top talkers, IP conversations and UDP conversations, as Wireshark's Statistics ›
//! Endpoints and Conversations (`tshark -z conv,ip|udp`), plus IP fragment reassembly.

use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_core::report::flows::{Conversation, Talker};
use pcaplens_core::Report;
use pcaplens_render::{t, units, Key, Lang};

use super::widgets::{facts, virtual_table, Align, Column, TableSpec};
use crate::state::Loaded;

#[component]
pub fn Flows(loaded: Arc<Loaded>, #[prop(optional)] lang: Lang) -> impl IntoView {
    let flows = &loaded.report.flows;
    if flows.ip_conversations.is_empty() && flows.udp_conversations.is_empty() {
        return view! { <section class="view flows"><p class="empty">{t(lang, Key::NothingHere)}</p></section> }
            .into_any();
    }
    let talkers = |list: &[Talker], by_bytes: bool| {
        let max = list
            .iter()
            .map(|x| if by_bytes { x.bytes } else { x.packets })
            .max()
            .unwrap_or(1)
            .max(1);
        list.iter()
            .map(|x| {
                let v = if by_bytes { x.bytes } else { x.packets };
                let text = if by_bytes { units::bytes(lang, v) } else { v.to_string() };
                let pct = v as f64 * 100.0 / max as f64;
                let sent = if by_bytes { units::bytes(lang, x.bytes_sent) } else { x.packets_sent.to_string() };
                let received = if by_bytes { units::bytes(lang, x.bytes_received) } else { x.packets_received.to_string() };
                let title = format!("{}: {sent} · {}: {received}", t(lang, Key::UiColSent), t(lang, Key::UiColReceived));
                view! {
                    <li title=title>
                        <span class="bar-label addr">{x.address.clone()}</span>
                        <span class="bar" aria-hidden="true"><span class="bar-fill" style:width=format!("{pct:.1}%")></span></span>
                        <span class="bar-value">{text}</span>
                    </li>
                }
            })
            .collect_view()
    };
    let fragments = flows.ip_fragments;
    let fragment_facts = (fragments.fragments > 0).then(|| {
        let rows = vec![
            (
                lang.pick("Fragments", "Fragmentos").to_string(),
                fragments.fragments.to_string(),
            ),
            (
                lang.pick("Datagrams reassembled", "Datagramas reensamblados")
                    .to_string(),
                fragments.reassembled.to_string(),
            ),
            (
                lang.pick("Incomplete", "Incompletos").to_string(),
                fragments.incomplete.to_string(),
            ),
            (
                lang.pick("Timed out", "Caducados").to_string(),
                fragments.timed_out.to_string(),
            ),
            (
                lang.pick("Overlaps", "Solapamientos").to_string(),
                format!(
                    "{} ({} {})",
                    fragments.overlaps,
                    fragments.conflicts,
                    lang.pick("conflicting", "en conflicto")
                ),
            ),
        ];
        view! { <h3>{t(lang, Key::UiFragments)}</h3> {facts(rows)} }
    });
    let (ni, nu) = (flows.ip_conversations.len(), flows.udp_conversations.len());
    let ip = virtual_table(TableSpec {
        loaded: loaded.clone(),
        rows: |r: &Report| r.flows.ip_conversations.as_slice(),
        columns: conversation_columns(),
        lang,
        label: t(lang, Key::SecIpConversations).to_string(),
        testid: "ip-conversations",
        visible: Signal::stored((0..ni).collect()),
        stream_of: None,
        on_open: None,
        selected: None,
        row_tone: None,
    });
    let udp = (nu > 0).then(|| {
        let table = virtual_table(TableSpec {
            loaded: loaded.clone(),
            rows: |r: &Report| r.flows.udp_conversations.as_slice(),
            columns: conversation_columns(),
            lang,
            label: t(lang, Key::SecUdpConversations).to_string(),
            testid: "udp-conversations",
            visible: Signal::stored((0..nu).collect()),
            stream_of: None,
            on_open: None,
            selected: None,
            row_tone: None,
        });
        view! { <h3>{t(lang, Key::SecUdpConversations)}</h3> {table} }
    });
    let dropped = (flows.conversations_dropped > 0).then(|| {
        view! { <p class="hint">{lang.pick(
            format!("{} conversations were not tracked (table full).", flows.conversations_dropped),
            format!("{} conversaciones no se siguieron (tabla llena).", flows.conversations_dropped),
        )}</p> }
    });
    view! {
        <section class="view flows" aria-labelledby="flows-heading">
            <h2 id="flows-heading" class="visually-hidden">{t(lang, Key::UiTabFlows)}</h2>
            <h3>{t(lang, Key::SecTopTalkers)}</h3>
            <div class="columns">
                <div>
                    <h4>{t(lang, Key::UiTopByBytes)}</h4>
                    <ul class="bars" data-testid="talkers-bytes">{talkers(&flows.top_talkers_by_bytes, true)}</ul>
                </div>
                <div>
                    <h4>{t(lang, Key::UiTopByPackets)}</h4>
                    <ul class="bars">{talkers(&flows.top_talkers_by_packets, false)}</ul>
                </div>
            </div>
            <h3>{t(lang, Key::SecIpConversations)}</h3>
            {ip}
            {udp}
            {fragment_facts}
            {dropped}
        </section>
    }
    .into_any()
}

fn conversation_columns() -> Vec<Column<Conversation>> {
    vec![
        Column::new(
            Key::ColAddressA,
            15.0,
            Align::Mono,
            |c: &Conversation, _| c.a.clone(),
        )
        .sorted(|a, b| a.a.cmp(&b.a)),
        Column::new(
            Key::ColAddressB,
            15.0,
            Align::Mono,
            |c: &Conversation, _| c.b.clone(),
        )
        .sorted(|a, b| a.b.cmp(&b.b)),
        Column::new(
            Key::ColPacketsAtoB,
            7.5,
            Align::Right,
            |c: &Conversation, _| c.packets_a_to_b.to_string(),
        )
        .sorted(|a, b| a.packets_a_to_b.cmp(&b.packets_a_to_b)),
        Column::new(
            Key::ColBytesAtoB,
            8.0,
            Align::Right,
            |c: &Conversation, lang| units::bytes(lang, c.bytes_a_to_b),
        )
        .sorted(|a, b| a.bytes_a_to_b.cmp(&b.bytes_a_to_b)),
        Column::new(
            Key::ColPacketsBtoA,
            7.5,
            Align::Right,
            |c: &Conversation, _| c.packets_b_to_a.to_string(),
        )
        .sorted(|a, b| a.packets_b_to_a.cmp(&b.packets_b_to_a)),
        Column::new(
            Key::ColBytesBtoA,
            8.0,
            Align::Right,
            |c: &Conversation, lang| units::bytes(lang, c.bytes_b_to_a),
        )
        .sorted(|a, b| a.bytes_b_to_a.cmp(&b.bytes_b_to_a)),
        Column::new(Key::ColPackets, 6.5, Align::Right, |c: &Conversation, _| {
            c.packets.to_string()
        })
        .sorted(|a, b| a.packets.cmp(&b.packets)),
        Column::new(
            Key::ColBytes,
            7.5,
            Align::Right,
            |c: &Conversation, lang| units::bytes(lang, c.bytes),
        )
        .sorted(|a, b| a.bytes.cmp(&b.bytes)),
        Column::new(
            Key::ColDuration,
            7.5,
            Align::Right,
            |c: &Conversation, lang| units::duration(lang, c.duration_s),
        )
        .sorted(|a, b| a.duration_s.total_cmp(&b.duration_s)),
    ]
}
