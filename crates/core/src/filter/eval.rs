//! The compiled filter and its evaluation over one [`Dissection`].
//!
//! Values are read straight from the dissection's items and compared with constants converted
//! once at compile time; the common tests (field present, field vs. literal, `in`, `contains`
//! with a literal, `matches`) do not allocate per frame.

use std::borrow::Cow;
use std::cmp::Ordering;

use regex::bytes::Regex;

use super::lexer::CmpOp;
use super::parser::ArithOp;
use crate::packets::field::{FieldDef, FieldType, Value};
use crate::packets::tree::{Dissection, Item};

/// One value while evaluating: integers of every width as `i128`, times in nanoseconds,
/// addresses with their prefix length (a CIDR literal), MACs and protocols as bytes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum V<'a> {
    Int(i128),
    Bool(bool),
    Float(f64),
    /// Absolute time, ns since the epoch.
    Abs(i128),
    /// Relative time, ns.
    Rel(i64),
    Str(Cow<'a, [u8]>),
    Bytes(Cow<'a, [u8]>),
    V4(u32, u8),
    V6(u128, u8),
}

impl V<'_> {
    fn bytes(&self) -> Option<&[u8]> {
        match self {
            V::Str(b) | V::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// A copy that borrows this value's bytes (no allocation).
    fn borrowed(&self) -> V<'_> {
        match self {
            V::Str(b) => V::Str(Cow::Borrowed(b)),
            V::Bytes(b) => V::Bytes(Cow::Borrowed(b)),
            V::Int(v) => V::Int(*v),
            V::Bool(v) => V::Bool(*v),
            V::Float(v) => V::Float(*v),
            V::Abs(v) => V::Abs(*v),
            V::Rel(v) => V::Rel(*v),
            V::V4(a, m) => V::V4(*a, *m),
            V::V6(a, m) => V::V6(*a, *m),
        }
    }

    pub(crate) fn into_owned(self) -> V<'static> {
        match self {
            V::Int(v) => V::Int(v),
            V::Bool(v) => V::Bool(v),
            V::Float(v) => V::Float(v),
            V::Abs(v) => V::Abs(v),
            V::Rel(v) => V::Rel(v),
            V::Str(b) => V::Str(Cow::Owned(b.into_owned())),
            V::Bytes(b) => V::Bytes(Cow::Owned(b.into_owned())),
            V::V4(a, m) => V::V4(a, m),
            V::V6(a, m) => V::V6(a, m),
        }
    }
}

fn mask4(bits: u8) -> u32 {
    if bits == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(bits.min(32)))
    }
}

fn mask6(bits: u8) -> u128 {
    if bits == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(bits.min(128)))
    }
}

/// Orders two values of compatible types; addresses compare under the shorter prefix (CIDR).
fn compare(a: &V, b: &V) -> Option<Ordering> {
    match (a, b) {
        (V::Int(x), V::Int(y)) => Some(x.cmp(y)),
        (V::Bool(x), V::Bool(y)) => Some(x.cmp(y)),
        (V::Bool(x), V::Int(y)) => Some(i128::from(*x).cmp(y)),
        (V::Float(x), V::Float(y)) => x.partial_cmp(y),
        (V::Abs(x), V::Abs(y)) => Some(x.cmp(y)),
        (V::Rel(x), V::Rel(y)) => Some(x.cmp(y)),
        (V::V4(x, mx), V::V4(y, my)) => {
            let m = mask4(*mx.min(my));
            Some((x & m).cmp(&(y & m)))
        }
        (V::V6(x, mx), V::V6(y, my)) => {
            let m = mask6(*mx.min(my));
            Some((x & m).cmp(&(y & m)))
        }
        _ => Some(a.bytes()?.cmp(b.bytes()?)),
    }
}

fn relation_holds(op: CmpOp, a: &V, b: &V) -> bool {
    let o = compare(a, b);
    match op {
        CmpOp::AnyEq | CmpOp::AllEq => o == Some(Ordering::Equal),
        CmpOp::AllNe | CmpOp::AnyNe => o != Some(Ordering::Equal),
        CmpOp::Gt => o == Some(Ordering::Greater),
        CmpOp::Ge => matches!(o, Some(Ordering::Greater | Ordering::Equal)),
        CmpOp::Lt => o == Some(Ordering::Less),
        CmpOp::Le => matches!(o, Some(Ordering::Less | Ordering::Equal)),
    }
}

