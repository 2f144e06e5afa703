//! Word lists the pipeline reasons with, compiled in from `data/*.txt`.
//!
//! Each list is a plain, reviewable text file (one entry per line, `|`
//! separating fields, `#` comments) versioned with the code. Users extend them
//! without recompiling through a TOML file whose keys are the list names and
//! whose values are arrays of lines in the same syntax:
//!
//! ```toml
//! reporting_verbs = ["quip | speech | quips quipped quipping"]
//! media = ["Kyiv Post"]
//! metonyms = ["Kyiv | Ukrainian government"]
//! ```

pub mod stance;

use std::collections::{HashMap as StdHashMap, HashSet as StdHashSet};
use std::fmt;
use std::hash::BuildHasherDefault;

/// Lexicon lookups run several times per token; FxHash is several times
/// cheaper than SipHash for short string keys, and nothing here is exposed to
/// untrusted key choice in a way that matters (no iteration reaches output).
pub type HashMap<K, V> = StdHashMap<K, V, BuildHasherDefault<rustc_hash::FxHasher>>;
pub type HashSet<K> = StdHashSet<K, BuildHasherDefault<rustc_hash::FxHasher>>;

/// Version of the compiled-in lists; bump when their content changes.
pub const LEXICON_VERSION: u32 = 2;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CueClass {
    /// Someone said or wrote something.
    Speech,
    /// An attributed thought, belief or intention ("believes", "wants").
    Belief,
    /// A document or poll as source ("a report found").
    Evidence,
}

/// The sex a first name or an honorific is given to, for pronoun agreement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gender {
    Male,
    Female,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cue {
    /// Shared: every cue token of every document clones its `Cue`.
    pub lemma: std::sync::Arc<str>,
    pub class: CueClass,
}

#[derive(Debug)]
pub struct LexiconError {
    pub list: String,
    pub line: String,
    pub reason: String,
}

impl fmt::Display for LexiconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "lexicon list '{}': {}: {:?}", self.list, self.reason, self.line)
    }
}

impl std::error::Error for LexiconError {}

/// All lists, indexed for lookup. Keys of case-insensitive lists are lower case.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    /// Inflected verb form (lower case) → cue.
    pub verb_forms: HashMap<String, Cue>,
    /// Multi-word cue phrase as lower-case words → cue (longest first).
    pub cue_phrases: Vec<(Vec<String>, Cue)>,
    /// First word → indices into `cue_phrases`, longest phrase first.
    pub cue_phrases_by_first: HashMap<String, Vec<usize>>,
    /// Title phrases as lower-case words.
    pub titles: HashSet<String>,
    /// Abbreviated title → full form ("sen." → "senator").
    pub title_expansions: HashMap<String, String>,
    pub max_title_words: usize,
    /// Lower-case alias → canonical media name.
    pub media: HashMap<String, String>,
    /// Lower-case alias → canonical organisation name.
    pub organizations: HashMap<String, String>,
    pub org_heads: HashSet<String>,
    /// Place names, exact case.
    pub places: HashSet<String>,
    /// Place → the government it can stand for.
    pub metonyms: HashMap<String, String>,
    /// Adjective (exact case) → place or bloc.
    pub demonyms: HashMap<String, String>,
    /// Lower-case plural heads of group actors.
    pub group_nouns: HashSet<String>,
    /// Lower-case nominal head → entity type name.
    pub nominals: HashMap<String, String>,
    /// Lower-case pronoun → entity type name.
    pub pronouns: HashMap<String, String>,
    /// (kind, lower-case pattern) of boilerplate lines.
    pub boilerplate: Vec<(String, String)>,
    /// Capitalised non-name words (exact case).
    pub function_words: HashSet<String>,
    /// Lower-case first name → sex (1990 US census lists, see the data file).
    pub first_names: HashMap<String, Gender>,
    /// Lower-case head nouns of speech occasions and channels ("statement",
    /// "conference"): never a speaker.
    pub speech_events: HashSet<String>,
    /// Lower-case given-name spelling → the first spelling of its variant
    /// line ("vladimir" → "volodymyr"), for cross-article actor linking.
    pub name_variants: HashMap<String, String>,
    /// Lower-case honorific or role word → sex ("mrs", "spokesman").
    pub gendered_words: HashMap<String, Gender>,
    /// Longest entry, in words, of name lists (media/organisations/places).
    pub max_name_words: usize,
    /// Lower-case first words of titles and of names (media, organisations,
    /// places): a cheap test before building a candidate phrase.
    pub title_first_words: HashSet<String>,
    pub name_first_words: HashSet<String>,
    /// The coding stage's lists (stance cues, polarity phrases, negations).
    pub stance: stance::StanceLexicon,
}

macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../data/", $name, ".txt")))),*]
    };
}

/// The compiled-in lists: (name, content).
pub const BUILTIN: &[(&str, &str)] = builtin!(
    "reporting_verbs",
    "cue_phrases",
    "titles",
    "media",
    "organizations",
    "org_heads",
    "places",
    "metonyms",
    "demonyms",
    "group_nouns",
    "nominals",
    "pronouns",
    "boilerplate",
    "function_words",
    "first_names",
    "gendered_words",
    "name_variants",
    "speech_events",
);

fn lines(content: &str) -> impl Iterator<Item = &str> {
    content.lines().map(|l| l.split('#').next().unwrap_or("").trim()).filter(|l| !l.is_empty())
}

fn fields(line: &str) -> Vec<&str> {
    line.split('|').map(str::trim).collect()
}

/// Regular English inflections of a verb lemma: -s, -ed, -ing.
fn regular_forms(lemma: &str) -> Vec<String> {
    let mut forms = vec![lemma.to_string()];
    let bytes = lemma.as_bytes();
    let last = *bytes.last().unwrap_or(&b' ');
    let before_last = if bytes.len() >= 2 { bytes[bytes.len() - 2] } else { b' ' };
    let vowel = |c: u8| b"aeiou".contains(&c);
    if last == b'e' {
        let stem = &lemma[..lemma.len() - 1];
        forms.push(format!("{lemma}s"));
        forms.push(format!("{lemma}d"));
        forms.push(format!("{stem}ing"));
    } else if last == b'y' && !vowel(before_last) {
        let stem = &lemma[..lemma.len() - 1];
        forms.push(format!("{stem}ies"));
        forms.push(format!("{stem}ied"));
        forms.push(format!("{lemma}ing"));
    } else if lemma.ends_with('s') || lemma.ends_with("sh") || lemma.ends_with("ch") || last == b'x' {
        forms.push(format!("{lemma}es"));
        forms.push(format!("{lemma}ed"));
        forms.push(format!("{lemma}ing"));
    } else {
        forms.push(format!("{lemma}s"));
        forms.push(format!("{lemma}ed"));
        forms.push(format!("{lemma}ing"));
    }
    forms
}

/// First word of a phrase as the tokenizer splits it ("agence" of "agence france-presse").
fn first_word(phrase: &str) -> String {
    phrase.split(|c: char| c.is_whitespace() || c == '-').next().unwrap_or("").replace('’', "'")
}

impl Lexicon {
    /// The compiled-in lexicon.
    pub fn builtin() -> Lexicon {
        let mut lex = Lexicon::default();
        for (name, content) in BUILTIN {
            lex.add_list(name, lines(content)).expect("built-in lexicon lists are valid");
        }
        lex.stance = stance::StanceLexicon::builtin();
        lex.index();
        lex
    }

    /// Rebuilds derived lookups after lists changed: longest cue phrase first,
    /// and phrases indexed by their first word.
    fn index(&mut self) {
        self.cue_phrases.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        self.cue_phrases.dedup_by(|a, b| a.0 == b.0);
        self.cue_phrases_by_first.clear();
        for (i, (words, _)) in self.cue_phrases.iter().enumerate() {
            self.cue_phrases_by_first.entry(words[0].clone()).or_default().push(i);
        }
    }

    /// The compiled-in lexicon extended by a user TOML file's content.
    pub fn with_extension(toml_text: &str) -> Result<Lexicon, LexiconError> {
        let mut lex = Lexicon::builtin();
        lex.extend_from_toml(toml_text)?;
        Ok(lex)
    }

