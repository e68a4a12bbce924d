//! One module per protocol: its field table (`FIELDS`, Wireshark's `hf_register_info`) and its
//! dissector, which adds items to a [`Dissection`](super::Dissection) and sets the columns.

pub mod app;
pub mod dhcp;
pub mod dns;
pub mod frame;
pub mod http;
pub mod sip;
pub mod tls;

use super::field::FieldDef;

/// Every protocol's field table (see [`super::registry`]).
pub static TABLES: &[&[&FieldDef]] = &[
    frame::FIELDS,
    dns::FIELDS,
    dhcp::FIELDS,
    tls::FIELDS,
    sip::FIELDS,
    sip::SDP_FIELDS,
    http::FIELDS,
];
