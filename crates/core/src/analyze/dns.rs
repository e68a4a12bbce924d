//! The DNS analyzer: DNS over UDP and TCP, mDNS and LLMNR.
//!
//! UDP datagrams come whole from `PacketContext::udp` (fragments already reassembled). DNS over
//! TCP is read from the shared TCP reassembler (per Wireshark `tcp.stream` and direction), cut
//! at the 2-byte length prefixes; each message is reported at the frame that completes it, as
//! Wireshark does. After a hole the next delivered byte is taken as a message start.
//!
//! Queries and responses are matched as Wireshark's `dns.response_in` / `dns.response_to`: per
//! conversation (transport, both addresses and ports) and id, the latest transaction wins; a
//! query repeated less than [`RETRANSMISSION_NANOS`] after an unanswered one with the same id is a
//! retransmission, a second response to an answered transaction is one too.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use super::ports::{self, App};
use super::reassembly::{ConnectionStreams, StreamSet, StreamSink};
use super::{Analyzer, PacketContext, TcpContext};
use crate::capture::Timestamp;
use crate::decode::dns as wire;
use crate::report::dns::{self as report, DnsSection, LatencyStats};

/// Messages listed in the report; the rest are only counted.
pub const MAX_MESSAGES: usize = 200_000;
/// Open transactions remembered for matching; when full, those older than
/// [`TRANSACTION_EXPIRY_NANOS`] are dropped, and if none is, new ones are not tracked.
pub const MAX_TRANSACTIONS: usize = 262_144;
/// Age after which a transaction may be forgotten when the table is full.
pub const TRANSACTION_EXPIRY_NANOS: i128 = 60 * 1_000_000_000;
/// Wireshark's `dns.retransmission_timer` default (5 s).
pub const RETRANSMISSION_NANOS: i128 = 5 * 1_000_000_000;
/// DNS-over-TCP connections reassembled at once; beyond this new ones are ignored until others
/// close.
pub const MAX_TCP_STREAMS: usize = 4096;

type Endpoint = (IpAddr, u16);
/// Fast hashing for the per-message tables (keys come from the capture, so keep it seeded).
type Hasher = foldhash::fast::RandomState;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct TxKey {
    tcp: bool,
    low: Endpoint,
    high: Endpoint,
    id: u16,
}

#[derive(Debug, Clone, Copy)]
struct Transaction {
    req_frame: u64,
    req_ts: i128,
    rep_frame: Option<u64>,
    /// Index of the query in `messages`, if listed.
    query_index: Option<usize>,
}

/// One DNS-over-TCP connection: both directions reassembled.
#[derive(Debug, Default)]
struct TcpConnection {
    streams: ConnectionStreams,
    client: Option<Endpoint>,
    server: Option<Endpoint>,
    client_fin: bool,
    server_fin: bool,
}

/// Cuts a reassembled direction at the 2-byte length prefixes.
struct LengthPrefixed<'a> {
    messages: &'a mut Vec<Vec<u8>>,
}

impl StreamSink for LengthPrefixed<'_> {
    fn on_data(&mut self, data: &[u8]) -> usize {
        let Some(&[hi, lo]) = data.get(..2) else {
            return 0;
        };
        let len = usize::from(u16::from_be_bytes([hi, lo]));
        match data.get(2..2 + len) {
            Some(m) => {
                self.messages.push(m.to_vec());
                2 + len
            }
            None => 0,
        }
    }
    fn on_gap(&mut self, _lost: u64, _dropped: usize) {}
}

/// Running count / min / mean / max of delays in milliseconds (DNS latency, ICMP RTT).
#[derive(Debug, Default)]
pub(crate) struct DelayStats {
    count: u64,
    min: f64,
    max: f64,
    sum: f64,
}

impl DelayStats {
    pub(crate) fn add(&mut self, ms: f64) {
        if self.count == 0 || ms < self.min {
            self.min = ms;
        }
        if self.count == 0 || ms > self.max {
            self.max = ms;
        }
        self.count += 1;
        self.sum += ms;
    }

