//! Project automation: `cargo xtask <command>`. One module per command.
//!
//! - `run`   installs what is missing and serves the app on http://127.0.0.1:8080
//! - `test`  installs what is missing and runs every test (native, wasm, release build, e2e)
//! - `bench` generates large synthetic captures and measures the analysis (vs tshark if present)
//! - `demo`  writes the demo capture the app offers as "try a sample"

mod bench;
mod demo;
mod setup;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (cmd, rest) = match args.split_first() {
        Some((c, r)) => (c.as_str(), r),
        None => ("help", &[][..]),
    };
    let result = match cmd {
        "run" => setup::run(rest),
        "test" => setup::test(rest),
        "bench" => bench::run(rest),
        "demo" => demo::run(rest),
        _ => {
            eprintln!("usage: cargo xtask <run|test|bench|demo> [args]");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask {cmd}: {e}");
            ExitCode::FAILURE
        }
    }
}
