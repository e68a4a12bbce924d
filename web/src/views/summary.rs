//! Summary: the capinfos facts of the capture and the TCP totals.

use std::sync::Arc;

use leptos::prelude::*;

use crate::format;
use crate::state::Loaded;

/// The capture at a glance.
#[component]
pub fn Summary(loaded: Arc<Loaded>) -> impl IntoView {
    let c = &loaded.report.capinfos;
    let tcp = &loaded.report.tcp.summary;
    let opt_time = |t: Option<f64>| t.map_or_else(|| "–".to_string(), format::utc_time);
    let format_name = match (&c.format, c.compressed) {
        (Some(f), true) => format!("{f} (gzip-compressed)"),
        (Some(f), false) => f.clone(),
        (None, _) => "unknown".to_string(),
    };
    let interfaces = c
        .interfaces
        .iter()
        .map(|i| {
            let name = i.name.clone().unwrap_or_else(|| "(unnamed)".to_string());
            format!(
                "{name}: {}, snaplen {}, {}",
                i.link_type, i.snaplen, i.time_precision
            )
        })
        .collect::<Vec<_>>();
    let rows = vec![
        ("Format", format_name),
        (
            "Data size",
            format!(
                "{} captured, {} on the wire",
                format::bytes(c.data_bytes),
                format::bytes(c.wire_bytes)
            ),
        ),
        ("First packet", opt_time(c.first_time)),
        ("Last packet", opt_time(c.last_time)),
        (
            "Duration",
            c.duration_s
                .map_or_else(|| "–".to_string(), format::duration),
        ),
        (
            "Link types",
            if c.link_types.is_empty() {
                "–".to_string()
            } else {
                c.link_types.join(", ")
            },
        ),
        (
            "Time precision",
            c.time_precision.clone().unwrap_or_else(|| "–".to_string()),
        ),
    ];
    view! {
        <section class="view summary" aria-labelledby="summary-heading">
            <h2 id="summary-heading" class="visually-hidden">"Summary"</h2>
            <div class="cards">
                <Card label="Packets" value=format::count(c.packets) testid="summary-packets" />
                <Card label="TCP connections" value=format::count(tcp.total_connections) testid="summary-tcp-connections" />
                <Card label="Capture size" value=format::bytes(loaded.file_size) testid="summary-file-size" />
                <Card label="Analyzed in" value=format::duration(loaded.elapsed_ms / 1000.0) testid="summary-elapsed" />
            </div>
            <dl class="facts">
                {rows
                    .into_iter()
                    .map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> })
                    .collect_view()}
                <dt>"Interfaces"</dt>
                <dd>
                    <ul class="plain">
                        {interfaces.into_iter().map(|i| view! { <li>{i}</li> }).collect_view()}
                    </ul>
                </dd>
            </dl>
            <h3>"TCP"</h3>
            <dl class="facts compact">
                <dt>"Completed handshakes"</dt><dd>{format::count(tcp.successful_handshakes)}</dd>
                <dt>"Failed handshakes"</dt><dd>{format::count(tcp.failed_handshakes)}</dd>
                <dt>"Closed with FIN"</dt><dd>{format::count(tcp.normal_close)}</dd>
                <dt>"Reset"</dt><dd>{format::count(tcp.reset_connections)}</dd>
                <dt>"Still open at the end"</dt><dd>{format::count(tcp.active_connections)}</dd>
            </dl>
            {(!c.comments.is_empty()).then(|| view! {
                <h3>"Capture comments"</h3>
                <ul class="plain comments">
                    {c.comments.iter().map(|t| view! { <li>{t.clone()}</li> }).collect_view()}
                </ul>
            })}
        </section>
    }
}

/// One big number with its label.
#[component]
fn Card(label: &'static str, value: String, testid: &'static str) -> impl IntoView {
    view! {
        <div class="card">
            <div class="card-value" data-testid=testid>{value}</div>
            <div class="card-label">{label}</div>
        </div>
    }
}
