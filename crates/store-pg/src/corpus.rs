//! The outlet comparison's input on PostgreSQL: the same [`Corpus`] the
//! SQLite store loads (`whosaid-store`'s outlets.rs), query for query, so
//! `/api/outlets` and the story pages give the same figures on both.

use std::collections::BTreeMap;

use whosaid_compare::{Article, Corpus, Quote, SpeakerKind, TermUse, UNKNOWN_OUTLET};
use whosaid_store::Result;

use crate::{db_err, PgStore};

pub(crate) fn corpus(store: &mut PgStore) -> Result<Corpus> {
    let name = store.name.clone();
    let e = |e| db_err(&name, e);
    let c = &mut store.client;
    let mut by_key: BTreeMap<String, i64> = BTreeMap::new();
    let mut dup_keys: Vec<(usize, String)> = Vec::new();
    let mut articles: Vec<Article> = Vec::new();
    for r in c
        .query(
            "SELECT id, doc_key, outlet, published, title, headline, text, duplicate_of FROM documents ORDER BY id",
            &[],
        )
        .map_err(e)?
    {
        let id: i64 = r.get(0);
        let key: String = r.get(1);
        let outlet: Option<String> = r.get(2);
        let published: Option<String> = r.get(3);
        let title: Option<String> = r.get(4);
        let headline: Option<String> = r.get(5);
        let text: String = r.get(6);
        let dup: Option<String> = r.get(7);
        by_key.insert(key.clone(), id);
        if let Some(d) = dup {
            dup_keys.push((articles.len(), d));
        }
        let title = title
            .filter(|t| !t.trim().is_empty())
            .or(headline)
            .unwrap_or_else(|| text.lines().next().unwrap_or("").chars().take(100).collect());
        articles.push(Article {
            id,
            key,
            outlet: outlet.filter(|o| !o.trim().is_empty()).unwrap_or_else(|| UNKNOWN_OUTLET.to_string()),
            published: published.and_then(|p| chrono::NaiveDate::parse_from_str(&p, "%Y-%m-%d").ok()),
            title,
            text,
            ..Article::default()
        });
    }
    for (i, key) in dup_keys {
        articles[i].duplicate_of = by_key.get(&key).copied();
    }
    let pos: BTreeMap<i64, usize> = articles.iter().enumerate().map(|(i, a)| (a.id, i)).collect();

    for r in c
        .query(
            "SELECT DISTINCT doc_id, actor_id FROM entities WHERE actor_id IS NOT NULL ORDER BY doc_id, actor_id",
            &[],
        )
        .map_err(e)?
    {
        if let Some(&i) = pos.get(&r.get::<_, i64>(0)) {
            articles[i].actors.push(r.get(1));
        }
    }

    for r in c
        .query(
            "SELECT s.id, s.doc_id, s.kind, s.content, s.speaker_actor, s.speaker_name, s.speaker_type,
                    e.metonym_of IS NOT NULL,
                    EXISTS (SELECT 1 FROM mentions m WHERE m.doc_id = s.doc_id AND m.entity_idx = s.speaker_entity
                            AND m.start = s.speaker_start AND m.kind = 'pronoun')
             FROM statements s
             LEFT JOIN entities e ON e.doc_id = s.doc_id AND e.idx = s.speaker_entity
             ORDER BY s.doc_id, s.idx",
            &[],
        )
        .map_err(e)?
    {
        let Some(&i) = pos.get(&r.get::<_, i64>(1)) else { continue };
        let actor: Option<i64> = r.get(4);
        let etype: Option<String> = r.get(6);
        let metonymic: Option<bool> = r.get(7);
        let pronoun: bool = r.get(8);
        articles[i].statements.push(Quote {
            id: r.get(0),
            kind: r.get(2),
            content: r.get(3),
            actor,
            speaker: r.get(5),
            speaker_kind: SpeakerKind::classify(etype.as_deref(), actor.is_some(), metonymic.unwrap_or(false), pronoun),
        });
    }

    for r in
        c.query("SELECT doc_id, grp, kind, term FROM terms ORDER BY doc_id, start, \"end\" DESC", &[]).map_err(e)?
    {
        if let Some(&i) = pos.get(&r.get::<_, i64>(0)) {
            articles[i].terms.push(TermUse { group: r.get(1), kind: r.get(2), term: r.get(3) });
        }
    }

    let mut names = BTreeMap::new();
    for r in c.query("SELECT id, name FROM actors", &[]).map_err(e)? {
        names.insert(r.get::<_, i64>(0), r.get::<_, String>(1));
    }
    Ok(Corpus::new(articles, names))
}
