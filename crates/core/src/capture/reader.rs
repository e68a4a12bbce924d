//! The push-driven capture reader. (First cut: legacy pcap only; pcapng and gzip to come.)

use std::fmt;

use super::{Frame, LinkType, Timestamp};

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

/// One capture interface (pcap files have exactly one).
#[derive(Debug, Clone, PartialEq)]
pub struct InterfaceInfo {
    pub name: Option<String>,
    pub description: Option<String>,
    pub link_type: LinkType,
    pub snaplen: u32,
    /// Ticks per second of this interface's timestamps (1e6 for µs, 1e9 for ns...).
    pub ticks_per_second: u64,
    /// pcapng if_tsoffset, in seconds.
    pub ts_offset: i64,
}

/// Facts about the file gathered while reading.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CaptureInfo {
    pub format: Option<Format>,
    /// The input was gzip-compressed.
    pub compressed: bool,
    pub interfaces: Vec<InterfaceInfo>,
    /// pcapng SHB comments.
    pub comments: Vec<String>,
    pub hardware: Option<String>,
    pub os: Option<String>,
    pub application: Option<String>,
    /// The file ended mid-record or a record/block was corrupt.
    pub truncated: bool,
    /// What was skipped and why, with frame numbers and byte offsets.
    pub warnings: Vec<String>,
}

/// A file that cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptureError {
    /// The first bytes are not a pcap, pcapng or gzip magic number.
    NotACapture { first_bytes: Vec<u8> },
    /// The input was empty.
    Empty,
}

impl fmt::Display for CaptureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CaptureError::NotACapture { first_bytes } => {
                let hex: Vec<String> = first_bytes.iter().map(|b| format!("{b:02x}")).collect();
                write!(
                    f,
                    "not a capture file: the first bytes are {} but a pcap file starts with \
                     d4 c3 b2 a1 / a1 b2 c3 d4 (or 4d 3c b2 a1 / a1 b2 3c 4d for nanoseconds), a pcapng \
                     file with 0a 0d 0d 0a, and a gzip file with 1f 8b",
                    if hex.is_empty() { "(none)".to_string() } else { hex.join(" ") }
                )
            }
            CaptureError::Empty => write!(f, "the file is empty"),
        }
    }
}

impl std::error::Error for CaptureError {}

/// Upper bound on one record; larger claimed lengths are treated as corruption.
pub const MAX_RECORD_LEN: usize = 256 * 1024 * 1024;

#[derive(Debug, Clone, Copy)]
struct PcapHeader {
    big_endian: bool,
    nanos: bool,
}

/// Push-driven capture reader. See the module doc of [`crate::capture`].
#[derive(Debug, Default)]
pub struct Reader {
    buf: Vec<u8>,
    /// Offset of `buf[0]` in the (decompressed) file.
    buf_offset: u64,
    header: Option<PcapHeader>,
    info: CaptureInfo,
    error: Option<CaptureError>,
    frames: u64,
    stopped: bool,
}

impl Reader {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn info(&self) -> &CaptureInfo {
        &self.info
    }

    pub fn error(&self) -> Option<&CaptureError> {
        self.error.as_ref()
    }

    /// True once the reader gave up on the file (nothing more will be read).
    pub fn is_stopped(&self) -> bool {
        self.stopped
    }

    pub fn frames_read(&self) -> u64 {
        self.frames
    }

    /// Feeds the next chunk of the file; calls `on_frame` for every complete frame.
    pub fn feed<F: FnMut(&Frame<'_>)>(&mut self, chunk: &[u8], mut on_frame: F) {
        if self.stopped {
            return;
        }
        self.buf.extend_from_slice(chunk);
        let consumed = self.parse(&mut on_frame);
        self.buf.drain(..consumed);
        self.buf_offset += consumed as u64;
    }

