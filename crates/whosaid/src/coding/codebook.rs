//! The user's codebook: issues (concepts) and the words, phrases and entity
//! names that signal them, as TOML.
//!
//! ```toml
//! name = "Russia–Ukraine war"
//! [issues."Crimea status"]
//! terms = ["Crimea", "Crimean peninsula"]
//! [issues.Security."NATO membership for Ukraine"]   # nested category "Security"
//! terms = ["NATO membership", "join NATO"]
//! entities = ["NATO"]
//! ```
//!
//! A table with `terms` or `entities` is an issue; its other sub-tables are
//! issues below it; a table with neither is a category. Terms match words with
//! their regular inflections ("sanction" matches "sanctions", "recognize"
//! matches "recognizing"); a word written in capitals of two or more letters
//! ("NATO", "US") matches only in capitals, so "US" never matches "us".
//! Entity names match mentions whose entity has that name (folded: case and
//! accents ignored).

use std::fmt;

use whosaid_document::names;

use super::stem;

/// Why a codebook was refused: the issue (or "(file)") and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodebookError {
    /// The issue whose table is wrong, or "(file)": where to look in the file.
    pub issue: String,
    /// What is wrong, in words for the user.
    pub reason: String,
}

impl fmt::Display for CodebookError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "codebook issue '{}': {}", self.issue, self.reason)
    }
}

impl std::error::Error for CodebookError {}

/// One word of a term: its stem, or the exact capitalised form for acronyms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TermWord {
    /// A stem: matches the word's regular inflections too.
    Stem(String),
    /// An acronym in capitals ("NATO", "US"): matches only as written, so
    /// "US" never matches "us".
    Exact(String),
}

impl TermWord {
    fn new(word: &str) -> TermWord {
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        if letters >= 2 && word.chars().all(|c| !c.is_alphabetic() || c.is_uppercase()) {
            TermWord::Exact(word.to_string())
        } else {
            TermWord::Stem(stem(word))
        }
    }

    /// Whether a token (its text and stem) is this word.
    pub fn matches(&self, text: &str, token_stem: &str) -> bool {
        match self {
            TermWord::Stem(s) => s == token_stem,
            TermWord::Exact(e) => text == e || text.strip_suffix('s').is_some_and(|t| t == e),
        }
    }
}

/// One issue (concept) of a codebook and what signals it in a statement.
#[derive(Clone, Debug, PartialEq)]
pub struct Issue {
    /// Its name as the codebook gives it: what codings report.
    pub name: String,
    /// Categories above the issue, outermost first, joined by " / ".
    pub category: Option<String>,
    /// Each term as its words.
    pub terms: Vec<Vec<TermWord>>,
    /// Folded entity names (see `names::fold`).
    pub entities: Vec<String>,
}

/// The user's codebook (see the module docs for its TOML form): the issues
/// the coding stage looks for, instead of the built-in fallback.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Codebook {
    /// The codebook's `name`, to say which codebook coded a corpus.
    pub name: Option<String>,
    /// In file order (parents before their children).
    pub issues: Vec<Issue>,
}

/// Splits a term into words the way the tokenizer does (a hyphenated word is
/// one token; a possessive is dropped).
fn term_words(term: &str) -> Vec<TermWord> {
    term.split_whitespace()
        .map(|w| w.trim_matches(|c: char| matches!(c, ',' | '.' | ';' | ':' | '"' | '“' | '”')))
        .map(|w| w.strip_suffix("’s").or_else(|| w.strip_suffix("'s")).unwrap_or(w))
        .filter(|w| !w.is_empty())
        .map(TermWord::new)
        .collect()
}

impl Codebook {
    /// Reads a codebook file's content; a wrong table or key is an error
    /// naming the issue, so the user can fix the file.
    pub fn from_toml(text: &str) -> Result<Codebook, CodebookError> {
        let file = |reason: String| CodebookError { issue: "(file)".into(), reason };
        let table: toml::Table =
            text.parse().map_err(|e: toml::de::Error| file(format!("not valid TOML: {}", e.message().trim())))?;
        let mut book = Codebook::default();
        for (key, value) in &table {
            match key.as_str() {
                "name" => {
                    book.name = Some(value.as_str().ok_or_else(|| file("name must be a string".into()))?.to_string())
                }
                "version" | "description" => {}
                "issues" => {
                    let issues = value.as_table().ok_or_else(|| file("[issues] must be a table".into()))?;
                    for (name, v) in issues {
                        book.add(name, v, &[])?;
                    }
                }
                other => {
                    return Err(file(format!("unknown key '{other}' (expected name, version, description, issues)")))
                }
            }
        }
        if book.issues.is_empty() {
            return Err(file("no issues: add at least one [issues.\"NAME\"] table with terms".into()));
        }
        Ok(book)
    }

