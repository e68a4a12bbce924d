//! capinfos: file-level counts and times, equal to Wireshark's `capinfos`.
//!
//! Times follow capinfos: first/last are the earliest/latest timestamps (not the first/last
//! records), printed with the precision of the packet they come from; "strict time order" means
//! no packet is earlier than the one before it. A packet without a timestamp (pcapng simple
//! packet block) makes capinfos drop the times and report the order as unknown; so do we.

use std::cmp::Ordering;

use crate::capture::{
    format_decimal_nanos, CaptureInfo, Frame, LinkType, TimePrecision, Timestamp,
};
use crate::decode::encap::NotDecoded;
use crate::decode::{Packet, Problem};
use crate::report::capinfos::{
    Capinfos, DecodeProblems, Interface, NotDecodedCount, PacketComment,
};

/// Packet comments kept in the report; more are counted in `packet_comments_dropped`.
pub const MAX_PACKET_COMMENTS: usize = 1000;
/// Distinct link types tracked.
pub const MAX_LINK_TYPES: usize = 64;
/// Interfaces whose packets are counted one by one.
pub const MAX_COUNTED_INTERFACES: usize = 4096;
/// Kinds of frames not decoded listed one by one (link types, GRE protocols...); frames of
/// further kinds are counted together as "other kinds".
pub const MAX_NOT_DECODED_KINDS: usize = 64;

/// Wireshark's `nstime_cmp`, which capinfos uses for first/last time and time order: it
/// truncates the difference in seconds to 32 bits, so times more than ~68 years apart (only in
/// damaged files) compare the wrong way round. Copied so such files give capinfos' answer.
fn nstime_cmp(a: Timestamp, b: Timestamp) -> Ordering {
    if a.secs == b.secs {
        a.nanos.cmp(&b.nanos)
    } else {
        (a.secs.wrapping_sub(b.secs) as i32).cmp(&0)
    }
}

#[derive(Debug, Clone, Copy)]
struct LinkTypeUse {
    link_type: LinkType,
    frames: u64,
    first_frame: u64,
}

#[derive(Debug, Clone, Copy)]
struct Stamp {
    ts: Timestamp,
    interface: u32,
}

#[derive(Debug, Default)]
pub struct CapinfosAnalyzer {
    packets: u64,
    data_bytes: u64,
    wire_bytes: u64,
    /// Earliest and latest timestamps, with the interface they came from.
    min: Option<Stamp>,
    max: Option<Stamp>,
    prev: Option<Timestamp>,
    out_of_order: bool,
    missing_ts: bool,
    link_types: Vec<LinkTypeUse>,
    per_interface: Vec<u64>,
    cut_packets: u64,
    inferred: Option<[u32; 2]>,
    packet_comments: Vec<PacketComment>,
    packet_comments_dropped: u64,
    problems: DecodeProblems,
    /// (kind, frames, first frame), in order of first appearance.
    not_decoded: Vec<(NotDecoded, u64, u64)>,
    /// Frames of kinds beyond `MAX_NOT_DECODED_KINDS`.
    not_decoded_other: (u64, u64),
}

impl CapinfosAnalyzer {
    #[inline]
    pub fn on_frame(&mut self, frame: &Frame<'_>) {
        self.packets += 1;
        let cap_len = frame.data.len() as u32;
        self.data_bytes += u64::from(cap_len);
        self.wire_bytes += u64::from(frame.orig_len);
        if frame.has_ts {
            let ts = frame.ts;
            if self
                .prev
                .is_some_and(|p| nstime_cmp(ts, p) == Ordering::Less)
            {
                self.out_of_order = true;
            }
            self.prev = Some(ts);
            let stamp = Stamp {
                ts,
                interface: frame.interface,
            };
            if self
                .min
                .is_none_or(|m| nstime_cmp(ts, m.ts) == Ordering::Less)
            {
                self.min = Some(stamp);
            }
            if self
                .max
                .is_none_or(|m| nstime_cmp(ts, m.ts) == Ordering::Greater)
            {
                self.max = Some(stamp);
            }
        } else {
            self.missing_ts = true;
        }
        if cap_len < frame.orig_len {
            self.cut_packets += 1;
            self.inferred = Some(match self.inferred {
                None => [cap_len, cap_len],
                Some([lo, hi]) => [lo.min(cap_len), hi.max(cap_len)],
            });
        }
        if let Some(u) = self
            .link_types
            .iter_mut()
            .find(|u| u.link_type == frame.link_type)
        {
            u.frames += 1;
        } else if self.link_types.len() < MAX_LINK_TYPES {
            self.link_types.push(LinkTypeUse {
                link_type: frame.link_type,
                frames: 1,
                first_frame: frame.number,
            });
        }
        let iface = frame.interface as usize;
        if iface < MAX_COUNTED_INTERFACES {
            if self.per_interface.len() <= iface {
                self.per_interface.resize(iface + 1, 0);
            }
            self.per_interface[iface] += 1;
        }
        for comment in frame.comments {
            if self.packet_comments.len() < MAX_PACKET_COMMENTS {
                self.packet_comments.push(PacketComment {
                    frame: frame.number,
                    comment: comment.clone(),
                });
            } else {
                self.packet_comments_dropped += 1;
            }
        }
    }

