//! Bookkeeping for the oracle comparisons: counts checks, collects differences, and accounts
//! for every known difference (each with its reason, listed in the test that expects it).
#![allow(dead_code)]

use std::fmt::Display;
use std::path::Path;

/// A difference the test expects, with the reason (a Wireshark quirk or a deliberate choice).
pub struct Known {
    /// File name (no directory).
    pub file: &'static str,
    /// Frame (or 0 for file-level checks).
    pub frame: u64,
    /// The check's name, as passed to [`Tally::check`].
    pub what: &'static str,
    pub reason: &'static str,
}

/// Checks made against the oracle.
pub struct Tally {
    area: &'static str,
    pub total: u64,
    pub equal: u64,
    pub explained: Vec<String>,
    pub unexplained: Vec<String>,
    used: Vec<bool>,
    known: &'static [Known],
    file: String,
}

impl Tally {
    pub fn new(area: &'static str, known: &'static [Known]) -> Self {
        Tally {
            area,
            total: 0,
            equal: 0,
            explained: Vec::new(),
            unexplained: Vec::new(),
            used: vec![false; known.len()],
            known,
            file: String::new(),
        }
    }

    /// Sets the file the next checks belong to.
    pub fn file(&mut self, path: &Path) {
        self.file = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
    }

    /// One check: `ours` must equal `oracle`.
    pub fn check<T: PartialEq + std::fmt::Debug>(
        &mut self,
        frame: u64,
        what: &str,
        ours: T,
        oracle: T,
    ) -> bool {
        self.total += 1;
        if ours == oracle {
            self.equal += 1;
            return true;
        }
        self.differ(frame, what, format!("ours {ours:?}, oracle {oracle:?}"));
        false
    }

    /// A difference found some other way (e.g. a message the oracle has and we do not).
    pub fn differ(&mut self, frame: u64, what: &str, detail: impl Display) {
        let line = format!("{} frame {frame}: {what}: {detail}", self.file);
        let hit = self
            .known
            .iter()
            .position(|k| k.file == self.file && k.frame == frame && k.what == what);
        match hit {
            Some(i) => {
                self.used[i] = true;
                let reason = self.known.get(i).map_or("", |k| k.reason);
                self.explained.push(format!("{line} [known: {reason}]"));
            }
            None => self.unexplained.push(line),
        }
    }

    /// Prints the summary and fails on unexplained differences, stale known differences, or
    /// accuracy below `min_ratio`.
    pub fn finish(self, min_ratio: f64) {
        let ratio = if self.total == 0 {
            1.0
        } else {
            self.equal as f64 / self.total as f64
        };
        eprintln!(
            "{}: {} of {} checks equal to tshark ({:.2}%), {} known differences, {} unexplained",
            self.area,
            self.equal,
            self.total,
            ratio * 100.0,
            self.explained.len(),
            self.unexplained.len()
        );
        for e in &self.explained {
            eprintln!("  {e}");
        }
        for u in &self.unexplained {
            eprintln!("  UNEXPLAINED {u}");
        }
        let stale: Vec<String> = self
            .known
            .iter()
            .zip(&self.used)
            .filter(|(_, used)| !**used)
            .map(|(k, _)| format!("{} frame {} {}", k.file, k.frame, k.what))
            .collect();
        assert!(
            stale.is_empty(),
            "{}: known differences no longer seen (remove them): {stale:?}",
            self.area
        );
        assert!(
            self.unexplained.is_empty(),
            "{}: {} unexplained differences",
            self.area,
            self.unexplained.len()
        );
        assert!(
            ratio >= min_ratio,
            "{}: accuracy {ratio} below {min_ratio}",
            self.area
        );
    }
}

/// True when the report could not be produced because the reader does not handle this file's
/// format yet (pcapng / gzip before the capture branch lands): prints a notice.
pub fn unreadable(
    test: &str,
    path: &Path,
    report: &pcaplens_core::Report,
    oracle: &serde_json::Value,
) -> bool {
    let oracle_frames = oracle["tshark"]["frames_read"].as_u64().unwrap_or(0);
    if report.capinfos.packets == 0 && oracle_frames > 0 {
        let error: String = report
            .error
            .as_deref()
            .unwrap_or("no error")
            .chars()
            .take(60)
            .collect();
        eprintln!(
            "{test}: skipped {}: the reader produced no frames ({error}...)",
            path.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        );
        return true;
    }
    false
}

/// Frames the oracle lists as ICMP / ICMPv6 errors (their DNS/DHCP fields come from the quoted
/// packet inside the error).
pub fn icmp_error_frames(oracle: &serde_json::Value) -> std::collections::HashSet<u64> {
    oracle["icmp"]["messages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|m| {
            let t = m["type"].as_u64().unwrap_or(0);
            match m["version"].as_u64() {
                Some(4) => matches!(t, 3 | 4 | 5 | 11 | 12),
                Some(6) => matches!(t, 1..=4),
                _ => false,
            }
        })
        .filter_map(|m| m["frame"].as_u64())
        .collect()
}
