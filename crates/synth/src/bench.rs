//! Benchmark capture generator: streams a large synthetic TCP capture (legacy pcap, Ethernet)
//! to any `Write` without holding it in memory, deterministic for a seed.
//!
//! Each connection is a client downloading from a server: handshake (MSS, SACK_PERM, window
//! scale), a request, bulk data acknowledged every second segment, then a FIN close (about 3%
//! end with a client RST/ACK instead). Along the way:
//! - about 1% of data segments are lost after the capture point (the capture is taken at the
//!   server): the next three segments draw duplicate ACKs with SACK blocks, then the segment
//!   is fast-retransmitted;
//! - about 0.3% of data steps end in a zero-window episode: the client ACKs with window 0, the
//!   server sends one or two 1-byte zero-window probes, each ACKed with window 0, then the
//!   client opens the window again (a window update).
//!
//! Connections are interleaved: up to [`Spec::concurrent`] are open at once and each packet
//! comes from a randomly chosen open one. The capture holds exactly [`Spec::packets`] packets;
//! connections still open when it ends are cut short, as in any capture.
//!
//! Per packet the generator does no allocation: frames are built in one reused buffer, and
//! payloads are slices of one pseudo-random block.

use std::io::{self, BufWriter, Write};
use std::net::Ipv4Addr;

use crate::packet::{Link, Mac, Network, Packet, Tcp, TcpFlags, TcpOption, Transport};
use crate::pcap::{linktype, PcapHeader, PcapWriter};
use crate::rng::Rng;
use crate::split_nanos;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// Exact number of packets in the capture.
    pub packets: u64,
    /// Connections to spread the packets over (more are opened if these finish early).
    pub connections: u32,
    /// How many connections are open at once (interleaved).
    pub concurrent: u32,
    /// TCP payload of a full data segment (the client's MSS).
    pub payload: u16,
    pub seed: u64,
}

impl Default for Spec {
    fn default() -> Self {
        Spec::standard()
    }
}

impl Spec {
    /// The standard benchmark: 200,000 packets, ~180 MB, 2,000 connections (250 at a time).
    pub const fn standard() -> Self {
        Spec {
            packets: 200_000,
            connections: 2_000,
            concurrent: 250,
            payload: 1_344,
            seed: 1,
        }
    }

    /// The browser benchmark: 1,250,000 packets, ~1.12 GB, 12,500 connections.
    pub const fn browser_1gb() -> Self {
        Spec {
            packets: 1_250_000,
            connections: 12_500,
            concurrent: 500,
            payload: 1_344,
            seed: 2,
        }
    }

    /// The large benchmark: 2,500,000 packets, ~2.25 GB (past 2^31 bytes, where 32-bit file
    /// offsets overflow), 25,000 connections.
    pub const fn large_2gb() -> Self {
        Spec {
            packets: 2_500_000,
            connections: 25_000,
            concurrent: 500,
            payload: 1_344,
            seed: 3,
        }
    }

    /// A spec of `packets` packets with the standard proportions (one connection per 100
    /// packets, an eighth of them open at once).
    pub fn with_packets(packets: u64) -> Self {
        let connections = (packets / 100).clamp(1, u64::from(u32::MAX)) as u32;
        Spec {
            packets,
            connections,
            concurrent: (connections / 8).clamp(1, 1024),
            ..Self::standard()
        }
    }

    /// Approximate file size in bytes (within a few percent), for progress reporting.
    pub fn estimated_bytes(&self) -> u64 {
        // Measured: about 61% of packets carry a full payload, and headers plus record
        // headers average 78 bytes per packet.
        24 + self.packets * (78 + u64::from(self.payload) * 61 / 100)
    }
}

