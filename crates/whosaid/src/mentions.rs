//! Stage 3a — mentions: spans that name or point at an actor or a place.
//!
//! Sources of evidence, in order: capitalised token runs (split into a title
//! prefix and a name, then looked up in the media/organisation/place lists or
//! read as a person's name), lower-case titles ("the US secretary of state"),
//! group phrases ("Russian officials"), nominals ("the outlet") and pronouns.
//! A single capitalised word becomes a person mention only with support: a
//! title, a surname seen in a full name elsewhere in the article, or a cue verb
//! right after it. A place followed by a cue is marked metonymic ("Moscow has
//! maintained"), so the entity stage can resolve it to a government.

use whosaid_lexicon::HashSet;

use whosaid_document::{Document, EntityType, Mention, MentionKind, Span, TokenKind};
use whosaid_lexicon::Lexicon;

use crate::cues::{is_verbal_use, Words};

struct Ctx<'d> {
    doc: &'d Document,
    words: &'d Words,
    lex: &'d Lexicon,
    /// Per token: a capitalised word (asked many times per token).
    caps: Vec<bool>,
    /// Lower-cased words written capitalised outside headlines.
    body_caps: HashSet<&'d str>,
}

impl Ctx<'_> {
    fn n(&self) -> usize {
        self.doc.tokens.len()
    }
    fn raw(&self, i: usize) -> &str {
        self.doc.slice(self.doc.tokens[i].span)
    }
    fn is_word(&self, i: usize) -> bool {
        i < self.n() && self.doc.tokens[i].kind == TokenKind::Word
    }
    fn is_cap(&self, i: usize) -> bool {
        self.caps.get(i).copied().unwrap_or(false)
    }
    fn in_headline(&self, i: usize) -> bool {
        let s = self.doc.tokens[i].sentence;
        self.doc.sentences.get(s).and_then(|s| self.doc.paragraphs.get(s.paragraph)).is_some_and(|p| p.is_headline)
    }
    fn same_sentence(&self, i: usize, j: usize) -> bool {
        j < self.n() && self.doc.tokens[i].sentence == self.doc.tokens[j].sentence
    }
    fn adjacent(&self, i: usize, j: usize) -> bool {
        self.doc.tokens[i].span.end == self.doc.tokens[j].span.start
    }
    fn span(&self, a: usize, b: usize) -> Span {
        Span::new(self.doc.tokens[a].span.start, self.doc.tokens[b - 1].span.end)
    }
    fn text(&self, a: usize, b: usize) -> &str {
        self.doc.slice(self.span(a, b))
    }
    fn is_connector(&self, j: usize) -> bool {
        let w = self.words.get(j);
        // "Commission on Presidential Debates", "Committee to Protect
        // Journalists", not "Trump on Monday".
        // Written in lower case: a title-case headline's "To Probe" is a verb.
        let after_org_head =
            matches!(self.raw(j), "on" | "to") && j > 0 && self.lex.org_heads().contains(self.raw(j - 1));
        after_org_head
            || self.lex.is_name_connector(w)
            || (w == "-" && j > 0 && self.adjacent(j - 1, j) && j + 1 < self.n() && self.adjacent(j, j + 1))
    }
    /// Where a capitalised run `[i, j)` continues past token `j` although `j`
    /// is not capitalised: a hyphenated given name ("Ban Ki-moon", "Park
    /// Geun-hye": two short parts after a capitalised word), a nickname in
    /// quotation marks between given name and surname (`Robert C. "Bobby"
    /// Scott`), or "and" inside an organisation's name ("United States
    /// Citizenship and Immigration Services": the part after it ends in an
    /// organisation head).
    fn name_continuation(&self, i: usize, j: usize) -> Option<usize> {
        if !self.same_sentence(i, j + 1) {
            return None;
        }
        let short = |k: usize, upper: bool| {
            let w = self.raw(k);
            let n = w.chars().count();
            self.is_word(k)
                && (1..=4).contains(&n)
                && w.chars().all(char::is_alphabetic)
                && w.chars().next().is_some_and(|c| c.is_uppercase() == upper)
        };
        let raw = self.raw(j);
        if raw == "-"
            && j >= i + 2
            && self.adjacent(j - 1, j)
            && self.adjacent(j, j + 1)
            && short(j - 1, true)
            && short(j + 1, false)
            && self.is_cap(j - 2)
            && !self.lex.function_words().contains(self.raw(j - 2))
        {
            return Some(j + 2);
        }
        // The full stop of a middle initial ("C.") may be a token of its own.
        let q = if raw == "." && self.adjacent(j - 1, j) && self.raw(j - 1).chars().count() == 1 { j + 1 } else { j };
        if self.same_sentence(i, q + 3)
            && matches!(self.doc.tokens[q].kind, TokenKind::Quote { .. })
            && self.is_cap(q + 1)
            && matches!(self.doc.tokens[q + 2].kind, TokenKind::Quote { .. })
            && self.is_cap(q + 3)
            && (i..j).any(|k| self.lex.first_names().contains_key(self.words.get(k)))
        {
            return Some(q + 4);
        }
        if matches!(raw, "and" | "&") && self.is_cap(j + 1) && !self.lex.first_names().contains_key(self.words.get(i)) {
            let mut k = j + 1;
            while self.same_sentence(i, k) && self.is_cap(k) && k - i < 10 {
                k += 1;
            }
            if k - (j + 1) >= 1 && k - (j + 1) <= 3 && self.lex.org_heads().contains(self.raw(k - 1)) {
                return Some(k);
            }
        }
        None
    }
    /// Is `[a, b)` a title, optionally led by a country or demonym ("US Secretary of State")?
    fn title_len_at(&self, a: usize, limit: usize) -> usize {
        let starts_title = |i: usize| self.lex.title_first_words().contains(self.words.get(i));
        let qualifier = |i: usize| self.is_nation(i) || self.is_org_prefix(i);
        if !(starts_title(a) || (qualifier(a) && a + 1 < limit && starts_title(a + 1))) {
            return 0;
        }
        let max = self.lex.max_title_words() + 2;
        // Asked once, not per phrase length (it does not depend on it).
        let qualified = qualifier(a);
        // One buffer for every phrase tried, not two strings per length.
        let mut phrase = String::new();
        for k in (1..=max.min(limit.saturating_sub(a))).rev() {
            lower_into(&mut phrase, self.text(a, a + k));
            if self.lex.is_title(&phrase) {
                return k;
            }
            if k >= 2 && qualified {
                lower_into(&mut phrase, self.text(a + 1, a + k));
                if self.lex.is_title(&phrase) {
                    return k;
                }
            }
        }
        0
    }
    /// An organisation before a title: "CBC Chairman", "FBI Director", "NATO
    /// Secretary-General" (a known organisation or an acronym).
    fn is_org_prefix(&self, i: usize) -> bool {
        let w = self.raw(i);
        let acronym = (2..=6).contains(&w.len()) && w.chars().all(|c| c.is_ascii_uppercase());
        acronym || self.lex.organizations().contains_key(self.words.get(i))
    }
    fn is_nation(&self, i: usize) -> bool {
        let w = self.raw(i);
        self.lex.demonyms().contains_key(w) || self.lex.places().contains(w)
    }
    fn known_name(&self, a: usize, b: usize) -> Option<(EntityType, String)> {
        if !self.lex.name_first_words().contains(self.words.get(a)) {
            return None;
        }
        let s = self.text(a, b);
        let lower = s.to_lowercase();
        // `Marcia "Cia" Price`: a short acronym counts only in capitals.
        if self.lex.acronyms().contains(&lower) && s.chars().any(char::is_lowercase) {
            return None;
        }
        if let Some(c) = self.lex.media().get(&lower) {
            return Some((EntityType::Media, c.clone()));
        }
        if let Some(c) = self.lex.organizations().get(&lower) {
            return Some((EntityType::Organization, c.clone()));
        }
        if self.lex.places().contains(s) {
            return Some((EntityType::Place, s.to_string()));
        }
        None
    }
    /// "Purcell, a Republican, said": a cue after an apposition closed by a comma.
    fn cue_follows_apposition(&self, i: usize) -> bool {
        if self.words.get(i + 1) != "," {
            return false;
        }
        (i + 3..(i + 16).min(self.n()))
            .take_while(|&j| self.same_sentence(i, j))
            .any(|j| self.words.get(j) == "," && self.cue_follows(j))
    }

    /// A cue verb follows token `i`, allowing auxiliaries and adverbs between.
    fn cue_follows(&self, i: usize) -> bool {
        let mut j = i + 1;
        let mut skipped = 0;
        while j < self.n() && self.same_sentence(i, j) && skipped < 3 {
            if let Some(m) = self.words.cue(j) {
                return !m.cue.source_after && is_verbal_use(self.words, j);
            }
            if self.words.is_auxiliary(j) || self.words.is_adverb(j) {
                j += 1;
                skipped += 1;
            } else {
                return false;
            }
        }
        false
    }
}

