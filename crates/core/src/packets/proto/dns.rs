//! `dns` (and `mdns`, `llmnr`): DNS over UDP and TCP (2-byte length prefix), as Wireshark's
//! `packet-dns.c` shows it: header, flags, questions, the three record sections, and the
//! query/response matching (`dns.response_in`, `dns.response_to`, `dns.time`).
//!
//! Matching is Wireshark's: per conversation (UDP addresses and ports, or the TCP stream) and
//! transaction id; a query repeated less than [`RETRANSMISSION_NANOS`] after an unanswered one
//! is a retransmission, as is a second response. `dns.response_in` points forward, so it is
//! learned in the first pass.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::super::engine::FrameCtx;
use super::super::field::{Base, FieldDef, FieldType as T, Value};
use super::super::tree::Dissection;
use super::app::{bit_text, Framing, Pdu, TEXT};
use crate::decode::dns::{read_name, type_name};

pub static DNS: FieldDef = FieldDef::protocol("dns", "Domain Name System");
pub static MDNS: FieldDef = FieldDef::protocol("mdns", "Multicast Domain Name System");
pub static LLMNR: FieldDef = FieldDef::protocol("llmnr", "Link-local Multicast Name Resolution");

/// Wireshark's `dns_types_description_vals`'s short form (`dns_types_vals`), used by the
/// Info column and as the value strings of the type fields.
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

/// `dns_classes`.
pub static CLASS_NAMES: &[(u64, &str)] = &[
    (1, "IN"),
    (2, "CS"),
    (3, "CH"),
    (4, "HS"),
    (254, "NONE"),
    (255, "ANY"),
];

/// `opcode_vals`.
pub static OPCODE_NAMES: &[(u64, &str)] = &[
    (0, "Standard query"),
    (1, "Inverse query"),
    (2, "Server status request"),
    (4, "Zone change notification"),
    (5, "Dynamic update"),
    (6, "DNS Stateful operations (DSO)"),
];

/// `rcode_vals`.
pub static RCODE_NAMES: &[(u64, &str)] = &[
    (0, "No error"),
    (1, "Format error"),
    (2, "Server failure"),
    (3, "No such name"),
    (4, "Not implemented"),
    (5, "Refused"),
    (6, "Name exists"),
    (7, "RRset exists"),
    (8, "RRset does not exist"),
    (9, "Not authoritative"),
    (10, "Name out of zone"),
    (11, "DSO-Type not implemented"),
    (16, "Bad OPT Version or TSIG Signature Failure"),
    (17, "Key not recognized"),
    (18, "Signature out of time window"),
    (19, "Bad TKEY Mode"),
    (20, "Duplicate key name"),
    (21, "Algorithm not supported"),
    (22, "Bad Truncation"),
    (23, "Bad/missing Server Cookie"),
];

pub static LENGTH: FieldDef = FieldDef::new("dns.length", "Length", T::U16, Base::Dec);
pub static ID: FieldDef = FieldDef::new("dns.id", "Transaction ID", T::U16, Base::Hex);
pub static FLAGS: FieldDef = FieldDef::new("dns.flags", "Flags", T::U16, Base::Hex);
pub static FLAGS_RESPONSE: FieldDef =
    FieldDef::new("dns.flags.response", "Response", T::Bool, Base::None).with_mask(0x8000);
pub static FLAGS_OPCODE: FieldDef = FieldDef::new("dns.flags.opcode", "Opcode", T::U16, Base::Dec)
    .with_mask(0x7800)
    .with_strings(OPCODE_NAMES);
pub static FLAGS_AUTHORITATIVE: FieldDef = FieldDef::new(
    "dns.flags.authoritative",
    "Authoritative",
    T::Bool,
    Base::None,
)
.with_mask(0x0400);
pub static FLAGS_CONFLICT: FieldDef =
    FieldDef::new("dns.flags.conflict", "Conflict", T::Bool, Base::None).with_mask(0x0400);
pub static FLAGS_TRUNCATED: FieldDef =
    FieldDef::new("dns.flags.truncated", "Truncated", T::Bool, Base::None).with_mask(0x0200);
pub static FLAGS_RECDESIRED: FieldDef = FieldDef::new(
    "dns.flags.recdesired",
    "Recursion desired",
    T::Bool,
    Base::None,
)
.with_mask(0x0100);
pub static FLAGS_TENTATIVE: FieldDef =
    FieldDef::new("dns.flags.tentative", "Tentative", T::Bool, Base::None).with_mask(0x0100);
pub static FLAGS_RECAVAIL: FieldDef = FieldDef::new(
    "dns.flags.recavail",
    "Recursion available",
    T::Bool,
    Base::None,
)
.with_mask(0x0080);
pub static FLAGS_Z: FieldDef =
    FieldDef::new("dns.flags.z", "Z", T::Bool, Base::None).with_mask(0x0040);
pub static FLAGS_AUTHENTICATED: FieldDef = FieldDef::new(
    "dns.flags.authenticated",
    "Answer authenticated",
    T::Bool,
    Base::None,
)
.with_mask(0x0020);
pub static FLAGS_CHECKDISABLE: FieldDef = FieldDef::new(
    "dns.flags.checkdisable",
    "Non-authenticated data",
    T::Bool,
    Base::None,
)
.with_mask(0x0010);
pub static FLAGS_RCODE: FieldDef =
    FieldDef::new("dns.flags.rcode", "Reply code", T::U16, Base::Dec)
        .with_mask(0x000f)
        .with_strings(RCODE_NAMES);
