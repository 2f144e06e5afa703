//! The outlet comparison's input on PostgreSQL: the same [`Corpus`] the
//! SQLite store loads (`whosaid-store`'s outlets.rs), query for query, so
//! `/api/outlets` and the story pages give the same figures on both.

use std::collections::BTreeMap;

use whosaid_compare::{Corpus, CorpusBuilder, DocumentRow, Quote, SpeakerKind, TermUse};
use whosaid_store::{Result, CORPUS_STATEMENTS_SQL};

use crate::{db_err, PgStore};

pub(crate) fn corpus(store: &mut PgStore) -> Result<Corpus> {
    let name = store.name.clone();
    let e = |e| db_err(&name, e);
    let c = &mut store.client;
    let mut corpus = CorpusBuilder::default();
    for r in c
        .query(
            "SELECT id, doc_key, outlet, published, title, headline, text, duplicate_of FROM documents ORDER BY id",
            &[],
        )
        .map_err(e)?
    {
        let published: Option<String> = r.get(3);
        corpus.document(DocumentRow {
            id: r.get(0),
            key: r.get(1),
            outlet: r.get(2),
            published: published.as_deref().and_then(|p| whosaid_document::dates::parse_ymd(p).ok()),
            title: r.get(4),
            headline: r.get(5),
            text: r.get(6),
            duplicate_of: r.get(7),
        });
    }

    for r in c
        .query(
            "SELECT DISTINCT doc_id, actor_id FROM entities WHERE actor_id IS NOT NULL ORDER BY doc_id, actor_id",
            &[],
        )
        .map_err(e)?
    {
        corpus.actor(r.get(0), r.get(1));
    }

    for r in c.query(CORPUS_STATEMENTS_SQL, &[]).map_err(e)? {
        let actor: Option<i64> = r.get(4);
        let etype: Option<String> = r.get(6);
        let metonymic: Option<bool> = r.get(7);
        let pronoun: bool = r.get(8);
        corpus.statement(
            r.get(1),
            Quote {
                id: r.get(0),
                kind: r.get(2),
                content: r.get(3),
                actor,
                speaker: r.get(5),
                speaker_kind: SpeakerKind::classify(
                    etype.as_deref(),
                    actor.is_some(),
                    metonymic.unwrap_or(false),
                    pronoun,
                ),
            },
        );
    }

    for r in
        c.query("SELECT doc_id, grp, kind, term FROM terms ORDER BY doc_id, start, \"end\" DESC", &[]).map_err(e)?
    {
        corpus.term(r.get(0), TermUse { group: r.get(1), kind: r.get(2), term: r.get(3) });
    }

    let mut names = BTreeMap::new();
    for r in c.query("SELECT id, name FROM actors", &[]).map_err(e)? {
        names.insert(r.get::<_, i64>(0), r.get::<_, String>(1));
    }
    Ok(corpus.finish(names))
}
