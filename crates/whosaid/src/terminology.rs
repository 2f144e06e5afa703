//! The terminology stage: contested terms and the counterparts they stand
//! against ("Kiev" / "Kyiv", "Western-backed coup" / "Revolution of Dignity"),
//! from the `terminology` lexicon list.
//!
//! Wording is an outlet's choice independent of who speaks, so this stage
//! reads only the cleaned text and adds [`Term`] annotations; it runs last and
//! touches nothing else. Matching is on a folded copy of the text (lower case,
//! curly apostrophes straight, runs of spaces and hyphens one space) so
//! "Western backed coup", "KIEV" and "People’s Republic" are found, and only at
//! word boundaries, so "Kiev" is not found in "Kievan". Overlaps are resolved
//! within a group only (longest first): "Lugansk and Donetsk People’s
//! Republics" is a loaded phrase and its "Lugansk" a spelling choice, and an
//! outlet profile needs both.

use whosaid_document::{Document, Span, Term};
use whosaid_lexicon::{HashMap, Lexicon};

/// The folded text and, for each of its bytes, the byte offset of the
/// original character it came from (u32: inputs are capped far below 4 GB,
/// and a 10 MB article should not cost 160 MB of offsets).
struct Folded {
    text: String,
    start: Vec<u32>,
}

fn is_join(c: char) -> bool {
    c.is_whitespace() || matches!(c, '-' | '‐' | '‑' | '\u{00AD}')
}

fn fold(s: &str) -> Folded {
    let mut f = Folded { text: String::with_capacity(s.len()), start: Vec::with_capacity(s.len()) };
    let bytes = s.as_bytes();
    let mut last_join = false;
    let mut i = 0;
    while i < bytes.len() {
        // A run of ASCII bytes that fold to themselves lower-cased (no space,
        // no hyphen, no backtick) is copied whole: most of any text.
        let run = bytes[i..].iter().take_while(|&&b| b.is_ascii() && !is_join(b as char) && b != b'`').count();
        if run > 0 {
            let from = f.text.len();
            f.text.push_str(&s[i..i + run]);
            f.text[from..].make_ascii_lowercase();
            f.start.extend(i as u32..(i + run) as u32);
            last_join = false;
            i += run;
            continue;
        }
        let c = s[i..].chars().next().expect("i is a char boundary below the end");
        let len = c.len_utf8();
        if is_join(c) {
            // A run of spaces and hyphens folds to one space (a term never
            // ends in one: terms are trimmed and end in a letter).
            if !last_join {
                f.text.push(' ');
                f.start.push(i as u32);
            }
            last_join = true;
            i += len;
            continue;
        }
        last_join = false;
        match c {
            '’' | '‘' | 'ʼ' | '`' => {
                f.text.push('\'');
                f.start.push(i as u32);
            }
            _ => {
                for m in c.to_lowercase() {
                    let before = f.text.len();
                    f.text.push(m);
                    for _ in before..f.text.len() {
                        f.start.push(i as u32);
                    }
                }
            }
        }
        i += len;
    }
    f
}

/// The lexicon's terms folded and indexed by their first word: the same for
/// every document, so built once per pipeline.
#[derive(Debug, Default)]
pub struct TermIndex {
    /// Each term folded (index = lexicon terminology index).
    needles: Vec<String>,
    /// Terms that start with a non-word character, searched for directly.
    direct: Vec<usize>,
    /// Terms by their folded first word.
    by_first: HashMap<String, Vec<usize>>,
}

impl TermIndex {
    /// Folds and indexes the terminology of `lexicon`.
    pub fn new(lexicon: &Lexicon) -> TermIndex {
        let needles: Vec<String> = lexicon.terminology().iter().map(|e| fold(e.term.trim()).text).collect();
        let mut direct = Vec::new();
        let mut by_first: HashMap<String, Vec<usize>> = HashMap::default();
        for (idx, needle) in needles.iter().enumerate() {
            if needle.is_empty() {
                continue;
            }
            let first = needle.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
            if first.is_empty() {
                direct.push(idx);
            } else {
                by_first.entry(first.to_string()).or_default().push(idx);
            }
        }
        TermIndex { needles, direct, by_first }
    }
}

/// The end of the run of alphanumeric characters starting at byte `at`.
fn word_end(hay: &str, at: usize) -> usize {
    let bytes = hay.as_bytes();
    let mut k = at;
    while k < bytes.len() {
        if bytes[k].is_ascii() {
            if !bytes[k].is_ascii_alphanumeric() {
                return k;
            }
            k += 1;
        } else {
            let c = hay[k..].chars().next().expect("k is a char boundary below the end");
            if !c.is_alphanumeric() {
                return k;
            }
            k += c.len_utf8();
        }
    }
    k
}

/// Annotates every lexicon term in `doc.text`; sorted by start, longer first.
pub fn find_terms(doc: &mut Document, lexicon: &Lexicon) {
    find_terms_indexed(doc, lexicon, &TermIndex::new(lexicon));
}

