//! Training the attribution tagger on PolNeAR (`whosaid train`).
//!
//! Gold spans are code points of the raw article; the tagger labels tokens of
//! the cleaned text, so each span is mapped raw code points → raw bytes →
//! cleaned bytes through the document's offset map (text that cleaning
//! dropped simply has no token to label).

use std::sync::Arc;

use whosaid::statements::select::{self, DECIDER_BITS};
use whosaid::statements::tagger::{self, Example, TrainConfig, Weights};
use whosaid::statements::{
    candidates, stacked_examples, training_examples, Decider, GoldAttribution, Model, Selector, Tagger,
};
use whosaid::Pipeline;
use whosaid_document::{Document, Meta, Span, Statement};

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
            out.extend(self.doc.offsets.clean_spans(self.byte(s[0]), self.byte(s[1])));
        }
        out
    }
}

fn meta_of(a: &Article) -> Meta {
    Meta { id: Some(a.id.clone()), title: a.title.clone(), published: a.published_date(), ..Meta::default() }
}

/// One training article, annotated once.
struct Prepared {
    doc: Document,
    words: whosaid::cues::Words,
    gold: Vec<GoldAttribution>,
}

fn prepare(pipeline: &Pipeline, a: &Article) -> Prepared {
    let (doc, words) = pipeline.annotate(&a.text, &a.id, meta_of(a));
    let map = RawToClean::new(&doc, &a.text);
    let gold = a
        .attributions
        .iter()
        .map(|g| GoldAttribution {
            cue: map.spans(&g.cue),
            source: map.spans(&g.source),
            content: map.spans(&g.content),
        })
        .collect();
    Prepared { doc, words, gold }
}

/// The training examples of a corpus (one per paragraph).
pub fn examples(pipeline: &Pipeline, articles: &[Article], bits: u32) -> Vec<Example> {
    articles
        .iter()
        .flat_map(|a| {
            let p = prepare(pipeline, a);
            training_examples(&p.doc, &p.words, &p.gold, bits)
        })
        .collect()
}

/// Decider training data of one article: features and whether the candidate
/// matches a gold content (Jaccard ≥ 0.5), plus what threshold search needs.
struct DeciderDoc {
    feats: Vec<Vec<u32>>,
    labels: Vec<bool>,
    candidates: Vec<Statement>,
    family: Vec<usize>,
    gold: Vec<Vec<Span>>,
}

fn decider_doc(p: &Prepared, tagger: &Tagger, stacked: &Tagger, bits: u32) -> DeciderDoc {
    let (tagged, rules) = candidates(&p.doc, &p.words, tagger, Some(stacked));
    let pool = select::Pool::new(&p.doc, &p.words, tagged, rules);
    let feats = pool.features(&p.doc, &p.words, bits);
    let pool = pool.readings;
    let gold: Vec<Vec<Span>> = p.gold.iter().map(|g| g.content.clone()).filter(|c| !c.is_empty()).collect();
    // A candidate is right when it matches a gold content and no other reading
    // of the same candidate matches it better (a 0.1 margin measured worse):
    // the decider learns
    // where a content ends, not only whether it overlaps enough.
    let best: Vec<f64> = pool
        .all
        .iter()
        .map(|c| gold.iter().map(|g| select::span_jaccard(select::pieces(c), g)).fold(0.0, f64::max))
        .collect();
    let mut family_best = vec![0.0f64; pool.all.len()];
    for (i, &f) in pool.family.iter().enumerate() {
        family_best[f] = family_best[f].max(best[i]);
    }
    let labels = (0..pool.all.len()).map(|i| best[i] >= 0.5 && best[i] >= family_best[pool.family[i]]).collect();
    DeciderDoc { feats, labels, candidates: pool.all, family: pool.family, gold }
}

