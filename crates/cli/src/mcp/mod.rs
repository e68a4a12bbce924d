//! `pcaplens mcp [--root DIR]...`: an MCP server over stdio, a drop-in for mcpcap 0.10.0.
//!
//! JSON-RPC goes on stdout and nothing else does; logs go to stderr. Tools answer from the
//! same `Report` as `pcaplens analyze` (one analysis per file, cached), so every number is
//! Wireshark's. See docs/mcp.md.

mod extra;
mod files;
mod mcpcap;
mod packet_tools;
mod page;
mod server;
mod tcpview;
mod util;

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use rmcp::ServiceExt;

pub const USAGE: &str = "\
Usage:
  pcaplens mcp [--root DIR]...

Runs an MCP server on standard input/output (for Claude Desktop, VS Code or any MCP client).
Tools take a capture's local path; with --root, only files under those folders are readable.
Nothing is ever downloaded.";

/// Parses `mcp`'s arguments (after the word `mcp`).
pub fn parse_args(args: &[String]) -> Result<Option<Vec<PathBuf>>, String> {
    let mut roots = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.split_once('=') {
            Some(("--root", v)) => roots.push(PathBuf::from(v)),
            _ => match arg.as_str() {
                "-h" | "--help" => return Ok(None),
                "--root" => roots.push(PathBuf::from(it.next().ok_or("--root needs a folder")?)),
                other => return Err(format!("mcp: unexpected argument '{other}'")),
            },
        }
    }
    Ok(Some(roots))
}

/// Serves until the client closes standard input.
pub fn run(roots: &[PathBuf]) -> ExitCode {
    let files = match files::Files::new(roots) {
        Ok(f) => Arc::new(f),
        Err(e) => {
            eprintln!("pcaplens mcp: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("pcaplens mcp: cannot start: {e}");
            return ExitCode::from(2);
        }
    };
    if files.roots().is_empty() {
        eprintln!("pcaplens mcp: serving on stdio; any local file may be read");
    } else {
        eprintln!(
            "pcaplens mcp: serving on stdio; files under {} may be read",
            files
                .roots()
                .iter()
                .map(|r| r.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    let result = runtime.block_on(async move {
        let service = server::PcaplensServer::new(files)
            .serve(rmcp::transport::stdio())
            .await
            .map_err(|e| e.to_string())?;
        service.waiting().await.map_err(|e| e.to_string())?;
        Ok::<(), String>(())
    });
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pcaplens mcp: {e}");
            ExitCode::from(2)
        }
    }
}
