//! `frame`: the capture record itself (number, lengths, times, interface, comments).

use super::super::engine::{FrameClock, FrameCtx};
use super::super::field::{Base, FieldDef, FieldType as T, Value};
use super::super::tree::Dissection;
use crate::capture::Frame;

pub static FRAME: FieldDef = FieldDef::protocol("frame", "Frame");
pub static NUMBER: FieldDef = FieldDef::new("frame.number", "Frame Number", T::U32, Base::Dec);
pub static LEN: FieldDef = FieldDef::new("frame.len", "Frame Length", T::U32, Base::Dec);
pub static CAP_LEN: FieldDef = FieldDef::new("frame.cap_len", "Capture Length", T::U32, Base::Dec);
pub static TIME: FieldDef = FieldDef::new("frame.time", "Arrival Time", T::AbsTime, Base::None);
pub static TIME_EPOCH: FieldDef =
    FieldDef::new("frame.time_epoch", "Epoch Time", T::AbsTime, Base::None);
pub static TIME_RELATIVE: FieldDef = FieldDef::new(
    "frame.time_relative",
    "Time since reference or first frame",
    T::RelTime,
    Base::None,
);
pub static TIME_DELTA: FieldDef = FieldDef::new(
    "frame.time_delta",
    "Time delta from previous captured frame",
    T::RelTime,
    Base::None,
);
pub static TIME_DELTA_DISPLAYED: FieldDef = FieldDef::new(
    "frame.time_delta_displayed",
    "Time delta from previous displayed frame",
    T::RelTime,
    Base::None,
);
pub static INTERFACE_ID: FieldDef =
    FieldDef::new("frame.interface_id", "Interface id", T::U32, Base::Dec);
pub static COMMENT: FieldDef = FieldDef::new("frame.comment", "Comment", T::Str, Base::None);
pub static PROTOCOLS: FieldDef =
    FieldDef::new("frame.protocols", "Protocols in frame", T::Str, Base::None);
pub static ENCAP_TYPE: FieldDef =
    FieldDef::new("frame.encap_type", "Encapsulation type", T::I32, Base::Dec);

pub static FIELDS: &[&FieldDef] = &[
    &FRAME,
    &NUMBER,
    &LEN,
    &CAP_LEN,
    &TIME,
    &TIME_EPOCH,
    &TIME_RELATIVE,
    &TIME_DELTA,
    &TIME_DELTA_DISPLAYED,
    &INTERFACE_ID,
    &COMMENT,
    &PROTOCOLS,
    &ENCAP_TYPE,
];

/// Adds the `frame` layer. `frame.protocols` is added by the engine once every layer is known.
pub(crate) fn dissect(
    frame: &Frame<'_>,
    ctx: &FrameCtx<'_>,
    clock: &mut FrameClock,
    d: &mut Dissection,
) {
    let cap = frame.data.len();
    d.open_protocol(&FRAME, 0, 0, cap);
    d.set_text(|| {
        format!(
            "Frame {}: {} bytes on wire ({} bits), {} bytes captured ({} bits) on interface {}",
            frame.number,
            frame.orig_len,
            u64::from(frame.orig_len) * 8,
            cap,
            cap as u64 * 8,
            frame.interface
        )
    });
    for c in frame.comments {
        d.field(&COMMENT, Value::str(c.as_str()), 0, 0);
    }
    if frame.pcapng {
        d.generated(&INTERFACE_ID, Value::UInt(u64::from(frame.interface)));
    }
    d.generated(
        &ENCAP_TYPE,
        Value::Int(i64::from(wtap_encap(frame.link_type.0))),
    );
    let t = Value::AbsTime {
        secs: frame.ts.secs,
        nanos: frame.ts.nanos,
    };
    d.generated(&TIME, t.clone());
    d.generated(&TIME_EPOCH, t);
    let now = ctx.ts_ns;
    let first = *clock.first_ns.get_or_insert(now);
    let prev = clock.prev_ns.unwrap_or(now);
    clock.prev_ns = Some(now);
    d.generated(&TIME_DELTA, Value::RelTime(now.saturating_sub(prev)));
    // Filled with the delta from the previous displayed frame by whoever displays.
    d.generated(&TIME_DELTA_DISPLAYED, Value::RelTime(0));
    d.generated(&TIME_RELATIVE, Value::RelTime(now.saturating_sub(first)));
    d.generated(&NUMBER, Value::UInt(frame.number));
    d.generated(&LEN, Value::UInt(u64::from(frame.orig_len)));
    d.generated(&CAP_LEN, Value::UInt(cap as u64));
}

/// Wireshark's `WTAP_ENCAP_*` number for a link type (the common ones).
fn wtap_encap(link_type: u32) -> i32 {
    match link_type {
        1 => 1,     // Ethernet
        0 => 15,    // NULL
        101 => 7,   // raw IP
        113 => 25,  // Linux SLL
        276 => 210, // Linux SLL2
        _ => -1,
    }
}

/// The packet list's columns as fields (Wireshark's `_ws.col.*`), filled when columns are
/// built.
pub static COL_NUMBER: FieldDef = FieldDef::new("_ws.col.No.", "No.", T::Str, Base::None);
pub static COL_TIME: FieldDef = FieldDef::new("_ws.col.Time", "Time", T::Str, Base::None);
pub static COL_SOURCE: FieldDef = FieldDef::new("_ws.col.Source", "Source", T::Str, Base::None);
pub static COL_DESTINATION: FieldDef =
    FieldDef::new("_ws.col.Destination", "Destination", T::Str, Base::None);
pub static COL_PROTOCOL: FieldDef =
    FieldDef::new("_ws.col.Protocol", "Protocol", T::Str, Base::None);
pub static COL_LENGTH: FieldDef = FieldDef::new("_ws.col.Length", "Length", T::Str, Base::None);
pub static COL_INFO: FieldDef = FieldDef::new("_ws.col.Info", "Info", T::Str, Base::None);

pub static COLUMN_FIELDS: &[&FieldDef] = &[
    &COL_NUMBER,
    &COL_TIME,
    &COL_SOURCE,
    &COL_DESTINATION,
    &COL_PROTOCOL,
    &COL_LENGTH,
    &COL_INFO,
];
