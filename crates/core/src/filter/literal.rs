//! Literal values converted to a field's type, with tshark 4.0's error messages.

use std::net::Ipv6Addr;

use super::eval::V;
use crate::packets::field::{FieldDef, FieldType};

/// How a literal was written: `"quoted"`, `'c'`, or unquoted.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Written<'a> {
    Unquoted(&'a str),
    Quoted(&'a [u8]),
    Char(u64),
}

/// Parses an integer as C's `strtoull(s, 0)` plus `0b`: `0x` hex, `0b` binary, leading-`0`
/// octal, decimal. `Err(true)` on overflow, `Err(false)` when it is not a number.
pub(crate) fn parse_uint(s: &str) -> Result<u64, bool> {
    let (digits, radix) = if let Some(h) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        (h, 16)
    } else if let Some(b) = s.strip_prefix("0b").or_else(|| s.strip_prefix("0B")) {
        (b, 2)
    } else if s.len() > 1 && s.starts_with('0') {
        (&s[1..], 8)
    } else {
        (s, 10)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return Err(false);
    }
    u64::from_str_radix(digits, radix).map_err(|_| true)
}

fn quoted(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Converts a literal to a constant of type `ftype` for field `def`.
pub(crate) fn convert(
    def: Option<&FieldDef>,
    ftype: FieldType,
    w: Written<'_>,
) -> Result<V<'static>, String> {
    let type_name = ftype.wireshark_name();
    let from_string = |b: &[u8]| {
        format!(
            "{type_name} cannot be converted from a string (\"{}\").",
            quoted(b)
        )
    };
    let name = def.map_or("", |d| d.name);
    match ftype {
        t if t.is_unsigned() || matches!(t, FieldType::I32 | FieldType::I64) => {
            let signed = matches!(t, FieldType::I32 | FieldType::I64);
            match w {
                Written::Char(c) => Ok(V::Int(i128::from(c))),
                Written::Quoted(b) => {
                    let s = std::str::from_utf8(b).unwrap_or("");
                    match def.and_then(|d| d.strings.map(|_| d.value_of_name(s))) {
                        Some(Some(v)) => Ok(V::Int(i128::from(v))),
                        Some(None) => Err(format!(
                            "\"{}\" cannot be found among the possible values for {name}.",
                            quoted(b)
                        )),
                        None => Err(from_string(b)),
                    }
                }
                Written::Unquoted(s) => match parse_uint(s) {
                    Ok(v) => {
                        let max: u64 = if signed {
                            if t == FieldType::I32 {
                                i32::MAX as u64
                            } else {
                                i64::MAX as u64
                            }
                        } else {
                            t.max_unsigned()
                        };
                        if v > max {
                            if def.is_some_and(|d| d.strings.is_some()) {
                                return Err(format!(
                                    "\"{s}\" cannot be found among the possible values for {name}."
                                ));
                            }
                            return Err(format!("\"{s}\" too big for this field, maximum {max}."));
                        }
                        Ok(V::Int(i128::from(v)))
                    }
                    Err(true) => Err(format!("\"{s}\" causes an integer overflow.")),
                    Err(false) => match def.and_then(|d| d.strings.map(|_| d.value_of_name(s))) {
                        Some(Some(v)) => Ok(V::Int(i128::from(v))),
                        Some(None) => Err(format!(
                            "\"{s}\" cannot be found among the possible values for {name}."
                        )),
                        None => Err(format!("\"{s}\" is not a valid number.")),
                    },
                },
            }
        }
        FieldType::Bool => {
            let not_found =
                |s: &str| format!("\"{s}\" cannot be found among the possible values for {name}.");
            let named = |s: &str| {
                def.and_then(|d| d.value_of_name(s))
                    .map(|v| V::Bool(v != 0))
            };
            match w {
                Written::Char(c) => Ok(V::Bool(c != 0)),
                Written::Quoted(b) => {
                    let s = std::str::from_utf8(b).unwrap_or("");
                    named(s).ok_or_else(|| not_found(&quoted(b)))
                }
                Written::Unquoted(s) => match parse_uint(s) {
                    Ok(v) => Ok(V::Bool(v != 0)),
                    Err(true) => Err(format!("\"{s}\" causes an integer overflow.")),
                    Err(false) => match s {
                        // 4.0 takes these spellings but not `true` / `false`.
                        "True" | "TRUE" => Ok(V::Bool(true)),
                        "False" | "FALSE" => Ok(V::Bool(false)),
                        _ => named(s).ok_or_else(|| not_found(s)),
                    },
                },
            }
        }
        FieldType::Float => match w {
            Written::Unquoted(s) => match s.parse::<f64>() {
                Ok(f) if !s.starts_with(['+', '-']) => Ok(V::Float(f)),
                _ => match parse_uint(s) {
                    Ok(v) => Ok(V::Float(v as f64)),
                    Err(_) => Err(format!("\"{s}\" is not a valid number.")),
                },
            },
            Written::Char(c) => Ok(V::Float(c as f64)),
            Written::Quoted(b) => Err(from_string(b)),
        },
        FieldType::RelTime => match w {
            Written::Unquoted(s) => parse_rel_time(s)
                .map(V::Rel)
                .ok_or_else(|| format!("\"{s}\" is not a valid time.")),
            Written::Quoted(b) => Err(from_string(b)),
            Written::Char(c) => Err(format!("'{}' is not a valid time.", char_text(c))),
        },
        FieldType::AbsTime => {
            let text = match w {
                Written::Unquoted(s) => s.to_string(),
                Written::Quoted(b) => quoted(b),
                Written::Char(c) => char_text(c),
            };
            let epoch_ok = def.is_some_and(|d| d.base == crate::packets::field::Base::Dec);
            parse_abs_time(&text, epoch_ok && matches!(w, Written::Unquoted(_)))
                .map(V::Abs)
                .ok_or_else(|| {
                    format!(
                        "\"{text}\" is not a valid absolute time. Example: \"Nov 12, 1999 08:55:44.123\" or \"2011-07-04 12:34:56\""
                    )
                })
        }
        FieldType::Str => match w {
            Written::Unquoted(s) => Ok(V::Str(s.as_bytes().to_vec().into())),
            Written::Quoted(b) => Ok(V::Str(b.to_vec().into())),
            Written::Char(c) => Ok(V::Str(char_text(c).into_bytes().into())),
        },
        FieldType::Bytes | FieldType::Protocol => match w {
            Written::Unquoted(s) => parse_bytes(s)
                .map(|b| V::Bytes(b.into()))
                .ok_or_else(|| format!("\"{s}\" is not a valid byte string.")),
            Written::Quoted(b) => Ok(V::Bytes(b.to_vec().into())),
            Written::Char(c) => Ok(V::Bytes(vec![c as u8].into())),
        },
        FieldType::Ether => match w {
            Written::Unquoted(s) => {
                let b = parse_mac(s).ok_or_else(|| {
                    format!("\"{s}\" is not a valid hostname or Ethernet address.")
                })?;
                match b.len() {
                    6 => Ok(V::Bytes(b.into())),
                    n if n < 6 => Err(format!(
                        "\"{s}\" contains too few bytes to be a valid Ethernet address."
                    )),
                    _ => Err(format!(
                        "\"{s}\" contains too many bytes to be a valid Ethernet address."
                    )),
                }
            }
            Written::Quoted(b) => Err(from_string(b)),
            Written::Char(c) => Err(format!(
                "'{}' is not a valid hostname or Ethernet address.",
                char_text(c)
            )),
        },
        FieldType::Ipv4 => match w {
            Written::Unquoted(s) => parse_ipv4(s),
            Written::Quoted(b) => Err(from_string(b)),
            Written::Char(c) => Err(format!(
                "'{}' is not a valid hostname or IPv4 address.",
                char_text(c)
            )),
        },
        FieldType::Ipv6 => match w {
            Written::Unquoted(s) => parse_ipv6(s),
            Written::Quoted(b) => Err(from_string(b)),
            Written::Char(c) => Err(format!(
                "'{}' is not a valid hostname or IPv6 address.",
                char_text(c)
            )),
        },
        _ => Err(format!("{type_name} cannot be compared with a value.")),
    }
}

