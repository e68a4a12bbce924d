//! The packets of one TCP stream, for a flow graph (ladder diagram) and a time-sequence
//! (Stevens) plot.
//!
//! The [`Report`](crate::Report) keeps per-connection aggregates, never per-packet rows (a 2 GB
//! capture must fit in a browser tab). When someone opens one connection, the front end reads
//! the same file a second time through a [`StreamScan`]: the reader, the decoder and the TCP
//! engine run exactly as in the analysis (so stream numbers and analysis flags are the same),
//! and only the packets of the chosen stream are kept: the first `max_rows` in full (the
//! ladder) and an evenly thinned sample of the whole stream for the plot. Memory is bounded by
//! those caps plus the TCP engine's own per-connection state.
//!
//! Sequence and acknowledgement numbers are relative, as Wireshark shows them by default
//! (`tcp.seq` / `tcp.ack`): the base of a direction is its SYN's sequence number, or one less
//! than the first sequence number seen (or the first ACK seen from the other side, minus one).
//!
//! TLS records are labelled in the frame where they complete, as Wireshark's Info column does,
//! by following record headers along in-order segments (no reassembly buffer: only the 6 bytes
//! of a header and its first handshake byte are ever kept). The types cross the page ⇄ worker
//! boundary, hence their serde derives (they are not part of the Report's JSON contract).

use serde::{Deserialize, Serialize};

use super::tcp::{flags, TcpAnalyzer};
use super::Config;
use crate::capture::Reader;
use crate::decode::tcp::{Flags, Options, Segment, TcpOption};
use crate::decode::{decode_frame, Packet, Transport};

/// Default rows kept in full for the ladder diagram.
pub const DEFAULT_MAX_ROWS: usize = 500;
/// The most rows a query may ask for (each row is ~100 bytes; the page draws them all).
pub const MAX_ROWS_LIMIT: usize = 5_000;
/// Points kept for the time-sequence plot of a whole stream (thinned evenly beyond this).
pub const MAX_PLOT_POINTS: usize = 8_000;
/// Flagged segments (retransmissions, ...) are always plotted, up to this many extra points.
pub const MAX_FLAGGED_PLOT_POINTS: usize = 4_000;
/// TLS records labelled on one frame (a segment can carry many small records).
pub const MAX_TLS_LABELS: usize = 8;
/// SACK blocks kept per row (TCP carries at most 4).
pub const MAX_SACK_BLOCKS: usize = 4;
/// TLS records whose end is awaited per direction (more than this in flight: stop labelling).
const MAX_PENDING_RECORDS: usize = 64;
/// The largest TLS record length a header may claim (2^14 plus expansion, RFC 8446 §5.2).
const MAX_TLS_RECORD: u32 = (1 << 14) + 2048;

/// Which stream to collect, and how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StreamQuery {
    /// Wireshark's `tcp.stream`.
    pub stream: u64,
    /// The stream's last frame (from the Report): reading stops after it. 0 = read everything.
    pub last_frame: u64,
    /// The stream's packet count (from the Report), to thin the plot evenly; 0 if unknown.
    pub expected_packets: u64,
    /// Rows kept in full (capped at [`MAX_ROWS_LIMIT`]).
    pub max_rows: usize,
    /// Label TLS records (set when the Report found TLS on this stream).
    pub tls: bool,
}

impl StreamQuery {
    pub fn new(stream: u64) -> Self {
        StreamQuery {
            stream,
            last_frame: 0,
            expected_packets: 0,
            max_rows: DEFAULT_MAX_ROWS,
            tls: false,
        }
    }
}

/// The packets of one stream.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StreamPackets {
    pub stream: u64,
    /// The first packets, in frame order.
    pub rows: Vec<PacketRow>,
    /// Packets of the stream seen (rows beyond `rows.len()` were not kept).
    pub total: u64,
    /// A sample of every packet (all of them when the stream is small), in frame order.
    pub plot: Vec<PlotPoint>,
    /// Every `plot_stride`-th packet is in `plot` (plus every flagged one).
    pub plot_stride: u64,
    /// Time of the stream's first packet (epoch seconds); plot times are relative to it.
    pub first_time: f64,
    /// Why the scan stopped early, if it did (the file could not be read to the end).
    pub error: Option<String>,
}

