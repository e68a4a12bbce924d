//! Keeps the URL fragment and the view state in step (see [`crate::route`]): a change of
//! view, filter, frame or open connection pushes a history entry (a new frame in the same
//! list replaces it), and back/forward or a pasted link (`hashchange`) puts the page in
//! that state. A fragment present when a capture finishes loading is applied then.

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::route::Route;
use crate::state::AppState;
use crate::views::View;

/// The route the page shows now.
fn current(state: AppState) -> Route {
    let view = state.view.get();
    match view {
        View::Connections => match state.selected_stream.get() {
            Some(stream) => Route {
                view: Some("connection".into()),
                stream: Some(stream),
                ..Route::default()
            },
            None => Route {
                view: Some(view.slug().into()),
                ..Route::default()
            },
        },
        View::Packets => Route {
            view: Some(view.slug().into()),
            filter: Some(state.packets.with(|p| p.filter.clone())),
            frame: state.selected_frame.get(),
            stream: None,
        },
        _ => Route {
            view: Some(view.slug().into()),
            ..Route::default()
        },
    }
}

/// Puts the page in `route`'s state.
fn apply(state: AppState, route: &Route) {
    match route.view.as_deref() {
        Some("connection") => {
            if let Some(stream) = route.stream {
                state.selected_stream.set(Some(stream));
            }
            state.view.set(View::Connections);
        }
        Some("packets") => {
            let filter = route.filter.clone().unwrap_or_default();
            state.view.set(View::Packets);
            let same = state
                .packets
                .with_untracked(|p| p.query != 0 && p.filter == filter.trim());
            if !same {
                state.apply_filter(filter);
            }
            match route.frame {
                Some(frame) => state.open_frame(frame),
                None => state.selected_frame.set(None),
            }
        }
        Some(slug) => {
            if let Some(v) = View::ALL.iter().find(|v| v.slug() == slug) {
                if *v == View::Connections {
                    state.selected_stream.set(None);
                }
                state.view.set(*v);
            }
        }
        None => {}
    }
}

fn hash() -> String {
    window().location().hash().unwrap_or_default()
}

/// Installs the sync (once, from `App`).
pub fn install(state: AppState) {
    Effect::new(move |prev: Option<(bool, Route)>| {
        let loaded = state.loaded.with(Option::is_some);
        let route = current(state);
        if !loaded {
            return (false, route);
        }
        let first = !prev.as_ref().is_some_and(|(was, _)| *was);
        if first {
            // A capture just finished loading: the link's state wins over the defaults.
            let incoming = Route::parse(&hash());
            if incoming.view.is_some() {
                apply(state, &incoming);
                return (true, incoming);
            }
        }
        let text = route.to_fragment();
        if hash().trim_start_matches('#') != text {
            let only_frame = prev.as_ref().is_some_and(|(_, old)| {
                old.view == route.view && old.filter == route.filter && old.stream == route.stream
            });
            let url = format!("#{text}");
            let history = window().history();
            let done = match (&history, only_frame) {
                (Ok(h), true) => h.replace_state_with_url(&JsValue::NULL, "", Some(&url)),
                (Ok(h), false) => h.push_state_with_url(&JsValue::NULL, "", Some(&url)),
                (Err(e), _) => Err(e.clone()),
            };
            if done.is_err() {
                window().location().set_hash(&text).ok();
            }
        }
        (true, route)
    });
    let on_change = Closure::<dyn FnMut()>::new(move || {
        if state.loaded.with_untracked(Option::is_some) {
            let route = Route::parse(&hash());
            if route.view.is_some() && route != untrack(|| current(state)) {
                apply(state, &route);
            }
        }
    });
    for event in ["hashchange", "popstate"] {
        let _ =
            window().add_event_listener_with_callback(event, on_change.as_ref().unchecked_ref());
    }
    // Lives as long as the page.
    on_change.forget();
}
