//! TLS that does not start at a stream's first byte or in today's format: STARTTLS upgrades
//! (SMTP, IMAP, POP3, FTP, XMPP, LDAP, PostgreSQL), an SSLv2-format ClientHello, and TLS 1.3
//! draft ServerHellos. Captures are written here; the frames of every ClientHello and
//! ServerHello are checked against a local tshark (skipped with a notice without it).

use std::collections::BTreeSet;
use std::process::Command;

use pcaplens_core::{analyze_bytes, Config};
use pcaplens_synth::rng::Rng;
use pcaplens_synth::tls::{
    change_cipher_spec, handshake, record, ClientHello, Extension, ServerHello,
};
use pcaplens_synth::{frames_to_pcap, Side, TcpConversation};

/// One scripted stream: the plaintext exchange (client or server bytes, in order), then a TLS
/// handshake.
struct Script {
    name: &'static str,
    port: u16,
    prelude: Vec<(Side, Vec<u8>)>,
    /// The ClientHello record (a TLS one unless replaced).
    client_hello: Option<Vec<u8>>,
    server_hello: Vec<u8>,
    /// Expected `starttls` in the report.
    starttls: Option<&'static str>,
}

fn tls_pair(rng: &mut Rng) -> (Vec<u8>, Vec<u8>) {
    let ch = ClientHello::chrome_like("mail.example.org", &[], rng);
    let sh = ServerHello::tls13(&ch, 0x1301, rng);
    let mut server = sh.record_bytes();
    server.extend(change_cipher_spec());
    (ch.record_bytes(), server)
}

fn lines(side: Side, text: &str) -> (Side, Vec<u8>) {
    (side, text.as_bytes().to_vec())
}

