//! Key packets: the frames a student points at in a write-up (the SYN of each connection, TLS
//! ClientHello/ServerHello, the first of each TCP anomaly, DNS questions and answers, DHCP DORA,
//! pings, SIP requests), derived only from facts the Report states.
//!
//! Source and destination are filled only where the Report says who sent the frame (a SYN or a
//! ClientHello comes from the client, a flagged frame's `from` names its side); otherwise they
//! are `None`, never guessed.

use std::collections::BTreeMap;

use pcaplens_core::report::tcp::{Connection, Issue};
use pcaplens_core::Report;

use crate::expert::{tcp_flag, tcp_issue_detail};
use crate::i18n::Lang;
use crate::names;
use crate::units;

/// TCP streams whose handshake and first anomalies are listed.
pub const MAX_TCP_STREAMS: usize = 20;
/// TLS handshakes listed.
pub const MAX_TLS_HANDSHAKES: usize = 20;
/// DNS messages listed from the start (plus up to [`MAX_ERROR_ROWS`] later error responses).
pub const MAX_DNS_MESSAGES: usize = 20;
/// DNS error responses and ICMP errors listed beyond the first messages.
pub const MAX_ERROR_ROWS: usize = 20;
/// DHCP messages listed.
pub const MAX_DHCP_MESSAGES: usize = 20;
/// Echo requests/replies listed (plus up to [`MAX_ERROR_ROWS`] errors; other ICMP is not).
pub const MAX_ICMP_MESSAGES: usize = 10;
/// SIP messages listed.
pub const MAX_SIP_MESSAGES: usize = 20;

/// One row of the key-packets table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPacket {
    /// Wireshark's frame number.
    pub frame: u64,
    /// Wireshark's tcp.stream, for TCP/TLS rows.
    pub stream: Option<u64>,
    /// "ip:port" or "ip" when the Report says who sent it.
    pub source: Option<String>,
    pub destination: Option<String>,
    /// "TCP", "TLS", "DNS", "DHCP", "ICMP", "ICMPv6", "SIP".
    pub protocol: &'static str,
    /// Localized; contains capture-derived text (escape it when rendering).
    pub description: String,
}

/// The key packets of `report`, in frame order. A frame that is key for several reasons
/// appears once, with the descriptions joined by "; ".
pub fn key_packets(report: &Report, lang: Lang) -> Vec<KeyPacket> {
    let mut rows = Vec::new();
    tcp_rows(report, lang, &mut rows);
    tls_rows(report, lang, &mut rows);
    dns_rows(report, lang, &mut rows);
    dhcp_rows(report, lang, &mut rows);
    icmp_rows(report, lang, &mut rows);
    sip_rows(report, lang, &mut rows);
    merge_by_frame(rows)
}

fn merge_by_frame(rows: Vec<KeyPacket>) -> Vec<KeyPacket> {
    let mut by_frame: BTreeMap<u64, KeyPacket> = BTreeMap::new();
    for row in rows {
        match by_frame.get_mut(&row.frame) {
            Some(existing) => {
                if !existing.description.contains(&row.description) {
                    existing.description.push_str("; ");
                    existing.description.push_str(&row.description);
                }
                existing.source = existing.source.take().or(row.source);
                existing.destination = existing.destination.take().or(row.destination);
                existing.stream = existing.stream.or(row.stream);
                // A TLS message rides on TCP: name the higher layer, as Wireshark's column does.
                if row.protocol == "TLS" {
                    existing.protocol = "TLS";
                }
            }
            None => {
                by_frame.insert(row.frame, row);
            }
        }
    }
    by_frame.into_values().collect()
}

/// The options of a SYN as Wireshark's Info column writes them: "MSS=1460 WS=128 SACK_PERM".
pub fn syn_options_info(options: &pcaplens_core::report::tcp::SynOptions) -> String {
    let mut parts = Vec::new();
    if let Some(mss) = options.mss {
        parts.push(format!("MSS={mss}"));
    }
    if let Some(ws) = options.wscale {
        parts.push(format!("WS={}", 1u32 << ws.min(14)));
    }
    if options.sack_perm {
        parts.push("SACK_PERM".to_string());
    }
    parts.join(" ")
}

