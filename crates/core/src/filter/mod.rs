//! Wireshark 4.0 display filters: `compile` once, then [`Filter::matches`] per frame.
//!
//! - [`lexer`]: text → tokens with byte spans; [`parser`]: tokens → syntax tree;
//!   [`semantic`]: names resolved, literals converted to their field's type, types checked;
//!   [`eval`]: the compiled tree evaluated over a [`Dissection`].
//! - Errors are [`FilterError`]s with tshark's wording and the byte range it underlines.
//!
//! # Behaviour checked against tshark 4.0.17
//!
//! Each rule below was run with `tshark -n -2 -r FILE -Y '…'` (`tls13_sni.pcap`,
//! `icmp_echo_unreach.pcap` for two IP layers in one frame) before being implemented.
//!
//! **Syntax.**
//! - `and`/`&&` binds tighter than `or`/`||`; `not`/`!` tighter than both
//!   (`not a and b` is `(not a) and b`). `xor`/`^^` do not exist (`"xor" was unexpected in
//!   this context.`).
//! - Comparisons: `== eq any_eq`, `!= ne all_ne`, `=== all_eq`, `!== ~= any_ne`,
//!   `> gt`, `>= ge`, `< lt`, `<= le`, `contains`, `matches`/`~`; `any`/`all` before a relation
//!   choose the quantifier. `bitand` is not a 4.0 word; `bitwise_and` and `&` are.
//! - Sets: `in {a, b, c..d}` with commas only (`{1 2}` is an error, `{}` and `{1,}` too);
//!   `not in` negates the whole test (so it matches frames without the field).
//! - Arithmetic `+ - * / %` and `&` with `* / %` tighter than `+ -`, tighter than `&`
//!   (`frame.len + 1 & 3` is `(len + 1) & 3`); unary minus; grouping with braces
//!   (`{frame.len + 1} == 43`); parentheses group tests only (`(frame.len + 1) == 43` is an
//!   error). `frame.len-1` is one word (a field name may contain `-`). A bare arithmetic test is
//!   true when a result is non-zero (`tcp.flags & 0x04`, `frame.len - 42` false for 42).
//! - Slices `[i:j]` (offset:length), `[i-j]` (from-to, `i < j` required: `Range 2-2 isn't valid
//!   because 2 is greater or equal than 2`), `[i]`, `[:j]`, `[i:]`, negative offsets,
//!   several ranges joined (`[1:2,5]`); a slice past the end has no value. Integers cannot be
//!   sliced (`"tcp.srcport" is a Unsigned integer (2 bytes) and cannot be sliced into a
//!   sequence of bytes.`).
//! - Layers: `ip.src#2` (the second `ip` layer), `#[1-2]`, `#[2:]`; `#-1` is a scan error.
//! - `.name` forces a field; `${field}` refers to the selected packet, which tshark does not
//!   have: never a value.
//! - Functions `len count lower upper abs max min` (`Function 'foo' does not exist`,
//!   `Function len needs at least 1 arguments.`, `You cannot test whether a function is
//!   present.`); a function of an absent field has no value (`count(ip.addr) == 0` is false
//!   for ARP).
//!
//! **Literals** (converted to the type of the field on the other side).
//! - Integers: decimal, `0x` hex, `0b` binary, leading-`0` octal (`08` is not a valid number),
//!   `'c'` character constants with C escapes; `3.0` and `1e0` are not integers; a value above
//!   the field's width is `"256" too big for this field, maximum 255.`, above 64 bits
//!   `causes an integer overflow`. Names from the field's value strings, case-insensitive,
//!   quoted or not (`eth.type == ipv4`, `== "IPv4"`); otherwise `"foo" cannot be found among
//!   the possible values for eth.type.` or, without value strings, `"https" is not a valid
//!   number.`; a quoted number is `Unsigned integer (2 bytes) cannot be converted from a
//!   string ("443").` `-1` against an unsigned field is negated in 64 bits: it equals nothing
//!   and `tcp.seq > -1` is false; `-0` is 0.
//! - Booleans: any integer (non-zero is true), `True`/`TRUE`/`False`/`FALSE` (not `true`!)
//!   and the field's true/false strings (`Set`, `set`, `"Not set"`).
//! - Relative times: seconds `[-]s[.fraction]` (at most 9 decimals, `1.5s` accepted, `1e-4`
//!   and `0x10` not). Absolute times: `"2020-01-01 00:00:00"`, `"2020-01-01"`,
//!   `"2020-01-01T00:00:00Z"`, `"Jan  1, 2020 00:00:00"`, quoted or not (here in UTC; tshark
//!   uses the local zone); epoch seconds only for epoch-displayed fields (`Base::Dec`).
//! - Strings: C escapes `\n \t \\ \" \xhh \ooo`, `\uXXXX` only for U+00A0 and above,
//!   `r"…"` raw strings. An unquoted word compared with a string field is that text.
//!   `==` and `contains` are case-sensitive; `contains ""` is false.
//! - `matches` is a case-insensitive regular expression (`(?-i)` turns that off).
//! - Bytes: `16:03`, `16-03`, `16.03`, one byte `1` or `01`, or an even run of hex digits;
//!   a quoted string stands for its bytes. Order is lexicographic (`02:00 > ff` is false).
//! - MACs: `:` `-` `.` separated, `0200.0000.0001`, or 12 hex digits; `contains too few
//!   bytes` / `too many bytes` errors; quoted strings are not MACs.
//! - IPv4/IPv6 with CIDR (`10.0.0.0/8`, `fe80::/10`); ordering compares under the shorter
//!   prefix (`ip.src > 10.0.0.0/31` is false for 10.0.0.1); `/33` and `/129` are errors; no
//!   host names.
//!
//! **Types.** Integers of any width and sign compare with each other; booleans only with
//! booleans; MACs with byte strings and slices; protocols only with protocols (a protocol
//! compared with a literal is its bytes: `tcp[0:2] == 01:bb`, `frame contains 02:00`);
//! `ip.proto == tcp` is `ip.proto and tcp are not of compatible types.` `contains` and
//! `matches` take strings, bytes, MACs and protocols (`ip.src (type=IPv4 address) cannot
//! participate in contains comparison.`).
//!
//! **Occurrences.** A field may occur several times in a frame (`ip.addr`, an IP header
//! inside ICMP): `==`, `>`, `contains`, `matches`, `in` hold when some occurrence does;
//! `!=` (4.0) and `===` when every occurrence does; `!==`/`~=` when some occurrence differs.
//! Field against field compares every pair (`ip.src == ip.dst` is true for an ICMP error
//! carrying the reverse packet, `ip.src != ip.dst` false). Any comparison with an absent
//! field is false, and `not` of it true.
//!
//! **Errors.** Unknown names: `tcpp is neither a field nor a protocol name.` (no quotes; a
//! string is shown with its quotes), a literal on the left: `Left side of "==" expression
//! must be a field or function, not 3.` (`contains` and `~` unquoted), the end of the text:
//! `Unexpected end of filter expression.` (at the end, length 0). The empty filter matches
//! every frame.

