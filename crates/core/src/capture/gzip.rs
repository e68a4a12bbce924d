//! Streaming gzip (RFC 1952) decoding for `.pcap.gz` / `.pcapng.gz` files.
//!
//! flate2's pure-Rust raw inflater does the deflate work; this module parses the member
//! headers and trailers itself so input can arrive in pieces of any size, several members can
//! follow each other (as `cat a.gz b.gz` produces), and output is produced in bounded blocks
//! ([`OUT_BLOCK`]) however well the data compresses. CRC-32 and length are checked per member.

use flate2::{Crc, Decompress, FlushDecompress, Status};

/// Decompressed bytes handed to the sink per call.
const OUT_BLOCK: usize = 256 * 1024;

/// Compressed input is inflated in pieces of exactly this size (the last one shorter), whatever
/// the caller's chunking: the inflater then behaves identically however the file is fed, down
/// to where it notices corruption and what it has output by then.
const IN_PIECE: usize = 64 * 1024;

/// A gzip header with a longer FEXTRA / file name / comment than this is treated as corrupt.
const MAX_HEADER_LEN: usize = 1 << 20;

/// Header bytes copied per step while a header is incomplete (headers are small).
const HEADER_STEP: usize = 512;

const FHCRC: u8 = 0x02;
const FEXTRA: u8 = 0x04;
const FNAME: u8 = 0x08;
const FCOMMENT: u8 = 0x10;
const FRESERVED: u8 = 0xe0;

/// Outcome of one [`Inflater::feed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum GzStatus {
    Ok,
    /// Non-gzip bytes follow a complete member; they are ignored (as zlib does).
    TrailingData {
        offset: u64,
    },
    /// The compressed data is broken; nothing more will be produced.
    Corrupt {
        offset: u64,
        reason: String,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Header,
    Body,
    Trailer,
    /// Between members: more input must start a new member.
    MemberEnd,
    /// Ignoring trailing data or after an error.
    Done,
}

pub(super) struct Inflater {
    phase: Phase,
    inflate: Decompress,
    crc: Crc,
    out: Vec<u8>,
    /// Compressed bytes waiting for a full [`IN_PIECE`].
    staging: Vec<u8>,
    header: Vec<u8>,
    trailer: [u8; 8],
    trailer_len: usize,
    /// Compressed bytes consumed so far.
    offset: u64,
    /// Where the current member's header starts.
    member_start: u64,
    members: u32,
}

impl std::fmt::Debug for Inflater {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Inflater")
            .field("phase", &self.phase)
            .field("offset", &self.offset)
            .field("members", &self.members)
            .finish()
    }
}

impl Default for Inflater {
    fn default() -> Self {
        Inflater {
            phase: Phase::Header,
            inflate: Decompress::new(false),
            crc: Crc::new(),
            out: vec![0; OUT_BLOCK],
            staging: Vec::new(),
            header: Vec::new(),
            trailer: [0; 8],
            trailer_len: 0,
            offset: 0,
            member_start: 0,
            members: 0,
        }
    }
}

/// Parses a gzip member header: `Ok(None)` = need more bytes, `Ok(Some(len))` = header length.
fn parse_header(b: &[u8]) -> Result<Option<usize>, String> {
    if let Some(&m0) = b.first() {
        if m0 != 0x1f {
            return Err("bad gzip magic".into());
        }
    }
    if let Some(&m1) = b.get(1) {
        if m1 != 0x8b {
            return Err("bad gzip magic".into());
        }
    }
    if let Some(&cm) = b.get(2) {
        if cm != 8 {
            return Err(format!("unknown compression method {cm}"));
        }
    }
    let Some(&flags) = b.get(3) else {
        return Ok(None);
    };
    if flags & FRESERVED != 0 {
        return Err(format!("reserved header flags set (0x{flags:02x})"));
    }
    let mut pos = 10usize;
    if b.len() < pos {
        return Ok(None);
    }
    if flags & FEXTRA != 0 {
        let Some(x) = b.get(pos..pos + 2) else {
            return Ok(None);
        };
        pos += 2 + usize::from(u16::from_le_bytes([x[0], x[1]]));
        if b.len() < pos {
            return Ok(None);
        }
    }
    for flag in [FNAME, FCOMMENT] {
        if flags & flag != 0 {
            let Some(rest) = b.get(pos..) else {
                return Ok(None);
            };
            match rest.iter().position(|&c| c == 0) {
                Some(nul) => pos += nul + 1,
                None => return Ok(None),
            }
        }
    }
    if flags & FHCRC != 0 {
        pos += 2;
    }
    Ok((b.len() >= pos).then_some(pos))
}

