//! Wireshark's TCP sequence analysis (`tcp_analyze_sequence_number` in packet-tcp.c), as
//! tshark 4.0 runs it: the same tests, in the same order, on the same raw (unscaled, absolute)
//! values, with the same quirks. Where 4.0 differs from later Wireshark versions, this follows
//! 4.0 (checked against tshark 4.0.17): out-of-order uses the time since the flow's highest
//! segment and has no "already seen" test, fast retransmission ignores SACK, an ACK of unseen
//! data is reported once per hole (`dupacknum = -1` when no hole is
//! known), and a zero-window-probe ACK must repeat
//! the previous ACK exactly.

use super::flags;
use super::segments::{Unacked, UnackedList, MAX_UNACKED_SEGMENTS};
use crate::decode::tcp::Flags;

/// Fast retransmissions must follow the duplicate ACKs within this time (20 ms).
const FAST_RETRANSMISSION_WINDOW_NS: u64 = 20_000_000;
/// Out-of-order threshold when no initial RTT is known (3 ms).
const DEFAULT_OOO_THRESHOLD_NS: u64 = 3_000_000;

/// Wireshark stores -1 in its unsigned dup-ACK counter.
const DUPACK_RESET: u32 = u32::MAX;

/// `win_scale` values with a meaning besides a shift count.
pub(crate) const WIN_SCALE_UNKNOWN: i8 = -1;
pub(crate) const WIN_SCALE_NOT_USED: i8 = -2;

/// One direction's analysis state (Wireshark's `tcp_flow_t` + `tcp_analyze_seq_flow_info_t`).
#[derive(Debug)]
pub(crate) struct Flow {
    pub base_seq: u32,
    /// Highest seq+len seen; 0 means unknown (as in Wireshark, also when it wraps to 0).
    pub nextseq: u32,
    pub maxseqtobeacked: u32,
    pub lastack: u32,
    pub nextseqframe: u32,
    pub lastnondupack: u32,
    /// The last raw 16-bit window, `u32::MAX` before the first packet.
    pub window: u32,
    /// Dup ACKs in a row. `DUPACK_RESET` (Wireshark's -1 in an unsigned field) after an ACK of
    /// unseen data: the next dup ACK counts 1 again, and meanwhile it compares as ">= 2".
    pub dupacknum: u32,
    pub nextseqtime: i64,
    pub lastacktime: i64,
    /// The analysis flags of this flow's previous packet.
    pub lastsegmentflags: u16,
    pub win_scale: i8,
    pub base_seq_set: bool,
    /// No non-SYN ACK sent yet: the stored window is a SYN window, never scaled.
    pub is_first_ack: bool,
    /// Bytes in flight can be computed (Wireshark's `valid_bif`): cleared by a lost
    /// segment, set again by an ACK from the peer.
    pub valid_bif: bool,
    /// Bytes covered by the SACK blocks this side sent last (subtracted from the peer's bytes
    /// in flight).
    pub sack_bytes: u32,
    pub segments: UnackedList,
}

impl Default for Flow {
    fn default() -> Self {
        Flow {
            base_seq: 0,
            nextseq: 0,
            maxseqtobeacked: 0,
            lastack: 0,
            nextseqframe: 0,
            lastnondupack: 0,
            window: u32::MAX,
            dupacknum: 0,
            nextseqtime: 0,
            lastacktime: 0,
            lastsegmentflags: 0,
            win_scale: WIN_SCALE_UNKNOWN,
            base_seq_set: false,
            is_first_ack: true,
            valid_bif: true,
            sack_bytes: 0,
            segments: UnackedList::default(),
        }
    }
}

/// The TCP facts of one packet the analysis needs.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SegmentFacts {
    pub frame: u32,
    /// Nanoseconds since the epoch.
    pub ts: i64,
    pub seq: u32,
    pub ack: u32,
    /// Payload length from the IP length (Wireshark's `tcp.len`).
    pub seglen: u32,
    pub flags: u16,
    pub window: u16,
}

/// What the analysis found for one packet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Verdict {
    /// `flags::*` bits.
    pub flags: u16,
    pub dupack_num: u32,
    pub dupack_frame: u32,
    /// For a retransmission: the segment it repeats (Wireshark's `tcp.analysis.rto_frame`).
    pub rto_frame: u32,
    /// For a retransmission: time since that segment, in nanoseconds.
    pub rto_ns: i64,
    /// The segment this ACK acknowledges (`tcp.analysis.acks_frame`; 0: none) and the time
    /// since it (`tcp.analysis.ack_rtt`). Filled only when details are asked for.
    pub acks_frame: u32,
    pub ack_rtt_ns: i64,
    /// `tcp.analysis.bytes_in_flight` (0: not shown). Filled only when details are asked for.
    pub bytes_in_flight: u32,
    /// Wireshark keeps analysis data for this frame (flags, an acked frame, or data sent
    /// while bytes in flight are valid): its SEQ/ACK analysis tree shows the iRTT.
    pub has_analysis: bool,
}

