//! Network layers: IPv4 (`ip`), IPv6 (`ipv6`) and ARP/RARP (`arp`).

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::super::field::{Base, FieldDef, FieldType as T, Value};
use super::super::tree::{ColumnAddr, Dissection};

pub static IP: FieldDef = FieldDef::protocol("ip", "Internet Protocol Version 4");
pub static VERSION: FieldDef =
    FieldDef::new("ip.version", "Version", T::U8, Base::Dec).with_mask(0xf0);
pub static HDR_LEN: FieldDef =
    FieldDef::new("ip.hdr_len", "Header Length", T::U8, Base::Dec).with_mask(0x0f);
pub static DSFIELD: FieldDef = FieldDef::new(
    "ip.dsfield",
    "Differentiated Services Field",
    T::U8,
    Base::Hex,
);
pub static DSCP: FieldDef = FieldDef::new(
    "ip.dsfield.dscp",
    "Differentiated Services Codepoint",
    T::U8,
    Base::Dec,
)
.with_mask(0xfc);
pub static ECN: FieldDef = FieldDef::new(
    "ip.dsfield.ecn",
    "Explicit Congestion Notification",
    T::U8,
    Base::Dec,
)
.with_mask(0x03);
pub static LEN: FieldDef = FieldDef::new("ip.len", "Total Length", T::U16, Base::Dec);
pub static ID: FieldDef = FieldDef::new("ip.id", "Identification", T::U16, Base::HexDec);
pub static FLAGS: FieldDef = FieldDef::new("ip.flags", "Flags", T::U8, Base::Hex).with_mask(0xe0);
pub static FLAGS_RB: FieldDef =
    FieldDef::new("ip.flags.rb", "Reserved bit", T::Bool, Base::None).with_mask(0x80);
pub static FLAGS_DF: FieldDef =
    FieldDef::new("ip.flags.df", "Don't fragment", T::Bool, Base::None).with_mask(0x40);
pub static FLAGS_MF: FieldDef =
    FieldDef::new("ip.flags.mf", "More fragments", T::Bool, Base::None).with_mask(0x20);
pub static FRAG_OFFSET: FieldDef =
    FieldDef::new("ip.frag_offset", "Fragment Offset", T::U16, Base::Dec).with_mask(0x1fff);
pub static TTL: FieldDef = FieldDef::new("ip.ttl", "Time to Live", T::U8, Base::Dec);
pub static PROTO: FieldDef =
    FieldDef::new("ip.proto", "Protocol", T::U8, Base::Dec).with_strings(IP_PROTOCOLS);
pub static CHECKSUM: FieldDef = FieldDef::new("ip.checksum", "Header Checksum", T::U16, Base::Hex);
pub static CHECKSUM_STATUS: FieldDef = FieldDef::new(
    "ip.checksum.status",
    "Header checksum status",
    T::U8,
    Base::None,
)
.with_strings(CHECKSUM_STATUSES);
pub static SRC: FieldDef = FieldDef::new("ip.src", "Source Address", T::Ipv4, Base::None);
pub static DST: FieldDef = FieldDef::new("ip.dst", "Destination Address", T::Ipv4, Base::None);
pub static ADDR: FieldDef = FieldDef::new(
    "ip.addr",
    "Source or Destination Address",
    T::Ipv4,
    Base::None,
);
pub static SRC_HOST: FieldDef = FieldDef::new("ip.src_host", "Source Host", T::Str, Base::None);
pub static DST_HOST: FieldDef =
    FieldDef::new("ip.dst_host", "Destination Host", T::Str, Base::None);
pub static HOST: FieldDef =
    FieldDef::new("ip.host", "Source or Destination Host", T::Str, Base::None);
pub static REASSEMBLED_IN: FieldDef = FieldDef::new(
    "ip.reassembled_in",
    "Reassembled IPv4 in frame",
    T::FrameNum,
    Base::None,
);
pub static FRAGMENT: FieldDef =
    FieldDef::new("ip.fragment", "IPv4 Fragment", T::FrameNum, Base::None);
