//! The page shell: header, the open controls, then whatever the current phase shows
//! (progress, a failure, or the loaded report with its tabs).

use std::sync::Arc;

use leptos::prelude::*;

use crate::components::course;
use crate::components::downloads::ReportDownloads;
use crate::components::drop_zone::DropZone;
use crate::components::export::ExportJson;
use crate::components::language::LanguageSwitch;
use crate::components::open::OpenCapture;
use crate::components::problems::{FailurePanel, ReportProblems};
use crate::components::progress::ReadingProgress;
use crate::components::tabs::Tabs;
use crate::format;
use crate::state::{AppState, Loaded, Phase};
use pcaplens_render::{t, Key};

/// What the main area shows. Progress updates do not change it, so the progress panel is
/// updated in place instead of rebuilt (keeps keyboard focus on Cancel).
#[derive(Debug, Clone, PartialEq)]
enum Screen {
    Idle { cancelled: bool },
    Reading,
    Done,
    Failed(String),
}

#[component]
pub fn App() -> impl IntoView {
    let state = AppState::provide();
    crate::components::deep_link::install(state);
    let screen = Memo::new(move |_| match state.phase.get() {
        Phase::Idle { cancelled } => Screen::Idle { cancelled },
        Phase::Reading(_) => Screen::Reading,
        Phase::Done => Screen::Done,
        Phase::Failed(message) => Screen::Failed(message),
    });
    // Course pages: ?capture=<same-site path> opens that capture; ?embed=1 is compact.
    let embed = course::embed_mode();
    course::open_from_query(state);
    let lang = state.lang;
    view! {
        <DropZone />
        <header class="top" class:embed=embed>
            <div class="top-row">
                <h1>"pcaplens"</h1>
                <LanguageSwitch />
            </div>
            {(!embed).then(|| view! { <p class="tagline">{move || t(lang.get(), Key::UiTagline)}</p> })}
        </header>
        <main class:embed=embed>
            <OpenCapture />
            {move || match screen.get() {
                Screen::Idle { cancelled: false } => ().into_any(),
                Screen::Idle { cancelled: true } => {
                    view! { <p class="notice" role="status" data-testid="cancelled">{move || t(lang.get(), Key::UiCancelled)}</p> }.into_any()
                }
                Screen::Reading => view! { <ReadingProgress /> }.into_any(),
                Screen::Failed(message) => view! { <FailurePanel message /> }.into_any(),
                Screen::Done => {
                    move || state.loaded.get().map(|loaded| view! { <LoadedReport loaded /> })
                }
                    .into_any(),
            }}
        </main>
        {(!embed).then(|| view! {
            <footer class="bottom">
                <p>{move || t(lang.get(), Key::UiFooter)}</p>
            </footer>
        })}
    }
}

/// A finished analysis: the file, its problems, the export, then the tabbed views.
#[component]
pub fn LoadedReport(loaded: Arc<Loaded>) -> impl IntoView {
    let state = expect_context::<AppState>();
    // A file that is not a capture at all has nothing to show beyond the error.
    let readable = loaded.report.error.is_none() || loaded.report.capinfos.packets > 0;
    let heading = format!("{} · {}", loaded.file_name, format::bytes(loaded.file_size));
    let views = loaded.clone();
    view! {
        <section class="report" aria-labelledby="report-heading">
            <div class="report-head">
                <h2 id="report-heading" data-testid="file-name">{heading}</h2>
                <div class="exports">
                    <ExportJson loaded=loaded.clone() />
                    <ReportDownloads loaded=loaded.clone() />
                </div>
            </div>
            <ReportProblems loaded=loaded.clone() />
            {readable.then(|| view! {
                <Tabs />
                {move || {
                    let v = state.view.get();
                    view! {
                        <div
                            role="tabpanel"
                            class="tabpanel"
                            id=format!("view-{}", v.slug())
                            aria-labelledby=format!("tab-{}", v.slug())
                        >
                            {v.render(views.clone())}
                        </div>
                    }
                }}
            })}
        </section>
    }
}
