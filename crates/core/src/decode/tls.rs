//! TLS wire views (RFC 8446 / 5246): record headers, handshake headers, ClientHello and
//! ServerHello, and their extensions.
//!
//! smoltcp style: [`RecordHeader`], [`ClientHello`] and [`ServerHello`] borrow the bytes they
//! describe and check every length before reading; a malformed field ends parsing of that part
//! (`None`, or an iterator that stops) instead of panicking. [`ClientHelloInfo`] and
//! [`ServerHelloInfo`] are the small owned summaries the analyzer keeps.

/// Record content types.
pub mod content_type {
    pub const CHANGE_CIPHER_SPEC: u8 = 20;
    pub const ALERT: u8 = 21;
    pub const HANDSHAKE: u8 = 22;
    pub const APPLICATION_DATA: u8 = 23;
    pub const HEARTBEAT: u8 = 24;
}

/// Handshake message types.
pub mod handshake_type {
    pub const HELLO_REQUEST: u8 = 0;
    pub const CLIENT_HELLO: u8 = 1;
    pub const SERVER_HELLO: u8 = 2;
    pub const NEW_SESSION_TICKET: u8 = 4;
    pub const END_OF_EARLY_DATA: u8 = 5;
    pub const ENCRYPTED_EXTENSIONS: u8 = 8;
    pub const CERTIFICATE: u8 = 11;
    pub const SERVER_KEY_EXCHANGE: u8 = 12;
    pub const CERTIFICATE_REQUEST: u8 = 13;
    pub const SERVER_HELLO_DONE: u8 = 14;
    pub const CERTIFICATE_VERIFY: u8 = 15;
    pub const CLIENT_KEY_EXCHANGE: u8 = 16;
    pub const FINISHED: u8 = 20;
    pub const CERTIFICATE_STATUS: u8 = 22;
    pub const KEY_UPDATE: u8 = 24;
}

/// Extension types we read.
pub mod extension {
    pub const SERVER_NAME: u16 = 0;
    pub const SUPPORTED_GROUPS: u16 = 10;
    pub const EC_POINT_FORMATS: u16 = 11;
    pub const SIGNATURE_ALGORITHMS: u16 = 13;
    pub const ALPN: u16 = 16;
    pub const SESSION_TICKET: u16 = 35;
    pub const PRE_SHARED_KEY: u16 = 41;
    pub const SUPPORTED_VERSIONS: u16 = 43;
    pub const KEY_SHARE: u16 = 51;
    pub const ENCRYPTED_CLIENT_HELLO: u16 = 0xfe0d;
}

pub const RECORD_HEADER_LEN: usize = 5;
/// Largest legal record body (2^14 plus the TLS 1.2 compression/encryption expansion).
pub const MAX_RECORD_LEN: u16 = 16384 + 2048;
/// The ServerHello random that marks a HelloRetryRequest: SHA-256("HelloRetryRequest").
pub const HELLO_RETRY_REQUEST_RANDOM: [u8; 32] = [
    0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
    0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
];

/// GREASE values (RFC 8701): 0x0a0a, 0x1a1a, ... 0xfafa.
#[inline]
pub fn is_grease(v: u16) -> bool {
    v & 0x0f0f == 0x0a0a && v >> 8 == v & 0xff
}

/// A TLS record header (5 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordHeader {
    pub content_type: u8,
    pub version: u16,
    pub length: u16,
}

impl RecordHeader {
    /// Reads the first 5 bytes, or `None` when fewer are present.
    pub fn parse(bytes: &[u8]) -> Option<RecordHeader> {
        let h = bytes.get(..RECORD_HEADER_LEN)?;
        Some(RecordHeader {
            content_type: h[0],
            version: u16::from_be_bytes([h[1], h[2]]),
            length: u16::from_be_bytes([h[3], h[4]]),
        })
    }

    /// Whether this could be a TLS (SSL 3.0 – TLS 1.3) record: known content type, version
    /// 3.x, legal length. Used to detect TLS by content and to resynchronise after a gap.
    pub fn is_plausible(&self) -> bool {
        self.is_plausible_type_and_version() && self.length > 0 && self.length <= MAX_RECORD_LEN
    }

