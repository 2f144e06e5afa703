//! Tests that measure on annotated data read it from `../shared` (it is never
//! copied into the project). A test whose data is missing must say so, and
//! CI — where the data is present — must not let such a test pass unseen.

use std::path::Path;

/// Set by `.ci/run` when `../shared/data` exists: then missing data is a failure.
pub const REQUIRE_ENV: &str = "WHOSAID_REQUIRE_SHARED";

/// Whether test `test` must skip because `path` is missing: prints
/// `SKIPPED <test>: <path> missing` and returns true, or panics when
/// [`REQUIRE_ENV`] is set (the data should be there).
pub fn skip_missing(test: &str, path: &Path) -> bool {
    if path.exists() {
        return false;
    }
    if std::env::var_os(REQUIRE_ENV).is_some_and(|v| v != "0") {
        panic!("{test}: {} missing, and {REQUIRE_ENV} says the shared data must be present", path.display());
    }
    eprintln!("SKIPPED {test}: {} missing", path.display());
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn present_paths_never_skip_and_missing_ones_do() {
        assert!(!skip_missing("t", Path::new(env!("CARGO_MANIFEST_DIR"))));
        if std::env::var_os(REQUIRE_ENV).is_none() {
            assert!(skip_missing("t", Path::new("/nonexistent/whosaid/data")));
        }
    }
}
