//! Unit tests of the TCP engine, one per rule, on conversations scripted with pcaplens-synth.
//! Expected flags were checked against tshark 4.0.17 on the same frames.

use std::net::SocketAddr;

use pcaplens_synth::{SegmentSpec, Side, TcpConversation, TcpFlags, TcpOption};

use super::{flags, TcpAnalyzer, MAX_ISSUES};
use crate::analyze::{Config, TcpContext};
use crate::capture::{Frame, LinkType, Timestamp};
use crate::decode::decode_frame;
use crate::report::tcp::TcpSection;

const START: u64 = 1_700_000_000_000_000_000;

fn conv() -> TcpConversation {
    let mut c = TcpConversation::new(
        "10.0.0.1:40000".parse().unwrap(),
        "10.0.0.2:443".parse().unwrap(),
        1000,
        5000,
    );
    c.set_time(START);
    c
}

fn syn_opts(ws: u8) -> Vec<TcpOption> {
    vec![
        TcpOption::Mss(1460),
        TcpOption::SackPermitted,
        TcpOption::Nop,
        TcpOption::WindowScale(ws),
    ]
}

/// Handshake with 10 ms between its packets (iRTT 20 ms).
fn handshake(c: &mut TcpConversation) {
    c.set_step(10_000_000);
    c.syn(syn_opts(7));
    c.syn_ack(syn_opts(7));
    c.ack(Side::Client);
}

/// Runs the engine over (time, Ethernet frame) pairs; returns per-frame contexts and the section.
fn run_frames(frames: &[(u64, Vec<u8>)], config: &Config) -> (Vec<Option<TcpContext>>, TcpSection) {
    // PCAPLENS_DUMP_DIR=dir writes each test's capture there, to check it with tshark.
    if let Ok(dir) = std::env::var("PCAPLENS_DUMP_DIR") {
        let name = std::thread::current()
            .name()
            .unwrap_or("test")
            .replace("::", "_");
        let bytes = pcaplens_synth::conversation::frames_to_pcap(
            pcaplens_synth::linktype::ETHERNET,
            frames,
        );
        let _ = std::fs::write(
            std::path::Path::new(&dir).join(format!("{name}.pcap")),
            bytes,
        );
    }
    let mut tcp = TcpAnalyzer::new(config);
    let mut out = Vec::new();
    for (i, (t, data)) in frames.iter().enumerate() {
        let frame = Frame {
            number: i as u64 + 1,
            ts: Timestamp::new((t / 1_000_000_000) as i64, (t % 1_000_000_000) as u32),
            interface: 0,
            link_type: LinkType::ETHERNET,
            orig_len: data.len() as u32,
            data,
            comments: &[],
            has_ts: true,
            pcapng: false,
        };
        out.push(tcp.on_packet(&decode_frame(&frame)));
    }
    (out, tcp.finish())
}

fn run(c: &TcpConversation) -> (Vec<Option<TcpContext>>, TcpSection) {
    run_frames(&c.frames(), &Config::default())
}

/// The analysis flags of frame `n` (1-based).
fn flags_of(ctx: &[Option<TcpContext>], n: usize) -> u16 {
    ctx[n - 1].map_or(0, |c| c.analysis as u16)
}

