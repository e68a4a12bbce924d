//! SIP message view (RFC 3261) and a small SDP reader (RFC 4566).
//!
//! [`SipMessage`] borrows the bytes: the start line, the raw header block and the body. Headers
//! are iterated in wire order with compact forms (`i`, `f`, `t`, `v`, `m`, `l`, ...) mapped to
//! their full names, folded continuation lines joined. Bare LF line ends are accepted as
//! Wireshark does. Nothing here panics on malformed input: parsing returns `None` /
//! [`StreamParse::Invalid`].

use std::str;

/// Longest header block we accept (a message over TCP is buffered until it is complete).
pub const MAX_HEADER_BYTES: usize = 16 * 1024;
/// Longest body we accept over TCP (SDP bodies are a few hundred bytes).
pub const MAX_BODY_BYTES: usize = 48 * 1024;

/// The first line of a SIP message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartLine<'a> {
    Request { method: &'a str, uri: &'a str },
    Response { code: u16, reason: &'a str },
}

/// RFC 3261 `token` characters (method names).
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b)
}

/// Splits off the first line (without its CR LF / LF); `None` when no line end is present.
fn split_line(bytes: &[u8]) -> Option<(&[u8], &[u8])> {
    let lf = bytes.iter().position(|&b| b == b'\n')?;
    let line = &bytes[..lf];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Some((line, &bytes[lf + 1..]))
}

/// Parses a start line (without its line end).
pub fn parse_start_line(line: &[u8]) -> Option<StartLine<'_>> {
    let line = str::from_utf8(line).ok()?;
    if let Some(rest) = line.strip_prefix("SIP/2.0 ") {
        let code = rest.get(..3)?;
        if !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let after = rest.get(3..)?;
        if !(after.is_empty() || after.starts_with(' ')) {
            return None;
        }
        let code: u16 = code.parse().ok()?;
        if !(100..=699).contains(&code) {
            return None;
        }
        return Some(StartLine::Response {
            code,
            reason: after.trim(),
        });
    }
    let mut parts = line.splitn(3, ' ');
    let method = parts.next()?;
    let uri = parts.next()?;
    let version = parts.next()?;
    if method.is_empty() || !method.bytes().all(is_token_byte) || uri.is_empty() {
        return None;
    }
    if version.trim_end() != "SIP/2.0" {
        return None;
    }
    Some(StartLine::Request { method, uri })
}

/// Longest method name we accept in the cheap pre-check (the longest standard one is 9).
const MAX_METHOD_LEN: usize = 32;

/// Cheap pre-check on the first bytes: "SIP/2.0 " or an upper-case token and a space. Keeps
/// the line scan off the hot path for the non-SIP UDP traffic every datagram is checked for.
fn could_start_message(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"SIP/2.0 ") {
        return true;
    }
    let head = &bytes[..bytes.len().min(MAX_METHOD_LEN + 1)];
    match head.iter().position(|&b| b == b' ') {
        Some(n) if n > 0 => head[..n]
            .iter()
            .all(|&b| b.is_ascii_uppercase() || (is_token_byte(b) && !b.is_ascii_lowercase())),
        _ => false,
    }
}

/// Whether `bytes` begin with a SIP start line (used to detect SIP by content on any port).
pub fn looks_like_sip(bytes: &[u8]) -> bool {
    could_start_message(bytes)
        && split_line(bytes).is_some_and(|(line, _)| parse_start_line(line).is_some())
}

/// The full name of a compact header form (RFC 3261 §7.3.3 and later RFCs), else `name`.
pub fn canonical_name(name: &str) -> &str {
    if name.len() != 1 {
        return name;
    }
    match name.as_bytes()[0].to_ascii_lowercase() {
        b'a' => "Accept-Contact",
        b'b' => "Referred-By",
        b'c' => "Content-Type",
        b'd' => "Request-Disposition",
        b'e' => "Content-Encoding",
        b'f' => "From",
        b'i' => "Call-ID",
        b'j' => "Reject-Contact",
        b'k' => "Supported",
        b'l' => "Content-Length",
        b'm' => "Contact",
        b'n' => "Identity-Info",
        b'o' => "Event",
        b'r' => "Refer-To",
        b's' => "Subject",
        b't' => "To",
        b'u' => "Allow-Events",
        b'v' => "Via",
        b'x' => "Session-Expires",
        b'y' => "Identity",
        _ => name,
    }
}