/// What was generated: the counts a TCP analysis of the capture should find.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    pub packets: u64,
    /// File size in bytes, headers included.
    pub bytes: u64,
    /// Connections whose SYN is in the capture.
    pub connections: u64,
    /// Connections closed by FIN from both sides (final ACK included).
    pub closed_fin: u64,
    /// Connections closed by RST.
    pub closed_rst: u64,
    /// Data segments with payload (retransmissions and probes excluded).
    pub data_segments: u64,
    /// Segments lost after capture and fast-retransmitted (each appears twice).
    pub retransmissions: u64,
    pub dup_acks: u64,
    /// ACKs advertising window 0.
    pub zero_window_acks: u64,
    pub zero_window_probes: u64,
    /// ACKs reopening a zero window.
    pub window_updates: u64,
    pub first_time: (u64, u32),
    pub last_time: (u64, u32),
}

/// Writes the capture described by `spec` to `out` (buffered internally) and returns what it
/// contains.
pub fn write_capture<W: Write>(spec: &Spec, out: W) -> io::Result<Stats> {
    Generator::new(spec).run(out)
}

const CLIENT_MAC: Mac = [0x02, 0x42, 0xc6, 0x12, 0x00, 0x01];
const SERVER_MAC: Mac = [0x02, 0x42, 0xc6, 0x13, 0x00, 0x01];
/// Capture start: 2024-01-15 09:00:00 UTC.
const START_NANOS: u64 = 1_705_309_200 * 1_000_000_000;
/// Mean gap between packets (≈ 125k packets/s, about 1 Gbit/s of 1 KB frames).
const MEAN_GAP_NS: u64 = 8_000;
const LOSS_PER_MILLION: u32 = 10_000;
const ZERO_WINDOW_PER_MILLION: u32 = 3_000;
const RST_PER_MILLION: u32 = 30_000;
const CLIENT_WINDOW: u16 = 2_048; // × 128 (shift 7) = 256 KiB
const SERVER_WINDOW: u16 = 502; // × 256 (shift 8)
/// Server payload is a stream of TLS 1.3 application-data records of the maximum size
/// (16384 bytes of plaintext + 17 of AEAD overhead, plus the 5-byte header), so protocol
/// dissectors see well-formed TLS rather than noise.
const TLS_RECORD: usize = 5 + 16_401;
/// The payload template holds four records; a stream offset maps to `offset % TEMPLATE`.
const TEMPLATE: usize = 4 * TLS_RECORD;
/// Largest client request (one TLS record).
const MAX_REQUEST: usize = 600;
/// Packets per connection that are not bulk data: handshake 3, request 1, close 4.
const FIXED_PACKETS: u64 = 8;
/// Longest burst a connection queues at once (a loss episode: 9 packets).
const QUEUE: usize = 10;

/// SYN and SYN/ACK options as Linux sends them without timestamps.
fn syn_options(mss: u16, shift: u8) -> [TcpOption; 6] {
    [
        TcpOption::Mss(mss),
        TcpOption::Nop,
        TcpOption::Nop,
        TcpOption::SackPermitted,
        TcpOption::Nop,
        TcpOption::WindowScale(shift),
    ]
}

/// Which options a queued packet carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Opts {
    None,
    Syn,
    SynAck,
    /// One SACK block.
    Sack(u32, u32),
}

/// A packet waiting in a connection's queue; everything but the bytes.
#[derive(Debug, Clone, Copy)]
struct Desc {
    from_client: bool,
    seq: u32,
    ack: u32,
    flags: TcpFlags,
    window: u16,
    payload_len: u16,
    opts: Opts,
}

const EMPTY_DESC: Desc = Desc {
    from_client: false,
    seq: 0,
    ack: 0,
    flags: TcpFlags::NONE,
    window: 0,
    payload_len: 0,
    opts: Opts::None,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Handshake,
    Request,
    Data,
    Close,
    Done,
}

/// One open connection.
#[derive(Debug, Clone)]
struct Conn {
    client: Ipv4Addr,
    server: Ipv4Addr,
    client_port: u16,
    server_port: u16,
    /// First sequence number of the server's data (its ISN + 1).
    s_data_start: u32,
    /// Next sequence numbers of each side.
    c_next: u32,
    s_next: u32,
    c_ip_id: u16,
    s_ip_id: u16,
    phase: Phase,
    /// Full data segments still to send.
    remaining: u64,
    queue: [Desc; QUEUE],
    head: usize,
    len: usize,
}

