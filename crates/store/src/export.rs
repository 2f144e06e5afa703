//! Reading a database back for `whosaid export`: every stored document (as
//! ingested, with its coded issues and targets) in ingest order, with the
//! cross-document actor of each of its entities.

use rusqlite::{params, Connection};
use whosaid_document::output::{JsonDocument, JsonStatement};

use crate::{Result, Store};

/// The store's actor of one entity: (actor id, display name, type).
pub type StoredActor = (i64, String, String);

impl Store {
    /// Calls `f` with each document (its `meta.outlet` set to the stored
    /// outlet, which falls back to the URL's host) and its entities' actors
    /// (indexed by entity index; None when the entity is not linkable).
    pub fn for_each_document(&self, mut f: impl FnMut(JsonDocument, &[Option<StoredActor>])) -> Result<()> {
        let ids: Vec<(i64, Option<String>)> = {
            let mut st = self.conn.prepare("SELECT id, outlet FROM documents ORDER BY id")?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        let mut actors_of = self.conn.prepare(
            "SELECT e.idx, a.id, a.name, a.type FROM entities e JOIN actors a ON a.id = e.actor_id
             WHERE e.doc_id = ?1 ORDER BY e.idx",
        )?;
        for (id, outlet) in ids {
            let Some(mut doc) = self.load_json(id)? else { continue };
            if outlet.is_some() {
                doc.meta.outlet = outlet;
            }
            let mut actors: Vec<Option<StoredActor>> = vec![None; doc.entities.len()];
            let rows = actors_of.query_map(params![id], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?))
            })?;
            for row in rows {
                let (idx, actor, name, etype) = row?;
                if let Some(slot) = usize::try_from(idx).ok().and_then(|i| actors.get_mut(i)) {
                    *slot = Some((actor, name, etype));
                }
            }
            f(doc, &actors);
        }
        Ok(())
    }
}

/// Stores one statement's coded issues and targets (schema v3) at ingest.
pub(crate) fn put_coding(conn: &Connection, statement_id: i64, s: &JsonStatement) -> Result<()> {
    let mut issue = conn.prepare_cached(
        "INSERT INTO statement_issues (statement_id, issue, category, origin, stance, confidence, term, rule)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for i in &s.issues {
        issue.execute(params![
            statement_id,
            i.issue,
            i.category,
            i.origin,
            i.stance,
            f64::from(i.confidence),
            i.term.text,
            i.rule
        ])?;
    }
    let mut target = conn.prepare_cached(
        "INSERT INTO statement_targets (statement_id, entity_idx, name, type) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for t in &s.targets {
        target.execute(params![
            statement_id,
            t.entity.map(|e| e as i64),
            t.name.clone().unwrap_or_else(|| t.text.clone()),
            t.etype
        ])?;
    }
    Ok(())
}