/// One header: name as on the wire and its raw value (continuation lines included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header<'a> {
    pub name: &'a str,
    raw_value: &'a [u8],
}

impl<'a> Header<'a> {
    /// The full header name (compact forms expanded).
    pub fn canonical(&self) -> &'a str {
        canonical_name(self.name)
    }

    /// Whether this is header `full_name` (case-insensitive, compact forms included).
    pub fn is(&self, full_name: &str) -> bool {
        self.canonical().eq_ignore_ascii_case(full_name)
    }

    /// The value, trimmed, with folded lines joined by single spaces (lossy UTF-8).
    pub fn value(&self) -> String {
        let text = String::from_utf8_lossy(self.raw_value);
        let mut out = String::with_capacity(text.len());
        for (i, part) in text.split('\n').enumerate() {
            let part = part.trim_matches(|c| c == '\r' || c == ' ' || c == '\t');
            if part.is_empty() {
                continue;
            }
            if i > 0 && !out.is_empty() {
                out.push(' ');
            }
            out.push_str(part);
        }
        out
    }
}

/// Iterates headers in wire order; stops at a line that is not a header.
#[derive(Debug, Clone)]
pub struct Headers<'a> {
    rest: &'a [u8],
}

impl<'a> Iterator for Headers<'a> {
    type Item = Header<'a>;
    fn next(&mut self) -> Option<Header<'a>> {
        loop {
            if self.rest.is_empty() {
                return None;
            }
            // The header ends at a line end not followed by whitespace (folding).
            let mut end = self.rest.len();
            let mut next_start = self.rest.len();
            let mut i = 0;
            while let Some(off) = self
                .rest
                .get(i..)
                .and_then(|r| r.iter().position(|&b| b == b'\n'))
            {
                let lf = i + off;
                match self.rest.get(lf + 1) {
                    Some(b' ') | Some(b'\t') => i = lf + 1,
                    _ => {
                        end = lf;
                        next_start = lf + 1;
                        break;
                    }
                }
            }
            let line = &self.rest[..end];
            self.rest = &self.rest[next_start..];
            let Some(colon) = line.iter().position(|&b| b == b':') else {
                if line.iter().all(|b| b.is_ascii_whitespace()) {
                    continue;
                }
                self.rest = &[];
                return None;
            };
            let Ok(name) = str::from_utf8(&line[..colon]) else {
                continue;
            };
            let name = name.trim();
            if name.is_empty() || !name.bytes().all(is_token_byte) {
                continue;
            }
            return Some(Header {
                name,
                raw_value: &line[colon + 1..],
            });
        }
    }
}

/// A SIP message.
#[derive(Debug, Clone)]
pub struct SipMessage<'a> {
    pub start: StartLine<'a>,
    headers_raw: &'a [u8],
    pub body: &'a [u8],
}

/// Result of reading a message from a byte stream.
#[derive(Debug, Clone)]
pub enum StreamParse<'a> {
    /// A whole message and the bytes it used.
    Complete(SipMessage<'a>, usize),
    /// More bytes are needed.
    Incomplete,
    /// Not a SIP message (or beyond our size caps).
    Invalid,
}

/// Finds the blank line ending the headers: (header block end, body start).
fn header_end(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut i = 0;
    while let Some(off) = bytes
        .get(i..)
        .and_then(|r| r.iter().position(|&b| b == b'\n'))
    {
        let lf = i + off;
        match bytes.get(lf + 1) {
            Some(b'\n') => return Some((lf + 1, lf + 2)),
            Some(b'\r') if bytes.get(lf + 2) == Some(&b'\n') => return Some((lf + 1, lf + 3)),
            _ => i = lf + 1,
        }
    }
    None
}

