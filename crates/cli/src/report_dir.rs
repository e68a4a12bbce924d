//! `pcaplens analyze FILE --report-dir DIR`: the report with figures (report.md, report.html,
//! figures/*.svg). The figures need a second pass over the file (per-frame times for the IO
//! graph, the packets of a few streams for the flow graphs), made here in one read.

use std::io::Read;
use std::path::Path;

use pcaplens_core::Report;
use pcaplens_render::bundle::{self, FigureData, FigureScan};
use pcaplens_render::i18n::Lang;

use crate::CHUNK;

/// Reads `file` again and collects what the figures of `report` need.
pub fn figure_data(file: &str, report: &Report) -> Result<FigureData, String> {
    let mut scan = FigureScan::new(report);
    let mut input = std::fs::File::open(file).map_err(|e| format!("{file}: {e}"))?;
    let mut buf = vec![0u8; CHUNK];
    loop {
        match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => scan.feed(buf.get(..n).unwrap_or_default()),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("{file}: {e}")),
        }
        if scan.is_done() {
            break;
        }
    }
    Ok(scan.finish())
}

/// Writes report.md, report.html and figures/*.svg into `dir` (created when missing);
/// returns the paths written.
pub fn write(
    dir: &Path,
    report: &Report,
    lang: Lang,
    data: &FigureData,
) -> Result<Vec<String>, String> {
    let mut written = Vec::new();
    for file in bundle::files(report, lang, data) {
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&path, &file.bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        written.push(path.display().to_string());
    }
    Ok(written)
}
