//! DNS messages (RFC 1035, EDNS0 RFC 6891, SVCB/HTTPS RFC 9460), also used for mDNS and LLMNR.
//!
//! [`Packet`] is a zero-copy view of the 12-byte header; [`parse`] walks the whole message into
//! an owned [`Message`]. Parsing never fails and never panics: a message that stops making sense
//! keeps every question and record read before the damage and says where and why in
//! [`Message::malformed`]. Names follow compression pointers with a jump limit (so pointer loops
//! end cleanly) and a length limit; record data is read only inside its RDLENGTH.

use std::borrow::Cow;
use std::net::{Ipv4Addr, Ipv6Addr};

use super::text::{escaped, push_escaped};

mod field {
    use std::ops::Range;
    pub const ID: Range<usize> = 0..2;
    pub const FLAGS: Range<usize> = 2..4;
    pub const QDCOUNT: Range<usize> = 4..6;
    pub const ANCOUNT: Range<usize> = 6..8;
    pub const NSCOUNT: Range<usize> = 8..10;
    pub const ARCOUNT: Range<usize> = 10..12;
    pub const HEADER_LEN: usize = 12;
}

/// Compression pointers followed while reading one name before it is declared a loop.
pub const MAX_POINTER_JUMPS: usize = 64;
/// Longest name text kept (RFC 1035 allows 255 wire octets; text escapes can make it longer).
pub const MAX_NAME_TEXT: usize = 1024;
/// Records kept per section; the rest are counted in [`Message::records_dropped`].
pub const MAX_RECORDS_PER_SECTION: usize = 64;
/// Questions kept; the rest are counted in [`Message::records_dropped`].
pub const MAX_QUESTIONS: usize = 16;

/// Record types with a name (`qtype`/`rtype` strings).
pub mod rtype {
    pub const A: u16 = 1;
    pub const NS: u16 = 2;
    pub const CNAME: u16 = 5;
    pub const SOA: u16 = 6;
    pub const PTR: u16 = 12;
    pub const HINFO: u16 = 13;
    pub const MX: u16 = 15;
    pub const TXT: u16 = 16;
    pub const AAAA: u16 = 28;
    pub const SRV: u16 = 33;
    pub const DNAME: u16 = 39;
    pub const OPT: u16 = 41;
    pub const SVCB: u16 = 64;
    pub const HTTPS: u16 = 65;
    pub const CAA: u16 = 257;
}

/// Why a header could not be viewed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Error {
    /// Fewer than 12 bytes.
    Truncated,
}

/// A read-only view of a DNS message header.
#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wraps a buffer without checking its length (accessors then return 0 for missing bytes).
    pub fn new_unchecked(buffer: T) -> Self {
        Packet { buffer }
    }
    /// Wraps a buffer that holds at least a whole header.
    pub fn new_checked(buffer: T) -> Result<Self, Error> {
        let p = Packet::new_unchecked(buffer);
        p.check_len()?;
        Ok(p)
    }
    /// `Err(Truncated)` when the header is incomplete.
    pub fn check_len(&self) -> Result<(), Error> {
        if self.buffer.as_ref().len() < field::HEADER_LEN {
            Err(Error::Truncated)
        } else {
            Ok(())
        }
    }
    fn u16_at(&self, range: std::ops::Range<usize>) -> u16 {
        match self.buffer.as_ref().get(range) {
            Some(&[a, b]) => u16::from_be_bytes([a, b]),
            _ => 0,
        }
    }
    pub fn id(&self) -> u16 {
        self.u16_at(field::ID)
    }
    pub fn flags(&self) -> Flags {
        Flags(self.u16_at(field::FLAGS))
    }
    pub fn question_count(&self) -> u16 {
        self.u16_at(field::QDCOUNT)
    }
    pub fn answer_count(&self) -> u16 {
        self.u16_at(field::ANCOUNT)
    }
    pub fn authority_count(&self) -> u16 {
        self.u16_at(field::NSCOUNT)
    }
    pub fn additional_count(&self) -> u16 {
        self.u16_at(field::ARCOUNT)
    }
}

/// The 16-bit flags word of the header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Flags(pub u16);

impl Flags {
    pub fn response(self) -> bool {
        self.0 & 0x8000 != 0
    }
    pub fn opcode(self) -> u8 {
        ((self.0 >> 11) & 0xf) as u8
    }
    pub fn authoritative(self) -> bool {
        self.0 & 0x0400 != 0
    }
    pub fn truncated(self) -> bool {
        self.0 & 0x0200 != 0
    }
    pub fn recursion_desired(self) -> bool {
        self.0 & 0x0100 != 0
    }
    pub fn recursion_available(self) -> bool {
        self.0 & 0x0080 != 0
    }
    pub fn authenticated_data(self) -> bool {
        self.0 & 0x0020 != 0
    }
    pub fn checking_disabled(self) -> bool {
        self.0 & 0x0010 != 0
    }
    /// The 4-bit header RCODE (Wireshark's `dns.flags.rcode`).
    pub fn rcode(self) -> u8 {
        (self.0 & 0xf) as u8
    }
}

