//! The demo capture: a small, byte-for-byte reproducible Ethernet pcap of an app talking
//! TLS 1.3 to `bumpy-rice-work.loca.lt` (193.34.76.44:443) from 192.168.0.6, captured on the
//! client. It reproduces the classic course assignment: a DNS lookup, then three short
//! connections from client ports 64369, 64370 and 64371, each with a full TLS 1.3 handshake
//! (Chrome-style ClientHello with GREASE, SNI, ALPN h2/http/1.1, x25519 key share; ServerHello
//! selecting TLS 1.3 and TLS_AES_128_GCM_SHA256) and encrypted application data both ways.
//!
//! Every SYN offers MSS 1460, window scale 64 (shift 6) and SACK_PERM; every SYN/ACK answers
//! MSS 1360, window scale 512 (shift 9) and SACK_PERM. The round-trip time is 38 ms.
//!
//! ## Frame map (Wireshark frame numbers; checked against tshark 4.0 by the tests)
//!
//! | Frames | What | tshark says |
//! |---|---|---|
//! | 1, 2 | DNS query / response A bumpy-rice-work.loca.lt → 193.34.76.44 | |
//! | **Connection 1, port 64369 (tcp.stream 0)** | | |
//! | 3, 4, 5 | SYN, SYN/ACK, ACK | |
//! | 6 | ClientHello (SNI bumpy-rice-work.loca.lt) | tls.handshake.type 1 |
//! | 7 | server's ACK of the ClientHello | |
//! | 8, 9, 10 | ServerHello + ChangeCipherSpec + encrypted handshake (3 segments) | tls.handshake.type 2, supported_version 0x0304 |
//! | 11 | client ChangeCipherSpec + encrypted Finished | |
//! | 12 | encrypted request | |
//! | 13 | encrypted NewSessionTickets | |
//! | 14 | encrypted response | |
//! | 15 | client ACK of the response (lost before reaching the server) | |
//! | 16 | the server retransmits frame 14 after its RTO although frame 15 ACKed it | **TCP Spurious Retransmission** |
//! | 17 | client ACK with a D-SACK block for the duplicate data | **TCP Dup ACK 15#1** |
//! | 18, 19, 20 | FIN/ACK (client), FIN/ACK (server), ACK: graceful close | |
//! | **Connection 2, port 64370 (tcp.stream 1)** | | |
//! | 21, 22, 23 | SYN, SYN/ACK, ACK | |
//! | 24 | ClientHello | |
//! | 25, 26, 27 | ServerHello + ChangeCipherSpec + encrypted handshake (the ServerHello also ACKs) | |
//! | 28 | client ChangeCipherSpec + encrypted Finished | |
//! | 29 | encrypted POST request headers | |
//! | 30 | first body segment: captured, then lost on the way to the server | |
//! | 31, 32, 33 | the rest of the body | |
//! | 34 | encrypted NewSessionTickets (ACK number stops at the hole) | |
//! | 35, 36, 37 | server ACKs with growing SACK blocks, ACK number still at the hole | **TCP Dup ACK 34#1, #2, #3** |
//! | 38 | client resends frame 30's data | **TCP Fast Retransmission** |
//! | 39 | server ACKs the whole body | |
//! | 40, 41 | encrypted response, client ACK | |
//! | 42 | RST/ACK from the client: abortive close of the idle connection | |
//! | **Connection 3, port 64371 (tcp.stream 2)** | | |
//! | 43, 44, 45 | SYN, SYN/ACK, ACK | |
//! | 46 | ClientHello | |
//! | 47, 48, 49 | ServerHello + ChangeCipherSpec + encrypted handshake | |
//! | 50 | client ChangeCipherSpec + encrypted Finished | |
//! | 51 | encrypted request | |
//! | 52, 53 | encrypted NewSessionTickets, encrypted response | |
//! | 54 | client ACK | |
//! | 55 | client's encrypted close_notify alert | |
//! | 56 | FIN/ACK from the client | |
//! | 57 | late data from the server after the client's FIN (its close_notify) | |
//! | 58 | FIN/ACK from the server | |
//! | 59, 60 | RST from the (already closed) client for the late data, then for the FIN | |
//!
//! Frames 16, 17, 35–38 are the only ones with `tcp.analysis.flags`; no frame is malformed.
//! Frames received from the router are padded to the 60-byte Ethernet minimum, as on a real
//! client capture (the client's own short frames are captured unpadded).

use std::net::{Ipv4Addr, SocketAddr};

