//! Scoring predicted statements against gold attributions of one article.
//!
//! Everything here works on **code point positions** into the article's raw
//! text (the unit PolNeAR uses), independent of the pipeline, so the rules can
//! be tested on hand-made pairs.
//!
//! - **Content match**: a prediction matches a gold attribution when their
//!   content character sets have Jaccard `|A∩B| / |A∪B| ≥ 0.5` (compared in
//!   integers: `2·|A∩B| ≥ |A∪B|`). Matching is one-to-one and greedy: all
//!   pairs at or above the threshold are sorted by Jaccard (highest first; ties
//!   by gold index, then prediction index) and taken while both sides are free.
//! - **Speaker right** (see [`speaker_right`]): the predicted speaker mention
//!   overlaps the gold source span, or names the same words. A gold attribution
//!   with a null source is right only when the prediction has no speaker.
//! - **Exact content** (see [`CharSet::trimmed`]): identical character sets
//!   after trimming whitespace, punctuation and quotation marks at both edges
//!   and a leading complementiser "that" (PolNeAR includes it, whosaid does
//!   not); matched one-to-one, independently of the Jaccard matching.

use std::collections::HashSet;

use serde::Serialize;
use whosaid_document::StatementKind;

/// A set of code point positions, stored as sorted, disjoint, non-adjacent
/// half-open ranges.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct CharSet {
    ranges: Vec<(usize, usize)>,
}

impl CharSet {
    /// The union of `[start, end)` spans (empty spans are ignored).
    pub fn from_spans(spans: impl IntoIterator<Item = (usize, usize)>) -> CharSet {
        let mut v: Vec<(usize, usize)> = spans.into_iter().filter(|(a, b)| a < b).collect();
        v.sort_unstable();
        let mut ranges: Vec<(usize, usize)> = Vec::with_capacity(v.len());
        for (a, b) in v {
            match ranges.last_mut() {
                Some(last) if a <= last.1 => last.1 = last.1.max(b),
                _ => ranges.push((a, b)),
            }
        }
        CharSet { ranges }
    }

    /// One contiguous range.
    pub fn span(start: usize, end: usize) -> CharSet {
        CharSet::from_spans([(start, end)])
    }

    /// The sorted, disjoint ranges (for slicing the text).
    pub fn ranges(&self) -> &[(usize, usize)] {
        &self.ranges
    }

    /// Positions in the set.
    pub fn len(&self) -> usize {
        self.ranges.iter().map(|(a, b)| b - a).sum()
    }

    /// Whether the set has no position (a null gold content).
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// The first position.
    pub fn start(&self) -> Option<usize> {
        self.ranges.first().map(|r| r.0)
    }

    /// One past the last position.
    pub fn end(&self) -> Option<usize> {
        self.ranges.last().map(|r| r.1)
    }

