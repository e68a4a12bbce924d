//! Link layers: Ethernet II (`eth`), 802.1Q/802.1ad (`vlan`), Linux cooked capture v1/v2
//! (`sll`), BSD loopback (`null`) and raw IP (`raw`). Each returns what follows it: an
//! EtherType and the offset of its payload.

use std::fmt::Write as _;

use super::super::field::{Base, FieldDef, FieldType as T, Value};
use super::super::tree::{ColumnAddr, Dissection};

pub static ETH: FieldDef = FieldDef::protocol("eth", "Ethernet II");
pub static DST: FieldDef = FieldDef::new("eth.dst", "Destination", T::Ether, Base::None);
pub static SRC: FieldDef = FieldDef::new("eth.src", "Source", T::Ether, Base::None);
pub static ADDR: FieldDef = FieldDef::new("eth.addr", "Address", T::Ether, Base::None);
pub static TYPE: FieldDef =
    FieldDef::new("eth.type", "Type", T::U16, Base::Hex).with_strings(ETHERTYPES);
pub static LEN: FieldDef = FieldDef::new("eth.len", "Length", T::U16, Base::Dec);
pub static PADDING: FieldDef = FieldDef::new("eth.padding", "Padding", T::Bytes, Base::None);
/// Wireshark's pseudo-protocol for the EtherType dispatch (it shows in `frame.protocols`).
pub static ETHERTYPE: FieldDef = FieldDef::protocol("ethertype", "Ethertype");

pub static VLAN: FieldDef = FieldDef::protocol("vlan", "802.1Q Virtual LAN");
pub static VLAN_PRIORITY: FieldDef =
    FieldDef::new("vlan.priority", "Priority", T::U16, Base::Dec).with_mask(0xe000);
pub static VLAN_DEI: FieldDef =
    FieldDef::new("vlan.dei", "DEI", T::U16, Base::Dec).with_mask(0x1000);
pub static VLAN_ID: FieldDef = FieldDef::new("vlan.id", "ID", T::U16, Base::Dec).with_mask(0x0fff);
pub static VLAN_ETYPE: FieldDef =
    FieldDef::new("vlan.etype", "Type", T::U16, Base::Hex).with_strings(ETHERTYPES);

pub static SLL: FieldDef = FieldDef::protocol("sll", "Linux cooked capture");
pub static SLL_PKTTYPE: FieldDef =
    FieldDef::new("sll.pkttype", "Packet type", T::U16, Base::Dec).with_strings(SLL_PKTTYPES);
pub static SLL_HATYPE: FieldDef =
    FieldDef::new("sll.hatype", "Link-layer address type", T::U16, Base::Dec);
pub static SLL_HALEN: FieldDef =
    FieldDef::new("sll.halen", "Link-layer address length", T::U16, Base::Dec);
pub static SLL_SRC_ETH: FieldDef = FieldDef::new("sll.src.eth", "Source", T::Ether, Base::None);
pub static SLL_SRC_OTHER: FieldDef = FieldDef::new("sll.src.other", "Source", T::Bytes, Base::None);
pub static SLL_UNUSED: FieldDef = FieldDef::new("sll.unused", "Unused", T::Bytes, Base::None);
pub static SLL_ETYPE: FieldDef =
    FieldDef::new("sll.etype", "Protocol", T::U16, Base::Hex).with_strings(ETHERTYPES);
pub static SLL_LTYPE: FieldDef = FieldDef::new("sll.ltype", "Protocol", T::U16, Base::Hex);
pub static SLL_RESERVED: FieldDef = FieldDef::new("sll.reserved", "Reserved", T::U16, Base::Hex);
pub static SLL_IFINDEX: FieldDef =
    FieldDef::new("sll.ifindex", "Interface index", T::U32, Base::Dec);

