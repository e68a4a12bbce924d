//! The per-stream packet rows of `analyze::ladder` against tshark 4.0, frame by frame: stream,
//! relative seq/ack, tcp.len, flags, analysis flags and the TLS record names of the Info
//! column, on the demo capture and every shared capture (first rows of every stream).
//!
//! Skips with a notice when tshark is not installed (CI machines).

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use pcaplens_core::analyze::ladder::{analysis_names, stream_packets, StreamQuery, TlsRecord};
use pcaplens_core::analyze_bytes;
use pcaplens_core::Config;

/// Rows compared per stream (a ladder shows the first few hundred).
const ROWS: usize = 300;

fn tshark_available() -> bool {
    Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

#[derive(Debug)]
struct TsharkRow {
    stream: u64,
    seq: u32,
    /// Empty when tshark could not read it (header cut short).
    ack: Option<u32>,
    len: u32,
    flags: Option<u16>,
    analysis: Vec<String>,
    info: String,
}

fn tshark_rows(file: &Path) -> BTreeMap<u64, TsharkRow> {
    let mut cmd = Command::new("tshark");
    cmd.arg("-r").arg(file);
    cmd.args(["-Y", "tcp", "-T", "fields", "-E", "separator=\t"]);
    for f in [
        "frame.number",
        "tcp.stream",
        "tcp.seq",
        "tcp.ack",
        "tcp.len",
        "tcp.flags",
        "_ws.col.Info",
    ] {
        cmd.args(["-e", f]);
    }
    for name in pcaplens_core::analyze::tcp::flags::NAMES {
        cmd.args(["-e", &format!("tcp.analysis.{name}")]);
    }
    let out = cmd.output().expect("tshark runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut rows = BTreeMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        // ICMP errors quoting TCP show tcp.* of the quoted header: not ladder rows.
        if f.len() < 7 || f[1].contains(',') || f[1].is_empty() {
            continue;
        }
        let num = |s: &str| s.split(',').next().unwrap_or("").parse::<u64>().ok();
        let Some(frame) = num(f[0]) else { continue };
        let analysis = pcaplens_core::analyze::tcp::flags::NAMES
            .iter()
            .enumerate()
            .filter(|(i, _)| f.get(7 + i).is_some_and(|v| !v.is_empty()))
            .map(|(_, n)| n.to_string())
            .collect();
        rows.insert(
            frame,
            TsharkRow {
                stream: num(f[1]).unwrap_or(u64::MAX),
                seq: num(f[2]).unwrap_or(0) as u32,
                ack: num(f[3]).map(|a| a as u32),
                len: num(f[4]).unwrap_or(0) as u32,
                flags: u16::from_str_radix(f[5].trim_start_matches("0x"), 16).ok(),
                analysis,
                info: f[6].to_string(),
            },
        );
    }
    rows
}

/// The TLS record names at the start of an Info column ("Server Hello, Change Cipher Spec,
/// Application Data"), empty when the Info column is TCP's.
fn tls_names(info: &str) -> Vec<String> {
    const NAMES: &[&str] = &[
        "Client Hello",
        "Server Hello",
        "Change Cipher Spec",
        "Application Data",
        "Encrypted Handshake Message",
        "Encrypted Alert",
        "Alert",
        "Certificate",
        "Server Key Exchange",
        "Server Hello Done",
        "Client Key Exchange",
        "New Session Ticket",
        "Certificate Request",
        "Certificate Verify",
        "Finished",
        "Hello Request",
        "Heartbeat",
    ];
    // "Alert (Level: Fatal, Description: Protocol Version)" → "Alert".
    let mut plain = String::new();
    let mut depth = 0;
    for c in info.trim().chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            _ if depth == 0 => plain.push(c),
            _ => {}
        }
    }
    let parts: Vec<String> = plain.split(", ").map(|s| s.trim().to_string()).collect();
    if parts.iter().all(|p| NAMES.contains(&p.as_str())) {
        parts
    } else {
        Vec::new()
    }
}

