//! capinfos: file-level counts and times, equal to Wireshark's `capinfos`.
//!
//! Times follow capinfos: first/last are the earliest/latest timestamps (not the first/last
//! records), printed with the precision of the packet they come from; "strict time order" means
//! no packet is earlier than the one before it. A packet without a timestamp (pcapng simple
//! packet block) makes capinfos drop the times and report the order as unknown; so do we.

use crate::capture::{
    format_decimal_nanos, CaptureInfo, Frame, LinkType, TimePrecision, Timestamp,
};
use crate::decode::{Packet, Problem};
use crate::report::capinfos::{Capinfos, DecodeProblems, Interface, PacketComment};

/// Packet comments kept in the report; more are counted in `packet_comments_dropped`.
pub const MAX_PACKET_COMMENTS: usize = 1000;
/// Distinct link types tracked.
pub const MAX_LINK_TYPES: usize = 64;
/// Interfaces whose packets are counted one by one.
pub const MAX_COUNTED_INTERFACES: usize = 4096;

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
            if self.prev.is_some_and(|p| ts < p) {
                self.out_of_order = true;
            }
            self.prev = Some(ts);
            let stamp = Stamp {
                ts,
                interface: frame.interface,
            };
            if self.min.is_none_or(|m| ts < m.ts) {
                self.min = Some(stamp);
            }
            if self.max.is_none_or(|m| ts > m.ts) {
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
        match packet.problem {
            None => {}
            Some(Problem::UnknownLinkType(_)) => self.problems.unknown_link_type += 1,
            Some(Problem::LinkTruncated) => self.problems.link_truncated += 1,
            Some(Problem::BadIp) => self.problems.bad_ip += 1,
            Some(Problem::BadTransport) => self.problems.bad_transport += 1,
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
            truncated: info.truncated,
            warnings,
        }
    }
}
