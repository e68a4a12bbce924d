//! ICMP and ICMPv6: echo requests paired with their replies (round-trip time), unanswered
//! pings, and errors (destination unreachable, time exceeded, ...) with the packet they quote.

use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_core::report::icmp::Message;
use pcaplens_core::Report;
use pcaplens_render::keypackets::icmp_info;
use pcaplens_render::{names, t, units, Key, Lang};

use super::widgets::{facts, virtual_table, Align, Column, TableSpec};
use crate::state::Loaded;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    All,
    Echo,
    Unanswered,
    Errors,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::All, Kind::Echo, Kind::Unanswered, Kind::Errors];

    fn value(self) -> &'static str {
        match self {
            Kind::All => "all",
            Kind::Echo => "echo",
            Kind::Unanswered => "unanswered",
            Kind::Errors => "errors",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                Kind::All => Key::UiKindAllMessages,
                Kind::Echo => Key::UiKindEcho,
                Kind::Unanswered => Key::UiKindUnanswered,
                Kind::Errors => Key::UiKindErrors,
            },
        )
    }

    fn matches(self, m: &Message) -> bool {
        match self {
            Kind::All => true,
            Kind::Echo => is_echo(m),
            Kind::Unanswered => unanswered(m),
            Kind::Errors => names::icmp_is_error(m.version, m.icmp_type),
        }
    }
}

fn is_echo(m: &Message) -> bool {
    matches!((m.version, m.icmp_type), (4, 8 | 0) | (6, 128 | 129))
}

fn is_request(m: &Message) -> bool {
    matches!((m.version, m.icmp_type), (4, 8) | (6, 128))
}

fn unanswered(m: &Message) -> bool {
    is_request(m) && m.reply_frame.is_none()
}

#[component]
pub fn Icmp(loaded: Arc<Loaded>, #[prop(optional)] lang: Lang) -> impl IntoView {
    let icmp = &loaded.report.icmp;
    if icmp.messages.is_empty() {
        return view! { <section class="view icmp"><p class="empty">{t(lang, Key::NothingHere)}</p></section> }
            .into_any();
    }
    let rtt = icmp.rtt.as_ref().map_or_else(
        || "—".to_string(),
        |l| {
            format!(
                "{} / {} / {} ms ({})",
                units::decimal(lang, l.min_ms, 3),
                units::decimal(lang, l.mean_ms, 3),
                units::decimal(lang, l.max_ms, 3),
                l.count
            )
        },
    );
    let stats = vec![
        (
            t(lang, Key::UiStatEchoRequests).to_string(),
            icmp.echo_requests.to_string(),
        ),
        (
            t(lang, Key::UiStatEchoReplies).to_string(),
            icmp.echo_replies.to_string(),
        ),
        (
            t(lang, Key::UiKindUnanswered).to_string(),
            icmp.unanswered.to_string(),
        ),
        (t(lang, Key::UiStatRtt).to_string(), rtt),
        (
            t(lang, Key::UiStatUnreachable).to_string(),
            icmp.destination_unreachable.to_string(),
        ),
        (
            t(lang, Key::UiStatTimeExceeded).to_string(),
            icmp.time_exceeded.to_string(),
        ),
    ];
    let total = icmp.messages.len();
    let kind = RwSignal::new(Kind::All);
    let visible = {
        let loaded = loaded.clone();
        Memo::new(move |_| {
            let k = kind.get();
            loaded
                .report
                .icmp
                .messages
                .iter()
                .enumerate()
                .filter(|(_, m)| k.matches(m))
                .map(|(i, _)| i)
                .collect::<Vec<usize>>()
        })
    };
    let options = Kind::ALL
        .iter()
        .map(|k| view! { <option value=k.value()>{k.label(lang)}</option> })
        .collect_view();
    let table = virtual_table(TableSpec {
        loaded: loaded.clone(),
        rows: |r: &Report| r.icmp.messages.as_slice(),
        columns: columns(),
        lang,
        label: t(lang, Key::TabIcmp).to_string(),
        testid: "icmp-table",
        visible: visible.into(),
        stream_of: None,
        on_open: None,
        selected: None,
        row_tone: Some(|m: &Message| {
            if unanswered(m) {
                Some("bad-row")
            } else if names::icmp_is_error(m.version, m.icmp_type) {
                Some("warn-row")
            } else {
                None
            }
        }),
    });
    view! {
        <section class="view icmp" aria-labelledby="icmp-heading">
            <h2 id="icmp-heading" class="visually-hidden">{t(lang, Key::TabIcmp)}</h2>
            {facts(stats)}
            <div class="toolbar">
                <label class="field">
                    <span>{t(lang, Key::UiShow)}</span>
                    <select data-testid="icmp-kind" on:change=move |e| {
                        let v = event_target_value(&e);
                        kind.set(Kind::ALL.into_iter().find(|k| k.value() == v).unwrap_or(Kind::All));
                    }>
                        {options}
                    </select>
                </label>
                <p class="count" role="status">{move || super::shown_of(lang, visible.with(Vec::len), total)}</p>
            </div>
            {table}
        </section>
    }
    .into_any()
}

