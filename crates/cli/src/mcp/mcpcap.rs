//! mcpcap 0.10.0's nine tools, answered from the Report.
//!
//! Each answer keeps every top-level key mcpcap returns (so prompts and scripts written for
//! mcpcap keep working) with Wireshark's values, and adds what pcaplens knows besides: the
//! frame number and `tcp.stream` of everything listed, the full statistics, and a `page`
//! object for every list. docs/mcp.md maps each key and says what changed and why.

use std::collections::{BTreeMap, BTreeSet};

use pcaplens_core::report::tcp::{AnalysisCounts, Connection, DirectionStats, TcpSection};
use pcaplens_core::Report;
use serde_json::{json, Map, Value};

use super::files::Capture;
use super::page::{capped, paged, PageRequest};
use super::tcpview::{endpoint, filtered, ServerFilter};
use super::util::{iso_utc, now_iso, socket, StreamIndex};

/// What every tool answers about: the path as the caller gave it, the file, and its report.
pub struct Ctx<'a> {
    pub given: &'a str,
    pub capture: &'a Capture,
    pub report: &'a Report,
}

impl Ctx<'_> {
    /// The keys every answer starts with (mcpcap's `file` and `analysis_timestamp`).
    fn head(&self) -> Map<String, Value> {
        let mut m = Map::new();
        m.insert("file".into(), json!(self.given));
        m.insert("analysis_timestamp".into(), json!(now_iso()));
        m
    }
}

fn object(mut head: Map<String, Value>, rest: Value) -> Value {
    if let Value::Object(rest) = rest {
        head.extend(rest);
    }
    Value::Object(head)
}

fn ratio(a: f64, b: f64) -> Option<f64> {
    (b > 0.0).then(|| a / b)
}

/// `analyze_capinfos`: the file's facts as Wireshark's capinfos prints them.
pub fn capinfos(ctx: &Ctx) -> Value {
    let c = &ctx.report.capinfos;
    let duration = c.duration_s.unwrap_or(0.0);
    let wire = c.wire_bytes as f64;
    let (warnings, warnings_omitted) = capped(&c.warnings);
    object(
        ctx.head(),
        json!({
            "filename": ctx.capture.file_name(),
            "file_size_bytes": ctx.capture.size,
            "file_encapsulation": c.encapsulation,
            "packet_count": c.packets,
            // capinfos' "Data size": bytes on the wire (mcpcap summed captured bytes).
            "data_size_bytes": c.wire_bytes,
            "captured_bytes": c.data_bytes,
            "capture_duration_seconds": c.duration_s,
            "first_packet_time": c.first_time,
            "last_packet_time": c.last_time,
            "first_packet_time_iso": c.first_time.and_then(iso_utc),
            "last_packet_time_iso": c.last_time.and_then(iso_utc),
            "data_rate_bytes": ratio(wire, duration),
            "data_rate_bits": ratio(wire * 8.0, duration),
            "average_packet_size_bytes": ratio(wire, c.packets as f64),
            "average_packet_rate": ratio(c.packets as f64, duration),
            "file_type": c.file_type,
            "format": c.format,
            "compressed": c.compressed,
            "frames": c.frames,
            "first_frame": (c.frames > 0).then_some(1),
            "last_frame": (c.frames > 0).then_some(c.frames),
            "link_types": c.link_types,
            "time_precision": c.file_time_precision,
            "strict_time_order": c.time_ordered,
            "snaplen": c.snaplen,
            "cut_packets": c.cut_packets,
            "interfaces": c.interfaces.len(),
            "capture_comments": c.comments,
            "capture_application": c.capture_application,
            "capture_os": c.capture_os,
            "capture_hardware": c.capture_hardware,
            "truncated": c.truncated,
            "warnings": warnings,
            "warnings_omitted": warnings_omitted,
        }),
    )
}

/// "ip:port" split into address text and port.
fn split(ep: &str) -> (Value, Value) {
    match endpoint(ep) {
        Some(s) => (json!(s.ip().to_string()), json!(s.port())),
        None => (json!(ep), Value::Null),
    }
}

