//! Contested terms (the terminology stage) in the `terms` table (schema v3):
//! one row per annotation, so outlet profiles count wording choices with SQL
//! instead of decompressing every stored document.

use rusqlite::{params, Connection};
use whosaid_document::output::JsonDocument;

use crate::Result;

/// Stores the document's terminology annotations (its old rows are already
/// deleted on update, with its statements).
pub(crate) fn put_terms(conn: &Connection, doc_id: i64, doc: &JsonDocument) -> Result<()> {
    let mut ins = conn.prepare_cached(
        "INSERT INTO terms (doc_id, start, end, text, term, grp, kind, variant_of) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for t in &doc.terminology {
        ins.execute(params![doc_id, t.start as i64, t.end as i64, t.text, t.term, t.group, t.kind, t.variant_of])?;
    }
    Ok(())
}
