//! One connection opened from the Connections list: its facts (options of each side, initial
//! RTT, Zeek state and history, Wireshark's completeness), its flagged frames, a flow graph
//! (ladder diagram) of its packets and, for bulk transfers, a time-sequence (Stevens) plot.
//!
//! The Report has no per-packet rows, so the packets come from a second read of the file in
//! the worker (`pcaplens_core::analyze::ladder`), asked for when the detail opens.

use std::collections::BTreeMap;
use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_core::analyze::ladder::{StreamPackets, StreamQuery, DEFAULT_MAX_ROWS};
use pcaplens_core::report::tcp::{Connection, SynOptions};
use pcaplens_render::expert::tcp_flag;
use pcaplens_render::keypackets::syn_options_info;
use pcaplens_render::{names, t, units, Key, Lang, Severity};

use super::geometry::{analysis_kinds, arrow_text, sequence_plot, Area};
use super::widgets::{facts, frame_link, relative_time, sequence_diagram, Arrow, FilterCopy, Tone};
use crate::state::{AppState, Loaded, StreamPacketsState};

/// Data segments one direction needs before the time-sequence plot is shown (a bulk transfer).
const BULK_MIN_SEGMENTS: u64 = 8;
/// Flagged frames listed before the list is cut (the Expert Info tab has them all).
const MAX_ISSUES_LISTED: usize = 200;

#[component]
pub fn ConnectionDetail(loaded: Arc<Loaded>, index: usize, lang: Lang) -> impl IntoView {
    let state = use_context::<AppState>();
    let Some(c) = loaded.report.tcp.connections.get(index) else {
        return ().into_any();
    };
    let stream = c.stream;
    let tls = loaded
        .report
        .tls
        .handshakes
        .iter()
        .any(|h| h.stream == stream);
    if let Some(state) = state {
        state.request_stream_packets(StreamQuery {
            stream,
            last_frame: c.last_frame,
            expected_packets: c.packets,
            max_rows: DEFAULT_MAX_ROWS,
            tls,
        });
    }
    let packets = move || state.and_then(|s| s.stream_packets.with(|m| m.get(&stream).cloned()));

    let close = move |_| {
        if let Some(s) = state {
            s.selected_stream.set(None);
        }
    };
    let heading = format!(
        "{} {stream}: {} → {}",
        t(lang, Key::ColStream),
        c.client,
        c.server
    );
    let section = NodeRef::<leptos::html::Section>::new();
    Effect::new(move |_| {
        if let Some(el) = section.get() {
            el.scroll_into_view();
        }
    });

    // Wireshark messages of this stream's flagged frames ("[TCP Dup ACK 15#1]").
    let messages: BTreeMap<u64, Vec<String>> = loaded
        .report
        .tcp
        .issues
        .iter()
        .filter(|i| i.stream == stream)
        .fold(BTreeMap::new(), |mut m, i| {
            m.entry(i.frame).or_default().push(i.message.clone());
            m
        });
    let messages = Arc::new(messages);
    let capture_start = loaded.report.capinfos.first_time.unwrap_or(c.first_time);
    let conn = c.clone();
    let packet_views = {
        let messages = messages.clone();
        move || {
            match packets() {
            None | Some(StreamPacketsState::Loading) => view! {
                <p class="loading" role="status" data-testid="ladder-loading">{t(lang, Key::UiLoadingPackets)}</p>
            }
            .into_any(),
            Some(StreamPacketsState::Failed(message)) => {
                view! { <p class="inline-error" role="alert">{message}</p> }.into_any()
            }
            Some(StreamPacketsState::Ready(p)) => {
                diagrams(&conn, p, &messages, capture_start, lang).into_any()
            }
        }
        }
    };

    view! {
        <section class="panel detail" node_ref=section aria-labelledby="detail-heading" data-testid="connection-detail" data-stream=stream>
            <div class="detail-head">
                <h3 id="detail-heading">{heading}</h3>
                <button type="button" class="secondary" data-testid="detail-close" on:click=close>
                    {t(lang, Key::UiCloseDetail)}
                </button>
            </div>
            <div class="columns">
                <div>
                    <h4>{t(lang, Key::UiDetailFacts)}</h4>
                    {facts(connection_facts(c, lang))}
                    <p class="filter-line">
                        <span>{t(lang, Key::ColFilter)}": "</span>
                        <FilterCopy filter=format!("tcp.stream eq {stream}") lang />
                        <button type="button" class="small" data-testid="show-packets" on:click=move |_| {
                            if let Some(state) = use_context::<crate::state::AppState>() {
                                state.show_filter(&format!("tcp.stream eq {stream}"));
                            }
                        }>
                            {lang.pick("Show packets", "Mostrar paquetes")}
                        </button>
                    </p>
                </div>
                <div>
                    <h4>{t(lang, Key::UiConnIssues)}</h4>
                    {issue_list(&loaded, stream, lang)}
                </div>
            </div>
            {packet_views}
        </section>
    }
    .into_any()
}

