//! Hand-written decoding of the common, well-formed case: Ethernet (up to two VLAN tags), Linux
//! SLL/SLL2 or raw IP, then an unfragmented IPv4 packet or an IPv6 packet without extension
//! headers, carrying a complete TCP or UDP header.
//!
//! It gives exactly what the general path (etherparse's lax slicer + `fill_from_sliced`) gives
//! for those frames, about six times cheaper, and `None` for anything else (other protocols,
//! fragments, extension headers, cut or odd headers, zero lengths), which then goes through the
//! general path. `tests::fast_path_equals_general_path` checks the equality on every truncation
//! and on byte mutations of frames of every supported shape.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::encap::{self, Encapsulation, LayerKind};
use super::link::{Link, LinkPayload};
use super::{tcp, udp_payload_len, Ip, Transport, Udp};

const ETHERNET_HEADER: usize = 14;
const VLAN_HEADER: usize = 4;
const IPV4_MIN_HEADER: usize = 20;
const IPV6_HEADER: usize = 40;
const TCP_MIN_HEADER: usize = 20;
const UDP_HEADER: usize = 8;

const ETHERTYPE_IPV4: u16 = 0x0800;
const ETHERTYPE_IPV6: u16 = 0x86dd;
const ETHERTYPE_VLAN: u16 = 0x8100;
const ETHERTYPE_QINQ: u16 = 0x88a8;
const ETHERTYPE_VLAN_DOUBLE: u16 = 0x9100;

const PROTO_TCP: u8 = 6;
const PROTO_UDP: u8 = 17;

#[inline(always)]
fn be16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at + 2)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

#[inline(always)]
fn be32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

#[inline(always)]
fn array<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    b.get(at..at + N)?.try_into().ok()
}

/// The network-layer bytes of a frame whose link layer the fast path understands, with `link`
/// completed (MAC addresses, VLAN ids) and the VLAN tags recorded in `encap` as the general
/// path would.
#[inline(always)]
pub(super) fn network_bytes<'a>(
    payload: &LinkPayload<'a>,
    link: &mut Link,
    encap: &mut Encapsulation,
) -> Option<&'a [u8]> {
    match *payload {
        LinkPayload::Ethernet(frame) => {
            let dst_mac = array::<6>(frame, 0)?;
            let src_mac = array::<6>(frame, 6)?;
            let mut ether_type = be16(frame, 12)?;
            let mut at = ETHERNET_HEADER;
            // etherparse keeps at most three link extensions; two tags are plenty here.
            for _ in 0..2 {
                if !matches!(
                    ether_type,
                    ETHERTYPE_VLAN | ETHERTYPE_QINQ | ETHERTYPE_VLAN_DOUBLE
                ) {
                    break;
                }
                let tci = be16(frame, at)?;
                ether_type = be16(frame, at + 2)?;
                link.push_vlan(tci & 0x0fff);
                encap.push(LayerKind::Vlan, at);
                at += VLAN_HEADER;
            }
            if !matches!(ether_type, ETHERTYPE_IPV4 | ETHERTYPE_IPV6) {
                return None;
            }
            link.src_mac = Some(src_mac);
            link.dst_mac = Some(dst_mac);
            frame.get(at..)
        }
        LinkPayload::EtherType(ETHERTYPE_IPV4 | ETHERTYPE_IPV6, bytes) => Some(bytes),
        LinkPayload::Ip(bytes) => Some(bytes),
        _ => None,
    }
}

