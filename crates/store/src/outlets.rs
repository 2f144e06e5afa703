//! The outlet comparison over a database: loads a [`Corpus`] (documents,
//! their linked actors, statements with speaker kinds, contested terms) for
//! `whosaid-compare`, which computes the profiles and stories that
//! `whosaid outlets`, `whosaid stories` and the web pages show.
//!
//! A speaker is *unnamed* when its entity has no cross-document actor (no
//! proper-name or group mention: "a senior official"), *unresolved* when it
//! is moreover a pronoun ("he said" with no name found), *government* when a
//! place stood for it (`entities.metonym_of`), else its entity type decides.

use std::collections::BTreeMap;

use whosaid_compare::profiles::{outlet_report, OutletReport, ProfileOptions};
use whosaid_compare::stories::{stories, Story, StoryOptions};
use whosaid_compare::{Article, Corpus, Quote, SpeakerKind, TermUse, UNKNOWN_OUTLET};

use crate::{Result, Store};

impl Store {
    /// Every stored document with what the outlet comparison reads.
    pub fn corpus(&self) -> Result<Corpus> {
        let conn = &self.conn;
        let mut by_key: BTreeMap<String, i64> = BTreeMap::new();
        let mut dup_keys: Vec<(usize, String)> = Vec::new();
        let mut articles: Vec<Article> = Vec::new();
        let mut stmt = conn.prepare(
            "SELECT id, doc_key, outlet, published, title, headline, text, duplicate_of FROM documents ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id: i64 = r.get(0)?;
            let key: String = r.get(1)?;
            let outlet: Option<String> = r.get(2)?;
            let published: Option<String> = r.get(3)?;
            let title: Option<String> = r.get(4)?;
            let headline: Option<String> = r.get(5)?;
            let text: String = r.get(6)?;
            let dup: Option<String> = r.get(7)?;
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
                published: published.as_deref().and_then(|p| whosaid_document::dates::parse_ymd(p).ok()),
                title,
                text,
                ..Article::default()
            });
        }
        for (i, key) in dup_keys {
            articles[i].duplicate_of = by_key.get(&key).copied();
        }
        let pos: BTreeMap<i64, usize> = articles.iter().enumerate().map(|(i, a)| (a.id, i)).collect();

        let mut stmt = conn.prepare(
            "SELECT DISTINCT doc_id, actor_id FROM entities WHERE actor_id IS NOT NULL ORDER BY doc_id, actor_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = pos.get(&r.get::<_, i64>(0)?) {
                articles[i].actors.push(r.get(1)?);
            }
        }

        let mut stmt = conn.prepare(
            "SELECT s.id, s.doc_id, s.kind, s.content, s.speaker_actor, s.speaker_name, s.speaker_type,
                    e.metonym_of IS NOT NULL,
                    EXISTS (SELECT 1 FROM mentions m WHERE m.doc_id = s.doc_id AND m.entity_idx = s.speaker_entity
                            AND m.start = s.speaker_start AND m.kind = 'pronoun')
             FROM statements s
             LEFT JOIN entities e ON e.doc_id = s.doc_id AND e.idx = s.speaker_entity
             ORDER BY s.doc_id, s.idx",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let Some(&i) = pos.get(&r.get::<_, i64>(1)?) else { continue };
            let actor: Option<i64> = r.get(4)?;
            let etype: Option<String> = r.get(6)?;
            let metonymic: Option<bool> = r.get(7)?;
            let pronoun: bool = r.get(8)?;
            articles[i].statements.push(Quote {
                id: r.get(0)?,
                kind: r.get(2)?,
                content: r.get(3)?,
                actor,
                speaker: r.get(5)?,
                speaker_kind: SpeakerKind::classify(
                    etype.as_deref(),
                    actor.is_some(),
                    metonymic.unwrap_or(false),
                    pronoun,
                ),
            });
        }

        let mut stmt = conn.prepare("SELECT doc_id, grp, kind, term FROM terms ORDER BY doc_id, start, end DESC")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            if let Some(&i) = pos.get(&r.get::<_, i64>(0)?) {
                articles[i].terms.push(TermUse { group: r.get(1)?, kind: r.get(2)?, term: r.get(3)? });
            }
        }

        let mut names = BTreeMap::new();
        let mut stmt = conn.prepare("SELECT id, name FROM actors")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            names.insert(r.get::<_, i64>(0)?, r.get::<_, String>(1)?);
        }
        Ok(Corpus::new(articles, names))
    }

    /// Per-outlet profiles of the whole database.
    pub fn outlet_report(&self, opts: &ProfileOptions) -> Result<OutletReport> {
        Ok(outlet_report(&self.corpus()?, opts))
    }

    /// Stories across outlets of the whole database.
    pub fn stories(&self, opts: &StoryOptions) -> Result<Vec<Story>> {
        Ok(stories(&self.corpus()?, opts))
    }
}

/// What identifies a database state for the cache: the file, its documents
/// and the actor corrections (a merge or split renames actors).
pub(crate) fn state_key(store: &Store) -> Result<String> {
    Ok(store.conn.query_row(
        "SELECT (SELECT ifnull(file, '') FROM pragma_database_list WHERE name = 'main') || '|' ||
                (SELECT count(*) || ':' || ifnull(max(id), 0) || ':' || ifnull(max(ingested_at), '') FROM documents) || '|' ||
                (SELECT count(*) || ':' || ifnull(max(id), 0) FROM actor_overrides)",
        [],
        |r| r.get(0),
    )?)
}
