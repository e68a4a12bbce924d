//! Packet builders: a [`Packet`] is a link header, a network header, a transport header and a
//! payload, written into a caller-owned `Vec<u8>` so a generator can reuse one buffer for
//! millions of frames.
//!
//! Everything derived (lengths, next-header chains, IPv4/TCP/UDP/ICMP checksums) is computed
//! unless the corresponding `Option` override is set, which is how tests produce malformed
//! packets on purpose.
//!
//! ```
//! use pcaplens_synth::packet::{Packet, Tcp, TcpFlags, TcpOption};
//! let opts = [TcpOption::Mss(1460), TcpOption::SackPermitted];
//! let frame = Packet::tcp(
//!     "10.0.0.1:40000".parse().unwrap(),
//!     "10.0.0.2:80".parse().unwrap(),
//!     Tcp { options: &opts, ..Tcp::new(0, 0, 1000, TcpFlags::SYN) },
//!     &[],
//! )
//! .to_vec();
//! assert_eq!(frame.len(), 14 + 20 + 28);
//! ```

pub mod encap;
mod ip;
mod link;
mod transport;

pub use ip::{protocol, Ipv4, Ipv6, Ipv6Extension};
pub use link::{ethertype, packet_type, Link, Mac, VlanTag};
pub use transport::{
    icmpv4_type, icmpv6_type, linux_syn_options, windows_syn_options, Icmp, Tcp, TcpFlags,
    TcpOption, Udp,
};

use std::net::{IpAddr, SocketAddr};

use crate::checksum;

/// Default MAC of the "client" side in convenience constructors.
pub const CLIENT_MAC: Mac = [0x02, 0x00, 0x00, 0x00, 0x00, 0x01];
/// Default MAC of the "server" side (the gateway, as seen from a client capture).
pub const SERVER_MAC: Mac = [0x02, 0x00, 0x00, 0x00, 0x00, 0x02];

/// The network layer of a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Network {
    Ipv4(Ipv4),
    Ipv6(Ipv6),
    /// No IP header: the payload follows the link header with this EtherType (ARP, LLDP…).
    /// The transport must be [`Transport::None`].
    Ethertype(u16),
}

impl Network {
    /// A default IPv4 or IPv6 header between two addresses of the same family.
    ///
    /// # Panics
    /// If the families differ (a programming error in a test, not input data).
    pub fn ip(src: IpAddr, dst: IpAddr) -> Self {
        match (src, dst) {
            (IpAddr::V4(s), IpAddr::V4(d)) => Network::Ipv4(Ipv4::new(s, d)),
            (IpAddr::V6(s), IpAddr::V6(d)) => Network::Ipv6(Ipv6::new(s, d)),
            _ => panic!("mixed address families: {src} -> {dst}"),
        }
    }

    fn ethertype(&self) -> u16 {
        match self {
            Network::Ipv4(_) => ethertype::IPV4,
            Network::Ipv6(_) => ethertype::IPV6,
            Network::Ethertype(t) => *t,
        }
    }

    fn version(&self) -> u8 {
        match self {
            Network::Ipv4(_) => 4,
            Network::Ipv6(_) => 6,
            Network::Ethertype(_) => 0,
        }
    }
}

/// The transport layer of a frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transport<'a> {
    Tcp(Tcp<'a>),
    Udp(Udp),
    Icmpv4(Icmp),
    Icmpv6(Icmp),
    /// No transport header: the payload is the IP payload of this protocol number (a
    /// non-first fragment, GRE, anything the builders do not model).
    None(u8),
}

impl Transport<'_> {
    fn protocol(&self) -> u8 {
        match self {
            Transport::Tcp(_) => protocol::TCP,
            Transport::Udp(_) => protocol::UDP,
            Transport::Icmpv4(_) => protocol::ICMP,
            Transport::Icmpv6(_) => protocol::ICMPV6,
            Transport::None(p) => *p,
        }
    }

    fn header_len(&self) -> usize {
        match self {
            Transport::Tcp(t) => t.header_len(),
            Transport::Udp(_) | Transport::Icmpv4(_) | Transport::Icmpv6(_) => 8,
            Transport::None(_) => 0,
        }
    }
}