    /// Known content type and version 3.0 – 3.4 (whatever the length).
    pub fn is_plausible_type_and_version(&self) -> bool {
        (content_type::CHANGE_CIPHER_SPEC..=content_type::HEARTBEAT).contains(&self.content_type)
            && (0x0300..=0x0304).contains(&self.version)
    }
}

/// Whether `bytes` start like a TLS record: the first three header bytes when fewer than 5 are
/// present.
pub fn looks_like_record(bytes: &[u8]) -> bool {
    match RecordHeader::parse(bytes) {
        Some(h) => h.is_plausible(),
        None => {
            bytes.len() >= 3
                && (content_type::CHANGE_CIPHER_SPEC..=content_type::HEARTBEAT).contains(&bytes[0])
                && bytes[1] == 3
                && bytes[2] <= 4
        }
    }
}

/// An SSLv2-format ClientHello (2-byte record header with the high bit set), as clients that
/// still spoke SSL 2.0 sent it to offer SSL 3.0 / TLS too.
#[derive(Debug, Clone)]
pub struct Sslv2ClientHello<'a> {
    /// The highest version the client offers (0x0002 for SSL 2.0 itself, 0x0300-0x0303).
    pub version: u16,
    /// Cipher specs, 3 bytes each (a TLS cipher suite is 0x00 then its two bytes).
    pub cipher_specs: &'a [u8],
    pub session_id: &'a [u8],
    pub challenge: &'a [u8],
}

impl<'a> Sslv2ClientHello<'a> {
    /// Bytes of the whole record (header included) when `bytes` start like an SSLv2
    /// ClientHello: high bit set, message type 1, a known version, cipher specs a multiple of
    /// 3 bytes and a 16-32 byte challenge (Wireshark's test). Needs the first 11 bytes.
    pub fn record_len(bytes: &[u8]) -> Option<usize> {
        let h = bytes.get(..11)?;
        if h[0] & 0x80 == 0 || h[2] != handshake_type::CLIENT_HELLO {
            return None;
        }
        let version = u16::from_be_bytes([h[3], h[4]]);
        let specs = usize::from(u16::from_be_bytes([h[5], h[6]]));
        let session = usize::from(u16::from_be_bytes([h[7], h[8]]));
        let challenge = usize::from(u16::from_be_bytes([h[9], h[10]]));
        let body = usize::from(u16::from_be_bytes([h[0] & 0x7f, h[1]]));
        let plausible = matches!(version, 0x0002 | 0x0300..=0x0304)
            && specs > 0
            && specs % 3 == 0
            && (16..=32).contains(&challenge)
            && session <= 32
            && 9 + specs + session + challenge <= body;
        plausible.then_some(2 + body)
    }

    /// Parses a whole record (from its 2-byte header).
    pub fn parse(record: &'a [u8]) -> Option<Sslv2ClientHello<'a>> {
        Self::record_len(record)?;
        let mut c = Cursor::new(record.get(3..)?);
        let version = c.u16()?;
        let specs = c.u16()?;
        let session = c.u16()?;
        let challenge = c.u16()?;
        Some(Sslv2ClientHello {
            version,
            cipher_specs: c.take(usize::from(specs))?,
            session_id: c.take(usize::from(session))?,
            challenge: c.take(usize::from(challenge))?,
        })
    }

    /// The cipher specs as 24-bit values.
    pub fn specs(&self) -> impl Iterator<Item = u32> + 'a {
        self.cipher_specs
            .chunks_exact(3)
            .map(|s| u32::from_be_bytes([0, s[0], s[1], s[2]]))
    }
}

/// Checked big-endian reader.
#[derive(Debug, Clone)]
struct Cursor<'a> {
    rest: &'a [u8],
}

