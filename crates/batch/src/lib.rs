//! Batch runs: many inputs through the pipeline, in parallel, output in input order.
//!
//! ```text
//!  reader thread ──records──► N workers ──rendered──► writer (this thread)
//!   (read crate)   bounded      (HTML → text,          reorders by sequence number,
//!                  by permits    pipeline, render)     marks near-duplicates, writes
//! ```
//!
//! Memory stays flat: at most `4 × jobs` documents are in flight (a permit is
//! taken before a record is dispatched and returned when it is written), and
//! readers stream records one by one. Output order is the input order whatever
//! the job count, so runs are deterministic.

pub mod simhash;

use std::collections::{BTreeMap, HashSet};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use whosaid::{Document, Pipeline};
use whosaid_document::output::{to_json_line, to_json_pretty};
use whosaid_document::{Meta, OffsetMap, Piece};
use whosaid_read::{Body, JsonlFields, ReadEvent, Record};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    Jsonl,
    Json,
    Table,
}

#[derive(Clone, Debug)]
pub struct Options {
    pub jobs: usize,
    pub format: OutputFormat,
    pub fields: JsonlFields,
    /// Used when an input carries no publication date of its own.
    pub published: Option<NaiveDate>,
    /// Drop near-duplicates instead of only marking them.
    pub drop_duplicates: bool,
    /// Ids already written by an earlier run (`--resume`).
    pub skip_ids: HashSet<String>,
    /// Draw a progress line on stderr (only when it is a terminal).
    pub progress: bool,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            jobs: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            format: OutputFormat::Jsonl,
            fields: JsonlFields::default(),
            published: None,
            drop_duplicates: false,
            skip_ids: HashSet::new(),
            progress: false,
        }
    }
}

/// What a run did, for the final summary and the exit code.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub documents: usize,
    pub statements: usize,
    pub input_bytes: usize,
    pub resumed_skips: usize,
    pub duplicates: usize,
    pub dropped_duplicates: usize,
    /// Records deliberately not processed (non-HTML WARC records, …).
    pub skipped_records: usize,
    /// Inputs or records that could not be read or processed.
    pub errors: usize,
}

/// The identity of a document for resume and duplicate marking.
pub fn document_id(meta: &Meta, source: &str) -> String {
    meta.id.clone().unwrap_or_else(|| source.to_string())
}

/// Turns one record into a Document: HTML is reduced to its main text first,
/// and offsets then map back into the HTML.
pub fn process(pipeline: &Pipeline, record: Record, default_published: Option<NaiveDate>) -> Result<Document, String> {
    let mut meta = record.meta;
    let source = record.source;
    match record.body {
        Body::Text(text) => {
            if meta.published.is_none() {
                meta.published = default_published;
            }
            Ok(pipeline.extract(&text, &source, meta))
        }
        Body::Html(html) => {
            let article = whosaid_html::extract(&html).map_err(|e| format!("HTML: {e}"))?;
            if article.text.trim().is_empty() {
                return Err("no article text found in the HTML".into());
            }
            // The page's own metadata wins over the container's (a WARC date is
            // the crawl date, not the publication date).
            if let Some(p) = article.published.as_deref().and_then(whosaid_read::parse_date_prefix) {
                meta.published = Some(p);
            }
            if meta.published.is_none() {
                meta.published = default_published;
            }
            meta.title = meta.title.or(article.title);
            meta.url = article.url.or(meta.url);
            meta.outlet = meta.outlet.or(article.site_name);
            meta.byline = meta.byline.or(article.byline);
            let mut doc = pipeline.extract(&article.text, &source, meta);
            let outer: Vec<Piece> = article.map.iter().map(|&(clean, raw, len)| Piece { clean, raw, len }).collect();
            doc.offsets = OffsetMap::compose(&doc.offsets, &outer);
            let to_html = OffsetMap { pieces: outer };
            for r in &mut doc.removed {
                r.raw = whosaid_document::Span::new(
                    to_html.to_raw(r.raw.start),
                    to_html.to_raw(r.raw.end).max(to_html.to_raw(r.raw.start)),
                );
            }
            doc.raw_len = html.len();
            Ok(doc)
        }
    }
}

fn render(doc: &Document, format: OutputFormat) -> String {
    match format {
        OutputFormat::Jsonl => to_json_line(doc),
        OutputFormat::Json => to_json_pretty(doc),
        OutputFormat::Table => render_table(doc),
    }
}

