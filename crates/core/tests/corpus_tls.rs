//! The TLS section against the tshark 4.0.17 oracle, over every capture in ../shared/captures.
//!
//! Per TLS stream the oracle knows: SNI, ClientHello frame, legacy version, supported_versions,
//! offered ALPN, offered cipher suites, ServerHello frame, selected version, chosen cipher, server
//! ALPN, and the handshake / change_cipher_spec / application_data / alert / heartbeat record
//! counts and decoded alert descriptions. Streams we report that the oracle does not (or the
//! reverse) count as failed checks. The test prints every difference, fails on any difference
//! not listed in `KNOWN_DIFFERENCES` (each with its reason), on a listed difference that no
//! longer happens, and when fewer than 99% of the checks agree.
//!
//! A second test compares our JA3 / JA3S strings and hashes with tshark's own
//! (`tls.handshake.ja3_full`, `ja3`, `ja3s_full`, `ja3s`) when tshark is installed.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use pcaplens_core::report::tls::Handshake;
use pcaplens_core::Report;

/// tshark decrypts this capture with the TLS key log in its pcapng Decryption Secrets Block;
/// pcaplens does not decrypt, so it sees only what travels in clear.
const DECRYPTED: &str = "tshark decrypts wiki_pcapng-example.pcapng with the keys in its pcapng \
                         Decryption Secrets Block (decrypted Finished, EncryptedExtensions ALPN, \
                         close_notify alerts, inner content types counted besides the opaque \
                         type 23); pcaplens does not decrypt";

/// Differences that are Wireshark quirks or oracle artefacts: (file, stream, field, reason).
const KNOWN_DIFFERENCES: &[(&str, u64, &str, &str)] = &[
    ("wiki_pcapng-example.pcapng", 0, "alerts", DECRYPTED),
    (
        "wiki_pcapng-example.pcapng",
        0,
        "handshake_types",
        DECRYPTED,
    ),
    ("wiki_pcapng-example.pcapng", 1, "server_alpn", DECRYPTED),
    (
        "wiki_pcapng-example.pcapng",
        1,
        "handshake_records",
        DECRYPTED,
    ),
    (
        "wiki_pcapng-example.pcapng",
        1,
        "application_data_records",
        DECRYPTED,
    ),
    ("wiki_pcapng-example.pcapng", 1, "alert_records", DECRYPTED),
    ("wiki_pcapng-example.pcapng", 1, "alerts", DECRYPTED),
    (
        "wiki_pcapng-example.pcapng",
        1,
        "handshake_types",
        DECRYPTED,
    ),
];

/// The fields the ≥ 99% target is measured on (the others are compared and must be equal or
/// listed above too).
const REQUIRED_FIELDS: [&str; 10] = [
    "stream",
    "sni",
    "client_hello_frame",
    "supported_versions",
    "alpn",
    "cipher_suites",
    "selected_version",
    "cipher",
    "change_cipher_spec_records",
    "application_data_records",
];

struct Check {
    stream: u64,
    field: String,
    ours: String,
    oracle: String,
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn opt_str(v: &Value) -> String {
    v.as_str()
        .map(String::from)
        .unwrap_or_else(|| "null".into())
}

fn opt(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "null".into())
}

/// Whether the reader read this file like tshark did (pcapng / gzip land on another branch).
fn readable(report: &Report, oracle: &Value) -> bool {
    Some(report.capinfos.packets) == oracle["capinfos"]["packets"].as_u64()
}

