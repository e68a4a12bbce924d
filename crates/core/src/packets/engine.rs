//! [`Engine`]: the packet loop of the packet engine. It runs the capture reader, the decoder
//! and the TCP engine exactly as [`Analysis`](crate::Analysis) does, then dissects each frame
//! into a [`Dissection`] and hands it to the caller.

use std::collections::HashMap;

use super::field::{FieldDef, Value};
use super::proto::{self, app::AppState};
use super::tree::{DataSource, Dissection, Wants};
use crate::analyze::tcp::TcpAnalyzer;
use crate::analyze::Config;
use crate::capture::{Frame, Reader};
use crate::decode::decode_frame;

/// Forward references learned in the first pass (`dns.response_in` of a query, found when the
/// response is seen): frame → fields to add to it. Sparse: one entry per matched message.
#[derive(Debug, Default, Clone)]
pub struct Annotations {
    map: HashMap<u64, Vec<(&'static FieldDef, Value)>>,
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
    clock: FrameClock,
    dissection: Dissection,
    keep_bytes: bool,
    annotations: std::sync::Arc<Annotations>,
    learned: Option<Annotations>,
}

impl Engine {
    pub fn new(opts: EngineOptions) -> Engine {
        let mut dissection = Dissection::new(opts.wants, opts.columns);
        dissection.sources.push(DataSource::default());
        Engine {
            reader: Reader::new(),
            tcp: TcpAnalyzer::new(&Config::default()),
            app: AppState::default(),
            clock: FrameClock::default(),
            dissection,
            keep_bytes: opts.keep_bytes,
            annotations: opts.annotations.unwrap_or_default(),
            learned: opts.learn.then(Annotations::default),
        }
    }

    /// Feeds the next chunk of the file; `on_frame` sees every frame completed by it.
    pub fn feed(&mut self, chunk: &[u8], mut on_frame: impl FnMut(&Dissection)) {
        let Engine {
            reader,
            tcp,
            app,
            clock,
            dissection,
            keep_bytes,
            annotations,
            learned,
        } = self;
        reader.feed(chunk, |frame| {
            let mut ctx = FrameCtx {
                number: frame.number,
                ts_ns: ts_ns(frame),
                annotations,
                learn: learned.as_mut(),
            };
            dissect_frame(frame, &mut ctx, tcp, app, clock, dissection, *keep_bytes);
            on_frame(dissection);
        });
    }

    /// Ends the input (flushes a last frame held by the reader).
    pub fn finish(&mut self, mut on_frame: impl FnMut(&Dissection)) {
        let Engine {
            reader,
            tcp,
            app,
            clock,
            dissection,
            keep_bytes,
            annotations,
            learned,
        } = self;
        reader.finish(|frame| {
            let mut ctx = FrameCtx {
                number: frame.number,
                ts_ns: ts_ns(frame),
                annotations,
                learn: learned.as_mut(),
            };
            dissect_frame(frame, &mut ctx, tcp, app, clock, dissection, *keep_bytes);
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
        self.learned.take()
    }
}

fn ts_ns(frame: &Frame<'_>) -> i64 {
    frame
        .ts
        .secs
        .saturating_mul(1_000_000_000)
        .saturating_add(i64::from(frame.ts.nanos))
}

/// Dissects one frame into `d`.
fn dissect_frame(
    frame: &Frame<'_>,
    ctx: &mut FrameCtx<'_>,
    tcp: &mut TcpAnalyzer,
    app: &mut AppState,
    clock: &mut FrameClock,
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
    let packet = decode_frame(frame);
    let tcp_ctx = tcp.on_packet(&packet);
    proto::frame::dissect(frame, ctx, clock, d);
    let _ = (tcp_ctx, app);
}
