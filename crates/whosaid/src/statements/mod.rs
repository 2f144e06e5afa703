//! Stage — statements: who said what, with which cue, to whom.
//!
//! Proposing is split from deciding:
//!
//! ```text
//!  rules::propose ──► rule candidates ─┬──────────────────────────────┐
//!                                      ▼ (features)                   ▼
//!  tagger::sequences ─► viterbi ─► tagged::candidates ──► select ──► doc.statements
//! ```
//!
//! - [`rules`] — hand-written quotation and clause patterns (the baseline);
//! - [`tagger`] — a learned BIO tagger for cue, source and content over each
//!   paragraph, whose features include the rule candidates;
//! - [`tagged`] — statement candidates from the tags;
//! - [`select`] — the selectors: [`Selector::Rules`] returns the rule
//!   candidates unchanged (today's output), [`Selector::Learned`] decides
//!   between tagger and rule candidates.
//!
//! Invariants: candidates never edit the document; the selected statements are
//! sorted by content start, their spans lie inside the text, and their speaker
//! and addressee are indices of existing mentions.

pub mod cuts;
pub mod model;
pub mod rules;
pub mod select;
pub mod tagged;
pub mod tagger;

use std::sync::Arc;

use whosaid_document::{Document, Span, Statement, StatementKind, TokenKind};

use crate::cues::Words;
pub use model::{Decider, Model, ModelError, Tagger};
use tagger::{Label, Role, Scorer, Sequence};

/// The model shipped with whosaid, trained on PolNeAR train (see README).
pub static BUILTIN_MODEL: &[u8] = include_bytes!("../../models/attribution.wsm");

/// How final statements are chosen from the candidates.
#[derive(Clone, Debug)]
pub enum Selector {
    /// The rule candidates as they are (the baseline).
    Rules,
    /// The trained tagger's candidates, completed by rule candidates it did not
    /// cover (see [`select::learned`]).
    Learned(Arc<Model>),
}

impl Selector {
    /// The learned selector with the compiled-in model (decoded once per
    /// process and shared: it is 16 MB of weights).
    pub fn builtin() -> Result<Selector, ModelError> {
        static BUILTIN: std::sync::OnceLock<Result<Arc<Model>, ModelError>> = std::sync::OnceLock::new();
        BUILTIN.get_or_init(|| Model::from_bytes(BUILTIN_MODEL).map(Arc::new)).clone().map(Selector::Learned)
    }

    /// A short name ("rules", "model") for reports and the `--selector` option.
    pub fn name(&self) -> &'static str {
        match self {
            Selector::Rules => "rules",
            Selector::Learned(_) => "model",
        }
    }
}

/// Fills `doc.statements`; needs tokens, quotations, mentions, entities, times.
pub fn find_statements(doc: &mut Document, words: &Words, selector: &Selector) {
    let mut statements = {
        let rules = rules::Rules::new(doc, words);
        let rule_candidates = rules.propose();
        match selector {
            Selector::Rules => rule_candidates,
            Selector::Learned(model) => {
                let tagged = tag(doc, words, &rules, &rule_candidates, &model.tagger, model.stacked.as_ref());
                select::learned(doc, words, &model.decider, tagged, rule_candidates)
            }
        }
    };
    continue_quotations(doc, &mut statements);
    doc.statements = statements;
}

/// “…,” Mr. Holtz-Eakin said. “They're more detailed …” — a quotation that
/// opens the sentence right after an attributed statement, in the same
/// paragraph, with no cue and no speaker of its own, continues that
/// statement (PolNeAR annotates the two as one content). Both selectors
/// leave such quotations speakerless, since the quotation pass runs before
/// the clause pass finds indirect speech.
fn continue_quotations(doc: &Document, statements: &mut Vec<Statement>) {
    let sentence_of = |pos: usize| doc.sentence_at(pos);
    let mut k = 1;
    while k < statements.len() {
        let u = &statements[k];
        // A carried-over speaker is a guess the adjacent statement overrides.
        let orphan =
            (u.speaker.is_none() || u.rule == "quote-carry-over") && u.cue.is_none() && u.kind == StatementKind::Direct;
        let prev = &statements[k - 1];
        let prev_end = prev.cue.map_or(prev.content.end, |c| c.end.max(prev.content.end));
        let follows = orphan
            && prev.speaker.is_some()
            && prev_end <= u.content.start
            && match (sentence_of(prev_end.saturating_sub(1)), sentence_of(u.content.start)) {
                (Some(a), Some(b)) => {
                    // Only quotation marks before the content in its sentence.
                    let opens = (doc.token_at(doc.sentences[b].span.start)..doc.token_at(u.content.start))
                        .all(|t| doc.tokens[t].kind != TokenKind::Word);
                    b == a + 1 && doc.sentences[a].paragraph == doc.sentences[b].paragraph && opens
                }
                _ => false,
            };
        if follows {
            let more = u.content;
            let prev = &mut statements[k - 1];
            if prev.kind == StatementKind::Indirect {
                prev.kind = StatementKind::Mixed;
            }
            rules::merge_content(prev, more);
            statements.remove(k);
        } else {
            k += 1;
        }
    }
}

