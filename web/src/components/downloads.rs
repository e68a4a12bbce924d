//! The hand-in downloads next to Export JSON: the report as Markdown (in the page's language)
//! and the connections as CSV, both made by `pcaplens_render` from the loaded report.

use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_render::{csv, report_md, t, Key, Lang};

use crate::state::{AppState, Loaded};
use crate::views::widgets::download;

/// The capture's name reduced to safe ASCII for a download name ("lab 3.pcapng" → "lab_3").
pub fn file_stem(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let mut stem = base;
    for ext in [".gz", ".pcapng", ".pcap", ".cap"] {
        if stem.len() > ext.len() && stem.to_ascii_lowercase().ends_with(ext) {
            stem = &stem[..stem.len() - ext.len()];
        }
    }
    let safe: String = stem
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .take(60)
        .collect();
    let safe = safe.trim_matches('.').to_string();
    if safe.is_empty() {
        "capture".into()
    } else {
        safe
    }
}

/// "demo.pcaplens-report-en.md" / "demo.informe-pcaplens-es.md".
pub fn markdown_file_name(capture: &str, lang: Lang) -> String {
    format!(
        "{}.{}-{}.md",
        file_stem(capture),
        lang.pick("pcaplens-report", "informe-pcaplens"),
        lang.code()
    )
}

#[component]
pub fn ReportDownloads(loaded: Arc<Loaded>) -> impl IntoView {
    let lang = use_context::<AppState>()
        .map(|s| s.lang)
        .unwrap_or_else(|| RwSignal::new(Lang::En));
    let error = RwSignal::new(None::<String>);
    let md = {
        let loaded = loaded.clone();
        move |_| {
            let lang = lang.get_untracked();
            let text = report_md::markdown(&loaded.report, lang);
            let name = markdown_file_name(&loaded.file_name, lang);
            error.set(download(&text, &name, "text/markdown;charset=utf-8").err());
        }
    };
    let csv_click = move |_| {
        let text = csv::connections(&loaded.report);
        let name = format!("{}.connections.csv", file_stem(&loaded.file_name));
        error.set(download(&text, &name, "text/csv;charset=utf-8").err());
    };
    view! {
        <button type="button" data-testid="export-markdown" on:click=md>
            {move || t(lang.get(), Key::DownloadMarkdown)}
        </button>
        <button type="button" class="secondary" data-testid="export-csv" on:click=csv_click>
            {move || t(lang.get(), Key::DownloadConnectionsCsv)}
        </button>
        {move || error.get().map(|e| view! { <p class="inline-error" role="alert">{e}</p> })}
    }
}
