//! Link layers: Ethernet (with 802.1Q / QinQ, via etherparse), Linux SLL and SLL2, raw IP,
//! BSD null / loopback; PPP, PPP-in-HDLC, PPPoE, Cisco HDLC and the 802.11 link types are
//! handed to `encap::walk`. Everything here only locates the
//! network-layer bytes.

use crate::capture::LinkType;

use super::encap::Next;
use super::Problem;

/// Link-layer facts kept for analyzers (VLAN ids, MAC addresses).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Link {
    pub src_mac: Option<[u8; 6]>,
    pub dst_mac: Option<[u8; 6]>,
    /// Up to two VLAN ids, outer first.
    pub vlan_ids: [u16; 2],
    pub vlan_count: u8,
    /// Protocol carried, when the link header says so directly (SLL/SLL2); Ethernet leaves it `None`
    /// except for ARP (0x0806).
    pub ether_type: Option<u16>,
}

impl Link {
    pub(crate) fn push_vlan(&mut self, id: u16) {
        if let Some(slot) = self.vlan_ids.get_mut(usize::from(self.vlan_count)) {
            *slot = id;
        }
        self.vlan_count = self.vlan_count.saturating_add(1);
    }
}

/// What follows the link header.
pub(crate) enum LinkPayload<'a> {
    /// A whole Ethernet frame, for etherparse (handles VLAN tags itself).
    Ethernet(&'a [u8]),
    /// Bytes identified by an EtherType.
    EtherType(u16, &'a [u8]),
    /// A bare IPv4/IPv6 packet.
    Ip(&'a [u8]),
    /// A link header the encapsulation walk reads (PPP, 802.11...).
    Walk(Next),
    /// Nothing decodable.
    None(Option<Problem>),
}

mod field {
    pub const SLL_LEN: usize = 16;
    pub const SLL_PROTOCOL: usize = 14;
    pub const SLL_ADDR: usize = 6;
    pub const SLL2_LEN: usize = 20;
    pub const SLL2_PROTOCOL: usize = 0;
    pub const SLL2_ADDR: usize = 12;
    pub const NULL_LEN: usize = 4;
}

pub(crate) fn decode_link<'a>(
    link_type: LinkType,
    data: &'a [u8],
    link: &mut Link,
) -> LinkPayload<'a> {
    match link_type {
        LinkType::ETHERNET => LinkPayload::Ethernet(data),
        LinkType::LINUX_SLL => {
            let Some(hdr) = data.get(..field::SLL_LEN) else {
                return LinkPayload::None(Some(Problem::LinkTruncated));
            };
            if let Some(mac) = hdr.get(field::SLL_ADDR..field::SLL_ADDR + 6) {
                let mut m = [0u8; 6];
                m.copy_from_slice(mac);
                link.src_mac = Some(m);
            }
            let proto =
                u16::from_be_bytes([hdr[field::SLL_PROTOCOL], hdr[field::SLL_PROTOCOL + 1]]);
            link.ether_type = Some(proto);
            LinkPayload::EtherType(proto, &data[field::SLL_LEN..])
        }
        LinkType::LINUX_SLL2 => {
            let Some(hdr) = data.get(..field::SLL2_LEN) else {
                return LinkPayload::None(Some(Problem::LinkTruncated));
            };
            let mut m = [0u8; 6];
            m.copy_from_slice(&hdr[field::SLL2_ADDR..field::SLL2_ADDR + 6]);
            link.src_mac = Some(m);
            let proto =
                u16::from_be_bytes([hdr[field::SLL2_PROTOCOL], hdr[field::SLL2_PROTOCOL + 1]]);
            link.ether_type = Some(proto);
            LinkPayload::EtherType(proto, &data[field::SLL2_LEN..])
        }
        LinkType::RAW | LinkType::RAW_OLD_12 | LinkType::RAW_OLD_14 => match data.first() {
            Some(b) if b >> 4 == 4 || b >> 4 == 6 => LinkPayload::Ip(data),
            Some(_) => LinkPayload::None(Some(Problem::BadIp)),
            None => LinkPayload::None(Some(Problem::LinkTruncated)),
        },
        LinkType::IPV4 | LinkType::IPV6 => LinkPayload::Ip(data),
        LinkType::NULL | LinkType::LOOP => {
            let Some(hdr) = data.get(..field::NULL_LEN) else {
                return LinkPayload::None(Some(Problem::LinkTruncated));
            };
            let be = u32::from_be_bytes([hdr[0], hdr[1], hdr[2], hdr[3]]);
            let le = u32::from_le_bytes([hdr[0], hdr[1], hdr[2], hdr[3]]);
            // NULL stores the address family in the capturing host's byte order; accept either.
            // AF_INET is 2 everywhere; AF_INET6 is 10 (Linux), 24 (BSD), 28 (FreeBSD), 30 (macOS).
            let family = if be < 0x100 { be } else { le };
            let payload = &data[field::NULL_LEN..];
            match family {
                2 | 10 | 24 | 28 | 30 => LinkPayload::Ip(payload),
                _ => LinkPayload::None(None),
            }
        }
        // PPP (9) and PPP in HDLC framing (50) are read alike, as Wireshark does.
        LinkType(9 | 50) => LinkPayload::Walk(Next::Ppp(0)),
        LinkType(51) => LinkPayload::Walk(Next::Pppoe(0)),
        LinkType(104) => LinkPayload::Walk(Next::CiscoHdlc(0)),
        // Plain 802.11: Wireshark assumes no FCS.
        LinkType(105) => LinkPayload::Walk(Next::Ieee80211(0, false)),
        LinkType(127) => LinkPayload::Walk(Next::Radiotap(0)),
        LinkType(192) => LinkPayload::Walk(Next::Ppi(0)),
        LinkType(other) => LinkPayload::None(Some(Problem::UnknownLinkType(other))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::capture::{Frame, Timestamp};
    use crate::decode::{decode_frame, Transport};
    use pcaplens_synth::packet::{Link as SynthLink, Packet as SynthPacket};

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

    fn udp_over(link: SynthLink) -> (u32, Vec<u8>) {
        let p = SynthPacket::udp(
            "192.0.2.1:1000".parse().unwrap(),
            "192.0.2.2:53".parse().unwrap(),
            b"payload",
        )
        .with_link(link);
        (p.link_type(), p.to_vec())
    }

    #[test]
    fn every_supported_link_type_reaches_udp() {
        let mac = [2, 0, 0, 0, 0, 9];
        for link in [
            SynthLink::ethernet(mac, mac),
            SynthLink::sll(0, mac),
            SynthLink::sll2(0, 4, mac),
            SynthLink::Raw,
            SynthLink::Null {
                family: None,
                big_endian: false,
            },
            SynthLink::Null {
                family: None,
                big_endian: true,
            },
        ] {
            let (lt, bytes) = udp_over(link.clone());
            let p = decode_frame(&frame(lt, &bytes));
            assert_eq!(p.problem, None, "{link:?}");
            let ip = p.ip.as_ref().expect("ip");
            assert_eq!(ip.src.to_string(), "192.0.2.1");
            let Transport::Udp(u) = &p.transport else {
                panic!("{link:?}: {:?}", p.transport)
            };
            assert_eq!(
                (u.src_port, u.dst_port, u.payload),
                (1000, 53, &b"payload"[..])
            );
        }
        // The IPv4/IPv6 link types and LOOP (always big-endian).
        let (_, raw) = udp_over(SynthLink::Raw);
        assert!(decode_frame(&frame(228, &raw)).udp().is_some());
        let mut looped = vec![0, 0, 0, 2];
        looped.extend_from_slice(&raw);
        assert!(decode_frame(&frame(108, &looped)).udp().is_some());
    }

    #[test]
    fn sll_records_the_protocol_and_address() {
        let mac = [2, 0, 0, 0, 0, 9];
        let (_, bytes) = udp_over(SynthLink::sll(4, mac));
        let mut link = Link::default();
        let LinkPayload::EtherType(proto, rest) =
            decode_link(LinkType::LINUX_SLL, &bytes, &mut link)
        else {
            panic!("not an ethertype payload")
        };
        assert_eq!(proto, 0x0800);
        assert_eq!(rest.first().map(|b| b >> 4), Some(4));
        assert_eq!(link.src_mac, Some(mac));
        assert_eq!(link.ether_type, Some(0x0800));
    }

    #[test]
    fn cut_headers_and_unknown_types_are_problems_not_panics() {
        let (_, sll2) = udp_over(SynthLink::sll2(0, 4, [1; 6]));
        for (lt, data, want) in [
            (113u32, &sll2[..10], Problem::LinkTruncated),
            (276, &sll2[..19], Problem::LinkTruncated),
            (0, &[2u8, 0][..], Problem::LinkTruncated),
            (101, &[][..], Problem::LinkTruncated),
            (101, &[0x12u8, 0, 0][..], Problem::BadIp),
            (1, &[0u8; 5][..], Problem::LinkTruncated),
            (999, &sll2[..], Problem::UnknownLinkType(999)),
            (147, &sll2[..], Problem::UnknownLinkType(147)),
        ] {
            let p = decode_frame(&frame(lt, data));
            assert_eq!(
                p.problem,
                Some(want),
                "link type {lt}, {} bytes",
                data.len()
            );
            assert!(p.ip.is_none());
        }
        // A NULL header with a family that is not IP: nothing to decode, and no problem either.
        let p = decode_frame(&frame(0, &[7, 0, 0, 0, 1, 2, 3]));
        assert_eq!((p.problem, p.ip.is_none()), (None, true));
    }

    #[test]
    fn vlan_ids_are_kept() {
        use pcaplens_synth::packet::VlanTag;
        let link = SynthLink::Ethernet {
            src: [2, 0, 0, 0, 0, 1],
            dst: [2, 0, 0, 0, 0, 2],
            vlans: vec![VlanTag::dot1ad(100), VlanTag::dot1q(200)],
        };
        let (lt, bytes) = udp_over(link);
        let p = decode_frame(&frame(lt, &bytes));
        assert_eq!(p.link.vlan_count, 2);
        assert_eq!(p.link.vlan_ids, [100, 200]);
        assert!(p.udp().is_some());
    }

    #[test]
    fn ipv6_extension_walk_is_bounds_checked() {
        use crate::decode::ipv6_fragment;
        // Hop-by-hop (8 bytes) then a fragment header: offset 185*8, more fragments, id 0xdeadbeef.
        let mut ext = vec![44, 0, 1, 4, 0, 0, 0, 0];
        ext.extend_from_slice(&[17, 0, 0x05, 0xc9, 0xde, 0xad, 0xbe, 0xef]);
        let (id, frag) = ipv6_fragment(0, &ext);
        assert_eq!(id, 0xdead_beef);
        let frag = frag.unwrap();
        assert_eq!((frag.offset, frag.more_fragments), (185 * 8, true));
        // Chains that claim more than is there end quietly.
        for cut in 0..ext.len() {
            let _ = ipv6_fragment(0, &ext[..cut]);
        }
        assert_eq!(ipv6_fragment(0, &[44, 200]), (0, None));
        assert_eq!(ipv6_fragment(51, &[44, 255, 0, 0]), (0, None));
        // An IPv6 packet whose extension chain is cut inside a hop-by-hop header (etherparse's
        // own iterator read out of bounds here).
        let mut ip6 = vec![0x60, 0, 0, 0, 0, 16, 0, 64];
        ip6.extend_from_slice(&[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
        ip6.extend_from_slice(&[0x20, 1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
        ip6.extend_from_slice(&[0, 0, 1, 4, 0, 0, 0, 0, 0, 1, 1, 4, 0, 0, 0, 0]);
        let p = decode_frame(&frame(101, &ip6));
        assert!(p.ip.is_some());
    }
}
