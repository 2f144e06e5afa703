//! Error types: every miss, false alarm and wrong speaker of an evaluation
//! sorted into one of a fixed set of kinds, so `whosaid eval` can say which
//! ten kinds of error cost the most, for the model and the rules side by side.
//!
//! Each gold attribution without a match is one error (a *miss* of some kind);
//! each prediction without a match that overlaps no gold is one *false alarm*;
//! one that overlaps a gold attribution is already counted through that gold
//! item's boundary error (or, when that gold item is matched by another
//! prediction, as a *duplicate*); each matched statement with the wrong
//! speaker is one *speaker* error.

use std::collections::BTreeMap;
use std::fmt::Write;

use whosaid::document::StatementKind;
use whosaid::Lexicon;

use crate::report::truncate;
use crate::score::CharSet;
use crate::{ArticleEval, Evaluation};

/// Share of one content span that must lie inside the other for a boundary
/// error to count as "too long" / "too short" rather than shifted.
const CONTAINED: f64 = 0.8;

/// The kinds, in a fixed order (ties in the ranking keep this order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ErrorType {
    /// Gold content with a quotation mark, nothing predicted near it.
    MissQuoted,
    /// Unquoted gold with a cue the lexicon knows: a rule or model gap.
    MissUnquotedKnownCue,
    /// A cue the lexicon lacks: a lexicon gap.
    MissUnknownCue,
    /// Gold without a cue.
    MissNoCue,
    /// Predicted content runs past the gold.
    BoundaryTooLong,
    /// Predicted content stops inside the gold.
    BoundaryTooShort,
    /// Overlapping but shifted.
    BoundaryShifted,
    /// A second prediction over gold already matched.
    Duplicate,
    /// Speech predicted where the gold has none.
    FalseAlarmSpeech,
    /// A belief predicted where the gold has none.
    FalseAlarmBelief,
    /// Content right, no speaker.
    SpeakerMissing,
    /// Content right, another speaker.
    SpeakerWrong,
}

impl ErrorType {
    /// The kind in words, for the listing.
    pub fn describe(self) -> &'static str {
        match self {
            ErrorType::MissQuoted => "missed: quoted content, nothing predicted near it",
            ErrorType::MissUnquotedKnownCue => "missed: unquoted content, cue in the lexicon, nothing predicted",
            ErrorType::MissUnknownCue => "missed: cue not in the lexicon, nothing predicted",
            ErrorType::MissNoCue => "missed: no cue in the gold, nothing predicted",
            ErrorType::BoundaryTooLong => "boundary: predicted content runs past the gold",
            ErrorType::BoundaryTooShort => "boundary: predicted content stops inside the gold",
            ErrorType::BoundaryShifted => "boundary: predicted content overlaps but is shifted",
            ErrorType::Duplicate => "extra: a second statement over already matched gold",
            ErrorType::FalseAlarmSpeech => "false alarm: speech where the gold has none",
            ErrorType::FalseAlarmBelief => "false alarm: belief where the gold has none",
            ErrorType::SpeakerMissing => "speaker: content right, no speaker found",
            ErrorType::SpeakerWrong => "speaker: content right, another mention chosen",
        }
    }
}

/// One classified error: its kind and a one-line example.
#[derive(Clone, Debug)]
pub struct Classified {
    /// Its kind.
    pub kind: ErrorType,
    /// A one-line example from the corpus.
    pub example: String,
}

/// Whether a gold cue as written is one the lexicon knows (a verb form, a
/// cue phrase, or a word of it: "has said").
fn known_cue(cue: &str, lex: &Lexicon) -> bool {
    let lower = cue.to_lowercase().replace('’', "'");
    let words: Vec<&str> = lower.split_whitespace().collect();
    words.iter().any(|w| lex.cue_for_form(w.trim_matches(|c: char| !c.is_alphanumeric())).is_some())
        || lex
            .cue_phrases()
            .iter()
            .any(|(p, _)| p.len() <= words.len() && words.windows(p.len()).any(|w| w == p.as_slice()))
}

fn short(a: &ArticleEval, set: &CharSet) -> String {
    format!("“{}”", truncate(&a.slice(set).replace('\n', " ¶ "), 110))
}

