//! `tls`: TLS records over TCP (reassembled across segments by `app`), as Wireshark's
//! `packet-tls.c` shows them without keys: record headers, handshake messages (hellos with
//! their extensions in detail), alerts, and the session's version.
//!
//! The Protocol column is the session's version (from the ServerHello, its supported_versions
//! extension first); before it is known, the record's version. Wireshark keeps the session of
//! the first pass, so with two passes every frame of the stream shows the final version: the
//! first pass learns it for the frames dissected before the ServerHello.

use std::collections::HashMap;

use super::super::engine::FrameCtx;
use super::super::field::{Base, FieldDef, FieldType as T, Value};
use super::super::tree::Dissection;
use super::app::{Framing, Pdu, TcpPayload, TEXT};
use crate::decode::tls::RecordHeader;

pub static TLS: FieldDef = FieldDef::protocol("tls", "Transport Layer Security");

/// Record content types (`ssl_31_content_type`).
pub static CONTENT_TYPES: &[(u64, &str)] = &[
    (20, "Change Cipher Spec"),
    (21, "Alert"),
    (22, "Handshake"),
    (23, "Application Data"),
    (24, "Heartbeat"),
    (25, "Connection ID"),
];

/// Handshake message types (`ssl_31_handshake_type`).
pub static HANDSHAKE_TYPES: &[(u64, &str)] = &[
    (0, "Hello Request"),
    (1, "Client Hello"),
    (2, "Server Hello"),
    (3, "Hello Verify Request"),
    (4, "New Session Ticket"),
    (5, "End of Early Data"),
    (6, "Hello Retry Request"),
    (8, "Encrypted Extensions"),
    (11, "Certificate"),
    (12, "Server Key Exchange"),
    (13, "Certificate Request"),
    (14, "Server Hello Done"),
    (15, "Certificate Verify"),
    (16, "Client Key Exchange"),
    (20, "Finished"),
    (21, "Client Certificate URL"),
    (22, "Certificate Status"),
    (23, "Supplemental Data"),
    (24, "Key Update"),
    (25, "Compressed Certificate"),
    (67, "Encrypted Extensions"),
];

/// Protocol versions (`ssl_versions`).
pub static VERSIONS: &[(u64, &str)] = &[
    (0x0002, "SSL 2.0"),
    (0x0300, "SSL 3.0"),
    (0x0301, "TLS 1.0"),
    (0x0302, "TLS 1.1"),
    (0x0303, "TLS 1.2"),
    (0x0304, "TLS 1.3"),
    (0xfeff, "DTLS 1.0"),
    (0xfefd, "DTLS 1.2"),
];

/// Alert levels.
pub static ALERT_LEVELS: &[(u64, &str)] = &[(1, "Warning"), (2, "Fatal")];

/// Alert descriptions (`ssl_31_alert_description`).
pub static ALERT_DESCRIPTIONS: &[(u64, &str)] = &[
    (0, "Close Notify"),
    (1, "End of Early Data"),
    (10, "Unexpected Message"),
    (20, "Bad Record MAC"),
    (21, "Decryption Failed"),
    (22, "Record Overflow"),
    (30, "Decompression Failure"),
    (40, "Handshake Failure"),
    (41, "No Certificate"),
    (42, "Bad Certificate"),
    (43, "Unsupported Certificate"),
    (44, "Certificate Revoked"),
    (45, "Certificate Expired"),
    (46, "Certificate Unknown"),
    (47, "Illegal Parameter"),
    (48, "Unknown CA"),
    (49, "Access Denied"),
    (50, "Decode Error"),
    (51, "Decrypt Error"),
    (60, "Export Restriction"),
    (70, "Protocol Version"),
    (71, "Insufficient Security"),
    (80, "Internal Error"),
    (86, "Inappropriate Fallback"),
    (90, "User Canceled"),
    (100, "No Renegotiation"),
    (109, "Missing Extension"),
    (110, "Unsupported Extension"),
    (111, "Certificate Unobtainable"),
    (112, "Unrecognized Name"),
    (113, "Bad Certificate Status Response"),
    (114, "Bad Certificate Hash Value"),
    (115, "Unknown PSK Identity"),
    (116, "Certificate Required"),
    (120, "No application Protocol"),
    (121, "ECH Required"),
];