    /// Positions in both sets (linear: both range lists are sorted).
    pub fn intersection_len(&self, other: &CharSet) -> usize {
        let (mut i, mut j, mut n) = (0, 0, 0);
        while i < self.ranges.len() && j < other.ranges.len() {
            let (a0, a1) = self.ranges[i];
            let (b0, b1) = other.ranges[j];
            let lo = a0.max(b0);
            let hi = a1.min(b1);
            if lo < hi {
                n += hi - lo;
            }
            if a1 <= b1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        n
    }

    /// Whether any position is shared (the error taxonomy's "near").
    pub fn overlaps(&self, other: &CharSet) -> bool {
        self.intersection_len(other) > 0
    }

    /// `(|A∩B|, |A∪B|)`.
    pub fn inter_union(&self, other: &CharSet) -> (usize, usize) {
        let inter = self.intersection_len(other);
        (inter, self.len() + other.len() - inter)
    }

    /// Jaccard index; 0 when both sets are empty.
    pub fn jaccard(&self, other: &CharSet) -> f64 {
        let (i, u) = self.inter_union(other);
        if u == 0 {
            0.0
        } else {
            i as f64 / u as f64
        }
    }

    /// The set with its edges trimmed, for exact-match comparison: drops
    /// whitespace, punctuation and quotation marks at the start and the end
    /// (across range boundaries), then a leading word "that" (any case) if it
    /// is followed by a trimmed character, and trims again. `text` is the
    /// article as code points.
    pub fn trimmed(&self, text: &[char]) -> CharSet {
        let positions: Vec<usize> =
            self.ranges.iter().flat_map(|&(a, b)| a.min(text.len())..b.min(text.len())).collect();
        let mut lo = 0;
        let mut hi = positions.len();
        let trim = |lo: &mut usize, hi: &mut usize| {
            while *lo < *hi && is_edge_char(text[positions[*lo]]) {
                *lo += 1;
            }
            while *hi > *lo && is_edge_char(text[positions[*hi - 1]]) {
                *hi -= 1;
            }
        };
        trim(&mut lo, &mut hi);
        if hi - lo > 4 {
            let word: String = positions[lo..lo + 4].iter().map(|&p| text[p].to_ascii_lowercase()).collect();
            if word == "that" && is_edge_char(text[positions[lo + 4]]) {
                lo += 4;
                trim(&mut lo, &mut hi);
            }
        }
        CharSet::from_spans(positions[lo..hi].iter().map(|&p| (p, p + 1)))
    }
}

/// Whitespace, ASCII punctuation, and the typographic marks news text uses.
pub fn is_edge_char(c: char) -> bool {
    c.is_whitespace()
        || c.is_ascii_punctuation()
        || matches!(c, '“' | '”' | '‘' | '’' | '«' | '»' | '„' | '‚' | '‹' | '›' | '—' | '–' | '―' | '…' | '·')
        || c == '\u{a0}'
}

/// Quotation marks that make gold content "quoted" (apostrophe-like single
/// marks are left out: they are mostly apostrophes).
pub const QUOTE_MARKS: &[char] = &['"', '“', '”', '„', '«', '»'];

/// One gold attribution, in code points of the raw article text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GoldItem {
    /// Content positions (union of its spans; empty when the role is null).
    pub content: CharSet,
    /// `None` when the gold source is null (no source in the text).
    pub source: Option<CharSet>,
    /// The gold source's words (speaker-right falls back to them).
    pub source_text: String,
    /// Gold cue text as written ("" when null).
    pub cue_text: String,
    /// Gold content as written (quotation marks decide its kind).
    pub content_text: String,
}

impl GoldItem {
    /// Gold content contains a quotation mark ([`QUOTE_MARKS`], or the two
    /// apostrophes `''` the New York Times uses for a double quote).
    pub fn quoted(&self) -> bool {
        self.content_text.contains(QUOTE_MARKS) || self.content_text.contains("''")
    }
}

/// The speaker of a predicted statement.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PredSpeaker {
    /// The mention as written, in code points of the raw text.
    pub span: CharSet,
    /// The mention's words.
    pub text: String,
    /// Canonical name of the entity the mention resolves to.
    pub entity_name: Option<String>,
    /// Mention kind ("name", "title", "nominal", "pronoun", "group").
    pub mention_kind: String,
}

/// One predicted statement, in code points of the raw article text.
#[derive(Clone, Debug, PartialEq)]
pub struct PredItem {
    /// Content positions.
    pub content: CharSet,
    /// Direct, indirect, mixed or belief.
    pub kind: StatementKind,
    /// The chosen speaker mention, if any.
    pub speaker: Option<PredSpeaker>,
    /// The cue as written.
    pub cue_text: String,
    /// The cue's lemma (the per-cue breakdowns group by it).
    pub cue_lemma: String,
    /// The rule that produced the statement.
    pub rule: String,
}

impl PredItem {
    /// A prediction with just a content span and a kind (for tests).
    pub fn new(content: CharSet, kind: StatementKind) -> PredItem {
        PredItem {
            content,
            kind,
            speaker: None,
            cue_text: String::new(),
            cue_lemma: String::new(),
            rule: String::new(),
        }
    }
}

/// Words that never make two speaker names "the same": function words,
/// pronouns, honorifics and the most common political titles.
const SPEAKER_STOPWORDS: &[&str] = &[
    "a",
    "an",
    "the",
    "of",
    "and",
    "or",
    "for",
    "to",
    "in",
    "on",
    "at",
    "by",
    "with",
    "from",
    "s",
    "he",
    "she",
    "it",
    "they",
    "we",
    "i",
    "you",
    "his",
    "her",
    "its",
    "their",
    "our",
    "my",
    "your",
    "him",
    "them",
    "us",
    "me",
    "this",
    "that",
    "these",
    "those",
    "who",
    "which",
    "some",
    "other",
    "another",
    "many",
    "several",
    "one",
    "two",
    "both",
    "all",
    "mr",
    "mrs",
    "ms",
    "dr",
    "sen",
    "rep",
    "gov",
    "gen",
    "president",
    "former",
    "presidential",
    "candidate",
    "nominee",
    "jr",
    "sr",
];

