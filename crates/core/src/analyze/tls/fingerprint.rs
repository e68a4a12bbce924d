//! TLS fingerprints: JA3 / JA3S (salesforce/ja3) and JA4 / JA4S (FoxIO JA4+ spec).
//!
//! JA3 joins decimal values with `-` inside a field and `,` between fields and takes the MD5;
//! every GREASE value is dropped (tshark 4.0's `tls.handshake.ja3_full` does the same). JA4 is
//! `a_b_c`: a readable prefix, then truncated SHA-256 of the sorted cipher list and of the sorted
//! extension list plus the signature algorithms in wire order. The `raw` strings are the
//! un-hashed inputs (`ja3_full`, `ja4_r`, `ja4s_r`).

use md5::{Digest, Md5};
use sha2::Sha256;

use crate::decode::tls::{extension, is_grease, ClientHelloInfo, ServerHelloInfo};

/// A fingerprint and the string it was computed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fingerprint {
    pub hash: String,
    pub raw: String,
}

/// Twelve zeros: JA4's value for an empty list (instead of hashing nothing).
const EMPTY_HASH12: &str = "000000000000";

const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

fn hex(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX_DIGITS[usize::from(b >> 4)]));
        s.push(char::from(HEX_DIGITS[usize::from(b & 0xf)]));
    }
    s
}

/// Appends `v` as four lower-case hex digits (`{:04x}`). The lists in fingerprints and
/// handshake reports are written digit by digit: through the formatter they cost ~40 times more.
pub(super) fn push_hex4(out: &mut String, v: u16) {
    for shift in [12, 8, 4, 0] {
        out.push(char::from(HEX_DIGITS[usize::from((v >> shift) & 0xf)]));
    }
}

fn md5_hex(s: &str) -> String {
    hex(&Md5::digest(s.as_bytes()))
}

/// The first 12 hex digits of the SHA-256 (the first six bytes).
fn sha256_12(s: &str) -> String {
    let digest = Sha256::digest(s.as_bytes());
    hex(digest.get(..6).unwrap_or(&[]))
}

/// Decimal values joined with `-`.
fn join_decimal(values: impl Iterator<Item = u16>) -> String {
    let mut s = String::with_capacity(values.size_hint().0 * 6);
    for (i, v) in values.enumerate() {
        if i > 0 {
            s.push('-');
        }
        super::push_decimal(&mut s, v);
    }
    s
}

/// Four-digit hex values joined with `,`.
fn join_hex4(values: impl Iterator<Item = u16>) -> String {
    let mut s = String::with_capacity(values.size_hint().0 * 5);
    for (i, v) in values.enumerate() {
        if i > 0 {
            s.push(',');
        }
        push_hex4(&mut s, v);
    }
    s
}

fn no_grease(values: &[u16]) -> impl Iterator<Item = u16> + '_ {
    values.iter().copied().filter(|&v| !is_grease(v))
}

/// JA3 of a ClientHello: `SSLVersion,Ciphers,Extensions,EllipticCurves,ECPointFormats`.
pub fn ja3(ch: &ClientHelloInfo) -> Fingerprint {
    let mut raw = String::with_capacity(256);
    super::push_decimal(&mut raw, ch.legacy_version);
    for field in [
        join_decimal(no_grease(&ch.cipher_suites)),
        join_decimal(no_grease(&ch.extensions)),
        join_decimal(no_grease(&ch.supported_groups)),
        join_decimal(ch.ec_point_formats.iter().map(|&f| u16::from(f))),
    ] {
        raw.push(',');
        raw.push_str(&field);
    }
    Fingerprint {
        hash: md5_hex(&raw),
        raw,
    }
}

/// JA3S of a ServerHello: `SSLVersion,Cipher,Extensions`.
pub fn ja3s(sh: &ServerHelloInfo) -> Fingerprint {
    let mut raw = String::with_capacity(64);
    super::push_decimal(&mut raw, sh.legacy_version);
    raw.push(',');
    super::push_decimal(&mut raw, sh.cipher_suite);
    raw.push(',');
    raw.push_str(&join_decimal(no_grease(&sh.extensions)));
    Fingerprint {
        hash: md5_hex(&raw),
        raw,
    }
}

/// JA4's two-character version code.
fn version_code(v: u16) -> &'static str {
    match v {
        0x0304 => "13",
        0x0303 => "12",
        0x0302 => "11",
        0x0301 => "10",
        0x0300 => "s3",
        0x0002 => "s2",
        0xfeff => "d1",
        0xfefd => "d2",
        0xfefc => "d3",
        _ => "00",
    }
}

/// First and last characters of an ALPN value; hex digits when either end is not alphanumeric.
fn alpn_code(value: Option<&[u8]>) -> String {
    let Some(v) = value else {
        return "00".into();
    };
    let (Some(&first), Some(&last)) = (v.first(), v.last()) else {
        return "00".into();
    };
    if first.is_ascii_alphanumeric() && last.is_ascii_alphanumeric() {
        return [char::from(first), char::from(last)].iter().collect();
    }
    let h = hex(v);
    let mut out = String::with_capacity(2);
    out.extend(h.chars().next());
    out.extend(h.chars().last());
    out
}

