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
    "dns.id",
    "dns.flags.response",
    "dns.flags.opcode",
    "dns.flags.rcode",
    "dns.qry.name",
    "dns.qry.type",
    "dns.qry.class",
    "dns.resp.name",
    "dns.resp.type",
    "dns.resp.ttl",
    "dns.a",
    "dns.aaaa",
    "dns.cname",
    "dns.ptr.domain_name",
    "dns.count.queries",
    "dns.count.answers",
    "dns.time",
    "dns.response_in",
    "dns.response_to",
    "dhcp.type",
    "dhcp.id",
    "dhcp.flags.bc",
    "dhcp.ip.client",
    "dhcp.ip.your",
    "dhcp.hw.mac_addr",
    "dhcp.option.dhcp",
    "dhcp.option.requested_ip_address",
    "dhcp.option.hostname",
    "dhcp.option.dhcp_server_id",
    "tls.record.content_type",
    "tls.record.version",
    "tls.handshake.type",
    "tls.handshake.version",
    "tls.handshake.ciphersuite",
    "tls.handshake.extensions_server_name",
    "tls.handshake.extensions_alpn_str",
    "tls.handshake.extensions.supported_version",
    "tls.alert_message.desc",
    "sip.Method",
    "sip.Status-Code",
    "sip.Call-ID",
    "sip.CSeq.method",
    "sip.r-uri",
    "sip.from.user",
    "sip.to.user",
    "sdp.media",
    "http.request",
    "http.response",
    "http.request.method",
    "http.request.uri",
    "http.request.version",
    "http.host",
    "http.user_agent",
    "http.response.code",
    "http.response.phrase",
    "http.content_type",
];

/// (capture, field, why) pairs known to differ.
const KNOWN: &[(&str, &str, &str)] = &[
    (TLS_CERT[0], PROTOCOLS, X509),
    (TLS_CERT[1], PROTOCOLS, X509),
    (TLS_CERT[2], PROTOCOLS, X509),
    (TLS_CERT[3], PROTOCOLS, X509),
    (TLS_CERT[4], PROTOCOLS, X509),
    ("ipv6_tcp.pcap", PROTOCOLS, TEXT_LINES),
    ("wiki_RawPacketIPv6Tunnel-UK6x.cap", PROTOCOLS, TEXT_LINES),
    (
        "zeek_get-to-ssh-server_nano.pcap",
        PROTOCOLS,
        "no SSH dissector: the payload is data",
    ),
    (
        "cs_tcp_dupack.pcapng",
        PROTOCOLS,
        "Wireshark's HTTP desegmentation of a capture that starts mid-stream (see packets_filters)",
    ),
    (
        "http_bulk_loss_both_sides.pcapng",
        PROTOCOLS,
        "out-of-order copies of the same segment seen from two vantage points: Wireshark's \
         reassembly keeps some payloads out of `data`",
    ),
    (
        "http_bulk_loss_client.pcap",
        PROTOCOLS,
        "the last segment of an HTTP body after a loss: Wireshark adds a `data` layer",
    ),
    (
        "http_bulk_loss_server.pcap",
        PROTOCOLS,
        "the last segment of an HTTP body after a loss: Wireshark adds a `data` layer",
    ),
    (
        "wiki_myfisrtsll.cap",
        PROTOCOLS,
        "IGMPv3 reports: Wireshark lists igmp twice, we once",
    ),
    (
        "zeek_trunc-hdr_snaplen.pcap",
        PROTOCOLS,
        "a cut Ethernet header: tshark names eth in frame.protocols although `eth` matches no \
         frame; we follow the filter",
    ),
];

const PROTOCOLS: &str = "frame.protocols";
const X509: &str = "X.509 certificates inside TLS are not dissected (x509sat, x509ce, pkix layers)";
const TEXT_LINES: &str = "HTTP text bodies are not dissected as data-text-lines";
const TLS_CERT: [&str; 5] = [
    "tls12_alpn.pcap",
    "wiki_http2-16-ssl.pcapng",
    "zeek_tls10_gstatic_ext.pcap",
    "zeek_tls12_heise_sni_alpn.pcap",
    "zeek_tls_mldsa_rawip.pcap",
];

/// Captures whose TLS tshark decrypts with keys stored in the file (a pcapng Decryption
/// Secrets Block): what is inside the TLS sessions differs; pcaplens does not decrypt.
const DECRYPTED: &[&str] = &["wiki_pcapng-example.pcapng"];

/// Fields that differ in a decrypted capture only because tshark sees inside TLS.
fn decryption_field(field: &str) -> bool {
    field.starts_with("tls.") || field.starts_with("http.") || field == "frame.protocols"
}

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
            if DECRYPTED.contains(&name.as_str()) && decryption_field(field) {
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
