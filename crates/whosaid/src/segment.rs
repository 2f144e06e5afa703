//! Stage 2 — segment: tokens, sentences and quotations over the cleaned text.
//!
//! Unicode-aware: curly and straight quotes, guillemets, „German“ quotes, dashes
//! and non-breaking spaces. Abbreviations ("Mr.", "U.S.", "Jan.") stay inside
//! their token so they never end a sentence. A quotation left open at the end of
//! a paragraph continues when the next paragraph opens with a quotation mark
//! (the multi-paragraph quote convention); otherwise it ends with the paragraph.

use whosaid_document::{Document, Quotation, Sentence, Span, Token, TokenKind};
use whosaid_lexicon::Lexicon;

/// Longest sentence, in tokens; news sentences are far shorter (PolNeAR's
/// longest is under 200), and every per-sentence scan is bounded by it.
pub const MAX_SENTENCE_TOKENS: usize = 300;

/// Sentence starters after which an initialism like "U.S." does end a sentence.
const SENTENCE_STARTERS: &[&str] = &[
    "The",
    "He",
    "She",
    "It",
    "They",
    "We",
    "I",
    "But",
    "And",
    "This",
    "That",
    "In",
    "On",
    "A",
    "An",
    "His",
    "Her",
    "Their",
    "However",
    "Meanwhile",
];

/// Whitespace for both cleaning and tokenizing, including the byte-order
/// mark and zero-width space that scraped text carries.
pub fn is_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}'
}

fn is_apostrophe(c: char) -> bool {
    c == '\'' || c == '’'
}

fn quote_kind(c: char, prev: Option<char>, next: Option<char>) -> Option<TokenKind> {
    let before_is_open = prev.is_none_or(|p| is_space(p) || "([{—–-/".contains(p));
    let after_is_open = next.is_none_or(|n| is_space(n) || ".,;:!?)]}—–".contains(n));
    let k = |open, close| Some(TokenKind::Quote { open, close });
    match c {
        '“' | '«' | '‹' | '„' | '‚' => k(true, c == '“'),
        // ”Mr. Trump …” at a paragraph start: a closing mark typed as the
        // opener (it opens when a word follows it, not a space).
        '”' if before_is_open && next.is_some_and(char::is_alphanumeric) => k(true, false),
        '”' => k(false, true),
        '»' | '›' => k(false, true),
        '"' => k(before_is_open, !before_is_open || after_is_open),
        '‘' => k(true, false),
        '’' => k(false, true),
        _ => None,
    }
}

/// Splits `doc.text` into tokens (sentence index left at 0). Walks the text
/// by byte offsets, decoding one char at a time (no per-char buffer).
pub fn tokenize(text: &str, lex: &Lexicon) -> Vec<Token> {
    let bytes = text.as_bytes();
    let n = text.len();
    let mut tokens = Vec::with_capacity(n / 5);
    // The char at byte `i` (a char boundary) and the byte offset after it.
    let at = |i: usize| -> Option<(char, usize)> { text.get(i..)?.chars().next().map(|c| (c, i + c.len_utf8())) };
    let ch = |i: usize| at(i).map(|(c, _)| c);
    let mut i = 0;
    while i < n {
        if bytes[i] == b' ' {
            i += 1;
            continue;
        }
        let Some((c, after_c)) = at(i) else { break };
        if is_space(c) {
            i = after_c;
            continue;
        }
        let prev = text[..i].chars().next_back();
        let next = ch(after_c);
        if c.is_alphanumeric() {
            let numeric = c.is_ascii_digit();
            let mut j = after_c;
            loop {
                // ASCII letters and digits: the common case, no decoding.
                while j < n && bytes[j].is_ascii_alphanumeric() {
                    j += 1;
                }
                let Some((cj, after_j)) = at(j) else { break };
                let after = ch(after_j);
                if cj.is_alphanumeric() {
                    j = after_j;
                } else if is_apostrophe(cj) && after.is_some_and(char::is_alphabetic) && !numeric {
                    // Possessive "’s" becomes its own token; contractions stay whole.
                    let after2 = at(after_j).and_then(|(_, a2)| ch(a2));
                    if matches!(after, Some('s') | Some('S')) && after2.is_none_or(|c| !c.is_alphanumeric()) {
                        break;
                    }
                    j = after_j;
                } else if numeric && (cj == '.' || cj == ',') && after.is_some_and(|c| c.is_ascii_digit()) {
                    j = after_j;
                } else {
                    break;
                }
            }
            let word = &text[i..j];
            let mut end = j;
            // Initialisms: U.S., U.K., D.C.
            if word.chars().count() == 1 && bytes.get(j) == Some(&b'.') {
                let mut k = j;
                while bytes.get(k) == Some(&b'.') {
                    match at(k + 1) {
                        Some((l, after_l)) if l.is_alphabetic() && bytes.get(after_l) == Some(&b'.') => k = after_l,
                        _ => break,
                    }
                }
                if k > j {
                    end = k + 1;
                }
            }
            if end == j && bytes.get(j) == Some(&b'.') && lex.abbreviations().contains(word) {
                end = j + 1;
            }
            // A middle initial: "Loretta E. Lynch", "John D. Podesta" — one
            // capital letter after a capitalised word and before another, so
            // the name is one run and the sentence does not end there.
            if end == j && bytes.get(j) == Some(&b'.') && is_middle_initial(text, i, j) {
                end = j + 1;
            }
            let kind = if numeric { TokenKind::Number } else { TokenKind::Word };
            tokens.push(Token { span: Span::new(i, end), kind, sentence: 0 });
            i = end;
            continue;
        }
        if is_apostrophe(c) && matches!(next, Some('s') | Some('S')) {
            let after_s = after_c + 1;
            let after2 = ch(after_s);
            if prev.is_some_and(char::is_alphanumeric) && after2.is_none_or(|c| !c.is_alphanumeric()) {
                tokens.push(Token { span: Span::new(i, after_s), kind: TokenKind::Word, sentence: 0 });
                i = after_s;
                continue;
            }
        }
        // Doubled apostrophes ('' and ``) stand for a straight double quote in
        // some wire feeds and archives (the New York Times among them).
        if (c == '\'' && next == Some('\'')) || (c == '`' && next == Some('`')) {
            let end = after_c + 1;
            let kind = if c == '`' {
                TokenKind::Quote { open: true, close: false }
            } else {
                quote_kind('"', prev, ch(end)).expect("a quote")
            };
            tokens.push(Token { span: Span::new(i, end), kind, sentence: 0 });
            i = end;
            continue;
        }
        let kind = quote_kind(c, prev, next).unwrap_or(TokenKind::Punct);
        tokens.push(Token { span: Span::new(i, after_c), kind, sentence: 0 });
        i = after_c;
    }
    tokens
}

