//! Capture reading: chunks of a pcap / pcapng (optionally gzip-compressed) file → [`Frame`]s.
//!
//! The [`Reader`] is push-driven: the caller feeds chunks of any size (the browser's `File`
//! slices, the CLI's file reads) and gets a callback per frame. It never holds more than one
//! record's worth of unconsumed bytes, so memory stays flat however large the file is.
//!
//! The reader follows Wireshark 4.0's wiretap rules (frame numbering, which damage is fatal,
//! the classic-pcap variant heuristics), so frame numbers and counts equal tshark's.
//! Damage never panics: frames before it are kept, the reader stops and records a warning with
//! the frame number and byte offset.

mod bytes;
pub mod fuzz;
mod gzip;
mod pcap;
mod pcapng;
mod reader;
#[cfg(test)]
mod tests;

pub use reader::{
    CaptureError, CaptureInfo, Format, InterfaceInfo, Reader, TimePrecision, MAX_WARNINGS,
};

use std::fmt;

/// A capture timestamp: seconds and nanoseconds since the Unix epoch.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp {
    pub secs: i64,
    /// Always below 1e9.
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
    /// `secs.fraction` with `digits` fractional digits (truncated), as capinfos prints times.
    pub fn to_decimal(self, digits: u32) -> String {
        format_decimal_nanos(self.as_nanos(), digits)
    }
}

/// Formats a signed nanosecond count as `secs.fraction` with `digits` (0..=9) digits, truncating.
pub fn format_decimal_nanos(nanos: i128, digits: u32) -> String {
    let digits = digits.min(9);
    let sign = if nanos < 0 { "-" } else { "" };
    let abs = nanos.unsigned_abs();
    let secs = abs / 1_000_000_000;
    let frac = abs % 1_000_000_000;
    if digits == 0 {
        return format!("{sign}{secs}");
    }
    let scaled = frac / 10u128.pow(9 - digits);
    format!("{sign}{secs}.{scaled:0width$}", width = digits as usize)
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
        match self.known_name() {
            Some(n) => n.to_string(),
            None => format!("LINKTYPE_{}", self.0),
        }
    }

    fn known_name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "NULL",
            1 => "ETHERNET",
            6 => "IEEE802_5",
            8 => "SLIP",
            9 => "PPP",
            10 => "FDDI",
            12 | 14 | 101 => "RAW",
            50 => "PPP_HDLC",
            51 => "PPP_ETHER",
            104 => "C_HDLC",
            105 => "IEEE802_11",
            107 => "FRELAY",
            108 => "LOOP",
            113 => "LINUX_SLL",
            119 => "IEEE802_11_PRISM",
            127 => "IEEE802_11_RADIOTAP",
            143 => "DOCSIS",
            147..=162 => "USER",
            187 => "BLUETOOTH_HCI_H4",
            189 => "USB_LINUX",
            192 => "PPI",
            195 => "IEEE802_15_4_WITHFCS",
            201 => "BLUETOOTH_HCI_H4_WITH_PHDR",
            220 => "USB_LINUX_MMAPPED",
            228 => "IPV4",
            229 => "IPV6",
            231 => "DBUS",
            249 => "USBPCAP",
            252 => "WIRESHARK_UPPER_PDU",
            253 => "NETLINK",
            254 => "BLUETOOTH_LINUX_MONITOR",
            263 => "NFLOG",
            266 => "USB_DARWIN",
            276 => "LINUX_SLL2",
            279 => "EBHSCR",
            _ => return None,
        })
    }

    /// Wireshark's short encapsulation name (`capinfos` "File encapsulation"), where known.
    pub fn wireshark_name(self) -> Option<&'static str> {
        Some(match self.0 {
            0 => "null",
            1 => "ether",
            9 => "ppp",
            12 | 14 | 101 => "rawip",
            105 => "ieee-802-11",
            108 => "loop",
            113 => "linux-sll",
            127 => "ieee-802-11-radiotap",
            228 => "rawip4",
            229 => "rawip6",
            276 => "linux-sll2",
            _ => return None,
        })
    }

    /// Whether the decoder understands this link type.
    pub fn is_supported(self) -> bool {
        matches!(
            self.0,
            0 | 1
                | 9
                | 12
                | 14
                | 50
                | 51
                | 101
                | 104
                | 105
                | 108
                | 113
                | 127
                | 192
                | 228
                | 229
                | 276
        )
    }

    /// The pseudo-header Wireshark 4.0's wiretap reads at the start of every packet of this
    /// link type (`pcap_process_pseudo_header`): a packet shorter than it is corruption, and
    /// reading stops there.
    pub fn pseudo_header_len(self) -> Option<u32> {
        match self.0 {
            // SunATM, MTP2, Bluetooth H4 with direction, Bluetooth monitor.
            123 | 139 | 201 | 254 => Some(4),
            // SITA, I2C.
            196 | 209 => Some(5),
            // IrDA and LAPD (Linux cooked headers), ERF (its fixed part).
            144 | 177 | 197 => Some(16),
            _ => None,
        }
    }

    /// The reason a packet of `cap_len` bytes cannot be read, when it is shorter than this link
    /// type's pseudo-header.
    pub(crate) fn pseudo_header_damage(self, cap_len: u32) -> Option<String> {
        let need = self.pseudo_header_len()?;
        (cap_len < need).then(|| {
            format!(
                "a {cap_len}-byte packet is too small for the {need}-byte pseudo-header of link \
                 type {}",
                self.name()
            )
        })
    }

    /// The largest captured length Wireshark 4.0 accepts for this link type
    /// (`wtap_max_snaplen_for_encap`); larger records are treated as corruption.
    pub fn max_captured_len(self) -> u32 {
        const STANDARD: u32 = 262_144;
        const LARGE: u32 = 128 * 1024 * 1024;
        const EBHSCR: u32 = 8 * 1024 * 1024;
        match self.0 {
            // D-Bus and the USB captures carry whole transfers.
            231 | 249 | 189 | 220 | 266 => LARGE,
            279 => EBHSCR,
            _ => STANDARD,
        }
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
    /// 1-based frame number, as Wireshark numbers them (every packet block of every section;
    /// pcapng records that are not packets, e.g. custom blocks, use up a number too).
    pub number: u64,
    /// The timestamp; `Timestamp::default()` when the record has none (see `has_ts`).
    pub ts: Timestamp,
    /// False for pcapng simple packet blocks, which carry no timestamp.
    pub has_ts: bool,
    /// Read from a pcapng file (its frames have an interface id; pcap frames have none).
    pub pcapng: bool,
    /// Interface index, counted over the whole file (Wireshark's `frame.interface_id`; 0 for pcap).
    pub interface: u32,
    pub link_type: LinkType,
    /// Length on the wire.
    pub orig_len: u32,
    /// The captured bytes (`data.len()` is the captured length).
    pub data: &'a [u8],
    /// pcapng packet comments (opt_comment), if any.
    pub comments: &'a [String],
}