pub static FRAGMENT_COUNT: FieldDef =
    FieldDef::new("ip.fragment.count", "Fragment count", T::U32, Base::Dec);

pub static IPV6: FieldDef = FieldDef::protocol("ipv6", "Internet Protocol Version 6");
pub static V6_VERSION: FieldDef =
    FieldDef::new("ipv6.version", "Version", T::U8, Base::Dec).with_mask(0xf0);
pub static V6_TCLASS: FieldDef =
    FieldDef::new("ipv6.tclass", "Traffic Class", T::U32, Base::Hex).with_mask(0x0ff0_0000);
pub static V6_FLOW: FieldDef =
    FieldDef::new("ipv6.flow", "Flow Label", T::U32, Base::Hex).with_mask(0x000f_ffff);
pub static V6_PLEN: FieldDef = FieldDef::new("ipv6.plen", "Payload Length", T::U16, Base::Dec);
pub static V6_NXT: FieldDef =
    FieldDef::new("ipv6.nxt", "Next Header", T::U8, Base::Dec).with_strings(IP_PROTOCOLS);
pub static V6_HLIM: FieldDef = FieldDef::new("ipv6.hlim", "Hop Limit", T::U8, Base::Dec);
pub static V6_SRC: FieldDef = FieldDef::new("ipv6.src", "Source Address", T::Ipv6, Base::None);
pub static V6_DST: FieldDef = FieldDef::new("ipv6.dst", "Destination Address", T::Ipv6, Base::None);
pub static V6_ADDR: FieldDef = FieldDef::new(
    "ipv6.addr",
    "Source or Destination Address",
    T::Ipv6,
    Base::None,
);
pub static V6_FRAG_OFFSET: FieldDef =
    FieldDef::new("ipv6.fragment.offset", "Offset", T::U16, Base::Dec).with_mask(0xfff8);
pub static V6_FRAG_MORE: FieldDef =
    FieldDef::new("ipv6.fragment.more", "More Fragments", T::Bool, Base::None).with_mask(0x0001);
pub static V6_FRAG_ID: FieldDef =
    FieldDef::new("ipv6.fragment.id", "Identification", T::U32, Base::Hex);

pub static ARP: FieldDef = FieldDef::protocol("arp", "Address Resolution Protocol");
pub static ARP_HW_TYPE: FieldDef = FieldDef::new("arp.hw.type", "Hardware type", T::U16, Base::Dec)
    .with_strings(&[(1, "Ethernet")]);
pub static ARP_PROTO_TYPE: FieldDef =
    FieldDef::new("arp.proto.type", "Protocol type", T::U16, Base::Hex)
        .with_strings(super::eth::ETHERTYPES);
pub static ARP_HW_SIZE: FieldDef = FieldDef::new("arp.hw.size", "Hardware size", T::U8, Base::Dec);
pub static ARP_PROTO_SIZE: FieldDef =
    FieldDef::new("arp.proto.size", "Protocol size", T::U8, Base::Dec);
pub static ARP_OPCODE: FieldDef =
    FieldDef::new("arp.opcode", "Opcode", T::U16, Base::Dec).with_strings(ARP_OPCODES);
pub static ARP_SRC_HW_MAC: FieldDef =
    FieldDef::new("arp.src.hw_mac", "Sender MAC address", T::Ether, Base::None);
pub static ARP_SRC_PROTO_IPV4: FieldDef = FieldDef::new(
    "arp.src.proto_ipv4",
    "Sender IP address",
    T::Ipv4,
    Base::None,
);
pub static ARP_DST_HW_MAC: FieldDef =
    FieldDef::new("arp.dst.hw_mac", "Target MAC address", T::Ether, Base::None);
pub static ARP_DST_PROTO_IPV4: FieldDef = FieldDef::new(
    "arp.dst.proto_ipv4",
    "Target IP address",
    T::Ipv4,
    Base::None,
);
pub static ARP_ISGRATUITOUS: FieldDef =
    FieldDef::new("arp.isgratuitous", "Is gratuitous", T::Bool, Base::None);