    /// The report's summary, null when nothing was measured.
    pub(crate) fn report(&self) -> Option<LatencyStats> {
        (self.count > 0).then(|| LatencyStats {
            count: self.count,
            min_ms: self.min,
            mean_ms: self.sum / self.count as f64,
            max_ms: self.max,
        })
    }
}

/// Where a message came from.
#[derive(Clone, Copy)]
struct Origin {
    frame: u64,
    ts: Timestamp,
    src: Endpoint,
    dst: Endpoint,
    tcp: bool,
    protocol: App,
}

#[derive(Debug, Default)]
pub struct DnsAnalyzer {
    section: DnsSection,
    transactions: HashMap<TxKey, Transaction, Hasher>,
    tcp: HashMap<u64, Box<TcpConnection>, Hasher>,
    /// TCP streams known not to be DNS (or not tracked for lack of room).
    tcp_ignored: StreamSet,
    latency: DelayStats,
}

impl Analyzer for DnsAnalyzer {
    type Section = DnsSection;

    /// Inlined into the packet loop: most packets are told not DNS in a few instructions.
    #[inline]
    fn on_packet(&mut self, ctx: &PacketContext<'_, '_>) {
        let maybe_dns = match (&ctx.udp, ctx.tcp) {
            (Some(udp), _) => matches!(
                ports::udp_app(udp.src_port, udp.dst_port),
                Some(App::Dns | App::Mdns | App::Llmnr)
            ),
            (None, Some(tcp)) => !self.tcp_ignored.contains(tcp.stream),
            (None, None) => false,
        };
        if maybe_dns {
            self.on_dns_packet(ctx);
        }
    }

    fn finish(mut self) -> DnsSection {
        self.section.latency = self.latency.report();
        self.section
    }
}

impl DnsAnalyzer {
    #[inline(never)]
    fn on_dns_packet(&mut self, ctx: &PacketContext<'_, '_>) {
        let Some(ip) = &ctx.packet.ip else { return };
        let meta = &ctx.packet.meta;
        if let Some(udp) = &ctx.udp {
            let app = match ports::udp_app(udp.src_port, udp.dst_port) {
                Some(app @ (App::Dns | App::Mdns | App::Llmnr)) => app,
                _ => return,
            };
            let origin = Origin {
                frame: meta.number,
                ts: meta.ts,
                src: (ip.src, udp.src_port),
                dst: (ip.dst, udp.dst_port),
                tcp: false,
                protocol: app,
            };
            self.on_message(&origin, udp.payload);
        } else if let (Some(tcp), Some(seg)) = (ctx.tcp, ctx.packet.tcp()) {
            let origin = Origin {
                frame: meta.number,
                ts: meta.ts,
                src: (ip.src, seg.src_port),
                dst: (ip.dst, seg.dst_port),
                tcp: true,
                protocol: App::Dns,
            };
            self.on_tcp_segment(&origin, tcp, seg);
        }
    }

    fn on_tcp_segment(
        &mut self,
        origin: &Origin,
        tcp: TcpContext,
        seg: &crate::decode::tcp::Segment<'_>,
    ) {
        if self.tcp_ignored.contains(tcp.stream) {
            return;
        }
        if !self.tcp.contains_key(&tcp.stream) {
            if !ports::tcp_is_dns(seg.src_port, seg.dst_port) || self.tcp.len() >= MAX_TCP_STREAMS {
                self.tcp_ignored.insert(tcp.stream);
                return;
            }
            self.tcp.insert(tcp.stream, Box::default());
        }
        let Some(conn) = self.tcp.get_mut(&tcp.stream) else {
            return;
        };
        let (client, server) = if tcp.from_client {
            (origin.src, origin.dst)
        } else {
            (origin.dst, origin.src)
        };
        conn.client.get_or_insert(client);
        conn.server.get_or_insert(server);
        let (mut from_client, mut from_server) = (Vec::new(), Vec::new());
        conn.streams.push(
            seg,
            tcp.from_client,
            &mut LengthPrefixed {
                messages: &mut from_client,
            },
            &mut LengthPrefixed {
                messages: &mut from_server,
            },
        );
        if seg.flags.fin() {
            if tcp.from_client {
                conn.client_fin = true;
            } else {
                conn.server_fin = true;
            }
        }
        let (client, server) = (conn.client.unwrap_or(client), conn.server.unwrap_or(server));
        if seg.flags.rst() || (conn.client_fin && conn.server_fin) {
            // Done: bytes after a hole that was never filled are not DNS Wireshark would show.
            self.tcp.remove(&tcp.stream);
            self.tcp_ignored.insert(tcp.stream);
        }
        for (messages, src, dst) in [(from_client, client, server), (from_server, server, client)] {
            for m in messages {
                let o = Origin {
                    src,
                    dst,
                    ..*origin
                };
                self.on_message(&o, &m);
            }
        }
    }