/// Extension types (`tls_hello_extension_types`, the common ones).
pub static EXTENSION_TYPES: &[(u64, &str)] = &[
    (0, "server_name"),
    (1, "max_fragment_length"),
    (5, "status_request"),
    (10, "supported_groups"),
    (11, "ec_point_formats"),
    (13, "signature_algorithms"),
    (14, "use_srtp"),
    (15, "heartbeat"),
    (16, "application_layer_protocol_negotiation"),
    (17, "status_request_v2"),
    (18, "signed_certificate_timestamp"),
    (21, "padding"),
    (22, "encrypt_then_mac"),
    (23, "extended_master_secret"),
    (27, "compress_certificate"),
    (28, "record_size_limit"),
    (34, "delegated_credentials"),
    (35, "session_ticket"),
    (41, "pre_shared_key"),
    (42, "early_data"),
    (43, "supported_versions"),
    (44, "cookie"),
    (45, "psk_key_exchange_modes"),
    (47, "certificate_authorities"),
    (49, "post_handshake_auth"),
    (50, "signature_algorithms_cert"),
    (51, "key_share"),
    (57, "quic_transport_parameters"),
    (13172, "next_protocol_negotiation"),
    (17513, "application_settings"),
    (65037, "encrypted_client_hello"),
    (65281, "renegotiation_info"),
];

pub static RECORD: FieldDef = FieldDef::new("tls.record", "Record Layer", T::None, Base::None);
pub static RECORD_CONTENT_TYPE: FieldDef =
    FieldDef::new("tls.record.content_type", "Content Type", T::U8, Base::Dec)
        .with_strings(CONTENT_TYPES);
pub static RECORD_OPAQUE_TYPE: FieldDef =
    FieldDef::new("tls.record.opaque_type", "Opaque Type", T::U8, Base::Dec)
        .with_strings(CONTENT_TYPES);
pub static RECORD_VERSION: FieldDef =
    FieldDef::new("tls.record.version", "Version", T::U16, Base::Hex).with_strings(VERSIONS);
pub static RECORD_LENGTH: FieldDef =
    FieldDef::new("tls.record.length", "Length", T::U16, Base::Dec);
pub static APP_DATA: FieldDef = FieldDef::new(
    "tls.app_data",
    "Encrypted Application Data",
    T::Bytes,
    Base::None,
);
pub static CHANGE_CIPHER_SPEC: FieldDef = FieldDef::new(
    "tls.change_cipher_spec",
    "Change Cipher Spec Message",
    T::None,
    Base::None,
);
pub static ALERT_MESSAGE: FieldDef =
    FieldDef::new("tls.alert_message", "Alert Message", T::None, Base::None);
pub static ALERT_LEVEL: FieldDef =
    FieldDef::new("tls.alert_message.level", "Level", T::U8, Base::Dec).with_strings(ALERT_LEVELS);
pub static ALERT_DESC: FieldDef =
    FieldDef::new("tls.alert_message.desc", "Description", T::U8, Base::Dec)
        .with_strings(ALERT_DESCRIPTIONS);
pub static HANDSHAKE: FieldDef =
    FieldDef::new("tls.handshake", "Handshake Protocol", T::None, Base::None);
pub static HANDSHAKE_TYPE: FieldDef =
    FieldDef::new("tls.handshake.type", "Handshake Type", T::U8, Base::Dec)
        .with_strings(HANDSHAKE_TYPES);
pub static HANDSHAKE_LENGTH: FieldDef =
    FieldDef::new("tls.handshake.length", "Length", T::U24, Base::Dec);
pub static HANDSHAKE_VERSION: FieldDef =
    FieldDef::new("tls.handshake.version", "Version", T::U16, Base::Hex).with_strings(VERSIONS);
pub static HANDSHAKE_RANDOM: FieldDef =
    FieldDef::new("tls.handshake.random", "Random", T::Bytes, Base::None);