fn contains(hay: &V, needle: &V) -> bool {
    match (hay.bytes(), needle.bytes()) {
        (Some(h), Some(n)) if !n.is_empty() && n.len() <= h.len() => {
            h.windows(n.len()).any(|w| w == n)
        }
        _ => false,
    }
}

/// A slice range as tshark's drange: `i:j` (offset, length), `i-j` (from, to), `i` (one
/// byte), `:j`, `i:` (to the end). Offsets may be negative (from the end).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Range {
    OffsetLen(i64, u64),
    FromTo(i64, i64),
    ToEnd(i64),
}

impl Range {
    /// The byte range in a value of `len` bytes, or `None` when it does not fit.
    fn resolve(self, len: usize) -> Option<(usize, usize)> {
        let len_i = i64::try_from(len).ok()?;
        let abs = |i: i64| -> Option<usize> {
            let v = if i < 0 { len_i.checked_add(i)? } else { i };
            usize::try_from(v).ok()
        };
        match self {
            Range::OffsetLen(i, l) => {
                let s = abs(i)?;
                let e = s.checked_add(usize::try_from(l).ok()?)?;
                (e <= len).then_some((s, e))
            }
            Range::FromTo(i, j) => {
                let s = abs(i)?;
                let e = abs(j)?.checked_add(1)?;
                (s < e && e <= len).then_some((s, e))
            }
            Range::ToEnd(i) => {
                let s = abs(i)?;
                (s <= len).then_some((s, len))
            }
        }
    }
}

/// A built-in function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Func {
    Len,
    Count,
    Lower,
    Upper,
    Abs,
    Max,
    Min,
}

/// Where values come from.
#[derive(Debug, Clone)]
pub(crate) enum Operand {
    /// Every occurrence of a field or protocol; `layers` keeps only those in these layers of
    /// their protocol (`ip.src#2`); `slice` takes bytes out of each value.
    Field {
        def: &'static FieldDef,
        layers: Option<Vec<Range>>,
        slice: Option<Vec<Range>>,
    },
    Const(V<'static>),
    /// `${field}`: tshark has no selected packet, so there is never a value.
    Nothing,
    Func(Func, Vec<Operand>),
    Arith(ArithOp, Box<Operand>, Box<Operand>),
    /// Unary minus; `true` for an unsigned type, negated in 64 bits as 4.0 does (so
    /// `-frame.len == -42` holds and `tcp.seq > -1` does not).
    Neg(Box<Operand>, bool),
}

/// A compiled test.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    True,
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    /// A field or protocol is present (with its layer and slice).
    Exists(Operand),
    /// Some computed value is non-zero (`tcp.flags & 0x04`).
    NonZero(Operand),
    Cmp {
        op: CmpOp,
        /// True: every pair must satisfy `op` (and both sides have a value).
        all: bool,
        lhs: Operand,
        rhs: Operand,
    },
    Contains(Operand, Operand),
    Matches(Operand, Regex),
    In {
        lhs: Operand,
        set: Vec<(Operand, Option<Operand>)>,
    },
}

/// The value of one item, borrowed from the dissection.
fn item_value<'d>(d: &'d Dissection, it: &'d Item) -> V<'d> {
    match &it.value {
        Value::UInt(v) => V::Int(i128::from(*v)),
        Value::Int(v) => V::Int(i128::from(*v)),
        Value::Bool(b) => V::Bool(*b),
        Value::Float(f) => V::Float(*f),
        Value::AbsTime { secs, nanos } => {
            V::Abs(i128::from(*secs) * 1_000_000_000 + i128::from(*nanos))
        }
        Value::RelTime(n) => V::Rel(*n),
        Value::Str(s) => V::Str(Cow::Borrowed(s.as_bytes())),
        Value::Bytes(b) => V::Bytes(Cow::Borrowed(b)),
        Value::Ipv4(a) => V::V4(u32::from(*a), 32),
        Value::Ipv6(a) => V::V6(u128::from(*a), 128),
        Value::Ether(m) => V::Bytes(Cow::Borrowed(&m[..])),
        // A protocol's value is its bytes (kept when the filter `needs_bytes`).
        Value::None => V::Bytes(Cow::Borrowed(d.item_bytes(it).unwrap_or(&[]))),
    }
}

