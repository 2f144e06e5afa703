//! The PolNeAR JSONL format (one article per line; see
//! `../shared/data/README.md`). Spans are `[start, end)` in code points.

use serde::Deserialize;

use crate::score::{CharSet, GoldItem};

/// One role (source, cue or content) of a gold attribution: the spans, because a
/// PolNeAR role may be discontinuous, and the text as the annotator saw it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Role {
    /// `[start, end)` in code points of the article text.
    pub spans: Vec<[usize; 2]>,
    /// The role's words as annotated, for the error listing.
    #[serde(default)]
    pub text: String,
}

impl Role {
    /// The role's positions as one set, the form scoring compares.
    pub fn charset(&self) -> CharSet {
        CharSet::from_spans(self.spans.iter().map(|s| (s[0], s[1])))
    }
}

/// One annotated attribution; a role the annotator left out is `None`.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Attribution {
    /// Who is quoted (null when the text names no one).
    pub source: Option<Role>,
    /// The words that introduce the content ("said", "according to").
    pub cue: Option<Role>,
    /// What was said or believed.
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

/// One PolNeAR article: its text and what the annotators attributed in it.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Article {
    /// The corpus id, kept as the document id so errors can be traced back.
    pub id: String,
    /// The outlet as PolNeAR gives it (carried with the article, not scored).
    #[serde(default)]
    pub publisher: Option<String>,
    /// Publication date (YYYY-MM-DD): anchors relative times the way ingest does.
    #[serde(default)]
    pub published: Option<String>,
    /// The headline, given to the pipeline like any article's title.
    #[serde(default)]
    pub title: Option<String>,
    /// The raw text all gold offsets index.
    pub text: String,
    /// Every gold attribution of the article.
    #[serde(default)]
    pub attributions: Vec<Attribution>,
}

impl Article {
    /// The publication date, or `None` when absent or malformed (the
    /// pipeline then runs without an anchor rather than failing the run).
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