/// `*buf = s.to_lowercase()`, reusing the buffer when `s` is ASCII (whose
/// lower case is byte for byte; other text takes the general path, which
/// knows context-dependent letters).
fn lower_into(buf: &mut String, s: &str) {
    if s.is_ascii() {
        buf.clear();
        buf.push_str(s);
        buf.make_ascii_lowercase();
    } else {
        *buf = s.to_lowercase();
    }
}

fn mention(span: Span, kind: MentionKind, etype: EntityType) -> Mention {
    Mention { span, kind, etype, name: None, title: None, metonymic: false, entity: None, in_quote: false }
}

/// A single capitalised word that becomes a person only with support.
struct Single {
    token: usize,
    start: usize,
    title: Option<String>,
}

/// Fills `doc.mentions`; needs tokens, sentences and quotations.
pub fn find_mentions(doc: &mut Document, lex: &Lexicon, words: &Words) {
    let caps = doc
        .tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            t.kind == TokenKind::Word
                && words.get(i) != "'s"
                && doc.slice(t.span).chars().next().is_some_and(char::is_uppercase)
        })
        .collect();
    let mut cx = Ctx { doc, words, lex, caps, body_caps: HashSet::default() };
    let body_caps = (0..cx.n()).filter(|&i| cx.caps[i] && !cx.in_headline(i)).map(|i| words.get(i)).collect();
    cx.body_caps = body_caps;
    let n = cx.n();
    let mut out: Vec<Mention> = Vec::new();
    let mut covered = vec![false; n];
    let mut singles: Vec<Single> = Vec::new();

    // 1. Capitalised runs.
    let mut i = 0;
    while i < n {
        if !cx.is_cap(i) {
            i += 1;
            continue;
        }
        let mut j = i + 1;
        loop {
            if cx.same_sentence(i, j) && cx.is_cap(j) {
                j += 1;
            } else if cx.same_sentence(i, j + 1) && cx.is_connector(j) && cx.is_cap(j + 1) {
                j += 2;
            } else if cx.same_sentence(i, j + 2)
                && lex.org_heads().contains(cx.raw(i))
                && cx.is_connector(j)
                && lex.is_article(words.get(j + 1))
                && cx.is_cap(j + 2)
            {
                // "Committee for a Responsible Federal Budget".
                j += 3;
            } else if cx.same_sentence(i, j + 1)
                && lex.org_heads().contains(cx.raw(i))
                && cx.raw(j) == "and"
                && cx.is_cap(j + 1)
                && j - i < 12
                && (i + 1..j).any(|t| cx.is_connector(t))
            {
                // "Center for Media and Public Affairs", "Committee on
                // Oversight and Government Reform".
                j += 2;
            } else if let Some(k) = cx.name_continuation(i, j) {
                j = k;
            } else {
                break;
            }
        }
        process_run(&cx, i, j, &mut out, &mut singles, &mut covered);
        i = j;
    }

    // 2. Single capitalised words: person with support, else dropped.
    let mut surnames: HashSet<&str> = HashSet::default();
    let mut firstnames: HashSet<&str> = HashSet::default();
    for m in &out {
        if m.etype == EntityType::Person {
            if let Some(name) = m.name {
                let name = doc.slice(name);
                let mut parts = name.split_whitespace();
                let first = parts.next();
                if let Some(last) = name.split_whitespace().last() {
                    if Some(last) != first {
                        surnames.insert(last);
                        firstnames.extend(first);
                    }
                }
            }
        }
    }
    // Which sentence-initial candidates also occur in lower case: one pass over
    // the tokens against the (few) candidates, not a set of every word.
    let mut initial_candidates: Vec<&str> = singles
        .iter()
        .filter(|s| s.token == 0 || doc.tokens[s.token - 1].sentence != doc.tokens[s.token].sentence)
        .map(|s| words.get(s.token))
        .collect();
    initial_candidates.sort_unstable();
    initial_candidates.dedup();
    let candidate_set: HashSet<&str> =
        if initial_candidates.len() > 8 { initial_candidates.iter().copied().collect() } else { HashSet::default() };
    let mut lowercase_words: HashSet<&str> = HashSet::default();
    if !initial_candidates.is_empty() {
        for i in 0..n {
            if !cx.caps[i] && cx.is_word(i) {
                let w = words.get(i);
                // A few candidates: compare directly; many: one hash per word.
                let hit =
                    if candidate_set.is_empty() { initial_candidates.contains(&w) } else { candidate_set.contains(w) };
                if hit {
                    lowercase_words.insert(w);
                }
            }
        }
    }
    // A surname supported once (by a cue: "Clinton said") is a person
    // everywhere in the article ("On Monday night, Clinton leaned in").
    let supported_words: HashSet<&str> = singles
        .iter()
        .filter(|s| s.title.is_some() || cx.cue_follows(s.token) || cx.cue_follows_apposition(s.token))
        .map(|s| cx.raw(s.token))
        .filter(|w| !lex.group_nouns().contains(&w.to_lowercase()) && !lex.demonyms().contains_key(*w))
        .collect();
    for s in &singles {
        let word = cx.raw(s.token);
        if lex.group_nouns().contains(words.get(s.token)) {
            let mut m = mention(cx.span(s.token, s.token + 1), MentionKind::Group, EntityType::Group);
            m.name = Some(m.span);
            out.push(m);
            covered[s.token] = true;
            continue;
        }
        if lex.demonyms().contains_key(word) && s.title.is_none() {
            continue;
        }
        let sentence_initial = s.token == 0 || doc.tokens[s.token - 1].sentence != doc.tokens[s.token].sentence;
        // "Health worries have dogged …": a sentence-initial common noun, seen
        // in lower case elsewhere in the article, is not a surname.
        let colon_after = sentence_initial && words.get(s.token + 1) == ":";
        if sentence_initial && !colon_after && s.title.is_none() && lowercase_words.contains(words.get(s.token)) {
            continue;
        }
        if sentence_initial && s.title.is_none() && word.ends_with("ing") {
            continue;
        }
        // "Sanders: Endorsements prove …" (a headline attribution).
        let supported = colon_after
            || s.title.is_some()
            || surnames.contains(word)
            || firstnames.contains(word)
            || supported_words.contains(word)
            || cx.cue_follows(s.token)
            || cx.cue_follows_apposition(s.token);
        if supported && word.chars().count() > 1 {
            let mut m =
                mention(Span::new(s.start, doc.tokens[s.token].span.end), MentionKind::Name, EntityType::Person);
            m.name = Some(doc.tokens[s.token].span);
            m.title = s.title.clone();
            out.push(m);
            covered[s.token] = true;
        }
    }

    // 3. Lower-case led mentions: pronouns, titles, groups, nominals.
    let mut i = 0;
    while i < n {
        if covered[i] || !cx.is_word(i) {
            i += 1;
            continue;
        }
        let w = words.get(i);
        if let Some(t) = lex.pronouns().get(w) {
            if t == whosaid_lexicon::RELATIVE_PRONOUN {
                // Only with an antecedent: see `relative_pronouns`.
                i += 1;
                continue;
            }
            let etype = match t.as_str() {
                "group" => EntityType::Group,
                "organization" => EntityType::Organization,
                _ => EntityType::Person,
            };
            out.push(mention(doc.tokens[i].span, MentionKind::Pronoun, etype));
            i += 1;
            continue;
        }
        if lex.is_article(w) {
            // "the (US) secretary of state", "the outlet"
            let mut k = i + 1;
            if k < n && cx.is_word(k) && cx.is_nation(k) && cx.same_sentence(i, k) {
                k += 1;
            }
            let tl = if k < n && cx.same_sentence(i, k) { cx.title_len_at(k, n) } else { 0 };
            let end = k + tl;
            let all_lower_title = tl > 0 && (k..end).all(|t| !cx.is_cap(t));
            if tl > 0 && all_lower_title && !cx.is_cap(end) && cx.same_sentence(i, end - 1) {
                let mut m = mention(cx.span(i, end), MentionKind::Title, EntityType::Person);
                m.title = Some(cx.text(i + 1, end).to_string());
                out.push(m);
                i = end;
                continue;
            }
            // "A 2014 study", "a 46-page suicide analysis": a document keeps
            // its modifiers (numbers and lower-case words).
            let mut h = i + 1;
            while h < n
                && h - i <= 4
                && cx.same_sentence(i, h)
                && !cx.is_cap(h)
                && !lex.nominals().contains_key(words.get(h))
                && (doc.tokens[h].kind == TokenKind::Number
                    || (cx.is_word(h)
                        && !lex.function_words().contains(cx.raw(h))
                        && !lex.verb_forms().contains_key(words.get(h))
                        && !lex.group_nouns().contains(words.get(h)))
                    || (cx.raw(h) == "-" && h > i + 1 && cx.adjacent(h - 1, h)))
            {
                h += 1;
            }
            let document_head = h > i + 1
                && h < n
                && cx.same_sentence(i, h)
                && !cx.is_cap(h)
                && lex.nominals().get(words.get(h)).is_some_and(|t| t == "document")
                && words.get(h + 1) != "of";
            if document_head {
                let mut m = mention(cx.span(i, h + 1), MentionKind::Nominal, EntityType::Document);
                m.name = Some(cx.span(h, h + 1));
                out.push(m);
                i = h + 1;
                continue;
            }
            if i + 1 < n && cx.same_sentence(i, i + 1) && !cx.is_cap(i + 1) {
                if let Some(t) = lex.nominals().get(words.get(i + 1)) {
                    if words.get(i + 2) != "of" {
                        let mut m = mention(cx.span(i, i + 2), MentionKind::Nominal, nominal_type(t));
                        m.name = Some(cx.span(i + 1, i + 2));
                        out.push(m);
                        i += 2;
                        continue;
                    }
                }
            }
        }
        if lex.group_nouns().contains(w) && !cx.is_cap(i) {
            // Extend left over modifiers and nations: "senior Russian officials".
            let mut s = i;
            while s > 0 && cx.same_sentence(i, s - 1) && i - (s - 1) <= 3 {
                let p = s - 1;
                let pw = words.get(p);
                // "Central European leaders", "South Korean officials".
                let qualifies_nation = cx.is_cap(p)
                    && p + 1 < i
                    && cx.is_nation(p + 1)
                    && !lex.function_words().contains(cx.raw(p))
                    && !lex.is_np_determiner(pw);
                if (cx.is_word(p) && cx.is_nation(p)) || lex.group_modifiers().contains(pw) || qualifies_nation {
                    s = p;
                } else {
                    break;
                }
            }
            let name_start = s;
            if s > 0 && cx.same_sentence(i, s - 1) && cx.lex.is_np_determiner(words.get(s - 1)) {
                s -= 1;
            }
            let mut m = mention(cx.span(s, i + 1), MentionKind::Group, EntityType::Group);
            m.name = Some(cx.span(name_start, i + 1));
            out.push(m);
        }
        i += 1;
    }

    // 3b. Named documents: "A Government Accountability Office report", "a
    //     new Washington Post-ABC News national poll".
    named_documents(&cx, &mut out);
    // 3c. Named people in a coordination speak together: "Sens. Charles E.
    //     Grassley and Patrick J. Leahy said", and are "they" after.
    coordinated_people(&cx, &mut out);

    // 4. Speaker noun phrases: a cue with no mention at its speaker position
    //    gets the noun phrase found there ("another source said", "A Bloomberg
    //    poll shows", "according to the poll", "…, said a campaign aide").
    speaker_phrases(&cx, &mut out);

    // 5. Relative pronouns that can speak: "Mr. Kamin, who emphasized that …",
    //    and transcript speakers ("PENCE: Well, look, …").
    out.sort_by(|a, b| a.span.start.cmp(&b.span.start).then(b.span.end.cmp(&a.span.end)));
    relative_pronouns(&cx, &mut out);
    let mut turns = Vec::new();
    for p in 0..doc.paragraphs.len() {
        if let Some((a, b, _)) = transcript_turn(doc, words, p) {
            let span = cx.span(a, b);
            turns.push(span);
            // A mention already there wins: the stable sort and dedup below keep the first.
            out.push(mention(span, MentionKind::Name, EntityType::Person));
        }
    }

    // 6. Metonymy and quote flags.
    for m in &mut out {
        // A transcript speaker opens the quoted turn but is not quoted.
        m.in_quote = in_quotation(doc, m.span) && turns.binary_search(&m.span).is_err();
        if m.etype == EntityType::Place && m.kind == MentionKind::Name {
            let last_tok = doc.tokens.partition_point(|t| t.span.start < m.span.end) - 1;
            let place = doc.slice(m.name.unwrap_or(m.span));
            if lex.metonyms().contains_key(place) && cx.cue_follows(last_tok) {
                m.metonymic = true;
            }
        }
    }
    out.sort_by(|a, b| a.span.start.cmp(&b.span.start).then(b.span.end.cmp(&a.span.end)));
    out.dedup_by(|a, b| a.span == b.span);
    doc.mentions = out;
}

