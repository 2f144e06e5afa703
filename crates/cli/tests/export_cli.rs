//! `whosaid extract --codebook … --format …` and `whosaid export`: the
//! commands work end to end, and bad input gets an error naming the file
//! and the reason (never a panic).

mod common;

use std::process::Command;

use common::{seed, TempDir};

const BIN: &str = env!("CARGO_BIN_EXE_whosaid");

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn codebook() -> std::path::PathBuf {
    root().join("crates/whosaid/tests/fixtures/coding/ukraine.toml")
}

fn run(args: &[&std::ffi::OsStr]) -> (bool, String, String) {
    let out = Command::new(BIN).args(args).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

#[test]
fn extract_with_a_codebook_then_ingest_and_export() {
    let tmp = TempDir::new("export-cli");
    let (ok, json, err) = run(&[
        "extract".as_ref(),
        seed().as_os_str(),
        "--codebook".as_ref(),
        codebook().as_os_str(),
        "--published".as_ref(),
        "2025-04-23".as_ref(),
    ]);
    assert!(ok, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let zel = doc["statements"].as_array().unwrap().iter().find(|s| s["cue"]["lemma"] == "reject").unwrap();
    assert_eq!(zel["issues"][0]["issue"], "Crimea status");
    assert_eq!(zel["issues"][0]["stance"], "oppose");
    let db = tmp.path("db.sqlite");
    let (ok, _, err) = run(&[
        "ingest".as_ref(),
        seed().as_os_str(),
        "--codebook".as_ref(),
        codebook().as_os_str(),
        "--db".as_ref(),
        db.as_os_str(),
        "-q".as_ref(),
    ]);
    assert!(ok, "{err}");
    let (ok, csv, err) = run(&[
        "export".as_ref(),
        db.as_os_str(),
        "--format".as_ref(),
        "csv".as_ref(),
        "--table".as_ref(),
        "codings".as_ref(),
    ]);
    assert!(ok, "{err}");
    assert_eq!(csv.lines().count(), 1 + 4, "{csv}");
    assert!(csv.contains("Crimea status,,oppose,0,"), "{csv}");
    let (ok, xml, err) = run(&[
        "export".as_ref(),
        db.as_os_str(),
        "--format".as_ref(),
        "graphml".as_ref(),
        "--network".as_ref(),
        "congruence".as_ref(),
    ]);
    assert!(ok, "{err}");
    assert_eq!(xml.matches("<edge ").count(), 1, "{xml}");
}

#[test]
fn bad_input_is_named_with_the_reason() {
    let tmp = TempDir::new("export-cli-bad");
    let bad = tmp.path("bad.toml");
    std::fs::write(&bad, "[issues.Crimea]\nterms = \"Crimea\"\n").unwrap();
    let (ok, _, err) = run(&["extract".as_ref(), seed().as_os_str(), "--codebook".as_ref(), bad.as_os_str()]);
    assert!(!ok);
    assert!(err.contains("bad.toml") && err.contains("array of strings") && !err.contains("panicked"), "{err}");
    let missing = tmp.path("missing.sqlite");
    let (ok, _, err) = run(&["export".as_ref(), missing.as_os_str(), "--format".as_ref(), "csv".as_ref()]);
    assert!(!ok && err.contains("missing.sqlite") && err.contains("no such database"), "{err}");
    let (ok, _, err) = run(&["extract".as_ref(), seed().as_os_str(), "--format".as_ref(), "dna".as_ref()]);
    assert!(!ok && err.contains("--output"), "{err}");
    let (ok, _, err) = run(&[
        "extract".as_ref(),
        seed().as_os_str(),
        "--format".as_ref(),
        "graphml".as_ref(),
        "--network".as_ref(),
        "friends".as_ref(),
    ]);
    assert!(!ok && err.contains("unknown network"), "{err}");
    let (ok, _, err) = run(&[
        "extract".as_ref(),
        seed().as_os_str(),
        "--format".as_ref(),
        "csv".as_ref(),
        "--from".as_ref(),
        "May".as_ref(),
    ]);
    assert!(!ok && err.contains("--from May"), "{err}");
}
