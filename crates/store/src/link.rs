//! Cross-article actor linking: which stored names are one actor.
//!
//! At ingest every linkable entity joins the actor of its exact name key
//! ([`normalise_name`] + type). [`relink`] then recomputes, over the whole
//! database and deterministically, which keys are one actor:
//!
//! 1. **User corrections first.** `merge A B` joins two keys; `split A B`
//!    forbids any rule below to put them in one actor (stored in
//!    `actor_overrides`, so re-ingest and every re-link keep them).
//! 2. **Spelling variants of a full person name** join when, after folding
//!    ([`fold_words`]: accents, case, "Mr"/"Sir"/"Dr", "Jr.", middle
//!    initials dropped), the surnames are the same word up to transliteration
//!    ([`same_word`]: equal, or six letters or more and at most two edits —
//!    Zelensky/Zelenskyy/Zelenskiy) **and** the given names agree: equal,
//!    variants in `name_variants.txt` (Volodymyr/Vladimir, Ihor/Igor,
//!    Andriy/Andrii), or one edit apart with the same first letter, four
//!    letters or more, and no contrary sex in the first-name list (John/Joan
//!    stay apart). "Sir Lindsay Hoyle" is "Lindsay Hoyle".
//! 3. **A surname alone** ("Trump") joins the full-name actor with that
//!    surname only when the corpus has exactly one such person after step 2;
//!    with two ("Bill Clinton", "Hillary Clinton") it stays its own actor.
//! 4. Organisations, media, groups and places join when their folded names
//!    are equal ("The Kremlin" / "Kremlin"); no fuzzy matching.
//!
//! The actor of a group is the key named most often (ties: more words, then
//! a given name in its national spelling — the first of its variant line —,
//! then alphabetical); its display name is that key's most frequent spelling.
//! Every key linked to another actor is kept in `actor_links` with the rule
//! and the evidence, and every spelling stays an alias.

use std::collections::{BTreeMap, BTreeSet};

use rusqlite::{params, Connection};
use whosaid_document::names::{edit_distance, fold_words, same_word};
use whosaid_lexicon::Lexicon;

use crate::{normalise_name, Result};

/// Words dropped from person names before comparing them.
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv"];

/// One distinct stored name key.
#[derive(Clone, Debug)]
struct Key {
    norm: String,
    etype: String,
    /// Entities carrying it.
    count: usize,
    /// Most frequent spelling.
    display: String,
    /// Folded words without initials and suffixes (persons).
    words: Vec<String>,
}

struct Dsu(Vec<usize>);

impl Dsu {
    fn find(&mut self, x: usize) -> usize {
        let mut r = x;
        while self.0[r] != r {
            r = self.0[r];
        }
        let mut y = x;
        while self.0[y] != r {
            let next = self.0[y];
            self.0[y] = r;
            y = next;
        }
        r
    }
}

/// Why two keys were joined.
#[derive(Clone, Debug)]
struct Why {
    rule: &'static str,
    evidence: String,
}

/// Folded person-name words for comparison (initials and suffixes dropped).
fn person_words(name: &str) -> Vec<String> {
    fold_words(name).into_iter().filter(|w| w.len() > 1 && !SUFFIXES.contains(&w.as_str())).collect()
}

/// Two given names are one person's (see the module docs, rule 2).
pub fn same_given_name(a: &str, b: &str, lex: &Lexicon) -> bool {
    if a == b {
        return true;
    }
    let head = |w: &str| lex.name_variants().get(w).cloned();
    if head(a).is_some() && head(a) == head(b) {
        return true;
    }
    let (ga, gb) = (lex.first_names().get(a), lex.first_names().get(b));
    if ga.is_some() && gb.is_some() && ga != gb {
        return false;
    }
    a.len() >= 4 && b.len() >= 4 && a.as_bytes()[0] == b.as_bytes()[0] && edit_distance(a, b) <= 1
}

/// Recomputes actors for every linked entity (see the module docs). Runs in
/// the caller's transaction, or its own when there is none.
pub fn relink(conn: &Connection, lex: &Lexicon) -> Result<()> {
    let own_tx = conn.is_autocommit();
    if own_tx {
        conn.execute_batch("BEGIN IMMEDIATE")?;
    }
    let r = relink_inner(conn, lex);
    if own_tx {
        conn.execute_batch(if r.is_ok() { "COMMIT" } else { "ROLLBACK" })?;
    }
    r
}

