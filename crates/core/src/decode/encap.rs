//! Encapsulations on the way to IP, unwrapped as Wireshark 4.0 unwraps them: VLAN stacks
//! (802.1Q, 802.1ad, 0x9100), PPPoE sessions and PPP (also the PPP and PPP-in-HDLC link types),
//! Cisco HDLC, MPLS label stacks (IP by the first nibble, or an Ethernet pseudowire with or
//! without control word), GRE (IP, transparent Ethernet bridging, PPP, MPLS, ERSPAN and
//! Aruba's 802.11), VXLAN, VXLAN-GPE, Geneve, GTP-U, L2TPv2, Teredo, IP-in-IP, and 802.11 data
//! frames (radiotap, PPI or plain 802.11 link types) through LLC/SNAP.
//!
//! `walk` follows the headers with its own bounds-checked reads and stops at the innermost
//! IP header (or at a payload that is not IP); it never recurses, and it gives up after
//! [`MAX_ENCAP_LAYERS`] layers. What it crossed is kept in [`Encapsulation`] so the analyzers
//! (and the packet view) can tell tunnelled frames apart; what it recognised but cannot
//! follow (an encrypted 802.11 frame, a GRE protocol not decoded, ...) is named in
//! [`NotDecoded`] and counted in the report instead of being lost silently.

use super::link::Link;
use super::Problem;

/// Layers `walk` crosses before giving up on a frame (a VLAN tag, an MPLS label, a GRE
/// header... each is one). Also the capacity of [`Encapsulation`]'s list.
pub const MAX_ENCAP_LAYERS: usize = 16;

/// One kind of header crossed on the way to the innermost IP header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum LayerKind {
    /// An 802.1Q / 802.1ad / 0x9100 tag (4 bytes: TCI and the next EtherType).
    Vlan,
    /// A PPPoE session header (6 bytes).
    Pppoe,
    /// A PPP header: optional address/control bytes, then the protocol (1 or 2 bytes).
    Ppp,
    /// A Cisco HDLC header (4 bytes).
    CiscoHdlc,
    /// One MPLS label stack entry (4 bytes).
    Mpls,
    /// An MPLS pseudowire control word (4 bytes).
    PwControlWord,
    /// An Ethernet header inside a tunnel (VXLAN, GRE bridging, pseudowire, ERSPAN).
    Ethernet,
    /// An IPv4 header that carries a tunnel.
    Ipv4,
    /// An IPv6 header (with its extension headers) that carries a tunnel.
    Ipv6,
    /// A GRE header (with its optional fields).
    Gre,
    /// An ERSPAN header (type II or III).
    Erspan,
    /// A UDP header that carries a tunnel (VXLAN, VXLAN-GPE, Geneve, GTP-U, L2TP, Teredo).
    Udp,
    /// A VXLAN header (8 bytes).
    Vxlan,
    /// A VXLAN-GPE header (8 bytes).
    VxlanGpe,
    /// A Geneve header with its options.
    Geneve,
    /// A GTP-U header with its optional fields and extension headers.
    GtpU,
    /// An L2TPv2 data header.
    L2tp,
    /// Teredo's origin / authentication indicators (zero bytes when there are none).
    Teredo,
    /// A radiotap header.
    Radiotap,
    /// A PPI header.
    Ppi,
    /// An 802.11 MAC header.
    Ieee80211,
    /// An LLC/SNAP header (8 bytes).
    Llc,
}

impl LayerKind {
    /// A short name, as Wireshark's protocol list names the layer.
    pub fn name(self) -> &'static str {
        match self {
            LayerKind::Vlan => "vlan",
            LayerKind::Pppoe => "pppoes",
            LayerKind::Ppp => "ppp",
            LayerKind::CiscoHdlc => "chdlc",
            LayerKind::Mpls => "mpls",
            LayerKind::PwControlWord => "pwethcw",
            LayerKind::Ethernet => "eth",
            LayerKind::Ipv4 => "ip",
            LayerKind::Ipv6 => "ipv6",
            LayerKind::Gre => "gre",
            LayerKind::Erspan => "erspan",
            LayerKind::Udp => "udp",
            LayerKind::Vxlan => "vxlan",
            LayerKind::VxlanGpe => "vxlan",
            LayerKind::Geneve => "geneve",
            LayerKind::GtpU => "gtp",
            LayerKind::L2tp => "l2tp",
            LayerKind::Teredo => "teredo",
            LayerKind::Radiotap => "radiotap",
            LayerKind::Ppi => "ppi",
            LayerKind::Ieee80211 => "wlan",
            LayerKind::Llc => "llc",
        }
    }
}

/// A header crossed: its kind and the byte offset in the frame where it starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Layer {
    pub kind: LayerKind,
    pub offset: u32,
}

/// An encapsulation recognised but not followed: the frame is counted and reported (capinfos
/// `not_decoded`), and analysed only as far as its outer layers go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NotDecoded {
    /// A link type the decoder does not read.
    LinkType(u32),
    /// An EtherType of an encapsulation not decoded (MACsec, 802.1ah, NSH).
    EtherType(u16),
    /// A GRE protocol type not decoded (WCCP, NHRP, ...), or a GRE version other than 0 and 1.
    GreProtocol(u16),
    /// A PPP data protocol other than IPv4, IPv6 and MPLS.
    PppProtocol(u16),
    /// An MPLS payload that is neither IP nor an Ethernet pseudowire (first nibble 2, 3, 5, 7-15).
    MplsPayload,
    /// A UDP tunnel whose variant is not decoded, by its port (GTP-U other than version 1,
    /// L2TPv3 over UDP, Geneve version > 0, VXLAN-GPE carrying NSH).
    UdpTunnel(u16),
    /// A tunnel header inside an IP fragment (Wireshark reassembles first).
    FragmentedTunnel,
    /// An 802.11 data frame with the Protected bit set: encrypted, counted, not decoded.
    Ieee80211Protected,
    /// An 802.11 A-MSDU (several frames in one).
    Ieee80211Amsdu,
    /// A PPI header announcing a link type other than 802.11 and Ethernet.
    PpiLinkType(u32),
    /// More than [`MAX_ENCAP_LAYERS`] layers.
    TooDeep,
}