/// A transcript turn at the start of paragraph `p`: an optional opening
/// quotation mark, a speaker in capitals ("PENCE", "CHRIS WALLACE"), a colon.
/// Returns the speaker's token range and the colon's token.
pub fn transcript_turn(doc: &Document, words: &Words, p: usize) -> Option<(usize, usize, usize)> {
    let para = doc.paragraphs.get(p)?;
    let mut a = doc.token_at(para.span.start);
    if matches!(doc.tokens.get(a)?.kind, TokenKind::Quote { open: true, .. }) {
        a += 1;
    }
    let capitals = |k: usize| {
        let t = doc.slice(doc.tokens[k].span);
        doc.tokens[k].kind == TokenKind::Word
            && t.chars().filter(|c| c.is_alphabetic()).count() >= 2
            && t.chars().all(|c| !c.is_lowercase())
    };
    let mut b = a;
    while b < doc.tokens.len() && b - a < 3 && doc.tokens[b].span.end <= para.span.end && capitals(b) {
        b += 1;
    }
    let colon = b;
    let is_colon =
        b > a && doc.tokens.get(colon).is_some_and(|t| t.span.end <= para.span.end) && words.get(colon) == ":";
    // Something must be said after the colon, in the same paragraph.
    let said = doc.tokens.get(colon + 1).is_some_and(|t| t.span.end <= para.span.end);
    (is_colon && said).then_some((a, b, colon))
}