/// True when the connection's first frame is the client's SYN: Wireshark starts a stream at
/// its first packet, and Zeek's history starts with 'S' only when that packet was the
/// originator's SYN.
pub fn first_frame_is_syn(conn: &Connection) -> bool {
    conn.completeness & 1 != 0 && conn.history.starts_with('S')
}

fn tcp_rows(report: &Report, lang: Lang, rows: &mut Vec<KeyPacket>) {
    let conns: Vec<&Connection> = report
        .tcp
        .connections
        .iter()
        .take(MAX_TCP_STREAMS)
        .collect();
    for conn in &conns {
        if first_frame_is_syn(conn) {
            let mut description = lang.pick(
                format!(
                    "SYN: the client opens the connection (stream {})",
                    conn.stream
                ),
                format!("SYN: el cliente abre la conexión (stream {})", conn.stream),
            );
            if let Some(opts) = &conn.client_options {
                let info = syn_options_info(opts);
                if !info.is_empty() {
                    description.push_str(&format!(", {info}"));
                }
            }
            rows.push(KeyPacket {
                frame: conn.first_frame,
                stream: Some(conn.stream),
                source: Some(conn.client.clone()),
                destination: Some(conn.server.clone()),
                protocol: "TCP",
                description,
            });
        }
    }

    // The first frame of each anomaly per listed stream.
    let listed: Vec<u64> = conns.iter().map(|c| c.stream).collect();
    let mut first: BTreeMap<(u64, &str), (&Issue, u64)> = BTreeMap::new();
    for issue in &report.tcp.issues {
        if !listed.contains(&issue.stream) {
            continue;
        }
        let entry = first
            .entry((issue.stream, issue.kind.as_str()))
            .or_insert((issue, 0));
        if issue.frame < entry.0.frame {
            entry.0 = issue;
        }
        entry.1 += 1;
    }
    for ((stream, kind), (issue, n)) in first {
        let frame = issue.frame;
        let conn = conns.iter().find(|c| c.stream == stream);
        let zero_windows = conn.is_some_and(|c| c.analysis.zero_window > 0);
        // Window updates and keep-alive ACKs are routine; a window update matters only as the
        // end of a zero-window stall.
        if kind == "keep_alive_ack" || (kind == "window_update" && !zero_windows) {
            continue;
        }
        let title = tcp_flag(kind)
            .map(|f| f.title(lang).to_string())
            .unwrap_or_else(|| kind.replace('_', " "));
        let description = match (lang, n) {
            (Lang::En, 1) => format!("{title} (stream {stream})"),
            (Lang::En, n) => format!("{title}: first of {n} (stream {stream})"),
            (Lang::Es, 1) => format!("{title} (stream {stream})"),
            (Lang::Es, n) => format!("{title}: {} {n} (stream {stream})", first_of_es(kind)),
        };
        let description = match tcp_issue_detail(lang, issue) {
            Some(detail) => format!("{description}: {detail}"),
            None => description,
        };
        // The Report names the sender; reports from before `from` existed leave it empty.
        let (source, destination) = match (conn, issue.from.as_str()) {
            (Some(c), "client") => (Some(c.client.clone()), Some(c.server.clone())),
            (Some(c), "server") => (Some(c.server.clone()), Some(c.client.clone())),
            _ => (None, None),
        };
        rows.push(KeyPacket {
            frame,
            stream: Some(stream),
            source,
            destination,
            protocol: "TCP",
            description,
        });
    }
}

/// "el primero de" / "la primera de", by the grammatical gender of the Spanish title.
fn first_of_es(kind: &str) -> &'static str {
    match kind {
        "duplicate_ack"
        | "lost_segment"
        | "ack_lost_segment"
        | "out_of_order"
        | "keep_alive"
        | "zero_window_probe_ack"
        | "reused_ports" => "el primero de",
        _ => "la primera de",
    }
}

