//! The outlet comparison on a database: the multi-outlet fixture corpus
//! (tests/fixtures/stories, described in its README) through the real
//! pipeline and store, and PolNeAR's 2016 campaign stories (from ../shared;
//! loudly SKIPPED when absent).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::Value;
use whosaid::Pipeline;
use whosaid_compare::profiles::ProfileOptions;
use whosaid_compare::stories::StoryOptions;
use whosaid_document::output::JsonDocument;
use whosaid_document::Meta;
use whosaid_store::Store;

use whosaid_testkit::TempDir;

/// Analyses JSONL articles (id, outlet|publisher, published, title, text).
fn analyse_jsonl(path: &Path, outlet_field: &str, keep: impl Fn(&str) -> bool) -> Vec<JsonDocument> {
    let pipeline = Pipeline::default();
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .filter_map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let id = v["id"].as_str().unwrap().to_string();
            if !keep(&id) {
                return None;
            }
            let meta = Meta {
                id: Some(id.clone()),
                title: v["title"].as_str().map(str::to_string),
                outlet: v[outlet_field].as_str().map(str::to_string),
                published: v["published"].as_str().and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
                ..Meta::default()
            };
            Some(JsonDocument::from_document(&pipeline.extract(v["text"].as_str().unwrap(), &id, meta)))
        })
        .collect()
}

fn store_of(dir: &TempDir, docs: &[JsonDocument]) -> Store {
    let db = dir.0.join("news.db");
    let mut store = Store::open(&db).unwrap();
    let mut w = store.writer(100);
    for d in docs {
        w.put(d).unwrap();
    }
    w.finish().unwrap();
    drop(store);
    Store::open_read_only(&db).unwrap()
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stories/articles.jsonl")
}

#[test]
fn fixture_outlets_terminology_and_profiles() {
    let dir = TempDir::new("outlets-profiles");
    let store = store_of(&dir, &analyse_jsonl(&fixture(), "outlet", |_| true));
    let r = store.outlet_report(&ProfileOptions::default()).unwrap();
    let names: Vec<&str> = r.outlets.iter().map(|o| o.outlet.as_str()).collect();
    assert_eq!(names, ["Kyiv Daily", "London Paper", "Metro Daily", "Moscow Wire", "Wire Service"]);
    let by: BTreeMap<&str, _> = r.outlets.iter().map(|o| (o.outlet.as_str(), o)).collect();
    // Terminology: the Kyiv group per outlet, and the invasion wording.
    let choice = |outlet: &str, group: &str| -> Vec<(String, usize)> {
        by[outlet]
            .terminology
            .iter()
            .find(|t| t.group == group)
            .map(|t| t.terms.iter().map(|s| (s.name.clone(), s.count)).collect())
            .unwrap_or_default()
    };
    assert_eq!(choice("Moscow Wire", "Kyiv"), [("Kiev".to_string(), 3)]);
    assert_eq!(choice("Moscow Wire", "Odesa"), [("Odessa".to_string(), 2)]);
    assert_eq!(choice("Moscow Wire", "Invasion 2022"), [("special military operation".to_string(), 1)]);
    assert_eq!(choice("Kyiv Daily", "Kyiv"), [("Kyiv".to_string(), 4)]);
    assert_eq!(choice("Kyiv Daily", "Invasion 2022"), [("full-scale invasion".to_string(), 1)]);
    assert_eq!(choice("Kyiv Daily", "Volodymyr Zelenskyy"), [("Volodymyr Zelenskyy".to_string(), 1)]);
    assert_eq!(choice("London Paper", "Volodymyr Zelenskyy"), [("Volodymyr Zelensky".to_string(), 1)]);
    assert_eq!(choice("Moscow Wire", "Volodymyr Zelenskyy"), [("Vladimir Zelensky".to_string(), 1)]);
    // The copy counts for Metro Daily, once.
    assert_eq!((by["Metro Daily"].articles, by["Metro Daily"].copies), (1, 1));
    assert_eq!(by["Metro Daily"].statements, by["Wire Service"].statements);
    assert_eq!(by["Kyiv Daily"].articles, 3);
    // Moscow Wire's sources: the ministry (organisation), Zelensky, Peskov, Fidan, Zakharova.
    let mw = by["Moscow Wire"];
    assert!(mw.statements >= 4, "{mw:#?}");
    let sum: f64 = mw.speaker_types.iter().map(|s| s.share).sum();
    assert!((sum - 1.0).abs() < 0.001, "{sum}");
    assert!(mw.top_actors.iter().any(|a| a.name.contains("Peskov")), "{:?}", mw.top_actors);
    // London Paper's "senior Western official" is an unnamed source.
    assert!(by["London Paper"].unnamed_share > 0.0, "{:#?}", by["London Paper"].speaker_types);
    // Distinctive words: Moscow Wire's "kiev" stands out against the rest.
    assert!(mw.distinctive_words.iter().any(|d| d.ngram == "kiev" && d.z > 1.0), "{:?}", mw.distinctive_words);
    // Zelenskyy, across all spellings, is one actor quoted by several outlets.
    let z = r.actors.iter().find(|a| a.name.contains("Zelensk")).expect("Zelenskyy is among the top actors");
    assert!(z.outlets.len() >= 3, "{z:#?}");
}

