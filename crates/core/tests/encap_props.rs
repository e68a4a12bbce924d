//! Property test: random stacks of encapsulations, far deeper than any real frame, then cut
//! and mutated, decode without panicking or overflowing the stack, with at most
//! `MAX_ENCAP_LAYERS` layers recorded at offsets inside the frame; whole analyses of them
//! finish. Fixed seeds, so a failure reproduces.

use pcaplens_core::capture::{Frame, LinkType, Timestamp};
use pcaplens_core::decode::decode_frame;
use pcaplens_core::decode::encap::{NotDecoded, MAX_ENCAP_LAYERS};
use pcaplens_core::{analyze_bytes, Config};
use pcaplens_synth::packet::encap::{self, ethertype, ppp_protocol, Ieee80211Data};
use pcaplens_synth::packet::{Link, Network, Packet, Transport, VlanTag};
use pcaplens_synth::pcap::pcap_bytes;
use pcaplens_synth::rng::Rng;

const MAC: [u8; 6] = [0x02, 0, 0, 0, 0, 7];

/// What a frame's payload currently is, so the next wrapper fits around it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Inner {
    Ipv4,
    Ipv6,
    Ethernet,
}

fn ip_around(v6: bool, proto: u8, payload: &[u8]) -> Vec<u8> {
    let (src, dst) = if v6 {
        (
            "2001:db8::1".parse().unwrap(),
            "2001:db8::2".parse().unwrap(),
        )
    } else {
        ("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap())
    };
    Packet {
        link: Link::Raw,
        network: Network::ip(src, dst),
        transport: Transport::None(proto),
        payload,
    }
    .to_vec()
}

fn udp_around(dport: u16, payload: &[u8]) -> Vec<u8> {
    Packet::udp(
        "192.0.2.1:40000".parse().unwrap(),
        format!("192.0.2.2:{dport}").parse().unwrap(),
        payload,
    )
    .with_link(Link::Raw)
    .to_vec()
}

/// One wrapper around `bytes` (of kind `inner`), chosen at random; returns the new kind.
fn wrap(rng: &mut Rng, bytes: Vec<u8>, inner: Inner) -> (Vec<u8>, Inner) {
    let ip_type = |inner| match inner {
        Inner::Ipv4 => ethertype::IPV4,
        Inner::Ipv6 => ethertype::IPV6,
        Inner::Ethernet => ethertype::TEB,
    };
    match (rng.below(9), inner) {
        (0, Inner::Ethernet) | (1, Inner::Ethernet) => {
            // Ethernet frames go into VXLAN or GRE bridging.
            if rng.chance(500_000) {
                (udp_around(4789, &encap::vxlan(1, &bytes)), Inner::Ipv4)
            } else {
                let g = encap::gre(ethertype::TEB, Some(1), None, &bytes);
                (ip_around(rng.chance(500_000), 47, &g), Inner::Ipv4)
            }
        }
        (_, Inner::Ethernet) => {
            // Stack VLAN tags by re-framing: strip nothing, wrap in another Ethernet + tags.
            let tags: Vec<VlanTag> = (0..rng.range(1, 4))
                .map(|v| VlanTag::dot1q(v as u16))
                .collect();
            let inner_ip = bytes.get(14..).unwrap_or(&[]).to_vec();
            let t = u16::from_be_bytes([bytes[12], bytes[13]]);
            (
                encap::ethernet(MAC, MAC, &tags, t, &inner_ip),
                Inner::Ethernet,
            )
        }
        (0, _) => (
            ip_around(false, 47, &encap::gre(ip_type(inner), None, None, &bytes)),
            Inner::Ipv4,
        ),
        (1, _) => (
            ip_around(true, if inner == Inner::Ipv4 { 4 } else { 41 }, &bytes),
            Inner::Ipv6,
        ),
        (2, _) => (
            ip_around(false, if inner == Inner::Ipv4 { 4 } else { 41 }, &bytes),
            Inner::Ipv4,
        ),
        (3, _) => (
            encap::ethernet(
                MAC,
                MAC,
                &[],
                ethertype::MPLS,
                &encap::mpls(&[1, 2], None, &bytes),
            ),
            Inner::Ethernet,
        ),
        (4, _) => {
            let proto = if inner == Inner::Ipv4 {
                ppp_protocol::IPV4
            } else {
                ppp_protocol::IPV6
            };
            (
                encap::ethernet(
                    MAC,
                    MAC,
                    &[],
                    ethertype::PPPOE_SESSION,
                    &encap::pppoe_session(1, proto, &bytes),
                ),
                Inner::Ethernet,
            )
        }
        (5, Inner::Ipv6) => (
            udp_around(3544, &encap::teredo(None, Some((1, [1, 2, 3, 4])), &bytes)),
            Inner::Ipv4,
        ),
        (6, _) => {
            let frame = Ieee80211Data::to_ap(MAC, MAC, MAC).frame(ip_type(inner), &bytes);
            let g = encap::gre(ethertype::ARUBA_80211, None, None, &frame);
            (ip_around(false, 47, &g), Inner::Ipv4)
        }
        (_, _) => {
            let tags: Vec<VlanTag> = (0..rng.range(1, 6))
                .map(|v| VlanTag::dot1ad(v as u16))
                .collect();
            (
                encap::ethernet(MAC, MAC, &tags, ip_type(inner), &bytes),
                Inner::Ethernet,
            )
        }
    }
}

fn frame(link_type: u32, data: &[u8]) -> Frame<'_> {
    Frame {
        number: 1,
        ts: Timestamp::default(),
        has_ts: true,
        pcapng: false,
        interface: 0,
        link_type: LinkType(link_type),
        orig_len: data.len() as u32,
        data,
        comments: &[],
    }
}

