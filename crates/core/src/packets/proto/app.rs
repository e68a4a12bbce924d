//! Application protocols over UDP and TCP: which dissector a payload goes to, and the
//! per-stream state they keep (reassembly of records that span segments, request/response
//! matching).

use super::super::engine::FrameCtx;
use super::super::field::FieldDef;
use super::super::tree::Dissection;

/// A UDP payload handed to the application dissectors.
#[derive(Debug, Clone, Copy)]
pub struct UdpPayload<'a> {
    pub src_port: u16,
    pub dst_port: u16,
    /// The captured payload (or the whole reassembled datagram's).
    pub payload: &'a [u8],
    /// Data source of `payload` (0: the frame; else a reassembled datagram's source).
    pub source: u8,
    /// Offset of `payload[0]` in that source.
    pub offset: usize,
}

/// A TCP segment's payload handed to the application dissectors.
#[derive(Debug, Clone, Copy)]
pub struct TcpPayload<'a> {
    /// Wireshark's `tcp.stream`.
    pub stream: u64,
    /// Sent by the stream's client (first SYN's sender, else first sender).
    pub from_client: bool,
    pub src_port: u16,
    pub dst_port: u16,
    /// Relative sequence number of `payload[0]` (`tcp.seq`).
    pub seq: u32,
    /// `tcp.len` (may exceed `payload.len()` when the capture cut the frame).
    pub seglen: u32,
    /// `tcp.analysis.*` bits of this segment (`analyze::tcp::flags`): retransmitted data is
    /// not fed to reassembly again.
    pub analysis: u16,
    /// The captured payload.
    pub payload: &'a [u8],
    /// Offset of `payload[0]` in the frame.
    pub offset: usize,
}

/// What the application dissectors did with a TCP payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TcpVerdict {
    /// No application protocol recognised: TCP keeps the columns.
    NotMine,
    /// A PDU was dissected in this frame (columns set by the application dissector).
    Claimed,
    /// The payload is part of a PDU completed in another frame: TCP's Info gets
    /// "[TCP segment of a reassembled PDU]".
    SegmentOfPdu,
}

/// Application fields that point forward (`dns.response_in`): learned in the first pass.
pub static FORWARD_FIELDS: &[&FieldDef] = &[];

/// Per-capture state of the application dissectors.
#[derive(Debug, Default)]
pub struct AppState {}

impl AppState {
    /// Dissects a UDP payload; returns true when an application dissector claimed it (and set
    /// the columns).
    pub fn dissect_udp(
        &mut self,
        _ctx: &mut FrameCtx<'_>,
        _d: &mut Dissection,
        _p: &UdpPayload<'_>,
    ) -> bool {
        false
    }

    /// Dissects a TCP payload (called for every TCP segment with a payload, in frame order).
    pub fn dissect_tcp(
        &mut self,
        _ctx: &mut FrameCtx<'_>,
        _d: &mut Dissection,
        _p: &TcpPayload<'_>,
    ) -> TcpVerdict {
        TcpVerdict::NotMine
    }
}
