//! Numbers, sizes, durations and UTC times as people read them, in either language.
//!
//! No clock and no time-zone database: a capture time is epoch seconds, shown in UTC with the
//! civil-calendar arithmetic below. Spanish uses the decimal comma in prose; frame numbers and
//! counts are never grouped, so they can be typed into a Wireshark filter as shown.

use crate::i18n::Lang;

/// `value` with `places` decimals, using the language's decimal mark ("1.5" / "1,5").
pub fn decimal(lang: Lang, value: f64, places: usize) -> String {
    let s = format!("{value:.places$}");
    match lang {
        Lang::En => s,
        Lang::Es => s.replace('.', ","),
    }
}

/// A duration in seconds, with a unit that keeps 3–4 significant digits: "850 µs", "23.4 ms",
/// "12.345 s", "2 min 05 s", "1 h 02 min".
pub fn duration(lang: Lang, seconds: f64) -> String {
    if !seconds.is_finite() {
        return "—".to_string();
    }
    let sign = if seconds < 0.0 { "-" } else { "" };
    let s = seconds.abs();
    let body = if s == 0.0 {
        "0 s".to_string()
    } else if s < 1e-3 {
        format!("{} µs", decimal(lang, s * 1e6, 0))
    } else if s < 1.0 {
        format!("{} ms", decimal(lang, s * 1e3, 1))
    } else if s < 60.0 {
        format!("{} s", decimal(lang, s, 3))
    } else if s < 3600.0 {
        let whole = s.floor() as u64;
        format!("{} min {:02} s", whole / 60, whole % 60)
    } else {
        let whole = s.floor() as u64;
        format!("{} h {:02} min", whole / 3600, (whole % 3600) / 60)
    };
    format!("{sign}{body}")
}

/// A byte count in decimal units as capinfos shows them: "512 B", "1.5 kB", "23.4 MB".
pub fn bytes(lang: Lang, n: u64) -> String {
    const UNITS: [&str; 5] = ["kB", "MB", "GB", "TB", "PB"];
    if n < 1000 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit + 1 < UNITS.len() {
        value /= 1000.0;
        unit += 1;
    }
    format!("{} {}", decimal(lang, value, 1), UNITS[unit])
}

/// Epoch seconds as "YYYY-MM-DD hh:mm:ss.ffffff UTC" (microseconds: an f64 epoch cannot hold
/// nanoseconds faithfully). "—" for a value that is not a time.
pub fn utc(epoch_seconds: f64) -> String {
    // ±10^12 s is ±31 000 years: beyond that the value is garbage from a broken file.
    if !epoch_seconds.is_finite() || epoch_seconds.abs() > 1e12 {
        return "—".to_string();
    }
    let mut whole = epoch_seconds.floor() as i64;
    let mut micros = ((epoch_seconds - whole as f64) * 1e6).round() as i64;
    if micros >= 1_000_000 {
        whole += 1;
        micros -= 1_000_000;
    }
    let days = whole.div_euclid(86_400);
    let secs_of_day = whole.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02}.{micros:06} UTC",
        secs_of_day / 3600,
        (secs_of_day % 3600) / 60,
        secs_of_day % 60
    )
}

/// Howard Hinnant's days-since-1970 → proleptic Gregorian (year, month, day).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// "n thing" / "n things" in English, "n cosa" / "n cosas" in Spanish.
pub fn count(lang: Lang, n: u64, en: (&str, &str), es: (&str, &str)) -> String {
    let (one, many) = lang.pick(en, es);
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A list of frame numbers, shortened after `max` ("12, 15, 19 … (+40)").
pub fn frame_list(frames: &[u64], max: usize) -> String {
    let mut out = frames
        .iter()
        .take(max)
        .map(u64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if frames.len() > max {
        out.push_str(&format!(" … (+{})", frames.len() - max));
    }
    out
}

/// "frame 7" / "frames 7, 9 … (+3)" (Spanish "trama" / "tramas").
pub fn frames_text(lang: Lang, frames: &[u64], max: usize) -> String {
    let word = match (lang, frames.len()) {
        (Lang::En, 1) => "frame",
        (Lang::En, _) => "frames",
        (Lang::Es, 1) => "trama",
        (Lang::Es, _) => "tramas",
    };
    format!("{word} {}", frame_list(frames, max))
}

/// Joins words as "a, b and c" / "a, b y c".
pub fn and_list(lang: Lang, items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {} {last}", init.join(", "), lang.pick("and", "y")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_formats_known_instants() {
        assert_eq!(utc(0.0), "1970-01-01 00:00:00.000000 UTC");
        assert_eq!(utc(1_700_000_000.25), "2023-11-14 22:13:20.250000 UTC");
        // Leap day, and a value whose fraction rounds up into the next second.
        assert_eq!(utc(951_782_400.0), "2000-02-29 00:00:00.000000 UTC");
        assert_eq!(utc(59.999_999_9), "1970-01-01 00:01:00.000000 UTC");
        assert_eq!(utc(-1.5), "1969-12-31 23:59:58.500000 UTC");
        assert_eq!(utc(f64::NAN), "—");
        assert_eq!(utc(1e300), "—");
    }

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(duration(Lang::En, 0.0234), "23.4 ms");
        assert_eq!(duration(Lang::Es, 0.0234), "23,4 ms");
        assert_eq!(duration(Lang::En, 0.000_85), "850 µs");
        assert_eq!(duration(Lang::En, 12.3456), "12.346 s");
        assert_eq!(duration(Lang::En, 125.0), "2 min 05 s");
        assert_eq!(duration(Lang::En, 3725.0), "1 h 02 min");
        assert_eq!(duration(Lang::En, 0.0), "0 s");
        assert_eq!(duration(Lang::En, f64::INFINITY), "—");
    }

    #[test]
    fn bytes_use_decimal_units() {
        assert_eq!(bytes(Lang::En, 999), "999 B");
        assert_eq!(bytes(Lang::En, 1500), "1.5 kB");
        assert_eq!(bytes(Lang::Es, 23_400_000), "23,4 MB");
        assert_eq!(bytes(Lang::En, u64::MAX), "18446.7 PB");
    }

    #[test]
    fn lists() {
        assert_eq!(frame_list(&[1, 2, 3, 4], 3), "1, 2, 3 … (+1)");
        assert_eq!(frame_list(&[7], 3), "7");
        assert_eq!(frames_text(Lang::En, &[7], 3), "frame 7");
        assert_eq!(frames_text(Lang::Es, &[7, 8], 3), "tramas 7, 8");
        let words = ["a".to_string(), "b".to_string(), "c".to_string()];
        assert_eq!(and_list(Lang::En, &words), "a, b and c");
        assert_eq!(and_list(Lang::Es, &words[..2]), "a y b");
        assert_eq!(
            count(Lang::Es, 1, ("packet", "packets"), ("paquete", "paquetes")),
            "1 paquete"
        );
        assert_eq!(
            count(Lang::En, 2, ("packet", "packets"), ("paquete", "paquetes")),
            "2 packets"
        );
    }
}