use crate::conversation::{SegmentSpec, Side, TcpConversation};
use crate::dns::{self, Message, Record};
use crate::packet::{Link, Mac, Network, Packet, TcpFlags, TcpOption, Transport, Udp};
use crate::pcap::{linktype, PcapHeader, PcapWriter};
use crate::rng::Rng;
use crate::tls::{self, ClientHello, ServerHello};
use crate::{split_nanos, Nanos};

/// The client's address.
pub const CLIENT_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 0, 6);
/// The TLS server (loca.lt tunnel endpoint).
pub const SERVER_IP: Ipv4Addr = Ipv4Addr::new(193, 34, 76, 44);
/// The home router, which is also the DNS resolver.
pub const ROUTER_IP: Ipv4Addr = Ipv4Addr::new(192, 168, 0, 1);
/// The name the app resolves and sends as SNI.
pub const SERVER_NAME: &str = "bumpy-rice-work.loca.lt";
/// Client source ports of the three connections, in order.
pub const CLIENT_PORTS: [u16; 3] = [64369, 64370, 64371];
/// The DNS client port.
pub const DNS_CLIENT_PORT: u16 = 52114;
/// Capture start: 2024-03-12 10:15:30 UTC.
pub const START_SECS: u64 = 1_710_238_530;

const CLIENT_MAC: Mac = [0x3c, 0x06, 0x30, 0x1a, 0x2b, 0x3c];
const ROUTER_MAC: Mac = [0xd8, 0x47, 0x32, 0x9a, 0x8b, 0x7c];
/// Round-trip time between the client and the server, in microseconds.
const RTT_US: u64 = 38_000;
/// Segment sizes: the server sends up to the client's MSS, the client up to the server's.
const CLIENT_MSS: u16 = 1460;
const SERVER_MSS: u16 = 1360;
/// Raw windows after the handshake (client ×64, server ×512).
const CLIENT_WINDOW: u16 = 2058;
const SERVER_WINDOW: u16 = 128;

/// Frame numbers (1-based, as Wireshark counts) of every teaching point.
pub mod frames {
    pub const DNS_QUERY: u32 = 1;
    pub const DNS_RESPONSE: u32 = 2;
    /// SYN, SYN/ACK, ACK of each connection.
    pub const HANDSHAKES: [[u32; 3]; 3] = [[3, 4, 5], [21, 22, 23], [43, 44, 45]];
    pub const CLIENT_HELLOS: [u32; 3] = [6, 24, 46];
    pub const SERVER_HELLOS: [u32; 3] = [8, 25, 47];
    pub const CLIENT_FINISHED: [u32; 3] = [11, 28, 50];
    /// Connection 1: the response that is later retransmitted, the ACK that covers it, the
    /// spurious retransmission and the D-SACK duplicate ACK.
    pub const RESPONSE_1: u32 = 14;
    pub const ACK_OF_RESPONSE_1: u32 = 15;
    pub const SPURIOUS_RETRANSMISSION: u32 = 16;
    pub const DUP_ACK_DSACK: u32 = 17;
    /// Connection 1 graceful close: FIN/ACK, FIN/ACK, ACK.
    pub const FIN_CLOSE_1: [u32; 3] = [18, 19, 20];
    /// Connection 2: the segment lost after capture, the data frame whose ACK number the
    /// duplicates repeat, the three duplicate ACKs and the fast retransmission.
    pub const LOST_SEGMENT: u32 = 30;
    pub const LAST_NON_DUP_ACK_2: u32 = 34;
    pub const DUP_ACKS: [u32; 3] = [35, 36, 37];
    pub const FAST_RETRANSMISSION: u32 = 38;
    pub const RST_ACK_2: u32 = 42;
    /// Connection 3: client FIN/ACK, late server data, server FIN/ACK, client RSTs.
    pub const FIN_CLIENT_3: u32 = 56;
    pub const LATE_DATA_3: u32 = 57;
    pub const FIN_SERVER_3: u32 = 58;
    pub const RSTS_3: [u32; 2] = [59, 60];
    pub const TOTAL: u32 = 60;
}

/// One frame of the demo with a short note saying what it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoFrame {
    pub time: Nanos,
    pub data: Vec<u8>,
    pub note: &'static str,
}

/// The demo capture as pcap bytes (little-endian, microseconds, Ethernet).
pub fn demo_capture() -> Vec<u8> {
    let mut w = PcapWriter::new(Vec::new(), PcapHeader::new(linktype::ETHERNET))
        .expect("writing to a Vec cannot fail");
    for f in demo_frames() {
        w.write_packet(split_nanos(f.time), &f.data, f.data.len() as u32)
            .expect("writing to a Vec cannot fail");
    }
    w.into_inner().expect("writing to a Vec cannot fail")
}

