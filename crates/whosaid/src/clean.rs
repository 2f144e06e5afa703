//! Stage 1 — clean: raw text in, article text out.
//!
//! Drops whole lines that are not article text (redirect notices, newsletter
//! prompts, share bars, photo credits) and trims line edges; nothing inside a
//! kept line is altered. Kept lines become paragraphs joined by `\n`, and every
//! kept piece is recorded in the [`OffsetMap`] so spans map back to the raw input.

use whosaid_document::{BoilerplateKind, Document, OffsetMap, Paragraph, Piece, Removed, Span};
use whosaid_lexicon::Lexicon;

use crate::segment::is_space;

/// Boilerplate patterns match a line that starts with them, or a short line
/// (at most this many bytes beyond the pattern) that contains them.
const SHORT_LINE_SLACK: usize = 40;
/// A first line longer than this is body text, not a title.
const MAX_HEADLINE_BYTES: usize = 300;

fn boilerplate_kind(kind: &str) -> BoilerplateKind {
    match kind {
        "redirect" => BoilerplateKind::Redirect,
        "newsletter" => BoilerplateKind::Newsletter,
        "advertisement" => BoilerplateKind::Advertisement,
        "cookies" => BoilerplateKind::Cookies,
        "share" => BoilerplateKind::Share,
        "photo-credit" => BoilerplateKind::PhotoCredit,
        "read-more" => BoilerplateKind::ReadMore,
        "byline" => BoilerplateKind::Byline,
        _ => BoilerplateKind::Navigation,
    }
}

fn classify_line(line: &str, lexicon: &Lexicon) -> Option<BoilerplateKind> {
    // Only short lines are candidates: article paragraphs are long, and a long
    // line that mentions "advertisement" is still article text.
    if line.len() > 200 {
        return None;
    }
    let lower = line.to_lowercase();
    for (kind, pattern) in lexicon.boilerplate() {
        let starts = lower.starts_with(pattern.as_str());
        let short_and_contains = lower.len() <= pattern.len() + SHORT_LINE_SLACK && lower.contains(pattern.as_str());
        if starts || short_and_contains {
            return Some(boilerplate_kind(kind));
        }
    }
    None
}

/// Fills `text`, `offsets`, `removed` and `paragraphs` of `doc` from `raw`.
pub fn clean(doc: &mut Document, raw: &str, lexicon: &Lexicon) {
    doc.raw_len = raw.len();
    let mut text = String::with_capacity(raw.len());
    let mut pieces = Vec::new();
    let mut paragraphs = Vec::new();
    let mut line_start = 0;
    for line in raw.split_inclusive('\n') {
        let start = line_start;
        line_start += line.len();
        let trimmed_start = line.len() - line.trim_start_matches(is_space).len();
        let body = line.trim_matches(is_space);
        if body.is_empty() {
            continue;
        }
        let raw_span = Span::new(start + trimmed_start, start + trimmed_start + body.len());
        if let Some(kind) = classify_line(body, lexicon) {
            doc.removed.push(Removed { raw: raw_span, kind, text: body.to_string() });
            continue;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        pieces.push(Piece { clean: text.len(), raw: raw_span.start, len: body.len() });
        let para_start = text.len();
        text.push_str(body);
        paragraphs.push(Paragraph { span: Span::new(para_start, text.len()), is_headline: false });
    }
    if let Some(first) = paragraphs.first_mut() {
        let line = first.span.slice(&text);
        let ends_like_sentence = line.ends_with(['.', '!', '?', '"', '”', '»', ':', ';']);
        // Corpora often print the title with a full stop after it.
        let title_matches = doc
            .meta
            .title
            .as_deref()
            .is_some_and(|t| t.trim() == line || line.strip_suffix('.').is_some_and(|l| t.trim() == l.trim_end()));
        if title_matches
            || (paragraphs_len_gt_one(&text, first.span) && !ends_like_sentence && line.len() <= MAX_HEADLINE_BYTES)
        {
            first.is_headline = true;
        }
    }
    doc.text = text;
    doc.offsets = OffsetMap { pieces };
    doc.paragraphs = paragraphs;
}

fn paragraphs_len_gt_one(text: &str, first: Span) -> bool {
    first.end < text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_redirect_line_and_maps_offsets_back() {
        let raw = "You will shortly be re-directed to the publisher's website\r\nTitle line here\n\n  Body text said something.  \n";
        let mut doc = Document::default();
        clean(&mut doc, raw, &Lexicon::builtin());
        assert_eq!(doc.text, "Title line here\nBody text said something.");
        assert_eq!(doc.removed.len(), 1);
        assert_eq!(doc.removed[0].kind, BoilerplateKind::Redirect);
        assert!(doc.paragraphs[0].is_headline);
        assert!(!doc.paragraphs[1].is_headline);
        let body = doc.text.find("Body").unwrap();
        assert_eq!(&raw[doc.offsets.to_raw(body)..doc.offsets.to_raw(body) + 4], "Body");
    }

    #[test]
    fn the_title_with_a_full_stop_is_the_headline() {
        let mut doc = Document::default();
        doc.meta.title = Some("Clinton Hid Past Health Problems, Doctor Says".into());
        clean(&mut doc, "Clinton Hid Past Health Problems, Doctor Says.\n\nThe doctor said so.", &Lexicon::builtin());
        assert!(doc.paragraphs[0].is_headline);
        let mut untitled = Document::default();
        clean(
            &mut untitled,
            "Clinton Hid Past Health Problems, Doctor Says.\n\nThe doctor said so.",
            &Lexicon::builtin(),
        );
        assert!(!untitled.paragraphs[0].is_headline);
    }

    #[test]
    fn long_line_mentioning_advertisement_is_kept() {
        let raw = format!("Advertisement\nThe advertisement campaign {}", "was discussed at length. ".repeat(10));
        let mut doc = Document::default();
        clean(&mut doc, &raw, &Lexicon::builtin());
        assert_eq!(doc.removed.len(), 1);
        assert!(doc.text.starts_with("The advertisement campaign"));
    }
}
