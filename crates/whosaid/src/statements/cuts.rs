//! Shorter readings — a candidate generator over the other generators'
//! candidates. A content the tagger or a rule proposed often runs on past
//! where the annotators end it: "he expects Clinton to recover, which forced
//! her …", "praised the work but also had to …", "blasted Clinton as a
//! “disgrace” Wednesday on The Laura Ingraham Show". For each candidate this
//! proposes the same attribution with its content ending at each earlier
//! clause boundary; it decides nothing. The learned selector scores every
//! reading (what follows the end, what was dropped) and keeps at most one per
//! attribution, because readings of one candidate share its cue and so cover
//! each other.
//!
//! A boundary is where the dropped tail begins: punctuation, a clause link or
//! preposition (lexicon lists `clause_links`, `prepositions`), a time
//! expression, a new sentence, or a later piece of a discontinuous content —
//! never inside a quotation (a quotation is reported whole).

use whosaid_document::{Document, Span, Statement, StatementKind, TokenKind};

use super::rules::trim_content;
use crate::cues::Words;

/// Shorter readings per candidate, at most (the boundaries nearest the
/// content's start first): bounded work on long contents.
pub const MAX_CUTS: usize = 6;
/// A shorter reading keeps at least this many word tokens.
pub const MIN_KEPT_WORDS: usize = 2;

/// How a candidate's content was made: as its generator proposed it, or cut
/// short. The selector's features read it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Cut {
    /// Token where the dropped tail begins; `None` for a content as proposed.
    pub at: Option<usize>,
    /// 1 for the boundary nearest the content's start, 2 for the next, …
    /// (0 when uncut).
    pub rank: usize,
    /// Word tokens dropped.
    pub dropped: usize,
    /// Whether the dropped tail holds a lexicon cue or a quotation.
    pub tail_cue: bool,
    /// Whether the dropped tail holds a quotation: a feature, so the
    /// selector can weigh a cut that leaves one out.
    pub tail_quote: bool,
}

/// Every reading of every candidate — the tagger's, then the rules' — each
/// candidate as proposed followed by its shorter readings.
#[derive(Clone, Debug, Default)]
pub struct Readings {
    /// The readings, in the order above; the other vectors run parallel.
    pub all: Vec<Statement>,
    /// Per reading: proposed by the tagger (else by the rules), a feature of
    /// the decider.
    pub is_tagged: Vec<bool>,
    /// Per reading: how it was cut from its candidate.
    pub cuts: Vec<Cut>,
    /// For each reading, the index of the reading as proposed.
    pub family: Vec<usize>,
}

impl Readings {
    /// All readings of the tagger's and the rules' candidates, so the
    /// selector chooses among every reading at once.
    pub fn new(doc: &Document, words: &Words, tagged: Vec<Statement>, rules: Vec<Statement>) -> Readings {
        let mut r = Readings::default();
        let marks = Marks::new(doc);
        for (from_tagger, group) in [(true, tagged), (false, rules)] {
            let shorter = marks.shorter_readings(doc, words, &group);
            let base = r.all.len();
            for (i, st) in group.into_iter().enumerate() {
                r.all.push(st);
                r.is_tagged.push(from_tagger);
                r.cuts.push(Cut::default());
                r.family.push(base + i);
            }
            for (of, st, cut) in shorter {
                r.all.push(st);
                r.is_tagged.push(from_tagger);
                r.cuts.push(cut);
                r.family.push(base + of);
            }
        }
        r
    }
}

/// Per token, what a boundary needs to know: inside a quotation's marks
/// (a boundary may not fall there), a time expression starts here.
struct Marks {
    quoted: Vec<bool>,
    times: Vec<bool>,
}