mod eval;
#[doc(hidden)]
pub mod fuzz;
mod lexer;
mod literal;
mod parser;
mod semantic;

#[cfg(test)]
mod tests;

use crate::packets::field::FieldDef;
use crate::packets::registry;
use crate::packets::tree::Dissection;

/// How deeply parentheses, `not`, braces, unary minus and arithmetic chains may nest: deeper
/// filters are refused with an error instead of risking the stack.
pub const MAX_NESTING: usize = 64;

/// A filter that does not compile: tshark's message and the byte range of the text it points
/// at (`len` 0 at the end of the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilterError {
    pub message: String,
    pub start: usize,
    pub len: usize,
}

impl FilterError {
    pub(crate) fn new(message: impl Into<String>, start: usize, len: usize) -> FilterError {
        FilterError {
            message: message.into(),
            start,
            len,
        }
    }

    /// `Unexpected end of filter expression.`
    pub(crate) fn end(text: &str) -> FilterError {
        FilterError::new("Unexpected end of filter expression.", text.len(), 0)
    }
}

impl std::fmt::Display for FilterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for FilterError {}

/// A compiled display filter.
#[derive(Debug, Clone)]
pub struct Filter {
    root: eval::Node,
    fields: Vec<&'static FieldDef>,
    needs_bytes: bool,
}

impl Filter {
    /// True when the frame passes the filter.
    pub fn matches(&self, d: &Dissection) -> bool {
        self.root.eval(d)
    }

    /// Every field and protocol the filter reads: what the engine must dissect.
    pub fn fields(&self) -> Vec<&'static FieldDef> {
        self.fields.clone()
    }

    /// True when the filter reads a protocol's bytes (slices of protocols, `contains` and
    /// `matches` on them, comparisons), so the frame's bytes must be kept in `sources`.
    pub fn needs_bytes(&self) -> bool {
        self.needs_bytes
    }

    /// True for the empty filter (every frame passes).
    pub fn is_empty(&self) -> bool {
        matches!(self.root, eval::Node::True)
    }
}

/// Compiles `text` against the registry of every protocol's fields.
pub fn compile(text: &str) -> Result<Filter, FilterError> {
    compile_with(text, &registry::lookup)
}

/// Compiles `text` with names looked up by `lookup` (tests use their own field tables).
pub fn compile_with(
    text: &str,
    lookup: &dyn Fn(&str) -> Option<&'static FieldDef>,
) -> Result<Filter, FilterError> {
    let tokens = lexer::tokenize(text)?;
    if tokens.len() <= 1 {
        return Ok(Filter {
            root: eval::Node::True,
            fields: Vec::new(),
            needs_bytes: false,
        });
    }
    let tree = parser::parse(text, tokens)?;
    let mut c = semantic::Compiler {
        text,
        lookup,
        fields: Vec::new(),
    };
    let root = c.test(&tree)?;
    let needs_bytes = root.reads_protocol_bytes();
    Ok(Filter {
        root,
        fields: c.fields,
        needs_bytes,
    })
}
