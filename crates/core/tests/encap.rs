//! Encapsulations on captures these tests write (pcaplens-synth): for each kind, the innermost
//! IP addresses, ports, TCP stream numbers and lengths frame by frame, checked against a local
//! tshark (skipped with a notice without it), and the report's counts without it.

use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::Command;

use pcaplens_core::analyze::tcp::TcpAnalyzer;
use pcaplens_core::capture::Reader;
use pcaplens_core::decode::encap::LayerKind;
use pcaplens_core::decode::{decode_frame, Transport as DecodedTransport};
use pcaplens_core::{analyze_bytes, Config};
use pcaplens_synth::packet::encap::{self, ethertype, ppp_protocol, Ieee80211Data};
use pcaplens_synth::packet::{Link, Network, Packet, Tcp, TcpFlags, Transport, VlanTag};
use pcaplens_synth::pcap::pcap_bytes;

const MAC_A: [u8; 6] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
const MAC_B: [u8; 6] = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02];
/// Inner MACs of pseudowires: the first nibble picks the control-word reading, and neither
/// reading looks like two known manufacturers to Wireshark.
const PW_MAC_A: [u8; 6] = [0x0a, 0x11, 0x5e, 0x10, 0x00, 0x01];
const PW_MAC_B: [u8; 6] = [0x0a, 0x11, 0x5e, 0x10, 0x00, 0x02];

fn sock(s: &str) -> SocketAddr {
    s.parse().expect("test address")
}

fn ip(s: &str) -> IpAddr {
    s.parse().expect("test address")
}

/// The inner traffic: a TCP handshake, data and its ACK, and a UDP datagram, as bare IP
/// packets (or Ethernet frames when `ethernet`).
fn inner_packets(v6: bool, ethernet: bool) -> Vec<Vec<u8>> {
    let (c, s) = if v6 {
        (sock("[2001:db8:1::10]:40001"), sock("[2001:db8:2::20]:443"))
    } else {
        (sock("10.1.0.10:40001"), sock("10.2.0.20:443"))
    };
    let link = if ethernet {
        Link::ethernet(PW_MAC_A, PW_MAC_B)
    } else {
        Link::Raw
    };
    let tcp = |flags, seq, ack| Tcp {
        ack,
        ..Tcp::new(0, 0, seq, flags)
    };
    let packets = [
        Packet::tcp(c, s, tcp(TcpFlags::SYN, 1000, 0), b""),
        Packet::tcp(s, c, tcp(TcpFlags::SYN_ACK, 5000, 1001), b""),
        Packet::tcp(c, s, tcp(TcpFlags::ACK, 1001, 5001), b""),
        Packet::tcp(c, s, tcp(TcpFlags::PSH_ACK, 1001, 5001), b"hello, tunnel"),
        Packet::tcp(s, c, tcp(TcpFlags::ACK, 5001, 1014), b""),
        Packet::udp(
            c,
            sock(if v6 {
                "[2001:db8:2::53]:53"
            } else {
                "10.2.0.53:53"
            }),
            b"dns?",
        ),
    ];
    packets
        .into_iter()
        .map(|p| p.with_link(link.clone()).to_vec())
        .collect()
}

/// An outer Ethernet/IP packet of protocol `proto` around `payload`.
fn outer_ip(src: &str, dst: &str, proto: u8, payload: &[u8]) -> Vec<u8> {
    Packet {
        link: Link::ethernet(MAC_A, MAC_B),
        network: Network::ip(ip(src), ip(dst)),
        transport: Transport::None(proto),
        payload,
    }
    .to_vec()
}

/// An outer Ethernet/IPv4/UDP packet around `payload`.
fn outer_udp(sport: u16, dport: u16, payload: &[u8]) -> Vec<u8> {
    Packet::udp(
        SocketAddr::new(ip("192.0.2.1"), sport),
        SocketAddr::new(ip("192.0.2.2"), dport),
        payload,
    )
    .to_vec()
}

struct Case {
    name: &'static str,
    link_type: u32,
    frames: Vec<Vec<u8>>,
    /// A layer every frame crosses.
    layer: LayerKind,
}

