//! The flows analyzer: conversations per IP pair and per UDP 4-tuple, top talkers and frames per
//! protocol.
//!
//! Counted like `tshark -z conv,ip|ipv6|udp`: every frame with an IP header counts in its address
//! pair (fragments included; headers quoted inside ICMP errors do not count); a UDP datagram
//! counts once, at the frame where Wireshark dissects it (the last fragment when reassembled).
//! Bytes are frame lengths on the wire. A conversation's `a` is the source of its first frame.

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use super::ports::{self, App};
use super::tls::{endpoint, ip_text};
use super::{Analyzer, PacketContext};
use crate::capture::Timestamp;
use crate::report::flows::{Conversation, FlowsSection, Talker};

/// Conversations tracked per table (IP pairs, UDP 4-tuples); later ones are counted as dropped.
pub const MAX_CONVERSATIONS: usize = 200_000;
/// Entries in each top-talker list.
pub const TOP_TALKERS: usize = 10;
/// TCP streams (by number) whose IP conversation is remembered, so their packets skip the
/// conversation lookup (4 bytes each; later streams take the lookup).
pub const MAX_REMEMBERED_STREAMS: usize = 1 << 20;

#[derive(Debug, Clone, Copy)]
struct ConvState {
    a: (IpAddr, u16),
    b: (IpAddr, u16),
    /// `a` is the lower endpoint of the key: a frame whose source is the lower endpoint goes
    /// a → b (when both ends are equal every frame does).
    a_is_low: bool,
    frames_ab: u64,
    bytes_ab: u64,
    frames_ba: u64,
    bytes_ba: u64,
    first_frame: u64,
    first: Timestamp,
    last: Timestamp,
}

/// An unordered endpoint pair, packed for hashing: (lower, higher) endpoint, each as an
/// IPv4 address and port in 48 bits (both in one `u128`) or IPv6 address and port.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum ConvKey {
    V4(u128),
    V6([(u128, u16); 2]),
}

impl ConvKey {
    /// The key of a frame from `src` to `dst`, and whether `src` is its lower endpoint.
    #[inline]
    fn of(src: (&IpAddr, u16), dst: (&IpAddr, u16)) -> (ConvKey, bool) {
        match (src.0, dst.0) {
            (IpAddr::V4(s), IpAddr::V4(d)) => {
                let s = u64::from(u32::from(*s)) << 16 | u64::from(src.1);
                let d = u64::from(u32::from(*d)) << 16 | u64::from(dst.1);
                let (lo, hi, src_low) = if s <= d { (s, d, true) } else { (d, s, false) };
                (ConvKey::V4(u128::from(lo) << 64 | u128::from(hi)), src_low)
            }
            _ => {
                let wide = |(ip, port): (&IpAddr, u16)| {
                    let v = match *ip {
                        IpAddr::V4(a) => u128::from(u32::from(a)),
                        IpAddr::V6(a) => u128::from(a),
                    };
                    // A frame's addresses are of one family, so V4 never meets V6 here.
                    (v, port)
                };
                let (s, d) = (wide(src), wide(dst));
                if s <= d {
                    (ConvKey::V6([s, d]), true)
                } else {
                    (ConvKey::V6([d, s]), false)
                }
            }
        }
    }
}

/// Unordered endpoint pair → index in the conversation list.
#[derive(Debug, Default)]
struct ConvTable {
    index: HashMap<ConvKey, u32, foldhash::fast::RandomState>,
    list: Vec<ConvState>,
    dropped: u64,
    /// The last key looked up: consecutive frames often belong to the same conversation.
    last: Option<(ConvKey, u32)>,
}

impl ConvTable {
    /// Counts a frame from `src` to `dst` in conversation `i` when that is their conversation
    /// (a remembered index); false when it is not.
    #[inline(always)]
    fn add_at(&mut self, i: usize, src: &IpAddr, dst: &IpAddr, ts: Timestamp, bytes: u64) -> bool {
        let Some(c) = self.list.get_mut(i) else {
            return false;
        };
        if c.a.0 == *src && c.b.0 == *dst {
            c.frames_ab += 1;
            c.bytes_ab += bytes;
        } else if c.a.0 == *dst && c.b.0 == *src {
            c.frames_ba += 1;
            c.bytes_ba += bytes;
        } else {
            return false;
        }
        c.last = ts;
        true
    }

