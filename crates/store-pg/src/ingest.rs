//! Writing documents and re-linking actors on PostgreSQL. The rules are the
//! SQLite store's (`whosaid-store` lib.rs `put_document` and link.rs): the
//! encoded row ([`DocumentRow`]), linkability, aliases and the link plan come
//! from there; only the SQL is here.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use postgres::{GenericClient, Row, Statement};
use whosaid_document::output::{JsonActor, JsonDocument};
use whosaid_lexicon::Lexicon;
use whosaid_store::backend::{entity_aliases, linkable, now_iso, BatchReport, DocumentRow};
use whosaid_store::{content_hash, document_key, normalise_name, Outcome, Pending};

use crate::{tx, TxResult};

/// What one transaction has resolved so far: actor ids by key, and the
/// aliases to insert at commit (sorted, so racing writers take them in one order).
#[derive(Default)]
pub(crate) struct BatchState {
    actors: HashMap<(String, String), i64>,
    aliases: BTreeSet<(i64, String)>,
    /// Prepared statements of this connection by SQL text (kept across
    /// transactions: one parse per statement, one round trip per call).
    stmts: HashMap<String, Statement>,
}

fn prep<C: GenericClient>(c: &mut C, st: &mut BatchState, sql: &str) -> Result<Statement, postgres::Error> {
    if let Some(s) = st.stmts.get(sql) {
        return Ok(s.clone());
    }
    let s = c.prepare(sql)?;
    st.stmts.insert(sql.to_string(), s.clone());
    Ok(s)
}

type Params<'a> = &'a [&'a (dyn postgres::types::ToSql + Sync)];

fn q_all<C: GenericClient>(
    c: &mut C,
    st: &mut BatchState,
    sql: &str,
    p: Params<'_>,
) -> Result<Vec<Row>, postgres::Error> {
    let s = prep(c, st, sql)?;
    c.query(&s, p)
}

fn q_opt<C: GenericClient>(
    c: &mut C,
    st: &mut BatchState,
    sql: &str,
    p: Params<'_>,
) -> Result<Option<Row>, postgres::Error> {
    let s = prep(c, st, sql)?;
    c.query_opt(&s, p)
}

fn q_exec<C: GenericClient>(c: &mut C, st: &mut BatchState, sql: &str, p: Params<'_>) -> Result<u64, postgres::Error> {
    let s = prep(c, st, sql)?;
    c.execute(&s, p)
}

/// The keys a writer has put and the JSON hash each was put with, so a key
/// repeated with other content is a [`Outcome::Conflict`] however far apart
/// the two puts are: those of its committed batches (read only, so an
/// attempt rolled back leaves them as they were) and those of the batch
/// being written.
pub(crate) struct Seen<'a> {
    earlier: &'a HashMap<String, String>,
    /// The batch's own keys, for the writer to keep once it has committed.
    pub(crate) batch: HashMap<String, String>,
}

impl<'a> Seen<'a> {
    pub(crate) fn new(earlier: &'a HashMap<String, String>) -> Seen<'a> {
        Seen { earlier, batch: HashMap::new() }
    }

    fn get(&self, key: &str) -> Option<&String> {
        self.batch.get(key).or_else(|| self.earlier.get(key))
    }

    fn contains(&self, key: &str) -> bool {
        self.get(key).is_some()
    }
}

impl BatchState {
    /// Forgets ids created in a rolled-back transaction.
    pub(crate) fn reset(&mut self) {
        self.actors.clear();
        self.aliases.clear();
    }
}

/// Resolves the actors of linkable entity keys (norm, type, display name)
/// not yet in `st`, four statements for any number of keys: an earlier
/// re-link's target, else the actor with that key, else a new one (inserted
/// in sorted order with `ON CONFLICT DO NOTHING`, then read back, so a racing
/// writer's new actor is the same actor).
fn resolve_actors<C: GenericClient>(
    c: &mut C,
    name: &str,
    st: &mut BatchState,
    keys: &BTreeMap<(String, String), String>,
) -> TxResult<()> {
    let e = tx(name);
    let missing = |st: &BatchState| -> (Vec<String>, Vec<String>, Vec<String>) {
        let mut out = (Vec::new(), Vec::new(), Vec::new());
        for ((norm, etype), display) in keys {
            if !st.actors.contains_key(&(norm.clone(), etype.clone())) {
                out.0.push(norm.clone());
                out.1.push(etype.clone());
                out.2.push(display.clone());
            }
        }
        out
    };
    let record = |st: &mut BatchState, rows: Vec<postgres::Row>| {
        for r in rows {
            st.actors.entry((r.get(0), r.get(1))).or_insert(r.get(2));
        }
    };
    // The earlier re-link's target, then the actor with the key, then a new
    // actor, then the actor again (a racing writer's insert wins the conflict).
    const LINKED: &str = "SELECT l.norm, l.type, l.actor_id FROM actor_links l
             JOIN unnest($1::text[], $2::text[]) AS k(norm, type) ON l.norm = k.norm AND l.type = k.type";
    const BY_KEY: &str = "SELECT a.norm, a.type, a.id FROM actors a
                 JOIN unnest($1::text[], $2::text[]) AS k(norm, type) ON a.norm = k.norm AND a.type = k.type";
    const INSERT: &str = "INSERT INTO actors (norm, type, name)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ORDER BY 1, 2
                 ON CONFLICT (norm, type) DO NOTHING RETURNING norm, type, id";
    for sql in [LINKED, BY_KEY, INSERT, BY_KEY] {
        let (norms, types, displays) = missing(st);
        if norms.is_empty() {
            return Ok(());
        }
        let rows = if sql == INSERT {
            q_all(c, st, sql, &[&norms, &types, &displays])
        } else {
            q_all(c, st, sql, &[&norms, &types])
        }
        .map_err(&e)?;
        record(st, rows);
    }
    let (norms, _, _) = missing(st);
    if norms.is_empty() {
        Ok(())
    } else {
        Err(crate::TxError::Retry(format!("{name}: actors {norms:?} vanished while being linked")))
    }
}

/// The document columns, in the order of [`DocumentCols::COLUMNS`], of the
/// rows one INSERT adds (one or many documents: a batch is one round trip).
#[derive(Default)]
struct DocumentCols {
    key: Vec<String>,
    chash: Vec<String>,
    json_hash: Vec<String>,
    source: Vec<String>,
    title: Vec<Option<String>>,
    url: Vec<Option<String>>,
    outlet: Vec<Option<String>>,
    site: Vec<Option<String>>,
    byline: Vec<Option<String>>,
    published: Vec<Option<String>>,
    headline: Vec<Option<String>>,
    text: Vec<String>,
    duplicate_of: Vec<Option<String>>,
    n_statements: Vec<i64>,
    json: Vec<Vec<u8>>,
}

impl DocumentCols {
    const COLUMNS: &'static str = "doc_key, content_hash, json_hash, source, title, url, outlet, site, byline, \
                                   published, headline, text, duplicate_of, n_statements, json, ingested_at";

