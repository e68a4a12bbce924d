//! Decoding: one captured frame → a layered, zero-copy [`Packet`] view.
//!
//! Contract (as smoltcp's `wire`): decoding never fails and never panics. A frame that stops
//! making sense part-way keeps every layer decoded before the damage and records why it stopped
//! in [`Packet::problem`]. Lengths used by the analyzers (TCP `seglen`, UDP payload length) come
//! from the headers, as Wireshark's "reported length", not from the captured bytes, so a
//! snaplen-cut packet is still analysed correctly; the captured payload slice may be shorter.
//!
//! Link layers are read here. The common well-formed frames (Ethernet/SLL/raw → IPv4 or IPv6 →
//! TCP or UDP) are decoded by hand in [`fast`]; everything else, and every frame that needs a
//! lax reading, goes through etherparse's lax slicer, and both give the same [`Packet`].
//! Encapsulations (tunnels, PPPoE, MPLS, 802.11...) are followed by `encap::walk` to the
//! innermost IP packet, which is what [`Packet::ip`] describes; [`Packet::encap`] records the
//! layers crossed. An IP length claiming more than the frame carries is cut to the frame's
//! length on the wire, as tshark does.

pub mod dhcp;
pub mod dns;
pub mod encap;
mod fast;
pub mod icmp;
pub mod link;
pub mod sip;
pub mod tcp;
pub mod text;
pub mod tls;

use std::net::IpAddr;

use etherparse::{LaxNetSlice, LaxSlicedPacket, TransportSlice};

use crate::capture::{Frame, LinkType, Timestamp};

/// The frame facts every analyzer needs, copied out of [`Frame`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FrameMeta {
    /// 1-based frame number, as Wireshark shows it.
    pub number: u64,
    pub ts: Timestamp,
    pub interface: u32,
    pub link_type: LinkType,
    /// Bytes present in the file.
    pub cap_len: u32,
    /// Bytes on the wire.
    pub orig_len: u32,
}

/// A decoded frame. Borrowed slices point into the frame's bytes.
#[derive(Debug, Clone)]
pub struct Packet<'a> {
    pub meta: FrameMeta,
    pub link: link::Link,
    /// The innermost IP layer (inside any tunnels: see `encap`).
    pub ip: Option<Ip<'a>>,
    pub transport: Transport<'a>,
    /// Why decoding stopped early, if it did (snaplen cut, malformed header, unknown link type).
    pub problem: Option<Problem>,
    /// The frame's captured bytes (`encap`'s offsets index into them).
    pub data: &'a [u8],
    /// The encapsulation layers crossed on the way to `ip`, and any not followed.
    pub encap: encap::Encapsulation,
}

/// Where and why decoding stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    /// The link type is not one we decode; the frame still counts in capinfos and flows.
    UnknownLinkType(u32),
    /// The link-layer header itself is cut short.
    LinkTruncated,
    /// An IP header is cut short or invalid.
    BadIp,
    /// The transport header is cut short or invalid.
    BadTransport,
}

/// IPv4 or IPv6 network layer.
#[derive(Debug, Clone)]
pub struct Ip<'a> {
    pub version: u8,
    pub src: IpAddr,
    pub dst: IpAddr,
    /// The upper-layer protocol number (after IPv6 extension headers).
    pub protocol: u8,
    /// TTL / hop limit.
    pub ttl: u8,
    /// IPv4 identification, or the IPv6 fragment header's identification (0 when absent).
    pub ident: u32,
    /// Set when this packet is a fragment (offset > 0 or more-fragments set).
    pub fragment: Option<Fragment>,
    /// Length of the upper-layer payload according to the headers.
    pub payload_len: u32,
    /// The captured part of the upper-layer payload (may be shorter than `payload_len`).
    pub payload: &'a [u8],
}

/// IP fragmentation facts, for reassembly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fragment {
    /// Offset of this fragment's payload in bytes.
    pub offset: u32,
    pub more_fragments: bool,
}

