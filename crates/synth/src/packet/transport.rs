//! Transport headers: TCP (flags, options), UDP and ICMPv4/ICMPv6. Checksums are filled in by
//! [`super::Packet::write`] once the payload is in place, unless overridden.

use std::ops::{BitOr, BitOrAssign};

/// TCP flag bits (the low 9 bits of the 16-bit offset/flags word).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct TcpFlags(pub u16);

impl TcpFlags {
    pub const NONE: TcpFlags = TcpFlags(0);
    pub const FIN: TcpFlags = TcpFlags(0x001);
    pub const SYN: TcpFlags = TcpFlags(0x002);
    pub const RST: TcpFlags = TcpFlags(0x004);
    pub const PSH: TcpFlags = TcpFlags(0x008);
    pub const ACK: TcpFlags = TcpFlags(0x010);
    pub const URG: TcpFlags = TcpFlags(0x020);
    pub const ECE: TcpFlags = TcpFlags(0x040);
    pub const CWR: TcpFlags = TcpFlags(0x080);
    /// The former NS bit, now AE (accurate ECN).
    pub const AE: TcpFlags = TcpFlags(0x100);
    pub const SYN_ACK: TcpFlags = TcpFlags(0x012);
    pub const PSH_ACK: TcpFlags = TcpFlags(0x018);
    pub const FIN_ACK: TcpFlags = TcpFlags(0x011);
    pub const RST_ACK: TcpFlags = TcpFlags(0x014);

    pub fn contains(self, other: TcpFlags) -> bool {
        self.0 & other.0 == other.0
    }
    /// Sequence space the flags consume (SYN and FIN count one each).
    pub fn seq_len(self) -> u32 {
        u32::from(self.contains(TcpFlags::SYN)) + u32::from(self.contains(TcpFlags::FIN))
    }
}

impl BitOr for TcpFlags {
    type Output = TcpFlags;
    fn bitor(self, rhs: TcpFlags) -> TcpFlags {
        TcpFlags(self.0 | rhs.0)
    }
}

impl BitOrAssign for TcpFlags {
    fn bitor_assign(&mut self, rhs: TcpFlags) {
        self.0 |= rhs.0;
    }
}

/// One TCP option. The option list is zero-padded (EOL) to a multiple of 4 bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TcpOption {
    Eol,
    Nop,
    Mss(u16),
    /// The shift count (a window scale "of 64" is shift 6).
    WindowScale(u8),
    SackPermitted,
    /// (left edge, right edge) blocks.
    Sack(Vec<(u32, u32)>),
    Timestamps {
        val: u32,
        ecr: u32,
    },
    /// Written verbatim: kind, length and data (for unknown or malformed options).
    Raw(Vec<u8>),
}