fn relink_inner(conn: &Connection, lex: &Lexicon) -> Result<()> {
    // Distinct keys with their spellings, from the entities that are linked.
    let mut spellings: BTreeMap<(String, String), BTreeMap<String, usize>> = BTreeMap::new();
    let mut rows: Vec<((i64, i64), String, String)> = Vec::new();
    {
        let mut q = conn
            .prepare("SELECT doc_id, idx, name, type FROM entities WHERE actor_id IS NOT NULL ORDER BY doc_id, idx")?;
        let it = q.query_map([], |r| {
            Ok(((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?), r.get::<_, String>(2)?, r.get::<_, String>(3)?))
        })?;
        for row in it {
            let (id, name, etype) = row?;
            let key = (normalise_name(&name), etype.clone());
            *spellings.entry(key).or_default().entry(name.trim().to_string()).or_default() += 1;
            rows.push((id, name, etype));
        }
    }
    // User corrections, by normalised name (any type).
    let mut merges: Vec<(String, String)> = Vec::new();
    let mut splits: Vec<(String, String)> = Vec::new();
    {
        let mut q = conn.prepare("SELECT kind, a, b FROM actor_overrides ORDER BY id")?;
        let it = q.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?;
        for row in it {
            let (kind, a, b) = row?;
            if kind == "merge" {
                merges.push((a, b));
            } else {
                splits.push((a, b));
            }
        }
    }

    let plan = plan(&spellings, &merges, &splits, lex);
    let keys = &plan.keys;
    let canonical = &plan.canonical;
    let index = &plan.index;
    // Actor rows for canonical keys (created if a split needs a new one).
    let mut actor_of_key: BTreeMap<usize, i64> = BTreeMap::new();
    for &c in canonical.iter().collect::<BTreeSet<_>>() {
        let k = &keys[c];
        conn.prepare_cached("INSERT OR IGNORE INTO actors (norm, type, name) VALUES (?1, ?2, ?3)")?
            .execute(params![k.norm, k.etype, k.display])?;
        conn.prepare_cached("UPDATE actors SET name = ?3 WHERE norm = ?1 AND type = ?2")?
            .execute(params![k.norm, k.etype, k.display])?;
        let id: i64 = conn
            .prepare_cached("SELECT id FROM actors WHERE norm = ?1 AND type = ?2")?
            .query_row(params![k.norm, k.etype], |r| r.get(0))?;
        actor_of_key.insert(c, id);
    }
    let mut upd =
        conn.prepare_cached("UPDATE entities SET actor_id = ?3 WHERE doc_id = ?1 AND idx = ?2 AND actor_id IS NOT ?3")?;
    for ((doc, idx), name, etype) in &rows {
        let k = index[&(normalise_name(name), etype.clone())];
        upd.execute(params![doc, idx, actor_of_key[&canonical[k]]])?;
    }
    conn.execute_batch(
        "UPDATE statements SET speaker_actor = (SELECT e.actor_id FROM entities e
             WHERE e.doc_id = statements.doc_id AND e.idx = statements.speaker_entity)
         WHERE speaker_entity IS NOT NULL;
         UPDATE statements SET addressee_actor = (SELECT e.actor_id FROM entities e
             WHERE e.doc_id = statements.doc_id AND e.idx = statements.addressee_entity)
         WHERE addressee_entity IS NOT NULL;
         DELETE FROM actor_aliases;
         INSERT OR IGNORE INTO actor_aliases (actor_id, alias)
             SELECT actor_id, trim(name) FROM entities WHERE actor_id IS NOT NULL;
         INSERT OR IGNORE INTO actor_aliases (actor_id, alias)
             SELECT e.actor_id, trim(m.text) FROM mentions m
             JOIN entities e ON e.doc_id = m.doc_id AND e.idx = m.entity_idx
             WHERE m.kind = 'name' AND e.actor_id IS NOT NULL AND length(m.text) <= 200;
         DELETE FROM actor_links;",
    )?;
    let mut link = conn.prepare_cached(
        "INSERT OR REPLACE INTO actor_links (norm, type, actor_id, rule, evidence) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, rule, evidence) in &plan.links {
        let k = &keys[*i];
        link.execute(params![k.norm, k.etype, actor_of_key[&canonical[*i]], rule, evidence])?;
    }
    conn.execute_batch(
        "DELETE FROM actors WHERE id NOT IN (SELECT actor_id FROM entities WHERE actor_id IS NOT NULL)
           AND id NOT IN (SELECT actor_id FROM actor_links);",
    )?;
    Ok(())
}

/// The outcome of linking, independent of any database: every distinct name
/// key, the key whose actor it joins, and why (for keys joined to another).
/// [`relink`] applies it to SQLite; other stores apply the same plan.
#[derive(Clone, Debug)]
pub struct LinkPlan {
    /// Distinct keys, sorted by (norm, type).
    pub keys: Vec<PlanKey>,
    /// `canonical[i]`: index of the key whose actor key `i` joins (itself when canonical).
    pub canonical: Vec<usize>,
    /// (norm, type) → index into `keys`.
    pub index: BTreeMap<(String, String), usize>,
    /// For each non-canonical key: (key index, rule, evidence).
    pub links: Vec<(usize, String, String)>,
}