/// The transport layer, when it could be decoded.
#[derive(Debug, Clone)]
pub enum Transport<'a> {
    None,
    Tcp(tcp::Segment<'a>),
    Udp(Udp<'a>),
    Icmpv4(Icmp<'a>),
    Icmpv6(Icmp<'a>),
    /// Another IP protocol, or a non-first fragment.
    Other(u8),
}

/// A UDP datagram.
#[derive(Debug, Clone)]
pub struct Udp<'a> {
    pub src_port: u16,
    pub dst_port: u16,
    /// Payload length per the UDP length field (or the IP length when that is absurd).
    pub payload_len: u32,
    /// The captured payload (may be shorter than `payload_len`).
    pub payload: &'a [u8],
}

/// An ICMP or ICMPv6 message.
#[derive(Debug, Clone)]
pub struct Icmp<'a> {
    pub icmp_type: u8,
    pub code: u8,
    /// Bytes 4..8 of the header (identifier and sequence for echo, unused/MTU for errors).
    pub rest_of_header: [u8; 4],
    /// Everything after the 8-byte header (for errors: the quoted original packet).
    pub body: &'a [u8],
}

impl Icmp<'_> {
    /// Echo identifier (big-endian, as Wireshark shows `icmp.ident`).
    pub fn ident(&self) -> u16 {
        u16::from_be_bytes([self.rest_of_header[0], self.rest_of_header[1]])
    }
    /// Echo sequence number (big-endian).
    pub fn seq(&self) -> u16 {
        u16::from_be_bytes([self.rest_of_header[2], self.rest_of_header[3]])
    }
}

impl<'a> Packet<'a> {
    /// The TCP segment, if this packet carries one.
    pub fn tcp(&self) -> Option<&tcp::Segment<'a>> {
        match &self.transport {
            Transport::Tcp(t) => Some(t),
            _ => None,
        }
    }
    /// The UDP datagram, if this packet carries one.
    pub fn udp(&self) -> Option<&Udp<'a>> {
        match &self.transport {
            Transport::Udp(u) => Some(u),
            _ => None,
        }
    }
}

/// Decodes one frame. Never fails: see the module doc.
#[inline]
pub fn decode_frame<'a>(frame: &Frame<'a>) -> Packet<'a> {
    let meta = FrameMeta {
        number: frame.number,
        ts: frame.ts,
        interface: frame.interface,
        link_type: frame.link_type,
        cap_len: frame.data.len() as u32,
        orig_len: frame.orig_len,
    };
    let mut link = link::Link::default();
    let mut encap = encap::Encapsulation::default();
    // Ethernet, by far the most common, needs nothing from `decode_link`.
    let payload = if frame.link_type == LinkType::ETHERNET {
        link::LinkPayload::Ethernet(frame.data)
    } else {
        link::decode_link(frame.link_type, frame.data, &mut link)
    };
    if let Some(network) = fast::network_bytes(&payload, &mut link, &mut encap) {
        let at = offset_in(frame.data, network);
        let reported = reported_len(&meta).saturating_sub(at);
        if let Some((ip, transport)) = fast::ip_transport(network, reported) {
            encap.ip_offset = Some(at as u32);
            return Packet {
                meta,
                link,
                ip: Some(ip),
                transport,
                problem: None,
                data: frame.data,
                encap,
            };
        }
    }
    decode_general(meta, frame)
}

/// The frame's length on the wire (Wireshark's reported length), never below what was
/// captured.
fn reported_len(meta: &FrameMeta) -> usize {
    meta.orig_len.max(meta.cap_len) as usize
}

/// Where `part` (a subslice of `whole`) starts in `whole`.
#[inline(always)]
fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    (part.as_ptr() as usize).saturating_sub(whole.as_ptr() as usize)
}