/// Human-readable: one statement per line, `speaker | cue | kind | content`.
pub fn render_table(doc: &Document) -> String {
    let mut out = format!("# {}\n", doc.source);
    for s in &doc.statements {
        let speaker = s.speaker.map(|m| {
            let written = doc.slice(doc.mentions[m].span);
            match doc.entity_name(m) {
                Some(name) if name != written => format!("{name} ({written})"),
                _ => written.to_string(),
            }
        });
        let cue = s.cue.map(|c| doc.slice(c)).unwrap_or("-");
        out.push_str(&format!(
            "{} | {} | {} | {}\n",
            speaker.as_deref().unwrap_or("?"),
            cue,
            s.kind.as_str(),
            doc.slice(s.content).replace('\n', " ")
        ));
    }
    out.pop();
    out
}

struct Rendered {
    id: String,
    text: String,
    fingerprint: Option<u64>,
    statements: usize,
    bytes: usize,
}

/// Runs the pipeline over `inputs` and hands each rendered document to
/// `write` in input order (without trailing newline). Problems are reported
/// through `report` as `file[:line|#record]: reason` and counted.
pub fn run(
    pipeline: &Pipeline,
    inputs: &[PathBuf],
    opts: &Options,
    write: &mut dyn FnMut(&str) -> std::io::Result<()>,
    report: &mut (dyn FnMut(&str) + Send),
) -> std::io::Result<Summary> {
    let jobs = opts.jobs.max(1);
    let capacity = 4 * jobs;
    let summary = Mutex::new(Summary::default());
    let report = Mutex::new(report);
    let say = |msg: &str| (report.lock().expect("reporter"))(msg);
    let total_bytes: u64 = inputs.iter().filter_map(|p| std::fs::metadata(p).ok()).map(|m| m.len()).sum();
    let compressed = inputs.iter().any(|p| p.to_string_lossy().ends_with(".gz"));
    let show_progress = opts.progress && std::io::stderr().is_terminal();

    let (work_tx, work_rx) = sync_channel::<(usize, Record)>(capacity);
    let (done_tx, done_rx) = sync_channel::<(usize, Result<Rendered, String>)>(capacity);
    let (permit_tx, permit_rx) = sync_channel::<()>(capacity);
    for _ in 0..capacity {
        permit_tx.send(()).expect("fresh channel");
    }
    let work_rx = Mutex::new(work_rx);
    std::thread::scope(|scope| -> std::io::Result<()> {
        // Reader: streams every input, dispatches records, reports read errors.
        let summary_ref = &summary;
        let say_ref = &say;
        let reader = scope.spawn(move || {
            let mut seq = 0usize;
            for path in inputs {
                for event in whosaid_read::open(path, &opts.fields) {
                    match event {
                        ReadEvent::Record(r) => {
                            let id = document_id(&r.meta, &r.source);
                            if opts.skip_ids.contains(&id) {
                                summary_ref.lock().expect("summary").resumed_skips += 1;
                                continue;
                            }
                            if r.lossy {
                                say_ref(&format!("{}: not valid UTF-8, decoded lossily", r.source));
                            }
                            if permit_rx.recv().is_err() || work_tx.send((seq, r)).is_err() {
                                return seq;
                            }
                            seq += 1;
                        }
                        ReadEvent::Skipped { .. } => summary_ref.lock().expect("summary").skipped_records += 1,
                        ReadEvent::Error(e) => {
                            say_ref(&e.to_string());
                            summary_ref.lock().expect("summary").errors += 1;
                        }
                    }
                }
            }
            seq
        });
        for _ in 0..jobs {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            scope.spawn(move || loop {
                let next = work_rx.lock().expect("work queue").recv();
                let Ok((seq, record)) = next else { break };
                let source = record.source.clone();
                let bytes = record.bytes;
                let id = document_id(&record.meta, &record.source);
                // Everything per record runs under catch_unwind: a record whose
                // result never arrives would stall the ordered writer.
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    process(pipeline, record, opts.published).map(|doc| Rendered {
                        id,
                        text: render(&doc, opts.format),
                        fingerprint: simhash::fingerprint(&doc.text),
                        statements: doc.statements.len(),
                        bytes,
                    })
                }))
                .unwrap_or_else(|_| Err("internal error while processing (please report)".into()))
                .map_err(|e| format!("{source}: {e}"));
                if done_tx.send((seq, result)).is_err() {
                    break;
                }
            });
        }
        drop(done_tx);
        let written =
            write_in_order(done_rx, permit_tx, opts, write, &summary, &say, show_progress, total_bytes, compressed);
        let _ = reader.join();
        written
    })?;
    let s = summary.into_inner().expect("summary");
    Ok(s)
}

