//! The analysis worker: runs inside a dedicated Web Worker so the page stays responsive.
//!
//! It receives an [`AnalyzeRequest`] with the `File`, streams the file through
//! `pcaplens_core::Analysis` chunk by chunk (memory stays per-flow, never per-file), posts
//! [`FromWorker::Progress`] about every 100 ms and finally [`FromWorker::Done`] with the
//! report's canonical JSON text.

use js_sys::{Date, Uint8Array};
use pcaplens_core::analyze::ladder::StreamScan;
use pcaplens_core::{Analysis, Config};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DedicatedWorkerGlobalScope, File, MessageEvent, ReadableStreamDefaultReader,
    ReadableStreamReadResult,
};

use crate::protocol::{AnalyzeRequest, FromWorker, PacketsRequest, PROGRESS_INTERVAL_MS};

/// The worker binary's `main`: install the message handler, then say so.
pub fn start() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let handler_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let scope = handler_scope.clone();
        if let Ok(request) = PacketsRequest::from_js(event.data()) {
            wasm_bindgen_futures::spawn_local(async move {
                let reply = stream_packets(&request).await;
                post(&scope, &reply);
            });
            return;
        }
        match AnalyzeRequest::from_js(event.data()) {
            Ok(request) => wasm_bindgen_futures::spawn_local(async move {
                let reply = match analyze(&scope, &request.file).await {
                    Ok(json) => FromWorker::Done { json },
                    Err(message) => FromWorker::Failed { message },
                };
                post(&scope, &reply);
            }),
            Err(message) => post(&scope, &FromWorker::Failed { message }),
        }
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&scope, &FromWorker::Ready);
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

/// Streams `file` through a fresh analysis and returns `Report::to_json()`, or a message when
/// that text is too long for a JavaScript string.
async fn analyze(scope: &DedicatedWorkerGlobalScope, file: &File) -> Result<String, String> {
    // Same as the CLI, which names the report after the file's base name.
    let mut analysis = Analysis::new(Config {
        file_name: Some(file.name()),
        ..Config::default()
    });
    let reader: ReadableStreamDefaultReader = file.stream().get_reader().unchecked_into();
    let mut chunk = Vec::new();
    let mut last_progress = Date::now();
    loop {
        let result: ReadableStreamReadResult = JsFuture::from(reader.read())
            .await
            .map_err(|e| read_error(file, &e))?
            .unchecked_into();
        if result.get_done().unwrap_or(true) {
            break;
        }
        let bytes: Uint8Array = result.get_value().unchecked_into();
        // One reusable buffer: the stream hands out ~64 KiB–several MiB pieces.
        chunk.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut chunk);
        analysis.feed(&chunk);
        if analysis.is_stopped() {
            // Not a capture, or damaged beyond repair: the rest of the file changes nothing.
            let _ = reader.cancel();
            break;
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
    }
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

/// Reads the file again, keeping the packets of one TCP stream (a connection's flow graph).
/// Stops right after the stream's last frame.
async fn stream_packets(request: &PacketsRequest) -> FromWorker {
    let (file, generation) = (&request.file, request.generation);
    let mut scan = StreamScan::new(request.query.clone());
    let reader: ReadableStreamDefaultReader = file.stream().get_reader().unchecked_into();
    let mut chunk = Vec::new();
    loop {
        let result: ReadableStreamReadResult = match JsFuture::from(reader.read()).await {
            Ok(r) => r.unchecked_into(),
            Err(e) => {
                return FromWorker::PacketsFailed {
                    generation,
                    stream: request.query.stream,
                    message: read_error(file, &e),
                }
            }
        };
        if result.get_done().unwrap_or(true) {
            break;
        }
        let bytes: Uint8Array = result.get_value().unchecked_into();
        chunk.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut chunk);
        scan.feed(&chunk);
        if scan.is_done() {
            let _ = reader.cancel();
            break;
        }
    }
    FromWorker::Packets {
        generation,
        packets: scan.finish(),
    }
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
