//! The messages between the page and the analysis worker: one tagged enum each way.
//!
//! Page → worker: [`ToWorker`]. `Analyze` carries the `File` itself (the worker keeps it and
//! reads it again in slices for every later question), never its bytes. Worker → page:
//! [`FromWorker`]. The report travels as the exact text of `Report::to_json()`, so the page's
//! export is byte-identical to `pcaplens analyze FILE --json`; packet rows travel a page at a
//! time and a frame's tree as one small object, so nothing large crosses as one piece.
//!
//! Cancelling an analysis is not a message: the page terminates the worker and starts a fresh
//! one. A packet query is cancelled by starting another (`query` numbers tell them apart).

use pcaplens_core::analyze::ladder::StreamPackets;
use serde::{Deserialize, Serialize};

/// Worker → page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FromWorker {
    /// The worker's message handler is installed; requests sent before this would be lost.
    Ready,
    /// Sent about every [`PROGRESS_INTERVAL_MS`] while reading.
    Progress { bytes: u64, frames: u64 },
    /// The analysis finished; `json` is exactly `Report::to_json()`.
    Done { json: String },
    /// The worker could not start or could not read the file.
    Failed { message: String },
    /// The packets of one TCP stream (answer to `ToWorker::StreamPackets`), for the connection
    /// detail's flow graph. `generation` is the request's, so a late answer about a file
    /// that is no longer shown can be told apart.
    Packets {
        generation: u32,
        packets: StreamPackets,
    },
    /// A `StreamPackets` request could not be answered (the file could not be read again).
    PacketsFailed {
        generation: u32,
        stream: u64,
        message: String,
    },
    /// A packet query is running: frames read and displayed so far (`total_bytes` of the file).
    ListProgress {
        query: u32,
        frames: u64,
        displayed: u64,
        bytes: u64,
    },
    /// A packet query finished: `displayed` of `frames` frames pass its filter.
    ListDone {
        query: u32,
        frames: u64,
        displayed: u64,
    },
    /// A packet query could not run (unreadable file; an invalid filter is caught on the page).
    ListFailed { query: u32, message: String },
    /// Rows `start..start + rows.len()` of a query's list (in the order asked for).
    Rows {
        query: u32,
        start: u64,
        rows: Vec<ListRow>,
    },
    /// Where a frame is in a query's list (`None`: the filter hides it).
    Located {
        query: u32,
        frame: u64,
        index: Option<u64>,
    },
    /// One frame's packet details.
    Tree { frame: u64, tree: FrameDetails },
    /// A frame's details could not be made (no such frame, unreadable file).
    TreeFailed { frame: u64, message: String },
}

/// How often the worker reports progress.
pub const PROGRESS_INTERVAL_MS: f64 = 100.0;

/// One row of the packet list, with its colouring rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ListRow {
    pub number: u64,
    /// Seconds since the first frame.
    pub time: f64,
    pub source: String,
    pub destination: String,
    pub protocol: String,
    pub length: u32,
    pub info: String,
    /// Index into [`crate::colors::RULES`] of the first rule that matches, if any.
    pub color: Option<u8>,
}

/// Columns the worker can sort a list by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SortColumn {
    Number,
    Time,
    Source,
    Destination,
    Protocol,
    Length,
    Info,
}

impl SortColumn {
    pub const ALL: [SortColumn; 7] = [
        SortColumn::Number,
        SortColumn::Time,
        SortColumn::Source,
        SortColumn::Destination,
        SortColumn::Protocol,
        SortColumn::Length,
        SortColumn::Info,
    ];

    /// Orders two rows by this column (ties by frame number, so sorting is stable).
    pub fn compare(self, a: &ListRow, b: &ListRow) -> std::cmp::Ordering {
        let by = match self {
            SortColumn::Number => a.number.cmp(&b.number),
            SortColumn::Time => a.time.total_cmp(&b.time),
            SortColumn::Source => a.source.cmp(&b.source),
            SortColumn::Destination => a.destination.cmp(&b.destination),
            SortColumn::Protocol => a.protocol.cmp(&b.protocol),
            SortColumn::Length => a.length.cmp(&b.length),
            SortColumn::Info => a.info.cmp(&b.info),
        };
        by.then(a.number.cmp(&b.number))
    }
}

/// A list's order: a column, descending or not (`None`: frame order).
pub type Sort = Option<(SortColumn, bool)>;

/// One node of a frame's dissection tree (`pcaplens_core::packets::query::TreeNode`, owned).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetailNode {
    pub label: String,
    pub field: String,
    pub value: String,
    pub source: u8,
    pub start: u32,
    pub len: u32,
    pub generated: bool,
    #[serde(default)]
    pub children: Vec<DetailNode>,
}

/// The bytes a tree's ranges point into (the frame, reassembled PDUs).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DetailSource {
    pub name: String,
    /// Lowercase hex, as `pcaplens packets --frame N -T json` prints it.
    pub bytes: String,
}

/// A frame's packet details as `pcaplens packets FILE --frame N -T json` prints them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FrameDetails {
    pub frame: u64,
    pub protocol: String,
    pub info: String,
    pub layers: Vec<DetailNode>,
    pub sources: Vec<DetailSource>,
}