fn char_text(c: u64) -> String {
    char::from_u32(c as u32).map_or_else(String::new, |c| c.to_string())
}

/// `[-]secs[.fraction]` with at most 9 fraction digits; text after a fraction is ignored, as
/// tshark 4.0 does (`1.5s` is 1.5 seconds), but not after whole seconds (`1e-4`, `0x10` fail).
pub(crate) fn parse_rel_time(s: &str) -> Option<i64> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let int_len = body.bytes().take_while(u8::is_ascii_digit).count();
    if int_len == 0 {
        return None;
    }
    let secs: i64 = body[..int_len].parse().ok()?;
    let rest = &body[int_len..];
    let nanos = if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 || n > 9 {
            return None;
        }
        let digits: i64 = frac[..n].parse().ok()?;
        digits * 10i64.pow(9 - n as u32)
    } else if rest.is_empty() {
        0
    } else {
        return None;
    };
    let total = secs.checked_mul(1_000_000_000)?.checked_add(nanos)?;
    Some(if neg { -total } else { total })
}

const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Days from 1970-01-01 to a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Absolute time in UTC, as nanoseconds since the epoch: `YYYY-MM-DD[ |T]HH:MM[:SS[.frac]][Z]`,
/// `YYYY-MM-DD`, `Mon DD, YYYY HH:MM:SS[.frac]`, and (for epoch-displayed fields) seconds.
/// tshark reads these in local time; core has no time zone, so UTC.
pub(crate) fn parse_abs_time(s: &str, epoch_ok: bool) -> Option<i128> {
    let s = s.trim();
    if epoch_ok {
        if let Some(n) = parse_rel_time(s) {
            return Some(i128::from(n));
        }
    }
    let (date, time) = if let Some(rest) = s
        .get(..3)
        .filter(|m| MONTHS.iter().any(|x| x.eq_ignore_ascii_case(m)))
    {
        // `Nov 12, 1999 08:55:44.123`
        let month = MONTHS.iter().position(|x| x.eq_ignore_ascii_case(rest))? as i64 + 1;
        let after = s[3..].trim_start();
        let (day, after) = after.split_once(',')?;
        let day: i64 = day.trim().parse().ok()?;
        let after = after.trim_start();
        let (year, time) = match after.split_once(' ') {
            Some((y, t)) => (y, t.trim()),
            None => (after, ""),
        };
        ((year.parse::<i64>().ok()?, month, day), time)
    } else {
        let (d, t) = match s.find([' ', 'T']) {
            Some(i) => (&s[..i], s[i + 1..].trim()),
            None => (s, ""),
        };
        let mut parts = d.split('-');
        let y: i64 = parts.next()?.parse().ok()?;
        let m: i64 = parts.next()?.parse().ok()?;
        let day: i64 = parts.next()?.parse().ok()?;
        if parts.next().is_some() {
            return None;
        }
        ((y, m, day), t)
    };
    let (y, m, d) = date;
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) || !(0..=9999).contains(&y) {
        return None;
    }
    let time = time.strip_suffix('Z').unwrap_or(time);
    let (mut h, mut mi, mut sec, mut nanos) = (0i64, 0i64, 0i64, 0i64);
    if !time.is_empty() {
        let mut it = time.split(':');
        h = it.next()?.parse().ok()?;
        mi = it.next()?.parse().ok()?;
        if let Some(sx) = it.next() {
            let (whole, frac) = match sx.split_once('.') {
                Some((w, f)) => (w, Some(f)),
                None => (sx, None),
            };
            sec = whole.parse().ok()?;
            if let Some(f) = frac {
                if f.is_empty() || f.len() > 9 || !f.bytes().all(|c| c.is_ascii_digit()) {
                    return None;
                }
                nanos = f.parse::<i64>().ok()? * 10i64.pow(9 - f.len() as u32);
            }
        }
        if it.next().is_some() || h > 23 || mi > 59 || sec > 60 || h < 0 || mi < 0 || sec < 0 {
            return None;
        }
    }
    let secs = days_from_civil(y, m, d) * 86_400 + h * 3600 + mi * 60 + sec;
    Some(i128::from(secs) * 1_000_000_000 + i128::from(nanos))
}

