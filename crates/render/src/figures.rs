//! The report's figures as plain SVG text: the IO graph of the whole capture, flow-graph
//! (ladder) excerpts of a TCP connection and its time-sequence (Stevens) plot.
//!
//! Deterministic: the same inputs give the same bytes (coordinates printed with one decimal,
//! no clock, no random ids). Every capture-derived string is XML-escaped.

use pcaplens_core::analyze::ladder::{analysis_names, PacketRow, PlotPoint};
use pcaplens_core::analyze::tcp::flags;
use pcaplens_core::decode::tcp::Flags;

use crate::i18n::{t, Key, Lang};

/// Most intervals an IO graph has; the interval grows (1-2-5 steps) to stay under it.
pub const MAX_IO_BINS: usize = 120;
/// Shortest IO-graph interval, seconds.
pub const MIN_IO_INTERVAL_S: f64 = 0.001;

const WIDTH: f64 = 760.0;
const FONT: &str = "font-family=\"sans-serif\" font-size=\"11\"";
const FLAG_COLOR: &str = "#c62828";
const CLIENT_COLOR: &str = "#1565c0";
const SERVER_COLOR: &str = "#2e7d32";

/// Packets and bytes per interval over the whole capture, and how many flagged frames
/// (`tcp.analysis.*`) fell in each. Built in a second pass over the file (the Report does not
/// keep per-frame times); capped at [`MAX_IO_BINS`] intervals.
#[derive(Debug, Clone, PartialEq)]
pub struct IoGraph {
    /// Epoch seconds of the first interval's start (the capture's first frame).
    pub start: f64,
    pub interval_s: f64,
    pub packets: Vec<u64>,
    pub bytes: Vec<u64>,
    pub flagged: Vec<u64>,
}

impl IoGraph {
    /// An empty graph covering `[first_time, last_time]`.
    pub fn new(first_time: f64, last_time: f64) -> IoGraph {
        let span = if last_time.is_finite() && first_time.is_finite() && last_time > first_time {
            last_time - first_time
        } else {
            0.0
        };
        let interval_s = nice_step_at_least(span / MAX_IO_BINS as f64);
        let bins = ((span / interval_s).floor() as usize + 1).min(MAX_IO_BINS);
        IoGraph {
            start: if first_time.is_finite() {
                first_time
            } else {
                0.0
            },
            interval_s,
            packets: vec![0; bins],
            bytes: vec![0; bins],
            flagged: vec![0; bins],
        }
    }

    /// Counts one frame (times outside the range go to the first / last interval).
    pub fn add(&mut self, time: f64, frame_len: u64, flagged: bool) {
        let last = self.packets.len().saturating_sub(1);
        let offset = (time - self.start) / self.interval_s;
        let bin = if offset.is_finite() && offset > 0.0 {
            (offset.floor() as usize).min(last)
        } else {
            0
        };
        if let (Some(p), Some(b), Some(f)) = (
            self.packets.get_mut(bin),
            self.bytes.get_mut(bin),
            self.flagged.get_mut(bin),
        ) {
            *p += 1;
            *b += frame_len;
            *f += u64::from(flagged);
        }
    }
}

/// The smallest 1, 2 or 5 × 10^k not below `min` (and not below [`MIN_IO_INTERVAL_S`]).
fn nice_step_at_least(min: f64) -> f64 {
    let min = if min.is_finite() {
        min.max(MIN_IO_INTERVAL_S)
    } else {
        1.0
    };
    let mut magnitude = 10f64.powf(min.log10().floor());
    loop {
        for m in [1.0, 2.0, 5.0] {
            let step = m * magnitude;
            if step >= min * (1.0 - 1e-9) {
                return step;
            }
        }
        magnitude *= 10.0;
    }
}

