//! Unit tests for the TLS analyzer: synthetic TLS streams fed segment by segment.

use std::net::{IpAddr, Ipv4Addr};

use super::*;
use crate::analyze::reassembly::tests::Rng;
use crate::decode::tcp::{Flags, Segment};
use crate::decode::tls::tests::{alpn_ext, be16s, sni_ext, vec16, vec8, HelloBuilder};
use crate::decode::tls::HELLO_RETRY_REQUEST_RANDOM;

const CLIENT: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 1));
const SERVER: IpAddr = IpAddr::V4(Ipv4Addr::new(10, 0, 0, 2));
const CLIENT_ISN: u32 = 1000;
const SERVER_ISN: u32 = 5000;

fn hs_msg(t: u8, body: &[u8]) -> Vec<u8> {
    let mut m = vec![t];
    m.extend(&(body.len() as u32).to_be_bytes()[1..]);
    m.extend(body);
    m
}

fn rec(ctype: u8, body: &[u8]) -> Vec<u8> {
    let mut r = vec![ctype, 3, 3];
    r.extend((body.len() as u16).to_be_bytes());
    r.extend(body);
    r
}

fn client_hello() -> Vec<u8> {
    HelloBuilder {
        version: 0x0303,
        session_id: vec![7; 32],
        ciphers: vec![0x0a0a, 0x1301, 0x1302, 0xc02f],
        extensions: vec![
            (0x0a0a, vec![]),
            (0, sni_ext("example.org")),
            (16, alpn_ext(&["h2", "http/1.1"])),
            (43, vec8(&be16s(&[0x0304, 0x0303]))),
            (10, vec16(&be16s(&[0x1d, 0x17]))),
            (13, vec16(&be16s(&[0x0403, 0x0804]))),
            (21, vec![0; 700]), // padding: makes the hello span two segments
        ],
    }
    .client_body()
}

fn server_hello(version_ext: Option<u16>, random: [u8; 32]) -> Vec<u8> {
    let mut extensions = vec![(0xff01, vec![0])];
    if let Some(v) = version_ext {
        extensions.push((43, be16s(&[v])));
        extensions.push((51, be16s(&[0x1d])));
    } else {
        extensions.push((16, alpn_ext(&["h2"])));
    }
    HelloBuilder {
        version: 0x0303,
        // TLS 1.3 echoes the client's session id; a TLS 1.2 full handshake assigns a new one.
        session_id: vec![if version_ext.is_some() { 7 } else { 8 }; 32],
        ciphers: vec![if version_ext.is_some() {
            0x1302
        } else {
            0xc02f
        }],
        extensions,
    }
    .server_body(random)
}

/// Drives one connection: tracks sequence numbers and frame numbers.
struct Conn {
    tls: TlsAnalyzer,
    frame: u64,
    next: [u32; 2],
}

impl Conn {
    fn new() -> Self {
        let mut c = Conn {
            tls: TlsAnalyzer::default(),
            frame: 0,
            next: [CLIENT_ISN + 1, SERVER_ISN + 1],
        };
        c.raw(true, CLIENT_ISN, Flags::SYN, &[]);
        c.raw(false, SERVER_ISN, Flags::SYN | Flags::ACK, &[]);
        c
    }

    /// Sends a segment with an explicit sequence number; returns its frame number.
    fn raw(&mut self, from_client: bool, seq: u32, flags: u16, payload: &[u8]) -> u64 {
        self.frame += 1;
        let (sp, dp, src, dst) = if from_client {
            (40000, 443, CLIENT, SERVER)
        } else {
            (443, 40000, SERVER, CLIENT)
        };
        let seg = Segment {
            src_port: sp,
            dst_port: dp,
            seq,
            ack: self.next[usize::from(from_client)],
            flags: Flags(flags),
            window: 1000,
            header_len: 20,
            options: &[],
            seglen: payload.len() as u32,
            payload,
        };
        self.tls
            .on_segment(self.frame, 0, from_client, &seg, src, dst);
        self.frame
    }

