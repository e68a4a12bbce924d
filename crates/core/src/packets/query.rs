//! The packet engine's front door for the CLI, the MCP server and the web worker: a [`Plan`]
//! (what to dissect: a display filter's fields, printed fields, columns or whole trees), the
//! two passes that run it over a capture's bytes ([`Scan`]), and the serializable shapes a
//! frame is shown in ([`PacketRow`], [`FrameTree`]).

use serde::Serialize;

use super::engine::{Annotations, Engine, EngineOptions};
use super::field::{FieldDef, Value};
use super::proto::{frame, icmp, ip, tcp};
use super::registry;
use super::tree::{DataSource, Dissection, Item, Wants};

/// Something that selects frames from their dissection: a compiled display filter.
pub trait Matcher {
    /// Every field and protocol the matcher reads (the engine produces only these).
    fn fields(&self) -> Vec<&'static FieldDef>;
    /// Whether frame bytes must be kept (slices, `contains` on protocols).
    fn needs_bytes(&self) -> bool;
    fn matches(&self, d: &Dissection) -> bool;
}

/// Fields known only after the whole capture was read once (`tshark -2`): asking for one of
/// them, or for the Info column that mentions them, needs a first pass.
pub fn forward_fields() -> Vec<&'static FieldDef> {
    let mut v: Vec<&'static FieldDef> = vec![
        &ip::REASSEMBLED_IN,
        &icmp::RESP_IN,
        &icmp::NO_RESP,
        &icmp::V6_RESP_IN,
        &tcp::INITIAL_RTT,
    ];
    v.extend(super::proto::app::FORWARD_FIELDS.iter().copied());
    v
}

/// A field name that is not in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownField(pub String);

impl std::fmt::Display for UnknownField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "\"{}\" is neither a field nor a protocol name.", self.0)
    }
}

impl std::error::Error for UnknownField {}

/// What to dissect, decided once before reading.
pub struct Plan {
    matcher: Option<Box<dyn Matcher>>,
    /// Fields printed per frame (`-e`), in order.
    pub fields: Vec<&'static FieldDef>,
    /// Build the Protocol/Info (and other) columns.
    pub columns: bool,
    /// Build whole trees (packet details) for the frames shown.
    pub trees: bool,
    wants: Wants,
    keep_bytes: bool,
    two_pass: bool,
}

impl Plan {
    /// A plan for `matcher` (if any), the named `fields`, and columns / trees.
    pub fn new(
        matcher: Option<Box<dyn Matcher>>,
        fields: &[&str],
        columns: bool,
        trees: bool,
    ) -> Result<Plan, UnknownField> {
        let mut printed = Vec::with_capacity(fields.len());
        for name in fields {
            let def = registry::lookup(name).ok_or_else(|| UnknownField(name.to_string()))?;
            printed.push(def);
        }
        let mut wanted: Vec<&'static FieldDef> = printed.clone();
        let mut keep_bytes = trees;
        if let Some(m) = &matcher {
            wanted.extend(m.fields());
            keep_bytes |= m.needs_bytes();
        }
        // `_ws.col.*` fields need the columns; the Time column reads the relative time.
        let columns = columns
            || wanted
                .iter()
                .any(|d| frame::COLUMN_FIELDS.iter().any(|c| c.is(d)));
        if wanted.iter().any(|d| d.is(&frame::COL_TIME)) {
            wanted.push(&frame::TIME_RELATIVE);
        }
        if wanted.iter().any(|d| d.is(&frame::TIME_DELTA_DISPLAYED)) {
            wanted.push(&frame::TIME_DELTA_DISPLAYED);
        }
        let forward = forward_fields();
        let two_pass = trees || columns || wanted.iter().any(|d| forward.iter().any(|f| f.is(d)));
        let wants = if trees {
            Wants::All
        } else {
            wanted.sort_by_key(|d| *d as *const FieldDef as usize);
            wanted.dedup_by(|a, b| a.is(b));
            Wants::Only(wanted)
        };
        Ok(Plan {
            matcher,
            fields: printed,
            columns,
            trees,
            wants,
            keep_bytes,
            two_pass,
        })
    }

    /// Whether a first pass over the capture is needed before the one that shows frames.
    pub fn needs_first_pass(&self) -> bool {
        self.two_pass
    }

    /// An engine for the first pass (collects forward references). Feed it the whole
    /// capture, then give [`Engine::take_learned`] to [`Plan::scan`].
    pub fn first_pass(&self) -> Engine {
        Engine::new(EngineOptions {
            // Everything that learns forward references must run: dissect fully, no texts.
            wants: Wants::Only(forward_fields()),
            columns: true,
            keep_bytes: false,
            annotations: None,
            learn: true,
            focus: None,
        })
    }

