//! [`Engine`]: the packet loop of the packet engine. It runs the capture reader, the decoder
//! and the TCP engine exactly as [`Analysis`](crate::Analysis) does, then dissects each frame
//! into a [`Dissection`] and hands it to the caller.

use std::collections::HashMap;

use std::fmt::Write as _;
use std::net::IpAddr;

use super::field::{FieldDef, Value};
use super::proto::app::{AppState, TcpPayload, TcpVerdict, UdpPayload};
use super::proto::{self, eth, icmp, igmp, ip, tcp, udp};
use super::tree::{DataSource, Dissection, Wants};
use crate::analyze::defrag::{Defragmenter, Reassembled};
use crate::analyze::tcp::{flags as af, TcpAnalyzer, TcpDetail};
use crate::analyze::Config;
use crate::capture::{Frame, LinkType, Reader};
use crate::decode::decode_frame;

/// Forward references learned in the first pass (`dns.response_in` of a query, found when the
/// response is seen): frame → fields to add to it. Sparse: one entry per matched message.
#[derive(Debug, Default, Clone)]
pub struct Annotations {
    map: HashMap<u64, Vec<(&'static FieldDef, Value)>>,
    /// Each TCP stream's initial RTT as measured by the end of the first pass (Wireshark's
    /// second pass shows it on every frame of the stream that has analysis data).
    irtt: HashMap<u64, i64>,
    /// Made by a whole first pass (not an empty default).
    complete: bool,
}

impl Annotations {
    /// Notes that frame `frame` gets `def = value` in the second pass.
    pub fn add(&mut self, frame: u64, def: &'static FieldDef, value: Value) {
        self.map.entry(frame).or_default().push((def, value));
    }

    /// The values learned for `def` in `frame`.
    pub fn get<'s>(
        &'s self,
        frame: u64,
        def: &'static FieldDef,
    ) -> impl Iterator<Item = &'s Value> + 's {
        self.map
            .get(&frame)
            .into_iter()
            .flatten()
            .filter(move |(d, _)| d.is(def))
            .map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// Notes a TCP stream's initial RTT (the first one measured).
    pub fn learn_irtt(&mut self, stream: u64, irtt_ns: i64) {
        if irtt_ns != 0 {
            self.irtt.entry(stream).or_insert(irtt_ns);
        }
    }

    /// The initial RTT to show for a stream: the first pass's when there was one, else what
    /// the analysis knows so far (`current`).
    pub fn irtt(&self, stream: u64, current: i64) -> i64 {
        if self.complete {
            self.irtt.get(&stream).copied().unwrap_or(0)
        } else {
            current
        }
    }

    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }
}

/// What a dissector knows about the frame beyond its bytes.
pub struct FrameCtx<'c> {
    pub number: u64,
    /// Absolute time in nanoseconds since the epoch.
    pub ts_ns: i64,
    /// Forward references from the first pass (empty during the first pass itself).
    pub annotations: &'c Annotations,
    /// Set during the first pass: where dissectors note forward references.
    pub learn: Option<&'c mut Annotations>,
}

impl FrameCtx<'_> {
    /// Notes a forward reference (first pass only; a no-op in the second).
    pub fn learn(&mut self, frame: u64, def: &'static FieldDef, value: Value) {
        if let Some(l) = self.learn.as_deref_mut() {
            l.add(frame, def, value);
        }
    }
}

/// How to run the engine.
#[derive(Debug, Clone, Default)]
pub struct EngineOptions {
    /// Which fields to produce (a filter's and the printed ones; `All` for trees).
    pub wants: Wants,
    /// Build the Protocol and Info columns.
    pub columns: bool,
    /// Keep each frame's bytes in `sources[0]` (trees, slices, `contains` on protocols).
    pub keep_bytes: bool,
    /// Forward references from a first pass ([`Engine::learned`] of an engine run with
    /// `learn`).
    pub annotations: Option<std::sync::Arc<Annotations>>,
    /// This is a first pass: collect forward references.
    pub learn: bool,
    /// Dissect only this frame as asked (`wants`, columns, bytes); every other frame runs
    /// through the dissectors' state with nothing recorded (packet details of one frame).
    pub focus: Option<u64>,
}