fn tls_rows(report: &Report, lang: Lang, rows: &mut Vec<KeyPacket>) {
    for hs in report.tls.handshakes.iter().take(MAX_TLS_HANDSHAKES) {
        let conn = report
            .tcp
            .connections
            .iter()
            .find(|c| c.stream == hs.stream);
        let or_conn = |own: &str, from_conn: Option<&String>| {
            if own.is_empty() {
                from_conn.cloned()
            } else {
                Some(own.to_string())
            }
        };
        let client = or_conn(&hs.client, conn.map(|c| &c.client));
        let server = or_conn(&hs.server, conn.map(|c| &c.server));
        if let Some(frame) = hs.client_hello_frame {
            let mut parts = vec![];
            if let Some(sni) = &hs.sni {
                parts.push(format!("SNI {sni}"));
            }
            let versions = offered_versions(hs);
            if !versions.is_empty() {
                parts.push(format!(
                    "{} {}",
                    lang.pick("offers", "ofrece"),
                    versions.join(", ")
                ));
            }
            if !hs.alpn.is_empty() {
                parts.push(format!("ALPN {}", hs.alpn.join(", ")));
            }
            rows.push(KeyPacket {
                frame,
                stream: Some(hs.stream),
                source: client.clone(),
                destination: server.clone(),
                protocol: "TLS",
                description: join_head("ClientHello", &parts),
            });
        }
        if let Some(frame) = hs.server_hello_frame {
            let mut parts = vec![];
            if let Some(v) = hs
                .selected_version
                .as_deref()
                .or(hs.legacy_version.as_deref())
            {
                parts.push(names::tls_version(v));
            }
            if let Some(c) = &hs.cipher {
                parts.push(names::cipher_suite(c).map_or_else(|| c.clone(), str::to_string));
            }
            if let Some(alpn) = &hs.server_alpn {
                parts.push(format!("ALPN {alpn}"));
            }
            rows.push(KeyPacket {
                frame,
                stream: Some(hs.stream),
                source: server.clone(),
                destination: client.clone(),
                protocol: "TLS",
                description: join_head("ServerHello", &parts),
            });
        }
        for alert in &hs.alerts {
            let (source, destination) = match alert.from.as_str() {
                "client" => (client.clone(), server.clone()),
                "server" => (server.clone(), client.clone()),
                _ => (None, None),
            };
            rows.push(KeyPacket {
                frame: alert.frame,
                stream: Some(hs.stream),
                source,
                destination,
                protocol: "TLS",
                description: alert_text(lang, alert.level, alert.description),
            });
        }
    }
}

/// "TLS 1.3, TLS 1.2" from supported_versions (GREASE left out), else the legacy version.
pub fn offered_versions(hs: &pcaplens_core::report::tls::Handshake) -> Vec<String> {
    let versions: Vec<String> = hs
        .supported_versions
        .iter()
        .filter(|v| !names::parse_code(v).is_some_and(names::is_grease))
        .map(|v| names::tls_version(v))
        .collect();
    if versions.is_empty() {
        hs.legacy_version
            .iter()
            .map(|v| names::tls_version(v))
            .collect()
    } else {
        versions
    }
}

/// "Alert (fatal): handshake_failure" / "Alerta cifrada".
pub fn alert_text(lang: Lang, level: Option<u8>, description: Option<u8>) -> String {
    match description {
        Some(d) => {
            let name = names::tls_alert(d).map_or_else(|| d.to_string(), str::to_string);
            let level = match level {
                Some(1) => lang.pick(" (warning)", " (advertencia)"),
                Some(2) => " (fatal)",
                _ => "",
            };
            format!("{}{level}: {name}", lang.pick("Alert", "Alerta"))
        }
        None => lang.pick("Encrypted alert", "Alerta cifrada").to_string(),
    }
}

fn join_head(head: &str, parts: &[String]) -> String {
    if parts.is_empty() {
        head.to_string()
    } else {
        format!("{head}: {}", parts.join("; "))
    }
}

fn dns_rows(report: &Report, lang: Lang, rows: &mut Vec<KeyPacket>) {
    let mut errors = 0;
    for (i, m) in report.dns.messages.iter().enumerate() {
        let is_error = m.response
            && m.rcode
                .as_deref()
                .is_some_and(|r| names::dns_rcode_number(r) != Some(0));
        if is_error {
            errors += 1;
        }
        let early = i < MAX_DNS_MESSAGES;
        if !(early || (is_error && errors <= MAX_ERROR_ROWS)) {
            continue;
        }
        rows.push(KeyPacket {
            frame: m.frame,
            stream: None,
            source: endpoint(&m.src, Some(m.src_port)),
            destination: endpoint(&m.dst, Some(m.dst_port)),
            protocol: "DNS",
            description: dns_info(lang, m),
        });
    }
}