/// Decodes an IP packet carrying TCP or UDP; `None` for anything the fast path leaves to the
/// general one (including UDP on a tunnel's port). `reported` is what the frame reports from
/// the IP header on: a length field claiming more is cut to it, as tshark does.
#[inline(always)]
pub(super) fn ip_transport(b: &[u8], reported: usize) -> Option<(Ip<'_>, Transport<'_>)> {
    let reported = u32::try_from(reported).unwrap_or(u32::MAX);
    let first = *b.first()?;
    let (ip, payload_len) = match first >> 4 {
        4 => {
            let header_len = usize::from(first & 0x0f) * 4;
            if header_len < IPV4_MIN_HEADER || b.len() < header_len {
                return None;
            }
            let total_len = usize::from(be16(b, 2)?);
            // A total length below the header (TSO captures write 0) takes the general path.
            if total_len < header_len {
                return None;
            }
            let frag = be16(b, 6)?;
            // More-fragments flag or a fragment offset: fragments take the general path.
            if frag & 0x3fff != 0 {
                return None;
            }
            let protocol = b[9];
            if protocol != PROTO_TCP && protocol != PROTO_UDP {
                return None;
            }
            let payload = b.get(header_len..total_len.min(b.len()))?;
            let payload_len =
                ((total_len - header_len) as u32).min(reported.saturating_sub(header_len as u32));
            let ip = Ip {
                version: 4,
                src: IpAddr::V4(Ipv4Addr::from(array::<4>(b, 12)?)),
                dst: IpAddr::V4(Ipv4Addr::from(array::<4>(b, 16)?)),
                protocol,
                ttl: b[8],
                ident: u32::from(be16(b, 4)?),
                fragment: None,
                payload_len,
                payload,
            };
            (ip, payload_len)
        }
        6 => {
            if b.len() < IPV6_HEADER {
                return None;
            }
            let declared = usize::from(be16(b, 4)?);
            // Zero (jumbogram or offload) takes the general path.
            if declared == 0 {
                return None;
            }
            let next_header = b[6];
            // Extension headers take the general path.
            if next_header != PROTO_TCP && next_header != PROTO_UDP {
                return None;
            }
            let payload = b.get(IPV6_HEADER..(IPV6_HEADER + declared).min(b.len()))?;
            let payload_len = (declared as u32).min(reported.saturating_sub(IPV6_HEADER as u32));
            let ip = Ip {
                version: 6,
                src: IpAddr::V6(Ipv6Addr::from(array::<16>(b, 8)?)),
                dst: IpAddr::V6(Ipv6Addr::from(array::<16>(b, 24)?)),
                protocol: next_header,
                ttl: b[7],
                ident: 0,
                fragment: None,
                payload_len,
                payload,
            };
            (ip, payload_len)
        }
        _ => return None,
    };
    let p = ip.payload;
    let transport = if ip.protocol == PROTO_TCP {
        let data_offset = *p.get(12)? >> 4;
        let header_len = usize::from(data_offset) * 4;
        if header_len < TCP_MIN_HEADER || p.len() < header_len {
            return None;
        }
        let header = &p[..header_len];
        Transport::Tcp(tcp::Segment {
            src_port: be16(p, 0)?,
            dst_port: be16(p, 2)?,
            seq: be32(p, 4)?,
            ack: be32(p, 8)?,
            flags: tcp::Flags::from_header(header),
            window: be16(p, 14)?,
            header_len: header_len as u8,
            options: &header[TCP_MIN_HEADER..],
            seglen: payload_len.saturating_sub(header_len as u32),
            payload: &p[header_len..],
        })
    } else {
        if p.len() < UDP_HEADER {
            return None;
        }
        let (src_port, dst_port) = (be16(p, 0)?, be16(p, 2)?);
        if encap::udp_tunnel(src_port, dst_port).is_some() {
            return None;
        }
        let udp_len = be16(p, 4)?;
        let udp_len_usize = usize::from(udp_len);
        // etherparse's lax UDP slice: the length field when it fits, else the whole payload.
        let datagram = if p.len() < udp_len_usize || udp_len_usize < UDP_HEADER {
            p
        } else {
            &p[..udp_len_usize]
        };
        Transport::Udp(Udp {
            src_port,
            dst_port,
            payload_len: udp_payload_len(u32::from(udp_len), payload_len),
            payload: &datagram[UDP_HEADER..],
        })
    };
    Some((ip, transport))
}

#[cfg(test)]
mod tests {
    use crate::capture::{Frame, LinkType, Timestamp};
    use crate::decode::{decode_frame, decode_general, FrameMeta};
    use pcaplens_synth::packet::{
        Ipv6Extension, Link as SynthLink, Network, Packet as SynthPacket, Tcp, TcpFlags, TcpOption,
        VlanTag,
    };