/// The mention a relative pronoun at token `i` refers back to: the mention
/// ending right before it, or before a comma right before it ("Mr. Kamin, who
/// …"); the outermost when several end there. `mentions` are sorted by start.
pub fn relative_antecedent(doc: &Document, mentions: &[Mention], i: usize) -> Option<usize> {
    let at = |k: usize| doc.tokens.get(k).map(|t| t.span.start);
    let before = i.checked_sub(1)?;
    let comma = doc.slice(doc.tokens[before].span) == ",";
    let end_tok = if comma { before } else { i };
    let end = at(end_tok)?;
    let sentence = doc.tokens[i].sentence;
    let (lo, hi) = starting_in(doc, mentions, sentence, end);
    mentions[lo..hi]
        .iter()
        .enumerate()
        .map(|(k, m)| (lo + k, m))
        .filter(|(_, m)| {
            let last = doc.token_at(m.span.end).saturating_sub(1);
            doc.tokens.get(last).is_some_and(|t| t.span.end <= end && t.sentence == sentence)
                && doc.slice(Span::new(m.span.end, end)).trim().is_empty()
        })
        .max_by_key(|(k, m)| (m.span.len(), std::cmp::Reverse(*k)))
        .map(|(k, _)| k)
}

/// A relative pronoun is a mention of its own (so a statement's speaker can be
/// the pronoun, as in PolNeAR, and still resolve to the person) when it follows
/// a mention that can speak: a person, group or organisation; "which" never
/// for a person.
fn relative_pronouns(cx: &Ctx, out: &mut Vec<Mention>) {
    let doc = cx.doc;
    let mut found = Vec::new();
    for i in 1..cx.n() {
        let w = cx.words.get(i);
        if !cx.words.is_relative(i) || cx.is_cap(i) {
            continue;
        }
        let Some(a) = relative_referent(doc, out, i) else {
            continue;
        };
        let ante = &out[a];
        let etype = ante.etype;
        let fits = match etype {
            EntityType::Person => w == "who",
            EntityType::Group | EntityType::Organization | EntityType::Media => true,
            EntityType::Place => ante.metonymic,
            // "the report, which found".
            EntityType::Document => w != "who",
        };
        if fits && !ante.in_quote {
            found.push(mention(doc.tokens[i].span, MentionKind::Pronoun, etype));
        }
    }
    out.extend(found);
}

/// What the relative pronoun at token `i` stands for: its antecedent, or for
/// "who" after an apposition ("David Kamin, a professor at New York
/// University, who said") the person the apposition describes.
pub fn relative_referent(doc: &Document, mentions: &[Mention], i: usize) -> Option<usize> {
    let a = relative_antecedent(doc, mentions, i)?;
    let who = doc.slice(doc.tokens[i].span).eq_ignore_ascii_case("who");
    if who && mentions[a].etype != EntityType::Person {
        return apposed_person(doc, mentions, a);
    }
    Some(a)
}

/// The person mention an apposition ending in mention `a` describes: the
/// name before the apposition's opening comma, within one clause.
fn apposed_person(doc: &Document, out: &[Mention], a: usize) -> Option<usize> {
    let end = doc.token_at(out[a].span.start);
    let sentence = doc.tokens.get(end)?.sentence;
    let lo = end.saturating_sub(MAX_APPOSITION);
    let comma =
        (lo..end).rev().find(|&k| doc.tokens[k].sentence == sentence && doc.slice(doc.tokens[k].span) == ",")?;
    let at = doc.tokens[comma].span.start;
    let (lo, hi) = starting_in(doc, out, sentence, at);
    out[lo..hi]
        .iter()
        .enumerate()
        .map(|(k, m)| (lo + k, m))
        .filter(|(_, m)| m.etype == EntityType::Person && m.kind == MentionKind::Name)
        .find(|(_, m)| m.span.end <= at && doc.slice(Span::new(m.span.end, at)).trim().is_empty())
        .map(|(k, _)| k)
}

/// The index range of `mentions` (sorted by start) that start in sentence
/// `sentence` before byte `end`: bounded work per relative pronoun.
fn starting_in(doc: &Document, mentions: &[Mention], sentence: usize, end: usize) -> (usize, usize) {
    let from = doc.sentences.get(sentence).map_or(0, |s| s.span.start);
    let lo = mentions.partition_point(|m| m.span.start < from);
    let hi = mentions.partition_point(|m| m.span.start < end).max(lo);
    (lo, hi)
}

/// How many tokens an apposition may span ("a law professor at New York University").
const MAX_APPOSITION: usize = 12;

/// Whether `span` lies inside a quotation (quotations are sorted and disjoint).
fn in_quotation(doc: &Document, span: Span) -> bool {
    let qi = doc.quotations.partition_point(|q| q.span.start <= span.start);
    qi > 0 && doc.quotations[qi - 1].span.contains(span)
}

