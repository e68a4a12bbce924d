//! The SIP analyzer: messages over UDP and TCP, grouped into calls by Call-ID.
//!
//! SIP is recognised by content on any port: a UDP datagram, or the first bytes of a TCP
//! direction, must start with a SIP start line. Over TCP each direction is reassembled and cut
//! into messages by Content-Length; a message counts at the frame where it completes. After a
//! capture gap the reader waits for a segment that starts with a start line.
//!
//! Calls: per Call-ID the first request's method, INVITE time, the final response (a 2xx sticks:
//! a later rejected re-INVITE does not undo an answered call), answer and BYE times, and the
//! first SDP offer / answer (connection address, media, codecs).

use std::collections::{BTreeMap, HashMap};
use std::net::IpAddr;

use super::reassembly::{ConnectionStreams, StreamSet, StreamSink};
use super::tls::endpoint;
use super::{Analyzer, PacketContext};
use crate::decode::sip::{looks_like_sip, parse_sdp, SdpInfo, SipMessage, StartLine, StreamParse};
use crate::decode::tcp::Segment;
use crate::report::sip::{Call, Message, Sdp, SdpMedia, SipSection};

/// Messages listed in the report (each entry is ~1 KB); later ones are only counted.
pub const MAX_MESSAGES: usize = 50_000;
/// Calls (Call-IDs) tracked.
pub const MAX_CALLS: usize = 20_000;
/// Frames listed per call.
pub const MAX_FRAMES_PER_CALL: usize = 64;
/// Via headers kept per message.
pub const MAX_VIAS: usize = 16;
/// TCP streams with live reassembly state at once; when full, the least recently active eighth
/// is finished early.
pub const MAX_LIVE_STREAMS: usize = 4_096;
/// Bytes a TCP direction may show without a line end before we decide it is not SIP.
const MAX_START_LINE: usize = 1024;
/// Payload deliveries a TCP direction may stay out of sync before we stop looking.
const MAX_RESYNC_DELIVERIES: u32 = 64;

/// An address and port; made text only for the messages listed.
type Endpoint = (IpAddr, u16);

/// Frame facts for the messages a packet completes.
#[derive(Debug, Clone)]
struct Meta {
    frame: u64,
    time: f64,
    transport: &'static str,
    src: Endpoint,
    dst: Endpoint,
}

fn sdp_report(info: SdpInfo) -> Sdp {
    Sdp {
        connection: info.connection,
        media: info
            .media
            .into_iter()
            .map(|m| SdpMedia {
                media: m.media,
                port: m.port,
                protocol: m.protocol,
                connection: m.connection,
                formats: m.formats,
                codecs: m.codecs,
                direction: m.direction,
            })
            .collect(),
    }
}

/// Builds the report entry of one message.
fn summarize(meta: &Meta, msg: &SipMessage<'_>) -> Message {
    let mut m = Message {
        frame: meta.frame,
        time: meta.time,
        transport: meta.transport.into(),
        src: endpoint(meta.src.0, meta.src.1),
        dst: endpoint(meta.dst.0, meta.dst.1),
        ..Message::default()
    };
    match msg.start {
        StartLine::Request { method, uri } => {
            m.method = Some(method.into());
            m.request_uri = Some(uri.into());
        }
        StartLine::Response { code, reason } => {
            m.status = Some(code);
            m.reason = Some(reason.into());
        }
    }
    for h in msg.headers() {
        let set = |slot: &mut Option<String>| {
            if slot.is_none() {
                *slot = Some(h.value());
            }
        };
        match h.canonical().to_ascii_lowercase().as_str() {
            "call-id" => set(&mut m.call_id),
            "cseq" => set(&mut m.cseq),
            "from" => set(&mut m.from),
            "to" => set(&mut m.to),
            "contact" => set(&mut m.contact),
            "user-agent" => set(&mut m.user_agent),
            "content-type" => set(&mut m.content_type),
            "via" if m.via.len() < MAX_VIAS => m.via.push(h.value()),
            _ => {}
        }
    }
    if let Some(cseq) = &m.cseq {
        let mut parts = cseq.split_whitespace();
        m.cseq_number = parts.next().and_then(|n| n.parse().ok());
        m.cseq_method = parts.next().map(String::from);
    }
    let sdp_type = m
        .content_type
        .as_deref()
        .is_none_or(|t| t.to_ascii_lowercase().starts_with("application/sdp"));
    if sdp_type && !msg.body.is_empty() {
        m.sdp = parse_sdp(msg.body).map(sdp_report);
    }
    m
}

