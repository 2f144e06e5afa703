//! Issues without a codebook: the places and organisations named in the
//! content (not the speaker's own entity), and its key noun phrases — a
//! determiner followed by two or three content words ("any peace agreement"
//! → "peace agreement", "a viable ceasefire" → "viable ceasefire"). Crude
//! (there is no part-of-speech tagger), but it gives every coded statement
//! concepts a user can then group into a codebook.

use whosaid_document::coding::IssueOrigin;
use whosaid_document::{Document, EntityType, MentionKind};
use whosaid_lexicon::stance::StanceLexicon;

use super::{mentions_in, words_of, Found, Word};

/// Closed-class words (grammar, not lexicon): a noun phrase stops at them.
const STOP: &[&str] = &[
    "the", "a", "an", "any", "this", "that", "these", "those", "of", "to", "in", "on", "at", "by", "for", "with",
    "from", "into", "over", "after", "before", "about", "between", "against", "under", "and", "or", "but", "nor", "is",
    "are", "was", "were", "be", "been", "being", "has", "have", "had", "do", "does", "did", "will", "would", "can",
    "could", "shall", "should", "may", "might", "must", "not", "no", "it", "he", "she", "they", "we", "you", "i",
    "them", "him", "us", "who", "which", "what", "as", "if", "than", "then", "so", "also", "just", "now", "there",
    "here", "more", "most", "all", "other", "same", "such", "own", "very", "much", "many", "few", "two", "three",
    "four", "five", "one", "first", "last", "recent", "whole", "entire",
];

fn is_stop(w: &Word) -> bool {
    let lower = w.text.to_lowercase();
    STOP.contains(&lower.as_str()) || lower.ends_with("ly") || w.text.chars().any(|c| c.is_ascii_digit())
}

pub(crate) fn find(doc: &Document, s: usize, words: &[Word], lex: &StanceLexicon) -> Vec<Found> {
    let mut out = Vec::new();
    let speaker = doc.statements[s].speaker.and_then(|m| doc.mentions[m].entity);
    for m in mentions_in(doc, s) {
        let mention = &doc.mentions[m];
        let Some(e) = mention.entity else { continue };
        let entity = &doc.entities[e];
        if Some(e) == speaker
            || mention.kind == MentionKind::Pronoun
            || !matches!(entity.etype, EntityType::Place | EntityType::Organization)
        {
            continue;
        }
        let Some((start, end)) = words_of(doc, words, mention.span) else { continue };
        // A metonymic place ("Moscow") is an actor, not a topic.
        if mention.metonymic || entity.metonym_of.is_some() {
            continue;
        }
        out.push(Found { issue: entity.name.clone(), category: None, origin: IssueOrigin::Entity, start, end });
    }
    let mut i = 0;
    while i < words.len() {
        let det = lex.is_phrase_determiner(&words[i].text.to_lowercase());
        if !det {
            i += 1;
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while end < words.len()
            && end - start < 3
            && !words[end].after_punct
            && words[end].sentence == words[i].sentence
            && !is_stop(&words[end])
            && words[end].text.chars().all(|c| c.is_alphabetic() || c == '-')
            && words[end].text.chars().next().is_some_and(char::is_lowercase)
        {
            end += 1;
        }
        if end - start >= 2 {
            let issue = words[start..end].iter().map(|w| w.text.to_lowercase()).collect::<Vec<_>>().join(" ");
            out.push(Found { issue, category: None, origin: IssueOrigin::Phrase, start, end });
        }
        i = end.max(i + 1);
    }
    out
}