/// The entity type a `nominals.txt` type names.
fn nominal_type(t: &str) -> EntityType {
    match t {
        "media" => EntityType::Media,
        "document" => EntityType::Document,
        _ => EntityType::Organization,
    }
}

/// A name followed by a document noun (`nominals.txt` type `document`),
/// with at most two lower-case modifiers between, is the document the name
/// issued: "A Quinnipiac University poll", "the New York Times/CBS News
/// poll", "a new Washington Post-ABC News national poll". The phrase is a
/// nominal mention of its own (the name inside keeps its mention), so a
/// speaker search finds the longer one and the entity is the document, as
/// the article names it.
fn named_documents(cx: &Ctx, out: &mut Vec<Mention>) {
    let doc = cx.doc;
    let n = cx.n();
    let mut names: Vec<(usize, usize)> = out
        .iter()
        .filter(|m| m.kind == MentionKind::Name && m.etype != EntityType::Person)
        .map(|m| (doc.token_at(m.span.start), doc.token_at(m.span.end)))
        .collect();
    names.sort_unstable();
    let mut found = Vec::new();
    for (k, &(a, b)) in names.iter().enumerate() {
        let mut t = b;
        while t < n
            && t - b < 2
            && cx.same_sentence(a, t)
            && cx.is_word(t)
            && !cx.is_cap(t)
            && !cx.lex.nominals().contains_key(cx.words.get(t))
            && !cx.lex.function_words().contains(cx.raw(t))
            && !cx.lex.verb_forms().contains_key(cx.words.get(t))
        {
            t += 1;
        }
        let is_document = |t: usize| {
            t < n && cx.same_sentence(a, t) && cx.lex.nominals().get(cx.words.get(t)).is_some_and(|x| x == "document")
        };
        if !is_document(t) {
            continue;
        }
        // "New York Times/CBS News": a name joined to this one by "/" or "-".
        let mut name_start = a;
        if k > 0 {
            let (pa, pb) = names[k - 1];
            if pb + 1 == a && matches!(cx.raw(pb), "/" | "-") && cx.adjacent(pb, a) {
                name_start = pa;
            }
        }
        // A determiner and one modifier before: "a new …".
        let mut start = name_start;
        if start > 0 && cx.same_sentence(start - 1, a) && cx.is_word(start - 1) {
            let w = cx.words.get(start - 1);
            if cx.lex.is_np_determiner(w) {
                start -= 1;
            } else if start > 1
                && !cx.is_cap(start - 1)
                && cx.lex.is_np_determiner(cx.words.get(start - 2))
                && !cx.lex.function_words().contains(cx.raw(start - 1))
                && !cx.lex.verb_forms().contains_key(w)
            {
                start -= 2;
            }
        }
        let mut m = mention(cx.span(start, t + 1), MentionKind::Nominal, EntityType::Document);
        m.name = Some(cx.span(name_start, t + 1));
        found.push(m);
    }
    out.extend(found);
}

/// Two to four person names joined by "and" (and commas before it: "Jeff
/// Merkley, Sherrod Brown and Robert Menendez"), in one sentence outside
/// quotations, are also one group mention; its name runs from the first name
/// (after its title) to the last. The names keep their own mentions.
fn coordinated_people(cx: &Ctx, out: &mut Vec<Mention>) {
    let doc = cx.doc;
    let mut people: Vec<(usize, usize, usize)> = out
        .iter()
        .enumerate()
        .filter(|(_, m)| m.kind == MentionKind::Name && m.etype == EntityType::Person)
        .map(|(k, m)| (doc.token_at(m.span.start), doc.token_at(m.span.end), k))
        .collect();
    people.sort_unstable();
    let mut found = Vec::new();
    let mut k = 0;
    while k < people.len() {
        // Extend over ", Name" and a final "and Name" ("(D-Ore.)" notes between allowed).
        let mut last = k;
        let mut joined_by_and = false;
        while last + 1 < people.len() && last - k < 3 && !joined_by_and {
            let (_, end, _) = people[last];
            let (next, _, _) = people[last + 1];
            let mut t = end;
            if t < next && cx.words.get(t) == "(" {
                match (t + 1..next.min(t + 10)).find(|&i| cx.words.get(i) == ")") {
                    Some(close) => t = close + 1,
                    None => break,
                }
            }
            let gap: Vec<&str> = (t..next).map(|i| cx.words.get(i)).collect();
            match gap[..] {
                ["and"] | [",", "and"] => {
                    joined_by_and = true;
                    last += 1;
                }
                [","] => last += 1,
                _ => break,
            }
        }
        if joined_by_and
            && cx.same_sentence(people[k].0, people[last].1 - 1)
            && !in_quotation(doc, doc.tokens[people[k].0].span)
        {
            let first = &out[people[k].2];
            let name_start = first.name.map_or(first.span.start, |n| n.start);
            let end = out[people[last].2].span.end;
            let mut m = mention(Span::new(first.span.start, end), MentionKind::Group, EntityType::Group);
            m.name = Some(Span::new(name_start, end));
            found.push(m);
            k = last + 1;
        } else {
            k += 1;
        }
    }
    out.extend(found);
}

fn speaker_phrases(cx: &Ctx, out: &mut Vec<Mention>) {
    let doc = cx.doc;
    let n = cx.n();
    let mut starts = vec![false; n + 1];
    let mut ends = vec![false; n + 1];
    // The name mention (not a place's) ending at each token, for role phrases.
    let mut name_ending: Vec<Option<usize>> = vec![None; n + 1];
    // The furthest end of a name mention starting at each token.
    let mut name_reach = vec![0usize; n + 1];
    for (mi, m) in out.iter().enumerate() {
        starts[doc.token_at(m.span.start)] = true;
        ends[doc.token_at(m.span.end)] = true;
        if m.kind == MentionKind::Name {
            let s = doc.token_at(m.span.start);
            name_reach[s] = name_reach[s].max(doc.token_at(m.span.end));
        }
        if m.kind == MentionKind::Name && (m.etype != EntityType::Place || m.metonymic) {
            name_ending[doc.token_at(m.span.end)].get_or_insert(mi);
        }
    }
    // A cue word inside a name is part of the name ("Secretary of State").
    let mut inside = vec![false; n];
    for m in out.iter() {
        for t in inside.iter_mut().take(doc.token_at(m.span.end)).skip(doc.token_at(m.span.start)) {
            *t = true;
        }
    }
    let mut i = 0;
    while i < n {
        if inside[i] {
            i += 1;
            continue;
        }
        let Some(cm) = cx.words.cue(i) else {
            i += 1;
            continue;
        };
        let mut found = None;
        // A role phrase over a name: its first token and the role word's.
        let mut role: Option<(usize, usize)> = None;
        if cm.cue.source_after {
            if !starts[cm.end.min(n)] {
                found = np_forward(cx, cm.end).map(|e| (cm.end, e));
            }
        } else if is_verbal_use(cx.words, i) {
            let mut p = i;
            while p > 0 && cx.same_sentence(p - 1, i) && i - p < 4 && !inside[p - 1] {
                if cx.words.is_auxiliary(p - 1) || cx.words.is_adverb(p - 1) {
                    p -= 1;
                } else {
                    break;
                }
            }
            let after_comma = p > 0
                && cx.same_sentence(p - 1, i)
                && (cx.words.get(p - 1) == ","
                    || matches!(doc.tokens[p - 1].kind, TokenKind::Quote { close: true, .. }));
            if after_comma {
                if !starts[cm.end.min(n)] && cx.same_sentence(i, cm.end) {
                    found = np_forward(cx, cm.end).map(|e| (cm.end, e));
                }
            } else if p > 0 && !ends[p] && cx.same_sentence(p - 1, i) {
                found = np_back(cx, p).map(|s| (s, p));
            } else if p > 0 && ends[p] {
                role = name_ending[p].and_then(|mi| role_of_name(cx, &out[mi], p));
                found = role.map(|(s, _)| (s, p));
            }
        }
        // "according to the event organizer Alliance to Reclaim Our Schools":
        // a phrase that cuts a name in two is no nominal of its own (the
        // speaker is the name after its descriptor).
        let found = found.filter(|&(a, b)| role.is_some() || !(a + 1..b).any(|t| name_reach[t] > b));
        if let Some((a, b)) = found {
            let head = cx.words.get(role.map_or(b - 1, |(_, h)| h));
            let etype = match cx.lex.nominals().get(head) {
                Some(t) => nominal_type(t),
                None if cx.lex.titles().contains(head) => EntityType::Person,
                None if head.ends_with('s') && !head.ends_with("ss") => EntityType::Group,
                None => EntityType::Organization,
            };
            let name_start = if cx.lex.is_np_determiner(cx.words.get(a)) && b - a > 1 { a + 1 } else { a };
            let mut m = mention(cx.span(a, b), MentionKind::Nominal, etype);
            m.name = Some(cx.span(name_start, b));
            out.push(m);
            starts[a] = true;
            ends[b] = true;
        }
        i = cm.end.max(i + 1);
    }
}

