//! DHCPv4 / BOOTP (RFC 2131, 2132) and DHCPv6 (RFC 8415) messages.
//!
//! [`Packet`] is a zero-copy view of the fixed BOOTP header; [`parse_v4`] and [`parse_v6`] read
//! whole messages into owned summaries with the options people look at. Parsing never fails:
//! a message that stops making sense keeps what was read and records where in `malformed`.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::text::escaped;

mod field {
    use std::ops::Range;
    pub const OP: usize = 0;
    pub const HTYPE: usize = 1;
    pub const HLEN: usize = 2;
    pub const HOPS: usize = 3;
    pub const XID: Range<usize> = 4..8;
    pub const SECS: Range<usize> = 8..10;
    pub const FLAGS: Range<usize> = 10..12;
    pub const CIADDR: Range<usize> = 12..16;
    pub const YIADDR: Range<usize> = 16..20;
    pub const SIADDR: Range<usize> = 20..24;
    pub const GIADDR: Range<usize> = 24..28;
    pub const CHADDR: Range<usize> = 28..44;
    pub const SNAME: Range<usize> = 44..108;
    pub const FILE: Range<usize> = 108..236;
    pub const MAGIC: Range<usize> = 236..240;
    pub const OPTIONS: usize = 240;
    /// The fixed BOOTP header without the magic cookie.
    pub const HEADER_LEN: usize = 236;
}

/// The DHCP magic cookie (99.130.83.99).
pub const MAGIC_COOKIE: [u8; 4] = [99, 130, 83, 99];
/// Option codes recorded per message.
pub const MAX_OPTIONS: usize = 64;
/// Entries kept per address list option.
pub const MAX_LIST: usize = 16;

/// Option codes (DHCPv4).
pub mod opt {
    pub const PAD: u8 = 0;
    pub const SUBNET_MASK: u8 = 1;
    pub const ROUTER: u8 = 3;
    pub const DNS: u8 = 6;
    pub const HOSTNAME: u8 = 12;
    pub const DOMAIN_NAME: u8 = 15;
    pub const REQUESTED_IP: u8 = 50;
    pub const LEASE_TIME: u8 = 51;
    pub const OVERLOAD: u8 = 52;
    pub const MESSAGE_TYPE: u8 = 53;
    pub const SERVER_ID: u8 = 54;
    pub const PARAMETER_REQUEST_LIST: u8 = 55;
    pub const MESSAGE: u8 = 56;
    pub const RENEWAL_TIME: u8 = 58;
    pub const REBINDING_TIME: u8 = 59;
    pub const VENDOR_CLASS: u8 = 60;
    pub const CLIENT_ID: u8 = 61;
    pub const END: u8 = 255;
}

/// A read-only view of the BOOTP header.
#[derive(Debug, Clone, Copy)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    pub fn new_unchecked(buffer: T) -> Self {
        Packet { buffer }
    }
    /// Wraps a buffer holding at least the 236-byte fixed header.
    pub fn new_checked(buffer: T) -> Option<Self> {
        let p = Packet::new_unchecked(buffer);
        (p.buffer.as_ref().len() >= field::HEADER_LEN).then_some(p)
    }
    fn byte(&self, at: usize) -> u8 {
        self.buffer.as_ref().get(at).copied().unwrap_or(0)
    }
    fn bytes<const N: usize>(&self, range: std::ops::Range<usize>) -> [u8; N] {
        let mut out = [0u8; N];
        if let Some(b) = self.buffer.as_ref().get(range) {
            if b.len() == N {
                out.copy_from_slice(b);
            }
        }
        out
    }
    pub fn op(&self) -> u8 {
        self.byte(field::OP)
    }
    pub fn htype(&self) -> u8 {
        self.byte(field::HTYPE)
    }
    pub fn hlen(&self) -> u8 {
        self.byte(field::HLEN)
    }
    pub fn hops(&self) -> u8 {
        self.byte(field::HOPS)
    }
    pub fn xid(&self) -> u32 {
        u32::from_be_bytes(self.bytes(field::XID))
    }
    pub fn secs(&self) -> u16 {
        u16::from_be_bytes(self.bytes(field::SECS))
    }
    pub fn flags(&self) -> u16 {
        u16::from_be_bytes(self.bytes(field::FLAGS))
    }
    pub fn ciaddr(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.bytes::<4>(field::CIADDR))
    }
    pub fn yiaddr(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.bytes::<4>(field::YIADDR))
    }
    pub fn siaddr(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.bytes::<4>(field::SIADDR))
    }
    pub fn giaddr(&self) -> Ipv4Addr {
        Ipv4Addr::from(self.bytes::<4>(field::GIADDR))
    }
    pub fn chaddr(&self) -> [u8; 16] {
        self.bytes(field::CHADDR)
    }
    pub fn has_magic_cookie(&self) -> bool {
        self.buffer.as_ref().get(field::MAGIC) == Some(&MAGIC_COOKIE[..])
    }
}

