//! TCP segment view and option parsing.

mod field {
    use std::ops::Range;
    pub const SRC_PORT: Range<usize> = 0..2;
    pub const DST_PORT: Range<usize> = 2..4;
    pub const SEQ_NUM: Range<usize> = 4..8;
    pub const ACK_NUM: Range<usize> = 8..12;
    /// Byte 12 high nibble is the data offset, low bit is NS; byte 13 holds the classic flags.
    pub const FLAGS_HI: usize = 12;
    pub const FLAGS_LO: usize = 13;
    pub const WINDOW: Range<usize> = 14..16;
    /// The fixed header.
    pub const MIN_HEADER: usize = 20;
}

/// Wireshark's sequence-analysis vocabulary (`tcp.analysis.*`), by bit position of the TCP
/// engine's flags (`analyze::tcp::flags`): the one table of these names. The packet engine's
/// field table, the Report's issue kinds and the Info column all read it.
pub mod analysis {
    /// Number of analysis flags.
    pub const COUNT: usize = 15;

    /// The field names (`tcp.analysis.retransmission`, ...).
    pub const FIELD_NAMES: [&str; COUNT] = [
        "tcp.analysis.retransmission",
        "tcp.analysis.lost_segment",
        "tcp.analysis.ack_lost_segment",
        "tcp.analysis.keep_alive",
        "tcp.analysis.duplicate_ack",
        "tcp.analysis.zero_window",
        "tcp.analysis.zero_window_probe",
        "tcp.analysis.zero_window_probe_ack",
        "tcp.analysis.keep_alive_ack",
        "tcp.analysis.out_of_order",
        "tcp.analysis.fast_retransmission",
        "tcp.analysis.window_update",
        "tcp.analysis.window_full",
        "tcp.analysis.reused_ports",
        "tcp.analysis.spurious_retransmission",
    ];

    const PREFIX: usize = "tcp.analysis.".len();

    const fn short(name: &'static str) -> &'static str {
        name.split_at(PREFIX).1
    }

    /// The names without `tcp.analysis.` (the Report's issue kinds).
    pub const NAMES: [&str; COUNT] = {
        let mut out = [""; COUNT];
        let mut i = 0;
        while i < COUNT {
            out[i] = short(FIELD_NAMES[i]);
            i += 1;
        }
        out
    };

    /// The tree's labels (Wireshark's `hf_` blurbs).
    pub const LABELS: [&str; COUNT] = [
        "This frame is a (suspected) retransmission",
        "Previous segment(s) not captured (common at capture start)",
        "ACKed segment that wasn't captured (common at capture start)",
        "This is a TCP keep-alive segment",
        "Duplicate ACK",
        "TCP Zero Window segment",
        "TCP Zero Window Probe",
        "ACK to a TCP Zero Window Probe",
        "ACK to a TCP keep-alive segment",
        "This frame is a (suspected) out-of-order segment",
        "This frame is a (suspected) fast retransmission",
        "TCP window update",
        "TCP window specified by the receiver is now completely full",
        "A new tcp session is started with the same ports as an earlier session in this trace",
        "This frame is a (suspected) spurious retransmission",
    ];

    /// The Info column's texts (duplicate ACKs get their numbers added).
    pub const INFO: [&str; COUNT] = [
        "[TCP Retransmission]",
        "[TCP Previous segment not captured]",
        "[TCP ACKed unseen segment]",
        "[TCP Keep-Alive]",
        "[TCP Dup ACK]",
        "[TCP ZeroWindow]",
        "[TCP ZeroWindowProbe]",
        "[TCP ZeroWindowProbeAck]",
        "[TCP Keep-Alive ACK]",
        "[TCP Out-Of-Order]",
        "[TCP Fast Retransmission]",
        "[TCP Window Update]",
        "[TCP Window Full]",
        "[TCP Port numbers reused]",
        "[TCP Spurious Retransmission]",
    ];
}

/// TCP flags, as the 9 low bits of bytes 12..14.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flags(pub u16);

impl Flags {
    pub const FIN: u16 = 0x001;
    pub const SYN: u16 = 0x002;
    pub const RST: u16 = 0x004;
    pub const PSH: u16 = 0x008;
    pub const ACK: u16 = 0x010;
    pub const URG: u16 = 0x020;
    pub const ECE: u16 = 0x040;
    pub const CWR: u16 = 0x080;
    pub const NS: u16 = 0x100;

    pub(crate) fn from_header(header: &[u8]) -> Flags {
        let hi = header.get(field::FLAGS_HI).copied().unwrap_or(0);
        let lo = header.get(field::FLAGS_LO).copied().unwrap_or(0);
        Flags((u16::from(hi & 1) << 8) | u16::from(lo))
    }
    pub fn fin(self) -> bool {
        self.0 & Self::FIN != 0
    }
    pub fn syn(self) -> bool {
        self.0 & Self::SYN != 0
    }
    pub fn rst(self) -> bool {
        self.0 & Self::RST != 0
    }
    pub fn psh(self) -> bool {
        self.0 & Self::PSH != 0
    }
    pub fn ack(self) -> bool {
        self.0 & Self::ACK != 0
    }
}

/// A decoded TCP segment.
#[derive(Debug, Clone)]
pub struct Segment<'a> {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: Flags,
    /// The raw, unscaled window field.
    pub window: u16,
    pub header_len: u8,
    /// Raw option bytes (between the fixed header and the payload).
    pub options: &'a [u8],
    /// Payload length from the IP length (Wireshark's `tcp.len`), even when the capture cut it.
    pub seglen: u32,
    /// The captured payload bytes (may be shorter than `seglen`).
    pub payload: &'a [u8],
}