/// Per-Call-ID state.
#[derive(Debug, Default)]
struct CallState {
    call: Call,
    cancel_seen: bool,
}

/// Messages and calls: what both transports feed.
#[derive(Debug, Default)]
struct Recorder {
    messages: Vec<Message>,
    calls: Vec<CallState>,
    call_index: HashMap<String, usize, foldhash::fast::RandomState>,
    requests: BTreeMap<String, u64>,
    responses: BTreeMap<String, u64>,
    messages_dropped: u64,
    calls_dropped: u64,
}

impl Recorder {
    fn record(&mut self, meta: &Meta, msg: &SipMessage<'_>) {
        let m = summarize(meta, msg);
        if let Some(method) = &m.method {
            *self.requests.entry(method.clone()).or_default() += 1;
        }
        if let Some(status) = m.status {
            *self.responses.entry(status.to_string()).or_default() += 1;
        }
        self.update_call(&m);
        if self.messages.len() < MAX_MESSAGES {
            self.messages.push(m);
        } else {
            self.messages_dropped += 1;
        }
    }

    fn update_call(&mut self, m: &Message) {
        let Some(call_id) = &m.call_id else { return };
        let index = match self.call_index.get(call_id) {
            Some(&i) => i,
            None => {
                if self.calls.len() >= MAX_CALLS {
                    self.calls_dropped += 1;
                    return;
                }
                self.call_index.insert(call_id.clone(), self.calls.len());
                self.calls.push(CallState {
                    call: Call {
                        call_id: call_id.clone(),
                        first_time: m.time,
                        from: m.from.clone(),
                        to: m.to.clone(),
                        ..Call::default()
                    },
                    cancel_seen: false,
                });
                self.calls.len() - 1
            }
        };
        let Some(state) = self.calls.get_mut(index) else {
            return;
        };
        let call = &mut state.call;
        call.messages += 1;
        call.last_time = m.time;
        if call.frames.len() < MAX_FRAMES_PER_CALL {
            call.frames.push(m.frame);
        }
        if let Some(method) = &m.method {
            if call.method.is_none() {
                call.method = Some(method.clone());
            }
            match method.as_str() {
                "INVITE" if call.invite_frame.is_none() => {
                    call.invite_frame = Some(m.frame);
                    call.invite_time = Some(m.time);
                }
                "BYE" if call.bye_frame.is_none() => {
                    call.bye_frame = Some(m.frame);
                    call.bye_time = Some(m.time);
                }
                "CANCEL" => state.cancel_seen = true,
                _ => {}
            }
            if method == "INVITE" && call.offer.is_none() {
                call.offer = m.sdp.clone();
            }
        }
        if let (Some(status), Some(cseq_method)) = (m.status, &m.cseq_method) {
            if cseq_method == "INVITE" && call.answer.is_none() && (180..300).contains(&status) {
                call.answer = m.sdp.clone();
            }
            let for_first = call.method.as_deref() == Some(cseq_method.as_str());
            if for_first && status >= 200 {
                let success = (200..300).contains(&status);
                let already_ok = call.final_status.is_some_and(|s| (200..300).contains(&s));
                if !already_ok {
                    call.final_status = Some(status);
                    call.final_reason = m.reason.clone();
                    if success && cseq_method == "INVITE" {
                        call.answered = true;
                        call.answer_time = Some(m.time);
                    }
                }
            }
        }
    }