#[test]
fn test_clean_connection_has_no_flags_and_all_facts() {
    let mut c = conv();
    handshake(&mut c);
    c.data(Side::Client, b"GET / HTTP/1.1\r\n\r\n");
    c.data(Side::Server, &[b'x'; 1000]);
    c.ack(Side::Client);
    c.fin(Side::Client);
    c.fin(Side::Server);
    c.ack(Side::Client);
    let (ctx, s) = run(&c);
    assert!(ctx
        .iter()
        .all(|c| c.is_some_and(|c| c.analysis == 0 && c.stream == 0)));
    assert!(ctx[0].unwrap().from_client && !ctx[1].unwrap().from_client);
    let conn = &s.connections[0];
    assert_eq!(
        (conn.client.as_str(), conn.server.as_str()),
        ("10.0.0.1:40000", "10.0.0.2:443")
    );
    assert_eq!((conn.first_frame, conn.last_frame, conn.packets), (1, 9, 9));
    assert_eq!(conn.payload_bytes, 18 + 1000);
    assert_eq!(conn.client_to_server.packets, 6);
    assert!(conn.handshake_completed);
    assert_eq!(conn.close, "fin");
    assert_eq!(conn.fin_from.as_deref(), Some("both"));
    assert_eq!(conn.rst_from, None);
    assert_eq!(conn.conn_state, "SF");
    assert_eq!(conn.history, "ShADdFf");
    assert_eq!(conn.completeness, 31);
    assert_eq!(conn.completeness_label, "Complete, WITH_DATA");
    assert_eq!(conn.irtt_s, Some(0.02));
    let o = conn.client_options.as_ref().unwrap();
    assert_eq!(
        (o.mss, o.wscale, o.sack_perm, o.timestamps),
        (Some(1460), Some(7), true, false)
    );
    assert_eq!(s.summary.total_connections, 1);
    assert_eq!(
        (s.summary.successful_handshakes, s.summary.normal_close),
        (1, 1)
    );
    assert_eq!(s.summary.active_connections, 0);
    assert!(s.issues.is_empty());
}

#[test]
fn test_retransmission_after_rto_names_the_original_frame() {
    let mut c = conv();
    handshake(&mut c);
    let lost = c.data_lost(Side::Client, &[b'a'; 100]); // frame 4
    c.advance_ms(300);
    c.retransmit(lost); // frame 5
    let (ctx, s) = run(&c);
    assert_eq!(flags_of(&ctx, 5), flags::RETRANSMISSION);
    let issue = &s.issues[0];
    assert_eq!((issue.frame, issue.kind.as_str()), (5, "retransmission"));
    assert_eq!(issue.message, "[TCP Retransmission]");
    assert_eq!(issue.original_frame, Some(4));
    assert_eq!(issue.from, "client");
    assert!((issue.rto_s.unwrap() - 0.31).abs() < 1e-9);
    assert_eq!(s.connections[0].analysis.retransmission, 1);
    assert_eq!(s.connections[0].history, "ShADT");
}

#[test]
fn test_fast_retransmission_after_dup_acks() {
    let mut c = conv();
    handshake(&mut c);
    c.set_step(1_000_000);
    let lost = c.data_lost(Side::Server, &[b'a'; 100]); // 4
    c.data(Side::Server, &[b'b'; 100]); // 5: beyond the hole
    c.data(Side::Server, &[b'c'; 100]); // 6
    c.dup_ack_sack(Side::Client); // 7: repeats frame 3's ACK: Dup ACK 3#1, SACKs 5-6
    c.dup_ack_sack(Side::Client); // 8: Dup ACK 3#2
    c.dup_ack_sack(Side::Client); // 9: Dup ACK 3#3
    c.retransmit(lost); // 10
    let (ctx, s) = run(&c);
    assert_eq!(flags_of(&ctx, 7), flags::DUPLICATE_ACK);
    assert_eq!(flags_of(&ctx, 8), flags::DUPLICATE_ACK);
    assert_eq!(flags_of(&ctx, 9), flags::DUPLICATE_ACK);
    assert_eq!(flags_of(&ctx, 10), flags::FAST_RETRANSMISSION);
    let dup: Vec<_> = s
        .issues
        .iter()
        .filter(|i| i.kind == "duplicate_ack")
        .collect();
    assert_eq!(dup[1].message, "[TCP Dup ACK 3#2]");
    assert_eq!((dup[2].dup_ack_of, dup[2].dup_ack_num), (Some(3), Some(3)));
    // The receiver repeats its ACK; the sender retransmits.
    assert!(dup.iter().all(|i| i.from == "client"));
    let fast = s.issues.iter().find(|i| i.kind == "fast_retransmission");
    assert_eq!(fast.map(|i| i.from.as_str()), Some("server"));
    let a = &s.connections[0].analysis;
    // As in tshark: a fast retransmission is also a retransmission.
    assert_eq!(
        (a.fast_retransmission, a.retransmission, a.duplicate_ack),
        (1, 1, 3)
    );
}

