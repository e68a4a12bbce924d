//! Synthetic captures through the whole pipeline for DNS, ICMP, flows and IP reassembly: cases
//! the shared corpus lacks (fragmented DNS over UDP, DNS over TCP with reordering, fragmented
//! ICMPv6 echo). Expected values are what Wireshark shows for such traffic: a reassembled
//! datagram is dissected at its last fragment, a TCP-carried DNS message at the frame that
//! completes it.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use pcaplens_core::{analyze_bytes, Config, Report};
use pcaplens_synth::conversation::{Side, TcpConversation};
use pcaplens_synth::dns::{rcode, rtype, Message, Record};
use pcaplens_synth::packet::{
    Icmp, Ipv4, Ipv6, Ipv6Extension, Link, Network, Packet, Transport, CLIENT_MAC, SERVER_MAC,
};
use pcaplens_synth::pcap::{linktype, pcap_bytes};

const C4: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 1);
const S4: Ipv4Addr = Ipv4Addr::new(10, 0, 0, 2);

fn analyze(frames: &[Vec<u8>]) -> Report {
    let pcap = pcap_bytes(
        linktype::ETHERNET,
        frames
            .iter()
            .enumerate()
            .map(|(i, f)| ((1_700_000_000 + i as u64, 0), f.as_slice())),
    );
    analyze_bytes(&pcap, &Config::default())
}

/// The bytes after the Ethernet and IP headers of a built frame.
fn upper_layer(frame: &[u8], ip_header_len: usize) -> Vec<u8> {
    frame[14 + ip_header_len..].to_vec()
}

/// IPv4 fragments of `datagram` (an upper-layer payload), `chunk` bytes each (a multiple of 8).
fn ipv4_fragments(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    proto: u8,
    ident: u16,
    datagram: &[u8],
    chunk: usize,
) -> Vec<Vec<u8>> {
    datagram
        .chunks(chunk)
        .enumerate()
        .map(|(i, piece)| {
            let offset = i * chunk;
            let ip = Ipv4 {
                identification: ident,
                dont_fragment: false,
                more_fragments: offset + piece.len() < datagram.len(),
                fragment_offset: (offset / 8) as u16,
                protocol: Some(proto),
                ..Ipv4::new(src, dst)
            };
            Packet {
                link: Link::ethernet(CLIENT_MAC, SERVER_MAC),
                network: Network::Ipv4(ip),
                transport: Transport::None(proto),
                payload: piece,
            }
            .to_vec()
        })
        .collect()
}

fn ipv6_fragments(
    src: Ipv6Addr,
    dst: Ipv6Addr,
    proto: u8,
    ident: u32,
    datagram: &[u8],
    chunk: usize,
) -> Vec<Vec<u8>> {
    datagram
        .chunks(chunk)
        .enumerate()
        .map(|(i, piece)| {
            let offset = i * chunk;
            let ip = Ipv6 {
                extensions: vec![Ipv6Extension::Fragment {
                    offset: (offset / 8) as u16,
                    more: offset + piece.len() < datagram.len(),
                    identification: ident,
                }],
                protocol: Some(proto),
                ..Ipv6::new(src, dst)
            };
            Packet {
                link: Link::ethernet(CLIENT_MAC, SERVER_MAC),
                network: Network::Ipv6(ip),
                transport: Transport::None(proto),
                payload: piece,
            }
            .to_vec()
        })
        .collect()
}

