//! The push-driven [`Reader`]: sniffs gzip, pcap or pcapng from the first bytes, then hands
//! every byte to the container parser exactly once.
//!
//! Buffering: a parser works directly on the caller's chunk; only the tail of a record that
//! straddles two chunks is copied into `pending`, and only as many bytes as that record needs.
//! So a 1-byte chunk costs one byte of copying, a 4 MiB chunk almost none, and memory holds at
//! most one record plus the chunk.

use std::fmt;

use super::bytes::hex;
use super::gzip::{GzStatus, Inflater};
use super::{pcap, pcapng, Frame, LinkType};

/// At most this many warnings are kept; the rest are counted in a final "... and N more" line.
pub const MAX_WARNINGS: usize = 50;

/// `pending` capacity kept after a huge record was buffered, so memory returns to normal.
const PENDING_KEEP_CAPACITY: usize = 1 << 20;

/// The container format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pcap,
    Pcapng,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Pcap => "pcap",
            Format::Pcapng => "pcapng",
        }
    }
}

/// Wireshark's timestamp precision classes (`WTAP_TSPREC_*`), derived from ticks per second.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum TimePrecision {
    Seconds,
    Deciseconds,
    Centiseconds,
    Milliseconds,
    Microseconds,
    Nanoseconds,
}

impl TimePrecision {
    /// As Wireshark's pcapng reader classifies an interface's resolution.
    pub fn from_ticks_per_second(ticks: u64) -> Self {
        match ticks {
            t if t >= 1_000_000_000 => TimePrecision::Nanoseconds,
            t if t >= 1_000_000 => TimePrecision::Microseconds,
            t if t >= 1_000 => TimePrecision::Milliseconds,
            t if t >= 100 => TimePrecision::Centiseconds,
            t if t >= 10 => TimePrecision::Deciseconds,
            _ => TimePrecision::Seconds,
        }
    }
    /// Fractional digits capinfos prints for this precision.
    pub fn digits(self) -> u32 {
        match self {
            TimePrecision::Seconds => 0,
            TimePrecision::Deciseconds => 1,
            TimePrecision::Centiseconds => 2,
            TimePrecision::Milliseconds => 3,
            TimePrecision::Microseconds => 6,
            TimePrecision::Nanoseconds => 9,
        }
    }
    /// The Report's short name: "s", "ds", "cs", "ms", "us", "ns".
    pub fn short_name(self) -> &'static str {
        match self {
            TimePrecision::Seconds => "s",
            TimePrecision::Deciseconds => "ds",
            TimePrecision::Centiseconds => "cs",
            TimePrecision::Milliseconds => "ms",
            TimePrecision::Microseconds => "us",
            TimePrecision::Nanoseconds => "ns",
        }
    }
    /// capinfos' label, e.g. "microseconds (6)".
    pub fn wireshark_label(self) -> String {
        let word = match self {
            TimePrecision::Seconds => "seconds",
            TimePrecision::Deciseconds => "deciseconds",
            TimePrecision::Centiseconds => "centiseconds",
            TimePrecision::Milliseconds => "milliseconds",
            TimePrecision::Microseconds => "microseconds",
            TimePrecision::Nanoseconds => "nanoseconds",
        };
        format!("{word} ({})", self.digits())
    }
}

/// One capture interface (pcap files have exactly one).
#[derive(Debug, Clone, PartialEq)]
pub struct InterfaceInfo {
    pub name: Option<String>,
    pub description: Option<String>,
    /// if_os.
    pub os: Option<String>,
    /// if_filter (the filter string; the leading filter-type byte is dropped).
    pub filter: Option<String>,
    pub link_type: LinkType,
    /// Snapshot length (0 = not set).
    pub snaplen: u32,
    /// Ticks per second of this interface's timestamps (1e6 for µs, 1e9 for ns...).
    pub ticks_per_second: u64,
    pub precision: TimePrecision,
    /// The raw if_tsresol byte when the file states one (nanosecond pcap reports 9, as capinfos).
    pub tsresol: Option<u8>,
    /// pcapng if_tsoffset, in seconds.
    pub ts_offset: i64,
    /// pcapng section (0-based) the interface belongs to.
    pub section: u32,
}