fn slice_value<'d>(v: V<'d>, ranges: &[Range]) -> Option<V<'d>> {
    let owned;
    let bytes: &[u8] = match &v {
        V::Str(b) | V::Bytes(b) => b,
        V::V4(a, _) => {
            owned = a.to_be_bytes().to_vec();
            &owned
        }
        V::V6(a, _) => {
            owned = a.to_be_bytes().to_vec();
            &owned
        }
        _ => return None,
    };
    if let [r] = ranges {
        let (s, e) = r.resolve(bytes.len())?;
        return Some(match v {
            V::Str(Cow::Borrowed(b)) | V::Bytes(Cow::Borrowed(b)) => {
                V::Bytes(Cow::Borrowed(&b[s..e]))
            }
            _ => V::Bytes(Cow::Owned(bytes[s..e].to_vec())),
        });
    }
    let mut out = Vec::new();
    for r in ranges {
        let (s, e) = r.resolve(bytes.len())?;
        out.extend_from_slice(&bytes[s..e]);
    }
    Some(V::Bytes(Cow::Owned(out)))
}

/// The layer of each item of `def`'s protocol: 1 for the first `ip` in the frame, 2 for an
/// `ip` inside ICMP, ….
fn in_layers(layer: usize, ranges: &[Range]) -> bool {
    let layer = i64::try_from(layer).unwrap_or(i64::MAX);
    ranges.iter().any(|r| match *r {
        Range::OffsetLen(i, l) => {
            // `#N` is `N:1`; `#[i:j]` layers i..i+j-1; negative offsets are not meaningful
            // without the layer count, so they never match.
            i >= 0 && layer >= i && (layer - i) < i64::try_from(l).unwrap_or(i64::MAX)
        }
        Range::FromTo(i, j) => i >= 0 && layer >= i && layer <= j,
        Range::ToEnd(i) => i >= 0 && layer >= i,
    })
}

/// Calls `f` with each value of `op` until it returns true; returns whether it did.
pub(crate) fn each<'d>(
    d: &'d Dissection,
    op: &'d Operand,
    f: &mut dyn FnMut(V<'d>) -> bool,
) -> bool {
    match op {
        Operand::Const(v) => f(v.borrowed()),
        Operand::Nothing => false,
        Operand::Field { def, layers, slice } => {
            let proto = def.protocol_name();
            let mut layer = 0usize;
            for it in &d.items {
                if layers.is_some() && it.def.ftype == FieldType::Protocol && it.def.name == proto {
                    layer += 1;
                }
                if !it.def.is(def) {
                    continue;
                }
                if let Some(l) = layers {
                    if !in_layers(layer, l) {
                        continue;
                    }
                }
                let v = item_value(d, it);
                let v = match slice {
                    None => v,
                    Some(r) => match slice_value(v, r) {
                        Some(v) => v,
                        None => continue,
                    },
                };
                if f(v) {
                    return true;
                }
            }
            false
        }
        Operand::Func(func, args) => eval_func(d, *func, args, f),
        Operand::Neg(inner, unsigned) => each(d, inner, &mut |v| match negate(v, *unsigned) {
            Some(n) => f(n),
            None => false,
        }),
        Operand::Arith(aop, l, r) => {
            if let Operand::Const(c) = &**r {
                return each(d, l, &mut |a| match arith(*aop, &a, c) {
                    Some(v) => f(v),
                    None => false,
                });
            }
            let mut rights = Vec::new();
            each(d, r, &mut |b| {
                rights.push(b.into_owned());
                false
            });
            if rights.is_empty() {
                return false;
            }
            each(d, l, &mut |a| {
                rights
                    .iter()
                    .any(|b| arith(*aop, &a, b).is_some_and(&mut *f))
            })
        }
    }
}

fn negate(v: V, unsigned: bool) -> Option<V> {
    Some(match v {
        V::Int(i) if unsigned => V::Int(i128::from(u64::try_from(i).ok()?.wrapping_neg())),
        V::Int(i) => V::Int(-i),
        V::Float(x) => V::Float(-x),
        V::Rel(n) => V::Rel(n.checked_neg()?),
        _ => return None,
    })
}

