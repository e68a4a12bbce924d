//! The TLS analyzer: handshakes, records, alerts and fingerprints per TCP stream.
//!
//! TLS is recognised by content on any port: a stream is TLS when its first in-order bytes are a
//! plausible record header. Each direction is reassembled ([`reassembly`](super::reassembly)) and
//! read as a record stream: record bodies are consumed as they arrive (bulk application data is
//! never copied), handshake messages are reassembled across records, and only ClientHello /
//! ServerHello bodies are buffered (at most [`MAX_HELLO_BYTES`]).
//!
//! Counting follows tshark: a record counts once complete (the frame of its last segment), a
//! record damaged by a capture gap is not counted, TLS 1.3 encrypted records count as application
//! data (their outer type), and after ChangeCipherSpec (TLS ≤ 1.2) handshake and alert records
//! are encrypted: counted, but their contents are not read.

pub mod fingerprint;
pub mod starttls;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::net::IpAddr;

use super::reassembly::{ConnectionStreams, StreamSet, StreamSink};
use super::{Analyzer, PacketContext};
use crate::decode::tcp::Segment;
use crate::decode::tls::{
    content_type, handshake_type, looks_like_record, ClientHello, ClientHelloInfo, RecordHeader,
    ServerHello, ServerHelloInfo, Sslv2ClientHello, RECORD_HEADER_LEN,
};
use crate::report::tls::{Alert, Handshake, HelloRetryRequest, RecordCounts, TlsSection};
use starttls::StartTls;

/// TLS streams listed in the report (each entry is a few KB); later ones are still analysed and
/// counted in the totals and `handshakes_not_listed`.
pub const MAX_TLS_STREAMS: usize = 20_000;
/// Streams with live reassembly state at once (TLS, or payload not classified yet). When full,
/// the least recently active eighth is finished early (as if the capture ended for them).
pub const MAX_LIVE_STREAMS: usize = 16_384;
/// Distinct SNI names listed in `snis`.
pub const MAX_SNIS: usize = 10_000;
/// Largest ClientHello / ServerHello body kept for parsing (post-quantum key shares make
/// ClientHellos of ~2 KB; 64 KiB is the most a sane one needs).
pub const MAX_HELLO_BYTES: usize = 64 * 1024;
/// Alerts kept per stream.
pub const MAX_ALERTS_PER_STREAM: usize = 64;
/// SYN sequence numbers remembered for streams that have not sent payload yet, so a stream's
/// first data segment captured out of order is still placed right.
pub const MAX_ISN_CACHE: usize = 4096;
/// Ports where a stream picked up mid-way (first bytes not a record) is still scanned for a
/// record start at segment boundaries, as tshark's port-based TLS dissection does.
pub const TLS_PORTS: [u16; 12] = [443, 465, 563, 636, 853, 989, 990, 992, 993, 994, 995, 8443];
/// Payload segments a mid-way stream on a TLS port may show before we give up on it.
pub const MAX_RESYNC_SEGMENTS: u32 = 32;

/// "ip:port", IPv6 in brackets.
pub(crate) fn endpoint(ip: IpAddr, port: u16) -> String {
    match ip {
        IpAddr::V4(a) => {
            let mut out = String::with_capacity(21);
            push_ipv4(&mut out, a);
            out.push(':');
            push_decimal(&mut out, port);
            out
        }
        IpAddr::V6(a) => format!("[{a}]:{port}"),
    }
}

/// An address as `Display` writes it (IPv4 without going through the formatter: reports list
/// one per stream and conversation, and the formatter costs ~2,000 instructions each).
pub(crate) fn ip_text(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(a) => {
            let mut out = String::with_capacity(15);
            push_ipv4(&mut out, a);
            out
        }
        IpAddr::V6(a) => a.to_string(),
    }
}

/// Appends the dotted-quad text of `a`.
fn push_ipv4(out: &mut String, a: std::net::Ipv4Addr) {
    for (i, octet) in a.octets().into_iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        push_decimal(out, u16::from(octet));
    }
}

/// Appends `v` in decimal.
pub(crate) fn push_decimal(out: &mut String, v: u16) {
    let mut digits = [0u8; 5];
    let mut at = digits.len();
    let mut n = v;
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &d in &digits[at..] {
        out.push(char::from(d));
    }
}

/// `0x` and four hex digits.
fn hex16(v: u16) -> String {
    let mut out = String::with_capacity(6);
    out.push_str("0x");
    fingerprint::push_hex4(&mut out, v);
    out
}

