//! `igmp`: membership queries and reports (v1-v3), as far as the packet list needs them.

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use super::super::field::{Base, FieldDef, FieldType as T, Value};
use super::super::tree::Dissection;

pub static IGMP: FieldDef = FieldDef::protocol("igmp", "Internet Group Management Protocol");
pub static VERSION: FieldDef = FieldDef::new("igmp.version", "IGMP Version", T::U8, Base::Dec);
pub static TYPE: FieldDef =
    FieldDef::new("igmp.type", "Type", T::U8, Base::Hex).with_strings(TYPES);
pub static MADDR: FieldDef = FieldDef::new("igmp.maddr", "Multicast Address", T::Ipv4, Base::None);
pub static NUM_GRP_RECS: FieldDef =
    FieldDef::new("igmp.num_grp_recs", "Num Group Records", T::U16, Base::Dec);
pub static RECORD_TYPE: FieldDef =
    FieldDef::new("igmp.record_type", "Record Type", T::U8, Base::Dec);

pub static FIELDS: &[&FieldDef] = &[&IGMP, &VERSION, &TYPE, &MADDR, &NUM_GRP_RECS, &RECORD_TYPE];

static TYPES: &[(u64, &str)] = &[
    (0x11, "Membership Query"),
    (0x12, "Membership Report"),
    (0x16, "Membership Report"),
    (0x17, "Leave Group"),
    (0x22, "Membership Report"),
];

/// IGMP message at `data[off..end]`.
pub fn dissect(data: &[u8], off: usize, end: usize, source: u8, d: &mut Dissection) {
    let end = end.min(data.len());
    let Some(h) = data.get(off..end) else {
        return;
    };
    let Some(&ty) = h.first() else {
        return;
    };
    let version = match (ty, h.len()) {
        (0x22, _) => 3,
        (0x11, n) if n >= 12 => 3,
        (0x12, _) => 1,
        _ => 2,
    };
    d.open_protocol(&IGMP, source, off, h.len());
    d.generated(&VERSION, Value::UInt(version));
    d.field_in(source, &TYPE, Value::UInt(u64::from(ty)), off, 1);
    let mut info = String::new();
    match ty {
        0x22 => {
            let n = h.get(6..8).map_or(0, |b| u16::from_be_bytes([b[0], b[1]]));
            d.field_in(source, &NUM_GRP_RECS, Value::UInt(u64::from(n)), off + 6, 2);
            info.push_str("Membership Report");
            let mut at = 8usize;
            for _ in 0..n.min(64) {
                let Some(r) = h.get(at..at + 8) else {
                    break;
                };
                let rtype = r[0];
                let aux = usize::from(r[1]) * 4;
                let nsrc = usize::from(u16::from_be_bytes([r[2], r[3]]));
                let group = Ipv4Addr::new(r[4], r[5], r[6], r[7]);
                d.field_in(
                    source,
                    &RECORD_TYPE,
                    Value::UInt(u64::from(rtype)),
                    off + at,
                    1,
                );
                d.field_in(source, &MADDR, Value::Ipv4(group), off + at + 4, 4);
                let verb = match rtype {
                    2 | 4 if nsrc == 0 => format!(" / Join group {group} for any sources"),
                    3 | 1 if nsrc == 0 => format!(" / Leave group {group}"),
                    _ => format!(" / Group {group}"),
                };
                info.push_str(&verb);
                at += 8 + nsrc * 4 + aux;
            }
        }
        _ => {
            let group = h.get(4..8).map(|g| Ipv4Addr::new(g[0], g[1], g[2], g[3]));
            if let Some(g) = group {
                d.field_in(source, &MADDR, Value::Ipv4(g), off + 4, 4);
            }
            let name = TYPE.value_name(u64::from(ty)).unwrap_or("Unknown Type");
            let _ = write!(info, "{name}");
            if let Some(g) = group {
                if ty == 0x11 && g.is_unspecified() {
                    info.push_str(", general");
                } else {
                    let _ = write!(info, " {g}");
                }
            }
        }
    }
    if d.columns {
        d.protocol = match version {
            3 => "IGMPv3",
            1 => "IGMPv1",
            _ => "IGMPv2",
        };
        d.info = info;
    }
}
