//! The scanner: filter text to tokens with byte spans.
//!
//! As tshark 4.0's flex scanner: identifiers and unquoted literals are one kind of token (a word
//! is a field if the registry knows it, a literal otherwise); `[` starts a slice whose body is
//! kept raw until `]`; `#` is followed by a layer number or a `[` range; strings take C escapes
//! and `r"…"` is raw; `'c'` is a character constant.

use super::FilterError;

/// A comparison operator, as written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CmpOp {
    /// `==`, `eq`, `any_eq`: some occurrence equals.
    AnyEq,
    /// `!=`, `ne`, `all_ne`: every occurrence differs (4.0).
    AllNe,
    /// `===`, `all_eq`: every occurrence equals.
    AllEq,
    /// `!==`, `~=`, `any_ne`: some occurrence differs.
    AnyNe,
    Gt,
    Ge,
    Lt,
    Le,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    LParen,
    RParen,
    LBrace,
    RBrace,
    LBracket,
    RBracket,
    Comma,
    DotDot,
    Dollar,
    Hash,
    Cmp(CmpOp),
    Contains,
    Matches,
    Not,
    And,
    Or,
    In,
    Any,
    All,
    Plus,
    Minus,
    Star,
    Slash,
    Percent,
    BitAnd,
    /// An identifier or an unquoted literal, as written (a leading `.` forces a field).
    Word(String),
    /// A quoted string, unescaped (bytes: `\xff` need not be UTF-8).
    Str(Vec<u8>),
    /// A character constant's value.
    Char(u64),
    /// A slice body between `[` and `]` (or `,`), raw.
    Range(String),
    /// The digits after `#`.
    Layer(String),
    /// A character no token starts with.
    Other(char),
    Eof,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub tok: Tok,
    pub start: usize,
    pub len: usize,
}

fn is_word_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-'
}