/// One packet of the stream, as a flow graph shows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PacketRow {
    pub frame: u64,
    /// Epoch seconds.
    pub time: f64,
    pub from_client: bool,
    /// TCP flag bits (`decode::tcp::Flags` values: FIN 0x01, SYN 0x02, RST 0x04, PSH 0x08, ACK 0x10, ...).
    pub flags: u16,
    /// Relative sequence number (`tcp.seq`).
    pub seq: u32,
    /// Relative acknowledgement number (`tcp.ack`), when the ACK flag is set.
    pub ack: Option<u32>,
    /// Payload length (`tcp.len`).
    pub len: u32,
    /// The window field as sent (not scaled).
    pub window: u16,
    /// `analyze::tcp::flags` bits (`tcp.analysis.*`).
    pub analysis: u16,
    /// SACK blocks, relative to the other direction's base (left edge, right edge).
    pub sack: Vec<(u32, u32)>,
    /// TLS records that complete in this frame.
    pub tls: Vec<TlsRecord>,
}

/// One point of the time-sequence plot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct PlotPoint {
    /// Seconds since the stream's first packet.
    pub t: f64,
    pub from_client: bool,
    pub seq: u32,
    pub len: u32,
    /// Relative ACK number, when the ACK flag is set.
    pub ack: Option<u32>,
    pub window: u16,
    pub flags: u16,
    pub analysis: u16,
}

/// A TLS record, named as Wireshark's Info column names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TlsRecord {
    /// 20 ChangeCipherSpec, 21 Alert, 22 Handshake, 23 Application Data, 24 Heartbeat.
    pub content_type: u8,
    /// The first handshake message's type, when the record is a plaintext handshake.
    pub handshake_type: Option<u8>,
    /// Sent after this side's ChangeCipherSpec: its contents are not readable.
    pub encrypted: bool,
}

impl TlsRecord {
    /// Wireshark's Info text: "Client Hello", "Change Cipher Spec", "Application Data",
    /// "Encrypted Handshake Message", "Encrypted Alert", ...
    pub fn wireshark_name(&self) -> &'static str {
        match (self.content_type, self.encrypted, self.handshake_type) {
            (20, _, _) => "Change Cipher Spec",
            (21, true, _) => "Encrypted Alert",
            (21, false, _) => "Alert",
            (22, true, _) => "Encrypted Handshake Message",
            (22, false, Some(t)) => handshake_name(t),
            (22, false, None) => "Handshake",
            (23, _, _) => "Application Data",
            (24, _, _) => "Heartbeat",
            _ => "TLS record",
        }
    }
}

/// Wireshark's name of a handshake message type.
fn handshake_name(t: u8) -> &'static str {
    match t {
        0 => "Hello Request",
        1 => "Client Hello",
        2 => "Server Hello",
        4 => "New Session Ticket",
        5 => "End Of Early Data",
        8 => "Encrypted Extensions",
        11 => "Certificate",
        12 => "Server Key Exchange",
        13 => "Certificate Request",
        14 => "Server Hello Done",
        15 => "Certificate Verify",
        16 => "Client Key Exchange",
        20 => "Finished",
        24 => "Key Update",
        _ => "Handshake",
    }
}

/// Per-direction state: the relative-number base and the TLS record follower.
#[derive(Debug, Default)]
struct Direction {
    base: Option<u32>,
    tls: TlsFollower,
}

/// Follows TLS record boundaries along the in-order bytes of one direction.
#[derive(Debug, Default)]
struct TlsFollower {
    /// Relative sequence number where the next record header starts; None when out of step.
    next_header: Option<u32>,
    /// Bytes of a header split across segments (type, version, length, first handshake byte).
    header: Vec<u8>,
    /// Relative sequence number up to which bytes have been seen in order.
    in_order_end: Option<u32>,
    /// Records started, waiting for the frame that completes them: (end, record).
    pending: Vec<(u32, TlsRecord)>,
    /// This side sent ChangeCipherSpec (TLS ≤ 1.2: what follows is encrypted).
    ccs_seen: bool,
}

