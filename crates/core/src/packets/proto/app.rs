//! Application protocols over UDP and TCP: which dissector a payload goes to, and the
//! per-stream state they keep (reassembly of records that span segments, request/response
//! matching).
//!
//! UDP: the lower port, then the higher one, picks the dissector (Wireshark's port tables), then
//! SIP's heuristic. TCP: a stream's protocol is decided on its first payload the same way (TLS
//! and HTTP heuristics after the ports) and kept. Each TCP direction has one PDU in
//! reassembly at most ([`Msp`], Wireshark's "multi-segment PDU"): segments inside it are
//! "[TCP segment of a reassembled PDU]", the segment that completes it gets the PDU dissected
//! from a "Reassembled TCP" data source. Retransmitted data is never fed to reassembly (as
//! Wireshark, whose reassembly of a PDU with a lost segment then never completes).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};

use super::super::engine::FrameCtx;
use super::super::field::{Base, FieldDef, FieldType};
use super::super::tree::Dissection;
use super::{dhcp, dns, http, sip, tls};
use crate::analyze::tcp::flags as tcp_flags;

/// A UDP payload handed to the application dissectors.
#[derive(Debug, Clone, Copy)]
pub struct UdpPayload<'a> {
    /// IP source and destination (conversations are keyed on them, as Wireshark's).
    pub src_addr: IpAddr,
    pub dst_addr: IpAddr,
    pub src_port: u16,
    pub dst_port: u16,
    /// The captured payload (or the whole reassembled datagram's).
    pub payload: &'a [u8],
    /// Data source of `payload` (0: the frame; else a reassembled datagram's source).
    pub source: u8,
    /// Offset of `payload[0]` in that source.
    pub offset: usize,
    /// The copy inside an ICMP error: dissect it, but do not count or match it (Wireshark's
    /// "in error packet"), and leave the columns alone.
    pub quoted: bool,
}

impl Default for UdpPayload<'_> {
    fn default() -> Self {
        UdpPayload {
            src_addr: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            dst_addr: IpAddr::V4(Ipv4Addr::UNSPECIFIED),
            src_port: 0,
            dst_port: 0,
            payload: &[],
            source: 0,
            offset: 0,
            quoted: false,
        }
    }
}

/// A TCP segment's payload handed to the application dissectors.
#[derive(Debug, Clone, Copy, Default)]
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
    /// A PDU was dissected in this frame (columns set by the application dissector, after
    /// TCP's bracketed prefixes such as "[TCP Previous segment not captured] ").
    Claimed,
    /// The payload is part of a PDU completed in another frame: TCP's Info gets
    /// "[TCP segment of a reassembled PDU]".
    SegmentOfPdu,
    /// The payload falls inside a PDU already reassembled (a copy after completion): TCP's
    /// Info gets "[Reassembly error, protocol TCP: New fragment overlaps old data
    /// (retransmission?)]" appended without a space, and no application layer is shown.
    ReassemblyError,
}

/// Application fields known only after a first pass: forward references (`dns.response_in`,
/// `http.response_in`) and what depends on the TLS session's final version (the record type
/// field a TLS 1.3 record shows).
pub static FORWARD_FIELDS: &[&FieldDef] = &[
    &dns::RESPONSE_IN,
    &http::RESPONSE_IN,
    &tls::TLS,
    &tls::RECORD_CONTENT_TYPE,
    &tls::RECORD_OPAQUE_TYPE,
];

/// TCP streams whose application state is kept; later streams are not dissected above TCP.
pub const MAX_TCP_STREAMS: usize = 65_536;
/// Bytes of one PDU kept while it is reassembled (a TLS record is at most 18 KiB; an HTTP
/// body beyond this is tracked for completion but its bytes are not kept).
pub const MAX_PDU_BYTES: usize = 256 * 1024;
/// Separate byte ranges tracked in one PDU under reassembly (holes left by lost segments);
/// beyond this the PDU is abandoned, as one that never completes.
pub const MAX_PDU_RANGES: usize = 256;

/// An application protocol over TCP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TcpApp {
    Dns,
    Tls,
    Http,
    Sip,
}

/// Where a PDU's bytes are, for the dissectors: a data source and an offset in it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Pdu<'a> {
    pub bytes: &'a [u8],
    pub source: u8,
    pub offset: usize,
}

/// How many bytes the next PDU at the start of some bytes takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// A whole PDU of this many bytes (at least 1).
    Pdu(usize),
    /// More bytes are needed: the PDU's total length when known, else "one more segment".
    Need(Option<usize>),
}

