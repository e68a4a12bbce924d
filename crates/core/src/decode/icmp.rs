//! ICMP (RFC 792) and ICMPv6 (RFC 4443, neighbour discovery RFC 4861, MLD RFC 2710/3810).
//!
//! [`Packet`] is a zero-copy view of an ICMP/ICMPv6 message (header + body) that never panics;
//! [`parse_nd`] reads neighbour discovery messages into an owned [`NeighborDiscovery`], and
//! [`quoted`] the 5-tuple of the datagram quoted in an error. Names follow Wireshark's strings.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::decode_ip;

mod field {
    pub const TYPE: usize = 0;
    pub const CODE: usize = 1;
    pub const CHECKSUM: std::ops::Range<usize> = 2..4;
    pub const REST: std::ops::Range<usize> = 4..8;
    pub const BODY: usize = 8;
}

/// Prefixes / DNS servers kept per router advertisement.
pub const MAX_ND_ITEMS: usize = 16;

/// A read-only view of an ICMP or ICMPv6 message.
#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        Packet { buffer }
    }
    /// Wraps a buffer holding at least the 8-byte header.
    pub fn new_checked(buffer: T) -> Option<Self> {
        let p = Packet::new_unchecked(buffer);
        (p.buffer.as_ref().len() >= field::BODY).then_some(p)
    }
    fn bytes(&self) -> &[u8] {
        self.buffer.as_ref()
    }
    pub fn msg_type(&self) -> u8 {
        self.bytes().get(field::TYPE).copied().unwrap_or(0)
    }
    pub fn code(&self) -> u8 {
        self.bytes().get(field::CODE).copied().unwrap_or(0)
    }
    pub fn checksum(&self) -> u16 {
        match self.bytes().get(field::CHECKSUM) {
            Some(&[a, b]) => u16::from_be_bytes([a, b]),
            _ => 0,
        }
    }
    /// Bytes 4..8 (identifier and sequence for echo, unused / MTU / gateway for errors).
    pub fn rest_of_header(&self) -> [u8; 4] {
        let mut r = [0u8; 4];
        if let Some(b) = self.bytes().get(field::REST) {
            r.copy_from_slice(b);
        }
        r
    }
    pub fn ident(&self) -> u16 {
        let r = self.rest_of_header();
        u16::from_be_bytes([r[0], r[1]])
    }
    pub fn seq(&self) -> u16 {
        let r = self.rest_of_header();
        u16::from_be_bytes([r[2], r[3]])
    }
    /// Everything after the 8-byte header.
    pub fn body(&self) -> &[u8] {
        self.bytes().get(field::BODY..).unwrap_or(&[])
    }
}

/// ICMPv4 types that carry an identifier and a sequence number.
pub fn v4_has_id_seq(t: u8) -> bool {
    matches!(t, 0 | 8 | 13 | 14 | 15 | 16 | 17 | 18)
}

/// ICMPv4 error types that quote the original datagram.
pub fn v4_is_error(t: u8) -> bool {
    matches!(t, 3 | 4 | 5 | 11 | 12)
}

/// ICMPv6 error types (RFC 4443: all types below 128) quote the original packet.
pub fn v6_is_error(t: u8) -> bool {
    matches!(t, 1..=4)
}

/// Wireshark's ICMPv4 type names.
pub fn v4_type_name(t: u8) -> String {
    match t {
        0 => "Echo (ping) reply",
        1 | 2 | 7 => "Reserved",
        3 => "Destination unreachable",
        4 => "Source quench (flow control)",
        5 => "Redirect",
        6 => "Alternate host address",
        8 => "Echo (ping) request",
        9 => "Router advertisement",
        10 => "Router solicitation",
        11 => "Time-to-live exceeded",
        12 => "Parameter problem",
        13 => "Timestamp request",
        14 => "Timestamp reply",
        15 => "Information request",
        16 => "Information reply",
        17 => "Address mask request",
        18 => "Address mask reply",
        19 => "Reserved (for security)",
        30 => "Traceroute",
        31 => "Datagram Conversion Error",
        32 => "Mobile Host Redirect",
        33 => "IPv6 Where-Are-You",
        34 => "IPv6 I-Am-Here",
        35 => "Mobile Registration Request",
        36 => "Mobile Registration Reply",
        37 => "Domain Name Request",
        38 => "Domain Name Reply",
        39 => "SKIP",
        40 => "Photuris",
        41 => "Experimental mobility protocols",
        42 => "Extended Echo request",
        43 => "Extended Echo reply",
        _ => return format!("Unknown type {t}"),
    }
    .to_string()
}

