//! Encapsulation headers, each wrapping the bytes of an inner packet: VLAN stacks, PPPoE and
//! PPP, Cisco HDLC, MPLS (with an optional pseudowire control word), GRE (v0 and PPTP's v1),
//! ERSPAN, VXLAN, VXLAN-GPE, Geneve, GTP-U, L2TPv2, Teredo, 802.11 data frames with LLC/SNAP,
//! radiotap and PPI.
//!
//! Inner packets come from [`Packet`](super::Packet) with [`Link::Raw`](super::Link::Raw)
//! (an IP packet) or an Ethernet link (an Ethernet frame); outer IP/UDP headers from a
//! `Packet` whose payload is the wrapped bytes and whose transport is
//! [`Transport::None`](super::Transport::None) with the tunnel's protocol number (4, 41, 47)
//! or UDP to the tunnel's port.
//!
//! ```
//! use pcaplens_synth::packet::{encap, Link, Network, Packet, Transport};
//! let inner = Packet::udp("10.1.0.1:5000".parse().unwrap(), "10.1.0.2:53".parse().unwrap(), b"q")
//!     .with_link(Link::Raw)
//!     .to_vec();
//! let gre = encap::gre(encap::ethertype::IPV4, None, None, &inner);
//! let outer = Packet {
//!     link: Link::ethernet([2, 0, 0, 0, 0, 1], [2, 0, 0, 0, 0, 2]),
//!     network: Network::ip("192.0.2.1".parse().unwrap(), "192.0.2.2".parse().unwrap()),
//!     transport: Transport::None(47),
//!     payload: &gre,
//! };
//! assert_eq!(outer.to_vec().len(), 14 + 20 + 4 + 20 + 8 + 1);
//! ```

use super::{Mac, VlanTag};

/// EtherType / GRE protocol values for the wrappers.
pub mod ethertype {
    pub const IPV4: u16 = 0x0800;
    pub const IPV6: u16 = 0x86dd;
    pub const ARP: u16 = 0x0806;
    pub const PPPOE_SESSION: u16 = 0x8864;
    pub const MPLS: u16 = 0x8847;
    pub const TEB: u16 = 0x6558;
    pub const PPP: u16 = 0x880b;
    pub const ERSPAN_2: u16 = 0x88be;
    /// The first of Aruba's GRE protocol types carrying 802.11 frames.
    pub const ARUBA_80211: u16 = 0x8200;
}

/// PPP protocol numbers.
pub mod ppp_protocol {
    pub const IPV4: u16 = 0x0021;
    pub const IPV6: u16 = 0x0057;
    pub const LCP: u16 = 0xc021;
}