impl Conn {
    fn push(&mut self, d: Desc) {
        debug_assert!(self.head + self.len < QUEUE);
        self.queue[self.head + self.len] = d;
        self.len += 1;
    }

    fn pop(&mut self) -> Option<Desc> {
        if self.len == 0 {
            return None;
        }
        let d = self.queue[self.head];
        self.head += 1;
        self.len -= 1;
        Some(d)
    }

    fn client(&self, seq: u32, flags: TcpFlags, window: u16, payload_len: u16) -> Desc {
        Desc {
            from_client: true,
            seq,
            ack: self.s_next,
            flags,
            window,
            payload_len,
            opts: Opts::None,
        }
    }

    fn server(&self, seq: u32, flags: TcpFlags, payload_len: u16) -> Desc {
        Desc {
            from_client: false,
            seq,
            ack: self.c_next,
            flags,
            window: SERVER_WINDOW,
            payload_len,
            opts: Opts::None,
        }
    }

    /// Queues the connection's next burst; `stats` counts what it will contain.
    fn refill(&mut self, rng: &mut Rng, payload: u16, stats: &mut Stats) {
        self.head = 0;
        self.len = 0;
        match self.phase {
            Phase::Handshake => {
                let isn = self.c_next;
                self.push(Desc {
                    opts: Opts::Syn,
                    ..self.client(isn, TcpFlags::SYN, 64_240, 0)
                });
                self.c_next = isn.wrapping_add(1);
                let s_isn = self.s_next;
                let mut syn_ack = self.server(s_isn, TcpFlags::SYN_ACK, 0);
                syn_ack.window = 65_160;
                syn_ack.opts = Opts::SynAck;
                self.push(syn_ack);
                self.s_next = s_isn.wrapping_add(1);
                self.push(self.client(self.c_next, TcpFlags::ACK, CLIENT_WINDOW, 0));
                stats.connections += 1;
                self.phase = Phase::Request;
            }
            Phase::Request => {
                let len = 200 + rng.below((MAX_REQUEST - 200) as u64) as u16;
                self.push(self.client(self.c_next, TcpFlags::PSH_ACK, CLIENT_WINDOW, len));
                self.c_next = self.c_next.wrapping_add(u32::from(len));
                self.phase = Phase::Data;
            }
            Phase::Data if self.remaining == 0 => {
                self.phase = Phase::Close;
                self.refill(rng, payload, stats);
            }
            Phase::Data if self.remaining >= 4 && rng.chance(LOSS_PER_MILLION) => {
                // Lost, then three segments each drawing a dup ACK, the fast retransmission
                // and the cumulative ACK.
                let lost_seq = self.s_next;
                self.push(self.server(lost_seq, TcpFlags::ACK, payload));
                self.s_next = lost_seq.wrapping_add(u32::from(payload));
                let ack = lost_seq;
                for _ in 0..3 {
                    self.push(self.server(self.s_next, TcpFlags::ACK, payload));
                    self.s_next = self.s_next.wrapping_add(u32::from(payload));
                    let sack = Opts::Sack(lost_seq.wrapping_add(u32::from(payload)), self.s_next);
                    let mut d = self.client(self.c_next, TcpFlags::ACK, CLIENT_WINDOW, 0);
                    d.ack = ack;
                    d.opts = sack;
                    self.push(d);
                }
                self.push(self.server(lost_seq, TcpFlags::ACK, payload));
                self.push(self.client(self.c_next, TcpFlags::ACK, CLIENT_WINDOW, 0));
                self.remaining -= 4;
                stats.data_segments += 4;
                stats.retransmissions += 1;
                stats.dup_acks += 3;
            }
            Phase::Data => {
                let n = self.remaining.min(2);
                for i in 0..n {
                    let last = self.remaining == n && i + 1 == n;
                    let flags = if last {
                        TcpFlags::PSH_ACK
                    } else {
                        TcpFlags::ACK
                    };
                    self.push(self.server(self.s_next, flags, payload));
                    self.s_next = self.s_next.wrapping_add(u32::from(payload));
                }
                self.remaining -= n;
                stats.data_segments += n;
                if self.remaining > 0 && rng.chance(ZERO_WINDOW_PER_MILLION) {
                    // The client's buffer is full: window 0, probes, then the window opens.
                    self.push(self.client(self.c_next, TcpFlags::ACK, 0, 0));
                    let probes = 1 + rng.below(2) as usize;
                    for _ in 0..probes {
                        self.push(self.server(self.s_next, TcpFlags::ACK, 1));
                        self.push(self.client(self.c_next, TcpFlags::ACK, 0, 0));
                    }
                    self.push(self.client(self.c_next, TcpFlags::ACK, CLIENT_WINDOW, 0));
                    stats.zero_window_acks += 1 + probes as u64;
                    stats.zero_window_probes += probes as u64;
                    stats.window_updates += 1;
                } else {
                    self.push(self.client(self.c_next, TcpFlags::ACK, CLIENT_WINDOW, 0));
                }
            }
            Phase::Close => {
                if rng.chance(RST_PER_MILLION) {
                    self.push(self.client(self.c_next, TcpFlags::RST_ACK, CLIENT_WINDOW, 0));
                    stats.closed_rst += 1;
                } else {
                    let s_fin = self.s_next;
                    self.push(self.server(s_fin, TcpFlags::FIN_ACK, 0));
                    self.s_next = s_fin.wrapping_add(1);
                    let c_fin = self.c_next;
                    self.push(self.client(c_fin, TcpFlags::FIN_ACK, CLIENT_WINDOW, 0));
                    self.c_next = c_fin.wrapping_add(1);
                    self.push(self.server(self.s_next, TcpFlags::ACK, 0));
                    stats.closed_fin += 1;
                }
                self.phase = Phase::Done;
            }
            Phase::Done => {}
        }
    }
}