fn is_word_start(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

fn keyword(w: &str) -> Option<Tok> {
    Some(match w {
        "eq" | "any_eq" => Tok::Cmp(CmpOp::AnyEq),
        "ne" | "all_ne" => Tok::Cmp(CmpOp::AllNe),
        "all_eq" => Tok::Cmp(CmpOp::AllEq),
        "any_ne" => Tok::Cmp(CmpOp::AnyNe),
        "gt" => Tok::Cmp(CmpOp::Gt),
        "ge" => Tok::Cmp(CmpOp::Ge),
        "lt" => Tok::Cmp(CmpOp::Lt),
        "le" => Tok::Cmp(CmpOp::Le),
        "contains" => Tok::Contains,
        "matches" => Tok::Matches,
        "not" => Tok::Not,
        "and" => Tok::And,
        "or" => Tok::Or,
        "in" => Tok::In,
        "any" => Tok::Any,
        "all" => Tok::All,
        "bitwise_and" => Tok::BitAnd,
        _ => return None,
    })
}

/// Length of the identifier-like run at `s`: `[alnum_][alnum_-]*` segments joined by single dots
/// (never `..`, never a trailing dot), then a `/N` CIDR suffix when the run is a dotted number.
fn word_len(s: &[u8]) -> usize {
    let mut i = 0;
    if !s.first().is_some_and(|&c| is_word_start(c)) {
        return 0;
    }
    loop {
        while s.get(i).is_some_and(|&c| is_word_char(c)) {
            i += 1;
        }
        if s.get(i) == Some(&b'.') && s.get(i + 1).is_some_and(|&c| is_word_char(c)) {
            i += 1;
        } else {
            break;
        }
    }
    if s.get(i) == Some(&b'/')
        && s[..i].iter().all(|c| c.is_ascii_digit() || *c == b'.')
        && s.get(i + 1).is_some_and(u8::is_ascii_digit)
    {
        i += 1;
        while s.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    i
}

/// Longest runs tried as an address-like token (longer runs are not addresses).
const MAX_ADDRESS_LEN: usize = 64;

/// Colon-separated hex pairs (`00:00:0c`) or one byte with a trailing colon (`aa:`).
fn is_colon_bytes(t: &str) -> bool {
    let b = t.as_bytes();
    if b.len() == 3 && b[2] == b':' {
        return b[..2].iter().all(u8::is_ascii_hexdigit);
    }
    b.len() >= 5
        && b.len() % 3 == 2
        && b.chunks(3)
            .all(|c| c[..2].iter().all(u8::is_ascii_hexdigit) && (c.len() == 2 || c[2] == b':'))
}

fn is_ipv6(t: &str) -> bool {
    let (addr, prefix) = match t.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (t, None),
    };
    addr.parse::<std::net::Ipv6Addr>().is_ok()
        && prefix
            .is_none_or(|p| (1..=3).contains(&p.len()) && p.bytes().all(|c| c.is_ascii_digit()))
}

/// Length of the longest address-like token with colons at `s` (hex bytes `aa:bb`, an IPv6
/// address with an optional prefix), as flex's longest match over tshark's patterns; 0 when
/// none starts here.
fn colon_len(s: &[u8]) -> usize {
    let mut i = 0;
    while let Some(&c) = s.get(i) {
        let ok = c.is_ascii_hexdigit()
            || c == b':'
            || (c == b'.' && s.get(i + 1).is_some_and(u8::is_ascii_digit))
            || (c == b'/' && s.get(i + 1).is_some_and(u8::is_ascii_digit))
            || (c.is_ascii_digit());
        if !ok || i >= MAX_ADDRESS_LEN {
            break;
        }
        i += 1;
    }
    let run = &s[..i];
    if !run.contains(&b':') {
        return 0;
    }
    (1..=run.len())
        .rev()
        .find(|&n| {
            let t = std::str::from_utf8(&run[..n]).unwrap_or("");
            t.contains(':') && (is_colon_bytes(t) || is_ipv6(t))
        })
        .unwrap_or(0)
}

/// Scans the whole filter.
pub(crate) fn tokenize(text: &str) -> Result<Vec<Token>, FilterError> {
    let s = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i];
        if matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
            continue;
        }
        let start = i;
        let rest = &s[i..];
        let two = rest.get(..2).unwrap_or(rest);
        let three = rest.get(..3).unwrap_or(rest);
        let (tok, len) = match c {
            b'(' => (Tok::LParen, 1),
            b')' => (Tok::RParen, 1),
            b'{' => (Tok::LBrace, 1),
            b'}' => (Tok::RBrace, 1),
            b',' => (Tok::Comma, 1),
            b'$' => (Tok::Dollar, 1),
            b'+' => (Tok::Plus, 1),
            b'-' => (Tok::Minus, 1),
            b'*' => (Tok::Star, 1),
            b'/' => (Tok::Slash, 1),
            b'%' => (Tok::Percent, 1),
            b'=' if three == b"===" => (Tok::Cmp(CmpOp::AllEq), 3),
            b'=' if two == b"==" => (Tok::Cmp(CmpOp::AnyEq), 2),
            b'!' if three == b"!==" => (Tok::Cmp(CmpOp::AnyNe), 3),
            b'!' if two == b"!=" => (Tok::Cmp(CmpOp::AllNe), 2),
            b'!' => (Tok::Not, 1),
            b'~' if two == b"~=" => (Tok::Cmp(CmpOp::AnyNe), 2),
            b'~' => (Tok::Matches, 1),
            b'>' if two == b">=" => (Tok::Cmp(CmpOp::Ge), 2),
            b'>' => (Tok::Cmp(CmpOp::Gt), 1),
            b'<' if two == b"<=" => (Tok::Cmp(CmpOp::Le), 2),
            b'<' => (Tok::Cmp(CmpOp::Lt), 1),
            b'&' if two == b"&&" => (Tok::And, 2),
            b'&' => (Tok::BitAnd, 1),
            b'|' if two == b"||" => (Tok::Or, 2),
            b'.' if two == b".." => (Tok::DotDot, 2),
            b'.' if rest.get(1).is_some_and(|&c| is_word_start(c)) => {
                let n = 1 + word_len(&rest[1..]);
                (Tok::Word(text[start..start + n].to_string()), n)
            }
            b'[' => {
                out.push(Token {
                    tok: Tok::LBracket,
                    start,
                    len: 1,
                });
                i = scan_range(text, i + 1, &mut out)?;
                continue;
            }
            b'#' => {
                out.push(Token {
                    tok: Tok::Hash,
                    start,
                    len: 1,
                });
                i += 1;
                match s.get(i) {
                    Some(b'[') => {}
                    Some(d) if d.is_ascii_digit() => {
                        let n = s[i..].iter().take_while(|c| c.is_ascii_digit()).count();
                        out.push(Token {
                            tok: Tok::Layer(text[i..i + n].to_string()),
                            start: i,
                            len: n,
                        });
                        i += n;
                    }
                    Some(_) => {
                        let ch = text[i..].chars().next().unwrap_or('?');
                        return Err(FilterError::new(
                            format!("Expected digit or \"[\", not \"{ch}\""),
                            i,
                            ch.len_utf8(),
                        ));
                    }
                    None => return Err(FilterError::end(text)),
                }
                continue;
            }
            b'"' => {
                let (bytes, n) = scan_string(text, i + 1, false)?;
                (Tok::Str(bytes), n + 1)
            }
            b'r' | b'R' if rest.get(1) == Some(&b'"') => {
                let (bytes, n) = scan_string(text, i + 2, true)?;
                (Tok::Str(bytes), n + 2)
            }
            b'\'' => {
                let (v, n) = scan_char(text, i)?;
                (Tok::Char(v), n)
            }
            _ => {
                let w = word_len(rest);
                let col = colon_len(rest);
                let mut n = w.max(col);
                if n == 0 && c == b':' {
                    // `:2`: a colon literal tshark scans but cannot use.
                    n = 1 + rest[1..].iter().take_while(|c| is_word_char(**c)).count();
                }
                if n == 0 {
                    let ch = text[i..].chars().next().unwrap_or('?');
                    (Tok::Other(ch), ch.len_utf8())
                } else {
                    let word = &text[start..start + n];
                    let tok = if n == w && col < w {
                        keyword(word).unwrap_or_else(|| Tok::Word(word.to_string()))
                    } else {
                        Tok::Word(word.to_string())
                    };
                    (tok, n)
                }
            }
        };
        out.push(Token { tok, start, len });
        i += len;
    }
    out.push(Token {
        tok: Tok::Eof,
        start: text.len(),
        len: 0,
    });
    Ok(out)
}