fn options_text(o: Option<&SynOptions>, lang: Lang) -> String {
    match o {
        None => lang
            .pick("no SYN captured", "no se capturó el SYN")
            .to_string(),
        Some(o) => {
            let mut s = syn_options_info(o);
            if o.timestamps {
                s.push_str(" TSval");
            }
            if s.is_empty() {
                lang.pick("none", "ninguna").to_string()
            } else {
                s
            }
        }
    }
}

fn connection_facts(c: &Connection, lang: Lang) -> Vec<(String, String)> {
    let dir = |d: &pcaplens_core::report::tcp::DirectionStats| {
        lang.pick(
            format!(
                "{} packets, {} ({} of data)",
                d.packets,
                units::bytes(lang, d.bytes),
                units::bytes(lang, d.payload_bytes)
            ),
            format!(
                "{} paquetes, {} ({} de datos)",
                d.packets,
                units::bytes(lang, d.bytes),
                units::bytes(lang, d.payload_bytes)
            ),
        )
    };
    let handshake = if c.handshake_completed {
        t(lang, Key::Yes).to_string()
    } else if c.syn_seen {
        t(lang, Key::No).to_string()
    } else {
        lang.pick("not captured", "no capturado").to_string()
    };
    let close = match (
        c.close.as_ref(),
        c.rst_from.as_deref(),
        c.fin_from.as_deref(),
    ) {
        ("rst", Some(who), _) => format!(
            "{} — {}",
            names::close_label(lang, &c.close),
            names::side(lang, who)
        ),
        ("half_fin", _, Some(who)) => format!(
            "{} — {}",
            names::close_label(lang, &c.close),
            names::side(lang, who)
        ),
        _ => names::close_label(lang, &c.close).to_string(),
    };
    vec![
        (t(lang, Key::ColClient).into(), c.client.clone()),
        (t(lang, Key::ColServer).into(), c.server.clone()),
        (t(lang, Key::ColHandshake).into(), handshake),
        (
            format!(
                "{} ({})",
                t(lang, Key::ColSynOptions),
                t(lang, Key::ColClient).to_lowercase()
            ),
            options_text(c.client_options.as_ref(), lang),
        ),
        (
            format!(
                "{} ({})",
                t(lang, Key::ColSynOptions),
                t(lang, Key::ColServer).to_lowercase()
            ),
            options_text(c.server_options.as_ref(), lang),
        ),
        (
            t(lang, Key::ColIrtt).into(),
            c.irtt_s
                .map_or_else(|| "—".into(), |s| units::duration(lang, s)),
        ),
        (
            t(lang, Key::ColConnState).into(),
            format!(
                "{} — {}",
                c.conn_state,
                names::conn_state(lang, &c.conn_state)
            ),
        ),
        (t(lang, Key::ColHistory).into(), c.history.clone()),
        (
            t(lang, Key::ColCompleteness).into(),
            format!("{} ({})", c.completeness_label, c.completeness),
        ),
        (t(lang, Key::ColClose).into(), close),
        (
            t(lang, Key::ColFrames).into(),
            format!("{}–{}", c.first_frame, c.last_frame),
        ),
        (
            t(lang, Key::ColDuration).into(),
            units::duration(lang, c.duration_s),
        ),
        (
            t(lang, Key::UiClientToServer).into(),
            dir(&c.client_to_server),
        ),
        (
            t(lang, Key::UiServerToClient).into(),
            dir(&c.server_to_client),
        ),
    ]
}

