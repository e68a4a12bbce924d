//! `sip` (UDP, and TCP framed by Content-Length) and `sdp` (its body), as Wireshark's
//! `packet-sip.c` and `packet-sdp.c` show them. Info: `Request: INVITE sip:bob@host | `,
//! `Status: 200 OK (INVITE) | `; Protocol `SIP`, or `SIP/SDP` with an SDP body.

use std::fmt::Write as _;

use super::super::field::{Base, FieldDef, FieldType as T, Value};
use super::super::tree::Dissection;
use super::app::{Framing, Pdu, TEXT};
use crate::decode::sip::{canonical_name, SipMessage, StartLine, StreamParse, MAX_HEADER_BYTES};

pub static SIP: FieldDef = FieldDef::protocol("sip", "Session Initiation Protocol");
pub static REQUEST_LINE: FieldDef =
    FieldDef::new("sip.Request-Line", "Request-Line", T::Str, Base::None);
pub static STATUS_LINE: FieldDef =
    FieldDef::new("sip.Status-Line", "Status-Line", T::Str, Base::None);
pub static METHOD: FieldDef = FieldDef::new("sip.Method", "Method", T::Str, Base::None);
pub static R_URI: FieldDef = FieldDef::new("sip.r-uri", "Request-URI", T::Str, Base::None);
pub static R_URI_USER: FieldDef = FieldDef::new(
    "sip.r-uri.user",
    "Request-URI User Part",
    T::Str,
    Base::None,
);
pub static R_URI_HOST: FieldDef = FieldDef::new(
    "sip.r-uri.host",
    "Request-URI Host Part",
    T::Str,
    Base::None,
);
pub static STATUS_CODE: FieldDef =
    FieldDef::new("sip.Status-Code", "Status-Code", T::U32, Base::Dec);
pub static MSG_HDR: FieldDef = FieldDef::new("sip.msg_hdr", "Message Header", T::Str, Base::None);
pub static VIA: FieldDef = FieldDef::new("sip.Via", "Via", T::Str, Base::None);
pub static FROM: FieldDef = FieldDef::new("sip.From", "From", T::Str, Base::None);
pub static FROM_ADDR: FieldDef =
    FieldDef::new("sip.from.addr", "SIP from address", T::Str, Base::None);
pub static FROM_USER: FieldDef = FieldDef::new(
    "sip.from.user",
    "SIP from address User Part",
    T::Str,
    Base::None,
);
pub static FROM_HOST: FieldDef = FieldDef::new(
    "sip.from.host",
    "SIP from address Host Part",
    T::Str,
    Base::None,
);
pub static FROM_TAG: FieldDef = FieldDef::new("sip.from.tag", "SIP from tag", T::Str, Base::None);
pub static TO: FieldDef = FieldDef::new("sip.To", "To", T::Str, Base::None);
pub static TO_ADDR: FieldDef = FieldDef::new("sip.to.addr", "SIP to address", T::Str, Base::None);
pub static TO_USER: FieldDef = FieldDef::new(
    "sip.to.user",
    "SIP to address User Part",
    T::Str,
    Base::None,
);
pub static TO_HOST: FieldDef = FieldDef::new(
    "sip.to.host",
    "SIP to address Host Part",
    T::Str,
    Base::None,
);
pub static TO_TAG: FieldDef = FieldDef::new("sip.to.tag", "SIP to tag", T::Str, Base::None);
pub static CALL_ID: FieldDef = FieldDef::new("sip.Call-ID", "Call-ID", T::Str, Base::None);
pub static CSEQ: FieldDef = FieldDef::new("sip.CSeq", "CSeq", T::Str, Base::None);
pub static CSEQ_SEQ: FieldDef = FieldDef::new("sip.CSeq.seq", "Sequence Number", T::U32, Base::Dec);
pub static CSEQ_METHOD: FieldDef = FieldDef::new("sip.CSeq.method", "Method", T::Str, Base::None);
pub static CONTACT: FieldDef = FieldDef::new("sip.Contact", "Contact", T::Str, Base::None);
pub static CONTENT_TYPE: FieldDef =
    FieldDef::new("sip.Content-Type", "Content-Type", T::Str, Base::None);
pub static CONTENT_LENGTH: FieldDef =
    FieldDef::new("sip.Content-Length", "Content-Length", T::U32, Base::Dec);
pub static MAX_FORWARDS: FieldDef =
    FieldDef::new("sip.Max-Forwards", "Max-Forwards", T::U32, Base::Dec);
