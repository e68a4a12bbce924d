//! `tcp`: the header, its options, and the generated fields of Wireshark's sequence analysis
//! (relative numbers, window scaling, `tcp.analysis.*`, stream times), taken from the TCP
//! engine's [`TcpDetail`] so they agree with the Report.

use std::fmt::Write as _;

use super::super::field::{Base, FieldDef, FieldType as T, Value};
use super::super::tree::Dissection;
use crate::analyze::tcp::{flags as af, TcpDetail};
use crate::decode::tcp::analysis;

pub static TCP: FieldDef = FieldDef::protocol("tcp", "Transmission Control Protocol");
pub static SRCPORT: FieldDef = FieldDef::new("tcp.srcport", "Source Port", T::U16, Base::Dec);
pub static DSTPORT: FieldDef = FieldDef::new("tcp.dstport", "Destination Port", T::U16, Base::Dec);
pub static PORT: FieldDef =
    FieldDef::new("tcp.port", "Source or Destination Port", T::U16, Base::Dec);
pub static STREAM: FieldDef = FieldDef::new("tcp.stream", "Stream index", T::U32, Base::Dec);
pub static LEN: FieldDef = FieldDef::new("tcp.len", "TCP Segment Len", T::U32, Base::Dec);
pub static SEQ: FieldDef = FieldDef::new("tcp.seq", "Sequence Number", T::U32, Base::Dec);
pub static SEQ_RAW: FieldDef =
    FieldDef::new("tcp.seq_raw", "Sequence Number (raw)", T::U32, Base::Dec);
pub static NXTSEQ: FieldDef =
    FieldDef::new("tcp.nxtseq", "Next Sequence Number", T::U32, Base::Dec);
pub static ACK: FieldDef = FieldDef::new("tcp.ack", "Acknowledgment Number", T::U32, Base::Dec);
pub static ACK_RAW: FieldDef = FieldDef::new(
    "tcp.ack_raw",
    "Acknowledgment number (raw)",
    T::U32,
    Base::Dec,
);
pub static HDR_LEN: FieldDef = FieldDef::new("tcp.hdr_len", "Header Length", T::U8, Base::Dec);
pub static FLAGS: FieldDef =
    FieldDef::new("tcp.flags", "Flags", T::U16, Base::Hex).with_mask(0x0fff);
pub static FLAGS_RES: FieldDef =
    FieldDef::new("tcp.flags.res", "Reserved", T::Bool, Base::None).with_mask(0x0e00);
pub static FLAGS_AE: FieldDef =
    FieldDef::new("tcp.flags.ae", "Accurate ECN", T::Bool, Base::None).with_mask(0x0100);
pub static FLAGS_CWR: FieldDef = FieldDef::new(
    "tcp.flags.cwr",
    "Congestion Window Reduced",
    T::Bool,
    Base::None,
)
.with_mask(0x0080);
pub static FLAGS_ECE: FieldDef =
    FieldDef::new("tcp.flags.ece", "ECN-Echo", T::Bool, Base::None).with_mask(0x0040);
pub static FLAGS_URG: FieldDef =
    FieldDef::new("tcp.flags.urg", "Urgent", T::Bool, Base::None).with_mask(0x0020);
pub static FLAGS_ACK: FieldDef =
    FieldDef::new("tcp.flags.ack", "Acknowledgment", T::Bool, Base::None).with_mask(0x0010);
pub static FLAGS_PUSH: FieldDef =
    FieldDef::new("tcp.flags.push", "Push", T::Bool, Base::None).with_mask(0x0008);
pub static FLAGS_RESET: FieldDef =
    FieldDef::new("tcp.flags.reset", "Reset", T::Bool, Base::None).with_mask(0x0004);
pub static FLAGS_SYN: FieldDef =
    FieldDef::new("tcp.flags.syn", "Syn", T::Bool, Base::None).with_mask(0x0002);
pub static FLAGS_FIN: FieldDef =
    FieldDef::new("tcp.flags.fin", "Fin", T::Bool, Base::None).with_mask(0x0001);
pub static FLAGS_STR: FieldDef = FieldDef::new("tcp.flags.str", "TCP Flags", T::Str, Base::None);
pub static WINDOW_SIZE_VALUE: FieldDef =
    FieldDef::new("tcp.window_size_value", "Window", T::U16, Base::Dec);
