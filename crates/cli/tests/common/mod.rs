//! Helpers shared by the CLI integration tests (the workspace-wide ones
//! come from whosaid-testkit).
#![allow(dead_code, unused_imports)]

use std::path::PathBuf;
use std::process::Command;

pub use whosaid_testkit::{fixtures, seed, txt_files, TempDir};

/// The `whosaid` binary under test.
pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_whosaid"))
}

/// `<tmp>/whosaid-cli-<name>-<pid>`, emptied first and left for the
/// inspection of a failed run.
pub fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("whosaid-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs `whosaid args…` to its end: exit code (-1 when killed), stdout, stderr.
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out = bin().args(args).output().expect("run whosaid");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