fn check(link_type: u32, data: &[u8]) {
    let p = decode_frame(&frame(link_type, data));
    assert!(p.encap.len() <= MAX_ENCAP_LAYERS);
    for l in p.encap.layers() {
        assert!(
            (l.offset as usize) < data.len().max(1),
            "layer {l:?} outside {} bytes",
            data.len()
        );
    }
    if let Some(at) = p.encap.ip_offset {
        assert!(
            (at as usize) < data.len(),
            "ip offset {at} outside {} bytes",
            data.len()
        );
    }
}

#[test]
fn deep_and_damaged_stacks_never_panic() {
    let mut deep_seen = 0;
    for seed in 0..300u64 {
        let mut rng = Rng::new(0x5eed_0000 + seed);
        let v6 = rng.chance(500_000);
        let mut bytes = Packet::udp(
            if v6 {
                "[2001:db8::5]:53"
            } else {
                "10.0.0.5:53"
            }
            .parse()
            .unwrap(),
            if v6 {
                "[2001:db8::6]:9999"
            } else {
                "10.0.0.6:9999"
            }
            .parse()
            .unwrap(),
            b"innermost",
        )
        .with_link(Link::Raw)
        .to_vec();
        let mut inner = if v6 { Inner::Ipv6 } else { Inner::Ipv4 };
        let depth = rng.range(1, 40);
        for _ in 0..depth {
            (bytes, inner) = wrap(&mut rng, bytes, inner);
        }
        if inner != Inner::Ethernet {
            bytes = encap::ethernet(
                MAC,
                MAC,
                &[],
                if inner == Inner::Ipv4 { 0x0800 } else { 0x86dd },
                &bytes,
            );
        }
        let p = decode_frame(&frame(1, &bytes));
        if p.encap.not_decoded == Some(NotDecoded::TooDeep) {
            deep_seen += 1;
        } else {
            // Shallow enough: the innermost UDP datagram is reached.
            let udp = p.udp().expect("innermost UDP");
            assert_eq!(
                (udp.src_port, udp.payload),
                (53, &b"innermost"[..]),
                "seed {seed}"
            );
        }
        check(1, &bytes);
        for cut in (0..bytes.len()).step_by(7) {
            check(1, &bytes[..cut]);
        }
        for _ in 0..200 {
            let mut m = bytes.clone();
            let at = rng.below(m.len() as u64) as usize;
            m[at] = rng.next_u32() as u8;
            check(1, &m);
            for lt in [9, 105, 127, 192, 104, 51] {
                check(lt, &m[at.min(m.len() - 1)..]);
            }
        }
        // Whole analyses of the frame, cut and whole, finish.
        let frames = [bytes.clone(), bytes[..bytes.len() / 2].to_vec()];
        let _ = analyze_bytes(
            &pcap_bytes(1, frames.iter().map(|f| ((1, 0), f.as_slice()))),
            &Config::default(),
        );
    }
    assert!(
        deep_seen > 10,
        "only {deep_seen} stacks deeper than the limit"
    );
}

/// Random bytes under every link type the encapsulation walk starts from.
#[test]
fn random_bytes_under_every_link_type() {
    let mut rng = Rng::new(0xbad_c0de);
    for _ in 0..20_000 {
        let len = rng.below(120) as usize;
        let mut data = rng.bytes(len);
        // Often start like a plausible header so the walk gets somewhere.
        if len > 4 && rng.chance(500_000) {
            data[..2].copy_from_slice(&[0xff, 0x03]);
        }
        for lt in [1, 9, 50, 51, 104, 105, 127, 192, 101, 113, 276] {
            check(lt, &data);
        }
    }
}
