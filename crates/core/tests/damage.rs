//! Damaged input never panics: a deterministic mutation run through the whole `Analysis`.
//!
//! Base inputs are captures built with pcaplens-synth (every format and link type the reader
//! knows, TCP/UDP/ICMP/DNS-like traffic, gzip) plus the start of every capture in
//! ../shared/captures when present. Each mutant gets one to three mutations: truncation at a
//! random point, bit flips, a record/block length field set to 0, 0xFFFFFFFF, just too big or
//! just too small, random byte runs, inserted or deleted bytes. Every mutant goes through
//! [`pcaplens_core::capture::fuzz::fuzz_one`] (reader read whole and in several chunk sizes,
//! which must agree, then the whole analysis and the report's JSON).
//!
//! `PCAPLENS_MUTATIONS` sets the number of mutants (default 100,000); `PCAPLENS_SEED` the seed.
//! A failing mutant is written to the temp directory with its seed and index in the name.

use std::net::SocketAddr;
use std::time::Instant;

use pcaplens_core::capture::fuzz;
use pcaplens_synth::conversation::{Side, TcpConversation};
use pcaplens_synth::packet::{linux_syn_options, Icmp, Link, Packet};
use pcaplens_synth::pcap::{Endian, PcapHeader, PcapWriter, Precision};
use pcaplens_synth::pcapng::{
    BlockOption, EnhancedPacket, InterfaceDescription, PcapngWriter, SectionHeader, TsResol,
};

mod common;

const DEFAULT_MUTATIONS: u64 = 100_000;
const DEFAULT_SEED: u64 = 0x5eed_cafe_f00d_0001;
/// Base inputs are cut to this size so every mutant analyses quickly.
const MAX_BASE_LEN: usize = 12 * 1024;

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn addr(s: &str) -> SocketAddr {
    s.parse().expect("test address")
}

/// A TCP conversation with handshake, data, a loss, duplicate ACKs, a retransmission and FIN.
fn conversation(port: u16) -> TcpConversation {
    let mut c = TcpConversation::new(
        addr("10.0.0.1:40000"),
        addr(&format!("10.0.0.2:{port}")),
        1000,
        5000,
    );
    c.set_time(1_700_000_000_000_000_000);
    c.syn(linux_syn_options(1460, 1, 0, 7));
    c.syn_ack(linux_syn_options(1460, 2, 1, 7));
    c.ack(Side::Client);
    let hello = [
        0x16, 0x03, 0x01, 0x00, 0x30, 0x01, 0x00, 0x00, 0x2c, 0x03, 0x03,
    ];
    c.data(Side::Client, &hello);
    c.ack(Side::Server);
    let lost = c.data_lost(Side::Server, &[b'x'; 700]);
    c.data(Side::Server, &[b'y'; 700]);
    c.dup_ack(Side::Client);
    c.dup_ack(Side::Client);
    c.retransmit(lost);
    c.ack(Side::Client);
    c.fin(Side::Client);
    c.fin(Side::Server);
    c.ack(Side::Client);
    c
}

fn udp_and_icmp() -> Vec<Vec<u8>> {
    let dns_query = [
        0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 7, b'e', b'x', b'a', b'm', b'p', b'l',
        b'e', 3, b'c', b'o', b'm', 0, 0, 1, 0, 1,
    ];
    vec![
        Packet::udp(addr("10.0.0.1:5353"), addr("10.0.0.53:53"), &dns_query).to_vec(),
        Packet::udp(
            addr("[2001:db8::1]:5060"),
            addr("[2001:db8::2]:5060"),
            b"INVITE sip:a@b SIP/2.0\r\nCall-ID: x\r\n\r\n",
        )
        .to_vec(),
        Packet::udp(addr("0.0.0.0:68"), addr("255.255.255.255:67"), &[1u8; 250]).to_vec(),
        Packet::icmp(
            "10.0.0.1".parse().unwrap(),
            "10.0.0.2".parse().unwrap(),
            Icmp::echo_request(7, 1),
            b"ping",
        )
        .to_vec(),
        Packet::icmp(
            "10.0.0.2".parse().unwrap(),
            "10.0.0.1".parse().unwrap(),
            Icmp::echo_reply(7, 1),
            b"ping",
        )
        .to_vec(),
    ]
}