/// Frame-level facts the `frame` dissector needs from earlier frames.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct FrameClock {
    /// First frame's time (ns since the epoch), for `frame.time_relative`.
    pub first_ns: Option<i64>,
    /// Previous captured frame's time, for `frame.time_delta`.
    pub prev_ns: Option<i64>,
}

/// The packet loop. Feed file chunks; each frame's dissection is passed to the callback.
pub struct Engine {
    reader: Reader,
    tcp: TcpAnalyzer,
    app: AppState,
    state: DissectState,
    dissection: Dissection,
    keep_bytes: bool,
    annotations: std::sync::Arc<Annotations>,
    learned: Option<Annotations>,
    focus: Option<Focus>,
    /// The plan reads something above TCP/UDP (or columns, or whole trees).
    app_needed: bool,
}

/// Protocols whose fields the engine produces without the application dissectors.
const BELOW_APPLICATION: &[&str] = &[
    "frame",
    "eth",
    "ethertype",
    "vlan",
    "sll",
    "null",
    "raw",
    "arp",
    "ip",
    "ipv6",
    "icmp",
    "icmpv6",
    "igmp",
    "tcp",
    "udp",
];

/// Whether a plan needs the application dissectors.
fn needs_application(wants: &Wants, columns: bool) -> bool {
    match wants {
        Wants::All => true,
        Wants::Only(list) => {
            columns
                || list
                    .iter()
                    .any(|d| !BELOW_APPLICATION.contains(&d.protocol_name()))
        }
    }
}

/// The settings of the focused frame, and the quiet ones used for the others.
struct Focus {
    frame: u64,
    wants: Wants,
    columns: bool,
    keep_bytes: bool,
}

impl Focus {
    /// Sets `d` (and the byte keeping) for `frame`.
    fn apply(&self, frame: u64, d: &mut Dissection, keep_bytes: &mut bool) {
        if frame == self.frame {
            d.wants = self.wants.clone();
            d.columns = self.columns;
            *keep_bytes = self.keep_bytes;
        } else {
            d.wants = Wants::Only(Vec::new());
            d.columns = false;
            *keep_bytes = false;
        }
    }
}

impl Engine {
    pub fn new(opts: EngineOptions) -> Engine {
        let focus = opts.focus.map(|frame| Focus {
            frame,
            wants: opts.wants.clone(),
            columns: opts.columns,
            keep_bytes: opts.keep_bytes,
        });
        let app_needed = needs_application(&opts.wants, opts.columns) || opts.learn;
        let mut dissection = Dissection::new(opts.wants, opts.columns);
        dissection.sources.push(DataSource::default());
        Engine {
            reader: Reader::new(),
            tcp: TcpAnalyzer::new(&Config::default()),
            app: AppState::default(),
            state: DissectState::default(),
            dissection,
            keep_bytes: opts.keep_bytes,
            annotations: opts.annotations.unwrap_or_default(),
            learned: opts.learn.then(Annotations::default),
            focus,
            app_needed,
        }
    }

    /// Feeds the next chunk of the file; `on_frame` sees every frame completed by it.
    pub fn feed(&mut self, chunk: &[u8], mut on_frame: impl FnMut(&Dissection)) {
        let Engine {
            reader,
            tcp,
            app,
            state,
            dissection,
            keep_bytes,
            annotations,
            learned,
            focus,
            app_needed,
        } = self;
        reader.feed(chunk, |frame| {
            if let Some(f) = focus {
                f.apply(frame.number, dissection, keep_bytes);
            }
            let mut ctx = FrameCtx {
                number: frame.number,
                ts_ns: ts_ns(frame),
                annotations,
                learn: learned.as_mut(),
            };
            dissect_frame(
                frame,
                &mut ctx,
                tcp,
                app_needed.then_some(&mut *app),
                state,
                dissection,
                *keep_bytes,
            );
            on_frame(dissection);
        });
    }

