//! `cargo xtask demo [OUT]`: writes the demo capture (default `target/demo.pcap`).
//!
//! The capture comes from `pcaplens_synth::demo`, whose module doc has the frame map (which
//! frame shows the handshake, the ClientHello, the duplicate ACKs, the spurious
//! retransmission, the FIN/RST closes).

use std::path::PathBuf;

pub fn run(args: &[String]) -> Result<(), String> {
    let out = match args {
        [] => PathBuf::from("target/demo.pcap"),
        [path] if !path.starts_with('-') => PathBuf::from(path),
        _ => return Err("usage: cargo xtask demo [OUT]".into()),
    };
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    }
    let bytes = pcaplens_synth::demo::demo_capture();
    std::fs::write(&out, &bytes).map_err(|e| format!("writing {}: {e}", out.display()))?;
    println!(
        "wrote {} ({} frames, {} bytes)",
        out.display(),
        pcaplens_synth::demo::frames::TOTAL,
        bytes.len()
    );
    Ok(())
}
