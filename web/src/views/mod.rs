//! The views of a loaded report, one module each, chosen with the tab bar.
//!
//! To add a view: add a variant to [`View`] (and to [`View::ALL`] in tab order), give it a
//! label and a slug, write `views/<slug>.rs` with a component taking `Arc<Loaded>`, and add
//! its arm to [`View::render`]. Views only read the report; they never change app state
//! except through [`AppState`](crate::state::AppState) actions.

pub mod connections;
pub mod summary;

use std::sync::Arc;

use leptos::prelude::*;

use crate::state::Loaded;

/// One tab of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Summary,
    Connections,
}

impl View {
    /// Every view, in tab order.
    pub const ALL: &'static [View] = &[View::Summary, View::Connections];

    /// The tab's text.
    pub fn label(self) -> &'static str {
        match self {
            View::Summary => "Summary",
            View::Connections => "Connections",
        }
    }

    /// A stable name for element ids and test ids (`tab-<slug>`, `view-<slug>`).
    pub fn slug(self) -> &'static str {
        match self {
            View::Summary => "summary",
            View::Connections => "connections",
        }
    }

    /// The view's content for a report.
    pub fn render(self, loaded: Arc<Loaded>) -> AnyView {
        match self {
            View::Summary => view! { <summary::Summary loaded /> }.into_any(),
            View::Connections => view! { <connections::Connections loaded /> }.into_any(),
        }
    }
}
