//! Selectors: which candidates become statements.
//!
//! The learned selector scores every candidate — the tagger's and the rules'
//! alike — with the [`Decider`] (logistic regression over the features
//! below, trained on PolNeAR train with jackknifed tagger output, so it sees
//! the tagger's real mistakes), then keeps candidates best first while they
//! clear the threshold and do not cover one already kept. Where the tagger and
//! a rule found the same attribution with different boundaries, the decider
//! chooses between them.

use whosaid_document::{Document, EntityType, Span, Statement, StatementKind};

use super::cuts::Readings;
use super::model::Decider;
use super::tagged;
use super::tagger::{fnv, mix};
use crate::cues::Words;

/// Version of the decider's features (a model with others cannot be read).
pub const DECIDER_FEATURE_VERSION: u32 = 2;
/// log2 of the decider's hashed feature table.
pub const DECIDER_BITS: u32 = 18;
/// A candidate "covers" another when their contents overlap at least this much
/// (character Jaccard, the scorer's matching threshold) or they share the cue
/// and overlap at all.
pub const COVER_JACCARD: f64 = 0.5;

/// The content pieces of a statement: its parts, or its content (borrowed:
/// the selector compares many pairs, and allocating here was measurable).
pub fn pieces(st: &Statement) -> &[Span] {
    if st.parts.is_empty() {
        std::slice::from_ref(&st.content)
    } else {
        &st.parts
    }
}

fn covered_len(a: &[Span], b: &[Span]) -> usize {
    a.iter().map(|x| b.iter().map(|y| x.end.min(y.end).saturating_sub(x.start.max(y.start))).sum::<usize>()).sum()
}

/// Character Jaccard of two statements' contents (parts, not the gap between).
pub fn content_jaccard(a: &Statement, b: &Statement) -> f64 {
    span_jaccard(pieces(a), pieces(b))
}

