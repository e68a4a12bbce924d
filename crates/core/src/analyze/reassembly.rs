//! TCP byte-stream reassembly for the stream analyzers (TLS, SIP and DNS over TCP).
//!
//! One [`DirectionStream`] per direction of a TCP connection turns segments, as captured, into
//! the in-order byte stream the application sent:
//!
//! - retransmitted and overlapping bytes are delivered once (the first copy wins, as Wireshark's
//!   default);
//! - out-of-order segments are held (at most [`MAX_PENDING_BYTES`] / [`MAX_PENDING_SEGMENTS`]
//!   per direction) until the hole before them is filled;
//! - bytes that will never arrive (a snaplen cut, a hole the peer ACKed while later data is
//!   held, held data overflowing its cap, or the end of the capture via `flush`) become a
//!   *gap*: the consumer is told how many bytes were lost and resynchronises (a TLS record
//!   boundary, a SIP start line, ...).
//!
//! The consumer implements [`StreamSink`]. Bytes are *offered*, not pushed: the sink says how many
//! it consumed and the rest (a partial header, an incomplete message) stays buffered, at most
//! [`MAX_BUFFERED_BYTES`]. In the common case (in-order segment, nothing buffered) the sink reads
//! the packet's own payload slice and nothing is copied, so bulk streams cost one call per segment.
//!
//! ```text
//! conn.client.push(&segment, &mut sink);     // payload of a client → server segment
//! conn.client.peer_ack(server_seg.ack, ..);  // the server ACKed client bytes (gap detection)
//! conn.client.flush(&mut sink);              // end of capture: cross holes, deliver pending
//! ```
//!
//! State is per direction and bounded; nothing is allocated for a stream until it has payload.
//! [`StreamSet`] is a compact bitset over Wireshark `tcp.stream` numbers for "already decided"
//! streams, so analyzers can ignore uninteresting streams without a table entry each.
//!
//! The pattern the stream analyzers follow (see `tls` and `sip`): key live state by
//! `TcpContext::stream` in a capped map (evicting the least recently active entries when full),
//! create it on a stream's first payload, let the sink decide from the first in-order bytes
//! whether the protocol is there (else `stop` and mark the stream in a [`StreamSet`]), and
//! `flush` at FIN/RST or at the end of the capture.

use crate::decode::tcp::{Flags, Segment};

/// Out-of-order bytes held per direction, waiting for the hole before them to be filled.
pub const MAX_PENDING_BYTES: usize = 64 * 1024;
/// Out-of-order segments held per direction.
pub const MAX_PENDING_SEGMENTS: usize = 64;
/// In-order bytes the consumer has not consumed yet (a partial message). Beyond this the buffer
/// is dropped and reported as a gap: no protocol we parse needs a bigger unit.
pub const MAX_BUFFERED_BYTES: usize = 64 * 1024;
/// A segment or ACK further ahead of the expected sequence number than this is not trusted (a
/// corrupt or unrelated packet) and ignored.
pub const MAX_SEQ_JUMP: u32 = 1 << 30;

/// The consumer of one direction's byte stream.
pub trait StreamSink {
    /// Offers the in-order bytes not consumed yet. Returns how many were consumed (≤
    /// `data.len()`); 0 means "wait for more". Called again with the rest while it makes
    /// progress.
    fn on_data(&mut self, data: &[u8]) -> usize;
    /// `lost` bytes will never arrive. `dropped` bytes that were buffered unconsumed just before
    /// them were discarded. The next `on_data` starts right after the hole.
    fn on_gap(&mut self, lost: u64, dropped: usize);
    /// How many of the next bytes the sink would consume without reading them (the middle of a
    /// record body it only counts). Offering up to that many to `on_data` must do exactly what
    /// [`skip`](Self::skip) does, so bulk segments can bypass it.
    fn unread(&self) -> usize {
        0
    }
    /// Consumes `n` (≤ [`unread`](Self::unread)) bytes without seeing them.
    fn skip(&mut self, _n: usize) {}
}

