//! Display filters evaluate without allocating for the common tests (presence, integers,
//! addresses, CIDR, MACs, strings, `in`, `contains` with a literal, `matches`, `!=`, `and`,
//! `or`, `not`): a counting allocator watches `Filter::matches` on a dissected frame.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use pcaplens_core::filter::compile;
use pcaplens_core::packets::engine::{Engine, EngineOptions};
use pcaplens_core::packets::tree::{Dissection, Wants};

struct Counting;

static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// One frame of a capture written by pcaplens-synth, dissected with everything kept.
fn frame() -> Dissection {
    let capture = pcaplens_synth::demo::demo_capture();
    let mut engine = Engine::new(EngineOptions {
        wants: Wants::All,
        keep_bytes: true,
        ..EngineOptions::default()
    });
    let mut first = None;
    engine.feed(&capture, |d| {
        if first.is_none() {
            first = Some(d.clone());
        }
    });
    first.expect("the demo capture has frames")
}

#[test]
fn test_common_filters_do_not_allocate() {
    let d = frame();
    for text in [
        "frame",
        "!frame",
        "frame.number == 1",
        "frame.number != 1",
        "frame.len in {60, 74..80, 1514}",
        "frame.len > 10 && frame.cap_len <= frame.len || frame.number == 3",
        "frame.time_relative < 0.5",
        "frame.time_epoch > 1600000000",
        "frame.len & 0x0f",
        "frame[0:2] == 02:00",
        "frame contains 08:00",
        "frame matches \"\\\\x08\\\\x00\"",
        "len(frame) > 10",
        "count(frame) == 1",
        "frame.len + frame.cap_len > 0",
        "{frame.len * 2} - 1 > frame.cap_len",
        "-frame.len < 0",
        "max(frame.len, frame.cap_len) == frame.len",
    ] {
        let f = compile(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        let expected = f.matches(&d);
        let before = ALLOCATIONS.load(Ordering::Relaxed);
        for _ in 0..100 {
            assert_eq!(f.matches(&d), expected);
        }
        let after = ALLOCATIONS.load(Ordering::Relaxed);
        assert_eq!(after - before, 0, "{text} allocates");
    }
}