impl<'a> Cursor<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Cursor { rest: bytes }
    }
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if n > self.rest.len() {
            return None;
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Some(head)
    }
    fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }
    fn u16(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_be_bytes([b[0], b[1]]))
    }
    /// A vector with a 1-byte length prefix.
    fn vec8(&mut self) -> Option<&'a [u8]> {
        let n = self.u8()?;
        self.take(usize::from(n))
    }
    /// A vector with a 2-byte length prefix.
    fn vec16(&mut self) -> Option<&'a [u8]> {
        let n = self.u16()?;
        self.take(usize::from(n))
    }
}

/// Iterates big-endian u16 values (a trailing odd byte is ignored).
pub fn u16s(bytes: &[u8]) -> impl Iterator<Item = u16> + '_ {
    bytes
        .chunks_exact(2)
        .map(|c| u16::from_be_bytes([c[0], c[1]]))
}

/// A ClientHello handshake body (after the 4-byte handshake header).
#[derive(Debug, Clone)]
pub struct ClientHello<'a> {
    pub legacy_version: u16,
    pub random: &'a [u8],
    pub session_id: &'a [u8],
    /// Raw cipher suite list (2 bytes each).
    pub cipher_suites_raw: &'a [u8],
    pub compression_methods: &'a [u8],
    /// Raw extensions block (without its length prefix); empty when absent.
    pub extensions_raw: &'a [u8],
}

impl<'a> ClientHello<'a> {
    /// Parses the body; the fixed part must be complete. A truncated extensions block keeps what
    /// is present (the extension iterator stops at the first cut extension).
    pub fn parse(body: &'a [u8]) -> Option<ClientHello<'a>> {
        let mut c = Cursor::new(body);
        let legacy_version = c.u16()?;
        let random = c.take(32)?;
        let session_id = c.vec8()?;
        let cipher_suites_raw = c.vec16()?;
        let compression_methods = c.vec8()?;
        let extensions_raw = extensions_block(&mut c);
        Some(ClientHello {
            legacy_version,
            random,
            session_id,
            cipher_suites_raw,
            compression_methods,
            extensions_raw,
        })
    }

    pub fn cipher_suites(&self) -> impl Iterator<Item = u16> + 'a {
        u16s(self.cipher_suites_raw)
    }

    pub fn extensions(&self) -> Extensions<'a> {
        Extensions::new(self.extensions_raw)
    }
}

/// The extensions block after the fixed fields: its declared length, clamped to what is there.
fn extensions_block<'a>(c: &mut Cursor<'a>) -> &'a [u8] {
    match c.u16() {
        Some(n) => {
            let n = usize::from(n).min(c.rest.len());
            c.take(n).unwrap_or(&[])
        }
        None => &[],
    }
}

/// A ServerHello (or HelloRetryRequest) handshake body.
#[derive(Debug, Clone)]
pub struct ServerHello<'a> {
    pub legacy_version: u16,
    pub random: &'a [u8],
    pub session_id: &'a [u8],
    pub cipher_suite: u16,
    pub compression_method: u8,
    pub extensions_raw: &'a [u8],
}

impl<'a> ServerHello<'a> {
    pub fn parse(body: &'a [u8]) -> Option<ServerHello<'a>> {
        let mut c = Cursor::new(body);
        let legacy_version = c.u16()?;
        let random = c.take(32)?;
        // TLS 1.3 drafts before 22 (0x7f00-0x7f15 in the version field) have neither session
        // id nor compression method, as Wireshark reads them.
        let early_draft = (0x7f00..=0x7f15).contains(&legacy_version);
        let session_id = if early_draft { &[][..] } else { c.vec8()? };
        let cipher_suite = c.u16()?;
        let compression_method = if early_draft { 0 } else { c.u8()? };
        let extensions_raw = extensions_block(&mut c);
        Some(ServerHello {
            legacy_version,
            random,
            session_id,
            cipher_suite,
            compression_method,
            extensions_raw,
        })
    }

    /// A HelloRetryRequest is a ServerHello with a fixed random (RFC 8446 §4.1.3).
    pub fn is_hello_retry_request(&self) -> bool {
        self.random == HELLO_RETRY_REQUEST_RANDOM
    }

    pub fn extensions(&self) -> Extensions<'a> {
        Extensions::new(self.extensions_raw)
    }
}