/// Counters for one direction (for reports and tests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StreamStats {
    /// Bytes delivered to the sink (each byte once).
    pub delivered: u64,
    /// Bytes declared lost.
    pub lost: u64,
    /// Number of gaps (holes crossed).
    pub gaps: u64,
    /// Retransmitted / overlapping bytes that were discarded.
    pub duplicate: u64,
    /// Segments held out of order at some point.
    pub out_of_order: u64,
}

#[derive(Debug)]
struct PendingSegment {
    seq: u32,
    /// Reported length (the captured `data` may be shorter: a snaplen cut).
    len: u32,
    data: Vec<u8>,
}

/// One direction of a TCP connection, reassembled. See the module doc.
#[derive(Debug, Default)]
pub struct DirectionStream {
    /// Sequence number of the next byte expected; `None` until a SYN or the first payload.
    next_seq: Option<u32>,
    /// Sequence number just after a FIN, once seen (the peer ACKs it without data).
    fin_end: Option<u32>,
    /// In-order bytes offered but not consumed; they end at `next_seq`.
    buffered: Vec<u8>,
    /// Out-of-order segments, sorted by distance from `next_seq`.
    pending: Vec<PendingSegment>,
    pending_bytes: usize,
    stopped: bool,
    stats: StreamStats,
}

/// Signed distance from `base` to `seq` in sequence space (positive: `seq` is ahead).
#[inline]
fn seq_diff(seq: u32, base: u32) -> i64 {
    i64::from(seq.wrapping_sub(base) as i32)
}

impl DirectionStream {
    pub fn new() -> Self {
        Self::default()
    }

    /// Counters so far.
    pub fn stats(&self) -> StreamStats {
        self.stats
    }

    /// Bytes buffered (in-order unconsumed plus out-of-order).
    pub fn buffered_len(&self) -> usize {
        self.buffered.len() + self.pending_bytes
    }

    /// True once [`stop`](Self::stop) was called.
    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    /// The consumer lost interest: free every buffer and ignore further input.
    pub fn stop(&mut self) {
        self.stopped = true;
        self.buffered = Vec::new();
        self.pending = Vec::new();
        self.pending_bytes = 0;
    }

    /// Feeds one segment travelling in this direction.
    #[inline]
    pub fn push(&mut self, seg: &Segment<'_>, sink: &mut impl StreamSink) {
        if self.stopped {
            return;
        }
        // Bulk data: the next in-order segment, wholly captured, nothing held, inside a body the
        // sink does not read. The general path would deliver it and the sink consume it unread.
        let len = seg.seglen;
        if self.next_seq == Some(seg.seq)
            && len > 0
            && seg.flags.0 & (Flags::SYN | Flags::FIN) == 0
            && seg.payload.len() >= len as usize
            && self.buffered.is_empty()
            && self.pending.is_empty()
            && len as usize <= sink.unread()
        {
            self.next_seq = Some(seg.seq.wrapping_add(len));
            self.stats.delivered += u64::from(len);
            sink.skip(len as usize);
            return;
        }
        self.push_general(seg, sink);
    }

    fn push_general(&mut self, seg: &Segment<'_>, sink: &mut impl StreamSink) {
        let syn = seg.flags.syn();
        // A SYN consumes one sequence number; its payload (TCP Fast Open) starts after it.
        let data_seq = if syn {
            seg.seq.wrapping_add(1)
        } else {
            seg.seq
        };
        if syn && self.next_seq.is_none() {
            self.next_seq = Some(data_seq);
        }
        if seg.flags.fin() {
            self.fin_end = Some(data_seq.wrapping_add(seg.seglen).wrapping_add(1));
        }
        if seg.seglen == 0 {
            return;
        }
        let captured = seg
            .payload
            .get(..seg.seglen as usize)
            .unwrap_or(seg.payload);
        self.push_bytes(data_seq, seg.seglen, captured, sink);
    }