/// Compares one capture; returns (rows compared, TLS frames compared). `decrypts`: the file
/// carries TLS key logs (pcapng decryption secrets), so tshark names the encrypted records
/// ("Finished", HTTP) that we can only call "Encrypted Handshake Message" / "Application Data":
/// TLS names are not compared there.
fn compare(file: &Path, bytes: &[u8], decrypts: bool) -> (usize, usize) {
    let report = analyze_bytes(bytes, &Config::default());
    let tshark = tshark_rows(file);
    let tls_streams: Vec<u64> = report.tls.handshakes.iter().map(|h| h.stream).collect();
    let (mut rows_compared, mut tls_compared) = (0, 0);
    for conn in &report.tcp.connections {
        let tls = tls_streams.contains(&conn.stream);
        let got = stream_packets(
            bytes,
            StreamQuery {
                stream: conn.stream,
                last_frame: conn.last_frame,
                expected_packets: conn.packets,
                max_rows: ROWS,
                tls,
            },
        );
        for row in &got.rows {
            let name = file.display();
            let frame = row.frame;
            let Some(want) = tshark.get(&frame) else {
                panic!("{name}: frame {frame} is not TCP for tshark");
            };
            assert_eq!(want.stream, conn.stream, "{name} frame {frame}: stream");
            assert_eq!(want.seq, row.seq, "{name} frame {frame}: seq");
            if row.flags & 0x10 != 0 && want.ack.is_some() {
                assert_eq!(want.ack, row.ack, "{name} frame {frame}: ack");
            }
            assert_eq!(want.len, row.len, "{name} frame {frame}: len");
            if let Some(flags) = want.flags {
                assert_eq!(
                    flags & 0x1ff,
                    row.flags & 0x1ff,
                    "{name} frame {frame}: flags"
                );
            }
            let ours: Vec<String> = analysis_names(row.analysis).map(String::from).collect();
            // tshark also sets tcp.analysis.retransmission on fast and spurious
            // retransmissions (the expert item all three raise); our flags keep them apart.
            let mut want_analysis = want.analysis.clone();
            if want_analysis
                .iter()
                .any(|a| a == "fast_retransmission" || a == "spurious_retransmission")
            {
                want_analysis.retain(|a| a != "retransmission");
            }
            assert_eq!(want_analysis, ours, "{name} frame {frame}: analysis");
            rows_compared += 1;
            if tls && !decrypts {
                let want_tls = tls_names(&want.info);
                let ours: Vec<&str> = row.tls.iter().map(TlsRecord::wireshark_name).collect();
                // Only frames where tshark names records and we are in step; a frame we label
                // must carry exactly tshark's names.
                if !ours.is_empty() {
                    assert_eq!(want_tls, ours, "{name} frame {frame}: TLS ({})", want.info);
                    tls_compared += 1;
                }
            }
        }
    }
    (rows_compared, tls_compared)
}

#[test]
fn demo_capture_rows_equal_tshark() {
    if !tshark_available() {
        eprintln!("ladder_tshark: skipped: tshark is not installed");
        return;
    }
    let bytes = pcaplens_synth::demo::demo_capture();
    let dir = std::env::temp_dir().join(format!("pcaplens-ladder-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("demo.pcap");
    std::fs::write(&file, &bytes).unwrap();
    let (rows, tls) = compare(&file, &bytes, false);
    let _ = std::fs::remove_dir_all(&dir);
    // 58 TCP frames; every frame tshark names TLS records in (retransmissions aside) is labelled.
    assert_eq!(rows, 58);
    assert_eq!(tls, 24, "TLS frames labelled");
}

#[test]
fn shared_capture_rows_equal_tshark() {
    if !tshark_available() {
        eprintln!("ladder_tshark: skipped: tshark is not installed");
        return;
    }
    let corpus = common::corpus("ladder_tshark");
    let (mut rows, mut tls) = (0, 0);
    for (path, oracle) in &corpus {
        if oracle["tcp"]["stream_count"].as_u64().unwrap_or(0) == 0 {
            continue;
        }
        let bytes = std::fs::read(path).unwrap();
        let decrypts = oracle["capinfos"]["raw"]["Number of decryption secrets in file"]
            .as_str()
            .is_some_and(|n| n != "0");
        let (r, t) = compare(path, &bytes, decrypts);
        rows += r;
        tls += t;
    }
    eprintln!("ladder_tshark: {rows} rows, {tls} TLS frames equal to tshark");
}