    pub fn extend_from_toml(&mut self, toml_text: &str) -> Result<(), LexiconError> {
        let table: toml::Table = toml_text.parse().map_err(|e: toml::de::Error| LexiconError {
            list: "(file)".into(),
            line: String::new(),
            reason: format!("not valid TOML: {}", e.message()),
        })?;
        for (key, value) in &table {
            let err = |reason: &str| LexiconError { list: key.clone(), line: String::new(), reason: reason.into() };
            if stance::LISTS.contains(&key.as_str()) {
                let arr = value.as_array().ok_or_else(|| err("expected an array of strings"))?;
                let entries: Option<Vec<&str>> = arr.iter().map(|v| v.as_str()).collect();
                self.stance.add_list(key, entries.ok_or_else(|| err("expected an array of strings"))?.into_iter())?;
                continue;
            }
            if !BUILTIN.iter().any(|(n, _)| n == key) {
                return Err(err("unknown list (see the files in crates/lexicon/data)"));
            }
            let arr = value.as_array().ok_or_else(|| err("expected an array of strings"))?;
            let mut entries = Vec::with_capacity(arr.len());
            for v in arr {
                entries.push(v.as_str().ok_or_else(|| err("expected an array of strings"))?);
            }
            self.add_list(key, entries.into_iter())?;
        }
        self.index();
        Ok(())
    }