/// Facts about the file gathered while reading.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaptureInfo {
    pub format: Option<Format>,
    /// Wireshark's file type name: "pcap", "nsecpcap", "pcapng", or a legacy pcap variant
    /// ("modpcap", "nokiapcap", "rh6_1pcap", "suse6_3pcap", "aixpcap").
    pub file_type: Option<&'static str>,
    /// The input was gzip-compressed.
    pub compressed: bool,
    /// pcap file-header snapshot length.
    pub snaplen: Option<u32>,
    /// pcap file-header version (major, minor).
    pub version: Option<(u16, u16)>,
    pub interfaces: Vec<InterfaceInfo>,
    /// pcapng sections seen.
    pub sections: u32,
    /// SHB comments of the first section (as capinfos shows them).
    pub comments: Vec<String>,
    pub hardware: Option<String>,
    pub os: Option<String>,
    pub application: Option<String>,
    /// pcapng records that are not packets but that Wireshark numbers as frames (custom,
    /// systemd journal and sysdig event blocks): their numbers are skipped.
    pub non_packet_records: u64,
    /// The file ended mid-record or a record/block was corrupt.
    pub truncated: bool,
    /// What was skipped and why, with frame numbers and byte offsets (at most [`MAX_WARNINGS`]
    /// plus a final "... and N more" line).
    pub warnings: Vec<String>,
}

/// A file that cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptureError {
    /// The input was empty.
    Empty,
    /// The first bytes are not a pcap, pcapng or gzip magic number.
    NotACapture {
        first_bytes: Vec<u8>,
        /// The bytes are the start of gzip-compressed data.
        compressed: bool,
    },
    /// The file starts like a capture but its file header is unusable (cut short, an
    /// unsupported version, a corrupt first section header, a broken gzip header).
    BadHeader {
        format: Option<Format>,
        offset: u64,
        reason: String,
    },
}

/// What the common magic numbers of non-capture files are, for a helpful error.
fn describe_magic(b: &[u8]) -> Option<&'static str> {
    const KNOWN: &[(&[u8], &str)] = &[
        (b"%PDF", "a PDF document"),
        (b"\x89PNG", "a PNG image"),
        (b"\xff\xd8\xff", "a JPEG image"),
        (b"PK\x03\x04", "a ZIP archive"),
        (b"\x7fELF", "an ELF executable"),
        (b"MZ", "a Windows executable"),
        (b"\x28\xb5\x2f\xfd", "zstd-compressed data"),
        (b"\xfd7zXZ", "xz-compressed data"),
        (b"BZh", "bzip2-compressed data"),
        (b"\x04\x22\x4d\x18", "lz4-compressed data"),
        (b"7z\xbc\xaf", "a 7-Zip archive"),
        (b"snoop\0", "a Solaris snoop capture (not supported)"),
        (
            b"GMBU",
            "a Microsoft Network Monitor capture (not supported)",
        ),
        (b"XCP\0", "a NetXray/Sniffer capture (not supported)"),
        (
            b"\x34\xcd\xb2\xa1",
            "a modified pcap with unusual byte order",
        ),
    ];
    for (magic, what) in KNOWN {
        if b.starts_with(magic) {
            return Some(what);
        }
    }
    if !b.is_empty()
        && b.iter()
            .all(|&c| c == b'\n' || c == b'\r' || c == b'\t' || (0x20..0x7f).contains(&c))
    {
        return Some("text");
    }
    None
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureError::NotACapture {
                first_bytes,
                compressed,
            } => {
                let shown = if first_bytes.is_empty() {
                    "(nothing)".to_string()
                } else {
                    hex(first_bytes, 8)
                };
                let what = describe_magic(first_bytes)
                    .map(|w| format!(" ({w})"))
                    .unwrap_or_default();
                let subject = if *compressed {
                    "the gzip-compressed data starts with"
                } else {
                    "the first bytes are"
                };
                write!(
                    f,
                    "not a capture file: {subject} {shown}{what}, but a pcap file starts with \
                     d4 c3 b2 a1 or a1 b2 c3 d4 (4d 3c b2 a1 or a1 b2 3c 4d with nanosecond \
                     timestamps), a pcapng file with 0a 0d 0d 0a, and a gzip-compressed capture \
                     with 1f 8b"
                )
            }
            CaptureError::Empty => write!(f, "the file is empty"),
            CaptureError::BadHeader {
                format,
                offset,
                reason,
            } => {
                let kind = format.map_or("capture", Format::name);
                write!(
                    f,
                    "unreadable {kind} file: {reason} (at byte offset {offset})"
                )
            }
        }
    }
}