/// A byte string: hex pairs separated by `:`, `-` or `.` (one separator kind), a single byte of
/// one or two digits, or an even run of hex digits.
pub(crate) fn parse_bytes(s: &str) -> Option<Vec<u8>> {
    let s = s.strip_prefix(':').unwrap_or(s);
    if s.is_empty() {
        return None;
    }
    let sep = s.bytes().find(|c| matches!(c, b':' | b'-' | b'.'));
    match sep {
        Some(sep) => {
            let s = if sep == b':' {
                s.strip_suffix(':').unwrap_or(s)
            } else {
                s
            };
            s.split(sep as char)
                .map(|g| {
                    if (1..=2).contains(&g.len()) && g.bytes().all(|c| c.is_ascii_hexdigit()) {
                        u8::from_str_radix(g, 16).ok()
                    } else {
                        None
                    }
                })
                .collect()
        }
        None if s.len() <= 2 => u8::from_str_radix(s, 16).ok().map(|b| vec![b]),
        None if s.len().is_multiple_of(2) && s.bytes().all(|c| c.is_ascii_hexdigit()) => (0..s
            .len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
            .collect(),
        None => None,
    }
}

/// A MAC address's bytes: `aa:bb:…`, `aa-bb-…`, `aa.bb.…`, `aabb.ccdd.eeff`, or 12 hex digits.
pub(crate) fn parse_mac(s: &str) -> Option<Vec<u8>> {
    let groups: Vec<&str> = s.split('.').collect();
    if groups.len() == 3 && groups.iter().all(|g| g.len() == 4) {
        let joined: String = groups.concat();
        return parse_bytes(&joined);
    }
    if !s.contains([':', '-', '.']) && s.len() != 12 && s.len() > 2 {
        return None;
    }
    parse_bytes(s)
}

/// `a.b.c.d[/n]`.
pub(crate) fn parse_ipv4(s: &str) -> Result<V<'static>, String> {
    let bad = || format!("\"{s}\" is not a valid hostname or IPv4 address.");
    let (addr, bits) = match s.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let ip: std::net::Ipv4Addr = addr.parse().map_err(|_| bad())?;
    let bits = match bits {
        None => 32,
        Some(b) => {
            let n: u32 = b.parse().map_err(|_| bad())?;
            if n > 32 {
                return Err(format!(
                    "Netmask bits in a CIDR IPv4 address should be <= 32, not {n}"
                ));
            }
            n as u8
        }
    };
    Ok(V::V4(u32::from(ip), bits))
}