    fn push(&mut self, doc: &JsonDocument, row: DocumentRow) {
        self.key.push(row.key);
        self.chash.push(row.content_hash);
        self.json_hash.push(row.json_hash);
        self.source.push(doc.source.clone());
        self.title.push(doc.meta.title.clone());
        self.url.push(doc.meta.url.clone());
        self.outlet.push(row.outlet);
        self.site.push(row.site);
        self.byline.push(doc.meta.byline.clone());
        self.published.push(row.published);
        self.headline.push(row.headline);
        self.text.push(doc.text.clone());
        self.duplicate_of.push(doc.duplicate_of.clone());
        self.n_statements.push(doc.statements.len() as i64);
        self.json.push(row.compressed);
    }

    /// Inserts the rows in push order (ids ascending in that order, as one
    /// INSERT per document would give them); returns the id of each key.
    /// A key a racing writer stored meanwhile is a retry of the transaction
    /// (the retry sees its row, and writes nothing when it is the same).
    fn insert<C: GenericClient>(&self, c: &mut C, name: &str, st: &mut BatchState) -> TxResult<HashMap<String, i64>> {
        if self.key.is_empty() {
            return Ok(HashMap::new());
        }
        let now = now_iso();
        let sql = format!(
            "INSERT INTO documents ({})
             SELECT k, ch, jh, src, ti, u, o, si, b, p, h, tx, d, n, j, $16
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
                         $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::bigint[],
                         $15::bytea[]) WITH ORDINALITY AS r(k, ch, jh, src, ti, u, o, si, b, p, h, tx, d, n, j, ord)
             ORDER BY ord
             ON CONFLICT (doc_key) DO NOTHING RETURNING doc_key, id",
            Self::COLUMNS
        );
        let rows = q_all(
            c,
            st,
            &sql,
            &[
                &self.key,
                &self.chash,
                &self.json_hash,
                &self.source,
                &self.title,
                &self.url,
                &self.outlet,
                &self.site,
                &self.byline,
                &self.published,
                &self.headline,
                &self.text,
                &self.duplicate_of,
                &self.n_statements,
                &self.json,
                &now,
            ],
        )
        .map_err(tx(name))?;
        let ids: HashMap<String, i64> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
        if let Some(k) = self.key.iter().find(|k| !ids.contains_key(*k)) {
            return Err(crate::TxError::Retry(format!("{name}: {k}: stored by another writer meanwhile")));
        }
        Ok(ids)
    }
}

/// The statement columns of many documents' statements, for one INSERT.
#[derive(Default)]
struct StatementCols {
    doc_id: Vec<i64>,
    published: Vec<Option<String>>,
    outlet: Vec<Option<String>>,
    site: Vec<Option<String>>,
    idx: Vec<i64>,
    kind: Vec<String>,
    content: Vec<String>,
    cstart: Vec<i64>,
    cend: Vec<i64>,
    cue: Vec<Option<String>>,
    lemma: Vec<Option<String>>,
    cue_start: Vec<Option<i64>>,
    cue_end: Vec<Option<i64>>,
    sp_text: Vec<Option<String>>,
    sp_name: Vec<Option<String>>,
    sp_type: Vec<Option<String>>,
    sp_entity: Vec<Option<i64>>,
    sp_actor: Vec<Option<i64>>,
    sp_start: Vec<Option<i64>>,
    sp_end: Vec<Option<i64>>,
    ad_text: Vec<Option<String>>,
    ad_name: Vec<Option<String>>,
    ad_type: Vec<Option<String>>,
    ad_entity: Vec<Option<i64>>,
    ad_actor: Vec<Option<i64>>,
    time_text: Vec<Option<String>>,
    time_date: Vec<Option<String>>,
    confidence: Vec<f64>,
    rule: Vec<String>,
}