pub static NULL: FieldDef = FieldDef::protocol("null", "Null/Loopback");
pub static NULL_FAMILY: FieldDef =
    FieldDef::new("null.family", "Family", T::U32, Base::Dec).with_strings(BSD_FAMILIES);
pub static RAW: FieldDef = FieldDef::protocol("raw", "Raw packet data");

pub static FIELDS: &[&FieldDef] = &[
    &ETH,
    &DST,
    &SRC,
    &ADDR,
    &TYPE,
    &LEN,
    &PADDING,
    &ETHERTYPE,
    &VLAN,
    &VLAN_PRIORITY,
    &VLAN_DEI,
    &VLAN_ID,
    &VLAN_ETYPE,
    &SLL,
    &SLL_PKTTYPE,
    &SLL_HATYPE,
    &SLL_HALEN,
    &SLL_SRC_ETH,
    &SLL_SRC_OTHER,
    &SLL_UNUSED,
    &SLL_ETYPE,
    &SLL_LTYPE,
    &SLL_RESERVED,
    &SLL_IFINDEX,
    &NULL,
    &NULL_FAMILY,
    &RAW,
];

/// EtherType names (Wireshark's `etype_vals`, the ones seen in practice).
pub static ETHERTYPES: &[(u64, &str)] = &[
    (0x0800, "IPv4"),
    (0x0806, "ARP"),
    (0x0842, "Wake on LAN"),
    (0x8035, "RARP"),
    (0x8100, "802.1Q Virtual LAN"),
    (0x86dd, "IPv6"),
    (0x8808, "MAC Control"),
    (0x8809, "Slow Protocols"),
    (0x8847, "MPLS label switched packet"),
    (0x8848, "MPLS multicast label switched packet"),
    (0x8863, "PPPoE Discovery"),
    (0x8864, "PPPoE Session"),
    (0x888e, "802.1X Authentication"),
    (0x88a8, "802.1ad Provider Bridge (Q-in-Q)"),
    (0x88cc, "802.1 Link Layer Discovery Protocol (LLDP)"),
    (0x88e5, "802.1AE (MACsec)"),
    (0x88f7, "PTPv2 over Ethernet (IEEE1588)"),
    (0x9000, "Loopback"),
];

static SLL_PKTTYPES: &[(u64, &str)] = &[
    (0, "Unicast to us"),
    (1, "Broadcast"),
    (2, "Multicast"),
    (3, "Unicast to another host"),
    (4, "Sent by us"),
];

static BSD_FAMILIES: &[(u64, &str)] = &[(2, "IP"), (24, "IPv6"), (28, "IPv6"), (30, "IPv6")];

/// What a link layer hands on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Payload identified by an EtherType, at this offset.
    EtherType(u16, usize),
    /// A bare IP packet (version from its first nibble) at this offset.
    Ip(usize),
    /// Nothing more to dissect (unknown or cut short): the link layer set the columns.
    End,
}

fn mac(b: &[u8]) -> Option<[u8; 6]> {
    b.get(..6).and_then(|s| <[u8; 6]>::try_from(s).ok())
}

fn be16(b: &[u8], at: usize) -> Option<u16> {
    b.get(at..at + 2).map(|s| u16::from_be_bytes([s[0], s[1]]))
}

fn mac_text(m: &[u8; 6]) -> String {
    let mut s = String::with_capacity(17);
    let _ = super::super::field::write_mac(&mut s, m);
    s
}