#[test]
fn fixture_stories_group_events_and_align_quotes() {
    let dir = TempDir::new("outlets-stories");
    let store = store_of(&dir, &analyse_jsonl(&fixture(), "outlet", |_| true));
    let stories = store.stories(&StoryOptions::default()).unwrap();
    let keys: Vec<Vec<&str>> = stories
        .iter()
        .map(|s| {
            let mut k: Vec<&str> = s.articles.iter().map(|a| a.key.as_str()).collect();
            k.sort();
            k
        })
        .collect();
    assert_eq!(
        keys,
        vec![vec!["kd-a1", "lp-a1", "md-a1", "mw-a1", "ws-a1"], vec!["kd-b1", "lp-b1", "mw-b1"]],
        "{stories:#?}"
    );
    let a = &stories[0];
    assert_eq!(a.outlets.len(), 5);
    assert!(a.articles.iter().find(|x| x.key == "md-a1").unwrap().copy_of.is_some());
    // "Every day without air defence costs lives": Kyiv Daily and London Paper, one quote.
    let q = a.quotes.iter().find(|q| q.text.contains("Every day without air defence")).expect("the quote is aligned");
    assert_eq!(q.outlets, ["Kyiv Daily", "London Paper"], "{q:#?}");
    // The Patriot quote: Kyiv Daily, Wire Service and its copy in Metro Daily.
    let q = a.quotes.iter().find(|q| q.text.contains("ten more Patriot")).unwrap();
    assert_eq!(q.outlets, ["Kyiv Daily", "Metro Daily", "Wire Service"], "{q:#?}");
    // Fidan's guarantee in all three outlets of the grain story.
    let b = &stories[1];
    let q = b.quotes.iter().find(|q| q.text.contains("guarantee the safety")).unwrap();
    assert_eq!(q.outlets, ["Kyiv Daily", "London Paper", "Moscow Wire"], "{q:#?}");
    assert!(q.speaker.as_deref().is_some_and(|s| s.contains("Fidan")), "{q:#?}");
    // Zakharova is Moscow Wire's alone.
    let q = b.quotes.iter().find(|q| q.speaker.as_deref().is_some_and(|s| s.contains("Zakharova"))).unwrap();
    assert_eq!(q.outlets, ["Moscow Wire"]);
}

fn polnear_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/polnear"))
}

