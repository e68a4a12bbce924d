//! `dhcp` (BOOTP/DHCPv4 on UDP 67/68): the fixed header, then the options, as Wireshark's
//! `packet-dhcp.c` shows them. Info: `DHCP Discover - Transaction ID 0xdd5e2502`.

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use super::super::field::{Base, FieldDef, FieldType as T, Value};
use super::super::tree::Dissection;
use super::app::{bit_text, Pdu, TEXT};

pub static DHCP: FieldDef = FieldDef::protocol("dhcp", "Dynamic Host Configuration Protocol");

/// `op` values.
pub static OP_NAMES: &[(u64, &str)] = &[(1, "Boot Request"), (2, "Boot Reply")];

/// Option 53 message types (`opt53_text`).
pub static MESSAGE_TYPES: &[(u64, &str)] = &[
    (1, "Discover"),
    (2, "Offer"),
    (3, "Request"),
    (4, "Decline"),
    (5, "ACK"),
    (6, "NAK"),
    (7, "Release"),
    (8, "Inform"),
    (9, "Force Renew"),
    (10, "Lease query"),
    (11, "Lease Unassigned"),
    (12, "Lease Unknown"),
    (13, "Lease Active"),
    (14, "Bulk Lease Query"),
    (15, "Lease Query Done"),
    (16, "Active LeaseQuery"),
    (17, "Lease Query Status"),
    (18, "TLS"),
];

/// Option names for the tree (the common ones; others show as "Unknown").
pub static OPTION_NAMES: &[(u64, &str)] = &[
    (0, "Padding"),
    (1, "Subnet Mask"),
    (2, "Time Offset"),
    (3, "Router"),
    (4, "Time Server"),
    (6, "Domain Name Server"),
    (12, "Host Name"),
    (15, "Domain Name"),
    (26, "Interface MTU"),
    (28, "Broadcast Address"),
    (42, "Network Time Protocol Servers"),
    (43, "Vendor-Specific Information"),
    (44, "NetBIOS over TCP/IP Name Server"),
    (46, "NetBIOS over TCP/IP Node Type"),
    (47, "NetBIOS over TCP/IP Scope"),
    (50, "Requested IP Address"),
    (51, "IP Address Lease Time"),
    (52, "Option Overload"),
    (53, "DHCP Message Type"),
    (54, "DHCP Server Identifier"),
    (55, "Parameter Request List"),
    (56, "Message"),
    (57, "Maximum DHCP Message Size"),
    (58, "Renewal Time Value"),
    (59, "Rebinding Time Value"),
    (60, "Vendor class identifier"),
    (61, "Client identifier"),
    (81, "Client Fully Qualified Domain Name"),
    (116, "DHCP Auto-Configuration"),
    (119, "Domain Search"),
    (121, "Classless Static Route"),
    (249, "Private/Classless Static Route (Microsoft)"),
    (252, "Private/Proxy autodiscovery"),
    (255, "End"),
];

pub static TYPE: FieldDef =
    FieldDef::new("dhcp.type", "Message type", T::U8, Base::Dec).with_strings(OP_NAMES);
pub static HW_TYPE: FieldDef = FieldDef::new("dhcp.hw.type", "Hardware type", T::U8, Base::Hex);
pub static HW_LEN: FieldDef =
    FieldDef::new("dhcp.hw.len", "Hardware address length", T::U8, Base::Dec);
pub static HOPS: FieldDef = FieldDef::new("dhcp.hops", "Hops", T::U8, Base::Dec);
pub static ID: FieldDef = FieldDef::new("dhcp.id", "Transaction ID", T::U32, Base::Hex);
pub static SECS: FieldDef = FieldDef::new("dhcp.secs", "Seconds elapsed", T::U16, Base::Dec);
pub static FLAGS: FieldDef = FieldDef::new("dhcp.flags", "Bootp flags", T::U16, Base::Hex);
pub static FLAGS_BC: FieldDef =
    FieldDef::new("dhcp.flags.bc", "Broadcast flag", T::Bool, Base::None).with_mask(0x8000);
pub static FLAGS_RESERVED: FieldDef =
    FieldDef::new("dhcp.flags.reserved", "Reserved flags", T::U16, Base::Hex).with_mask(0x7fff);
