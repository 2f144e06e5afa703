//! The coding stage's word lists: stance cues, polarity phrases, negation
//! words and the determiners that open a key noun phrase
//! (`data/stance_cues.txt`, `data/stance_phrases.txt`, `data/negations.txt`,
//! `data/phrase_determiners.txt`). Kept apart from the attribution lists because they
//! say what a speaker thinks of an issue, not whether something was said.
//! User TOML files extend them under the same list names.

use crate::{fields, lines, HashMap, HashSet, LexiconError, LexiconReason};

/// Version of the compiled-in stance lists; bump when their content changes.
pub const STANCE_LEXICON_VERSION: u32 = 2;

/// The list names this module owns (also the TOML keys of user extensions).
pub const LISTS: &[&str] = &["stance_cues", "stance_phrases", "negations", "phrase_determiners"];

const BUILTIN: &[(&str, &str)] = &[
    ("stance_cues", include_str!("../data/stance_cues.txt")),
    ("stance_phrases", include_str!("../data/stance_phrases.txt")),
    ("negations", include_str!("../data/negations.txt")),
    ("phrase_determiners", include_str!("../data/phrase_determiners.txt")),
];

/// Polarity of a cue or phrase towards the issue it governs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Polarity {
    /// For the issue.
    Support,
    /// Against the issue.
    Oppose,
}

/// Where a polarity phrase stands relative to the issue term.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Position {
    /// Governs a term that follows ("stop arms deliveries").
    Before,
    /// A predicate after the term's clause subject ("… is not up for negotiation").
    After,
}

/// A multi-word phrase that gives a stance towards an issue term near it.
#[derive(Clone, Debug, PartialEq)]
pub struct StancePhrase {
    /// Lower-case words as written in the list.
    pub words: Vec<String>,
    /// For or against.
    pub polarity: Polarity,
    /// Where it stands relative to the issue term.
    pub position: Position,
    /// How sure the coding is when this phrase decides it (0..1).
    pub confidence: f32,
}

/// The stance lists the coding stage reads, built in and extended by the user.
///
/// Its lists are private: they change only while the lexicon is built or
/// extended by a user file.
#[derive(Clone, Debug, Default)]
pub struct StanceLexicon {
    cues: HashMap<String, (Polarity, f32)>,
    phrases: Vec<StancePhrase>,
    negations: HashSet<String>,
    phrase_determiners: HashSet<String>,
}

impl StanceLexicon {
    /// Cue lemma (lower case, as the statement stage writes it) → polarity, confidence.
    pub fn cues(&self) -> &HashMap<String, (Polarity, f32)> {
        &self.cues
    }

    /// Polarity phrases, in list order (the coder stems their words).
    pub fn phrases(&self) -> &[StancePhrase] {
        &self.phrases
    }

    /// Lower-case negation words.
    pub fn negations(&self) -> &HashSet<String> {
        &self.negations
    }

    /// Whether a lower-case word opens a key noun phrase when there is no
    /// codebook ("any" in "any peace agreement").
    pub fn is_phrase_determiner(&self, word_lower: &str) -> bool {
        self.phrase_determiners.contains(word_lower)
    }

    /// The compiled-in lists.
    pub fn builtin() -> StanceLexicon {
        let mut lex = StanceLexicon::default();
        for (name, content) in BUILTIN {
            lex.add_list(name, lines(content)).expect("built-in stance lists are valid");
        }
        lex
    }

    pub(crate) fn add_list<'a>(
        &mut self,
        list: &str,
        entries: impl Iterator<Item = &'a str>,
    ) -> Result<(), LexiconError> {
        for line in entries {
            let f = fields(line);
            let bad = |reason: LexiconReason| LexiconError { list: list.into(), line: line.into(), reason };
            let polarity = |s: Option<&&str>| match s.copied() {
                Some("support") => Ok(Polarity::Support),
                Some("oppose") => Ok(Polarity::Oppose),
                _ => Err(bad(LexiconReason::BadStance)),
            };
            let confidence = |s: Option<&&str>| -> Result<f32, LexiconError> {
                match s.map(|s| s.parse::<f32>()) {
                    None => Ok(0.7),
                    Some(Ok(c)) if (0.0..=1.0).contains(&c) => Ok(c),
                    _ => Err(bad(LexiconReason::BadConfidence)),
                }
            };
            match list {
                "stance_cues" => {
                    let lemma = f[0].to_lowercase();
                    if lemma.is_empty() {
                        return Err(bad(LexiconReason::EmptyCueLemma));
                    }
                    let p = polarity(f.get(1))?;
                    self.cues.insert(lemma, (p, confidence(f.get(2))?));
                }
                "stance_phrases" => {
                    let words: Vec<String> = f[0].split_whitespace().map(str::to_lowercase).collect();
                    if words.is_empty() {
                        return Err(bad(LexiconReason::EmptyPhrase));
                    }
                    let polarity = polarity(f.get(1))?;
                    let position = match f.get(2).copied() {
                        Some("before") => Position::Before,
                        Some("after") => Position::After,
                        _ => return Err(bad(LexiconReason::BadPosition)),
                    };
                    let confidence = confidence(f.get(3))?;
                    self.phrases.push(StancePhrase { words, polarity, position, confidence });
                }
                "negations" => {
                    self.negations.insert(f[0].to_lowercase());
                }
                "phrase_determiners" => {
                    self.phrase_determiners.insert(f[0].to_lowercase());
                }
                _ => return Err(bad(LexiconReason::UnknownList)),
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_stance_lists_load() {
        let lex = StanceLexicon::builtin();
        assert_eq!(lex.cues.get("reject").map(|c| c.0), Some(Polarity::Oppose));
        assert_eq!(lex.cues.get("welcome").map(|c| c.0), Some(Polarity::Support));
        assert!(!lex.cues.contains_key("say"), "neutral cues carry no stance");
        assert!(lex.negations.contains("not"));
        let p = lex.phrases.iter().find(|p| p.words == ["not", "up", "for", "negotiation"]).unwrap();
        assert_eq!((p.polarity, p.position), (Polarity::Oppose, Position::After));
    }

    #[test]
    fn bad_stance_lines_are_refused_with_the_list_name() {
        let mut lex = StanceLexicon::default();
        let err = lex.add_list("stance_cues", ["reject | maybe"].into_iter()).unwrap_err();
        assert!(err.to_string().contains("stance_cues") && err.to_string().contains("support or oppose"), "{err}");
        let err = lex.add_list("stance_phrases", ["stop | oppose | inside"].into_iter()).unwrap_err();
        assert!(err.to_string().contains("before or after"), "{err}");
        let err = lex.add_list("stance_cues", ["reject | oppose | 3"].into_iter()).unwrap_err();
        assert!(err.to_string().contains("0 to 1"), "{err}");
    }
}
