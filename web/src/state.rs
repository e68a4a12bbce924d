//! The app's state: a few signals shared through context, and the actions that change them.
//!
//! Components read [`AppState`] with `expect_context` and call its actions (`open`, `cancel`,
//! ...); only the actions talk to the analysis worker.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::Arc;

use leptos::prelude::*;
use pcaplens_core::analyze::ladder::{StreamPackets, StreamQuery};
use pcaplens_core::Report;
use pcaplens_render::Lang;
use web_sys::File;

use crate::client::AnalysisWorker;
use crate::protocol::{FrameDetails, FromWorker, ListRow, Sort, ToWorker};
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

/// Rows asked of the worker at once.
pub const PAGE_ROWS: u64 = 100;

/// The packet list of the Packets view: one worker query and the rows received so far.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PacketList {
    /// The worker's query number (0: none asked yet for this file).
    pub query: u32,
    /// The display filter applied (empty: every frame).
    pub filter: String,
    pub sort: Sort,
    /// Frames read so far (all of them once `done`).
    pub frames: u64,
    /// Frames the filter displays so far.
    pub displayed: u64,
    /// Bytes read so far.
    pub bytes: u64,
    pub done: bool,
    pub error: Option<String>,
    /// Rows by list index.
    pub rows: HashMap<u64, Arc<ListRow>>,
    /// Pages (index / PAGE_ROWS) asked of the worker.
    pub requested: HashSet<u64>,
}