fn compare(report: &Report, oracle: &Value) -> Vec<(Check, bool)> {
    let ours: BTreeMap<u64, &Handshake> = report
        .tls
        .handshakes
        .iter()
        .map(|h| (h.stream, h))
        .collect();
    let mut out = Vec::new();
    let mut seen = Vec::new();
    let empty = Vec::new();
    for s in oracle["tls"]["streams"].as_array().unwrap_or(&empty) {
        let stream = s["stream"].as_u64().unwrap_or(u64::MAX);
        seen.push(stream);
        let mut check = |field: &str, ours: String, oracle: String| {
            let ok = ours == oracle;
            out.push((
                Check {
                    stream,
                    field: field.into(),
                    ours,
                    oracle,
                },
                ok,
            ));
        };
        let Some(h) = ours.get(&stream) else {
            check("stream", "absent".into(), "present".into());
            continue;
        };
        if let Some(ch) = s["client_hellos"].as_array().and_then(|a| a.first()) {
            check(
                "sni",
                opt(&h.sni),
                strs(&ch["sni"]).first().cloned().unwrap_or("null".into()),
            );
            check(
                "client_hello_frame",
                format!("{:?}", h.client_hello_frame),
                format!("{:?}", ch["frame"].as_u64()),
            );
            check(
                "legacy_version",
                opt(&h.legacy_version),
                opt_str(&ch["legacy_version"]),
            );
            check(
                "supported_versions",
                h.supported_versions.join(","),
                strs(&ch["supported_versions"]).join(","),
            );
            check("alpn", h.alpn.join(","), strs(&ch["alpn"]).join(","));
            check(
                "cipher_suites",
                h.cipher_suites.join(","),
                strs(&ch["cipher_suites"]).join(","),
            );
            let ext: Vec<String> = ch["extension_types"]
                .as_array()
                .unwrap_or(&empty)
                .iter()
                .map(|v| v.to_string())
                .collect();
            let our_ext: Vec<String> = h.extensions.iter().map(|v| v.to_string()).collect();
            check("extension_types", our_ext.join(","), ext.join(","));
        } else {
            check(
                "client_hello_frame",
                format!("{:?}", h.client_hello_frame),
                "None".into(),
            );
        }
        // The oracle lists HelloRetryRequests as ServerHellos too; ours keeps them apart.
        if let Some(sh) = s["server_hellos"].as_array().and_then(|a| a.first()) {
            check(
                "server_hello_frame",
                format!("{:?}", h.server_hello_frames.first()),
                format!("{:?}", sh["frame"].as_u64().as_ref()),
            );
            check(
                "selected_version",
                opt(&h.selected_version),
                opt_str(&sh["selected_version"]),
            );
            check("cipher", opt(&h.cipher), opt_str(&sh["cipher_suite"]));
            check(
                "server_alpn",
                opt(&h.server_alpn),
                strs(&sh["alpn"]).first().cloned().unwrap_or("null".into()),
            );
        } else {
            check(
                "server_hello_frame",
                format!("{:?}", h.server_hello_frames.first()),
                "None".into(),
            );
        }
        let r = &h.records;
        for (field, ours, key) in [
            ("handshake_records", r.handshake, "handshake_records"),
            (
                "change_cipher_spec_records",
                r.change_cipher_spec,
                "change_cipher_spec_records",
            ),
            (
                "application_data_records",
                r.application_data,
                "application_data_records",
            ),
            ("alert_records", r.alert, "alert_records"),
            ("heartbeat_records", r.heartbeat, "heartbeat_records"),
        ] {
            check(
                field,
                ours.to_string(),
                s[key].as_u64().unwrap_or(0).to_string(),
            );
        }
        let our_alerts: Vec<String> = h
            .alerts
            .iter()
            .filter_map(|a| a.description.map(|d| format!("{}:{d}", a.frame)))
            .collect();
        let oracle_alerts: Vec<String> = s["alerts"]
            .as_array()
            .unwrap_or(&empty)
            .iter()
            .map(|a| format!("{}:{}", a["frame"], a["description"]))
            .collect();
        check("alerts", our_alerts.join(","), oracle_alerts.join(","));
        let mut types: Vec<String> = h
            .handshake_messages
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        types.sort();
        let mut oracle_types: Vec<String> = s["handshake_types"]
            .as_object()
            .map(|o| o.iter().map(|(k, v)| format!("{k}={v}")).collect())
            .unwrap_or_default();
        oracle_types.sort();
        check("handshake_types", types.join(","), oracle_types.join(","));
    }
    for h in &report.tls.handshakes {
        if !seen.contains(&h.stream) {
            out.push((
                Check {
                    stream: h.stream,
                    field: "stream".into(),
                    ours: "present".into(),
                    oracle: "absent".into(),
                },
                false,
            ));
        }
    }
    out
}

