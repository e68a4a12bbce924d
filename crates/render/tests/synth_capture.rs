//! End to end: a capture built with pcaplens_synth → `pcaplens_core::analyze_bytes` → every
//! renderer, in both languages.
//!
//! Facts the core reports today (capinfos) are always checked. Facts from analyzers that may
//! not be in this build yet (TCP sequence analysis, TLS) are checked when their section is
//! filled, and a notice is printed when it is not.

use pcaplens_core::{analyze_bytes, Config, Report};
use pcaplens_render::{csv, expert, keypackets, report_md, text, Lang};
use pcaplens_synth::rng::Rng;
use pcaplens_synth::tls::{ClientHello, ServerHello};
use pcaplens_synth::{Side, TcpConversation, TcpOption};

/// Frame numbers (1-based) of the scripted events.
struct Frames {
    syn: u64,
    client_hello: u64,
    server_hello: u64,
    lost: u64,
    dup_acks: Vec<u64>,
    fast_retransmission: u64,
    client_fin: u64,
}

fn lab_capture(sni: &str) -> (Vec<u8>, Frames) {
    let mut rng = Rng::new(7);
    let mut c = TcpConversation::new(
        "10.0.0.2:51000".parse().unwrap(),
        "93.184.216.34:443".parse().unwrap(),
        1000,
        5000,
    );
    c.set_time(1_700_000_000_000_000_000);
    let frame = |i: usize| i as u64 + 1;
    let syn = frame(c.syn(vec![
        TcpOption::Mss(1460),
        TcpOption::Nop,
        TcpOption::WindowScale(7),
        TcpOption::SackPermitted,
    ]));
    c.syn_ack(vec![
        TcpOption::Mss(1400),
        TcpOption::Nop,
        TcpOption::WindowScale(9),
        TcpOption::SackPermitted,
    ]);
    c.ack(Side::Client);
    let hello = ClientHello::chrome_like(sni, &["h2", "http/1.1"], &mut rng);
    let client_hello = frame(c.data(Side::Client, &hello.record_bytes()));
    c.ack(Side::Server);
    let server_hello = frame(c.data(
        Side::Server,
        &ServerHello::tls13(&hello, 0x1301, &mut rng).record_bytes(),
    ));
    c.ack(Side::Client);
    let block = vec![0x17u8; 1000];
    let lost_index = c.data_lost(Side::Server, &block);
    let mut dup_acks = Vec::new();
    for _ in 0..3 {
        c.data(Side::Server, &block);
        dup_acks.push(frame(c.dup_ack(Side::Client)));
    }
    let fast_retransmission = frame(c.retransmit(lost_index));
    c.ack(Side::Client);
    let client_fin = frame(c.fin(Side::Client));
    c.fin(Side::Server);
    c.ack(Side::Client);
    (
        c.to_pcap(),
        Frames {
            syn,
            client_hello,
            server_hello,
            lost: frame(lost_index),
            dup_acks,
            fast_retransmission,
            client_fin,
        },
    )
}

fn analyze(bytes: &[u8]) -> Report {
    analyze_bytes(
        bytes,
        &Config {
            file_name: Some("lab.pcap".into()),
            ..Config::default()
        },
    )
}

#[test]
fn capture_facts_reach_every_renderer() {
    let (bytes, frames) = lab_capture("www.example.com");
    let report = analyze(&bytes);
    assert_eq!(report.error, None);
    let packets = report.capinfos.packets;
    assert_eq!(packets, frames.client_fin + 2);

    for lang in Lang::ALL {
        let md = report_md::markdown(&report, lang);
        let label = lang.pick("**Packets:**", "**Paquetes:**");
        assert!(
            md.lines()
                .any(|l| l.starts_with(&format!("- {label} {packets} "))),
            "{md}"
        );
        assert!(md.contains("2023-11-14 22:13:20.000000 UTC"), "{md}");
        assert!(text::summary(&report, lang).contains(&packets.to_string()));
    }
    assert!(csv::connections(&report).starts_with("stream,client,server,"));
}

