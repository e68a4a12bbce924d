//! The arithmetic of the diagrams: axis ticks, linear scales, the TCP flow graph's labels and
//! the time-sequence (Stevens / tcptrace) plot's paths. Plain Rust, tested natively; the SVG
//! components only place what this computes.

use pcaplens_core::analyze::ladder::{PacketRow, PlotPoint};
use pcaplens_core::analyze::tcp::flags;
use pcaplens_core::decode::tcp::Flags;

/// A linear map from a data range to a pixel range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scale {
    pub d0: f64,
    pub d1: f64,
    pub r0: f64,
    pub r1: f64,
}

impl Scale {
    pub fn new(d0: f64, d1: f64, r0: f64, r1: f64) -> Scale {
        // An empty domain maps everything to the middle instead of dividing by zero.
        let (d0, d1) = if d1 > d0 {
            (d0, d1)
        } else {
            (d0 - 0.5, d0 + 0.5)
        };
        Scale { d0, d1, r0, r1 }
    }

    pub fn map(&self, v: f64) -> f64 {
        self.r0 + (v - self.d0) / (self.d1 - self.d0) * (self.r1 - self.r0)
    }
}

/// About `target` round tick values covering `[min, max]` (steps of 1, 2 or 5 × 10^k).
pub fn nice_ticks(min: f64, max: f64, target: usize) -> Vec<f64> {
    if !(min.is_finite() && max.is_finite()) || target == 0 {
        return Vec::new();
    }
    if max <= min {
        return vec![min];
    }
    let raw = (max - min) / target as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    // The round step whose tick count is nearest the target.
    let span = max - min;
    let step = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .min_by(|a, b| {
            let da = (span / a - target as f64).abs();
            let db = (span / b - target as f64).abs();
            da.total_cmp(&db)
        })
        .unwrap_or(magnitude);
    let first = (min / step).ceil() * step;
    let mut ticks = Vec::new();
    let mut v = first;
    while v <= max + step * 1e-9 && ticks.len() < 100 {
        // Rounding noise (0.30000000000000004) would show in labels.
        let k = (v / step).round();
        ticks.push((k * step * 1e9).round() / 1e9);
        v += step;
    }
    ticks
}

/// A tick label: no more decimals than the step needs.
pub fn tick_label(value: f64, step: f64) -> String {
    let decimals = if step >= 1.0 || step <= 0.0 {
        0
    } else {
        (-step.log10().floor()) as usize
    };
    format!("{value:.decimals$}")
}

/// Wireshark's flag list for the Info column: "SYN, ACK", "FIN, PSH, ACK", "RST".
pub fn flags_text(bits: u16) -> String {
    const ORDER: [(u16, &str); 9] = [
        (Flags::FIN, "FIN"),
        (Flags::SYN, "SYN"),
        (Flags::RST, "RST"),
        (Flags::PSH, "PSH"),
        (Flags::ACK, "ACK"),
        (Flags::URG, "URG"),
        (Flags::ECE, "ECE"),
        (Flags::CWR, "CWR"),
        (Flags::NS, "AE"),
    ];
    let names: Vec<&str> = ORDER
        .iter()
        .filter(|(bit, _)| bits & bit != 0)
        .map(|(_, n)| *n)
        .collect();
    if names.is_empty() {
        "<None>".to_string()
    } else {
        names.join(", ")
    }
}

/// The two text lines over a flow-graph arrow: what it is (TLS records, else the flags) and
/// the numbers ("Seq=1 Ack=1 Len=517", with SACK edges as Wireshark prints them).
pub fn arrow_text(row: &PacketRow) -> (String, String) {
    let main = if row.tls.is_empty() {
        flags_text(row.flags)
    } else {
        let names: Vec<&str> = row.tls.iter().map(|r| r.wireshark_name()).collect();
        names.join(", ")
    };
    let mut numbers = format!("Seq={}", row.seq);
    if let Some(ack) = row.ack {
        numbers.push_str(&format!(" Ack={ack}"));
    }
    numbers.push_str(&format!(" Len={}", row.len));
    for (left, right) in &row.sack {
        numbers.push_str(&format!(" SLE={left} SRE={right}"));
    }
    (main, numbers)
}

/// The analysis flags of a row, by name, in Wireshark's bit order; a fast or spurious
/// retransmission is named alone (it is also a retransmission).
pub fn analysis_kinds(analysis: u16) -> Vec<&'static str> {
    let mut bits = analysis;
    if bits & (flags::FAST_RETRANSMISSION | flags::SPURIOUS_RETRANSMISSION) != 0 {
        bits &= !flags::RETRANSMISSION;
    }
    pcaplens_core::analyze::ladder::analysis_names(bits).collect()
}