pub static USER_AGENT: FieldDef = FieldDef::new("sip.User-Agent", "User-Agent", T::Str, Base::None);
pub static EXPIRES: FieldDef = FieldDef::new("sip.Expires", "Expires", T::U32, Base::Dec);

pub static SDP: FieldDef = FieldDef::protocol("sdp", "Session Description Protocol");
pub static SDP_VERSION: FieldDef = FieldDef::new(
    "sdp.version",
    "Session Description Protocol Version (v)",
    T::Str,
    Base::None,
);
pub static SDP_OWNER: FieldDef = FieldDef::new(
    "sdp.owner",
    "Owner/Creator, Session Id (o)",
    T::Str,
    Base::None,
);
pub static SDP_OWNER_USERNAME: FieldDef =
    FieldDef::new("sdp.owner.username", "Owner Username", T::Str, Base::None);
pub static SDP_SESSION_NAME: FieldDef =
    FieldDef::new("sdp.session_name", "Session Name (s)", T::Str, Base::None);
pub static SDP_CONNECTION_INFO: FieldDef = FieldDef::new(
    "sdp.connection_info",
    "Connection Information (c)",
    T::Str,
    Base::None,
);
pub static SDP_CONNECTION_ADDRESS: FieldDef = FieldDef::new(
    "sdp.connection_info.address",
    "Connection Address",
    T::Str,
    Base::None,
);
pub static SDP_TIME: FieldDef = FieldDef::new(
    "sdp.time",
    "Time Description, active time (t)",
    T::Str,
    Base::None,
);
pub static SDP_SESSION_ATTR: FieldDef = FieldDef::new(
    "sdp.session_attr",
    "Session Attribute (a)",
    T::Str,
    Base::None,
);
pub static SDP_MEDIA: FieldDef = FieldDef::new(
    "sdp.media",
    "Media Description, name and address (m)",
    T::Str,
    Base::None,
);
pub static SDP_MEDIA_MEDIA: FieldDef =
    FieldDef::new("sdp.media.media", "Media Type", T::Str, Base::None);
pub static SDP_MEDIA_PORT: FieldDef =
    FieldDef::new("sdp.media.port", "Media Port", T::U16, Base::Dec);
pub static SDP_MEDIA_PROTO: FieldDef =
    FieldDef::new("sdp.media.proto", "Media Protocol", T::Str, Base::None);
pub static SDP_MEDIA_FORMAT: FieldDef =
    FieldDef::new("sdp.media.format", "Media Format", T::Str, Base::None);
pub static SDP_MEDIA_ATTR: FieldDef =
    FieldDef::new("sdp.media_attr", "Media Attribute (a)", T::Str, Base::None);

pub static FIELDS: &[&FieldDef] = &[
    &SIP,
    &REQUEST_LINE,
    &STATUS_LINE,
    &METHOD,
    &R_URI,
    &R_URI_USER,
    &R_URI_HOST,
    &STATUS_CODE,
    &MSG_HDR,
    &VIA,
    &FROM,
    &FROM_ADDR,
    &FROM_USER,
    &FROM_HOST,
    &FROM_TAG,
    &TO,
    &TO_ADDR,
    &TO_USER,
    &TO_HOST,
    &TO_TAG,
    &CALL_ID,
    &CSEQ,
    &CSEQ_SEQ,
    &CSEQ_METHOD,
    &CONTACT,
    &CONTENT_TYPE,
    &CONTENT_LENGTH,
    &MAX_FORWARDS,
    &USER_AGENT,
    &EXPIRES,
];

pub static SDP_FIELDS: &[&FieldDef] = &[
    &SDP,
    &SDP_VERSION,
    &SDP_OWNER,
    &SDP_OWNER_USERNAME,
    &SDP_SESSION_NAME,
    &SDP_CONNECTION_INFO,
    &SDP_CONNECTION_ADDRESS,
    &SDP_TIME,
    &SDP_SESSION_ATTR,
    &SDP_MEDIA,
    &SDP_MEDIA_MEDIA,
    &SDP_MEDIA_PORT,
    &SDP_MEDIA_PROTO,
    &SDP_MEDIA_FORMAT,
    &SDP_MEDIA_ATTR,
];

/// SIP state (nothing kept across messages yet).
#[derive(Debug, Default)]
pub struct SipState {}

