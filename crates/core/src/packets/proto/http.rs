//! `http`: HTTP/1.x over TCP. A message is its header block plus the body its headers announce
//! (Content-Length, or chunked transfer coding); `app` reassembles it across segments, so the
//! frame that completes a message shows it, as Wireshark's `packet-http.c` with its default
//! desegmentation. Requests and responses of a stream are matched in order
//! (`http.response_in` learned in the first pass, `http.request_in` and `http.time`).

use std::collections::{HashMap, VecDeque};
use std::fmt::Write as _;

use super::super::engine::FrameCtx;
use super::super::field::{Base, FieldDef, FieldType as T, Value};
use super::super::tree::Dissection;
use super::app::{Framing, Pdu, TcpPayload, TEXT};

pub static HTTP: FieldDef = FieldDef::protocol("http", "Hypertext Transfer Protocol");
pub static REQUEST: FieldDef = FieldDef::new("http.request", "Request", T::Bool, Base::None);
pub static RESPONSE: FieldDef = FieldDef::new("http.response", "Response", T::Bool, Base::None);
pub static REQUEST_LINE: FieldDef =
    FieldDef::new("http.request.line", "Request line", T::Str, Base::None);
pub static RESPONSE_LINE: FieldDef =
    FieldDef::new("http.response.line", "Response line", T::Str, Base::None);
pub static REQUEST_METHOD: FieldDef =
    FieldDef::new("http.request.method", "Request Method", T::Str, Base::None);
pub static REQUEST_URI: FieldDef =
    FieldDef::new("http.request.uri", "Request URI", T::Str, Base::None);
pub static REQUEST_VERSION: FieldDef = FieldDef::new(
    "http.request.version",
    "Request Version",
    T::Str,
    Base::None,
);
pub static REQUEST_FULL_URI: FieldDef = FieldDef::new(
    "http.request.full_uri",
    "Full request URI",
    T::Str,
    Base::None,
);
pub static RESPONSE_VERSION: FieldDef = FieldDef::new(
    "http.response.version",
    "Response Version",
    T::Str,
    Base::None,
);
pub static RESPONSE_CODE: FieldDef =
    FieldDef::new("http.response.code", "Status Code", T::U16, Base::Dec);
pub static RESPONSE_CODE_DESC: FieldDef = FieldDef::new(
    "http.response.code.desc",
    "Status Code Description",
    T::Str,
    Base::None,
);
pub static RESPONSE_PHRASE: FieldDef = FieldDef::new(
    "http.response.phrase",
    "Response Phrase",
    T::Str,
    Base::None,
);
pub static RESPONSE_FOR_URI: FieldDef =
    FieldDef::new("http.response_for.uri", "Request URI", T::Str, Base::None);
pub static HOST: FieldDef = FieldDef::new("http.host", "Host", T::Str, Base::None);
pub static USER_AGENT: FieldDef =
    FieldDef::new("http.user_agent", "User-Agent", T::Str, Base::None);
pub static CONTENT_TYPE: FieldDef =
    FieldDef::new("http.content_type", "Content-Type", T::Str, Base::None);
pub static CONTENT_LENGTH_HEADER: FieldDef = FieldDef::new(
    "http.content_length_header",
    "Content-Length",
    T::Str,
    Base::None,
);
pub static CONTENT_LENGTH: FieldDef =
    FieldDef::new("http.content_length", "Content length", T::U64, Base::Dec);
pub static TRANSFER_ENCODING: FieldDef = FieldDef::new(
    "http.transfer_encoding",
    "Transfer-Encoding",
    T::Str,
    Base::None,
);
pub static CONNECTION: FieldDef =
    FieldDef::new("http.connection", "Connection", T::Str, Base::None);
pub static ACCEPT: FieldDef = FieldDef::new("http.accept", "Accept", T::Str, Base::None);
pub static REFERER: FieldDef = FieldDef::new("http.referer", "Referer", T::Str, Base::None);
pub static COOKIE: FieldDef = FieldDef::new("http.cookie", "Cookie", T::Str, Base::None);
pub static SET_COOKIE: FieldDef =
    FieldDef::new("http.set_cookie", "Set-Cookie", T::Str, Base::None);
