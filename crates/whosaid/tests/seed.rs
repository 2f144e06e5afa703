//! The seed article is the project's spec: its gold analysis must be met.

use serde_json::Value;
use whosaid::document::output::JsonDocument;
use whosaid::{Meta, Pipeline};

const RAW: &str = include_str!("fixtures/seed/000_a94861bdbd30db23.txt");
const GOLD: &str = include_str!("fixtures/seed/000_a94861bdbd30db23.gold.json");

/// Compare content ignoring surrounding quotation marks, commas and whitespace.
fn norm(s: &str) -> String {
    s.trim_matches(|c: char| c.is_whitespace() || matches!(c, ',' | '“' | '”' | '"' | '‘' | '’' | '«' | '»'))
        .to_string()
}

fn analyse() -> JsonDocument {
    analyse_with(&Pipeline::default())
}

fn analyse_with(pipeline: &Pipeline) -> JsonDocument {
    let meta = Meta { published: Some("2025-04-23".parse().unwrap()), ..Meta::default() };
    let doc = pipeline.extract(RAW, "000_a94861bdbd30db23.txt", meta);
    JsonDocument::from_document(&doc)
}

/// The rule selector is the baseline the model builds on: on the seed it
/// finds the same statements, speakers and cues as the learned default.
#[test]
fn rule_selector_gives_the_same_seed_statements() {
    let rules = analyse_with(&Pipeline::rules(whosaid::Lexicon::builtin()));
    let model = analyse();
    let view = |d: &JsonDocument| -> Vec<(String, Option<String>, Option<String>)> {
        d.statements
            .iter()
            .map(|s| {
                (
                    norm(&s.content.text),
                    s.speaker.as_ref().and_then(|x| x.name.clone()),
                    s.cue.as_ref().map(|c| c.text.clone()),
                )
            })
            .collect()
    };
    assert_eq!(view(&rules), view(&model));
    assert_eq!(rules.statements.len(), 16);
}

fn gold() -> Value {
    serde_json::from_str(GOLD).unwrap()
}

#[test]
fn boilerplate_is_removed_and_reported() {
    let out = analyse();
    for line in gold()["boilerplate"].as_array().unwrap() {
        let line = line.as_str().unwrap();
        assert!(!out.text.contains(line), "boilerplate left in text: {line}");
        assert!(out.boilerplate.iter().any(|b| b.text == line), "boilerplate not reported: {line}");
    }
    let headline = out.headline.expect("the title line is recognised");
    assert!(headline.text.starts_with("The recent series of talks"));
}

#[test]
fn every_gold_statement_is_found_with_its_details() {
    let out = analyse();
    let gold = gold();
    let mut failures = Vec::new();
    for g in gold["statements"].as_array().unwrap() {
        if g["optional"].as_bool() == Some(true) {
            continue;
        }
        let content = norm(g["content"].as_str().unwrap());
        let Some(p) = out.statements.iter().find(|s| norm(&s.content.text) == content) else {
            failures.push(format!("missing: {content}"));
            continue;
        };
        let mut check = |what: &str, got: Option<&str>, want: Option<&str>| {
            if want.is_some() && got != want {
                failures.push(format!("{content}: {what} is {got:?}, want {want:?}"));
            }
        };
        check("kind", Some(&p.kind), g["kind"].as_str());
        check("speaker", p.speaker.as_ref().and_then(|s| s.name.as_deref()), g["speaker"].as_str());
        check("speaker mention", p.speaker.as_ref().map(|s| s.text.as_str()), g["speaker_mention"].as_str());
        check("cue", p.cue.as_ref().map(|c| c.text.as_str()), g["cue"].as_str());
        check("addressee", p.addressee.as_ref().and_then(|a| a.name.as_deref()), g["addressee"].as_str());
        check("time", p.time.as_ref().map(|t| t.text.as_str()), g["time"].as_str());
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn times_resolve_against_the_publication_date() {
    let out = analyse();
    let date_of = |needle: &str| {
        out.statements
            .iter()
            .find(|s| s.content.text.starts_with(needle))
            .and_then(|s| s.time.as_ref())
            .and_then(|t| t.date.clone())
    };
    assert_eq!(date_of("Zelensky risked").as_deref(), Some("2025-04-23"));
    assert_eq!(date_of("the US has been seeking").as_deref(), Some("2025-04-23"));
    let tuesday = out.times.iter().find(|t| t.text == "On Tuesday").expect("On Tuesday found");
    assert_eq!(tuesday.date.as_deref(), Some("2025-04-22"));
}

#[test]
fn no_statements_beyond_the_gold() {
    let out = analyse();
    let gold = gold();
    let allowed: Vec<String> =
        gold["statements"].as_array().unwrap().iter().map(|g| norm(g["content"].as_str().unwrap())).collect();
    let extra: Vec<&str> =
        out.statements.iter().map(|s| s.content.text.as_str()).filter(|c| !allowed.contains(&norm(c))).collect();
    assert!(extra.is_empty(), "extra statements: {extra:#?}");
}

#[test]
fn gold_entities_are_clustered_as_listed() {
    let out = analyse();
    let gold = gold();
    let mut failures = Vec::new();
    for g in gold["entities"].as_array().unwrap() {
        let name = g["name"].as_str().unwrap();
        let Some(e) = out.entities.iter().find(|e| e.name == name) else {
            failures.push(format!("no entity {name}"));
            continue;
        };
        if e.etype != g["type"].as_str().unwrap() {
            failures.push(format!("{name}: type {} want {}", e.etype, g["type"]));
        }
        if let Some(title) = g["title"].as_str() {
            if !e.titles.iter().any(|t| t == title) {
                failures.push(format!("{name}: titles {:?} lack {title}", e.titles));
            }
        }
        for m in g["mentions"].as_array().unwrap() {
            let m = m.as_str().unwrap();
            if !e.mentions.iter().any(|x| x.text == m) {
                failures.push(format!(
                    "{name}: mention {m:?} not in cluster {:?}",
                    e.mentions.iter().map(|x| &x.text).collect::<Vec<_>>()
                ));
            }
        }
    }
    // Distinct gold entities must stay distinct.
    let names: Vec<&str> = gold["entities"].as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap()).collect();
    for (i, a) in names.iter().enumerate() {
        for b in &names[i + 1..] {
            let ea = out.entities.iter().position(|e| e.name == *a);
            assert!(ea.is_none() || ea != out.entities.iter().position(|e| e.name == *b));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn gold_places_are_recognised() {
    let out = analyse();
    for place in gold()["places"].as_array().unwrap() {
        let place = place.as_str().unwrap();
        let found = out.entities.iter().any(|e| e.etype == "place" && e.mentions.iter().any(|m| m.text == place));
        assert!(found, "place {place} not recognised");
    }
}

#[test]
fn output_is_deterministic() {
    let a = serde_json::to_string(&analyse()).unwrap();
    let b = serde_json::to_string(&analyse()).unwrap();
    assert_eq!(a, b);
}