    fn add(&mut self, name: &str, value: &toml::Value, parents: &[String]) -> Result<(), CodebookError> {
        let err = |reason: &str| CodebookError { issue: name.to_string(), reason: reason.to_string() };
        let table = value.as_table().ok_or_else(|| err("expected a table with terms = [...]"))?;
        let strings = |key: &str| -> Result<Vec<String>, CodebookError> {
            match table.get(key) {
                None => Ok(Vec::new()),
                Some(v) => v
                    .as_array()
                    .ok_or_else(|| err(&format!("{key} must be an array of strings")))?
                    .iter()
                    .map(|s| {
                        s.as_str().map(str::to_string).ok_or_else(|| err(&format!("{key} must be an array of strings")))
                    })
                    .collect(),
            }
        };
        let terms = strings("terms")?;
        let entities = strings("entities")?;
        let children: Vec<(&String, &toml::Value)> = table.iter().filter(|(_, v)| v.is_table()).collect();
        for (k, v) in table {
            if !v.is_table() && !matches!(k.as_str(), "terms" | "entities" | "description") {
                return Err(err(&format!("unknown key '{k}' (expected terms, entities, description or sub-tables)")));
            }
        }
        if name.trim().is_empty() {
            return Err(err("empty issue name"));
        }
        let is_issue = table.contains_key("terms") || table.contains_key("entities");
        if is_issue {
            let words: Vec<Vec<TermWord>> = terms.iter().map(|t| term_words(t)).collect();
            if let Some(i) = words.iter().position(Vec::is_empty) {
                return Err(err(&format!("term {:?} has no words", terms[i])));
            }
            if words.is_empty() && entities.is_empty() {
                return Err(err("terms and entities are both empty"));
            }
            self.issues.push(Issue {
                name: name.to_string(),
                category: if parents.is_empty() { None } else { Some(parents.join(" / ")) },
                terms: words,
                entities: entities.iter().map(|e| names::fold(e)).collect(),
            });
        } else if children.is_empty() {
            return Err(err("no terms, no entities and no issues below it"));
        }
        let mut path = parents.to_vec();
        path.push(name.to_string());
        for (child, v) in children {
            self.add(child, v, &path)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_categories_and_inflections() {
        let book = Codebook::from_toml(
            "name = \"x\"\n[issues.\"Crimea status\"]\nterms = [\"Crimea\"]\n\
             [issues.Security.\"NATO membership\"]\nterms = [\"NATO membership\"]\nentities = [\"NATO\"]\n",
        )
        .unwrap();
        assert_eq!(book.issues.len(), 2);
        let nato = &book.issues[1];
        assert_eq!(nato.name, "NATO membership");
        assert_eq!(nato.category.as_deref(), Some("Security"));
        assert_eq!(nato.terms[0][0], TermWord::Exact("NATO".into()));
        assert_eq!(nato.terms[0][1], TermWord::Stem(stem("memberships")));
    }

    #[test]
    fn bad_codebooks_name_the_issue_and_reason() {
        let e = Codebook::from_toml("[issues.A]\nterms = [1]\n").unwrap_err();
        assert_eq!(e.issue, "A");
        assert!(e.reason.contains("array of strings"), "{e}");
        let e = Codebook::from_toml("[issues.A]\nwords = [\"x\"]\n").unwrap_err();
        assert!(e.reason.contains("unknown key 'words'"), "{e}");
        let e = Codebook::from_toml("[issues.A]\n").unwrap_err();
        assert!(e.reason.contains("no terms"), "{e}");
        let e = Codebook::from_toml("issues = [").unwrap_err();
        assert!(e.reason.contains("not valid TOML"), "{e}");
        let e = Codebook::from_toml("name = \"empty\"\n").unwrap_err();
        assert!(e.reason.contains("no issues"), "{e}");
    }
}