    /// Counts a frame of `bytes` from `src` to `dst`; returns its conversation's index (`None`
    /// when the table is full).
    #[inline(always)]
    fn add(
        &mut self,
        src: (&IpAddr, u16),
        dst: (&IpAddr, u16),
        frame: u64,
        ts: Timestamp,
        bytes: u64,
    ) -> Option<usize> {
        let (key, src_low) = ConvKey::of(src, dst);
        let i = match self.last {
            Some((k, i)) if k == key => i,
            _ => match self.index.get(&key) {
                Some(&i) => i,
                None => {
                    if self.list.len() >= MAX_CONVERSATIONS {
                        self.dropped += 1;
                        return None;
                    }
                    self.list.push(ConvState {
                        a: (*src.0, src.1),
                        b: (*dst.0, dst.1),
                        a_is_low: src_low,
                        frames_ab: 0,
                        bytes_ab: 0,
                        frames_ba: 0,
                        bytes_ba: 0,
                        first_frame: frame,
                        first: ts,
                        last: ts,
                    });
                    let i = (self.list.len() - 1) as u32;
                    self.index.insert(key, i);
                    i
                }
            },
        };
        self.last = Some((key, i));
        let c = self.list.get_mut(i as usize)?;
        if src_low == c.a_is_low {
            c.frames_ab += 1;
            c.bytes_ab += bytes;
        } else {
            c.frames_ba += 1;
            c.bytes_ba += bytes;
        }
        c.last = ts;
        Some(i as usize)
    }

    /// tshark's order: most frames first, ties in order of first appearance.
    fn into_report(self, with_ports: bool) -> Vec<Conversation> {
        // Sort (frames, position) pairs rather than the entries: same order as a stable sort.
        let mut order: Vec<(std::cmp::Reverse<u64>, usize)> = self
            .list
            .iter()
            .map(|c| std::cmp::Reverse(c.frames_ab + c.frames_ba))
            .zip(0..)
            .collect();
        order.sort_unstable();
        order
            .into_iter()
            .filter_map(|(_, i)| self.list.get(i))
            .map(|c| Conversation {
                a: endpoint_text(c.a, with_ports),
                b: endpoint_text(c.b, with_ports),
                ip_version: if c.a.0.is_ipv4() { 4 } else { 6 },
                packets_a_to_b: c.frames_ab,
                bytes_a_to_b: c.bytes_ab,
                packets_b_to_a: c.frames_ba,
                bytes_b_to_a: c.bytes_ba,
                packets: c.frames_ab + c.frames_ba,
                bytes: c.bytes_ab + c.bytes_ba,
                first_frame: c.first_frame,
                first_time: c.first.as_f64(),
                last_time: c.last.as_f64(),
                duration_s: c.last.seconds_since(c.first),
            })
            .collect()
    }
}

fn endpoint_text((ip, port): (IpAddr, u16), with_port: bool) -> String {
    if with_port {
        endpoint(ip, port)
    } else {
        ip_text(ip)
    }
}

/// Frame counters per protocol, in a fixed array for the hot path.
#[derive(Debug, Clone, Copy)]
enum Proto {
    Ethernet,
    LinuxSll,
    Vlan,
    Arp,
    Ipv4,
    Ipv6,
    Ipv4Fragment,
    Ipv6Fragment,
    Tcp,
    Udp,
    Icmp,
    Icmpv6,
    Dns,
    Mdns,
    Llmnr,
    Dhcp,
    Dhcpv6,
}

const PROTO_NAMES: [&str; 17] = [
    "ethernet",
    "linux_sll",
    "vlan",
    "arp",
    "ipv4",
    "ipv6",
    "ipv4_fragment",
    "ipv6_fragment",
    "tcp",
    "udp",
    "icmp",
    "icmpv6",
    "dns",
    "mdns",
    "llmnr",
    "dhcp",
    "dhcpv6",
];

#[derive(Debug, Default)]
pub struct FlowsAnalyzer {
    ip: ConvTable,
    /// Per TCP stream number: its IP conversation's index + 1 (0: not known yet).
    stream_conv: Vec<u32>,
    udp: ConvTable,
    protocols: [u64; PROTO_NAMES.len()],
}

impl Analyzer for FlowsAnalyzer {
    type Section = FlowsSection;