    /// Ends the input (flushes a last frame held by the reader).
    pub fn finish(&mut self, mut on_frame: impl FnMut(&Dissection)) {
        let Engine {
            reader,
            tcp,
            app,
            state,
            dissection,
            keep_bytes,
            annotations,
            learned,
            focus,
            app_needed,
        } = self;
        reader.finish(|frame| {
            if let Some(f) = focus {
                f.apply(frame.number, dissection, keep_bytes);
            }
            let mut ctx = FrameCtx {
                number: frame.number,
                ts_ns: ts_ns(frame),
                annotations,
                learn: learned.as_mut(),
            };
            dissect_frame(
                frame,
                &mut ctx,
                tcp,
                app_needed.then_some(&mut *app),
                state,
                dissection,
                *keep_bytes,
            );
            on_frame(dissection);
        });
    }

    /// True once the reader gave up (not a capture, or unrecoverable damage).
    pub fn is_stopped(&self) -> bool {
        self.reader.is_stopped()
    }

    /// The reader's state: damage warnings, truncation, the error that stopped it.
    pub fn reader(&self) -> &Reader {
        &self.reader
    }

    /// The forward references learned (an engine built with `learn`).
    pub fn take_learned(&mut self) -> Option<Annotations> {
        let mut l = self.learned.take()?;
        l.complete = true;
        Some(l)
    }
}

fn ts_ns(frame: &Frame<'_>) -> i64 {
    frame
        .ts
        .secs
        .saturating_mul(1_000_000_000)
        .saturating_add(i64::from(frame.ts.nanos))
}

/// Per-capture state of the dissectors (everything the loop keeps between frames).
#[derive(Default)]
pub(crate) struct DissectState {
    pub clock: FrameClock,
    pub udp: udp::UdpState,
    pub icmp: icmp::IcmpState,
    pub defrag: Defragmenter,
    /// Frames of IP datagrams being reassembled, for `ip.reassembled_in`.
    pub fragments: HashMap<(IpAddr, IpAddr, u32, u8), Vec<u64>>,
}

/// Nested link/tunnel layers followed before giving up (VLAN stacks, IP in IP).
pub const MAX_LAYERS: usize = 8;
/// Datagrams whose fragment frames are remembered at once.
const MAX_FRAGMENTED_DATAGRAMS: usize = 10_000;

