//! The page (Trunk's main `rel="rust"` link).
fn main() {
    #[cfg(target_arch = "wasm32")]
    pcaplens_web::start_app();
}
