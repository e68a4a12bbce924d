//! Choosing a capture: the file input and the "Try a sample" button.

use leptos::prelude::*;
use web_sys::HtmlInputElement;

use pcaplens_render::{t, Key};

use crate::state::AppState;

#[component]
pub fn OpenCapture() -> impl IntoView {
    let state = expect_context::<AppState>();
    let lang = state.lang;
    let on_change = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let file = input.files().and_then(|files| files.get(0));
        // Cleared so that choosing the same file again fires `change` again.
        input.set_value("");
        if let Some(file) = file {
            state.open(file);
        }
    };
    view! {
        <div class="open">
            <div class="open-row">
                <label for="file-input" class="open-label">{move || t(lang.get(), Key::UiOpenLabel)}</label>
                <input
                    id="file-input"
                    type="file"
                    data-testid="file-input"
                    aria-describedby="open-hint"
                    on:change=on_change
                />
                <button
                    type="button"
                    class="secondary"
                    data-testid="try-sample"
                    on:click=move |_| state.open_demo()
                >
                    {move || t(lang.get(), Key::UiTrySample)}
                </button>
            </div>
            <p id="open-hint" class="hint">
                {move || t(lang.get(), Key::UiOpenHint)}
            </p>
        </div>
    }
}