    fn finish(self) -> SipSection {
        let calls = self
            .calls
            .into_iter()
            .map(|s| {
                let mut call = s.call;
                call.setup_s = match (call.invite_time, call.answer_time) {
                    (Some(i), Some(a)) => Some(a - i),
                    _ => None,
                };
                call.duration_s = match (call.answer_time, call.bye_time) {
                    (Some(a), Some(b)) => Some(b - a),
                    _ => None,
                };
                let rejected = call.final_status.is_some_and(|s| s >= 300);
                call.state = if call.invite_frame.is_some() {
                    if call.answered && call.bye_frame.is_some() {
                        "completed"
                    } else if call.answered {
                        "answered"
                    } else if s.cancel_seen || call.final_status == Some(487) {
                        "cancelled"
                    } else if rejected {
                        "rejected"
                    } else {
                        "unanswered"
                    }
                } else if call.final_status.is_some_and(|s| (200..300).contains(&s)) {
                    "completed"
                } else if rejected {
                    "rejected"
                } else {
                    "unanswered"
                }
                .into();
                call
            })
            .collect();
        SipSection {
            messages: self.messages,
            calls,
            requests: self.requests,
            responses: self.responses,
            messages_dropped: self.messages_dropped,
            calls_dropped: self.calls_dropped,
        }
    }
}

/// Per-direction message reader for SIP over TCP.
#[derive(Debug, Default)]
struct Direction {
    started: bool,
    synced: bool,
    unsynced_deliveries: u32,
    /// Sender / receiver endpoints of this direction.
    src: Option<Endpoint>,
    dst: Option<Endpoint>,
}

/// Per-stream state for SIP over TCP.
#[derive(Debug, Default)]
struct TcpConnection {
    last_frame: u64,
    client_fin: bool,
    server_fin: bool,
    streams: ConnectionStreams,
    client: Direction,
    server: Direction,
    not_sip: bool,
    is_sip: bool,
}

struct MessageSink<'s> {
    dir: &'s mut Direction,
    rec: &'s mut Recorder,
    not_sip: &'s mut bool,
    is_sip: &'s mut bool,
    frame: u64,
    time: f64,
}

impl StreamSink for MessageSink<'_> {
    fn on_data(&mut self, data: &[u8]) -> usize {
        if *self.not_sip {
            return data.len();
        }
        // Keep-alive CRLFs (RFC 5626) between messages.
        let skip = data
            .iter()
            .take_while(|&&b| b == b'\r' || b == b'\n')
            .count();
        if skip > 0 {
            return skip;
        }
        if !self.dir.started {
            if !data.contains(&b'\n') {
                if data.len() > MAX_START_LINE {
                    *self.not_sip = true;
                    return data.len();
                }
                return 0;
            }
            self.dir.started = true;
            if !looks_like_sip(data) {
                *self.not_sip = true;
                return data.len();
            }
            self.dir.synced = true;
        }
        if !self.dir.synced {
            // Only the start of a delivery (a segment start after a hole) can be trusted.
            if looks_like_sip(data) {
                self.dir.synced = true;
            } else {
                self.dir.unsynced_deliveries += 1;
                if self.dir.unsynced_deliveries > MAX_RESYNC_DELIVERIES {
                    *self.not_sip = true;
                }
                return data.len();
            }
        }
        match SipMessage::parse_stream(data) {
            StreamParse::Complete(msg, used) => {
                *self.is_sip = true;
                let unknown = (IpAddr::from([0, 0, 0, 0]), 0);
                let meta = Meta {
                    frame: self.frame,
                    time: self.time,
                    transport: "tcp",
                    src: self.dir.src.unwrap_or(unknown),
                    dst: self.dir.dst.unwrap_or(unknown),
                };
                self.rec.record(&meta, &msg);
                used
            }
            StreamParse::Incomplete => 0,
            StreamParse::Invalid => {
                self.dir.synced = false;
                data.len()
            }
        }
    }

    fn on_gap(&mut self, _lost: u64, _dropped: usize) {
        if self.dir.started {
            self.dir.synced = false;
        }
    }
}

impl TcpConnection {
    fn push(
        &mut self,
        rec: &mut Recorder,
        seg: &Segment<'_>,
        from_client: bool,
        frame: u64,
        time: f64,
    ) {
        let TcpConnection {
            streams,
            client,
            server,
            not_sip,
            is_sip,
            ..
        } = self;
        let (own, other, own_dir, other_dir) = if from_client {
            (&mut streams.client, &mut streams.server, client, server)
        } else {
            (&mut streams.server, &mut streams.client, server, client)
        };
        own.push(
            seg,
            &mut MessageSink {
                dir: own_dir,
                rec,
                not_sip,
                is_sip,
                frame,
                time,
            },
        );
        if seg.flags.ack() {
            other.peer_ack(
                seg.ack,
                &mut MessageSink {
                    dir: other_dir,
                    rec,
                    not_sip,
                    is_sip,
                    frame,
                    time,
                },
            );
        }
    }

