//! The rule candidate generator: hand-written patterns over the annotations of
//! earlier stages. It is also the baseline selector (its output is today's
//! statements unchanged).
//!
//! Two passes:
//! 1. **quotations** — a quotation that reads as a whole utterance is attributed
//!    from the words around it: `“…,” he said` / `“…,” said Rubio` after it,
//!    `Rubio said: “…”` before it. A quotation that opens a sentence with no
//!    attribution carries the speaker of a quotation just before it (same or
//!    previous paragraph), else stays unattributed.
//! 2. **clauses** — every remaining cue outside quotations: `X (has) said
//!    (that) …`, `…, X has said`, `…, said X`, `according to X, …`, and
//!    participial `…, saying/adding …` (speaker of the clause before it).
//!    Reported content containing a quotation is `mixed`.

use whosaid_document::{Document, EntityType, MentionId, MentionKind, Span, Statement, StatementKind, TokenKind};
use whosaid_lexicon::CueClass;

use crate::cues::{is_verbal_use, CueMatch, Words};

/// Cue tokens already turned into a statement (one flag per token).
struct UsedCues(Vec<bool>);

impl UsedCues {
    fn contains(&self, t: &usize) -> bool {
        self.0.get(*t).copied().unwrap_or(false)
    }
    fn insert(&mut self, t: usize) {
        if let Some(x) = self.0.get_mut(t) {
            *x = true;
        }
    }
}

/// Token index → mention indices, stored flat: one allocation per document
/// instead of one vector per token.
struct ByToken {
    offsets: Vec<u32>,
    items: Vec<usize>,
}

impl ByToken {
    fn build<K: Ord>(n: usize, pairs: impl Iterator<Item = (usize, usize)>, key: impl Fn(&usize) -> K) -> ByToken {
        let mut pairs: Vec<(usize, usize)> = pairs.map(|(t, mi)| (t.min(n), mi)).collect();
        pairs.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| key(&a.1).cmp(&key(&b.1))));
        let mut offsets = vec![0u32; n + 2];
        for &(t, _) in &pairs {
            offsets[t + 1] += 1;
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        ByToken { offsets, items: pairs.into_iter().map(|(_, mi)| mi).collect() }
    }

    fn get(&self, t: usize) -> Option<&[usize]> {
        let (a, b) = (*self.offsets.get(t)?, *self.offsets.get(t + 1)?);
        Some(&self.items[a as usize..b as usize])
    }
}

struct Ctx<'d> {
    doc: &'d Document,
    words: &'d Words,
    /// Token index → mentions starting / ending there (longest first).
    starts: ByToken,
    ends: ByToken,
    /// Token range of each mention.
    ranges: Vec<(usize, usize)>,
    /// Tokens inside a name or title mention: never cues ("Secretary of State").
    inside_name: Vec<bool>,
    /// Time expressions by token: end → start and start → end.
    time_ending_at: Vec<Option<usize>>,
    time_starting_at: Vec<Option<usize>>,
}

impl Ctx<'_> {
    fn n(&self) -> usize {
        self.doc.tokens.len()
    }
    fn w(&self, i: usize) -> &str {
        self.words.get(i)
    }
    /// Span of tokens `[a, b)`; empty (at `a`) when the range is empty.
    fn tok_span(&self, a: usize, b: usize) -> Span {
        if b <= a || b > self.n() {
            let pos = self.doc.tokens.get(a).map(|t| t.span.start).unwrap_or(self.doc.text.len());
            return Span::new(pos, pos);
        }
        Span::new(self.doc.tokens[a].span.start, self.doc.tokens[b - 1].span.end)
    }
    fn sentence_of(&self, i: usize) -> usize {
        self.doc.tokens[i].sentence
    }
    fn is_punct(&self, i: usize, p: &str) -> bool {
        i < self.n() && self.doc.tokens[i].kind == TokenKind::Punct && self.doc.slice(self.doc.tokens[i].span) == p
    }
    fn is_close_quote(&self, i: usize) -> bool {
        i < self.n() && matches!(self.doc.tokens[i].kind, TokenKind::Quote { close: true, .. })
    }
    fn can_speak(&self, mi: usize) -> bool {
        let m = &self.doc.mentions[mi];
        // "Scott's niece … shouted": the possessor does not speak ("Trump's
        // claim that …" it does: a cue follows).
        let end = self.ranges[mi].1;
        let possessor = self.words.get(end) == "'s" && self.words.cue(end + 1).is_none();
        if m.in_quote || possessor {
            return false;
        }
        match m.etype {
            EntityType::Place => m.metonymic,
            _ => true,
        }
    }
    /// The longest speaker-capable mention ending at token `end` (exclusive).
    fn speaker_ending_at(&self, end: usize) -> Option<usize> {
        let mi = self.ends.get(end)?.iter().copied().find(|&mi| self.can_speak(mi))?;
        Some(self.document_by(mi).unwrap_or(mi))
    }
    /// The document whose author mention `mi` is: "A 2014 study by Loyola
    /// Law School professor Justin Levitt found", "a suicide analysis
    /// released by the Department of Veterans Affairs shows" — the study
    /// speaks, as PolNeAR marks it.
    fn document_by(&self, mi: usize) -> Option<usize> {
        let mut t = self.ranges[mi].0.checked_sub(1)?;
        // Over a capitalised qualifier no mention covers ("by Loyola Law
        // School professor Justin Levitt").
        let floor = t.saturating_sub(4);
        while t > floor
            && self.doc.tokens[t].kind == TokenKind::Word
            && self.doc.slice(self.doc.tokens[t].span).starts_with(char::is_uppercase)
        {
            t -= 1;
        }
        if self.w(t) == "the" && t > 0 {
            t -= 1;
        }
        if self.w(t) != "by" {
            return None;
        }
        // "conducted by", "released by", "published by".
        if t > 0 && self.w(t - 1).ends_with("ed") && self.words.cue(t - 1).is_none() {
            t -= 1;
        }
        let doc_mi = self.ends.get(t)?.iter().copied().find(|&d| {
            let m = &self.doc.mentions[d];
            m.etype == EntityType::Document && m.kind == MentionKind::Nominal && self.can_speak(d)
        })?;
        (self.sentence_of(self.ranges[doc_mi].0) == self.sentence_of(self.ranges[mi].0)).then_some(doc_mi)
    }
    /// The longest speaker-capable mention starting at token `start`; after a
    /// place that qualifies the next name ("Virginia AFL-CIO President Doris
    /// Crouse-Mays"), the name.
    fn speaker_starting_at(&self, start: usize) -> Option<usize> {
        let Some(starting) = self.starts.get(start).filter(|s| !s.is_empty()) else {
            return self.person_after_descriptor(start);
        };
        let titled_person_at = |t: usize| {
            self.starts.get(t)?.iter().copied().find(|&mi| {
                let m = &self.doc.mentions[mi];
                self.can_speak(mi) && m.etype == EntityType::Person && m.title.is_some()
            })
        };
        match starting.iter().copied().find(|&mi| self.can_speak(mi)) {
            // "White House Press Secretary Josh Earnest said": the
            // institution qualifies the title of the person who speaks.
            Some(mi)
                if self.doc.mentions[mi].etype != EntityType::Person
                    && self.doc.mentions[mi].kind == MentionKind::Name =>
            {
                titled_person_at(self.ranges[mi].1).or(Some(mi))
            }
            Some(mi) => Some(mi),
            None => {
                let place = starting.iter().copied().find(|&mi| self.doc.mentions[mi].etype == EntityType::Place)?;
                titled_person_at(self.ranges[place].1)
            }
        }
    }
    /// A name after at most five lower-case descriptor tokens ("said 9/11
    /// widow Terry Strada", "according to the event organizer Alliance to
    /// Reclaim Our Schools"); without an article, only a person's.
    fn person_after_descriptor(&self, start: usize) -> Option<usize> {
        let sentence = self.doc.tokens.get(start)?.sentence;
        let article = self.words.is_article(start);
        for t in start..(start + 6).min(self.n()) {
            if let Some(mi) = self.starts.get(t).and_then(|l| l.first().copied()) {
                let m = &self.doc.mentions[mi];
                let kind_ok = m.etype == EntityType::Person
                    || (article && matches!(m.etype, EntityType::Organization | EntityType::Media));
                let ok =
                    t > start + usize::from(article) && m.kind == MentionKind::Name && kind_ok && self.can_speak(mi);
                return ok.then_some(mi);
            }
            let tok = &self.doc.tokens[t];
            let raw = self.doc.slice(tok.span);
            let descriptor = tok.sentence == sentence
                && (raw == "/" || raw.chars().next().is_some_and(|c| c.is_lowercase() || c.is_ascii_digit()))
                && raw.chars().all(|c| c.is_alphanumeric() || matches!(c, '/' | '-'))
                && !self.words.opens_tail(t)
                && !self.words.is_auxiliary(t)
                && !self.words.is_adverb(t)
                && self.words.cue(t).is_none();
            if !descriptor {
                return None;
            }
        }
        None
    }
    /// Skips a time expression (found by the time stage) ending right before
    /// `p` ("on Wednesday"); returns its start.
    fn skip_time_back(&self, p: usize, floor: usize) -> usize {
        match self.time_ending_at.get(p).copied().flatten() {
            Some(start) if start >= floor => start,
            _ => p,
        }
    }
    /// Skips a time expression starting at `p`; returns the index after it.
    fn skip_time_fwd(&self, p: usize, limit: usize) -> usize {
        match self.time_starting_at.get(p).copied().flatten() {
            Some(end) if end <= limit => end,
            _ => p,
        }
    }
}

