//! Hand-built Reports for the unit tests: one small "lab capture" touching every section, with
//! hostile strings where a capture could put them.
//!
//! Every struct literal ends in `..Default::default()`: the core keeps adding Report fields, and
//! fixtures must keep compiling when it does.
#![allow(clippy::needless_update)]

use pcaplens_core::report::capinfos::Interface;
use pcaplens_core::report::capinfos::PacketComment;
use pcaplens_core::report::dhcp::Options as DhcpOptions;
use pcaplens_core::report::dhcp::{Message as DhcpMessage, Transaction};
use pcaplens_core::report::dns::{Answer, Message as DnsMessage};
use pcaplens_core::report::flows::Conversation;
use pcaplens_core::report::icmp::Message as IcmpMessage;
use pcaplens_core::report::icmp::Quoted;
use pcaplens_core::report::sip::{Call, Message as SipMessage};
use pcaplens_core::report::tcp::{
    AnalysisCounts, Connection, DirectionStats, Issue, Summary, SynOptions,
};
use pcaplens_core::report::tls::{Alert, Handshake, RecordCounts};
use pcaplens_core::report::*;
use pcaplens_core::Report;

fn issue(frame: u64, stream: u64, kind: &str, from: &str) -> Issue {
    Issue {
        frame,
        stream,
        kind: kind.into(),
        message: String::new(),
        from: from.into(),
        ..Default::default()
    }
}

fn dns(
    frame: u64,
    id: u16,
    response: bool,
    qname: &str,
    qtype: &str,
    rcode: Option<&str>,
) -> DnsMessage {
    DnsMessage {
        frame,
        id,
        response,
        qname: Some(qname.into()),
        qtype: Some(qtype.into()),
        rcode: rcode.map(Into::into),
        answers: Vec::new(),
        transport: "udp".into(),
        src: if response { "10.0.0.1" } else { "10.0.0.2" }.into(),
        src_port: if response { 53 } else { 5353 },
        dst: if response { "10.0.0.2" } else { "10.0.0.1" }.into(),
        dst_port: if response { 5353 } else { 53 },
        ..Default::default()
    }
}

/// Pairs queries and responses by id, as the core's `response_in` / `response_to` do.
fn pair_dns(messages: &mut [DnsMessage]) {
    for i in 0..messages.len() {
        if messages[i].response {
            continue;
        }
        let id = messages[i].id;
        let query_frame = messages[i].frame;
        if let Some(r) = messages[i + 1..]
            .iter_mut()
            .find(|r| r.response && r.id == id)
        {
            r.response_to = Some(query_frame);
            let response_frame = r.frame;
            messages[i].response_in = Some(response_frame);
        }
    }
}

/// A browser talking TLS 1.3 over a lossy path that ends in a reset, plus DNS, DHCP, ICMP and
/// SIP side traffic.
pub fn lossy_tls_report() -> Report {
    let mut report = lossy_tls_report_unpaired();
    pair_dns(&mut report.dns.messages);
    report
}

