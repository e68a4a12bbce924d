//! The ICMP / ICMPv6 section.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IcmpSection {
    pub messages: Vec<Message>,
    pub echo_requests: u64,
    pub echo_replies: u64,
    pub unanswered: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub frame: u64,
    pub version: u8,
    #[serde(rename = "type")]
    pub icmp_type: u8,
    pub code: u8,
    pub id: Option<u16>,
    pub seq: Option<u16>,
    pub reply_frame: Option<u64>,
}