    fn flush(&mut self, rec: &mut Recorder, frame: u64, time: f64) {
        let TcpConnection {
            streams,
            client,
            server,
            not_sip,
            is_sip,
            ..
        } = self;
        for (stream, dir) in [(&mut streams.client, client), (&mut streams.server, server)] {
            stream.flush(&mut MessageSink {
                dir,
                rec,
                not_sip,
                is_sip,
                frame,
                time,
            });
        }
        streams.stop();
    }
}

/// The SIP analyzer (see the module doc).
#[derive(Debug, Default)]
pub struct SipAnalyzer {
    rec: Recorder,
    tcp: HashMap<u64, Box<TcpConnection>, foldhash::fast::RandomState>,
    /// TCP streams decided (not SIP, or closed).
    decided: StreamSet,
    last_frame: u64,
    last_time: f64,
}

impl SipAnalyzer {
    #[inline(never)]
    fn on_sip_packet(&mut self, ctx: &PacketContext<'_, '_>) {
        let Some(ip) = ctx.packet.ip.as_ref() else {
            return;
        };
        let meta = &ctx.packet.meta;
        if let Some(udp) = &ctx.udp {
            if !udp.payload.first().is_some_and(u8::is_ascii_uppercase) {
                return;
            }
            self.on_datagram(
                meta.number,
                meta.ts.as_f64(),
                (ip.src, udp.src_port),
                (ip.dst, udp.dst_port),
                udp.payload,
            );
        } else if let (Some(tcp), Some(seg)) = (ctx.tcp, ctx.packet.tcp()) {
            self.on_segment(
                meta.number,
                meta.ts.as_f64(),
                tcp.stream,
                tcp.from_client,
                seg,
                ip.src,
                ip.dst,
            );
        }
    }

    /// Feeds one UDP datagram payload.
    pub fn on_datagram(
        &mut self,
        frame: u64,
        time: f64,
        src: Endpoint,
        dst: Endpoint,
        payload: &[u8],
    ) {
        // Cheap reject first: a start line begins with an upper-case method or "SIP/".
        if !payload.first().is_some_and(u8::is_ascii_uppercase) {
            return;
        }
        let Some(msg) = SipMessage::parse_datagram(payload) else {
            return;
        };
        let meta = Meta {
            frame,
            time,
            transport: "udp",
            src,
            dst,
        };
        self.rec.record(&meta, &msg);
    }

    /// Feeds one TCP segment of stream `stream`.
    #[allow(clippy::too_many_arguments)]
    pub fn on_segment(
        &mut self,
        frame: u64,
        time: f64,
        stream: u64,
        from_client: bool,
        seg: &Segment<'_>,
        src: IpAddr,
        dst: IpAddr,
    ) {
        self.last_frame = frame;
        self.last_time = time;
        if self.decided.contains(stream) {
            return;
        }
        if !self.tcp.contains_key(&stream) {
            if seg.seglen == 0 {
                return;
            }
            if self.tcp.len() >= MAX_LIVE_STREAMS {
                self.evict_idle(frame, time);
            }
            let here = Some((src, seg.src_port));
            let there = Some((dst, seg.dst_port));
            let (client_ep, server_ep) = if from_client {
                (here, there)
            } else {
                (there, here)
            };
            let conn = TcpConnection {
                client: Direction {
                    src: client_ep,
                    dst: server_ep,
                    ..Direction::default()
                },
                server: Direction {
                    src: server_ep,
                    dst: client_ep,
                    ..Direction::default()
                },
                ..TcpConnection::default()
            };
            self.tcp.insert(stream, Box::new(conn));
        }
        let Some(conn) = self.tcp.get_mut(&stream) else {
            return;
        };
        conn.last_frame = frame;
        conn.push(&mut self.rec, seg, from_client, frame, time);
        if seg.flags.fin() {
            if from_client {
                conn.client_fin = true;
            } else {
                conn.server_fin = true;
            }
        }
        let finished = seg.flags.rst() || (conn.client_fin && conn.server_fin);
        if conn.not_sip || finished {
            if let Some(conn) = self.tcp.remove(&stream) {
                self.complete(conn, frame, time);
            }
            self.decided.insert(stream);
        }
    }