/// One extension: type and data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extension<'a> {
    pub ext_type: u16,
    pub data: &'a [u8],
}

/// Iterates an extensions block in wire order; stops at a cut or malformed extension.
#[derive(Debug, Clone)]
pub struct Extensions<'a> {
    c: Cursor<'a>,
}

impl<'a> Extensions<'a> {
    pub fn new(block: &'a [u8]) -> Self {
        Extensions {
            c: Cursor::new(block),
        }
    }
}

impl<'a> Iterator for Extensions<'a> {
    type Item = Extension<'a>;
    fn next(&mut self) -> Option<Extension<'a>> {
        let mut probe = self.c.clone();
        let ext_type = probe.u16()?;
        let Some(data) = probe.vec16() else {
            self.c.rest = &[];
            return None;
        };
        self.c = probe;
        Some(Extension { ext_type, data })
    }
}

/// Host names from a server_name extension (name type 0), in order.
pub fn server_names(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut c = Cursor::new(Cursor::new(data).vec16().unwrap_or(&[]));
    std::iter::from_fn(move || loop {
        let name_type = c.u8()?;
        let name = c.vec16()?;
        if name_type == 0 {
            return Some(name);
        }
    })
}

/// Protocol names from an ALPN extension, in order.
pub fn alpn_protocols(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut c = Cursor::new(Cursor::new(data).vec16().unwrap_or(&[]));
    std::iter::from_fn(move || c.vec8())
}

/// A u16 list with a 2-byte length prefix (supported_groups, signature_algorithms).
pub fn u16_list16(data: &[u8]) -> impl Iterator<Item = u16> + '_ {
    u16s(Cursor::new(data).vec16().unwrap_or(&[]))
}

/// A u16 list with a 1-byte length prefix (ClientHello supported_versions).
pub fn u16_list8(data: &[u8]) -> impl Iterator<Item = u16> + '_ {
    u16s(Cursor::new(data).vec8().unwrap_or(&[]))
}

/// A u8 list with a 1-byte length prefix (ec_point_formats).
pub fn u8_list8(data: &[u8]) -> &[u8] {
    Cursor::new(data).vec8().unwrap_or(&[])
}

/// The single u16 of a ServerHello supported_versions or HelloRetryRequest key_share.
pub fn single_u16(data: &[u8]) -> Option<u16> {
    Cursor::new(data).u16()
}

/// What the analyzer keeps of a ClientHello. Lists are in wire order, GREASE included.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientHelloInfo {
    pub legacy_version: u16,
    pub session_id_len: u8,
    pub session_id: Vec<u8>,
    pub cipher_suites: Vec<u16>,
    pub compression_methods: Vec<u8>,
    pub extensions: Vec<u16>,
    /// Every host_name of the server_name extension.
    pub server_names: Vec<String>,
    /// True when the server_name extension is present (even if empty).
    pub has_sni: bool,
    pub alpn: Vec<Vec<u8>>,
    pub supported_versions: Vec<u16>,
    pub supported_groups: Vec<u16>,
    pub signature_algorithms: Vec<u16>,
    pub ec_point_formats: Vec<u8>,
    /// Key share groups offered (key_share extension).
    pub key_share_groups: Vec<u16>,
    /// A non-empty session_ticket extension (a ticket being presented).
    pub session_ticket: bool,
    pub pre_shared_key: bool,
    pub ech: bool,
    /// Cipher specs of an SSLv2-format ClientHello (empty for a TLS one).
    pub sslv2_cipher_specs: Vec<u32>,
}

impl ClientHelloInfo {
    /// An SSLv2-format ClientHello: its version and cipher specs; no extensions (and no
    /// cipher suites: tshark lists its specs as `tls.handshake.cipherspec`).
    pub fn from_sslv2(ch: &Sslv2ClientHello<'_>) -> ClientHelloInfo {
        ClientHelloInfo {
            legacy_version: ch.version,
            session_id_len: ch.session_id.len() as u8,
            session_id: ch.session_id.to_vec(),
            sslv2_cipher_specs: ch.specs().collect(),
            ..ClientHelloInfo::default()
        }
    }