impl NotDecoded {
    /// What the report calls it.
    pub fn describe(self) -> String {
        match self {
            NotDecoded::LinkType(lt) => {
                let lt = crate::capture::LinkType(lt);
                format!("link type {} ({})", lt.name(), lt.0)
            }
            NotDecoded::EtherType(t) => format!(
                "EtherType 0x{t:04x}{}",
                match t {
                    ethertype::MACSEC => " (MACsec)",
                    ethertype::PBB => " (802.1ah)",
                    ethertype::NSH => " (NSH)",
                    _ => "",
                }
            ),
            NotDecoded::GreProtocol(p) => format!("GRE protocol 0x{p:04x}"),
            NotDecoded::PppProtocol(p) => format!("PPP protocol 0x{p:04x}"),
            NotDecoded::MplsPayload => "MPLS payload that is neither IP nor Ethernet".into(),
            NotDecoded::UdpTunnel(port) => format!(
                "UDP tunnel on port {port}{}",
                match port {
                    port::GTP_U => " (GTP-U)",
                    port::GENEVE => " (Geneve)",
                    port::L2TP => " (L2TP)",
                    port::VXLAN_GPE => " (VXLAN-GPE)",
                    _ => "",
                }
            ),
            NotDecoded::FragmentedTunnel => "tunnel inside IP fragments".into(),
            NotDecoded::Ieee80211Protected => "802.11 protected (encrypted) data".into(),
            NotDecoded::Ieee80211Amsdu => "802.11 A-MSDU".into(),
            NotDecoded::PpiLinkType(dlt) => format!("PPI carrying link type {dlt}"),
            NotDecoded::TooDeep => format!("more than {MAX_ENCAP_LAYERS} encapsulation layers"),
        }
    }
}

/// Which encapsulation layers a frame crossed, where each starts, and where its innermost IP
/// header is. The outermost link header of Ethernet, Linux cooked and null/loopback captures is
/// implied by the link type and not listed.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Encapsulation {
    kinds: [LayerKind; MAX_ENCAP_LAYERS],
    offsets: [u32; MAX_ENCAP_LAYERS],
    len: u8,
    /// Offset of the innermost IP header (the one `Packet::ip` describes).
    pub ip_offset: Option<u32>,
    /// An encapsulation recognised but not followed.
    pub not_decoded: Option<NotDecoded>,
}

impl Default for Encapsulation {
    fn default() -> Self {
        Encapsulation {
            kinds: [LayerKind::Vlan; MAX_ENCAP_LAYERS],
            offsets: [0; MAX_ENCAP_LAYERS],
            len: 0,
            ip_offset: None,
            not_decoded: None,
        }
    }
}

impl std::fmt::Debug for Encapsulation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encapsulation")
            .field("layers", &self.layers().collect::<Vec<_>>())
            .field("ip_offset", &self.ip_offset)
            .field("not_decoded", &self.not_decoded)
            .finish()
    }
}

impl Encapsulation {
    /// The layers crossed, outermost first.
    pub fn layers(&self) -> impl Iterator<Item = Layer> + '_ {
        let n = usize::from(self.len);
        self.kinds
            .iter()
            .zip(self.offsets.iter())
            .take(n)
            .map(|(&kind, &offset)| Layer { kind, offset })
    }

    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// True when a layer other than VLAN tags was crossed (a tunnel or a non-Ethernet link).
    pub fn is_tunnelled(&self) -> bool {
        self.layers().any(|l| l.kind != LayerKind::Vlan)
    }

    /// Records a layer; false (and `TooDeep`) when the list is full.
    #[inline]
    pub(crate) fn push(&mut self, kind: LayerKind, offset: usize) -> bool {
        let n = usize::from(self.len);
        if n >= MAX_ENCAP_LAYERS {
            self.not_decoded = Some(NotDecoded::TooDeep);
            return false;
        }
        self.kinds[n] = kind;
        self.offsets[n] = offset as u32;
        self.len += 1;
        true
    }
}

pub(crate) mod ethertype {
    pub const IPV4: u16 = 0x0800;
    pub const ARP: u16 = 0x0806;
    pub const IPV6: u16 = 0x86dd;
    pub const VLAN: u16 = 0x8100;
    pub const QINQ: u16 = 0x88a8;
    pub const VLAN_9100: u16 = 0x9100;
    pub const PPPOE_SESSION: u16 = 0x8864;
    pub const MPLS: u16 = 0x8847;
    pub const MPLS_MULTICAST: u16 = 0x8848;
    pub const TEB: u16 = 0x6558;
    pub const PPP: u16 = 0x880b;
    pub const ERSPAN_2: u16 = 0x88be;
    pub const ERSPAN_3: u16 = 0x22eb;
    pub const MACSEC: u16 = 0x88e5;
    pub const PBB: u16 = 0x88e7;
    pub const NSH: u16 = 0x894f;
}

pub(crate) mod port {
    pub const VXLAN: u16 = 4789;
    pub const VXLAN_GPE: u16 = 4790;
    pub const TEREDO: u16 = 3544;
    pub const GTP_U: u16 = 2152;
    pub const GENEVE: u16 = 6081;
    pub const L2TP: u16 = 1701;
}

mod proto {
    pub const HOP_BY_HOP: u8 = 0;
    pub const IPIP: u8 = 4;
    pub const UDP: u8 = 17;
    pub const IPV6: u8 = 41;
    pub const ROUTING: u8 = 43;
    pub const FRAGMENT: u8 = 44;
    pub const GRE: u8 = 47;
    pub const AUTH: u8 = 51;
    pub const DEST_OPTIONS: u8 = 60;
    pub const MPLS_IN_IP: u8 = 137;
}