/// The demo's frames in capture order, each with its note.
pub fn demo_frames() -> Vec<DemoFrame> {
    let mut rng = Rng::new(0x005e_ed0f_de30);
    let mut out = Vec::new();
    let t0 = START_SECS * 1_000_000_000 + 104_233_000;
    dns_lookup(&mut out, t0);
    let conn1 = Script::new(CLIENT_PORTS[0], 0x8d2c_41a7, 0x29f1_e6b0, t0 + 21_562_000);
    out.extend(connection_spurious(conn1, &mut rng));
    let conn2 = Script::new(
        CLIENT_PORTS[1],
        0xb4e7_0913,
        0x6a0c_5d42,
        t0 + 2_212_870_000,
    );
    out.extend(connection_loss(conn2, &mut rng));
    let conn3 = Script::new(
        CLIENT_PORTS[2],
        0x1f83_ca5e,
        0xd3b6_27f9,
        t0 + 4_687_415_000,
    );
    out.extend(connection_late_data_rst(conn3, &mut rng));
    // Connections are sequential; a stable sort keeps script order for equal times.
    out.sort_by_key(|f| f.time);
    out
}

fn dns_lookup(out: &mut Vec<DemoFrame>, t0: Nanos) {
    let client = SocketAddr::from((CLIENT_IP, DNS_CLIENT_PORT));
    let resolver = SocketAddr::from((ROUTER_IP, 53));
    let query = Message::query(0x5c2e, SERVER_NAME, dns::rtype::A).to_bytes();
    let answer = Message::response(
        0x5c2e,
        SERVER_NAME,
        dns::rtype::A,
        dns::rcode::NOERROR,
        vec![Record::a(300, SERVER_IP)],
    )
    .to_bytes();
    let frame = |src: SocketAddr, dst: SocketAddr, smac, dmac, id, ttl, payload: &[u8]| {
        let mut network = Network::ip(src.ip(), dst.ip());
        if let Network::Ipv4(h) = &mut network {
            h.identification = id;
            h.ttl = ttl;
            h.dont_fragment = false;
        }
        Packet {
            link: Link::ethernet(smac, dmac),
            network,
            transport: Transport::Udp(Udp::new(src.port(), dst.port())),
            payload,
        }
        .to_vec()
    };
    out.push(DemoFrame {
        time: t0,
        data: frame(client, resolver, CLIENT_MAC, ROUTER_MAC, 0x9b31, 64, &query),
        note: "DNS query A bumpy-rice-work.loca.lt",
    });
    out.push(DemoFrame {
        time: t0 + 18_417_000,
        data: frame(
            resolver, client, ROUTER_MAC, CLIENT_MAC, 0x4e02, 64, &answer,
        ),
        note: "DNS response A 193.34.76.44",
    });
}

/// A conversation plus a note per segment and a clock in microseconds from its start.
struct Script {
    conv: TcpConversation,
    notes: Vec<&'static str>,
    start: Nanos,
}

impl Script {
    fn new(port: u16, client_isn: u32, server_isn: u32, start: Nanos) -> Self {
        let mut conv = TcpConversation::new(
            SocketAddr::from((CLIENT_IP, port)),
            SocketAddr::from((SERVER_IP, 443)),
            client_isn,
            server_isn,
        );
        conv.set_macs(CLIENT_MAC, ROUTER_MAC);
        conv.set_step(0);
        conv.set_time(start);
        conv.set_ip_id(Side::Client, (client_isn >> 16) as u16);
        conv.set_ip_id(Side::Server, 0);
        conv.set_ttl(Side::Server, 49);
        Script {
            conv,
            notes: Vec::new(),
            start,
        }
    }

    /// Sets the clock to `us` microseconds after the connection's start.
    fn at(&mut self, us: u64) -> &mut Self {
        self.conv.set_time(self.start + us * 1_000);
        self
    }

    fn note(&mut self, index: usize, note: &'static str) -> usize {
        debug_assert_eq!(index, self.notes.len());
        self.notes.push(note);
        index
    }

