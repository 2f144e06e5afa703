//! Scoring whosaid against annotated corpora (PolNeAR).
//!
//! ```text
//! gold JSONL ──parse──▶ Article ──Pipeline::extract──▶ Document
//!                          │                              │ predictions(): clean bytes → raw bytes
//!                          ▼                              ▼   (OffsetMap pieces) → code points
//!                       GoldItem ◀──── match_doc ────▶ PredItem
//!                                         │
//!                                  Evaluation ──▶ Report (table / JSON) + error listing
//! ```
//!
//! The scoring rules (Jaccard ≥ 0.5 on content character sets, greedy
//! one-to-one matching, speaker right, exact match) are in [`score`]; the
//! aggregate numbers and breakdowns in [`report`]; the instructive-errors
//! listing in [`errors`].

#![deny(missing_docs)]

pub mod article_extraction;
pub mod errors;
pub mod gold;
pub mod report;
pub mod score;
pub mod speakers;
pub mod taxonomy;
pub mod train;

use std::time::Instant;

use whosaid::Pipeline;
use whosaid_document::charmap::CharMap;
use whosaid_document::{Document, Meta, Span, StatementKind};

pub use gold::{parse_jsonl, Article, GoldError};
pub use report::{render_table, Report};
pub use score::{CharSet, Counts, DocMatch, GoldItem, PredItem, PredSpeaker, Prf, Scores};

/// One scored article, with everything the error listing needs.
#[derive(Clone, Debug)]
pub struct ArticleEval {
    /// The article id, to trace a score back to the corpus.
    pub id: String,
    /// The raw article text (the gold offsets index it, in code points).
    pub text: String,
    /// `text` as code points: gold spans index code points, not bytes.
    pub chars: Vec<char>,
    /// The article's gold attributions as scoring items.
    pub gold: Vec<GoldItem>,
    /// The pipeline's statements as scoring items.
    pub pred: Vec<PredItem>,
    /// Matching with every predicted kind.
    pub matching: DocMatch,
    /// Counts when predicted beliefs are dropped (gold unchanged).
    pub counts_without_beliefs: Counts,
}

impl ArticleEval {
    /// Scores hand-made or predicted items of one article.
    pub fn new(id: &str, text: &str, gold: Vec<GoldItem>, pred: Vec<PredItem>) -> ArticleEval {
        let chars: Vec<char> = text.chars().collect();
        let matching = score::match_doc(&gold, &pred, &chars);
        let speech: Vec<PredItem> = pred.iter().filter(|p| p.kind != StatementKind::Belief).cloned().collect();
        let counts_without_beliefs = score::match_doc(&gold, &speech, &chars).counts();
        ArticleEval { id: id.to_string(), text: text.to_string(), chars, gold, pred, matching, counts_without_beliefs }
    }

    /// The code point text of a set (ranges joined by " … ").
    pub fn slice(&self, set: &CharSet) -> String {
        let parts: Vec<String> = set
            .ranges()
            .iter()
            .map(|&(a, b)| self.chars[a.min(self.chars.len())..b.min(self.chars.len())].iter().collect())
            .collect();
        parts.join(" … ")
    }
}

/// A whole run.
#[derive(Clone, Debug, Default)]
pub struct Evaluation {
    /// Every scored article, kept whole so reports and listings can be
    /// derived without running the pipeline again.
    pub articles: Vec<ArticleEval>,
    /// Raw bytes processed by the pipeline.
    pub bytes: usize,
    /// Seconds spent in `Pipeline::extract` (single thread).
    pub seconds: f64,
}

impl Evaluation {
    /// The aggregate scores and breakdowns of this run.
    pub fn report(&self) -> Report {
        Report::new(self)
    }
}

/// Runs the pipeline over every article (one thread, so the speed is
/// comparable) and scores it. Meta: `id`, `title` and `published` from the
/// gold record.
pub fn evaluate(pipeline: &Pipeline, articles: &[Article]) -> Evaluation {
    let mut ev = Evaluation::default();
    for a in articles {
        let meta =
            Meta { id: Some(a.id.clone()), title: a.title.clone(), published: a.published_date(), ..Meta::default() };
        let t0 = Instant::now();
        let doc = pipeline.extract(&a.text, &a.id, meta);
        ev.seconds += t0.elapsed().as_secs_f64();
        ev.bytes += a.text.len();
        let gold = a.attributions.iter().map(|x| x.to_item()).collect();
        let pred = predictions(&doc, &a.text);
        ev.articles.push(ArticleEval::new(&a.id, &a.text, gold, pred));
    }
    ev
}

/// A cleaned-text byte span as code point positions of the raw text `raw`.
///
/// Equivalent to mapping each byte through `doc.offsets.to_raw`, but done per
/// copied piece, so a span that crosses a dropped line (or an inserted
/// separator) never picks up raw text cleaning removed.
pub fn clean_span_to_raw(doc: &Document, cmap: &CharMap, span: Span) -> CharSet {
    CharSet::from_spans(doc.offsets.raw_ranges(span).into_iter().map(|(a, b)| (cmap.chars(a), cmap.chars(b))))
}

/// The statements of `doc` as scoring items, in code points of `raw` (the
/// text `doc` was extracted from).
pub fn predictions(doc: &Document, raw: &str) -> Vec<PredItem> {
    let cmap = CharMap::new(raw);
    doc.statements
        .iter()
        .map(|s| PredItem {
            // A split quotation's content is its parts, not the attribution between them.
            content: if s.parts.is_empty() {
                clean_span_to_raw(doc, &cmap, s.content)
            } else {
                CharSet::from_spans(
                    s.parts
                        .iter()
                        .flat_map(|&p| clean_span_to_raw(doc, &cmap, p).ranges().to_vec())
                        .collect::<Vec<_>>(),
                )
            },
            kind: s.kind,
            speaker: s.speaker.map(|m| {
                let mention = &doc.mentions[m];
                PredSpeaker {
                    span: clean_span_to_raw(doc, &cmap, mention.span),
                    text: doc.slice(mention.span).to_string(),
                    entity_name: doc.entity_name(m).map(str::to_string),
                    mention_kind: mention.kind.as_str().to_string(),
                }
            }),
            cue_text: s.cue.map(|c| doc.slice(c).to_string()).unwrap_or_default(),
            cue_lemma: s.cue_lemma.clone(),
            rule: s.rule.to_string(),
        })
        .collect()
}