/// Appends a count as two digits (`{:02}`), capped at 99.
fn push_count2(out: &mut String, n: usize) {
    let n = n.min(99) as u8;
    out.push(char::from(b'0' + n / 10));
    out.push(char::from(b'0' + n % 10));
}

/// `parts` joined with `_`.
fn join_underscore(parts: &[&str]) -> String {
    let mut out = String::with_capacity(parts.iter().map(|p| p.len() + 1).sum());
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            out.push('_');
        }
        out.push_str(p);
    }
    out
}

/// JA4 of a ClientHello (TLS over TCP). `raw` is JA4_r (sorted lists, un-hashed).
pub fn ja4(ch: &ClientHelloInfo) -> Fingerprint {
    let version = no_grease(&ch.supported_versions)
        .max()
        .unwrap_or(ch.legacy_version);
    let ciphers: Vec<u16> = no_grease(&ch.cipher_suites).collect();
    let extensions: Vec<u16> = no_grease(&ch.extensions).collect();
    let mut a = String::with_capacity(10);
    a.push('t');
    a.push_str(version_code(version));
    a.push(if ch.has_sni { 'd' } else { 'i' });
    push_count2(&mut a, ciphers.len());
    push_count2(&mut a, extensions.len());
    a.push_str(&alpn_code(ch.alpn.first().map(Vec::as_slice)));
    let mut sorted_ciphers = ciphers;
    sorted_ciphers.sort_unstable();
    let cipher_list = join_hex4(sorted_ciphers.iter().copied());
    let mut sorted_exts: Vec<u16> = extensions
        .into_iter()
        .filter(|&e| e != extension::SERVER_NAME && e != extension::ALPN)
        .collect();
    sorted_exts.sort_unstable();
    let mut ext_list = join_hex4(sorted_exts.iter().copied());
    let sig_algs = join_hex4(no_grease(&ch.signature_algorithms));
    if !sig_algs.is_empty() {
        ext_list.push('_');
        ext_list.push_str(&sig_algs);
    }
    let b = if sorted_ciphers.is_empty() {
        EMPTY_HASH12.to_string()
    } else {
        sha256_12(&cipher_list)
    };
    let c = if sorted_exts.is_empty() {
        EMPTY_HASH12.to_string()
    } else {
        sha256_12(&ext_list)
    };
    Fingerprint {
        hash: join_underscore(&[&a, &b, &c]),
        raw: join_underscore(&[&a, &cipher_list, &ext_list]),
    }
}