impl Inflater {
    /// Compressed bytes consumed so far.
    pub(super) fn compressed_offset(&self) -> u64 {
        self.offset
    }

    /// Takes the next compressed bytes; decompressed output goes to `sink` in blocks, and
    /// `sink` returns false to stop.
    pub(super) fn feed(
        &mut self,
        mut input: &[u8],
        sink: &mut dyn FnMut(&[u8]) -> bool,
    ) -> GzStatus {
        while !input.is_empty() {
            if self.staging.is_empty() && input.len() >= IN_PIECE {
                let (piece, rest) = input.split_at(IN_PIECE);
                input = rest;
                let status = self.inflate_piece(piece, sink);
                if status != GzStatus::Ok {
                    return status;
                }
                continue;
            }
            let take = (IN_PIECE - self.staging.len()).min(input.len());
            self.staging.extend_from_slice(&input[..take]);
            input = &input[take..];
            if self.staging.len() == IN_PIECE {
                let mut piece = std::mem::take(&mut self.staging);
                let status = self.inflate_piece(&piece, sink);
                piece.clear();
                self.staging = piece;
                if status != GzStatus::Ok {
                    return status;
                }
            }
        }
        GzStatus::Ok
    }

    /// End of input: inflates what is staged; also says whether the stream was cut short.
    pub(super) fn finish(
        &mut self,
        sink: &mut dyn FnMut(&[u8]) -> bool,
    ) -> (GzStatus, Option<String>) {
        let piece = std::mem::take(&mut self.staging);
        let status = if piece.is_empty() {
            GzStatus::Ok
        } else {
            self.inflate_piece(&piece, sink)
        };
        (status, self.cut_short())
    }

