//! Benchmark driver (placeholder; see issue 3).
fn main() {}