/// JA4S of a ServerHello (TLS over TCP). `raw` is JA4S_r.
pub fn ja4s(sh: &ServerHelloInfo) -> Fingerprint {
    let extensions: Vec<u16> = no_grease(&sh.extensions).collect();
    let mut a = String::with_capacity(7);
    a.push('t');
    a.push_str(version_code(sh.selected_version()));
    push_count2(&mut a, extensions.len());
    a.push_str(&alpn_code(sh.alpn.as_deref()));
    let mut cipher = String::with_capacity(4);
    push_hex4(&mut cipher, sh.cipher_suite);
    let ext_list = join_hex4(extensions.iter().copied());
    let c = if extensions.is_empty() {
        EMPTY_HASH12.to_string()
    } else {
        sha256_12(&ext_list)
    };
    Fingerprint {
        hash: join_underscore(&[&a, &cipher, &c]),
        raw: join_underscore(&[&a, &cipher, &ext_list]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decode::tls::tests::{alpn_ext, be16s, sni_ext, vec16, vec8, HelloBuilder};
    use crate::decode::tls::ClientHello;

    /// The FoxIO JA4.md example: its cipher list, extension list (wire order) and signature
    /// algorithms, with SNI, ALPN "h2" and supported_versions 1.3. Published results:
    /// JA4 = t13d1516h2_8daaf6152771_e5627efa2ab1 and the JA4_r string below.
    fn foxio_example() -> ClientHelloInfo {
        let ciphers = [
            0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014,
            0x009c, 0x009d, 0x002f, 0x0035,
        ];
        let ext_order: [u16; 16] = [
            0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017, 0x002d, 0x000d, 0x0005, 0x0023, 0x0012,
            0x002b, 0xff01, 0x000b, 0x000a, 0x0015,
        ];
        let sig_algs = [
            0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601,
        ];
        let mut extensions = vec![(0x0a0a, vec![])]; // GREASE, ignored by JA4
        for t in ext_order {
            let data = match t {
                0x0000 => sni_ext("example.com"),
                0x0010 => alpn_ext(&["h2", "http/1.1"]),
                0x000d => vec16(&be16s(&sig_algs)),
                0x002b => vec8(&be16s(&[0x5a5a, 0x0304, 0x0303])),
                _ => vec![],
            };
            extensions.push((t, data));
        }
        let mut all_ciphers = vec![0x3a3a];
        all_ciphers.extend(ciphers);
        let body = HelloBuilder {
            version: 0x0303,
            session_id: vec![],
            ciphers: all_ciphers,
            extensions,
        }
        .client_body();
        ClientHelloInfo::from_hello(&ClientHello::parse(&body).unwrap())
    }

    #[test]
    fn test_hand_written_lists_equal_the_formatter() {
        let all: Vec<u16> = (0..=u16::MAX).collect();
        let hex_list = all
            .iter()
            .map(|v| format!("{v:04x}"))
            .collect::<Vec<_>>()
            .join(",");
        assert_eq!(join_hex4(all.iter().copied()), hex_list);
        let dec_list = all
            .iter()
            .map(|v| v.to_string())
            .collect::<Vec<_>>()
            .join("-");
        assert_eq!(join_decimal(all.iter().copied()), dec_list);
        assert_eq!(join_hex4(std::iter::empty()), "");
        assert_eq!(join_decimal(std::iter::empty()), "");
        for v in [0u16, 1, 0x0a0a, 0x1301, 0xfeff, u16::MAX] {
            assert_eq!(super::super::hex16(v), format!("0x{v:04x}"));
        }
        assert_eq!(sha256_12("abc"), "ba7816bf8f01");
    }

    #[test]
    fn test_ja4_foxio_published_example() {
        let fp = ja4(&foxio_example());
        assert_eq!(fp.hash, "t13d1516h2_8daaf6152771_e5627efa2ab1");
        assert_eq!(
            fp.raw,
            "t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_\
             0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_\
             0403,0804,0401,0503,0805,0501,0806,0601"
        );
    }

    #[test]
    fn test_ja4_without_signature_algorithms() {
        // The spec's second example: the same extensions without signature algorithms hash to
        // 6d807ffa2a79.
        let mut ch = foxio_example();
        ch.signature_algorithms.clear();
        assert!(ja4(&ch).hash.ends_with("_6d807ffa2a79"));
    }

    #[test]
    fn test_ja4_empty_lists_and_alpn_rules() {
        let ch = ClientHelloInfo {
            legacy_version: 0x0301,
            ..ClientHelloInfo::default()
        };
        assert_eq!(ja4(&ch).hash, "t10i000000_000000000000_000000000000");
        assert_eq!(alpn_code(Some(b"http/1.1")), "h1");
        assert_eq!(alpn_code(Some(b"h")), "hh");
        assert_eq!(alpn_code(Some(&[0xab])), "ab");
        assert_eq!(alpn_code(Some(&[0xab, 0xcd])), "ad");
        assert_eq!(alpn_code(Some(&[0x30, 0xab])), "3b");
        assert_eq!(alpn_code(Some(&[0x30, 0x31, 0xab, 0xcd])), "3d");
        assert_eq!(alpn_code(Some(&[0x30, 0xab, 0xcd, 0x31])), "01");
        assert_eq!(alpn_code(Some(&[])), "00");
        assert_eq!(alpn_code(None), "00");
    }

    #[test]
    fn test_ja4s_foxio_published_example() {
        // JA4S.md: TLS 1.2, no ALPN, cipher c030, extensions 0005,0017,ff01,0000.
        let sh = ServerHelloInfo {
            legacy_version: 0x0303,
            cipher_suite: 0xc030,
            extensions: vec![0x0005, 0x0017, 0xff01, 0x0000],
            ..ServerHelloInfo::default()
        };
        let fp = ja4s(&sh);
        assert_eq!(fp.hash, "t120400_c030_4e8089b08790");
        assert_eq!(fp.raw, "t120400_c030_0005,0017,ff01,0000");
    }

    #[test]
    fn test_ja3_drops_grease() {
        // Values checked against tshark 4.0.17 `tls.handshake.ja3_full` / `ja3s_full` on
        // zeek_tls12_heise_sni_alpn.pcap (frames 4 and 6).
        let ch = ClientHelloInfo {
            legacy_version: 771,
            cipher_suites: vec![0x2a2a, 49200],
            extensions: vec![0, 23, 65281, 10, 11, 35, 16, 5, 51, 43, 13, 45, 28, 21],
            supported_groups: vec![29, 23, 24, 25, 256, 257],
            ec_point_formats: vec![0],
            ..ClientHelloInfo::default()
        };
        let fp = ja3(&ch);
        assert_eq!(
            fp.raw,
            "771,49200,0-23-65281-10-11-35-16-5-51-43-13-45-28-21,29-23-24-25-256-257,0"
        );
        assert_eq!(fp.hash, "7850fef8eca29f3f885216d7b8929cb5");
        let sh = ServerHelloInfo {
            legacy_version: 771,
            cipher_suite: 49200,
            extensions: vec![65281, 0, 11, 35, 16, 23],
            ..ServerHelloInfo::default()
        };
        let fp = ja3s(&sh);
        assert_eq!(fp.raw, "771,49200,65281-0-11-35-16-23");
        assert_eq!(fp.hash, "d154fcfa5bb4f0748e1dd1992c681104");
        let empty = ClientHelloInfo {
            legacy_version: 769,
            cipher_suites: vec![4, 5, 10],
            ..ClientHelloInfo::default()
        };
        assert_eq!(ja3(&empty).raw, "769,4-5-10,,,");
    }
}
