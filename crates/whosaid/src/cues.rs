//! Cue lookup shared by the mention stage (metonymy needs "is this place the
//! subject of a reporting verb?") and the statement stage.

use whosaid_document::{Document, TokenKind};
use whosaid_lexicon::{Cue, CueClass, HashMap, Lexicon};

/// Per-token lower-case words and cues, computed once per document: later
/// stages ask "is there a cue here?" many times per token.
pub struct Words {
    /// All lower-cased tokens in one buffer (one allocation per document).
    buf: String,
    ends: Vec<u32>,
    cues: Vec<Option<CueMatch>>,
    /// Per token: an adverb that may sit between a speaker and a cue
    /// (lexicon list `adverbs`).
    adverbs: Vec<bool>,
    /// Per token: introduces a medium when "with"/"to" follows (`medium_leads`).
    medium_leads: Vec<bool>,
    /// Per token: a relative pronoun that can speak ("who", "which").
    relatives: Vec<bool>,
    /// Per token: an auxiliary (`auxiliaries`) — not when capitalised
    /// inside a sentence, where "May" and "Will" are names.
    auxiliaries: Vec<bool>,
    /// Per token: a form of "be" (`be_forms`), which makes a participle passive.
    be_forms: Vec<bool>,
    /// Per token: an article (lexicon `articles`: "the", "a", "an").
    articles: Vec<bool>,
    /// Per token: a clause link or preposition (`clause_links`, `prepositions`).
    tail_openers: Vec<bool>,
}

fn push_lower(out: &mut String, s: &str) {
    if s == "’s" {
        out.push_str("'s");
    } else if s.is_ascii() {
        out.extend(s.bytes().map(|b| b.to_ascii_lowercase() as char));
    } else {
        for c in s.chars() {
            if c == '’' {
                out.push('\'');
            } else {
                out.extend(c.to_lowercase());
            }
        }
    }
}

impl Words {
    /// Computes every per-token fact once, so later stages ask by index
    /// and never need the lexicon themselves.
    pub fn new(doc: &Document, lexicon: &Lexicon) -> Words {
        let n = doc.tokens.len();
        let mut buf = String::with_capacity(doc.text.len() + doc.text.len() / 8);
        let mut ends = Vec::with_capacity(n);
        for t in &doc.tokens {
            push_lower(&mut buf, doc.slice(t.span));
            ends.push(buf.len() as u32);
        }
        let word = |i: usize| {
            let start = if i == 0 { 0 } else { ends[i - 1] as usize };
            &buf[start..ends[i] as usize]
        };
        // The lexicon's answers depend on the word alone: asked once per
        // distinct word of the document (one lookup per token, not eight).
        let mut known: HashMap<&str, WordFacts> = HashMap::default();
        let mut facts = Vec::with_capacity(n);
        for i in 0..n {
            let w = word(i);
            let f = *known.entry(w).or_insert_with(|| WordFacts::of(w, lexicon));
            facts.push(f);
        }
        let auxiliaries = (0..n)
            .map(|i| {
                let t = &doc.tokens[i];
                let inside = i > 0 && doc.tokens[i - 1].sentence == t.sentence;
                let capitalised = doc.slice(t.span).chars().next().is_some_and(char::is_uppercase);
                facts[i].auxiliary && !(inside && capitalised)
            })
            .collect();
        let cues = (0..n).map(|i| find_cue(doc, &word, &facts, lexicon, i)).collect();
        drop(known);
        Words {
            cues,
            auxiliaries,
            be_forms: facts.iter().map(|f| f.be_form).collect(),
            articles: facts.iter().map(|f| f.article).collect(),
            medium_leads: facts.iter().map(|f| f.medium_lead).collect(),
            adverbs: facts.iter().map(|f| f.adverb).collect(),
            relatives: facts.iter().map(|f| f.relative).collect(),
            tail_openers: facts.iter().map(|f| f.tail_opener).collect(),
            buf,
            ends,
        }
    }
    /// Whether token `i` is an adverb that may sit between a speaker and a
    /// cue ("also", "later", "reportedly"); false past the end.
    pub fn is_adverb(&self, i: usize) -> bool {
        self.adverbs.get(i).copied().unwrap_or(false)
    }
    /// Whether token `i` is an auxiliary that may sit between a speaker and a
    /// cue ("has said"); false past the end.
    pub fn is_auxiliary(&self, i: usize) -> bool {
        self.auxiliaries.get(i).copied().unwrap_or(false)
    }
    /// Whether token `i` is a form of "be" that makes a participle after it
    /// passive ("was said"); false past the end.
    pub fn is_be_form(&self, i: usize) -> bool {
        self.be_forms.get(i).copied().unwrap_or(false)
    }
    /// Whether token `i` is an article ("the", "a"); false past the end.
    pub fn is_article(&self, i: usize) -> bool {
        self.articles.get(i).copied().unwrap_or(false)
    }
    /// Whether token `i` is a relative pronoun that can speak; false past the end.
    pub fn is_relative(&self, i: usize) -> bool {
        self.relatives.get(i).copied().unwrap_or(false)
    }
    /// Whether token `i` can open the clause or phrase after a content
    /// ("which", "but", "in"): a clause link or a preposition; false past the end.
    pub fn opens_tail(&self, i: usize) -> bool {
        self.tail_openers.get(i).copied().unwrap_or(false)
    }
    /// Whether token `i` introduces a medium ("interview" in "in an
    /// interview with The Free Press"); false past the end.
    pub fn is_medium_lead(&self, i: usize) -> bool {
        self.medium_leads.get(i).copied().unwrap_or(false)
    }
    /// The cue (multi-word phrase or verb form) starting at token `i`, if any.
    pub fn cue(&self, i: usize) -> Option<&CueMatch> {
        self.cues.get(i)?.as_ref()
    }

