//! Filters against hand-built dissections, with expectations taken from tshark 4.0.17 on
//! frames of the same shape (see the module documentation).

use std::net::{Ipv4Addr, Ipv6Addr};

use super::{compile_with, Filter, FilterError};
use crate::packets::field::{Base, FieldDef, FieldType as T, Value};
use crate::packets::tree::{DataSource, Dissection, Wants};

static FRAME: FieldDef = FieldDef::protocol("frame", "Frame");
static FRAME_NUMBER: FieldDef = FieldDef::new("frame.number", "Frame Number", T::U32, Base::Dec);
static FRAME_LEN: FieldDef = FieldDef::new("frame.len", "Frame Length", T::U32, Base::Dec);
static FRAME_TIME: FieldDef = FieldDef::new("frame.time", "Arrival Time", T::AbsTime, Base::None);
static FRAME_EPOCH: FieldDef =
    FieldDef::new("frame.time_epoch", "Epoch Time", T::AbsTime, Base::Dec);
static FRAME_REL: FieldDef =
    FieldDef::new("frame.time_relative", "Relative", T::RelTime, Base::None);
static FRAME_ENCAP: FieldDef =
    FieldDef::new("frame.encap_type", "Encapsulation type", T::I32, Base::Dec);
static FRAME_PROTOCOLS: FieldDef =
    FieldDef::new("frame.protocols", "Protocols in frame", T::Str, Base::None);
static ETH: FieldDef = FieldDef::protocol("eth", "Ethernet II");
static ETH_DST: FieldDef = FieldDef::new("eth.dst", "Destination", T::Ether, Base::None);
static ETH_SRC: FieldDef = FieldDef::new("eth.src", "Source", T::Ether, Base::None);
static ETH_ADDR: FieldDef = FieldDef::new("eth.addr", "Address", T::Ether, Base::None);
static ETH_TYPE: FieldDef = FieldDef::new("eth.type", "Type", T::U16, Base::Hex).with_strings(&[
    (0x0800, "IPv4"),
    (0x0806, "ARP"),
    (0x86dd, "IPv6"),
]);
static ARP: FieldDef = FieldDef::protocol("arp", "Address Resolution Protocol");
static IP: FieldDef = FieldDef::protocol("ip", "Internet Protocol Version 4");
static IP_SRC: FieldDef = FieldDef::new("ip.src", "Source Address", T::Ipv4, Base::None);
static IP_DST: FieldDef = FieldDef::new("ip.dst", "Destination Address", T::Ipv4, Base::None);
static IP_ADDR: FieldDef = FieldDef::new("ip.addr", "Source or Destination", T::Ipv4, Base::None);
static IP_TTL: FieldDef = FieldDef::new("ip.ttl", "Time to Live", T::U8, Base::Dec);
static IP_PROTO: FieldDef = FieldDef::new("ip.proto", "Protocol", T::U8, Base::Dec);
static IPV6: FieldDef = FieldDef::protocol("ipv6", "Internet Protocol Version 6");
static IPV6_SRC: FieldDef = FieldDef::new("ipv6.src", "Source Address", T::Ipv6, Base::None);
static IPV6_DST: FieldDef = FieldDef::new("ipv6.dst", "Destination Address", T::Ipv6, Base::None);
static ICMP: FieldDef = FieldDef::protocol("icmp", "Internet Control Message Protocol");
static ICMP_TYPE: FieldDef = FieldDef::new("icmp.type", "Type", T::U8, Base::Dec);
static TCP: FieldDef = FieldDef::protocol("tcp", "Transmission Control Protocol");
static TCP_SRCPORT: FieldDef = FieldDef::new("tcp.srcport", "Source Port", T::U16, Base::Dec);
static TCP_DSTPORT: FieldDef = FieldDef::new("tcp.dstport", "Destination Port", T::U16, Base::Dec);
static TCP_PORT: FieldDef =
    FieldDef::new("tcp.port", "Source or Destination Port", T::U16, Base::Dec);
static TCP_SEQ: FieldDef = FieldDef::new("tcp.seq", "Sequence Number", T::U32, Base::Dec);
static TCP_FLAGS: FieldDef = FieldDef::new("tcp.flags", "Flags", T::U16, Base::Hex);
static SET_NOT_SET: &[(u64, &str)] = &[(1, "Set"), (0, "Not set")];
static TCP_SYN: FieldDef =
    FieldDef::new("tcp.flags.syn", "Syn", T::Bool, Base::None).with_strings(SET_NOT_SET);
static TCP_ACK: FieldDef =
    FieldDef::new("tcp.flags.ack", "Acknowledgment", T::Bool, Base::None).with_strings(SET_NOT_SET);
static TCP_PAYLOAD: FieldDef = FieldDef::new("tcp.payload", "TCP payload", T::Bytes, Base::None);
static TLS: FieldDef = FieldDef::protocol("tls", "Transport Layer Security");
static SNI: FieldDef = FieldDef::new(
    "tls.handshake.extensions_server_name",
    "Server Name",
    T::Str,
    Base::None,
);
static CALL_ID: FieldDef = FieldDef::new("sip.Call-ID", "Call-ID", T::Str, Base::None);
static RTT: FieldDef = FieldDef::new("test.float", "A double", T::Float, Base::None);
static TEST_I64: FieldDef = FieldDef::new("test.i64", "A signed", T::I64, Base::Dec);

static ALL: &[&FieldDef] = &[
    &FRAME,
    &FRAME_NUMBER,
    &FRAME_LEN,
    &FRAME_TIME,
    &FRAME_EPOCH,
    &FRAME_REL,
    &FRAME_ENCAP,
    &FRAME_PROTOCOLS,
    &ETH,
    &ETH_DST,
    &ETH_SRC,
    &ETH_ADDR,
    &ETH_TYPE,
    &ARP,
    &IP,
    &IP_SRC,
    &IP_DST,
    &IP_ADDR,
    &IP_TTL,
    &IP_PROTO,
    &IPV6,
    &IPV6_SRC,
    &IPV6_DST,
    &ICMP,
    &ICMP_TYPE,
    &TCP,
    &TCP_SRCPORT,
    &TCP_DSTPORT,
    &TCP_PORT,
    &TCP_SEQ,
    &TCP_FLAGS,
    &TCP_SYN,
    &TCP_ACK,
    &TCP_PAYLOAD,
    &TLS,
    &SNI,
    &CALL_ID,
    &RTT,
    &TEST_I64,
];

fn lookup(name: &str) -> Option<&'static FieldDef> {
    ALL.iter().copied().find(|d| d.name == name)
}

/// Builds one frame's dissection over real bytes, layer by layer.
struct Builder {
    d: Dissection,
}

const CLIENT: [u8; 6] = [2, 0, 0, 0, 0, 1];
const SERVER: [u8; 6] = [2, 0, 0, 0, 0, 2];

impl Builder {
    fn new(number: u64, bytes: Vec<u8>, rel_ns: i64) -> Builder {
        let mut d = Dissection::new(Wants::All, false);
        d.reset(number);
        d.sources.push(DataSource {
            name: "Frame".into(),
            bytes: bytes.clone(),
        });
        let len = bytes.len();
        d.open_protocol(&FRAME, 0, 0, len);
        d.generated(&FRAME_NUMBER, Value::UInt(number));
        d.generated(&FRAME_LEN, Value::UInt(len as u64));
        d.generated(
            &FRAME_TIME,
            Value::AbsTime {
                secs: 1_700_000_000,
                nanos: 0,
            },
        );
        d.generated(
            &FRAME_EPOCH,
            Value::AbsTime {
                secs: 1_700_000_000,
                nanos: 0,
            },
        );
        d.generated(&FRAME_REL, Value::RelTime(rel_ns));
        d.generated(&FRAME_ENCAP, Value::Int(1));
        Builder { d }
    }

    fn eth(mut self, dst: [u8; 6], src: [u8; 6], ethertype: u64) -> Builder {
        let d = &mut self.d;
        d.open_protocol(&ETH, 0, 0, 14);
        d.field(&ETH_DST, Value::Ether(dst), 0, 6);
        d.hidden(&ETH_ADDR, Value::Ether(dst), 0, 6);
        d.field(&ETH_SRC, Value::Ether(src), 6, 6);
        d.hidden(&ETH_ADDR, Value::Ether(src), 6, 6);
        d.field(&ETH_TYPE, Value::UInt(ethertype), 12, 2);
        self
    }