    /// Feeds payload bytes directly: `len` bytes starting at sequence number `seq`, of which
    /// `captured` (a prefix, possibly shorter) are present. For callers without a [`Segment`].
    pub fn push_bytes(&mut self, seq: u32, len: u32, captured: &[u8], sink: &mut impl StreamSink) {
        if self.stopped || len == 0 {
            return;
        }
        let captured = captured.get(..len as usize).unwrap_or(captured);
        let next = *self.next_seq.get_or_insert(seq);
        let ahead = seq_diff(seq, next);
        if ahead > 0 {
            if ahead >= i64::from(MAX_SEQ_JUMP) {
                return;
            }
            self.hold(seq, len, captured, sink);
            return;
        }
        // Overlap with bytes already delivered: keep only the new tail.
        let old = (-ahead) as u64;
        if old >= u64::from(len) {
            self.stats.duplicate += u64::from(len);
            return;
        }
        self.stats.duplicate += old;
        let old = old as usize;
        let rest_len = len - old as u32;
        let rest = captured.get(old..).unwrap_or(&[]);
        self.deliver(rest, rest_len, sink);
        self.drain_pending(sink);
    }

    /// The peer acknowledged everything before `ack`. When that covers a hole before held
    /// segments, the hole's bytes reached the receiver but not the capture: cross it.
    ///
    /// Only a hole with data held beyond it is crossed: in a capture merged from two vantage
    /// points an ACK can precede, in file order, the data it acknowledges, and that data must
    /// still be taken when it comes.
    #[inline]
    pub fn peer_ack(&mut self, ack: u32, sink: &mut impl StreamSink) {
        // Nearly always nothing is held: decided here, in the caller.
        if self.pending.is_empty() {
            return;
        }
        self.peer_ack_held(ack, sink);
    }

    fn peer_ack_held(&mut self, ack: u32, sink: &mut impl StreamSink) {
        if self.stopped {
            return;
        }
        let Some(next) = self.next_seq else { return };
        let ahead = seq_diff(ack, next);
        if ahead <= 0 || ahead >= i64::from(MAX_SEQ_JUMP) {
            return;
        }
        let Some(first_held) = self.pending.first().map(|p| p.seq) else {
            return;
        };
        if seq_diff(ack, first_held) < 0 {
            return;
        }
        // The ACK of a FIN is one past the data.
        let target = if self.fin_end == Some(ack) {
            ack.wrapping_sub(1)
        } else {
            ack
        };
        self.advance_to(target, sink);
    }

    /// End of input: crosses every remaining hole so held segments reach the sink.
    pub fn flush(&mut self, sink: &mut impl StreamSink) {
        if self.stopped {
            return;
        }
        self.drain_pending(sink);
        while let Some(first) = self.pending.first() {
            let target = first.seq;
            self.advance_to(target, sink);
            if self.pending.first().is_some_and(|p| p.seq == target) {
                // `advance_to` could not reach it (should not happen); avoid looping forever.
                break;
            }
        }
    }

    /// Moves `next_seq` forward to `target`, declaring holes as gaps and delivering held
    /// segments met on the way.
    fn advance_to(&mut self, target: u32, sink: &mut impl StreamSink) {
        loop {
            let Some(next) = self.next_seq else { return };
            if seq_diff(target, next) <= 0 {
                return;
            }
            let hole_end = match self.pending.first() {
                Some(p) if seq_diff(p.seq, next) > 0 && seq_diff(p.seq, target) < 0 => p.seq,
                Some(p) if seq_diff(p.seq, next) <= 0 => next,
                _ => target,
            };
            let lost = hole_end.wrapping_sub(next);
            if lost > 0 {
                self.lose(lost, sink);
            }
            self.drain_pending(sink);
            if self.pending.is_empty() && self.next_seq.is_some_and(|n| seq_diff(target, n) > 0) {
                // Nothing held beyond: the rest up to `target` is one more hole.
                let next = self.next_seq.unwrap_or(target);
                let lost = target.wrapping_sub(next);
                if lost > 0 {
                    self.lose(lost, sink);
                }
                return;
            }
        }
    }

    /// Declares `lost` bytes at `next_seq` as never arriving.
    fn lose(&mut self, lost: u32, sink: &mut impl StreamSink) {
        let dropped = self.buffered.len();
        self.buffered.clear();
        self.next_seq = self.next_seq.map(|n| n.wrapping_add(lost));
        self.stats.lost += u64::from(lost);
        self.stats.gaps += 1;
        sink.on_gap(u64::from(lost), dropped);
    }

