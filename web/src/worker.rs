//! The analysis worker: runs inside a dedicated Web Worker so the page stays responsive, and
//! answers the page's questions about the file it analysed.
//!
//! - `Analyze`: streams the `File` through `pcaplens_core::Analysis` chunk by chunk, posts
//!   progress about every 100 ms and finally the report's canonical JSON. The worker keeps the
//!   `File` (a handle, not its bytes) for every later question.
//! - `List`: the packet list of a display filter. The first pass (forward references, as
//!   `tshark -2`) runs once per file and is kept; then a scan keeps the displayed frames'
//!   numbers (4 bytes each) and their rows while they fit in [`ROW_BUDGET_BYTES`]; progress is
//!   streamed and a newer `List` stops an older one between chunks.
//! - `Rows`: a page of rows, sorted on this side; rows beyond the budget are made again by
//!   re-reading the file. `Locate`: where a frame is in the list. `Tree`: one frame's packet
//!   details (a focused scan that stops after that frame).
//!
//! Every pass reads the file through one loop, [`read_file`].

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Date, Uint8Array};
use pcaplens_core::analyze::ladder::StreamScan;
use pcaplens_core::filter::Filter;
use pcaplens_core::packets::engine::Annotations;
use pcaplens_core::packets::query::{FrameTree, Matcher, PacketRow, Plan};
use pcaplens_core::packets::{Dissection, FieldDef};
use pcaplens_core::{Analysis, Config};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DedicatedWorkerGlobalScope, File, MessageEvent, ReadableStreamDefaultReader,
    ReadableStreamReadResult,
};

use crate::colors;
use crate::protocol::{FrameDetails, FromWorker, ListRow, Sort, ToWorker, PROGRESS_INTERVAL_MS};

/// Memory the stored rows of one packet list may use (estimated from their text). Rows past
/// it are made again from the file when asked for.
const ROW_BUDGET_BYTES: usize = 256 << 20;
/// Fixed cost of one stored row beyond its strings.
const ROW_OVERHEAD: usize = std::mem::size_of::<ListRow>();

/// What the worker remembers between messages.
#[derive(Default)]
struct WorkerState {
    file: Option<File>,
    /// The first pass over `file` (forward references), made once.
    learned: Option<Rc<Annotations>>,
    /// The newest packet query; an older one still running stops.
    current_query: u32,
    list: Option<ListResult>,
    /// The order of `list.rows` for one sort (indices into rows).
    sorted: Option<(u32, Sort, Rc<Vec<u32>>)>,
}

/// One packet query's result so far.
struct ListResult {
    query: u32,
    filter: String,
    /// Numbers of the displayed frames, in frame order.
    frames: Vec<u32>,
    /// The first displayed rows (all of them while `rows_complete`).
    rows: Vec<ListRow>,
    rows_complete: bool,
    row_bytes: usize,
    done: bool,
}

thread_local! {
    static STATE: RefCell<WorkerState> = RefCell::new(WorkerState::default());
}

fn with_state<R>(f: impl FnOnce(&mut WorkerState) -> R) -> R {
    STATE.with(|s| f(&mut s.borrow_mut()))
}

/// The worker binary's `main`: install the message handler, then say so.
pub fn start() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let handler_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let scope = handler_scope.clone();
        match ToWorker::from_js(event.data()) {
            Ok(request) => wasm_bindgen_futures::spawn_local(handle(scope, request)),
            Err(message) => post(&scope, &FromWorker::Failed { message }),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&scope, &FromWorker::Ready);
}