/// Every frame of the synthetic traffic with its time.
fn traffic() -> Vec<((u64, u32), Vec<u8>)> {
    let mut out = Vec::new();
    for (t, f) in conversation(443).frames() {
        out.push(((t / 1_000_000_000, (t % 1_000_000_000) as u32), f));
    }
    for (i, f) in udp_and_icmp().into_iter().enumerate() {
        out.push(((1_700_000_001, i as u32 * 1000), f));
    }
    out
}

fn synthetic_bases() -> Vec<(String, Vec<u8>)> {
    let mut bases = Vec::new();
    let frames = traffic();
    for (endian, precision, name) in [
        (Endian::Little, Precision::Micro, "pcap-le-us"),
        (Endian::Big, Precision::Nano, "pcap-be-ns"),
    ] {
        let header = PcapHeader {
            endian,
            precision,
            ..PcapHeader::new(1)
        };
        let mut w = PcapWriter::new(Vec::new(), header).unwrap();
        for (ts, f) in &frames {
            w.write_packet(*ts, f, f.len() as u32).unwrap();
        }
        bases.push((name.to_string(), w.into_inner().unwrap()));
    }
    // Snaplen-cut copy.
    let mut w = PcapWriter::new(
        Vec::new(),
        PcapHeader {
            snaplen: 54,
            ..PcapHeader::new(1)
        },
    )
    .unwrap();
    for (ts, f) in &frames {
        let cut = &f[..f.len().min(54)];
        w.write_packet(*ts, cut, f.len() as u32).unwrap();
    }
    bases.push(("pcap-snaplen54".into(), w.into_inner().unwrap()));
    // Other link types.
    let conv = conversation(80);
    for (link, name) in [
        (Link::sll(0, [2, 0, 0, 0, 0, 1]), "pcap-sll"),
        (Link::sll2(0, 3, [2, 0, 0, 0, 0, 1]), "pcap-sll2"),
        (Link::Raw, "pcap-raw"),
        (
            Link::Null {
                family: None,
                big_endian: false,
            },
            "pcap-null",
        ),
    ] {
        let mut w: Option<PcapWriter<Vec<u8>>> = None;
        for seg in conv.segments() {
            let mut f = Vec::new();
            conv.write_frame(seg, &mut f);
            // Replace the 14-byte Ethernet header by the other link header.
            let ip = f[14..].to_vec();
            let mut out = Vec::new();
            let p = Packet::udp(addr("1.1.1.1:1"), addr("2.2.2.2:2"), &[]).with_link(link.clone());
            let lt = p.link_type();
            let hdr = p.to_vec();
            let link_len = hdr.len() - 28;
            out.extend_from_slice(&hdr[..link_len]);
            out.extend_from_slice(&ip);
            let w =
                w.get_or_insert_with(|| PcapWriter::new(Vec::new(), PcapHeader::new(lt)).unwrap());
            w.write_packet((1_700_000_000, seg.from as u32), &out, out.len() as u32)
                .unwrap();
        }
        if let Some(w) = w {
            bases.push((name.into(), w.into_inner().unwrap()));
        }
    }
    // pcapng: two sections (LE then BE), several interfaces, options, every packet block.
    let mut w = PcapngWriter::new(
        Vec::new(),
        &SectionHeader {
            comment: Some("synthetic".into()),
            hardware: Some("hw".into()),
            os: Some("os".into()),
            userappl: Some("damage test".into()),
            ..SectionHeader::default()
        },
    )
    .unwrap();
    let e = w
        .interface(&InterfaceDescription {
            name: Some("eth0".into()),
            tsresol: Some(TsResol::Pow10(9)),
            ..InterfaceDescription::new(1)
        })
        .unwrap();
    let b = w
        .interface(&InterfaceDescription {
            tsresol: Some(TsResol::Pow2(20)),
            tsoffset: Some(100),
            snaplen: 64,
            ..InterfaceDescription::new(1)
        })
        .unwrap();
    for (i, (ts, f)) in frames.iter().enumerate() {
        let iface = if i % 3 == 0 { b } else { e };
        let units = w.timestamp_units(iface, (ts.0, ts.1));
        let mut p = EnhancedPacket::new(iface, units, f);
        if i % 4 == 0 {
            p.comment = Some(format!("comment {i}"));
            p.flags = Some(1);
        }
        w.enhanced_packet(&p).unwrap();
        if i == 3 {
            w.simple_packet(f, f.len() as u32).unwrap();
            w.obsolete_packet(
                0,
                0,
                units,
                f,
                f.len() as u32,
                &[BlockOption::text(1, "pb")],
            )
            .unwrap();
            w.raw_block(
                4,
                &[1, 0, 8, 0, 10, 0, 0, 1, b'h', b'o', b's', b't', 0, 0, 0, 0],
            )
            .unwrap();
            w.interface_statistics(e, units, &[]).unwrap();
            w.raw_block(0x0BAD, &[0, 0, 0, 1, 9, 9, 9, 9]).unwrap();
        }
    }
    w.section(&SectionHeader {
        endian: Endian::Big,
        ..SectionHeader::default()
    })
    .unwrap();
    w.interface(&InterfaceDescription::new(276)).unwrap();
    w.interface(&InterfaceDescription::new(101)).unwrap();
    for (ts, f) in frames.iter().take(6) {
        let mut sll2 = vec![8, 0, 0, 0, 0, 0, 0, 3, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0];
        sll2.extend_from_slice(&f[14..]);
        w.packet(0, *ts, &sll2).unwrap();
        w.packet(1, *ts, &f[14..]).unwrap();
    }
    bases.push(("pcapng".into(), w.into_inner().unwrap()));
    let gz = |b: &[u8]| {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(b).unwrap();
        e.finish().unwrap()
    };
    let gzipped: Vec<_> = bases
        .iter()
        .filter(|(n, _)| n == "pcap-le-us" || n == "pcapng")
        .map(|(n, b)| (format!("{n}.gz"), gz(b)))
        .collect();
    bases.extend(gzipped);
    bases
}

