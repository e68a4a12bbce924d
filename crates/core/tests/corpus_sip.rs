//! The SIP section against the tshark 4.0.17 oracle, over every capture in ../shared/captures.
//!
//! Per SIP message (keyed by frame, in order within a frame): method or status code, Call-ID,
//! CSeq number and method, transport. Messages we report that the oracle does not (or the
//! reverse) count as failed checks. The test prints every difference, fails on any difference
//! not listed in `KNOWN_DIFFERENCES` (each with its reason), on a listed difference that no
//! longer happens, and when fewer than 99% of the checks agree.

mod common;

use std::collections::BTreeMap;

use serde_json::Value;

use pcaplens_core::report::sip::Message;
use pcaplens_core::Report;

/// Differences that are Wireshark quirks or oracle artefacts: (file, frame, field, reason).
const KNOWN_DIFFERENCES: &[(&str, u64, &str, &str)] = &[];

struct Check {
    frame: u64,
    field: &'static str,
    ours: String,
    oracle: String,
}

fn readable(report: &Report, oracle: &Value) -> bool {
    Some(report.capinfos.packets) == oracle["capinfos"]["packets"].as_u64()
}

fn show<T: std::fmt::Debug>(v: Option<T>) -> String {
    match v {
        Some(v) => format!("{v:?}"),
        None => "null".into(),
    }
}

fn compare(report: &Report, oracle: &Value) -> Vec<(Check, bool)> {
    let mut ours: BTreeMap<u64, Vec<&Message>> = BTreeMap::new();
    for m in &report.sip.messages {
        ours.entry(m.frame).or_default().push(m);
    }
    let mut theirs: BTreeMap<u64, Vec<&Value>> = BTreeMap::new();
    let empty = Vec::new();
    for m in oracle["sip"]["messages"].as_array().unwrap_or(&empty) {
        theirs
            .entry(m["frame"].as_u64().unwrap_or(0))
            .or_default()
            .push(m);
    }
    let mut out = Vec::new();
    let frames: std::collections::BTreeSet<u64> =
        ours.keys().chain(theirs.keys()).copied().collect();
    for frame in frames {
        let o = ours.get(&frame).cloned().unwrap_or_default();
        let t = theirs.get(&frame).cloned().unwrap_or_default();
        for i in 0..o.len().max(t.len()) {
            let mut check = |field: &'static str, ours: String, oracle: String| {
                let ok = ours == oracle;
                out.push((
                    Check {
                        frame,
                        field,
                        ours,
                        oracle,
                    },
                    ok,
                ));
            };
            match (o.get(i), t.get(i)) {
                (Some(m), Some(x)) => {
                    let ours_kind = match (&m.method, m.status) {
                        (Some(method), _) => method.clone(),
                        (None, Some(code)) => code.to_string(),
                        _ => "null".into(),
                    };
                    let oracle_kind = match (x["method"].as_str(), x["status_code"].as_u64()) {
                        (Some(method), _) => method.to_string(),
                        (None, Some(code)) => code.to_string(),
                        _ => "null".into(),
                    };
                    check("method_or_status", ours_kind, oracle_kind);
                    check(
                        "call_id",
                        show(m.call_id.as_deref()),
                        show(x["call_id"].as_str()),
                    );
                    check(
                        "cseq",
                        show(m.cseq_number),
                        show(x["cseq"].as_u64().map(|n| n as u32)),
                    );
                    check(
                        "cseq_method",
                        show(m.cseq_method.as_deref()),
                        show(x["cseq_method"].as_str()),
                    );
                    check(
                        "transport",
                        m.transport.clone(),
                        x["transport"].as_str().unwrap_or("").to_string(),
                    );
                }
                (Some(_), None) => check("message", "present".into(), "absent".into()),
                (None, Some(_)) => check("message", "absent".into(), "present".into()),
                (None, None) => {}
            }
        }
    }
    out
}

#[test]
fn test_sip_matches_oracle() {
    let corpus = common::corpus("test_sip_matches_oracle");
    if corpus.is_empty() {
        return;
    }
    let (mut total, mut equal) = (0usize, 0usize);
    let mut unexpected = Vec::new();
    let mut known_hit = vec![false; KNOWN_DIFFERENCES.len()];
    let mut unreadable = Vec::new();
    for (path, oracle) in &corpus {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        let report = common::analyze_file(path);
        if !readable(&report, oracle) {
            unreadable.push(name);
            continue;
        }
        let checks = compare(&report, oracle);
        let file_equal = checks.iter().filter(|(_, ok)| *ok).count();
        if !checks.is_empty() {
            eprintln!("{name}: {file_equal}/{} SIP checks equal", checks.len());
        }
        total += checks.len();
        equal += file_equal;
        for (c, ok) in checks {
            if ok {
                continue;
            }
            let known = KNOWN_DIFFERENCES
                .iter()
                .position(|(f, fr, field, _)| *f == name && *fr == c.frame && *field == c.field);
            eprintln!(
                "  {name} frame {} {}: ours {} oracle {}{}",
                c.frame,
                c.field,
                c.ours,
                c.oracle,
                if known.is_some() { " (known)" } else { "" }
            );
            match known {
                Some(i) => known_hit[i] = true,
                None => unexpected.push(format!("{name} frame {} {}", c.frame, c.field)),
            }
        }
    }
    if !unreadable.is_empty() {
        eprintln!(
            "not compared (the capture reader does not read them yet): {}",
            unreadable.join(", ")
        );
    }
    eprintln!("SIP: {equal}/{total} checks equal");
    for (i, hit) in known_hit.iter().enumerate() {
        assert!(
            hit,
            "known difference no longer happens: {:?}",
            KNOWN_DIFFERENCES[i]
        );
    }
    assert!(
        unexpected.is_empty(),
        "unexpected differences: {unexpected:#?}"
    );
    assert!(total > 0, "no SIP checks ran");
    assert!(
        equal * 100 >= total * 99,
        "only {equal}/{total} SIP checks equal"
    );
}