struct Generator {
    spec: Spec,
    rng: Rng,
    /// TLS record stream template, with its first `payload` bytes repeated at the end so
    /// every slice is contiguous.
    template: Vec<u8>,
    /// The client's request: one TLS record whose length field is set per request.
    request: Vec<u8>,
    /// Packets promised to connections opened so far.
    planned: u64,
    opened: u64,
    active: Vec<Conn>,
    stats: Stats,
    now: u64,
    frame: Vec<u8>,
    syn_opts: [TcpOption; 6],
    syn_ack_opts: [TcpOption; 6],
    sack_opts: [TcpOption; 3],
}

impl Generator {
    fn new(spec: &Spec) -> Self {
        let mut rng = Rng::new(spec.seed);
        let payload = spec.payload.max(1);
        let mut template = vec![0u8; TEMPLATE];
        rng.fill(&mut template);
        for record in template.chunks_exact_mut(TLS_RECORD) {
            let len = (TLS_RECORD - 5) as u16;
            record[..5].copy_from_slice(&[23, 3, 3, (len >> 8) as u8, len as u8]);
        }
        template.extend_from_within(..usize::from(payload));
        let mut request = vec![0u8; MAX_REQUEST];
        rng.fill(&mut request);
        request[..3].copy_from_slice(&[23, 3, 3]);
        Generator {
            spec: Spec {
                payload,
                concurrent: spec.concurrent.max(1),
                ..*spec
            },
            rng,
            template,
            request,
            planned: 0,
            opened: 0,
            active: Vec::with_capacity(spec.concurrent.max(1) as usize),
            stats: Stats::default(),
            now: START_NANOS,
            frame: Vec::with_capacity(usize::from(payload) + 128),
            syn_opts: syn_options(payload.saturating_add(40).min(1460), 7),
            syn_ack_opts: syn_options(1460, 8),
            sack_opts: [
                TcpOption::Nop,
                TcpOption::Nop,
                TcpOption::Sack(Vec::with_capacity(1)),
            ],
        }
    }