fn corpus_bases() -> Vec<(String, Vec<u8>)> {
    common::corpus("damage: corpus bases")
        .into_iter()
        .filter_map(|(path, _)| {
            let bytes = std::fs::read(&path).ok()?;
            let name = path.file_name()?.to_string_lossy().into_owned();
            Some((name, bytes[..bytes.len().min(MAX_BASE_LEN)].to_vec()))
        })
        .collect()
}

/// Offsets of length fields: pcap record headers and pcapng block lengths (best effort, on the
/// undamaged base), so mutations hit the fields that matter most.
fn length_fields(b: &[u8]) -> Vec<(usize, bool)> {
    let mut out = Vec::new();
    let u32_at = |at: usize, be: bool| {
        b.get(at..at + 4).map(|s| {
            let a = [s[0], s[1], s[2], s[3]];
            if be {
                u32::from_be_bytes(a)
            } else {
                u32::from_le_bytes(a)
            }
        })
    };
    match b.get(..4) {
        Some([0x0a, 0x0d, 0x0d, 0x0a]) => {
            let mut pos = 0;
            let mut be = false;
            while let Some(t) = u32_at(pos, be) {
                if t == 0x0A0D_0D0A {
                    be = u32_at(pos + 8, false) != Some(0x1A2B_3C4D);
                }
                let Some(len) = u32_at(pos + 4, be) else {
                    break;
                };
                out.push((pos + 4, be));
                if t == 6 || t == 2 {
                    out.push((pos + 20, be));
                    out.push((pos + 24, be));
                }
                let len = len as usize;
                if len < 12 {
                    break;
                }
                out.push((pos + len - 4, be));
                pos += len;
            }
        }
        Some(m)
            if m == [0xd4, 0xc3, 0xb2, 0xa1]
                || m == [0xa1, 0xb2, 0xc3, 0xd4]
                || m == [0x4d, 0x3c, 0xb2, 0xa1]
                || m == [0xa1, 0xb2, 0x3c, 0x4d] =>
        {
            let be = m[0] == 0xa1;
            out.push((16, be));
            out.push((20, be));
            let mut pos = 24;
            while let Some(incl) = u32_at(pos + 8, be) {
                out.push((pos + 8, be));
                out.push((pos + 12, be));
                pos += 16 + incl as usize;
            }
        }
        _ => {}
    }
    out
}