/// tshark's name of a handshake message type (the oracle's keys).
pub fn handshake_name(t: u8) -> String {
    use handshake_type as h;
    match t {
        h::HELLO_REQUEST => "hello_request".into(),
        h::CLIENT_HELLO => "client_hello".into(),
        h::SERVER_HELLO => "server_hello".into(),
        3 => "hello_verify_request".into(),
        h::NEW_SESSION_TICKET => "new_session_ticket".into(),
        h::END_OF_EARLY_DATA => "end_of_early_data".into(),
        6 => "hello_retry_request".into(),
        h::ENCRYPTED_EXTENSIONS => "encrypted_extensions".into(),
        h::CERTIFICATE => "certificate".into(),
        h::SERVER_KEY_EXCHANGE => "server_key_exchange".into(),
        h::CERTIFICATE_REQUEST => "certificate_request".into(),
        h::SERVER_HELLO_DONE => "server_hello_done".into(),
        h::CERTIFICATE_VERIFY => "certificate_verify".into(),
        h::CLIENT_KEY_EXCHANGE => "client_key_exchange".into(),
        h::FINISHED => "finished".into(),
        21 => "certificate_url".into(),
        h::CERTIFICATE_STATUS => "certificate_status".into(),
        23 => "supplemental_data".into(),
        h::KEY_UPDATE => "key_update".into(),
        25 => "compressed_certificate".into(),
        254 => "message_hash".into(),
        n => format!("unknown_{n}"),
    }
}

/// RFC 8446 / IANA alert description names.
pub fn alert_description_name(d: u8) -> Option<&'static str> {
    Some(match d {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        21 => "decryption_failed",
        22 => "record_overflow",
        30 => "decompression_failure",
        40 => "handshake_failure",
        41 => "no_certificate",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        60 => "export_restriction",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        100 => "no_renegotiation",
        109 => "missing_extension",
        110 => "unsupported_extension",
        111 => "certificate_unobtainable",
        112 => "unrecognized_name",
        113 => "bad_certificate_status_response",
        114 => "bad_certificate_hash_value",
        115 => "unknown_psk_identity",
        116 => "certificate_required",
        120 => "no_application_protocol",
        121 => "ech_required",
        _ => return None,
    })
}

fn alert_level_name(l: u8) -> Option<&'static str> {
    match l {
        1 => Some("warning"),
        2 => Some("fatal"),
        _ => None,
    }
}

fn count_record(counts: &mut RecordCounts, ctype: u8, n: u64) {
    match ctype {
        content_type::HANDSHAKE => counts.handshake += n,
        content_type::CHANGE_CIPHER_SPEC => counts.change_cipher_spec += n,
        content_type::APPLICATION_DATA => counts.application_data += n,
        content_type::ALERT => counts.alert += n,
        content_type::HEARTBEAT => counts.heartbeat += n,
        _ => {}
    }
}

/// Reassembles handshake messages across records; keeps only hello bodies.
#[derive(Debug, Default)]
struct HandshakeReader {
    header: [u8; 4],
    header_len: u8,
    msg_type: u8,
    remaining: u32,
    body: Vec<u8>,
    keep: bool,
}

impl HandshakeReader {
    fn reset(&mut self) {
        self.header_len = 0;
        self.remaining = 0;
        self.body = Vec::new();
    }

    /// Feeds plaintext handshake bytes; `out` gets each complete message (type, body when
    /// kept).
    fn feed(&mut self, mut data: &[u8], out: &mut impl FnMut(u8, Option<&[u8]>)) {
        while !data.is_empty() {
            if self.header_len < 4 {
                let need = 4 - usize::from(self.header_len);
                let n = need.min(data.len());
                let at = usize::from(self.header_len);
                self.header[at..at + n].copy_from_slice(&data[..n]);
                self.header_len += n as u8;
                data = &data[n..];
                if self.header_len < 4 {
                    return;
                }
                self.msg_type = self.header[0];
                self.remaining =
                    u32::from_be_bytes([0, self.header[1], self.header[2], self.header[3]]);
                self.keep = matches!(
                    self.msg_type,
                    handshake_type::CLIENT_HELLO | handshake_type::SERVER_HELLO
                ) && self.remaining as usize <= MAX_HELLO_BYTES;
                self.body.clear();
            } else {
                let n = (self.remaining as usize).min(data.len());
                if self.keep {
                    self.body.extend_from_slice(&data[..n]);
                }
                self.remaining -= n as u32;
                data = &data[n..];
            }
            if self.header_len == 4 && self.remaining == 0 {
                out(self.msg_type, self.keep.then_some(self.body.as_slice()));
                self.header_len = 0;
                if self.body.capacity() > 4096 {
                    self.body = Vec::new();
                }
            }
        }
    }
}

/// The record currently being read in one direction.
#[derive(Debug, Clone, Copy)]
struct RecordBody {
    content_type: u8,
    length: u16,
    remaining: u16,
    /// A capture gap fell inside: not counted, contents not trusted.
    damaged: bool,
    /// Bytes of a plaintext alert body collected so far (up to 2).
    alert: [u8; 2],
}

