//! The tab bar over the report views (WAI-ARIA tabs: arrow keys, Home and End move between
//! tabs; the selected tab is the one in the tab order).

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::state::AppState;
use crate::views::View;

#[component]
pub fn Tabs() -> impl IntoView {
    let state = expect_context::<AppState>();
    let on_keydown = move |e: leptos::ev::KeyboardEvent| {
        let all = View::ALL;
        let Some(i) = all.iter().position(|v| *v == state.view.get_untracked()) else {
            return;
        };
        let next = match e.key().as_str() {
            "ArrowRight" => (i + 1) % all.len(),
            "ArrowLeft" => (i + all.len() - 1) % all.len(),
            "Home" => 0,
            "End" => all.len() - 1,
            _ => return,
        };
        e.prevent_default();
        state.view.set(all[next]);
        focus_tab(all[next]);
    };
    view! {
        <div
            class="tabs"
            role="tablist"
            aria-label=move || pcaplens_render::t(state.lang.get(), pcaplens_render::Key::ReportViews)
            on:keydown=on_keydown
        >
            {View::ALL
                .iter()
                .map(|&v| {
                    let selected = move || state.view.get() == v;
                    view! {
                        <button
                            type="button"
                            role="tab"
                            id=format!("tab-{}", v.slug())
                            data-testid=format!("tab-{}", v.slug())
                            aria-controls=format!("view-{}", v.slug())
                            aria-selected=move || selected().to_string()
                            tabindex=move || if selected() { "0" } else { "-1" }
                            on:click=move |_| state.view.set(v)
                        >
                            {v.tab_label()}
                        </button>
                    }
                })
                .collect_view()}
        </div>
    }
}

fn focus_tab(view: View) {
    let tab = document()
        .get_element_by_id(&format!("tab-{}", view.slug()))
        .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
    if let Some(tab) = tab {
        let _ = tab.focus();
    }
}
