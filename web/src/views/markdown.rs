//! Reads the Markdown that `pcaplens_render::report_md` writes back into a small document
//! tree, so the Report tab can show it as ordinary page elements (headings, paragraphs, lists,
//! tables) built from text nodes, never from HTML.
//!
//! Only the subset `report_md` produces is understood: ATX headings, paragraphs, `- ` lists
//! with one nested level (`  - `), GFM tables, `**strong**`, `_emphasis_`, code spans and
//! backslash escapes. Anything else stays literal text.

/// One block of the document.
#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading {
        level: u8,
        text: Vec<Inline>,
    },
    Paragraph(Vec<Inline>),
    List(Vec<ListItem>),
    Table {
        header: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ListItem {
    pub text: Vec<Inline>,
    pub children: Vec<ListItem>,
}

/// A run of text with one style.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inline {
    pub text: String,
    pub style: Style,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    Plain,
    Strong,
    Emphasis,
    StrongEmphasis,
    Code,
}

/// Parses the document.
pub fn parse(doc: &str) -> Vec<Block> {
    let lines: Vec<&str> = doc.lines().collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim().is_empty() {
            i += 1;
            continue;
        }
        if let Some((level, text)) = heading(line) {
            blocks.push(Block::Heading {
                level,
                text: inline(text),
            });
            i += 1;
        } else if is_table_start(&lines[i..]) {
            let header = cells(line);
            i += 2;
            let mut rows = Vec::new();
            while i < lines.len() && lines[i].trim_start().starts_with('|') {
                rows.push(cells(lines[i]));
                i += 1;
            }
            blocks.push(Block::Table { header, rows });
        } else if list_item(line).is_some() {
            let mut items: Vec<ListItem> = Vec::new();
            while let Some((nested, text)) = lines.get(i).and_then(|l| list_item(l)) {
                let item = ListItem {
                    text: inline(text),
                    children: Vec::new(),
                };
                match items.last_mut() {
                    Some(parent) if nested => parent.children.push(item),
                    _ => items.push(item),
                }
                i += 1;
            }
            blocks.push(Block::List(items));
        } else {
            let mut text = String::new();
            while let Some(l) = lines.get(i) {
                if l.trim().is_empty()
                    || heading(l).is_some()
                    || list_item(l).is_some()
                    || is_table_start(&lines[i..])
                {
                    break;
                }
                if !text.is_empty() {
                    text.push(' ');
                }
                text.push_str(l.trim());
                i += 1;
            }
            blocks.push(Block::Paragraph(inline(&text)));
        }
    }
    blocks
}

/// The plain text of some inlines (for tests and accessible names).
pub fn plain_text(inlines: &[Inline]) -> String {
    inlines.iter().map(|i| i.text.as_str()).collect()
}

fn heading(line: &str) -> Option<(u8, &str)> {
    let hashes = line.bytes().take_while(|&b| b == b'#').count();
    if (1..=6).contains(&hashes) && line.as_bytes().get(hashes) == Some(&b' ') {
        Some((hashes as u8, line[hashes + 1..].trim()))
    } else {
        None
    }
}

/// `- text` (top level) or `  - text` (nested).
fn list_item(line: &str) -> Option<(bool, &str)> {
    if let Some(rest) = line.strip_prefix("- ") {
        Some((false, rest))
    } else {
        let indent = line.len() - line.trim_start_matches(' ').len();
        let rest = line[indent..].strip_prefix("- ")?;
        (indent >= 2).then_some((true, rest))
    }
}

fn is_table_start(lines: &[&str]) -> bool {
    match lines {
        [head, delimiter, ..] => {
            head.trim_start().starts_with('|')
                && delimiter.trim_start().starts_with('|')
                && delimiter
                    .chars()
                    .all(|c| matches!(c, '|' | '-' | ':' | ' '))
        }
        _ => false,
    }
}