    /// Delivers in-order bytes: `len` bytes at `next_seq`, of which `captured` are present.
    fn deliver(&mut self, captured: &[u8], len: u32, sink: &mut impl StreamSink) {
        let present = captured.len() as u32;
        if !captured.is_empty() {
            self.next_seq = self.next_seq.map(|n| n.wrapping_add(present));
            self.stats.delivered += u64::from(present);
            if self.buffered.is_empty() {
                // Fast path: the sink reads the packet's own bytes.
                let used = offer(sink, captured);
                if let Some(rest) = captured.get(used..) {
                    self.buffered.extend_from_slice(rest);
                }
            } else {
                self.buffered.extend_from_slice(captured);
                let used = offer(sink, &self.buffered);
                self.buffered.drain(..used.min(self.buffered.len()));
            }
            if self.buffered.len() > MAX_BUFFERED_BYTES {
                // The consumer cannot make progress: give up on these bytes.
                let dropped = self.buffered.len();
                self.buffered = Vec::new();
                self.stats.gaps += 1;
                sink.on_gap(0, dropped);
            }
        }
        if present < len {
            // The capture cut the segment short: the tail is lost.
            self.lose(len - present, sink);
        }
    }

    /// Holds an out-of-order segment, making room by crossing the first hole when full.
    fn hold(&mut self, seq: u32, len: u32, captured: &[u8], sink: &mut impl StreamSink) {
        self.stats.out_of_order += 1;
        if self.pending_bytes + captured.len() > MAX_PENDING_BYTES
            || self.pending.len() >= MAX_PENDING_SEGMENTS
        {
            // Full: the first hole is not going to be filled in time. Cross it, then retry.
            if let Some(first) = self.pending.first().map(|p| p.seq) {
                self.advance_to(first, sink);
            }
            let Some(next) = self.next_seq else { return };
            let ahead = seq_diff(seq, next);
            if ahead <= 0 {
                // Now in order (or overlapping): deliver through the normal path.
                self.push_bytes(seq, len, captured, sink);
                return;
            }
            if self.pending_bytes + captured.len() > MAX_PENDING_BYTES
                || self.pending.len() >= MAX_PENDING_SEGMENTS
            {
                // Still no room (a single huge jump): cross up to this segment.
                self.advance_to(seq, sink);
                self.push_bytes(seq, len, captured, sink);
                return;
            }
        }
        let Some(next) = self.next_seq else { return };
        let ahead = seq_diff(seq, next);
        let at = self
            .pending
            .iter()
            .position(|p| seq_diff(p.seq, next) > ahead)
            .unwrap_or(self.pending.len());
        self.pending_bytes += captured.len();
        self.pending.insert(
            at,
            PendingSegment {
                seq,
                len,
                data: captured.to_vec(),
            },
        );
    }

    /// Delivers held segments that have become contiguous.
    fn drain_pending(&mut self, sink: &mut impl StreamSink) {
        while let Some(next) = self.next_seq {
            let Some(first) = self.pending.first() else {
                return;
            };
            let ahead = seq_diff(first.seq, next);
            if ahead > 0 {
                return;
            }
            let seg = self.pending.remove(0);
            self.pending_bytes -= seg.data.len();
            let old = (-ahead) as u64;
            if old >= u64::from(seg.len) {
                self.stats.duplicate += u64::from(seg.len);
                continue;
            }
            self.stats.duplicate += old;
            let rest = seg.data.get(old as usize..).unwrap_or(&[]);
            self.deliver(rest, seg.len - old as u32, sink);
            if self.stopped {
                return;
            }
        }
    }
}

/// Offers `data` to the sink until it stops consuming; returns the bytes consumed.
fn offer(sink: &mut impl StreamSink, data: &[u8]) -> usize {
    let mut pos = 0;
    while let Some(rest) = data.get(pos..) {
        if rest.is_empty() {
            break;
        }
        let used = sink.on_data(rest).min(rest.len());
        if used == 0 {
            break;
        }
        pos += used;
    }
    pos
}

