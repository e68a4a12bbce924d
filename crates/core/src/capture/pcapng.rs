//! pcapng: section header, interface description, enhanced / simple / obsolete packet blocks,
//! options, several sections and interfaces, both byte orders.
//!
//! Validation follows Wireshark 4.0's wiretap (what it rejects, we reject at the same block, so
//! frame counts match tshark): block lengths are rounded up to a multiple of 4 and must equal
//! the (rounded) trailing copy; each block type has a minimum length; a packet's interface must
//! exist in its section; the captured length must fit the block and Wireshark's per-link-type
//! maximum; an option longer than the space left is corruption. Unknown block types are
//! skipped. Custom, systemd-journal and sysdig event blocks get a frame number (tshark shows
//! them as frames) but are not packets.

use super::bytes::{pad4, pad4_u32, u16_at, u32_at, u64_at};
use super::reader::{CaptureError, Format, InterfaceInfo, Progress, State, TimePrecision};
use super::{Frame, LinkType, Timestamp};

mod block {
    pub const SHB: u32 = 0x0A0D_0D0A;
    pub const IDB: u32 = 1;
    pub const PB: u32 = 2;
    pub const SPB: u32 = 3;
    pub const NRB: u32 = 4;
    pub const ISB: u32 = 5;
    pub const EPB: u32 = 6;
    pub const SYSTEMD_JOURNAL: u32 = 9;
    pub const DSB: u32 = 0x0A;
    pub const CB_COPY: u32 = 0x0BAD;
    pub const CB_NO_COPY: u32 = 0x4000_0BAD;
    pub const SYSDIG_EVENT: u32 = 0x204;
    pub const SYSDIG_EVF: u32 = 0x208;
    pub const SYSDIG_EVENT_V2: u32 = 0x216;
    pub const SYSDIG_EVF_V2: u32 = 0x217;
    pub const SYSDIG_EVENT_V2_LARGE: u32 = 0x221;
}

/// Header (type, length) plus trailing length.
const MIN_BLOCK: u32 = 12;
/// Wireshark's `MAX_BLOCK_SIZE`: an EPB holding the largest D-Bus packet and 128 KiB of options.
const MAX_BLOCK: u32 = 32 + 128 * 1024 * 1024 + 131_072;
const BYTE_ORDER_MAGIC: u32 = 0x1A2B_3C4D;
/// if_tsresol default: microseconds.
const DEFAULT_TICKS: u64 = 1_000_000;

fn min_block_len(block_type: u32) -> u32 {
    match block_type {
        block::SHB => 28,
        block::IDB => 20,
        block::EPB | block::PB => 32,
        block::SPB | block::NRB | block::CB_COPY | block::CB_NO_COPY => 16,
        block::ISB => 24,
        block::DSB => 20,
        _ => MIN_BLOCK,
    }
}

fn block_name(block_type: u32) -> &'static str {
    match block_type {
        block::SHB => "SHB",
        block::IDB => "IDB",
        block::PB => "PB",
        block::SPB => "SPB",
        block::NRB => "NRB",
        block::ISB => "ISB",
        block::EPB => "EPB",
        block::DSB => "DSB",
        block::CB_COPY | block::CB_NO_COPY => "custom block",
        _ => "block",
    }
}

/// True for the first four bytes of a pcapng file (the SHB type, a palindrome).
pub(super) fn is_magic(b: &[u8]) -> bool {
    b == [0x0a, 0x0d, 0x0d, 0x0a]
}

#[derive(Debug, Clone, Copy)]
struct Iface {
    link_type: LinkType,
    snaplen: u32,
    ticks_per_second: u64,
    ts_offset: i64,
    /// Index over the whole file (Wireshark's frame.interface_id).
    global: u32,
    max_caplen: u32,
    /// The link type's pseudo-header length (0 without one): shorter packets are corruption.
    min_caplen: u32,
}

#[derive(Debug)]
struct Section {
    big_endian: bool,
    interfaces: Vec<Iface>,
}

#[derive(Debug, Default)]
pub(super) struct PcapngParser {
    section: Option<Section>,
    /// Packet comments of the current packet (reused; allocation only when comments exist).
    comments: Vec<String>,
    warned_non_packet: bool,
}

/// Why a block cannot be used.
type BlockError = String;

