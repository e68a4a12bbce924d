//! pcapng writer: section headers in either byte order, interface descriptions with every
//! option a reader must honour (if_tsresol in both forms, if_tsoffset), enhanced, simple and
//! obsolete packet blocks, and raw blocks for anything else (name resolution, statistics,
//! unknown block types).
//!
//! Integer option values are written in the byte order of the current section, as the format
//! requires. The writer validates nothing a test might want to get wrong on purpose: interface
//! ids, lengths and timestamps are written as given.

use std::io::{self, Write};

use crate::pcap::Endian;

/// Block type codes.
pub mod block_type {
    pub const SECTION_HEADER: u32 = 0x0A0D_0D0A;
    pub const INTERFACE_DESCRIPTION: u32 = 1;
    pub const PACKET: u32 = 2;
    pub const SIMPLE_PACKET: u32 = 3;
    pub const NAME_RESOLUTION: u32 = 4;
    pub const INTERFACE_STATISTICS: u32 = 5;
    pub const ENHANCED_PACKET: u32 = 6;
    pub const DECRYPTION_SECRETS: u32 = 0x0A;
    pub const CUSTOM: u32 = 0x0BAD;
}

/// Option codes used by the typed fields below (others go through `extra_options`).
pub mod option_code {
    pub const END_OF_OPT: u16 = 0;
    pub const COMMENT: u16 = 1;
    pub const SHB_HARDWARE: u16 = 2;
    pub const SHB_OS: u16 = 3;
    pub const SHB_USERAPPL: u16 = 4;
    pub const IF_NAME: u16 = 2;
    pub const IF_DESCRIPTION: u16 = 3;
    pub const IF_TSRESOL: u16 = 9;
    pub const IF_FILTER: u16 = 11;
    pub const IF_OS: u16 = 12;
    pub const IF_TSOFFSET: u16 = 14;
    pub const EPB_FLAGS: u16 = 2;
    pub const EPB_DROPCOUNT: u16 = 4;
}

/// An option value; integers are written in the section's byte order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionValue {
    Bytes(Vec<u8>),
    U8(u8),
    U32(u32),
    U64(u64),
}

/// One block option (code, value). Padding and the end-of-options marker are added on writing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockOption {
    pub code: u16,
    pub value: OptionValue,
}

impl BlockOption {
    pub fn new(code: u16, value: OptionValue) -> Self {
        BlockOption { code, value }
    }
    /// A UTF-8 string option (opt_comment, if_name, shb_os…).
    pub fn text(code: u16, text: &str) -> Self {
        BlockOption {
            code,
            value: OptionValue::Bytes(text.as_bytes().to_vec()),
        }
    }
}

/// Timestamp resolution of an interface (if_tsresol).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TsResol {
    /// Units of 10^-n seconds (option byte n). The default, when absent, is `Pow10(6)`.
    Pow10(u8),
    /// Units of 2^-n seconds (option byte 0x80 | n).
    Pow2(u8),
}

impl Default for TsResol {
    fn default() -> Self {
        TsResol::Pow10(6)
    }
}

impl TsResol {
    /// The if_tsresol option byte.
    pub fn to_byte(self) -> u8 {
        match self {
            TsResol::Pow10(n) => n & 0x7f,
            TsResol::Pow2(n) => 0x80 | (n & 0x7f),
        }
    }

    /// Units per second (saturating for absurd exponents).
    pub fn units_per_second(self) -> u128 {
        match self {
            TsResol::Pow10(n) => 10u128.checked_pow(u32::from(n)).unwrap_or(u128::MAX),
            TsResol::Pow2(n) => 1u128.checked_shl(u32::from(n)).unwrap_or(u128::MAX),
        }
    }

    /// Converts (seconds, nanoseconds) to this resolution's units, rounding down (the raw
    /// 64-bit timestamp an EPB stores, before any if_tsoffset is subtracted).
    pub fn units(self, secs: u64, nanos: u32) -> u64 {
        let per = self.units_per_second();
        let whole = u128::from(secs).saturating_mul(per);
        let frac = u128::from(nanos).saturating_mul(per) / 1_000_000_000;
        whole.saturating_add(frac) as u64
    }
}

/// A section header block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SectionHeader {
    pub endian: Endian,
    pub major: u16,
    pub minor: u16,
    /// -1 (unknown), as most writers leave it.
    pub section_length: i64,
    pub comment: Option<String>,
    pub hardware: Option<String>,
    pub os: Option<String>,
    pub userappl: Option<String>,
    pub extra_options: Vec<BlockOption>,
}

