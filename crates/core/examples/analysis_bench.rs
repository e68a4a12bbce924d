//! Manual benchmark of the whole analysis on a capture file held in memory (not run in CI):
//!
//! ```text
//! cargo run --release -p pcaplens-core --example analysis_bench -- [OPTIONS] [FILE]
//!   FILE            capture to analyse (default bench-data/standard.pcap, generated when
//!                   missing with pcaplens_synth::bench::Spec::standard())
//!   --tls FILE      generate a bulk-TLS capture (500 interleaved TLS 1.3 downloads) into FILE
//!                   when missing, and analyse it
//!   --tls-short FILE  the same with short downloads (2-16 KB: ~20 packets per connection)
//!   --scan FILE     generate a SYN scan: 250,000 connections of SYN, SYN-ACK, ACK, RST
//!   --packets N     generate FILE (when missing) with Spec::with_packets(N) instead
//!   --chunk BYTES   feed size (default 1 MiB; 0 = the whole file in one feed)
//!   --read          time reading the file too: `read()` into one reused buffer of the feed
//!                   size, as the CLI does (with --chunk 0: `std::fs::read` of the whole file,
//!                   then one feed)
//!   --runs N        best of N (default 5)
//!   --json          print the report JSON (to compare results before/after a change)
//! ```
//!
//! Under `valgrind --tool=callgrind` use `--runs 1`: instruction counts are deterministic.

use std::io::Write;
use std::net::SocketAddr;
use std::time::Instant;

use pcaplens_core::{Analysis, Config};
use pcaplens_synth::packet::{Packet, Tcp, TcpFlags};
use pcaplens_synth::pcap::{PcapHeader, PcapWriter};
use pcaplens_synth::rng::Rng;
use pcaplens_synth::tls::{application_data, change_cipher_spec, ClientHello, ServerHello};

fn main() {
    let mut args = std::env::args().skip(1);
    let mut file = String::from("bench-data/standard.pcap");
    let mut tls = None;
    let mut chunk = 1usize << 20;
    let mut runs = 5;
    let mut json = false;
    let mut gen_packets = None;
    let mut read = false;
    let mut scan = false;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--tls" | "--tls-short" => {
                tls = Some(if a == "--tls" {
                    (256 << 10, 4 << 20)
                } else {
                    (2 << 10, 16 << 10)
                });
                file = args.next().expect("--tls FILE");
            }
            "--chunk" => chunk = args.next().and_then(|v| v.parse().ok()).expect("--chunk N"),
            "--runs" => runs = args.next().and_then(|v| v.parse().ok()).expect("--runs N"),
            "--json" => json = true,
            "--read" => read = true,
            "--scan" => {
                scan = true;
                file = args.next().expect("--scan FILE");
            }
            "--packets" => gen_packets = args.next().and_then(|v| v.parse().ok()),
            other => file = other.to_string(),
        }
    }
    if std::fs::metadata(&file).is_err() {
        if let Some(dir) = std::path::Path::new(&file).parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        let out = std::fs::File::create(&file).unwrap();
        if scan {
            write_scan(out, 250_000);
        } else if let Some(sizes) = tls {
            write_tls_bulk(out, 200_000, sizes);
        } else {
            let spec = gen_packets.map_or(
                pcaplens_synth::bench::Spec::standard(),
                pcaplens_synth::bench::Spec::with_packets,
            );
            pcaplens_synth::bench::write_capture(&spec, out).unwrap();
        }
        eprintln!("generated {file}");
    }
    let bytes = std::fs::read(&file).unwrap();
    let mut best = f64::MAX;
    let mut best_cpu = f64::MAX;
    let mut packets = 0;
    let mut report = None;
    for _ in 0..runs {
        let start = Instant::now();
        let cpu_start = cpu_ns();
        let mut a = Analysis::new(Config::default());
        if read && chunk == 0 {
            a.feed(&std::fs::read(&file).unwrap());
        } else if read {
            use std::io::Read;
            let mut f = std::fs::File::open(&file).unwrap();
            let mut buf = vec![0u8; chunk];
            loop {
                let n = f.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                a.feed(&buf[..n]);
            }
        } else if chunk == 0 {
            a.feed(&bytes);
        } else {
            for c in bytes.chunks(chunk) {
                a.feed(c);
            }
        }
        let r = a.finish();
        best = best.min(start.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu_start, cpu_ns()) {
            best_cpu = best_cpu.min((b - a) as f64 / 1e9);
        }
        packets = r.capinfos.packets;
        report = Some(r);
    }
    if json {
        println!("{}", report.unwrap().to_json());
        return;
    }
    println!(
        "{file}: {packets} packets, {:.1} MB, chunk {chunk}{}: best of {runs} {:.1} ms  {:.2} M packets/s  {:.1} ns/packet",
        bytes.len() as f64 / 1e6,
        if read { " (read)" } else { "" },
        best * 1e3,
        packets as f64 / best / 1e6,
        best * 1e9 / packets as f64,
    );
    if best_cpu < f64::MAX {
        println!(
            "  on CPU (this process, best of {runs}): {:.1} ms  {:.2} M packets/s  {:.1} ns/packet",
            best_cpu * 1e3,
            packets as f64 / best_cpu / 1e6,
            best_cpu * 1e9 / packets as f64,
        );
    }
}