fn case(
    name: &'static str,
    link_type: u32,
    v6: bool,
    ethernet: bool,
    layer: LayerKind,
    wrap: impl Fn(&[u8]) -> Vec<u8>,
) -> Case {
    Case {
        name,
        link_type,
        frames: inner_packets(v6, ethernet)
            .iter()
            .map(|p| wrap(p))
            .collect(),
        layer,
    }
}

fn cases() -> Vec<Case> {
    let eth = |t: u16, payload: &[u8]| encap::ethernet(MAC_A, MAC_B, &[], t, payload);
    let wifi = |qos: bool| Ieee80211Data {
        qos,
        ..Ieee80211Data::to_ap(MAC_A, MAC_B, [0x02, 0, 0, 0, 0, 9])
    };
    vec![
        case("pppoe_v4", 1, false, false, LayerKind::Pppoe, |p| {
            eth(
                ethertype::PPPOE_SESSION,
                &encap::pppoe_session(7, ppp_protocol::IPV4, p),
            )
        }),
        case("pppoe_v6_padded", 1, true, false, LayerKind::Ppp, |p| {
            let mut f = eth(
                ethertype::PPPOE_SESSION,
                &encap::pppoe_session(7, ppp_protocol::IPV6, p),
            );
            f.extend_from_slice(&[0; 6]); // Ethernet trailer after the PPPoE payload
            f
        }),
        case("ppp_link", 9, false, false, LayerKind::Ppp, |p| {
            encap::ppp(true, false, ppp_protocol::IPV4, p)
        }),
        case(
            "ppp_hdlc_link_compressed",
            50,
            false,
            false,
            LayerKind::Ppp,
            |p| encap::ppp(false, true, ppp_protocol::IPV4, p),
        ),
        case("cisco_hdlc", 104, true, false, LayerKind::CiscoHdlc, |p| {
            encap::cisco_hdlc(ethertype::IPV6, p)
        }),
        case("mpls_v4", 1, false, false, LayerKind::Mpls, |p| {
            eth(ethertype::MPLS, &encap::mpls(&[100], None, p))
        }),
        case("mpls_stack_v6", 1, true, false, LayerKind::Mpls, |p| {
            eth(ethertype::MPLS, &encap::mpls(&[100, 200, 300], None, p))
        }),
        case(
            "mpls_pw_control_word",
            1,
            false,
            true,
            LayerKind::Ethernet,
            |p| eth(ethertype::MPLS, &encap::mpls(&[16, 17], Some(0x1234), p)),
        ),
        case("gre_v4_in_v4", 1, false, false, LayerKind::Gre, |p| {
            outer_ip(
                "192.0.2.1",
                "192.0.2.2",
                47,
                &encap::gre(ethertype::IPV4, None, None, p),
            )
        }),
        case(
            "gre_v6_in_v6_key_seq",
            1,
            true,
            false,
            LayerKind::Gre,
            |p| {
                let g = encap::gre(ethertype::IPV6, Some(42), Some(7), p);
                outer_ip("2001:db8:ff::1", "2001:db8:ff::2", 47, &g)
            },
        ),
        case(
            "gre_ethernet_bridging",
            1,
            false,
            true,
            LayerKind::Ethernet,
            |p| {
                outer_ip(
                    "192.0.2.1",
                    "192.0.2.2",
                    47,
                    &encap::gre(ethertype::TEB, Some(1), None, p),
                )
            },
        ),
        case("gre_pptp_ppp", 1, false, false, LayerKind::Ppp, |p| {
            let ppp = encap::ppp(true, false, ppp_protocol::IPV4, p);
            outer_ip("192.0.2.1", "192.0.2.2", 47, &encap::gre_pptp(9, 1, &ppp))
        }),
        case("gre_erspan", 1, false, true, LayerKind::Erspan, |p| {
            let g = encap::gre(ethertype::ERSPAN_2, None, Some(1), &encap::erspan2(3, p));
            outer_ip("192.0.2.1", "192.0.2.2", 47, &g)
        }),
        case(
            "gre_aruba_80211",
            1,
            false,
            false,
            LayerKind::Ieee80211,
            |p| {
                let frame = wifi(false).frame(ethertype::IPV4, p);
                outer_ip(
                    "192.0.2.1",
                    "192.0.2.2",
                    47,
                    &encap::gre(ethertype::ARUBA_80211, None, None, &frame),
                )
            },
        ),
        case("vxlan", 1, false, true, LayerKind::Vxlan, |p| {
            outer_udp(51000, 4789, &encap::vxlan(5001, p))
        }),
        case("teredo_plain", 1, true, false, LayerKind::Teredo, |p| {
            outer_udp(3544, 50000, &encap::teredo(None, None, p))
        }),
        case(
            "teredo_origin_auth",
            1,
            true,
            false,
            LayerKind::Teredo,
            |p| {
                let t = encap::teredo(Some((b"id", b"auth")), Some((40000, [198, 51, 100, 7])), p);
                outer_udp(50000, 3544, &t)
            },
        ),
        case("ipip_4in4", 1, false, false, LayerKind::Ipv4, |p| {
            outer_ip("192.0.2.1", "192.0.2.2", 4, p)
        }),
        case("ipip_6in4", 1, true, false, LayerKind::Ipv4, |p| {
            outer_ip("192.0.2.1", "192.0.2.2", 41, p)
        }),
        case("ipip_6in6", 1, true, false, LayerKind::Ipv6, |p| {
            outer_ip("2001:db8:ff::1", "2001:db8:ff::2", 41, p)
        }),
        case("ipip_4in6", 1, false, false, LayerKind::Ipv6, |p| {
            outer_ip("2001:db8:ff::1", "2001:db8:ff::2", 4, p)
        }),
        case("qinq", 1, false, false, LayerKind::Vlan, |p| {
            let tags = [VlanTag::dot1ad(100), VlanTag::dot1q(200)];
            encap::ethernet(MAC_A, MAC_B, &tags, ethertype::IPV4, p)
        }),
        case(
            "vlan_9100_stack_of_5",
            1,
            true,
            false,
            LayerKind::Vlan,
            |p| {
                let mut tags = vec![VlanTag {
                    tpid: 0x9100,
                    ..VlanTag::dot1q(1)
                }];
                tags.extend((2..=5).map(VlanTag::dot1q));
                encap::ethernet(MAC_A, MAC_B, &tags, ethertype::IPV6, p)
            },
        ),
        case("ieee80211", 105, false, false, LayerKind::Llc, |p| {
            wifi(false).frame(ethertype::IPV4, p)
        }),
        case(
            "radiotap_fcs_qos",
            127,
            true,
            false,
            LayerKind::Radiotap,
            |p| encap::radiotap(true, &wifi(true).frame(ethertype::IPV6, p)),
        ),
        case("radiotap", 127, false, false, LayerKind::Ieee80211, |p| {
            encap::radiotap(false, &wifi(false).frame(ethertype::IPV4, p))
        }),
        case("ppi", 192, false, false, LayerKind::Ppi, |p| {
            encap::ppi(&wifi(false).frame(ethertype::IPV4, p))
        }),
        case(
            "vxlan_in_gre_in_mpls",
            1,
            false,
            true,
            LayerKind::Vxlan,
            |p| {
                let inner = outer_udp(51000, 4789, &encap::vxlan(7, p));
                let gre = outer_ip(
                    "192.0.2.9",
                    "192.0.2.10",
                    47,
                    &encap::gre(ethertype::TEB, None, None, &inner),
                );
                let ip_and_up = &gre[14..];
                eth(ethertype::MPLS, &encap::mpls(&[500], None, ip_and_up))
            },
        ),
        case(
            "vxlan_gpe_ipv4",
            1,
            false,
            false,
            LayerKind::VxlanGpe,
            |p| outer_udp(51000, 4790, &encap::vxlan_gpe(9, 1, p)),
        ),
        case(
            "geneve_ethernet_with_options",
            1,
            false,
            true,
            LayerKind::Geneve,
            |p| {
                let option = [0x01, 0x02, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef];
                outer_udp(51000, 6081, &encap::geneve(77, ethertype::TEB, &option, p))
            },
        ),
        case(
            "gtp_u_v6_with_sequence",
            1,
            true,
            false,
            LayerKind::GtpU,
            |p| outer_udp(2152, 2152, &encap::gtp_u(0x1234, Some(9), p)),
        ),
        case("l2tp_ppp", 1, false, false, LayerKind::L2tp, |p| {
            let ppp = encap::ppp(true, false, ppp_protocol::IPV4, p);
            outer_udp(1701, 1701, &encap::l2tp_v2(3, 4, &ppp))
        }),
        case(
            "ethernet_8023_llc_snap",
            1,
            false,
            false,
            LayerKind::Llc,
            |p| {
                let snap = encap::llc_snap(ethertype::IPV4, p);
                pad60(encap::ethernet(MAC_A, MAC_B, &[], snap.len() as u16, &snap))
            },
        ),
        case("mpls_v4_padded", 1, false, false, LayerKind::Mpls, |p| {
            pad60(eth(ethertype::MPLS, &encap::mpls(&[100], None, p)))
        }),
        case("mpls_v6_padded", 1, true, false, LayerKind::Mpls, |p| {
            pad60(eth(ethertype::MPLS, &encap::mpls(&[100], None, p)))
        }),
        case(
            "vlan_pppoe_padded",
            1,
            false,
            false,
            LayerKind::Pppoe,
            |p| {
                let tags = [VlanTag::dot1q(10)];
                let s = encap::pppoe_session(3, ppp_protocol::IPV4, p);
                pad60(encap::ethernet(
                    MAC_A,
                    MAC_B,
                    &tags,
                    ethertype::PPPOE_SESSION,
                    &s,
                ))
            },
        ),
        case(
            "gre_checksum_padded",
            1,
            false,
            false,
            LayerKind::Gre,
            |p| {
                let mut g = encap::gre(ethertype::IPV4, None, None, p);
                g[0] |= 0x80; // checksum present (value 0), then the reserved word
                g.splice(4..4, [0u8; 4]);
                pad60(outer_ip("192.0.2.1", "192.0.2.2", 47, &g))
            },
        ),
        case(
            "wds_four_addresses",
            105,
            false,
            false,
            LayerKind::Llc,
            |p| {
                let f = Ieee80211Data {
                    from_ds: true,
                    qos: true,
                    ..Ieee80211Data::to_ap(MAC_A, MAC_B, [0x02, 0, 0, 0, 0, 9])
                };
                f.frame(ethertype::IPV4, p)
            },
        ),
        case(
            "radiotap_data_pad",
            127,
            false,
            false,
            LayerKind::Llc,
            |p| {
                // QoS data (26-byte header) padded to 28 bytes, as the radiotap flag says.
                let frame = wifi(true).frame(ethertype::IPV4, p);
                let mut padded = frame[..26].to_vec();
                padded.extend([0, 0]);
                padded.extend(&frame[26..]);
                let mut r = encap::radiotap(false, &padded);
                r[16] |= 0x20;
                r
            },
        ),
    ]
}

