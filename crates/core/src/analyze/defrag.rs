//! IP fragment reassembly for IPv4 and IPv6 (fragment extension header).
//!
//! Runs before the analyzers in the packet loop. Fragments are collected per (source,
//! destination, identification, protocol); when the last missing piece arrives, the whole upper-layer
//! payload is handed to the analyzers with the frame number of that LAST fragment, which is where
//! Wireshark shows the reassembled UDP/ICMP message. Memory is capped ([`MAX_DATAGRAMS_IN_FLIGHT`],
//! [`MAX_BYTES_IN_FLIGHT`], [`MAX_DATAGRAM_LEN`]) and a datagram still incomplete
//! [`REASSEMBLY_TIMEOUT_NANOS`] of capture time after its first fragment is dropped. Overlapping
//! fragments keep the bytes that arrived first; a later copy with different bytes is counted as a
//! conflict (an evasion sign), never an error.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::capture::Timestamp;
use crate::decode::{Fragment, Ip};
use crate::report::flows::FragmentStats;

/// Datagrams being reassembled at once; beyond this the oldest is dropped.
pub const MAX_DATAGRAMS_IN_FLIGHT: usize = 1024;
/// Payload bytes buffered across all datagrams in flight.
pub const MAX_BYTES_IN_FLIGHT: usize = 16 << 20;
/// Largest reassembled payload accepted (the IPv4/IPv6 payload length field maximum).
pub const MAX_DATAGRAM_LEN: u32 = 65_535;
/// Capture time after the first fragment when an incomplete datagram is given up (Linux uses 30 s).
pub const REASSEMBLY_TIMEOUT_NANOS: i128 = 60 * 1_000_000_000;

/// IP protocol numbers the analyzers read from reassembled payloads.
pub const PROTO_ICMP: u8 = 1;
pub const PROTO_UDP: u8 = 17;
pub const PROTO_ICMPV6: u8 = 58;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct Key {
    src: IpAddr,
    dst: IpAddr,
    ident: u32,
    protocol: u8,
}

#[derive(Debug)]
struct Pending {
    first_ts: i128,
    first_frame: u64,
    /// Reassembled bytes so far (holes are zero until filled).
    buf: Vec<u8>,
    /// Received byte ranges, sorted and merged.
    covered: Vec<(u32, u32)>,
    /// Known once the fragment without "more fragments" has arrived.
    total_len: Option<u32>,
    fragments: u32,
}

/// A datagram completed by the current frame.
#[derive(Debug, Clone, Copy)]
pub struct Reassembled<'a> {
    pub protocol: u8,
    /// The whole upper-layer payload (e.g. UDP header + data).
    pub payload: &'a [u8],
    pub first_frame: u64,
    pub fragments: u32,
}

impl Reassembled<'_> {
    /// The UDP header fields and payload, if this is a UDP datagram.
    pub fn udp(&self) -> Option<(u16, u16, &[u8])> {
        if self.protocol != PROTO_UDP {
            return None;
        }
        let h = self.payload.get(..8)?;
        let src = u16::from_be_bytes([h[0], h[1]]);
        let dst = u16::from_be_bytes([h[2], h[3]]);
        let len = usize::from(u16::from_be_bytes([h[4], h[5]]));
        // Like Wireshark, a UDP length beyond the datagram is clamped to what is there.
        let end = if len >= 8 {
            len.min(self.payload.len())
        } else {
            self.payload.len()
        };
        Some((src, dst, self.payload.get(8..end).unwrap_or(&[])))
    }
}

/// The reassembler. Feed it every IP packet; it returns a datagram when one completes.
#[derive(Debug, Default)]
pub struct Defragmenter {
    pending: HashMap<Key, Pending, foldhash::fast::RandomState>,
    bytes_in_flight: usize,
    /// The last completed datagram (reused buffer).
    done: Vec<u8>,
    stats: FragmentStats,
}