impl TcpOption {
    pub fn len(&self) -> usize {
        match self {
            TcpOption::Eol | TcpOption::Nop => 1,
            TcpOption::Mss(_) => 4,
            TcpOption::WindowScale(_) => 3,
            TcpOption::SackPermitted => 2,
            TcpOption::Sack(blocks) => 2 + 8 * blocks.len(),
            TcpOption::Timestamps { .. } => 10,
            TcpOption::Raw(b) => b.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn write(&self, out: &mut Vec<u8>) {
        match self {
            TcpOption::Eol => out.push(0),
            TcpOption::Nop => out.push(1),
            TcpOption::Mss(m) => {
                out.extend_from_slice(&[2, 4]);
                out.extend_from_slice(&m.to_be_bytes());
            }
            TcpOption::WindowScale(s) => out.extend_from_slice(&[3, 3, *s]),
            TcpOption::SackPermitted => out.extend_from_slice(&[4, 2]),
            TcpOption::Sack(blocks) => {
                out.extend_from_slice(&[5, (2 + 8 * blocks.len()) as u8]);
                for (l, r) in blocks {
                    out.extend_from_slice(&l.to_be_bytes());
                    out.extend_from_slice(&r.to_be_bytes());
                }
            }
            TcpOption::Timestamps { val, ecr } => {
                out.extend_from_slice(&[8, 10]);
                out.extend_from_slice(&val.to_be_bytes());
                out.extend_from_slice(&ecr.to_be_bytes());
            }
            TcpOption::Raw(b) => out.extend_from_slice(b),
        }
    }
}

/// Options laid out as Linux does in a SYN: MSS, SACK_PERM, timestamps, NOP, window scale.
pub fn linux_syn_options(mss: u16, ts_val: u32, ts_ecr: u32, shift: u8) -> Vec<TcpOption> {
    vec![
        TcpOption::Mss(mss),
        TcpOption::SackPermitted,
        TcpOption::Timestamps {
            val: ts_val,
            ecr: ts_ecr,
        },
        TcpOption::Nop,
        TcpOption::WindowScale(shift),
    ]
}

/// Options laid out as Windows does in a SYN: MSS, NOP, WS, NOP, NOP, SACK_PERM.
pub fn windows_syn_options(mss: u16, shift: u8) -> Vec<TcpOption> {
    vec![
        TcpOption::Mss(mss),
        TcpOption::Nop,
        TcpOption::WindowScale(shift),
        TcpOption::Nop,
        TcpOption::Nop,
        TcpOption::SackPermitted,
    ]
}

/// A TCP header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tcp<'a> {
    pub src_port: u16,
    pub dst_port: u16,
    pub seq: u32,
    pub ack: u32,
    pub flags: TcpFlags,
    pub window: u16,
    pub urgent: u16,
    pub options: &'a [TcpOption],
    /// Overrides the computed checksum.
    pub checksum: Option<u16>,
    /// Overrides the data offset (in 32-bit words) derived from the options.
    pub data_offset: Option<u8>,
}

impl<'a> Tcp<'a> {
    /// No options, window 65535, ACK number 0.
    pub fn new(src_port: u16, dst_port: u16, seq: u32, flags: TcpFlags) -> Self {
        Tcp {
            src_port,
            dst_port,
            seq,
            ack: 0,
            flags,
            window: 65535,
            urgent: 0,
            options: &[],
            checksum: None,
            data_offset: None,
        }
    }

    pub fn options_len(&self) -> usize {
        (self.options.iter().map(TcpOption::len).sum::<usize>() + 3) & !3
    }

    pub fn header_len(&self) -> usize {
        20 + self.options_len()
    }

    /// Appends the header with a zero checksum.
    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        let start = out.len();
        let hlen = self.header_len();
        let offset = self.data_offset.unwrap_or((hlen / 4) as u8);
        out.extend_from_slice(&self.src_port.to_be_bytes());
        out.extend_from_slice(&self.dst_port.to_be_bytes());
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&self.ack.to_be_bytes());
        let word = (u16::from(offset) << 12) | (self.flags.0 & 0x01ff);
        out.extend_from_slice(&word.to_be_bytes());
        out.extend_from_slice(&self.window.to_be_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&self.urgent.to_be_bytes());
        for o in self.options {
            o.write(out);
        }
        out.resize(start + hlen, 0);
    }
}

/// A UDP header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Udp {
    pub src_port: u16,
    pub dst_port: u16,
    /// Overrides the computed length.
    pub length: Option<u16>,
    /// Overrides the computed checksum (`Some(0)` = no checksum over IPv4).
    pub checksum: Option<u16>,
}

impl Udp {
    pub fn new(src_port: u16, dst_port: u16) -> Self {
        Udp {
            src_port,
            dst_port,
            length: None,
            checksum: None,
        }
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>, payload_len: usize) {
        out.extend_from_slice(&self.src_port.to_be_bytes());
        out.extend_from_slice(&self.dst_port.to_be_bytes());
        let len = self.length.unwrap_or((8 + payload_len) as u16);
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(&[0, 0]);
    }
}