impl Default for SectionHeader {
    fn default() -> Self {
        SectionHeader {
            endian: Endian::Little,
            major: 1,
            minor: 0,
            section_length: -1,
            comment: None,
            hardware: None,
            os: None,
            userappl: None,
            extra_options: Vec::new(),
        }
    }
}

/// An interface description block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterfaceDescription {
    pub link_type: u16,
    pub snaplen: u32,
    pub name: Option<String>,
    pub description: Option<String>,
    /// Written only when `Some`; readers then default to microseconds.
    pub tsresol: Option<TsResol>,
    /// if_tsoffset in seconds, added by readers to every timestamp of this interface.
    pub tsoffset: Option<i64>,
    pub comment: Option<String>,
    pub extra_options: Vec<BlockOption>,
}

impl InterfaceDescription {
    /// An interface with `link_type`, snaplen 262144 and no options.
    pub fn new(link_type: u16) -> Self {
        InterfaceDescription {
            link_type,
            snaplen: 262_144,
            name: None,
            description: None,
            tsresol: None,
            tsoffset: None,
            comment: None,
            extra_options: Vec::new(),
        }
    }
}

/// An enhanced packet block. `timestamp` is raw, in the interface's units (see
/// [`PcapngWriter::packet`] for the convenient form).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnhancedPacket<'a> {
    pub interface_id: u32,
    pub timestamp: u64,
    pub data: &'a [u8],
    pub orig_len: u32,
    pub comment: Option<String>,
    /// epb_flags (direction, reception type, FCS length, link-layer errors).
    pub flags: Option<u32>,
    pub extra_options: Vec<BlockOption>,
}

impl<'a> EnhancedPacket<'a> {
    pub fn new(interface_id: u32, timestamp: u64, data: &'a [u8]) -> Self {
        EnhancedPacket {
            interface_id,
            timestamp,
            data,
            orig_len: data.len() as u32,
            comment: None,
            flags: None,
            extra_options: Vec::new(),
        }
    }
}

/// What the writer remembers per interface of the current section, to convert timestamps.
#[derive(Debug, Clone, Copy)]
struct InterfaceClock {
    tsresol: TsResol,
    tsoffset: i64,
}

/// Writes a pcapng stream to any `Write`.
pub struct PcapngWriter<W: Write> {
    out: W,
    endian: Endian,
    interfaces: Vec<InterfaceClock>,
    /// Reused block buffer: a block's total length must be known before its first byte.
    block: Vec<u8>,
}

impl<W: Write> PcapngWriter<W> {
    /// Writes the first section header.
    pub fn new(out: W, section: &SectionHeader) -> io::Result<Self> {
        let mut w = PcapngWriter {
            out,
            endian: section.endian,
            interfaces: Vec::new(),
            block: Vec::with_capacity(2048),
        };
        w.section(section)?;
        Ok(w)
    }

    /// A little-endian section with no options.
    pub fn with_defaults(out: W) -> io::Result<Self> {
        Self::new(out, &SectionHeader::default())
    }

    /// Starts a new section (possibly in the other byte order). Interface ids restart at 0.
    pub fn section(&mut self, s: &SectionHeader) -> io::Result<()> {
        self.endian = s.endian;
        self.interfaces.clear();
        let e = self.endian;
        let mut body = Vec::new();
        body.extend_from_slice(&e.u32(0x1A2B_3C4D));
        body.extend_from_slice(&e.u16(s.major));
        body.extend_from_slice(&e.u16(s.minor));
        body.extend_from_slice(&e.u64(s.section_length as u64));
        let mut opts = Vec::new();
        push_text(&mut opts, option_code::COMMENT, &s.comment);
        push_text(&mut opts, option_code::SHB_HARDWARE, &s.hardware);
        push_text(&mut opts, option_code::SHB_OS, &s.os);
        push_text(&mut opts, option_code::SHB_USERAPPL, &s.userappl);
        opts.extend(s.extra_options.iter().cloned());
        write_options(&mut body, e, &opts);
        self.raw_block(block_type::SECTION_HEADER, &body)
    }