/// SIP over TCP: one message (headers plus Content-Length body).
pub(crate) fn frame_tcp(b: &[u8]) -> Framing {
    match SipMessage::parse_stream(b) {
        StreamParse::Complete(_, n) => Framing::Pdu(n.max(1)),
        StreamParse::Incomplete if b.len() < MAX_HEADER_BYTES => Framing::Need(None),
        _ => Framing::Pdu(b.len()),
    }
}

/// Offset of `part` inside `whole` (both from the same buffer).
fn offset_in(whole: &[u8], part: &[u8]) -> usize {
    (part.as_ptr() as usize)
        .saturating_sub(whole.as_ptr() as usize)
        .min(whole.len())
}

/// The URI inside a From/To/Contact value: between `<` and `>`, else up to `;`.
fn uri_of(value: &str) -> &str {
    if let (Some(a), Some(b)) = (value.find('<'), value.rfind('>')) {
        if a < b {
            return &value[a + 1..b];
        }
    }
    value.split(';').next().unwrap_or(value).trim()
}

/// User and host parts of a SIP URI (`sip:user@host:port;params`).
fn uri_parts(uri: &str) -> (Option<&str>, &str) {
    let rest = uri.split_once(':').map_or(
        uri,
        |(scheme, r)| if scheme.contains('@') { uri } else { r },
    );
    let rest = rest.split([';', '?']).next().unwrap_or(rest);
    let (user, hostport) = match rest.rsplit_once('@') {
        Some((u, h)) => (Some(u.split(':').next().unwrap_or(u)), h),
        None => (None, rest),
    };
    let host = if hostport.starts_with('[') {
        hostport
            .split(']')
            .next()
            .map_or(hostport, |h| &h[..h.len()])
            .trim_start_matches('[')
    } else {
        hostport.split(':').next().unwrap_or(hostport)
    };
    (user.filter(|u| !u.is_empty()), host)
}

fn tag_of(value: &str) -> Option<&str> {
    let after = value.rfind('>').map_or(value, |i| &value[i..]);
    after.split(';').find_map(|p| p.trim().strip_prefix("tag="))
}

