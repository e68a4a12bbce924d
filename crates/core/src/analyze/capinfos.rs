//! capinfos: file-level counts and times, equal to Wireshark's `capinfos`.

use crate::capture::{CaptureInfo, Frame, LinkType, Timestamp};
use crate::report::capinfos::{Capinfos, Interface};

#[derive(Debug, Default)]
pub struct CapinfosAnalyzer {
    packets: u64,
    data_bytes: u64,
    wire_bytes: u64,
    first: Option<Timestamp>,
    last: Option<Timestamp>,
    /// Earliest and latest timestamps (capinfos reports min/max, not first/last record).
    min: Option<Timestamp>,
    max: Option<Timestamp>,
    link_types: Vec<LinkType>,
}

impl CapinfosAnalyzer {
    pub fn on_frame(&mut self, frame: &Frame<'_>) {
        self.packets += 1;
        self.data_bytes += frame.data.len() as u64;
        self.wire_bytes += u64::from(frame.orig_len);
        if self.first.is_none() {
            self.first = Some(frame.ts);
        }
        self.last = Some(frame.ts);
        self.min = Some(self.min.map_or(frame.ts, |m| m.min(frame.ts)));
        self.max = Some(self.max.map_or(frame.ts, |m| m.max(frame.ts)));
        if !self.link_types.contains(&frame.link_type) {
            self.link_types.push(frame.link_type);
        }
    }

    pub fn finish(self, info: &CaptureInfo) -> Capinfos {
        let precision = |ticks: u64| if ticks >= 1_000_000_000 { "ns" } else { "us" }.to_string();
        Capinfos {
            format: info.format.map(|f| f.name().to_string()),
            compressed: info.compressed,
            packets: self.packets,
            data_bytes: self.data_bytes,
            wire_bytes: self.wire_bytes,
            first_time: self.min.map(Timestamp::as_f64),
            last_time: self.max.map(Timestamp::as_f64),
            duration_s: match (self.min, self.max) {
                (Some(a), Some(b)) => Some(b.seconds_since(a)),
                _ => None,
            },
            link_types: self.link_types.iter().map(|l| l.name()).collect(),
            time_precision: info
                .interfaces
                .first()
                .map(|i| precision(i.ticks_per_second)),
            interfaces: info
                .interfaces
                .iter()
                .map(|i| Interface {
                    name: i.name.clone(),
                    description: i.description.clone(),
                    link_type: i.link_type.name(),
                    snaplen: i.snaplen,
                    time_precision: precision(i.ticks_per_second),
                })
                .collect(),
            comments: info.comments.clone(),
            truncated: info.truncated,
            warnings: info.warnings.clone(),
        }
    }
}