/// Ethernet II (or 802.3 with a length field).
pub fn dissect_eth(data: &[u8], d: &mut Dissection) -> Next {
    let (Some(dst), Some(src), Some(ty)) = (mac(data), data.get(6..).and_then(mac), be16(data, 12))
    else {
        // A header cut by the snaplen: Wireshark adds no `eth` item, only the columns.
        d.protocol = "Ethernet";
        if d.columns {
            d.info.clear();
            d.info.push_str("[Packet size limited during capture]");
        }
        return Next::End;
    };
    d.open_protocol(&ETH, 0, 0, 14);
    d.set_text(|| {
        format!(
            "Ethernet II, Src: {}, Dst: {}",
            mac_text(&src),
            mac_text(&dst)
        )
    });
    d.src = ColumnAddr::Mac(src);
    d.dst = ColumnAddr::Mac(dst);
    d.field(&DST, Value::Ether(dst), 0, 6);
    d.hidden(&ADDR, Value::Ether(dst), 0, 6);
    d.field(&SRC, Value::Ether(src), 6, 6);
    d.hidden(&ADDR, Value::Ether(src), 6, 6);
    if ty < 0x0600 {
        d.field(&LEN, Value::UInt(u64::from(ty)), 12, 2);
        d.protocol = "Ethernet";
        return Next::End;
    }
    d.field(&TYPE, Value::UInt(u64::from(ty)), 12, 2);
    Next::EtherType(ty, 14)
}

/// One 802.1Q / 802.1ad tag at `off` (4 bytes).
pub fn dissect_vlan(data: &[u8], off: usize, d: &mut Dissection) -> Next {
    let (Some(tci), Some(ty)) = (be16(data, off), be16(data, off + 2)) else {
        return Next::End;
    };
    d.open_protocol(&VLAN, 0, off, 4);
    let (pri, dei, id) = (tci >> 13, (tci >> 12) & 1, tci & 0x0fff);
    d.set_text(|| format!("802.1Q Virtual LAN, PRI: {pri}, DEI: {dei}, ID: {id}"));
    d.field(&VLAN_PRIORITY, Value::UInt(u64::from(pri)), off, 2);
    d.field(&VLAN_DEI, Value::UInt(u64::from(dei)), off, 2);
    d.field(&VLAN_ID, Value::UInt(u64::from(id)), off, 2);
    d.field(&VLAN_ETYPE, Value::UInt(u64::from(ty)), off + 2, 2);
    Next::EtherType(ty, off + 4)
}

fn sll_columns(d: &mut Dissection, pkttype: u16) {
    d.protocol = "SLL";
    if d.columns {
        d.info.clear();
        d.info.push_str(
            SLL_PKTTYPE
                .value_name(u64::from(pkttype))
                .unwrap_or("Unknown"),
        );
    }
}

/// Linux cooked capture v1 (16 bytes).
pub fn dissect_sll(data: &[u8], d: &mut Dissection) -> Next {
    let Some(hdr) = data.get(..16) else {
        d.open_protocol(&SLL, 0, 0, data.len());
        d.protocol = "SLL";
        return Next::End;
    };
    let pkttype = be16(hdr, 0).unwrap_or(0);
    let hatype = be16(hdr, 2).unwrap_or(0);
    let halen = be16(hdr, 4).unwrap_or(0);
    let proto = be16(hdr, 14).unwrap_or(0);
    d.open_protocol(&SLL, 0, 0, 16);
    d.set_text(|| "Linux cooked capture v1".to_string());
    d.field(&SLL_PKTTYPE, Value::UInt(u64::from(pkttype)), 0, 2);
    d.field(&SLL_HATYPE, Value::UInt(u64::from(hatype)), 2, 2);
    d.field(&SLL_HALEN, Value::UInt(u64::from(halen)), 4, 2);
    sll_address(hdr, 6, halen, d);
    sll_columns(d, pkttype);
    sll_protocol(proto, hatype, 14, 16, d)
}

fn sll_address(hdr: &[u8], at: usize, halen: u16, d: &mut Dissection) {
    let halen = usize::from(halen).min(8);
    if halen == 6 {
        if let Some(m) = hdr.get(at..).and_then(mac) {
            d.src = ColumnAddr::Mac(m);
            d.field(&SLL_SRC_ETH, Value::Ether(m), at, 6);
            if d.is_tree() && hdr.len() >= at + 8 {
                d.field(&SLL_UNUSED, Value::bytes(&hdr[at + 6..at + 8]), at + 6, 2);
            }
        }
    } else if let Some(b) = hdr.get(at..at + halen) {
        d.field(&SLL_SRC_OTHER, Value::bytes(b), at, halen);
    }
}