#[test]
fn tcp_analysis_facts_are_rendered_with_wireshark_frame_numbers() {
    let (bytes, frames) = lab_capture("www.example.com");
    let report = analyze(&bytes);
    if report.tcp.connections.is_empty() {
        eprintln!("tcp_analysis_facts_are_rendered: skipped: the TCP analyzer fills nothing in this build");
        return;
    }
    let conn = &report.tcp.connections[0];
    assert_eq!(conn.first_frame, frames.syn);

    let groups = expert::groups(&report, Lang::En);
    let frames_of = |id: &str| -> Vec<u64> {
        groups
            .iter()
            .find(|g| g.id == id)
            .map(|g| g.items.iter().filter_map(|i| i.frame).collect())
            .unwrap_or_default()
    };
    assert_eq!(frames_of("tcp.analysis.duplicate_ack"), frames.dup_acks);
    assert_eq!(
        frames_of("tcp.analysis.fast_retransmission"),
        [frames.fast_retransmission]
    );
    assert!(frames_of("tcp.analysis.retransmission").contains(&frames.fast_retransmission));
    assert!(!frames_of("tcp.analysis.lost_segment").contains(&(frames.lost + 1)));

    let rows = keypackets::key_packets(&report, Lang::En);
    let syn = rows
        .iter()
        .find(|r| r.frame == frames.syn)
        .expect("SYN row");
    assert_eq!(
        syn.description,
        "SYN: the client opens the connection (stream 0), MSS=1460 WS=128 SACK_PERM"
    );

    let en = report_md::markdown(&report, Lang::En);
    for line in [
        "  - Client options (SYN): MSS 1460 bytes, window scale 7 (×128), SACK permitted.",
        "  - Server options (SYN-ACK): MSS 1400 bytes, window scale 9 (×512), SACK permitted.",
    ] {
        assert!(en.lines().any(|l| l == line), "missing {line:?} in\n{en}");
    }
    let dup = format!(
        "3 × Duplicate ACK (frames {}, {}, {})",
        frames.dup_acks[0], frames.dup_acks[1], frames.dup_acks[2]
    );
    assert!(en.contains(&dup), "missing {dup:?} in\n{en}");
    let es = report_md::markdown(&report, Lang::Es);
    let dup_es = format!(
        "3 × ACK duplicado (tramas {}, {}, {})",
        frames.dup_acks[0], frames.dup_acks[1], frames.dup_acks[2]
    );
    assert!(es.contains(&dup_es), "missing {dup_es:?} in\n{es}");
    assert!(
        es.contains("cerrada normalmente: los dos extremos enviaron FIN"),
        "{es}"
    );
}

#[test]
fn tls_facts_and_a_hostile_sni() {
    let (bytes, frames) = lab_capture("a|b`c*d.example");
    let report = analyze(&bytes);
    if report.tls.handshakes.is_empty() {
        eprintln!(
            "tls_facts_and_a_hostile_sni: skipped: the TLS analyzer fills nothing in this build"
        );
        return;
    }
    let hs = &report.tls.handshakes[0];
    assert_eq!(hs.client_hello_frame, Some(frames.client_hello));
    assert_eq!(hs.server_hello_frame, Some(frames.server_hello));
    let rows = keypackets::key_packets(&report, Lang::En);
    let ch = rows
        .iter()
        .find(|r| r.frame == frames.client_hello)
        .unwrap();
    assert!(
        ch.description
            .starts_with("ClientHello: SNI a|b`c*d.example; offers TLS 1.3, TLS 1.2"),
        "{}",
        ch.description
    );
    let md = report_md::markdown(&report, Lang::En);
    assert!(md.contains("SNI a\\|b\\`c\\*d.example"), "{md}");
    assert!(!md.contains("a|b`c"), "raw SNI leaked into Markdown");
    let sh = rows
        .iter()
        .find(|r| r.frame == frames.server_hello)
        .unwrap();
    assert_eq!(
        sh.description,
        "ServerHello: TLS 1.3; TLS_AES_128_GCM_SHA256"
    );
}

#[test]
fn damaged_and_foreign_input_still_renders() {
    let (bytes, _) = lab_capture("www.example.com");
    for input in [
        &bytes[..bytes.len() - 7],
        &b"definitely not a capture"[..],
        &[][..],
    ] {
        let report = analyze(input);
        for lang in Lang::ALL {
            let md = report_md::markdown(&report, lang);
            assert!(md.starts_with('#'));
            let _ = expert::groups(&report, lang);
            let _ = text::summary(&report, lang);
        }
        let _ = csv::connections(&report);
        let _ = csv::issues(&report);
    }
}
