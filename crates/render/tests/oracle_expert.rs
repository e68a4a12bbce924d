//! Expert Info against tshark 4.0's own `tshark -z expert` output (the oracle files in
//! ../shared/captures). Skipped, with a notice, when ../shared is absent.
//!
//! 1. The catalog: for every `tcp.analysis.*` item pcaplens labels as Wireshark's, the oracle's
//!    expert entries with that exact summary text have that severity, and their count equals the
//!    oracle's own count of frames carrying the field. This pins the messages, severities and
//!    which flags a group counts (tshark adds the retransmission item to fast retransmissions
//!    but not to spurious ones) to real tshark output.
//! 2. The rendering: when this build's core fills the TCP section, each group's count equals
//!    the core's counters, and differences between those counters and tshark are printed (they
//!    are the TCP analyzer's to explain, in its own corpus tests).

use std::path::{Path, PathBuf};

use pcaplens_core::{Analysis, Config};
use pcaplens_render::expert::{self, Severity, SeveritySource, TCP_FLAGS};
use pcaplens_render::Lang;
use serde_json::Value;

fn shared_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("PCAPLENS_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared")).into()
        });
    dir.join("captures").is_dir().then_some(dir)
}

fn corpus(test: &str) -> Vec<(PathBuf, Value)> {
    let Some(shared) = shared_dir() else {
        eprintln!("{test}: skipped: ../shared/captures is not present");
        return Vec::new();
    };
    let mut out = Vec::new();
    for sub in ["public", "generated"] {
        let Ok(entries) = std::fs::read_dir(shared.join("captures").join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path.to_string_lossy().into_owned();
            if name.ends_with(".oracle.json") || name.ends_with(".tsv") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(format!("{name}.oracle.json")) else {
                continue;
            };
            if let Ok(oracle) = serde_json::from_str(&text) {
                out.push((path, oracle));
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn oracle_severity(s: &str) -> Option<Severity> {
    match s {
        "Errors" => Some(Severity::Error),
        "Warns" => Some(Severity::Warning),
        "Notes" => Some(Severity::Note),
        "Chats" => Some(Severity::Chat),
        _ => None,
    }
}

/// The oracle's expert entries for one Wireshark summary text, as (severity, summed count).
fn oracle_expert(oracle: &Value, summary: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for e in oracle["expert"].as_array().into_iter().flatten() {
        let s = e["summary"].as_str().unwrap_or("");
        // Wireshark numbers duplicate ACKs in the summary: "Duplicate ACK (#3)".
        let same =
            s == summary || (summary == "Duplicate ACK" && s.starts_with("Duplicate ACK (#"));
        if same && e["protocol"] == "TCP" {
            out.push((
                e["severity"].as_str().unwrap_or("").to_string(),
                e["count"].as_u64().unwrap_or(0),
            ));
        }
    }
    out
}

#[test]
fn catalog_matches_tshark_expert_output() {
    let captures = corpus("catalog_matches_tshark_expert_output");
    let mut checked = 0;
    for (path, oracle) in &captures {
        let Some(totals) = oracle["tcp"]["analysis_totals"].as_object() else {
            continue;
        };
        for flag in TCP_FLAGS {
            let entries = oracle_expert(oracle, flag.wireshark_message);
            let count: u64 = entries.iter().map(|e| e.1).sum();
            let expected = totals.get(flag.kind).and_then(Value::as_u64).unwrap_or(0);
            assert_eq!(
                count,
                expected,
                "{}: expert count for {:?} vs frames with tcp.analysis.{}",
                path.display(),
                flag.wireshark_message,
                flag.kind
            );
            for (severity, _) in &entries {
                assert_eq!(
                    oracle_severity(severity),
                    Some(flag.severity),
                    "{}: severity of {:?}",
                    path.display(),
                    flag.wireshark_message
                );
                checked += 1;
            }
        }
        // ICMP: tshark 4.0 raises no expert item for an unanswered echo request, so pcaplens
        // must not present that group as Wireshark's.
        assert!(!oracle["expert"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|e| e["summary"] == "No response seen to ICMP request"));
    }
    if !captures.is_empty() {
        assert!(checked > 20, "only {checked} expert entries compared");
    }
}

#[test]
fn rendered_groups_follow_the_core_and_are_compared_with_tshark() {
    for (path, oracle) in corpus("rendered_groups_follow_the_core") {
        let Ok(bytes) = std::fs::read(&path) else {
            continue;
        };
        let mut analysis = Analysis::new(Config::default());
        analysis.feed(&bytes);
        let report = analysis.finish();
        if report.tcp.connections.is_empty() {
            if oracle["tcp"]["stream_count"].as_u64().unwrap_or(0) > 0 {
                eprintln!(
                    "{}: TCP comparison skipped: the TCP analyzer fills nothing in this build",
                    path.display()
                );
            }
            continue;
        }
        for lang in Lang::ALL {
            let groups = expert::groups(&report, lang);
            for flag in TCP_FLAGS {
                let core: u64 = report
                    .tcp
                    .connections
                    .iter()
                    .map(|c| flag.count_in(&c.analysis))
                    .sum();
                let group = groups.iter().find(|g| g.id == flag.filter());
                match group {
                    Some(g) => {
                        assert_eq!(g.count, core, "{}: {}", path.display(), g.id);
                        assert_eq!(g.severity, flag.severity);
                        assert_eq!(g.severity_source, SeveritySource::Wireshark);
                        assert!(g.items.iter().all(|i| i.frame.is_some()));
                    }
                    None => assert_eq!(core, 0, "{}: no group for {}", path.display(), flag.kind),
                }
                if lang == Lang::En {
                    let tshark: u64 = oracle_expert(&oracle, flag.wireshark_message)
                        .iter()
                        .map(|e| e.1)
                        .sum();
                    if tshark != core {
                        eprintln!(
                            "{}: {}: core {core}, tshark {tshark} (the TCP analyzer's difference)",
                            path.display(),
                            flag.kind
                        );
                    }
                }
            }
        }
    }
}
