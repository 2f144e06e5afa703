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
//! terminology = ["Kyiv | place | Kiyv | Kyiv"]
//! ```
#![deny(missing_docs)]

pub mod stance;

use std::collections::{HashMap as StdHashMap, HashSet as StdHashSet};
use std::fmt;
use std::hash::BuildHasherDefault;

/// Lexicon lookups run several times per token; FxHash is several times
/// cheaper than SipHash for short string keys, and nothing here is exposed to
/// untrusted key choice in a way that matters (no iteration reaches output).
pub type HashMap<K, V> = StdHashMap<K, V, BuildHasherDefault<rustc_hash::FxHasher>>;
/// The set counterpart of [`HashMap`], for the same reason.
pub type HashSet<K> = StdHashSet<K, BuildHasherDefault<rustc_hash::FxHasher>>;

/// Version of the compiled-in lists; bump when their content changes.
pub const LEXICON_VERSION: u32 = 9;

/// What kind of attribution a cue verb reports (decides the statement kind).
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
    /// Referred to as he.
    Male,
    /// Referred to as she.
    Female,
}

/// A word or phrase that reports speech or thought, with what the statement stage needs to know of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cue {
    /// Shared: every cue token of every document clones its `Cue`.
    pub lemma: std::sync::Arc<str>,
    /// What it reports.
    pub class: CueClass,
    /// The word after it is the addressee (lexicon list `cue_frames`).
    pub takes_object: bool,
    /// Reports speech only with a clause or quotation after it (`cue_frames`).
    pub needs_clause: bool,
    /// A preposition, not a verb: its source follows it and it has no subject
    /// ("according to X", `cue_frames` `source_after`).
    pub source_after: bool,
    /// Its content is an infinitive whose "to" is not part of what was said
    /// ("expressing hope to bring the two sides closer", `cue_frames` `infinitive`).
    pub infinitive: bool,
}

impl Cue {
    /// A cue of `class` with no argument frame (set by [`Lexicon`] indexing).
    pub fn new(lemma: &str, class: CueClass) -> Cue {
        Cue {
            lemma: lemma.into(),
            class,
            takes_object: false,
            needs_clause: false,
            source_after: false,
            infinitive: false,
        }
    }
}

/// The frames one cue lemma is listed with in `cue_frames` (a lemma may
/// have several: "ask" takes an object and needs a clause).
#[derive(Clone, Copy, Debug, Default)]
struct CueFrames {
    object: bool,
    clause: bool,
    source_after: bool,
    infinitive: bool,
}

/// The `pronouns` type of relative pronouns ("who", "which"): a mention only
/// right after what it refers back to.
pub const RELATIVE_PRONOUN: &str = "relative";

/// A lexicon line or list that could not be used, with where it was.
#[derive(Debug)]
pub struct LexiconError {
    /// The list it was in (`(file)` for the file as a whole).
    pub list: String,
    /// The offending line as written.
    pub line: String,
    /// What is wrong with it.
    pub reason: LexiconReason,
}

/// What is wrong with a lexicon line or list.
#[derive(Debug)]
pub enum LexiconReason {
    /// The extension file is not TOML.
    NotToml(Box<toml::de::Error>),
    /// A list's value is not an array of strings.
    NotStringArray,
    /// A TOML key that names no list.
    UnknownFileList,
    /// A cue's class is not speech, belief or evidence.
    BadCueClass,
    /// A cue phrase of one word.
    ShortCuePhrase,
    /// A mapping line without its value.
    ExpectedKeyValue,
    /// A boilerplate line without kind or with a short text.
    ExpectedKindText,
    /// A first name without m or f.
    ExpectedNameSex,
    /// A public figure's date that is not YYYY-MM-DD.
    BadDate,
    /// A public figure without name or roles.
    ExpectedPublicFigure,
    /// An adverb line with a second field other than `not`.
    ExpectedAdverb,
    /// An addressee cue without object or clause.
    ExpectedAddresseeFrame,
    /// A month or weekday line out of range.
    ExpectedCalendarWord,
    /// A terminology line with missing fields.
    ExpectedTerm,
    /// A terminology kind other than place, name or phrase.
    BadTermKind,
    /// A list this lexicon does not have.
    UnknownList,
    /// A stance other than support or oppose.
    BadStance,
    /// A confidence that is not a number from 0 to 1.
    BadConfidence,
    /// A stance cue without lemma.
    EmptyCueLemma,
    /// A stance phrase without words.
    EmptyPhrase,
    /// A negation position other than before or after.
    BadPosition,
}

