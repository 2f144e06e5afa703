//! Selectors: which candidates become statements.
//!
//! The learned selector trusts the tagger where it found an attribution (its
//! cue, content boundaries and source were learned from PolNeAR train) and
//! keeps a rule candidate only where the tagger found nothing that covers it:
//! the rules then act as a high-precision backstop, not a competitor.

use whosaid_document::{Document, Span, Statement, StatementKind};

/// A candidate "covers" another when their contents overlap at least this much
/// (character Jaccard, the scorer's matching threshold) or they share the cue.
pub const COVER_JACCARD: f64 = 0.5;

fn pieces(st: &Statement) -> Vec<Span> {
    if st.parts.is_empty() {
        vec![st.content]
    } else {
        st.parts.clone()
    }
}

fn covered_len(a: &[Span], b: &[Span]) -> usize {
    a.iter().map(|x| b.iter().map(|y| x.end.min(y.end).saturating_sub(x.start.max(y.start))).sum::<usize>()).sum()
}

/// Character Jaccard of two statements' contents (parts, not the gap between).
pub fn content_jaccard(a: &Statement, b: &Statement) -> f64 {
    let (pa, pb) = (pieces(a), pieces(b));
    let inter = covered_len(&pa, &pb);
    let la: usize = pa.iter().map(Span::len).sum();
    let lb: usize = pb.iter().map(Span::len).sum();
    let union = la + lb - inter.min(la + lb);
    if union == 0 {
        0.0
    } else {
        inter as f64 / union as f64
    }
}

fn covers(a: &Statement, b: &Statement) -> bool {
    let same_cue = matches!((a.cue, b.cue), (Some(x), Some(y)) if x.overlaps(y));
    same_cue || content_jaccard(a, b) >= COVER_JACCARD
}

/// Tagger candidates, plus every rule candidate no tagger candidate covers.
pub fn learned(_doc: &Document, tagged: Vec<Statement>, rules: Vec<Statement>) -> Vec<Statement> {
    let mut out = tagged;
    let n_tagged = out.len();
    for r in rules {
        if !out[..n_tagged].iter().any(|t| covers(t, &r)) {
            out.push(r);
        }
    }
    finish(out)
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
