//! The DHCP section (DHCPv4, DHCPv6 basics).

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DhcpSection {
    pub messages: Vec<Message>,
    pub transactions: Vec<Transaction>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Message {
    pub frame: u64,
    pub xid: String,
    pub message_type: Option<String>,
    pub client_mac: Option<String>,
    pub yiaddr: Option<String>,
    pub server_id: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Transaction {
    pub xid: String,
    pub frames: Vec<u64>,
    pub dora_complete: bool,
}