impl fmt::Display for LexiconReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LexiconReason::NotToml(e) => return write!(f, "not valid TOML: {}", e.message()),
            LexiconReason::NotStringArray => "expected an array of strings",
            LexiconReason::UnknownFileList => "unknown list (see the files in crates/lexicon/data)",
            LexiconReason::BadCueClass => "class must be speech, belief or evidence",
            LexiconReason::ShortCuePhrase => "a cue phrase needs two or more words",
            LexiconReason::ExpectedKeyValue => "expected 'key | value'",
            LexiconReason::ExpectedKindText => "expected 'kind | text' with a text of 3 or more characters",
            LexiconReason::ExpectedNameSex => "expected 'name | m' or 'name | f'",
            LexiconReason::BadDate => "dates are YYYY-MM-DD or empty",
            LexiconReason::ExpectedPublicFigure => "expected 'name | from | to | role; role'",
            LexiconReason::ExpectedAdverb => "expected 'word' or 'word | not'",
            LexiconReason::ExpectedAddresseeFrame => {
                "expected 'lemma | object', 'lemma | clause', 'lemma | source_after' or 'lemma | infinitive'"
            }
            LexiconReason::ExpectedCalendarWord => "expected 'name | month | 1..12' or 'name | weekday | 1..7'",
            LexiconReason::ExpectedTerm => "expected 'group | kind | term | counterpart'",
            LexiconReason::BadTermKind => "kind must be place, name or phrase",
            LexiconReason::UnknownList => "unknown list",
            LexiconReason::BadStance => "stance must be support or oppose",
            LexiconReason::BadConfidence => "confidence must be a number from 0 to 1",
            LexiconReason::EmptyCueLemma => "empty cue lemma",
            LexiconReason::EmptyPhrase => "empty phrase",
            LexiconReason::BadPosition => "position must be before or after",
        })
    }
}

impl fmt::Display for LexiconError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "lexicon list '{}': {}: {:?}", self.list, self.reason, self.line)
    }
}

impl std::error::Error for LexiconError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.reason {
            LexiconReason::NotToml(e) => Some(e.as_ref()),
            _ => None,
        }
    }
}

/// All lists, indexed for lookup. Keys of case-insensitive lists are lower case.
///
/// The lists and the indexes derived from them are private, so they change
/// only together: when the lexicon is built and when a user file extends it
/// ([`Lexicon::extend_from_toml`]). Each list is read through the accessor of
/// its name, documented there.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    verb_forms: HashMap<String, Cue>,
    cue_phrases: Vec<(Vec<String>, Cue)>,
    /// First word → indices into `cue_phrases`, longest phrase first.
    cue_phrases_by_first: HashMap<String, Vec<usize>>,
    titles: HashSet<String>,
    title_expansions: HashMap<String, String>,
    max_title_words: usize,
    media: HashMap<String, String>,
    organizations: HashMap<String, String>,
    org_heads: HashSet<String>,
    place_heads: HashSet<String>,
    places: HashSet<String>,
    abbreviations: HashSet<String>,
    /// Lower-case auxiliaries that may sit between a speaker and a cue
    /// ("has said"): never a cue, never the end of a name a cue follows.
    auxiliaries: HashSet<String>,
    /// Lower-case words a capitalised name runs on over ("Bank of America").
    name_connectors: HashSet<String>,
    /// Lower-case articles ("the", "a", "an").
    articles: HashSet<String>,
    /// Lower-case forms of "be" that make a participle passive ("was said").
    be_forms: HashSet<String>,
    /// Lower-case words that open a speaker noun phrase ("another source").
    np_determiners: HashSet<String>,
    /// Lower-case words a speaker noun phrase never extends over ("and",
    /// "who", "with"), scanning away from its cue.
    np_boundaries: HashSet<String>,
    name_suffixes: HashSet<String>,
    place_abbreviations: HashMap<String, String>,
    metonyms: HashMap<String, String>,
    demonyms: HashMap<String, String>,
    group_nouns: HashSet<String>,
    nominals: HashMap<String, String>,
    pronouns: HashMap<String, String>,
    boilerplate: Vec<(String, String)>,
    function_words: HashSet<String>,
    prepositions: HashSet<String>,
    /// How each cue lemma takes its arguments (`cue_frames`), copied into
    /// every [`Cue`] of that lemma by indexing.
    cue_frames: HashMap<String, CueFrames>,
    group_modifiers: HashSet<String>,
    medium_leads: HashSet<String>,
    clause_links: HashSet<String>,
    months: HashMap<String, u8>,
    weekdays: HashMap<String, u8>,
    /// Adverbs between a speaker and a cue, and -ly words that are not ones;
    /// ask [`Lexicon::is_adverb`].
    adverbs: HashSet<String>,
    /// -ly words that are not adverbs ("family", "Italy").
    not_adverbs: HashSet<String>,
    /// Role phrase (lower case, no determiner) → who held it when: a small
    /// knowledge base of public figures ("kremlin spokesman" → Dmitry Peskov).
    public_figures: HashMap<String, Vec<PublicFigure>>,
    first_names: HashMap<String, Gender>,
    speech_events: HashSet<String>,
    name_variants: HashMap<String, String>,
    terminology: Vec<TermEntry>,
    gendered_words: HashMap<String, Gender>,
    max_name_words: usize,
    title_first_words: HashSet<String>,
    name_first_words: HashSet<String>,
    acronyms: HashSet<String>,
    stance: stance::StanceLexicon,
}

