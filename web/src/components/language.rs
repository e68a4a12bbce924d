//! The language switch (English / Español): a labelled select in the header. The choice lives
//! in the page only (nothing is stored or sent); `<html lang>` follows it for screen readers.

use leptos::prelude::*;
use pcaplens_render::{t, Key, Lang};

use crate::state::AppState;

#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let state = expect_context::<AppState>();
    Effect::new(move |_| {
        let code = state.lang.get().code();
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("lang", code);
        }
    });
    let on_change = move |e: leptos::ev::Event| {
        let value = event_target_value(&e);
        if let Some(lang) = Lang::from_tag(&value) {
            state.lang.set(lang);
        }
    };
    view! {
        <label class="lang-switch" title=move || t(state.lang.get(), Key::UiLanguageHint)>
            <span>{move || t(state.lang.get(), Key::Language)}</span>
            <select data-testid="language" on:change=on_change prop:value=move || state.lang.get().code()>
                {Lang::ALL
                    .iter()
                    .map(|l| view! { <option value=l.code() lang=l.code()>{l.native_name()}</option> })
                    .collect_view()}
            </select>
        </label>
    }
}
