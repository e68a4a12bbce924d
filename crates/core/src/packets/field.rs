//! Field definitions and values: Wireshark's `header_field_info` and `fvalue_t`, reduced to what
//! pcaplens needs.
//!
//! Every field a dissector can add is a `static` [`FieldDef`] in its protocol's table
//! (`packets/proto/<proto>.rs`, e.g. `tcp::SRCPORT`); a field is identified by the address of
//! its definition, so the registry needs no numbering and a table is the single place a name,
//! its type, its label and its value strings live.

use std::fmt::{self, Write as _};
use std::net::{Ipv4Addr, Ipv6Addr};

/// A field's type (Wireshark's `ftenum`). The integer widths matter: filter literals are checked
/// against them ("Unsigned integer (2 bytes) cannot be converted from ...").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// A protocol (`tcp`): present or not; its value is its bytes.
    Protocol,
    /// A label without value (a subtree heading).
    None,
    Bool,
    U8,
    U16,
    U24,
    U32,
    U64,
    I32,
    I64,
    /// `double`.
    Float,
    /// Absolute time (epoch seconds and nanoseconds).
    AbsTime,
    /// Relative time (seconds, nanosecond precision).
    RelTime,
    /// A character string.
    Str,
    /// A byte string.
    Bytes,
    Ipv4,
    Ipv6,
    /// A MAC address.
    Ether,
    /// A frame number (a link to another frame).
    FrameNum,
}

impl FieldType {
    /// Wireshark's description of the type, as its error messages word it.
    pub fn wireshark_name(self) -> &'static str {
        match self {
            FieldType::Protocol => "Protocol",
            FieldType::None => "Label",
            FieldType::Bool => "Boolean",
            FieldType::U8 => "Unsigned integer (1 byte)",
            FieldType::U16 => "Unsigned integer (2 bytes)",
            FieldType::U24 => "Unsigned integer (3 bytes)",
            FieldType::U32 => "Unsigned integer (4 bytes)",
            FieldType::U64 => "Unsigned integer (8 bytes)",
            FieldType::I32 => "Signed integer (4 bytes)",
            FieldType::I64 => "Signed integer (8 bytes)",
            FieldType::Float => "Floating point (double-precision)",
            FieldType::AbsTime => "Date and time",
            FieldType::RelTime => "Time offset",
            FieldType::Str => "Character string",
            FieldType::Bytes => "Byte sequence",
            FieldType::Ipv4 => "IPv4 address",
            FieldType::Ipv6 => "IPv6 address",
            FieldType::Ether => "Ethernet or other MAC address",
            FieldType::FrameNum => "Frame number",
        }
    }

    /// Unsigned integers (and frame numbers, which compare as integers).
    pub fn is_unsigned(self) -> bool {
        matches!(
            self,
            FieldType::U8
                | FieldType::U16
                | FieldType::U24
                | FieldType::U32
                | FieldType::U64
                | FieldType::FrameNum
        )
    }

    /// The largest value an unsigned field of this type holds.
    pub fn max_unsigned(self) -> u64 {
        match self {
            FieldType::U8 => 0xff,
            FieldType::U16 => 0xffff,
            FieldType::U24 => 0xff_ffff,
            FieldType::U32 | FieldType::FrameNum => 0xffff_ffff,
            _ => u64::MAX,
        }
    }
}

/// How an integer is shown (Wireshark's `field_display_e`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Base {
    None,
    Dec,
    Hex,
    /// Decimal, then hex in parentheses.
    DecHex,
    /// Hex, then decimal in parentheses.
    HexDec,
}

/// Value strings: names for the numbers of a field (`eth.type` 0x0800 → "IPv4"). Filters may use
/// a name in place of its number.
pub type ValueStrings = &'static [(u64, &'static str)];

/// One field: Wireshark's `hf_register_info` entry.
#[derive(Debug)]
pub struct FieldDef {
    /// The filter name (`tcp.srcport`); a protocol's is its short name (`tcp`).
    pub name: &'static str,
    /// What the tree shows before the value ("Source Port").
    pub label: &'static str,
    pub ftype: FieldType,
    pub base: Base,
    pub strings: Option<ValueStrings>,
    /// For a bit inside a larger word: the mask (shifted value = (word & mask) >> shift).
    pub bitmask: u64,
}