/// Character Jaccard of two sets of disjoint byte spans.
pub fn span_jaccard(pa: &[Span], pb: &[Span]) -> f64 {
    let inter = covered_len(pa, pb);
    let la: usize = pa.iter().map(Span::len).sum();
    let lb: usize = pb.iter().map(Span::len).sum();
    let union = (la + lb).saturating_sub(inter);
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

/// Whether two candidates describe the same attribution.
pub fn covers(a: &Statement, b: &Statement) -> bool {
    let same_cue = matches!((a.cue, b.cue), (Some(x), Some(y)) if x.overlaps(y));
    (same_cue && a.content.overlaps(b.content)) || content_jaccard(a, b) >= COVER_JACCARD
}

fn bucket(n: usize) -> u64 {
    match n {
        0 => 0,
        1 => 1,
        2 => 2,
        3..=4 => 3,
        5..=8 => 4,
        9..=16 => 5,
        17..=32 => 6,
        33..=64 => 7,
        _ => 8,
    }
}

/// Hashed features of candidate `i` of the pool.
pub fn features(doc: &Document, words: &Words, pool: &Pool, i: usize, bits: u32) -> Vec<u32> {
    let r = &pool.readings;
    let (all, is_tagged, neighbours, cut) = (&r.all, &r.is_tagged, &pool.near[i], r.cuts[i]);
    let c = &all[i];
    let shift = 64 - bits;
    let origin = fnv(c.rule.as_bytes());
    let cue_tokens = c.cue.map(|s| (doc.token_at(s.start), doc.token_at(s.end)));
    let lexicon_cue = cue_tokens.and_then(|(a, b)| (a..b).find_map(|t| words.cue(t)));
    let lemma = fnv(c.cue_lemma.as_bytes());
    let cue_class = lexicon_cue.map(|cm| cm.cue.class as u64 + 1).unwrap_or(0);
    let cue_len = cue_tokens.map(|(a, b)| b - a).unwrap_or(0);
    let (ca, cb) = (doc.token_at(c.content.start), doc.token_at(c.content.end));
    let content_len = cb.saturating_sub(ca);
    let cue_pos = match c.cue {
        None => 0,
        Some(cue) if cue.end <= c.content.start => 1,
        Some(cue) if cue.start >= c.content.end => 2,
        Some(_) => 3,
    };
    let speaker = c.speaker.and_then(|m| doc.mentions.get(m.index()));
    let speaker_code = speaker.map(|m| 1 + (m.kind as u64) * 8 + m.etype as u64).unwrap_or(0);
    let speaker_resolved = speaker.is_some_and(|m| m.entity.is_some()) as u64;
    let speaker_pos = match (speaker, c.cue) {
        (Some(m), Some(cue)) if m.span.end <= cue.start => 1,
        (Some(_), Some(_)) => 2,
        _ => 0,
    };
    let speaker_dist = match (speaker, c.cue) {
        (Some(m), Some(cue)) => {
            let (ma, mb) = (doc.token_at(m.span.start), doc.token_at(m.span.end));
            let (qa, qb) = (doc.token_at(cue.start), doc.token_at(cue.end));
            bucket(if mb <= qa { qa - mb } else { ma.saturating_sub(qb) })
        }
        _ => 15,
    };
    // The best other-origin candidate covering this one.
    let twin = neighbours
        .iter()
        .copied()
        .filter(|&j| j != i && is_tagged[j] != is_tagged[i] && all[j].content.overlaps(c.content))
        .map(|j| ((content_jaccard(c, &all[j]) * 10.0) as u64, j))
        .max();
    let (twin_j, twin_name) = match twin {
        Some((jb, j)) => (jb + 1, fnv(all[j].rule.as_bytes())),
        None => (0, 0),
    };
    let same_cue_twin = twin.is_some_and(|(_, j)| matches!((all[j].cue, c.cue), (Some(x), Some(y)) if x.overlaps(y)));
    let twin_same_speaker = twin.is_some_and(|(_, j)| all[j].speaker.is_some() && all[j].speaker == c.speaker);
    let first_word = if ca < doc.tokens.len() { fnv(words.get(ca).as_bytes()) } else { 0 };
    let before_cue = cue_tokens.map(|(a, _)| if a > 0 { fnv(words.get(a - 1).as_bytes()) } else { 1 }).unwrap_or(0);
    let after_cue = cue_tokens.map(|(_, b)| fnv(words.get(b).as_bytes())).unwrap_or(0);
    let kind = c.kind as u64;
    let quoted = doc.slice(c.content).contains(['“', '”', '"']) as u64;
    let org_speaker = speaker.is_some_and(|m| m.etype != EntityType::Person) as u64;
    // Where the content ends: what follows it (for a shorter reading, the
    // boundary), its last word, and what the cut dropped.
    let n = doc.tokens.len();
    let word_at = |t: usize| if t < n { fnv(words.get(t).as_bytes()) } else { 2 };
    let (next, after_next) = (word_at(cb), word_at(cb + 1));
    let last_word = if cb > 0 { word_at(cb - 1) } else { 2 };
    let sentence_ends = (cb >= n || cb == 0 || doc.tokens[cb].sentence != doc.tokens[cb - 1].sentence) as u64;
    let cut_code = cut.rank.min(6) as u64;
    let cut_tail = (cut.at.is_some() as u64) << 2 | (cut.tail_cue as u64) << 1 | cut.tail_quote as u64;
    let templates: [u64; 34] = [
        mix(1, 0),
        mix(2, origin),
        mix(3, lemma),
        mix(4, mix(origin, lemma)),
        mix(5, cue_class << 8 | bucket(cue_len)),
        mix(6, mix(origin, kind)),
        mix(7, bucket(content_len) << 8 | kind),
        mix(8, speaker_code << 8 | speaker_resolved),
        mix(9, mix(origin, speaker_code)),
        mix(10, (cue_pos << 8) | speaker_pos),
        mix(11, mix(origin, twin_j << 1 | same_cue_twin as u64)),
        mix(12, mix(origin, twin_name)),
        mix(13, mix(twin_j, twin_same_speaker as u64)),
        mix(14, first_word),
        mix(15, before_cue),
        mix(16, after_cue),
        mix(17, mix(lemma, cue_pos)),
        mix(18, c.parts.len().min(4) as u64),
        mix(19, quoted << 8 | kind),
        mix(20, mix(lemma, speaker_code)),
        mix(21, speaker_dist << 8 | speaker_pos),
        mix(22, mix(origin, bucket(content_len))),
        mix(23, mix(lemma, org_speaker)),
        mix(24, mix(before_cue, lemma)),
        mix(25, mix(origin, cue_class)),
        mix(26, mix(first_word, cue_pos)),
        mix(27, mix(next, cut_code.min(1))),
        mix(28, mix(next, after_next)),
        mix(29, cut_code << 8 | bucket(cut.dropped)),
        mix(30, mix(mix(origin, next), cut_tail)),
        mix(31, last_word),
        mix(32, mix(kind, next)),
        mix(33, cut_tail << 8 | sentence_ends),
        mix(34, mix(lemma, next)),
    ];
    templates.iter().map(|&h| (h >> shift) as u32).collect()
}

/// How many other candidates one is compared with (bounded work on
/// pathological input).
const MAX_NEIGHBOURS: usize = 32;

/// For each candidate, the candidates whose content overlaps its own, looked
/// for among the nearest `MAX_NEIGHBOURS` by start on each side.
pub fn neighbour_lists(all: &[Statement]) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..all.len()).collect();
    order.sort_by_key(|&i| (all[i].content.start, i));
    let mut pos = vec![0; all.len()];
    for (p, &i) in order.iter().enumerate() {
        pos[i] = p;
    }
    (0..all.len())
        .map(|i| {
            let p = pos[i];
            let c = all[i].content;
            let lo = p.saturating_sub(MAX_NEIGHBOURS);
            let hi = (p + 1 + MAX_NEIGHBOURS).min(order.len());
            order[lo..hi].iter().copied().filter(|&j| j != i && all[j].content.overlaps(c)).collect()
        })
        .collect()
}