pub static FIELDS: &[&FieldDef] = &[
    &IP,
    &VERSION,
    &HDR_LEN,
    &DSFIELD,
    &DSCP,
    &ECN,
    &LEN,
    &ID,
    &FLAGS,
    &FLAGS_RB,
    &FLAGS_DF,
    &FLAGS_MF,
    &FRAG_OFFSET,
    &TTL,
    &PROTO,
    &CHECKSUM,
    &CHECKSUM_STATUS,
    &SRC,
    &DST,
    &ADDR,
    &SRC_HOST,
    &DST_HOST,
    &HOST,
    &REASSEMBLED_IN,
    &FRAGMENT,
    &FRAGMENT_COUNT,
];

pub static V6_HOPOPTS: FieldDef = FieldDef::protocol("ipv6.hopopts", "IPv6 Hop-by-Hop Option");
pub static V6_ROUTING: FieldDef = FieldDef::protocol("ipv6.routing", "Routing Header for IPv6");
pub static V6_FRAGHDR: FieldDef = FieldDef::protocol("ipv6.fraghdr", "Fragment Header for IPv6");
pub static V6_DSTOPTS: FieldDef =
    FieldDef::protocol("ipv6.dstopts", "Destination Options for IPv6");

pub static FIELDS_V6: &[&FieldDef] = &[
    &V6_HOPOPTS,
    &V6_ROUTING,
    &V6_FRAGHDR,
    &V6_DSTOPTS,
    &IPV6,
    &V6_VERSION,
    &V6_TCLASS,
    &V6_FLOW,
    &V6_PLEN,
    &V6_NXT,
    &V6_HLIM,
    &V6_SRC,
    &V6_DST,
    &V6_ADDR,
    &V6_FRAG_OFFSET,
    &V6_FRAG_MORE,
    &V6_FRAG_ID,
];

pub static FIELDS_ARP: &[&FieldDef] = &[
    &ARP,
    &ARP_HW_TYPE,
    &ARP_PROTO_TYPE,
    &ARP_HW_SIZE,
    &ARP_PROTO_SIZE,
    &ARP_OPCODE,
    &ARP_SRC_HW_MAC,
    &ARP_SRC_PROTO_IPV4,
    &ARP_DST_HW_MAC,
    &ARP_DST_PROTO_IPV4,
    &ARP_ISGRATUITOUS,
];

/// IP protocol numbers (Wireshark's `ipproto_val`, the common ones).
pub static IP_PROTOCOLS: &[(u64, &str)] = &[
    (0, "IPv6 Hop-by-Hop Option"),
    (1, "ICMP"),
    (2, "IGMP"),
    (4, "IPIP"),
    (6, "TCP"),
    (17, "UDP"),
    (41, "IPv6"),
    (43, "Routing Header for IPv6"),
    (44, "Fragment Header for IPv6"),
    (47, "Generic Routing Encapsulation"),
    (50, "Encap Security Payload"),
    (51, "Authentication Header"),
    (58, "ICMPv6"),
    (59, "IPv6 No Next Header"),
    (60, "Destination Options for IPv6"),
    (89, "OSPF IGP"),
    (103, "PIM"),
    (112, "Virtual Router Redundancy Protocol"),
    (132, "SCTP"),
];

static CHECKSUM_STATUSES: &[(u64, &str)] = &[(0, "Bad"), (1, "Good"), (2, "Unverified")];

static ARP_OPCODES: &[(u64, &str)] = &[
    (1, "request"),
    (2, "reply"),
    (3, "reverse request"),
    (4, "reverse reply"),
];

/// The short name Wireshark's Info uses for an IP protocol ("proto=ICMP 1").
pub fn proto_short_name(p: u8) -> &'static str {
    match p {
        1 => "ICMP",
        2 => "IGMP",
        6 => "TCP",
        17 => "UDP",
        41 => "IPv6",
        47 => "GRE",
        50 => "ESP",
        51 => "AH",
        58 => "ICMPv6",
        132 => "SCTP",
        _ => "Unknown",
    }
}

