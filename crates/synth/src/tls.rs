//! TLS record and handshake builders: ClientHello and ServerHello with any extension list
//! (typed helpers for the common ones, GREASE included), ChangeCipherSpec, alerts and opaque
//! application-data records. Enough for handshake/SNI/ALPN/JA3/JA4 tests and the demo; nothing
//! is encrypted (the "encrypted" records carry bytes the caller chooses).

use crate::rng::Rng;

/// Record content types.
pub mod content_type {
    pub const CHANGE_CIPHER_SPEC: u8 = 20;
    pub const ALERT: u8 = 21;
    pub const HANDSHAKE: u8 = 22;
    pub const APPLICATION_DATA: u8 = 23;
}

/// Handshake message types.
pub mod handshake_type {
    pub const CLIENT_HELLO: u8 = 1;
    pub const SERVER_HELLO: u8 = 2;
    pub const NEW_SESSION_TICKET: u8 = 4;
    pub const CERTIFICATE: u8 = 11;
    pub const SERVER_HELLO_DONE: u8 = 14;
    pub const FINISHED: u8 = 20;
}

/// Extension type numbers.
pub mod ext {
    pub const SERVER_NAME: u16 = 0;
    pub const STATUS_REQUEST: u16 = 5;
    pub const SUPPORTED_GROUPS: u16 = 10;
    pub const EC_POINT_FORMATS: u16 = 11;
    pub const SIGNATURE_ALGORITHMS: u16 = 13;
    pub const ALPN: u16 = 16;
    pub const SIGNED_CERTIFICATE_TIMESTAMP: u16 = 18;
    pub const PADDING: u16 = 21;
    pub const EXTENDED_MASTER_SECRET: u16 = 23;
    pub const COMPRESS_CERTIFICATE: u16 = 27;
    pub const SESSION_TICKET: u16 = 35;
    pub const SUPPORTED_VERSIONS: u16 = 43;
    pub const PSK_KEY_EXCHANGE_MODES: u16 = 45;
    pub const KEY_SHARE: u16 = 51;
    pub const APPLICATION_SETTINGS: u16 = 17513;
    pub const RENEGOTIATION_INFO: u16 = 0xff01;
}

/// Named groups.
pub mod group {
    pub const SECP256R1: u16 = 23;
    pub const SECP384R1: u16 = 24;
    pub const X25519: u16 = 29;
}

/// The 16 GREASE values (RFC 8701): 0x0a0a, 0x1a1a … 0xfafa. `i` is taken modulo 16.
pub fn grease(i: u8) -> u16 {
    let b = u16::from(i & 0x0f) << 4 | 0x0a;
    b << 8 | b
}

/// One extension: type and raw data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extension {
    pub ext_type: u16,
    pub data: Vec<u8>,
}

fn u16s(values: &[u16]) -> Vec<u8> {
    values.iter().flat_map(|v| v.to_be_bytes()).collect()
}

/// `body` prefixed with its length in `n` bytes (1, 2 or 3).
fn vec_n(n: usize, body: &[u8]) -> Vec<u8> {
    let len = body.len() as u32;
    let mut v = len.to_be_bytes()[4 - n..].to_vec();
    v.extend_from_slice(body);
    v
}