/// One question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub name: String,
    pub qtype: u16,
    /// The class field as sent (mDNS puts the unicast-response bit in its top bit).
    pub qclass: u16,
}

/// One resource record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub name: String,
    pub rtype: u16,
    /// The class field as sent (mDNS puts the cache-flush bit in its top bit; OPT: UDP size).
    pub class: u16,
    pub ttl: u32,
    pub data: RData,
}

/// Record data for the types we read; everything else keeps only its length.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RData {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    /// CNAME, NS, PTR, DNAME.
    Name(String),
    Mx {
        preference: u16,
        exchange: String,
    },
    Txt(Vec<String>),
    Srv {
        priority: u16,
        weight: u16,
        port: u16,
        target: String,
    },
    Soa {
        mname: String,
        rname: String,
        serial: u32,
        refresh: u32,
        retry: u32,
        expire: u32,
        minimum: u32,
    },
    /// SVCB and HTTPS: priority, target and the parameters rendered as `key=value`.
    Svcb {
        priority: u16,
        target: String,
        params: Vec<String>,
    },
    Hinfo {
        cpu: String,
        os: String,
    },
    Caa {
        flags: u8,
        tag: String,
        value: String,
    },
    /// EDNS0 pseudo-record: the option codes present.
    Opt {
        option_codes: Vec<u16>,
    },
    /// Not decoded (or undecodable): the RDLENGTH.
    Other {
        len: u16,
    },
}

/// EDNS0 facts from the OPT record (RFC 6891).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Edns {
    pub udp_payload_size: u16,
    /// The upper 8 bits of the 12-bit extended RCODE.
    pub extended_rcode_high: u8,
    pub version: u8,
    /// The DO bit (DNSSEC OK).
    pub dnssec_ok: bool,
}

/// Where and why parsing stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed {
    /// Byte offset inside the DNS message.
    pub offset: usize,
    pub reason: MalformedReason,
}

/// The ways a DNS message can be broken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MalformedReason {
    /// Fewer than 12 header bytes.
    ShortHeader,
    /// A section claims more entries than the bytes hold.
    Truncated,
    /// Compression pointers form a loop (or nest deeper than [`MAX_POINTER_JUMPS`]).
    PointerLoop,
    /// A compression pointer points outside the message.
    BadPointer,
    /// A label type other than normal or pointer (0x40 / 0x80 prefixes).
    BadLabelType,
    /// A name longer than [`MAX_NAME_TEXT`].
    NameTooLong,
    /// RDLENGTH runs past the end of the message, or the data does not fit its own length.
    BadRdLength,
}

impl MalformedReason {
    pub fn as_str(self) -> &'static str {
        match self {
            MalformedReason::ShortHeader => "short header",
            MalformedReason::Truncated => "truncated",
            MalformedReason::PointerLoop => "compression pointer loop",
            MalformedReason::BadPointer => "compression pointer out of range",
            MalformedReason::BadLabelType => "bad label type",
            MalformedReason::NameTooLong => "name too long",
            MalformedReason::BadRdLength => "bad RDLENGTH",
        }
    }
}

/// A parsed DNS message.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    pub id: u16,
    pub flags: Flags,
    pub questions: Vec<Question>,
    pub answers: Vec<Record>,
    pub authorities: Vec<Record>,
    /// Additional records, without the OPT pseudo-record (see [`Message::edns`]).
    pub additionals: Vec<Record>,
    pub edns: Option<Edns>,
    /// Header counts as sent (qd, an, ns, ar).
    pub counts: [u16; 4],
    /// Questions/records parsed but not kept because of the per-section caps.
    pub records_dropped: u32,
    pub malformed: Option<Malformed>,
}

impl Message {
    /// The full RCODE: the header's 4 bits plus, with EDNS0, the OPT record's upper 8 bits.
    pub fn extended_rcode(&self) -> u16 {
        let high = self.edns.map_or(0, |e| u16::from(e.extended_rcode_high));
        (high << 4) | u16::from(self.flags.rcode())
    }
}

/// Reads a whole message. Never fails: see the module doc.
pub fn parse(bytes: &[u8]) -> Message {
    let header = Packet::new_unchecked(bytes);
    let mut msg = Message {
        id: header.id(),
        flags: header.flags(),
        counts: [
            header.question_count(),
            header.answer_count(),
            header.authority_count(),
            header.additional_count(),
        ],
        ..Message::default()
    };
    if header.check_len().is_err() {
        msg.malformed = Some(Malformed {
            offset: bytes.len(),
            reason: MalformedReason::ShortHeader,
        });
        return msg;
    }
    let mut offset = field::HEADER_LEN;
    if let Err(m) = parse_sections(bytes, &mut offset, &mut msg) {
        msg.malformed = Some(m);
    }
    msg
}

