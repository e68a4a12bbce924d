//! IPv4 and IPv6 headers. Lengths and the IPv4 header checksum are computed unless overridden;
//! IPv6 extension headers (hop-by-hop, routing, fragment, destination options) are chained in
//! the order given.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::checksum;

/// IP protocol numbers the builders use.
pub mod protocol {
    pub const HOP_BY_HOP: u8 = 0;
    pub const ICMP: u8 = 1;
    pub const TCP: u8 = 6;
    pub const UDP: u8 = 17;
    pub const ROUTING: u8 = 43;
    pub const FRAGMENT: u8 = 44;
    pub const ICMPV6: u8 = 58;
    pub const NO_NEXT_HEADER: u8 = 59;
    pub const DESTINATION_OPTIONS: u8 = 60;
}

/// An IPv4 header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipv4 {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub ttl: u8,
    /// The whole second byte (DSCP << 2 | ECN).
    pub tos: u8,
    pub identification: u16,
    pub dont_fragment: bool,
    pub more_fragments: bool,
    /// In 8-byte units, as on the wire.
    pub fragment_offset: u16,
    /// Raw option bytes, zero-padded to a multiple of 4.
    pub options: Vec<u8>,
    /// Overrides the protocol derived from the transport.
    pub protocol: Option<u8>,
    /// Overrides the computed total length.
    pub total_length: Option<u16>,
    /// Overrides the computed header checksum.
    pub checksum: Option<u16>,
}

impl Ipv4 {
    /// TTL 64, DF set, identification 0.
    pub fn new(src: Ipv4Addr, dst: Ipv4Addr) -> Self {
        Ipv4 {
            src,
            dst,
            ttl: 64,
            tos: 0,
            identification: 0,
            dont_fragment: true,
            more_fragments: false,
            fragment_offset: 0,
            options: Vec::new(),
            protocol: None,
            total_length: None,
            checksum: None,
        }
    }

    pub fn header_len(&self) -> usize {
        20 + ((self.options.len() + 3) & !3)
    }

    /// Appends the header for `upper_len` bytes of `protocol` payload.
    pub(crate) fn write(&self, out: &mut Vec<u8>, protocol: u8, upper_len: usize) {
        let start = out.len();
        let hlen = self.header_len();
        let total = self.total_length.unwrap_or((hlen + upper_len) as u16);
        let flags_frag = (u16::from(self.dont_fragment) << 14)
            | (u16::from(self.more_fragments) << 13)
            | (self.fragment_offset & 0x1fff);
        out.push(0x40 | (hlen / 4) as u8);
        out.push(self.tos);
        out.extend_from_slice(&total.to_be_bytes());
        out.extend_from_slice(&self.identification.to_be_bytes());
        out.extend_from_slice(&flags_frag.to_be_bytes());
        out.push(self.ttl);
        out.push(self.protocol.unwrap_or(protocol));
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(&self.src.octets());
        out.extend_from_slice(&self.dst.octets());
        out.extend_from_slice(&self.options);
        out.resize(start + hlen, 0);
        let sum = self
            .checksum
            .unwrap_or_else(|| checksum::checksum(&out[start..]));
        out[start + 10..start + 12].copy_from_slice(&sum.to_be_bytes());
    }
}

/// One IPv6 extension header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ipv6Extension {
    /// Hop-by-hop options: option TLVs, padded with PadN to a multiple of 8 bytes.
    HopByHop(Vec<u8>),
    /// Destination options: option TLVs, padded like hop-by-hop.
    DestinationOptions(Vec<u8>),
    /// Routing header: type, segments left and the type-specific data (zero-padded).
    Routing {
        routing_type: u8,
        segments_left: u8,
        data: Vec<u8>,
    },
    /// Fragment header; `offset` in 8-byte units.
    Fragment {
        offset: u16,
        more: bool,
        identification: u32,
    },
}

