//! Stage 5b — speakers: second look at who a pronoun speaker is, once the
//! statements are known.
//!
//! The entity stage resolves "he"/"she" from mentions alone (agreement, then
//! the subject of the nearest sentence). Reported speech adds one strong
//! signal: consecutive statements usually continue the same speaker ("“…,”
//! Rubio said. … “…,” he added.") even when another person was mentioned in
//! between (as an object, or inside the quotation). So a pronoun speaker is
//! moved to the previous statement's speaker when both are quotations
//! (direct or mixed, with nothing else between) and
//! - that speaker is a person of the pronoun's sex or of unknown sex,
//! - the previous statement's speaker mention is at most two sentences back,
//! - the previous speaker's name is at least as full as the current answer's,
//! - nobody else of agreeing sex is *named* (a name mention, outside
//!   quotations) in the pronoun's sentence before it — "Rubio spoke to Lammy,
//!   and he said" keeps its entity-stage answer.
//!
//! The mention moves between entities, never emptying one.
//!
//! Before that, a speaker phrase that is a speech occasion or channel
//! ("Details", "a statement", "a Wednesday conference", lexicon
//! `speech_events`) is replaced by the person or organisation named (or a resolved pronoun) in the
//! statement's sentence outside its content, or dropped (no speaker is better
//! than a wrong one). This is the one place after the statements stage that
//! sets `Statement::speaker`.

use whosaid_document::{Document, EntityId, EntityType, MentionId, MentionKind, StatementKind};
use whosaid_lexicon::Lexicon;

use crate::entities::{lowercase_words, person_gender, plausible_person, pronoun_gender};
use whosaid_lexicon::HashSet;

/// How many sentences back the previous statement's speaker may be.
const MAX_SENTENCES_BACK: usize = 2;

/// Whether a speaker mention is a speech occasion or channel, not a speaker:
/// a nominal whose head is in `speech_events` ("a Wednesday conference", "a
/// series of tweets"), or a bare name that is one ("Details").
fn is_speech_event(doc: &Document, mi: MentionId, lex: &Lexicon) -> bool {
    let m = &doc.mentions[mi];
    let text = doc.slice(m.span);
    match m.kind {
        MentionKind::Nominal => {
            text.split(|c: char| !c.is_alphanumeric())
                .rfind(|w| !w.is_empty())
                .is_some_and(|h| lex.speech_events().contains(&h.to_lowercase()))
                || text
                    .split_whitespace()
                    .any(|w| lex.speech_events().contains(&w.to_lowercase()) && w.len() > 3 && text.contains(" of "))
        }
        MentionKind::Name => !text.contains(' ') && lex.speech_events().contains(&text.to_lowercase()),
        _ => false,
    }
}

/// A replacement for a junk speaker: the person or organisation named in
/// the statement's sentence outside its content (nearest before the cue),
/// else `None`.
fn named_in_sentence(doc: &Document, si: usize, junk: MentionId) -> Option<MentionId> {
    let st = &doc.statements[si];
    let anchor = st.cue.map(|c| c.start).unwrap_or(doc.mentions[junk].span.start);
    let sent = doc.sentences[doc.sentence_at(anchor)?].span;
    let content = st.content;
    let ok = |k: usize| {
        let o = &doc.mentions[k];
        // A resolved "she" is who spoke too ("she said at a recent news
        // conference announcing that …").
        k != junk.index()
            && matches!(o.kind, MentionKind::Name | MentionKind::Pronoun)
            && !o.in_quote
            && sent.contains(o.span)
            && !content.overlaps(o.span)
            && o.entity.is_some_and(|e| {
                matches!(doc.entities[e].etype, EntityType::Person | EntityType::Organization | EntityType::Media)
            })
    };
    let first = doc.mentions.partition_point(|o| o.span.start < sent.start);
    let cands: Vec<usize> =
        (first..doc.mentions.len()).take_while(|&k| doc.mentions[k].span.start < sent.end).filter(|&k| ok(k)).collect();
    cands.iter().copied().rfind(|&k| doc.mentions[k].span.start <= anchor).or(cands.first().copied()).map(MentionId)
}

