//! Connections: one row per TCP stream (Wireshark's `tcp.stream`), as in Statistics ›
//! Conversations, with how it ended and its analysis flags.

use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_core::report::tcp::{AnalysisCounts, Connection};

use crate::format;
use crate::state::Loaded;

/// Rows shown before "show all": a huge capture would otherwise build a huge DOM at once.
const FIRST_ROWS: usize = 500;

#[component]
pub fn Connections(loaded: Arc<Loaded>) -> impl IntoView {
    let total = loaded.report.tcp.connections.len();
    let show_all = RwSignal::new(total <= FIRST_ROWS);
    let rows = move || {
        let limit = if show_all.get() { total } else { FIRST_ROWS };
        loaded
            .report
            .tcp
            .connections
            .iter()
            .take(limit)
            .map(row)
            .collect_view()
    };
    view! {
        <section class="view connections" aria-labelledby="connections-heading">
            <h2 id="connections-heading" class="visually-hidden">"Connections"</h2>
            {(total == 0).then(|| view! { <p>"No TCP connections in this capture."</p> })}
            <div class="table-scroll" tabindex="0" role="region" aria-label="TCP connections">
                <table class="data">
                    <thead>
                        <tr>
                            <th scope="col">"Stream"</th>
                            <th scope="col">"Client"</th>
                            <th scope="col">"Server"</th>
                            <th scope="col">"Frames"</th>
                            <th scope="col" class="num">"Packets"</th>
                            <th scope="col" class="num">"Bytes"</th>
                            <th scope="col" class="num">"Duration"</th>
                            <th scope="col">"State"</th>
                            <th scope="col">"Issues"</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <Show when=move || !show_all.get()>
                <p>
                    {format!("Showing the first {FIRST_ROWS} of {} connections. ", format::count(total as u64))}
                    <button type="button" on:click=move |_| show_all.set(true)>"Show all"</button>
                </p>
            </Show>
        </section>
    }
}

fn row(c: &Connection) -> impl IntoView {
    let state = format!("{} ({})", c.conn_state, c.close);
    view! {
        <tr>
            <td class="num">{c.stream}</td>
            <td class="addr">{c.client.clone()}</td>
            <td class="addr">{c.server.clone()}</td>
            <td>{format!("{}–{}", c.first_frame, c.last_frame)}</td>
            <td class="num">{format::count(c.packets)}</td>
            <td class="num">{format::bytes(c.bytes)}</td>
            <td class="num">{format::duration(c.last_time - c.first_time)}</td>
            <td>{state}</td>
            <td class="issues">{issues(&c.analysis)}</td>
        </tr>
    }
}

/// The non-zero analysis counters, e.g. "3 retransmission, 1 duplicate ACK".
fn issues(a: &AnalysisCounts) -> String {
    let counts = [
        (a.retransmission, "retransmission"),
        (a.fast_retransmission, "fast retransmission"),
        (a.spurious_retransmission, "spurious retransmission"),
        (a.duplicate_ack, "duplicate ACK"),
        (a.out_of_order, "out-of-order"),
        (a.lost_segment, "previous segment not captured"),
        (a.ack_lost_segment, "ACKed unseen segment"),
        (a.zero_window, "zero window"),
        (a.zero_window_probe, "zero-window probe"),
        (a.zero_window_probe_ack, "zero-window probe ACK"),
        (a.keep_alive, "keep-alive"),
        (a.keep_alive_ack, "keep-alive ACK"),
        (a.window_update, "window update"),
        (a.window_full, "window full"),
        (a.reused_ports, "port reused"),
    ];
    let text: Vec<String> = counts
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
    if text.is_empty() {
        "–".to_string()
    } else {
        text.join(", ")
    }
}