pub static DATE: FieldDef = FieldDef::new("http.date", "Date", T::Str, Base::None);
pub static SERVER: FieldDef = FieldDef::new("http.server", "Server", T::Str, Base::None);
pub static LOCATION: FieldDef = FieldDef::new("http.location", "Location", T::Str, Base::None);
pub static LAST_MODIFIED: FieldDef =
    FieldDef::new("http.last_modified", "Last-Modified", T::Str, Base::None);
pub static CACHE_CONTROL: FieldDef =
    FieldDef::new("http.cache_control", "Cache-Control", T::Str, Base::None);
pub static REQUEST_IN: FieldDef = FieldDef::new(
    "http.request_in",
    "Request in frame",
    T::FrameNum,
    Base::None,
);
pub static RESPONSE_IN: FieldDef = FieldDef::new(
    "http.response_in",
    "Response in frame",
    T::FrameNum,
    Base::None,
);
pub static TIME: FieldDef =
    FieldDef::new("http.time", "Time since request", T::RelTime, Base::None);
pub static FILE_DATA: FieldDef = FieldDef::new("http.file_data", "File Data", T::Str, Base::None);

pub static FIELDS: &[&FieldDef] = &[
    &HTTP,
    &REQUEST,
    &RESPONSE,
    &REQUEST_LINE,
    &RESPONSE_LINE,
    &REQUEST_METHOD,
    &REQUEST_URI,
    &REQUEST_VERSION,
    &REQUEST_FULL_URI,
    &RESPONSE_VERSION,
    &RESPONSE_CODE,
    &RESPONSE_CODE_DESC,
    &RESPONSE_PHRASE,
    &RESPONSE_FOR_URI,
    &HOST,
    &USER_AGENT,
    &CONTENT_TYPE,
    &CONTENT_LENGTH_HEADER,
    &CONTENT_LENGTH,
    &TRANSFER_ENCODING,
    &CONNECTION,
    &ACCEPT,
    &REFERER,
    &COOKIE,
    &SET_COOKIE,
    &DATE,
    &SERVER,
    &LOCATION,
    &LAST_MODIFIED,
    &CACHE_CONTROL,
    &REQUEST_IN,
    &RESPONSE_IN,
    &TIME,
    &FILE_DATA,
];

/// Headers with their own field (the rest are request/response lines only).
static HEADER_FIELDS: &[(&str, &FieldDef)] = &[
    ("host", &HOST),
    ("user-agent", &USER_AGENT),
    ("content-type", &CONTENT_TYPE),
    ("content-length", &CONTENT_LENGTH_HEADER),
    ("transfer-encoding", &TRANSFER_ENCODING),
    ("connection", &CONNECTION),
    ("accept", &ACCEPT),
    ("referer", &REFERER),
    ("cookie", &COOKIE),
    ("set-cookie", &SET_COOKIE),
    ("date", &DATE),
    ("server", &SERVER),
    ("location", &LOCATION),
    ("last-modified", &LAST_MODIFIED),
    ("cache-control", &CACHE_CONTROL),
];

/// Status code descriptions (RFC 9110 reason phrases, Wireshark's `vals_http_status_code`).
pub static STATUS_CODES: &[(u64, &str)] = &[
    (100, "Continue"),
    (101, "Switching Protocols"),
    (200, "OK"),
    (201, "Created"),
    (202, "Accepted"),
    (204, "No Content"),
    (206, "Partial Content"),
    (301, "Moved Permanently"),
    (302, "Found"),
    (303, "See Other"),
    (304, "Not Modified"),
    (307, "Temporary Redirect"),
    (308, "Permanent Redirect"),
    (400, "Bad Request"),
    (401, "Unauthorized"),
    (403, "Forbidden"),
    (404, "Not Found"),
    (405, "Method Not Allowed"),
    (408, "Request Time-out"),
    (500, "Internal Server Error"),
    (501, "Not Implemented"),
    (502, "Bad Gateway"),
    (503, "Service Unavailable"),
    (504, "Gateway Time-out"),
];