    fn add_list<'a>(&mut self, list: &str, entries: impl Iterator<Item = &'a str>) -> Result<(), LexiconError> {
        for line in entries {
            let f = fields(line);
            let bad = |reason: &str| LexiconError { list: list.into(), line: line.into(), reason: reason.into() };
            let class = |s: Option<&&str>| match s.copied().unwrap_or("speech") {
                "speech" => Ok(CueClass::Speech),
                "belief" => Ok(CueClass::Belief),
                "evidence" => Ok(CueClass::Evidence),
                _ => Err(bad("class must be speech, belief or evidence")),
            };
            match list {
                "reporting_verbs" => {
                    let lemma = f[0].to_lowercase();
                    let cue = Cue { lemma: lemma.as_str().into(), class: class(f.get(1))? };
                    // Explicit forms are exactly the forms (so a lemma that is mostly a
                    // noun, like "report", can be left out); otherwise regular ones.
                    let forms: Vec<String> = match f.get(2) {
                        Some(forms) if !forms.is_empty() => forms.split_whitespace().map(str::to_lowercase).collect(),
                        _ => regular_forms(&lemma),
                    };
                    for form in forms {
                        self.verb_forms.insert(form, cue.clone());
                    }
                }
                "cue_phrases" => {
                    let words: Vec<String> = f[0].split_whitespace().map(str::to_lowercase).collect();
                    if words.len() < 2 {
                        return Err(bad("a cue phrase needs two or more words"));
                    }
                    let lemma = f.get(1).map(|s| s.to_string()).unwrap_or_else(|| f[0].to_lowercase());
                    self.cue_phrases.push((words, Cue { lemma: lemma.into(), class: class(f.get(2))? }));
                }
                "titles" => {
                    let t = f[0].to_lowercase();
                    self.title_first_words.insert(t.split_whitespace().next().unwrap_or("").to_string());
                    self.max_title_words = self.max_title_words.max(t.split_whitespace().count());
                    if let Some(full) = f.get(1).filter(|x| !x.is_empty()) {
                        self.title_expansions.insert(t.clone(), full.to_lowercase());
                    }
                    self.titles.insert(t);
                }
                "media" | "organizations" => {
                    let canonical = f[0].to_string();
                    for alias in f.iter() {
                        let alias = alias.to_lowercase();
                        self.name_first_words.insert(first_word(&alias));
                        self.max_name_words = self.max_name_words.max(alias.split_whitespace().count());
                        let map = if list == "media" { &mut self.media } else { &mut self.organizations };
                        map.insert(alias, canonical.clone());
                    }
                }
                "org_heads" => {
                    self.org_heads.insert(f[0].to_string());
                }
                "places" => {
                    self.name_first_words.insert(first_word(&f[0].to_lowercase()));
                    self.max_name_words = self.max_name_words.max(f[0].split_whitespace().count());
                    self.places.insert(f[0].to_string());
                }
                "metonyms" | "demonyms" | "nominals" | "pronouns" => {
                    let target = f.get(1).filter(|s| !s.is_empty()).ok_or_else(|| bad("expected 'key | value'"))?;
                    match list {
                        "metonyms" => self.metonyms.insert(f[0].to_string(), target.to_string()),
                        "demonyms" => self.demonyms.insert(f[0].to_string(), target.to_string()),
                        "nominals" => self.nominals.insert(f[0].to_lowercase(), target.to_string()),
                        _ => self.pronouns.insert(f[0].to_lowercase(), target.to_string()),
                    };
                }
                "group_nouns" => {
                    self.group_nouns.insert(f[0].to_lowercase());
                }
                "boilerplate" => {
                    let pattern = f
                        .get(1)
                        .filter(|p| p.len() >= 3)
                        .ok_or_else(|| bad("expected 'kind | text' with a text of 3 or more characters"))?;
                    self.boilerplate.push((f[0].to_string(), pattern.to_lowercase()));
                }
                "first_names" | "gendered_words" => {
                    let g = match f.get(1).copied() {
                        Some("m") => Gender::Male,
                        Some("f") => Gender::Female,
                        _ => return Err(bad("expected 'name | m' or 'name | f'")),
                    };
                    let map = if list == "first_names" { &mut self.first_names } else { &mut self.gendered_words };
                    map.insert(f[0].to_lowercase(), g);
                }
                "speech_events" => {
                    self.speech_events.insert(f[0].to_lowercase());
                }
                "name_variants" => {
                    let head = f[0].to_lowercase();
                    for v in &f {
                        self.name_variants.insert(v.to_lowercase(), head.clone());
                    }
                }
                "function_words" => {
                    self.function_words.insert(f[0].to_string());
                }
                _ => return Err(bad("unknown list")),
            }
        }
        Ok(())
    }

    pub fn cue_for_form(&self, word_lower: &str) -> Option<&Cue> {
        self.verb_forms.get(word_lower)
    }

    pub fn is_title(&self, words_lower: &str) -> bool {
        self.titles.contains(words_lower)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_lists_load_and_inflect() {
        let lex = Lexicon::builtin();
        assert_eq!(&*lex.cue_for_form("said").unwrap().lemma, "say");
        assert_eq!(&*lex.cue_for_form("emphasized").unwrap().lemma, "emphasize");
        assert_eq!(&*lex.cue_for_form("insists").unwrap().lemma, "insist");
        assert_eq!(&*lex.cue_for_form("denied").unwrap().lemma, "deny");
        assert_eq!(lex.cue_for_form("believes").unwrap().class, CueClass::Belief);
        assert!(lex.is_title("secretary of state"));
        assert_eq!(lex.media.get("agence france-presse").unwrap(), "AFP");
        assert_eq!(lex.metonyms.get("Moscow").unwrap(), "Russian government");
        assert!(lex.places.contains("Zaporozhye"));
        assert!(lex.cue_phrases.iter().any(|(w, c)| w == &["according", "to"] && &*c.lemma == "according to"));
        assert_eq!(lex.first_names.get("hillary"), Some(&Gender::Female));
        assert_eq!(lex.first_names.get("donald"), Some(&Gender::Male));
        assert_eq!(lex.first_names.get("volodymyr"), Some(&Gender::Male));
        // Shared names are left out, so they agree with any pronoun.
        assert_eq!(lex.first_names.get("jordan"), None);
        assert_eq!(lex.gendered_words.get("mrs"), Some(&Gender::Female));
        assert!(Lexicon::with_extension("first_names = [\"kim | x\"]").is_err());
    }

    #[test]
    fn user_extension_adds_entries_and_rejects_unknown_lists() {
        let lex =
            Lexicon::with_extension("reporting_verbs = [\"opine | speech\"]\nmedia = [\"Kyiv Post | KP\"]\n").unwrap();
        assert_eq!(&*lex.cue_for_form("opined").unwrap().lemma, "opine");
        assert_eq!(lex.media.get("kp").unwrap(), "Kyiv Post");
        let err = Lexicon::with_extension("verbz = [\"x\"]").unwrap_err();
        assert!(err.to_string().contains("verbz"), "{err}");
        let err = Lexicon::with_extension("reporting_verbs = [\"x | loud\"]").unwrap_err();
        assert!(err.to_string().contains("class"), "{err}");
        assert!(Lexicon::with_extension("reporting_verbs = [").is_err());
    }
}