    /// Sends the next in-order segment of a direction.
    fn send(&mut self, from_client: bool, payload: &[u8]) -> u64 {
        let i = usize::from(!from_client);
        let seq = self.next[i];
        self.next[i] = seq.wrapping_add(payload.len() as u32);
        self.raw(from_client, seq, Flags::ACK | Flags::PSH, payload)
    }

    fn finish(self) -> TlsSection {
        self.tls.finish()
    }
}

#[test]
fn test_client_hello_split_over_two_segments() {
    let mut c = Conn::new();
    let record = rec(22, &hs_msg(1, &client_hello()));
    c.send(true, &record[..300]);
    let f2 = c.send(true, &record[300..]);
    let s = c.finish();
    assert_eq!(s.handshakes.len(), 1);
    let h = &s.handshakes[0];
    assert_eq!(h.client_hello_frame, Some(f2));
    assert_eq!(h.sni.as_deref(), Some("example.org"));
    assert_eq!(h.alpn, vec!["h2", "http/1.1"]);
    assert_eq!(
        h.cipher_suites,
        vec!["0x0a0a", "0x1301", "0x1302", "0xc02f"]
    );
    assert_eq!(h.supported_versions, vec!["0x0304", "0x0303"]);
    assert_eq!(h.legacy_version.as_deref(), Some("0x0303"));
    assert!(h.grease);
    assert_eq!(h.records.handshake, 1);
    assert_eq!(h.client, "10.0.0.1:40000");
    assert_eq!(h.server, "10.0.0.2:443");
    assert!(h.ja4.as_deref().unwrap().starts_with("t13d0306h2_"));
    assert_eq!(s.snis, vec!["example.org"]);
}

#[test]
fn test_client_hello_out_of_order_and_retransmitted() {
    let mut c = Conn::new();
    let record = rec(22, &hs_msg(1, &client_hello()));
    let base = CLIENT_ISN + 1;
    // Second half first, then the first half twice.
    c.raw(true, base + 300, Flags::ACK, &record[300..]);
    let f_first = c.raw(true, base, Flags::ACK, &record[..300]);
    c.raw(true, base, Flags::ACK, &record[..300]);
    c.next[0] = base + record.len() as u32;
    let s = c.finish();
    let h = &s.handshakes[0];
    assert_eq!(h.client_hello_frame, Some(f_first));
    assert_eq!(h.records.handshake, 1);
    assert_eq!(h.sni.as_deref(), Some("example.org"));
}

#[test]
fn test_tls12_full_handshake_counts() {
    let mut c = Conn::new();
    c.send(true, &rec(22, &hs_msg(1, &client_hello())));
    // ServerHello, Certificate, ServerHelloDone in separate records, one segment.
    let mut flight = rec(22, &hs_msg(2, &server_hello(None, [3; 32])));
    flight.extend(rec(22, &hs_msg(11, &[0; 1200])));
    flight.extend(rec(22, &hs_msg(14, &[])));
    let f_sh = c.send(false, &flight[..1000]);
    c.send(false, &flight[1000..]);
    // Client: CKE, CCS, encrypted Finished.
    let mut cf = rec(22, &hs_msg(16, &[1; 66]));
    cf.extend(rec(20, &[1]));
    cf.extend(rec(22, &[0x99; 40]));
    c.send(true, &cf);
    let mut sf = rec(20, &[1]);
    sf.extend(rec(22, &[0x42; 40]));
    c.send(false, &sf);
    c.send(true, &rec(23, &[0; 100]));
    c.send(false, &rec(23, &[0; 3000]));
    c.send(true, &rec(21, &[0x55; 26])); // encrypted close_notify
    let s = c.finish();
    let h = &s.handshakes[0];
    assert_eq!(h.server_hello_frame, Some(f_sh));
    assert_eq!(h.selected_version.as_deref(), Some("0x0303"));
    assert_eq!(h.cipher.as_deref(), Some("0xc02f"));
    assert_eq!(h.server_alpn.as_deref(), Some("h2"));
    assert_eq!(
        h.records,
        RecordCounts {
            handshake: 7,
            change_cipher_spec: 2,
            application_data: 2,
            alert: 1,
            heartbeat: 0
        }
    );
    assert_eq!(h.client_records.handshake, 3);
    assert_eq!(h.server_record_bytes.application_data, 3000);
    assert_eq!(h.alerts.len(), 1);
    assert!(h.alerts[0].encrypted && h.alerts[0].description.is_none());
    assert_eq!(h.handshake_messages.get("certificate"), Some(&1));
    assert_eq!(h.handshake_messages.get("client_key_exchange"), Some(&1));
    assert_eq!(h.handshake_messages.get("finished"), None);
    assert_eq!(h.resumed, None);
    assert!(h.ja3s.is_some() && h.ja4s.as_deref().unwrap().starts_with("t1202h2_c02f_"));
}

