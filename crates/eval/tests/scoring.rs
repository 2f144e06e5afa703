//! Scoring rules on small hand-made gold/prediction pairs; every expected
//! number is worked out by hand in the comments.

use whosaid_document::StatementKind;
use whosaid_eval::report::Report;
use whosaid_eval::score::{
    content_matches, match_doc, source_head, speaker_right, CharSet, Counts, GoldItem, PredItem, PredSpeaker, Prf,
    Scores,
};
use whosaid_eval::{parse_jsonl, ArticleEval, Evaluation};

fn gold(spans: &[(usize, usize)]) -> GoldItem {
    GoldItem {
        content: CharSet::from_spans(spans.iter().copied()),
        source: Some(CharSet::span(200, 205)),
        source_text: "Rubio".into(),
        cue_text: "said".into(),
        content_text: String::new(),
    }
}

fn pred(start: usize, end: usize) -> PredItem {
    PredItem::new(CharSet::span(start, end), StatementKind::Indirect)
}

fn speaker(start: usize, end: usize, text: &str, entity: Option<&str>) -> Option<PredSpeaker> {
    Some(PredSpeaker {
        span: CharSet::span(start, end),
        text: text.into(),
        entity_name: entity.map(str::to_string),
        mention_kind: "name".into(),
    })
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn jaccard_threshold_is_inclusive_at_one_half() {
    let g = CharSet::span(0, 10);
    // [0,5): |∩| = 5, |∪| = 10 → 0.5 → match.
    assert!(content_matches(&g, &CharSet::span(0, 5)));
    // [0,4): 4 / 10 = 0.4 → no.
    assert!(!content_matches(&g, &CharSet::span(0, 4)));
    // [0,20): 10 / 20 = 0.5 → match; [0,21): 10 / 21 < 0.5 → no.
    assert!(content_matches(&g, &CharSet::span(0, 20)));
    assert!(!content_matches(&g, &CharSet::span(0, 21)));
    // [5,15): 5 / 15 → no.
    assert!(!content_matches(&g, &CharSet::span(5, 15)));
    assert!(close(g.jaccard(&CharSet::span(5, 15)), 1.0 / 3.0));
    // Empty sets never match, not even each other.
    assert!(!content_matches(&CharSet::default(), &CharSet::default()));
}

#[test]
fn multi_span_gold_is_one_character_set() {
    // Gold: [0,10) ∪ [20,30) = 20 positions (a quote split by "he said").
    let g = CharSet::from_spans([(0, 10), (20, 30)]);
    assert_eq!(g.len(), 20);
    // Pred [0,30) covers the gap too: 20 / 30 = 0.667 → match.
    assert!(close(g.jaccard(&CharSet::span(0, 30)), 2.0 / 3.0));
    assert!(content_matches(&g, &CharSet::span(0, 30)));
    // Pred [0,10), the first half only: 10 / 20 = 0.5 → match.
    assert!(content_matches(&g, &CharSet::span(0, 10)));
    // Pred [0,9): 9 / 20 → no.
    assert!(!content_matches(&g, &CharSet::span(0, 9)));
    // Pred [5,25): ∩ = [5,10) ∪ [20,25) = 10; ∪ = [0,30) = 30 → 1/3 → no.
    assert!(close(g.jaccard(&CharSet::span(5, 25)), 1.0 / 3.0));
}

#[test]
fn matching_is_one_to_one_and_greedy_by_jaccard() {
    // Nested gold: G0 = [0,100), G1 = [0,60). One prediction [0,100):
    // J(G0) = 1, J(G1) = 0.6 → it takes G0; G1 is missed.
    let golds = vec![gold(&[(0, 100)]), gold(&[(0, 60)])];
    let m = match_doc(&golds, &[pred(0, 100)], &[]);
    assert_eq!(m.pairs.len(), 1);
    assert_eq!((m.pairs[0].gold, m.pairs[0].pred), (0, 0));
    assert_eq!(m.gold_pair, vec![Some(0), None]);
    // P = 1/1, R = 1/2, F1 = 2·1·0.5/1.5 = 0.667.
    let s = Scores::from_counts(m.counts());
    assert!(close(s.content.p, 1.0) && close(s.content.r, 0.5));
    assert!(close(s.content.f1, 2.0 / 3.0));

    // Two predictions, listed in the "wrong" order: P0 = [0,60), P1 = [0,100).
    // Pairs: (G0,P1) 1.0, (G1,P0) 1.0, (G0,P0) 0.6, (G1,P1) 0.6 → both golds matched.
    let m = match_doc(&golds, &[pred(0, 60), pred(0, 100)], &[]);
    assert_eq!(m.gold_pair, vec![Some(0), Some(1)]);
    assert_eq!(m.pairs[0].pred, 1);
    assert_eq!(m.pairs[1].pred, 0);

    // Two predictions for one gold: the better one matches, the other is a
    // false alarm. G = [0,10); P0 = [0,9) (0.9), P1 = [0,10) (1.0).
    let m = match_doc(&[gold(&[(0, 10)])], &[pred(0, 9), pred(0, 10)], &[]);
    assert_eq!(m.pred_pair, vec![None, Some(0)]);
    let c = m.counts();
    assert_eq!((c.gold, c.pred, c.matched), (1, 2, 1));
    // P = 0.5, R = 1.
    let s = Scores::from_counts(c);
    assert!(close(s.content.p, 0.5) && close(s.content.r, 1.0));
}

#[test]
fn speaker_overlap_and_word_rules() {
    let g = gold(&[(0, 10)]); // source [200,205) "Rubio"
    let mut p = pred(0, 10);
    // No speaker: wrong.
    assert!(!speaker_right(&g, &p));
    // Mention overlapping the source span: right.
    p.speaker = speaker(198, 201, "Sen. Ru", None);
    assert!(speaker_right(&g, &p));
    // Elsewhere, but the entity's canonical name shares "rubio": right.
    p.speaker = speaker(300, 302, "he", Some("Marco Rubio"));
    assert!(speaker_right(&g, &p));
    // Elsewhere, a different person: wrong.
    p.speaker = speaker(300, 302, "he", Some("Tim Kaine"));
    assert!(!speaker_right(&g, &p));
    // Pronouns, titles and function words do not count as shared words.
    let mut g2 = gold(&[(0, 10)]);
    g2.source_text = "the president".into();
    p.speaker = speaker(300, 302, "he", Some("President Obama"));
    assert!(!speaker_right(&g2, &p));
    // Only the head of a gold source counts (before ", an adviser at …").
    let mut g3 = gold(&[(0, 10)]);
    g3.source_text = "Mike Schmidt, an adviser at the Clinton campaign".into();
    assert_eq!(source_head(&g3.source_text), "Mike Schmidt");
    p.speaker = speaker(300, 309, "Clinton", Some("Hillary Clinton"));
    assert!(!speaker_right(&g3, &p));
    p.speaker = speaker(300, 306, "Schmidt", None);
    assert!(speaker_right(&g3, &p));
}

#[test]
fn null_source_is_right_only_without_a_speaker() {
    let mut g = gold(&[(0, 10)]);
    g.source = None;
    g.source_text = String::new();
    let mut p = pred(0, 10);
    assert!(speaker_right(&g, &p));
    p.speaker = speaker(300, 305, "Rubio", None);
    assert!(!speaker_right(&g, &p));
}

#[test]
fn end_to_end_needs_content_and_speaker() {
    // Three golds, three predictions: two content matches, one of them with
    // the right speaker; one false alarm and one miss.
    let golds = vec![gold(&[(0, 10)]), gold(&[(20, 30)]), gold(&[(40, 50)])];
    let mut p0 = pred(0, 10);
    p0.speaker = speaker(200, 205, "Rubio", None); // right
    let mut p1 = pred(20, 29);
    p1.speaker = speaker(300, 305, "Kaine", None); // wrong
    let p2 = pred(60, 70); // no gold
    let m = match_doc(&golds, &[p0, p1, p2], &[]);
    let c = m.counts();
    assert_eq!(c, Counts { gold: 3, pred: 3, matched: 2, speaker_right: 1, exact: 0 });
    let s = Scores::from_counts(c);
    // Content P = R = 2/3, F1 = 2/3; speaker right 1/2; e2e P = R = F1 = 1/3.
    assert!(close(s.content.f1, 2.0 / 3.0));
    assert!(close(s.speaker_right, 0.5));
    assert!(close(s.end_to_end.p, 1.0 / 3.0) && close(s.end_to_end.r, 1.0 / 3.0));
    assert!(close(s.end_to_end.f1, 1.0 / 3.0));
}

#[test]
fn exact_match_trims_edges_and_leading_that() {
    let text = "He said that “we will win.” Then he said we will win soon.";
    let chars: Vec<char> = text.chars().collect();
    let pos = |s: &str| text[..text.find(s).unwrap()].chars().count();
    // Gold: `that “we will win.”` (PolNeAR keeps "that" and the marks).
    let g_start = pos("that");
    let g_end = pos(" Then");
    let g = gold(&[(g_start, g_end)]);
    // Prediction: `we will win` → same after trimming.
    let p_start = pos("we will win.");
    let p = pred(p_start, p_start + 11);
    assert_eq!(match_doc(std::slice::from_ref(&g), &[p], &chars).exact, 1);
    // Prediction `we will win.” Then` is not exact.
    let p = pred(p_start, g_end + 5);
    assert_eq!(match_doc(&[g], &[p], &chars).exact, 0);
    assert!(close(Prf::new(1, 2, 4).f1, 2.0 * 0.5 * 0.25 / 0.75));
}

#[test]
fn report_breakdowns_and_beliefs() {
    // One article: gold 0 quoted, said; gold 1 unquoted, believes.
    let text = "“We will win,” Rubio said. Kaine believes the polls are wrong.";
    let mut g0 = gold(&[(1, 12)]);
    g0.content_text = "“We will win,”".into();
    g0.source = Some(CharSet::span(15, 20));
    let mut g1 = gold(&[(35, 61)]);
    g1.cue_text = "believes".into();
    g1.source = Some(CharSet::span(27, 32));
    g1.source_text = "Kaine".into();
    let mut p0 = PredItem::new(CharSet::span(1, 12), StatementKind::Direct);
    p0.speaker = speaker(15, 20, "Rubio", None);
    p0.rule = "quote-then-speaker-cue".into();
    let mut p1 = PredItem::new(CharSet::span(35, 61), StatementKind::Belief);
    p1.speaker = speaker(27, 32, "Kaine", None);
    p1.rule = "speaker-cue-content".into();
    let a = ArticleEval::new("a", text, vec![g0, g1], vec![p0, p1]);
    let ev = Evaluation { articles: vec![a], bytes: text.len(), seconds: 0.0 };
    let r = Report::new(&ev);
    // All kinds: 2/2 matched, both speakers right → everything 1.
    assert!(close(r.scores.end_to_end.f1, 1.0));
    // Without beliefs: pred 1, matched 1 → P = 1, R = 1/2, F1 = 2/3.
    assert_eq!(r.scores_without_beliefs.counts.pred, 1);
    assert!(close(r.scores_without_beliefs.end_to_end.f1, 2.0 / 3.0));
    let quoted = r.by_gold_kind.iter().find(|x| x.name == "quoted").unwrap();
    assert_eq!((quoted.gold, quoted.matched), (1, 1));
    let belief = r.by_pred_kind.iter().find(|x| x.name == "belief").unwrap();
    assert!(close(belief.precision, 1.0));
    assert_eq!(r.by_gold_cue.len(), 2);
    assert_eq!(r.misses.total, 0);
    assert_eq!(r.false_alarms.total, 0);
    // The errors listing has nothing to show but still renders its headers.
    let errs = whosaid_eval::errors::render_errors(&ev, 5);
    assert!(errs.contains("misses: gold with no match (0)"));
}

#[test]
fn parses_polnear_lines_with_null_roles_and_multi_spans() {
    let line =
        r#"{"id": "x", "publisher": "nyt", "published": "2016-09-12", "title": "T", "text": "“A,” he said, “B.”",
      "attributions": [{"source": null, "cue": {"spans": [[8, 12]], "text": "said"},
                        "content": {"spans": [[0, 4], [14, 18]], "text": "“A,” … “B.”"}}]}"#
            .replace('\n', " ");
    let arts = parse_jsonl(&format!("{line}\n\n")).unwrap();
    assert_eq!(arts.len(), 1);
    assert_eq!(arts[0].published_date().unwrap().to_string(), "2016-09-12");
    let item = arts[0].attributions[0].to_item();
    assert!(item.source.is_none());
    assert_eq!(item.content.len(), 8);
    assert!(item.quoted());
    assert!(parse_jsonl("{not json").unwrap_err().to_string().contains("line 1"));
}

#[test]
fn pipeline_spans_map_back_to_raw_code_points() {
    // Non-ASCII before the statement, a dropped boilerplate line, indented
    // lines: predicted content must slice the raw text exactly.
    let raw = "Ünïcödé héadline hère\n\nAdvertisement\n   “We will win the election,” Rubio said on Tuesday.  \n";
    let pipeline = whosaid::Pipeline::default();
    let doc = pipeline.extract(raw, "t", Default::default());
    let preds = whosaid_eval::predictions(&doc, raw);
    assert!(!preds.is_empty(), "no statement found in {:?}", doc.text);
    let chars: Vec<char> = raw.chars().collect();
    for (p, s) in preds.iter().zip(&doc.statements) {
        let got: String = p.content.ranges().iter().flat_map(|&(a, b)| chars[a..b].iter()).collect();
        assert_eq!(got, doc.slice(s.content).replace('\n', ""));
        if let (Some(sp), Some(m)) = (&p.speaker, s.speaker) {
            let got: String = sp.span.ranges().iter().flat_map(|&(a, b)| chars[a..b].iter()).collect();
            assert_eq!(got, doc.slice(doc.mentions[m].span));
        }
    }
}
