//! Classic pcap ("libpcap") files: both byte orders, microsecond and nanosecond magics, and the
//! old variants Wireshark still recognises.
//!
//! A file with the standard microsecond magic may really be one of three record layouts
//! (standard, Red Hat 6.1's "ss990417", Nokia IPSO), and one with the "modified" magic one of
//! two (ss991029, ss990915). Like Wireshark 4.0 we read the first three records under each
//! layout and pick the first without anything suspicious (else the least suspicious one); on
//! healthy files that is always the standard layout, on damaged ones it decides how many frames
//! tshark reads, so we copy it.

use super::bytes::u32_at;
use super::reader::{CaptureError, Format, InterfaceInfo, Progress, State, TimePrecision};
use super::{Frame, LinkType, Timestamp};

/// The pcap file header.
const FILE_HEADER_LEN: usize = 24;

/// Records examined per variant while guessing the layout.
const RECORDS_TO_TRY: usize = 3;

/// Wireshark treats a claimed original length above this as a sign of the wrong layout.
const SUSPICIOUS_ORIG_LEN: u32 = 128 * 1024 * 1024;

/// A record header layout (`pcap_variant_t` in Wireshark's libpcap.c).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    Standard,
    Nsec,
    /// AIX tcpdump: standard layout, nanosecond fractions.
    Aix,
    Ss990417,
    Ss990915,
    Ss991029,
    Nokia,
}

impl Variant {
    fn record_header_len(self) -> usize {
        match self {
            Variant::Standard | Variant::Nsec | Variant::Aix => 16,
            Variant::Ss990417 | Variant::Ss991029 => 24,
            Variant::Ss990915 => 28,
            Variant::Nokia => 20,
        }
    }
    fn nanosecond(self) -> bool {
        matches!(self, Variant::Nsec | Variant::Aix)
    }
    /// Wireshark's file type name, as capinfos prints it.
    fn file_type(self) -> &'static str {
        match self {
            Variant::Standard => "pcap",
            Variant::Nsec => "nsecpcap",
            Variant::Aix => "aixpcap",
            Variant::Ss990417 => "rh6_1pcap",
            Variant::Ss990915 => "suse6_3pcap",
            Variant::Ss991029 => "modpcap",
            Variant::Nokia => "nokiapcap",
        }
    }
}

const STANDARD_CANDIDATES: &[Variant] = &[Variant::Standard, Variant::Ss990417, Variant::Nokia];
const MODIFIED_CANDIDATES: &[Variant] = &[Variant::Ss991029, Variant::Ss990915];

/// Whether the captured and original lengths of a record are stored the other way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LengthOrder {
    Normal,
    /// Versions before 2.3 (and DG/UX's 543.0) wrote orig_len before incl_len.
    Swapped,
    /// Version 2.3 files were written both ways: swap when incl_len > orig_len.
    MaybeSwapped,
}

#[derive(Debug, Clone, Copy)]
struct FileHeader {
    snaplen: u32,
    link_type: LinkType,
    max_caplen: u32,
    /// The link type's pseudo-header length (0 without one): shorter records are corruption.
    min_caplen: u32,
    lengths: LengthOrder,
}

/// One record header, lengths already put in order.
#[derive(Debug, Clone, Copy)]
struct RecordHeader {
    secs: u32,
    frac: u32,
    incl_len: u32,
    orig_len: u32,
}

#[derive(Debug)]
pub(super) struct PcapParser {
    big_endian: bool,
    nanosecond_magic: bool,
    modified_magic: bool,
    header: Option<FileHeader>,
    /// `None` while the layout is still being guessed.
    variant: Option<Variant>,
    candidates: &'static [Variant],
}

impl PcapParser {
    /// Recognises the four-byte magic number.
    pub(super) fn from_magic(magic: &[u8]) -> Option<Self> {
        let (big_endian, nanosecond_magic, modified_magic) = match magic {
            [0xd4, 0xc3, 0xb2, 0xa1] => (false, false, false),
            [0xa1, 0xb2, 0xc3, 0xd4] => (true, false, false),
            [0x4d, 0x3c, 0xb2, 0xa1] => (false, true, false),
            [0xa1, 0xb2, 0x3c, 0x4d] => (true, true, false),
            [0x34, 0xcd, 0xb2, 0xa1] => (false, false, true),
            [0xa1, 0xb2, 0xcd, 0x34] => (true, false, true),
            _ => return None,
        };
        Some(PcapParser {
            big_endian,
            nanosecond_magic,
            modified_magic,
            header: None,
            variant: None,
            candidates: STANDARD_CANDIDATES,
        })
    }