impl Lexicon {
    /// Inflected verb form (lower case) → cue.
    pub fn verb_forms(&self) -> &HashMap<String, Cue> {
        &self.verb_forms
    }

    /// Title phrases as lower-case words.
    pub fn titles(&self) -> &HashSet<String> {
        &self.titles
    }

    /// Abbreviated title → full form ("sen." → "senator").
    pub fn title_expansions(&self) -> &HashMap<String, String> {
        &self.title_expansions
    }

    /// Longest title phrase, in words (bounds the title search).
    pub fn max_title_words(&self) -> usize {
        self.max_title_words
    }

    /// Lower-case alias → canonical media name.
    pub fn media(&self) -> &HashMap<String, String> {
        &self.media
    }

    /// Lower-case alias → canonical organisation name.
    pub fn organizations(&self) -> &HashMap<String, String> {
        &self.organizations
    }

    /// Words that end an organisation's name ("Ministry", "Party").
    pub fn org_heads(&self) -> &HashSet<String> {
        &self.org_heads
    }

    /// Words that end a place's name ("Islands", "County"), as written.
    pub fn place_heads(&self) -> &HashSet<String> {
        &self.place_heads
    }

    /// Place names, exact case.
    pub fn places(&self) -> &HashSet<String> {
        &self.places
    }

    /// Words whose trailing period is part of the word ("Sen", "Jan"), as
    /// written: the segmenter does not end a sentence after them.
    pub fn abbreviations(&self) -> &HashSet<String> {
        &self.abbreviations
    }

    /// Generational suffixes of person names as written ("Jr.", "III"): not
    /// the surname, so "Mr. King" finds "Martin Luther King Jr.".
    pub fn name_suffixes(&self) -> &HashSet<String> {
        &self.name_suffixes
    }

    /// A place's abbreviation as written ("Vt.", "S.C.", "NY") → the place.
    pub fn place_abbreviations(&self) -> &HashMap<String, String> {
        &self.place_abbreviations
    }

    /// Place → the government it can stand for.
    pub fn metonyms(&self) -> &HashMap<String, String> {
        &self.metonyms
    }

    /// Adjective (exact case) → place or bloc.
    pub fn demonyms(&self) -> &HashMap<String, String> {
        &self.demonyms
    }

    /// Lower-case plural heads of group actors.
    pub fn group_nouns(&self) -> &HashSet<String> {
        &self.group_nouns
    }

    /// Lower-case nominal head → entity type name.
    pub fn nominals(&self) -> &HashMap<String, String> {
        &self.nominals
    }

    /// Lower-case pronoun → entity type name.
    pub fn pronouns(&self) -> &HashMap<String, String> {
        &self.pronouns
    }

    /// (kind, lower-case pattern) of boilerplate lines.
    pub fn boilerplate(&self) -> &[(String, String)] {
        &self.boilerplate
    }

    /// Capitalised non-name words (exact case).
    pub fn function_words(&self) -> &HashSet<String> {
        &self.function_words
    }

    /// Prepositions (lower case): a name after one is an oblique, a weaker
    /// pronoun antecedent than the subject.
    pub fn prepositions(&self) -> &HashSet<String> {
        &self.prepositions
    }

    /// Words that may precede a group noun in a group mention ("senior", "Western").
    pub fn group_modifiers(&self) -> &HashSet<String> {
        &self.group_modifiers
    }

    /// Words that introduce a medium when "with"/"to" follows ("interview").
    pub fn medium_leads(&self) -> &HashSet<String> {
        &self.medium_leads
    }

    /// Words that can open the clause after a content ("which", "but"): where
    /// a shorter reading of a content may end.
    pub fn clause_links(&self) -> &HashSet<String> {
        &self.clause_links
    }

    /// Month names and abbreviations (lower case) → 1..12.
    pub fn months(&self) -> &HashMap<String, u8> {
        &self.months
    }

    /// Weekday names (lower case) → 1..7, Monday = 1.
    pub fn weekdays(&self) -> &HashMap<String, u8> {
        &self.weekdays
    }

    /// Lower-case first name → sex (1990 US census lists, see the data file).
    pub fn first_names(&self) -> &HashMap<String, Gender> {
        &self.first_names
    }

    /// Lower-case head nouns of speech occasions and channels ("statement",
    /// "conference"): never a speaker.
    pub fn speech_events(&self) -> &HashSet<String> {
        &self.speech_events
    }

    /// Lower-case given-name spelling → the first spelling of its variant
    /// line ("vladimir" → "volodymyr"), for cross-article actor linking.
    pub fn name_variants(&self) -> &HashMap<String, String> {
        &self.name_variants
    }

