//! Legacy pcap writer (the libpcap format): global header plus one record per packet.
//!
//! Every header field is configurable (byte order, µs or ns magic, version, link type, snaplen)
//! so tests can produce the less common variants a reader must accept. The writer writes the
//! bytes it is given: it does not cut packets to the snaplen, so a test can also write a record
//! whose captured length exceeds it.

use std::io::{self, Write};

/// Byte order of a capture file (pcap, or one pcapng section).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Endian {
    #[default]
    Little,
    Big,
}

impl Endian {
    pub(crate) fn u16(self, v: u16) -> [u8; 2] {
        match self {
            Endian::Little => v.to_le_bytes(),
            Endian::Big => v.to_be_bytes(),
        }
    }
    pub(crate) fn u32(self, v: u32) -> [u8; 4] {
        match self {
            Endian::Little => v.to_le_bytes(),
            Endian::Big => v.to_be_bytes(),
        }
    }
    pub(crate) fn u64(self, v: u64) -> [u8; 8] {
        match self {
            Endian::Little => v.to_le_bytes(),
            Endian::Big => v.to_be_bytes(),
        }
    }
}

/// Timestamp resolution of a legacy pcap file, chosen by its magic number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Precision {
    /// Magic 0xa1b2c3d4: the fraction field holds microseconds.
    #[default]
    Micro,
    /// Magic 0xa1b23c4d: the fraction field holds nanoseconds.
    Nano,
}

/// LINKTYPE_* numbers used by the builders in this crate.
pub mod linktype {
    pub const NULL: u32 = 0;
    pub const ETHERNET: u32 = 1;
    pub const RAW: u32 = 101;
    pub const LOOP: u32 = 108;
    pub const LINUX_SLL: u32 = 113;
    pub const IPV4: u32 = 228;
    pub const IPV6: u32 = 229;
    pub const LINUX_SLL2: u32 = 276;
}

/// The pcap global header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PcapHeader {
    pub endian: Endian,
    pub precision: Precision,
    pub version_major: u16,
    pub version_minor: u16,
    /// Written to the (unused) thiszone field.
    pub thiszone: i32,
    pub snaplen: u32,
    pub link_type: u32,
}

impl Default for PcapHeader {
    fn default() -> Self {
        PcapHeader {
            endian: Endian::Little,
            precision: Precision::Micro,
            version_major: 2,
            version_minor: 4,
            thiszone: 0,
            snaplen: 262_144,
            link_type: linktype::ETHERNET,
        }
    }
}

impl PcapHeader {
    /// A little-endian microsecond header for `link_type`.
    pub fn new(link_type: u32) -> Self {
        PcapHeader {
            link_type,
            ..Self::default()
        }
    }

    /// The 24 header bytes.
    pub fn to_bytes(&self) -> [u8; 24] {
        let e = self.endian;
        let magic = match self.precision {
            Precision::Micro => 0xa1b2_c3d4u32,
            Precision::Nano => 0xa1b2_3c4d,
        };
        let mut b = [0u8; 24];
        b[0..4].copy_from_slice(&e.u32(magic));
        b[4..6].copy_from_slice(&e.u16(self.version_major));
        b[6..8].copy_from_slice(&e.u16(self.version_minor));
        b[8..12].copy_from_slice(&e.u32(self.thiszone as u32));
        // sigfigs (12..16) stays zero, as every writer leaves it.
        b[16..20].copy_from_slice(&e.u32(self.snaplen));
        b[20..24].copy_from_slice(&e.u32(self.link_type));
        b
    }
}

/// Writes a legacy pcap file to any `Write` (a `Vec<u8>`, a `BufWriter<File>`).
pub struct PcapWriter<W: Write> {
    out: W,
    header: PcapHeader,
    packets: u64,
}

impl<W: Write> PcapWriter<W> {
    /// Writes the global header.
    pub fn new(mut out: W, header: PcapHeader) -> io::Result<Self> {
        out.write_all(&header.to_bytes())?;
        Ok(PcapWriter {
            out,
            header,
            packets: 0,
        })
    }

    /// Writes one record. `ts` is (seconds, nanoseconds) since the epoch; seconds are truncated
    /// to 32 bits and nanoseconds to microseconds for a [`Precision::Micro`] file. `orig_len` is
    /// the length on the wire (≥ `data.len()` for a snapped packet, but not enforced).
    pub fn write_packet(&mut self, ts: (u64, u32), data: &[u8], orig_len: u32) -> io::Result<()> {
        let frac = match self.header.precision {
            Precision::Micro => ts.1 / 1000,
            Precision::Nano => ts.1,
        };
        self.write_record(ts.0 as u32, frac, data, data.len() as u32, orig_len)
    }

