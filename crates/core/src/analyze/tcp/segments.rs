//! The per-flow list of unacknowledged segments (Wireshark's `tcp_unacked_t` list).
//!
//! Wireshark 4.0 keeps, per flow, every segment that carries data, SYN or FIN until the peer
//! ACKs it, up to [`MAX_UNACKED_SEGMENTS`]. In the 4.0 analysis the list decides only two
//! things: whether a new segment is stored at all (the cap, which also decides whether SYN/FIN
//! add one to `nextseq`), and which frame a retransmission's RTO is measured from (the oldest
//! segment still unacked). So an entry keeps just `nextseq`, frame and time.
//!
//! An ACK removes every segment with `nextseq <= ack` (modulo 2³²). Entries are kept sorted by
//! `nextseq` so that removal is popping from the front; a segment list that cannot be kept
//! sorted (sequence numbers more than 2³¹ apart) falls back to a full scan, which is exactly
//! Wireshark's walk.

use std::collections::VecDeque;

/// Wireshark's `TCP_MAX_UNACKED_SEGMENTS`: the most unacked segments stored per flow.
pub const MAX_UNACKED_SEGMENTS: usize = 10_000;

/// An unacked segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Unacked {
    pub nextseq: u32,
    pub frame: u32,
    /// Capture time, nanoseconds since the epoch.
    pub ts: i64,
}

/// Unacked segments of one flow.
#[derive(Debug, Default)]
pub(crate) struct UnackedList {
    /// Sorted by `nextseq` relative to the front, unless `unsorted`.
    items: VecDeque<Unacked>,
    /// Set when an insertion could not keep the order; cleared when the list empties.
    unsorted: bool,
}

/// Below 2³¹ apart, modulo comparison is a total order on the list.
const HALF: u32 = 1 << 31;

impl UnackedList {
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The oldest stored segment (lowest frame number): the one Wireshark's RTO is measured from.
    pub fn oldest(&self) -> Option<Unacked> {
        self.items.iter().min_by_key(|u| u.frame).copied()
    }

    /// Stores a segment (the caller enforces the cap).
    pub fn push(&mut self, seg: Unacked) {
        let Some(front) = self.items.front().copied() else {
            self.items.push_back(seg);
            return;
        };
        if self.unsorted {
            self.items.push_back(seg);
            return;
        }
        let back = self.items.back().map_or(front.nextseq, |b| b.nextseq);
        let off = seg.nextseq.wrapping_sub(front.nextseq);
        let span = back.wrapping_sub(front.nextseq);
        if off < HALF && off >= span {
            // The common case: the new segment ends at or beyond every stored one.
            self.items.push_back(seg);
        } else if off < HALF {
            // A retransmission ending inside the stored range: keep the order.
            let pos = self
                .items
                .partition_point(|u| u.nextseq.wrapping_sub(front.nextseq) <= off);
            self.items.insert(pos, seg);
        } else if front.nextseq.wrapping_sub(seg.nextseq) < HALF
            && back.wrapping_sub(seg.nextseq) < HALF
        {
            self.items.push_front(seg);
        } else {
            self.unsorted = true;
            self.items.push_back(seg);
        }
    }

    /// Removes every segment this ACK covers: `nextseq <= ack` modulo 2³² (Wireshark removes a
    /// segment unless `GT_SEQ(nextseq, ack)`).
    pub fn remove_acked(&mut self, ack: u32) {
        let covered = |u: &Unacked| (ack.wrapping_sub(u.nextseq) as i32) >= 0;
        if self.unsorted {
            self.items.retain(|u| !covered(u));
        } else if self.items.front().is_some_and(covered) {
            while self.items.front().is_some_and(covered) {
                self.items.pop_front();
            }
        } else {
            // The covered set of a sorted list spanning < 2³¹ is a prefix or a suffix.
            while self.items.back().is_some_and(covered) {
                self.items.pop_back();
            }
        }
        if self.items.is_empty() {
            self.unsorted = false;
            if self.items.capacity() > 64 {
                // Give back the memory of a burst (a bulk transfer's window).
                self.items = VecDeque::new();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(nextseq: u32, frame: u32) -> Unacked {
        Unacked {
            nextseq,
            frame,
            ts: i64::from(frame),
        }
    }

    /// The literal Wireshark walk, to check the sorted shortcut against.
    fn reference(items: &[Unacked], ack: u32) -> Vec<Unacked> {
        items
            .iter()
            .copied()
            .filter(|u| (u.nextseq.wrapping_sub(ack) as i32) > 0)
            .collect()
    }

    fn sorted_frames(list: &UnackedList) -> Vec<u32> {
        let mut v: Vec<u32> = list.items.iter().map(|u| u.frame).collect();
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
        assert_eq!(sorted_frames(&l), vec![3, 5]);
        assert_eq!(l.oldest().map(|u| u.frame), Some(3));
        l.remove_acked(1000);
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
        for round in 0..200 {
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
                assert_eq!(sorted_frames(&l), want, "round {round} frame {frame}");
            }
        }
    }
}