    /// Contested terms and their counterparts (`terminology.txt`), in file
    /// order; a user entry for a term already listed replaces it.
    pub fn terminology(&self) -> &[TermEntry] {
        &self.terminology
    }

    /// Lower-case honorific or role word → sex ("mrs", "spokesman").
    pub fn gendered_words(&self) -> &HashMap<String, Gender> {
        &self.gendered_words
    }

    /// Longest entry, in words, of name lists (media/organisations/places).
    pub fn max_name_words(&self) -> usize {
        self.max_name_words
    }

    /// Lower-case first words of titles and of names (media, organisations,
    /// places): a cheap test before building a candidate phrase.
    pub fn title_first_words(&self) -> &HashSet<String> {
        &self.title_first_words
    }

    /// Lower-case first words of names (media, organisations, places).
    pub fn name_first_words(&self) -> &HashSet<String> {
        &self.name_first_words
    }

    /// Lower-case media and organisation aliases the lexicon writes in
    /// capitals as one short word ("cia", "abc"): a title-case "Cia" in a
    /// text is a nickname or a name, not the agency.
    pub fn acronyms(&self) -> &HashSet<String> {
        &self.acronyms
    }

    /// The coding stage's lists (stance cues, polarity phrases, negations).
    pub fn stance(&self) -> &stance::StanceLexicon {
        &self.stance
    }
}

/// One line of the terminology list: a term, the group of terms naming the
/// same contested referent, and the form(s) it stands against.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TermEntry {
    /// The group of terms naming the same contested referent.
    pub group: String,
    /// `place`, `name` or `phrase`.
    pub kind: String,
    /// The term as matched (folded, at word boundaries).
    pub term: String,
    /// The form(s) it stands against.
    pub variant_of: String,
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
    "terminology",
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
    "prepositions",
    "public_figures",
    "adverbs",
    "cue_frames",
    "group_modifiers",
    "medium_leads",
    "clause_links",
    "calendar",
    "place_heads",
    "abbreviations",
    "auxiliaries",
    "name_connectors",
    "np_determiners",
    "np_boundaries",
    "name_suffixes",
    "articles",
    "be_forms",
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

/// One holder of a role, for a span of dates (ISO strings compare as dates).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicFigure {
    /// Who held the role.
    pub name: String,
    /// First day held (open when absent).
    pub from: Option<String>,
    /// Last day held (open when absent).
    pub to: Option<String>,
}

impl PublicFigure {
    /// Whether the role was held on `date` (YYYY-MM-DD).
    pub fn holds_on(&self, date: &str) -> bool {
        self.from.as_deref().is_none_or(|f| f <= date) && self.to.as_deref().is_none_or(|t| date <= t)
    }
}

impl Lexicon {
    /// Who held `role` (lower case, no determiner) on `date`, when exactly
    /// one person did.
    pub fn role_holder_on<'a>(&'a self, role: &str, date: &'a str) -> Option<&'a str> {
        let mut holders = self.role_holders_on(role, date);
        let first = holders.next()?;
        holders.all(|h| h == first).then_some(first)
    }