/// Per-direction record-layer state.
#[derive(Debug, Default)]
struct Direction {
    started: bool,
    /// False when the record boundary is unknown (after a gap, or a mid-way start): the next
    /// data delivered is checked for a record header.
    synced: bool,
    /// Payload deliveries while not synced (mid-way starts give up after a while).
    unsynced_deliveries: u32,
    body: Option<RecordBody>,
    /// Past ChangeCipherSpec in TLS ≤ 1.2: handshake and alert contents are encrypted.
    encrypted: bool,
    hs: HandshakeReader,
    records: RecordCounts,
    record_bytes: RecordCounts,
    /// A ChangeCipherSpec record was seen.
    ccs_seen: bool,
}

/// What we learn about one TLS stream (becomes a [`Handshake`]).
#[derive(Debug, Default)]
struct Summary {
    stream: u64,
    /// Client and server address and port (made text when the stream is reported).
    client: Option<(IpAddr, u16)>,
    server: Option<(IpAddr, u16)>,
    /// At least one record was accepted: the stream is TLS.
    is_tls: bool,
    /// The stream turned out not to be TLS.
    not_tls: bool,
    /// Midway start on a TLS port: keep looking for a record boundary.
    on_tls_port: bool,
    /// One of the ports is a TLS port (where tshark also reads SSLv2-format hellos).
    tls_port: bool,
    /// The server port's protocol can switch to TLS (STARTTLS); `None` once it is known not
    /// to (the stream started with TLS right away).
    starttls: Option<StartTls>,
    /// The client asked for the switch and the server has not answered yet.
    starttls_requested: bool,
    /// The server agreed: what follows in both directions is TLS.
    starttls_done: bool,
    /// Plaintext bytes looked at before the switch.
    prelude_bytes: u32,
    client_hello: Option<(u64, ClientHelloInfo)>,
    server_hello: Option<(u64, ServerHelloInfo)>,
    retry: Option<(u64, ServerHelloInfo)>,
    client_hello_frames: Vec<u64>,
    server_hello_frames: Vec<u64>,
    /// TLS 1.3 was selected (by a ServerHello or HelloRetryRequest).
    tls13: bool,
    /// The server sent certificate / key exchange messages (a full handshake in TLS ≤ 1.2).
    server_full_handshake: bool,
    handshake_messages: BTreeMap<u8, u64>,
    alerts: Vec<Alert>,
}

/// One direction's sink: record parsing for the bytes the reassembler delivers.
struct RecordSink<'s> {
    dir: &'s mut Direction,
    summary: &'s mut Summary,
    frame: u64,
    from_client: bool,
}

impl RecordSink<'_> {
    fn lose_sync(&mut self) {
        self.dir.synced = false;
        self.dir.body = None;
        self.dir.hs.reset();
    }

    fn on_message(
        summary: &mut Summary,
        frame: u64,
        msg_type: u8,
        body: Option<&[u8]>,
        from_client: bool,
    ) {
        *summary.handshake_messages.entry(msg_type).or_default() += 1;
        match msg_type {
            handshake_type::CLIENT_HELLO => {
                summary.client_hello_frames.push(frame);
                let info = body
                    .and_then(ClientHello::parse)
                    .map(|ch| ClientHelloInfo::from_hello(&ch));
                if summary.client_hello.is_none() {
                    if let Some(info) = info {
                        summary.client_hello = Some((frame, info));
                    }
                }
            }
            handshake_type::SERVER_HELLO => {
                summary.server_hello_frames.push(frame);
                let Some(info) = body
                    .and_then(ServerHello::parse)
                    .map(|sh| ServerHelloInfo::from_hello(&sh))
                else {
                    return;
                };
                // TLS 1.3, or one of its drafts (0x7fXX; Facebook's 0xfb17 and 0xfb1a).
                if matches!(
                    info.selected_version(),
                    0x0304 | 0x7f00..=0x7fff | 0xfb17 | 0xfb1a
                ) {
                    summary.tls13 = true;
                }
                if info.hello_retry_request {
                    if summary.retry.is_none() {
                        summary.retry = Some((frame, info));
                    }
                } else if summary.server_hello.is_none() {
                    summary.server_hello = Some((frame, info));
                }
            }
            handshake_type::CERTIFICATE
            | handshake_type::SERVER_KEY_EXCHANGE
            | handshake_type::SERVER_HELLO_DONE
                if !from_client =>
            {
                summary.server_full_handshake = true;
            }
            _ => {}
        }
    }

    /// True when `body_bytes` looks at this record's bytes (plaintext handshake or alert).
    fn reads_body(&self, body: &RecordBody) -> bool {
        !body.damaged
            && !self.dir.encrypted
            && (body.content_type == content_type::HANDSHAKE
                || (body.content_type == content_type::ALERT && body.length == 2))
    }

    /// Reads `chunk` (part of the current record's body).
    fn body_bytes(&mut self, body: &mut RecordBody, chunk: &[u8]) {
        if body.damaged {
            return;
        }
        match body.content_type {
            content_type::HANDSHAKE if !self.dir.encrypted => {
                let (summary, frame, from_client) =
                    (&mut *self.summary, self.frame, self.from_client);
                self.dir.hs.feed(chunk, &mut |t, b| {
                    Self::on_message(summary, frame, t, b, from_client)
                });
            }
            content_type::ALERT if !self.dir.encrypted && body.length == 2 => {
                let have = usize::from(2 - body.remaining.min(2));
                for (i, &b) in chunk.iter().take(2usize.saturating_sub(have)).enumerate() {
                    body.alert[have + i] = b;
                }
            }
            _ => {}
        }
    }

    fn record_complete(&mut self, body: RecordBody) {
        if body.damaged {
            return;
        }
        count_record(&mut self.dir.records, body.content_type, 1);
        count_record(
            &mut self.dir.record_bytes,
            body.content_type,
            u64::from(body.length),
        );
        match body.content_type {
            content_type::CHANGE_CIPHER_SPEC => {
                self.dir.ccs_seen = true;
                // TLS 1.3 ChangeCipherSpec is a middlebox-compatibility dummy: what follows in
                // plaintext (a second ClientHello after a HelloRetryRequest) is still readable.
                if !self.summary.tls13 {
                    self.dir.encrypted = true;
                    self.dir.hs.reset();
                }
            }
            content_type::ALERT if self.summary.alerts.len() < MAX_ALERTS_PER_STREAM => {
                let plaintext = !self.dir.encrypted && body.length == 2;
                let (level, description) = if plaintext {
                    (Some(body.alert[0]), Some(body.alert[1]))
                } else {
                    (None, None)
                };
                self.summary.alerts.push(Alert {
                    frame: self.frame,
                    level,
                    description,
                    level_name: level.and_then(alert_level_name).map(String::from),
                    description_name: description
                        .and_then(alert_description_name)
                        .map(String::from),
                    from: if self.from_client { "client" } else { "server" }.into(),
                    encrypted: !plaintext,
                });
            }
            _ => {}
        }
    }
}

