//! The per-flow list of unacknowledged segments (Wireshark's `tcp_unacked_t` list).
//!
//! Wireshark 4.0 keeps, per flow, every segment that carries data, SYN or FIN until the peer
//! ACKs it, up to [`MAX_UNACKED_SEGMENTS`]. In the 4.0 analysis the list decides only two
//! things: whether a new segment is stored at all (the cap, which also decides whether SYN/FIN
//! add one to `nextseq`), and which frame a retransmission's RTO is measured from (the oldest
//! segment still unacked). So an entry keeps just `nextseq`, frame and time.
//!
//! An ACK removes every segment with `nextseq <= ack` (modulo 2³²). Entries are kept sorted by
//! `nextseq` so that removal is popping from the front; a list that cannot be kept sorted
//! (sequence numbers more than 2³¹ apart) falls back to a full scan, which is exactly
//! Wireshark's walk.
//!
//! Memory: the first entry is stored inline, so a flow with at most one segment in flight (a
//! SYN, a request, a FIN) never allocates; more spill to a heap deque that is freed when the
//! list empties.

use std::collections::VecDeque;

/// Wireshark's `TCP_MAX_UNACKED_SEGMENTS`: the most unacked segments stored per flow.
pub const MAX_UNACKED_SEGMENTS: usize = 10_000;

/// An unacked segment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Unacked {
    /// First sequence number (raised by partial ACKs, as Wireshark does).
    pub seq: u32,
    pub nextseq: u32,
    pub frame: u32,
    /// Capture time, nanoseconds since the epoch.
    pub ts: i64,
}

/// Unacked segments of one flow: logically `[first] ++ rest`.
#[derive(Debug, Default)]
pub(crate) struct UnackedList {
    /// Element 0 when `len >= 1`.
    first: Unacked,
    /// Elements 1.., allocated only while there are any. Boxed on purpose: 8 bytes per flow
    /// instead of a 32-byte deque header in every connection.
    #[allow(clippy::box_collection)]
    rest: Option<Box<VecDeque<Unacked>>>,
    len: u16,
    /// Set when an insertion could not keep the order; cleared when the list empties.
    unsorted: bool,
}

/// Below 2³¹ apart, modulo comparison is a total order on the list.
const HALF: u32 = 1 << 31;

/// Whether an ACK covers a segment (Wireshark removes it unless `GT_SEQ(nextseq, ack)`).
#[inline]
fn covered(u: &Unacked, ack: u32) -> bool {
    (ack.wrapping_sub(u.nextseq) as i32) >= 0
}

impl UnackedList {
    #[inline]
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    #[inline]
    fn back(&self) -> Unacked {
        self.rest
            .as_ref()
            .and_then(|r| r.back().copied())
            .unwrap_or(self.first)
    }

    fn rest_mut(&mut self) -> &mut VecDeque<Unacked> {
        self.rest.get_or_insert_with(Box::default)
    }

    /// The oldest stored segment (lowest frame number): the one Wireshark's RTO is measured from.
    pub fn oldest(&self) -> Option<Unacked> {
        if self.len == 0 {
            return None;
        }
        let mut best = self.first;
        if let Some(r) = &self.rest {
            for u in r.iter() {
                if u.frame < best.frame {
                    best = *u;
                }
            }
        }
        Some(best)
    }

    fn push_back(&mut self, seg: Unacked) {
        if self.len == 0 {
            self.first = seg;
        } else {
            self.rest_mut().push_back(seg);
        }
        self.len += 1;
    }

    fn push_front(&mut self, seg: Unacked) {
        if self.len > 0 {
            let old = self.first;
            self.rest_mut().push_front(old);
        }
        self.first = seg;
        self.len += 1;
    }

    fn pop_front(&mut self) {
        if self.len > 1 {
            if let Some(next) = self.rest.as_mut().and_then(|r| r.pop_front()) {
                self.first = next;
            }
        }
        self.len -= 1;
        self.shrink();
    }

    fn pop_back(&mut self) {
        if self.len > 1 {
            if let Some(r) = self.rest.as_mut() {
                r.pop_back();
            }
        }
        self.len -= 1;
        self.shrink();
    }

    /// Frees the heap part once it is empty.
    fn shrink(&mut self) {
        if self.len <= 1 {
            self.rest = None;
        }
        if self.len == 0 {
            self.unsorted = false;
        }
    }

    /// Stores a segment (the caller enforces the cap).
    pub fn push(&mut self, seg: Unacked) {
        if self.len == 0 || self.unsorted {
            self.push_back(seg);
            return;
        }
        let front = self.first.nextseq;
        let back = self.back().nextseq;
        let off = seg.nextseq.wrapping_sub(front);
        let span = back.wrapping_sub(front);
        if off < HALF && off >= span {
            // The common case: the new segment ends at or beyond every stored one.
            self.push_back(seg);
        } else if off < HALF {
            // Ends inside the stored range (a retransmission): keep the order. `off < span`
            // and the front has offset 0, so the position is at least 1.
            let rest = self.rest_mut();
            let pos = rest.partition_point(|u| u.nextseq.wrapping_sub(front) <= off);
            rest.insert(pos, seg);
            self.len += 1;
        } else if front.wrapping_sub(seg.nextseq) < HALF && back.wrapping_sub(seg.nextseq) < HALF {
            self.push_front(seg);
        } else {
            self.unsorted = true;
            self.push_back(seg);
        }
    }

    /// Every stored segment (order unspecified).
    pub fn iter(&self) -> impl Iterator<Item = &Unacked> {
        let n = usize::from(self.len.min(1));
        std::iter::once(&self.first)
            .take(n)
            .chain(self.rest.iter().flat_map(|r| r.iter()))
    }

