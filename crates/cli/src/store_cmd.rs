//! `whosaid ingest | search | actors | show | serve`: the statement database.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::ValueEnum;
use whosaid_batch::{DocInfo, Options, OutputFormat};
use whosaid_document::output::JsonDocument;
use whosaid_read::documents::{self as input, Layout};
use whosaid_read::JsonlFields;
use whosaid_store::backend::{DocSink, Settled};
use whosaid_store::{ActorsQuery, Scope, SearchQuery, Sort, StatementHit};

#[derive(clap::Args)]
pub struct IngestArgs {
    /// Inputs as for `whosaid extract` (text, HTML, JSONL, WARC, directories, "-"), or
    /// `whosaid extract` output (JSON/JSONL, stored as is, without re-extraction).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The database: a SQLite file (created if missing) or a postgres:// URL.
    #[arg(long)]
    pub db: PathBuf,
    /// Publication date (YYYY-MM-DD) for inputs that carry none.
    #[arg(long)]
    pub published: Option<String>,
    /// Extra lexicon entries (TOML).
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    /// Issues to code statements with (TOML), as for `whosaid extract`.
    #[arg(long, value_name = "PATH")]
    pub codebook: Option<PathBuf>,
    #[command(flatten)]
    pub selector: crate::SelectorArgs,
    /// Worker threads for extraction (default: all cores).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Documents per transaction. Each committed batch is reported on stderr;
    /// a crash loses at most the batch in progress.
    #[arg(long, default_value_t = 200)]
    pub batch_size: usize,
    /// Drop near-duplicate documents (wire copies) instead of only marking them.
    #[arg(long)]
    pub dedupe: bool,
    /// No progress lines.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// JSONL field holding the article text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// JSONL field holding article HTML.
    #[arg(long, default_value = "html")]
    pub html_field: String,
    #[arg(long, default_value = "id")]
    pub id_field: String,
    #[arg(long, default_value = "url")]
    pub url_field: String,
    #[arg(long, default_value = "title")]
    pub title_field: String,
    #[arg(long, default_value = "published")]
    pub published_field: String,
    #[arg(long, default_value = "outlet")]
    pub outlet_field: String,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum ListFormat {
    /// Aligned columns (default on a terminal).
    Table,
    /// One JSON object per line (default otherwise).
    Jsonl,
    /// Comma-separated values with a header line.
    Csv,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum SearchIn {
    Statements,
    Articles,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum SortArg {
    Relevance,
    Newest,
    Oldest,
}

#[derive(clap::Args)]
pub struct SearchArgs {
    /// Full-text query: words (all must occur), "a phrase", prefix*, OR. Omit to list all.
    pub query: Option<String>,
    #[arg(long)]
    pub db: PathBuf,
    /// Speaker name, alias or mention (substring, case-insensitive).
    #[arg(long)]
    pub speaker: Option<String>,
    /// Actor id (from `whosaid actors`).
    #[arg(long)]
    pub actor: Option<i64>,
    /// Outlet name or site (rt.com).
    #[arg(long)]
    pub outlet: Option<String>,
    /// Published on or after (YYYY-MM-DD, YYYY-MM or YYYY).
    #[arg(long)]
    pub since: Option<String>,
    /// Published on or before (inclusive; YYYY-MM-DD, YYYY-MM or YYYY).
    #[arg(long)]
    pub until: Option<String>,
    /// Statement kind(s): direct, indirect, mixed, belief (repeat or comma-separate).
    #[arg(long, value_delimiter = ',')]
    pub kind: Vec<String>,
    /// Where the query looks: statement content, or article title and text.
    #[arg(long = "in", value_enum, default_value = "statements")]
    pub scope: SearchIn,
    /// Order (default: relevance with a query, newest without).
    #[arg(long, value_enum)]
    pub sort: Option<SortArg>,
    #[arg(long, default_value_t = 50)]
    pub limit: usize,
    #[arg(long, default_value_t = 0)]
    pub offset: usize,
    #[arg(long, value_enum)]
    pub format: Option<ListFormat>,
}

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ActorsArgs {
    #[command(subcommand)]
    pub action: Option<ActorsAction>,
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Only actors whose name or an alias contains this.
    #[arg(long)]
    pub name: Option<String>,
    /// Only this type: person, organization, media, place, group.
    #[arg(long = "type")]
    pub etype: Option<String>,
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    #[arg(long, value_enum)]
    pub format: Option<ListFormat>,
}

/// Corrections to actor linking, kept in the database and respected by every
/// later re-link (and so by re-ingest).
#[derive(clap::Subcommand)]
pub enum ActorsAction {
    /// One actor for two names ("Trump" "Donald Trump").
    Merge {
        a: String,
        b: String,
        #[arg(long)]
        db: PathBuf,
    },
    /// Never one actor for these two names, whatever the rules say.
    Split {
        a: String,
        b: String,
        #[arg(long)]
        db: PathBuf,
    },
    /// Names joined to another actor, with the rule and its evidence.
    Links {
        #[arg(long)]
        db: PathBuf,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
pub enum ShowFormat {
    /// The article header and its statements (default).
    Table,
    /// The stored whosaid/1 document, indented.
    Json,
    /// Its statements, one JSON object per line.
    Jsonl,
    /// Its statements as CSV.
    Csv,
}

#[derive(clap::Args)]
pub struct ShowArgs {
    /// Document id (`meta.id`), source path, or row id (as in search output).
    pub doc_id: String,
    #[arg(long)]
    pub db: PathBuf,
    #[arg(long, value_enum, default_value = "table")]
    pub format: ShowFormat,
}

#[derive(clap::Args)]
pub struct ServeArgs {
    #[arg(long)]
    pub db: PathBuf,
    /// Address to listen on (loopback by default; any other address needs --token-file).
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// Port (0 picks a free one; the address is printed on stderr).
    #[arg(long, default_value_t = whosaid_server::DEFAULT_PORT)]
    pub port: u16,
    /// Read-only database connections, i.e. queries answered at a time.
    #[arg(long, default_value_t = 4)]
    pub threads: usize,
    /// A file holding an access token (16+ visible ASCII characters): every
    /// request must send `Authorization: Bearer <token>`. Required when
    /// --host is not loopback.
    #[arg(long)]
    pub token_file: Option<PathBuf>,
}

/// One run of consecutive inputs read the same way.
enum Segment {
    /// Raw inputs through the pipeline.
    Extract(Vec<PathBuf>),
    /// `whosaid extract` output.
    Stored(PathBuf, Layout),
}

/// A document for the store: read from `whosaid extract` output, or handed
/// over by a batch run with what it knows about it.
#[derive(Clone, Copy)]
enum Put<'a> {
    Json(&'a JsonDocument),
    Extracted(&'a whosaid::Document, &'a DocInfo),
}

impl Put<'_> {
    fn source(&self) -> &str {
        match self {
            Put::Json(d) => &d.source,
            Put::Extracted(d, _) => &d.source,
        }
    }
    /// The store's key ([`whosaid_store::document_key`]; the batch computed the same one).
    fn key(&self) -> String {
        match self {
            Put::Json(d) => whosaid_store::document_key(d),
            Put::Extracted(_, info) => info.id.clone(),
        }
    }
    fn statements(&self) -> usize {
        match self {
            Put::Json(d) => d.statements.len(),
            Put::Extracted(d, _) => d.statements.len(),
        }
    }
}

#[derive(Default)]
struct Totals {
    inserted: usize,
    updated: usize,
    unchanged: usize,
    statements: usize,
    errors: usize,
}

/// A document put whose outcome the store has not settled yet (the
/// PostgreSQL writer settles a whole batch when it writes it): what the
/// report of its outcome needs.
struct Waiting {
    source: String,
    key: String,
    statements: usize,
}

/// Ingest's counts and the documents put but not yet settled, in put order.
struct Tally {
    totals: Totals,
    waiting: std::collections::VecDeque<Waiting>,
    stored_total: usize,
    quiet: bool,
}

impl Tally {
    /// Counts what the store settled, oldest document first, and reports a
    /// committed batch.
    fn settle(&mut self, settled: Settled) {
        let n = settled.outcomes.len().min(self.waiting.len());
        for (outcome, doc) in settled.outcomes.into_iter().zip(self.waiting.drain(..n)) {
            let totals = &mut self.totals;
            match outcome {
                whosaid_store::Outcome::Inserted => totals.inserted += 1,
                whosaid_store::Outcome::Updated => totals.updated += 1,
                whosaid_store::Outcome::Unchanged => totals.unchanged += 1,
                whosaid_store::Outcome::Conflict => {
                    eprintln!(
                        "whosaid: {}: id '{}' appears again with different content in this ingest: kept the first, \
                         this one is not stored",
                        doc.source, doc.key
                    );
                    totals.errors += 1;
                    continue;
                }
            }
            if outcome != whosaid_store::Outcome::Unchanged {
                totals.statements += doc.statements;
            }
        }
        let Some(p) = settled.committed else { return };
        self.stored_total += p.documents();
        if !self.quiet && p.documents() > 0 {
            eprintln!(
                "whosaid: stored {} documents ({} new, {} updated, {} unchanged; {} statements), {} in total",
                p.documents(),
                p.inserted,
                p.updated,
                p.unchanged,
                p.statements,
                self.stored_total
            );
        }
    }
}

pub fn ingest(args: IngestArgs) -> Result<ExitCode> {
    let published = args.published.as_deref().map(crate::parse_date).transpose()?;
    // A bad path is reported and counted; the other inputs are still stored.
    let (paths, bad_paths) = whosaid_read::expand_all(&args.inputs);
    for e in &bad_paths {
        eprintln!("whosaid: {e}");
    }
    let mut segments: Vec<Segment> = Vec::new();
    for p in paths {
        let layout = if p.as_os_str() == "-" {
            // Peek without consuming: std's stdin buffer keeps the bytes for
            // whichever reader comes next.
            let stdin = std::io::stdin();
            let mut lock = stdin.lock();
            lock.fill_buf().ok().and_then(input::sniff_whosaid_head)
        } else {
            input::sniff_whosaid_path(&p)
        };
        match (layout, segments.last_mut()) {
            (Some(l), _) => segments.push(Segment::Stored(p, l)),
            (None, Some(Segment::Extract(v))) => v.push(p),
            (None, _) => segments.push(Segment::Extract(vec![p])),
        }
    }
    let mut pipeline = None;
    let mut store = crate::db::open_store(&args.db)?;
    let mut writer = store.writer(args.batch_size);
    let quiet = args.quiet;
    let mut tally = Tally {
        totals: Totals { errors: bad_paths.len(), ..Totals::default() },
        waiting: Default::default(),
        stored_total: 0,
        quiet,
    };
    let mut last_commit = Instant::now();
    // Puts one document (a stored `whosaid/1` one, or one straight from the
    // pipeline); commits on batch size (inside put) or every 2 seconds.
    let mut put =
        |doc: Put<'_>, writer: &mut dyn DocSink, tally: &mut Tally| -> std::result::Result<(), whosaid_store::Error> {
            tally.waiting.push_back(Waiting {
                source: doc.source().to_string(),
                key: doc.key(),
                statements: doc.statements(),
            });
            let mut settled = match doc {
                Put::Json(d) => writer.put(d)?,
                Put::Extracted(d, _) => writer.put_document(d)?,
            };
            if settled.committed.is_none() && last_commit.elapsed() > Duration::from_secs(2) {
                let now = writer.commit()?;
                settled.outcomes.extend(now.outcomes);
                settled.committed = now.committed;
            }
            if settled.committed.is_some() {
                last_commit = Instant::now();
            }
            tally.settle(settled);
            Ok(())
        };
    for segment in segments {
        match segment {
            Segment::Stored(path, layout) => {
                let docs = if path.as_os_str() == "-" {
                    input::read_documents("-", input::stdin(), layout)
                } else {
                    input::read_path(&path, layout)
                };
                for doc in docs {
                    match doc {
                        Ok(mut doc) => {
                            if doc.meta.published.is_none() {
                                doc.meta.published = published.map(whosaid_document::dates::format_ymd);
                            }
                            put(Put::Json(&doc), writer.as_mut(), &mut tally)?;
                        }
                        Err(e) => {
                            eprintln!("whosaid: {e}");
                            tally.totals.errors += 1;
                        }
                    }
                }
            }
            Segment::Extract(paths) => {
                if pipeline.is_none() {
                    pipeline = Some(crate::export_cmd::with_codebook(
                        crate::load_pipeline_with(args.lexicon.as_ref(), &args.selector)?,
                        args.codebook.as_ref(),
                    )?);
                }
                let pipeline = pipeline.as_ref().expect("just loaded");
                let opts = Options {
                    jobs: args
                        .jobs
                        .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)),
                    format: OutputFormat::Jsonl,
                    fields: JsonlFields {
                        text: args.text_field.clone(),
                        html: args.html_field.clone(),
                        url: args.url_field.clone(),
                        title: args.title_field.clone(),
                        published: args.published_field.clone(),
                        outlet: args.outlet_field.clone(),
                        id: args.id_field.clone(),
                    },
                    published,
                    drop_duplicates: args.dedupe,
                    skip_ids: Default::default(),
                    progress: false,
                    ..Options::default()
                };
                let mut report = |msg: &str| eprintln!("whosaid: {msg}");
                // The batch hands over each Document (duplicate_of set): stored
                // as it is, never rendered to JSON text and parsed back.
                let mut sink = |doc: &whosaid::Document, info: &DocInfo| -> std::io::Result<()> {
                    put(Put::Extracted(doc, info), writer.as_mut(), &mut tally)
                        .map_err(|e| std::io::Error::other(e.to_string()))
                };
                let summary = whosaid_batch::run_documents(pipeline, &paths, &opts, &mut sink, &mut report)
                    .context("ingest stopped")?;
                tally.totals.errors += summary.errors + summary.truncated;
            }
        }
    }
    tally.settle(writer.finish()?);
    drop(writer);
    let totals = tally.totals;
    let (docs, statements, actors) = store.counts()?;
    if !quiet {
        eprintln!(
            "whosaid: {} new, {} updated, {} unchanged documents ({} statements), {} errors; {} now holds {docs} \
             documents, {statements} statements, {actors} actors",
            totals.inserted,
            totals.updated,
            totals.unchanged,
            totals.statements,
            totals.errors,
            crate::db::shown(&args.db)
        );
    }
    Ok(if totals.errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn list_format(f: Option<ListFormat>) -> ListFormat {
    f.unwrap_or(if std::io::stdout().is_terminal() { ListFormat::Table } else { ListFormat::Jsonl })
}

fn open_db(path: &std::path::Path) -> Result<Box<dyn whosaid_store::backend::StatementStore>> {
    crate::db::open_store_read_only(path)
}

pub fn search(args: SearchArgs) -> Result<ExitCode> {
    let mut store = open_db(&args.db)?;
    let q = SearchQuery {
        text: args.query.clone(),
        scope: match args.scope {
            SearchIn::Statements => Scope::Statements,
            SearchIn::Articles => Scope::Articles,
        },
        speaker: args.speaker.clone(),
        actor: args.actor,
        outlet: args.outlet.clone(),
        since: args.since.clone(),
        until: args.until.clone(),
        kinds: args.kind.iter().map(|k| k.trim().to_lowercase()).filter(|k| !k.is_empty()).collect(),
        doc: None,
        sort: match args.sort {
            Some(SortArg::Relevance) | None => Sort::Relevance,
            Some(SortArg::Newest) => Sort::Newest,
            Some(SortArg::Oldest) => Sort::Oldest,
        },
        limit: args.limit,
        offset: args.offset,
    };
    let res = store.search(&q)?;
    let format = list_format(args.format);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    write_hits(&mut out, &res.results, format)?;
    if format == ListFormat::Table {
        writeln!(
            out,
            "{} of {}{} statements{}",
            res.results.len(),
            if res.total_capped { "more than " } else { "" },
            res.total,
            if res.total as usize > args.offset + res.results.len() { " (--limit/--offset for more)" } else { "" }
        )?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn write_hits(out: &mut dyn Write, hits: &[StatementHit], format: ListFormat) -> Result<()> {
    match format {
        ListFormat::Jsonl => {
            for h in hits {
                writeln!(out, "{}", serde_json::to_string(h)?)?;
            }
        }
        ListFormat::Csv => {
            writeln!(
                out,
                "id,doc_id,doc,date,outlet,speaker,speaker_text,actor_id,kind,cue,content,addressee,url,title,confidence"
            )?;
            for h in hits {
                let row = [
                    h.id.to_string(),
                    h.doc_id.to_string(),
                    h.doc.clone(),
                    h.date.clone().unwrap_or_default(),
                    h.outlet.clone().unwrap_or_default(),
                    h.speaker.clone().unwrap_or_default(),
                    h.speaker_text.clone().unwrap_or_default(),
                    h.actor_id.map(|a| a.to_string()).unwrap_or_default(),
                    h.kind.clone(),
                    h.cue.clone().unwrap_or_default(),
                    h.content.clone(),
                    h.addressee.clone().unwrap_or_default(),
                    h.url.clone().unwrap_or_default(),
                    h.title.clone().unwrap_or_default(),
                    h.confidence.to_string(),
                ];
                writeln!(out, "{}", row.iter().map(|f| csv_field(f)).collect::<Vec<_>>().join(","))?;
            }
        }
        ListFormat::Table => {
            let rows: Vec<Vec<String>> = hits
                .iter()
                .map(|h| {
                    vec![
                        h.date.clone().unwrap_or_else(|| "-".into()),
                        clip(h.outlet.as_deref().unwrap_or("-"), 20),
                        clip(h.speaker.as_deref().unwrap_or("?"), 24),
                        h.kind.clone(),
                        clip(&h.content.replace('\n', " "), 110),
                        h.url.clone().unwrap_or_else(|| h.doc.clone()),
                    ]
                })
                .collect();
            write_table(out, &["DATE", "OUTLET", "SPEAKER", "KIND", "CONTENT", "DOCUMENT"], &rows)?;
        }
    }
    Ok(())
}

/// Quotes a CSV field when it needs it (RFC 4180).
pub(crate) fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

pub(crate) fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

/// Left-aligned columns separated by two spaces; the last column is not padded.
pub(crate) fn write_table(out: &mut dyn Write, header: &[&str], rows: &[Vec<String>]) -> Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for r in rows {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.chars().count());
        }
    }
    let line = |cells: Vec<&str>| -> String {
        let n = cells.len();
        let mut s = String::new();
        for (i, c) in cells.into_iter().enumerate() {
            s.push_str(c);
            if i + 1 < n {
                s.extend(std::iter::repeat_n(' ', widths[i] - c.chars().count() + 2));
            }
        }
        s
    };
    writeln!(out, "{}", line(header.to_vec()))?;
    for r in rows {
        writeln!(out, "{}", line(r.iter().map(String::as_str).collect()))?;
    }
    Ok(())
}

pub fn actors(args: ActorsArgs) -> Result<ExitCode> {
    match &args.action {
        Some(ActorsAction::Merge { a, b, db }) | Some(ActorsAction::Split { a, b, db }) => {
            let kind = if matches!(args.action, Some(ActorsAction::Merge { .. })) { "merge" } else { "split" };
            if matches!(whosaid_store::backend::Target::parse(db)?, whosaid_store::backend::Target::Sqlite(_))
                && !db.is_file()
            {
                anyhow::bail!("{}: no such database (create it with `whosaid ingest`)", db.display());
            }
            let mut store = crate::db::open_store(db)?;
            store.correct_actors(kind, a, b)?;
            eprintln!("whosaid actors: {kind} {a:?} {b:?} recorded; actors re-linked");
            return Ok(ExitCode::SUCCESS);
        }
        Some(ActorsAction::Links { db }) => {
            let mut store = open_db(db)?;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            for (norm, etype, actor, rule, evidence) in store.actor_links()? {
                writeln!(out, "{norm} ({etype}) → {actor} [{rule}] {evidence}")?;
            }
            return Ok(ExitCode::SUCCESS);
        }
        None => {}
    }
    let Some(db) = &args.db else {
        anyhow::bail!("whosaid actors: --db is required");
    };
    let mut store = open_db(db)?;
    let list = store.actors(&ActorsQuery {
        name: args.name.clone(),
        etype: args.etype.clone(),
        limit: args.limit,
        offset: 0,
    })?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match list_format(args.format) {
        ListFormat::Jsonl => {
            for a in &list {
                writeln!(out, "{}", serde_json::to_string(a)?)?;
            }
        }
        ListFormat::Csv => {
            writeln!(out, "id,name,type,statements,documents,first,last")?;
            for a in &list {
                writeln!(
                    out,
                    "{},{},{},{},{},{},{}",
                    a.id,
                    csv_field(&a.name),
                    a.etype,
                    a.statements,
                    a.documents,
                    a.first.as_deref().unwrap_or(""),
                    a.last.as_deref().unwrap_or("")
                )?;
            }
        }
        ListFormat::Table => {
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|a| {
                    vec![
                        a.statements.to_string(),
                        a.documents.to_string(),
                        clip(&a.name, 40),
                        a.etype.clone(),
                        match (&a.first, &a.last) {
                            (Some(f), Some(l)) if f != l => format!("{f} … {l}"),
                            (Some(f), _) => f.clone(),
                            _ => "-".into(),
                        },
                        a.id.to_string(),
                    ]
                })
                .collect();
            write_table(&mut out, &["STATEMENTS", "DOCS", "SPEAKER", "TYPE", "DATES", "ACTOR"], &rows)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn show(args: ShowArgs) -> Result<ExitCode> {
    let mut store = open_db(&args.db)?;
    let Some(id) = store.find_document(&args.doc_id)? else {
        anyhow::bail!("{}: no such document in {}", args.doc_id, crate::db::shown(&args.db));
    };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.format == ShowFormat::Json {
        let doc = store.load_json(id)?.context("document vanished")?;
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    let hits = store.search(&SearchQuery {
        doc: Some(id),
        sort: Sort::Oldest,
        limit: usize::MAX >> 1,
        ..Default::default()
    })?;
    match args.format {
        ShowFormat::Jsonl => write_hits(&mut out, &hits.results, ListFormat::Jsonl)?,
        ShowFormat::Csv => write_hits(&mut out, &hits.results, ListFormat::Csv)?,
        _ => {
            let d = store.document_summary(id)?.context("document vanished")?;
            writeln!(out, "# {}", d.title.as_deref().or(d.headline.as_deref()).unwrap_or(&d.doc))?;
            let mut facts = vec![format!("document {} ({})", d.id, d.doc)];
            facts.extend(d.outlet.clone());
            facts.extend(d.published.clone());
            facts.extend(d.url.clone());
            writeln!(out, "{}", facts.join(" · "))?;
            writeln!(out, "{} statements", d.statements)?;
            writeln!(out)?;
            let rows: Vec<Vec<String>> = hits
                .results
                .iter()
                .map(|h| {
                    let speaker = match (&h.speaker, &h.speaker_text) {
                        (Some(n), Some(t)) if n != t => format!("{n} ({t})"),
                        (Some(n), _) => n.clone(),
                        _ => "?".into(),
                    };
                    vec![
                        h.idx.to_string(),
                        clip(&speaker, 40),
                        h.cue.clone().unwrap_or_else(|| "-".into()),
                        h.kind.clone(),
                        h.content.replace('\n', " "),
                    ]
                })
                .collect();
            write_table(&mut out, &["#", "SPEAKER", "CUE", "KIND", "CONTENT"], &rows)?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn serve(args: ServeArgs) -> Result<ExitCode> {
    let config = whosaid_server::Config {
        db: args.db.clone(),
        host: args.host.clone(),
        port: args.port,
        threads: args.threads.clamp(1, 64),
    };
    let token = args.token_file.as_deref().map(whosaid_server::auth::Token::from_file).transpose()?;
    whosaid_server::serve_with_token(&config, token, |addr| {
        eprintln!("whosaid: serving {} on http://{addr}/ (Ctrl-C stops)", crate::db::shown(&args.db));
    })?;
    Ok(ExitCode::SUCCESS)
}
