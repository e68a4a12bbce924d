//! Fuzz target: the capture reader alone. Besides not panicking, reading the input whole and
//! in several chunk sizes must give identical frames (`check_reader` asserts it).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pcaplens_core::capture::fuzz::check_reader(data);
});
