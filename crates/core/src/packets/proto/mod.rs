//! One module per protocol: its field table (`FIELDS`, Wireshark's `hf_register_info`) and its
//! dissector, which adds items to a [`Dissection`](super::Dissection) and sets the columns.

pub mod app;
pub mod dhcp;
pub mod dns;
pub mod eth;
pub mod frame;
pub mod http;
pub mod icmp;
pub mod igmp;
pub mod ip;
pub mod sip;
pub mod tcp;
pub mod tls;
pub mod udp;

use super::field::FieldDef;

/// Every protocol's field table (see [`super::registry`]).
pub static TABLES: &[&[&FieldDef]] = &[
    frame::FIELDS,
    frame::COLUMN_FIELDS,
    eth::FIELDS,
    ip::FIELDS_ARP,
    ip::FIELDS,
    ip::FIELDS_V6,
    icmp::FIELDS,
    icmp::FIELDS_V6,
    igmp::FIELDS,
    tcp::FIELDS,
    udp::FIELDS,
    udp::FIELDS_DATA,
    dns::FIELDS,
    dhcp::FIELDS,
    tls::FIELDS,
    sip::FIELDS,
    sip::SDP_FIELDS,
    http::FIELDS,
];