/// Where and why parsing stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Malformed {
    pub offset: usize,
    pub reason: &'static str,
}

/// A DHCPv4 / BOOTP message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageV4 {
    pub op: u8,
    pub htype: u8,
    pub hlen: u8,
    pub hops: u8,
    pub xid: u32,
    pub secs: u16,
    pub flags: u16,
    pub ciaddr: Ipv4Addr,
    pub yiaddr: Ipv4Addr,
    pub siaddr: Ipv4Addr,
    pub giaddr: Ipv4Addr,
    pub chaddr: [u8; 16],
    /// Option 53; `None` for plain BOOTP.
    pub message_type: Option<u8>,
    pub option_codes: Vec<u8>,
    pub subnet_mask: Option<Ipv4Addr>,
    pub routers: Vec<Ipv4Addr>,
    pub dns_servers: Vec<Ipv4Addr>,
    pub hostname: Option<String>,
    pub domain_name: Option<String>,
    pub requested_ip: Option<Ipv4Addr>,
    pub lease_time: Option<u32>,
    pub server_id: Option<Ipv4Addr>,
    pub parameter_request_list: Vec<u8>,
    pub message: Option<String>,
    pub renewal_time: Option<u32>,
    pub rebinding_time: Option<u32>,
    pub vendor_class: Option<String>,
    pub client_id: Option<Vec<u8>>,
    pub malformed: Option<Malformed>,
}

impl Default for MessageV4 {
    fn default() -> Self {
        MessageV4 {
            op: 0,
            htype: 0,
            hlen: 0,
            hops: 0,
            xid: 0,
            secs: 0,
            flags: 0,
            ciaddr: Ipv4Addr::UNSPECIFIED,
            yiaddr: Ipv4Addr::UNSPECIFIED,
            siaddr: Ipv4Addr::UNSPECIFIED,
            giaddr: Ipv4Addr::UNSPECIFIED,
            chaddr: [0; 16],
            message_type: None,
            option_codes: Vec::new(),
            subnet_mask: None,
            routers: Vec::new(),
            dns_servers: Vec::new(),
            hostname: None,
            domain_name: None,
            requested_ip: None,
            lease_time: None,
            server_id: None,
            parameter_request_list: Vec::new(),
            message: None,
            renewal_time: None,
            rebinding_time: None,
            vendor_class: None,
            client_id: None,
            malformed: None,
        }
    }
}

impl MessageV4 {
    /// The client hardware address when it is an Ethernet MAC (htype 1, hlen 6).
    pub fn client_mac(&self) -> Option<[u8; 6]> {
        if self.htype == 1 && self.hlen == 6 {
            let mut m = [0u8; 6];
            m.copy_from_slice(&self.chaddr[..6]);
            Some(m)
        } else {
            None
        }
    }
}

