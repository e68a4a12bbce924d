//! `cargo xtask bench`: generates large synthetic captures and measures the whole analysis
//! (packets/s, MB/s, peak memory), and the same file through tshark when it is installed.
//!
//! ```text
//! cargo xtask bench                 # standard: 200k packets, ~180 MB, 2,000 connections
//! cargo xtask bench --large         # + 1.1 GB and 2.25 GB captures, and 2.25 GB with the
//!                                   #   standard 2,000 connections (memory must stay flat)
//! cargo xtask bench --connections   # + 1,000,000 connections (SYN scan + answers): state size
//! cargo xtask bench --no-tshark     # skip the tshark comparison
//! cargo xtask bench --tshark-large  # also run tshark on the captures over 1 GB (needs ~5 GB RAM)
//! cargo xtask bench --runs 5        # best of 5 (default 3) for files under 1 GB
//! cargo xtask bench --packets       # only the packet-engine row: `pcaplens packets -Y
//!                                   #   'tcp.analysis.flags' -T fields -e frame.number` vs tshark
//! cargo xtask bench --browser       # the 1.1 GB capture through the web app in headless
//!                                   #   Chromium (tests/e2e/bench.mjs); --large adds 2.25 GB
//! ```
//!
//! Files go to `bench-data/` (gitignored) and are reused when present with the expected size.
//! The bench always runs as a release build: when started from a debug build (the `cargo
//! xtask` alias) it re-runs itself with `cargo run --release`. Each analysis runs in a child
//! process (`bench --analyze FILE`) so its peak memory (VmHWM from /proc/self/status) is the
//! analysis alone; tshark's peak is sampled from /proc/PID/status while it runs. Besides wall
//! time the child reports its CPU time (/proc/self/schedstat), which stays meaningful on a
//! loaded machine.

use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pcaplens_synth::bench::{write_capture, Spec};
use pcaplens_synth::{
    linktype, split_nanos, Link, Network, Packet, PcapHeader, PcapWriter, Tcp, TcpFlags, TcpOption,
    Transport,
};

const DATA_DIR: &str = "bench-data";
/// Read size of the analysing process (the CLI uses the same).
const CHUNK: usize = 4 << 20;
/// Connections in the `--connections` capture.
const SCAN_CONNECTIONS: u32 = 1_000_000;

struct Options {
    large: bool,
    tshark_large: bool,
    connections: bool,
    tshark: bool,
    browser: bool,
    /// Only the packet-engine row.
    packets_only: bool,
    runs: usize,
}

