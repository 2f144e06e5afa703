//! Cue lookup shared by the mention stage (metonymy needs "is this place the
//! subject of a reporting verb?") and the statement stage.

use whosaid_document::{Document, TokenKind};
use whosaid_lexicon::{Cue, CueClass, Lexicon};

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
        let mut buf = String::with_capacity(doc.text.len() + doc.text.len() / 8);
        let mut ends = Vec::with_capacity(doc.tokens.len());
        for t in &doc.tokens {
            push_lower(&mut buf, doc.slice(t.span));
            ends.push(buf.len() as u32);
        }
        let mut words = Words {
            buf,
            ends,
            cues: Vec::new(),
            adverbs: Vec::new(),
            medium_leads: Vec::new(),
            relatives: Vec::new(),
            auxiliaries: Vec::new(),
            be_forms: Vec::new(),
            tail_openers: Vec::new(),
        };
        words.auxiliaries = (0..doc.tokens.len())
            .map(|i| {
                let t = &doc.tokens[i];
                let inside = i > 0 && doc.tokens[i - 1].sentence == t.sentence;
                let capitalised = doc.slice(t.span).chars().next().is_some_and(char::is_uppercase);
                lexicon.is_auxiliary(words.get(i)) && !(inside && capitalised)
            })
            .collect();
        words.be_forms = (0..doc.tokens.len()).map(|i| lexicon.is_be_form(words.get(i))).collect();
        words.medium_leads = (0..doc.tokens.len()).map(|i| lexicon.medium_leads().contains(words.get(i))).collect();
        words.adverbs = (0..doc.tokens.len()).map(|i| lexicon.is_adverb(words.get(i))).collect();
        words.relatives = (0..doc.tokens.len()).map(|i| lexicon.is_relative_pronoun(words.get(i))).collect();
        words.tail_openers = (0..doc.tokens.len())
            .map(|i| lexicon.clause_links().contains(words.get(i)) || lexicon.prepositions().contains(words.get(i)))
            .collect();
        let cues = (0..doc.tokens.len()).map(|i| find_cue(doc, &words, lexicon, i)).collect();
        words.cues = cues;
        words
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

fn find_cue(doc: &Document, words: &Words, lexicon: &Lexicon, i: usize) -> Option<CueMatch> {
    let tok = doc.tokens.get(i)?;
    if tok.kind != TokenKind::Word {
        return None;
    }
    let sentence = tok.sentence;
    let word = words.get(i);
    for (phrase, cue) in lexicon.cue_phrases_starting(word) {
        let fits = phrase.iter().enumerate().all(|(k, w)| {
            doc.tokens.get(i + k).is_some_and(|t| t.sentence == sentence) && words.get(i + k) == w.as_str()
        });
        if fits {
            return Some(CueMatch { start: i, end: i + phrase.len(), cue: cue.clone() });
        }
    }
    let cue = lexicon.cue_for_form(word)?;
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