#[test]
fn test_tls12_abbreviated_handshake_is_resumption() {
    let mut c = Conn::new();
    c.send(true, &rec(22, &hs_msg(1, &client_hello())));
    let mut flight = rec(22, &hs_msg(2, &server_hello(None, [3; 32])));
    flight.extend(rec(20, &[1]));
    flight.extend(rec(22, &[0x42; 40]));
    c.send(false, &flight);
    let s = c.finish();
    assert_eq!(s.handshakes[0].resumed.as_deref(), Some("session_id"));
}

#[test]
fn test_tls13_with_hello_retry_request() {
    let mut c = Conn::new();
    let f_ch1 = c.send(true, &rec(22, &hs_msg(1, &client_hello())));
    let f_hrr = c.send(
        false,
        &rec(
            22,
            &hs_msg(2, &server_hello(Some(0x0304), HELLO_RETRY_REQUEST_RANDOM)),
        ),
    );
    // Compatibility CCS, then the second ClientHello in plaintext.
    let mut second = rec(20, &[1]);
    second.extend(rec(22, &hs_msg(1, &client_hello())));
    let f_ch2 = c.send(true, &second);
    let mut flight = rec(22, &hs_msg(2, &server_hello(Some(0x0304), [9; 32])));
    flight.extend(rec(20, &[1]));
    flight.extend(rec(23, &[0; 2000]));
    let f_sh = c.send(false, &flight);
    c.send(true, &rec(23, &[0; 60]));
    let s = c.finish();
    let h = &s.handshakes[0];
    assert_eq!(h.client_hello_frame, Some(f_ch1));
    assert_eq!(h.client_hello_frames, vec![f_ch1, f_ch2]);
    assert_eq!(h.server_hello_frames, vec![f_hrr, f_sh]);
    assert_eq!(h.server_hello_frame, Some(f_sh));
    assert_eq!(h.selected_version.as_deref(), Some("0x0304"));
    assert_eq!(h.cipher.as_deref(), Some("0x1302"));
    let hrr = h.hello_retry_request.as_ref().unwrap();
    assert_eq!(
        (hrr.frame, hrr.selected_group.as_deref()),
        (f_hrr, Some("0x001d"))
    );
    assert_eq!(h.records.handshake, 4);
    assert_eq!(h.records.change_cipher_spec, 2);
    assert_eq!(h.records.application_data, 2);
    assert_eq!(h.handshake_messages.get("client_hello"), Some(&2));
    assert_eq!(s.client_hellos, 2);
}

#[test]
fn test_plaintext_alert_decoded() {
    let mut c = Conn::new();
    c.send(true, &rec(22, &hs_msg(1, &client_hello())));
    let f = c.send(false, &rec(21, &[2, 70]));
    let s = c.finish();
    let a = &s.handshakes[0].alerts[0];
    assert_eq!((a.frame, a.level, a.description), (f, Some(2), Some(70)));
    assert_eq!(a.description_name.as_deref(), Some("protocol_version"));
    assert_eq!(a.level_name.as_deref(), Some("fatal"));
    assert_eq!(a.from, "server");
    assert!(!a.encrypted);
}

