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
        // Serializing these types cannot fail (string keys, no custom serializers).
        self.to_json_capped(usize::MAX)
            .unwrap_or_else(|| "{\"error\":\"the report could not be serialized\"}\n".into())
    }

    /// [`to_json`](Report::to_json), or `None` when the text would exceed `max_bytes`: it stops
    /// writing there, so asking costs no more than `max_bytes` of memory. The browser needs this:
    /// the report crosses from the worker as one JavaScript string, and V8 caps those at
    /// 2^29 - 24 characters (a million connections make about 2.3 GB of JSON).
    pub fn to_json_capped(&self, max_bytes: usize) -> Option<String> {
        struct Capped {
            bytes: Vec<u8>,
            max: usize,
        }
        impl std::io::Write for Capped {
            fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
                if self.bytes.len() + buf.len() > self.max {
                    return Err(std::io::Error::other("report too large"));
                }
                self.bytes.extend_from_slice(buf);
                Ok(buf.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let mut out = Capped {
            bytes: Vec::new(),
            max: max_bytes,
        };
        self.write_json(&mut out).ok()?;
        String::from_utf8(out.bytes).ok()
    }

    /// Writes exactly the text of [`to_json`](Report::to_json) to `out`, without building it
    /// in memory first (the CLI streams large reports this way).
    pub fn write_json<W: std::io::Write>(&self, mut out: W) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut out, self)?;
        out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report_with_connections(n: u64) -> Report {
        let mut r = Report::default();
        r.tcp.connections = (0..n)
            .map(|stream| tcp::Connection {
                stream,
                client: "10.0.0.1:40000".into(),
                server: "10.0.0.2:443".into(),
                close: tcp::Word::Borrowed("rst"),
                ..tcp::Connection::default()
            })
            .collect();
        r
    }

    #[test]
    fn written_json_is_the_canonical_text() {
        let r = report_with_connections(3);
        let mut written = Vec::new();
        r.write_json(&mut written).unwrap();
        let expected = serde_json::to_string_pretty(&r).unwrap() + "\n";
        assert_eq!(String::from_utf8(written).unwrap(), expected);
        assert_eq!(r.to_json(), expected);
    }

    #[test]
    fn capped_json_stops_at_the_cap() {
        let r = report_with_connections(50);
        let full = r.to_json();
        assert_eq!(r.to_json_capped(full.len()).as_deref(), Some(full.as_str()));
        assert_eq!(r.to_json_capped(full.len() - 1), None);
        assert_eq!(r.to_json_capped(100), None);
    }
}