/// `analyze_dns_packets`.
pub fn dns(ctx: &Ctx, page: PageRequest) -> Value {
    let d = &ctx.report.dns;
    let streams = StreamIndex::new(&ctx.report.tcp.connections);
    let mut domains = BTreeSet::new();
    for m in &d.messages {
        domains.extend(m.qname.iter().cloned());
        domains.extend(m.more_questions.iter().map(|q| q.name.clone()));
    }
    let domains: Vec<String> = domains.into_iter().collect();
    let (unique_domains, unique_domains_omitted) = capped(&domains);
    let found = d.queries + d.responses;
    let head = object(
        ctx.head(),
        json!({
            "total_packets_in_file": ctx.report.capinfos.frames,
            "dns_packets_found": found,
            "dns_packets_analyzed": found,
            "statistics": {
                "queries": d.queries,
                "responses": d.responses,
                "unique_domains_queried": domains.len(),
                "unique_domains": unique_domains,
                "unique_domains_omitted": unique_domains_omitted,
                "unanswered": d.unanswered,
                "retransmitted_queries": d.retransmitted_queries,
                "retransmitted_responses": d.retransmitted_responses,
                "malformed": d.malformed,
                "rcodes": d.rcodes,
                "qtypes": d.qtypes,
                "latency": d.latency,
            },
            "messages_not_listed": d.messages_omitted,
        }),
    );
    if found == 0 {
        return with_message(head, "No DNS packets found in this capture", "packets");
    }
    paged(&d.messages, page, |msgs, info| {
        let packets: Vec<Value> = msgs
            .iter()
            .map(|m| {
                let tcp_stream = (m.transport == "tcp")
                    .then(|| {
                        streams.stream(
                            socket(&m.src, m.src_port)?,
                            socket(&m.dst, m.dst_port)?,
                            m.frame,
                        )
                    })
                    .flatten();
                let mut questions: Vec<Value> = Vec::new();
                if let Some(name) = &m.qname {
                    questions.push(json!({"name": name, "type": m.qtype, "class": m.qclass}));
                }
                questions.extend(
                    m.more_questions
                        .iter()
                        .map(|q| json!({"name": q.name, "type": q.qtype, "class": q.qclass})),
                );
                json!({
                    "packet_number": m.frame,
                    "frame": m.frame,
                    "timestamp": iso_utc(m.time),
                    "time": m.time,
                    "source_ip": m.src,
                    "destination_ip": m.dst,
                    "source_port": m.src_port,
                    "destination_port": m.dst_port,
                    "protocol": m.transport.to_ascii_uppercase(),
                    "tcp_stream": tcp_stream,
                    "service": m.protocol,
                    "dns_id": m.id,
                    "opcode": m.opcode,
                    "rcode": m.rcode,
                    "flags": {
                        "is_response": m.response,
                        "authoritative": m.flags.authoritative,
                        "truncated": m.flags.truncated,
                        "recursion_desired": m.flags.recursion_desired,
                        "recursion_available": m.flags.recursion_available,
                        "authenticated_data": m.flags.authenticated_data,
                        "checking_disabled": m.flags.checking_disabled,
                    },
                    "questions": questions,
                    "answers": m.answers.iter().map(|a| json!({
                        "name": a.name, "type": a.rtype, "class": a.class, "ttl": a.ttl,
                        "data": a.data, "extra": a.extra,
                    })).collect::<Vec<_>>(),
                    "authority_count": m.counts.authorities,
                    "additional_count": m.counts.additionals,
                    "response_in": m.response_in,
                    "response_to": m.response_to,
                    "latency_ms": m.latency_ms,
                    "retransmission": m.retransmission,
                    "malformed": m.malformed,
                    "summary": dns_summary(m),
                })
            })
            .collect();
        extend(&head, json!({"packets": packets, "page": info}))
    })
}

/// Wireshark's Info column for a DNS message, in short.
fn dns_summary(m: &pcaplens_core::report::dns::Message) -> String {
    let kind = if m.response {
        "Standard query response"
    } else {
        "Standard query"
    };
    let mut s = format!("{kind} 0x{:04x}", m.id);
    if let (Some(t), Some(n)) = (&m.qtype, &m.qname) {
        s.push_str(&format!(" {t} {n}"));
    }
    if m.response && m.rcode.as_deref().is_some_and(|r| r != "NOERROR") {
        s.push_str(&format!(" {}", m.rcode.as_deref().unwrap_or_default()));
    }
    for a in m.answers.iter().take(4) {
        s.push_str(&format!(" {} {}", a.rtype, a.data));
    }
    s
}

fn extend(head: &Value, rest: Value) -> Value {
    let mut out = head.clone();
    if let (Value::Object(o), Value::Object(r)) = (&mut out, rest) {
        o.extend(r);
    }
    out
}

/// mcpcap's answer when the capture has none of a protocol: the message, an empty list.
fn with_message(head: Value, message: &str, list: &str) -> Value {
    extend(
        &head,
        json!({"message": message, list: [], "page": super::page::page_info(0, 0, 0)}),
    )
}

/// DHCP transactions in `statistics.transactions`, and messages listed per transaction (a
/// transaction can hold 64 frames: this keeps the statistics a few kilobytes).
const TRANSACTIONS_LISTED: usize = 25;
const STEPS_LISTED: usize = 8;