/// Dissects one SIP message; false when it is not one.
/// `over_udp`: the Info column is the message's alone (over TCP, `app` cut it to TCP's fence
/// and later messages of a segment append).
pub(crate) fn dissect_message(
    _s: &mut SipState,
    d: &mut Dissection,
    pdu: Pdu<'_>,
    over_udp: bool,
) -> bool {
    let b = pdu.bytes;
    let Some(msg) = SipMessage::parse_datagram(b) else {
        return false;
    };
    let src = pdu.source;
    let at = |i: usize| pdu.offset + i;
    let line_end = b.iter().position(|&c| c == b'\n').unwrap_or(b.len());
    let line = b.get(..line_end).unwrap_or_default();
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let line_text = String::from_utf8_lossy(line).into_owned();
    let body_off = offset_in(b, msg.body);
    let headers_start = (line_end + 1).min(b.len());
    let headers_end = if msg.body.is_empty() {
        b.len()
    } else {
        body_off
    };

    let mut call_id = None;
    let mut cseq_method = String::new();
    let mut content_type = String::new();
    let mut contacts = 0usize;
    let mut contacts_expire_zero = 0usize;
    let mut expires_zero = false;
    for h in msg.headers() {
        let name = h.canonical();
        let v = h.value();
        if name.eq_ignore_ascii_case("CSeq") {
            cseq_method = v.split_whitespace().nth(1).unwrap_or("").to_string();
        } else if name.eq_ignore_ascii_case("Content-Type") {
            content_type = v.to_ascii_lowercase();
        } else if name.eq_ignore_ascii_case("Call-ID") {
            call_id = Some(v);
        } else if name.eq_ignore_ascii_case("Contact") {
            for c in v.split(',') {
                if c.trim().is_empty() {
                    continue;
                }
                contacts += 1;
                if c.split(';')
                    .any(|p| p.trim().eq_ignore_ascii_case("expires=0"))
                {
                    contacts_expire_zero += 1;
                }
            }
        } else if name.eq_ignore_ascii_case("Expires") && v.trim() == "0" {
            expires_zero = true;
        }
    }
    let _ = call_id;
    let sdp = !msg.body.is_empty() && content_type.starts_with("application/sdp");

    d.open_protocol(&SIP, src, pdu.offset, b.len());
    let what = match msg.start {
        StartLine::Request { method, .. } => method.to_string(),
        StartLine::Response { code, .. } => code.to_string(),
    };
    d.set_text(|| format!("Session Initiation Protocol ({what})"));
    if d.columns {
        d.protocol = if sdp { "SIP/SDP" } else { "SIP" };
        if over_udp {
            d.info.clear();
        }
        let register = match msg.start {
            StartLine::Request { method, uri } => {
                let _ = write!(d.info, "Request: {method} {uri}");
                method == "REGISTER"
            }
            StartLine::Response { code, reason } => {
                let _ = write!(d.info, "Status: {code} {reason}");
                if (200..300).contains(&code) && !cseq_method.is_empty() {
                    let _ = write!(d.info, " ({cseq_method})");
                }
                (200..300).contains(&code) && cseq_method == "REGISTER"
            }
        };
        if register {
            // Wireshark counts an `Expires: 0` header and each `;expires=0` contact.
            let removes = contacts_expire_zero + usize::from(expires_zero);
            let plural = |n: usize| if n == 1 { "" } else { "s" };
            if contacts == 0 {
                d.info.push_str("  (fetch bindings)");
            } else if removes > 0 {
                let _ = write!(d.info, "  (remove {removes} binding{})", plural(removes));
            } else {
                let _ = write!(d.info, "  ({contacts} binding{})", plural(contacts));
            }
        }
        d.info.push_str(" | ");
    }
    match msg.start {
        StartLine::Request { method, uri } => {
            d.field_in(
                src,
                &REQUEST_LINE,
                Value::str(line_text.as_str()),
                at(0),
                line.len(),
            );
            d.set_text(|| format!("Request-Line: {line_text}"));
            d.open();
            d.field_in(src, &METHOD, Value::str(method), at(0), method.len());
            let uo = method.len() + 1;
            d.field_in(src, &R_URI, Value::str(uri), at(uo), uri.len());
            let (user, host) = uri_parts(uri);
            d.open();
            if let Some(u) = user {
                d.field_in(src, &R_URI_USER, Value::str(u), at(uo), uri.len());
            }
            d.field_in(src, &R_URI_HOST, Value::str(host), at(uo), uri.len());
            d.close();
            d.close();
        }
        StartLine::Response { code, .. } => {
            d.field_in(
                src,
                &STATUS_LINE,
                Value::str(line_text.as_str()),
                at(0),
                line.len(),
            );
            d.set_text(|| format!("Status-Line: {line_text}"));
            d.open();
            d.field_in(src, &STATUS_CODE, Value::UInt(u64::from(code)), at(8), 3);
            d.close();
        }
    }
    let hdr_bytes = b.get(headers_start..headers_end).unwrap_or_default();
    d.field_in(
        src,
        &MSG_HDR,
        Value::str(String::from_utf8_lossy(hdr_bytes)),
        at(headers_start),
        hdr_bytes.len(),
    );
    d.set_text(|| "Message Header".to_string());
    d.open();
    for h in msg.headers() {
        let name = canonical_name(h.name);
        let value = h.value();
        let off = offset_in(b, h.name.as_bytes());
        let len = b
            .get(off..)
            .and_then(|r| r.iter().position(|&c| c == b'\n'))
            .unwrap_or(0);
        let line_len = b
            .get(off..off + len)
            .map_or(0, |l| l.strip_suffix(b"\r").map_or(l.len(), <[u8]>::len));
        let field = |n: &str| name.eq_ignore_ascii_case(n);
        let def: Option<&'static FieldDef> = if field("Via") {
            Some(&VIA)
        } else if field("From") {
            Some(&FROM)
        } else if field("To") {
            Some(&TO)
        } else if field("Call-ID") {
            Some(&CALL_ID)
        } else if field("CSeq") {
            Some(&CSEQ)
        } else if field("Contact") {
            Some(&CONTACT)
        } else if field("Content-Type") {
            Some(&CONTENT_TYPE)
        } else if field("User-Agent") {
            Some(&USER_AGENT)
        } else {
            None
        };
        let numeric: Option<&'static FieldDef> = if field("Content-Length") {
            Some(&CONTENT_LENGTH)
        } else if field("Max-Forwards") {
            Some(&MAX_FORWARDS)
        } else if field("Expires") {
            Some(&EXPIRES)
        } else {
            None
        };
        if let Some(def) = def {
            d.field_in(src, def, Value::str(value.as_str()), at(off), line_len);
            d.set_text(|| format!("{name}: {value}"));
        } else if let Some(def) = numeric {
            match value.trim().parse::<u32>() {
                Ok(n) => {
                    d.field_in(src, def, Value::UInt(u64::from(n)), at(off), line_len);
                    d.set_text(|| format!("{name}: {value}"));
                }
                Err(_) => text(d, src, at(off), line_len, format!("{name}: {value}")),
            }
        } else {
            text(d, src, at(off), line_len, format!("{name}: {value}"));
        }
        d.open();
        if field("From") || field("To") {
            let from = field("From");
            let uri = uri_of(&value);
            let (user, host) = uri_parts(uri);
            let (addr_def, user_def, host_def, tag_def) = if from {
                (&FROM_ADDR, &FROM_USER, &FROM_HOST, &FROM_TAG)
            } else {
                (&TO_ADDR, &TO_USER, &TO_HOST, &TO_TAG)
            };
            d.field_in(src, addr_def, Value::str(uri), at(off), line_len);
            if let Some(u) = user {
                d.field_in(src, user_def, Value::str(u), at(off), line_len);
            }
            d.field_in(src, host_def, Value::str(host), at(off), line_len);
            if let Some(t) = tag_of(&value) {
                d.field_in(src, tag_def, Value::str(t), at(off), line_len);
            }
        } else if field("CSeq") {
            let mut parts = value.split_whitespace();
            if let Some(n) = parts.next().and_then(|n| n.parse::<u32>().ok()) {
                d.field_in(src, &CSEQ_SEQ, Value::UInt(u64::from(n)), at(off), line_len);
            }
            if let Some(m) = parts.next() {
                d.field_in(src, &CSEQ_METHOD, Value::str(m), at(off), line_len);
            }
        }
        d.close();
    }
    d.close();
    if sdp {
        dissect_sdp(d, src, at(body_off), msg.body);
    }
    true
}