impl<'d> Ctx<'d> {
    fn new(doc: &'d Document, words: &'d Words) -> Ctx<'d> {
        let n = doc.tokens.len();
        let ranges: Vec<(usize, usize)> =
            doc.mentions.iter().map(|m| (doc.token_at(m.span.start), doc.token_at(m.span.end))).collect();
        // Longest first at a start token; earliest start first at an end token.
        let starts = ByToken::build(n, (0..ranges.len()).map(|mi| (ranges[mi].0, mi)), |&mi| {
            (std::cmp::Reverse(doc.mentions[mi].span.end), mi)
        });
        let ends =
            ByToken::build(n, (0..ranges.len()).map(|mi| (ranges[mi].1, mi)), |&mi| (doc.mentions[mi].span.start, mi));
        let mut inside_name = vec![false; doc.tokens.len()];
        for (mi, &(a, b)) in ranges.iter().enumerate() {
            if matches!(doc.mentions[mi].kind, MentionKind::Name | MentionKind::Title) {
                for t in inside_name.iter_mut().take(b).skip(a) {
                    *t = true;
                }
            }
        }
        let mut time_ending_at = vec![None; doc.tokens.len() + 1];
        let mut time_starting_at = vec![None; doc.tokens.len() + 1];
        for t in &doc.times {
            let (a, b) = (doc.token_at(t.span.start), doc.token_at(t.span.end));
            if a < b {
                time_ending_at[b] = Some(a);
                time_starting_at[a] = Some(b);
            }
        }
        Ctx { doc, words, starts, ends, ranges, inside_name, time_ending_at, time_starting_at }
    }
}

/// The rule generator over one document. Besides its own candidates it
/// offers its speaker search to other generators: the speaker of a cue found
/// some other way (by the tagger).
pub struct Rules<'d> {
    cx: Ctx<'d>,
}

impl<'d> Rules<'d> {
    /// Indexes the document once (mentions by token, times, name tokens).
    pub fn new(doc: &'d Document, words: &'d Words) -> Rules<'d> {
        Rules { cx: Ctx::new(doc, words) }
    }

    /// The rule statements of the document.
    pub fn propose(&self) -> Vec<Statement> {
        propose_in(&self.cx)
    }

    /// The speaker mention of a cue at tokens `[a, b)`: the subject before it
    /// ("X (has) said", appositions, "X of Y said"), the name right after it
    /// ("…, said X"), or for a participle ("…, saying") the sentence's first
    /// speaker-capable mention.
    pub fn speaker_for(&self, a: usize, b: usize) -> Option<usize> {
        let cx = &self.cx;
        if a >= cx.n() {
            return None;
        }
        let (first, last) = sentence_bounds(cx.doc, cx.sentence_of(a));
        if let Some(sp) = speaker_before(cx, a, first) {
            return Some(sp);
        }
        if b < last {
            if let Some(sp) = cx.speaker_starting_at(b) {
                let after = cx.ranges[sp].1;
                if after >= last || cx.is_punct(after, ",") || cx.is_punct(after, ".") || cx.is_punct(after, "(") {
                    return Some(sp);
                }
            }
        }
        if cx.w(a).ends_with("ing") || (a > first && cx.is_punct(a - 1, ",")) {
            return (first..a).find_map(|i| {
                cx.starts.get(i)?.iter().copied().find(|&mi| {
                    let m = &cx.doc.mentions[mi];
                    cx.can_speak(mi) && m.etype != EntityType::Media && cx.ranges[mi].1 <= a
                })
            });
        }
        None
    }
}

/// Token range `[first, end)` of each sentence.
fn sentence_tokens(doc: &Document) -> Vec<(usize, usize)> {
    let mut out = vec![(0, 0); doc.sentences.len()];
    let mut i = 0;
    while i < doc.tokens.len() {
        let s = doc.tokens[i].sentence;
        let start = i;
        while i < doc.tokens.len() && doc.tokens[i].sentence == s {
            i += 1;
        }
        if s < out.len() {
            out[s] = (start, i);
        }
    }
    out
}

/// The rule statements of `doc`; needs tokens, quotations, mentions and entities.
pub fn propose(doc: &Document, words: &Words) -> Vec<Statement> {
    Rules::new(doc, words).propose()
}

fn propose_in(cx: &Ctx) -> Vec<Statement> {
    let doc = cx.doc;
    let sents = sentence_tokens(doc);
    let mut found: Vec<Statement> = Vec::new();
    let mut used_cues = UsedCues(vec![false; doc.tokens.len() + 1]);

    transcript_pass(cx, &mut found, &mut used_cues);
    quotation_pass(cx, &sents, &mut found, &mut used_cues);
    clause_pass(cx, &sents, &mut found, &mut used_cues);

    // A belief reported inside someone's reported speech ("Clinton says she
    // hopes …") belongs to that speech, not beside it; likewise a verb that only
    // shares a subject inside someone's reported words.
    let inside = |spans: &mut Vec<Span>| -> Box<dyn Fn(Span, Span) -> bool> {
        spans.sort();
        let mut max_end = Vec::with_capacity(spans.len());
        let mut m = 0;
        for sp in spans.iter() {
            m = m.max(sp.end);
            max_end.push(m);
        }
        let spans = spans.clone();
        // Is `probe` inside some span other than `own`?
        Box::new(move |probe: Span, own: Span| {
            let i = spans.partition_point(|sp| sp.start <= probe.start);
            i > 0
                && max_end[i - 1] >= probe.end
                && spans[..i].iter().rev().take(64).any(|sp| *sp != own && sp.contains(probe))
        })
    };
    let mut speech: Vec<Span> = found.iter().filter(|s| s.kind != StatementKind::Belief).map(|s| s.content).collect();
    let in_speech = inside(&mut speech);
    found.retain(|s| s.kind != StatementKind::Belief || !in_speech(s.cue.unwrap_or(s.content), s.content));
    let mut contents: Vec<Span> = found.iter().map(|s| s.content).collect();
    let in_content = inside(&mut contents);
    found.retain(|s| s.rule != "shared-subject" || !in_content(s.cue.unwrap_or(s.content), s.content));
    // "AGRA, India — He said the monument …, the minister told reporters": a
    // content before its cue that contains another statement's speaker and
    // cue is that statement's content ("the monument …").
    let inner: Vec<(Span, Span, Span)> = found
        .iter()
        .filter_map(|s| {
            let m = s.speaker.map(|m| doc.mentions[m].span)?;
            Some((m, s.cue?, s.content))
        })
        .filter(|(m, c, k)| m.end <= c.start && c.end <= k.start)
        .collect();
    for st in found.iter_mut() {
        let Some(cue) = st.cue else { continue };
        if !st.parts.is_empty() || st.content.end > cue.start {
            continue;
        }
        if let Some(&(_, _, k)) =
            inner.iter().find(|(m, c, k)| st.content.start <= m.start && *c != cue && k.end == st.content.end)
        {
            st.content = k;
        }
    }
    // A transcript's turns say who speaks: no unattributed quotation over them.
    let turns: Vec<Span> = found.iter().filter(|s| s.rule == TRANSCRIPT_RULE).map(|s| s.content).collect();
    found.retain(|s| s.rule != "quote-unattributed" || !turns.iter().any(|t| t.overlaps(s.content)));
    found.sort_by(|a, b| a.content.start.cmp(&b.content.start).then(a.content.end.cmp(&b.content.end)));
    found.dedup_by(|a, b| a.content == b.content && a.speaker == b.speaker);
    found
}