/// Wireshark's ICMPv4 code names, for the types that name their codes.
pub fn v4_code_name(t: u8, c: u8) -> Option<String> {
    let name = match (t, c) {
        (3, 0) => "Network unreachable",
        (3, 1) => "Host unreachable",
        (3, 2) => "Protocol unreachable",
        (3, 3) => "Port unreachable",
        (3, 4) => "Fragmentation needed",
        (3, 5) => "Source route failed",
        (3, 6) => "Destination network unknown",
        (3, 7) => "Destination host unknown",
        (3, 8) => "Source host isolated",
        (3, 9) => "Network administratively prohibited",
        (3, 10) => "Host administratively prohibited",
        (3, 11) => "Network unreachable for TOS",
        (3, 12) => "Host unreachable for TOS",
        (3, 13) => "Communication administratively filtered",
        (3, 14) => "Host precedence violation",
        (3, 15) => "Precedence cutoff in effect",
        (5, 0) => "Redirect for network",
        (5, 1) => "Redirect for host",
        (5, 2) => "Redirect for TOS and network",
        (5, 3) => "Redirect for TOS and host",
        (9, 0) => "Normal router advertisement",
        (9, 16) => "Does not route common traffic",
        (11, 0) => "Time to live exceeded in transit",
        (11, 1) => "Fragment reassembly time exceeded",
        (12, 0) => "Pointer indicates the error",
        (12, 1) => "Required option missing",
        (12, 2) => "Bad length",
        (3 | 5 | 11 | 12, _) => return Some(format!("Unknown code: {c}")),
        _ => return None,
    };
    Some(name.to_string())
}

/// Wireshark's ICMPv6 type names.
pub fn v6_type_name(t: u8) -> String {
    match t {
        1 => "Destination Unreachable",
        2 => "Packet Too Big",
        3 => "Time Exceeded",
        4 => "Parameter Problem",
        100 | 101 | 200 | 201 => "Private experimentation",
        128 => "Echo (ping) request",
        129 => "Echo (ping) reply",
        130 => "Multicast Listener Query",
        131 => "Multicast Listener Report",
        132 => "Multicast Listener Done",
        133 => "Router Solicitation",
        134 => "Router Advertisement",
        135 => "Neighbor Solicitation",
        136 => "Neighbor Advertisement",
        137 => "Redirect",
        138 => "Router Renumbering",
        139 => "ICMP Node Information Query",
        140 => "ICMP Node Information Response",
        141 => "Inverse Neighbor Discovery Solicitation Message",
        142 => "Inverse Neighbor Discovery Advertisement Message",
        143 => "Multicast Listener Report Message v2",
        144 => "Home Agent Address Discovery Request Message",
        145 => "Home Agent Address Discovery Reply Message",
        146 => "Mobile Prefix Solicitation",
        147 => "Mobile Prefix Advertisement",
        148 => "Certification Path Solicitation Message",
        149 => "Certification Path Advertisement Message",
        151 => "Multicast Router Advertisement",
        152 => "Multicast Router Solicitation",
        153 => "Multicast Router Termination",
        155 => "RPL Control Message",
        160 => "Extended Echo request",
        161 => "Extended Echo reply",
        _ => return format!("Unknown type {t}"),
    }
    .to_string()
}

/// Wireshark's ICMPv6 code names for the error types.
pub fn v6_code_name(t: u8, c: u8) -> Option<String> {
    let name = match (t, c) {
        (1, 0) => "no route to destination",
        (1, 1) => "communication with destination administratively prohibited",
        (1, 2) => "beyond scope of source address",
        (1, 3) => "address unreachable",
        (1, 4) => "port unreachable",
        (1, 5) => "source address failed ingress/egress policy",
        (1, 6) => "reject route to destination",
        (1, 7) => "Error in Source Routing Header",
        (3, 0) => "hop limit exceeded in transit",
        (3, 1) => "fragment reassembly time exceeded",
        (4, 0) => "erroneous header field encountered",
        (4, 1) => "unrecognized Next Header type encountered",
        (4, 2) => "unrecognized IPv6 option encountered",
        (1 | 3 | 4, _) => return Some(format!("Unknown code: {c}")),
        _ => return None,
    };
    Some(name.to_string())
}