#[test]
fn test_spurious_retransmission_of_acked_data() {
    let mut c = conv();
    handshake(&mut c);
    let d = c.data(Side::Client, &[b'a'; 100]); // 4
    c.ack(Side::Server); // 5 acks it
    c.advance_ms(200);
    c.retransmit(d); // 6
    let (ctx, s) = run(&c);
    assert_eq!(flags_of(&ctx, 6), flags::SPURIOUS_RETRANSMISSION);
    let a = &s.connections[0].analysis;
    assert_eq!((a.spurious_retransmission, a.retransmission), (1, 1));
}

#[test]
fn test_out_of_order_within_the_initial_rtt() {
    let mut c = conv();
    handshake(&mut c);
    c.set_step(1_000_000);
    c.data(Side::Server, &[b'a'; 100]); // 4
    c.data(Side::Server, &[b'b'; 100]); // 5
    c.data(Side::Server, &[b'c'; 100]); // 6
                                        // Swap 5 and 6 (keeping times in file order): 6's bytes arrive first.
    let segs = c.segments_mut();
    let (t5, t6) = (segs[4].time, segs[5].time);
    segs.swap(4, 5);
    segs[4].time = t5;
    segs[5].time = t6;
    let (ctx, _) = run(&c);
    assert_eq!(flags_of(&ctx, 5), flags::LOST_SEGMENT);
    assert_eq!(flags_of(&ctx, 6), flags::OUT_OF_ORDER);
}

#[test]
fn test_lost_segment_and_acked_unseen() {
    let mut c = conv();
    handshake(&mut c);
    c.skip_seq(Side::Server, 500); // bytes never captured
    c.data(Side::Server, &[b'a'; 100]); // 4: previous segment not captured
    c.send(
        Side::Client,
        SegmentSpec::new(TcpFlags::ACK).ack(5001 + 600 + 50),
    ); // 5
    c.send(
        Side::Client,
        SegmentSpec::new(TcpFlags::ACK).ack(5001 + 600 + 90),
    ); // 6
    c.send(
        Side::Client,
        SegmentSpec::new(TcpFlags::ACK).ack(5001 + 600 + 95),
    ); // 7
    let (ctx, s) = run(&c);
    assert_eq!(flags_of(&ctx, 4), flags::LOST_SEGMENT);
    // A known hole: reported, and the limit moves to the highest byte seen.
    assert_eq!(flags_of(&ctx, 5), flags::ACK_LOST_SEGMENT);
    // No hole known and no dup ACKs running in the peer: reported, then muted.
    assert_eq!(flags_of(&ctx, 6), flags::ACK_LOST_SEGMENT);
    assert_eq!(flags_of(&ctx, 7), 0);
    assert_eq!(s.issues[1].message, "[TCP ACKed unseen segment]");
    assert_eq!(s.connections[0].history, "ShAdg");
}

#[test]
fn test_zero_window_probe_and_its_ack() {
    let mut c = conv();
    handshake(&mut c);
    c.set_step(1_000_000);
    c.data(Side::Server, &[b'a'; 100]); // 4
    c.set_window(Side::Client, 0);
    c.ack(Side::Client); // 5: zero window
    c.send(
        Side::Server,
        SegmentSpec::new(TcpFlags::ACK)
            .payload(b"p")
            .no_advance()
            .lost(),
    ); // 6
    c.ack(Side::Client); // 7: probe ack (window still 0)
    c.set_window(Side::Client, 1024);
    c.ack(Side::Client); // 8: window update
    let (ctx, s) = run(&c);
    assert_eq!(flags_of(&ctx, 5), flags::ZERO_WINDOW);
    assert_eq!(flags_of(&ctx, 6), flags::ZERO_WINDOW_PROBE);
    assert_eq!(
        flags_of(&ctx, 7),
        flags::ZERO_WINDOW | flags::ZERO_WINDOW_PROBE_ACK
    );
    assert_eq!(flags_of(&ctx, 8), flags::WINDOW_UPDATE);
    assert_eq!(s.connections[0].history, "ShAdW");
}

#[test]
fn test_keep_alive_and_its_ack() {
    let mut c = conv();
    handshake(&mut c);
    c.set_step(1_000_000_000);
    c.keep_alive(Side::Client); // 4
    c.ack(Side::Server); // 5
    let (ctx, _) = run(&c);
    assert_eq!(flags_of(&ctx, 4), flags::KEEP_ALIVE);
    assert_eq!(flags_of(&ctx, 5), flags::KEEP_ALIVE_ACK);
}