fn parse_sections(bytes: &[u8], offset: &mut usize, msg: &mut Message) -> Result<(), Malformed> {
    for _ in 0..msg.counts[0] {
        let (name, next) = read_name(bytes, *offset)?;
        let fixed = bytes.get(next..next + 4).ok_or(Malformed {
            offset: next,
            reason: MalformedReason::Truncated,
        })?;
        let q = Question {
            name,
            qtype: u16::from_be_bytes([fixed[0], fixed[1]]),
            qclass: u16::from_be_bytes([fixed[2], fixed[3]]),
        };
        *offset = next + 4;
        if msg.questions.len() < MAX_QUESTIONS {
            msg.questions.push(q);
        } else {
            msg.records_dropped += 1;
        }
    }
    for section in 0..3 {
        for _ in 0..msg.counts[section + 1] {
            let record = read_record(bytes, offset)?;
            if record.rtype == rtype::OPT && section == 2 {
                if msg.edns.is_none() {
                    msg.edns = Some(Edns {
                        udp_payload_size: record.class,
                        extended_rcode_high: (record.ttl >> 24) as u8,
                        version: (record.ttl >> 16) as u8,
                        dnssec_ok: record.ttl & 0x8000 != 0,
                    });
                }
                continue;
            }
            let list = match section {
                0 => &mut msg.answers,
                1 => &mut msg.authorities,
                _ => &mut msg.additionals,
            };
            if list.len() < MAX_RECORDS_PER_SECTION {
                list.push(record);
            } else {
                msg.records_dropped += 1;
            }
        }
    }
    Ok(())
}

fn read_u16(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]))
}

fn read_u32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes([
        *bytes.get(at)?,
        *bytes.get(at + 1)?,
        *bytes.get(at + 2)?,
        *bytes.get(at + 3)?,
    ]))
}

fn read_record(bytes: &[u8], offset: &mut usize) -> Result<Record, Malformed> {
    let (name, next) = read_name(bytes, *offset)?;
    let truncated = Malformed {
        offset: next,
        reason: MalformedReason::Truncated,
    };
    let rtype = read_u16(bytes, next).ok_or(truncated)?;
    let class = read_u16(bytes, next + 2).ok_or(truncated)?;
    let ttl = read_u32(bytes, next + 4).ok_or(truncated)?;
    let rdlength = read_u16(bytes, next + 8).ok_or(truncated)?;
    let rdata_start = next + 10;
    let rdata_end = rdata_start + usize::from(rdlength);
    if rdata_end > bytes.len() {
        return Err(Malformed {
            offset: rdata_start,
            reason: MalformedReason::BadRdLength,
        });
    }
    let data = read_rdata(bytes, rtype, rdata_start, rdata_end)?;
    *offset = rdata_end;
    Ok(Record {
        name,
        rtype,
        class,
        ttl,
        data,
    })
}

/// Reads record data in `bytes[start..end]`; names may point anywhere in the message.
fn read_rdata(bytes: &[u8], rtype: u16, start: usize, end: usize) -> Result<RData, Malformed> {
    let bad = Malformed {
        offset: start,
        reason: MalformedReason::BadRdLength,
    };
    let rdata = bytes.get(start..end).ok_or(bad)?;
    // A name inside RDATA must end inside RDATA.
    let name_in = |at: usize| -> Result<(String, usize), Malformed> {
        let (name, next) = read_name(bytes, at)?;
        if next > end {
            return Err(bad);
        }
        Ok((name, next))
    };
    let data = match rtype {
        rtype::A => match <[u8; 4]>::try_from(rdata) {
            Ok(a) => RData::A(Ipv4Addr::from(a)),
            Err(_) => return Err(bad),
        },
        rtype::AAAA => match <[u8; 16]>::try_from(rdata) {
            Ok(a) => RData::Aaaa(Ipv6Addr::from(a)),
            Err(_) => return Err(bad),
        },
        rtype::CNAME | rtype::NS | rtype::PTR | rtype::DNAME => RData::Name(name_in(start)?.0),
        rtype::MX => {
            let preference = read_u16(rdata, 0).ok_or(bad)?;
            RData::Mx {
                preference,
                exchange: name_in(start + 2)?.0,
            }
        }
        rtype::TXT => {
            let mut strings = Vec::new();
            let mut at = 0;
            while at < rdata.len() {
                let (s, next) = read_character_string(rdata, at).ok_or(bad)?;
                strings.push(s);
                at = next;
            }
            RData::Txt(strings)
        }
        rtype::SRV => {
            let priority = read_u16(rdata, 0).ok_or(bad)?;
            let weight = read_u16(rdata, 2).ok_or(bad)?;
            let port = read_u16(rdata, 4).ok_or(bad)?;
            RData::Srv {
                priority,
                weight,
                port,
                target: name_in(start + 6)?.0,
            }
        }
        rtype::SOA => {
            let (mname, next) = name_in(start)?;
            let (rname, next) = name_in(next)?;
            let word = |i: usize| read_u32(bytes, next + 4 * i).filter(|_| next + 4 * i + 4 <= end);
            RData::Soa {
                mname,
                rname,
                serial: word(0).ok_or(bad)?,
                refresh: word(1).ok_or(bad)?,
                retry: word(2).ok_or(bad)?,
                expire: word(3).ok_or(bad)?,
                minimum: word(4).ok_or(bad)?,
            }
        }
        rtype::SVCB | rtype::HTTPS => {
            let priority = read_u16(rdata, 0).ok_or(bad)?;
            let (target, next) = name_in(start + 2)?;
            let params = read_svc_params(bytes.get(next..end).ok_or(bad)?).ok_or(bad)?;
            RData::Svcb {
                priority,
                target,
                params,
            }
        }
        rtype::HINFO => {
            let (cpu, next) = read_character_string(rdata, 0).ok_or(bad)?;
            let (os, _) = read_character_string(rdata, next).ok_or(bad)?;
            RData::Hinfo { cpu, os }
        }
        rtype::CAA => {
            let flags = *rdata.first().ok_or(bad)?;
            let tag_len = usize::from(*rdata.get(1).ok_or(bad)?);
            let tag = rdata.get(2..2 + tag_len).ok_or(bad)?;
            let value = rdata.get(2 + tag_len..).unwrap_or(&[]);
            RData::Caa {
                flags,
                tag: escape_text(tag),
                value: escape_text(value),
            }
        }
        rtype::OPT => {
            let mut option_codes = Vec::new();
            let mut at = 0;
            while at < rdata.len() {
                let code = read_u16(rdata, at).ok_or(bad)?;
                let len = usize::from(read_u16(rdata, at + 2).ok_or(bad)?);
                if at + 4 + len > rdata.len() {
                    return Err(bad);
                }
                if option_codes.len() < MAX_RECORDS_PER_SECTION {
                    option_codes.push(code);
                }
                at += 4 + len;
            }
            RData::Opt { option_codes }
        }
        _ => RData::Other {
            len: rdata.len() as u16,
        },
    };
    Ok(data)
}

