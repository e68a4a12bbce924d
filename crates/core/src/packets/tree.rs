//! One frame's dissection: a flat list of field items in tree order (each with its depth), the
//! data sources their byte ranges point into, and the Protocol / Info columns.
//!
//! Flat like Wireshark's `proto_tree` walked in order: a filter scans it for the fields it needs,
//! a view rebuilds the tree from the depths. Dissectors add items through [`Dissection::field`]
//! and friends, which skip fields the current plan does not want.

use serde::{Serialize, Serializer};

use super::field::{FieldDef, Value};

/// One field of a frame.
#[derive(Debug, Clone)]
pub struct Item {
    pub def: &'static FieldDef,
    pub value: Value,
    /// Index into [`Dissection::sources`] (0: the frame).
    pub source: u8,
    /// Byte range in that source (`len` 0: generated, no bytes).
    pub start: u32,
    pub len: u32,
    /// Nesting level: a protocol is at 0, its fields at 1, a flag under `tcp.flags` at 2.
    pub depth: u8,
    /// Computed by the analysis, not read from bytes (Wireshark shows these in brackets).
    pub generated: bool,
    /// Present for filters but not drawn in the tree (as Wireshark's hidden `ip.addr`).
    pub hidden: bool,
    /// The tree's text when it is not "Label: value" (protocol headings, flag summaries).
    pub text: Option<Box<str>>,
}

impl Item {
    /// The tree line: the custom text, or "Label: value".
    pub fn label(&self) -> String {
        let text = match &self.text {
            Some(t) => t.to_string(),
            None => match self.value {
                Value::None => self.def.label.to_string(),
                _ => format!(
                    "{}: {}",
                    self.def.label,
                    self.def.display_value(&self.value)
                ),
            },
        };
        if self.generated {
            format!("[{text}]")
        } else {
            text
        }
    }
}

/// Bytes a tree's ranges refer to: the frame, or a reassembled PDU.
#[derive(Debug, Clone, Default, Serialize)]
pub struct DataSource {
    /// "Frame (74 bytes)", "Reassembled TCP (1516 bytes)".
    pub name: String,
    #[serde(serialize_with = "hex_bytes")]
    pub bytes: Vec<u8>,
}

fn hex_bytes<S: Serializer>(b: &[u8], s: S) -> Result<S::Ok, S::Error> {
    let mut out = String::with_capacity(b.len() * 2);
    let _ = super::field::write_hex(&mut out, b);
    s.serialize_str(&out)
}

/// An address shown in the Source or Destination column.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ColumnAddr {
    #[default]
    None,
    Mac([u8; 6]),
    Ip(std::net::IpAddr),
}

impl std::fmt::Display for ColumnAddr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ColumnAddr::None => Ok(()),
            ColumnAddr::Mac(m) => super::field::write_mac(f, m),
            ColumnAddr::Ip(a) => write!(f, "{a}"),
        }
    }
}

/// Which fields a dissection must produce.
#[derive(Debug, Clone, Default)]
pub enum Wants {
    /// Everything, with tree texts (packet details).
    #[default]
    All,
    /// Only these fields (a compiled filter's, or `-e` columns); protocols are always added.
    Only(Vec<&'static FieldDef>),
}

impl Wants {
    #[inline]
    pub fn wants(&self, def: &'static FieldDef) -> bool {
        match self {
            Wants::All => true,
            Wants::Only(list) => list.iter().any(|d| d.is(def)),
        }
    }

    /// True when any wanted field belongs to protocol `proto` (its short name).
    pub fn wants_protocol(&self, proto: &str) -> bool {
        match self {
            Wants::All => true,
            Wants::Only(list) => list.iter().any(|d| d.protocol_name() == proto),
        }
    }

    pub fn is_all(&self) -> bool {
        matches!(self, Wants::All)
    }
}

/// One frame, dissected.
#[derive(Debug, Clone, Default)]
pub struct Dissection {
    pub frame: u64,
    pub items: Vec<Item>,
    /// 0 is the frame's bytes (kept only when the plan needs bytes: trees, slices, `contains`).
    pub sources: Vec<DataSource>,
    /// The Protocol column (the top protocol's short display name).
    pub protocol: &'static str,
    /// The Info column.
    pub info: String,
    /// The Source and Destination columns (network addresses, else link addresses).
    pub src: ColumnAddr,
    pub dst: ColumnAddr,
    /// Protocol names in the order dissected (`frame.protocols`).
    pub layers: Vec<&'static str>,
    /// Build tree texts and keep every field.
    pub wants: Wants,
    /// Whether columns are built.
    pub columns: bool,
    depth: u8,
    /// Depth protocols open at (raised while dissecting a copy nested in another protocol,
    /// e.g. the datagram quoted in an ICMP error).
    base: u8,
}

impl Dissection {
    pub fn new(wants: Wants, columns: bool) -> Dissection {
        Dissection {
            wants,
            columns,
            ..Dissection::default()
        }
    }

    /// Empties the dissection for the next frame, keeping allocations and settings.
    pub fn reset(&mut self, frame: u64) {
        self.frame = frame;
        self.items.clear();
        self.sources.truncate(1);
        if let Some(s) = self.sources.first_mut() {
            s.bytes.clear();
            s.name.clear();
        }
        self.protocol = "";
        self.info.clear();
        self.layers.clear();
        self.src = ColumnAddr::None;
        self.dst = ColumnAddr::None;
        self.depth = 0;
        self.base = 0;
    }

    /// True when the tree's texts are built (packet details, not filtering).
    #[inline]
    pub fn is_tree(&self) -> bool {
        self.wants.is_all()
    }