/// Round tick values covering `[0, max]`, about `target` of them.
fn ticks(max: f64, target: usize) -> (Vec<f64>, f64) {
    let step = if max > 0.0 {
        nice_step_at_least(max / target as f64)
    } else {
        1.0
    };
    let n = (max / step).floor() as usize;
    ((0..=n.min(50)).map(|k| k as f64 * step).collect(), step)
}

fn tick_label(value: f64, step: f64) -> String {
    let decimals = if step >= 1.0 {
        0
    } else {
        (-step.log10().floor()).clamp(0.0, 6.0) as usize
    };
    format!("{value:.decimals$}")
}

/// XML-escapes text for an SVG element or attribute.
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A coordinate with one decimal (stable text).
fn n(v: f64) -> String {
    if v.is_finite() {
        format!("{v:.1}")
    } else {
        "0.0".into()
    }
}

fn svg_open(height: f64, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{t}\">\n<title>{t}</title>\n<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>\n",
        w = n(WIDTH),
        h = n(height),
        t = xml(title)
    )
}

fn text(x: f64, y: f64, anchor: &str, fill: &str, s: &str) -> String {
    format!(
        "<text x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\" fill=\"{fill}\" {FONT}>{}</text>\n",
        n(x),
        n(y),
        xml(s)
    )
}

fn line(x1: f64, y1: f64, x2: f64, y2: f64, stroke: &str, width: f64) -> String {
    format!(
        "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\" stroke=\"{stroke}\" stroke-width=\"{}\"/>\n",
        n(x1),
        n(y1),
        n(x2),
        n(y2),
        n(width)
    )
}

/// The IO graph: packets per interval as bars, bytes per interval as a line on its own scale,
/// intervals with flagged frames marked in red.
pub fn io_graph_svg(io: &IoGraph, lang: Lang) -> String {
    let height = 320.0;
    let (left, right, top, bottom) = (60.0, WIDTH - 70.0, 30.0, height - 50.0);
    let bins = io.packets.len().max(1);
    let max_packets = io.packets.iter().copied().max().unwrap_or(0).max(1) as f64;
    let max_bytes = io.bytes.iter().copied().max().unwrap_or(0).max(1) as f64;
    let bar_w = (right - left) / bins as f64;
    let y_of = |v: f64, max: f64| bottom - v / max * (bottom - top);
    let mut s = svg_open(height, t(lang, Key::FigIoGraph));
    s.push_str(&line(left, bottom, right, bottom, "#444", 1.0));
    s.push_str(&line(left, top, left, bottom, "#444", 1.0));
    s.push_str(&line(right, top, right, bottom, "#444", 1.0));
    let (yt, ystep) = ticks(max_packets, 5);
    for v in yt {
        let y = y_of(v, max_packets);
        s.push_str(&line(left - 4.0, y, left, y, "#444", 1.0));
        s.push_str(&text(
            left - 6.0,
            y + 4.0,
            "end",
            "#333",
            &tick_label(v, ystep),
        ));
    }
    let (bt, bstep) = ticks(max_bytes, 5);
    for v in bt {
        let y = y_of(v, max_bytes);
        s.push_str(&line(right, y, right + 4.0, y, "#444", 1.0));
        s.push_str(&text(
            right + 6.0,
            y + 4.0,
            "start",
            "#6a1b9a",
            &tick_label(v, bstep),
        ));
    }
    let span = bins as f64 * io.interval_s;
    let (xt, xstep) = ticks(span, 8);
    for v in xt {
        let x = left + v / span * (right - left);
        s.push_str(&line(x, bottom, x, bottom + 4.0, "#444", 1.0));
        s.push_str(&text(
            x,
            bottom + 16.0,
            "middle",
            "#333",
            &tick_label(v, xstep),
        ));
    }
    s.push_str(&text(
        (left + right) / 2.0,
        height - 12.0,
        "middle",
        "#333",
        &format!(
            "{} ({} {} s)",
            t(lang, Key::FigAxisTime),
            t(lang, Key::FigInterval),
            tick_label(io.interval_s, io.interval_s)
        ),
    ));
    s.push_str(&text(
        left,
        top - 10.0,
        "start",
        "#1565c0",
        t(lang, Key::FigAxisPackets),
    ));
    s.push_str(&text(
        right,
        top - 10.0,
        "end",
        "#6a1b9a",
        t(lang, Key::FigAxisBytes),
    ));
    for (i, &p) in io.packets.iter().enumerate() {
        if p == 0 {
            continue;
        }
        let x = left + i as f64 * bar_w;
        let y = y_of(p as f64, max_packets);
        s.push_str(&format!(
            "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#90caf9\"/>\n",
            n(x),
            n(y),
            n((bar_w - 0.5).max(0.5)),
            n(bottom - y)
        ));
    }
    let points: Vec<String> = io
        .bytes
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            format!(
                "{},{}",
                n(left + (i as f64 + 0.5) * bar_w),
                n(y_of(b as f64, max_bytes))
            )
        })
        .collect();
    s.push_str(&format!(
        "<polyline points=\"{}\" fill=\"none\" stroke=\"#6a1b9a\" stroke-width=\"1.5\"/>\n",
        points.join(" ")
    ));
    for (i, &f) in io.flagged.iter().enumerate() {
        if f == 0 {
            continue;
        }
        let x = left + (i as f64 + 0.5) * bar_w;
        s.push_str(&format!(
            "<path d=\"M{} {} l-4 -7 h8 z\" fill=\"{FLAG_COLOR}\"><title>{} {}</title></path>\n",
            n(x),
            n(top + 8.0),
            f,
            xml(t(lang, Key::FigFlaggedFrames))
        ));
    }
    s.push_str(&text(
        left + 10.0,
        top + 20.0,
        "start",
        FLAG_COLOR,
        &format!("▼ {}", t(lang, Key::FigFlaggedFrames)),
    ));
    s.push_str("</svg>\n");
    s
}