pub fn run(args: &[String]) -> Result<(), String> {
    if let [flag, file] = args {
        if flag == "--analyze" {
            return analyze_child(Path::new(file));
        }
    }
    if cfg!(debug_assertions) {
        // Measure optimised code only: re-run this command from a release build.
        let status = Command::new(env!("CARGO"))
            .args([
                "run",
                "--release",
                "--quiet",
                "--package",
                "xtask",
                "--",
                "bench",
            ])
            .args(args)
            .status()
            .map_err(|e| format!("starting the release build: {e}"))?;
        return if status.success() {
            Ok(())
        } else {
            Err(format!("release bench exited with {status}"))
        };
    }
    let mut o = Options {
        large: false,
        tshark_large: false,
        connections: false,
        tshark: true,
        browser: false,
        packets_only: false,
        runs: 3,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--large" => o.large = true,
            "--tshark-large" => o.tshark_large = true,
            "--connections" => o.connections = true,
            "--no-tshark" => o.tshark = false,
            "--browser" => o.browser = true,
            "--packets" => o.packets_only = true,
            "--runs" => {
                o.runs = it
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|n| *n > 0)
                    .ok_or("--runs needs a positive number")?;
            }
            other => {
                return Err(format!(
                    "unknown argument {other:?} (see crates/xtask/src/bench.rs)"
                ))
            }
        }
    }
    if o.browser {
        return browser(o.large);
    }
    let tshark = o.tshark && tshark_version().is_some();
    if o.tshark && !tshark {
        println!("tshark not found: measuring pcaplens only");
    }
    std::fs::create_dir_all(DATA_DIR).map_err(|e| format!("creating {DATA_DIR}: {e}"))?;

    let mut cases: Vec<(String, PathBuf, Spec, bool)> = vec![(
        "standard".into(),
        PathBuf::from(DATA_DIR).join("standard.pcap"),
        Spec::standard(),
        false,
    )];
    if o.large {
        cases.push((
            "1 GB".into(),
            PathBuf::from(DATA_DIR).join("browser-1gb.pcap"),
            Spec::browser_1gb(),
            false,
        ));
        cases.push((
            "2.25 GB".into(),
            PathBuf::from(DATA_DIR).join("large-2gb.pcap"),
            Spec::large_2gb(),
            false,
        ));
        // The same size with the standard file's 2,000 connections: memory depends on the
        // connections, not on the packets.
        cases.push((
            "2.25 GB, 2,000 conns".into(),
            PathBuf::from(DATA_DIR).join("large-2gb-2000.pcap"),
            Spec {
                connections: 2_000,
                concurrent: 250,
                seed: 4,
                ..Spec::large_2gb()
            },
            false,
        ));
    }
    if o.packets_only {
        let (_, path, spec, _) = &cases[0];
        ensure_capture(path, spec)?;
        return packets_row(path, o.runs, tshark);
    }
    let mut rows: Vec<Row> = Vec::new();
    for (name, path, spec, _) in &cases {
        let expected = ensure_capture(path, spec)?;
        let big = spec.estimated_bytes() > 1 << 30;
        let runs = if big { 1 } else { o.runs };
        let row = measure(name, path, runs, tshark && (!big || o.tshark_large))?;
        check_counts(name, &row.analysis, &expected)?;
        rows.push(row);
    }
    if o.connections {
        let path = PathBuf::from(DATA_DIR).join("scan-1m.pcap");
        ensure_scan_capture(&path)?;
        rows.push(measure(
            "1M connections",
            &path,
            1,
            tshark && o.tshark_large,
        )?);
    }
    print_table(&rows, tshark);
    if let Some((_, path, _, _)) = cases.first() {
        packets_row(path, o.runs, tshark)?;
    }
    Ok(())
}

/// The display filter of the packet-engine row.
const PACKETS_FILTER: &str = "tcp.analysis.flags";

/// The packet engine beside tshark: the same display filter and field output on the same
/// file. The frame lists must be equal.
fn packets_row(path: &Path, runs: usize, tshark: bool) -> Result<(), String> {
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "--quiet", "--package", "pcaplens-cli"])
        .status()
        .map_err(|e| format!("building the CLI: {e}"))?;
    if !status.success() {
        return Err("building the CLI failed".into());
    }
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let cli = exe.with_file_name(format!("pcaplens{}", std::env::consts::EXE_SUFFIX));
    let args = |c: &mut Command| {
        c.args(["-Y", PACKETS_FILTER, "-T", "fields", "-e", "frame.number"]);
    };
    let _ = std::fs::read(path).map(drop);
    let mut best: Option<(Measured, Vec<u8>)> = None;
    for _ in 0..runs {
        let mut c = Command::new(&cli);
        c.arg("packets").arg(path);
        args(&mut c);
        let r = run_measured(&mut c)?;
        if best.as_ref().is_none_or(|(b, _)| r.0.secs < b.secs) {
            best = Some(r);
        }
    }
    let (ours, our_out) = best.ok_or("no run")?;
    let frames = our_out.iter().filter(|b| **b == b'\n').count();
    let theirs = if tshark {
        let mut c = Command::new("tshark");
        c.arg("-n").arg("-r").arg(path);
        args(&mut c);
        let (m, out) = run_measured(&mut c)?;
        if out != our_out {
            return Err(format!(
                "packets: pcaplens and tshark select different frames for `{PACKETS_FILTER}`"
            ));
        }
        Some(m)
    } else {
        None
    };
    let cpu = |m: &Measured| m.cpu_secs.map_or("n/a".into(), |c| format!("{c:.3} s"));
    println!(
        "\n| packets command (standard capture) | frames shown | pcaplens wall | CPU | peak memory | tshark wall | CPU | peak memory | speed-up (wall / CPU) |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut line = format!(
        "| `-Y '{PACKETS_FILTER}' -T fields -e frame.number` | {frames} | {:.3} s | {} | {} |",
        ours.secs,
        cpu(&ours),
        peak(ours.peak_kb)
    );
    match theirs {
        Some(t) => {
            let cpu_ratio = match (t.cpu_secs, ours.cpu_secs) {
                (Some(a), Some(b)) if b > 0.0 => format!("{:.1}x", a / b),
                _ => "n/a".into(),
            };
            line.push_str(&format!(
                " {:.2} s | {} | {} | {:.1}x / {cpu_ratio} |",
                t.secs,
                cpu(&t),
                peak(t.peak_kb),
                t.secs / ours.secs
            ));
        }
        None => line.push_str(" – | – | – | – |"),
    }
    println!("{line}");
    Ok(())
}

