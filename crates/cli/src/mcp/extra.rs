//! The tools mcpcap does not have: TLS handshakes, Expert Info, one TCP stream's packets and
//! the hand-in report.

use pcaplens_core::analyze::ladder::{
    analysis_names, StreamQuery, StreamScan, TlsRecord, MAX_ROWS_LIMIT,
};
use pcaplens_core::Report;
use pcaplens_render::expert::{self, CountUnit, Severity, SeveritySource};
use pcaplens_render::i18n::Lang;
use pcaplens_render::names;
use serde_json::{json, Value};

use super::files::{feed_file, Capture};
use super::page::{capped, page_info, paged, PageRequest, MAX_ANSWER_BYTES};
use super::util::iso_utc;

/// `analyze_tls_handshakes`: one entry per TCP stream carrying TLS, optionally only those whose
/// SNI contains `sni` (case-insensitive).
pub fn tls_handshakes(given: &str, report: &Report, sni: Option<&str>, page: PageRequest) -> Value {
    let tls = &report.tls;
    let needle = sni.map(str::to_lowercase).filter(|s| !s.is_empty());
    let selected: Vec<_> = tls
        .handshakes
        .iter()
        .filter(|h| {
            needle.as_ref().is_none_or(|n| {
                h.sni
                    .as_deref()
                    .is_some_and(|s| s.to_lowercase().contains(n.as_str()))
            })
        })
        .collect();
    let versions = |v: &Option<String>| v.as_deref().map(names::tls_version);
    let head = json!({
        "file": given,
        "sni_filter": sni,
        "tls_streams": tls.handshakes.len() as u64 + tls.handshakes_not_listed,
        "matching_streams": selected.len(),
        "client_hellos": tls.client_hellos,
        "server_hellos": tls.server_hellos,
        "snis": capped(&tls.snis).0,
        "snis_omitted": capped(&tls.snis).1,
        "handshakes_not_listed": tls.handshakes_not_listed,
    });
    paged(&selected, page, |hs, info| {
        let list: Vec<Value> = hs
            .iter()
            .map(|h| {
                json!({
                    "stream": h.stream,
                    "client": h.client,
                    "server": h.server,
                    "sni": h.sni,
                    "client_hello_frame": h.client_hello_frame,
                    "server_hello_frame": h.server_hello_frame,
                    "offered_versions": h.supported_versions.iter().map(|v| names::tls_version(v)).collect::<Vec<_>>(),
                    "selected_version": h.selected_version,
                    "selected_version_name": versions(&h.selected_version),
                    "cipher": h.cipher,
                    "cipher_name": h.cipher.as_deref().map(names::cipher_suite_label),
                    "alpn_offered": h.alpn,
                    "server_alpn": h.server_alpn,
                    "cipher_suites_offered": h.cipher_suites.len(),
                    "ja3": h.ja3,
                    "ja4": h.ja4,
                    "ja3s": h.ja3s,
                    "ja4s": h.ja4s,
                    "resumed": h.resumed,
                    "hello_retry_request": h.hello_retry_request,
                    "ech": h.ech,
                    "records": h.records,
                    "alerts": h.alerts,
                    "lost_bytes": h.lost_bytes,
                    "display_filter": format!("tcp.stream eq {} && tls", h.stream),
                })
            })
            .collect();
        let mut answer = head.clone();
        answer["handshakes"] = json!(list);
        answer["page"] = info;
        answer
    })
}

/// The severities a caller may ask for.
pub fn parse_severity(text: &str) -> Result<Severity, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "error" | "errors" => Ok(Severity::Error),
        "warning" | "warnings" | "warn" => Ok(Severity::Warning),
        "note" | "notes" => Ok(Severity::Note),
        "chat" => Ok(Severity::Chat),
        "comment" | "comments" => Ok(Severity::Comment),
        other => Err(format!(
            "severity: '{other}' is not one of error, warning, note, chat, comment"
        )),
    }
}

pub fn parse_lang(text: Option<&str>) -> Result<Lang, String> {
    match text.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Lang::En),
        Some(t) => Lang::from_tag(t).ok_or_else(|| format!("lang: '{t}' is not en or es")),
    }
}

/// Frames listed per Expert Info group (the group's `count` and `filter` cover the rest).
const ITEMS_PER_GROUP: usize = 20;

