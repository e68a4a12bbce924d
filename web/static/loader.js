// Starts the app. A file rather than Trunk's inline loader so the CSP can forbid inline
// scripts; Trunk.toml's pattern_script passes the hashed file names as data attributes.
const me = document.querySelector('script[data-js][data-wasm]');

function showFailure(error) {
  const boot = document.getElementById('boot');
  const text = 'pcaplens could not start in this browser: ' + error +
    '. It needs a current browser with WebAssembly enabled.';
  if (boot) {
    boot.textContent = text;
    boot.setAttribute('role', 'alert');
  }
  console.error(text);
}

try {
  const { default: init } = await import(me.dataset.js);
  await init({ module_or_path: me.dataset.wasm });
} catch (error) {
  showFailure(error);
}
