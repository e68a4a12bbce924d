//! A TCP conversation scripter: two endpoints whose sequence and acknowledgement numbers are
//! tracked for you, so a test states *what happens* (handshake, data, a loss, a duplicate ACK, a
//! retransmission, FIN, RST) and gets correct numbers and checksums.
//!
//! The model is small on purpose:
//! - each side has `next_seq` (the next byte it will send) and a receiver state: `rcv_next` (what
//!   it acknowledges) plus out-of-order ranges it holds, so a segment sent with
//!   [`TcpConversation::data_lost`] (captured, then lost before the peer) leaves a hole the
//!   peer keeps acknowledging until [`TcpConversation::retransmit`] fills it;
//! - every call appends one [`Segment`] with the current time, then moves the clock by `step`;
//! - segments are plain data: edit, reorder or drop them through
//!   [`TcpConversation::segments_mut`] before writing, or use [`TcpConversation::send`] with a
//!   [`SegmentSpec`] to emit arbitrary seq/ack/flags/window/options.

use std::net::SocketAddr;

use crate::packet::{Link, Mac, Network, Packet, Tcp, TcpFlags, TcpOption, Transport};
use crate::pcap::{linktype, PcapHeader, PcapWriter};
use crate::{split_nanos, Nanos};

/// Which endpoint sends a segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    Client,
    Server,
}

impl Side {
    pub fn peer(self) -> Side {
        match self {
            Side::Client => Side::Server,
            Side::Server => Side::Client,
        }
    }
}

/// One scripted segment: everything needed to write the frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Segment {
    pub from: Side,
    /// Capture time, nanoseconds since the epoch.
    pub time: Nanos,
    pub seq: u32,
    pub ack: u32,
    pub flags: TcpFlags,
    pub window: u16,
    pub options: Vec<TcpOption>,
    pub payload: Vec<u8>,
    pub ip_id: u16,
    pub ttl: u8,
}

impl Segment {
    /// Sequence space the segment occupies (payload plus SYN/FIN).
    pub fn seq_len(&self) -> u32 {
        self.payload.len() as u32 + self.flags.seq_len()
    }
}

/// An explicit segment for [`TcpConversation::send`]. Unset fields take the tracked values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentSpec {
    pub seq: Option<u32>,
    /// Used only when the flags include ACK (the field is 0 otherwise, unless set here).
    pub ack: Option<u32>,
    pub flags: TcpFlags,
    pub window: Option<u16>,
    pub options: Vec<TcpOption>,
    pub payload: Vec<u8>,
    /// Move the sender's `next_seq` past this segment if it lies beyond it (or, for a SYN with
    /// an explicit `seq`, to just after it, whatever it was).
    pub advance: bool,
    /// Let the peer receive it (update its `rcv_next` / out-of-order state).
    pub deliver: bool,
}

impl SegmentSpec {
    pub fn new(flags: TcpFlags) -> Self {
        SegmentSpec {
            seq: None,
            ack: None,
            flags,
            window: None,
            options: Vec::new(),
            payload: Vec::new(),
            advance: true,
            deliver: true,
        }
    }
    pub fn seq(mut self, seq: u32) -> Self {
        self.seq = Some(seq);
        self
    }
    pub fn ack(mut self, ack: u32) -> Self {
        self.ack = Some(ack);
        self
    }
    pub fn window(mut self, window: u16) -> Self {
        self.window = Some(window);
        self
    }
    pub fn options(mut self, options: Vec<TcpOption>) -> Self {
        self.options = options;
        self
    }
    pub fn payload(mut self, payload: &[u8]) -> Self {
        self.payload = payload.to_vec();
        self
    }
    /// Captured but never received by the peer.
    pub fn lost(mut self) -> Self {
        self.deliver = false;
        self
    }
    /// Captured now, received later by [`TcpConversation::deliver`] (so ACKs the peer sends
    /// meanwhile do not cover it yet). The same as [`SegmentSpec::lost`] until delivered.
    pub fn in_flight(self) -> Self {
        self.lost()
    }
    /// Leaves the sender's `next_seq` unchanged.
    pub fn no_advance(mut self) -> Self {
        self.advance = false;
        self
    }
}