mod ppp {
    pub const IPV4: u16 = 0x0021;
    pub const IPV6: u16 = 0x0057;
    pub const MPLS: u16 = 0x0281;
    pub const MPLS_MULTICAST: u16 = 0x0283;
    /// Protocols from here up are network control, link control and authentication.
    pub const FIRST_CONTROL: u16 = 0x4000;
}

/// Where decoding continues.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Next {
    /// An Ethernet header.
    Ethernet(usize),
    /// Bytes named by an EtherType.
    EtherType(u16, usize),
    /// An IP header (version from its first nibble).
    Ip(usize),
    /// A PPP header (address/control optional, protocol maybe compressed).
    Ppp(usize),
    /// A PPPoE session header.
    Pppoe(usize),
    /// A Cisco HDLC header.
    CiscoHdlc(usize),
    /// An MPLS label stack.
    Mpls(usize),
    /// A radiotap header.
    Radiotap(usize),
    /// A PPI header.
    Ppi(usize),
    /// An 802.11 frame; true when it ends with a 4-byte FCS.
    Ieee80211(usize, bool),
    /// An MPLS associated channel (OAM, not user traffic).
    Ach(usize),
}

/// Where the walk ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Inner {
    /// The innermost IP header starts here.
    Ip(usize),
    /// A payload that is not IP (ARP, LLDP, ...), named by its EtherType (0: no EtherType).
    Other(u16, usize),
    /// Decoding stopped: damage, or an encapsulation not followed (see `not_decoded`).
    Stopped(Option<Problem>),
}

/// The result of [`walk`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Walk {
    pub inner: Inner,
    /// Bytes of the frame the innermost layer may use (outer length fields and FCSs cut off
    /// trailers): the captured end.
    pub end: usize,
    /// The same, counted in reported bytes (the frame's length on the wire).
    pub reported_end: usize,
}

#[inline(always)]
fn be16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_be_bytes([s[0], s[1]]))
}

#[inline(always)]
fn le16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([s[0], s[1]]))
}

#[inline(always)]
fn le32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// True for the EtherTypes of VLAN tags.
#[inline(always)]
pub(crate) fn is_vlan(t: u16) -> bool {
    matches!(t, ethertype::VLAN | ethertype::QINQ | ethertype::VLAN_9100)
}

/// The UDP tunnel on these ports, if any. Wireshark tries the lower port first, and nearly
/// every port below 1024 has a dissector of its own: a DNS query from port 4789 is DNS.
#[inline]
pub(crate) fn udp_tunnel(src: u16, dst: u16) -> Option<u16> {
    let is_tunnel = |p: u16| {
        matches!(
            p,
            port::VXLAN | port::TEREDO | port::VXLAN_GPE | port::GTP_U | port::GENEVE | port::L2TP
        )
    };
    let (lo, hi) = if src <= dst { (src, dst) } else { (dst, src) };
    if is_tunnel(lo) {
        Some(lo)
    } else if lo >= 1024 && is_tunnel(hi) {
        Some(hi)
    } else {
        None
    }
}