/// The rows under documents (entities, mentions, contested terms,
/// statements and their codings) gathered over one or many documents and written with one
/// INSERT per table: round trips per batch, not per document or row.
#[derive(Default)]
struct ChildRows {
    e_doc: Vec<i64>,
    e_idx: Vec<i64>,
    e_actor: Vec<Option<i64>>,
    e_name: Vec<String>,
    e_type: Vec<String>,
    e_titles: Vec<String>,
    e_metonym: Vec<Option<String>>,
    m_doc: Vec<i64>,
    m_entity: Vec<i64>,
    m_start: Vec<i64>,
    m_end: Vec<i64>,
    m_text: Vec<String>,
    m_kind: Vec<String>,
    t_doc: Vec<i64>,
    t_start: Vec<i64>,
    t_end: Vec<i64>,
    t_text: Vec<String>,
    t_term: Vec<String>,
    t_grp: Vec<String>,
    t_kind: Vec<String>,
    t_var: Vec<String>,
    s: StatementCols,
    c: CodingCols,
}

/// The coding stage's rows of many statements (`statement_issues`,
/// `statement_targets`), each by its statement's (document, index).
#[derive(Default)]
struct CodingCols {
    i_doc: Vec<i64>,
    i_idx: Vec<i64>,
    issue: Vec<String>,
    category: Vec<Option<String>>,
    origin: Vec<String>,
    stance: Vec<String>,
    confidence: Vec<f64>,
    term: Vec<String>,
    rule: Vec<String>,
    g_doc: Vec<i64>,
    g_idx: Vec<i64>,
    g_entity: Vec<Option<i64>>,
    g_name: Vec<String>,
    g_type: Vec<String>,
}

impl ChildRows {
    /// Adds the rows of document `doc_id`; its linkable entities' actors
    /// must already be in `st` ([`resolve_actors`]), and their aliases are
    /// gathered there for [`flush_aliases`].
    fn add(
        &mut self,
        doc_id: i64,
        doc: &JsonDocument,
        published: &Option<String>,
        outlet: &Option<String>,
        site: &Option<String>,
        st: &mut BatchState,
    ) {
        let mut entity_actor: Vec<Option<i64>> = Vec::with_capacity(doc.entities.len());
        for en in &doc.entities {
            let a =
                if linkable(en) { st.actors.get(&(normalise_name(&en.name), en.etype.clone())).copied() } else { None };
            if let Some(a) = a {
                for alias in entity_aliases(en) {
                    st.aliases.insert((a, alias));
                }
            }
            entity_actor.push(a);
            self.e_doc.push(doc_id);
            self.e_idx.push(en.id as i64);
            self.e_actor.push(a);
            self.e_name.push(en.name.clone());
            self.e_type.push(en.etype.clone());
            self.e_titles.push(serde_json::to_string(&en.titles).unwrap_or_else(|_| "[]".into()));
            self.e_metonym.push(en.metonym_of.clone());
            for m in &en.mentions {
                self.m_doc.push(doc_id);
                self.m_entity.push(en.id as i64);
                self.m_start.push(m.start as i64);
                self.m_end.push(m.end as i64);
                self.m_text.push(m.text.clone());
                self.m_kind.push(m.kind.as_str().to_string());
            }
        }
        // Contested terms, one row per annotation.
        for t in &doc.terminology {
            self.t_doc.push(doc_id);
            self.t_start.push(t.start as i64);
            self.t_end.push(t.end as i64);
            self.t_text.push(t.text.clone());
            self.t_term.push(t.term.clone());
            self.t_grp.push(t.group.clone());
            self.t_kind.push(t.kind.clone());
            self.t_var.push(t.variant_of.clone());
        }
        let actor_of = |a: &Option<JsonActor>| -> Option<i64> {
            a.as_ref().and_then(|a| a.entity).and_then(|i| entity_actor.get(i).copied().flatten())
        };
        let k = &mut self.s;
        for (i, s) in doc.statements.iter().enumerate() {
            let sp = s.speaker.as_ref();
            let ad = s.addressee.as_ref();
            k.doc_id.push(doc_id);
            k.published.push(published.clone());
            k.outlet.push(outlet.clone());
            k.site.push(site.clone());
            k.idx.push(i as i64);
            k.kind.push(s.kind.clone());
            k.content.push(s.content.text.clone());
            k.cstart.push(s.content.start as i64);
            k.cend.push(s.content.end as i64);
            k.cue.push(s.cue.as_ref().map(|c| c.text.clone()));
            k.lemma.push(s.cue.as_ref().map(|c| c.lemma.clone()));
            k.cue_start.push(s.cue.as_ref().map(|c| c.start as i64));
            k.cue_end.push(s.cue.as_ref().map(|c| c.end as i64));
            k.sp_text.push(sp.map(|a| a.text.clone()));
            k.sp_name.push(sp.map(|a| a.name.clone().unwrap_or_else(|| a.text.clone())));
            k.sp_type.push(sp.map(|a| a.etype.clone()));
            k.sp_entity.push(sp.and_then(|a| a.entity).map(|e| e as i64));
            k.sp_actor.push(actor_of(&s.speaker));
            k.sp_start.push(sp.map(|a| a.start as i64));
            k.sp_end.push(sp.map(|a| a.end as i64));
            k.ad_text.push(ad.map(|a| a.text.clone()));
            k.ad_name.push(ad.map(|a| a.name.clone().unwrap_or_else(|| a.text.clone())));
            k.ad_type.push(ad.map(|a| a.etype.clone()));
            k.ad_entity.push(ad.and_then(|a| a.entity).map(|e| e as i64));
            k.ad_actor.push(actor_of(&s.addressee));
            k.time_text.push(s.time.as_ref().map(|t| t.text.clone()));
            k.time_date.push(s.time.as_ref().and_then(|t| t.date.clone()));
            k.confidence.push(s.confidence as f64);
            k.rule.push(s.rule.clone());
            let c = &mut self.c;
            for issue in &s.issues {
                c.i_doc.push(doc_id);
                c.i_idx.push(i as i64);
                c.issue.push(issue.issue.clone());
                c.category.push(issue.category.clone());
                c.origin.push(issue.origin.clone());
                c.stance.push(issue.stance.clone());
                c.confidence.push(f64::from(issue.confidence));
                c.term.push(issue.term.text.clone());
                c.rule.push(issue.rule.clone());
            }
            for t in &s.targets {
                c.g_doc.push(doc_id);
                c.g_idx.push(i as i64);
                c.g_entity.push(t.entity.map(|e| e as i64));
                c.g_name.push(t.name.clone().unwrap_or_else(|| t.text.clone()));
                c.g_type.push(t.etype.clone());
            }
        }
    }