/// Hand-picked PolNeAR events (titles in the comments): each list must be
/// one story's articles, and no story may hold articles of two lists.
const EVENTS: &[(&str, &[&str])] = &[
    (
        // The 6 February 2016 Republican debate in New Hampshire (Rubio's
        // "let's dispel with this fiction").
        "GOP debate, Manchester NH",
        &[
            "breitbart_2016-02-07_after-rubio-stumbles-rivals-see-", // After Rubio stumbles, rivals see opening in New Hampshire
            "huff-post_2016-02-07_the-latest-gop-debate-kicked-off", // The Latest GOP Debate Kicked Off In The Most Awkward Way
            "nyt_2016-02-09_rubio-is-tested-as-republican-ri", // Rubio is tested as Republican rivals sense vulnerabilities
        ],
    ),
    (
        "Orlando nightclub shooting",
        &[
            "politico_2016-06-13_terrorism-experts-rebuke-trump-p", // Terrorism experts rebuke Trump proposal for more airstrikes
            "wash-post_2016-06-13_responses-are-in-keeping-with-ca", // Responses are in keeping with candidates' styles
            "west-journal_2016-06-13_omar-mateen-worked-with-departme", // Omar Mateen Worked With Department Of Homeland Security Contractor
        ],
    ),
    (
        "Anthony Weiner sexting scandal",
        &[
            "huff-post_2016-08-29_anthony-weiner-reportedly-caught", // Anthony Weiner Reportedly Caught In Yet Another Sext Scandal
            "west-journal_2016-08-29_anthony-weiner-receives-more-bad", // Anthony Weiner Receives More Bad News After Separation...
        ],
    ),
    (
        "Ben Carson's biography questioned",
        &[
            "huff-post_2015-11-08_ben-carson-defends-himself-again", // Ben Carson Defends Himself Against Claims He Exaggerated...
            "usa-today_2015-11-09_carson-on-defense-attacking-crit", // Carson on defense, attacking critics as scrutiny heats up
        ],
    ),
];

#[test]
fn polnear_events_form_one_story_each() {
    let dir = polnear_dir();
    let files = [dir.join("train.jsonl"), dir.join("dev.jsonl")];
    if files.iter().any(|f| whosaid_document::shared_data::skip_missing("polnear_events_form_one_story_each", f)) {
        return;
    }
    let docs: Vec<JsonDocument> = files.iter().flat_map(|f| analyse_jsonl(f, "publisher", |_| true)).collect();
    assert!(docs.len() > 900, "{} PolNeAR articles", docs.len());
    let tmp = TempDir::new("outlets-polnear");
    let store = store_of(&tmp, &docs);

    // Seven publishers with their profiles.
    let r = store.outlet_report(&ProfileOptions::default()).unwrap();
    let names: Vec<&str> = r.outlets.iter().map(|o| o.outlet.as_str()).collect();
    assert_eq!(names, ["breitbart", "huff-post", "nyt", "politico", "usa-today", "wash-post", "west-journal"]);
    for o in &r.outlets {
        assert!(
            o.articles >= 120 && o.statements > 1000,
            "{}: {} articles {} statements",
            o.outlet,
            o.articles,
            o.statements
        );
        assert!(o.top_actors.iter().any(|a| a.name == "Donald Trump"), "{}: {:?}", o.outlet, o.top_actors);
        assert!(!o.distinctive_words.is_empty(), "{}", o.outlet);
    }

    let stories = store.stories(&StoryOptions::default()).unwrap();
    let story_of =
        |key: &str| -> Option<usize> { stories.iter().find(|s| s.articles.iter().any(|a| a.key == key)).map(|s| s.id) };
    let mut seen = BTreeMap::new();
    for (event, keys) in EVENTS {
        assert!(docs.iter().any(|d| d.meta.id.as_deref() == Some(keys[0])), "{event}: {} not in PolNeAR", keys[0]);
        let ids: Vec<Option<usize>> = keys.iter().map(|k| story_of(k)).collect();
        let first = ids[0].unwrap_or_else(|| panic!("{event}: {} is in no story", keys[0]));
        assert!(ids.iter().all(|&i| i == Some(first)), "{event}: split over stories {ids:?}");
        if let Some(other) = seen.insert(first, *event) {
            panic!("{event} and {other} are one story ({first})");
        }
    }
    // Stories spanning several publishers exist; the debate story aligns
    // Rubio's line across outlets.
    assert!(stories.iter().filter(|s| s.outlets.len() >= 3).count() >= 10, "{} stories", stories.len());
    let debate = stories.iter().find(|s| s.articles.iter().any(|a| a.key == EVENTS[0].1[0])).unwrap();
    assert!(
        debate.quotes.iter().any(|q| q.outlets.len() >= 2 && q.text.contains("dispel with this fiction")),
        "{:#?}",
        debate.quotes.iter().filter(|q| q.outlets.len() > 1).collect::<Vec<_>>()
    );
}