fn issue_list(loaded: &Loaded, stream: u64, lang: Lang) -> impl IntoView {
    let issues: Vec<_> = loaded
        .report
        .tcp
        .issues
        .iter()
        .filter(|i| i.stream == stream)
        .collect();
    if issues.is_empty() {
        return view! { <p class="empty">{t(lang, Key::UiNoConnIssues)}</p> }.into_any();
    }
    let more = issues.len().saturating_sub(MAX_ISSUES_LISTED);
    let items = issues
        .iter()
        .take(MAX_ISSUES_LISTED)
        .map(|i| {
            let flag = tcp_flag(&i.kind);
            let title = flag.map_or_else(|| i.kind.clone(), |f| f.title(lang).to_string());
            let tone = flag.map_or(Tone::Quiet, |f| severity_tone(f.severity));
            let mut extra = Vec::new();
            if let Some(f) = i.original_frame {
                extra.push(lang.pick(
                    format!("resends frame {f}"),
                    format!("reenvía la trama {f}"),
                ));
            }
            if let Some(f) = i.dup_ack_of {
                extra.push(lang.pick(
                    format!("duplicates the ACK of frame {f}"),
                    format!("duplica el ACK de la trama {f}"),
                ));
            }
            let extra = if extra.is_empty() {
                String::new()
            } else {
                format!(" ({})", extra.join(", "))
            };
            view! {
                <li class=tone.class() data-frame=i.frame>
                    {frame_link(i.frame, format!("{} {}", t(lang, Key::ColFrame), i.frame))}
                    " "<code>{i.message.clone()}</code>" "
                    <span>{format!("{title}{extra}")}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="issues" data-testid="connection-issues">{items}</ul>
        {(more > 0).then(|| view! {
            <p class="hint">{lang.pick(format!("… and {more} more (see Expert Info)."), format!("… y {more} más (ver Información experta)."))}</p>
        })}
    }
    .into_any()
}

pub fn severity_tone(s: Severity) -> Tone {
    match s {
        Severity::Error | Severity::Warning => Tone::Bad,
        Severity::Note => Tone::Warn,
        _ => Tone::Quiet,
    }
}

fn diagrams(
    c: &Connection,
    p: Arc<StreamPackets>,
    messages: &BTreeMap<u64, Vec<String>>,
    capture_start: f64,
    lang: Lang,
) -> impl IntoView {
    let arrows: Vec<Arrow> = p
        .rows
        .iter()
        .map(|row| {
            let (label, detail) = arrow_text(row);
            let kinds = analysis_kinds(row.analysis);
            let mut notes: Vec<(String, Tone)> = Vec::new();
            let mut tone = Tone::Normal;
            for kind in &kinds {
                let (title, t_) = match tcp_flag(kind) {
                    Some(f) => (f.title(lang).to_string(), severity_tone(f.severity)),
                    None => (kind.to_string(), Tone::Quiet),
                };
                notes.push((title, t_));
                tone = worse(tone, t_);
            }
            // Wireshark's own text ("[TCP Dup ACK 15#1]") when the report has it.
            if let Some(m) = messages.get(&row.frame) {
                for text in m {
                    notes.push((text.clone(), Tone::Quiet));
                }
            }
            if row.flags & pcaplens_core::decode::tcp::Flags::RST != 0 {
                tone = worse(tone, Tone::Warn);
            }
            Arrow {
                from: if row.from_client { 0 } else { 1 },
                to: if row.from_client { 1 } else { 0 },
                frame: row.frame,
                time: relative_time(row.time, capture_start, lang),
                label,
                detail,
                tone,
                notes,
            }
        })
        .collect();
    let title = format!(
        "{} — {} {}",
        t(lang, Key::UiFlowGraph),
        t(lang, Key::ColStream),
        c.stream
    );
    let cut = (p.total as usize > p.rows.len()).then(|| {
        let (shown, total) = (p.rows.len(), p.total);
        view! {
            <p class="hint">{lang.pick(
                format!("Showing the first {shown} of {total} packets."),
                format!("Se muestran los primeros {shown} de {total} paquetes."),
            )}</p>
        }
    });
    let bulk = c
        .client_to_server
        .data_packets
        .max(c.server_to_client.data_packets)
        >= BULK_MIN_SEGMENTS;
    let plot = bulk.then(|| stevens(c, p.clone(), lang));
    view! {
        <h4>{t(lang, Key::UiFlowGraph)}</h4>
        <p class="hint">{t(lang, Key::UiFlowGraphNote)}</p>
        {cut}
        <div data-testid="ladder">
            {sequence_diagram("ladder", vec![c.client.clone(), c.server.clone()], arrows, title, lang)}
        </div>
        {plot}
    }
}

fn worse(a: Tone, b: Tone) -> Tone {
    let rank = |t: Tone| match t {
        Tone::Normal => 0,
        Tone::Quiet => 1,
        Tone::Warn => 2,
        Tone::Bad => 3,
    };
    if rank(b) > rank(a) {
        b
    } else {
        a
    }
}

const PLOT_W: f64 = 760.0;
const PLOT_H: f64 = 380.0;

/// The time-sequence plot of one direction (the heavier one first), with a direction switch.
fn stevens(c: &Connection, p: Arc<StreamPackets>, lang: Lang) -> impl IntoView {
    let client_heavier = c.client_to_server.payload_bytes >= c.server_to_client.payload_bytes;
    let from_client = RwSignal::new(client_heavier);
    let scaling = c
        .client_options
        .as_ref()
        .and_then(|o| o.wscale)
        .zip(c.server_options.as_ref().and_then(|o| o.wscale));
    let area = Area {
        left: 78.0,
        top: 14.0,
        right: PLOT_W - 14.0,
        bottom: PLOT_H - 52.0,
    };
    let (client, server) = (c.client.clone(), c.server.clone());
    let stride = p.plot_stride;
    let chart = move || {
        let fc = from_client.get();
        // The receiver's window: the server's scale for client data, and vice versa.
        let shift = scaling.map(|(client_ws, server_ws)| if fc { server_ws } else { client_ws });
        let plot = sequence_plot(&p.plot, fc, shift, area);
        let x_ticks = plot
            .x_ticks
            .iter()
            .map(|(x, label)| {
                view! {
                    <line x1=*x y1=area.bottom x2=*x y2=area.bottom + 5.0 class="tick" />
                    <text x=*x y=area.bottom + 18.0 text-anchor="middle" class="tick-label">{label.clone()}</text>
                }
            })
            .collect_view();
        let y_ticks = plot
            .y_ticks
            .iter()
            .map(|(y, label)| {
                view! {
                    <line x1=area.left - 5.0 y1=*y x2=area.right y2=*y class="grid" />
                    <text x=area.left - 8.0 y=*y + 4.0 text-anchor="end" class="tick-label">{label.clone()}</text>
                }
            })
            .collect_view();
        let title = format!(
            "{} — {}",
            t(lang, Key::UiTimeSequence),
            if fc {
                t(lang, Key::UiClientToServer)
            } else {
                t(lang, Key::UiServerToClient)
            }
        );
        view! {
            <svg class="stevens" viewBox=format!("0 0 {PLOT_W} {PLOT_H}") role="img" aria-label=title data-testid="stevens">
                {y_ticks}
                <line x1=area.left y1=area.top x2=area.left y2=area.bottom class="axis" />
                <line x1=area.left y1=area.bottom x2=area.right y2=area.bottom class="axis" />
                {x_ticks}
                <path d=plot.window class="winline" />
                <path d=plot.acks class="ackline" />
                <path d=plot.segments class="seg" />
                <path d=plot.retransmissions class="seg-re" />
                <path d=plot.controls class="ctl" />
                <text x=(area.left + area.right) / 2.0 y=PLOT_H - 8.0 text-anchor="middle" class="axis-title">{t(lang, Key::UiAxisTime)}</text>
                <text x="14" y=(area.top + area.bottom) / 2.0 text-anchor="middle" class="axis-title" transform=format!("rotate(-90 14 {})", (area.top + area.bottom) / 2.0)>{t(lang, Key::UiAxisSeq)}</text>
            </svg>
        }
    };
    let thinned = (stride > 1).then(|| {
        view! { <p class="hint">{lang.pick(format!("One segment in {stride} is drawn (plus every flagged one)."), format!("Se dibuja un segmento de cada {stride} (más todos los marcados)."))}</p> }
    });
    view! {
        <h4>{t(lang, Key::UiTimeSequence)}</h4>
        <p class="hint">{t(lang, Key::UiTimeSequenceNote)}</p>
        <label class="field inline">
            <span>{t(lang, Key::UiDirection)}</span>
            <select on:change=move |e| from_client.set(event_target_value(&e) == "client") prop:value=move || if from_client.get() { "client" } else { "server" }>
                <option value="client">{format!("{} ({client} → {server})", t(lang, Key::UiClientToServer))}</option>
                <option value="server">{format!("{} ({server} → {client})", t(lang, Key::UiServerToClient))}</option>
            </select>
        </label>
        {thinned}
        <div class="plot">{chart}</div>
        <ul class="legend">
            <li><span class="swatch seg"></span>{t(lang, Key::UiLegendData)}</li>
            <li><span class="swatch seg-re"></span>{t(lang, Key::UiLegendRetrans)}</li>
            <li><span class="swatch ackline"></span>{t(lang, Key::UiLegendAck)}</li>
            <li><span class="swatch winline"></span>{t(lang, Key::UiLegendWindow)}</li>
        </ul>
    }
}
