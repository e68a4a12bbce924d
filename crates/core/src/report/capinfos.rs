//! The capinfos section: file-level facts, equal to Wireshark's `capinfos`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Capinfos {
    /// "pcap" | "pcapng" (the inner format of a .gz file).
    pub format: Option<String>,
    /// Wireshark's file type name: "pcap", "nsecpcap", "pcapng", or an old pcap variant
    /// ("modpcap", "nokiapcap", ...).
    pub file_type: Option<String>,
    /// The file was gzip-compressed.
    pub compressed: bool,
    /// Packets read (capinfos' "Number of packets").
    pub packets: u64,
    /// Frame numbers used, as tshark counts frames read: `packets` plus pcapng records Wireshark
    /// numbers as frames although they are not packets (custom, systemd journal, sysdig blocks).
    pub frames: u64,
    /// Sum of captured lengths.
    pub data_bytes: u64,
    /// Sum of lengths on the wire (what capinfos calls "Data size").
    pub wire_bytes: u64,
    /// Earliest packet time (capinfos reports the minimum, not the first record's time).
    /// Null when no packet has a timestamp, or some packet has none (pcapng simple packets).
    pub first_time: Option<f64>,
    /// Latest packet time.
    pub last_time: Option<f64>,
    pub duration_s: Option<f64>,
    /// `first_time` exactly, as capinfos prints it ("1795313132.211536827"): seconds and the
    /// fraction in the digits of that packet's time precision.
    pub first_time_exact: Option<String>,
    pub last_time_exact: Option<String>,
    pub duration_exact: Option<String>,
    /// capinfos' "Strict time order": no packet earlier than the one before it. Null ("Unknown")
    /// when a packet without a timestamp came before any disorder.
    pub time_ordered: Option<bool>,
    /// Link-type names in use, e.g. ["ETHERNET"], in order of first appearance.
    pub link_types: Vec<String>,
    /// The file's link type ("ETHERNET"...), "PER_PACKET" when interfaces differ, null when the
    /// file has no interface (capinfos' "File encapsulation").
    pub encapsulation: Option<String>,
    /// "us" | "ns" (pcapng: of the first interface).
    pub time_precision: Option<String>,
    /// The file's precision as capinfos reports it: like `time_precision`, but "per-packet"
    /// when interfaces differ.
    pub file_time_precision: Option<String>,
    /// The pcap file header's snapshot length (pcapng files have none).
    pub snaplen: Option<u32>,
    /// Smallest and largest captured length among packets cut short (capinfos' "inferred"
    /// packet size limit), null when no packet was cut.
    pub inferred_snaplen: Option<[u32; 2]>,
    /// Packets whose captured length is below their length on the wire.
    pub cut_packets: u64,
    pub interfaces: Vec<Interface>,
    /// pcapng sections.
    pub sections: u32,
    /// File comments (pcapng SHB of the first section).
    pub comments: Vec<String>,
    pub capture_hardware: Option<String>,
    pub capture_os: Option<String>,
    pub capture_application: Option<String>,
    /// Packet comments (pcapng opt_comment), in frame order; at most `MAX_PACKET_COMMENTS`.
    pub packet_comments: Vec<PacketComment>,
    /// Packet comments beyond the cap.
    pub packet_comments_dropped: u64,
    /// Frames whose decoding stopped early, by reason.
    pub decode_problems: DecodeProblems,
    /// Frames of a link type or encapsulation pcaplens does not decode (or not all the way:
    /// encrypted 802.11 data, a GRE protocol it does not follow...), per kind, in order of first
    /// appearance. Each kind is also a line of `warnings`.
    #[serde(default)]
    pub not_decoded: Vec<NotDecodedCount>,
    /// The file ended mid-record or a record/block was corrupt (see `warnings`).
    pub truncated: bool,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Interface {
    pub name: Option<String>,
    pub description: Option<String>,
    pub link_type: String,
    /// Snapshot length (0 = not set).
    pub snaplen: u32,
    /// "s" | "ms" | "us" | "ns" ...
    pub time_precision: String,
    pub ticks_per_second: u64,
    /// The if_tsresol byte, when the file gives one.
    pub tsresol: Option<u8>,
    /// if_tsoffset in seconds.
    pub ts_offset: i64,
    /// if_os.
    pub os: Option<String>,
    /// if_filter.
    pub filter: Option<String>,
    /// pcapng section (0-based).
    pub section: u32,
    /// Packets captured on this interface.
    pub packets: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PacketComment {
    pub frame: u64,
    pub comment: String,
}

/// Frames of one kind the decoder does not take apart.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotDecodedCount {
    /// What is not decoded, e.g. "GRE protocol 0x88be", "802.11 protected (encrypted) data",
    /// "link type IEEE802_11_PRISM (119)".
    pub what: String,
    pub frames: u64,
    pub first_frame: u64,
}

/// Counts of frames the decoder could not take apart completely.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecodeProblems {
    /// Link type not decoded: counted, not analysed.
    pub unknown_link_type: u64,
    /// The link-layer header is cut short.
    pub link_truncated: u64,
    /// The IP header is cut short or invalid.
    pub bad_ip: u64,
    /// The transport header is cut short or invalid.
    pub bad_transport: u64,
}

impl DecodeProblems {
    pub fn total(&self) -> u64 {
        self.unknown_link_type + self.link_truncated + self.bad_ip + self.bad_transport
    }
}