/// `text[i..j]` is a single capital (not "I") between a capitalised word
/// and a capitalised word: `Name X. Name`.
fn is_middle_initial(text: &str, i: usize, j: usize) -> bool {
    let w = &text[i..j];
    if w.len() != 1 || !w.as_bytes()[0].is_ascii_uppercase() || w == "I" {
        return false;
    }
    let before = text[..i].strip_suffix(' ').unwrap_or("");
    let prev_word = before.rsplit(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    let prev_ok = before.len() < i && prev_word.chars().next().is_some_and(char::is_uppercase) && prev_word.len() > 1;
    let after = text[j + 1..].strip_prefix(' ').unwrap_or("");
    // A nickname may come between: `Robert C. "Bobby" Scott`.
    let nickname = after.strip_prefix(['"', '“']).filter(|rest| {
        let nick = rest.split(['"', '”']).next().unwrap_or("");
        nick.len() < rest.len() && !nick.is_empty() && !nick.contains(' ')
    });
    let next_ok =
        after.len() < text.len() - j - 1 && nickname.unwrap_or(after).chars().next().is_some_and(char::is_uppercase);
    prev_ok && next_ok
}

fn is_terminal(text: &str, t: &Token) -> bool {
    t.kind == TokenKind::Punct && matches!(t.span.slice(text), "." | "!" | "?" | "…")
}

fn starts_sentence(text: &str, t: &Token) -> bool {
    match t.kind {
        TokenKind::Quote { open, .. } => open,
        TokenKind::Number => true,
        TokenKind::Word => t.span.slice(text).chars().next().is_some_and(char::is_uppercase),
        TokenKind::Punct => matches!(t.span.slice(text), "(" | "[" | "—" | "–" | "-"),
    }
}

/// Fills `tokens`, `sentences` and `quotations`; needs `paragraphs`.
pub fn segment(doc: &mut Document, lex: &Lexicon) {
    let text = doc.text.as_str();
    let mut tokens = tokenize(text, lex);
    let mut sentences = Vec::new();
    let mut ti = 0;
    for (pi, para) in doc.paragraphs.iter().enumerate() {
        let first = ti;
        while ti < tokens.len() && tokens[ti].span.start < para.span.end {
            ti += 1;
        }
        let toks = &mut tokens[first..ti];
        let mut sent_start = 0;
        let mut k = 0;
        while k < toks.len() {
            let mut boundary = None;
            // Next token to look at when there is no boundary here: a run of
            // terminal marks is skipped as a whole (linear on "a.....b").
            let mut next = k + 1;
            if is_terminal(text, &toks[k]) {
                let mut end = k + 1;
                while end < toks.len()
                    && (matches!(toks[end].kind, TokenKind::Quote { close: true, open: false })
                        || is_terminal(text, &toks[end])
                        || toks[end].span.slice(text) == ")")
                {
                    end += 1;
                }
                if end >= toks.len() || starts_sentence(text, &toks[end]) {
                    boundary = Some(end);
                }
                next = end;
            } else if k + 1 - sent_start >= MAX_SENTENCE_TOKENS {
                // Text without sentence punctuation (lists, junk, one 10 MB
                // line) is cut so that sentence-local work stays bounded.
                boundary = Some(k + 1);
            } else if toks[k].kind == TokenKind::Word
                && toks[k].span.slice(text).ends_with('.')
                && toks[k].span.len() > 2
                && toks[k].span.slice(text).chars().filter(|&c| c == '.').count() >= 2
                && toks.get(k + 1).is_some_and(|n| SENTENCE_STARTERS.contains(&n.span.slice(text)))
            {
                boundary = Some(k + 1);
            }
            if let Some(end) = boundary {
                let si = sentences.len();
                for t in &mut toks[sent_start..end] {
                    t.sentence = si;
                }
                sentences.push(Sentence {
                    span: Span::new(toks[sent_start].span.start, toks[end - 1].span.end),
                    paragraph: pi,
                });
                sent_start = end;
                k = end;
            } else {
                k = next;
            }
        }
        if sent_start < toks.len() {
            let si = sentences.len();
            for t in &mut toks[sent_start..] {
                t.sentence = si;
            }
            sentences.push(Sentence {
                span: Span::new(toks[sent_start].span.start, toks[toks.len() - 1].span.end),
                paragraph: pi,
            });
        }
    }
    doc.quotations = find_quotations(text, &tokens, doc);
    doc.tokens = tokens;
    doc.sentences = sentences;
}

fn closes(open_char: char, close_char: char) -> bool {
    matches!(
        (open_char, close_char),
        ('“', '”')
            | ('”', '”')
            | ('\'', '\'')
            | ('`', '\'')
            | ('“', '"')
            | ('"', '"')
            | ('"', '”')
            | ('«', '»')
            | ('‹', '›')
            | ('„', '“')
            | ('„', '”')
            | ('‚', '‘')
            | ('‚', '’')
            | ('‘', '’')
    )
}

fn is_double(c: char) -> bool {
    !matches!(c, '‘' | '’' | '‚' | '‹' | '›')
}

fn find_quotations(text: &str, tokens: &[Token], doc: &Document) -> Vec<Quotation> {
    let mut out = Vec::new();
    // (token index of the opening mark, its char)
    let mut open: Option<(usize, char)> = None;
    let mut para = 0;
    let first_char = |t: &Token| t.span.slice(text).chars().next().unwrap_or(' ');
    for (i, t) in tokens.iter().enumerate() {
        while para + 1 < doc.paragraphs.len() && t.span.start >= doc.paragraphs[para].span.end {
            // Paragraph break with a quotation still open.
            if let Some((oi, oc)) = open {
                let continues = matches!(t.kind, TokenKind::Quote { open: true, .. })
                    && is_double(first_char(t)) == is_double(oc)
                    && t.span.start >= doc.paragraphs[para + 1].span.start;
                if !continues {
                    let end = doc.paragraphs[para].span.end;
                    let start = tokens[oi].span.start;
                    out.push(Quotation {
                        span: Span::new(start, end),
                        inner: Span::new(tokens[oi].span.end, end),
                        closed: false,
                    });
                    open = None;
                }
            }
            para += 1;
        }
        let TokenKind::Quote { open: can_open, close: can_close } = t.kind else {
            continue;
        };
        let c = first_char(t);
        match open {
            Some((oi, oc)) if can_close && closes(oc, c) => {
                // The opening mark of a continued paragraph is skipped, not a close.
                let para_start = doc.paragraphs.get(para).map(|p| p.span.start).unwrap_or(0);
                if can_open && t.span.start == para_start && tokens[oi].span.start < para_start {
                    continue;
                }
                out.push(Quotation {
                    span: Span::new(tokens[oi].span.start, t.span.end),
                    inner: Span::new(tokens[oi].span.end, t.span.start),
                    closed: true,
                });
                open = None;
            }
            Some(_) => {}
            None if can_open && (is_double(c) || c == '‘' || c == '‹') => open = Some((i, c)),
            None => {}
        }
    }
    if let Some((oi, _)) = open {
        let end = doc.paragraphs.last().map(|p| p.span.end).unwrap_or(text.len()).max(tokens[oi].span.end);
        out.push(Quotation {
            span: Span::new(tokens[oi].span.start, end),
            inner: Span::new(tokens[oi].span.end, end),
            closed: false,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clean::clean;

    fn doc(raw: &str) -> Document {
        let mut d = Document::default();
        clean(&mut d, raw, &Lexicon::builtin());
        segment(&mut d, &Lexicon::builtin());
        d
    }

    fn sentences(d: &Document) -> Vec<&str> {
        d.sentences.iter().map(|s| d.slice(s.span)).collect()
    }

    #[test]
    fn a_user_abbreviation_keeps_its_period() {
        let raw = "Insp. Morse said it was murder. Nobody agreed.";
        let mut builtin = Document::default();
        clean(&mut builtin, raw, &Lexicon::builtin());
        segment(&mut builtin, &Lexicon::builtin());
        assert_eq!(sentences(&builtin), vec!["Insp.", "Morse said it was murder.", "Nobody agreed."]);
        let mut lex = Lexicon::builtin();
        lex.extend_from_toml("abbreviations = [\"Insp\"]").unwrap();
        let mut d = Document::default();
        clean(&mut d, raw, &lex);
        segment(&mut d, &lex);
        assert_eq!(sentences(&d), vec!["Insp. Morse said it was murder.", "Nobody agreed."]);
    }

    #[test]
    fn a_nickname_after_a_middle_initial_does_not_split() {
        let d = doc("Rep. Robert C. \"Bobby\" Scott threw open his farm. He said so.");
        assert_eq!(sentences(&d), vec!["Rep. Robert C. \"Bobby\" Scott threw open his farm.", "He said so."]);
    }

    #[test]
    fn middle_initials_do_not_split_sentences() {
        let d = doc("Loretta E. Lynch spoke. They chose option B. Nobody came.");
        assert_eq!(sentences(&d), vec!["Loretta E. Lynch spoke.", "They chose option B.", "Nobody came."]);
    }

    #[test]
    fn abbreviations_do_not_split_sentences() {
        let d = doc("Mr. Smith met U.S. officials on Jan. 5 in Washington. They talked.");
        assert_eq!(sentences(&d), vec!["Mr. Smith met U.S. officials on Jan. 5 in Washington.", "They talked."]);
    }

    #[test]
    fn initialism_at_sentence_end_splits_before_a_starter() {
        let d = doc("He flew to the U.S. The talks failed.");
        assert_eq!(sentences(&d), vec!["He flew to the U.S.", "The talks failed."]);
    }

    #[test]
    fn closing_quote_stays_with_its_sentence() {
        let d = doc("“We will win.” He smiled. “Why?” she asked.");
        assert_eq!(sentences(&d), vec!["“We will win.”", "He smiled.", "“Why?” she asked."]);
    }

    #[test]
    fn possessive_is_a_separate_token() {
        let toks: Vec<&str> = tokenize("Russia’s plan, we’ve said", &Lexicon::builtin())
            .iter()
            .map(|t| "Russia’s plan, we’ve said".get(t.span.start..t.span.end).unwrap())
            .collect();
        assert_eq!(toks, vec!["Russia", "’s", "plan", ",", "we’ve", "said"]);
    }

    #[test]
    fn quotation_styles_pair_up() {
        let d = doc("He said “a” and \"b\" and «c» and „d“ here.");
        let qs: Vec<&str> = d.quotations.iter().map(|q| d.slice(q.inner)).collect();
        assert_eq!(qs, vec!["a", "b", "c", "d"]);
        assert!(d.quotations.iter().all(|q| q.closed));
    }

    #[test]
    fn multi_paragraph_quote_continues_when_next_paragraph_reopens() {
        let d = doc("“First part of it.\n“Second part,” he said.\nNext paragraph.");
        assert_eq!(d.quotations.len(), 1);
        assert_eq!(d.slice(d.quotations[0].inner), "First part of it.\n“Second part,");
    }

    #[test]
    fn doubled_apostrophes_are_quotation_marks() {
        let d = doc("''It's more tinkering,'' said Alan Cole. ``Fine,'' he added.");
        let qs: Vec<&str> = d.quotations.iter().map(|q| d.slice(q.inner)).collect();
        assert_eq!(qs, vec!["It's more tinkering,", "Fine,"]);
    }

    #[test]
    fn a_closing_mark_typed_as_the_opener_opens() {
        let d = doc("Getty.\n\n”Fear. I am afraid.” ― Edwin G. Monroy\n");
        assert_eq!(d.quotations.len(), 1, "{:?}", d.quotations);
        assert_eq!(d.slice(d.quotations[0].inner), "Fear. I am afraid.");
    }

    #[test]
    fn unclosed_quote_ends_with_its_paragraph() {
        let d = doc("“Never closed.\nPlain text here.");
        assert_eq!(d.quotations.len(), 1);
        assert!(!d.quotations[0].closed);
        assert_eq!(d.slice(d.quotations[0].span), "“Never closed.");
    }
}