#[inline]
fn gt_seq(a: u32, b: u32) -> bool {
    (b.wrapping_sub(a) as i32) < 0
}
#[inline]
fn lt_seq(a: u32, b: u32) -> bool {
    (a.wrapping_sub(b) as i32) < 0
}
#[inline]
fn le_seq(a: u32, b: u32) -> bool {
    (b.wrapping_sub(a) as i32) >= 0
}

/// Runs the analysis for a packet sent on `fwd` (the peer's flow is `rev`). `verdict.flags`
/// may already hold bits set before the analysis (reused ports). `irtt_ns` is the
/// conversation's initial RTT (0 when unknown).
pub(crate) fn analyze(
    fwd: &mut Flow,
    rev: &mut Flow,
    p: &SegmentFacts,
    irtt_ns: i64,
    verdict: &mut Verdict,
    detail: bool,
) {
    let (seq, ack, seglen, fl) = (p.seq, p.ack, p.seglen, p.flags);
    let window = u32::from(p.window);
    let syn_or_fin = fl & (Flags::SYN | Flags::FIN) != 0;
    let noctl = fl & (Flags::SYN | Flags::FIN | Flags::RST) == 0;
    let has_ack = fl & Flags::ACK != 0;
    let mut ta = verdict.flags;

    if !fwd.base_seq_set {
        fwd.base_seq = if fl & Flags::SYN != 0 {
            seq
        } else {
            seq.wrapping_sub(1)
        };
        fwd.base_seq_set = true;
    }
    if !rev.base_seq_set && has_ack {
        rev.base_seq = ack.wrapping_sub(1);
        rev.base_seq_set = true;
    }
    if has_ack {
        rev.valid_bif = true;
    }

    // Tests 1-9; a `break 'fwd` is Wireshark's `goto finished_fwd`.
    'fwd: {
        if seglen == 1 && seq == fwd.nextseq && rev.window == 0 {
            ta |= flags::ZERO_WINDOW_PROBE;
            break 'fwd;
        }
        if window == 0 && noctl {
            ta |= flags::ZERO_WINDOW;
        }
        if fwd.nextseq != 0 && gt_seq(seq, fwd.nextseq) && fl & Flags::RST == 0 {
            ta |= flags::LOST_SEGMENT;
            // No bytes in flight until the peer ACKs again.
            fwd.valid_bif = false;
        }
        if seglen <= 1 && seq == fwd.nextseq.wrapping_sub(1) && noctl {
            ta |= flags::KEEP_ALIVE;
        }
        let same_place = seq == fwd.nextseq && ack == fwd.lastack && noctl;
        if seglen == 0 && window != 0 && window != fwd.window && same_place {
            ta |= flags::WINDOW_UPDATE;
        }
        if seglen > 0 && rev.win_scale != WIN_SCALE_UNKNOWN && noctl {
            let shift = if rev.is_first_ack || rev.win_scale == WIN_SCALE_NOT_USED {
                0
            } else {
                rev.win_scale as u32
            };
            let edge = rev.lastack.wrapping_add(rev.window.wrapping_shl(shift));
            if seq.wrapping_add(seglen) == edge {
                ta |= flags::WINDOW_FULL;
            }
        }
        let repeats = seglen == 0 && window == fwd.window && same_place;
        if repeats && window != 0 && rev.lastsegmentflags & flags::KEEP_ALIVE != 0 {
            ta |= flags::KEEP_ALIVE_ACK;
            break 'fwd;
        }
        if repeats && window == 0 && rev.lastsegmentflags & flags::ZERO_WINDOW_PROBE != 0 {
            ta |= flags::ZERO_WINDOW_PROBE_ACK;
            break 'fwd;
        }
        if repeats && window != 0 {
            fwd.dupacknum = if fwd.dupacknum == DUPACK_RESET {
                1
            } else {
                fwd.dupacknum.wrapping_add(1)
            };
            ta |= flags::DUPLICATE_ACK;
            verdict.dupack_num = fwd.dupacknum;
            verdict.dupack_frame = fwd.lastnondupack;
        }
    }

    // finished_fwd
    if ack != fwd.lastack {
        fwd.lastnondupack = p.frame;
        fwd.dupacknum = 0;
    }

    if rev.maxseqtobeacked != 0 && gt_seq(ack, rev.maxseqtobeacked) && has_ack {
        // A hole is known (data seen beyond the contiguous part): report it and move the limit
        // past it. Otherwise report only if the peer has no dup ACKs running, and make its next
        // dup ACK count from 1 again. (Checked against tshark 4.0.17, wrap-around included.)
        if lt_seq(rev.maxseqtobeacked, rev.nextseq) {
            rev.maxseqtobeacked = rev.nextseq;
            ta |= flags::ACK_LOST_SEGMENT;
        } else {
            if rev.dupacknum == 0 {
                ta |= flags::ACK_LOST_SEGMENT;
            }
            rev.dupacknum = DUPACK_RESET;
        }
    }

    // Retransmission / fast retransmission / spurious / out-of-order.
    'rt: {
        if !(seglen > 0 || syn_or_fin) || ta & flags::KEEP_ALIVE != 0 {
            break 'rt;
        }
        let mut seq_not_advanced = fwd.nextseq != 0 && lt_seq(seq, fwd.nextseq);
        // Data after a one-byte zero-window probe really advances.
        if seglen > 1 && fwd.nextseq.wrapping_sub(1) == seq {
            seq_not_advanced = false;
        }
        if seglen > 0 && rev.lastack != 0 && le_seq(seq.wrapping_add(seglen), rev.lastack) {
            ta |= flags::SPURIOUS_RETRANSMISSION;
            break 'rt;
        }
        // Unsigned nanosecond differences, as in C: a negative one is huge, never "recent".
        let since_dup_acks = p.ts.wrapping_sub(rev.lastacktime) as u64;
        if seq_not_advanced
            && rev.dupacknum >= 2
            && rev.lastack == seq
            && since_dup_acks < FAST_RETRANSMISSION_WINDOW_NS
        {
            ta |= flags::FAST_RETRANSMISSION;
            break 'rt;
        }
        let since_highest = p.ts.wrapping_sub(fwd.nextseqtime) as u64;
        let ooo_threshold = if irtt_ns == 0 {
            DEFAULT_OOO_THRESHOLD_NS
        } else {
            irtt_ns as u64
        };
        let expected_next = seq.wrapping_add(seglen).wrapping_add(u32::from(syn_or_fin));
        if seq_not_advanced && since_highest < ooo_threshold && fwd.nextseq != expected_next {
            ta |= flags::OUT_OF_ORDER;
            break 'rt;
        }
        if seq_not_advanced {
            ta |= flags::RETRANSMISSION;
            // The oldest unacked segment if any, else the highest one.
            let (frame, ts) = match fwd.segments.oldest() {
                Some(u) => (u.frame, u.ts),
                None => (fwd.nextseqframe, fwd.nextseqtime),
            };
            verdict.rto_frame = frame;
            verdict.rto_ns = p.ts.wrapping_sub(ts);
        }
    }

    let mut nextseq = seq.wrapping_add(seglen);
    if (seglen > 0 || syn_or_fin) && fwd.segments.len() < MAX_UNACKED_SEGMENTS {
        // Quirk kept: SYN/FIN count one only when the segment is stored.
        if syn_or_fin {
            nextseq = nextseq.wrapping_add(1);
        }
        fwd.segments.push(Unacked {
            seq,
            nextseq,
            frame: p.frame,
            ts: p.ts,
        });
    }
    let is_probe = ta & flags::ZERO_WINDOW_PROBE != 0;
    if (gt_seq(nextseq, fwd.nextseq) || fwd.nextseq == 0) && !is_probe {
        fwd.nextseq = nextseq;
        fwd.nextseqframe = p.frame;
        fwd.nextseqtime = p.ts;
    }
    if (seq == fwd.maxseqtobeacked || fwd.maxseqtobeacked == 0) && !is_probe {
        fwd.maxseqtobeacked = fwd.nextseq;
    }

    fwd.window = window;
    fwd.lastack = ack;
    fwd.lastacktime = p.ts;
    fwd.lastsegmentflags = ta;

    // The ACK field is used even without the ACK flag, as Wireshark does.
    if detail && has_ack {
        if let Some(u) = rev.segments.acked_by(ack) {
            verdict.acks_frame = u.frame;
            verdict.ack_rtt_ns = p.ts.wrapping_sub(u.ts);
        }
    }
    rev.segments.remove_acked(ack);
    if detail && seglen > 0 && fwd.valid_bif {
        if let Some(span) = fwd.segments.span() {
            let span = span
                .wrapping_sub(rev.sack_bytes)
                .wrapping_sub(u32::from(syn_or_fin));
            if span > 0 && span < 2_000_000_000 {
                verdict.bytes_in_flight = span;
            }
        }
        verdict.has_analysis = true;
    }
    if detail && (ta != 0 || verdict.acks_frame != 0) {
        verdict.has_analysis = true;
    }

    verdict.flags = ta;
}

/// Records the SYN's window-scale option for the sending flow (Wireshark's
/// `pdu_store_window_scale_option` + `verify_tcp_window_scaling`), after the analysis.
pub(crate) fn store_window_scale(
    fwd: &mut Flow,
    rev: &mut Flow,
    wscale: Option<u8>,
    is_syn: bool,
    is_synack: bool,
) {
    if let Some(shift) = wscale {
        fwd.win_scale = shift.min(14) as i8;
    }
    if is_syn {
        if fwd.win_scale == WIN_SCALE_UNKNOWN {
            fwd.win_scale = WIN_SCALE_NOT_USED;
            rev.win_scale = WIN_SCALE_NOT_USED;
        } else if is_synack && rev.win_scale == WIN_SCALE_NOT_USED {
            fwd.win_scale = WIN_SCALE_NOT_USED;
        }
    }
}
