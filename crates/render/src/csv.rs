//! CSV exports (RFC 4180: comma-separated, CRLF line ends, fields quoted when needed, a header
//! row with stable snake_case column names equal to the Report's JSON keys where one exists).
//!
//! Missing values are empty fields; booleans are `true` / `false`; times are epoch seconds in
//! the shortest form that reads back to the same f64 as the JSON value. Capture-derived text goes through [`csv_field`], which also
//! defuses spreadsheet formulas.

use std::collections::HashMap;

use pcaplens_core::report::tcp::{AnalysisCounts, Connection};
use pcaplens_core::report::tls::Handshake;
use pcaplens_core::Report;

use crate::escape::csv_field;
use crate::expert::tcp_flag;
use crate::keypackets::offered_versions;
use crate::names;

/// The columns of [`connections`], in order.
pub const CONNECTION_COLUMNS: &[&str] = &[
    "stream",
    "client",
    "server",
    "first_frame",
    "last_frame",
    "first_time",
    "last_time",
    "duration_s",
    "packets",
    "bytes",
    "payload_bytes",
    "handshake_completed",
    "close",
    "rst_from",
    "fin_from",
    "conn_state",
    "history",
    "completeness",
    "irtt_s",
    "client_mss",
    "client_wscale",
    "client_sack_perm",
    "server_mss",
    "server_wscale",
    "server_sack_perm",
    "retransmission",
    "fast_retransmission",
    "spurious_retransmission",
    "duplicate_ack",
    "zero_window",
    "zero_window_probe",
    "zero_window_probe_ack",
    "out_of_order",
    "lost_segment",
    "ack_lost_segment",
    "keep_alive",
    "keep_alive_ack",
    "window_update",
    "window_full",
    "reused_ports",
    "tls_sni",
    "tls_versions_offered",
    "tls_version",
    "tls_cipher",
    "tls_alpn",
    // Added with the core's per-direction statistics; new columns only ever go at the end.
    "syn_seen",
    "client_timestamps",
    "server_timestamps",
    "client_to_server_packets",
    "client_to_server_bytes",
    "client_to_server_payload_bytes",
    "server_to_client_packets",
    "server_to_client_bytes",
    "server_to_client_payload_bytes",
    "client_fin",
    "server_fin",
    "client_rst",
    "server_rst",
    "tls_ja3",
    "tls_ja4",
    "tls_ja3s",
];

/// The columns of [`issues`], in order.
pub const ISSUE_COLUMNS: &[&str] = &[
    "frame",
    "stream",
    "kind",
    "severity",
    "display_filter",
    "client",
    "server",
    "message",
    "original_frame",
    "rto_s",
    "dup_ack_of",
    "dup_ack_num",
];

/// The columns of [`dns`], in order.
pub const DNS_COLUMNS: &[&str] = &[
    "frame",
    "time",
    "src",
    "src_port",
    "dst",
    "dst_port",
    "transport",
    "protocol",
    "id",
    "response",
    "qname",
    "qtype",
    "rcode",
    "answers",
    "response_in",
    "response_to",
    "latency_ms",
    "retransmission",
];