pub static HANDSHAKE_SESSION_ID_LENGTH: FieldDef = FieldDef::new(
    "tls.handshake.session_id_length",
    "Session ID Length",
    T::U16,
    Base::Dec,
);
pub static HANDSHAKE_SESSION_ID: FieldDef = FieldDef::new(
    "tls.handshake.session_id",
    "Session ID",
    T::Bytes,
    Base::None,
);
pub static HANDSHAKE_CIPHER_SUITES_LENGTH: FieldDef = FieldDef::new(
    "tls.handshake.cipher_suites_length",
    "Cipher Suites Length",
    T::U16,
    Base::Dec,
);
pub static HANDSHAKE_CIPHERSUITES: FieldDef = FieldDef::new(
    "tls.handshake.ciphersuites",
    "Cipher Suites",
    T::None,
    Base::None,
);
pub static HANDSHAKE_CIPHERSUITE: FieldDef = FieldDef::new(
    "tls.handshake.ciphersuite",
    "Cipher Suite",
    T::U16,
    Base::Hex,
);
pub static HANDSHAKE_COMP_METHODS_LENGTH: FieldDef = FieldDef::new(
    "tls.handshake.comp_methods_length",
    "Compression Methods Length",
    T::U8,
    Base::Dec,
);
pub static HANDSHAKE_COMP_METHOD: FieldDef = FieldDef::new(
    "tls.handshake.comp_method",
    "Compression Method",
    T::U8,
    Base::Dec,
);
pub static HANDSHAKE_EXTENSIONS_LENGTH: FieldDef = FieldDef::new(
    "tls.handshake.extensions_length",
    "Extensions Length",
    T::U16,
    Base::Dec,
);
pub static EXTENSION_TYPE: FieldDef =
    FieldDef::new("tls.handshake.extension.type", "Type", T::U16, Base::Dec)
        .with_strings(EXTENSION_TYPES);
pub static EXTENSION_LEN: FieldDef =
    FieldDef::new("tls.handshake.extension.len", "Length", T::U16, Base::Dec);
pub static SERVER_NAME_LIST_LEN: FieldDef = FieldDef::new(
    "tls.handshake.extensions_server_name_list_len",
    "Server Name list length",
    T::U16,
    Base::Dec,
);
pub static SERVER_NAME_TYPE: FieldDef = FieldDef::new(
    "tls.handshake.extensions_server_name_type",
    "Server Name Type",
    T::U8,
    Base::Dec,
);
pub static SERVER_NAME_LEN: FieldDef = FieldDef::new(
    "tls.handshake.extensions_server_name_len",
    "Server Name length",
    T::U16,
    Base::Dec,
);
pub static SERVER_NAME: FieldDef = FieldDef::new(
    "tls.handshake.extensions_server_name",
    "Server Name",
    T::Str,
    Base::None,
);
pub static ALPN_LEN: FieldDef = FieldDef::new(
    "tls.handshake.extensions_alpn_len",
    "ALPN Extension Length",
    T::U16,
    Base::Dec,
);
pub static ALPN_STR_LEN: FieldDef = FieldDef::new(
    "tls.handshake.extensions_alpn_str_len",
    "ALPN string length",
    T::U8,
    Base::Dec,
);
pub static ALPN_STR: FieldDef = FieldDef::new(
    "tls.handshake.extensions_alpn_str",
    "ALPN Next Protocol",
    T::Str,
    Base::None,
);
pub static SUPPORTED_VERSIONS_LEN: FieldDef = FieldDef::new(
    "tls.handshake.extensions.supported_versions_len",
    "Supported Versions length",
    T::U8,
    Base::Dec,
);
pub static SUPPORTED_VERSION: FieldDef = FieldDef::new(
    "tls.handshake.extensions.supported_version",
    "Supported Version",
    T::U16,
    Base::Hex,
)
.with_strings(VERSIONS);