impl TlsFollower {
    /// Feeds an in-order stretch of payload starting at relative `seq`; returns the records
    /// that complete within it.
    fn on_payload(&mut self, seq: u32, seglen: u32, payload: &[u8], out: &mut Vec<TlsRecord>) {
        let end = seq.wrapping_add(seglen);
        match self.in_order_end {
            // Old data (retransmitted or overlapping): nothing new.
            Some(e) if seq_le(end, e) => return,
            // A hole: the record boundaries after it are unknown until a header shows up.
            Some(e) if seq_lt(e, seq) => {
                self.next_header = None;
                self.header.clear();
                self.pending.clear();
            }
            _ => {}
        }
        let first = self.in_order_end.is_none();
        let overlap = match self.in_order_end {
            Some(e) if seq_lt(seq, e) => e.wrapping_sub(seq),
            _ => 0,
        };
        self.in_order_end = Some(end);
        if self.next_header.is_none() {
            // The direction's first byte starts a record; after a hole, resynchronise only at
            // a segment that starts with a plausible header.
            if overlap == 0 && (first || looks_like_header(payload)) {
                self.next_header = Some(seq);
            } else {
                return;
            }
        }
        // The captured bytes may stop before the segment's end (snaplen).
        let captured_end = seq.wrapping_add(payload.len() as u32);
        while let Some(next) = self.next_header {
            let want = next.wrapping_add(self.header.len() as u32);
            if !seq_lt(want, end) {
                break;
            }
            if seq_lt(want, seq) || !seq_lt(want, captured_end) {
                // Behind us (should not happen) or beyond the captured bytes: lose step.
                self.next_header = None;
                self.header.clear();
                break;
            }
            let offset = want.wrapping_sub(seq) as usize;
            let needed = 6 - self.header.len();
            let take = payload.get(offset..).unwrap_or(&[]);
            let take = &take[..take.len().min(needed)];
            self.header.extend_from_slice(take);
            if self.header.len() < 5 {
                break;
            }
            let h = &self.header;
            let (content_type, major, minor) = (h[0], h[1], h[2]);
            let length = u32::from(u16::from_be_bytes([h[3], h[4]]));
            if !(20..=24).contains(&content_type)
                || major != 3
                || minor > 4
                || length > MAX_TLS_RECORD
            {
                self.next_header = None;
                self.header.clear();
                self.pending.clear();
                break;
            }
            let plaintext_handshake = content_type == 22 && !self.ccs_seen;
            if plaintext_handshake && length > 0 && self.header.len() < 6 {
                // The handshake type byte is in the next segment.
                if seq_lt(want.wrapping_add(take.len() as u32), end) {
                    // ...or beyond the captured bytes.
                    self.next_header = None;
                    self.header.clear();
                }
                break;
            }
            let record = TlsRecord {
                content_type,
                handshake_type: (plaintext_handshake && length > 0)
                    .then(|| h.get(5).copied())
                    .flatten(),
                encrypted: self.ccs_seen && matches!(content_type, 21 | 22),
            };
            if content_type == 20 {
                self.ccs_seen = true;
            }
            let record_end = next.wrapping_add(5).wrapping_add(length);
            if self.pending.len() < MAX_PENDING_RECORDS {
                self.pending.push((record_end, record));
            }
            self.next_header = Some(record_end);
            self.header.clear();
        }
        // Records whose last byte arrived in this segment.
        let mut i = 0;
        while i < self.pending.len() {
            if seq_le(self.pending[i].0, end) {
                let (_, record) = self.pending.remove(i);
                if out.len() < MAX_TLS_LABELS {
                    out.push(record);
                }
            } else {
                i += 1;
            }
        }
    }
}

/// A TLS record header at the start of `payload`?
fn looks_like_header(payload: &[u8]) -> bool {
    match payload {
        [t, 3, minor, hi, lo, ..] => {
            (20..=24).contains(t)
                && *minor <= 4
                && u32::from(u16::from_be_bytes([*hi, *lo])) <= MAX_TLS_RECORD
        }
        _ => false,
    }
}

/// `a < b` in 32-bit sequence space.
fn seq_lt(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}

fn seq_le(a: u32, b: u32) -> bool {
    a == b || seq_lt(a, b)
}

/// Reads a capture (fed in chunks) and keeps the packets of one TCP stream.
pub struct StreamScan {
    query: StreamQuery,
    reader: Reader,
    tcp: TcpAnalyzer,
    /// [client → server, server → client].
    dirs: [Direction; 2],
    out: StreamPackets,
    flagged_points: usize,
    /// Past the stream's last frame: nothing more to read.
    done: bool,
}

