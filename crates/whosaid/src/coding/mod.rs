//! The coding stage (after statements and times): for every statement, the
//! issues it is about, the speaker's stance on each, and the actors its
//! content refers to. Output is stand-off (`Document::codings`,
//! `Document::references`); nothing earlier is touched.
//!
//! **Issues** come from a user [`Codebook`]; without one, a built-in
//! fallback ([`fallback`]) takes the places and organisations named in the
//! content and its key noun phrases ("any peace agreement" → "peace
//! agreement"), so coding does something useful out of the box.
//!
//! **Stance** is decided per occurrence of an issue, first rule that applies
//! (the word lists are `crates/lexicon/data/stance_*.txt`, `negations.txt`):
//! 1. *modifier*: a polarity phrase ending at most two words before the term,
//!    with no punctuation between ("**stop** arms deliveries");
//! 2. *predicate*: the term is in the first words of the content (its
//!    subject) and a predicate phrase follows later in the same sentence
//!    ("the status of Crimea … is **not up for negotiation**");
//! 3. *cue*: the cue lemma carries a stance and the content is its object,
//!    starting right after the cue, not a reported clause ("**rejected** any
//!    discussion of recognizing Crimea").
//!
//! A phrase stance and a cue stance compose: a support cue keeps the
//! phrase's stance, an oppose cue over its object flips it ("rejected any
//! easing of sanctions" supports sanctions), and an oppose cue over a
//! reported clause gives unknown ("denied that X halted arms supplies" is
//! about a fact). The term must be the head of its phrase ("sanctions
//! exemptions" is about exemptions). A negation word just before a phrase
//! flips support to oppose and turns oppose into unknown; a negated cue
//! ("did not reject") gives unknown.
//! Occurrences of one issue that disagree give unknown. Conservative by
//! design: unknown beats a guess, and a network built on coded stances is only
//! as good as its least careful edge.
//!
//! **Actor references**: mentions inside the content (parts of a split
//! quotation only, never its attribution) whose entity is a person,
//! organisation, group or medium, or a place standing for its government,
//! other than the speaker's own entity.

pub mod codebook;
pub mod fallback;

use whosaid_document::coding::{ActorRef, Coding, IssueOrigin, Stance};
use whosaid_document::{names, Document, EntityId, EntityType, MentionId, MentionKind, Span, TokenKind};
use whosaid_lexicon::stance::{Polarity, Position, StanceLexicon, StancePhrase};
use whosaid_lexicon::Lexicon;

pub use codebook::{Codebook, CodebookError};

/// How far (in words) a `before` phrase may end ahead of the term.
const MODIFIER_GAP: usize = 2;
/// The term must start within this many words of the content start to be
/// read as the subject of a later predicate, or as the object of the cue.
const SUBJECT_WORDS: usize = 6;
/// How far (in words) after the term a predicate is looked for.
const PREDICATE_REACH: usize = 50;
/// How many words before a phrase (or cue) a negation may stand.
const NEGATION_REACH: usize = 3;
/// Occurrences of one issue in one statement whose stance is decided.
const MAX_OCCURRENCES: usize = 16;
/// First-person pronouns (closed class): never a target.
const FIRST_PERSON: &[&str] = &["i", "me", "my", "mine", "we", "us", "our", "ours", "myself", "ourselves"];
/// A negated support is weaker evidence of opposition than a plain oppose.
const NEGATED_FACTOR: f32 = 0.75;

/// A crude, deterministic English stemmer shared by codebook terms, polarity
/// phrases and content tokens: possessive, plural, -ed, -ing and final -e
/// are removed, y/ies become i, a doubled final consonant is undoubled. Both
/// sides go through the same function, so "sanction"/"sanctions",
/// "recognize"/"recognizing", "delivery"/"deliveries" meet.
pub fn stem(word: &str) -> String {
    let mut w = lower_straight(word);
    for p in ["'s", "'"] {
        if let Some(x) = w.strip_suffix(p) {
            w.truncate(x.len());
        }
    }
    let n = w.chars().count();
    let mut stripped = false;
    if n > 4 && (w.ends_with("ies") || w.ends_with("ied")) {
        w.truncate(w.len() - 3);
        w.push('i');
    } else if n > 3 && w.ends_with('y') {
        w.truncate(w.len() - 1);
        w.push('i');
    } else if n > 5 && w.ends_with("ing") {
        w.truncate(w.len() - 3);
        stripped = true;
    } else if n > 4 && w.ends_with("ed") {
        w.truncate(w.len() - 2);
        stripped = true;
    } else if n > 3 && w.ends_with('s') && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") {
        w.truncate(w.len() - 1);
    }
    if stripped {
        let b = w.as_bytes();
        if b.len() >= 2 && b[b.len() - 1] == b[b.len() - 2] && !b"aeioulsz".contains(&b[b.len() - 1]) {
            w.truncate(w.len() - 1);
        }
    }
    if w.chars().count() > 3 && w.ends_with('e') {
        w.truncate(w.len() - 1);
    }
    w
}