/// The rule name of transcript turns.
const TRANSCRIPT_RULE: &str = "transcript-turn";

pub(crate) fn merge_content(st: &mut Statement, more: Span) {
    if st.parts.is_empty() {
        st.parts.push(st.content);
    }
    st.parts.push(more);
    st.content = Span::new(st.content.start, more.end.max(st.content.end));
}

pub(crate) fn trim_content(doc: &Document, mut s: Span, strip_period: bool) -> Span {
    let text = &doc.text;
    loop {
        let t = &text[s.start..s.end];
        let trimmed_start = t.trim_start_matches(|c: char| c.is_whitespace() || c == ',');
        let mut trimmed =
            trimmed_start.trim_end_matches(|c: char| c.is_whitespace() || c == ',' || c == ';' || c == ':');
        if strip_period {
            trimmed = trimmed.trim_end_matches(['.', '…']);
        }
        let new_start = s.start + (t.len() - trimmed_start.len());
        let new_end = new_start + trimmed.len();
        if new_start == s.start && new_end == s.end {
            return s;
        }
        s = Span::new(new_start, new_end.max(new_start));
    }
}

fn word_count(doc: &Document, s: Span) -> usize {
    doc.slice(s).split_whitespace().count()
}

fn quotation_pass(cx: &Ctx, sents: &[(usize, usize)], found: &mut Vec<Statement>, used_cues: &mut UsedCues) {
    let doc = cx.doc;
    for q in &doc.quotations {
        let content = trim_content(doc, q.inner, false);
        if word_count(doc, content) < 2 {
            continue;
        }
        let inner_text = doc.slice(q.inner).trim_end().trim_end_matches(['\'', '’', '”', '"']);
        let ends_utterance = inner_text.ends_with([',', '.', '!', '?', '…', '—', '-']);
        let open_tok = doc.token_at(q.span.start);
        let close_tok = doc.token_at(q.span.end); // first token after the quotation
        let sent = cx.sentence_of(open_tok);
        let (sent_first, _) = sents[sent];
        let prev_tok = open_tok.checked_sub(1);
        let starts_sentence =
            open_tok == sent_first || prev_tok.is_some_and(|p| doc.tokens[p].sentence != doc.tokens[open_tok].sentence);
        let after_colon = prev_tok.is_some_and(|p| cx.is_punct(p, ":"));
        if !(ends_utterance || starts_sentence || after_colon) {
            continue;
        }
        // After: “…,” he said / “…,” said Rubio / “…,” Rubio told the outlet.
        let asks = inner_text.ends_with(['?', '!']);
        if q.closed
            && ends_utterance
            && close_tok < cx.n()
            && close_tok > 0
            && (asks || cx.sentence_of(close_tok) == cx.sentence_of(close_tok - 1))
        {
            if let Some(mut st) = attribution_after(cx, close_tok, content, used_cues) {
                // "With thousands of systems, “there is no single point of
                // failure,” he said": the lead-in belongs to what was said.
                if !starts_sentence && !after_colon && open_tok > sent_first {
                    let lead = cx.tok_span(sent_first, open_tok);
                    let lead_has_cue = (sent_first..open_tok).any(|i| cx.words.cue(i).is_some());
                    if !lead_has_cue && word_count(doc, lead) >= 1 {
                        st.content = Span::new(lead.start, st.content.end);
                        st.kind = StatementKind::Mixed;
                        st.rule = "lead-quote-then-speaker-cue";
                    }
                }
                found.push(st);
                continue;
            }
        }
        // Before: Rubio said: “…” / He told reporters, “…”
        if let Some(p) = prev_tok {
            if cx.is_punct(p, ":") || cx.is_punct(p, ",") {
                if let Some(st) = attribution_before(cx, p, content, used_cues) {
                    // “A,” he said, “B.” — the second half of a split quotation.
                    if let Some(last) = found.last_mut().filter(|l| l.kind == StatementKind::Direct && l.cue == st.cue)
                    {
                        merge_content(last, content);
                        continue;
                    }
                    found.push(Statement { kind: StatementKind::Direct, ..st });
                    continue;
                }
            }
        }
        // “A,” he said. “B.” — an unattributed quotation right after an
        // attributed one in the same paragraph continues it.
        if starts_sentence && ends_utterance {
            if let Some(last) = found.last_mut().filter(|l| {
                matches!(l.kind, StatementKind::Direct | StatementKind::Mixed)
                    && l.cue.is_some_and(|c| {
                        let ct = doc.token_at(c.start);
                        cx.sentence_of(ct) + 1 == sent
                            && doc.sentences[cx.sentence_of(ct)].paragraph == doc.sentences[sent].paragraph
                            && c.start > l.content.end
                    })
            }) {
                merge_content(last, content);
                continue;
            }
        }
        // Unattributed: carry the speaker of a quotation just before, else none.
        if starts_sentence && ends_utterance {
            let para = doc.sentences[sent].paragraph;
            let prev = found.iter().rev().take(8).find(|s| {
                s.content.end <= q.span.start
                    && matches!(s.kind, StatementKind::Direct | StatementKind::Mixed)
                    && doc
                        .sentence_at(s.content.start)
                        .map(|x| doc.sentences[x].paragraph)
                        .is_some_and(|p| p + 1 >= para)
            });
            let (speaker, confidence, rule) = match prev {
                Some(p) if p.speaker.is_some() => (p.speaker, 0.55, "quote-carry-over"),
                _ => (None, 0.3, "quote-unattributed"),
            };
            if speaker.is_none() && word_count(doc, content) < 4 {
                continue;
            }
            found.push(Statement {
                kind: StatementKind::Direct,
                content,
                parts: Vec::new(),
                cue: None,
                cue_lemma: String::new(),
                speaker,
                addressee: None,
                time: None,
                confidence,
                rule,
            });
        }
    }
}

/// Extends a cue leftwards over auxiliaries (and adverbs between them):
/// "has also said". Returns (cue start token, speaker search point).
fn cue_left_extent(cx: &Ctx, k: usize, floor: usize) -> (usize, usize) {
    let mut j = k;
    let mut cue_start = k;
    while j > floor && (cx.words.is_auxiliary(j - 1) || cx.words.is_adverb(j - 1)) && k - j < 4 {
        j -= 1;
        if cx.words.is_auxiliary(j) {
            cue_start = j;
        }
    }
    (cue_start, j)
}