impl StreamScan {
    pub fn new(query: StreamQuery) -> Self {
        let max_rows = query.max_rows.min(MAX_ROWS_LIMIT);
        let stride = query
            .expected_packets
            .div_ceil(MAX_PLOT_POINTS as u64)
            .max(1);
        StreamScan {
            out: StreamPackets {
                stream: query.stream,
                plot_stride: stride,
                ..StreamPackets::default()
            },
            query: StreamQuery { max_rows, ..query },
            reader: Reader::new(),
            // The filter only restricts the report section; stream numbers never depend on it.
            tcp: TcpAnalyzer::new(&Config::default()),
            dirs: Default::default(),
            flagged_points: 0,
            done: false,
        }
    }

    /// Feeds the next chunk of the file (any size).
    pub fn feed(&mut self, chunk: &[u8]) {
        if self.done {
            return;
        }
        let StreamScan {
            reader,
            tcp,
            dirs,
            out,
            query,
            flagged_points,
            done,
        } = self;
        reader.feed(chunk, |frame| {
            if *done {
                return;
            }
            if query.last_frame > 0 && frame.number > query.last_frame {
                *done = true;
                return;
            }
            let packet = decode_frame(frame);
            if let Some(ctx) = tcp.on_packet(&packet) {
                if ctx.stream == query.stream {
                    keep(
                        &packet,
                        ctx.from_client,
                        ctx.analysis as u16,
                        query,
                        dirs,
                        out,
                        flagged_points,
                    );
                }
            }
        });
    }

    /// True when the rest of the file cannot add packets (past the last frame, or the reader
    /// gave up): the caller may stop reading.
    pub fn is_done(&self) -> bool {
        self.done || self.reader.is_stopped()
    }

    /// Ends the input and returns what was collected.
    pub fn finish(mut self) -> StreamPackets {
        if !self.done {
            let StreamScan {
                reader,
                tcp,
                dirs,
                out,
                query,
                flagged_points,
                ..
            } = &mut self;
            reader.finish(|frame| {
                let packet = decode_frame(frame);
                if let Some(ctx) = tcp.on_packet(&packet) {
                    if ctx.stream == query.stream {
                        keep(
                            &packet,
                            ctx.from_client,
                            ctx.analysis as u16,
                            query,
                            dirs,
                            out,
                            flagged_points,
                        );
                    }
                }
            });
        }
        if let Some(e) = self.reader.error() {
            self.out.error = Some(e.to_string());
        }
        self.out
    }
}

/// Collects the packets of one stream from a capture held in memory (tests, small files).
pub fn stream_packets(bytes: &[u8], query: StreamQuery) -> StreamPackets {
    let mut scan = StreamScan::new(query);
    scan.feed(bytes);
    scan.finish()
}

/// The TCP segment of a packet the engine analysed (including headers only the lax parser reads).
fn segment<'a>(packet: &Packet<'a>) -> Option<Segment<'a>> {
    match &packet.transport {
        Transport::Tcp(seg) => Some(seg.clone()),
        Transport::Other(6) => {
            let ip = packet.ip.as_ref()?;
            Segment::parse_lax(ip.payload, ip.payload_len)
        }
        _ => None,
    }
}