    /// Frames of every shape the fast path takes, and neighbours it must refuse.
    fn shapes() -> Vec<(u32, Vec<u8>)> {
        let mac = [2, 0, 0, 0, 0, 9];
        let links = [
            SynthLink::ethernet(mac, [2, 0, 0, 0, 0, 1]),
            SynthLink::Ethernet {
                src: mac,
                dst: mac,
                vlans: vec![VlanTag::dot1q(100)],
            },
            SynthLink::Ethernet {
                src: mac,
                dst: mac,
                vlans: vec![VlanTag::dot1ad(7), VlanTag::dot1q(200)],
            },
            SynthLink::Ethernet {
                src: mac,
                dst: mac,
                vlans: vec![VlanTag::dot1ad(7), VlanTag::dot1q(8), VlanTag::dot1q(9)],
            },
            SynthLink::sll(0, mac),
            SynthLink::sll2(0, 3, mac),
            SynthLink::Raw,
            SynthLink::Null {
                family: None,
                big_endian: false,
            },
        ];
        let options = [
            TcpOption::Mss(1460),
            TcpOption::SackPermitted,
            TcpOption::Timestamps { val: 1, ecr: 2 },
        ];
        let mut out = Vec::new();
        for link in links {
            for (src, dst) in [
                ("192.0.2.1:1000", "192.0.2.2:443"),
                ("[2001:db8::1]:1000", "[2001:db8::2]:53"),
            ] {
                let (src, dst) = (src.parse().unwrap(), dst.parse().unwrap());
                let mut tcp = Tcp::new(0, 0, 0x01020304, TcpFlags::PSH_ACK);
                tcp.ack = 0x0a0b0c0d;
                tcp.options = &options;
                let packets = [
                    SynthPacket::tcp(src, dst, tcp, b"hello tcp payload"),
                    SynthPacket::tcp(src, dst, Tcp::new(0, 0, 9, TcpFlags::SYN), b""),
                    SynthPacket::udp(src, dst, b"udp payload bytes"),
                ];
                for p in packets {
                    let mut p = p.with_link(link.clone());
                    out.push((p.link_type(), p.to_vec()));
                    // IPv4 with options, IPv6 with a hop-by-hop header (general path).
                    match &mut p.network {
                        Network::Ipv4(v4) => v4.options = vec![1, 1, 1, 0],
                        Network::Ipv6(v6) => {
                            v6.extensions = vec![Ipv6Extension::HopByHop(vec![1, 0])]
                        }
                        Network::Ethertype(_) => {}
                    }
                    out.push((p.link_type(), p.to_vec()));
                }
            }
        }
        out
    }

    fn both(link_type: u32, data: &[u8]) -> (String, String) {
        let frame = Frame {
            number: 3,
            ts: Timestamp::default(),
            has_ts: true,
            pcapng: false,
            interface: 0,
            link_type: LinkType(link_type),
            orig_len: data.len() as u32 + 4,
            data,
            comments: &[],
        };
        let meta = FrameMeta {
            number: frame.number,
            ts: frame.ts,
            interface: frame.interface,
            link_type: frame.link_type,
            cap_len: data.len() as u32,
            orig_len: frame.orig_len,
        };
        (
            format!("{:?}", decode_frame(&frame)),
            format!("{:?}", decode_general(meta, &frame)),
        )
    }

    #[test]
    fn fast_path_equals_general_path() {
        let mut fast_taken = 0;
        let mut checked = 0;
        for (link_type, frame) in shapes() {
            let mut check = |data: &[u8]| {
                let (fast, general) = both(link_type, data);
                assert_eq!(fast, general, "link type {link_type}, frame {data:02x?}");
                checked += 1;
            };
            for cut in 0..=frame.len() {
                check(&frame[..cut]);
            }
            // Every byte of the headers set to values that hit the edge cases (lengths, version
            // and header-length nibbles, flags, protocol numbers, EtherTypes).
            let headers = frame.len().min(100);
            for at in 0..headers {
                for v in [0x00, 0xff, 0x45, 0x60, 0x06, 0x11, 0x20, 0x3f, 0x81, 0x08] {
                    let mut m = frame.clone();
                    m[at] = v;
                    check(&m);
                    check(&m[..m.len() - 3]);
                    m[at] = frame[at] ^ 0x0f;
                    check(&m);
                }
            }
            let mut link = crate::decode::link::Link::default();
            let mut encap = crate::decode::encap::Encapsulation::default();
            let payload = crate::decode::link::decode_link(LinkType(link_type), &frame, &mut link);
            if super::network_bytes(&payload, &mut link, &mut encap)
                .and_then(|b| super::ip_transport(b, usize::MAX))
                .is_some()
            {
                fast_taken += 1;
            }
        }
        assert!(checked > 10_000, "{checked}");
        // Unmutated: 7 links × (TCP, SYN, UDP) × (IPv4, IPv4 with options, IPv6) take the
        // fast path; the triple VLAN tag and IPv6 extension headers do not.
        assert_eq!(fast_taken, 7 * 3 * 3);
    }
}
