//! pcaplens-render: turns a [`Report`](pcaplens_core::Report) into what people read.
//!
//! - [`expert::groups`]: Expert Info groups (severity, frames, explanation, display filter);
//! - [`keypackets::key_packets`]: the packets worth pointing at (handshakes, hellos, first
//!   anomalies, DNS/DHCP exchanges), with frame numbers as Wireshark shows them;
//! - [`report_md::markdown`]: the report a student hands in, in English or Spanish;
//! - [`csv::connections`] / [`csv::issues`] / [`csv::dns`]: spreadsheets (RFC 4180);
//! - [`text::summary`]: a few plain-text lines for the command line;
//! - [`export::Export`]: each download with its contents, file name and MIME type;
//! - [`i18n`]: `Lang` and the string table every front end uses for its labels.
//!
//! Pure functions of the Report: no I/O, no clock, no threads, no dependencies beyond the core.
//! Builds for wasm32 unchanged. Every capture-derived string is escaped by [`escape`] before it
//! is placed in Markdown, CSV or terminal text.
#![forbid(unsafe_code)]

pub mod bundle;
pub mod csv;
pub mod escape;
pub mod expert;
pub mod export;
pub mod figures;
pub mod i18n;
pub mod keypackets;
pub mod names;
pub mod report_md;
pub mod text;
pub mod units;

#[cfg(test)]
mod testdata;

pub use expert::{ExpertGroup, ExpertItem, Severity};
pub use export::Export;
pub use i18n::{t, Key, Lang};
pub use keypackets::KeyPacket;