/// The 5-tuple of the packet quoted in an ICMP error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quoted {
    pub protocol: u8,
    pub src: IpAddr,
    pub dst: IpAddr,
    /// TCP / UDP / SCTP / UDP-Lite ports when the first 4 transport bytes are present.
    pub src_port: Option<u16>,
    pub dst_port: Option<u16>,
    /// A quoted ICMP / ICMPv6 message: its type, and identifier and sequence when it has them.
    pub icmp_type: Option<u8>,
    pub icmp_id: Option<u16>,
    pub icmp_seq: Option<u16>,
}

/// Reads the original datagram quoted in an error body (IP header + at least 8 bytes).
pub fn quoted(body: &[u8]) -> Option<Quoted> {
    let (ip, _) = decode_ip(body)?;
    let ports =
        matches!(ip.protocol, 6 | 17 | 132 | 136) && ip.fragment.is_none_or(|f| f.offset == 0);
    let (src_port, dst_port) = match ip.payload.get(..4) {
        Some(p) if ports => (
            Some(u16::from_be_bytes([p[0], p[1]])),
            Some(u16::from_be_bytes([p[2], p[3]])),
        ),
        _ => (None, None),
    };
    let icmp = matches!(ip.protocol, 1 | 58) && ip.fragment.is_none_or(|f| f.offset == 0);
    let inner = Packet::new_unchecked(ip.payload);
    let icmp_type = (icmp && !ip.payload.is_empty()).then(|| inner.msg_type());
    let has_id = icmp_type.is_some_and(|t| {
        if ip.protocol == 1 {
            v4_has_id_seq(t)
        } else {
            matches!(t, 128 | 129)
        }
    }) && ip.payload.len() >= 8;
    Some(Quoted {
        protocol: ip.protocol,
        src: ip.src,
        dst: ip.dst,
        src_port,
        dst_port,
        icmp_type,
        icmp_id: has_id.then(|| inner.ident()),
        icmp_seq: has_id.then(|| inner.seq()),
    })
}

/// A prefix from a router advertisement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Prefix {
    pub prefix: Ipv6Addr,
    pub length: u8,
    pub on_link: bool,
    pub autonomous: bool,
    pub valid_lifetime: u32,
    pub preferred_lifetime: u32,
}

/// Neighbour discovery facts (types 133-137).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NeighborDiscovery {
    pub target: Option<Ipv6Addr>,
    pub destination: Option<Ipv6Addr>,
    pub source_link_addr: Option<Vec<u8>>,
    pub target_link_addr: Option<Vec<u8>>,
    pub router: Option<bool>,
    pub solicited: Option<bool>,
    pub override_flag: Option<bool>,
    pub cur_hop_limit: Option<u8>,
    pub managed: Option<bool>,
    pub other_config: Option<bool>,
    pub router_lifetime: Option<u16>,
    pub mtu: Option<u32>,
    pub prefixes: Vec<Prefix>,
    pub dns_servers: Vec<Ipv6Addr>,
    /// Set when an option's length was zero or ran past the end.
    pub bad_option: bool,
}

fn ipv6_at(b: &[u8], at: usize) -> Option<Ipv6Addr> {
    <[u8; 16]>::try_from(b.get(at..at + 16)?)
        .ok()
        .map(Ipv6Addr::from)
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    <[u8; 4]>::try_from(b.get(at..at + 4)?)
        .ok()
        .map(u32::from_be_bytes)
}

