//! Reading the store on PostgreSQL: the SQLite store's queries (query.rs)
//! with the same filters, validation and result types. Full text goes
//! through [`crate::tsquery::ts_query`] and the GIN-indexed `tsv` columns;
//! text order is by code point (`COLLATE "C"`, as SQLite's) and NULL dates
//! sort as SQLite sorts them (first ascending, last descending).

use postgres::types::ToSql;
use postgres::Row;
use whosaid_document::output::JsonDocument;
use whosaid_store::{
    actors_sql, backend::DocumentRow, given, like_contains, outlet_and_date_conditions, search_total, sql_count,
    where_clause, ActorLink, ActorProfile, ActorSummary, ActorsQuery, Columns, DocumentPage, DocumentSummary,
    DocumentView, DocumentsQuery, FilterArg, FilterDialect, FilterError, FromColumns, MonthStatements, NameStatements,
    OutletDocuments, OutletStatements, Result, Scope, SearchQuery, SearchResults, Sort, StatementHit, Variant,
    HIT_COLUMNS, SUMMARY_COLUMNS,
};

use crate::{db_err, tsquery::ts_query, PgStore};

type Arg = Box<dyn ToSql + Sync>;

fn refs(args: &[Arg]) -> Vec<&(dyn ToSql + Sync)> {
    args.iter().map(|a| a.as_ref() as &(dyn ToSql + Sync)).collect()
}

/// PostgreSQL's side of the shared filter: `$N` placeholders, `lower()`.
struct PgDialect<'a>(&'a mut Vec<Arg>);

impl FilterDialect for PgDialect<'_> {
    fn bind(&mut self, arg: FilterArg) -> String {
        self.0.push(match arg {
            FilterArg::Text(t) => Box::new(t),
            FilterArg::Int(i) => Box::new(i as i32),
        });
        format!("${}", self.0.len())
    }
    fn eq_nocase(&self, column: &str, p: &str) -> String {
        format!("lower({column}) = lower({p})")
    }
    fn code_point(&self, column: &str) -> String {
        format!("{column} COLLATE \"C\"")
    }
    // `= ANY (ARRAY(…))` rather than `IN (…)`: the planner can then use the
    // statement indexes on the actor with the aliases found first.
    fn alias_like(&self, column: &str, p: &str) -> String {
        format!("{column} = ANY (ARRAY(SELECT actor_id FROM actor_aliases WHERE alias ILIKE {p} ESCAPE '\\'))")
    }
}

/// A PostgreSQL row as the store's [`Columns`], so the result types are
/// decoded by the same code as SQLite's. A column of another type panics,
/// as `Row::get` does (the queries and the schema are fixed together).
struct PgColumns<'a>(&'a Row);

impl Columns for PgColumns<'_> {
    type Error = std::convert::Infallible;
    fn int(&self, i: usize) -> std::result::Result<i64, Self::Error> {
        Ok(self.0.get(i))
    }
    fn opt_int(&self, i: usize) -> std::result::Result<Option<i64>, Self::Error> {
        Ok(self.0.get(i))
    }
    fn real(&self, i: usize) -> std::result::Result<f64, Self::Error> {
        Ok(self.0.get(i))
    }
    fn text(&self, i: usize) -> std::result::Result<String, Self::Error> {
        Ok(self.0.get(i))
    }
    fn opt_text(&self, i: usize) -> std::result::Result<Option<String>, Self::Error> {
        Ok(self.0.get(i))
    }
}

/// Decodes a row into one of the store's result types.
fn decode<T: FromColumns>(r: &Row) -> T {
    match T::from_columns(&PgColumns(r)) {
        Ok(v) => v,
        Err(never) => match never {},
    }
}

