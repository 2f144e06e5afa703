//! Stage 3b — entities: cluster mentions of one actor within the article.
//!
//! Rules, from most to least certain:
//! 1. full names, organisations, media and places join by canonical name; a
//!    person's name is first cleaned of titles and qualifiers ("Massachusetts
//!    Sen. Elizabeth Warren" → "Elizabeth Warren", "Rival Hillary Clinton" →
//!    "Hillary Clinton", "One of Mr. Clarke" → "Clarke") and full names with
//!    the same first and last word are one person whose canonical name is the
//!    fullest ("Loretta Lynch" + "Loretta E. Lynch" → "Loretta E. Lynch");
//!    a metonymic place joins the government it stands for ("Russian government");
//! 2. a lone surname (or first name) joins a person whose full name ends (or
//!    starts) with it, of the sex its honorific says ("Mrs. Clinton"): the one
//!    named most often in the article, the nearest on a tie (news refers to
//!    the principal by surname, to relatives by first or full name);
//! 3. a title mention ("the US secretary of state") joins the nearest person
//!    who carries that title anywhere in the article (headlines speak before the
//!    body names the person); failing that, the public-figures knowledge base
//!    (lexicon list `public_figures`) says who held the role on the
//!    publication date, and the mention joins that person if the article
//!    names them ("the Republican presidential nominee", 2016 → Donald Trump);
//! 4. a nominal ("the outlet") joins the nearest preceding entity of its
//!    type, "the poll"/"the campaign" first the last one so named ("a
//!    Bloomberg poll"); "Trump’s campaign" is the "Trump campaign";
//!    an acronym ("IMF") joins the one organisation whose initials it spells;
//! 5. "he"/"she" joins the first person *of that sex or of unknown sex* (first
//!    names and honorifics, see [`person_gender`]) in the same sentence before
//!    it (the subject), else the first such person of the nearest earlier
//!    sentence that has one — within a sentence the subject before the
//!    object of a preposition ("In an interview with Rusty Humphries, Ham
//!    said he" is Ham); a one-word name has no sex from the first-name list
//!    (it is a surname: "Clinton"); "they" the nearest preceding group or
//!    organisation; "it" an organisation or outlet, never a person. The statements pass later prefers the previous speaker
//!    (see `speakers.rs`).

use whosaid_lexicon::{HashMap, HashSet};

use whosaid_document::names::{fold_words, normalise_name};
use whosaid_document::{Document, Entity, EntityId, EntityType, MentionId, MentionKind, Token};
use whosaid_lexicon::{Gender, Lexicon};

/// A person's name as written, cleaned for its canonical form: drops every
/// word up to the last title in it ("Charlotte Mayor Jennifer Roberts",
/// "Lt. Gen. Michael Flynn"), leading abbreviations and honorifics ("Mr.",
/// "Rev."), a partitive ("One of Mr. Clarke"), and a capitalised word before a
/// known first name ("Rival Hillary Clinton"). Never drops the last word.
pub fn clean_person_name(name: &str, lex: &Lexicon) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let n = words.len();
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let mut start = 0;
    // The end of the last title phrase that leaves a word after it.
    for i in 0..n.saturating_sub(1) {
        for j in i + 1..n {
            let phrase = lower[i..j].join(" ");
            if lex.is_title(&phrase) || lex.is_title(phrase.trim_end_matches('.')) {
                start = start.max(j);
            }
        }
        if lower[i] == "of" && i > 0 {
            start = start.max(i + 1);
        }
    }
    while start + 1 < n {
        let w = words[start];
        let bare = lower[start].trim_end_matches('.');
        // "Rev.", "Lt." — not initials like "G.K.".
        let abbreviation = w.ends_with('.') && bare.chars().count() >= 2 && !bare.contains('.');
        if abbreviation || lex.gendered_words().contains_key(bare) || lex.function_words().contains(w) {
            start += 1;
        } else {
            break;
        }
    }
    if start + 2 < n
        && !lex.first_names().contains_key(&lower[start])
        && lex.first_names().contains_key(&lower[start + 1])
    {
        start += 1;
    }
    words[start..].join(" ")
}

/// First and last word of a cleaned person name, lower case, skipping
/// suffixes: the identity key of a full name within one article.
fn person_key(name: &str, lex: &Lexicon) -> (String, String) {
    let words: Vec<&str> = name.split_whitespace().filter(|w| !lex.is_name_suffix(w)).collect();
    let first = words.first().copied().unwrap_or("").to_lowercase();
    let last = words.last().copied().unwrap_or("").to_lowercase();
    (first, last)
}

/// The sex of a person entity, when its first name or an honorific or role
/// word on one of its mentions says it ("Mrs.", "spokesman"), else the
/// pronouns outside quotation marks that refer to it, by majority; else
/// `None`.
pub fn person_gender(doc: &Document, e: &Entity, lex: &Lexicon) -> Option<Gender> {
    name_gender(&e.name, lex)
        .or_else(|| e.titles.iter().find_map(|t| text_gender(t, lex)))
        .or_else(|| {
            e.mentions
                .iter()
                .filter(|&&m| doc.mentions[m].kind == MentionKind::Name)
                .find_map(|&m| text_gender(doc.slice(doc.mentions[m].span), lex))
        })
        .or_else(|| {
            let (mut male, mut female) = (0usize, 0usize);
            for &m in &e.mentions {
                let mention = &doc.mentions[m];
                if mention.kind == MentionKind::Pronoun && !mention.in_quote {
                    match pronoun_gender(doc.slice(mention.span)) {
                        Some(Gender::Male) => male += 1,
                        Some(Gender::Female) => female += 1,
                        None => {}
                    }
                }
            }
            match male.cmp(&female) {
                std::cmp::Ordering::Greater => Some(Gender::Male),
                std::cmp::Ordering::Less => Some(Gender::Female),
                std::cmp::Ordering::Equal => None,
            }
        })
}

/// The sex of a name's first word, if the first-name list knows it. A
/// one-word name is usually a surname ("Clinton", "Trump" — both on first-name
/// lists), so it says nothing.
fn name_gender(name: &str, lex: &Lexicon) -> Option<Gender> {
    let mut words = name.split_whitespace();
    let first = words.next()?;
    words.next()?;
    lex.first_names().get(&first.to_lowercase()).copied()
}

/// The sex the first honorific or role word in `text` says ("Mr.", "spokeswoman").
fn text_gender(text: &str, lex: &Lexicon) -> Option<Gender> {
    text.split_whitespace()
        .find_map(|w| lex.gendered_words().get(w.trim_end_matches('.').to_lowercase().as_str()).copied())
}

/// Words the article writes in lower case ("coal", "report", "islands"):
/// a capitalised name ending in one is a thing, not a person.
/// Borrowed from the text: one set per document, no string per word.
pub fn lowercase_words<'t>(text: &'t str, tokens: &[Token]) -> HashSet<&'t str> {
    tokens
        .iter()
        .map(|t| &text[t.span.start..t.span.end])
        .filter(|w| w.chars().next().is_some_and(char::is_lowercase))
        .collect()
}

