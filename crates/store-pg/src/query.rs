//! Reading the store on PostgreSQL: the SQLite store's queries (query.rs)
//! with the same filters, validation and result types. Full text goes
//! through [`crate::tsquery::ts_query`] and the GIN-indexed `tsv` columns;
//! text order is by code point (`COLLATE "C"`, as SQLite's) and NULL dates
//! sort as SQLite sorts them (first ascending, last descending).

use std::io::Read;

use postgres::types::ToSql;
use postgres::Row;
use whosaid_document::output::JsonDocument;
use whosaid_store::{
    like_contains, outlet_and_date_conditions, ActorLink, ActorSummary, ActorsQuery, DocumentSummary, Error, FilterArg,
    FilterDialect, Result, Scope, SearchQuery, SearchResults, Sort, StatementHit, HIT_COLUMNS, TYPES,
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
}

fn outlet_and_dates(
    t: &str,
    outlet: &Option<String>,
    since: &Option<String>,
    until: &Option<String>,
    conds: &mut Vec<String>,
    args: &mut Vec<Arg>,
) {
    outlet_and_date_conditions(t, outlet, since, until, &mut PgDialect(args), conds);
}

fn hit_from_row(r: &Row) -> StatementHit {
    StatementHit {
        id: r.get(0),
        doc_id: r.get(1),
        doc: r.get(2),
        idx: r.get(3),
        date: r.get(4),
        outlet: r.get(5),
        title: r.get(6),
        url: r.get(7),
        speaker: r.get(8),
        speaker_text: r.get(9),
        speaker_type: r.get(10),
        actor_id: r.get(11),
        cue: r.get(12),
        kind: r.get(13),
        content: r.get(14),
        addressee: r.get(15),
        said_on: r.get(16),
        confidence: (r.get::<_, f64>(17) * 100.0).round() / 100.0,
        start: r.get(18),
        end: r.get(19),
    }
}

pub(crate) fn search(store: &mut PgStore, q: &SearchQuery) -> Result<SearchResults> {
    q.validate()?;
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    let text = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let tsq = match text {
        Some(t) => Some(ts_query(t).ok_or_else(|| Error::Invalid(format!("q '{t}': no searchable words")))?),
        None => None,
    };
    let mut rank = None;
    if let Some(f) = tsq {
        args.push(Box::new(f));
        let n = args.len();
        match q.scope {
            Scope::Statements => {
                conds.push(format!("s.tsv @@ to_tsquery('simple', ${n})"));
                rank = Some(format!("ts_rank(s.tsv, to_tsquery('simple', ${n})) DESC"));
            }
            Scope::Articles => {
                conds.push(format!("s.doc_id IN (SELECT id FROM documents WHERE tsv @@ to_tsquery('simple', ${n}))"))
            }
        }
    }
    if let Some(sp) = q.speaker.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        args.push(Box::new(like_contains(sp)));
        let n = args.len();
        conds.push(format!(
            // `= ANY (ARRAY(…))` rather than `IN (…)`: the planner can then OR
            // three bitmap index scans (trigram indexes, schema v3).
            "(s.speaker_name ILIKE ${n} ESCAPE '\\' OR s.speaker_text ILIKE ${n} ESCAPE '\\' OR s.speaker_actor = ANY \
             (ARRAY(SELECT actor_id FROM actor_aliases WHERE alias ILIKE ${n} ESCAPE '\\')))"
        ));
    }
    if let Some(a) = q.actor {
        args.push(Box::new(a));
        conds.push(format!("s.speaker_actor = ${}", args.len()));
    }
    if let Some(d) = q.doc {
        args.push(Box::new(d));
        conds.push(format!("s.doc_id = ${}", args.len()));
    }
    outlet_and_dates("s", &q.outlet, &q.since, &q.until, &mut conds, &mut args);
    if !q.kinds.is_empty() {
        args.push(Box::new(q.kinds.clone()));
        conds.push(format!("s.kind = ANY(${})", args.len()));
    }
    let where_ = if conds.is_empty() { String::new() } else { format!(" WHERE {}", conds.join(" AND ")) };
    let name = store.name.clone();
    let e = |e| db_err(&name, e);
    let total: i64 =
        store.client.query_one(&format!("SELECT count(*) FROM statements s{where_}"), &refs(&args)).map_err(e)?.get(0);
    let order = match (q.sort, &rank) {
        (Sort::Relevance, Some(r)) => format!("{r}, s.published DESC NULLS LAST, s.id"),
        (Sort::Relevance | Sort::Newest, _) => "s.published DESC NULLS LAST, s.doc_id DESC, s.idx".to_string(),
        (Sort::Oldest, _) => "s.published ASC NULLS FIRST, s.doc_id, s.idx".to_string(),
    };
    let sql = format!(
        "SELECT {HIT_COLUMNS} FROM statements s JOIN documents d ON d.id = s.doc_id{where_} ORDER BY {order} \
         LIMIT {} OFFSET {}",
        q.limit.min(i64::MAX as usize) as i64,
        q.offset.min(i64::MAX as usize) as i64
    );
    let rows = store.client.query(&sql, &refs(&args)).map_err(e)?;
    Ok(SearchResults { total, limit: q.limit, offset: q.offset, results: rows.iter().map(hit_from_row).collect() })
}