#[test]
fn fragmented_dns_response_is_read_at_the_last_fragment() {
    let client = SocketAddr::new(IpAddr::V4(C4), 40000);
    let server = SocketAddr::new(IpAddr::V4(S4), 53);
    let query = Message::query(0x4242, "big.example", rtype::TXT).to_bytes();
    let txt: Vec<Record> = (0..12)
        .map(|i| {
            let mut rdata = vec![250u8];
            rdata.extend(std::iter::repeat_n(b'a' + i as u8, 250));
            Record {
                name: None,
                rtype: rtype::TXT,
                class: 1,
                ttl: 60,
                rdata,
            }
        })
        .collect();
    let response =
        Message::response(0x4242, "big.example", rtype::TXT, rcode::NOERROR, txt).to_bytes();
    let response_frame = Packet::udp(server, client, &response).to_vec();
    let datagram = upper_layer(&response_frame, 20);
    let mut frags = ipv4_fragments(S4, C4, 17, 777, &datagram, 1480);
    assert_eq!(frags.len(), 3);
    // Captured out of order: second, first, third.
    frags.swap(0, 1);
    let mut frames = vec![Packet::udp(client, server, &query).to_vec()];
    frames.extend(frags);
    let report = analyze(&frames);

    let dns = &report.dns;
    assert_eq!((dns.queries, dns.responses, dns.unanswered), (1, 1, 0));
    let r = &dns.messages[1];
    assert_eq!(
        r.frame, 4,
        "the reassembled response is shown at the last fragment"
    );
    assert_eq!(r.response_to, Some(1));
    assert_eq!(r.answers.len(), 12);
    assert_eq!(r.answers[11].data, "l".repeat(250));
    assert_eq!(dns.messages[0].response_in, Some(4));

    let flows = &report.flows;
    assert_eq!(flows.ip_fragments.fragments, 3);
    assert_eq!(flows.ip_fragments.reassembled, 1);
    assert_eq!(flows.ip_fragments.incomplete, 0);
    assert_eq!(flows.ip_conversations.len(), 1);
    assert_eq!(flows.ip_conversations[0].packets, 4);
    // The UDP conversation counts the query and the reassembled response (tshark conv,udp).
    assert_eq!(flows.udp_conversations.len(), 1);
    assert_eq!(flows.udp_conversations[0].packets, 2);
    assert_eq!(flows.udp_conversations[0].a, "10.0.0.1:40000");
}

#[test]
fn dns_over_tcp_split_reordered_and_pipelined() {
    let client = SocketAddr::new(IpAddr::V4(C4), 40093);
    let server = SocketAddr::new(IpAddr::V4(S4), 53);
    let mut conv = TcpConversation::new(client, server, 1000, 5000);
    conv.syn(vec![]);
    conv.syn_ack(vec![]);
    conv.ack(Side::Client);
    let prefixed = |m: Vec<u8>| {
        let mut v = (m.len() as u16).to_be_bytes().to_vec();
        v.extend(m);
        v
    };
    // Two pipelined queries: the first split in two segments, the second in the same segment
    // as the end of the first.
    let mut stream = prefixed(Message::query(1, "one.example", rtype::A).to_bytes());
    stream.extend(prefixed(
        Message::query(2, "two.example", rtype::AAAA).to_bytes(),
    ));
    conv.data(Side::Client, &stream[..10]); // frame 4
    conv.data(Side::Client, &stream[10..]); // frame 5: completes both queries
    let a = Record::a(60, Ipv4Addr::new(192, 0, 2, 1));
    let mut answers =
        prefixed(Message::response(1, "one.example", rtype::A, rcode::NOERROR, vec![a]).to_bytes());
    answers.extend(prefixed(
        Message::response(2, "two.example", rtype::AAAA, rcode::NXDOMAIN, vec![]).to_bytes(),
    ));
    let split = answers.len() / 2;
    conv.data(Side::Server, &answers[..split]); // frame 6
    conv.data(Side::Server, &answers[split..]); // frame 7
                                                // Captured in the other order: the second half arrives first (frame 6), the first half
                                                // completes both responses (frame 7).
    conv.segments_mut().swap(5, 6);
    conv.fin(Side::Client);
    conv.fin(Side::Server);
    let frames: Vec<Vec<u8>> = conv.frames().into_iter().map(|(_, f)| f).collect();
    let report = analyze(&frames);

    let m = &report.dns.messages;
    let summary: Vec<(u64, u16, bool, &str)> = m
        .iter()
        .map(|x| (x.frame, x.id, x.response, x.transport.as_str()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (5, 1, false, "tcp"),
            (5, 2, false, "tcp"),
            (7, 1, true, "tcp"),
            (7, 2, true, "tcp")
        ]
    );
    assert_eq!(m[2].response_to, Some(5));
    assert_eq!(m[3].rcode.as_deref(), Some("NXDOMAIN"));
    assert_eq!(m[0].src, "10.0.0.1");
    assert_eq!(m[2].src, "10.0.0.2");
    assert_eq!(report.dns.unanswered, 0);
}