impl Defragmenter {
    /// Looks at one packet's IP layer. Returns the reassembled payload when this frame
    /// completes a datagram, `None` otherwise (including for unfragmented packets).
    #[inline]
    pub fn on_ip(&mut self, frame: u64, ts: Timestamp, ip: &Ip<'_>) -> Option<Reassembled<'_>> {
        // Inlined into the packet loop: unfragmented packets cost one test.
        let fragment = ip.fragment?;
        self.on_fragment(frame, ts, ip, fragment)
    }

    #[inline(never)]
    fn on_fragment(
        &mut self,
        frame: u64,
        ts: Timestamp,
        ip: &Ip<'_>,
        fragment: Fragment,
    ) -> Option<Reassembled<'_>> {
        self.stats.fragments += 1;
        let now = ts.as_nanos();
        let key = Key {
            src: ip.src,
            dst: ip.dst,
            ident: ip.ident,
            protocol: ip.protocol,
        };
        let start = fragment.offset;
        let len = ip.payload_len;
        let end = start.saturating_add(len);
        if end > MAX_DATAGRAM_LEN || (ip.payload.len() as u32) < len {
            // Oversized (ping of death) or cut by the snaplen: cannot be rebuilt faithfully.
            self.stats.unusable += 1;
            return None;
        }
        if let Some(p) = self.pending.get(&key) {
            if now - p.first_ts > REASSEMBLY_TIMEOUT_NANOS {
                self.drop_pending(&key);
                self.stats.timed_out += 1;
            }
        }
        if !self.pending.contains_key(&key) {
            self.make_room(now);
            self.pending.insert(
                key,
                Pending {
                    first_ts: now,
                    first_frame: frame,
                    buf: Vec::new(),
                    covered: Vec::new(),
                    total_len: None,
                    fragments: 0,
                },
            );
        }
        let pending = self.pending.get_mut(&key)?;
        pending.fragments += 1;
        if !fragment.more_fragments {
            match pending.total_len {
                Some(t) if t != end => self.stats.conflicts += 1,
                _ => pending.total_len = Some(end),
            }
        }
        let data = ip.payload.get(..len as usize)?;
        let grow = (end as usize).saturating_sub(pending.buf.len());
        if self.bytes_in_flight + grow > MAX_BYTES_IN_FLIGHT {
            self.stats.dropped_for_memory += 1;
            self.drop_pending(&key);
            return None;
        }
        let pending = self.pending.get_mut(&key)?;
        if grow > 0 {
            pending.buf.resize(end as usize, 0);
            self.bytes_in_flight += grow;
        }
        let (overlap, conflict) = add_range(pending, start, end, data);
        self.stats.overlaps += u64::from(overlap);
        self.stats.conflicts += u64::from(conflict);
        let complete = pending
            .total_len
            .is_some_and(|t| pending.covered.first() == Some(&(0, t)));
        if !complete {
            return None;
        }
        let pending = self.pending.remove(&key)?;
        self.bytes_in_flight = self.bytes_in_flight.saturating_sub(pending.buf.len());
        self.stats.reassembled += 1;
        let total = pending.total_len.unwrap_or(0) as usize;
        self.done = pending.buf;
        self.done.truncate(total);
        Some(Reassembled {
            protocol: key.protocol,
            payload: &self.done,
            first_frame: pending.first_frame,
            fragments: pending.fragments,
        })
    }

    /// Statistics, counting datagrams still incomplete at the end as `incomplete`.
    pub fn finish(self) -> FragmentStats {
        FragmentStats {
            incomplete: self.stats.incomplete + self.pending.len() as u64,
            ..self.stats
        }
    }

    fn drop_pending(&mut self, key: &Key) {
        if let Some(p) = self.pending.remove(key) {
            self.bytes_in_flight = self.bytes_in_flight.saturating_sub(p.buf.len());
        }
    }

    /// Frees timed-out datagrams, then the oldest, until a new one fits.
    fn make_room(&mut self, now: i128) {
        if self.pending.len() < MAX_DATAGRAMS_IN_FLIGHT {
            return;
        }
        let before = self.pending.len();
        let mut freed = 0usize;
        self.pending.retain(|_, p| {
            let keep = now - p.first_ts <= REASSEMBLY_TIMEOUT_NANOS;
            if !keep {
                freed += p.buf.len();
            }
            keep
        });
        self.bytes_in_flight = self.bytes_in_flight.saturating_sub(freed);
        self.stats.timed_out += (before - self.pending.len()) as u64;
        while self.pending.len() >= MAX_DATAGRAMS_IN_FLIGHT {
            let Some(oldest) = self
                .pending
                .iter()
                .min_by_key(|(_, p)| (p.first_ts, p.first_frame))
                .map(|(k, _)| *k)
            else {
                break;
            };
            self.drop_pending(&oldest);
            self.stats.dropped_for_memory += 1;
        }
    }
}

