//! The Internet checksum (RFC 1071) and the pseudo-headers TCP, UDP and ICMPv6 add to it.
//!
//! Sums are accumulated in a `u64` over big-endian 16-bit words and folded once at the end, so a
//! sum can be built from several pieces (pseudo-header, header, payload) as long as every piece
//! but the last has an even length.

use std::net::IpAddr;

/// Adds `data` to a running one's-complement sum. An odd trailing byte is padded with zero, as
/// RFC 1071 prescribes; only the last piece of a sum may have an odd length.
pub fn add(mut sum: u64, data: &[u8]) -> u64 {
    // Eight bytes at a time: four 16-bit words summed in a u64 cannot overflow for any input
    // this crate writes (a u64 holds 2^48 such additions).
    let mut chunks = data.chunks_exact(8);
    for c in &mut chunks {
        let v = u64::from_be_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
        sum += (v >> 48) + ((v >> 32) & 0xffff) + ((v >> 16) & 0xffff) + (v & 0xffff);
    }
    let mut words = chunks.remainder().chunks_exact(2);
    for w in &mut words {
        sum += u64::from(u16::from_be_bytes([w[0], w[1]]));
    }
    if let [last] = words.remainder() {
        sum += u64::from(*last) << 8;
    }
    sum
}

/// Folds a running sum to 16 bits and complements it: the value to store in a checksum field.
pub fn finish(mut sum: u64) -> u16 {
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

/// The checksum of `data` alone (IPv4 header, ICMPv4).
pub fn checksum(data: &[u8]) -> u16 {
    finish(add(0, data))
}

/// The pseudo-header sum for TCP/UDP/ICMPv6 over IPv4 or IPv6 (RFC 793, RFC 8200 §8.1).
/// Mixed address families cannot occur in one packet; they are summed as given.
pub fn pseudo_header(src: IpAddr, dst: IpAddr, protocol: u8, upper_len: u32) -> u64 {
    let mut sum = 0;
    sum = match src {
        IpAddr::V4(a) => add(sum, &a.octets()),
        IpAddr::V6(a) => add(sum, &a.octets()),
    };
    sum = match dst {
        IpAddr::V4(a) => add(sum, &a.octets()),
        IpAddr::V6(a) => add(sum, &a.octets()),
    };
    sum + u64::from(protocol) + u64::from(upper_len >> 16) + u64::from(upper_len & 0xffff)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_rfc1071_example() {
        // RFC 1071 §3 example: words 0001 f203 f4f5 f6f7 sum to ddf2 (before complement).
        let data = [0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7];
        assert_eq!(checksum(&data), !0xddf2);
    }

    #[test]
    fn test_odd_length_pads_with_zero() {
        assert_eq!(
            checksum(&[0x12, 0x34, 0x56]),
            checksum(&[0x12, 0x34, 0x56, 0x00])
        );
    }

    #[test]
    fn test_chunked_equals_wordwise() {
        let data: Vec<u8> = (0..=255u8).cycle().take(1001).collect();
        let mut slow = 0u64;
        for w in data.chunks(2) {
            let hi = u64::from(w[0]) << 8;
            let lo = w.get(1).map_or(0, |b| u64::from(*b));
            slow += hi | lo;
        }
        assert_eq!(checksum(&data), finish(slow));
    }

    #[test]
    fn test_known_ipv4_header() {
        // Wikipedia's IPv4 header checksum example: the stored checksum is b861.
        let hdr = [
            0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8,
            0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
        ];
        assert_eq!(checksum(&hdr), 0xb861);
    }
}
