//! The seed gold's `terminology` list must be met exactly: every listed term
//! found with its counterpart, and no contested term beyond the list.

use std::collections::BTreeSet;

use serde_json::Value;
use whosaid::document::output::JsonDocument;
use whosaid::{Meta, Pipeline};

const SEED: &str = include_str!("fixtures/seed/000_a94861bdbd30db23.txt");
const GOLD: &str = include_str!("fixtures/seed/000_a94861bdbd30db23.gold.json");

fn norm(s: &str) -> String {
    s.replace(['’', '‘'], "'")
}

fn analyse() -> JsonDocument {
    let meta = Meta { published: chrono::NaiveDate::from_ymd_opt(2025, 4, 24), ..Meta::default() };
    JsonDocument::from_document(&Pipeline::default().extract(SEED, "seed", meta))
}

#[test]
fn seed_terminology_matches_the_gold_list() {
    let gold: Value = serde_json::from_str(GOLD).unwrap();
    let want: BTreeSet<(String, String)> = gold["terminology"]
        .as_array()
        .expect("the seed gold has a terminology list")
        .iter()
        .map(|t| (norm(t["term"].as_str().unwrap()), norm(t["variant_of"].as_str().unwrap())))
        .collect();
    assert!(want.len() >= 6, "gold list unexpectedly short: {want:?}");
    let doc = analyse();
    let got: BTreeSet<(String, String)> =
        doc.terminology.iter().map(|t| (norm(&t.text), norm(&t.variant_of))).collect();
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(missing.is_empty(), "gold terms not found: {missing:?}\nfound: {got:?}");
    assert!(extra.is_empty(), "terms beyond the gold: {extra:?}");
    // Offsets are code points and `text` equals the slice.
    let chars: Vec<char> = doc.text.chars().collect();
    for t in &doc.terminology {
        assert_eq!(chars[t.start..t.end].iter().collect::<String>(), t.text);
        assert!(!t.group.is_empty() && ["place", "name", "phrase"].contains(&t.kind.as_str()));
    }
}

#[test]
fn terminology_is_in_the_json_and_old_json_still_loads() {
    let doc = analyse();
    let line = serde_json::to_string(&doc).unwrap();
    assert!(line.contains("\"terminology\":[{"), "{line}");
    // A whosaid/1 document written before the field existed still reads.
    let mut v: Value = serde_json::from_str(&line).unwrap();
    v.as_object_mut().unwrap().remove("terminology");
    let old: JsonDocument = serde_json::from_value(v).unwrap();
    assert!(old.terminology.is_empty());
    assert_eq!(old.statements, doc.statements);
}

/// Every seed in `../shared/seeds` (beside the workspace) whose gold has a
/// `terminology` list: each listed term is found with its counterpart.
#[test]
fn shared_seeds_terminology_is_found() {
    let dir = std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/seeds"));
    if whosaid_document::shared_data::skip_missing("shared_seeds_terminology_is_found", &dir) {
        return;
    }
    let entries = std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    let mut golds: Vec<std::path::PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".gold.json"))
        .collect();
    golds.sort();
    let mut checked = 0;
    for gold_path in golds {
        let gold: Value = serde_json::from_str(&std::fs::read_to_string(&gold_path).unwrap()).unwrap();
        let Some(list) = gold["terminology"].as_array() else { continue };
        let doc_name = gold["document"].as_str().expect("gold names its document");
        let text = std::fs::read_to_string(dir.join(doc_name)).unwrap();
        let doc = JsonDocument::from_document(&Pipeline::default().extract(&text, doc_name, Meta::default()));
        let got: BTreeSet<(String, String)> =
            doc.terminology.iter().map(|t| (norm(&t.text), norm(&t.variant_of))).collect();
        for t in list {
            let want = (norm(t["term"].as_str().unwrap()), norm(t["variant_of"].as_str().unwrap()));
            assert!(got.contains(&want), "{}: {want:?} not found in {got:?}", gold_path.display());
        }
        checked += 1;
    }
    assert!(checked > 0, "no seed gold in {} has a terminology list", dir.display());
}