fn keep(
    packet: &Packet<'_>,
    from_client: bool,
    analysis: u16,
    query: &StreamQuery,
    dirs: &mut [Direction; 2],
    out: &mut StreamPackets,
    flagged_points: &mut usize,
) {
    let Some(seg) = segment(packet) else {
        return;
    };
    let time = packet.meta.ts.as_f64();
    if out.total == 0 {
        out.first_time = time;
    }
    let index = out.total;
    out.total += 1;

    let fl = seg.flags.0;
    let (fwd, rev) = if from_client { (0, 1) } else { (1, 0) };
    // Bases as Wireshark sets them (seq.rs does the same for its own state).
    if dirs[fwd].base.is_none() {
        dirs[fwd].base = Some(if fl & Flags::SYN != 0 {
            seg.seq
        } else {
            seg.seq.wrapping_sub(1)
        });
    }
    let has_ack = fl & Flags::ACK != 0;
    if dirs[rev].base.is_none() && has_ack {
        dirs[rev].base = Some(seg.ack.wrapping_sub(1));
    }
    let seq = seg.seq.wrapping_sub(dirs[fwd].base.unwrap_or(seg.seq));
    let rev_base = dirs[rev].base.unwrap_or(0);
    let ack = has_ack.then(|| seg.ack.wrapping_sub(rev_base));

    let keep_row = out.rows.len() < query.max_rows;
    let flagged = analysis != 0 && *flagged_points < MAX_FLAGGED_PLOT_POINTS;
    let sampled = index.is_multiple_of(out.plot_stride);
    if sampled || flagged {
        if !sampled {
            *flagged_points += 1;
        }
        out.plot.push(PlotPoint {
            t: time - out.first_time,
            from_client,
            seq,
            len: seg.seglen,
            ack,
            window: seg.window,
            flags: fl,
            analysis,
        });
    }

    // TLS boundaries are followed on every packet (a record can start before the rows end).
    let mut tls = Vec::new();
    let in_sequence = analysis & flags::SKIP_FOR_REASSEMBLY == 0;
    if query.tls && seg.seglen > 0 && in_sequence {
        dirs[fwd]
            .tls
            .on_payload(seq, seg.seglen, seg.payload, &mut tls);
    }
    if !keep_row {
        return;
    }
    let sack = Options::new(seg.options)
        .filter_map(|o| match o {
            TcpOption::Sack(blocks) => Some(blocks),
            _ => None,
        })
        .flat_map(|blocks| blocks.chunks_exact(8))
        .take(MAX_SACK_BLOCKS)
        .map(|b| {
            let left = u32::from_be_bytes([b[0], b[1], b[2], b[3]]);
            let right = u32::from_be_bytes([b[4], b[5], b[6], b[7]]);
            (left.wrapping_sub(rev_base), right.wrapping_sub(rev_base))
        })
        .collect();
    out.rows.push(PacketRow {
        frame: packet.meta.number,
        time,
        from_client,
        flags: fl,
        seq,
        ack,
        len: seg.seglen,
        window: seg.window,
        analysis,
        sack,
        tls,
    });
}