/// The tagger's candidates: the first pass's labels, or the second pass's
/// over them when the model has one.
fn tag<S: Scorer>(
    doc: &Document,
    words: &Words,
    rules: &rules::Rules,
    rule_candidates: &[Statement],
    tagger: &S,
    stacked: Option<&S>,
) -> Vec<Statement> {
    let mut seqs = tagger::sequences(doc, words, rule_candidates, tagger.bits());
    let mut tags: Vec<Vec<Label>> = seqs.iter().map(|s| tagger::viterbi(tagger, s)).collect();
    if let Some(second) = stacked {
        // The second pass copies first-pass feature ids: one table size (the
        // model loader refuses files where they differ).
        assert_eq!(tagger.bits(), second.bits(), "both tagger passes need one table size");
        // Each first-pass sequence is dropped once its second-pass one exists.
        seqs = seqs.into_iter().zip(&tags).map(|(s, t)| tagger::stacked(doc, words, &s, t, second.bits())).collect();
        tags = seqs.iter().map(|s| tagger::viterbi(second, s)).collect();
    }
    tagged::candidates(doc, words, rules, &seqs, &tags, rule_candidates)
}

/// Both generators' candidates for `doc` under `tagger` and its optional
/// second pass (for training the decider): `(tagger candidates, rule
/// candidates)`.
pub fn candidates<S: Scorer>(
    doc: &Document,
    words: &Words,
    tagger: &S,
    stacked: Option<&S>,
) -> (Vec<Statement>, Vec<Statement>) {
    let rules = rules::Rules::new(doc, words);
    let rule_candidates = rules.propose();
    let tagged = tag(doc, words, &rules, &rule_candidates, tagger, stacked);
    (tagged, rule_candidates)
}

/// The second pass's training examples from the first pass's: each paragraph
/// tagged by `first` (a tagger that did not see this document), its features
/// extended by [`tagger::stacked`]; the gold labels stay.
pub fn stacked_examples<S: Scorer>(
    doc: &Document,
    words: &Words,
    examples: &[tagger::Example],
    first: &S,
    bits: u32,
) -> Vec<tagger::Example> {
    examples
        .iter()
        .map(|ex| {
            let tags = tagger::viterbi(first, &ex.seq);
            tagger::Example { seq: tagger::stacked(doc, words, &ex.seq, &tags, bits), gold: ex.gold.clone() }
        })
        .collect()
}

/// One gold attribution in cleaned-text byte spans (for training).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GoldAttribution {
    /// The cue's spans (a cue may be discontinuous: "said … adding").
    pub cue: Vec<Span>,
    /// The source's spans (who said it), empty when the gold has none.
    pub source: Vec<Span>,
    /// The content's spans (what was said).
    pub content: Vec<Span>,
}

/// Training examples of one document: its paragraphs' feature sequences and
/// gold labels. Where roles overlap (nested attributions) a token takes the
/// innermost reading: cue before source before content.
pub fn training_examples(doc: &Document, words: &Words, gold: &[GoldAttribution], bits: u32) -> Vec<tagger::Example> {
    let rule_candidates = rules::propose(doc, words);
    let seqs = tagger::sequences(doc, words, &rule_candidates, bits);
    let n = doc.tokens.len();
    // Per token: (role rank, attribution index, span start) of the winning role.
    let mut role: Vec<Option<(Role, usize, usize)>> = vec![None; n];
    let mut assign = |spans: &[Span], r: Role, ai: usize| {
        for s in spans {
            let (a, b) = (doc.token_at(s.start), doc.token_at(s.end));
            for slot in role.iter_mut().take(b.min(n)).skip(a) {
                let better = match slot {
                    None => true,
                    Some((old, _, _)) => r < *old,
                };
                if better {
                    *slot = Some((r, ai, s.start));
                }
            }
        }
    };
    for (ai, g) in gold.iter().enumerate() {
        assign(&g.content, Role::Content, ai);
        assign(&g.source, Role::Source, ai);
        assign(&g.cue, Role::Cue, ai);
    }
    seqs.into_iter()
        .map(|seq: Sequence| {
            let gold = (0..seq.len())
                .map(|i| {
                    let k = seq.first + i;
                    match role[k] {
                        None => Label::Outside,
                        Some((r, ai, st)) => {
                            let same_as_prev =
                                i > 0 && role[k - 1].is_some_and(|(pr, pa, ps)| pr == r && pa == ai && ps == st);
                            if same_as_prev {
                                Label::inside_of(r)
                            } else {
                                Label::begin_of(r)
                            }
                        }
                    }
                })
                .collect();
            tagger::Example { seq, gold }
        })
        .collect()
}