/// "A spokeswoman for Hillary Clinton says", "a lawyer for the family",
/// "the chair of the DNC": a role phrase whose complement is a name speaks,
/// not the name. Returns the phrase's first token when the name ending at
/// `p` (`name`) follows "for", "of" or "to" after a determiner and a role word (a
/// title of the lexicon), with the role word's token.
fn role_of_name(cx: &Ctx, name: &Mention, p: usize) -> Option<(usize, usize)> {
    let doc = cx.doc;
    let s = doc.token_at(name.span.start);
    // "for the family": the name's own determiner.
    let s = if s > 0 && cx.words.get(s - 1) == "the" { s - 1 } else { s };
    if s < 3 || !matches!(cx.words.get(s - 1), "for" | "of" | "to") || !cx.same_sentence(s - 3, p - 1) {
        return None;
    }
    let head = cx.words.get(s - 2);
    if !cx.lex.titles().contains(head) {
        return None;
    }
    let a = s - 3;
    cx.lex.is_article(cx.words.get(a)).then_some((a, s - 2))
}

fn np_ok(cx: &Ctx, a: usize, b: usize) -> bool {
    if a >= b {
        return false;
    }
    let head = cx.words.get(b - 1);
    let det = cx.lex.is_np_determiner(cx.words.get(a)) || cx.doc.tokens[a].kind == TokenKind::Number;
    let lone_det =
        b - a == 1 && det && !matches!(head, "all" | "both" | "many" | "most" | "some" | "several" | "others" | "few");
    (det || cx.is_cap(a) || (head.ends_with('s') && !head.ends_with("ss")))
        && !lone_det
        && !cx.lex.is_np_boundary(head)
        && !matches!(head, "to" | "of" | "for" | "'s" | "-")
        // "The agency isn't": a negated auxiliary ends the phrase before it.
        && !head.ends_with("n't")
        && !head.ends_with("n’t")
        && !cx.lex.function_words().contains(cx.raw(b - 1))
        && cx.is_word(b - 1)
        && noun_like_head(cx, head)
}

/// Whether a phrase's last word can head a speaker noun phrase. Without word
/// classes, the forms that are never nouns here: prepositions ("Pagliano took
/// place despite"), adverbs, gerunds and participles ("began taking") unless a
/// lexicon knows the word as a speaker noun ("the meeting" is not one).
fn noun_like_head(cx: &Ctx, head: &str) -> bool {
    let known =
        cx.lex.titles().contains(head) || cx.lex.nominals().contains_key(head) || cx.lex.group_nouns().contains(head);
    known
        || !(cx.lex.prepositions().contains(head)
            || cx.lex.is_adverb(head)
            || (head.ends_with("ing") && head.chars().count() > 5))
}

/// The noun phrase ending right before token `p` (a cue), scanning back.
fn np_back(cx: &Ctx, p: usize) -> Option<usize> {
    let mut k = p;
    let mut start = None;
    while k > 0 && cx.same_sentence(k - 1, p - 1) && p - k < 8 {
        let t = k - 1;
        let w = cx.words.get(t);
        // "63 percent said …": a number opens the phrase like a determiner.
        if cx.doc.tokens[t].kind == TokenKind::Number {
            k -= 1;
            start = Some(k);
            break;
        }
        let joins = cx.is_word(t) || w == "'s" || (w == "-" && t > 0 && cx.adjacent(t - 1, t));
        // "Those close to him", "Trump to stop": a preposition (but "of", as in
        // "a member of the panel") ends the phrase.
        let preposition = w != "of" && cx.lex.prepositions().contains(w);
        // "The former first lady and U.S. senator said": two roles of one person.
        let roles_joined = w == "and"
            && t >= 2
            && k < p
            && (cx.lex.titles().contains(cx.words.get(t - 1))
                || cx.lex.is_title(&format!("{} {}", cx.words.get(t - 2), cx.words.get(t - 1))));
        if !joins
            || preposition
            || (cx.lex.is_np_boundary(w) && !roles_joined)
            || cx.lex.verb_forms().contains_key(w) && !cx.lex.is_np_determiner(w)
        {
            break;
        }
        k -= 1;
        start = Some(k);
        if cx.lex.is_np_determiner(w) {
            break;
        }
    }
    let s = start?;
    np_ok(cx, s, p).then_some(s)
}

/// The noun phrase starting at token `a` ("the poll", "a campaign aide").
fn np_forward(cx: &Ctx, a: usize) -> Option<usize> {
    let mut k = a;
    while k < cx.n() && cx.same_sentence(a, k) && k - a < 8 {
        let w = cx.words.get(k);
        let joins = cx.is_word(k) || w == "'s" || (w == "-" && cx.adjacent(k - 1, k));
        if !joins || (k > a && cx.lex.is_np_boundary(w)) || (k > a && cx.lex.is_np_determiner(w)) {
            break;
        }
        k += 1;
    }
    np_ok(cx, a, k).then_some(k)
}

