//! The ICMP / ICMPv6 section.
//!
//! Echo requests and replies are paired as Wireshark's `icmp.resp_in` / `icmp.resp_to`: same
//! address pair, identifier, sequence number and payload (Wireshark keys on the checksum); a
//! repeated request replaces the previous one, and a reply pairs with the latest request only
//! once. ICMP carried in IP fragments is reported at the last fragment, as Wireshark does.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::dns::LatencyStats;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IcmpSection {
    pub messages: Vec<Message>,
    pub echo_requests: u64,
    pub echo_replies: u64,
    /// Echo requests without a reply.
    pub unanswered: u64,
    /// Messages per "v4:type/code" / "v6:type/code".
    pub type_codes: BTreeMap<String, u64>,
    pub destination_unreachable: u64,
    pub time_exceeded: u64,
    /// Echo round-trip times.
    pub rtt: Option<LatencyStats>,
    /// Messages that were too short to read.
    pub malformed: u64,
    /// Messages counted but not listed because `messages` reached its cap.
    pub messages_omitted: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub frame: u64,
    /// Epoch seconds.
    pub time: f64,
    /// 4 or 6.
    pub version: u8,
    #[serde(rename = "type")]
    pub icmp_type: u8,
    pub code: u8,
    /// "Echo (ping) request", "Destination unreachable", "Neighbor Solicitation", ...
    pub type_name: String,
    /// "Port unreachable", ... ; null when the type has no named codes.
    pub code_name: Option<String>,
    pub src: String,
    pub dst: String,
    /// Identifier (echo, timestamp, information, address mask).
    pub id: Option<u16>,
    pub seq: Option<u16>,
    /// On a request: the frame of its reply (`icmp.resp_in`).
    pub reply_frame: Option<u64>,
    /// On a reply: the frame of its request (`icmp.resp_to`).
    pub request_frame: Option<u64>,
    /// On a matched reply: request → reply time, milliseconds.
    pub rtt_ms: Option<f64>,
    /// Errors: the 5-tuple of the original packet quoted in the message.
    pub quoted: Option<Quoted>,
    /// Next-hop MTU (fragmentation needed / packet too big).
    pub mtu: Option<u32>,
    /// Redirect gateway (ICMPv4) or target (ICMPv6).
    pub gateway: Option<String>,
    /// Neighbour discovery details (NS, NA, RS, RA, Redirect).
    pub nd: Option<NeighborDiscovery>,
    /// MLD (130-132): the multicast address.
    pub multicast_address: Option<String>,
    /// MLDv2 report (143): the number of multicast address records.
    pub mld_records: Option<u16>,
    /// The frame of the first fragment when the message was reassembled from IP fragments.
    pub reassembled_from: Option<u64>,
}

/// The original datagram quoted in an ICMP error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quoted {
    /// "udp", "tcp", "icmp", "icmpv6" or the protocol number.
    pub protocol: String,
    pub src: String,
    pub dst: String,
    pub src_port: Option<u16>,
    pub dst_port: Option<u16>,
    /// A quoted ICMP message's type, identifier and sequence (e.g. the echo request that failed).
    pub icmp_type: Option<u8>,
    pub id: Option<u16>,
    pub seq: Option<u16>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NeighborDiscovery {
    /// NS / NA / Redirect target address.
    pub target: Option<String>,
    pub source_link_addr: Option<String>,
    pub target_link_addr: Option<String>,
    /// NA flags.
    pub router: Option<bool>,
    pub solicited: Option<bool>,
    pub override_flag: Option<bool>,
    /// RA fields.
    pub cur_hop_limit: Option<u8>,
    pub managed: Option<bool>,
    pub other_config: Option<bool>,
    pub router_lifetime_s: Option<u16>,
    pub mtu: Option<u32>,
    pub prefixes: Vec<Prefix>,
    /// RDNSS addresses (RFC 8106).
    pub dns_servers: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Prefix {
    /// "2001:db8::/64".
    pub prefix: String,
    pub on_link: bool,
    pub autonomous: bool,
    pub valid_lifetime_s: u32,
    pub preferred_lifetime_s: u32,
}