/// Dissects one frame into `d`.
#[allow(clippy::too_many_arguments)]
fn dissect_frame(
    frame: &Frame<'_>,
    ctx: &mut FrameCtx<'_>,
    tcp: &mut TcpAnalyzer,
    app: Option<&mut AppState>,
    st: &mut DissectState,
    d: &mut Dissection,
    keep_bytes: bool,
) {
    d.reset(frame.number);
    if keep_bytes {
        if let Some(src) = d.sources.first_mut() {
            src.bytes.extend_from_slice(frame.data);
            src.name = format!("Frame ({} bytes)", frame.data.len());
        }
    }
    let DissectState {
        clock,
        udp: udp_state,
        icmp: icmp_state,
        defrag,
        fragments,
    } = st;
    let packet = decode_frame(frame);
    let mut detail = TcpDetail::default();
    let tcp_seen = tcp.on_packet_detail(&packet, &mut detail).is_some();
    let quoted_tcp = (!tcp_seen && detail.quoted).then_some(detail);
    let reassembled = match &packet.ip {
        Some(ip) => defrag.on_ip(packet.meta.number, packet.meta.ts, ip),
        None => None,
    };
    proto::frame::dissect(frame, ctx, clock, d);
    let data = frame.data;
    let mut next = match frame.link_type {
        LinkType::ETHERNET => eth::dissect_eth(data, d),
        LinkType::LINUX_SLL => eth::dissect_sll(data, d),
        LinkType::LINUX_SLL2 => eth::dissect_sll2(data, d),
        LinkType::NULL | LinkType(108) => eth::dissect_null(data, d),
        LinkType::RAW | LinkType(228) | LinkType(229) | LinkType(12) | LinkType(14) => {
            eth::dissect_raw(data, d)
        }
        other => {
            d.protocol = "Unknown";
            if d.columns {
                d.info = format!("WTAP_ENCAP = {}", other.0);
            }
            eth::Next::End
        }
    };
    let tcp_detail = tcp_seen.then_some(&detail);
    let quoted_tcp = quoted_tcp.as_ref();
    let mut layers = Layers {
        ctx,
        app,
        udp: udp_state,
        icmp: icmp_state,
        fragments,
        tcp_detail,
        quoted_tcp,
        reassembled: reassembled.as_ref(),
    };
    for _ in 0..MAX_LAYERS {
        next = match next {
            eth::Next::EtherType(0x8100 | 0x88a8 | 0x9100, off) => {
                d.layer(&eth::ETHERTYPE);
                eth::dissect_vlan(data, off, d)
            }
            eth::Next::EtherType(ty, off) => {
                d.layer(&eth::ETHERTYPE);
                match ty {
                    0x0800 => layers.ip(data, off, 4, d),
                    0x86dd => layers.ip(data, off, 6, d),
                    0x0806 => {
                        ip::dissect_arp(data, off, false, d);
                        eth::Next::End
                    }
                    0x8035 => {
                        ip::dissect_arp(data, off, true, d);
                        eth::Next::End
                    }
                    _ => {
                        udp::dissect_data(data, off, data.len(), 0, d);
                        if d.protocol.is_empty() {
                            d.protocol = "Ethernet";
                        }
                        eth::Next::End
                    }
                }
            }
            eth::Next::Ip(off) => {
                let version = data.get(off).map_or(0, |b| b >> 4);
                layers.ip(data, off, version, d)
            }
            eth::Next::End => break,
        };
    }
    // A link layer whose payload nothing dissects (SLL with a Linux protocol number).
    if let (Some(off), true) = (link_payload_end(frame.link_type), d.layers.len() == 2) {
        udp::dissect_data(data, off, data.len(), 0, d);
    }
    if d.protocol.is_empty() {
        d.protocol = "Frame";
    }
    if d.columns {
        column_fields(frame, d);
    }
    if d.wants(&proto::frame::PROTOCOLS) {
        let protocols = d.layers.get(1..).unwrap_or_default().join(":");
        d.generated_at(1, &proto::frame::PROTOCOLS, Value::str(protocols));
    }
}

/// Where an undissected link payload starts (only for link types whose payload can be
/// left over: Linux cooked captures).
fn link_payload_end(link: LinkType) -> Option<usize> {
    match link {
        LinkType::LINUX_SLL => Some(16),
        LinkType::LINUX_SLL2 => Some(20),
        _ => None,
    }
}

/// The `_ws.col.*` fields a plan asks for (the Time column is relative, as tshark's default).
fn column_fields(frame: &Frame<'_>, d: &mut Dissection) {
    use proto::frame as f;
    if d.wants.is_all() {
        return;
    }
    if d.wants(&f::COL_NUMBER) {
        d.generated(&f::COL_NUMBER, Value::str(frame.number.to_string()));
    }
    if d.wants(&f::COL_TIME) {
        let rel = d
            .values(&f::TIME_RELATIVE)
            .next()
            .map(|i| match i.value {
                Value::RelTime(n) => n,
                _ => 0,
            })
            .unwrap_or(0);
        d.generated(&f::COL_TIME, Value::str(format!("{:.6}", rel as f64 / 1e9)));
    }
    if d.wants(&f::COL_SOURCE) {
        let s = d.src.to_string();
        d.generated(&f::COL_SOURCE, Value::str(s));
    }
    if d.wants(&f::COL_DESTINATION) {
        let s = d.dst.to_string();
        d.generated(&f::COL_DESTINATION, Value::str(s));
    }
    if d.wants(&f::COL_PROTOCOL) {
        d.generated(&f::COL_PROTOCOL, Value::str(d.protocol));
    }
    if d.wants(&f::COL_LENGTH) {
        d.generated(&f::COL_LENGTH, Value::str(frame.orig_len.to_string()));
    }
    if d.wants(&f::COL_INFO) {
        let info = d.info.clone();
        d.generated(&f::COL_INFO, Value::str(info));
    }
}