    /// Delivers what a finished stream's reassemblers still hold.
    fn complete(&mut self, mut conn: Box<TcpConnection>, frame: u64, time: f64) {
        if conn.is_sip && !conn.not_sip {
            conn.flush(&mut self.rec, frame, time);
        }
    }

    /// The live table is full: finish the least recently active eighth of it.
    fn evict_idle(&mut self, frame: u64, time: f64) {
        let mut ages: Vec<(u64, u64)> = self.tcp.iter().map(|(&s, c)| (c.last_frame, s)).collect();
        ages.sort_unstable();
        for &(_, stream) in ages.iter().take(MAX_LIVE_STREAMS / 8) {
            if let Some(conn) = self.tcp.remove(&stream) {
                self.complete(conn, frame, time);
            }
            self.decided.insert(stream);
        }
    }
}

impl Analyzer for SipAnalyzer {
    type Section = SipSection;

    /// Inlined into the packet loop: most packets are told not SIP in a few instructions (a
    /// UDP payload not starting with an upper-case letter, a TCP stream already decided).
    #[inline]
    fn on_packet(&mut self, ctx: &PacketContext<'_, '_>) {
        match (&ctx.udp, ctx.tcp) {
            (Some(udp), _) => {
                if !udp.payload.first().is_some_and(u8::is_ascii_uppercase) {
                    return;
                }
            }
            (None, Some(tcp)) => {
                if self.decided.contains(tcp.stream) {
                    if ctx.packet.ip.is_some() && ctx.packet.tcp().is_some() {
                        self.last_frame = ctx.packet.meta.number;
                        self.last_time = ctx.packet.meta.ts.as_f64();
                    }
                    return;
                }
            }
            (None, None) => return,
        }
        self.on_sip_packet(ctx);
    }

    fn finish(mut self) -> SipSection {
        let mut live: Vec<_> = self.tcp.drain().collect();
        live.sort_by_key(|(s, _)| *s);
        for (_, conn) in live {
            self.complete(conn, self.last_frame, self.last_time);
        }
        let mut section = self.rec.finish();
        // TCP messages complete in frame order per stream; flushes at the end may not be.
        section.messages.sort_by_key(|m| m.frame);
        section
    }
}

#[cfg(test)]
mod tests {
    use std::net::Ipv4Addr;

    use super::*;
    use crate::analyze::reassembly::tests::Rng;
    use crate::decode::tcp::Flags;