    /// Opens connection number `self.opened` with a packet budget.
    fn open(&mut self) {
        let i = self.opened;
        let left_conns = u64::from(self.spec.connections).saturating_sub(i).max(1);
        let left_packets = self.spec.packets.saturating_sub(self.planned);
        let mean = (left_packets / left_conns).max(FIXED_PACKETS + 1);
        let budget = if left_conns == 1 {
            mean
        } else {
            mean / 2 + self.rng.below(mean + 1)
        };
        self.planned += budget;
        // Two data segments per three packets.
        let remaining = ((budget.saturating_sub(FIXED_PACKETS) * 2 + 1) / 3).max(1);
        // 198.18.0.0/15 is reserved for benchmarks: clients in 198.18/16, servers in 198.19/24.
        let n = (i % 65_000) as u32 + 2;
        let client = Ipv4Addr::from(0xc612_0000u32 | n);
        let server = Ipv4Addr::new(198, 19, 0, 10 + (i % 16) as u8);
        let client_port = 10_000 + (i / 65_000 % 50_000) as u16;
        let server_port = 443;
        let c_isn = self.rng.next_u32();
        let s_isn = self.rng.next_u32();
        self.active.push(Conn {
            client,
            server,
            client_port,
            server_port,
            s_data_start: s_isn.wrapping_add(1),
            c_next: c_isn,
            s_next: s_isn,
            c_ip_id: self.rng.next_u32() as u16,
            s_ip_id: 0,
            phase: Phase::Handshake,
            remaining,
            queue: [EMPTY_DESC; QUEUE],
            head: 0,
            len: 0,
        });
        self.opened += 1;
    }

    fn run<W: Write>(mut self, out: W) -> io::Result<Stats> {
        let header = PcapHeader {
            snaplen: 65_535,
            ..PcapHeader::new(linktype::ETHERNET)
        };
        let mut w = PcapWriter::new(BufWriter::with_capacity(1 << 20, out), header)?;
        let mut bytes = 24u64;
        while self.stats.packets < self.spec.packets {
            while self.active.len() < self.spec.concurrent as usize
                && (self.opened < u64::from(self.spec.connections) || self.active.is_empty())
            {
                self.open();
            }
            let idx = self.rng.below(self.active.len() as u64) as usize;
            let desc = {
                let conn = &mut self.active[idx];
                if conn.len == 0 {
                    conn.refill(&mut self.rng, self.spec.payload, &mut self.stats);
                }
                conn.pop()
            };
            let Some(desc) = desc else {
                self.active.swap_remove(idx);
                continue;
            };
            self.build(idx, &desc);
            self.now += 1 + self.rng.below(2 * MEAN_GAP_NS);
            let ts = split_nanos(self.now);
            if self.stats.packets == 0 {
                self.stats.first_time = ts;
            }
            self.stats.last_time = ts;
            w.write_packet(ts, &self.frame, self.frame.len() as u32)?;
            bytes += 16 + self.frame.len() as u64;
            self.stats.packets += 1;
            let conn = &self.active[idx];
            if conn.phase == Phase::Done && conn.len == 0 {
                self.active.swap_remove(idx);
            }
        }
        w.into_inner()?.flush()?;
        self.stats.bytes = bytes;
        Ok(self.stats)
    }