impl RecordSink<'_> {
    /// Plaintext before a STARTTLS switch: watch for the request and the server's answer.
    fn prelude(&mut self, protocol: StartTls, data: &[u8]) -> usize {
        let summary = &mut *self.summary;
        if summary.prelude_bytes == 0 && looks_like_record(data) {
            // TLS from the first byte: no upgrade on this stream.
            summary.starttls = None;
            return 0;
        }
        summary.prelude_bytes = summary
            .prelude_bytes
            .saturating_add(u32::try_from(data.len()).unwrap_or(u32::MAX));
        if summary.prelude_bytes > starttls::MAX_PRELUDE_BYTES {
            summary.not_tls = true;
            return data.len();
        }
        if self.from_client {
            if protocol.is_request(data) {
                summary.starttls_requested = true;
            } else if protocol == StartTls::HttpConnect && !summary.starttls_requested {
                // Plain HTTP: decided at its first request.
                summary.not_tls = true;
            }
            return data.len();
        }
        if !summary.starttls_requested {
            return data.len();
        }
        match protocol.response(data) {
            Some((true, consumed)) => {
                summary.starttls_done = true;
                consumed.min(data.len())
            }
            Some((false, _)) => {
                summary.starttls_requested = false;
                data.len()
            }
            None => data.len(),
        }
    }

    /// An SSLv2-format ClientHello opened the client's side: a client hello (counted as tshark
    /// counts `tls.handshake.type`), then TLS records follow.
    fn sslv2_client_hello(&mut self, record: &[u8]) {
        self.dir.started = true;
        self.dir.synced = true;
        self.summary.is_tls = true;
        let summary = &mut *self.summary;
        *summary
            .handshake_messages
            .entry(handshake_type::CLIENT_HELLO)
            .or_default() += 1;
        summary.client_hello_frames.push(self.frame);
        if summary.client_hello.is_none() {
            if let Some(ch) = Sslv2ClientHello::parse(record) {
                summary.client_hello = Some((self.frame, ClientHelloInfo::from_sslv2(&ch)));
            }
        }
    }
}

