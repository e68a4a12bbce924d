//! The capinfos section: file-level facts, equal to Wireshark's `capinfos`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Capinfos {
    /// "pcap" | "pcapng" (the inner format of a .gz file).
    pub format: Option<String>,
    /// The file was gzip-compressed.
    pub compressed: bool,
    pub packets: u64,
    /// Sum of captured lengths.
    pub data_bytes: u64,
    /// Sum of lengths on the wire.
    pub wire_bytes: u64,
    pub first_time: Option<f64>,
    pub last_time: Option<f64>,
    pub duration_s: Option<f64>,
    /// Link-type names in use, e.g. ["ETHERNET"].
    pub link_types: Vec<String>,
    /// "us" | "ns" (pcapng: of the first interface).
    pub time_precision: Option<String>,
    pub interfaces: Vec<Interface>,
    /// File comments (pcapng SHB).
    pub comments: Vec<String>,
    pub truncated: bool,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Interface {
    pub name: Option<String>,
    pub description: Option<String>,
    pub link_type: String,
    pub snaplen: u32,
    pub time_precision: String,
}