    pub fn from_hello(ch: &ClientHello<'_>) -> ClientHelloInfo {
        let mut info = ClientHelloInfo {
            legacy_version: ch.legacy_version,
            session_id_len: ch.session_id.len() as u8,
            session_id: ch.session_id.to_vec(),
            cipher_suites: ch.cipher_suites().collect(),
            compression_methods: ch.compression_methods.to_vec(),
            ..ClientHelloInfo::default()
        };
        for ext in ch.extensions() {
            info.extensions.push(ext.ext_type);
            match ext.ext_type {
                extension::SERVER_NAME => {
                    info.has_sni = true;
                    info.server_names.extend(
                        server_names(ext.data).map(|n| String::from_utf8_lossy(n).into_owned()),
                    );
                }
                extension::ALPN => info
                    .alpn
                    .extend(alpn_protocols(ext.data).map(<[u8]>::to_vec)),
                extension::SUPPORTED_VERSIONS => {
                    info.supported_versions.extend(u16_list8(ext.data))
                }
                extension::SUPPORTED_GROUPS => info.supported_groups.extend(u16_list16(ext.data)),
                extension::SIGNATURE_ALGORITHMS => {
                    info.signature_algorithms.extend(u16_list16(ext.data))
                }
                extension::EC_POINT_FORMATS => {
                    info.ec_point_formats.extend_from_slice(u8_list8(ext.data))
                }
                extension::KEY_SHARE => {
                    let mut c = Cursor::new(Cursor::new(ext.data).vec16().unwrap_or(&[]));
                    while let (Some(group), Some(_)) = (c.u16(), c.vec16()) {
                        info.key_share_groups.push(group);
                    }
                }
                extension::SESSION_TICKET => info.session_ticket = !ext.data.is_empty(),
                extension::PRE_SHARED_KEY => info.pre_shared_key = true,
                extension::ENCRYPTED_CLIENT_HELLO => info.ech = true,
                _ => {}
            }
        }
        info
    }

    /// Whether any GREASE value appears (ciphers, extensions, groups, versions).
    pub fn has_grease(&self) -> bool {
        self.cipher_suites
            .iter()
            .chain(&self.extensions)
            .chain(&self.supported_groups)
            .chain(&self.supported_versions)
            .any(|&v| is_grease(v))
    }
}

/// What the analyzer keeps of a ServerHello / HelloRetryRequest.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerHelloInfo {
    pub legacy_version: u16,
    pub session_id: Vec<u8>,
    pub cipher_suite: u16,
    pub compression_method: u8,
    pub extensions: Vec<u16>,
    /// From the supported_versions extension (TLS 1.3).
    pub supported_version: Option<u16>,
    pub alpn: Option<Vec<u8>>,
    /// key_share: the server's group (ServerHello) or the group asked for (HelloRetryRequest).
    pub key_share_group: Option<u16>,
    pub pre_shared_key: bool,
    pub hello_retry_request: bool,
}

impl ServerHelloInfo {
    pub fn from_hello(sh: &ServerHello<'_>) -> ServerHelloInfo {
        let mut info = ServerHelloInfo {
            legacy_version: sh.legacy_version,
            session_id: sh.session_id.to_vec(),
            cipher_suite: sh.cipher_suite,
            compression_method: sh.compression_method,
            hello_retry_request: sh.is_hello_retry_request(),
            ..ServerHelloInfo::default()
        };
        for ext in sh.extensions() {
            info.extensions.push(ext.ext_type);
            match ext.ext_type {
                extension::SUPPORTED_VERSIONS => info.supported_version = single_u16(ext.data),
                extension::ALPN => info.alpn = alpn_protocols(ext.data).next().map(<[u8]>::to_vec),
                extension::KEY_SHARE => info.key_share_group = single_u16(ext.data),
                extension::PRE_SHARED_KEY => info.pre_shared_key = true,
                _ => {}
            }
        }
        info
    }