    /// Everyone holding `role` on `date` ("vermont senator": two people).
    pub fn role_holders_on<'a>(&'a self, role: &str, date: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.public_figures.get(role).into_iter().flatten().filter(move |f| f.holds_on(date)).map(|f| f.name.as_str())
    }

    /// Whether a lower-case word is a relative pronoun that can speak
    /// (`pronouns` type `relative`: "who", "which").
    pub fn is_relative_pronoun(&self, word_lower: &str) -> bool {
        self.pronouns.get(word_lower).is_some_and(|t| t == RELATIVE_PRONOUN)
    }

    /// Whether a lower-case word is an adverb that may sit between a speaker
    /// and a cue: listed, or a -ly word of five letters or more not listed
    /// as "not".
    pub fn is_adverb(&self, word_lower: &str) -> bool {
        self.adverbs.contains(word_lower)
            || (word_lower.len() > 4 && word_lower.ends_with("ly") && !self.not_adverbs.contains(word_lower))
    }

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
        let frames = &self.cue_frames;
        let frame = |cue: &mut Cue| {
            let f = frames.get(&*cue.lemma).copied().unwrap_or_default();
            (cue.takes_object, cue.needs_clause) = (f.object, f.clause);
            (cue.source_after, cue.infinitive) = (f.source_after, f.infinitive);
        };
        self.verb_forms.values_mut().for_each(frame);
        self.cue_phrases.iter_mut().for_each(|(_, cue)| frame(cue));
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

    /// Adds a user TOML file's lists (`--lexicon`) to this lexicon; a bad list or line is an error naming it.
    pub fn extend_from_toml(&mut self, toml_text: &str) -> Result<(), LexiconError> {
        let table: toml::Table = toml_text.parse().map_err(|e: toml::de::Error| LexiconError {
            list: "(file)".into(),
            line: String::new(),
            reason: LexiconReason::NotToml(Box::new(e)),
        })?;
        for (key, value) in &table {
            let err = |reason: LexiconReason| LexiconError { list: key.clone(), line: String::new(), reason };
            if stance::LISTS.contains(&key.as_str()) {
                let arr = value.as_array().ok_or_else(|| err(LexiconReason::NotStringArray))?;
                let entries: Option<Vec<&str>> = arr.iter().map(|v| v.as_str()).collect();
                self.stance.add_list(key, entries.ok_or_else(|| err(LexiconReason::NotStringArray))?.into_iter())?;
                continue;
            }
            if !BUILTIN.iter().any(|(n, _)| n == key) {
                return Err(err(LexiconReason::UnknownFileList));
            }
            let arr = value.as_array().ok_or_else(|| err(LexiconReason::NotStringArray))?;
            let mut entries = Vec::with_capacity(arr.len());
            for v in arr {
                entries.push(v.as_str().ok_or_else(|| err(LexiconReason::NotStringArray))?);
            }
            self.add_list(key, entries.into_iter())?;
        }
        self.index();
        Ok(())
    }

    fn add_list<'a>(&mut self, list: &str, entries: impl Iterator<Item = &'a str>) -> Result<(), LexiconError> {
        for line in entries {
            let f = fields(line);
            let bad = |reason: LexiconReason| LexiconError { list: list.into(), line: line.into(), reason };
            let class = |s: Option<&&str>| match s.copied().unwrap_or("speech") {
                "speech" => Ok(CueClass::Speech),
                "belief" => Ok(CueClass::Belief),
                "evidence" => Ok(CueClass::Evidence),
                _ => Err(bad(LexiconReason::BadCueClass)),
            };
            match list {
                "reporting_verbs" => {
                    let lemma = f[0].to_lowercase();
                    let cue = Cue::new(&lemma, class(f.get(1))?);
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
                        return Err(bad(LexiconReason::ShortCuePhrase));
                    }
                    let lemma = f.get(1).map(|s| s.to_string()).unwrap_or_else(|| f[0].to_lowercase());
                    self.cue_phrases.push((words, Cue::new(&lemma, class(f.get(2))?)));
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
                        if alias.len() <= 3 && alias.len() >= 2 && alias.chars().all(|c| c.is_ascii_uppercase()) {
                            self.acronyms.insert(alias.to_lowercase());
                        }
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
                "place_heads" => {
                    self.place_heads.insert(f[0].to_string());
                }
                "places" => {
                    self.name_first_words.insert(first_word(&f[0].to_lowercase()));
                    self.max_name_words = self.max_name_words.max(f[0].split_whitespace().count());
                    self.places.insert(f[0].to_string());
                    for a in f[1..].iter().filter(|a| !a.is_empty()) {
                        self.place_abbreviations.insert(a.to_string(), f[0].to_string());
                    }
                }
                "metonyms" | "demonyms" | "nominals" | "pronouns" => {
                    let target =
                        f.get(1).filter(|s| !s.is_empty()).ok_or_else(|| bad(LexiconReason::ExpectedKeyValue))?;
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
                    let pattern =
                        f.get(1).filter(|p| p.len() >= 3).ok_or_else(|| bad(LexiconReason::ExpectedKindText))?;
                    self.boilerplate.push((f[0].to_string(), pattern.to_lowercase()));
                }
                "first_names" | "gendered_words" => {
                    let g = match f.get(1).copied() {
                        Some("m") => Gender::Male,
                        Some("f") => Gender::Female,
                        _ => return Err(bad(LexiconReason::ExpectedNameSex)),
                    };
                    let map = if list == "first_names" { &mut self.first_names } else { &mut self.gendered_words };
                    map.insert(f[0].to_lowercase(), g);
                }
                "speech_events" => {
                    self.speech_events.insert(f[0].to_lowercase());
                }
                "abbreviations" => {
                    self.abbreviations.insert(f[0].to_string());
                }
                "auxiliaries" => {
                    self.auxiliaries.insert(f[0].to_lowercase());
                }
                "name_connectors" => {
                    self.name_connectors.insert(f[0].to_lowercase());
                }
                "articles" => {
                    self.articles.insert(f[0].to_lowercase());
                }
                "be_forms" => {
                    self.be_forms.insert(f[0].to_lowercase());
                }
                "np_determiners" => {
                    self.np_determiners.insert(f[0].to_lowercase());
                }
                "np_boundaries" => {
                    self.np_boundaries.insert(f[0].to_lowercase());
                }
                "name_suffixes" => {
                    self.name_suffixes.insert(f[0].to_string());
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
                "public_figures" => {
                    let date = |s: Option<&&str>| -> Result<Option<String>, LexiconError> {
                        match s.copied().unwrap_or("") {
                            "" => Ok(None),
                            d if whosaid_document::dates::is_ymd_shaped(d) => Ok(Some(d.to_string())),
                            _ => Err(bad(LexiconReason::BadDate)),
                        }
                    };
                    let roles: Vec<String> = f
                        .get(3)
                        .map(|r| r.split(';').map(|x| x.trim().to_lowercase()).filter(|x| !x.is_empty()).collect())
                        .unwrap_or_default();
                    if f[0].is_empty() || roles.is_empty() {
                        return Err(bad(LexiconReason::ExpectedPublicFigure));
                    }
                    let figure = PublicFigure { name: f[0].to_string(), from: date(f.get(1))?, to: date(f.get(2))? };
                    for role in roles {
                        self.public_figures.entry(role).or_default().push(figure.clone());
                    }
                }
                "adverbs" => {
                    let word = f[0].to_lowercase();
                    match f.get(1).copied() {
                        None | Some("") => {
                            self.adverbs.insert(word);
                        }
                        Some("not") => {
                            self.not_adverbs.insert(word);
                        }
                        Some(_) => return Err(bad(LexiconReason::ExpectedAdverb)),
                    }
                }
                "cue_frames" => {
                    let frame = f.get(1).copied();
                    if !matches!(frame, Some("object" | "clause" | "source_after" | "infinitive")) {
                        return Err(bad(LexiconReason::ExpectedAddresseeFrame));
                    }
                    let frames = self.cue_frames.entry(f[0].to_lowercase()).or_default();
                    match frame {
                        Some("object") => frames.object = true,
                        Some("clause") => frames.clause = true,
                        Some("source_after") => frames.source_after = true,
                        _ => frames.infinitive = true,
                    }
                }
                "calendar" => {
                    let n: Option<u8> = f.get(2).and_then(|n| n.parse().ok());
                    match (f.get(1).copied(), n) {
                        (Some("month"), Some(m @ 1..=12)) => self.months.insert(f[0].to_lowercase(), m),
                        (Some("weekday"), Some(d @ 1..=7)) => self.weekdays.insert(f[0].to_lowercase(), d),
                        _ => return Err(bad(LexiconReason::ExpectedCalendarWord)),
                    };
                }
                "medium_leads" => {
                    self.medium_leads.insert(f[0].to_lowercase());
                }
                "clause_links" => {
                    self.clause_links.insert(f[0].to_lowercase());
                }
                "group_modifiers" => {
                    self.group_modifiers.insert(f[0].to_lowercase());
                }
                "prepositions" => {
                    self.prepositions.insert(f[0].to_lowercase());
                }
                "terminology" => {
                    if f.len() != 4 || f.iter().any(|x| x.is_empty()) {
                        return Err(bad(LexiconReason::ExpectedTerm));
                    }
                    if !["place", "name", "phrase"].contains(&f[1]) {
                        return Err(bad(LexiconReason::BadTermKind));
                    }
                    let entry = TermEntry {
                        group: f[0].to_string(),
                        kind: f[1].to_string(),
                        term: f[2].to_string(),
                        variant_of: f[3].to_string(),
                    };
                    match self.terminology.iter_mut().find(|e| e.term.to_lowercase() == entry.term.to_lowercase()) {
                        Some(old) => *old = entry,
                        None => self.terminology.push(entry),
                    }
                }
                _ => return Err(bad(LexiconReason::UnknownList)),
            }
        }
        Ok(())
    }

    /// Multi-word cue phrases as lower-case words, with their cues, longest
    /// first.
    pub fn cue_phrases(&self) -> &[(Vec<String>, Cue)] {
        &self.cue_phrases
    }

    /// The multi-word cue phrases whose first word is `word_lower`, longest
    /// first: (the phrase's lower-case words, its cue).
    pub fn cue_phrases_starting(&self, word_lower: &str) -> impl Iterator<Item = &(Vec<String>, Cue)> + '_ {
        self.cue_phrases_by_first.get(word_lower).into_iter().flatten().map(|&i| &self.cue_phrases[i])
    }

    /// The cue an inflected verb form (lower case) reports, if it is one.
    pub fn cue_for_form(&self, word_lower: &str) -> Option<&Cue> {
        self.verb_forms.get(word_lower)
    }

    /// Whether lower-case words form a listed title ("secretary of state").
    pub fn is_title(&self, words_lower: &str) -> bool {
        self.titles.contains(words_lower)
    }

    /// Whether a lower-case word is an auxiliary that may sit between a
    /// speaker and a cue ("has said").
    pub fn is_auxiliary(&self, word_lower: &str) -> bool {
        self.auxiliaries.contains(word_lower)
    }

    /// Whether a lower-case word joins the capitalised words of one name
    /// ("of" in "Bank of America").
    pub fn is_name_connector(&self, word_lower: &str) -> bool {
        self.name_connectors.contains(word_lower)
    }

    /// Whether a lower-case word is an article ("the", "a", "an").
    pub fn is_article(&self, word_lower: &str) -> bool {
        self.articles.contains(word_lower)
    }

    /// Whether a lower-case word is a form of "be" that makes a participle
    /// after it passive ("was said", "is widely reported").
    pub fn is_be_form(&self, word_lower: &str) -> bool {
        self.be_forms.contains(word_lower)
    }

    /// Whether a lower-case word opens a speaker noun phrase ("another").
    pub fn is_np_determiner(&self, word_lower: &str) -> bool {
        self.np_determiners.contains(word_lower)
    }

    /// Whether a lower-case word ends a speaker noun phrase scanned away
    /// from its cue ("and", "who").
    pub fn is_np_boundary(&self, word_lower: &str) -> bool {
        self.np_boundaries.contains(word_lower)
    }

    /// Whether a word, as written, is a generational name suffix ("Jr.").
    pub fn is_name_suffix(&self, word: &str) -> bool {
        self.name_suffixes.contains(word)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_errors_are_typed_and_name_list_and_line() {
        let e = Lexicon::with_extension("first_names = [").unwrap_err();
        assert!(matches!(e.reason, LexiconReason::NotToml(_)));
        assert!(e.to_string().starts_with("lexicon list '(file)': not valid TOML"), "{e}");
        let e = Lexicon::with_extension("no_such_list = [\"x\"]").unwrap_err();
        assert!(matches!(e.reason, LexiconReason::UnknownFileList), "{e}");
        let e = Lexicon::with_extension("public_figures = [\"Ann Lee | 2025/01/01 | | mayor\"]").unwrap_err();
        assert!(matches!(e.reason, LexiconReason::BadDate), "{e}");
        assert_eq!(
            e.to_string(),
            "lexicon list 'public_figures': dates are YYYY-MM-DD or empty: \"Ann Lee | 2025/01/01 | | mayor\""
        );
        let lex = Lexicon::with_extension("public_figures = [\"Ann Lee | 2025-01-01 | | mayor\"]").unwrap();
        assert_eq!(lex.role_holder_on("mayor", "2025-06-01"), Some("Ann Lee"));
    }

    #[test]
    fn builtin_lists_load_and_inflect() {
        let lex = Lexicon::builtin();
        assert_eq!(&*lex.cue_for_form("said").unwrap().lemma, "say");
        assert_eq!(&*lex.cue_for_form("emphasized").unwrap().lemma, "emphasize");
        assert_eq!(&*lex.cue_for_form("insists").unwrap().lemma, "insist");
        assert_eq!(&*lex.cue_for_form("denied").unwrap().lemma, "deny");
        assert_eq!(lex.cue_for_form("believes").unwrap().class, CueClass::Belief);
        assert!(lex.is_title("secretary of state"));
        assert_eq!(lex.media().get("agence france-presse").unwrap(), "AFP");
        assert_eq!(lex.metonyms.get("Moscow").unwrap(), "Russian government");
        assert!(lex.places.contains("Zaporozhye"));
        assert!(lex
            .cue_phrases
            .iter()
            .any(|(w, c)| w == &["according", "to"] && &*c.lemma == "according to" && c.source_after));
        assert!(lex.cue_phrases.iter().any(|(_, c)| &*c.lemma == "express hope" && c.infinitive && !c.source_after));
        assert_eq!(lex.first_names.get("hillary"), Some(&Gender::Female));
        assert_eq!(lex.first_names.get("donald"), Some(&Gender::Male));
        assert_eq!(lex.first_names.get("volodymyr"), Some(&Gender::Male));
        // Shared names are left out, so they agree with any pronoun.
        assert_eq!(lex.first_names.get("jordan"), None);
        assert_eq!(lex.gendered_words.get("mrs"), Some(&Gender::Female));
        assert!(Lexicon::with_extension("first_names = [\"kim | x\"]").is_err());
        assert!(lex.is_adverb("also") && lex.is_adverb("reportedly") && lex.is_adverb("angrily"));
        assert!(!lex.is_adverb("family") && !lex.is_adverb("said"));
        assert!(lex.cue_for_form("told").unwrap().takes_object && !lex.cue_for_form("said").unwrap().takes_object);
        assert!(lex.cue_for_form("responded").unwrap().needs_clause);
        assert_eq!(lex.months.get("sept."), Some(&9));
        assert_eq!(lex.weekdays.get("sunday"), Some(&7));
        assert!(lex.group_modifiers.contains("western") && lex.medium_leads.contains("interview"));
        assert!(lex.clause_links.contains("which") && !lex.clause_links.contains("said"));
        assert!(lex.is_auxiliary("has") && !lex.is_auxiliary("said"));
        assert!(lex.is_name_connector("of") && lex.is_name_connector("&") && !lex.is_name_connector("and"));
        assert!(lex.is_np_determiner("several") && !lex.is_np_determiner("officials"));
        assert!(lex.is_np_boundary("who") && lex.is_np_boundary("according") && !lex.is_np_boundary("officials"));
        assert!(lex.is_name_suffix("Jr.") && lex.is_name_suffix("III") && !lex.is_name_suffix("jr."));
        assert!(lex.is_article("an") && !lex.is_article("another"));
        assert!(lex.is_be_form("being") && lex.is_be_form("was") && !lex.is_be_form("has"));
        assert!(lex.stance().is_phrase_determiner("any") && !lex.stance().is_phrase_determiner("that"));
        assert!(Lexicon::with_extension("calendar = [\"smarch | month | 13\"]").is_err());
        assert!(Lexicon::with_extension("cue_frames = [\"opine | loud\"]").is_err());
        let ext =
            Lexicon::with_extension("cue_frames = [\"notify | object\"]\nreporting_verbs = [\"notify\"]").unwrap();
        assert!(ext.cue_for_form("notified").unwrap().takes_object);
        assert_eq!(lex.role_holder_on("kremlin spokesman", "2025-04-23"), Some("Dmitry Peskov"));
        assert_eq!(lex.role_holder_on("republican presidential nominee", "2016-09-20"), Some("Donald Trump"));
        // Before the convention nobody was the nominee; after the election neither.
        assert_eq!(lex.role_holder_on("republican presidential nominee", "2016-05-01"), None);
        assert_eq!(lex.role_holder_on("president", "2016-09-20"), Some("Barack Obama"));
        assert_eq!(lex.role_holder_on("president", "2025-04-23"), Some("Donald Trump"));
        let err = Lexicon::with_extension("public_figures = [\"Ann Lee | 2020 | | mayor\"]").unwrap_err();
        assert!(err.to_string().contains("YYYY-MM-DD"), "{err}");
        let ext =
            Lexicon::with_extension("public_figures = [\"Ann Lee | 2020-01-01 | | mayor of springfield\"]").unwrap();
        assert_eq!(ext.role_holder_on("mayor of springfield", "2021-06-01"), Some("Ann Lee"));
        let kiev = lex.terminology.iter().find(|e| e.term == "Kiev").unwrap();
        assert_eq!((kiev.group.as_str(), kiev.kind.as_str(), kiev.variant_of.as_str()), ("Kyiv", "place", "Kyiv"));
    }

    #[test]
    fn terminology_extension_adds_and_replaces_terms() {
        let n = Lexicon::builtin().terminology.len();
        let lex = Lexicon::with_extension(
            "terminology = [\"Kyiv | place | Kiyv | Kyiv\", \"Other Kyiv | place | KIEV | Kyiv\"]",
        )
        .unwrap();
        assert_eq!(lex.terminology.len(), n + 1);
        assert_eq!(lex.terminology.iter().find(|e| e.term == "KIEV").unwrap().group, "Other Kyiv");
        let err = Lexicon::with_extension("terminology = [\"Kyiv | spelling | Kiyv | Kyiv\"]").unwrap_err();
        assert!(err.to_string().contains("kind must be"), "{err}");
        let err = Lexicon::with_extension("terminology = [\"Kyiv | place | Kiyv\"]").unwrap_err();
        assert!(err.to_string().contains("group | kind | term | counterpart"), "{err}");
    }

    #[test]
    fn user_extension_adds_entries_and_rejects_unknown_lists() {
        let lex =
            Lexicon::with_extension("reporting_verbs = [\"opine | speech\"]\nmedia = [\"Kyiv Post | KP\"]\n").unwrap();
        assert_eq!(&*lex.cue_for_form("opined").unwrap().lemma, "opine");
        assert_eq!(lex.media().get("kp").unwrap(), "Kyiv Post");
        let lex = Lexicon::with_extension(
            "auxiliaries = [\"Ought\"]\nname_connectors = [\"der\"]\nnp_determiners = [\"Certain\"]\n\
             np_boundaries = [\"unless\"]\nname_suffixes = [\"V\"]\narticles = [\"Ye\"]\nbe_forms = [\"am\"]\n\
             phrase_determiners = [\"Whose\"]",
        )
        .unwrap();
        assert!(lex.is_auxiliary("ought") && lex.is_name_connector("der") && lex.is_np_determiner("certain"));
        assert!(lex.is_np_boundary("unless") && lex.is_name_suffix("V") && !lex.is_name_suffix("v"));
        assert!(lex.is_article("ye") && lex.is_be_form("am") && lex.stance().is_phrase_determiner("whose"));
        let err = Lexicon::with_extension("verbz = [\"x\"]").unwrap_err();
        assert!(err.to_string().contains("verbz"), "{err}");
        let err = Lexicon::with_extension("reporting_verbs = [\"x | loud\"]").unwrap_err();
        assert!(err.to_string().contains("class"), "{err}");
        assert!(Lexicon::with_extension("reporting_verbs = [").is_err());
    }
}
