//! The `whosaid extract` command as a user runs it.

use std::io::Write;
use std::process::Stdio;

use serde_json::Value;

mod common;
use common::{bin, seed, temp_dir};

#[test]
fn seed_as_json_has_the_fifteen_statements() {
    let out = bin().arg("extract").arg(seed()).args(["--published", "2025-04-23"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["schema"], "whosaid/1");
    // The gold's fifteen, plus at most its one optional stance ("Zelensky rejected …").
    let statements = doc["statements"].as_array().unwrap();
    assert_eq!(statements.iter().filter(|s| s["cue"]["lemma"] != "reject").count(), 15);
    assert!(statements.len() <= 16);
    assert_eq!(doc["meta"]["published"], "2025-04-23");
    // Byte-identical on a second run.
    let again = bin().arg("extract").arg(seed()).args(["--published", "2025-04-23"]).output().unwrap();
    assert_eq!(out.stdout, again.stdout);
}

#[test]
fn stdin_and_table_format() {
    let mut child =
        bin().args(["extract", "-", "--format", "table"]).stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all("“We will win,” Senator Maria Lopez said.".as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Maria Lopez (Senator Maria Lopez) | said | direct | We will win"), "{text}");
}

#[test]
fn directory_gives_one_json_line_per_file_and_bad_files_are_named() {
    let dir = temp_dir("dir");
    std::fs::write(dir.join("a.txt"), "“Yes,” Rubio said.").unwrap();
    std::fs::write(dir.join("b.txt"), "Trump warned that talks could fail.").unwrap();
    std::fs::write(dir.join("c.bin"), [0u8, 1, 2, 0, 0, 0, 7, 8, 0, 0]).unwrap();
    let out = bin().arg("extract").arg(&dir).args(["-j", "2", "--quiet"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "a skipped input makes the exit code 1");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("c.bin: binary data, not text"), "{stderr}");
    let lines: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0]["source"].as_str().unwrap().ends_with("a.txt"));
    assert_eq!(lines[1]["statements"][0]["speaker"]["name"], "Trump");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn lexicon_extension_adds_a_cue() {
    let dir = temp_dir("lex");
    let article = dir.join("a.txt");
    std::fs::write(&article, "Senator Maria Lopez opined that the bill was dead.").unwrap();
    // The rule selector knows only the lexicon's cues (the trained model may
    // have learned "opined" from PolNeAR on its own).
    let without = bin().arg("extract").arg(&article).args(["--selector", "rules"]).output().unwrap();
    let doc: Value = serde_json::from_slice(&without.stdout).unwrap();
    assert_eq!(doc["statements"].as_array().unwrap().len(), 0);
    let lex = dir.join("extra.toml");
    std::fs::write(&lex, "reporting_verbs = [\"opine | speech\"]\n").unwrap();
    let with =
        bin().arg("extract").arg(&article).args(["--selector", "rules"]).arg("--lexicon").arg(&lex).output().unwrap();
    let doc: Value = serde_json::from_slice(&with.stdout).unwrap();
    assert_eq!(doc["statements"][0]["cue"]["lemma"], "opine");
    assert_eq!(doc["statements"][0]["content"]["text"], "the bill was dead");
    std::fs::write(&lex, "verbz = [1]\n").unwrap();
    let bad = bin().arg("extract").arg(&article).arg("--lexicon").arg(&lex).output().unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("verbz"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn output_file_and_resume() {
    let dir = temp_dir("resume");
    let input = dir.join("in.jsonl");
    let lines: Vec<String> = (0..4)
        .map(|i| serde_json::json!({"id": format!("d{i}"), "text": format!("“Point {i},” Rubio said.")}).to_string())
        .collect();
    std::fs::write(&input, lines.join("\n")).unwrap();
    let out = dir.join("out.jsonl");
    let run = || bin().arg("extract").arg(&input).arg("-o").arg(&out).args(["--resume", "--quiet"]).output().unwrap();
    assert!(run().status.success());
    let first = std::fs::read_to_string(&out).unwrap();
    assert_eq!(first.lines().count(), 4);
    assert!(run().status.success());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), first, "a resumed complete run writes nothing new");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn cyrillic_page_and_symlink_loop_and_container_default() {
    let dir = temp_dir("charset");
    // "Привет" in windows-1251, declared by <meta>.
    let mut page = b"<html><head><meta charset=\"windows-1251\"><title>T</title></head><body><article><p>".to_vec();
    page.extend_from_slice(b"\xcf\xf0\xe8\xe2\xe5\xf2, \xec\xe8\xf0. ");
    // ASCII quotes: the whole page is windows-1251, not UTF-8.
    page.extend_from_slice(
        b"\"We will win the vote in the parliament,\" Senator Maria Lopez said.</p></article></body></html>",
    );
    std::fs::write(dir.join("ru.html"), &page).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&dir, dir.join("loop")).unwrap();
    let out = bin().arg("extract").arg(&dir).arg("--quiet").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), 1, "the symlinked directory is not walked again");
    let doc: Value = serde_json::from_str(lines[0]).unwrap();
    assert!(doc["text"].as_str().unwrap().contains("Привет"), "{}", doc["text"]);
    assert_eq!(doc["statements"][0]["speaker"]["name"], "Maria Lopez");
    // One JSONL container: one JSON document per line, not indented JSON.
    let jsonl = dir.join("feed.jsonl");
    std::fs::write(
        &jsonl,
        "{\"id\": \"a\", \"text\": \"“Yes,” Rubio said.\"}\n{\"id\": \"b\", \"text\": \"“No,” Rubio said.\"}\n",
    )
    .unwrap();
    let out = bin().arg("extract").arg(&jsonl).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 2);
    assert!(text.lines().all(|l| serde_json::from_str::<Value>(l).is_ok()));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_corrupt_or_foreign_model_file_is_rejected_with_its_name() {
    let dir = std::env::temp_dir().join(format!("whosaid-model-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let art = dir.join("a.txt");
    std::fs::write(&art, "“We will win,” Rubio said.").unwrap();
    let foreign = dir.join("foreign.wsm");
    std::fs::write(&foreign, b"PK\x03\x04 this is a zip, not a model").unwrap();
    let out = bin().arg("extract").arg(&art).arg("--model").arg(&foreign).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("foreign.wsm") && err.contains("not a whosaid model file"), "{err}");
    // A real model cut in half: the header is right, the weights are not.
    let model = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../whosaid/models/attribution.wsm")).unwrap();
    let cut = dir.join("cut.wsm");
    std::fs::write(&cut, &model[..model.len() / 2]).unwrap();
    let out = bin().arg("extract").arg(&art).arg("--model").arg(&cut).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cut.wsm") && err.contains("corrupt model file"), "{err}");
    // A missing model file is an error naming it.
    let out = bin().arg("extract").arg(&art).arg("--model").arg(dir.join("absent.wsm")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("absent.wsm"));
    // The shipped model loaded by path gives exactly the built-in output.
    let shipped = dir.join("shipped.wsm");
    std::fs::write(&shipped, &model).unwrap();
    let by_path = bin().arg("extract").arg(&art).arg("--model").arg(&shipped).output().unwrap();
    let builtin = bin().arg("extract").arg(&art).output().unwrap();
    assert!(by_path.status.success(), "{}", String::from_utf8_lossy(&by_path.stderr));
    assert_eq!(by_path.stdout, builtin.stdout);
    assert!(String::from_utf8_lossy(&builtin.stdout).contains("We will win"));
    std::fs::remove_dir_all(&dir).ok();
}