pub static IP_CLIENT: FieldDef =
    FieldDef::new("dhcp.ip.client", "Client IP address", T::Ipv4, Base::None);
pub static IP_YOUR: FieldDef = FieldDef::new(
    "dhcp.ip.your",
    "Your (client) IP address",
    T::Ipv4,
    Base::None,
);
pub static IP_SERVER: FieldDef = FieldDef::new(
    "dhcp.ip.server",
    "Next server IP address",
    T::Ipv4,
    Base::None,
);
pub static IP_RELAY: FieldDef = FieldDef::new(
    "dhcp.ip.relay",
    "Relay agent IP address",
    T::Ipv4,
    Base::None,
);
pub static HW_MAC_ADDR: FieldDef = FieldDef::new(
    "dhcp.hw.mac_addr",
    "Client MAC address",
    T::Ether,
    Base::None,
);
pub static HW_ADDR: FieldDef = FieldDef::new(
    "dhcp.hw.addr",
    "Client hardware address",
    T::Bytes,
    Base::None,
);
pub static HW_ADDR_PADDING: FieldDef = FieldDef::new(
    "dhcp.hw.addr_padding",
    "Client hardware address padding",
    T::Bytes,
    Base::None,
);
pub static SERVER: FieldDef = FieldDef::new("dhcp.server", "Server host name", T::Str, Base::None);
pub static FILE: FieldDef = FieldDef::new("dhcp.file", "Boot file name", T::Str, Base::None);
pub static COOKIE: FieldDef = FieldDef::new("dhcp.cookie", "Magic cookie", T::Ipv4, Base::None);
pub static OPTION_TYPE: FieldDef =
    FieldDef::new("dhcp.option.type", "Option", T::U8, Base::Dec).with_strings(OPTION_NAMES);
pub static OPTION_LENGTH: FieldDef =
    FieldDef::new("dhcp.option.length", "Length", T::U8, Base::Dec);
pub static OPTION_VALUE: FieldDef =
    FieldDef::new("dhcp.option.value", "Value", T::Bytes, Base::None);
pub static OPTION_DHCP: FieldDef =
    FieldDef::new("dhcp.option.dhcp", "DHCP", T::U8, Base::Dec).with_strings(MESSAGE_TYPES);
pub static OPTION_HOSTNAME: FieldDef =
    FieldDef::new("dhcp.option.hostname", "Host Name", T::Str, Base::None);
pub static OPTION_REQUESTED_IP: FieldDef = FieldDef::new(
    "dhcp.option.requested_ip_address",
    "Requested IP Address",
    T::Ipv4,
    Base::None,
);
pub static OPTION_SERVER_ID: FieldDef = FieldDef::new(
    "dhcp.option.dhcp_server_id",
    "DHCP Server Identifier",
    T::Ipv4,
    Base::None,
);
pub static OPTION_SUBNET_MASK: FieldDef = FieldDef::new(
    "dhcp.option.subnet_mask",
    "Subnet Mask",
    T::Ipv4,
    Base::None,
);
pub static OPTION_ROUTER: FieldDef =
    FieldDef::new("dhcp.option.router", "Router", T::Ipv4, Base::None);
pub static OPTION_DNS_SERVER: FieldDef = FieldDef::new(
    "dhcp.option.domain_name_server",
    "Domain Name Server",
    T::Ipv4,
    Base::None,
);
pub static OPTION_DOMAIN_NAME: FieldDef =
    FieldDef::new("dhcp.option.domain_name", "Domain Name", T::Str, Base::None);