/// Re-resolves pronoun speakers of statements; needs statements and entities.
pub fn refine_speakers(doc: &mut Document, lex: &Lexicon) {
    // Junk speakers first: an occasion or channel is never who spoke.
    for si in 0..doc.statements.len() {
        if let Some(sm) = doc.statements[si].speaker {
            if is_speech_event(doc, sm, lex) {
                doc.statements[si].speaker = named_in_sentence(doc, si, sm);
            }
        }
    }
    // Built only when a pronoun may continue a speaker (most articles never
    // ask), over a copy of the text so that `doc` can change meanwhile.
    let text = std::cell::OnceCell::new();
    let lowercase = std::cell::OnceCell::new();
    let mut prev: Option<(MentionId, EntityId)> = None; // (speaker mention, entity) of the previous quotation
    for si in 0..doc.statements.len() {
        let Some(sm) = doc.statements[si].speaker else {
            continue;
        };
        // Only quotation follows quotation: reported speech changes speakers freely.
        if !matches!(doc.statements[si].kind, StatementKind::Direct | StatementKind::Mixed) {
            prev = None;
            continue;
        }
        let m = &doc.mentions[sm];
        let here = (sm, m.entity);
        let relative = lex.is_relative_pronoun(&doc.slice(m.span).to_lowercase());
        if m.kind == MentionKind::Pronoun && m.etype == EntityType::Person && !m.in_quote && !relative {
            if let Some((pm, pe)) = prev {
                // An entity is never emptied (every entity keeps a mention).
                let keeps = m.entity.is_none_or(|e| doc.entities[e].mentions.len() > 1);
                let lowercase =
                    lowercase.get_or_init(|| lowercase_words(text.get_or_init(|| doc.text.clone()), &doc.tokens));
                if let Some(target) = continue_speaker(doc, lex, lowercase, sm, pm, pe).filter(|_| keeps) {
                    move_mention(doc, sm, target);
                }
            }
        }
        if let (m, Some(e)) = (here.0, doc.mentions[here.0].entity) {
            if doc.entities[e].etype == EntityType::Person {
                prev = Some((m, e));
            }
        }
    }
}

/// The previous speaker `pe` (mentioned by `pm`), if the pronoun `sm` should
/// continue it (see the module docs).
fn continue_speaker(
    doc: &Document,
    lex: &Lexicon,
    lowercase: &HashSet<&str>,
    sm: MentionId,
    pm: MentionId,
    pe: EntityId,
) -> Option<EntityId> {
    let m = &doc.mentions[sm];
    if m.entity == Some(pe) {
        return None;
    }
    let want = pronoun_gender(doc.slice(m.span));
    let agrees = |e: EntityId| {
        let g = person_gender(doc, &doc.entities[e], lex);
        want.is_none() || g.is_none() || g == want
    };
    if !agrees(pe) || !plausible_person(&doc.entities[pe], lex, lowercase) {
        return None;
    }
    // A full name is not traded for a surname-only entity of its own.
    let words = |e: EntityId| doc.entities[e].name.split_whitespace().count();
    if m.entity.is_some_and(|c| words(c) > words(pe)) {
        return None;
    }
    let s_here = doc.sentence_at(m.span.start)?;
    let s_prev = doc.sentence_at(doc.mentions[pm].span.start)?;
    if s_prev > s_here || s_here - s_prev > MAX_SENTENCES_BACK {
        return None;
    }
    let sent_start = doc.sentences[s_here].span.start;
    let rival_named = (0..sm.index()).rev().take_while(|&k| doc.mentions[k].span.start >= sent_start).any(|k| {
        let o = &doc.mentions[k];
        o.kind == MentionKind::Name
            && !o.in_quote
            && o.entity.is_some_and(|e| e != pe && doc.entities[e].etype == EntityType::Person && agrees(e))
    });
    (!rival_named).then_some(pe)
}

/// Points mention `mi` at entity `to`, keeping both entities' mention lists sorted.
fn move_mention(doc: &mut Document, mi: MentionId, to: EntityId) {
    if let Some(from) = doc.mentions[mi].entity {
        doc.entities[from].mentions.retain(|&k| k != mi);
    }
    let list = &mut doc.entities[to].mentions;
    let at = list.partition_point(|&k| k < mi);
    list.insert(at, mi);
    doc.mentions[mi].entity = Some(to);
}