/// Like Wireshark's Info column: "Standard query 0x1234 A www.example.com" /
/// "Standard query response 0x1234 A www.example.com A 93.184.216.34".
pub fn dns_info(lang: Lang, m: &pcaplens_core::report::dns::Message) -> String {
    let mut s = if m.response {
        lang.pick("Standard query response", "Respuesta a consulta estándar")
            .to_string()
    } else {
        lang.pick("Standard query", "Consulta estándar").to_string()
    };
    s.push_str(&format!(" 0x{:04x}", m.id));
    if m.response {
        if let Some(rcode) = m
            .rcode
            .as_deref()
            .filter(|r| names::dns_rcode_number(r) != Some(0))
        {
            s.push_str(&format!(" {rcode}"));
        }
    }
    if let Some(t) = &m.qtype {
        s.push_str(&format!(" {t}"));
    }
    if let Some(n) = &m.qname {
        s.push_str(&format!(" {n}"));
    }
    for a in m.answers.iter().take(4) {
        s.push_str(&format!(" {} {}", a.rtype, a.data));
    }
    if m.answers.len() > 4 {
        s.push_str(&format!(" … (+{})", m.answers.len() - 4));
    }
    if let Some(ms) = m.latency_ms {
        s.push_str(&format!(" ({})", units::duration(lang, ms / 1000.0)));
    }
    if !m.response && m.response_in.is_none() {
        s.push_str(lang.pick(" (no response)", " (sin respuesta)"));
    }
    s
}

fn dhcp_rows(report: &Report, lang: Lang, rows: &mut Vec<KeyPacket>) {
    for m in report.dhcp.messages.iter().take(MAX_DHCP_MESSAGES) {
        let kind = m.message_type.as_deref().unwrap_or("?");
        let mut description = format!("DHCP {kind} (xid {})", m.xid);
        // yiaddr 0.0.0.0 means "none" (the client's own messages).
        if let Some(ip) = m.yiaddr.as_ref().filter(|a| *a != "0.0.0.0") {
            description.push_str(&format!(", {} {ip}", lang.pick("address", "dirección")));
        }
        if let Some(mac) = &m.client_mac {
            description.push_str(&format!(", {} {mac}", lang.pick("client", "cliente")));
        }
        rows.push(KeyPacket {
            frame: m.frame,
            stream: None,
            source: endpoint(&m.src, Some(m.src_port)),
            destination: endpoint(&m.dst, Some(m.dst_port)),
            protocol: "DHCP",
            description,
        });
    }
}

fn icmp_rows(report: &Report, lang: Lang, rows: &mut Vec<KeyPacket>) {
    // Pings and errors only: neighbor discovery and MLD are routine background traffic.
    let (mut echoes, mut errors) = (0, 0);
    for m in &report.icmp.messages {
        let is_error = names::icmp_is_error(m.version, m.icmp_type);
        if is_error {
            errors += 1;
        }
        let is_echo = if m.version == 6 {
            matches!(m.icmp_type, 128 | 129)
        } else {
            matches!(m.icmp_type, 0 | 8)
        };
        if is_echo {
            echoes += 1;
        }
        if !((is_error && errors <= MAX_ERROR_ROWS) || (is_echo && echoes <= MAX_ICMP_MESSAGES)) {
            continue;
        }
        rows.push(KeyPacket {
            frame: m.frame,
            stream: None,
            source: endpoint(&m.src, None),
            destination: endpoint(&m.dst, None),
            protocol: if m.version == 6 { "ICMPv6" } else { "ICMP" },
            description: icmp_info(lang, m),
        });
    }
}

/// "ip:port" (`[v6]:port`), or the address alone; None when the Report has no address.
pub fn endpoint(addr: &str, port: Option<u16>) -> Option<String> {
    if addr.is_empty() {
        return None;
    }
    Some(match port {
        Some(p) if addr.contains(':') => format!("[{addr}]:{p}"),
        Some(p) => format!("{addr}:{p}"),
        None => addr.to_string(),
    })
}