pub static FIELDS: &[&FieldDef] = &[
    &TLS,
    &RECORD,
    &RECORD_CONTENT_TYPE,
    &RECORD_OPAQUE_TYPE,
    &RECORD_VERSION,
    &RECORD_LENGTH,
    &APP_DATA,
    &CHANGE_CIPHER_SPEC,
    &ALERT_MESSAGE,
    &ALERT_LEVEL,
    &ALERT_DESC,
    &HANDSHAKE,
    &HANDSHAKE_TYPE,
    &HANDSHAKE_LENGTH,
    &HANDSHAKE_VERSION,
    &HANDSHAKE_RANDOM,
    &HANDSHAKE_SESSION_ID_LENGTH,
    &HANDSHAKE_SESSION_ID,
    &HANDSHAKE_CIPHER_SUITES_LENGTH,
    &HANDSHAKE_CIPHERSUITES,
    &HANDSHAKE_CIPHERSUITE,
    &HANDSHAKE_COMP_METHODS_LENGTH,
    &HANDSHAKE_COMP_METHOD,
    &HANDSHAKE_EXTENSIONS_LENGTH,
    &EXTENSION_TYPE,
    &EXTENSION_LEN,
    &SERVER_NAME_LIST_LEN,
    &SERVER_NAME_TYPE,
    &SERVER_NAME_LEN,
    &SERVER_NAME,
    &ALPN_LEN,
    &ALPN_STR_LEN,
    &ALPN_STR,
    &SUPPORTED_VERSIONS_LEN,
    &SUPPORTED_VERSION,
];

/// Not registered: carries a stream's session version from the first pass to the frames
/// dissected before its ServerHello.
static SESSION_VERSION: FieldDef =
    FieldDef::new("_pcaplens.tls.session_version", "", T::U16, Base::Hex);

/// TLS streams whose session state is kept.
pub const MAX_SESSIONS: usize = 65_536;
/// Frames remembered per stream until the session version is known.
pub const MAX_EARLY_FRAMES: usize = 64;
/// Largest record reassembled (2^14 plus expansion, plus the header): longer lengths are not
/// TLS records.
pub const MAX_RECORD: usize = 5 + 16384 + 2048;

/// One TLS session (a TCP stream).
#[derive(Debug, Default)]
struct Session {
    version: Option<u16>,
    /// Change Cipher Spec seen, client to server and server to client.
    ccs: [bool; 2],
    /// Frames dissected before the version was known (first pass).
    early: Vec<u64>,
}

/// TLS state per TCP stream.
#[derive(Debug, Default)]
pub struct TlsState {
    sessions: HashMap<u64, Session>,
    /// The frame and data source of the last `tls` layer opened (records of one segment or
    /// reassembled PDU share it).
    open_layer: Option<(u64, u8)>,
}

/// Wireshark's TLS heuristic: the bytes start with a plausible record header.
pub(crate) fn heuristic(b: &[u8]) -> bool {
    RecordHeader::parse(b).is_some_and(|h| h.is_plausible())
}

/// One record, or the rest of the bytes when they are not a record.
pub(crate) fn frame(b: &[u8]) -> Framing {
    let Some(h) = RecordHeader::parse(b) else {
        // Fewer than five bytes: a record header split across segments, if it starts like one.
        return if b.len() < 5 && looks_like_start(b) {
            Framing::Need(None)
        } else {
            Framing::Pdu(b.len())
        };
    };
    if !h.is_plausible_type_and_version() || usize::from(h.length) + 5 > MAX_RECORD {
        return Framing::Pdu(b.len());
    }
    let total = 5 + usize::from(h.length);
    if b.len() >= total {
        Framing::Pdu(total)
    } else {
        Framing::Need(Some(total))
    }
}

fn looks_like_start(b: &[u8]) -> bool {
    match b {
        [] => false,
        [t] => (20..=24).contains(t),
        [t, 3, ..] => (20..=24).contains(t),
        _ => false,
    }
}

