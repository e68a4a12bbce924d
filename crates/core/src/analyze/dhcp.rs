//! The DHCP analyzer: DHCPv4/BOOTP on UDP 67/68 and DHCPv6 on 546/547.
//!
//! Every message is listed; messages are grouped into transactions by transaction id (Zeek keys
//! DHCP by xid the same way), in order of first appearance, with DORA completeness, timing, the
//! servers that answered and a warning when more than one server answered one transaction.

use super::ports::{self, App};
use super::{Analyzer, PacketContext};
use crate::decode::dhcp as wire;
use crate::decode::text::hex_colon;
use crate::report::dhcp::{self as report, DhcpSection};
use std::collections::{BTreeMap, HashMap};

/// Messages listed; the rest are only counted.
pub const MAX_MESSAGES: usize = 200_000;
/// Transactions tracked; later ones are counted in `messages` but not grouped.
pub const MAX_TRANSACTIONS: usize = 65_536;
/// Frames remembered per transaction.
pub const MAX_FRAMES_PER_TRANSACTION: usize = 64;

#[derive(Debug, Default)]
pub struct DhcpAnalyzer {
    section: DhcpSection,
    /// (version, xid) → index in `section.transactions`.
    by_xid: HashMap<(u8, u32), usize, foldhash::fast::RandomState>,
    servers: BTreeMap<String, ()>,
    transactions_dropped: u64,
}

impl Analyzer for DhcpAnalyzer {
    type Section = DhcpSection;

    /// Inlined into the packet loop: telling a DHCP datagram costs a few instructions.
    #[inline]
    fn on_packet(&mut self, ctx: &PacketContext<'_, '_>) {
        if let Some(udp) = &ctx.udp {
            if matches!(
                ports::udp_app(udp.src_port, udp.dst_port),
                Some(App::Dhcp | App::Dhcpv6)
            ) {
                self.on_datagram(ctx);
            }
        }
    }

    fn finish(mut self) -> DhcpSection {
        let s = &mut self.section;
        s.servers = self.servers.into_keys().collect();
        for t in &mut s.transactions {
            t.duration_s = t.last_time - t.first_time;
            t.dora_complete = if t.version == 4 {
                ["DISCOVER", "OFFER", "REQUEST", "ACK"]
            } else {
                ["SOLICIT", "ADVERTISE", "REQUEST", "REPLY"]
            }
            .iter()
            .all(|x| t.sequence.iter().any(|y| y == x));
            t.multiple_servers = t.servers.len() > 1;
            if t.multiple_servers {
                s.warnings.push(format!(
                    "transaction {} (first frame {}) was answered by {} servers: {}",
                    t.xid,
                    t.frames.first().copied().unwrap_or(0),
                    t.servers.len(),
                    t.servers.join(", ")
                ));
            }
        }
        if self.transactions_dropped > 0 {
            s.warnings.push(format!(
                "{} messages were not grouped into transactions: more than {MAX_TRANSACTIONS} transaction ids",
                self.transactions_dropped
            ));
        }
        self.section
    }
}