impl FieldDef {
    /// A field with no value strings and no bitmask.
    pub const fn new(
        name: &'static str,
        label: &'static str,
        ftype: FieldType,
        base: Base,
    ) -> FieldDef {
        FieldDef {
            name,
            label,
            ftype,
            base,
            strings: None,
            bitmask: 0,
        }
    }

    /// A protocol: `tcp`, "Transmission Control Protocol".
    pub const fn protocol(name: &'static str, label: &'static str) -> FieldDef {
        FieldDef::new(name, label, FieldType::Protocol, Base::None)
    }

    pub const fn with_strings(mut self, strings: ValueStrings) -> FieldDef {
        self.strings = Some(strings);
        self
    }

    pub const fn with_mask(mut self, mask: u64) -> FieldDef {
        self.bitmask = mask;
        self
    }

    /// The protocol part of the name (`tcp` for `tcp.analysis.flags`).
    pub fn protocol_name(&self) -> &'static str {
        match self.name.find('.') {
            Some(i) => &self.name[..i],
            None => self.name,
        }
    }

    /// The name for a number, if the field has value strings.
    pub fn value_name(&self, v: u64) -> Option<&'static str> {
        self.strings
            .and_then(|s| s.iter().find(|(n, _)| *n == v).map(|(_, name)| *name))
    }

    /// The number for a name (case-insensitive, as Wireshark accepts `eth.type == ipv4`).
    pub fn value_of_name(&self, name: &str) -> Option<u64> {
        self.strings.and_then(|s| {
            s.iter()
                .find(|(_, n)| n.eq_ignore_ascii_case(name))
                .map(|(v, _)| *v)
        })
    }

    /// Identity: fields are compared by the address of their definition.
    #[inline]
    pub fn is(&self, other: &FieldDef) -> bool {
        std::ptr::eq(self, other)
    }
}

/// A field's value in one frame (Wireshark's `fvalue_t`).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Protocols and labels: no value of their own.
    None,
    Bool(bool),
    /// Every unsigned integer type, and frame numbers.
    UInt(u64),
    Int(i64),
    Float(f64),
    /// Epoch time.
    AbsTime {
        secs: i64,
        nanos: u32,
    },
    /// Relative time in nanoseconds.
    RelTime(i64),
    Str(Box<str>),
    Bytes(Box<[u8]>),
    Ipv4(Ipv4Addr),
    Ipv6(Ipv6Addr),
    Ether([u8; 6]),
}

impl Value {
    pub fn str(s: impl Into<Box<str>>) -> Value {
        Value::Str(s.into())
    }

    pub fn bytes(b: &[u8]) -> Value {
        Value::Bytes(b.into())
    }

    /// The value as an unsigned integer (booleans as 0/1).
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Value::UInt(v) => Some(*v),
            Value::Bool(b) => Some(u64::from(*b)),
            Value::Int(v) => u64::try_from(*v).ok(),
            _ => None,
        }
    }

    /// The bytes Wireshark slices for `field[i:j]`: addresses and strings as their bytes.
    /// Integers, times and protocols have none here (a protocol's bytes are its frame range).
    pub fn slice_bytes(&self) -> Option<std::borrow::Cow<'_, [u8]>> {
        use std::borrow::Cow;
        match self {
            Value::Bytes(b) => Some(Cow::Borrowed(b)),
            Value::Str(s) => Some(Cow::Borrowed(s.as_bytes())),
            Value::Ether(m) => Some(Cow::Borrowed(&m[..])),
            Value::Ipv4(a) => Some(Cow::Owned(a.octets().to_vec())),
            Value::Ipv6(a) => Some(Cow::Owned(a.octets().to_vec())),
            _ => None,
        }
    }
}