/// Follows encapsulations from `next` to the innermost IP header. `data` is the frame's
/// captured bytes and `reported_len` its length on the wire (at least the captured length).
/// Layers go into `encap`, VLAN ids and the outermost Ethernet addresses into `link`.
pub(crate) fn walk(
    data: &[u8],
    reported_len: usize,
    mut next: Next,
    encap: &mut Encapsulation,
    link: &mut Link,
) -> Walk {
    let mut end = data.len();
    let mut reported_end = reported_len.max(end);
    let mut outer_ethernet = true;
    // Each step records at least one layer or ends the walk, so the layer list bounds it; the
    // counter is a second guard.
    let mut steps = 0;
    let inner = loop {
        steps += 1;
        if steps > MAX_ENCAP_LAYERS * 2 {
            encap.not_decoded = Some(NotDecoded::TooDeep);
            break Inner::Stopped(None);
        }
        let d = match data.get(..end) {
            Some(d) => d,
            None => data,
        };
        next = match next {
            Next::Ethernet(at) => {
                let (Some(dst), Some(src), Some(t)) =
                    (d.get(at..at + 6), d.get(at + 6..at + 12), be16(d, at + 12))
                else {
                    break Inner::Stopped(Some(Problem::LinkTruncated));
                };
                if outer_ethernet && at == 0 {
                    let mut m = [0u8; 6];
                    m.copy_from_slice(src);
                    link.src_mac = Some(m);
                    m.copy_from_slice(dst);
                    link.dst_mac = Some(m);
                } else if !encap.push(LayerKind::Ethernet, at) {
                    break Inner::Stopped(None);
                }
                outer_ethernet = false;
                Next::EtherType(t, at + 14)
            }
            Next::EtherType(t, at) => match t {
                ethertype::IPV4 | ethertype::IPV6 => Next::Ip(at),
                t if is_vlan(t) => {
                    let (Some(tci), Some(inner)) = (be16(d, at), be16(d, at + 2)) else {
                        break Inner::Stopped(Some(Problem::BadIp));
                    };
                    if !encap.push(LayerKind::Vlan, at) {
                        break Inner::Stopped(None);
                    }
                    link.push_vlan(tci & 0x0fff);
                    Next::EtherType(inner, at + 4)
                }
                ethertype::PPPOE_SESSION => Next::Pppoe(at),
                ethertype::MPLS | ethertype::MPLS_MULTICAST => Next::Mpls(at),
                ethertype::MACSEC | ethertype::PBB | ethertype::NSH => {
                    encap.not_decoded = Some(NotDecoded::EtherType(t));
                    break Inner::Stopped(None);
                }
                // An 802.3 length: LLC/SNAP may name the protocol.
                len if len <= 1500 => match d.get(at..at + 8) {
                    Some(snap)
                        if snap[..3] == [0xaa, 0xaa, 0x03]
                            && (snap[3..6] == [0, 0, 0] || snap[3..6] == [0, 0, 0xf8]) =>
                    {
                        if !encap.push(LayerKind::Llc, at) {
                            break Inner::Stopped(None);
                        }
                        // The length bounds what follows (padding comes after it).
                        let payload_end = at + usize::from(len);
                        if payload_end <= end {
                            end = payload_end;
                            reported_end = reported_end.min(payload_end);
                        }
                        Next::EtherType(u16::from_be_bytes([snap[6], snap[7]]), at + 8)
                    }
                    _ => break Inner::Other(t, at),
                },
                _ => break Inner::Other(t, at),
            },
            Next::Pppoe(at) => {
                let Some(len) = be16(d, at + 4) else {
                    break Inner::Stopped(Some(Problem::LinkTruncated));
                };
                if !encap.push(LayerKind::Pppoe, at) {
                    break Inner::Stopped(None);
                }
                // The payload length bounds what follows (Ethernet padding comes after it).
                let payload_end = at + 6 + usize::from(len);
                if payload_end <= end {
                    end = payload_end;
                }
                reported_end = reported_end.min(payload_end.max(end));
                Next::Ppp(at + 6)
            }
            Next::Ppp(at) => {
                let Some(&first) = d.get(at) else {
                    break Inner::Stopped(Some(Problem::LinkTruncated));
                };
                if !encap.push(LayerKind::Ppp, at) {
                    break Inner::Stopped(None);
                }
                // Address and control bytes (0xff 0x03) are optional, and an odd first byte is a
                // compressed one-byte protocol field.
                let mut p = at;
                if first == 0xff && d.get(at + 1) == Some(&0x03) {
                    p += 2;
                }
                let protocol = match d.get(p) {
                    Some(&b) if b & 1 == 1 => {
                        p += 1;
                        u16::from(b)
                    }
                    Some(_) => match be16(d, p) {
                        Some(v) => {
                            p += 2;
                            v
                        }
                        None => break Inner::Stopped(Some(Problem::LinkTruncated)),
                    },
                    None => break Inner::Stopped(Some(Problem::LinkTruncated)),
                };
                match protocol {
                    ppp::IPV4 | ppp::IPV6 => Next::Ip(p),
                    ppp::MPLS | ppp::MPLS_MULTICAST => Next::Mpls(p),
                    p if p < ppp::FIRST_CONTROL => {
                        encap.not_decoded = Some(NotDecoded::PppProtocol(p));
                        break Inner::Stopped(None);
                    }
                    // LCP, IPCP, authentication...: PPP's own traffic, not lost data.
                    _ => break Inner::Other(0, p),
                }
            }
            Next::CiscoHdlc(at) => {
                let Some(t) = be16(d, at + 2) else {
                    break Inner::Stopped(Some(Problem::LinkTruncated));
                };
                if !encap.push(LayerKind::CiscoHdlc, at) {
                    break Inner::Stopped(None);
                }
                Next::EtherType(t, at + 4)
            }
            Next::Mpls(at) => {
                let mut at = at;
                let label = loop {
                    let (Some(hi), Some(lo)) = (be16(d, at), be16(d, at + 2)) else {
                        break Err(Inner::Stopped(Some(Problem::BadIp)));
                    };
                    if !encap.push(LayerKind::Mpls, at) {
                        break Err(Inner::Stopped(None));
                    }
                    let entry = (u32::from(hi) << 16) | u32::from(lo);
                    at += 4;
                    if entry & 0x100 != 0 {
                        break Ok(entry >> 12);
                    }
                };
                let label = match label {
                    Ok(label) => label,
                    Err(inner) => break inner,
                };
                const GACH_LABEL: u32 = 13;
                if label == GACH_LABEL {
                    // Generic associated channel: OAM (BFD, ...), not user traffic.
                    break Inner::Other(0, at);
                }
                match mpls_payload(d, at) {
                    Some(next) => next,
                    None => {
                        encap.not_decoded = Some(NotDecoded::MplsPayload);
                        break Inner::Stopped(None);
                    }
                }
            }
            Next::Ip(at) => {
                let Some(ip) = IpHeader::parse(d, at) else {
                    break Inner::Ip(at);
                };
                let udp_port = match ip.protocol {
                    proto::IPIP | proto::IPV6 | proto::GRE | proto::MPLS_IN_IP => 0,
                    proto::UDP if ip.later_fragment => break Inner::Ip(at),
                    proto::UDP => match (be16(d, ip.payload), be16(d, ip.payload + 2)) {
                        (Some(s), Some(t)) => match udp_tunnel(s, t) {
                            Some(p) => p,
                            None => break Inner::Ip(at),
                        },
                        _ => break Inner::Ip(at),
                    },
                    _ => break Inner::Ip(at),
                };
                if ip.fragment {
                    encap.not_decoded = Some(NotDecoded::FragmentedTunnel);
                    break Inner::Ip(at);
                }
                let kind = if ip.version == 4 {
                    LayerKind::Ipv4
                } else {
                    LayerKind::Ipv6
                };
                if !encap.push(kind, at) {
                    break Inner::Ip(at);
                }
                // The IP length bounds the tunnel (not below the header: TSO captures write 0).
                if ip.end > ip.payload {
                    reported_end = reported_end.min(ip.end);
                    end = end.min(ip.end);
                }
                let p = ip.payload;
                match ip.protocol {
                    proto::IPIP | proto::IPV6 => Next::Ip(p),
                    proto::MPLS_IN_IP => Next::Mpls(p),
                    proto::GRE => match gre(d, p, encap) {
                        Ok(next) => next,
                        Err(inner) => break inner,
                    },
                    _ => {
                        let port = udp_port;
                        if !encap.push(LayerKind::Udp, p) {
                            break Inner::Ip(at);
                        }
                        // The UDP length bounds its payload when it is sane.
                        if let Some(udp_len) = be16(d, p + 4) {
                            let udp_end = p + usize::from(udp_len);
                            if udp_len >= 8 && udp_end <= end {
                                end = udp_end;
                                reported_end = reported_end.min(udp_end);
                            }
                        }
                        match udp_tunnel_payload(d, p + 8, port, encap) {
                            Ok(next) => next,
                            Err(inner) => break inner,
                        }
                    }
                }
            }
            Next::Radiotap(at) => {
                let (Some(len), Some(present)) = (le16(d, at + 2), le32(d, at + 4)) else {
                    break Inner::Stopped(Some(Problem::LinkTruncated));
                };
                let len = usize::from(len);
                if len < 8 || d.len() < at + len {
                    break Inner::Stopped(Some(Problem::LinkTruncated));
                }
                if !encap.push(LayerKind::Radiotap, at) {
                    break Inner::Stopped(None);
                }
                let flags = radiotap_flags(&d[at..at + len], present).unwrap_or(0);
                const FCS_AT_END: u8 = 0x10;
                const DATA_PAD: u8 = 0x20;
                let frame = at + len;
                let fcs = flags & FCS_AT_END != 0;
                if flags & DATA_PAD != 0 {
                    // The 802.11 header is padded to a multiple of 4 bytes.
                    match ieee80211(d, frame, fcs, true, encap, &mut end, &mut reported_end) {
                        Ok(next) => next,
                        Err(inner) => break inner,
                    }
                } else {
                    Next::Ieee80211(frame, fcs)
                }
            }
            Next::Ppi(at) => {
                let (Some(len), Some(dlt)) = (le16(d, at + 2), le32(d, at + 4)) else {
                    break Inner::Stopped(Some(Problem::LinkTruncated));
                };
                let len = usize::from(len);
                if len < 8 || d.len() < at + len {
                    break Inner::Stopped(Some(Problem::LinkTruncated));
                }
                if !encap.push(LayerKind::Ppi, at) {
                    break Inner::Stopped(None);
                }
                match dlt {
                    105 => Next::Ieee80211(at + len, ppi_fcs(&d[at..at + len])),
                    1 => {
                        outer_ethernet = false;
                        Next::Ethernet(at + len)
                    }
                    other => {
                        encap.not_decoded = Some(NotDecoded::PpiLinkType(other));
                        break Inner::Stopped(None);
                    }
                }
            }
            Next::Ach(at) => break Inner::Other(0, at),
            Next::Ieee80211(at, fcs) => {
                match ieee80211(d, at, fcs, false, encap, &mut end, &mut reported_end) {
                    Ok(next) => next,
                    Err(inner) => break inner,
                }
            }
        };
    };
    Walk {
        inner,
        end,
        reported_end,
    }
}