fn process_run(cx: &Ctx, a: usize, b: usize, out: &mut Vec<Mention>, singles: &mut Vec<Single>, covered: &mut [bool]) {
    let lex = cx.lex;
    let mut a2 = a;
    let mut det: Option<usize> = None;
    while a2 < b && lex.function_words().contains(cx.raw(a2)) {
        if cx.words.get(a2) == "the" {
            det = Some(a2);
        } else {
            det = None;
        }
        a2 += 1;
    }
    while a2 < b && cx.is_connector(a2) {
        a2 += 1;
    }
    if a2 >= b {
        return;
    }
    let det_before =
        det.or_else(|| (a2 > 0 && cx.words.get(a2 - 1) == "the" && cx.same_sentence(a2, a2 - 1)).then(|| a2 - 1));
    // Whole run (with "The") as a known media or organisation name.
    if let Some(d) = det_before {
        let lower = cx.text(d, b).to_lowercase();
        let hit = lex
            .media()
            .get(&lower)
            .map(|c| (EntityType::Media, c))
            .or_else(|| lex.organizations().get(&lower).map(|c| (EntityType::Organization, c)));
        if let Some((etype, _)) = hit {
            push_name(cx, out, covered, d, a2, b, etype, None);
            return;
        }
    }
    if let Some((etype, _)) = cx.known_name(a2, b) {
        if etype != EntityType::Place {
            push_name(cx, out, covered, det_before.unwrap_or(a2), a2, b, etype, None);
            return;
        }
    }
    // Place by its head word: "Marshall Islands", "Orange County".
    if b - a2 >= 2 && lex.place_heads().contains(cx.raw(b - 1)) && cx.title_len_at(a2, b) == 0 {
        push_name(cx, out, covered, a2, a2, b, EntityType::Place, None);
        return;
    }
    // Organisation by its head word: "UK Foreign Office", "Justice
    // Department", or a head with its complement: "United States Conference
    // of Mayors", "Federal Bureau of Prisons" (no title inside: "Bank of
    // America CEO Brian Moynihan" is a person).
    let head_with_complement = || {
        (a2 + 1..b.saturating_sub(2))
            .any(|t| lex.org_heads().contains(cx.raw(t)) && matches!(cx.raw(t + 1), "of" | "for"))
            && (a2..b).all(|t| cx.title_len_at(t, b) == 0)
    };
    if b - a2 >= 2 && (lex.org_heads().contains(cx.raw(b - 1)) || head_with_complement()) {
        push_name(cx, out, covered, det_before.unwrap_or(a2), a2, b, EntityType::Organization, None);
        // Nested places stay visible ("UK" in "UK Foreign Office").
        for t in a2..b - 1 {
            if lex.places().contains(cx.raw(t)) {
                push_name(cx, out, &mut [], t, t, t + 1, EntityType::Place, None);
            }
        }
        return;
    }
    // Organisation by its first word and a connector: "Alliance to Reclaim
    // Our Schools", "Center for Media and Public Affairs" (capitalised
    // function words after the connector belong to the name).
    if b - a2 >= 3
        && lex.org_heads().contains(cx.raw(a2))
        && cx.is_connector(a2 + 1)
        && cx.title_len_at(a2, b) == 0
        && (a2 + 2..b).all(|t| cx.is_cap(t) || cx.is_connector(t) || cx.raw(t) == "and")
    {
        push_name(cx, out, covered, a2, a2, b, EntityType::Organization, None);
        return;
    }
    // Title prefix: "US Secretary of State Marco Rubio", "President Donald Trump".
    // "…, Doctor Says": a title word right before a headline's cue is a
    // name of its own, not the title of a name.
    let tl = match cx.title_len_at(a2, b) {
        tl if tl > 0 && det_before.is_none() && a2 + tl < b && cx.words.cue(a2 + tl).is_some() => 0,
        tl => tl,
    };
    let mut title = None;
    let mut name_start = a2;
    let mut mention_start = a2;
    if tl > 0 {
        title = Some(cx.text(a2, a2 + tl).to_string());
        name_start = a2 + tl;
        // "then-President", "ex-Prime Minister"
        if a2 >= 2
            && cx.raw(a2 - 1) == "-"
            && matches!(cx.words.get(a2 - 2), "then" | "ex")
            && cx.adjacent(a2 - 2, a2 - 1)
        {
            mention_start = a2 - 2;
        } else if a2 >= 1 && matches!(cx.words.get(a2 - 1), "former" | "acting" | "interim") {
            mention_start = a2 - 1;
        }
        if name_start >= b {
            // A capitalised title alone ("The President said").
            if let Some(d) = det_before {
                let mut m = mention(cx.span(d, b), MentionKind::Title, EntityType::Person);
                m.title = title;
                out.push(m);
            }
            return;
        }
        for t in a2..name_start {
            if lex.places().contains(cx.raw(t)) {
                push_name(cx, out, &mut [], t, t, t + 1, EntityType::Place, None);
            }
        }
    } else if let Some((lt_start, lt)) = left_title(cx, a2) {
        title = Some(lt);
        mention_start = lt_start;
    }
    // Split the name part into known names and unknown chunks.
    let mut p = name_start;
    while p < b {
        let max = lex.max_name_words().max(1).min(b - p);
        let mut found = None;
        for len in (1..=max).rev() {
            if let Some((etype, _)) = cx.known_name(p, p + len) {
                found = Some((len, etype));
                break;
            }
        }
        if let Some((len, etype)) = found {
            let start = if p == name_start && etype != EntityType::Place { det_before.unwrap_or(p) } else { p };
            // "United Nations Security Council": a known organisation's name
            // and capitalised words up to an organisation head are one
            // body, not the organisation and a second one.
            let body_end = (etype == EntityType::Organization && p + len < b)
                .then(|| {
                    (p + len + 1..=b.min(p + len + 4)).rev().find(|&e| {
                        lex.org_heads().contains(cx.raw(e - 1))
                            && (p + len..e).all(|t| cx.is_word(t) && cx.is_cap(t) && cx.title_len_at(t, e) == 0)
                    })
                })
                .flatten();
            let end = body_end.unwrap_or(p + len);
            push_name(cx, out, covered, start, p, end, etype, None);
            p = end;
            continue;
        }
        let mut q = p + 1;
        while q < b && !(1..=lex.max_name_words().max(1).min(b - q)).any(|len| cx.known_name(q, q + len).is_some()) {
            q += 1;
        }
        let mut cs = p;
        let mut ce = q;
        while cs < ce && cx.is_connector(cs) {
            cs += 1;
        }
        while ce > cs && cx.is_connector(ce - 1) {
            ce -= 1;
        }
        let mut chunk_title = if p == name_start { title.clone() } else { None };
        let mut chunk_start = if p == name_start { mention_start } else { cs };
        // A title inside the chunk ("Air Force Gen. Norman Ham" after
        // "Retired U.S."), or opening a chunk after an organisation's name
        // ("Manhattan Supreme Court Justice Frank Nervo"): the name is what
        // follows the last one.
        let first = if chunk_title.is_none() && p != name_start { cs } else { cs + 1 };
        if let Some((t, tl)) = (first..ce).rev().map(|t| (t, cx.title_len_at(t, ce))).find(|&(t, tl)| {
            // Two or more name words, none a verb ("Retired General Reveals").
            tl > 0
                && t + tl + 1 < ce
                && (t + tl..ce).all(|k| {
                    !cx.is_word(k)
                        || (cx.is_cap(k) && !lex.verb_forms().contains_key(cx.words.get(k)))
                        // "Geun-hye"
                        || (k > 0 && cx.raw(k - 1) == "-")
                })
        }) {
            if chunk_title.is_none() {
                chunk_title = Some(cx.text(t, t + tl).to_string());
            }
            cs = t + tl;
        }
        // "of", "for", "&" join organisation names, never a person's:
        // "Ready for Trump" is a phrase, and the person, if any, is "Trump".
        if let Some(k) = (cs..ce).rev().find(|&k| matches!(cx.raw(k), "of" | "for" | "&")) {
            // "Cameron Easley for Morning Consult": a given name and surname,
            // then the organisation they speak for.
            let person_before = (2..=3).contains(&(k - cs))
                && lex.first_names().contains_key(cx.words.get(cs))
                && (cs..k).all(|t| cx.is_word(t) && cx.is_cap(t));
            if person_before && k + 1 < ce && cx.raw(k) != "&" {
                push_name(cx, out, covered, chunk_start, cs, k, EntityType::Person, chunk_title.take());
                push_name(cx, out, covered, k + 1, k + 1, ce, EntityType::Organization, None);
                p = q;
                continue;
            }
            if k + 1 < ce && !(cs..ce).any(|t| lex.org_heads().contains(cx.raw(t))) {
                cs = k + 1;
                chunk_title = None;
            }
        }
        // In a headline, capitals say little: a name keeps only the words the
        // body capitalises too ("Clinton Hid Past Health Problems" → "Clinton",
        // "Lindsey Graham Says" → "Lindsey Graham").
        if cx.in_headline(cs) && (cs..ce).filter(|&t| cx.is_word(t)).count() <= 4 {
            let seen = |t: usize| !cx.is_word(t) || cx.body_caps.contains(cx.words.get(t));
            if (cs..ce).any(|t| cx.is_word(t) && seen(t)) {
                while ce > cs && !seen(ce - 1) {
                    ce -= 1;
                }
                let from = cs;
                while cs < ce && !seen(cs) && !lex.first_names().contains_key(cx.words.get(cs)) {
                    cs += 1;
                }
                if cs != from {
                    chunk_start = cs;
                    chunk_title = None;
                }
            }
        }
        if ce - cs >= 2 && !lex.demonyms().contains_key(cx.raw(cs)) {
            // Title-case headlines ("Obama Says Museum Will Tell") are not names.
            // A capitalised auxiliary after a given name is a surname ("Theresa May").
            let surname_after_given = |t: usize| {
                t > cs
                    && lex.first_names().contains_key(cx.words.get(t - 1))
                    && !lex.verb_forms().contains_key(cx.words.get(t))
            };
            let looks_like_name = (cs..ce).filter(|&t| cx.is_word(t)).count() <= 4
                && (cs..ce).all(|t| {
                    let w = cx.raw(t);
                    let lower = cx.words.get(t);
                    !cx.is_word(t)
                        || cx.is_connector(t)
                        || (w.chars().count() > 1
                            && ((!lex.function_words().contains(w)
                                && !lex.verb_forms().contains_key(lower)
                                && !lex.is_auxiliary(lower))
                                || surname_after_given(t)))
                });
            if looks_like_name {
                push_name(cx, out, covered, chunk_start, cs, ce, EntityType::Person, chunk_title);
            } else {
                // A title-case headline still names people by first name and
                // surname ("Hillary Clinton Goes After Trump").
                let name_word = |t: usize| {
                    let w = cx.raw(t);
                    cx.is_word(t)
                        && cx.is_cap(t)
                        && w.chars().count() > 1
                        && !lex.function_words().contains(w)
                        && !lex.verb_forms().contains_key(cx.words.get(t))
                        && !lex.is_auxiliary(cx.words.get(t))
                };
                let mut t = cs;
                while t + 1 < ce {
                    // In a headline, the surname must be one the body capitalises.
                    let surname_seen = !cx.in_headline(t) || cx.body_caps.contains(cx.words.get(t + 1));
                    if lex.first_names().contains_key(cx.words.get(t))
                        && name_word(t)
                        && name_word(t + 1)
                        && surname_seen
                    {
                        push_name(cx, out, covered, t, t, t + 2, EntityType::Person, None);
                        t += 2;
                    } else {
                        t += 1;
                    }
                }
            }
        } else if ce - cs == 1 {
            singles.push(Single { token: cs, start: cx.doc.tokens[chunk_start].span.start, title: chunk_title });
        }
        p = q;
    }
}

