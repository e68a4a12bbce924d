//! The human-readable summary: the capinfos facts, then one line per report section.
//!
//! The section lines are drawn generically from the report's JSON (counts of lists, numbers,
//! one level of nested numbers), so the summary follows the report as sections grow without
//! the CLI knowing their types.

use std::fmt::Write;

use pcaplens_core::report::capinfos::Capinfos;
use pcaplens_core::Report;
use serde_json::Value;

/// Packet comments and warnings shown before "... and N more".
const MAX_LISTED: usize = 10;

/// Top-level report keys that are not analysis sections.
const NOT_SECTIONS: &[&str] = &[
    "schema_version",
    "generator",
    "file_name",
    "error",
    "filter",
    "capinfos",
];

/// Sections in the order the summary lists them.
const SECTION_ORDER: &[&str] = &["tcp", "tls", "dns", "dhcp", "icmp", "sip", "flows"];

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// "1795313132.211536827" → "2026-11-22 01:25:32.211536827 UTC".
fn utc(exact: &str) -> String {
    let (secs, frac) = exact.split_once('.').unwrap_or((exact, ""));
    let Ok(secs) = secs.parse::<i64>() else {
        return exact.to_string();
    };
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let t = secs.rem_euclid(86_400);
    let frac = if frac.is_empty() {
        String::new()
    } else {
        format!(".{frac}")
    };
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02}{frac} UTC",
        t / 3600,
        t / 60 % 60,
        t % 60
    )
}

/// A multi-line comment on one line.
fn one_line(s: &str) -> String {
    let lines: Vec<&str> = s.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    lines.join(" / ")
}

fn capinfos_lines(out: &mut String, c: &Capinfos) {
    let mut line = |label: &str, value: String| {
        let _ = writeln!(out, "{label:<16}{value}");
    };
    let format = match (&c.file_type, &c.format) {
        (Some(t), _) => t.clone(),
        (None, Some(f)) => f.clone(),
        _ => "unknown".into(),
    };
    let gz = if c.compressed {
        ", gzip-compressed"
    } else {
        ""
    };
    line("Format", format!("{format}{gz}"));
    let extra = c.frames.saturating_sub(c.packets);
    let frames = if extra > 0 {
        format!(" (+{extra} non-packet records numbered as frames)")
    } else {
        String::new()
    };
    line("Packets", format!("{}{frames}", c.packets));
    line(
        "Data",
        format!(
            "{} bytes captured, {} bytes on the wire",
            c.data_bytes, c.wire_bytes
        ),
    );
    match (&c.first_time_exact, &c.last_time_exact, &c.duration_exact) {
        (Some(first), Some(last), Some(duration)) => {
            line("First packet", utc(first));
            line("Last packet", utc(last));
            line("Duration", format!("{duration} s"));
        }
        _ => line("Times", "n/a".into()),
    }
    line(
        "Time order",
        match c.time_ordered {
            Some(true) => "strict (no packet earlier than the one before)".into(),
            Some(false) => "not strict (some packets are earlier than the one before)".into(),
            None => "unknown (some packets have no timestamp)".into(),
        },
    );
    if !c.link_types.is_empty() {
        line("Link types", c.link_types.join(", "));
    }
    if let Some(p) = &c.file_time_precision {
        line("Precision", p.clone());
    }
    let mut limit = match c.snaplen {
        Some(s) => format!("{s} bytes (file header)"),
        None => "not set in the file header".into(),
    };
    if let Some([lo, hi]) = c.inferred_snaplen {
        let cut = if lo == hi {
            format!("{lo}")
        } else {
            format!("{lo}-{hi}")
        };
        let _ = write!(limit, "; {} packets cut to {cut} bytes", c.cut_packets);
    }
    line("Snapshot length", limit);
    if c.format.as_deref() == Some("pcapng") {
        line("Interfaces", c.interfaces.len().to_string());
        for (i, iface) in c.interfaces.iter().enumerate() {
            let mut s = format!(
                "#{i} {} {} snaplen {} {} {} packets",
                iface.name.as_deref().unwrap_or("(unnamed)"),
                iface.link_type,
                iface.snaplen,
                iface.time_precision,
                iface.packets
            );
            if let Some(d) = &iface.description {
                let _ = write!(s, ", \"{d}\"");
            }
            if let Some(f) = &iface.filter {
                let _ = write!(s, ", filter \"{f}\"");
            }
            line("", s);
        }
    }
    for (label, value) in [
        ("Hardware", &c.capture_hardware),
        ("OS", &c.capture_os),
        ("Application", &c.capture_application),
    ] {
        if let Some(v) = value {
            line(label, v.trim().to_string());
        }
    }
    for comment in &c.comments {
        line("File comment", one_line(comment));
    }
    if !c.packet_comments.is_empty() {
        let total = c.packet_comments.len() as u64 + c.packet_comments_dropped;
        line("Packet comments", total.to_string());
        for p in c.packet_comments.iter().take(MAX_LISTED) {
            line("", format!("frame {}: {}", p.frame, one_line(&p.comment)));
        }
        if total > MAX_LISTED as u64 {
            line("", format!("... and {} more", total - MAX_LISTED as u64));
        }
    }
    let p = &c.decode_problems;
    if p.total() > 0 {
        line(
            "Decode problems",
            format!(
                "{} frames (unknown link type {}, link header cut {}, bad IP {}, bad transport {})",
                p.total(),
                p.unknown_link_type,
                p.link_truncated,
                p.bad_ip,
                p.bad_transport
            ),
        );
    }
    if c.truncated {
        line(
            "Damaged",
            "yes: reading stopped early (see the warnings)".into(),
        );
    }
    if !c.warnings.is_empty() {
        line("Warnings", c.warnings.len().to_string());
        for w in c.warnings.iter().take(MAX_LISTED) {
            line("", format!("- {w}"));
        }
        if c.warnings.len() > MAX_LISTED {
            line(
                "",
                format!("... and {} more", c.warnings.len() - MAX_LISTED),
            );
        }
    }
}