/// Ethernet's minimum frame: short frames get trailing padding.
fn pad60(mut frame: Vec<u8>) -> Vec<u8> {
    if frame.len() < 60 {
        frame.resize(60, 0);
    }
    frame
}

fn capture(case: &Case) -> Vec<u8> {
    pcap_bytes(
        case.link_type,
        case.frames
            .iter()
            .enumerate()
            .map(|(i, f)| ((1_700_000_000 + i as u64, 0), f.as_slice())),
    )
}

/// What a frame's innermost layers say: "tcp stream src:port dst:port len" or
/// "udp src:port dst:port", "-" otherwise.
type Facts = BTreeMap<u64, String>;

fn ours(bytes: &[u8]) -> (Facts, Vec<Vec<LayerKind>>) {
    let mut tcp = TcpAnalyzer::new(&Config::default());
    let mut reader = Reader::new();
    let mut facts = BTreeMap::new();
    let mut layers = Vec::new();
    let mut on_frame = |frame: &pcaplens_core::capture::Frame<'_>| {
        let p = decode_frame(frame);
        let ctx = tcp.on_packet(&p);
        layers.push(p.encap.layers().map(|l| l.kind).collect());
        let fact = match (&p.ip, &p.transport, ctx) {
            (Some(ip), DecodedTransport::Tcp(t), Some(ctx)) => format!(
                "tcp {} {} {} {} {} {}",
                ctx.stream, ip.src, t.src_port, ip.dst, t.dst_port, t.seglen
            ),
            (Some(ip), DecodedTransport::Udp(u), _) => {
                format!("udp {} {} {} {}", ip.src, u.src_port, ip.dst, u.dst_port)
            }
            _ => "-".to_string(),
        };
        facts.insert(frame.number, fact);
    };
    reader.feed(bytes, &mut on_frame);
    reader.finish(&mut on_frame);
    (facts, layers)
}