/// Walks the options area of a block. Stops at opt_endofopt; an option longer than the space
/// left is an error, as in Wireshark.
fn for_each_option(
    opts: &[u8],
    big_endian: bool,
    mut f: impl FnMut(u16, &[u8]) -> Result<(), BlockError>,
) -> Result<(), BlockError> {
    let mut p = 0usize;
    while p < opts.len() {
        let (Some(code), Some(len)) =
            (u16_at(opts, p, big_endian), u16_at(opts, p + 2, big_endian))
        else {
            return Err(format!(
                "not enough data for an option header ({} bytes left)",
                opts.len() - p
            ));
        };
        p += 4;
        let left = opts.len() - p;
        let len = usize::from(len);
        if len > left {
            return Err(format!(
                "not enough data to handle option of length {len} ({left} bytes left)"
            ));
        }
        if code == 0 {
            return Ok(());
        }
        f(code, &opts[p..p + len])?;
        p += pad4(len).min(left);
    }
    Ok(())
}

/// Checks a name resolution block's records and options (Wireshark rejects malformed ones).
fn name_resolution(body: &[u8], be: bool) -> Result<(), BlockError> {
    let mut p = 0usize;
    loop {
        let left = body.len().saturating_sub(p);
        let (Some(kind), Some(len)) = (u16_at(body, p, be), u16_at(body, p + 2, be)) else {
            return Err(format!(
                "{left} bytes left in the block < NRB record header length 4"
            ));
        };
        let len = usize::from(len);
        let padded = pad4(len);
        if padded > left - 4 {
            return Err(format!(
                "{} bytes left in the block < NRB record length + padding {padded}",
                left - 4
            ));
        }
        match kind {
            0 => break,
            1 if len < 4 => return Err(format!("NRB IPv4 record length {len} < 4")),
            2 if len < 16 => return Err(format!("NRB IPv6 record length {len} < 16")),
            _ => {}
        }
        p += 4 + padded;
    }
    for_each_option(body.get(p + 4..).unwrap_or(&[]), be, |_, _| Ok(()))
}

/// Checks a decryption secrets block: the secrets must fit, then the options.
fn decryption_secrets(body: &[u8], be: bool) -> Result<(), BlockError> {
    let len = u32_at(body, 4, be).unwrap_or(0) as usize;
    let space = body.len().saturating_sub(8);
    if pad4(len) > space {
        return Err(format!(
            "DSB secrets length {len} is bigger than the {space} bytes the block holds"
        ));
    }
    for_each_option(body.get(8 + pad4(len)..).unwrap_or(&[]), be, |_, _| Ok(()))
}

/// An option string: UTF-8 (invalid sequences replaced), cut at the first NUL.
fn option_text(v: &[u8]) -> String {
    let v = v.split(|&b| b == 0).next().unwrap_or(&[]);
    String::from_utf8_lossy(v).into_owned()
}

/// Ticks per second for an if_tsresol byte, computed like Wireshark (wrapping 64-bit powers);
/// `None` when that gives 0 (a shift of 64 or more), which we reject rather than divide by.
fn ticks_for_tsresol(resol: u8) -> Option<u64> {
    let exponent = u32::from(resol & 0x7f);
    let base: u64 = if resol & 0x80 != 0 { 2 } else { 10 };
    let mut ticks: u64 = 1;
    for _ in 0..exponent {
        ticks = ticks.wrapping_mul(base);
    }
    (ticks != 0).then_some(ticks)
}

/// Converts a raw 64-bit timestamp (Wireshark's arithmetic, wrapping included).
fn timestamp(raw: u64, iface: &Iface) -> Timestamp {
    let ticks = iface.ticks_per_second.max(1);
    let secs = (raw / ticks) as i64;
    let nanos = ((raw % ticks).wrapping_mul(1_000_000_000) / ticks).min(999_999_999) as u32;
    Timestamp::new(secs.wrapping_add(iface.ts_offset), nanos)
}

impl PcapngParser {
    pub(super) fn parse<F: FnMut(&Frame<'_>)>(
        &mut self,
        buf: &[u8],
        offset: u64,
        st: &mut State,
        on_frame: &mut F,
    ) -> Progress {
        let mut pos = 0usize;
        loop {
            let rest = buf.get(pos..).unwrap_or(&[]);
            match self.block(rest, offset + pos as u64, st, on_frame) {
                Step::Consumed(n) => {
                    pos += n;
                    if st.stopped {
                        return Progress {
                            consumed: pos,
                            need: 0,
                        };
                    }
                }
                Step::Need(need) => {
                    return Progress {
                        consumed: pos,
                        need,
                    }
                }
                Step::Stop => {
                    return Progress {
                        consumed: pos,
                        need: 0,
                    }
                }
            }
        }
    }

