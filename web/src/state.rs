//! The app's state: a few signals shared through context, and the actions that change them.
//!
//! Components read [`AppState`] with `expect_context` and call its actions (`open`, `cancel`,
//! ...); only the actions talk to the analysis worker.

use std::collections::BTreeMap;
use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_core::analyze::ladder::{StreamPackets, StreamQuery};
use pcaplens_core::Report;
use pcaplens_render::Lang;
use web_sys::File;

use crate::client::AnalysisWorker;
use crate::protocol::{FromWorker, PacketsRequest};
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

/// The packets of one TCP stream, asked of the worker when its connection is opened.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamPacketsState {
    Loading,
    Ready(Arc<StreamPackets>),
    Failed(String),
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
    /// The language of everything on screen (from the browser; the page switch changes it).
    pub lang: RwSignal<Lang>,
    /// The TCP stream whose detail is open in the Connections view.
    pub selected_stream: RwSignal<Option<u64>>,
    /// Per-stream packets asked of the worker for the current file.
    pub stream_packets: RwSignal<BTreeMap<u64, StreamPacketsState>>,
    /// The file being shown (read again for per-stream packets), and its generation.
    file: StoredValue<Option<(File, u32)>, LocalStorage>,
}

impl AppState {
    /// Creates the state and provides it as context for every component below.
    pub fn provide() -> AppState {
        let state = AppState {
            phase: RwSignal::new(Phase::Idle { cancelled: false }),
            loaded: RwSignal::new(None),
            view: RwSignal::new(View::Summary),
            worker: StoredValue::new_local(None),
            lang: RwSignal::new(browser_lang()),
            selected_stream: RwSignal::new(None),
            stream_packets: RwSignal::new(BTreeMap::new()),
            file: StoredValue::new_local(None),
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
        let generation = self
            .file
            .with_value(|f| f.as_ref().map_or(1, |(_, g)| g.wrapping_add(1)));
        self.file.set_value(Some((file.clone(), generation)));
        self.selected_stream.set(None);
        self.stream_packets.set(BTreeMap::new());
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

    /// Asks the worker for the packets of `query.stream` in the current file (once per stream;
    /// the answer lands in [`AppState::stream_packets`]).
    pub fn request_stream_packets(self, query: StreamQuery) {
        let stream = query.stream;
        if self.stream_packets.with_untracked(|m| {
            matches!(
                m.get(&stream),
                Some(StreamPacketsState::Loading | StreamPacketsState::Ready(_))
            )
        }) {
            return;
        }
        let Some((file, generation)) = self.file.get_value() else {
            return;
        };
        self.stream_packets
            .update(|m| drop(m.insert(stream, StreamPacketsState::Loading)));
        let request = PacketsRequest {
            file,
            generation,
            query,
        };
        let sent = self
            .worker
            .with_value(|w| w.as_ref().map(|w| w.packets(&request)))
            .unwrap_or_else(|| Err("The analysis worker is not running.".to_string()));
        if let Err(message) = sent {
            self.stream_packets
                .update(|m| drop(m.insert(stream, StreamPacketsState::Failed(message))));
        }
    }

    fn current_generation(self) -> Option<u32> {
        self.file.with_value(|f| f.as_ref().map(|(_, g)| *g))
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
            FromWorker::Packets {
                generation,
                packets,
            } => {
                if self.current_generation() == Some(generation) {
                    let stream = packets.stream;
                    self.stream_packets.update(|m| {
                        drop(m.insert(stream, StreamPacketsState::Ready(Arc::new(packets))))
                    });
                }
            }
            FromWorker::PacketsFailed {
                generation,
                stream,
                message,
            } => {
                if self.current_generation() == Some(generation) {
                    self.stream_packets
                        .update(|m| drop(m.insert(stream, StreamPacketsState::Failed(message))));
                }
            }
        }
    }
}

/// The user's language from `navigator.languages` (then `navigator.language`).
fn browser_lang() -> Lang {
    let navigator = window().navigator();
    let tags: Vec<String> = navigator
        .languages()
        .iter()
        .filter_map(|v| v.as_string())
        .chain(navigator.language())
        .collect();
    Lang::from_browser_languages(tags.iter().map(String::as_str))
}
