//! The coding stage against its gold: the seed with the example codebook
//! (`fixtures/seed/*.coding.json`) and the coding fixtures
//! (`fixtures/articles/*.coding.json`, codebook named inside, or null for
//! the built-in fallback). A listed statement must carry exactly the listed
//! issues with the listed stances, and the listed targets when given; with
//! `"exact": true` no other statement may carry an issue.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::Value;
use whosaid::coding::Codebook;
use whosaid::document::output::JsonDocument;
use whosaid::{Meta, Pipeline};

fn norm(s: &str) -> String {
    s.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '“' | '”' | '"' | '‘' | '’' | '«' | '»'))
        .to_string()
}

fn dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn codebook(name: &str) -> Codebook {
    let path = dir().join(format!("tests/fixtures/coding/{name}.toml"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Codebook::from_toml(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn pipelines(book: Option<&str>) -> Vec<(&'static str, Pipeline)> {
    let with = |p: Pipeline| match book {
        Some(b) => p.with_codebook(codebook(b)),
        None => p,
    };
    vec![("model", with(Pipeline::default())), ("rules", with(Pipeline::rules(whosaid::Lexicon::builtin())))]
}

/// Failures of one analysed document against one coding gold.
fn check(name: &str, out: &JsonDocument, gold: &Value) -> Vec<String> {
    let mut failures = Vec::new();
    let listed = gold["statements"].as_array().expect("statements array");
    let mut matched = Vec::new();
    for g in listed {
        let content = norm(g["content"].as_str().unwrap());
        let Some((i, s)) = out.statements.iter().enumerate().find(|(_, s)| norm(&s.content.text) == content) else {
            failures.push(format!("{name}: statement missing: {content:?}"));
            continue;
        };
        matched.push(i);
        if let Some(speaker) = g["speaker"].as_str() {
            let got = s.speaker.as_ref().and_then(|a| a.name.as_deref());
            if got != Some(speaker) {
                failures.push(format!("{name}: {content:?}: speaker {got:?}, want {speaker}"));
            }
        }
        let want: BTreeMap<String, String> = g["issues"]
            .as_object()
            .expect("issues object")
            .iter()
            .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
            .collect();
        let got: BTreeMap<String, String> = s.issues.iter().map(|i| (i.issue.clone(), i.stance.clone())).collect();
        if got != want {
            failures.push(format!("{name}: {content:?}: issues {got:?}, want {want:?}"));
        }
        for i in &s.issues {
            let c = i.confidence;
            if (i.stance == "unknown") != (c == 0.0) || !(0.0..=1.0).contains(&c) {
                failures.push(format!("{name}: {content:?}: {} {} with confidence {c}", i.issue, i.stance));
            }
            if !s.content.text.contains(&i.term.text) {
                failures.push(format!("{name}: {content:?}: term {:?} not in the content", i.term.text));
            }
        }
        if let Some(targets) = g.get("targets").and_then(Value::as_array) {
            let want: Vec<&str> = targets.iter().map(|t| t.as_str().unwrap()).collect();
            let got: Vec<&str> = s.targets.iter().map(|t| t.name.as_deref().unwrap_or(&t.text)).collect();
            if got != want {
                failures.push(format!("{name}: {content:?}: targets {got:?}, want {want:?}"));
            }
        }
    }
    if gold["exact"].as_bool() == Some(true) {
        for (i, s) in out.statements.iter().enumerate() {
            if !matched.contains(&i) && !s.issues.is_empty() {
                let issues: Vec<&str> = s.issues.iter().map(|i| i.issue.as_str()).collect();
                failures.push(format!("{name}: unexpected issues {issues:?} on {:?}", s.content.text));
            }
        }
    }
    failures
}

#[test]
fn the_seed_is_coded_as_its_gold_says() {
    let raw = include_str!("fixtures/seed/000_a94861bdbd30db23.txt");
    let gold: Value = serde_json::from_str(include_str!("fixtures/seed/000_a94861bdbd30db23.coding.json")).unwrap();
    for (which, pipeline) in pipelines(gold["codebook"].as_str()) {
        let meta = Meta { published: Some("2025-04-23".parse().unwrap()), ..Meta::default() };
        let out = JsonDocument::from_document(&pipeline.extract(raw, "seed", meta));
        let failures = check("seed", &out, &gold);
        assert!(failures.is_empty(), "{which}:\n{}", failures.join("\n"));
        // The two stances the issue names, with their evidence.
        let evidence = |start: &str| {
            let s = out.statements.iter().find(|s| s.content.text.starts_with(start)).unwrap();
            s.issues[0].evidence.as_ref().map(|e| e.text.clone())
        };
        assert_eq!(evidence("any discussion").as_deref(), Some("rejected"));
        assert_eq!(evidence("the status of Crimea").as_deref(), Some("not up for negotiation"));
    }
}

#[test]
fn every_coding_fixture_meets_its_gold() {
    let articles = dir().join("tests/fixtures/articles");
    let mut golds: Vec<_> = std::fs::read_dir(&articles)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(".coding.json"))
        .collect();
    golds.sort();
    assert!(golds.len() >= 10, "expected at least 10 coding fixtures, found {}", golds.len());
    let mut failures = Vec::new();
    let mut stances = BTreeMap::new();
    for path in &golds {
        let name = path.file_name().unwrap().to_string_lossy().trim_end_matches(".coding.json").to_string();
        let gold: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let raw = std::fs::read_to_string(articles.join(format!("{name}.txt"))).unwrap();
        for (which, pipeline) in pipelines(gold["codebook"].as_str()) {
            let out = JsonDocument::from_document(&pipeline.extract(&raw, &name, Meta::default()));
            failures.extend(check(&format!("{which}/{name}"), &out, &gold));
        }
        for g in gold["statements"].as_array().unwrap() {
            for stance in g["issues"].as_object().unwrap().values() {
                *stances.entry(stance.as_str().unwrap().to_string()).or_insert(0) += 1;
            }
        }
    }
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    // The gold exercises all three outcomes, not just the easy one.
    for s in ["support", "oppose", "unknown"] {
        assert!(stances.get(s).copied().unwrap_or(0) >= 3, "gold has too few {s}: {stances:?}");
    }
}

#[test]
fn without_a_codebook_the_fallback_codes_entities_and_phrases() {
    let raw = include_str!("fixtures/seed/000_a94861bdbd30db23.txt");
    let out = JsonDocument::from_document(&Pipeline::default().extract(raw, "seed", Meta::default()));
    let zelensky = out.statements.iter().find(|s| s.content.text.starts_with("any discussion")).unwrap();
    let crimea = zelensky.issues.iter().find(|i| i.issue == "Crimea").expect("Crimea coded as an entity issue");
    assert_eq!((crimea.origin.as_str(), crimea.stance.as_str()), ("entity", "oppose"));
    let putin = out.statements.iter().find(|s| s.content.text.starts_with("a viable ceasefire")).unwrap();
    assert!(putin.issues.iter().any(|i| i.issue == "viable ceasefire" && i.origin == "phrase"), "{:?}", putin.issues);
    // Metonymic places are actors, never topics; pronouns never issues.
    for s in &out.statements {
        assert!(s.issues.iter().all(|i| i.issue != "Russian government"), "{:?}", s.issues);
    }
}

#[test]
fn a_bad_codebook_is_refused_with_the_issue_and_reason() {
    let e = Codebook::from_toml("[issues.\"Crimea status\"]\nterms = \"Crimea\"\n").unwrap_err();
    assert!(e.to_string().contains("Crimea status") && e.to_string().contains("array of strings"), "{e}");
}