pub static OPTION_LEASE_TIME: FieldDef = FieldDef::new(
    "dhcp.option.ip_address_lease_time",
    "IP Address Lease Time",
    T::U32,
    Base::Dec,
);
pub static OPTION_RENEWAL_TIME: FieldDef = FieldDef::new(
    "dhcp.option.renewal_time_value",
    "Renewal Time Value",
    T::U32,
    Base::Dec,
);
pub static OPTION_REBINDING_TIME: FieldDef = FieldDef::new(
    "dhcp.option.rebinding_time_value",
    "Rebinding Time Value",
    T::U32,
    Base::Dec,
);
pub static OPTION_REQUEST_LIST_ITEM: FieldDef = FieldDef::new(
    "dhcp.option.request_list_item",
    "Parameter Request List Item",
    T::U8,
    Base::Dec,
)
.with_strings(OPTION_NAMES);
pub static OPTION_VENDOR_CLASS_ID: FieldDef = FieldDef::new(
    "dhcp.option.vendor_class_id",
    "Vendor class identifier",
    T::Str,
    Base::None,
);
pub static OPTION_END: FieldDef = FieldDef::new("dhcp.option.end", "Option End", T::U8, Base::Dec);
pub static OPTION_PADDING: FieldDef =
    FieldDef::new("dhcp.option.padding", "Padding", T::Bytes, Base::None);

pub static FIELDS: &[&FieldDef] = &[
    &DHCP,
    &TYPE,
    &HW_TYPE,
    &HW_LEN,
    &HOPS,
    &ID,
    &SECS,
    &FLAGS,
    &FLAGS_BC,
    &FLAGS_RESERVED,
    &IP_CLIENT,
    &IP_YOUR,
    &IP_SERVER,
    &IP_RELAY,
    &HW_MAC_ADDR,
    &HW_ADDR,
    &HW_ADDR_PADDING,
    &SERVER,
    &FILE,
    &COOKIE,
    &OPTION_TYPE,
    &OPTION_LENGTH,
    &OPTION_VALUE,
    &OPTION_DHCP,
    &OPTION_HOSTNAME,
    &OPTION_REQUESTED_IP,
    &OPTION_SERVER_ID,
    &OPTION_SUBNET_MASK,
    &OPTION_ROUTER,
    &OPTION_DNS_SERVER,
    &OPTION_DOMAIN_NAME,
    &OPTION_LEASE_TIME,
    &OPTION_RENEWAL_TIME,
    &OPTION_REBINDING_TIME,
    &OPTION_REQUEST_LIST_ITEM,
    &OPTION_VENDOR_CLASS_ID,
    &OPTION_END,
    &OPTION_PADDING,
];

/// The fixed BOOTP header before the magic cookie.
const HEADER_LEN: usize = 236;
const MAGIC_COOKIE: [u8; 4] = [99, 130, 83, 99];