async fn handle(scope: DedicatedWorkerGlobalScope, request: ToWorker) {
    match request {
        ToWorker::Analyze { file } => {
            with_state(|s| {
                *s = WorkerState {
                    file: Some(file.clone()),
                    current_query: s.current_query,
                    ..WorkerState::default()
                }
            });
            let reply = match analyze(&scope, &file).await {
                Ok(json) => FromWorker::Done { json },
                Err(message) => FromWorker::Failed { message },
            };
            post(&scope, &reply);
        }
        ToWorker::StreamPackets { generation, query } => {
            let stream = query.stream;
            let reply = match current_file() {
                Some(file) => {
                    let mut scan = StreamScan::new(query);
                    match read_file(&file, |chunk| {
                        scan.feed(chunk);
                        !scan.is_done()
                    })
                    .await
                    {
                        Ok(()) => FromWorker::Packets {
                            generation,
                            packets: scan.finish(),
                        },
                        Err(message) => FromWorker::PacketsFailed {
                            generation,
                            stream,
                            message,
                        },
                    }
                }
                None => FromWorker::PacketsFailed {
                    generation,
                    stream,
                    message: NO_FILE.into(),
                },
            };
            post(&scope, &reply);
        }
        ToWorker::List { query, filter } => {
            with_state(|s| s.current_query = query);
            if let Err(message) = list(&scope, query, filter).await {
                post(&scope, &FromWorker::ListFailed { query, message });
            }
        }
        ToWorker::Rows {
            query,
            start,
            count,
            sort,
        } => match rows(query, start, count, sort).await {
            Ok(Some(rows)) => post(&scope, &FromWorker::Rows { query, start, rows }),
            Ok(None) => {}
            Err(message) => post(&scope, &FromWorker::ListFailed { query, message }),
        },
        ToWorker::Locate { query, frame, sort } => {
            if let Some(index) = locate(query, frame, sort) {
                post(
                    &scope,
                    &FromWorker::Located {
                        query,
                        frame,
                        index,
                    },
                );
            }
        }
        ToWorker::Tree { frame } => {
            let reply = match tree(frame).await {
                Ok(tree) => FromWorker::Tree { frame, tree },
                Err(message) => FromWorker::TreeFailed { frame, message },
            };
            post(&scope, &reply);
        }
    }
}

const NO_FILE: &str = "No capture is open.";

fn current_file() -> Option<File> {
    with_state(|s| s.file.clone())
}

fn post(scope: &DedicatedWorkerGlobalScope, message: &FromWorker) {
    let sent = message.to_js().and_then(|value| {
        scope
            .post_message(&value)
            .map_err(|e| format!("postMessage failed: {e:?}"))
    });
    if let Err(e) = sent {
        web_sys::console::error_1(&e.into());
    }
}

/// The one loop that reads the file: `on_chunk` gets each piece the stream hands out (copied
/// into one reusable buffer in wasm memory) and returns false to stop early.
async fn read_file(file: &File, mut on_chunk: impl FnMut(&[u8]) -> bool) -> Result<(), String> {
    let reader: ReadableStreamDefaultReader = file.stream().get_reader().unchecked_into();
    let mut chunk = Vec::new();
    loop {
        let result: ReadableStreamReadResult = JsFuture::from(reader.read())
            .await
            .map_err(|e| read_error(file, &e))?
            .unchecked_into();
        if result.get_done().unwrap_or(true) {
            return Ok(());
        }
        let bytes: Uint8Array = result.get_value().unchecked_into();
        chunk.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut chunk);
        if !on_chunk(&chunk) {
            let _ = reader.cancel();
            return Ok(());
        }
    }
}

/// Streams `file` through a fresh analysis and returns `Report::to_json()`, or a message when
/// that text is too long for a JavaScript string.
async fn analyze(scope: &DedicatedWorkerGlobalScope, file: &File) -> Result<String, String> {
    // Same as the CLI, which names the report after the file's base name.
    let mut analysis = Analysis::new(Config {
        file_name: Some(file.name()),
        ..Config::default()
    });
    let mut last_progress = Date::now();
    read_file(file, |chunk| {
        analysis.feed(chunk);
        if analysis.is_stopped() {
            // Not a capture, or damaged beyond repair: the rest of the file changes nothing.
            return false;
        }
        let now = Date::now();
        if now - last_progress >= PROGRESS_INTERVAL_MS {
            last_progress = now;
            let p = analysis.progress();
            post(
                scope,
                &FromWorker::Progress {
                    bytes: p.bytes,
                    frames: p.frames,
                },
            );
        }
        true
    })
    .await?;
    let p = analysis.progress();
    post(
        scope,
        &FromWorker::Progress {
            bytes: p.bytes,
            frames: p.frames,
        },
    );
    let report = analysis.finish();
    report.to_json_capped(MAX_REPORT_JSON).ok_or_else(|| {
        format!(
            "The analysis finished, but its report ({} TCP connections) is larger than the {} MB \
             of text a browser can pass between threads. Analyse this capture on the command line \
             instead: pcaplens analyze \"{}\" --json",
            report.tcp.connections.len(),
            MAX_REPORT_JSON >> 20,
            file.name()
        )
    })
}