fn arith(op: ArithOp, a: &V, b: &V) -> Option<V<'static>> {
    Some(match (a, b) {
        (V::Int(x), V::Int(y)) => V::Int(match op {
            ArithOp::Add => x.checked_add(*y)?,
            ArithOp::Sub => x.checked_sub(*y)?,
            ArithOp::Mul => x.checked_mul(*y)?,
            ArithOp::Div => x.checked_div(*y)?,
            ArithOp::Rem => x.checked_rem(*y)?,
            ArithOp::BitAnd => x & y,
        }),
        (V::Float(x), V::Float(y)) => V::Float(match op {
            ArithOp::Add => x + y,
            ArithOp::Sub => x - y,
            ArithOp::Mul => x * y,
            ArithOp::Div => x / y,
            ArithOp::Rem => x % y,
            ArithOp::BitAnd => return None,
        }),
        (V::Rel(x), V::Rel(y)) => V::Rel(match op {
            ArithOp::Add => x.checked_add(*y)?,
            ArithOp::Sub => x.checked_sub(*y)?,
            _ => return None,
        }),
        (V::Abs(x), V::Rel(y)) => V::Abs(match op {
            ArithOp::Add => x.checked_add(i128::from(*y))?,
            ArithOp::Sub => x.checked_sub(i128::from(*y))?,
            _ => return None,
        }),
        _ => return None,
    })
}

fn eval_func<'d>(
    d: &'d Dissection,
    func: Func,
    args: &'d [Operand],
    f: &mut dyn FnMut(V<'d>) -> bool,
) -> bool {
    let Some(first) = args.first() else {
        return false;
    };
    match func {
        Func::Count => {
            let mut n = 0i128;
            each(d, first, &mut |_| {
                n += 1;
                false
            });
            // tshark: a function of an absent field has no value.
            n > 0 && f(V::Int(n))
        }
        Func::Len => {
            // A protocol's length is its range, known without its bytes.
            if let Operand::Field {
                def,
                layers: None,
                slice: None,
            } = first
            {
                if def.ftype == FieldType::Protocol {
                    return d
                        .items
                        .iter()
                        .filter(|it| it.def.is(def))
                        .any(|it| f(V::Int(i128::from(it.len))));
                }
            }
            each(d, first, &mut |v| {
                let n = match &v {
                    V::Str(b) | V::Bytes(b) => b.len(),
                    V::V4(..) => 4,
                    V::V6(..) => 16,
                    _ => return false,
                };
                f(V::Int(n as i128))
            })
        }
        Func::Lower | Func::Upper => each(d, first, &mut |v| match v {
            V::Str(b) => {
                let mut b = b.into_owned();
                if func == Func::Lower {
                    b.make_ascii_lowercase();
                } else {
                    b.make_ascii_uppercase();
                }
                f(V::Str(Cow::Owned(b)))
            }
            _ => false,
        }),
        Func::Abs => each(d, first, &mut |v| match v {
            V::Int(i) => f(V::Int(i.abs())),
            V::Float(x) => f(V::Float(x.abs())),
            V::Rel(n) => f(V::Rel(n.saturating_abs())),
            _ => false,
        }),
        Func::Max | Func::Min => {
            let mut best: Option<V<'d>> = None;
            for a in args {
                each(d, a, &mut |v| {
                    let better = match &best {
                        None => true,
                        Some(b) => {
                            let o = compare(&v, b);
                            if func == Func::Max {
                                o == Some(Ordering::Greater)
                            } else {
                                o == Some(Ordering::Less)
                            }
                        }
                    };
                    if better {
                        best = Some(v);
                    }
                    false
                });
            }
            best.is_some_and(f)
        }
    }
}

fn is_nonzero(v: &V) -> bool {
    match v {
        V::Int(i) => *i != 0,
        V::Bool(b) => *b,
        V::Float(x) => *x != 0.0,
        V::Rel(n) => *n != 0,
        V::Abs(n) => *n != 0,
        V::Str(b) | V::Bytes(b) => b.iter().any(|&x| x != 0),
        V::V4(a, _) => *a != 0,
        V::V6(a, _) => *a != 0,
    }
}

impl Node {
    /// True when evaluating this test reads a protocol's bytes.
    pub(crate) fn reads_protocol_bytes(&self) -> bool {
        use super::semantic::reads_protocol_bytes as reads;
        match self {
            Node::True | Node::Exists(_) => false,
            Node::And(v) | Node::Or(v) => v.iter().any(Node::reads_protocol_bytes),
            Node::Not(n) => n.reads_protocol_bytes(),
            Node::NonZero(op) | Node::Matches(op, _) => reads(op),
            Node::Cmp { lhs, rhs, .. } | Node::Contains(lhs, rhs) => reads(lhs) || reads(rhs),
            Node::In { lhs, set } => {
                reads(lhs)
                    || set
                        .iter()
                        .any(|(l, h)| reads(l) || h.as_ref().is_some_and(reads))
            }
        }
    }