fn lossy_tls_report_unpaired() -> Report {
    let stream0 = Connection {
        stream: 0,
        syn_seen: true,
        client_to_server: DirectionStats {
            packets: 14,
            syn: 1,
            ..Default::default()
        },
        server_to_client: DirectionStats {
            packets: 12,
            syn_ack: 1,
            rst: 1,
            ..Default::default()
        },
        client: "10.0.0.2:51000".into(),
        server: "93.184.216.34:443".into(),
        first_frame: 1,
        last_frame: 28,
        first_time: 1_700_000_000.0,
        last_time: 1_700_000_002.5,
        packets: 26,
        bytes: 21_000,
        payload_bytes: 18_000,
        handshake_completed: true,
        close: "rst".into(),
        rst_from: Some("server".into()),
        fin_from: None,
        conn_state: "RSTR".into(),
        history: "ShADadtR".into(),
        completeness: 47,
        irtt_s: Some(0.0234),
        client_options: Some(SynOptions {
            mss: Some(1460),
            wscale: Some(7),
            sack_perm: true,
            ..Default::default()
        }),
        server_options: Some(SynOptions {
            mss: Some(1400),
            wscale: Some(9),
            sack_perm: true,
            ..Default::default()
        }),
        analysis: AnalysisCounts {
            // As the core counts it: fast and spurious ones included.
            retransmission: 3,
            fast_retransmission: 1,
            spurious_retransmission: 1,
            duplicate_ack: 3,
            zero_window: 1,
            window_update: 1,
            ..AnalysisCounts::default()
        },
        ..Default::default()
    };
    let stream1 = Connection {
        stream: 1,
        syn_seen: true,
        client_to_server: DirectionStats {
            packets: 2,
            syn: 2,
            ..Default::default()
        },
        server_to_client: DirectionStats {
            packets: 0,
            ..Default::default()
        },
        client: "10.0.0.2:51001".into(),
        server: "10.0.0.9:8080".into(),
        first_frame: 30,
        last_frame: 32,
        first_time: 1_700_000_003.0,
        last_time: 1_700_000_006.0,
        packets: 2,
        bytes: 148,
        payload_bytes: 0,
        handshake_completed: false,
        close: "open".into(),
        conn_state: "S0".into(),
        history: "S".into(),
        completeness: 1,
        client_options: Some(SynOptions {
            mss: Some(1460),
            wscale: None,
            sack_perm: false,
            ..Default::default()
        }),
        ..Connection::default()
    };
    let stream2 = Connection {
        stream: 2,
        syn_seen: true,
        client_to_server: DirectionStats {
            packets: 4,
            syn: 1,
            fin: 1,
            ..Default::default()
        },
        server_to_client: DirectionStats {
            packets: 4,
            syn_ack: 1,
            fin: 1,
            ..Default::default()
        },
        client: "[2001:db8::2]:40000".into(),
        server: "[2001:db8::80]:80".into(),
        first_frame: 50,
        last_frame: 58,
        first_time: 1_700_000_008.0,
        last_time: 1_700_000_009.0,
        packets: 8,
        bytes: 900,
        payload_bytes: 300,
        handshake_completed: true,
        close: "fin".into(),
        fin_from: Some("both".into()),
        conn_state: "SF".into(),
        history: "ShADadFf".into(),
        completeness: 31,
        irtt_s: Some(0.0011),
        client_options: Some(SynOptions {
            mss: Some(1440),
            wscale: Some(8),
            sack_perm: true,
            ..Default::default()
        }),
        server_options: Some(SynOptions {
            mss: Some(1440),
            wscale: None,
            sack_perm: false,
            ..Default::default()
        }),
        ..Connection::default()
    };

    Report {
        schema_version: 1,
        generator: "pcaplens 0.1.0".into(),
        file_name: Some("lab3 | grupo `A`.pcapng".into()),
        error: None,
        filter: Filter::default(),
        capinfos: Capinfos {
            format: Some("pcapng".into()),
            compressed: false,
            packets: 60,
            data_bytes: 30_000,
            wire_bytes: 30_000,
            first_time: Some(1_700_000_000.0),
            last_time: Some(1_700_000_012.5),
            duration_s: Some(12.5),
            link_types: vec!["ETHERNET".into()],
            time_precision: Some("us".into()),
            interfaces: vec![Interface {
                name: Some("eth0".into()),
                description: None,
                link_type: "ETHERNET".into(),
                snaplen: 262_144,
                time_precision: "us".into(),
                ..Default::default()
            }],
            comments: vec!["Práctica 3\n| injected | row |".into()],
            packet_comments: vec![PacketComment {
                frame: 14,
                comment: "loss | starts `here`".into(),
            }],
            truncated: false,
            warnings: Vec::new(),
            ..Default::default()
        },
        tcp: TcpSection {
            summary: Summary {
                total_connections: 3,
                successful_handshakes: 2,
                failed_handshakes: 1,
                reset_connections: 1,
                normal_close: 1,
                active_connections: 1,
                ..Default::default()
            },
            connections: vec![stream0, stream1, stream2],
            issues: vec![
                issue(14, 0, "duplicate_ack", "client"),
                issue(15, 0, "duplicate_ack", "client"),
                issue(16, 0, "duplicate_ack", "client"),
                issue(17, 0, "retransmission", "server"),
                issue(19, 0, "fast_retransmission", "server"),
                issue(19, 0, "retransmission", "server"),
                issue(20, 0, "spurious_retransmission", "server"),
                issue(22, 0, "zero_window", "client"),
                issue(24, 0, "window_update", "client"),
            ],
            ..Default::default()
        },
        tls: TlsSection {
            handshakes: vec![Handshake {
                stream: 0,
                client_hello_frame: Some(4),
                sni: Some("www.example.com".into()),
                legacy_version: Some("0x0303".into()),
                supported_versions: vec!["0x0a0a".into(), "0x0304".into(), "0x0303".into()],
                alpn: vec!["h2".into(), "http/1.1".into()],
                cipher_suites: vec![
                    "0x0a0a".into(),
                    "0x1301".into(),
                    "0x1302".into(),
                    "0x1303".into(),
                    "0xc02f".into(),
                ],
                ja3: Some("cd08e31494f9531f560d64c695473da9".into()),
                ja4: Some("t13d1516h2_8daaf6152771_e5627efa2ab1".into()),
                server_hello_frame: Some(6),
                selected_version: Some("0x0304".into()),
                cipher: Some("0x1301".into()),
                server_alpn: None,
                records: RecordCounts {
                    handshake: 2,
                    change_cipher_spec: 1,
                    application_data: 12,
                    alert: 1,
                    ..Default::default()
                },
                alerts: vec![Alert {
                    frame: 26,
                    from: "server".into(),
                    level: Some(2),
                    description: Some(40),
                    ..Default::default()
                }],
                ..Default::default()
            }],
            ..Default::default()
        },
        dns: DnsSection {
            messages: vec![
                dns(2, 0x1234, false, "www.example.com", "A", None),
                DnsMessage {
                    answers: vec![Answer {
                        name: "www.example.com".into(),
                        rtype: "A".into(),
                        ttl: 300,
                        data: "93.184.216.34".into(),
                        ..Default::default()
                    }],
                    ..dns(3, 0x1234, true, "www.example.com", "A", Some("NOERROR"))
                },
                dns(40, 7, false, "lost.example", "AAAA", None),
                dns(41, 8, false, "nope|`x`.example", "A", None),
                dns(42, 8, true, "nope|`x`.example", "A", Some("NXDOMAIN")),
                dns(43, 9, false, "bad.example", "A", None),
                dns(44, 9, true, "bad.example", "A", Some("SERVFAIL")),
            ],
            queries: 4,
            responses: 3,
            unanswered: 1,
            ..Default::default()
        },
        dhcp: DhcpSection {
            messages: vec![
                DhcpMessage {
                    frame: 45,
                    xid: "0x00000abc".into(),
                    message_type: Some("DISCOVER".into()),
                    client_mac: Some("00:11:22:33:44:55".into()),
                    yiaddr: None,
                    server_id: None,
                    ..Default::default()
                },
                DhcpMessage {
                    frame: 46,
                    xid: "0x00000abc".into(),
                    message_type: Some("OFFER".into()),
                    client_mac: Some("00:11:22:33:44:55".into()),
                    yiaddr: Some("10.0.0.2".into()),
                    server_id: Some("10.0.0.1".into()),
                    ..Default::default()
                },
                DhcpMessage {
                    frame: 47,
                    xid: "0x00000abc".into(),
                    message_type: Some("REQUEST".into()),
                    client_mac: Some("00:11:22:33:44:55".into()),
                    yiaddr: None,
                    server_id: Some("10.0.0.1".into()),
                    ..Default::default()
                },
                DhcpMessage {
                    frame: 48,
                    xid: "0x00000abc".into(),
                    message_type: Some("ACK".into()),
                    client_mac: Some("00:11:22:33:44:55".into()),
                    yiaddr: Some("10.0.0.2".into()),
                    server_id: Some("10.0.0.1".into()),
                    ..Default::default()
                },
                DhcpMessage {
                    frame: 49,
                    options: DhcpOptions {
                        message: Some("wrong network".into()),
                        ..Default::default()
                    },
                    xid: "0x00000def".into(),
                    message_type: Some("NAK".into()),
                    client_mac: Some("66:77:88:99:aa:bb".into()),
                    yiaddr: None,
                    server_id: Some("10.0.0.1".into()),
                    ..Default::default()
                },
            ],
            transactions: vec![
                Transaction {
                    xid: "0x00000abc".into(),
                    frames: vec![45, 46, 47, 48],
                    dora_complete: true,
                    ..Default::default()
                },
                Transaction {
                    xid: "0x00000def".into(),
                    frames: vec![49],
                    dora_complete: false,
                    ..Default::default()
                },
            ],
            ..Default::default()
        },
        icmp: IcmpSection {
            messages: vec![
                IcmpMessage {
                    frame: 33,
                    src: "10.0.0.2".into(),
                    dst: "10.0.0.1".into(),
                    version: 4,
                    icmp_type: 8,
                    code: 0,
                    id: Some(1),
                    seq: Some(1),
                    reply_frame: Some(34),
                    ..Default::default()
                },
                IcmpMessage {
                    frame: 34,
                    src: "10.0.0.1".into(),
                    dst: "10.0.0.2".into(),
                    version: 4,
                    icmp_type: 0,
                    code: 0,
                    id: Some(1),
                    seq: Some(1),
                    reply_frame: None,
                    ..Default::default()
                },
                IcmpMessage {
                    frame: 35,
                    src: "10.0.0.2".into(),
                    dst: "10.0.0.1".into(),
                    version: 4,
                    icmp_type: 8,
                    code: 0,
                    id: Some(1),
                    seq: Some(2),
                    reply_frame: None,
                    ..Default::default()
                },
                IcmpMessage {
                    frame: 36,
                    quoted: Some(Quoted {
                        protocol: "udp".into(),
                        src: "10.0.0.2".into(),
                        dst: "10.0.0.9".into(),
                        src_port: Some(40000),
                        dst_port: Some(161),
                        ..Default::default()
                    }),
                    src: "10.0.0.9".into(),
                    dst: "10.0.0.2".into(),
                    version: 4,
                    icmp_type: 3,
                    code: 3,
                    id: None,
                    seq: None,
                    reply_frame: None,
                    ..Default::default()
                },
            ],
            echo_requests: 2,
            echo_replies: 1,
            unanswered: 1,
            ..Default::default()
        },
        sip: SipSection::default(),
        flows: FlowsSection {
            ip_conversations: vec![
                Conversation {
                    a: "10.0.0.2".into(),
                    b: "93.184.216.34".into(),
                    packets_a_to_b: 14,
                    bytes_a_to_b: 3_000,
                    packets_b_to_a: 12,
                    bytes_b_to_a: 18_000,
                    first_time: 1_700_000_000.0,
                    last_time: 1_700_000_002.5,
                    ..Default::default()
                },
                Conversation {
                    a: "10.0.0.2".into(),
                    b: "10.0.0.1".into(),
                    packets_a_to_b: 5,
                    bytes_a_to_b: 400,
                    packets_b_to_a: 4,
                    bytes_b_to_a: 600,
                    first_time: 1_700_000_000.0,
                    last_time: 1_700_000_011.0,
                    ..Default::default()
                },
                Conversation {
                    a: "10.0.0.2".into(),
                    b: "10.0.0.9".into(),
                    packets_a_to_b: 2,
                    bytes_a_to_b: 148,
                    packets_b_to_a: 0,
                    bytes_b_to_a: 0,
                    first_time: 1_700_000_003.0,
                    last_time: 1_700_000_006.0,
                    ..Default::default()
                },
            ],
            udp_conversations: vec![Conversation {
                a: "10.0.0.2:5353".into(),
                b: "10.0.0.1:53".into(),
                packets_a_to_b: 4,
                bytes_a_to_b: 300,
                packets_b_to_a: 3,
                bytes_b_to_a: 500,
                first_time: 1_700_000_000.0,
                last_time: 1_700_000_011.0,
                ..Default::default()
            }],
            ..Default::default()
        },
        ..Default::default()
    }
}

/// A SIP call with an authentication challenge and a busy callee.
pub fn sip_report() -> Report {
    let msg = |frame, method: Option<&str>, status: Option<u16>, cseq: &str| SipMessage {
        frame,
        method: method.map(Into::into),
        status,
        call_id: Some("a84b4c76e66710@pc33.example.com".into()),
        cseq: Some(cseq.into()),
        transport: "udp".into(),
        ..Default::default()
    };
    Report {
        sip: SipSection {
            messages: vec![
                msg(1, Some("INVITE"), None, "1 INVITE"),
                msg(2, None, Some(407), "1 INVITE"),
                msg(3, Some("ACK"), None, "1 ACK"),
                msg(4, Some("INVITE"), None, "2 INVITE"),
                msg(5, None, Some(100), "2 INVITE"),
                msg(6, None, Some(486), "2 INVITE"),
            ],
            calls: vec![Call {
                call_id: "a84b4c76e66710@pc33.example.com".into(),
                frames: vec![1, 2, 3, 4, 5, 6],
                ..Default::default()
            }],
            ..Default::default()
        },
        ..Report::default()
    }
}
