//! Which files a tool may read, and the analysis cache.
//!
//! `pcap_file` is a local path (absolute, or relative to the working directory) or a `file://`
//! URL. Remote URLs are refused: mcpcap downloads them, pcaplens never sends anything off the
//! machine. With `--root`, the canonical path (symlinks resolved) must lie under one of the
//! canonical roots. A capture is recognised by its first bytes, not its name, so `.gz` works.

use std::collections::VecDeque;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime};

use pcaplens_core::{Analysis, Config, Report};

/// Size of each read from the file (as `pcaplens analyze`).
const CHUNK: usize = 4 << 20;
/// Reports kept: enough for a conversation that moves between a few captures. A report holds
/// per-connection records, so a big capture's report is large; the count bounds the memory.
pub const CACHE_ENTRIES: usize = 4;

/// The first bytes of every format the reader takes: pcap (both byte orders, µs and ns, the
/// "modified" variant), pcapng (section header block) and gzip.
const MAGICS: [[u8; 4]; 9] = [
    [0xa1, 0xb2, 0xc3, 0xd4],
    [0xd4, 0xc3, 0xb2, 0xa1],
    [0xa1, 0xb2, 0x3c, 0x4d],
    [0x4d, 0x3c, 0xb2, 0xa1],
    [0xa1, 0xb2, 0xcd, 0x34],
    [0x34, 0xcd, 0xb2, 0xa1],
    [0x0a, 0x0d, 0x0d, 0x0a],
    [0x1f, 0x8b, 0x08, 0x00],
    [0x1f, 0x8b, 0x08, 0x08],
];

/// A capture a tool may read, identified the way the cache keys it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Capture {
    /// Canonical path (symlinks resolved).
    pub path: PathBuf,
    pub size: u64,
    pub modified: Option<SystemTime>,
}

impl Capture {
    /// The file's name, as the report's `file_name`.
    pub fn file_name(&self) -> Option<String> {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
    }
}

/// The folders tools may read (empty: anywhere) and the reports already computed.
pub struct Files {
    roots: Vec<PathBuf>,
    cache: Mutex<VecDeque<(Capture, Arc<Report>)>>,
}