/// Scans a slice body after `[`: ranges separated by commas, up to `]`.
fn scan_range(text: &str, mut i: usize, out: &mut Vec<Token>) -> Result<usize, FilterError> {
    let s = text.as_bytes();
    loop {
        match s.get(i) {
            None => {
                return Err(FilterError::new(
                    "The right bracket was missing from a slice.",
                    text.len(),
                    0,
                ))
            }
            Some(b']') => {
                out.push(Token {
                    tok: Tok::RBracket,
                    start: i,
                    len: 1,
                });
                return Ok(i + 1);
            }
            Some(b',') => {
                out.push(Token {
                    tok: Tok::Comma,
                    start: i,
                    len: 1,
                });
                i += 1;
            }
            Some(_) => {
                let n = s[i..]
                    .iter()
                    .take_while(|&&c| c != b']' && c != b',')
                    .count();
                out.push(Token {
                    tok: Tok::Range(text[i..i + n].to_string()),
                    start: i,
                    len: n,
                });
                i += n;
            }
        }
    }
}

/// Scans a quoted string starting after the opening quote at `i`; returns the value and the
/// number of bytes consumed including the closing quote.
fn scan_string(text: &str, start: usize, raw: bool) -> Result<(Vec<u8>, usize), FilterError> {
    let s = text.as_bytes();
    let mut out = Vec::new();
    let mut i = start;
    loop {
        match s.get(i) {
            None => {
                return Err(FilterError::new(
                    "The final quote was missing from a quoted string.",
                    text.len(),
                    0,
                ))
            }
            Some(b'"') => return Ok((out, i + 1 - start)),
            Some(b'\\') if raw => {
                // Raw strings keep the backslash and the character it protects.
                out.push(b'\\');
                if let Some(&c) = s.get(i + 1) {
                    out.push(c);
                    i += 2;
                } else {
                    i += 1;
                }
            }
            Some(b'\\') => {
                let (n, consumed) = escape(text, i)?;
                out.extend_from_slice(&n);
                i += consumed;
            }
            Some(&c) => {
                out.push(c);
                i += 1;
            }
        }
    }
}