    /// Handles the block at the start of `b`.
    fn block<F: FnMut(&Frame<'_>)>(
        &mut self,
        b: &[u8],
        offset: u64,
        st: &mut State,
        on_frame: &mut F,
    ) -> Step {
        let Some(block_type) = u32_at(b, 0, false) else {
            return Step::Need(8);
        };
        // The SHB's byte-order magic decides how to read its own length.
        let big_endian = if block_type == block::SHB {
            let Some(bom) = u32_at(b, 8, false) else {
                return Step::Need(12);
            };
            match bom {
                BYTE_ORDER_MAGIC => false,
                m if m.swap_bytes() == BYTE_ORDER_MAGIC => true,
                _ => {
                    let reason = format!(
                        "the section header's byte-order magic is {}, not 4d 3c 2b 1a or 1a 2b 3c 4d",
                        super::bytes::hex(b.get(8..12).unwrap_or(&[]), 4)
                    );
                    return self.reject(st, offset + 8, reason);
                }
            }
        } else {
            match &self.section {
                Some(s) => s.big_endian,
                // The container only starts on the SHB magic, so this is unreachable.
                None => return self.reject(st, offset, "no section header".into()),
            }
        };
        let Some(block_type) = u32_at(b, 0, big_endian) else {
            return Step::Need(8);
        };
        let Some(total) = u32_at(b, 4, big_endian) else {
            return Step::Need(8);
        };
        let min = min_block_len(block_type);
        if total < min {
            let reason = format!(
                "total block length {total} of an {} is less than the minimum {} size {min}",
                block_name(block_type),
                block_name(block_type)
            );
            return self.reject(st, offset, reason);
        }
        if total > MAX_BLOCK {
            let reason = format!("total block length {total} is too large (> {MAX_BLOCK})");
            return self.reject(st, offset, reason);
        }
        let len = pad4_u32(total) as usize;
        if block_type == block::SPB {
            return self.simple_packet(b, offset, len, big_endian, st, on_frame);
        }
        if b.len() < len {
            return Step::Need(len);
        }
        let trailer = u32_at(b, len - 4, big_endian).unwrap_or(0);
        if pad4_u32(trailer) as usize != len {
            let reason = format!(
                "total block lengths (first {len} and second {}) don't match",
                pad4_u32(trailer)
            );
            return self.reject(st, offset, reason);
        }
        let body = &b[8..len - 4];
        let result = match block_type {
            block::SHB => self.section_header(body, big_endian, st),
            block::IDB => self.interface(body, big_endian, st),
            block::EPB | block::PB => self.packet(block_type, body, big_endian, st, on_frame),
            block::CB_COPY
            | block::CB_NO_COPY
            | block::SYSTEMD_JOURNAL
            | block::SYSDIG_EVENT
            | block::SYSDIG_EVF
            | block::SYSDIG_EVENT_V2
            | block::SYSDIG_EVF_V2
            | block::SYSDIG_EVENT_V2_LARGE => {
                self.non_packet(block_type, offset, st);
                Ok(())
            }
            block::NRB => name_resolution(body, big_endian),
            block::ISB => for_each_option(body.get(12..).unwrap_or(&[]), big_endian, |_, _| Ok(())),
            block::DSB => decryption_secrets(body, big_endian),
            // Unknown blocks are skipped unread.
            _ => Ok(()),
        };
        match result {
            Ok(()) => Step::Consumed(len),
            Err(reason) => self.reject(st, offset, reason),
        }
    }

    /// A corrupt block: fatal before the first section is established, damage afterwards.
    fn reject(&mut self, st: &mut State, offset: u64, reason: String) -> Step {
        if self.section.is_none() {
            st.fail(CaptureError::BadHeader {
                format: Some(Format::Pcapng),
                offset,
                reason: format!("pcapng: {reason}"),
            });
        } else {
            st.damage(offset, &format!("corrupt pcapng block: {reason}"));
        }
        Step::Stop
    }

    fn section_header(&mut self, body: &[u8], be: bool, st: &mut State) -> Result<(), BlockError> {
        let major = u16_at(body, 4, be).unwrap_or(0);
        let minor = u16_at(body, 6, be).unwrap_or(0);
        if !(major == 1 && (minor == 0 || minor == 2)) {
            return Err(format!("unknown section header version {major}.{minor}"));
        }
        let first = st.info.sections == 0;
        let mut comments = Vec::new();
        let (mut hardware, mut os, mut application) = (None, None, None);
        for_each_option(body.get(16..).unwrap_or(&[]), be, |code, v| {
            match code {
                1 => comments.push(option_text(v)),
                2 => hardware = Some(option_text(v)),
                3 => os = Some(option_text(v)),
                4 => application = Some(option_text(v)),
                _ => {}
            }
            Ok(())
        })?;
        st.info.format = Some(Format::Pcapng);
        st.info.file_type = Some("pcapng");
        if first {
            st.info.comments = comments;
            st.info.hardware = hardware;
            st.info.os = os;
            st.info.application = application;
        }
        st.info.sections += 1;
        self.section = Some(Section {
            big_endian: be,
            interfaces: Vec::new(),
        });
        Ok(())
    }