/// SLL's protocol field: an EtherType, or a Linux `ETH_P_*` value for non-Ethernet payloads.
fn sll_protocol(proto: u16, hatype: u16, at: usize, payload: usize, d: &mut Dissection) -> Next {
    // ARPHRD_NETLINK (824) and protocols below 0x600 are Linux-specific numbers.
    if hatype == 824 || proto < 0x0600 {
        d.field(&SLL_LTYPE, Value::UInt(u64::from(proto)), at, 2);
        return Next::End;
    }
    d.field(&SLL_ETYPE, Value::UInt(u64::from(proto)), at, 2);
    Next::EtherType(proto, payload)
}

/// Linux cooked capture v2 (20 bytes).
pub fn dissect_sll2(data: &[u8], d: &mut Dissection) -> Next {
    let Some(hdr) = data.get(..20) else {
        d.open_protocol(&SLL, 0, 0, data.len());
        d.protocol = "SLL";
        return Next::End;
    };
    let proto = be16(hdr, 0).unwrap_or(0);
    let ifindex = hdr
        .get(4..8)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
        .unwrap_or(0);
    let hatype = be16(hdr, 8).unwrap_or(0);
    let pkttype = u16::from(hdr[10]);
    let halen = u16::from(hdr[11]);
    d.open_protocol(&SLL, 0, 0, 20);
    d.set_text(|| "Linux cooked capture v2".to_string());
    let next = sll_protocol(proto, hatype, 0, 20, d);
    d.field(
        &SLL_RESERVED,
        Value::UInt(u64::from(be16(hdr, 2).unwrap_or(0))),
        2,
        2,
    );
    d.field(&SLL_IFINDEX, Value::UInt(u64::from(ifindex)), 4, 4);
    d.field(&SLL_HATYPE, Value::UInt(u64::from(hatype)), 8, 2);
    d.field(&SLL_PKTTYPE, Value::UInt(u64::from(pkttype)), 10, 1);
    d.field(&SLL_HALEN, Value::UInt(u64::from(halen)), 11, 1);
    sll_address(hdr, 12, halen, d);
    sll_columns(d, pkttype);
    next
}

/// BSD loopback: a 4-byte address family in the writer's byte order.
pub fn dissect_null(data: &[u8], d: &mut Dissection) -> Next {
    let Some(h) = data.get(..4) else {
        d.open_protocol(&NULL, 0, 0, data.len());
        d.protocol = "NULL";
        return Next::End;
    };
    let le = u32::from_le_bytes([h[0], h[1], h[2], h[3]]);
    let be = u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
    // Wireshark takes whichever byte order gives a small number.
    let family = if le <= 0xffff { le } else { be };
    d.open_protocol(&NULL, 0, 0, 4);
    d.field(&NULL_FAMILY, Value::UInt(u64::from(family)), 0, 4);
    match family {
        2 | 24 | 28 | 30 => Next::Ip(4),
        _ => {
            d.protocol = "NULL";
            Next::End
        }
    }
}

/// Raw IP: nothing but a protocol item.
pub fn dissect_raw(data: &[u8], d: &mut Dissection) -> Next {
    d.open_protocol(&RAW, 0, 0, data.len());
    d.set_text(|| "Raw packet data".to_string());
    Next::Ip(0)
}

/// Formats an EtherType for an unknown-protocol Info column.
pub fn ethertype_text(ty: u16) -> String {
    let mut s = String::new();
    match TYPE.value_name(u64::from(ty)) {
        Some(n) => s.push_str(n),
        None => {
            let _ = write!(s, "Ethernet II (0x{ty:04x})");
        }
    }
    s
}
