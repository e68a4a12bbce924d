//! `udp` (with Wireshark's `udp.stream` conversation index) and `data`, the payload no
//! dissector claimed.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::net::IpAddr;

use super::super::field::{Base, FieldDef, FieldType as T, Value};
use super::super::tree::Dissection;

pub static UDP: FieldDef = FieldDef::protocol("udp", "User Datagram Protocol");
pub static SRCPORT: FieldDef = FieldDef::new("udp.srcport", "Source Port", T::U16, Base::Dec);
pub static DSTPORT: FieldDef = FieldDef::new("udp.dstport", "Destination Port", T::U16, Base::Dec);
pub static PORT: FieldDef =
    FieldDef::new("udp.port", "Source or Destination Port", T::U16, Base::Dec);
pub static LENGTH: FieldDef = FieldDef::new("udp.length", "Length", T::U16, Base::Dec);
pub static CHECKSUM: FieldDef = FieldDef::new("udp.checksum", "Checksum", T::U16, Base::Hex);
pub static CHECKSUM_STATUS: FieldDef =
    FieldDef::new("udp.checksum.status", "Checksum Status", T::U8, Base::None).with_strings(&[
        (0, "Bad"),
        (1, "Good"),
        (2, "Unverified"),
    ]);
pub static STREAM: FieldDef = FieldDef::new("udp.stream", "Stream index", T::U32, Base::Dec);
pub static PAYLOAD: FieldDef = FieldDef::new("udp.payload", "Payload", T::Bytes, Base::None);

pub static DATA: FieldDef = FieldDef::protocol("data", "Data");
pub static DATA_DATA: FieldDef = FieldDef::new("data.data", "Data", T::Bytes, Base::None);
pub static DATA_LEN: FieldDef = FieldDef::new("data.len", "Length", T::U32, Base::Dec);

pub static FIELDS: &[&FieldDef] = &[
    &UDP,
    &SRCPORT,
    &DSTPORT,
    &PORT,
    &LENGTH,
    &CHECKSUM,
    &CHECKSUM_STATUS,
    &STREAM,
    &PAYLOAD,
];

pub static FIELDS_DATA: &[&FieldDef] = &[&DATA, &DATA_DATA, &DATA_LEN];

/// The most UDP conversations numbered; later ones get no `udp.stream` (memory stays bounded).
pub const MAX_UDP_STREAMS: usize = 1_000_000;

/// `udp.stream` numbering: conversations (address and port pairs, either direction) in the
/// order first seen.
#[derive(Debug, Default)]
pub struct UdpState {
    streams: HashMap<(IpAddr, u16, IpAddr, u16), u64>,
}

impl UdpState {
    fn stream(&mut self, src: IpAddr, sport: u16, dst: IpAddr, dport: u16) -> Option<u64> {
        let key = if (src, sport) <= (dst, dport) {
            (src, sport, dst, dport)
        } else {
            (dst, dport, src, sport)
        };
        let next = self.streams.len() as u64;
        if let Some(s) = self.streams.get(&key) {
            return Some(*s);
        }
        if self.streams.len() >= MAX_UDP_STREAMS {
            return None;
        }
        self.streams.insert(key, next);
        Some(next)
    }
}

/// What the UDP dissector hands on.
#[derive(Debug, Clone, Copy)]
pub struct UdpNext {
    pub src_port: u16,
    pub dst_port: u16,
    /// Payload range (clipped to the captured bytes and the UDP length).
    pub payload: usize,
    pub end: usize,
}

/// Dissects a UDP header at `off`; the IP payload ends at `end`. `addrs` numbers the stream
/// (absent for the copy inside an ICMP error).
pub fn dissect(
    data: &[u8],
    off: usize,
    end: usize,
    source: u8,
    addrs: Option<(IpAddr, IpAddr)>,
    state: &mut UdpState,
    d: &mut Dissection,
) -> Option<UdpNext> {
    let h = data.get(off..off + 8)?;
    let sport = u16::from_be_bytes([h[0], h[1]]);
    let dport = u16::from_be_bytes([h[2], h[3]]);
    let len = u16::from_be_bytes([h[4], h[5]]);
    let csum = u16::from_be_bytes([h[6], h[7]]);
    d.open_protocol(&UDP, source, off, 8);
    d.set_text(|| format!("User Datagram Protocol, Src Port: {sport}, Dst Port: {dport}"));
    d.field_in(source, &SRCPORT, Value::UInt(u64::from(sport)), off, 2);
    d.field_in(source, &DSTPORT, Value::UInt(u64::from(dport)), off + 2, 2);
    d.hidden_in(source, &PORT, Value::UInt(u64::from(sport)), off, 2);
    d.hidden_in(source, &PORT, Value::UInt(u64::from(dport)), off + 2, 2);
    d.field_in(source, &LENGTH, Value::UInt(u64::from(len)), off + 4, 2);
    d.field_in(source, &CHECKSUM, Value::UInt(u64::from(csum)), off + 6, 2);
    d.set_text(|| format!("Checksum: 0x{csum:04x} [unverified]"));
    d.generated(&CHECKSUM_STATUS, Value::UInt(2));
    if let Some((src, dst)) = addrs {
        if let Some(s) = state.stream(src, sport, dst, dport) {
            d.generated(&STREAM, Value::UInt(s));
        }
    }
    let payload = off + 8;
    let ulen = usize::from(len);
    let pend = if ulen >= 8 {
        (off + ulen).min(end).min(data.len())
    } else {
        end.min(data.len())
    };
    let pend = pend.max(payload.min(data.len()));
    if d.columns {
        d.protocol = "UDP";
        d.info.clear();
        let _ = write!(
            d.info,
            "{sport} → {dport} Len={}",
            usize::from(len).saturating_sub(8)
        );
    }
    if payload < pend && d.wants(&PAYLOAD) {
        d.field_in(
            source,
            &PAYLOAD,
            Value::bytes(&data[payload..pend]),
            payload,
            pend - payload,
        );
    }
    Some(UdpNext {
        src_port: sport,
        dst_port: dport,
        payload: payload.min(data.len()),
        end: pend,
    })
}

/// Payload nobody dissected: the `data` protocol.
pub fn dissect_data(data: &[u8], off: usize, end: usize, source: u8, d: &mut Dissection) {
    let Some(b) = data.get(off..end) else {
        return;
    };
    if b.is_empty() {
        return;
    }
    d.open_protocol_here(&DATA, source, off, b.len());
    d.set_text(|| format!("Data ({} bytes)", b.len()));
    if d.wants(&DATA_DATA) {
        d.field_in(source, &DATA_DATA, Value::bytes(b), off, b.len());
    }
    d.generated(&DATA_LEN, Value::UInt(b.len() as u64));
}
