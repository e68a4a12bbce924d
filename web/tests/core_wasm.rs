//! pcaplens-core compiled to wasm32 and run in the browser: the same analysis as natively,
//! however the input is chunked.
#![cfg(target_arch = "wasm32")]

use pcaplens_core::{analyze_bytes, Analysis, Config};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn demo_capture_analyzes_the_same_in_any_chunking() {
    let demo = pcaplens_synth::demo::demo_capture();
    let whole = analyze_bytes(&demo, &Config::default());
    assert_eq!(whole.error, None);
    assert_eq!(
        whole.capinfos.packets,
        pcaplens_synth::demo::frames::TOTAL as u64
    );
    assert_eq!(whole.capinfos.format.as_deref(), Some("pcap"));
    assert_eq!(
        whole.capinfos.data_bytes + 16 * whole.capinfos.packets + 24,
        demo.len() as u64
    );
    for chunk in [1, 7, 4096] {
        let mut analysis = Analysis::new(Config::default());
        for piece in demo.chunks(chunk) {
            analysis.feed(piece);
        }
        assert_eq!(analysis.progress().bytes, demo.len() as u64);
        assert_eq!(
            analysis.finish().to_json(),
            whole.to_json(),
            "chunk size {chunk}"
        );
    }
}

#[wasm_bindgen_test]
fn a_foreign_file_is_reported_as_not_a_capture() {
    let mut analysis = Analysis::new(Config::default());
    analysis.feed(b"GIF89a and so on");
    let report = analysis.finish();
    assert!(report
        .error
        .unwrap_or_default()
        .contains("not a capture file"));
    assert_eq!(report.capinfos.packets, 0);
}