    /// Writes what was added: at most six statements, whatever the number of documents.
    fn write<C: GenericClient>(&self, c: &mut C, name: &str, st: &mut BatchState) -> TxResult<()> {
        let e = tx(name);
        if !self.e_doc.is_empty() {
            q_exec(
                c,
                st,
                "INSERT INTO entities (doc_id, idx, actor_id, name, type, titles, metonym_of)
                 SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[],
                                      $7::text[])",
                &[&self.e_doc, &self.e_idx, &self.e_actor, &self.e_name, &self.e_type, &self.e_titles, &self.e_metonym],
            )
            .map_err(&e)?;
        }
        if !self.m_doc.is_empty() {
            q_exec(
                c,
                st,
                "INSERT INTO mentions (doc_id, entity_idx, start, \"end\", text, kind)
                 SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::text[], $6::text[])",
                &[&self.m_doc, &self.m_entity, &self.m_start, &self.m_end, &self.m_text, &self.m_kind],
            )
            .map_err(&e)?;
        }
        if !self.t_doc.is_empty() {
            q_exec(
                c,
                st,
                "INSERT INTO terms (doc_id, start, \"end\", text, term, grp, kind, variant_of)
                 SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[],
                                      $7::text[], $8::text[])",
                &[
                    &self.t_doc,
                    &self.t_start,
                    &self.t_end,
                    &self.t_text,
                    &self.t_term,
                    &self.t_grp,
                    &self.t_kind,
                    &self.t_var,
                ],
            )
            .map_err(&e)?;
        }
        let k = &self.s;
        if k.doc_id.is_empty() {
            return Ok(());
        }
        q_exec(
            c,
            st,
            "INSERT INTO statements (doc_id, published, outlet, site, idx, kind, content, content_start, content_end, cue,
             cue_lemma, cue_start, cue_end, speaker_text, speaker_name, speaker_type, speaker_entity, speaker_actor,
             speaker_start, speaker_end, addressee_text, addressee_name, addressee_type, addressee_entity,
             addressee_actor, time_text, time_date, confidence, rule)
             SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[],
             $7::text[], $8::bigint[], $9::bigint[], $10::text[], $11::text[], $12::bigint[], $13::bigint[],
             $14::text[], $15::text[], $16::text[], $17::bigint[], $18::bigint[], $19::bigint[], $20::bigint[],
             $21::text[], $22::text[], $23::text[], $24::bigint[], $25::bigint[], $26::text[], $27::text[],
             $28::float8[], $29::text[])",
            &[
                &k.doc_id,
                &k.published,
                &k.outlet,
                &k.site,
                &k.idx,
                &k.kind,
                &k.content,
                &k.cstart,
                &k.cend,
                &k.cue,
                &k.lemma,
                &k.cue_start,
                &k.cue_end,
                &k.sp_text,
                &k.sp_name,
                &k.sp_type,
                &k.sp_entity,
                &k.sp_actor,
                &k.sp_start,
                &k.sp_end,
                &k.ad_text,
                &k.ad_name,
                &k.ad_type,
                &k.ad_entity,
                &k.ad_actor,
                &k.time_text,
                &k.time_date,
                &k.confidence,
                &k.rule,
            ],
        )
        .map_err(&e)?;
        // Codings by their statement's (document, index), in statement order.
        let g = &self.c;
        if !g.i_doc.is_empty() {
            q_exec(
                c,
                st,
                "INSERT INTO statement_issues (statement_id, issue, category, origin, stance, confidence, term, rule)
                 SELECT s.id, u.issue, u.category, u.origin, u.stance, u.confidence, u.term, u.rule
                 FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], $7::float8[],
                             $8::text[], $9::text[])
                      WITH ORDINALITY AS u(doc_id, idx, issue, category, origin, stance, confidence, term, rule, n)
                 JOIN statements s ON s.doc_id = u.doc_id AND s.idx = u.idx ORDER BY u.n",
                &[&g.i_doc, &g.i_idx, &g.issue, &g.category, &g.origin, &g.stance, &g.confidence, &g.term, &g.rule],
            )
            .map_err(&e)?;
        }
        if !g.g_doc.is_empty() {
            q_exec(
                c,
                st,
                "INSERT INTO statement_targets (statement_id, entity_idx, name, type)
                 SELECT s.id, u.entity_idx, u.name, u.type
                 FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::text[], $5::text[])
                      WITH ORDINALITY AS u(doc_id, idx, entity_idx, name, type, n)
                 JOIN statements s ON s.doc_id = u.doc_id AND s.idx = u.idx ORDER BY u.n",
                &[&g.g_doc, &g.g_idx, &g.g_entity, &g.g_name, &g.g_type],
            )
            .map_err(&e)?;
        }
        Ok(())
    }
}

