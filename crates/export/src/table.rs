//! Flat tables as CSV (RFC 4180): UTF-8, a header, CRLF record ends, a field
//! quoted when it holds a comma, quote, CR or LF (quotes doubled). Multi-valued
//! cells (issues, targets) are joined with "; " and aligned: the n-th stance
//! is the n-th issue's.

use crate::rows::{Corpus, StatementRow};

/// Appends one CSV field.
pub fn field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

/// Appends one CSV record (CRLF-terminated).
pub fn record<S: AsRef<str>>(out: &mut String, values: &[S]) {
    for (i, v) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        field(out, v.as_ref());
    }
    out.push_str("\r\n");
}

/// The statements table's columns, in file order.
pub const STATEMENT_COLUMNS: &[&str] = &[
    "doc_id",
    "url",
    "outlet",
    "published",
    "title",
    "statement",
    "speaker",
    "actor_id",
    "speaker_type",
    "speaker_role",
    "mention",
    "cue",
    "cue_lemma",
    "kind",
    "content",
    "addressee",
    "utterance_date",
    "issues",
    "stances",
    "stance_confidences",
    "targets",
    "confidence",
];

/// The codings table's columns (one row per statement × issue), in file order.
pub const CODING_COLUMNS: &[&str] = &[
    "doc_id",
    "published",
    "outlet",
    "statement",
    "speaker",
    "actor_id",
    "speaker_type",
    "issue",
    "category",
    "stance",
    "agreement",
    "stance_confidence",
    "cue_lemma",
    "kind",
    "content",
];

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

/// A float with at most 2 decimals, no trailing zeros (stable across platforms).
pub fn num(x: f32) -> String {
    let s = format!("{:.2}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// The cells of one statement row, in `STATEMENT_COLUMNS` order.
pub fn statement_values(corpus: &Corpus, r: &StatementRow) -> Vec<String> {
    let d = &corpus.documents[r.doc];
    let join = |f: &dyn Fn(&crate::rows::IssueCell) -> String| r.issues.iter().map(f).collect::<Vec<_>>().join("; ");
    vec![
        d.key.clone(),
        opt(&d.url),
        opt(&d.outlet),
        opt(&d.published),
        opt(&d.title),
        r.statement.to_string(),
        r.speaker.as_ref().map(|a| a.name.clone()).unwrap_or_default(),
        r.speaker.as_ref().map(|a| a.key.clone()).unwrap_or_default(),
        r.speaker.as_ref().map(|a| a.etype.clone()).unwrap_or_default(),
        opt(&r.speaker_role),
        opt(&r.mention),
        opt(&r.cue),
        opt(&r.cue_lemma),
        r.kind.clone(),
        r.content.clone(),
        opt(&r.addressee),
        opt(&r.utterance_date),
        join(&|i| i.issue.clone()),
        join(&|i| i.stance.clone()),
        join(&|i| num(i.confidence)),
        r.targets.iter().map(|a| a.name.clone()).collect::<Vec<_>>().join("; "),
        num(r.confidence),
    ]
}

/// The statements table: one row per statement.
pub fn statements_csv(corpus: &Corpus) -> String {
    let mut out = String::new();
    record(&mut out, STATEMENT_COLUMNS);
    for r in &corpus.rows {
        record(&mut out, &statement_values(corpus, r));
    }
    out
}

/// The codings table (DNA's event list): one row per statement × issue;
/// `agreement` is 1 for support, 0 for oppose, empty for unknown.
pub fn codings_csv(corpus: &Corpus) -> String {
    let mut out = String::new();
    record(&mut out, CODING_COLUMNS);
    for r in &corpus.rows {
        let d = &corpus.documents[r.doc];
        for i in &r.issues {
            let agreement = match i.stance.as_str() {
                "support" => "1",
                "oppose" => "0",
                _ => "",
            };
            record(
                &mut out,
                &[
                    d.key.clone(),
                    opt(&d.published),
                    opt(&d.outlet),
                    r.statement.to_string(),
                    r.speaker.as_ref().map(|a| a.name.clone()).unwrap_or_default(),
                    r.speaker.as_ref().map(|a| a.key.clone()).unwrap_or_default(),
                    r.speaker.as_ref().map(|a| a.etype.clone()).unwrap_or_default(),
                    i.issue.clone(),
                    opt(&i.category),
                    i.stance.clone(),
                    agreement.to_string(),
                    num(i.confidence),
                    opt(&r.cue_lemma),
                    r.kind.clone(),
                    r.content.clone(),
                ],
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_quoted_only_when_needed() {
        let mut out = String::new();
        record(&mut out, &["plain", "a,b", "say \"no\"", "two\nlines", ""]);
        assert_eq!(out, "plain,\"a,b\",\"say \"\"no\"\"\",\"two\nlines\",\r\n");
        assert_eq!(num(0.8), "0.8");
        assert_eq!(num(0.0), "0");
        assert_eq!(num(1.0), "1");
    }
}