/// A PDU under reassembly in one direction (Wireshark's `multisegment_pdu`).
#[derive(Debug)]
struct Msp {
    /// Relative sequence number of its first byte.
    seq: u32,
    /// Its length when known; else it needs at least one more segment.
    len: Option<u32>,
    /// Its bytes from `seq` (holes as zeros), at most [`MAX_PDU_BYTES`].
    data: Vec<u8>,
    /// Byte ranges received, relative to `seq`, sorted and merged.
    have: Vec<(u32, u32)>,
}

impl Msp {
    fn new(seq: u32, len: Option<usize>, first: &[u8]) -> Msp {
        let mut m = Msp {
            seq,
            len: len.map(|l| u32::try_from(l).unwrap_or(u32::MAX)),
            data: Vec::new(),
            have: Vec::new(),
        };
        m.add(0, first);
        m
    }

    /// Covered bytes from the start.
    fn contiguous(&self) -> u32 {
        match self.have.first() {
            Some(&(0, end)) => end,
            _ => 0,
        }
    }

    fn add(&mut self, rel: u32, bytes: &[u8]) {
        let n = u32::try_from(bytes.len()).unwrap_or(u32::MAX);
        let end = rel.saturating_add(n);
        let keep_end = (end as usize).min(MAX_PDU_BYTES);
        if keep_end > rel as usize {
            if self.data.len() < keep_end {
                self.data.resize(keep_end, 0);
            }
            let take = keep_end - rel as usize;
            if let (Some(dst), Some(src)) =
                (self.data.get_mut(rel as usize..keep_end), bytes.get(..take))
            {
                dst.copy_from_slice(src);
            }
        }
        if n == 0 {
            return;
        }
        self.have.push((rel, end));
        self.have.sort_unstable();
        let mut merged: Vec<(u32, u32)> = Vec::with_capacity(self.have.len());
        for &(s, e) in &self.have {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        self.have = merged;
    }
}

/// One direction of a TCP stream.
#[derive(Debug, Default)]
struct Direction {
    msp: Option<Msp>,
    /// The last PDU completed by reassembly: relative start and end.
    done: Option<(u32, u32)>,
}

/// One TCP stream's application state.
#[derive(Debug, Default)]
struct Stream {
    app: Option<TcpApp>,
    /// Client to server, server to client.
    dirs: [Direction; 2],
}

/// Per-capture state of the application dissectors.
#[derive(Debug, Default)]
pub struct AppState {
    streams: HashMap<u64, Stream>,
    pub(crate) dns: dns::DnsState,
    pub(crate) tls: tls::TlsState,
    pub(crate) http: http::HttpState,
    pub(crate) sip: sip::SipState,
}

/// A UDP application protocol, by port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UdpApp {
    Dns(dns::Flavor),
    Dhcp,
    Sip,
    /// A port registered to a dissector pcaplens does not have.
    Other,
}

/// UDP ports registered to Wireshark dissectors below the ones we handle, that clients use as
/// source ports (an approximation of Wireshark's table; see `analyze::ports`).
fn udp_port_app(port: u16) -> Option<UdpApp> {
    match port {
        53 => Some(UdpApp::Dns(dns::Flavor::Dns)),
        5353 => Some(UdpApp::Dns(dns::Flavor::Mdns)),
        5355 => Some(UdpApp::Dns(dns::Flavor::Llmnr)),
        67 | 68 => Some(UdpApp::Dhcp),
        5060 => Some(UdpApp::Sip),
        p if crate::analyze::ports::REGISTERED_UDP
            .binary_search(&p)
            .is_ok() =>
        {
            Some(UdpApp::Other)
        }
        _ => None,
    }
}

fn udp_app(src: u16, dst: u16) -> Option<UdpApp> {
    let (low, high) = if src <= dst { (src, dst) } else { (dst, src) };
    [low, high]
        .into_iter()
        .filter(|&p| p != 0)
        .find_map(udp_port_app)
}

/// TCP ports: Wireshark's defaults for the protocols we dissect.
fn tcp_port_app(port: u16) -> Option<TcpApp> {
    match port {
        53 | 5353 => Some(TcpApp::Dns),
        5060 => Some(TcpApp::Sip),
        80 | 3128 | 3132 | 5985 | 8080 | 8088 | 11371 | 1900 | 2869 | 2710 => Some(TcpApp::Http),
        443 | 465 | 563 | 585 | 614 | 636 | 853 | 989 | 990 | 992 | 993 | 994 | 995 | 3269
        | 4433 | 5061 | 5223 | 8883 => Some(TcpApp::Tls),
        _ => None,
    }
}