/// Logistic regression by SGD, examples in a seeded shuffled order.
fn train_decider(docs: &[DeciderDoc], bits: u32, epochs: usize, seed: u64) -> Vec<f32> {
    let mut w = vec![0f32; 1 << bits];
    let mut order: Vec<(usize, usize)> =
        docs.iter().enumerate().flat_map(|(d, x)| (0..x.labels.len()).map(move |i| (d, i))).collect();
    let mut rng = seed | 1;
    for epoch in 0..epochs {
        for i in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(i, (rng % (i as u64 + 1)) as usize);
        }
        let lr = 0.1 / (1.0 + epoch as f32);
        for &(d, i) in &order {
            let f = &docs[d].feats[i];
            let z: f32 = f.iter().map(|&k| w[k as usize]).sum();
            let p = 1.0 / (1.0 + (-z).exp());
            let g = p - docs[d].labels[i] as u8 as f32;
            for &k in f {
                let wk = &mut w[k as usize];
                *wk -= lr * (g + 1e-4 * *wk);
            }
        }
    }
    w
}

/// Content F1 of the selection at `threshold` (greedy one-to-one matching).
fn selection_f1(docs: &[DeciderDoc], decider: &Decider, threshold: f32, alone: f32) -> (f64, f64, f64) {
    let (mut tp, mut pred, mut gold) = (0usize, 0usize, 0usize);
    for d in docs {
        let scored: Vec<(f32, Statement)> =
            d.feats.iter().map(|f| decider.probability(f)).zip(d.candidates.iter().cloned()).collect();
        let kept = select::choose(scored, &d.family, threshold, alone);
        let mut used = vec![false; d.gold.len()];
        for k in &kept {
            let best = (0..d.gold.len())
                .filter(|&g| !used[g])
                .map(|g| (select::span_jaccard(select::pieces(k), &d.gold[g]), g))
                .filter(|&(j, _)| j >= 0.5)
                .max_by(|a, b| a.0.total_cmp(&b.0));
            if let Some((_, g)) = best {
                used[g] = true;
                tp += 1;
            }
        }
        pred += kept.len();
        gold += d.gold.len();
    }
    let p = tp as f64 / pred.max(1) as f64;
    let r = tp as f64 / gold.max(1) as f64;
    (p, r, if p + r > 0.0 { 2.0 * p * r / (p + r) } else { 0.0 })
}

/// What happened at each step of training, for the progress display.
#[derive(Clone, Debug)]
pub enum Progress {
    /// A jackknife fold's tagger is trained (fold, folds).
    Fold(usize, usize),
    /// The decider is trained; its threshold and train-fold selection scores.
    Decider {
        /// Probability a candidate needs to be kept.
        threshold: f32,
        /// Probability a tagger candidate no rule found needs.
        threshold_alone: f32,
        /// Selection precision on held-out training folds.
        precision: f64,
        /// Selection recall on held-out training folds.
        recall: f64,
        /// Selection F1 on held-out training folds.
        f1: f64,
    },
    /// An epoch of the final tagger, with dev scores when a dev set is given.
    Epoch(Box<EpochReport>),
}

/// What one epoch scored on dev.
#[derive(Clone, Debug)]
pub struct EpochReport {
    /// The epoch (from 1).
    pub epoch: usize,
    /// The dev scores after it (`None` without a dev set).
    pub dev: Option<Report>,
}

/// Folds of the jackknife that gives the decider honest tagger output.
pub const FOLDS: usize = 2;
/// Decider SGD epochs.
pub const DECIDER_EPOCHS: usize = 6;