    fn interface(&mut self, body: &[u8], be: bool, st: &mut State) -> Result<(), BlockError> {
        let link_type = LinkType(u32::from(u16_at(body, 0, be).unwrap_or(0)));
        let snaplen = u32_at(body, 4, be).unwrap_or(0);
        let mut info = InterfaceInfo {
            name: None,
            description: None,
            os: None,
            filter: None,
            link_type,
            snaplen,
            ticks_per_second: DEFAULT_TICKS,
            precision: TimePrecision::Microseconds,
            tsresol: None,
            ts_offset: 0,
            section: st.info.sections.saturating_sub(1),
        };
        let mut bad_tsresol = None;
        for_each_option(body.get(8..).unwrap_or(&[]), be, |code, v| {
            match code {
                2 => info.name = Some(option_text(v)),
                3 => info.description = Some(option_text(v)),
                // Malformed lengths are ignored, as Wireshark does.
                9 if v.len() == 1 => match ticks_for_tsresol(v[0]) {
                    Some(t) => {
                        info.ticks_per_second = t;
                        info.tsresol = Some(v[0]);
                    }
                    None => bad_tsresol = Some(v[0]),
                },
                11 => info.filter = Some(option_text(v.get(1..).unwrap_or(&[]))),
                12 => info.os = Some(option_text(v)),
                14 if v.len() == 8 => {
                    info.ts_offset = u64_at(v, 0, be).unwrap_or(0) as i64;
                }
                _ => {}
            }
            Ok(())
        })?;
        info.precision = TimePrecision::from_ticks_per_second(info.ticks_per_second);
        let global = st.info.interfaces.len() as u32;
        if let Some(r) = bad_tsresol {
            st.warn(format!(
                "interface {global}: if_tsresol 0x{r:02x} is unusable; microseconds assumed"
            ));
        }
        let Some(section) = self.section.as_mut() else {
            return Err("interface description outside a section".into());
        };
        section.interfaces.push(Iface {
            link_type,
            snaplen,
            ticks_per_second: info.ticks_per_second,
            ts_offset: info.ts_offset,
            global,
            max_caplen: link_type.max_captured_len(),
            min_caplen: link_type.pseudo_header_len().unwrap_or(0),
        });
        st.info.interfaces.push(info);
        Ok(())
    }

    fn lookup(&self, id: u32) -> Result<Iface, BlockError> {
        let ifaces = self.section.as_ref().map_or(&[][..], |s| &s.interfaces[..]);
        ifaces.get(id as usize).copied().ok_or_else(|| {
            format!(
                "interface index {id} is not less than section interface count {}",
                ifaces.len()
            )
        })
    }

    /// Enhanced (type 6) and obsolete (type 2) packet blocks.
    fn packet<F: FnMut(&Frame<'_>)>(
        &mut self,
        block_type: u32,
        body: &[u8],
        be: bool,
        st: &mut State,
        on_frame: &mut F,
    ) -> Result<(), BlockError> {
        let iface_id = if block_type == block::EPB {
            u32_at(body, 0, be).unwrap_or(0)
        } else {
            u32::from(u16_at(body, 0, be).unwrap_or(0))
        };
        let iface = self.lookup(iface_id)?;
        let ts_high = u64::from(u32_at(body, 4, be).unwrap_or(0));
        let ts_low = u64::from(u32_at(body, 8, be).unwrap_or(0));
        let cap_len = u32_at(body, 12, be).unwrap_or(0);
        let orig_len = u32_at(body, 16, be).unwrap_or(0);
        let space = body.len().saturating_sub(20);
        if cap_len as usize > space {
            return Err(format!(
                "captured length {cap_len} is bigger than the {space} bytes the block holds"
            ));
        }
        if cap_len > iface.max_caplen {
            return Err(format!(
                "cap_len {cap_len} is larger than {}",
                iface.max_caplen
            ));
        }
        if cap_len < iface.min_caplen {
            return Err(iface
                .link_type
                .pseudo_header_damage(cap_len)
                .unwrap_or_default());
        }
        let data_end = 20 + cap_len as usize;
        let data = body.get(20..data_end).unwrap_or(&[]);
        let opts = body.get(pad4(data_end).min(body.len())..).unwrap_or(&[]);
        self.comments.clear();
        let comments = &mut self.comments;
        for_each_option(opts, be, |code, v| {
            let expected = match code {
                1 => {
                    comments.push(option_text(v));
                    return Ok(());
                }
                2 => Some(("flags", 4)),
                4 => Some(("drop count", 8)),
                5 => Some(("packet id", 8)),
                6 => Some(("queue", 4)),
                _ => None,
            };
            match expected {
                Some((what, want)) if v.len() != want => Err(format!(
                    "packet block {what} option length {} is not {want}",
                    v.len()
                )),
                _ => Ok(()),
            }
        })?;
        let number = st.next_frame();
        on_frame(&Frame {
            number,
            ts: timestamp((ts_high << 32) | ts_low, &iface),
            has_ts: true,
            pcapng: true,
            interface: iface.global,
            link_type: iface.link_type,
            orig_len,
            data,
            comments: &self.comments,
        });
        Ok(())
    }

