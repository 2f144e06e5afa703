//! Invariants of the pipeline's output on arbitrary input (see ARCHITECTURE.md).

use proptest::prelude::*;
use whosaid::document::output::JsonDocument;
use whosaid::{Document, Meta, Pipeline};

/// Text made of the pieces that exercise the stages: names, cues, quotes of
/// every style, punctuation, line breaks and non-ASCII.
fn newsish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("Rubio".to_string()),
        Just("President Donald Trump".to_string()),
        Just("the US secretary of state".to_string()),
        Just("Moscow".to_string()),
        Just("he".to_string()),
        Just("said".to_string()),
        Just("told AFP".to_string()),
        Just("according to".to_string()),
        Just("has said that".to_string()),
        Just(", saying".to_string()),
        Just("on Wednesday".to_string()),
        Just("“".to_string()),
        Just("”".to_string()),
        Just("\"".to_string()),
        Just("‘".to_string()),
        Just("’s".to_string()),
        Just("«".to_string()),
        Just("»".to_string()),
        Just("„".to_string()),
        Just(".".to_string()),
        Just(",".to_string()),
        Just(":".to_string()),
        Just("\n".to_string()),
        Just("\n\n".to_string()),
        Just("U.S.".to_string()),
        Just("Kiev".to_string()),
        Just("Western-backed".to_string()),
        Just("coup".to_string()),
        Just("Lugansk People’s Republic".to_string()),
        Just("Mr.".to_string()),
        Just("–".to_string()),
        Just("\u{a0}".to_string()),
        "[a-zA-Zé ]{1,12}",
        any::<char>().prop_map(|c| c.to_string()),
    ];
    prop::collection::vec(piece, 0..60).prop_map(|v| v.join(" "))
}

fn check_invariants(raw: &str, doc: &Document) {
    let text = &doc.text;
    let ok = |s: whosaid::document::Span| {
        s.start <= s.end && s.end <= text.len() && text.is_char_boundary(s.start) && text.is_char_boundary(s.end)
    };
    for t in &doc.tokens {
        assert!(ok(t.span));
        // Tokens never cross an inserted separator, so they map back verbatim.
        let r = doc.offsets.to_raw(t.span.start);
        assert_eq!(raw.get(r..r + t.span.len()), Some(doc.slice(t.span)), "token maps back into raw input");
    }
    for p in &doc.paragraphs {
        let r = doc.offsets.to_raw(p.span.start);
        assert_eq!(raw.get(r..r + p.span.len()), Some(doc.slice(p.span)));
    }
    for s in &doc.sentences {
        assert!(ok(s.span));
    }
    for q in &doc.quotations {
        assert!(ok(q.span) && ok(q.inner) && q.span.contains(q.inner));
    }
    for m in &doc.mentions {
        assert!(ok(m.span));
        assert!(m.entity.is_none_or(|e| e.index() < doc.entities.len()));
    }
    for (ei, e) in doc.entities.iter().enumerate() {
        assert!(!e.mentions.is_empty());
        for &m in &e.mentions {
            assert_eq!(doc.mentions[m].entity.map(|e| e.index()), Some(ei));
        }
    }
    for t in &doc.times {
        assert!(ok(t.span));
    }
    // Sorted vectors (ARCHITECTURE.md invariants).
    assert!(doc.tokens.windows(2).all(|w| w[0].span.start < w[1].span.start));
    assert!(doc.sentences.windows(2).all(|w| w[0].span.end <= w[1].span.start));
    assert!(doc.quotations.windows(2).all(|w| w[0].span.start <= w[1].span.start));
    assert!(doc.mentions.windows(2).all(|w| w[0].span.start <= w[1].span.start));
    assert!(doc.times.windows(2).all(|w| w[0].span.start <= w[1].span.start));
    assert!(doc.statements.windows(2).all(|w| w[0].content.start <= w[1].content.start));
    assert!(doc.terms.windows(2).all(|w| w[0].span.start <= w[1].span.start));
    for t in &doc.terms {
        assert!(ok(t.span) && !t.span.is_empty(), "{t:?}");
    }
    for s in &doc.statements {
        assert!(ok(s.content));
        for p in &s.parts {
            assert!(ok(*p) && s.content.contains(*p), "parts lie inside the content");
        }
        assert!(s.cue.is_none_or(ok));
        assert!(s.speaker.is_none_or(|m| m.index() < doc.mentions.len()));
        assert!(s.addressee.is_none_or(|m| m.index() < doc.mentions.len()));
        assert!(s.time.is_none_or(|t| t < doc.times.len()));
        assert!((0.0..=1.0).contains(&s.confidence));
    }
    // Coding: every term and evidence lies in its statement's content; the
    // vectors are sorted by statement; stance confidences are in range and
    // zero exactly for unknown.
    assert!(doc.codings.windows(2).all(|w| w[0].statement <= w[1].statement));
    assert!(doc.references.windows(2).all(|w| w[0].statement <= w[1].statement));
    for c in &doc.codings {
        let st = &doc.statements[c.statement];
        assert!(ok(c.term) && st.content.contains(c.term), "coded term inside the content");
        assert!(c.evidence.is_none_or(ok));
        assert!((0.0..=1.0).contains(&c.confidence));
        assert_eq!(c.stance == whosaid::document::coding::Stance::Unknown, c.confidence == 0.0);
    }
    for r in &doc.references {
        let m = &doc.mentions[r.mention];
        assert!(doc.statements[r.statement].content.contains(m.span) && m.entity.is_some());
    }
    // Every span of the JSON form slices the cleaned text in code points.
    let json = JsonDocument::from_document(doc);
    let chars: Vec<char> = json.text.chars().collect();
    let slice = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    for s in &json.statements {
        assert_eq!(slice(s.content.start, s.content.end), s.content.text);
        if let Some(c) = &s.cue {
            assert_eq!(slice(c.start, c.end), c.text);
        }
        if let Some(sp) = &s.speaker {
            assert_eq!(slice(sp.start, sp.end), sp.text);
        }
        if let Some(t) = &s.time {
            assert_eq!(slice(t.start, t.end), t.text);
        }
    }
    for t in &json.terminology {
        assert_eq!(slice(t.start, t.end), t.text);
    }
    for s in &json.statements {
        for i in &s.issues {
            assert_eq!(slice(i.term.start, i.term.end), i.term.text);
            if let Some(e) = &i.evidence {
                assert_eq!(slice(e.start, e.end), e.text);
            }
        }
        for t in &s.targets {
            assert_eq!(slice(t.start, t.end), t.text);
        }
    }
    for e in &json.entities {
        for m in &e.mentions {
            assert_eq!(slice(m.start, m.end), m.text);
        }
    }
    for s in json.sentences.iter().chain(&json.paragraphs).chain(&json.quotations) {
        assert_eq!(slice(s.start, s.end), s.text);
    }
}

