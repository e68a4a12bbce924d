//! The DNS section (DNS over UDP/TCP, mDNS, LLMNR).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DnsSection {
    pub messages: Vec<Message>,
    pub queries: u64,
    pub responses: u64,
    pub unanswered: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub frame: u64,
    pub id: u16,
    pub response: bool,
    pub qname: Option<String>,
    pub qtype: Option<String>,
    pub rcode: Option<String>,
    pub answers: Vec<Answer>,
    pub transport: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub name: String,
    pub rtype: String,
    pub ttl: u32,
    pub data: String,
}