/// `word.to_lowercase().replace('’', "'")` with one allocation for the
/// common ASCII word (which has no curly apostrophe and no context-dependent
/// lower case, so the result is the same); other words take the general path.
fn lower_straight(word: &str) -> String {
    if word.is_ascii() {
        word.to_ascii_lowercase()
    } else {
        word.to_lowercase().replace('’', "'")
    }
}

/// One content word: its token index, text and stem.
pub(crate) struct Word<'d> {
    pub token: usize,
    pub text: &'d str,
    pub stem: String,
    /// A punctuation token stands between this word and the previous one.
    pub after_punct: bool,
    /// Glued to the word before by a hyphen ("backed" of "Western-backed"):
    /// never the start of a polarity phrase.
    pub in_compound: bool,
    pub sentence: usize,
}

/// The words of a statement's content (its parts only), possessive tokens
/// dropped.
pub(crate) fn content_words<'d>(doc: &'d Document, parts: &[Span]) -> Vec<Word<'d>> {
    let mut out = Vec::new();
    for part in parts {
        let mut punct = true;
        let mut prev_end = usize::MAX;
        let mut hyphen = false;
        for t in doc.token_at(part.start)..doc.token_at(part.end) {
            let tok = &doc.tokens[t];
            if tok.span.end > part.end {
                break;
            }
            let text = doc.slice(tok.span);
            match tok.kind {
                TokenKind::Word | TokenKind::Number if text != "’s" && text != "'s" => {
                    let in_compound = hyphen && prev_end == tok.span.start;
                    out.push(Word {
                        token: t,
                        text,
                        stem: stem(text),
                        after_punct: punct && !in_compound,
                        in_compound,
                        sentence: tok.sentence,
                    });
                    punct = false;
                    hyphen = false;
                }
                TokenKind::Word | TokenKind::Number => {}
                _ => {
                    punct = true;
                    hyphen = text == "-" && prev_end == tok.span.start;
                }
            }
            prev_end = tok.span.end;
        }
    }
    out
}

/// The word range covering a mention's span (binary search: words are in
/// text order), or None when no word lies inside it.
pub(crate) fn words_of(doc: &Document, words: &[Word], span: Span) -> Option<(usize, usize)> {
    let start = words.partition_point(|w| doc.tokens[w.token].span.start < span.start);
    let end = words.partition_point(|w| doc.tokens[w.token].span.end <= span.end);
    (start < end).then_some((start, end))
}

fn parts_of(doc: &Document, s: usize) -> Vec<Span> {
    let st = &doc.statements[s];
    if st.parts.is_empty() {
        vec![st.content]
    } else {
        st.parts.clone()
    }
}

