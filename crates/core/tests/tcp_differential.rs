//! Differential test: our TCP analysis against tshark, frame by frame, on seeded random
//! captures (loss, reordering, duplication, SACK dup ACKs, zero windows, keep-alives, window
//! fills, FIN/RST, port reuse, IPv4 and IPv6).
//!
//! Skips with a notice when tshark is not installed. Set `PCAPLENS_DIFF_SEEDS=n` for more
//! captures (default 40), `PCAPLENS_DIFF_FIRST=n` to start at another seed, and `PCAPLENS_DIFF_KEEP=1` to keep the files in the temp dir.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use pcaplens_core::analyze::tcp::{flags, TcpAnalyzer};
use pcaplens_core::capture::Reader;
use pcaplens_core::decode::decode_frame;
use pcaplens_core::{analyze_bytes, Config};
use pcaplens_synth::rng::Rng;
use pcaplens_synth::{
    linktype, split_nanos, PcapHeader, PcapWriter, SegmentSpec, Side, TcpConversation, TcpFlags,
    TcpOption,
};

/// tshark field names of the analysis flags, by our bit position.
const FIELDS: [&str; flags::COUNT] = flags::NAMES;

fn tshark_available() -> bool {
    Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// One scripted connection: random events on a `TcpConversation`.
fn script(rng: &mut Rng, client: SocketAddr, server: SocketAddr, start: u64) -> TcpConversation {
    // Now and then sequence numbers that wrap around 2^32 during the connection.
    let isn = |rng: &mut Rng| {
        if rng.chance(150_000) {
            0u32.wrapping_sub(rng.range(0, 60_000) as u32)
        } else {
            rng.next_u32()
        }
    };
    let (client_isn, server_isn) = (isn(rng), isn(rng));
    let mut c = TcpConversation::new(client, server, client_isn, server_isn);
    c.set_time(start);
    let step = |rng: &mut Rng| -> u64 {
        match rng.below(10) {
            0..=3 => rng.range(10_000, 900_000), // < 1 ms: inside any iRTT
            4..=6 => rng.range(1_000_000, 15_000_000), // 1-15 ms
            7..=8 => rng.range(15_000_000, 40_000_000), // around the 20 ms fast-rt window
            _ => rng.range(100_000_000, 1_500_000_000), // RTO-like pauses
        }
    };
    let ws = if rng.chance(700_000) {
        Some(rng.below(9) as u8)
    } else {
        None
    };
    let mut syn_opts = vec![TcpOption::Mss(1460)];
    if rng.chance(800_000) {
        syn_opts.push(TcpOption::SackPermitted);
    }
    if let Some(w) = ws {
        syn_opts.push(TcpOption::Nop);
        syn_opts.push(TcpOption::WindowScale(w));
    }
    let server_ws = if ws.is_some() && rng.chance(850_000) {
        Some(rng.below(9) as u8)
    } else {
        None
    };
    let mut synack_opts = vec![TcpOption::Mss(1400), TcpOption::SackPermitted];
    if let Some(w) = server_ws {
        synack_opts.push(TcpOption::Nop);
        synack_opts.push(TcpOption::WindowScale(w));
    }
    let shift = |side: Side| -> u32 {
        match (ws, server_ws) {
            (Some(cw), Some(sw)) => u32::from(if side == Side::Client { cw } else { sw }),
            _ => 0,
        }
    };

    // Handshake (or not: a capture that starts mid-connection).
    let hs = rng.below(10);
    if hs < 8 {
        c.set_step(step(rng));
        c.syn(syn_opts.clone());
        if rng.chance(150_000) {
            c.set_step(step(rng));
            c.retransmit(0);
        }
        if hs < 7 {
            c.set_step(step(rng));
            c.syn_ack(synack_opts);
            c.set_step(step(rng));
            c.ack(Side::Client);
        }
    } else {
        // Mid-stream: both sides already past their SYNs.
        let (cs, ss) = (c.next_seq(Side::Client), c.next_seq(Side::Server));
        c.set_rcv_next(Side::Server, cs);
        c.set_rcv_next(Side::Client, ss);
    }

    let events = rng.range(10, 70);
    let mut data_idx: Vec<usize> = Vec::new();
    for _ in 0..events {
        c.set_step(step(rng));
        let side = if rng.chance(700_000) {
            Side::Server
        } else {
            Side::Client
        };
        match rng.below(28) {
            0..=5 => {
                let len = rng.range(1, 1460) as usize;
                let i = if rng.chance(120_000) {
                    c.data_lost(side, &vec![b'x'; len])
                } else {
                    c.data(side, &vec![b'd'; len])
                };
                data_idx.push(i);
            }
            6..=8 => {
                c.ack(side);
            }
            9 => {
                c.dup_ack_sack(side);
                if rng.chance(500_000) {
                    c.dup_ack_sack(side);
                }
            }
            10 => {
                if let Some(&i) = data_idx.get(rng.below(data_idx.len() as u64) as usize) {
                    c.retransmit(i);
                }
            }
            11 => {
                // Capture gap: bytes sent but never captured.
                c.skip_seq(side, rng.range(1, 3000) as u32);
            }
            12 => {
                // Reorder: swap the last two segments, keeping times in file order.
                let segs = c.segments_mut();
                let n = segs.len();
                if n >= 2 {
                    let (t1, t2) = (segs[n - 2].time, segs[n - 1].time);
                    segs.swap(n - 2, n - 1);
                    segs[n - 2].time = t1;
                    segs[n - 1].time = t2;
                }
            }
            13 => {
                // Duplicate the last segment (a second capture of it).
                let segs = c.segments_mut();
                if let Some(last) = segs.last().cloned() {
                    let mut dup = last;
                    dup.time += rng.range(1_000, 50_000);
                    segs.push(dup);
                    let t = segs.last().map(|s| s.time).unwrap_or(0);
                    c.set_time(t + 1_000);
                }
            }
            14 => {
                // Zero window from `side`, a probe or two from the peer, then a window update.
                let peer = side.peer();
                c.set_window(side, 0);
                c.ack(side);
                let probes = rng.range(0, 2);
                for _ in 0..probes {
                    c.set_step(step(rng));
                    if rng.chance(500_000) {
                        // Linux-style probe: old sequence number, no data.
                        let seq = c.next_seq(peer).wrapping_sub(1);
                        c.send(peer, SegmentSpec::new(TcpFlags::ACK).seq(seq).no_advance());
                    } else {
                        c.send(peer, SegmentSpec::new(TcpFlags::PSH_ACK).payload(b"p"));
                    }
                    if rng.chance(600_000) {
                        c.set_step(step(rng));
                        c.ack(side);
                    }
                }
                c.set_window(side, rng.range(100, 65535) as u16);
                c.set_step(step(rng));
                c.ack(side);
            }
            15 => {
                // Keep-alive: one byte before next_seq, with 0 or 1 byte of garbage.
                let seq = c.next_seq(side).wrapping_sub(1);
                let spec = SegmentSpec::new(TcpFlags::ACK).seq(seq).no_advance();
                let spec = if rng.chance(500_000) {
                    spec.payload(b"\0")
                } else {
                    spec
                };
                c.send(side, spec);
                if rng.chance(700_000) {
                    c.set_step(step(rng));
                    c.ack(side.peer());
                }
            }
            16 => {
                // Fill the peer's advertised window exactly.
                let peer = side.peer();
                let win = rng.range(50, 3000) as u16;
                c.set_window(peer, win);
                c.ack(peer);
                c.set_step(step(rng));
                let edge = c
                    .rcv_next(peer)
                    .wrapping_add(u32::from(win).wrapping_shl(shift(peer)));
                let len = edge.wrapping_sub(c.next_seq(side));
                if (1..=1460).contains(&len) {
                    c.data(side, &vec![b'f'; len as usize]);
                }
                c.set_window(peer, 65535);
            }
            17 => {
                // A window update (pure ACK, new window).
                let w = rng.range(1000, 65535) as u16;
                c.set_window(side, w);
                c.ack(side);
            }
            18 => {
                // Fast retransmission pattern: loss, data after it, dup ACKs, retransmit.
                let len = rng.range(100, 1460) as usize;
                let lost = c.data_lost(side, &vec![b'l'; len]);
                c.set_step(rng.range(10_000, 400_000));
                c.data(side, &vec![b'm'; len]);
                c.data(side, &vec![b'n'; len]);
                c.ack(side.peer());
                c.dup_ack_sack(side.peer());
                c.dup_ack_sack(side.peer());
                c.set_step(step(rng));
                c.retransmit(lost);
            }
            19 => {
                // Partial / overlapping retransmission of a range.
                let seq = c.next_seq(side).wrapping_sub(rng.range(1, 2000) as u32);
                let len = rng.range(1, 1460) as usize;
                c.retransmit_range(side, seq, &vec![b'r'; len]);
            }
            20 => {
                // An ACK for data never captured going the other way.
                let peer = side.peer();
                let ack = c.rcv_next(side).wrapping_add(rng.range(1, 2000) as u32);
                c.send(side, SegmentSpec::new(TcpFlags::ACK).ack(ack));
                let _ = peer;
            }
            22 => {
                // Reorder keeping the original times: capture timestamps go backwards.
                let segs = c.segments_mut();
                let n = segs.len();
                if n >= 2 {
                    segs.swap(n - 2, n - 1);
                }
            }
            23 => {
                // A SYN (or SYN-ACK) in the middle of the connection, sometimes with data or
                // with FIN/RST as well.
                let mut fl = if side == Side::Client {
                    TcpFlags::SYN
                } else {
                    TcpFlags::SYN_ACK
                };
                if rng.chance(200_000) {
                    fl = TcpFlags(fl.0 | TcpFlags::FIN.0);
                } else if rng.chance(200_000) {
                    fl = TcpFlags(fl.0 | TcpFlags::RST.0);
                }
                let seq = match rng.below(3) {
                    0 => c.next_seq(side).wrapping_sub(1),
                    1 => rng.next_u32(),
                    _ => c.next_seq(side),
                };
                let spec = SegmentSpec::new(fl).seq(seq).no_advance();
                let spec = if rng.chance(300_000) {
                    spec.payload(b"tfo")
                } else {
                    spec
                };
                c.send(side, spec);
            }
            24 => {
                // A packet with odd flags: no ACK flag but an ACK number, FIN without ACK,
                // RST with data, PSH alone.
                let fl = match rng.below(4) {
                    0 => TcpFlags::PSH,
                    1 => TcpFlags::FIN,
                    2 => TcpFlags::RST,
                    _ => TcpFlags(TcpFlags::RST.0 | TcpFlags::ACK.0),
                };
                let spec = SegmentSpec::new(fl)
                    .ack(c.rcv_next(side).wrapping_add(rng.range(0, 3) as u32))
                    .no_advance();
                let spec = if rng.chance(500_000) {
                    spec.payload(b"odd")
                } else {
                    spec
                };
                c.send(side, spec);
            }
            25 => {
                // Several SYN retransmissions close together.
                if let Some(first) = c.segments().iter().position(|s| s.flags.0 & 0x12 == 0x02) {
                    for _ in 0..rng.range(1, 3) {
                        c.set_step(rng.range(100_000, 3_000_000));
                        c.retransmit(first);
                    }
                }
            }
            26 => {
                // A zero-window probe exactly at next_seq while the peer's window is 0.
                let peer = side.peer();
                c.set_window(peer, 0);
                c.ack(peer);
                c.set_step(step(rng));
                c.zero_window_probe(side, b'z');
                c.ack(peer);
                c.set_window(peer, 8000);
                c.ack(peer);
            }
            _ => {
                // Pure window change with data.
                let len = rng.range(1, 200) as usize;
                c.data(side, &vec![b'w'; len]);
            }
        }
    }
    c.set_step(step(rng));
    match rng.below(5) {
        0 | 1 => {
            let first = if rng.chance(500_000) {
                Side::Client
            } else {
                Side::Server
            };
            c.fin(first);
            c.set_step(step(rng));
            c.fin(first.peer());
            c.ack(first);
        }
        2 => {
            c.rst(if rng.chance(500_000) {
                Side::Client
            } else {
                Side::Server
            });
        }
        3 => {
            c.fin(Side::Client);
            c.set_step(step(rng));
            c.rst_only(Side::Server);
        }
        _ => {}
    }
    c
}

/// A capture: a few connections (sometimes reusing a 4-tuple), interleaved by time.
fn capture(seed: u64) -> Vec<u8> {
    let mut rng = Rng::new(seed);
    let v6 = rng.chance(250_000);
    let (ca, sa) = if v6 {
        ("[fd00::1]", "[fd00::2]")
    } else {
        ("10.1.0.1", "10.2.0.2")
    };
    let conns = rng.range(1, 8);
    // Sometimes a connection shares a live 4-tuple with another one (chaos tshark must survive).
    let clash = rng.chance(200_000);
    let mut frames: Vec<(u64, Vec<u8>)> = Vec::new();
    let base = 1_700_000_000_000_000_000u64 + seed * 1_000_000_000;
    for i in 0..conns {
        // The third connection reuses the first one's 4-tuple after everything so far.
        let port = match i {
            2 => 40000,
            3 if clash => 40001,
            _ => 40000 + i as u16,
        };
        let client: SocketAddr = format!("{ca}:{port}").parse().unwrap();
        let server: SocketAddr = format!("{sa}:443").parse().unwrap();
        let start = if i == 2 {
            frames.iter().map(|f| f.0).max().unwrap_or(base) + 2_000_000_000
        } else {
            base + rng.range(0, 50_000_000)
        };
        let conv = script(&mut rng, client, server, start);
        frames.extend(conv.frames());
    }
    frames.sort_by_key(|f| f.0);
    let mut w = PcapWriter::new(Vec::new(), PcapHeader::new(linktype::ETHERNET)).unwrap();
    for (t, f) in &frames {
        w.write_packet(split_nanos(*t), f, f.len() as u32).unwrap();
    }
    w.into_inner().unwrap()
}

/// Per frame: (dup-ack num, dup-ack frame, rto frame) from the report's issues.
type IssueFacts = (Option<u64>, Option<u64>, Option<u64>);

/// Per frame: (stream, analysis field names present, dup-ack num, dup-ack frame, rto frame).
type FrameFacts = (
    Option<u64>,
    Vec<String>,
    Option<u64>,
    Option<u64>,
    Option<u64>,
);

fn tshark_frames(path: &Path) -> BTreeMap<u64, FrameFacts> {
    let mut args: Vec<String> = vec![
        "-r".into(),
        path.display().to_string(),
        "-T".into(),
        "fields".into(),
    ];
    let mut fields = vec!["frame.number".to_string(), "tcp.stream".to_string()];
    fields.extend(FIELDS.iter().map(|f| format!("tcp.analysis.{f}")));
    fields.extend(
        [
            "tcp.analysis.duplicate_ack_num",
            "tcp.analysis.duplicate_ack_frame",
            "tcp.analysis.rto_frame",
        ]
        .map(String::from),
    );
    for f in &fields {
        args.push("-e".into());
        args.push(f.clone());
    }
    let out = Command::new("tshark")
        .args(&args)
        .output()
        .expect("tshark runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut map = BTreeMap::new();
    for line in text.lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        let num = |i: usize| {
            cols.get(i)
                .and_then(|v| v.split(',').next()?.parse::<u64>().ok())
        };
        let Some(frame) = num(0) else { continue };
        let mut names: Vec<String> = Vec::new();
        for (i, f) in FIELDS.iter().enumerate() {
            if cols.get(2 + i).is_some_and(|v| !v.is_empty()) {
                names.push(f.to_string());
            }
        }
        names.sort();
        let n = 2 + FIELDS.len();
        map.insert(frame, (num(1), names, num(n), num(n + 1), num(n + 2)));
    }
    map
}

/// Per stream: (completeness, initial RTT in µs) from a two-pass run (final values).
fn tshark_streams(path: &Path) -> BTreeMap<u64, (u64, Option<i64>)> {
    let out = Command::new("tshark")
        .args(["-2", "-r"])
        .arg(path)
        .args([
            "-T",
            "fields",
            "-e",
            "tcp.stream",
            "-e",
            "tcp.completeness",
            "-e",
            "tcp.analysis.initial_rtt",
        ])
        .output()
        .expect("tshark runs");
    let mut map = BTreeMap::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let cols: Vec<&str> = line.split('\t').collect();
        let Some(stream) = cols.first().and_then(|v| v.parse::<u64>().ok()) else {
            continue;
        };
        let comp = cols.get(1).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
        let irtt = cols
            .get(2)
            .and_then(|v| v.parse::<f64>().ok())
            .map(|s| (s * 1e6).round() as i64);
        let e = map.entry(stream).or_insert((comp, irtt));
        if e.1.is_none() {
            e.1 = irtt;
        }
    }
    map
}