/// What an IP header hands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNext {
    pub src: IpAddr,
    pub dst: IpAddr,
    /// Upper-layer protocol (after IPv6 extension headers).
    pub protocol: u8,
    /// Offset of the upper-layer payload.
    pub payload: usize,
    /// End of the payload per the header, clipped to the captured bytes.
    pub end: usize,
    /// A fragment (not a whole datagram): the payload is not dissected further here.
    pub fragment: bool,
    /// First fragment (offset 0) of a fragmented datagram.
    pub first_fragment: bool,
    /// Fragment offset in bytes.
    pub frag_offset: u32,
    pub ident: u32,
    pub ttl: u8,
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_be_bytes([s[0], s[1]]))
}

/// IPv4 header at `off`. `None` when too short to be one.
pub fn dissect_ipv4(data: &[u8], off: usize, source: u8, d: &mut Dissection) -> Option<IpNext> {
    let h = data.get(off..off + 20)?;
    let ihl = usize::from(h[0] & 0x0f) * 4;
    let total = usize::from(u16::from_be_bytes([h[2], h[3]]));
    let id = u16::from_be_bytes([h[4], h[5]]);
    let ff = u16::from_be_bytes([h[6], h[7]]);
    let (ttl, proto) = (h[8], h[9]);
    let src = Ipv4Addr::new(h[12], h[13], h[14], h[15]);
    let dst = Ipv4Addr::new(h[16], h[17], h[18], h[19]);
    let hdr_len = ihl.max(20).min(data.len() - off);
    d.open_protocol(&IP, source, off, hdr_len);
    if d.columns {
        d.src = ColumnAddr::Ip(IpAddr::V4(src));
        d.dst = ColumnAddr::Ip(IpAddr::V4(dst));
    }
    d.set_text(|| format!("Internet Protocol Version 4, Src: {src}, Dst: {dst}"));
    d.field_in(source, &VERSION, Value::UInt(u64::from(h[0] >> 4)), off, 1);
    d.field_in(source, &HDR_LEN, Value::UInt(ihl as u64), off, 1);
    d.set_text(|| format!("Header Length: {ihl} bytes ({})", ihl / 4));
    d.field_in(source, &DSFIELD, Value::UInt(u64::from(h[1])), off + 1, 1);
    d.open();
    d.field_in(source, &DSCP, Value::UInt(u64::from(h[1] >> 2)), off + 1, 1);
    d.field_in(source, &ECN, Value::UInt(u64::from(h[1] & 3)), off + 1, 1);
    d.close();
    d.field_in(source, &LEN, Value::UInt(total as u64), off + 2, 2);
    d.field_in(source, &ID, Value::UInt(u64::from(id)), off + 4, 2);
    d.field_in(source, &FLAGS, Value::UInt(u64::from(ff >> 13)), off + 6, 1);
    d.open();
    d.field_in(source, &FLAGS_RB, Value::Bool(ff & 0x8000 != 0), off + 6, 1);
    d.field_in(source, &FLAGS_DF, Value::Bool(ff & 0x4000 != 0), off + 6, 1);
    d.field_in(source, &FLAGS_MF, Value::Bool(ff & 0x2000 != 0), off + 6, 1);
    d.close();
    let frag_units = ff & 0x1fff;
    d.field_in(
        source,
        &FRAG_OFFSET,
        Value::UInt(u64::from(frag_units)),
        off + 6,
        2,
    );
    d.set_text(|| format!("Fragment Offset: {}", u32::from(frag_units) * 8));
    d.field_in(source, &TTL, Value::UInt(u64::from(ttl)), off + 8, 1);
    d.field_in(source, &PROTO, Value::UInt(u64::from(proto)), off + 9, 1);
    let csum = be16(h, 10).unwrap_or(0);
    d.field_in(source, &CHECKSUM, Value::UInt(u64::from(csum)), off + 10, 2);
    d.set_text(|| format!("Header Checksum: 0x{csum:04x} [validation disabled]"));
    d.generated(&CHECKSUM_STATUS, Value::UInt(2));
    d.field_in(source, &SRC, Value::Ipv4(src), off + 12, 4);
    d.hidden_in(source, &ADDR, Value::Ipv4(src), off + 12, 4);
    if d.wants(&SRC_HOST) || d.wants(&HOST) {
        d.hidden_in(source, &SRC_HOST, Value::str(src.to_string()), off + 12, 4);
        d.hidden_in(source, &HOST, Value::str(src.to_string()), off + 12, 4);
    }
    d.field_in(source, &DST, Value::Ipv4(dst), off + 16, 4);
    d.hidden_in(source, &ADDR, Value::Ipv4(dst), off + 16, 4);
    if d.wants(&DST_HOST) || d.wants(&HOST) {
        d.hidden_in(source, &DST_HOST, Value::str(dst.to_string()), off + 16, 4);
        d.hidden_in(source, &HOST, Value::str(dst.to_string()), off + 16, 4);
    }
    let payload = off + ihl.max(20);
    // Wireshark takes what the frame has when the length claims more (TSO captures write 0).
    let end = if total >= ihl.max(20) {
        (off + total).min(data.len())
    } else {
        data.len()
    };
    let frag_offset = u32::from(frag_units) * 8;
    let mf = ff & 0x2000 != 0;
    Some(IpNext {
        src: IpAddr::V4(src),
        dst: IpAddr::V4(dst),
        protocol: proto,
        payload,
        end: end.max(payload.min(data.len())),
        fragment: mf || frag_offset > 0,
        first_fragment: mf && frag_offset == 0,
        frag_offset,
        ident: u32::from(id),
        ttl,
    })
}

