//! Stage 3b — entities: cluster mentions of one actor within the article.
//!
//! Rules, from most to least certain:
//! 1. full names, organisations, media and places join by canonical name;
//!    a metonymic place joins the government it stands for ("Russian government");
//! 2. a lone surname (or first name) joins the nearest person whose full name ends
//!    (or starts) with it;
//! 3. a title mention ("the US secretary of state") joins the nearest person
//!    who carries that title anywhere in the article (headlines speak before the
//!    body names the person);
//! 4. a nominal ("the outlet") joins the nearest preceding entity of its type;
//! 5. "he"/"she" joins the last person in the same sentence before it, else the
//!    first person (the subject) of the nearest earlier sentence that has one;
//!    "they" the nearest preceding group or organisation.

use whosaid_lexicon::HashMap;

use whosaid_document::{Document, Entity, EntityType, MentionKind};
use whosaid_lexicon::Lexicon;

fn normalise_title(t: &str) -> String {
    let t = t.to_lowercase();
    let t = t.trim_start_matches("the ").trim_start_matches("a ").trim_start_matches("an ");
    t.replace("u.s.", "us").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn strip_the(s: &str) -> &str {
    s.strip_prefix("The ").or_else(|| s.strip_prefix("the ")).unwrap_or(s)
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Fills `doc.entities` and `Mention::entity`; needs mentions.
pub fn resolve_entities(doc: &mut Document, lex: &Lexicon) {
    let mut entities: Vec<Entity> = Vec::new();
    let mut by_key: HashMap<(EntityType, String), usize> = HashMap::default();
    let mut assign: Vec<Option<usize>> = vec![None; doc.mentions.len()];

    let mut get_or_create =
        |entities: &mut Vec<Entity>, etype: EntityType, name: String, metonym_of: Option<String>| {
            *by_key.entry((etype, name.to_lowercase())).or_insert_with(|| {
                entities.push(Entity { name, etype, titles: Vec::new(), mentions: Vec::new(), metonym_of });
                entities.len() - 1
            })
        };

    // Pass 1: names that carry their own identity.
    for (mi, m) in doc.mentions.iter().enumerate() {
        if m.kind != MentionKind::Name && m.kind != MentionKind::Group {
            continue;
        }
        let name_text = collapse_ws(doc.slice(m.name.unwrap_or(m.span)));
        let e = match (m.kind, m.etype) {
            (MentionKind::Group, _) => get_or_create(&mut entities, EntityType::Group, name_text, None),
            (_, EntityType::Person) if name_text.split_whitespace().count() < 2 => continue,
            (_, EntityType::Person) => get_or_create(&mut entities, EntityType::Person, name_text, None),
            (_, EntityType::Place) if m.metonymic => {
                let gov = lex.metonyms.get(&name_text).cloned().unwrap_or_else(|| format!("{name_text} government"));
                get_or_create(&mut entities, EntityType::Organization, gov, Some(name_text))
            }
            (_, EntityType::Place) => get_or_create(&mut entities, EntityType::Place, name_text, None),
            (_, etype @ (EntityType::Media | EntityType::Organization)) => {
                let lower = collapse_ws(doc.slice(m.span)).to_lowercase();
                let lower_name = name_text.to_lowercase();
                let map = if etype == EntityType::Media { &lex.media } else { &lex.organizations };
                let canonical = map
                    .get(&lower)
                    .or_else(|| map.get(&lower_name))
                    .cloned()
                    .unwrap_or_else(|| strip_the(&name_text).to_string());
                get_or_create(&mut entities, etype, canonical, None)
            }
            (_, EntityType::Group) => get_or_create(&mut entities, EntityType::Group, name_text, None),
        };
        assign[mi] = Some(e);
        if let Some(t) = &m.title {
            let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
            if !entities[e].titles.iter().any(|x| x.eq_ignore_ascii_case(&t)) {
                entities[e].titles.push(t);
            }
        }
    }

    // Pass 2: lone names, titles, nominals, pronouns.
    let person_mentions: Vec<(usize, usize)> = (0..doc.mentions.len())
        .filter_map(|mi| assign[mi].filter(|&e| entities[e].etype == EntityType::Person).map(|e| (mi, e)))
        .collect();
    // Per pass-1 entity, computed once: first and last name word, normalised titles.
    struct Facts {
        first: String,
        last: String,
        titles: Vec<String>,
    }
    let facts: Vec<Facts> = entities
        .iter()
        .map(|e| Facts {
            first: e.name.split_whitespace().next().unwrap_or("").to_string(),
            last: e.name.split_whitespace().last().unwrap_or("").to_string(),
            titles: e.titles.iter().map(|t| normalise_title(t)).collect(),
        })
        .collect();
    // Indexes so that resolving a lone name or a title costs O(log n), not a
    // scan of every person mention (articles with hundreds of names exist).
    let mut positions: Vec<Vec<usize>> = vec![Vec::new(); facts.len()];
    for &(pm, e) in &person_mentions {
        positions[e].push(doc.mentions[pm].span.start);
    }
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::default();
    let mut by_title_head: HashMap<&str, Vec<usize>> = HashMap::default();
    for (e, f) in facts.iter().enumerate() {
        if positions[e].is_empty() {
            continue;
        }
        by_name.entry(f.last.as_str()).or_default().push(e);
        if f.first != f.last {
            by_name.entry(f.first.as_str()).or_default().push(e);
        }
        for t in &f.titles {
            if let Some(head) = t.split_whitespace().last() {
                by_title_head.entry(head).or_default().push(e);
            }
        }
    }
    // Nearest mention of any candidate; following mentions cost double.
    let nearest = |candidates: &[usize], pos: usize| -> Option<usize> {
        let mut best: Option<(usize, usize)> = None;
        for &e in candidates {
            let ps = &positions[e];
            let i = ps.partition_point(|&p| p <= pos);
            let before = i.checked_sub(1).map(|j| pos - ps[j]);
            let after = ps.get(i).map(|&p| 2 * (p - pos));
            if let Some(cost) = before.into_iter().chain(after).min() {
                if best.is_none_or(|(c, b)| (cost, e) < (c, b)) {
                    best = Some((cost, e));
                }
            }
        }
        best.map(|(_, e)| e)
    };
    // The most recent entity of each type, for "the outlet" and the like.
    let mut last_of_type: HashMap<EntityType, usize> = HashMap::default();
    for mi in 0..doc.mentions.len() {
        if let Some(e) = assign[mi] {
            last_of_type.insert(entities[e].etype, e);
            continue;
        }
        let m = &doc.mentions[mi];
        let pos = m.span.start;
        let e = match m.kind {
            MentionKind::Name if m.etype == EntityType::Person => {
                let word = doc.slice(m.name.unwrap_or(m.span)).trim();
                let found = by_name.get(word).and_then(|c| nearest(c, pos));
                match found {
                    Some(e) => e,
                    None => get_or_create(&mut entities, EntityType::Person, word.to_string(), None),
                }
            }
            MentionKind::Title => {
                // "the mayor, Ana Ruiz," — an apposed name says who it is.
                let apposed = doc.text[m.span.end..].starts_with(", ").then(|| m.span.end + 2).and_then(|at| {
                    (mi + 1..doc.mentions.len())
                        .take_while(|&k| doc.mentions[k].span.start <= at)
                        .find(|&k| doc.mentions[k].span.start == at && doc.mentions[k].kind == MentionKind::Name)
                        .and_then(|k| assign[k])
                        .filter(|&e| entities[e].etype == EntityType::Person)
                });
                if let Some(e) = apposed {
                    assign[mi] = Some(e);
                    last_of_type.insert(EntityType::Person, e);
                    continue;
                }
                let title = normalise_title(m.title.as_deref().unwrap_or(doc.slice(m.span)));
                let fits = |t: &String| {
                    *t == title
                        || (t.ends_with(title.as_str()) && t[..t.len() - title.len()].ends_with(' '))
                        || (title.ends_with(t.as_str()) && title[..title.len() - t.len()].ends_with(' '))
                };
                let candidates: Vec<usize> = title
                    .split_whitespace()
                    .last()
                    .and_then(|head| by_title_head.get(head))
                    .map(|c| c.iter().copied().filter(|&e| facts[e].titles.iter().any(fits)).collect())
                    .unwrap_or_default();
                let found = nearest(&candidates, pos);
                match found {
                    Some(e) => e,
                    None => continue,
                }
            }
            MentionKind::Nominal => {
                // "the outlet" points back; "another source" names a new actor.
                let words: Vec<&str> = doc.slice(m.span).split_whitespace().collect();
                let anaphoric = words.len() == 2
                    && words[0].eq_ignore_ascii_case("the")
                    && lex.nominals.contains_key(&words[1].to_lowercase());
                let found = if anaphoric { last_of_type.get(&m.etype).copied() } else { None };
                match found {
                    Some(e) => e,
                    None if anaphoric => continue,
                    None => {
                        let name = collapse_ws(doc.slice(m.name.unwrap_or(m.span)));
                        get_or_create(&mut entities, m.etype, name, None)
                    }
                }
            }
            MentionKind::Pronoun => match resolve_pronoun(doc, mi, &assign, &entities) {
                Some(e) => e,
                None => continue,
            },
            _ => continue,
        };
        assign[mi] = Some(e);
        last_of_type.insert(entities[e].etype, e);
        if let Some(t) = &doc.mentions[mi].title {
            if doc.mentions[mi].kind == MentionKind::Name
                && !entities[e].titles.iter().any(|x| x.eq_ignore_ascii_case(t))
            {
                entities[e].titles.push(t.clone());
            }
        }
    }

    // Order entities by first mention so output is stable and readable.
    for (mi, e) in assign.iter().enumerate() {
        if let Some(e) = e {
            entities[*e].mentions.push(mi);
        }
    }
    let mut order: Vec<usize> = (0..entities.len()).filter(|&e| !entities[e].mentions.is_empty()).collect();
    order.sort_by_key(|&e| entities[e].mentions[0]);
    let mut remap = vec![usize::MAX; entities.len()];
    for (new, &old) in order.iter().enumerate() {
        remap[old] = new;
    }
    let mut taken: Vec<Option<Entity>> = entities.into_iter().map(Some).collect();
    doc.entities = order.iter().map(|&old| taken[old].take().expect("each entity once")).collect();
    for (mi, e) in assign.into_iter().enumerate() {
        doc.mentions[mi].entity = e.map(|e| remap[e]);
    }
}

fn resolve_pronoun(doc: &Document, mi: usize, assign: &[Option<usize>], entities: &[Entity]) -> Option<usize> {
    let m = &doc.mentions[mi];
    let want_group = m.etype == EntityType::Group;
    let fits = |pm: usize| -> Option<usize> {
        let other = &doc.mentions[pm];
        if other.in_quote && !m.in_quote {
            return None;
        }
        let e = assign[pm]?;
        let et = entities[e].etype;
        let ok = if want_group {
            matches!(et, EntityType::Group | EntityType::Organization) && other.kind != MentionKind::Pronoun
        } else {
            et == EntityType::Person
        };
        ok.then_some(e)
    };
    let sentence = doc.sentence_at(m.span.start)?;
    let sent_start = doc.sentences[sentence].span.start;
    // Same sentence: the last fitting mention before the pronoun.
    if let Some(e) = (0..mi).rev().take_while(|&pm| doc.mentions[pm].span.start >= sent_start).find_map(fits) {
        return Some(e);
    }
    // Earlier sentences: the first fitting mention of the nearest one that has any.
    let mut pm = (0..mi).rev().find(|&pm| doc.mentions[pm].span.start < sent_start)?;
    loop {
        let s = doc.sentence_at(doc.mentions[pm].span.start)?;
        let s_start = doc.sentences[s].span.start;
        let first = (0..=pm).rev().take_while(|&k| doc.mentions[k].span.start >= s_start).collect::<Vec<_>>();
        if let Some(e) = first.iter().rev().find_map(|&k| fits(k)) {
            return Some(e);
        }
        if sentence - s > 6 {
            return None;
        }
        pm = (0..pm).rev().find(|&k| doc.mentions[k].span.start < s_start)?;
    }
}