    /// Writes an interface description and returns its id within the section.
    pub fn interface(&mut self, idb: &InterfaceDescription) -> io::Result<u32> {
        let e = self.endian;
        let mut body = Vec::new();
        body.extend_from_slice(&e.u16(idb.link_type));
        body.extend_from_slice(&[0, 0]);
        body.extend_from_slice(&e.u32(idb.snaplen));
        let mut opts = Vec::new();
        push_text(&mut opts, option_code::COMMENT, &idb.comment);
        push_text(&mut opts, option_code::IF_NAME, &idb.name);
        push_text(&mut opts, option_code::IF_DESCRIPTION, &idb.description);
        if let Some(r) = idb.tsresol {
            opts.push(BlockOption::new(
                option_code::IF_TSRESOL,
                OptionValue::U8(r.to_byte()),
            ));
        }
        if let Some(off) = idb.tsoffset {
            opts.push(BlockOption::new(
                option_code::IF_TSOFFSET,
                OptionValue::U64(off as u64),
            ));
        }
        opts.extend(idb.extra_options.iter().cloned());
        write_options(&mut body, e, &opts);
        self.raw_block(block_type::INTERFACE_DESCRIPTION, &body)?;
        self.interfaces.push(InterfaceClock {
            tsresol: idb.tsresol.unwrap_or_default(),
            tsoffset: idb.tsoffset.unwrap_or(0),
        });
        Ok(self.interfaces.len() as u32 - 1)
    }

    /// Converts an absolute (seconds, nanoseconds) time to the raw EPB timestamp of an
    /// interface, honouring its if_tsresol and if_tsoffset. Unknown ids use microseconds.
    pub fn timestamp_units(&self, interface_id: u32, ts: (u64, u32)) -> u64 {
        let clock = self
            .interfaces
            .get(interface_id as usize)
            .copied()
            .unwrap_or(InterfaceClock {
                tsresol: TsResol::default(),
                tsoffset: 0,
            });
        let secs = (ts.0 as i64).saturating_sub(clock.tsoffset).max(0) as u64;
        clock.tsresol.units(secs, ts.1)
    }

    /// Writes an enhanced packet block.
    pub fn enhanced_packet(&mut self, p: &EnhancedPacket<'_>) -> io::Result<()> {
        let e = self.endian;
        let mut opts = Vec::new();
        push_text(&mut opts, option_code::COMMENT, &p.comment);
        if let Some(f) = p.flags {
            opts.push(BlockOption::new(
                option_code::EPB_FLAGS,
                OptionValue::U32(f),
            ));
        }
        opts.extend(p.extra_options.iter().cloned());
        let mut body = std::mem::take(&mut self.block);
        body.clear();
        body.extend_from_slice(&e.u32(p.interface_id));
        body.extend_from_slice(&e.u32((p.timestamp >> 32) as u32));
        body.extend_from_slice(&e.u32(p.timestamp as u32));
        body.extend_from_slice(&e.u32(p.data.len() as u32));
        body.extend_from_slice(&e.u32(p.orig_len));
        body.extend_from_slice(p.data);
        pad4(&mut body);
        write_options(&mut body, e, &opts);
        let r = self.raw_block(block_type::ENHANCED_PACKET, &body);
        self.block = body;
        r
    }

    /// Convenience EPB: absolute time converted with the interface's resolution and offset,
    /// captured whole, no options.
    pub fn packet(&mut self, interface_id: u32, ts: (u64, u32), data: &[u8]) -> io::Result<()> {
        let timestamp = self.timestamp_units(interface_id, ts);
        self.enhanced_packet(&EnhancedPacket::new(interface_id, timestamp, data))
    }

    /// Writes a simple packet block (implicitly interface 0, no timestamp).
    pub fn simple_packet(&mut self, data: &[u8], orig_len: u32) -> io::Result<()> {
        let mut body = Vec::with_capacity(data.len() + 8);
        body.extend_from_slice(&self.endian.u32(orig_len));
        body.extend_from_slice(data);
        pad4(&mut body);
        self.raw_block(block_type::SIMPLE_PACKET, &body)
    }