/// An IPv4 header cut short by the snaplen: the protocol item and the fields that fit.
pub fn dissect_ipv4_cut(data: &[u8], off: usize, d: &mut Dissection) {
    let h = data.get(off..).unwrap_or(&[]);
    d.open_protocol(&IP, 0, off.min(data.len()), h.len());
    let b = |i: usize| h.get(i).copied();
    let w = |i: usize| h.get(i..i + 2).map(|s| u16::from_be_bytes([s[0], s[1]]));
    if let Some(v) = b(0) {
        d.field(&VERSION, Value::UInt(u64::from(v >> 4)), off, 1);
        d.field(&HDR_LEN, Value::UInt(u64::from(v & 0x0f) * 4), off, 1);
    }
    if let Some(v) = b(1) {
        d.field(&DSFIELD, Value::UInt(u64::from(v)), off + 1, 1);
    }
    if let Some(v) = w(2) {
        d.field(&LEN, Value::UInt(u64::from(v)), off + 2, 2);
    }
    if let Some(v) = w(4) {
        d.field(&ID, Value::UInt(u64::from(v)), off + 4, 2);
    }
    if let Some(v) = w(6) {
        d.field(&FLAGS, Value::UInt(u64::from(v >> 13)), off + 6, 1);
        d.field(&FLAGS_DF, Value::Bool(v & 0x4000 != 0), off + 6, 1);
        d.field(&FLAGS_MF, Value::Bool(v & 0x2000 != 0), off + 6, 1);
        d.field(&FRAG_OFFSET, Value::UInt(u64::from(v & 0x1fff)), off + 6, 2);
    }
    if let Some(v) = b(8) {
        d.field(&TTL, Value::UInt(u64::from(v)), off + 8, 1);
    }
    if let Some(v) = b(9) {
        d.field(&PROTO, Value::UInt(u64::from(v)), off + 9, 1);
    }
}

