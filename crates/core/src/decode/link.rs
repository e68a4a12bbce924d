//! Link layers: Ethernet (with 802.1Q / QinQ, via etherparse), Linux SLL and SLL2, raw IP,
//! BSD null / loopback. Everything here only locates the network-layer bytes.

use crate::capture::LinkType;

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
        LinkType(other) => LinkPayload::None(Some(Problem::UnknownLinkType(other))),
    }
}