/// Lowercased alphanumeric words of `text`, minus `SPEAKER_STOPWORDS`.
pub fn speaker_words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| w.to_lowercase())
        .filter(|w| !SPEAKER_STOPWORDS.contains(&w.as_str()))
        .collect()
}

/// Where the head of a gold source ends: PolNeAR sources carry appositions and
/// modifiers ("Mike Schmidt, an economic policy adviser at the Clinton
/// campaign", "advisers to Mr. Obama"); only the part before the first of
/// these separators names the source.
const SOURCE_HEAD_ENDS: &[&str] = &[
    ",", "(", " who ", " which ", " that ", " of ", " at ", " for ", " to ", " from ", " with ", " in ", " on ", " --",
    " —", " –", " ―",
];

/// The head of a gold source text (see `SOURCE_HEAD_ENDS`).
pub fn source_head(text: &str) -> &str {
    let end = SOURCE_HEAD_ENDS.iter().filter_map(|sep| text.find(sep)).min().unwrap_or(text.len());
    &text[..end]
}

/// Whether a prediction names the gold source:
/// - gold source null → right iff the prediction has no speaker;
/// - otherwise the prediction needs a speaker, and it is right when its
///   mention span overlaps the gold source span, or when the words of the
///   mention text plus its entity's canonical name share a word with the
///   words of the gold source's head ([`source_head`]). Words are lowercased
///   alphanumeric runs minus `SPEAKER_STOPWORDS` (function words, pronouns,
///   honorifics, "president"), so "he" → entity "Donald Trump" vs gold
///   "Trump" is right, while "he" vs gold "he" elsewhere is not.
pub fn speaker_right(gold: &GoldItem, pred: &PredItem) -> bool {
    let Some(gold_source) = &gold.source else {
        return pred.speaker.is_none();
    };
    let Some(sp) = &pred.speaker else {
        return false;
    };
    if sp.span.overlaps(gold_source) {
        return true;
    }
    let gold_words = speaker_words(source_head(&gold.source_text));
    if gold_words.is_empty() {
        return false;
    }
    let mut pred_words = speaker_words(&sp.text);
    if let Some(name) = &sp.entity_name {
        pred_words.extend(speaker_words(name));
    }
    pred_words.iter().any(|w| gold_words.contains(w))
}

/// One matched pair.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Pair {
    /// Index of the gold item.
    pub gold: usize,
    /// Index of the prediction.
    pub pred: usize,
    /// Their content Jaccard.
    pub jaccard: f64,
    /// Whether the prediction's speaker is right for the gold.
    pub speaker_right: bool,
}

/// The matching of one article.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DocMatch {
    /// The matched pairs, in the order they were taken.
    pub pairs: Vec<Pair>,
    /// For each gold item, its pair index.
    pub gold_pair: Vec<Option<usize>>,
    /// For each prediction, its pair index.
    pub pred_pair: Vec<Option<usize>>,
    /// Number of one-to-one exact content matches.
    pub exact: usize,
}

impl DocMatch {
    /// The raw counts of this article, to be summed over a corpus.
    pub fn counts(&self) -> Counts {
        Counts {
            gold: self.gold_pair.len(),
            pred: self.pred_pair.len(),
            matched: self.pairs.len(),
            speaker_right: self.pairs.iter().filter(|p| p.speaker_right).count(),
            exact: self.exact,
        }
    }
}

/// Jaccard ≥ 0.5, in integers.
pub fn content_matches(a: &CharSet, b: &CharSet) -> bool {
    let (inter, union) = a.inter_union(b);
    union > 0 && 2 * inter >= union
}

/// Greedy one-to-one matching of predictions to gold (see the module docs).
/// `text` (the article as code points) is only used for exact matching.
pub fn match_doc(gold: &[GoldItem], pred: &[PredItem], text: &[char]) -> DocMatch {
    let mut cands: Vec<(f64, usize, usize)> = Vec::new();
    for (gi, g) in gold.iter().enumerate() {
        for (pi, p) in pred.iter().enumerate() {
            if content_matches(&g.content, &p.content) {
                cands.push((g.content.jaccard(&p.content), gi, pi));
            }
        }
    }
    cands.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut m =
        DocMatch { pairs: Vec::new(), gold_pair: vec![None; gold.len()], pred_pair: vec![None; pred.len()], exact: 0 };
    for (j, gi, pi) in cands {
        if m.gold_pair[gi].is_some() || m.pred_pair[pi].is_some() {
            continue;
        }
        m.gold_pair[gi] = Some(m.pairs.len());
        m.pred_pair[pi] = Some(m.pairs.len());
        m.pairs.push(Pair { gold: gi, pred: pi, jaccard: j, speaker_right: speaker_right(&gold[gi], &pred[pi]) });
    }
    m.exact = exact_matches(gold, pred, text);
    m
}

