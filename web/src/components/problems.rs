//! Plain-words panels for what went wrong: a failure before any report, a file that is not
//! a capture, and a capture that is damaged or cut short (with the reader's warnings).

use std::sync::Arc;

use leptos::prelude::*;

use crate::state::Loaded;

/// A failure before any report existed (the worker could not start or read the file).
#[component]
pub fn FailurePanel(message: String) -> impl IntoView {
    view! {
        <section class="panel error" role="alert" data-testid="error">
            <h2>"Something went wrong"</h2>
            <p>{message}</p>
        </section>
    }
}

/// What the report says is wrong with the file, if anything.
#[component]
pub fn ReportProblems(loaded: Arc<Loaded>) -> impl IntoView {
    let c = &loaded.report.capinfos;
    let error = loaded.report.error.clone().map(|detail| {
        view! {
            <section class="panel error" role="alert" data-testid="error">
                <h2>{format!("\u{201c}{}\u{201d} could not be read as a capture", loaded.file_name)}</h2>
                <p>
                    "pcaplens reads pcap and pcapng files (also gzip-compressed), as saved by "
                    "Wireshark, tcpdump or dumpcap. Details: "
                    {detail}
                </p>
            </section>
        }
    });
    let damaged = (c.truncated || !c.warnings.is_empty()).then(|| {
        let headline = if c.truncated {
            "The capture is cut short: the file ends in the middle of a packet. The results below \
             cover the complete packets before that point."
        } else {
            "Parts of the capture were damaged and skipped. The results below cover the rest."
        };
        view! {
            <section class="panel warning" data-testid="warnings">
                <h2>"This capture is incomplete"</h2>
                <p>{headline}</p>
                <ul>{c.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
            </section>
        }
    });
    (error, damaged)
}
