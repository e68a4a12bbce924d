//! Manual micro-benchmark of the capture reader and the whole analysis (not run in CI):
//! `cargo run --release -p pcaplens-core --example reader_bench [PACKETS]`
//!
//! Builds pcap, pcapng and gzip captures of small in-order TCP segments on 2,000 interleaved
//! connections in memory, then times the reader alone (frames counted in the callback) and the
//! whole `Analysis`, fed in 4 MiB chunks.

use std::time::Instant;

use pcaplens_core::capture::Reader;
use pcaplens_core::{Analysis, Config};
use pcaplens_synth::packet::{Packet, Tcp, TcpFlags};
use pcaplens_synth::pcap::{PcapHeader, PcapWriter};
use pcaplens_synth::pcapng::{InterfaceDescription, PcapngWriter};

const CHUNK: usize = 4 << 20;

/// One template frame per connection (2,000 interleaved connections, 60-byte segments); the
/// sequence number is patched per packet so every connection advances in order.
fn templates() -> Vec<Vec<u8>> {
    (0..CONNECTIONS)
        .map(|conn| {
            let src = format!("10.0.{}.{}:{}", conn / 250, conn % 250 + 1, 40000 + conn);
            Packet::tcp(
                src.parse().unwrap(),
                "10.9.9.9:8080".parse().unwrap(),
                Tcp::new(0, 0, 1000, TcpFlags::PSH_ACK),
                &[b'a'; 60],
            )
            .to_vec()
        })
        .collect()
}

const CONNECTIONS: usize = 2000;
/// Offset of the TCP sequence number in an Ethernet + IPv4 (no options) frame.
const SEQ_AT: usize = 14 + 20 + 4;

fn time<F: FnMut() -> u64>(label: &str, packets: usize, bytes: usize, mut f: F) {
    let mut best = f64::MAX;
    let mut count = 0;
    for _ in 0..3 {
        let start = Instant::now();
        count = f();
        best = best.min(start.elapsed().as_secs_f64());
    }
    println!(
        "{label:<28} {count:>9} frames  {:>8.1} ms  {:>6.2} M frames/s  {:>6.1} ns/frame  {:>7.0} MB/s",
        best * 1e3,
        packets as f64 / best / 1e6,
        best * 1e9 / packets as f64,
        bytes as f64 / best / 1e6
    );
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let mut pool = templates();
    let mut pcap = PcapWriter::new(Vec::new(), PcapHeader::new(1)).unwrap();
    let mut ng = PcapngWriter::with_defaults(Vec::new()).unwrap();
    ng.interface(&InterfaceDescription::new(1)).unwrap();
    for i in 0..n {
        let f = &mut pool[i % CONNECTIONS];
        let seq = 1000u32.wrapping_add((i / CONNECTIONS) as u32 * 60);
        f[SEQ_AT..SEQ_AT + 4].copy_from_slice(&seq.to_be_bytes());
        let f = &*f;
        let ts = (1_700_000_000 + (i / 1000) as u64, (i % 1000) as u32 * 1000);
        pcap.write_packet(ts, f, f.len() as u32).unwrap();
        ng.packet(0, ts, f).unwrap();
    }
    let pcap = pcap.into_inner().unwrap();
    let ng = ng.into_inner().unwrap();
    let gz = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&pcap).unwrap();
        e.finish().unwrap()
    };
    let read = |bytes: &[u8]| {
        let mut reader = Reader::new();
        let mut frames = 0u64;
        let mut sum = 0usize;
        for c in bytes.chunks(CHUNK) {
            reader.feed(c, |f| {
                frames += 1;
                sum += f.data.len();
            });
        }
        reader.finish(|f| sum += f.data.len());
        std::hint::black_box((sum, frames));
        reader.frames_read()
    };
    let analyze = |bytes: &[u8]| {
        let mut a = Analysis::new(Config::default());
        for c in bytes.chunks(CHUNK) {
            a.feed(c);
        }
        a.finish().capinfos.packets
    };
    time("reader pcap", n, pcap.len(), || read(&pcap));
    time("reader pcapng", n, ng.len(), || read(&ng));
    time("reader pcap.gz", n, pcap.len(), || read(&gz));
    time("reader pcap, 1500-byte chunks", n, pcap.len(), || {
        let mut reader = Reader::new();
        for c in pcap.chunks(1500) {
            reader.feed(c, |f| {
                std::hint::black_box(f.data.len());
            });
        }
        reader.finish(|_| {});
        reader.frames_read()
    });
    time("analysis pcap", n, pcap.len(), || analyze(&pcap));
    time("analysis pcapng", n, ng.len(), || analyze(&ng));
}