impl<'a> Segment<'a> {
    /// Reads a TCP header the strict slicer refused (a data offset below 20 bytes, or options
    /// cut short by the snaplen), the way Wireshark still does: ports, numbers, flags and window
    /// from the first 16 bytes, `seglen` = `ip_payload_len` − header length. `None` when fewer
    /// than 16 bytes were captured.
    pub fn parse_lax(bytes: &'a [u8], ip_payload_len: u32) -> Option<Segment<'a>> {
        let be16 = |r: std::ops::Range<usize>| -> Option<u16> {
            let b = bytes.get(r)?;
            Some(u16::from_be_bytes([b[0], b[1]]))
        };
        let be32 = |r: std::ops::Range<usize>| -> Option<u32> {
            let b = bytes.get(r)?;
            Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
        };
        let window = be16(field::WINDOW)?;
        let header_len = (bytes.get(field::FLAGS_HI)? >> 4) * 4;
        let options_end = usize::from(header_len).min(bytes.len());
        Some(Segment {
            src_port: be16(field::SRC_PORT)?,
            dst_port: be16(field::DST_PORT)?,
            seq: be32(field::SEQ_NUM)?,
            ack: be32(field::ACK_NUM)?,
            flags: Flags::from_header(bytes),
            window,
            header_len,
            options: bytes.get(field::MIN_HEADER..options_end).unwrap_or(&[]),
            seglen: ip_payload_len.saturating_sub(u32::from(header_len)),
            payload: bytes.get(usize::from(header_len)..).unwrap_or(&[]),
        })
    }
}

/// One TCP option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpOption<'a> {
    Mss(u16),
    WindowScale(u8),
    SackPermitted,
    /// SACK blocks as raw bytes, 8 per block (left, right edge, big-endian).
    Sack(&'a [u8]),
    Timestamps {
        value: u32,
        echo: u32,
    },
    Other {
        kind: u8,
        data: &'a [u8],
    },
}

/// Iterates TCP options; stops quietly at End-of-list or at a malformed option.
pub struct Options<'a> {
    rest: &'a [u8],
}

impl<'a> Options<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Options { rest: bytes }
    }
}

impl<'a> Iterator for Options<'a> {
    type Item = TcpOption<'a>;
    fn next(&mut self) -> Option<TcpOption<'a>> {
        loop {
            let kind = *self.rest.first()?;
            match kind {
                0 => {
                    self.rest = &[];
                    return None;
                }
                1 => {
                    self.rest = &self.rest[1..];
                    continue;
                }
                _ => {}
            }
            let len = usize::from(*self.rest.get(1)?);
            if len < 2 || len > self.rest.len() {
                self.rest = &[];
                return None;
            }
            let data = &self.rest[2..len];
            self.rest = &self.rest[len..];
            return Some(match (kind, data.len()) {
                (2, 2) => TcpOption::Mss(u16::from_be_bytes([data[0], data[1]])),
                (3, 1) => TcpOption::WindowScale(data[0]),
                (4, 0) => TcpOption::SackPermitted,
                (5, n) if n % 8 == 0 => TcpOption::Sack(data),
                (8, 8) => TcpOption::Timestamps {
                    value: u32::from_be_bytes([data[0], data[1], data[2], data[3]]),
                    echo: u32::from_be_bytes([data[4], data[5], data[6], data[7]]),
                },
                _ => TcpOption::Other { kind, data },
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static SYN_OPTIONS: [u8; 20] = [
        2, 4, 5, 0xb4, 4, 2, 8, 10, 0, 0, 0, 1, 0, 0, 0, 0, 1, 3, 3, 6,
    ];

    #[test]
    fn test_options_deconstruct() {
        let opts: Vec<_> = Options::new(&SYN_OPTIONS).collect();
        assert_eq!(
            opts,
            vec![
                TcpOption::Mss(1460),
                TcpOption::SackPermitted,
                TcpOption::Timestamps { value: 1, echo: 0 },
                TcpOption::WindowScale(6),
            ]
        );
    }

    #[test]
    fn test_parse_lax_bogus_header_length() {
        // Data offset 0 (bogus), ACK|ECE, 20 bytes of TCP in a 20-byte IP payload.
        let mut h = [0u8; 20];
        h[0..2].copy_from_slice(&12809u16.to_be_bytes());
        h[2..4].copy_from_slice(&55296u16.to_be_bytes());
        h[4..8].copy_from_slice(&7u32.to_be_bytes());
        h[13] = 0x50;
        h[14..16].copy_from_slice(&4347u16.to_be_bytes());
        let s = Segment::parse_lax(&h, 20).unwrap();
        assert_eq!(
            (s.src_port, s.dst_port, s.seq, s.window),
            (12809, 55296, 7, 4347)
        );
        assert_eq!((s.header_len, s.seglen), (0, 20));
        assert!(s.flags.ack());
        assert!(Segment::parse_lax(&h[..15], 20).is_none());
    }

    #[test]
    fn test_options_truncated() {
        let opts: Vec<_> = Options::new(&SYN_OPTIONS[..3]).collect();
        assert!(opts.is_empty());
        let opts: Vec<_> = Options::new(&[2, 0, 5]).collect();
        assert!(opts.is_empty());
    }
}