    /// Writes one record with every field given raw, including a captured length that need not
    /// match `data.len()` (for truncated-file and bad-length tests).
    pub fn write_record(
        &mut self,
        secs: u32,
        frac: u32,
        data: &[u8],
        caplen: u32,
        orig_len: u32,
    ) -> io::Result<()> {
        let e = self.header.endian;
        let mut h = [0u8; 16];
        h[0..4].copy_from_slice(&e.u32(secs));
        h[4..8].copy_from_slice(&e.u32(frac));
        h[8..12].copy_from_slice(&e.u32(caplen));
        h[12..16].copy_from_slice(&e.u32(orig_len));
        self.out.write_all(&h)?;
        self.out.write_all(data)?;
        self.packets += 1;
        Ok(())
    }

    /// Number of records written so far.
    pub fn packets(&self) -> u64 {
        self.packets
    }

    pub fn header(&self) -> &PcapHeader {
        &self.header
    }

    /// Flushes and returns the underlying writer.
    pub fn into_inner(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// A whole little-endian µs pcap file from (timestamp, frame) pairs, each frame captured whole.
pub fn pcap_bytes<'a, I>(link_type: u32, frames: I) -> Vec<u8>
where
    I: IntoIterator<Item = ((u64, u32), &'a [u8])>,
{
    let mut w = PcapWriter::new(Vec::new(), PcapHeader::new(link_type))
        .expect("writing to a Vec cannot fail");
    for (ts, data) in frames {
        w.write_packet(ts, data, data.len() as u32)
            .expect("writing to a Vec cannot fail");
    }
    w.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcap_parser::traits::PcapReaderIterator;
    use pcap_parser::{LegacyPcapReader, PcapBlockOwned, PcapError};

    /// (ts_sec, ts_frac, caplen, origlen, data) of one record.
    type Record = (u32, u32, u32, u32, Vec<u8>);

    fn parse(bytes: &[u8]) -> (pcap_parser::PcapHeader, Vec<Record>) {
        let mut reader = LegacyPcapReader::new(65536, bytes).unwrap();
        let mut header = None;
        let mut records = Vec::new();
        loop {
            match reader.next() {
                Ok((offset, block)) => {
                    match block {
                        PcapBlockOwned::LegacyHeader(h) => header = Some(h),
                        PcapBlockOwned::Legacy(b) => records.push((
                            b.ts_sec,
                            b.ts_usec,
                            b.caplen,
                            b.origlen,
                            b.data.to_vec(),
                        )),
                        PcapBlockOwned::NG(_) => panic!("unexpected pcapng block"),
                    }
                    reader.consume(offset);
                }
                Err(PcapError::Eof) => break,
                Err(PcapError::Incomplete(_)) => reader.refill().unwrap(),
                Err(e) => panic!("parse error: {e:?}"),
            }
        }
        (header.unwrap(), records)
    }

    #[test]
    fn test_round_trip_all_variants() {
        for endian in [Endian::Little, Endian::Big] {
            for precision in [Precision::Micro, Precision::Nano] {
                let header = PcapHeader {
                    endian,
                    precision,
                    snaplen: 1500,
                    link_type: linktype::LINUX_SLL2,
                    ..PcapHeader::default()
                };
                let mut w = PcapWriter::new(Vec::new(), header).unwrap();
                w.write_packet((1_700_000_000, 123_456_789), b"abcdef", 60)
                    .unwrap();
                w.write_packet((1_700_000_001, 999), b"", 0).unwrap();
                assert_eq!(w.packets(), 2);
                let bytes = w.into_inner().unwrap();
                assert_eq!(bytes.len(), 24 + 16 + 6 + 16);
                let (h, recs) = parse(&bytes);
                assert_eq!(h.network.0, 276);
                assert_eq!(h.snaplen, 1500);
                assert_eq!(h.is_nanosecond_precision(), precision == Precision::Nano);
                assert_eq!(h.is_bigendian(), endian == Endian::Big);
                let frac = if precision == Precision::Nano {
                    123_456_789
                } else {
                    123_456
                };
                assert_eq!(recs[0], (1_700_000_000, frac, 6, 60, b"abcdef".to_vec()));
                assert_eq!(recs[1].2, 0);
            }
        }
    }

    #[test]
    fn test_magic_bytes() {
        let le = PcapHeader::default().to_bytes();
        assert_eq!(&le[..4], &[0xd4, 0xc3, 0xb2, 0xa1]);
        let be_nano = PcapHeader {
            endian: Endian::Big,
            precision: Precision::Nano,
            ..PcapHeader::default()
        }
        .to_bytes();
        assert_eq!(&be_nano[..4], &[0xa1, 0xb2, 0x3c, 0x4d]);
    }

    #[test]
    fn test_pcap_bytes_helper() {
        let a = [1u8, 2, 3];
        let bytes = pcap_bytes(linktype::RAW, [((5, 0), &a[..])]);
        let (h, recs) = parse(&bytes);
        assert_eq!(h.network.0, 101);
        assert_eq!(recs[0].4, a);
    }
}
