//! DHCP section vs the tshark oracle over ../shared/captures: per message the type, op, xid,
//! client MAC, ciaddr, yiaddr, requested IP and server id; per transaction the message sequence
//! and DORA completeness. Frames the oracle lists as ICMP errors are left out (their `dhcp.*`
//! fields come from a quoted packet, not a DHCP message).

mod common;
mod tally;

use std::collections::BTreeMap;

use serde_json::Value;
use tally::{Known, Tally};

/// Differences we expect, each with its reason.
const KNOWN: &[Known] = &[];

fn opt_str(v: &Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

#[test]
fn dhcp_matches_tshark() {
    let mut t = Tally::new("dhcp", KNOWN);
    for (path, oracle) in common::corpus("dhcp_matches_tshark") {
        let report = common::analyze_file(&path);
        if tally::unreadable("dhcp_matches_tshark", &path, &report, &oracle) {
            continue;
        }
        t.file(&path);
        let quoted = tally::icmp_error_frames(&oracle);
        let ours: BTreeMap<u64, &pcaplens_core::report::dhcp::Message> =
            report.dhcp.messages.iter().map(|m| (m.frame, m)).collect();
        let mut oracle_frames = Vec::new();
        for om in oracle["dhcp"]["messages"].as_array().into_iter().flatten() {
            let frame = om["frame"].as_u64().unwrap_or(0);
            if quoted.contains(&frame) {
                continue;
            }
            oracle_frames.push(frame);
            let Some(m) = ours.get(&frame) else {
                t.differ(frame, "message", "missing");
                continue;
            };
            let oracle_type = match &om["msg_type"] {
                Value::String(s) => s.clone(),
                other => format!("TYPE{other}"),
            };
            t.check(
                frame,
                "message_type",
                m.message_type.clone().unwrap_or_else(|| "BOOTP".into()),
                oracle_type,
            );
            t.check(frame, "op", m.op.map(u64::from), om["op"].as_u64());
            t.check(frame, "xid", Some(m.xid.clone()), opt_str(&om["xid"]));
            t.check(
                frame,
                "client_mac",
                m.client_mac.clone(),
                opt_str(&om["client_mac"]),
            );
            t.check(frame, "ciaddr", m.ciaddr.clone(), opt_str(&om["ciaddr"]));
            t.check(frame, "yiaddr", m.yiaddr.clone(), opt_str(&om["yiaddr"]));
            t.check(
                frame,
                "requested_ip",
                m.requested_ip.clone(),
                opt_str(&om["requested_ip"]),
            );
            t.check(
                frame,
                "server_id",
                m.server_id.clone(),
                opt_str(&om["server_id"]),
            );
        }
        for (&frame, _) in ours.iter().filter(|(f, _)| !oracle_frames.contains(f)) {
            t.differ(frame, "message", "extra (tshark shows no DHCP here)");
        }
        let oracle_tx: Vec<(String, Vec<String>, bool)> = oracle["dhcp"]["transactions"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|tx| {
                let seq = tx["sequence"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|s| {
                        s.as_str()
                            .map_or_else(|| format!("TYPE{s}"), str::to_string)
                    })
                    .collect();
                (
                    tx["xid"].as_str().unwrap_or("").to_string(),
                    seq,
                    tx["dora_complete"].as_bool().unwrap_or(false),
                )
            })
            .collect();
        let our_tx: Vec<(String, Vec<String>, bool)> = report
            .dhcp
            .transactions
            .iter()
            .map(|tx| (tx.xid.clone(), tx.sequence.clone(), tx.dora_complete))
            .collect();
        t.check(0, "transactions", our_tx, oracle_tx);
    }
    t.finish(0.99);
}