#[test]
fn test_tls_matches_oracle() {
    let corpus = common::corpus("test_tls_matches_oracle");
    if corpus.is_empty() {
        return;
    }
    let (mut total, mut equal) = (0usize, 0usize);
    let (mut required, mut required_equal) = (0usize, 0usize);
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
            eprintln!("{name}: {file_equal}/{} TLS checks equal", checks.len());
        }
        total += checks.len();
        equal += file_equal;
        for (c, ok) in &checks {
            if REQUIRED_FIELDS.contains(&c.field.as_str()) {
                required += 1;
                required_equal += usize::from(*ok);
            }
        }
        for (c, ok) in checks {
            if ok {
                continue;
            }
            let known = KNOWN_DIFFERENCES
                .iter()
                .position(|(f, s, field, _)| *f == name && *s == c.stream && *field == c.field);
            eprintln!(
                "  {name} stream {} {}: ours {} oracle {}{}",
                c.stream,
                c.field,
                c.ours,
                c.oracle,
                if known.is_some() { " (known)" } else { "" }
            );
            match known {
                Some(i) => known_hit[i] = true,
                None => unexpected.push(format!("{name} stream {} {}", c.stream, c.field)),
            }
        }
    }
    if !unreadable.is_empty() {
        eprintln!(
            "frame count differs from the oracle's (damaged files): {}",
            unreadable.join(", ")
        );
    }
    eprintln!(
        "TLS: {required_equal}/{required} required checks equal; all fields: {equal}/{total}"
    );
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
    assert!(required > 0, "no TLS checks ran");
    assert!(
        required_equal * 100 >= required * 99,
        "only {required_equal}/{required} required TLS checks equal"
    );
}

/// tshark's JA3/JA3S per hello frame: frame → (ja3_full, ja3, ja3s_full, ja3s).
fn tshark_ja3(path: &Path) -> Option<BTreeMap<u64, [String; 4]>> {
    let out = Command::new("tshark")
        .args(["-r"])
        .arg(path)
        .args([
            "-Y",
            "tls.handshake.type == 1 || tls.handshake.type == 2",
            "-T",
            "fields",
            "-e",
            "frame.number",
            "-e",
            "tls.handshake.ja3_full",
            "-e",
            "tls.handshake.ja3",
            "-e",
            "tls.handshake.ja3s_full",
            "-e",
            "tls.handshake.ja3s",
        ])
        .output()
        .ok()?;
    // A cut-short file makes tshark exit non-zero after printing every frame it read.
    if !out.status.success() && out.stdout.is_empty() {
        return None;
    }
    let mut map = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let Some(frame) = f.first().and_then(|n| n.parse().ok()) else {
            continue;
        };
        let get = |i: usize| f.get(i).map(|s| s.to_string()).unwrap_or_default();
        map.insert(frame, [get(1), get(2), get(3), get(4)]);
    }
    Some(map)
}

#[test]
fn test_ja3_matches_tshark() {
    if Command::new("tshark").arg("-v").output().is_err() {
        eprintln!("test_ja3_matches_tshark: skipped: tshark is not installed");
        return;
    }
    let corpus = common::corpus("test_ja3_matches_tshark");
    let mut compared = 0;
    for (path, oracle) in &corpus {
        if oracle["tls"]["client_hello_count"].as_u64().unwrap_or(0) == 0 {
            continue;
        }
        let report = common::analyze_file(path);
        if !readable(&report, oracle) {
            continue;
        }
        let Some(tshark) = tshark_ja3(path) else {
            eprintln!("tshark failed on {}", path.display());
            continue;
        };
        for h in &report.tls.handshakes {
            if let Some(frame) = h.client_hello_frame {
                let t = &tshark[&frame];
                assert_eq!(
                    h.ja3_string.as_deref(),
                    Some(t[0].as_str()),
                    "{path:?} frame {frame}"
                );
                assert_eq!(
                    h.ja3.as_deref(),
                    Some(t[1].as_str()),
                    "{path:?} frame {frame}"
                );
                compared += 1;
            }
            if let Some(frame) = h.server_hello_frame {
                let t = &tshark[&frame];
                assert_eq!(
                    h.ja3s_string.as_deref(),
                    Some(t[2].as_str()),
                    "{path:?} frame {frame}"
                );
                assert_eq!(
                    h.ja3s.as_deref(),
                    Some(t[3].as_str()),
                    "{path:?} frame {frame}"
                );
                compared += 1;
            }
        }
    }
    eprintln!("JA3/JA3S: {compared} hellos equal to tshark's");
}

// ---------------------------------------------------------------------------------------------
// Synthetic scenarios: TCP trouble around TLS records, built with pcaplens-synth. Each asserts
// the values we expect and, when tshark and ../shared/oracle/oracle.py are present, runs the
// oracle on the same capture and requires every check of `compare` to agree.

mod scenarios {
    use std::net::SocketAddr;

