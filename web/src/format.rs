//! Human-readable numbers for the page: counts, byte sizes, rates, durations and UTC times.
//!
//! Plain Rust (no browser APIs) so it is unit-tested natively.

/// `1234567` → `"1,234,567"`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A byte size in binary units: `"512 B"`, `"1.5 KiB"`, `"2.00 GiB"`.
pub fn bytes(n: u64) -> String {
    const UNITS: [&str; 5] = ["KiB", "MiB", "GiB", "TiB", "PiB"];
    if n < 1024 {
        return format!("{n} B");
    }
    let mut value = n as f64 / 1024.0;
    let mut unit = UNITS[0];
    for next in &UNITS[1..] {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = next;
    }
    // Three significant digits are plenty for a progress line.
    if value < 10.0 {
        format!("{value:.2} {unit}")
    } else if value < 100.0 {
        format!("{value:.1} {unit}")
    } else {
        format!("{value:.0} {unit}")
    }
}

/// A transfer rate, e.g. `"850 MiB/s"`.
pub fn rate(bytes_per_second: f64) -> String {
    if !bytes_per_second.is_finite() || bytes_per_second < 0.0 {
        return "–".to_string();
    }
    format!("{}/s", bytes(bytes_per_second as u64))
}

/// A duration in seconds for people: `"0.250 s"`, `"42 s"`, `"3 min 07 s"`, `"2 h 05 min"`.
pub fn duration(seconds: f64) -> String {
    if !seconds.is_finite() || seconds < 0.0 {
        return "–".to_string();
    }
    if seconds < 10.0 {
        return format!("{seconds:.3} s");
    }
    let total = seconds.round() as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 {
        format!("{h} h {m:02} min")
    } else if m > 0 {
        format!("{m} min {s:02} s")
    } else {
        format!("{s} s")
    }
}

/// Epoch seconds as an ISO-8601 UTC time with microseconds: `"2024-05-01 12:34:56.789012 UTC"`.
pub fn utc_time(epoch_seconds: f64) -> String {
    if !epoch_seconds.is_finite() {
        return "–".to_string();
    }
    let micros_total = (epoch_seconds * 1e6).round() as i64;
    let secs = micros_total.div_euclid(1_000_000);
    let micros = micros_total.rem_euclid(1_000_000);
    let days = secs.div_euclid(86_400);
    let of_day = secs.rem_euclid(86_400);
    let (y, mo, d) = civil_from_days(days);
    format!(
        "{y:04}-{mo:02}-{d:02} {:02}:{:02}:{:02}.{micros:06} UTC",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    )
}

/// Days since 1970-01-01 → (year, month, day) in the proleptic Gregorian calendar
/// (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// Estimated seconds left from progress so far, or `None` before there is a rate to go by.
pub fn seconds_left(done: u64, total: u64, elapsed_seconds: f64) -> Option<f64> {
    if done == 0 || elapsed_seconds <= 0.0 || total < done {
        return None;
    }
    let rate = done as f64 / elapsed_seconds;
    Some((total - done) as f64 / rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(count(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn byte_sizes_use_binary_units() {
        assert_eq!(bytes(0), "0 B");
        assert_eq!(bytes(1023), "1023 B");
        assert_eq!(bytes(1024), "1.00 KiB");
        assert_eq!(bytes(1536), "1.50 KiB");
        assert_eq!(bytes(50 * 1024 * 1024), "50.0 MiB");
        assert_eq!(bytes(300 * 1024 * 1024), "300 MiB");
        assert_eq!(bytes(2 << 30), "2.00 GiB");
        assert_eq!(rate(850.0 * 1024.0 * 1024.0), "850 MiB/s");
        assert_eq!(rate(f64::NAN), "–");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(0.25), "0.250 s");
        assert_eq!(duration(42.4), "42 s");
        assert_eq!(duration(187.0), "3 min 07 s");
        assert_eq!(duration(7500.0), "2 h 05 min");
        assert_eq!(duration(-1.0), "–");
    }

    #[test]
    fn utc_times_match_known_dates() {
        assert_eq!(utc_time(0.0), "1970-01-01 00:00:00.000000 UTC");
        // 2000-02-29 is a leap day; 951782400 is its midnight.
        assert_eq!(utc_time(951_782_400.5), "2000-02-29 00:00:00.500000 UTC");
        assert_eq!(
            utc_time(1_714_566_896.789012),
            "2024-05-01 12:34:56.789012 UTC"
        );
        assert_eq!(utc_time(-1.0), "1969-12-31 23:59:59.000000 UTC");
    }

    #[test]
    fn time_left_comes_from_the_rate_so_far() {
        assert_eq!(seconds_left(0, 100, 1.0), None);
        assert_eq!(seconds_left(25, 100, 1.0), Some(3.0));
        assert_eq!(seconds_left(100, 100, 2.0), Some(0.0));
        assert_eq!(seconds_left(10, 5, 1.0), None);
    }
}