impl<'a> SipMessage<'a> {
    /// Parses a message that fills a whole UDP datagram. A Content-Length shorter than the
    /// remaining bytes trims the body; a missing blank line means no body.
    pub fn parse_datagram(bytes: &'a [u8]) -> Option<SipMessage<'a>> {
        if !could_start_message(bytes) {
            return None;
        }
        let (line, rest) = split_line(bytes)?;
        let start = parse_start_line(line)?;
        let line_len = bytes.len() - rest.len();
        let (headers_raw, body) = match header_end(bytes) {
            Some((h, b)) => (&bytes[line_len..h.max(line_len)], &bytes[b..]),
            None => (rest, &[][..]),
        };
        let mut msg = SipMessage {
            start,
            headers_raw,
            body,
        };
        if let Some(n) = msg.content_length() {
            if n < msg.body.len() {
                msg.body = &msg.body[..n];
            }
        }
        Some(msg)
    }

    /// Reads one message from the start of a byte stream (SIP over TCP): headers, then
    /// Content-Length bytes of body (0 when absent).
    pub fn parse_stream(bytes: &'a [u8]) -> StreamParse<'a> {
        let Some((line, rest)) = split_line(bytes) else {
            return if bytes.len() > MAX_HEADER_BYTES {
                StreamParse::Invalid
            } else {
                StreamParse::Incomplete
            };
        };
        let Some(start) = parse_start_line(line) else {
            return StreamParse::Invalid;
        };
        let line_len = bytes.len() - rest.len();
        let Some((h, b)) = header_end(bytes) else {
            return if bytes.len() > MAX_HEADER_BYTES {
                StreamParse::Invalid
            } else {
                StreamParse::Incomplete
            };
        };
        let mut msg = SipMessage {
            start,
            headers_raw: &bytes[line_len..h.max(line_len)],
            body: &[],
        };
        let len = msg.content_length().unwrap_or(0);
        if len > MAX_BODY_BYTES {
            return StreamParse::Invalid;
        }
        match bytes.get(b..b + len) {
            Some(body) => {
                msg.body = body;
                StreamParse::Complete(msg, b + len)
            }
            None => StreamParse::Incomplete,
        }
    }

    pub fn headers(&self) -> Headers<'a> {
        Headers {
            rest: self.headers_raw,
        }
    }

    /// The first header called `full_name` (compact forms included).
    pub fn header(&self, full_name: &str) -> Option<Header<'a>> {
        self.headers().find(|h| h.is(full_name))
    }

    pub fn content_length(&self) -> Option<usize> {
        self.header("Content-Length")?.value().trim().parse().ok()
    }
}

/// An `m=` section of an SDP body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SdpMediaInfo {
    pub media: String,
    pub port: u16,
    pub protocol: String,
    /// Payload type numbers from the m= line, in order.
    pub formats: Vec<String>,
    /// "PCMU/8000" ... for each format: from a=rtpmap, else the static RTP payload type.
    pub codecs: Vec<String>,
    /// Media-level c= address, or the session-level one.
    pub connection: Option<String>,
    /// sendrecv / sendonly / recvonly / inactive, when given.
    pub direction: Option<String>,
}

/// What we keep of an SDP body.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SdpInfo {
    /// Session-level c= address.
    pub connection: Option<String>,
    pub media: Vec<SdpMediaInfo>,
}

/// The well-known static RTP payload types (RFC 3551).
fn static_payload_type(pt: &str) -> Option<&'static str> {
    Some(match pt {
        "0" => "PCMU/8000",
        "3" => "GSM/8000",
        "4" => "G723/8000",
        "5" => "DVI4/8000",
        "6" => "DVI4/16000",
        "7" => "LPC/8000",
        "8" => "PCMA/8000",
        "9" => "G722/8000",
        "10" => "L16/44100",
        "11" => "L16/44100",
        "12" => "QCELP/8000",
        "13" => "CN/8000",
        "14" => "MPA/90000",
        "15" => "G728/8000",
        "18" => "G729/8000",
        "26" => "JPEG/90000",
        "31" => "H261/90000",
        "34" => "H263/90000",
        _ => return None,
    })
}

/// Media sections kept per SDP body.
pub const MAX_SDP_MEDIA: usize = 16;
/// Formats kept per media section.
pub const MAX_SDP_FORMATS: usize = 32;

/// The address of a `c=IN IP4 addr` line.
fn connection_address(value: &str) -> Option<String> {
    let mut parts = value.split_whitespace();
    let _net = parts.next()?;
    let _addr_type = parts.next()?;
    let addr = parts.next()?;
    // Multicast addresses may carry "/ttl": keep the address.
    Some(addr.split('/').next().unwrap_or(addr).to_string())
}