/// IPv6 header (and its extension headers) at `off`.
pub fn dissect_ipv6(data: &[u8], off: usize, source: u8, d: &mut Dissection) -> Option<IpNext> {
    let h = data.get(off..off + 40)?;
    let w = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
    let plen = usize::from(u16::from_be_bytes([h[4], h[5]]));
    let nxt = h[6];
    let hlim = h[7];
    let mut a = [0u8; 16];
    a.copy_from_slice(&h[8..24]);
    let src = Ipv6Addr::from(a);
    a.copy_from_slice(&h[24..40]);
    let dst = Ipv6Addr::from(a);
    d.open_protocol(&IPV6, source, off, 40);
    if d.columns {
        d.src = ColumnAddr::Ip(IpAddr::V6(src));
        d.dst = ColumnAddr::Ip(IpAddr::V6(dst));
    }
    d.set_text(|| format!("Internet Protocol Version 6, Src: {src}, Dst: {dst}"));
    d.field_in(source, &V6_VERSION, Value::UInt(u64::from(w >> 28)), off, 1);
    d.field_in(
        source,
        &V6_TCLASS,
        Value::UInt(u64::from((w >> 20) & 0xff)),
        off,
        4,
    );
    d.field_in(
        source,
        &V6_FLOW,
        Value::UInt(u64::from(w & 0xfffff)),
        off + 1,
        3,
    );
    d.field_in(source, &V6_PLEN, Value::UInt(plen as u64), off + 4, 2);
    d.field_in(source, &V6_NXT, Value::UInt(u64::from(nxt)), off + 6, 1);
    d.field_in(source, &V6_HLIM, Value::UInt(u64::from(hlim)), off + 7, 1);
    d.field_in(source, &V6_SRC, Value::Ipv6(src), off + 8, 16);
    d.hidden_in(source, &V6_ADDR, Value::Ipv6(src), off + 8, 16);
    d.field_in(source, &V6_DST, Value::Ipv6(dst), off + 24, 16);
    d.hidden_in(source, &V6_ADDR, Value::Ipv6(dst), off + 24, 16);
    let end = if plen == 0 {
        data.len()
    } else {
        (off + 40 + plen).min(data.len())
    };
    // Extension headers: hop-by-hop, routing, fragment, destination options.
    let mut next = nxt;
    let mut at = off + 40;
    let (mut fragment, mut first_fragment, mut frag_offset, mut ident) = (false, false, 0, 0);
    for _ in 0..MAX_IPV6_EXTENSIONS {
        match next {
            0 | 43 | 60 => {
                let (Some(&n), Some(&l)) = (data.get(at), data.get(at + 1)) else {
                    break;
                };
                d.layer(match next {
                    0 => &V6_HOPOPTS,
                    43 => &V6_ROUTING,
                    _ => &V6_DSTOPTS,
                });
                next = n;
                at += (usize::from(l) + 1) * 8;
            }
            44 => {
                let Some(f) = data.get(at..at + 8) else {
                    break;
                };
                d.layer(&V6_FRAGHDR);
                let of = u16::from_be_bytes([f[2], f[3]]);
                frag_offset = u32::from(of >> 3) * 8;
                let more = of & 1 != 0;
                ident = u32::from_be_bytes([f[4], f[5], f[6], f[7]]);
                d.field_in(
                    source,
                    &V6_FRAG_OFFSET,
                    Value::UInt(u64::from(of >> 3)),
                    at + 2,
                    2,
                );
                d.field_in(source, &V6_FRAG_MORE, Value::Bool(more), at + 2, 2);
                d.field_in(
                    source,
                    &V6_FRAG_ID,
                    Value::UInt(u64::from(ident)),
                    at + 4,
                    4,
                );
                fragment = more || frag_offset > 0;
                first_fragment = more && frag_offset == 0;
                next = f[0];
                at += 8;
            }
            _ => break,
        }
    }
    Some(IpNext {
        src: IpAddr::V6(src),
        dst: IpAddr::V6(dst),
        protocol: next,
        payload: at.min(data.len()),
        end: end.max(at.min(data.len())),
        fragment,
        first_fragment,
        frag_offset,
        ident,
        ttl: hlim,
    })
}

/// Extension headers walked before giving up (a hostile chain could be long).
const MAX_IPV6_EXTENSIONS: usize = 16;