/// The linkable entity keys of `docs` and a display name for each (the
/// first spelling met, in input order).
fn actor_keys<'a>(docs: impl IntoIterator<Item = &'a JsonDocument>) -> BTreeMap<(String, String), String> {
    let mut keys: BTreeMap<(String, String), String> = BTreeMap::new();
    for d in docs {
        for en in d.entities.iter().filter(|en| linkable(en)) {
            keys.entry((normalise_name(&en.name), en.etype.clone())).or_insert_with(|| en.name.trim().to_string());
        }
    }
    keys
}

/// Stores one document in the caller's transaction (the SQLite store's
/// `put_document`, statement for statement).
pub(crate) fn put_one<C: GenericClient>(
    c: &mut C,
    name: &str,
    doc: &JsonDocument,
    st: &mut BatchState,
    seen: &mut Seen<'_>,
) -> TxResult<Outcome> {
    let e = tx(name);
    let key = document_key(doc);
    let chash = content_hash(&doc.text);
    // Locks the row: a racing writer of the same key waits here, then sees it.
    let existing: Option<(i64, String)> =
        q_opt(c, st, "SELECT id, json_hash FROM documents WHERE doc_key = $1 FOR UPDATE", &[&key])
            .map_err(&e)?
            .map(|r| (r.get(0), r.get(1)));
    let linked;
    let mut doc = doc;
    if existing.is_none() && doc.duplicate_of.is_none() {
        let first = q_opt(
            c,
            st,
            "SELECT doc_key FROM documents WHERE content_hash = $1 AND doc_key <> $2 ORDER BY id LIMIT 1",
            &[&chash, &key],
        )
        .map_err(&e)?;
        if let Some(r) = first {
            let mut d = doc.clone();
            d.duplicate_of = Some(r.get(0));
            linked = d;
            doc = &linked;
        }
    }
    let row = DocumentRow::new(doc)?;
    match seen.get(&key) {
        Some(h) if *h != row.json_hash => return Ok(Outcome::Conflict),
        Some(_) => {}
        None => {
            seen.batch.insert(key.clone(), row.json_hash.clone());
        }
    }
    if let Some((_, old)) = &existing {
        if *old == row.json_hash {
            return Ok(Outcome::Unchanged);
        }
    }
    let (published, outlet, site) = (row.published.clone(), row.outlet.clone(), row.site.clone());
    let (doc_id, updated) = match existing {
        Some((id, _)) => {
            // The rows under the old statements first (no foreign keys
            // cascade: schema v8), then the document's own rows.
            for table in ["statement_text", "statement_issues", "statement_targets"] {
                let col = if table == "statement_text" { "id" } else { "statement_id" };
                q_exec(
                    c,
                    st,
                    &format!("DELETE FROM {table} WHERE {col} IN (SELECT id FROM statements WHERE doc_id = $1)"),
                    &[&id],
                )
                .map_err(&e)?;
            }
            for table in ["statements", "mentions", "entities", "terms"] {
                q_exec(c, st, &format!("DELETE FROM {table} WHERE doc_id = $1"), &[&id]).map_err(&e)?;
            }
            let now = now_iso();
            let n_statements = doc.statements.len() as i64;
            q_exec(
                c,
                st,
                &format!(
                    "UPDATE documents SET ({}) = ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
                     WHERE id = $17",
                    DocumentCols::COLUMNS
                ),
                &[
                    &key,
                    &chash,
                    &row.json_hash,
                    &doc.source,
                    &doc.meta.title,
                    &doc.meta.url,
                    &row.outlet,
                    &row.site,
                    &doc.meta.byline,
                    &row.published,
                    &row.headline,
                    &doc.text,
                    &doc.duplicate_of,
                    &n_statements,
                    &row.compressed,
                    &now,
                    &id,
                ],
            )
            .map_err(&e)?;
            (id, true)
        }
        None => {
            let mut cols = DocumentCols::default();
            cols.push(doc, row);
            (cols.insert(c, name, st)?[&key], false)
        }
    };
    // Entities → actors (keys resolved together, in sorted order).
    resolve_actors(c, name, st, &actor_keys([doc]))?;
    let mut rows = ChildRows::default();
    rows.add(doc_id, doc, &published, &outlet, &site, st);
    rows.write(c, name, st)?;
    Ok(if updated { Outcome::Updated } else { Outcome::Inserted })
}

/// Inserts the aliases gathered by the transaction, in sorted order.
pub(crate) fn flush_aliases<C: GenericClient>(c: &mut C, name: &str, st: &mut BatchState) -> TxResult<()> {
    if st.aliases.is_empty() {
        return Ok(());
    }
    let (ids, names): (Vec<i64>, Vec<String>) = std::mem::take(&mut st.aliases).into_iter().unzip();
    q_exec(
        c,
        st,
        "INSERT INTO actor_aliases (actor_id, alias) SELECT * FROM unnest($1::bigint[], $2::text[])
         ON CONFLICT DO NOTHING",
        &[&ids, &names],
    )
    .map_err(tx(name))?;
    Ok(())
}

/// Takes the re-link lock ([`crate::RELINK_LOCK`]) shared for the caller's
/// batch transaction, before anything else it locks: a re-link (which
/// holds it exclusive, and only then locks its tables) waits for the
/// batches writing and they for it. With no foreign keys (schema v8) this
/// is what keeps an actor id a batch resolved from being deleted by a
/// re-link before the batch commits; and both sides taking this lock
/// first, no batch and re-link wait for each other's table locks in
/// opposite orders (a deadlock).
pub(crate) fn hold_writer_lock<C: GenericClient>(c: &mut C, name: &str) -> TxResult<()> {
    c.execute("SELECT pg_advisory_xact_lock_shared($1)", &[&crate::RELINK_LOCK]).map_err(tx(name))?;
    Ok(())
}