impl Extension {
    pub fn new(ext_type: u16, data: Vec<u8>) -> Self {
        Extension { ext_type, data }
    }
    /// An empty extension (extended_master_secret, session_ticket, SCT request…).
    pub fn empty(ext_type: u16) -> Self {
        Extension {
            ext_type,
            data: Vec::new(),
        }
    }
    /// server_name with one host_name entry.
    pub fn server_name(host: &str) -> Self {
        let mut entry = vec![0u8];
        entry.extend(vec_n(2, host.as_bytes()));
        Extension::new(ext::SERVER_NAME, vec_n(2, &entry))
    }
    /// supported_versions as a client lists it.
    pub fn supported_versions(versions: &[u16]) -> Self {
        Extension::new(ext::SUPPORTED_VERSIONS, vec_n(1, &u16s(versions)))
    }
    /// supported_versions as a server selects it.
    pub fn selected_version(version: u16) -> Self {
        Extension::new(ext::SUPPORTED_VERSIONS, version.to_be_bytes().to_vec())
    }
    pub fn supported_groups(groups: &[u16]) -> Self {
        Extension::new(ext::SUPPORTED_GROUPS, vec_n(2, &u16s(groups)))
    }
    pub fn signature_algorithms(algs: &[u16]) -> Self {
        Extension::new(ext::SIGNATURE_ALGORITHMS, vec_n(2, &u16s(algs)))
    }
    pub fn ec_point_formats(formats: &[u8]) -> Self {
        Extension::new(ext::EC_POINT_FORMATS, vec_n(1, formats))
    }
    pub fn psk_key_exchange_modes(modes: &[u8]) -> Self {
        Extension::new(ext::PSK_KEY_EXCHANGE_MODES, vec_n(1, modes))
    }
    /// ALPN protocol list ("h2", "http/1.1").
    pub fn alpn(protocols: &[&str]) -> Self {
        let list: Vec<u8> = protocols
            .iter()
            .flat_map(|p| vec_n(1, p.as_bytes()))
            .collect();
        Extension::new(ext::ALPN, vec_n(2, &list))
    }
    /// Client key_share: (group, key exchange bytes) entries.
    pub fn key_share(entries: &[(u16, Vec<u8>)]) -> Self {
        let mut list = Vec::new();
        for (g, key) in entries {
            list.extend_from_slice(&g.to_be_bytes());
            list.extend(vec_n(2, key));
        }
        Extension::new(ext::KEY_SHARE, vec_n(2, &list))
    }
    /// Server key_share: one entry, no list length.
    pub fn key_share_server(group: u16, key: &[u8]) -> Self {
        let mut data = group.to_be_bytes().to_vec();
        data.extend(vec_n(2, key));
        Extension::new(ext::KEY_SHARE, data)
    }
    /// status_request for OCSP with empty responder list and extensions.
    pub fn status_request() -> Self {
        Extension::new(ext::STATUS_REQUEST, vec![1, 0, 0, 0, 0])
    }
    /// renegotiation_info with an empty renegotiated_connection.
    pub fn renegotiation_info() -> Self {
        Extension::new(ext::RENEGOTIATION_INFO, vec![0])
    }
    pub fn compress_certificate(algorithms: &[u16]) -> Self {
        Extension::new(ext::COMPRESS_CERTIFICATE, vec_n(1, &u16s(algorithms)))
    }
    /// ALPS (application_settings) with a protocol list.
    pub fn application_settings(protocols: &[&str]) -> Self {
        let list: Vec<u8> = protocols
            .iter()
            .flat_map(|p| vec_n(1, p.as_bytes()))
            .collect();
        Extension::new(ext::APPLICATION_SETTINGS, vec_n(2, &list))
    }
    pub fn padding(len: usize) -> Self {
        Extension::new(ext::PADDING, vec![0; len])
    }

    fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.ext_type.to_be_bytes());
        out.extend(vec_n(2, &self.data));
    }
}

/// A ClientHello message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientHello {
    pub legacy_version: u16,
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub cipher_suites: Vec<u16>,
    pub compression_methods: Vec<u8>,
    pub extensions: Vec<Extension>,
}

impl ClientHello {
    /// A Chrome-style TLS 1.3 ClientHello for `sni` offering `alpn`: GREASE in ciphers,
    /// extensions, groups and versions; x25519 key share; padded to 512 bytes as BoringSSL
    /// does. Random, session id, key and GREASE choices come from `rng`.
    pub fn chrome_like(sni: &str, alpn: &[&str], rng: &mut Rng) -> Self {
        let mut random = [0u8; 32];
        rng.fill(&mut random);
        let session_id = rng.bytes(32);
        let g_cipher = grease(rng.below(16) as u8);
        let g_ext1 = grease(rng.below(16) as u8);
        let g_group = grease(rng.below(16) as u8);
        let g_version = grease(rng.below(16) as u8);
        // The last GREASE extension must differ from the first (BoringSSL makes them distinct).
        let g_ext2 = grease((((g_ext1 >> 12) as u8) + 1) & 0x0f);
        let key = rng.bytes(32);
        let mut hello = ClientHello {
            legacy_version: 0x0303,
            random,
            session_id,
            cipher_suites: vec![
                g_cipher, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8,
                0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
            ],
            compression_methods: vec![0],
            extensions: vec![
                Extension::empty(g_ext1),
                Extension::server_name(sni),
                Extension::empty(ext::EXTENDED_MASTER_SECRET),
                Extension::renegotiation_info(),
                Extension::supported_groups(&[
                    g_group,
                    group::X25519,
                    group::SECP256R1,
                    group::SECP384R1,
                ]),
                Extension::ec_point_formats(&[0]),
                Extension::empty(ext::SESSION_TICKET),
                Extension::alpn(alpn),
                Extension::status_request(),
                Extension::signature_algorithms(&[
                    0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
                ]),
                Extension::empty(ext::SIGNED_CERTIFICATE_TIMESTAMP),
                Extension::key_share(&[(g_group, vec![0]), (group::X25519, key)]),
                Extension::psk_key_exchange_modes(&[1]),
                Extension::supported_versions(&[g_version, 0x0304, 0x0303]),
                Extension::compress_certificate(&[2]),
                Extension::application_settings(&["h2"]),
                Extension::new(g_ext2, vec![0]),
            ],
        };
        // BoringSSL pads hellos of 256..511 bytes up to 512 (the padding extension itself
        // costs 4 header bytes).
        let len = hello.handshake_bytes().len();
        if (256..512).contains(&len) {
            let pad = (512 - len).saturating_sub(4).max(1);
            hello.extensions.push(Extension::padding(pad));
        }
        hello
    }