fn our_frames(bytes: &[u8]) -> BTreeMap<u64, FrameFacts> {
    let report = analyze_bytes(bytes, &Config::default());
    let mut extra: BTreeMap<u64, IssueFacts> = BTreeMap::new();
    for i in &report.tcp.issues {
        let e = extra.entry(i.frame).or_default();
        if i.dup_ack_num.is_some() {
            e.0 = i.dup_ack_num;
            e.1 = i.dup_ack_of;
        }
        if i.original_frame.is_some() {
            e.2 = i.original_frame;
        }
    }
    let mut tcp = TcpAnalyzer::new(&Config::default());
    let mut reader = Reader::new();
    let mut map = BTreeMap::new();
    let mut on_frame = |frame: &pcaplens_core::capture::Frame<'_>| {
        let packet = decode_frame(frame);
        let ctx = tcp.on_packet(&packet);
        let mut names: Vec<String> = Vec::new();
        if let Some(ctx) = ctx {
            for (bit, name) in FIELDS.iter().enumerate() {
                if ctx.analysis & (1 << bit) != 0 {
                    names.push(name.to_string());
                }
            }
            // tshark marks fast and spurious retransmissions as retransmissions too.
            if ctx.analysis & u32::from(flags::ANY_RETRANSMISSION) != 0
                && !names.iter().any(|n| n == "retransmission")
            {
                names.push("retransmission".into());
            }
        }
        names.sort();
        let (dn, df, rto) = extra.get(&frame.number).copied().unwrap_or_default();
        map.insert(frame.number, (ctx.map(|c| c.stream), names, dn, df, rto));
    };
    reader.feed(bytes, &mut on_frame);
    reader.finish(&mut on_frame);
    map
}

