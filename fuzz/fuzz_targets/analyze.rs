//! Fuzz target: the whole analysis (reader, decoders, every analyzer, the report's JSON).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pcaplens_core::capture::fuzz::fuzz_one(data);
});
