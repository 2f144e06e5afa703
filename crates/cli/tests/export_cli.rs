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

/// `actor:<row id>` keys renamed by first appearance: each store numbers its
/// actors its own way (PostgreSQL's identity skips values a conflict took),
/// and the same actors in the same places are then the same text.
fn actor_keys_by_appearance(text: &str) -> String {
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("actor:") {
        out.push_str(&rest[..at + 6]);
        rest = &rest[at + 6..];
        let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        if digits > 0 {
            let n = seen.len();
            out.push_str(&format!("#{}", seen.entry(rest[..digits].to_string()).or_insert(n)));
            rest = &rest[digits..];
        }
    }
    out.push_str(rest);
    out
}

/// `whosaid export --db postgres://…` gives what it gives over SQLite for
/// the same ingest: tables, networks and the codings rows the store keeps.
#[test]
fn export_over_postgres_equals_sqlite() {
    let Some(server) = whosaid_store_pg::testing::server("export_over_postgres_equals_sqlite") else { return };
    let tmp = TempDir::new("export-cli-pg");
    let lite = tmp.path("db.sqlite");
    let pg = whosaid_store_pg::testing::fresh_db(&server, "cli_export");
    let mut inputs = common::txt_files(&root().join("crates/whosaid/tests/fixtures/articles"));
    inputs.push(seed());
    for db in [lite.as_os_str(), pg.as_ref()] {
        let mut a: Vec<&std::ffi::OsStr> = vec!["ingest".as_ref()];
        a.extend(inputs.iter().map(|p| p.as_os_str()));
        let (ok, _, err) = run(&[
            &a[..],
            &[
                "--codebook".as_ref(),
                codebook().as_os_str(),
                "--published".as_ref(),
                "2025-04-23".as_ref(),
                "--db".as_ref(),
                db,
                "-q".as_ref(),
            ],
        ]
        .concat());
        assert!(ok, "{err}");
    }
    let exports: [&[&str]; 5] = [
        &["--format", "csv", "--table", "codings"],
        &["--format", "csv", "--table", "statements"],
        &["--format", "csv", "--table", "statements", "--kind", "direct", "--from", "2025-04-01"],
        &["--format", "graphml", "--network", "congruence"],
        &["--format", "graphml", "--network", "speaker-target"],
    ];
    for args in exports {
        let mut outs = Vec::new();
        // The database as the positional argument (SQLite) and as --db (PostgreSQL).
        for db in [vec![lite.as_os_str()], vec!["--db".as_ref(), pg.as_ref()]] {
            let mut a: Vec<&std::ffi::OsStr> = vec!["export".as_ref()];
            a.extend(db);
            a.extend(args.iter().map(std::ffi::OsStr::new));
            let (ok, out, err) = run(&a);
            assert!(ok, "{args:?}: {err}");
            outs.push(actor_keys_by_appearance(&out));
        }
        assert!(outs[0].lines().count() > 2, "{args:?}: {}", outs[0]);
        assert_eq!(outs[1], outs[0], "{args:?}");
    }
    // The codings rows themselves: one per statement × issue, as in the CSV.
    let (_, csv, _) = run(&[
        "export".as_ref(),
        pg.as_ref(),
        "--format".as_ref(),
        "csv".as_ref(),
        "--table".as_ref(),
        "codings".as_ref(),
    ]);
    let count = |sql: &str| whosaid_store_pg::testing::count(&pg, sql);
    assert_eq!(count("SELECT count(*) FROM statement_issues") as usize, csv.lines().count() - 1);
    let opposed = count(
        "SELECT count(*) FROM statement_issues i JOIN statements s ON s.id = i.statement_id
         WHERE s.speaker_name = 'Vladimir Zelensky' AND i.issue = 'Crimea status' AND i.stance = 'oppose'",
    );
    assert_eq!(opposed, 1);
    assert!(count("SELECT count(*) FROM statement_targets") > 0);
}
