//! List logic behind the tables: which rows are visible in a scrolled window, stable sorting
//! of row indices, and the Connections filters (text and kind).
//!
//! Plain Rust, so it is tested natively and stays fast for 100k connections (a filter or a
//! sort is one pass over indices; only the visible window becomes DOM rows).

use std::cmp::Ordering;

use pcaplens_core::report::tcp::Connection;

/// The rows to render for a scroll position: `[start, end)`, with `overscan` extra rows on
/// each side so fast scrolling does not show gaps.
pub fn visible_window(
    scroll_top: f64,
    viewport_height: f64,
    row_height: f64,
    rows: usize,
    overscan: usize,
) -> (usize, usize) {
    if rows == 0 || row_height <= 0.0 {
        return (0, 0);
    }
    let first = (scroll_top.max(0.0) / row_height).floor() as usize;
    let shown = (viewport_height.max(row_height) / row_height).ceil() as usize + 1;
    let start = first.saturating_sub(overscan).min(rows);
    let end = first
        .saturating_add(shown)
        .saturating_add(overscan)
        .min(rows);
    (start, end.max(start))
}

/// Sorts `indices` by `cmp` (stable: equal rows keep their order), descending when asked.
pub fn sort_indices(
    indices: &mut [usize],
    descending: bool,
    cmp: impl Fn(usize, usize) -> Ordering,
) {
    indices.sort_by(|&a, &b| {
        let o = cmp(a, b);
        if descending {
            o.reverse()
        } else {
            o
        }
    });
}

/// What kind of connections the Connections view lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConnectionKind {
    All,
    /// Any `tcp.analysis.*` flag.
    WithIssues,
    HandshakeFailed,
    Reset,
    ClosedWithFin,
    StillOpen,
    /// One `tcp.analysis.*` flag by name ("duplicate_ack").
    Flag(&'static str),
}

impl ConnectionKind {
    /// A stable value for the `<select>`.
    pub fn value(self) -> String {
        match self {
            ConnectionKind::All => "all".into(),
            ConnectionKind::WithIssues => "issues".into(),
            ConnectionKind::HandshakeFailed => "handshake-failed".into(),
            ConnectionKind::Reset => "rst".into(),
            ConnectionKind::ClosedWithFin => "fin".into(),
            ConnectionKind::StillOpen => "open".into(),
            ConnectionKind::Flag(name) => format!("flag:{name}"),
        }
    }

    pub fn from_value(value: &str) -> ConnectionKind {
        match value {
            "issues" => ConnectionKind::WithIssues,
            "handshake-failed" => ConnectionKind::HandshakeFailed,
            "rst" => ConnectionKind::Reset,
            "fin" => ConnectionKind::ClosedWithFin,
            "open" => ConnectionKind::StillOpen,
            v => v
                .strip_prefix("flag:")
                .and_then(|name| {
                    pcaplens_core::analyze::tcp::flags::NAMES
                        .iter()
                        .find(|n| **n == name)
                })
                .map_or(ConnectionKind::All, |n| ConnectionKind::Flag(n)),
        }
    }

    pub fn matches(self, c: &Connection) -> bool {
        match self {
            ConnectionKind::All => true,
            ConnectionKind::WithIssues => flag_count(c, None) > 0,
            ConnectionKind::HandshakeFailed => !c.handshake_completed && c.client_to_server.syn > 0,
            ConnectionKind::Reset => c.close == "rst",
            ConnectionKind::ClosedWithFin => c.close == "fin",
            ConnectionKind::StillOpen => c.close == "open" || c.close == "half_fin",
            ConnectionKind::Flag(name) => flag_count(c, Some(name)) > 0,
        }
    }
}

/// Frames flagged `name` in a connection; with `None`, every flag summed (a frame with two
/// flags counts twice: only used to tell whether there is any).
pub fn flag_count(c: &Connection, name: Option<&str>) -> u64 {
    let a = &c.analysis;
    let all = [
        ("retransmission", a.retransmission),
        ("fast_retransmission", a.fast_retransmission),
        ("spurious_retransmission", a.spurious_retransmission),
        ("duplicate_ack", a.duplicate_ack),
        ("zero_window", a.zero_window),
        ("zero_window_probe", a.zero_window_probe),
        ("zero_window_probe_ack", a.zero_window_probe_ack),
        ("out_of_order", a.out_of_order),
        ("lost_segment", a.lost_segment),
        ("ack_lost_segment", a.ack_lost_segment),
        ("keep_alive", a.keep_alive),
        ("keep_alive_ack", a.keep_alive_ack),
        ("window_update", a.window_update),
        ("window_full", a.window_full),
        ("reused_ports", a.reused_ports),
    ];
    match name {
        Some(n) => all.iter().find(|(k, _)| *k == n).map_or(0, |(_, v)| *v),
        None => {
            all.iter()
                .filter(|(k, _)| *k != "fast_retransmission" && *k != "spurious_retransmission")
                .map(|(_, v)| v)
                .sum::<u64>()
                + a.spurious_retransmission
        }
    }
}

