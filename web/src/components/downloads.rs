//! The hand-in downloads next to Export JSON: the report as Markdown (in the page's language)
//! and the connections as CSV, with contents, file names and types from
//! `pcaplens_render::Export` (the same as the CLI's `--markdown` / `--csv`).

use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_render::{t, Export, Key, Lang};

use crate::state::{AppState, Loaded};
use crate::views::widgets::download;

#[component]
pub fn ReportDownloads(loaded: Arc<Loaded>) -> impl IntoView {
    let lang = use_context::<AppState>()
        .map(|s| s.lang)
        .unwrap_or_else(|| RwSignal::new(Lang::En));
    let error = RwSignal::new(None::<String>);
    let save = move |what: Export| {
        let lang = lang.get_untracked();
        let report = &loaded.report;
        let text = what.render(report, lang);
        error.set(download(&text, &what.file_name(report, lang), what.mime()).err());
    };
    let save_csv = save.clone();
    view! {
        <button type="button" data-testid="export-markdown" on:click=move |_| save(Export::Markdown)>
            {move || t(lang.get(), Key::DownloadMarkdown)}
        </button>
        <button type="button" class="secondary" data-testid="export-csv" on:click=move |_| save_csv(Export::ConnectionsCsv)>
            {move || t(lang.get(), Key::DownloadConnectionsCsv)}
        </button>
        {move || error.get().map(|e| view! { <p class="inline-error" role="alert">{e}</p> })}
    }
}
