//! The human-readable summary: the capinfos facts, then what the capture holds and its Expert
//! Info, worded by pcaplens-render (the same words the web app shows).

use std::fmt::Write;

use pcaplens_core::report::capinfos::Capinfos;
use pcaplens_core::Report;
use pcaplens_render::i18n::Lang;
use serde_json::Value;

/// Packet comments and warnings shown before "... and N more".
const MAX_LISTED: usize = 10;

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

/// The whole summary.
pub fn render(report: &Report, file: &str, lang: Lang) -> String {
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
    // What the capture holds and its Expert Info, in the words the web app uses.
    out.push('\n');
    out.push_str(&pcaplens_render::text::summary(report, lang));
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
}
