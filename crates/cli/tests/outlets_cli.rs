//! `whosaid outlets` and `whosaid stories` as a user runs them: the real
//! binary over a database of the multi-outlet fixture corpus
//! (crates/store/tests/fixtures/stories), every output format, and errors.

use std::path::{Path, PathBuf};

use serde_json::Value;

mod common;
use common::{run, TempDir};
use whosaid_testkit::without_ids;

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../store/tests/fixtures/stories/articles.jsonl")
}

fn db(dir: &TempDir) -> String {
    let db = dir.path("news.db");
    let (code, _, err) = run(&["ingest", fixture().to_str().unwrap(), "--db", db.to_str().unwrap(), "-q"]);
    assert_eq!(code, 0, "{err}");
    db.to_str().unwrap().to_string()
}

fn jsonl(s: &str) -> Vec<Value> {
    s.lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

#[test]
fn outlets_in_every_format() {
    let dir = TempDir::new("outlets-cli");
    let db = db(&dir);
    let (code, out, err) = run(&["outlets", "--db", &db, "--format", "jsonl"]);
    assert_eq!(code, 0, "{err}");
    let profiles = jsonl(&out);
    let names: Vec<&str> = profiles.iter().map(|p| p["outlet"].as_str().unwrap()).collect();
    assert_eq!(names, ["Kyiv Daily", "London Paper", "Metro Daily", "Moscow Wire", "Wire Service"]);
    let mw = &profiles[3];
    let kyiv = mw["terminology"].as_array().unwrap().iter().find(|t| t["group"] == "Kyiv").unwrap();
    assert_eq!(kyiv["terms"][0]["name"], "Kiev");
    assert_eq!(kyiv["terms"][0]["count"], 3);

    let (code, out, _) = run(&["outlets", "--db", &db, "--format", "csv"]);
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("outlet,articles,copies,statements,"), "{}", lines[0]);
    assert_eq!(lines.len(), 6);
    assert!(lines[4].starts_with("Moscow Wire,2,0,"), "{}", lines[4]);
    assert!(lines[4].contains("Kyiv: Kiev 3"), "{}", lines[4]);

    let (code, out, _) = run(&["outlets", "--db", &db, "--format", "table"]);
    assert_eq!(code, 0);
    assert!(out.lines().next().unwrap().starts_with("outlet"), "{out}");
    assert!(out.lines().any(|l| l.starts_with("Moscow Wire") && l.contains("Kyiv") && l.contains("Kiev 3")), "{out}");
    assert!(out.contains("9 articles"), "{out}");

    let (code, out, _) = run(&["outlets", "--db", &db, "--actors", "--format", "jsonl"]);
    assert_eq!(code, 0);
    let actors = jsonl(&out);
    let z = actors.iter().find(|a| a["name"] == "Volodymyr Zelenskyy").expect("Zelenskyy, one actor across spellings");
    assert_eq!(z["outlets"].as_array().unwrap().len(), 5);
    let (code, out, _) = run(&["outlets", "--db", &db, "--actors", "--format", "csv"]);
    assert_eq!(code, 0);
    assert!(out.lines().any(|l| l.contains("Volodymyr Zelenskyy") && l.contains("Moscow Wire")), "{out}");
}