/// Trains the model on `train`:
/// 1. the first-pass tagger on each jackknife fold's complement, tagging the
///    held-out fold (so the second pass learns from the first pass's real
///    mistakes);
/// 2. the second-pass (stacked) tagger the same way, on the first pass's
///    held-out labels, tagging the held-out fold;
/// 3. the decider on those held-out candidates and their shorter readings
///    (features and match with gold), and its threshold by the best content
///    F1 of the selection on them;
/// 4. the final first pass on all of `train`, then the final second pass on
///    all of `train` with the held-out first-pass labels, scoring `dev` after
///    each of its epochs.
pub fn train(
    pipeline: &Pipeline,
    train: &[Article],
    dev: Option<&[Article]>,
    cfg: TrainConfig,
    mut progress: impl FnMut(&Progress),
) -> Model {
    let prepared: Vec<Prepared> = train.iter().map(|a| prepare(pipeline, a)).collect();
    let examples: Vec<Vec<Example>> =
        prepared.iter().map(|p| training_examples(&p.doc, &p.words, &p.gold, cfg.bits)).collect();
    let fold_of = |i: usize| i % FOLDS;
    let train_fold = |examples: &[Vec<Example>], fold: usize| -> Tagger {
        let fold_train: Vec<Example> = examples
            .iter()
            .enumerate()
            .filter(|(i, _)| fold_of(*i) != fold)
            .flat_map(|(_, e)| e.iter().cloned())
            .collect();
        Tagger::from_weights(&tagger::train(&fold_train, cfg, |_, _| true))
    };
    let first_folds: Vec<Tagger> = (0..FOLDS).map(|fold| train_fold(&examples, fold)).collect();
    let stacked: Vec<Vec<Example>> = prepared
        .iter()
        .zip(&examples)
        .enumerate()
        .map(|(i, (p, e))| stacked_examples(&p.doc, &p.words, e, &first_folds[fold_of(i)], cfg.bits))
        .collect();
    let mut held_out: Vec<DeciderDoc> = Vec::new();
    for (fold, first) in first_folds.iter().enumerate() {
        let second = train_fold(&stacked, fold);
        held_out.extend(
            prepared
                .iter()
                .enumerate()
                .filter(|(i, _)| fold_of(*i) == fold)
                .map(|(_, p)| decider_doc(p, first, &second, DECIDER_BITS)),
        );
        progress(&Progress::Fold(fold + 1, FOLDS));
    }
    drop(first_folds);
    let weights = train_decider(&held_out, DECIDER_BITS, DECIDER_EPOCHS, cfg.seed);
    let mut decider = Decider { bits: DECIDER_BITS, weights, threshold: 0.5, threshold_alone: 0.5 };
    // Both thresholds by the best held-out selection F1 (ties: the higher, more
    // conservative thresholds, found later in the scan).
    let mut best = ((0.5f32, 0.5f32), (0.0, 0.0, -1.0));
    for step in 4..=18 {
        for step_alone in step..=19 {
            let (t, ta) = (step as f32 * 0.05, step_alone as f32 * 0.05);
            let s = selection_f1(&held_out, &decider, t, ta);
            if s.2 >= best.1 .2 {
                best = ((t, ta), s);
            }
        }
    }
    (decider.threshold, decider.threshold_alone) = best.0;
    progress(&Progress::Decider {
        threshold: best.0 .0,
        threshold_alone: best.0 .1,
        precision: best.1 .0,
        recall: best.1 .1,
        f1: best.1 .2,
    });
    drop(held_out);
    let all: Vec<Example> = examples.into_iter().flatten().collect();
    let first = Tagger::from_weights(&tagger::train(&all, cfg, |_, _| true));
    drop(all);
    let all: Vec<Example> = stacked.into_iter().flatten().collect();
    let weights: Weights = tagger::train(&all, cfg, |epoch, w| {
        let dev = dev.map(|dev| {
            let model =
                Model { tagger: first.clone(), stacked: Some(Tagger::from_weights(w)), decider: decider.clone() };
            let p = pipeline.clone().with_selector(Selector::Learned(Arc::new(model)));
            evaluate(&p, dev).report()
        });
        progress(&Progress::Epoch(Box::new(EpochReport { epoch, dev })));
        true
    });
    Model { tagger: first, stacked: Some(Tagger::from_weights(&weights)), decider }
}