/// "Echo request id=1 seq=1 (reply in frame 34)"; for errors, the packet they are about.
pub fn icmp_info(lang: Lang, m: &pcaplens_core::report::icmp::Message) -> String {
    let mut s = names::icmp_name(lang, m.version, m.icmp_type, m.code);
    if let Some(id) = m.id {
        s.push_str(&format!(" id={id}"));
    }
    if let Some(seq) = m.seq {
        s.push_str(&format!(" seq={seq}"));
    }
    let is_request = (m.version == 6 && m.icmp_type == 128) || (m.version != 6 && m.icmp_type == 8);
    match m.reply_frame {
        Some(r) => s.push_str(&lang.pick(
            format!(" (reply in frame {r})"),
            format!(" (respuesta en la trama {r})"),
        )),
        None if is_request => s.push_str(lang.pick(" (no reply)", " (sin respuesta)")),
        None => {}
    }
    if let Some(q) = &m.quoted {
        let about = format!(
            "{} {} → {}",
            q.protocol,
            endpoint(&q.src, q.src_port).unwrap_or_default(),
            endpoint(&q.dst, q.dst_port).unwrap_or_default()
        );
        s.push_str(&lang.pick(format!(", about {about}"), format!(", sobre {about}")));
    }
    if let Some(mtu) = m.mtu {
        s.push_str(&format!(", MTU {mtu}"));
    }
    s
}