pub static WINDOW_SIZE: FieldDef = FieldDef::new(
    "tcp.window_size",
    "Calculated window size",
    T::U32,
    Base::Dec,
);
pub static WINDOW_SIZE_SCALEFACTOR: FieldDef = FieldDef::new(
    "tcp.window_size_scalefactor",
    "Window size scaling factor",
    T::I32,
    Base::Dec,
);
pub static CHECKSUM: FieldDef = FieldDef::new("tcp.checksum", "Checksum", T::U16, Base::Hex);
pub static CHECKSUM_STATUS: FieldDef =
    FieldDef::new("tcp.checksum.status", "Checksum Status", T::U8, Base::None).with_strings(&[
        (0, "Bad"),
        (1, "Good"),
        (2, "Unverified"),
    ]);
pub static URGENT_POINTER: FieldDef =
    FieldDef::new("tcp.urgent_pointer", "Urgent Pointer", T::U16, Base::Dec);
pub static OPTIONS: FieldDef = FieldDef::new("tcp.options", "Options", T::Bytes, Base::None);
pub static OPTION_KIND: FieldDef =
    FieldDef::new("tcp.option_kind", "Kind", T::U8, Base::Dec).with_strings(OPTION_KINDS);
pub static OPTION_LEN: FieldDef = FieldDef::new("tcp.option_len", "Length", T::U8, Base::Dec);
pub static OPT_MSS_VAL: FieldDef =
    FieldDef::new("tcp.options.mss_val", "MSS Value", T::U16, Base::Dec);
pub static OPT_WSCALE_SHIFT: FieldDef =
    FieldDef::new("tcp.options.wscale.shift", "Shift count", T::U8, Base::Dec);
pub static OPT_WSCALE_MULTIPLIER: FieldDef = FieldDef::new(
    "tcp.options.wscale.multiplier",
    "Multiplier",
    T::U16,
    Base::Dec,
);
pub static OPT_SACK_PERM: FieldDef = FieldDef::new(
    "tcp.options.sack_perm",
    "TCP Option - SACK permitted",
    T::None,
    Base::None,
);
pub static OPT_SACK_LE: FieldDef =
    FieldDef::new("tcp.options.sack_le", "left edge", T::U32, Base::Dec);
pub static OPT_SACK_RE: FieldDef =
    FieldDef::new("tcp.options.sack_re", "right edge", T::U32, Base::Dec);
pub static OPT_SACK_COUNT: FieldDef =
    FieldDef::new("tcp.options.sack.count", "TCP SACK Count", T::U8, Base::Dec);
pub static OPT_TSVAL: FieldDef = FieldDef::new(
    "tcp.options.timestamp.tsval",
    "Timestamp value",
    T::U32,
    Base::Dec,
);
pub static OPT_TSECR: FieldDef = FieldDef::new(
    "tcp.options.timestamp.tsecr",
    "Timestamp echo reply",
    T::U32,
    Base::Dec,
);
pub static TIME_RELATIVE: FieldDef = FieldDef::new(
    "tcp.time_relative",
    "Time since first frame in this TCP stream",
    T::RelTime,
    Base::None,
);
pub static TIME_DELTA: FieldDef = FieldDef::new(
    "tcp.time_delta",
    "Time since previous frame in this TCP stream",
    T::RelTime,
    Base::None,
);
pub static PAYLOAD: FieldDef = FieldDef::new("tcp.payload", "TCP payload", T::Bytes, Base::None);
pub static SEGMENT_DATA: FieldDef =
    FieldDef::new("tcp.segment_data", "TCP segment data", T::Bytes, Base::None);

pub static ANALYSIS: FieldDef =
    FieldDef::new("tcp.analysis", "SEQ/ACK analysis", T::None, Base::None);
pub static ACKS_FRAME: FieldDef = FieldDef::new(
    "tcp.analysis.acks_frame",
    "This is an ACK to the segment in frame",
    T::FrameNum,
    Base::None,
);
pub static ACK_RTT: FieldDef = FieldDef::new(
    "tcp.analysis.ack_rtt",
    "The RTT to ACK the segment was",
    T::RelTime,
    Base::None,
);
pub static INITIAL_RTT: FieldDef =
    FieldDef::new("tcp.analysis.initial_rtt", "iRTT", T::RelTime, Base::None);