/// Reads a DHCPv4 / BOOTP message. Never fails.
pub fn parse_v4(bytes: &[u8]) -> MessageV4 {
    let view = Packet::new_unchecked(bytes);
    let mut msg = MessageV4 {
        op: view.op(),
        htype: view.htype(),
        hlen: view.hlen(),
        hops: view.hops(),
        xid: view.xid(),
        secs: view.secs(),
        flags: view.flags(),
        ciaddr: view.ciaddr(),
        yiaddr: view.yiaddr(),
        siaddr: view.siaddr(),
        giaddr: view.giaddr(),
        chaddr: view.chaddr(),
        ..MessageV4::default()
    };
    if bytes.len() < field::HEADER_LEN {
        msg.malformed = Some(Malformed {
            offset: bytes.len(),
            reason: "truncated BOOTP header",
        });
        return msg;
    }
    if !view.has_magic_cookie() {
        // Plain BOOTP (or garbage after the header): no options.
        return msg;
    }
    let mut overload = 0u8;
    read_options_v4(bytes, field::OPTIONS, bytes.len(), &mut msg, &mut overload);
    // Option 52: more options in the file (1), sname (2) or both (3) fields.
    if overload & 1 != 0 && msg.malformed.is_none() {
        read_options_v4(bytes, field::FILE.start, field::FILE.end, &mut msg, &mut 0);
    }
    if overload & 2 != 0 && msg.malformed.is_none() {
        read_options_v4(
            bytes,
            field::SNAME.start,
            field::SNAME.end,
            &mut msg,
            &mut 0,
        );
    }
    msg
}

fn read_options_v4(bytes: &[u8], start: usize, end: usize, msg: &mut MessageV4, overload: &mut u8) {
    let mut at = start;
    while at < end {
        let Some(&code) = bytes.get(at) else { break };
        if code == opt::PAD {
            at += 1;
            continue;
        }
        if code == opt::END {
            break;
        }
        let Some(&len) = bytes.get(at + 1) else {
            msg.malformed = Some(Malformed {
                offset: at,
                reason: "option without length",
            });
            return;
        };
        let value_start = at + 2;
        let value_end = value_start + usize::from(len);
        let Some(value) = bytes
            .get(value_start..value_end.min(end))
            .filter(|v| v.len() == usize::from(len))
        else {
            msg.malformed = Some(Malformed {
                offset: at,
                reason: "option runs past the end",
            });
            return;
        };
        if msg.option_codes.len() < MAX_OPTIONS {
            msg.option_codes.push(code);
        }
        apply_option_v4(msg, code, value, overload);
        at = value_end;
    }
}

fn ipv4_at(v: &[u8]) -> Option<Ipv4Addr> {
    <[u8; 4]>::try_from(v.get(..4)?).ok().map(Ipv4Addr::from)
}

fn u32_of(v: &[u8]) -> Option<u32> {
    <[u8; 4]>::try_from(v.get(..4)?)
        .ok()
        .map(u32::from_be_bytes)
}

fn ipv4_list(v: &[u8]) -> Vec<Ipv4Addr> {
    v.chunks_exact(4)
        .take(MAX_LIST)
        .map(|c| Ipv4Addr::new(c[0], c[1], c[2], c[3]))
        .collect()
}

/// Option text: trailing NULs dropped, non-printable bytes escaped.
fn text(v: &[u8]) -> String {
    let end = v.iter().rposition(|&b| b != 0).map_or(0, |last| last + 1);
    escaped(v.get(..end).unwrap_or(&[]))
}

fn apply_option_v4(msg: &mut MessageV4, code: u8, v: &[u8], overload: &mut u8) {
    match code {
        opt::SUBNET_MASK => msg.subnet_mask = ipv4_at(v),
        opt::ROUTER => msg.routers = ipv4_list(v),
        opt::DNS => msg.dns_servers = ipv4_list(v),
        opt::HOSTNAME => msg.hostname = Some(text(v)),
        opt::DOMAIN_NAME => msg.domain_name = Some(text(v)),
        opt::REQUESTED_IP => msg.requested_ip = ipv4_at(v),
        opt::LEASE_TIME => msg.lease_time = u32_of(v),
        opt::OVERLOAD => *overload = v.first().copied().unwrap_or(0),
        opt::MESSAGE_TYPE => msg.message_type = v.first().copied(),
        opt::SERVER_ID => msg.server_id = ipv4_at(v),
        opt::PARAMETER_REQUEST_LIST => msg.parameter_request_list = v.to_vec(),
        opt::MESSAGE => msg.message = Some(text(v)),
        opt::RENEWAL_TIME => msg.renewal_time = u32_of(v),
        opt::REBINDING_TIME => msg.rebinding_time = u32_of(v),
        opt::VENDOR_CLASS => msg.vendor_class = Some(text(v)),
        opt::CLIENT_ID => msg.client_id = Some(v.to_vec()),
        _ => {}
    }
}