/// The network layer and up, with what they need from the loop.
struct Layers<'a, 'c> {
    ctx: &'a mut FrameCtx<'c>,
    /// `None` when the plan reads nothing above TCP/UDP: the application dissectors (and
    /// their reassembly) are skipped altogether.
    app: Option<&'a mut AppState>,
    udp: &'a mut udp::UdpState,
    icmp: &'a mut icmp::IcmpState,
    fragments: &'a mut HashMap<(IpAddr, IpAddr, u32, u8), Vec<u64>>,
    tcp_detail: Option<&'a TcpDetail>,
    /// The TCP engine's view of a TCP header quoted in an ICMP error.
    quoted_tcp: Option<&'a TcpDetail>,
    reassembled: Option<&'a Reassembled<'a>>,
}

impl Layers<'_, '_> {
    /// The datagram quoted in an ICMP error, as layers nested under ICMP (columns untouched,
    /// nothing counted or matched).
    fn quoted(&mut self, data: &[u8], off: usize, end: usize, source: u8, d: &mut Dissection) {
        let inner = data.get(..end.min(data.len())).unwrap_or(data);
        let Some(&first) = inner.get(off) else {
            return;
        };
        let columns = d.columns;
        d.columns = false;
        let prev = d.nest();
        let n = match first >> 4 {
            4 => ip::dissect_ipv4(inner, off, source, d),
            6 => ip::dissect_ipv6(inner, off, source, d),
            _ => None,
        };
        if let Some(n) = n.filter(|n| !n.fragment || n.first_fragment) {
            // The quoted header's lengths describe the original datagram, not this copy.
            let qend = inner.len();
            match n.protocol {
                6 => {
                    tcp::dissect(inner, n.payload, qend, source, self.quoted_tcp, 0, d);
                }
                17 => {
                    if let Some(u) = udp::dissect(inner, n.payload, qend, source, None, self.udp, d)
                    {
                        let payload = inner.get(u.payload..u.end).unwrap_or(&[]);
                        if !payload.is_empty() {
                            let claimed = self.app.as_deref_mut().is_some_and(|app| {
                                app.dissect_udp(
                                    self.ctx,
                                    d,
                                    &UdpPayload {
                                        src_addr: n.src,
                                        dst_addr: n.dst,
                                        src_port: u.src_port,
                                        dst_port: u.dst_port,
                                        payload,
                                        source,
                                        offset: u.payload,
                                        quoted: true,
                                    },
                                )
                            });
                            if !claimed {
                                udp::dissect_data(inner, u.payload, u.end, source, d);
                            }
                        }
                    }
                }
                1 => icmp::dissect_quoted(inner, n.payload, qend, source, false, d),
                58 => icmp::dissect_quoted(inner, n.payload, qend, source, true, d),
                _ => {}
            }
        }
        d.unnest(prev);
        d.columns = columns;
    }