impl Marks {
    fn new(doc: &Document) -> Marks {
        let n = doc.tokens.len();
        let mut quoted = vec![false; n];
        for q in &doc.quotations {
            let (a, b) = (doc.token_at(q.span.start), doc.token_at(q.span.end));
            for slot in quoted.iter_mut().take(b.min(n)).skip(a) {
                *slot = true;
            }
        }
        let mut times = vec![false; n];
        for t in &doc.times {
            if let Some(slot) = times.get_mut(doc.token_at(t.span.start)) {
                *slot = true;
            }
        }
        Marks { quoted, times }
    }

    fn shorter_readings(&self, doc: &Document, words: &Words, cands: &[Statement]) -> Vec<(usize, Statement, Cut)> {
        let mut out = Vec::new();
        for (i, c) in cands.iter().enumerate() {
            let mut readings = Vec::new();
            readings_of(doc, words, &self.quoted, &self.times, c, &mut readings);
            out.extend(readings.into_iter().map(|(st, cut)| (i, st, cut)));
        }
        out
    }
}

/// The shorter readings of every candidate in `cands`: `(index of the
/// candidate, reading, its cut)`, in candidate order.
pub fn shorter_readings(doc: &Document, words: &Words, cands: &[Statement]) -> Vec<(usize, Statement, Cut)> {
    if cands.is_empty() {
        return Vec::new();
    }
    Marks::new(doc).shorter_readings(doc, words, cands)
}

fn is_word(doc: &Document, t: usize) -> bool {
    doc.tokens[t].kind == TokenKind::Word
}

