//! Property tests for the DNS, DHCP and ICMP parsers, the IP defragmenter and their analyzers:
//! random and mutated bytes (from a fixed-seed PRNG, so failures reproduce) must never panic, and
//! a few invariants must hold. Sized to run in well under a second in debug builds.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use pcaplens_core::decode::{decode_ip, dhcp, dns, icmp};
use pcaplens_core::{analyze_bytes, Config};
use pcaplens_synth::conversation::{Side, TcpConversation};
use pcaplens_synth::dns::{rcode, rtype, Message, Record};
use pcaplens_synth::packet::{
    Icmp, Ipv4, Link, Network, Packet, Transport, CLIENT_MAC, SERVER_MAC,
};
use pcaplens_synth::pcap::{linktype, PcapHeader, PcapWriter};

/// SplitMix64: tiny, seeded, good enough to drive mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// Flips, overwrites, truncates, inserts or duplicates bytes, biased toward length and pointer
/// fields (0x00, 0xc0, 0xff are the interesting values for DNS and TLV parsers).
fn mutate(rng: &mut Rng, seed: &[u8]) -> Vec<u8> {
    let mut v = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        match rng.below(6) {
            0 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] ^= 1 << rng.below(8);
            }
            1 if !v.is_empty() => {
                let i = rng.below(v.len());
                v[i] = [0x00, 0xc0, 0xff, 0x3f, 0x01, 0x0c][rng.below(6)];
            }
            2 => {
                let n = rng.below(v.len() + 1);
                v.truncate(n);
            }
            3 => {
                let i = rng.below(v.len() + 1);
                let n = 1 + rng.below(8);
                let extra = rng.bytes(n);
                v.splice(i..i, extra);
            }
            4 if !v.is_empty() => {
                let a = rng.below(v.len());
                let b = (a + 1 + rng.below(16)).min(v.len());
                let chunk = v[a..b].to_vec();
                let at = rng.below(v.len() + 1);
                v.splice(at..at, chunk);
            }
            _ => {
                let n = rng.below(64);
                v = rng.bytes(n);
            }
        }
    }
    v
}

fn dns_seeds() -> Vec<Vec<u8>> {
    let mut big = Message::response(
        9,
        "www.example.com",
        rtype::A,
        rcode::NOERROR,
        vec![
            Record::cname(60, "web.example.com"),
            Record::a(60, Ipv4Addr::new(192, 0, 2, 1)),
            Record::aaaa(60, Ipv6Addr::LOCALHOST),
        ],
    );
    big.additionals.push(Record {
        name: Some(String::new()),
        rtype: 41,
        class: 1232,
        ttl: 0x8000,
        rdata: vec![0, 10, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8],
    });
    let mut srv = vec![0, 1, 0, 5, 0x13, 0xc4, 0xc0, 0x0c];
    srv.extend([0u8; 0]);
    let srv_msg = Message {
        answers: vec![
            Record {
                name: None,
                rtype: rtype::SRV,
                class: 1,
                ttl: 1,
                rdata: srv,
            },
            Record {
                name: None,
                rtype: rtype::HTTPS,
                class: 1,
                ttl: 1,
                rdata: vec![0, 1, 0, 0, 1, 0, 3, 2, b'h', b'2'],
            },
            Record {
                name: None,
                rtype: rtype::SOA,
                class: 1,
                ttl: 1,
                rdata: {
                    let mut s = vec![0xc0, 0x0c, 0xc0, 0x0c];
                    s.extend([0u8; 20]);
                    s
                },
            },
        ],
        ..Message::response(1, "_sip._udp.example", rtype::SRV, rcode::NOERROR, vec![])
    };
    vec![
        Message::query(1, "example.com", rtype::A).to_bytes(),
        big.to_bytes(),
        srv_msg.to_bytes(),
    ]
}

#[test]
fn dns_parser_never_panics() {
    let seeds = dns_seeds();
    let mut rng = Rng(0x05ee_dd45);
    for i in 0..20_000 {
        let input = mutate(&mut rng, &seeds[i % seeds.len()]);
        let msg = dns::parse(&input);
        // Invariants: caps hold, names are bounded, rendering works.
        assert!(msg.questions.len() <= dns::MAX_QUESTIONS);
        for r in msg
            .answers
            .iter()
            .chain(&msg.authorities)
            .chain(&msg.additionals)
        {
            assert!(r.name.len() <= dns::MAX_NAME_TEXT + 8);
            let _ = (
                r.data.main_text(),
                r.data.extra_text(),
                dns::type_name(r.rtype),
            );
        }
        let _ = dns::rcode_name(msg.extended_rcode());
    }
    // Every strict prefix of a valid message is flagged, never silently accepted as whole.
    for seed in &seeds {
        assert_eq!(dns::parse(seed).malformed, None);
        for n in 0..seed.len() {
            assert!(
                dns::parse(&seed[..n]).malformed.is_some(),
                "prefix {n} of {seed:?}"
            );
        }
    }
}

