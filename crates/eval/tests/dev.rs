//! Runs the pipeline over the real PolNeAR dev file when it is present
//! (`../shared/data/polnear/dev.jsonl` from the workspace root). Asserts only
//! sanity (scores in [0, 1], non-trivial), never current numbers: the CI
//! ratchet for those is `ci/eval-floor.txt`.

use std::path::PathBuf;

use whosaid_eval::{evaluate, parse_jsonl, predictions};

fn dev_path() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/polnear/dev.jsonl"))
}

#[test]
fn scores_on_polnear_dev_are_sane() {
    let path = dev_path();
    if whosaid_document::shared_data::skip_missing("scores_on_polnear_dev_are_sane", &path) {
        return;
    }
    let text = std::fs::read_to_string(&path).unwrap();
    let articles = parse_jsonl(&text).unwrap();
    assert!(articles.len() > 10);
    let pipeline = whosaid::Pipeline::default();
    let ev = evaluate(&pipeline, &articles);
    let r = ev.report();
    for s in [&r.scores, &r.scores_without_beliefs] {
        for x in [
            s.content.p,
            s.content.r,
            s.content.f1,
            s.speaker_right,
            s.end_to_end.p,
            s.end_to_end.r,
            s.end_to_end.f1,
            s.exact.p,
            s.exact.r,
            s.exact.f1,
        ] {
            assert!((0.0..=1.0).contains(&x), "score {x} out of range");
        }
        assert!(s.end_to_end.f1 <= s.content.f1);
        assert!(s.exact.f1 <= s.content.f1 + 1e-9);
    }
    let c = r.scores.counts;
    assert!(c.gold > 1000, "gold {}", c.gold);
    assert!(c.pred > 100, "pred {}", c.pred);
    assert!(r.scores.content.f1 > 0.1, "content F1 {}", r.scores.content.f1);
    assert!(r.scores.end_to_end.f1 > 0.05);
    assert!(r.scores.speaker_right > 0.3);
    assert_eq!(r.misses.total, c.gold - c.matched);
    assert_eq!(r.false_alarms.total, c.pred - c.matched);

    // Every prediction maps back to exactly the raw text it was cut from.
    for a in articles.iter().take(20) {
        let doc = pipeline.extract(&a.text, &a.id, Default::default());
        let chars: Vec<char> = a.text.chars().collect();
        for (p, s) in predictions(&doc, &a.text).iter().zip(&doc.statements) {
            let got: String = p.content.ranges().iter().flat_map(|&(x, y)| chars[x..y].iter()).collect();
            // Separators inserted between kept lines are not raw text.
            // A split quotation is scored by its parts, not the attribution between them.
            let want: String = if s.parts.is_empty() {
                doc.slice(s.content).to_string()
            } else {
                s.parts.iter().map(|&p| doc.slice(p)).collect()
            };
            assert_eq!(got, want.replace('\n', ""), "{}", a.id);
        }
    }

    let table = whosaid_eval::render_table(&r);
    assert!(table.contains("GenderGapTracker"));
    let errs = whosaid_eval::errors::render_errors(&ev, 3);
    assert!(errs.contains("MISS"));
}

/// The junk speakers issue 8 found on dev never come back: occasions and
/// channels ("Details", "a statement", "a Wednesday conference"), reflexives
/// ("Lammy himself"), partitives ("One of Mr. Clarke") and fragments that
/// start or end with a preposition as a speaker's mention or canonical name.
#[test]
fn no_junk_speakers_on_polnear_dev() {
    let path = dev_path();
    if whosaid_document::shared_data::skip_missing("no_junk_speakers_on_polnear_dev", &path) {
        return;
    }
    let articles = parse_jsonl(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let pipeline = whosaid::Pipeline::default();
    let lexicon = whosaid::Lexicon::builtin();
    let junk = |s: &str| {
        let l = s.to_lowercase();
        let words: Vec<&str> = l.split_whitespace().collect();
        // A phrase that ends in a preposition ("Pagliano took place despite")
        // or opens with "like" ("Like President Obama") is a fragment, not a
        // speaker ("Under Secretary …" may open with a preposition).
        let fragment = words.len() > 1
            && (words.last().is_some_and(|w| lexicon.prepositions().contains(*w))
                || matches!(words.first(), Some(&("like" | "unlike" | "following"))));
        matches!(l.as_str(), "details" | "a statement" | "a wednesday conference")
            || l.ends_with(" himself")
            || l.ends_with(" herself")
            || l.starts_with("one of ")
            || fragment
    };
    let mut found = Vec::new();
    let mut speakers = 0;
    for a in &articles {
        let doc = pipeline.extract(&a.text, &a.id, Default::default());
        for p in predictions(&doc, &a.text) {
            if let Some(sp) = p.speaker {
                speakers += 1;
                if junk(&sp.text) || sp.entity_name.as_deref().is_some_and(junk) {
                    found.push(format!("{}: {:?} → {:?}", a.id, sp.text, sp.entity_name));
                }
            }
        }
    }
    assert!(speakers > 500, "the pipeline found speakers ({speakers})");
    assert!(found.is_empty(), "junk speakers: {found:#?}");
}
