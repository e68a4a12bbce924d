//! The stream table: a 4-tuple → the connection currently using it.
//!
//! Keys are direction-independent. Which endpoint is "flow 0" follows Wireshark's
//! `get_tcp_conversation_data`: the sender whose address compares greater (bytewise), or on
//! equal addresses the one with the greater port; a connection from an address and port to
//! itself uses flow 1 both ways, as in Wireshark. IPv4 and IPv6 have separate maps so the
//! common IPv4 key stays 12 bytes.

use std::collections::HashMap;
use std::net::IpAddr;

use foldhash::fast::FixedState;

use super::conn::{Addrs, Endpoints};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct V4Key {
    addr: [u32; 2],
    port: [u16; 2],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct V6Key {
    addr: [u128; 2],
    port: [u16; 2],
}

/// A packet's 4-tuple, ordered as flow 0 / flow 1, plus which flow sent the packet.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FlowKey {
    kind: KeyKind,
    sender: u8,
}

#[derive(Debug, Clone, Copy)]
enum KeyKind {
    V4(V4Key),
    V6(V6Key),
}

impl FlowKey {
    pub fn new(src: IpAddr, dst: IpAddr, sport: u16, dport: u16) -> Self {
        match (src, dst) {
            (IpAddr::V4(s), IpAddr::V4(d)) => {
                let (s, d) = (u32::from(s), u32::from(d));
                let sender = sender_flow(s.cmp(&d), sport, dport);
                let (addr, port) = ordered(sender, s, d, sport, dport);
                FlowKey {
                    kind: KeyKind::V4(V4Key { addr, port }),
                    sender,
                }
            }
            (s, d) => {
                let (s, d) = (v6_bits(s), v6_bits(d));
                let sender = sender_flow(s.cmp(&d), sport, dport);
                let (addr, port) = ordered(sender, s, d, sport, dport);
                FlowKey {
                    kind: KeyKind::V6(V6Key { addr, port }),
                    sender,
                }
            }
        }
    }

    /// The flow (0 or 1) the packet travels on.
    pub fn sender_flow(&self) -> u8 {
        self.sender
    }

    pub fn endpoints(&self) -> Endpoints {
        match self.kind {
            KeyKind::V4(k) => Endpoints {
                addr: Addrs::V4(k.addr),
                port: k.port,
            },
            KeyKind::V6(k) => Endpoints {
                addr: Addrs::V6(Box::new(k.addr)),
                port: k.port,
            },
        }
    }
}

fn v6_bits(a: IpAddr) -> u128 {
    match a {
        IpAddr::V6(a) => u128::from(a),
        // Mixed families cannot happen within one IP header; map IPv4 anyway.
        IpAddr::V4(a) => u128::from(a.to_ipv6_mapped()),
    }
}

/// Wireshark: direction = cmp(src, dst), or on a tie (sport > dport ? 1 : -1); flow 0 when >= 0.
fn sender_flow(addr_cmp: std::cmp::Ordering, sport: u16, dport: u16) -> u8 {
    match addr_cmp {
        std::cmp::Ordering::Greater => 0,
        std::cmp::Ordering::Less => 1,
        std::cmp::Ordering::Equal => u8::from(sport <= dport),
    }
}

fn ordered<A: Copy>(sender: u8, s: A, d: A, sport: u16, dport: u16) -> ([A; 2], [u16; 2]) {
    if sender == 0 {
        ([s, d], [sport, dport])
    } else {
        ([d, s], [dport, sport])
    }
}

/// 4-tuple → index of the connection currently using it.
#[derive(Debug, Default)]
pub(crate) struct StreamTable {
    v4: HashMap<V4Key, u32, FixedState>,
    v6: HashMap<V6Key, u32, FixedState>,
}

impl StreamTable {
    #[inline]
    pub fn get(&self, key: &FlowKey) -> Option<usize> {
        let idx = match &key.kind {
            KeyKind::V4(k) => self.v4.get(k),
            KeyKind::V6(k) => self.v6.get(k),
        };
        idx.map(|&i| i as usize)
    }

    /// Points the 4-tuple at a (new) connection.
    pub fn insert(&mut self, key: &FlowKey, idx: usize) {
        let idx = u32::try_from(idx).unwrap_or(u32::MAX);
        match key.kind {
            KeyKind::V4(k) => {
                self.v4.insert(k, idx);
            }
            KeyKind::V6(k) => {
                self.v6.insert(k, idx);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_both_directions_share_a_key() {
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let k1 = FlowKey::new(a, b, 40000, 80);
        let k2 = FlowKey::new(b, a, 80, 40000);
        assert_ne!(k1.sender_flow(), k2.sender_flow());
        let mut t = StreamTable::default();
        t.insert(&k1, 7);
        assert_eq!(t.get(&k2), Some(7));
        // The greater address is flow 0.
        assert_eq!(k2.sender_flow(), 0);
    }

    #[test]
    fn test_same_address_orders_by_port_and_self_connection_uses_flow_1() {
        let a: IpAddr = "::1".parse().unwrap();
        assert_eq!(FlowKey::new(a, a, 5000, 80).sender_flow(), 0);
        assert_eq!(FlowKey::new(a, a, 80, 5000).sender_flow(), 1);
        assert_eq!(FlowKey::new(a, a, 80, 80).sender_flow(), 1);
    }
}