/// Stores a batch in the caller's transaction: actor keys of the whole batch
/// first, in sorted order (so racing batches take them in one order), then
/// the documents, with the outcomes and rows the SQLite store gives putting
/// them one by one in input order.
///
/// A batch of new (or unchanged) documents under distinct keys, the usual
/// case, takes a fixed number of round trips: one look-up of its keys (rows
/// locked, in key order), one of its content hashes (duplicate marks: the
/// first stored copy, else the first earlier in the batch), one INSERT per
/// table. A batch that updates a stored document or repeats a key takes the
/// document-by-document path ([`put_one`]), whose order those outcomes
/// depend on, and so does one that repeats a key of `seen` (put earlier by
/// the same writer). The batch's keys are added to `seen.batch`.
pub(crate) fn put_batch<C: GenericClient>(
    c: &mut C,
    name: &str,
    docs: &[JsonDocument],
    st: &mut BatchState,
    seen: &mut Seen<'_>,
) -> TxResult<BatchReport> {
    st.reset();
    resolve_actors(c, name, st, &actor_keys(docs))?;
    let mut report = BatchReport { outcomes: Vec::with_capacity(docs.len()), counts: Pending::default() };
    let outcomes = match put_new(c, name, docs, st, seen)? {
        Some(o) => o,
        None => {
            let mut outcomes = Vec::with_capacity(docs.len());
            for d in docs {
                outcomes.push(put_one(c, name, d, st, seen)?);
            }
            outcomes
        }
    };
    for (d, o) in docs.iter().zip(outcomes) {
        crate::count(&mut report.counts, o, d);
        report.outcomes.push(o);
    }
    flush_aliases(c, name, st)?;
    Ok(report)
}