/// The general path of [`decode_frame`]: any frame. Encapsulations are followed by
/// `encap::walk`; the innermost layers (and every frame without a tunnel, as before there
/// were tunnels) go through etherparse's lax slicer.
#[inline(never)]
fn decode_general<'a>(meta: FrameMeta, frame: &Frame<'a>) -> Packet<'a> {
    let data = frame.data;
    let mut packet = Packet {
        meta,
        link: link::Link::default(),
        ip: None,
        transport: Transport::None,
        problem: None,
        data,
        encap: encap::Encapsulation::default(),
    };
    let reported = reported_len(&meta);
    let payload = link::decode_link(frame.link_type, data, &mut packet.link);
    let start = match payload {
        link::LinkPayload::Ethernet(_) => encap::Next::Ethernet(0),
        link::LinkPayload::EtherType(t, bytes) => encap::Next::EtherType(t, offset_in(data, bytes)),
        link::LinkPayload::Ip(bytes) => encap::Next::Ip(offset_in(data, bytes)),
        link::LinkPayload::Walk(next) => next,
        link::LinkPayload::None(problem) => {
            packet.problem = problem;
            if let Some(Problem::UnknownLinkType(lt)) = problem {
                packet.encap.not_decoded = Some(encap::NotDecoded::LinkType(lt));
            }
            return packet;
        }
    };
    let mut walk_link = packet.link;
    let walk = encap::walk(data, reported, start, &mut packet.encap, &mut walk_link);
    let etherparse_handles = matches!(
        payload,
        link::LinkPayload::Ethernet(_)
            | link::LinkPayload::EtherType(..)
            | link::LinkPayload::Ip(_)
    ) && !packet.encap.is_tunnelled()
        && packet.encap.len() <= 3;
    if etherparse_handles {
        let sliced = match payload {
            link::LinkPayload::Ethernet(bytes) => match LaxSlicedPacket::from_ethernet(bytes) {
                Ok(s) => s,
                Err(_) => {
                    packet.problem = Some(Problem::LinkTruncated);
                    return packet;
                }
            },
            link::LinkPayload::EtherType(ether_type, bytes) => {
                LaxSlicedPacket::from_ether_type(etherparse::EtherType(ether_type), bytes)
            }
            link::LinkPayload::Ip(bytes) => match LaxSlicedPacket::from_ip(bytes) {
                Ok(s) => s,
                Err(_) => {
                    packet.problem = Some(Problem::BadIp);
                    return packet;
                }
            },
            _ => return packet,
        };
        fill_from_sliced(&mut packet, &sliced, reported);
        return packet;
    }
    packet.link = walk_link;
    if let encap::Inner::Stopped(problem) = walk.inner {
        packet.problem = problem;
    }
    let ip_at = match walk.inner {
        encap::Inner::Ip(at) => Some(at),
        encap::Inner::Other(t, _) => {
            // Flows counts ARP frames by their EtherType.
            if matches!(t, 0x0806 | 0x8035) {
                packet.link.ether_type = Some(t);
            }
            None
        }
        encap::Inner::Stopped(_) => None,
    };
    // When the walk stopped inside a tunnel, the innermost IP decoded is the last one crossed.
    let (ip_at, end, reported_end) = match ip_at {
        Some(at) => (at, walk.end, walk.reported_end),
        None => match packet
            .encap
            .layers()
            .filter(|l| matches!(l.kind, encap::LayerKind::Ipv4 | encap::LayerKind::Ipv6))
            .last()
        {
            Some(l) => (l.offset as usize, data.len(), reported),
            None => return packet,
        },
    };
    let Some(bytes) = data.get(ip_at..end.max(ip_at)) else {
        packet.problem = Some(Problem::BadIp);
        return packet;
    };
    let reported_from_ip = reported_end.saturating_sub(ip_at);
    if let Some((ip, transport)) = fast::ip_transport(bytes, reported_from_ip) {
        packet.ip = Some(ip);
        packet.transport = transport;
    } else {
        match LaxSlicedPacket::from_ip(bytes) {
            Ok(sliced) => {
                let problem = packet.problem;
                fill_from_sliced(&mut packet, &sliced, reported_end);
                packet.problem = packet.problem.or(problem);
            }
            Err(_) => {
                packet.problem = Some(Problem::BadIp);
                return packet;
            }
        }
    }
    packet.encap.ip_offset = Some(ip_at as u32);
    packet
}

/// Decodes a bare IP packet (e.g. the original datagram quoted inside an ICMP error).
pub fn decode_ip(bytes: &[u8]) -> Option<(Ip<'_>, Transport<'_>)> {
    let sliced = LaxSlicedPacket::from_ip(bytes).ok()?;
    let mut packet = Packet {
        meta: FrameMeta {
            number: 0,
            ts: Timestamp::default(),
            interface: 0,
            link_type: LinkType::RAW,
            cap_len: bytes.len() as u32,
            orig_len: bytes.len() as u32,
        },
        link: link::Link::default(),
        ip: None,
        transport: Transport::None,
        problem: None,
        data: bytes,
        encap: encap::Encapsulation::default(),
    };
    // A quoted packet keeps the lengths its headers claim.
    fill_from_sliced(&mut packet, &sliced, usize::MAX);
    packet.ip.map(|ip| (ip, packet.transport))
}