/// TCP ports of other Wireshark dissectors that accept any payload (so no heuristic runs).
fn tcp_port_taken(port: u16) -> bool {
    matches!(
        port,
        20..=23
            | 25
            | 110
            | 111
            | 119
            | 135
            | 139
            | 143
            | 179
            | 389
            | 445
            | 513..=515
            | 1433
            | 1521
            | 3306
            | 3389
            | 5432
            | 5900
            | 6379
    )
}

fn tcp_app(p: &TcpPayload<'_>) -> Option<TcpApp> {
    let (low, high) = if p.src_port <= p.dst_port {
        (p.src_port, p.dst_port)
    } else {
        (p.dst_port, p.src_port)
    };
    for port in [low, high] {
        if let Some(app) = tcp_port_app(port) {
            return Some(app);
        }
        if tcp_port_taken(port) {
            return None;
        }
    }
    // Heuristics, in Wireshark's order of registration.
    if tls::heuristic(p.payload) {
        Some(TcpApp::Tls)
    } else if http::heuristic(p.payload) {
        Some(TcpApp::Http)
    } else if crate::decode::sip::looks_like_sip(p.payload) {
        Some(TcpApp::Sip)
    } else {
        None
    }
}

/// A tree line without a field (subtree headings such as "Queries"): never registered, so no
/// filter sees it, and only added when a tree is built.
pub static TEXT: FieldDef = FieldDef::new("", "", FieldType::None, Base::None);

/// Wireshark's bit picture of a masked field: `.... ..0. .... ....` for bit 9 of a 16-bit word.
pub(crate) fn bit_text(word: u64, mask: u64, bits: u32) -> String {
    let mut s = String::with_capacity(bits as usize + bits as usize / 4);
    for i in (0..bits).rev() {
        let b = 1u64 << i;
        s.push(if mask & b == 0 {
            '.'
        } else if word & b != 0 {
            '1'
        } else {
            '0'
        });
        if i % 4 == 0 && i != 0 {
            s.push(' ');
        }
    }
    s
}

/// Cuts `info` back to TCP's fence: keeps the leading bracketed expert prefixes
/// ("[TCP Retransmission] ") that Wireshark's TCP fences off before a subdissector writes.
pub(crate) fn clear_to_fence(info: &mut String) {
    let mut keep = 0;
    while let Some(rest) = info.get(keep..) {
        if !rest.starts_with("[TCP ") {
            break;
        }
        match rest.find("] ") {
            Some(i) => keep += i + 2,
            None => break,
        }
    }
    info.truncate(keep);
}

impl AppState {
    /// Dissects a UDP payload; returns true when an application dissector claimed it (and set
    /// the columns).
    pub fn dissect_udp(
        &mut self,
        ctx: &mut FrameCtx<'_>,
        d: &mut Dissection,
        p: &UdpPayload<'_>,
    ) -> bool {
        let app = match udp_app(p.src_port, p.dst_port) {
            Some(app) => app,
            None if crate::decode::sip::looks_like_sip(p.payload) => UdpApp::Sip,
            None => return false,
        };
        let pdu = Pdu {
            bytes: p.payload,
            source: p.source,
            offset: p.offset,
        };
        match app {
            UdpApp::Dns(flavor) => {
                let conv =
                    dns::Conversation::udp((p.src_addr, p.src_port), (p.dst_addr, p.dst_port));
                self.dns.dissect(ctx, d, pdu, flavor, conv)
            }
            UdpApp::Dhcp => dhcp::dissect(d, pdu),
            UdpApp::Sip => sip::dissect_message(&mut self.sip, d, pdu, true),
            UdpApp::Other => false,
        }
    }

    /// Dissects the UDP payload quoted in an ICMP error (Wireshark's `in_error_pkt`): fields
    /// only, no columns, no request/response matching. True when a dissector took it.
    pub fn dissect_quoted_udp(d: &mut Dissection, p: &UdpPayload<'_>) -> bool {
        let pdu = Pdu {
            bytes: p.payload,
            source: p.source,
            offset: p.offset,
        };
        let columns = d.columns;
        d.columns = false;
        let taken = match udp_app(p.src_port, p.dst_port) {
            Some(UdpApp::Dns(flavor)) => dns::dissect_quoted(d, pdu, flavor),
            Some(UdpApp::Dhcp) => dhcp::dissect(d, pdu),
            _ => false,
        };
        d.columns = columns;
        taken
    }