/// A lower-case title right before a name: "special envoy Steve Witkoff",
/// with an optional nation and possessor before it ("Trump’s special envoy").
fn left_title(cx: &Ctx, name_start: usize) -> Option<(usize, String)> {
    if name_start == 0 {
        return None;
    }
    let end = name_start;
    let max = cx.lex.max_title_words().min(end);
    for k in (1..=max).rev() {
        let s = end - k;
        if !cx.same_sentence(s, end) || (s..end).any(|t| cx.is_cap(t) || !cx.is_word(t)) {
            continue;
        }
        let phrase = cx.text(s, end).to_lowercase();
        if !cx.lex.is_title(&phrase) {
            continue;
        }
        let mut start = s;
        let mut title_start = s;
        if start > 0 && cx.same_sentence(start - 1, end) && cx.is_word(start - 1) && cx.is_nation(start - 1) {
            start -= 1;
            title_start = start;
        }
        if start > 0 && matches!(cx.words.get(start - 1), "former" | "acting" | "interim") {
            start -= 1;
        }
        if start >= 2 && cx.words.get(start - 1) == "'s" && cx.is_cap(start - 2) {
            let mut p = start - 2;
            while p > 0 && cx.is_cap(p - 1) && cx.same_sentence(p - 1, end) {
                p -= 1;
            }
            start = p;
        } else if start >= 1 && cx.is_cap(start - 1) && cx.same_sentence(start - 1, end) {
            // An employer before the title: "MSNBC host Chris Matthews" is one
            // speaker (the outlet stays a mention of its own inside it).
            let mut p = start - 1;
            while p > 0 && cx.is_cap(p - 1) && cx.same_sentence(p - 1, end) && start - p < 4 {
                p -= 1;
            }
            let employer = (p..start)
                .find(|&q| matches!(cx.known_name(q, start), Some((EntityType::Media | EntityType::Organization, _))));
            if let Some(q) = employer {
                start = q;
            }
        }
        return Some((start, cx.text(title_start, end).to_string()));
    }
    None
}

#[allow(clippy::too_many_arguments)]
fn push_name(
    cx: &Ctx,
    out: &mut Vec<Mention>,
    covered: &mut [bool],
    start: usize,
    name_start: usize,
    end: usize,
    etype: EntityType,
    title: Option<String>,
) {
    let mut m = mention(cx.span(start, end), MentionKind::Name, etype);
    m.name = Some(cx.span(name_start, end));
    m.title = title;
    out.push(m);
    for c in covered.iter_mut().take(end).skip(name_start) {
        *c = true;
    }
}
