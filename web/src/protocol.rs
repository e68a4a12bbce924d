//! The messages between the page and the analysis worker.
//!
//! Page → worker: [`AnalyzeRequest`] carries the `File` itself (the worker reads it in slices),
//! never its bytes. Worker → page: [`FromWorker`]. The final report travels as the exact text
//! of `Report::to_json()`, so the page's export is byte-identical to
//! `pcaplens analyze FILE --json`.
//!
//! Cancelling is not a message: the page terminates the worker and starts a fresh one.

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
    /// The packets of one TCP stream (answer to a `PacketsRequest`), for the connection
    /// detail's flow graph. `generation` is the request's, so a late answer about a file
    /// that is no longer shown can be told apart.
    Packets {
        generation: u32,
        packets: StreamPackets,
    },
    /// A `PacketsRequest` could not be answered (the file could not be read again).
    PacketsFailed {
        generation: u32,
        stream: u64,
        message: String,
    },
}

/// How often the worker reports progress.
pub const PROGRESS_INTERVAL_MS: f64 = 100.0;

#[cfg(target_arch = "wasm32")]
pub use browser::*;

#[cfg(target_arch = "wasm32")]
mod browser {
    use super::FromWorker;
    use serde::{Deserialize, Serialize};
    use wasm_bindgen::JsValue;

    /// Page → worker: analyze this file.
    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct AnalyzeRequest {
        /// Passed through as the JS `File` object (structured clone, no copy of its bytes).
        #[serde(with = "serde_wasm_bindgen::preserve")]
        pub file: web_sys::File,
    }

    impl AnalyzeRequest {
        pub fn to_js(&self) -> Result<JsValue, String> {
            serde_wasm_bindgen::to_value(self).map_err(|e| e.to_string())
        }

        pub fn from_js(value: JsValue) -> Result<Self, String> {
            serde_wasm_bindgen::from_value(value).map_err(|e| format!("bad request: {e}"))
        }
    }

    /// Page → worker: read `file` again and collect the packets of one TCP stream
    /// (`pcaplens_core::analyze::ladder`). Tried before [`AnalyzeRequest`], which would
    /// also accept this object (it only needs `file`).
    #[derive(Debug, Clone, Serialize, Deserialize)]
    pub struct PacketsRequest {
        #[serde(with = "serde_wasm_bindgen::preserve")]
        pub file: web_sys::File,
        pub generation: u32,
        pub query: pcaplens_core::analyze::ladder::StreamQuery,
    }

    impl PacketsRequest {
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
}