/// `a` is after `b` in sequence space.
fn seq_after(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) > 0
}

#[derive(Debug, Clone)]
struct Endpoint {
    addr: SocketAddr,
    mac: Mac,
    next_seq: u32,
    rcv_next: u32,
    /// Received beyond `rcv_next`: (start, end) ranges, unsorted, possibly overlapping.
    out_of_order: Vec<(u32, u32)>,
    window: u16,
    ip_id: u16,
    ttl: u8,
}

impl Endpoint {
    fn receive(&mut self, seq: u32, len: u32, syn: bool) {
        if syn {
            self.rcv_next = seq.wrapping_add(len);
            self.out_of_order.clear();
            return;
        }
        if len == 0 {
            return;
        }
        let end = seq.wrapping_add(len);
        if seq_after(seq, self.rcv_next) {
            self.out_of_order.push((seq, end));
            return;
        }
        if seq_after(end, self.rcv_next) {
            self.rcv_next = end;
        }
        self.merge_held();
    }

    /// Advances `rcv_next` over held ranges that start at or before it.
    fn merge_held(&mut self) {
        loop {
            let mut progressed = false;
            let mut i = 0;
            while i < self.out_of_order.len() {
                let (s, e) = self.out_of_order[i];
                if !seq_after(s, self.rcv_next) {
                    if seq_after(e, self.rcv_next) {
                        self.rcv_next = e;
                    }
                    self.out_of_order.swap_remove(i);
                    progressed = true;
                } else {
                    i += 1;
                }
            }
            if !progressed {
                break;
            }
        }
    }
}

/// A scripted TCP connection between a client and a server.
#[derive(Debug, Clone)]
pub struct TcpConversation {
    client: Endpoint,
    server: Endpoint,
    now: Nanos,
    step: Nanos,
    segments: Vec<Segment>,
}

impl TcpConversation {
    /// A conversation starting at time 0 with a 1 ms step, windows 65535, TTL 64 (client) and
    /// 52 (server, a few hops away). Both addresses must be of the same family.
    pub fn new(client: SocketAddr, server: SocketAddr, client_isn: u32, server_isn: u32) -> Self {
        let ep = |addr, mac, isn, ttl| Endpoint {
            addr,
            mac,
            next_seq: isn,
            rcv_next: 0,
            out_of_order: Vec::new(),
            window: 65535,
            ip_id: 0,
            ttl,
        };
        TcpConversation {
            client: ep(client, crate::packet::CLIENT_MAC, client_isn, 64),
            server: ep(server, crate::packet::SERVER_MAC, server_isn, 52),
            now: 0,
            step: 1_000_000,
            segments: Vec::new(),
        }
    }

    fn ep(&self, side: Side) -> &Endpoint {
        match side {
            Side::Client => &self.client,
            Side::Server => &self.server,
        }
    }

    fn ep_mut(&mut self, side: Side) -> &mut Endpoint {
        match side {
            Side::Client => &mut self.client,
            Side::Server => &mut self.server,
        }
    }

    // ---- configuration -------------------------------------------------------------------