/// Longest header block waited for; beyond it the bytes are shown as they are.
pub const MAX_HEADER_BYTES: usize = 64 * 1024;
/// Requests waiting for their response, per stream.
pub const MAX_PENDING_REQUESTS: usize = 64;
/// Streams whose request/response matching is kept.
pub const MAX_STREAMS: usize = 65_536;

const METHODS: &[&str] = &[
    "GET",
    "POST",
    "HEAD",
    "PUT",
    "DELETE",
    "OPTIONS",
    "TRACE",
    "CONNECT",
    "PATCH",
    "PROPFIND",
    "PROPPATCH",
    "MKCOL",
    "COPY",
    "MOVE",
    "LOCK",
    "UNLOCK",
    "SEARCH",
    "NOTIFY",
    "SUBSCRIBE",
    "UNSUBSCRIBE",
    "M-SEARCH",
    "REPORT",
];

/// A start line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StartLine<'a> {
    Request {
        method: &'a str,
        uri: &'a str,
        version: &'a str,
    },
    Response {
        version: &'a str,
        code: u16,
        phrase: &'a str,
    },
}

/// The start line's tree line (its fields nest under it).
fn first_line_text(d: &mut Dissection, src: u8, start: usize, len: usize, text: &str) {
    if d.is_tree() {
        d.field_in(src, &TEXT, Value::None, start, len);
        d.set_text(|| format!("{text}\\r\\n"));
    } else {
        // Keep the nesting balanced: `open` below pairs with a `close`.
    }
}

/// The first line (without its end of line) and the offset after it.
fn first_line(b: &[u8]) -> Option<(&[u8], usize)> {
    let nl = b.iter().position(|&c| c == b'\n')?;
    let line = b.get(..nl)?;
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Some((line, nl + 1))
}

fn parse_start(line: &[u8]) -> Option<StartLine<'_>> {
    let s = std::str::from_utf8(line).ok()?;
    if let Some(rest) = s.strip_prefix("HTTP/1.") {
        let version = s.get(..8)?;
        let rest = rest.get(1..)?.strip_prefix(' ')?;
        let code_text = rest.get(..3)?;
        let code: u16 = code_text.parse().ok()?;
        let phrase = rest.get(3..).unwrap_or("").trim_start_matches(' ');
        return Some(StartLine::Response {
            version,
            code,
            phrase,
        });
    }
    let mut parts = s.splitn(3, ' ');
    let method = parts.next()?;
    let uri = parts.next()?;
    let version = parts.next()?;
    if !METHODS.contains(&method) || !version.starts_with("HTTP/1.") || uri.is_empty() {
        return None;
    }
    Some(StartLine::Request {
        method,
        uri,
        version,
    })
}

/// Whether a TCP payload starts like HTTP (Wireshark's HTTP heuristic: a request or status
/// line; the first line may be incomplete).
pub(crate) fn heuristic(b: &[u8]) -> bool {
    if b.starts_with(b"HTTP/1.") {
        return true;
    }
    let end = b.iter().position(|&c| c == b' ').unwrap_or(0);
    b.get(..end)
        .and_then(|m| std::str::from_utf8(m).ok())
        .is_some_and(|m| METHODS.contains(&m))
        && first_line(b).is_none_or(|(l, _)| parse_start(l).is_some())
}

/// The end of the header block (after the empty line).
fn header_end(b: &[u8]) -> Option<usize> {
    let mut at = 0usize;
    loop {
        let nl = b.get(at..)?.iter().position(|&c| c == b'\n')?;
        let line = b.get(at..at + nl)?;
        at += nl + 1;
        if line.is_empty() || line == b"\r" {
            return Some(at);
        }
    }
}