/// An IPv6 address with an optional `/prefix`.
pub(crate) fn parse_ipv6(s: &str) -> Result<V<'static>, String> {
    let bad = || format!("\"{s}\" is not a valid hostname or IPv6 address.");
    let (addr, bits) = match s.split_once('/') {
        Some((a, b)) => (a, Some(b)),
        None => (s, None),
    };
    let ip: Ipv6Addr = addr.parse().map_err(|_| bad())?;
    let bits = match bits {
        None => 128,
        Some(b) => {
            let n: u32 = b.parse().map_err(|_| bad())?;
            if n > 128 {
                return Err(format!(
                    "Prefix in a IPv6 address should be <= 128, not {n}"
                ));
            }
            n as u8
        }
    };
    Ok(V::V6(u128::from(ip), bits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_integers_like_strtoull() {
        assert_eq!(parse_uint("42"), Ok(42));
        assert_eq!(parse_uint("0x2a"), Ok(42));
        assert_eq!(parse_uint("052"), Ok(42));
        assert_eq!(parse_uint("0b101010"), Ok(42));
        assert_eq!(parse_uint("0"), Ok(0));
        assert_eq!(parse_uint("08"), Err(false));
        assert_eq!(parse_uint("3.0"), Err(false));
        assert_eq!(parse_uint("0x"), Err(false));
        assert_eq!(parse_uint("18446744073709551616"), Err(true));
    }

    #[test]
    fn test_times() {
        assert_eq!(parse_rel_time("1.5"), Some(1_500_000_000));
        assert_eq!(parse_rel_time("1.5s"), Some(1_500_000_000));
        assert_eq!(parse_rel_time("0.000171"), Some(171_000));
        assert_eq!(parse_rel_time("2"), Some(2_000_000_000));
        assert_eq!(parse_rel_time("1e-4"), None);
        assert_eq!(parse_rel_time("0x10"), None);
        assert_eq!(parse_rel_time("1.0000000001"), None);
        let t = parse_abs_time("2020-01-01 00:00:00", false).unwrap();
        assert_eq!(t, 1_577_836_800 * 1_000_000_000);
        assert_eq!(parse_abs_time("2020-01-01", false), Some(t));
        assert_eq!(parse_abs_time("2020-01-01T00:00:00Z", false), Some(t));
        assert_eq!(parse_abs_time("Jan  1, 2020 00:00:00", false), Some(t));
        assert_eq!(
            parse_abs_time("Nov 12, 1999 08:55:44.123", false),
            Some(942_396_944_123_000_000)
        );
        assert_eq!(parse_abs_time("1600000000", false), None);
        assert_eq!(
            parse_abs_time("1600000000.5", true),
            Some(1_600_000_000_500_000_000)
        );
    }

    #[test]
    fn test_bytes_and_macs() {
        assert_eq!(parse_bytes("16:03"), Some(vec![0x16, 3]));
        assert_eq!(parse_bytes("16-03"), Some(vec![0x16, 3]));
        assert_eq!(parse_bytes("16.03"), Some(vec![0x16, 3]));
        assert_eq!(parse_bytes("1"), Some(vec![1]));
        assert_eq!(parse_bytes("0100"), Some(vec![1, 0]));
        assert_eq!(parse_bytes("aa:"), Some(vec![0xaa]));
        assert_eq!(parse_bytes("xyz"), None);
        assert_eq!(parse_bytes("0x0102"), None);
        let mac = vec![2, 0, 0, 0, 0, 1];
        assert_eq!(parse_mac("02:00:00:00:00:01"), Some(mac.clone()));
        assert_eq!(parse_mac("02-00-00-00-00-01"), Some(mac.clone()));
        assert_eq!(parse_mac("0200.0000.0001"), Some(mac.clone()));
        assert_eq!(parse_mac("02.00.00.00.00.01"), Some(mac.clone()));
        assert_eq!(parse_mac("020000000001"), Some(mac));
    }

    #[test]
    fn test_addresses() {
        assert!(matches!(
            parse_ipv4("10.0.0.0/8"),
            Ok(V::V4(0x0a00_0000, 8))
        ));
        assert_eq!(
            parse_ipv4("10.0.0").unwrap_err(),
            "\"10.0.0\" is not a valid hostname or IPv4 address."
        );
        assert_eq!(
            parse_ipv4("10.0.0.2/33").unwrap_err(),
            "Netmask bits in a CIDR IPv4 address should be <= 32, not 33"
        );
        assert!(matches!(parse_ipv6("fe80::/10"), Ok(V::V6(_, 10))));
        assert_eq!(
            parse_ipv6("fe80::/129").unwrap_err(),
            "Prefix in a IPv6 address should be <= 128, not 129"
        );
    }
}
