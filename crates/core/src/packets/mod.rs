//! The packet engine: Wireshark's packet list, display filters, Protocol/Info columns and
//! packet details, for any frame of a capture.
//!
//! - [`field`]: field definitions ([`FieldDef`], Wireshark's `hf_` entries) and values.
//! - [`registry`]: every protocol's field table, looked up by name.
//! - [`tree`]: one frame's [`Dissection`] (flat items with depths, data sources, columns).
//! - `proto/`: one dissector and field table per protocol.
//! - [`engine`]: [`Engine`] runs the reader, the decoder and the TCP engine exactly as the
//!   analysis does (so `tcp.stream` and `tcp.analysis.*` agree with the Report) and dissects
//!   each frame into a [`Dissection`].
//!
//! Two passes, as `tshark -2` and the Wireshark window: fields that point forward
//! (`dns.response_in`, `icmp.resp_in`) are learned in a first pass over the file and kept in
//! sparse [`Annotations`] (per matched message, not per packet); the second pass adds them.

pub mod engine;
pub mod field;
pub mod fuzz;
pub mod proto;
pub mod query;
pub mod registry;
pub mod tree;

pub use engine::{Annotations, Engine};
pub use field::{Base, FieldDef, FieldType, Value};
pub use tree::{DataSource, Dissection, Item, Wants};