fn scripts() -> Vec<Script> {
    use Side::{Client as C, Server as S};
    let mut rng = Rng::new(15);
    let mut out = Vec::new();
    let mut push = |name, port, prelude: Vec<(Side, Vec<u8>)>, starttls| {
        let (ch, sh) = tls_pair(&mut rng);
        out.push(Script {
            name,
            port,
            prelude,
            client_hello: Some(ch),
            server_hello: sh,
            starttls,
        });
    };
    push(
        "smtp",
        25,
        vec![
            lines(S, "220 mail.example.org ESMTP\r\n"),
            lines(C, "EHLO client.example.org\r\n"),
            lines(
                S,
                "250-mail.example.org\r\n250-PIPELINING\r\n250 STARTTLS\r\n",
            ),
            lines(C, "STARTTLS\r\n"),
            lines(S, "220 2.0.0 Ready to start TLS\r\n"),
        ],
        Some("smtp"),
    );
    push(
        "submission",
        587,
        vec![
            lines(S, "220 mail.example.org ESMTP\r\n"),
            lines(C, "EHLO client\r\n"),
            lines(S, "250 STARTTLS\r\n"),
            lines(C, "STARTTLS\r\n"),
            lines(S, "220 Go ahead\r\n"),
        ],
        Some("smtp"),
    );
    push(
        "imap",
        143,
        vec![
            lines(S, "* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"),
            lines(C, "a001 STARTTLS\r\n"),
            lines(S, "a001 OK Begin TLS negotiation now\r\n"),
        ],
        Some("imap"),
    );
    push(
        "pop3",
        110,
        vec![
            lines(S, "+OK POP3 ready\r\n"),
            lines(C, "STLS\r\n"),
            lines(S, "+OK Begin TLS negotiation\r\n"),
        ],
        Some("pop3"),
    );
    push(
        "ftp",
        21,
        vec![
            lines(S, "220 FTP server ready\r\n"),
            lines(C, "AUTH TLS\r\n"),
            lines(S, "234 AUTH TLS successful\r\n"),
        ],
        Some("ftp"),
    );
    push(
        "xmpp",
        5222,
        vec![
            lines(
                C,
                "<?xml version='1.0'?><stream:stream to='example.org' xmlns='jabber:client' \
                 xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>",
            ),
            lines(
                S,
                "<?xml version='1.0'?><stream:stream from='example.org' id='1' \
                 xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' \
                 version='1.0'><stream:features><starttls \
                 xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>\
                 </stream:features>",
            ),
            lines(C, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"),
            lines(S, "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"),
        ],
        Some("xmpp"),
    );
    let mut ldap_request = vec![0x30, 0x1d, 0x02, 0x01, 0x01, 0x77, 0x18, 0x80, 0x16];
    ldap_request.extend_from_slice(b"1.3.6.1.4.1.1466.20037");
    push(
        "ldap",
        389,
        vec![
            (C, ldap_request),
            (
                S,
                vec![
                    0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a, 0x01, 0x00, 0x04, 0, 0x04, 0,
                ],
            ),
        ],
        Some("ldap"),
    );
    push(
        "pgsql",
        5432,
        vec![
            (C, vec![0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]),
            (S, b"S".to_vec()),
        ],
        Some("pgsql"),
    );
    for (name, port) in [("http_connect_3128", 3128), ("http_connect_8080", 8080)] {
        push(
            name,
            port,
            vec![
                lines(
                    C,
                    "CONNECT mail.example.org:443 HTTP/1.1\r\nHost: mail.example.org:443\r\n\r\n",
                ),
                lines(S, "HTTP/1.1 200 Connection established\r\n\r\n"),
            ],
            Some("http"),
        );
    }
    // TLS on a port no dissector claims: tshark's heuristic finds it, as our content test does.
    push("tls_on_port_4433", 4433, Vec::new(), None);
    // A refused upgrade: no TLS on the stream.
    out.push(Script {
        name: "smtp_refused",
        port: 25,
        prelude: vec![
            lines(S, "220 mail.example.org ESMTP\r\n"),
            lines(C, "STARTTLS\r\n"),
            lines(S, "454 4.7.0 TLS not available\r\n"),
            lines(C, "QUIT\r\n"),
        ],
        client_hello: None,
        server_hello: Vec::new(),
        starttls: None,
    });
    // An SSLv2-format ClientHello offering TLS 1.0, answered in TLS 1.0.
    let specs = [
        0x01u8, 0x00, 0x80, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x35, 0x00, 0x00, 0x05,
    ];
    let mut body = vec![1, 0x03, 0x01, 0, specs.len() as u8, 0, 0, 0, 16];
    body.extend(specs);
    body.extend([0x3c; 16]);
    let mut v2 = vec![0x80, body.len() as u8];
    v2.extend(&body);
    let sh = ServerHello {
        legacy_version: 0x0301,
        random: [5; 32],
        session_id: vec![],
        cipher_suite: 0x002f,
        compression_method: 0,
        extensions: vec![],
    };
    out.push(Script {
        name: "sslv2_client_hello",
        port: 443,
        prelude: Vec::new(),
        client_hello: Some(v2),
        server_hello: record(22, 0x0301, &sh.handshake_bytes()),
        starttls: None,
    });
    // TLS 1.3 draft 18: the ServerHello has no session id and no compression method.
    let ch = ClientHello {
        extensions: vec![Extension::supported_versions(&[0x7f12])],
        ..ClientHello::chrome_like("draft.example.org", &[], &mut Rng::new(3))
    };
    let mut draft = vec![0x7f, 0x12];
    draft.extend([9; 32]);
    draft.extend([0x13, 0x01]);
    draft.extend([0, 6, 0, 51, 0, 2, 0, 0x1d]);
    out.push(Script {
        name: "tls13_draft18",
        port: 443,
        prelude: Vec::new(),
        client_hello: Some(ch.record_bytes()),
        server_hello: record(22, 0x0301, &handshake(2, &draft)),
        starttls: None,
    });
    out
}

fn capture(s: &Script) -> Vec<u8> {
    let mut c = TcpConversation::new(
        "192.0.2.10:40001".parse().unwrap(),
        format!("192.0.2.20:{}", s.port).parse().unwrap(),
        1000,
        9000,
    );
    c.syn(vec![]);
    c.syn_ack(vec![]);
    c.ack(Side::Client);
    for (side, bytes) in &s.prelude {
        c.data(*side, bytes);
        c.ack(side.peer());
    }
    if let Some(ch) = &s.client_hello {
        c.data(Side::Client, ch);
        c.data(Side::Server, &s.server_hello);
        c.ack(Side::Client);
    }
    frames_to_pcap(1, &c.frames())
}

fn tshark_available() -> bool {
    Command::new("tshark")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// (client hello frames, server hello frames) per tshark.
fn tshark_hellos(bytes: &[u8], name: &str) -> (Vec<u64>, Vec<u64>) {
    let path =
        std::env::temp_dir().join(format!("pcaplens-tls-{}-{name}.pcap", std::process::id()));
    std::fs::write(&path, bytes).expect("write capture");
    let out = Command::new("tshark")
        .args(["-n", "-r"])
        .arg(&path)
        .args([
            "-T",
            "fields",
            "-e",
            "frame.number",
            "-e",
            "tls.handshake.type",
        ])
        .output()
        .expect("tshark runs");
    let _ = std::fs::remove_file(&path);
    let (mut ch, mut sh) = (Vec::new(), Vec::new());
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let mut f = line.split('\t');
        let frame: u64 = f.next().and_then(|n| n.parse().ok()).expect("frame number");
        let types: BTreeSet<&str> = f.next().unwrap_or("").split(',').collect();
        if types.contains("1") {
            ch.push(frame);
        }
        if types.contains("2") {
            sh.push(frame);
        }
    }
    (ch, sh)
}

#[test]
fn starttls_sslv2_and_drafts_find_the_handshake() {
    let have_tshark = tshark_available();
    if !have_tshark {
        eprintln!("starttls_sslv2_and_drafts_find_the_handshake: tshark comparison skipped");
    }
    for s in scripts() {
        let bytes = capture(&s);
        let report = analyze_bytes(&bytes, &Config::default());
        let hs = report.tls.handshakes.first();
        if s.client_hello.is_none() {
            assert!(hs.is_none(), "{}: {hs:?}", s.name);
            continue;
        }
        let hs = hs.unwrap_or_else(|| panic!("{}: no TLS found", s.name));
        assert_eq!(hs.starttls.as_deref(), s.starttls, "{}", s.name);
        assert_eq!(hs.client_hello_frames.len(), 1, "{}", s.name);
        assert_eq!(hs.server_hello_frames.len(), 1, "{}", s.name);
        match s.name {
            "sslv2_client_hello" => {
                assert_eq!(hs.legacy_version.as_deref(), Some("0x0301"));
                assert_eq!(
                    hs.sslv2_cipher_specs,
                    ["0x010080", "0x00002f", "0x000035", "0x000005"]
                );
                assert!(hs.cipher_suites.is_empty() && hs.ja3.is_none());
                assert_eq!(hs.cipher.as_deref(), Some("0x002f"));
            }
            "tls13_draft18" => {
                assert_eq!(hs.selected_version.as_deref(), Some("0x7f12"));
                assert_eq!(hs.cipher.as_deref(), Some("0x1301"));
                assert_eq!(hs.server_extensions, [51]);
            }
            _ => {
                assert_eq!(hs.sni.as_deref(), Some("mail.example.org"), "{}", s.name);
                assert_eq!(hs.selected_version.as_deref(), Some("0x0304"), "{}", s.name);
            }
        }
        if have_tshark {
            let theirs = tshark_hellos(&bytes, s.name);
            assert_eq!(
                (
                    hs.client_hello_frames.clone(),
                    hs.server_hello_frames.clone()
                ),
                theirs,
                "{}",
                s.name
            );
        }
    }
}
