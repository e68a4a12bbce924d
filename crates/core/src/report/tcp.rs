//! The TCP section: one record per Wireshark `tcp.stream`, every flagged frame, and mcpcap's
//! summaries (connections, retransmissions, RST distribution, traffic flow).
//!
//! Documented in docs/report-schema-tcp.md. When the `server_ip` / `server_port` filter is set,
//! everything here covers only the matching connections; stream numbers stay tshark's.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

/// Text from a fixed vocabulary ("rst", "S0", "Complete, WITH_DATA", ...). The analysis fills
/// it with `&'static str` without allocating: a million connections carry five of them. A
/// deserialized Report owns its copies.
pub type Word = Cow<'static, str>;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TcpSection {
    pub summary: Summary,
    pub connections: Vec<Connection>,
    /// Every flagged frame, one entry per analysis flag, in frame order (capped: see
    /// `issues_truncated`).
    pub issues: Vec<Issue>,
    /// True when more frames were flagged than the cap allows; the counts stay exact.
    pub issues_truncated: bool,
    /// mcpcap's `analyze_tcp_retransmissions`.
    pub retransmissions: RetransmissionSummary,
    /// mcpcap's RST distribution (from `analyze_tcp_anomalies`).
    pub rst_distribution: RstDistribution,
    /// mcpcap's `analyze_traffic_flow`, over all (matching) connections.
    pub flow: FlowSummary,
    /// Human-readable notes: caps reached, filter problems.
    pub notes: Vec<String>,
}

/// mcpcap's connection summary, with its bugs fixed (docs/report-schema-tcp.md).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Connections (Wireshark streams; a reused 4-tuple counts again).
    pub total_connections: u64,
    /// Connections whose SYN, SYN-ACK, ACK were all seen in order.
    pub successful_handshakes: u64,
    /// Connections with a SYN whose handshake did not complete (captures that start
    /// mid-connection are not failures).
    pub failed_handshakes: u64,
    /// Connections with any RST.
    pub reset_connections: u64,
    /// Connections closed by FIN from both sides, without RST.
    pub normal_close: u64,
    /// The rest: neither reset nor closed by both sides.
    pub active_connections: u64,
    /// Connections without any SYN seen (the capture started mid-connection).
    pub midstream_connections: u64,
    /// Pure SYN packets (SYN-ACKs not included).
    pub syn_packets: u64,
    pub syn_ack_packets: u64,
    /// `syn_ack_packets / syn_packets`, null without SYNs.
    pub syn_ack_ratio: Option<f64>,
    /// TCP frames in the connections summarised.
    pub tcp_packets: u64,
    /// Sum of the per-connection analysis counts.
    pub analysis: AnalysisCounts,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Connection {
    pub stream: u64,
    /// "ip:port", IPv6 as "[addr]:port".
    pub client: String,
    pub server: String,
    /// True when the client is known from a SYN (else it is the first packet's sender, or the
    /// receiver of a leading SYN-ACK).
    pub syn_seen: bool,
    pub first_frame: u64,
    pub last_frame: u64,
    pub first_time: f64,
    pub last_time: f64,
    pub duration_s: f64,
    pub packets: u64,
    /// Sum of frame lengths.
    pub bytes: u64,
    /// Sum of TCP payload lengths (`tcp.len`).
    pub payload_bytes: u64,
    pub client_to_server: DirectionStats,
    pub server_to_client: DirectionStats,
    /// SYN, SYN-ACK (from the SYN's target), ACK (from the SYN's sender), in that order.
    pub handshake_completed: bool,
    /// "rst" | "fin" | "half_fin" | "open"
    pub close: Word,
    /// "client" | "server" | "both" | null
    pub rst_from: Option<Word>,
    pub fin_from: Option<Word>,
    /// Zeek's conn_state (S0, S1, SF, REJ, RSTO, RSTR, SH, SHR, S2, S3, RSTOS0, RSTRH, OTH).
    pub conn_state: Word,
    /// Zeek's history letters (upper case: from the client).
    pub history: String,
    /// Wireshark's tcp.completeness bits (SYN=1 SYN-ACK=2 ACK=4 DATA=8 FIN=16 RST=32).
    pub completeness: u8,
    /// Wireshark's label for it, e.g. "Complete, WITH_DATA".
    pub completeness_label: Word,
    /// Wireshark's tcp.analysis.initial_rtt in seconds.
    pub irtt_s: Option<f64>,
    pub client_options: Option<SynOptions>,
    pub server_options: Option<SynOptions>,
    pub analysis: AnalysisCounts,
    /// `analysis.retransmission / packets` (mcpcap's definition).
    pub retransmission_rate: f64,
    /// `retransmission_rate` above the threshold in `retransmissions.threshold`.
    pub high_retransmission: bool,
    /// Payload bits per second over the connection's duration; null when it lasted 0 s.
    pub client_to_server_bps: Option<f64>,
    pub server_to_client_bps: Option<f64>,
}

