//! Small articles written for this project, one construction each. Each
//! `NAME.txt` has a `NAME.expect.json`: the statements that must be found
//! (content compared ignoring surrounding quotation marks, commas and
//! whitespace) and, with `"exact": true`, nothing else.

use std::path::Path;

use serde_json::Value;
use whosaid::document::output::{JsonDocument, JsonStatement};
use whosaid::{Meta, Pipeline};

fn norm(s: &str) -> String {
    s.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '“' | '”' | '"' | '‘' | '’' | '«' | '»'))
        .to_string()
}

fn check_fixture(pipeline: &Pipeline, txt: &Path) -> Vec<String> {
    let name = txt.file_stem().unwrap().to_string_lossy().to_string();
    let raw = std::fs::read_to_string(txt).unwrap();
    let expect: Value = serde_json::from_str(&std::fs::read_to_string(txt.with_extension("expect.json")).unwrap())
        .unwrap_or_else(|e| panic!("{name}.expect.json: {e}"));
    let published = expect["published"].as_str().map(|d| d.parse().unwrap());
    let doc = pipeline.extract(&raw, &name, Meta { published, ..Meta::default() });
    let out = JsonDocument::from_document(&doc);
    let mut failures = Vec::new();
    let want = expect["statements"].as_array().unwrap();
    for w in want {
        let content = norm(w["content"].as_str().unwrap());
        let Some(p) = out.statements.iter().find(|s| norm(&s.content.text) == content) else {
            failures.push(format!("{name}: missing {content:?}; got {:?}", contents(&out.statements)));
            continue;
        };
        let mut field = |what: &str, got: Option<&str>, key: &str| {
            // A key present with null means "must be absent".
            if let Some(v) = w.get(key) {
                let want = v.as_str();
                if got != want {
                    failures.push(format!("{name}: {content:?}: {what} {got:?}, want {want:?}"));
                }
            }
        };
        field("kind", Some(&p.kind), "kind");
        field("speaker", p.speaker.as_ref().and_then(|s| s.name.as_deref()), "speaker");
        field("speaker mention", p.speaker.as_ref().map(|s| s.text.as_str()), "speaker_mention");
        field("speaker type", p.speaker.as_ref().map(|s| s.etype.as_str()), "speaker_type");
        field("cue", p.cue.as_ref().map(|c| c.text.as_str()), "cue");
        field("addressee", p.addressee.as_ref().and_then(|a| a.name.as_deref()), "addressee");
        field("time", p.time.as_ref().map(|t| t.text.as_str()), "time");
        field("time date", p.time.as_ref().and_then(|t| t.date.as_deref()), "time_date");
        if let Some(parts) = w.get("parts").and_then(Value::as_array) {
            let got: Vec<String> = p.parts.iter().map(|x| norm(&x.text)).collect();
            let want: Vec<String> = parts.iter().map(|x| norm(x.as_str().unwrap())).collect();
            if got != want {
                failures.push(format!("{name}: {content:?}: parts {got:?}, want {want:?}"));
            }
        }
    }
    if expect["exact"].as_bool() == Some(true) && out.statements.len() != want.len() {
        failures.push(format!(
            "{name}: {} statements, want {}: {:?}",
            out.statements.len(),
            want.len(),
            contents(&out.statements)
        ));
    }
    failures
}

fn contents(s: &[JsonStatement]) -> Vec<String> {
    s.iter()
        .map(|s| {
            format!(
                "{} <{}> {}",
                s.speaker.as_ref().map(|x| x.text.as_str()).unwrap_or("?"),
                s.cue.as_ref().map(|c| c.text.as_str()).unwrap_or("-"),
                s.content.text
            )
        })
        .collect()
}

#[test]
fn every_fixture_article_meets_its_expectation() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/articles");
    let mut txts: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    txts.sort();
    assert!(txts.len() >= 20, "expected at least 20 fixtures, found {}", txts.len());
    // The learned selector (the default) and the rule selector (the baseline,
    // whose output these expectations were first written from) both meet them.
    let default = Pipeline::default();
    let rules = Pipeline::rules(whosaid::Lexicon::builtin());
    for (name, pipeline) in [("model", &default), ("rules", &rules)] {
        let failures: Vec<String> = txts.iter().flat_map(|t| check_fixture(pipeline, t)).collect();
        assert!(failures.is_empty(), "{name}: {} failures:\n{}", failures.len(), failures.join("\n"));
    }
}

/// A transcript turn quoted paragraph by paragraph is one statement of the
/// speaker in capitals, linked to the article's full name, over both paragraphs.
#[test]
fn a_transcript_turn_continues_over_the_next_quoted_paragraph() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/articles/54_transcript_turns.txt");
    let raw = std::fs::read_to_string(path).unwrap();
    let doc = Pipeline::rules(whosaid::Lexicon::builtin()).extract(&raw, "54", Meta::default());
    let out = JsonDocument::from_document(&doc);
    let turn = out
        .statements
        .iter()
        .find(|s| s.speaker.as_ref().is_some_and(|sp| sp.text == "PENCE"))
        .unwrap_or_else(|| panic!("no PENCE turn: {:?}", contents(&out.statements)));
    assert_eq!(turn.speaker.as_ref().unwrap().name.as_deref(), Some("Mike Pence"));
    let parts: Vec<&str> = turn.parts.iter().map(|p| p.text.as_str()).collect();
    assert_eq!(
        parts,
        [
            "Well, Gennifer Flowers will not be attending the debate.",
            "The campaign is focused on the issues that matter to the American people"
        ]
    );
    assert!(
        out.statements.iter().all(|s| !s.content.text.contains("WALLACE:")),
        "a speaker label inside content: {:?}",
        contents(&out.statements)
    );
}