#[test]
fn tcp_flags_match_tshark_frame_by_frame() {
    if !tshark_available() {
        eprintln!("tcp_differential: skipped: tshark is not installed");
        return;
    }
    let seeds: u64 = std::env::var("PCAPLENS_DIFF_SEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let first: u64 = std::env::var("PCAPLENS_DIFF_FIRST")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let keep = std::env::var("PCAPLENS_DIFF_KEEP").is_ok();
    let dir: PathBuf =
        std::env::temp_dir().join(format!("pcaplens-tcpdiff-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (mut frames_total, mut frames_equal, mut streams_total, mut streams_equal) = (0, 0, 0, 0);
    let mut failures: Vec<String> = Vec::new();
    for seed in first..first + seeds {
        let bytes = capture(seed);
        let path = dir.join(format!("seed{seed}.pcap"));
        std::fs::write(&path, &bytes).unwrap();
        let theirs = tshark_frames(&path);
        let ours = our_frames(&bytes);
        for (frame, want) in &theirs {
            frames_total += 1;
            let got = ours.get(frame);
            if got == Some(want) {
                frames_equal += 1;
            } else if failures.len() < 40 {
                failures.push(format!(
                    "seed {seed} frame {frame}: ours {got:?} tshark {want:?}"
                ));
            }
        }
        let report = analyze_bytes(&bytes, &Config::default());
        for (stream, (comp, irtt)) in tshark_streams(&path) {
            streams_total += 1;
            let c = report.tcp.connections.iter().find(|c| c.stream == stream);
            let ours = c.map(|c| {
                (
                    u64::from(c.completeness),
                    c.irtt_s.map(|s| (s * 1e6).round() as i64),
                )
            });
            if ours == Some((comp, irtt)) {
                streams_equal += 1;
            } else if failures.len() < 40 {
                failures.push(format!(
                    "seed {seed} stream {stream}: ours (completeness, irtt_us) {ours:?} tshark {:?}",
                    (comp, irtt)
                ));
            }
        }
        if !keep {
            let _ = std::fs::remove_file(&path);
        }
    }
    if !keep {
        let _ = std::fs::remove_dir(&dir);
    }
    println!(
        "tcp_differential: {seeds} captures, frames {frames_equal}/{frames_total} equal, streams {streams_equal}/{streams_total} equal"
    );
    for f in &failures {
        println!("DIFF {f}");
    }
    assert!(
        failures.is_empty(),
        "{} differences (first ones printed)",
        failures.len()
    );
}