    /// Handshake: SYN (MSS 1460, WS shift 6, SACK_PERM), SYN/ACK (MSS 1360, WS shift 9,
    /// SACK_PERM), ACK. Returns the time (µs) of the final ACK.
    fn handshake(&mut self) -> u64 {
        self.conv.set_window(Side::Client, 65535);
        let syn = self.conv.syn(vec![
            TcpOption::Mss(CLIENT_MSS),
            TcpOption::Nop,
            TcpOption::WindowScale(6),
            TcpOption::Nop,
            TcpOption::Nop,
            TcpOption::SackPermitted,
        ]);
        self.note(syn, "SYN (MSS 1460, WS 64, SACK_PERM)");
        self.conv.set_window(Side::Server, 65160);
        self.at(RTT_US + 212);
        let syn_ack = self.conv.syn_ack(vec![
            TcpOption::Mss(SERVER_MSS),
            TcpOption::Nop,
            TcpOption::Nop,
            TcpOption::SackPermitted,
            TcpOption::Nop,
            TcpOption::WindowScale(9),
        ]);
        self.note(syn_ack, "SYN/ACK (MSS 1360, WS 512, SACK_PERM)");
        self.conv.set_window(Side::Client, CLIENT_WINDOW);
        self.conv.set_window(Side::Server, SERVER_WINDOW);
        self.at(RTT_US + 301);
        let ack = self.conv.ack(Side::Client);
        self.note(ack, "ACK (handshake complete)");
        RTT_US + 301
    }