/// The candidates the decider chooses from: every reading of every
/// candidate (see `cuts.rs`) and, for each, the candidates it overlaps.
pub struct Pool {
    /// Every reading of every candidate.
    pub readings: Readings,
    /// Per reading, the readings whose contents overlap it (the nearest in
    /// content order): the decider keeps at most one of a clash.
    pub near: Vec<Vec<usize>>,
}

impl Pool {
    /// The pool of the tagger's and the rules' candidates of one document,
    /// built once for both feature extraction and deciding.
    pub fn new(doc: &Document, words: &Words, tagged: Vec<Statement>, rules: Vec<Statement>) -> Pool {
        let readings = Readings::new(doc, words, tagged, rules);
        let near = neighbour_lists(&readings.all);
        Pool { readings, near }
    }

    /// Every candidate's features.
    pub fn features(&self, doc: &Document, words: &Words, bits: u32) -> Vec<Vec<u32>> {
        (0..self.readings.all.len()).map(|i| features(doc, words, self, i, bits)).collect()
    }
}

/// Every candidate scored: `(probability, candidate)`, tagger ones first, and
/// each one's family (see [`Readings::family`]).
pub fn score(
    doc: &Document,
    words: &Words,
    decider: &Decider,
    tagged: Vec<Statement>,
    rules: Vec<Statement>,
) -> (Vec<(f32, Statement)>, Vec<usize>) {
    let pool = Pool::new(doc, words, tagged, rules);
    let probs: Vec<f32> = pool.features(doc, words, decider.bits).iter().map(|f| decider.probability(f)).collect();
    (probs.into_iter().zip(pool.readings.all).collect(), pool.readings.family)
}

