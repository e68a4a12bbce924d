//! Connections: one row per TCP stream (Wireshark's `tcp.stream`), as in Statistics ›
//! Conversations, filterable by address/port and by kind, sortable, virtualized; opening a row
//! shows the connection's detail (see [`super::connection_detail`]).

use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_core::report::tcp::Connection;
use pcaplens_core::Report;
use pcaplens_render::expert::{tcp_flag, TCP_FLAGS};
use pcaplens_render::{names, t, units, Key, Lang};

use super::connection_detail::ConnectionDetail;
use super::sorting::{matches_text, ConnectionKind};
use super::widgets::{virtual_table, Align, Column, TableSpec};
use crate::state::{AppState, Loaded};

#[component]
pub fn Connections(loaded: Arc<Loaded>, #[prop(optional)] lang: Lang) -> impl IntoView {
    let selected = use_context::<AppState>()
        .map(|s| s.selected_stream)
        .unwrap_or_else(|| RwSignal::new(None));
    let text = RwSignal::new(String::new());
    let kind = RwSignal::new(ConnectionKind::All);
    let total = loaded.report.tcp.connections.len();
    let visible = {
        let loaded = loaded.clone();
        Memo::new(move |_| {
            let (text, kind) = (text.get(), kind.get());
            loaded
                .report
                .tcp
                .connections
                .iter()
                .enumerate()
                .filter(|(_, c)| kind.matches(c) && matches_text(c, &text))
                .map(|(i, _)| i)
                .collect::<Vec<usize>>()
        })
    };
    let shown = move || visible.with(Vec::len);

    // Kind choices: fixed ones, then every analysis flag present in the capture.
    let totals = &loaded.report.tcp.summary.analysis;
    let mut kinds: Vec<(ConnectionKind, String)> = vec![
        (ConnectionKind::All, t(lang, Key::UiKindAll).into()),
        (
            ConnectionKind::WithIssues,
            t(lang, Key::UiKindIssues).into(),
        ),
        (
            ConnectionKind::HandshakeFailed,
            t(lang, Key::UiKindHandshakeFailed).into(),
        ),
        (ConnectionKind::Reset, t(lang, Key::UiKindReset).into()),
        (
            ConnectionKind::ClosedWithFin,
            t(lang, Key::UiKindFin).into(),
        ),
        (ConnectionKind::StillOpen, t(lang, Key::UiKindOpen).into()),
    ];
    for flag in TCP_FLAGS {
        let n = flag.count_in(totals);
        if n > 0 {
            kinds.push((
                ConnectionKind::Flag(flag.kind),
                format!("{} ({n})", flag.title(lang)),
            ));
        }
    }
    let options = kinds
        .into_iter()
        .map(|(k, label)| view! { <option value=k.value()>{label}</option> })
        .collect_view();

    let on_open = Callback::new(move |stream: u64| {
        selected.set(if selected.get_untracked() == Some(stream) {
            None
        } else {
            Some(stream)
        });
    });
    let table = virtual_table(TableSpec {
        loaded: loaded.clone(),
        rows: |r: &Report| r.tcp.connections.as_slice(),
        columns: columns(),
        lang,
        label: t(lang, Key::TabConnections).to_string(),
        testid: "connections-table",
        visible: visible.into(),
        stream_of: Some(|c: &Connection| Some(c.stream)),
        on_open: Some(on_open),
        selected: Some(selected.into()),
        row_tone: None,
    });

    let detail = {
        let loaded = loaded.clone();
        move || {
            let stream = selected.get()?;
            let conns = &loaded.report.tcp.connections;
            let index = conns
                .binary_search_by_key(&stream, |c| c.stream)
                .ok()
                .or_else(|| conns.iter().position(|c| c.stream == stream))?;
            Some(view! { <ConnectionDetail loaded=loaded.clone() index lang /> })
        }
    };

    view! {
        <section class="view connections" aria-labelledby="connections-heading">
            <h2 id="connections-heading" class="visually-hidden">{t(lang, Key::TabConnections)}</h2>
            {(total == 0).then(|| view! { <p class="empty">{t(lang, Key::NothingHere)}</p> })}
            {(total > 0).then(|| view! {
                <div class="toolbar">
                    <label class="field">
                        <span>{t(lang, Key::UiFilterText)}</span>
                        <input
                            type="search"
                            data-testid="connections-filter"
                            placeholder=t(lang, Key::UiFilterPlaceholder)
                            prop:value=move || text.get()
                            on:input=move |e| text.set(event_target_value(&e))
                        />
                    </label>
                    <label class="field">
                        <span>{t(lang, Key::UiShow)}</span>
                        <select
                            data-testid="connections-kind"
                            on:change=move |e| kind.set(ConnectionKind::from_value(&event_target_value(&e)))
                            prop:value=move || kind.get().value()
                        >
                            {options}
                        </select>
                    </label>
                    <p class="count" role="status" data-testid="connections-count">
                        {move || shown_text(lang, shown(), total)}
                    </p>
                </div>
                <p class="hint">{t(lang, Key::UiSortHint)}</p>
                {table}
            })}
            {detail}
        </section>
    }
}

