//! The reading progress: bytes, packets, rate, time left, and Cancel.

use leptos::prelude::*;

use crate::format;
use crate::state::{AppState, Phase, Reading};

#[component]
pub fn ReadingProgress() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let reading = move || match state.phase.get() {
        Phase::Reading(r) => Some(r),
        _ => None,
    };
    move || {
        reading().map(|r| {
            view! {
                <section class="panel progress" aria-labelledby="progress-heading" data-testid="progress">
                    <h2 id="progress-heading">{lang.get().pick(format!("Reading {}", r.file_name), format!("Leyendo {}", r.file_name))}</h2>
                    <progress
                        max=r.file_size.max(1) as f64
                        value=r.bytes as f64
                        aria-label=pcaplens_render::t(lang.get(), pcaplens_render::Key::ProgressRead)
                    ></progress>
                    <p class="progress-text" aria-live="polite">{progress_text(&r, lang.get())}</p>
                    <button type="button" data-testid="cancel" on:click=move |_| state.cancel()>
                        {pcaplens_render::t(lang.get(), pcaplens_render::Key::Cancel)}
                    </button>
                </section>
            }
        })
    }
}

/// "12.3 MiB of 2.00 GiB · 123,456 packets · 850 MiB/s · about 2.000 s left".
fn progress_text(r: &Reading, lang: pcaplens_render::Lang) -> String {
    let seconds = r.elapsed_ms / 1000.0;
    let (read, total) = (format::bytes(r.bytes), format::bytes(r.file_size));
    let frames = format::count(r.frames);
    let mut parts = vec![
        lang.pick(format!("{read} of {total}"), format!("{read} de {total}")),
        lang.pick(format!("{frames} packets"), format!("{frames} paquetes")),
    ];
    if r.bytes > 0 && seconds > 0.0 {
        parts.push(format::rate(r.bytes as f64 / seconds));
    }
    if let Some(left) = format::seconds_left(r.bytes, r.file_size, seconds) {
        let left = format::duration(left);
        parts.push(lang.pick(format!("about {left} left"), format!("quedan unos {left}")));
    }
    parts.join(" · ")
}
