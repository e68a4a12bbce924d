//! The reading progress: bytes, packets, rate, time left, and Cancel.

use leptos::prelude::*;

use crate::format;
use crate::state::{AppState, Phase, Reading};

#[component]
pub fn ReadingProgress() -> impl IntoView {
    let state = expect_context::<AppState>();
    let reading = move || match state.phase.get() {
        Phase::Reading(r) => Some(r),
        _ => None,
    };
    move || {
        reading().map(|r| {
            view! {
                <section class="panel progress" aria-labelledby="progress-heading" data-testid="progress">
                    <h2 id="progress-heading">{format!("Reading {}", r.file_name)}</h2>
                    <progress
                        max=r.file_size.max(1) as f64
                        value=r.bytes as f64
                        aria-label="Part of the file read so far"
                    ></progress>
                    <p class="progress-text" aria-live="polite">{progress_text(&r)}</p>
                    <button type="button" data-testid="cancel" on:click=move |_| state.cancel()>
                        "Cancel"
                    </button>
                </section>
            }
        })
    }
}

/// "12.3 MiB of 2.00 GiB · 123,456 packets · 850 MiB/s · about 2.000 s left".
fn progress_text(r: &Reading) -> String {
    let seconds = r.elapsed_ms / 1000.0;
    let mut parts = vec![
        format!(
            "{} of {}",
            format::bytes(r.bytes),
            format::bytes(r.file_size)
        ),
        format!("{} packets", format::count(r.frames)),
    ];
    if r.bytes > 0 && seconds > 0.0 {
        parts.push(format::rate(r.bytes as f64 / seconds));
    }
    if let Some(left) = format::seconds_left(r.bytes, r.file_size, seconds) {
        parts.push(format!("about {} left", format::duration(left)));
    }
    parts.join(" · ")
}