    /// Dissects a TCP payload (called for every TCP segment with a payload, in frame order).
    pub fn dissect_tcp(
        &mut self,
        ctx: &mut FrameCtx<'_>,
        d: &mut Dissection,
        p: &TcpPayload<'_>,
    ) -> TcpVerdict {
        if p.payload.is_empty() {
            return TcpVerdict::NotMine;
        }
        if !self.streams.contains_key(&p.stream) && self.streams.len() >= MAX_TCP_STREAMS {
            return TcpVerdict::NotMine;
        }
        // Retransmitted data is not dissected again (a fast retransmission is, as Wireshark).
        let skip =
            tcp_flags::RETRANSMISSION | tcp_flags::SPURIOUS_RETRANSMISSION | tcp_flags::KEEP_ALIVE;
        if p.analysis & skip != 0 {
            return TcpVerdict::NotMine;
        }
        let stream = self.streams.entry(p.stream).or_default();
        if stream.app.is_none() {
            stream.app = tcp_app(p);
        }
        let Some(app) = stream.app else {
            return TcpVerdict::NotMine;
        };
        let dir = usize::from(!p.from_client);
        let mut msp = stream.dirs[dir].msp.take();
        let seq = p.seq;
        let mut claimed = false;
        let mut pos = 0usize;

        if let Some(m) = msp.as_mut() {
            let rel = seq.wrapping_sub(m.seq);
            let inside = match m.len {
                Some(len) => rel < len,
                // Unknown length: the next in-order bytes continue it.
                None => rel == m.contiguous(),
            };
            let end = rel.wrapping_add(p.payload.len() as u32);
            let duplicate = rel == 0 && m.have.iter().any(|&(s, e)| s == 0 && end <= e);
            if inside && duplicate {
                // A copy of the PDU's first segment: "Retransmitted TCP segment data", not
                // dissected (copies of later segments are added again, as Wireshark does).
                stream.dirs[dir].msp = msp;
                return TcpVerdict::NotMine;
            }
            if inside && (rel as i32) >= 0 {
                let take = match m.len {
                    Some(len) => p.payload.len().min((len - rel) as usize),
                    None => p.payload.len(),
                };
                m.add(rel, p.payload.get(..take).unwrap_or_default());
                if m.have.len() > MAX_PDU_RANGES {
                    return TcpVerdict::SegmentOfPdu;
                }
                let complete = match m.len {
                    Some(len) => m.have.first() == Some(&(0, len)),
                    None => true,
                };
                if !complete {
                    stream.dirs[dir].msp = msp;
                    return TcpVerdict::SegmentOfPdu;
                }
                let Some(m) = msp.take() else {
                    return TcpVerdict::NotMine;
                };
                if let Some(len) = m.len {
                    stream.dirs[dir].done = Some((m.seq, m.seq.wrapping_add(len)));
                }
                pos = take;
                let name = format!("Reassembled TCP ({} bytes)", m.contiguous());
                let known_len = m.len.is_some();
                let data = m.data;
                let src = d.add_source(name, data.clone());
                let mut at = 0usize;
                while at < data.len() {
                    let rest = data.get(at..).unwrap_or_default();
                    match self.frame(app, p, rest) {
                        Framing::Pdu(n) => {
                            let n = n.clamp(1, rest.len());
                            let pdu = Pdu {
                                bytes: rest.get(..n).unwrap_or_default(),
                                source: src,
                                offset: at,
                            };
                            claimed |= self.dissect_pdu(app, ctx, d, p, pdu, claimed);
                            at += n;
                        }
                        Framing::Need(total) => {
                            if known_len {
                                // A PDU longer than announced: dissect what there is.
                                let pdu = Pdu {
                                    bytes: rest,
                                    source: src,
                                    offset: at,
                                };
                                claimed |= self.dissect_pdu(app, ctx, d, p, pdu, claimed);
                            } else {
                                let start = m.seq.wrapping_add(at as u32);
                                msp = Some(Msp::new(start, total, rest));
                            }
                            break;
                        }
                    }
                }
                if msp.is_some() {
                    // The rest of this segment is inside the new PDU.
                    let stream = self.streams.entry(p.stream).or_default();
                    stream.dirs[dir].msp = msp;
                    return if claimed {
                        TcpVerdict::Claimed
                    } else {
                        TcpVerdict::SegmentOfPdu
                    };
                }
            } else if (rel as i32) < 0 {
                // Before the PDU under reassembly: data we do not dissect again.
                let stream = self.streams.entry(p.stream).or_default();
                stream.dirs[dir].msp = msp;
                return TcpVerdict::NotMine;
            }
            // Past it (a lost segment): dissected afresh below; the old PDU never completes.
        }
        if pos == 0 {
            if let Some((start, end)) = self.streams.get(&p.stream).and_then(|s| s.dirs[dir].done) {
                let rel = seq.wrapping_sub(start);
                if rel == 0 {
                    // A copy of the PDU's first segment: "Retransmitted TCP segment data".
                    return TcpVerdict::NotMine;
                }
                if rel < end.wrapping_sub(start) {
                    return TcpVerdict::ReassemblyError;
                }
            }
        }
        while pos < p.payload.len() {
            let rest = p.payload.get(pos..).unwrap_or_default();
            match self.frame(app, p, rest) {
                Framing::Pdu(n) => {
                    let n = n.clamp(1, rest.len());
                    let pdu = Pdu {
                        bytes: rest.get(..n).unwrap_or_default(),
                        source: 0,
                        offset: p.offset + pos,
                    };
                    claimed |= self.dissect_pdu(app, ctx, d, p, pdu, claimed);
                    pos += n;
                }
                Framing::Need(total) => {
                    let start = seq.wrapping_add(pos as u32);
                    let stream = self.streams.entry(p.stream).or_default();
                    stream.dirs[dir].msp = Some(Msp::new(start, total, rest));
                    return if claimed {
                        TcpVerdict::Claimed
                    } else {
                        TcpVerdict::SegmentOfPdu
                    };
                }
            }
        }
        if claimed {
            TcpVerdict::Claimed
        } else {
            TcpVerdict::NotMine
        }
    }

