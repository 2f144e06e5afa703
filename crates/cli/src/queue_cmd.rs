//! `whosaid queue add | status | retry` and `whosaid work`: many workers, on
//! any number of machines, feeding one PostgreSQL database through the work
//! queue of `whosaid-store-pg` (see its queue.rs for the guarantees).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::Result;
use whosaid::Pipeline;
use whosaid_batch::{Options, OutputFormat};
use whosaid_document::output::JsonDocument;
use whosaid_read::documents as input;
use whosaid_store_pg::queue::{ItemResult, Progress, QueueStatus, WorkItem};
use whosaid_store_pg::PgStore;

#[derive(clap::Args)]
pub struct QueueArgs {
    #[command(subcommand)]
    pub action: QueueAction,
}

#[derive(clap::Subcommand)]
pub enum QueueAction {
    /// Register inputs (files, directories — every file in them —, WARC, JSONL,
    /// `whosaid extract` output). Each file is one work item, stored by its
    /// absolute path: every worker must see it under the same path.
    Add {
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// The PostgreSQL database (postgres://…).
        #[arg(long)]
        db: PathBuf,
    },
    /// Done / claimed / failed items with reasons, and a progress line.
    Status {
        #[arg(long)]
        db: PathBuf,
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Put failed items back in the queue.
    Retry {
        #[arg(long)]
        db: PathBuf,
    },
}

#[derive(clap::Args)]
pub struct WorkArgs {
    /// The PostgreSQL database (postgres://…) holding the queue and the store.
    #[arg(long)]
    pub db: PathBuf,
    /// Inputs claimed at a time (fewer near the end of the queue, each
    /// worker its share); their documents are stored in one transaction.
    #[arg(long, default_value_t = 4)]
    pub batch: usize,
    /// Seconds a claim lasts; a worker that dies leaves its batch to be
    /// claimed again after this (a live worker renews its claims every
    /// third of it while its batch makes progress, so a stuck batch's claim
    /// expires at most 4/3 of this after its last document).
    #[arg(long, default_value_t = 600)]
    pub lease_secs: u64,
    /// Seconds a batch may keep its claim at most, however it progresses;
    /// then the claim is no longer renewed, expires, and another worker
    /// takes the batch (this worker's late result is then not stored).
    #[arg(long, default_value_t = whosaid_store_pg::queue::MAX_BATCH_LIFETIME.as_secs())]
    pub max_batch_secs: u64,
    /// Claims of one item that may expire before it is marked failed.
    #[arg(long, default_value_t = 3)]
    pub max_attempts: i32,
    /// This worker's name in the queue (default: host:pid).
    #[arg(long)]
    pub name: Option<String>,
    /// Publication date (YYYY-MM-DD) for inputs that carry none.
    #[arg(long)]
    pub published: Option<String>,
    /// Extra lexicon entries (TOML).
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    #[command(flatten)]
    pub selector: crate::SelectorArgs,
    /// Extraction threads (default: all cores).
    #[arg(long, short = 'j')]
    pub jobs: Option<usize>,
    /// Wait at most this long (milliseconds) between looks at a queue whose
    /// remaining items other workers hold (a change to the queue wakes the
    /// worker at once; an expiring claim does not).
    #[arg(long, default_value_t = 1000)]
    pub poll_ms: u64,
    /// No progress lines.
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

pub fn queue(args: QueueArgs) -> Result<ExitCode> {
    match args.action {
        QueueAction::Add { inputs, db } => {
            let mut store = crate::db::open_pg(&db, "whosaid queue add")?;
            let (paths, bad) = whosaid_read::expand_all(&inputs);
            for e in &bad {
                eprintln!("whosaid queue add: {e}");
            }
            let mut items = Vec::new();
            let mut errors = bad.len();
            for p in paths {
                if p.as_os_str() == "-" {
                    eprintln!("whosaid queue add: '-' (standard input) cannot be queued: workers read files");
                    errors += 1;
                    continue;
                }
                match std::fs::canonicalize(&p) {
                    Ok(abs) => items.push(abs.to_string_lossy().into_owned()),
                    Err(e) => {
                        eprintln!("whosaid queue add: {}: {e}", p.display());
                        errors += 1;
                    }
                }
            }
            items.sort();
            items.dedup();
            let (added, known) = store.queue_add(&items)?;
            let st = store.queue_status()?;
            eprintln!("whosaid queue add: {added} inputs queued ({known} already queued); {}", progress_line(&st));
            Ok(if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        QueueAction::Status { db, json } => {
            let mut store = crate::db::open_pg(&db, "whosaid queue status")?;
            let st = store.queue_status()?;
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::new(stdout.lock());
            if json {
                writeln!(out, "{}", serde_json::to_string(&st)?)?;
            } else {
                writeln!(out, "{}", progress_line(&st))?;
                if st.relink_pending > 0 {
                    writeln!(
                        out,
                        "actors: re-link pending ({} inputs stored since the last re-link; the next `whosaid work` \
                         to find the queue drained runs it)",
                        st.relink_pending
                    )?;
                }
                for (w, n) in &st.workers {
                    writeln!(out, "claimed by {w}: {n}")?;
                }
                for (input, why) in &st.failures {
                    writeln!(out, "failed: {input}: {why}")?;
                }
            }
            out.flush()?;
            Ok(ExitCode::SUCCESS)
        }
        QueueAction::Retry { db } => {
            let mut store = crate::db::open_pg(&db, "whosaid queue retry")?;
            let n = store.queue_retry_failed()?;
            eprintln!("whosaid queue retry: {n} failed inputs back in the queue");
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// "12/40 inputs done (30%), 3 claimed, 1 expired, 24 pending, 0 failed; 530 documents, 2210 statements".
pub fn progress_line(st: &QueueStatus) -> String {
    let total = st.total();
    let pct = if total > 0 { (st.done + st.failed) * 100 / total } else { 100 };
    format!(
        "{}/{} inputs done ({pct}%), {} claimed, {} expired, {} pending, {} failed; {} documents, {} statements",
        st.done, total, st.claimed, st.expired, st.pending, st.failed, st.documents, st.statements
    )
}

fn worker_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_else(|| "localhost".into());
    format!("{host}:{}", std::process::id())
}

/// Debug builds only, for the queue tests: `WHOSAID_TEST_STALL=PATTERN:SECS`
/// makes the extraction of an input whose path contains PATTERN hang for
/// SECS seconds without progress (a stuck worker whose heartbeat lives).
fn stall_for_tests(path: &Path) {
    if cfg!(debug_assertions) {
        let stall = std::env::var("WHOSAID_TEST_STALL").ok();
        if let Some((pattern, secs)) = stall.as_deref().and_then(|v| v.rsplit_once(':')) {
            if let (true, Ok(secs)) = (path.to_string_lossy().contains(pattern), secs.parse::<u64>()) {
                std::thread::sleep(Duration::from_secs(secs));
            }
        }
    }
}

/// The documents of one input, and why it failed if it did.
fn extract_item(
    path: &Path,
    pipeline: &mut Option<Pipeline>,
    args: &WorkArgs,
    published: Option<chrono::NaiveDate>,
    progress: &Progress,
) -> Result<(Vec<JsonDocument>, Option<String>)> {
    let mut docs = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    stall_for_tests(path);
    if !path.is_file() {
        return Ok((docs, Some(format!("{}: no such file on this worker", path.display()))));
    }
    if let Some(layout) = input::sniff_whosaid_path(path) {
        for d in input::read_path(path, layout) {
            match d {
                Ok(mut d) => {
                    if d.meta.published.is_none() {
                        d.meta.published = published.map(whosaid_document::dates::format_ymd);
                    }
                    progress.tick();
                    docs.push(d)
                }
                Err(e) => problems.push(e.to_string()),
            }
        }
    } else {
        if pipeline.is_none() {
            *pipeline = Some(crate::load_pipeline_with(args.lexicon.as_ref(), &args.selector)?);
        }
        let opts = Options {
            jobs: args.jobs.unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)),
            format: OutputFormat::Jsonl,
            published,
            progress: false,
            ..Options::default()
        };
        let mut messages: Vec<String> = Vec::new();
        let mut report = |m: &str| messages.push(m.to_string());
        // Documents straight from the batch (duplicate_of set), no JSON text in between.
        let mut sink = |doc: &whosaid::Document, _: &whosaid_batch::DocInfo| -> std::io::Result<()> {
            docs.push(JsonDocument::from_document(doc));
            progress.tick();
            Ok(())
        };
        let inputs = [path.to_path_buf()];
        let pipeline = pipeline.as_ref().expect("loaded");
        match whosaid_batch::run_documents(pipeline, &inputs, &opts, &mut sink, &mut report) {
            Ok(summary) if summary.errors + summary.truncated > 0 => {
                problems.extend(messages);
                if problems.is_empty() {
                    problems.push(format!("{} records could not be read", summary.errors + summary.truncated));
                }
            }
            Ok(_) => {}
            Err(e) => {
                problems.extend(messages);
                problems.push(e.to_string());
            }
        }
    }
    Ok((docs, (!problems.is_empty()).then(|| problems.join("; "))))
}

pub fn work(args: WorkArgs) -> Result<ExitCode> {
    let published = args.published.as_deref().map(crate::parse_date).transpose()?;
    if args.lease_secs == 0 {
        anyhow::bail!("--lease-secs must be at least 1");
    }
    if args.max_batch_secs == 0 {
        anyhow::bail!("--max-batch-secs must be at least 1");
    }
    let mut store: PgStore = crate::db::open_pg(&args.db, "whosaid work")?;
    let name = args.name.clone().unwrap_or_else(worker_name);
    let lease = Duration::from_secs(args.lease_secs);
    // Keeps the claims in hand while a batch takes longer than the lease
    // and makes progress, up to --max-batch-secs.
    let heartbeat = store.queue_heartbeat(&name, lease, Duration::from_secs(args.max_batch_secs))?;
    let mut pipeline: Option<Pipeline> = None;
    let (mut inputs_done, mut documents) = (0usize, 0usize);
    let started = Instant::now();
    // Subscribed to queue changes only while waiting for others' claims.
    let mut listening = false;
    loop {
        // A full batch, or this worker's share of the last items (the
        // workers then finish together rather than one alone).
        let n = store.queue_share(&name, args.batch)?;
        let items: Vec<WorkItem> = store.queue_claim(&name, n, lease, args.max_attempts)?;
        if items.is_empty() && !listening {
            // Subscribe, then look again: a change after this look wakes the wait below.
            store.queue_listen()?;
            listening = true;
            continue;
        }
        if !items.is_empty() && listening {
            store.queue_unlisten()?;
            listening = false;
        }
        if items.is_empty() {
            let st = store.queue_status()?;
            if st.drained() {
                // The last worker out re-links actors across the whole store
                // if a batch stored documents since the last re-link (once for
                // workers finishing together: they wait for a running re-link,
                // which reads their commits too, and then find none due; one
                // that failed, here or in an earlier run, is still due).
                let t = Instant::now();
                let linked = if store.relink_if_pending()? {
                    format!("actors re-linked in {:.2}s", t.elapsed().as_secs_f64())
                } else {
                    "actors up to date".to_string()
                };
                if !args.quiet {
                    eprintln!(
                        "whosaid work {name}: queue drained; {linked}; this worker stored {documents} \
                         documents from {inputs_done} inputs in {:.1}s; {}",
                        started.elapsed().as_secs_f64(),
                        progress_line(&st)
                    );
                }
                return Ok(ExitCode::SUCCESS);
            }
            // Others hold the rest: wake when the queue changes (a batch
            // done, items added or released), else at the poll, when an
            // expired claim may be taken over.
            store.queue_wait(Duration::from_millis(args.poll_ms.max(10)))?;
            continue;
        }
        let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
        // One claim token for the whole batch.
        let claim = items[0].claim;
        heartbeat.hold(Some(claim));
        let mut docs = Vec::new();
        let mut results = Vec::new();
        for item in &items {
            let progress = heartbeat.progress();
            let (d, error) = match extract_item(Path::new(&item.input), &mut pipeline, &args, published, progress) {
                Ok(x) => x,
                Err(e) => {
                    // The pipeline itself could not load: give the claims back and stop.
                    heartbeat.hold(None);
                    store.queue_release(claim, &ids)?;
                    return Err(e);
                }
            };
            progress.tick();
            if let Some(e) = &error {
                eprintln!("whosaid work {name}: {}: {e}", item.input);
            }
            results.push(ItemResult {
                id: item.id,
                documents: d.len() as i64,
                statements: d.iter().map(|x| x.statements.len() as i64).sum(),
                error,
            });
            docs.extend(d);
        }
        heartbeat.progress().tick();
        let done = store.queue_complete(claim, &results, &docs)?;
        heartbeat.hold(None);
        // Why the claim lapsed, when it did (or a renewal failed).
        if let Some(e) = heartbeat.take_note().filter(|e| !done.lost.is_empty() || e.contains("failed")) {
            eprintln!("whosaid work {name}: {e}");
        }
        inputs_done += items.len() - done.lost.len();
        documents += done.report.outcomes.len();
        if !done.lost.is_empty() {
            eprintln!(
                "whosaid work {name}: the claim of {} inputs ran out before this batch was stored and another \
                 worker took them over; nothing of them was stored by this worker (theirs is the result kept)",
                done.lost.len()
            );
        }
        if !args.quiet {
            let c = done.report.counts;
            eprintln!(
                "whosaid work {name}: stored {} documents from {} inputs ({} new, {} updated, {} unchanged; {} \
                 statements)",
                done.report.outcomes.len(),
                items.len() - done.lost.len(),
                c.inserted,
                c.updated,
                c.unchanged,
                c.statements
            );
        }
    }
}