/// Every error of one article, classified, in a deterministic order.
pub fn classify_article(a: &ArticleEval, lex: &Lexicon) -> Vec<Classified> {
    let mut out = Vec::new();
    for (gi, g) in a.gold.iter().enumerate() {
        if a.matching.gold_pair[gi].is_some() {
            continue;
        }
        let overlapping: Vec<usize> = (0..a.pred.len()).filter(|&pi| a.pred[pi].content.overlaps(&g.content)).collect();
        let kind = match overlapping.iter().max_by(|&&x, &&y| {
            g.content.jaccard(&a.pred[x].content).total_cmp(&g.content.jaccard(&a.pred[y].content)).then(y.cmp(&x))
        }) {
            Some(&pi) => {
                let p = &a.pred[pi].content;
                let inter = g.content.intersection_len(p) as f64;
                if inter >= CONTAINED * g.content.len() as f64 {
                    ErrorType::BoundaryTooLong
                } else if inter >= CONTAINED * p.len() as f64 {
                    ErrorType::BoundaryTooShort
                } else {
                    ErrorType::BoundaryShifted
                }
            }
            None if g.quoted() => ErrorType::MissQuoted,
            None if g.cue_text.trim().is_empty() => ErrorType::MissNoCue,
            None if known_cue(&g.cue_text, lex) => ErrorType::MissUnquotedKnownCue,
            None => ErrorType::MissUnknownCue,
        };
        let example = format!("{}: cue “{}” gold {}", a.id, g.cue_text, short(a, &g.content));
        out.push(Classified { kind, example });
    }
    for (pi, p) in a.pred.iter().enumerate() {
        if a.matching.pred_pair[pi].is_some() {
            continue;
        }
        let over: Vec<usize> = (0..a.gold.len()).filter(|&gi| a.gold[gi].content.overlaps(&p.content)).collect();
        let kind = if over.is_empty() {
            if p.kind == StatementKind::Belief {
                ErrorType::FalseAlarmBelief
            } else {
                ErrorType::FalseAlarmSpeech
            }
        } else if over.iter().all(|&gi| a.matching.gold_pair[gi].is_some()) {
            ErrorType::Duplicate
        } else {
            // Counted through the gold item's boundary error.
            continue;
        };
        let example = format!("{}: {} cue “{}” {}", a.id, p.rule, p.cue_text, short(a, &p.content));
        out.push(Classified { kind, example });
    }
    for pair in &a.matching.pairs {
        if pair.speaker_right {
            continue;
        }
        let p = &a.pred[pair.pred];
        let g = &a.gold[pair.gold];
        let kind = if p.speaker.is_none() { ErrorType::SpeakerMissing } else { ErrorType::SpeakerWrong };
        let said = p.speaker.as_ref().map(|s| s.text.as_str()).unwrap_or("(none)");
        let example = format!("{}: gold source “{}”, predicted “{said}”", a.id, g.source_text);
        out.push(Classified { kind, example });
    }
    out
}

/// Counts per kind and the first example of each (corpus order).
pub fn error_types(ev: &Evaluation, lex: &Lexicon) -> BTreeMap<ErrorType, (usize, String)> {
    let mut by: BTreeMap<ErrorType, (usize, String)> = BTreeMap::new();
    for a in &ev.articles {
        for c in classify_article(a, lex) {
            let e = by.entry(c.kind).or_insert((0, c.example));
            e.0 += 1;
        }
    }
    by
}

/// The ten most frequent error kinds of `model`, with the rules' counts
/// beside them when given, and one example each.
pub fn render_error_types(model: &Evaluation, rules: Option<&Evaluation>, lex: &Lexicon) -> String {
    let m = error_types(model, lex);
    let r = rules.map(|r| error_types(r, lex));
    let mut ranked: Vec<(&ErrorType, &(usize, String))> = m.iter().collect();
    ranked.sort_by(|a, b| b.1 .0.cmp(&a.1 .0).then(a.0.cmp(b.0)));
    let mut o = String::new();
    let _ = writeln!(o, "{:<66} {:>5} {:>6}", "most frequent error types (one example each)", "count", "rules");
    for (kind, (n, example)) in ranked.into_iter().take(10) {
        let rn = r.as_ref().map(|r| r.get(kind).map_or(0, |x| x.0).to_string()).unwrap_or_else(|| "-".into());
        let _ = writeln!(o, "  {:<64} {n:>5} {rn:>6}", kind.describe());
        let _ = writeln!(o, "      e.g. {}", truncate(example, 160));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::GoldItem;
    use crate::PredItem;

    fn gold(a: usize, b: usize, cue: &str, text: &str) -> GoldItem {
        GoldItem {
            content: CharSet::span(a, b),
            source: None,
            source_text: String::new(),
            cue_text: cue.into(),
            content_text: text.chars().skip(a).take(b - a).collect(),
        }
    }

    #[test]
    fn each_error_lands_in_its_kind() {
        let text = "Ann said the vote was lost. Bob mused that taxes rise. Cy said the sky is green and blue today.";
        let lex = Lexicon::builtin();
        let g = vec![
            gold(9, 26, "said", text),   // "the vote was lost": never predicted
            gold(38, 53, "mused", text), // "that taxes rise": unknown cue, never predicted
            gold(63, 94, "said", text),  // "the sky is green and blue today": predicted too short
        ];
        let p = vec![
            PredItem::new(CharSet::span(63, 73), StatementKind::Indirect), // "the sky is"
            PredItem::new(CharSet::span(0, 3), StatementKind::Belief),     // "Ann": over no gold
        ];
        let a = ArticleEval::new("t", text, g, p);
        let kinds: Vec<ErrorType> = classify_article(&a, &lex).into_iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            vec![
                ErrorType::MissUnquotedKnownCue,
                ErrorType::MissUnknownCue,
                ErrorType::BoundaryTooShort,
                ErrorType::FalseAlarmBelief
            ]
        );
    }

    #[test]
    fn known_cues_include_inflected_and_phrasal_ones() {
        let lex = Lexicon::builtin();
        assert!(known_cue("has said", &lex));
        assert!(known_cue("According to", &lex));
        assert!(!known_cue("mused", &lex));
    }
}