impl Files {
    /// `roots` are canonicalized here; a root that does not exist is an error.
    pub fn new(roots: &[PathBuf]) -> Result<Files, String> {
        let roots = roots
            .iter()
            .map(|r| {
                let c = r
                    .canonicalize()
                    .map_err(|e| format!("--root {}: {e}", r.display()))?;
                if c.is_dir() {
                    Ok(c)
                } else {
                    Err(format!("--root {}: not a directory", r.display()))
                }
            })
            .collect::<Result<Vec<_>, String>>()?;
        Ok(Files {
            roots,
            cache: Mutex::new(VecDeque::new()),
        })
    }

    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    /// Checks `given` (a path or `file://` URL) and identifies the capture it names.
    pub fn resolve(&self, given: &str) -> Result<Capture, String> {
        let path = local_path(given)?;
        let canonical = path.canonicalize().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => format!("PCAP file not found: {given}"),
            _ => format!("{given}: {e}"),
        })?;
        if !self.roots.is_empty() && !self.roots.iter().any(|r| canonical.starts_with(r)) {
            return Err(format!(
                "{given}: outside the folders this server may read ({}); start it with \
                 another --root to allow it",
                self.roots
                    .iter()
                    .map(|r| r.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let meta = std::fs::metadata(&canonical).map_err(|e| format!("{given}: {e}"))?;
        if !meta.is_file() {
            return Err(format!("{given}: not a regular file"));
        }
        let mut head = [0u8; 4];
        let mut file = std::fs::File::open(&canonical).map_err(|e| format!("{given}: {e}"))?;
        let n = read_up_to(&mut file, &mut head).map_err(|e| format!("{given}: {e}"))?;
        if n < 4 || !MAGICS.contains(&head) {
            return Err(format!(
                "{given}: not a capture file: a pcap, pcapng or gzip-compressed capture starts \
                 with its magic number, this file starts with {}",
                if n == 0 {
                    "nothing (it is empty)".to_string()
                } else {
                    head[..n]
                        .iter()
                        .map(|b| format!("{b:02x}"))
                        .collect::<Vec<_>>()
                        .join(" ")
                }
            ));
        }
        Ok(Capture {
            path: canonical,
            size: meta.len(),
            modified: meta.modified().ok(),
        })
    }

    /// The capture's report: from the cache when the file has not changed, else analysed now
    /// (blocking: call it off the async runtime). Analyses are serialized by the cache lock,
    /// so two calls on the same new file cost one analysis.
    pub fn report(&self, capture: &Capture) -> Result<Arc<Report>, String> {
        let mut cache = self
            .cache
            .lock()
            .map_err(|_| "internal error: the analysis cache is unusable".to_string())?;
        if let Some(i) = cache.iter().position(|(c, _)| c == capture) {
            if let Some(entry) = cache.remove(i) {
                let report = entry.1.clone();
                cache.push_front(entry);
                return Ok(report);
            }
        }
        let started = Instant::now();
        let report = Arc::new(analyze(capture)?);
        eprintln!(
            "pcaplens mcp: analysed {} ({} frames) in {} ms",
            capture.path.display(),
            report.capinfos.frames,
            started.elapsed().as_millis()
        );
        if let Some(error) = &report.error {
            return Err(format!("{}: {error}", capture.path.display()));
        }
        cache.push_front((capture.clone(), report.clone()));
        cache.truncate(CACHE_ENTRIES);
        Ok(report)
    }
}

/// The local path `given` names: a path, or a `file://` URL. Other URLs are refused.
fn local_path(given: &str) -> Result<PathBuf, String> {
    let trimmed = given.trim();
    if trimmed.is_empty() {
        return Err("pcap_file is empty: give the path of a capture file".into());
    }
    let lower = trimmed.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("file://") {
        // file:///abs/path or file://localhost/abs/path; the rest is percent-decoded.
        let start = trimmed.len() - rest.len();
        let rest = &trimmed[start..];
        let path = if let Some(p) = rest.strip_prefix("localhost") {
            p
        } else if rest.starts_with('/') {
            rest
        } else {
            return Err(format!(
                "{given}: only local file:// URLs are supported (file:///path/to/capture.pcap)"
            ));
        };
        return percent_decode(path)
            .map(PathBuf::from)
            .ok_or_else(|| format!("{given}: bad percent-encoding in the URL"));
    }
    if let Some((scheme, _)) = lower.split_once("://") {
        if !scheme.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        {
            return Err(format!(
                "{given}: pcaplens reads local files only and never downloads anything: nothing \
                 leaves this machine. Download the capture yourself and pass its local path."
            ));
        }
    }
    Ok(PathBuf::from(trimmed))
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn read_up_to(file: &mut std::fs::File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Reads `capture` in [`CHUNK`]-byte pieces through an analysis (no filters: tools filter the
/// TCP section themselves, so one report serves every call).
fn analyze(capture: &Capture) -> Result<Report, String> {
    let mut analysis = Analysis::new(Config {
        file_name: capture.file_name(),
        server_ip: None,
        server_port: None,
    });
    feed_file(&capture.path, |chunk| {
        analysis.feed(chunk);
        !analysis.is_stopped()
    })?;
    Ok(analysis.finish())
}

/// Feeds the file to `sink` chunk by chunk until the end or until `sink` returns false.
pub fn feed_file(path: &Path, mut sink: impl FnMut(&[u8]) -> bool) -> Result<(), String> {
    let mut file = std::fs::File::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut buf = vec![0u8; CHUNK];
    loop {
        match file.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => {
                if !sink(buf.get(..n).unwrap_or_default()) {
                    return Ok(());
                }
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_refused_or_mapped() {
        let err = local_path("https://example.com/a.pcap").unwrap_err();
        assert!(err.contains("nothing leaves this machine"), "{err}");
        assert!(local_path("HTTP://x/y").is_err());
        assert!(local_path("ftp://x/y").is_err());
        assert_eq!(
            local_path("file:///tmp/a%20b.pcap").unwrap(),
            PathBuf::from("/tmp/a b.pcap")
        );
        assert_eq!(
            local_path("file://localhost/tmp/x.pcap").unwrap(),
            PathBuf::from("/tmp/x.pcap")
        );
        assert!(local_path("file://otherhost/tmp/x.pcap").is_err());
        assert!(local_path("file:///bad%zz").is_err());
        assert_eq!(
            local_path(" rel/x.pcap ").unwrap(),
            PathBuf::from("rel/x.pcap")
        );
        assert!(local_path("  ").is_err());
    }

    #[test]
    fn roots_confine_reads_and_magic_bytes_decide() {
        let dir = std::env::temp_dir().join(format!("pcaplens-mcp-files-{}", std::process::id()));
        let inside = dir.join("inside");
        let outside = dir.join("outside");
        std::fs::create_dir_all(&inside).unwrap();
        std::fs::create_dir_all(&outside).unwrap();
        let capture = pcaplens_synth::demo::demo_capture();
        std::fs::write(inside.join("a.cap"), &capture).unwrap();
        std::fs::write(outside.join("b.pcap"), &capture).unwrap();
        std::fs::write(inside.join("notes.pcap"), b"hello, not a capture").unwrap();
        std::fs::write(inside.join("empty.pcap"), b"").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(outside.join("b.pcap"), inside.join("link.pcap")).unwrap();

        let files = Files::new(std::slice::from_ref(&inside)).unwrap();
        let ok = files
            .resolve(inside.join("a.cap").to_str().unwrap())
            .unwrap();
        assert_eq!(ok.size, capture.len() as u64);
        let err = files
            .resolve(outside.join("b.pcap").to_str().unwrap())
            .unwrap_err();
        assert!(err.contains("outside the folders"), "{err}");
        #[cfg(unix)]
        assert!(files
            .resolve(inside.join("link.pcap").to_str().unwrap())
            .unwrap_err()
            .contains("outside the folders"));
        let dotdot = inside.join("../outside/b.pcap");
        assert!(files.resolve(dotdot.to_str().unwrap()).is_err());
        let err = files
            .resolve(inside.join("notes.pcap").to_str().unwrap())
            .unwrap_err();
        assert!(err.contains("not a capture file"), "{err}");
        assert!(files
            .resolve(inside.join("empty.pcap").to_str().unwrap())
            .unwrap_err()
            .contains("empty"));
        assert!(files
            .resolve(inside.join("missing.pcap").to_str().unwrap())
            .unwrap_err()
            .contains("not found"));
        assert!(files.resolve(inside.to_str().unwrap()).is_err());

        // The cache: one analysis for repeated calls, a new one when the file changes.
        let r1 = files.report(&ok).unwrap();
        let r2 = files.report(&ok).unwrap();
        assert!(Arc::ptr_eq(&r1, &r2));
        assert_eq!(r1.capinfos.packets, 60);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
