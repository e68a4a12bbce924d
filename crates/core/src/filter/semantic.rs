//! Semantic check and compilation: names resolved against the registry, literals converted to
//! the type of the field they are compared with, types checked, errors worded as tshark 4.0's.

use regex::bytes::RegexBuilder;

use super::eval::{Func, Node, Operand, Range, V};
use super::lexer::CmpOp;
use super::literal::{self, Written};
use super::parser::{ArithOp, Quantifier, Relation, SetItem, Span, Term, Test};
use super::FilterError;
use crate::packets::field::{FieldDef, FieldType};

/// The most a compiled regular expression may take (hostile patterns fail instead of eating
/// memory).
const REGEX_SIZE_LIMIT: usize = 1 << 20;

pub(crate) struct Compiler<'a> {
    pub text: &'a str,
    pub lookup: &'a dyn Fn(&str) -> Option<&'static FieldDef>,
    pub fields: Vec<&'static FieldDef>,
}

/// A term after name resolution: a value with a type, or a literal waiting for one.
enum Lowered<'t> {
    Typed {
        op: Operand,
        ftype: FieldType,
        /// The field whose value strings literals may use.
        def: Option<&'static FieldDef>,
    },
    Literal(&'t Term),
}

fn err(message: impl Into<String>, span: Span) -> FilterError {
    FilterError::new(message, span.start, span.len)
}

fn is_integer(t: FieldType) -> bool {
    t.is_unsigned() || matches!(t, FieldType::I32 | FieldType::I64)
}

/// Field-to-field compatibility, as 4.0's `compatible_ftypes`.
fn compatible(a: FieldType, b: FieldType) -> bool {
    let bytes_like = |t| matches!(t, FieldType::Bytes | FieldType::Ether);
    a == b || (is_integer(a) && is_integer(b)) || (bytes_like(a) && bytes_like(b))
}

fn sliceable(t: FieldType) -> bool {
    matches!(
        t,
        FieldType::Protocol
            | FieldType::Str
            | FieldType::Bytes
            | FieldType::Ether
            | FieldType::Ipv4
            | FieldType::Ipv6
    )
}

fn searchable(t: FieldType) -> bool {
    matches!(
        t,
        FieldType::Protocol | FieldType::Str | FieldType::Bytes | FieldType::Ether
    )
}

/// True when evaluating `op` reads a protocol's bytes (so the engine must keep them).
pub(crate) fn reads_protocol_bytes(op: &Operand) -> bool {
    match op {
        Operand::Field { def, .. } => def.ftype == FieldType::Protocol,
        Operand::Const(_) | Operand::Nothing => false,
        Operand::Func(Func::Count, _) => false,
        Operand::Func(Func::Len, args)
            if matches!(
                args.first(),
                Some(Operand::Field {
                    layers: None,
                    slice: None,
                    ..
                })
            ) =>
        {
            false
        }
        Operand::Func(_, args) => args.iter().any(reads_protocol_bytes),
        Operand::Arith(_, a, b) => reads_protocol_bytes(a) || reads_protocol_bytes(b),
        Operand::Neg(a, _) => reads_protocol_bytes(a),
    }
}

/// Parses one slice or layer range (`i:j`, `i-j`, `i`, `:j`, `i:`).
fn parse_range(body: &str, span: Span) -> Result<Range, FilterError> {
    let s = body.trim();
    let num = |t: &str| -> Result<i64, FilterError> {
        let t = t.trim();
        let (neg, digits) = match t.strip_prefix('-') {
            Some(d) => (true, d),
            None => (false, t),
        };
        match literal::parse_uint(digits)
            .ok()
            .and_then(|v| i64::try_from(v).ok())
        {
            Some(v) if !digits.is_empty() => Ok(if neg { -v } else { v }),
            _ => Err(err(format!("\"{t}\" is not a valid number."), span)),
        }
    };
    // The separator is the first ':' or a '-' that is not a sign.
    let sep = s
        .char_indices()
        .find(|&(i, c)| c == ':' || (c == '-' && i > 0));
    match sep {
        None => Ok(Range::OffsetLen(num(s)?, 1)),
        Some((i, ':')) => {
            let (a, b) = (&s[..i], &s[i + 1..]);
            let start = if a.trim().is_empty() { 0 } else { num(a)? };
            if b.trim().is_empty() {
                return Ok(Range::ToEnd(start));
            }
            let len = num(b)?;
            if len <= 0 {
                return Err(err(
                    format!("Range {s} isn't valid because length {len} isn't positive"),
                    span,
                ));
            }
            Ok(Range::OffsetLen(start, len.unsigned_abs()))
        }
        Some((i, _)) => {
            let (from, to) = (num(&s[..i])?, num(&s[i + 1..])?);
            if from >= to {
                return Err(err(
                    format!("Range {s} isn't valid because {from} is greater or equal than {to}"),
                    span,
                ));
            }
            Ok(Range::FromTo(from, to))
        }
    }
}