pub static BYTES_IN_FLIGHT: FieldDef = FieldDef::new(
    "tcp.analysis.bytes_in_flight",
    "Bytes in flight",
    T::U32,
    Base::Dec,
);
pub static ANALYSIS_FLAGS: FieldDef = FieldDef::new(
    "tcp.analysis.flags",
    "TCP Analysis Flags",
    T::None,
    Base::None,
);
pub static DUPLICATE_ACK_NUM: FieldDef = FieldDef::new(
    "tcp.analysis.duplicate_ack_num",
    "Duplicate ACK #",
    T::U32,
    Base::Dec,
);
pub static DUPLICATE_ACK_FRAME: FieldDef = FieldDef::new(
    "tcp.analysis.duplicate_ack_frame",
    "Duplicate to the ACK in frame",
    T::FrameNum,
    Base::None,
);
pub static RTO: FieldDef = FieldDef::new(
    "tcp.analysis.rto",
    "The RTO for this segment was",
    T::RelTime,
    Base::None,
);
pub static RTO_FRAME: FieldDef = FieldDef::new(
    "tcp.analysis.rto_frame",
    "RTO based on delta from frame",
    T::FrameNum,
    Base::None,
);

macro_rules! flag_field {
    ($id:ident, $bit:expr) => {
        pub static $id: FieldDef = FieldDef::new(
            analysis::FIELD_NAMES[$bit],
            analysis::LABELS[$bit],
            T::None,
            Base::None,
        );
    };
}
flag_field!(A_RETRANSMISSION, 0);
flag_field!(A_LOST_SEGMENT, 1);
flag_field!(A_ACK_LOST_SEGMENT, 2);
flag_field!(A_KEEP_ALIVE, 3);
flag_field!(A_DUPLICATE_ACK, 4);
flag_field!(A_ZERO_WINDOW, 5);
flag_field!(A_ZERO_WINDOW_PROBE, 6);
flag_field!(A_ZERO_WINDOW_PROBE_ACK, 7);
flag_field!(A_KEEP_ALIVE_ACK, 8);
flag_field!(A_OUT_OF_ORDER, 9);
flag_field!(A_FAST_RETRANSMISSION, 10);
flag_field!(A_WINDOW_UPDATE, 11);
flag_field!(A_WINDOW_FULL, 12);
flag_field!(A_REUSED_PORTS, 13);
flag_field!(A_SPURIOUS_RETRANSMISSION, 14);

/// The `tcp.analysis.*` flag fields by bit position of `analyze::tcp::flags` (names, labels
/// and Info texts from [`crate::decode::tcp::analysis`]).
pub static ANALYSIS_FLAG_FIELDS: [&FieldDef; af::COUNT] = [
    &A_RETRANSMISSION,
    &A_LOST_SEGMENT,
    &A_ACK_LOST_SEGMENT,
    &A_KEEP_ALIVE,
    &A_DUPLICATE_ACK,
    &A_ZERO_WINDOW,
    &A_ZERO_WINDOW_PROBE,
    &A_ZERO_WINDOW_PROBE_ACK,
    &A_KEEP_ALIVE_ACK,
    &A_OUT_OF_ORDER,
    &A_FAST_RETRANSMISSION,
    &A_WINDOW_UPDATE,
    &A_WINDOW_FULL,
    &A_REUSED_PORTS,
    &A_SPURIOUS_RETRANSMISSION,
];