/// Reads a neighbour discovery message (RS 133, RA 134, NS 135, NA 136, Redirect 137).
pub fn parse_nd<T: AsRef<[u8]>>(p: &Packet<T>) -> Option<NeighborDiscovery> {
    let rest = p.rest_of_header();
    let body = p.body();
    let mut nd = NeighborDiscovery::default();
    let options_at = match p.msg_type() {
        133 => 0,
        134 => {
            nd.cur_hop_limit = Some(rest[0]);
            nd.managed = Some(rest[1] & 0x80 != 0);
            nd.other_config = Some(rest[1] & 0x40 != 0);
            nd.router_lifetime = Some(u16::from_be_bytes([rest[2], rest[3]]));
            8 // reachable time, retrans timer
        }
        135 => {
            nd.target = ipv6_at(body, 0);
            16
        }
        136 => {
            nd.router = Some(rest[0] & 0x80 != 0);
            nd.solicited = Some(rest[0] & 0x40 != 0);
            nd.override_flag = Some(rest[0] & 0x20 != 0);
            nd.target = ipv6_at(body, 0);
            16
        }
        137 => {
            nd.target = ipv6_at(body, 0);
            nd.destination = ipv6_at(body, 16);
            32
        }
        _ => return None,
    };
    let mut opts = body.get(options_at..).unwrap_or(&[]);
    while opts.len() >= 2 {
        let kind = opts[0];
        let len = usize::from(opts[1]) * 8;
        let Some(o) = opts.get(..len).filter(|_| len > 0) else {
            nd.bad_option = true;
            break;
        };
        match kind {
            1 => nd.source_link_addr = Some(o[2..].to_vec()),
            2 => nd.target_link_addr = Some(o[2..].to_vec()),
            3 => {
                if let (Some(prefix), Some(valid), Some(pref)) =
                    (ipv6_at(o, 16), u32_at(o, 4), u32_at(o, 8))
                {
                    if nd.prefixes.len() < MAX_ND_ITEMS {
                        nd.prefixes.push(Prefix {
                            prefix,
                            length: o[2],
                            on_link: o[3] & 0x80 != 0,
                            autonomous: o[3] & 0x40 != 0,
                            valid_lifetime: valid,
                            preferred_lifetime: pref,
                        });
                    }
                }
            }
            5 => nd.mtu = u32_at(o, 4),
            25 => {
                let mut at = 8;
                while let Some(a) = ipv6_at(o, at) {
                    if nd.dns_servers.len() < MAX_ND_ITEMS {
                        nd.dns_servers.push(a);
                    }
                    at += 16;
                }
            }
            _ => {}
        }
        opts = &opts[len..];
    }
    Some(nd)
}