/// V8 strings hold at most 2^29 - 24 UTF-16 units; JSON has at least one byte per unit, so a
/// text within this many bytes always fits.
const MAX_REPORT_JSON: usize = (1 << 29) - 64;

/// The first pass over the current file (made once, then kept).
async fn learned(file: &File) -> Result<Rc<Annotations>, String> {
    if let Some(l) = with_state(|s| s.learned.clone()) {
        return Ok(l);
    }
    let plan = Plan::new(None, &[], true, false).map_err(|e| e.to_string())?;
    let mut first = plan.first_pass();
    read_file(file, |chunk| {
        first.feed(chunk, |_| {});
        !first.is_stopped()
    })
    .await?;
    first.finish(|_| {});
    let learned = Rc::new(first.take_learned().unwrap_or_default());
    with_state(|s| s.learned = Some(learned.clone()));
    Ok(learned)
}

/// The user's filter plus the colouring rules: the engine must produce the fields of both;
/// only the user's filter selects frames.
struct ListMatcher {
    filter: Option<Filter>,
    colors: Vec<Option<Filter>>,
}

impl Matcher for ListMatcher {
    fn fields(&self) -> Vec<&'static FieldDef> {
        self.filter
            .iter()
            .chain(self.colors.iter().flatten())
            .flat_map(Matcher::fields)
            .collect()
    }
    fn needs_bytes(&self) -> bool {
        self.filter
            .iter()
            .chain(self.colors.iter().flatten())
            .any(Matcher::needs_bytes)
    }
    fn matches(&self, d: &Dissection) -> bool {
        self.filter.as_ref().is_none_or(|f| f.matches(d))
    }
}

/// A scan that shows the frames `filter` selects, as rows.
fn list_scan(filter: &str, learned: &Annotations) -> Result<ListScan, String> {
    let compile = || -> Result<Option<Filter>, String> {
        if filter.trim().is_empty() {
            Ok(None)
        } else {
            pcaplens_core::filter::compile(filter)
                .map(Some)
                .map_err(|e| e.message)
        }
    };
    let matcher = ListMatcher {
        filter: compile()?,
        colors: colors::compiled(),
    };
    let plan = Plan::new(Some(Box::new(matcher)), &PacketRow::fields(), true, false)
        .map_err(|e| e.to_string())?;
    Ok(ListScan {
        scan: plan.scan(Some(learned.clone())),
        colors: colors::compiled(),
    })
}

struct ListScan {
    scan: pcaplens_core::packets::query::Scan,
    colors: Vec<Option<Filter>>,
}

impl ListScan {
    fn row(colors: &[Option<Filter>], d: &Dissection) -> ListRow {
        let row = PacketRow::from_dissection(d);
        let color = colors
            .iter()
            .position(|f| f.as_ref().is_some_and(|f| f.matches(d)))
            .and_then(|i| u8::try_from(i).ok());
        ListRow {
            number: row.number,
            time: row.time,
            source: row.source,
            destination: row.destination,
            protocol: row.protocol,
            length: row.length,
            info: row.info,
            color,
        }
    }

    /// Feeds a chunk (`None`: the end); `on_row` sees each displayed frame's row.
    fn feed(&mut self, chunk: Option<&[u8]>, mut on_row: impl FnMut(ListRow)) {
        let colors = &self.colors;
        match chunk {
            Some(c) => self.scan.feed(c, |d| on_row(Self::row(colors, d))),
            None => self.scan.finish(|d| on_row(Self::row(colors, d))),
        }
    }
}

