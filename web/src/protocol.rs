//! The messages between the page and the analysis worker.
//!
//! Page → worker: [`AnalyzeRequest`] carries the `File` itself (the worker reads it in slices),
//! never its bytes. Worker → page: [`FromWorker`]. The final report travels as the exact text
//! of `Report::to_json()`, so the page's export is byte-identical to
//! `pcaplens analyze FILE --json`.
//!
//! Cancelling is not a message: the page terminates the worker and starts a fresh one.

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