    /// Writes an obsolete packet block (type 2): 16-bit interface id and drops count, raw
    /// timestamp in the interface's units, optional options (pack_flags = 2, comment = 1).
    pub fn obsolete_packet(
        &mut self,
        interface_id: u16,
        drops_count: u16,
        timestamp: u64,
        data: &[u8],
        orig_len: u32,
        options: &[BlockOption],
    ) -> io::Result<()> {
        let e = self.endian;
        let mut body = Vec::with_capacity(data.len() + 32);
        body.extend_from_slice(&e.u16(interface_id));
        body.extend_from_slice(&e.u16(drops_count));
        body.extend_from_slice(&e.u32((timestamp >> 32) as u32));
        body.extend_from_slice(&e.u32(timestamp as u32));
        body.extend_from_slice(&e.u32(data.len() as u32));
        body.extend_from_slice(&e.u32(orig_len));
        body.extend_from_slice(data);
        pad4(&mut body);
        write_options(&mut body, e, options);
        self.raw_block(block_type::PACKET, &body)
    }

    /// Writes an interface statistics block with the given options (isb_ifrecv = 4,
    /// isb_ifdrop = 5…, values as [`OptionValue::U64`]).
    pub fn interface_statistics(
        &mut self,
        interface_id: u32,
        timestamp: u64,
        options: &[BlockOption],
    ) -> io::Result<()> {
        let e = self.endian;
        let mut body = Vec::new();
        body.extend_from_slice(&e.u32(interface_id));
        body.extend_from_slice(&e.u32((timestamp >> 32) as u32));
        body.extend_from_slice(&e.u32(timestamp as u32));
        write_options(&mut body, e, options);
        self.raw_block(block_type::INTERFACE_STATISTICS, &body)
    }

    /// Writes any block: type, total length, `body` padded to 4 bytes, total length again.
    /// For a block whose body should be malformed, this is the escape hatch.
    pub fn raw_block(&mut self, block_type: u32, body: &[u8]) -> io::Result<()> {
        let e = self.endian;
        let padded = (body.len() + 3) & !3;
        let total = (padded + 12) as u32;
        self.out.write_all(&e.u32(block_type))?;
        self.out.write_all(&e.u32(total))?;
        self.out.write_all(body)?;
        self.out.write_all(&[0u8; 3][..padded - body.len()])?;
        self.out.write_all(&e.u32(total))
    }

    /// Writes bytes verbatim (truncated blocks, garbage between blocks).
    pub fn raw_bytes(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.out.write_all(bytes)
    }