/// One frame: link + network + transport + payload.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Packet<'a> {
    pub link: Link,
    pub network: Network,
    pub transport: Transport<'a>,
    pub payload: &'a [u8],
}

impl<'a> Packet<'a> {
    /// An Ethernet/IP/TCP frame between two socket addresses (MACs [`CLIENT_MAC`] →
    /// [`SERVER_MAC`]); the ports in `tcp` are replaced by the addresses' ports.
    pub fn tcp(src: SocketAddr, dst: SocketAddr, tcp: Tcp<'a>, payload: &'a [u8]) -> Self {
        Packet {
            link: Link::ethernet(CLIENT_MAC, SERVER_MAC),
            network: Network::ip(src.ip(), dst.ip()),
            transport: Transport::Tcp(Tcp {
                src_port: src.port(),
                dst_port: dst.port(),
                ..tcp
            }),
            payload,
        }
    }

    /// An Ethernet/IP/UDP frame between two socket addresses.
    pub fn udp(src: SocketAddr, dst: SocketAddr, payload: &'a [u8]) -> Self {
        Packet {
            link: Link::ethernet(CLIENT_MAC, SERVER_MAC),
            network: Network::ip(src.ip(), dst.ip()),
            transport: Transport::Udp(Udp::new(src.port(), dst.port())),
            payload,
        }
    }

    /// An Ethernet/IP/ICMP frame (ICMPv6 for IPv6 addresses).
    pub fn icmp(src: IpAddr, dst: IpAddr, icmp: Icmp, payload: &'a [u8]) -> Self {
        let network = Network::ip(src, dst);
        let transport = match network {
            Network::Ipv6(_) => Transport::Icmpv6(icmp),
            _ => Transport::Icmpv4(icmp),
        };
        Packet {
            link: Link::ethernet(CLIENT_MAC, SERVER_MAC),
            network,
            transport,
            payload,
        }
    }

    /// The same packet with another link header.
    pub fn with_link(self, link: Link) -> Self {
        Packet { link, ..self }
    }

    /// The LINKTYPE_* of this frame's link header.
    pub fn link_type(&self) -> u32 {
        self.link.link_type()
    }

    /// Total frame length.
    pub fn len(&self) -> usize {
        let net = match &self.network {
            Network::Ipv4(h) => h.header_len(),
            Network::Ipv6(h) => h.header_len(),
            Network::Ethertype(_) => 0,
        };
        self.link.header_len() + net + self.transport.header_len() + self.payload.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The frame as a new vector.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut v = Vec::with_capacity(self.len());
        self.write(&mut v);
        v
    }