impl StreamSink for RecordSink<'_> {
    fn on_data(&mut self, data: &[u8]) -> usize {
        if self.summary.not_tls {
            return data.len();
        }
        if let Some(protocol) = self.summary.starttls {
            if !self.summary.starttls_done {
                return self.prelude(protocol, data);
            }
        }
        if !self.dir.started {
            if self.from_client
                && self.summary.tls_port
                && data.first().is_some_and(|b| b & 0x80 != 0)
            {
                // Perhaps an SSLv2-format ClientHello (2-byte record header).
                const SSLV2_HELLO_HEADER: usize = 11;
                if data.len() < SSLV2_HELLO_HEADER {
                    return 0;
                }
                if let Some(len) = Sslv2ClientHello::record_len(data) {
                    let Some(record) = data.get(..len) else {
                        return 0; // wait for the whole record
                    };
                    self.sslv2_client_hello(record);
                    return len;
                }
            }
            if data.len() < RECORD_HEADER_LEN {
                return 0; // decide on a whole header
            }
            self.dir.started = true;
            if looks_like_record(data) {
                self.dir.synced = true;
            } else if !self.summary.on_tls_port {
                self.summary.not_tls = true;
                return data.len();
            }
        }
        if !self.dir.synced {
            // Only a segment start can be trusted as a record boundary: this delivery begins
            // right after a hole, or is a whole new segment when nothing was buffered.
            self.dir.unsynced_deliveries += 1;
            if RecordHeader::parse(data).is_some_and(|h| h.is_plausible()) {
                self.dir.synced = true;
            } else {
                if !self.summary.is_tls && self.dir.unsynced_deliveries > MAX_RESYNC_SEGMENTS {
                    self.summary.not_tls = true;
                }
                return data.len();
            }
        }
        match self.dir.body {
            None => {
                let Some(h) = RecordHeader::parse(data) else {
                    return 0;
                };
                // In sync an empty record is legal (and counted, as tshark does); only
                // detection and resynchronisation insist on a non-empty one.
                if !(h.is_plausible() || (h.length == 0 && h.is_plausible_type_and_version())) {
                    self.lose_sync();
                    return data.len();
                }
                self.summary.is_tls = true;
                let body = RecordBody {
                    content_type: h.content_type,
                    length: h.length,
                    remaining: h.length,
                    damaged: false,
                    alert: [0; 2],
                };
                if h.length == 0 {
                    self.record_complete(body);
                } else {
                    self.dir.body = Some(body);
                }
                RECORD_HEADER_LEN
            }
            Some(mut body) => {
                let n = usize::from(body.remaining).min(data.len());
                self.body_bytes(&mut body, &data[..n]);
                body.remaining -= n as u16;
                if body.remaining == 0 {
                    self.dir.body = None;
                    self.record_complete(body);
                } else {
                    self.dir.body = Some(body);
                }
                n
            }
        }
    }

    fn unread(&self) -> usize {
        if self.summary.not_tls || !self.dir.started || !self.dir.synced {
            return 0;
        }
        match self.dir.body {
            // Short of the last byte: completing a record is `on_data`'s job.
            Some(body) if !self.reads_body(&body) => usize::from(body.remaining).saturating_sub(1),
            _ => 0,
        }
    }

    fn skip(&mut self, n: usize) {
        if let Some(body) = self.dir.body.as_mut() {
            body.remaining = body.remaining.saturating_sub(n as u16);
        }
    }

    fn on_gap(&mut self, lost: u64, dropped: usize) {
        match self.dir.body.as_mut() {
            Some(body) if dropped == 0 && lost <= u64::from(body.remaining) => {
                // The hole is inside the current record: skip over it and stay in sync; the
                // record itself is damaged (tshark cannot dissect it either).
                body.damaged = true;
                body.remaining -= lost as u16;
                if body.content_type == content_type::HANDSHAKE {
                    self.dir.hs.reset();
                }
                if body.remaining == 0 {
                    self.dir.body = None;
                }
            }
            _ => {
                if self.dir.started {
                    self.lose_sync();
                }
            }
        }
    }
}

/// Live state of one TCP stream under analysis.
#[derive(Debug, Default)]
struct Connection {
    /// Last frame that touched this stream (for evicting idle streams).
    last_frame: u64,
    streams: ConnectionStreams,
    client: Direction,
    server: Direction,
    summary: Summary,
    client_fin: bool,
    server_fin: bool,
}

impl Connection {
    fn push(&mut self, seg: &Segment<'_>, from_client: bool, frame: u64) {
        let Connection {
            streams,
            client,
            server,
            summary,
            ..
        } = self;
        // Both sinks borrow the shared summary; the reassembler calls only one at a time but
        // the borrow checker needs them split, so the payload and the ACK go in two steps.
        let (own, other) = if from_client {
            (&mut streams.client, &mut streams.server)
        } else {
            (&mut streams.server, &mut streams.client)
        };
        let (own_dir, other_dir) = if from_client {
            (client, server)
        } else {
            (server, client)
        };
        own.push(
            seg,
            &mut RecordSink {
                dir: own_dir,
                summary,
                frame,
                from_client,
            },
        );
        if seg.flags.ack() {
            other.peer_ack(
                seg.ack,
                &mut RecordSink {
                    dir: other_dir,
                    summary,
                    frame,
                    from_client: !from_client,
                },
            );
        }
    }