    /// The byte order of the current section.
    pub fn endian(&self) -> Endian {
        self.endian
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

fn push_text(opts: &mut Vec<BlockOption>, code: u16, text: &Option<String>) {
    if let Some(t) = text {
        opts.push(BlockOption::text(code, t));
    }
}

fn pad4(buf: &mut Vec<u8>) {
    while !buf.len().is_multiple_of(4) {
        buf.push(0);
    }
}

/// Appends options plus opt_endofopt; nothing at all when there are no options, as the format
/// allows and most writers do.
fn write_options(buf: &mut Vec<u8>, e: Endian, opts: &[BlockOption]) {
    if opts.is_empty() {
        return;
    }
    for o in opts {
        buf.extend_from_slice(&e.u16(o.code));
        let start = buf.len();
        buf.extend_from_slice(&[0, 0]);
        match &o.value {
            OptionValue::Bytes(b) => buf.extend_from_slice(b),
            OptionValue::U8(v) => buf.push(*v),
            OptionValue::U32(v) => buf.extend_from_slice(&e.u32(*v)),
            OptionValue::U64(v) => buf.extend_from_slice(&e.u64(*v)),
        }
        let len = (buf.len() - start - 2) as u16;
        buf[start..start + 2].copy_from_slice(&e.u16(len));
        pad4(buf);
    }
    buf.extend_from_slice(&[0, 0, 0, 0]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcap_parser::pcapng::{Block, PcapNGOption};
    use pcap_parser::traits::PcapReaderIterator;
    use pcap_parser::{PcapBlockOwned, PcapError, PcapNGReader};

    /// Parses a whole pcapng stream and returns a compact description of each block.
    fn blocks(bytes: &[u8]) -> Vec<String> {
        let mut reader = PcapNGReader::new(65536, bytes).unwrap();
        let mut out = Vec::new();
        let mut big_endian = false;
        loop {
            match reader.next() {
                Ok((offset, block)) => {
                    let PcapBlockOwned::NG(b) = block else {
                        panic!("legacy block")
                    };
                    if let Block::SectionHeader(s) = &b {
                        big_endian = s.big_endian();
                    }
                    out.push(describe(&b, big_endian));
                    reader.consume(offset);
                }
                Err(PcapError::Eof) => break,
                Err(PcapError::Incomplete(_)) => reader.refill().unwrap(),
                Err(e) => panic!("parse error: {e:?}"),
            }
        }
        out
    }

    fn opt_text(options: &[PcapNGOption], code: u16) -> Option<String> {
        options
            .iter()
            .find(|o| o.code.0 == code)
            .map(|o| String::from_utf8_lossy(&o.value[..o.len as usize]).into_owned())
    }

    /// pcap-parser 0.17 reads if_tsoffset as little-endian whatever the section's byte order,
    /// so the option is decoded here from its raw bytes.
    fn tsoffset(options: &[PcapNGOption], big_endian: bool) -> i64 {
        options.iter().find(|o| o.code.0 == 14).map_or(0, |o| {
            let raw: [u8; 8] = o.value[..8].try_into().unwrap();
            if big_endian {
                i64::from_be_bytes(raw)
            } else {
                i64::from_le_bytes(raw)
            }
        })
    }

    fn describe(b: &Block, big_endian: bool) -> String {
        match b {
            Block::SectionHeader(s) => format!(
                "SHB be={} os={:?} hw={:?} app={:?} comment={:?}",
                s.big_endian(),
                opt_text(&s.options, 3),
                opt_text(&s.options, 2),
                opt_text(&s.options, 4),
                opt_text(&s.options, 1)
            ),
            Block::InterfaceDescription(i) => format!(
                "IDB lt={} snap={} name={:?} tsresol={:?} tsoffset={}",
                i.linktype.0,
                i.snaplen,
                opt_text(&i.options, 2),
                i.if_tsresol,
                tsoffset(&i.options, big_endian)
            ),
            Block::EnhancedPacket(p) => format!(
                "EPB if={} ts={} cap={} orig={} data={:?} comment={:?}",
                p.if_id,
                (u64::from(p.ts_high) << 32) | u64::from(p.ts_low),
                p.caplen,
                p.origlen,
                &p.data[..p.caplen as usize],
                opt_text(&p.options, 1)
            ),
            Block::SimplePacket(p) => {
                format!(
                    "SPB orig={} data={:?}",
                    p.origlen,
                    &p.data[..3.min(p.data.len())]
                )
            }
            Block::InterfaceStatistics(s) => format!("ISB if={}", s.if_id),
            // pcap-parser has no type for the obsolete packet block: check its body by hand.
            Block::Unknown(u) if u.block_type == 2 || u.block_type.swap_bytes() == 2 => {
                let le = |i: usize| u32::from_le_bytes(u.data[i..i + 4].try_into().unwrap());
                let swap = le(12) != 2;
                let f = |i: usize| if swap { le(i).swap_bytes() } else { le(i) };
                format!(
                    "PB ts={} cap={} orig={}",
                    (u64::from(f(4)) << 32) | u64::from(f(8)),
                    f(12),
                    f(16)
                )
            }
            Block::Unknown(u) => {
                let t = if big_endian {
                    u.block_type.swap_bytes()
                } else {
                    u.block_type
                };
                format!("UNKNOWN type={t:#x}")
            }
            Block::Custom(c) => format!("CUSTOM pen={}", c.pen),
            other => format!("OTHER {other:?}"),
        }
    }

    fn write_everything(endian: Endian) -> Vec<u8> {
        let shb = SectionHeader {
            endian,
            comment: Some("synth test".into()),
            hardware: Some("x86_64".into()),
            os: Some("Linux 6.1".into()),
            userappl: Some("pcaplens-synth".into()),
            ..SectionHeader::default()
        };
        let mut w = PcapngWriter::new(Vec::new(), &shb).unwrap();
        let if0 = w
            .interface(&InterfaceDescription {
                name: Some("eth0".into()),
                description: Some("wired".into()),
                tsresol: Some(TsResol::Pow10(9)),
                tsoffset: Some(100),
                ..InterfaceDescription::new(1)
            })
            .unwrap();
        let if1 = w
            .interface(&InterfaceDescription {
                tsresol: Some(TsResol::Pow2(20)),
                ..InterfaceDescription::new(276)
            })
            .unwrap();
        assert_eq!((if0, if1), (0, 1));
        w.packet(if0, (1_000, 500), &[1, 2, 3, 4, 5]).unwrap();
        let mut epb = EnhancedPacket::new(if1, w.timestamp_units(if1, (2, 500_000_000)), &[9; 7]);
        epb.comment = Some("hello".into());
        epb.orig_len = 70;
        epb.flags = Some(1);
        w.enhanced_packet(&epb).unwrap();
        w.simple_packet(&[7, 7, 7], 3).unwrap();
        w.obsolete_packet(0, 3, 42, &[1, 2], 2, &[]).unwrap();
        w.interface_statistics(0, 43, &[BlockOption::new(4, OptionValue::U64(10))])
            .unwrap();
        let mut custom = w.endian().u32(7).to_vec();
        custom.push(5);
        w.raw_block(0x4000_0BAD, &custom).unwrap();
        w.raw_block(0x0000_0101, &[1]).unwrap();
        // A second section in the other byte order.
        let other = if endian == Endian::Little {
            Endian::Big
        } else {
            Endian::Little
        };
        w.section(&SectionHeader {
            endian: other,
            ..SectionHeader::default()
        })
        .unwrap();
        let again = w.interface(&InterfaceDescription::new(101)).unwrap();
        assert_eq!(again, 0);
        w.packet(0, (3, 7_000), &[0x45]).unwrap();
        w.into_inner().unwrap()
    }

    #[test]
    fn test_round_trip_both_byte_orders() {
        for endian in [Endian::Little, Endian::Big] {
            let be = endian == Endian::Big;
            let got = blocks(&write_everything(endian));
            let expected = vec![
                format!(
                    "SHB be={be} os=Some(\"Linux 6.1\") hw=Some(\"x86_64\") \
                     app=Some(\"pcaplens-synth\") comment=Some(\"synth test\")"
                ),
                "IDB lt=1 snap=262144 name=Some(\"eth0\") tsresol=9 tsoffset=100".to_string(),
                "IDB lt=276 snap=262144 name=None tsresol=148 tsoffset=0".to_string(),
                // (1000 - 100) s in ns, plus 500 ns.
                "EPB if=0 ts=900000000500 cap=5 orig=5 data=[1, 2, 3, 4, 5] comment=None"
                    .to_string(),
                // 2.5 s in 2^-20 units = 2.5 * 1048576.
                "EPB if=1 ts=2621440 cap=7 orig=70 data=[9, 9, 9, 9, 9, 9, 9] \
                 comment=Some(\"hello\")"
                    .to_string(),
                "SPB orig=3 data=[7, 7, 7]".to_string(),
                "PB ts=42 cap=2 orig=2".to_string(),
                "ISB if=0".to_string(),
                "CUSTOM pen=7".to_string(),
                "UNKNOWN type=0x101".to_string(),
                format!("SHB be={} os=None hw=None app=None comment=None", !be),
                "IDB lt=101 snap=262144 name=None tsresol=6 tsoffset=0".to_string(),
                "EPB if=0 ts=3000007 cap=1 orig=1 data=[69] comment=None".to_string(),
            ];
            assert_eq!(got, expected, "endian {endian:?}");
        }
    }

    #[test]
    fn test_tsresol_units() {
        assert_eq!(TsResol::Pow10(6).units(1, 1_500), 1_000_001);
        assert_eq!(TsResol::Pow10(9).units(1, 1_500), 1_000_001_500);
        assert_eq!(TsResol::Pow10(0).units(7, 999_999_999), 7);
        assert_eq!(TsResol::Pow2(10).units(1, 500_000_000), 1024 + 512);
        assert_eq!(TsResol::Pow2(0x85).to_byte(), 0x85);
        assert_eq!(TsResol::Pow10(3).to_byte(), 3);
    }

    #[test]
    fn test_block_lengths_are_multiples_of_four() {
        let bytes = write_everything(Endian::Little);
        let mut off = 0;
        let mut big_endian = false;
        while off < bytes.len() {
            if bytes[off..off + 4] == [0x0a, 0x0d, 0x0d, 0x0a] {
                big_endian = bytes[off + 8] == 0x1a;
            }
            let field: [u8; 4] = bytes[off + 4..off + 8].try_into().unwrap();
            let len = if big_endian {
                u32::from_be_bytes(field)
            } else {
                u32::from_le_bytes(field)
            };
            assert_eq!(len % 4, 0);
            let trailer: [u8; 4] = bytes[off + len as usize - 4..off + len as usize]
                .try_into()
                .unwrap();
            assert_eq!(trailer, field);
            off += len as usize;
        }
        assert_eq!(off, bytes.len());
    }
}
