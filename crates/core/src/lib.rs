//! pcaplens core: turns the bytes of a capture file into one [`Report`].
//!
//! Data flows one way: bytes → [`capture`] (frames) → [`decode`] (layered packet views) →
//! [`analyze`] (one analyzer per protocol, fed by a single packet loop) → [`report`].
//!
//! The crate does no I/O, reads no clock and starts no threads: the CLI and the browser worker
//! feed it chunks of the file and get the same `Report`.
#![forbid(unsafe_code)]

pub mod analyze;
pub mod capture;
pub mod decode;
pub mod filter;
pub mod packets;
pub mod report;

pub use analyze::{Analysis, Config, Progress};
pub use report::Report;

/// Analyzes a whole capture held in memory (tests, small files). Large inputs should be fed in
/// chunks through [`Analysis`] instead.
pub fn analyze_bytes(bytes: &[u8], config: &Config) -> Report {
    let mut analysis = Analysis::new(config.clone());
    analysis.feed(bytes);
    analysis.finish()
}