    /// Feeds one segment of this stream; true when the stream is done (not TLS, or closed).
    #[inline]
    fn feed(&mut self, seg: &Segment<'_>, from_client: bool, frame: u64) -> bool {
        self.last_frame = frame;
        self.push(seg, from_client, frame);
        if seg.flags.fin() {
            if from_client {
                self.client_fin = true;
            } else {
                self.server_fin = true;
            }
        }
        let finished = seg.flags.rst() || (self.client_fin && self.server_fin);
        self.summary.not_tls || finished
    }

    /// Delivers whatever the reassemblers still hold (end of capture or connection).
    fn flush(&mut self, frame: u64) {
        let Connection {
            streams,
            client,
            server,
            summary,
            ..
        } = self;
        streams.client.flush(&mut RecordSink {
            dir: client,
            summary,
            frame,
            from_client: true,
        });
        streams.server.flush(&mut RecordSink {
            dir: server,
            summary,
            frame,
            from_client: false,
        });
        streams.stop();
    }

    fn into_handshake(self) -> Handshake {
        let Connection {
            streams,
            client,
            server,
            summary,
            ..
        } = self;
        let lost_bytes = streams.client.stats().lost + streams.server.stats().lost;
        let mut records = client.records.clone();
        count_record(
            &mut records,
            content_type::HANDSHAKE,
            server.records.handshake,
        );
        count_record(
            &mut records,
            content_type::CHANGE_CIPHER_SPEC,
            server.records.change_cipher_spec,
        );
        count_record(
            &mut records,
            content_type::APPLICATION_DATA,
            server.records.application_data,
        );
        count_record(&mut records, content_type::ALERT, server.records.alert);
        count_record(
            &mut records,
            content_type::HEARTBEAT,
            server.records.heartbeat,
        );
        let mut hs = Handshake {
            stream: summary.stream,
            client: summary
                .client
                .map(|(ip, port)| endpoint(ip, port))
                .unwrap_or_default(),
            server: summary
                .server
                .map(|(ip, port)| endpoint(ip, port))
                .unwrap_or_default(),
            records,
            client_records: client.records,
            server_records: server.records,
            client_record_bytes: client.record_bytes,
            server_record_bytes: server.record_bytes,
            handshake_messages: summary
                .handshake_messages
                .iter()
                .map(|(&t, &n)| (handshake_name(t), n))
                .collect(),
            alerts: summary.alerts,
            starttls: summary
                .starttls
                .filter(|_| summary.starttls_done)
                .map(|p| p.name().to_string()),
            client_hello_frames: summary.client_hello_frames,
            server_hello_frames: summary.server_hello_frames,
            lost_bytes,
            ..Handshake::default()
        };
        if let Some((frame, ch)) = summary
            .client_hello
            .as_ref()
            .filter(|(_, ch)| !ch.sslv2_cipher_specs.is_empty())
        {
            // SSLv2 format: a version and cipher specs, nothing to fingerprint.
            hs.client_hello_frame = Some(*frame);
            hs.legacy_version = Some(hex16(ch.legacy_version));
            hs.session_id_length = Some(ch.session_id_len);
            hs.sslv2_cipher_specs = ch
                .sslv2_cipher_specs
                .iter()
                .map(|s| format!("0x{s:06x}"))
                .collect();
        } else if let Some((frame, ch)) = &summary.client_hello {
            let ja3 = fingerprint::ja3(ch);
            let ja4 = fingerprint::ja4(ch);
            hs.client_hello_frame = Some(*frame);
            hs.sni = ch.server_names.first().cloned();
            hs.legacy_version = Some(hex16(ch.legacy_version));
            hs.supported_versions = ch.supported_versions.iter().map(|&v| hex16(v)).collect();
            hs.alpn = ch
                .alpn
                .iter()
                .map(|p| String::from_utf8_lossy(p).into_owned())
                .collect();
            hs.cipher_suites = ch.cipher_suites.iter().map(|&v| hex16(v)).collect();
            hs.ja3 = Some(ja3.hash);
            hs.ja3_string = Some(ja3.raw);
            hs.ja4 = Some(ja4.hash);
            hs.ja4_r = Some(ja4.raw);
            hs.extensions = ch.extensions.clone();
            hs.supported_groups = ch.supported_groups.iter().map(|&v| hex16(v)).collect();
            hs.signature_algorithms = ch.signature_algorithms.iter().map(|&v| hex16(v)).collect();
            hs.ec_point_formats = ch.ec_point_formats.clone();
            hs.key_share_groups = ch.key_share_groups.iter().map(|&v| hex16(v)).collect();
            hs.session_id_length = Some(ch.session_id_len);
            hs.grease = ch.has_grease();
            hs.ech = ch.ech;
            hs.session_ticket_offered = ch.session_ticket;
            hs.psk_offered = ch.pre_shared_key;
        }
        if let Some((frame, sh)) = &summary.server_hello {
            let ja3s = fingerprint::ja3s(sh);
            let ja4s = fingerprint::ja4s(sh);
            hs.server_hello_frame = Some(*frame);
            hs.selected_version = Some(hex16(sh.selected_version()));
            hs.server_legacy_version = Some(hex16(sh.legacy_version));
            hs.cipher = Some(hex16(sh.cipher_suite));
            hs.server_alpn = sh
                .alpn
                .as_ref()
                .map(|p| String::from_utf8_lossy(p).into_owned());
            hs.server_extensions = sh.extensions.clone();
            hs.ja3s = Some(ja3s.hash);
            hs.ja3s_string = Some(ja3s.raw);
            hs.ja4s = Some(ja4s.hash);
            hs.ja4s_r = Some(ja4s.raw);
            hs.resumed = resumption(
                summary.client_hello.as_ref().map(|(_, ch)| ch),
                sh,
                server.ccs_seen,
                summary.server_full_handshake,
            );
        }
        if let Some((frame, hrr)) = &summary.retry {
            hs.hello_retry_request = Some(HelloRetryRequest {
                frame: *frame,
                cipher: hex16(hrr.cipher_suite),
                selected_group: hrr.key_share_group.map(hex16),
            });
        }
        hs
    }
}