/// One distinct stored name key of a [`LinkPlan`].
#[derive(Clone, Debug)]
pub struct PlanKey {
    /// The normalised name ([`crate::normalise_name`]).
    pub norm: String,
    /// The entity type.
    pub etype: String,
    /// The display name: the key's most frequent spelling.
    pub display: String,
}

/// Computes which keys are one actor (the rules of the module docs) from the
/// spellings of every linked entity, keyed by (normalised name, type) with a
/// count per spelling, and the user corrections as (a, b) pairs of normalised
/// names. Deterministic: the same input gives the same plan.
pub fn plan(
    spellings: &BTreeMap<(String, String), BTreeMap<String, usize>>,
    merges: &[(String, String)],
    splits: &[(String, String)],
    lex: &Lexicon,
) -> LinkPlan {
    let keys: Vec<Key> = spellings
        .iter()
        .map(|((norm, etype), sp)| {
            let count = sp.values().sum();
            let display =
                sp.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0))).map(|x| x.0.clone()).unwrap_or_default();
            let words = if etype == "person" { person_words(&display) } else { fold_words(&display) };
            Key { norm: norm.clone(), etype: etype.clone(), count, display, words }
        })
        .collect();
    let index: BTreeMap<(String, String), usize> =
        keys.iter().enumerate().map(|(i, k)| ((k.norm.clone(), k.etype.clone()), i)).collect();

    let mut dsu = Dsu((0..keys.len()).collect());
    let mut why: Vec<Option<Why>> = vec![None; keys.len()];
    // Union unless a split pair would end up in one actor.
    let unite = |dsu: &mut Dsu, why: &mut Vec<Option<Why>>, a: usize, b: usize, w: Why| -> bool {
        let (ra, rb) = (dsu.find(a), dsu.find(b));
        if ra == rb {
            return false;
        }
        let members = |dsu: &mut Dsu, r: usize| -> BTreeSet<&str> {
            (0..keys.len()).filter(|&k| dsu.find(k) == r).map(|k| keys[k].norm.as_str()).collect()
        };
        if !splits.is_empty() {
            let (ma, mb) = (members(dsu, ra), members(dsu, rb));
            let forbidden = splits.iter().any(|(x, y)| {
                (ma.contains(x.as_str()) && mb.contains(y.as_str()))
                    || (ma.contains(y.as_str()) && mb.contains(x.as_str()))
            });
            if forbidden {
                return false;
            }
        }
        dsu.0[rb] = ra;
        why[b].get_or_insert(w);
        true
    };

    // 1. User merges (every type that carries both names).
    for (a, b) in merges {
        for ka in keys.iter().enumerate().filter(|(_, k)| &k.norm == a).map(|(i, _)| i).collect::<Vec<_>>() {
            if let Some(&kb) = index.get(&(b.clone(), keys[ka].etype.clone())) {
                let w = Why { rule: "user-merge", evidence: format!("whosaid actors merge {a:?} {b:?}") };
                unite(&mut dsu, &mut why, ka, kb, w);
            }
        }
    }
    // 2. Spelling variants of full person names, bucketed by surname initial.
    let persons: Vec<usize> = (0..keys.len()).filter(|&i| keys[i].etype == "person").collect();
    let full: Vec<usize> = persons.iter().copied().filter(|&i| keys[i].words.len() >= 2).collect();
    let mut by_initial: BTreeMap<u8, Vec<usize>> = BTreeMap::new();
    for &i in &full {
        by_initial.entry(keys[i].words.last().expect("two words").as_bytes()[0]).or_default().push(i);
    }
    for bucket in by_initial.values() {
        for (x, &a) in bucket.iter().enumerate() {
            for &b in &bucket[x + 1..] {
                let (wa, wb) = (&keys[a].words, &keys[b].words);
                let (la, lb) = (wa.last().expect("two"), wb.last().expect("two"));
                if same_word(la, lb) && same_given_name(&wa[0], &wb[0], lex) {
                    let w = Why {
                        rule: "spelling",
                        evidence: format!(
                            "{:?} ~ {:?}: surname {la}/{lb}, given name {}/{}",
                            keys[a].display, keys[b].display, wa[0], wb[0]
                        ),
                    };
                    unite(&mut dsu, &mut why, a, b, w);
                }
            }
        }
    }
    // 3. A surname alone joins the one full-name person with that surname.
    for &i in persons.iter().filter(|&&i| keys[i].words.len() == 1) {
        let w = &keys[i].words[0];
        let mut groups: BTreeSet<usize> = BTreeSet::new();
        let mut example = None;
        for &f in &full {
            if same_word(w, keys[f].words.last().expect("two")) {
                groups.insert(dsu.find(f));
                example.get_or_insert(f);
            }
        }
        if groups.len() == 1 {
            let f = example.expect("one group");
            let why_text = format!(
                "{:?}: the only full name with surname {w:?} in the corpus is {:?}",
                keys[i].display, keys[f].display
            );
            unite(&mut dsu, &mut why, f, i, Why { rule: "surname", evidence: why_text });
        }
    }
    // 4. Other types: equal folded names.
    let mut folded: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (i, k) in keys.iter().enumerate().filter(|(_, k)| k.etype != "person") {
        let f = (k.words.join(" "), k.etype.clone());
        if f.0.is_empty() {
            continue;
        }
        match folded.get(&f) {
            Some(&j) => {
                let w =
                    Why { rule: "spelling", evidence: format!("{:?} = {:?} once folded", keys[j].display, k.display) };
                unite(&mut dsu, &mut why, j, i, w);
            }
            None => {
                folded.insert(f, i);
            }
        }
    }

    // Canonical key of each group: most entities, then more words, then alphabetical.
    let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..keys.len() {
        groups.entry(dsu.find(i)).or_default().push(i);
    }
    let mut canonical = vec![0usize; keys.len()];
    for members in groups.values() {
        // A given name in the spelling its variant line lists first (the
        // national romanisation: Volodymyr, not Vladimir) wins a tie.
        let national = |k: usize| {
            let w = &keys[k].words;
            w.len() >= 2 && lex.name_variants().get(&w[0]).is_none_or(|head| *head == w[0])
        };
        let best = *members
            .iter()
            .max_by(|&&a, &&b| {
                (keys[a].count, keys[a].words.len(), national(a))
                    .cmp(&(keys[b].count, keys[b].words.len(), national(b)))
                    .then(keys[b].norm.cmp(&keys[a].norm))
            })
            .expect("non-empty group");
        for &m in members {
            canonical[m] = best;
        }
    }

    let mut links = Vec::new();
    for i in 0..keys.len() {
        if canonical[i] != i {
            let w = why[i].clone().or_else(|| {
                // Joined through another member: cite the first recorded reason in its group.
                groups[&dsu.find(i)].iter().find_map(|&m| why[m].clone())
            });
            let w = w.unwrap_or(Why { rule: "spelling", evidence: String::new() });
            links.push((i, w.rule.to_string(), w.evidence));
        }
    }
    LinkPlan {
        keys: keys.into_iter().map(|k| PlanKey { norm: k.norm, etype: k.etype, display: k.display }).collect(),
        canonical,
        index,
        links,
    }
}