    /// Counts what the decoder could not take apart.
    #[inline]
    pub fn on_packet(&mut self, packet: &Packet<'_>) {
        if let Some(kind) = packet.encap.not_decoded {
            self.count_not_decoded(kind, packet.meta.number);
        }
        match packet.problem {
            None => {}
            Some(Problem::UnknownLinkType(_)) => self.problems.unknown_link_type += 1,
            Some(Problem::LinkTruncated) => self.problems.link_truncated += 1,
            Some(Problem::BadIp) => self.problems.bad_ip += 1,
            Some(Problem::BadTransport) => self.problems.bad_transport += 1,
        }
    }

    #[inline(never)]
    fn count_not_decoded(&mut self, kind: NotDecoded, frame: u64) {
        if let Some(entry) = self.not_decoded.iter_mut().find(|e| e.0 == kind) {
            entry.1 += 1;
        } else if self.not_decoded.len() < MAX_NOT_DECODED_KINDS {
            self.not_decoded.push((kind, 1, frame));
        } else {
            let (frames, first) = &mut self.not_decoded_other;
            if *frames == 0 {
                *first = frame;
            }
            *frames += 1;
        }
    }

    pub fn finish(self, info: &CaptureInfo, frames: u64) -> Capinfos {
        let precision_of = |interface: u32| {
            info.interfaces
                .get(interface as usize)
                .map_or(TimePrecision::Microseconds, |i| i.precision)
        };
        let have_times = !self.missing_ts;
        let (first, last) = match (self.min, self.max) {
            (Some(a), Some(b)) if have_times => (Some(a), Some(b)),
            _ => (None, None),
        };
        let duration_exact = match (first, last) {
            (Some(a), Some(b)) => {
                let digits = precision_of(a.interface)
                    .digits()
                    .max(precision_of(b.interface).digits());
                Some(format_decimal_nanos(
                    b.ts.as_nanos() - a.ts.as_nanos(),
                    digits,
                ))
            }
            _ => None,
        };
        let time_ordered = if self.out_of_order {
            Some(false)
        } else if self.missing_ts {
            None
        } else {
            Some(true)
        };
        let first_precision = info.interfaces.first().map(|i| i.precision);
        let all_same =
            |f: &dyn Fn(&crate::capture::InterfaceInfo) -> bool| info.interfaces.iter().all(f);
        let file_time_precision = first_precision.map(|p| {
            if all_same(&|i| i.precision == p) {
                p.short_name().to_string()
            } else {
                "per-packet".to_string()
            }
        });
        let encapsulation = info.interfaces.first().map(|first| {
            if all_same(&|i| i.link_type == first.link_type) {
                first.link_type.name()
            } else {
                "PER_PACKET".to_string()
            }
        });
        let mut warnings = info.warnings.clone();
        // Keep the reader's "... and N more warnings" line last.
        let overflow = warnings.pop_if(|w| w.starts_with("... and "));
        for u in &self.link_types {
            if !u.link_type.is_supported() {
                warnings.push(format!(
                    "link type {} ({}) is not decoded: {} frames (the first is frame {}) are \
                     counted but not analysed",
                    u.link_type.name(),
                    u.link_type.0,
                    u.frames,
                    u.first_frame
                ));
            }
        }
        let mut not_decoded: Vec<NotDecodedCount> = self
            .not_decoded
            .iter()
            .map(|&(kind, frames, first_frame)| NotDecodedCount {
                what: kind.describe(),
                frames,
                first_frame,
            })
            .collect();
        if self.not_decoded_other.0 > 0 {
            not_decoded.push(NotDecodedCount {
                what: "other kinds".into(),
                frames: self.not_decoded_other.0,
                first_frame: self.not_decoded_other.1,
            });
        }
        for (n, &(kind, _, _)) in self.not_decoded.iter().enumerate() {
            // Link types have their own warning above.
            if matches!(kind, NotDecoded::LinkType(_)) {
                continue;
            }
            if let Some(c) = not_decoded.get(n) {
                warnings.push(format!(
                    "{} frames of an encapsulation pcaplens does not decode: {} (the first is \
                     frame {}); they are analysed only as far as their outer layers go",
                    c.frames, c.what, c.first_frame
                ));
            }
        }
        if self.not_decoded_other.0 > 0 {
            warnings.push(format!(
                "{} frames of other encapsulations pcaplens does not decode (the first is frame \
                 {})",
                self.not_decoded_other.0, self.not_decoded_other.1
            ));
        }
        warnings.extend(overflow);
        Capinfos {
            format: info.format.map(|f| f.name().to_string()),
            file_type: info.file_type.map(str::to_string),
            compressed: info.compressed,
            packets: self.packets,
            frames,
            data_bytes: self.data_bytes,
            wire_bytes: self.wire_bytes,
            first_time: first.map(|s| s.ts.as_f64()),
            last_time: last.map(|s| s.ts.as_f64()),
            duration_s: match (first, last) {
                (Some(a), Some(b)) => Some(b.ts.seconds_since(a.ts)),
                _ => None,
            },
            first_time_exact: first.map(|s| s.ts.to_decimal(precision_of(s.interface).digits())),
            last_time_exact: last.map(|s| s.ts.to_decimal(precision_of(s.interface).digits())),
            duration_exact,
            time_ordered,
            link_types: self.link_types.iter().map(|u| u.link_type.name()).collect(),
            encapsulation,
            time_precision: first_precision.map(|p| p.short_name().to_string()),
            file_time_precision,
            snaplen: info.snaplen,
            inferred_snaplen: self.inferred,
            cut_packets: self.cut_packets,
            interfaces: info
                .interfaces
                .iter()
                .enumerate()
                .map(|(n, i)| Interface {
                    name: i.name.clone(),
                    description: i.description.clone(),
                    link_type: i.link_type.name(),
                    snaplen: i.snaplen,
                    time_precision: i.precision.short_name().to_string(),
                    ticks_per_second: i.ticks_per_second,
                    tsresol: i.tsresol,
                    ts_offset: i.ts_offset,
                    os: i.os.clone(),
                    filter: i.filter.clone(),
                    section: i.section,
                    packets: self.per_interface.get(n).copied().unwrap_or(0),
                })
                .collect(),
            sections: info.sections,
            comments: info.comments.clone(),
            capture_hardware: info.hardware.clone(),
            capture_os: info.os.clone(),
            capture_application: info.application.clone(),
            packet_comments: self.packet_comments,
            packet_comments_dropped: self.packet_comments_dropped,
            decode_problems: self.problems,
            not_decoded,
            truncated: info.truncated,
            warnings,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{Format, InterfaceInfo};
    use crate::decode::decode_frame;

    fn iface(link: u32, ticks: u64) -> InterfaceInfo {
        InterfaceInfo {
            name: None,
            description: None,
            os: None,
            filter: None,
            link_type: LinkType(link),
            snaplen: 0,
            ticks_per_second: ticks,
            precision: TimePrecision::from_ticks_per_second(ticks),
            tsresol: None,
            ts_offset: 0,
            section: 0,
        }
    }

    fn info(ifaces: Vec<InterfaceInfo>) -> CaptureInfo {
        CaptureInfo {
            format: Some(Format::Pcapng),
            file_type: Some("pcapng"),
            interfaces: ifaces,
            ..CaptureInfo::default()
        }
    }

    /// A test frame: number, time, interface, link type, captured bytes, wire length.
    struct F<'a>(u64, (i64, u32), u32, u32, &'a [u8], u32);

    fn feed(a: &mut CapinfosAnalyzer, f: F<'_>, has_ts: bool) {
        let F(number, ts, interface, link, data, orig) = f;
        let comments = [format!("c{number}")];
        let frame = Frame {
            number,
            ts: Timestamp::new(ts.0, ts.1),
            has_ts,
            pcapng: true,
            interface,
            link_type: LinkType(link),
            orig_len: orig,
            data,
            comments: if number.is_multiple_of(2) {
                &comments
            } else {
                &[]
            },
        };
        a.on_frame(&frame);
        a.on_packet(&decode_frame(&frame));
    }

    #[test]
    fn times_order_and_precision_follow_capinfos() {
        let mut a = CapinfosAnalyzer::default();
        let data = [0u8; 20];
        feed(&mut a, F(1, (100, 500_000_000), 0, 1, &data, 20), true);
        feed(&mut a, F(2, (99, 123_456_789), 1, 1, &data, 60), true); // earlier: not ordered
        feed(&mut a, F(3, (101, 1_000), 0, 1, &data[..10], 60), true);
        let c = a.finish(&info(vec![iface(1, 1_000_000), iface(1, 1_000_000_000)]), 3);
        assert_eq!(c.packets, 3);
        assert_eq!(c.time_ordered, Some(false));
        // First is frame 2 (ns interface), last frame 3 (µs interface).
        assert_eq!(c.first_time_exact.as_deref(), Some("99.123456789"));
        assert_eq!(c.last_time_exact.as_deref(), Some("101.000001"));
        assert_eq!(c.duration_exact.as_deref(), Some("1.876544211"));
        assert_eq!(c.file_time_precision.as_deref(), Some("per-packet"));
        assert_eq!(c.time_precision.as_deref(), Some("us"));
        assert_eq!(c.encapsulation.as_deref(), Some("ETHERNET"));
        assert_eq!((c.data_bytes, c.wire_bytes), (50, 140));
        assert_eq!(c.cut_packets, 2);
        assert_eq!(c.inferred_snaplen, Some([10, 20]));
        assert_eq!(c.interfaces[0].packets, 2);
        assert_eq!(c.interfaces[1].packets, 1);
        assert_eq!(c.packet_comments.len(), 1);
        assert_eq!(c.packet_comments[0].frame, 2);
    }

    #[test]
    fn a_packet_without_timestamp_drops_the_times() {
        let mut a = CapinfosAnalyzer::default();
        feed(&mut a, F(1, (100, 0), 0, 1, &[0; 20], 20), true);
        feed(&mut a, F(2, (0, 0), 0, 1, &[0; 20], 20), false);
        let c = a.finish(&info(vec![iface(1, 1_000_000)]), 2);
        assert_eq!(c.time_ordered, None);
        assert_eq!((c.first_time, c.first_time_exact), (None, None));
        // Disorder seen before wins over "unknown".
        let mut a = CapinfosAnalyzer::default();
        feed(&mut a, F(1, (100, 0), 0, 1, &[0; 20], 20), true);
        feed(&mut a, F(2, (50, 0), 0, 1, &[0; 20], 20), true);
        feed(&mut a, F(3, (0, 0), 0, 1, &[0; 20], 20), false);
        assert_eq!(
            a.finish(&info(vec![iface(1, 1_000_000)]), 3).time_ordered,
            Some(false)
        );
    }

    #[test]
    fn link_types_and_decode_problems() {
        let mut a = CapinfosAnalyzer::default();
        feed(&mut a, F(1, (1, 0), 0, 1, &[0; 5], 5), true); // Ethernet cut short
        feed(&mut a, F(2, (1, 0), 1, 999, &[0; 30], 30), true);
        feed(&mut a, F(3, (1, 0), 1, 999, &[0; 30], 30), true);
        let c = a.finish(&info(vec![iface(1, 1_000_000), iface(999, 1_000_000)]), 3);
        assert_eq!(c.link_types, ["ETHERNET", "LINKTYPE_999"]);
        assert_eq!(c.encapsulation.as_deref(), Some("PER_PACKET"));
        assert_eq!(c.decode_problems.link_truncated, 1);
        assert_eq!(c.decode_problems.unknown_link_type, 2);
        let unknown: Vec<_> = c
            .warnings
            .iter()
            .filter(|w| w.contains("LINKTYPE_999"))
            .collect();
        assert_eq!(
            unknown.len(),
            1,
            "one warning per link type: {:?}",
            c.warnings
        );
        assert!(unknown[0].contains("2 frames") && unknown[0].contains("frame 2"));
    }

    #[test]
    fn packet_comments_are_capped() {
        let mut a = CapinfosAnalyzer::default();
        for n in 1..=(2 * MAX_PACKET_COMMENTS as u64 + 10) {
            feed(&mut a, F(n, (1, 0), 0, 1, &[0; 20], 20), true);
        }
        let c = a.finish(&info(vec![iface(1, 1_000_000)]), 0);
        assert_eq!(c.packet_comments.len(), MAX_PACKET_COMMENTS);
        assert_eq!(c.packet_comments_dropped, 5);
    }

    #[test]
    fn empty_capture() {
        let c = CapinfosAnalyzer::default().finish(&CaptureInfo::default(), 0);
        assert_eq!(c.packets, 0);
        assert_eq!(c.time_ordered, Some(true));
        assert_eq!(
            (c.first_time, c.encapsulation, c.file_time_precision),
            (None, None, None)
        );
    }

    #[test]
    fn times_compare_like_wiresharks_nstime_cmp() {
        // 4026531840 - 1600000000 overflows 32 bits: capinfos takes it as the earliest.
        let mut a = CapinfosAnalyzer::default();
        feed(
            &mut a,
            F(1, (1_600_000_000, 5_000), 0, 1, &[0; 20], 20),
            true,
        );
        feed(
            &mut a,
            F(2, (4_026_531_840, 5_000), 0, 1, &[0; 20], 20),
            true,
        );
        feed(
            &mut a,
            F(3, (1_600_000_001, 5_000), 0, 1, &[0; 20], 20),
            true,
        );
        let c = a.finish(&info(vec![iface(1, 1_000_000)]), 3);
        assert_eq!(c.first_time_exact.as_deref(), Some("4026531840.000005"));
        assert_eq!(c.last_time_exact.as_deref(), Some("1600000001.000005"));
    }
}