impl Ipv6Extension {
    fn protocol(&self) -> u8 {
        match self {
            Ipv6Extension::HopByHop(_) => protocol::HOP_BY_HOP,
            Ipv6Extension::DestinationOptions(_) => protocol::DESTINATION_OPTIONS,
            Ipv6Extension::Routing { .. } => protocol::ROUTING,
            Ipv6Extension::Fragment { .. } => protocol::FRAGMENT,
        }
    }

    fn len(&self) -> usize {
        match self {
            Ipv6Extension::HopByHop(o) | Ipv6Extension::DestinationOptions(o) => {
                (2 + o.len()).div_ceil(8) * 8
            }
            Ipv6Extension::Routing { data, .. } => (4 + data.len()).div_ceil(8) * 8,
            Ipv6Extension::Fragment { .. } => 8,
        }
    }

    fn write(&self, out: &mut Vec<u8>, next: u8) {
        let len = self.len();
        let start = out.len();
        out.push(next);
        match self {
            Ipv6Extension::HopByHop(opts) | Ipv6Extension::DestinationOptions(opts) => {
                out.push((len / 8 - 1) as u8);
                out.extend_from_slice(opts);
                let pad = len - 2 - opts.len();
                match pad {
                    0 => {}
                    1 => out.push(0), // Pad1
                    n => {
                        out.push(1); // PadN
                        out.push((n - 2) as u8);
                        out.resize(start + len, 0);
                    }
                }
            }
            Ipv6Extension::Routing {
                routing_type,
                segments_left,
                data,
            } => {
                out.push((len / 8 - 1) as u8);
                out.push(*routing_type);
                out.push(*segments_left);
                out.extend_from_slice(data);
                out.resize(start + len, 0);
            }
            Ipv6Extension::Fragment {
                offset,
                more,
                identification,
            } => {
                out.push(0);
                out.extend_from_slice(&((offset << 3) | u16::from(*more)).to_be_bytes());
                out.extend_from_slice(&identification.to_be_bytes());
            }
        }
    }
}

/// An IPv6 header with its extension headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ipv6 {
    pub src: Ipv6Addr,
    pub dst: Ipv6Addr,
    pub hop_limit: u8,
    pub traffic_class: u8,
    pub flow_label: u32,
    pub extensions: Vec<Ipv6Extension>,
    /// Overrides the final next-header value (the protocol after the extensions).
    pub protocol: Option<u8>,
    /// Overrides the computed payload length.
    pub payload_length: Option<u16>,
}

impl Ipv6 {
    /// Hop limit 64, no extensions.
    pub fn new(src: Ipv6Addr, dst: Ipv6Addr) -> Self {
        Ipv6 {
            src,
            dst,
            hop_limit: 64,
            traffic_class: 0,
            flow_label: 0,
            extensions: Vec::new(),
            protocol: None,
            payload_length: None,
        }
    }

    /// Fixed header plus extension headers.
    pub fn header_len(&self) -> usize {
        40 + self
            .extensions
            .iter()
            .map(Ipv6Extension::len)
            .sum::<usize>()
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>, protocol: u8, upper_len: usize) {
        let last = self.protocol.unwrap_or(protocol);
        let first_next = self
            .extensions
            .first()
            .map_or(last, Ipv6Extension::protocol);
        let payload_len = self
            .payload_length
            .unwrap_or((self.header_len() - 40 + upper_len) as u16);
        let vtf =
            (6u32 << 28) | (u32::from(self.traffic_class) << 20) | (self.flow_label & 0xfffff);
        out.extend_from_slice(&vtf.to_be_bytes());
        out.extend_from_slice(&payload_len.to_be_bytes());
        out.push(first_next);
        out.push(self.hop_limit);
        out.extend_from_slice(&self.src.octets());
        out.extend_from_slice(&self.dst.octets());
        for (i, ext) in self.extensions.iter().enumerate() {
            let next = self
                .extensions
                .get(i + 1)
                .map_or(last, Ipv6Extension::protocol);
            ext.write(out, next);
        }
    }
}