pub static COUNT_QUERIES: FieldDef =
    FieldDef::new("dns.count.queries", "Questions", T::U16, Base::Dec);
pub static COUNT_ANSWERS: FieldDef =
    FieldDef::new("dns.count.answers", "Answer RRs", T::U16, Base::Dec);
pub static COUNT_AUTH_RR: FieldDef =
    FieldDef::new("dns.count.auth_rr", "Authority RRs", T::U16, Base::Dec);
pub static COUNT_ADD_RR: FieldDef =
    FieldDef::new("dns.count.add_rr", "Additional RRs", T::U16, Base::Dec);
pub static QRY_NAME: FieldDef = FieldDef::new("dns.qry.name", "Name", T::Str, Base::None);
pub static QRY_NAME_LEN: FieldDef =
    FieldDef::new("dns.qry.name.len", "Name Length", T::U16, Base::Dec);
pub static COUNT_LABELS: FieldDef =
    FieldDef::new("dns.count.labels", "Label Count", T::U16, Base::Dec);
pub static QRY_TYPE: FieldDef =
    FieldDef::new("dns.qry.type", "Type", T::U16, Base::Dec).with_strings(TYPE_NAMES);
pub static QRY_CLASS: FieldDef =
    FieldDef::new("dns.qry.class", "Class", T::U16, Base::Hex).with_strings(CLASS_NAMES);
pub static QRY_QU: FieldDef =
    FieldDef::new("dns.qry.qu", "\"QU\" question", T::Bool, Base::None).with_mask(0x8000);
pub static RESP_NAME: FieldDef = FieldDef::new("dns.resp.name", "Name", T::Str, Base::None);
pub static RESP_TYPE: FieldDef =
    FieldDef::new("dns.resp.type", "Type", T::U16, Base::Dec).with_strings(TYPE_NAMES);
pub static RESP_CLASS: FieldDef =
    FieldDef::new("dns.resp.class", "Class", T::U16, Base::Hex).with_strings(CLASS_NAMES);
pub static RESP_CACHE_FLUSH: FieldDef =
    FieldDef::new("dns.resp.cache_flush", "Cache flush", T::Bool, Base::None).with_mask(0x8000);
pub static RESP_TTL: FieldDef = FieldDef::new("dns.resp.ttl", "Time to live", T::U32, Base::Dec);
pub static RESP_LEN: FieldDef = FieldDef::new("dns.resp.len", "Data length", T::U16, Base::Dec);
pub static RR_UDP_PAYLOAD_SIZE: FieldDef = FieldDef::new(
    "dns.rr.udp_payload_size",
    "UDP payload size",
    T::U16,
    Base::Hex,
);
pub static RESP_EXT_RCODE: FieldDef = FieldDef::new(
    "dns.resp.ext_rcode",
    "Higher bits in extended RCODE",
    T::U8,
    Base::Hex,
);
pub static RESP_EDNS0_VERSION: FieldDef =
    FieldDef::new("dns.resp.edns0_version", "EDNS0 version", T::U8, Base::Dec);
pub static RESP_Z: FieldDef = FieldDef::new("dns.resp.z", "Z", T::U16, Base::Hex);
pub static RESP_Z_DO: FieldDef =
    FieldDef::new("dns.resp.z.do", "DO bit", T::Bool, Base::None).with_mask(0x8000);
pub static OPT_CODE: FieldDef = FieldDef::new("dns.opt.code", "Option Code", T::U16, Base::Dec);
pub static OPT_LEN: FieldDef = FieldDef::new("dns.opt.len", "Option Length", T::U16, Base::Dec);
pub static OPT_DATA: FieldDef = FieldDef::new("dns.opt.data", "Option Data", T::Bytes, Base::None);
pub static A: FieldDef = FieldDef::new("dns.a", "Address", T::Ipv4, Base::None);
pub static AAAA: FieldDef = FieldDef::new("dns.aaaa", "AAAA Address", T::Ipv6, Base::None);
pub static CNAME: FieldDef = FieldDef::new("dns.cname", "CNAME", T::Str, Base::None);
pub static NS: FieldDef = FieldDef::new("dns.ns", "Name Server", T::Str, Base::None);
pub static PTR_DOMAIN_NAME: FieldDef =
    FieldDef::new("dns.ptr.domain_name", "Domain Name", T::Str, Base::None);
pub static MX_PREFERENCE: FieldDef =
    FieldDef::new("dns.mx.preference", "Preference", T::U16, Base::Dec);
pub static MX_MAIL_EXCHANGE: FieldDef =
    FieldDef::new("dns.mx.mail_exchange", "Mail Exchange", T::Str, Base::None);
pub static SRV_SERVICE: FieldDef = FieldDef::new("dns.srv.service", "Service", T::Str, Base::None);
pub static SRV_PROTO: FieldDef = FieldDef::new("dns.srv.proto", "Protocol", T::Str, Base::None);
pub static SRV_NAME: FieldDef = FieldDef::new("dns.srv.name", "Name", T::Str, Base::None);
pub static SRV_PRIORITY: FieldDef =
    FieldDef::new("dns.srv.priority", "Priority", T::U16, Base::Dec);
pub static SRV_WEIGHT: FieldDef = FieldDef::new("dns.srv.weight", "Weight", T::U16, Base::Dec);
pub static SRV_PORT: FieldDef = FieldDef::new("dns.srv.port", "Port", T::U16, Base::Dec);
pub static SRV_TARGET: FieldDef = FieldDef::new("dns.srv.target", "Target", T::Str, Base::None);
pub static SOA_MNAME: FieldDef =
    FieldDef::new("dns.soa.mname", "Primary name server", T::Str, Base::None);