pub(crate) fn actors(store: &mut PgStore, q: &ActorsQuery) -> Result<Vec<ActorSummary>> {
    let mut conds = vec!["s.speaker_actor IS NOT NULL".to_string()];
    let mut args: Vec<Arg> = Vec::new();
    if let Some(n) = q.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
        if n.chars().count() > 200 {
            return Err(Error::Invalid("name: longer than 200 characters".into()));
        }
        args.push(Box::new(like_contains(n)));
        conds.push(format!(
            "s.speaker_actor = ANY (ARRAY(SELECT actor_id FROM actor_aliases WHERE alias ILIKE ${} ESCAPE '\\'))",
            args.len()
        ));
    }
    if let Some(t) = &q.etype {
        if !TYPES.contains(&t.as_str()) {
            return Err(Error::Invalid(format!("type '{t}': expected one of {}", TYPES.join(", "))));
        }
        args.push(Box::new(t.clone()));
        conds.push(format!("a.type = ${}", args.len()));
    }
    let sql = format!(
        "SELECT a.id, a.name, a.type, count(*) AS n, count(DISTINCT s.doc_id), min(s.published), max(s.published)
         FROM statements s JOIN actors a ON a.id = s.speaker_actor WHERE {}
         GROUP BY a.id ORDER BY n DESC, a.name COLLATE \"C\" LIMIT {} OFFSET {}",
        conds.join(" AND "),
        q.limit.min(i64::MAX as usize) as i64,
        q.offset.min(i64::MAX as usize) as i64
    );
    let name = store.name.clone();
    let rows = store.client.query(&sql, &refs(&args)).map_err(|e| db_err(&name, e))?;
    Ok(rows
        .iter()
        .map(|r| ActorSummary {
            id: r.get(0),
            name: r.get(1),
            etype: r.get(2),
            statements: r.get(3),
            documents: r.get(4),
            first: r.get(5),
            last: r.get(6),
        })
        .collect())
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
        .query_opt(
            "SELECT id, doc_key, title, headline, outlet, url, published, n_statements FROM documents WHERE id = $1",
            &[&id],
        )
        .map_err(|e| db_err(&name, e))?;
    Ok(r.map(|r| DocumentSummary {
        id: r.get(0),
        doc: r.get(1),
        title: r.get(2),
        headline: r.get(3),
        outlet: r.get(4),
        url: r.get(5),
        published: r.get(6),
        statements: r.get(7),
    }))
}

pub(crate) fn load_json(store: &mut PgStore, id: i64) -> Result<Option<JsonDocument>> {
    let name = store.name.clone();
    let r = store.client.query_opt("SELECT json FROM documents WHERE id = $1", &[&id]).map_err(|e| db_err(&name, e))?;
    let Some(r) = r else { return Ok(None) };
    let blob: Vec<u8> = r.get(0);
    let mut json = Vec::new();
    flate2::read::DeflateDecoder::new(&blob[..])
        .read_to_end(&mut json)
        .map_err(|e| Error::Db(format!("document {id}: stored JSON is damaged: {e}")))?;
    serde_json::from_slice(&json).map(Some).map_err(|e| Error::Db(format!("document {id}: stored JSON: {e}")))
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