#[test]
fn test_window_full_uses_the_scaled_window() {
    let mut c = conv();
    handshake(&mut c); // both sides scale by 2^7
    c.set_step(1_000_000);
    c.set_window(Side::Client, 4); // 4 << 7 = 512 bytes
    c.ack(Side::Client); // 4: window update
    c.data(Side::Server, &[b'a'; 512]); // 5: fills the window exactly
    let (ctx, _) = run(&c);
    assert_eq!(flags_of(&ctx, 4), flags::WINDOW_UPDATE);
    assert_eq!(flags_of(&ctx, 5), flags::WINDOW_FULL);
}

#[test]
fn test_port_reuse_starts_a_new_stream_only_with_a_new_isn() {
    let mut c = conv();
    handshake(&mut c);
    c.rst(Side::Client); // 4
    c.advance_ms(500);
    // Same ISN again: tshark 4.0 keeps it in stream 0 (a retransmitted SYN).
    c.send(Side::Client, SegmentSpec::new(TcpFlags::SYN).seq(1000)); // 5
                                                                     // Another ISN: a new stream, flagged.
    c.send(Side::Client, SegmentSpec::new(TcpFlags::SYN).seq(900_000)); // 6
    c.send(
        Side::Server,
        SegmentSpec::new(TcpFlags::SYN_ACK).seq(77_000),
    ); // 7
       // A SYN-ACK with yet another ISN: flagged, same stream.
    c.send(
        Side::Server,
        SegmentSpec::new(TcpFlags::SYN_ACK).seq(88_000),
    ); // 8
    let (ctx, s) = run(&c);
    let streams: Vec<u64> = ctx.iter().map(|c| c.unwrap().stream).collect();
    assert_eq!(streams, vec![0, 0, 0, 0, 0, 1, 1, 1]);
    assert_eq!(flags_of(&ctx, 5), flags::RETRANSMISSION);
    assert_eq!(flags_of(&ctx, 6), flags::REUSED_PORTS);
    assert_eq!(flags_of(&ctx, 8) & flags::REUSED_PORTS, flags::REUSED_PORTS);
    assert_eq!(s.summary.total_connections, 2);
    assert_eq!(s.connections[1].completeness & 1, 1);
    assert_eq!(
        s.issues.iter().find(|i| i.frame == 6).unwrap().message,
        "[TCP Port numbers reused]"
    );
}

#[test]
fn test_refused_and_unanswered_connections() {
    let mut c = conv();
    c.syn(syn_opts(7));
    c.rst(Side::Server);
    let mut d = TcpConversation::new(
        "10.0.0.1:40001".parse().unwrap(),
        "10.0.0.2:444".parse().unwrap(),
        7,
        9,
    );
    d.set_time(START + 1_000_000_000);
    d.set_step(1_000_000_000);
    let syn = d.syn(syn_opts(7));
    d.retransmit(syn);
    let frames = pcaplens_synth::conversation::merge_frames(&[&c, &d]);
    let (ctx, s) = run_frames(&frames, &Config::default());
    assert_eq!(flags_of(&ctx, 4), flags::RETRANSMISSION);
    let (refused, silent) = (&s.connections[0], &s.connections[1]);
    assert_eq!(
        (refused.conn_state.as_ref(), refused.close.as_ref()),
        ("REJ", "rst")
    );
    assert_eq!(refused.rst_from.as_deref(), Some("server"));
    assert_eq!(refused.completeness, 37);
    assert_eq!(
        (silent.conn_state.as_ref(), silent.close.as_ref()),
        ("S0", "open")
    );
    assert_eq!(silent.history, "S");
    assert_eq!(silent.server_options, None);
    assert_eq!(s.summary.failed_handshakes, 2);
    assert_eq!(s.summary.reset_connections, 1);
    assert_eq!(s.summary.active_connections, 1);
    assert_eq!((s.summary.syn_packets, s.summary.syn_ack_packets), (3, 0));
    assert_eq!(s.rst_distribution.from_server, 1);
    assert_eq!(s.rst_distribution.by_source[0].ip, "10.0.0.2");
    assert_eq!(s.flow.primary_rst_source, "server");
}