/// Header lines of a block (after the start line, before the empty line): (name, value,
/// offset of the line, length of the line with its end of line).
fn headers(b: &[u8], start: usize, end: usize) -> impl Iterator<Item = (&str, &str, usize, usize)> {
    let mut at = start;
    std::iter::from_fn(move || loop {
        if at >= end {
            return None;
        }
        let rest = b.get(at..end)?;
        let nl = rest.iter().position(|&c| c == b'\n').unwrap_or(rest.len());
        let raw = rest.get(..nl)?;
        let here = at;
        at += nl + 1;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        if line.is_empty() {
            return None;
        }
        let Ok(text) = std::str::from_utf8(line) else {
            continue;
        };
        if let Some((name, value)) = text.split_once(':') {
            return Some((name.trim(), value.trim(), here, nl + 1));
        }
    })
}

/// The length of a chunked body at the start of `b`, when complete.
fn chunked_len(b: &[u8]) -> Option<usize> {
    let mut at = 0usize;
    loop {
        let (line, next) = first_line(b.get(at..)?)?;
        let text = std::str::from_utf8(line).ok()?;
        let size_text = text.split(';').next()?.trim();
        let size = usize::from_str_radix(size_text, 16).ok()?;
        at += next;
        if size == 0 {
            // Trailers end with an empty line.
            let end = header_end(b.get(at..)?)?;
            return Some(at + end);
        }
        at = at.checked_add(size)?.checked_add(2)?;
        if at > b.len() {
            return None;
        }
    }
}

#[derive(Debug, Clone)]
struct PendingRequest {
    frame: u64,
    ts_ns: i64,
    method_head: bool,
    full_uri: String,
}

/// Per-stream HTTP state.
#[derive(Debug, Default)]
pub struct HttpState {
    pending: HashMap<u64, VecDeque<PendingRequest>>,
    /// Whether the oldest request waiting, per stream, was a HEAD (its response has no body).
    head_pending: HashMap<u64, bool>,
    /// Streams where an HTTP message was seen.
    seen: HashMap<u64, ()>,
}