/// Keeps candidates best first while they cover none already kept; tagger
/// candidates must also clear `threshold`, and those no rule candidate
/// supports `threshold_alone` and have a speaker. Kept tagger candidates carry their
/// probability as confidence. `family[i]` is the index of candidate `i` as
/// proposed: a shorter reading, once kept, also blocks what its full reading
/// covers, so a cut never lets a second statement in over the same
/// attribution.
pub fn choose(scored: Vec<(f32, Statement)>, family: &[usize], threshold: f32, threshold_alone: f32) -> Vec<Statement> {
    // Which tagger candidates cover a rule candidate.
    let rules: Vec<&Statement> = scored.iter().map(|(_, s)| s).filter(|s| s.rule != tagged::RULE).collect();
    let has_twin: Vec<bool> =
        scored.iter().map(|(_, s)| s.rule != tagged::RULE || rules.iter().any(|r| covers(s, r))).collect();
    let mut order: Vec<usize> = (0..scored.len()).collect();
    // Ties: the tagger's first (they come first), then position: deterministic.
    order.sort_by(|&a, &b| scored[b].0.total_cmp(&scored[a].0).then(a.cmp(&b)));
    let mut kept: Vec<Statement> = Vec::new();
    // The full reading of each kept shorter reading (none when kept as proposed).
    let mut kept_full: Vec<Option<&Statement>> = Vec::new();
    for i in order {
        let (p, st) = &scored[i];
        // Rule candidates are never dropped for a low score alone, only for a
        // better-scored candidate covering them: measured on dev, dropping
        // them gains no F1, and the rules carry conventions PolNeAR lacks.
        if st.rule == tagged::RULE {
            let alone = !has_twin[i];
            if *p < threshold || (alone && (*p < threshold_alone || st.speaker.is_none())) {
                continue;
            }
        }
        let full_st = family.get(i).filter(|&&f| f != i).map(|&f| &scored[f].1);
        let blocked = kept.iter().zip(&kept_full).any(|(k, kf)| {
            let mut theirs = std::iter::once(k).chain(*kf);
            theirs.any(|k| covers(k, st) || full_st.is_some_and(|f| covers(k, f)))
        });
        if blocked {
            continue;
        }
        kept_full.push(full_st);
        let mut st = st.clone();
        if st.rule == tagged::RULE {
            st.confidence = (*p * 100.0).round() / 100.0;
        }
        kept.push(st);
    }
    finish(kept)
}

/// The learned selection.
pub fn learned(
    doc: &Document,
    words: &Words,
    decider: &Decider,
    tagged: Vec<Statement>,
    rules: Vec<Statement>,
) -> Vec<Statement> {
    let (scored, family) = score(doc, words, decider, tagged, rules);
    choose(scored, &family, decider.threshold, decider.threshold_alone)
}

/// Sorted by content, one statement per content and speaker.
fn finish(mut out: Vec<Statement>) -> Vec<Statement> {
    out.sort_by(|a, b| {
        a.content
            .start
            .cmp(&b.content.start)
            .then(a.content.end.cmp(&b.content.end))
            .then((a.kind == StatementKind::Belief).cmp(&(b.kind == StatementKind::Belief)))
    });
    out.dedup_by(|a, b| a.content == b.content && a.speaker == b.speaker);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn st(a: usize, b: usize, cue: Option<(usize, usize)>) -> Statement {
        Statement {
            kind: StatementKind::Indirect,
            content: Span::new(a, b),
            parts: Vec::new(),
            cue: cue.map(|(x, y)| Span::new(x, y)),
            cue_lemma: String::new(),
            speaker: None,
            addressee: None,
            time: None,
            confidence: 0.5,
            rule: "test",
        }
    }

    #[test]
    fn the_more_probable_of_two_readings_wins() {
        let a = st(10, 50, Some((0, 4)));
        let b = st(10, 40, Some((0, 4)));
        let far = st(100, 140, Some((90, 94)));
        let mut low = st(200, 230, None);
        low.rule = tagged::RULE;
        let kept = choose(vec![(0.6, a), (0.9, b.clone()), (0.7, far.clone()), (0.2, low)], &[], 0.5, 0.5);
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].content, b.content);
        assert_eq!(kept[1].content, far.content);
    }

    #[test]
    fn jaccard_counts_parts_not_the_gap() {
        let mut split = st(0, 100, None);
        split.parts = vec![Span::new(0, 10), Span::new(90, 100)];
        let inner = st(0, 10, None);
        assert!((content_jaccard(&split, &inner) - 0.5).abs() < 1e-9);
    }
}
