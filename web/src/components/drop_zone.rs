//! Drop a capture anywhere on the page: window-wide drag listeners and an overlay while a
//! file is dragged over the page.

use leptos::ev;
use leptos::prelude::*;
use web_sys::DragEvent;

use crate::state::AppState;

/// True when the drag carries files (not text or a link).
fn carries_files(event: &DragEvent) -> bool {
    event
        .data_transfer()
        .is_some_and(|dt| dt.types().includes(&"Files".into(), 0))
}

#[component]
pub fn DropZone() -> impl IntoView {
    let state = expect_context::<AppState>();
    let dragging = RwSignal::new(false);
    // Listeners live as long as the page: the handles are dropped without removing them.
    let _ = window_event_listener(ev::dragover, move |e: DragEvent| {
        if carries_files(&e) {
            // Without this the browser opens the file instead of dropping it here.
            e.prevent_default();
            dragging.set(true);
        }
    });
    let _ = window_event_listener(ev::dragleave, move |e: DragEvent| {
        // `relatedTarget` is null only when the pointer leaves the window.
        if e.related_target().is_none() {
            dragging.set(false);
        }
    });
    let _ = window_event_listener(ev::drop, move |e: DragEvent| {
        dragging.set(false);
        if !carries_files(&e) {
            return;
        }
        e.prevent_default();
        if let Some(file) = e
            .data_transfer()
            .and_then(|dt| dt.files())
            .and_then(|f| f.get(0))
        {
            state.open(file);
        }
    });
    view! {
        <Show when=move || dragging.get()>
            <div class="drop-overlay" aria-hidden="true">
                <p>{move || pcaplens_render::t(state.lang.get(), pcaplens_render::Key::DropToAnalyze)}</p>
            </div>
        </Show>
    }
}