/// The whole-batch path of [`put_batch`]; `None` (nothing written) when the
/// batch repeats a key (its own or one in `seen`) or changes a stored document.
fn put_new<C: GenericClient>(
    c: &mut C,
    name: &str,
    docs: &[JsonDocument],
    st: &mut BatchState,
    seen: &mut Seen<'_>,
) -> TxResult<Option<Vec<Outcome>>> {
    let e = tx(name);
    let keys: Vec<String> = docs.iter().map(document_key).collect();
    if keys.iter().collect::<BTreeSet<_>>().len() != keys.len() || keys.iter().any(|k| seen.contains(k)) {
        return Ok(None);
    }
    // Locks the stored rows (in key order, so racing batches wait rather than deadlock).
    let stored: HashMap<String, String> = q_all(
        c,
        st,
        "SELECT doc_key, json_hash FROM documents WHERE doc_key = ANY($1) ORDER BY doc_key FOR UPDATE",
        &[&keys],
    )
    .map_err(&e)?
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect();
    // Each new document's content hash, computed once.
    let chashes: Vec<Option<String>> =
        docs.iter().zip(&keys).map(|(d, k)| (!stored.contains_key(k)).then(|| content_hash(&d.text))).collect();
    let hashes: Vec<String> = docs
        .iter()
        .zip(&chashes)
        .filter_map(|(d, h)| h.as_ref().filter(|_| d.duplicate_of.is_none()).cloned())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    // The first stored copy of each content (the batch's keys are not stored,
    // so none is the document itself).
    let mut first: HashMap<String, String> = if hashes.is_empty() {
        HashMap::new()
    } else {
        q_all(
            c,
            st,
            "SELECT DISTINCT ON (content_hash) content_hash, doc_key FROM documents
             WHERE content_hash = ANY($1) ORDER BY content_hash, id",
            &[&hashes],
        )
        .map_err(&e)?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
    };
    let mut outcomes = Vec::with_capacity(docs.len());
    let mut json_hashes = Vec::with_capacity(docs.len());
    let mut cols = DocumentCols::default();
    let mut new: Vec<(usize, std::borrow::Cow<'_, JsonDocument>, [Option<String>; 3])> = Vec::new();
    for (i, (doc, key)) in docs.iter().zip(&keys).enumerate() {
        if let Some(old) = stored.get(key) {
            if DocumentRow::new(doc)?.json_hash != *old {
                return Ok(None);
            }
            json_hashes.push(old.clone());
            outcomes.push(Outcome::Unchanged);
            continue;
        }
        let chash = chashes[i].clone().expect("hashed: not stored");
        let doc = match (&doc.duplicate_of, first.get(&chash)) {
            (None, Some(f)) => {
                let mut d = doc.clone();
                d.duplicate_of = Some(f.clone());
                std::borrow::Cow::Owned(d)
            }
            _ => std::borrow::Cow::Borrowed(doc),
        };
        // Later copies in this batch are duplicates of this one (stored first).
        first.entry(chash).or_insert_with(|| key.clone());
        let row = DocumentRow::new(&doc)?;
        json_hashes.push(row.json_hash.clone());
        let derived = [row.published.clone(), row.outlet.clone(), row.site.clone()];
        cols.push(&doc, row);
        new.push((i, doc, derived));
        outcomes.push(Outcome::Inserted);
    }
    let ids = cols.insert(c, name, st)?;
    let mut rows = ChildRows::default();
    for (i, doc, [published, outlet, site]) in &new {
        rows.add(ids[&keys[*i]], doc, published, outlet, site, st);
    }
    rows.write(c, name, st)?;
    seen.batch.extend(keys.into_iter().zip(json_hashes));
    Ok(Some(outcomes))
}

/// Recomputes actors over the whole database with the store's link plan
/// ([`whosaid_store::link::plan`]) and applies it (the SQLite `relink`'s
/// writes, in PostgreSQL).
pub(crate) fn relink<C: GenericClient>(c: &mut C, name: &str, lex: &Lexicon) -> TxResult<()> {
    let e = tx(name);
    c.batch_execute(
        "LOCK TABLE documents, entities, statements, actors, actor_aliases, actor_links, actor_overrides
         IN SHARE ROW EXCLUSIVE MODE",
    )
    .map_err(&e)?;
    // The spellings the plan counts, read as (name, type, entities) groups:
    // a few hundred rows however many entities are linked (one row per
    // linked entity before, every one decoded by this client).
    let mut spellings: BTreeMap<(String, String), BTreeMap<String, usize>> = BTreeMap::new();
    // Each distinct (name as stored, type) of a linked entity, and its key.
    let mut groups: Vec<(String, String, (String, String))> = Vec::new();
    for r in c
        .query("SELECT name, type, count(*) FROM entities WHERE actor_id IS NOT NULL GROUP BY name, type", &[])
        .map_err(&e)?
    {
        let (name_, etype, n): (String, String, i64) = (r.get(0), r.get(1), r.get(2));
        let key = (normalise_name(&name_), etype.clone());
        *spellings.entry(key.clone()).or_default().entry(name_.trim().to_string()).or_default() += n as usize;
        groups.push((name_, etype, key));
    }
    let (mut merges, mut splits) = (Vec::new(), Vec::new());
    for r in c.query("SELECT kind, a, b FROM actor_overrides ORDER BY id", &[]).map_err(&e)? {
        let pair = (r.get::<_, String>(1), r.get::<_, String>(2));
        if r.get::<_, String>(0) == "merge" {
            merges.push(pair);
        } else {
            splits.push(pair);
        }
    }
    let plan = whosaid_store::link::plan(&spellings, &merges, &splits, lex);
    // Every canonical actor, created or renamed in one statement.
    let canonical: Vec<usize> = plan.canonical.iter().copied().collect::<BTreeSet<_>>().into_iter().collect();
    let (mut norms, mut types, mut names) = (Vec::new(), Vec::new(), Vec::new());
    for &ci in &canonical {
        let k = &plan.keys[ci];
        norms.push(k.norm.clone());
        types.push(k.etype.clone());
        names.push(k.display.clone());
    }
    let ids: HashMap<(String, String), i64> = c
        .query(
            "INSERT INTO actors (norm, type, name) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
             ON CONFLICT (norm, type) DO UPDATE SET name = EXCLUDED.name RETURNING norm, type, id",
            &[&norms, &types, &names],
        )
        .map_err(&e)?
        .iter()
        .map(|r| ((r.get(0), r.get(1)), r.get(2)))
        .collect();
    let mut actor_of_key: BTreeMap<usize, i64> = BTreeMap::new();
    for &ci in &canonical {
        let k = &plan.keys[ci];
        actor_of_key.insert(ci, ids[&(k.norm.clone(), k.etype.clone())]);
    }
    // Only the entities whose actor changes (moved by their name and type,
    // returned by the update), and the statements whose speaker or
    // addressee they are: every other statement's actor is its entity's
    // already (a batch writes both from one look-up, and every re-link moves
    // both together), so this is the whole-table update (`SET speaker_actor
    // = e.actor_id … IS DISTINCT FROM`) without reading every statement and entity.
    let (mut m_names, mut m_types, mut m_actors) = (Vec::new(), Vec::new(), Vec::new());
    for (name_, etype, key) in &groups {
        m_names.push(name_.clone());
        m_types.push(etype.clone());
        m_actors.push(actor_of_key[&plan.canonical[plan.index[key]]]);
    }
    let (mut docs, mut idxs, mut actors) = (Vec::new(), Vec::new(), Vec::new());
    if !m_names.is_empty() {
        for r in c
            .query(
                "UPDATE entities e SET actor_id = m.actor
                 FROM unnest($1::text[], $2::text[], $3::bigint[]) AS m(name, type, actor)
                 WHERE e.name = m.name AND e.type = m.type AND e.actor_id IS NOT NULL
                   AND e.actor_id IS DISTINCT FROM m.actor
                 RETURNING e.doc_id, e.idx, e.actor_id",
                &[&m_names, &m_types, &m_actors],
            )
            .map_err(&e)?
        {
            docs.push(r.get::<_, i64>(0));
            idxs.push(r.get::<_, i64>(1));
            actors.push(r.get::<_, i64>(2));
        }
    }
    if !docs.is_empty() {
        for sql in [
            "UPDATE statements s SET speaker_actor = m.actor
             FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS m(doc, idx, actor)
             WHERE s.doc_id = m.doc AND s.speaker_entity = m.idx AND s.speaker_actor IS DISTINCT FROM m.actor",
            "UPDATE statements s SET addressee_actor = m.actor
             FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS m(doc, idx, actor)
             WHERE s.doc_id = m.doc AND s.addressee_entity = m.idx AND s.addressee_actor IS DISTINCT FROM m.actor",
        ] {
            c.execute(sql, &[&docs, &idxs, &actors]).map_err(&e)?;
        }
    }
    // Every name mention joined to its entity: a hash join, whatever the
    // statistics say (right after a bulk load, before autovacuum has
    // analysed the tables, the planner takes the tables for a few rows and
    // probes the entities' index once per mention, two to three times
    // slower; SET LOCAL ends with the transaction at the latest).
    c.batch_execute(
        "DELETE FROM actor_aliases;
         INSERT INTO actor_aliases (actor_id, alias)
             SELECT DISTINCT actor_id, trim(name) FROM entities WHERE actor_id IS NOT NULL
             ON CONFLICT DO NOTHING;
         SET LOCAL enable_nestloop = off;
         INSERT INTO actor_aliases (actor_id, alias)
             SELECT DISTINCT e.actor_id, trim(m.text) FROM mentions m
             JOIN entities e ON e.doc_id = m.doc_id AND e.idx = m.entity_idx
             WHERE m.kind = 'name' AND e.actor_id IS NOT NULL AND length(m.text) <= 200
             ON CONFLICT DO NOTHING;
         SET LOCAL enable_nestloop = DEFAULT;
         DELETE FROM actor_links;",
    )
    .map_err(&e)?;
    if !plan.links.is_empty() {
        let (mut norms, mut types, mut ids, mut rules, mut evidence) = (vec![], vec![], vec![], vec![], vec![]);
        for (i, rule, ev) in &plan.links {
            let k = &plan.keys[*i];
            norms.push(k.norm.clone());
            types.push(k.etype.clone());
            ids.push(actor_of_key[&plan.canonical[*i]]);
            rules.push(rule.clone());
            evidence.push(ev.clone());
        }
        c.execute(
            "INSERT INTO actor_links (norm, type, actor_id, rule, evidence)
             SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[])",
            &[&norms, &types, &ids, &rules, &evidence],
        )
        .map_err(&e)?;
    }
    c.batch_execute(
        "DELETE FROM actors a WHERE NOT EXISTS (SELECT 1 FROM entities e WHERE e.actor_id = a.id)
           AND NOT EXISTS (SELECT 1 FROM actor_links l WHERE l.actor_id = a.id)",
    )
    .map_err(&e)?;
    Ok(())
}