pub(crate) fn search(store: &mut PgStore, q: &SearchQuery) -> Result<SearchResults> {
    q.validate()?;
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    let text = given(&q.text);
    let tsq = match text {
        Some(t) => Some(ts_query(t).ok_or_else(|| FilterError::NoSearchWords(t.to_string()))?),
        None => None,
    };
    // A statement text search filtered at most by dates and kinds (the web
    // app's common case) finds and ranks its matches in `statement_text`
    // (schema v5), a third of a statements row wide: ranking reads every
    // match's tsvector, and there it costs far fewer pages. Any other filter
    // has its indexes on statements, so such a search stays there.
    let narrow = tsq.is_some()
        && q.scope == Scope::Statements
        && given(&q.speaker).is_none()
        && given(&q.outlet).is_none()
        && q.actor.is_none()
        && q.doc.is_none();
    let (from, a) = if narrow { ("statement_text n", "n") } else { ("statements s", "s") };
    let mut rank = None;
    if let Some(f) = tsq {
        args.push(Box::new(f));
        let n = args.len();
        match q.scope {
            Scope::Statements => {
                conds.push(format!("{a}.tsv @@ to_tsquery('simple', ${n})"));
                rank = Some(n);
            }
            Scope::Articles => {
                conds.push(format!("s.doc_id IN (SELECT id FROM documents WHERE tsv @@ to_tsquery('simple', ${n}))"))
            }
        }
    }
    if let Some(sp) = given(&q.speaker) {
        args.push(Box::new(like_contains(sp)));
        let n = args.len();
        conds.push(format!(
            // The substring is matched against the few distinct names
            // (`speaker_names`, schema v5), not every statement: a speaker
            // name or text ILIKE it exactly when it is one of those names.
            // `= ANY (ARRAY(…))` rather than `IN (…)`: the planner can then OR
            // three bitmap index scans, each with the date range.
            "(s.speaker_name = ANY (ARRAY(SELECT name FROM speaker_names WHERE name ILIKE ${n} ESCAPE '\\')) \
             OR s.speaker_text = ANY (ARRAY(SELECT name FROM speaker_names WHERE name ILIKE ${n} ESCAPE '\\')) \
             OR s.speaker_actor = ANY (ARRAY(SELECT actor_id FROM actor_aliases WHERE alias ILIKE ${n} ESCAPE '\\')))"
        ));
    }
    if let Some(id) = q.actor {
        args.push(Box::new(id));
        conds.push(format!("s.speaker_actor = ${}", args.len()));
    }
    if let Some(d) = q.doc {
        args.push(Box::new(d));
        conds.push(format!("s.doc_id = ${}", args.len()));
    }
    outlet_and_date_conditions(a, &q.outlet, &q.since, &q.until, &mut PgDialect(&mut args), &mut conds);
    if !q.kinds.is_empty() {
        args.push(Box::new(q.kinds.clone()));
        conds.push(format!("{a}.kind = ANY(${})", args.len()));
    }
    let where_ = where_clause(&conds);
    // Dates compare and sort by code point (SQLite's order), so the v5
    // indexes on `published COLLATE "C"` serve the ORDER BY … LIMIT of a
    // search without a text query (and of a text query the planner finds
    // cheaper to walk in date order than to rank).
    let order = |t: &str| match (q.sort, rank) {
        (Sort::Relevance, Some(n)) => format!(
            "ts_rank({t}.tsv, to_tsquery('simple', ${n})) DESC, {t}.published COLLATE \"C\" DESC NULLS LAST, {t}.id"
        ),
        (Sort::Relevance | Sort::Newest, _) => {
            format!("{t}.published COLLATE \"C\" DESC NULLS LAST, {t}.doc_id DESC, {t}.idx")
        }
        (Sort::Oldest, _) => format!("{t}.published COLLATE \"C\" ASC NULLS FIRST, {t}.doc_id, {t}.idx"),
    };
    // The page first (only its rows are joined to their documents), then
    // the total: none needed when the page is short, else a count that
    // stops at the cap (`search_total`), never a pass over every match.
    args.push(Box::new(sql_count(q.limit)));
    let lim = args.len();
    args.push(Box::new(sql_count(q.offset)));
    let off = args.len();
    let sql = format!(
        "SELECT {HIT_COLUMNS} FROM (SELECT {a}.id FROM {from}{where_} ORDER BY {} LIMIT ${lim} OFFSET ${off}) t \
         JOIN statements s ON s.id = t.id JOIN documents d ON d.id = s.doc_id ORDER BY {}",
        order(a),
        order("s")
    );
    let name = store.name.clone();
    let st = store.prepared(&sql)?;
    let rows = store.client.query(&st, &refs(&args)).map_err(|e| db_err(&name, e))?;
    args.truncate(lim - 1);
    let (total, total_capped) = search_total(q.offset, q.limit, rows.len(), |n| {
        args.push(Box::new(n));
        let st =
            store.prepared(&format!("SELECT count(*) FROM (SELECT 1 FROM {from}{where_} LIMIT ${}) c", args.len()))?;
        store.client.query_one(&st, &refs(&args)).map(|r| r.get(0)).map_err(|e| db_err(&name, e))
    })?;
    Ok(SearchResults {
        total,
        total_capped,
        limit: q.limit,
        offset: q.offset,
        results: rows.iter().map(decode::<StatementHit>).collect(),
    })
}