    fn ip(mut self, at: usize, src: [u8; 4], dst: [u8; 4], ttl: u64, proto: u64) -> Builder {
        let d = &mut self.d;
        d.open_protocol(&IP, 0, at, 20);
        d.field(&IP_TTL, Value::UInt(ttl), at + 8, 1);
        d.field(&IP_PROTO, Value::UInt(proto), at + 9, 1);
        d.field(&IP_SRC, Value::Ipv4(Ipv4Addr::from(src)), at + 12, 4);
        d.hidden(&IP_ADDR, Value::Ipv4(Ipv4Addr::from(src)), at + 12, 4);
        d.field(&IP_DST, Value::Ipv4(Ipv4Addr::from(dst)), at + 16, 4);
        d.hidden(&IP_ADDR, Value::Ipv4(Ipv4Addr::from(dst)), at + 16, 4);
        self
    }

    fn tcp(mut self, at: usize, len: usize, sport: u64, dport: u64, flags: u64) -> Builder {
        let d = &mut self.d;
        d.open_protocol(&TCP, 0, at, len);
        d.field(&TCP_SRCPORT, Value::UInt(sport), at, 2);
        d.field(&TCP_DSTPORT, Value::UInt(dport), at + 2, 2);
        d.hidden(&TCP_PORT, Value::UInt(sport), at, 2);
        d.hidden(&TCP_PORT, Value::UInt(dport), at + 2, 2);
        d.field(&TCP_SEQ, Value::UInt(0), at + 4, 4);
        d.field(&TCP_FLAGS, Value::UInt(flags), at + 12, 2);
        d.open();
        d.field(&TCP_ACK, Value::Bool(flags & 0x10 != 0), at + 12, 2);
        d.field(&TCP_SYN, Value::Bool(flags & 0x02 != 0), at + 12, 2);
        d.close();
        self
    }

    fn done(self) -> Dissection {
        self.d
    }
}

fn ipv4_header(src: [u8; 4], dst: [u8; 4], ttl: u8, proto: u8) -> Vec<u8> {
    let mut h = vec![0x45, 0, 0, 0x3c, 0, 0, 0x40, 0, ttl, proto, 0, 0];
    h.extend_from_slice(&src);
    h.extend_from_slice(&dst);
    h
}

fn tcp_header(sport: u16, dport: u16, flags: u8) -> Vec<u8> {
    let mut h = Vec::new();
    h.extend_from_slice(&sport.to_be_bytes());
    h.extend_from_slice(&dport.to_be_bytes());
    h.extend_from_slice(&[0; 8]);
    h.extend_from_slice(&[0x50, flags, 0xfa, 0xf0, 0, 0, 0, 0]);
    h
}

fn eth_header(dst: [u8; 6], src: [u8; 6], ethertype: u16) -> Vec<u8> {
    let mut h = dst.to_vec();
    h.extend_from_slice(&src);
    h.extend_from_slice(&ethertype.to_be_bytes());
    h
}

const C4: [u8; 4] = [10, 0, 0, 1];
const S4: [u8; 4] = [10, 0, 0, 2];

/// Frame 1: ARP request. Frame 2: TCP SYN 10.0.0.1:57518 → 10.0.0.2:443. Frame 3: a TLS
/// Client Hello with SNI. Frame 4: ICMP port unreachable from 10.0.0.2 carrying the
/// client's IP + TCP header (two `ip` layers). Frame 5: IPv6.
fn frames() -> Vec<Dissection> {
    let mut out = Vec::new();

    let mut b = eth_header([0xff; 6], CLIENT, 0x0806);
    b.extend_from_slice(&[0, 1, 8, 0, 6, 4, 0, 1]);
    b.extend_from_slice(&[0; 20]);
    b.extend_from_slice(&[0; 18]); // padding to Ethernet's 60 bytes
    let mut f = Builder::new(1, b, 0).eth([0xff; 6], CLIENT, 0x0806);
    f.d.open_protocol(&ARP, 0, 14, 28);
    f.d.generated(&FRAME_PROTOCOLS, Value::str("eth:ethertype:arp"));
    out.push(f.done());

    let mut b = eth_header(SERVER, CLIENT, 0x0800);
    b.extend(ipv4_header(C4, S4, 64, 6));
    b.extend(tcp_header(57518, 443, 0x02));
    let f = Builder::new(2, b, 171_000)
        .eth(SERVER, CLIENT, 0x0800)
        .ip(14, C4, S4, 64, 6)
        .tcp(34, 20, 57518, 443, 0x002);
    out.push(f.done());

    let payload = [0x16, 0x03, 0x01, 0x00, 0x05, b'h', b'e', b'l', b'l', b'o'];
    let mut b = eth_header(SERVER, CLIENT, 0x0800);
    b.extend(ipv4_header(C4, S4, 64, 6));
    b.extend(tcp_header(57518, 443, 0x18));
    b.extend_from_slice(&payload);
    let mut f = Builder::new(3, b, 447_000)
        .eth(SERVER, CLIENT, 0x0800)
        .ip(14, C4, S4, 64, 6)
        .tcp(34, 30, 57518, 443, 0x018);
    f.d.field(&TCP_PAYLOAD, Value::bytes(&payload), 54, payload.len());
    f.d.open_protocol(&TLS, 0, 54, payload.len());
    f.d.field(&SNI, Value::str("bumpy-rice-work.example"), 54, 5);
    out.push(f.done());

    let mut b = eth_header(CLIENT, SERVER, 0x0800);
    b.extend(ipv4_header(S4, C4, 64, 1));
    b.extend_from_slice(&[3, 3, 0, 0, 0, 0, 0, 0]);
    b.extend(ipv4_header(C4, S4, 63, 6));
    b.extend_from_slice(&tcp_header(57518, 443, 0x02)[..8]);
    let mut f = Builder::new(4, b, 1_500_000_000)
        .eth(CLIENT, SERVER, 0x0800)
        .ip(14, S4, C4, 64, 1);
    f.d.open_protocol(&ICMP, 0, 34, 36);
    f.d.field(&ICMP_TYPE, Value::UInt(3), 34, 1);
    let f = f.ip(42, C4, S4, 63, 6).tcp(62, 8, 57518, 443, 0x002);
    out.push(f.done());

    let v6s: Ipv6Addr = "fe80::1".parse().unwrap();
    let v6d: Ipv6Addr = "fd00:10::1".parse().unwrap();
    let mut b = eth_header(SERVER, CLIENT, 0x86dd);
    b.extend_from_slice(&[0x60, 0, 0, 0, 0, 0, 58, 255]);
    b.extend_from_slice(&v6s.octets());
    b.extend_from_slice(&v6d.octets());
    let mut f = Builder::new(5, b, 2_000_000_000).eth(SERVER, CLIENT, 0x86dd);
    f.d.open_protocol(&IPV6, 0, 14, 40);
    f.d.field(&IPV6_SRC, Value::Ipv6(v6s), 22, 16);
    f.d.field(&IPV6_DST, Value::Ipv6(v6d), 38, 16);
    f.d.generated(&RTT, Value::Float(0.25));
    f.d.generated(&TEST_I64, Value::Int(-5));
    f.d.field(&CALL_ID, Value::str("a84b4c76e66710@pc33"), 0, 0);
    out.push(f.done());
    out
}

fn compile(text: &str) -> Result<Filter, FilterError> {
    compile_with(text, &lookup)
}

