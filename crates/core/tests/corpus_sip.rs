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
            // Compared anyway (frames may be off); noted so a difference is easy to place.
            unreadable.push(name.clone());
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
            "frame count differs from the oracle's (damaged files): {}",
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

// ---------------------------------------------------------------------------------------------
// Synthetic SIP over TCP: a message split over segments, two messages in one segment, a
// retransmitted segment and keep-alive CRLFs. Asserted directly and, when tshark and
// ../shared/oracle/oracle.py are present, compared with the oracle run on the same capture.

mod scenarios {
    use std::net::SocketAddr;

    use pcaplens_core::{analyze_bytes, Config};
    use pcaplens_synth::{Side, TcpConversation};

    use super::{common, compare};

    fn sip(start: &str, cseq: &str, body: &str) -> Vec<u8> {
        format!(
            "{start}\r\nVia: SIP/2.0/TCP 10.2.0.1:40000;branch=z9hG4bK-{cseq_n}\r\n\
             f: <sip:alice@10.2.0.1>;tag=a1\r\nt: <sip:bob@10.2.0.2>\r\ni: tcp-call-1@10.2.0.1\r\n\
             CSeq: {cseq}\r\nc: application/sdp\r\nl: {}\r\n\r\n{body}",
            body.len(),
            cseq_n = cseq.split(' ').next().unwrap_or("0"),
        )
        .into_bytes()
    }

    const SDP: &str = "v=0\r\no=- 1 1 IN IP4 10.2.0.1\r\ns=-\r\nc=IN IP4 10.2.0.1\r\nt=0 0\r\n\
                       m=audio 7078 RTP/AVP 8 0\r\n";

    #[test]
    fn test_sip_over_tcp_framing() {
        let client: SocketAddr = "10.2.0.1:40000".parse().unwrap_or_else(|_| unreachable!());
        let server: SocketAddr = "10.2.0.2:5060".parse().unwrap_or_else(|_| unreachable!());
        let mut c = TcpConversation::new(client, server, 100, 900);
        c.syn(vec![]);
        c.syn_ack(vec![]);
        c.ack(Side::Client);
        let invite = sip("INVITE sip:bob@10.2.0.2 SIP/2.0", "1 INVITE", SDP);
        c.data(Side::Client, &invite[..120]);
        let second = c.data(Side::Client, &invite[120..]);
        c.retransmit(second);
        let mut both = sip("SIP/2.0 100 Trying", "1 INVITE", "");
        both.extend(sip("SIP/2.0 200 OK", "1 INVITE", SDP));
        c.data(Side::Server, &both);
        c.data(
            Side::Client,
            &sip("ACK sip:bob@10.2.0.2 SIP/2.0", "1 ACK", ""),
        );
        c.data(Side::Client, b"\r\n\r\n");
        c.data(
            Side::Client,
            &sip("BYE sip:bob@10.2.0.2 SIP/2.0", "2 BYE", ""),
        );
        c.data(Side::Server, &sip("SIP/2.0 200 OK", "2 BYE", ""));
        c.fin(Side::Client);
        c.fin(Side::Server);
        let pcap = c.to_pcap();
        let report = analyze_bytes(&pcap, &Config::default());
        let frames: Vec<u64> = report.sip.messages.iter().map(|m| m.frame).collect();
        // 1-3 handshake, 4-5 INVITE, 6 retransmission, 7 two responses, 8 ACK, 9 CRLF, 10 BYE.
        assert_eq!(frames, vec![5, 7, 7, 8, 10, 11]);
        let call = &report.sip.calls[0];
        assert_eq!(call.state, "completed");
        assert_eq!(
            call.answer.as_ref().map(|s| s.media[0].codecs.clone()),
            Some(vec!["PCMA/8000".to_string(), "PCMU/8000".to_string()])
        );
        let Some(shared) = common::shared_dir() else {
            return;
        };
        let script = shared.join("oracle/oracle.py");
        if !script.is_file()
            || std::process::Command::new("tshark")
                .arg("-v")
                .output()
                .is_err()
        {
            eprintln!("test_sip_over_tcp_framing: tshark comparison skipped");
            return;
        }
        let path =
            std::env::temp_dir().join(format!("pcaplens_sip_tcp_{}.pcap", std::process::id()));
        std::fs::write(&path, &pcap).unwrap_or_default();
        let out = std::process::Command::new("python3")
            .arg(&script)
            .arg(&path)
            .output();
        if std::env::var_os("PCAPLENS_KEEP_SCENARIOS").is_none() {
            let _ = std::fs::remove_file(&path);
        }
        let Some(oracle) = out
            .ok()
            .and_then(|o| serde_json::from_slice(&o.stdout).ok())
        else {
            panic!("oracle.py failed");
        };
        let checks = compare(&report, &oracle);
        // Oracle artefact: oracle.py makes one message per frame (the first sip.Status-Code of
        // the row), so the second of two responses coalesced in frame 7 is missing there;
        // tshark itself dissects both (`sip.Status-Code` = "100,200" on that frame).
        let known = |c: &super::Check| c.frame == 7 && c.field == "message";
        assert!(
            checks.iter().any(|(c, ok)| !ok && known(c)),
            "frame 7 difference gone"
        );
        let bad: Vec<String> = checks
            .iter()
            .filter(|(c, ok)| !ok && !known(c))
            .map(|(c, _)| {
                format!(
                    "frame {} {}: ours {} tshark {}",
                    c.frame, c.field, c.ours, c.oracle
                )
            })
            .collect();
        assert!(bad.is_empty(), "differences from tshark: {bad:#?}");
        eprintln!("sip_tcp: {} checks equal to tshark", checks.len());
    }
}