/// Runs packet query `query`: the displayed frames' numbers, and rows within the budget.
async fn list(
    scope: &DedicatedWorkerGlobalScope,
    query: u32,
    filter: String,
) -> Result<(), String> {
    let file = current_file().ok_or(NO_FILE)?;
    let learned = learned(&file).await?;
    if with_state(|s| s.current_query != query) {
        return Ok(());
    }
    let mut scan = list_scan(&filter, &learned)?;
    with_state(|s| {
        s.sorted = None;
        s.list = Some(ListResult {
            query,
            filter: filter.clone(),
            frames: Vec::new(),
            rows: Vec::new(),
            rows_complete: true,
            row_bytes: 0,
            done: false,
        })
    });
    let mut fresh: Vec<ListRow> = Vec::new();
    let mut last_progress = Date::now();
    let mut bytes = 0u64;
    let mut superseded = false;
    let store = |fresh: &mut Vec<ListRow>| {
        with_state(|s| {
            let Some(list) = s.list.as_mut().filter(|l| l.query == query) else {
                return;
            };
            for row in fresh.drain(..) {
                list.frames
                    .push(u32::try_from(row.number).unwrap_or(u32::MAX));
                let size = ROW_OVERHEAD
                    + row.source.len()
                    + row.destination.len()
                    + row.protocol.len()
                    + row.info.len();
                if list.rows_complete && list.row_bytes + size <= ROW_BUDGET_BYTES {
                    list.row_bytes += size;
                    list.rows.push(row);
                } else {
                    list.rows_complete = false;
                }
            }
        })
    };
    read_file(&file, |chunk| {
        if with_state(|s| s.current_query != query) {
            superseded = true;
            return false;
        }
        bytes += chunk.len() as u64;
        scan.feed(Some(chunk), |row| fresh.push(row));
        store(&mut fresh);
        let now = Date::now();
        if now - last_progress >= PROGRESS_INTERVAL_MS {
            last_progress = now;
            let (frames, displayed) = scan.scan.counts();
            post(
                scope,
                &FromWorker::ListProgress {
                    query,
                    frames,
                    displayed,
                    bytes,
                },
            );
        }
        !scan.scan.engine().is_stopped()
    })
    .await?;
    if superseded {
        return Ok(());
    }
    scan.feed(None, |row| fresh.push(row));
    store(&mut fresh);
    with_state(|s| {
        if let Some(list) = s.list.as_mut().filter(|l| l.query == query) {
            list.done = true;
        }
    });
    let (frames, displayed) = scan.scan.counts();
    post(
        scope,
        &FromWorker::ListDone {
            query,
            frames,
            displayed,
        },
    );
    Ok(())
}

/// The order of the stored rows for `sort` (made once per query and sort).
fn order(s: &mut WorkerState, query: u32, sort: Sort) -> Option<Rc<Vec<u32>>> {
    let (column, descending) = sort?;
    if let Some((q, so, perm)) = &s.sorted {
        if *q == query && *so == sort {
            return Some(perm.clone());
        }
    }
    let list = s
        .list
        .as_ref()
        .filter(|l| l.query == query && l.done && l.rows_complete)?;
    let mut perm: Vec<u32> = (0..list.rows.len() as u32).collect();
    perm.sort_by(|&a, &b| {
        let (Some(x), Some(y)) = (list.rows.get(a as usize), list.rows.get(b as usize)) else {
            return std::cmp::Ordering::Equal;
        };
        let o = column.compare(x, y);
        if descending {
            o.reverse()
        } else {
            o
        }
    });
    let perm = Rc::new(perm);
    s.sorted = Some((query, sort, perm.clone()));
    Some(perm)
}