/// An Ethernet II frame around `payload` with any number of VLAN tags (outermost first).
pub fn ethernet(src: Mac, dst: Mac, vlans: &[VlanTag], ether_type: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(14 + 4 * vlans.len() + payload.len());
    out.extend_from_slice(&dst);
    out.extend_from_slice(&src);
    for tag in vlans {
        out.extend_from_slice(&tag.tpid.to_be_bytes());
        let tci = (u16::from(tag.pcp & 7) << 13) | (u16::from(tag.dei) << 12) | (tag.vid & 0x0fff);
        out.extend_from_slice(&tci.to_be_bytes());
    }
    out.extend_from_slice(&ether_type.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// A PPPoE session header (version 1, type 1, code 0) and the PPP protocol field.
pub fn pppoe_session(session: u16, ppp_protocol: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0x11, 0x00];
    out.extend_from_slice(&session.to_be_bytes());
    out.extend_from_slice(&((payload.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&ppp_protocol.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// A PPP frame: optional address/control bytes (0xff 0x03), then the protocol, one byte when
/// `compressed` (protocol field compression) and the protocol allows it.
pub fn ppp(address_control: bool, compressed: bool, protocol: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + payload.len());
    if address_control {
        out.extend_from_slice(&[0xff, 0x03]);
    }
    if compressed && protocol < 0x100 && protocol & 1 == 1 {
        out.push(protocol as u8);
    } else {
        out.extend_from_slice(&protocol.to_be_bytes());
    }
    out.extend_from_slice(payload);
    out
}

/// A Cisco HDLC frame (unicast address, control 0, EtherType).
pub fn cisco_hdlc(ether_type: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0x0f, 0x00];
    out.extend_from_slice(&ether_type.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// An MPLS label stack (outermost first, bottom-of-stack set on the last, TTL 64), optionally a
/// pseudowire control word with this sequence number, then `payload`.
pub fn mpls(labels: &[u32], control_word: Option<u16>, payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 * labels.len() + 4 + payload.len());
    for (i, &label) in labels.iter().enumerate() {
        let bos = u32::from(i + 1 == labels.len()) << 8;
        out.extend_from_slice(&(((label & 0xf_ffff) << 12) | bos | 64).to_be_bytes());
    }
    if let Some(seq) = control_word {
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&seq.to_be_bytes());
    }
    out.extend_from_slice(payload);
    out
}

/// A GRE version 0 header with the optional key and sequence number.
pub fn gre(protocol: u16, key: Option<u32>, sequence: Option<u32>, payload: &[u8]) -> Vec<u8> {
    let mut flags = 0u16;
    if key.is_some() {
        flags |= 0x2000;
    }
    if sequence.is_some() {
        flags |= 0x1000;
    }
    let mut out = Vec::with_capacity(12 + payload.len());
    out.extend_from_slice(&flags.to_be_bytes());
    out.extend_from_slice(&protocol.to_be_bytes());
    for v in [key, sequence].into_iter().flatten() {
        out.extend_from_slice(&v.to_be_bytes());
    }
    out.extend_from_slice(payload);
    out
}

/// PPTP's enhanced GRE (version 1) carrying a PPP frame: key (payload length and call id) and
/// sequence number.
pub fn gre_pptp(call_id: u16, sequence: u32, ppp_frame: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(12 + ppp_frame.len());
    out.extend_from_slice(&0x3001u16.to_be_bytes());
    out.extend_from_slice(&ethertype::PPP.to_be_bytes());
    out.extend_from_slice(&(ppp_frame.len() as u16).to_be_bytes());
    out.extend_from_slice(&call_id.to_be_bytes());
    out.extend_from_slice(&sequence.to_be_bytes());
    out.extend_from_slice(ppp_frame);
    out
}

/// An ERSPAN type II header (to go inside GRE with a sequence number) around an Ethernet frame.
pub fn erspan2(session: u16, ethernet_frame: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + ethernet_frame.len());
    // Version 1 (type II) in the top nibble, VLAN 0.
    out.extend_from_slice(&0x1000u16.to_be_bytes());
    out.extend_from_slice(&(session & 0x3ff).to_be_bytes());
    out.extend_from_slice(&[0, 0, 0, 0]);
    out.extend_from_slice(ethernet_frame);
    out
}

/// A VXLAN header (VNI valid) around an Ethernet frame.
pub fn vxlan(vni: u32, ethernet_frame: &[u8]) -> Vec<u8> {
    let mut out = vec![0x08, 0, 0, 0];
    out.extend_from_slice(&((vni & 0xff_ffff) << 8).to_be_bytes());
    out.extend_from_slice(ethernet_frame);
    out
}

/// A VXLAN-GPE header (next protocol present): 1 IPv4, 2 IPv6, 3 Ethernet, 5 MPLS.
pub fn vxlan_gpe(vni: u32, next_protocol: u8, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0x0c, 0, 0, next_protocol];
    out.extend_from_slice(&((vni & 0xff_ffff) << 8).to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// A Geneve header (version 0) with `options` (a multiple of 4 bytes) and an EtherType
/// (0x6558 for Ethernet).
pub fn geneve(vni: u32, protocol: u16, options: &[u8], payload: &[u8]) -> Vec<u8> {
    let mut out = vec![(options.len() / 4) as u8 & 0x3f, 0];
    out.extend_from_slice(&protocol.to_be_bytes());
    out.extend_from_slice(&((vni & 0xff_ffff) << 8).to_be_bytes());
    out.extend_from_slice(options);
    out.extend_from_slice(payload);
    out
}

/// A GTP-U G-PDU (version 1) carrying an IP packet, with a sequence number when given.
pub fn gtp_u(teid: u32, sequence: Option<u16>, ip_packet: &[u8]) -> Vec<u8> {
    let optional = if sequence.is_some() { 4 } else { 0 };
    let mut out = vec![0x30 | u8::from(sequence.is_some()) << 1, 0xff];
    out.extend_from_slice(&((ip_packet.len() + optional) as u16).to_be_bytes());
    out.extend_from_slice(&teid.to_be_bytes());
    if let Some(seq) = sequence {
        out.extend_from_slice(&seq.to_be_bytes());
        out.extend_from_slice(&[0, 0]);
    }
    out.extend_from_slice(ip_packet);
    out
}

/// An L2TPv2 data message (length bit set) carrying a PPP frame.
pub fn l2tp_v2(tunnel: u16, session: u16, ppp_frame: &[u8]) -> Vec<u8> {
    let mut out = vec![0x40, 0x02];
    out.extend_from_slice(&((ppp_frame.len() + 8) as u16).to_be_bytes());
    out.extend_from_slice(&tunnel.to_be_bytes());
    out.extend_from_slice(&session.to_be_bytes());
    out.extend_from_slice(ppp_frame);
    out
}

/// Teredo indicators before an IPv6 packet: authentication (client id, authentication value,
/// nonce, confirmation) and origin (obfuscated port and address), each optional.
pub fn teredo(
    auth: Option<(&[u8], &[u8])>,
    origin: Option<(u16, [u8; 4])>,
    ipv6_packet: &[u8],
) -> Vec<u8> {
    let mut out = Vec::new();
    if let Some((id, value)) = auth {
        out.extend_from_slice(&[0, 1, id.len() as u8, value.len() as u8]);
        out.extend_from_slice(id);
        out.extend_from_slice(value);
        out.extend_from_slice(&[0x5a; 8]);
        out.push(0);
    }
    if let Some((port, addr)) = origin {
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&(!port).to_be_bytes());
        out.extend(addr.iter().map(|b| !b));
    }
    out.extend_from_slice(ipv6_packet);
    out
}

/// An 802.11 data frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ieee80211Data {
    /// ToDS and FromDS bits (both set: four addresses).
    pub to_ds: bool,
    pub from_ds: bool,
    /// QoS data (subtype 8) with a 2-byte QoS control field.
    pub qos: bool,
    /// The Protected bit: the body is encrypted (written as given).
    pub protected: bool,
    pub addr1: Mac,
    pub addr2: Mac,
    pub addr3: Mac,
    pub sequence: u16,
}

impl Ieee80211Data {
    /// A frame from a station to its access point (ToDS).
    pub fn to_ap(station: Mac, bssid: Mac, dst: Mac) -> Self {
        Ieee80211Data {
            to_ds: true,
            from_ds: false,
            qos: false,
            protected: false,
            addr1: bssid,
            addr2: station,
            addr3: dst,
            sequence: 0,
        }
    }

    /// The frame around `body`; an LLC/SNAP header with `ether_type` first unless `protected`.
    pub fn frame(&self, ether_type: u16, body: &[u8]) -> Vec<u8> {
        let subtype: u8 = if self.qos { 8 } else { 0 };
        let fc = (subtype << 4) | (2 << 2);
        let flags =
            u8::from(self.to_ds) | (u8::from(self.from_ds) << 1) | (u8::from(self.protected) << 6);
        let mut out = vec![fc, flags, 0, 0];
        out.extend_from_slice(&self.addr1);
        out.extend_from_slice(&self.addr2);
        out.extend_from_slice(&self.addr3);
        out.extend_from_slice(&(self.sequence << 4).to_le_bytes());
        if self.to_ds && self.from_ds {
            out.extend_from_slice(&self.addr2);
        }
        if self.qos {
            out.extend_from_slice(&[0, 0]);
        }
        if !self.protected {
            out.extend_from_slice(&llc_snap(ether_type, body));
        } else {
            out.extend_from_slice(body);
        }
        out
    }
}

/// LLC (AA AA 03) and SNAP (RFC 1042 OUI, EtherType) before `payload`.
pub fn llc_snap(ether_type: u16, payload: &[u8]) -> Vec<u8> {
    let mut out = vec![0xaa, 0xaa, 0x03, 0, 0, 0];
    out.extend_from_slice(&ether_type.to_be_bytes());
    out.extend_from_slice(payload);
    out
}

/// A radiotap header (TSFT, Flags, Rate) before an 802.11 frame; with `fcs` the Flags field
/// says the frame ends with an FCS and a (dummy) one is appended.
pub fn radiotap(fcs: bool, frame: &[u8]) -> Vec<u8> {
    // Version, pad, length 8 + 8 (TSFT) + 1 (flags) + 1 (rate) = 18; present: TSFT|Flags|Rate.
    let mut out = vec![0, 0, 18, 0, 0x07, 0, 0, 0];
    out.extend_from_slice(&1_000_000u64.to_le_bytes());
    out.push(if fcs { 0x10 } else { 0 });
    out.push(12);
    out.extend_from_slice(frame);
    if fcs {
        out.extend_from_slice(&crc32(frame).to_le_bytes());
    }
    out
}

/// A PPI header (802.11-common field) before an 802.11 frame.
pub fn ppi(frame: &[u8]) -> Vec<u8> {
    let mut out = vec![0, 0, 32, 0, 105, 0, 0, 0];
    // 802.11-common: type 2, length 20; TSF, flags 0 (no FCS), rate, channel, ...
    out.extend_from_slice(&[2, 0, 20, 0]);
    out.extend_from_slice(&[0; 8]);
    out.extend_from_slice(&[0, 0, 12, 0, 0x85, 0x09, 0xa0, 0x00, 0, 0, 0, 0]);
    out.extend_from_slice(frame);
    out
}

/// The IEEE 802.3 CRC-32 (the 802.11 FCS).
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_have_their_sizes_and_fields() {
        assert_eq!(
            mpls(&[100, 200], None, &[0x45]),
            [0x00, 0x06, 0x40, 0x40, 0x00, 0x0c, 0x81, 0x40, 0x45]
        );
        assert_eq!(mpls(&[1], Some(7), &[]).len(), 8);
        assert_eq!(gre(0x0800, Some(1), Some(2), &[]).len(), 12);
        assert_eq!(&gre(0x0800, Some(1), None, &[])[..2], &[0x20, 0]);
        assert_eq!(pppoe_session(5, 0x21, &[1, 2, 3])[4..8], [0, 5, 0, 0x21]);
        assert_eq!(ppp(true, true, 0x21, &[]), [0xff, 0x03, 0x21]);
        assert_eq!(ppp(false, true, 0xc021, &[]), [0xc0, 0x21]);
        assert_eq!(vxlan(0x123456, &[]), [8, 0, 0, 0, 0x12, 0x34, 0x56, 0]);
        assert_eq!(teredo(None, Some((1, [1, 2, 3, 4])), &[]).len(), 8);
        assert_eq!(teredo(Some((b"ab", b"xyz")), None, &[]).len(), 4 + 5 + 9);
        let wifi = Ieee80211Data::to_ap([2; 6], [4; 6], [6; 6]).frame(0x0800, &[0x45]);
        assert_eq!((wifi[0], wifi[1], wifi.len()), (0x08, 0x01, 24 + 8 + 1));
        assert_eq!(radiotap(true, &wifi).len(), 18 + wifi.len() + 4);
        assert_eq!(ppi(&wifi).len(), 32 + wifi.len());
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
    }
}