/// Commits, before a queue batch's own transaction, the batch's new actor
/// keys and speaker names (each in sorted order, `ON CONFLICT DO NOTHING`),
/// the unique keys every batch of related articles shares: a key inserted
/// by a transaction not yet committed makes any other writer of it wait
/// for that whole transaction, so two workers whose batches name the same
/// new people would otherwise take turns, each waiting for the other's
/// batch. Only while the batch's claim is held (a late worker whose claim
/// was taken over adds nothing; the claimed rows are locked `FOR KEY SHARE`
/// so none is taken over meanwhile, and the re-link lock is held shared so
/// a closing re-link runs after it); a key whose earlier re-link points it
/// elsewhere (`actor_links`) gets no actor. An actor added here and then
/// not linked — the batch failed, or its claim was taken over in between —
/// has no entity and no link: the next re-link deletes it (a speaker name
/// no statement has matches nothing, as a stale one does). The batch's
/// transaction still resolves and inserts its keys itself, so this only
/// saves waiting, never decides anything.
pub(crate) fn precommit_shared_keys(
    c: &mut postgres::Client,
    name: &str,
    docs: &[JsonDocument],
    claim: i64,
    items: &[i64],
) -> whosaid_store::Result<()> {
    let keys = actor_keys(docs);
    let (mut norms, mut types, mut displays) = (Vec::new(), Vec::new(), Vec::new());
    for ((norm, etype), display) in keys {
        norms.push(norm);
        types.push(etype);
        displays.push(display);
    }
    let speakers: Vec<String> = docs
        .iter()
        .flat_map(|d| &d.statements)
        .filter_map(|s| s.speaker.as_ref())
        .flat_map(|a| [Some(a.text.clone()), a.name.clone()])
        .flatten()
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if norms.is_empty() && speakers.is_empty() {
        return Ok(());
    }
    let run = |c: &mut postgres::Client| -> Result<(), postgres::Error> {
        let mut t = c.transaction()?;
        // Shared re-link lock first: a closing re-link then runs after this
        // commits and removes what it leaves unlinked; the claimed rows locked
        // so that no worker takes them over while the keys go in.
        t.execute("SELECT pg_advisory_xact_lock_shared($1)", &[&crate::RELINK_LOCK])?;
        let held: i64 = t
            .query_one(
                "SELECT count(*) FROM (SELECT 1 FROM work_items
                  WHERE id = ANY($1) AND state = 'claimed' AND claim = $2 FOR KEY SHARE) AS h",
                &[&items, &claim],
            )?
            .get(0);
        if held == 0 {
            return Ok(());
        }
        if !norms.is_empty() {
            t.execute(
                "INSERT INTO actors (norm, type, name)
                 SELECT k.norm, k.type, k.name FROM unnest($1::text[], $2::text[], $3::text[]) AS k(norm, type, name)
                 WHERE NOT EXISTS (SELECT 1 FROM actors a WHERE a.norm = k.norm AND a.type = k.type)
                   AND NOT EXISTS (SELECT 1 FROM actor_links l WHERE l.norm = k.norm AND l.type = k.type)
                 ORDER BY 1, 2
                 ON CONFLICT (norm, type) DO NOTHING",
                &[&norms, &types, &displays],
            )?;
        }
        if !speakers.is_empty() {
            t.execute(
                "INSERT INTO speaker_names (name) SELECT * FROM unnest($1::text[]) ORDER BY 1 ON CONFLICT DO NOTHING",
                &[&speakers],
            )?;
        }
        t.commit()
    };
    match run(c) {
        Ok(()) => Ok(()),
        // This step only saves waiting: whatever failed (a racing writer, a
        // timeout), the batch's own transaction resolves the keys anyway —
        // unless the connection is gone.
        Err(_) if !c.is_closed() => Ok(()),
        Err(e) => Err(crate::db_err(name, e)),
    }
}