/// Copies `data` (covering `start..end`) into the buffer, keeping bytes already received.
/// Returns (overlapped, conflicting bytes seen).
fn add_range(p: &mut Pending, start: u32, end: u32, data: &[u8]) -> (bool, bool) {
    let mut overlap = false;
    let mut conflict = false;
    // Walk the gaps of `start..end` not yet covered and fill only those.
    let mut cursor = start;
    for &(s, e) in &p.covered {
        if e <= cursor || s >= end {
            continue;
        }
        overlap = true;
        if s > cursor {
            copy(&mut p.buf, cursor, s, start, data);
        }
        let (a, b) = (cursor.max(s), end.min(e));
        let old = p.buf.get(a as usize..b as usize);
        let new = data.get((a - start) as usize..(b - start) as usize);
        if old != new {
            conflict = true;
        }
        cursor = cursor.max(e);
    }
    if cursor < end {
        copy(&mut p.buf, cursor, end, start, data);
    }
    // Merge the new range into the sorted coverage list.
    if start < end {
        p.covered.push((start, end));
        p.covered.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(p.covered.len());
        for &(s, e) in &p.covered {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        p.covered = merged;
    }
    (overlap, conflict)
}

fn copy(buf: &mut [u8], from: u32, to: u32, data_start: u32, data: &[u8]) {
    let dst = buf.get_mut(from as usize..to as usize);
    let src = data.get((from - data_start) as usize..(to - data_start) as usize);
    if let (Some(d), Some(s)) = (dst, src) {
        d.copy_from_slice(s);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::decode_ip;

    /// An IPv4 fragment carrying `data` at byte offset `offset` (a multiple of 8).
    pub(crate) fn ipv4_fragment(
        ident: u16,
        offset: u16,
        more: bool,
        proto: u8,
        data: &[u8],
    ) -> Vec<u8> {
        let total = 20 + data.len() as u16;
        let flags_frag = (u16::from(more) << 13) | (offset / 8);
        let mut v = vec![0x45, 0];
        v.extend(total.to_be_bytes());
        v.extend(ident.to_be_bytes());
        v.extend(flags_frag.to_be_bytes());
        v.extend([64, proto, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2]);
        v.extend_from_slice(data);
        v
    }

    /// An IPv6 packet with a fragment header.
    fn ipv6_fragment(ident: u32, offset: u16, more: bool, proto: u8, data: &[u8]) -> Vec<u8> {
        let mut v = vec![0x60, 0, 0, 0];
        v.extend((8 + data.len() as u16).to_be_bytes());
        v.extend([44, 64]);
        v.extend([0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        v.extend([0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
        v.extend([proto, 0]);
        v.extend((offset | u16::from(more)).to_be_bytes());
        v.extend(ident.to_be_bytes());
        v.extend_from_slice(data);
        v
    }

    fn udp(src: u16, dst: u16, payload: &[u8]) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend(src.to_be_bytes());
        v.extend(dst.to_be_bytes());
        v.extend((8 + payload.len() as u16).to_be_bytes());
        v.extend([0, 0]);
        v.extend_from_slice(payload);
        v
    }

    fn feed(
        d: &mut Defragmenter,
        frame: u64,
        secs: i64,
        bytes: &[u8],
    ) -> Option<(u8, Vec<u8>, u64)> {
        let (ip, _) = decode_ip(bytes)?;
        d.on_ip(frame, Timestamp::new(secs, 0), &ip)
            .map(|r| (r.protocol, r.payload.to_vec(), r.first_frame))
    }

    #[test]
    fn test_ipv4_in_order_and_reordered() {
        let datagram = udp(5353, 53, &[7u8; 3000]);
        for order in [[0usize, 1, 2], [2, 0, 1], [1, 2, 0]] {
            let mut d = Defragmenter::default();
            let pieces = [(0u16, true), (1480, true), (2960, false)];
            let mut out = None;
            for (i, &idx) in order.iter().enumerate() {
                let (off, more) = pieces[idx];
                let end = (off as usize + 1480).min(datagram.len());
                let frag = ipv4_fragment(77, off, more, 17, &datagram[off as usize..end]);
                let r = feed(&mut d, i as u64 + 1, 0, &frag);
                if i < 2 {
                    assert!(r.is_none());
                } else {
                    out = r;
                }
            }
            let (proto, payload, first) = out.expect("complete");
            assert_eq!(proto, 17);
            assert_eq!(payload, datagram);
            assert_eq!(first, 1);
            let stats = d.finish();
            assert_eq!(stats.reassembled, 1);
            assert_eq!(stats.incomplete, 0);
        }
    }

    #[test]
    fn test_udp_view_of_reassembled() {
        let r = Reassembled {
            protocol: 17,
            payload: &udp(1000, 53, b"abc"),
            first_frame: 1,
            fragments: 2,
        };
        assert_eq!(r.udp(), Some((1000, 53, &b"abc"[..])));
    }

    #[test]
    fn test_ipv6_fragments() {
        let datagram = udp(40000, 5060, &[1u8; 2000]);
        let mut d = Defragmenter::default();
        let a = ipv6_fragment(9, 0, true, 17, &datagram[..1232]);
        let b = ipv6_fragment(9, 1232, false, 17, &datagram[1232..]);
        assert!(feed(&mut d, 1, 0, &a).is_none());
        let (proto, payload, _) = feed(&mut d, 2, 0, &b).expect("complete");
        assert_eq!(proto, 17);
        assert_eq!(payload, datagram);
    }

    #[test]
    fn test_overlap_first_wins_and_conflict_counted() {
        let mut d = Defragmenter::default();
        let a = ipv4_fragment(5, 0, true, 17, &[1u8; 16]);
        let b = ipv4_fragment(5, 8, false, 17, &[2u8; 16]);
        assert!(feed(&mut d, 1, 0, &a).is_none());
        let (_, payload, _) = feed(&mut d, 2, 0, &b).expect("complete");
        assert_eq!(&payload[..16], &[1u8; 16]);
        assert_eq!(&payload[16..], &[2u8; 8]);
        let stats = d.finish();
        assert_eq!(stats.overlaps, 1);
        assert_eq!(stats.conflicts, 1);
    }

    #[test]
    fn test_missing_piece_and_timeout() {
        let mut d = Defragmenter::default();
        let a = ipv4_fragment(1, 0, true, 17, &[0u8; 16]);
        let c = ipv4_fragment(1, 24, false, 17, &[0u8; 8]);
        assert!(feed(&mut d, 1, 0, &a).is_none());
        assert!(feed(&mut d, 2, 0, &c).is_none());
        // The middle piece arrives after the timeout: the old pieces are gone.
        let b = ipv4_fragment(1, 16, true, 17, &[0u8; 8]);
        assert!(feed(&mut d, 3, 120, &b).is_none());
        let stats = d.finish();
        assert_eq!(stats.timed_out, 1);
        assert_eq!(stats.incomplete, 1);
    }

    #[test]
    fn test_table_is_capped() {
        let mut d = Defragmenter::default();
        for i in 0..(MAX_DATAGRAMS_IN_FLIGHT as u16 + 10) {
            let a = ipv4_fragment(i, 0, true, 17, &[0u8; 8]);
            assert!(feed(&mut d, u64::from(i), 0, &a).is_none());
        }
        assert!(d.pending.len() <= MAX_DATAGRAMS_IN_FLIGHT);
        assert_eq!(d.finish().dropped_for_memory, 10);
    }

    #[test]
    fn test_oversized_rejected() {
        let mut d = Defragmenter::default();
        // Offset 65528 + 16 bytes > 65535.
        let a = ipv4_fragment(3, 65528, false, 1, &[0u8; 16]);
        assert!(feed(&mut d, 1, 0, &a).is_none());
        assert_eq!(d.finish().unusable, 1);
    }
}