#[test]
fn fragmented_icmpv6_echo_pairs_at_last_fragments() {
    let c6: Ipv6Addr = "fd00:10::1".parse().unwrap();
    let s6: Ipv6Addr = "fd00:10::2".parse().unwrap();
    let data = vec![0x5au8; 3000];
    let req = Packet::icmp(
        IpAddr::V6(c6),
        IpAddr::V6(s6),
        Icmp::v6_echo_request(99, 1),
        &data,
    )
    .to_vec();
    let rep = Packet::icmp(
        IpAddr::V6(s6),
        IpAddr::V6(c6),
        Icmp::v6_echo_reply(99, 1),
        &data,
    )
    .to_vec();
    let mut frames = ipv6_fragments(c6, s6, 58, 1, &upper_layer(&req, 40), 1448);
    let req_frames = frames.len() as u64;
    frames.extend(ipv6_fragments(s6, c6, 58, 2, &upper_layer(&rep, 40), 1448));
    let report = analyze(&frames);

    let icmp = &report.icmp;
    assert_eq!(icmp.messages.len(), 2);
    let (rq, rp) = (&icmp.messages[0], &icmp.messages[1]);
    assert_eq!(
        (rq.frame, rq.icmp_type, rq.reassembled_from),
        (req_frames, 128, Some(1))
    );
    assert_eq!((rp.frame, rp.icmp_type), (frames.len() as u64, 129));
    assert_eq!(rq.reply_frame, Some(rp.frame));
    assert_eq!(rp.request_frame, Some(rq.frame));
    assert_eq!(
        (icmp.echo_requests, icmp.echo_replies, icmp.unanswered),
        (1, 1, 0)
    );
    assert_eq!(
        report.flows.protocol_frames.get("ipv6_fragment"),
        Some(&(frames.len() as u64))
    );
}

#[test]
fn echo_with_different_payload_or_duplicate_reply_is_not_paired() {
    let (c, s) = (IpAddr::V4(C4), IpAddr::V4(S4));
    let frames = vec![
        Packet::icmp(c, s, Icmp::echo_request(7, 1), b"abcdefgh").to_vec(),
        // Same id/seq, different payload: Wireshark's key includes the checksum.
        Packet::icmp(s, c, Icmp::echo_reply(7, 1), b"zzzzzzzz").to_vec(),
        Packet::icmp(s, c, Icmp::echo_reply(7, 1), b"abcdefgh").to_vec(),
        // A duplicate reply pairs with nothing.
        Packet::icmp(s, c, Icmp::echo_reply(7, 1), b"abcdefgh").to_vec(),
        // Port unreachable quoting a UDP datagram.
        Packet::icmp(s, c, Icmp::dest_unreachable(3), &upper_layer_quote()).to_vec(),
    ];
    let report = analyze(&frames);
    let m = &report.icmp.messages;
    assert_eq!(m[0].reply_frame, Some(3));
    assert_eq!(m[1].request_frame, None);
    assert_eq!(m[2].request_frame, Some(1));
    assert_eq!(m[3].request_frame, None);
    let q = m[4].quoted.as_ref().expect("quoted datagram");
    assert_eq!(
        (q.protocol.as_str(), q.src_port, q.dst_port),
        ("udp", Some(40000), Some(53))
    );
    assert_eq!(m[4].code_name.as_deref(), Some("Port unreachable"));
    // The quoted DNS query is not a DNS message.
    assert!(report.dns.messages.is_empty());
}

/// IPv4 header + UDP header + the start of a DNS query, as an ICMP error quotes it.
fn upper_layer_quote() -> Vec<u8> {
    let q = Message::query(5, "x.example", rtype::A).to_bytes();
    let f = Packet::udp(
        SocketAddr::new(IpAddr::V4(C4), 40000),
        SocketAddr::new(IpAddr::V4(S4), 53),
        &q,
    )
    .to_vec();
    f[14..14 + 28 + 8].to_vec()
}
