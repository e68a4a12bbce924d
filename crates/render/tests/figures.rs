//! The report with figures, from the demo capture: deterministic bytes, every figure present
//! and referenced, Spanish text, the full ClientHello.

use pcaplens_core::analyze_bytes;
use pcaplens_render::bundle::{self, figure_data};
use pcaplens_render::Lang;

fn files(lang: Lang) -> Vec<bundle::BundleFile> {
    let bytes = pcaplens_synth::demo::demo_capture();
    let report = analyze_bytes(&bytes, &Default::default());
    let data = figure_data(&bytes, &report);
    bundle::files(&report, lang, &data)
}

fn text<'a>(files: &'a [bundle::BundleFile], path: &str) -> &'a str {
    let f = files.iter().find(|f| f.path == path).expect(path);
    std::str::from_utf8(&f.bytes).expect("utf-8")
}

#[test]
fn same_capture_same_bytes() {
    assert_eq!(files(Lang::En), files(Lang::En));
    assert_eq!(files(Lang::Es), files(Lang::Es));
}

#[test]
fn figures_are_present_and_referenced() {
    let files = files(Lang::En);
    let md = text(&files, "report.md");
    let html = text(&files, "report.html");
    let svgs: Vec<&bundle::BundleFile> = files
        .iter()
        .filter(|f| f.path.starts_with("figures/") && f.path.ends_with(".svg"))
        .collect();
    assert!(svgs.iter().any(|f| f.path.ends_with("io-graph.svg")));
    assert!(svgs.iter().any(|f| f.path.ends_with("-start.svg")));
    assert!(
        svgs.len() >= 3,
        "{:?}",
        files.iter().map(|f| &f.path).collect::<Vec<_>>()
    );
    for (i, f) in svgs.iter().enumerate() {
        let svg = std::str::from_utf8(&f.bytes).unwrap();
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>\n"));
        assert!(
            md.contains(&format!("]({})", f.path)),
            "{} not referenced",
            f.path
        );
        assert!(md.contains(&format!("_Figure {}. ", i + 1)));
        // Inlined in the HTML, not linked.
        assert!(html.contains(svg.trim_end()));
        assert!(!html.contains(&format!("src=\"{}\"", f.path)));
    }
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<details>"));
    // The Markdown without figures is the hand-in report unchanged, plus the Figures section.
    let plain = pcaplens_render::report_md::markdown(
        &analyze_bytes(&pcaplens_synth::demo::demo_capture(), &Default::default()),
        Lang::En,
    );
    assert!(md.starts_with(&plain));
    assert!(
        md.contains("Full ClientHello") && md.contains("TLS\\_AES\\_128\\_GCM\\_SHA256 (0x1301)")
    );
}

#[test]
fn spanish_report() {
    let files = files(Lang::Es);
    let md = text(&files, "report.md");
    assert!(md.contains(". Figuras\n") && md.contains("_Figura 1. "));
    assert!(md.contains("ClientHello completo") && md.contains("Suites de cifrado"));
    let html = text(&files, "report.html");
    assert!(html.contains("<html lang=\"es\">"));
    let io = text(&files, "figures/figure-01-io-graph.svg");
    assert!(io.contains("Paquetes") && !io.contains(">Packets<"));
}
