//! A Report at the core's table caps (a million-packet capture's worth) renders in linear time
//! and the hand-in report stays readable: every list in it is capped.

use std::time::Instant;

use pcaplens_core::report::dhcp::{Message as DhcpMessage, Transaction};
use pcaplens_core::report::dns::Message as DnsMessage;
use pcaplens_core::report::icmp::Message as IcmpMessage;
use pcaplens_core::report::tcp::{AnalysisCounts, Connection, DirectionStats, Issue};
use pcaplens_core::report::tls::{Alert, Handshake};
use pcaplens_core::Report;
use pcaplens_render::{csv, expert, keypackets, report_md, text, Lang};

const CONNECTIONS: u64 = 200_000;
const ISSUES: u64 = 100_000;
const HANDSHAKES: u64 = 100_000;
const DHCP_TRANSACTIONS: u64 = 50_000;
const DNS_MESSAGES: u64 = 100_000;
const ICMP_MESSAGES: u64 = 50_000;

fn big_report() -> Report {
    let mut r = Report::default();
    r.capinfos.packets = 5_000_000;
    r.capinfos.first_time = Some(1_700_000_000.0);
    r.capinfos.last_time = Some(1_700_003_600.0);
    r.capinfos.duration_s = Some(3600.0);
    for s in 0..CONNECTIONS {
        r.tcp.connections.push(Connection {
            stream: s,
            client: format!(
                "10.{}.{}.{}:{}",
                s >> 16,
                (s >> 8) & 255,
                s & 255,
                40000 + s % 20000
            ),
            server: "192.0.2.1:443".into(),
            first_frame: s * 20 + 1,
            last_frame: s * 20 + 19,
            handshake_completed: s % 7 != 0,
            conn_state: if s % 7 == 0 {
                "S0".into()
            } else {
                "RSTO".into()
            },
            close: if s % 7 == 0 {
                "open".into()
            } else {
                "rst".into()
            },
            rst_from: Some("client".into()),
            history: "ShADadR".into(),
            completeness: 47,
            client_to_server: DirectionStats {
                syn: 1,
                rst: 1,
                ..DirectionStats::default()
            },
            analysis: AnalysisCounts {
                duplicate_ack: u64::from(s < ISSUES / 2) * 2,
                zero_window: u64::from(s % 1000 == 0),
                ..AnalysisCounts::default()
            },
            ..Connection::default()
        });
    }
    for i in 0..ISSUES {
        r.tcp.issues.push(Issue {
            frame: (i / 2) * 20 + 5 + i % 2,
            stream: i / 2,
            kind: "duplicate_ack".into(),
            message: "[TCP Dup ACK]".into(),
            dup_ack_of: Some((i / 2) * 20 + 4),
            dup_ack_num: Some(i % 2 + 1),
            ..Issue::default()
        });
    }
    for s in 0..HANDSHAKES {
        r.tls.handshakes.push(Handshake {
            stream: s,
            client_hello_frame: Some(s * 20 + 4),
            server_hello_frame: Some(s * 20 + 6),
            sni: Some(format!("host{}.example", s % 300)),
            selected_version: Some("0x0304".into()),
            cipher: Some("0x1301".into()),
            alerts: vec![Alert {
                frame: s * 20 + 18,
                level: Some(2),
                description: Some(40),
                from: "server".into(),
                ..Alert::default()
            }],
            ..Handshake::default()
        });
    }
    for t in 0..DHCP_TRANSACTIONS {
        let xid = format!("0x{t:08x}");
        for (k, kind) in ["DISCOVER", "OFFER"].iter().enumerate() {
            r.dhcp.messages.push(DhcpMessage {
                frame: 4_000_000 + t * 2 + k as u64,
                xid: xid.clone(),
                message_type: Some((*kind).into()),
                ..DhcpMessage::default()
            });
        }
        r.dhcp.transactions.push(Transaction {
            xid,
            frames: vec![4_000_000 + t * 2, 4_000_001 + t * 2],
            ..Transaction::default()
        });
    }
    for i in 0..DNS_MESSAGES {
        r.dns.messages.push(DnsMessage {
            frame: 4_500_000 + i,
            id: i as u16,
            response: i % 2 == 1,
            qname: Some(format!("n{i}.example")),
            rcode: (i % 2 == 1).then(|| "NXDOMAIN".into()),
            ..DnsMessage::default()
        });
    }
    r.dns.queries = DNS_MESSAGES / 2;
    r.dns.responses = DNS_MESSAGES / 2;
    for i in 0..ICMP_MESSAGES {
        r.icmp.messages.push(IcmpMessage {
            frame: 4_800_000 + i,
            version: 4,
            icmp_type: 3,
            code: 3,
            ..IcmpMessage::default()
        });
    }
    r
}

#[test]
#[ignore = "timing breakdown for profiling"]
fn timing_breakdown() {
    let report = big_report();
    let lang = Lang::En;
    let t = Instant::now();
    let _ = expert::groups(&report, lang);
    eprintln!("groups {:?}", t.elapsed());
    let t = Instant::now();
    let _ = keypackets::key_packets(&report, lang);
    eprintln!("key packets {:?}", t.elapsed());
    let t = Instant::now();
    let _ = text::conclusions(&report, lang);
    eprintln!("conclusions {:?}", t.elapsed());
    let t = Instant::now();
    let _ = text::overview(&report, lang);
    eprintln!("overview {:?}", t.elapsed());
    let t = Instant::now();
    let _ = report_md::markdown(&report, lang);
    eprintln!("markdown {:?}", t.elapsed());
    let t = Instant::now();
    let _ = csv::connections(&report);
    eprintln!("csv {:?}", t.elapsed());
}

#[test]
fn a_report_at_the_caps_renders_quickly_and_stays_readable() {
    let report = big_report();
    let start = Instant::now();
    for lang in Lang::ALL {
        let md = report_md::markdown(&report, lang);
        if let Ok(path) = std::env::var("PCAPLENS_SCALE_DUMP") {
            std::fs::write(path, &md).unwrap();
        }
        // Capped sections: a few hundred kilobytes at most, whatever the capture.
        assert!(md.len() < 400_000, "{} bytes", md.len());
        let rows = keypackets::key_packets(&report, lang);
        assert!(rows.len() < 200, "{} key packets", rows.len());
        let groups = expert::groups(&report, lang);
        let dup = groups
            .iter()
            .find(|g| g.id == "tcp.analysis.duplicate_ack")
            .unwrap();
        assert_eq!(dup.count, ISSUES);
        assert!(text::conclusions(&report, lang).len() < 40);
        let _ = text::summary(&report, lang);
    }
    assert_eq!(
        csv::connections(&report).lines().count() as u64,
        CONNECTIONS + 1
    );
    assert_eq!(csv::issues(&report).lines().count() as u64, ISSUES + 1);
    assert_eq!(csv::dns(&report).lines().count() as u64, DNS_MESSAGES + 1);
    // Linear work is well under this even in a debug build on a shared machine; a quadratic
    // lookup (connections × handshakes = 2·10^10) would not be.
    let elapsed = start.elapsed();
    assert!(elapsed.as_secs() < 60, "rendering took {elapsed:?}");
    eprintln!("rendered a capped Report in {elapsed:?}");
}