    /// The length of the PDU at the start of `bytes`.
    fn frame(&mut self, app: TcpApp, p: &TcpPayload<'_>, bytes: &[u8]) -> Framing {
        match app {
            TcpApp::Dns => dns::frame_tcp(bytes),
            TcpApp::Tls => tls::frame(bytes),
            TcpApp::Http => self.http.frame(p.stream, p.from_client, bytes),
            TcpApp::Sip => sip::frame_tcp(bytes),
        }
    }

    /// Dissects one PDU; `more` is true when an earlier PDU of this frame was dissected.
    fn dissect_pdu(
        &mut self,
        app: TcpApp,
        ctx: &mut FrameCtx<'_>,
        d: &mut Dissection,
        p: &TcpPayload<'_>,
        pdu: Pdu<'_>,
        more: bool,
    ) -> bool {
        // TCP's Info is cut back to its fence for the application's text; restored when the
        // dissector turns the bytes down.
        let saved = (!more && d.columns).then(|| {
            let s = d.info.clone();
            clear_to_fence(&mut d.info);
            s
        });
        let claimed = match app {
            TcpApp::Dns => {
                let conv = dns::Conversation::Tcp(p.stream);
                self.dns.dissect_tcp(ctx, d, pdu, conv, more)
            }
            TcpApp::Tls => self.tls.dissect_record(ctx, d, p, pdu, more),
            TcpApp::Http => self.http.dissect(ctx, d, p, pdu, more),
            TcpApp::Sip => sip::dissect_message(&mut self.sip, d, pdu, false),
        };
        if let (false, Some(s)) = (claimed, saved) {
            d.info = s;
        }
        claimed
    }
}

#[cfg(test)]
#[path = "app_corpus.rs"]
pub(crate) mod corpus;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_fence_keeps_tcp_prefixes() {
        let mut s = String::from("[TCP Previous segment not captured] 80 → 1 [ACK] Seq=1");
        clear_to_fence(&mut s);
        assert_eq!(s, "[TCP Previous segment not captured] ");
        let mut s = String::from("80 → 1 [ACK]");
        clear_to_fence(&mut s);
        assert_eq!(s, "");
    }

    #[test]
    fn test_udp_ports_lower_first() {
        assert_eq!(udp_app(40000, 53), Some(UdpApp::Dns(dns::Flavor::Dns)));
        assert_eq!(udp_app(5353, 5353), Some(UdpApp::Dns(dns::Flavor::Mdns)));
        assert_eq!(udp_app(68, 67), Some(UdpApp::Dhcp));
        assert_eq!(udp_app(53, 5060), Some(UdpApp::Dns(dns::Flavor::Dns)));
        assert_eq!(udp_app(40000, 5060), Some(UdpApp::Sip));
        assert_eq!(udp_app(40000, 40001), None);
    }

    #[test]
    fn test_msp_ranges_merge() {
        let mut m = Msp::new(10, Some(10), b"abc");
        m.add(6, b"ghij");
        assert_eq!(m.have, vec![(0, 3), (6, 10)]);
        m.add(3, b"def");
        assert_eq!(m.have, vec![(0, 10)]);
        assert_eq!(&m.data, b"abcdefghij");
    }
}