    /// Sends `bytes` from `from` starting at `us`, split at the peer's MSS (ACK on full
    /// segments, PSH/ACK on the last), 40 µs apart; returns the segment indices.
    fn stream(&mut self, from: Side, us: u64, bytes: &[u8], notes: &[&'static str]) -> Vec<usize> {
        let mss = match from {
            Side::Client => usize::from(SERVER_MSS),
            Side::Server => usize::from(CLIENT_MSS),
        };
        let chunks: Vec<&[u8]> = bytes.chunks(mss).collect();
        let mut indices = Vec::new();
        for (i, chunk) in chunks.iter().enumerate() {
            self.at(us + 40 * i as u64);
            let flags = if i + 1 == chunks.len() {
                TcpFlags::PSH_ACK
            } else {
                TcpFlags::ACK
            };
            let idx = self.conv.data_flags(from, flags, chunk);
            let note = notes.get(i).copied().unwrap_or("TLS data (continued)");
            indices.push(self.note(idx, note));
        }
        indices
    }

    fn frames(&self) -> Vec<DemoFrame> {
        self.conv
            .frames()
            .into_iter()
            .zip(self.conv.segments())
            .zip(&self.notes)
            .map(|(((time, mut data), seg), note)| {
                if seg.from == Side::Server {
                    pad_received(&mut data);
                }
                DemoFrame { time, data, note }
            })
            .collect()
    }
}

/// Frames received from the router arrive padded to Ethernet's 60-byte minimum (the NIC
/// strips only the FCS), while the client's own short frames are captured before padding, as
/// on a real client capture.
fn pad_received(frame: &mut Vec<u8>) {
    if frame.len() < 60 {
        frame.resize(60, 0);
    }
}

/// The server's first flight: ServerHello + ChangeCipherSpec + encrypted EncryptedExtensions,
/// Certificate, CertificateVerify and Finished (as four application-data records).
fn server_flight(hello: &ClientHello, rng: &mut Rng) -> Vec<u8> {
    let mut v = ServerHello::tls13(hello, 0x1301, rng).record_bytes();
    v.extend(tls::change_cipher_spec());
    for len in [31, 2873, 281, 69] {
        v.extend(tls::application_data(len, rng));
    }
    v
}

/// The client's second flight: ChangeCipherSpec + encrypted Finished.
fn client_finished(rng: &mut Rng) -> Vec<u8> {
    let mut v = tls::change_cipher_spec();
    v.extend(tls::application_data(69, rng));
    v
}

/// Application-data records of the given lengths, concatenated (one TCP write).
fn records(lens: &[usize], rng: &mut Rng) -> Vec<u8> {
    lens.iter()
        .flat_map(|&len| tls::application_data(len, rng))
        .collect()
}

/// Handshake, ClientHello, server flight and client Finished: the part every connection
/// shares. Returns the time (µs) of the client's Finished.
fn tls_setup(s: &mut Script, rng: &mut Rng, separate_ack: bool) -> u64 {
    let hs = s.handshake();
    let hello = ClientHello::chrome_like(SERVER_NAME, &["h2", "http/1.1"], rng);
    let t_hello = hs + 684;
    s.at(t_hello);
    let ch = s.conv.data(Side::Client, &hello.record_bytes());
    s.note(ch, "TLS ClientHello (SNI bumpy-rice-work.loca.lt)");
    let mut t = t_hello + RTT_US + 95;
    if separate_ack {
        s.at(t);
        let a = s.conv.ack(Side::Server);
        s.note(a, "ACK of the ClientHello");
        t += 1_870;
    }
    let flight = server_flight(&hello, rng);
    let segs = s.stream(
        Side::Server,
        t,
        &flight,
        &[
            "TLS ServerHello + ChangeCipherSpec (+ start of encrypted handshake)",
            "encrypted handshake (continued)",
            "encrypted handshake (end)",
        ],
    );
    let t_fin = t + 40 * (segs.len() as u64 - 1) + 1_250;
    s.at(t_fin);
    let fin = s.conv.data(Side::Client, &client_finished(rng));
    s.note(fin, "TLS ChangeCipherSpec + encrypted Finished (client)");
    t_fin
}

/// Connection 1: a request and response, the client's ACK of the response is lost on its way
/// to the server, so the server retransmits data the capture has already seen ACKed (a
/// spurious retransmission) and the client answers with a duplicate ACK carrying a D-SACK.
/// Closed gracefully with FIN/ACK from both sides.
fn connection_spurious(mut s: Script, rng: &mut Rng) -> Vec<DemoFrame> {
    let t_fin = tls_setup(&mut s, rng, true);
    let t_req = t_fin + 160;
    s.at(t_req);
    let req = s.conv.data(Side::Client, &records(&[68, 49, 188], rng));
    s.note(req, "encrypted HTTP/2 request");
    s.at(t_fin + RTT_US + 90);
    let nst = s.conv.data(Side::Server, &records(&[250, 250], rng));
    s.note(nst, "encrypted NewSessionTickets (server)");
    let t_resp = t_req + RTT_US + 2_950;
    s.at(t_resp);
    let resp = s.conv.data(Side::Server, &records(&[1187], rng));
    s.note(resp, "encrypted HTTP/2 response");
    s.at(t_resp + 118);
    let ack = s.conv.ack(Side::Client);
    s.note(ack, "ACK of the response (lost before reaching the server)");
    // The server's retransmission timer fires (RTO ≈ 200 ms + RTT).
    let t_rto = t_resp + 241_317;
    s.at(t_rto);
    let rtx = s.conv.retransmit(resp);
    s.note(
        rtx,
        "TCP Spurious Retransmission of the response (it was already ACKed)",
    );
    s.at(t_rto + 97);
    let (l, r) = (s.conv.segments()[resp].seq, s.conv.rcv_next(Side::Client));
    let dup = s.conv.ack_with(
        Side::Client,
        vec![
            TcpOption::Nop,
            TcpOption::Nop,
            TcpOption::Sack(vec![(l, r)]),
        ],
    );
    s.note(
        dup,
        "TCP Dup ACK with D-SACK for the spurious retransmission",
    );
    let t_close = t_rto + 1_204_611;
    s.at(t_close);
    let f = s.conv.fin(Side::Client);
    s.note(f, "FIN/ACK (client closes)");
    s.at(t_close + RTT_US + 112);
    let f = s.conv.fin(Side::Server);
    s.note(f, "FIN/ACK (server closes)");
    s.at(t_close + RTT_US + 201);
    let a = s.conv.ack(Side::Client);
    s.note(a, "ACK of the server's FIN (graceful close complete)");
    s.frames()
}

/// Connection 2: the client uploads a POST body in four segments; the first is lost after the
/// capture point, so the server answers the next three with duplicate ACKs (with SACK) and the
/// client fast-retransmits. Closed abortively with RST/ACK.
fn connection_loss(mut s: Script, rng: &mut Rng) -> Vec<DemoFrame> {
    let t_fin = tls_setup(&mut s, rng, false);
    let t_hdr = t_fin + 140;
    s.at(t_hdr);
    let hdr = s.conv.data(Side::Client, &records(&[68, 49, 205], rng));
    s.note(hdr, "encrypted HTTP/2 POST request headers");
    let body = records(&[4967], rng);
    let chunks: Vec<&[u8]> = body.chunks(usize::from(SERVER_MSS)).collect();
    let t_body = t_fin + 300;
    let mut lost = None;
    let mut in_flight = Vec::new();
    for (i, chunk) in chunks.iter().enumerate() {
        s.at(t_body + 40 * i as u64);
        let flags = if i + 1 == chunks.len() {
            TcpFlags::PSH_ACK
        } else {
            TcpFlags::ACK
        };
        // Every body segment is still in flight when the server sends its tickets; the first
        // never arrives.
        let idx = s.conv.send(
            Side::Client,
            SegmentSpec::new(flags).payload(chunk).in_flight(),
        );
        if i > 0 {
            in_flight.push(idx);
        }
        let note = match i {
            0 => "encrypted POST body (1/4): lost after the capture point",
            1 => "encrypted POST body (2/4)",
            2 => "encrypted POST body (3/4)",
            _ => "encrypted POST body (4/4)",
        };
        s.note(idx, note);
        if i == 0 {
            lost = Some(idx);
        }
    }
    s.at(t_fin + RTT_US + 90);
    let nst = s.conv.data(Side::Server, &records(&[250, 250], rng));
    s.note(
        nst,
        "encrypted NewSessionTickets (server; ACKs up to the hole)",
    );
    for (i, &seg) in (1u64..).zip(&in_flight) {
        s.conv.deliver(seg);
        s.at(t_body + 40 * i + RTT_US + 50);
        let d = s.conv.dup_ack_sack(Side::Server);
        s.note(
            d,
            "TCP Dup ACK with SACK (server still expects the lost segment)",
        );
    }
    let t_rtx = t_body + 40 * (chunks.len() as u64 - 1) + RTT_US + 50 + 92;
    s.at(t_rtx);
    let rtx = s
        .conv
        .retransmit(lost.expect("the body has a first segment"));
    s.note(rtx, "TCP Fast Retransmission of the lost segment");
    s.at(t_rtx + RTT_US + 105);
    let a = s.conv.ack(Side::Server);
    s.note(a, "ACK of the whole body (hole filled)");
    s.at(t_rtx + RTT_US + 3_410);
    let resp = s.conv.data(Side::Server, &records(&[361], rng));
    s.note(resp, "encrypted HTTP/2 response");
    s.at(t_rtx + RTT_US + 3_530);
    let a = s.conv.ack(Side::Client);
    s.note(a, "ACK of the response");
    s.at(t_rtx + RTT_US + 1_503_530);
    let r = s.conv.rst(Side::Client);
    s.note(r, "RST/ACK (the app aborts the idle connection)");
    s.frames()
}

/// Connection 3: after the exchange the client sends close_notify and FIN/ACK; the server
/// still sends data, then its own FIN/ACK; the client, already closed, answers both with RST.
fn connection_late_data_rst(mut s: Script, rng: &mut Rng) -> Vec<DemoFrame> {
    let t_fin = tls_setup(&mut s, rng, false);
    let t_req = t_fin + 150;
    s.at(t_req);
    let req = s.conv.data(Side::Client, &records(&[68, 49, 190], rng));
    s.note(req, "encrypted HTTP/2 request");
    s.at(t_fin + RTT_US + 85);
    let nst = s.conv.data(Side::Server, &records(&[250, 250], rng));
    s.note(nst, "encrypted NewSessionTickets (server)");
    let t_resp = t_req + RTT_US + 2_104;
    s.at(t_resp);
    let resp = s.conv.data(Side::Server, &records(&[822], rng));
    s.note(resp, "encrypted HTTP/2 response");
    s.at(t_resp + 103);
    let a = s.conv.ack(Side::Client);
    s.note(a, "ACK of the response");
    let t_close = t_resp + 612_448;
    s.at(t_close);
    let alert = s.conv.data(Side::Client, &records(&[19], rng));
    s.note(alert, "encrypted Alert (client close_notify)");
    s.at(t_close + 46);
    let f = s.conv.fin(Side::Client);
    s.note(f, "FIN/ACK (client closes)");
    s.at(t_close + RTT_US + 77);
    let late = s.conv.data(Side::Server, &records(&[19], rng));
    s.note(
        late,
        "late data from the server after the client's FIN (its close_notify)",
    );
    s.at(t_close + RTT_US + 98);
    let f = s.conv.fin(Side::Server);
    s.note(f, "FIN/ACK (server closes)");
    s.at(t_close + RTT_US + 171);
    let r = s.conv.rst_only(Side::Client);
    s.note(r, "RST (the closed client rejects the late data)");
    s.at(t_close + RTT_US + 188);
    let r = s.conv.rst_only(Side::Client);
    s.note(r, "RST (the closed client rejects the server's FIN)");
    s.frames()
}

#[cfg(test)]
mod tests {
    use super::*;
    use etherparse::{SlicedPacket, TransportSlice};
    use std::process::Command;