/// What follows an MPLS label stack, decided as Wireshark 4.0 does by the first nibble: 4 is
/// IPv4 and 6 is IPv6 (whatever the length fields say), 0 an Ethernet pseudowire, with a
/// control word unless the bytes read as plain Ethernet (Wireshark looks the two MAC addresses
/// up in its manufacturer table for that; we look for a plausible EtherType instead), 1 an
/// associated channel (OAM), anything else data (`None`).
fn mpls_payload(d: &[u8], at: usize) -> Option<Next> {
    let first = *d.get(at)?;
    match first >> 4 {
        4 | 6 => Some(Next::Ip(at)),
        0 => {
            let plain = be16(d, at + 12).is_some_and(is_known_ethertype);
            let after_cw = be16(d, at + 16).is_some_and(is_known_ethertype);
            if plain && !after_cw {
                Some(Next::Ethernet(at))
            } else {
                Some(Next::Ethernet(at + 4)).filter(|_| d.len() >= at + 4)
            }
        }
        1 => Some(Next::Ach(at)),
        _ => None,
    }
}

fn is_known_ethertype(t: u16) -> bool {
    matches!(
        t,
        ethertype::IPV4
            | ethertype::IPV6
            | ethertype::ARP
            | ethertype::MPLS
            | ethertype::MPLS_MULTICAST
            | ethertype::PPPOE_SESSION
    ) || is_vlan(t)
}

/// A GRE header at `at`: the layer is recorded and what it carries returned.
fn gre(d: &[u8], at: usize, encap: &mut Encapsulation) -> Result<Next, Inner> {
    const CHECKSUM: u16 = 0x8000;
    const ROUTING: u16 = 0x4000;
    const KEY: u16 = 0x2000;
    const SEQUENCE: u16 = 0x1000;
    const ACK: u16 = 0x0080;
    let (Some(flags), Some(protocol)) = (be16(d, at), be16(d, at + 2)) else {
        return Err(Inner::Stopped(Some(Problem::BadTransport)));
    };
    let version = flags & 7;
    let mut p = at + 4;
    if version == 0 {
        if flags & (CHECKSUM | ROUTING) != 0 {
            p += 4;
        }
        if flags & KEY != 0 {
            p += 4;
        }
        if flags & SEQUENCE != 0 {
            p += 4;
        }
        if flags & ROUTING != 0 {
            // Source route entries, ended by one of length 0.
            loop {
                let Some(&len) = d.get(p + 3) else {
                    return Err(Inner::Stopped(Some(Problem::BadTransport)));
                };
                p += 4 + usize::from(len);
                if len == 0 {
                    break;
                }
            }
        }
    } else if version == 1 {
        // Enhanced GRE (PPTP): key (payload length, call id), then sequence and ack numbers.
        p += 4;
        if flags & SEQUENCE != 0 {
            p += 4;
        }
        if flags & ACK != 0 {
            p += 4;
        }
    } else {
        encap.not_decoded = Some(NotDecoded::GreProtocol(protocol));
        return Err(Inner::Stopped(None));
    }
    if d.len() < p {
        return Err(Inner::Stopped(Some(Problem::BadTransport)));
    }
    if !encap.push(LayerKind::Gre, at) {
        return Err(Inner::Stopped(None));
    }
    let is_aruba =
        (0x8200..=0x8370).contains(&protocol) && protocol & 0xf == 0 || protocol == 0x9000;
    Ok(match protocol {
        ethertype::IPV4 | ethertype::IPV6 => Next::Ip(p),
        ethertype::TEB => Next::Ethernet(p),
        ethertype::PPP => Next::Ppp(p),
        ethertype::MPLS | ethertype::MPLS_MULTICAST => Next::Mpls(p),
        ethertype::ERSPAN_2 | ethertype::ERSPAN_3 => {
            // Type I (no sequence number) has no header; type II has 8 bytes, type III 12
            // plus an 8-byte platform subheader when its O flag is set.
            let header = if protocol == ethertype::ERSPAN_3 {
                match d.get(p + 11) {
                    Some(b) if b & 1 == 1 => 20,
                    Some(_) => 12,
                    None => return Err(Inner::Stopped(Some(Problem::BadTransport))),
                }
            } else if flags & SEQUENCE != 0 {
                8
            } else {
                0
            };
            if d.len() < p + header.max(1) {
                return Err(Inner::Stopped(Some(Problem::BadTransport)));
            }
            if header > 0 && !encap.push(LayerKind::Erspan, p) {
                return Err(Inner::Stopped(None));
            }
            Next::Ethernet(p + header)
        }
        _ if is_aruba => Next::Ieee80211(p, false),
        // Keepalives and ARP: GRE's own traffic.
        0 | ethertype::ARP => return Err(Inner::Other(protocol, p)),
        other => {
            encap.not_decoded = Some(NotDecoded::GreProtocol(other));
            return Err(Inner::Stopped(None));
        }
    })
}