/// Nanoseconds this process spent on a CPU (Linux `/proc/self/schedstat`): on a shared machine
/// wall time also counts the wait for a CPU.
fn cpu_ns() -> Option<u64> {
    std::fs::read_to_string("/proc/self/schedstat")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}

/// A SYN scan answered: `connections` connections of four packets each (SYN, SYN-ACK, ACK,
/// RST), one source port per connection.
fn write_scan(out: impl Write, connections: u32) {
    let mut w = PcapWriter::new(std::io::BufWriter::new(out), PcapHeader::new(1)).unwrap();
    let mut buf = Vec::with_capacity(128);
    let mut t = 1_700_000_000_000_000u64;
    for i in 0..connections {
        let client: SocketAddr = format!(
            "10.2.{}.{}:{}",
            i / 60000 % 250,
            i / 250 % 240 + 1,
            1024 + i % 60000
        )
        .parse()
        .unwrap();
        let server: SocketAddr = format!("192.0.2.{}:{}", i % 250 + 1, 80 + i % 7)
            .parse()
            .unwrap();
        let (c, s) = (i.wrapping_mul(2654435761), i.wrapping_mul(40503));
        for (from_client, flags, seq, ack) in [
            (true, TcpFlags::SYN, c, 0),
            (false, TcpFlags::SYN_ACK, s, c.wrapping_add(1)),
            (true, TcpFlags::ACK, c.wrapping_add(1), s.wrapping_add(1)),
            (true, TcpFlags::RST, c.wrapping_add(1), 0),
        ] {
            let mut tcp = Tcp::new(0, 0, seq, flags);
            tcp.ack = ack;
            let (src, dst) = if from_client {
                (client, server)
            } else {
                (server, client)
            };
            buf.clear();
            Packet::tcp(src, dst, tcp, &[]).write(&mut buf);
            t += 2_000;
            w.write_packet(
                (t / 1_000_000_000, (t % 1_000_000_000) as u32 / 1000),
                &buf,
                buf.len() as u32,
            )
            .unwrap();
        }
    }
    w.into_inner().unwrap().flush().unwrap();
}

