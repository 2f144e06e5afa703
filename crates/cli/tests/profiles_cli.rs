//! `whosaid extract --profile full|statements|table` as a user runs it.

use serde_json::Value;

mod common;
use common::{bin, seed, temp_dir};

fn extract(args: &[&str]) -> std::process::Output {
    bin().arg("extract").arg(seed()).args(["--published", "2025-04-23"]).args(args).output().unwrap()
}

#[test]
fn seed_statements_profile_has_the_full_documents_fifteen_statements() {
    let full = extract(&[]);
    assert!(full.status.success(), "{}", String::from_utf8_lossy(&full.stderr));
    let default: Value = serde_json::from_slice(&full.stdout).unwrap();
    let explicit = extract(&["--profile", "full"]);
    assert_eq!(explicit.stdout, full.stdout, "--profile full is the default, byte for byte");

    let out = extract(&["--profile", "statements"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let st: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(st["schema"], "whosaid-statements/1");
    assert_eq!(st["meta"], default["meta"]);
    assert_eq!(st["statements"], default["statements"]);
    let statements = st["statements"].as_array().unwrap();
    // The gold's fifteen, plus at most its one optional stance ("Zelensky rejected …").
    assert_eq!(statements.iter().filter(|s| s["cue"]["lemma"] != "reject").count(), 15);
    assert!(statements.iter().any(|s| s["speaker"]["name"] == "Marco Rubio"));
    for absent in ["text", "entities", "sentences", "paragraphs", "quotations", "raw_map"] {
        assert!(st.get(absent).is_none(), "{absent}");
    }
    assert!(out.stdout.len() * 2 < full.stdout.len(), "{} vs {}", out.stdout.len(), full.stdout.len());
    // Deterministic: byte-identical on a second run.
    assert_eq!(extract(&["--profile", "statements"]).stdout, out.stdout);
}

#[test]
fn table_profile_is_one_row_per_statement_and_the_table_format() {
    let full: Value = serde_json::from_slice(&extract(&[]).stdout).unwrap();
    let n = full["statements"].as_array().unwrap().len();
    let table = extract(&["--profile", "table"]);
    assert!(table.status.success(), "{}", String::from_utf8_lossy(&table.stderr));
    let text = String::from_utf8(table.stdout.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("# ") && lines[0].ends_with("000_a94861bdbd30db23.txt"), "{}", lines[0]);
    assert_eq!(lines.len(), 1 + n, "{text}");
    assert!(lines[1..].iter().all(|l| l.split(" | ").count() >= 4), "{text}");
    assert!(text.contains("Marco Rubio (Rubio) | told | direct | We’ve done our best"), "{text}");
    assert_eq!(extract(&["--format", "table"]).stdout, table.stdout, "--profile table is --format table");
    assert_eq!(extract(&["--profile", "table"]).stdout, table.stdout);
}

#[test]
fn statements_profile_of_a_directory_is_one_line_per_document() {
    let dir = temp_dir("profiles");
    std::fs::write(dir.join("a.txt"), "“Yes,” Rubio said.").unwrap();
    std::fs::copy(seed(), dir.join("b.txt")).unwrap();
    std::fs::copy(seed(), dir.join("c.txt")).unwrap();
    let out_file = dir.join("out.jsonl");
    let run = |extra: &[&str]| {
        let o = bin()
            .arg("extract")
            .arg(&dir)
            .args(["-q", "-j", "2", "--published", "2025-04-23", "--profile", "statements"])
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o.stdout
    };
    let stdout = run(&[]);
    let lines: Vec<Value> =
        String::from_utf8(stdout.clone()).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 3);
    assert!(lines.iter().all(|l| l["schema"] == "whosaid-statements/1"));
    assert_eq!(lines[0]["statements"][0]["speaker"]["text"], "Rubio");
    assert_eq!(lines[1]["duplicate_of"], Value::Null);
    assert!(lines[2]["duplicate_of"].as_str().unwrap().ends_with("b.txt"), "{}", lines[2]["duplicate_of"]);
    // To a file: the same bytes.
    run(&["-o", out_file.to_str().unwrap()]);
    assert_eq!(std::fs::read(&out_file).unwrap(), stdout);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn profiles_that_do_not_fit_the_format_are_usage_errors() {
    let dir = temp_dir("profile-errors");
    let out = dir.join("o.jsonl");
    for (args, says) in [
        (vec!["--profile", "table", "--format", "json"], "--profile table"),
        (vec!["--profile", "statements", "--format", "table"], "--format table"),
        (vec!["--profile", "statements", "--format", "csv"], "export formats"),
        (vec!["--profile", "statements", "-o", out.to_str().unwrap(), "--resume"], "--resume"),
    ] {
        let o = extract(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert!(stderr.contains(says), "{args:?}: {stderr}");
    }
    let o = extract(&["--profile", "everything"]);
    assert_eq!(o.status.code(), Some(2));
    let _ = std::fs::remove_dir_all(&dir);
}