    use pcaplens_core::{analyze_bytes, Config, Report};
    use pcaplens_synth::rng::Rng;
    use pcaplens_synth::tls::{self as synth_tls, ClientHello, Extension, ServerHello};
    use pcaplens_synth::{Side, TcpConversation};

    use super::{common, compare};

    fn conversation(port: u16) -> TcpConversation {
        let client: SocketAddr = "10.1.0.1:51000".parse().unwrap_or_else(|_| unreachable!());
        let server: SocketAddr = format!("10.1.0.2:{port}")
            .parse()
            .unwrap_or_else(|_| unreachable!());
        let mut c = TcpConversation::new(client, server, 1_000_000, 7_000_000);
        c.syn(vec![]);
        c.syn_ack(vec![]);
        c.ack(Side::Client);
        c
    }

    /// A ClientHello of about 1.8 KB (a large key share, as post-quantum hybrids make).
    fn big_hello(rng: &mut Rng) -> ClientHello {
        let mut ch = ClientHello::chrome_like("split.example", &["h2", "http/1.1"], rng);
        ch.extensions
            .insert(1, Extension::new(0x11ec, vec![0x42; 1200]));
        ch
    }

    /// Runs the oracle on `pcap` when tshark and oracle.py are available. `prefs` is written to
    /// a private Wireshark preferences file (via WIRESHARK_CONFIG_DIR) for that run.
    fn oracle_for(name: &str, pcap: &[u8], prefs: &str) -> Option<serde_json::Value> {
        let shared = common::shared_dir()?;
        let script = shared.join("oracle/oracle.py");
        if !script.is_file()
            || std::process::Command::new("tshark")
                .arg("-v")
                .output()
                .is_err()
        {
            eprintln!("{name}: tshark comparison skipped (tshark or oracle.py missing)");
            return None;
        }
        let dir = std::env::temp_dir().join(format!("pcaplens_{name}_{}", std::process::id()));
        std::fs::create_dir_all(&dir).ok()?;
        std::fs::write(dir.join("preferences"), prefs).ok()?;
        let path = dir.join("capture.pcap");
        std::fs::write(&path, pcap).ok()?;
        let out = std::process::Command::new("python3")
            .arg(&script)
            .arg(&path)
            .env("WIRESHARK_CONFIG_DIR", &dir)
            .output()
            .ok()?;
        if std::env::var_os("PCAPLENS_KEEP_SCENARIOS").is_none() {
            let _ = std::fs::remove_dir_all(&dir);
        }
        serde_json::from_slice(&out.stdout).ok()
    }

    /// Compares with tshark (default preferences). `known` lists the fields that differ and
    /// why; every other check must agree, and every listed field must really differ.
    fn check_against_tshark(name: &str, pcap: &[u8], report: &Report, known: &[(&str, &str)]) {
        check_with_prefs(name, pcap, report, known, "");
    }

    fn check_with_prefs(
        name: &str,
        pcap: &[u8],
        report: &Report,
        known: &[(&str, &str)],
        prefs: &str,
    ) {
        let Some(oracle) = oracle_for(name, pcap, prefs) else {
            return;
        };
        let checks = compare(report, &oracle);
        assert!(!checks.is_empty(), "{name}: no checks");
        let mut bad = Vec::new();
        let mut hit = vec![false; known.len()];
        for (c, ok) in &checks {
            if *ok {
                continue;
            }
            match known.iter().position(|(f, _)| *f == c.field) {
                Some(i) => hit[i] = true,
                None => bad.push(format!(
                    "stream {} {}: ours {} tshark {}",
                    c.stream, c.field, c.ours, c.oracle
                )),
            }
        }
        assert!(bad.is_empty(), "{name}: differences from tshark: {bad:#?}");
        for (i, h) in hit.iter().enumerate() {
            assert!(
                h,
                "{name}: listed difference no longer happens: {:?}",
                known[i]
            );
        }
        eprintln!(
            "{name}: {} checks equal to tshark, {} listed differences",
            checks.iter().filter(|(_, ok)| *ok).count(),
            known.len()
        );
    }