/// ARP or RARP (`rarp`: EtherType 0x8035) at `off`.
pub fn dissect_arp(data: &[u8], off: usize, rarp: bool, d: &mut Dissection) {
    let Some(h) = data.get(off..off + 8) else {
        d.open_protocol(&ARP, 0, off, data.len().saturating_sub(off));
        d.protocol = "ARP";
        return;
    };
    let hw_type = u16::from_be_bytes([h[0], h[1]]);
    let proto_type = u16::from_be_bytes([h[2], h[3]]);
    let (hs, ps) = (usize::from(h[4]), usize::from(h[5]));
    let opcode = u16::from_be_bytes([h[6], h[7]]);
    let body_len = 8 + 2 * (hs + ps);
    d.open_protocol(&ARP, 0, off, body_len.min(data.len() - off));
    let op_name = ARP_OPCODE
        .value_name(u64::from(opcode))
        .unwrap_or("unknown");
    d.protocol = if rarp { "RARP" } else { "ARP" };
    d.field(&ARP_HW_TYPE, Value::UInt(u64::from(hw_type)), off, 2);
    d.field(
        &ARP_PROTO_TYPE,
        Value::UInt(u64::from(proto_type)),
        off + 2,
        2,
    );
    d.field(&ARP_HW_SIZE, Value::UInt(hs as u64), off + 4, 1);
    d.field(&ARP_PROTO_SIZE, Value::UInt(ps as u64), off + 5, 1);
    d.field(&ARP_OPCODE, Value::UInt(u64::from(opcode)), off + 6, 2);
    let ether_ipv4 = hs == 6 && ps == 4;
    let body = data.get(off + 8..off + body_len);
    let (Some(b), true) = (body, ether_ipv4) else {
        d.set_text(|| format!("Address Resolution Protocol ({op_name})"));
        return;
    };
    let smac: [u8; 6] = [b[0], b[1], b[2], b[3], b[4], b[5]];
    let sip = Ipv4Addr::new(b[6], b[7], b[8], b[9]);
    let tmac: [u8; 6] = [b[10], b[11], b[12], b[13], b[14], b[15]];
    let tip = Ipv4Addr::new(b[16], b[17], b[18], b[19]);
    let gratuitous = sip == tip && !rarp;
    let o = off + 8;
    if gratuitous {
        d.generated(&ARP_ISGRATUITOUS, Value::Bool(true));
    }
    d.field(&ARP_SRC_HW_MAC, Value::Ether(smac), o, 6);
    d.field(&ARP_SRC_PROTO_IPV4, Value::Ipv4(sip), o + 6, 4);
    d.field(&ARP_DST_HW_MAC, Value::Ether(tmac), o + 10, 6);
    d.field(&ARP_DST_PROTO_IPV4, Value::Ipv4(tip), o + 16, 4);
    let mac = |m: &[u8; 6]| {
        let mut s = String::new();
        let _ = super::super::field::write_mac(&mut s, m);
        s
    };
    if let Some(first) = d.items.iter_mut().rev().find(|i| i.def.is(&ARP)) {
        if first.text.is_none() && (d.wants.is_all()) {
            let g = if gratuitous {
                " (ARP Announcement)"
            } else {
                ""
            };
            let _ = g;
            first.text = Some(
                format!(
                    "Address Resolution Protocol ({op_name}{})",
                    if gratuitous { "/gratuitous ARP" } else { "" }
                )
                .into_boxed_str(),
            );
        }
    }
    if d.columns {
        d.info.clear();
        d.info = match (opcode, gratuitous) {
            (1, false) => format!("Who has {tip}? Tell {sip}"),
            (2, false) => format!("{sip} is at {}", mac(&smac)),
            (1, true) => format!("Gratuitous ARP for {sip} (Request)"),
            (2, true) => format!("Gratuitous ARP for {sip} (Reply)"),
            (3, _) => format!("Who is {}? Tell {}", mac(&tmac), mac(&smac)),
            (4, _) => format!("{} is at {tip}", mac(&tmac)),
            _ => format!("Unknown ARP opcode 0x{opcode:04x}"),
        };
    }
}