    /// Builds the frame of `desc` (from connection `idx`) into `self.frame`.
    fn build(&mut self, idx: usize, d: &Desc) {
        let conn = &mut self.active[idx];
        let (src, dst, sport, dport, smac, dmac, ttl, ip_id) = if d.from_client {
            conn.c_ip_id = conn.c_ip_id.wrapping_add(1);
            (
                conn.client,
                conn.server,
                conn.client_port,
                conn.server_port,
                CLIENT_MAC,
                SERVER_MAC,
                64,
                conn.c_ip_id,
            )
        } else {
            conn.s_ip_id = conn.s_ip_id.wrapping_add(1);
            (
                conn.server,
                conn.client,
                conn.server_port,
                conn.client_port,
                SERVER_MAC,
                CLIENT_MAC,
                64,
                conn.s_ip_id,
            )
        };
        let options: &[TcpOption] = match d.opts {
            Opts::None => &[],
            Opts::Syn => &self.syn_opts,
            Opts::SynAck => &self.syn_ack_opts,
            Opts::Sack(l, r) => {
                if let TcpOption::Sack(blocks) = &mut self.sack_opts[2] {
                    blocks.clear();
                    blocks.push((l, r));
                }
                &self.sack_opts
            }
        };
        // Payload bytes depend only on the stream offset, so a retransmission or a probe
        // repeats exactly the bytes of the original.
        let len = usize::from(d.payload_len);
        let payload = if d.from_client {
            let record_len = (len.saturating_sub(5)) as u16;
            self.request[3..5].copy_from_slice(&record_len.to_be_bytes());
            &self.request[..len]
        } else {
            let off = d.seq.wrapping_sub(conn.s_data_start) as usize % TEMPLATE;
            &self.template[off..off + len]
        };
        let mut network = Network::Ipv4(crate::packet::Ipv4::new(src, dst));
        if let Network::Ipv4(h) = &mut network {
            h.identification = ip_id;
            h.ttl = ttl;
        }
        let tcp = Tcp {
            ack: if d.flags.contains(TcpFlags::ACK) {
                d.ack
            } else {
                0
            },
            window: d.window,
            options,
            ..Tcp::new(sport, dport, d.seq, d.flags)
        };
        self.frame.clear();
        Packet {
            link: Link::ethernet(smac, dmac),
            network,
            transport: Transport::Tcp(tcp),
            payload,
        }
        .write(&mut self.frame);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use etherparse::{SlicedPacket, TransportSlice};
    use pcap_parser::traits::PcapReaderIterator;
    use pcap_parser::{LegacyPcapReader, PcapBlockOwned, PcapError};
    use std::process::Command;

    fn small(packets: u64, seed: u64) -> Spec {
        Spec {
            seed,
            ..Spec::with_packets(packets)
        }
    }

    fn frames(bytes: &[u8]) -> Vec<Vec<u8>> {
        let mut reader = LegacyPcapReader::new(1 << 16, bytes).unwrap();
        let mut out = Vec::new();
        loop {
            match reader.next() {
                Ok((offset, block)) => {
                    if let PcapBlockOwned::Legacy(b) = block {
                        assert_eq!(b.caplen, b.origlen);
                        out.push(b.data.to_vec());
                    }
                    reader.consume(offset);
                }
                Err(PcapError::Eof) => break,
                Err(PcapError::Incomplete(_)) => reader.refill().unwrap(),
                Err(e) => panic!("{e:?}"),
            }
        }
        out
    }

    #[test]
    fn test_deterministic_and_exact() {
        let spec = small(3_000, 7);
        let mut a = Vec::new();
        let stats = write_capture(&spec, &mut a).unwrap();
        let mut b = Vec::new();
        assert_eq!(write_capture(&spec, &mut b).unwrap(), stats);
        assert_eq!(a, b);
        let mut c = Vec::new();
        write_capture(&small(3_000, 8), &mut c).unwrap();
        assert_ne!(a, c, "another seed gives another capture");
        assert_eq!(stats.packets, 3_000);
        assert_eq!(stats.bytes, a.len() as u64);
        assert_eq!(frames(&a).len(), 3_000);
    }

    #[test]
    fn test_frames_are_valid_and_stats_match() {
        let spec = small(6_000, 11);
        let mut bytes = Vec::new();
        let stats = write_capture(&spec, &mut bytes).unwrap();
        let (mut syn, mut rst, mut fin, mut zero, mut sack) = (0, 0, 0, 0, 0);
        let mut data = 0;
        for f in frames(&bytes) {
            let p = SlicedPacket::from_ethernet(&f).unwrap();
            let Some(etherparse::NetSlice::Ipv4(ip)) = &p.net else {
                panic!("not IPv4")
            };
            let h = ip.header();
            assert_eq!(h.to_header().calc_header_checksum(), h.header_checksum());
            let Some(TransportSlice::Tcp(t)) = &p.transport else {
                panic!("not TCP")
            };
            let sum = t
                .to_header()
                .calc_checksum_ipv4_raw(h.source(), h.destination(), t.payload())
                .unwrap();
            assert_eq!(t.checksum(), sum);
            syn += u64::from(t.syn() && !t.ack());
            rst += u64::from(t.rst());
            fin += u64::from(t.fin());
            zero += u64::from(t.window_size() == 0);
            sack += u64::from(t.options_iterator().any(|o| {
                matches!(
                    o,
                    Ok(etherparse::TcpOptionElement::SelectiveAcknowledgement(..))
                )
            }));
            data += u64::from(t.payload().len() == usize::from(spec.payload));
        }
        assert_eq!(syn, stats.connections);
        assert_eq!(rst, stats.closed_rst);
        assert!(fin >= 2 * stats.closed_fin);
        assert_eq!(zero, stats.zero_window_acks);
        assert_eq!(sack, stats.dup_acks);
        // Every data segment plus each fast retransmission is a full-sized segment.
        assert_eq!(data, stats.data_segments + stats.retransmissions);
        assert!(stats.retransmissions > 0 && stats.zero_window_probes > 0);
        assert!(stats.connections >= u64::from(spec.connections));
    }

    #[test]
    fn test_presets_scale() {
        assert_eq!(Spec::standard().packets, 200_000);
        assert!((170_000_000..190_000_000).contains(&Spec::standard().estimated_bytes()));
        assert!(Spec::browser_1gb().estimated_bytes() >= 1_000_000_000);
        assert!(Spec::large_2gb().estimated_bytes() > 1 << 31);
    }

    #[test]
    fn test_tshark_counts_match_stats() {
        let spec = small(10_000, 5);
        let path = std::env::temp_dir().join(format!("pcaplens-bench-{}.pcap", std::process::id()));
        let stats = write_capture(&spec, std::fs::File::create(&path).unwrap()).unwrap();
        let out = Command::new("tshark")
            .arg("-r")
            .arg(&path)
            .args([
                "-Y",
                "tcp.analysis.flags",
                "-T",
                "fields",
                "-E",
                "separator=|",
            ])
            .args([
                "-e",
                "tcp.analysis.duplicate_ack",
                "-e",
                "tcp.analysis.retransmission",
            ])
            .args([
                "-e",
                "tcp.analysis.zero_window",
                "-e",
                "tcp.analysis.zero_window_probe",
            ])
            .args([
                "-e",
                "tcp.analysis.zero_window_probe_ack",
                "-e",
                "tcp.analysis.window_update",
            ])
            .output();
        let _ = std::fs::remove_file(&path);
        let Ok(out) = out else {
            eprintln!(
                "tshark not found on PATH: skipping the tshark check of the benchmark capture"
            );
            return;
        };
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let mut counts = [0u64; 6];
        for line in text.lines() {
            let fields: Vec<&str> = line.split('|').collect();
            assert!(
                fields.iter().any(|f| !f.is_empty()),
                "unexpected analysis flag: {line}"
            );
            for (c, f) in counts.iter_mut().zip(&fields) {
                *c += u64::from(!f.is_empty());
            }
        }
        // Zero-window probe ACKs advertise window 0 too, so they count as zero-window ACKs.
        assert_eq!(
            counts,
            [
                stats.dup_acks,
                stats.retransmissions,
                stats.zero_window_acks,
                stats.zero_window_probes,
                stats.zero_window_probes,
                stats.window_updates,
            ]
        );
    }
}