pub(crate) fn actors(store: &mut PgStore, q: &ActorsQuery) -> Result<Vec<ActorSummary>> {
    q.validate()?;
    let mut args: Vec<Arg> = Vec::new();
    let sql = actors_sql(q, &mut PgDialect(&mut args));
    let name = store.name.clone();
    let rows = store.client.query(&sql, &refs(&args)).map_err(|e| db_err(&name, e))?;
    Ok(rows.iter().map(decode::<ActorSummary>).collect())
}

pub(crate) fn find_document(store: &mut PgStore, key: &str) -> Result<Option<i64>> {
    let name = store.name.clone();
    let e = |e| db_err(&name, e);
    let c = &mut store.client;
    if let Some(r) = c.query_opt("SELECT id FROM documents WHERE doc_key = $1", &[&key]).map_err(e)? {
        return Ok(Some(r.get(0)));
    }
    if let Ok(id) = key.parse::<i64>() {
        if let Some(r) = c.query_opt("SELECT id FROM documents WHERE id = $1", &[&id]).map_err(e)? {
            return Ok(Some(r.get(0)));
        }
    }
    let n = key.trim_start_matches("./");
    let suffix = format!("%{}", like_contains(n).trim_start_matches('%'));
    let rows = c
        .query(
            "SELECT id, doc_key FROM documents WHERE doc_key LIKE $1 ESCAPE '\\' OR source LIKE $1 ESCAPE '\\' LIMIT 2",
            &[&suffix],
        )
        .map_err(e)?;
    if rows.len() == 1 {
        let k: String = rows[0].get(1);
        if k == n || k.ends_with(&format!("/{n}")) {
            return Ok(Some(rows[0].get(0)));
        }
    }
    Ok(None)
}

pub(crate) fn document_summary(store: &mut PgStore, id: i64) -> Result<Option<DocumentSummary>> {
    let name = store.name.clone();
    let r = store
        .client
        .query_opt(&format!("SELECT {SUMMARY_COLUMNS} FROM documents d WHERE d.id = $1"), &[&id])
        .map_err(|e| db_err(&name, e))?;
    Ok(r.as_ref().map(decode::<DocumentSummary>))
}

pub(crate) fn load_json(store: &mut PgStore, id: i64) -> Result<Option<JsonDocument>> {
    let name = store.name.clone();
    let r = store.client.query_opt("SELECT json FROM documents WHERE id = $1", &[&id]).map_err(|e| db_err(&name, e))?;
    let Some(r) = r else { return Ok(None) };
    let blob: Vec<u8> = r.get(0);
    DocumentRow::decode(id, &blob).map(Some)
}

/// Documents read per round trip by [`for_each_document`].
const EXPORT_PAGE: i64 = 500;

/// The SQLite store's `for_each_document`: every document in ingest (id)
/// order with its stored outlet and its entities' actors, read a page of
/// documents and their actors at a time (memory bounded by the page, not
/// the database).
pub(crate) fn for_each_document(
    store: &mut PgStore,
    f: &mut dyn FnMut(JsonDocument, &[Option<whosaid_store::export::StoredActor>]),
) -> Result<()> {
    let name = store.name.clone();
    let e = |e| db_err(&name, e);
    let mut after = i64::MIN;
    loop {
        let docs = store
            .client
            .query("SELECT id, outlet, json FROM documents WHERE id > $1 ORDER BY id LIMIT $2", &[&after, &EXPORT_PAGE])
            .map_err(e)?;
        let Some(last) = docs.last() else { return Ok(()) };
        after = last.get(0);
        let ids: Vec<i64> = docs.iter().map(|r| r.get(0)).collect();
        let mut actors: std::collections::HashMap<i64, Vec<(i64, i64, String, String)>> = Default::default();
        for r in store
            .client
            .query(
                "SELECT e.doc_id, e.idx, a.id, a.name, a.type FROM entities e JOIN actors a ON a.id = e.actor_id
                 WHERE e.doc_id = ANY($1)",
                &[&ids],
            )
            .map_err(e)?
        {
            actors.entry(r.get(0)).or_default().push((r.get(1), r.get(2), r.get(3), r.get(4)));
        }
        for r in docs {
            let id: i64 = r.get(0);
            let mut doc = DocumentRow::decode(id, r.get::<_, &[u8]>(2))?;
            if let Some(outlet) = r.get::<_, Option<String>>(1) {
                doc.meta.outlet = Some(outlet);
            }
            let mut of_entity = vec![None; doc.entities.len()];
            for (idx, actor, name, etype) in actors.remove(&id).unwrap_or_default() {
                if let Some(slot) = usize::try_from(idx).ok().and_then(|i| of_entity.get_mut(i)) {
                    *slot = Some((actor, name, etype));
                }
            }
            f(doc, &of_entity);
        }
    }
}