impl std::error::Error for CaptureError {}

/// Reader state shared with the container parsers.
#[derive(Debug, Default)]
pub(super) struct State {
    pub(super) info: CaptureInfo,
    /// Frame numbers handed out so far (packets plus non-packet records).
    pub(super) frames: u64,
    pub(super) error: Option<CaptureError>,
    pub(super) stopped: bool,
    dropped_warnings: usize,
}

impl State {
    /// Records a warning, keeping at most [`MAX_WARNINGS`].
    pub(super) fn warn(&mut self, message: String) {
        if self.info.warnings.len() < MAX_WARNINGS {
            self.info.warnings.push(message);
        } else {
            self.dropped_warnings += 1;
        }
    }

    /// Damage that ends reading: everything before it is kept.
    pub(super) fn damage(&mut self, offset: u64, what: &str) {
        self.info.truncated = true;
        let frame = self.frames + 1;
        self.warn(format!(
            "frame {frame} at byte offset {offset}: {what}; frames from {frame} on are not read"
        ));
        self.stopped = true;
    }

    /// The file cannot be read at all.
    pub(super) fn fail(&mut self, error: CaptureError) {
        self.error = Some(error);
        self.stopped = true;
    }

    /// The next frame number.
    #[inline]
    pub(super) fn next_frame(&mut self) -> u64 {
        self.frames += 1;
        self.frames
    }

    fn close_warnings(&mut self) {
        if self.dropped_warnings > 0 {
            self.info
                .warnings
                .push(format!("... and {} more warnings", self.dropped_warnings));
            self.dropped_warnings = 0;
        }
    }
}

/// How far a parser got through the bytes it was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Progress {
    /// Bytes fully used (they are never shown to the parser again).
    pub(super) consumed: usize,
    /// Bytes needed from `consumed` on before the parser can make progress (always more than
    /// what was left). Meaningless once the state is stopped.
    pub(super) need: usize,
}

/// The container parser, chosen from the first four bytes.
#[derive(Debug)]
enum Container {
    Detect,
    Pcap(pcap::PcapParser),
    Pcapng(pcapng::PcapngParser),
}

impl Container {
    fn parse<F: FnMut(&Frame<'_>)>(
        &mut self,
        buf: &[u8],
        offset: u64,
        st: &mut State,
        on_frame: &mut F,
    ) -> Progress {
        if let Container::Detect = self {
            let Some(magic) = buf.get(..4) else {
                return Progress {
                    consumed: 0,
                    need: 4,
                };
            };
            if pcapng::is_magic(magic) {
                *self = Container::Pcapng(pcapng::PcapngParser::default());
            } else if let Some(p) = pcap::PcapParser::from_magic(magic) {
                *self = Container::Pcap(p);
            } else {
                // Show up to eight bytes, the same whatever the chunking.
                if buf.len() < 8 {
                    return Progress {
                        consumed: 0,
                        need: 8,
                    };
                }
                let compressed = st.info.compressed;
                st.fail(CaptureError::NotACapture {
                    first_bytes: buf.iter().take(8).copied().collect(),
                    compressed,
                });
                return Progress {
                    consumed: 0,
                    need: 0,
                };
            }
        }
        match self {
            Container::Detect => Progress {
                consumed: 0,
                need: 4,
            },
            Container::Pcap(p) => p.parse(buf, offset, st, on_frame),
            Container::Pcapng(p) => p.parse(buf, offset, st, on_frame),
        }
    }