    const A: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 1));
    const B: IpAddr = IpAddr::V4(Ipv4Addr::new(192, 0, 2, 2));

    fn msg(start: &str, call_id: &str, cseq: &str, extra: &str, body: &str) -> Vec<u8> {
        format!(
            "{start}\r\nVia: SIP/2.0/UDP a;branch=z9hG4bK1\r\nFrom: <sip:a@x>;tag=1\r\nTo: <sip:b@x>\r\n\
             Call-ID: {call_id}\r\nCSeq: {cseq}\r\n{extra}Content-Length: {}\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    }

    const SDP: &str = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n\
                       m=audio 6000 RTP/AVP 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";

    fn udp(s: &mut SipAnalyzer, frame: u64, time: f64, bytes: &[u8]) {
        s.on_datagram(
            frame,
            time,
            (IpAddr::from([192, 0, 2, 1]), 5060),
            (IpAddr::from([192, 0, 2, 2]), 5060),
            bytes,
        );
    }

    #[test]
    fn test_udp_call_flow() {
        let mut s = SipAnalyzer::default();
        let sdp_ct = "Content-Type: application/sdp\r\nUser-Agent: phone\r\n";
        udp(
            &mut s,
            1,
            10.0,
            &msg("INVITE sip:b@x SIP/2.0", "c1", "1 INVITE", sdp_ct, SDP),
        );
        udp(
            &mut s,
            2,
            10.1,
            &msg("SIP/2.0 180 Ringing", "c1", "1 INVITE", "", ""),
        );
        udp(
            &mut s,
            3,
            12.0,
            &msg("SIP/2.0 200 OK", "c1", "1 INVITE", sdp_ct, SDP),
        );
        udp(
            &mut s,
            4,
            12.1,
            &msg("ACK sip:b@x SIP/2.0", "c1", "1 ACK", "", ""),
        );
        udp(
            &mut s,
            5,
            42.0,
            &msg("BYE sip:b@x SIP/2.0", "c1", "2 BYE", "", ""),
        );
        udp(
            &mut s,
            6,
            42.1,
            &msg("SIP/2.0 200 OK", "c1", "2 BYE", "", ""),
        );
        udp(
            &mut s,
            7,
            50.0,
            &msg("INVITE sip:c@x SIP/2.0", "c2", "1 INVITE", "", ""),
        );
        udp(
            &mut s,
            8,
            50.1,
            &msg("SIP/2.0 486 Busy Here", "c2", "1 INVITE", "", ""),
        );
        udp(&mut s, 9, 60.0, b"\r\n\r\n"); // keep-alive: not a message
        udp(&mut s, 10, 60.0, b"RTP-ish binary \x80\x00");
        let sec = s.finish();
        assert_eq!(sec.messages.len(), 8);
        let m = &sec.messages[0];
        assert_eq!(m.method.as_deref(), Some("INVITE"));
        assert_eq!(m.cseq.as_deref(), Some("1 INVITE"));
        assert_eq!(
            (m.cseq_number, m.cseq_method.as_deref()),
            (Some(1), Some("INVITE"))
        );
        assert_eq!(m.user_agent.as_deref(), Some("phone"));
        assert_eq!(m.via.len(), 1);
        assert_eq!(m.transport, "udp");
        let sdp = m.sdp.as_ref().unwrap();
        assert_eq!(
            sdp.media[0].codecs,
            vec!["PCMU/8000", "telephone-event/8000"]
        );
        assert_eq!(sec.messages[7].status, Some(486));
        assert_eq!(sec.messages[7].reason.as_deref(), Some("Busy Here"));
        assert_eq!(sec.calls.len(), 2);
        let c1 = &sec.calls[0];
        assert_eq!(c1.frames, vec![1, 2, 3, 4, 5, 6]);
        assert!(c1.answered);
        assert_eq!(c1.final_status, Some(200));
        assert_eq!(c1.state, "completed");
        assert_eq!(c1.setup_s, Some(2.0));
        assert_eq!(c1.duration_s, Some(30.0));
        assert!(c1.offer.is_some() && c1.answer.is_some());
        let c2 = &sec.calls[1];
        assert_eq!(
            (c2.final_status, c2.state.as_str()),
            (Some(486), "rejected")
        );
        assert_eq!(sec.requests.get("INVITE"), Some(&2));
        assert_eq!(sec.responses.get("200"), Some(&2));
    }

    #[test]
    fn test_auth_challenge_then_answer() {
        let mut s = SipAnalyzer::default();
        udp(
            &mut s,
            1,
            1.0,
            &msg("INVITE sip:b@x SIP/2.0", "c", "1 INVITE", "", ""),
        );
        udp(
            &mut s,
            2,
            1.1,
            &msg(
                "SIP/2.0 407 Proxy Authentication Required",
                "c",
                "1 INVITE",
                "",
                "",
            ),
        );
        udp(
            &mut s,
            3,
            1.2,
            &msg("INVITE sip:b@x SIP/2.0", "c", "2 INVITE", "", ""),
        );
        udp(
            &mut s,
            4,
            2.0,
            &msg("SIP/2.0 200 OK", "c", "2 INVITE", "", ""),
        );
        udp(
            &mut s,
            5,
            9.0,
            &msg("INVITE sip:b@x SIP/2.0", "c", "3 INVITE", "", ""),
        );
        udp(
            &mut s,
            6,
            9.1,
            &msg("SIP/2.0 491 Request Pending", "c", "3 INVITE", "", ""),
        );
        let c = &s.finish().calls[0];
        assert_eq!((c.final_status, c.answered), (Some(200), true));
        assert_eq!(c.state, "answered");
    }

    struct TcpFeed {
        s: SipAnalyzer,
        frame: u64,
        seq: [u32; 2],
    }

    impl TcpFeed {
        fn send(&mut self, from_client: bool, payload: &[u8]) -> u64 {
            self.frame += 1;
            let i = usize::from(!from_client);
            let seg = Segment {
                src_port: if from_client { 40000 } else { 5060 },
                dst_port: if from_client { 5060 } else { 40000 },
                seq: self.seq[i],
                ack: self.seq[1 - i],
                flags: Flags(Flags::ACK),
                window: 100,
                header_len: 20,
                options: &[],
                seglen: payload.len() as u32,
                payload,
            };
            self.seq[i] = self.seq[i].wrapping_add(payload.len() as u32);
            let (src, dst) = if from_client { (A, B) } else { (B, A) };
            self.s.on_segment(
                self.frame,
                self.frame as f64,
                7,
                from_client,
                &seg,
                src,
                dst,
            );
            self.frame
        }
    }

    #[test]
    fn test_tcp_framing_split_and_coalesced() {
        let mut t = TcpFeed {
            s: SipAnalyzer::default(),
            frame: 0,
            seq: [100, 900],
        };
        let invite = msg(
            "INVITE sip:b@x SIP/2.0",
            "t1",
            "1 INVITE",
            "Content-Type: application/sdp\r\n",
            SDP,
        );
        t.send(true, &invite[..100]);
        let f_invite = t.send(true, &invite[100..]);
        let mut two = msg("SIP/2.0 100 Trying", "t1", "1 INVITE", "", "");
        two.extend(msg("SIP/2.0 200 OK", "t1", "1 INVITE", "", ""));
        let f_two = t.send(false, &two);
        t.send(true, b"\r\n\r\n");
        let f_bye = t.send(true, &msg("BYE sip:b@x SIP/2.0", "t1", "2 BYE", "", ""));
        let sec = t.s.finish();
        let frames: Vec<u64> = sec.messages.iter().map(|m| m.frame).collect();
        assert_eq!(frames, vec![f_invite, f_two, f_two, f_bye]);
        assert!(sec.messages.iter().all(|m| m.transport == "tcp"));
        assert_eq!(sec.messages[0].src, "192.0.2.1:40000");
        assert_eq!(sec.messages[1].src, "192.0.2.2:5060");
        assert!(sec.messages[0].sdp.is_some());
        assert_eq!(sec.calls[0].state, "completed");
    }

    #[test]
    fn test_tcp_not_sip_is_dropped() {
        let mut t = TcpFeed {
            s: SipAnalyzer::default(),
            frame: 0,
            seq: [100, 900],
        };
        t.send(true, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        t.send(false, &msg("SIP/2.0 200 OK", "x", "1 INVITE", "", ""));
        assert!(t.s.finish().messages.is_empty());
    }

    /// Random and mutated bytes through both transports never panic.
    #[test]
    fn test_random_input_never_panics() {
        let mut rng = Rng(0xdead_beef_1234_5678);
        let base = msg(
            "INVITE sip:b@x SIP/2.0",
            "r",
            "1 INVITE",
            "Content-Type: application/sdp\r\nv: x\r\n  folded\r\n",
            SDP,
        );
        for round in 0..400 {
            let mut data = base.clone();
            let flips = 1 + rng.next() % 12;
            for _ in 0..flips {
                let i = (rng.next() as usize) % data.len();
                data[i] = match rng.next() % 4 {
                    0 => b'\r',
                    1 => b'\n',
                    2 => b':',
                    _ => rng.next() as u8,
                };
            }
            if round % 5 == 0 {
                data.truncate((rng.next() as usize) % data.len());
            }
            let mut s = SipAnalyzer::default();
            udp(&mut s, 1, 1.0, &data);
            let _ = parse_sdp(&data);
            let mut t = TcpFeed {
                s,
                frame: 1,
                seq: [1, 1],
            };
            let mut pos = 0;
            while pos < data.len() {
                let end = (pos + 1 + (rng.next() % 64) as usize).min(data.len());
                t.send(rng.next().is_multiple_of(2), &data[pos..end]);
                pos = end;
            }
            let _ = t.s.finish();
        }
    }
}