    fn on_message(&mut self, origin: &Origin, bytes: &[u8]) {
        let msg = wire::parse(bytes);
        let response = msg.flags.response();
        let s = &mut self.section;
        if response {
            s.responses += 1;
            count_name(
                &mut s.rcodes,
                wire::rcode_name(u16::from(msg.flags.rcode())),
            );
        } else {
            s.queries += 1;
            // Until a response matches it (see `match_transaction`).
            s.unanswered += 1;
            for q in &msg.questions {
                count_name(&mut s.qtypes, wire::type_name(q.qtype));
            }
        }
        if msg.malformed.is_some() {
            s.malformed += 1;
        }
        let index = if s.messages.len() < MAX_MESSAGES {
            s.messages.push(build_message(origin, &msg));
            Some(s.messages.len() - 1)
        } else {
            s.messages_omitted += 1;
            None
        };
        let header_ok = !matches!(
            msg.malformed,
            Some(wire::Malformed {
                reason: wire::MalformedReason::ShortHeader,
                ..
            })
        );
        if header_ok {
            self.match_transaction(origin, msg.id, response, index);
        }
    }

    fn match_transaction(
        &mut self,
        origin: &Origin,
        id: u16,
        response: bool,
        index: Option<usize>,
    ) {
        let (low, high) = if origin.src <= origin.dst {
            (origin.src, origin.dst)
        } else {
            (origin.dst, origin.src)
        };
        let key = TxKey {
            tcp: origin.tcp,
            low,
            high,
            id,
        };
        let now = origin.ts.as_nanos();
        let s = &mut self.section;
        if !response {
            let new_transaction = match self.transactions.get(&key) {
                None => true,
                Some(t) => t.rep_frame.is_some() || now - t.req_ts >= RETRANSMISSION_NANOS,
            };
            if new_transaction {
                if !self.transactions.contains_key(&key)
                    && self.transactions.len() >= MAX_TRANSACTIONS
                {
                    self.transactions
                        .retain(|_, t| now - t.req_ts <= TRANSACTION_EXPIRY_NANOS);
                    if self.transactions.len() >= MAX_TRANSACTIONS {
                        return;
                    }
                }
                self.transactions.insert(
                    key,
                    Transaction {
                        req_frame: origin.frame,
                        req_ts: now,
                        rep_frame: None,
                        query_index: index,
                    },
                );
            } else {
                s.retransmitted_queries += 1;
                if let Some(m) = index.and_then(|i| s.messages.get_mut(i)) {
                    m.retransmission = true;
                }
            }
            return;
        }
        let Some(t) = self.transactions.get_mut(&key) else {
            return;
        };
        if t.rep_frame.is_some() {
            s.retransmitted_responses += 1;
            if let Some(m) = index.and_then(|i| s.messages.get_mut(i)) {
                m.retransmission = true;
            }
            return;
        }
        t.rep_frame = Some(origin.frame);
        s.unanswered = s.unanswered.saturating_sub(1);
        let latency_ms = (now - t.req_ts) as f64 / 1e6;
        if let Some(q) = t.query_index.and_then(|i| s.messages.get_mut(i)) {
            q.response_in = Some(origin.frame);
        }
        if let Some(m) = index.and_then(|i| s.messages.get_mut(i)) {
            m.response_to = Some(t.req_frame);
            m.latency_ms = Some(latency_ms);
        }
        self.latency.add(latency_ms);
    }
}