fn name_of(table: &[(u64, &'static str)], v: u64) -> Option<&'static str> {
    table.iter().find(|(n, _)| *n == v).map(|(_, s)| *s)
}

/// The Protocol column's name for a version.
fn short_name(v: u16) -> &'static str {
    match v {
        0x0002 => "SSLv2",
        0x0300 => "SSLv3",
        0x0301 => "TLSv1",
        0x0302 => "TLSv1.1",
        0x0303 => "TLSv1.2",
        0x0304 => "TLSv1.3",
        _ => "TLS",
    }
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|x| u16::from_be_bytes([x[0], x[1]]))
}

fn be24(b: &[u8], at: usize) -> Option<u32> {
    b.get(at..at + 3)
        .map(|x| u32::from_be_bytes([0, x[0], x[1], x[2]]))
}

impl TlsState {
    /// Dissects one record (or bytes that are not one); `more` when an earlier PDU of this
    /// frame was dissected.
    pub(crate) fn dissect_record(
        &mut self,
        ctx: &mut FrameCtx<'_>,
        d: &mut Dissection,
        p: &TcpPayload<'_>,
        pdu: Pdu<'_>,
        more: bool,
    ) -> bool {
        if !self.sessions.contains_key(&p.stream) && self.sessions.len() >= MAX_SESSIONS {
            return false;
        }
        let dir = usize::from(!p.from_client);
        let b = pdu.bytes;
        let src = pdu.source;
        let at = |i: usize| pdu.offset + i;
        if !more || self.open_layer != Some((ctx.number, src)) {
            d.open_protocol(&TLS, src, pdu.offset, b.len());
            self.open_layer = Some((ctx.number, src));
        }
        let session = self.sessions.entry(p.stream).or_default();
        let learned = ctx
            .annotations
            .get(ctx.number, &SESSION_VERSION)
            .find_map(Value::as_u64)
            .and_then(|v| u16::try_from(v).ok());
        let header = RecordHeader::parse(b).filter(|h| h.is_plausible_type_and_version());
        let Some(h) = header else {
            // Not a record: continuation of one we could not follow.
            if d.columns {
                d.protocol = short_name(session.version.or(learned).unwrap_or(0x0303));
                push_info(d, more, "Continuation Data");
            }
            return true;
        };
        let body = b.get(5..).unwrap_or_default();
        let body = body.get(..usize::from(h.length)).unwrap_or(body);
        // A ServerHello fixes the session's version before the columns are written.
        // Any other record than a ClientHello sets an unknown version from its own (Wireshark's
        // `ssl_try_set_version`).
        let mut set = None;
        if h.content_type == 22 && !session.ccs[dir] {
            set = server_hello_version(body);
        }
        let client_hello = h.content_type == 22 && body.first() == Some(&1);
        if set.is_none()
            && session.version.is_none()
            && !client_hello
            && (0x0300..=0x0304).contains(&h.version)
        {
            set = Some(h.version);
        }
        if let Some(v) = set {
            if session.version.is_none() {
                for f in std::mem::take(&mut session.early) {
                    ctx.learn(f, &SESSION_VERSION, Value::UInt(u64::from(v)));
                }
            }
            session.version = Some(v);
        }
        let version = session.version.or(learned);
        if version.is_none()
            && session.early.len() < MAX_EARLY_FRAMES
            && session.early.last() != Some(&ctx.number)
        {
            session.early.push(ctx.number);
        }
        let shown_version = version.unwrap_or(h.version);
        let tls13 = version == Some(0x0304);
        let encrypted = session.ccs[dir];
        if h.content_type == 20 {
            session.ccs[dir] = true;
        }
        if d.columns {
            d.protocol = short_name(shown_version);
        }
        // The record layer.
        let ct_name = name_of(CONTENT_TYPES, u64::from(h.content_type)).unwrap_or("Unknown");
        let rec_len = (5 + usize::from(h.length)).min(b.len());
        d.field_in(src, &RECORD, Value::None, at(0), rec_len);
        let https = p.src_port == 443 || p.dst_port == 443;
        let vname = short_name(shown_version);
        d.set_text(|| {
            let what = match h.content_type {
                22 if encrypted => "Handshake Protocol: Encrypted Handshake Message".to_string(),
                22 => {
                    let names: Vec<&str> = handshake_messages(body)
                        .map(|(t, _, _)| {
                            name_of(HANDSHAKE_TYPES, u64::from(t)).unwrap_or("Unknown")
                        })
                        .collect();
                    if names.is_empty() {
                        "Handshake Protocol: Encrypted Handshake Message".to_string()
                    } else {
                        format!("Handshake Protocol: {}", names.join(", "))
                    }
                }
                20 => "Change Cipher Spec Protocol: Change Cipher Spec".to_string(),
                21 if encrypted || h.length != 2 => "Alert Protocol: Encrypted Alert".to_string(),
                21 => "Alert Protocol".to_string(),
                23 => format!(
                    "Application Data Protocol: {}",
                    if https {
                        "Hypertext Transfer Protocol"
                    } else {
                        "Application Data"
                    }
                ),
                _ => format!("{ct_name} Protocol"),
            };
            format!("{vname} Record Layer: {what}")
        });
        d.open();
        let ct = Value::UInt(u64::from(h.content_type));
        if tls13 && h.content_type == 23 {
            d.field_in(src, &RECORD_OPAQUE_TYPE, ct, at(0), 1);
        } else {
            d.field_in(src, &RECORD_CONTENT_TYPE, ct, at(0), 1);
        }
        d.field_in(
            src,
            &RECORD_VERSION,
            Value::UInt(u64::from(h.version)),
            at(1),
            2,
        );
        d.field_in(
            src,
            &RECORD_LENGTH,
            Value::UInt(u64::from(h.length)),
            at(3),
            2,
        );
        let bo = 5;
        match h.content_type {
            20 => {
                d.field_in(src, &CHANGE_CIPHER_SPEC, Value::None, at(bo), body.len());
                push_info(d, more, "Change Cipher Spec");
            }
            21 => {
                if encrypted || body.len() != 2 {
                    push_info(d, more, "Encrypted Alert");
                } else {
                    let (level, desc) = (body[0], body[1]);
                    d.field_in(src, &ALERT_MESSAGE, Value::None, at(bo), 2);
                    d.open();
                    d.field_in(src, &ALERT_LEVEL, Value::UInt(u64::from(level)), at(bo), 1);
                    d.field_in(
                        src,
                        &ALERT_DESC,
                        Value::UInt(u64::from(desc)),
                        at(bo + 1),
                        1,
                    );
                    d.close();
                    if d.columns {
                        let text = format!(
                            "Alert (Level: {}, Description: {})",
                            name_of(ALERT_LEVELS, u64::from(level)).unwrap_or("Unknown"),
                            name_of(ALERT_DESCRIPTIONS, u64::from(desc)).unwrap_or("Unknown")
                        );
                        push_info(d, more, &text);
                    }
                }
            }
            22 => {
                let messages: Vec<(u8, usize, usize)> = if encrypted {
                    Vec::new()
                } else {
                    handshake_messages(body).collect()
                };
                if messages.is_empty() {
                    push_info(d, more, "Encrypted Handshake Message");
                }
                let mut first = true;
                for (t, off, len) in messages {
                    let name = name_of(HANDSHAKE_TYPES, u64::from(t)).unwrap_or("Unknown");
                    push_info(d, more || !first, name);
                    first = false;
                    let msg = body.get(off..off + 4 + len).unwrap_or_default();
                    dissect_handshake(d, src, at(bo + off), t, msg, name);
                }
            }
            23 => {
                d.field_in(src, &APP_DATA, Value::bytes(body), at(bo), body.len());
                push_info(d, more, "Application Data");
            }
            24 => push_info(
                d,
                more,
                if encrypted {
                    "Encrypted Heartbeat"
                } else {
                    "Heartbeat"
                },
            ),
            _ => push_info(d, more, "Ignored Unknown Record"),
        }
        d.close();
        true
    }
}

/// Appends to the Info column with Wireshark's ", " separator.
fn push_info(d: &mut Dissection, more: bool, text: &str) {
    if !d.columns {
        return;
    }
    if more && !d.info.is_empty() && !d.info.ends_with("] ") {
        d.info.push_str(", ");
    }
    d.info.push_str(text);
}

/// The handshake messages of a plaintext handshake record: (type, offset, body length). Stops
/// at the first unknown type or a length past the record (then it is encrypted, or a fragment).
fn handshake_messages(body: &[u8]) -> impl Iterator<Item = (u8, usize, usize)> + '_ {
    let mut off = 0usize;
    std::iter::from_fn(move || {
        let t = *body.get(off)?;
        let len = be24(body, off + 1)? as usize;
        name_of(HANDSHAKE_TYPES, u64::from(t))?;
        if off + 4 + len > body.len() && off != 0 {
            return None;
        }
        let here = off;
        off += 4 + len;
        Some((t, here, len))
    })
}