/// DHCPv4 message type names (option 53).
pub fn message_type_name_v4(t: u8) -> String {
    match t {
        1 => "DISCOVER",
        2 => "OFFER",
        3 => "REQUEST",
        4 => "DECLINE",
        5 => "ACK",
        6 => "NAK",
        7 => "RELEASE",
        8 => "INFORM",
        9 => "FORCERENEW",
        10 => "LEASEQUERY",
        11 => "LEASEUNASSIGNED",
        12 => "LEASEUNKNOWN",
        13 => "LEASEACTIVE",
        14 => "BULKLEASEQUERY",
        15 => "LEASEQUERYDONE",
        16 => "ACTIVELEASEQUERY",
        17 => "LEASEQUERYSTATUS",
        18 => "TLS",
        other => return format!("TYPE{other}"),
    }
    .to_string()
}

/// A DHCPv6 message (relay messages are unwrapped to the innermost client/server message).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MessageV6 {
    pub msg_type: u8,
    /// 24-bit transaction id (0 for relay messages without an inner message).
    pub xid: u32,
    /// Relay hops walked to reach the inner message.
    pub relay_depth: u8,
    pub option_codes: Vec<u16>,
    pub client_duid: Option<Vec<u8>>,
    pub server_duid: Option<Vec<u8>>,
    pub addresses: Vec<Ipv6Addr>,
    pub dns_servers: Vec<Ipv6Addr>,
    /// Status code option (13): code and message.
    pub status: Option<(u16, String)>,
    pub malformed: Option<Malformed>,
}

/// Relay nesting followed before giving up.
pub const MAX_RELAY_DEPTH: u8 = 8;

/// Reads a DHCPv6 message. Never fails.
pub fn parse_v6(bytes: &[u8]) -> MessageV6 {
    let mut msg = MessageV6::default();
    parse_v6_into(bytes, 0, &mut msg);
    msg
}

fn parse_v6_into(bytes: &[u8], base: usize, msg: &mut MessageV6) {
    let Some(&msg_type) = bytes.first() else {
        msg.malformed = Some(Malformed {
            offset: base,
            reason: "empty message",
        });
        return;
    };
    msg.msg_type = msg_type;
    let options_at = if msg_type == 12 || msg_type == 13 {
        // RELAY-FORW / RELAY-REPL: hop count, link address, peer address.
        34
    } else {
        if let Some(x) = bytes.get(1..4) {
            msg.xid = u32::from_be_bytes([0, x[0], x[1], x[2]]);
        }
        4
    };
    if bytes.len() < options_at {
        msg.malformed = Some(Malformed {
            offset: base + bytes.len(),
            reason: "truncated header",
        });
        return;
    }
    let mut inner: Option<&[u8]> = None;
    let mut at = options_at;
    while at < bytes.len() {
        let (Some(code), Some(len)) = (read_u16(bytes, at), read_u16(bytes, at + 2)) else {
            msg.malformed = Some(Malformed {
                offset: base + at,
                reason: "truncated option header",
            });
            return;
        };
        let Some(v) = bytes.get(at + 4..at + 4 + usize::from(len)) else {
            msg.malformed = Some(Malformed {
                offset: base + at,
                reason: "option runs past the end",
            });
            return;
        };
        if msg.option_codes.len() < MAX_OPTIONS {
            msg.option_codes.push(code);
        }
        match code {
            1 => msg.client_duid = Some(v.to_vec()),
            2 => msg.server_duid = Some(v.to_vec()),
            // IA_NA: IAID, T1, T2, then options; IA_TA: IAID then options.
            3 => collect_ia_addresses(v.get(12..).unwrap_or(&[]), &mut msg.addresses),
            4 => collect_ia_addresses(v.get(4..).unwrap_or(&[]), &mut msg.addresses),
            9 => inner = Some(v),
            13 => {
                if let Some(code) = read_u16(v, 0) {
                    msg.status = Some((code, text(v.get(2..).unwrap_or(&[]))));
                }
            }
            23 => {
                msg.dns_servers = v
                    .chunks_exact(16)
                    .take(MAX_LIST)
                    .filter_map(|c| <[u8; 16]>::try_from(c).ok())
                    .map(Ipv6Addr::from)
                    .collect()
            }
            _ => {}
        }
        at += 4 + usize::from(len);
    }
    if let Some(inner) = inner {
        if msg.relay_depth < MAX_RELAY_DEPTH {
            msg.relay_depth += 1;
            let inner_base =
                base + (inner.as_ptr() as usize).saturating_sub(bytes.as_ptr() as usize);
            let mut m = MessageV6 {
                relay_depth: msg.relay_depth,
                ..MessageV6::default()
            };
            parse_v6_into(inner, inner_base, &mut m);
            *msg = m;
        }
    }
}

