//! The DHCP section (DHCPv4 with BOOTP, DHCPv6 basics).
//!
//! One entry per message, plus transactions grouped by transaction id (`xid`) in order of first
//! appearance, with DORA completeness, timing and the servers that answered.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DhcpSection {
    pub messages: Vec<Message>,
    pub transactions: Vec<Transaction>,
    /// Messages per type name ("DISCOVER", "OFFER", ..., "BOOTP", "SOLICIT", ...).
    pub message_counts: BTreeMap<String, u64>,
    /// Every DHCP server seen (server identifier, else the sender's address).
    pub servers: Vec<String>,
    /// Messages that could not be parsed completely.
    pub malformed: u64,
    /// Notable findings, e.g. more than one server answering one transaction.
    pub warnings: Vec<String>,
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
    /// "0x" + 8 hex digits (DHCPv4) or 6 hex digits (DHCPv6).
    pub xid: String,
    /// "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM", ... ; "BOOTP"
    /// without option 53; DHCPv6: "SOLICIT", "ADVERTISE", "REQUEST", "REPLY", ...
    pub message_type: Option<String>,
    /// BOOTP op: 1 request, 2 reply (DHCPv4 only).
    pub op: Option<u8>,
    /// chaddr as "aa:bb:cc:dd:ee:ff" (Ethernet hardware type), else null.
    pub client_mac: Option<String>,
    pub ciaddr: Option<String>,
    pub yiaddr: Option<String>,
    pub siaddr: Option<String>,
    pub giaddr: Option<String>,
    /// Option 50.
    pub requested_ip: Option<String>,
    /// Option 54 (DHCPv6: the Server Identifier DUID).
    pub server_id: Option<String>,
    /// DHCPv6 Client Identifier DUID (hex), DHCPv4 option 61 (hex).
    pub client_id: Option<String>,
    pub src: String,
    pub src_port: u16,
    pub dst: String,
    pub dst_port: u16,
    pub options: Options,
    pub malformed: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Options {
    /// Option codes in wire order (DHCPv6: option codes as numbers too).
    pub codes: Vec<u16>,
    pub subnet_mask: Option<String>,
    pub routers: Vec<String>,
    pub dns_servers: Vec<String>,
    pub domain_name: Option<String>,
    pub hostname: Option<String>,
    /// Seconds (option 51).
    pub lease_time: Option<u32>,
    /// T1, seconds (option 58).
    pub renewal_time: Option<u32>,
    /// T2, seconds (option 59).
    pub rebinding_time: Option<u32>,
    /// Option 55.
    pub parameter_request_list: Vec<u8>,
    /// Option 56 (often the reason for a NAK).
    pub message: Option<String>,
    /// Option 60.
    pub vendor_class: Option<String>,
    /// DHCPv6 IA addresses (IA_NA / IA_TA), as text.
    pub addresses: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Transaction {
    pub xid: String,
    pub version: u8,
    pub client_mac: Option<String>,
    pub frames: Vec<u64>,
    /// Message types in order.
    pub sequence: Vec<String>,
    /// DISCOVER, OFFER, REQUEST and ACK all seen (DHCPv6: SOLICIT, ADVERTISE, REQUEST, REPLY).
    pub dora_complete: bool,
    pub first_time: f64,
    pub last_time: f64,
    pub duration_s: f64,
    /// Servers that answered (server identifier, else sender address).
    pub servers: Vec<String>,
    /// More than one server answered this transaction (e.g. a rogue DHCP server).
    pub multiple_servers: bool,
    /// yiaddr of the last OFFER.
    pub offered_ip: Option<String>,
    /// yiaddr of the ACK.
    pub assigned_ip: Option<String>,
    /// "ack", "nak", or null when the transaction has no final answer.
    pub result: Option<String>,
}