fn build_message(origin: &Origin, msg: &wire::Message) -> report::Message {
    let first = msg.questions.first();
    let ext = msg.extended_rcode();
    report::Message {
        frame: origin.frame,
        time: origin.ts.as_f64(),
        id: msg.id,
        response: msg.flags.response(),
        opcode: wire::opcode_name(msg.flags.opcode()).into_owned(),
        qname: first.map(|q| q.name.clone()),
        qtype: first.map(|q| wire::type_name(q.qtype).into_owned()),
        qclass: first.map(|q| class_text(q.qclass, origin.protocol)),
        more_questions: msg
            .questions
            .iter()
            .skip(1)
            .map(|q| report::Question {
                name: q.name.clone(),
                qtype: wire::type_name(q.qtype).into_owned(),
                qclass: class_text(q.qclass, origin.protocol),
            })
            .collect(),
        rcode: (msg.malformed.map(|m| m.reason) != Some(wire::MalformedReason::ShortHeader))
            .then(|| wire::rcode_name(u16::from(msg.flags.rcode())).into_owned()),
        extended_rcode: (ext > 0xf).then(|| wire::rcode_name(ext).into_owned()),
        flags: report::Flags {
            authoritative: msg.flags.authoritative(),
            truncated: msg.flags.truncated(),
            recursion_desired: msg.flags.recursion_desired(),
            recursion_available: msg.flags.recursion_available(),
            authenticated_data: msg.flags.authenticated_data(),
            checking_disabled: msg.flags.checking_disabled(),
        },
        counts: report::Counts {
            questions: msg.counts[0],
            answers: msg.counts[1],
            authorities: msg.counts[2],
            additionals: msg.counts[3],
        },
        answers: msg
            .answers
            .iter()
            .map(|r| answer(r, origin.protocol))
            .collect(),
        authorities: msg
            .authorities
            .iter()
            .map(|r| answer(r, origin.protocol))
            .collect(),
        additionals: msg
            .additionals
            .iter()
            .map(|r| answer(r, origin.protocol))
            .collect(),
        edns: msg.edns.map(|e| report::Edns {
            udp_payload_size: e.udp_payload_size,
            version: e.version,
            do_bit: e.dnssec_ok,
        }),
        transport: if origin.tcp { "tcp" } else { "udp" }.to_string(),
        protocol: match origin.protocol {
            App::Mdns => "mdns",
            App::Llmnr => "llmnr",
            _ => "dns",
        }
        .to_string(),
        src: origin.src.0.to_string(),
        src_port: origin.src.1,
        dst: origin.dst.0.to_string(),
        dst_port: origin.dst.1,
        response_to: None,
        response_in: None,
        latency_ms: None,
        retransmission: false,
        malformed: msg
            .malformed
            .map(|m| format!("{} at byte {}", m.reason.as_str(), m.offset)),
    }
}

/// Adds one to `name`'s count, allocating the key only the first time it is seen.
fn count_name(counts: &mut BTreeMap<String, u64>, name: Cow<'_, str>) {
    match counts.get_mut(name.as_ref()) {
        Some(n) => *n += 1,
        None => {
            counts.insert(name.into_owned(), 1);
        }
    }
}

/// Class name; in mDNS the top bit is the unicast-response / cache-flush flag, not the class.
fn class_text(class: u16, protocol: App) -> String {
    if protocol == App::Mdns {
        wire::class_name(class & 0x7fff).into_owned()
    } else {
        wire::class_name(class).into_owned()
    }
}