fn shown_text(lang: Lang, shown: usize, total: usize) -> String {
    if shown == total {
        lang.pick(
            format!("{total} connections"),
            format!("{total} conexiones"),
        )
    } else {
        lang.pick(
            format!("{shown} of {total} connections"),
            format!("{shown} de {total} conexiones"),
        )
    }
}

/// "SYN, SYN-ACK, FIN ×2, RST": the control flags seen, both directions.
pub fn flags_summary(c: &Connection) -> String {
    let (a, b) = (&c.client_to_server, &c.server_to_client);
    let mut parts = Vec::new();
    for (name, n) in [
        ("SYN", a.syn + b.syn),
        ("SYN-ACK", a.syn_ack + b.syn_ack),
        ("FIN", a.fin + b.fin),
        ("RST", a.rst + b.rst),
    ] {
        match n {
            0 => {}
            1 => parts.push(name.to_string()),
            n => parts.push(format!("{name} ×{n}")),
        }
    }
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(", ")
    }
}

/// "3 Duplicate ACK, 1 Fast retransmission": the analysis flags, in Expert Info order.
pub fn issues_summary(c: &Connection, lang: Lang) -> String {
    let parts: Vec<String> = TCP_FLAGS
        .iter()
        .filter_map(|f| {
            let n = f.count_in(&c.analysis);
            (n > 0).then(|| format!("{n} {}", f.title(lang)))
        })
        .collect();
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(", ")
    }
}

/// Warning-level flags make the issues cell red, notes orange.
fn issues_tone(c: &Connection) -> Option<&'static str> {
    let worst = TCP_FLAGS
        .iter()
        .filter(|f| f.count_in(&c.analysis) > 0)
        .map(|f| f.severity)
        .min()?;
    Some(match worst {
        pcaplens_render::Severity::Error | pcaplens_render::Severity::Warning => "bad",
        pcaplens_render::Severity::Note => "warn",
        _ => "quiet",
    })
}

fn handshake_text(c: &Connection, lang: Lang) -> String {
    if c.handshake_completed {
        t(lang, Key::Yes).into()
    } else if c.syn_seen {
        t(lang, Key::No).into()
    } else {
        "—".into()
    }
}

fn columns() -> Vec<Column<Connection>> {
    vec![
        Column::new(Key::ColStream, 6.0, Align::Right, |c: &Connection, _| {
            c.stream.to_string()
        })
        .sorted(|a, b| a.stream.cmp(&b.stream)),
        Column::new(Key::ColClient, 14.0, Align::Mono, |c: &Connection, _| {
            c.client.clone()
        })
        .sorted(|a, b| a.client.cmp(&b.client)),
        Column::new(Key::ColServer, 14.0, Align::Mono, |c: &Connection, _| {
            c.server.clone()
        })
        .sorted(|a, b| a.server.cmp(&b.server)),
        Column::new(Key::ColHandshake, 7.0, Align::Left, handshake_text)
            .sorted(|a, b| a.handshake_completed.cmp(&b.handshake_completed))
            .toned(|c| (c.syn_seen && !c.handshake_completed).then_some("bad")),
        Column::new(Key::ColClose, 10.0, Align::Left, |c: &Connection, lang| {
            let label = names::close_label(lang, &c.close);
            match c.rst_from.as_deref().or(c.fin_from.as_deref()) {
                Some(who) if c.close == "rst" || c.close == "half_fin" => {
                    format!("{label}, {}", names::side(lang, who))
                }
                _ => label.to_string(),
            }
        })
        .sorted(|a, b| a.close.cmp(&b.close))
        .toned(|c| (c.close == "rst").then_some("warn")),
        Column::new(Key::UiColFlags, 11.0, Align::Left, |c: &Connection, _| {
            flags_summary(c)
        }),
        Column::new(Key::ColIssues, 17.0, Align::Left, issues_summary)
            .sorted(|a, b| {
                super::sorting::flag_count(a, None).cmp(&super::sorting::flag_count(b, None))
            })
            .toned(issues_tone),
        Column::new(Key::ColPackets, 6.5, Align::Right, |c: &Connection, _| {
            c.packets.to_string()
        })
        .sorted(|a, b| a.packets.cmp(&b.packets)),
        Column::new(Key::ColBytes, 7.5, Align::Right, |c: &Connection, lang| {
            units::bytes(lang, c.bytes)
        })
        .sorted(|a, b| a.bytes.cmp(&b.bytes)),
        Column::new(
            Key::ColDuration,
            7.5,
            Align::Right,
            |c: &Connection, lang| units::duration(lang, c.duration_s),
        )
        .sorted(|a, b| a.duration_s.total_cmp(&b.duration_s)),
        Column::new(Key::ColConnState, 7.0, Align::Left, |c: &Connection, _| {
            c.conn_state.to_string()
        })
        .sorted(|a, b| a.conn_state.cmp(&b.conn_state)),
    ]
}

/// The localized title of an analysis flag ("duplicate_ack" → "Duplicate ACK").
pub fn flag_title(kind: &str, lang: Lang) -> String {
    tcp_flag(kind).map_or_else(|| kind.to_string(), |f| f.title(lang).to_string())
}