    pub fn set_macs(&mut self, client: Mac, server: Mac) {
        self.client.mac = client;
        self.server.mac = server;
    }
    pub fn set_ttl(&mut self, side: Side, ttl: u8) {
        self.ep_mut(side).ttl = ttl;
    }
    /// The first IP identification a side uses (then incremented per segment).
    pub fn set_ip_id(&mut self, side: Side, id: u16) {
        self.ep_mut(side).ip_id = id;
    }
    /// The raw (unscaled) window a side advertises from now on.
    pub fn set_window(&mut self, side: Side, window: u16) {
        self.ep_mut(side).window = window;
    }
    /// Sets the clock (nanoseconds since the epoch).
    pub fn set_time(&mut self, now: Nanos) {
        self.now = now;
    }
    pub fn time(&self) -> Nanos {
        self.now
    }
    /// Moves the clock forward.
    pub fn advance(&mut self, nanos: Nanos) {
        self.now += nanos;
    }
    pub fn advance_us(&mut self, micros: u64) {
        self.now += micros * 1_000;
    }
    pub fn advance_ms(&mut self, millis: u64) {
        self.now += millis * 1_000_000;
    }
    /// Time added after every emitted segment (default 1 ms).
    pub fn set_step(&mut self, nanos: Nanos) {
        self.step = nanos;
    }

    // ---- state ---------------------------------------------------------------------------

    pub fn addr(&self, side: Side) -> SocketAddr {
        self.ep(side).addr
    }
    /// The next sequence number `side` will send.
    pub fn next_seq(&self, side: Side) -> u32 {
        self.ep(side).next_seq
    }
    pub fn set_next_seq(&mut self, side: Side, seq: u32) {
        self.ep_mut(side).next_seq = seq;
    }
    /// The acknowledgement number `side` sends (the next byte it expects from its peer).
    pub fn rcv_next(&self, side: Side) -> u32 {
        self.ep(side).rcv_next
    }
    pub fn set_rcv_next(&mut self, side: Side, ack: u32) {
        self.ep_mut(side).rcv_next = ack;
    }
    /// Pretends `side` sent `len` bytes that were never captured (a capture gap).
    pub fn skip_seq(&mut self, side: Side, len: u32) {
        let ep = self.ep_mut(side);
        ep.next_seq = ep.next_seq.wrapping_add(len);
    }

    // ---- emitting ------------------------------------------------------------------------

    /// Emits an arbitrary segment from `from`; returns its index.
    pub fn send(&mut self, from: Side, spec: SegmentSpec) -> usize {
        let (seq, window, ack, ip_id, ttl) = {
            let ep = self.ep(from);
            let ack = if spec.flags.contains(TcpFlags::ACK) {
                spec.ack.unwrap_or(ep.rcv_next)
            } else {
                spec.ack.unwrap_or(0)
            };
            (
                spec.seq.unwrap_or(ep.next_seq),
                spec.window.unwrap_or(ep.window),
                ack,
                ep.ip_id,
                ep.ttl,
            )
        };
        let seg = Segment {
            from,
            time: self.now,
            seq,
            ack,
            flags: spec.flags,
            window,
            options: spec.options,
            payload: spec.payload,
            ip_id,
            ttl,
        };
        let len = seg.seq_len();
        let end = seq.wrapping_add(len);
        {
            let ep = self.ep_mut(from);
            ep.ip_id = ep.ip_id.wrapping_add(1);
            // An explicit SYN restarts the sequence space (a new ISN); anything else only
            // moves next_seq forward.
            let restart = spec.seq.is_some() && spec.flags.contains(TcpFlags::SYN);
            if spec.advance && (restart || seq_after(end, ep.next_seq)) {
                ep.next_seq = end;
            }
        }
        if spec.deliver {
            let syn = seg.flags.contains(TcpFlags::SYN);
            self.ep_mut(from.peer()).receive(seq, len, syn);
        }
        self.segments.push(seg);
        self.now += self.step;
        self.segments.len() - 1
    }

