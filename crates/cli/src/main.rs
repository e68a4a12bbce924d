//! `pcaplens analyze FILE [--json] [--server-ip IP] [--server-port N]`: a thin binary over
//! pcaplens-core. Flags, file reading (4 MiB chunks, never the whole file), printing and exit
//! codes live here; everything the output says comes from the `Report`.

mod mcp;
mod packets;
mod summary;

use std::io::{self, Read, Write};
use std::process::ExitCode;

use pcaplens_core::{Analysis, Config, Report};
use pcaplens_render::i18n::Lang;

/// Size of each read from the file.
const CHUNK: usize = 4 << 20;

/// The file was read and analysed without trouble.
const EXIT_OK: u8 = 0;
/// The analysis finished but the file is damaged (truncated or corrupt part-way): the report
/// covers the frames before the damage and its warnings say where.
const EXIT_DAMAGED: u8 = 1;
/// Usage error, unreadable file, or not a capture at all.
const EXIT_FAILED: u8 = 2;

const USAGE: &str = "\
Usage:
  pcaplens analyze FILE [--json | --markdown | --csv] [--lang en|es]
                        [--server-ip IP] [--server-port N]
  pcaplens packets FILE [-Y FILTER] [-c COUNT] [-T text|fields|json] [-e FIELD]... [--frame N]
  pcaplens mcp [--root DIR]...
  pcaplens --help | --version

Analyzes a pcap or pcapng capture (optionally gzip-compressed) the way Wireshark does and prints
a summary, or with --json the full report (the same JSON the web app exports). FILE may be -
for standard input. `pcaplens mcp` runs an MCP server on stdio (see `pcaplens mcp --help`).

Options:
  --json             print the report as JSON instead of the summary
  --markdown         print the hand-in report (Markdown), as the web app downloads it
  --csv              print the connections as CSV
  --lang LANG        language of the summary and the Markdown report: en or es
                     (default: from LANG / LC_ALL, else en)
  --server-ip IP     restrict the TCP section to connections with this server address
  --server-port N    restrict the TCP section to connections with this server port
  -h, --help         show this help
  -V, --version      show the version

Exit status:
  0  the capture was read completely
  1  the capture is damaged (cut short or corrupt part-way); the report covers the frames
     before the damage and its warnings say where
  2  usage error, the file cannot be read, or it is not a pcap/pcapng capture";

/// Parsed command line.
#[derive(Debug, Default)]
struct Args {
    file: String,
    json: bool,
    markdown: bool,
    csv: bool,
    lang: Option<Lang>,
    server_ip: Option<String>,
    server_port: Option<u16>,
}

enum Command {
    Help,
    Version,
    Analyze(Args),
}

fn parse_args(args: &[String]) -> Result<Command, String> {
    let mut it = args.iter();
    let Some(first) = it.next() else {
        return Err("no command given".into());
    };
    match first.as_str() {
        "-h" | "--help" | "help" => return Ok(Command::Help),
        "-V" | "--version" => return Ok(Command::Version),
        "analyze" => {}
        other => return Err(format!("unknown command or option '{other}'")),
    }
    let mut parsed = Args::default();
    let mut file = None;
    while let Some(arg) = it.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_string())),
            _ => (arg.as_str(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline
                .clone()
                .or_else(|| it.next().cloned())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag {
            "-h" | "--help" => return Ok(Command::Help),
            "--json" => parsed.json = true,
            "--markdown" => parsed.markdown = true,
            "--csv" => parsed.csv = true,
            "--lang" => {
                let v = value("--lang")?;
                parsed.lang = Some(
                    Lang::from_tag(&v).ok_or_else(|| format!("--lang: '{v}' is not en or es"))?,
                );
            }
            "--server-ip" => {
                let v = value("--server-ip")?;
                v.parse::<std::net::IpAddr>()
                    .map_err(|_| format!("--server-ip: '{v}' is not an IP address"))?;
                parsed.server_ip = Some(v);
            }
            "--server-port" => {
                let v = value("--server-port")?;
                let port = v
                    .parse::<u16>()
                    .map_err(|_| format!("--server-port: '{v}' is not a port number (0-65535)"))?;
                parsed.server_port = Some(port);
            }
            f if f.starts_with('-') && f != "-" => return Err(format!("unknown option '{f}'")),
            _ if file.is_some() => {
                return Err(format!("unexpected argument '{arg}' (one FILE only)"))
            }
            _ => file = Some(arg.clone()),
        }
    }
    parsed.file = file.ok_or("analyze needs a FILE")?;
    if [parsed.json, parsed.markdown, parsed.csv]
        .iter()
        .filter(|f| **f)
        .count()
        > 1
    {
        return Err("choose one of --json, --markdown, --csv".into());
    }
    Ok(Command::Analyze(parsed))
}

