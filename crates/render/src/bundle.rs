//! The report with figures: `report.md` referencing `figures/*.svg`, the SVG files, and a
//! self-contained `report.html` (figures inlined), in English or Spanish.
//!
//! The figures need data the Report does not keep (per-frame times and the packets of a few
//! streams): the front end reads the capture a second time, feeding an [`IoGraph`] and one
//! `StreamScan` per query of [`figure_queries`], and passes what it collected as
//! [`FigureData`]. Everything here is a pure function of the Report and that data, so the same
//! capture gives the same bytes.

use std::collections::BTreeSet;

use pcaplens_core::analyze::ladder::{
    PacketRow, StreamPackets, StreamQuery, StreamScan, MAX_ROWS_LIMIT,
};
use pcaplens_core::capture::{Frame, Reader};
use pcaplens_core::decode::tcp::Flags;
use pcaplens_core::report::tcp::Connection;
use pcaplens_core::Report;

use crate::figures::{self, IoGraph};
use crate::i18n::{t, Key, Lang};
use crate::report_md;

/// TCP connections drawn (flow-graph excerpts and time-sequence plot).
pub const MAX_FIGURE_STREAMS: usize = 3;
/// Rows in one flow-graph excerpt.
pub const MAX_EXCERPT_ROWS: usize = 10;
/// Payload one direction must carry for its time-sequence plot to be drawn ("bulk transfer").
pub const BULK_TRANSFER_BYTES: u64 = 20_000;

/// What the second pass over the capture collected.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FigureData {
    pub io: Option<IoGraph>,
    /// One per query of [`figure_queries`], any order.
    pub streams: Vec<StreamPackets>,
}

/// The second pass over the capture: fed the file's chunks like `Analysis`, it collects the
/// [`FigureData`] for a Report (IO-graph counts and the streams of [`figure_queries`]).
pub struct FigureScan {
    reader: Reader,
    io: Option<IoGraph>,
    /// Frames the Report flagged (`tcp.issues`), marked in the IO graph.
    flagged: BTreeSet<u64>,
    scans: Vec<StreamScan>,
}

impl FigureScan {
    pub fn new(report: &Report) -> FigureScan {
        FigureScan {
            reader: Reader::new(),
            io: match (report.capinfos.first_time, report.capinfos.last_time) {
                (Some(first), Some(last)) => Some(IoGraph::new(first, last)),
                _ => None,
            },
            flagged: report.tcp.issues.iter().map(|i| i.frame).collect(),
            scans: figure_queries(report)
                .into_iter()
                .map(StreamScan::new)
                .collect(),
        }
    }

    /// Feeds the next chunk of the file (any size).
    pub fn feed(&mut self, chunk: &[u8]) {
        let FigureScan {
            reader,
            io,
            flagged,
            ..
        } = self;
        reader.feed(chunk, |frame| count_frame(io, flagged, frame));
        for scan in self.scans.iter_mut().filter(|s| !s.is_done()) {
            scan.feed(chunk);
        }
    }

    /// True when more input cannot change the result.
    pub fn is_done(&self) -> bool {
        self.reader.is_stopped() && self.scans.iter().all(StreamScan::is_done)
    }

    pub fn finish(self) -> FigureData {
        let FigureScan {
            mut reader,
            mut io,
            flagged,
            scans,
        } = self;
        reader.finish(|frame| count_frame(&mut io, &flagged, frame));
        FigureData {
            io,
            streams: scans.into_iter().map(StreamScan::finish).collect(),
        }
    }
}

fn count_frame(io: &mut Option<IoGraph>, flagged: &BTreeSet<u64>, frame: &Frame<'_>) {
    if let Some(io) = io.as_mut() {
        io.add(
            frame.ts.as_f64(),
            u64::from(frame.orig_len),
            flagged.contains(&frame.number),
        );
    }
}

/// [`FigureScan`] over a capture held in memory.
pub fn figure_data(bytes: &[u8], report: &Report) -> FigureData {
    let mut scan = FigureScan::new(report);
    scan.feed(bytes);
    scan.finish()
}

/// One numbered figure.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub number: usize,
    /// Path relative to the report: `figures/figure-01-io-graph.svg`.
    pub path: String,
    pub caption: String,
    pub svg: String,
}