#[test]
fn stories_list_one_story_and_stay_identical() {
    let dir = TempDir::new("stories-cli");
    let db = db(&dir);
    let (code, out, err) = run(&["stories", "--db", &db, "--format", "jsonl"]);
    assert_eq!(code, 0, "{err}");
    let stories = jsonl(&out);
    assert_eq!(stories.len(), 2);
    assert_eq!(stories[0]["outlets"].as_array().unwrap().len(), 5);
    assert_eq!(stories[1]["outlets"].as_array().unwrap().len(), 3);
    // Byte-identical on a second run.
    assert_eq!(run(&["stories", "--db", &db, "--format", "jsonl"]).1, out);

    let (code, out, _) = run(&["stories", "--db", &db, "--format", "csv"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("story,first,last,outlets,articles,statements,shared_quotes,title"), "{out}");
    assert!(out.lines().nth(1).unwrap().starts_with("1,2025-03-10,2025-03-11,5,5,"), "{out}");

    let (code, out, _) = run(&["stories", "--db", &db, "--story", "2", "--format", "table"]);
    assert_eq!(code, 0);
    let fidan = out.lines().find(|l| l.contains("guarantee the safety")).expect("Fidan's quote is a row");
    assert_eq!(fidan.matches("yes").count(), 3, "{fidan}");
    let (code, out, _) = run(&["stories", "--db", &db, "--story", "2", "--format", "csv"]);
    assert_eq!(code, 0);
    // One row per (quote, outlet): quote 1 is Fidan's, carried by all three.
    assert_eq!(out.lines().filter(|l| l.starts_with("2,1,Hakan Fidan,")).count(), 3, "{out}");

    // A zero-day window keeps only same-day articles together.
    let (_, out, _) = run(&["stories", "--db", &db, "--window-days", "0", "--format", "jsonl"]);
    for s in jsonl(&out) {
        assert_eq!(s["first"], s["last"], "{s}");
    }
}

#[test]
fn errors_name_the_problem() {
    let dir = TempDir::new("outlets-cli-errors");
    let missing = dir.path("missing.db");
    let (code, _, err) = run(&["outlets", "--db", missing.to_str().unwrap()]);
    assert_ne!(code, 0);
    assert!(err.contains("missing.db") && err.contains("no such database"), "{err}");
    let db = db(&dir);
    let (code, _, err) = run(&["stories", "--db", &db, "--story", "99"]);
    assert_ne!(code, 0);
    assert!(err.contains("no story 99"), "{err}");
    let (code, _, err) = run(&["stories", "--db", &db, "--threshold", "2"]);
    assert_ne!(code, 0);
    assert!(err.contains("--threshold"), "{err}");
    let (code, _, err) = run(&["outlets", "--db", &db, "--prior", "0"]);
    assert_ne!(code, 0);
    assert!(err.contains("--prior"), "{err}");
}

#[test]
fn extract_json_carries_the_terminology() {
    let seed = Path::new(env!("CARGO_MANIFEST_DIR")).join("../whosaid/tests/fixtures/seed/000_a94861bdbd30db23.txt");
    let (code, out, err) = run(&["extract", seed.to_str().unwrap(), "--format", "json", "--published", "2025-04-23"]);
    assert_eq!(code, 0, "{err}");
    let doc: Value = serde_json::from_str(&out).unwrap();
    let terms: Vec<(&str, &str)> = doc["terminology"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["text"].as_str().unwrap(), t["variant_of"].as_str().unwrap()))
        .collect();
    assert!(terms.contains(&("Kiev", "Kyiv")), "{terms:?}");
    assert!(terms.contains(&("Western-backed coup", "Revolution of Dignity / Maidan protests")), "{terms:?}");
}

#[test]
fn outlets_and_stories_over_postgres_equal_sqlite() {
    let Some(server) = whosaid_store_pg::testing::server("outlets_and_stories_over_postgres_equal_sqlite") else {
        return;
    };
    let dir = TempDir::new("outlets-cli-pg");
    let lite = db(&dir);
    let pg = whosaid_store_pg::testing::fresh_db(&server, "cli_outlets");
    let (code, _, err) = run(&["ingest", fixture().to_str().unwrap(), "--db", &pg, "-q"]);
    assert_eq!(code, 0, "{err}");
    for args in [&["outlets"][..], &["outlets", "--actors"], &["stories"], &["stories", "--story", "1"]] {
        let mut outs = Vec::new();
        for db in [&lite, &pg] {
            let mut a = args.to_vec();
            a.extend(["--db", db.as_str(), "--format", "jsonl"]);
            let (code, out, err) = run(&a);
            assert_eq!(code, 0, "{args:?} {err}");
            let mut v = jsonl(&out);
            assert!(!v.is_empty(), "{args:?}: no output");
            v.iter_mut().for_each(without_ids);
            outs.push(v);
        }
        assert_eq!(outs[0], outs[1], "{args:?}");
    }
}