/// Feeds the input to an analysis in [`CHUNK`]-byte reads.
fn analyze(args: &Args) -> Result<Report, String> {
    let name = if args.file == "-" {
        None
    } else {
        std::path::Path::new(&args.file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
    };
    let mut input: Box<dyn Read> = if args.file == "-" {
        Box::new(io::stdin().lock())
    } else {
        let file = std::fs::File::open(&args.file).map_err(|e| format!("{}: {e}", args.file))?;
        if file.metadata().is_ok_and(|m| m.is_dir()) {
            return Err(format!("{}: is a directory", args.file));
        }
        Box::new(file)
    };
    let mut analysis = Analysis::new(Config {
        file_name: name,
        server_ip: args.server_ip.clone(),
        server_port: args.server_port,
    });
    let mut buf = vec![0u8; CHUNK];
    loop {
        match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                analysis.feed(&buf[..n]);
                // A foreign or hopelessly corrupt file: no need to read the rest.
                if analysis.is_stopped() {
                    break;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("{}: {e}", args.file)),
        }
    }
    Ok(analysis.finish())
}

/// The language the environment asks for (LC_ALL, then LANG), English otherwise.
fn lang_from_env() -> Lang {
    ["LC_ALL", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
        .map(|v| Lang::from_browser(&v.replace('_', "-")))
        .unwrap_or(Lang::En)
}

/// What the command prints.
enum Output {
    Text(String),
    /// Streamed: a million connections are over 2 GB of JSON, never held as one string.
    Json(Box<pcaplens_core::Report>),
}

/// Writes to stdout; a closed pipe (`pcaplens ... | head`) is not an error.
fn emit(output: &Output) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
    match output {
        Output::Text(text) => out.write_all(text.as_bytes())?,
        Output::Json(report) => report.write_json(&mut out)?,
    }
    out.flush()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The MCP server owns stdout for JSON-RPC: dispatched before anything could print.
    if args.first().map(String::as_str) == Some("mcp") {
        return match mcp::parse_args(args.get(1..).unwrap_or_default()) {
            Ok(Some(roots)) => mcp::run(&roots),
            Ok(None) => {
                println!("{}", mcp::USAGE);
                ExitCode::from(EXIT_OK)
            }
            Err(msg) => {
                eprintln!("pcaplens: {msg}\n\n{}", mcp::USAGE);
                ExitCode::from(EXIT_FAILED)
            }
        };
    }
    if args.first().map(String::as_str) == Some("packets") {
        return ExitCode::from(packets::run(&args[1..]));
    }
    let command = match parse_args(&args) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("pcaplens: {msg}\n\n{USAGE}");
            return ExitCode::from(EXIT_FAILED);
        }
    };
    let (text, code) = match command {
        Command::Help => (Output::Text(format!("{USAGE}\n")), EXIT_OK),
        Command::Version => (
            Output::Text(format!("pcaplens {}\n", env!("CARGO_PKG_VERSION"))),
            EXIT_OK,
        ),
        Command::Analyze(args) => match analyze(&args) {
            Err(msg) => {
                eprintln!("pcaplens: {msg}");
                return ExitCode::from(EXIT_FAILED);
            }
            Ok(report) => {
                let code = if let Some(error) = &report.error {
                    eprintln!("pcaplens: {}: {error}", args.file);
                    EXIT_FAILED
                } else if report.capinfos.truncated {
                    eprintln!(
                        "pcaplens: {}: the capture is damaged; the report covers the frames \
                         before the damage (see the warnings)",
                        args.file
                    );
                    EXIT_DAMAGED
                } else {
                    EXIT_OK
                };
                let lang = args.lang.unwrap_or_else(lang_from_env);
                let output = if args.json {
                    Output::Json(Box::new(report))
                } else if report.error.is_some() {
                    Output::Text(String::new())
                } else if args.markdown {
                    Output::Text(pcaplens_render::report_md::markdown(&report, lang))
                } else if args.csv {
                    Output::Text(pcaplens_render::csv::connections(&report))
                } else {
                    Output::Text(summary::render(&report, &args.file, lang))
                };
                (output, code)
            }
        },
    };
    match emit(&text) {
        Ok(()) => ExitCode::from(code),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(code),
        Err(e) => {
            eprintln!("pcaplens: writing the output: {e}");
            ExitCode::from(EXIT_FAILED)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|a| a.to_string()).collect()
    }

    #[test]
    fn parses_flags_in_both_forms() {
        let Ok(Command::Analyze(a)) = parse_args(&args(&[
            "analyze",
            "x.pcap",
            "--json",
            "--server-ip",
            "10.0.0.1",
            "--server-port=443",
        ])) else {
            panic!()
        };
        assert_eq!(a.file, "x.pcap");
        assert!(a.json);
        assert_eq!(a.server_ip.as_deref(), Some("10.0.0.1"));
        assert_eq!(a.server_port, Some(443));
    }

    #[test]
    fn rejects_bad_usage() {
        for bad in [
            &["analyze"][..],
            &["analyze", "a", "b"],
            &["analyze", "a", "--server-port", "70000"],
            &["analyze", "a", "--server-ip", "nope"],
            &["analyze", "a", "--server-port"],
            &["analyze", "a", "--frobnicate"],
            &["analyze", "a", "--lang", "fr"],
            &["analyze", "a", "--json", "--csv"],
            &["frobnicate"],
            &[],
        ] {
            assert!(parse_args(&args(bad)).is_err(), "{bad:?}");
        }
        assert!(matches!(
            parse_args(&args(&["--version"])),
            Ok(Command::Version)
        ));
        assert!(matches!(
            parse_args(&args(&["analyze", "--help"])),
            Ok(Command::Help)
        ));
    }
}
