//! The ICMP / ICMPv6 analyzer.
//!
//! Every ICMP message is listed with Wireshark's type/code names. Echo requests and replies are
//! paired as Wireshark's `icmp.resp_in` / `icmp.resp_to` do: within an address pair, keyed by
//! identifier, sequence number and the checksum the reply must carry (so the payload must match);
//! a new request with the same key replaces the pending one, and a reply pairs only once.
//! Errors report the quoted datagram's 5-tuple; neighbour discovery and MLD are decoded.
//! Messages carried in IP fragments are read from the reassembled datagram, at its last fragment.

use std::collections::HashMap;
use std::net::IpAddr;

use super::defrag::{PROTO_ICMP, PROTO_ICMPV6};
use super::dns::DelayStats;
use super::{Analyzer, PacketContext};
use crate::decode::icmp as wire;
use crate::decode::text::hex_colon;
use crate::decode::Transport;
use crate::report::icmp::{self as report, IcmpSection};

/// Messages listed; the rest are only counted.
pub const MAX_MESSAGES: usize = 200_000;
/// Pending echo requests remembered; when full, those older than [`ECHO_EXPIRY_NANOS`] go, and
/// if none does, new requests are not tracked.
pub const MAX_PENDING_ECHOES: usize = 262_144;
/// Age after which a pending echo request may be forgotten when the table is full.
pub const ECHO_EXPIRY_NANOS: i128 = 60 * 1_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct EchoKey {
    low: IpAddr,
    high: IpAddr,
    /// The checksum the reply will carry (normalised), as Wireshark keys it.
    reply_checksum: u16,
    id: u16,
    seq: u16,
}

#[derive(Debug, Clone, Copy)]
struct PendingEcho {
    frame: u64,
    ts: i128,
    replied: bool,
    index: Option<usize>,
}

#[derive(Debug, Default)]
pub struct IcmpAnalyzer {
    section: IcmpSection,
    pending: HashMap<EchoKey, PendingEcho, foldhash::fast::RandomState>,
    rtt: DelayStats,
    /// Messages per (version, type, code); named ("v4:8/0") in the report.
    type_codes: HashMap<(u8, u8, u8), u64, foldhash::fast::RandomState>,
}

impl Analyzer for IcmpAnalyzer {
    type Section = IcmpSection;

    /// Inlined into the packet loop: telling an ICMP message costs a few instructions.
    #[inline]
    fn on_packet(&mut self, ctx: &PacketContext<'_, '_>) {
        if ctx.reassembled.is_some()
            || matches!(
                ctx.packet.transport,
                Transport::Icmpv4(_) | Transport::Icmpv6(_)
            )
        {
            self.on_message(ctx);
        }
    }

    fn finish(mut self) -> IcmpSection {
        let s = &mut self.section;
        s.rtt = self.rtt.report();
        for ((version, t, c), n) in self.type_codes {
            *s.type_codes
                .entry(format!("v{version}:{t}/{c}"))
                .or_default() += n;
        }
        self.section
    }
}