/// `get_expert_info`: Wireshark's Expert Info groups, each with its explanation, frames and the
/// display filter that finds them.
pub fn expert_info(
    given: &str,
    report: &Report,
    severity: Option<Severity>,
    lang: Lang,
    page: PageRequest,
) -> Value {
    let groups: Vec<_> = expert::groups(report, lang)
        .into_iter()
        .filter(|g| severity.is_none_or(|s| g.severity == s))
        .collect();
    let all = expert::groups(report, lang);
    let counts: serde_json::Map<String, Value> = expert::severity_counts(&all)
        .into_iter()
        .map(|(s, n)| (s.wireshark_name().to_string(), json!(n)))
        .collect();
    let head = json!({
        "file": given,
        "severity_filter": severity.map(|s| s.wireshark_name()),
        "lang": lang.code(),
        "groups_total": groups.len(),
        "by_severity": counts,
        "frame_numbers": "Wireshark's frame numbers (frame.number)",
    });
    paged(&groups, page, |gs, info| {
        let list: Vec<Value> = gs
            .iter()
            .map(|g| {
                let items: Vec<Value> = g
                    .items
                    .iter()
                    .take(ITEMS_PER_GROUP)
                    .map(|i| {
                        json!({"frame": i.frame, "tcp_stream": i.stream, "detail": i.detail, "display_filter": i.filter})
                    })
                    .collect();
                let streams: Vec<Value> = g
                    .streams
                    .iter()
                    .take(ITEMS_PER_GROUP)
                    .map(|s| json!({"tcp_stream": s.stream, "count": s.count, "display_filter": s.filter}))
                    .collect();
                json!({
                    "id": g.id,
                    "severity": g.severity.wireshark_name(),
                    "severity_from": match g.severity_source {
                        SeveritySource::Wireshark => "wireshark",
                        SeveritySource::Pcaplens => "pcaplens",
                    },
                    "protocol": g.protocol,
                    "title": g.title,
                    "wireshark_message": g.wireshark_message,
                    "explanation": g.explanation,
                    "count": g.count,
                    "unit": match g.unit {
                        CountUnit::Frames => "frames",
                        CountUnit::Connections => "connections",
                        CountUnit::Problems => "problems",
                    },
                    "display_filter": g.filter,
                    "items": items,
                    "items_omitted": g.items.len().saturating_sub(ITEMS_PER_GROUP),
                    "streams": streams,
                    "streams_omitted": g.streams.len().saturating_sub(ITEMS_PER_GROUP),
                })
            })
            .collect();
        let mut answer = head.clone();
        answer["groups"] = json!(list);
        answer["page"] = info;
        answer
    })
}

/// Wireshark's names of the TCP flags set, in its order ("SYN, ACK").
fn tcp_flags(bits: u16) -> String {
    const NAMES: [&str; 9] = ["FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR", "AE"];
    NAMES
        .iter()
        .enumerate()
        .filter(|(bit, _)| bits & (1 << bit) != 0)
        .map(|(_, n)| *n)
        .collect::<Vec<_>>()
        .join(", ")
}

/// `get_tcp_stream`: the connection's summary and its packet rows, as the flow graph shows them.
pub fn tcp_stream(
    given: &str,
    capture: &Capture,
    report: &Report,
    stream: u64,
    page: PageRequest,
) -> Result<Value, String> {
    let conn = report.tcp.connections.iter().find(|c| c.stream == stream);
    let Some(conn) = conn else {
        let n = report.tcp.connections.len();
        return Err(if n == 0 {
            format!("tcp.stream {stream}: this capture has no TCP connections")
        } else {
            format!(
                "tcp.stream {stream} does not exist: this capture's streams are 0 to {}",
                report.tcp.connections.last().map_or(0, |c| c.stream)
            )
        });
    };
    if page.offset >= MAX_ROWS_LIMIT {
        return Err(format!(
            "offset {}: get_tcp_stream lists the first {MAX_ROWS_LIMIT} packets of a stream",
            page.offset
        ));
    }
    let want = page
        .offset
        .saturating_add(page.limit.unwrap_or(page.default_limit))
        .min(MAX_ROWS_LIMIT);
    let mut scan = StreamScan::new(StreamQuery {
        last_frame: conn.last_frame,
        expected_packets: conn.packets,
        max_rows: want,
        tls: report.tls.handshakes.iter().any(|h| h.stream == stream),
        ..StreamQuery::new(stream)
    });
    feed_file(&capture.path, |chunk| {
        scan.feed(chunk);
        !scan.is_done()
    })?;
    let packets = scan.finish();
    let issues: Vec<_> = report
        .tcp
        .issues
        .iter()
        .filter(|i| i.stream == stream)
        .collect();
    let (issues_shown, issues_omitted) = capped(&issues);
    let first_time = conn.first_time;
    let head = json!({
        "file": given,
        "stream": stream,
        "display_filter": format!("tcp.stream eq {stream}"),
        "connection": conn,
        "issues": issues_shown,
        "issues_omitted": issues_omitted,
        "scan_error": packets.error,
    });
    let rows = packets.rows;
    let total = usize::try_from(packets.total).unwrap_or(usize::MAX);
    let start = page.offset.min(rows.len());
    let mut n = rows.len() - start;
    loop {
        let list: Vec<Value> = rows
            .get(start..start + n)
            .unwrap_or_default()
            .iter()
            .map(|r| {
                let (src, dst) = if r.from_client {
                    (&conn.client, &conn.server)
                } else {
                    (&conn.server, &conn.client)
                };
                json!({
                    "frame": r.frame,
                    "time": r.time,
                    "timestamp": iso_utc(r.time),
                    "time_relative_s": r.time - first_time,
                    "direction": if r.from_client { "client_to_server" } else { "server_to_client" },
                    "source": src,
                    "destination": dst,
                    "flags": tcp_flags(r.flags),
                    "seq": r.seq,
                    "ack": r.ack,
                    "len": r.len,
                    "window": r.window,
                    "analysis": analysis_names(r.analysis).collect::<Vec<_>>(),
                    "tls": r.tls.iter().map(TlsRecord::wireshark_name).collect::<Vec<_>>(),
                    "sack": r.sack,
                })
            })
            .collect();
        let mut answer = head.clone();
        answer["packets"] = json!(list);
        answer["page"] = page_info(start, n, total);
        answer["page"]["rows_available"] = json!(total.min(MAX_ROWS_LIMIT));
        let size = answer.to_string().len();
        if page.limit.is_some() || n == 0 || size <= MAX_ANSWER_BYTES {
            return Ok(answer);
        }
        n = (n * MAX_ANSWER_BYTES / size).min(n - 1);
    }
}