fn tshark_available() -> bool {
    Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn last(field: &str) -> &str {
    field.rsplit(',').next().unwrap_or("")
}

fn tshark_facts(path: &std::path::Path) -> Facts {
    let out = Command::new("tshark")
        .args(["-n", "-r"])
        .arg(path)
        .args(["-T", "fields", "-E", "occurrence=a"])
        .args([
            "-e",
            "frame.number",
            "-e",
            "frame.protocols",
            "-e",
            "tcp.stream",
            "-e",
            "tcp.srcport",
            "-e",
            "tcp.dstport",
            "-e",
            "tcp.len",
            "-e",
            "udp.srcport",
            "-e",
            "udp.dstport",
            "-e",
            "ip.src",
            "-e",
            "ip.dst",
            "-e",
            "ipv6.src",
            "-e",
            "ipv6.dst",
        ])
        .output()
        .expect("tshark runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut facts = BTreeMap::new();
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        let [number, protocols, stream, tsport, tdport, tlen, usport, udport, src4, dst4, src6, dst6] =
            f[..]
        else {
            panic!("tshark line {line:?}")
        };
        let layers: Vec<&str> = protocols.split(':').collect();
        let inner_v6 = layers
            .iter()
            .rev()
            .find(|l| **l == "ip" || **l == "ipv6")
            .is_some_and(|l| *l == "ipv6");
        let (src, dst) = if inner_v6 {
            (last(src6), last(dst6))
        } else {
            (last(src4), last(dst4))
        };
        let innermost_transport = layers.iter().rev().find(|l| **l == "tcp" || **l == "udp");
        let fact = match innermost_transport {
            Some(&"tcp") if !stream.is_empty() => format!(
                "tcp {stream} {src} {} {dst} {} {}",
                last(tsport),
                last(tdport),
                last(tlen)
            ),
            Some(&"udp") => format!("udp {src} {} {dst} {}", last(usport), last(udport)),
            _ => "-".to_string(),
        };
        facts.insert(number.parse().expect("frame number"), fact);
    }
    facts
}

/// IPv6 addresses the way tshark prints them (Rust's Display agrees for these).
#[test]
fn every_encapsulation_reaches_the_inner_tcp_and_udp() {
    for case in cases() {
        let bytes = capture(&case);
        let (facts, layers) = ours(&bytes);
        for (n, fact) in &facts {
            assert_ne!(
                fact, "-",
                "{}: frame {n} not decoded to its transport",
                case.name
            );
        }
        for (i, l) in layers.iter().enumerate() {
            assert!(
                l.contains(&case.layer),
                "{}: frame {} layers {l:?} lack {:?}",
                case.name,
                i + 1,
                case.layer
            );
        }
        let report = analyze_bytes(&bytes, &Config::default());
        assert_eq!(report.tcp.connections.len(), 1, "{}", case.name);
        let conn = &report.tcp.connections[0];
        assert!(conn.handshake_completed, "{}", case.name);
        assert!(
            conn.client.ends_with(":40001") && conn.server.ends_with(":443"),
            "{}: {} -> {}",
            case.name,
            conn.client,
            conn.server
        );
        assert_eq!(conn.payload_bytes, 13, "{}", case.name);
        assert_eq!(report.capinfos.decode_problems.total(), 0, "{}", case.name);
    }
}

#[test]
fn encapsulations_match_tshark() {
    if !tshark_available() {
        eprintln!("encapsulations_match_tshark: skipped: tshark is not installed");
        return;
    }
    let dir = std::env::temp_dir().join(format!("pcaplens-encap-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let mut failures = Vec::new();
    for case in cases() {
        let bytes = capture(&case);
        let path: PathBuf = dir.join(format!("{}.pcap", case.name));
        std::fs::write(&path, &bytes).expect("write capture");
        let (facts, _) = ours(&bytes);
        let theirs = tshark_facts(&path);
        if facts != theirs {
            failures.push(format!(
                "{}:\n  ours   {facts:?}\n  tshark {theirs:?}",
                case.name
            ));
        }
        let report = analyze_bytes(&bytes, &Config::default());
        let flows = &report.flows;
        let our_convs: Vec<String> = flows
            .ip_conversations
            .iter()
            .chain(&flows.udp_conversations)
            .map(|c| conv_key(&c.a, &c.b, c.packets))
            .collect();
        let their_convs = tshark_conversations(&path);
        if sorted(our_convs.clone()) != sorted(their_convs.clone()) {
            failures.push(format!(
                "{} conversations:\n  ours   {our_convs:?}\n  tshark {their_convs:?}",
                case.name
            ));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

/// "a <-> b frames" with the endpoints in order and IPv6 brackets dropped (tshark prints none).
fn conv_key(a: &str, b: &str, frames: u64) -> String {
    let (a, b) = (a.replace(['[', ']'], ""), b.replace(['[', ']'], ""));
    let (a, b) = if a <= b { (a, b) } else { (b, a) };
    format!("{a} <-> {b} {frames}")
}

/// tshark's IPv4, IPv6 and UDP conversations.
fn tshark_conversations(path: &std::path::Path) -> Vec<String> {
    let out = Command::new("tshark")
        .args(["-n", "-q", "-r"])
        .arg(path)
        .args(["-z", "conv,ip", "-z", "conv,ipv6", "-z", "conv,udp"])
        .output()
        .expect("tshark runs");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut convs = Vec::new();
    for line in text.lines() {
        let t: Vec<&str> = line.split_whitespace().collect();
        if t.get(1) == Some(&"<->") {
            let frames: u64 = t
                .get(9)
                .and_then(|f| f.parse().ok())
                .expect("frames column");
            convs.push(conv_key(t[0], t[2], frames));
        }
    }
    convs
}

#[path = "common/mod.rs"]
mod common;

/// Frames pcaplens recognises but does not decode are counted per kind and warned about.
#[test]
fn encapsulations_not_decoded_are_counted_and_reported() {
    let inner = inner_packets(false, false);
    let wifi = Ieee80211Data {
        protected: true,
        ..Ieee80211Data::to_ap(MAC_A, MAC_B, [0x02, 0, 0, 0, 0, 9])
    };
    let too_deep: Vec<VlanTag> = (1..=20).map(VlanTag::dot1q).collect();
    let ethernet_frames = [
        outer_ip(
            "192.0.2.1",
            "192.0.2.2",
            47,
            &encap::gre(0x883e, None, None, &inner[0]),
        ),
        outer_ip(
            "192.0.2.1",
            "192.0.2.2",
            47,
            &encap::gre(0x883e, None, None, &inner[1]),
        ),
        outer_udp(50000, 2152, &inner[2]),
        encap::ethernet(MAC_A, MAC_B, &too_deep, ethertype::IPV4, &inner[3]),
        inner_packets(false, true)[4].clone(),
    ];
    let bytes = pcap_bytes(
        1,
        ethernet_frames
            .iter()
            .enumerate()
            .map(|(i, f)| ((1_700_000_000 + i as u64, 0), f.as_slice())),
    );
    let report = analyze_bytes(&bytes, &Config::default());
    let got: Vec<(&str, u64, u64)> = report
        .capinfos
        .not_decoded
        .iter()
        .map(|c| (c.what.as_str(), c.frames, c.first_frame))
        .collect();
    assert_eq!(
        got,
        [
            ("GRE protocol 0x883e", 2, 1),
            ("UDP tunnel on port 2152 (GTP-U)", 1, 3),
            ("more than 16 encapsulation layers", 1, 4),
        ]
    );
    assert!(report.capinfos.warnings.iter().any(|w| w
        == "2 frames of an encapsulation pcaplens does not decode: GRE protocol 0x883e (the \
            first is frame 1); they are analysed only as far as their outer layers go"));
    // The outer layers are still analysed: the GRE frames' IP pair and the GTP-U datagram.
    let flows = &report.flows;
    assert!(flows
        .ip_conversations
        .iter()
        .any(|c| c.a == "192.0.2.1" && c.packets == 3));
    assert_eq!(flows.udp_conversations.len(), 1);

    let wifi_frames = [wifi.frame(0, &[0x55; 40])];
    let bytes = pcap_bytes(105, wifi_frames.iter().map(|f| ((1, 0), f.as_slice())));
    let report = analyze_bytes(&bytes, &Config::default());
    assert_eq!(report.capinfos.not_decoded.len(), 1);
    assert_eq!(
        report.capinfos.not_decoded[0].what,
        "802.11 protected (encrypted) data"
    );
    assert!(report.capinfos.warnings[0].starts_with("1 frames of an encapsulation"));

    // An unknown link type is listed too (its own warning is the older one).
    let bytes = pcap_bytes(119, [((1, 0), &[0u8; 64][..])]);
    let report = analyze_bytes(&bytes, &Config::default());
    assert_eq!(
        report.capinfos.not_decoded[0].what,
        "link type IEEE802_11_PRISM (119)"
    );
}

/// Every corpus capture uses only link types and encapsulations pcaplens decodes: nothing may
/// be reported as not decoded.
#[test]
fn corpus_captures_have_no_frames_not_decoded() {
    let corpus = common::corpus("corpus_captures_have_no_frames_not_decoded");
    for (path, _) in &corpus {
        let report = common::analyze_file(path);
        assert!(
            report.capinfos.not_decoded.is_empty(),
            "{}: {:?}",
            path.display(),
            report.capinfos.not_decoded
        );
    }
    if !corpus.is_empty() {
        eprintln!("{} corpus captures: nothing not decoded", corpus.len());
    }
}

/// A frame whose IP length claims more than the frame carries: tcp.len is what the frame has
/// (tshark's rule), so the next segment is not taken for a retransmission.
#[test]
fn ip_lengths_beyond_the_frame_are_cut_to_it() {
    for v6 in [false, true] {
        let (c, s) = if v6 {
            (sock("[2001:db8:1::10]:40001"), sock("[2001:db8:2::20]:80"))
        } else {
            (sock("10.1.0.10:40001"), sock("10.2.0.20:80"))
        };
        let tcp = |flags, seq, ack| Tcp {
            ack,
            ..Tcp::new(0, 0, seq, flags)
        };
        let mut packets = [
            Packet::tcp(c, s, tcp(TcpFlags::SYN, 1000, 0), b""),
            Packet::tcp(s, c, tcp(TcpFlags::SYN_ACK, 5000, 1001), b""),
            Packet::tcp(c, s, tcp(TcpFlags::ACK, 1001, 5001), b""),
            Packet::tcp(c, s, tcp(TcpFlags::PSH_ACK, 1001, 5001), b"0123456789"),
            Packet::tcp(c, s, tcp(TcpFlags::PSH_ACK, 1011, 5001), b"abcdefghij"),
            Packet::tcp(s, c, tcp(TcpFlags::ACK, 5001, 1021), b""),
        ];
        match &mut packets[3].network {
            Network::Ipv4(h) => h.total_length = Some(20 + 20 + 10 + 200),
            Network::Ipv6(h) => h.payload_length = Some(20 + 10 + 200),
            Network::Ethertype(_) => unreachable!(),
        }
        let frames: Vec<Vec<u8>> = packets.iter().map(|p| p.to_vec()).collect();
        let bytes = pcap_bytes(
            1,
            frames
                .iter()
                .enumerate()
                .map(|(i, f)| ((1_700_000_000 + i as u64, 0), f.as_slice())),
        );
        let (facts, _) = ours(&bytes);
        assert!(facts[&4].ends_with(" 10"), "{v6}: {}", facts[&4]);
        let report = analyze_bytes(&bytes, &Config::default());
        assert!(
            report.tcp.issues.is_empty(),
            "{v6}: {:?}",
            report.tcp.issues
        );
        assert_eq!(report.tcp.connections[0].payload_bytes, 20);
        if tshark_available() {
            let path = std::env::temp_dir().join(format!(
                "pcaplens-encap-len-{}-{v6}.pcap",
                std::process::id()
            ));
            std::fs::write(&path, &bytes).expect("write capture");
            let theirs = tshark_facts(&path);
            let _ = std::fs::remove_file(&path);
            assert_eq!(facts, theirs, "{v6}");
        } else {
            eprintln!("ip_lengths_beyond_the_frame_are_cut_to_it: tshark comparison skipped");
        }
    }
}

/// DNS and SIP quoted inside ICMP errors (plain, and inside a tunnel) are not messages.
#[test]
fn messages_quoted_in_icmp_errors_are_not_counted() {
    use pcaplens_synth::dns::Message as DnsMessage;
    use pcaplens_synth::packet::Icmp;
    let query = DnsMessage::query(0x1234, "example.org", 1).to_bytes();
    let sip = b"INVITE sip:bob@example.org SIP/2.0\r\nCall-ID: q1@x\r\nCSeq: 1 INVITE\r\n\r\n";
    let mut frames = Vec::new();
    for (v6, payload) in [
        (false, &query[..]),
        (true, &query[..]),
        (false, &sip[..]),
        (true, &sip[..]),
    ] {
        let (c, s, port) = if v6 {
            ("[2001:db8::1]:5353", "[2001:db8::2]", 53)
        } else {
            ("10.0.0.1:5353", "10.0.0.2", 53)
        };
        let port = if payload.starts_with(b"INVITE") {
            5060
        } else {
            port
        };
        let dst = sock(&format!("{s}:{port}"));
        let quoted = Packet::udp(sock(c), dst, payload)
            .with_link(Link::Raw)
            .to_vec();
        let icmp = if v6 {
            Icmp::v6_dest_unreachable(4)
        } else {
            Icmp::dest_unreachable(3)
        };
        let error = Packet::icmp(dst.ip(), sock(c).ip(), icmp, &quoted);
        frames.push(error.to_vec());
        // The same error carried in GRE.
        let inner = error.with_link(Link::Raw).to_vec();
        frames.push(outer_ip(
            "192.0.2.1",
            "192.0.2.2",
            47,
            &encap::gre(
                if v6 { ethertype::IPV6 } else { ethertype::IPV4 },
                None,
                None,
                &inner,
            ),
        ));
    }
    let bytes = pcap_bytes(
        1,
        frames
            .iter()
            .enumerate()
            .map(|(i, f)| ((1_700_000_000 + i as u64, 0), f.as_slice())),
    );
    let report = analyze_bytes(&bytes, &Config::default());
    assert_eq!(
        report.dns.queries + report.dns.responses,
        0,
        "{:?}",
        report.dns.messages
    );
    assert!(report.dns.messages.is_empty());
    assert!(report.sip.messages.is_empty(), "{:?}", report.sip.messages);
    let quoted = report
        .icmp
        .messages
        .iter()
        .filter(|m| m.quoted.is_some())
        .count();
    assert_eq!(quoted, 8);
}