/// A file of the report directory (or zip).
#[derive(Debug, Clone, PartialEq)]
pub struct BundleFile {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The connections worth drawing, most flagged first, then the largest: the streams to
/// collect with `StreamScan`.
pub fn figure_queries(report: &Report) -> Vec<StreamQuery> {
    let mut conns: Vec<&Connection> = report
        .tcp
        .connections
        .iter()
        .filter(|c| c.packets >= 3)
        .collect();
    let flagged = |c: &Connection| {
        report
            .tcp
            .issues
            .iter()
            .filter(|i| i.stream == c.stream)
            .count()
    };
    conns.sort_by(|a, b| {
        flagged(b)
            .cmp(&flagged(a))
            .then(b.payload_bytes.cmp(&a.payload_bytes))
            .then(a.stream.cmp(&b.stream))
    });
    conns
        .into_iter()
        .take(MAX_FIGURE_STREAMS)
        .map(|c| StreamQuery {
            stream: c.stream,
            last_frame: c.last_frame,
            expected_packets: c.packets,
            max_rows: MAX_ROWS_LIMIT,
            tls: report.tls.handshakes.iter().any(|h| h.stream == c.stream),
        })
        .collect()
}

/// Every figure, numbered in order: the IO graph, then per connection its start, its first
/// flagged frames, its close and its time-sequence plot (those that apply).
pub fn figures(report: &Report, lang: Lang, data: &FigureData) -> Vec<Figure> {
    let mut out: Vec<Figure> = Vec::new();
    let mut push = |slug: &str, caption: String, svg: String| {
        let number = out.len() + 1;
        out.push(Figure {
            number,
            path: format!("figures/figure-{number:02}-{slug}.svg"),
            caption,
            svg,
        });
    };
    if let Some(io) = &data.io {
        push(
            "io-graph",
            t(lang, Key::CapIoGraph).to_string(),
            figures::io_graph_svg(io, lang),
        );
    }
    for query in figure_queries(report) {
        let Some(sp) = data.streams.iter().find(|s| s.stream == query.stream) else {
            continue;
        };
        let Some(conn) = report
            .tcp
            .connections
            .iter()
            .find(|c| c.stream == query.stream)
        else {
            continue;
        };
        let rows = &sp.rows;
        let Some(t0) = rows.first().map(|r| r.time) else {
            continue;
        };
        let stream_label = format!(
            "{} {} ({} → {})",
            t(lang, Key::FigStream),
            conn.stream,
            conn.client,
            conn.server
        );
        let ladder = |range: std::ops::Range<usize>| -> String {
            let picked: Vec<&PacketRow> = rows.get(range).unwrap_or(&[]).iter().collect();
            figures::ladder_svg(&picked, &conn.client, &conn.server, t0, lang)
        };
        let start_end = start_excerpt_end(rows);
        push(
            &format!("stream-{}-start", conn.stream),
            format!(
                "{} ({stream_label}).",
                t(lang, Key::CapHandshake).trim_end_matches('.')
            ),
            ladder(0..start_end),
        );
        let mut shown_to = start_end;
        if let Some(i) = rows.iter().position(|r| r.analysis != 0) {
            let from = i.saturating_sub(3).max(shown_to);
            let to = (from + MAX_EXCERPT_ROWS).min(rows.len());
            if i >= shown_to && from < to {
                push(
                    &format!("stream-{}-flagged", conn.stream),
                    format!(
                        "{} ({stream_label}).",
                        t(lang, Key::CapFirstFlagged).trim_end_matches('.')
                    ),
                    ladder(from..to),
                );
                shown_to = to;
            }
        }
        let closing = |r: &PacketRow| r.flags & (Flags::FIN | Flags::RST) != 0;
        // Only when every row was kept: a capped list does not reach the close.
        if sp.total == rows.len() as u64 {
            if let Some(i) = rows.iter().position(closing) {
                let from = i.saturating_sub(1).max(shown_to);
                let to = (from + MAX_EXCERPT_ROWS).min(rows.len());
                if from < to {
                    push(
                        &format!("stream-{}-close", conn.stream),
                        format!(
                            "{} ({stream_label}).",
                            t(lang, Key::CapClose).trim_end_matches('.')
                        ),
                        ladder(from..to),
                    );
                }
            }
        }
        let (c2s, s2c) = (
            conn.client_to_server.payload_bytes,
            conn.server_to_client.payload_bytes,
        );
        if c2s.max(s2c) >= BULK_TRANSFER_BYTES && !sp.plot.is_empty() {
            push(
                &format!("stream-{}-tsg", conn.stream),
                format!(
                    "{} ({stream_label}).",
                    t(lang, Key::CapTimeSequence).trim_end_matches('.')
                ),
                figures::time_sequence_svg(&sp.plot, c2s >= s2c, lang),
            );
        }
    }
    out
}

/// End of the start excerpt: the handshake and the client's first data segment (the TLS
/// ClientHello), plus the reply to it.
fn start_excerpt_end(rows: &[PacketRow]) -> usize {
    let first_data = rows.iter().position(|r| r.from_client && r.len > 0);
    let end = match first_data {
        Some(i) => i + 2,
        None => MAX_EXCERPT_ROWS,
    };
    end.min(MAX_EXCERPT_ROWS).min(rows.len())
}

/// `report.md`: the hand-in report followed by a Figures section referencing `figures/*.svg`.
pub fn markdown(report: &Report, lang: Lang, figs: &[Figure]) -> String {
    let mut out = report_md::markdown(report, lang);
    if figs.is_empty() {
        return out;
    }
    let section = out.lines().filter(|l| l.starts_with("## ")).count() + 1;
    out.push_str(&format!(
        "\n\n## {section}. {}\n\n",
        t(lang, Key::SecFigures)
    ));
    out.push_str(t(lang, Key::FiguresIntro));
    out.push('\n');
    for f in figs {
        out.push_str(&format!(
            "\n![{} {}]({})\n\n_{} {}. {}_\n",
            t(lang, Key::FigureWord),
            f.number,
            f.path,
            t(lang, Key::FigureWord),
            f.number,
            crate::escape::md(&f.caption)
        ));
    }
    out
}

/// `report.html`: the same report as one self-contained page, the figures inlined.
pub fn html(report: &Report, lang: Lang, figs: &[Figure]) -> String {
    let md = markdown(report, lang, figs);
    let title = report_md_title(&md);
    let mut body = markdown_to_html(&md, lang);
    for f in figs {
        // The converter turned each image into a placeholder naming its path.
        let placeholder = format!("<img src=\"{}\" alt=\"\">", f.path);
        let figure = format!("<div class=\"figure\">\n{}</div>", f.svg);
        body = body.replace(&placeholder, &figure);
    }
    format!(
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>{}</title>\n<style>\nbody{{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45;color:#222}}\ntable{{border-collapse:collapse;margin:1rem 0}}td,th{{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;vertical-align:top}}\ncode{{background:#f3f3f3;padding:0 .2rem}}.figure svg{{max-width:100%;height:auto;border:1px solid #ddd}}\n</style>\n</head>\n<body>\n<p><small>{}</small></p>\n{}\n</body>\n</html>\n",
        lang.code(),
        figures::xml(&title),
        figures::xml(t(lang, Key::ReportHtmlNote)),
        body
    )
}

fn report_md_title(md: &str) -> String {
    let line = md.lines().next().unwrap_or("").trim_start_matches("# ");
    let mut out = String::new();
    inline_text(line, &mut out);
    out
}

/// Every file of the report directory: `report.md`, `report.html` and `figures/*.svg`.
pub fn files(report: &Report, lang: Lang, data: &FigureData) -> Vec<BundleFile> {
    let figs = figures(report, lang, data);
    let mut out = vec![
        BundleFile {
            path: "report.md".into(),
            bytes: markdown(report, lang, &figs).into_bytes(),
        },
        BundleFile {
            path: "report.html".into(),
            bytes: html(report, lang, &figs).into_bytes(),
        },
    ];
    out.extend(figs.into_iter().map(|f| BundleFile {
        path: f.path,
        bytes: f.svg.into_bytes(),
    }));
    out
}

// ---------------------------------------------------------------------------------------------
// The Markdown this crate writes, to HTML. Not a general converter: it knows the constructs
// report_md emits (headings, paragraphs, nested lists, GFM tables, code spans, strong and
// emphasis, backslash escapes, images on their own line).

fn markdown_to_html(md: &str, lang: Lang) -> String {
    let full_client_hello = format!("<strong>{}</strong>", figures::xml(t(lang, Key::ChFull)));
    let mut out = String::new();
    let lines: Vec<&str> = md.lines().collect();
    let mut i = 0;
    let mut list_depth: Vec<usize> = Vec::new(); // indentation of each open <ul>
    let mut details_at: Option<usize> = None; // depth whose nested list is folded
    let close_lists = |out: &mut String,
                       to: usize,
                       list_depth: &mut Vec<usize>,
                       details_at: &mut Option<usize>| {
        while list_depth.len() > to {
            list_depth.pop();
            out.push_str("</li>\n</ul>\n");
            if *details_at == Some(list_depth.len()) {
                out.push_str("</details>\n");
                *details_at = None;
            }
        }
    };
    while i < lines.len() {
        let line = lines.get(i).copied().unwrap_or("");
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(item) = trimmed.strip_prefix("- ") {
            let level = indent / 2 + 1;
            if level > list_depth.len() {
                while list_depth.len() < level {
                    // A nested list under the "Full ClientHello" item folds away.
                    if out.ends_with(&format!("{full_client_hello}\n")) {
                        out.push_str("<details><summary>…</summary>\n");
                        details_at = Some(list_depth.len());
                    }
                    list_depth.push(indent);
                    out.push_str("<ul>\n<li>");
                }
            } else {
                close_lists(&mut out, level, &mut list_depth, &mut details_at);
                out.push_str("</li>\n<li>");
            }
            inline_text(item, &mut out);
            out.push('\n');
            i += 1;
            continue;
        }
        close_lists(&mut out, 0, &mut list_depth, &mut details_at);
        if trimmed.is_empty() {
            i += 1;
        } else if let Some(h) = heading(trimmed) {
            let (level, text) = h;
            out.push_str(&format!("<h{level}>"));
            inline_text(text, &mut out);
            out.push_str(&format!("</h{level}>\n"));
            i += 1;
        } else if trimmed.starts_with('|') {
            out.push_str("<table>\n");
            let mut first = true;
            while let Some(row) = lines.get(i).filter(|l| l.trim_start().starts_with('|')) {
                let cells = split_cells(row.trim());
                let is_rule = cells
                    .iter()
                    .all(|c| !c.is_empty() && c.chars().all(|ch| ch == '-' || ch == ':'));
                if !is_rule {
                    let tag = if first { "th" } else { "td" };
                    out.push_str("<tr>");
                    for c in cells {
                        out.push_str(&format!("<{tag}>"));
                        inline_text(c.trim(), &mut out);
                        out.push_str(&format!("</{tag}>"));
                    }
                    out.push_str("</tr>\n");
                    first = false;
                }
                i += 1;
            }
            out.push_str("</table>\n");
        } else if let Some(path) = image_path(trimmed) {
            out.push_str(&format!("<img src=\"{}\" alt=\"\">\n", figures::xml(path)));
            i += 1;
        } else {
            out.push_str("<p>");
            let mut first = true;
            while let Some(l) = lines.get(i).filter(|l| {
                let tl = l.trim_start();
                !tl.is_empty()
                    && !tl.starts_with("- ")
                    && !tl.starts_with('|')
                    && heading(tl).is_none()
            }) {
                if !first {
                    out.push('\n');
                }
                inline_text(l.trim(), &mut out);
                first = false;
                i += 1;
            }
            out.push_str("</p>\n");
        }
    }
    close_lists(&mut out, 0, &mut list_depth, &mut details_at);
    out
}

fn heading(line: &str) -> Option<(usize, &str)> {
    let level = line.chars().take_while(|&c| c == '#').count();
    ((1..=6).contains(&level))
        .then(|| line.get(level..))
        .flatten()
        .and_then(|rest| rest.strip_prefix(' '))
        .map(|text| (level, text))
}

fn image_path(line: &str) -> Option<&str> {
    let rest = line.strip_prefix("![")?;
    let close = rest.find("](")?;
    let path = rest.get(close + 2..)?.strip_suffix(')')?;
    path.starts_with("figures/").then_some(path)
}

/// Splits a GFM table row on unescaped pipes outside code spans.
fn split_cells(row: &str) -> Vec<String> {
    let inner = row.strip_prefix('|').unwrap_or(row);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut cells = vec![String::new()];
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&'|') => {
                chars.next();
                if let Some(cell) = cells.last_mut() {
                    cell.push('|');
                }
            }
            '\\' => {
                if let Some(cell) = cells.last_mut() {
                    cell.push('\\');
                    if let Some(next) = chars.next() {
                        cell.push(next);
                    }
                }
            }
            '|' => cells.push(String::new()),
            c => {
                if let Some(cell) = cells.last_mut() {
                    cell.push(c);
                }
            }
        }
    }
    cells
}