/// Records a user correction (`merge` or `split`) by normalised names.
pub fn add_override(conn: &Connection, kind: &str, a: &str, b: &str) -> Result<()> {
    let (a, b) = (normalise_name(a), normalise_name(b));
    if a == b {
        return Err(crate::Error::Invalid(crate::InvalidReason::Correction(format!("{kind}: both names are {a:?}"))));
    }
    // A merge undoes an earlier split of the same pair and vice versa.
    let other = if kind == "merge" { "split" } else { "merge" };
    conn.execute(
        "DELETE FROM actor_overrides WHERE kind = ?1 AND ((a = ?2 AND b = ?3) OR (a = ?3 AND b = ?2))",
        params![other, a, b],
    )?;
    conn.execute("INSERT OR IGNORE INTO actor_overrides (kind, a, b) VALUES (?1, ?2, ?3)", params![kind, a, b])?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn given_names_agree_across_transliteration_not_across_people() {
        let lex = Lexicon::builtin();
        assert!(same_given_name("volodymyr", "vladimir", &lex));
        assert!(same_given_name("ihor", "igor", &lex));
        assert!(same_given_name("andriy", "andrii", &lex));
        assert!(!same_given_name("bill", "hillary", &lex));
        assert!(!same_given_name("john", "joan", &lex)); // one edit, but he and she
        assert!(!same_given_name("bill", "jill", &lex)); // different first letter
        assert!(!same_given_name("jeb", "jed", &lex)); // too short to guess
    }

    #[test]
    fn person_words_drop_honorifics_initials_and_suffixes() {
        assert_eq!(person_words("Sir Lindsay Hoyle"), vec!["lindsay", "hoyle"]);
        assert_eq!(person_words("Joseph R. Biden Jr."), vec!["joseph", "biden"]);
        assert_eq!(person_words("Mr. Zelenskyy"), vec!["zelenskyy"]);
    }
}