#[test]
fn test_midstream_capture_is_not_a_failed_handshake() {
    let mut c = conv();
    c.set_rcv_next(Side::Client, 5001);
    c.set_rcv_next(Side::Server, 1000);
    c.data(Side::Server, &[b'a'; 10]);
    c.ack(Side::Client);
    let (_, s) = run(&c);
    let conn = &s.connections[0];
    assert!(!conn.syn_seen && !conn.handshake_completed);
    assert_eq!(conn.client, "10.0.0.2:443"); // the first sender
    assert_eq!(conn.conn_state, "OTH");
    assert_eq!(conn.completeness, 4); // the first packet counts only if it is a SYN
    assert_eq!(
        (s.summary.failed_handshakes, s.summary.midstream_connections),
        (0, 1)
    );
}

#[test]
fn test_ipv6_endpoints_are_bracketed() {
    let mut c = TcpConversation::new(
        "[2001:db8::1]:50000".parse::<SocketAddr>().unwrap(),
        "[2001:db8::2]:443".parse::<SocketAddr>().unwrap(),
        1,
        2,
    );
    handshake(&mut c);
    let (_, s) = run(&c);
    assert_eq!(s.connections[0].client, "[2001:db8::1]:50000");
    assert_eq!(s.connections[0].server, "[2001:db8::2]:443");
}

#[test]
fn test_server_filter_keeps_stream_numbers() {
    let mut a = conv();
    handshake(&mut a);
    let mut b = TcpConversation::new(
        "10.0.0.1:40001".parse().unwrap(),
        "10.0.0.3:80".parse().unwrap(),
        1,
        2,
    );
    b.set_time(START + 1);
    handshake(&mut b);
    b.rst(Side::Client);
    let frames = pcaplens_synth::conversation::merge_frames(&[&a, &b]);
    let config = Config {
        server_ip: Some("10.0.0.3".into()),
        ..Config::default()
    };
    let (_, s) = run_frames(&frames, &config);
    assert_eq!(s.connections.len(), 1);
    assert_eq!(s.connections[0].stream, 1);
    assert_eq!(s.summary.total_connections, 1);
    let config = Config {
        server_port: Some(443),
        ..Config::default()
    };
    let (_, s) = run_frames(&frames, &config);
    assert_eq!(
        s.connections.iter().map(|c| c.stream).collect::<Vec<_>>(),
        vec![0]
    );
    let config = Config {
        server_ip: Some("not an address".into()),
        ..Config::default()
    };
    let (_, s) = run_frames(&frames, &config);
    assert!(s.connections.is_empty() && !s.notes.is_empty());
}

#[test]
fn test_retransmission_rate_threshold() {
    let mut c = conv();
    handshake(&mut c);
    let d = c.data(Side::Client, &[b'a'; 10]);
    c.advance_ms(500);
    c.retransmit(d);
    let (_, s) = run(&c);
    let conn = &s.connections[0];
    assert!((conn.retransmission_rate - 0.2).abs() < 1e-9); // 1 of 5 packets
    assert!(conn.high_retransmission);
    assert_eq!(s.retransmissions.connections_above_threshold, 1);
    assert_eq!(s.retransmissions.worst_stream, Some(0));
}

#[test]
fn test_issue_list_is_capped() {
    let mut c = conv();
    handshake(&mut c);
    c.set_step(1_000);
    c.data(Side::Server, b"x");
    for _ in 0..MAX_ISSUES + 10 {
        c.dup_ack(Side::Client);
    }
    let (_, s) = run(&c);
    assert_eq!(s.issues.len(), MAX_ISSUES);
    assert!(s.issues_truncated);
    assert_eq!(
        s.connections[0].analysis.duplicate_ack,
        (MAX_ISSUES + 9) as u64
    );
}

#[test]
fn print_sizes() {
    println!("Conn {}", super::TcpAnalyzer::connection_state_size());
    println!("Flow {}", std::mem::size_of::<super::seq::Flow>());
    println!(
        "Connection report {}",
        std::mem::size_of::<crate::report::tcp::Connection>()
    );
}
