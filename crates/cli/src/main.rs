//! `pcaplens analyze FILE [--json]`: a thin binary over pcaplens-core (first cut).

use std::io::Read;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let json = args.iter().any(|a| a == "--json");
    let files: Vec<&String> = args
        .iter()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let (Some(cmd), Some(path)) = (args.first(), files.first()) else {
        eprintln!("usage: pcaplens analyze FILE [--json]");
        return ExitCode::from(2);
    };
    if cmd != "analyze" {
        eprintln!("usage: pcaplens analyze FILE [--json]");
        return ExitCode::from(2);
    }
    let mut file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("pcaplens: {path}: {e}");
            return ExitCode::from(2);
        }
    };
    let name = std::path::Path::new(path.as_str())
        .file_name()
        .map(|n| n.to_string_lossy().into_owned());
    let mut analysis = pcaplens_core::Analysis::new(pcaplens_core::Config {
        file_name: name,
        ..Default::default()
    });
    let mut buf = vec![0u8; 4 << 20];
    loop {
        match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => analysis.feed(&buf[..n]),
            Err(e) => {
                eprintln!("pcaplens: {path}: {e}");
                return ExitCode::from(2);
            }
        }
    }
    let report = analysis.finish();
    if json {
        print!("{}", report.to_json());
    } else {
        println!("{} packets", report.capinfos.packets);
    }
    if report.error.is_some() {
        eprintln!("pcaplens: {path}: {}", report.error.unwrap_or_default());
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}