    /// The segment an ACK acknowledges, as tshark 4.0's `tcp.analysis.acks_frame` finds it:
    /// one ending exactly at `ack` (a partial ACK names none). The oldest wins.
    pub fn acked_by(&self, ack: u32) -> Option<Unacked> {
        let mut found: Option<Unacked> = None;
        for u in self.iter() {
            if u.nextseq == ack && found.is_none_or(|f| u.frame < f.frame) {
                found = Some(*u);
            }
        }
        found
    }

    /// Bytes in flight as Wireshark 4.0 counts them: from the lowest stored sequence number
    /// to the highest end.
    pub fn span(&self) -> Option<u32> {
        let mut it = self.iter();
        let first = it.next()?;
        let (mut lo, mut hi) = (first.seq, first.nextseq);
        for u in it {
            if (u.seq.wrapping_sub(lo) as i32) < 0 {
                lo = u.seq;
            }
            if (u.nextseq.wrapping_sub(hi) as i32) > 0 {
                hi = u.nextseq;
            }
        }
        Some(hi.wrapping_sub(lo))
    }

    /// Raises the start of partially acknowledged segments to `ack` (Wireshark's `ual->seq = ack`).
    fn clip_partial(&mut self, ack: u32) {
        let clip = |u: &mut Unacked| {
            if (ack.wrapping_sub(u.seq) as i32) > 0 {
                u.seq = ack;
            }
        };
        if self.len > 0 {
            clip(&mut self.first);
        }
        if let Some(r) = self.rest.as_mut() {
            r.iter_mut().for_each(clip);
        }
    }

    /// Removes every segment this ACK covers (`nextseq <= ack` modulo 2³²) and clips the ones
    /// it covers in part.
    pub fn remove_acked(&mut self, ack: u32) {
        self.remove_covered(ack);
        if self.len > 0 && (ack.wrapping_sub(self.first.seq) as i32) > 0 {
            self.clip_partial(ack);
        }
    }

    fn remove_covered(&mut self, ack: u32) {
        if self.len == 0 {
            return;
        }
        if self.unsorted {
            if let Some(r) = self.rest.as_mut() {
                r.retain(|u| !covered(u, ack));
            }
            let rest_len = self.rest.as_ref().map_or(0, |r| r.len());
            self.len = 1 + rest_len as u16;
            if covered(&self.first, ack) {
                self.pop_front();
            } else {
                self.shrink();
            }
        } else if covered(&self.first, ack) {
            while self.len > 0 && covered(&self.first, ack) {
                self.pop_front();
            }
        } else {
            // The covered set of a sorted list spanning < 2³¹ is a prefix or a suffix.
            while self.len > 1 && covered(&self.back(), ack) {
                self.pop_back();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(nextseq: u32, frame: u32) -> Unacked {
        Unacked {
            seq: nextseq.wrapping_sub(1),
            nextseq,
            frame,
            ts: i64::from(frame),
        }
    }

    /// The literal Wireshark walk, to check the sorted shortcut against.
    fn reference(items: &[Unacked], ack: u32) -> Vec<Unacked> {
        items.iter().copied().filter(|u| !covered(u, ack)).collect()
    }

    fn frames(list: &UnackedList) -> Vec<u32> {
        let mut v: Vec<u32> = Vec::new();
        if list.len > 0 {
            v.push(list.first.frame);
        }
        if let Some(r) = &list.rest {
            v.extend(r.iter().map(|u| u.frame));
        }
        assert_eq!(v.len(), list.len());
        v.sort_unstable();
        v
    }

    #[test]
    fn test_prefix_removal() {
        let mut l = UnackedList::default();
        for (i, n) in [100u32, 200, 300, 150, 400].iter().enumerate() {
            l.push(seg(*n, i as u32 + 1));
        }
        assert!(!l.unsorted);
        l.remove_acked(200);
        assert_eq!(frames(&l), vec![3, 5]);
        assert_eq!(l.oldest().map(|u| u.frame), Some(3));
        l.remove_acked(1000);
        assert_eq!(l.len(), 0);
        assert!(l.rest.is_none());
    }

    #[test]
    fn test_single_segment_stays_inline() {
        let mut l = UnackedList::default();
        l.push(seg(10, 1));
        assert!(l.rest.is_none());
        l.remove_acked(10);
        assert_eq!(l.len(), 0);
    }

    #[test]
    fn test_matches_reference_under_wrap_and_garbage_acks() {
        let mut state = 0x1234_5678u64;
        let mut rnd = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..300 {
            let base = (rnd() as u32).wrapping_sub(5000);
            let mut l = UnackedList::default();
            let mut reference_items: Vec<Unacked> = Vec::new();
            for frame in 1..200u32 {
                let r = rnd();
                if r % 3 == 0 {
                    let ack = if r % 17 == 0 {
                        rnd() as u32 // garbage
                    } else {
                        base.wrapping_add((rnd() % 20_000) as u32)
                    };
                    l.remove_acked(ack);
                    reference_items = reference(&reference_items, ack);
                } else {
                    let nextseq = if round % 7 == 0 && r % 11 == 0 {
                        rnd() as u32
                    } else {
                        base.wrapping_add((rnd() % 20_000) as u32)
                    };
                    l.push(seg(nextseq, frame));
                    reference_items.push(seg(nextseq, frame));
                }
                let mut want: Vec<u32> = reference_items.iter().map(|u| u.frame).collect();
                want.sort_unstable();
                assert_eq!(frames(&l), want, "round {round} frame {frame}");
                let oldest = reference_items.iter().map(|u| u.frame).min();
                assert_eq!(l.oldest().map(|u| u.frame), oldest);
            }
        }
    }
}