    fn on_packet(&mut self, ctx: &PacketContext<'_, '_>) {
        let packet = ctx.packet;
        let meta = &packet.meta;
        let bytes = u64::from(meta.orig_len);
        let count = |p: &mut [u64; PROTO_NAMES.len()], proto: Proto| p[proto as usize] += 1;
        match meta.link_type {
            crate::capture::LinkType::ETHERNET => count(&mut self.protocols, Proto::Ethernet),
            crate::capture::LinkType::LINUX_SLL | crate::capture::LinkType::LINUX_SLL2 => {
                count(&mut self.protocols, Proto::LinuxSll)
            }
            _ => {}
        }
        if packet.link.vlan_count > 0 {
            count(&mut self.protocols, Proto::Vlan);
        }
        // Wireshark's ARP dissector also reads RARP (0x8035).
        if matches!(packet.link.ether_type, Some(0x0806 | 0x8035)) {
            count(&mut self.protocols, Proto::Arp);
        }
        // Tunnel layers: their conversations first (tshark meets the outer headers first).
        let outer = if packet.encap.is_empty() {
            None
        } else {
            Some(self.outer_layers(packet))
        };
        let Some(ip) = &packet.ip else { return };
        count(
            &mut self.protocols,
            if ip.version == 4 {
                Proto::Ipv4
            } else {
                Proto::Ipv6
            },
        );
        if ip.fragment.is_some() {
            count(
                &mut self.protocols,
                if ip.version == 4 {
                    Proto::Ipv4Fragment
                } else {
                    Proto::Ipv6Fragment
                },
            );
        }
        // A TCP stream stays within one address pair: remember its conversation.
        let stream = ctx.tcp.map(|t| t.stream as usize);
        let remembered = stream
            .and_then(|s| self.stream_conv.get(s))
            .is_some_and(|&slot| {
                slot > 0
                    && self
                        .ip
                        .add_at(slot as usize - 1, &ip.src, &ip.dst, meta.ts, bytes)
            });
        if !remembered {
            let i = self
                .ip
                .add((&ip.src, 0), (&ip.dst, 0), meta.number, meta.ts, bytes);
            if let (Some(s), Some(i)) = (stream, i) {
                if s < MAX_REMEMBERED_STREAMS {
                    if s >= self.stream_conv.len() {
                        self.stream_conv.resize(s + 1, 0);
                    }
                    if let Some(slot) = self.stream_conv.get_mut(s) {
                        *slot = i as u32 + 1;
                    }
                }
            }
        }
        // The transport is dissected once per datagram: in an unfragmented packet (even when its
        // header is damaged, as tshark still names it) or at the fragment completing a datagram.
        let transport = match (&ctx.reassembled, ip.fragment) {
            (Some(r), _) => Some(r.protocol),
            (None, None) => Some(ip.protocol),
            (None, Some(_)) => None,
        };
        if let Some(outer) = outer {
            self.count_outer(outer, ip.version, transport);
        }
        match transport {
            Some(6) => count(&mut self.protocols, Proto::Tcp),
            Some(17) => count(&mut self.protocols, Proto::Udp),
            Some(1) => count(&mut self.protocols, Proto::Icmp),
            Some(58) => count(&mut self.protocols, Proto::Icmpv6),
            _ => {}
        }
        if let Some(udp) = &ctx.udp {
            self.udp.add(
                (&ip.src, udp.src_port),
                (&ip.dst, udp.dst_port),
                meta.number,
                meta.ts,
                bytes,
            );
            match ports::udp_app(udp.src_port, udp.dst_port) {
                Some(App::Dns) => count(&mut self.protocols, Proto::Dns),
                Some(App::Mdns) => count(&mut self.protocols, Proto::Mdns),
                Some(App::Llmnr) => count(&mut self.protocols, Proto::Llmnr),
                Some(App::Dhcp) => count(&mut self.protocols, Proto::Dhcp),
                Some(App::Dhcpv6) => count(&mut self.protocols, Proto::Dhcpv6),
                _ => {}
            }
        }
    }

    fn finish(self) -> FlowsSection {
        let talkers = talkers(&self.ip.list);
        let mut by_bytes = talkers.clone();
        by_bytes.sort_by(|x, y| y.bytes.cmp(&x.bytes).then(y.packets.cmp(&x.packets)));
        by_bytes.truncate(TOP_TALKERS);
        let mut by_packets = talkers;
        by_packets.sort_by(|x, y| y.packets.cmp(&x.packets).then(y.bytes.cmp(&x.bytes)));
        by_packets.truncate(TOP_TALKERS);
        let protocol_frames: BTreeMap<String, u64> = PROTO_NAMES
            .iter()
            .zip(self.protocols)
            .filter(|(_, n)| *n > 0)
            .map(|(name, n)| (name.to_string(), n))
            .collect();
        FlowsSection {
            conversations_dropped: self.ip.dropped + self.udp.dropped,
            ip_conversations: self.ip.into_report(false),
            udp_conversations: self.udp.into_report(true),
            top_talkers_by_bytes: by_bytes,
            top_talkers_by_packets: by_packets,
            protocol_frames,
            ip_fragments: Default::default(),
        }
    }
}