pub static FIELDS: &[&FieldDef] = &[
    &TCP,
    &SRCPORT,
    &DSTPORT,
    &PORT,
    &STREAM,
    &LEN,
    &SEQ,
    &SEQ_RAW,
    &NXTSEQ,
    &ACK,
    &ACK_RAW,
    &HDR_LEN,
    &FLAGS,
    &FLAGS_RES,
    &FLAGS_AE,
    &FLAGS_CWR,
    &FLAGS_ECE,
    &FLAGS_URG,
    &FLAGS_ACK,
    &FLAGS_PUSH,
    &FLAGS_RESET,
    &FLAGS_SYN,
    &FLAGS_FIN,
    &FLAGS_STR,
    &WINDOW_SIZE_VALUE,
    &WINDOW_SIZE,
    &WINDOW_SIZE_SCALEFACTOR,
    &CHECKSUM,
    &CHECKSUM_STATUS,
    &URGENT_POINTER,
    &OPTIONS,
    &OPTION_KIND,
    &OPTION_LEN,
    &OPT_MSS_VAL,
    &OPT_WSCALE_SHIFT,
    &OPT_WSCALE_MULTIPLIER,
    &OPT_SACK_PERM,
    &OPT_SACK_LE,
    &OPT_SACK_RE,
    &OPT_SACK_COUNT,
    &OPT_TSVAL,
    &OPT_TSECR,
    &TIME_RELATIVE,
    &TIME_DELTA,
    &PAYLOAD,
    &SEGMENT_DATA,
    &ANALYSIS,
    &ACKS_FRAME,
    &ACK_RTT,
    &INITIAL_RTT,
    &BYTES_IN_FLIGHT,
    &ANALYSIS_FLAGS,
    &DUPLICATE_ACK_NUM,
    &DUPLICATE_ACK_FRAME,
    &RTO,
    &RTO_FRAME,
    &A_RETRANSMISSION,
    &A_LOST_SEGMENT,
    &A_ACK_LOST_SEGMENT,
    &A_KEEP_ALIVE,
    &A_DUPLICATE_ACK,
    &A_ZERO_WINDOW,
    &A_ZERO_WINDOW_PROBE,
    &A_ZERO_WINDOW_PROBE_ACK,
    &A_KEEP_ALIVE_ACK,
    &A_OUT_OF_ORDER,
    &A_FAST_RETRANSMISSION,
    &A_WINDOW_UPDATE,
    &A_WINDOW_FULL,
    &A_REUSED_PORTS,
    &A_SPURIOUS_RETRANSMISSION,
];

static OPTION_KINDS: &[(u64, &str)] = &[
    (0, "End of Option List (EOL)"),
    (1, "No-Operation (NOP)"),
    (2, "Maximum Segment Size"),
    (3, "Window Scale"),
    (4, "SACK Permitted"),
    (5, "SACK"),
    (8, "Time Stamp Option"),
    (30, "Multipath TCP"),
    (34, "TCP Fast Open Cookie"),
];

/// The Info column's flag names, in Wireshark's order (`tcp_flags_to_str`).
const FLAG_NAMES: [(u16, &str); 10] = [
    (0x001, "FIN"),
    (0x002, "SYN"),
    (0x004, "RST"),
    (0x008, "PSH"),
    (0x010, "ACK"),
    (0x020, "URG"),
    (0x040, "ECE"),
    (0x080, "CWR"),
    (0x100, "AE"),
    (0xe00, "Reserved"),
];

/// What the TCP dissector hands on.
#[derive(Debug, Clone, Copy)]
pub struct TcpNext {
    /// Offset of the payload.
    pub payload: usize,
    /// End of the captured payload.
    pub end: usize,
    /// `tcp.len`.
    pub seglen: u32,
    /// Relative sequence number of the payload.
    pub seq: u32,
    pub src_port: u16,
    pub dst_port: u16,
}

fn be16(b: &[u8], at: usize) -> u16 {
    b.get(at..at + 2)
        .map(|s| u16::from_be_bytes([s[0], s[1]]))
        .unwrap_or(0)
}