#[test]
fn test_gap_inside_record_keeps_sync() {
    let mut c = Conn::new();
    c.send(true, &rec(22, &hs_msg(1, &client_hello())));
    let big = rec(23, &[0; 3000]);
    c.send(false, &big[..1000]);
    // Lose 1000..2000; the client's ACK proves the server sent it.
    let i = 1;
    c.next[i] += 1000;
    c.send(false, &big[2000..]);
    c.send(true, &[]); // pure ACK carrying next[server]
    let mut tail = rec(23, &[0; 10]);
    tail.extend(rec(21, &[1, 0]));
    c.send(false, &tail);
    let s = c.finish();
    let h = &s.handshakes[0];
    // The damaged record is not counted; the two after it are.
    assert_eq!(h.server_records.application_data, 1);
    assert_eq!(h.server_records.alert, 1);
    assert_eq!(h.lost_bytes, 1000);
}

#[test]
fn test_resync_after_gap_spanning_records() {
    let mut c = Conn::new();
    c.send(true, &rec(22, &hs_msg(1, &client_hello())));
    c.send(false, &rec(23, &[0; 100]));
    c.next[1] += 700; // lost: more than one record
    c.send(false, &rec(23, &[0; 100])[50..]); // starts mid-record: skipped
    c.send(true, &[]);
    c.send(false, &rec(23, &[0; 100])); // a segment starting at a record: resync
    c.send(false, &rec(23, &[0; 100]));
    let s = c.finish();
    assert_eq!(s.handshakes[0].server_records.application_data, 3);
}

#[test]
fn test_not_tls_stream_is_ignored() {
    let mut c = Conn::new();
    c.send(true, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    c.send(false, &rec(22, &hs_msg(2, &server_hello(None, [3; 32]))));
    let s = c.finish();
    assert!(s.handshakes.is_empty());
}

#[test]
fn test_midstream_pickup_on_tls_port() {
    let mut t = TlsAnalyzer::default();
    let body = rec(23, &[0; 50]);
    let mut frame = 0;
    let mut seq = 777u32;
    let mut feed = |t: &mut TlsAnalyzer, payload: &[u8]| {
        frame += 1;
        let seg = Segment {
            src_port: 443,
            dst_port: 40000,
            seq,
            ack: 1,
            flags: Flags(Flags::ACK),
            window: 1,
            header_len: 20,
            options: &[],
            seglen: payload.len() as u32,
            payload,
        };
        seq = seq.wrapping_add(payload.len() as u32);
        t.on_segment(frame, 3, true, &seg, SERVER, CLIENT);
    };
    feed(&mut t, &body[20..]); // tail of a record
    feed(&mut t, &body);
    feed(&mut t, &body);
    let s = t.finish();
    assert_eq!(s.handshakes.len(), 1);
    assert_eq!(s.handshakes[0].records.application_data, 2);
}

/// Random bytes, random segmentation and mutated TLS flights never panic.
#[test]
fn test_random_streams_never_panic() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut flight = rec(22, &hs_msg(1, &client_hello()));
    flight.extend(rec(22, &hs_msg(2, &server_hello(Some(0x0304), [1; 32]))));
    flight.extend(rec(21, &[2, 40]));
    flight.extend(rec(20, &[1]));
    flight.extend(rec(23, &[5; 300]));
    for round in 0..300 {
        let mut data = flight.clone();
        if round % 3 == 0 {
            for b in data.iter_mut() {
                *b = rng.next() as u8;
            }
            data[0] = 22;
            data[1] = 3;
            data[2] = 1;
        } else {
            for _ in 0..(1 + rng.next() % 8) {
                let i = (rng.next() as usize) % data.len();
                data[i] = rng.next() as u8;
            }
        }
        let mut c = Conn::new();
        let mut pos = 0;
        while pos < data.len() {
            let n = 1 + (rng.next() % 200) as usize;
            let end = (pos + n).min(data.len());
            let from_client = !rng.next().is_multiple_of(4);
            if rng.next().is_multiple_of(7) {
                let i = usize::from(!from_client);
                c.next[i] = c.next[i].wrapping_add((rng.next() % 50) as u32);
            }
            c.send(from_client, &data[pos..end]);
            pos = end;
        }
        let _ = c.finish();
    }
}

