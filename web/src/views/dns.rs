//! DNS: every message with its query/response pairing (Wireshark's `dns.response_in` /
//! `dns.response_to`), the response time, response codes and unanswered queries.

use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_core::report::dns::Message;
use pcaplens_core::Report;
use pcaplens_render::{names, t, units, Key, Lang};

use super::widgets::{facts, virtual_table, Align, Column, TableSpec};
use crate::state::Loaded;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    All,
    Queries,
    Unanswered,
    Errors,
}

impl Kind {
    const ALL: [Kind; 4] = [Kind::All, Kind::Queries, Kind::Unanswered, Kind::Errors];

    fn value(self) -> &'static str {
        match self {
            Kind::All => "all",
            Kind::Queries => "queries",
            Kind::Unanswered => "unanswered",
            Kind::Errors => "errors",
        }
    }

    fn label(self, lang: Lang) -> &'static str {
        t(
            lang,
            match self {
                Kind::All => Key::UiKindAllMessages,
                Kind::Queries => Key::UiKindQueries,
                Kind::Unanswered => Key::UiKindUnanswered,
                Kind::Errors => Key::UiKindErrors,
            },
        )
    }

    fn matches(self, m: &Message) -> bool {
        match self {
            Kind::All => true,
            Kind::Queries => !m.response,
            Kind::Unanswered => unanswered(m),
            Kind::Errors => is_error(m),
        }
    }
}

fn unanswered(m: &Message) -> bool {
    !m.response && m.response_in.is_none()
}

fn is_error(m: &Message) -> bool {
    m.response
        && m.rcode
            .as_deref()
            .is_some_and(|r| names::dns_rcode_number(r) != Some(0))
}