/// `analyze_dhcp_packets`.
pub fn dhcp(ctx: &Ctx, page: PageRequest) -> Value {
    let d = &ctx.report.dhcp;
    let clients: BTreeSet<&str> = d
        .messages
        .iter()
        .filter_map(|m| m.client_mac.as_deref())
        .collect();
    let servers: Vec<String> = d.servers.clone();
    let clients: Vec<&str> = clients.into_iter().collect();
    let (unique_clients, clients_omitted) = capped(&clients);
    let (unique_servers, servers_omitted) = capped(&servers);
    let mut transactions = Map::new();
    for t in d.transactions.iter().take(TRANSACTIONS_LISTED) {
        let steps: Vec<Value> = t
            .frames
            .iter()
            .zip(&t.sequence)
            .take(STEPS_LISTED)
            .map(|(f, s)| json!({"packet_number": f, "frame": f, "message_type": s}))
            .collect();
        transactions.insert(t.xid.clone(), json!(steps));
    }
    let found = d.messages.len() as u64 + d.messages_omitted;
    let head = object(
        ctx.head(),
        json!({
            "total_packets": ctx.report.capinfos.frames,
            "dhcp_packets_found": found,
            "dhcp_packets_analyzed": found,
            "statistics": {
                "unique_clients_count": clients.len(),
                "unique_servers_count": servers.len(),
                "unique_clients": unique_clients,
                "unique_clients_omitted": clients_omitted,
                "unique_servers": unique_servers,
                "unique_servers_omitted": servers_omitted,
                "message_type_counts": d.message_counts,
                "transaction_count": d.transactions.len(),
                "transactions": transactions,
                "transactions_omitted": d.transactions.len().saturating_sub(TRANSACTIONS_LISTED),
                "dora_complete": d.transactions.iter().filter(|t| t.dora_complete).count(),
                "malformed": d.malformed,
                "warnings": d.warnings,
            },
            "messages_not_listed": d.messages_omitted,
        }),
    );
    if found == 0 {
        return with_message(head, "No DHCP packets found in this capture", "packets");
    }
    paged(&d.messages, page, |msgs, info| {
        let packets: Vec<Value> = msgs
            .iter()
            .map(|m| {
                json!({
                    "packet_number": m.frame,
                    "frame": m.frame,
                    "timestamp": iso_utc(m.time),
                    "time": m.time,
                    "version": m.version,
                    "src_ip": m.src,
                    "dst_ip": m.dst,
                    "src_port": m.src_port,
                    "dst_port": m.dst_port,
                    "op": m.op.map(|op| if op == 1 { "Request" } else { "Reply" }),
                    "transaction_id": m.xid,
                    "client_ip": m.ciaddr,
                    "your_ip": m.yiaddr,
                    "server_ip": m.siaddr,
                    "relay_ip": m.giaddr,
                    "client_mac": m.client_mac,
                    "message_type": m.message_type,
                    "requested_ip": m.requested_ip,
                    "server_id": m.server_id,
                    "client_id": m.client_id,
                    "lease_time": m.options.lease_time,
                    "renewal_time": m.options.renewal_time,
                    "rebinding_time": m.options.rebinding_time,
                    "options": m.options,
                    "malformed": m.malformed,
                })
            })
            .collect();
        extend(&head, json!({"packets": packets, "page": info}))
    })
}