/// The cells of a table row: split at pipes that are not backslash-escaped; GFM then turns
/// `\|` into `|` inside a cell (code spans included) before reading it.
fn cells(line: &str) -> Vec<Vec<Inline>> {
    let line = line.trim();
    let inner = line.strip_prefix('|').unwrap_or(line);
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut backslashes = 0;
    for c in inner.chars() {
        if c == '|' && backslashes % 2 == 0 {
            out.push(std::mem::take(&mut cell));
        } else {
            cell.push(c);
        }
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
    }
    if !cell.trim().is_empty() {
        out.push(cell);
    }
    out.iter()
        .map(|c| inline(&unescape_pipes(c.trim())))
        .collect()
}

/// `\|` → `|` where the backslash itself is not escaped.
fn unescape_pipes(cell: &str) -> String {
    let mut out = String::with_capacity(cell.len());
    let mut backslashes = 0;
    for c in cell.chars() {
        if c == '|' && backslashes % 2 == 1 {
            out.pop();
        }
        out.push(c);
        backslashes = if c == '\\' { backslashes + 1 } else { 0 };
    }
    out
}

/// Inline runs: backslash escapes, code spans, `**strong**` and `_emphasis_` / `*emphasis*`.
fn inline(text: &str) -> Vec<Inline> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<Inline> = Vec::new();
    let mut current = String::new();
    let (mut strong, mut emphasis) = (false, false);
    let style = |strong: bool, emphasis: bool| match (strong, emphasis) {
        (false, false) => Style::Plain,
        (true, false) => Style::Strong,
        (false, true) => Style::Emphasis,
        (true, true) => Style::StrongEmphasis,
    };
    let flush = |current: &mut String, out: &mut Vec<Inline>, s: Style| {
        if !current.is_empty() {
            match out.last_mut() {
                Some(last) if last.style == s => last.text.push_str(current),
                _ => out.push(Inline {
                    text: current.clone(),
                    style: s,
                }),
            }
            current.clear();
        }
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if chars.get(i + 1).is_some_and(|n| n.is_ascii_punctuation()) => {
                current.push(chars[i + 1]);
                i += 2;
            }
            '`' => {
                let run = chars[i..].iter().take_while(|&&c| c == '`').count();
                match find_closing_backticks(&chars, i + run, run) {
                    Some(end) => {
                        flush(&mut current, &mut out, style(strong, emphasis));
                        let mut code: String = chars[i + run..end].iter().collect();
                        if code.len() >= 2
                            && code.starts_with(' ')
                            && code.ends_with(' ')
                            && code.trim() != ""
                        {
                            code = code[1..code.len() - 1].to_string();
                        }
                        out.push(Inline {
                            text: code,
                            style: Style::Code,
                        });
                        i = end + run;
                    }
                    None => {
                        current.extend(std::iter::repeat_n('`', run));
                        i += run;
                    }
                }
            }
            '*' if chars.get(i + 1) == Some(&'*') => {
                flush(&mut current, &mut out, style(strong, emphasis));
                strong = !strong;
                i += 2;
            }
            '_' | '*' if is_emphasis_marker(&chars, i, emphasis) => {
                flush(&mut current, &mut out, style(strong, emphasis));
                emphasis = !emphasis;
                i += 1;
            }
            _ => {
                current.push(c);
                i += 1;
            }
        }
    }
    flush(&mut current, &mut out, style(strong, emphasis));
    out
}

/// An `_` opens emphasis at a word start and closes it at a word end.
fn is_emphasis_marker(chars: &[char], i: usize, open: bool) -> bool {
    let before = i.checked_sub(1).and_then(|j| chars.get(j)).copied();
    let after = chars.get(i + 1).copied();
    let boundary =
        |c: Option<char>| c.is_none_or(|c| c.is_whitespace() || c.is_ascii_punctuation());
    if open {
        boundary(after) && before.is_some_and(|c| !c.is_whitespace())
    } else {
        boundary(before) && after.is_some_and(|c| !c.is_whitespace())
    }
}

