//! Fuzz target: the packet engine. Arbitrary bytes as a capture go through both passes with
//! whole trees, columns and a broad filter; nothing may panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pcaplens_core::packets::fuzz::dissect_all(data);
});