/// Ones' complement sum of `bytes` as 16-bit big-endian words (the Internet checksum core).
pub fn ones_complement_sum(bytes: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    let mut chunks = bytes.chunks_exact(2);
    for c in &mut chunks {
        sum += u32::from(u16::from_be_bytes([c[0], c[1]]));
    }
    if let Some(&last) = chunks.remainder().first() {
        sum += u32::from(last) << 8;
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    sum as u16
}

/// The checksum an echo reply carries when it answers a request with checksum `request` and the
/// same payload: only the type byte differs (ICMP 8 → 0 lowers the first word by 0x0800, ICMPv6
/// 128 → 129 raises it by 0x0100). Wireshark pairs echoes on this value; 0 and 0xffff (the two
/// ones' complement zeros) are treated as equal.
pub fn expected_reply_checksum(request: u16, version: u8) -> u16 {
    // checksum = !sum, so the reply's checksum is !(sum_request + change_of_first_word).
    let change = if version == 4 { !0x0800u16 } else { 0x0100 };
    let sum = u32::from(!request) + u32::from(change);
    let folded = ((sum & 0xffff) + (sum >> 16)) as u16;
    normalize_checksum(!folded)
}

/// Maps the ones' complement negative zero to zero.
pub fn normalize_checksum(c: u16) -> u16 {
    if c == 0xffff {
        0
    } else {
        c
    }
}

/// The IPv4 gateway of a redirect (bytes 4..8).
pub fn redirect_gateway<T: AsRef<[u8]>>(p: &Packet<T>) -> Ipv4Addr {
    Ipv4Addr::from(p.rest_of_header())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn checksum(bytes: &[u8]) -> u16 {
        !ones_complement_sum(bytes)
    }

    fn echo(t: u8, id: u16, seq: u16, data: &[u8]) -> Vec<u8> {
        // (ICMPv6 checksums also cover a pseudo-header; it is the same for request and reply.)
        let mut v = vec![t, 0, 0, 0];
        v.extend(id.to_be_bytes());
        v.extend(seq.to_be_bytes());
        v.extend_from_slice(data);
        let c = checksum(&v);
        v[2..4].copy_from_slice(&c.to_be_bytes());
        v
    }

    #[test]
    fn test_echo_view_and_reply_key() {
        for data in [&b"abcdefgh"[..], b"", b"xyz", &[0xff; 40], &[0x00, 0x01]] {
            for (version, req_t, rep_t) in [(4, 8, 0), (6, 128, 129)] {
                let req = echo(req_t, 0x1234, 7, data);
                let rep = echo(rep_t, 0x1234, 7, data);
                let p = Packet::new_checked(&req[..]).unwrap();
                assert_eq!((p.msg_type(), p.ident(), p.seq()), (req_t, 0x1234, 7));
                let r = Packet::new_checked(&rep[..]).unwrap();
                assert_eq!(
                    expected_reply_checksum(p.checksum(), version),
                    normalize_checksum(r.checksum()),
                    "v{version} data {data:?}"
                );
            }
        }
        assert!(Packet::new_checked(&[8u8, 0, 0][..]).is_none());
    }

    #[test]
    fn test_names() {
        assert_eq!(v4_type_name(3), "Destination unreachable");
        assert_eq!(v4_code_name(3, 3).as_deref(), Some("Port unreachable"));
        assert_eq!(v4_code_name(8, 0), None);
        assert_eq!(v6_type_name(135), "Neighbor Solicitation");
        assert_eq!(v6_code_name(1, 4).as_deref(), Some("port unreachable"));
        assert_eq!(v6_type_name(143), "Multicast Listener Report Message v2");
    }

    #[test]
    fn test_quoted_udp() {
        // IPv4 header (20 bytes) + 8 bytes of UDP.
        let mut q = vec![
            0x45, 0, 0, 60, 0, 1, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
        ];
        q.extend([0x9c, 0x40, 0, 53, 0, 40, 0, 0]);
        let quoted = quoted(&q).unwrap();
        assert_eq!(quoted.protocol, 17);
        assert_eq!(quoted.src_port, Some(40000));
        assert_eq!(quoted.dst_port, Some(53));
        assert_eq!(quoted.dst, IpAddr::from([10, 0, 0, 2]));
        assert!(super::quoted(&q[..10]).is_none());
    }

    #[test]
    fn test_neighbor_discovery() {
        // NA: flags S|O, target fd00::2, target link-layer option.
        let mut na = vec![136, 0, 0, 0, 0x60, 0, 0, 0];
        let target: [u8; 16] = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2];
        na.extend(target);
        na.extend([2, 1, 2, 0, 0, 0, 0, 2]);
        let nd = parse_nd(&Packet::new_unchecked(&na[..])).unwrap();
        assert_eq!(nd.target, Some(Ipv6Addr::from(target)));
        assert_eq!(nd.solicited, Some(true));
        assert_eq!(nd.router, Some(false));
        assert_eq!(
            nd.target_link_addr.as_deref(),
            Some(&[2u8, 0, 0, 0, 0, 2][..])
        );
        // RA with a prefix option and a zero-length option at the end.
        let mut ra = vec![134, 0, 0, 0, 64, 0x40, 0x07, 0x08];
        ra.extend([0u8; 8]);
        let mut prefix = vec![3, 4, 64, 0xc0];
        prefix.extend(86400u32.to_be_bytes());
        prefix.extend(14400u32.to_be_bytes());
        prefix.extend([0u8; 4]);
        prefix.extend([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
        ra.extend(&prefix);
        ra.extend([1, 0]);
        let nd = parse_nd(&Packet::new_unchecked(&ra[..])).unwrap();
        assert_eq!(nd.router_lifetime, Some(1800));
        assert_eq!(nd.other_config, Some(true));
        assert_eq!(nd.prefixes.len(), 1);
        assert_eq!(nd.prefixes[0].length, 64);
        assert!(nd.prefixes[0].autonomous);
        assert!(nd.bad_option);
    }
}