#[component]
pub fn Dns(loaded: Arc<Loaded>, #[prop(optional)] lang: Lang) -> impl IntoView {
    let dns = &loaded.report.dns;
    if dns.messages.is_empty() && dns.queries + dns.responses == 0 {
        return view! { <section class="view dns"><p class="empty">{t(lang, Key::NothingHere)}</p></section> }
            .into_any();
    }
    let latency = dns.latency.as_ref().map_or_else(
        || "—".to_string(),
        |l| {
            format!(
                "{} / {} / {} ms ({})",
                units::decimal(lang, l.min_ms, 1),
                units::decimal(lang, l.mean_ms, 1),
                units::decimal(lang, l.max_ms, 1),
                l.count
            )
        },
    );
    let rcodes = if dns.rcodes.is_empty() {
        "—".to_string()
    } else {
        dns.rcodes
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut stats = vec![
        (
            t(lang, Key::UiStatQueries).to_string(),
            dns.queries.to_string(),
        ),
        (
            t(lang, Key::UiStatResponses).to_string(),
            dns.responses.to_string(),
        ),
        (
            t(lang, Key::UiStatUnanswered).to_string(),
            dns.unanswered.to_string(),
        ),
        (t(lang, Key::UiStatLatency).to_string(), latency),
        (t(lang, Key::UiStatRcodes).to_string(), rcodes),
    ];
    if dns.messages_omitted > 0 {
        stats.push((
            lang.pick("Not listed", "No listados").to_string(),
            lang.pick(
                format!(
                    "{} messages (table cap; counted above)",
                    dns.messages_omitted
                ),
                format!(
                    "{} mensajes (límite de la tabla; contados arriba)",
                    dns.messages_omitted
                ),
            ),
        ));
    }
    let total = dns.messages.len();
    let kind = RwSignal::new(Kind::All);
    let visible = {
        let loaded = loaded.clone();
        Memo::new(move |_| {
            let k = kind.get();
            loaded
                .report
                .dns
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
        rows: |r: &Report| r.dns.messages.as_slice(),
        columns: columns(),
        lang,
        label: t(lang, Key::TabDns).to_string(),
        testid: "dns-table",
        visible: visible.into(),
        stream_of: None,
        on_open: None,
        selected: None,
        row_tone: Some(|m: &Message| {
            if unanswered(m) {
                Some("bad-row")
            } else if is_error(m) {
                Some("warn-row")
            } else {
                None
            }
        }),
    });
    view! {
        <section class="view dns" aria-labelledby="dns-heading">
            <h2 id="dns-heading" class="visually-hidden">{t(lang, Key::TabDns)}</h2>
            {facts(stats)}
            <div class="toolbar">
                <label class="field">
                    <span>{t(lang, Key::UiShow)}</span>
                    <select data-testid="dns-kind" on:change=move |e| {
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

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "—".into())
}

fn columns() -> Vec<Column<Message>> {
    vec![
        Column::new(Key::ColFrame, 5.0, Align::Right, |m: &Message, _| {
            m.frame.to_string()
        })
        .sorted(|a, b| a.frame.cmp(&b.frame))
        .framed(|m: &Message| Some(m.frame)),
        Column::new(Key::UiColId, 5.5, Align::Mono, |m: &Message, _| {
            format!("0x{:04x}", m.id)
        })
        .sorted(|a, b| a.id.cmp(&b.id)),
        Column::new(Key::ColMessage, 7.0, Align::Left, |m: &Message, lang| {
            t(
                lang,
                if m.response {
                    Key::UiResponse
                } else {
                    Key::UiQuery
                },
            )
            .to_string()
        }),
        Column::new(Key::ColQuery, 18.0, Align::Left, |m: &Message, _| {
            opt(&m.qname)
        })
        .sorted(|a, b| a.qname.cmp(&b.qname)),
        Column::new(Key::ColType, 5.0, Align::Left, |m: &Message, _| {
            opt(&m.qtype)
        })
        .sorted(|a, b| a.qtype.cmp(&b.qtype)),
        Column::new(Key::ColRcode, 10.0, Align::Left, |m: &Message, _| {
            if m.response {
                m.extended_rcode
                    .clone()
                    .or_else(|| m.rcode.clone())
                    .unwrap_or_else(|| "—".into())
            } else {
                "—".into()
            }
        })
        .sorted(|a, b| a.rcode.cmp(&b.rcode))
        .toned(|m| is_error(m).then_some("bad")),
        Column::new(
            Key::UiColResponseIn,
            9.0,
            Align::Right,
            |m: &Message, lang| match (m.response, m.response_in, m.response_to) {
                (false, Some(f), _) => f.to_string(),
                (false, None, _) => t(lang, Key::UiKindUnanswered).to_lowercase(),
                (true, _, Some(f)) => format!("← {f}"),
                (true, _, None) => "—".into(),
            },
        )
        .toned(|m| unanswered(m).then_some("bad")),
        Column::new(Key::UiColLatency, 7.0, Align::Right, |m: &Message, lang| {
            m.latency_ms.map_or_else(
                || "—".into(),
                |ms| format!("{} ms", units::decimal(lang, ms, 1)),
            )
        })
        .sorted(|a, b| {
            a.latency_ms
                .unwrap_or(-1.0)
                .total_cmp(&b.latency_ms.unwrap_or(-1.0))
        }),
        Column::new(Key::ColAnswers, 20.0, Align::Left, |m: &Message, _| {
            if m.answers.is_empty() {
                "—".into()
            } else {
                m.answers
                    .iter()
                    .map(|a| format!("{} {}", a.rtype, a.data))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        }),
        Column::new(Key::ColSource, 11.0, Align::Mono, |m: &Message, _| {
            m.src.clone()
        })
        .sorted(|a, b| a.src.cmp(&b.src)),
        Column::new(Key::ColDestination, 11.0, Align::Mono, |m: &Message, _| {
            m.dst.clone()
        })
        .sorted(|a, b| a.dst.cmp(&b.dst)),
        Column::new(Key::ColTransport, 6.0, Align::Left, |m: &Message, _| {
            if m.protocol == "dns" {
                m.transport.clone()
            } else {
                format!("{} ({})", m.transport, m.protocol)
            }
        }),
    ]
}
