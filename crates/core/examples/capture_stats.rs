//! Prints what the reader makes of capture files, one line each (packets, frames, truncated,
//! error, first warning). Used to compare the reader with capinfos/tshark by hand:
//! `cargo run -p pcaplens-core --example capture_stats -- FILE...`

use pcaplens_core::{Analysis, Config};

fn main() {
    for path in std::env::args().skip(1) {
        let Ok(bytes) = std::fs::read(&path) else {
            println!("{path}\tunreadable");
            continue;
        };
        let mut analysis = Analysis::new(Config::default());
        for chunk in bytes.chunks(64 * 1024) {
            analysis.feed(chunk);
        }
        let r = analysis.finish();
        let c = &r.capinfos;
        println!(
            "{path}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            c.packets,
            c.frames,
            c.truncated,
            r.error.as_deref().unwrap_or("-"),
            c.warnings.first().map(String::as_str).unwrap_or("-"),
            c.wire_bytes,
            c.first_time_exact.as_deref().unwrap_or("n/a"),
            c.last_time_exact.as_deref().unwrap_or("n/a"),
        );
    }
}