fn name_of(table: &[(u64, &'static str)], v: u64) -> Option<&'static str> {
    table.iter().find(|(n, _)| *n == v).map(|(_, s)| *s)
}

/// What Wireshark's media-type dissectors append to the Info column for a body.
fn media_info(content_type: &str, body: &[u8]) -> Option<String> {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if body.is_empty() {
        return None;
    }
    if mime.starts_with("text/") && mime != "text/xml" {
        return Some(mime);
    }
    match mime.as_str() {
        "image/jpeg" | "image/jpg" | "image/pjpeg" => Some("JPEG JFIF image".into()),
        "image/gif" => Some(if body.starts_with(b"GIF87a") {
            "GIF87a".into()
        } else {
            "GIF89a".into()
        }),
        "image/png" => Some("PNG".into()),
        "application/x-javascript" | "application/javascript" => Some(mime),
        _ => None,
    }
}

impl HttpState {
    /// The length of the HTTP message at the start of `b` (the rest of `b` when it is not one).
    pub(crate) fn frame(&mut self, stream: u64, from_client: bool, b: &[u8]) -> Framing {
        let Some((line, after_line)) = first_line(b) else {
            return if heuristic(b) && b.len() < MAX_HEADER_BYTES {
                Framing::Need(None)
            } else {
                Framing::Pdu(b.len())
            };
        };
        let Some(start) = parse_start(line) else {
            return Framing::Pdu(b.len());
        };
        let Some(hend) = header_end(b) else {
            return if b.len() < MAX_HEADER_BYTES {
                Framing::Need(None)
            } else {
                Framing::Pdu(b.len())
            };
        };
        let mut content_length = None;
        let mut chunked = false;
        for (name, value, _, _) in headers(b, after_line, hend) {
            if name.eq_ignore_ascii_case("content-length") {
                content_length = value.parse::<usize>().ok();
            } else if name.eq_ignore_ascii_case("transfer-encoding")
                && value.to_ascii_lowercase().contains("chunked")
            {
                chunked = true;
            }
        }
        let _ = from_client;
        let no_body = match start {
            StartLine::Request { .. } => content_length.is_none() && !chunked,
            StartLine::Response { code, .. } => {
                (100..200).contains(&code)
                    || code == 204
                    || code == 304
                    || self.head_pending.get(&stream).copied().unwrap_or(false)
            }
        };
        if no_body {
            return Framing::Pdu(hend);
        }
        if chunked {
            return match b.get(hend..).and_then(chunked_len) {
                Some(n) => Framing::Pdu(hend + n),
                None => Framing::Need(None),
            };
        }
        match content_length {
            Some(n) => {
                let total = hend.saturating_add(n);
                if b.len() >= total {
                    Framing::Pdu(total)
                } else {
                    Framing::Need(Some(total))
                }
            }
            // A response without a length runs to the end of the connection: what is here.
            None => Framing::Pdu(b.len()),
        }
    }

    /// Dissects one HTTP message (or continuation bytes).
    pub(crate) fn dissect(
        &mut self,
        ctx: &mut FrameCtx<'_>,
        d: &mut Dissection,
        p: &TcpPayload<'_>,
        pdu: Pdu<'_>,
        more: bool,
    ) -> bool {
        let b = pdu.bytes;
        let src = pdu.source;
        let at = |i: usize| pdu.offset + i;
        let start = first_line(b).and_then(|(l, n)| parse_start(l).map(|s| (l, n, s)));
        if start.is_none() && !self.seen.contains_key(&p.stream) {
            // Not HTTP until a message was seen on the stream: TCP shows the bytes.
            return false;
        }
        if self.seen.len() < MAX_STREAMS {
            self.seen.insert(p.stream, ());
        }
        d.open_protocol(&HTTP, src, pdu.offset, b.len());
        if d.columns {
            d.protocol = "HTTP";
        }
        let Some((line, after_line, start)) = start else {
            if d.columns {
                if more {
                    d.info.push_str(" , ");
                }
                d.info.push_str("Continuation");
            }
            if d.wants(&FILE_DATA) {
                d.field_in(
                    src,
                    &FILE_DATA,
                    Value::str(String::from_utf8_lossy(b)),
                    pdu.offset,
                    b.len(),
                );
            }
            return true;
        };
        let line_text = String::from_utf8_lossy(line);
        if d.columns {
            if more {
                d.info.push_str(" , ");
            }
            d.info.push_str(&line_text);
            d.info.push(' ');
        }
        let hend = header_end(b).unwrap_or(b.len());
        let body = b.get(hend..).unwrap_or_default();
        let mut host = None;
        let mut content_type = None;
        let mut content_length = None;
        for (name, value, _, _) in headers(b, after_line, hend) {
            if name.eq_ignore_ascii_case("host") {
                host = Some(value.to_string());
            } else if name.eq_ignore_ascii_case("content-type") {
                content_type = Some(value.to_string());
            } else if name.eq_ignore_ascii_case("content-length") {
                content_length = value.parse::<u64>().ok();
            }
        }
        let line_len = after_line;
        match start {
            StartLine::Request {
                method,
                uri,
                version,
            } => {
                first_line_text(d, src, at(0), line_len, &line_text);
                d.open();
                d.field_in(
                    src,
                    &REQUEST_METHOD,
                    Value::str(method),
                    at(0),
                    method.len(),
                );
                let uo = method.len() + 1;
                d.field_in(src, &REQUEST_URI, Value::str(uri), at(uo), uri.len());
                let vo = uo + uri.len() + 1;
                d.field_in(
                    src,
                    &REQUEST_VERSION,
                    Value::str(version),
                    at(vo),
                    version.len(),
                );
                d.close();
                // Wireshark marks the request (a hidden boolean) after the first line.
                d.hidden(&REQUEST, Value::Bool(true), at(0), 0);
                let full_uri = match &host {
                    Some(h) if uri.starts_with('/') => format!("http://{h}{uri}"),
                    _ => uri.to_string(),
                };
                if self.pending.len() < MAX_STREAMS || self.pending.contains_key(&p.stream) {
                    let q = self.pending.entry(p.stream).or_default();
                    if q.len() < MAX_PENDING_REQUESTS {
                        q.push_back(PendingRequest {
                            frame: ctx.number,
                            ts_ns: ctx.ts_ns,
                            method_head: method == "HEAD",
                            full_uri: full_uri.clone(),
                        });
                    }
                    let head = q.front().is_some_and(|r| r.method_head);
                    self.head_pending.insert(p.stream, head);
                }
                self.header_lines(d, b, src, pdu.offset, after_line, hend, &REQUEST_LINE);
                d.generated(&REQUEST_FULL_URI, Value::str(full_uri));
                for v in ctx.annotations.get(ctx.number, &RESPONSE_IN) {
                    d.generated(&RESPONSE_IN, v.clone());
                }
            }
            StartLine::Response {
                version,
                code,
                phrase,
            } => {
                first_line_text(d, src, at(0), line_len, &line_text);
                d.open();
                d.field_in(
                    src,
                    &RESPONSE_VERSION,
                    Value::str(version),
                    at(0),
                    version.len(),
                );
                d.field_in(src, &RESPONSE_CODE, Value::UInt(u64::from(code)), at(9), 3);
                if let Some(desc) = name_of(STATUS_CODES, u64::from(code)) {
                    d.generated(&RESPONSE_CODE_DESC, Value::str(desc));
                }
                let po = line.len().saturating_sub(phrase.len());
                d.field_in(
                    src,
                    &RESPONSE_PHRASE,
                    Value::str(phrase),
                    at(po),
                    phrase.len(),
                );
                d.close();
                d.hidden(&RESPONSE, Value::Bool(true), at(0), 0);
                self.header_lines(d, b, src, pdu.offset, after_line, hend, &RESPONSE_LINE);
                // 1xx responses do not answer the request.
                if code >= 200 {
                    let req = self
                        .pending
                        .get_mut(&p.stream)
                        .and_then(VecDeque::pop_front);
                    let head = self
                        .pending
                        .get(&p.stream)
                        .and_then(|q| q.front())
                        .is_some_and(|r| r.method_head);
                    self.head_pending.insert(p.stream, head);
                    if let Some(r) = req {
                        ctx.learn(r.frame, &RESPONSE_IN, Value::UInt(ctx.number));
                        d.generated(&REQUEST_IN, Value::UInt(r.frame));
                        d.generated(&TIME, Value::RelTime(ctx.ts_ns - r.ts_ns));
                        d.generated(&RESPONSE_FOR_URI, Value::str(r.full_uri));
                    }
                }
                if d.columns {
                    if let Some(m) = content_type.as_deref().and_then(|ct| media_info(ct, body)) {
                        let _ = write!(d.info, " ({m})");
                    }
                }
            }
        }
        if let Some(n) = content_length {
            d.generated(&CONTENT_LENGTH, Value::UInt(n));
        }
        if !body.is_empty() && d.wants(&FILE_DATA) {
            d.field_in(
                src,
                &FILE_DATA,
                Value::str(String::from_utf8_lossy(body)),
                at(hend),
                body.len(),
            );
        }
        true
    }

    /// The header lines of a message, each with its field when it has one.
    #[allow(clippy::too_many_arguments)]
    fn header_lines(
        &self,
        d: &mut Dissection,
        b: &[u8],
        src: u8,
        base: usize,
        start: usize,
        end: usize,
        line_def: &'static FieldDef,
    ) {
        for (name, value, off, len) in headers(b, start, end) {
            if d.wants(line_def) {
                let raw = b.get(off..off + len).unwrap_or_default();
                d.hidden(
                    line_def,
                    Value::str(String::from_utf8_lossy(raw)),
                    base + off,
                    len,
                );
            }
            let def = HEADER_FIELDS
                .iter()
                .find(|(n, _)| name.eq_ignore_ascii_case(n))
                .map(|(_, def)| *def);
            match def {
                Some(def) => {
                    d.field_in(src, def, Value::str(value), base + off, len);
                    d.set_text(|| format!("{name}: {value}\\r\\n"));
                }
                None if d.is_tree() => {
                    d.field_in(src, &TEXT, Value::None, base + off, len);
                    d.set_text(|| format!("{name}: {value}\\r\\n"));
                }
                None => {}
            }
        }
        if d.is_tree() {
            d.field_in(src, &TEXT, Value::None, base + end.saturating_sub(2), 2);
            d.set_text(|| "\\r\\n".to_string());
        }
    }
}
