//! The TCP engine: numbers connections as tshark's `tcp.stream`, runs Wireshark's sequence
//! analysis on every segment and keeps per-connection facts for the report.
//!
//! - [`table`]: the stream table (4-tuple → current connection; a SYN with a new ISN starts a
//!   new stream, as in tshark 4.0).
//! - [`seq`]: Wireshark 4.0's `tcp_analyze_sequence_number`, rule for rule.
//! - [`segments`]: the bounded per-flow list of unacked segments.
//! - [`conn`]: per-connection counters, completeness, handshake, Zeek states and history.
//! - [`summary`]: turns connections and flagged frames into the report section.
//!
//! State is per connection, never per packet: the only growing tables are the connections
//! themselves and the list of flagged frames, which is capped at [`MAX_ISSUES`].

mod conn;
mod segments;
mod seq;
mod summary;
mod table;

use std::net::IpAddr;

use super::{Config, TcpContext};
use crate::decode::tcp::{Flags, Segment, TcpOption};
use crate::decode::{decode_ip, Packet, Transport};
use crate::report::tcp::TcpSection;

pub use conn::MAX_HISTORY_LEN;
use conn::{Conn, SynOpts};
pub use segments::MAX_UNACKED_SEGMENTS;
use seq::{SegmentFacts, Verdict};

use table::{FlowKey, StreamTable};

/// The most connections tracked. A SYN flood or scan can open millions; beyond this, packets of
/// new connections are only counted (`untracked_packets`) so memory stays bounded (about
/// 460 bytes per connection: docs/benchmarks.md).
pub const MAX_CONNECTIONS: usize = 1_000_000;

/// The most flagged frames listed in `issues` (the per-connection counts stay exact beyond it).
pub const MAX_ISSUES: usize = 100_000;

/// mcpcap's default retransmission-rate threshold (2%).
pub const DEFAULT_RETRANSMISSION_THRESHOLD: f64 = 0.02;

/// Analysis flags carried in [`TcpContext::analysis`]: Wireshark's `TCP_A_*` values.
pub mod flags {
    pub const RETRANSMISSION: u16 = 0x0001;
    pub const LOST_SEGMENT: u16 = 0x0002;
    pub const ACK_LOST_SEGMENT: u16 = 0x0004;
    pub const KEEP_ALIVE: u16 = 0x0008;
    pub const DUPLICATE_ACK: u16 = 0x0010;
    pub const ZERO_WINDOW: u16 = 0x0020;
    pub const ZERO_WINDOW_PROBE: u16 = 0x0040;
    pub const ZERO_WINDOW_PROBE_ACK: u16 = 0x0080;
    pub const KEEP_ALIVE_ACK: u16 = 0x0100;
    pub const OUT_OF_ORDER: u16 = 0x0200;
    pub const FAST_RETRANSMISSION: u16 = 0x0400;
    pub const WINDOW_UPDATE: u16 = 0x0800;
    pub const WINDOW_FULL: u16 = 0x1000;
    pub const REUSED_PORTS: u16 = 0x2000;
    pub const SPURIOUS_RETRANSMISSION: u16 = 0x4000;
    /// Number of flags (bit positions 0..COUNT).
    pub const COUNT: usize = crate::decode::tcp::analysis::COUNT;
    /// Frames tshark marks `tcp.analysis.retransmission` (the expert item all three raise).
    pub const ANY_RETRANSMISSION: u16 =
        RETRANSMISSION | FAST_RETRANSMISSION | SPURIOUS_RETRANSMISSION;
    /// Segments a reassembler should skip: data it has (or may have) seen already.
    pub const SKIP_FOR_REASSEMBLY: u16 =
        ANY_RETRANSMISSION | OUT_OF_ORDER | KEEP_ALIVE | ZERO_WINDOW_PROBE;

    /// `tcp.analysis.*` names (without the prefix) by bit position: see
    /// [`crate::decode::tcp::analysis`], the one table of this vocabulary.
    pub const NAMES: [&str; COUNT] = crate::decode::tcp::analysis::NAMES;

    /// Wireshark's Info-column text by bit position (duplicate ACKs get their numbers added).
    pub(crate) const MESSAGES: [&str; COUNT] = crate::decode::tcp::analysis::INFO;
}