/// The window a segment advertises, scaled when both SYNs carried the option (never on a SYN).
pub fn scaled_window(window: u16, flags: u16, shift: Option<u8>) -> u64 {
    match shift {
        Some(s) if flags & Flags::SYN == 0 => u64::from(window) << s.min(14),
        _ => u64::from(window),
    }
}

/// The time-sequence plot of one direction, as SVG path data in pixels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SequencePlot {
    /// Data segments: a vertical bar from seq to seq+len.
    pub segments: String,
    /// Retransmitted (any kind) or out-of-order segments.
    pub retransmissions: String,
    /// The other side's ACK number over time (a step line).
    pub acks: String,
    /// The receive window's right edge (ACK + scaled window).
    pub window: String,
    /// SYN and FIN markers.
    pub controls: String,
    pub x_ticks: Vec<(f64, String)>,
    pub y_ticks: Vec<(f64, String)>,
    pub segments_drawn: usize,
}

/// Plot area in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Area {
    pub left: f64,
    pub top: f64,
    pub right: f64,
    pub bottom: f64,
}

/// Builds the plot of the data sent `from_client` (true: client → server) from the scan's
/// points. `window_shift`: the receiver's window scale when both sides agreed to scaling.
pub fn sequence_plot(
    points: &[PlotPoint],
    from_client: bool,
    window_shift: Option<u8>,
    area: Area,
) -> SequencePlot {
    let data: Vec<&PlotPoint> = points
        .iter()
        .filter(|p| p.from_client == from_client)
        .collect();
    let acks: Vec<&PlotPoint> = points
        .iter()
        .filter(|p| p.from_client != from_client && p.ack.is_some())
        .collect();
    let t_max = points.iter().map(|p| p.t).fold(0.0, f64::max);
    let data_max = data
        .iter()
        .map(|p| f64::from(p.seq) + f64::from(p.len))
        .chain(acks.iter().map(|p| f64::from(p.ack.unwrap_or(0))))
        .fold(1.0, f64::max);
    // Some headroom above the data; the window line is drawn only where it fits (a scaled
    // window is often megabytes above a small transfer and would flatten the data).
    let y_max = data_max * 1.08;
    let window_edge = |p: &PlotPoint| {
        f64::from(p.ack.unwrap_or(0)) + scaled_window(p.window, p.flags, window_shift) as f64
    };
    let x = Scale::new(0.0, t_max, area.left, area.right);
    let y = Scale::new(0.0, y_max, area.bottom, area.top);

    let mut plot = SequencePlot::default();
    for p in &data {
        let px = x.map(p.t);
        if p.len > 0 {
            let target = if p.analysis & (flags::ANY_RETRANSMISSION | flags::OUT_OF_ORDER) != 0 {
                &mut plot.retransmissions
            } else {
                &mut plot.segments
            };
            let y0 = y.map(f64::from(p.seq));
            let y1 = y.map(f64::from(p.seq) + f64::from(p.len)).min(y0 - 1.0);
            target.push_str(&format!("M{px:.1} {y0:.1}V{y1:.1}"));
            plot.segments_drawn += 1;
        }
        if p.flags & (Flags::SYN | Flags::FIN) != 0 {
            let py = y.map(f64::from(p.seq));
            plot.controls
                .push_str(&format!("M{:.1} {py:.1}h6", px - 3.0));
        }
    }
    let mut ack_line = String::new();
    let mut win_line = String::new();
    let mut win_pen_down = false;
    for (i, p) in acks.iter().enumerate() {
        let px = x.map(p.t);
        let ay = y.map(f64::from(p.ack.unwrap_or(0)));
        if i == 0 {
            ack_line.push_str(&format!("M{px:.1} {ay:.1}"));
        } else {
            ack_line.push_str(&format!("H{px:.1}V{ay:.1}"));
        }
        let edge = window_edge(p);
        if edge > y_max {
            win_pen_down = false;
            continue;
        }
        let wy = y.map(edge);
        if win_pen_down {
            win_line.push_str(&format!("H{px:.1}V{wy:.1}"));
        } else {
            win_line.push_str(&format!("M{px:.1} {wy:.1}"));
            win_pen_down = true;
        }
    }
    plot.acks = ack_line;
    plot.window = win_line;
    let xt = nice_ticks(0.0, t_max.max(1e-3), 6);
    let xstep = xt.get(1).zip(xt.first()).map_or(1.0, |(b, a)| b - a);
    plot.x_ticks = xt
        .iter()
        .map(|v| (x.map(*v), tick_label(*v, xstep)))
        .collect();
    let yt = nice_ticks(0.0, y_max, 5);
    let ystep = yt.get(1).zip(yt.first()).map_or(1.0, |(b, a)| b - a);
    plot.y_ticks = yt
        .iter()
        .map(|v| (y.map(*v), tick_label(*v, ystep)))
        .collect();
    plot
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcaplens_core::analyze::ladder::{stream_packets, StreamQuery};

    #[test]
    fn ticks_are_round_and_cover_the_range() {
        assert_eq!(nice_ticks(0.0, 10.0, 5), [0.0, 2.0, 4.0, 6.0, 8.0, 10.0]);
        assert_eq!(nice_ticks(0.0, 0.9, 4), [0.0, 0.2, 0.4, 0.6, 0.8]);
        assert_eq!(nice_ticks(0.0, 5110.0, 5).last(), Some(&5000.0));
        assert_eq!(nice_ticks(3.0, 3.0, 5), [3.0]);
        assert!(nice_ticks(f64::NAN, 1.0, 5).is_empty());
        assert_eq!(tick_label(0.30000000000000004, 0.1), "0.3");
        assert_eq!(tick_label(2000.0, 1000.0), "2000");
    }

    #[test]
    fn scales_map_ranges_and_survive_empty_domains() {
        let s = Scale::new(0.0, 10.0, 100.0, 200.0);
        assert_eq!(s.map(5.0), 150.0);
        let flat = Scale::new(2.0, 2.0, 0.0, 100.0);
        assert_eq!(flat.map(2.0), 50.0);
    }

    #[test]
    fn flags_are_named_in_wiresharks_order() {
        assert_eq!(flags_text(Flags::SYN | Flags::ACK), "SYN, ACK");
        assert_eq!(
            flags_text(Flags::FIN | Flags::PSH | Flags::ACK),
            "FIN, PSH, ACK"
        );
        assert_eq!(flags_text(Flags::RST), "RST");
        assert_eq!(flags_text(0), "<None>");
        assert_eq!(
            analysis_kinds(flags::RETRANSMISSION | flags::FAST_RETRANSMISSION),
            ["fast_retransmission"]
        );
        assert_eq!(analysis_kinds(flags::DUPLICATE_ACK), ["duplicate_ack"]);
        assert_eq!(scaled_window(1000, Flags::ACK, Some(9)), 512_000);
        assert_eq!(scaled_window(1000, Flags::SYN | Flags::ACK, Some(9)), 1000);
        assert_eq!(scaled_window(1000, Flags::ACK, None), 1000);
    }

    #[test]
    fn demo_arrows_and_plot() {
        let bytes = pcaplens_synth::demo::demo_capture();
        let s = stream_packets(
            &bytes,
            StreamQuery {
                tls: true,
                ..StreamQuery::new(0)
            },
        );
        assert_eq!(arrow_text(&s.rows[0]).0, "SYN");
        assert_eq!(
            arrow_text(&s.rows[1]),
            ("SYN, ACK".into(), "Seq=0 Ack=1 Len=0".into())
        );
        assert_eq!(
            arrow_text(&s.rows[3]),
            ("Client Hello".into(), "Seq=1 Ack=1 Len=517".into())
        );
        // Frame 17: the D-SACK block Wireshark prints as SLE=3918 SRE=5110.
        assert_eq!(
            arrow_text(&s.rows[14]).1,
            "Seq=918 Ack=5110 Len=0 SLE=3918 SRE=5110"
        );

        let area = Area {
            left: 50.0,
            top: 10.0,
            right: 650.0,
            bottom: 310.0,
        };
        let plot = sequence_plot(&s.plot, false, Some(9), area);
        // Server → client data: frames 8, 9, 10, 13, 14 and the spurious retransmission 16.
        assert_eq!(plot.segments_drawn, 6);
        assert_eq!(plot.retransmissions.matches('M').count(), 1);
        assert!(plot.acks.starts_with('M'));
        // A 512-fold scaled window is far above this small transfer: not drawn.
        assert!(plot.window.is_empty());
        let unscaled = sequence_plot(&s.plot, false, None, area);
        assert!(!unscaled.window.is_empty() || unscaled.segments_drawn > 0);
        assert!(plot.y_ticks.len() >= 3);
        assert!(plot
            .x_ticks
            .iter()
            .all(|(x, _)| (area.left..=area.right).contains(x)));
    }
}