fn mutate(rng: &mut Rng, base: &[u8], fields: &[(usize, bool)]) -> Vec<u8> {
    let mut d = base.to_vec();
    let rounds = 1 + rng.below(3);
    for _ in 0..rounds {
        if d.is_empty() {
            break;
        }
        match rng.below(8) {
            0 => d.truncate(rng.below(d.len())),
            1 => {
                let i = rng.below(d.len());
                d[i] ^= 1 << rng.below(8);
            }
            2 | 3 if !fields.is_empty() => {
                let (at, be) = fields[rng.below(fields.len())];
                let Some(s) = d.get(at..at + 4) else { continue };
                let a = [s[0], s[1], s[2], s[3]];
                let old = if be {
                    u32::from_be_bytes(a)
                } else {
                    u32::from_le_bytes(a)
                };
                let v = match rng.below(6) {
                    0 => 0,
                    1 => u32::MAX,
                    2 => old.wrapping_add(1 + rng.below(8) as u32),
                    3 => old.wrapping_sub(1 + rng.below(8) as u32),
                    4 => old.wrapping_add(d.len() as u32),
                    _ => rng.next() as u32,
                };
                let bytes = if be { v.to_be_bytes() } else { v.to_le_bytes() };
                d[at..at + 4].copy_from_slice(&bytes);
            }
            4 => {
                let i = rng.below(d.len());
                let n = (1 + rng.below(16)).min(d.len() - i);
                for x in &mut d[i..i + n] {
                    *x = rng.next() as u8;
                }
            }
            5 => {
                let i = rng.below(d.len() + 1);
                let n = 1 + rng.below(8);
                let run: Vec<u8> = (0..n).map(|_| rng.next() as u8).collect();
                d.splice(i..i, run);
            }
            6 => {
                let i = rng.below(d.len());
                let n = (1 + rng.below(8)).min(d.len() - i);
                d.drain(i..i + n);
            }
            _ => {
                // A 4-byte word anywhere set to an extreme.
                if d.len() >= 4 {
                    let i = rng.below(d.len() - 3);
                    let v: [u8; 4] = match rng.below(3) {
                        0 => [0; 4],
                        1 => [0xff; 4],
                        _ => (rng.next() as u32).to_le_bytes(),
                    };
                    d[i..i + 4].copy_from_slice(&v);
                }
            }
        }
    }
    d
}

#[test]
fn no_panic_on_mutated_captures() {
    let total: u64 = std::env::var("PCAPLENS_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_MUTATIONS);
    let seed: u64 = std::env::var("PCAPLENS_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let mut bases = synthetic_bases();
    // The synthetic bases themselves must read cleanly, or the mutants would test little.
    for (name, b) in &bases {
        let r = fuzz::check_reader(b);
        assert!(
            r.error.is_none() && !r.truncated && r.packets > 10,
            "{name}: {r:?}"
        );
    }
    bases.extend(corpus_bases());
    let fields: Vec<Vec<(usize, bool)>> = bases.iter().map(|(_, b)| length_fields(b)).collect();
    // splitmix64 of the seed: distinct seeds give distinct, nonzero xorshift states.
    let mut z = seed.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    let mut rng = Rng((z ^ (z >> 31)) | 1);
    let started = Instant::now();
    let mut frames = 0u64;
    for i in 0..total {
        let k = rng.below(bases.len());
        let (name, base) = &bases[k];
        let mutant = mutate(&mut rng, base, &fields[k]);
        let outcome = std::panic::catch_unwind(|| fuzz::fuzz_one(&mutant).frames_read);
        match outcome {
            Ok(n) => frames += n,
            Err(_) => {
                let path = std::env::temp_dir().join(format!("pcaplens-damage-{seed}-{i}-{name}"));
                let _ = std::fs::write(&path, &mutant);
                panic!(
                    "mutant {i} of {name} (seed {seed}) panicked; saved to {}",
                    path.display()
                );
            }
        }
    }
    eprintln!(
        "damage: {total} mutants of {} bases, {frames} frames, in {:.1?}",
        bases.len(),
        started.elapsed()
    );
}

#[test]
fn every_prefix_of_a_capture_is_handled() {
    // Truncation at every byte of a small pcap and pcapng: frames before the cut are kept. (Not
    // the microsecond pcap: there, as in Wireshark, a cut inside the first three records can
    // change the guessed record layout.)
    for (name, base) in synthetic_bases()
        .iter()
        .filter(|(n, _)| n == "pcap-be-ns" || n == "pcapng")
    {
        let whole = fuzz::read_summary(base, usize::MAX);
        let mut last = 0;
        for cut in 0..base.len() {
            let r = fuzz::read_summary(&base[..cut], 4096);
            assert!(
                r.frames_read >= last,
                "{name} cut at {cut}: frames went down"
            );
            assert!(r.frames_read <= whole.frames_read);
            last = r.frames_read;
            let _ = fuzz::analyze(&base[..cut], 1 + cut % 61);
        }
    }
}