/// Per-packet TCP facts for the packet engine: what Wireshark adds as generated `tcp.*`
/// fields (relative numbers, window scaling, analysis details, stream times).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TcpDetail {
    /// Wireshark's `tcp.stream`.
    pub stream: u64,
    pub from_client: bool,
    /// `flags::*` bits.
    pub analysis: u16,
    /// Whether the sequence analysis ran (false for a header longer than the IP payload).
    pub analysed: bool,
    /// The copy of a TCP header inside an ICMP error: only the stream and its times are
    /// known; numbers are shown raw.
    pub quoted: bool,
    /// `tcp.len`.
    pub seglen: u32,
    /// Base of this direction's relative sequence numbers.
    pub seq_base: u32,
    /// Base of the peer's sequence numbers (for the relative ACK), when known.
    pub ack_base: Option<u32>,
    /// The sender's window scale for this packet: -1 unknown, -2 not used, else the shift.
    /// SYNs are never scaled (`tcp.window_size_scalefactor` is absent on them).
    pub win_scale: i8,
    pub dupack_num: u32,
    pub dupack_frame: u32,
    /// A retransmission's original frame and the time since it.
    pub rto_frame: u32,
    pub rto_ns: i64,
    /// `tcp.analysis.acks_frame` (0: none) and `tcp.analysis.ack_rtt`.
    pub acks_frame: u32,
    pub ack_rtt_ns: i64,
    /// `tcp.analysis.bytes_in_flight` (0: absent).
    pub bytes_in_flight: u32,
    /// `tcp.analysis.initial_rtt` (0: not known yet).
    pub irtt_ns: i64,
    /// Wireshark shows a SEQ/ACK analysis tree for this frame (flags, an acked frame, bytes
    /// in flight): the iRTT appears there.
    pub has_analysis: bool,
    /// `tcp.time_relative`: since the stream's first frame.
    pub time_relative_ns: i64,
    /// `tcp.time_delta`: since the stream's previous frame.
    pub time_delta_ns: i64,
}

/// How far tshark gets with a TCP header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SegmentKind {
    /// The sequence analysis runs.
    Analysed,
    /// The IP payload is shorter than the TCP header: no analysis, no `tcp.len`.
    Short,
    /// The copy inside an ICMP error.
    Quoted,
}

/// One flagged frame and flag, stored compactly until the report is built.
#[derive(Debug, Clone, Copy)]
pub(crate) struct IssueRecord {
    pub frame: u32,
    pub stream: u32,
    /// Bit position in `flags`.
    pub bit: u8,
    /// Duplicate ACK number, or the retransmitted frame.
    pub aux: u32,
    /// Duplicate ACK: the ACK duplicated.
    pub aux_frame: u32,
    pub rto_ns: i64,
    /// Sent by the connection's client (the first SYN's sender), else by its server.
    pub from_client: bool,
}

/// Connections in the first storage chunk; chunks double up to `CONN_CHUNK_MAX`.
const CONN_CHUNK_FIRST: usize = 4096;
/// The largest chunk (about 28 MB): big enough that the allocator maps it separately, so
/// freeing it while the report is built returns the memory at once.
const CONN_CHUNK_MAX: usize = 65536;
/// Connections held by the doubling chunks before the first maximal one.
const CONN_GROWING_TOTAL: usize = CONN_CHUNK_MAX - CONN_CHUNK_FIRST;

/// Connections by stream number, in chunks: growing never copies what is stored (no doubling
/// peak), and the report is built chunk by chunk, freeing as it goes.
#[derive(Debug, Default)]
pub(crate) struct ConnStore {
    chunks: Vec<Vec<Conn>>,
    len: usize,
}

/// (chunk, offset) of a stream index: chunks of 4096, 8192, 16384, 32768, then 65536 each.
#[inline]
fn chunk_of(idx: usize) -> (usize, usize) {
    if idx < CONN_GROWING_TOTAL {
        let k = (idx / CONN_CHUNK_FIRST + 1).ilog2() as usize;
        (k, idx - CONN_CHUNK_FIRST * ((1 << k) - 1))
    } else {
        let rest = idx - CONN_GROWING_TOTAL;
        let growing = (CONN_CHUNK_MAX / CONN_CHUNK_FIRST).ilog2() as usize;
        (growing + rest / CONN_CHUNK_MAX, rest % CONN_CHUNK_MAX)
    }
}

