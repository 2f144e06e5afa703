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
use whosaid_compare::{Corpus, CorpusBuilder, DocumentRow, Quote, SpeakerKind, TermUse};

use crate::{Result, Store};

/// The statements the outlet comparison reads, with what classifies their
/// speakers (both stores run this query).
pub const CORPUS_STATEMENTS_SQL: &str =
    "SELECT s.id, s.doc_id, s.kind, s.content, s.speaker_actor, s.speaker_name, s.speaker_type,
                    e.metonym_of IS NOT NULL,
                    EXISTS (SELECT 1 FROM mentions m WHERE m.doc_id = s.doc_id AND m.entity_idx = s.speaker_entity
                            AND m.start = s.speaker_start AND m.kind = 'pronoun')
             FROM statements s
             LEFT JOIN entities e ON e.doc_id = s.doc_id AND e.idx = s.speaker_entity
             ORDER BY s.doc_id, s.idx";

impl Store {
    /// Every stored document with what the outlet comparison reads.
    pub fn corpus(&self) -> Result<Corpus> {
        let conn = &self.conn;
        let mut corpus = CorpusBuilder::default();
        let mut stmt = conn.prepare(
            "SELECT id, doc_key, outlet, published, title, headline, text, duplicate_of FROM documents ORDER BY id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let published: Option<String> = r.get(3)?;
            corpus.document(DocumentRow {
                id: r.get(0)?,
                key: r.get(1)?,
                outlet: r.get(2)?,
                published: published.as_deref().and_then(|p| whosaid_document::dates::parse_ymd(p).ok()),
                title: r.get(4)?,
                headline: r.get(5)?,
                text: r.get(6)?,
                duplicate_of: r.get(7)?,
            });
        }

        let mut stmt = conn.prepare(
            "SELECT DISTINCT doc_id, actor_id FROM entities WHERE actor_id IS NOT NULL ORDER BY doc_id, actor_id",
        )?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            corpus.actor(r.get(0)?, r.get(1)?);
        }

        let mut stmt = conn.prepare(CORPUS_STATEMENTS_SQL)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let actor: Option<i64> = r.get(4)?;
            let etype: Option<String> = r.get(6)?;
            let metonymic: Option<bool> = r.get(7)?;
            let pronoun: bool = r.get(8)?;
            corpus.statement(
                r.get(1)?,
                Quote {
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
                },
            );
        }

        let mut stmt = conn.prepare("SELECT doc_id, grp, kind, term FROM terms ORDER BY doc_id, start, end DESC")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            corpus.term(r.get(0)?, TermUse { group: r.get(1)?, kind: r.get(2)?, term: r.get(3)? });
        }

        let mut names = BTreeMap::new();
        let mut stmt = conn.prepare("SELECT id, name FROM actors")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            names.insert(r.get::<_, i64>(0)?, r.get::<_, String>(1)?);
        }
        Ok(corpus.finish(names))
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