    /// Signals the end of the file: reports a record cut short, or an empty/foreign file.
    pub fn finish<F: FnMut(&Frame<'_>)>(&mut self, _on_frame: F) {
        if self.stopped {
            return;
        }
        if self.header.is_none() {
            if self.buf.is_empty() && self.buf_offset == 0 {
                self.error = Some(CaptureError::Empty);
            } else {
                self.error = Some(CaptureError::NotACapture {
                    first_bytes: self.buf.iter().take(4).copied().collect(),
                });
            }
        } else if !self.buf.is_empty() {
            self.info.truncated = true;
            self.info.warnings.push(format!(
                "the file ends in the middle of frame {} (at byte offset {}): {} bytes of it are present",
                self.frames + 1,
                self.buf_offset,
                self.buf.len()
            ));
        }
        self.stopped = true;
    }

    fn parse<F: FnMut(&Frame<'_>)>(&mut self, on_frame: &mut F) -> usize {
        let mut pos = 0usize;
        let header = match self.header {
            Some(h) => h,
            None => {
                if self.buf.len() < 24 {
                    return 0;
                }
                let magic = [self.buf[0], self.buf[1], self.buf[2], self.buf[3]];
                let (big_endian, nanos) = match magic {
                    [0xd4, 0xc3, 0xb2, 0xa1] => (false, false),
                    [0xa1, 0xb2, 0xc3, 0xd4] => (true, false),
                    [0x4d, 0x3c, 0xb2, 0xa1] => (false, true),
                    [0xa1, 0xb2, 0x3c, 0x4d] => (true, true),
                    _ => {
                        self.error = Some(CaptureError::NotACapture {
                            first_bytes: magic.to_vec(),
                        });
                        self.stopped = true;
                        return self.buf.len();
                    }
                };
                let h = PcapHeader { big_endian, nanos };
                let snaplen = read_u32(&self.buf[16..20], big_endian);
                let link = read_u32(&self.buf[20..24], big_endian) & 0x03ff_ffff;
                self.info.format = Some(Format::Pcap);
                self.info.interfaces.push(InterfaceInfo {
                    name: None,
                    description: None,
                    link_type: LinkType(link),
                    snaplen,
                    ticks_per_second: if nanos { 1_000_000_000 } else { 1_000_000 },
                    ts_offset: 0,
                });
                self.header = Some(h);
                pos = 24;
                h
            }
        };
        let link_type = self.info.interfaces[0].link_type;
        loop {
            let Some(rec) = self.buf.get(pos..pos + 16) else {
                break;
            };
            let secs = read_u32(&rec[0..4], header.big_endian);
            let frac = read_u32(&rec[4..8], header.big_endian);
            let caplen = read_u32(&rec[8..12], header.big_endian) as usize;
            let orig_len = read_u32(&rec[12..16], header.big_endian);
            if caplen > MAX_RECORD_LEN {
                self.info.truncated = true;
                self.info.warnings.push(format!(
                    "frame {} at byte offset {} claims {} captured bytes, more than the {} a record may hold: \
                     the rest of the file is skipped",
                    self.frames + 1,
                    self.buf_offset + pos as u64,
                    caplen,
                    MAX_RECORD_LEN
                ));
                self.stopped = true;
                return self.buf.len();
            }
            let Some(data) = self.buf.get(pos + 16..pos + 16 + caplen) else {
                break;
            };
            self.frames += 1;
            let nanos = if header.nanos {
                frac
            } else {
                frac.saturating_mul(1000)
            };
            on_frame(&Frame {
                number: self.frames,
                ts: Timestamp::new(i64::from(secs), nanos),
                interface: 0,
                link_type,
                orig_len,
                data,
                comments: &[],
            });
            pos += 16 + caplen;
        }
        pos
    }
}

fn read_u32(b: &[u8], big_endian: bool) -> u32 {
    let a = [b[0], b[1], b[2], b[3]];
    if big_endian {
        u32::from_be_bytes(a)
    } else {
        u32::from_le_bytes(a)
    }
}
