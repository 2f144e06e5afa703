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
        self.published.as_deref().and_then(whosaid_document::dates::parse_ymd)
    }
}

/// Parses a whole JSONL file; blank lines are skipped; errors name the line.
pub fn parse_jsonl(text: &str) -> Result<Vec<Article>, String> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let a: Article = serde_json::from_str(line).map_err(|e| format!("line {}: {e}", i + 1))?;
        out.push(a);
    }
    Ok(out)
}