/// Runs a command to the end, sampling its peak memory and CPU time from /proc; returns
/// them with its standard output.
fn run_measured(cmd: &mut Command) -> Result<(Measured, Vec<u8>), String> {
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting {cmd:?}: {e}"))?;
    let mut stdout = child.stdout.take().ok_or("no stdout")?;
    let reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let status_path = format!("/proc/{}/status", child.id());
    let stat_path = format!("/proc/{}/stat", child.id());
    let mut peak: Option<u64> = None;
    let mut cpu: Option<f64> = None;
    loop {
        if let Some(kb) = status_kb(&status_path) {
            peak = Some(peak.map_or(kb, |p| p.max(kb)));
        }
        if let Some(c) = stat_cpu_secs(&stat_path) {
            cpu = Some(c);
        }
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(e.to_string()),
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let out = reader.join().map_err(|_| "reading the output failed")?;
    Ok((
        Measured {
            secs,
            cpu_secs: cpu,
            peak_kb: peak,
            streaming_kb: None,
        },
        out,
    ))
}

/// User + system CPU seconds of a running process (/proc/PID/stat fields 14 and 15; clock
/// ticks of 1/100 s, the Linux default). The last sample before exit: up to 5 ms short.
fn stat_cpu_secs(path: &str) -> Option<f64> {
    let text = std::fs::read_to_string(path).ok()?;
    let rest = &text[text.rfind(')')? + 2..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = fields.get(11)?.parse().ok()?;
    let stime: f64 = fields.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// `--browser`: the same synthetic captures through the web app in Chromium. The page must show
/// the packet count the native analysis finds.
fn browser(large: bool) -> Result<(), String> {
    std::fs::create_dir_all(DATA_DIR).map_err(|e| format!("creating {DATA_DIR}: {e}"))?;
    let mut cases = vec![(
        PathBuf::from(DATA_DIR).join("browser-1gb.pcap"),
        Spec::browser_1gb(),
    )];
    if large {
        cases.push((
            PathBuf::from(DATA_DIR).join("large-2gb.pcap"),
            Spec::large_2gb(),
        ));
    }
    let mut files = Vec::new();
    for (path, spec) in &cases {
        ensure_capture(path, spec)?;
        let (_, report) = run_child(path)?;
        files.push((path.clone(), report.packets));
    }
    crate::setup::browser_bench(&files)
}

/// One measured file.
struct Row {
    name: String,
    /// The child's `key=value` line.
    analysis: String,
    bytes: u64,
    packets: u64,
    connections: u64,
    ours: Measured,
    tshark: Option<Measured>,
}

#[derive(Clone, Copy)]
struct Measured {
    secs: f64,
    /// CPU time (pcaplens only; None when /proc is not there).
    cpu_secs: Option<f64>,
    peak_kb: Option<u64>,
    /// Peak before the report is built (pcaplens only).
    streaming_kb: Option<u64>,
}

fn measure(name: &str, path: &Path, runs: usize, tshark: bool) -> Result<Row, String> {
    let bytes = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
    // Warm the page cache so every run (and tshark) reads from memory.
    let _ = std::fs::read(path).map(drop);
    let mut best: Option<(Measured, ChildReport)> = None;
    for _ in 0..runs {
        let (m, report) = run_child(path)?;
        if best.as_ref().is_none_or(|(b, _)| m.secs < b.secs) {
            best = Some((m, report));
        }
    }
    let (ours, report) = best.ok_or("no run")?;
    println!(
        "{name}: {} packets, {} connections, {:.3} s, peak {} — tcp: {}",
        report.packets,
        report.connections,
        ours.secs,
        ours.peak_kb
            .map_or("n/a".into(), |k| format!("{:.1} MB", k as f64 / 1024.0)),
        report.summary
    );
    let tshark = if tshark {
        let m = run_tshark(path)?;
        println!("{name}: tshark {:.3} s", m.secs);
        Some(m)
    } else {
        None
    };
    Ok(Row {
        analysis: report.line.clone(),
        name: name.into(),
        bytes,
        packets: report.packets,
        connections: report.connections,
        ours,
        tshark,
    })
}

fn print_table(rows: &[Row], tshark: bool) {
    println!();
    let mut head = "| capture | size | packets | connections | pcaplens wall | CPU | packets/s (CPU) | MB/s (CPU) | peak memory (while streaming) |".to_string();
    let mut rule = "|---|---|---|---|---|---|---|---|---|".to_string();
    if tshark {
        head.push_str(" tshark time | tshark peak | speed-up |");
        rule.push_str("---|---|---|");
    }
    println!("{head}\n{rule}");
    for r in rows {
        let mb = r.bytes as f64 / 1e6;
        let cpu = r.ours.cpu_secs.unwrap_or(r.ours.secs);
        let mut line = format!(
            "| {} | {:.0} MB | {} | {} | {:.3} s | {:.3} s | {:.2} M | {:.0} | {} ({}) |",
            r.name,
            mb,
            r.packets,
            r.connections,
            r.ours.secs,
            cpu,
            r.packets as f64 / cpu / 1e6,
            mb / cpu,
            peak(r.ours.peak_kb),
            peak(r.ours.streaming_kb)
        );
        if let Some(t) = r.tshark {
            line.push_str(&format!(
                " {:.2} s | {} | {:.1}x |",
                t.secs,
                peak(t.peak_kb),
                t.secs / r.ours.secs
            ));
        } else if tshark {
            line.push_str(" – | – | – |");
        }
        println!("{line}");
    }
}

fn peak(kb: Option<u64>) -> String {
    kb.map_or("n/a".into(), |k| format!("{:.1} MB", k as f64 / 1024.0))
}

/// What the analysing child prints (one line, `key=value` pairs).
struct ChildReport {
    line: String,
    packets: u64,
    connections: u64,
    summary: String,
}

fn run_child(path: &Path) -> Result<(Measured, ChildReport), String> {
    let exe = std::env::current_exe().map_err(|e| e.to_string())?;
    let out = Command::new(exe)
        .args(["bench", "--analyze"])
        .arg(path)
        .output()
        .map_err(|e| format!("running the analysis: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "analysis failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let get = |key: &str| -> Option<String> {
        text.split_whitespace().find_map(|kv| {
            kv.strip_prefix(key)
                .and_then(|v| v.strip_prefix('='))
                .map(String::from)
        })
    };
    let num = |key: &str| get(key).and_then(|v| v.parse::<f64>().ok());
    let measured = Measured {
        secs: num("secs").ok_or("child printed no time")?,
        cpu_secs: num("cpu_secs"),
        peak_kb: num("vmhwm_kb").map(|v| v as u64),
        streaming_kb: num("streaming_kb").map(|v| v as u64),
    };
    let report = ChildReport {
        line: text.trim().to_string(),
        packets: num("packets").unwrap_or(0.0) as u64,
        connections: num("connections").unwrap_or(0.0) as u64,
        summary: text
            .split_whitespace()
            .filter(|kv| {
                !kv.starts_with("secs=")
                    && !kv.starts_with("vmhwm_kb=")
                    && !kv.starts_with("packets=")
            })
            .collect::<Vec<_>>()
            .join(" "),
    };
    Ok((measured, report))
}

/// The child: analyses FILE the way the CLI does (4 MB reads) and prints its numbers.
fn analyze_child(path: &Path) -> Result<(), String> {
    let start = Instant::now();
    let cpu_start = cpu_ns();
    let mut file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut analysis = pcaplens_core::Analysis::new(pcaplens_core::Config::default());
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = file.read(&mut buf).map_err(|e| e.to_string())?;
        if n == 0 {
            break;
        }
        analysis.feed(&buf[..n]);
    }
    // Peak while streaming (the per-connection state), before the report is built.
    let streaming_kb = vm_hwm_kb();
    let report = analysis.finish();
    let secs = start.elapsed().as_secs_f64();
    let cpu = match (cpu_start, cpu_ns()) {
        (Some(a), Some(b)) => format!("{:.6}", (b - a) as f64 / 1e9),
        _ => "n/a".into(),
    };
    let t = &report.tcp;
    println!(
        "secs={secs:.6} cpu_secs={cpu} vmhwm_kb={} streaming_kb={} packets={} connections={} handshakes={} retransmissions={} dup_acks={} zero_windows={} window_updates={} issues={}",
        vm_hwm_kb().map_or("n/a".into(), |k| k.to_string()),
        streaming_kb.map_or("n/a".into(), |k| k.to_string()),
        report.capinfos.packets,
        t.summary.total_connections,
        t.summary.successful_handshakes,
        t.summary.analysis.retransmission,
        t.summary.analysis.duplicate_ack,
        t.summary.analysis.zero_window,
        t.summary.analysis.window_update,
        t.issues.len(),
    );
    Ok(())
}

/// CPU time of this process so far (Linux: /proc/self/schedstat), in ns.
fn cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// Peak resident memory of this process (Linux), in kB.
fn vm_hwm_kb() -> Option<u64> {
    status_kb("/proc/self/status")
}

fn status_kb(path: &str) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn tshark_version() -> Option<String> {
    let out = Command::new("tshark").arg("--version").output().ok()?;
    out.status.success().then(|| {
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .next()
            .unwrap_or("")
            .to_string()
    })
}

/// `tshark -q -z conv,tcp -z expert -r FILE`, timed; peak memory sampled while it runs.
fn run_tshark(path: &Path) -> Result<Measured, String> {
    let start = Instant::now();
    let mut child = Command::new("tshark")
        .args(["-q", "-z", "conv,tcp", "-z", "expert", "-r"])
        .arg(path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("starting tshark: {e}"))?;
    let status_path = format!("/proc/{}/status", child.id());
    let mut peak: Option<u64> = None;
    loop {
        if let Some(kb) = status_kb(&status_path) {
            peak = Some(peak.map_or(kb, |p| p.max(kb)));
        }
        match child.try_wait() {
            Ok(Some(_)) => break,
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(e.to_string()),
        }
    }
    Ok(Measured {
        secs: start.elapsed().as_secs_f64(),
        cpu_secs: None,
        peak_kb: peak,
        streaming_kb: None,
    })
}

/// Writes the capture unless a file of the expected size is already there.
/// What the generator says the TCP analysis must find, as `key=value` pairs the analysing
/// child also prints.
fn expected_counts(stats: &pcaplens_synth::bench::Stats) -> String {
    format!(
        "connections={} retransmissions={} dup_acks={} zero_windows={} window_updates={}",
        stats.connections,
        stats.retransmissions,
        stats.dup_acks,
        stats.zero_window_acks,
        stats.window_updates
    )
}

/// Writes the capture unless a file of the expected size is already there; returns the counts
/// the analysis must find (kept next to the file, in `NAME.size`).
fn ensure_capture(path: &Path, spec: &Spec) -> Result<String, String> {
    let marker = path.with_extension("size");
    let text = std::fs::read_to_string(&marker).unwrap_or_default();
    let mut parts = text.trim().splitn(2, ' ');
    let expected = parts.next().and_then(|s| s.parse::<u64>().ok());
    let counts = parts.next().map(str::to_string);
    let actual = std::fs::metadata(path).map(|m| m.len()).ok();
    if let (true, Some(counts)) = (expected.is_some() && expected == actual, counts) {
        return Ok(counts);
    }
    println!(
        "generating {} (~{} MB)...",
        path.display(),
        spec.estimated_bytes() / 1_000_000
    );
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let stats = write_capture(spec, file).map_err(|e| format!("{}: {e}", path.display()))?;
    let counts = expected_counts(&stats);
    std::fs::write(&marker, format!("{} {counts}", stats.bytes)).map_err(|e| e.to_string())?;
    Ok(counts)
}

/// Compares the analysis with what the generator says it wrote. Only a warning: the
/// generator counts a loss or zero-window episode when it schedules it, so an episode cut by
/// the end of the capture is counted there but not in the file (tshark agrees with us then).
fn check_counts(name: &str, summary: &str, expected: &str) -> Result<(), String> {
    let found: Vec<&str> = summary.split_whitespace().collect();
    let missing: Vec<&str> = expected
        .split_whitespace()
        .filter(|kv| !found.contains(kv))
        .collect();
    if missing.is_empty() {
        println!("{name}: the analysis found what the generator wrote ({expected})");
        Ok(())
    } else {
        println!(
            "{name}: note: the generator counted {} (episodes cut by the end of the capture \
             count there only)",
            missing.join(" ")
        );
        Ok(())
    }
}

/// A SYN scan answered by SYN-ACK, ACK, RST: one million connections, four packets each.
fn ensure_scan_capture(path: &Path) -> Result<(), String> {
    let marker = path.with_extension("size");
    let expected = std::fs::read_to_string(&marker)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok());
    let actual = std::fs::metadata(path).map(|m| m.len()).ok();
    if expected.is_some() && expected == actual {
        return Ok(());
    }
    println!(
        "generating {} ({SCAN_CONNECTIONS} connections)...",
        path.display()
    );
    let file = std::fs::File::create(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut w = PcapWriter::new(
        BufWriter::with_capacity(1 << 20, file),
        PcapHeader::new(linktype::ETHERNET),
    )
    .map_err(|e| e.to_string())?;
    let mut frame = Vec::with_capacity(128);
    let mut t: u64 = 1_705_309_200 * 1_000_000_000;
    let syn_opts = [
        TcpOption::Mss(1460),
        TcpOption::Nop,
        TcpOption::WindowScale(7),
        TcpOption::SackPermitted,
        TcpOption::Nop,
        TcpOption::Nop,
    ];
    for i in 0..SCAN_CONNECTIONS {
        // Distinct 4-tuples: client address and port vary, one server port.
        let client = std::net::SocketAddr::from((
            [10, (i >> 16) as u8, (i >> 8) as u8, i as u8],
            40000 + (i % 20000) as u16,
        ));
        let server = std::net::SocketAddr::from(([192, 168, 0, 1], 443));
        let isn = i.wrapping_mul(2_654_435_761);
        let steps: [(bool, TcpFlags, u32, u32, &[TcpOption]); 4] = [
            (true, TcpFlags::SYN, isn, 0, &syn_opts),
            (false, TcpFlags::SYN_ACK, 77, isn.wrapping_add(1), &syn_opts),
            (true, TcpFlags::ACK, isn.wrapping_add(1), 78, &[]),
            (true, TcpFlags::RST_ACK, isn.wrapping_add(1), 78, &[]),
        ];
        for (from_client, flags, seq, ack, opts) in steps {
            let (src, dst) = if from_client {
                (client, server)
            } else {
                (server, client)
            };
            frame.clear();
            Packet {
                link: Link::ethernet([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]),
                network: Network::ip(src.ip(), dst.ip()),
                transport: Transport::Tcp(Tcp {
                    ack,
                    window: 1024,
                    options: opts,
                    ..Tcp::new(src.port(), dst.port(), seq, flags)
                }),
                payload: &[],
            }
            .write(&mut frame);
            w.write_packet(split_nanos(t), &frame, frame.len() as u32)
                .map_err(|e| e.to_string())?;
            t += 1_000;
        }
    }
    let mut inner = w.into_inner().map_err(|e| e.to_string())?;
    inner.flush().map_err(|e| e.to_string())?;
    drop(inner);
    let size = std::fs::metadata(path).map_err(|e| e.to_string())?.len();
    std::fs::write(&marker, size.to_string()).map_err(|e| e.to_string())?;
    Ok(())
}
