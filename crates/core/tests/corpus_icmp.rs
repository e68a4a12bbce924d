//! ICMP section vs the tshark oracle over ../shared/captures: per message the version, type,
//! code, identifier and sequence, the reply frame of every echo request (`icmp.resp_in`) and the
//! request frame of every reply (`icmp.resp_to`); per file the echo request / reply / unanswered
//! totals and the type/code histogram.

mod common;
mod tally;

use std::collections::BTreeMap;

use serde_json::Value;
use tally::{Known, Tally};

/// Differences we expect, each with its reason.
const KNOWN: &[Known] = &[];

fn counts(v: &Value) -> BTreeMap<String, u64> {
    v.as_object()
        .into_iter()
        .flatten()
        .map(|(k, n)| (k.clone(), n.as_u64().unwrap_or(0)))
        .collect()
}

#[test]
fn icmp_matches_tshark() {
    let mut t = Tally::new("icmp", KNOWN);
    for (path, oracle) in common::corpus("icmp_matches_tshark") {
        let report = common::analyze_file(&path);
        if tally::unreadable("icmp_matches_tshark", &path, &report, &oracle) {
            continue;
        }
        t.file(&path);
        let ours: BTreeMap<u64, &pcaplens_core::report::icmp::Message> =
            report.icmp.messages.iter().map(|m| (m.frame, m)).collect();
        let mut oracle_frames = Vec::new();
        let oi = &oracle["icmp"];
        for om in oi["messages"].as_array().into_iter().flatten() {
            let frame = om["frame"].as_u64().unwrap_or(0);
            oracle_frames.push(frame);
            let Some(m) = ours.get(&frame) else {
                t.differ(frame, "message", "missing");
                continue;
            };
            t.check(
                frame,
                "version",
                u64::from(m.version),
                om["version"].as_u64().unwrap_or(0),
            );
            t.check(
                frame,
                "type",
                u64::from(m.icmp_type),
                om["type"].as_u64().unwrap_or(999),
            );
            t.check(
                frame,
                "code",
                u64::from(m.code),
                om["code"].as_u64().unwrap_or(999),
            );
            let error = match m.version {
                4 => matches!(m.icmp_type, 3 | 4 | 5 | 11 | 12),
                _ => matches!(m.icmp_type, 1..=4),
            };
            // For an error, the oracle's addresses (the innermost IP header) and ident/seq (the
            // first icmp.ident, i.e. a quoted echo's) belong to the quoted packet.
            let (src, dst, id, seq) = match (&m.quoted, error) {
                (Some(q), true) => (q.src.as_str(), q.dst.as_str(), q.id, q.seq),
                (None, true) => ("", "", None, None),
                _ => (m.src.as_str(), m.dst.as_str(), m.id, m.seq),
            };
            t.check(frame, "src", src, om["src"].as_str().unwrap_or(""));
            t.check(frame, "dst", dst, om["dst"].as_str().unwrap_or(""));
            t.check(frame, "id", id.map(u64::from), om["ident"].as_u64());
            t.check(frame, "seq", seq.map(u64::from), om["seq"].as_u64());
            t.check(frame, "reply_frame", m.reply_frame, om["resp_in"].as_u64());
            t.check(
                frame,
                "request_frame",
                m.request_frame,
                om["resp_to"].as_u64(),
            );
        }
        for (&frame, _) in ours.iter().filter(|(f, _)| !oracle_frames.contains(f)) {
            t.differ(frame, "message", "extra (tshark shows no ICMP here)");
        }
        t.check(
            0,
            "echo_requests",
            report.icmp.echo_requests,
            oi["echo_requests"].as_u64().unwrap_or(0),
        );
        t.check(
            0,
            "echo_replies",
            report.icmp.echo_replies,
            oi["echo_replies"].as_u64().unwrap_or(0),
        );
        t.check(
            0,
            "unanswered",
            report.icmp.unanswered,
            oi["echo_requests_unanswered"].as_u64().unwrap_or(0),
        );
        t.check(
            0,
            "destination_unreachable",
            report.icmp.destination_unreachable,
            oi["destination_unreachable"].as_u64().unwrap_or(0),
        );
        t.check(
            0,
            "type_codes",
            report.icmp.type_codes.clone(),
            counts(&oi["type_code_counts"]),
        );
    }
    t.finish(0.99);
}
