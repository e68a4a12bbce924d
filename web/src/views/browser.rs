//! Components (wasm32 only).
