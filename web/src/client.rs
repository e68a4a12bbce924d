//! The page's side of the analysis worker: start it, send it a file, hear back.
//!
//! The worker is started from `analysis-worker.js` (a few lines that load Trunk's `worker.js`
//! glue and its wasm, and report a failed start as a message, which Trunk's own shim would
//! swallow). A request sent before the worker says [`FromWorker::Ready`] is queued here.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, Event, File, MessageEvent, Worker};

use crate::protocol::{FromWorker, ToWorker};

/// The worker's boot script, relative to the page (so any sub-path works).
const WORKER_SCRIPT: &str = "./analysis-worker.js";

/// A running analysis worker. Dropping it terminates the worker.
pub struct AnalysisWorker {
    worker: Worker,
    shared: Rc<RefCell<Shared>>,
    /// Kept alive as long as the worker may call them.
    handlers: Option<Handlers>,
}

type Handlers = (Closure<dyn FnMut(MessageEvent)>, Closure<dyn FnMut(Event)>);

#[derive(Default)]
struct Shared {
    ready: bool,
    /// Requests waiting for `Ready`.
    pending: Vec<ToWorker>,
}

impl AnalysisWorker {
    /// Starts a worker; `on_event` gets every message and load failure, on the page's thread.
    pub fn spawn(on_event: impl Fn(FromWorker) + 'static) -> Result<AnalysisWorker, String> {
        let worker = Worker::new(WORKER_SCRIPT)
            .map_err(|e| format!("The browser refused to start the analysis worker: {e:?}"))?;
        let shared = Rc::new(RefCell::new(Shared::default()));
        let on_event = Rc::new(on_event);

        let (msg_worker, msg_shared, msg_event) =
            (worker.clone(), shared.clone(), on_event.clone());
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            let message = FromWorker::from_js(event.data())
                .unwrap_or_else(|message| FromWorker::Failed { message });
            if message == FromWorker::Ready {
                let pending = {
                    let mut shared = msg_shared.borrow_mut();
                    shared.ready = true;
                    std::mem::take(&mut shared.pending)
                };
                for request in pending {
                    if let Err(message) = post_request(&msg_worker, &request) {
                        msg_event(FromWorker::Failed { message });
                    }
                }
            }
            msg_event(message);
        });
        // A worker script that fails to load fires a plain `Event`; an uncaught exception
        // inside the worker fires an `ErrorEvent`.
        let on_error = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            event.prevent_default();
            let message = match event.dyn_ref::<ErrorEvent>() {
                Some(e) => format!("The analysis worker stopped with an error: {}", e.message()),
                None => "The analysis worker could not be loaded (analysis-worker.js or \
                         worker.js is missing or was blocked)."
                    .to_string(),
            };
            on_event(FromWorker::Failed { message });
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        Ok(AnalysisWorker {
            worker,
            shared,
            handlers: Some((on_message, on_error)),
        })
    }

    /// Asks the worker to analyze `file` (now, or as soon as it is ready).
    pub fn analyze(&self, file: File) -> Result<(), String> {
        self.send(ToWorker::Analyze { file })
    }

    /// Sends a request now, or as soon as the worker is ready.
    pub fn send(&self, request: ToWorker) -> Result<(), String> {
        let mut shared = self.shared.borrow_mut();
        if shared.ready {
            post_request(&self.worker, &request)
        } else {
            shared.pending.push(request);
            Ok(())
        }
    }
}

impl Drop for AnalysisWorker {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
        // The worker is often dropped from inside its own message handler (a failure ends
        // it); freeing a closure while it runs is an error, so free them a moment later.
        if let Some(handlers) = self.handlers.take() {
            wasm_bindgen_futures::spawn_local(async move { drop(handlers) });
        }
    }
}

fn post_request(worker: &Worker, request: &ToWorker) -> Result<(), String> {
    let message = request.to_js()?;
    worker
        .post_message(&message)
        .map_err(|e| format!("Could not send a request to the analysis worker: {e:?}"))
}