/// Rows `start..start + count` of query `query` (`None`: the query is no longer current).
async fn rows(
    query: u32,
    start: u64,
    count: u32,
    sort: Sort,
) -> Result<Option<Vec<ListRow>>, String> {
    enum Answer {
        Stale,
        Rows(Vec<ListRow>),
        Reread { filter: String },
    }
    let answer = with_state(|s| {
        let perm = order(s, query, sort);
        let Some(list) = s.list.as_ref().filter(|l| l.query == query) else {
            return Answer::Stale;
        };
        let end = start.saturating_add(u64::from(count));
        if let Some(perm) = perm {
            let rows = (start..end)
                .filter_map(|i| perm.get(usize::try_from(i).ok()?))
                .filter_map(|&r| list.rows.get(r as usize).cloned())
                .collect();
            return Answer::Rows(rows);
        }
        let stored = list.rows.len() as u64;
        if end <= stored || list.rows_complete {
            let s = usize::try_from(start.min(stored)).unwrap_or(usize::MAX);
            let e = usize::try_from(end.min(stored)).unwrap_or(usize::MAX);
            return Answer::Rows(list.rows.get(s..e).unwrap_or_default().to_vec());
        }
        Answer::Reread {
            filter: list.filter.clone(),
        }
    });
    match answer {
        Answer::Stale => Ok(None),
        Answer::Rows(rows) => Ok(Some(rows)),
        Answer::Reread { filter } => reread_rows(&filter, start, count).await.map(Some),
    }
}

/// Makes displayed rows `start..start + count` again from the file (rows past the budget).
async fn reread_rows(filter: &str, start: u64, count: u32) -> Result<Vec<ListRow>, String> {
    let file = current_file().ok_or(NO_FILE)?;
    let learned = learned(&file).await?;
    let mut scan = list_scan(filter, &learned)?;
    let end = start.saturating_add(u64::from(count));
    let mut index = 0u64;
    let mut out = Vec::new();
    read_file(&file, |chunk| {
        scan.feed(Some(chunk), |row| {
            if (start..end).contains(&index) {
                out.push(row);
            }
            index += 1;
        });
        index < end
    })
    .await?;
    if index < end {
        scan.feed(None, |row| {
            if (start..end).contains(&index) {
                out.push(row);
            }
            index += 1;
        });
    }
    Ok(out)
}

/// Where `frame` is in the list (outer `None`: the query is not current or not finished).
fn locate(query: u32, frame: u64, sort: Sort) -> Option<Option<u64>> {
    with_state(|s| {
        let perm = order(s, query, sort);
        let list = s.list.as_ref().filter(|l| l.query == query && l.done)?;
        let at = match perm {
            Some(perm) => perm
                .iter()
                .position(|&r| {
                    list.rows
                        .get(r as usize)
                        .is_some_and(|row| row.number == frame)
                })
                .map(|i| i as u64),
            None => u32::try_from(frame)
                .ok()
                .and_then(|f| list.frames.binary_search(&f).ok())
                .map(|i| i as u64),
        };
        Some(at)
    })
}

/// Frame `frame`'s packet details (both passes, as `pcaplens packets --frame N -T json`).
async fn tree(frame: u64) -> Result<FrameDetails, String> {
    let file = current_file().ok_or(NO_FILE)?;
    let learned = learned(&file).await?;
    let plan = Plan::new(None, &[], true, true).map_err(|e| e.to_string())?;
    let mut scan = plan.scan_focused(Some((*learned).clone()), Some(frame));
    let mut found: Option<FrameTree> = None;
    read_file(&file, |chunk| {
        scan.feed(chunk, |d| {
            if d.frame == frame {
                found = Some(FrameTree::from_dissection(d));
            }
        });
        found.is_none() && !scan.engine().is_stopped()
    })
    .await?;
    if found.is_none() {
        scan.finish(|d| {
            if d.frame == frame {
                found = Some(FrameTree::from_dissection(d));
            }
        });
    }
    let tree = found.ok_or_else(|| {
        format!(
            "There is no frame {frame} (the capture has {} frames).",
            scan.counts().0
        )
    })?;
    FrameDetails::from_tree(&tree)
}

fn read_error(file: &File, error: &JsValue) -> String {
    let detail = error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|| format!("{error:?}"));
    format!(
        "The browser could not read \"{}\" (was it moved or deleted?): {detail}",
        file.name()
    )
}