/// Whether a "person" entity's name reads like a person's, for he/she: not
/// when a word of it is a place, an organisation head, a function word, a
/// connector, shouting or a lower-case word ("Fort Pierce", "Commission on
/// Presidential Debates", "Ready for Trump", "GOP candidate"), nor when its
/// last word is one the article writes in lower case and it has no known
/// first name, or is a plural ("Patriot Coal", "Marshall Islands"). A title
/// makes it one.
pub fn plausible_person(e: &Entity, lex: &Lexicon, lowercase: &HashSet<&str>) -> bool {
    if !e.titles.is_empty() {
        return true;
    }
    let words: Vec<&str> = e.name.split_whitespace().collect();
    let Some(last) = words.last() else { return false };
    let last_lower = last.to_lowercase();
    let first_known = name_gender(&e.name, lex).is_some();
    if lowercase.contains(last_lower.as_str()) && (!first_known || last_lower.ends_with('s')) {
        return false;
    }
    if first_known {
        return true;
    }
    !words.iter().any(|w| {
        lex.places().contains(*w)
            || lex.org_heads().contains(*w)
            || lex.function_words().contains(*w)
            || matches!(*w, "of" | "for" | "on" | "and" | "the")
            || w.contains('\'')
            || w.contains('’')
            || w.chars().next().is_some_and(char::is_lowercase)
            || (w.len() > 3 && w.chars().all(|c| !c.is_lowercase()))
    }) && words.first().is_some_and(|w| w.chars().next().is_some_and(char::is_uppercase))
}

/// Whether a capitalised name reads as an organisation's: two words or more,
/// one of them an organisation head ("Commission", "Union", "Bank"), and not
/// opening with a known given name ("Benjamin Franklin Institute" aside, a
/// given name first is a person: "Frank Church").
fn organisation_shaped(name: &str, lex: &Lexicon) -> bool {
    let words: Vec<&str> = strip_the(name).split_whitespace().collect();
    words.len() >= 2
        && words.iter().any(|w| lex.org_heads().contains(*w))
        && !lex.first_names().contains_key(&words[0].to_lowercase())
}

/// Whether a phrase's text before an inner name ends in the preposition
/// that makes the name a complement ("spokeswoman for", "the chair of the").
fn complement_of_role(before: &str) -> bool {
    let before = before.strip_suffix(" the").unwrap_or(before);
    [" for", " of", " to"].iter().any(|p| before.ends_with(p))
}

/// The sex a pronoun asks for ("he" → male), `None` for any other word.
pub fn pronoun_gender(word: &str) -> Option<Gender> {
    match word.to_lowercase().as_str() {
        "he" | "him" | "his" | "himself" => Some(Gender::Male),
        "she" | "her" | "hers" | "herself" => Some(Gender::Female),
        _ => None,
    }
}

