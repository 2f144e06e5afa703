//! Training the attribution tagger on PolNeAR (`whosaid train`).
//!
//! Gold spans are code points of the raw article; the tagger labels tokens of
//! the cleaned text, so each span is mapped raw code points → raw bytes →
//! cleaned bytes through the document's offset map (text that cleaning
//! dropped simply has no token to label).

use std::sync::Arc;

use whosaid::statements::tagger::{self, Example, TrainConfig, Weights};
use whosaid::statements::{training_examples, GoldAttribution, Model, Selector};
use whosaid::Pipeline;
use whosaid_document::{Document, Meta, Span};

use crate::gold::{Article, Role};
use crate::{evaluate, Report};

/// Maps raw code-point ranges to cleaned-text byte spans.
struct RawToClean<'d> {
    doc: &'d Document,
    /// Byte offset of every code point of the raw text (and one past the end).
    char_bytes: Vec<usize>,
}

impl<'d> RawToClean<'d> {
    fn new(doc: &'d Document, raw: &str) -> RawToClean<'d> {
        let mut char_bytes: Vec<usize> = raw.char_indices().map(|(b, _)| b).collect();
        char_bytes.push(raw.len());
        RawToClean { doc, char_bytes }
    }

    fn byte(&self, cp: usize) -> usize {
        self.char_bytes.get(cp).copied().unwrap_or_else(|| *self.char_bytes.last().unwrap_or(&0))
    }

    fn spans(&self, role: &Option<Role>) -> Vec<Span> {
        let Some(role) = role else { return Vec::new() };
        let mut out = Vec::new();
        for s in &role.spans {
            let (ra, rb) = (self.byte(s[0]), self.byte(s[1]));
            for p in &self.doc.offsets.pieces {
                let lo = ra.max(p.raw);
                let hi = rb.min(p.raw + p.len);
                if lo < hi {
                    out.push(Span::new(p.clean + (lo - p.raw), p.clean + (hi - p.raw)));
                }
            }
        }
        out
    }
}

fn meta_of(a: &Article) -> Meta {
    Meta { id: Some(a.id.clone()), title: a.title.clone(), published: a.published_date(), ..Meta::default() }
}

/// The training examples of a corpus (one per paragraph).
pub fn examples(pipeline: &Pipeline, articles: &[Article], bits: u32) -> Vec<Example> {
    let mut out = Vec::new();
    for a in articles {
        let (doc, words) = pipeline.annotate(&a.text, &a.id, meta_of(a));
        let map = RawToClean::new(&doc, &a.text);
        let gold: Vec<GoldAttribution> = a
            .attributions
            .iter()
            .map(|g| GoldAttribution { cue: map.spans(&g.cue), source: map.spans(&g.source), content: map.spans(&g.content) })
            .collect();
        out.extend(training_examples(&doc, &words, &gold, bits));
    }
    out
}

/// What one epoch scored on dev.
#[derive(Clone, Debug)]
pub struct EpochReport {
    pub epoch: usize,
    pub dev: Option<Report>,
}

/// Trains on `train`; after each epoch scores `dev` (when given) with the
/// model as it stands and hands the report to `progress`.
pub fn train(
    pipeline: &Pipeline,
    train: &[Article],
    dev: Option<&[Article]>,
    cfg: TrainConfig,
    mut progress: impl FnMut(&EpochReport),
) -> Model {
    let examples = examples(pipeline, train, cfg.bits);
    let weights: Weights = tagger::train(&examples, cfg, |epoch, w| {
        let dev = dev.map(|dev| {
            let model = Model::from_weights(w);
            let p = pipeline.clone().with_selector(Selector::Learned(Arc::new(model)));
            evaluate(&p, dev).report()
        });
        progress(&EpochReport { epoch, dev });
        true
    });
    Model::from_weights(&weights)
}