impl DhcpAnalyzer {
    #[inline(never)]
    fn on_datagram(&mut self, ctx: &PacketContext<'_, '_>) {
        let (Some(udp), Some(ip)) = (&ctx.udp, &ctx.packet.ip) else {
            return;
        };
        let version = match ports::udp_app(udp.src_port, udp.dst_port) {
            Some(App::Dhcp) => 4,
            Some(App::Dhcpv6) => 6,
            _ => return,
        };
        let meta = &ctx.packet.meta;
        let mut msg = report::Message {
            frame: meta.number,
            time: meta.ts.as_f64(),
            version,
            src: ip.src.to_string(),
            src_port: udp.src_port,
            dst: ip.dst.to_string(),
            dst_port: udp.dst_port,
            ..report::Message::default()
        };
        let (xid, server_reply, client_mac) = if version == 4 {
            let m = wire::parse_v4(udp.payload);
            fill_v4(&mut msg, &m);
            (m.xid, m.op == 2, msg.client_mac.clone())
        } else {
            let m = wire::parse_v6(udp.payload);
            fill_v6(&mut msg, &m);
            (m.xid, matches!(m.msg_type, 2 | 7 | 10 | 13), None)
        };
        let type_name = msg
            .message_type
            .clone()
            .unwrap_or_else(|| "BOOTP".to_string());
        *self
            .section
            .message_counts
            .entry(type_name.clone())
            .or_default() += 1;
        if msg.malformed.is_some() {
            self.section.malformed += 1;
        }
        let server = server_reply.then(|| msg.server_id.clone().unwrap_or_else(|| msg.src.clone()));
        if let Some(s) = &server {
            self.servers.insert(s.clone(), ());
        }
        self.add_to_transaction(version, xid, &msg, &type_name, server, client_mac);
        if self.section.messages.len() < MAX_MESSAGES {
            self.section.messages.push(msg);
        } else {
            self.section.messages_omitted += 1;
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn add_to_transaction(
        &mut self,
        version: u8,
        xid: u32,
        msg: &report::Message,
        type_name: &str,
        server: Option<String>,
        client_mac: Option<String>,
    ) {
        let index = match self.by_xid.get(&(version, xid)) {
            Some(&i) => i,
            None => {
                if self.section.transactions.len() >= MAX_TRANSACTIONS {
                    self.transactions_dropped += 1;
                    return;
                }
                self.section.transactions.push(report::Transaction {
                    xid: msg.xid.clone(),
                    version,
                    first_time: msg.time,
                    ..report::Transaction::default()
                });
                let i = self.section.transactions.len() - 1;
                self.by_xid.insert((version, xid), i);
                i
            }
        };
        let Some(t) = self.section.transactions.get_mut(index) else {
            return;
        };
        if t.frames.len() < MAX_FRAMES_PER_TRANSACTION {
            t.frames.push(msg.frame);
            t.sequence.push(type_name.to_string());
        }
        t.last_time = msg.time;
        if t.client_mac.is_none() {
            t.client_mac = client_mac;
        }
        if let Some(s) = server {
            if !t.servers.contains(&s) {
                t.servers.push(s);
            }
        }
        match type_name {
            "OFFER" => t.offered_ip = msg.yiaddr.clone(),
            "ACK" => {
                t.assigned_ip = msg.yiaddr.clone().filter(|a| a != "0.0.0.0");
                t.result = Some("ack".into());
            }
            "NAK" => t.result = Some("nak".into()),
            "ADVERTISE" => t.offered_ip = msg.options.addresses.first().cloned(),
            "REPLY" => {
                t.assigned_ip = msg.options.addresses.first().cloned();
                t.result = Some("reply".into());
            }
            _ => {}
        }
    }
}

fn fill_v4(msg: &mut report::Message, m: &wire::MessageV4) {
    msg.xid = format!("0x{:08x}", m.xid);
    msg.message_type = m.message_type.map(wire::message_type_name_v4);
    msg.op = Some(m.op);
    msg.client_mac = m.client_mac().map(|mac| hex_colon(&mac));
    msg.ciaddr = Some(m.ciaddr.to_string());
    msg.yiaddr = Some(m.yiaddr.to_string());
    msg.siaddr = Some(m.siaddr.to_string());
    msg.giaddr = Some(m.giaddr.to_string());
    msg.requested_ip = m.requested_ip.map(|a| a.to_string());
    msg.server_id = m.server_id.map(|a| a.to_string());
    msg.client_id = m.client_id.as_deref().map(hex_colon);
    msg.options = report::Options {
        codes: m.option_codes.iter().map(|&c| u16::from(c)).collect(),
        subnet_mask: m.subnet_mask.map(|a| a.to_string()),
        routers: m.routers.iter().map(ToString::to_string).collect(),
        dns_servers: m.dns_servers.iter().map(ToString::to_string).collect(),
        domain_name: m.domain_name.clone(),
        hostname: m.hostname.clone(),
        lease_time: m.lease_time,
        renewal_time: m.renewal_time,
        rebinding_time: m.rebinding_time,
        parameter_request_list: m.parameter_request_list.clone(),
        message: m.message.clone(),
        vendor_class: m.vendor_class.clone(),
        addresses: Vec::new(),
    };
    msg.malformed = m
        .malformed
        .map(|d| format!("{} at byte {}", d.reason, d.offset));
}

fn fill_v6(msg: &mut report::Message, m: &wire::MessageV6) {
    msg.xid = format!("0x{:06x}", m.xid);
    msg.message_type = Some(wire::message_type_name_v6(m.msg_type));
    msg.client_id = m.client_duid.as_deref().map(hex_colon);
    msg.server_id = m.server_duid.as_deref().map(hex_colon);
    msg.options = report::Options {
        codes: m.option_codes.clone(),
        dns_servers: m.dns_servers.iter().map(ToString::to_string).collect(),
        message: m
            .status
            .as_ref()
            .map(|(code, text)| format!("status {code}: {text}")),
        addresses: m.addresses.iter().map(ToString::to_string).collect(),
        ..report::Options::default()
    };
    msg.malformed = m
        .malformed
        .map(|d| format!("{} at byte {}", d.reason, d.offset));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analyze::{PacketContext, UdpDatagram};
    use crate::capture::{LinkType, Timestamp};
    use crate::decode::dhcp::tests::v4;
    use crate::decode::{link::Link, FrameMeta, Ip, Packet, Transport};
    use std::net::IpAddr;

    fn feed(
        a: &mut DhcpAnalyzer,
        frame: u64,
        src: [u8; 4],
        sport: u16,
        dport: u16,
        payload: &[u8],
    ) {
        let packet = Packet {
            meta: FrameMeta {
                number: frame,
                ts: Timestamp::new(frame as i64, 0),
                interface: 0,
                link_type: LinkType::ETHERNET,
                cap_len: 0,
                orig_len: 0,
            },
            link: Link::default(),
            ip: Some(Ip {
                version: 4,
                src: IpAddr::from(src),
                dst: IpAddr::from([255, 255, 255, 255]),
                protocol: 17,
                ttl: 64,
                ident: 0,
                fragment: None,
                payload_len: 0,
                payload: &[],
            }),
            transport: Transport::None,
            problem: None,
            data: &[],
            encap: Default::default(),
        };
        let ctx = PacketContext {
            packet: &packet,
            tcp: None,
            udp: Some(UdpDatagram {
                src_port: sport,
                dst_port: dport,
                payload,
            }),
            reassembled: None,
        };
        a.on_packet(&ctx);
    }

    #[test]
    fn test_dora_and_rogue_server() {
        let mut a = DhcpAnalyzer::default();
        let xid = 0x1234;
        feed(
            &mut a,
            1,
            [0; 4],
            68,
            67,
            &v4(1, xid, [0; 4], &[(53, &[1])]),
        );
        feed(
            &mut a,
            2,
            [10, 0, 0, 2],
            67,
            68,
            &v4(2, xid, [10, 0, 0, 9], &[(53, &[2]), (54, &[10, 0, 0, 2])]),
        );
        feed(
            &mut a,
            3,
            [10, 0, 0, 66],
            67,
            68,
            &v4(2, xid, [10, 0, 0, 77], &[(53, &[2]), (54, &[10, 0, 0, 66])]),
        );
        feed(
            &mut a,
            4,
            [0; 4],
            68,
            67,
            &v4(1, xid, [0; 4], &[(53, &[3]), (50, &[10, 0, 0, 9])]),
        );
        feed(
            &mut a,
            5,
            [10, 0, 0, 2],
            67,
            68,
            &v4(2, xid, [10, 0, 0, 9], &[(53, &[5]), (54, &[10, 0, 0, 2])]),
        );
        feed(
            &mut a,
            6,
            [0; 4],
            68,
            67,
            &v4(1, 0x99, [0; 4], &[(53, &[7])]),
        );
        // Not DHCP ports: ignored.
        feed(
            &mut a,
            7,
            [0; 4],
            1000,
            2000,
            &v4(1, 0x98, [0; 4], &[(53, &[7])]),
        );
        let s = a.finish();
        assert_eq!(s.messages.len(), 6);
        assert_eq!(s.messages[0].xid, "0x00001234");
        assert_eq!(s.messages[0].message_type.as_deref(), Some("DISCOVER"));
        assert_eq!(
            s.messages[0].client_mac.as_deref(),
            Some("02:00:00:00:00:01")
        );
        assert_eq!(s.messages[3].requested_ip.as_deref(), Some("10.0.0.9"));
        assert_eq!(s.transactions.len(), 2);
        let t = &s.transactions[0];
        assert!(t.dora_complete);
        assert!(t.multiple_servers);
        assert_eq!(t.servers, vec!["10.0.0.2", "10.0.0.66"]);
        assert_eq!(t.assigned_ip.as_deref(), Some("10.0.0.9"));
        assert_eq!(t.result.as_deref(), Some("ack"));
        assert_eq!(t.duration_s, 4.0);
        assert_eq!(s.warnings.len(), 1);
        assert!(!s.transactions[1].dora_complete);
        assert_eq!(s.message_counts.get("OFFER"), Some(&2));
        assert_eq!(s.servers, vec!["10.0.0.2", "10.0.0.66"]);
    }
}
