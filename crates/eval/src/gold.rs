//! The PolNeAR JSONL format (one article per line; see
//! `../shared/data/README.md`). Spans are `[start, end)` in code points.

use serde::Deserialize;

use crate::score::{CharSet, GoldItem};

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Role {
    pub spans: Vec<[usize; 2]>,
    #[serde(default)]
    pub text: String,
}

impl Role {
    pub fn charset(&self) -> CharSet {
        CharSet::from_spans(self.spans.iter().map(|s| (s[0], s[1])))
    }
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Attribution {
    pub source: Option<Role>,
    pub cue: Option<Role>,
    pub content: Option<Role>,
}

impl Attribution {
    /// The scoring view: a null content is an empty set (it can never be
    /// matched but still counts as a gold attribution).
    pub fn to_item(&self) -> GoldItem {
        GoldItem {
            content: self.content.as_ref().map(Role::charset).unwrap_or_default(),
            source: self.source.as_ref().map(Role::charset),
            source_text: role_text(&self.source),
            cue_text: role_text(&self.cue),
            content_text: role_text(&self.content),
        }
    }
}

fn role_text(r: &Option<Role>) -> String {
    r.as_ref().map(|r| r.text.clone()).unwrap_or_default()
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Article {
    pub id: String,
    #[serde(default)]
    pub publisher: Option<String>,
    #[serde(default)]
    pub published: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    pub text: String,
    #[serde(default)]
    pub attributions: Vec<Attribution>,
}

impl Article {
    pub fn published_date(&self) -> Option<chrono::NaiveDate> {
        self.published.as_deref().and_then(|s| whosaid_document::dates::parse_ymd(s).ok())
    }
}

/// Why a gold file (articles or speakers) could not be read.
#[derive(Debug)]
pub enum GoldError {
    /// A line is not the expected JSON object (1-based line number).
    Line(usize, serde_json::Error),
}

impl std::fmt::Display for GoldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GoldError::Line(n, e) => write!(f, "line {n}: {e}"),
        }
    }
}

impl std::error::Error for GoldError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            GoldError::Line(_, e) => Some(e),
        }
    }
}

/// Parses a whole JSONL file; blank lines are skipped; errors name the line.
pub fn parse_jsonl(text: &str) -> Result<Vec<Article>, GoldError> {
    parse_lines(text)
}

/// One `T` per non-blank line (the one JSONL loop of the gold files).
pub(crate) fn parse_lines<T: serde::de::DeserializeOwned>(text: &str) -> Result<Vec<T>, GoldError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        out.push(serde_json::from_str(line).map_err(|e| GoldError::Line(i + 1, e))?);
    }
    Ok(out)
}