    /// The negotiated version: supported_versions when present, else the legacy field.
    pub fn selected_version(&self) -> u16 {
        self.supported_version.unwrap_or(self.legacy_version)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a ClientHello handshake body from parts (for tests across the crate).
    pub struct HelloBuilder {
        pub version: u16,
        pub session_id: Vec<u8>,
        pub ciphers: Vec<u16>,
        pub extensions: Vec<(u16, Vec<u8>)>,
    }

    pub fn vec8(data: &[u8]) -> Vec<u8> {
        let mut v = vec![data.len() as u8];
        v.extend_from_slice(data);
        v
    }
    pub fn vec16(data: &[u8]) -> Vec<u8> {
        let mut v = (data.len() as u16).to_be_bytes().to_vec();
        v.extend_from_slice(data);
        v
    }
    pub fn be16s(values: &[u16]) -> Vec<u8> {
        values.iter().flat_map(|v| v.to_be_bytes()).collect()
    }
    pub fn sni_ext(name: &str) -> Vec<u8> {
        let mut entry = vec![0u8];
        entry.extend(vec16(name.as_bytes()));
        vec16(&entry)
    }
    pub fn alpn_ext(protos: &[&str]) -> Vec<u8> {
        let list: Vec<u8> = protos.iter().flat_map(|p| vec8(p.as_bytes())).collect();
        vec16(&list)
    }

    impl HelloBuilder {
        pub fn client_body(&self) -> Vec<u8> {
            let mut b = self.version.to_be_bytes().to_vec();
            b.extend([0x11; 32]);
            b.extend(vec8(&self.session_id));
            b.extend(vec16(&be16s(&self.ciphers)));
            b.extend(vec8(&[0]));
            let exts: Vec<u8> = self
                .extensions
                .iter()
                .flat_map(|(t, d)| {
                    let mut e = t.to_be_bytes().to_vec();
                    e.extend(vec16(d));
                    e
                })
                .collect();
            b.extend(vec16(&exts));
            b
        }

        pub fn server_body(&self, random: [u8; 32]) -> Vec<u8> {
            let mut b = self.version.to_be_bytes().to_vec();
            b.extend(random);
            b.extend(vec8(&self.session_id));
            b.extend(be16s(&self.ciphers[..1]));
            b.push(0);
            let exts: Vec<u8> = self
                .extensions
                .iter()
                .flat_map(|(t, d)| {
                    let mut e = t.to_be_bytes().to_vec();
                    e.extend(vec16(d));
                    e
                })
                .collect();
            b.extend(vec16(&exts));
            b
        }
    }

    #[test]
    fn test_grease() {
        assert!(is_grease(0x0a0a) && is_grease(0xfafa) && is_grease(0x3a3a));
        assert!(!is_grease(0x0a1a) && !is_grease(0x1301) && !is_grease(0x0a0b));
    }

    #[test]
    fn test_record_header() {
        let h = RecordHeader::parse(&[22, 3, 1, 0, 200, 9]).unwrap();
        assert_eq!((h.content_type, h.version, h.length), (22, 0x0301, 200));
        assert!(h.is_plausible());
        assert!(!RecordHeader::parse(&[22, 3, 5, 0, 1])
            .unwrap()
            .is_plausible());
        assert!(!RecordHeader::parse(&[0x47, b'E', b'T', b' ', b'/'])
            .unwrap()
            .is_plausible());
        assert!(!RecordHeader::parse(&[23, 3, 3, 0xff, 0xff])
            .unwrap()
            .is_plausible());
        assert!(RecordHeader::parse(&[22, 3, 1, 0]).is_none());
        assert!(looks_like_record(&[22, 3, 1]));
        assert!(!looks_like_record(&[22, 3]));
    }

    #[test]
    fn test_client_hello_deconstruct() {
        let b = HelloBuilder {
            version: 0x0303,
            session_id: vec![9; 32],
            ciphers: vec![0x2a2a, 0x1301, 0xc02f],
            extensions: vec![
                (0x1a1a, vec![]),
                (0, sni_ext("example.com")),
                (16, alpn_ext(&["h2", "http/1.1"])),
                (43, vec8(&be16s(&[0x4a4a, 0x0304, 0x0303]))),
                (10, vec16(&be16s(&[0x1d, 0x17]))),
                (11, vec8(&[0])),
                (13, vec16(&be16s(&[0x0403, 0x0804]))),
                (51, vec16(&[0, 0x1d, 0, 2, 0xaa, 0xbb])),
                (0xfe0d, vec![1, 2, 3]),
            ],
        };
        let body = b.client_body();
        let ch = ClientHello::parse(&body).unwrap();
        let info = ClientHelloInfo::from_hello(&ch);
        assert_eq!(info.legacy_version, 0x0303);
        assert_eq!(info.session_id_len, 32);
        assert_eq!(info.cipher_suites, vec![0x2a2a, 0x1301, 0xc02f]);
        assert_eq!(
            info.extensions,
            vec![0x1a1a, 0, 16, 43, 10, 11, 13, 51, 0xfe0d]
        );
        assert_eq!(info.server_names, vec!["example.com"]);
        assert_eq!(info.alpn, vec![b"h2".to_vec(), b"http/1.1".to_vec()]);
        assert_eq!(info.supported_versions, vec![0x4a4a, 0x0304, 0x0303]);
        assert_eq!(info.supported_groups, vec![0x1d, 0x17]);
        assert_eq!(info.ec_point_formats, vec![0]);
        assert_eq!(info.signature_algorithms, vec![0x0403, 0x0804]);
        assert_eq!(info.key_share_groups, vec![0x1d]);
        assert!(info.ech && info.has_grease() && !info.pre_shared_key);
    }

    #[test]
    fn test_client_hello_truncated() {
        let b = HelloBuilder {
            version: 0x0301,
            session_id: vec![],
            ciphers: vec![0x002f, 0x0035],
            extensions: vec![(0, sni_ext("a.b")), (10, vec16(&be16s(&[23])))],
        };
        let body = b.client_body();
        for cut in 0..body.len() {
            let Some(ch) = ClientHello::parse(&body[..cut]) else {
                assert!(cut < 2 + 32 + 1 + 6 + 2);
                continue;
            };
            let info = ClientHelloInfo::from_hello(&ch);
            assert!(info.extensions.len() <= 2);
        }
        // No extensions block at all (SSL 3.0 style).
        let ch = ClientHello::parse(&body[..2 + 32 + 1 + 6 + 2]).unwrap();
        assert!(ch.extensions().next().is_none());
    }

    /// Random and mutated hello bodies never panic the views or the summaries.
    #[test]
    fn test_random_hellos_never_panic() {
        let mut rng = crate::analyze::reassembly::tests::Rng(0x7777_0000_1234_9999);
        let valid = HelloBuilder {
            version: 0x0303,
            session_id: vec![1; 32],
            ciphers: vec![0x1301, 0x0a0a],
            extensions: vec![
                (0, sni_ext("a.example")),
                (16, alpn_ext(&["h2"])),
                (43, vec8(&be16s(&[0x0304]))),
                (51, vec16(&[0, 0x1d, 0, 1, 9])),
                (13, vec16(&be16s(&[0x0403]))),
            ],
        }
        .client_body();
        for round in 0..3000 {
            let mut data = valid.clone();
            if round % 3 == 0 {
                let n = (rng.next() % 200) as usize;
                data = (0..n).map(|_| rng.next() as u8).collect();
            } else {
                for _ in 0..(1 + rng.next() % 6) {
                    let i = (rng.next() as usize) % data.len();
                    data[i] = rng.next() as u8;
                }
                data.truncate((rng.next() as usize) % (data.len() + 1));
            }
            if let Some(ch) = ClientHello::parse(&data) {
                let _ = ClientHelloInfo::from_hello(&ch).has_grease();
            }
            if let Some(sh) = ServerHello::parse(&data) {
                let _ = ServerHelloInfo::from_hello(&sh).selected_version();
            }
            let _ = (RecordHeader::parse(&data), looks_like_record(&data));
            let _ = server_names(&data).count() + alpn_protocols(&data).count();
            let _ = u16_list8(&data).count() + u16_list16(&data).count() + u8_list8(&data).len();
        }
    }

    #[test]
    fn test_server_hello_and_retry() {
        let b = HelloBuilder {
            version: 0x0303,
            session_id: vec![1; 32],
            ciphers: vec![0x1302],
            extensions: vec![(43, be16s(&[0x0304])), (51, be16s(&[0x11ec]))],
        };
        let body = b.server_body(HELLO_RETRY_REQUEST_RANDOM);
        let sh = ServerHello::parse(&body).unwrap();
        let info = ServerHelloInfo::from_hello(&sh);
        assert!(info.hello_retry_request);
        assert_eq!(info.selected_version(), 0x0304);
        assert_eq!(info.cipher_suite, 0x1302);
        assert_eq!(info.key_share_group, Some(0x11ec));
        let body = b.server_body([0; 32]);
        let info = ServerHelloInfo::from_hello(&ServerHello::parse(&body).unwrap());
        assert!(!info.hello_retry_request);
        assert_eq!(info.extensions, vec![43, 51]);
    }

    #[test]
    fn test_tls13_draft_server_hello_layouts() {
        // Drafts 14-21 in the version field: random, cipher suite, extensions; no session id
        // and no compression method.
        for version in [0x7f0e, 0x7f12, 0x7f15] {
            let mut body = be16s(&[version]);
            body.extend([7; 32]);
            body.extend(be16s(&[0x1301]));
            body.extend(vec16(&[0, 51, 0, 2, 0, 0x1d]));
            let sh = ServerHello::parse(&body).unwrap();
            assert_eq!(
                (sh.cipher_suite, sh.session_id.len()),
                (0x1301, 0),
                "{version:x}"
            );
            let info = ServerHelloInfo::from_hello(&sh);
            assert_eq!(info.extensions, vec![51]);
            assert_eq!(info.selected_version(), version);
        }
        // Drafts 22-28 are negotiated in supported_versions behind a 0x0303 ServerHello with
        // the usual layout.
        for draft in 0x7f16..=0x7f1c {
            let b = HelloBuilder {
                version: 0x0303,
                session_id: vec![1; 32],
                ciphers: vec![0x1303],
                extensions: vec![(43, be16s(&[draft]))],
            };
            let info =
                ServerHelloInfo::from_hello(&ServerHello::parse(&b.server_body([0; 32])).unwrap());
            assert_eq!(
                (info.cipher_suite, info.selected_version()),
                (0x1303, draft)
            );
        }
    }

    #[test]
    fn test_sslv2_client_hello() {
        let specs = [0x01u8, 0x00, 0x80, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x05];
        let mut body = vec![1, 0x03, 0x01, 0, 9, 0, 0, 0, 16];
        body.extend(specs);
        body.extend([0xcc; 16]);
        let mut record = vec![0x80 | (body.len() >> 8) as u8, body.len() as u8];
        record.extend(&body);
        assert_eq!(Sslv2ClientHello::record_len(&record), Some(record.len()));
        let ch = Sslv2ClientHello::parse(&record).unwrap();
        assert_eq!(ch.version, 0x0301);
        assert_eq!(
            ch.specs().collect::<Vec<_>>(),
            [0x010080, 0x00002f, 0x000005]
        );
        assert_eq!(ch.challenge.len(), 16);
        let info = ClientHelloInfo::from_sslv2(&ch);
        assert_eq!((info.legacy_version, info.cipher_suites.len()), (0x0301, 0));
        // Cut anywhere: no panic, and no hello before the whole record is there.
        for cut in 0..record.len() {
            assert!(Sslv2ClientHello::parse(&record[..cut]).is_none());
        }
        // A TLS record is not an SSLv2 hello, nor is a v2 hello with a bad challenge length.
        assert!(Sslv2ClientHello::record_len(&[22, 3, 1, 0, 40, 1, 0, 0, 36, 3, 3]).is_none());
        let mut bad = record.clone();
        bad[10] = 8;
        assert!(Sslv2ClientHello::record_len(&bad).is_none());
    }
}
