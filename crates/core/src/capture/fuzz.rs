//! Fuzzing entry points: plain functions, so the deterministic mutation test
//! (`tests/damage.rs`) and the cargo-fuzz targets (`fuzz/`) run exactly the same code.
//!
//! Besides "never panics", [`check_reader`] checks a property: reading the same bytes whole or
//! in chunks of any size gives the same frames and the same facts.

use super::{CaptureError, Reader};
use crate::{Analysis, Config, Report};

/// What a reading produced, compact enough to compare between chunkings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadSummary {
    pub frames_read: u64,
    pub packets: u64,
    pub captured_bytes: u64,
    /// FNV-1a over every frame's number, timestamp, lengths and bytes.
    pub digest: u64,
    pub truncated: bool,
    pub warnings: usize,
    pub error: Option<CaptureError>,
}

fn fnv(hash: &mut u64, bytes: &[u8]) {
    for &b in bytes {
        *hash ^= u64::from(b);
        *hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
}

/// Reads `data` in `chunk`-byte pieces.
pub fn read_summary(data: &[u8], chunk: usize) -> ReadSummary {
    let mut reader = Reader::new();
    let mut packets = 0u64;
    let mut captured_bytes = 0u64;
    let mut digest = 0xcbf2_9ce4_8422_2325u64;
    let mut on_frame = |f: &super::Frame<'_>| {
        packets += 1;
        captured_bytes += f.data.len() as u64;
        fnv(&mut digest, &f.number.to_le_bytes());
        fnv(&mut digest, &f.ts.secs.to_le_bytes());
        fnv(&mut digest, &f.ts.nanos.to_le_bytes());
        fnv(&mut digest, &f.orig_len.to_le_bytes());
        fnv(&mut digest, &f.interface.to_le_bytes());
        fnv(&mut digest, &f.link_type.0.to_le_bytes());
        fnv(&mut digest, f.data);
        for c in f.comments {
            fnv(&mut digest, c.as_bytes());
        }
    };
    for piece in data.chunks(chunk.max(1)) {
        reader.feed(piece, &mut on_frame);
        if reader.is_stopped() {
            break;
        }
    }
    reader.finish(&mut on_frame);
    ReadSummary {
        frames_read: reader.frames_read(),
        packets,
        captured_bytes,
        digest,
        truncated: reader.info().truncated,
        warnings: reader.info().warnings.len(),
        error: reader.error().cloned(),
    }
}

/// The reader alone: reads `data` whole and in several chunk sizes and panics if the readings
/// disagree. Returns the whole reading.
pub fn check_reader(data: &[u8]) -> ReadSummary {
    let whole = read_summary(data, usize::MAX);
    let small = if data.len() <= 1024 { 1 } else { 3 };
    for chunk in [small, 7, 509, 4096] {
        let pieces = read_summary(data, chunk);
        assert_eq!(
            pieces, whole,
            "reading in {chunk}-byte chunks differs from reading whole"
        );
    }
    whole
}

/// The whole analysis (reader, decoders, every analyzer, the report), fed in `chunk`-byte
/// pieces. Serializes the report too, so report code runs on the damaged input as well.
pub fn analyze(data: &[u8], chunk: usize) -> Report {
    let mut analysis = Analysis::new(Config {
        server_port: Some(443),
        ..Config::default()
    });
    for piece in data.chunks(chunk.max(1)) {
        analysis.feed(piece);
        if analysis.is_stopped() {
            break;
        }
    }
    let report = analysis.finish();
    let _ = report.to_json();
    report
}

/// One fuzz iteration: the reader property check plus a whole analysis with a chunk size
/// derived from the input. Returns the reader's summary.
pub fn fuzz_one(data: &[u8]) -> ReadSummary {
    let summary = check_reader(data);
    let chunk = 1 + data.len() % 997;
    analyze(data, chunk);
    summary
}