fn speaker_before(cx: &Ctx, p: usize, floor: usize) -> Option<usize> {
    let p = cx.skip_time_back(p, floor);
    let (_, mut p) = cue_left_extent(cx, p, floor);
    // "A Government Accountability Office report released last year found":
    // the document before its participle.
    if p > floor + 1 && cx.w(p - 1).ends_with("ed") {
        let document = cx
            .speaker_ending_at(p - 1)
            .filter(|&mi| cx.doc.mentions[mi].etype == EntityType::Document && cx.ranges[mi].0 >= floor);
        if document.is_some() {
            return document;
        }
    }
    // "Mr. Morgan of the Sierra Club said": the person speaks, for the
    // organisation.
    let person_of = cx.ends.get(p).and_then(|l| {
        l.iter().copied().find(|&mi| matches!(cx.doc.mentions[mi].etype, EntityType::Organization | EntityType::Media))
    });
    if let Some(org) = person_of {
        let a = cx.ranges[org].0;
        if a > floor + 1 && matches!(cx.w(a - 1), "of" | "for") {
            // "the chair of the DNC said" too.
            let person = cx.speaker_ending_at(a - 1).filter(|&mi| {
                let m = &cx.doc.mentions[mi];
                m.etype == EntityType::Person && matches!(m.kind, MentionKind::Name | MentionKind::Title)
            });
            if let Some(mi) = person {
                return Some(mi);
            }
        }
    }
    if let Some(mi) = cx.speaker_ending_at(p) {
        return Some(mi);
    }
    // "G.K. Butterfield of North Carolina said": the place qualifies the speaker.
    if let Some(place) =
        cx.ends.get(p).and_then(|l| l.iter().copied().find(|&mi| cx.doc.mentions[mi].etype == EntityType::Place))
    {
        let mut a = cx.ranges[place].0;
        // "of the Virgin Islands"
        if a > floor + 2 && cx.w(a - 1) == "the" {
            a -= 1;
        }
        if a > floor + 1 && matches!(cx.w(a - 1), "of" | "from") {
            if let Some(mi) = cx.speaker_ending_at(a - 1) {
                return Some(mi);
            }
        }
    }
    // "Sen. Lindsey Graham (R-S.C.) told" — skip a parenthesis.
    if p > floor && cx.is_punct(p - 1, ")") {
        let lo = p.saturating_sub(12).max(floor);
        if let Some(open) = (lo..p - 1).rev().find(|&i| cx.is_punct(i, "(")) {
            if let Some(mi) = cx.speaker_ending_at(open) {
                return Some(mi);
            }
            p = open;
        }
    }
    // Apposition: "Rubio, the US secretary of state, said", "Jean-Marc Ayrault,
    // the foreign minister of France, a permanent member …, said", "Kall --
    // co-editor of … -- said". Prefer the clause's first mention closed by
    // the delimiter; else the mention right before the last delimiter.
    // The tokenizer splits "--" into two "-".
    let double_hyphen = |i: usize| {
        cx.is_punct(i, "-") && ((i > 0 && cx.is_punct(i - 1, "-")) || (i + 1 < cx.n() && cx.is_punct(i + 1, "-")))
    };
    let delimiter = |i: usize| cx.is_punct(i, ",") || matches!(cx.w(i), "—" | "–") || double_hyphen(i);
    if p > floor && delimiter(p - 1) {
        let lo = p.saturating_sub(45).max(floor);
        let mut best = None;
        for c in (lo..p - 1).rev() {
            if delimiter(c) {
                // "Rep. Gregory W. Meeks (D-N.Y.), chairman of …, said".
                let before_paren = (c > lo && cx.is_punct(c - 1, ")"))
                    .then(|| (c.saturating_sub(12).max(lo)..c - 1).rev().find(|&i| cx.is_punct(i, "(")))
                    .flatten();
                if let Some(mi) = cx.speaker_ending_at(c).or_else(|| before_paren.and_then(|o| cx.speaker_ending_at(o)))
                {
                    best = Some(mi);
                }
            }
        }
        if let Some(mi) = best.filter(|&mi| {
            let a = cx.ranges[mi].0;
            a <= floor + 1 || (a > 0 && (delimiter(a - 1) || matches!(cx.w(a - 1), "and" | "but")))
        }) {
            return Some(named_example(cx, mi, p - 1).unwrap_or(mi));
        }
        if let Some(mi) = cx.speaker_ending_at(p - 1) {
            return Some(mi);
        }
    }
    None
}

/// "Proponents, including the United States Conference of Mayors, have
/// urged": a plural speaker with a named example closed by the delimiter at
/// `close` is heard through the example (the one a reader can look up).
fn named_example(cx: &Ctx, group: usize, close: usize) -> Option<usize> {
    let m = &cx.doc.mentions[group];
    let head = cx.w(cx.ranges[group].1 - 1);
    let plural = m.etype == EntityType::Group || (head.ends_with('s') && !head.ends_with("ss"));
    let mut k = cx.ranges[group].1;
    if !plural || !cx.is_punct(k, ",") {
        return None;
    }
    k += 1;
    match cx.w(k) {
        "including" | "like" => k += 1,
        "such" if cx.w(k + 1) == "as" => k += 2,
        _ => return None,
    }
    let named = |k: usize| {
        cx.speaker_starting_at(k)
            .filter(|&mi| cx.doc.mentions[mi].kind == MentionKind::Name && cx.ranges[mi].1 == close)
    };
    named(k).or_else(|| (cx.w(k) == "the").then(|| named(k + 1)).flatten())
}

/// Addressee right after a cue: "told the outlet", "confirmed to AFP".
fn addressee_after(cx: &Ctx, a: usize, cue: &whosaid_lexicon::Cue) -> Option<(usize, usize)> {
    if cue.takes_object {
        if let Some(mi) = cx.starts.get(a).and_then(|l| l.first().copied()) {
            let m = &cx.doc.mentions[mi];
            if m.etype != EntityType::Place || m.metonymic {
                return Some((mi, cx.ranges[mi].1));
            }
        }
    }
    if cx.w(a) == "to" {
        if let Some(mi) = cx.starts.get(a + 1).and_then(|l| l.first().copied()) {
            if matches!(
                cx.doc.mentions[mi].etype,
                EntityType::Media | EntityType::Person | EntityType::Group | EntityType::Organization
            ) {
                return Some((mi, cx.ranges[mi].1));
            }
        }
    }
    None
}

/// A medium anywhere in the sentence: "in an interview with The Free Press".
fn medium_in_sentence(cx: &Ctx, first: usize, end: usize) -> Option<usize> {
    for i in first..end {
        let lead = cx.words.is_medium_lead(i) && matches!(cx.w(i + 1), "with" | "to");
        if lead {
            let at = i + 2;
            if let Some(mi) = cx.starts.get(at).and_then(|l| l.first().copied()) {
                if matches!(cx.doc.mentions[mi].etype, EntityType::Media | EntityType::Person | EntityType::Group) {
                    return Some(mi);
                }
            }
        }
    }
    None
}

fn confidence_for(cx: &Ctx, speaker: Option<usize>, base: f32) -> f32 {
    match speaker {
        None => base * 0.4,
        Some(mi) => {
            let m = &cx.doc.mentions[mi];
            let resolved = m.entity.is_some();
            let penalty = match (m.kind, resolved) {
                (MentionKind::Name, _) => 0.0,
                (_, true) => 0.05,
                (_, false) => 0.2,
            };
            (base - penalty).clamp(0.0, 1.0)
        }
    }
}