/// Inline Markdown to HTML: escapes, code spans, `**strong**`, `_emphasis_`.
fn inline_text(text: &str, out: &mut String) {
    let chars: Vec<char> = text.chars().collect();
    let (mut strong, mut em) = (false, false);
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        match c {
            '\\' => {
                if let Some(&next) = chars.get(i + 1) {
                    push_escaped(next, out);
                    i += 2;
                } else {
                    push_escaped('\\', out);
                    i += 1;
                }
            }
            '`' => {
                let run = chars[i..].iter().take_while(|&&ch| ch == '`').count();
                let start = i + run;
                let mut j = start;
                let mut end = None;
                while j < chars.len() {
                    if chars.get(j) == Some(&'`') {
                        let r = chars[j..].iter().take_while(|&&ch| ch == '`').count();
                        if r == run {
                            end = Some(j);
                            break;
                        }
                        j += r;
                    } else {
                        j += 1;
                    }
                }
                match end {
                    Some(e) => {
                        let code: String = chars.get(start..e).unwrap_or(&[]).iter().collect();
                        let code = if code.len() > 2 && code.starts_with(' ') && code.ends_with(' ')
                        {
                            &code[1..code.len() - 1]
                        } else {
                            code.as_str()
                        };
                        out.push_str("<code>");
                        out.push_str(&figures::xml(code));
                        out.push_str("</code>");
                        i = e + run;
                    }
                    None => {
                        for _ in 0..run {
                            out.push('`');
                        }
                        i = start;
                    }
                }
            }
            '*' if chars.get(i + 1) == Some(&'*') => {
                out.push_str(if strong { "</strong>" } else { "<strong>" });
                strong = !strong;
                i += 2;
            }
            '_' => {
                out.push_str(if em { "</em>" } else { "<em>" });
                em = !em;
                i += 1;
            }
            c => {
                push_escaped(c, out);
                i += 1;
            }
        }
    }
    if strong {
        out.push_str("</strong>");
    }
    if em {
        out.push_str("</em>");
    }
}

fn push_escaped(c: char, out: &mut String) {
    match c {
        '&' => out.push_str("&amp;"),
        '<' => out.push_str("&lt;"),
        '>' => out.push_str("&gt;"),
        '"' => out.push_str("&quot;"),
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_markdown_to_html() {
        let mut s = String::new();
        inline_text("**a** \\<b\\> `x || y` _it_ \\_", &mut s);
        assert_eq!(
            s,
            "<strong>a</strong> &lt;b&gt; <code>x || y</code> <em>it</em> _"
        );
        assert_eq!(split_cells("| a \\| b | `c` |"), vec![" a | b ", " `c` "]);
    }

    #[test]
    fn lists_tables_and_details() {
        let md = "# T\n\n- a\n  - **Full ClientHello**\n    - x\n    - y\n  - b\n\n| h |\n|---|\n| v |\n";
        let html = markdown_to_html(md, Lang::En);
        assert!(html.contains("<h1>T</h1>"));
        assert!(html.contains("<details><summary>…</summary>\n<ul>\n<li>x"));
        assert!(html.contains("</ul>\n</details>\n</li>\n<li>b"), "{html}");
        assert!(html.contains("<tr><th>h</th></tr>\n<tr><td>v</td></tr>"));
    }
}