fn text(d: &mut Dissection, src: u8, start: usize, len: usize, t: String) {
    if d.is_tree() {
        d.field_in(src, &TEXT, Value::None, start, len);
        d.set_text(|| t);
    }
}

/// An SDP body at `start`.
fn dissect_sdp(d: &mut Dissection, src: u8, start: usize, body: &[u8]) {
    if d.is_tree() {
        d.field_in(src, &TEXT, Value::None, start, body.len());
        d.set_text(|| "Message Body".to_string());
    }
    d.open_protocol(&SDP, src, start, body.len());
    let mut off = 0usize;
    let mut in_media = false;
    for raw in body.split(|&c| c == b'\n') {
        let here = off;
        off += raw.len() + 1;
        let line = raw.strip_suffix(b"\r").unwrap_or(raw);
        let Ok(line) = std::str::from_utf8(line) else {
            continue;
        };
        let Some((kind, value)) = line.split_once('=') else {
            continue;
        };
        let def: &'static FieldDef = match kind {
            "v" => &SDP_VERSION,
            "o" => &SDP_OWNER,
            "s" => &SDP_SESSION_NAME,
            "c" => &SDP_CONNECTION_INFO,
            "t" => &SDP_TIME,
            "m" => {
                in_media = true;
                &SDP_MEDIA
            }
            "a" if in_media => &SDP_MEDIA_ATTR,
            "a" => &SDP_SESSION_ATTR,
            _ => continue,
        };
        let at = start + here;
        d.field_in(src, def, Value::str(value), at, line.len());
        d.set_text(|| format!("{}: {value}", def.label));
        d.open();
        let mut parts = value.split_whitespace();
        match kind {
            "o" => {
                if let Some(u) = parts.next() {
                    d.field_in(src, &SDP_OWNER_USERNAME, Value::str(u), at + 2, u.len());
                }
            }
            "c" => {
                if let Some(a) = parts.nth(2) {
                    d.field_in(src, &SDP_CONNECTION_ADDRESS, Value::str(a), at, line.len());
                }
            }
            "m" => {
                if let Some(m) = parts.next() {
                    d.field_in(src, &SDP_MEDIA_MEDIA, Value::str(m), at + 2, m.len());
                }
                if let Some(p) = parts.next() {
                    let port = p.split('/').next().and_then(|x| x.parse::<u16>().ok());
                    if let Some(port) = port {
                        d.field_in(
                            src,
                            &SDP_MEDIA_PORT,
                            Value::UInt(u64::from(port)),
                            at,
                            line.len(),
                        );
                    }
                }
                if let Some(p) = parts.next() {
                    d.field_in(src, &SDP_MEDIA_PROTO, Value::str(p), at, line.len());
                }
                for f in parts {
                    d.field_in(src, &SDP_MEDIA_FORMAT, Value::str(f), at, line.len());
                }
            }
            _ => {}
        }
        d.close();
    }
}