/// The version a ServerHello selects (supported_versions first).
fn server_hello_version(body: &[u8]) -> Option<u16> {
    if *body.first()? != 2 {
        return None;
    }
    let msg = body.get(4..)?;
    let legacy = be16(msg, 0)?;
    let mut o = 2 + 32;
    let sid_len = usize::from(*msg.get(o)?);
    o += 1 + sid_len + 2 + 1;
    let Some(ext_len) = be16(msg, o) else {
        return Some(legacy);
    };
    let exts = msg
        .get(o + 2..o + 2 + usize::from(ext_len))
        .unwrap_or_default();
    let mut e = 0usize;
    while let (Some(t), Some(l)) = (be16(exts, e), be16(exts, e + 2)) {
        if t == 43 {
            if let Some(v) = be16(exts, e + 4) {
                return Some(v);
            }
        }
        e += 4 + usize::from(l);
    }
    Some(legacy)
}

/// One handshake message (`msg` includes its 4-byte header) at `start` in source `src`.
fn dissect_handshake(d: &mut Dissection, src: u8, start: usize, t: u8, msg: &[u8], name: &str) {
    let len = be24(msg, 1).unwrap_or(0);
    d.field_in(src, &HANDSHAKE, Value::None, start, msg.len());
    d.set_text(|| format!("Handshake Protocol: {name}"));
    d.open();
    d.field_in(src, &HANDSHAKE_TYPE, Value::UInt(u64::from(t)), start, 1);
    d.field_in(
        src,
        &HANDSHAKE_LENGTH,
        Value::UInt(u64::from(len)),
        start + 1,
        3,
    );
    if t == 1 || t == 2 {
        hello(d, src, start + 4, t == 1, msg.get(4..).unwrap_or_default());
    }
    d.close();
}