#[allow(clippy::too_many_arguments)]
fn write_in_order(
    done_rx: Receiver<(usize, Result<Rendered, String>)>,
    permit_tx: std::sync::mpsc::SyncSender<()>,
    opts: &Options,
    write: &mut dyn FnMut(&str) -> std::io::Result<()>,
    summary: &Mutex<Summary>,
    say: &dyn Fn(&str),
    show_progress: bool,
    total_bytes: u64,
    compressed: bool,
) -> std::io::Result<()> {
    let mut pending: BTreeMap<usize, Result<Rendered, String>> = BTreeMap::new();
    let mut next = 0usize;
    let mut dedupe = simhash::Index::default();
    let started = Instant::now();
    let mut last_draw = Instant::now();
    let mut result = Ok(());
    for (seq, r) in done_rx {
        pending.insert(seq, r);
        while let Some(r) = pending.remove(&next) {
            next += 1;
            let _ = permit_tx.send(());
            if result.is_err() {
                continue; // keep draining so workers finish; the error is returned below
            }
            match r {
                Err(e) => {
                    say(&e);
                    summary.lock().expect("summary").errors += 1;
                }
                Ok(mut doc) => {
                    let dup = doc.fingerprint.and_then(|fp| dedupe.check_and_insert(fp, &doc.id));
                    let mut s = summary.lock().expect("summary");
                    s.input_bytes += doc.bytes;
                    if let Some(first) = dup {
                        s.duplicates += 1;
                        if opts.drop_duplicates {
                            s.dropped_duplicates += 1;
                            continue;
                        }
                        doc.text = mark_duplicate(doc.text, &first, opts.format);
                    }
                    s.documents += 1;
                    s.statements += doc.statements;
                    drop(s);
                    if let Err(e) = write(&doc.text) {
                        result = Err(e);
                    }
                }
            }
            if show_progress && last_draw.elapsed() > Duration::from_millis(250) {
                last_draw = Instant::now();
                draw_progress(&summary.lock().expect("summary"), started, total_bytes, compressed);
            }
        }
    }
    if show_progress {
        eprint!("\r\x1b[2K");
    }
    result
}

/// Sets `duplicate_of` in an already rendered document (it is the last field).
fn mark_duplicate(text: String, first: &str, format: OutputFormat) -> String {
    let quoted = serde_json::to_string(first).expect("string serialises");
    match format {
        OutputFormat::Jsonl => match text.strip_suffix("\"duplicate_of\":null}") {
            Some(head) => format!("{head}\"duplicate_of\":{quoted}}}"),
            None => text,
        },
        OutputFormat::Json => match text.strip_suffix("\"duplicate_of\": null\n}") {
            Some(head) => format!("{head}\"duplicate_of\": {quoted}\n}}"),
            None => text,
        },
        OutputFormat::Table => format!("{text}\n(duplicate of {first})"),
    }
}

fn draw_progress(s: &Summary, started: Instant, total: u64, compressed: bool) {
    let secs = started.elapsed().as_secs_f64().max(1e-3);
    let mb = s.input_bytes as f64 / 1e6;
    let mut line = format!("{} docs  {:.0} docs/s  {:.1} MB/s", s.documents, s.documents as f64 / secs, mb / secs);
    if !compressed && total > 0 && s.input_bytes > 0 {
        let frac = (s.input_bytes as f64 / total as f64).min(1.0);
        let eta = secs * (1.0 - frac) / frac.max(1e-9);
        line.push_str(&format!("  {:.0}%  ETA {:.0}s", frac * 100.0, eta));
    }
    if s.errors > 0 {
        line.push_str(&format!("  {} errors", s.errors));
    }
    eprint!("\r\x1b[2K{line}");
    let _ = std::io::stderr().flush();
}

/// Ids of the complete documents in an earlier output file; a partial last
/// line (a crash mid-write) is cut off so appending continues cleanly.
pub fn prepare_resume(path: &std::path::Path) -> std::io::Result<HashSet<String>> {
    #[derive(serde::Deserialize)]
    struct Ids {
        source: String,
        meta: IdMeta,
    }
    #[derive(serde::Deserialize)]
    struct IdMeta {
        id: Option<String>,
    }
    let mut ids = HashSet::new();
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        // No earlier output: start from scratch. Any other error is an error.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ids),
        Err(e) => return Err(e),
    };
    // Stream line by line: the output of a long run can be gigabytes.
    let mut reader = std::io::BufReader::new(file);
    let mut line = Vec::new();
    let mut complete: u64 = 0;
    loop {
        line.clear();
        let n = std::io::BufRead::read_until(&mut reader, b'\n', &mut line)?;
        if n == 0 || !line.ends_with(b"\n") {
            break;
        }
        complete += n as u64;
        if let Ok(d) = serde_json::from_slice::<Ids>(&line) {
            ids.insert(d.meta.id.unwrap_or(d.source));
        }
    }
    if complete < std::fs::metadata(path)?.len() {
        let f = std::fs::OpenOptions::new().write(true).open(path)?;
        f.set_len(complete)?;
        f.sync_all()?;
    }
    Ok(ids)
}
