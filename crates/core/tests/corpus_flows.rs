//! Flows section vs the tshark oracle (`tshark -z conv,ip`, `conv,ipv6`, `conv,udp`) over
//! ../shared/captures: the set of conversations, which endpoint is `a`, frames each way exactly,
//! and bytes each way approximately (tshark prints "14 kB": within one unit).

mod common;
mod tally;

use std::collections::BTreeMap;

use pcaplens_core::report::flows::Conversation;
use serde_json::Value;
use tally::{Known, Tally};

/// Differences we expect, each with its reason.
const KNOWN: &[Known] = &[];

/// "6840 bytes" → (6840, 1); "14 kB" → (14000, 1000).
fn bytes_and_unit(s: &str) -> (u64, u64) {
    let mut it = s.split_whitespace();
    let n: f64 = it.next().and_then(|n| n.parse().ok()).unwrap_or(-1.0);
    let unit = match it.next() {
        Some("kB") => 1_000,
        Some("MB") => 1_000_000,
        Some("GB") => 1_000_000_000,
        _ => 1,
    };
    ((n * unit as f64) as u64, unit)
}

/// "[fd00::1]:53" / "10.0.0.1:53" / "fd00::1:53" (tshark) → ("fd00::1", "53").
fn normalize_endpoint(s: &str, with_port: bool) -> String {
    if !with_port {
        return s.to_string();
    }
    let s = s.replace(['[', ']'], "");
    match s.rsplit_once(':') {
        Some((addr, port)) => format!("{addr} {port}"),
        None => s,
    }
}

fn compare(t: &mut Tally, kind: &str, ours: &[&Conversation], oracle: &Value, with_port: bool) {
    let key = |a: &str, b: &str| {
        let (a, b) = (
            normalize_endpoint(a, with_port),
            normalize_endpoint(b, with_port),
        );
        if a <= b {
            (a, b)
        } else {
            (b, a)
        }
    };
    let mut mine: BTreeMap<(String, String), &Conversation> =
        ours.iter().map(|c| (key(&c.a, &c.b), *c)).collect();
    for oc in oracle.as_array().into_iter().flatten() {
        let (oa, ob) = (
            oc["a"].as_str().unwrap_or(""),
            oc["b"].as_str().unwrap_or(""),
        );
        let what = format!("{kind} {oa} <-> {ob}");
        let Some(c) = mine.remove(&key(oa, ob)) else {
            t.differ(0, "conversation", format!("{what}: missing"));
            continue;
        };
        let same_orientation =
            normalize_endpoint(&c.a, with_port) == normalize_endpoint(oa, with_port);
        t.check(0, "conversation a", same_orientation, true);
        let (fab, bab, fba, bba) = if same_orientation {
            (
                c.packets_a_to_b,
                c.bytes_a_to_b,
                c.packets_b_to_a,
                c.bytes_b_to_a,
            )
        } else {
            (
                c.packets_b_to_a,
                c.bytes_b_to_a,
                c.packets_a_to_b,
                c.bytes_a_to_b,
            )
        };
        t.check(
            0,
            "frames a->b",
            (what.clone(), fab),
            (what.clone(), oc["frames_a_to_b"].as_u64().unwrap_or(0)),
        );
        t.check(
            0,
            "frames b->a",
            (what.clone(), fba),
            (what.clone(), oc["frames_b_to_a"].as_u64().unwrap_or(0)),
        );
        for (dir, ours_bytes, field) in [
            ("bytes a->b", bab, "bytes_a_to_b"),
            ("bytes b->a", bba, "bytes_b_to_a"),
        ] {
            let (value, unit) = bytes_and_unit(oc[field].as_str().unwrap_or(""));
            let close = ours_bytes.abs_diff(value) < unit.max(1);
            t.check(0, dir, (what.clone(), close), (what.clone(), true));
        }
    }
    for ((a, b), _) in mine {
        t.differ(0, "conversation", format!("{kind} {a} <-> {b}: extra"));
    }
}

#[test]
fn flows_match_tshark() {
    let mut t = Tally::new("flows", KNOWN);
    for (path, oracle) in common::corpus("flows_match_tshark") {
        let report = common::analyze_file(&path);
        if tally::unreadable("flows_match_tshark", &path, &report, &oracle) {
            continue;
        }
        t.file(&path);
        let f = &report.flows;
        let v4: Vec<&Conversation> = f
            .ip_conversations
            .iter()
            .filter(|c| c.ip_version == 4)
            .collect();
        let v6: Vec<&Conversation> = f
            .ip_conversations
            .iter()
            .filter(|c| c.ip_version == 6)
            .collect();
        let udp: Vec<&Conversation> = f.udp_conversations.iter().collect();
        let conv = &oracle["conversations"];
        compare(&mut t, "ip", &v4, &conv["ip"], false);
        compare(&mut t, "ipv6", &v6, &conv["ipv6"], false);
        compare(&mut t, "udp", &udp, &conv["udp"], true);
        let summary = &oracle["summary"];
        let frames = |name: &str| f.protocol_frames.get(name).copied().unwrap_or(0);
        t.check(
            0,
            "ipv4 frames",
            frames("ipv4"),
            summary["ipv4_frames"].as_u64().unwrap_or(0),
        );
        t.check(
            0,
            "ipv6 frames",
            frames("ipv6"),
            summary["ipv6_frames"].as_u64().unwrap_or(0),
        );
        // Frames per protocol (tshark's frame.protocols; tunnels and quoted headers aside).
        let tshark_frames =
            |name: &str| summary["protocol_frame_counts"][name].as_u64().unwrap_or(0);
        // tshark's frame.protocols also names the protocol of the packet quoted inside an ICMP
        // error (a port unreachable counts as "udp"); we count what frames carry, so add those.
        let quoted = |name: &str| {
            report
                .icmp
                .messages
                .iter()
                .filter(|m| m.quoted.as_ref().is_some_and(|q| q.protocol == name))
                .count() as u64
        };
        for name in ["arp", "udp", "icmp", "icmpv6", "tcp"] {
            let inner = if matches!(name, "udp" | "tcp") {
                quoted(name)
            } else {
                0
            };
            t.check(0, name, frames(name) + inner, tshark_frames(name));
        }
        t.check(
            0,
            "ipv4 fragments",
            frames("ipv4_fragment"),
            summary["ipv4_fragments"].as_u64().unwrap_or(0),
        );
    }
    t.finish(0.99);
}