    /// IPv4 or IPv6 at `off`, then its payload. Returns what follows (IP in IP) or `End`.
    fn ip(&mut self, data: &[u8], off: usize, version: u8, d: &mut Dissection) -> eth::Next {
        let n = match version {
            4 => ip::dissect_ipv4(data, off, 0, d),
            6 => ip::dissect_ipv6(data, off, 0, d),
            _ => None,
        };
        let Some(n) = n else {
            let proto = if version == 6 { &ip::IPV6 } else { &ip::IP };
            let cut = data.len().saturating_sub(off) < if version == 6 { 40 } else { 20 };
            if cut && version == 4 {
                ip::dissect_ipv4_cut(data, off, d);
            } else if cut && version == 6 {
                d.open_protocol(
                    proto,
                    0,
                    off.min(data.len()),
                    data.len().saturating_sub(off),
                );
            }
            if d.columns {
                d.protocol = if version == 6 { "IPv6" } else { "IPv4" };
                d.info = if cut {
                    "[Packet size limited during capture]".to_string()
                } else {
                    format!("Bogus IP version ({version})")
                };
            }
            return eth::Next::End;
        };
        let ipi = icmp::IpInfo {
            src: n.src,
            dst: n.dst,
            ttl: n.ttl,
        };
        if n.fragment {
            let key = (n.src, n.dst, n.ident, n.protocol);
            if let Some(r) = self.reassembled.filter(|r| r.protocol == n.protocol) {
                let frames = self.fragments.remove(&key).unwrap_or_default();
                for f in &frames {
                    self.ctx
                        .learn(*f, &ip::REASSEMBLED_IN, Value::UInt(self.ctx.number));
                }
                let src = d.add_source(
                    format!("Reassembled IPv{} ({} bytes)", version, r.payload.len()),
                    r.payload.to_vec(),
                );
                let payload = r.payload;
                return self.transport(payload, 0, payload.len(), src, &n, ipi, d);
            }
            if self.fragments.len() < MAX_FRAGMENTED_DATAGRAMS || self.fragments.contains_key(&key)
            {
                self.fragments.entry(key).or_default().push(self.ctx.number);
            }
            let into = self
                .ctx
                .annotations
                .get(self.ctx.number, &ip::REASSEMBLED_IN)
                .next()
                .cloned();
            if let Some(v) = &into {
                d.generated(&ip::REASSEMBLED_IN, v.clone());
            }
            udp::dissect_data(data, n.payload, n.end, 0, d);
            if d.columns {
                d.protocol = if version == 6 { "IPv6" } else { "IPv4" };
                d.info.clear();
                if version == 4 {
                    let _ = write!(
                        d.info,
                        "Fragmented IP protocol (proto={} {}, off={}, ID={:04x})",
                        ip::proto_short_name(n.protocol),
                        n.protocol,
                        n.frag_offset,
                        n.ident
                    );
                } else {
                    let _ = write!(
                        d.info,
                        "IPv6 fragment (off={} more=y ident=0x{:08x} nxt={})",
                        n.frag_offset, n.ident, n.protocol
                    );
                }
                if let Some(Value::UInt(f)) = into {
                    let _ = write!(d.info, " [Reassembled in #{f}]");
                }
            }
            return eth::Next::End;
        }
        self.transport(data, n.payload, n.end, 0, &n, ipi, d)
    }

