//! `icmp` and `icmpv6`: messages, echo request/reply matching (`icmp.resp_in` is a forward
//! reference learned in the first pass), and the datagram quoted in an error, dissected as a
//! nested IP layer (so `ip.addr`, `udp.port` match it, as in Wireshark).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::IpAddr;

use super::super::engine::FrameCtx;
use super::super::field::{Base, FieldDef, FieldType as T, Value};
use super::super::tree::Dissection;

pub static ICMP: FieldDef = FieldDef::protocol("icmp", "Internet Control Message Protocol");
pub static TYPE: FieldDef =
    FieldDef::new("icmp.type", "Type", T::U8, Base::Dec).with_strings(ICMP_TYPES);
pub static CODE: FieldDef = FieldDef::new("icmp.code", "Code", T::U8, Base::Dec);
pub static CHECKSUM: FieldDef = FieldDef::new("icmp.checksum", "Checksum", T::U16, Base::Hex);
pub static CHECKSUM_STATUS: FieldDef =
    FieldDef::new("icmp.checksum.status", "Checksum Status", T::U8, Base::None).with_strings(&[
        (0, "Bad"),
        (1, "Good"),
        (2, "Unverified"),
    ]);
pub static IDENT: FieldDef = FieldDef::new("icmp.ident", "Identifier (BE)", T::U16, Base::DecHex);
pub static IDENT_LE: FieldDef =
    FieldDef::new("icmp.ident_le", "Identifier (LE)", T::U16, Base::DecHex);
pub static SEQ: FieldDef = FieldDef::new("icmp.seq", "Sequence Number (BE)", T::U16, Base::DecHex);
pub static SEQ_LE: FieldDef =
    FieldDef::new("icmp.seq_le", "Sequence Number (LE)", T::U16, Base::DecHex);
pub static RESP_IN: FieldDef =
    FieldDef::new("icmp.resp_in", "Response frame", T::FrameNum, Base::None);
pub static RESP_TO: FieldDef =
    FieldDef::new("icmp.resp_to", "Request frame", T::FrameNum, Base::None);
pub static RESPTIME: FieldDef =
    FieldDef::new("icmp.resptime", "Response time", T::Float, Base::None);
pub static NO_RESP: FieldDef =
    FieldDef::new("icmp.no_resp", "No response seen", T::None, Base::None);
pub static UNUSED: FieldDef = FieldDef::new("icmp.unused", "Unused", T::Bytes, Base::None);
pub static MTU: FieldDef = FieldDef::new("icmp.mtu", "MTU of next hop", T::U16, Base::Dec);
pub static DATA: FieldDef = FieldDef::new("icmp.data", "Data", T::Bytes, Base::None);

pub static ICMPV6: FieldDef = FieldDef::protocol("icmpv6", "Internet Control Message Protocol v6");
pub static V6_TYPE: FieldDef =
    FieldDef::new("icmpv6.type", "Type", T::U8, Base::Dec).with_strings(ICMPV6_TYPES);
pub static V6_CODE: FieldDef = FieldDef::new("icmpv6.code", "Code", T::U8, Base::Dec);
pub static V6_CHECKSUM: FieldDef = FieldDef::new("icmpv6.checksum", "Checksum", T::U16, Base::Hex);
pub static V6_CHECKSUM_STATUS: FieldDef = FieldDef::new(
    "icmpv6.checksum.status",
    "Checksum Status",
    T::U8,
    Base::None,
)
.with_strings(&[(0, "Bad"), (1, "Good"), (2, "Unverified")]);
pub static V6_ECHO_ID: FieldDef =
    FieldDef::new("icmpv6.echo.identifier", "Identifier", T::U16, Base::HexDec);
pub static V6_ECHO_SEQ: FieldDef =
    FieldDef::new("icmpv6.echo.sequence_number", "Sequence", T::U16, Base::Dec);