/// The tunnel header at `u` (a UDP payload on the tunnel's `port`): recorded, and what it
/// carries returned.
fn udp_tunnel_payload(
    d: &[u8],
    u: usize,
    port: u16,
    encap: &mut Encapsulation,
) -> Result<Next, Inner> {
    let cut = Inner::Stopped(Some(Problem::BadTransport));
    let not_decoded = |encap: &mut Encapsulation| {
        encap.not_decoded = Some(NotDecoded::UdpTunnel(port));
        Inner::Stopped(None)
    };
    let push = |encap: &mut Encapsulation, kind| {
        if encap.push(kind, u) {
            Ok(())
        } else {
            Err(Inner::Stopped(None))
        }
    };
    match port {
        port::VXLAN => {
            if d.len() < u + 8 {
                return Err(cut);
            }
            push(encap, LayerKind::Vxlan)?;
            Ok(Next::Ethernet(u + 8))
        }
        port::VXLAN_GPE => {
            let (Some(&flags), Some(&next)) = (d.get(u), d.get(u + 3)) else {
                return Err(cut);
            };
            push(encap, LayerKind::VxlanGpe)?;
            const NEXT_PROTOCOL_PRESENT: u8 = 0x04;
            let p = u + 8;
            match (flags & NEXT_PROTOCOL_PRESENT != 0, next) {
                (false, _) | (true, 3) => Ok(Next::Ethernet(p)),
                (true, 1 | 2) => Ok(Next::Ip(p)),
                (true, 5) => Ok(Next::Mpls(p)),
                _ => Err(not_decoded(encap)),
            }
        }
        port::GENEVE => {
            let (Some(&first), Some(protocol)) = (d.get(u), be16(d, u + 2)) else {
                return Err(cut);
            };
            push(encap, LayerKind::Geneve)?;
            // Version 0; options in 4-byte words after the 8-byte header.
            let p = u + 8 + usize::from(first & 0x3f) * 4;
            if first >> 6 != 0 {
                return Err(not_decoded(encap));
            }
            match protocol {
                ethertype::TEB => Ok(Next::Ethernet(p)),
                t => Ok(Next::EtherType(t, p)),
            }
        }
        port::GTP_U => {
            let (Some(&flags), Some(&message)) = (d.get(u), d.get(u + 1)) else {
                return Err(cut);
            };
            if flags >> 5 != 1 {
                return Err(not_decoded(encap));
            }
            push(encap, LayerKind::GtpU)?;
            const G_PDU: u8 = 0xff;
            if message != G_PDU {
                // Echo, error indication...: GTP's own traffic.
                return Err(Inner::Other(0, u));
            }
            const EXTENSION: u8 = 0x04;
            const SEQUENCE_OR_NPDU: u8 = 0x03;
            let mut p = u + 8;
            if flags & (EXTENSION | SEQUENCE_OR_NPDU) != 0 {
                // Sequence number, N-PDU number, next extension header type.
                let Some(&next_ext) = d.get(p + 3) else {
                    return Err(cut);
                };
                p += 4;
                let mut next_ext = next_ext;
                while next_ext != 0 {
                    // Length in 4-byte units, the last byte names the next extension.
                    let Some(&len) = d.get(p) else {
                        return Err(cut);
                    };
                    if len == 0 {
                        return Err(cut);
                    }
                    p += usize::from(len) * 4;
                    let Some(&n) = d.get(p - 1) else {
                        return Err(cut);
                    };
                    next_ext = n;
                }
            }
            Ok(Next::Ip(p))
        }
        port::L2TP => {
            let Some(flags) = be16(d, u) else {
                return Err(cut);
            };
            const CONTROL: u16 = 0x8000;
            const LENGTH: u16 = 0x4000;
            const SEQUENCE: u16 = 0x0800;
            const OFFSET: u16 = 0x0200;
            if flags & 0x000f != 2 {
                // L2TPv3 over UDP starts with a session id: not decoded.
                return Err(not_decoded(encap));
            }
            push(encap, LayerKind::L2tp)?;
            if flags & CONTROL != 0 {
                return Err(Inner::Other(0, u));
            }
            let mut p = u + 2;
            if flags & LENGTH != 0 {
                p += 2;
            }
            p += 4; // tunnel and session ids
            if flags & SEQUENCE != 0 {
                p += 4;
            }
            if flags & OFFSET != 0 {
                let Some(pad) = be16(d, p) else {
                    return Err(cut);
                };
                p += 2 + usize::from(pad);
            }
            if d.len() < p {
                return Err(cut);
            }
            Ok(Next::Ppp(p))
        }
        _ => {
            // Teredo.
            if d.len() <= u {
                return Err(cut);
            }
            push(encap, LayerKind::Teredo)?;
            teredo_indicators(d, u).map(Next::Ip).ok_or(cut)
        }
    }
}