pub static SOA_RNAME: FieldDef = FieldDef::new(
    "dns.soa.rname",
    "Responsible authority's mailbox",
    T::Str,
    Base::None,
);
pub static SOA_SERIAL: FieldDef =
    FieldDef::new("dns.soa.serial_number", "Serial Number", T::U32, Base::Dec);
pub static SOA_REFRESH: FieldDef = FieldDef::new(
    "dns.soa.refresh_interval",
    "Refresh Interval",
    T::U32,
    Base::Dec,
);
pub static SOA_RETRY: FieldDef = FieldDef::new(
    "dns.soa.retry_interval",
    "Retry Interval",
    T::U32,
    Base::Dec,
);
pub static SOA_EXPIRE: FieldDef =
    FieldDef::new("dns.soa.expire_limit", "Expire limit", T::U32, Base::Dec);
pub static SOA_MINIMUM: FieldDef =
    FieldDef::new("dns.soa.minimum_ttl", "Minimum TTL", T::U32, Base::Dec);
pub static TXT_LENGTH: FieldDef = FieldDef::new("dns.txt.length", "TXT Length", T::U8, Base::Dec);
pub static TXT: FieldDef = FieldDef::new("dns.txt", "TXT", T::Str, Base::None);
pub static HINFO_CPU_LENGTH: FieldDef =
    FieldDef::new("dns.hinfo.cpu_length", "CPU Length", T::U8, Base::Dec);
pub static HINFO_CPU: FieldDef = FieldDef::new("dns.hinfo.cpu", "CPU", T::Str, Base::None);
pub static HINFO_OS_LENGTH: FieldDef =
    FieldDef::new("dns.hinfo.os_length", "OS Length", T::U8, Base::Dec);
pub static HINFO_OS: FieldDef = FieldDef::new("dns.hinfo.os", "OS", T::Str, Base::None);
pub static RESPONSE_IN: FieldDef =
    FieldDef::new("dns.response_in", "Response In", T::FrameNum, Base::None);
pub static RESPONSE_TO: FieldDef =
    FieldDef::new("dns.response_to", "Request In", T::FrameNum, Base::None);
pub static TIME: FieldDef = FieldDef::new("dns.time", "Time", T::RelTime, Base::None);
pub static RETRANSMISSION: FieldDef =
    FieldDef::new("dns.retransmission", "Retransmission", T::Bool, Base::None);
pub static RETRANSMIT_REQUEST_IN: FieldDef = FieldDef::new(
    "dns.retransmit_request_in",
    "Retransmitted request. Original request in",
    T::FrameNum,
    Base::None,
);
pub static RETRANSMIT_RESPONSE_IN: FieldDef = FieldDef::new(
    "dns.retransmit_response_in",
    "Retransmitted response. Original response in",
    T::FrameNum,
    Base::None,
);
pub static UNSOLICITED: FieldDef =
    FieldDef::new("dns.unsolicited", "Unsolicited", T::Bool, Base::None);

pub static FIELDS: &[&FieldDef] = &[
    &DNS,
    &MDNS,
    &LLMNR,
    &LENGTH,
    &ID,
    &FLAGS,
    &FLAGS_RESPONSE,
    &FLAGS_OPCODE,
    &FLAGS_AUTHORITATIVE,
    &FLAGS_CONFLICT,
    &FLAGS_TRUNCATED,
    &FLAGS_RECDESIRED,
    &FLAGS_TENTATIVE,
    &FLAGS_RECAVAIL,
    &FLAGS_Z,
    &FLAGS_AUTHENTICATED,
    &FLAGS_CHECKDISABLE,
    &FLAGS_RCODE,
    &COUNT_QUERIES,
    &COUNT_ANSWERS,
    &COUNT_AUTH_RR,
    &COUNT_ADD_RR,
    &QRY_NAME,
    &QRY_NAME_LEN,
    &COUNT_LABELS,
    &QRY_TYPE,
    &QRY_CLASS,
    &QRY_QU,
    &RESP_NAME,
    &RESP_TYPE,
    &RESP_CLASS,
    &RESP_CACHE_FLUSH,
    &RESP_TTL,
    &RESP_LEN,
    &RR_UDP_PAYLOAD_SIZE,
    &RESP_EXT_RCODE,
    &RESP_EDNS0_VERSION,
    &RESP_Z,
    &RESP_Z_DO,
    &OPT_CODE,
    &OPT_LEN,
    &OPT_DATA,
    &A,
    &AAAA,
    &CNAME,
    &NS,
    &PTR_DOMAIN_NAME,
    &MX_PREFERENCE,
    &MX_MAIL_EXCHANGE,
    &SRV_SERVICE,
    &SRV_PROTO,
    &SRV_NAME,
    &SRV_PRIORITY,
    &SRV_WEIGHT,
    &SRV_PORT,
    &SRV_TARGET,
    &SOA_MNAME,
    &SOA_RNAME,
    &SOA_SERIAL,
    &SOA_REFRESH,
    &SOA_RETRY,
    &SOA_EXPIRE,
    &SOA_MINIMUM,
    &TXT_LENGTH,
    &TXT,
    &HINFO_CPU_LENGTH,
    &HINFO_CPU,
    &HINFO_OS_LENGTH,
    &HINFO_OS,
    &RESPONSE_IN,
    &RESPONSE_TO,
    &TIME,
    &RETRANSMISSION,
    &RETRANSMIT_REQUEST_IN,
    &RETRANSMIT_RESPONSE_IN,
    &UNSOLICITED,
];

