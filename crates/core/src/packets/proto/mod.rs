//! One module per protocol: its field table (`FIELDS`, Wireshark's `hf_register_info`) and its
//! dissector, which adds items to a [`Dissection`](super::Dissection) and sets the columns.

pub mod app;
pub mod frame;

use super::field::FieldDef;

/// Every protocol's field table (see [`super::registry`]).
pub static TABLES: &[&[&FieldDef]] = &[frame::FIELDS];
