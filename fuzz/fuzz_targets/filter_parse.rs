//! Fuzz target: display filters. Arbitrary text is compiled (against a table with every field
//! type, and against the real registry) and evaluated on a small frame; errors must point
//! inside the text and `!(F)` must be the negation of `F`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    pcaplens_core::filter::fuzz::check_filter(data);
});