/// How a session was resumed, from the hellos and what the server sent.
fn resumption(
    ch: Option<&ClientHelloInfo>,
    sh: &ServerHelloInfo,
    server_ccs: bool,
    server_full_handshake: bool,
) -> Option<String> {
    if sh.selected_version() == 0x0304 {
        // TLS 1.3 echoes the session id for middlebox compatibility: only a PSK resumes.
        return sh.pre_shared_key.then(|| "psk".into());
    }
    let ch = ch?;
    // TLS ≤ 1.2: the server echoes the client's session id to resume it (RFC 5246 §7.4.1.3;
    // also done when accepting a ticket, RFC 5077 §3.4), or answers a ticket with an
    // abbreviated handshake: ServerHello → ChangeCipherSpec, no certificate or key exchange.
    let echoed = !sh.session_id.is_empty() && sh.session_id == ch.session_id;
    let abbreviated = server_ccs && !server_full_handshake;
    if !echoed && !abbreviated {
        return None;
    }
    if ch.session_ticket {
        Some("session_ticket".into())
    } else {
        Some("session_id".into())
    }
}

/// The TLS analyzer (see the module doc).
#[derive(Debug, Default)]
pub struct TlsAnalyzer {
    live: HashMap<u64, Box<Connection>, foldhash::fast::RandomState>,
    /// Streams decided: not TLS, or finished. Never looked at again.
    decided: StreamSet,
    /// Client / server ISNs of streams seen with SYN but no payload yet.
    isns: HashMap<u64, [Option<u32>; 2], foldhash::fast::RandomState>,
    done: Vec<Handshake>,
    handshakes_not_listed: u64,
    client_hellos: u64,
    server_hellos: u64,
    snis: BTreeSet<String>,
    last_frame: u64,
}

impl TlsAnalyzer {
    /// Feeds one TCP segment of stream `stream`.
    #[inline(never)]
    pub fn on_segment(
        &mut self,
        frame: u64,
        stream: u64,
        from_client: bool,
        seg: &Segment<'_>,
        src: IpAddr,
        dst: IpAddr,
    ) {
        self.last_frame = frame;
        if self.decided.contains(stream) {
            return;
        }
        // The common case first, with one table lookup: a stream already under analysis.
        let done = match self.live.get_mut(&stream) {
            Some(conn) => conn.feed(seg, from_client, frame),
            None => {
                let Some(mut conn) = self.start(frame, stream, from_client, seg, src, dst) else {
                    return;
                };
                let done = conn.feed(seg, from_client, frame);
                self.live.insert(stream, conn);
                done
            }
        };
        if done {
            if let Some(conn) = self.live.remove(&stream) {
                self.decided.insert(stream);
                self.complete(conn, frame);
            }
        }
    }