fn answer(r: &wire::Record, protocol: App) -> report::Answer {
    report::Answer {
        name: r.name.clone(),
        rtype: wire::type_name(r.rtype).into_owned(),
        class: class_text(r.class, protocol),
        ttl: r.ttl,
        data: r.data.main_text(),
        extra: r.data.extra_text(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::dns::rtype;
    use crate::decode::dns::tests::{message, question, record};

    fn analyzer_feed(
        a: &mut DnsAnalyzer,
        frame: u64,
        secs: i64,
        src: Endpoint,
        dst: Endpoint,
        bytes: &[u8],
    ) {
        let origin = Origin {
            frame,
            ts: Timestamp::new(secs, 0),
            src,
            dst,
            tcp: false,
            protocol: App::Dns,
        };
        a.on_message(&origin, bytes);
    }

    fn query(id: u16, name: &str) -> Vec<u8> {
        message(id, 0x0100, [1, 0, 0, 0], &question(name, rtype::A))
    }

    fn response(id: u16, name: &str, rcode: u16) -> Vec<u8> {
        let mut body = question(name, rtype::A);
        body.extend(record(&[0xc0, 0x0c], rtype::A, 1, 60, &[10, 0, 0, 2]));
        message(id, 0x8180 | rcode, [1, 1, 0, 0], &body)
    }

    const C: Endpoint = (IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 1)), 40000);
    const S: Endpoint = (IpAddr::V4(std::net::Ipv4Addr::new(10, 0, 0, 2)), 53);

    #[test]
    fn test_match_and_latency() {
        let mut a = DnsAnalyzer::default();
        analyzer_feed(&mut a, 1, 0, C, S, &query(7, "a.example"));
        analyzer_feed(&mut a, 2, 0, C, S, &query(8, "b.example"));
        analyzer_feed(&mut a, 3, 1, S, C, &response(8, "b.example", 3));
        let s = a.finish();
        assert_eq!(s.queries, 2);
        assert_eq!(s.responses, 1);
        assert_eq!(s.unanswered, 1);
        assert_eq!(s.messages[1].response_in, Some(3));
        assert_eq!(s.messages[2].response_to, Some(2));
        assert_eq!(s.messages[2].rcode.as_deref(), Some("NXDOMAIN"));
        assert_eq!(s.messages[0].rcode.as_deref(), Some("NOERROR"));
        assert_eq!(s.messages[2].latency_ms, Some(1000.0));
        let lat = s.latency.as_ref().expect("one latency measured");
        assert_eq!(
            (lat.count, lat.min_ms, lat.mean_ms, lat.max_ms),
            (1, 1000.0, 1000.0, 1000.0)
        );
        assert_eq!(s.messages[2].answers[0].data, "10.0.0.2");
        assert_eq!(s.rcodes.get("NXDOMAIN"), Some(&1));
        assert_eq!(s.qtypes.get("A"), Some(&2));
    }

    #[test]
    fn test_retransmissions_as_wireshark() {
        let mut a = DnsAnalyzer::default();
        analyzer_feed(&mut a, 1, 0, C, S, &query(7, "a.example"));
        // Within 5 s: a retransmission, not a new transaction.
        analyzer_feed(&mut a, 2, 2, C, S, &query(7, "a.example"));
        // 5 s or more after the first: a new transaction.
        analyzer_feed(&mut a, 3, 5, C, S, &query(7, "a.example"));
        analyzer_feed(&mut a, 4, 5, S, C, &response(7, "a.example", 0));
        analyzer_feed(&mut a, 5, 5, S, C, &response(7, "a.example", 0));
        // A response in another conversation matches nothing.
        let other = (S.0, 5353);
        analyzer_feed(&mut a, 6, 5, other, C, &response(7, "a.example", 0));
        let s = a.finish();
        let m = &s.messages;
        assert_eq!(m[0].response_in, None);
        assert!(m[1].retransmission);
        assert_eq!(m[2].response_in, Some(4));
        assert_eq!(m[3].response_to, Some(3));
        assert!(m[4].retransmission);
        assert_eq!(m[4].response_to, None);
        assert_eq!(m[5].response_to, None);
        assert_eq!(s.retransmitted_queries, 1);
        assert_eq!(s.retransmitted_responses, 1);
        assert_eq!(s.unanswered, 2);
    }

    #[test]
    fn test_malformed_is_flagged_not_fatal() {
        let mut a = DnsAnalyzer::default();
        analyzer_feed(
            &mut a,
            1,
            0,
            C,
            S,
            &message(1, 0, [1, 0, 0, 0], &[0xc0, 0x0c, 0, 1, 0, 1]),
        );
        analyzer_feed(&mut a, 2, 0, C, S, &[1, 2, 3]);
        let s = a.finish();
        assert_eq!(s.malformed, 2);
        assert!(s.messages[0]
            .malformed
            .as_deref()
            .unwrap()
            .starts_with("compression pointer loop"));
        assert_eq!(s.messages[1].rcode, None);
    }
}