/// One escape sequence at `i` (the backslash): its bytes and its length.
fn escape(text: &str, i: usize) -> Result<(Vec<u8>, usize), FilterError> {
    let s = text.as_bytes();
    let Some(&c) = s.get(i + 1) else {
        return Err(FilterError::new(
            "The final quote was missing from a quoted string.",
            text.len(),
            0,
        ));
    };
    let simple = |b: u8| Ok((vec![b], 2));
    match c {
        b'0'..=b'7' => {
            let n = s[i + 1..]
                .iter()
                .take(3)
                .take_while(|c| (b'0'..=b'7').contains(c))
                .count();
            let v = u32::from_str_radix(&text[i + 1..i + 1 + n], 8).unwrap_or(0);
            if v > 0xff {
                return Err(FilterError::new(
                    format!("{} is larger than 255.", &text[i..i + 1 + n]),
                    i,
                    n + 1,
                ));
            }
            Ok((vec![v as u8], n + 1))
        }
        b'x' => {
            let n = s[i + 2..]
                .iter()
                .take(2)
                .take_while(|c| c.is_ascii_hexdigit())
                .count();
            if n == 0 {
                return Err(FilterError::new(
                    "\\x is not a valid character escape sequence",
                    i,
                    2,
                ));
            }
            let v = u8::from_str_radix(&text[i + 2..i + 2 + n], 16).unwrap_or(0);
            Ok((vec![v], n + 2))
        }
        b'u' | b'U' => {
            let max = if c == b'u' { 4 } else { 8 };
            let n = s[i + 2..]
                .iter()
                .take(max)
                .take_while(|c| c.is_ascii_hexdigit())
                .count();
            let seq = &text[i..i + 2 + n];
            let v = u32::from_str_radix(&text[i + 2..i + 2 + n], 16).unwrap_or(0);
            // C's rule for universal character names: none below U+00A0 but $ @ `.
            let allowed = n == max && (v >= 0xa0 || matches!(v, 0x24 | 0x40 | 0x60));
            match char::from_u32(v).filter(|_| allowed) {
                Some(ch) => {
                    let mut buf = [0u8; 4];
                    Ok((ch.encode_utf8(&mut buf).as_bytes().to_vec(), n + 2))
                }
                None => Err(FilterError::new(
                    format!("{seq} is not a valid universal character name"),
                    i,
                    seq.len(),
                )),
            }
        }
        b'a' => simple(0x07),
        b'b' => simple(0x08),
        b'f' => simple(0x0c),
        b'n' => simple(b'\n'),
        b'r' => simple(b'\r'),
        b't' => simple(b'\t'),
        b'v' => simple(0x0b),
        b'\\' | b'"' | b'\'' | b'?' => simple(c),
        _ => {
            let ch = text[i + 1..].chars().next().unwrap_or('?');
            Err(FilterError::new(
                format!("\\{ch} is not a valid character escape sequence"),
                i,
                1 + ch.len_utf8(),
            ))
        }
    }
}