fn attribution_after(cx: &Ctx, t: usize, content: Span, used: &mut UsedCues) -> Option<Statement> {
    // After “Why?” the splitter may start a new sentence at "Graham asked".
    let sent = cx.sentence_of(t);
    let same = |i: usize| i < cx.n() && cx.sentence_of(i) == sent;
    // he said / Rubio told the outlet / Rubio, the spokesman, said
    // “…” ― Sonya Herridge
    if same(t) && matches!(cx.w(t), "―" | "—" | "–" | "-") {
        if let Some(mi) = cx.speaker_starting_at(t + 1) {
            let cm = CueMatch { start: t, end: t + 1, cue: whosaid_lexicon::Cue::new("dash", CueClass::Speech) };
            return Some(finish_direct(cx, mi, cm, t, content, used, "quote-dash-speaker"));
        }
    }
    if let Some(mi) = cx.speaker_starting_at(t).or_else(|| possessed_apposition(cx, t)) {
        let mut k = cx.ranges[mi].1;
        k = skip_aside_fwd(cx, k);
        // "Mr. Morgan of the Sierra Club said".
        if matches!(cx.w(k), "of" | "for") && cx.doc.mentions[mi].etype == EntityType::Person {
            let org = cx.starts.get(k + 1).and_then(|l| {
                l.iter().copied().find(|&o| {
                    matches!(cx.doc.mentions[o].etype, EntityType::Organization | EntityType::Media | EntityType::Place)
                })
            });
            if let Some(o) = org {
                k = cx.ranges[o].1;
            }
        }
        k = cx.skip_time_fwd(k, cx.n());
        let cue_start_guess = k;
        let mut j = k;
        while same(j) && (cx.words.is_auxiliary(j) || cx.words.is_adverb(j)) && j - k < 3 {
            j += 1;
        }
        if same(j) {
            if let Some(cm) = cx.words.cue(j) {
                if cm.cue.class == CueClass::Speech && !cm.cue.source_after && !used.contains(&cm.start) {
                    let cue_start =
                        if (cue_start_guess..j).any(|x| cx.words.is_auxiliary(x)) { cue_start_guess } else { j };
                    return Some(finish_direct(cx, mi, cm.clone(), cue_start, content, used, "quote-then-speaker-cue"));
                }
            }
        }
    }
    // said Rubio / said the spokesman
    if same(t) {
        if let Some(cm) = cx.words.cue(t) {
            if cm.cue.class == CueClass::Speech && !cm.cue.source_after && !used.contains(&cm.start) {
                if let Some(mi) = cx.speaker_starting_at(cm.end) {
                    return Some(finish_direct(cx, mi, cm.clone(), t, content, used, "quote-then-cue-speaker"));
                }
            }
        }
    }
    None
}

/// "Scott's niece, state Del. Marcia Price, shouted": after a possessor and
/// its relation noun, the apposed person (up to two lower-case words may
/// qualify the name).
fn possessed_apposition(cx: &Ctx, t: usize) -> Option<usize> {
    let owner = cx.starts.get(t)?.first().copied()?;
    let mut k = cx.ranges[owner].1;
    if cx.w(k) != "'s" {
        return None;
    }
    k += 1;
    let lower = |i: usize| {
        i < cx.n() && cx.doc.tokens[i].kind == TokenKind::Word && cx.w(i) == cx.doc.slice(cx.doc.tokens[i].span)
    };
    let noun = k;
    while lower(k) && k - noun < 3 {
        k += 1;
    }
    if k == noun || !cx.is_punct(k, ",") {
        return None;
    }
    k += 1;
    let qualifiers = k;
    while lower(k) && k - qualifiers < 2 && cx.speaker_starting_at(k).is_none() {
        k += 1;
    }
    cx.speaker_starting_at(k).filter(|&mi| cx.doc.mentions[mi].etype == EntityType::Person)
}

/// Skips "(R-S.C.)" and ", an economist at the Tax Foundation," after a name.
fn skip_aside_fwd(cx: &Ctx, k: usize) -> usize {
    let n = cx.n();
    let mut k = k;
    if k < n && cx.is_punct(k, "(") {
        if let Some(close) = (k + 1..(k + 12).min(n)).find(|&i| cx.is_punct(i, ")")) {
            k = close + 1;
        }
    }
    if k < n && cx.is_punct(k, ",") {
        // "Price (D-Newport News), shouted": the comma itself may close the aside.
        if let Some(c) =
            (k..(k + 36).min(n)).rev().find(|&i| cx.is_punct(i, ",") && i + 1 < n && cx.words.cue(i + 1).is_some())
        {
            k = c + 1;
        }
    }
    k
}

fn finish_direct(
    cx: &Ctx,
    speaker: usize,
    cm: CueMatch,
    cue_start: usize,
    content: Span,
    used: &mut UsedCues,
    rule: &'static str,
) -> Statement {
    used.insert(cm.start);
    let after = cx.ranges[speaker].1.max(cm.end);
    let addressee = addressee_after(cx, cm.end, &cm.cue).map(|(mi, _)| mi).or_else(|| {
        if after < cx.n() {
            let s = cx.sentence_of(after.min(cx.n() - 1));
            let (first, end) = sentence_bounds(cx.doc, s);
            medium_in_sentence(cx, first.max(after), end)
        } else {
            None
        }
    });
    direct_statement(cx, content, (cue_start, &cm), speaker, addressee, 0.95, rule)
}

/// A direct quotation attributed by the rules: its cue `[cue_start, cm.end)`,
/// its speaker and addressee, a base confidence the speaker's kind adjusts.
fn direct_statement(
    cx: &Ctx,
    content: Span,
    (cue_start, cm): (usize, &CueMatch),
    speaker: usize,
    addressee: Option<usize>,
    base: f32,
    rule: &'static str,
) -> Statement {
    Statement {
        kind: StatementKind::Direct,
        content,
        parts: Vec::new(),
        cue: Some(cx.tok_span(cue_start, cm.end)),
        cue_lemma: cm.cue.lemma.to_string(),
        speaker: Some(MentionId(speaker)),
        addressee: addressee.map(MentionId),
        time: None,
        confidence: confidence_for(cx, Some(speaker), base),
        rule,
    }
}

fn sentence_bounds(doc: &Document, s: usize) -> (usize, usize) {
    let span = doc.sentences[s].span;
    (doc.token_at(span.start), doc.token_at(span.end))
}

fn attribution_before(cx: &Ctx, p: usize, content: Span, used: &mut UsedCues) -> Option<Statement> {
    // p is the ':' or ',' before the opening mark. Look back a few tokens for a cue.
    let sent = cx.sentence_of(p);
    let floor = sentence_bounds(cx.doc, sent).0;
    let lo = p.saturating_sub(6).max(floor);
    for k in (lo..p).rev() {
        let Some(cm) = cx.words.cue(k) else {
            continue;
        };
        if cm.cue.class != CueClass::Speech || cm.cue.source_after || cm.end > p || !is_verbal_use(cx.words, k) {
            continue;
        }
        // Between cue and punctuation only an addressee or time may stand.
        // "says of Clinton, “…”": the topic may sit between cue and quotation.
        let of_topic =
            cx.w(cm.end) == "of" && cx.starts.get(cm.end + 1).is_some_and(|l| l.iter().any(|&mi| cx.ranges[mi].1 == p));
        let gap_ok = cm.end == p
            || of_topic
            || addressee_after(cx, cm.end, &cm.cue).is_some_and(|(_, e)| e == p)
            || cx.skip_time_fwd(cm.end, p) == p;
        if !gap_ok {
            continue;
        }
        let (cue_start, _) = cue_left_extent(cx, k, floor);
        let speaker = speaker_before(cx, k, floor).or_else(|| {
            if cx.w(p) == "," || cx.w(p) == ":" {
                cx.speaker_starting_at(cm.end)
            } else {
                None
            }
        });
        let speaker = speaker?;
        used.insert(cm.start);
        let addressee = addressee_after(cx, cm.end, &cm.cue).map(|(mi, _)| mi);
        return Some(direct_statement(cx, content, (cue_start, cm), speaker, addressee, 0.9, "speaker-cue-then-quote"));
    }
    None
}