    fn read_file_header(&mut self, buf: &[u8], offset: u64, st: &mut State) -> Option<()> {
        let be = self.big_endian;
        let major = super::bytes::u16_at(buf, 4, be)?;
        let minor = super::bytes::u16_at(buf, 6, be)?;
        let snaplen = u32_at(buf, 16, be)?;
        let mut network = u32_at(buf, 20, be)?;
        st.info.format = Some(Format::Pcap);
        if major < 2 {
            st.fail(CaptureError::BadHeader {
                format: Some(Format::Pcap),
                offset: offset + 4,
                reason: format!("pcap major version {major} is not supported (2.x expected)"),
            });
            return None;
        }
        let lengths = match (major, minor) {
            (2, m) if m < 3 => LengthOrder::Swapped,
            (2, 3) => LengthOrder::MaybeSwapped,
            (543, _) => LengthOrder::Swapped,
            _ => LengthOrder::Normal,
        };
        // AIX's tcpdump wrote RFC 1573 ifType values in a 2.2 header.
        let mut aix = false;
        if !self.modified_magic && !self.nanosecond_magic && (major, minor) == (2, 2) {
            let mapped = match network {
                6 => Some(1),
                9 => Some(6),
                15 => Some(10),
                24 => Some(0),
                _ => None,
            };
            if let Some(n) = mapped {
                network = n;
                aix = true;
            }
        }
        // The upper 16 bits hold FCS-length flags and reserved bits (libpcap's LT_LINKTYPE).
        let link_type = LinkType(network & 0xffff);
        let reserved = network & 0x03ff_0000;
        if reserved != 0 {
            st.warn(format!(
                "the pcap header's link-type field has reserved bits set (0x{reserved:08x}); \
                 Wireshark refuses such files, the link type is read as {}",
                link_type.0
            ));
        }
        self.header = Some(FileHeader {
            snaplen,
            link_type,
            max_caplen: link_type.max_captured_len(),
            min_caplen: link_type.pseudo_header_len().unwrap_or(0),
            lengths,
        });
        if self.nanosecond_magic {
            self.variant = Some(Variant::Nsec);
        } else if aix {
            self.variant = Some(Variant::Aix);
        } else if self.modified_magic {
            self.candidates = MODIFIED_CANDIDATES;
        }
        let nanos = self.nanosecond_magic || aix;
        let ticks = if nanos { 1_000_000_000 } else { 1_000_000 };
        st.info.snaplen = Some(snaplen);
        st.info.version = Some((major, minor));
        st.info.file_type = self.variant.map(Variant::file_type);
        st.info.interfaces.push(InterfaceInfo {
            name: None,
            description: None,
            os: None,
            filter: None,
            link_type,
            snaplen,
            ticks_per_second: ticks,
            precision: TimePrecision::from_ticks_per_second(ticks),
            tsresol: nanos.then_some(9),
            ts_offset: 0,
            section: 0,
        });
        Some(())
    }

    fn record_header(&self, rec: &[u8], h: &FileHeader) -> Option<RecordHeader> {
        let be = self.big_endian;
        let secs = u32_at(rec, 0, be)?;
        let frac = u32_at(rec, 4, be)?;
        let mut incl_len = u32_at(rec, 8, be)?;
        let mut orig_len = u32_at(rec, 12, be)?;
        let swap = match h.lengths {
            LengthOrder::Normal => false,
            LengthOrder::Swapped => true,
            LengthOrder::MaybeSwapped => incl_len > orig_len,
        };
        if swap {
            std::mem::swap(&mut incl_len, &mut orig_len);
        }
        Some(RecordHeader {
            secs,
            frac,
            incl_len,
            orig_len,
        })
    }

    /// Wireshark's figure of merit for reading `records` under `variant`: 0 = nothing odd.
    /// `Err(n)` = `n` bytes are needed to decide (only when not at the end of the input).
    fn demerits(
        &self,
        records: &[u8],
        variant: Variant,
        h: &FileHeader,
        at_end: bool,
    ) -> Result<u32, usize> {
        let hdr_len = variant.record_header_len();
        let mut pos = 0usize;
        for _ in 0..RECORDS_TO_TRY {
            if pos == records.len() {
                // Clean end of file: nothing against this layout.
                return if at_end { Ok(0) } else { Err(pos + hdr_len) };
            }
            let Some(rec) = records.get(pos..pos + hdr_len) else {
                return if at_end { Ok(1) } else { Err(pos + hdr_len) };
            };
            let Some(r) = self.record_header(rec, h) else {
                return Ok(1);
            };
            let limit = if variant.nanosecond() {
                1_000_000_000
            } else {
                1_000_000
            };
            let mut demerits = 0;
            demerits += u32::from(r.frac >= limit);
            demerits += u32::from(r.incl_len > h.max_caplen);
            demerits += u32::from(r.incl_len > h.snaplen);
            demerits += u32::from(r.orig_len > SUSPICIOUS_ORIG_LEN);
            demerits += u32::from(r.incl_len > r.orig_len);
            if demerits > 0 {
                return Ok(demerits);
            }
            let end = pos + hdr_len + r.incl_len as usize;
            if end > records.len() {
                return if at_end { Ok(1) } else { Err(end) };
            }
            pos = end;
        }
        Ok(0)
    }

    /// Picks the record layout, or says how many bytes of records it needs to.
    fn choose_variant(
        &self,
        records: &[u8],
        h: &FileHeader,
        at_end: bool,
    ) -> Result<Variant, usize> {
        let mut best: Option<(u32, Variant)> = None;
        for &v in self.candidates {
            let d = self.demerits(records, v, h, at_end)?;
            if d == 0 {
                return Ok(v);
            }
            if best.is_none_or(|(b, _)| d < b) {
                best = Some((d, v));
            }
        }
        Ok(best.map_or(Variant::Standard, |(_, v)| v))
    }