/// Both directions of one TCP connection, with the ACK cross-feeding done for the caller.
#[derive(Debug, Default)]
pub struct ConnectionStreams {
    pub client: DirectionStream,
    pub server: DirectionStream,
}

impl ConnectionStreams {
    /// Feeds one segment: its payload to its own direction, its ACK to the other one.
    pub fn push<C: StreamSink, S: StreamSink>(
        &mut self,
        seg: &Segment<'_>,
        from_client: bool,
        client_sink: &mut C,
        server_sink: &mut S,
    ) {
        if from_client {
            self.client.push(seg, client_sink);
            if seg.flags.ack() {
                self.server.peer_ack(seg.ack, server_sink);
            }
        } else {
            self.server.push(seg, server_sink);
            if seg.flags.ack() {
                self.client.peer_ack(seg.ack, client_sink);
            }
        }
    }

    /// Frees both directions' buffers.
    pub fn stop(&mut self) {
        self.client.stop();
        self.server.stop();
    }
}

/// Largest stream number [`StreamSet`] tracks (128 Mi streams = 16 MiB of bits); beyond it
/// `contains` is always true, so the analyzers simply stop picking up new streams.
pub const MAX_STREAM_SET_ID: u64 = 1 << 27;

/// A bitset of Wireshark `tcp.stream` numbers (dense, counted from 0).
#[derive(Debug, Default, Clone)]
pub struct StreamSet {
    words: Vec<u64>,
}

impl StreamSet {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn insert(&mut self, stream: u64) {
        if stream >= MAX_STREAM_SET_ID {
            return;
        }
        let word = (stream / 64) as usize;
        if word >= self.words.len() {
            self.words.resize(word + 1, 0);
        }
        if let Some(w) = self.words.get_mut(word) {
            *w |= 1 << (stream % 64);
        }
    }

    #[inline]
    pub fn contains(&self, stream: u64) -> bool {
        if stream >= MAX_STREAM_SET_ID {
            return true;
        }
        self.words
            .get((stream / 64) as usize)
            .is_some_and(|w| w & (1 << (stream % 64)) != 0)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::decode::tcp::Flags;

    /// A sink that records everything, consuming in units of `unit` bytes (0 = everything).
    #[derive(Debug, Default)]
    pub struct Recorder {
        pub bytes: Vec<u8>,
        pub gaps: Vec<(u64, usize)>,
        pub unit: usize,
        pub calls: usize,
    }

    impl StreamSink for Recorder {
        fn on_data(&mut self, data: &[u8]) -> usize {
            self.calls += 1;
            let n = if self.unit == 0 {
                data.len()
            } else if data.len() >= self.unit {
                self.unit
            } else {
                0
            };
            self.bytes.extend_from_slice(&data[..n]);
            n
        }
        fn on_gap(&mut self, lost: u64, dropped: usize) {
            self.gaps.push((lost, dropped));
        }
    }

    pub fn seg(seq: u32, flags: u16, payload: &[u8]) -> Segment<'_> {
        Segment {
            src_port: 1000,
            dst_port: 443,
            seq,
            ack: 0,
            flags: Flags(flags),
            window: 1000,
            header_len: 20,
            options: &[],
            seglen: payload.len() as u32,
            payload,
        }
    }