/// The text filter: every whitespace-separated word must occur in the client or server
/// endpoint ("10.0.0.2", ":443", "443") or equal the stream number; "#3" is stream 3 only.
pub fn matches_text(c: &Connection, filter: &str) -> bool {
    filter.split_whitespace().all(|word| {
        if let Some(number) = word.strip_prefix('#') {
            return number.parse::<u64>().ok() == Some(c.stream);
        }
        if word.eq_ignore_ascii_case("stream") {
            return true;
        }
        if word.parse::<u64>().ok() == Some(c.stream) {
            return true;
        }
        let word = word.to_ascii_lowercase();
        c.client.to_ascii_lowercase().contains(&word)
            || c.server.to_ascii_lowercase().contains(&word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_covers_the_viewport_plus_overscan() {
        assert_eq!(visible_window(0.0, 340.0, 34.0, 3, 8), (0, 3));
        assert_eq!(visible_window(0.0, 340.0, 34.0, 100_000, 8), (0, 19));
        let (s, e) = visible_window(34.0 * 50_000.0, 340.0, 34.0, 100_000, 8);
        assert_eq!((s, e), (49_992, 50_019));
        // Scrolled past the end (a filter shrank the list): nothing beyond the rows.
        assert_eq!(visible_window(1e9, 340.0, 34.0, 10, 8), (10, 10));
        assert_eq!(visible_window(0.0, 340.0, 34.0, 0, 8), (0, 0));
    }

    #[test]
    fn sorting_is_stable_both_ways() {
        let keys = [3, 1, 2, 1];
        let mut idx: Vec<usize> = (0..4).collect();
        sort_indices(&mut idx, false, |a, b| keys[a].cmp(&keys[b]));
        assert_eq!(idx, [1, 3, 2, 0]);
        let mut idx: Vec<usize> = (0..4).collect();
        sort_indices(&mut idx, true, |a, b| keys[a].cmp(&keys[b]));
        assert_eq!(idx, [0, 2, 1, 3]);
    }

    #[test]
    fn demo_connections_filter_by_text_and_kind() {
        let report = pcaplens_core::analyze_bytes(
            &pcaplens_synth::demo::demo_capture(),
            &pcaplens_core::Config::default(),
        );
        let conns = &report.tcp.connections;
        let pick = |f: &dyn Fn(&Connection) -> bool| -> Vec<u64> {
            conns.iter().filter(|c| f(c)).map(|c| c.stream).collect()
        };
        assert_eq!(pick(&|c| matches_text(c, "64370")), [1]);
        assert_eq!(pick(&|c| matches_text(c, "193.34.76.44 :443")), [0, 1, 2]);
        assert_eq!(pick(&|c| matches_text(c, "#2")), [2]);
        assert_eq!(pick(&|c| matches_text(c, "10.9.9.9")), Vec::<u64>::new());
        let kind = |k: &str| pick(&|c| ConnectionKind::from_value(k).matches(c));
        assert_eq!(kind("all"), [0, 1, 2]);
        assert_eq!(kind("issues"), [0, 1]);
        assert_eq!(kind("flag:duplicate_ack"), [0, 1]);
        assert_eq!(kind("flag:fast_retransmission"), [1]);
        assert_eq!(kind("flag:spurious_retransmission"), [0]);
        assert_eq!(kind("rst"), [1, 2]);
        assert_eq!(kind("fin"), [0]);
        assert_eq!(kind("flag:nonsense"), [0, 1, 2]);
        for k in [
            "all",
            "issues",
            "rst",
            "fin",
            "open",
            "handshake-failed",
            "flag:zero_window",
        ] {
            assert_eq!(ConnectionKind::from_value(k).value(), k);
        }
    }
}
