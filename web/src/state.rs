//! The app's state: a few signals shared through context, and the actions that change them.
//!
//! Components read [`AppState`] with `expect_context` and call its actions (`open`, `cancel`,
//! ...); only the actions talk to the analysis worker.

use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_core::Report;
use web_sys::File;

use crate::client::AnalysisWorker;
use crate::protocol::FromWorker;
use crate::views::View;

/// What the page is doing.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Nothing chosen yet, or the last run was cancelled.
    Idle { cancelled: bool },
    /// The worker is reading a file.
    Reading(Reading),
    /// A report is in [`AppState::loaded`].
    Done,
    /// Something went wrong before a report existed; the text is for people.
    Failed(String),
}

/// Progress of the file being read.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    pub file_name: String,
    pub file_size: u64,
    /// `Date.now()` when reading started.
    pub started_ms: f64,
    pub elapsed_ms: f64,
    pub bytes: u64,
    pub frames: u64,
}

/// A finished analysis.
#[derive(Debug)]
pub struct Loaded {
    pub report: Report,
    /// Exactly `Report::to_json()` as the worker produced it: the export downloads this text.
    pub json: String,
    pub file_name: String,
    pub file_size: u64,
    pub elapsed_ms: f64,
}

impl Loaded {
    /// Builds a `Loaded` from the worker's JSON text.
    pub fn from_json(
        json: String,
        file_name: String,
        file_size: u64,
        elapsed_ms: f64,
    ) -> Result<Self, String> {
        let report: Report = serde_json::from_str(&json)
            .map_err(|e| format!("The analysis produced a report this page cannot read: {e}"))?;
        Ok(Loaded {
            report,
            json,
            file_name,
            file_size,
            elapsed_ms,
        })
    }
}

/// Shared app state. `Copy`: it is only handles to signals.
#[derive(Clone, Copy)]
pub struct AppState {
    pub phase: RwSignal<Phase>,
    pub loaded: RwSignal<Option<Arc<Loaded>>>,
    /// The view shown for a loaded report.
    pub view: RwSignal<View>,
    /// The worker, started early so it is warm when a file arrives.
    worker: StoredValue<Option<AnalysisWorker>, LocalStorage>,
}

impl AppState {
    /// Creates the state and provides it as context for every component below.
    pub fn provide() -> AppState {
        let state = AppState {
            phase: RwSignal::new(Phase::Idle { cancelled: false }),
            loaded: RwSignal::new(None),
            view: RwSignal::new(View::Summary),
            worker: StoredValue::new_local(None),
        };
        provide_context(state);
        state.ensure_worker();
        state
    }

    /// Analyzes `file`, abandoning any analysis still running.
    pub fn open(self, file: File) {
        if matches!(self.phase.get_untracked(), Phase::Reading(_)) {
            self.stop_worker();
        }
        let now = js_sys::Date::now();
        self.loaded.set(None);
        self.phase.set(Phase::Reading(Reading {
            file_name: file.name(),
            file_size: file.size() as u64,
            started_ms: now,
            elapsed_ms: 0.0,
            bytes: 0,
            frames: 0,
        }));
        self.ensure_worker();
        let sent = self
            .worker
            .with_value(|w| w.as_ref().map(|w| w.analyze(file)))
            .unwrap_or_else(|| Err("The analysis worker is not running.".to_string()));
        if let Err(message) = sent {
            self.fail(message);
        }
    }

    /// Analyzes the built-in demo capture, through the same worker path as a chosen file.
    pub fn open_demo(self) {
        match crate::demo::demo_file() {
            Ok(file) => self.open(file),
            Err(message) => self.fail(message),
        }
    }

    /// Stops the running analysis: the worker is terminated and a fresh one started.
    pub fn cancel(self) {
        self.stop_worker();
        self.phase.set(Phase::Idle { cancelled: true });
        self.ensure_worker();
    }

    fn stop_worker(self) {
        // Dropping the handle terminates the worker.
        self.worker.set_value(None);
    }

    fn fail(self, message: String) {
        self.stop_worker();
        self.loaded.set(None);
        self.phase.set(Phase::Failed(message));
    }

    fn ensure_worker(self) {
        if self.worker.with_value(Option::is_some) {
            return;
        }
        match AnalysisWorker::spawn(move |message| self.on_worker_message(message)) {
            Ok(worker) => self.worker.set_value(Some(worker)),
            Err(message) => self.phase.set(Phase::Failed(message)),
        }
    }

    fn on_worker_message(self, message: FromWorker) {
        match message {
            FromWorker::Ready => {}
            FromWorker::Progress { bytes, frames } => self.phase.update(|phase| {
                if let Phase::Reading(r) = phase {
                    r.bytes = bytes;
                    r.frames = frames;
                    r.elapsed_ms = js_sys::Date::now() - r.started_ms;
                }
            }),
            FromWorker::Done { json } => {
                let Phase::Reading(r) = self.phase.get_untracked() else {
                    return;
                };
                let elapsed_ms = js_sys::Date::now() - r.started_ms;
                match Loaded::from_json(json, r.file_name, r.file_size, elapsed_ms) {
                    Ok(loaded) => {
                        self.loaded.set(Some(Arc::new(loaded)));
                        self.phase.set(Phase::Done);
                    }
                    Err(message) => self.fail(message),
                }
            }
            FromWorker::Failed { message } => self.fail(message),
        }
    }
}