/// A ClientHello or ServerHello body at `start`.
fn hello(d: &mut Dissection, src: u8, start: usize, client: bool, b: &[u8]) {
    let at = |i: usize| start + i;
    let Some(version) = be16(b, 0) else { return };
    d.field_in(
        src,
        &HANDSHAKE_VERSION,
        Value::UInt(u64::from(version)),
        at(0),
        2,
    );
    let Some(random) = b.get(2..34) else { return };
    d.field_in(src, &HANDSHAKE_RANDOM, Value::bytes(random), at(2), 32);
    let Some(&sid_len) = b.get(34) else { return };
    d.field_in(
        src,
        &HANDSHAKE_SESSION_ID_LENGTH,
        Value::UInt(u64::from(sid_len)),
        at(34),
        1,
    );
    let sid_len = usize::from(sid_len);
    let Some(sid) = b.get(35..35 + sid_len) else {
        return;
    };
    if sid_len > 0 {
        d.field_in(
            src,
            &HANDSHAKE_SESSION_ID,
            Value::bytes(sid),
            at(35),
            sid_len,
        );
    }
    let mut o = 35 + sid_len;
    if client {
        let Some(cs_len) = be16(b, o) else { return };
        d.field_in(
            src,
            &HANDSHAKE_CIPHER_SUITES_LENGTH,
            Value::UInt(u64::from(cs_len)),
            at(o),
            2,
        );
        let cs_len = usize::from(cs_len);
        let Some(suites) = b.get(o + 2..o + 2 + cs_len) else {
            return;
        };
        d.field_in(src, &HANDSHAKE_CIPHERSUITES, Value::None, at(o + 2), cs_len);
        d.set_text(|| format!("Cipher Suites ({} suites)", cs_len / 2));
        d.open();
        for (i, c) in suites.chunks_exact(2).enumerate() {
            let v = u16::from_be_bytes([c[0], c[1]]);
            d.field_in(
                src,
                &HANDSHAKE_CIPHERSUITE,
                Value::UInt(u64::from(v)),
                at(o + 2 + 2 * i),
                2,
            );
        }
        d.close();
        o += 2 + cs_len;
        let Some(&cm_len) = b.get(o) else { return };
        d.field_in(
            src,
            &HANDSHAKE_COMP_METHODS_LENGTH,
            Value::UInt(u64::from(cm_len)),
            at(o),
            1,
        );
        let cm_len = usize::from(cm_len);
        let Some(methods) = b.get(o + 1..o + 1 + cm_len) else {
            return;
        };
        for (i, &m) in methods.iter().enumerate() {
            d.field_in(
                src,
                &HANDSHAKE_COMP_METHOD,
                Value::UInt(u64::from(m)),
                at(o + 1 + i),
                1,
            );
        }
        o += 1 + cm_len;
    } else {
        let Some(cs) = be16(b, o) else { return };
        d.field_in(
            src,
            &HANDSHAKE_CIPHERSUITE,
            Value::UInt(u64::from(cs)),
            at(o),
            2,
        );
        let Some(&m) = b.get(o + 2) else { return };
        d.field_in(
            src,
            &HANDSHAKE_COMP_METHOD,
            Value::UInt(u64::from(m)),
            at(o + 2),
            1,
        );
        o += 3;
    }
    let Some(ext_len) = be16(b, o) else { return };
    d.field_in(
        src,
        &HANDSHAKE_EXTENSIONS_LENGTH,
        Value::UInt(u64::from(ext_len)),
        at(o),
        2,
    );
    o += 2;
    let end = (o + usize::from(ext_len)).min(b.len());
    while o + 4 <= end {
        let (Some(t), Some(l)) = (be16(b, o), be16(b, o + 2)) else {
            break;
        };
        let l = usize::from(l);
        let Some(data) = b.get(o + 4..o + 4 + l) else {
            break;
        };
        let tname = name_of(EXTENSION_TYPES, u64::from(t)).unwrap_or("Unknown");
        if d.is_tree() {
            d.field_in(src, &TEXT, Value::None, at(o), 4 + l);
            d.set_text(|| format!("Extension: {tname} (len={l})"));
        }
        d.open();
        d.field_in(src, &EXTENSION_TYPE, Value::UInt(u64::from(t)), at(o), 2);
        d.field_in(src, &EXTENSION_LEN, Value::UInt(l as u64), at(o + 2), 2);
        let eo = o + 4;
        match t {
            0 if client => {
                if let Some(list_len) = be16(data, 0) {
                    d.field_in(
                        src,
                        &SERVER_NAME_LIST_LEN,
                        Value::UInt(u64::from(list_len)),
                        at(eo),
                        2,
                    );
                    let mut s = 2usize;
                    while let (Some(&nt), Some(nl)) = (data.get(s), be16(data, s + 1)) {
                        let nl = usize::from(nl);
                        let Some(name) = data.get(s + 3..s + 3 + nl) else {
                            break;
                        };
                        d.field_in(
                            src,
                            &SERVER_NAME_TYPE,
                            Value::UInt(u64::from(nt)),
                            at(eo + s),
                            1,
                        );
                        d.field_in(
                            src,
                            &SERVER_NAME_LEN,
                            Value::UInt(nl as u64),
                            at(eo + s + 1),
                            2,
                        );
                        d.field_in(
                            src,
                            &SERVER_NAME,
                            Value::str(String::from_utf8_lossy(name)),
                            at(eo + s + 3),
                            nl,
                        );
                        s += 3 + nl;
                    }
                }
            }
            16 => {
                if let Some(alpn_len) = be16(data, 0) {
                    d.field_in(src, &ALPN_LEN, Value::UInt(u64::from(alpn_len)), at(eo), 2);
                    let mut s = 2usize;
                    while let Some(&sl) = data.get(s) {
                        let sl = usize::from(sl);
                        let Some(proto) = data.get(s + 1..s + 1 + sl) else {
                            break;
                        };
                        d.field_in(src, &ALPN_STR_LEN, Value::UInt(sl as u64), at(eo + s), 1);
                        d.field_in(
                            src,
                            &ALPN_STR,
                            Value::str(String::from_utf8_lossy(proto)),
                            at(eo + s + 1),
                            sl,
                        );
                        s += 1 + sl;
                    }
                }
            }
            43 if client => {
                if let Some(&vl) = data.first() {
                    d.field_in(
                        src,
                        &SUPPORTED_VERSIONS_LEN,
                        Value::UInt(u64::from(vl)),
                        at(eo),
                        1,
                    );
                    let list = data.get(1..1 + usize::from(vl)).unwrap_or_default();
                    for (i, c) in list.chunks_exact(2).enumerate() {
                        let v = u16::from_be_bytes([c[0], c[1]]);
                        d.field_in(
                            src,
                            &SUPPORTED_VERSION,
                            Value::UInt(u64::from(v)),
                            at(eo + 1 + 2 * i),
                            2,
                        );
                    }
                }
            }
            43 => {
                if let Some(v) = be16(data, 0) {
                    d.field_in(
                        src,
                        &SUPPORTED_VERSION,
                        Value::UInt(u64::from(v)),
                        at(eo),
                        2,
                    );
                }
            }
            _ => {}
        }
        d.close();
        o += 4 + l;
    }
}