fn content_has_quote(cx: &Ctx, a: usize, last: usize) -> bool {
    a < last && (a..last).any(|i| matches!(cx.doc.tokens[i].kind, TokenKind::Quote { .. }))
}

/// The quotation starting exactly at byte `start` (quotations are sorted).
fn quotation_at(doc: &Document, start: usize) -> Option<&whosaid_document::Quotation> {
    let i = doc.quotations.partition_point(|q| q.span.start < start);
    doc.quotations.get(i).filter(|q| q.span.start == start)
}

/// Quotations lying inside `span`, found by binary search.
fn quotations_within(doc: &Document, span: Span) -> impl Iterator<Item = &whosaid_document::Quotation> {
    let i = doc.quotations.partition_point(|q| q.span.start < span.start);
    doc.quotations[i..].iter().take_while(move |q| q.span.start < span.end).filter(move |q| span.contains(q.span))
}

fn in_quotation(doc: &Document, span: Span) -> bool {
    let qi = doc.quotations.partition_point(|q| q.span.start <= span.start);
    qi > 0 && doc.quotations[qi - 1].span.contains(span)
}

fn is_participial(cm: &CueMatch, cx: &Ctx) -> bool {
    cx.w(cm.start).ends_with("ing")
}

fn clause_pass(cx: &Ctx, sents: &[(usize, usize)], found: &mut Vec<Statement>, used: &mut UsedCues) {
    let doc = cx.doc;
    for &(first, end) in sents {
        if first >= end {
            continue;
        }
        // Content ends before the final punctuation (and closing marks after it).
        let mut last = end;
        while last > first
            && matches!(doc.tokens[last - 1].kind, TokenKind::Punct)
            && matches!(cx.w(last - 1), "." | "!" | "?" | "…" | ")")
        {
            last -= 1;
        }
        if let Some(st) = colon_attribution(cx, first, last) {
            if !st.cue.is_some_and(|c| used.contains(&doc.token_at(c.start))) {
                found.push(st);
            }
        }
        let mut k = first;
        while k < end {
            if used.contains(&k) || in_quotation(doc, doc.tokens[k].span) || cx.inside_name[k] {
                k += 1;
                continue;
            }
            let Some(cm) = cx.words.cue(k) else {
                k += 1;
                continue;
            };
            let according = cm.cue.source_after;
            if !according && !is_verbal_use(cx.words, k) {
                k = cm.end;
                continue;
            }
            let st = if according {
                according_to(cx, cm, first, last)
            } else if k > first && cx.is_punct(k - 1, ",") && is_participial(cm, cx) {
                participial(cx, cm, first, last, found)
            } else {
                main_clause(cx, cm, first, last)
            };
            if let Some(mut st) = st {
                used.insert(cm.start);
                if st.addressee.is_none() {
                    st.addressee = medium_in_sentence(cx, first, end).map(MentionId);
                }
                found.push(st);
            }
            k = cm.end;
        }
    }
}

/// How many following paragraphs a transcript turn may continue over.
const MAX_TURN_PARAGRAPHS: usize = 8;

/// Interview transcripts: a paragraph that opens with a speaker in capitals
/// and a colon ("PENCE: Well, look, …") is that speaker's turn, to the end of
/// the paragraph.
fn transcript_pass(cx: &Ctx, found: &mut Vec<Statement>, used: &mut UsedCues) {
    let doc = cx.doc;
    for p in 0..doc.paragraphs.len() {
        let Some((a, b, colon)) = crate::mentions::transcript_turn(doc, cx.words, p) else {
            continue;
        };
        let Some(sp) = cx.starts.get(a).and_then(|l| l.iter().copied().find(|&m| cx.ranges[m] == (a, b))) else {
            continue;
        };
        // The turn's closing quotation mark, when the paragraph has one, is not said.
        let piece = |start: usize, end: usize| {
            let s = trim_content(doc, Span::new(start, end), false);
            let unquoted = doc.slice(s).trim_end_matches(['"', '”']).trim_start_matches(['"', '“']);
            let at = s.start + doc.slice(s).find(unquoted).unwrap_or(0);
            trim_content(doc, Span::new(at, at + unquoted.len()), false)
        };
        let mut parts = vec![piece(doc.tokens[colon + 1].span.start, doc.paragraphs[p].span.end)];
        // A turn quoted paragraph by paragraph continues while the next
        // paragraph opens a quotation and no other speaker takes the floor.
        let opens_quote = |q: usize| {
            let t = doc.token_at(doc.paragraphs[q].span.start);
            matches!(doc.tokens.get(t).map(|t| t.kind), Some(TokenKind::Quote { open: true, .. }))
        };
        if opens_quote(p) {
            let mut q = p + 1;
            while q < doc.paragraphs.len()
                && q - p <= MAX_TURN_PARAGRAPHS
                && opens_quote(q)
                && crate::mentions::transcript_turn(doc, cx.words, q).is_none()
            {
                parts.push(piece(doc.paragraphs[q].span.start, doc.paragraphs[q].span.end));
                q += 1;
            }
        }
        // The turn's final full stop is punctuation, not speech (as elsewhere).
        if let Some(last) = parts.last_mut() {
            *last = trim_content(doc, *last, true);
        }
        parts.retain(|s| !s.is_empty());
        let Some(first) = parts.first().copied() else {
            continue;
        };
        let content = Span::new(first.start, parts.last().map_or(first.end, |l| l.end));
        if word_count(doc, content) < 2 {
            continue;
        }
        used.insert(colon);
        found.push(Statement {
            kind: StatementKind::Direct,
            content,
            parts: if parts.len() > 1 { parts } else { Vec::new() },
            cue: Some(cx.tok_span(colon, colon + 1)),
            cue_lemma: ":".into(),
            speaker: Some(MentionId(sp)),
            addressee: None,
            time: None,
            confidence: confidence_for(cx, Some(sp), 0.8),
            rule: TRANSCRIPT_RULE,
        });
    }
}

/// "Sanders: Endorsements prove Clinton 'candidate of the establishment.'" —
/// a headline or transcript convention: speaker, colon, what was said.
fn colon_attribution(cx: &Ctx, first: usize, last: usize) -> Option<Statement> {
    let doc = cx.doc;
    let sp = cx.speaker_starting_at(first)?;
    let m = &doc.mentions[sp];
    if m.kind == MentionKind::Pronoun || m.etype == EntityType::Place || m.span.len() < 2 {
        return None;
    }
    let colon = cx.ranges[sp].1;
    if !cx.is_punct(colon, ":") || last <= colon + 3 {
        return None;
    }
    let content = trim_content(doc, cx.tok_span(colon + 1, last), false);
    let quoted = quotation_at(doc, content.start).is_some_and(|q| q.span.end >= content.end);
    let (kind, content) = if quoted {
        let q = quotation_at(doc, content.start)?;
        (StatementKind::Direct, trim_content(doc, q.inner, false))
    } else {
        (StatementKind::Indirect, content)
    };
    if word_count(doc, content) < 3 {
        return None;
    }
    Some(Statement {
        kind,
        content,
        parts: Vec::new(),
        cue: Some(cx.tok_span(colon, colon + 1)),
        cue_lemma: ":".into(),
        speaker: Some(MentionId(sp)),
        addressee: None,
        time: None,
        confidence: confidence_for(cx, Some(sp), 0.7),
        rule: "speaker-colon",
    })
}