pub static V6_RESP_IN: FieldDef =
    FieldDef::new("icmpv6.resp_in", "Response In", T::FrameNum, Base::None);
pub static V6_RESP_TO: FieldDef =
    FieldDef::new("icmpv6.resp_to", "Response To", T::FrameNum, Base::None);
pub static V6_RESPTIME: FieldDef =
    FieldDef::new("icmpv6.resptime", "Response Time", T::Float, Base::None);
pub static V6_ND_NS_TARGET: FieldDef = FieldDef::new(
    "icmpv6.nd.ns.target_address",
    "Target Address",
    T::Ipv6,
    Base::None,
);
pub static V6_ND_NA_TARGET: FieldDef = FieldDef::new(
    "icmpv6.nd.na.target_address",
    "Target Address",
    T::Ipv6,
    Base::None,
);
pub static V6_OPT_TYPE: FieldDef = FieldDef::new("icmpv6.opt.type", "Type", T::U8, Base::Dec);
pub static V6_OPT_LINKADDR: FieldDef = FieldDef::new(
    "icmpv6.opt.linkaddr",
    "Link-layer address",
    T::Ether,
    Base::None,
);

pub static FIELDS: &[&FieldDef] = &[
    &ICMP,
    &TYPE,
    &CODE,
    &CHECKSUM,
    &CHECKSUM_STATUS,
    &IDENT,
    &IDENT_LE,
    &SEQ,
    &SEQ_LE,
    &RESP_IN,
    &RESP_TO,
    &RESPTIME,
    &NO_RESP,
    &UNUSED,
    &MTU,
    &DATA,
];

pub static FIELDS_V6: &[&FieldDef] = &[
    &ICMPV6,
    &V6_TYPE,
    &V6_CODE,
    &V6_CHECKSUM,
    &V6_CHECKSUM_STATUS,
    &V6_ECHO_ID,
    &V6_ECHO_SEQ,
    &V6_RESP_IN,
    &V6_RESP_TO,
    &V6_RESPTIME,
    &V6_ND_NS_TARGET,
    &V6_ND_NA_TARGET,
    &V6_OPT_TYPE,
    &V6_OPT_LINKADDR,
];

static ICMP_TYPES: &[(u64, &str)] = &[
    (0, "Echo (ping) reply"),
    (3, "Destination unreachable"),
    (4, "Source quench (flow control)"),
    (5, "Redirect"),
    (8, "Echo (ping) request"),
    (9, "Router advertisement"),
    (10, "Router solicitation"),
    (11, "Time-to-live exceeded"),
    (12, "Parameter problem"),
    (13, "Timestamp request"),
    (14, "Timestamp reply"),
];

static UNREACH_CODES: &[(u8, &str)] = &[
    (0, "Network unreachable"),
    (1, "Host unreachable"),
    (2, "Protocol unreachable"),
    (3, "Port unreachable"),
    (4, "Fragmentation needed"),
    (5, "Source route failed"),
    (6, "Destination network unknown"),
    (7, "Destination host unknown"),
    (8, "Source host isolated"),
    (9, "Network administratively prohibited"),
    (10, "Host administratively prohibited"),
    (11, "Network unreachable for TOS"),
    (12, "Host unreachable for TOS"),
    (13, "Communication administratively filtered"),
    (14, "Host precedence violation"),
    (15, "Precedence cutoff in effect"),
];

static ICMPV6_TYPES: &[(u64, &str)] = &[
    (1, "Destination Unreachable"),
    (2, "Packet Too Big"),
    (3, "Time Exceeded"),
    (4, "Parameter Problem"),
    (128, "Echo (ping) request"),
    (129, "Echo (ping) reply"),
    (130, "Multicast Listener Query"),
    (131, "Multicast Listener Report"),
    (132, "Multicast Listener Done"),
    (133, "Router Solicitation"),
    (134, "Router Advertisement"),
    (135, "Neighbor Solicitation"),
    (136, "Neighbor Advertisement"),
    (137, "Redirect"),
    (143, "Multicast Listener Report Message v2"),
];