/// Skips Teredo's authentication and origin indicators at `at`; the IPv6 header's offset.
fn teredo_indicators(d: &[u8], mut at: usize) -> Option<usize> {
    if be16(d, at)? == 1 {
        let id_len = usize::from(*d.get(at + 2)?);
        let auth_len = usize::from(*d.get(at + 3)?);
        // Type, two lengths, client id, authentication value, nonce (8), confirmation (1).
        at += 4 + id_len + auth_len + 9;
    }
    if be16(d, at)? == 0 {
        at += 8;
    }
    Some(at)
}

/// The radiotap Flags field, if present.
fn radiotap_flags(header: &[u8], present: u32) -> Option<u8> {
    const TSFT: u32 = 1 << 0;
    const FLAGS: u32 = 1 << 1;
    const EXT: u32 = 1 << 31;
    if present & FLAGS == 0 {
        return None;
    }
    // Skip the extended presence bitmaps.
    let mut at = 8;
    let mut word = present;
    while word & EXT != 0 {
        word = le32(header, at)?;
        at += 4;
    }
    if present & TSFT != 0 {
        at = at.next_multiple_of(8) + 8;
    }
    header.get(at).copied()
}

/// Whether a PPI header's 802.11-common field says the frame ends with an FCS.
fn ppi_fcs(header: &[u8]) -> bool {
    const COMMON_80211: u16 = 2;
    const FCS_PRESENT: u16 = 0x0001;
    let mut at = 8;
    while let (Some(kind), Some(len)) = (le16(header, at), le16(header, at + 2)) {
        let body = at + 4;
        if kind == COMMON_80211 {
            return le16(header, body + 8).is_some_and(|f| f & FCS_PRESENT != 0);
        }
        at = body + usize::from(len);
    }
    false
}

/// An 802.11 frame at `at`: data frames go on through LLC/SNAP; everything else ends the walk.
fn ieee80211(
    d: &[u8],
    at: usize,
    fcs: bool,
    padded: bool,
    encap: &mut Encapsulation,
    end: &mut usize,
    reported_end: &mut usize,
) -> Result<Next, Inner> {
    const DATA: u8 = 2;
    const TO_DS_FROM_DS: u8 = 0x03;
    const PROTECTED: u8 = 0x40;
    const ORDER: u8 = 0x80;
    let (Some(&fc), Some(&flags)) = (d.get(at), d.get(at + 1)) else {
        return Err(Inner::Stopped(Some(Problem::LinkTruncated)));
    };
    if !encap.push(LayerKind::Ieee80211, at) {
        return Err(Inner::Stopped(None));
    }
    if fcs {
        // The FCS is not payload.
        *end = (*end).saturating_sub(4).max(at);
        *reported_end = (*reported_end).saturating_sub(4).max(at);
    }
    let frame_type = (fc >> 2) & 3;
    let subtype = fc >> 4;
    const NO_DATA: u8 = 0x4;
    const QOS: u8 = 0x8;
    if frame_type != DATA || subtype & NO_DATA != 0 {
        // Management, control, null data: 802.11's own traffic.
        return Err(Inner::Other(0, at));
    }
    let mut header = 24;
    if flags & TO_DS_FROM_DS == TO_DS_FROM_DS {
        header += 6;
    }
    if subtype & QOS != 0 {
        const AMSDU: u8 = 0x80;
        let Some(&qos) = d.get(at + header) else {
            return Err(Inner::Stopped(Some(Problem::LinkTruncated)));
        };
        header += 2;
        if flags & ORDER != 0 {
            header += 4;
        }
        if qos & AMSDU != 0 {
            encap.not_decoded = Some(NotDecoded::Ieee80211Amsdu);
            return Err(Inner::Stopped(None));
        }
    }
    if padded {
        header = header.next_multiple_of(4);
    }
    if flags & PROTECTED != 0 {
        encap.not_decoded = Some(NotDecoded::Ieee80211Protected);
        return Err(Inner::Stopped(None));
    }
    let llc = at + header;
    let Some(snap) = d.get(llc..llc + 8) else {
        return Err(Inner::Stopped(Some(Problem::LinkTruncated)));
    };
    // LLC AA-AA-03, then SNAP with an RFC 1042 / 802.1H OUI and an EtherType.
    if snap[..3] != [0xaa, 0xaa, 0x03] || !(snap[3..6] == [0, 0, 0] || snap[3..6] == [0, 0, 0xf8]) {
        return Err(Inner::Other(0, llc));
    }
    if !encap.push(LayerKind::Llc, llc) {
        return Err(Inner::Stopped(None));
    }
    Ok(Next::EtherType(
        u16::from_be_bytes([snap[6], snap[7]]),
        llc + 8,
    ))
}

/// The parts of an IP header the walk needs.
struct IpHeader {
    version: u8,
    protocol: u8,
    /// Offset of the upper-layer payload (after IPv6 extension headers).
    payload: usize,
    /// End of the packet per its length field.
    end: usize,
    /// A fragment (offset or more-fragments set).
    fragment: bool,
    /// A fragment other than the first (its payload starts mid-datagram).
    later_fragment: bool,
}