/// Reads an SDP body (lines `x=value`); `None` when it does not look like SDP.
pub fn parse_sdp(body: &[u8]) -> Option<SdpInfo> {
    let text = String::from_utf8_lossy(body);
    let mut lines = text.lines().map(|l| l.trim_end_matches('\r'));
    if !lines.clone().next()?.starts_with("v=") {
        return None;
    }
    let mut info = SdpInfo::default();
    let mut rtpmap: Vec<Vec<(String, String)>> = Vec::new();
    for line in lines.by_ref() {
        let Some((kind, value)) = line.split_once('=') else {
            continue;
        };
        match kind {
            "c" => {
                let addr = connection_address(value);
                match info.media.last_mut() {
                    Some(m) => m.connection = addr,
                    None => info.connection = addr,
                }
            }
            "m" => {
                if info.media.len() >= MAX_SDP_MEDIA {
                    break;
                }
                let mut parts = value.split_whitespace();
                let media = parts.next().unwrap_or_default().to_string();
                let port = parts
                    .next()
                    .and_then(|p| p.split('/').next())
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(0);
                let protocol = parts.next().unwrap_or_default().to_string();
                let formats = parts.take(MAX_SDP_FORMATS).map(String::from).collect();
                info.media.push(SdpMediaInfo {
                    media,
                    port,
                    protocol,
                    formats,
                    ..SdpMediaInfo::default()
                });
                rtpmap.push(Vec::new());
            }
            "a" => {
                let Some(m) = info.media.last_mut() else {
                    continue;
                };
                if let Some(map) = value.strip_prefix("rtpmap:") {
                    if let (Some((pt, codec)), Some(maps)) =
                        (map.split_once(' '), rtpmap.last_mut())
                    {
                        if maps.len() < MAX_SDP_FORMATS {
                            maps.push((pt.trim().to_string(), codec.trim().to_string()));
                        }
                    }
                } else if matches!(value, "sendrecv" | "sendonly" | "recvonly" | "inactive") {
                    m.direction = Some(value.to_string());
                }
            }
            _ => {}
        }
    }
    for (m, maps) in info.media.iter_mut().zip(&rtpmap) {
        if m.connection.is_none() {
            m.connection = info.connection.clone();
        }
        m.codecs = m
            .formats
            .iter()
            .filter_map(|pt| {
                maps.iter()
                    .find(|(p, _)| p == pt)
                    .map(|(_, c)| c.clone())
                    .or_else(|| static_payload_type(pt).map(String::from))
            })
            .collect();
    }
    Some(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVITE: &[u8] = b"INVITE sip:bob@biloxi.example.com SIP/2.0\r\n\
v: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds\r\n\
Via: SIP/2.0/UDP proxy.example.com;branch=z9hG4bK1\r\n\
Max-Forwards: 70\r\n\
t: Bob <sip:bob@biloxi.example.com>\r\n\
f: Alice <sip:alice@atlanta.example.com>;tag=1928301774\r\n\
i: a84b4c76e66710@pc33.atlanta.example.com\r\n\
CSeq: 314159 INVITE\r\n\
m: <sip:alice@pc33.atlanta.example.com>\r\n\
User-Agent: Test\r\n  Agent/1.0\r\n\
c: application/sdp\r\n\
l: 160\r\n\
\r\n\
v=0\r\n\
o=alice 2890844526 2890844526 IN IP4 pc33.example.com\r\n\
s=-\r\n\
c=IN IP4 192.0.2.101\r\n\
t=0 0\r\n\
m=audio 49172 RTP/AVP 0 8 101\r\n\
a=rtpmap:101 telephone-event/8000\r\n";

    #[test]
    fn test_start_lines() {
        assert_eq!(
            parse_start_line(b"INVITE sip:a@b SIP/2.0"),
            Some(StartLine::Request {
                method: "INVITE",
                uri: "sip:a@b"
            })
        );
        assert_eq!(
            parse_start_line(b"SIP/2.0 486 Busy Here"),
            Some(StartLine::Response {
                code: 486,
                reason: "Busy Here"
            })
        );
        assert_eq!(
            parse_start_line(b"SIP/2.0 200"),
            Some(StartLine::Response {
                code: 200,
                reason: ""
            })
        );
        assert_eq!(parse_start_line(b"GET / HTTP/1.1"), None);
        assert_eq!(parse_start_line(b"SIP/2.0 2000 x"), None);
        assert_eq!(parse_start_line(b"SIP/2.0 099 x"), None);
        assert_eq!(parse_start_line(b"IN VITE sip:a SIP/2.0"), None);
        assert!(looks_like_sip(b"OPTIONS sip:x SIP/2.0\nVia: x\n\n"));
        assert!(!looks_like_sip(b"OPTIONS sip:x SIP/2.0"));
    }

    #[test]
    fn test_invite_deconstruct() {
        let msg = SipMessage::parse_datagram(INVITE).unwrap();
        assert!(matches!(
            msg.start,
            StartLine::Request {
                method: "INVITE",
                ..
            }
        ));
        let vias: Vec<String> = msg
            .headers()
            .filter(|h| h.is("Via"))
            .map(|h| h.value())
            .collect();
        assert_eq!(vias.len(), 2);
        assert_eq!(
            msg.header("call-id").unwrap().value(),
            "a84b4c76e66710@pc33.atlanta.example.com"
        );
        assert_eq!(
            msg.header("From").unwrap().value(),
            "Alice <sip:alice@atlanta.example.com>;tag=1928301774"
        );
        assert_eq!(msg.header("User-Agent").unwrap().value(), "Test Agent/1.0");
        assert_eq!(msg.header("CSeq").unwrap().value(), "314159 INVITE");
        assert_eq!(msg.content_length(), Some(160));
        assert!(msg.body.starts_with(b"v=0"));
        let sdp = parse_sdp(msg.body).unwrap();
        assert_eq!(sdp.connection.as_deref(), Some("192.0.2.101"));
        assert_eq!(sdp.media.len(), 1);
        let m = &sdp.media[0];
        assert_eq!(
            (m.media.as_str(), m.port, m.protocol.as_str()),
            ("audio", 49172, "RTP/AVP")
        );
        assert_eq!(
            m.codecs,
            vec!["PCMU/8000", "PCMA/8000", "telephone-event/8000"]
        );
        assert_eq!(m.connection.as_deref(), Some("192.0.2.101"));
    }

    #[test]
    fn test_stream_framing() {
        let mut two = INVITE.to_vec();
        two.extend_from_slice(b"SIP/2.0 100 Trying\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n");
        let StreamParse::Complete(first, used) = SipMessage::parse_stream(&two) else {
            panic!("first message");
        };
        assert_eq!(first.body.len(), 160);
        let StreamParse::Complete(second, used2) = SipMessage::parse_stream(&two[used..]) else {
            panic!("second message");
        };
        assert!(matches!(
            second.start,
            StartLine::Response { code: 100, .. }
        ));
        assert_eq!(used + used2, two.len());
        for cut in 0..two.len().min(used) {
            assert!(matches!(
                SipMessage::parse_stream(&two[..cut]),
                StreamParse::Incomplete | StreamParse::Invalid
            ));
        }
        assert!(matches!(
            SipMessage::parse_stream(b"HTTP/1.1 200 OK\r\n\r\n"),
            StreamParse::Invalid
        ));
    }

    /// Random and mutated bytes never panic any parser here.
    #[test]
    fn test_random_bytes_never_panic() {
        let mut rng = crate::analyze::reassembly::tests::Rng(0x5151_5151_abcd_0001);
        for round in 0..3000 {
            let mut data = INVITE.to_vec();
            if round % 4 == 0 {
                let n = (rng.next() % 300) as usize;
                data = (0..n).map(|_| rng.next() as u8).collect();
            } else {
                for _ in 0..(1 + rng.next() % 10) {
                    let i = (rng.next() as usize) % data.len();
                    data[i] = [b'\r', b'\n', b':', b' ', b'=', 0xff][(rng.next() % 6) as usize];
                }
                data.truncate((rng.next() as usize) % (data.len() + 1));
            }
            if let Some(m) = SipMessage::parse_datagram(&data) {
                for h in m.headers() {
                    let _ = (h.canonical(), h.value());
                }
                let _ = m.content_length();
            }
            let _ = SipMessage::parse_stream(&data);
            let _ = parse_sdp(&data);
            let _ = looks_like_sip(&data);
        }
    }

    #[test]
    fn test_bare_lf_and_no_body() {
        let msg =
            SipMessage::parse_datagram(b"BYE sip:a SIP/2.0\nCall-ID: abc\nCSeq: 2 BYE\n").unwrap();
        assert_eq!(msg.header("Call-ID").unwrap().value(), "abc");
        assert!(msg.body.is_empty());
    }
}
