//! Escaping of capture-derived text (SNI, DNS names, SIP Call-IDs, file names, comments).
//!
//! Every string that came out of a capture is hostile input: it can hold pipes, backticks,
//! newlines, HTML, control characters or bidi overrides. Markdown output goes through [`md`] so
//! such a string stays one inline run of literal text (a table cell stays one cell, a list item one
//! line); CSV output goes through [`csv_field`].

/// Literal text for Markdown (inline, table cells included).
///
/// - Line breaks and other control characters become U+FFFD, so a value never ends a table
///   row or a list item; bidi overrides/isolates (which can make text read differently from how
///   it is stored) are replaced too.
/// - Markdown and HTML punctuation is backslash-escaped (CommonMark treats `\` + ASCII
///   punctuation as the literal character; GFM also honours `\|` inside table cells).
/// - An empty value becomes "—" so a cell is never silently blank.
pub fn md(text: &str) -> String {
    if text.is_empty() {
        return "—".to_string();
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            // `$` is escaped because GitHub renders `$…$` as math.
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '&' | '!' | '$' => {
                out.push('\\');
                out.push(c);
            }
            c if is_unsafe_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Like [`md`] but for a value that is ours and known to be plain (numbers, hex, our own
/// labels): only the characters that could break a table are escaped.
pub fn md_plain(text: &str) -> String {
    if text.is_empty() {
        return "—".to_string();
    }
    text.chars()
        .map(|c| match c {
            '|' => "\\|".to_string(),
            c if is_unsafe_char(c) => '\u{FFFD}'.to_string(),
            c => c.to_string(),
        })
        .collect()
}

/// Text for a terminal or a plain-text file: control characters (escape sequences, line breaks)
/// and bidi controls become U+FFFD; nothing else changes.
pub fn plain(text: &str) -> String {
    text.chars()
        .map(|c| if is_unsafe_char(c) { '\u{FFFD}' } else { c })
        .collect()
}

/// A code span for text we generated (display filters, hashes), outside tables. In a table cell
/// use [`md_code_cell`].
pub fn md_code(text: &str) -> String {
    code_span(text, false)
}

/// A code span inside a GFM table cell: pipes are escaped (GFM splits cells before parsing code
/// spans, and removes the backslash again), so `a || b` stays one cell.
pub fn md_code_cell(text: &str) -> String {
    code_span(text, true)
}

fn code_span(text: &str, in_table: bool) -> String {
    let mut body: String = text
        .chars()
        .map(|c| if is_unsafe_char(c) { '\u{FFFD}' } else { c })
        .collect();
    if in_table {
        body = body.replace('|', "\\|");
    }
    // A span delimited by more backticks than the longest run inside it can hold backticks.
    let longest = longest_run(&body, '`');
    let fence = "`".repeat(longest + 1);
    let pad = if body.starts_with('`') || body.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{body}{pad}{fence}")
}

fn longest_run(text: &str, ch: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for c in text.chars() {
        if c == ch {
            run += 1;
            best = best.max(run);
        } else {
            run = 0;
        }
    }
    best
}

/// Control characters (C0, DEL, C1), line/paragraph separators and bidi controls.
fn is_unsafe_char(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}' | '\u{200E}' | '\u{200F}' | '\u{061C}'
                | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}'
        )
}

/// One RFC 4180 field: quoted when it holds a comma, quote, CR or LF (quotes doubled).
///
/// A text value that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`,
/// tab or CR) gets a leading `'` (OWASP's CSV-injection advice): capture strings such as an SNI
/// are attacker-controlled and students open these files in spreadsheets. Use
/// [`csv_number`] for our own numbers, which are never altered.
pub fn csv_field(text: &str) -> String {
    let neutralised;
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        neutralised = format!("'{text}");
        neutralised.as_str()
    } else {
        text
    };
    if text.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// A number we formatted ourselves: written as is.
pub fn csv_number(value: impl std::fmt::Display) -> String {
    value.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md_keeps_hostile_strings_on_one_literal_run() {
        assert_eq!(md("a|b"), "a\\|b");
        assert_eq!(md("x`y`"), "x\\`y\\`");
        assert_eq!(md("line1\nline2\r\n"), "line1\u{FFFD}line2\u{FFFD}\u{FFFD}");
        assert_eq!(md("<script>"), "\\<script\\>");
        assert_eq!(md("[a](http://x)"), "\\[a\\](http://x)");
        assert_eq!(md("*bold* _it_"), "\\*bold\\* \\_it\\_");
        assert_eq!(md("evil\u{202E}gnp.exe"), "evil\u{FFFD}gnp.exe");
        assert_eq!(md("www.example.com"), "www.example.com");
        assert_eq!(md("[2001:db8::1]:443"), "\\[2001:db8::1\\]:443");
        assert_eq!(md(""), "—");
        // Whatever comes in, the output has no raw pipe, newline or backtick.
        let nasty = "|`\n\r\u{2028}\\|";
        let out = md(nasty);
        assert!(!out.contains('\n') && !out.contains('\r') && !out.contains('\u{2028}'));
        for (i, c) in out.char_indices() {
            if c == '|' || c == '`' {
                assert!(out[..i].ends_with('\\'), "unescaped {c} in {out}");
            }
        }
    }

    #[test]
    fn md_code_survives_backticks_and_pipes() {
        assert_eq!(md_code("tcp.stream eq 3"), "`tcp.stream eq 3`");
        assert_eq!(md_code("a || b"), "`a || b`");
        assert_eq!(md_code_cell("a || b"), "`a \\|\\| b`");
        assert_eq!(md_code("x`y"), "``x`y``");
        assert_eq!(md_code("`x"), "`` `x ``");
    }

    #[test]
    fn csv_quotes_per_rfc4180_and_neutralises_formulas() {
        assert_eq!(csv_field("plain.example"), "plain.example");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field(""), "");
        assert_eq!(csv_number(-3), "-3");
    }
}