/// The report formats `generate_report` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    Markdown,
    Json,
    Csv,
}

pub fn parse_format(text: Option<&str>) -> Result<ReportFormat, String> {
    match text.map(|t| t.trim().to_ascii_lowercase()).as_deref() {
        None | Some("") | Some("markdown") | Some("md") => Ok(ReportFormat::Markdown),
        Some("json") => Ok(ReportFormat::Json),
        Some("csv") => Ok(ReportFormat::Csv),
        Some(other) => Err(format!(
            "format: '{other}' is not one of markdown, json, csv"
        )),
    }
}

/// `generate_report`: the hand-in report (Markdown), the full report JSON (as `pcaplens
/// analyze --json` prints it) or the connections CSV, one slice of at most `max_bytes` at a
/// time (cut at a line end when one is near).
pub fn generate_report(
    given: &str,
    report: &Report,
    format: ReportFormat,
    lang: Lang,
    offset: usize,
    max_bytes: usize,
) -> Value {
    let text = match format {
        ReportFormat::Markdown => pcaplens_render::report_md::markdown(report, lang),
        ReportFormat::Json => report.to_json(),
        ReportFormat::Csv => pcaplens_render::csv::connections(report),
    };
    let total = text.len();
    let start = floor_char_boundary(&text, offset.min(total));
    let mut end = floor_char_boundary(&text, start.saturating_add(max_bytes.max(1)).min(total));
    if end < total {
        if let Some(nl) = text.get(start..end).and_then(|s| s.rfind('\n')) {
            if nl > 0 {
                end = start + nl + 1;
            }
        }
    }
    let slice = text.get(start..end).unwrap_or_default();
    json!({
        "file": given,
        "format": match format {
            ReportFormat::Markdown => "markdown",
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
        },
        "lang": lang.code(),
        "total_bytes": total,
        "offset": start,
        "returned_bytes": slice.len(),
        "omitted_bytes": total - slice.len(),
        "next_offset": (end < total).then_some(end),
        "content": slice,
    })
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_in_wireshark_order() {
        assert_eq!(tcp_flags(0x12), "SYN, ACK");
        assert_eq!(tcp_flags(0x11), "FIN, ACK");
        assert_eq!(tcp_flags(0x18), "PSH, ACK");
        assert_eq!(tcp_flags(0), "");
    }

    #[test]
    fn report_slices_cover_the_text() {
        let report = pcaplens_core::analyze_bytes(
            &pcaplens_synth::demo::demo_capture(),
            &pcaplens_core::Config::default(),
        );
        let whole = report.to_json();
        let mut offset = 0;
        let mut joined = String::new();
        loop {
            let a = generate_report("x", &report, ReportFormat::Json, Lang::En, offset, 4000);
            assert!(a["returned_bytes"].as_u64().unwrap() <= 4000);
            joined.push_str(a["content"].as_str().unwrap());
            match a["next_offset"].as_u64() {
                Some(n) => offset = n as usize,
                None => break,
            }
        }
        assert_eq!(joined, whole);
        assert!(parse_format(Some("pdf")).is_err());
        assert_eq!(parse_format(None).unwrap(), ReportFormat::Markdown);
    }
}