/// A `<character-string>`: one length byte then that many bytes.
fn read_character_string(bytes: &[u8], at: usize) -> Option<(String, usize)> {
    let len = usize::from(*bytes.get(at)?);
    let s = bytes.get(at + 1..at + 1 + len)?;
    Some((escape_text(s), at + 1 + len))
}

/// SvcParams (RFC 9460 §2.2) as `key=value` strings, in wire order.
fn read_svc_params(mut bytes: &[u8]) -> Option<Vec<String>> {
    let mut params = Vec::new();
    while !bytes.is_empty() {
        let key = read_u16(bytes, 0)?;
        let len = usize::from(read_u16(bytes, 2)?);
        let value = bytes.get(4..4 + len)?;
        bytes = bytes.get(4 + len..)?;
        if params.len() >= MAX_RECORDS_PER_SECTION {
            continue;
        }
        let text = match key {
            0 => format!(
                "mandatory={}",
                join_u16s(value, |k| svc_key_name(k).into_owned())
            ),
            1 => {
                let mut ids = Vec::new();
                let mut at = 0;
                while at < value.len() {
                    let (s, next) = read_character_string(value, at)?;
                    ids.push(s);
                    at = next;
                }
                format!("alpn={}", ids.join(","))
            }
            2 => "no-default-alpn".to_string(),
            3 => format!("port={}", read_u16(value, 0)?),
            4 => {
                let addrs: Vec<String> = value
                    .chunks_exact(4)
                    .map(|c| Ipv4Addr::new(c[0], c[1], c[2], c[3]).to_string())
                    .collect();
                format!("ipv4hint={}", addrs.join(","))
            }
            6 => {
                let addrs: Vec<String> = value
                    .chunks_exact(16)
                    .filter_map(|c| <[u8; 16]>::try_from(c).ok())
                    .map(|c| Ipv6Addr::from(c).to_string())
                    .collect();
                format!("ipv6hint={}", addrs.join(","))
            }
            _ => format!("{}=<{} bytes>", svc_key_name(key), value.len()),
        };
        params.push(text);
    }
    Some(params)
}

fn join_u16s(bytes: &[u8], f: impl Fn(u16) -> String) -> String {
    bytes
        .chunks_exact(2)
        .map(|c| f(u16::from_be_bytes([c[0], c[1]])))
        .collect::<Vec<_>>()
        .join(",")
}

fn svc_key_name(key: u16) -> Cow<'static, str> {
    match key {
        0 => "mandatory".into(),
        1 => "alpn".into(),
        2 => "no-default-alpn".into(),
        3 => "port".into(),
        4 => "ipv4hint".into(),
        5 => "ech".into(),
        6 => "ipv6hint".into(),
        7 => "dohpath".into(),
        8 => "ohttp".into(),
        k => format!("key{k}").into(),
    }
}