/// Wireshark's names of the `tcp.analysis.*` flags set in `analysis`, in bit order.
pub fn analysis_names(analysis: u16) -> impl Iterator<Item = &'static str> {
    flags::NAMES
        .iter()
        .enumerate()
        .filter(move |(bit, _)| analysis & (1 << bit) != 0)
        .map(|(_, name)| *name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_stream(stream: u64) -> StreamPackets {
        let bytes = pcaplens_synth::demo::demo_capture();
        stream_packets(
            &bytes,
            StreamQuery {
                tls: true,
                ..StreamQuery::new(stream)
            },
        )
    }

    fn names(row: &PacketRow) -> Vec<&'static str> {
        row.tls.iter().map(TlsRecord::wireshark_name).collect()
    }

    #[test]
    fn demo_stream_0_matches_the_frame_map() {
        let s = demo_stream(0);
        let frames: Vec<u64> = s.rows.iter().map(|r| r.frame).collect();
        assert_eq!(frames, (3..=20).collect::<Vec<_>>());
        assert_eq!(s.total, 18);
        let syn = &s.rows[0];
        assert!(syn.from_client);
        assert_eq!(syn.flags & (Flags::SYN | Flags::ACK), Flags::SYN);
        assert_eq!((syn.seq, syn.ack, syn.len), (0, None, 0));
        let syn_ack = &s.rows[1];
        assert!(!syn_ack.from_client);
        assert_eq!((syn_ack.seq, syn_ack.ack), (0, Some(1)));
        let ack = &s.rows[2];
        assert_eq!((ack.seq, ack.ack, ack.len), (1, Some(1), 0));
        // Frame 6: ClientHello starting at relative seq 1.
        assert_eq!(s.rows[3].frame, 6);
        assert_eq!(s.rows[3].seq, 1);
        assert_eq!(names(&s.rows[3]), ["Client Hello"]);
        // Frame 16: spurious retransmission; frame 17: dup ACK with a D-SACK block.
        let spurious = &s.rows[13];
        assert_eq!(spurious.frame, 16);
        assert_ne!(spurious.analysis & flags::SPURIOUS_RETRANSMISSION, 0);
        assert!(
            spurious.tls.is_empty(),
            "retransmitted data is not labelled again"
        );
        let dup = &s.rows[14];
        assert_eq!(dup.frame, 17);
        assert_ne!(dup.analysis & flags::DUPLICATE_ACK, 0);
        assert_eq!(dup.sack.len(), 1);
        assert_eq!(
            analysis_names(dup.analysis).collect::<Vec<_>>(),
            ["duplicate_ack"]
        );
        // Plot: small stream, every packet.
        assert_eq!(s.plot.len(), 18);
        assert_eq!(s.plot_stride, 1);
        assert_eq!(s.plot[0].t, 0.0);
        assert!(s.error.is_none());
    }

    #[test]
    fn demo_tls_records_are_named_where_they_complete() {
        let s = demo_stream(0);
        let server_hello_frames: Vec<(u64, Vec<&str>)> = s
            .rows
            .iter()
            .filter(|r| (8..=14).contains(&r.frame))
            .map(|r| (r.frame, names(r)))
            .collect();
        let all: Vec<&str> = server_hello_frames
            .iter()
            .flat_map(|(_, n)| n.iter().copied())
            .collect();
        assert!(all.contains(&"Server Hello"), "{server_hello_frames:?}");
        assert!(
            all.contains(&"Change Cipher Spec"),
            "{server_hello_frames:?}"
        );
        assert!(all.contains(&"Application Data"), "{server_hello_frames:?}");
    }

    #[test]
    fn stops_after_the_last_frame_and_caps_rows() {
        let bytes = pcaplens_synth::demo::demo_capture();
        let mut scan = StreamScan::new(StreamQuery {
            last_frame: 20,
            max_rows: 5,
            ..StreamQuery::new(0)
        });
        scan.feed(&bytes);
        assert!(scan.is_done());
        let s = scan.finish();
        assert_eq!(s.rows.len(), 5);
        assert_eq!(s.total, 18);
        assert!(s.rows.iter().all(|r| r.tls.is_empty()), "TLS not asked for");
    }

    #[test]
    fn plot_is_thinned_but_keeps_flagged_segments() {
        let bytes = pcaplens_synth::demo::demo_capture();
        let s = stream_packets(
            &bytes,
            StreamQuery {
                // Pretend the stream is huge: stride 3.
                expected_packets: 3 * MAX_PLOT_POINTS as u64,
                ..StreamQuery::new(1)
            },
        );
        assert_eq!(s.plot_stride, 3);
        let sampled = s.total.div_ceil(3) as usize;
        let flagged_unsampled = s
            .rows
            .iter()
            .enumerate()
            .filter(|(i, r)| r.analysis != 0 && i % 3 != 0)
            .count();
        assert_eq!(s.plot.len(), sampled + flagged_unsampled);
    }

    #[test]
    fn unknown_stream_and_garbage_give_empty_results() {
        let bytes = pcaplens_synth::demo::demo_capture();
        let s = stream_packets(&bytes, StreamQuery::new(99));
        assert_eq!((s.total, s.rows.len(), s.plot.len()), (0, 0, 0));
        let s = stream_packets(b"not a capture at all", StreamQuery::new(0));
        assert_eq!(s.total, 0);
        assert!(s.error.is_some());
    }

    #[test]
    fn tls_follower_handles_split_headers_and_holes() {
        let mut f = TlsFollower::default();
        let mut out = Vec::new();
        // A handshake record (ClientHello, 4 bytes of body) split after 3 header bytes.
        let record = [22u8, 3, 1, 0, 4, 1, 0, 0, 0];
        f.on_payload(1, 3, &record[..3], &mut out);
        assert!(out.is_empty());
        f.on_payload(4, 6, &record[3..], &mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].wireshark_name(), "Client Hello");
        // A hole, then data not starting with a header: nothing.
        out.clear();
        f.on_payload(100, 3, &[1, 2, 3], &mut out);
        assert!(out.is_empty());
        // A segment starting with CCS + app data header resynchronises.
        f.on_payload(103, 12, &[20, 3, 3, 0, 1, 1, 23, 3, 3, 0, 1, 9], &mut out);
        let n: Vec<_> = out.iter().map(TlsRecord::wireshark_name).collect();
        assert_eq!(n, ["Change Cipher Spec", "Application Data"]);
        // After CCS, a handshake record is encrypted.
        out.clear();
        f.on_payload(115, 6, &[22, 3, 3, 0, 1, 0x55], &mut out);
        assert_eq!(out[0].wireshark_name(), "Encrypted Handshake Message");
    }
}
