//! Capture reading: chunks of a pcap / pcapng (optionally gzip-compressed) file → [`Frame`]s.
//!
//! The [`Reader`] is push-driven: the caller feeds chunks of any size (the browser's `File`
//! slices, the CLI's file reads) and gets a callback per frame. It never holds more than one
//! record's worth of unconsumed bytes, so memory stays flat however large the file is.
//!
//! Damage never panics: frames before it are kept, the reader stops (or resynchronises where the
//! format allows) and records a warning with the frame number and byte offset.

mod reader;

pub use reader::{CaptureError, CaptureInfo, Format, InterfaceInfo, Reader};

use std::fmt;

/// A capture timestamp: seconds and nanoseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub secs: i64,
    pub nanos: u32,
}

impl Timestamp {
    pub fn new(secs: i64, nanos: u32) -> Self {
        Timestamp { secs, nanos }
    }
    /// Epoch seconds as a float (the Report's time unit).
    pub fn as_f64(self) -> f64 {
        self.secs as f64 + f64::from(self.nanos) / 1e9
    }
    /// Signed difference `self - earlier` in seconds.
    pub fn seconds_since(self, earlier: Timestamp) -> f64 {
        (self.secs - earlier.secs) as f64 + (f64::from(self.nanos) - f64::from(earlier.nanos)) / 1e9
    }
    /// Total nanoseconds since the epoch (saturating), for cheap arithmetic in hot paths.
    pub fn as_nanos(self) -> i128 {
        i128::from(self.secs) * 1_000_000_000 + i128::from(self.nanos)
    }
}

/// A link-layer header type (LINKTYPE_* number).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LinkType(pub u32);

impl LinkType {
    pub const NULL: LinkType = LinkType(0);
    pub const ETHERNET: LinkType = LinkType(1);
    pub const RAW_OLD_12: LinkType = LinkType(12);
    pub const RAW_OLD_14: LinkType = LinkType(14);
    pub const RAW: LinkType = LinkType(101);
    pub const LOOP: LinkType = LinkType(108);
    pub const LINUX_SLL: LinkType = LinkType(113);
    pub const IPV4: LinkType = LinkType(228);
    pub const IPV6: LinkType = LinkType(229);
    pub const LINUX_SLL2: LinkType = LinkType(276);

    /// The LINKTYPE_ name without its prefix, e.g. "ETHERNET", "LINUX_SLL2".
    pub fn name(self) -> String {
        match self.0 {
            0 => "NULL".into(),
            1 => "ETHERNET".into(),
            12 | 14 | 101 => "RAW".into(),
            105 => "IEEE802_11".into(),
            108 => "LOOP".into(),
            113 => "LINUX_SLL".into(),
            127 => "IEEE802_11_RADIOTAP".into(),
            228 => "IPV4".into(),
            229 => "IPV6".into(),
            276 => "LINUX_SLL2".into(),
            n => format!("LINKTYPE_{n}"),
        }
    }

    /// Whether the decoder understands this link type.
    pub fn is_supported(self) -> bool {
        matches!(self.0, 0 | 1 | 12 | 14 | 101 | 108 | 113 | 228 | 229 | 276)
    }
}

impl fmt::Debug for LinkType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "LinkType({}={})", self.0, self.name())
    }
}

/// One captured frame, borrowed from the reader's buffer for the duration of the callback.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// 1-based frame number, as Wireshark numbers them (every packet block of every section).
    pub number: u64,
    pub ts: Timestamp,
    /// pcapng interface id (0 for pcap).
    pub interface: u32,
    pub link_type: LinkType,
    /// Length on the wire.
    pub orig_len: u32,
    /// The captured bytes (`data.len()` is the captured length).
    pub data: &'a [u8],
    /// pcapng packet comments (opt_comment), if any.
    pub comments: &'a [String],
}