    /// Client SYN with the given options.
    pub fn syn(&mut self, options: Vec<TcpOption>) -> usize {
        self.send(
            Side::Client,
            SegmentSpec::new(TcpFlags::SYN).options(options),
        )
    }
    /// Server SYN-ACK with the given options.
    pub fn syn_ack(&mut self, options: Vec<TcpOption>) -> usize {
        self.send(
            Side::Server,
            SegmentSpec::new(TcpFlags::SYN_ACK).options(options),
        )
    }
    /// A pure ACK.
    pub fn ack(&mut self, from: Side) -> usize {
        self.send(from, SegmentSpec::new(TcpFlags::ACK))
    }
    /// A pure ACK carrying options (SACK blocks, timestamps).
    pub fn ack_with(&mut self, from: Side, options: Vec<TcpOption>) -> usize {
        self.send(from, SegmentSpec::new(TcpFlags::ACK).options(options))
    }
    /// A duplicate ACK: the same ACK number and window as `from`'s previous ACK (it is one as
    /// long as nothing new arrived in order), optionally with SACK blocks for what is held.
    pub fn dup_ack(&mut self, from: Side) -> usize {
        self.ack(from)
    }
    /// A duplicate ACK with SACK blocks describing what `from` holds out of order.
    pub fn dup_ack_sack(&mut self, from: Side) -> usize {
        let blocks = self.sack_blocks(from);
        let opts = if blocks.is_empty() {
            Vec::new()
        } else {
            vec![TcpOption::Nop, TcpOption::Nop, TcpOption::Sack(blocks)]
        };
        self.ack_with(from, opts)
    }
    /// Up to 4 SACK blocks for the ranges `side` holds beyond its `rcv_next`.
    pub fn sack_blocks(&self, side: Side) -> Vec<(u32, u32)> {
        let mut held = self.ep(side).out_of_order.clone();
        let base = self.ep(side).rcv_next;
        held.sort_by_key(|&(s, _)| s.wrapping_sub(base));
        let mut merged: Vec<(u32, u32)> = Vec::new();
        for (s, e) in held {
            match merged.last_mut() {
                Some(last) if !seq_after(s, last.1) => {
                    if seq_after(e, last.1) {
                        last.1 = e;
                    }
                }
                _ => merged.push((s, e)),
            }
        }
        merged.truncate(4);
        merged
    }
    /// A PSH/ACK data segment the peer receives.
    pub fn data(&mut self, from: Side, payload: &[u8]) -> usize {
        self.send(from, SegmentSpec::new(TcpFlags::PSH_ACK).payload(payload))
    }
    /// A data segment with explicit flags (e.g. a plain ACK for a full-sized segment).
    pub fn data_flags(&mut self, from: Side, flags: TcpFlags, payload: &[u8]) -> usize {
        self.send(from, SegmentSpec::new(flags).payload(payload))
    }
    /// A data segment captured now and received by the peer only at
    /// [`TcpConversation::deliver`] (for a capture point far from the receiver).
    pub fn data_in_flight(&mut self, from: Side, payload: &[u8]) -> usize {
        self.send(
            from,
            SegmentSpec::new(TcpFlags::PSH_ACK)
                .payload(payload)
                .in_flight(),
        )
    }
    /// Lets the peer receive segment `index` now (after [`SegmentSpec::in_flight`]).
    pub fn deliver(&mut self, index: usize) {
        let seg = &self.segments[index];
        let (from, seq, len, syn) = (
            seg.from,
            seg.seq,
            seg.seq_len(),
            seg.flags.contains(TcpFlags::SYN),
        );
        self.ep_mut(from.peer()).receive(seq, len, syn);
    }
    /// A data segment that is captured but lost before reaching the peer.
    pub fn data_lost(&mut self, from: Side, payload: &[u8]) -> usize {
        self.send(
            from,
            SegmentSpec::new(TcpFlags::PSH_ACK).payload(payload).lost(),
        )
    }
    /// FIN/ACK.
    pub fn fin(&mut self, from: Side) -> usize {
        self.send(from, SegmentSpec::new(TcpFlags::FIN_ACK))
    }
    /// RST/ACK.
    pub fn rst(&mut self, from: Side) -> usize {
        self.send(from, SegmentSpec::new(TcpFlags::RST_ACK))
    }
    /// RST without ACK (acknowledgement field 0), as sent after a socket was closed.
    pub fn rst_only(&mut self, from: Side) -> usize {
        self.send(from, SegmentSpec::new(TcpFlags::RST))
    }
    /// A keep-alive: an ACK whose sequence number is one below `next_seq`, no payload (as
    /// Linux sends it); the peer ignores it.
    pub fn keep_alive(&mut self, from: Side) -> usize {
        let seq = self.next_seq(from).wrapping_sub(1);
        self.send(
            from,
            SegmentSpec::new(TcpFlags::ACK).seq(seq).no_advance().lost(),
        )
    }
    /// A zero-window probe: one byte at `next_seq` that neither advances `next_seq` nor
    /// reaches the peer (whose window is closed).
    pub fn zero_window_probe(&mut self, from: Side, byte: u8) -> usize {
        self.send(
            from,
            SegmentSpec::new(TcpFlags::ACK)
                .payload(&[byte])
                .no_advance()
                .lost(),
        )
    }
    /// Sets `from`'s window and sends a pure ACK advertising it (a window update when only the
    /// window changed).
    pub fn window_update(&mut self, from: Side, window: u16) -> usize {
        self.set_window(from, window);
        self.ack(from)
    }
    /// Re-sends segment `index` (same sender, seq, flags, options and payload) with the
    /// sender's current ACK number and window; the peer receives it.
    pub fn retransmit(&mut self, index: usize) -> usize {
        let orig = self.segments[index].clone();
        let mut spec = SegmentSpec::new(orig.flags)
            .seq(orig.seq)
            .options(orig.options);
        spec.payload = orig.payload;
        if !orig.flags.contains(TcpFlags::ACK) {
            spec.ack = Some(orig.ack);
        }
        self.send(orig.from, spec)
    }
    /// Re-sends an arbitrary byte range starting at `seq` (e.g. a merged retransmission).
    pub fn retransmit_range(&mut self, from: Side, seq: u32, payload: &[u8]) -> usize {
        self.send(
            from,
            SegmentSpec::new(TcpFlags::PSH_ACK)
                .seq(seq)
                .payload(payload),
        )
    }