    /// End of input with `rest` unconsumed.
    fn finish<F: FnMut(&Frame<'_>)>(
        &mut self,
        rest: &[u8],
        offset: u64,
        st: &mut State,
        on_frame: &mut F,
    ) {
        match self {
            Container::Detect => {
                let compressed = st.info.compressed;
                if rest.is_empty() && offset == 0 {
                    if compressed {
                        st.fail(CaptureError::NotACapture {
                            first_bytes: Vec::new(),
                            compressed,
                        });
                    } else {
                        st.fail(CaptureError::Empty);
                    }
                } else {
                    st.fail(CaptureError::NotACapture {
                        first_bytes: rest.iter().take(8).copied().collect(),
                        compressed,
                    });
                }
            }
            Container::Pcap(p) => p.finish(rest, offset, st, on_frame),
            Container::Pcapng(p) => p.finish(rest, offset, st),
        }
    }
}

/// The uncompressed byte stream: pending bytes plus the container parser.
#[derive(Debug)]
struct Plain {
    pending: Vec<u8>,
    /// Bytes `pending` must hold before the parser can progress.
    need: usize,
    /// Offset in the (uncompressed) stream of the first unconsumed byte.
    offset: u64,
    container: Container,
    st: State,
}

impl Plain {
    fn new() -> Self {
        Plain {
            pending: Vec::new(),
            need: 0,
            offset: 0,
            container: Container::Detect,
            st: State::default(),
        }
    }

    fn feed<F: FnMut(&Frame<'_>)>(&mut self, mut chunk: &[u8], on_frame: &mut F) {
        let Plain {
            pending,
            need,
            offset,
            container,
            st,
        } = self;
        // Complete the straddling record first, copying only what it still lacks.
        while !pending.is_empty() && !st.stopped {
            if chunk.is_empty() {
                return;
            }
            let take = need.saturating_sub(pending.len()).max(1).min(chunk.len());
            pending.extend_from_slice(&chunk[..take]);
            chunk = &chunk[take..];
            if pending.len() < *need {
                return;
            }
            let p = container.parse(pending, *offset, st, on_frame);
            *offset += p.consumed as u64;
            if p.consumed >= pending.len() {
                pending.clear();
                if pending.capacity() > PENDING_KEEP_CAPACITY {
                    pending.shrink_to(PENDING_KEEP_CAPACITY);
                }
            } else {
                pending.drain(..p.consumed);
            }
            *need = p.need;
        }
        if st.stopped {
            pending.clear();
            return;
        }
        if chunk.is_empty() {
            return;
        }
        let p = container.parse(chunk, *offset, st, on_frame);
        if st.stopped {
            return;
        }
        *offset += p.consumed as u64;
        if let Some(rest) = chunk.get(p.consumed..) {
            pending.extend_from_slice(rest);
        }
        *need = p.need;
    }

    fn finish<F: FnMut(&Frame<'_>)>(&mut self, on_frame: &mut F) {
        if !self.st.stopped {
            let Plain {
                pending,
                offset,
                container,
                st,
                ..
            } = self;
            container.finish(pending, *offset, st, on_frame);
            pending.clear();
            st.stopped = true;
        }
        self.st.close_warnings();
    }
}

/// What the first bytes said about compression.
#[derive(Debug)]
enum Stage {
    /// Fewer than two bytes seen.
    Sniff {
        head: [u8; 2],
        len: usize,
    },
    Plain,
    Gzip(Box<Inflater>),
    Finished,
}

/// Push-driven capture reader. See the module doc of [`crate::capture`].
#[derive(Debug)]
pub struct Reader {
    stage: Stage,
    plain: Plain,
    /// Bytes fed (compressed bytes for gzip input).
    fed: u64,
}

impl Default for Reader {
    fn default() -> Self {
        Self::new()
    }
}

impl Reader {
    pub fn new() -> Self {
        Reader {
            stage: Stage::Sniff {
                head: [0; 2],
                len: 0,
            },
            plain: Plain::new(),
            fed: 0,
        }
    }

    pub fn info(&self) -> &CaptureInfo {
        &self.plain.st.info
    }

    pub fn error(&self) -> Option<&CaptureError> {
        self.plain.st.error.as_ref()
    }

    /// True once the reader gave up on the file (nothing more will be read).
    pub fn is_stopped(&self) -> bool {
        self.plain.st.stopped
    }

    /// Frame numbers used so far: equals tshark's count of frames read.
    pub fn frames_read(&self) -> u64 {
        self.plain.st.frames
    }

