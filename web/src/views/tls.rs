//! TLS: one row per TCP stream carrying TLS (its first ClientHello and ServerHello): server
//! name (SNI), versions, ALPN, cipher suite, JA3/JA4 fingerprints, records and alerts. A row
//! opens its TCP connection.

use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_core::report::tls::{Handshake, RecordCounts};
use pcaplens_core::Report;
use pcaplens_render::keypackets::{alert_text, offered_versions};
use pcaplens_render::{names, t, Key, Lang};

use super::widgets::{facts, open_connection, virtual_table, Align, Column, TableSpec};
use crate::state::Loaded;

#[component]
pub fn Tls(loaded: Arc<Loaded>, #[prop(optional)] lang: Lang) -> impl IntoView {
    let tls = &loaded.report.tls;
    if tls.handshakes.is_empty() && tls.client_hellos == 0 {
        return view! { <section class="view tls"><p class="empty">{t(lang, Key::NothingHere)}</p></section> }
            .into_any();
    }
    let summary = facts(vec![
        (
            t(lang, Key::UiClientHellos).into(),
            tls.client_hellos.to_string(),
        ),
        (
            t(lang, Key::UiServerHellos).into(),
            tls.server_hellos.to_string(),
        ),
        (
            t(lang, Key::UiSnis).into(),
            if tls.snis.is_empty() {
                "—".into()
            } else {
                tls.snis.join(", ")
            },
        ),
    ]);
    let n = tls.handshakes.len();
    let table = virtual_table(TableSpec {
        loaded: loaded.clone(),
        rows: |r: &Report| r.tls.handshakes.as_slice(),
        columns: columns(),
        lang,
        label: t(lang, Key::TabTls).to_string(),
        testid: "tls-table",
        visible: Signal::stored((0..n).collect()),
        stream_of: Some(|h: &Handshake| Some(h.stream)),
        on_open: Some(Callback::new(open_connection)),
        selected: None,
        row_tone: Some(|h: &Handshake| (!h.alerts.is_empty()).then_some("warn-row")),
    });
    view! {
        <section class="view tls" aria-labelledby="tls-heading">
            <h2 id="tls-heading" class="visually-hidden">{t(lang, Key::TabTls)}</h2>
            {summary}
            {table}
            <p class="hint">{t(lang, Key::UiSortHint)}</p>
        </section>
    }
    .into_any()
}

fn records(r: &RecordCounts, lang: Lang) -> String {
    let mut parts = Vec::new();
    for (n, en, es) in [
        (r.handshake, "handshake", "handshake"),
        (r.change_cipher_spec, "CCS", "CCS"),
        (r.application_data, "app data", "datos"),
        (r.alert, "alert", "alerta"),
        (r.heartbeat, "heartbeat", "heartbeat"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {}", lang.pick(en, es)));
        }
    }
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(", ")
    }
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "—".into())
}

fn frame(v: Option<u64>) -> String {
    v.map_or_else(|| "—".into(), |f| f.to_string())
}

fn columns() -> Vec<Column<Handshake>> {
    vec![
        Column::new(Key::ColStream, 6.0, Align::Right, |h: &Handshake, _| {
            h.stream.to_string()
        })
        .sorted(|a, b| a.stream.cmp(&b.stream)),
        Column::new(Key::ColSni, 16.0, Align::Left, |h: &Handshake, _| {
            opt(&h.sni)
        })
        .sorted(|a, b| a.sni.cmp(&b.sni)),
        Column::new(Key::ColVersion, 7.0, Align::Left, |h: &Handshake, _| {
            h.selected_version
                .as_deref()
                .map_or_else(|| "—".into(), names::tls_version)
        })
        .sorted(|a, b| a.selected_version.cmp(&b.selected_version)),
        Column::new(Key::ColCipher, 22.0, Align::Left, |h: &Handshake, _| {
            h.cipher
                .as_deref()
                .map_or_else(|| "—".into(), names::cipher_suite_label)
        })
        .sorted(|a, b| a.cipher.cmp(&b.cipher)),
        Column::new(
            Key::ColAlpn,
            9.0,
            Align::Left,
            |h: &Handshake, _| match &h.server_alpn {
                Some(chosen) => chosen.clone(),
                None if h.alpn.is_empty() => "—".into(),
                None => h.alpn.join(", "),
            },
        ),
        Column::new(
            Key::ColClientHello,
            7.0,
            Align::Right,
            |h: &Handshake, _| frame(h.client_hello_frame),
        )
        .sorted(|a, b| a.client_hello_frame.cmp(&b.client_hello_frame))
        .framed(|h: &Handshake| h.client_hello_frame),
        Column::new(
            Key::ColServerHello,
            7.0,
            Align::Right,
            |h: &Handshake, _| frame(h.server_hello_frame),
        )
        .framed(|h: &Handshake| h.server_hello_frame),
        Column::new(Key::ColClient, 13.0, Align::Mono, |h: &Handshake, _| {
            h.client.clone()
        })
        .sorted(|a, b| a.client.cmp(&b.client)),
        Column::new(Key::ColServer, 13.0, Align::Mono, |h: &Handshake, _| {
            h.server.clone()
        })
        .sorted(|a, b| a.server.cmp(&b.server)),
        Column::new(
            Key::ColOfferedVersions,
            11.0,
            Align::Left,
            |h: &Handshake, _| offered_versions(h).join(", "),
        ),
        Column::new(Key::ColJa3, 18.0, Align::Mono, |h: &Handshake, _| {
            opt(&h.ja3)
        })
        .sorted(|a, b| a.ja3.cmp(&b.ja3)),
        Column::new(Key::ColJa4, 22.0, Align::Mono, |h: &Handshake, _| {
            opt(&h.ja4)
        })
        .sorted(|a, b| a.ja4.cmp(&b.ja4)),
        Column::new(Key::ColRecords, 16.0, Align::Left, |h: &Handshake, lang| {
            records(&h.records, lang)
        }),
        Column::new(Key::ColAlerts, 18.0, Align::Left, |h: &Handshake, lang| {
            if h.alerts.is_empty() {
                "—".into()
            } else {
                h.alerts
                    .iter()
                    .map(|a| {
                        format!(
                            "{} ({} {})",
                            alert_text(lang, a.level, a.description),
                            t(lang, Key::ColFrame).to_lowercase(),
                            a.frame
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            }
        })
        .toned(|h| (!h.alerts.is_empty()).then_some("warn")),
    ]
}