/// Protocols of the tunnel layers around a frame's innermost IP packet.
#[derive(Debug, Default, Clone, Copy)]
struct OuterLayers {
    ipv4: bool,
    ipv6: bool,
    udp: bool,
}

/// Source and destination addresses of the IP header at `at`.
fn ip_addresses(data: &[u8], at: usize) -> Option<(IpAddr, IpAddr)> {
    let header = data.get(at..)?;
    match header.first()? >> 4 {
        4 => {
            let src: [u8; 4] = header.get(12..16)?.try_into().ok()?;
            let dst: [u8; 4] = header.get(16..20)?.try_into().ok()?;
            Some((IpAddr::from(src), IpAddr::from(dst)))
        }
        6 => {
            let src: [u8; 16] = header.get(8..24)?.try_into().ok()?;
            let dst: [u8; 16] = header.get(24..40)?.try_into().ok()?;
            Some((IpAddr::from(src), IpAddr::from(dst)))
        }
        _ => None,
    }
}

impl FlowsAnalyzer {
    /// A frame counts once per protocol, however many tunnel layers carry it: the outer layers'
    /// protocols count unless the innermost packet counts them already.
    #[inline(never)]
    fn count_outer(&mut self, outer: OuterLayers, version: u8, transport: Option<u8>) {
        if outer.ipv4 && version != 4 {
            self.protocols[Proto::Ipv4 as usize] += 1;
        }
        if outer.ipv6 && version != 6 {
            self.protocols[Proto::Ipv6 as usize] += 1;
        }
        if outer.udp && transport != Some(17) {
            self.protocols[Proto::Udp as usize] += 1;
        }
    }

    /// Conversations of the tunnel layers (tshark's conversation tables list the outer IP and
    /// UDP headers too, each counting the frame).
    #[inline(never)]
    fn outer_layers(&mut self, packet: &crate::decode::Packet<'_>) -> OuterLayers {
        use crate::decode::encap::LayerKind;
        let mut outer = OuterLayers::default();
        let meta = &packet.meta;
        let bytes = u64::from(meta.orig_len);
        let mut last_ip: Option<(IpAddr, IpAddr)> = None;
        for layer in packet.encap.layers() {
            let at = layer.offset as usize;
            match layer.kind {
                LayerKind::Ipv4 | LayerKind::Ipv6 => {
                    if packet.encap.ip_offset == Some(layer.offset) {
                        continue;
                    }
                    let Some((src, dst)) = ip_addresses(packet.data, at) else {
                        continue;
                    };
                    if layer.kind == LayerKind::Ipv4 {
                        outer.ipv4 = true;
                    } else {
                        outer.ipv6 = true;
                    }
                    self.ip
                        .add((&src, 0), (&dst, 0), meta.number, meta.ts, bytes);
                    last_ip = Some((src, dst));
                }
                LayerKind::Udp => {
                    outer.udp = true;
                    let ports = packet.data.get(at..at + 4);
                    if let (Some((src, dst)), Some(p)) = (last_ip, ports) {
                        let sport = u16::from_be_bytes([p[0], p[1]]);
                        let dport = u16::from_be_bytes([p[2], p[3]]);
                        self.udp
                            .add((&src, sport), (&dst, dport), meta.number, meta.ts, bytes);
                    }
                }
                _ => {}
            }
        }
        outer
    }
}

/// Per-address totals from the IP conversations (in order of first appearance).
fn talkers(convs: &[ConvState]) -> Vec<Talker> {
    let mut index: HashMap<IpAddr, usize, foldhash::fast::RandomState> = HashMap::default();
    let mut out: Vec<Talker> = Vec::new();
    let mut slot = |addr: IpAddr, out: &mut Vec<Talker>| -> usize {
        *index.entry(addr).or_insert_with(|| {
            out.push(Talker {
                address: ip_text(addr),
                ..Talker::default()
            });
            out.len() - 1
        })
    };
    for c in convs {
        let a = slot(c.a.0, &mut out);
        let b = slot(c.b.0, &mut out);
        for (i, sent_f, sent_b, recv_f, recv_b) in [
            (a, c.frames_ab, c.bytes_ab, c.frames_ba, c.bytes_ba),
            (b, c.frames_ba, c.bytes_ba, c.frames_ab, c.bytes_ab),
        ] {
            if a == b && i == b {
                break; // a host talking to itself counts once
            }
            if let Some(t) = out.get_mut(i) {
                t.packets_sent += sent_f;
                t.bytes_sent += sent_b;
                t.packets_received += recv_f;
                t.bytes_received += recv_b;
                t.packets = t.packets_sent + t.packets_received;
                t.bytes = t.bytes_sent + t.bytes_received;
            }
        }
    }
    out
}