    /// Bytes fed so far (compressed bytes for a gzip file).
    pub fn bytes_fed(&self) -> u64 {
        self.fed
    }

    /// Bytes held back because the record they belong to is incomplete.
    pub fn pending_len(&self) -> usize {
        self.plain.pending.len()
    }

    /// Feeds the next chunk of the file; calls `on_frame` for every complete frame.
    pub fn feed<F: FnMut(&Frame<'_>)>(&mut self, chunk: &[u8], mut on_frame: F) {
        self.fed += chunk.len() as u64;
        self.feed_inner(chunk, &mut on_frame);
    }

    fn feed_inner<F: FnMut(&Frame<'_>)>(&mut self, mut chunk: &[u8], on_frame: &mut F) {
        if self.plain.st.stopped {
            return;
        }
        if let Stage::Sniff { head, len } = &mut self.stage {
            while *len < 2 {
                let Some((&b, rest)) = chunk.split_first() else {
                    return;
                };
                head[*len] = b;
                *len += 1;
                chunk = rest;
            }
            let head = *head;
            if head == [0x1f, 0x8b] {
                self.plain.st.info.compressed = true;
                self.stage = Stage::Gzip(Box::default());
            } else {
                self.stage = Stage::Plain;
            }
            self.feed_stage(&head, on_frame);
        }
        self.feed_stage(chunk, on_frame);
    }

    fn feed_stage<F: FnMut(&Frame<'_>)>(&mut self, chunk: &[u8], on_frame: &mut F) {
        let Reader { stage, plain, .. } = self;
        match stage {
            Stage::Sniff { .. } | Stage::Finished => {}
            Stage::Plain => plain.feed(chunk, on_frame),
            Stage::Gzip(inflater) => {
                let status = inflater.feed(chunk, &mut |data: &[u8]| {
                    plain.feed(data, on_frame);
                    !plain.st.stopped
                });
                Self::gzip_status(plain, status);
            }
        }
    }

    fn gzip_status(plain: &mut Plain, status: GzStatus) {
        match status {
            GzStatus::Ok => {}
            GzStatus::TrailingData { offset } => plain.st.warn(format!(
                "data after the end of the gzip stream (from compressed byte offset {offset}) \
                 was ignored"
            )),
            GzStatus::Corrupt { offset, reason } => {
                if plain.offset == 0 && plain.pending.is_empty() {
                    plain.st.fail(CaptureError::BadHeader {
                        format: None,
                        offset,
                        reason: format!("gzip: {reason}"),
                    });
                } else {
                    plain.st.info.truncated = true;
                    let frame = plain.st.frames + 1;
                    plain.st.warn(format!(
                        "the gzip-compressed data is corrupt ({reason}); frames from {frame} on \
                         are not read"
                    ));
                    plain.st.stopped = true;
                }
            }
        }
    }

    /// Signals the end of the file: reports a record cut short, or an empty/foreign file.
    pub fn finish<F: FnMut(&Frame<'_>)>(&mut self, mut on_frame: F) {
        let stage = std::mem::replace(&mut self.stage, Stage::Finished);
        match stage {
            Stage::Sniff { head, len } => {
                // A one-byte file: let the container report it.
                if let Some(h) = head.get(..len) {
                    self.plain.feed(h, &mut on_frame);
                }
            }
            Stage::Gzip(mut inflater) => {
                let plain = &mut self.plain;
                if !plain.st.stopped {
                    let (status, cut_short) = inflater.finish(&mut |data: &[u8]| {
                        plain.feed(data, &mut on_frame);
                        !plain.st.stopped
                    });
                    Self::gzip_status(plain, status);
                    if let (Some(reason), false) = (cut_short, plain.st.stopped) {
                        let offset = inflater.compressed_offset();
                        if plain.offset == 0 && plain.pending.is_empty() {
                            plain.st.fail(CaptureError::BadHeader {
                                format: None,
                                offset,
                                reason: format!("gzip: {reason}"),
                            });
                        } else {
                            plain.st.info.truncated = true;
                            plain.st.warn(format!(
                                "gzip: {reason} (at compressed byte offset {offset})"
                            ));
                        }
                    }
                }
            }
            Stage::Plain | Stage::Finished => {}
        }
        self.plain.finish(&mut on_frame);
    }
}