fn find_closing_backticks(chars: &[char], from: usize, run: usize) -> Option<usize> {
    let mut j = from;
    while j < chars.len() {
        if chars[j] == '`' {
            let len = chars[j..].iter().take_while(|&&c| c == '`').count();
            if len == run {
                return Some(j);
            }
            j += len;
        } else {
            j += 1;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcaplens_render::escape::{md, md_code, md_code_cell};
    use pcaplens_render::Lang;

    fn text(b: &Block) -> String {
        match b {
            Block::Heading { text, .. } | Block::Paragraph(text) => plain_text(text),
            Block::List(items) => items
                .iter()
                .map(|i| plain_text(&i.text))
                .collect::<Vec<_>>()
                .join("\n"),
            Block::Table { header, .. } => header
                .iter()
                .map(|c| plain_text(c))
                .collect::<Vec<_>>()
                .join("|"),
        }
    }

    #[test]
    fn escaped_capture_strings_come_back_verbatim() {
        let hostile = r"a|b `c` *d* _e_ \f [g](h) <img src=x> #i $j";
        for cell_text in [md(hostile), md_code_cell(hostile)] {
            let doc = format!("| h |\n|---|\n| {cell_text} |\n");
            let blocks = parse(&doc);
            let Block::Table { rows, .. } = &blocks[0] else {
                panic!("{blocks:?}")
            };
            assert_eq!(rows[0].len(), 1, "one cell");
            assert_eq!(plain_text(&rows[0][0]), hostile);
        }
        let para = parse(&format!("Filter: {}\n", md_code("a || b")));
        let Block::Paragraph(p) = &para[0] else {
            panic!()
        };
        assert_eq!(
            p[1],
            Inline {
                text: "a || b".into(),
                style: Style::Code
            }
        );
    }

    #[test]
    fn structure_of_a_small_document() {
        let doc = "# Title\n\n_Generated by x_\n\n## 1. Summary\n\nSome **bold:** text.\n\n\
                   - **Stream 0** (a → b)\n  - nested `tcp.stream eq 0`\n- second\n\n\
                   | A | B |\n|---|---|\n| 1 | 2 |\n| 3 | 4 |\n";
        let blocks = parse(doc);
        assert_eq!(blocks.len(), 6, "{blocks:#?}");
        assert!(matches!(blocks[0], Block::Heading { level: 1, .. }));
        assert_eq!(text(&blocks[0]), "Title");
        let Block::Paragraph(p) = &blocks[1] else {
            panic!()
        };
        assert_eq!(p[0].style, Style::Emphasis);
        let Block::Paragraph(p) = &blocks[3] else {
            panic!()
        };
        assert_eq!(
            p[1],
            Inline {
                text: "bold:".into(),
                style: Style::Strong
            }
        );
        let Block::List(items) = &blocks[4] else {
            panic!()
        };
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].children.len(), 1);
        assert_eq!(items[0].children[0].text[1].style, Style::Code);
        let Block::Table { header, rows } = &blocks[5] else {
            panic!()
        };
        assert_eq!(header.len(), 2);
        assert_eq!(rows.len(), 2);
        assert_eq!(plain_text(&rows[1][1]), "4");
    }

    #[test]
    fn the_demo_report_parses_into_sections_and_tables() {
        let report = pcaplens_core::analyze_bytes(
            &pcaplens_synth::demo::demo_capture(),
            &pcaplens_core::Config {
                file_name: Some("pcaplens-demo.pcap".into()),
                ..Default::default()
            },
        );
        for lang in Lang::ALL {
            let doc = pcaplens_render::report_md::markdown(&report, lang);
            let blocks = parse(&doc);
            let headings = blocks
                .iter()
                .filter(|b| matches!(b, Block::Heading { level: 2, .. }))
                .count();
            assert!(headings >= 6, "{lang:?}: {headings} sections");
            let all: String = blocks.iter().map(text).collect::<Vec<_>>().join("\n");
            assert!(all.contains("pcaplens-demo.pcap"), "file name unescaped");
            assert!(!all.contains("\\_"), "no escapes left in the text");
            let tables = blocks
                .iter()
                .filter(|b| matches!(b, Block::Table { .. }))
                .count();
            assert!(tables >= 3);
            // Every table row has as many cells as its header.
            for b in &blocks {
                if let Block::Table { header, rows } = b {
                    for r in rows {
                        assert_eq!(r.len(), header.len(), "{lang:?}: {r:?}");
                    }
                }
            }
        }
    }
}