impl FrameDetails {
    /// From the core's tree (via its JSON shape, which is the contract).
    pub fn from_tree(tree: &pcaplens_core::packets::query::FrameTree) -> Result<Self, String> {
        let value = serde_json::to_value(tree).map_err(|e| e.to_string())?;
        serde_json::from_value(value).map_err(|e| e.to_string())
    }

    /// The bytes of source `i`.
    pub fn source_bytes(&self, i: usize) -> Vec<u8> {
        let Some(s) = self.sources.get(i) else {
            return Vec::new();
        };
        s.bytes
            .as_bytes()
            .chunks(2)
            .filter_map(|p| std::str::from_utf8(p).ok())
            .filter_map(|p| u8::from_str_radix(p, 16).ok())
            .collect()
    }
}

#[cfg(target_arch = "wasm32")]
pub use browser::*;

#[cfg(target_arch = "wasm32")]
mod browser {
    use super::{FromWorker, Sort};
    use pcaplens_core::analyze::ladder::StreamQuery;
    use serde::{Deserialize, Serialize};
    use wasm_bindgen::JsValue;

    /// Page → worker. Externally tagged (`{"Analyze": {...}}`): serde-wasm-bindgen then hands
    /// the `File` through untouched (an internally tagged enum would buffer it).
    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub enum ToWorker {
        /// Analyze this file; later questions are about it.
        Analyze {
            /// Passed through as the JS `File` object (structured clone, no copy of its bytes).
            #[serde(with = "serde_wasm_bindgen::preserve")]
            file: web_sys::File,
        },
        /// Read the file again and collect the packets of one TCP stream
        /// (`pcaplens_core::analyze::ladder`).
        StreamPackets { generation: u32, query: StreamQuery },
        /// Start packet query `query`: the frames `filter` (a display filter, empty: all)
        /// selects. Stops any query still running.
        List { query: u32, filter: String },
        /// Rows `start..start + count` of query `query` in order `sort`.
        Rows {
            query: u32,
            start: u64,
            count: u32,
            sort: Sort,
        },
        /// Where `frame` is in query `query` sorted by `sort`.
        Locate { query: u32, frame: u64, sort: Sort },
        /// Frame `frame`'s packet details.
        Tree { frame: u64 },
    }

    impl ToWorker {
        pub fn to_js(&self) -> Result<JsValue, String> {
            serde_wasm_bindgen::to_value(self).map_err(|e| e.to_string())
        }

        pub fn from_js(value: JsValue) -> Result<Self, String> {
            serde_wasm_bindgen::from_value(value).map_err(|e| format!("bad request: {e}"))
        }
    }

    impl FromWorker {
        pub fn to_js(&self) -> Result<JsValue, String> {
            serde_wasm_bindgen::to_value(self).map_err(|e| e.to_string())
        }

        pub fn from_js(value: JsValue) -> Result<Self, String> {
            serde_wasm_bindgen::from_value(value).map_err(|e| format!("bad worker message: {e}"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_have_a_type_tag_the_boot_script_can_produce() {
        // analysis-worker.js posts `{type: "failed", message}` when the wasm cannot start.
        let failed: FromWorker =
            serde_json::from_str(r#"{"type":"failed","message":"no wasm"}"#).unwrap();
        assert_eq!(
            failed,
            FromWorker::Failed {
                message: "no wasm".into()
            }
        );
        let progress = FromWorker::Progress {
            bytes: 1 << 40,
            frames: 7,
        };
        let text = serde_json::to_string(&progress).unwrap();
        assert_eq!(
            text,
            r#"{"type":"progress","bytes":1099511627776,"frames":7}"#
        );
        assert_eq!(serde_json::from_str::<FromWorker>(&text).unwrap(), progress);
    }

    #[test]
    fn frame_details_read_the_cores_tree_and_its_bytes() {
        use pcaplens_core::packets::query::{scan_bytes, FrameTree, Plan};
        let capture = pcaplens_synth::demo::demo_capture();
        let plan = Plan::new(None, &[], true, true).unwrap();
        let mut trees = Vec::new();
        scan_bytes(plan, &capture, |d| {
            trees.push(FrameTree::from_dissection(d))
        });
        let first = trees.first().expect("the demo has frames");
        let details = FrameDetails::from_tree(first).unwrap();
        assert_eq!(details.frame, 1);
        assert_eq!(details.layers.len(), first.layers.len());
        assert_eq!(details.layers[0].label, first.layers[0].label);
        assert_eq!(details.source_bytes(0), first.sources[0].bytes);
        assert!(details.source_bytes(9).is_empty());
    }

    #[test]
    fn sorting_breaks_ties_by_frame_number() {
        let row = |number, protocol: &str| ListRow {
            number,
            time: 0.0,
            source: String::new(),
            destination: String::new(),
            protocol: protocol.into(),
            length: 60,
            info: String::new(),
            color: None,
        };
        let (a, b, c) = (row(1, "TCP"), row(2, "DNS"), row(3, "TCP"));
        use std::cmp::Ordering::*;
        assert_eq!(SortColumn::Protocol.compare(&a, &b), Greater);
        assert_eq!(SortColumn::Protocol.compare(&a, &c), Less);
        assert_eq!(SortColumn::Length.compare(&c, &a), Greater);
    }
}