#[test]
fn dhcp_parsers_never_panic() {
    let mut v4 = vec![0u8; 240];
    v4[0] = 2;
    v4[1] = 1;
    v4[2] = 6;
    v4[236..240].copy_from_slice(&dhcp::MAGIC_COOKIE);
    v4.extend([
        53, 1, 5, 54, 4, 10, 0, 0, 2, 52, 1, 3, 3, 8, 10, 0, 0, 1, 10, 0, 0, 3, 61, 3, 1, 2, 3, 255,
    ]);
    let mut v6 = vec![12, 0];
    v6.extend([0u8; 32]);
    let inner = [
        1u8, 1, 2, 3, 0, 1, 0, 2, 0, 3, 0, 3, 0, 20, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 5, 0,
        4, 1, 2, 3, 4,
    ];
    v6.extend([0, 9, 0, inner.len() as u8]);
    v6.extend(inner);
    let mut rng = Rng(0xd4c9);
    for i in 0..20_000 {
        if i % 2 == 0 {
            let m = dhcp::parse_v4(&mutate(&mut rng, &v4));
            assert!(m.option_codes.len() <= dhcp::MAX_OPTIONS);
        } else {
            let m = dhcp::parse_v6(&mutate(&mut rng, &v6));
            assert!(m.relay_depth <= dhcp::MAX_RELAY_DEPTH);
        }
    }
    // Deeply nested relays stop at the limit.
    let mut nested = vec![1u8, 0, 0, 1];
    for _ in 0..40 {
        let mut outer = vec![12u8, 0];
        outer.extend([0u8; 32]);
        outer.extend([0, 9]);
        outer.extend((nested.len() as u16).to_be_bytes());
        outer.extend(&nested);
        nested = outer;
    }
    assert_eq!(dhcp::parse_v6(&nested).relay_depth, dhcp::MAX_RELAY_DEPTH);
}

/// Regression: an IPv6 packet whose extension chain is cut after a complete hop-by-hop header
/// (typical of a packet quoted in an ICMPv6 error) once made etherparse's extension iterator read
/// out of bounds.
#[test]
fn truncated_ipv6_extension_chain_is_safe() {
    let mut p = vec![0x60, 0, 0, 0, 0, 64, 0, 64];
    p.extend([0xfd; 32]);
    p.extend([60, 0, 1, 4, 0, 0, 0, 0]); // hop-by-hop (next: destination options), PadN
    let (ip, _) = decode_ip(&p).expect("the IPv6 header is readable");
    assert_eq!(ip.fragment, None);
    for cut in 40..p.len() {
        let _ = decode_ip(&p[..cut]);
    }
    // Hop-by-hop → fragment header (offset 8, more) cut short, then whole.
    let mut q = vec![0x60, 0, 0, 0, 0, 24, 0, 64];
    q.extend([0xfd; 32]);
    q.extend([44, 0, 1, 4, 0, 0, 0, 0]);
    q.extend([17, 0, 0, 9, 0, 0, 0, 7]);
    q.extend([0u8; 8]);
    let (ip, _) = decode_ip(&q).expect("readable");
    assert_eq!(ip.ident, 7);
    assert_eq!(
        ip.fragment.map(|f| (f.offset, f.more_fragments)),
        Some((8, true))
    );
    for cut in 40..q.len() {
        let _ = decode_ip(&q[..cut]);
    }
}