    /// State for a stream not under analysis yet: `None` until it carries payload.
    fn start(
        &mut self,
        frame: u64,
        stream: u64,
        from_client: bool,
        seg: &Segment<'_>,
        src: IpAddr,
        dst: IpAddr,
    ) -> Option<Box<Connection>> {
        if seg.seglen == 0 {
            if seg.flags.syn() {
                self.remember_isn(stream, from_client, seg.seq);
            }
            return None;
        }
        if self.live.len() >= MAX_LIVE_STREAMS {
            self.evict_idle(frame);
        }
        let (client_ep, server_ep) = if from_client {
            ((src, seg.src_port), (dst, seg.dst_port))
        } else {
            ((dst, seg.dst_port), (src, seg.src_port))
        };
        let isns = self.isns.remove(&stream);
        let tls_port = TLS_PORTS.contains(&seg.src_port) || TLS_PORTS.contains(&seg.dst_port);
        let mut conn = Box::new(Connection {
            summary: Summary {
                stream,
                client: Some(client_ep),
                server: Some(server_ep),
                // Picked up mid-way (no SYN seen) on a TLS port: look for a record start.
                on_tls_port: isns.is_none() && tls_port,
                tls_port,
                starttls: StartTls::for_server_port(server_ep.1),
                ..Summary::default()
            },
            ..Connection::default()
        });
        if let Some(isns) = isns {
            // Start each direction at its SYN so an early segment captured late still fits.
            for (i, isn) in isns.into_iter().enumerate() {
                let Some(isn) = isn else { continue };
                let syn = Segment {
                    seq: isn,
                    flags: crate::decode::tcp::Flags(crate::decode::tcp::Flags::SYN),
                    seglen: 0,
                    payload: &[],
                    ..seg.clone()
                };
                conn.push(&syn, i == 0, frame);
            }
        }
        Some(conn)
    }

    /// Finishes a stream: delivers what its reassemblers hold and keeps its summary.
    fn complete(&mut self, mut conn: Box<Connection>, frame: u64) {
        if !conn.summary.is_tls {
            return;
        }
        conn.flush(frame);
        let h = conn.into_handshake();
        self.client_hellos += h.client_hello_frames.len() as u64;
        self.server_hellos += h.server_hello_frames.len() as u64;
        if let Some(sni) = &h.sni {
            if self.snis.len() < MAX_SNIS {
                self.snis.insert(sni.clone());
            }
        }
        if self.done.len() < MAX_TLS_STREAMS {
            self.done.push(h);
        } else {
            self.handshakes_not_listed += 1;
        }
    }

    /// The live table is full: finish the least recently active eighth of it.
    fn evict_idle(&mut self, frame: u64) {
        let mut ages: Vec<(u64, u64)> = self.live.iter().map(|(&s, c)| (c.last_frame, s)).collect();
        ages.sort_unstable();
        for &(_, stream) in ages.iter().take(MAX_LIVE_STREAMS / 8) {
            if let Some(conn) = self.live.remove(&stream) {
                self.decided.insert(stream);
                self.complete(conn, frame);
            }
        }
    }

    fn remember_isn(&mut self, stream: u64, from_client: bool, seq: u32) {
        if self.isns.len() >= MAX_ISN_CACHE {
            // Streams are numbered in order: forget the oldest half (scans, never any data).
            let mut ids: Vec<u64> = self.isns.keys().copied().collect();
            ids.sort_unstable();
            let cut = ids.get(ids.len() / 2).copied().unwrap_or(0);
            self.isns.retain(|&s, _| s >= cut);
        }
        let entry = self.isns.entry(stream).or_default();
        entry[usize::from(!from_client)] = Some(seq);
    }
}

impl Analyzer for TlsAnalyzer {
    type Section = TlsSection;

    /// Inlined into the packet loop: decided streams cost a bit test.
    #[inline]
    fn on_packet(&mut self, ctx: &PacketContext<'_, '_>) {
        let (Some(tcp), Some(seg), Some(ip)) = (ctx.tcp, ctx.packet.tcp(), ctx.packet.ip.as_ref())
        else {
            return;
        };
        // Streams decided (not TLS, or finished) cost one bit test.
        if self.decided.contains(tcp.stream) {
            self.last_frame = ctx.packet.meta.number;
            return;
        }
        self.on_segment(
            ctx.packet.meta.number,
            tcp.stream,
            tcp.from_client,
            seg,
            ip.src,
            ip.dst,
        );
    }

    fn finish(mut self) -> TlsSection {
        let mut live: Vec<(u64, Box<Connection>)> = self.live.drain().collect();
        live.sort_unstable_by_key(|(s, _)| *s);
        for (_, conn) in live {
            self.complete(conn, self.last_frame);
        }
        TlsSection {
            handshakes: by_stream(self.done),
            client_hellos: self.client_hellos,
            server_hellos: self.server_hellos,
            snis: self.snis.into_iter().collect(),
            handshakes_not_listed: self.handshakes_not_listed,
        }
    }
}

/// `done` in stream order. Handshakes are large: sort their stream numbers, then move each
/// handshake once (stream numbers are unique here, so this is the stable sort's order).
fn by_stream(done: Vec<Handshake>) -> Vec<Handshake> {
    let mut order: Vec<(u64, usize)> = done.iter().map(|h| h.stream).zip(0..).collect();
    order.sort_unstable();
    let mut slots: Vec<Option<Handshake>> = done.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(_, i)| slots.get_mut(i).and_then(Option::take))
        .collect()
}

#[cfg(test)]
mod tests;
