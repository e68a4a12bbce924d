//! Damaged input never panics the packet engine: a deterministic mutation run through both
//! passes with whole trees, columns and a broad filter ([`pcaplens_core::packets::fuzz`]).
//!
//! Base inputs: the demo capture (TLS 1.3 assignment) and the start of every capture in
//! ../shared/captures when present. Each mutant gets one to three mutations (truncation, bit
//! flips, random byte runs, inserted or deleted bytes). `PCAPLENS_PACKET_MUTATIONS` sets the
//! number of mutants (default 3,000), `PCAPLENS_SEED` the seed; a failing mutant is written
//! to the temp directory.

mod common;

use pcaplens_core::packets::fuzz::dissect_all;

const DEFAULT_MUTATIONS: u64 = 3_000;
const DEFAULT_SEED: u64 = 0x5eed_0000_7ac3_0001;
/// Base inputs are cut to this size so every mutant dissects quickly.
const MAX_BASE_LEN: usize = 16 * 1024;

/// xorshift64*.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

fn mutate(rng: &mut Rng, base: &[u8]) -> Vec<u8> {
    let mut v = base.to_vec();
    for _ in 0..1 + rng.below(3) {
        // Keep the file header mostly intact so mutations reach the packets.
        let lo = 24.min(v.len());
        let at = lo + rng.below(v.len().saturating_sub(lo).max(1));
        match rng.below(5) {
            0 => v.truncate(at),
            1 => {
                if let Some(b) = v.get_mut(at) {
                    *b ^= 1 << rng.below(8);
                }
            }
            2 => {
                for i in 0..1 + rng.below(16) {
                    if let Some(b) = v.get_mut(at + i) {
                        *b = rng.next() as u8;
                    }
                }
            }
            3 => {
                let n = 1 + rng.below(8);
                for _ in 0..n {
                    v.insert(at.min(v.len()), rng.next() as u8);
                }
            }
            _ => {
                let end = (at + 1 + rng.below(8)).min(v.len());
                if at < end {
                    v.drain(at..end);
                }
            }
        }
    }
    v
}

#[test]
fn damaged_captures_never_panic_the_packet_engine() {
    let mut bases: Vec<(String, Vec<u8>)> =
        vec![("demo".into(), pcaplens_synth::demo::demo_capture())];
    for (path, _) in common::corpus("damaged_captures_never_panic_the_packet_engine") {
        let mut bytes = std::fs::read(&path).unwrap_or_default();
        // Compressed files are mutated before inflating only at their start; use them whole.
        bytes.truncate(MAX_BASE_LEN);
        bases.push((path.display().to_string(), bytes));
    }
    // The demo capture dissects whole (the others may be damaged already).
    assert!(
        dissect_all(&bases[0].1) > 20,
        "the demo capture did not dissect"
    );
    for (_, b) in &bases {
        dissect_all(b);
    }
    let n: u64 = std::env::var("PCAPLENS_PACKET_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_MUTATIONS);
    let seed: u64 = std::env::var("PCAPLENS_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_SEED);
    let mut rng = Rng(seed | 1);
    for i in 0..n {
        let (_, base) = &bases[rng.below(bases.len())];
        let mutant = mutate(&mut rng, base);
        let result = std::panic::catch_unwind(|| dissect_all(&mutant));
        if result.is_err() {
            let path = std::env::temp_dir().join(format!("pcaplens-packets-{seed:x}-{i}.pcap"));
            let _ = std::fs::write(&path, &mutant);
            panic!(
                "mutant {i} (seed {seed:#x}) panicked; written to {}",
                path.display()
            );
        }
    }
}