    #[inline]
    pub fn wants(&self, def: &'static FieldDef) -> bool {
        self.wants.wants(def)
    }

    /// Adds a field read from the frame (or the current source) at `start..start+len`.
    #[inline]
    pub fn field(&mut self, def: &'static FieldDef, value: Value, start: usize, len: usize) {
        self.push(def, value, 0, start, len, false, false);
    }

    /// Adds a field read from data source `source`.
    #[inline]
    pub fn field_in(
        &mut self,
        source: u8,
        def: &'static FieldDef,
        value: Value,
        start: usize,
        len: usize,
    ) {
        self.push(def, value, source, start, len, false, false);
    }

    /// Adds a computed field (shown in brackets, no bytes).
    #[inline]
    pub fn generated(&mut self, def: &'static FieldDef, value: Value) {
        self.push(def, value, 0, 0, 0, true, false);
    }

    /// Adds a field that filters see but the tree does not show (`ip.addr`, `tcp.port`).
    #[inline]
    pub fn hidden(&mut self, def: &'static FieldDef, value: Value, start: usize, len: usize) {
        self.push(def, value, 0, start, len, false, true);
    }

    /// [`hidden`](Self::hidden) in data source `source`.
    #[inline]
    pub fn hidden_in(
        &mut self,
        source: u8,
        def: &'static FieldDef,
        value: Value,
        start: usize,
        len: usize,
    ) {
        self.push(def, value, source, start, len, false, true);
    }

    #[allow(clippy::too_many_arguments)]
    #[inline]
    fn push(
        &mut self,
        def: &'static FieldDef,
        value: Value,
        source: u8,
        start: usize,
        len: usize,
        generated: bool,
        hidden: bool,
    ) {
        if !self.wants.wants(def) {
            return;
        }
        self.items.push(Item {
            def,
            value,
            source,
            start: start as u32,
            len: len as u32,
            depth: self.depth,
            generated,
            hidden,
            text: None,
        });
    }

    /// Sets the tree text of the item just added (only when building a tree).
    pub fn set_text(&mut self, text: impl FnOnce() -> String) {
        if self.is_tree() {
            if let Some(last) = self.items.last_mut() {
                last.text = Some(text().into_boxed_str());
            }
        }
    }

    /// Opens a protocol layer: adds its item and nests what follows under it.
    pub fn open_protocol(&mut self, def: &'static FieldDef, source: u8, start: usize, len: usize) {
        self.layers.push(def.name);
        // Protocols are always recorded: filters test them and columns need them.
        self.items.push(Item {
            def,
            value: Value::None,
            source,
            start: start as u32,
            len: len as u32,
            depth: self.base,
            generated: false,
            hidden: false,
            text: None,
        });
        self.depth = self.base.saturating_add(1);
    }

    /// Same as [`open_protocol`](Self::open_protocol) (a payload layer at the current base).
    pub fn open_protocol_here(
        &mut self,
        def: &'static FieldDef,
        source: u8,
        start: usize,
        len: usize,
    ) {
        self.open_protocol(def, source, start, len);
    }

    /// Makes the protocols that follow children of the current item (a quoted datagram);
    /// returns the previous base for [`unnest`](Self::unnest).
    pub fn nest(&mut self) -> u8 {
        let prev = self.base;
        self.base = self.depth;
        prev
    }

    pub fn unnest(&mut self, prev: u8) {
        self.base = prev;
        self.depth = prev.saturating_add(1);
    }

    /// Nests what follows under the item just added (e.g. flags under `tcp.flags`).
    /// Must be paired with [`close`](Dissection::close).
    pub fn open(&mut self) {
        self.depth = self.depth.saturating_add(1);
    }

    pub fn close(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Notes a layer that has no item of its own (`ethertype`) for `frame.protocols`; also
    /// records it as a hidden protocol so filters can test it.
    pub fn layer(&mut self, def: &'static FieldDef) {
        self.layers.push(def.name);
        self.items.push(Item {
            def,
            value: Value::None,
            source: 0,
            start: 0,
            len: 0,
            depth: self.depth,
            generated: false,
            hidden: true,
            text: None,
        });
    }

    /// Inserts a generated field at `index` in the item list (e.g. `frame.protocols`, known
    /// only at the end, shown under `frame`).
    pub fn generated_at(&mut self, index: usize, def: &'static FieldDef, value: Value) {
        if !self.wants.wants(def) {
            return;
        }
        let item = Item {
            def,
            value,
            source: 0,
            start: 0,
            len: 0,
            depth: 1,
            generated: true,
            hidden: false,
            text: None,
        };
        let at = index.min(self.items.len());
        self.items.insert(at, item);
    }

    /// Adds a data source (a reassembled PDU); returns its index.
    pub fn add_source(&mut self, name: String, bytes: Vec<u8>) -> u8 {
        let idx = self.sources.len().min(u8::MAX as usize) as u8;
        if self.sources.len() < u8::MAX as usize {
            self.sources.push(DataSource { name, bytes });
        }
        idx
    }

    /// Every occurrence of a field, in tree order.
    pub fn values<'s>(&'s self, def: &'static FieldDef) -> impl Iterator<Item = &'s Item> + 's {
        self.items.iter().filter(move |i| i.def.is(def))
    }

    /// True when the field or protocol occurs in this frame.
    pub fn has(&self, def: &'static FieldDef) -> bool {
        self.items.iter().any(|i| i.def.is(def))
    }

    /// The bytes of an item (its range in its data source), when the source is kept.
    pub fn item_bytes(&self, item: &Item) -> Option<&[u8]> {
        let src = self.sources.get(usize::from(item.source))?;
        let start = item.start as usize;
        src.bytes.get(start..start.checked_add(item.len as usize)?)
    }
}
