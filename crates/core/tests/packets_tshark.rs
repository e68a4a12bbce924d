//! Every field value the packet engine gives, against a local `tshark -2 -T fields` on every
//! capture of the corpus (skipped with a notice when tshark or ../shared is absent).
//!
//! For each capture and each field below, the values of every frame (all occurrences, joined
//! by `,` as tshark prints them) must be equal. Known differences are listed in `KNOWN` with
//! their reason.

mod common;

use std::collections::HashMap;
use std::process::Command;

use pcaplens_core::packets::query::{self, Plan};
use pcaplens_core::packets::registry;

/// The fields checked (issue 12's list, for the protocols the engine dissects).
const FIELDS: &[&str] = &[
    "frame.number",
    "frame.len",
    "frame.cap_len",
    "frame.time_relative",
    "frame.time_delta",
    "frame.interface_id",
    "frame.protocols",
    "eth.src",
    "eth.dst",
    "eth.addr",
    "eth.type",
    "vlan.id",
    "arp.opcode",
    "arp.src.proto_ipv4",
    "arp.dst.proto_ipv4",
    "ip.src",
    "ip.dst",
    "ip.addr",
    "ip.proto",
    "ip.ttl",
    "ip.len",
    "ip.id",
    "ip.hdr_len",
    "ip.flags.df",
    "ip.flags.mf",
    "ip.frag_offset",
    "ipv6.src",
    "ipv6.dst",
    "ipv6.addr",
    "ipv6.nxt",
    "ipv6.hlim",
    "ipv6.plen",
    "tcp.srcport",
    "tcp.dstport",
    "tcp.port",
    "tcp.stream",
    "tcp.len",
    "tcp.seq",
    "tcp.ack",
    "tcp.nxtseq",
    "tcp.seq_raw",
    "tcp.ack_raw",
    "tcp.hdr_len",
    "tcp.window_size_value",
    "tcp.window_size",
    "tcp.window_size_scalefactor",
    "tcp.flags",
    "tcp.flags.syn",
    "tcp.flags.ack",
    "tcp.flags.fin",
    "tcp.flags.reset",
    "tcp.flags.push",
    "tcp.flags.urg",
    "tcp.options.mss_val",
    "tcp.options.wscale.shift",
    "tcp.options.sack_perm",
    "tcp.options.sack_le",
    "tcp.options.sack_re",
    "tcp.options.timestamp.tsval",
    "tcp.options.timestamp.tsecr",
    "tcp.time_relative",
    "tcp.time_delta",
    "tcp.analysis.flags",
    "tcp.analysis.retransmission",
    "tcp.analysis.fast_retransmission",
    "tcp.analysis.spurious_retransmission",
    "tcp.analysis.duplicate_ack",
    "tcp.analysis.duplicate_ack_num",
    "tcp.analysis.duplicate_ack_frame",
    "tcp.analysis.lost_segment",
    "tcp.analysis.ack_lost_segment",
    "tcp.analysis.out_of_order",
    "tcp.analysis.zero_window",
    "tcp.analysis.zero_window_probe",
    "tcp.analysis.zero_window_probe_ack",
    "tcp.analysis.keep_alive",
    "tcp.analysis.keep_alive_ack",
    "tcp.analysis.window_update",
    "tcp.analysis.window_full",
    "tcp.analysis.reused_ports",
    "tcp.analysis.initial_rtt",
    "tcp.analysis.ack_rtt",
    "tcp.analysis.acks_frame",
    "tcp.analysis.bytes_in_flight",
    "udp.srcport",
    "udp.dstport",
    "udp.port",
    "udp.length",
    "icmp.type",
    "icmp.code",
    "icmp.ident",
    "icmp.seq",
    "icmp.resp_in",
    "icmp.resp_to",
    "icmpv6.type",
    "icmpv6.code",
];

/// (capture, field, why) pairs known to differ.
const KNOWN: &[(&str, &str, &str)] = &[];

fn tshark_available() -> bool {
    Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[test]
fn field_values_equal_tshark() {
    if !tshark_available() {
        eprintln!("field_values_equal_tshark: skipped: tshark is not installed");
        return;
    }
    let corpus = common::corpus("field_values_equal_tshark");
    if corpus.is_empty() {
        return;
    }
    let only = std::env::var("PCAPLENS_ONLY").ok();
    let mut failures: Vec<String> = Vec::new();
    let mut checked = 0usize;
    for (path, _) in &corpus {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if only.as_deref().is_some_and(|o| !name.contains(o)) {
            continue;
        }
        let mut cmd = Command::new("tshark");
        cmd.args(["-n", "-2", "-r"])
            .arg(path)
            .args(["-T", "fields"]);
        for f in FIELDS {
            cmd.args(["-e", f]);
        }
        let Ok(out) = cmd.output() else {
            continue;
        };
        if !out.status.success() {
            // tshark -2 prints nothing for a file its first pass finds damaged.
            continue;
        }
        let text = String::from_utf8_lossy(&out.stdout);
        let mut theirs: HashMap<u64, Vec<String>> = HashMap::new();
        for line in text.lines() {
            let cols: Vec<String> = line.split('\t').map(str::to_string).collect();
            if let Some(n) = cols.first().and_then(|c| c.parse().ok()) {
                theirs.insert(n, cols);
            }
        }
        let bytes = std::fs::read(path).unwrap_or_default();
        let plan = Plan::new(None, FIELDS, false, false).expect("fields are registered");
        let defs: Vec<_> = FIELDS
            .iter()
            .map(|f| registry::lookup(f).expect("registered"))
            .collect();
        let mut per_field: HashMap<&str, (usize, String)> = HashMap::new();
        query::scan_bytes(plan, &bytes, |d| {
            let Some(want) = theirs.get(&d.frame) else {
                return;
            };
            for (i, def) in defs.iter().enumerate() {
                let got = query::field_text(d, def);
                let exp = want.get(i).map(String::as_str).unwrap_or("");
                checked += 1;
                if got != exp {
                    let e = per_field.entry(FIELDS[i]).or_insert((0, String::new()));
                    if e.0 == 0 {
                        e.1 = format!("frame {}: tshark '{exp}', ours '{got}'", d.frame);
                    }
                    e.0 += 1;
                }
            }
        });
        let mut fields: Vec<_> = per_field.into_iter().collect();
        fields.sort();
        for (field, (count, first)) in fields {
            if KNOWN.iter().any(|(c, f, _)| *c == name && *f == field) {
                continue;
            }
            failures.push(format!(
                "{name} {field}: {count} frames differ, e.g. {first}"
            ));
        }
    }
    eprintln!("field_values_equal_tshark: {checked} values compared");
    assert!(
        failures.is_empty(),
        "{} field/capture pairs differ:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