/// "connections 12, issues 30 (duplicate_ack 10, retransmission 3), summary.total 12".
fn section_line(section: &Value) -> String {
    let mut parts = Vec::new();
    let Some(map) = section.as_object() else {
        return String::new();
    };
    for (key, value) in map {
        match value {
            Value::Number(n) => parts.push(format!("{key} {n}")),
            Value::Array(items) => {
                let mut part = format!("{key} {}", items.len());
                // Lists of flagged frames: break them down by kind.
                let mut kinds: Vec<(String, usize)> = Vec::new();
                for item in items {
                    if let Some(kind) = item.get("kind").and_then(Value::as_str) {
                        match kinds.iter_mut().find(|(k, _)| k == kind) {
                            Some((_, n)) => *n += 1,
                            None => kinds.push((kind.to_string(), 1)),
                        }
                    }
                }
                if !kinds.is_empty() {
                    kinds.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                    let list: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
                    let _ = write!(part, " ({})", list.join(", "));
                }
                parts.push(part);
            }
            Value::Object(inner) => {
                for (k, v) in inner {
                    if let Value::Number(n) = v {
                        if n.as_f64() != Some(0.0) {
                            parts.push(format!("{key}.{k} {n}"));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if parts.is_empty() {
        "(nothing)".into()
    } else {
        parts.join(", ")
    }
}

/// The whole summary.
pub fn render(report: &Report, file: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} — {file}\n", report.generator);
    capinfos_lines(&mut out, &report.capinfos);
    let json = serde_json::to_value(report).unwrap_or(Value::Null);
    if let Some(filter) = json.get("filter") {
        let active: Vec<String> = filter
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(_, v)| !v.is_null())
            .map(|(k, v)| format!("{k} {v}"))
            .collect();
        if !active.is_empty() {
            let _ = writeln!(out, "\nFilter: {} (TCP section only)", active.join(", "));
        }
    }
    let _ = writeln!(out, "\nSections");
    if let Some(map) = json.as_object() {
        // The usual order first, then any section added later.
        let mut names: Vec<&String> = map.keys().collect();
        names.sort_by_key(|n| {
            SECTION_ORDER
                .iter()
                .position(|o| o == n)
                .unwrap_or(usize::MAX)
        });
        for name in names {
            let section = &map[name];
            if NOT_SECTIONS.contains(&name.as_str()) || !section.is_object() {
                continue;
            }
            let _ = writeln!(out, "  {name:<8}{}", section_line(section));
        }
    }
    let _ = writeln!(out, "\nFull report: pcaplens analyze {file} --json");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(utc("0"), "1970-01-01 00:00:00 UTC");
        assert_eq!(
            utc("1619344659.946616567"),
            "2021-04-25 09:57:39.946616567 UTC"
        );
        assert_eq!(utc("951782400.5"), "2000-02-29 00:00:00.5 UTC");
        assert_eq!(utc("-86400"), "1969-12-31 00:00:00 UTC");
    }

    #[test]
    fn generic_section_line() {
        let v: Value = serde_json::json!({
            "summary": {"total_connections": 2, "failed": 0},
            "connections": [{}, {}],
            "issues": [{"kind": "duplicate_ack"}, {"kind": "retransmission"}, {"kind": "duplicate_ack"}],
            "name": "x"
        });
        assert_eq!(
            section_line(&v),
            "connections 2, issues 3 (duplicate_ack 2, retransmission 1), summary.total_connections 2"
        );
        assert_eq!(section_line(&serde_json::json!({})), "(nothing)");
    }
}