impl IcmpAnalyzer {
    #[inline(never)]
    fn on_message(&mut self, ctx: &PacketContext<'_, '_>) {
        let Some(ip) = &ctx.packet.ip else { return };
        let (bytes, version, reassembled_from) = match (&ctx.reassembled, &ctx.packet.transport) {
            (Some(r), _) if r.protocol == PROTO_ICMP && ip.version == 4 => {
                (r.payload, 4, Some(r.first_frame))
            }
            (Some(r), _) if r.protocol == PROTO_ICMPV6 && ip.version == 6 => {
                (r.payload, 6, Some(r.first_frame))
            }
            // The upper-layer bytes of an unfragmented packet are the ICMP message itself.
            (_, Transport::Icmpv4(_)) => (ip.payload, 4, None),
            (_, Transport::Icmpv6(_)) => (ip.payload, 6, None),
            _ => return,
        };
        let meta = &ctx.packet.meta;
        let Some(p) = wire::Packet::new_checked(bytes) else {
            self.section.malformed += 1;
            return;
        };
        let (t, c) = (p.msg_type(), p.code());
        *self.type_codes.entry((version, t, c)).or_default() += 1;
        let s = &mut self.section;
        let mut m = report::Message {
            frame: meta.number,
            time: meta.ts.as_f64(),
            version,
            icmp_type: t,
            code: c,
            src: ip.src.to_string(),
            dst: ip.dst.to_string(),
            reassembled_from,
            ..report::Message::default()
        };
        let (is_request, is_reply, is_error);
        if version == 4 {
            m.type_name = wire::v4_type_name(t);
            m.code_name = wire::v4_code_name(t, c);
            if wire::v4_has_id_seq(t) {
                m.id = Some(p.ident());
                m.seq = Some(p.seq());
            }
            is_request = t == 8;
            is_reply = t == 0;
            is_error = wire::v4_is_error(t);
            if t == 3 && c == 4 {
                let r = p.rest_of_header();
                m.mtu = Some(u32::from(u16::from_be_bytes([r[2], r[3]])));
            }
            if t == 5 {
                m.gateway = Some(wire::redirect_gateway(&p).to_string());
            }
            s.destination_unreachable += u64::from(t == 3);
            s.time_exceeded += u64::from(t == 11);
        } else {
            m.type_name = wire::v6_type_name(t);
            m.code_name = wire::v6_code_name(t, c);
            if matches!(t, 128 | 129) {
                m.id = Some(p.ident());
                m.seq = Some(p.seq());
            }
            is_request = t == 128;
            is_reply = t == 129;
            is_error = wire::v6_is_error(t);
            if t == 2 {
                m.mtu = Some(u32::from_be_bytes(p.rest_of_header()));
            }
            if let Some(nd) = wire::parse_nd(&p) {
                if t == 137 {
                    m.gateway = nd.target.map(|a| a.to_string());
                }
                m.nd = Some(nd_report(&nd));
            }
            match t {
                130..=132 => {
                    m.multicast_address = p
                        .body()
                        .get(..16)
                        .and_then(|a| <[u8; 16]>::try_from(a).ok())
                        .map(|a| std::net::Ipv6Addr::from(a).to_string());
                }
                143 => {
                    let r = p.rest_of_header();
                    m.mld_records = Some(u16::from_be_bytes([r[2], r[3]]));
                }
                _ => {}
            }
            s.destination_unreachable += u64::from(t == 1);
            s.time_exceeded += u64::from(t == 3);
        }
        if is_error {
            m.quoted = wire::quoted(p.body()).map(|q| report::Quoted {
                protocol: match q.protocol {
                    1 => "icmp".to_string(),
                    6 => "tcp".to_string(),
                    17 => "udp".to_string(),
                    58 => "icmpv6".to_string(),
                    n => n.to_string(),
                },
                src: q.src.to_string(),
                dst: q.dst.to_string(),
                src_port: q.src_port,
                dst_port: q.dst_port,
                icmp_type: q.icmp_type,
                id: q.icmp_id,
                seq: q.icmp_seq,
            });
        }
        s.echo_requests += u64::from(is_request);
        // Until a reply pairs with it (see `on_echo`).
        s.unanswered += u64::from(is_request);
        s.echo_replies += u64::from(is_reply);
        let index = if s.messages.len() < MAX_MESSAGES {
            s.messages.push(m);
            Some(s.messages.len() - 1)
        } else {
            s.messages_omitted += 1;
            None
        };
        if is_request || is_reply {
            let reply_checksum = if is_request {
                wire::expected_reply_checksum(p.checksum(), version)
            } else {
                wire::normalize_checksum(p.checksum())
            };
            let (low, high) = if ip.src <= ip.dst {
                (ip.src, ip.dst)
            } else {
                (ip.dst, ip.src)
            };
            let key = EchoKey {
                low,
                high,
                reply_checksum,
                id: p.ident(),
                seq: p.seq(),
            };
            self.on_echo(key, is_request, meta.number, meta.ts.as_nanos(), index);
        }
    }

    fn on_echo(
        &mut self,
        key: EchoKey,
        is_request: bool,
        frame: u64,
        now: i128,
        index: Option<usize>,
    ) {
        if is_request {
            if !self.pending.contains_key(&key) && self.pending.len() >= MAX_PENDING_ECHOES {
                self.pending.retain(|_, p| now - p.ts <= ECHO_EXPIRY_NANOS);
                if self.pending.len() >= MAX_PENDING_ECHOES {
                    return;
                }
            }
            // A repeated request replaces the pending one, as Wireshark's unmatched table does.
            self.pending.insert(
                key,
                PendingEcho {
                    frame,
                    ts: now,
                    replied: false,
                    index,
                },
            );
            return;
        }
        let Some(req) = self.pending.get_mut(&key) else {
            return;
        };
        if req.replied {
            return; // a duplicate reply
        }
        req.replied = true;
        self.section.unanswered = self.section.unanswered.saturating_sub(1);
        let rtt_ms = (now - req.ts) as f64 / 1e6;
        let s = &mut self.section;
        if let Some(r) = req.index.and_then(|i| s.messages.get_mut(i)) {
            r.reply_frame = Some(frame);
        }
        if let Some(m) = index.and_then(|i| s.messages.get_mut(i)) {
            m.request_frame = Some(req.frame);
            m.rtt_ms = Some(rtt_ms);
        }
        self.rtt.add(rtt_ms);
    }
}

fn nd_report(nd: &wire::NeighborDiscovery) -> report::NeighborDiscovery {
    report::NeighborDiscovery {
        target: nd.target.map(|a| a.to_string()),
        source_link_addr: nd.source_link_addr.as_deref().map(hex_colon),
        target_link_addr: nd.target_link_addr.as_deref().map(hex_colon),
        router: nd.router,
        solicited: nd.solicited,
        override_flag: nd.override_flag,
        cur_hop_limit: nd.cur_hop_limit,
        managed: nd.managed,
        other_config: nd.other_config,
        router_lifetime_s: nd.router_lifetime,
        mtu: nd.mtu,
        prefixes: nd
            .prefixes
            .iter()
            .map(|p| report::Prefix {
                prefix: format!("{}/{}", p.prefix, p.length),
                on_link: p.on_link,
                autonomous: p.autonomous,
                valid_lifetime_s: p.valid_lifetime,
                preferred_lifetime_s: p.preferred_lifetime,
            })
            .collect(),
        dns_servers: nd.dns_servers.iter().map(ToString::to_string).collect(),
    }
}