fn float(v: f64) -> String {
    // Rust's shortest round-trip form: reads back to exactly the Report's f64.
    if v.is_finite() {
        v.to_string()
    } else {
        String::new()
    }
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn text(v: Option<&str>) -> String {
    v.map(csv_field).unwrap_or_default()
}

fn analysis_fields(a: &AnalysisCounts) -> [u64; 15] {
    [
        a.retransmission,
        a.fast_retransmission,
        a.spurious_retransmission,
        a.duplicate_ack,
        a.zero_window,
        a.zero_window_probe,
        a.zero_window_probe_ack,
        a.out_of_order,
        a.lost_segment,
        a.ack_lost_segment,
        a.keep_alive,
        a.keep_alive_ack,
        a.window_update,
        a.window_full,
        a.reused_ports,
    ]
}

fn push_row(out: &mut String, fields: &[String]) {
    out.push_str(&fields.join(","));
    out.push_str("\r\n");
}

/// One row per TCP connection (Wireshark tcp.stream), with its TLS handshake when it has one.
pub fn connections(report: &Report) -> String {
    let mut out = String::new();
    push_row(
        &mut out,
        &CONNECTION_COLUMNS
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>(),
    );
    // Indexed once: a capture can hold a million connections and as many handshakes.
    let tls_by_stream: HashMap<u64, &Handshake> = report
        .tls
        .handshakes
        .iter()
        .map(|h| (h.stream, h))
        .collect();
    for c in &report.tcp.connections {
        let tls = tls_by_stream.get(&c.stream).copied();
        let co = c.client_options.as_ref();
        let so = c.server_options.as_ref();
        let mut row = vec![
            c.stream.to_string(),
            csv_field(&c.client),
            csv_field(&c.server),
            c.first_frame.to_string(),
            c.last_frame.to_string(),
            float(c.first_time),
            float(c.last_time),
            float(c.last_time - c.first_time),
            c.packets.to_string(),
            c.bytes.to_string(),
            c.payload_bytes.to_string(),
            c.handshake_completed.to_string(),
            csv_field(&c.close),
            text(c.rst_from.as_deref()),
            text(c.fin_from.as_deref()),
            csv_field(&c.conn_state),
            csv_field(&c.history),
            c.completeness.to_string(),
            c.irtt_s.map(float).unwrap_or_default(),
            opt(co.and_then(|o| o.mss)),
            opt(co.and_then(|o| o.wscale)),
            opt(co.map(|o| o.sack_perm)),
            opt(so.and_then(|o| o.mss)),
            opt(so.and_then(|o| o.wscale)),
            opt(so.map(|o| o.sack_perm)),
        ];
        row.extend(analysis_fields(&c.analysis).iter().map(u64::to_string));
        row.push(text(tls.and_then(|h| h.sni.as_deref())));
        row.push(
            tls.map(|h| csv_field(&offered_versions(h).join(" ")))
                .unwrap_or_default(),
        );
        row.push(
            tls.and_then(|h| {
                h.selected_version
                    .as_deref()
                    .or(h.legacy_version.as_deref())
            })
            .filter(|_| tls.is_some_and(|h| h.server_hello_frame.is_some()))
            .map(|v| csv_field(&names::tls_version(v)))
            .unwrap_or_default(),
        );
        row.push(
            tls.and_then(|h| h.cipher.as_deref())
                .map(|c| csv_field(names::cipher_suite(c).unwrap_or(c)))
                .unwrap_or_default(),
        );
        row.push(text(tls.and_then(|h| h.server_alpn.as_deref())));
        let (up, down) = (&c.client_to_server, &c.server_to_client);
        row.extend([
            c.syn_seen.to_string(),
            opt(co.map(|o| o.timestamps)),
            opt(so.map(|o| o.timestamps)),
            up.packets.to_string(),
            up.bytes.to_string(),
            up.payload_bytes.to_string(),
            down.packets.to_string(),
            down.bytes.to_string(),
            down.payload_bytes.to_string(),
            up.fin.to_string(),
            down.fin.to_string(),
            up.rst.to_string(),
            down.rst.to_string(),
            text(tls.and_then(|h| h.ja3.as_deref())),
            text(tls.and_then(|h| h.ja4.as_deref())),
            text(tls.and_then(|h| h.ja3s.as_deref())),
        ]);
        debug_assert_eq!(row.len(), CONNECTION_COLUMNS.len());
        push_row(&mut out, &row);
    }
    out
}

/// One row per flagged TCP frame (the Report's `tcp.issues`), with Wireshark's severity and a
/// filter that finds the frame.
pub fn issues(report: &Report) -> String {
    let mut out = String::new();
    push_row(
        &mut out,
        &ISSUE_COLUMNS
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>(),
    );
    let conn_by_stream: HashMap<u64, &Connection> = report
        .tcp
        .connections
        .iter()
        .map(|c| (c.stream, c))
        .collect();
    for i in &report.tcp.issues {
        let conn = conn_by_stream.get(&i.stream).copied();
        let severity = tcp_flag(&i.kind)
            .map(|f| f.severity.wireshark_name())
            .unwrap_or("");
        let row = vec![
            i.frame.to_string(),
            i.stream.to_string(),
            csv_field(&i.kind),
            severity.to_string(),
            csv_field(&format!(
                "frame.number == {} && tcp.analysis.{}",
                i.frame, i.kind
            )),
            text(conn.map(|c| c.client.as_str())),
            text(conn.map(|c| c.server.as_str())),
            csv_field(&i.message),
            opt(i.original_frame),
            i.rto_s.map(float).unwrap_or_default(),
            opt(i.dup_ack_of),
            opt(i.dup_ack_num),
        ];
        push_row(&mut out, &row);
    }
    out
}

/// One row per DNS message listed in the Report (answers joined as "A 1.2.3.4; CNAME x").
pub fn dns(report: &Report) -> String {
    let mut out = String::new();
    push_row(
        &mut out,
        &DNS_COLUMNS
            .iter()
            .map(|c| c.to_string())
            .collect::<Vec<_>>(),
    );
    for m in &report.dns.messages {
        let answers: Vec<String> = m
            .answers
            .iter()
            .map(|a| format!("{} {}", a.rtype, a.data))
            .collect();
        let row = vec![
            m.frame.to_string(),
            float(m.time),
            csv_field(&m.src),
            m.src_port.to_string(),
            csv_field(&m.dst),
            m.dst_port.to_string(),
            csv_field(&m.transport),
            csv_field(&m.protocol),
            m.id.to_string(),
            m.response.to_string(),
            text(m.qname.as_deref()),
            text(m.qtype.as_deref()),
            text(m.rcode.as_deref()),
            csv_field(&answers.join("; ")),
            opt(m.response_in),
            opt(m.response_to),
            m.latency_ms.map(float).unwrap_or_default(),
            m.retransmission.to_string(),
        ];
        push_row(&mut out, &row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata;

    /// A small RFC 4180 reader for the tests: records of fields.
    fn parse(csv: &str) -> Vec<Vec<String>> {
        let mut records = Vec::new();
        let mut record = Vec::new();
        let mut field = String::new();
        let mut chars = csv.chars().peekable();
        let mut quoted = false;
        while let Some(c) = chars.next() {
            if quoted {
                match c {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        field.push('"');
                    }
                    '"' => quoted = false,
                    c => field.push(c),
                }
            } else {
                match c {
                    '"' => quoted = true,
                    ',' => record.push(std::mem::take(&mut field)),
                    '\r' => {
                        assert_eq!(chars.next(), Some('\n'), "bare CR outside quotes");
                        record.push(std::mem::take(&mut field));
                        records.push(std::mem::take(&mut record));
                    }
                    '\n' => panic!("bare LF outside quotes"),
                    c => field.push(c),
                }
            }
        }
        assert!(
            !quoted && field.is_empty() && record.is_empty(),
            "unterminated record"
        );
        records
    }

    #[test]
    fn connections_csv_has_stable_header_and_values() {
        let csv = connections(&testdata::lossy_tls_report());
        let rows = parse(&csv);
        assert_eq!(rows[0], CONNECTION_COLUMNS);
        assert_eq!(rows.len(), 4);
        let col = |name: &str| CONNECTION_COLUMNS.iter().position(|c| *c == name).unwrap();
        let r0 = &rows[1];
        assert_eq!(r0[col("stream")], "0");
        assert_eq!(r0[col("client")], "10.0.0.2:51000");
        assert_eq!(r0[col("first_time")], "1700000000");
        assert_eq!(r0[col("duration_s")], "2.5");
        assert_eq!(r0[col("irtt_s")], "0.0234");
        assert_eq!(r0[col("client_wscale")], "7");
        assert_eq!(r0[col("server_sack_perm")], "true");
        assert_eq!(r0[col("duplicate_ack")], "3");
        assert_eq!(r0[col("rst_from")], "server");
        assert_eq!(r0[col("fin_from")], "");
        assert_eq!(r0[col("tls_sni")], "www.example.com");
        assert_eq!(r0[col("tls_versions_offered")], "TLS 1.3 TLS 1.2");
        assert_eq!(r0[col("tls_version")], "TLS 1.3");
        assert_eq!(r0[col("tls_cipher")], "TLS_AES_128_GCM_SHA256");
        let r1 = &rows[2];
        assert_eq!(r1[col("server_mss")], "", "no SYN-ACK: null, not 0");
        assert_eq!(r1[col("irtt_s")], "");
        assert_eq!(r1[col("tls_sni")], "");
        assert!(csv.ends_with("\r\n"));
    }

    #[test]
    fn hostile_strings_round_trip() {
        let mut r = testdata::lossy_tls_report();
        let sni = "evil.com,\"x\"\r\nnext,row";
        r.tls.handshakes[0].sni = Some(sni.into());
        r.tcp.connections[0].client = "=cmd|' /C calc'!A0".into();
        r.tcp.issues[0].message = "a\"b,c\nd".into();
        let rows = parse(&connections(&r));
        assert_eq!(rows.len(), 4, "the newline stayed inside its field");
        let col = |name: &str| CONNECTION_COLUMNS.iter().position(|c| *c == name).unwrap();
        assert_eq!(rows[1][col("tls_sni")], sni);
        assert_eq!(
            rows[1][col("client")],
            "'=cmd|' /C calc'!A0",
            "formula defused"
        );
        assert!(rows.iter().all(|r| r.len() == CONNECTION_COLUMNS.len()));

        let rows = parse(&issues(&r));
        assert_eq!(rows[0], ISSUE_COLUMNS);
        assert_eq!(rows.len(), 1 + r.tcp.issues.len());
        assert_eq!(rows[1][7], "a\"b,c\nd");
        assert!(rows.iter().all(|r| r.len() == ISSUE_COLUMNS.len()));
        assert_eq!(rows[1][5], "'=cmd|' /C calc'!A0");
    }

    #[test]
    fn issues_csv_rows() {
        let rows = parse(&issues(&testdata::lossy_tls_report()));
        assert_eq!(
            rows[1],
            [
                "14",
                "0",
                "duplicate_ack",
                "Note",
                "frame.number == 14 && tcp.analysis.duplicate_ack",
                "10.0.0.2:51000",
                "93.184.216.34:443",
                "",
                "",
                "",
                "",
                ""
            ]
        );
        let zero = rows.iter().find(|r| r[2] == "zero_window").unwrap();
        assert_eq!(zero[3], "Warning");
    }

    #[test]
    fn dns_csv_rows() {
        let mut r = testdata::lossy_tls_report();
        r.dns.messages[3].qname = Some("x,\"y\"\n=z".into());
        let rows = parse(&dns(&r));
        assert_eq!(rows[0], DNS_COLUMNS);
        assert_eq!(rows.len(), 1 + r.dns.messages.len());
        assert!(rows.iter().all(|row| row.len() == DNS_COLUMNS.len()));
        assert_eq!(rows[1][..4], ["2", "0", "10.0.0.2", "5353"]);
        assert_eq!(rows[1][14], "3", "query 2 answered in frame 3");
        assert_eq!(rows[2][13], "A 93.184.216.34");
        assert_eq!(rows[4][10], "x,\"y\"\n=z");
    }

    #[test]
    fn empty_report_gives_just_the_header() {
        assert_eq!(parse(&connections(&Report::default())).len(), 1);
        assert_eq!(parse(&issues(&Report::default())).len(), 1);
    }
}