    /// FNV-1a 64 of the capture: pins the bytes so a change is noticed (and the frame map
    /// re-checked with tshark) rather than silently shipped.
    fn fnv1a(bytes: &[u8]) -> u64 {
        bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, b| {
            (h ^ u64::from(*b)).wrapping_mul(0x100_0000_01b3)
        })
    }

    fn tcp_of(frame: &[u8]) -> (u16, u16, bool, bool, bool, usize) {
        let p = SlicedPacket::from_ethernet(frame).unwrap();
        let Some(TransportSlice::Tcp(t)) = p.transport else {
            panic!("not TCP")
        };
        (
            t.source_port(),
            t.destination_port(),
            t.syn(),
            t.fin(),
            t.rst(),
            t.payload().len(),
        )
    }

    #[test]
    fn test_reproducible() {
        let a = demo_capture();
        assert_eq!(a, demo_capture());
        assert_eq!(
            (a.len(), fnv1a(&a)),
            (EXPECTED_LEN, EXPECTED_FNV),
            "demo bytes changed"
        );
    }

    const EXPECTED_LEN: usize = 28_920;
    const EXPECTED_FNV: u64 = 11_847_187_074_302_437_803;

    #[test]
    fn test_structure_matches_frame_map() {
        let f = demo_frames();
        assert_eq!(f.len() as u32, frames::TOTAL);
        let note = |n: u32| f[n as usize - 1].note;
        assert!(note(frames::DNS_QUERY).starts_with("DNS query"));
        assert!(note(frames::DNS_RESPONSE).starts_with("DNS response"));
        for (conn, hs) in frames::HANDSHAKES.iter().enumerate() {
            let port = CLIENT_PORTS[conn];
            let (sp, dp, syn, ..) = tcp_of(&f[hs[0] as usize - 1].data);
            assert_eq!((sp, dp, syn), (port, 443, true));
            let (sp, dp, syn, ..) = tcp_of(&f[hs[1] as usize - 1].data);
            assert_eq!((sp, dp, syn), (443, port, true));
            assert!(note(hs[2]).starts_with("ACK (handshake"));
            let ch = &f[frames::CLIENT_HELLOS[conn] as usize - 1].data;
            let (sp, _, _, _, _, len) = tcp_of(ch);
            assert_eq!((sp, len), (port, 517));
            // Record header, handshake type 1, then the SNI bytes somewhere in the hello.
            assert_eq!(&ch[54..60], &[22, 3, 1, 2, 0, 1]);
            let sni = SERVER_NAME.as_bytes();
            assert!(ch.windows(sni.len()).any(|w| w == sni));
            assert!(note(frames::SERVER_HELLOS[conn]).starts_with("TLS ServerHello"));
            assert!(note(frames::CLIENT_FINISHED[conn]).contains("Finished"));
        }
        assert!(note(frames::SPURIOUS_RETRANSMISSION).contains("Spurious"));
        let seq_and_payload = |n: u32| {
            let p = SlicedPacket::from_ethernet(&f[n as usize - 1].data).unwrap();
            let Some(TransportSlice::Tcp(t)) = p.transport else {
                panic!("not TCP")
            };
            (t.sequence_number(), t.payload().to_vec())
        };
        assert_eq!(
            seq_and_payload(frames::SPURIOUS_RETRANSMISSION),
            seq_and_payload(frames::RESPONSE_1)
        );
        assert_eq!(
            seq_and_payload(frames::FAST_RETRANSMISSION),
            seq_and_payload(frames::LOST_SEGMENT)
        );
        assert!(note(frames::ACK_OF_RESPONSE_1).starts_with("ACK of the response"));
        assert!(note(frames::DUP_ACK_DSACK).contains("Dup ACK"));
        for n in frames::DUP_ACKS {
            assert!(note(n).contains("Dup ACK"));
        }
        assert!(note(frames::LOST_SEGMENT).contains("lost"));
        assert!(note(frames::LAST_NON_DUP_ACK_2).contains("NewSessionTickets"));
        assert!(note(frames::FAST_RETRANSMISSION).contains("Fast Retransmission"));
        for n in frames::FIN_CLOSE_1[..2]
            .iter()
            .chain([&frames::FIN_CLIENT_3, &frames::FIN_SERVER_3])
        {
            assert!(tcp_of(&f[*n as usize - 1].data).3, "frame {n} is a FIN");
        }
        for n in [frames::RST_ACK_2, frames::RSTS_3[0], frames::RSTS_3[1]] {
            assert!(tcp_of(&f[n as usize - 1].data).4, "frame {n} is a RST");
        }
        assert!(tcp_of(&f[frames::LATE_DATA_3 as usize - 1].data).5 > 0);
        // Timestamps strictly increase, so the order is unambiguous.
        assert!(f.windows(2).all(|w| w[0].time < w[1].time));
    }

