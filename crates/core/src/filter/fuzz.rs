//! Entry point for the `filter_parse` fuzz target (`fuzz/fuzz_targets/filter_parse.rs`):
//! compiles arbitrary text against a small table with every field type and evaluates it on a
//! frame where several fields occur twice. Public so the fuzz crate can call it.

use std::net::{Ipv4Addr, Ipv6Addr};

use super::{compile, compile_with};
use crate::packets::field::{Base, FieldDef, FieldType as T, Value};
use crate::packets::tree::{DataSource, Dissection, Wants};

static P_ETH: FieldDef = FieldDef::protocol("eth", "Ethernet");
static P_IP: FieldDef = FieldDef::protocol("ip", "IPv4");
static F_MAC: FieldDef = FieldDef::new("eth.src", "Source", T::Ether, Base::None);
static F_TYPE: FieldDef =
    FieldDef::new("eth.type", "Type", T::U16, Base::Hex).with_strings(&[(0x0800, "IPv4")]);
static F_ADDR: FieldDef = FieldDef::new("ip.addr", "Address", T::Ipv4, Base::None);
static F_V6: FieldDef = FieldDef::new("ip.v6", "IPv6", T::Ipv6, Base::None);
static F_TTL: FieldDef = FieldDef::new("ip.ttl", "TTL", T::U8, Base::Dec);
static F_I: FieldDef = FieldDef::new("ip.i", "Signed", T::I64, Base::Dec);
static F_B: FieldDef = FieldDef::new("ip.b", "Flag", T::Bool, Base::None);
static F_F: FieldDef = FieldDef::new("ip.f", "Float", T::Float, Base::None);
static F_ABS: FieldDef = FieldDef::new("ip.t", "Time", T::AbsTime, Base::Dec);
static F_REL: FieldDef = FieldDef::new("ip.r", "Delta", T::RelTime, Base::None);
static F_S: FieldDef = FieldDef::new("ip.s", "Name", T::Str, Base::None);
static F_BYTES: FieldDef = FieldDef::new("ip.p", "Payload", T::Bytes, Base::None);
static F_NUM: FieldDef = FieldDef::new("ip.n", "Frame", T::FrameNum, Base::None);
static F_LABEL: FieldDef = FieldDef::new("ip.label", "Label", T::None, Base::None);

static TABLE: &[&FieldDef] = &[
    &P_ETH, &P_IP, &F_MAC, &F_TYPE, &F_ADDR, &F_V6, &F_TTL, &F_I, &F_B, &F_F, &F_ABS, &F_REL, &F_S,
    &F_BYTES, &F_NUM, &F_LABEL,
];

fn lookup(name: &str) -> Option<&'static FieldDef> {
    TABLE.iter().copied().find(|d| d.name == name)
}

fn dissection() -> Dissection {
    let mut d = Dissection::new(Wants::All, false);
    d.reset(1);
    d.sources.push(DataSource {
        name: "Frame".into(),
        bytes: (0u8..64).collect(),
    });
    d.open_protocol(&P_ETH, 0, 0, 14);
    d.field(&F_MAC, Value::Ether([2, 0, 0, 0, 0, 1]), 6, 6);
    d.field(&F_TYPE, Value::UInt(0x0800), 12, 2);
    for (at, ttl) in [(14usize, 64u64), (40, 63)] {
        d.open_protocol(&P_IP, 0, at, 20);
        d.field(&F_TTL, Value::UInt(ttl), at + 8, 1);
        d.field(&F_ADDR, Value::Ipv4(Ipv4Addr::new(10, 0, 0, 1)), at + 12, 4);
        d.field(&F_ADDR, Value::Ipv4(Ipv4Addr::new(10, 0, 0, 2)), at + 16, 4);
        d.field(&F_LABEL, Value::None, at, 1);
    }
    d.field(&F_V6, Value::Ipv6(Ipv6Addr::LOCALHOST), 0, 0);
    d.field(&F_I, Value::Int(-7), 0, 0);
    d.field(&F_B, Value::Bool(true), 0, 0);
    d.field(&F_F, Value::Float(0.5), 0, 0);
    d.field(
        &F_ABS,
        Value::AbsTime {
            secs: 1_700_000_000,
            nanos: 5,
        },
        0,
        0,
    );
    d.field(&F_REL, Value::RelTime(-1_500_000_000), 0, 0);
    d.field(&F_S, Value::str("Bumpy-Rice"), 0, 0);
    d.field(&F_BYTES, Value::bytes(&[0x16, 3, 1]), 54, 3);
    d.field(&F_NUM, Value::UInt(3), 0, 0);
    // An item pointing past its source: evaluation must cope.
    d.field(&F_BYTES, Value::bytes(&[]), 1000, 10);
    d
}

/// Compiles `data` (as text) with the fuzz table and with the real registry; evaluates what
/// compiles. Panics only on a broken invariant: an error span outside the text, or
/// `!(F)` not being the negation of `F`.
pub fn check_filter(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let d = dissection();
    match compile_with(&text, &lookup) {
        Ok(f) => {
            let m = f.matches(&d);
            let _ = (f.fields(), f.needs_bytes());
            if let Ok(not) = compile_with(&format!("!({text})"), &lookup) {
                assert_eq!(not.matches(&d), !m, "!({text})");
            }
        }
        Err(e) => {
            assert!(e.start + e.len <= text.len(), "{text:?}: {e:?}");
            assert!(text.is_char_boundary(e.start), "{text:?}: {e:?}");
        }
    }
    if let Ok(f) = compile(&text) {
        f.matches(&d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_fuzz_entry_on_samples() {
        for text in [
            "ip.ttl#2 < 64 && ip.addr == 10.0.0.0/31",
            "ip.label",
            "ip.label == 1",
            "ip.p[0:1000] == 16",
            "ip.p contains 03:01",
            "eth[0:2] == 00:01 and ip#2[0] == 28",
            "ip.i < -6 and abs(ip.i) == 7 and ip.r < -1.4",
            "ip.t > \"2023-11-14\" and ip.t == 1700000000.000000005",
            "ip.s matches \"rice$\" && lower(ip.s) == \"bumpy-rice\"",
            "ip.n == 3 and ip.v6 == ::1/128 and ip.f > 0.4 and ip.b == 1",
            "frame",
            "\u{0}",
        ] {
            check_filter(text.as_bytes());
        }
        let d = dissection();
        let f = compile_with("ip.ttl#2 == 63 && count(ip.addr) == 4", &lookup).unwrap();
        assert!(f.matches(&d));
        // The second payload is empty (its range lies past the source: not read).
        let f = compile_with("ip.p == \"\"", &lookup).unwrap();
        assert!(f.matches(&d));
        let f = compile_with("ip.p[0] == 16", &lookup).unwrap();
        assert!(f.matches(&d));
        let e = compile_with("ip.label == 1", &lookup).unwrap_err();
        assert_eq!(
            e.message,
            "ip.label (type=Label) cannot participate in \"==\" comparison."
        );
    }
}