/// Where reported content after a cue ends: the sentence end, or before a
/// following ", adding …" / ", according to …".
fn content_end(cx: &Ctx, from: usize, last: usize) -> usize {
    for i in from..last {
        if in_quotation(cx.doc, cx.doc.tokens[i].span) {
            continue;
        }
        if cx.is_punct(i, ";") {
            return i;
        }
        // A comma then a subordinate clause, or a parenthesis, after a
        // complete clause: "…, when Mr. Buchanan …", "… (although he allowed …)".
        if i >= from + 4
            && ((cx.is_punct(i, ",") && matches!(cx.w(i + 1), "although" | "though" | "whereas"))
                || cx.is_punct(i, "("))
        {
            return i;
        }
        // "… ''cares about people like me,'' according to a poll".
        if cx.is_close_quote(i) && cx.w(i + 1) == "according" && cx.w(i + 2) == "to" {
            return i + 1;
        }
        // "supported Democrats …, and said he did not …": a second verb of the
        // same speaker starts its own statement.
        if matches!(cx.w(i), "and" | "but") && i > from {
            let mut j = i + 1;
            while j < last && (cx.words.is_adverb(j) || cx.words.is_auxiliary(j)) && j - i < 3 {
                j += 1;
            }
            if cx.words.cue(j).is_some_and(|c| !c.cue.source_after && c.cue.class == CueClass::Speech)
                && is_verbal_use(cx.words, j)
            {
                return i;
            }
        }
        // "… mishandled the investigation and Democrats accused the GOP …"
        if matches!(cx.w(i), "and" | "but") && i > from {
            if let Some(mi) = cx.speaker_starting_at(i + 1) {
                let after = cx.ranges[mi].1;
                if cx.words.cue(after).is_some_and(|c| !c.cue.source_after) {
                    return i;
                }
            }
        }
        if cx.is_punct(i, ",") {
            if let Some(cm) = cx.words.cue(i + 1) {
                if is_participial(cm, cx) || cm.cue.source_after {
                    return i;
                }
            }
            // "… at Ground Zero, sources said": the attribution of another statement.
            if let Some(mi) = cx.speaker_starting_at(i + 1) {
                let after = cx.ranges[mi].1;
                if cx.words.cue(after).is_some_and(|c| !c.cue.source_after) {
                    return i;
                }
            }
            // ", and Clinton is promising …": a coordinated clause with its own subject.
            if matches!(cx.w(i + 1), "and" | "but" | "while" | "whereas") {
                if let Some(mi) = cx.starts.get(i + 2).and_then(|l| l.first().copied()) {
                    let m = &cx.doc.mentions[mi];
                    if matches!(m.kind, MentionKind::Name | MentionKind::Pronoun) && m.etype != EntityType::Place {
                        return i;
                    }
                }
            }
        }
    }
    last
}

#[allow(clippy::too_many_arguments)]
fn make_reported(
    cx: &Ctx,
    cm: &CueMatch,
    cue_start: usize,
    speaker: Option<usize>,
    addressee: Option<usize>,
    content: Span,
    base: f32,
    rule: &'static str,
) -> Option<Statement> {
    let doc = cx.doc;
    let mut content = trim_content(doc, content, false);
    if word_count(doc, content) < 2 && !doc.slice(content).contains(['“', '"', '«']) {
        return None;
    }
    let text = doc.slice(content);
    let has_quote = quotations_within(doc, content).next().is_some() || text.contains(['“', '”', '«', '»']);
    // A partial quotation alone: "expressing hope to “bring the two sides closer.”"
    let qi = doc.quotations.partition_point(|q| q.span.start < content.start);
    // The content may start with "to"/"that" before the quotation.
    let lone_quote = doc.quotations.get(qi).filter(|q| {
        q.span.start < content.end
            && q.span.end >= content.end
            && doc.slice(Span::new(content.start, q.span.start)).split_whitespace().count() <= 1
    });
    let kind = if cm.cue.class == CueClass::Belief {
        StatementKind::Belief
    } else if has_quote {
        StatementKind::Mixed
    } else {
        StatementKind::Indirect
    };
    if let Some(q) = lone_quote {
        content = trim_content(doc, q.inner, true);
    }
    let belief = cm.cue.class != CueClass::Speech;
    Some(Statement {
        kind,
        content,
        parts: Vec::new(),
        cue: Some(cx.tok_span(cue_start, cm.end)),
        cue_lemma: cm.cue.lemma.to_string(),
        speaker: speaker.map(MentionId),
        addressee: addressee.map(MentionId),
        time: None,
        confidence: confidence_for(cx, speaker, if belief { base - 0.15 } else { base }),
        rule,
    })
}

/// Content starts after the cue, an addressee, a time phrase and "that".
fn content_start(cx: &Ctx, cm: &CueMatch, last: usize) -> (usize, Option<usize>) {
    let mut a = cm.end;
    let mut addressee = None;
    if let Some((mi, e)) = addressee_after(cx, a, &cm.cue) {
        addressee = Some(mi);
        a = e;
    }
    for _ in 0..2 {
        a = cx.skip_time_fwd(a, last);
        while a < last && cx.words.is_adverb(a) && cx.w(a) != "not" {
            a += 1;
        }
    }
    // "said in a statement on Thursday that …", "told CNBC in August that …"
    // "said in his interview", "found in refrigerants", "concludes with footage":
    // a modifier and no clause after it is no report (the content is elsewhere).
    if a < last
        && matches!(
            cx.w(a),
            "in" | "at"
                | "during"
                | "on"
                | "after"
                | "before"
                | "through"
                | "via"
                | "while"
                | "with"
                | "by"
                | "of"
                | "from"
        )
    {
        if let Some(t) =
            (a + 1..(a + 14).min(last)).find(|&i| cx.w(i) == "that" && !in_quotation(cx.doc, cx.doc.tokens[i].span))
        {
            a = t;
        } else if let Some(c) = (a + 1..(a + 10).min(last)).find(|&i| cx.is_punct(i, ",")) {
            a = c + 1;
        } else if let Some(q) =
            (a + 1..last).find(|&i| matches!(cx.doc.tokens[i].kind, TokenKind::Quote { open: true, .. }))
        {
            a = q;
        } else {
            a = last;
        }
        if a < last && addressee.is_none() {
            addressee = medium_in_sentence(cx, cm.end, a);
        }
    }
    if a < last && matches!(cx.w(a), "that" | ":") {
        a += 1;
        // "said that, if elected, he would …"
        if a < last && cx.is_punct(a, ",") {
            a += 1;
        }
    } else if a < last && cx.w(a) == "to" && cm.cue.infinitive {
        a += 1;
    }
    (a, addressee)
}

fn starts_clause(cx: &Ctx, cm: &CueMatch, a: usize) -> bool {
    // An indirect question counts too: "asked whether …", "wrote why …".
    let question = matches!(cx.w(a), "whether" | "why" | "who" | "what" | "how" | "when" | "where" | "if");
    cm.end < cx.n()
        && (matches!(cx.w(cm.end), "that" | ":")
            || question
            || matches!(cx.doc.tokens.get(a).map(|t| t.kind), Some(TokenKind::Quote { open: true, .. })))
}

fn speaker_fits_cue(cx: &Ctx, sp: usize, cm: &CueMatch) -> bool {
    let m = &cx.doc.mentions[sp];
    // "They found a way": evidence verbs report documents, polls and bodies.
    if cm.cue.class == CueClass::Evidence {
        return !(m.kind == MentionKind::Pronoun || m.etype == EntityType::Person);
    }
    true
}