/// Fills `packet` from etherparse's slices, which point into `packet.data`. `reported_end` is
/// where the frame's reported bytes end, counted from the start of `packet.data` (`usize::MAX`
/// for a quoted packet): IP lengths claiming more than the frame carries are cut to it, as
/// tshark does.
fn fill_from_sliced<'a>(
    packet: &mut Packet<'a>,
    sliced: &LaxSlicedPacket<'a>,
    reported_end: usize,
) {
    for ext in &sliced.link_exts {
        if let etherparse::LaxLinkExtSlice::Vlan(v) = ext {
            packet.link.push_vlan(v.vlan_identifier().value());
        }
    }
    if packet.link.ether_type.is_none() {
        if let Some(etherparse::LinkSlice::Ethernet2(eth)) = &sliced.link {
            packet.link.src_mac = Some(eth.source());
            packet.link.dst_mac = Some(eth.destination());
        }
    }
    let net = match &sliced.net {
        Some(net) => net,
        None => {
            if sliced.stop_err.is_some() {
                packet.problem = Some(Problem::BadIp);
            }
            return;
        }
    };
    let (ip, payload, ip_at) = match net {
        LaxNetSlice::Ipv4(v4) => {
            let h = v4.header();
            let payload = v4.payload();
            let at = offset_in(packet.data, h.slice());
            let header_len = u32::from(h.ihl()) * 4;
            let reported_payload = reported_end
                .saturating_sub(at)
                .saturating_sub(header_len as usize);
            let frag_offset = u32::from(h.fragments_offset().value()) * 8;
            let more = h.more_fragments();
            let ip = Ip {
                version: 4,
                src: IpAddr::V4(h.source_addr()),
                dst: IpAddr::V4(h.destination_addr()),
                protocol: h.protocol().0,
                ttl: h.ttl(),
                ident: u32::from(h.identification()),
                fragment: (frag_offset > 0 || more).then_some(Fragment {
                    offset: frag_offset,
                    more_fragments: more,
                }),
                payload_len: u32::from(h.total_len())
                    .saturating_sub(header_len)
                    .min(u32::try_from(reported_payload).unwrap_or(u32::MAX)),
                payload: payload.payload,
            };
            (ip, payload, at)
        }
        LaxNetSlice::Ipv6(v6) => {
            let h = v6.header();
            let payload = v6.payload();
            let at = offset_in(packet.data, h.slice());
            // etherparse's extension iterator reads out of bounds when lax parsing stopped
            // inside the extension chain (found by the mutation test), so walk it ourselves.
            let ext_bytes = v6.extensions().slice();
            let ext_len = ext_bytes.len() as u32;
            let (ident, fragment) = ipv6_fragment(h.next_header().0, ext_bytes);
            let ip = Ip {
                version: 6,
                src: IpAddr::V6(h.source_addr()),
                dst: IpAddr::V6(h.destination_addr()),
                protocol: payload.ip_number.0,
                ttl: h.hop_limit(),
                ident,
                fragment,
                payload_len: if h.payload_length() == 0 {
                    // Jumbogram or TSO capture: trust the captured bytes.
                    payload.payload.len() as u32
                } else {
                    let reported_payload = reported_end
                        .saturating_sub(at)
                        .saturating_sub(40 + ext_len as usize);
                    u32::from(h.payload_length())
                        .saturating_sub(ext_len)
                        .min(u32::try_from(reported_payload).unwrap_or(u32::MAX))
                },
                payload: payload.payload,
            };
            (ip, payload, at)
        }
        LaxNetSlice::Arp(_) => {
            // Flows counts ARP frames; Ethernet does not name its EtherType otherwise.
            packet.link.ether_type = Some(0x0806);
            return;
        }
    };
    // Offloaded (TSO) captures write total length 0: fall back to what was captured.
    let ip_payload_len =
        if payload.len_source == etherparse::LenSource::Slice && ip.payload_len == 0 {
            payload.payload.len() as u32
        } else {
            ip.payload_len
        };
    packet.encap.ip_offset = Some(ip_at as u32);
    let non_first_fragment = ip.fragment.is_some_and(|f| f.offset > 0);
    let protocol = ip.protocol;
    packet.ip = Some(Ip {
        payload_len: ip_payload_len,
        ..ip
    });
    if non_first_fragment {
        packet.transport = Transport::Other(protocol);
        return;
    }
    packet.transport = match &sliced.transport {
        Some(TransportSlice::Tcp(t)) => {
            let header_len = u32::from(t.data_offset()) * 4;
            Transport::Tcp(tcp::Segment {
                src_port: t.source_port(),
                dst_port: t.destination_port(),
                seq: t.sequence_number(),
                ack: t.acknowledgment_number(),
                flags: tcp::Flags::from_header(t.header_slice()),
                window: t.window_size(),
                header_len: header_len as u8,
                options: t.header_slice().get(20..).unwrap_or(&[]),
                seglen: ip_payload_len.saturating_sub(header_len),
                payload: t.payload(),
            })
        }
        Some(TransportSlice::Udp(u)) => Transport::Udp(Udp {
            src_port: u.source_port(),
            dst_port: u.destination_port(),
            payload_len: udp_payload_len(u32::from(u.length()), ip_payload_len),
            payload: u.payload(),
        }),
        Some(TransportSlice::Icmpv4(i)) => Transport::Icmpv4(icmp_from(i.slice())),
        Some(TransportSlice::Icmpv6(i)) => Transport::Icmpv6(icmp_from(i.slice())),
        _ => {
            if sliced.stop_err.is_some() {
                packet.problem = Some(Problem::BadTransport);
            }
            // Includes a first fragment: etherparse does not slice its transport header.
            Transport::Other(protocol)
        }
    };
}