pub(crate) fn counts(store: &mut PgStore) -> Result<(i64, i64, i64)> {
    let name = store.name.clone();
    let r = store
        .client
        .query_one(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM statements), (SELECT count(*) FROM actors)",
            &[],
        )
        .map_err(|e| db_err(&name, e))?;
    Ok((r.get(0), r.get(1), r.get(2)))
}

pub(crate) fn actor_links(store: &mut PgStore) -> Result<Vec<ActorLink>> {
    let name = store.name.clone();
    let rows = store
        .client
        .query(
            "SELECT l.norm, l.type, a.name, l.rule, l.evidence FROM actor_links l JOIN actors a ON a.id = l.actor_id
             ORDER BY a.name COLLATE \"C\", l.norm COLLATE \"C\"",
            &[],
        )
        .map_err(|e| db_err(&name, e))?;
    Ok(rows.iter().map(|r| (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4))).collect())
}

pub(crate) fn documents(store: &mut PgStore, q: &DocumentsQuery) -> Result<DocumentPage> {
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    let mut rank = None;
    if let Some(t) = q.text_filter()? {
        let f = ts_query(t).ok_or_else(|| FilterError::NoSearchWords(t.to_string()))?;
        args.push(Box::new(f));
        let n = args.len();
        conds.push(format!("d.tsv @@ to_tsquery('simple', ${n})"));
        rank = Some(format!(
            "ts_rank(d.tsv, to_tsquery('simple', ${n})) DESC, d.published COLLATE \"C\" DESC NULLS LAST, d.id DESC"
        ));
    }
    whosaid_store::check_date_bounds(&q.since, &q.until)?;
    outlet_and_date_conditions("d", &q.outlet, &q.since, &q.until, &mut PgDialect(&mut args), &mut conds);
    let where_ = where_clause(&conds);
    let name = store.name.clone();
    let e = |e| db_err(&name, e);
    let total: i64 =
        store.client.query_one(&format!("SELECT count(*) FROM documents d{where_}"), &refs(&args)).map_err(e)?.get(0);
    let order = rank.unwrap_or_else(|| "d.published COLLATE \"C\" DESC NULLS LAST, d.id DESC".to_string());
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM documents d{where_}
         ORDER BY {order} LIMIT {} OFFSET {}",
        sql_count(q.limit),
        sql_count(q.offset)
    );
    let rows = store.client.query(&sql, &refs(&args)).map_err(e)?;
    Ok(DocumentPage {
        total,
        limit: q.limit,
        offset: q.offset,
        results: rows.iter().map(decode::<DocumentSummary>).collect(),
    })
}

pub(crate) fn document_view(store: &mut PgStore, id: i64) -> Result<Option<DocumentView>> {
    let Some(summary) = document_summary(store, id)? else { return Ok(None) };
    let Some(doc) = load_json(store, id)? else { return Ok(None) };
    let name = store.name.clone();
    let rows = store
        .client
        .query("SELECT idx, actor_id FROM entities WHERE doc_id = $1", &[&id])
        .map_err(|e| db_err(&name, e))?;
    let actors: Vec<(i64, Option<i64>)> = rows.iter().map(|r| (r.get(0), r.get(1))).collect();
    Ok(Some(DocumentView::new(summary, doc, &actors)))
}

