//! The DNS section (DNS over UDP/TCP, mDNS, LLMNR).
//!
//! `messages` lists every DNS message in frame order (capped at `MAX_MESSAGES` in the analyzer;
//! the rest only count). Query/response matching follows Wireshark's `dns.response_in` /
//! `dns.response_to`: same conversation (addresses, ports, transport) and id; a query repeated
//! within 5 s before any response is a retransmission and does not start a new transaction.
//! DNS headers quoted inside ICMP errors are not messages here (they appear in `icmp.messages[].quoted`);
//! Wireshark's DNS statistics leave them out too.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DnsSection {
    pub messages: Vec<Message>,
    /// Messages with the QR bit clear.
    pub queries: u64,
    /// Messages with the QR bit set.
    pub responses: u64,
    /// Queries with no `response_in` (retransmitted queries included, as tshark's field shows).
    pub unanswered: u64,
    /// Queries repeated within 5 s of an unanswered one with the same id (Wireshark's rule).
    pub retransmitted_queries: u64,
    /// Responses to a transaction that already had one.
    pub retransmitted_responses: u64,
    /// Messages that could not be parsed completely.
    pub malformed: u64,
    /// Responses per RCODE name (header RCODE, as `dns.flags.rcode`).
    pub rcodes: BTreeMap<String, u64>,
    /// Queries per QTYPE name (every question).
    pub qtypes: BTreeMap<String, u64>,
    /// Query → response time of matched responses.
    pub latency: Option<LatencyStats>,
    /// Messages counted but not listed because `messages` reached its cap.
    pub messages_omitted: u64,
}

/// Min / mean / max of a set of delays, in milliseconds.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencyStats {
    pub count: u64,
    pub min_ms: f64,
    pub mean_ms: f64,
    pub max_ms: f64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub frame: u64,
    /// Epoch seconds.
    pub time: f64,
    pub id: u16,
    pub response: bool,
    /// "QUERY", "NOTIFY", "UPDATE", ...
    pub opcode: String,
    /// First question's name ("<Root>" for the root), null without questions.
    pub qname: Option<String>,
    /// First question's type ("A", "AAAA", ..., "TYPE999").
    pub qtype: Option<String>,
    pub qclass: Option<String>,
    /// Questions after the first (mDNS often asks several).
    pub more_questions: Vec<Question>,
    /// Header RCODE name, on queries too (tshark shows `dns.flags.rcode` for both).
    pub rcode: Option<String>,
    /// The full 12-bit RCODE name when EDNS0 extends it (e.g. "BADVERS"), else null.
    pub extended_rcode: Option<String>,
    pub flags: Flags,
    /// Header counts as sent.
    pub counts: Counts,
    pub answers: Vec<Answer>,
    pub authorities: Vec<Answer>,
    /// Additional records except OPT (see `edns`).
    pub additionals: Vec<Answer>,
    pub edns: Option<Edns>,
    /// "udp" | "tcp"
    pub transport: String,
    /// "dns" | "mdns" | "llmnr"
    pub protocol: String,
    pub src: String,
    pub src_port: u16,
    pub dst: String,
    pub dst_port: u16,
    /// On a response: the query frame it answers (`dns.response_to`).
    pub response_to: Option<u64>,
    /// On a query: the frame of its response (`dns.response_in`).
    pub response_in: Option<u64>,
    /// On a matched response: time since the query (`dns.time`), milliseconds.
    pub latency_ms: Option<f64>,
    /// Wireshark's `dns.retransmission`.
    pub retransmission: bool,
    /// Why parsing stopped early ("compression pointer loop at byte 40", ...), else null.
    pub malformed: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub name: String,
    pub qtype: String,
    pub qclass: String,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flags {
    pub authoritative: bool,
    pub truncated: bool,
    pub recursion_desired: bool,
    pub recursion_available: bool,
    pub authenticated_data: bool,
    pub checking_disabled: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub questions: u16,
    pub answers: u16,
    pub authorities: u16,
    pub additionals: u16,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub name: String,
    /// "A", "CNAME", ..., "TYPE999".
    pub rtype: String,
    pub class: String,
    pub ttl: u32,
    /// The main value as Wireshark shows it: address, target name, TXT text, "<N bytes>" for
    /// types not decoded.
    pub data: String,
    /// Other fields: "preference 10", "priority 0 weight 5 port 5060", SOA timers, SVCB params.
    pub extra: Option<String>,
}

/// EDNS0 (OPT record).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edns {
    pub udp_payload_size: u16,
    pub version: u8,
    /// DNSSEC OK.
    pub do_bit: bool,
}