    #[test]
    fn test_hello_split_reordered_and_retransmitted() {
        let mut rng = Rng::new(7);
        let mut c = conversation(8443);
        let ch = big_hello(&mut rng);
        let rec = ch.record_bytes();
        let (a, b) = (600, 1200);
        c.data(Side::Client, &rec[..a]);
        let second = c.data(Side::Client, &rec[a..b]);
        let third = c.data(Side::Client, &rec[b..]);
        // Capture order: 1, 3, 2, then 2 again (a retransmission).
        c.segments_mut().swap(second, third);
        c.retransmit(third);
        let mut flight = ServerHello::tls13(&ch, 0x1301, &mut rng).record_bytes();
        flight.extend(synth_tls::change_cipher_spec());
        for _ in 0..3 {
            flight.extend(synth_tls::application_data(900, &mut rng));
        }
        for part in flight.chunks(1000) {
            c.data(Side::Server, part);
        }
        let mut fin = synth_tls::change_cipher_spec();
        fin.extend(synth_tls::application_data(53, &mut rng));
        c.data(Side::Client, &fin);
        c.fin(Side::Client);
        c.fin(Side::Server);
        let pcap = c.to_pcap();
        let report = analyze_bytes(&pcap, &Config::default());
        let h = &report.tls.handshakes[0];
        // Frames 1-3 are the handshake; parts 1, 3, 2 are frames 4, 5, 6: complete in frame 6.
        assert_eq!(h.client_hello_frame, Some(6));
        assert_eq!(h.sni.as_deref(), Some("split.example"));
        assert_eq!(h.records.application_data, 4);
        assert_eq!(h.records.change_cipher_spec, 2);
        assert_eq!(h.selected_version.as_deref(), Some("0x0304"));
        // tshark 4.0 does not reassemble out-of-order segments by default
        // (tcp.reassemble_out_of_order: FALSE): the hello's first part waits for bytes that
        // were already passed over, so tshark never dissects this ClientHello. With the
        // preference on it agrees with us on every check.
        const OOO: &str = "tshark 4.0 default tcp.reassemble_out_of_order=FALSE loses a \
                           ClientHello whose segments arrive out of order";
        check_against_tshark(
            "hello_split",
            &pcap,
            &report,
            &[
                ("client_hello_frame", OOO),
                ("handshake_records", OOO),
                ("handshake_types", OOO),
            ],
        );
        check_with_prefs(
            "hello_split_ooo",
            &pcap,
            &report,
            &[],
            "tcp.reassemble_out_of_order: TRUE\n",
        );
    }

    #[test]
    fn test_capture_loss_inside_application_data() {
        let mut rng = Rng::new(11);
        let mut c = conversation(443);
        let ch = ClientHello::chrome_like("loss.example", &["h2"], &mut rng);
        c.data(Side::Client, &ch.record_bytes());
        let mut flight = ServerHello::tls13(&ch, 0x1302, &mut rng).record_bytes();
        flight.extend(synth_tls::change_cipher_spec());
        for _ in 0..5 {
            flight.extend(synth_tls::application_data(3000, &mut rng));
        }
        let mut indices = Vec::new();
        for part in flight.chunks(1448) {
            indices.push(c.data(Side::Server, part));
            c.ack(Side::Client);
        }
        // The capture misses the fifth server segment (the peer got it: ACKs go on).
        let lost = indices[4];
        c.segments_mut().remove(lost);
        c.fin(Side::Client);
        c.fin(Side::Server);
        let pcap = c.to_pcap();
        let report = analyze_bytes(&pcap, &Config::default());
        let h = &report.tls.handshakes[0];
        assert_eq!(h.lost_bytes, 1448);
        assert!(h.server_hello_frame.is_some());
        // The hole spans the end of the second record and the header of the third: the second
        // is damaged and the rest cannot be framed again (no later segment starts on a record
        // boundary). tshark loses the same records.
        assert_eq!(h.server_records.application_data, 1);
        check_against_tshark("capture_loss", &pcap, &report, &[]);
    }

    #[test]
    fn test_tiny_segments_and_plaintext_alert() {
        let mut rng = Rng::new(3);
        // Port 443: tshark finds TLS by port (we do by content, on any port).
        let mut c = conversation(443);
        let ch = ClientHello::chrome_like("tiny.example", &[], &mut rng);
        let rec = ch.record_bytes();
        // Record header split 3 + 2, then the body in 100-byte pieces.
        c.data(Side::Client, &rec[..3]);
        c.data(Side::Client, &rec[3..5]);
        for part in rec[5..].chunks(100) {
            c.data(Side::Client, part);
        }
        c.data(Side::Server, &synth_tls::alert(2, 40));
        c.rst(Side::Server);
        let pcap = c.to_pcap();
        let report = analyze_bytes(&pcap, &Config::default());
        let h = &report.tls.handshakes[0];
        assert_eq!(h.sni.as_deref(), Some("tiny.example"));
        assert_eq!(h.alerts.len(), 1);
        assert_eq!(
            h.alerts[0].description_name.as_deref(),
            Some("handshake_failure")
        );
        check_against_tshark("tiny_segments", &pcap, &report, &[]);
    }
}