/// Lower case, no article, "U.S." as "us", abbreviations spelled out
/// ("Gov." → "governor"), so "Indiana Gov." and "the Indiana governor" compare.
fn normalise_title(t: &str, lex: &Lexicon) -> String {
    let t = t.to_lowercase();
    let t = t.trim_start_matches("the ").trim_start_matches("a ").trim_start_matches("an ");
    t.replace("u.s.", "us")
        .split_whitespace()
        .map(|w| lex.title_expansions().get(w).map(String::as_str).unwrap_or(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// [`normalise_title`] remembered per title as written: a title mention
/// looks back over every earlier titled person, and normalising allocates
/// several strings (the result is the same, the function being pure).
#[derive(Default)]
struct TitleNorms(std::cell::RefCell<HashMap<String, String>>);

impl TitleNorms {
    /// `f` of `t` normalised (`f` must not ask this memo again).
    fn with<R>(&self, t: &str, lex: &Lexicon, f: impl FnOnce(&str) -> R) -> R {
        if let Some(n) = self.0.borrow().get(t) {
            return f(n);
        }
        let n = normalise_title(t, lex);
        let r = f(&n);
        self.0.borrow_mut().insert(t.to_string(), n);
        r
    }
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
            *by_key.entry((etype, normalise_name(&name))).or_insert_with(|| {
                entities.push(Entity { name, etype, titles: Vec::new(), mentions: Vec::new(), metonym_of });
                entities.len() - 1
            })
        };

    let lowercase = lowercase_words(&doc.text, &doc.tokens);
    // Person full names by (first, last) word; lone names as cleaned.
    let mut by_person: HashMap<String, usize> = HashMap::default();
    let mut lone_names: Vec<Option<String>> = vec![None; doc.mentions.len()];

    // Pass 1: names that carry their own identity.
    let mut last_coordination: Option<(usize, usize)> = None;
    for (mi, m) in doc.mentions.iter().enumerate() {
        if m.kind != MentionKind::Name && m.kind != MentionKind::Group {
            continue;
        }
        let name_text = collapse_ws(doc.slice(m.name.unwrap_or(m.span)));
        let e = match (m.kind, m.etype) {
            // "Mr. Grassley and Mr. Leahy … the senators": people of that
            // title just coordinated.
            (MentionKind::Group, _) if plural_title_after(doc, mi, lex, last_coordination) => {
                last_coordination.map(|(e, _)| e).unwrap_or_default()
            }
            (MentionKind::Group, _) => {
                let e = get_or_create(&mut entities, EntityType::Group, name_text.clone(), None);
                if name_text.contains(" and ") {
                    last_coordination = Some((e, mi));
                }
                e
            }
            // "Commission on Presidential Debates", "Wells Fargo Bank": a name
            // built on an organisation's head word, with no given name or title,
            // is an organisation ("the commission" then finds it).
            (_, EntityType::Person) if m.title.is_none() && organisation_shaped(&name_text, lex) => {
                get_or_create(&mut entities, EntityType::Organization, strip_the(&name_text).to_string(), None)
            }
            (_, EntityType::Person) => {
                let name = clean_person_name(&name_text, lex);
                if name.split_whitespace().filter(|w| !lex.is_name_suffix(w)).count() < 2 {
                    lone_names[mi] = Some(name);
                    continue;
                }
                let (first, last) = person_key(&name, lex);
                let key = format!("{first} {last}");
                let e = *by_person.entry(key).or_insert_with(|| {
                    entities.push(Entity {
                        name: name.clone(),
                        etype: EntityType::Person,
                        titles: Vec::new(),
                        mentions: Vec::new(),
                        metonym_of: None,
                    });
                    entities.len() - 1
                });
                // The fullest name the article gives is the canonical one.
                if name.split_whitespace().count() > entities[e].name.split_whitespace().count() {
                    entities[e].name = name;
                }
                e
            }
            (_, EntityType::Place) if m.metonymic => {
                let gov = lex.metonyms().get(&name_text).cloned().unwrap_or_else(|| format!("{name_text} government"));
                get_or_create(&mut entities, EntityType::Organization, gov, Some(name_text))
            }
            (_, EntityType::Place) => get_or_create(&mut entities, EntityType::Place, name_text, None),
            (_, etype @ (EntityType::Media | EntityType::Organization)) => {
                let lower = collapse_ws(doc.slice(m.span)).to_lowercase();
                let lower_name = name_text.to_lowercase();
                let map = if etype == EntityType::Media { lex.media() } else { lex.organizations() };
                let canonical = map
                    .get(&lower)
                    .or_else(|| map.get(&lower_name))
                    .cloned()
                    .unwrap_or_else(|| strip_the(&name_text).to_string());
                let e = get_or_create(&mut entities, etype, canonical, None);
                // An organisation is named as fully as the article names it
                // ("International Monetary Fund", not the lexicon's "IMF").
                let written = strip_the(&name_text);
                if etype == EntityType::Organization
                    && written.split_whitespace().count() > entities[e].name.split_whitespace().count()
                {
                    entities[e].name = written.to_string();
                }
                e
            }
            (_, etype @ (EntityType::Group | EntityType::Document)) => {
                get_or_create(&mut entities, etype, name_text, None)
            }
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
        gender: Option<Gender>,
    }
    // Honorifics on pass-1 mentions ("Mrs. Hillary Clinton"), one scan.
    let mut honorific_gender: Vec<Option<Gender>> = vec![None; entities.len()];
    for (mi, e) in assign.iter().enumerate() {
        if let Some(e) = *e {
            if honorific_gender[e].is_none() && entities[e].etype == EntityType::Person {
                honorific_gender[e] = text_gender(doc.slice(doc.mentions[mi].span), lex);
            }
        }
    }
    let facts: Vec<Facts> = entities
        .iter()
        .enumerate()
        .map(|(ei, e)| Facts {
            first: e.name.split_whitespace().next().unwrap_or("").to_string(),
            last: e.name.split_whitespace().rfind(|w| !lex.is_name_suffix(w)).unwrap_or("").to_string(),
            titles: e.titles.iter().map(|t| normalise_title(t, lex)).collect(),
            gender: name_gender(&e.name, lex)
                .or_else(|| e.titles.iter().find_map(|t| text_gender(t, lex)))
                .or(honorific_gender[ei]),
        })
        .collect();
    // Indexes so that resolving a lone name or a title costs O(log n), not a
    // scan of every person mention (articles with hundreds of names exist).
    let mut positions: Vec<Vec<usize>> = vec![Vec::new(); facts.len()];
    for &(pm, e) in &person_mentions {
        positions[e].push(doc.mentions[pm].span.start);
    }
    // Per pass-1 person: the lower-case words of its name mentions (with
    // their titles and qualifiers: "indiana gov. mike pence"), for role
    // nominals that name a qualifier ("the Indiana governor").
    let mut entity_words: Vec<HashSet<String>> = vec![HashSet::default(); facts.len()];
    for (mi, e) in assign.iter().enumerate() {
        if let Some(e) = *e {
            if entities[e].etype == EntityType::Person {
                let w = &mut entity_words[e];
                w.extend(doc.slice(doc.mentions[mi].span).split_whitespace().map(str::to_lowercase));
                // Capitalised qualifiers just before a titled name describe the
                // person too: "Republican presidential nominee Donald Trump".
                if doc.mentions[mi].title.is_some() {
                    let end = doc.mentions[mi].span.start;
                    let mut from = end.saturating_sub(40);
                    while !doc.text.is_char_boundary(from) {
                        from += 1;
                    }
                    let before = &doc.text[from..end];
                    let before = before.rsplit(['.', ',', ';', ':', '\n', '"', '“', '”']).next().unwrap_or("");
                    w.extend(
                        before
                            .split_whitespace()
                            .rev()
                            .take(3)
                            .take_while(|x| x.chars().next().is_some_and(char::is_uppercase))
                            .map(str::to_lowercase),
                    );
                }
                w.extend(facts[e].titles.iter().flat_map(|t| t.split_whitespace().map(str::to_string)));
                // A party-state note names the home state: "Sen. Bernie
                // Sanders (I-Vt.)", "Lindsey Graham (R-S.C.)".
                if let Some(state) = party_state(doc, doc.mentions[mi].span.end, lex) {
                    w.extend(state.split_whitespace().map(str::to_lowercase));
                }
            }
        }
    }
    // Keyed by the folded word, so "O'Neill" finds "James O’Neill" and a
    // transcript's "PENCE" finds "Mike Pence".
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::default();
    let mut by_title_head: HashMap<&str, Vec<usize>> = HashMap::default();
    let last_keys: Vec<String> = facts.iter().map(|f| fold_words(&f.last).join(" ")).collect();
    let mut misspelt_cache: HashMap<String, Option<usize>> = HashMap::default();
    for (e, f) in facts.iter().enumerate() {
        if positions[e].is_empty() {
            continue;
        }
        by_name.entry(last_keys[e].clone()).or_default().push(e);
        if f.first != f.last {
            by_name.entry(fold_words(&f.first).join(" ")).or_default().push(e);
        }
        for t in &f.titles {
            if let Some(head) = t.split_whitespace().last() {
                by_title_head.entry(head).or_default().push(e);
            }
        }
    }
    let facts_titles: Vec<Vec<String>> = facts.iter().map(|f| f.titles.clone()).collect();
    // Nearest mention of any candidate before `pos`; one after only when none
    // precedes (a role phrase points back: "the congressman" is the one named).
    let nearest = |candidates: &[usize], pos: usize| -> Option<usize> {
        let mut best: Option<(usize, usize)> = None;
        for &e in candidates {
            let ps = &positions[e];
            let i = ps.partition_point(|&p| p <= pos);
            let before = i.checked_sub(1).map(|j| pos - ps[j]);
            let after = ps.get(i).map(|&p| usize::MAX / 2 + (p - pos));
            if let Some(cost) = before.into_iter().chain(after).min() {
                if best.is_none_or(|(c, b)| (cost, e) < (c, b)) {
                    best = Some((cost, e));
                }
            }
        }
        best.map(|(_, e)| e)
    };
    // Titles as normalised, once per spelling: a title mention compares its
    // title with every earlier holder's.
    let title_norms = TitleNorms::default();
    // The most recent entity of each type, for "the outlet" and the like.
    let mut last_of_type: HashMap<EntityType, usize> = HashMap::default();
    // The sex a resolved "he" or "she" gave an entity whose name did not say it.
    let mut pronoun_sex: HashMap<usize, Gender> = HashMap::default();
    let mut unresolved_pronouns: Vec<usize> = Vec::new();
    for mi in 0..doc.mentions.len() {
        if let Some(e) = assign[mi] {
            last_of_type.insert(entities[e].etype, e);
            continue;
        }
        let m = &doc.mentions[mi];
        let pos = m.span.start;
        let e = match m.kind {
            MentionKind::Name if m.etype == EntityType::Person => {
                let cleaned = lone_names[mi].take();
                let word = cleaned.as_deref().unwrap_or_else(|| doc.slice(m.name.unwrap_or(m.span)).trim());
                let word = word.split_whitespace().find(|w| !lex.is_name_suffix(w)).unwrap_or(word);
                // "Mrs. Clinton" is not Bill Clinton.
                let honorific = m
                    .title
                    .as_deref()
                    .and_then(|t| text_gender(t, lex))
                    .or_else(|| text_gender(doc.slice(m.span), lex));
                let key = fold_words(word).join(" ");
                let candidates: Vec<usize> = by_name
                    .get(&key)
                    .map(|c| {
                        c.iter()
                            .copied()
                            .filter(|&e| {
                                honorific.is_none() || facts[e].gender.is_none() || facts[e].gender == honorific
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                // The most-named bearer of the surname; the first introduced on a tie.
                let found = candidates
                    .iter()
                    .copied()
                    .min_by_key(|&e| (std::cmp::Reverse(positions[e].len()), positions[e][0]));
                // Only a surname no one bears ("Wines" with no Wines named),
                // of the honorific's sex, looked up once per spelling.
                let misspelt = if found.is_none() && !by_name.contains_key(&key) {
                    *misspelt_cache.entry(key.clone()).or_insert_with(|| misspelt_surname(&key, &by_name, &last_keys))
                } else {
                    None
                };
                let misspelt = misspelt
                    .filter(|&e| honorific.is_none() || facts[e].gender.is_none() || facts[e].gender == honorific);
                match found.or(misspelt) {
                    Some(e) => e,
                    None => get_or_create(&mut entities, EntityType::Person, word.to_string(), None),
                }
            }
            MentionKind::Title => {
                // "the mayor, Ana Ruiz," — an apposed name says who it is.
                if let Some(e) = apposed_name(doc, mi, &assign, &entities) {
                    assign[mi] = Some(e);
                    last_of_type.insert(EntityType::Person, e);
                    continue;
                }
                let title = normalise_title(m.title.as_deref().unwrap_or(doc.slice(m.span)), lex);
                // A qualified title fits a bare one ("Russian president" is a
                // president), a higher rank does not ("vice president" is not).
                let rank = |prefix: &str| {
                    prefix.split_whitespace().last().is_some_and(|w| {
                        matches!(w, "vice" | "deputy" | "assistant" | "associate" | "under" | "lieutenant" | "co")
                    })
                };
                let fits = |t: &str| {
                    t == title
                        || (t.ends_with(title.as_str())
                            && t[..t.len() - title.len()].ends_with(' ')
                            && !rank(&t[..t.len() - title.len()]))
                        || (title.ends_with(t)
                            && title[..title.len() - t.len()].ends_with(' ')
                            && !rank(&title[..title.len() - t.len()]))
                };
                let holders: Vec<usize> = title
                    .split_whitespace()
                    .last()
                    .and_then(|head| by_title_head.get(head))
                    .map(|c| c.iter().copied().filter(|&e| facts[e].titles.iter().any(|t| fits(t))).collect())
                    .unwrap_or_default();
                // Holders of exactly this title first ("President Obama" for
                // "the president", before "Russian President Vladimir Putin").
                let exact: Vec<usize> = holders.iter().copied().filter(|&e| facts[e].titles.contains(&title)).collect();
                let candidates = if exact.is_empty() { holders } else { exact };
                // A holder first named in this pass ("President Obama" is a
                // lone surname with a title): the latest one before, exact
                // title first.
                let later_holder = || {
                    let titled = |exact_only: bool| {
                        (0..mi).rev().find_map(|k| {
                            let e = assign[k]?;
                            let ent = &entities[e];
                            (ent.etype == EntityType::Person
                                && ent.titles.iter().any(|t| {
                                    title_norms.with(t, lex, |t| if exact_only { t == title } else { fits(t) })
                                }))
                            .then_some(e)
                        })
                    };
                    titled(true).or_else(|| titled(false))
                };
                // An exact holder named earlier in this pass beats a holder
                // that only fits ("President Obama" before "the president",
                // not "Russian President Vladimir Putin" after it).
                // Only one named before counts: "President Xi" late in an
                // article about President Obama does not take "the president".
                let pass1_exact = candidates
                    .iter()
                    .any(|&e| facts[e].titles.contains(&title) && positions[e].first().is_some_and(|&p| p < pos));
                let earlier = later_holder();
                let earlier_exact = earlier.filter(|&e| {
                    !pass1_exact && entities[e].titles.iter().any(|t| title_norms.with(t, lex, |t| t == title))
                });
                // A qualified role the knowledge base knows the holder of on the
                // publication date ("the Democratic presidential nominee") is
                // that person, when the article names them; a bare one ("the
                // president") may be any country's, so the article decides.
                let qualified = title.split_whitespace().count() >= 2;
                let known = known_holder(doc.slice(m.span), doc, &entities, lex);
                // Capitalised qualifiers the article gave one person ("the
                // South Carolina senator" after "Lindsey Graham (R-S.C.)")
                // say more than which senator was named last.
                let found = earlier_exact
                    .or(known.filter(|_| qualified))
                    .or_else(|| role_holder(doc.slice(m.span), pos, &entity_words, &positions, lex))
                    .or_else(|| nearest(&candidates, pos))
                    .or(earlier)
                    .or(known);
                match found {
                    Some(e) => e,
                    None => continue,
                }
            }
            MentionKind::Nominal => {
                let text = doc.slice(m.span);
                // "Retired Lt. Gen. Michael Flynn" read as a phrase: the name in
                // it, as written or as the mention inside it ("the Rev. Peter
                // Wherry", "South Korean President Park Geun-hye").
                let inner = (mi + 1..doc.mentions.len())
                    .take_while(|&k| doc.mentions[k].span.start < m.span.end)
                    .find(|&k| {
                        let inner = &doc.mentions[k];
                        inner.kind == MentionKind::Name && inner.span.end == m.span.end
                    })
                    // "a spokeswoman for Hillary Clinton" is not Clinton.
                    .filter(|&k| !complement_of_role(doc.text[m.span.start..doc.mentions[k].span.start].trim_end()))
                    .and_then(|k| assign[k])
                    .filter(|&e| entities[e].etype == EntityType::Person);
                // A document is not its author ("the Justin Levitt study").
                let inner = inner
                    .or_else(|| {
                        embedded_person(text, &by_person, lex)
                            .filter(|_| !text.contains(" for ") && !text.contains(" to "))
                    })
                    // "Pagliano's lawyer, Mark MacDougall, said".
                    .or_else(|| apposed_name(doc, mi, &assign, &entities))
                    .filter(|_| m.etype != EntityType::Document);
                if let Some(e) = inner {
                    assign[mi] = Some(e);
                    last_of_type.insert(EntityType::Person, e);
                    continue;
                }
                // "the Indiana governor": the person the article gave that role.
                if let Some(e) = role_nominal(text, pos, &by_title_head, &facts_titles, &entity_words, &positions, lex)
                {
                    assign[mi] = Some(e);
                    last_of_type.insert(EntityType::Person, e);
                    continue;
                }
                // "the New York businessman": the public figure who held that
                // role on the publication date, when the article names them.
                if let Some(e) = known_holder(text, doc, &entities, lex) {
                    assign[mi] = Some(e);
                    last_of_type.insert(EntityType::Person, e);
                    continue;
                }
                // "the outlet" points back; "another source" names a new actor.
                let words: Vec<&str> = doc.slice(m.span).split_whitespace().collect();
                let head = words.last().map(|w| w.to_lowercase()).unwrap_or_default();
                // "Donald Trump’s campaign" is the Trump campaign.
                if words.len() >= 2 && lex.nominals().contains_key(&head) {
                    let owner = words[words.len() - 2];
                    let owner = owner.strip_suffix("’s").or_else(|| owner.strip_suffix("'s"));
                    if let Some(owner) = owner.filter(|o| o.chars().next().is_some_and(char::is_uppercase)) {
                        let e = get_or_create(&mut entities, m.etype, format!("{owner} {head}"), None);
                        assign[mi] = Some(e);
                        last_of_type.insert(entities[e].etype, e);
                        continue;
                    }
                }
                // "the poll", "the campaign": the last thing so named ("a
                // Bloomberg poll", "the Clinton campaign") before any entity of
                // the type.
                let definite = words.len() == 2 && words[0].eq_ignore_ascii_case("the");
                if definite {
                    let named = (0..mi).rev().find_map(|k| {
                        let e = assign[k]?;
                        let ent = &entities[e];
                        (ent.etype != EntityType::Person
                            && ent.name.split_whitespace().count() >= 2
                            && (ent.name.split_whitespace().last().is_some_and(|w| w.eq_ignore_ascii_case(&head))
                                // "the commission" is the "Commission on Presidential Debates".
                                || (ent.etype != EntityType::Place
                                    && ent.name.split_whitespace().next().is_some_and(|w| w.eq_ignore_ascii_case(&head)))))
                        .then_some(e)
                    });
                    if let Some(e) = named {
                        assign[mi] = Some(e);
                        last_of_type.insert(entities[e].etype, e);
                        continue;
                    }
                }
                // "the ruling" is not the poll named before: a document is
                // found by its noun (above), never by its type alone.
                let anaphoric = definite && lex.nominals().contains_key(&head) && m.etype != EntityType::Document;
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
            MentionKind::Pronoun => match resolve_pronoun(
                doc,
                mi,
                &assign,
                &entities,
                &Agreement { lex, lowercase: &lowercase, pronoun_sex: &pronoun_sex },
                false,
            ) {
                Some(e) => {
                    // A "she" outside quotation marks taken by a person whose
                    // name says nothing ("Melanie", "Scalia") tells the later
                    // pronouns her sex.
                    if let Some(g) = pronoun_gender(doc.slice(m.span)).filter(|_| !m.in_quote) {
                        pronoun_sex.entry(e).or_insert(g);
                    }
                    e
                }
                None => {
                    unresolved_pronouns.push(mi);
                    continue;
                }
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

    // A pronoun nothing before explains may anticipate the name after it,
    // once every name has its entity.
    for mi in unresolved_pronouns {
        let agreement = Agreement { lex, lowercase: &lowercase, pronoun_sex: &pronoun_sex };
        assign[mi] = resolve_pronoun(doc, mi, &assign, &entities, &agreement, true);
    }

    // An acronym is the organisation whose initials it spells ("IMF" is the
    // International Monetary Fund, "S.E.C." the Securities and Exchange
    // Commission) when the article names exactly one such organisation.
    // Capitalised function words count or not: "AROS" is the Alliance to
    // Reclaim Our Schools, "BLM" Black Lives Matter.
    let initials = |name: &str, with_function_words: bool| -> String {
        name.split(|c: char| c.is_whitespace() || c == '-')
            .filter(|w| {
                w.chars().next().is_some_and(char::is_uppercase)
                    && (with_function_words || !lex.function_words().contains(*w))
            })
            .filter_map(|w| w.chars().next())
            .collect()
    };
    let acronym = |name: &str| -> Option<String> {
        let bare: String = name.chars().filter(|&c| c != '.').collect();
        ((2..=6).contains(&bare.len()) && bare.chars().all(|c| c.is_ascii_uppercase())).then_some(bare)
    };
    let mut by_initials: HashMap<String, Vec<usize>> = HashMap::default();
    for (e, ent) in entities.iter().enumerate() {
        if ent.etype == EntityType::Organization && ent.name.split_whitespace().count() >= 2 {
            let (plain, full) = (initials(&ent.name, false), initials(&ent.name, true));
            if full != plain {
                by_initials.entry(full).or_default().push(e);
            }
            by_initials.entry(plain).or_default().push(e);
        }
    }
    let mut alias_of: Vec<Option<usize>> = vec![None; entities.len()];
    for (e, ent) in entities.iter().enumerate() {
        if matches!(ent.etype, EntityType::Organization | EntityType::Person | EntityType::Media) {
            if let Some(full) = acronym(&ent.name).and_then(|a| by_initials.get(&a)).filter(|c| c.len() == 1) {
                alias_of[e] = Some(full[0]);
            }
        }
    }
    for (e, full) in shorter_person_names(&entities, lex) {
        alias_of[e].get_or_insert(full);
    }
    for (e, holder) in cataphoric_roles(doc, &entities, &assign, lex) {
        alias_of[e].get_or_insert(holder);
    }
    for a in assign.iter_mut() {
        if let Some(e) = *a {
            if let Some(full) = alias_of[e] {
                *a = Some(full);
            }
        }
    }

    // Order entities by first mention so output is stable and readable.
    for (mi, e) in assign.iter().enumerate() {
        if let Some(e) = e {
            entities[*e].mentions.push(MentionId(mi));
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
        doc.mentions[mi].entity = e.map(|e| EntityId(remap[e]));
    }
}

/// What pronoun agreement reads besides the entities.
struct Agreement<'a> {
    lex: &'a Lexicon,
    /// Words the article writes in lower case ([`lowercase_words`]).
    lowercase: &'a HashSet<&'a str>,
    /// The sex earlier pronouns gave entities whose names do not say it.
    pronoun_sex: &'a HashMap<usize, Gender>,
}

fn resolve_pronoun(
    doc: &Document,
    mi: usize,
    assign: &[Option<usize>],
    entities: &[Entity],
    agreement: &Agreement,
    cataphora: bool,
) -> Option<usize> {
    let Agreement { lex, lowercase, pronoun_sex } = *agreement;
    let m = &doc.mentions[mi];
    // A relative pronoun is its antecedent ("Mr. Kamin, who …").
    if lex.is_relative_pronoun(&doc.slice(m.span).to_lowercase()) {
        let i = doc.token_at(m.span.start);
        return crate::mentions::relative_referent(doc, &doc.mentions[..mi], i).and_then(|a| assign[a]);
    }
    let want_group = m.etype == EntityType::Group;
    let want_thing = matches!(m.etype, EntityType::Organization | EntityType::Media);
    let want_gender = pronoun_gender(doc.slice(m.span));
    // Agreement: a known sex must match the pronoun's; unknown agrees.
    let sex_of = |e: usize| {
        name_gender(&entities[e].name, lex)
            .or_else(|| entities[e].titles.iter().find_map(|t| text_gender(t, lex)))
            .or_else(|| pronoun_sex.get(&e).copied())
    };
    let agrees = |e: usize| want_gender.is_none() || sex_of(e).is_none_or(|g| Some(g) == want_gender);
    let fits = |pm: usize| -> Option<usize> {
        let other = &doc.mentions[pm];
        if other.in_quote && !m.in_quote {
            return None;
        }
        // "Indiana" inside "the Indiana governor" is not a candidate of its own.
        // A person named inside a coordination ("Grassley and Leahy") is.
        if pm > 0
            && doc.mentions[pm - 1].span.contains(other.span)
            && doc.mentions[pm - 1].span != other.span
            && doc.mentions[pm - 1].kind != MentionKind::Group
        {
            return None;
        }
        let e = assign[pm]?;
        let et = entities[e].etype;
        let ok = if want_group {
            // "PolitiFact … they found": an outlet's staff is a "they" too.
            matches!(et, EntityType::Group | EntityType::Organization | EntityType::Media)
                && other.kind != MentionKind::Pronoun
        } else if want_thing {
            // "it" is never a person ("it would tell" is the museum).
            matches!(et, EntityType::Organization | EntityType::Media)
        } else {
            et == EntityType::Person && agrees(e) && plausible_person(&entities[e], lex, lowercase)
        };
        ok.then_some(e)
    };
    // Of the fitting mentions of one sentence (in text order), the first that
    // is not an oblique, else the first: the subject outranks the object of
    // a preposition ("In an interview with Rusty Humphries, Ham said he").
    // A subject whose sex nothing says yields to a later one whose sex is the
    // pronoun's ("Gov. Chris Christie described Hillary Clinton as a
    // disgrace after she attacked").
    if cataphora {
        return cataphoric_subject(doc, mi, lex, &fits);
    }
    // The found entity and whether it is only an oblique.
    let pick = |in_order: &mut dyn Iterator<Item = usize>, by_sex: bool| -> Option<(usize, bool)> {
        let mut first_oblique = None;
        let mut first_subject = None;
        for pm in in_order {
            if let Some(e) = fits(pm) {
                if !is_oblique(doc, pm, lex) {
                    if !by_sex || want_gender.is_none() || sex_of(e).is_some() {
                        return Some((e, false));
                    }
                    first_subject.get_or_insert(e);
                }
                first_oblique.get_or_insert(e);
            }
        }
        first_subject.map(|e| (e, false)).or(first_oblique.map(|e| (e, true)))
    };
    let sentence = doc.sentence_at(m.span.start)?;
    let sent_start = doc.sentences[sentence].span.start;
    // Same sentence: the first fitting mention before the pronoun — the
    // subject ("Rubio spoke to Lammy, and then he said" is Rubio).
    let same: Vec<usize> = (0..mi).rev().take_while(|&pm| doc.mentions[pm].span.start >= sent_start).collect();
    let in_sentence = pick(&mut same.iter().rev().copied(), true);
    if let Some((e, false)) = in_sentence {
        return Some(e);
    }
    // Earlier sentences: the first fitting mention of the nearest one that
    // has any. An oblique of the pronoun's own sentence yields to a subject
    // there ("The president appeared cowed. Campaigning against Mitt Romney,
    // he barely mentioned it" is the president).
    let earlier = || -> Option<(usize, bool)> {
        let mut pm = (0..mi).rev().find(|&pm| doc.mentions[pm].span.start < sent_start)?;
        loop {
            let s = doc.sentence_at(doc.mentions[pm].span.start)?;
            let s_start = doc.sentences[s].span.start;
            let first = (0..=pm).rev().take_while(|&k| doc.mentions[k].span.start >= s_start).collect::<Vec<_>>();
            if let Some(found) = pick(&mut first.iter().rev().copied(), false) {
                return Some(found);
            }
            if sentence - s > 6 {
                return None;
            }
            pm = (0..pm).rev().find(|&k| doc.mentions[k].span.start < s_start)?;
        }
    };
    match (in_sentence, earlier()) {
        (Some((e, _)), Some((_, true)) | None) => Some(e),
        (_, Some((e, _))) => Some(e),
        (None, None) => None,
    }
}

/// How far into its sentence a cataphoric pronoun may be, and how many
/// mentions after it are looked at.
const MAX_CATAPHORA_TOKENS: usize = 16;

/// For a pronoun nothing before explains, in a clause a link word opens at
/// the start of its sentence (no comma before the pronoun): the person named after it, right after a
/// comma — the subject of the main clause it anticipates ("Back when he
/// wrote his book, Mr. McKinley said"; not "He said …, Shekhawat told").
fn cataphoric_subject(
    doc: &Document,
    mi: usize,
    lex: &Lexicon,
    fits: &dyn Fn(usize) -> Option<usize>,
) -> Option<usize> {
    let sentence = doc.sentence_at(doc.mentions[mi].span.start)?;
    let first = doc.token_at(doc.sentences[sentence].span.start);
    let pronoun = doc.token_at(doc.mentions[mi].span.start);
    // Bounded: the pronoun's clause opens the sentence, its subject follows soon.
    if pronoun > first + MAX_CATAPHORA_TOKENS {
        return None;
    }
    // The pronoun's clause opens the sentence: a link word before it, no comma.
    let lead = || (first..pronoun).map(|t| doc.slice(doc.tokens[t].span));
    let opened = lead().any(|w| lex.clause_links().contains(w.to_lowercase().as_str())) && !lead().any(|w| w == ",");
    if !opened {
        return None;
    }
    let end = doc.sentences[sentence].span.end;
    (mi + 1..doc.mentions.len())
        .take(MAX_CATAPHORA_TOKENS)
        .take_while(|&k| doc.mentions[k].span.start < end)
        .find(|&k| {
            let t = doc.token_at(doc.mentions[k].span.start);
            doc.mentions[k].kind == MentionKind::Name && t > 0 && doc.slice(doc.tokens[t - 1].span) == ","
        })
        .and_then(fits)
}

/// The one person named in full whose surname the lone name misspells by
/// one letter ("Wines" for Leslie Wimes, "Bornsten" for Harold Bornstein,
/// "McLenney" for Tyresha McClenney): five letters or more, the same first
/// letter. Bounded: articles naming thousands of people are not searched.
fn misspelt_surname(key: &str, by_name: &HashMap<String, Vec<usize>>, last_keys: &[String]) -> Option<usize> {
    if key.len() < 5 || key.contains(' ') || by_name.len() > 4096 {
        return None;
    }
    let mut near: Vec<usize> = by_name
        .iter()
        .filter(|(k, _)| k.len().abs_diff(key.len()) <= 1 && k.as_bytes()[0] == key.as_bytes()[0])
        .filter(|(k, _)| whosaid_document::names::edit_distance(k, key) == 1)
        .flat_map(|(k, es)| es.iter().copied().filter(move |&e| last_keys[e] == **k))
        .collect();
    near.sort_unstable();
    near.dedup();
    match near[..] {
        [e] => Some(e),
        _ => None,
    }
}

/// Whether mention `mi` is the object of a preposition: one of the four
/// tokens before it is one, with no punctuation or reporting verb between
/// ("to Lammy", "with radio host Rusty Humphries", "on CNBC’s Squawk Box",
/// "with Jeb Bush and Rand Paul"); "according to X" is not — X is a source.
fn is_oblique(doc: &Document, mi: usize, lex: &Lexicon) -> bool {
    let t = doc.token_at(doc.mentions[mi].span.start);
    let sentence = doc.tokens.get(t).map(|tok| tok.sentence);
    for p in (t.saturating_sub(4)..t).rev() {
        let tok = &doc.tokens[p];
        let w = doc.slice(tok.span);
        let possessive = matches!(w, "'s" | "’s" | "'" | "’");
        if Some(tok.sentence) != sentence || (tok.kind != whosaid_document::TokenKind::Word && !possessive) {
            return false;
        }
        let lower = w.to_lowercase();
        // "to reflect that Fowler is calling": the subject of a clause.
        if lower == "that" {
            return false;
        }
        if lex.prepositions().contains(&lower) {
            let according = lower == "to"
                && p.checked_sub(1).is_some_and(|q| doc.slice(doc.tokens[q].span).eq_ignore_ascii_case("according"));
            return !according;
        }
        if lex.verb_forms().contains_key(&lower) {
            return false;
        }
    }
    false
}

/// The person the article names who held role phrase `text` ("the
/// Republican presidential nominee", "the Vermont senator") on its
/// publication date, by the public-figures knowledge base: needs a date, and
/// exactly one of the role's holders then named in the article (last name,
/// and first name when both have one).
fn known_holder(text: &str, doc: &Document, entities: &[Entity], lex: &Lexicon) -> Option<usize> {
    let date = doc.meta.published?.format("%Y-%m-%d").to_string();
    let words: Vec<&str> = text.split_whitespace().collect();
    let definite = words.first().is_some_and(|w| w.eq_ignore_ascii_case("the"));
    if !definite || words.len() < 2 {
        return None;
    }
    let role = words[1..].join(" ").to_lowercase().replace("u.s.", "us").replace('’', "'");
    let key = |name: &str| -> (String, String) {
        let ws: Vec<String> = name
            .split_whitespace()
            .filter(|w| !lex.is_name_suffix(w) && (w.len() > 2 || !w.ends_with('.')))
            .map(str::to_lowercase)
            .collect();
        (ws.first().cloned().unwrap_or_default(), ws.last().cloned().unwrap_or_default())
    };
    let mut named: Vec<usize> = lex
        .role_holders_on(role.trim_end_matches([',', '.']), &date)
        .filter_map(|holder| {
            let (hf, hl) = key(holder);
            entities.iter().position(|e| {
                let (f, l) = key(&e.name);
                e.etype == EntityType::Person && l == hl && (f == hf || f == l)
            })
        })
        .collect();
    named.sort_unstable();
    named.dedup();
    match named[..] {
        [e] => Some(e),
        _ => None,
    }
}

/// The state in a party-state note right after byte `end`: "(I-Vt.)",
/// "(D-N.Y.)", "(R-SC)", "(Vt.)" — a parenthesis of at most 16 bytes whose
/// last hyphen-separated part is a place abbreviation (`places.txt`).
fn party_state<'l>(doc: &Document, end: usize, lex: &'l Lexicon) -> Option<&'l str> {
    let rest = doc.text.get(end..)?;
    let inner = rest.trim_start_matches(' ').strip_prefix('(')?;
    let close = inner.find(')').filter(|&c| c <= 16)?;
    let abbreviation = inner[..close].rsplit('-').next()?.trim();
    lex.place_abbreviations().get(abbreviation).map(String::as_str)
}

/// Words of a role phrase after its determiner, and its head (lower case).
fn role_words(text: &str) -> (Vec<&str>, String) {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    if words.first().is_some_and(|w| matches!(w.to_lowercase().as_str(), "the" | "a" | "an")) {
        words.remove(0);
    }
    let head = words.last().map(|w| w.to_lowercase()).unwrap_or_default();
    (words, head)
}

/// A definite phrase's words and its head, abbreviations written out ("the
/// Indiana gov." → "governor"); `None` unless it opens with "the".
fn definite_role<'t>(text: &'t str, lex: &Lexicon) -> Option<(Vec<&'t str>, String)> {
    if !text.split_whitespace().next().is_some_and(|w| w.eq_ignore_ascii_case("the")) {
        return None;
    }
    let (words, head) = role_words(text);
    let head = lex.title_expansions().get(&head).cloned().unwrap_or(head);
    Some((words, head))
}

/// The person a definite role phrase stands for when the article named a
/// person with its capitalised qualifiers: "the Indiana governor" → the
/// person written "Indiana Gov. Mike Pence", "the Vermont senator" → "Vermont
/// Sen. Bernie Sanders". Needs the head to be a title and at least one
/// capitalised qualifier; only persons named before `pos` count, the nearest
/// first. A role nobody in the article holds stays unresolved.
fn role_holder(
    text: &str,
    pos: usize,
    entity_words: &[HashSet<String>],
    positions: &[Vec<usize>],
    lex: &Lexicon,
) -> Option<usize> {
    let (words, head) = definite_role(text, lex)?;
    if !lex.titles().contains(&head) {
        return None;
    }
    let quals: Vec<String> = words[..words.len().saturating_sub(1)]
        .iter()
        .filter(|w| w.chars().next().is_some_and(char::is_uppercase))
        .map(|w| w.to_lowercase())
        .collect();
    if quals.is_empty() {
        return None;
    }
    let mut best: Option<(usize, usize)> = None;
    for (e, ws) in entity_words.iter().enumerate() {
        if ws.is_empty() || !quals.iter().all(|q| ws.contains(q)) {
            continue;
        }
        let before = positions[e].partition_point(|&p| p < pos);
        if before == 0 {
            continue;
        }
        let dist = pos - positions[e][before - 1];
        if best.is_none_or(|(d, _)| dist < d) {
            best = Some((dist, e));
        }
    }
    best.map(|(_, e)| e)
}

/// A role nominal ("the Vermont senator", "the former president"): a holder
/// of that title (nearest before), else [`role_holder`].
fn role_nominal(
    text: &str,
    pos: usize,
    by_title_head: &HashMap<&str, Vec<usize>>,
    titles: &[Vec<String>],
    entity_words: &[HashSet<String>],
    positions: &[Vec<usize>],
    lex: &Lexicon,
) -> Option<usize> {
    let (words, head) = definite_role(text, lex)?;
    if words.len() < 2 || !lex.titles().contains(&head) {
        return role_holder(text, pos, entity_words, positions, lex);
    }
    let role = normalise_title(&words.join(" "), lex);
    let holders: Vec<usize> = by_title_head
        .get(head.as_str())
        .map(|c| {
            c.iter()
                .copied()
                .filter(|&e| titles[e].iter().any(|t| *t == role || role.ends_with(&format!(" {t}"))))
                .collect()
        })
        .unwrap_or_default();
    let before = |e: usize| positions[e].partition_point(|&p| p < pos);
    let found =
        holders.iter().copied().filter(|&e| before(e) > 0).min_by_key(|&e| (pos - positions[e][before(e) - 1], e));
    found.or_else(|| role_holder(text, pos, entity_words, positions, lex))
}

/// Role entities that stand for a person named later: "A New York judge has
/// rejected …" before "Manhattan Supreme Court Justice Frank Nervo rejected
/// …", the usual order of a news lead. A person entity known only by role
/// phrases (nominal mentions) whose head is a title joins the one person the
/// article first names after it with a fitting title ("Justice" is a judge,
/// see `titles.txt`); with two or more such people it stays a role.
fn cataphoric_roles(
    doc: &Document,
    entities: &[Entity],
    assign: &[Option<usize>],
    lex: &Lexicon,
) -> Vec<(usize, usize)> {
    // Per entity: its first mention, and whether every mention is a nominal.
    let mut kinds: Vec<(usize, bool)> = vec![(usize::MAX, true); entities.len()];
    // Per entity: its first name mention (a role phrase resolved to it may
    // come before).
    let mut first_name: Vec<Option<usize>> = vec![None; entities.len()];
    for (mi, a) in assign.iter().enumerate() {
        if let Some(e) = *a {
            let k = &mut kinds[e];
            k.0 = k.0.min(mi);
            k.1 &= doc.mentions[mi].kind == MentionKind::Nominal;
            if doc.mentions[mi].kind == MentionKind::Name {
                first_name[e].get_or_insert(mi);
            }
        }
    }
    let named_first = |e: usize| first_name[e];
    // Title heads of persons first named by name (computed once).
    let heads: Vec<Vec<String>> = entities
        .iter()
        .enumerate()
        .map(|(h, ent)| {
            if ent.etype != EntityType::Person || named_first(h).is_none() {
                return Vec::new();
            }
            ent.titles
                .iter()
                .filter_map(|t| normalise_title(t, lex).split_whitespace().last().map(str::to_string))
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    for (e, ent) in entities.iter().enumerate() {
        let (first, only_nominal) = kinds[e];
        if ent.etype != EntityType::Person || first == usize::MAX || !only_nominal {
            continue;
        }
        let head = ent.name.split_whitespace().last().map(|w| w.to_lowercase()).unwrap_or_default();
        let head = lex.title_expansions().get(&head).cloned().unwrap_or(head);
        let holders: Vec<usize> = if lex.titles().contains(&head) {
            (0..entities.len())
                .filter(|&h| h != e && named_first(h).is_some_and(|mi| mi > first) && heads[h].contains(&head))
                .collect()
        } else {
            Vec::new()
        };
        if let [h] = holders[..] {
            out.push((e, h));
        } else if holders.len() > 1 {
            // Of several holders, the one the lead opens with when no other
            // is named as near ("Lawmaker urges …" then "Rep. Adam Schiff,
            // the top Democrat …"; not two spokesmen in the next sentences).
            let sentence_of = |mi: usize| doc.sentence_at(doc.mentions[mi].span.start).unwrap_or(usize::MAX);
            let near =
                |h: usize| named_first(h).is_some_and(|mi| sentence_of(mi) <= sentence_of(first).saturating_add(2));
            let lead = introduced_next(doc, first, assign, &named_first).filter(|h| holders.contains(h));
            if let Some(h) = lead.filter(|&h| holders.iter().all(|&o| o == h || !near(o))) {
                out.push((e, h));
            }
        } else {
            // A person introduced with a title of their own ("Rep. Robert
            // Scott") holds that role, not another title ("Doctor"); a role
            // that is no title ("Member of House panel") may be theirs.
            let role_is_title = lex.titles().contains(&head);
            let fits = |h: &usize| {
                *h != e
                    && entities[*h].etype == EntityType::Person
                    && (entities[*h].titles.is_empty() || !role_is_title)
            };
            // The person just named before comes first (anaphora), then the
            // one the lead names after.
            out.extend(
                subject_before(doc, first, assign)
                    .filter(fits)
                    .or_else(|| introduced_next(doc, first, assign, &named_first).filter(fits))
                    .map(|h| (e, h)),
            );
        }
    }
    out
}

/// Whether group mention `mi` is "the <title>s" ("the senators", "the two
/// lawmakers") within 40 mentions of a coordination of people.
fn plural_title_after(doc: &Document, mi: usize, lex: &Lexicon, coordination: Option<(usize, usize)>) -> bool {
    let Some((_, at)) = coordination else {
        return false;
    };
    let words: Vec<String> = doc.slice(doc.mentions[mi].span).split_whitespace().map(str::to_lowercase).collect();
    let singular = words.last().and_then(|w| w.strip_suffix('s')).unwrap_or("");
    mi - at <= 40 && words.len() >= 2 && words[0] == "the" && lex.titles().contains(singular)
}

/// The person named at the start of the sentence before a role phrase's
/// sentence: "David Axelrod on Wednesday called on Howard Dean to
/// apologize. “…,” Obama's former campaign strategist said."
fn subject_before(doc: &Document, role_mention: usize, assign: &[Option<usize>]) -> Option<usize> {
    let sentence = doc.sentence_at(doc.mentions[role_mention].span.start)?.checked_sub(1)?;
    let s = &doc.sentences[sentence];
    let lo = doc.mentions.partition_point(|m| m.span.start < s.span.start);
    let m = doc.mentions.get(lo).filter(|m| m.span.start < s.span.end)?;
    let leading = doc.token_at(m.span.start) <= doc.token_at(s.span.start) + 2;
    (leading && m.kind == MentionKind::Name && m.etype == EntityType::Person && !m.in_quote)
        .then(|| assign[lo])
        .flatten()
}

/// The person a lead introduces right after a role phrase: the first person
/// named in the next two sentences, when that name opens its sentence and is
/// the person's first mention ("Connecticut's tax commissioner says …" then
/// "Kevin Sullivan says …").
fn introduced_next(
    doc: &Document,
    role_mention: usize,
    assign: &[Option<usize>],
    named_first: &dyn Fn(usize) -> Option<usize>,
) -> Option<usize> {
    let sentence = doc.sentence_at(doc.mentions[role_mention].span.start)?;
    let mut seen_sentence = None;
    for (mi, m) in doc.mentions.iter().enumerate().skip(role_mention + 1) {
        let s = doc.sentence_at(m.span.start)?;
        if s == sentence {
            continue;
        }
        if s > sentence + 2 {
            return None;
        }
        let opens = seen_sentence != Some(s);
        seen_sentence = Some(s);
        if m.kind != MentionKind::Name || m.etype != EntityType::Person {
            continue;
        }
        let e = assign[mi]?;
        let leading = opens && doc.token_at(m.span.start) <= doc.token_at(doc.sentences[s].span.start) + 2;
        return (leading && named_first(e) == Some(mi)).then_some(e);
    }
    None
}

/// Person entities that name, in fewer words, a person the article names in
/// full, paired with that person: the words are the end of the full name
/// ("Mr. Guajardo Villarreal" of "Ildefonso Guajardo Villarreal", "Suu Kyi"
/// of "Aung San Suu Kyi"), or given name and surname where the full name has
/// that given name as a quoted nickname ("Bobby Scott" of `Robert C. "Bobby"
/// Scott`). Only when exactly one fuller name fits.
fn shorter_person_names(entities: &[Entity], lex: &Lexicon) -> Vec<(usize, usize)> {
    let suffixes: Vec<String> = lex.name_suffixes().iter().map(|s| fold_words(s).join(" ")).collect();
    let words: Vec<Vec<String>> = entities
        .iter()
        .map(|e| {
            // A description ("spokeswoman for Hillary Clinton") is not a
            // longer name of the person it mentions.
            let proper = e.name.split_whitespace().all(|w| !w.chars().next().is_some_and(char::is_lowercase));
            let mut w = if e.etype == EntityType::Person && proper { fold_words(&e.name) } else { Vec::new() };
            while w.len() > 1 && w.last().is_some_and(|x| suffixes.contains(x)) {
                w.pop();
            }
            w
        })
        .collect();
    let nickname = |name: &str| -> Option<String> {
        let (_, rest) = name.split_once(['"', '“'])?;
        let (nick, _) = rest.split_once(['"', '”'])?;
        let folded = fold_words(nick);
        (folded.len() == 1).then(|| folded[0].clone())
    };
    let nicknames: Vec<Option<String>> = entities.iter().map(|e| nickname(&e.name)).collect();
    // Both readings need the same surname: compare only within a surname.
    let mut by_last: HashMap<&str, Vec<usize>> = HashMap::default();
    for (e, w) in words.iter().enumerate() {
        if let Some(last) = w.last() {
            by_last.entry(last.as_str()).or_default().push(e);
        }
    }
    let mut out = Vec::new();
    for (e, short) in words.iter().enumerate() {
        if short.len() < 2 || nicknames[e].is_some() {
            continue;
        }
        let same_surname = by_last.get(short[short.len() - 1].as_str()).map(Vec::as_slice).unwrap_or_default();
        let fits: Vec<usize> = same_surname
            .iter()
            .copied()
            .filter(|&f| f != e)
            .filter(|&f| {
                let full = &words[f];
                let suffix = full.len() > short.len() && full.ends_with(short);
                let by_nickname = short.len() == 2 && nicknames[f].as_deref() == Some(short[0].as_str());
                suffix || by_nickname
            })
            .collect();
        if let [full] = fits[..] {
            out.push((e, full));
        }
    }
    out
}

/// The person named right after mention `mi` and a comma ("the mayor, Ana
/// Ruiz,"), when pass 1 knows who that is.
fn apposed_name(doc: &Document, mi: usize, assign: &[Option<usize>], entities: &[Entity]) -> Option<usize> {
    let m = &doc.mentions[mi];
    let at = doc.text[m.span.end..].starts_with(", ").then(|| m.span.end + 2)?;
    (mi + 1..doc.mentions.len())
        .take_while(|&k| doc.mentions[k].span.start <= at)
        .find(|&k| doc.mentions[k].span.start == at && doc.mentions[k].kind == MentionKind::Name)
        .and_then(|k| assign[k])
        .filter(|&e| entities[e].etype == EntityType::Person)
}

/// A person named inside a phrase the mention stage read as a nominal
/// ("New Jersey Gov. Chris Christie", "Homeland Security Secretary Jeh
/// Johnson"): its cleaned name's (first, last) is a known full name.
fn embedded_person(text: &str, by_person: &HashMap<String, usize>, lex: &Lexicon) -> Option<usize> {
    let last = text.split_whitespace().last()?;
    if !last.chars().next().is_some_and(char::is_uppercase) {
        return None;
    }
    let name = clean_person_name(text, lex);
    if name.split_whitespace().count() < 2
        || name.split_whitespace().any(|w| !w.chars().next().is_some_and(char::is_uppercase))
    {
        return None;
    }
    let (first, last) = person_key(&name, lex);
    by_person.get(&format!("{first} {last}")).copied()
}

#[cfg(test)]
mod tests {
    use whosaid_document::EntityType;

    #[test]
    fn names_differing_in_periods_or_an_article_are_one_entity() {
        let text = "The U.S. said on Monday it would send aid. Officials in the US said it would arrive soon.\n\n\
                    The Fox News Poll found that most voters disagree. Fox News Poll shows the gap is narrowing.";
        let doc = crate::Pipeline::rules(whosaid_lexicon::Lexicon::builtin()).extract(text, "t", Default::default());
        let named = |etype: EntityType| doc.entities.iter().filter(|e| e.etype == etype).count();
        assert_eq!(named(EntityType::Place), 1, "{:?}", doc.entities);
        assert_eq!(named(EntityType::Document), 1, "{:?}", doc.entities);
        let us = doc.entities.iter().find(|e| e.etype == EntityType::Place).unwrap();
        assert_eq!(us.mentions.len(), 2);
    }
}