    // ---- output --------------------------------------------------------------------------

    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }
    /// The segments, to edit, reorder (`swap`) or drop (`remove`) before writing.
    pub fn segments_mut(&mut self) -> &mut Vec<Segment> {
        &mut self.segments
    }

    /// Appends the Ethernet frame for `seg` to `out`.
    pub fn write_frame(&self, seg: &Segment, out: &mut Vec<u8>) {
        let (src, dst) = (self.ep(seg.from), self.ep(seg.from.peer()));
        let mut network = Network::ip(src.addr.ip(), dst.addr.ip());
        match &mut network {
            Network::Ipv4(h) => {
                h.identification = seg.ip_id;
                h.ttl = seg.ttl;
            }
            Network::Ipv6(h) => h.hop_limit = seg.ttl,
            Network::Ethertype(_) => {}
        }
        let tcp = Tcp {
            ack: seg.ack,
            window: seg.window,
            options: &seg.options,
            ..Tcp::new(src.addr.port(), dst.addr.port(), seg.seq, seg.flags)
        };
        Packet {
            link: Link::ethernet(src.mac, dst.mac),
            network,
            transport: Transport::Tcp(tcp),
            payload: &seg.payload,
        }
        .write(out);
    }

    /// The frame of segment `index`.
    pub fn frame(&self, index: usize) -> Vec<u8> {
        let mut v = Vec::new();
        self.write_frame(&self.segments[index], &mut v);
        v
    }

    /// (time, Ethernet frame) for every segment, in list order.
    pub fn frames(&self) -> Vec<(Nanos, Vec<u8>)> {
        self.segments
            .iter()
            .map(|s| {
                let mut v = Vec::new();
                self.write_frame(s, &mut v);
                (s.time, v)
            })
            .collect()
    }

    /// The conversation as a little-endian µs Ethernet pcap, in list order.
    pub fn to_pcap(&self) -> Vec<u8> {
        let mut w = PcapWriter::new(Vec::new(), PcapHeader::new(linktype::ETHERNET))
            .expect("writing to a Vec cannot fail");
        for (t, f) in self.frames() {
            w.write_packet(split_nanos(t), &f, f.len() as u32)
                .expect("writing to a Vec cannot fail");
        }
        w.into_inner().expect("writing to a Vec cannot fail")
    }
}