/// JA4 / JA4S of stream 0, as computed by ja4plus 1.4.0 (PyPI; an implementation independent of
/// ours and of tshark 4.0, which has no JA4) on these captures. All 65 JA4/JA4S values and raw
/// strings of the corpus agreed when this table was made; these cover TLS 1.0–1.3, GREASE, a
/// post-quantum key share, no SNI / no extensions, and a non-standard ALPN ("h2-16").
const JA4_VECTORS: [(&str, &str, &str); 8] = [
    (
        "zeek_tls10_gstatic_ext.pcap",
        "t10d360600_b06c425f59b5_eb0e26099a3f",
        "t100500_c011_011fcc93990f",
    ),
    (
        "zeek_tls12_heise_sni_alpn.pcap",
        "t13d0114h2_a17193ba21fd_d267a5f792d4",
        "t1206h1_c030_17136cd5846b",
    ),
    (
        "zeek_tls13_chrome1250_x25519kyber.pcap",
        "t13d1516h2_8daaf6152771_02713d6af862",
        "t130200_1301_234ea6891581",
    ),
    (
        "zeek_tls13_openjdk_sll2.pcap",
        "t13d3113h2_1d947a95fc68_7e1102d2036b",
        "t130200_1302_a56c5b993250",
    ),
    (
        "zeek_tls_mldsa_rawip.pcap",
        "t12i010000_ba72b8082249_000000000000",
        "t120000_002f_000000000000",
    ),
    (
        "wiki_http2-16-ssl.pcapng",
        "t12d5409h6_6e12e313ba62_3e29050f71c4",
        "t1204h6_c02f_a3161e4c2309",
    ),
    (
        "tls12_alpn.pcap",
        "t12d0208h2_b06afd972a5c_e7e480e5a997",
        "t1205h2_c02f_1ece00aee4e9",
    ),
    (
        "ipv6_tcp.pcap",
        "t13d3112h2_e8f1e7e78f70_d41ae481755e",
        "t130200_1302_a56c5b993250",
    ),
];

#[test]
fn test_ja4_matches_independent_implementation() {
    let corpus = common::corpus("test_ja4_matches_independent_implementation");
    if corpus.is_empty() {
        return;
    }
    for (file, ja4, ja4s) in JA4_VECTORS {
        let Some((path, _)) = corpus
            .iter()
            .find(|(p, _)| p.file_name().is_some_and(|n| n == file))
        else {
            panic!("{file} missing from the corpus");
        };
        let report = common::analyze_file(path);
        let h = report
            .tls
            .handshakes
            .iter()
            .find(|h| h.ja4.is_some())
            .unwrap_or_else(|| panic!("{file}: no ClientHello"));
        assert_eq!(h.ja4.as_deref(), Some(ja4), "{file}");
        assert_eq!(h.ja4s.as_deref(), Some(ja4s), "{file}");
    }
}

/// Resumptions in the corpus. tls12_alpn.pcap stream 2 is an abbreviated TLS 1.2 handshake
/// (the oracle's handshake types there are only client_hello and server_hello) after a ticket;
/// tls13_sni.pcap stream 3 resumes with a PSK (pre_shared_key, 41, in both hellos). No other
/// stream resumes.
#[test]
fn test_resumption_on_corpus() {
    let corpus = common::corpus("test_resumption_on_corpus");
    for (path, oracle) in &corpus {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        if oracle["tls"]["client_hello_count"].as_u64().unwrap_or(0) == 0 {
            continue;
        }
        let report = common::analyze_file(path);
        for h in &report.tls.handshakes {
            let expected = match (name.as_str(), h.stream) {
                ("tls12_alpn.pcap", 2) => Some("session_ticket"),
                ("tls13_sni.pcap" | "tls13_sni.pcapng", 3) => Some("psk"),
                _ => None,
            };
            assert_eq!(h.resumed.as_deref(), expected, "{name} stream {}", h.stream);
        }
    }
}