    pub(crate) fn eval(&self, d: &Dissection) -> bool {
        match self {
            Node::True => true,
            Node::And(v) => v.iter().all(|n| n.eval(d)),
            Node::Or(v) => v.iter().any(|n| n.eval(d)),
            Node::Not(n) => !n.eval(d),
            Node::Exists(op) => each(d, op, &mut |_| true),
            Node::NonZero(op) => each(d, op, &mut |v| is_nonzero(&v)),
            Node::Cmp { op, all, lhs, rhs } => {
                if let Operand::Const(c) = rhs {
                    if *all {
                        let mut seen = false;
                        let failed = each(d, lhs, &mut |a| {
                            seen = true;
                            !relation_holds(*op, &a, c)
                        });
                        seen && !failed
                    } else {
                        each(d, lhs, &mut |a| relation_holds(*op, &a, c))
                    }
                } else if *all {
                    let mut seen = false;
                    let failed = each(d, lhs, &mut |a| {
                        each(d, rhs, &mut |b| {
                            seen = true;
                            !relation_holds(*op, &a, &b)
                        })
                    });
                    seen && !failed
                } else {
                    each(d, lhs, &mut |a| {
                        each(d, rhs, &mut |b| relation_holds(*op, &a, &b))
                    })
                }
            }
            Node::Contains(lhs, rhs) => {
                each(d, lhs, &mut |a| each(d, rhs, &mut |b| contains(&a, &b)))
            }
            Node::Matches(lhs, re) => {
                each(d, lhs, &mut |a| a.bytes().is_some_and(|b| re.is_match(b)))
            }
            Node::In { lhs, set } => each(d, lhs, &mut |a| {
                set.iter().any(|(low, high)| match high {
                    None => each(d, low, &mut |b| relation_holds(CmpOp::AnyEq, &a, &b)),
                    Some(high) => each(d, low, &mut |lo| {
                        relation_holds(CmpOp::Ge, &a, &lo)
                            && each(d, high, &mut |hi| relation_holds(CmpOp::Le, &a, &hi))
                    }),
                })
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_cidr_compares_under_the_shorter_prefix() {
        let net = V::V4(0x0a00_0000, 8);
        assert_eq!(
            compare(&V::V4(0x0a01_0203, 32), &net),
            Some(Ordering::Equal)
        );
        assert_eq!(
            compare(&V::V4(0x0b00_0001, 32), &net),
            Some(Ordering::Greater)
        );
        assert_eq!(compare(&V::V4(1, 32), &V::V4(2, 0)), Some(Ordering::Equal));
        let v6 = V::V6(0xfe80 << 112, 10);
        assert_eq!(
            compare(&V::V6((0xfe80 << 112) | 1, 128), &v6),
            Some(Ordering::Equal)
        );
    }

    #[test]
    fn test_bytes_order_is_lexicographic() {
        // tshark: `eth.src[0:2] > ff` is false for 02:00, `> 01` true.
        let v = V::Bytes(Cow::Borrowed(&[2, 0]));
        assert!(!relation_holds(
            CmpOp::Gt,
            &v,
            &V::Bytes(Cow::Borrowed(&[0xff]))
        ));
        assert!(relation_holds(
            CmpOp::Gt,
            &v,
            &V::Bytes(Cow::Borrowed(&[1]))
        ));
    }

    #[test]
    fn test_ranges() {
        assert_eq!(Range::OffsetLen(0, 3).resolve(6), Some((0, 3)));
        assert_eq!(Range::OffsetLen(-2, 2).resolve(6), Some((4, 6)));
        assert_eq!(Range::OffsetLen(5, 2).resolve(6), None);
        assert_eq!(Range::FromTo(4, 5).resolve(6), Some((4, 6)));
        assert_eq!(Range::ToEnd(5).resolve(6), Some((5, 6)));
        assert_eq!(Range::ToEnd(7).resolve(6), None);
        assert_eq!(Range::OffsetLen(-7, 1).resolve(6), None);
        assert_eq!(Range::OffsetLen(i64::MAX, u64::MAX).resolve(6), None);
    }

    #[test]
    fn test_contains_needs_a_nonempty_needle() {
        let hay = V::Str(Cow::Borrowed(b"bumpy"));
        assert!(contains(&hay, &V::Str(Cow::Borrowed(b"mp"))));
        assert!(!contains(&hay, &V::Str(Cow::Borrowed(b""))));
        assert!(!contains(&hay, &V::Str(Cow::Borrowed(b"bumpy!"))));
    }
}