/// An ICMPv4 or ICMPv6 header: type, code and the 4 type-specific bytes. Whatever follows
/// (echo data, a quoted packet) is the packet payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Icmp {
    pub icmp_type: u8,
    pub code: u8,
    pub rest: [u8; 4],
    /// Overrides the computed checksum.
    pub checksum: Option<u16>,
}

/// ICMPv4 type numbers.
pub mod icmpv4_type {
    pub const ECHO_REPLY: u8 = 0;
    pub const DEST_UNREACHABLE: u8 = 3;
    pub const REDIRECT: u8 = 5;
    pub const ECHO_REQUEST: u8 = 8;
    pub const TIME_EXCEEDED: u8 = 11;
}

/// ICMPv6 type numbers.
pub mod icmpv6_type {
    pub const DEST_UNREACHABLE: u8 = 1;
    pub const PACKET_TOO_BIG: u8 = 2;
    pub const TIME_EXCEEDED: u8 = 3;
    pub const ECHO_REQUEST: u8 = 128;
    pub const ECHO_REPLY: u8 = 129;
    pub const ROUTER_SOLICITATION: u8 = 133;
    pub const NEIGHBOR_SOLICITATION: u8 = 135;
    pub const NEIGHBOR_ADVERTISEMENT: u8 = 136;
}

impl Icmp {
    pub fn new(icmp_type: u8, code: u8, rest: [u8; 4]) -> Self {
        Icmp {
            icmp_type,
            code,
            rest,
            checksum: None,
        }
    }
    fn echo(icmp_type: u8, id: u16, seq: u16) -> Self {
        let [a, b] = id.to_be_bytes();
        let [c, d] = seq.to_be_bytes();
        Icmp::new(icmp_type, 0, [a, b, c, d])
    }
    pub fn echo_request(id: u16, seq: u16) -> Self {
        Self::echo(icmpv4_type::ECHO_REQUEST, id, seq)
    }
    pub fn echo_reply(id: u16, seq: u16) -> Self {
        Self::echo(icmpv4_type::ECHO_REPLY, id, seq)
    }
    /// Destination unreachable (code 3 = port unreachable); the payload is the quoted packet.
    pub fn dest_unreachable(code: u8) -> Self {
        Icmp::new(icmpv4_type::DEST_UNREACHABLE, code, [0; 4])
    }
    /// Fragmentation needed (type 3 code 4) with the next-hop MTU.
    pub fn frag_needed(mtu: u16) -> Self {
        let [a, b] = mtu.to_be_bytes();
        Icmp::new(icmpv4_type::DEST_UNREACHABLE, 4, [0, 0, a, b])
    }
    pub fn time_exceeded(code: u8) -> Self {
        Icmp::new(icmpv4_type::TIME_EXCEEDED, code, [0; 4])
    }
    pub fn v6_echo_request(id: u16, seq: u16) -> Self {
        Self::echo(icmpv6_type::ECHO_REQUEST, id, seq)
    }
    pub fn v6_echo_reply(id: u16, seq: u16) -> Self {
        Self::echo(icmpv6_type::ECHO_REPLY, id, seq)
    }
    /// ICMPv6 destination unreachable (code 4 = port unreachable).
    pub fn v6_dest_unreachable(code: u8) -> Self {
        Icmp::new(icmpv6_type::DEST_UNREACHABLE, code, [0; 4])
    }
    pub fn v6_packet_too_big(mtu: u32) -> Self {
        Icmp::new(icmpv6_type::PACKET_TOO_BIG, 0, mtu.to_be_bytes())
    }
    pub fn v6_time_exceeded(code: u8) -> Self {
        Icmp::new(icmpv6_type::TIME_EXCEEDED, code, [0; 4])
    }
    /// Neighbor solicitation; the payload must hold the 16-byte target (plus options).
    pub fn v6_neighbor_solicitation() -> Self {
        Icmp::new(icmpv6_type::NEIGHBOR_SOLICITATION, 0, [0; 4])
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.push(self.icmp_type);
        out.push(self.code);
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&self.rest);
    }
}
