//! The Report: the one serialized type. The UI, the JSON export and `pcaplens analyze --json`
//! all show this. Its key names are a public contract (docs/report-schema.md): never rename them.
//!
//! Only this module derives serde. Times are epoch seconds as floats, frames are 1-based
//! Wireshark frame numbers, and a missing value is `null`, never a made-up default.

pub mod capinfos;
pub mod dhcp;
pub mod dns;
pub mod flows;
pub mod icmp;
pub mod sip;
pub mod tcp;
pub mod tls;

use serde::{Deserialize, Serialize};

pub use capinfos::Capinfos;
pub use dhcp::DhcpSection;
pub use dns::DnsSection;
pub use flows::FlowsSection;
pub use icmp::IcmpSection;
pub use sip::SipSection;
pub use tcp::TcpSection;
pub use tls::TlsSection;

/// Bumped whenever a key changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

/// Everything pcaplens knows about one capture.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub schema_version: u32,
    /// "pcaplens <version>".
    pub generator: String,
    /// The file name, when the front end knows it.
    pub file_name: Option<String>,
    /// Set when the file could not be read at all (then every section is empty).
    pub error: Option<String>,
    /// mcpcap's filters, restricting the TCP section.
    pub filter: Filter,
    pub capinfos: Capinfos,
    pub tcp: TcpSection,
    pub tls: TlsSection,
    pub dns: DnsSection,
    pub dhcp: DhcpSection,
    pub icmp: IcmpSection,
    pub sip: SipSection,
    pub flows: FlowsSection,
}

/// The `server_ip` / `server_port` filters (mcpcap's), as applied.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    pub server_ip: Option<String>,
    pub server_port: Option<u16>,
}

impl Report {
    /// The canonical JSON text (pretty, stable key order). The CLI prints exactly this and the
    /// browser downloads exactly this.
    pub fn to_json(&self) -> String {
        let mut s =
            serde_json::to_string_pretty(self).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"));
        s.push('\n');
        s
    }
}