/// A TLS capture: `packets` packets of 500 interleaved TLS 1.3 connections to port 443, each a
/// handshake followed by a download (its size drawn from `sizes`) of 16 KiB application-data
/// records in full-size segments (the client ACKs every second one), then a FIN close.
fn write_tls_bulk(out: impl Write, packets: u64, (min_size, max_size): (u64, u64)) {
    const CONNS: usize = 500;
    const MSS: usize = 1344;
    let mut rng = Rng::new(7);
    // The server's byte stream after the ServerHello: one long run of 16 KiB records.
    let mut record_stream = change_cipher_spec();
    while record_stream.len() < 4 << 20 {
        record_stream.extend(application_data(16 * 1024, &mut rng));
    }
    struct Conn {
        client: SocketAddr,
        server: SocketAddr,
        step: u32,
        cseq: u32,
        sseq: u32,
        /// Offset into the server's stream after the hello.
        sent: usize,
        unacked: u32,
        limit: usize,
        hello: Vec<u8>,
        server_hello: Vec<u8>,
    }
    let mut n_conn = 0u32;
    let mut new_conn = |rng: &mut Rng| {
        n_conn += 1;
        let ch = ClientHello::chrome_like("bulk.example.com", &["h2"], rng);
        let sh = ServerHello::tls13(&ch, 0x1301, rng);
        Conn {
            client: format!(
                "10.1.{}.{}:{}",
                n_conn / 200 % 250,
                n_conn % 200 + 1,
                30000 + n_conn % 30000
            )
            .parse()
            .unwrap(),
            server: "192.0.2.80:443".parse().unwrap(),
            step: 0,
            cseq: rng.next_u32(),
            sseq: rng.next_u32(),
            sent: 0,
            unacked: 0,
            limit: (rng.range(min_size, max_size) as usize).min(record_stream.len()),
            hello: ch.record_bytes(),
            server_hello: sh.record_bytes(),
        }
    };
    let mut conns: Vec<Conn> = (0..CONNS).map(|_| new_conn(&mut rng)).collect();
    let mut w = PcapWriter::new(std::io::BufWriter::new(out), PcapHeader::new(1)).unwrap();
    let mut buf = Vec::with_capacity(2048);
    let mut t = 1_700_000_000_000_000u64;
    for _ in 0..packets {
        let i = rng.below(CONNS as u64) as usize;
        let c = &mut conns[i];
        let (from_client, flags, payload): (bool, u16, &[u8]) = match c.step {
            0 => (true, TcpFlags::SYN.0, &[]),
            1 => (false, TcpFlags::SYN.0 | TcpFlags::ACK.0, &[]),
            2 => (true, TcpFlags::ACK.0, &[]),
            3 => (true, TcpFlags::PSH_ACK.0, &c.hello),
            4 => (false, TcpFlags::PSH_ACK.0, &c.server_hello),
            5 => {
                if c.unacked >= 2 || c.sent >= c.limit {
                    (true, TcpFlags::ACK.0, &[])
                } else {
                    let end = (c.sent + MSS).min(c.limit);
                    (false, TcpFlags::ACK.0, &record_stream[c.sent..end])
                }
            }
            6 => (false, TcpFlags::FIN.0 | TcpFlags::ACK.0, &[]),
            7 => (true, TcpFlags::FIN.0 | TcpFlags::ACK.0, &[]),
            _ => (false, TcpFlags::ACK.0, &[]),
        };
        let (src, dst, seq, ack) = if from_client {
            (c.client, c.server, c.cseq, c.sseq)
        } else {
            (c.server, c.client, c.sseq, c.cseq)
        };
        let mut tcp = Tcp::new(0, 0, seq, TcpFlags(flags));
        if flags & TcpFlags::ACK.0 != 0 {
            tcp.ack = ack;
        }
        buf.clear();
        Packet::tcp(src, dst, tcp, payload).write(&mut buf);
        t += 8_000;
        w.write_packet(
            (t / 1_000_000_000, (t % 1_000_000_000) as u32 / 1000),
            &buf,
            buf.len() as u32,
        )
        .unwrap();
        let advance =
            payload.len() as u32 + u32::from(flags & (TcpFlags::SYN.0 | TcpFlags::FIN.0) != 0);
        if from_client {
            c.cseq = c.cseq.wrapping_add(advance);
        } else {
            c.sseq = c.sseq.wrapping_add(advance);
        }
        match c.step {
            5 if from_client => {
                c.unacked = 0;
                if c.sent >= c.limit {
                    c.step = 6;
                }
            }
            5 => {
                c.sent += payload.len();
                c.unacked += 1;
            }
            8 => *c = new_conn(&mut rng),
            _ => c.step += 1,
        }
    }
    w.into_inner().unwrap().flush().unwrap();
}