    #[allow(clippy::too_many_arguments)]
    fn transport(
        &mut self,
        data: &[u8],
        off: usize,
        end: usize,
        source: u8,
        n: &ip::IpNext,
        ipi: icmp::IpInfo,
        d: &mut Dissection,
    ) -> eth::Next {
        match n.protocol {
            6 => {
                let irtt = match self.tcp_detail {
                    Some(det) => {
                        if let Some(l) = self.ctx.learn.as_deref_mut() {
                            l.learn_irtt(det.stream, det.irtt_ns);
                        }
                        self.ctx.annotations.irtt(det.stream, det.irtt_ns)
                    }
                    None => 0,
                };
                let Some(t) = tcp::dissect(data, off, end, source, self.tcp_detail, irtt, d) else {
                    return eth::Next::End;
                };
                let payload = data.get(t.payload..t.end).unwrap_or(&[]);
                if payload.is_empty() {
                    return eth::Next::End;
                }
                let verdict = match self.tcp_detail {
                    // Retransmitted data is not dissected again (Wireshark shows it as
                    // "Retransmitted TCP segment data"); a fast retransmission still goes to
                    // reassembly.
                    Some(det)
                        if det.analysis & (af::RETRANSMISSION | af::SPURIOUS_RETRANSMISSION)
                            != 0 =>
                    {
                        if d.wants(&tcp::SEGMENT_DATA) {
                            d.field_in(
                                source,
                                &tcp::SEGMENT_DATA,
                                Value::bytes(payload),
                                t.payload,
                                payload.len(),
                            );
                            d.set_text(|| {
                                format!("Retransmitted TCP segment data ({} bytes)", payload.len())
                            });
                        }
                        TcpVerdict::Claimed
                    }
                    Some(det) if self.app.is_some() => {
                        self.app.as_deref_mut().map_or(TcpVerdict::NotMine, |app| {
                            app.dissect_tcp(
                                self.ctx,
                                d,
                                &TcpPayload {
                                    stream: det.stream,
                                    from_client: det.from_client,
                                    src_port: t.src_port,
                                    dst_port: t.dst_port,
                                    seq: t.seq,
                                    seglen: t.seglen,
                                    analysis: det.analysis,
                                    payload,
                                    offset: t.payload,
                                },
                            )
                        })
                    }
                    _ => TcpVerdict::NotMine,
                };
                match verdict {
                    TcpVerdict::Claimed => {}
                    TcpVerdict::SegmentOfPdu => {
                        if d.columns {
                            d.info.push_str(" [TCP segment of a reassembled PDU]");
                        }
                    }
                    TcpVerdict::ReassemblyError => {
                        if d.columns {
                            d.info.push_str(
                                "[Reassembly error, protocol TCP: New fragment overlaps old data (retransmission?)]",
                            );
                        }
                    }
                    TcpVerdict::NotMine => udp::dissect_data(data, t.payload, t.end, source, d),
                }
                eth::Next::End
            }
            17 => {
                let addrs = Some((n.src, n.dst));
                let Some(u) = udp::dissect(data, off, end, source, addrs, &mut *self.udp, d) else {
                    return eth::Next::End;
                };
                let payload = data.get(u.payload..u.end).unwrap_or(&[]);
                if payload.is_empty() {
                    return eth::Next::End;
                }
                let claimed = self.app.as_deref_mut().is_some_and(|app| {
                    app.dissect_udp(
                        self.ctx,
                        d,
                        &UdpPayload {
                            src_addr: n.src,
                            dst_addr: n.dst,
                            src_port: u.src_port,
                            dst_port: u.dst_port,
                            payload,
                            source,
                            offset: u.payload,
                            quoted: false,
                        },
                    )
                });
                if !claimed {
                    udp::dissect_data(data, u.payload, u.end, source, d);
                }
                eth::Next::End
            }
            1 | 58 => {
                let dissect = if n.protocol == 1 {
                    icmp::dissect_v4
                } else {
                    icmp::dissect_v6
                };
                if let Some(q) = dissect(data, off, end, source, ipi, self.ctx, self.icmp, d) {
                    self.quoted(data, q, end, source, d);
                }
                eth::Next::End
            }
            2 => {
                igmp::dissect(data, off, end, source, d);
                eth::Next::End
            }
            // IP in IP: the inner header follows (frame bytes only).
            4 if source == 0 => eth::Next::Ip(off),
            41 if source == 0 => eth::Next::Ip(off),
            p => {
                udp::dissect_data(data, off, end, source, d);
                if d.columns {
                    d.protocol = if n.src.is_ipv6() { "IPv6" } else { "IPv4" };
                    d.info = format!("{} ({p})", ip::proto_short_name(p));
                }
                eth::Next::End
            }
        }
    }
}