    /// The pass that shows frames.
    pub fn scan(self, annotations: Option<Annotations>) -> Scan {
        self.scan_focused(annotations, None)
    }

    /// The pass that shows frames; with `focus`, only that frame is dissected as planned
    /// (the others only advance the dissectors' state), for one frame's details.
    pub fn scan_focused(self, annotations: Option<Annotations>, focus: Option<u64>) -> Scan {
        let engine = Engine::new(EngineOptions {
            wants: self.wants.clone(),
            columns: self.columns,
            keep_bytes: self.keep_bytes,
            annotations: annotations.map(std::sync::Arc::new),
            learn: false,
            focus,
        });
        Scan {
            engine,
            plan: self,
            frames: 0,
            displayed: 0,
            prev_displayed_ns: None,
        }
    }
}

/// The second (or only) pass: feed the capture; frames the matcher selects are passed on.
pub struct Scan {
    engine: Engine,
    plan: Plan,
    frames: u64,
    displayed: u64,
    prev_displayed_ns: Option<i64>,
}

impl Scan {
    /// Feeds a chunk; `on_match` sees each displayed frame (with `frame.time_delta_displayed`
    /// filled in).
    pub fn feed(&mut self, chunk: &[u8], mut on_match: impl FnMut(&Dissection)) {
        let Scan {
            engine,
            plan,
            frames,
            displayed,
            prev_displayed_ns,
        } = self;
        engine.feed(chunk, |d| {
            show(plan, frames, displayed, prev_displayed_ns, d, &mut on_match)
        });
    }

    /// Ends the input.
    pub fn finish(&mut self, mut on_match: impl FnMut(&Dissection)) {
        let Scan {
            engine,
            plan,
            frames,
            displayed,
            prev_displayed_ns,
        } = self;
        engine.finish(|d| show(plan, frames, displayed, prev_displayed_ns, d, &mut on_match));
    }

    /// Frames read and frames displayed so far.
    pub fn counts(&self) -> (u64, u64) {
        (self.frames, self.displayed)
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    pub fn plan(&self) -> &Plan {
        &self.plan
    }
}

fn show(
    plan: &Plan,
    frames: &mut u64,
    displayed: &mut u64,
    prev_displayed_ns: &mut Option<i64>,
    d: &Dissection,
    on_match: &mut impl FnMut(&Dissection),
) {
    *frames += 1;
    if let Some(m) = &plan.matcher {
        if !m.matches(d) {
            return;
        }
    }
    *displayed += 1;
    let now = d
        .values(&frame::TIME_EPOCH)
        .next()
        .and_then(|i| match i.value {
            Value::AbsTime { secs, nanos } => Some(
                secs.saturating_mul(1_000_000_000)
                    .saturating_add(i64::from(nanos)),
            ),
            _ => None,
        });
    let has_delta = d.values(&frame::TIME_DELTA_DISPLAYED).next().is_some();
    if has_delta {
        let delta = match (now, *prev_displayed_ns) {
            (Some(n), Some(p)) => n.saturating_sub(p),
            _ => 0,
        };
        *prev_displayed_ns = now.or(*prev_displayed_ns);
        let mut owned = d.clone();
        for it in owned.items.iter_mut() {
            if it.def.is(&frame::TIME_DELTA_DISPLAYED) {
                it.value = Value::RelTime(delta);
            }
        }
        on_match(&owned);
    } else {
        on_match(d);
    }
}

/// Runs a plan over a whole capture held in memory (tests, small files).
pub fn scan_bytes(plan: Plan, bytes: &[u8], mut on_match: impl FnMut(&Dissection)) -> Scan {
    let learned = if plan.needs_first_pass() {
        let mut first = plan.first_pass();
        first.feed(bytes, |_| {});
        first.finish(|_| {});
        first.take_learned()
    } else {
        None
    };
    let mut scan = plan.scan(learned);
    scan.feed(bytes, &mut on_match);
    scan.finish(&mut on_match);
    scan
}

/// One row of the packet list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PacketRow {
    pub number: u64,
    /// Seconds since the first frame.
    pub time: f64,
    pub source: String,
    pub destination: String,
    pub protocol: String,
    /// Bytes on the wire.
    pub length: u32,
    pub info: String,
}

