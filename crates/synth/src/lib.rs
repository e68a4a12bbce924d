//! Capture synthesis for tests, the demo capture and benchmarks (not written yet).