/// Wireshark's flag list ("SYN, ACK", "FIN, PSH, ACK").
pub fn flags_text(bits: u16) -> String {
    const ORDER: [(u16, &str); 8] = [
        (Flags::FIN, "FIN"),
        (Flags::SYN, "SYN"),
        (Flags::RST, "RST"),
        (Flags::PSH, "PSH"),
        (Flags::ACK, "ACK"),
        (Flags::URG, "URG"),
        (Flags::ECE, "ECE"),
        (Flags::CWR, "CWR"),
    ];
    let names: Vec<&str> = ORDER
        .iter()
        .filter(|(bit, _)| bits & bit != 0)
        .map(|(_, name)| *name)
        .collect();
    if names.is_empty() {
        "<None>".into()
    } else {
        names.join(", ")
    }
}

/// A flow-graph (ladder) excerpt: one arrow per row between the client and the server
/// timelines, with the frame number, the time since `t0`, the flags or TLS records, the
/// numbers, and the analysis flags in red.
pub fn ladder_svg(rows: &[&PacketRow], client: &str, server: &str, t0: f64, lang: Lang) -> String {
    let row_h = 36.0;
    let top = 50.0;
    let height = top + rows.len() as f64 * row_h + 20.0;
    let (xc, xs) = (230.0, 650.0);
    let mut s = svg_open(height, t(lang, Key::FigFlowGraph));
    s.push_str(&text(
        20.0,
        20.0,
        "start",
        "#333",
        t(lang, Key::FigFrameAndTime),
    ));
    s.push_str(&text(xc, 20.0, "middle", CLIENT_COLOR, client));
    s.push_str(&text(xc, 34.0, "middle", "#555", t(lang, Key::FigClient)));
    s.push_str(&text(xs, 20.0, "middle", SERVER_COLOR, server));
    s.push_str(&text(xs, 34.0, "middle", "#555", t(lang, Key::FigServer)));
    s.push_str(&line(xc, top - 8.0, xc, height - 10.0, "#999", 1.0));
    s.push_str(&line(xs, top - 8.0, xs, height - 10.0, "#999", 1.0));
    for (i, row) in rows.iter().enumerate() {
        let y = top + i as f64 * row_h + 20.0;
        let (x1, x2) = if row.from_client { (xc, xs) } else { (xs, xc) };
        let flagged = row.analysis != 0;
        let color = if flagged {
            FLAG_COLOR
        } else if row.from_client {
            CLIENT_COLOR
        } else {
            SERVER_COLOR
        };
        s.push_str(&text(
            20.0,
            y + 4.0,
            "start",
            "#333",
            &format!("{}  {:.6}", row.frame, row.time - t0),
        ));
        s.push_str(&line(x1, y, x2, y, color, 1.5));
        let head = if x2 > x1 { -8.0 } else { 8.0 };
        s.push_str(&format!(
            "<path d=\"M{} {} l{} -4 v8 z\" fill=\"{color}\"/>\n",
            n(x2),
            n(y),
            n(head)
        ));
        let what = if row.tls.is_empty() {
            flags_text(row.flags)
        } else {
            row.tls
                .iter()
                .map(|r| r.wireshark_name())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let mut numbers = format!("Seq={}", row.seq);
        if let Some(ack) = row.ack {
            numbers.push_str(&format!(" Ack={ack}"));
        }
        numbers.push_str(&format!(" Len={}", row.len));
        s.push_str(&text((xc + xs) / 2.0, y - 5.0, "middle", color, &what));
        s.push_str(&text((xc + xs) / 2.0, y + 13.0, "middle", "#555", &numbers));
        if flagged {
            let mut bits = row.analysis;
            if bits & (flags::FAST_RETRANSMISSION | flags::SPURIOUS_RETRANSMISSION) != 0 {
                bits &= !flags::RETRANSMISSION;
            }
            let names: Vec<&str> = analysis_names(bits).collect();
            s.push_str(&text(
                xs + 12.0,
                y + 4.0,
                "start",
                FLAG_COLOR,
                &names.join(", "),
            ));
        }
    }
    s.push_str("</svg>\n");
    s
}

/// The time-sequence (Stevens) plot of the direction that sent more payload: each segment a
/// vertical bar from its sequence number to its end, the other side's ACKs as a step line,
/// flagged segments in red.
pub fn time_sequence_svg(plot: &[PlotPoint], from_client: bool, lang: Lang) -> String {
    let height = 340.0;
    let (left, right, top, bottom) = (80.0, WIDTH - 20.0, 30.0, height - 45.0);
    let data: Vec<&PlotPoint> = plot
        .iter()
        .filter(|p| p.from_client == from_client)
        .collect();
    let acks: Vec<(f64, u32)> = plot
        .iter()
        .filter(|p| p.from_client != from_client)
        .filter_map(|p| p.ack.map(|a| (p.t, a)))
        .collect();
    let max_t = plot.iter().map(|p| p.t).fold(0.0f64, f64::max).max(1e-6);
    let max_seq = data
        .iter()
        .map(|p| u64::from(p.seq) + u64::from(p.len))
        .chain(acks.iter().map(|(_, a)| u64::from(*a)))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let x_of = |v: f64| left + v / max_t * (right - left);
    let y_of = |v: f64| bottom - v / max_seq * (bottom - top);
    let mut s = svg_open(height, t(lang, Key::FigTimeSequence));
    s.push_str(&line(left, bottom, right, bottom, "#444", 1.0));
    s.push_str(&line(left, top, left, bottom, "#444", 1.0));
    let (xt, xstep) = ticks(max_t, 8);
    for v in xt {
        let x = x_of(v);
        s.push_str(&line(x, bottom, x, bottom + 4.0, "#444", 1.0));
        s.push_str(&text(
            x,
            bottom + 16.0,
            "middle",
            "#333",
            &tick_label(v, xstep),
        ));
    }
    let (yt, ystep) = ticks(max_seq, 6);
    for v in yt {
        let y = y_of(v);
        s.push_str(&line(left - 4.0, y, left, y, "#444", 1.0));
        s.push_str(&text(
            left - 6.0,
            y + 4.0,
            "end",
            "#333",
            &tick_label(v, ystep),
        ));
    }
    s.push_str(&text(
        (left + right) / 2.0,
        height - 10.0,
        "middle",
        "#333",
        t(lang, Key::FigAxisTimeSinceStart),
    ));
    s.push_str(&text(
        left,
        top - 10.0,
        "start",
        "#333",
        t(lang, Key::FigAxisSeq),
    ));
    if !acks.is_empty() {
        let mut d = String::new();
        let mut prev: Option<f64> = None;
        for (time, ack) in &acks {
            let (x, y) = (x_of(*time), y_of(f64::from(*ack)));
            match prev {
                None => d.push_str(&format!("M{} {}", n(x), n(y))),
                Some(_) => d.push_str(&format!(" H{} V{}", n(x), n(y))),
            }
            prev = Some(y);
        }
        s.push_str(&format!(
            "<path d=\"{d}\" fill=\"none\" stroke=\"{SERVER_COLOR}\" stroke-width=\"1\"/>\n"
        ));
    }
    for p in data {
        let x = x_of(p.t);
        let (y0, y1) = (
            y_of(f64::from(p.seq)),
            y_of(f64::from(p.seq) + f64::from(p.len)),
        );
        let color = if p.analysis != 0 {
            FLAG_COLOR
        } else {
            CLIENT_COLOR
        };
        if p.len == 0 {
            s.push_str(&format!(
                "<circle cx=\"{}\" cy=\"{}\" r=\"1.5\" fill=\"{color}\"/>\n",
                n(x),
                n(y0)
            ));
        } else {
            s.push_str(&line(x, y0, x, y1.min(y0 - 1.0), color, 1.5));
        }
    }
    s.push_str(&text(
        right,
        top - 10.0,
        "end",
        CLIENT_COLOR,
        t(lang, Key::FigSegments),
    ));
    s.push_str(&text(
        right,
        top + 4.0,
        "end",
        SERVER_COLOR,
        t(lang, Key::FigAcks),
    ));
    s.push_str(&text(
        right,
        top + 18.0,
        "end",
        FLAG_COLOR,
        t(lang, Key::FigFlaggedFrames),
    ));
    s.push_str("</svg>\n");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn io_graph_bins_and_interval() {
        let mut io = IoGraph::new(100.0, 110.0);
        assert_eq!(io.interval_s, 0.1);
        assert_eq!(io.packets.len(), 101);
        io.add(100.0, 60, false);
        io.add(100.05, 40, true);
        io.add(110.0, 10, false);
        io.add(999.0, 10, false);
        assert_eq!(io.packets[0], 2);
        assert_eq!(io.bytes[0], 100);
        assert_eq!(io.flagged[0], 1);
        assert_eq!(io.packets[100], 2);
        let long = IoGraph::new(0.0, 3600.0);
        assert!(long.packets.len() <= MAX_IO_BINS);
        assert_eq!(long.interval_s, 50.0);
        let one = IoGraph::new(5.0, 5.0);
        assert_eq!(one.packets.len(), 1);
    }

    #[test]
    fn svg_text_is_escaped_and_stable() {
        let row = PacketRow {
            frame: 1,
            time: 10.0,
            from_client: true,
            flags: Flags::SYN,
            ..PacketRow::default()
        };
        let a = ladder_svg(&[&row], "<a>", "b&c", 10.0, Lang::En);
        let b = ladder_svg(&[&row], "<a>", "b&c", 10.0, Lang::En);
        assert_eq!(a, b);
        assert!(a.contains("&lt;a&gt;") && a.contains("b&amp;c") && a.contains(">SYN<"));
        assert!(!a.contains("<a>"));
    }
}
