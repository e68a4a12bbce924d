//! Link-layer headers: Ethernet II with any number of 802.1Q / 802.1ad tags, Linux cooked
//! captures (SLL and SLL2), BSD null/loopback, and raw IP (no header).

use crate::pcap::linktype;

/// A MAC address.
pub type Mac = [u8; 6];

/// EtherType values the builders use.
pub mod ethertype {
    pub const IPV4: u16 = 0x0800;
    pub const ARP: u16 = 0x0806;
    pub const VLAN: u16 = 0x8100;
    pub const QINQ: u16 = 0x88a8;
    pub const IPV6: u16 = 0x86dd;
}

/// Linux cooked-capture packet types (sll_pkttype).
pub mod packet_type {
    pub const HOST: u16 = 0;
    pub const BROADCAST: u16 = 1;
    pub const MULTICAST: u16 = 2;
    pub const OTHERHOST: u16 = 3;
    pub const OUTGOING: u16 = 4;
}

/// One VLAN tag; `tpid` is 0x8100 for 802.1Q, 0x88a8 for an 802.1ad service tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VlanTag {
    pub tpid: u16,
    pub pcp: u8,
    pub dei: bool,
    pub vid: u16,
}

impl VlanTag {
    /// An 802.1Q customer tag.
    pub fn dot1q(vid: u16) -> Self {
        VlanTag {
            tpid: ethertype::VLAN,
            pcp: 0,
            dei: false,
            vid,
        }
    }
    /// An 802.1ad service (outer QinQ) tag.
    pub fn dot1ad(vid: u16) -> Self {
        VlanTag {
            tpid: ethertype::QINQ,
            pcp: 0,
            dei: false,
            vid,
        }
    }
    fn tci(&self) -> u16 {
        (u16::from(self.pcp & 7) << 13) | (u16::from(self.dei) << 12) | (self.vid & 0x0fff)
    }
}

/// The link-layer header of a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Link {
    /// Ethernet II; `vlans` are written outermost first.
    Ethernet {
        src: Mac,
        dst: Mac,
        vlans: Vec<VlanTag>,
    },
    /// LINKTYPE_LINUX_SLL (16 bytes). `addr` holds `addr_len` significant bytes.
    Sll {
        packet_type: u16,
        arphrd: u16,
        addr_len: u16,
        addr: [u8; 8],
    },
    /// LINKTYPE_LINUX_SLL2 (20 bytes).
    Sll2 {
        packet_type: u8,
        arphrd: u16,
        if_index: u32,
        addr_len: u8,
        addr: [u8; 8],
    },
    /// LINKTYPE_NULL (host byte order, `big_endian` picks it) or LINKTYPE_LOOP (always big
    /// endian). `family` None derives 2 for IPv4 and 24 (BSD AF_INET6) for IPv6.
    Null {
        family: Option<u32>,
        big_endian: bool,
    },
    /// No header: LINKTYPE_RAW / IPV4 / IPV6, or an IP packet quoted inside ICMP.
    Raw,
}

impl Link {
    /// Ethernet II without tags.
    pub fn ethernet(src: Mac, dst: Mac) -> Self {
        Link::Ethernet {
            src,
            dst,
            vlans: Vec::new(),
        }
    }
    /// A cooked (SLL) header for an Ethernet device, as `tcpdump -i any` writes.
    pub fn sll(packet_type: u16, mac: Mac) -> Self {
        let mut addr = [0u8; 8];
        addr[..6].copy_from_slice(&mac);
        Link::Sll {
            packet_type,
            arphrd: 1,
            addr_len: 6,
            addr,
        }
    }
    /// A cooked v2 (SLL2) header for an Ethernet device.
    pub fn sll2(packet_type: u8, if_index: u32, mac: Mac) -> Self {
        let mut addr = [0u8; 8];
        addr[..6].copy_from_slice(&mac);
        Link::Sll2 {
            packet_type,
            arphrd: 1,
            if_index,
            addr_len: 6,
            addr,
        }
    }

    /// The LINKTYPE_* a file of such frames declares.
    pub fn link_type(&self) -> u32 {
        match self {
            Link::Ethernet { .. } => linktype::ETHERNET,
            Link::Sll { .. } => linktype::LINUX_SLL,
            Link::Sll2 { .. } => linktype::LINUX_SLL2,
            Link::Null { .. } => linktype::NULL,
            Link::Raw => linktype::RAW,
        }
    }

    /// Header length in bytes.
    pub fn header_len(&self) -> usize {
        match self {
            Link::Ethernet { vlans, .. } => 14 + 4 * vlans.len(),
            Link::Sll { .. } => 16,
            Link::Sll2 { .. } => 20,
            Link::Null { .. } => 4,
            Link::Raw => 0,
        }
    }

    /// Appends the header for a payload of type `ethertype` (`ip_version` feeds the null
    /// header's address family: 4, 6 or 0 for anything else).
    pub(crate) fn write(&self, out: &mut Vec<u8>, ethertype: u16, ip_version: u8) {
        match self {
            Link::Ethernet { src, dst, vlans } => {
                out.extend_from_slice(dst);
                out.extend_from_slice(src);
                for v in vlans {
                    out.extend_from_slice(&v.tpid.to_be_bytes());
                    out.extend_from_slice(&v.tci().to_be_bytes());
                }
                out.extend_from_slice(&ethertype.to_be_bytes());
            }
            Link::Sll {
                packet_type,
                arphrd,
                addr_len,
                addr,
            } => {
                out.extend_from_slice(&packet_type.to_be_bytes());
                out.extend_from_slice(&arphrd.to_be_bytes());
                out.extend_from_slice(&addr_len.to_be_bytes());
                out.extend_from_slice(addr);
                out.extend_from_slice(&ethertype.to_be_bytes());
            }
            Link::Sll2 {
                packet_type,
                arphrd,
                if_index,
                addr_len,
                addr,
            } => {
                out.extend_from_slice(&ethertype.to_be_bytes());
                out.extend_from_slice(&[0, 0]);
                out.extend_from_slice(&if_index.to_be_bytes());
                out.extend_from_slice(&arphrd.to_be_bytes());
                out.push(*packet_type);
                out.push(*addr_len);
                out.extend_from_slice(addr);
            }
            Link::Null { family, big_endian } => {
                let f = family.unwrap_or(match ip_version {
                    4 => 2,
                    6 => 24,
                    _ => 0,
                });
                if *big_endian {
                    out.extend_from_slice(&f.to_be_bytes());
                } else {
                    out.extend_from_slice(&f.to_le_bytes());
                }
            }
            Link::Raw => {}
        }
    }
}