    fn tshark(pcap: &std::path::Path, args: &[&str]) -> Option<String> {
        let out = Command::new("tshark")
            .arg("-r")
            .arg(pcap)
            .args(["-o", "tcp.relative_sequence_numbers:TRUE"])
            .args(args)
            .output()
            .ok()?;
        assert!(
            out.status.success(),
            "tshark failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(String::from_utf8(out.stdout).unwrap())
    }

    #[test]
    fn test_tshark_agrees_with_frame_map() {
        let path = std::env::temp_dir().join(format!("pcaplens-demo-{}.pcap", std::process::id()));
        std::fs::write(&path, demo_capture()).unwrap();
        let Some(flags) = tshark(
            &path,
            &[
                "-Y",
                "tcp.analysis.flags",
                "-T",
                "fields",
                "-E",
                "separator=|",
                "-e",
                "frame.number",
                "-e",
                "tcp.analysis.duplicate_ack_num",
                "-e",
                "tcp.analysis.duplicate_ack_frame",
                "-e",
                "tcp.analysis.spurious_retransmission",
                "-e",
                "tcp.analysis.fast_retransmission",
                "-e",
                "tcp.analysis.retransmission",
            ],
        ) else {
            eprintln!("tshark not found on PATH: skipping the tshark check of the demo capture");
            let _ = std::fs::remove_file(&path);
            return;
        };
        let s = frames::SPURIOUS_RETRANSMISSION;
        let d = frames::DUP_ACK_DSACK;
        let a = frames::ACK_OF_RESPONSE_1;
        let [d1, d2, d3] = frames::DUP_ACKS;
        let l = frames::LAST_NON_DUP_ACK_2;
        let fr = frames::FAST_RETRANSMISSION;
        // Spurious and fast retransmissions also carry the generic retransmission flag.
        let expected = format!(
            "{s}|||1||1\n{d}|1|{a}|||\n{d1}|1|{l}|||\n{d2}|2|{l}|||\n{d3}|3|{l}|||\n{fr}||||1|1\n"
        );
        assert_eq!(flags, expected);

        let tls = tshark(
            &path,
            &[
                "-Y",
                "tls.handshake",
                "-T",
                "fields",
                "-E",
                "separator=|",
                "-e",
                "frame.number",
                "-e",
                "tls.handshake.type",
                "-e",
                "tls.handshake.extensions_server_name",
                "-e",
                "tls.handshake.extensions.supported_version",
                "-e",
                "tls.handshake.extensions_alpn_str",
            ],
        )
        .unwrap();
        let rows: Vec<Vec<&str>> = tls.lines().map(|l| l.split('|').collect()).collect();
        assert_eq!(rows.len(), 6, "{tls}");
        for conn in 0..3 {
            let ch = &rows[2 * conn];
            assert_eq!(ch[0], frames::CLIENT_HELLOS[conn].to_string());
            assert_eq!((ch[1], ch[2]), ("1", SERVER_NAME));
            assert!(ch[3].ends_with(",0x0304,0x0303"), "{}", ch[3]);
            assert_eq!(ch[4], "h2,http/1.1");
            let sh = &rows[2 * conn + 1];
            assert_eq!(sh[0], frames::SERVER_HELLOS[conn].to_string());
            assert_eq!((sh[1], sh[3]), ("2", "0x0304"));
        }

        let malformed = tshark(
            &path,
            &["-Y", "_ws.malformed || _ws.expert.severity >= \"error\""],
        )
        .unwrap();
        assert_eq!(malformed, "", "malformed or error-level frames");

        let streams = tshark(
            &path,
            &[
                "-Y",
                "tcp.flags.syn == 1 && tcp.flags.ack == 0",
                "-T",
                "fields",
                "-e",
                "tcp.stream",
                "-e",
                "tcp.srcport",
                "-e",
                "tcp.options.wscale.shift",
                "-e",
                "tcp.options.mss_val",
            ],
        )
        .unwrap();
        assert_eq!(
            streams,
            "0\t64369\t6\t1460\n1\t64370\t6\t1460\n2\t64371\t6\t1460\n"
        );
        let _ = std::fs::remove_file(&path);
    }
}