fn be32(b: &[u8], at: usize) -> u32 {
    b.get(at..at + 4)
        .map(|s| u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
        .unwrap_or(0)
}

/// Dissects a TCP header at `off` (the IP payload ends at `end`). `detail` is the TCP
/// engine's view of this segment (absent for copies inside ICMP errors and untracked
/// connections: numbers are then raw). Sets TCP's Protocol/Info columns.
pub fn dissect(
    data: &[u8],
    off: usize,
    end: usize,
    source: u8,
    detail: Option<&TcpDetail>,
    irtt: i64,
    d: &mut Dissection,
) -> Option<TcpNext> {
    let h = data.get(off..)?;
    if h.len() < 4 {
        return None;
    }
    let sport = be16(h, 0);
    let dport = be16(h, 2);
    let seq_raw = be32(h, 4);
    let ack_raw = be32(h, 8);
    let hdr_len = usize::from(h.get(12).copied().unwrap_or(0) >> 4) * 4;
    let flags = be16(h, 12) & 0x0fff;
    let win = be16(h, 14);
    let ip_payload = end.saturating_sub(off);
    let full_header = h.len() >= 20;
    let quoted = detail.is_some_and(|t| t.quoted);
    // A quoted header shows raw numbers and no lengths.
    let analysed = detail.filter(|t| !t.quoted);
    let seglen = analysed
        .map(|t| t.seglen)
        .unwrap_or_else(|| ip_payload.saturating_sub(hdr_len) as u32);
    let rel = |raw: u32, base: Option<u32>| base.map_or(raw, |b| raw.wrapping_sub(b));
    let seq = rel(seq_raw, analysed.map(|t| t.seq_base));
    let has_ack = flags & 0x010 != 0;
    let ack = rel(ack_raw, analysed.and_then(|t| t.ack_base));
    let syn_fin = u32::from(flags & 0x003 != 0);
    let nxtseq = seq.wrapping_add(seglen).wrapping_add(syn_fin);
    let (window, scalefactor) = match analysed.map(|t| t.win_scale) {
        Some(s) if flags & 0x002 == 0 && s >= 0 => (u32::from(win) << s, Some(1i64 << s)),
        Some(s) if flags & 0x002 == 0 => (u32::from(win), Some(i64::from(s))),
        _ => (u32::from(win), None),
    };
    let hdr_in_frame = hdr_len.clamp(20.min(h.len()), h.len());
    d.open_protocol(&TCP, source, off, hdr_in_frame.max(h.len().min(20)));
    d.set_text(|| {
        let mut s = format!(
            "Transmission Control Protocol, Src Port: {sport}, Dst Port: {dport}, Seq: {seq}"
        );
        if has_ack {
            let _ = write!(s, ", Ack: {ack}");
        }
        let _ = write!(s, ", Len: {seglen}");
        s
    });
    d.field_in(source, &SRCPORT, Value::UInt(u64::from(sport)), off, 2);
    d.field_in(source, &DSTPORT, Value::UInt(u64::from(dport)), off + 2, 2);
    d.hidden_in(source, &PORT, Value::UInt(u64::from(sport)), off, 2);
    d.hidden_in(source, &PORT, Value::UInt(u64::from(dport)), off + 2, 2);
    if let Some(t) = detail {
        d.generated(&STREAM, Value::UInt(t.stream));
    }
    if d.columns {
        d.protocol = "TCP";
        d.info.clear();
        let _ = write!(d.info, "{sport} → {dport} ");
        d.info.push('[');
        let mut first = true;
        for (bit, name) in FLAG_NAMES {
            if flags & bit != 0 {
                if !first {
                    d.info.push_str(", ");
                }
                d.info.push_str(name);
                first = false;
            }
        }
        if first {
            d.info.push_str("<None>");
        }
        let _ = write!(d.info, "] Seq={seq}");
        if has_ack {
            let _ = write!(d.info, " Ack={ack}");
        }
        let _ = write!(d.info, " Win={window}");
        if flags & 0x020 != 0 {
            let _ = write!(d.info, " Urg={}", be16(h, 18));
        }
    }
    if !full_header || hdr_len < 20 {
        // A bogus header length: Wireshark still shows the length and sequence number.
        if let (true, Some(_)) = (h.len() >= 13, detail) {
            let len = ip_payload.saturating_sub(hdr_len) as u64;
            d.generated(&LEN, Value::UInt(len));
            d.field_in(source, &SEQ, Value::UInt(u64::from(seq)), off + 4, 4);
            d.field_in(
                source,
                &SEQ_RAW,
                Value::UInt(u64::from(seq_raw)),
                off + 4,
                4,
            );
            d.field_in(source, &HDR_LEN, Value::UInt(hdr_len as u64), off + 12, 1);
        }
        if d.columns {
            let _ = write!(
                d.info,
                ", bogus TCP header length ({hdr_len}, must be at least 20)"
            );
        }
        return None;
    }
    if analysed.is_some() {
        d.generated(&LEN, Value::UInt(u64::from(seglen)));
    }
    d.field_in(source, &SEQ, Value::UInt(u64::from(seq)), off + 4, 4);
    if analysed.is_some() {
        d.set_text(|| format!("Sequence Number: {seq}    (relative sequence number)"));
    }
    if !quoted {
        d.field_in(
            source,
            &SEQ_RAW,
            Value::UInt(u64::from(seq_raw)),
            off + 4,
            4,
        );
    }
    if analysed.is_some() {
        d.generated(&NXTSEQ, Value::UInt(u64::from(nxtseq)));
    }
    if has_ack {
        d.field_in(source, &ACK, Value::UInt(u64::from(ack)), off + 8, 4);
        if analysed.is_some() {
            d.set_text(|| format!("Acknowledgment Number: {ack}    (relative ack number)"));
        }
    } else {
        // Without the ACK flag Wireshark shows the raw field.
        d.field_in(source, &ACK, Value::UInt(u64::from(ack_raw)), off + 8, 4);
    }
    d.field_in(
        source,
        &ACK_RAW,
        Value::UInt(u64::from(ack_raw)),
        off + 8,
        4,
    );
    d.field_in(source, &HDR_LEN, Value::UInt(hdr_len as u64), off + 12, 1);
    d.set_text(|| format!("Header Length: {hdr_len} bytes ({})", hdr_len / 4));
    d.field_in(source, &FLAGS, Value::UInt(u64::from(flags)), off + 12, 2);
    d.set_text(|| {
        let names: Vec<&str> = FLAG_NAMES
            .iter()
            .filter(|(b, _)| flags & b != 0)
            .map(|(_, n)| *n)
            .collect();
        format!("Flags: 0x{flags:03x} ({})", names.join(", "))
    });
    d.open();
    for (def, mask) in [
        (&FLAGS_RES, 0x0e00u16),
        (&FLAGS_AE, 0x100),
        (&FLAGS_CWR, 0x080),
        (&FLAGS_ECE, 0x040),
        (&FLAGS_URG, 0x020),
        (&FLAGS_ACK, 0x010),
        (&FLAGS_PUSH, 0x008),
        (&FLAGS_RESET, 0x004),
        (&FLAGS_SYN, 0x002),
        (&FLAGS_FIN, 0x001),
    ] {
        d.field_in(source, def, Value::Bool(flags & mask != 0), off + 12, 2);
    }
    if d.wants(&FLAGS_STR) {
        d.generated(&FLAGS_STR, Value::str(flags_str(flags)));
    }
    d.close();
    d.field_in(
        source,
        &WINDOW_SIZE_VALUE,
        Value::UInt(u64::from(win)),
        off + 14,
        2,
    );
    if detail.is_some() {
        d.generated(&WINDOW_SIZE, Value::UInt(u64::from(window)));
        if let (Some(f), false) = (scalefactor, quoted) {
            d.generated(&WINDOW_SIZE_SCALEFACTOR, Value::Int(f));
        }
    }
    let csum = be16(h, 16);
    d.field_in(source, &CHECKSUM, Value::UInt(u64::from(csum)), off + 16, 2);
    d.set_text(|| format!("Checksum: 0x{csum:04x} [unverified]"));
    d.generated(&CHECKSUM_STATUS, Value::UInt(2));
    d.field_in(
        source,
        &URGENT_POINTER,
        Value::UInt(u64::from(be16(h, 18))),
        off + 18,
        2,
    );
    let opts_end = hdr_len.min(h.len());
    let opt_info = if opts_end > 20 {
        options(h, off, opts_end, source, detail, d)
    } else {
        String::new()
    };
    if d.columns {
        let _ = write!(d.info, " Len={seglen}{opt_info}");
        if let Some(t) = detail {
            if t.analysis != 0 {
                let prefix = analysis_prefix(t);
                d.info.insert_str(0, &prefix);
            }
        }
    }
    if let Some(t) = detail {
        d.generated(&TIME_RELATIVE, Value::RelTime(t.time_relative_ns));
        d.generated(&TIME_DELTA, Value::RelTime(t.time_delta_ns));
        if !quoted {
            analysis(t, seglen, irtt, d);
        }
    }
    let payload = off + hdr_len;
    let pend = end.min(data.len());
    if payload < pend && d.wants(&PAYLOAD) {
        d.field_in(
            source,
            &PAYLOAD,
            Value::bytes(&data[payload..pend]),
            payload,
            pend - payload,
        );
    }
    Some(TcpNext {
        payload: payload.min(pend.max(payload)),
        end: pend,
        seglen,
        seq,
        src_port: sport,
        dst_port: dport,
    })
}

/// `tcp.flags.str`: one letter per flag bit, `·` when clear.
fn flags_str(flags: u16) -> String {
    const CHARS: [char; 12] = ['R', 'R', 'R', 'A', 'C', 'E', 'U', 'A', 'P', 'R', 'S', 'F'];
    (0..12)
        .map(|i| {
            let bit = 11 - i;
            if flags & (1 << bit) != 0 {
                CHARS[i]
            } else {
                '·'
            }
        })
        .collect()
}

fn options(
    h: &[u8],
    off: usize,
    opts_end: usize,
    source: u8,
    detail: Option<&TcpDetail>,
    d: &mut Dissection,
) -> String {
    let Some(opts) = h.get(20..opts_end) else {
        return String::new();
    };
    if d.wants(&OPTIONS) {
        d.field_in(source, &OPTIONS, Value::bytes(opts), off + 20, opts.len());
        d.set_text(|| format!("Options: ({} bytes)", opts.len()));
    }
    let mut info = String::new();
    let mut i = 0usize;
    let mut sack_count = 0u64;
    while i < opts.len() {
        let at = off + 20 + i;
        let kind = opts[i];
        if d.wants(&OPTION_KIND) {
            d.open();
            d.field_in(source, &OPTION_KIND, Value::UInt(u64::from(kind)), at, 1);
            d.close();
        }
        if kind == 0 {
            break;
        }
        if kind == 1 {
            i += 1;
            continue;
        }
        let Some(&len) = opts.get(i + 1) else {
            break;
        };
        let len = usize::from(len);
        if len < 2 || i + len > opts.len() {
            break;
        }
        let body = &opts[i + 2..i + len];
        d.open();
        d.field_in(source, &OPTION_LEN, Value::UInt(len as u64), at + 1, 1);
        match (kind, body.len()) {
            (2, 2) => {
                let mss = u16::from_be_bytes([body[0], body[1]]);
                d.field_in(source, &OPT_MSS_VAL, Value::UInt(u64::from(mss)), at + 2, 2);
                let _ = write!(info, " MSS={mss}");
            }
            (3, 1) => {
                let shift = body[0];
                d.field_in(
                    source,
                    &OPT_WSCALE_SHIFT,
                    Value::UInt(u64::from(shift)),
                    at + 2,
                    1,
                );
                let mult = 1u64 << shift.min(14);
                d.field_in(source, &OPT_WSCALE_MULTIPLIER, Value::UInt(mult), at + 2, 1);
                let _ = write!(info, " WS={mult}");
            }
            (4, 0) => {
                d.field_in(
                    source,
                    &OPT_SACK_PERM,
                    Value::bytes(&opts[i..i + len]),
                    at,
                    len,
                );
                info.push_str(" SACK_PERM");
            }
            (5, n) if n % 8 == 0 => {
                let base = detail.and_then(|t| t.ack_base).unwrap_or(0);
                for (k, b) in body.chunks_exact(8).enumerate() {
                    let le = u32::from_be_bytes([b[0], b[1], b[2], b[3]]).wrapping_sub(base);
                    let re = u32::from_be_bytes([b[4], b[5], b[6], b[7]]).wrapping_sub(base);
                    let a = at + 2 + k * 8;
                    d.field_in(source, &OPT_SACK_LE, Value::UInt(u64::from(le)), a, 4);
                    d.field_in(source, &OPT_SACK_RE, Value::UInt(u64::from(re)), a + 4, 4);
                    let _ = write!(info, " SLE={le} SRE={re}");
                    sack_count += 1;
                }
                d.generated(&OPT_SACK_COUNT, Value::UInt(sack_count));
            }
            (8, 8) => {
                let tsval = u32::from_be_bytes([body[0], body[1], body[2], body[3]]);
                let tsecr = u32::from_be_bytes([body[4], body[5], body[6], body[7]]);
                d.field_in(source, &OPT_TSVAL, Value::UInt(u64::from(tsval)), at + 2, 4);
                d.field_in(source, &OPT_TSECR, Value::UInt(u64::from(tsecr)), at + 6, 4);
                let _ = write!(info, " TSval={tsval} TSecr={tsecr}");
            }
            _ => {}
        }
        d.close();
        i += len;
    }
    info
}

/// The SEQ/ACK analysis tree. `irtt` is the stream's initial RTT as Wireshark shows it
/// after both passes (0: none).
fn analysis(t: &TcpDetail, seglen: u32, irtt: i64, d: &mut Dissection) {
    if !t.has_analysis {
        return;
    }
    d.generated(&ANALYSIS, Value::None);
    d.open();
    if t.acks_frame != 0 {
        d.generated(&ACKS_FRAME, Value::UInt(u64::from(t.acks_frame)));
        if t.ack_rtt_ns != 0 {
            d.generated(&ACK_RTT, Value::RelTime(t.ack_rtt_ns));
        }
    }
    if irtt != 0 {
        d.generated(&INITIAL_RTT, Value::RelTime(irtt));
    }
    if t.bytes_in_flight != 0 && seglen > 0 {
        d.generated(&BYTES_IN_FLIGHT, Value::UInt(u64::from(t.bytes_in_flight)));
    }
    if t.analysis != 0 {
        d.generated(&ANALYSIS_FLAGS, Value::None);
        d.open();
        for (bit, def) in ANALYSIS_FLAG_FIELDS.iter().enumerate() {
            let flag = 1u16 << bit;
            if t.analysis & flag == 0 {
                continue;
            }
            // Fast and spurious retransmissions also raise the generic retransmission item.
            if flag & (af::FAST_RETRANSMISSION | af::SPURIOUS_RETRANSMISSION) != 0
                && t.analysis & af::RETRANSMISSION == 0
            {
                d.generated(&A_RETRANSMISSION, Value::None);
            }
            d.generated(def, Value::None);
            if flag == af::DUPLICATE_ACK {
                d.generated(&DUPLICATE_ACK_NUM, Value::UInt(u64::from(t.dupack_num)));
                d.generated(&DUPLICATE_ACK_FRAME, Value::UInt(u64::from(t.dupack_frame)));
                // Wireshark's expert item carries the same field name: a second occurrence.
                d.generated(&A_DUPLICATE_ACK, Value::None);
            }
            if flag == af::RETRANSMISSION && t.rto_frame != 0 {
                d.generated(&RTO, Value::RelTime(t.rto_ns));
                d.generated(&RTO_FRAME, Value::UInt(u64::from(t.rto_frame)));
            }
        }
        d.close();
    }
    d.close();
}

/// The Info prefix for the analysis flags (`[TCP Dup ACK 34#1] `), as Wireshark prepends it.
pub fn analysis_prefix(t: &TcpDetail) -> String {
    let mut s = String::new();
    // Wireshark prepends each text in this order, so the last one ends up first.
    const ORDER: [u16; 15] = [
        af::RETRANSMISSION,
        af::FAST_RETRANSMISSION,
        af::SPURIOUS_RETRANSMISSION,
        af::OUT_OF_ORDER,
        af::LOST_SEGMENT,
        af::ACK_LOST_SEGMENT,
        af::WINDOW_UPDATE,
        af::WINDOW_FULL,
        af::KEEP_ALIVE,
        af::KEEP_ALIVE_ACK,
        af::DUPLICATE_ACK,
        af::ZERO_WINDOW_PROBE,
        af::ZERO_WINDOW_PROBE_ACK,
        af::ZERO_WINDOW,
        af::REUSED_PORTS,
    ];
    for flag in ORDER.iter().rev() {
        if t.analysis & flag == 0 {
            continue;
        }
        // A fast or spurious retransmission is not also called a plain one.
        if *flag == af::RETRANSMISSION
            && t.analysis & (af::FAST_RETRANSMISSION | af::SPURIOUS_RETRANSMISSION) != 0
        {
            continue;
        }
        let bit = flag.trailing_zeros() as usize;
        let text = analysis::INFO.get(bit).copied().unwrap_or("");
        if *flag == af::DUPLICATE_ACK {
            let _ = write!(s, "[TCP Dup ACK {}#{}] ", t.dupack_frame, t.dupack_num);
        } else {
            s.push_str(text);
            s.push(' ');
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_analysis_fields_follow_the_engine_bits() {
        for (bit, def) in ANALYSIS_FLAG_FIELDS.iter().enumerate() {
            assert_eq!(def.name, format!("tcp.analysis.{}", af::NAMES[bit]));
        }
        assert_eq!(A_DUPLICATE_ACK.name, "tcp.analysis.duplicate_ack");
        assert_eq!(1u16 << 4, af::DUPLICATE_ACK);
    }
}