fn read_u16(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

/// IAADDR options (5) inside an IA option: address, preferred, valid lifetime, options.
fn collect_ia_addresses(mut v: &[u8], out: &mut Vec<Ipv6Addr>) {
    while let (Some(code), Some(len)) = (read_u16(v, 0), read_u16(v, 2)) {
        let Some(data) = v.get(4..4 + usize::from(len)) else {
            return;
        };
        if code == 5 && out.len() < MAX_LIST {
            if let Some(a) = data.get(..16).and_then(|a| <[u8; 16]>::try_from(a).ok()) {
                out.push(Ipv6Addr::from(a));
            }
        }
        v = v.get(4 + usize::from(len)..).unwrap_or(&[]);
    }
}

/// DHCPv6 message type names.
pub fn message_type_name_v6(t: u8) -> String {
    match t {
        1 => "SOLICIT",
        2 => "ADVERTISE",
        3 => "REQUEST",
        4 => "CONFIRM",
        5 => "RENEW",
        6 => "REBIND",
        7 => "REPLY",
        8 => "RELEASE",
        9 => "DECLINE",
        10 => "RECONFIGURE",
        11 => "INFORMATION-REQUEST",
        12 => "RELAY-FORW",
        13 => "RELAY-REPL",
        other => return format!("TYPE{other}"),
    }
    .to_string()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A DHCPv4 message with the given options (code, value) and END.
    pub(crate) fn v4(op: u8, xid: u32, yiaddr: [u8; 4], options: &[(u8, &[u8])]) -> Vec<u8> {
        let mut m = vec![0u8; 240];
        m[0] = op;
        m[1] = 1;
        m[2] = 6;
        m[4..8].copy_from_slice(&xid.to_be_bytes());
        m[16..20].copy_from_slice(&yiaddr);
        m[28..34].copy_from_slice(&[2, 0, 0, 0, 0, 1]);
        m[236..240].copy_from_slice(&MAGIC_COOKIE);
        for (code, value) in options {
            m.push(*code);
            m.push(value.len() as u8);
            m.extend_from_slice(value);
        }
        m.push(255);
        m
    }

    #[test]
    fn test_offer() {
        let m = v4(
            2,
            0xdd5e2502,
            [10, 0, 0, 145],
            &[
                (53, &[2]),
                (54, &[10, 0, 0, 2]),
                (51, &[0, 0, 14, 16]),
                (58, &[0, 0, 7, 8]),
                (59, &[0, 0, 12, 78]),
                (1, &[255, 255, 255, 0]),
                (3, &[10, 0, 0, 1]),
                (6, &[10, 0, 0, 2, 8, 8, 8, 8]),
                (12, b"host\0"),
                (56, b"ok"),
            ],
        );
        let msg = parse_v4(&m);
        assert_eq!(msg.malformed, None);
        assert_eq!(msg.op, 2);
        assert_eq!(msg.xid, 0xdd5e2502);
        assert_eq!(msg.message_type, Some(2));
        assert_eq!(message_type_name_v4(2), "OFFER");
        assert_eq!(msg.yiaddr, Ipv4Addr::new(10, 0, 0, 145));
        assert_eq!(msg.server_id, Some(Ipv4Addr::new(10, 0, 0, 2)));
        assert_eq!(msg.lease_time, Some(3600));
        assert_eq!(msg.renewal_time, Some(1800));
        assert_eq!(msg.rebinding_time, Some(3150));
        assert_eq!(msg.subnet_mask, Some(Ipv4Addr::new(255, 255, 255, 0)));
        assert_eq!(msg.routers, vec![Ipv4Addr::new(10, 0, 0, 1)]);
        assert_eq!(msg.dns_servers.len(), 2);
        assert_eq!(msg.hostname.as_deref(), Some("host"));
        assert_eq!(msg.message.as_deref(), Some("ok"));
        assert_eq!(msg.client_mac(), Some([2, 0, 0, 0, 0, 1]));
        assert_eq!(msg.option_codes, vec![53, 54, 51, 58, 59, 1, 3, 6, 12, 56]);
    }

    #[test]
    fn test_bootp_and_damage() {
        let mut m = v4(1, 1, [0; 4], &[]);
        m[236] = 0; // no magic cookie: BOOTP
        let msg = parse_v4(&m);
        assert_eq!(msg.message_type, None);
        assert_eq!(msg.malformed, None);
        let msg = parse_v4(&m[..100]);
        assert_eq!(msg.malformed.unwrap().reason, "truncated BOOTP header");
        // An option claiming more bytes than there are.
        let mut m = v4(1, 1, [0; 4], &[(53, &[1])]);
        m.pop();
        m.extend([12, 50, b'x']);
        let msg = parse_v4(&m);
        assert_eq!(msg.message_type, Some(1));
        assert_eq!(msg.malformed.unwrap().reason, "option runs past the end");
    }

    #[test]
    fn test_overload_into_file_field() {
        let mut m = v4(2, 1, [0; 4], &[(52, &[1])]);
        m[108] = 53;
        m[109] = 1;
        m[110] = 5;
        m[111] = 255;
        let msg = parse_v4(&m);
        assert_eq!(msg.message_type, Some(5));
    }

    #[test]
    fn test_v6_solicit_and_relay() {
        let mut solicit = vec![1, 0xab, 0xcd, 0xef];
        solicit.extend([0, 1, 0, 4, 0, 3, 0, 1]); // client id
        let mut ia_na = vec![0u8; 12];
        let addr: [u8; 16] = [0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9];
        ia_na.extend([0, 5, 0, 24]);
        ia_na.extend(addr);
        ia_na.extend([0u8; 8]);
        solicit.extend([0, 3]);
        solicit.extend((ia_na.len() as u16).to_be_bytes());
        solicit.extend(&ia_na);
        let msg = parse_v6(&solicit);
        assert_eq!(msg.malformed, None);
        assert_eq!(msg.msg_type, 1);
        assert_eq!(msg.xid, 0xabcdef);
        assert_eq!(msg.client_duid.as_deref(), Some(&[0, 3, 0, 1][..]));
        assert_eq!(msg.addresses, vec![Ipv6Addr::from(addr)]);
        let mut relay = vec![12, 0];
        relay.extend([0u8; 32]);
        relay.extend([0, 9]);
        relay.extend((solicit.len() as u16).to_be_bytes());
        relay.extend(&solicit);
        let msg = parse_v6(&relay);
        assert_eq!(msg.msg_type, 1);
        assert_eq!(msg.relay_depth, 1);
        assert_eq!(msg.xid, 0xabcdef);
        // Truncated option.
        let msg = parse_v6(&solicit[..10]);
        assert!(msg.malformed.is_some());
    }
}