/// UDP payload length: the length field's, or the IP payload's when the field is below the
/// header size.
fn udp_payload_len(udp_len: u32, ip_payload_len: u32) -> u32 {
    if udp_len >= 8 && udp_len <= ip_payload_len.max(udp_len) {
        udp_len - 8
    } else {
        ip_payload_len.saturating_sub(8)
    }
}

fn icmp_from(bytes: &[u8]) -> Icmp<'_> {
    let mut rest = [0u8; 4];
    if let Some(r) = bytes.get(4..8) {
        rest.copy_from_slice(r);
    }
    Icmp {
        icmp_type: bytes.first().copied().unwrap_or(0),
        code: bytes.get(1).copied().unwrap_or(0),
        rest_of_header: rest,
        body: bytes.get(8..).unwrap_or(&[]),
    }
}

/// Finds the fragment header in an IPv6 extension chain: (identification, fragment facts).
/// Bounds-checked walk over the extension bytes; stops at the first non-extension header.
fn ipv6_fragment(mut next: u8, mut ext: &[u8]) -> (u32, Option<Fragment>) {
    const HOP_BY_HOP: u8 = 0;
    const ROUTING: u8 = 43;
    const FRAGMENT: u8 = 44;
    const AUTH: u8 = 51;
    const DEST_OPTIONS: u8 = 60;
    loop {
        let (Some(&following), Some(&len_field)) = (ext.first(), ext.get(1)) else {
            return (0, None);
        };
        let len = match next {
            HOP_BY_HOP | ROUTING | DEST_OPTIONS => (usize::from(len_field) + 1) * 8,
            AUTH => (usize::from(len_field) + 2) * 4,
            FRAGMENT => {
                let Some(f) = ext.get(..8) else {
                    return (0, None);
                };
                let off_flags = u16::from_be_bytes([f[2], f[3]]);
                let offset = u32::from(off_flags >> 3) * 8;
                let more_fragments = off_flags & 1 != 0;
                let ident = u32::from_be_bytes([f[4], f[5], f[6], f[7]]);
                let fragment = (offset > 0 || more_fragments).then_some(Fragment {
                    offset,
                    more_fragments,
                });
                return (ident, fragment);
            }
            _ => return (0, None),
        };
        let Some(rest) = ext.get(len..) else {
            return (0, None);
        };
        next = following;
        ext = rest;
    }
}
