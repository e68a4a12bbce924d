//! The `pcaplens` binary: exit codes, the summary, --json, error messages, broken pipes.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use pcaplens_synth::pcap::{PcapHeader, PcapWriter};
use pcaplens_synth::pcapng::{EnhancedPacket, InterfaceDescription, PcapngWriter};

fn pcaplens(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pcaplens"))
        .args(args)
        .output()
        .expect("run pcaplens")
}

/// A file in a per-test temp directory.
fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("pcaplens-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn capture(frames: u32) -> Vec<u8> {
    let mut w = PcapWriter::new(Vec::new(), PcapHeader::new(1)).unwrap();
    for i in 0..frames {
        let mut f = vec![0xffu8; 6];
        f.extend_from_slice(&[2, 0, 0, 0, 0, 1, 0x08, 0x06]);
        f.resize(60, i as u8);
        w.write_packet((1_700_000_000 + u64::from(i), 0), &f, 60)
            .unwrap();
    }
    w.into_inner().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn help_and_version() {
    for flag in ["--help", "-h", "help"] {
        let o = pcaplens(&[flag]);
        assert_eq!(o.status.code(), Some(0));
        let out = text(&o.stdout);
        assert!(
            out.contains("pcaplens analyze FILE") && out.contains("Exit status"),
            "{out}"
        );
    }
    let o = pcaplens(&["--version"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        text(&o.stdout).trim(),
        format!("pcaplens {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &[][..],
        &["frobnicate"],
        &["analyze"],
        &["analyze", "x.pcap", "--server-port", "99999"],
        &["analyze", "x.pcap", "--bogus"],
    ] {
        let o = pcaplens(args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(text(&o.stderr).contains("Usage:"), "{args:?}");
    }
}

#[test]
fn missing_file_exits_2_naming_it() {
    let o = pcaplens(&["analyze", "/nonexistent/dir/capture.pcap"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(text(&o.stderr).contains("/nonexistent/dir/capture.pcap"));
}

#[test]
fn non_capture_says_what_it_expected() {
    let path = temp_file("notes.txt", b"these are not packets\n");
    let o = pcaplens(&["analyze", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let err = text(&o.stderr);
    assert!(err.contains("not a capture file"), "{err}");
    assert!(err.contains("74 68 65 73"), "names the first bytes: {err}");
    assert!(
        err.contains("d4 c3 b2 a1") && err.contains("0a 0d 0d 0a"),
        "{err}"
    );
    // --json still prints a report, with the error in it.
    let o = pcaplens(&["analyze", path.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(2));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert!(v["error"].as_str().unwrap().contains("not a capture"));
}

#[test]
fn summary_and_json_of_a_good_capture() {
    let path = temp_file("good.pcap", &capture(5));
    let p = path.to_str().unwrap();
    let o = pcaplens(&["analyze", p]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    assert!(out.contains("Packets         5"), "{out}");
    assert!(
        out.contains("First packet    2023-11-14 22:13:20.000000 UTC"),
        "{out}"
    );
    assert!(out.contains("contains 5 packets"), "{out}");
    let o = pcaplens(&["analyze", p, "--lang", "es"]);
    assert!(
        text(&o.stdout).contains("contiene 5 paquetes"),
        "{}",
        text(&o.stdout)
    );
    let o = pcaplens(&["analyze", p, "--markdown", "--lang", "en"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(text(&o.stdout).starts_with("# "), "{}", text(&o.stdout));
    let o = pcaplens(&["analyze", p, "--csv"]);
    assert_eq!(o.status.code(), Some(0));
    assert!(
        text(&o.stdout).starts_with("stream,"),
        "{}",
        text(&o.stdout)
    );
    let o = pcaplens(&[
        "analyze",
        p,
        "--json",
        "--server-ip",
        "10.0.0.2",
        "--server-port=443",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    assert_eq!(v["capinfos"]["packets"], 5);
    assert_eq!(v["capinfos"]["format"], "pcap");
    assert_eq!(v["file_name"], "good.pcap");
    assert_eq!(v["filter"]["server_ip"], "10.0.0.2");
    assert_eq!(v["filter"]["server_port"], 443);
}

#[test]
fn stdin_and_gzip_input() {
    let plain = capture(3);
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(&plain).unwrap();
    let gz = e.finish().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pcaplens"))
        .args(["analyze", "-", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&gz).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["capinfos"]["packets"], 3);
    assert_eq!(v["capinfos"]["compressed"], true);
}

#[test]
fn damaged_capture_exits_1_with_the_frames_before_the_damage() {
    let bytes = capture(4);
    let path = temp_file("cut.pcap", &bytes[..bytes.len() - 10]);
    let o = pcaplens(&["analyze", path.to_str().unwrap(), "--json"]);
    assert_eq!(o.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["capinfos"]["packets"], 3);
    assert_eq!(v["capinfos"]["truncated"], true);
    assert!(v["capinfos"]["warnings"][0]
        .as_str()
        .unwrap()
        .contains("frame 4"));
    assert!(text(&o.stderr).contains("damaged"));
}

#[test]
fn broken_pipe_is_a_clean_exit() {
    // Enough packet comments to make the JSON far larger than a pipe buffer.
    let mut w = PcapngWriter::with_defaults(Vec::new()).unwrap();
    w.interface(&InterfaceDescription::new(1)).unwrap();
    let frame = [0u8; 60];
    for i in 0..1000u64 {
        let mut p = EnhancedPacket::new(0, i, &frame);
        p.comment = Some(format!("{i:0>200}"));
        w.enhanced_packet(&p).unwrap();
    }
    let path = temp_file("comments.pcapng", &w.into_inner().unwrap());
    let mut child = Command::new(env!("CARGO_BIN_EXE_pcaplens"))
        .args(["analyze", path.to_str().unwrap(), "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    drop(stdout);
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert!(!text(&o.stderr).contains("panicked"));
}

#[test]
fn report_dir_writes_markdown_html_and_figures() {
    let file = temp_file("demo-report.pcap", &pcaplens_synth::demo::demo_capture());
    let dir = file.with_file_name("report-es");
    let _ = std::fs::remove_dir_all(&dir);
    let dir_arg = dir.to_string_lossy().into_owned();
    let out = pcaplens(&[
        "analyze",
        &file.to_string_lossy(),
        "--report-dir",
        &dir_arg,
        "--lang",
        "es",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // The summary still goes to stdout.
    assert!(!out.stdout.is_empty());
    let md = std::fs::read_to_string(dir.join("report.md")).unwrap();
    let html = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(md.contains("](figures/figure-01-io-graph.svg)") && md.contains("_Figura 1. "));
    let io = std::fs::read_to_string(dir.join("figures/figure-01-io-graph.svg")).unwrap();
    assert!(html.contains(io.trim_end()));
    // Same capture, same bytes.
    let again = file.with_file_name("report-es-2");
    let _ = std::fs::remove_dir_all(&again);
    let again_arg = again.to_string_lossy().into_owned();
    let out = pcaplens(&[
        "analyze",
        &file.to_string_lossy(),
        "--report-dir",
        &again_arg,
        "--lang",
        "es",
    ]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read(again.join("report.html")).unwrap(),
        html.into_bytes()
    );
    // Standard input cannot be read twice.
    let out = pcaplens(&["analyze", "-", "--report-dir", &dir_arg]);
    assert_eq!(out.status.code(), Some(2));
}