/// Writes `secs` of relative time as tshark does (9 decimals, sign kept).
pub fn write_rel_time(out: &mut impl fmt::Write, nanos: i64) -> fmt::Result {
    let sign = if nanos < 0 { "-" } else { "" };
    let n = nanos.unsigned_abs();
    write!(out, "{sign}{}.{:09}", n / 1_000_000_000, n % 1_000_000_000)
}

/// Writes a MAC address as `aa:bb:cc:dd:ee:ff`.
pub fn write_mac(out: &mut impl fmt::Write, m: &[u8; 6]) -> fmt::Result {
    write!(
        out,
        "{:02x}:{:02x}:{:02x}:{:02x}:{:02x}:{:02x}",
        m[0], m[1], m[2], m[3], m[4], m[5]
    )
}

/// Writes bytes as tshark's `-T fields` shows a byte string: lowercase hex, no separator.
pub fn write_hex(out: &mut impl fmt::Write, b: &[u8]) -> fmt::Result {
    for x in b {
        write!(out, "{x:02x}")?;
    }
    Ok(())
}

impl FieldDef {
    /// The value as `tshark -T fields -e NAME` prints it (hex fields as `0x…` padded to the
    /// type's width, booleans as `1`/`0`, times with 9 decimals).
    pub fn write_field_value(&self, out: &mut String, v: &Value) {
        let _ = self.write_field_value_fmt(out, v);
    }

    fn write_field_value_fmt(&self, out: &mut String, v: &Value) -> fmt::Result {
        match v {
            // tshark prints a present label field (`tcp.analysis.flags`) as 1.
            Value::None if self.ftype == FieldType::None => out.write_str("1"),
            Value::None => Ok(()),
            Value::Bool(b) => out.write_str(if *b { "1" } else { "0" }),
            Value::UInt(n) => match self.base {
                Base::Hex | Base::HexDec => {
                    let width = match self.ftype {
                        FieldType::U8 => 2,
                        FieldType::U16 => 4,
                        FieldType::U24 => 6,
                        FieldType::U32 => 8,
                        _ => 16,
                    };
                    write!(out, "0x{n:0width$x}")
                }
                _ => write!(out, "{n}"),
            },
            Value::Int(n) => write!(out, "{n}"),
            Value::Float(f) => write!(out, "{f}"),
            Value::AbsTime { secs, nanos } => write!(out, "{secs}.{nanos:09}"),
            Value::RelTime(n) => write_rel_time(out, *n),
            Value::Str(s) => out.write_str(s),
            Value::Bytes(b) => write_hex(out, b),
            Value::Ipv4(a) => write!(out, "{a}"),
            Value::Ipv6(a) => write!(out, "{a}"),
            Value::Ether(m) => write_mac(out, m),
        }
    }

    /// The value as the tree shows it after the label: value strings, hex and decimal per
    /// `base` ("IPv4 (0x0800)", "443", "Set").
    pub fn display_value(&self, v: &Value) -> String {
        let mut s = String::new();
        match v {
            Value::Bool(b) => {
                s.push_str(if *b { "Set" } else { "Not set" });
            }
            Value::UInt(n) => {
                let named = self.value_name(*n);
                let width = match self.ftype {
                    FieldType::U8 => 2,
                    FieldType::U16 => 4,
                    FieldType::U24 => 6,
                    FieldType::U32 => 8,
                    _ => 1,
                };
                let num = match self.base {
                    Base::Hex => format!("0x{n:0width$x}"),
                    Base::DecHex => format!("{n} (0x{n:0width$x})"),
                    Base::HexDec => format!("0x{n:0width$x} ({n})"),
                    _ => n.to_string(),
                };
                match named {
                    Some(name) => {
                        let _ = write!(s, "{name} ({num})");
                    }
                    None => s.push_str(&num),
                }
            }
            Value::Str(t) => {
                s.push_str(t);
            }
            Value::RelTime(n) => {
                let _ = write_rel_time(&mut s, *n);
                s.push_str(" seconds");
            }
            Value::Bytes(b) => {
                for (i, x) in b.iter().enumerate() {
                    if i > 0 {
                        s.push(':');
                    }
                    let _ = write!(s, "{x:02x}");
                }
            }
            other => self.write_field_value(&mut s, other),
        }
        s
    }
}