#[test]
fn icmp_parsers_never_panic() {
    let mut na = vec![136u8, 0, 0, 0, 0x60, 0, 0, 0];
    na.extend([0xfd; 16]);
    na.extend([2, 1, 2, 0, 0, 0, 0, 2, 3, 4, 64, 0xc0]);
    na.extend([0u8; 28]);
    let mut unreach = vec![
        3u8, 3, 0, 0, 0, 0, 0, 0, 0x45, 0, 0, 60, 0, 1, 0, 0, 64, 17, 0, 0,
    ];
    unreach.extend([10, 0, 0, 1, 10, 0, 0, 2, 0x9c, 0x40, 0, 53, 0, 40, 0, 0]);
    let seeds = [na, unreach];
    let mut rng = Rng(0x1c3b);
    for i in 0..20_000 {
        let input = mutate(&mut rng, &seeds[i % 2]);
        let p = icmp::Packet::new_unchecked(&input[..]);
        let _ = (
            p.msg_type(),
            p.code(),
            p.checksum(),
            p.ident(),
            p.seq(),
            p.body(),
        );
        if let Some(nd) = icmp::parse_nd(&p) {
            assert!(nd.prefixes.len() <= icmp::MAX_ND_ITEMS);
        }
        let _ = icmp::quoted(p.body());
        let _ = decode_ip(&input);
        let _ = icmp::expected_reply_checksum(p.checksum(), if i % 2 == 0 { 4 } else { 6 });
    }
}

/// A capture mixing everything these analyzers read, as (frame bytes) for mutation.
fn mixed_frames() -> Vec<Vec<u8>> {
    let c = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1)), 40000);
    let s = SocketAddr::new(IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2)), 53);
    let seeds = dns_seeds();
    let mut frames = vec![
        Packet::udp(c, s, &seeds[0]).to_vec(),
        Packet::udp(s, c, &seeds[1]).to_vec(),
        Packet::udp(
            SocketAddr::new(c.ip(), 5353),
            SocketAddr::new(s.ip(), 5353),
            &seeds[2],
        )
        .to_vec(),
        Packet::icmp(c.ip(), s.ip(), Icmp::echo_request(1, 1), b"payload!").to_vec(),
        Packet::icmp(s.ip(), c.ip(), Icmp::echo_reply(1, 1), b"payload!").to_vec(),
    ];
    let mut dhcp_msg = vec![0u8; 240];
    dhcp_msg[0] = 1;
    dhcp_msg[236..240].copy_from_slice(&dhcp::MAGIC_COOKIE);
    dhcp_msg.extend([53, 1, 1, 255]);
    frames.push(
        Packet::udp(
            SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), 68),
            SocketAddr::new(IpAddr::V4(Ipv4Addr::BROADCAST), 67),
            &dhcp_msg,
        )
        .to_vec(),
    );
    // Two fragments of a UDP datagram.
    let whole = Packet::udp(s, c, &seeds[1]).to_vec();
    let datagram = &whole[34..];
    for (i, piece) in datagram.chunks(64).enumerate() {
        let ip = Ipv4 {
            identification: 9,
            dont_fragment: false,
            more_fragments: (i + 1) * 64 < datagram.len(),
            fragment_offset: (i * 8) as u16,
            protocol: Some(17),
            ..Ipv4::new(Ipv4Addr::new(10, 0, 0, 2), Ipv4Addr::new(10, 0, 0, 1))
        };
        frames.push(
            Packet {
                link: Link::ethernet(CLIENT_MAC, SERVER_MAC),
                network: Network::Ipv4(ip),
                transport: Transport::None(17),
                payload: piece,
            }
            .to_vec(),
        );
    }
    let mut conv = TcpConversation::new(c, s, 1, 100);
    conv.syn(vec![]);
    conv.syn_ack(vec![]);
    let mut q = (seeds[0].len() as u16).to_be_bytes().to_vec();
    q.extend(&seeds[0]);
    conv.data(Side::Client, &q[..5]);
    conv.data(Side::Client, &q[5..]);
    frames.extend(conv.frames().into_iter().map(|(_, f)| f));
    frames
}

#[test]
fn analyzers_never_panic_on_mutated_captures() {
    let frames = mixed_frames();
    let mut rng = Rng(0xa11);
    for round in 0..300 {
        let mut w = PcapWriter::new(Vec::new(), PcapHeader::new(linktype::ETHERNET)).unwrap();
        let count = 1 + rng.below(frames.len() * 2);
        for i in 0..count {
            let base = &frames[rng.below(frames.len())];
            // Mutate only past the Ethernet header, so most frames still reach the parsers.
            let data = if rng.below(3) == 0 {
                base.clone()
            } else {
                let mut d = base[..14.min(base.len())].to_vec();
                d.extend(mutate(&mut rng, base.get(14..).unwrap_or(&[])));
                d
            };
            w.write_packet(
                (1_700_000_000 + (round * 10 + i) as u64, 0),
                &data,
                data.len() as u32,
            )
            .unwrap();
        }
        let report = analyze_bytes(&w.into_inner().unwrap(), &Config::default());
        assert!(report.dns.queries + report.dns.responses >= report.dns.unanswered);
        let _ = report.to_json();
    }
}