/// `analyze_icmp_packets`.
pub fn icmp(ctx: &Ctx, page: PageRequest) -> Value {
    let s = &ctx.report.icmp;
    let streams = StreamIndex::new(&ctx.report.tcp.connections);
    let mut type_counts: BTreeMap<&str, u64> = BTreeMap::new();
    let mut sources = BTreeSet::new();
    let mut destinations = BTreeSet::new();
    let mut echo_pairs: BTreeMap<u16, (u64, u64)> = BTreeMap::new();
    let mut unreachable = BTreeSet::new();
    for m in &s.messages {
        *type_counts.entry(m.type_name.as_str()).or_default() += 1;
        sources.insert(m.src.as_str());
        destinations.insert(m.dst.as_str());
        let echo = match (m.version, m.icmp_type) {
            (4, 8) | (6, 128) => Some(true),
            (4, 0) | (6, 129) => Some(false),
            _ => None,
        };
        if let (Some(request), Some(id)) = (echo, m.id) {
            let e = echo_pairs.entry(id).or_default();
            if request {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
        if matches!((m.version, m.icmp_type), (4, 3) | (6, 1)) {
            if let Some(q) = &m.quoted {
                unreachable.insert(q.dst.as_str());
            }
        }
    }
    let sources: Vec<&str> = sources.into_iter().collect();
    let destinations: Vec<&str> = destinations.into_iter().collect();
    let unreachable: Vec<&str> = unreachable.into_iter().collect();
    let echo_map: Map<String, Value> = echo_pairs
        .iter()
        .take(super::page::MAX_STAT_ENTRIES)
        .map(|(id, (rq, rp))| (id.to_string(), json!({"requests": rq, "replies": rp})))
        .collect();
    let found = s.messages.len() as u64 + s.messages_omitted;
    let head = object(
        ctx.head(),
        json!({
            "total_packets": ctx.report.capinfos.frames,
            "icmp_packets_found": found,
            "icmp_packets_analyzed": found,
            "statistics": {
                "icmp_type_counts": type_counts,
                "unique_sources_count": sources.len(),
                "unique_destinations_count": destinations.len(),
                "unique_sources": capped(&sources).0,
                "unique_sources_omitted": capped(&sources).1,
                "unique_destinations": capped(&destinations).0,
                "unique_destinations_omitted": capped(&destinations).1,
                "echo_sessions": echo_pairs.len(),
                "echo_pairs": echo_map,
                "unreachable_destinations_count": unreachable.len(),
                "unreachable_destinations": capped(&unreachable).0,
                "unreachable_destinations_omitted": capped(&unreachable).1,
                "echo_requests": s.echo_requests,
                "echo_replies": s.echo_replies,
                "unanswered_echo_requests": s.unanswered,
                "destination_unreachable": s.destination_unreachable,
                "time_exceeded": s.time_exceeded,
                "type_codes": s.type_codes,
                "rtt": s.rtt,
                "malformed": s.malformed,
            },
            "messages_not_listed": s.messages_omitted,
        }),
    );
    if found == 0 {
        return with_message(head, "No ICMP packets found in this capture", "packets");
    }
    paged(&s.messages, page, |msgs, info| {
        let packets: Vec<Value> = msgs
            .iter()
            .map(|m| {
                let tcp_stream = m
                    .quoted
                    .as_ref()
                    .filter(|q| q.protocol == "tcp")
                    .and_then(|q| {
                        streams.stream(
                            socket(&q.src, q.src_port?)?,
                            socket(&q.dst, q.dst_port?)?,
                            m.frame,
                        )
                    });
                json!({
                    "packet_number": m.frame,
                    "frame": m.frame,
                    "timestamp": iso_utc(m.time),
                    "time": m.time,
                    "src_ip": m.src,
                    "dst_ip": m.dst,
                    "ip_version": m.version,
                    "icmp_type": m.icmp_type,
                    "icmp_code": m.code,
                    "icmp_type_name": m.type_name,
                    "icmp_code_name": m.code_name,
                    "icmp_id": m.id,
                    "icmp_seq": m.seq,
                    "reply_frame": m.reply_frame,
                    "request_frame": m.request_frame,
                    "rtt_ms": m.rtt_ms,
                    "original_dst_ip": m.quoted.as_ref().map(|q| q.dst.clone()),
                    "quoted": m.quoted,
                    "tcp_stream": tcp_stream,
                    "mtu": m.mtu,
                    "gateway": m.gateway,
                    "nd": m.nd,
                    "reassembled_from": m.reassembled_from,
                })
            })
            .collect();
        extend(&head, json!({"packets": packets, "page": info}))
    })
}

/// `analyze_sip_packets`.
pub fn sip(ctx: &Ctx, page: PageRequest) -> Value {
    let s = &ctx.report.sip;
    let streams = StreamIndex::new(&ctx.report.tcp.connections);
    let requests = s.messages.iter().filter(|m| m.method.is_some()).count();
    let responses = s.messages.len() - requests;
    let mut classes: BTreeMap<String, u64> = BTreeMap::new();
    let mut transports: BTreeMap<String, u64> = BTreeMap::new();
    let mut agents = BTreeSet::new();
    let mut call_ids = BTreeSet::new();
    for m in &s.messages {
        if let Some(st) = m.status {
            *classes.entry(format!("{}xx", st / 100)).or_default() += 1;
        }
        *transports
            .entry(m.transport.to_ascii_uppercase())
            .or_default() += 1;
        agents.extend(m.user_agent.iter().map(String::as_str));
        call_ids.extend(m.call_id.iter().map(String::as_str));
    }
    let agents: Vec<&str> = agents.into_iter().collect();
    let call_ids: Vec<&str> = call_ids.into_iter().collect();
    let found = s.messages.len() as u64 + s.messages_dropped;
    let calls: Vec<Value> = s
        .calls
        .iter()
        .take(super::page::MAX_STAT_ENTRIES)
        .map(|c| {
            json!({
                "call_id": c.call_id, "method": c.method, "state": c.state,
                "messages": c.messages, "frames": c.frames, "invite_frame": c.invite_frame,
                "bye_frame": c.bye_frame, "final_status": c.final_status,
                "setup_s": c.setup_s, "duration_s": c.duration_s,
            })
        })
        .collect();
    let head = object(
        ctx.head(),
        json!({
            "total_packets_in_file": ctx.report.capinfos.frames,
            "sip_packets_found": found,
            "sip_packets_analyzed": found,
            "statistics": {
                "requests": requests,
                "responses": responses,
                "methods": s.requests,
                "status_codes": s.responses,
                "response_classes": classes,
                "unique_call_ids": call_ids.len(),
                "call_ids": capped(&call_ids).0,
                "call_ids_omitted": capped(&call_ids).1,
                "transports": transports,
                "user_agents": capped(&agents).0,
                "user_agents_omitted": capped(&agents).1,
            },
            "calls": calls,
            "calls_omitted": s.calls.len().saturating_sub(super::page::MAX_STAT_ENTRIES) as u64 + s.calls_dropped,
            "messages_not_listed": s.messages_dropped,
        }),
    );
    if found == 0 {
        return with_message(head, "No SIP packets found in this capture", "packets");
    }
    paged(&s.messages, page, |msgs, info| {
        let packets: Vec<Value> = msgs
            .iter()
            .map(|m| {
                let (src_ip, src_port) = split(&m.src);
                let (dst_ip, dst_port) = split(&m.dst);
                let tcp_stream = (m.transport == "tcp")
                    .then(|| streams.stream(endpoint(&m.src)?, endpoint(&m.dst)?, m.frame))
                    .flatten();
                let start_line = match (&m.method, m.status) {
                    (Some(method), _) => format!(
                        "{method} {} SIP/2.0",
                        m.request_uri.as_deref().unwrap_or_default()
                    ),
                    (None, Some(st)) => {
                        format!("SIP/2.0 {st} {}", m.reason.as_deref().unwrap_or_default())
                    }
                    _ => String::new(),
                };
                json!({
                    "packet_number": m.frame,
                    "frame": m.frame,
                    "timestamp": iso_utc(m.time),
                    "time": m.time,
                    "source_ip": src_ip,
                    "destination_ip": dst_ip,
                    "source_port": src_port,
                    "destination_port": dst_port,
                    "transport": m.transport.to_ascii_uppercase(),
                    "tcp_stream": tcp_stream,
                    "message_type": if m.method.is_some() { "request" } else { "response" },
                    "start_line": start_line,
                    "method": m.method,
                    "request_uri": m.request_uri,
                    "status_code": m.status,
                    "reason_phrase": m.reason,
                    "call_id": m.call_id,
                    "cseq": m.cseq,
                    "from": m.from,
                    "to": m.to,
                    "contact": m.contact,
                    "user_agent": m.user_agent,
                    "via": m.via,
                    "content_type": m.content_type,
                    "sdp": m.sdp,
                })
            })
            .collect();
        extend(&head, json!({"packets": packets, "page": info}))
    })
}

fn filter_json(server_ip: Option<&str>, server_port: Option<u16>) -> Value {
    json!({"server_ip": server_ip, "server_port": server_port})
}

/// mcpcap's per-connection record, with Wireshark's counts and pcaplens's additions.
fn connection(c: &Connection) -> Value {
    let (a, b) = (&c.client_to_server, &c.server_to_client);
    let closed = matches!(&*c.close, "rst" | "fin");
    let close_reason = match &*c.close {
        "rst" => "reset",
        "fin" => "normal",
        _ if c.packets > 3 => "active",
        _ => "unknown",
    };
    json!({
        "stream": c.stream,
        "client": c.client,
        "server": c.server,
        "state": if closed { "closed" } else { "active" },
        "handshake_completed": c.handshake_completed,
        "syn_count": a.syn + b.syn,
        "syn_ack_count": a.syn_ack + b.syn_ack,
        "rst_count": a.rst + b.rst,
        "fin_count": a.fin + b.fin,
        "data_packets": a.data_packets + b.data_packets,
        "retransmissions": c.analysis.retransmission,
        "close_reason": close_reason,
        "packet_count": c.packets,
        "first_frame": c.first_frame,
        "last_frame": c.last_frame,
        "first_time": c.first_time,
        "duration_s": c.duration_s,
        "bytes": c.bytes,
        "payload_bytes": c.payload_bytes,
        "syn_seen": c.syn_seen,
        "close": c.close,
        "rst_from": c.rst_from,
        "fin_from": c.fin_from,
        "conn_state": c.conn_state,
        "history": c.history,
        "completeness": c.completeness_label,
        "irtt_s": c.irtt_s,
        "retransmission_rate": c.retransmission_rate,
        "analysis": nonzero(&c.analysis),
        "display_filter": format!("tcp.stream eq {}", c.stream),
    })
}

/// The `tcp.analysis.*` counts that are not zero.
fn nonzero(a: &AnalysisCounts) -> Value {
    match serde_json::to_value(a) {
        Ok(Value::Object(m)) => Value::Object(
            m.into_iter()
                .filter(|(_, v)| v.as_u64().is_some_and(|n| n > 0))
                .collect(),
        ),
        _ => json!({}),
    }
}

/// mcpcap's `issues` strings, with Wireshark's counts.
fn issue_lines(t: &TcpSection) -> Vec<String> {
    let s = &t.summary;
    let a = &s.analysis;
    let mut out = Vec::new();
    for (n, what) in [
        (s.reset_connections, "connections terminated by RST"),
        (a.retransmission, "retransmissions detected"),
        (s.failed_handshakes, "failed handshakes"),
        (a.duplicate_ack, "duplicate ACKs"),
        (a.lost_segment, "previous segments not captured"),
        (a.zero_window, "zero windows"),
        (a.out_of_order, "out-of-order segments"),
        (a.reused_ports, "port reuses"),
    ] {
        if n > 0 {
            out.push(format!("{n} {what}"));
        }
    }
    out
}

/// `analyze_tcp_connections`.
pub fn tcp_connections(
    ctx: &Ctx,
    server_ip: Option<&str>,
    server_port: Option<u16>,
    detailed: bool,
    page: PageRequest,
) -> Result<Value, String> {
    let filter = ServerFilter::parse(server_ip, server_port)?;
    let t = filtered(&ctx.report.tcp, &filter);
    let head = object(
        ctx.head(),
        json!({
            "total_packets": ctx.report.capinfos.frames,
            "tcp_packets_found": t.summary.tcp_packets,
            "filter": filter_json(server_ip, server_port),
            "summary": {
                "total_connections": t.summary.total_connections,
                "successful_handshakes": t.summary.successful_handshakes,
                "failed_handshakes": t.summary.failed_handshakes,
                "established_connections": t.summary.successful_handshakes,
                "reset_connections": t.summary.reset_connections,
                "normal_close": t.summary.normal_close,
                "active_connections": t.summary.active_connections,
                "midstream_connections": t.summary.midstream_connections,
                "syn_packets": t.summary.syn_packets,
                "syn_ack_packets": t.summary.syn_ack_packets,
                "syn_ack_ratio": t.summary.syn_ack_ratio,
                "analysis": t.summary.analysis,
            },
            "issues": issue_lines(&t),
            "notes": t.notes,
        }),
    );
    if t.summary.total_connections == 0 && filter.is_empty() {
        return Ok(with_message(
            head,
            "No TCP packets found in this capture",
            "connections",
        ));
    }
    // mcpcap lists 10 connections unless `detailed`; pages go further either way.
    let page = PageRequest {
        default_limit: if detailed { page.default_limit } else { 10 },
        ..page
    };
    Ok(paged(&t.connections, page, |conns, info| {
        extend(
            &head,
            json!({"connections": conns.iter().map(connection).collect::<Vec<_>>(), "page": info}),
        )
    }))
}

/// `analyze_tcp_anomalies`: mcpcap's statistics and patterns, plus every flagged frame.
pub fn tcp_anomalies(
    ctx: &Ctx,
    server_ip: Option<&str>,
    server_port: Option<u16>,
    page: PageRequest,
) -> Result<Value, String> {
    let filter = ServerFilter::parse(server_ip, server_port)?;
    let t = filtered(&ctx.report.tcp, &filter);
    let s = &t.summary;
    let name = |c: &Connection| format!("{} <-> {}", c.client, c.server);
    let (mut fin, mut rst) = (0, 0);
    let (mut established, mut closed, mut unknown) = (0, 0, 0);
    let mut retrans_by_conn = Map::new();
    for c in &t.connections {
        fin += c.client_to_server.fin + c.server_to_client.fin;
        rst += c.client_to_server.rst + c.server_to_client.rst;
        match &*c.close {
            "rst" => {}
            "fin" => closed += 1,
            _ if c.handshake_completed => established += 1,
            _ => unknown += 1,
        }
        if c.analysis.retransmission > 0 && retrans_by_conn.len() < super::page::MAX_STAT_ENTRIES {
            retrans_by_conn.insert(name(c), json!(c.analysis.retransmission));
        }
    }
    let with_rst: Vec<String> = t
        .connections
        .iter()
        .filter(|c| c.close == "rst")
        .map(name)
        .collect();
    let r = &t.retransmissions;
    let d = &t.rst_distribution;
    let statistics = json!({
        "total_connections": s.total_connections,
        "total_packets": s.tcp_packets,
        "handshake": {
            "successful": s.successful_handshakes,
            "failed": s.failed_handshakes,
            "incomplete": s.midstream_connections,
        },
        "flags": {
            "syn": s.syn_packets,
            "syn_ack": s.syn_ack_packets,
            "rst": rst,
            "fin": fin,
        },
        "rst_distribution": {
            "by_source": d.by_source.iter().take(super::page::MAX_STAT_ENTRIES).map(|x| (x.ip.clone(), json!(x.count))).collect::<Map<_, _>>(),
            "sources_omitted": d.by_source.len().saturating_sub(super::page::MAX_STAT_ENTRIES),
            "by_direction": {"to_server": d.to_server, "from_server": d.from_server, "unknown": 0},
            "connections_with_rst": capped(&with_rst).0,
            "streams_with_rst": capped(&d.connections_with_rst).0,
        },
        "retransmissions": {
            "total": r.total_retransmissions,
            "by_connection": retrans_by_conn,
            "rate": r.rate,
        },
        "connection_states": {
            "established": established,
            "reset": s.reset_connections,
            "closed": closed,
            "unknown": unknown,
        },
        "analysis": s.analysis,
    });
    let patterns = patterns(&t, &with_rst);
    let summary = pattern_summary(&patterns, r.rate, r.threshold);
    let head = object(
        ctx.head(),
        json!({
            "filter": filter_json(server_ip, server_port),
            "statistics": statistics,
            "patterns": patterns,
            "summary": summary,
            "flagged_frames_truncated": t.issues_truncated,
        }),
    );
    Ok(paged(&t.issues, page, |issues, info| {
        extend(&head, json!({"flagged_frames": issues, "page": info}))
    }))
}

/// mcpcap's pattern list, from Wireshark's counts.
fn patterns(t: &TcpSection, with_rst: &[String]) -> Vec<Value> {
    let s = &t.summary;
    let d = &t.rst_distribution;
    let r = &t.retransmissions;
    let mut out = Vec::new();
    let total_rst = d.to_server + d.from_server;
    if total_rst > 0 {
        out.push(json!({
            "pattern": "rst_directional_asymmetry",
            "category": "connection_termination",
            "observations": {
                "rst_to_server": d.to_server,
                "rst_from_server": d.from_server,
                "ratio": d.to_server as f64 / total_rst as f64,
                "affected_connections": capped(with_rst).0,
            },
            "description": format!("RST packets show directional bias: {} toward server, {} from server", d.to_server, d.from_server),
        }));
    }
    if r.rate > 0.0 {
        let by_connection: Map<String, Value> = t
            .connections
            .iter()
            .filter(|c| c.analysis.retransmission > 0)
            .take(super::page::MAX_STAT_ENTRIES)
            .map(|c| {
                (
                    format!("{} <-> {}", c.client, c.server),
                    json!(c.analysis.retransmission),
                )
            })
            .collect();
        out.push(json!({
            "pattern": "packet_retransmission",
            "category": "reliability",
            "observations": {
                "total_retransmissions": r.total_retransmissions,
                "total_packets": r.total_packets,
                "rate": r.rate,
                "threshold": r.threshold,
                "exceeds_threshold": r.exceeds_threshold,
                "by_connection": by_connection,
            },
            "description": format!("Retransmission rate: {:.2}% ({}/{} packets)", r.rate * 100.0, r.total_retransmissions, r.total_packets),
        }));
    }
    let attempts = s.successful_handshakes + s.failed_handshakes;
    if attempts > 0 && s.failed_handshakes > 0 {
        let failure = s.failed_handshakes as f64 / attempts as f64;
        out.push(json!({
            "pattern": "handshake_completion",
            "category": "connection_establishment",
            "observations": {
                "successful": s.successful_handshakes,
                "failed": s.failed_handshakes,
                "failure_rate": failure,
            },
            "description": format!("Handshake success rate: {:.1}% ({}/{})", (1.0 - failure) * 100.0, s.successful_handshakes, attempts),
        }));
    }
    if s.total_connections > 0 {
        let rst_rate = s.reset_connections as f64 / s.total_connections as f64;
        if rst_rate > 0.1 {
            out.push(json!({
                "pattern": "abnormal_termination",
                "category": "connection_lifecycle",
                "observations": {
                    "reset_count": s.reset_connections,
                    "normal_close": s.normal_close,
                    "total_connections": s.total_connections,
                    "reset_rate": rst_rate,
                },
                "description": format!("{:.1}% of connections terminated by RST ({}/{})", rst_rate * 100.0, s.reset_connections, s.total_connections),
            }));
        }
    }
    if let Some(ratio) = s.syn_ack_ratio.filter(|r| *r < 0.5) {
        out.push(json!({
            "pattern": "syn_response_imbalance",
            "category": "connection_establishment",
            "observations": {
                "syn_count": s.syn_packets,
                "syn_ack_count": s.syn_ack_packets,
                "response_ratio": ratio,
            },
            "description": format!("Only {:.1}% of SYN packets received SYN-ACK response", ratio * 100.0),
        }));
    }
    out
}

fn pattern_summary(patterns: &[Value], rate: f64, threshold: f64) -> Value {
    let mut by_category: BTreeMap<&str, u64> = BTreeMap::new();
    let mut notable = Vec::new();
    for p in patterns {
        *by_category
            .entry(p["category"].as_str().unwrap_or_default())
            .or_default() += 1;
        if p["pattern"] == "rst_directional_asymmetry" {
            let ratio = p["observations"]["ratio"].as_f64().unwrap_or(0.5);
            if !(0.1..=0.9).contains(&ratio) {
                notable.push(json!({"type": "strong_rst_asymmetry", "detail": format!("RST packets heavily biased: {:.1}% in one direction", ratio * 100.0)}));
            }
        }
        if p["pattern"] == "packet_retransmission" && rate > threshold {
            notable.push(json!({"type": "high_retransmission", "detail": format!("Retransmission rate {:.2}% exceeds typical threshold of {:.0}%", rate * 100.0, threshold * 100.0)}));
        }
    }
    json!({"total_patterns": patterns.len(), "by_category": by_category, "notable_observations": notable})
}

/// `analyze_tcp_retransmissions`.
pub fn tcp_retransmissions(
    ctx: &Ctx,
    server_ip: Option<&str>,
    threshold: f64,
    page: PageRequest,
) -> Result<Value, String> {
    if !(threshold.is_finite() && threshold >= 0.0) {
        return Err(format!(
            "threshold: {threshold} is not a rate (0.02 means 2%)"
        ));
    }
    let filter = ServerFilter::parse(server_ip, None)?;
    let t = filtered(&ctx.report.tcp, &filter);
    let mut frames: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    for i in &t.issues {
        if matches!(
            i.kind.as_str(),
            "retransmission" | "fast_retransmission" | "spurious_retransmission"
        ) {
            let f = frames.entry(i.stream).or_default();
            if f.last() != Some(&i.frame) {
                f.push(i.frame);
            }
        }
    }
    let mut conns: Vec<&Connection> = t.connections.iter().collect();
    conns.sort_by(|a, b| {
        b.retransmission_rate
            .total_cmp(&a.retransmission_rate)
            .then(a.stream.cmp(&b.stream))
    });
    let worst = conns.first().filter(|c| c.retransmission_rate > 0.0);
    let above = conns
        .iter()
        .filter(|c| c.retransmission_rate > threshold)
        .count();
    let r = &t.retransmissions;
    let a = &t.summary.analysis;
    let head = object(
        ctx.head(),
        json!({
            "filter": filter_json(server_ip, None),
            "total_packets": r.total_packets,
            "total_retransmissions": r.total_retransmissions,
            "retransmission_rate": r.rate,
            "threshold": threshold,
            "exceeds_threshold": r.rate > threshold,
            "fast_retransmissions": a.fast_retransmission,
            "spurious_retransmissions": a.spurious_retransmission,
            "lost_segments": a.lost_segment,
            "summary": {
                "worst_connection": worst.map(|c| format!("{} <-> {}", c.client, c.server)),
                "worst_stream": worst.map(|c| c.stream),
                "worst_retrans_rate": worst.map_or(0.0, |c| c.retransmission_rate),
                "connections_above_threshold": above,
            },
        }),
    );
    Ok(paged(&conns, page, |page_conns, info| {
        let list: Vec<Value> = page_conns
            .iter()
            .map(|c| {
                let f = frames.get(&c.stream).map(Vec::as_slice).unwrap_or_default();
                let (shown, more) = capped(f);
                json!({
                    "connection": format!("{} <-> {}", c.client, c.server),
                    "stream": c.stream,
                    "retrans_count": c.analysis.retransmission,
                    "fast_retransmissions": c.analysis.fast_retransmission,
                    "spurious_retransmissions": c.analysis.spurious_retransmission,
                    "total_packets": c.packets,
                    "retrans_rate": c.retransmission_rate,
                    "exceeds_threshold": c.retransmission_rate > threshold,
                    "retransmission_frames": shown,
                    "retransmission_frames_omitted": more,
                    "display_filter": format!("tcp.stream eq {} && tcp.analysis.retransmission", c.stream),
                })
            })
            .collect();
        extend(&head, json!({"by_connection": list, "page": info}))
    }))
}

fn direction(d: &DirectionStats) -> Value {
    json!({
        "packet_count": d.packets,
        "byte_count": d.bytes,
        "syn_count": d.syn,
        "syn_ack_count": d.syn_ack,
        "rst_count": d.rst,
        "fin_count": d.fin,
        "data_packets": d.data_packets,
        "retransmissions": d.retransmissions,
        "payload_bytes": d.payload_bytes,
    })
}

/// `analyze_traffic_flow`: both directions of the connections with `server_ip`, oriented by
/// that address (the connection's own roles decide when both ends have it).
pub fn traffic_flow(
    ctx: &Ctx,
    server_ip: &str,
    server_port: Option<u16>,
    page: PageRequest,
) -> Result<Value, String> {
    let filter = ServerFilter::parse(Some(server_ip), server_port)?;
    let Some(ip) = filter.ip else {
        return Err("server_ip is required for traffic flow analysis".into());
    };
    let t = filtered(&ctx.report.tcp, &filter);
    let (mut c2s, mut s2c) = (DirectionStats::default(), DirectionStats::default());
    let mut oriented = Vec::with_capacity(t.connections.len());
    for c in &t.connections {
        let server = endpoint(&c.server);
        let client = endpoint(&c.client);
        let is_server = |e: Option<std::net::SocketAddr>| {
            e.is_some_and(|e| e.ip() == ip && server_port.is_none_or(|p| e.port() == p))
        };
        // The given server is this connection's client: its directions swap.
        let swapped = is_server(client) && !is_server(server);
        let (to, from) = if swapped {
            (&c.server_to_client, &c.client_to_server)
        } else {
            (&c.client_to_server, &c.server_to_client)
        };
        super::tcpview::add_direction(&mut c2s, to);
        super::tcpview::add_direction(&mut s2c, from);
        oriented.push((c, swapped));
    }
    let ratio = (s2c.packets > 0).then(|| c2s.packets as f64 / s2c.packets as f64);
    let (rst_source, interpretation) = match c2s.rst.cmp(&s2c.rst) {
        std::cmp::Ordering::Greater => ("client", format!("Clients send more RST packets ({} vs {}); the server answers normally. Look at the client side (an application closing abruptly, or a firewall).", c2s.rst, s2c.rst)),
        std::cmp::Ordering::Less => ("server", format!("The server sends more RST packets ({} vs {}): it rejects connections or aborts them (closed port, service issue).", s2c.rst, c2s.rst)),
        std::cmp::Ordering::Equal => ("balanced", "Balanced RST distribution.".to_string()),
    };
    let head = object(
        ctx.head(),
        json!({
            "server": format!("{server_ip}:{}", server_port.map_or("any".to_string(), |p| p.to_string())),
            "client_to_server": direction(&c2s),
            "server_to_client": direction(&s2c),
            "analysis": {
                "asymmetry_ratio": ratio.unwrap_or(0.0),
                "primary_rst_source": rst_source,
                "data_flow_direction": match ratio {
                    Some(r) if r > 1.2 => "client_heavy",
                    Some(r) if r < 0.8 => "server_heavy",
                    Some(_) => "balanced",
                    None if c2s.packets > 0 => "client_heavy",
                    None => "balanced",
                },
                "interpretation": interpretation,
            },
            "total_connections": t.connections.len(),
        }),
    );
    Ok(paged(&oriented, page, |conns, info| {
        let list: Vec<Value> = conns
            .iter()
            .map(|(c, swapped)| {
                let (to, from) = if *swapped {
                    (&c.server_to_client, &c.client_to_server)
                } else {
                    (&c.client_to_server, &c.server_to_client)
                };
                json!({
                    "stream": c.stream,
                    "client": c.client,
                    "server": c.server,
                    "first_frame": c.first_frame,
                    "last_frame": c.last_frame,
                    "to_server": direction(to),
                    "from_server": direction(from),
                    "close": c.close,
                    "rst_from": c.rst_from,
                })
            })
            .collect();
        extend(&head, json!({"connections": list, "page": info}))
    }))
}