pub(crate) fn actor_profile(store: &mut PgStore, id: i64, limit: usize, offset: usize) -> Result<Option<ActorProfile>> {
    let name = store.name.clone();
    let e = |e| db_err(&name, e);
    let c = &mut store.client;
    let Some(actor) = c.query_opt("SELECT name, type FROM actors WHERE id = $1", &[&id]).map_err(e)? else {
        return Ok(None);
    };
    let aliases: Vec<String> = c
        .query("SELECT alias FROM actor_aliases WHERE actor_id = $1 ORDER BY alias COLLATE \"C\"", &[&id])
        .map_err(e)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    let spellings = c
        .query(
            "SELECT e.name, d.id, coalesce(d.title, d.doc_key), coalesce(d.outlet, '')
             FROM entities e JOIN documents d ON d.id = e.doc_id
             WHERE e.actor_id = $1 ORDER BY e.name COLLATE \"C\", d.id LIMIT 2000",
            &[&id],
        )
        .map_err(e)?
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    let totals = c
        .query_one(
            "SELECT count(*), count(DISTINCT doc_id), min(published COLLATE \"C\"), max(published COLLATE \"C\")
             FROM statements WHERE speaker_actor = $1",
            &[&id],
        )
        .map_err(e)?;
    let mentioned_in: i64 =
        c.query_one("SELECT count(DISTINCT doc_id) FROM entities WHERE actor_id = $1", &[&id]).map_err(e)?.get(0);
    let by_outlet = c
        .query(
            "SELECT coalesce(outlet, '') AS o, count(*) AS n FROM statements WHERE speaker_actor = $1
             GROUP BY 1 ORDER BY n DESC, coalesce(outlet, '') COLLATE \"C\" LIMIT 50",
            &[&id],
        )
        .map_err(e)?
        .iter()
        .map(|r| OutletStatements { outlet: r.get(0), statements: r.get(1) })
        .collect();
    let by_month = c
        .query(
            "SELECT coalesce(substr(published, 1, 7), '') AS m, coalesce(outlet, '') AS o, count(*) AS n FROM statements
             WHERE speaker_actor = $1 GROUP BY 1, 2 ORDER BY coalesce(substr(published, 1, 7), '') COLLATE \"C\", n DESC,
             coalesce(outlet, '') COLLATE \"C\" LIMIT 2000",
            &[&id],
        )
        .map_err(e)?
        .iter()
        .map(|r| MonthStatements { month: r.get(0), outlet: r.get(1), statements: r.get(2) })
        .collect();
    let addressees = c
        .query(
            "SELECT addressee_name, count(*) AS n FROM statements WHERE speaker_actor = $1 AND addressee_name
             IS NOT NULL GROUP BY 1 ORDER BY n DESC, addressee_name COLLATE \"C\" LIMIT 20",
            &[&id],
        )
        .map_err(e)?
        .iter()
        .map(|r| NameStatements { name: r.get(0), statements: r.get(1) })
        .collect();
    let page =
        search(store, &SearchQuery { actor: Some(id), sort: Sort::Oldest, limit, offset, ..Default::default() })?;
    Ok(Some(ActorProfile {
        id,
        name: actor.get(0),
        etype: actor.get(1),
        aliases,
        variants: Variant::group(spellings),
        statements: totals.get(0),
        documents: totals.get(1),
        mentioned_in,
        first: totals.get(2),
        last: totals.get(3),
        by_outlet,
        by_month,
        addressees,
        page,
    }))
}

pub(crate) fn outlet_counts(store: &mut PgStore) -> Result<Vec<OutletDocuments>> {
    let name = store.name.clone();
    let rows = store
        .client
        .query(
            "SELECT outlet, count(*) AS n FROM documents WHERE outlet IS NOT NULL GROUP BY outlet
             ORDER BY n DESC, outlet COLLATE \"C\" LIMIT 200",
            &[],
        )
        .map_err(|e| db_err(&name, e))?;
    Ok(rows.iter().map(|r| OutletDocuments { outlet: r.get(0), documents: r.get(1) }).collect())
}

pub(crate) fn state_key(store: &mut PgStore) -> Result<String> {
    let name = store.name.clone();
    let r = store
        .client
        .query_one(
            "SELECT current_database() || '|' ||
                    (SELECT count(*) || ':' || coalesce(max(id), 0) || ':' || coalesce(max(ingested_at), '') FROM documents) || '|' ||
                    (SELECT count(*) || ':' || coalesce(max(id), 0) FROM actor_overrides)",
            &[],
        )
        .map_err(|e| db_err(&name, e))?;
    Ok(r.get(0))
}
