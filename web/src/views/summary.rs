//! Summary: the capture at a glance (capinfos facts, frames per protocol, TCP totals) and the
//! key packets a write-up points at.

use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_render::keypackets::key_packets;
use pcaplens_render::units;
use pcaplens_render::{t, Key, Lang};

use super::widgets::{cards, facts, frame_link, stream_button};
use crate::state::Loaded;

/// Key packets listed before "show all".
const KEY_PACKETS_SHOWN: usize = 25;

#[component]
pub fn Summary(loaded: Arc<Loaded>, #[prop(optional)] lang: Lang) -> impl IntoView {
    let report = &loaded.report;
    let c = &report.capinfos;
    let tcp = &report.tcp.summary;
    let dash = || "—".to_string();
    let time = |v: Option<f64>| v.map_or_else(dash, units::utc);
    let format_name = match (&c.format, c.compressed) {
        (Some(f), true) => format!("{f} ({})", t(lang, Key::UiCompressed)),
        (Some(f), false) => f.clone(),
        (None, _) => t(lang, Key::Unknown).to_string(),
    };
    let interfaces = c
        .interfaces
        .iter()
        .map(|i| {
            let name = i
                .name
                .clone()
                .unwrap_or_else(|| t(lang, Key::UiUnnamed).to_string());
            format!(
                "{name}: {}, {} {}, {}",
                i.link_type,
                t(lang, Key::ColSnaplen).to_lowercase(),
                i.snaplen,
                i.time_precision
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let mut rows = vec![
        (t(lang, Key::ColFormat).to_string(), format_name),
        (
            t(lang, Key::ColDataBytes).to_string(),
            format!("{} ({} B)", units::bytes(lang, c.data_bytes), c.data_bytes),
        ),
        (
            t(lang, Key::ColWireBytes).to_string(),
            format!("{} ({} B)", units::bytes(lang, c.wire_bytes), c.wire_bytes),
        ),
        (t(lang, Key::ColFirstPacket).to_string(), time(c.first_time)),
        (t(lang, Key::ColLastPacket).to_string(), time(c.last_time)),
        (
            t(lang, Key::ColDuration).to_string(),
            c.duration_s.map_or_else(dash, |d| units::duration(lang, d)),
        ),
        (
            t(lang, Key::ColLinkTypes).to_string(),
            if c.link_types.is_empty() {
                dash()
            } else {
                c.link_types.join(", ")
            },
        ),
        (
            t(lang, Key::ColTimePrecision).to_string(),
            c.time_precision.clone().unwrap_or_else(dash),
        ),
    ];
    if !interfaces.is_empty() {
        rows.push((t(lang, Key::ColInterfaces).to_string(), interfaces));
    }
    let tcp_rows = vec![
        (
            t(lang, Key::CompletedHandshakes).to_string(),
            tcp.successful_handshakes.to_string(),
        ),
        (
            t(lang, Key::FailedHandshakes).to_string(),
            tcp.failed_handshakes.to_string(),
        ),
        (
            t(lang, Key::ClosedWithFin).to_string(),
            tcp.normal_close.to_string(),
        ),
        (
            t(lang, Key::ResetConnections).to_string(),
            tcp.reset_connections.to_string(),
        ),
        (
            t(lang, Key::StillOpen).to_string(),
            tcp.active_connections.to_string(),
        ),
        (
            t(lang, Key::UiMidstream).to_string(),
            tcp.midstream_connections.to_string(),
        ),
    ];

    // Frames per protocol, most first, as bars.
    let mut protocols: Vec<(String, u64)> = report
        .flows
        .protocol_frames
        .iter()
        .map(|(k, v)| (k.clone(), *v))
        .collect();
    protocols.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let max = protocols.first().map_or(1, |p| p.1.max(1));
    let protocol_rows = protocols
        .into_iter()
        .map(|(name, n)| {
            let pct = n as f64 * 100.0 / max as f64;
            let key = name.clone();
            view! {
                <li data-protocol=key>
                    <span class="bar-label">{name}</span>
                    <span class="bar" aria-hidden="true"><span class="bar-fill" style:width=format!("{pct:.1}%")></span></span>
                    <span class="bar-value">{n}</span>
                </li>
            }
        })
        .collect_view();

    let keys = key_packets(report, lang);
    let total_keys = keys.len();
    let show_all = RwSignal::new(total_keys <= KEY_PACKETS_SHOWN);
    let keys = Arc::new(keys);
    let key_rows = move || {
        let limit = if show_all.get() {
            usize::MAX
        } else {
            KEY_PACKETS_SHOWN
        };
        keys.iter()
            .take(limit)
            .map(|k| {
                let opt = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
                view! {
                    <tr>
                        <td class="num">{frame_link(k.frame, k.frame.to_string())}</td>
                        <td>{k.stream.map(|s| stream_button(s, lang))}</td>
                        <td class="addr">{opt(&k.source)}</td>
                        <td class="addr">{opt(&k.destination)}</td>
                        <td>{k.protocol}</td>
                        <td class="wrap">{k.description.clone()}</td>
                    </tr>
                }
            })
            .collect_view()
    };

    view! {
        <section class="view summary" aria-labelledby="summary-heading">
            <h2 id="summary-heading" class="visually-hidden">{t(lang, Key::TabSummary)}</h2>
            {cards(vec![
                (t(lang, Key::ColPackets).to_string(), c.packets.to_string(), "summary-packets"),
                (t(lang, Key::TabConnections).to_string(), tcp.total_connections.to_string(), "summary-tcp-connections"),
                (t(lang, Key::FileSize).to_string(), units::bytes(lang, loaded.file_size), "summary-file-size"),
                (t(lang, Key::AnalyzedIn).to_string(), units::duration(lang, loaded.elapsed_ms / 1000.0), "summary-elapsed"),
            ])}
            <div class="columns">
                <div>
                    <h3>{t(lang, Key::TabCapture)}</h3>
                    {facts(rows)}
                </div>
                <div>
                    <h3>{t(lang, Key::UiProtocols)}</h3>
                    <ul class="bars" data-testid="protocols">{protocol_rows}</ul>
                    <h3>{t(lang, Key::UiTcpTotals)}</h3>
                    {facts(tcp_rows)}
                </div>
            </div>
            {(!c.comments.is_empty()).then(|| view! {
                <h3>{t(lang, Key::ColComments)}</h3>
                <ul class="plain comments">
                    {c.comments.iter().map(|t| view! { <li>{t.clone()}</li> }).collect_view()}
                </ul>
            })}
            {(total_keys > 0).then(|| view! {
                <h3>{t(lang, Key::SecKeyPackets)}</h3>
                <div class="table-scroll" tabindex="0" role="region" aria-label=t(lang, Key::SecKeyPackets)>
                    <table class="data" data-testid="key-packets">
                        <thead>
                            <tr>
                                <th scope="col" class="num">{t(lang, Key::ColFrame)}</th>
                                <th scope="col">{t(lang, Key::ColStream)}</th>
                                <th scope="col">{t(lang, Key::ColSource)}</th>
                                <th scope="col">{t(lang, Key::ColDestination)}</th>
                                <th scope="col">{t(lang, Key::ColProtocol)}</th>
                                <th scope="col">{t(lang, Key::ColDescription)}</th>
                            </tr>
                        </thead>
                        <tbody>{key_rows}</tbody>
                    </table>
                </div>
                <Show when=move || !show_all.get()>
                    <button type="button" class="secondary more" on:click=move |_| show_all.set(true)>
                        {format!("{} ({total_keys})", t(lang, Key::ShowAll))}
                    </button>
                </Show>
            })}
            <p class="hint">{t(lang, Key::FrameNumbersNote)}</p>
        </section>
    }
}