/// Frames of several conversations merged by time (stable: equal times keep the order of
/// `conversations`, then of each list).
pub fn merge_frames(conversations: &[&TcpConversation]) -> Vec<(Nanos, Vec<u8>)> {
    let mut all: Vec<(Nanos, Vec<u8>)> = conversations.iter().flat_map(|c| c.frames()).collect();
    all.sort_by_key(|(t, _)| *t);
    all
}

/// Time-stamped frames as a little-endian µs pcap of `link_type`.
pub fn frames_to_pcap(link_type: u32, frames: &[(Nanos, Vec<u8>)]) -> Vec<u8> {
    crate::pcap::pcap_bytes(
        link_type,
        frames.iter().map(|(t, f)| (split_nanos(*t), &f[..])),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::packet::windows_syn_options;
    use etherparse::{SlicedPacket, TransportSlice};

    fn conv() -> TcpConversation {
        TcpConversation::new(
            "192.168.0.6:64369".parse().unwrap(),
            "193.34.76.44:443".parse().unwrap(),
            1000,
            5000,
        )
    }

    fn parse(frame: &[u8]) -> (u32, u32, bool, bool, bool, bool, u16, usize) {
        let p = SlicedPacket::from_ethernet(frame).unwrap();
        let Some(TransportSlice::Tcp(t)) = p.transport else {
            panic!()
        };
        (
            t.sequence_number(),
            t.acknowledgment_number(),
            t.syn(),
            t.ack(),
            t.fin(),
            t.rst(),
            t.window_size(),
            t.payload().len(),
        )
    }

    #[test]
    fn test_handshake_data_close_numbers() {
        let mut c = conv();
        c.syn(windows_syn_options(1460, 6));
        c.syn_ack(vec![TcpOption::Mss(1360)]);
        c.ack(Side::Client);
        c.data(Side::Client, b"hello");
        c.ack(Side::Server);
        c.data(Side::Server, b"world!");
        c.fin(Side::Client);
        c.fin(Side::Server);
        c.ack(Side::Client);
        let got: Vec<_> = c.frames().iter().map(|(_, f)| parse(f)).collect();
        assert_eq!(got[0], (1000, 0, true, false, false, false, 65535, 0));
        assert_eq!(got[1], (5000, 1001, true, true, false, false, 65535, 0));
        assert_eq!(got[2], (1001, 5001, false, true, false, false, 65535, 0));
        assert_eq!(got[3], (1001, 5001, false, true, false, false, 65535, 5));
        assert_eq!(got[4], (5001, 1006, false, true, false, false, 65535, 0));
        assert_eq!(got[5], (5001, 1006, false, true, false, false, 65535, 6));
        assert_eq!(got[6], (1006, 5007, false, true, true, false, 65535, 0));
        assert_eq!(got[7], (5007, 1007, false, true, true, false, 65535, 0));
        assert_eq!(got[8], (1007, 5008, false, true, false, false, 65535, 0));
        assert_eq!(c.segments()[8].time, 8_000_000);
    }

    #[test]
    fn test_loss_holds_ack_until_retransmission() {
        let mut c = conv();
        c.syn(vec![]);
        c.syn_ack(vec![]);
        c.ack(Side::Client);
        let lost = c.data_lost(Side::Server, &[1; 100]); // 5001..5101
        c.data(Side::Server, &[2; 100]); // 5101..5201 held out of order
        c.data(Side::Server, &[3; 100]); // 5201..5301
        assert_eq!(c.sack_blocks(Side::Client), vec![(5101, 5301)]);
        let d1 = c.dup_ack_sack(Side::Client);
        let d2 = c.dup_ack(Side::Client);
        assert_eq!(c.segments()[d1].ack, 5001);
        assert_eq!(c.segments()[d2].ack, 5001);
        assert_eq!(c.segments()[d1].options.len(), 3);
        let late = c.data_in_flight(Side::Server, &[4; 10]); // 5301..5311, not yet received
        assert_eq!(c.sack_blocks(Side::Client), vec![(5101, 5301)]);
        c.deliver(late);
        assert_eq!(c.sack_blocks(Side::Client), vec![(5101, 5311)]);
        let r = c.retransmit(lost);
        assert_eq!(c.segments()[r].seq, 5001);
        assert_eq!(c.segments()[r].payload, vec![1; 100]);
        c.ack(Side::Client);
        assert_eq!(c.segments().last().unwrap().ack, 5311);
        assert_eq!(c.next_seq(Side::Server), 5311);
    }

    #[test]
    fn test_escape_hatches_and_reordering() {
        let mut c = conv();
        c.set_step(0);
        c.set_time(1_700_000_000_000_000_000);
        c.syn(vec![]);
        c.set_window(Side::Server, 0);
        let i = c.send(
            Side::Server,
            SegmentSpec::new(TcpFlags::SYN_ACK | TcpFlags::ECE)
                .seq(77)
                .ack(12345)
                .window(9),
        );
        let s = &c.segments()[i];
        assert_eq!((s.seq, s.ack, s.window), (77, 12345, 9));
        assert_eq!(c.next_seq(Side::Server), 78);
        c.rst_only(Side::Client);
        assert_eq!(c.segments()[2].ack, 0);
        c.segments_mut().swap(0, 2);
        c.segments_mut().remove(1);
        let pcap = c.to_pcap();
        assert_eq!(pcap.len(), 24 + 2 * (16 + 54));
        // Seconds of the first record.
        assert_eq!(&pcap[24..28], &1_700_000_000u32.to_le_bytes());
    }

    #[test]
    fn test_keep_alive_probe_window_update() {
        let mut c = conv();
        c.syn(vec![]);
        c.syn_ack(vec![]);
        c.ack(Side::Client);
        c.data(Side::Client, b"abc");
        let ka = c.keep_alive(Side::Client);
        assert_eq!(c.segments()[ka].seq, 1003);
        assert_eq!(c.next_seq(Side::Client), 1004);
        c.set_window(Side::Server, 0);
        c.ack(Side::Server);
        let p = c.zero_window_probe(Side::Client, b'd');
        assert_eq!(
            (c.segments()[p].seq, c.segments()[p].payload.len()),
            (1004, 1)
        );
        assert_eq!(c.next_seq(Side::Client), 1004);
        assert_eq!(c.rcv_next(Side::Server), 1004);
        let w = c.window_update(Side::Server, 1000);
        assert_eq!((c.segments()[w].window, c.segments()[w].ack), (1000, 1004));
    }

    #[test]
    fn test_merge_frames_by_time() {
        let mut a = conv();
        a.set_time(10);
        a.syn(vec![]);
        let mut b = conv();
        b.set_time(5);
        b.syn(vec![]);
        let merged = merge_frames(&[&a, &b]);
        assert_eq!(
            merged.iter().map(|(t, _)| *t).collect::<Vec<_>>(),
            vec![5, 10]
        );
        let pcap = frames_to_pcap(crate::pcap::linktype::ETHERNET, &merged);
        assert_eq!(pcap.len(), 24 + 2 * (16 + 54));
    }

    #[test]
    fn test_ipv6_conversation() {
        let mut c = TcpConversation::new(
            "[2001:db8::1]:50000".parse().unwrap(),
            "[2001:db8::2]:80".parse().unwrap(),
            1,
            2,
        );
        c.syn(vec![]);
        let f = c.frame(0);
        let p = SlicedPacket::from_ethernet(&f).unwrap();
        assert!(matches!(p.transport, Some(TransportSlice::Tcp(_))));
        assert_eq!(f.len(), 14 + 40 + 20);
    }
}