/// One-to-one count of predictions whose trimmed content equals a gold
/// attribution's trimmed content (empty sets never match).
pub fn exact_matches(gold: &[GoldItem], pred: &[PredItem], text: &[char]) -> usize {
    let pred_sets: Vec<CharSet> = pred.iter().map(|p| p.content.trimmed(text)).collect();
    let mut used = vec![false; pred.len()];
    let mut n = 0;
    for g in gold {
        let gs = g.content.trimmed(text);
        if gs.is_empty() {
            continue;
        }
        if let Some(pi) = (0..pred.len()).find(|&pi| !used[pi] && pred_sets[pi] == gs) {
            used[pi] = true;
            n += 1;
        }
    }
    n
}

/// Raw counts; all scores derive from them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Gold attributions.
    pub gold: usize,
    /// Predictions.
    pub pred: usize,
    /// Content matches (Jaccard ≥ 0.5, one-to-one).
    pub matched: usize,
    /// Content matches whose speaker is right (end-to-end true positives).
    pub speaker_right: usize,
    /// Exact content matches.
    pub exact: usize,
}

impl std::ops::AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.gold += o.gold;
        self.pred += o.pred;
        self.matched += o.matched;
        self.speaker_right += o.speaker_right;
        self.exact += o.exact;
    }
}

/// Precision, recall, F1.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Prf {
    /// Precision.
    pub p: f64,
    /// Recall.
    pub r: f64,
    /// F1.
    pub f1: f64,
}

impl Prf {
    /// From true positives and the predicted and gold totals (0 where undefined).
    pub fn new(tp: usize, pred: usize, gold: usize) -> Prf {
        let p = ratio(tp, pred);
        let r = ratio(tp, gold);
        let f1 = if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 };
        Prf { p, r, f1 }
    }
}

/// `a / b`, 0 when `b` is 0.
pub fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}

/// The headline scores.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize)]
pub struct Scores {
    /// The counts the scores derive from.
    pub counts: Counts,
    /// Content only (Jaccard ≥ 0.5).
    pub content: Prf,
    /// Share of content matches whose speaker is right.
    pub speaker_right: f64,
    /// Content matched and speaker right.
    pub end_to_end: Prf,
    /// Exact content matches.
    pub exact: Prf,
}

impl Scores {
    /// Derives every score from the counts (summed counts, not averaged
    /// per-article scores, so long articles weigh what they hold).
    pub fn from_counts(c: Counts) -> Scores {
        Scores {
            counts: c,
            content: Prf::new(c.matched, c.pred, c.gold),
            speaker_right: ratio(c.speaker_right, c.matched),
            end_to_end: Prf::new(c.speaker_right, c.pred, c.gold),
            exact: Prf::new(c.exact, c.pred, c.gold),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charset_merges_and_intersects() {
        let a = CharSet::from_spans([(5, 10), (0, 3), (3, 4), (8, 12)]);
        assert_eq!(a.ranges(), &[(0, 4), (5, 12)]);
        assert_eq!(a.len(), 11);
        let b = CharSet::from_spans([(2, 6), (11, 20)]);
        assert_eq!(a.intersection_len(&b), 2 + 1 + 1);
        assert_eq!(a.inter_union(&b), (4, 11 + 13 - 4));
    }

    #[test]
    fn trimming_drops_marks_and_leading_that() {
        let text: Vec<char> = "He said that “we will win.” Then".chars().collect();
        let s = CharSet::span(8, 27);
        let t = s.trimmed(&text);
        let got: String = t.ranges().iter().flat_map(|&(a, b)| text[a..b].iter()).collect();
        assert_eq!(got, "we will win");
        // "thatcher" is not "that".
        let text: Vec<char> = "thatcher spoke".chars().collect();
        assert_eq!(CharSet::span(0, 14).trimmed(&text), CharSet::span(0, 14));
    }
}
