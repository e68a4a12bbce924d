//! Bounds-checked little/big-endian field reads shared by the container parsers.
//!
//! Every read returns `None` (or 0 where the caller has already checked the length) instead of
//! panicking, so nothing a capture file says can index out of bounds.

/// Reads a `u16` at `at` in the given byte order.
#[inline]
pub(super) fn u16_at(b: &[u8], at: usize, big_endian: bool) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    let a = [s[0], s[1]];
    Some(if big_endian {
        u16::from_be_bytes(a)
    } else {
        u16::from_le_bytes(a)
    })
}

/// Reads a `u32` at `at` in the given byte order.
#[inline]
pub(super) fn u32_at(b: &[u8], at: usize, big_endian: bool) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    let a = [s[0], s[1], s[2], s[3]];
    Some(if big_endian {
        u32::from_be_bytes(a)
    } else {
        u32::from_le_bytes(a)
    })
}

/// Reads a `u64` at `at` in the given byte order.
#[inline]
pub(super) fn u64_at(b: &[u8], at: usize, big_endian: bool) -> Option<u64> {
    let s = b.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(if big_endian {
        u64::from_be_bytes(a)
    } else {
        u64::from_le_bytes(a)
    })
}

/// Rounds up to a multiple of 4 (pcapng padding), saturating.
#[inline]
pub(super) fn pad4(n: usize) -> usize {
    n.saturating_add(3) & !3
}

/// Rounds a 32-bit length up to a multiple of 4 the way Wireshark's `ROUND_TO_4BYTE` does on a
/// `u32` (wrapping near `u32::MAX`).
#[inline]
pub(super) fn pad4_u32(n: u32) -> u32 {
    n.wrapping_add(3) & !3
}

/// Hex dump of up to `max` bytes: "0a 0d 0d 0a".
pub(super) fn hex(b: &[u8], max: usize) -> String {
    let mut s = String::new();
    for (i, x) in b.iter().take(max).enumerate() {
        if i > 0 {
            s.push(' ');
        }
        s.push_str(&format!("{x:02x}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_bounds_checked() {
        let b = [1u8, 2, 3, 4, 5, 6, 7, 8];
        assert_eq!(u16_at(&b, 0, false), Some(0x0201));
        assert_eq!(u16_at(&b, 0, true), Some(0x0102));
        assert_eq!(u32_at(&b, 4, true), Some(0x05060708));
        assert_eq!(u32_at(&b, 5, true), None);
        assert_eq!(u64_at(&b, 0, false), Some(0x0807060504030201));
        assert_eq!(u64_at(&b, 1, false), None);
        assert_eq!(u32_at(&b, usize::MAX, false), None);
        assert_eq!(pad4(5), 8);
        assert_eq!(pad4(8), 8);
        assert_eq!(pad4_u32(74), 76);
        assert_eq!(pad4_u32(u32::MAX), 0);
        assert_eq!(hex(&b, 3), "01 02 03");
    }
}
