//! Renders one capture file for reading: `cargo run -p pcaplens-render --example render_capture
//! -- FILE [en|es] [md|csv|issues|text]`. The file is read here, in the example, not by the
//! library.

use pcaplens_core::{Analysis, Config};
use pcaplens_render::{csv, report_md, text, Lang};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: render_capture FILE [en|es] [md|csv|issues|text]");
        std::process::exit(2);
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1);
        }
    };
    let lang = Lang::from_browser(args.get(1).map_or("en", String::as_str));
    let name = path.rsplit('/').next().map(str::to_string);
    let mut analysis = Analysis::new(Config {
        file_name: name,
        ..Config::default()
    });
    analysis.feed(&bytes);
    let report = analysis.finish();
    let out = match args.get(2).map_or("md", String::as_str) {
        "csv" => csv::connections(&report),
        "issues" => csv::issues(&report),
        "text" => text::summary(&report, lang),
        _ => report_md::markdown(&report, lang),
    };
    print!("{out}");
}
