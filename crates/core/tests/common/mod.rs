//! Shared helpers for the integration tests: locating ../shared and running an analysis.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use pcaplens_core::{Analysis, Config, Report};

/// The shared test data directory (`<repo>/../shared`), if present.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared");
    dir.join("captures")
        .is_dir()
        .then(|| dir.canonicalize().unwrap_or(dir))
}

/// Every capture under shared/captures with its parsed oracle, sorted by path. Prints a notice
/// and returns an empty list when ../shared is absent.
pub fn corpus(test: &str) -> Vec<(PathBuf, serde_json::Value)> {
    let Some(shared) = shared_dir() else {
        eprintln!("{test}: skipped: ../shared/captures is not present");
        return Vec::new();
    };
    let mut out = Vec::new();
    for sub in ["public", "generated"] {
        let Ok(entries) = std::fs::read_dir(shared.join("captures").join(sub)) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = path.to_string_lossy().into_owned();
            if name.ends_with(".oracle.json") || name.ends_with(".tsv") {
                continue;
            }
            let oracle_path = PathBuf::from(format!("{name}.oracle.json"));
            let Ok(text) = std::fs::read_to_string(&oracle_path) else {
                continue;
            };
            let Ok(oracle) = serde_json::from_str(&text) else {
                continue;
            };
            out.push((path, oracle));
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Analyzes a file, feeding it in odd-sized chunks to exercise the streaming reader.
pub fn analyze_file(path: &Path) -> Report {
    let bytes = std::fs::read(path).unwrap_or_default();
    analyze_chunked(&bytes, 7919)
}

pub fn analyze_chunked(bytes: &[u8], chunk: usize) -> Report {
    let mut analysis = Analysis::new(Config::default());
    for c in bytes.chunks(chunk.max(1)) {
        analysis.feed(c);
    }
    analysis.finish()
}
