//! Small helpers for the answers: times, endpoints and the TCP stream of a 4-tuple.

use std::collections::HashMap;
use std::net::SocketAddr;

use pcaplens_core::report::tcp::Connection;

use super::tcpview::endpoint;

/// Epoch seconds as ISO 8601 UTC with microseconds (`2024-03-12T10:15:30.122650Z`).
pub fn iso_utc(epoch: f64) -> Option<String> {
    if !epoch.is_finite() {
        return None;
    }
    let micros = (epoch * 1e6).round() as i64;
    let secs = micros.div_euclid(1_000_000);
    let frac = micros.rem_euclid(1_000_000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    Some(format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{frac:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    ))
}

/// Days since 1970-01-01 to (year, month, day), proleptic Gregorian (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
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

/// The current time, as [`iso_utc`] (mcpcap's `analysis_timestamp`).
pub fn now_iso() -> Option<String> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .ok()?;
    iso_utc(now.as_secs_f64())
}

/// Finds Wireshark's `tcp.stream` for a frame from its two endpoints, using the report's
/// connections (a 4-tuple reused by several streams is told apart by frame range).
pub struct StreamIndex {
    by_pair: HashMap<(SocketAddr, SocketAddr), Vec<StreamSpan>>,
}

/// A stream and its first and last frame.
type StreamSpan = (u64, u64, u64);

impl StreamIndex {
    pub fn new(connections: &[Connection]) -> Self {
        let mut by_pair: HashMap<_, Vec<StreamSpan>> = HashMap::new();
        for c in connections {
            if let (Some(a), Some(b)) = (endpoint(&c.client), endpoint(&c.server)) {
                by_pair.entry(pair(a, b)).or_default().push((
                    c.stream,
                    c.first_frame,
                    c.last_frame,
                ));
            }
        }
        StreamIndex { by_pair }
    }

    /// The stream between `a` and `b` that holds `frame` (else the latest one started before).
    pub fn stream(&self, a: SocketAddr, b: SocketAddr, frame: u64) -> Option<u64> {
        let streams = self.by_pair.get(&pair(a, b))?;
        streams
            .iter()
            .find(|(_, first, last)| (*first..=*last).contains(&frame))
            .or_else(|| streams.iter().rev().find(|(_, first, _)| *first <= frame))
            .map(|(s, _, _)| *s)
    }
}

fn pair(a: SocketAddr, b: SocketAddr) -> (SocketAddr, SocketAddr) {
    if a <= b {
        (a, b)
    } else {
        (b, a)
    }
}

/// An address and port joined as the report writes endpoints.
pub fn socket(ip: &str, port: u16) -> Option<SocketAddr> {
    let ip: std::net::IpAddr = ip.parse().ok()?;
    Some(SocketAddr::new(ip, port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_times() {
        assert_eq!(iso_utc(0.0).unwrap(), "1970-01-01T00:00:00.000000Z");
        assert_eq!(
            iso_utc(1_710_238_530.122_65).unwrap(),
            "2024-03-12T10:15:30.122650Z"
        );
        assert_eq!(
            iso_utc(951_782_400.5).unwrap(),
            "2000-02-29T00:00:00.500000Z"
        );
        assert!(iso_utc(f64::NAN).is_none());
    }
}