impl IpHeader {
    fn parse(d: &[u8], at: usize) -> Option<IpHeader> {
        let first = *d.get(at)?;
        match first >> 4 {
            4 => {
                let header = usize::from(first & 0xf) * 4;
                if header < 20 || d.len() < at + header {
                    return None;
                }
                let total = usize::from(be16(d, at + 2)?);
                let frag = be16(d, at + 6)?;
                Some(IpHeader {
                    version: 4,
                    protocol: d[at + 9],
                    payload: at + header,
                    end: at + total,
                    fragment: frag & 0x3fff != 0,
                    later_fragment: frag & 0x1fff != 0,
                })
            }
            6 => {
                if d.len() < at + 40 {
                    return None;
                }
                let payload_len = usize::from(be16(d, at + 4)?);
                let mut next = d[at + 6];
                let mut p = at + 40;
                let mut fragment = false;
                let mut later_fragment = false;
                // Bounded by the bytes: every extension header is at least 8 bytes.
                loop {
                    let len = match next {
                        proto::HOP_BY_HOP | proto::ROUTING | proto::DEST_OPTIONS => {
                            (usize::from(*d.get(p + 1)?) + 1) * 8
                        }
                        proto::AUTH => (usize::from(*d.get(p + 1)?) + 2) * 4,
                        proto::FRAGMENT => {
                            let off_flags = be16(d, p + 2)?;
                            fragment = off_flags & 0xfff9 != 0;
                            later_fragment = off_flags & 0xfff8 != 0;
                            8
                        }
                        _ => break,
                    };
                    next = *d.get(p)?;
                    p += len;
                    if d.len() < p {
                        return None;
                    }
                }
                Some(IpHeader {
                    version: 6,
                    protocol: next,
                    payload: p,
                    end: if payload_len == 0 {
                        d.len()
                    } else {
                        at + 40 + payload_len
                    },
                    fragment,
                    later_fragment,
                })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk_from(data: &[u8], next: Next) -> (Walk, Encapsulation) {
        let mut encap = Encapsulation::default();
        let mut link = Link::default();
        let w = walk(data, data.len(), next, &mut encap, &mut link);
        (w, encap)
    }

    #[test]
    fn udp_tunnel_ports_follow_wiresharks_order() {
        assert_eq!(udp_tunnel(50000, 4789), Some(4789));
        assert_eq!(udp_tunnel(3544, 3544), Some(3544));
        // The lower port wins; a port below 1024 is taken to have its own dissector.
        assert_eq!(udp_tunnel(4789, 53), None);
        assert_eq!(udp_tunnel(2152, 6081), Some(2152));
        assert_eq!(udp_tunnel(5000, 6000), None);
    }

    #[test]
    fn ppp_protocol_fields() {
        // Address/control and a compressed protocol; LCP is PPP's own traffic; IPX is counted.
        let (w, e) = walk_from(&[0xff, 0x03, 0x21, 0x45], Next::Ppp(0));
        assert_eq!((w.inner, e.len()), (Inner::Ip(3), 1));
        let (w, e) = walk_from(&[0xc0, 0x21, 1, 1], Next::Ppp(0));
        assert_eq!((w.inner, e.not_decoded), (Inner::Other(0, 2), None));
        let (w, e) = walk_from(&[0x00, 0x2b, 0, 0], Next::Ppp(0));
        assert_eq!(
            (w.inner, e.not_decoded),
            (Inner::Stopped(None), Some(NotDecoded::PppProtocol(0x2b)))
        );
    }

    #[test]
    fn gre_optional_fields_and_routing() {
        // Checksum + key + sequence: 16 bytes of header before IPv4.
        let mut g = vec![0xb0, 0x00, 0x08, 0x00];
        g.extend([0; 12]);
        g.push(0x45);
        let mut e = Encapsulation::default();
        assert_eq!(gre(&g, 0, &mut e), Ok(Next::Ip(16)));
        // Routing present: checksum/offset word, then source route entries ended by length 0.
        let mut r = vec![0x40, 0x00, 0x08, 0x00, 0, 0, 0, 0];
        r.extend([0, 0x00, 0, 4, 1, 2, 3, 4]);
        r.extend([0, 0, 0, 0]);
        r.push(0x45);
        let mut e = Encapsulation::default();
        assert_eq!(gre(&r, 0, &mut e), Ok(Next::Ip(20)));
        // A routing list that never ends stops at the end of the bytes.
        let mut e = Encapsulation::default();
        assert!(gre(&r[..14], 0, &mut e).is_err());
        // Version 2 is not GRE we know.
        let mut e = Encapsulation::default();
        assert!(gre(&[0x00, 0x02, 0x08, 0x00], 0, &mut e).is_err());
        assert_eq!(e.not_decoded, Some(NotDecoded::GreProtocol(0x0800)));
    }

    #[test]
    fn radiotap_flags_after_extended_bitmaps_and_tsft() {
        // present: TSFT | Flags | Ext; a second bitmap word; TSFT aligned to 8; flags 0x10.
        let mut h = vec![0, 0, 0, 0];
        h.extend((0x8000_0003u32).to_le_bytes());
        h.extend(0u32.to_le_bytes());
        h.extend([0; 4]); // padding: TSFT starts at offset 16
        h.extend([0; 8]);
        h.push(0x10);
        let len = h.len() as u16;
        h[2..4].copy_from_slice(&len.to_le_bytes());
        assert_eq!(radiotap_flags(&h, 0x8000_0003), Some(0x10));
        assert_eq!(radiotap_flags(&h, 0x8000_0001), None);
        assert_eq!(radiotap_flags(&h[..20], 0x8000_0003), None);
    }

    #[test]
    fn teredo_indicators_are_skipped() {
        let mut t = vec![0, 1, 2, 3, b'i', b'd', b'a', b'b', b'c'];
        t.extend([0; 9]);
        t.extend([0, 0, 1, 2, 3, 4, 5, 6]);
        t.push(0x60);
        assert_eq!(teredo_indicators(&t, 0), Some(t.len() - 1));
        assert_eq!(teredo_indicators(&[0x60, 0], 0), Some(0));
        assert_eq!(teredo_indicators(&[0, 1, 9], 0), None);
    }

    #[test]
    fn the_layer_list_is_bounded() {
        // 40 VLAN tags: the walk stops at the limit and says so.
        let mut frame = vec![0u8; 12];
        for _ in 0..40 {
            frame.extend([0x81, 0x00, 0, 1]);
        }
        frame.extend([0x08, 0x00, 0x45]);
        let (w, e) = walk_from(&frame, Next::Ethernet(0));
        assert_eq!(e.len(), MAX_ENCAP_LAYERS);
        assert_eq!(
            (w.inner, e.not_decoded),
            (Inner::Stopped(None), Some(NotDecoded::TooDeep))
        );
        assert!(e.layers().all(|l| l.kind == LayerKind::Vlan));
        assert!(!e.is_tunnelled());
        assert_eq!(
            NotDecoded::TooDeep.describe(),
            "more than 16 encapsulation layers"
        );
    }
}