fn readings_of(
    doc: &Document,
    words: &Words,
    quoted: &[bool],
    times: &[bool],
    c: &Statement,
    out: &mut Vec<(Statement, Cut)>,
) {
    let pieces = super::select::pieces(c);
    // (piece index, first token, end token) of every non-empty piece.
    let ranges: Vec<(usize, usize, usize)> = pieces
        .iter()
        .enumerate()
        .map(|(pi, p)| (pi, doc.token_at(p.start), doc.token_at(p.end)))
        .filter(|&(_, a, b)| a < b)
        .collect();
    let Some(&(_, first, _)) = ranges.first() else { return };
    let last = ranges.iter().map(|r| r.2).max().unwrap_or(first);
    let words_in = |a: usize, b: usize| (a..b).filter(|&t| is_word(doc, t)).count();
    let total_words: usize = ranges.iter().map(|&(_, a, b)| words_in(a, b)).sum();
    // A parenthetical inside the content ("the status of Crimea – which
    // joined Russia in 2014 – and …", "(R-Tex)") is not where it ends.
    let mut inserted = vec![false; last - first];
    let mut t = first;
    while t < last {
        let mark = doc.slice(doc.tokens[t].span);
        let closing = match mark {
            "(" => Some(")"),
            "–" | "—" | "―" | "--" => Some(mark),
            _ => None,
        };
        let close = closing.filter(|_| doc.tokens[t].kind == TokenKind::Punct).and_then(|closing| {
            (t + 1..last)
                .take_while(|&k| doc.tokens[k].sentence == doc.tokens[t].sentence)
                .find(|&k| doc.slice(doc.tokens[k].span) == closing)
        });
        if let Some(k) = close {
            inserted[t - first..=k - first].iter_mut().for_each(|x| *x = true);
            t = k;
        }
        t += 1;
    }
    let mut kept_words = 0;
    let mut rank = 0;
    let mut previous: Option<Span> = None;
    for (ri, &(pi, a, b)) in ranges.iter().enumerate() {
        for t in a..b {
            let boundary = if t == a {
                ri > 0
            } else {
                let punct = doc.tokens[t].kind == TokenKind::Punct
                    && matches!(doc.slice(doc.tokens[t].span), "," | ";" | ":" | "(" | "-" | "--" | "–" | "—" | "―");
                !quoted[t]
                    && !inserted[t - first]
                    && (punct
                        || (is_word(doc, t) && words.opens_tail(t))
                        || times[t]
                        || doc.tokens[t].sentence != doc.tokens[t - 1].sentence)
            };
            if boundary && kept_words >= MIN_KEPT_WORDS {
                let mut kept: Vec<Span> = pieces[..pi].to_vec();
                if t > a {
                    kept.push(Span::new(doc.tokens[a].span.start, doc.tokens[t - 1].span.end));
                }
                if let Some(tail) = kept.last_mut() {
                    *tail = trim_content(doc, *tail, false);
                }
                kept.retain(|s| !s.is_empty());
                let Some(start) = kept.first().map(|s| s.start) else { continue };
                let content = Span::new(start, kept.iter().map(|s| s.end).max().unwrap_or(start));
                if previous == Some(content) {
                    continue;
                }
                previous = Some(content);
                rank += 1;
                let tail_cue = (t..last).any(|k| words.cue(k).is_some());
                let tail_quote = (t..last).any(|k| quoted[k]);
                let mut st = c.clone();
                st.content = content;
                st.parts = if kept.len() > 1 { kept } else { Vec::new() };
                if st.kind == StatementKind::Mixed && !quoted[first..t].iter().any(|&q| q) {
                    st.kind = StatementKind::Indirect;
                }
                out.push((st, Cut { at: Some(t), rank, dropped: total_words - kept_words, tail_cue, tail_quote }));
                if rank == MAX_CUTS {
                    return;
                }
            }
            if is_word(doc, t) {
                kept_words += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Pipeline;
    use whosaid_document::Meta;

    fn readings(text: &str, content: &str) -> Vec<String> {
        let (doc, words) = Pipeline::default().annotate(text, "t", Meta::default());
        let start = doc.text.find(content).expect("content in text");
        let st = Statement {
            kind: StatementKind::Indirect,
            content: Span::new(start, start + content.len()),
            parts: Vec::new(),
            cue: None,
            cue_lemma: String::new(),
            speaker: None,
            addressee: None,
            time: None,
            confidence: 0.8,
            rule: "test",
        };
        shorter_readings(&doc, &words, &[st]).into_iter().map(|(_, s, _)| doc.slice(s.content).to_string()).collect()
    }

    #[test]
    fn a_content_is_cut_at_its_clause_boundaries() {
        let r = readings(
            "Fowler said he expects Clinton to recover from pneumonia, which forced her to leave early.",
            "he expects Clinton to recover from pneumonia, which forced her to leave early",
        );
        assert!(r.contains(&"he expects Clinton to recover from pneumonia".to_string()), "{r:?}");
        assert!(r.contains(&"he expects Clinton to recover".to_string()), "{r:?}");
        // Never shorter than two words, never the same reading twice.
        assert!(r.iter().all(|s| s.split_whitespace().count() >= MIN_KEPT_WORDS), "{r:?}");
        let mut unique = r.clone();
        unique.dedup();
        assert_eq!(unique, r);
    }

    #[test]
    fn a_parenthetical_is_not_where_a_content_ends() {
        let r = readings(
            "Peskov said the status of Crimea – which joined Russia in 2014 – and four regions is not up for negotiation.",
            "the status of Crimea – which joined Russia in 2014 – and four regions is not up for negotiation",
        );
        assert!(r.iter().all(|s| !s.contains('–') || s.matches('–').count() == 2), "{r:?}");
        assert!(!r.contains(&"the status of Crimea".to_string()), "{r:?}");
        assert!(
            r.contains(&"the status of Crimea – which joined Russia in 2014 –".to_string())
                || r.contains(&"the status of Crimea – which joined Russia in 2014 – and four regions".to_string()),
            "{r:?}"
        );
    }

    #[test]
    fn a_quotation_is_not_cut_inside() {
        let r = readings(
            "Trump described the incident as a “terrible situation, and a sad one,” but stopped short.",
            "the incident as a “terrible situation, and a sad one,” but stopped short",
        );
        assert!(r.iter().all(|s| !s.ends_with("terrible situation")), "{r:?}");
        assert!(r.contains(&"the incident as a “terrible situation, and a sad one,”".to_string()), "{r:?}");
    }
}