fn sip_rows(report: &Report, lang: Lang, rows: &mut Vec<KeyPacket>) {
    for m in report.sip.messages.iter().take(MAX_SIP_MESSAGES) {
        let head = match (&m.method, m.status) {
            (Some(method), _) => format!("{} {method}", lang.pick("Request:", "Petición:")),
            (None, Some(status)) => {
                let reason = m
                    .reason
                    .clone()
                    .or_else(|| names::sip_reason(status).map(str::to_string));
                format!(
                    "{} {status}{}",
                    lang.pick("Status:", "Estado:"),
                    reason.map_or_else(String::new, |r| format!(" {r}"))
                )
            }
            (None, None) => "SIP".to_string(),
        };
        let description = match &m.cseq {
            Some(cseq) => format!("{head} (CSeq {cseq})"),
            None => head,
        };
        rows.push(KeyPacket {
            frame: m.frame,
            stream: None,
            source: (!m.src.is_empty()).then(|| m.src.clone()),
            destination: (!m.dst.is_empty()).then(|| m.dst.clone()),
            protocol: "SIP",
            description,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata;

    #[test]
    fn key_packets_of_the_lab_capture() {
        let rows = key_packets(&testdata::lossy_tls_report(), Lang::En);
        let find = |frame| rows.iter().find(|r| r.frame == frame).unwrap();
        let syn = find(1);
        assert_eq!(
            syn.description,
            "SYN: the client opens the connection (stream 0), MSS=1460 WS=128 SACK_PERM"
        );
        assert_eq!(syn.source.as_deref(), Some("10.0.0.2:51000"));
        assert_eq!(syn.destination.as_deref(), Some("93.184.216.34:443"));
        let ch = find(4);
        assert_eq!(ch.protocol, "TLS");
        assert_eq!(
            ch.description,
            "ClientHello: SNI www.example.com; offers TLS 1.3, TLS 1.2; ALPN h2, http/1.1"
        );
        let sh = find(6);
        assert_eq!(
            sh.description,
            "ServerHello: TLS 1.3; TLS_AES_128_GCM_SHA256"
        );
        assert_eq!(sh.source.as_deref(), Some("93.184.216.34:443"));
        assert_eq!(find(14).description, "Duplicate ACK: first of 3 (stream 0)");
        assert_eq!(find(14).source.as_deref(), Some("10.0.0.2:51000"));
        assert_eq!(find(19).description, "Fast retransmission (stream 0)");
        assert_eq!(find(20).description, "Spurious retransmission (stream 0)");
        assert_eq!(find(24).description, "Window update (stream 0)");
        assert_eq!(find(26).description, "Alert (fatal): handshake_failure");
        assert_eq!(
            find(30).description,
            "SYN: the client opens the connection (stream 1), MSS=1460"
        );
        assert_eq!(
            find(3).description,
            "Standard query response 0x1234 A www.example.com A 93.184.216.34"
        );
        assert_eq!(
            find(42).description,
            "Standard query response 0x0008 NXDOMAIN A nope|`x`.example"
        );
        assert_eq!(find(35).description, "Echo request id=1 seq=2 (no reply)");
        assert_eq!(
            find(36).description,
            "Destination unreachable (port unreachable), about udp 10.0.0.2:40000 → 10.0.0.9:161"
        );
        assert_eq!(find(36).source.as_deref(), Some("10.0.0.9"));
        assert_eq!(find(2).source.as_deref(), Some("10.0.0.2:5353"));
        assert_eq!(find(2).destination.as_deref(), Some("10.0.0.1:53"));
        assert_eq!(
            find(40).description,
            "Standard query 0x0007 AAAA lost.example (no response)"
        );
        // The alert says who sent it.
        assert_eq!(find(26).source.as_deref(), Some("93.184.216.34:443"));
        assert_eq!(
            find(46).description,
            "DHCP OFFER (xid 0x00000abc), address 10.0.0.2, client 00:11:22:33:44:55"
        );
        // Frame order, one row per frame.
        let frames: Vec<u64> = rows.iter().map(|r| r.frame).collect();
        let mut sorted = frames.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(frames, sorted);
        // Frame 50 is stream 2's SYN; its SYN-ACK/ACK/FIN frames are not in the Report.
        assert!(find(50).description.contains("stream 2"));
    }

    #[test]
    fn flagged_frames_name_their_sender() {
        let rows = key_packets(&testdata::lossy_tls_report(), Lang::En);
        let find = |frame| rows.iter().find(|r| r.frame == frame).unwrap();
        // The receiver's duplicate ACKs and the sender's retransmission go opposite ways.
        assert_eq!(find(14).source.as_deref(), Some("10.0.0.2:51000"));
        assert_eq!(find(14).destination.as_deref(), Some("93.184.216.34:443"));
        assert_eq!(find(17).source.as_deref(), Some("93.184.216.34:443"));
        assert_eq!(find(17).destination.as_deref(), Some("10.0.0.2:51000"));
        // A Report without `from` (older exports) leaves the endpoints unstated.
        let mut r = testdata::lossy_tls_report();
        for issue in &mut r.tcp.issues {
            issue.from.clear();
        }
        let rows = key_packets(&r, Lang::En);
        let row = rows.iter().find(|r| r.frame == 22).unwrap();
        assert_eq!(
            (row.source.as_ref(), row.destination.as_ref()),
            (None, None)
        );
    }

    #[test]
    fn key_packets_in_spanish() {
        let rows = key_packets(&testdata::lossy_tls_report(), Lang::Es);
        let find = |frame| rows.iter().find(|r| r.frame == frame).unwrap();
        assert_eq!(
            find(1).description,
            "SYN: el cliente abre la conexión (stream 0), MSS=1460 WS=128 SACK_PERM"
        );
        assert_eq!(
            find(14).description,
            "ACK duplicado: el primero de 3 (stream 0)"
        );
        assert_eq!(find(22).description, "Ventana cero (stream 0)");
        assert_eq!(
            find(35).description,
            "Solicitud de eco id=1 seq=2 (sin respuesta)"
        );
        assert_eq!(
            find(2).description,
            "Consulta estándar 0x1234 A www.example.com"
        );
    }

    #[test]
    fn issue_rows_carry_wiresharks_details() {
        let mut r = testdata::lossy_tls_report();
        r.tcp.issues[0].dup_ack_of = Some(13);
        r.tcp.issues[0].dup_ack_num = Some(1);
        let rows = key_packets(&r, Lang::Es);
        let row = rows.iter().find(|r| r.frame == 14).unwrap();
        assert_eq!(
            row.description,
            "ACK duplicado: el primero de 3 (stream 0): ACK duplicado n.º 1 de la trama 13"
        );
        assert_eq!(
            endpoint("2001:db8::1", Some(53)).as_deref(),
            Some("[2001:db8::1]:53")
        );
        assert_eq!(endpoint("", Some(53)), None);
    }

    #[test]
    fn sip_rows_name_the_status() {
        let rows = key_packets(&testdata::sip_report(), Lang::En);
        assert_eq!(rows[0].description, "Request: INVITE (CSeq 1 INVITE)");
        assert_eq!(
            rows[1].description,
            "Status: 407 Proxy Authentication Required (CSeq 1 INVITE)"
        );
        assert_eq!(rows[5].description, "Status: 486 Busy Here (CSeq 2 INVITE)");
    }
}