    pub(super) fn parse<F: FnMut(&Frame<'_>)>(
        &mut self,
        buf: &[u8],
        offset: u64,
        st: &mut State,
        on_frame: &mut F,
    ) -> Progress {
        self.parse_inner(buf, offset, st, on_frame, false)
    }

    fn parse_inner<F: FnMut(&Frame<'_>)>(
        &mut self,
        buf: &[u8],
        offset: u64,
        st: &mut State,
        on_frame: &mut F,
        at_end: bool,
    ) -> Progress {
        let mut pos = 0usize;
        if self.header.is_none() {
            if buf.len() < FILE_HEADER_LEN {
                return Progress {
                    consumed: 0,
                    need: FILE_HEADER_LEN,
                };
            }
            if self.read_file_header(buf, offset, st).is_none() {
                return Progress {
                    consumed: 0,
                    need: 0,
                };
            }
            pos = FILE_HEADER_LEN;
        }
        let Some(h) = self.header else {
            return Progress {
                consumed: pos,
                need: 0,
            };
        };
        let variant = match self.variant {
            Some(v) => v,
            None => match self.choose_variant(buf.get(pos..).unwrap_or(&[]), &h, at_end) {
                Ok(v) => {
                    self.variant = Some(v);
                    st.info.file_type = Some(v.file_type());
                    if v != Variant::Standard {
                        st.warn(format!(
                            "the records do not look like standard pcap records; read them as \
                             Wireshark does, in the \"{}\" layout",
                            v.file_type()
                        ));
                    }
                    v
                }
                Err(need) => {
                    return Progress {
                        consumed: pos,
                        need,
                    }
                }
            },
        };
        let hdr_len = variant.record_header_len();
        let mut need = hdr_len;
        while let Some(rec) = buf.get(pos..pos + hdr_len) {
            let Some(r) = self.record_header(rec, &h) else {
                break;
            };
            if r.incl_len > h.max_caplen {
                st.damage(
                    offset + pos as u64,
                    &format!(
                        "the record claims {} captured bytes, more than the {} Wireshark accepts \
                         for link type {}",
                        r.incl_len,
                        h.max_caplen,
                        h.link_type.name()
                    ),
                );
                return Progress {
                    consumed: pos,
                    need: 0,
                };
            }
            if r.incl_len < h.min_caplen {
                let reason = h
                    .link_type
                    .pseudo_header_damage(r.incl_len)
                    .unwrap_or_default();
                st.damage(offset + pos as u64, &reason);
                return Progress {
                    consumed: pos,
                    need: 0,
                };
            }
            let start = pos + hdr_len;
            let end = start + r.incl_len as usize;
            let Some(data) = buf.get(start..end) else {
                need = hdr_len + r.incl_len as usize;
                break;
            };
            let ts = if variant.nanosecond() {
                timestamp(r.secs, r.frac, 1_000_000_000)
            } else {
                timestamp(r.secs, r.frac, 1_000_000)
            };
            let number = st.next_frame();
            on_frame(&Frame {
                number,
                ts,
                has_ts: true,
                pcapng: false,
                interface: 0,
                link_type: h.link_type,
                orig_len: r.orig_len,
                data,
                comments: &[],
            });
            pos = end;
            need = hdr_len;
        }
        Progress {
            consumed: pos,
            need,
        }
    }

    /// End of input with `rest` unconsumed.
    pub(super) fn finish<F: FnMut(&Frame<'_>)>(
        &mut self,
        rest: &[u8],
        offset: u64,
        st: &mut State,
        on_frame: &mut F,
    ) {
        if self.header.is_none() {
            st.info.format = Some(Format::Pcap);
            st.fail(CaptureError::BadHeader {
                format: Some(Format::Pcap),
                offset,
                reason: format!(
                    "the file ends inside the {FILE_HEADER_LEN}-byte pcap file header ({} bytes \
                     present)",
                    rest.len()
                ),
            });
            return;
        }
        let p = self.parse_inner(rest, offset, st, on_frame, true);
        if st.stopped {
            return;
        }
        let left = rest.len().saturating_sub(p.consumed);
        if left > 0 {
            st.info.truncated = true;
            let frame = st.frames + 1;
            st.warn(format!(
                "frame {frame} at byte offset {}: the file ends inside the record ({left} of {} \
                 bytes present)",
                offset + p.consumed as u64,
                p.need
            ));
        }
    }
}

/// Seconds plus a fraction in `ticks` per second. Fractions of a second or more (damaged
/// files) carry into the seconds so the timestamp stays valid; Wireshark keeps them as an
/// out-of-range nanosecond field instead.
fn timestamp(secs: u32, frac: u32, ticks: u32) -> Timestamp {
    let extra = frac / ticks;
    let rest = frac % ticks;
    let nanos = if ticks == 1_000_000 {
        rest * 1000
    } else {
        rest
    };
    Timestamp::new(i64::from(secs) + i64::from(extra), nanos)
}