fn run(raw: &str) {
    let published = Some("2025-04-23".parse().unwrap());
    let doc = Pipeline::default().extract(raw, "prop", Meta { published, ..Meta::default() });
    check_invariants(raw, &doc);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn spans_slice_text_and_map_back_on_newsish_text(raw in newsish()) {
        run(&raw);
    }

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        run(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn unbalanced_quotes_never_panic(raw in "[“”\"‘’«»„ a-zA-Z.,\n]{0,200}") {
        run(&raw);
    }
}

#[test]
fn the_seed_satisfies_the_invariants() {
    let raw = include_str!("fixtures/seed/000_a94861bdbd30db23.txt");
    run(raw);
}

#[test]
fn ten_megabytes_on_one_line_do_not_panic() {
    let unit = "Rubio said “we will talk to Moscow, the Kremlin’s view matters, ";
    let raw = unit.repeat(10 * 1024 * 1024 / unit.len() + 1);
    assert!(raw.len() >= 10 * 1024 * 1024);
    let doc = Pipeline::default().extract(&raw, "big", Meta::default());
    assert_eq!(doc.paragraphs.len(), 1);
    assert!(!doc.tokens.is_empty());
    assert!(doc.statements.len() < doc.tokens.len());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Dates at the edges of the calendar never make time resolution panic.
    #[test]
    fn any_publication_date_resolves_without_panic(days in -95_000_000i64..95_000_000) {
        let published = chrono::NaiveDate::from_ymd_opt(1970, 1, 1)
            .and_then(|d| d.checked_add_signed(chrono::Duration::days(days)));
        let raw = "He said yesterday that on Monday, in March and on March 3 the talks had failed. \
                   Next Friday and last Tuesday, she told reporters, nothing changes.";
        let doc = Pipeline::default().extract(raw, "dates", Meta { published, ..Meta::default() });
        check_invariants(raw, &doc);
    }
}

#[test]
fn runs_of_punctuation_stay_one_sentence() {
    let raw = format!("a{}b", ".".repeat(50_000));
    let doc = Pipeline::default().extract(&raw, "dots", Meta::default());
    assert!(doc.sentences.len() <= 2, "{} sentences", doc.sentences.len());
}

#[test]
fn nested_cues_do_not_blow_up_the_output() {
    // Each "said that" reports everything after it; sentences are capped, so
    // the output grows linearly with the input, not quadratically.
    let raw = "he said that ".repeat(8_000);
    let doc = Pipeline::default().extract(&raw, "nested", Meta::default());
    let json = whosaid::document::output::to_json_line(&doc);
    assert!(json.len() < 200 * raw.len(), "output {} bytes for {} bytes of input", json.len(), raw.len());
    assert!(doc.sentences.iter().all(|s| doc.tokens.iter().filter(|t| s.span.contains(t.span)).count() <= 300));
}