/// Reads a possibly compressed name starting at `offset`. Returns the name as text (labels joined
/// by '.', the root as Wireshark's "<Root>") and the offset just past the name in the original
/// position (after the first pointer, if any).
pub fn read_name(bytes: &[u8], offset: usize) -> Result<(String, usize), Malformed> {
    let mut name = String::new();
    let mut at = offset;
    let mut end_of_name = None;
    let mut jumps = 0;
    loop {
        let len_byte = *bytes.get(at).ok_or(Malformed {
            offset: at,
            reason: MalformedReason::Truncated,
        })?;
        match len_byte & 0xc0 {
            0x00 => {
                if len_byte == 0 {
                    if end_of_name.is_none() {
                        end_of_name = Some(at + 1);
                    }
                    break;
                }
                let len = usize::from(len_byte);
                let label = bytes.get(at + 1..at + 1 + len).ok_or(Malformed {
                    offset: at,
                    reason: MalformedReason::Truncated,
                })?;
                if !name.is_empty() {
                    name.push('.');
                }
                push_escaped(&mut name, label);
                if name.len() > MAX_NAME_TEXT {
                    return Err(Malformed {
                        offset: at,
                        reason: MalformedReason::NameTooLong,
                    });
                }
                at += 1 + len;
            }
            0xc0 => {
                let low = *bytes.get(at + 1).ok_or(Malformed {
                    offset: at,
                    reason: MalformedReason::Truncated,
                })?;
                let target = (usize::from(len_byte & 0x3f) << 8) | usize::from(low);
                if end_of_name.is_none() {
                    end_of_name = Some(at + 2);
                }
                jumps += 1;
                if jumps > MAX_POINTER_JUMPS {
                    return Err(Malformed {
                        offset: at,
                        reason: MalformedReason::PointerLoop,
                    });
                }
                if target >= bytes.len() {
                    return Err(Malformed {
                        offset: at,
                        reason: MalformedReason::BadPointer,
                    });
                }
                at = target;
            }
            _ => {
                return Err(Malformed {
                    offset: at,
                    reason: MalformedReason::BadLabelType,
                })
            }
        }
    }
    if name.is_empty() {
        name.push_str("<Root>");
    }
    Ok((name, end_of_name.unwrap_or(at + 1)))
}

fn escape_text(bytes: &[u8]) -> String {
    // TXT strings are often UTF-8; keep valid UTF-8 as is and escape only control bytes.
    match std::str::from_utf8(bytes) {
        Ok(s) if !s.chars().any(char::is_control) => s.to_string(),
        _ => escaped(bytes),
    }
}

/// Record type mnemonics as Wireshark names them (`dns_types_vals`): the Info column's names
/// and the value strings of the packet engine's `dns.qry.type` / `dns.resp.type`.
pub static TYPE_NAMES: &[(u64, &str)] = &[
    (1, "A"),
    (2, "NS"),
    (3, "MD"),
    (4, "MF"),
    (5, "CNAME"),
    (6, "SOA"),
    (7, "MB"),
    (8, "MG"),
    (9, "MR"),
    (10, "NULL"),
    (11, "WKS"),
    (12, "PTR"),
    (13, "HINFO"),
    (14, "MINFO"),
    (15, "MX"),
    (16, "TXT"),
    (17, "RP"),
    (18, "AFSDB"),
    (19, "X25"),
    (20, "ISDN"),
    (21, "RT"),
    (22, "NSAP"),
    (23, "NSAP-PTR"),
    (24, "SIG"),
    (25, "KEY"),
    (26, "PX"),
    (27, "GPOS"),
    (28, "AAAA"),
    (29, "LOC"),
    (30, "NXT"),
    (31, "EID"),
    (32, "NIMLOC"),
    (33, "SRV"),
    (34, "ATMA"),
    (35, "NAPTR"),
    (36, "KX"),
    (37, "CERT"),
    (38, "A6"),
    (39, "DNAME"),
    (40, "SINK"),
    (41, "OPT"),
    (42, "APL"),
    (43, "DS"),
    (44, "SSHFP"),
    (45, "IPSECKEY"),
    (46, "RRSIG"),
    (47, "NSEC"),
    (48, "DNSKEY"),
    (49, "DHCID"),
    (50, "NSEC3"),
    (51, "NSEC3PARAM"),
    (52, "TLSA"),
    (53, "SMIMEA"),
    (55, "HIP"),
    (59, "CDS"),
    (60, "CDNSKEY"),
    (61, "OPENPGPKEY"),
    (62, "CSYNC"),
    (63, "ZONEMD"),
    (64, "SVCB"),
    (65, "HTTPS"),
    (99, "SPF"),
    (108, "EUI48"),
    (109, "EUI64"),
    (249, "TKEY"),
    (250, "TSIG"),
    (251, "IXFR"),
    (252, "AXFR"),
    (253, "MAILB"),
    (254, "MAILA"),
    (255, "ANY"),
    (256, "URI"),
    (257, "CAA"),
    (32768, "TA"),
    (32769, "DLV"),
];