static V6_UNREACH_CODES: &[(u8, &str)] = &[
    (0, "no route to destination"),
    (1, "Administratively prohibited"),
    (2, "Beyond scope of source address"),
    (3, "Address unreachable"),
    (4, "Port unreachable"),
    (5, "Source address failed ingress/egress policy"),
    (6, "Reject route to destination"),
];

fn code_name(table: &[(u8, &'static str)], code: u8) -> &'static str {
    table
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, n)| *n)
        .unwrap_or("Unknown code")
}

/// The most outstanding echo requests remembered (a ping flood cannot grow memory beyond it).
pub const MAX_PENDING_ECHOES: usize = 100_000;

type EchoKey = (IpAddr, IpAddr, u16, u16);

/// Echo request/reply matching.
#[derive(Debug, Default)]
pub struct IcmpState {
    /// (requester, responder, id, seq) → (request frame, time).
    pending: HashMap<EchoKey, (u64, i64)>,
}

impl IcmpState {
    fn request(&mut self, key: EchoKey, frame: u64, ts: i64) {
        if self.pending.len() < MAX_PENDING_ECHOES || self.pending.contains_key(&key) {
            self.pending.insert(key, (frame, ts));
        }
    }

    fn reply(&mut self, key: EchoKey) -> Option<(u64, i64)> {
        self.pending.remove(&key)
    }
}

/// The IP facts ICMP needs from the layer below.
#[derive(Debug, Clone, Copy)]
pub struct IpInfo {
    pub src: IpAddr,
    pub dst: IpAddr,
    pub ttl: u8,
}

/// Dissects an ICMP (v4) message occupying `data[off..end]`; returns the offset of the
/// datagram an error quotes, for the caller to dissect as a nested layer.
#[allow(clippy::too_many_arguments)]
pub fn dissect_v4(
    data: &[u8],
    off: usize,
    end: usize,
    source: u8,
    ipi: IpInfo,
    ctx: &mut FrameCtx<'_>,
    state: &mut IcmpState,
    d: &mut Dissection,
) -> Option<usize> {
    let end = end.min(data.len());
    let h = data.get(off..off + 4)?;
    let mut quoted = None;
    let (ty, code) = (h[0], h[1]);
    let csum = u16::from_be_bytes([h[2], h[3]]);
    d.open_protocol(&ICMP, source, off, end.saturating_sub(off));
    d.field_in(source, &TYPE, Value::UInt(u64::from(ty)), off, 1);
    d.field_in(source, &CODE, Value::UInt(u64::from(code)), off + 1, 1);
    d.field_in(source, &CHECKSUM, Value::UInt(u64::from(csum)), off + 2, 2);
    d.generated(&CHECKSUM_STATUS, Value::UInt(2));
    let type_name = TYPE
        .value_name(u64::from(ty))
        .unwrap_or("Unknown ICMP (obsolete or malformed?)");
    let mut info = String::new();
    match ty {
        0 | 8 => {
            let r = data.get(off + 4..off + 8);
            let (id, seq) = match r {
                Some(r) => (
                    u16::from_be_bytes([r[0], r[1]]),
                    u16::from_be_bytes([r[2], r[3]]),
                ),
                None => (0, 0),
            };
            if r.is_some() {
                d.field_in(source, &IDENT, Value::UInt(u64::from(id)), off + 4, 2);
                d.field_in(
                    source,
                    &IDENT_LE,
                    Value::UInt(u64::from(id.swap_bytes())),
                    off + 4,
                    2,
                );
                d.field_in(source, &SEQ, Value::UInt(u64::from(seq)), off + 6, 2);
                d.field_in(
                    source,
                    &SEQ_LE,
                    Value::UInt(u64::from(seq.swap_bytes())),
                    off + 6,
                    2,
                );
            }
            let _ = write!(
                info,
                "{type_name}{}id=0x{id:04x}, seq={seq}/{}, ttl={}",
                if ty == 8 { "  " } else { "    " },
                seq.swap_bytes(),
                ipi.ttl
            );
            if ty == 8 {
                state.request((ipi.src, ipi.dst, id, seq), ctx.number, ctx.ts_ns);
                let resp = ctx.annotations.get(ctx.number, &RESP_IN).next().cloned();
                match resp {
                    Some(Value::UInt(f)) => {
                        d.generated(&RESP_IN, Value::UInt(f));
                        let _ = write!(info, " (reply in {f})");
                    }
                    _ => {
                        d.generated(&NO_RESP, Value::None);
                        info.push_str(" (no response found!)");
                    }
                }
            } else if let Some((req, t)) = state.reply((ipi.dst, ipi.src, id, seq)) {
                ctx.learn(req, &RESP_IN, Value::UInt(ctx.number));
                d.generated(&RESP_TO, Value::UInt(req));
                let ms = ctx.ts_ns.saturating_sub(t) as f64 / 1e6;
                d.generated(&RESPTIME, Value::Float(ms));
                let _ = write!(info, " (request in {req})");
            }
            if off + 8 < end {
                // The echo payload is Wireshark's `data` protocol, nested under ICMP.
                let prev = d.nest();
                super::udp::dissect_data(data, off + 8, end, source, d);
                d.unnest(prev);
            }
        }
        3 | 4 | 5 | 11 | 12 => {
            let codes: &[(u8, &str)] = match ty {
                3 => UNREACH_CODES,
                11 => &[
                    (0, "Time to live exceeded in transit"),
                    (1, "Fragment reassembly time exceeded"),
                ],
                5 => &[
                    (0, "Redirect for network"),
                    (1, "Redirect for host"),
                    (2, "Redirect for TOS and network"),
                    (3, "Redirect for TOS and host"),
                ],
                _ => &[],
            };
            if codes.is_empty() {
                info.push_str(type_name);
            } else {
                let _ = write!(info, "{type_name} ({})", code_name(codes, code));
            }
            if ty == 3 && code == 4 {
                if let Some(m) = data.get(off + 6..off + 8) {
                    d.field_in(
                        source,
                        &MTU,
                        Value::UInt(u64::from(u16::from_be_bytes([m[0], m[1]]))),
                        off + 6,
                        2,
                    );
                }
            } else if let Some(u) = data.get(off + 4..off + 8) {
                if d.wants(&UNUSED) {
                    d.field_in(source, &UNUSED, Value::bytes(u), off + 4, 4);
                }
            }
            quoted = Some(off + 8);
        }
        _ => info.push_str(type_name),
    }
    if d.columns {
        d.protocol = "ICMP";
        d.info = info;
    }
    quoted
}

/// A copy of an ICMP header inside an error (its echo id/seq, no matching).
pub fn dissect_quoted(
    data: &[u8],
    off: usize,
    end: usize,
    source: u8,
    v6: bool,
    d: &mut Dissection,
) {
    let end = end.min(data.len());
    let Some(h) = data.get(off..off + 4) else {
        return;
    };
    let (proto, ty_f, code_f, csum_f) = if v6 {
        (&ICMPV6, &V6_TYPE, &V6_CODE, &V6_CHECKSUM)
    } else {
        (&ICMP, &TYPE, &CODE, &CHECKSUM)
    };
    d.open_protocol(proto, source, off, end.saturating_sub(off));
    d.field_in(source, ty_f, Value::UInt(u64::from(h[0])), off, 1);
    d.field_in(source, code_f, Value::UInt(u64::from(h[1])), off + 1, 1);
    let csum = u16::from_be_bytes([h[2], h[3]]);
    d.field_in(source, csum_f, Value::UInt(u64::from(csum)), off + 2, 2);
    let echo = if v6 {
        matches!(h[0], 128 | 129)
    } else {
        matches!(h[0], 0 | 8)
    };
    if let (true, Some(r)) = (echo, data.get(off + 4..off + 8)) {
        let id = u16::from_be_bytes([r[0], r[1]]);
        let seq = u16::from_be_bytes([r[2], r[3]]);
        if v6 {
            d.field_in(source, &V6_ECHO_ID, Value::UInt(u64::from(id)), off + 4, 2);
            d.field_in(
                source,
                &V6_ECHO_SEQ,
                Value::UInt(u64::from(seq)),
                off + 6,
                2,
            );
        } else {
            d.field_in(source, &IDENT, Value::UInt(u64::from(id)), off + 4, 2);
            d.field_in(
                source,
                &IDENT_LE,
                Value::UInt(u64::from(id.swap_bytes())),
                off + 4,
                2,
            );
            d.field_in(source, &SEQ, Value::UInt(u64::from(seq)), off + 6, 2);
            d.field_in(
                source,
                &SEQ_LE,
                Value::UInt(u64::from(seq.swap_bytes())),
                off + 6,
                2,
            );
        }
    }
}

/// Dissects an ICMPv6 message occupying `data[off..end]`; returns the offset of the
/// datagram an error quotes.
#[allow(clippy::too_many_arguments)]
pub fn dissect_v6(
    data: &[u8],
    off: usize,
    end: usize,
    source: u8,
    ipi: IpInfo,
    ctx: &mut FrameCtx<'_>,
    state: &mut IcmpState,
    d: &mut Dissection,
) -> Option<usize> {
    let end = end.min(data.len());
    let h = data.get(off..off + 4)?;
    let mut quoted = None;
    let (ty, code) = (h[0], h[1]);
    let csum = u16::from_be_bytes([h[2], h[3]]);
    d.open_protocol(&ICMPV6, source, off, end.saturating_sub(off));
    d.field_in(source, &V6_TYPE, Value::UInt(u64::from(ty)), off, 1);
    d.field_in(source, &V6_CODE, Value::UInt(u64::from(code)), off + 1, 1);
    d.field_in(
        source,
        &V6_CHECKSUM,
        Value::UInt(u64::from(csum)),
        off + 2,
        2,
    );
    d.generated(&V6_CHECKSUM_STATUS, Value::UInt(2));
    let type_name = V6_TYPE
        .value_name(u64::from(ty))
        .unwrap_or("Unknown ICMPv6 type");
    let mut info = String::new();
    match ty {
        128 | 129 => {
            let (id, seq) = match data.get(off + 4..off + 8) {
                Some(r) => (
                    u16::from_be_bytes([r[0], r[1]]),
                    u16::from_be_bytes([r[2], r[3]]),
                ),
                None => (0, 0),
            };
            d.field_in(source, &V6_ECHO_ID, Value::UInt(u64::from(id)), off + 4, 2);
            d.field_in(
                source,
                &V6_ECHO_SEQ,
                Value::UInt(u64::from(seq)),
                off + 6,
                2,
            );
            if off + 8 < end {
                let prev = d.nest();
                super::udp::dissect_data(data, off + 8, end, source, d);
                d.unnest(prev);
            }
            let _ = write!(
                info,
                "{type_name} id=0x{id:04x}, seq={seq}, hop limit={}",
                ipi.ttl
            );
            if ty == 128 {
                state.request((ipi.src, ipi.dst, id, seq), ctx.number, ctx.ts_ns);
                match ctx.annotations.get(ctx.number, &V6_RESP_IN).next().cloned() {
                    Some(Value::UInt(f)) => {
                        d.generated(&V6_RESP_IN, Value::UInt(f));
                        let _ = write!(info, " (reply in {f})");
                    }
                    _ => info.push_str(" (no response found!)"),
                }
            } else if let Some((req, t)) = state.reply((ipi.dst, ipi.src, id, seq)) {
                ctx.learn(req, &V6_RESP_IN, Value::UInt(ctx.number));
                d.generated(&V6_RESP_TO, Value::UInt(req));
                let ms = ctx.ts_ns.saturating_sub(t) as f64 / 1e6;
                d.generated(&V6_RESPTIME, Value::Float(ms));
                let _ = write!(info, " (request in {req})");
            }
        }
        1..=4 => {
            if ty == 1 {
                let _ = write!(info, "{type_name} ({})", code_name(V6_UNREACH_CODES, code));
            } else {
                info.push_str(type_name);
            }
            quoted = Some(off + 8);
        }
        133 | 134 => {
            let opts = if ty == 133 { off + 8 } else { off + 16 };
            let mac = nd_options(data, opts, end, source, d);
            info.push_str(type_name);
            if let Some(m) = mac {
                let _ = write!(info, " from {}", mac_text(&m));
            }
        }
        135 | 136 => {
            let target = data
                .get(off + 8..off + 24)
                .and_then(|t| <[u8; 16]>::try_from(t).ok());
            let target = target.map(std::net::Ipv6Addr::from);
            let def = if ty == 135 {
                &V6_ND_NS_TARGET
            } else {
                &V6_ND_NA_TARGET
            };
            if let Some(t) = target {
                d.field_in(source, def, Value::Ipv6(t), off + 8, 16);
            }
            let mac = nd_options(data, off + 24, end, source, d);
            let t = target.map(|t| t.to_string()).unwrap_or_default();
            if ty == 135 {
                let _ = write!(info, "{type_name} for {t}");
                if let Some(m) = mac {
                    let _ = write!(info, " from {}", mac_text(&m));
                }
            } else {
                let f = data.get(off + 4).copied().unwrap_or(0);
                let names: Vec<&str> = [(0x80, "rtr"), (0x40, "sol"), (0x20, "ovr")]
                    .iter()
                    .filter(|(b, _)| f & b != 0)
                    .map(|(_, n)| *n)
                    .collect();
                let _ = write!(info, "{type_name} {t}");
                if !names.is_empty() {
                    let _ = write!(info, " ({})", names.join(", "));
                }
                if let Some(m) = mac {
                    let _ = write!(info, " is at {}", mac_text(&m));
                }
            }
        }
        _ => info.push_str(type_name),
    }
    if d.columns {
        d.protocol = "ICMPv6";
        d.info = info;
    }
    quoted
}

fn mac_text(m: &[u8; 6]) -> String {
    let mut s = String::new();
    let _ = super::super::field::write_mac(&mut s, m);
    s
}

/// Neighbor-discovery options; returns the link-layer address option's MAC, if any.
fn nd_options(
    data: &[u8],
    mut at: usize,
    end: usize,
    source: u8,
    d: &mut Dissection,
) -> Option<[u8; 6]> {
    let mut mac = None;
    for _ in 0..MAX_ND_OPTIONS {
        let (Some(&ty), Some(&len)) = (data.get(at), data.get(at + 1)) else {
            break;
        };
        let len = usize::from(len) * 8;
        if len == 0 || at + len > end {
            break;
        }
        d.field_in(source, &V6_OPT_TYPE, Value::UInt(u64::from(ty)), at, 1);
        if (ty == 1 || ty == 2) && len == 8 {
            if let Some(m) = data
                .get(at + 2..at + 8)
                .and_then(|m| <[u8; 6]>::try_from(m).ok())
            {
                d.field_in(source, &V6_OPT_LINKADDR, Value::Ether(m), at + 2, 6);
                mac = Some(m);
            }
        }
        at += len;
    }
    mac
}

/// Neighbor-discovery options read before giving up.
const MAX_ND_OPTIONS: usize = 32;
