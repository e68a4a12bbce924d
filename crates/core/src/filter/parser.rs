//! The grammar: tokens to a syntax tree with byte spans.
//!
//! Precedence, loosest first, as tshark 4.0: `or` / `||`; `and` / `&&`; `not` / `!`; a relation
//! (`==` … `matches`, `in {…}`, `not in {…}`, an optional `any` / `all` quantifier, or a bare
//! value: a field or protocol test); then arithmetic: `&`, then `+ -`, then `* / %`, then unary
//! `-`; then the postfix layer `#N` / `#[range]` and slice `[…]`. Parentheses group tests only;
//! arithmetic groups with braces (`{frame.len + 1} == 43`), as in 4.0. `a == b == c` is not
//! accepted.

use super::lexer::{CmpOp, Tok, Token};
use super::{FilterError, MAX_NESTING};

/// A byte range in the filter text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub len: usize,
}

impl Span {
    pub fn to(self, other: Span) -> Span {
        let end = (other.start + other.len).max(self.start + self.len);
        Span {
            start: self.start,
            len: end - self.start,
        }
    }
}

/// A relation between two values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Relation {
    Cmp(CmpOp),
    Contains,
    Matches,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Quantifier {
    Any,
    All,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ArithOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    BitAnd,
}

/// A test: something true or false for a frame.
#[derive(Debug, Clone)]
pub(crate) enum Test {
    Or(Vec<Test>),
    And(Vec<Test>),
    Not(Box<Test>),
    /// A bare value: a field or protocol is present, arithmetic is non-zero.
    Value(Term),
    Relation {
        quantifier: Option<Quantifier>,
        op: Relation,
        /// The operator as written (error messages quote it).
        op_text: String,
        lhs: Term,
        rhs: Term,
    },
    In {
        lhs: Term,
        set: Vec<SetItem>,
        negated: bool,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct SetItem {
    pub low: Term,
    /// `low..high`.
    pub high: Option<Term>,
}

/// A value: a field, a literal, or something computed from them.
#[derive(Debug, Clone)]
pub(crate) enum Term {
    /// An identifier or unquoted literal (which one is decided against the registry).
    Word(String, Span),
    /// A quoted string.
    Str(Vec<u8>, Span),
    /// A character constant.
    Char(u64, Span),
    /// `${field}`: a field of the selected packet (tshark has none: never a value).
    Reference(String, Span),
    Slice {
        base: Box<Term>,
        ranges: Vec<(String, Span)>,
        span: Span,
    },
    Layer {
        base: Box<Term>,
        ranges: Vec<(String, Span)>,
        span: Span,
    },
    Function {
        name: String,
        name_span: Span,
        args: Vec<Term>,
        span: Span,
    },
    Arith {
        op: ArithOp,
        lhs: Box<Term>,
        rhs: Box<Term>,
        span: Span,
    },
    Neg(Box<Term>, Span),
}

impl Term {
    pub fn span(&self) -> Span {
        match self {
            Term::Word(_, s)
            | Term::Str(_, s)
            | Term::Char(_, s)
            | Term::Reference(_, s)
            | Term::Neg(_, s) => *s,
            Term::Slice { span, .. }
            | Term::Layer { span, .. }
            | Term::Function { span, .. }
            | Term::Arith { span, .. } => *span,
        }
    }
}

struct Parser<'t> {
    text: &'t str,
    toks: Vec<Token>,
    pos: usize,
    depth: usize,
}

/// Parses a whole filter (non-empty token list ending with `Eof`).
pub(crate) fn parse(text: &str, toks: Vec<Token>) -> Result<Test, FilterError> {
    let mut p = Parser {
        text,
        toks,
        pos: 0,
        depth: 0,
    };
    let t = p.or()?;
    p.expect_end()?;
    Ok(t)
}

impl Parser<'_> {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).map_or(&Tok::Eof, |t| &t.tok)
    }

    fn peek_at(&self, n: usize) -> &Tok {
        self.toks.get(self.pos + n).map_or(&Tok::Eof, |t| &t.tok)
    }

    fn span(&self) -> Span {
        self.toks.get(self.pos).map_or(
            Span {
                start: self.text.len(),
                len: 0,
            },
            |t| Span {
                start: t.start,
                len: t.len,
            },
        )
    }

    /// `"X" was unexpected in this context.` for the current token (or the end).
    fn unexpected(&self) -> FilterError {
        if *self.peek() == Tok::Eof {
            return FilterError::end(self.text);
        }
        let s = self.span();
        let shown = self.text.get(s.start..s.start + s.len).unwrap_or("");
        FilterError::new(
            format!("\"{shown}\" was unexpected in this context."),
            s.start,
            s.len,
        )
    }

    fn expect_end(&self) -> Result<(), FilterError> {
        if *self.peek() == Tok::Eof {
            Ok(())
        } else {
            Err(self.unexpected())
        }
    }

    fn expect(&mut self, tok: Tok) -> Result<Span, FilterError> {
        if *self.peek() == tok {
            let s = self.span();
            self.pos += 1;
            Ok(s)
        } else {
            Err(self.unexpected())
        }
    }

    /// Enters one level of nesting; fails past [`MAX_NESTING`].
    fn enter(&mut self) -> Result<(), FilterError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            let s = self.span();
            return Err(FilterError::new(
                format!("The filter is nested too deeply (more than {MAX_NESTING} levels)."),
                s.start,
                s.len,
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    fn or(&mut self) -> Result<Test, FilterError> {
        self.enter()?;
        let mut items = vec![self.and()?];
        while *self.peek() == Tok::Or {
            self.pos += 1;
            items.push(self.and()?);
        }
        self.leave();
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Test::And(Vec::new()))
        } else {
            Test::Or(items)
        })
    }

    fn and(&mut self) -> Result<Test, FilterError> {
        let mut items = vec![self.not()?];
        while *self.peek() == Tok::And {
            self.pos += 1;
            items.push(self.not()?);
        }
        Ok(if items.len() == 1 {
            items.pop().unwrap_or(Test::And(Vec::new()))
        } else {
            Test::And(items)
        })
    }

    fn not(&mut self) -> Result<Test, FilterError> {
        if *self.peek() == Tok::Not {
            self.pos += 1;
            self.enter()?;
            let inner = self.not()?;
            self.leave();
            return Ok(Test::Not(Box::new(inner)));
        }
        self.relation()
    }

    fn relation(&mut self) -> Result<Test, FilterError> {
        if *self.peek() == Tok::LParen {
            self.pos += 1;
            let t = self.or()?;
            self.expect(Tok::RParen)?;
            return Ok(t);
        }
        let quantifier = match self.peek() {
            Tok::Any => Some(Quantifier::Any),
            Tok::All => Some(Quantifier::All),
            _ => None,
        };
        if quantifier.is_some() {
            self.pos += 1;
        }
        let lhs = self.arith()?;
        let op_span = self.span();
        let op_text = self
            .text
            .get(op_span.start..op_span.start + op_span.len)
            .unwrap_or("")
            .to_string();
        let op = match self.peek() {
            Tok::Cmp(c) => Relation::Cmp(*c),
            Tok::Contains => Relation::Contains,
            Tok::Matches => Relation::Matches,
            Tok::In => {
                self.pos += 1;
                let set = self.set()?;
                return Ok(Test::In {
                    lhs,
                    set,
                    negated: false,
                });
            }
            Tok::Not if *self.peek_at(1) == Tok::In => {
                self.pos += 2;
                let set = self.set()?;
                return Ok(Test::In {
                    lhs,
                    set,
                    negated: true,
                });
            }
            _ => {
                if quantifier.is_some() {
                    return Err(self.unexpected());
                }
                return Ok(Test::Value(lhs));
            }
        };
        self.pos += 1;
        let rhs = self.arith()?;
        Ok(Test::Relation {
            quantifier,
            op,
            op_text,
            lhs,
            rhs,
        })
    }

    fn set(&mut self) -> Result<Vec<SetItem>, FilterError> {
        self.expect(Tok::LBrace)?;
        let mut items = Vec::new();
        loop {
            let low = self.arith()?;
            let high = if *self.peek() == Tok::DotDot {
                self.pos += 1;
                Some(self.arith()?)
            } else {
                None
            };
            items.push(SetItem { low, high });
            match self.peek() {
                Tok::Comma => self.pos += 1,
                Tok::RBrace => {
                    self.pos += 1;
                    return Ok(items);
                }
                _ => return Err(self.unexpected()),
            }
        }
    }

    /// Binary arithmetic, loosest (`&`) to tightest (`* / %`).
    fn arith(&mut self) -> Result<Term, FilterError> {
        self.binary(0)
    }

    fn binary(&mut self, level: u8) -> Result<Term, FilterError> {
        if level == 3 {
            return self.unary();
        }
        let mut lhs = self.binary(level + 1)?;
        let mut chain = 0usize;
        loop {
            let op = match (level, self.peek()) {
                (0, Tok::BitAnd) => ArithOp::BitAnd,
                (1, Tok::Plus) => ArithOp::Add,
                (1, Tok::Minus) => ArithOp::Sub,
                (2, Tok::Star) => ArithOp::Mul,
                (2, Tok::Slash) => ArithOp::Div,
                (2, Tok::Percent) => ArithOp::Rem,
                _ => return Ok(lhs),
            };
            chain += 1;
            if self.depth + chain > MAX_NESTING {
                self.enter_fail()?;
            }
            self.pos += 1;
            let rhs = self.binary(level + 1)?;
            let span = lhs.span().to(rhs.span());
            lhs = Term::Arith {
                op,
                lhs: Box::new(lhs),
                rhs: Box::new(rhs),
                span,
            };
        }
    }

    fn enter_fail(&mut self) -> Result<(), FilterError> {
        let saved = self.depth;
        self.depth = MAX_NESTING;
        let r = self.enter();
        self.depth = saved;
        r
    }

    fn unary(&mut self) -> Result<Term, FilterError> {
        match self.peek() {
            Tok::Minus => {
                let start = self.span();
                self.pos += 1;
                self.enter()?;
                let inner = self.unary()?;
                self.leave();
                let span = start.to(inner.span());
                Ok(Term::Neg(Box::new(inner), span))
            }
            Tok::Plus => {
                self.pos += 1;
                self.unary()
            }
            _ => self.postfix(),
        }
    }

    fn postfix(&mut self) -> Result<Term, FilterError> {
        let mut t = self.primary()?;
        loop {
            match self.peek() {
                Tok::Hash => {
                    self.pos += 1;
                    let ranges = match self.peek().clone() {
                        Tok::Layer(n) => {
                            let s = self.span();
                            self.pos += 1;
                            vec![(n, s)]
                        }
                        Tok::LBracket => self.ranges()?,
                        _ => return Err(self.unexpected()),
                    };
                    let end = self
                        .toks
                        .get(self.pos.saturating_sub(1))
                        .map_or(t.span(), |k| Span {
                            start: k.start,
                            len: k.len,
                        });
                    let span = t.span().to(end);
                    t = Term::Layer {
                        base: Box::new(t),
                        ranges,
                        span,
                    };
                }
                Tok::LBracket => {
                    let ranges = self.ranges()?;
                    let end = self
                        .toks
                        .get(self.pos.saturating_sub(1))
                        .map_or(t.span(), |k| Span {
                            start: k.start,
                            len: k.len,
                        });
                    let span = t.span().to(end);
                    t = Term::Slice {
                        base: Box::new(t),
                        ranges,
                        span,
                    };
                }
                _ => return Ok(t),
            }
        }
    }

    /// `[` range (`,` range)* `]`.
    fn ranges(&mut self) -> Result<Vec<(String, Span)>, FilterError> {
        self.expect(Tok::LBracket)?;
        let mut out = Vec::new();
        loop {
            match self.peek().clone() {
                Tok::Range(r) => {
                    out.push((r, self.span()));
                    self.pos += 1;
                }
                _ => return Err(self.unexpected()),
            }
            match self.peek() {
                Tok::Comma => self.pos += 1,
                Tok::RBracket => {
                    self.pos += 1;
                    return Ok(out);
                }
                _ => return Err(self.unexpected()),
            }
        }
    }

    fn primary(&mut self) -> Result<Term, FilterError> {
        let span = self.span();
        match self.peek().clone() {
            Tok::Word(w) => {
                self.pos += 1;
                if *self.peek() == Tok::LParen && !w.starts_with('.') {
                    return self.call(w, span);
                }
                Ok(Term::Word(w, span))
            }
            Tok::Str(b) => {
                self.pos += 1;
                Ok(Term::Str(b, span))
            }
            Tok::Char(c) => {
                self.pos += 1;
                Ok(Term::Char(c, span))
            }
            Tok::Dollar => {
                self.pos += 1;
                self.expect(Tok::LBrace)?;
                let name_span = self.span();
                let Tok::Word(name) = self.peek().clone() else {
                    return Err(self.unexpected());
                };
                self.pos += 1;
                let end = self.expect(Tok::RBrace)?;
                let _ = name_span;
                Ok(Term::Reference(name, span.to(end)))
            }
            Tok::LBrace => {
                self.pos += 1;
                self.enter()?;
                let t = self.arith()?;
                self.leave();
                self.expect(Tok::RBrace)?;
                Ok(t)
            }
            _ => Err(self.unexpected()),
        }
    }

    fn call(&mut self, name: String, name_span: Span) -> Result<Term, FilterError> {
        self.expect(Tok::LParen)?;
        self.enter()?;
        let mut args = Vec::new();
        if *self.peek() != Tok::RParen {
            loop {
                args.push(self.arith()?);
                if *self.peek() == Tok::Comma {
                    self.pos += 1;
                } else {
                    break;
                }
            }
        }
        self.leave();
        let end = self.expect(Tok::RParen)?;
        Ok(Term::Function {
            name,
            name_span,
            args,
            span: name_span.to(end),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::lexer::tokenize;
    use super::*;

    fn p(text: &str) -> Result<Test, FilterError> {
        parse(text, tokenize(text)?)
    }

    fn err(text: &str) -> (String, usize, usize) {
        let e = p(text).unwrap_err();
        (e.message, e.start, e.len)
    }

    #[test]
    fn test_and_binds_tighter_than_or() {
        match p("a or b and c").unwrap() {
            Test::Or(v) => {
                assert_eq!(v.len(), 2);
                assert!(matches!(v[1], Test::And(_)));
            }
            other => panic!("{other:?}"),
        }
        // `not` binds tighter than `and`.
        match p("not a and b").unwrap() {
            Test::And(v) => assert!(matches!(v[0], Test::Not(_))),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn test_arithmetic_precedence() {
        // `+` binds tighter than `&` (tshark: `frame.len + 1 & 3 == 3` is `(len+1)&3`).
        match p("a + 1 & 3 == 3").unwrap() {
            Test::Relation {
                lhs:
                    Term::Arith {
                        op: ArithOp::BitAnd,
                        ..
                    },
                ..
            } => {}
            other => panic!("{other:?}"),
        }
        match p("a + 2 * 3").unwrap() {
            Test::Value(Term::Arith {
                op: ArithOp::Add,
                rhs,
                ..
            }) => assert!(matches!(
                *rhs,
                Term::Arith {
                    op: ArithOp::Mul,
                    ..
                }
            )),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn test_syntax_errors_as_tshark() {
        assert_eq!(
            err("frame.number == 3 and"),
            ("Unexpected end of filter expression.".into(), 21, 0)
        );
        assert_eq!(
            err("tcp xor udp"),
            ("\"xor\" was unexpected in this context.".into(), 4, 3)
        );
        assert_eq!(
            err("frame.number==3)"),
            ("\")\" was unexpected in this context.".into(), 15, 1)
        );
        assert_eq!(
            err("frame.number in {1 2 3}"),
            ("\"2\" was unexpected in this context.".into(), 19, 1)
        );
        assert_eq!(
            err("frame.number in {}").0,
            "\"}\" was unexpected in this context."
        );
        assert_eq!(
            err("frame.number ^^ 1").0,
            "\"^\" was unexpected in this context."
        );
        assert_eq!(
            err("== 3"),
            ("\"==\" was unexpected in this context.".into(), 0, 2)
        );
        assert_eq!(
            err("(frame.len + 1) == 43").0,
            "\"==\" was unexpected in this context."
        );
        assert_eq!(
            err("frame.len == 42."),
            ("\".\" was unexpected in this context.".into(), 15, 1)
        );
        assert_eq!(err("((a)").0, "Unexpected end of filter expression.");
    }

    #[test]
    fn test_sets_slices_layers_functions() {
        assert!(matches!(
            p("a in {1, 3..5}").unwrap(),
            Test::In { ref set, negated: false, .. } if set.len() == 2 && set[1].high.is_some()
        ));
        assert!(matches!(
            p("a not in {1}").unwrap(),
            Test::In { negated: true, .. }
        ));
        assert!(matches!(
            p("ip.src#1[3] == 2").unwrap(),
            Test::Relation { lhs: Term::Slice { ref base, .. }, .. } if matches!(**base, Term::Layer { .. })
        ));
        assert!(matches!(
            p("len(eth.src) == 6").unwrap(),
            Test::Relation { lhs: Term::Function { ref args, .. }, .. } if args.len() == 1
        ));
        assert!(matches!(
            p("{a + 1} == 3").unwrap(),
            Test::Relation {
                lhs: Term::Arith { .. },
                ..
            }
        ));
        assert!(matches!(
            p("a == ${b}").unwrap(),
            Test::Relation {
                rhs: Term::Reference(..),
                ..
            }
        ));
    }

    #[test]
    fn test_nesting_is_bounded() {
        let deep = format!("{}a{}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(err(&deep).0.contains("nested too deeply"));
        let nots = format!("{}a", "!".repeat(10_000));
        assert!(err(&nots).0.contains("nested too deeply"));
        let sum = format!("a{}", " + 1".repeat(10_000));
        assert!(err(&sum).0.contains("nested too deeply"));
        let neg = format!("a == {}1", "-".repeat(10_000));
        assert!(err(&neg).0.contains("nested too deeply"));
        // Long flat chains are fine.
        let ors = vec!["a"; 10_000].join(" or ");
        assert!(p(&ors).is_ok());
    }
}
