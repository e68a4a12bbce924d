//! Turning protocol bytes into report text: colon-separated hex (MACs, DUIDs) and labels or
//! strings with non-printable bytes escaped as `\xNN`.

use std::fmt::Write as _;

/// Bytes as lowercase hex pairs joined by ':' ("02:00:00:00:00:01").
pub fn hex_colon(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() * 3);
    for (i, b) in bytes.iter().enumerate() {
        if i > 0 {
            s.push(':');
        }
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Appends bytes as text: printable ASCII as is, anything else as `\xNN`.
pub fn push_escaped(out: &mut String, bytes: &[u8]) {
    for &b in bytes {
        if (0x20..0x7f).contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
}

/// [`push_escaped`] into a new string.
pub fn escaped(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    push_escaped(&mut s, bytes);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_text() {
        assert_eq!(hex_colon(&[2, 0, 0xab]), "02:00:ab");
        assert_eq!(hex_colon(&[]), "");
        assert_eq!(escaped(b"a b\x07\xff"), "a b\\x07\\xff");
    }
}