/// The packet details of the selected frame.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum TreeState {
    #[default]
    None,
    Loading(u64),
    Ready(Arc<FrameDetails>),
    Failed(u64, String),
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
    /// The Packets view's list.
    pub packets: RwSignal<PacketList>,
    /// The filter shown in the Packets view's bar when it opens (deep links, "apply").
    pub packet_filter: RwSignal<String>,
    /// Filters applied in this session, newest first.
    pub filter_history: RwSignal<Vec<String>>,
    /// The frame whose details are shown, and its index in the list (once known).
    pub selected_frame: RwSignal<Option<u64>>,
    pub selected_index: RwSignal<Option<u64>>,
    /// Bumped when the list should scroll to `selected_index`.
    pub scroll_request: RwSignal<u32>,
    pub frame_tree: RwSignal<TreeState>,
    last_query: StoredValue<u32>,
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
            packets: RwSignal::new(PacketList::default()),
            packet_filter: RwSignal::new(String::new()),
            filter_history: RwSignal::new(Vec::new()),
            selected_frame: RwSignal::new(None),
            selected_index: RwSignal::new(None),
            scroll_request: RwSignal::new(0),
            frame_tree: RwSignal::new(TreeState::None),
            last_query: StoredValue::new(0),
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
        self.packets.set(PacketList::default());
        self.selected_frame.set(None);
        self.selected_index.set(None);
        self.frame_tree.set(TreeState::None);
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
        let Some(generation) = self.current_generation() else {
            return;
        };
        self.stream_packets
            .update(|m| drop(m.insert(stream, StreamPacketsState::Loading)));
        let sent = self.send(ToWorker::StreamPackets { generation, query });
        if let Err(message) = sent {
            self.stream_packets
                .update(|m| drop(m.insert(stream, StreamPacketsState::Failed(message))));
        }
    }

    fn send(self, request: ToWorker) -> Result<(), String> {
        self.worker
            .with_value(|w| w.as_ref().map(|w| w.send(request)))
            .unwrap_or_else(|| Err("The analysis worker is not running.".to_string()))
    }

    /// Starts the packet list of `filter` (stopping any list still being made).
    pub fn apply_filter(self, filter: String) {
        let query = self.last_query.get_value().wrapping_add(1);
        self.last_query.set_value(query);
        let filter = filter.trim().to_string();
        self.packet_filter.set(filter.clone());
        if !filter.is_empty() {
            self.filter_history.update(|h| {
                h.retain(|f| *f != filter);
                h.insert(0, filter.clone());
                h.truncate(30);
            });
        }
        let sort = self.packets.with_untracked(|p| p.sort);
        self.packets.set(PacketList {
            query,
            filter: filter.clone(),
            sort,
            ..PacketList::default()
        });
        self.selected_index.set(None);
        if let Err(message) = self.send(ToWorker::List { query, filter }) {
            self.packets.update(|p| p.error = Some(message));
        }
    }

    /// Makes sure the Packets view has a list (the first time it is shown for a file).
    pub fn ensure_packet_list(self) {
        if self.packets.with_untracked(|p| p.query == 0) {
            self.apply_filter(self.packet_filter.get_untracked());
        }
    }

    /// Asks for the page of rows holding list index `index`, unless asked already.
    pub fn request_rows(self, index: u64) {
        let page = index / PAGE_ROWS;
        let (query, sort, fresh) = self.packets.with_untracked(|p| {
            (
                p.query,
                p.sort,
                p.query != 0 && !p.requested.contains(&page),
            )
        });
        if !fresh {
            return;
        }
        self.packets.update(|p| {
            p.requested.insert(page);
        });
        let _ = self.send(ToWorker::Rows {
            query,
            start: page * PAGE_ROWS,
            count: PAGE_ROWS as u32,
            sort,
        });
    }

    /// Orders the list by a column (asked of the worker; rows come again).
    pub fn sort_packets(self, sort: Sort) {
        self.packets.update(|p| {
            p.sort = sort;
            p.rows.clear();
            p.requested.clear();
        });
        self.locate_selected();
    }

    /// Shows frame `frame`'s details (and finds it in the list).
    pub fn select_frame(self, frame: u64, index: Option<u64>) {
        if self.selected_frame.get_untracked() != Some(frame) {
            self.selected_frame.set(Some(frame));
            self.frame_tree.set(TreeState::Loading(frame));
            if let Err(message) = self.send(ToWorker::Tree { frame }) {
                self.frame_tree.set(TreeState::Failed(frame, message));
            }
        }
        match index {
            Some(i) => self.selected_index.set(Some(i)),
            None => {
                self.selected_index.set(None);
                self.locate_selected();
            }
        }
    }

    fn locate_selected(self) {
        let Some(frame) = self.selected_frame.get_untracked() else {
            return;
        };
        let (query, sort, done) = self.packets.with_untracked(|p| (p.query, p.sort, p.done));
        if query != 0 && done {
            let _ = self.send(ToWorker::Locate { query, frame, sort });
        }
    }

    /// Opens frame `frame` in the Packets view (every frame number on the page links here).
    pub fn open_frame(self, frame: u64) {
        self.view.set(View::Packets);
        self.ensure_packet_list();
        self.select_frame(frame, None);
        self.scroll_request.update(|n| *n = n.wrapping_add(1));
    }

    /// Shows the frames a filter selects in the Packets view ("apply" next to "copy filter").
    pub fn show_filter(self, filter: &str) {
        self.view.set(View::Packets);
        if self
            .packets
            .with_untracked(|p| p.query == 0 || p.filter != filter.trim())
        {
            self.apply_filter(filter.to_string());
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
            FromWorker::ListProgress {
                query,
                frames,
                displayed,
                bytes,
            } => self.packets.update(|p| {
                if p.query == query {
                    p.frames = frames;
                    p.displayed = displayed;
                    p.bytes = bytes;
                }
            }),
            FromWorker::ListDone {
                query,
                frames,
                displayed,
            } => {
                if self.packets.with_untracked(|p| p.query != query) {
                    return;
                }
                self.packets.update(|p| {
                    p.frames = frames;
                    p.displayed = displayed;
                    p.done = true;
                    // Pages answered while the list was growing may be short: ask again.
                    let rows = &p.rows;
                    p.requested.retain(|page| {
                        let last = ((page + 1) * PAGE_ROWS).min(displayed);
                        last == 0 || rows.contains_key(&(last - 1))
                    });
                });
                self.locate_selected();
            }
            FromWorker::ListFailed { query, message } => self.packets.update(|p| {
                if p.query == query {
                    p.error = Some(message);
                }
            }),
            FromWorker::Rows { query, start, rows } => self.packets.update(|p| {
                if p.query != query {
                    return;
                }
                let short = (rows.len() as u64) < PAGE_ROWS && !p.done;
                for (i, row) in rows.into_iter().enumerate() {
                    p.rows.insert(start + i as u64, Arc::new(row));
                }
                if short {
                    p.requested.remove(&(start / PAGE_ROWS));
                }
            }),
            FromWorker::Located {
                query,
                frame,
                index,
            } => {
                if self.packets.with_untracked(|p| p.query == query)
                    && self.selected_frame.get_untracked() == Some(frame)
                {
                    self.selected_index.set(index);
                    self.scroll_request.update(|n| *n = n.wrapping_add(1));
                }
            }
            FromWorker::Tree { frame, tree } => {
                if self.selected_frame.get_untracked() == Some(frame) {
                    self.frame_tree.set(TreeState::Ready(Arc::new(tree)));
                }
            }
            FromWorker::TreeFailed { frame, message } => {
                if self.selected_frame.get_untracked() == Some(frame) {
                    self.frame_tree.set(TreeState::Failed(frame, message));
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