/// Scans a character constant at `i` (the opening quote); returns its value and length.
fn scan_char(text: &str, i: usize) -> Result<(u64, usize), FilterError> {
    let s = text.as_bytes();
    let mut j = i + 1;
    loop {
        match s.get(j) {
            None => {
                return Err(FilterError::new(
                    "The final quote was missing from a character constant.",
                    text.len(),
                    0,
                ))
            }
            Some(b'\'') => break,
            Some(b'\\') => j += 2,
            Some(_) => j += 1,
        }
    }
    let len = j + 1 - i;
    let whole = text.get(i..i + len).unwrap_or("''");
    let body = &text[i + 1..j.min(text.len())];
    if body.is_empty() {
        return Err(FilterError::new("Empty character constant.", i, len));
    }
    let too_long = || {
        FilterError::new(
            format!("{whole} is too long to be a valid character constant."),
            i,
            len,
        )
    };
    if body.starts_with('\\') {
        let (bytes, n) = escape(text, i + 1)?;
        if n != body.len() || bytes.len() != 1 {
            return Err(too_long());
        }
        Ok((u64::from(bytes[0]), len))
    } else {
        let mut chars = body.chars();
        let ch = chars.next().unwrap_or('\0');
        if chars.next().is_some() || !ch.is_ascii() {
            return Err(too_long());
        }
        Ok((u64::from(ch as u32), len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(text: &str) -> Vec<Tok> {
        tokenize(text).unwrap().into_iter().map(|t| t.tok).collect()
    }

    fn word(s: &str) -> Tok {
        Tok::Word(s.to_string())
    }

    #[test]
    fn test_words_and_operators() {
        assert_eq!(
            toks("tcp.port==443&&!ip"),
            vec![
                word("tcp.port"),
                Tok::Cmp(CmpOp::AnyEq),
                word("443"),
                Tok::And,
                Tok::Not,
                word("ip"),
                Tok::Eof
            ]
        );
        assert_eq!(toks("a eq b")[1], Tok::Cmp(CmpOp::AnyEq));
        assert_eq!(toks("a ~= b")[1], Tok::Cmp(CmpOp::AnyNe));
        assert_eq!(toks("a !== b")[1], Tok::Cmp(CmpOp::AnyNe));
        assert_eq!(toks("a === b")[1], Tok::Cmp(CmpOp::AllEq));
        assert_eq!(toks("a ~ b")[1], Tok::Matches);
        // `xor` is not a 4.0 keyword: a word (the parser rejects it).
        assert_eq!(toks("a xor b")[1], word("xor"));
        assert_eq!(toks("frame.len-1")[0], word("frame.len-1"));
    }

    #[test]
    fn test_literals_keep_their_text() {
        assert_eq!(toks("10.0.0.0/8")[0], word("10.0.0.0/8"));
        assert_eq!(toks("fe80::/10")[0], word("fe80::/10"));
        assert_eq!(toks("::ffff:10.0.0.1")[0], word("::ffff:10.0.0.1"));
        assert_eq!(toks("00:00:0c")[0], word("00:00:0c"));
        assert_eq!(toks("aa:")[0], word("aa:"));
        assert_eq!(toks("02-00-00")[0], word("02-00-00"));
        assert_eq!(toks("0200.0000.0001")[0], word("0200.0000.0001"));
        assert_eq!(
            toks("{3..5}"),
            vec![
                Tok::LBrace,
                word("3"),
                Tok::DotDot,
                word("5"),
                Tok::RBrace,
                Tok::Eof
            ]
        );
        assert_eq!(toks("1.")[1], Tok::Other('.'));
        assert_eq!(toks(".frame.len")[0], word(".frame.len"));
    }

    #[test]
    fn test_slices_and_layers() {
        assert_eq!(
            toks("eth.src[1:2,-1]"),
            vec![
                word("eth.src"),
                Tok::LBracket,
                Tok::Range("1:2".into()),
                Tok::Comma,
                Tok::Range("-1".into()),
                Tok::RBracket,
                Tok::Eof
            ]
        );
        assert_eq!(
            toks("ip.src#2"),
            vec![word("ip.src"), Tok::Hash, Tok::Layer("2".into()), Tok::Eof]
        );
        let e = tokenize("ip.src#-1").unwrap_err();
        assert_eq!(e.message, "Expected digit or \"[\", not \"-\"");
        assert_eq!((e.start, e.len), (7, 1));
        let e = tokenize("eth.src[1:2").unwrap_err();
        assert_eq!(e.message, "The right bracket was missing from a slice.");
    }

    #[test]
    fn test_strings_and_escapes() {
        assert_eq!(
            toks(r#""a\x41\101\n\\\"""#)[0],
            Tok::Str(b"aAA\n\\\"".to_vec())
        );
        assert_eq!(toks(r#"r"\w+\"""#)[0], Tok::Str(br#"\w+\""#.to_vec()));
        assert_eq!(toks(r#""\u00e9""#)[0], Tok::Str("é".as_bytes().to_vec()));
        let e = tokenize(r#"x == "a\qb""#).unwrap_err();
        assert_eq!(e.message, "\\q is not a valid character escape sequence");
        assert_eq!((e.start, e.len), (7, 2));
        let e = tokenize(r#"x == "\400""#).unwrap_err();
        assert_eq!(e.message, "\\400 is larger than 255.");
        assert_eq!((e.start, e.len), (6, 4));
        let e = tokenize(r#"x == "\u002d""#).unwrap_err();
        assert_eq!(e.message, "\\u002d is not a valid universal character name");
        let e = tokenize(r#"x == "ab"#).unwrap_err();
        assert_eq!(
            e.message,
            "The final quote was missing from a quoted string."
        );
    }

    #[test]
    fn test_char_constants() {
        assert_eq!(toks("'a'")[0], Tok::Char(97));
        assert_eq!(toks(r"'\x03'")[0], Tok::Char(3));
        assert_eq!(toks(r"'\n'")[0], Tok::Char(10));
        let e = tokenize("x == 'ab'").unwrap_err();
        assert_eq!(
            e.message,
            "'ab' is too long to be a valid character constant."
        );
        assert_eq!((e.start, e.len), (5, 4));
        assert_eq!(
            tokenize("x == ''").unwrap_err().message,
            "Empty character constant."
        );
        assert_eq!(
            tokenize("x == 'a").unwrap_err().message,
            "The final quote was missing from a character constant."
        );
    }

    #[test]
    fn test_spans_are_byte_offsets() {
        let t = tokenize("  tcp  ==  \"é\" ").unwrap();
        assert_eq!((t[0].start, t[0].len), (2, 3));
        assert_eq!((t[1].start, t[1].len), (7, 2));
        assert_eq!((t[2].start, t[2].len), (11, 4));
        assert_eq!((t[3].start, t[3].len), (16, 0));
    }
}
