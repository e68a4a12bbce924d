// Starts the analysis worker: wasm-bindgen's no-modules glue (worker.js, built by Trunk),
// then its wasm, whose `main` installs the message handler and posts {type: "ready"}.
// A failure to start is posted as a message the page understands (Trunk's own loader shim
// would swallow it and leave the page waiting forever).
function reportFailure(error) {
  self.postMessage({ type: 'failed', message: 'The analysis engine could not start: ' + error });
}

try {
  importScripts('./worker.js');
  wasm_bindgen({ module_or_path: './worker_bg.wasm' }).catch(reportFailure);
} catch (error) {
  reportFailure(error);
}
