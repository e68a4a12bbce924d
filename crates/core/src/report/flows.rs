//! Flows: conversations per IP pair and per UDP 4-tuple (as `tshark -z conv,ip|ipv6|udp`), top
//! talkers, frames per protocol and IP fragment reassembly statistics.
//!
//! A conversation's `a` is the source of its first frame. Bytes are frame lengths on the wire.
//! Lists are ordered as tshark prints them: most frames first, then first appearance.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FlowsSection {
    /// IPv4 and IPv6 address pairs (`ip_version` tells which).
    pub ip_conversations: Vec<Conversation>,
    /// UDP 4-tuples; endpoints as "ip:port" ("[v6]:port").
    pub udp_conversations: Vec<Conversation>,
    /// Addresses by bytes sent + received, largest first (top 10).
    pub top_talkers_by_bytes: Vec<Talker>,
    /// Addresses by frames sent + received, largest first (top 10).
    pub top_talkers_by_packets: Vec<Talker>,
    /// Frames per protocol ("ethernet", "linux_sll", "vlan", "arp", "ipv4", "ipv6", "tcp", "udp",
    /// "icmp", "icmpv6", "dns", "mdns", "llmnr", "dhcp", "dhcpv6", "ipv4_fragment", "ipv6_fragment"). "arp" needs the
    /// link layer to name the EtherType (Linux cooked captures do).
    pub protocol_frames: BTreeMap<String, u64>,
    pub ip_fragments: FragmentStats,
    /// Conversations not tracked because the table was full.
    pub conversations_dropped: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    pub a: String,
    pub b: String,
    /// 4 or 6.
    pub ip_version: u8,
    pub packets_a_to_b: u64,
    pub bytes_a_to_b: u64,
    pub packets_b_to_a: u64,
    pub bytes_b_to_a: u64,
    pub packets: u64,
    pub bytes: u64,
    pub first_frame: u64,
    pub first_time: f64,
    pub last_time: f64,
    pub duration_s: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Talker {
    pub address: String,
    pub packets: u64,
    pub bytes: u64,
    pub packets_sent: u64,
    pub bytes_sent: u64,
    pub packets_received: u64,
    pub bytes_received: u64,
}

/// IP fragment reassembly counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FragmentStats {
    /// Frames that were IP fragments.
    pub fragments: u64,
    /// Datagrams rebuilt (delivered at their last fragment).
    pub reassembled: u64,
    /// Datagrams still missing pieces at the end of the capture.
    pub incomplete: u64,
    /// Datagrams given up after the reassembly timeout.
    pub timed_out: u64,
    /// Fragments overlapping data already received.
    pub overlaps: u64,
    /// Overlaps carrying different bytes, or two different total lengths (evasion sign).
    pub conflicts: u64,
    /// Fragments that could not be used (cut by the snaplen, or past 65535 bytes).
    pub unusable: u64,
    /// Datagrams dropped because the reassembly table or its byte budget was full.
    pub dropped_for_memory: u64,
}