impl PacketRow {
    /// The row of a dissection built with columns (and `frame.time_relative`, `frame.len`).
    pub fn from_dissection(d: &Dissection) -> PacketRow {
        let rel = d
            .values(&frame::TIME_RELATIVE)
            .next()
            .map(|i| match i.value {
                Value::RelTime(n) => n as f64 / 1e9,
                _ => 0.0,
            });
        let len = d
            .values(&frame::LEN)
            .next()
            .and_then(|i| i.value.as_u64())
            .unwrap_or(0);
        PacketRow {
            number: d.frame,
            time: rel.unwrap_or(0.0),
            source: d.src.to_string(),
            destination: d.dst.to_string(),
            protocol: d.protocol.to_string(),
            length: u32::try_from(len).unwrap_or(u32::MAX),
            info: d.info.clone(),
        }
    }

    /// The fields a row needs beyond the columns.
    pub fn fields() -> [&'static str; 2] {
        ["frame.time_relative", "frame.len"]
    }
}

/// One node of a frame's dissection tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TreeNode {
    /// The tree's line ("Source Port: 57518").
    pub label: String,
    /// Wireshark's field name (`tcp.srcport`).
    pub field: &'static str,
    /// The value as `tshark -T fields` prints it (empty for protocols and labels).
    pub value: String,
    /// Data source index and byte range (`len` 0: generated, no bytes).
    pub source: u8,
    pub start: u32,
    pub len: u32,
    pub generated: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<TreeNode>,
}

/// One frame's packet details: the tree, the bytes, the columns.
#[derive(Debug, Clone, Serialize)]
pub struct FrameTree {
    pub frame: u64,
    pub protocol: String,
    pub info: String,
    pub layers: Vec<TreeNode>,
    /// Data sources: 0 is the frame; others are reassembled PDUs.
    pub sources: Vec<DataSource>,
}

impl FrameTree {
    /// Builds the tree from a dissection made with `Wants::All` (hidden items are left out).
    pub fn from_dissection(d: &Dissection) -> FrameTree {
        let visible: Vec<&Item> = d.items.iter().filter(|i| !i.hidden).collect();
        let mut pos = 0;
        let layers = build_children(&visible, &mut pos, 0);
        FrameTree {
            frame: d.frame,
            protocol: d.protocol.to_string(),
            info: d.info.clone(),
            layers,
            sources: d.sources.clone(),
        }
    }

    /// The tree as indented text, like `tshark -V` (two spaces per level).
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        fn walk(out: &mut String, nodes: &[TreeNode], depth: usize) {
            for n in nodes {
                for _ in 0..depth {
                    out.push_str("    ");
                }
                out.push_str(&n.label);
                out.push('\n');
                walk(out, &n.children, depth + 1);
            }
        }
        walk(&mut out, &self.layers, 0);
        out
    }
}

fn build_children(items: &[&Item], pos: &mut usize, depth: u8) -> Vec<TreeNode> {
    let mut out = Vec::new();
    while let Some(it) = items.get(*pos) {
        if it.depth < depth {
            break;
        }
        *pos += 1;
        let mut value = String::new();
        it.def.write_field_value(&mut value, &it.value);
        let mut node = TreeNode {
            label: it.label(),
            field: it.def.name,
            value,
            source: it.source,
            start: it.start,
            len: it.len,
            generated: it.generated,
            children: Vec::new(),
        };
        if items.get(*pos).is_some_and(|n| n.depth > it.depth) {
            node.children = build_children(items, pos, it.depth + 1);
        }
        out.push(node);
    }
    out
}

/// A hex dump like tshark's `-x`: offset, 16 bytes in hex, then ASCII.
pub fn hex_dump(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    for (i, chunk) in bytes.chunks(16).enumerate() {
        let _ = write!(s, "{:04x}  ", i * 16);
        for k in 0..16 {
            match chunk.get(k) {
                Some(b) => {
                    let _ = write!(s, "{b:02x} ");
                }
                None => s.push_str("   "),
            }
            if k == 7 {
                s.push(' ');
            }
        }
        s.push_str("  ");
        for b in chunk {
            s.push(if b.is_ascii_graphic() || *b == b' ' {
                char::from(*b)
            } else {
                '.'
            });
        }
        s.push('\n');
    }
    s
}

/// The values of `def` in a dissection as `tshark -T fields` prints them (occurrences joined
/// by `,`).
pub fn field_text(d: &Dissection, def: &'static FieldDef) -> String {
    let mut out = String::new();
    for (i, it) in d.values(def).enumerate() {
        if i > 0 {
            out.push(',');
        }
        it.def.write_field_value(&mut out, &it.value);
    }
    out
}

impl Matcher for crate::filter::Filter {
    fn fields(&self) -> Vec<&'static FieldDef> {
        crate::filter::Filter::fields(self)
    }
    fn needs_bytes(&self) -> bool {
        crate::filter::Filter::needs_bytes(self)
    }
    fn matches(&self, d: &Dissection) -> bool {
        crate::filter::Filter::matches(self, d)
    }
}