    /// A simple packet block. Like Wireshark, only `12 + pad4(captured)` bytes are read before
    /// the trailing length, where captured = min(original length, interface snaplen).
    fn simple_packet<F: FnMut(&Frame<'_>)>(
        &mut self,
        b: &[u8],
        offset: u64,
        len: usize,
        be: bool,
        st: &mut State,
        on_frame: &mut F,
    ) -> Step {
        let Some(orig_len) = u32_at(b, 8, be) else {
            return Step::Need(12);
        };
        let iface = match self.lookup(0) {
            Ok(i) => i,
            Err(_) => {
                return self.reject(
                    st,
                    offset,
                    "simple packet block before any interface".into(),
                )
            }
        };
        let cap_len = if iface.snaplen != 0 {
            orig_len.min(iface.snaplen)
        } else {
            orig_len
        };
        let used = 16 + pad4(cap_len as usize);
        if used > len {
            let reason = format!(
                "total block length {len} of an SPB is too small for {cap_len} bytes of packet data"
            );
            return self.reject(st, offset, reason);
        }
        if cap_len > iface.max_caplen {
            let reason = format!("cap_len {cap_len} is larger than {}", iface.max_caplen);
            return self.reject(st, offset, reason);
        }
        if cap_len < iface.min_caplen {
            let reason = iface
                .link_type
                .pseudo_header_damage(cap_len)
                .unwrap_or_default();
            return self.reject(st, offset, reason);
        }
        if b.len() < used {
            return Step::Need(used);
        }
        let trailer = u32_at(b, used - 4, be).unwrap_or(0);
        if pad4_u32(trailer) as usize != len {
            let reason = format!(
                "total block lengths (first {len} and second {}) don't match",
                pad4_u32(trailer)
            );
            return self.reject(st, offset, reason);
        }
        let data = b.get(12..12 + cap_len as usize).unwrap_or(&[]);
        let number = st.next_frame();
        on_frame(&Frame {
            number,
            ts: Timestamp::default(),
            has_ts: false,
            pcapng: true,
            interface: iface.global,
            link_type: iface.link_type,
            orig_len,
            data,
            comments: &[],
        });
        Step::Consumed(used)
    }

    fn non_packet(&mut self, block_type: u32, offset: u64, st: &mut State) {
        let number = st.next_frame();
        st.info.non_packet_records += 1;
        if !self.warned_non_packet {
            self.warned_non_packet = true;
            st.warn(format!(
                "frame {number} at byte offset {offset}: a pcapng block of type 0x{block_type:x} \
                 (custom, systemd journal or sysdig event) is numbered as a frame, as Wireshark \
                 does, but it is not a packet and is not analysed"
            ));
        }
    }

    /// End of input with `rest` unconsumed.
    pub(super) fn finish(&mut self, rest: &[u8], offset: u64, st: &mut State) {
        if rest.is_empty() {
            return;
        }
        if self.section.is_none() {
            st.info.format = Some(Format::Pcapng);
            st.fail(CaptureError::BadHeader {
                format: Some(Format::Pcapng),
                offset,
                reason: format!(
                    "the file ends inside the first section header block ({} bytes present)",
                    rest.len()
                ),
            });
            return;
        }
        st.info.truncated = true;
        let frame = st.frames + 1;
        st.warn(format!(
            "frame {frame} at byte offset {offset}: the file ends inside a block ({} bytes of it \
             present)",
            rest.len()
        ));
    }
}

/// Outcome of handling one block.
enum Step {
    Consumed(usize),
    /// Bytes needed (from the block start) to go on.
    Need(usize),
    Stop,
}