impl ConnStore {
    fn push(&mut self, c: Conn) -> usize {
        let (chunk, _) = chunk_of(self.len);
        if chunk == self.chunks.len() {
            let size = (CONN_CHUNK_FIRST << chunk).min(CONN_CHUNK_MAX);
            self.chunks.push(Vec::with_capacity(size));
        }
        if let Some(ch) = self.chunks.get_mut(chunk) {
            ch.push(c);
        }
        self.len += 1;
        self.len - 1
    }
    /// `idx` comes from the stream table, so it is always in range.
    #[inline]
    fn get_mut(&mut self, idx: usize) -> &mut Conn {
        let (c, o) = chunk_of(idx);
        &mut self.chunks[c][o]
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn iter(&self) -> impl Iterator<Item = &Conn> {
        self.chunks.iter().flatten()
    }
    pub fn into_chunks(self) -> Vec<Vec<Conn>> {
        self.chunks
    }
}

/// The TCP engine. Feed every packet with [`on_packet`](TcpAnalyzer::on_packet), in order.
#[derive(Debug)]
pub struct TcpAnalyzer {
    table: StreamTable,
    conns: ConnStore,
    issues: Vec<IssueRecord>,
    issues_dropped: u64,
    /// Packets of connections beyond `MAX_CONNECTIONS`.
    untracked_packets: u64,
    config: Config,
}

/// Saturating frame number (frame counts beyond 4 billion do not fit a browser anyway).
#[inline]
fn frame_u32(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

#[inline]
fn ts_nanos(ts: crate::capture::Timestamp) -> i64 {
    ts.secs
        .saturating_mul(1_000_000_000)
        .saturating_add(i64::from(ts.nanos))
}

impl TcpAnalyzer {
    pub fn new(config: &Config) -> Self {
        TcpAnalyzer {
            table: StreamTable::default(),
            conns: ConnStore::default(),
            issues: Vec::new(),
            issues_dropped: 0,
            untracked_packets: 0,
            config: config.clone(),
        }
    }

    /// Number of connections (streams) so far.
    pub fn stream_count(&self) -> usize {
        self.conns.len()
    }

    /// Bytes of one connection's fixed state (for the memory notes in docs/benchmarks.md).
    pub fn connection_state_size() -> usize {
        std::mem::size_of::<Conn>()
    }

    /// Analyses one packet; returns the TCP facts for the other analyzers when it is TCP.
    pub fn on_packet(&mut self, packet: &Packet<'_>) -> Option<TcpContext> {
        self.on_packet_inner(packet, None)
    }

    /// As [`on_packet`](Self::on_packet), and fills `detail` for an analysed TCP segment
    /// (the packet engine's `tcp.*` generated fields). Returns `None` and leaves `detail`
    /// untouched for anything else.
    pub fn on_packet_detail(
        &mut self,
        packet: &Packet<'_>,
        detail: &mut TcpDetail,
    ) -> Option<TcpContext> {
        self.on_packet_inner(packet, Some(detail))
    }

    #[inline]
    fn on_packet_inner(
        &mut self,
        packet: &Packet<'_>,
        detail: Option<&mut TcpDetail>,
    ) -> Option<TcpContext> {
        let lax;
        let seg = match &packet.transport {
            Transport::Tcp(seg) => Some(seg),
            // A header the slicer refused (bogus data offset, options cut by the snaplen).
            Transport::Other(6) => match &packet.ip {
                Some(ip) if ip.fragment.is_none() => {
                    lax = Segment::parse_lax(ip.payload, ip.payload_len);
                    lax.as_ref()
                }
                _ => None,
            },
            _ => None,
        };
        match (&packet.transport, seg) {
            (_, Some(seg)) => {
                let ip = packet.ip.as_ref()?;
                let key = FlowKey::new(ip.src, ip.dst, seg.src_port, seg.dst_port);
                // A header longer than the IP payload: Wireshark's "short segment", not analysed.
                let kind = if ip.payload_len >= u32::from(seg.header_len) {
                    SegmentKind::Analysed
                } else {
                    SegmentKind::Short
                };
                self.on_segment(&key, seg, packet, kind, detail)
            }
            (Transport::Icmpv4(icmp), _) if matches!(icmp.icmp_type, 3 | 4 | 5 | 11 | 12) => {
                self.on_quoted(packet, icmp.body, detail);
                None
            }
            (Transport::Icmpv6(icmp), _) if matches!(icmp.icmp_type, 1..=4) => {
                self.on_quoted(packet, icmp.body, detail);
                None
            }
            _ => None,
        }
    }

    /// The stream of `key`, creating it when new; returns (index, created). `None` when a new
    /// connection would exceed `MAX_CONNECTIONS`.
    fn stream_for(&mut self, key: &FlowKey, frame: u32, ts: i64) -> Option<(usize, bool)> {
        if let Some(idx) = self.table.get(key) {
            return Some((idx, false));
        }
        Some((self.new_stream(key, frame, ts)?, true))
    }

    fn new_stream(&mut self, key: &FlowKey, frame: u32, ts: i64) -> Option<usize> {
        if self.conns.len() >= MAX_CONNECTIONS {
            self.untracked_packets += 1;
            return None;
        }
        let idx = self
            .conns
            .push(Conn::new(key.endpoints(), frame, ts, key.sender_flow()));
        self.table.insert(key, idx);
        Some(idx)
    }

    /// tshark's `dissect_tcp` for one header, up to the analysis it runs on it.
    fn on_segment(
        &mut self,
        key: &FlowKey,
        seg: &Segment<'_>,
        packet: &Packet<'_>,
        kind: SegmentKind,
        detail: Option<&mut TcpDetail>,
    ) -> Option<TcpContext> {
        let p = SegmentFacts {
            frame: frame_u32(packet.meta.number),
            ts: ts_nanos(packet.meta.ts),
            seq: seg.seq,
            ack: seg.ack,
            // Wireshark computes tcp.len only for analysed segments.
            seglen: if kind == SegmentKind::Analysed {
                seg.seglen
            } else {
                0
            },
            flags: seg.flags.0,
            window: seg.window,
        };
        let fwd = key.sender_flow();
        let f = usize::from(fwd);
        let (mut idx, conversation_is_new) = self.stream_for(key, p.frame, p.ts)?;
        let mut verdict = Verdict::default();

        // Port reuse, before the analysis. A SYN whose ISN differs from the flow's base
        // sequence starts a new conversation (completeness starts at SYN); with the same ISN
        // it is a retransmission, and the flow's `nextseq` falls back to the last contiguous
        // byte (issue 17616). A SYN-ACK with another ISN is flagged and becomes the new base
        // (issue 16944). tshark 4.0 does not start a new stream after FIN/RST with the same ISN.
        let syn_ack_bits = p.flags & (Flags::SYN | Flags::ACK);
        if syn_ack_bits == Flags::SYN {
            let flow = &mut self.conns.get_mut(idx).flows[f];
            if flow.base_seq_set {
                if p.seq != flow.base_seq {
                    idx = self.new_stream(key, p.frame, p.ts)?;
                    self.conns.get_mut(idx).completeness = conn::completeness::SYN;
                    verdict.flags |= flags::REUSED_PORTS;
                } else {
                    flow.nextseq = flow.maxseqtobeacked;
                }
            }
        } else if syn_ack_bits == Flags::SYN | Flags::ACK {
            let flow = &mut self.conns.get_mut(idx).flows[f];
            if flow.base_seq_set && p.seq != flow.base_seq {
                flow.base_seq = p.seq;
                verdict.flags |= flags::REUSED_PORTS;
            }
        }

        let stream = idx;
        let conn = self.conns.get_mut(idx);
        let prev_ts = conn.last_ts;
        conn.count_frame(f, p.frame, p.ts, packet.meta.orig_len);
        if kind == SegmentKind::Quoted {
            // An ICMP error's copy: no analysis, no counters, but the completeness, SYN time
            // and iRTT updates below still run on it in tshark.
            if seg.header_len >= 20 {
                conn.after_analysis(fwd, &p, conversation_is_new);
            }
            conn.count_analysis(verdict.flags);
            let from_client = fwd == conn.client;
            if let Some(d) = detail {
                *d = TcpDetail {
                    stream: stream as u64,
                    from_client,
                    quoted: true,
                    win_scale: seq::WIN_SCALE_UNKNOWN,
                    time_relative_ns: p.ts.wrapping_sub(conn.first_ts),
                    time_delta_ns: if conversation_is_new {
                        0
                    } else {
                        p.ts.wrapping_sub(prev_ts)
                    },
                    ..TcpDetail::default()
                };
            }
            if verdict.flags != 0 {
                self.record_issues(stream, p.frame, from_client, &verdict);
            }
            return None;
        }
        conn.note_roles(fwd, p.flags);
        if kind == SegmentKind::Analysed {
            let irtt = conn.irtt_ns;
            let [f0, f1] = &mut conn.flows;
            let (fw, rv) = if fwd == 0 { (f0, f1) } else { (f1, f0) };
            seq::analyze(fw, rv, &p, irtt, &mut verdict, detail.is_some());
        }
        if detail.is_some() {
            conn.flows[f].sack_bytes = if seg.options.len() >= 10 {
                sack_bytes(seg.options).unwrap_or(0)
            } else {
                0
            };
        }
        let win_scale = if seg.flags.syn() {
            seq::WIN_SCALE_UNKNOWN
        } else {
            conn.flows[f].win_scale
        };
        // A header shorter than 20 bytes makes tshark stop right after the analysis.
        if seg.header_len >= 20 {
            conn.after_analysis(fwd, &p, conversation_is_new);
            if seg.flags.syn() {
                let o = parse_syn_options(seg.options);
                let [f0, f1] = &mut conn.flows;
                let (fw, rv) = if fwd == 0 { (f0, f1) } else { (f1, f0) };
                seq::store_window_scale(fw, rv, o.wscale, true, p.flags & Flags::ACK != 0);
                let slot = &mut conn.opts[f];
                if !slot.seen {
                    *slot = o;
                }
            }
        }
        conn.count_tcp(f, p.flags, p.seglen, verdict.flags);
        conn.count_analysis(verdict.flags);
        conn.update_handshake(fwd, p.flags);
        conn.update_zeek(fwd, p.seq, p.flags, p.seglen, verdict.flags);
        let from_client = fwd == conn.client;

        if let Some(d) = detail {
            let [f0, f1] = &conn.flows;
            let (fw, rv) = if fwd == 0 { (f0, f1) } else { (f1, f0) };
            *d = TcpDetail {
                stream: stream as u64,
                from_client,
                analysis: verdict.flags,
                analysed: kind == SegmentKind::Analysed,
                quoted: false,
                seglen: p.seglen,
                seq_base: fw.base_seq,
                ack_base: rv.base_seq_set.then_some(rv.base_seq),
                win_scale,
                dupack_num: verdict.dupack_num,
                dupack_frame: verdict.dupack_frame,
                rto_frame: verdict.rto_frame,
                rto_ns: verdict.rto_ns,
                acks_frame: verdict.acks_frame,
                ack_rtt_ns: verdict.ack_rtt_ns,
                bytes_in_flight: verdict.bytes_in_flight,
                irtt_ns: conn.irtt_ns,
                has_analysis: verdict.has_analysis,
                time_relative_ns: p.ts.wrapping_sub(conn.first_ts),
                time_delta_ns: if conversation_is_new {
                    0
                } else {
                    p.ts.wrapping_sub(prev_ts)
                },
            };
        }
        if verdict.flags != 0 {
            self.record_issues(stream, p.frame, from_client, &verdict);
        }
        Some(TcpContext {
            stream: stream as u64,
            from_client,
            analysis: u32::from(verdict.flags),
        })
    }

    fn record_issues(&mut self, stream: usize, frame: u32, from_client: bool, v: &Verdict) {
        let mut bits = v.flags;
        while bits != 0 {
            let bit = bits.trailing_zeros();
            bits &= bits - 1;
            if self.issues.len() >= MAX_ISSUES {
                self.issues_dropped += 1;
                continue;
            }
            let flag = 1u16 << bit;
            let (aux, aux_frame, rto_ns) = if flag == flags::DUPLICATE_ACK {
                (v.dupack_num, v.dupack_frame, 0)
            } else if flag == flags::RETRANSMISSION {
                (v.rto_frame, 0, v.rto_ns)
            } else {
                (0, 0, 0)
            };
            self.issues.push(IssueRecord {
                frame,
                stream: u32::try_from(stream).unwrap_or(u32::MAX),
                bit: bit as u8,
                aux,
                aux_frame,
                rto_ns,
                from_client,
            });
        }
    }

    /// An ICMP error quoting a TCP header: tshark dissects the copy with the same
    /// conversation code (finding or creating the stream, port-reuse checks), counts the frame
    /// in the stream, and skips the sequence analysis.
    fn on_quoted(&mut self, packet: &Packet<'_>, body: &[u8], detail: Option<&mut TcpDetail>) {
        let Some((ip, _)) = decode_ip(body) else {
            return;
        };
        if ip.protocol != 6 || ip.fragment.is_some_and(|f| f.offset > 0) {
            return;
        }
        // tshark reads the header up to the window field before looking up the conversation.
        let Some(seg) = Segment::parse_lax(ip.payload, 0) else {
            return;
        };
        let key = FlowKey::new(ip.src, ip.dst, seg.src_port, seg.dst_port);
        self.on_segment(&key, &seg, packet, SegmentKind::Quoted, detail);
    }

    /// Builds the report section (applying the server filter).
    pub fn finish(self) -> TcpSection {
        let filter = summary::Filter::from_config(&self.config);
        // The table is not needed any more: free it before the report is built.
        drop(self.table);
        let mut section = summary::build(self.conns, &self.issues, self.issues_dropped, &filter);
        if self.untracked_packets > 0 {
            section.notes.push(format!(
                "more than {MAX_CONNECTIONS} connections: {} packets of later connections were not analysed",
                self.untracked_packets
            ));
        }
        section
    }
}

/// The bytes a SACK option's blocks cover, if the options carry one.
fn sack_bytes(bytes: &[u8]) -> Option<u32> {
    crate::decode::tcp::Options::new(bytes).find_map(|o| match o {
        TcpOption::Sack(blocks) => Some(blocks.chunks_exact(8).fold(0u32, |acc, b| {
            let l = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
            let r = u32::from_be_bytes([b[4], b[5], b[6], b[7]]);
            acc.wrapping_add(r.wrapping_sub(l))
        })),
        _ => None,
    })
}

/// The options of a SYN that the report shows and the analysis needs.
fn parse_syn_options(bytes: &[u8]) -> SynOpts {
    let mut o = SynOpts {
        seen: true,
        ..SynOpts::default()
    };
    for opt in crate::decode::tcp::Options::new(bytes) {
        match opt {
            TcpOption::Mss(m) => o.mss = Some(m),
            TcpOption::WindowScale(w) => o.wscale = Some(w),
            TcpOption::SackPermitted => o.sack_perm = true,
            TcpOption::Timestamps { .. } => o.timestamps = true,
            _ => {}
        }
    }
    o
}

/// Formats an endpoint as the report shows it: "1.2.3.4:80", "[2001:db8::1]:443".
pub(crate) fn endpoint_string(addr: IpAddr, port: u16) -> String {
    match addr {
        IpAddr::V4(a) => format!("{a}:{port}"),
        IpAddr::V6(a) => format!("[{a}]:{port}"),
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod store_tests {
    use super::*;

    #[test]
    fn test_chunk_of_is_a_bijection_onto_growing_chunks() {
        let mut expect = (0usize, 0usize);
        for idx in 0..300_000 {
            assert_eq!(chunk_of(idx), expect, "idx {idx}");
            let size = (CONN_CHUNK_FIRST << expect.0).min(CONN_CHUNK_MAX);
            expect.1 += 1;
            if expect.1 == size {
                expect = (expect.0 + 1, 0);
            }
        }
    }
}