/// Wireshark's `dns.retransmission_timer` default (5 s).
pub const RETRANSMISSION_NANOS: i64 = 5_000_000_000;
/// Open transactions remembered for matching; when full, those older than
/// [`TRANSACTION_EXPIRY_NANOS`] are dropped, and if none is, new ones are not tracked.
pub const MAX_TRANSACTIONS: usize = 262_144;
/// Age after which a transaction may be forgotten when the table is full.
pub const TRANSACTION_EXPIRY_NANOS: i64 = 60_000_000_000;
/// Records read per section (the header may claim 65535).
pub const MAX_RECORDS_PER_SECTION: usize = 1024;

/// Which of the three protocols on DNS's wire format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Dns,
    Mdns,
    Llmnr,
}

/// Where a transaction lives: a UDP address/port pair (either order) or a TCP stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Conversation {
    Udp {
        low: (IpAddr, u16),
        high: (IpAddr, u16),
    },
    Tcp(u64),
}

impl Conversation {
    pub fn udp(a: (IpAddr, u16), b: (IpAddr, u16)) -> Conversation {
        if a <= b {
            Conversation::Udp { low: a, high: b }
        } else {
            Conversation::Udp { low: b, high: a }
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Transaction {
    req_frame: u64,
    req_ns: i64,
    rep_frame: Option<u64>,
}

/// Query/response matching state.
#[derive(Debug, Default)]
pub struct DnsState {
    transactions: HashMap<(Conversation, u16), Transaction>,
}

/// DNS over TCP: a 2-byte length, then the message.
pub(crate) fn frame_tcp(bytes: &[u8]) -> Framing {
    match bytes.get(..2) {
        Some(l) => {
            let total = 2 + usize::from(u16::from_be_bytes([l[0], l[1]]));
            if bytes.len() >= total {
                Framing::Pdu(total)
            } else {
                Framing::Need(Some(total))
            }
        }
        None => Framing::Need(None),
    }
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|x| u16::from_be_bytes([x[0], x[1]]))
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 4)
        .map(|x| u32::from_be_bytes([x[0], x[1], x[2], x[3]]))
}

fn value_name(table: &[(u64, &'static str)], v: u64) -> Option<&'static str> {
    table.iter().find(|(n, _)| *n == v).map(|(_, s)| *s)
}

/// Wireshark's count of labels in a name ("<Root>" has none).
fn label_count(name: &str) -> u64 {
    if name == "<Root>" {
        0
    } else {
        name.split('.').count() as u64
    }
}

/// A DNS message quoted in an ICMP error: no matching, no columns.
pub(crate) fn dissect_quoted(d: &mut Dissection, pdu: Pdu<'_>, flavor: Flavor) -> bool {
    dissect_body(None, d, pdu, flavor, None, None, true)
}

impl DnsState {
    /// DNS over TCP: `pdu` starts with the 2-byte length.
    pub(crate) fn dissect_tcp(
        &mut self,
        ctx: &mut FrameCtx<'_>,
        d: &mut Dissection,
        pdu: Pdu<'_>,
        conv: Conversation,
        more: bool,
    ) -> bool {
        let Some(len) = be16(pdu.bytes, 0) else {
            return false;
        };
        let msg = Pdu {
            bytes: pdu.bytes.get(2..).unwrap_or_default(),
            source: pdu.source,
            offset: pdu.offset + 2,
        };
        self.dissect_message(ctx, d, msg, Flavor::Dns, conv, more, Some((pdu, len)))
    }

    /// DNS over UDP (the whole datagram).
    pub(crate) fn dissect(
        &mut self,
        ctx: &mut FrameCtx<'_>,
        d: &mut Dissection,
        pdu: Pdu<'_>,
        flavor: Flavor,
        conv: Conversation,
    ) -> bool {
        self.dissect_message(ctx, d, pdu, flavor, conv, false, None)
    }

    #[allow(clippy::too_many_arguments)]
    fn dissect_message(
        &mut self,
        ctx: &mut FrameCtx<'_>,
        d: &mut Dissection,
        pdu: Pdu<'_>,
        flavor: Flavor,
        conv: Conversation,
        more: bool,
        tcp_len: Option<(Pdu<'_>, u16)>,
    ) -> bool {
        let b = pdu.bytes;
        let m = (|| {
            let id = be16(b, 0)?;
            let flags = be16(b, 2)?;
            Some((id, flags))
        })();
        let matched = m.map(|(id, flags)| self.match_message(ctx, conv, id, flags & 0x8000 != 0));
        let _ = more;
        dissect_body(Some(ctx), d, pdu, flavor, tcp_len, matched, false)
    }

    /// Matches a query or response; returns what the tree shows about it.
    fn match_message(
        &mut self,
        ctx: &mut FrameCtx<'_>,
        conv: Conversation,
        id: u16,
        response: bool,
    ) -> Matched {
        let key = (conv, id);
        let now = ctx.ts_ns;
        let frame = ctx.number;
        if !response {
            let retransmit_of = match self.transactions.get(&key) {
                Some(t) if t.rep_frame.is_none() && now - t.req_ns < RETRANSMISSION_NANOS => {
                    Some(t.req_frame)
                }
                _ => None,
            };
            if let Some(orig) = retransmit_of {
                return Matched::QueryRetransmission(orig);
            }
            if !self.transactions.contains_key(&key) && self.transactions.len() >= MAX_TRANSACTIONS
            {
                self.transactions
                    .retain(|_, t| now - t.req_ns <= TRANSACTION_EXPIRY_NANOS);
                if self.transactions.len() >= MAX_TRANSACTIONS {
                    return Matched::None;
                }
            }
            self.transactions.insert(
                key,
                Transaction {
                    req_frame: frame,
                    req_ns: now,
                    rep_frame: None,
                },
            );
            return Matched::Query;
        }
        let Some(t) = self.transactions.get_mut(&key) else {
            return Matched::Unsolicited;
        };
        if let Some(first) = t.rep_frame {
            return Matched::ResponseRetransmission(first);
        }
        t.rep_frame = Some(frame);
        ctx.learn(t.req_frame, &RESPONSE_IN, Value::UInt(frame));
        Matched::Response {
            request: t.req_frame,
            time_ns: now - t.req_ns,
        }
    }
}

/// What matching found for a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Matched {
    None,
    Query,
    QueryRetransmission(u64),
    Response { request: u64, time_ns: i64 },
    ResponseRetransmission(u64),
    Unsolicited,
}

/// One resource record's section.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Answers,
    Authority,
    Additional,
}

impl Section {
    fn heading(self) -> &'static str {
        match self {
            Section::Answers => "Answers",
            Section::Authority => "Authoritative nameservers",
            Section::Additional => "Additional records",
        }
    }
}

/// Adds a tree-only text line.
fn text(d: &mut Dissection, source: u8, start: usize, len: usize, t: impl FnOnce() -> String) {
    if d.is_tree() {
        d.field_in(source, &TEXT, Value::None, start, len);
        d.set_text(t);
    }
}

#[allow(clippy::too_many_arguments)]
fn dissect_body(
    ctx: Option<&FrameCtx<'_>>,
    d: &mut Dissection,
    pdu: Pdu<'_>,
    flavor: Flavor,
    tcp_len: Option<(Pdu<'_>, u16)>,
    matched: Option<Matched>,
    in_error: bool,
) -> bool {
    let b = pdu.bytes;
    let src = pdu.source;
    let at = |i: usize| pdu.offset + i;
    let (proto, proto_name) = match flavor {
        Flavor::Dns => (&DNS, "DNS"),
        Flavor::Mdns => (&MDNS, "MDNS"),
        Flavor::Llmnr => (&LLMNR, "LLMNR"),
    };
    let (pstart, plen) = match tcp_len {
        Some((whole, _)) => (whole.offset, whole.bytes.len()),
        None => (pdu.offset, b.len()),
    };
    let (Some(id), Some(flags)) = (be16(b, 0), be16(b, 2)) else {
        // Too short for a header: Wireshark still shows the protocol, as malformed.
        d.open_protocol(proto, src, pstart, plen);
        if d.columns && !in_error {
            d.protocol = proto_name;
        }
        return true;
    };
    let response = flags & 0x8000 != 0;
    let opcode = u64::from((flags >> 11) & 0xf);
    let rcode = u64::from(flags & 0xf);
    d.open_protocol(proto, src, pstart, plen);
    d.set_text(|| {
        format!(
            "{} ({})",
            proto.label,
            if response { "response" } else { "query" }
        )
    });
    let columns = d.columns && !in_error;
    if columns {
        d.protocol = proto_name;
        if tcp_len.is_none() {
            d.info.clear();
        }
        let op = value_name(OPCODE_NAMES, opcode).unwrap_or("Unknown operation");
        let _ = write!(
            d.info,
            "{op}{} 0x{id:04x}",
            if response { " response" } else { "" }
        );
        if response && rcode != 0 {
            let _ = write!(
                d.info,
                " {}",
                value_name(RCODE_NAMES, rcode).unwrap_or("Unknown error")
            );
        }
    }
    if let Some((whole, len)) = tcp_len {
        d.field_in(src, &LENGTH, Value::UInt(u64::from(len)), whole.offset, 2);
    }
    d.field_in(src, &ID, Value::UInt(u64::from(id)), at(0), 2);
    d.field_in(src, &FLAGS, Value::UInt(u64::from(flags)), at(2), 2);
    d.set_text(|| {
        let op = value_name(OPCODE_NAMES, opcode).unwrap_or("Unknown operation");
        let mut s = format!(
            "Flags: 0x{flags:04x} {op}{}",
            if response { " response" } else { "" }
        );
        if response {
            let _ = write!(
                s,
                ", {}",
                value_name(RCODE_NAMES, rcode).unwrap_or("Unknown error")
            );
        }
        s
    });
    d.open();
    let f = u64::from(flags);
    let mdns = flavor == Flavor::Mdns;
    let llmnr = flavor == Flavor::Llmnr;
    type Bit = (&'static FieldDef, &'static str, &'static str);
    let mut bits: Vec<Bit> = Vec::with_capacity(10);
    bits.push((
        &FLAGS_RESPONSE,
        "Message is a response",
        "Message is a query",
    ));
    bits.push((&FLAGS_OPCODE, "", ""));
    if response {
        if llmnr {
            bits.push((
                &FLAGS_CONFLICT,
                "The name is not considered unique",
                "The name is considered unique",
            ));
        } else {
            bits.push((
                &FLAGS_AUTHORITATIVE,
                "Server is an authority for domain",
                "Server is not an authority for domain",
            ));
        }
    } else if llmnr {
        bits.push((
            &FLAGS_CONFLICT,
            "The sender received multiple responses",
            "None",
        ));
    }
    bits.push((
        &FLAGS_TRUNCATED,
        "Message is truncated",
        "Message is not truncated",
    ));
    if llmnr {
        if response {
            bits.push((&FLAGS_TENTATIVE, "Tentative", "Not tentative"));
        }
    } else {
        bits.push((
            &FLAGS_RECDESIRED,
            "Do query recursively",
            "Don't do query recursively",
        ));
    }
    if response && !llmnr {
        bits.push((
            &FLAGS_RECAVAIL,
            "Server can do recursive queries",
            "Server can't do recursive queries",
        ));
    }
    if !llmnr {
        bits.push((&FLAGS_Z, "reserved - incorrect!", "reserved (0)"));
        if response {
            bits.push((
                &FLAGS_AUTHENTICATED,
                "Answer/authority portion was authenticated by the server",
                "Answer/authority portion was not authenticated by the server",
            ));
        }
        bits.push((&FLAGS_CHECKDISABLE, "Acceptable", "Unacceptable"));
    }
    if response {
        bits.push((&FLAGS_RCODE, "", ""));
    }
    for (def, yes, no) in bits {
        let v = (f & def.bitmask) >> def.bitmask.trailing_zeros();
        let value = if def.ftype == T::Bool {
            Value::Bool(v != 0)
        } else {
            Value::UInt(v)
        };
        d.field_in(src, def, value, at(2), 2);
        d.set_text(|| {
            let shown = if def.ftype == T::Bool {
                (if v != 0 { yes } else { no }).to_string()
            } else {
                def.display_value(&Value::UInt(v))
            };
            format!(
                "{} = {}: {}",
                bit_text(f, def.bitmask, 16),
                def.label,
                shown
            )
        });
    }
    d.close();
    let counts = [be16(b, 4), be16(b, 6), be16(b, 8), be16(b, 10)];
    for (i, (def, c)) in [
        &COUNT_QUERIES,
        &COUNT_ANSWERS,
        &COUNT_AUTH_RR,
        &COUNT_ADD_RR,
    ]
    .into_iter()
    .zip(counts)
    .enumerate()
    {
        if let Some(c) = c {
            d.field_in(src, def, Value::UInt(u64::from(c)), at(4 + 2 * i), 2);
        }
    }
    let mut off = 12usize;
    // Questions.
    let qd = usize::from(counts[0].unwrap_or(0)).min(MAX_RECORDS_PER_SECTION);
    let mut ok = true;
    if qd > 0 {
        text(d, src, at(off), 0, || "Queries".into());
        d.open();
    }
    for _ in 0..qd {
        let Ok((name, after)) = read_name(b, off) else {
            ok = false;
            break;
        };
        let (Some(qtype), Some(qclass)) = (be16(b, after), be16(b, after + 2)) else {
            ok = false;
            break;
        };
        let tname = type_name(qtype);
        if columns {
            let _ = write!(d.info, " {tname} {name}");
            if mdns {
                let _ = write!(
                    d.info,
                    ", \"{}\" question",
                    if qclass & 0x8000 != 0 { "QU" } else { "QM" }
                );
            }
        }
        let class = if mdns { qclass & 0x7fff } else { qclass };
        text(d, src, at(off), after + 4 - off, || {
            format!(
                "{name}: type {tname}, class {}",
                value_name(CLASS_NAMES, u64::from(class)).unwrap_or("Unknown")
            )
        });
        d.open();
        let name_len = name.len() as u64;
        let labels = label_count(&name);
        d.field_in(src, &QRY_NAME, Value::str(name), at(off), after - off);
        d.generated(&QRY_NAME_LEN, Value::UInt(name_len));
        d.generated(&COUNT_LABELS, Value::UInt(labels));
        d.field_in(src, &QRY_TYPE, Value::UInt(u64::from(qtype)), at(after), 2);
        d.field_in(
            src,
            &QRY_CLASS,
            Value::UInt(u64::from(class)),
            at(after + 2),
            2,
        );
        if mdns {
            d.field_in(
                src,
                &QRY_QU,
                Value::Bool(qclass & 0x8000 != 0),
                at(after + 2),
                2,
            );
        }
        d.close();
        off = after + 4;
    }
    if qd > 0 {
        d.close();
    }
    for (section, count) in [
        (Section::Answers, counts[1]),
        (Section::Authority, counts[2]),
        (Section::Additional, counts[3]),
    ] {
        let n = usize::from(count.unwrap_or(0)).min(MAX_RECORDS_PER_SECTION);
        if !ok || n == 0 {
            continue;
        }
        text(d, src, at(off), 0, || section.heading().into());
        d.open();
        for _ in 0..n {
            match dissect_rr(d, pdu, off, flavor, response, columns) {
                Some(next) => off = next,
                None => {
                    ok = false;
                    break;
                }
            }
        }
        d.close();
    }
    match matched {
        Some(Matched::Query) => {
            if let Some(ctx) = ctx {
                for v in ctx.annotations.get(ctx.number, &RESPONSE_IN) {
                    d.generated(&RESPONSE_IN, v.clone());
                }
            }
        }
        Some(Matched::QueryRetransmission(orig)) => {
            d.generated(&RETRANSMIT_REQUEST_IN, Value::UInt(orig));
            d.generated(&RETRANSMISSION, Value::Bool(true));
        }
        Some(Matched::Response { request, time_ns }) => {
            d.generated(&RESPONSE_TO, Value::UInt(request));
            d.generated(&TIME, Value::RelTime(time_ns));
        }
        Some(Matched::ResponseRetransmission(first)) => {
            d.generated(&RETRANSMIT_RESPONSE_IN, Value::UInt(first));
            d.generated(&RETRANSMISSION, Value::Bool(true));
        }
        Some(Matched::Unsolicited) => {
            d.generated(&UNSOLICITED, Value::Bool(true));
        }
        Some(Matched::None) | None => {}
    }
    true
}

/// One resource record at `off`; returns the offset after it.
fn dissect_rr(
    d: &mut Dissection,
    pdu: Pdu<'_>,
    off: usize,
    flavor: Flavor,
    response: bool,
    columns: bool,
) -> Option<usize> {
    let b = pdu.bytes;
    let src = pdu.source;
    let at = |i: usize| pdu.offset + i;
    let (name, after) = read_name(b, off).ok()?;
    let rtype = be16(b, after)?;
    let class_raw = be16(b, after + 2)?;
    let ttl = be32(b, after + 4)?;
    let rdlen = usize::from(be16(b, after + 8)?);
    let rd = after + 10;
    let rdata = b.get(rd..rd + rdlen)?;
    let end = rd + rdlen;
    let mdns = flavor == Flavor::Mdns;
    let flush = mdns && rtype != 41 && class_raw & 0x8000 != 0;
    let class = if mdns && rtype != 41 {
        class_raw & 0x7fff
    } else {
        class_raw
    };
    let tname = type_name(rtype);
    let mut info_data = String::new();
    // Only what the Info column and the tree's heading need is formatted here.
    let want_text = columns || d.is_tree();
    let read = |o: usize| read_name(b, o).map(|(n, _)| n).unwrap_or_default();
    match rtype {
        1 if rdlen == 4 && want_text => {
            let _ = write!(
                info_data,
                " {}",
                Ipv4Addr::new(rdata[0], rdata[1], rdata[2], rdata[3])
            );
        }
        28 if rdlen == 16 && want_text => {
            let mut o = [0u8; 16];
            o.copy_from_slice(rdata);
            let _ = write!(info_data, " {}", Ipv6Addr::from(o));
        }
        2 | 5 | 12 | 39 if want_text => {
            let _ = write!(info_data, " {}", read(rd));
        }
        15 if want_text => {
            let _ = write!(info_data, " {} {}", be16(b, rd).unwrap_or(0), read(rd + 2));
        }
        33 if want_text => {
            let _ = write!(
                info_data,
                " {} {} {} {}",
                be16(b, rd).unwrap_or(0),
                be16(b, rd + 2).unwrap_or(0),
                be16(b, rd + 4).unwrap_or(0),
                read(rd + 6)
            );
        }
        6 if want_text => {
            let _ = write!(info_data, " {}", read(rd));
        }
        13 if want_text => {
            let cpu_len = usize::from(*rdata.first().unwrap_or(&0));
            let cpu = rdata.get(1..1 + cpu_len).unwrap_or_default();
            let os_len = usize::from(*rdata.get(1 + cpu_len).unwrap_or(&0));
            let os = rdata
                .get(2 + cpu_len..2 + cpu_len + os_len)
                .unwrap_or_default();
            let _ = write!(
                info_data,
                " {} {}",
                String::from_utf8_lossy(cpu),
                String::from_utf8_lossy(os)
            );
        }
        _ => {}
    }
    if columns {
        let _ = write!(d.info, " {tname}");
        if flush && response {
            d.info.push_str(", cache flush");
        }
        d.info.push_str(&info_data);
    }
    let _ = response;
    text(d, src, at(off), end - off, || {
        if rtype == 41 {
            format!("{name}: type {tname}")
        } else {
            format!(
                "{name}: type {tname}, class {}{}",
                value_name(CLASS_NAMES, u64::from(class)).unwrap_or("Unknown"),
                match rtype {
                    1 | 28 => format!(", addr{info_data}"),
                    5 => format!(", cname{info_data}"),
                    2 => format!(", ns{info_data}"),
                    12 => format!(",{info_data}"),
                    15 => format!(", mx{info_data}"),
                    _ => String::new(),
                }
            )
        }
    });
    d.open();
    // An SRV owner name shows as its service, protocol and name (`_sip._udp.example`).
    let srv_parts = (rtype == 33)
        .then(|| {
            let mut it = name.splitn(3, '.');
            Some((it.next()?, it.next()?, it.next()?))
        })
        .flatten();
    match srv_parts {
        Some((service, proto, rest)) => {
            d.field_in(src, &SRV_SERVICE, Value::str(service), at(off), after - off);
            d.field_in(src, &SRV_PROTO, Value::str(proto), at(off), after - off);
            d.field_in(src, &SRV_NAME, Value::str(rest), at(off), after - off);
        }
        None => d.field_in(
            src,
            &RESP_NAME,
            Value::str(name.as_str()),
            at(off),
            after - off,
        ),
    }
    d.field_in(src, &RESP_TYPE, Value::UInt(u64::from(rtype)), at(after), 2);
    if rtype == 41 {
        d.field_in(
            src,
            &RR_UDP_PAYLOAD_SIZE,
            Value::UInt(u64::from(class_raw)),
            at(after + 2),
            2,
        );
        d.field_in(
            src,
            &RESP_EXT_RCODE,
            Value::UInt(u64::from(ttl >> 24)),
            at(after + 4),
            1,
        );
        d.field_in(
            src,
            &RESP_EDNS0_VERSION,
            Value::UInt(u64::from((ttl >> 16) & 0xff)),
            at(after + 5),
            1,
        );
        d.field_in(
            src,
            &RESP_Z,
            Value::UInt(u64::from(ttl & 0xffff)),
            at(after + 6),
            2,
        );
        d.open();
        d.field_in(
            src,
            &RESP_Z_DO,
            Value::Bool(ttl & 0x8000 != 0),
            at(after + 6),
            2,
        );
        d.close();
    } else {
        d.field_in(
            src,
            &RESP_CLASS,
            Value::UInt(u64::from(class)),
            at(after + 2),
            2,
        );
        if mdns {
            d.field_in(src, &RESP_CACHE_FLUSH, Value::Bool(flush), at(after + 2), 2);
        }
        d.field_in(
            src,
            &RESP_TTL,
            Value::UInt(u64::from(ttl)),
            at(after + 4),
            4,
        );
    }
    d.field_in(src, &RESP_LEN, Value::UInt(rdlen as u64), at(after + 8), 2);
    let name_field = |d: &mut Dissection, def: &'static FieldDef, o: usize, limit: usize| {
        if let Ok((n, e)) = read_name(b, o) {
            if d.wants(def) {
                d.field_in(
                    src,
                    def,
                    Value::str(n),
                    at(o),
                    e.min(limit).saturating_sub(o),
                );
            }
        }
    };
    match rtype {
        1 if rdlen == 4 => {
            let a = Ipv4Addr::new(rdata[0], rdata[1], rdata[2], rdata[3]);
            d.field_in(src, &A, Value::Ipv4(a), at(rd), 4);
        }
        28 if rdlen == 16 => {
            let mut o = [0u8; 16];
            o.copy_from_slice(rdata);
            d.field_in(src, &AAAA, Value::Ipv6(Ipv6Addr::from(o)), at(rd), 16);
        }
        2 => name_field(d, &NS, rd, end),
        5 => name_field(d, &CNAME, rd, end),
        12 => name_field(d, &PTR_DOMAIN_NAME, rd, end),
        15 => {
            if let Some(p) = be16(b, rd) {
                d.field_in(src, &MX_PREFERENCE, Value::UInt(u64::from(p)), at(rd), 2);
                name_field(d, &MX_MAIL_EXCHANGE, rd + 2, end);
            }
        }
        33 => {
            for (i, def) in [&SRV_PRIORITY, &SRV_WEIGHT, &SRV_PORT]
                .into_iter()
                .enumerate()
            {
                if let Some(v) = be16(b, rd + 2 * i) {
                    d.field_in(src, def, Value::UInt(u64::from(v)), at(rd + 2 * i), 2);
                }
            }
            name_field(d, &SRV_TARGET, rd + 6, end);
        }
        6 => {
            if let Ok((mname, e1)) = read_name(b, rd) {
                if let Ok((rname, e2)) = read_name(b, e1) {
                    d.field_in(src, &SOA_MNAME, Value::str(mname), at(rd), e1 - rd);
                    d.field_in(src, &SOA_RNAME, Value::str(rname), at(e1), e2 - e1);
                    for (i, def) in [
                        &SOA_SERIAL,
                        &SOA_REFRESH,
                        &SOA_RETRY,
                        &SOA_EXPIRE,
                        &SOA_MINIMUM,
                    ]
                    .into_iter()
                    .enumerate()
                    {
                        if let Some(v) = be32(b, e2 + 4 * i) {
                            d.field_in(src, def, Value::UInt(u64::from(v)), at(e2 + 4 * i), 4);
                        }
                    }
                }
            }
        }
        16 => {
            let mut o = 0usize;
            while let Some(&l) = rdata.get(o) {
                let l = usize::from(l);
                let Some(s) = rdata.get(o + 1..o + 1 + l) else {
                    break;
                };
                d.field_in(src, &TXT_LENGTH, Value::UInt(l as u64), at(rd + o), 1);
                d.field_in(
                    src,
                    &TXT,
                    Value::str(String::from_utf8_lossy(s)),
                    at(rd + o + 1),
                    l,
                );
                o += 1 + l;
            }
        }
        13 => {
            let cpu_len = usize::from(*rdata.first().unwrap_or(&0));
            if let Some(cpu) = rdata.get(1..1 + cpu_len) {
                d.field_in(
                    src,
                    &HINFO_CPU_LENGTH,
                    Value::UInt(cpu_len as u64),
                    at(rd),
                    1,
                );
                d.field_in(
                    src,
                    &HINFO_CPU,
                    Value::str(String::from_utf8_lossy(cpu)),
                    at(rd + 1),
                    cpu_len,
                );
                let os_len = usize::from(*rdata.get(1 + cpu_len).unwrap_or(&0));
                if let Some(os) = rdata.get(2 + cpu_len..2 + cpu_len + os_len) {
                    d.field_in(
                        src,
                        &HINFO_OS_LENGTH,
                        Value::UInt(os_len as u64),
                        at(rd + 1 + cpu_len),
                        1,
                    );
                    d.field_in(
                        src,
                        &HINFO_OS,
                        Value::str(String::from_utf8_lossy(os)),
                        at(rd + 2 + cpu_len),
                        os_len,
                    );
                }
            }
        }
        41 => {
            let mut o = 0usize;
            while let (Some(code), Some(len)) = (be16(rdata, o), be16(rdata, o + 2)) {
                let len = usize::from(len);
                let Some(data) = rdata.get(o + 4..o + 4 + len) else {
                    break;
                };
                d.field_in(src, &OPT_CODE, Value::UInt(u64::from(code)), at(rd + o), 2);
                d.field_in(src, &OPT_LEN, Value::UInt(len as u64), at(rd + o + 2), 2);
                d.field_in(src, &OPT_DATA, Value::bytes(data), at(rd + o + 4), len);
                o += 4 + len;
            }
        }
        _ => {}
    }
    d.close();
    Some(end)
}