#[test]
fn test_tls12_session_id_echo_is_resumption() {
    let mut c = Conn::new();
    c.send(true, &rec(22, &hs_msg(1, &client_hello())));
    // A TLS 1.2 ServerHello echoing the client's session id (7 × 32), capture ends there.
    let mut body = server_hello(None, [3; 32]);
    body[35..67].copy_from_slice(&[7; 32]);
    c.send(false, &rec(22, &hs_msg(2, &body)));
    let s = c.finish();
    assert_eq!(s.handshakes[0].resumed.as_deref(), Some("session_id"));
}

#[test]
fn test_empty_record_in_stream_is_counted() {
    let mut c = Conn::new();
    c.send(true, &rec(22, &hs_msg(1, &client_hello())));
    let mut data = rec(23, &[]);
    data.extend(rec(23, &[1; 10]));
    c.send(true, &data);
    let s = c.finish();
    assert_eq!(s.handshakes[0].client_records.application_data, 2);
}

/// More open streams than the live table holds: the idle ones are finished early, nothing is
/// lost from the report.
#[test]
fn test_live_table_eviction_keeps_every_handshake() {
    let mut t = TlsAnalyzer::default();
    let hello = rec(22, &hs_msg(1, &client_hello()));
    let n = MAX_LIVE_STREAMS as u64 + 100;
    for stream in 0..n {
        let seg = Segment {
            src_port: 40000,
            dst_port: 443,
            seq: 1,
            ack: 1,
            flags: Flags(Flags::ACK),
            window: 1,
            header_len: 20,
            options: &[],
            seglen: hello.len() as u32,
            payload: &hello,
        };
        t.on_segment(stream + 1, stream, true, &seg, CLIENT, SERVER);
    }
    assert!(t.live.len() <= MAX_LIVE_STREAMS);
    let s = t.finish();
    assert_eq!(s.client_hellos, n);
    assert_eq!(s.handshakes.len() as u64, n.min(MAX_TLS_STREAMS as u64));
    assert!(s.handshakes.windows(2).all(|w| w[0].stream < w[1].stream));
}

#[test]
fn endpoint_text_equals_display() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut addrs: Vec<IpAddr> = vec![
        Ipv4Addr::new(0, 0, 0, 0).into(),
        Ipv4Addr::new(255, 255, 255, 255).into(),
        Ipv4Addr::new(10, 0, 100, 9).into(),
        "2001:db8::1".parse().unwrap(),
        "::ffff:192.0.2.1".parse().unwrap(),
    ];
    for _ in 0..2000 {
        addrs.push(Ipv4Addr::from(rng.next() as u32).into());
    }
    for (i, ip) in addrs.into_iter().enumerate() {
        let port = [0, 9, 10, 99, 100, 443, 9999, 10000, 65535, i as u16][i % 10];
        assert_eq!(ip_text(ip), ip.to_string());
        let want = match ip {
            IpAddr::V4(a) => format!("{a}:{port}"),
            IpAddr::V6(a) => format!("[{a}]:{port}"),
        };
        assert_eq!(endpoint(ip, port), want);
    }
}

#[test]
fn handshakes_are_listed_in_stream_order() {
    let done: Vec<Handshake> = [5u64, 1, 9, 0, 3]
        .iter()
        .map(|&stream| Handshake {
            stream,
            ..Handshake::default()
        })
        .collect();
    let streams: Vec<u64> = by_stream(done).iter().map(|h| h.stream).collect();
    assert_eq!(streams, [0, 1, 3, 5, 9]);
}
