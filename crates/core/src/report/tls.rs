//! The TLS section: one handshake entry per TCP stream carrying TLS.
//!
//! Lists are in wire order with GREASE values included, as tshark shows them; cipher suites,
//! versions, groups and signature algorithms are `"0x%04x"` strings, extension types numbers
//! (as tshark's `tls.handshake.extension.type`). The fingerprints drop GREASE per their recipes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TlsSection {
    /// In `stream` order.
    pub handshakes: Vec<Handshake>,
    /// ClientHello / ServerHello messages seen (all streams, HelloRetryRequests included).
    pub client_hellos: u64,
    pub server_hellos: u64,
    /// Every SNI host name seen (of the first ClientHello of each stream), sorted, without
    /// duplicates (at most 10 000).
    pub snis: Vec<String>,
    /// TLS streams analysed (counted in the totals) but not listed in `handshakes` because the
    /// list reached its cap (20 000).
    pub handshakes_not_listed: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Handshake {
    /// Wireshark's `tcp.stream`.
    pub stream: u64,
    /// "ip:port" of the TCP client and server (IPv6 as "[addr]:port").
    pub client: String,
    pub server: String,

    // ---- ClientHello (the first one of the stream)
    /// Frame where the ClientHello message completed (the last segment of a reassembled one).
    pub client_hello_frame: Option<u64>,
    pub sni: Option<String>,
    pub legacy_version: Option<String>,
    pub supported_versions: Vec<String>,
    pub alpn: Vec<String>,
    pub cipher_suites: Vec<String>,
    /// Cipher specs of an SSLv2-format ClientHello ("0x010080", 3 bytes each; tshark's
    /// `tls.handshake.cipherspec`); such a hello has no cipher suites, extensions or
    /// fingerprints. Empty for TLS ClientHellos.
    #[serde(default)]
    pub sslv2_cipher_specs: Vec<String>,
    pub ja3: Option<String>,
    /// The JA3 input string (tshark's `tls.handshake.ja3_full`).
    pub ja3_string: Option<String>,
    pub ja4: Option<String>,
    pub ja4_r: Option<String>,
    pub extensions: Vec<u16>,
    pub supported_groups: Vec<String>,
    pub signature_algorithms: Vec<String>,
    pub ec_point_formats: Vec<u8>,
    pub key_share_groups: Vec<String>,
    pub session_id_length: Option<u8>,
    /// The client used GREASE values (RFC 8701).
    pub grease: bool,
    /// The ClientHello carried encrypted_client_hello (0xfe0d); may be GREASE ECH.
    pub ech: bool,
    /// A session ticket was presented (non-empty session_ticket extension).
    pub session_ticket_offered: bool,
    /// A TLS 1.3 pre_shared_key was offered.
    pub psk_offered: bool,

    // ---- ServerHello (the first one that is not a HelloRetryRequest)
    pub server_hello_frame: Option<u64>,
    /// supported_versions of the ServerHello when present, else its legacy version.
    pub selected_version: Option<String>,
    pub server_legacy_version: Option<String>,
    pub cipher: Option<String>,
    /// ALPN chosen in the ServerHello (TLS ≤ 1.2; 1.3 moves it into encrypted extensions).
    pub server_alpn: Option<String>,
    pub server_extensions: Vec<u16>,
    pub ja3s: Option<String>,
    pub ja3s_string: Option<String>,
    pub ja4s: Option<String>,
    pub ja4s_r: Option<String>,
    pub hello_retry_request: Option<HelloRetryRequest>,
    /// How the session was resumed: "session_id", "session_ticket" (TLS ≤ 1.2 abbreviated
    /// handshake) or "psk" (TLS 1.3); null for a full handshake or when unknown.
    pub resumed: Option<String>,
    /// Frames of every ClientHello / ServerHello (a HelloRetryRequest flow has two of each).
    pub client_hello_frames: Vec<u64>,
    pub server_hello_frames: Vec<u64>,

    // ---- Records
    /// Complete records of each type, both directions (tshark's `tls.record.content_type`
    /// counting; TLS 1.3 encrypted records count as application data).
    pub records: RecordCounts,
    pub client_records: RecordCounts,
    pub server_records: RecordCounts,
    /// Record payload bytes by type and direction.
    pub client_record_bytes: RecordCounts,
    pub server_record_bytes: RecordCounts,
    /// Plaintext handshake messages seen, by tshark's name ("client_hello", "certificate", ...).
    pub handshake_messages: BTreeMap<String, u64>,
    pub alerts: Vec<Alert>,
    /// The plaintext protocol that switched to TLS on this stream ("smtp", "imap", "pop3",
    /// "ftp", "xmpp", "ldap", "pgsql", or "http" for a proxy CONNECT); null when the stream was
    /// TLS from its start.
    #[serde(default)]
    pub starttls: Option<String>,
    /// Bytes of this stream the capture lost (holes crossed by the reassembler).
    pub lost_bytes: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordCounts {
    pub handshake: u64,
    pub change_cipher_spec: u64,
    pub application_data: u64,
    pub alert: u64,
    pub heartbeat: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub frame: u64,
    /// 1 warning, 2 fatal; null when the alert is encrypted.
    pub level: Option<u8>,
    pub description: Option<u8>,
    pub level_name: Option<String>,
    pub description_name: Option<String>,
    /// "client" or "server".
    pub from: String,
    /// Sent after ChangeCipherSpec (TLS ≤ 1.2): contents not visible.
    pub encrypted: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HelloRetryRequest {
    pub frame: u64,
    pub cipher: String,
    /// The key_share group the server asked for.
    pub selected_group: Option<String>,
}