/// The frames of the fixture that pass `text`.
fn which(text: &str) -> Vec<u64> {
    let f = compile(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
    frames()
        .iter()
        .filter(|d| f.matches(d))
        .map(|d| d.frame)
        .collect()
}

fn error(text: &str) -> (String, usize, usize) {
    match compile(text) {
        Ok(_) => panic!("{text} compiled"),
        Err(e) => (e.message, e.start, e.len),
    }
}

fn msg(text: &str) -> String {
    error(text).0
}

#[test]
fn test_protocols_and_logic() {
    assert_eq!(which("eth"), vec![1, 2, 3, 4, 5]);
    assert_eq!(which("ip"), vec![2, 3, 4]);
    assert_eq!(which("!tcp"), vec![1, 5]);
    assert_eq!(which("tcp or ipv6"), vec![2, 3, 4, 5]);
    assert_eq!(which("not (tcp or arp)"), vec![5]);
    assert_eq!(which("tcp and not icmp"), vec![2, 3]);
    assert_eq!(which("tcp && !icmp || arp"), vec![1, 2, 3]);
    // and binds tighter than or: (a and b) or c.
    assert_eq!(
        which("frame.number == 1 and frame.number == 2 or frame.number == 2"),
        vec![2]
    );
    assert_eq!(
        which("frame.number == 2 or frame.number == 2 and frame.number == 1"),
        vec![2]
    );
    assert_eq!(
        which("not frame.number == 1 and frame.number < 4"),
        vec![2, 3]
    );
    assert_eq!(which(""), vec![1, 2, 3, 4, 5]);
    assert_eq!(which("  "), vec![1, 2, 3, 4, 5]);
    assert!(compile("").unwrap().is_empty());
}

#[test]
fn test_comparison_operators_and_words() {
    assert_eq!(which("frame.number == 3"), vec![3]);
    assert_eq!(which("frame.number eq 3"), vec![3]);
    assert_eq!(which("frame.number any_eq 3"), vec![3]);
    assert_eq!(which("frame.number != 3"), vec![1, 2, 4, 5]);
    assert_eq!(which("frame.number ne 3"), vec![1, 2, 4, 5]);
    assert_eq!(which("frame.number > 3"), vec![4, 5]);
    assert_eq!(which("frame.number gt 3"), vec![4, 5]);
    assert_eq!(which("frame.number >= 4"), vec![4, 5]);
    assert_eq!(which("frame.number ge 4"), vec![4, 5]);
    assert_eq!(which("frame.number < 2"), vec![1]);
    assert_eq!(which("frame.number lt 2"), vec![1]);
    assert_eq!(which("frame.number <= 2"), vec![1, 2]);
    assert_eq!(which("frame.number le 2"), vec![1, 2]);
    assert_eq!(which("frame.number === 2"), vec![2]);
    assert_eq!(which("frame.number all_eq 2"), vec![2]);
    assert_eq!(which("frame.number !== 2"), vec![1, 3, 4, 5]);
    assert_eq!(which("frame.number ~= 2"), vec![1, 3, 4, 5]);
    assert_eq!(which("frame.number any_ne 2"), vec![1, 3, 4, 5]);
    assert_eq!(which("frame.number==2||frame.number==5"), vec![2, 5]);
}

#[test]
fn test_multiple_occurrences() {
    // Frame 4 has ip.src {10.0.0.2, 10.0.0.1} (outer, inner), ip.dst {10.0.0.1, 10.0.0.2}.
    assert_eq!(which("ip.src == 10.0.0.2"), vec![4]);
    assert_eq!(which("ip.src != 10.0.0.2"), vec![2, 3]);
    assert_eq!(which("ip.src ~= 10.0.0.2"), vec![2, 3, 4]);
    assert_eq!(which("ip.src !== 10.0.0.2"), vec![2, 3, 4]);
    assert_eq!(which("ip.src === 10.0.0.1"), vec![2, 3]);
    assert_eq!(which("ip.addr != 10.0.0.1"), Vec::<u64>::new());
    assert_eq!(which("ip.addr ~= 10.0.0.1"), vec![2, 3, 4]);
    // `not` also matches frames without the field.
    assert_eq!(which("!(ip.addr == 10.0.0.1)"), vec![1, 5]);
    assert_eq!(which("not ip.src == 10.0.0.2"), vec![1, 2, 3, 5]);
    // Quantifiers.
    assert_eq!(which("all ip.src == 10.0.0.2"), Vec::<u64>::new());
    assert_eq!(which("all ip.src == 10.0.0.1"), vec![2, 3]);
    assert_eq!(which("any ip.src != 10.0.0.2"), vec![2, 3, 4]);
    // Field against field: every pair.
    assert_eq!(which("ip.src == ip.dst"), vec![4]);
    assert_eq!(which("ip.src != ip.dst"), vec![2, 3]);
    assert_eq!(which("ip.src ~= ip.dst"), vec![2, 3, 4]);
    assert_eq!(which("ip.src === ip.dst"), Vec::<u64>::new());
    assert_eq!(which("ip.addr == ip.src"), vec![2, 3, 4]);
    assert_eq!(which("tcp.srcport > tcp.dstport"), vec![2, 3, 4]);
    // Every pair: the inner TTL (63) is below the outer one (64).
    assert_eq!(which("ip.ttl > ip.ttl"), vec![4]);
    assert_eq!(which("eth.src == eth.src"), vec![1, 2, 3, 4, 5]);
}

#[test]
fn test_layers() {
    assert_eq!(which("ip.src#1 == 10.0.0.2"), vec![4]);
    assert_eq!(which("ip.src#2 == 10.0.0.2"), Vec::<u64>::new());
    assert_eq!(which("ip.src#2 == 10.0.0.1"), vec![4]);
    assert_eq!(which("ip#2"), vec![4]);
    assert_eq!(which("ip.src#2"), vec![4]);
    assert_eq!(which("ip.src#0"), Vec::<u64>::new());
    assert_eq!(which("ip.src#[1-2] == 10.0.0.2"), vec![4]);
    assert_eq!(which("ip.src#[2:] == 10.0.0.1"), vec![4]);
    assert_eq!(which("ip.ttl#2 < 64"), vec![4]);
    assert_eq!(which("count(ip.src#2) == 1"), vec![4]);
    assert_eq!(which("ip.src#1[3] == 2"), vec![4]);
    assert_eq!(
        error("ip.src#-1 == 10.0.0.2"),
        ("Expected digit or \"[\", not \"-\"".into(), 7, 1)
    );
}

#[test]
fn test_sets() {
    assert_eq!(which("frame.number in {1, 3}"), vec![1, 3]);
    assert_eq!(which("frame.number in {1,3..5}"), vec![1, 3, 4, 5]);
    assert_eq!(which("frame.number in {1, 3 .. 4}"), vec![1, 3, 4]);
    assert_eq!(which("tcp.port in {80, 443, 8080}"), vec![2, 3, 4]);
    assert_eq!(which("tcp.port in {443..443}"), vec![2, 3, 4]);
    assert_eq!(which("ip.addr in {10.0.0.0..10.0.0.1}"), vec![2, 3, 4]);
    assert_eq!(which("eth.type in {ARP, 0x86dd}"), vec![1, 5]);
    // `not in` negates the test: frames without the field pass.
    assert_eq!(which("frame.number not in {1, 3..4}"), vec![2, 5]);
    assert_eq!(which("ip.src not in {10.0.0.2}"), vec![1, 2, 3, 5]);
    assert_eq!(which("tcp.srcport in {tcp.dstport, 57518}"), vec![2, 3, 4]);
    assert_eq!(
        error("frame.number in {1 2 3}"),
        ("\"2\" was unexpected in this context.".into(), 19, 1)
    );
    assert_eq!(
        msg("frame.number in {}"),
        "\"}\" was unexpected in this context."
    );
    assert_eq!(
        msg("frame.number in {1,}"),
        "\"}\" was unexpected in this context."
    );
    assert_eq!(
        msg("frame.len in {1..}"),
        "\"}\" was unexpected in this context."
    );
    assert_eq!(
        msg("frame.len in 1"),
        "\"1\" was unexpected in this context."
    );
    assert_eq!(
        msg("frame.len in {1"),
        "Unexpected end of filter expression."
    );
    assert_eq!(
        error("tcpp in {1}"),
        (
            "Only a field may be tested for membership in a set.".into(),
            0,
            4
        )
    );
}

#[test]
fn test_integers() {
    assert_eq!(which("frame.number == 0x3"), vec![3]);
    assert_eq!(which("frame.number == 03"), vec![3]);
    assert_eq!(which("frame.number == 0b11"), vec![3]);
    assert_eq!(which("frame.number == 'a' - 94"), vec![3]);
    assert_eq!(which(r"frame.number == '\x03'"), vec![3]);
    assert_eq!(which("frame.number == +3"), vec![3]);
    assert_eq!(which("frame.len == 60"), vec![1]);
    assert_eq!(which("ip.ttl == 0100"), vec![2, 3, 4]);
    assert_eq!(which("tcp.flags == 0x012"), Vec::<u64>::new());
    assert_eq!(which("tcp.flags == 0x018"), vec![3]);
    assert_eq!(
        error("frame.number == 08"),
        ("\"08\" is not a valid number.".into(), 16, 2)
    );
    assert_eq!(msg("frame.number == 3.0"), "\"3.0\" is not a valid number.");
    assert_eq!(msg("frame.number == 1e0"), "\"1e0\" is not a valid number.");
    assert_eq!(
        error("ip.ttl == 256"),
        ("\"256\" too big for this field, maximum 255.".into(), 10, 3)
    );
    assert_eq!(
        msg("frame.number == 4294967296"),
        "\"4294967296\" too big for this field, maximum 4294967295."
    );
    assert_eq!(
        msg("ip.ttl == 18446744073709551616"),
        "\"18446744073709551616\" causes an integer overflow."
    );
    assert_eq!(
        error("tcp.dstport == https"),
        ("\"https\" is not a valid number.".into(), 15, 5)
    );
    assert_eq!(
        error("tcp.port == \"443\""),
        (
            "Unsigned integer (2 bytes) cannot be converted from a string (\"443\").".into(),
            12,
            5
        )
    );
    assert_eq!(
        msg("frame.number == \"3\""),
        "Unsigned integer (4 bytes) cannot be converted from a string (\"3\")."
    );
    // Negative literals against unsigned fields are negated in 64 bits.
    assert_eq!(which("tcp.seq == -0"), vec![2, 3, 4]);
    assert_eq!(which("tcp.seq == -1"), Vec::<u64>::new());
    assert_eq!(which("tcp.seq > -1"), Vec::<u64>::new());
    // Signed fields.
    assert_eq!(which("test.i64 == -5"), vec![5]);
    assert_eq!(which("test.i64 < -4"), vec![5]);
    assert_eq!(which("frame.encap_type == 1 && test.i64 < 0"), vec![5]);
    assert_eq!(
        msg("frame.encap_type == 2147483648"),
        "\"2147483648\" too big for this field, maximum 2147483647."
    );
    // Integers of different widths compare with each other.
    assert_eq!(which("frame.number == ip.ttl"), Vec::<u64>::new());
    assert_eq!(which("ip.proto == tcp.seq + 6"), vec![2, 3, 4]);
}

#[test]
fn test_value_strings() {
    assert_eq!(which("eth.type == ipv4"), vec![2, 3, 4]);
    assert_eq!(which("eth.type == IPv4"), vec![2, 3, 4]);
    assert_eq!(which("eth.type == \"IPv4\""), vec![2, 3, 4]);
    assert_eq!(which("eth.type == ARP"), vec![1]);
    assert_eq!(which("eth.type == 0x0800"), vec![2, 3, 4]);
    // A protocol's name is the protocol, not a value.
    assert_eq!(
        error("eth.type == arp"),
        (
            "eth.type and arp are not of compatible types.".into(),
            12,
            3
        )
    );
    assert_eq!(
        error("ip.proto == tcp"),
        (
            "ip.proto and tcp are not of compatible types.".into(),
            12,
            3
        )
    );
    assert_eq!(
        error("eth.type == foo"),
        (
            "\"foo\" cannot be found among the possible values for eth.type.".into(),
            12,
            3
        )
    );
    assert_eq!(
        msg("eth.type == \"foo\""),
        "\"foo\" cannot be found among the possible values for eth.type."
    );
}

#[test]
fn test_booleans() {
    assert_eq!(which("tcp.flags.syn"), vec![2, 3, 4]);
    assert_eq!(which("tcp.flags.syn == 1"), vec![2, 4]);
    assert_eq!(
        which("tcp.flags.syn == 1 && tcp.flags.ack == 0"),
        vec![2, 4]
    );
    assert_eq!(which("tcp.flags.syn == 0"), vec![3]);
    assert_eq!(which("tcp.flags.syn == 2"), vec![2, 4]);
    assert_eq!(which("tcp.flags.syn == 0x100000000"), vec![2, 4]);
    assert_eq!(which("tcp.flags.syn == True"), vec![2, 4]);
    assert_eq!(which("tcp.flags.syn == TRUE"), vec![2, 4]);
    assert_eq!(which("tcp.flags.syn == False"), vec![3]);
    assert_eq!(which("tcp.flags.syn == Set"), vec![2, 4]);
    assert_eq!(which("tcp.flags.syn == set"), vec![2, 4]);
    assert_eq!(which("tcp.flags.syn == \"Not set\""), vec![3]);
    assert_eq!(which("tcp.flags.syn > 0"), vec![2, 4]);
    assert_eq!(which("tcp.flags.syn < 1"), vec![3]);
    assert_eq!(which("tcp.flags.syn != 0"), vec![2, 4]);
    assert_eq!(which("tcp.flags.syn in {1}"), vec![2, 4]);
    assert_eq!(which("tcp.flags.syn == tcp.flags.ack"), Vec::<u64>::new());
    assert_eq!(
        error("tcp.flags.syn == true"),
        (
            "\"true\" cannot be found among the possible values for tcp.flags.syn.".into(),
            17,
            4
        )
    );
    assert_eq!(
        msg("tcp.flags.syn == \"True\""),
        "\"True\" cannot be found among the possible values for tcp.flags.syn."
    );
    assert_eq!(
        msg("tcp.flags.syn == tcp.srcport"),
        "tcp.flags.syn and tcp.srcport are not of compatible types."
    );
    assert_eq!(msg("tcp.flags.syn == -1"), "Boolean cannot -.");
}

#[test]
fn test_bitwise_and_arithmetic() {
    assert_eq!(which("tcp.flags & 0x02"), vec![2, 4]);
    assert_eq!(which("tcp.flags & 0x10"), vec![3]);
    assert_eq!(which("tcp.flags bitwise_and 0x10"), vec![3]);
    assert_eq!(which("tcp.flags & 0x04"), Vec::<u64>::new());
    assert_eq!(which("tcp.flags & 0x12 == 0x10"), vec![3]);
    assert_eq!(which("frame.len + 1 == 61"), vec![1]);
    assert_eq!(which("frame.len+1 == 61"), vec![1]);
    assert_eq!(which("frame.len - 1 == 59"), vec![1]);
    assert_eq!(which("frame.len -1 == 59"), vec![1]);
    assert_eq!(which("frame.len * 2 == 120"), vec![1]);
    assert_eq!(which("frame.len / 2 == 30"), vec![1]);
    assert_eq!(which("frame.len % 50 == 10"), vec![1]);
    assert_eq!(which("frame.len == 61 - 1"), vec![1]);
    assert_eq!(which("frame.len == {50 + 10}"), vec![1]);
    assert_eq!(which("{frame.len + 1} == 61"), vec![1]);
    assert_eq!(which("-frame.len == -60"), vec![1]);
    // `+` binds tighter than `&`: (60 + 1) & 3 == 1.
    assert_eq!(which("frame.len + 1 & 3 == 1 && arp"), vec![1]);
    // A bare arithmetic test is true when non-zero.
    assert_eq!(which("frame.len - 60"), vec![2, 3, 4, 5]);
    assert_eq!(which("frame.len / 0 == 1"), Vec::<u64>::new());
    assert_eq!(which("frame.time_relative + 0.5 >= 2"), vec![4, 5]);
    assert_eq!(
        error("1 + frame.len == 61"),
        (
            "Constant arithmetic expression on the LHS is invalid.".into(),
            0,
            1
        )
    );
    assert_eq!(
        msg("(frame.len + 1) == 43"),
        "\"==\" was unexpected in this context."
    );
    assert_eq!(
        msg("frame.len bitand 2"),
        "\"bitand\" was unexpected in this context."
    );
    assert_eq!(
        error("frame.len-1 == 41"),
        (
            "Left side of \"==\" expression must be a field or function, not frame.len-1.".into(),
            0,
            11
        )
    );
}

const SNI_NAME: &str = "tls.handshake.extensions_server_name";

fn sni(rest: &str) -> Vec<u64> {
    which(&format!("{SNI_NAME} {rest}"))
}

#[test]
fn test_strings() {
    assert_eq!(sni(""), vec![3]);
    assert_eq!(sni("== \"bumpy-rice-work.example\""), vec![3]);
    assert_eq!(sni("== bumpy-rice-work.example"), vec![3]);
    assert_eq!(sni(r#"== "bumpy\x2drice-work.example""#), vec![3]);
    assert_eq!(sni(r#"== "bumpy\055rice-work.example""#), vec![3]);
    assert_eq!(sni(r#"== r"bumpy-rice-work.example""#), vec![3]);
    assert_eq!(sni("== \"BUMPY-rice-work.example\""), Vec::<u64>::new());
    assert_eq!(sni("contains \"rice\""), vec![3]);
    assert_eq!(sni("contains rice"), vec![3]);
    assert_eq!(sni("contains \"RICE\""), Vec::<u64>::new());
    assert_eq!(sni("contains \"\""), Vec::<u64>::new());
    // An unquoted byte string against a string field is that text.
    assert_eq!(sni("contains 72:69:63:65"), Vec::<u64>::new());
    assert_eq!(sni("> \"a\""), vec![3]);
    assert_eq!(sni("< \"c\""), vec![3]);
    assert_eq!(sni("< \"b\""), Vec::<u64>::new());
    assert_eq!(sni("== 'a'"), Vec::<u64>::new());
    assert_eq!(sni("!= \"x\""), vec![3]);
    assert_eq!(which("sip.Call-ID contains \"@\""), vec![5]);
    assert_eq!(which("frame.protocols == \"eth:ethertype:arp\""), vec![1]);
    assert_eq!(
        error(&format!("{SNI_NAME} == \"a\\qb\"")),
        ("\\q is not a valid character escape sequence".into(), 42, 2)
    );
    assert_eq!(
        msg(&format!("{SNI_NAME} == \"ab")),
        "The final quote was missing from a quoted string."
    );
}

#[test]
fn test_matches() {
    assert_eq!(sni("matches \"BUMPY\""), vec![3]);
    assert_eq!(sni("~ \"^b\""), vec![3]);
    assert_eq!(sni(r#"matches r"^bumpy-\w+""#), vec![3]);
    assert_eq!(sni(r#"matches "^bumpy-\\w+""#), vec![3]);
    assert_eq!(sni("matches \"(?-i)BUMPY\""), Vec::<u64>::new());
    assert_eq!(sni("matches \"example$\""), vec![3]);
    assert_eq!(which("frame.protocols matches \"eth:.*arp\""), vec![1]);
    assert_eq!(which("tcp.payload matches \"hello\""), vec![3]);
    assert_eq!(which("tcp matches \"HELLO\""), vec![3]);
    assert_eq!(
        msg(&format!(r#"{SNI_NAME} matches "^bumpy-\w+""#)),
        "\\w is not a valid character escape sequence"
    );
    assert!(sni_err("matches \"[\"").starts_with("Regex compilation error: "));
    assert_eq!(
        msg("frame.len matches \"1\""),
        "frame.len (type=Unsigned integer (4 bytes)) cannot participate in matches comparison."
    );
    assert_eq!(
        error("tcpp ~ \"a\""),
        (
            "Left side of ~ expression must be a field or function, not tcpp.".into(),
            0,
            4
        )
    );
}

fn sni_err(rest: &str) -> String {
    msg(&format!("{SNI_NAME} {rest}"))
}

#[test]
fn test_bytes_and_slices() {
    assert_eq!(which("tcp.payload contains 16:03"), vec![3]);
    assert_eq!(which("tcp.payload contains 16-03"), vec![3]);
    assert_eq!(which("tcp.payload contains 16.03"), vec![3]);
    assert_eq!(which("tcp.payload contains \"hello\""), vec![3]);
    assert_eq!(which("tcp.payload[0] == 16"), vec![3]);
    assert_eq!(which("tcp.payload[0:2] == 16:03"), vec![3]);
    assert_eq!(which("tcp.payload[-5:] == \"hello\""), vec![3]);
    assert_eq!(
        which("tcp.payload == 16:03:01:00:05:68:65:6c:6c:6f"),
        vec![3]
    );
    assert_eq!(which("tcp.payload > 16"), vec![3]);
    assert_eq!(which("tcp.payload == eth.src"), Vec::<u64>::new());
    assert_eq!(
        error("tcp.payload == xyz"),
        ("\"xyz\" is not a valid byte string.".into(), 15, 3)
    );
    assert_eq!(
        msg("tcp.payload == 0x0102"),
        "\"0x0102\" is not a valid byte string."
    );
    assert_eq!(
        msg("tcp.payload == 1:2"),
        "\":2\" was unexpected in this context."
    );
}

#[test]
fn test_ethernet() {
    assert_eq!(which("eth.src == 02:00:00:00:00:01"), vec![1, 2, 3, 5]);
    assert_eq!(which("eth.src == 02-00-00-00-00-01"), vec![1, 2, 3, 5]);
    assert_eq!(which("eth.src == 0200.0000.0001"), vec![1, 2, 3, 5]);
    assert_eq!(which("eth.src == 02.00.00.00.00.01"), vec![1, 2, 3, 5]);
    assert_eq!(which("eth.src == 020000000001"), vec![1, 2, 3, 5]);
    assert_eq!(which("eth.dst == ff:ff:ff:ff:ff:ff"), vec![1]);
    assert_eq!(which("eth.addr == 02:00:00:00:00:02"), vec![2, 3, 4, 5]);
    assert_eq!(which("eth.addr != 02:00:00:00:00:02"), vec![1]);
    assert_eq!(which("eth.src > 02:00:00:00:00:01"), vec![4]);
    assert_eq!(which("eth.src[0:2] == 02:00"), vec![1, 2, 3, 4, 5]);
    assert_eq!(which("eth.src[5] == 02"), vec![4]);
    assert_eq!(which("eth.src[5] == 2"), vec![4]);
    assert_eq!(which("eth.src[-1] == 02"), vec![4]);
    assert_eq!(which("eth.src[-2:2] == 00:02"), vec![4]);
    assert_eq!(which("eth.src[4-5] == 00:02"), vec![4]);
    assert_eq!(which("eth.src[:1] == 02"), vec![1, 2, 3, 4, 5]);
    assert_eq!(which("eth.src[5:] == 02"), vec![4]);
    assert_eq!(which("eth.src[1:2,5] == 00:00:02"), vec![4]);
    assert_eq!(which("eth.src[9:2] == 00:02"), Vec::<u64>::new());
    assert_eq!(which("eth.src[0:2] > ff"), Vec::<u64>::new());
    assert_eq!(which("eth.src[0:2] > 01"), vec![1, 2, 3, 4, 5]);
    assert_eq!(which("eth.src[0:2] == \"\\x02\\x00\""), vec![1, 2, 3, 4, 5]);
    assert_eq!(which("eth.src contains 00:02"), vec![4]);
    assert_eq!(which("eth.src == tcp.payload"), Vec::<u64>::new());
    assert_eq!(
        error("eth.src == 02:00:00:00:00"),
        (
            "\"02:00:00:00:00\" contains too few bytes to be a valid Ethernet address.".into(),
            11,
            14
        )
    );
    assert_eq!(
        msg("eth.src == 02:00:00:00:00:01:02"),
        "\"02:00:00:00:00:01:02\" contains too many bytes to be a valid Ethernet address."
    );
    assert_eq!(
        msg("eth.src == \"02:00:00:00:00:01\""),
        "Ethernet or other MAC address cannot be converted from a string (\"02:00:00:00:00:01\")."
    );
    assert_eq!(
        msg("eth.dst == ff:ff:ff:ff:ff:ff:"),
        "\":\" was unexpected in this context."
    );
    assert_eq!(
        error("eth.src[0:0] == 02"),
        (
            "Range 0:0 isn't valid because length 0 isn't positive".into(),
            8,
            3
        )
    );
    assert_eq!(
        error("eth.src[1-0] == 02"),
        (
            "Range 1-0 isn't valid because 1 is greater or equal than 0".into(),
            8,
            3
        )
    );
    assert_eq!(
        msg("eth.src[2-2] == 02"),
        "Range 2-2 isn't valid because 2 is greater or equal than 2"
    );
    assert_eq!(
        error("eth.src[x] == 00"),
        ("\"x\" is not a valid number.".into(), 8, 1)
    );
    assert_eq!(
        error("eth.src[1:2"),
        ("The right bracket was missing from a slice.".into(), 11, 0)
    );
}

#[test]
fn test_protocols_as_bytes() {
    assert_eq!(which("frame[0:6] == ff:ff:ff:ff:ff:ff"), vec![1]);
    assert_eq!(which("frame[12:2] == 08:06"), vec![1]);
    assert_eq!(which("eth[12:2] == 08:06"), vec![1]);
    assert_eq!(which("tcp[0:2] == e0:ae"), vec![2, 3, 4]);
    assert_eq!(which("tcp[13] == 02"), vec![2]);
    assert_eq!(which("tcp contains 01:bb"), vec![2, 3, 4]);
    assert_eq!(which("frame contains 02:00:00:00:00:02"), vec![2, 3, 4, 5]);
    assert_eq!(which("frame contains \"hello\""), vec![3]);
    assert_eq!(which("tls == 16:03:01:00:05:68:65:6c:6c:6f"), vec![3]);
    assert_eq!(which("tcp == ip"), Vec::<u64>::new());
    assert_eq!(which("len(tcp) == 8"), vec![4]);
    assert_eq!(which("len(frame) == 60"), vec![1]);
    assert_eq!(
        msg("tcp == eth.src"),
        "tcp and eth.src are not of compatible types."
    );
    assert_eq!(
        msg("tcp.payload == tcp"),
        "tcp.payload and tcp are not of compatible types."
    );
    assert_eq!(
        msg("tcp.srcport[0] == 1"),
        "\"tcp.srcport\" is a Unsigned integer (2 bytes) and cannot be sliced into a sequence of bytes."
    );
    assert_eq!(
        error("frame.len[0] == 1"),
        (
            "\"frame.len\" is a Unsigned integer (4 bytes) and cannot be sliced into a sequence of bytes.".into(),
            0,
            9
        )
    );
}

#[test]
fn test_ipv4() {
    assert_eq!(which("ip.addr == 10.0.0.0/8"), vec![2, 3, 4]);
    assert_eq!(which("ip.addr == 192.168.0.0/16"), Vec::<u64>::new());
    assert_eq!(which("ip.src == 10.0.0.0/31"), vec![2, 3, 4]);
    assert_eq!(which("ip.src == 10.0.0.2/31"), vec![4]);
    assert_eq!(which("ip.src == 10.0.0.2/0"), vec![2, 3, 4]);
    assert_eq!(which("ip.src > 10.0.0.1"), vec![4]);
    // Only 10.0.0.2 (the outer source of frame 4) is above 10.0.0.0/31.
    assert_eq!(which("ip.src > 10.0.0.0/31"), vec![4]);
    assert_eq!(which("ip.dst >= 10.0.0.2"), vec![2, 3, 4]);
    assert_eq!(which("ip.src[3] == 2"), vec![4]);
    assert_eq!(which("ip.src[0:2] == 0a:00"), vec![2, 3, 4]);
    assert_eq!(
        which("ip.src == 10.0.0.1 && ip.dst == 10.0.0.2"),
        vec![2, 3, 4]
    );
    // Frame 4 carries 10.0.0.1 as its inner source: `!=` wants every occurrence to differ.
    assert_eq!(which("ip.src != 10.0.0.1 && ip"), Vec::<u64>::new());
    assert_eq!(which("ip.src#1 != 10.0.0.1 && ip"), vec![4]);
    assert_eq!(which("len(ip.src) == 4"), vec![2, 3, 4]);
    assert_eq!(which("count(ip.addr) > 2"), vec![4]);
    assert_eq!(which("count(ip.addr) == 2"), vec![2, 3]);
    assert_eq!(
        error("ip.addr == 10.0.0.2/33"),
        (
            "Netmask bits in a CIDR IPv4 address should be <= 32, not 33".into(),
            11,
            11
        )
    );
    assert_eq!(
        error("ip.addr == 10.0.0"),
        (
            "\"10.0.0\" is not a valid hostname or IPv4 address.".into(),
            11,
            6
        )
    );
    assert_eq!(
        msg("ip.addr == 10.0.0.256"),
        "\"10.0.0.256\" is not a valid hostname or IPv4 address."
    );
    assert_eq!(
        msg("ip.addr == localhost"),
        "\"localhost\" is not a valid hostname or IPv4 address."
    );
    assert_eq!(
        msg("ip.src == 167772161"),
        "\"167772161\" is not a valid hostname or IPv4 address."
    );
    assert_eq!(
        msg("ip.addr == \"10.0.0.1\""),
        "IPv4 address cannot be converted from a string (\"10.0.0.1\")."
    );
    assert_eq!(
        error("ip.src contains 0a"),
        (
            "ip.src (type=IPv4 address) cannot participate in contains comparison.".into(),
            0,
            6
        )
    );
    assert_eq!(
        error("ip.src == eth.src"),
        (
            "ip.src and eth.src are not of compatible types.".into(),
            10,
            7
        )
    );
    assert_eq!(
        msg("ip.src == tcp.port"),
        "ip.src and tcp.port are not of compatible types."
    );
}

#[test]
fn test_ipv6() {
    assert_eq!(which("ipv6.src == fe80::/10"), vec![5]);
    assert_eq!(which("ipv6.src == fe80::1"), vec![5]);
    assert_eq!(which("ipv6.dst == fd00:10::1"), vec![5]);
    assert_eq!(which("ipv6.dst == fd00:10::/32"), vec![5]);
    assert_eq!(which("ipv6.dst == fd00:11::/32"), Vec::<u64>::new());
    assert_eq!(which("ipv6.src < ipv6.dst"), Vec::<u64>::new());
    assert_eq!(which("ipv6.src[0:2] == fe:80"), vec![5]);
    assert_eq!(
        msg("ipv6.src == fe80::/129"),
        "Prefix in a IPv6 address should be <= 128, not 129"
    );
    assert_eq!(
        msg("ipv6.src == \"::1\""),
        "IPv6 address cannot be converted from a string (\"::1\")."
    );
    assert_eq!(
        error("ipv6.src == fe80::1::2"),
        ("\"::2\" was unexpected in this context.".into(), 19, 3)
    );
}

#[test]
fn test_times_and_floats() {
    assert_eq!(which("frame.time_relative == 0"), vec![1]);
    assert_eq!(which("frame.time_relative == 0.000171"), vec![2]);
    assert_eq!(which("frame.time_relative > 1"), vec![4, 5]);
    assert_eq!(which("frame.time_relative >= 2"), vec![5]);
    assert_eq!(which("frame.time_relative < 1.5s"), vec![1, 2, 3]);
    assert_eq!(which("frame.time_relative > -1"), vec![1, 2, 3, 4, 5]);
    assert_eq!(which("frame.time_relative < -1"), Vec::<u64>::new());
    assert_eq!(
        which("frame.time > \"2020-01-01 00:00:00\""),
        vec![1, 2, 3, 4, 5]
    );
    assert_eq!(
        which("frame.time > \"Jan  1, 2020 00:00:00\""),
        vec![1, 2, 3, 4, 5]
    );
    assert_eq!(which("frame.time > 2020-01-01"), vec![1, 2, 3, 4, 5]);
    assert_eq!(
        which("frame.time == \"2023-11-14 22:13:20\""),
        vec![1, 2, 3, 4, 5]
    );
    assert_eq!(
        which("frame.time < \"2023-11-14T22:13:20Z\""),
        Vec::<u64>::new()
    );
    assert_eq!(which("frame.time_epoch > 1600000000"), vec![1, 2, 3, 4, 5]);
    assert_eq!(
        which("frame.time_epoch == 1700000000.0"),
        vec![1, 2, 3, 4, 5]
    );
    assert_eq!(which("test.float == 0.25"), vec![5]);
    assert_eq!(which("test.float < 1e0"), vec![5]);
    assert_eq!(which("test.float > 1"), Vec::<u64>::new());
    assert_eq!(which("test.float == 2.5e-1"), vec![5]);
    assert_eq!(
        error("frame.time_relative < 1e-4"),
        ("\"1e-4\" is not a valid time.".into(), 22, 4)
    );
    assert_eq!(
        msg("frame.time_relative < 0x10"),
        "\"0x10\" is not a valid time."
    );
    assert_eq!(
        msg("frame.time_relative == 1.0000000001"),
        "\"1.0000000001\" is not a valid time."
    );
    assert_eq!(
        msg("frame.time_relative < \"0.0001\""),
        "Time offset cannot be converted from a string (\"0.0001\")."
    );
    assert_eq!(
        msg("frame.time > 1600000000"),
        "\"1600000000\" is not a valid absolute time. Example: \"Nov 12, 1999 08:55:44.123\" or \"2011-07-04 12:34:56\""
    );
    assert_eq!(
        msg("frame.time_relative > frame.len"),
        "frame.time_relative and frame.len are not of compatible types."
    );
    assert_eq!(
        msg("frame.time == frame.time_relative"),
        "frame.time and frame.time_relative are not of compatible types."
    );
    assert_eq!(msg("test.float == abc"), "\"abc\" is not a valid number.");
}

#[test]
fn test_functions() {
    assert_eq!(which("len(eth.src) == 6"), vec![1, 2, 3, 4, 5]);
    assert_eq!(which(&format!("len({SNI_NAME}) == 23")), vec![3]);
    assert_eq!(which("count(ip.addr) == 0"), Vec::<u64>::new());
    assert_eq!(which("count(tcp.port) == 2"), vec![2, 3, 4]);
    assert_eq!(
        which(&format!("lower({SNI_NAME}) == \"bumpy-rice-work.example\"")),
        vec![3]
    );
    assert_eq!(
        which(&format!("upper({SNI_NAME}) contains \"BUMPY\"")),
        vec![3]
    );
    assert_eq!(which("abs(test.i64) == 5"), vec![5]);
    assert_eq!(
        which("max(tcp.srcport, tcp.dstport) == 57518"),
        vec![2, 3, 4]
    );
    assert_eq!(which("min(tcp.srcport, tcp.dstport) == 443"), vec![2, 3, 4]);
    assert_eq!(which("max(ip.ttl) == 64"), vec![2, 3, 4]);
    assert_eq!(
        error("foo(frame.len)"),
        ("Function 'foo' does not exist".into(), 0, 3)
    );
    assert_eq!(
        error("len(frame.len)"),
        (
            "You cannot test whether a function is present.".into(),
            0,
            3
        )
    );
    assert_eq!(
        error("len() == 1"),
        ("Function len needs at least 1 arguments.".into(), 0, 3)
    );
    assert_eq!(
        msg("len(eth.src, eth.dst) == 6"),
        "Function len can only accept 1 arguments."
    );
    assert_eq!(
        error("upper(frame.len) == \"a\""),
        (
            "Only string type fields can be used as parameter for upper()".into(),
            6,
            9
        )
    );
    assert_eq!(
        msg("lower(ip.src) == \"a\""),
        "Only string type fields can be used as parameter for lower()"
    );
}

#[test]
fn test_references_and_forced_fields() {
    assert_eq!(which(".frame.number == 2"), vec![2]);
    assert_eq!(which("frame.len == ${frame.len}"), Vec::<u64>::new());
    assert_eq!(
        error("frame.len == .5"),
        (
            "\"5\" is not a valid protocol or protocol field.".into(),
            13,
            2
        )
    );
    assert_eq!(
        msg("frame.len == $frame.len"),
        "\"frame.len\" was unexpected in this context."
    );
}

#[test]
fn test_errors_as_tshark() {
    assert_eq!(
        error("tcpp"),
        ("tcpp is neither a field nor a protocol name.".into(), 0, 4)
    );
    assert_eq!(
        error("tcp.port.x"),
        (
            "tcp.port.x is neither a field nor a protocol name.".into(),
            0,
            10
        )
    );
    assert_eq!(
        error("1"),
        ("1 is neither a field nor a protocol name.".into(), 0, 1)
    );
    assert_eq!(
        error("\"abc\""),
        (
            "\"abc\" is neither a field nor a protocol name.".into(),
            0,
            5
        )
    );
    assert_eq!(
        error("tcp and"),
        ("Unexpected end of filter expression.".into(), 7, 0)
    );
    assert_eq!(msg("not"), "Unexpected end of filter expression.");
    assert_eq!(msg("frame.len =="), "Unexpected end of filter expression.");
    assert_eq!(
        msg("frame.len == 1 && ("),
        "Unexpected end of filter expression."
    );
    assert_eq!(msg("ip.src#"), "Unexpected end of filter expression.");
    assert_eq!(
        error("tcp xor udp"),
        ("\"xor\" was unexpected in this context.".into(), 4, 3)
    );
    assert_eq!(
        error("frame.number frame.number"),
        (
            "\"frame.number\" was unexpected in this context.".into(),
            13,
            12
        )
    );
    assert_eq!(
        error("frame.len ? 1"),
        ("\"?\" was unexpected in this context.".into(), 10, 1)
    );
    assert_eq!(
        error("tcpp == 3"),
        (
            "Left side of \"==\" expression must be a field or function, not tcpp.".into(),
            0,
            4
        )
    );
    assert_eq!(
        msg("3 == frame.number"),
        "Left side of \"==\" expression must be a field or function, not 3."
    );
    assert_eq!(
        msg("tcpp eq 3"),
        "Left side of \"eq\" expression must be a field or function, not tcpp."
    );
    assert_eq!(
        msg("tcpp contains 1"),
        "Left side of contains expression must be a field or function, not tcpp."
    );
    assert_eq!(
        error("frame.len == tcpp"),
        ("\"tcpp\" is not a valid number.".into(), 13, 4)
    );
    assert_eq!(
        msg("frame.len contains 1"),
        "frame.len (type=Unsigned integer (4 bytes)) cannot participate in contains comparison."
    );
    assert_eq!(
        error("frame.len == 'ab'"),
        (
            "'ab' is too long to be a valid character constant.".into(),
            13,
            4
        )
    );
    assert_eq!(
        error("frame.len == \"\\400\""),
        ("\\400 is larger than 255.".into(), 14, 4)
    );
}

#[test]
fn test_plan_fields_and_bytes() {
    let f = compile("ip.src == 10.0.0.1 && tcp.port in {443} || ip.src").unwrap();
    let names: Vec<&str> = f.fields().iter().map(|d| d.name).collect();
    assert_eq!(names, vec!["ip.src", "tcp.port"]);
    assert!(!f.needs_bytes());
    let f = compile("tcp && !arp").unwrap();
    let names: Vec<&str> = f.fields().iter().map(|d| d.name).collect();
    assert_eq!(names, vec!["tcp", "arp"]);
    assert!(!f.needs_bytes());
    for text in [
        "frame[0:2] == 02:00",
        "tcp contains 16:03",
        "tcp matches \"x\"",
        "tcp == 01",
        "len(frame[1:]) > 3",
    ] {
        assert!(compile(text).unwrap().needs_bytes(), "{text}");
    }
    for text in [
        "len(tcp) > 3",
        "count(tcp) > 1",
        "eth.src[0:3] == 02:00:00",
        "tcp.payload contains 16:03",
    ] {
        assert!(!compile(text).unwrap().needs_bytes(), "{text}");
    }
    // Without the bytes a protocol compares as empty: no panic, no match.
    let mut d = frames().swap_remove(2);
    d.sources.clear();
    assert!(!compile("tcp contains 01:bb").unwrap().matches(&d));
    assert!(compile("tcp").unwrap().matches(&d));
}

/// A small deterministic generator (xorshift64*), so the property test needs no crate and
/// always runs the same cases.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// Filters that compile: seeds for mutation.
const SEEDS: &[&str] = &[
    "ip.addr == 10.0.0.0/8 && tcp.port in {80, 443..445}",
    "eth.src[0:3] == 02:00:00 || !(ip.src != ip.dst)",
    "tls.handshake.extensions_server_name matches \"^bump\\\\w+\"",
    "tcp.flags & 0x12 == 0x02 and frame.time_relative > 0.5",
    "len(eth.src) == 6 and count(ip.addr) > 2 and ip.src#2 == 10.0.0.1",
    "frame[-2:] contains 6c:6f or ipv6.src == fe80::/10",
    "{frame.len + 1} * 2 > 100 and eth.type == IPv4",
    "tcp.flags.syn == True && upper(sip.Call-ID) contains \"@PC\"",
];

const PIECES: &[&str] = &[
    "ip.src",
    "ip.addr",
    "tcp.port",
    "eth.src",
    "tcp",
    "frame",
    "frame.len",
    "tls.handshake.extensions_server_name",
    "test.float",
    "frame.time",
    "ipv6.src",
    "tcp.flags.syn",
    "==",
    "!=",
    "===",
    "!==",
    "~=",
    ">",
    "<=",
    "contains",
    "matches",
    "~",
    "in",
    "not",
    "and",
    "or",
    "&&",
    "||",
    "!",
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ",",
    "..",
    ":",
    "-",
    "+",
    "*",
    "/",
    "%",
    "&",
    "#",
    "$",
    "@",
    ".",
    "\"",
    "'",
    "\\",
    "r\"",
    "0",
    "1",
    "0x",
    "255",
    "-1",
    "99999999999999999999999",
    "10.0.0.1",
    "/8",
    "fe80::",
    "02:00",
    "aa:",
    "len(",
    "count(",
    "lower(",
    "max(",
    "any",
    "all",
    "True",
    "\\x",
    "\\u",
    "é",
    "\u{0}",
    " ",
    "  ",
    "[0:2]",
    "[-1]",
    "[1-2]",
    "#2",
    "${ip.src}",
    "1.5",
    "1e9",
    "nan",
    "inf",
];

/// Mutates `s` by inserting, deleting or replacing pieces at character boundaries.
fn mutate(rng: &mut Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    for _ in 0..=rng.below(2) {
        let at = rng.below(chars.len() + 1);
        match rng.below(3) {
            0 => {
                let piece: Vec<char> = rng.pick(PIECES).chars().collect();
                chars.splice(at..at, piece);
            }
            1 if at < chars.len() => {
                let end = (at + 1 + rng.below(4)).min(chars.len());
                chars.drain(at..end);
            }
            _ if at < chars.len() => {
                let piece: Vec<char> = rng.pick(PIECES).chars().collect();
                chars.splice(at..at + 1, piece);
            }
            _ => {}
        }
    }
    chars.into_iter().collect()
}

fn random_filter(rng: &mut Rng) -> String {
    let n = 1 + rng.below(12);
    let mut out = String::new();
    for _ in 0..n {
        out.push_str(rng.pick(PIECES));
        if rng.below(2) == 0 {
            out.push(' ');
        }
    }
    out
}

/// Tests a field against a value of its type, or combines such tests.
const RELATIONS: &[(&str, &[&str])] = &[
    (
        "ip.src",
        &["10.0.0.1", "10.0.0.0/31", "10.0.0.2/32", "ip.dst"],
    ),
    ("ip.addr", &["10.0.0.2", "ip.src", "1.2.3.4"]),
    ("tcp.port", &["443", "0x1bb", "57518", "tcp.srcport", "0"]),
    ("ip.ttl", &["64", "63", "0100", "ip.proto"]),
    (
        "eth.src",
        &["02:00:00:00:00:01", "0200.0000.0002", "eth.dst"],
    ),
    ("eth.src[4:2]", &["00:01", "00:02", "eth.dst[4:2]"]),
    ("frame[0:1]", &["ff", "02", "\"\\x02\""]),
    ("tcp.flags.syn", &["1", "0", "True", "Set"]),
    (
        "frame.time_relative",
        &["0", "1.5", "0.000171", "frame.time_relative"],
    ),
    (
        "tls.handshake.extensions_server_name",
        &["\"bumpy-rice-work.example\"", "\"a\""],
    ),
    ("test.i64", &["-5", "0", "test.i64"]),
    ("frame.len", &["60", "{59 + 1}", "frame.len"]),
];

const CMP: &[&str] = &["==", "!=", "===", "!==", ">", ">=", "<", "<="];

fn grammatical(rng: &mut Rng, depth: usize) -> String {
    match if depth == 0 { 0 } else { rng.below(5) } {
        0 | 1 => {
            let (field, values) = RELATIONS[rng.below(RELATIONS.len())];
            match rng.below(6) {
                0 => field.to_string(),
                1 => format!("{field} in {{{}, {}}}", rng.pick(values), rng.pick(values)),
                2 => format!(
                    "{} {field} {} {}",
                    rng.pick(&["any", "all"]),
                    rng.pick(CMP),
                    rng.pick(values)
                ),
                _ => format!("{field} {} {}", rng.pick(CMP), rng.pick(values)),
            }
        }
        2 => format!("!({})", grammatical(rng, depth - 1)),
        3 => format!(
            "({}) and ({})",
            grammatical(rng, depth - 1),
            grammatical(rng, depth - 1)
        ),
        _ => format!(
            "{} or {}",
            grammatical(rng, depth - 1),
            grammatical(rng, depth - 1)
        ),
    }
}

#[test]
fn test_random_and_mutated_filters_never_panic() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let fixture = frames();
    let (mut compiled, mut rejected) = (0, 0);
    for i in 0..6000 {
        let text = match i % 3 {
            0 => random_filter(&mut rng),
            1 => {
                let seed = rng.pick(SEEDS);
                mutate(&mut rng, seed)
            }
            _ => grammatical(&mut rng, 3),
        };
        match compile(&text) {
            Ok(f) => {
                compiled += 1;
                // Negation and idempotence hold for every filter that compiles.
                let not = compile(&format!("!({text})"));
                let twice = compile(&format!("({text}) and ({text})"));
                for d in &fixture {
                    let m = f.matches(d);
                    if let Ok(n) = &not {
                        assert_eq!(n.matches(d), !m, "!({text}) on frame {}", d.frame);
                    }
                    if let Ok(t) = &twice {
                        assert_eq!(t.matches(d), m, "({text}) twice on frame {}", d.frame);
                    }
                }
            }
            Err(e) => {
                rejected += 1;
                assert!(!e.message.is_empty(), "{text}");
                assert!(e.start + e.len <= text.len(), "{text}: {e:?}");
                assert!(
                    text.is_char_boundary(e.start) && text.is_char_boundary(e.start + e.len),
                    "{text}: {e:?}"
                );
            }
        }
    }
    // The generator must exercise both paths to mean anything.
    assert!(
        compiled > 300,
        "only {compiled} compiled, {rejected} rejected"
    );
    assert!(rejected > 300, "only {rejected} rejected");
}

#[test]
fn test_hostile_inputs() {
    for text in [
        "(".repeat(100_000),
        "!".repeat(100_000),
        "-".repeat(100_000),
        "{".repeat(100_000),
        format!("frame.len == {}", "1".repeat(10_000)),
        format!("frame.len{}", "[0]".repeat(1000)),
        format!("eth.src{}", "#1".repeat(1000)),
        format!("frame.len == {}1", "- ".repeat(10_000)),
        format!("len({}frame{})", "len(".repeat(5000), ")".repeat(5000)),
        format!("{SNI_NAME} matches \"{}\"", "(a*)*".repeat(10_000)),
        format!("{SNI_NAME} matches \"a{{1000}}{{1000}}{{1000}}\""),
        ":".repeat(50_000),
        "\"\\".to_string(),
        "'\\".to_string(),
        "r\"\\".to_string(),
        "\u{0}\u{7f}\u{ffff}".to_string(),
        format!("ip.src == {}", "1.".repeat(10_000)),
        format!("tcp.port in {{{}1}}", "1, ".repeat(10_000)),
        format!("frame[{}]", "0,".repeat(10_000)),
        format!("frame[{}:{}]", i64::MAX, u64::MAX),
        format!("frame[{}]", i64::MIN),
    ] {
        if let Ok(f) = compile(&text) {
            for d in &frames() {
                f.matches(d);
            }
        }
    }
    // Long flat chains compile and evaluate.
    let ors = vec!["frame.number == 9"; 5000].join(" || ");
    assert!(compile(&format!("{ors} || arp"))
        .unwrap()
        .matches(&frames()[0]));
}