    fn inflate_piece(&mut self, mut input: &[u8], sink: &mut dyn FnMut(&[u8]) -> bool) -> GzStatus {
        while !input.is_empty() {
            match self.phase {
                Phase::Done => return GzStatus::Ok,
                Phase::MemberEnd => {
                    if input[0] != 0x1f || input.get(1).is_some_and(|&b| b != 0x8b) {
                        let status = GzStatus::TrailingData {
                            offset: self.offset,
                        };
                        self.phase = Phase::Done;
                        return status;
                    }
                    self.phase = Phase::Header;
                    self.member_start = self.offset;
                }
                Phase::Header => {
                    let have = self.header.len();
                    let take = input.len().min(HEADER_STEP);
                    self.header.extend_from_slice(&input[..take]);
                    match parse_header(&self.header) {
                        Ok(None) => {
                            input = &input[take..];
                            self.offset += take as u64;
                            if self.header.len() > MAX_HEADER_LEN {
                                return self.corrupt("gzip header too long".into());
                            }
                        }
                        Ok(Some(len)) => {
                            // Only the header's own bytes are consumed from this input.
                            let used = len.saturating_sub(have);
                            input = input.get(used..).unwrap_or(&[]);
                            self.offset += used as u64;
                            self.header.clear();
                            self.inflate.reset(false);
                            self.crc.reset();
                            self.phase = Phase::Body;
                        }
                        Err(reason) => return self.corrupt(reason),
                    }
                }
                Phase::Body => {
                    let before_in = self.inflate.total_in();
                    let before_out = self.inflate.total_out();
                    let result =
                        self.inflate
                            .decompress(input, &mut self.out, FlushDecompress::None);
                    let consumed = (self.inflate.total_in() - before_in) as usize;
                    let produced = (self.inflate.total_out() - before_out) as usize;
                    let status = match result {
                        Ok(s) => s,
                        Err(e) => {
                            // Hand on what was decoded before the damage, then stop. The
                            // position named is the member's, which does not depend on how
                            // the input was chunked.
                            if let Some(out) = self.out.get(..produced) {
                                if produced > 0 && sink(out) {
                                    self.crc.update(out);
                                }
                            }
                            let reason = e.message().unwrap_or("invalid deflate data");
                            let reason = format!(
                                "{reason} in the member starting at compressed byte offset {}",
                                self.member_start
                            );
                            return self.corrupt(reason);
                        }
                    };
                    input = input.get(consumed..).unwrap_or(&[]);
                    self.offset += consumed as u64;
                    if let Some(out) = self.out.get(..produced) {
                        if produced > 0 {
                            self.crc.update(out);
                            if !sink(out) {
                                self.phase = Phase::Done;
                                return GzStatus::Ok;
                            }
                        }
                    }
                    if status == Status::StreamEnd {
                        self.phase = Phase::Trailer;
                        self.trailer_len = 0;
                    } else if consumed == 0 && produced == 0 {
                        return GzStatus::Ok;
                    }
                }
                Phase::Trailer => {
                    let take = (8 - self.trailer_len).min(input.len());
                    self.trailer[self.trailer_len..self.trailer_len + take]
                        .copy_from_slice(&input[..take]);
                    self.trailer_len += take;
                    input = &input[take..];
                    self.offset += take as u64;
                    if self.trailer_len == 8 {
                        let t = self.trailer;
                        let crc = u32::from_le_bytes([t[0], t[1], t[2], t[3]]);
                        let size = u32::from_le_bytes([t[4], t[5], t[6], t[7]]);
                        if crc != self.crc.sum() {
                            return self.corrupt(format!(
                                "CRC mismatch (stored {crc:08x}, computed {:08x})",
                                self.crc.sum()
                            ));
                        }
                        if size != self.crc.amount() {
                            return self.corrupt(format!(
                                "length mismatch (stored {size}, decompressed {})",
                                self.crc.amount()
                            ));
                        }
                        self.members += 1;
                        self.phase = Phase::MemberEnd;
                    }
                }
            }
        }
        // Drain output the inflater still holds (its window may hold more than one block).
        if self.phase == Phase::Body {
            loop {
                let before_out = self.inflate.total_out();
                let status =
                    match self
                        .inflate
                        .decompress(&[], &mut self.out, FlushDecompress::None)
                    {
                        Ok(s) => s,
                        Err(_) => return GzStatus::Ok,
                    };
                let produced = (self.inflate.total_out() - before_out) as usize;
                if produced == 0 {
                    break;
                }
                if let Some(out) = self.out.get(..produced) {
                    self.crc.update(out);
                    if !sink(out) {
                        self.phase = Phase::Done;
                        return GzStatus::Ok;
                    }
                }
                if status == Status::StreamEnd {
                    self.phase = Phase::Trailer;
                    self.trailer_len = 0;
                    break;
                }
            }
        }
        GzStatus::Ok
    }

    fn corrupt(&mut self, reason: String) -> GzStatus {
        self.phase = Phase::Done;
        GzStatus::Corrupt {
            offset: self.member_start,
            reason,
        }
    }