    /// Token `i` lower-cased (curly apostrophes straight), the form lists are
    /// matched against; "" past the end, so look-ahead needs no bounds check.
    pub fn get(&self, i: usize) -> &str {
        match self.ends.get(i) {
            Some(&end) => {
                let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
                &self.buf[start..end as usize]
            }
            None => "",
        }
    }
}

/// A cue found at a token: `[start, end)` token range and the lexicon entry.
#[derive(Clone, Debug)]
pub struct CueMatch {
    /// First token of the cue.
    pub start: usize,
    /// One past its last token: a phrase cue spans several.
    pub end: usize,
    /// The lexicon entry: its lemma and class decide the statement kind.
    pub cue: Cue,
}

/// What the lexicon says of one lower-case word, whatever its position.
#[derive(Clone, Copy)]
struct WordFacts<'l> {
    auxiliary: bool,
    be_form: bool,
    article: bool,
    medium_lead: bool,
    adverb: bool,
    relative: bool,
    tail_opener: bool,
    /// Some multi-word cue phrase starts with it.
    opens_phrase: bool,
    /// The cue it is as a verb form.
    form: Option<&'l Cue>,
}

impl<'l> WordFacts<'l> {
    fn of(w: &str, lexicon: &'l Lexicon) -> WordFacts<'l> {
        WordFacts {
            auxiliary: lexicon.is_auxiliary(w),
            be_form: lexicon.is_be_form(w),
            article: lexicon.is_article(w),
            medium_lead: lexicon.medium_leads().contains(w),
            adverb: lexicon.is_adverb(w),
            relative: lexicon.is_relative_pronoun(w),
            tail_opener: lexicon.clause_links().contains(w) || lexicon.prepositions().contains(w),
            opens_phrase: lexicon.cue_phrases_starting(w).next().is_some(),
            form: lexicon.cue_for_form(w),
        }
    }
}

fn find_cue<'w>(
    doc: &Document,
    word: &impl Fn(usize) -> &'w str,
    facts: &[WordFacts],
    lexicon: &Lexicon,
    i: usize,
) -> Option<CueMatch> {
    let tok = doc.tokens.get(i)?;
    if tok.kind != TokenKind::Word {
        return None;
    }
    let sentence = tok.sentence;
    if facts[i].opens_phrase {
        for (phrase, cue) in lexicon.cue_phrases_starting(word(i)) {
            let fits = phrase.iter().enumerate().all(|(k, w)| {
                doc.tokens.get(i + k).is_some_and(|t| t.sentence == sentence) && word(i + k) == w.as_str()
            });
            if fits {
                return Some(CueMatch { start: i, end: i + phrase.len(), cue: cue.clone() });
            }
        }
    }
    let cue = facts[i].form?;
    Some(CueMatch { start: i, end: i + 1, cue: cue.clone() })
}

/// Whether a verb cue at `i` is used actively as a finite or participial verb:
/// not passive ("was said"), not a noun after a determiner ("the report").
pub fn is_verbal_use(words: &Words, i: usize) -> bool {
    let prev = if i > 0 { words.get(i - 1) } else { "" };
    let w = words.get(i);
    let participle_like = w.ends_with("ed")
        || matches!(w, "said" | "told" | "written" | "thought" | "known" | "shown" | "found" | "felt");
    if participle_like
        && ((i > 0 && words.is_be_form(i - 1)) || (i > 1 && words.is_adverb(i - 1) && words.is_be_form(i - 2)))
    {
        return false;
    }
    if matches!(
        prev,
        "the"
            | "a"
            | "an"
            | "this"
            | "that"
            | "his"
            | "her"
            | "their"
            | "its"
            | "our"
            | "my"
            | "your"
            | "no"
            | "any"
            | "every"
            | "each"
            | "'s"
    ) {
        return false;
    }
    // "maintained by the embassy", "accused of rape": a participle with its agent.
    if participle_like && matches!(words.get(i + 1), "by" | "of") && !matches!(w, "said" | "told") {
        return false;
    }
    // "to say" is an infinitive that still reports ("declined to say"), keep it.
    true
}

/// Whether a cue reports something said, believed or shown: the classes
/// that make a statement.
pub fn is_speechlike(c: &Cue) -> bool {
    matches!(c.class, CueClass::Speech | CueClass::Belief | CueClass::Evidence)
}