/// One direction of a connection (or of all of them).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DirectionStats {
    pub packets: u64,
    pub bytes: u64,
    pub payload_bytes: u64,
    /// Packets carrying payload.
    pub data_packets: u64,
    /// Pure SYNs.
    pub syn: u64,
    pub syn_ack: u64,
    pub fin: u64,
    pub rst: u64,
    /// Frames flagged tcp.analysis.retransmission (including fast and spurious ones).
    pub retransmissions: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SynOptions {
    pub mss: Option<u16>,
    pub wscale: Option<u8>,
    pub sack_perm: bool,
    pub timestamps: bool,
}

/// Frames flagged per Wireshark `tcp.analysis.*` name. As in tshark, `retransmission` also
/// counts fast and spurious retransmissions.
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

impl AnalysisCounts {
    /// Adds another set of counts.
    pub fn add(&mut self, o: &AnalysisCounts) {
        self.retransmission += o.retransmission;
        self.fast_retransmission += o.fast_retransmission;
        self.spurious_retransmission += o.spurious_retransmission;
        self.duplicate_ack += o.duplicate_ack;
        self.zero_window += o.zero_window;
        self.zero_window_probe += o.zero_window_probe;
        self.zero_window_probe_ack += o.zero_window_probe_ack;
        self.out_of_order += o.out_of_order;
        self.lost_segment += o.lost_segment;
        self.ack_lost_segment += o.ack_lost_segment;
        self.keep_alive += o.keep_alive;
        self.keep_alive_ack += o.keep_alive_ack;
        self.window_update += o.window_update;
        self.window_full += o.window_full;
        self.reused_ports += o.reused_ports;
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Issue {
    pub frame: u64,
    pub stream: u64,
    /// The tcp.analysis.* name, e.g. "duplicate_ack".
    pub kind: String,
    /// Wireshark's Info-column text, e.g. "[TCP Dup ACK 57#2]".
    pub message: String,
    /// Who sent the flagged frame: "client" (the first SYN's sender) or "server".
    #[serde(default)]
    pub from: String,
    /// Retransmissions: the frame retransmitted (Wireshark's tcp.analysis.rto_frame).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_frame: Option<u64>,
    /// Retransmissions: seconds since that frame (tcp.analysis.rto).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rto_s: Option<f64>,
    /// Duplicate ACKs: the ACK duplicated (tcp.analysis.duplicate_ack_frame).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dup_ack_of: Option<u64>,
    /// Duplicate ACKs: its number (tcp.analysis.duplicate_ack_num).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dup_ack_num: Option<u64>,
}

/// mcpcap's `analyze_tcp_retransmissions`, over the summarised connections.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RetransmissionSummary {
    pub total_retransmissions: u64,
    pub total_packets: u64,
    /// `total_retransmissions / total_packets`.
    pub rate: f64,
    pub threshold: f64,
    pub exceeds_threshold: bool,
    pub connections_above_threshold: u64,
    /// Stream with the highest rate (first one on ties), null without retransmissions.
    pub worst_stream: Option<u64>,
    pub worst_rate: f64,
}

/// Where RSTs come from.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RstDistribution {
    pub total: u64,
    /// RST packets per source address, most first.
    pub by_source: Vec<RstSource>,
    /// RSTs sent by clients (towards servers) and by servers.
    pub to_server: u64,
    pub from_server: u64,
    /// Streams with at least one RST.
    pub connections_with_rst: Vec<u64>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RstSource {
    pub ip: String,
    pub count: u64,
}

/// mcpcap's traffic flow, summed over connections with each connection's own client/server.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FlowSummary {
    pub client_to_server: DirectionStats,
    pub server_to_client: DirectionStats,
    /// Client-to-server packets / server-to-client packets; null when the latter is 0.
    pub asymmetry_ratio: Option<f64>,
    /// "client_heavy" (ratio > 1.2) | "server_heavy" (< 0.8) | "balanced"
    pub data_flow_direction: String,
    /// "client" | "server" | "balanced"
    pub primary_rst_source: String,
}