    fn data(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i % 251) as u8).collect()
    }

    #[test]
    fn test_in_order_after_syn() {
        let d = data(300);
        let mut s = DirectionStream::new();
        let mut r = Recorder::default();
        s.push(&seg(999, Flags::SYN, &[]), &mut r);
        s.push(&seg(1000, Flags::ACK, &d[..100]), &mut r);
        s.push(&seg(1100, Flags::ACK, &d[100..]), &mut r);
        assert_eq!(r.bytes, d);
        assert!(r.gaps.is_empty());
        assert_eq!(s.buffered_len(), 0);
    }

    #[test]
    fn test_retransmission_and_overlap() {
        let d = data(300);
        let mut s = DirectionStream::new();
        let mut r = Recorder::default();
        s.push(&seg(1000, Flags::ACK, &d[..100]), &mut r);
        s.push(&seg(1000, Flags::ACK, &d[..100]), &mut r); // full retransmission
        s.push(&seg(1050, Flags::ACK, &d[50..200]), &mut r); // partial overlap
        s.push(&seg(1200, Flags::ACK, &d[200..]), &mut r);
        assert_eq!(r.bytes, d);
        assert_eq!(s.stats().duplicate, 150);
    }

    #[test]
    fn test_out_of_order() {
        let d = data(300);
        let mut s = DirectionStream::new();
        let mut r = Recorder::default();
        s.push(&seg(1000, Flags::ACK, &d[..100]), &mut r);
        s.push(&seg(1200, Flags::ACK, &d[200..]), &mut r);
        s.push(&seg(1150, Flags::ACK, &d[150..250]), &mut r); // overlapping held segments
        assert_eq!(r.bytes.len(), 100);
        s.push(&seg(1100, Flags::ACK, &d[100..150]), &mut r);
        assert_eq!(r.bytes, d);
        assert_eq!(s.buffered_len(), 0);
        assert!(r.gaps.is_empty());
    }

    #[test]
    fn test_partial_consumption_buffers_rest() {
        let d = data(25);
        let mut s = DirectionStream::new();
        let mut r = Recorder {
            unit: 10,
            ..Recorder::default()
        };
        s.push(&seg(1, Flags::ACK, &d[..7]), &mut r);
        assert!(r.bytes.is_empty());
        s.push(&seg(8, Flags::ACK, &d[7..]), &mut r);
        assert_eq!(r.bytes, d[..20]);
        assert_eq!(s.buffered_len(), 5);
    }

    #[test]
    fn test_gap_by_peer_ack() {
        let d = data(300);
        let mut s = DirectionStream::new();
        let mut r = Recorder {
            unit: 40,
            ..Recorder::default()
        };
        s.push(&seg(1000, Flags::ACK, &d[..100]), &mut r); // 80 consumed, 20 buffered
        s.push(&seg(1200, Flags::ACK, &d[200..]), &mut r); // held
        s.peer_ack(1300, &mut r);
        assert_eq!(r.gaps, vec![(100, 20)]);
        assert_eq!(r.bytes.len(), 80 + 80);
        assert_eq!(s.stats().lost, 100);
    }

    #[test]
    fn test_ack_of_fin_is_not_a_gap() {
        let mut s = DirectionStream::new();
        let mut r = Recorder::default();
        s.push(&seg(1000, Flags::ACK | Flags::FIN, b"abc"), &mut r);
        s.peer_ack(1004, &mut r);
        assert!(r.gaps.is_empty());
    }

    #[test]
    fn test_ack_of_fin_after_hole() {
        let mut s = DirectionStream::new();
        let mut r = Recorder::default();
        s.push(&seg(1000, Flags::ACK, b"abc"), &mut r);
        s.push(&seg(1010, Flags::ACK | Flags::FIN, b"xyz"), &mut r);
        s.peer_ack(1014, &mut r);
        assert_eq!(r.gaps, vec![(7, 0)]);
        assert_eq!(r.bytes, b"abcxyz");
    }

    #[test]
    fn test_ack_before_data_is_not_a_gap() {
        // Merged vantage points: the ACK is in the file before the data it acknowledges.
        let d = data(200);
        let mut s = DirectionStream::new();
        let mut r = Recorder::default();
        s.push(&seg(1000, Flags::ACK, &d[..100]), &mut r);
        s.peer_ack(1200, &mut r);
        s.push(&seg(1100, Flags::ACK, &d[100..]), &mut r);
        assert!(r.gaps.is_empty());
        assert_eq!(r.bytes, d);
    }

    #[test]
    fn test_flush_crosses_holes() {
        let d = data(300);
        let mut s = DirectionStream::new();
        let mut r = Recorder::default();
        s.push(&seg(1000, Flags::ACK, &d[..100]), &mut r);
        s.push(&seg(1200, Flags::ACK, &d[200..]), &mut r);
        s.flush(&mut r);
        assert_eq!(r.gaps, vec![(100, 0)]);
        assert_eq!(&r.bytes[100..], &d[200..]);
    }

    #[test]
    fn test_snaplen_cut_segment_is_a_gap() {
        let d = data(100);
        let mut s = DirectionStream::new();
        let mut r = Recorder::default();
        let mut cut = seg(1000, Flags::ACK, &d[..60]);
        cut.seglen = 100;
        s.push(&cut, &mut r);
        assert_eq!(r.gaps, vec![(40, 0)]);
        s.push(&seg(1100, Flags::ACK, b"xyz"), &mut r);
        assert_eq!(&r.bytes[60..], b"xyz");
    }

    #[test]
    fn test_pending_overflow_crosses_first_hole() {
        let mut s = DirectionStream::new();
        let mut r = Recorder::default();
        s.push(&seg(0, Flags::ACK, b"a"), &mut r);
        let chunk = vec![7u8; 1000];
        // A hole at 1..1001, then more than MAX_PENDING_BYTES of held data.
        let mut seq = 1001u32;
        for _ in 0..(MAX_PENDING_BYTES / 1000 + 2) {
            s.push(&seg(seq, Flags::ACK, &chunk), &mut r);
            seq += 1000;
        }
        assert_eq!(r.gaps.first(), Some(&(1000, 0)));
        assert!(s.buffered_len() <= MAX_PENDING_BYTES);
        s.flush(&mut r);
        assert_eq!(r.bytes.len() as u64, s.stats().delivered);
        assert_eq!(
            s.stats().delivered,
            1 + (MAX_PENDING_BYTES / 1000 + 2) as u64 * 1000
        );
    }

    #[test]
    fn test_sequence_wraparound() {
        let d = data(200);
        let mut s = DirectionStream::new();
        let mut r = Recorder::default();
        s.push(&seg(u32::MAX - 49, Flags::ACK, &d[..100]), &mut r);
        s.push(&seg(50, Flags::ACK, &d[100..]), &mut r);
        assert_eq!(r.bytes, d);
    }

    #[test]
    fn test_stop_ignores_input() {
        let mut s = DirectionStream::new();
        let mut r = Recorder::default();
        s.stop();
        s.push(&seg(0, Flags::ACK, b"abc"), &mut r);
        assert!(r.bytes.is_empty());
    }

    #[test]
    fn test_unconsumed_buffer_overflow_is_dropped() {
        let mut s = DirectionStream::new();
        let mut r = Recorder {
            unit: usize::MAX,
            ..Recorder::default()
        };
        let chunk = vec![1u8; 1400];
        let mut seq = 0u32;
        for _ in 0..(MAX_BUFFERED_BYTES / 1400 + 2) {
            s.push(&seg(seq, Flags::ACK, &chunk), &mut r);
            seq += 1400;
        }
        assert_eq!(r.gaps.len(), 1);
        assert!(s.buffered_len() <= MAX_BUFFERED_BYTES);
    }

    #[test]
    fn test_stream_set() {
        let mut set = StreamSet::new();
        assert!(!set.contains(5));
        set.insert(5);
        set.insert(1000);
        assert!(set.contains(5) && set.contains(1000) && !set.contains(6));
        assert!(set.contains(MAX_STREAM_SET_ID));
    }

    /// Random segmentation, duplication and reordering never panic, and with no loss the bytes
    /// come out exactly once, in order.
    #[test]
    fn test_random_reordering_reassembles() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for round in 0..200 {
            let d = data(2000 + round * 7);
            let isn = rng.next() as u32;
            let mut segs = Vec::new();
            let mut pos = 0usize;
            while pos < d.len() {
                let n = 1 + (rng.next() % 300) as usize;
                let end = (pos + n).min(d.len());
                segs.push((pos, end));
                if rng.next().is_multiple_of(5) {
                    segs.push((pos, end)); // duplicate
                }
                pos = end;
            }
            // Local shuffles only, so the pending window is never exceeded.
            for i in 1..segs.len() {
                if rng.next().is_multiple_of(3) {
                    segs.swap(i - 1, i);
                }
            }
            let mut s = DirectionStream::new();
            let mut r = Recorder::default();
            s.push(&seg(isn, Flags::SYN, &[]), &mut r);
            for (a, b) in segs {
                s.push(
                    &seg(
                        isn.wrapping_add(1).wrapping_add(a as u32),
                        Flags::ACK,
                        &d[a..b],
                    ),
                    &mut r,
                );
            }
            s.flush(&mut r);
            assert!(r.gaps.is_empty(), "round {round}");
            assert_eq!(r.bytes, d, "round {round}");
        }
    }

    /// A record reader like TLS's: a 1-byte length header, then a body it only counts. With
    /// `skips` it lets the reassembler skip bodies (`unread`/`skip`).
    #[derive(Debug, Default, Clone, PartialEq)]
    struct Counted {
        skips: bool,
        remaining: usize,
        current: usize,
        bodies: Vec<usize>,
        gaps: Vec<(u64, usize)>,
    }

    impl StreamSink for Counted {
        fn on_data(&mut self, data: &[u8]) -> usize {
            if self.remaining == 0 {
                let Some(&len) = data.first() else { return 0 };
                self.current = usize::from(len) + 1;
                self.remaining = self.current;
                return 1;
            }
            let n = self.remaining.min(data.len());
            self.remaining -= n;
            if self.remaining == 0 {
                self.bodies.push(self.current);
            }
            n
        }
        fn on_gap(&mut self, lost: u64, dropped: usize) {
            self.remaining = 0;
            self.gaps.push((lost, dropped));
        }
        fn unread(&self) -> usize {
            if self.skips {
                self.remaining.saturating_sub(1)
            } else {
                0
            }
        }
        fn skip(&mut self, n: usize) {
            self.remaining -= n;
        }
    }

    /// Skipping unread bytes changes nothing: random segment streams (losses, snaplen cuts,
    /// duplicates, reordering, ACKs, FIN) give the same sink state and counters either way.
    #[test]
    fn test_skipping_unread_bytes_is_invisible() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let mut skipped_any = false;
        for round in 0..300 {
            let d: Vec<u8> = (0..3000 + round * 3).map(|_| rng.next() as u8).collect();
            let isn = rng.next() as u32;
            let mut ops = Vec::new();
            let mut pos = 0usize;
            while pos < d.len() {
                let end = (pos + 1 + (rng.next() % 400) as usize).min(d.len());
                ops.push((pos, end));
                pos = end;
            }
            for i in 1..ops.len() {
                if rng.next().is_multiple_of(7) {
                    ops.swap(i - 1, i);
                }
            }
            let mut runs = Vec::new();
            for skips in [false, true] {
                let mut rng = Rng(round as u64 + 1);
                let mut s = DirectionStream::new();
                let mut sink = Counted {
                    skips,
                    ..Counted::default()
                };
                s.push(&seg(isn.wrapping_sub(1), Flags::SYN, &[]), &mut sink);
                for (i, &(a, b)) in ops.iter().enumerate() {
                    let r = rng.next();
                    if r.is_multiple_of(23) {
                        continue; // lost before the capture point
                    }
                    let mut sg = seg(isn.wrapping_add(a as u32), Flags::ACK, &d[a..b]);
                    if r.is_multiple_of(17) {
                        sg.payload = &d[a..a + (b - a) / 2]; // snaplen cut
                    }
                    if i + 1 == ops.len() {
                        sg.flags = Flags(Flags::ACK | Flags::FIN);
                    }
                    s.push(&sg, &mut sink);
                    if r.is_multiple_of(5) {
                        s.push(&sg, &mut sink); // retransmission
                    }
                    if r.is_multiple_of(3) {
                        s.peer_ack(isn.wrapping_add(b as u32), &mut sink);
                    }
                }
                s.flush(&mut sink);
                skipped_any |= skips && sink.bodies.len() > 1;
                sink.skips = false;
                runs.push((sink, s.stats(), s.buffered_len()));
            }
            assert_eq!(runs[0], runs[1], "round {round}");
        }
        assert!(skipped_any);
    }

    /// xorshift64: a tiny seeded PRNG for property tests (no dependency).
    pub struct Rng(pub u64);
    impl Rng {
        pub fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
    }
}