    /// Appends the frame to `out` (which is not cleared), computing lengths and checksums.
    pub fn write(&self, out: &mut Vec<u8>) {
        let upper_len = self.transport.header_len() + self.payload.len();
        let proto = self.transport.protocol();
        self.link
            .write(out, self.network.ethertype(), self.network.version());
        let pseudo = match &self.network {
            Network::Ipv4(h) => {
                h.write(out, proto, upper_len);
                checksum::pseudo_header(
                    IpAddr::V4(h.src),
                    IpAddr::V4(h.dst),
                    proto,
                    upper_len as u32,
                )
            }
            Network::Ipv6(h) => {
                h.write(out, proto, upper_len);
                checksum::pseudo_header(
                    IpAddr::V6(h.src),
                    IpAddr::V6(h.dst),
                    proto,
                    upper_len as u32,
                )
            }
            Network::Ethertype(_) => 0,
        };
        let start = out.len();
        // (checksum field offset within the transport header, override, pseudo-header sum)
        let fix: Option<(usize, Option<u16>, u64)> = match &self.transport {
            Transport::Tcp(t) => {
                t.write(out);
                Some((16, t.checksum, pseudo))
            }
            Transport::Udp(u) => {
                u.write(out, self.payload.len());
                Some((6, u.checksum, pseudo))
            }
            Transport::Icmpv4(i) => {
                i.write(out);
                Some((2, i.checksum, 0))
            }
            Transport::Icmpv6(i) => {
                i.write(out);
                Some((2, i.checksum, pseudo))
            }
            Transport::None(_) => None,
        };
        out.extend_from_slice(self.payload);
        if let Some((at, forced, pseudo)) = fix {
            let sum = forced.unwrap_or_else(|| {
                let s = checksum::finish(checksum::add(pseudo, &out[start..]));
                // UDP sends a computed 0 as 0xffff (0 means "no checksum").
                if s == 0 && matches!(self.transport, Transport::Udp(_)) {
                    0xffff
                } else {
                    s
                }
            });
            out[start + at..start + at + 2].copy_from_slice(&sum.to_be_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use etherparse::{
        Icmpv4Type, Icmpv6Type, LinkSlice, NetSlice, SlicedPacket, TcpOptionElement, TransportSlice,
    };
    use std::net::{Ipv4Addr, Ipv6Addr};

    fn v4(a: &str) -> SocketAddr {
        a.parse().unwrap()
    }

    #[test]
    fn test_tcp_ipv4_round_trip_and_checksums() {
        let opts = [
            TcpOption::Mss(1460),
            TcpOption::Nop,
            TcpOption::WindowScale(6),
            TcpOption::SackPermitted,
            TcpOption::Sack(vec![(100, 200), (300, 400)]),
            TcpOption::Timestamps { val: 7, ecr: 9 },
            TcpOption::Eol,
        ];
        let mut tcp = Tcp::new(0, 0, 0xdead_beef, TcpFlags::PSH_ACK);
        tcp.ack = 42;
        tcp.window = 1234;
        tcp.options = &opts;
        let mut pkt = Packet::tcp(
            v4("192.168.0.6:64369"),
            v4("193.34.76.44:443"),
            tcp,
            b"hello",
        );
        if let Network::Ipv4(h) = &mut pkt.network {
            h.identification = 0x1234;
        }
        let bytes = pkt.to_vec();
        assert_eq!(bytes.len(), pkt.len());
        let p = SlicedPacket::from_ethernet(&bytes).unwrap();
        let Some(NetSlice::Ipv4(ip)) = &p.net else {
            panic!()
        };
        let h = ip.header();
        assert_eq!(h.source_addr(), Ipv4Addr::new(192, 168, 0, 6));
        assert_eq!(h.identification(), 0x1234);
        assert!(h.dont_fragment());
        assert_eq!(h.to_header().calc_header_checksum(), h.header_checksum());
        let Some(TransportSlice::Tcp(t)) = &p.transport else {
            panic!()
        };
        assert_eq!((t.source_port(), t.destination_port()), (64369, 443));
        assert_eq!(
            (t.sequence_number(), t.acknowledgment_number()),
            (0xdead_beef, 42)
        );
        assert!(t.psh() && t.ack() && !t.syn());
        assert_eq!(t.window_size(), 1234);
        assert_eq!(t.payload(), b"hello");
        let parsed: Vec<_> = t.options_iterator().map(|o| o.unwrap()).collect();
        assert_eq!(parsed[0], TcpOptionElement::MaximumSegmentSize(1460));
        assert_eq!(parsed[2], TcpOptionElement::WindowScale(6));
        assert_eq!(
            parsed[3],
            TcpOptionElement::SelectiveAcknowledgementPermitted
        );
        assert_eq!(
            parsed[4],
            TcpOptionElement::SelectiveAcknowledgement((100, 200), [Some((300, 400)), None, None])
        );
        assert_eq!(parsed[5], TcpOptionElement::Timestamp(7, 9));
        let expected = t
            .to_header()
            .calc_checksum_ipv4_raw(h.source(), h.destination(), t.payload())
            .unwrap();
        assert_eq!(t.checksum(), expected);
    }

    #[test]
    fn test_udp_ipv6_with_extensions() {
        let src: SocketAddr = "[2001:db8::1]:5353".parse().unwrap();
        let dst: SocketAddr = "[2001:db8::2]:53".parse().unwrap();
        let mut pkt = Packet::udp(src, dst, b"query");
        if let Network::Ipv6(h) = &mut pkt.network {
            h.extensions = vec![
                Ipv6Extension::HopByHop(vec![5, 2, 0, 0]), // router alert
                Ipv6Extension::DestinationOptions(vec![]),
            ];
        }
        let bytes = pkt.to_vec();
        let p = SlicedPacket::from_ethernet(&bytes).unwrap();
        let Some(NetSlice::Ipv6(ip)) = &p.net else {
            panic!()
        };
        assert_eq!(
            ip.header().source_addr(),
            "2001:db8::1".parse::<Ipv6Addr>().unwrap()
        );
        assert_eq!(
            ip.extensions().first_header(),
            Some(etherparse::IpNumber(0))
        );
        let Some(TransportSlice::Udp(u)) = &p.transport else {
            panic!()
        };
        assert_eq!(u.payload(), b"query");
        let expected = u
            .to_header()
            .calc_checksum_ipv6_raw(ip.header().source(), ip.header().destination(), u.payload())
            .unwrap();
        assert_eq!(u.checksum(), expected);
    }

    #[test]
    fn test_ipv6_fragment_header() {
        let src: IpAddr = "2001:db8::1".parse().unwrap();
        let dst: IpAddr = "2001:db8::2".parse().unwrap();
        let mut ip = Ipv6::new(
            "2001:db8::1".parse().unwrap(),
            "2001:db8::2".parse().unwrap(),
        );
        ip.extensions = vec![Ipv6Extension::Fragment {
            offset: 3,
            more: true,
            identification: 9,
        }];
        let data = [0u8; 16];
        let pkt = Packet {
            link: Link::Raw,
            network: Network::Ipv6(ip),
            transport: Transport::None(protocol::UDP),
            payload: &data,
        };
        let bytes = pkt.to_vec();
        assert_eq!(&bytes[6..7], &[protocol::FRAGMENT]);
        assert_eq!(&bytes[40..48], &[17, 0, 0, 25, 0, 0, 0, 9]);
        let _ = (src, dst);
        assert_eq!(u16::from_be_bytes([bytes[4], bytes[5]]), 8 + 16);
    }

    #[test]
    fn test_ipv4_fragment_fields() {
        let mut ip = Ipv4::new(Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2));
        ip.dont_fragment = false;
        ip.more_fragments = true;
        ip.fragment_offset = 185;
        ip.identification = 77;
        let pkt = Packet {
            link: Link::Raw,
            network: Network::Ipv4(ip),
            transport: Transport::None(protocol::UDP),
            payload: &[0; 8],
        };
        let bytes = pkt.to_vec();
        let h = etherparse::Ipv4HeaderSlice::from_slice(&bytes).unwrap();
        assert!(h.more_fragments() && !h.dont_fragment());
        assert_eq!(h.fragments_offset().value(), 185);
        assert_eq!(h.to_header().calc_header_checksum(), h.header_checksum());
    }

    #[test]
    fn test_icmp_checksums() {
        let a: IpAddr = "192.168.0.6".parse().unwrap();
        let b: IpAddr = "192.168.0.1".parse().unwrap();
        let bytes = Packet::icmp(a, b, Icmp::echo_request(1, 2), b"abcdefgh").to_vec();
        let p = SlicedPacket::from_ethernet(&bytes).unwrap();
        let Some(TransportSlice::Icmpv4(i)) = &p.transport else {
            panic!()
        };
        assert!(matches!(i.icmp_type(), Icmpv4Type::EchoRequest(e) if e.id == 1 && e.seq == 2));
        assert_eq!(
            i.checksum(),
            i.header().icmp_type.calc_checksum(i.payload())
        );

        let a6: IpAddr = "fe80::1".parse().unwrap();
        let b6: IpAddr = "fe80::2".parse().unwrap();
        let bytes = Packet::icmp(a6, b6, Icmp::v6_echo_reply(3, 4), b"xyz").to_vec();
        let p = SlicedPacket::from_ethernet(&bytes).unwrap();
        let Some(NetSlice::Ipv6(ip)) = &p.net else {
            panic!()
        };
        let Some(TransportSlice::Icmpv6(i)) = &p.transport else {
            panic!()
        };
        assert!(matches!(i.icmp_type(), Icmpv6Type::EchoReply(e) if e.id == 3 && e.seq == 4));
        let expected = i
            .header()
            .icmp_type
            .calc_checksum(ip.header().source(), ip.header().destination(), i.payload())
            .unwrap();
        assert_eq!(i.checksum(), expected);
    }

    #[test]
    fn test_link_headers() {
        let base = Packet::udp(v4("10.0.0.1:1000"), v4("10.0.0.2:53"), b"x");
        let ip_len = base.to_vec().len() - 14;

        let vlan = base.clone().with_link(Link::Ethernet {
            src: CLIENT_MAC,
            dst: SERVER_MAC,
            vlans: vec![VlanTag::dot1ad(100), VlanTag::dot1q(200)],
        });
        let bytes = vlan.to_vec();
        assert_eq!(&bytes[12..14], &[0x88, 0xa8]);
        assert_eq!(&bytes[16..18], &[0x81, 0x00]);
        let p = SlicedPacket::from_ethernet(&bytes).unwrap();
        assert_eq!(p.vlan_ids().len(), 2);
        assert!(matches!(p.transport, Some(TransportSlice::Udp(_))));

        let sll = base
            .clone()
            .with_link(Link::sll(packet_type::OUTGOING, CLIENT_MAC))
            .to_vec();
        assert_eq!(sll.len(), 16 + ip_len);
        let p = SlicedPacket::from_linux_sll(&sll).unwrap();
        assert!(matches!(p.link, Some(LinkSlice::LinuxSll(_))));
        assert!(matches!(p.transport, Some(TransportSlice::Udp(_))));

        let sll2 = base
            .clone()
            .with_link(Link::sll2(4, 3, CLIENT_MAC))
            .to_vec();
        assert_eq!(sll2.len(), 20 + ip_len);
        assert_eq!(&sll2[0..2], &[0x08, 0x00]);
        assert_eq!(&sll2[4..8], &[0, 0, 0, 3]);
        assert_eq!(sll2[10], 4);

        let null = base.clone().with_link(Link::Null {
            family: None,
            big_endian: false,
        });
        assert_eq!(&null.to_vec()[..4], &[2, 0, 0, 0]);
        assert_eq!(null.link_type(), 0);

        let raw = base.with_link(Link::Raw).to_vec();
        let p = SlicedPacket::from_ip(&raw).unwrap();
        assert!(matches!(p.transport, Some(TransportSlice::Udp(_))));
    }

    #[test]
    fn test_overrides_produce_bad_values() {
        let mut tcp = Tcp::new(1, 2, 3, TcpFlags::SYN);
        tcp.checksum = Some(0xbeef);
        let mut pkt = Packet::tcp(v4("10.0.0.1:1"), v4("10.0.0.2:2"), tcp, &[]);
        if let Network::Ipv4(h) = &mut pkt.network {
            h.checksum = Some(0x1111);
            h.total_length = Some(1000);
        }
        let b = pkt.to_vec();
        assert_eq!(&b[14 + 10..14 + 12], &[0x11, 0x11]);
        assert_eq!(&b[14 + 2..14 + 4], &1000u16.to_be_bytes());
        assert_eq!(&b[14 + 20 + 16..14 + 20 + 18], &[0xbe, 0xef]);
    }
}
