//! Flows: conversations per IP pair and per UDP 4-tuple, and top talkers.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FlowsSection {
    pub ip_conversations: Vec<Conversation>,
    pub udp_conversations: Vec<Conversation>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Conversation {
    pub a: String,
    pub b: String,
    pub packets_a_to_b: u64,
    pub bytes_a_to_b: u64,
    pub packets_b_to_a: u64,
    pub bytes_b_to_a: u64,
    pub first_time: f64,
    pub last_time: f64,
}
