//! The analysis Web Worker (Trunk's `data-type="worker"` link).
fn main() {
    #[cfg(target_arch = "wasm32")]
    pcaplens_web::worker::start();
}