fn name_of(table: &[(u64, &'static str)], v: u64) -> Option<&'static str> {
    table.iter().find(|(n, _)| *n == v).map(|(_, s)| *s)
}

fn ipv4(b: &[u8]) -> Option<Ipv4Addr> {
    let o: [u8; 4] = b.get(..4)?.try_into().ok()?;
    Some(Ipv4Addr::from(o))
}

/// A NUL-terminated, fixed-size text field.
fn stringz(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(b.get(..end).unwrap_or_default()).into_owned()
}

/// Dissects a BOOTP/DHCP message; false when too short to be one.
pub(crate) fn dissect(d: &mut Dissection, pdu: Pdu<'_>) -> bool {
    let b = pdu.bytes;
    let src = pdu.source;
    let at = |i: usize| pdu.offset + i;
    let Some(head) = b.get(..HEADER_LEN) else {
        return false;
    };
    let op = head[0];
    let xid = u32::from_be_bytes([head[4], head[5], head[6], head[7]]);
    let flags = u16::from_be_bytes([head[10], head[11]]);
    let hlen = head[2];
    let has_cookie = b.get(HEADER_LEN..HEADER_LEN + 4) == Some(&MAGIC_COOKIE[..]);
    // The message type first: it names the layer and the Info column.
    let mut msg_type = None;
    if has_cookie {
        walk_options(b, |code, _, v| {
            if code == 53 && msg_type.is_none() {
                msg_type = v.first().copied();
            }
        });
    }
    d.open_protocol(&DHCP, src, pdu.offset, b.len());
    let type_name = msg_type.map(|t| name_of(MESSAGE_TYPES, u64::from(t)).unwrap_or("Unknown"));
    d.set_text(|| match type_name {
        Some(t) => format!("{} ({t})", DHCP.label),
        None => "Bootstrap Protocol".to_string(),
    });
    if d.columns {
        d.info.clear();
        match type_name {
            Some(t) => {
                d.protocol = "DHCP";
                let _ = write!(d.info, "DHCP {t:<8} - Transaction ID 0x{xid:x}");
            }
            None => {
                d.protocol = "BOOTP";
                let _ = write!(d.info, "Boot {}", if op == 2 { "Reply" } else { "Request" });
            }
        }
    }
    d.field_in(src, &TYPE, Value::UInt(u64::from(op)), at(0), 1);
    d.field_in(src, &HW_TYPE, Value::UInt(u64::from(head[1])), at(1), 1);
    d.field_in(src, &HW_LEN, Value::UInt(u64::from(hlen)), at(2), 1);
    d.field_in(src, &HOPS, Value::UInt(u64::from(head[3])), at(3), 1);
    d.field_in(src, &ID, Value::UInt(u64::from(xid)), at(4), 4);
    d.field_in(
        src,
        &SECS,
        Value::UInt(u64::from(u16::from_be_bytes([head[8], head[9]]))),
        at(8),
        2,
    );
    d.field_in(src, &FLAGS, Value::UInt(u64::from(flags)), at(10), 2);
    d.set_text(|| {
        format!(
            "Bootp flags: 0x{flags:04x} ({})",
            if flags & 0x8000 != 0 {
                "Broadcast"
            } else {
                "Unicast"
            }
        )
    });
    d.open();
    d.field_in(src, &FLAGS_BC, Value::Bool(flags & 0x8000 != 0), at(10), 2);
    d.set_text(|| {
        format!(
            "{} = Broadcast flag: {}",
            bit_text(u64::from(flags), 0x8000, 16),
            if flags & 0x8000 != 0 {
                "Broadcast"
            } else {
                "Unicast"
            }
        )
    });
    d.field_in(
        src,
        &FLAGS_RESERVED,
        Value::UInt(u64::from(flags & 0x7fff)),
        at(10),
        2,
    );
    d.set_text(|| {
        format!(
            "{} = Reserved flags: 0x{:04x}",
            bit_text(u64::from(flags), 0x7fff, 16),
            flags & 0x7fff
        )
    });
    d.close();
    for (i, def) in [&IP_CLIENT, &IP_YOUR, &IP_SERVER, &IP_RELAY]
        .into_iter()
        .enumerate()
    {
        let o = 12 + 4 * i;
        if let Some(a) = ipv4(&head[o..]) {
            d.field_in(src, def, Value::Ipv4(a), at(o), 4);
        }
    }
    if head[1] == 1 && hlen == 6 {
        let mut mac = [0u8; 6];
        mac.copy_from_slice(&head[28..34]);
        d.field_in(src, &HW_MAC_ADDR, Value::Ether(mac), at(28), 6);
        d.field_in(
            src,
            &HW_ADDR_PADDING,
            Value::bytes(&head[34..44]),
            at(34),
            10,
        );
    } else {
        let n = usize::from(hlen).min(16);
        d.field_in(src, &HW_ADDR, Value::bytes(&head[28..28 + n]), at(28), n);
    }
    let sname = stringz(&head[44..108]);
    if sname.is_empty() {
        text(d, src, at(44), 64, "Server host name not given");
    } else {
        d.field_in(src, &SERVER, Value::str(sname), at(44), 64);
    }
    let file = stringz(&head[108..236]);
    if file.is_empty() {
        text(d, src, at(108), 128, "Boot file name not given");
    } else {
        d.field_in(src, &FILE, Value::str(file), at(108), 128);
    }
    if !has_cookie {
        return true;
    }
    d.field_in(
        src,
        &COOKIE,
        Value::Ipv4(Ipv4Addr::new(99, 130, 83, 99)),
        at(236),
        4,
    );
    d.set_text(|| "Magic cookie: DHCP".to_string());
    let mut end_at = None;
    walk_options(b, |code, o, v| {
        let name = name_of(OPTION_NAMES, u64::from(code)).unwrap_or("Unknown");
        let len = v.len();
        if code == 255 {
            end_at = Some(o + 1);
        }
        let total = if code == 255 || code == 0 { 1 } else { 2 + len };
        d.field_in(
            src,
            &OPTION_TYPE,
            Value::UInt(u64::from(code)),
            at(o),
            total,
        );
        d.set_text(|| match (code, msg_type) {
            (53, Some(t)) => format!(
                "Option: ({code}) {name} ({})",
                name_of(MESSAGE_TYPES, u64::from(t)).unwrap_or("Unknown")
            ),
            _ => format!("Option: ({code}) {name}"),
        });
        d.open();
        if code == 255 {
            d.field_in(src, &OPTION_END, Value::UInt(255), at(o), 1);
            d.close();
            return;
        }
        d.field_in(src, &OPTION_LENGTH, Value::UInt(len as u64), at(o + 1), 1);
        let vo = o + 2;
        match code {
            53 if len == 1 => {
                d.field_in(src, &OPTION_DHCP, Value::UInt(u64::from(v[0])), at(vo), 1)
            }
            12 => d.field_in(
                src,
                &OPTION_HOSTNAME,
                Value::str(String::from_utf8_lossy(v)),
                at(vo),
                len,
            ),
            15 => d.field_in(
                src,
                &OPTION_DOMAIN_NAME,
                Value::str(stringz(v)),
                at(vo),
                len,
            ),
            60 => d.field_in(
                src,
                &OPTION_VENDOR_CLASS_ID,
                Value::str(String::from_utf8_lossy(v)),
                at(vo),
                len,
            ),
            50 | 54 | 1 if len == 4 => {
                let def = match code {
                    50 => &OPTION_REQUESTED_IP,
                    54 => &OPTION_SERVER_ID,
                    _ => &OPTION_SUBNET_MASK,
                };
                if let Some(a) = ipv4(v) {
                    d.field_in(src, def, Value::Ipv4(a), at(vo), 4);
                }
            }
            3 | 6 if len % 4 == 0 => {
                let def = if code == 3 {
                    &OPTION_ROUTER
                } else {
                    &OPTION_DNS_SERVER
                };
                for (i, c) in v.chunks_exact(4).enumerate() {
                    if let Some(a) = ipv4(c) {
                        d.field_in(src, def, Value::Ipv4(a), at(vo + 4 * i), 4);
                    }
                }
            }
            51 | 58 | 59 if len == 4 => {
                let def = match code {
                    51 => &OPTION_LEASE_TIME,
                    58 => &OPTION_RENEWAL_TIME,
                    _ => &OPTION_REBINDING_TIME,
                };
                let n = u32::from_be_bytes([v[0], v[1], v[2], v[3]]);
                d.field_in(src, def, Value::UInt(u64::from(n)), at(vo), 4);
            }
            55 => {
                for (i, &item) in v.iter().enumerate() {
                    d.field_in(
                        src,
                        &OPTION_REQUEST_LIST_ITEM,
                        Value::UInt(u64::from(item)),
                        at(vo + i),
                        1,
                    );
                    d.set_text(|| {
                        format!(
                            "Parameter Request List Item: ({item}) {}",
                            name_of(OPTION_NAMES, u64::from(item)).unwrap_or("Unknown")
                        )
                    });
                }
            }
            _ => d.field_in(src, &OPTION_VALUE, Value::bytes(v), at(vo), len),
        }
        d.close();
    });
    if let Some(e) = end_at {
        if let Some(pad) = b.get(e..).filter(|p| !p.is_empty()) {
            d.field_in(src, &OPTION_PADDING, Value::bytes(pad), at(e), pad.len());
        }
    }
    true
}

fn text(d: &mut Dissection, src: u8, start: usize, len: usize, t: &'static str) {
    if d.is_tree() {
        d.field_in(src, &TEXT, Value::None, start, len);
        d.set_text(|| t.to_string());
    }
}

/// Calls `f(code, offset, value)` for each option after the magic cookie (pad bytes skipped),
/// up to and including End.
fn walk_options(b: &[u8], mut f: impl FnMut(u8, usize, &[u8])) {
    let mut o = HEADER_LEN + 4;
    while let Some(&code) = b.get(o) {
        match code {
            0 => o += 1,
            255 => {
                f(255, o, &[]);
                return;
            }
            _ => {
                let Some(&len) = b.get(o + 1) else { return };
                let Some(v) = b.get(o + 2..o + 2 + usize::from(len)) else {
                    return;
                };
                f(code, o, v);
                o += 2 + usize::from(len);
            }
        }
    }
}
