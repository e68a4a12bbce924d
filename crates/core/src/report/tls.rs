//! The TLS section: one handshake record per TCP stream carrying TLS.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TlsSection {
    pub handshakes: Vec<Handshake>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Handshake {
    pub stream: u64,
    pub client_hello_frame: Option<u64>,
    pub sni: Option<String>,
    pub legacy_version: Option<String>,
    pub supported_versions: Vec<String>,
    pub alpn: Vec<String>,
    pub cipher_suites: Vec<String>,
    pub ja3: Option<String>,
    pub ja4: Option<String>,
    pub server_hello_frame: Option<u64>,
    pub selected_version: Option<String>,
    pub cipher: Option<String>,
    pub server_alpn: Option<String>,
    pub records: RecordCounts,
    pub alerts: Vec<Alert>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordCounts {
    pub handshake: u64,
    pub change_cipher_spec: u64,
    pub application_data: u64,
    pub alert: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Alert {
    pub frame: u64,
    pub level: Option<u8>,
    pub description: Option<u8>,
}
