//! The TCP section: one record per Wireshark `tcp.stream`, plus every flagged frame.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TcpSection {
    pub summary: Summary,
    pub connections: Vec<Connection>,
    pub issues: Vec<Issue>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub total_connections: u64,
    pub successful_handshakes: u64,
    pub failed_handshakes: u64,
    pub reset_connections: u64,
    pub normal_close: u64,
    pub active_connections: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    pub stream: u64,
    pub client: String,
    pub server: String,
    pub first_frame: u64,
    pub last_frame: u64,
    pub first_time: f64,
    pub last_time: f64,
    pub packets: u64,
    pub bytes: u64,
    pub payload_bytes: u64,
    pub handshake_completed: bool,
    /// "rst" | "fin" | "half_fin" | "open"
    pub close: String,
    pub rst_from: Option<String>,
    pub fin_from: Option<String>,
    pub conn_state: String,
    pub history: String,
    pub completeness: u8,
    pub irtt_s: Option<f64>,
    pub client_options: Option<SynOptions>,
    pub server_options: Option<SynOptions>,
    pub analysis: AnalysisCounts,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SynOptions {
    pub mss: Option<u16>,
    pub wscale: Option<u8>,
    pub sack_perm: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalysisCounts {
    pub retransmission: u64,
    pub fast_retransmission: u64,
    pub spurious_retransmission: u64,
    pub duplicate_ack: u64,
    pub zero_window: u64,
    pub zero_window_probe: u64,
    pub zero_window_probe_ack: u64,
    pub out_of_order: u64,
    pub lost_segment: u64,
    pub ack_lost_segment: u64,
    pub keep_alive: u64,
    pub keep_alive_ack: u64,
    pub window_update: u64,
    pub window_full: u64,
    pub reused_ports: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    pub frame: u64,
    pub stream: u64,
    /// The tcp.analysis.* name, e.g. "duplicate_ack".
    pub kind: String,
    pub message: String,
}