    /// `Some(reason)` when the input ended inside a member.
    fn cut_short(&self) -> Option<String> {
        match self.phase {
            Phase::MemberEnd | Phase::Done => None,
            Phase::Header if self.members > 0 && self.header.is_empty() => None,
            Phase::Header => Some("the gzip stream ends inside a member header".into()),
            Phase::Body => Some("the gzip stream ends early (compressed data cut short)".into()),
            Phase::Trailer => Some("the gzip stream ends inside a member trailer".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::write::GzEncoder;
    use flate2::Compression;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn inflate_all(input: &[u8], chunk: usize) -> (Vec<u8>, Vec<GzStatus>, Option<String>) {
        let mut inf = Inflater::default();
        let mut out = Vec::new();
        let mut statuses = Vec::new();
        for c in input.chunks(chunk.max(1)) {
            let s = inf.feed(c, &mut |d| {
                out.extend_from_slice(d);
                true
            });
            if s != GzStatus::Ok {
                statuses.push(s);
            }
        }
        let (s, end) = inf.finish(&mut |d| {
            out.extend_from_slice(d);
            true
        });
        if s != GzStatus::Ok {
            statuses.push(s);
        }
        (out, statuses, end)
    }

    #[test]
    fn inflates_in_any_chunk_size_and_several_members() {
        let data: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
        let mut two = gz(&data[..1000]);
        two.extend(gz(&data[1000..]));
        for chunk in [1, 2, 3, 7, 4096, usize::MAX] {
            let (out, st, end) = inflate_all(&two, chunk);
            assert_eq!(out, data, "chunk {chunk}");
            assert!(st.is_empty(), "{st:?}");
            assert_eq!(end, None);
        }
    }

    #[test]
    fn header_with_name_extra_and_comment() {
        let mut e = flate2::GzBuilder::new()
            .filename("cap.pcap")
            .comment("hello")
            .extra(vec![1, 2, 3])
            .write(Vec::new(), Compression::fast());
        e.write_all(b"abcdef").unwrap();
        let bytes = e.finish().unwrap();
        for chunk in [1, 5, 100] {
            assert_eq!(inflate_all(&bytes, chunk).0, b"abcdef");
        }
    }

    #[test]
    fn highly_compressible_output_comes_in_bounded_blocks() {
        let zeros = vec![0u8; 5 * OUT_BLOCK + 17];
        let bytes = gz(&zeros);
        let mut inf = Inflater::default();
        let mut largest = 0;
        let mut total = 0;
        let mut sink = |d: &[u8]| {
            largest = largest.max(d.len());
            total += d.len();
            true
        };
        inf.feed(&bytes, &mut sink);
        inf.finish(&mut sink);
        assert_eq!(total, zeros.len());
        assert!(largest <= OUT_BLOCK);
    }

    #[test]
    fn damage_is_reported() {
        let bytes = gz(b"some capture bytes, long enough to matter");
        // Cut short.
        let (_, _, end) = inflate_all(&bytes[..bytes.len() - 3], 4);
        assert!(end.unwrap().contains("trailer"));
        let (_, _, end) = inflate_all(&bytes[..15], 4);
        assert!(end.is_some());
        // Bad CRC.
        let mut bad = bytes.clone();
        let n = bad.len();
        bad[n - 8] ^= 0xff;
        let (_, st, _) = inflate_all(&bad, 1000);
        assert!(matches!(&st[0], GzStatus::Corrupt { reason, .. } if reason.contains("CRC")));
        // Bad method.
        let mut bad = bytes.clone();
        bad[2] = 7;
        let (_, st, _) = inflate_all(&bad, 1000);
        assert!(matches!(&st[0], GzStatus::Corrupt { reason, .. } if reason.contains("method")));
        // Trailing garbage is ignored with a status.
        let mut trailing = bytes.clone();
        trailing.extend_from_slice(b"garbage");
        let (out, st, end) = inflate_all(&trailing, 1000);
        assert_eq!(out, b"some capture bytes, long enough to matter");
        assert!(matches!(st[0], GzStatus::TrailingData { .. }));
        assert_eq!(end, None);
    }

    #[test]
    fn garbage_body_never_panics() {
        let mut seed = 0x1234_5678u32;
        for _ in 0..200 {
            let mut bytes = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3];
            for _ in 0..200 {
                seed ^= seed << 13;
                seed ^= seed >> 17;
                seed ^= seed << 5;
                bytes.push(seed as u8);
            }
            let _ = inflate_all(&bytes, 13);
        }
    }
}