    /// The handshake message (type 1, 3-byte length, body).
    pub fn handshake_bytes(&self) -> Vec<u8> {
        let mut body = Vec::with_capacity(512);
        body.extend_from_slice(&self.legacy_version.to_be_bytes());
        body.extend_from_slice(&self.random);
        body.extend(vec_n(1, &self.session_id));
        body.extend(vec_n(2, &u16s(&self.cipher_suites)));
        body.extend(vec_n(1, &self.compression_methods));
        let mut exts = Vec::new();
        for e in &self.extensions {
            e.write(&mut exts);
        }
        body.extend(vec_n(2, &exts));
        handshake(handshake_type::CLIENT_HELLO, &body)
    }

    /// The whole record (legacy record version 0x0301, as clients send the first hello).
    pub fn record_bytes(&self) -> Vec<u8> {
        record(content_type::HANDSHAKE, 0x0301, &self.handshake_bytes())
    }
}

/// A ServerHello message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerHello {
    pub legacy_version: u16,
    pub random: [u8; 32],
    pub session_id: Vec<u8>,
    pub cipher_suite: u16,
    pub compression_method: u8,
    pub extensions: Vec<Extension>,
}

impl ServerHello {
    /// A TLS 1.3 ServerHello answering `hello`: echoes its session id, picks `cipher`, selects
    /// 0x0304 and answers with an x25519 key share.
    pub fn tls13(hello: &ClientHello, cipher: u16, rng: &mut Rng) -> Self {
        let mut random = [0u8; 32];
        rng.fill(&mut random);
        ServerHello {
            legacy_version: 0x0303,
            random,
            session_id: hello.session_id.clone(),
            cipher_suite: cipher,
            compression_method: 0,
            extensions: vec![
                Extension::selected_version(0x0304),
                Extension::key_share_server(group::X25519, &rng.bytes(32)),
            ],
        }
    }

    pub fn handshake_bytes(&self) -> Vec<u8> {
        let mut body = Vec::with_capacity(128);
        body.extend_from_slice(&self.legacy_version.to_be_bytes());
        body.extend_from_slice(&self.random);
        body.extend(vec_n(1, &self.session_id));
        body.extend_from_slice(&self.cipher_suite.to_be_bytes());
        body.push(self.compression_method);
        let mut exts = Vec::new();
        for e in &self.extensions {
            e.write(&mut exts);
        }
        body.extend(vec_n(2, &exts));
        handshake(handshake_type::SERVER_HELLO, &body)
    }

    pub fn record_bytes(&self) -> Vec<u8> {
        record(content_type::HANDSHAKE, 0x0303, &self.handshake_bytes())
    }
}

/// A handshake message: type, 3-byte length, body.
pub fn handshake(msg_type: u8, body: &[u8]) -> Vec<u8> {
    let mut v = vec![msg_type];
    v.extend(vec_n(3, body));
    v
}

/// A record: content type, version, 2-byte length, fragment.
pub fn record(content_type: u8, version: u16, fragment: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(fragment.len() + 5);
    v.push(content_type);
    v.extend_from_slice(&version.to_be_bytes());
    v.extend(vec_n(2, fragment));
    v
}

/// The TLS 1.3 middlebox-compatibility ChangeCipherSpec record.
pub fn change_cipher_spec() -> Vec<u8> {
    record(content_type::CHANGE_CIPHER_SPEC, 0x0303, &[1])
}

/// An application-data record (TLS 1.3 wraps every encrypted message in one) of `len`
/// pseudo-random bytes.
pub fn application_data(len: usize, rng: &mut Rng) -> Vec<u8> {
    record(content_type::APPLICATION_DATA, 0x0303, &rng.bytes(len))
}

/// A plaintext alert record (level, description).
pub fn alert(level: u8, description: u8) -> Vec<u8> {
    record(content_type::ALERT, 0x0303, &[level, description])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_grease_values() {
        assert_eq!(grease(0), 0x0a0a);
        assert_eq!(grease(15), 0xfafa);
        assert_eq!(grease(2), 0x2a2a);
    }

    #[test]
    fn test_server_name_bytes() {
        let e = Extension::server_name("ab.c");
        assert_eq!(e.data, [0, 7, 0, 0, 4, b'a', b'b', b'.', b'c']);
    }

    #[test]
    fn test_chrome_like_layout() {
        let mut rng = Rng::new(1);
        let h = ClientHello::chrome_like("bumpy-rice-work.loca.lt", &["h2", "http/1.1"], &mut rng);
        let hs = h.handshake_bytes();
        assert_eq!(hs.len(), 512, "padded like BoringSSL");
        assert_eq!(hs[0], 1);
        assert_eq!(&hs[1..4], &[0, 1, 252]);
        let rec = h.record_bytes();
        assert_eq!(&rec[..5], &[22, 3, 1, 2, 0]);
        let needle = b"bumpy-rice-work.loca.lt";
        assert!(rec.windows(needle.len()).any(|w| w == needle));
        assert_eq!(h.cipher_suites[1..4], [0x1301, 0x1302, 0x1303]);
        let s = ServerHello::tls13(&h, 0x1301, &mut rng);
        let sh = s.record_bytes();
        assert_eq!(&sh[..3], &[22, 3, 3]);
        assert_eq!(sh[5], 2);
        assert_eq!(change_cipher_spec(), [20, 3, 3, 0, 1, 1]);
    }
}