/// The polarity phrases with their words stemmed once per document.
struct Phrases<'l> {
    before: Vec<(Vec<String>, &'l StancePhrase)>,
    after: Vec<(Vec<String>, &'l StancePhrase)>,
}

impl<'l> Phrases<'l> {
    fn new(lex: &'l StanceLexicon) -> Phrases<'l> {
        let stemmed = |pos: Position| {
            lex.phrases()
                .iter()
                .filter(|p| p.position == pos)
                .map(|p| (p.words.iter().map(|w| stem(w)).collect(), p))
                .collect()
        };
        Phrases { before: stemmed(Position::Before), after: stemmed(Position::After) }
    }
}

/// A phrase's stemmed words match `words[at..]`, staying in one sentence
/// and, when `tight`, with no punctuation inside.
fn phrase_at(words: &[Word], at: usize, phrase: &[String], tight: bool) -> bool {
    if at + phrase.len() > words.len() || words[at].in_compound {
        return false;
    }
    phrase.iter().enumerate().all(|(k, p)| {
        let w = &words[at + k];
        (k == 0 || (w.sentence == words[at].sentence && !(tight && w.after_punct))) && w.stem == *p
    })
}

fn is_negation(w: &Word, lex: &StanceLexicon) -> bool {
    let lower = lower_straight(w.text);
    lex.negations().contains(&lower) || lower.ends_with("n't")
}

/// A negation among the `NEGATION_REACH` words before `at`, in its sentence.
fn negated(words: &[Word], at: usize, lex: &StanceLexicon) -> bool {
    (at.saturating_sub(NEGATION_REACH)..at)
        .any(|k| words[k].sentence == words[at].sentence && is_negation(&words[k], lex))
}

fn polarity_stance(p: Polarity) -> Stance {
    match p {
        Polarity::Support => Stance::Support,
        Polarity::Oppose => Stance::Oppose,
    }
}

/// Applies a negation to a phrase's stance: support → oppose (weaker),
/// oppose → unknown.
fn apply_negation(stance: Stance, conf: f32, negated: bool) -> (Stance, f32) {
    match (negated, stance) {
        (false, s) => (s, conf),
        (true, Stance::Support) => (Stance::Oppose, conf * NEGATED_FACTOR),
        (true, _) => (Stance::Unknown, 0.0),
    }
}

/// The stance decided for one occurrence: stance, confidence, evidence
/// (token range), rule.
type Decision = (Stance, f32, Option<(usize, usize)>, &'static str);

/// Whether the term is the head of its phrase: what follows it (if
/// anything, in its sentence) is punctuation or a closed-class word, not
/// another noun ("sanctions **exemptions**": the phrase is about exemptions).
fn is_head(words: &[Word], end: usize) -> bool {
    let Some(next) = words.get(end) else { return true };
    next.after_punct
        || next.sentence != words[end - 1].sentence
        || HEAD_FOLLOWERS.contains(&next.text.to_lowercase().as_str())
        || next.text.ends_with("ed")
}

/// Words that may follow the head of a noun phrase (closed class: grammar).
const HEAD_FOLLOWERS: &[&str] = &[
    "of", "to", "in", "on", "at", "by", "for", "with", "from", "into", "over", "against", "under", "as", "and", "or",
    "but", "is", "are", "was", "were", "be", "been", "has", "have", "had", "will", "would", "can", "could", "should",
    "must", "may", "might", "that", "which", "who", "while", "until", "if", "because", "since", "before", "after",
    "this", "next", "last", "now", "not", "between", "among", "within", "without", "beyond", "through",
];

/// The term is followed by "to" (the agent of an infinitive) or preceded
/// (past determiners) by a locative or temporal preposition.
fn agent_or_adjunct(words: &[Word], start: usize, end: usize) -> bool {
    if words.get(end).is_some_and(|w| w.text.eq_ignore_ascii_case("to")) {
        return true;
    }
    let mut k = start;
    while k > 0
        && matches!(words[k - 1].text.to_lowercase().as_str(), "the" | "a" | "an" | "this" | "that" | "its" | "their")
    {
        k -= 1;
    }
    k > 0
        && matches!(
            words[k - 1].text.to_lowercase().as_str(),
            "in" | "at"
                | "during"
                | "by"
                | "from"
                | "with"
                | "after"
                | "before"
                | "since"
                | "on"
                | "inside"
                | "outside"
        )
}

/// A content-internal stance: a modifier before or a predicate after the term.
fn content_stance(
    words: &[Word],
    start: usize,
    end: usize,
    phrases: &Phrases,
    lex: &StanceLexicon,
    people: &[usize],
) -> Option<Decision> {
    if !is_head(words, end) {
        return None;
    }
    // A phrase after another named person in its sentence is that person's
    // stance, reported ("when Warren railed against Wall Street"), not the
    // speaker's.
    let reported = |at: usize| people.iter().any(|&p| p < at && words[p].sentence == words[at].sentence);
    // 1. modifier just before the term.
    let mut best: Option<(usize, usize, &StancePhrase)> = None;
    for (stems, p) in &phrases.before {
        let len = stems.len();
        for gap in 0..=MODIFIER_GAP {
            let Some(at) = start.checked_sub(gap + len) else { continue };
            if !phrase_at(words, at, stems, true) {
                continue;
            }
            // Nothing but words of one sentence between the phrase and the
            // term, and those only modifiers ("stop *all* arms deliveries"),
            // not a name or a verb that would be the phrase's real object
            // ("against Muslims fleeing Syria").
            let clean = (at + 1..=start).all(|k| !words[k].after_punct && words[k].sentence == words[at].sentence)
                && (at + len..start).all(|k| {
                    let w = words[k].text;
                    w.chars().next().is_some_and(char::is_lowercase) && !w.ends_with("ing")
                });
            let better =
                best.is_none_or(|(bat, blen, _)| at + len > bat + blen || (at + len == bat + blen && len > blen));
            if clean && better {
                best = Some((at, len, p));
            }
        }
    }
    if let Some((at, len, p)) = best {
        if reported(at) {
            return None;
        }
        let (stance, conf) = apply_negation(polarity_stance(p.polarity), p.confidence, negated(words, at, lex));
        return Some((stance, conf, Some((words[at].token, words[at + len - 1].token)), "modifier"));
    }
    // 2. predicate after a subject term.
    if start < SUBJECT_WORDS {
        let sentence = words[start].sentence;
        for at in end..words.len().min(end + PREDICATE_REACH) {
            if words[at].sentence != sentence {
                break;
            }
            let found = phrases
                .after
                .iter()
                .filter(|(stems, _)| phrase_at(words, at, stems, false))
                .max_by_key(|(stems, _)| stems.len())
                .map(|(_, p)| *p);
            if let Some(p) = found {
                if reported(at) {
                    return None;
                }
                let (stance, conf) = apply_negation(polarity_stance(p.polarity), p.confidence, negated(words, at, lex));
                return Some((stance, conf, Some((words[at].token, words[at + p.words.len() - 1].token)), "predicate"));
            }
        }
    }
    None
}

/// Decides the stance of one occurrence `words[start..end]` of an issue:
/// the content's own polarity, composed with the cue's when the cue carries
/// a stance (a support cue keeps it, an oppose cue flips it: "rejected any
/// **easing** of sanctions" supports sanctions).
#[allow(clippy::too_many_arguments)] // one occurrence's whole context; a struct would only rename it
fn decide(
    doc: &Document,
    s: usize,
    words: &[Word],
    (start, end): (usize, usize),
    first: bool,
    phrases: &Phrases,
    lex: &StanceLexicon,
    people: &[usize],
) -> Decision {
    let inner = content_stance(words, start, end, phrases, lex, people);
    let st = &doc.statements[s];
    let cue_stance = match (st.cue, lex.cues().get(st.cue_lemma.as_str())) {
        (Some(cue), Some(&(polarity, conf))) => Some((cue, polarity, conf)),
        _ => None,
    };
    let Some((cue, polarity, cue_conf)) = cue_stance else {
        return inner.unwrap_or((Stance::Unknown, 0.0, None, "none"));
    };
    let cue_tok = doc.token_at(cue.start);
    let last = doc.token_at(cue.end).saturating_sub(1).max(cue_tok);
    // "did not reject", "never welcomed" (the negation may be part of the
    // cue span): no stance either way.
    let neg = (cue_tok.saturating_sub(NEGATION_REACH)..=last).any(|t| {
        let text = lower_straight(doc.slice(doc.tokens[t].span));
        lex.negations().contains(&text) || text.ends_with("n't")
    });
    if neg {
        return (Stance::Unknown, 0.0, Some((cue_tok, last)), "cue-negated");
    }
    // Is the content the cue's object ("rejected any discussion of …"), or
    // a reported clause ("denied that …")?
    let content_start = st.parts.first().copied().unwrap_or(st.content).start;
    let between = doc.token_at(cue.end)..doc.token_at(content_start);
    let object = cue.end <= content_start
        && between.clone().all(|t| !matches!(doc.tokens[t].kind, TokenKind::Word | TokenKind::Number))
        && !words.first().is_some_and(|w| {
            matches!(w.text.to_lowercase().as_str(), "that" | "if" | "whether" | "what" | "how" | "why")
        });
    match (polarity, object, inner) {
        // An oppose cue over a clause denies or rejects a claim, not an issue.
        (Polarity::Oppose, false, _) => (Stance::Unknown, 0.0, Some((cue_tok, last)), "denied-clause"),
        (Polarity::Support, _, Some(d)) => d,
        (Polarity::Oppose, true, Some((stance, conf, ev, _))) => {
            if stance == Stance::Unknown {
                (Stance::Unknown, 0.0, ev, "cue+phrase")
            } else {
                (stance.flip(), conf.min(cue_conf) * NEGATED_FACTOR, ev, "cue+phrase")
            }
        }
        // The cue's object is the first issue named in it ("praised the grain
        // agreement between Ukraine and Turkey" says nothing of Ukraine).
        // Not when the term is the agent of an infinitive ("urged the
        // industry *to* do more") or sits in an adjunct ("supported stem
        // cell research *in* the Senate").
        (_, true, None)
            if first && start < SUBJECT_WORDS && is_head(words, end) && !agent_or_adjunct(words, start, end) =>
        {
            (polarity_stance(polarity), cue_conf, Some((cue_tok, last)), "cue")
        }
        _ => (Stance::Unknown, 0.0, None, "none"),
    }
}

/// An issue occurrence found in one statement's words.
pub(crate) struct Found {
    pub issue: String,
    pub category: Option<String>,
    pub origin: IssueOrigin,
    /// Word range in the content words.
    pub start: usize,
    pub end: usize,
}

/// Issue occurrences of the codebook in one statement.
fn find_codebook(doc: &Document, s: usize, words: &[Word], book: &Codebook) -> Vec<Found> {
    let mut out = Vec::new();
    for issue in &book.issues {
        let mut at = 0;
        while at < words.len() {
            let longest = issue
                .terms
                .iter()
                .filter(|t| {
                    at + t.len() <= words.len()
                        && t.iter().enumerate().all(|(k, tw)| {
                            let w = &words[at + k];
                            (k == 0 || (!w.after_punct && w.sentence == words[at].sentence))
                                && tw.matches(w.text, &w.stem)
                        })
                })
                .map(Vec::len)
                .max();
            match longest {
                Some(len) => {
                    out.push(Found {
                        issue: issue.name.clone(),
                        category: issue.category.clone(),
                        origin: IssueOrigin::Codebook,
                        start: at,
                        end: at + len,
                    });
                    at += len;
                }
                None => at += 1,
            }
        }
        if !issue.entities.is_empty() {
            for m in mentions_in(doc, s) {
                let Some(name) = doc.entity_name(m) else { continue };
                if issue.entities.contains(&names::fold(name)) {
                    if let Some((start, end)) = words_of(doc, words, doc.mentions[m].span) {
                        out.push(Found {
                            issue: issue.name.clone(),
                            category: issue.category.clone(),
                            origin: IssueOrigin::Codebook,
                            start,
                            end,
                        });
                    }
                }
            }
        }
    }
    out
}

/// Mentions lying inside the statement's content parts.
pub(crate) fn mentions_in(doc: &Document, s: usize) -> Vec<MentionId> {
    let parts = parts_of(doc, s);
    let content = doc.statements[s].content;
    let first = doc.mentions.partition_point(|m| m.span.start < content.start);
    (first..doc.mentions.len())
        .take_while(|&m| doc.mentions[m].span.start < content.end)
        .filter(|&m| parts.iter().any(|p| p.contains(doc.mentions[m].span)))
        .map(MentionId)
        .collect()
}

/// Runs the coding stage over every statement of `doc`.
pub fn code_statements(doc: &mut Document, lexicon: &Lexicon, book: Option<&Codebook>) {
    let lex = lexicon.stance();
    let phrases = Phrases::new(lex);
    let mut codings = Vec::new();
    let mut references = Vec::new();
    for s in 0..doc.statements.len() {
        let parts = parts_of(doc, s);
        let words = content_words(doc, &parts);
        let found = match book {
            Some(book) => find_codebook(doc, s, &words, book),
            None => fallback::find(doc, s, &words, lex),
        };
        // One coding per issue, in order of first occurrence.
        let mut issues: Vec<(Found, Vec<Decision>)> = Vec::new();
        let mut index: whosaid_lexicon::HashMap<String, usize> = Default::default();
        let first_start = found.iter().map(|f| f.start).min();
        // Words starting a name mention of a person other than the speaker.
        let speaker = doc.statements[s].speaker.and_then(|m| doc.mentions[m].entity);
        let people: Vec<usize> = mentions_in(doc, s)
            .into_iter()
            .filter(|&m| {
                let mention = &doc.mentions[m];
                mention.kind == MentionKind::Name
                    && mention.etype == EntityType::Person
                    && (mention.entity.is_none() || mention.entity != speaker)
            })
            .filter_map(|m| words_of(doc, &words, doc.mentions[m].span).map(|(a, _)| a))
            .collect();
        for f in found {
            match index.get(&f.issue) {
                Some(&i) => {
                    let (g, ds) = &mut issues[i];
                    if f.start < g.start {
                        g.start = f.start;
                        g.end = f.end;
                    }
                    // Enough evidence either way; keeps huge contents linear.
                    if ds.len() < MAX_OCCURRENCES {
                        ds.push(decide(
                            doc,
                            s,
                            &words,
                            (f.start, f.end),
                            Some(f.start) == first_start,
                            &phrases,
                            lex,
                            &people,
                        ));
                    }
                }
                None => {
                    let d =
                        decide(doc, s, &words, (f.start, f.end), Some(f.start) == first_start, &phrases, lex, &people);
                    index.insert(f.issue.clone(), issues.len());
                    issues.push((f, vec![d]));
                }
            }
        }
        let mut mine: Vec<Coding> = issues
            .into_iter()
            .map(|(f, ds)| {
                let known: Vec<&Decision> = ds.iter().filter(|d| d.0 != Stance::Unknown).collect();
                let (stance, confidence, evidence, rule) = match known.first() {
                    None => (Stance::Unknown, 0.0, ds.iter().find_map(|d| d.2), ds[0].3),
                    Some(first) if known.iter().any(|d| d.0 != first.0) => (Stance::Unknown, 0.0, None, "conflict"),
                    Some(_) => {
                        let best = known.iter().max_by(|a, b| a.1.total_cmp(&b.1)).expect("non-empty");
                        (best.0, best.1, best.2, best.3)
                    }
                };
                let tok = |t: usize| doc.tokens[t].span;
                Coding {
                    statement: s,
                    issue: f.issue,
                    category: f.category,
                    origin: f.origin,
                    term: Span::new(tok(words[f.start].token).start, tok(words[f.end - 1].token).end),
                    stance,
                    confidence,
                    evidence: evidence.map(|(a, b)| Span::new(tok(a).start, tok(b).end)),
                    rule,
                }
            })
            .collect();
        mine.sort_by(|a, b| a.term.start.cmp(&b.term.start).then_with(|| a.issue.cmp(&b.issue)));
        codings.extend(mine);
        // Actor references.
        let speaker_entity = doc.statements[s].speaker.and_then(|m| doc.mentions[m].entity);
        let mut seen: Vec<EntityId> = Vec::new();
        for m in mentions_in(doc, s) {
            let mention = &doc.mentions[m];
            let Some(e) = mention.entity else { continue };
            let etype = doc.entities[e].etype;
            let actor =
                matches!(etype, EntityType::Person | EntityType::Organization | EntityType::Group | EntityType::Media)
                    || doc.entities[e].metonym_of.is_some()
                    || mention.metonymic;
            // "we", "our": the speaker's own side, not someone spoken about.
            // Pronouns inside a quotation are resolved least reliably ("push
            // them back"): a wrong target edge is worse than a missing one.
            let first_person = mention.kind == MentionKind::Pronoun
                && (mention.in_quote || FIRST_PERSON.contains(&doc.slice(mention.span).to_lowercase().as_str()));
            // A common noun ("the ceasefire") is no actor of its own.
            let nominal = mention.kind == MentionKind::Nominal;
            if !actor || first_person || nominal || Some(e) == speaker_entity || seen.contains(&e) {
                continue;
            }
            seen.push(e);
            references.push(ActorRef { statement: s, mention: m });
        }
    }
    doc.codings = codings;
    doc.references = references;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_meet_across_inflections() {
        for (a, b) in [
            ("sanction", "sanctions"),
            ("recognize", "recognizing"),
            ("recognized", "recognize"),
            ("delivery", "deliveries"),
            ("ceasefire", "ceasefires"),
            ("stop", "stopped"),
            ("stop", "stopping"),
            ("Russia’s", "Russia"),
        ] {
            assert_eq!(stem(a), stem(b), "{a} / {b}");
        }
        assert_ne!(stem("Russia"), stem("Russian"));
        assert_eq!(stem("us"), "us");
        assert_eq!(stem("status"), stem("status"));
    }
}