fn main_clause(cx: &Ctx, cm: &CueMatch, first: usize, last: usize) -> Option<Statement> {
    let doc = cx.doc;
    let k = cm.start;
    let (cue_start, _) = cue_left_extent(cx, k, first);
    if let Some(sp) = speaker_before(cx, k, first) {
        if !speaker_fits_cue(cx, sp, cm) {
            return None;
        }
        let (a, addressee) = content_start(cx, cm, last);
        if cm.cue.needs_clause && !starts_clause(cx, cm, a) && !content_has_quote(cx, a, last) {
            return None;
        }
        let (sp_start, _) = cx.ranges[sp];
        let content_follows = a < last && !cx.is_punct(a, ",") && !cx.is_close_quote(a);
        if content_follows {
            let mut e = content_end(cx, a, last);
            // "the Center, which said the changes would raise revenue, published
            // …": a relative clause between commas ends at the next comma.
            let relative = cx.words.is_relative(sp_start);
            if relative && sp_start > first && cx.is_punct(sp_start - 1, ",") {
                if let Some(c) = (a..e).find(|&i| cx.is_punct(i, ",") && !in_quotation(doc, doc.tokens[i].span)) {
                    e = c;
                }
            }
            if e > a {
                let mut st = make_reported(
                    cx,
                    cm,
                    cue_start,
                    Some(sp),
                    addressee,
                    cx.tok_span(a, e),
                    0.85,
                    "speaker-cue-content",
                )?;
                // "…, which he said were at his side": the relative pronoun
                // stands for part of what was said.
                if sp_start > first && matches!(cx.w(sp_start - 1), "which" | "what") {
                    let rel = cx.tok_span(sp_start - 1, sp_start);
                    st.parts = vec![rel, st.content];
                    st.content = Span::new(rel.start, st.content.end);
                    st.rule = "relative-speaker-cue-content";
                }
                return Some(st);
            }
            return None;
        }
        // "…, the US secretary of state has said" — content before the speaker;
        // "The museum, Mr. Bush said, celebrated …" — and after it too.
        if cm.cue.class == CueClass::Speech
            && sp_start > first
            && (cx.is_punct(sp_start - 1, ",") || cx.is_close_quote(sp_start - 1))
        {
            let mut e = sp_start - 1;
            let mut s = first;
            // Skip a sentence-initial connective: "But", "And".
            if matches!(cx.w(s), "but" | "and" | "so") {
                s += 1;
            }
            if cx.is_close_quote(e) {
                // A quotation that opens the sentence is the quotation pass's.
                let close_end = doc.tokens[e].span.end;
                let i = doc.quotations.partition_point(|q| q.span.end < close_end);
                let opened_here = doc
                    .quotations
                    .get(i)
                    .is_some_and(|q| q.span.end == close_end && q.span.start <= doc.tokens[s].span.start);
                if opened_here {
                    return None;
                }
                e += 1; // keep the closing mark of a partial quotation
            } else {
                while e > first && cx.is_punct(e - 1, ",") {
                    e -= 1;
                }
            }
            if e > s {
                let before = cx.tok_span(s, e);
                let mut st = make_reported(cx, cm, cue_start, Some(sp), addressee, before, 0.8, "content-speaker-cue")?;
                let tail = cm.end;
                if tail < last && cx.is_punct(tail, ",") && !cx.is_close_quote(e - 1) {
                    let end = content_end(cx, tail + 1, last);
                    if end > tail + 2 {
                        let after = trim_content(doc, cx.tok_span(tail + 1, end), false);
                        st.parts = vec![st.content, after];
                        st.content = Span::new(st.content.start, after.end);
                        st.rule = "content-speaker-cue-content";
                    }
                }
                return Some(st);
            }
        }
        return None;
    }
    // "Cruz exhorted Republicans … and said he was …": the verb shares the subject.
    if cue_start > first && matches!(cx.w(cue_start - 1), "and" | "but") && cm.cue.class == CueClass::Speech {
        let subject = (first..cue_start).find_map(|i| {
            cx.starts.get(i)?.iter().copied().find(|&mi| {
                let m = &doc.mentions[mi];
                cx.can_speak(mi) && m.etype != EntityType::Media && i == first.max(i) && cx.ranges[mi].1 < cue_start
            })
        });
        if let Some(sp) = subject.filter(|&sp| cx.ranges[sp].0 <= first + 2 && speaker_fits_cue(cx, sp, cm)) {
            let (a, addressee) = content_start(cx, cm, last);
            if cm.cue.needs_clause && !starts_clause(cx, cm, a) && !content_has_quote(cx, a, last) {
                return None;
            }
            let e = content_end(cx, a, last);
            if e > a && !cx.is_punct(a, ",") {
                return make_reported(cx, cm, cue_start, Some(sp), addressee, cx.tok_span(a, e), 0.7, "shared-subject");
            }
        }
        return None;
    }
    // "…, said Rubio" — inverted, content before the cue.
    if k > first && cx.is_punct(k - 1, ",") && cm.cue.class == CueClass::Speech {
        // The speaker closes the clause: "said Rubio." / "said Rubio, who …",
        // not "…, said they would keep campaigning" (a reported subject).
        let closes_clause = |sp: &usize| {
            let after = cx.ranges[*sp].1;
            after >= last || cx.is_punct(after, ",") || cx.is_punct(after, "(")
        };
        if let Some(sp) = cx.speaker_starting_at(cm.end).filter(closes_clause) {
            let e = k - 1;
            if e > first && !cx.is_close_quote(e - 1) {
                let (_, addressee) = content_start(cx, cm, last);
                return make_reported(
                    cx,
                    cm,
                    k,
                    Some(sp),
                    addressee,
                    cx.tok_span(first, e),
                    0.75,
                    "content-cue-speaker",
                );
            }
        }
    }
    None
}

fn participial(cx: &Ctx, cm: &CueMatch, first: usize, last: usize, found: &[Statement]) -> Option<Statement> {
    let doc = cx.doc;
    let here = doc.tokens[cm.start].span.start;
    let sent_start = doc.tokens[first].span.start;
    // The speaker of the clause before: a statement in this sentence, else its subject.
    // Recent statements only: those of this sentence are at the end of `found`
    // (bounded, so a flood of participles stays linear).
    let prev = found
        .iter()
        .rev()
        .take(64)
        .filter(|s| s.cue.is_some_and(|c| c.start >= sent_start && c.end <= here) && s.speaker.is_some())
        .max_by_key(|s| s.cue.map(|c| c.start))
        .and_then(|s| s.speaker.map(MentionId::index));
    let speaker = prev.or_else(|| {
        (first..cm.start).find_map(|i| {
            cx.starts.get(i)?.iter().copied().find(|&mi| {
                let m = &doc.mentions[mi];
                cx.can_speak(mi) && m.etype != EntityType::Media && cx.ranges[mi].1 <= cm.start
            })
        })
    })?;
    let (a, addressee) = content_start(cx, cm, last);
    let e = content_end(cx, a, last);
    if e <= a {
        return None;
    }
    make_reported(cx, cm, cm.start, Some(speaker), addressee, cx.tok_span(a, e), 0.7, "participial")
}

fn according_to(cx: &Ctx, cm: &CueMatch, first: usize, last: usize) -> Option<Statement> {
    let sp = cx.speaker_starting_at(cm.end).or_else(|| cx.starts.get(cm.end).and_then(|l| l.first().copied()))?;
    let sp_end = cx.ranges[sp].1;
    let k = cm.start;
    let at_start = k == first || (k == first + 1 && matches!(cx.w(first), "but" | "and"));
    let span = if at_start {
        // According to X, CONTENT.
        let mut a = sp_end;
        while a < last && !cx.is_punct(a, ",") && a - sp_end < 12 {
            a += 1;
        }
        if a >= last {
            return None;
        }
        cx.tok_span(a + 1, content_end(cx, a + 1, last))
    } else if cx.is_punct(k - 1, ",") {
        // CONTENT, according to X.
        cx.tok_span(first, k - 1)
    } else {
        return None;
    };
    make_reported(cx, cm, cm.start, Some(sp), None, span, 0.8, "according-to")
}
