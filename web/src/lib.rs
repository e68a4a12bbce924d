//! pcaplens in the browser: a Leptos (client-side rendered) page and a Web Worker that runs
//! `pcaplens_core` on the chosen file.
//!
//! - [`protocol`]: the page ⇄ worker messages; [`format`]: numbers for people (both plain
//!   Rust, tested natively).
//! - `worker`: the worker's side (streams the `File` through `Analysis`); `client`: the page's
//!   side (starts the worker, queues a request until it is ready).
//! - `state`: signals in context plus the actions (open, cancel); `app`: the shell;
//!   `components`: its small pieces; `views`: one module per report tab.
//!
//! Everything touching the browser only exists on wasm32, so native builds stay small.

pub mod colors;
pub mod format;
pub mod protocol;
pub mod route;

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod client;
#[cfg(target_arch = "wasm32")]
pub mod components;
#[cfg(target_arch = "wasm32")]
pub mod demo;
#[cfg(target_arch = "wasm32")]
pub mod state;
// Its plain-Rust helpers are tested natively; its components are wasm32-only inside it.
pub mod views;
#[cfg(target_arch = "wasm32")]
pub mod worker;

/// The page binary's `main`: replace the loading note with the app.
#[cfg(target_arch = "wasm32")]
pub fn start_app() {
    console_error_panic_hook::set_once();
    if let Some(boot) = leptos::prelude::document().get_element_by_id("boot") {
        boot.remove();
    }
    leptos::mount::mount_to_body(app::App);
}