/// The mnemonic of a record type, as Wireshark shows it, or `TYPEnnn` (RFC 3597). The names
/// are the `dns.qry.type` field's value strings ([`TYPE_NAMES`]).
pub fn type_name(t: u16) -> Cow<'static, str> {
    match TYPE_NAMES.iter().find(|(n, _)| *n == u64::from(t)) {
        Some((_, name)) => Cow::Borrowed(name),
        None => Cow::Owned(format!("TYPE{t}")),
    }
}

/// The name of a class (without the mDNS top bit), or `CLASSnnn`.
pub fn class_name(c: u16) -> Cow<'static, str> {
    match c {
        1 => "IN".into(),
        3 => "CH".into(),
        4 => "HS".into(),
        254 => "NONE".into(),
        255 => "ANY".into(),
        other => format!("CLASS{other}").into(),
    }
}

/// RCODE names (RFC 1035, 2136, 6891, 8945, 7873).
pub fn rcode_name(rcode: u16) -> Cow<'static, str> {
    let name = match rcode {
        0 => "NOERROR",
        1 => "FORMERR",
        2 => "SERVFAIL",
        3 => "NXDOMAIN",
        4 => "NOTIMP",
        5 => "REFUSED",
        6 => "YXDOMAIN",
        7 => "YXRRSET",
        8 => "NXRRSET",
        9 => "NOTAUTH",
        10 => "NOTZONE",
        11 => "DSOTYPENI",
        16 => "BADVERS",
        17 => "BADKEY",
        18 => "BADTIME",
        19 => "BADMODE",
        20 => "BADNAME",
        21 => "BADALG",
        22 => "BADTRUNC",
        23 => "BADCOOKIE",
        other => return Cow::Owned(format!("RCODE{other}")),
    };
    Cow::Borrowed(name)
}

/// OPCODE names.
pub fn opcode_name(opcode: u8) -> Cow<'static, str> {
    match opcode {
        0 => "QUERY".into(),
        1 => "IQUERY".into(),
        2 => "STATUS".into(),
        4 => "NOTIFY".into(),
        5 => "UPDATE".into(),
        6 => "DSO".into(),
        other => format!("OPCODE{other}").into(),
    }
}

impl RData {
    /// The main value as Wireshark's field for it shows it (`dns.a`, `dns.cname`,
    /// `dns.mx.mail_exchange`, `dns.srv.target`, `dns.txt`...).
    pub fn main_text(&self) -> String {
        match self {
            RData::A(a) => a.to_string(),
            RData::Aaaa(a) => a.to_string(),
            RData::Name(n) => n.clone(),
            RData::Mx { exchange, .. } => exchange.clone(),
            RData::Txt(strings) => strings.join(""),
            RData::Srv { target, .. } => target.clone(),
            RData::Soa { mname, .. } => mname.clone(),
            RData::Svcb { target, .. } => target.clone(),
            RData::Hinfo { cpu, .. } => cpu.clone(),
            RData::Caa { value, .. } => value.clone(),
            RData::Opt { .. } => String::new(),
            RData::Other { len } => format!("<{len} bytes>"),
        }
    }