fn num<T: ToString>(v: Option<T>) -> String {
    v.map_or_else(|| "—".into(), |v| v.to_string())
}

fn columns() -> Vec<Column<Message>> {
    vec![
        Column::new(Key::ColFrame, 5.0, Align::Right, |m: &Message, _| {
            m.frame.to_string()
        })
        .sorted(|a, b| a.frame.cmp(&b.frame))
        .framed(|m: &Message| Some(m.frame)),
        Column::new(
            Key::ColDescription,
            26.0,
            Align::Left,
            |m: &Message, lang| icmp_info(lang, m),
        )
        .sorted(|a, b| (a.version, a.icmp_type, a.code).cmp(&(b.version, b.icmp_type, b.code))),
        Column::new(Key::ColType, 6.0, Align::Right, |m: &Message, _| {
            format!("{}/{}", m.icmp_type, m.code)
        }),
        Column::new(Key::ColSource, 13.0, Align::Mono, |m: &Message, _| {
            m.src.clone()
        })
        .sorted(|a, b| a.src.cmp(&b.src)),
        Column::new(Key::ColDestination, 13.0, Align::Mono, |m: &Message, _| {
            m.dst.clone()
        })
        .sorted(|a, b| a.dst.cmp(&b.dst)),
        Column::new(Key::ColIdentifier, 6.0, Align::Right, |m: &Message, _| {
            num(m.id)
        }),
        Column::new(Key::ColSequence, 6.0, Align::Right, |m: &Message, _| {
            num(m.seq)
        })
        .sorted(|a, b| a.seq.cmp(&b.seq)),
        Column::new(
            Key::ColReplyFrame,
            8.0,
            Align::Right,
            |m: &Message, lang| match (m.reply_frame, m.request_frame) {
                (Some(f), _) => f.to_string(),
                (None, Some(f)) => format!("← {f}"),
                (None, None) if is_request(m) => t(lang, Key::UiKindUnanswered).to_lowercase(),
                _ => "—".into(),
            },
        )
        .toned(|m| unanswered(m).then_some("bad")),
        Column::new(Key::UiColRtt, 7.0, Align::Right, |m: &Message, lang| {
            m.rtt_ms.map_or_else(
                || "—".into(),
                |ms| format!("{} ms", units::decimal(lang, ms, 3)),
            )
        })
        .sorted(|a, b| {
            a.rtt_ms
                .unwrap_or(-1.0)
                .total_cmp(&b.rtt_ms.unwrap_or(-1.0))
        }),
        Column::new(
            Key::UiQuoted,
            18.0,
            Align::Mono,
            |m: &Message, _| match &m.quoted {
                Some(q) => format!(
                    "{} {}{} → {}{}",
                    q.protocol,
                    q.src,
                    q.src_port.map_or(String::new(), |p| format!(":{p}")),
                    q.dst,
                    q.dst_port.map_or(String::new(), |p| format!(":{p}"))
                ),
                None => "—".into(),
            },
        ),
    ]
}