/// [`find_terms`] with the terms already indexed ([`TermIndex::new`] of the
/// same lexicon).
pub fn find_terms_indexed(doc: &mut Document, lexicon: &Lexicon, index: &TermIndex) {
    if lexicon.terminology().is_empty() || doc.text.is_empty() {
        return;
    }
    let folded = fold(&doc.text);
    let hay = folded.text.as_str();
    // (span, entry index) of every match, before overlap resolution.
    let mut found: Vec<(Span, usize)> = Vec::new();
    let mut push = |s: usize, e: usize, idx: usize| {
        let after_ok = hay[e..].chars().next().is_none_or(|c| !c.is_alphanumeric());
        if after_ok {
            // The match ends with the original character its last byte came from.
            let last = folded.start[e - 1] as usize;
            let end = last + doc.text[last..].chars().next().map_or(0, char::len_utf8);
            found.push((Span { start: folded.start[s] as usize, end }, idx));
        }
    };
    // Terms by their first word, so the text is scanned once (one lookup per
    // word start), not once per term; a term that starts with a non-word
    // character is searched for directly.
    let needles = &index.needles;
    for &idx in &index.direct {
        let needle = &needles[idx];
        let mut from = 0;
        while let Some(pos) = hay[from..].find(needle.as_str()) {
            let at = from + pos;
            from = at + hay[at..].chars().next().map_or(1, char::len_utf8);
            if hay[..at].chars().next_back().is_none_or(|c| !c.is_alphanumeric()) {
                push(at, at + needle.len(), idx);
            }
        }
    }
    let bytes = hay.as_bytes();
    let mut prev_alnum = false;
    let mut at = 0;
    while at < bytes.len() {
        let (alnum, len) = if bytes[at].is_ascii() {
            (bytes[at].is_ascii_alphanumeric(), 1)
        } else {
            let c = hay[at..].chars().next().expect("at is a char boundary below the end");
            (c.is_alphanumeric(), c.len_utf8())
        };
        if alnum && !prev_alnum {
            let end = word_end(hay, at);
            if let Some(ids) = index.by_first.get(&hay[at..end]) {
                for &idx in ids {
                    if hay[at..].starts_with(needles[idx].as_str()) {
                        push(at, at + needles[idx].len(), idx);
                    }
                }
            }
        }
        prev_alnum = alnum;
        at += len;
    }
    // Longest first, then earliest, then lexicon order: a deterministic greedy
    // choice of non-overlapping matches within each group.
    found.sort_by(|a, b| {
        (b.0.end - b.0.start).cmp(&(a.0.end - a.0.start)).then(a.0.start.cmp(&b.0.start)).then(a.1.cmp(&b.1))
    });
    let mut kept: Vec<(Span, usize)> = Vec::new();
    for (span, idx) in found {
        let group = &lexicon.terminology()[idx].group;
        let clash = kept
            .iter()
            .any(|(k, j)| &lexicon.terminology()[*j].group == group && k.start < span.end && span.start < k.end);
        if !clash {
            kept.push((span, idx));
        }
    }
    kept.sort_by(|a, b| a.0.start.cmp(&b.0.start).then(b.0.end.cmp(&a.0.end)).then(a.1.cmp(&b.1)));
    doc.terms = kept
        .into_iter()
        .map(|(span, idx)| {
            let e = &lexicon.terminology()[idx];
            Term {
                span,
                term: e.term.clone(),
                group: e.group.clone(),
                kind: e.kind.clone(),
                variant_of: e.variant_of.clone(),
            }
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<(String, String, String)> {
        let mut doc = Document { text: text.to_string(), ..Document::default() };
        find_terms(&mut doc, &Lexicon::builtin());
        doc.terms.iter().map(|t| (doc.slice(t.span).to_string(), t.term.clone(), t.group.clone())).collect()
    }

    #[test]
    fn finds_spellings_at_word_boundaries_only() {
        let t = terms("KIEV said. Kievan Rus is old; Kyiv’s mayor spoke.");
        assert_eq!(
            t,
            vec![("KIEV".into(), "Kiev".into(), "Kyiv".into()), ("Kyiv".into(), "Kyiv".into(), "Kyiv".into())]
        );
    }

    #[test]
    fn folds_hyphens_apostrophes_and_keeps_nested_groups() {
        let t = terms("after the Western  backed coup, the Lugansk People’s Republic");
        let got: Vec<&str> = t.iter().map(|x| x.0.as_str()).collect();
        assert_eq!(got, vec!["Western  backed coup", "Lugansk People’s Republic", "Lugansk"]);
        assert_eq!(t[1].2, "Donbas republics");
        assert_eq!(t[2].2, "Luhansk");
    }

    #[test]
    fn longest_term_of_a_group_wins() {
        // "coup in Kiev" (Maidan 2014) contains "Kiev" (Kyiv): both groups kept;
        // "Kiev coup" and "coup in Kiev" would overlap only within Maidan 2014.
        let t = terms("the coup in Kiev coup");
        let got: Vec<(&str, &str)> = t.iter().map(|x| (x.0.as_str(), x.2.as_str())).collect();
        assert_eq!(got, vec![("coup in Kiev", "Maidan 2014"), ("Kiev", "Kyiv")]);
    }

    #[test]
    fn any_text_is_safe() {
        for s in ["", "-", "’’", "Kiev", "İstanbul Kiev", "a\u{00AD}\u{00AD}b Kyiv-"] {
            let mut doc = Document { text: s.to_string(), ..Document::default() };
            find_terms(&mut doc, &Lexicon::builtin());
            for t in &doc.terms {
                assert!(t.span.start <= t.span.end && t.span.end <= s.len());
                assert!(s.is_char_boundary(t.span.start) && s.is_char_boundary(t.span.end));
            }
        }
    }
}