    /// Secondary fields (MX preference, SRV priority/weight/port, SOA timers...), if any.
    pub fn extra_text(&self) -> Option<String> {
        match self {
            RData::Mx { preference, .. } => Some(format!("preference {preference}")),
            RData::Srv {
                priority,
                weight,
                port,
                ..
            } => Some(format!("priority {priority} weight {weight} port {port}")),
            RData::Soa {
                rname,
                serial,
                refresh,
                retry,
                expire,
                minimum,
                ..
            } => Some(format!(
                "rname {rname} serial {serial} refresh {refresh} retry {retry} expire {expire} minimum {minimum}"
            )),
            RData::Svcb {
                priority, params, ..
            } => {
                let mut s = format!("priority {priority}");
                for p in params {
                    s.push(' ');
                    s.push_str(p);
                }
                Some(s)
            }
            RData::Txt(strings) if strings.len() > 1 => Some(format!("{} strings", strings.len())),
            RData::Hinfo { os, .. } => Some(format!("os {os}")),
            RData::Caa { flags, tag, .. } => Some(format!("flags {flags} tag {tag}")),
            RData::Opt { option_codes } if !option_codes.is_empty() => Some(format!(
                "options {}",
                option_codes
                    .iter()
                    .map(u16::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            )),
            _ => None,
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a DNS message: header fields, then raw section bytes.
    pub(crate) fn message(id: u16, flags: u16, counts: [u16; 4], body: &[u8]) -> Vec<u8> {
        let mut m = Vec::new();
        m.extend_from_slice(&id.to_be_bytes());
        m.extend_from_slice(&flags.to_be_bytes());
        for c in counts {
            m.extend_from_slice(&c.to_be_bytes());
        }
        m.extend_from_slice(body);
        m
    }

    /// Encodes a dotted name without compression.
    pub(crate) fn name(n: &str) -> Vec<u8> {
        let mut v = Vec::new();
        for label in n.split('.').filter(|l| !l.is_empty()) {
            v.push(label.len() as u8);
            v.extend_from_slice(label.as_bytes());
        }
        v.push(0);
        v
    }

    pub(crate) fn question(n: &str, qtype: u16) -> Vec<u8> {
        let mut v = name(n);
        v.extend_from_slice(&qtype.to_be_bytes());
        v.extend_from_slice(&1u16.to_be_bytes());
        v
    }

    pub(crate) fn record(
        name_bytes: &[u8],
        rtype: u16,
        class: u16,
        ttl: u32,
        rdata: &[u8],
    ) -> Vec<u8> {
        let mut v = name_bytes.to_vec();
        v.extend_from_slice(&rtype.to_be_bytes());
        v.extend_from_slice(&class.to_be_bytes());
        v.extend_from_slice(&ttl.to_be_bytes());
        v.extend_from_slice(&(rdata.len() as u16).to_be_bytes());
        v.extend_from_slice(rdata);
        v
    }

    #[test]
    fn test_header_view() {
        let m = message(0x1234, 0x8180, [1, 2, 3, 4], &[]);
        let p = Packet::new_checked(&m[..]).unwrap();
        assert_eq!(p.id(), 0x1234);
        assert!(p.flags().response());
        assert!(p.flags().recursion_desired());
        assert!(p.flags().recursion_available());
        assert_eq!(p.flags().rcode(), 0);
        assert_eq!(p.question_count(), 1);
        assert_eq!(p.additional_count(), 4);
        assert_eq!(Packet::new_checked(&m[..11]).unwrap_err(), Error::Truncated);
    }

    #[test]
    fn test_query_and_compressed_answers() {
        // Question at offset 12; answers point back to it with 0xc00c.
        let mut body = question("www.example.com", rtype::A);
        body.extend(record(
            &[0xc0, 0x0c],
            rtype::CNAME,
            1,
            300,
            &name("web.example.com"),
        ));
        body.extend(record(&[0xc0, 0x0c], rtype::A, 1, 60, &[192, 0, 2, 1]));
        let mut aaaa = [0u8; 16];
        aaaa[0] = 0x20;
        aaaa[1] = 0x01;
        aaaa[15] = 1;
        body.extend(record(&[0xc0, 0x0c], rtype::AAAA, 1, 60, &aaaa));
        let m = message(7, 0x8183, [1, 3, 0, 0], &body);
        let msg = parse(&m);
        assert_eq!(msg.malformed, None);
        assert_eq!(msg.flags.rcode(), 3);
        assert_eq!(msg.questions[0].name, "www.example.com");
        assert_eq!(msg.questions[0].qtype, rtype::A);
        assert_eq!(msg.answers.len(), 3);
        assert_eq!(msg.answers[0].name, "www.example.com");
        assert_eq!(msg.answers[0].data, RData::Name("web.example.com".into()));
        assert_eq!(msg.answers[1].data.main_text(), "192.0.2.1");
        assert_eq!(msg.answers[2].data.main_text(), "2001::1");
    }

    #[test]
    fn test_mx_srv_txt_soa_svcb() {
        let mut body = question("example.com", rtype::MX);
        let mut mx = 10u16.to_be_bytes().to_vec();
        mx.extend(name("mail.example.com"));
        body.extend(record(&[0xc0, 0x0c], rtype::MX, 1, 1, &mx));
        let mut srv = vec![0, 1, 0, 5, 0x13, 0xc4];
        srv.extend(name("sip.example.com"));
        body.extend(record(&[0xc0, 0x0c], rtype::SRV, 1, 1, &srv));
        body.extend(record(
            &[0xc0, 0x0c],
            rtype::TXT,
            1,
            1,
            b"\x0bv=spf1 -all\x02ab",
        ));
        let mut soa = name("ns.example.com");
        soa.extend(name("admin.example.com"));
        for v in [1u32, 2, 3, 4, 5] {
            soa.extend(v.to_be_bytes());
        }
        body.extend(record(&[0xc0, 0x0c], rtype::SOA, 1, 1, &soa));
        let mut https = vec![0, 1, 0]; // priority 1, target "."
        https.extend([0, 1, 0, 6, 2, b'h', b'2', 2, b'h', b'3']); // alpn=h2,h3
        https.extend([0, 4, 0, 4, 192, 0, 2, 7]); // ipv4hint
        body.extend(record(&[0xc0, 0x0c], rtype::HTTPS, 1, 1, &https));
        let m = message(1, 0x8400, [1, 5, 0, 0], &body);
        let msg = parse(&m);
        assert_eq!(msg.malformed, None, "{msg:?}");
        assert_eq!(msg.answers[0].data.main_text(), "mail.example.com");
        assert_eq!(
            msg.answers[0].data.extra_text().as_deref(),
            Some("preference 10")
        );
        assert_eq!(msg.answers[1].data.main_text(), "sip.example.com");
        assert_eq!(
            msg.answers[1].data.extra_text().as_deref(),
            Some("priority 1 weight 5 port 5060")
        );
        assert_eq!(
            msg.answers[2].data,
            RData::Txt(vec!["v=spf1 -all".into(), "ab".into()])
        );
        assert!(
            matches!(&msg.answers[3].data, RData::Soa { rname, minimum: 5, .. } if rname == "admin.example.com")
        );
        assert_eq!(msg.answers[4].data.main_text(), "<Root>");
        assert_eq!(
            msg.answers[4].data.extra_text().as_deref(),
            Some("priority 1 alpn=h2,h3 ipv4hint=192.0.2.7")
        );
    }

    #[test]
    fn test_edns_extended_rcode() {
        let mut body = question("example.com", rtype::A);
        // OPT: root name, class = 1232, ttl = ext-rcode 1, version 0, DO set.
        let opt_rdata = [0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8];
        body.extend(record(&[0], rtype::OPT, 1232, 0x0100_8000, &opt_rdata));
        let m = message(9, 0x8000, [1, 0, 0, 1], &body);
        let msg = parse(&m);
        assert_eq!(msg.malformed, None);
        let edns = msg.edns.unwrap();
        assert_eq!(edns.udp_payload_size, 1232);
        assert!(edns.dnssec_ok);
        assert_eq!(msg.extended_rcode(), 16);
        assert_eq!(rcode_name(msg.extended_rcode()), "BADVERS");
        assert!(msg.additionals.is_empty());
    }

    #[test]
    fn test_pointer_loop_rejected() {
        // The question name is a pointer to itself.
        let body = [0xc0, 0x0c, 0, 1, 0, 1];
        let msg = parse(&message(1, 0, [1, 0, 0, 0], &body));
        assert_eq!(msg.malformed.unwrap().reason, MalformedReason::PointerLoop);
        // Two pointers pointing at each other.
        let body = [0xc0, 0x0e, 0xc0, 0x0c, 0, 1, 0, 1];
        let msg = parse(&message(1, 0, [1, 0, 0, 0], &body));
        assert_eq!(msg.malformed.unwrap().reason, MalformedReason::PointerLoop);
    }

    #[test]
    fn test_bad_lengths_rejected() {
        // Pointer beyond the end.
        let msg = parse(&message(1, 0, [1, 0, 0, 0], &[0xc0, 0xff, 0, 1, 0, 1]));
        assert_eq!(msg.malformed.unwrap().reason, MalformedReason::BadPointer);
        // Label longer than the message.
        let msg = parse(&message(1, 0, [1, 0, 0, 0], &[10, b'a', b'b']));
        assert_eq!(msg.malformed.unwrap().reason, MalformedReason::Truncated);
        // RDLENGTH beyond the end.
        let mut body = question("a", 1);
        body.extend(record(&[0], 1, 1, 1, &[1, 2, 3, 4]));
        let len = body.len();
        body[len - 5] = 0xff;
        let msg = parse(&message(1, 0x8000, [1, 1, 0, 0], &body));
        assert_eq!(msg.malformed.unwrap().reason, MalformedReason::BadRdLength);
        assert_eq!(
            msg.questions.len(),
            1,
            "questions before the damage are kept"
        );
        // A record with 3 bytes of data.
        let mut body = question("a", 1);
        body.extend(record(&[0], 1, 1, 1, &[1, 2, 3]));
        let msg = parse(&message(1, 0x8000, [1, 1, 0, 0], &body));
        assert_eq!(msg.malformed.unwrap().reason, MalformedReason::BadRdLength);
        // Reserved label type.
        let msg = parse(&message(1, 0, [1, 0, 0, 0], &[0x40, 0, 0, 1, 0, 1]));
        assert_eq!(msg.malformed.unwrap().reason, MalformedReason::BadLabelType);
        // Counts beyond the data.
        let msg = parse(&message(1, 0, [3, 0, 0, 0], &question("a", 1)));
        assert_eq!(msg.malformed.unwrap().reason, MalformedReason::Truncated);
        // Short header.
        assert_eq!(
            parse(&[1, 2, 3]).malformed.unwrap().reason,
            MalformedReason::ShortHeader
        );
    }

    #[test]
    fn test_names() {
        assert_eq!(read_name(&[0], 0).unwrap(), ("<Root>".to_string(), 1));
        let n = read_name(b"\x03a b\x01\x07\x00", 0).unwrap();
        assert_eq!(n.0, "a b.\\x07");
        assert_eq!(type_name(1), "A");
        assert_eq!(type_name(65), "HTTPS");
        assert_eq!(type_name(999), "TYPE999");
        assert_eq!(rcode_name(3), "NXDOMAIN");
    }

    #[test]
    fn test_unknown_type_kept_with_length() {
        let mut body = question("x", 99);
        body.extend(record(&[0xc0, 0x0c], 4242, 1, 5, &[9; 7]));
        let msg = parse(&message(2, 0x8000, [1, 1, 0, 0], &body));
        assert_eq!(msg.malformed, None);
        assert_eq!(msg.answers[0].data, RData::Other { len: 7 });
        assert_eq!(msg.answers[0].data.main_text(), "<7 bytes>");
        assert_eq!(type_name(msg.answers[0].rtype), "TYPE4242");
    }
}