impl<'a> Compiler<'a> {
    fn source(&self, span: Span) -> &'a str {
        self.text
            .get(span.start..span.start + span.len)
            .unwrap_or("")
    }

    fn note(&mut self, def: &'static FieldDef) {
        if !self.fields.iter().any(|d| d.is(def)) {
            self.fields.push(def);
        }
    }

    pub(crate) fn test(&mut self, t: &Test) -> Result<Node, FilterError> {
        Ok(match t {
            Test::Or(v) => Node::Or(v.iter().map(|t| self.test(t)).collect::<Result<_, _>>()?),
            Test::And(v) => Node::And(v.iter().map(|t| self.test(t)).collect::<Result<_, _>>()?),
            Test::Not(t) => Node::Not(Box::new(self.test(t)?)),
            Test::Value(term) => self.bare(term)?,
            Test::Relation {
                quantifier,
                op,
                op_text,
                lhs,
                rhs,
            } => self.relation(*quantifier, *op, op_text, lhs, rhs)?,
            Test::In { lhs, set, negated } => {
                let node = self.membership(lhs, set)?;
                if *negated {
                    Node::Not(Box::new(node))
                } else {
                    node
                }
            }
        })
    }

    /// A bare value as a test.
    fn bare(&mut self, term: &Term) -> Result<Node, FilterError> {
        if let Term::Function { name_span, .. } = term {
            self.lower(term)?;
            return Err(err(
                "You cannot test whether a function is present.",
                *name_span,
            ));
        }
        match self.lower(term)? {
            Lowered::Literal(t) => Err(err(
                format!(
                    "{} is neither a field nor a protocol name.",
                    self.source(t.span())
                ),
                t.span(),
            )),
            Lowered::Typed { op, .. } => Ok(match op {
                Operand::Field { .. } | Operand::Nothing => Node::Exists(op),
                other => Node::NonZero(other),
            }),
        }
    }

    fn resolve(
        &mut self,
        word: &str,
        span: Span,
    ) -> Result<Option<&'static FieldDef>, FilterError> {
        if let Some(name) = word.strip_prefix('.') {
            return match (self.lookup)(name) {
                Some(def) => {
                    self.note(def);
                    Ok(Some(def))
                }
                None => Err(err(
                    format!("\"{name}\" is not a valid protocol or protocol field."),
                    span,
                )),
            };
        }
        let def = (self.lookup)(word);
        if let Some(def) = def {
            self.note(def);
        }
        Ok(def)
    }

    fn lower<'t>(&mut self, term: &'t Term) -> Result<Lowered<'t>, FilterError> {
        Ok(match term {
            Term::Word(w, span) => match self.resolve(w, *span)? {
                Some(def) => Lowered::Typed {
                    op: Operand::Field {
                        def,
                        layers: None,
                        slice: None,
                    },
                    ftype: def.ftype,
                    def: Some(def),
                },
                None => Lowered::Literal(term),
            },
            Term::Str(..) | Term::Char(..) => Lowered::Literal(term),
            Term::Reference(name, span) => match self.resolve(name, *span)? {
                Some(def) => Lowered::Typed {
                    op: Operand::Nothing,
                    ftype: def.ftype,
                    def: Some(def),
                },
                None => {
                    return Err(err(
                        format!("\"{name}\" is not a valid protocol or protocol field."),
                        *span,
                    ))
                }
            },
            Term::Slice { base, ranges, .. } => {
                let Lowered::Typed { op, ftype, .. } = self.lower(base)? else {
                    return Err(err(
                        format!(
                            "{} is neither a field nor a protocol name.",
                            self.source(base.span())
                        ),
                        base.span(),
                    ));
                };
                if !sliceable(ftype) {
                    return Err(err(
                        format!(
                            "\"{}\" is a {} and cannot be sliced into a sequence of bytes.",
                            self.source(base.span()),
                            ftype.wireshark_name()
                        ),
                        base.span(),
                    ));
                }
                let rs = ranges
                    .iter()
                    .map(|(r, s)| parse_range(r, *s))
                    .collect::<Result<Vec<_>, _>>()?;
                let op = match op {
                    Operand::Field {
                        def,
                        layers,
                        slice: None,
                    } => Operand::Field {
                        def,
                        layers,
                        slice: Some(rs),
                    },
                    _ => {
                        return Err(err(
                            format!("\"{}\" cannot be sliced.", self.source(base.span())),
                            base.span(),
                        ))
                    }
                };
                Lowered::Typed {
                    op,
                    ftype: FieldType::Bytes,
                    def: None,
                }
            }
            Term::Layer { base, ranges, .. } => {
                let lowered = self.lower(base)?;
                let Lowered::Typed {
                    op:
                        Operand::Field {
                            def,
                            layers: None,
                            slice: None,
                        },
                    ftype,
                    ..
                } = lowered
                else {
                    return Err(err(
                        format!(
                            "Only a field or protocol can have a layer: {}",
                            self.source(base.span())
                        ),
                        base.span(),
                    ));
                };
                let rs = ranges
                    .iter()
                    .map(|(r, s)| parse_range(r, *s))
                    .collect::<Result<Vec<_>, _>>()?;
                Lowered::Typed {
                    op: Operand::Field {
                        def,
                        layers: Some(rs),
                        slice: None,
                    },
                    ftype,
                    def: Some(def),
                }
            }
            Term::Function {
                name,
                name_span,
                args,
                ..
            } => self.function(name, *name_span, args)?,
            Term::Arith { op, lhs, rhs, .. } => {
                let l = self.lower(lhs)?;
                let r = self.lower(rhs)?;
                match (l, r) {
                    (Lowered::Literal(_), Lowered::Literal(_)) => Lowered::Literal(term),
                    (
                        Lowered::Typed {
                            op: lop,
                            ftype,
                            def,
                        },
                        r,
                    ) => {
                        self.check_arith(*op, ftype, lhs)?;
                        let rop = self.operand_as(r, ftype, def, lhs, rhs)?;
                        Lowered::Typed {
                            op: Operand::Arith(*op, Box::new(lop), Box::new(rop)),
                            ftype,
                            def: None,
                        }
                    }
                    (
                        l @ Lowered::Literal(_),
                        Lowered::Typed {
                            op: rop,
                            ftype,
                            def,
                        },
                    ) => {
                        self.check_arith(*op, ftype, rhs)?;
                        let lop = self.operand_as(l, ftype, def, rhs, lhs)?;
                        Lowered::Typed {
                            op: Operand::Arith(*op, Box::new(lop), Box::new(rop)),
                            ftype,
                            def: None,
                        }
                    }
                }
            }
            Term::Neg(inner, span) => match self.lower(inner)? {
                Lowered::Literal(_) => Lowered::Literal(term),
                Lowered::Typed { op, ftype, .. } => {
                    if !(is_integer(ftype)
                        || matches!(ftype, FieldType::Float | FieldType::RelTime))
                    {
                        return Err(err(
                            format!("{} cannot be negated.", ftype.wireshark_name()),
                            *span,
                        ));
                    }
                    Lowered::Typed {
                        op: Operand::Neg(Box::new(op), ftype.is_unsigned()),
                        ftype,
                        def: None,
                    }
                }
            },
        })
    }

    fn check_arith(&self, op: ArithOp, ftype: FieldType, term: &Term) -> Result<(), FilterError> {
        let ok = match op {
            ArithOp::BitAnd => is_integer(ftype),
            ArithOp::Add | ArithOp::Sub => {
                is_integer(ftype) || matches!(ftype, FieldType::Float | FieldType::RelTime)
            }
            _ => is_integer(ftype) || ftype == FieldType::Float,
        };
        if ok {
            Ok(())
        } else {
            Err(err(
                format!(
                    "{} (type={}) cannot participate in arithmetic.",
                    self.source(term.span()),
                    ftype.wireshark_name()
                ),
                term.span(),
            ))
        }
    }

    fn function<'t>(
        &mut self,
        name: &str,
        name_span: Span,
        args: &'t [Term],
    ) -> Result<Lowered<'t>, FilterError> {
        let (func, min, max) = match name {
            "len" => (Func::Len, 1, 1),
            "count" => (Func::Count, 1, 1),
            "lower" => (Func::Lower, 1, 1),
            "upper" => (Func::Upper, 1, 1),
            "abs" => (Func::Abs, 1, 1),
            "max" => (Func::Max, 1, usize::MAX),
            "min" => (Func::Min, 1, usize::MAX),
            _ => return Err(err(format!("Function '{name}' does not exist"), name_span)),
        };
        if args.len() < min {
            return Err(err(
                format!("Function {name} needs at least {min} arguments."),
                name_span,
            ));
        }
        if args.len() > max {
            return Err(err(
                format!("Function {name} can only accept {max} arguments."),
                name_span,
            ));
        }
        let mut ops = Vec::with_capacity(args.len());
        let mut types = Vec::with_capacity(args.len());
        for a in args {
            match self.lower(a)? {
                Lowered::Typed { op, ftype, .. } => {
                    ops.push(op);
                    types.push(ftype);
                }
                Lowered::Literal(t) => {
                    return Err(err(
                        format!(
                            "Only fields can be used as parameter for {name}(): {} is not a field.",
                            self.source(t.span())
                        ),
                        t.span(),
                    ))
                }
            }
        }
        let first = types.first().copied().unwrap_or(FieldType::None);
        let first_span = args.first().map_or(name_span, Term::span);
        let ftype = match func {
            Func::Len | Func::Count => FieldType::U32,
            Func::Lower | Func::Upper => {
                if first != FieldType::Str {
                    return Err(err(
                        format!("Only string type fields can be used as parameter for {name}()"),
                        first_span,
                    ));
                }
                FieldType::Str
            }
            Func::Abs | Func::Max | Func::Min => {
                let numeric = is_integer(first)
                    || matches!(
                        first,
                        FieldType::Float | FieldType::RelTime | FieldType::AbsTime
                    );
                if !numeric || types.iter().any(|t| !compatible(*t, first)) {
                    return Err(err(
                        format!("Argument to {name}() must be a number or a time"),
                        first_span,
                    ));
                }
                first
            }
        };
        Ok(Lowered::Typed {
            op: Operand::Func(func, ops),
            ftype,
            def: None,
        })
    }

    /// A constant of type `ftype` from a literal term (folding literal arithmetic).
    fn constant(
        &self,
        term: &Term,
        ftype: FieldType,
        def: Option<&'static FieldDef>,
    ) -> Result<V<'static>, FilterError> {
        let span = term.span();
        match term {
            Term::Word(w, _) => literal::convert(def, ftype, Written::Unquoted(w)),
            Term::Str(b, _) => literal::convert(def, ftype, Written::Quoted(b)),
            Term::Char(c, _) => literal::convert(def, ftype, Written::Char(*c)),
            Term::Neg(inner, _) => {
                let v = self.constant(inner, ftype, def)?;
                return match v {
                    // 4.0 negates an unsigned literal in its 64-bit word: `-1` never equals
                    // a field value and is greater than none.
                    V::Int(i) if ftype.is_unsigned() => {
                        Ok(V::Int(i128::from((i as u64).wrapping_neg())))
                    }
                    V::Int(i) => Ok(V::Int(-i)),
                    V::Float(f) => Ok(V::Float(-f)),
                    V::Rel(n) => Ok(V::Rel(-n)),
                    _ => Err(err(
                        format!("{} cannot -.", ftype.wireshark_name()),
                        Span {
                            start: span.start,
                            len: 1,
                        },
                    )),
                };
            }
            Term::Arith { op, lhs, rhs, .. } => {
                let a = self.constant(lhs, ftype, def)?;
                let b = self.constant(rhs, ftype, def)?;
                let node = Operand::Arith(
                    *op,
                    Box::new(Operand::Const(a)),
                    Box::new(Operand::Const(b)),
                );
                let d = crate::packets::tree::Dissection::default();
                let mut out = None;
                super::eval::each(&d, &node, &mut |v| {
                    out = Some(v.into_owned());
                    true
                });
                return out.ok_or_else(|| {
                    err(format!("{} cannot be computed.", self.source(span)), span)
                });
            }
            _ => Err(format!(
                "{} is neither a field nor a protocol name.",
                self.source(span)
            )),
        }
        .map_err(|m| err(m, span))
    }

    /// A lowered term as an operand of type `ftype`: literals converted, fields type-checked
    /// against `other` (the left side's text, for the error).
    fn operand_as(
        &mut self,
        l: Lowered<'_>,
        ftype: FieldType,
        def: Option<&'static FieldDef>,
        other: &Term,
        term: &Term,
    ) -> Result<Operand, FilterError> {
        match l {
            Lowered::Literal(t) => Ok(Operand::Const(self.constant(t, ftype, def)?)),
            Lowered::Typed { op, ftype: rt, .. } => {
                if compatible(ftype, rt) {
                    Ok(op)
                } else {
                    Err(err(
                        format!(
                            "{} and {} are not of compatible types.",
                            self.source(other.span()),
                            self.source(term.span())
                        ),
                        term.span(),
                    ))
                }
            }
        }
    }

    fn relation(
        &mut self,
        quantifier: Option<Quantifier>,
        op: Relation,
        op_text: &str,
        lhs: &Term,
        rhs: &Term,
    ) -> Result<Node, FilterError> {
        let shown_op = match op {
            Relation::Cmp(_) => format!("\"{op_text}\""),
            _ => op_text.to_string(),
        };
        // tshark refuses a literal first in arithmetic on the left (`1 + frame.len == 43`).
        let mut leftmost = lhs;
        while let Term::Arith { lhs: inner, .. } = leftmost {
            leftmost = inner;
        }
        if !std::ptr::eq(leftmost, lhs) {
            if let Lowered::Literal(t) = self.lower(leftmost)? {
                return Err(err(
                    "Constant arithmetic expression on the LHS is invalid.",
                    t.span(),
                ));
            }
        }
        let (lop, ltype, ldef) = match self.lower(lhs)? {
            Lowered::Typed { op, ftype, def } => (op, ftype, def),
            Lowered::Literal(t) => {
                let msg = if matches!(t, Term::Arith { .. } | Term::Neg(..)) {
                    "Constant arithmetic expression on the LHS is invalid.".to_string()
                } else {
                    format!(
                        "Left side of {shown_op} expression must be a field or function, not {}.",
                        self.source(t.span())
                    )
                };
                return Err(err(msg, t.span()));
            }
        };
        let lname = self.source(lhs.span());
        let verb = match op {
            Relation::Contains => Some("contains"),
            Relation::Matches => Some("matches"),
            Relation::Cmp(_) => None,
        };
        if matches!(ltype, FieldType::None) || (verb.is_some() && !searchable(ltype)) {
            return Err(err(
                format!(
                    "{lname} (type={}) cannot participate in {} comparison.",
                    ltype.wireshark_name(),
                    verb.unwrap_or(&shown_op)
                ),
                lhs.span(),
            ));
        }
        let rl = self.lower(rhs)?;
        let rop = match rl {
            Lowered::Typed { op, ftype, .. } => {
                if !compatible(ltype, ftype) {
                    return Err(err(
                        format!(
                            "{lname} and {} are not of compatible types.",
                            self.source(rhs.span())
                        ),
                        rhs.span(),
                    ));
                }
                op
            }
            Lowered::Literal(t) => {
                if op == Relation::Matches {
                    let pattern = match t {
                        Term::Str(b, _) => String::from_utf8_lossy(b).into_owned(),
                        Term::Word(w, _) => w.clone(),
                        _ => {
                            return Err(err(
                                format!(
                                    "{} is not a valid regular expression.",
                                    self.source(t.span())
                                ),
                                t.span(),
                            ))
                        }
                    };
                    let re = RegexBuilder::new(&pattern)
                        .case_insensitive(true)
                        .size_limit(REGEX_SIZE_LIMIT)
                        .dfa_size_limit(REGEX_SIZE_LIMIT)
                        .nest_limit(super::MAX_NESTING as u32)
                        .build()
                        .map_err(|e| {
                            let detail = e.to_string();
                            let last = detail
                                .lines()
                                .rev()
                                .find(|l| !l.trim().is_empty())
                                .unwrap_or("invalid pattern")
                                .trim()
                                .trim_start_matches("error: ")
                                .to_string();
                            err(format!("Regex compilation error: {last}."), t.span())
                        })?;
                    return Ok(Node::Matches(lop, re));
                }
                // `contains` on a MAC looks for bytes, not for a whole address.
                let target = if ltype == FieldType::Ether && op == Relation::Contains {
                    FieldType::Bytes
                } else {
                    ltype
                };
                Operand::Const(self.constant(t, target, ldef)?)
            }
        };
        Ok(match op {
            Relation::Cmp(c) => {
                let all = match quantifier {
                    Some(Quantifier::All) => true,
                    Some(Quantifier::Any) => false,
                    None => matches!(c, CmpOp::AllNe | CmpOp::AllEq),
                };
                Node::Cmp {
                    op: c,
                    all,
                    lhs: lop,
                    rhs: rop,
                }
            }
            Relation::Contains => Node::Contains(lop, rop),
            Relation::Matches => {
                // A field on the right of `matches`: 4.0 wants a string pattern.
                return Err(err(
                    format!(
                        "{} is not a valid regular expression.",
                        self.source(rhs.span())
                    ),
                    rhs.span(),
                ));
            }
        })
    }

    fn membership(&mut self, lhs: &Term, set: &[SetItem]) -> Result<Node, FilterError> {
        let (lop, ltype, ldef) = match self.lower(lhs)? {
            Lowered::Typed { op, ftype, def } => (op, ftype, def),
            Lowered::Literal(t) => {
                return Err(err(
                    "Only a field may be tested for membership in a set.",
                    t.span(),
                ))
            }
        };
        let mut items = Vec::with_capacity(set.len());
        for item in set {
            let low = self.lower(&item.low)?;
            let low = self.set_member(low, ltype, ldef, lhs, &item.low)?;
            let high = match &item.high {
                None => None,
                Some(h) => {
                    let l = self.lower(h)?;
                    Some(self.set_member(l, ltype, ldef, lhs, h)?)
                }
            };
            items.push((low, high));
        }
        Ok(Node::In {
            lhs: lop,
            set: items,
        })
    }

    fn set_member(
        &mut self,
        l: Lowered<'_>,
        ltype: FieldType,
        ldef: Option<&'static FieldDef>,
        lhs: &Term,
        term: &Term,
    ) -> Result<Operand, FilterError> {
        match l {
            Lowered::Literal(t) => Ok(Operand::Const(self.constant(t, ltype, ldef)?)),
            Lowered::Typed { op, ftype, .. } => {
                if compatible(ltype, ftype) {
                    Ok(op)
                } else {
                    Err(err(
                        format!(
                            "{} and {} are not of compatible types.",
                            self.source(lhs.span()),
                            self.source(term.span())
                        ),
                        term.span(),
                    ))
                }
            }
        }
    }
}
