//! Batch runs: many inputs through the pipeline, in parallel, output in input order.
//!
//! ```text
//!  reader thread ──records──► N workers ──Documents──► writer (this thread) ──&Document──► Sink
//!   (read crate)   bounded      (HTML → text,           reorders by sequence    (renders a profile,
//!                  by permits    pipeline, SimHash)      number, sets            writes; or stores;
//!                                                        duplicate_of            or collects rows)
//! ```
//!
//! The writer hands each [`Document`] to a [`Sink`] with its [`DocInfo`]:
//! `whosaid extract` renders it ([`Renderer`], one reused buffer per run and
//! one write call per document), `whosaid ingest` stores it, the export
//! formats collect its rows. Near-duplicate marking sets
//! [`Document::duplicate_of`] before the sink sees the document. [`run`] is
//! the same run with the documents rendered to text (`Options::format` and
//! `Options::profile`).
//!
//! Memory stays flat: at most `4 × jobs` documents are in flight (a permit is
//! taken before a record is dispatched and returned when it is written), and
//! readers stream records one by one. A document over
//! [`MAX_DOCUMENT_BYTES`] is split into parts of at most [`PART_BYTES`]
//! (reported), since the pipeline's annotations and the rendered JSON grow
//! with a document's size (up to ~130× for "he said that" repeated), and HTML
//! over [`whosaid_html::MAX_HTML_BYTES`] is cut at a tag boundary (reported
//! and counted as lost). Output order is the input order whatever the job
//! count, so runs are deterministic.
#![deny(missing_docs)]

pub mod simhash;

use std::collections::{BTreeMap, HashSet};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::Arc;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use whosaid::{Document, Pipeline};
use whosaid_document::output::{write_document, write_statements};
use whosaid_document::{Meta, OffsetMap, Piece};
use whosaid_read::{Body, JsonlFields, ReadEvent, Record};

/// How [`run`] writes the documents it renders (`whosaid extract --format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// One JSON document a line (resumable).
    Jsonl,
    /// Each document as indented JSON.
    Json,
    /// A plain-text table of statements for reading at a terminal.
    Table,
}

/// What of a document is written (`whosaid extract --profile`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Profile {
    /// The whole `whosaid/1` document (text, spans, entities, statements, …).
    #[default]
    Full,
    /// Statements only, speakers resolved (`whosaid-statements/1`).
    Statements,
    /// One line per statement: `speaker | cue | kind | content`.
    Table,
}

impl Profile {
    /// The `--profile` value that names this profile.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Full => "full",
            Profile::Statements => "statements",
            Profile::Table => "table",
        }
    }
}

/// How a batch run reads, analyses and writes; [`Options::default`] is `whosaid extract`'s defaults.
#[derive(Clone, Debug)]
pub struct Options {
    /// Worker threads running the pipeline (output order does not depend on it).
    pub jobs: usize,
    /// How [`run`] renders documents (the [`Sink`] of [`run_documents`] decides for itself).
    pub format: OutputFormat,
    /// What [`run`] renders of each document.
    pub profile: Profile,
    /// Which JSONL fields hold the text, id, title, … of a record.
    pub fields: JsonlFields,
    /// Used when an input carries no publication date of its own.
    pub published: Option<NaiveDate>,
    /// Drop near-duplicates instead of only marking them.
    pub drop_duplicates: bool,
    /// Ids already written by an earlier run (`--resume`).
    pub skip_ids: HashSet<String>,
    /// Draw a progress line on stderr (only when it is a terminal).
    pub progress: bool,
    /// Fingerprints of the documents an earlier run wrote (`--resume`), so a
    /// near-duplicate of one of them is still marked (or dropped).
    pub seen: simhash::Index,
    /// HTML longer than this is cut at a tag boundary (reported, counted).
    pub max_html_bytes: usize,
    /// Documents whose text is longer than this are split into parts.
    pub max_document_bytes: usize,
    /// The largest part a split document is cut into.
    pub part_bytes: usize,
}

/// Article text above this is split into parts (real articles are far smaller).
pub const MAX_DOCUMENT_BYTES: usize = 1024 * 1024;
/// Parts of a split document are at most this long: keeps the pipeline's and
/// the rendered JSON's memory per document bounded.
pub const PART_BYTES: usize = 32 * 1024;

impl Default for Options {
    fn default() -> Options {
        Options {
            jobs: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            format: OutputFormat::Jsonl,
            profile: Profile::Full,
            fields: JsonlFields::default(),
            published: None,
            drop_duplicates: false,
            skip_ids: HashSet::new(),
            progress: false,
            seen: simhash::Index::default(),
            max_html_bytes: whosaid_html::MAX_HTML_BYTES,
            max_document_bytes: MAX_DOCUMENT_BYTES,
            part_bytes: PART_BYTES,
        }
    }
}

/// What a run did, for the final summary and the exit code.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Documents written (or handed to the sink).
    pub documents: usize,
    /// Statements in those documents.
    pub statements: usize,
    /// Bytes of article text analysed (for the throughput line).
    pub input_bytes: usize,
    /// Documents skipped because an earlier run wrote them (`--resume`).
    pub resumed_skips: usize,
    /// Documents marked as near-duplicates of an earlier one.
    pub duplicates: usize,
    /// Near-duplicates dropped (`--drop-duplicates`) rather than written.
    pub dropped_duplicates: usize,
    /// Records deliberately not processed (non-HTML WARC records, …).
    pub skipped_records: usize,
    /// Inputs or records that could not be read or processed.
    pub errors: usize,
    /// HTML pages cut at the size limit (their tail is lost).
    pub truncated: usize,
    /// Documents split into parts because of their size.
    pub split: usize,
}

/// The identity of a document for resume and duplicate marking: the one rule
/// ([`whosaid_document::known_key`]) the store uses too.
pub fn document_id(meta: &Meta, source: &str) -> String {
    whosaid_document::known_key(meta.id.as_deref(), source).unwrap_or_else(|| source.to_string())
}

/// Why a record gave no document (the batch reports it with the record's
/// source and goes on).
#[derive(Debug)]
pub enum RecordError {
    /// The HTML could not be reduced to an article.
    Html(whosaid_html::HtmlError),
    /// The HTML holds no article text.
    NoArticleText,
    /// The pipeline panicked on it (a bug: the batch survives it).
    Internal,
}

impl std::fmt::Display for RecordError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RecordError::Html(e) => write!(f, "HTML: {e}"),
            RecordError::NoArticleText => f.write_str("no article text found in the HTML"),
            RecordError::Internal => f.write_str("internal error while processing (please report)"),
        }
    }
}

impl std::error::Error for RecordError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RecordError::Html(e) => Some(e),
            _ => None,
        }
    }
}

/// Turns one record into a Document: HTML is reduced to its main text first,
/// and offsets then map back into the HTML.
pub fn process(
    pipeline: &Pipeline,
    record: Record,
    default_published: Option<NaiveDate>,
) -> Result<Document, RecordError> {
    let (prepared, _) = prepare(record, whosaid_html::MAX_HTML_BYTES)?;
    Ok(finish(pipeline, prepared, default_published))
}

/// Article text ready for the pipeline, with what maps it back to the input.
struct Prepared {
    source: String,
    meta: Meta,
    text: String,
    /// Byte offset of `text` in the whole article text (a part of a split document).
    base: usize,
    /// Article text → HTML pieces, for text extracted from HTML.
    outer: Option<Arc<Vec<Piece>>>,
    /// Length of the raw input (the HTML, or the whole text).
    raw_len: usize,
}

/// Reads what the record carries: HTML is cut to `max_html` bytes (a warning
/// says so) and reduced to its article text.
fn prepare(record: Record, max_html: usize) -> Result<(Prepared, Option<String>), RecordError> {
    let mut meta = record.meta;
    let source = record.source;
    match record.body {
        Body::Text(text) => {
            let raw_len = text.len();
            Ok((Prepared { source, meta, text, base: 0, outer: None, raw_len }, None))
        }
        Body::Html(html) => {
            let mut warning = None;
            let mut cut = html.len();
            if cut > max_html {
                // Cut before the last tag that starts within the limit, never inside a tag.
                let mut end = max_html;
                while !html.is_char_boundary(end) {
                    end -= 1;
                }
                cut = html[..end].rfind('<').filter(|&i| i > 0).unwrap_or(end);
                warning = Some(format!(
                    "{source}: HTML of {} bytes is over the {} limit: only the first {cut} bytes were read, the rest is lost",
                    html.len(),
                    size(max_html)
                ));
            }
            let article = whosaid_html::extract(&html[..cut]).map_err(RecordError::Html)?;
            if article.text.trim().is_empty() {
                return Err(RecordError::NoArticleText);
            }
            // The page's own metadata wins over the container's (a WARC date is
            // the crawl date, not the publication date).
            if let Some(p) = article.published.as_deref().and_then(whosaid_read::parse_date_prefix) {
                meta.published = Some(p);
            }
            meta.title = meta.title.or(article.title);
            meta.url = article.url.or(meta.url);
            meta.outlet = meta.outlet.or(article.site_name);
            meta.byline = meta.byline.or(article.byline);
            let outer: Vec<Piece> = article.map.iter().map(|&(clean, raw, len)| Piece { clean, raw, len }).collect();
            let prepared = Prepared {
                source,
                meta,
                text: article.text,
                base: 0,
                outer: Some(Arc::new(outer)),
                raw_len: html.len(),
            };
            Ok((prepared, warning))
        }
    }
}

/// Runs the pipeline and maps offsets back into the whole input.
fn finish(pipeline: &Pipeline, p: Prepared, default_published: Option<NaiveDate>) -> Document {
    let mut meta = p.meta;
    if meta.published.is_none() {
        meta.published = default_published;
    }
    let mut doc = pipeline.extract(&p.text, &p.source, meta);
    if p.base > 0 {
        for piece in &mut doc.offsets.pieces {
            piece.raw += p.base;
        }
        for r in &mut doc.removed {
            r.raw = whosaid_document::Span::new(r.raw.start + p.base, r.raw.end + p.base);
        }
    }
    if let Some(outer) = &p.outer {
        doc.offsets = OffsetMap::compose(&doc.offsets, outer);
        let to_html = OffsetMap { pieces: outer.to_vec() };
        for r in &mut doc.removed {
            r.raw = whosaid_document::Span::new(
                to_html.to_raw(r.raw.start),
                to_html.to_raw(r.raw.end).max(to_html.to_raw(r.raw.start)),
            );
        }
    }
    doc.raw_len = p.raw_len;
    doc
}

/// Where to cut a long text into parts of at most `max` bytes: after a blank
/// line, else a line end, else a sentence end, else a space, in the second
/// half of each part; a part is never empty and never splits a character.
pub fn split_points(text: &str, max: usize) -> Vec<std::ops::Range<usize>> {
    let max = max.max(16);
    let mut parts = Vec::new();
    let mut start = 0;
    while text.len() - start > max {
        let mut end = start + max;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let window = &text[start..end];
        let half = window.len() / 2;
        let cut = ["\n\n", "\n", ". ", " "]
            .iter()
            .find_map(|sep| window.rfind(sep).filter(|&i| i >= half).map(|i| i + sep.len()))
            .unwrap_or(window.len());
        parts.push(start..start + cut);
        start += cut;
    }
    parts.push(start..text.len());
    parts
}

/// The parts of an oversized document, each its own document (`#partN` on
/// source and id), with the warning that says so.
fn split(p: Prepared, limit: usize, max: usize) -> (Vec<Prepared>, String) {
    let ranges = split_points(&p.text, max);
    let n = ranges.len();
    let warning = format!(
        "{}: article text of {} bytes is over the document limit ({}): split into {n} documents of at most {} \
         ({}#part1 … #part{n})",
        p.source,
        p.text.len(),
        size(limit),
        size(max),
        p.source
    );
    let parts = ranges
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let mut meta = p.meta.clone();
            meta.id = meta.id.map(|id| format!("{id}#part{}", i + 1));
            Prepared {
                source: format!("{}#part{}", p.source, i + 1),
                meta,
                text: p.text[r.clone()].to_string(),
                base: p.base + r.start,
                outer: p.outer.clone(),
                raw_len: p.raw_len,
            }
        })
        .collect();
    (parts, warning)
}

/// A size in words: "16 MiB", "32 KiB", "1000 bytes".
fn size(n: usize) -> String {
    match n {
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}

/// What a worker is handed.
enum Work {
    Record(Record),
    /// Already read (and split) by the reader thread.
    Prepared(Prepared),
}

/// Renders documents to bytes in one buffer reused from document to document.
#[derive(Debug)]
pub struct Renderer {
    format: OutputFormat,
    profile: Profile,
    buf: Vec<u8>,
}

impl Renderer {
    /// `--format table` and `--profile table` are the same table; otherwise
    /// the format decides compact or indented JSON and the profile its content.
    pub fn new(format: OutputFormat, profile: Profile) -> Renderer {
        Renderer { format, profile, buf: Vec::with_capacity(64 * 1024) }
    }

    /// One document, without a trailing newline.
    pub fn render(&mut self, doc: &Document) -> &[u8] {
        self.buf.clear();
        let pretty = self.format == OutputFormat::Json;
        match (self.format, self.profile) {
            (OutputFormat::Table, _) | (_, Profile::Table) => write_table(doc, &mut self.buf),
            (_, Profile::Full) => write_document(doc, pretty, &mut self.buf),
            (_, Profile::Statements) => write_statements(doc, pretty, &mut self.buf),
        }
        &self.buf
    }

    /// One document and its newline: what one `write` call should get, so a
    /// killed run leaves only whole lines.
    pub fn render_line(&mut self, doc: &Document) -> &[u8] {
        self.render(doc);
        self.buf.push(b'\n');
        &self.buf
    }

    /// [`Renderer::render`] as text.
    pub fn render_str(&mut self, doc: &Document) -> &str {
        self.render(doc);
        std::str::from_utf8(&self.buf).expect("renderers write UTF-8")
    }
}

/// Human-readable: one statement per line, `speaker | cue | kind | content`;
/// a near-duplicate ends with `(duplicate of ID)`.
pub fn render_table(doc: &Document) -> String {
    let mut out = Vec::new();
    write_table(doc, &mut out);
    String::from_utf8(out).expect("the table is UTF-8")
}

/// [`render_table`] appended to `out`.
pub fn write_table(doc: &Document, out: &mut Vec<u8>) {
    let start = out.len();
    out.extend_from_slice(b"# ");
    out.extend_from_slice(doc.source.as_bytes());
    out.push(b'\n');
    for s in &doc.statements {
        match s.speaker {
            Some(m) => {
                let written = doc.slice(doc.mentions[m].span);
                match doc.entity_name(m) {
                    Some(name) if name != written => {
                        out.extend_from_slice(name.as_bytes());
                        out.extend_from_slice(b" (");
                        out.extend_from_slice(written.as_bytes());
                        out.push(b')');
                    }
                    _ => out.extend_from_slice(written.as_bytes()),
                }
            }
            None => out.push(b'?'),
        }
        out.extend_from_slice(b" | ");
        out.extend_from_slice(s.cue.map(|c| doc.slice(c)).unwrap_or("-").as_bytes());
        out.extend_from_slice(b" | ");
        out.extend_from_slice(s.kind.as_str().as_bytes());
        out.extend_from_slice(b" | ");
        for (i, line) in doc.slice(s.content).split('\n').enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            out.extend_from_slice(line.as_bytes());
        }
        out.push(b'\n');
    }
    if out.len() > start {
        out.pop();
    }
    if let Some(first) = &doc.duplicate_of {
        out.extend_from_slice(b"\n(duplicate of ");
        out.extend_from_slice(first.as_bytes());
        out.push(b')');
    }
}

/// What the writer knows about a document beside the document itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocInfo {
    /// Its identity ([`whosaid_document::document_key`]): what `--resume`
    /// skips and `duplicate_of` names.
    pub id: String,
    /// Bytes of input text (or HTML) it was made from.
    pub bytes: usize,
}

/// Where a batch run delivers its documents, one by one in input order.
/// `doc.duplicate_of` is already set for a near-duplicate (dropped ones never
/// arrive). An error stops the run (the workers drain) and is returned by it.
pub trait Sink {
    /// Takes the next finished document (render it, store it, …).
    fn document(&mut self, doc: &Document, info: &DocInfo) -> std::io::Result<()>;
}

impl<F: FnMut(&Document, &DocInfo) -> std::io::Result<()>> Sink for F {
    fn document(&mut self, doc: &Document, info: &DocInfo) -> std::io::Result<()> {
        self(doc, info)
    }
}

/// A processed document on its way to the writer.
struct Processed {
    doc: Document,
    info: DocInfo,
    fingerprint: Option<u64>,
    notes: Notes,
}

/// What is reported (in output order) before a document, and counted.
#[derive(Debug, Default)]
struct Notes {
    lines: Vec<String>,
    /// The HTML was cut at the limit (its tail is lost).
    truncated: bool,
    /// This is the first part of a split document.
    split: bool,
}

impl Notes {
    fn cut(&mut self, warning: Option<String>) {
        if let Some(w) = warning {
            self.lines.push(w);
            self.truncated = true;
        }
    }
}

/// A result on its way to the writer: a document, or an error with the notes
/// that came before it.
type Done = Result<Processed, (String, Notes)>;

/// Runs the pipeline over `inputs` and hands each document, rendered as
/// `opts.format` and `opts.profile`, to `write` in input order (without
/// trailing newline). Problems are reported through `report` as
/// `file[:line|#record]: reason` and counted. [`run_documents`] with a
/// [`Renderer`] as the sink.
pub fn run(
    pipeline: &Pipeline,
    inputs: &[PathBuf],
    opts: &Options,
    write: &mut dyn FnMut(&str) -> std::io::Result<()>,
    report: &mut (dyn FnMut(&str) + Send),
) -> std::io::Result<Summary> {
    let mut renderer = Renderer::new(opts.format, opts.profile);
    let mut sink = |doc: &Document, _: &DocInfo| write(renderer.render_str(doc));
    run_documents(pipeline, inputs, opts, &mut sink, report)
}

/// Runs the pipeline over `inputs` and hands each [`Document`] to `sink` in
/// input order. Problems are reported through `report` as
/// `file[:line|#record]: reason` and counted.
pub fn run_documents(
    pipeline: &Pipeline,
    inputs: &[PathBuf],
    opts: &Options,
    sink: &mut dyn Sink,
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

    let (work_tx, work_rx) = sync_channel::<(usize, Work, Notes)>(capacity);
    let (done_tx, done_rx) = sync_channel::<(usize, Done)>(capacity);
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
            let skipped = |key: Option<String>| {
                let skip = key.is_some_and(|k| opts.skip_ids.contains(&k));
                if skip {
                    summary_ref.lock().expect("summary").resumed_skips += 1;
                }
                skip
            };
            // Sends one work item; false when the writer has gone.
            let mut send = |work: Work, notes: Notes| -> bool {
                if permit_rx.recv().is_err() || work_tx.send((seq, work, notes)).is_err() {
                    return false;
                }
                seq += 1;
                true
            };
            for path in inputs {
                for event in whosaid_read::open(path, &opts.fields) {
                    match event {
                        ReadEvent::Record(r) => {
                            if r.lossy {
                                say_ref(&format!("{}: not valid UTF-8, decoded lossily", r.source));
                            }
                            let big = match &r.body {
                                Body::Text(t) => t.len() > opts.max_document_bytes,
                                Body::Html(h) => h.len() > opts.max_document_bytes,
                            };
                            if !big {
                                if skipped(whosaid_document::known_key(r.meta.id.as_deref(), &r.source)) {
                                    continue;
                                }
                                if !send(Work::Record(r), Notes::default()) {
                                    return;
                                }
                                continue;
                            }
                            // A big document is read here, to split it before the
                            // workers see it (rare: real articles are far smaller).
                            let source = r.source.clone();
                            let (prepared, cut) = match prepare(r, opts.max_html_bytes) {
                                Ok(p) => p,
                                Err(e) => {
                                    say_ref(&format!("{source}: {e}"));
                                    summary_ref.lock().expect("summary").errors += 1;
                                    continue;
                                }
                            };
                            let mut notes = Notes::default();
                            notes.cut(cut);
                            if prepared.text.len() <= opts.max_document_bytes {
                                let key = whosaid_document::known_key(prepared.meta.id.as_deref(), &prepared.source);
                                if !skipped(key) && !send(Work::Prepared(prepared), notes) {
                                    return;
                                }
                                continue;
                            }
                            let (parts, warning) = split(prepared, opts.max_document_bytes, opts.part_bytes);
                            notes.lines.push(warning);
                            notes.split = true;
                            // The notes go with the first part sent (earlier ones may be resumed).
                            let mut notes = Some(notes);
                            for part in parts {
                                if skipped(whosaid_document::known_key(part.meta.id.as_deref(), &part.source)) {
                                    continue;
                                }
                                if !send(Work::Prepared(part), notes.take().unwrap_or_default()) {
                                    return;
                                }
                            }
                        }
                        ReadEvent::Skipped { .. } => summary_ref.lock().expect("summary").skipped_records += 1,
                        ReadEvent::Error(e) => {
                            say_ref(&e.to_string());
                            summary_ref.lock().expect("summary").errors += 1;
                        }
                    }
                }
            }
        });
        for _ in 0..jobs {
            let done_tx = done_tx.clone();
            let work_rx = &work_rx;
            scope.spawn(move || loop {
                let next = work_rx.lock().expect("work queue").recv();
                let Ok((seq, work, mut notes)) = next else { break };
                let (source, bytes) = match &work {
                    Work::Record(r) => (r.source.clone(), r.bytes),
                    Work::Prepared(p) => (p.source.clone(), p.text.len()),
                };
                // Everything per record runs under catch_unwind: a record whose
                // result never arrives would stall the ordered writer.
                let result =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| -> Result<Processed, RecordError> {
                        let prepared = match work {
                            Work::Record(r) => {
                                let (p, cut) = prepare(r, opts.max_html_bytes)?;
                                notes.cut(cut);
                                p
                            }
                            Work::Prepared(p) => p,
                        };
                        let doc = finish(pipeline, prepared, opts.published);
                        let id = whosaid_document::document_key(doc.meta.id.as_deref(), &doc.source, &doc.text);
                        Ok(Processed {
                            fingerprint: simhash::fingerprint(&doc.text),
                            doc,
                            info: DocInfo { id, bytes },
                            notes: Notes::default(),
                        })
                    }))
                    .unwrap_or(Err(RecordError::Internal));
                let result = match result {
                    Ok(mut r) => {
                        r.notes = notes;
                        Ok(r)
                    }
                    Err(e) => Err((format!("{source}: {e}"), notes)),
                };
                if done_tx.send((seq, result)).is_err() {
                    break;
                }
            });
        }
        drop(done_tx);
        let written =
            write_in_order(done_rx, permit_tx, opts, sink, &summary, &say, show_progress, total_bytes, compressed);
        let _ = reader.join();
        written
    })?;
    let s = summary.into_inner().expect("summary");
    Ok(s)
}

#[allow(clippy::too_many_arguments)]
fn write_in_order(
    done_rx: Receiver<(usize, Done)>,
    permit_tx: std::sync::mpsc::SyncSender<()>,
    opts: &Options,
    sink: &mut dyn Sink,
    summary: &Mutex<Summary>,
    say: &dyn Fn(&str),
    show_progress: bool,
    total_bytes: u64,
    compressed: bool,
) -> std::io::Result<()> {
    let mut pending: BTreeMap<usize, Done> = BTreeMap::new();
    let mut next = 0usize;
    let mut dedupe = opts.seen.clone();
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
                Err((e, notes)) => {
                    notes.lines.iter().for_each(|l| say(l));
                    say(&e);
                    summary.lock().expect("summary").errors += 1;
                }
                Ok(mut doc) => {
                    doc.notes.lines.iter().for_each(|l| say(l));
                    {
                        let mut s = summary.lock().expect("summary");
                        s.truncated += usize::from(doc.notes.truncated);
                        s.split += usize::from(doc.notes.split);
                        // Known only after processing (stdin without an id).
                        if opts.skip_ids.contains(&doc.info.id) {
                            s.resumed_skips += 1;
                            continue;
                        }
                    }
                    let dup = doc.fingerprint.and_then(|fp| dedupe.check_and_insert(fp, &doc.info.id));
                    let mut s = summary.lock().expect("summary");
                    s.input_bytes += doc.info.bytes;
                    if let Some(first) = dup {
                        s.duplicates += 1;
                        if opts.drop_duplicates {
                            s.dropped_duplicates += 1;
                            continue;
                        }
                        doc.doc.duplicate_of = Some(first);
                    }
                    s.documents += 1;
                    s.statements += doc.doc.statements.len();
                    drop(s);
                    if let Err(e) = sink.document(&doc.doc, &doc.info) {
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

/// What an earlier run wrote, for `--resume`: the ids to skip and the
/// near-duplicate index rebuilt in file order (so a copy of a document already
/// written is still marked or dropped).
#[derive(Debug, Default)]
pub struct Resume {
    /// Ids of the documents already written.
    pub ids: HashSet<String>,
    /// Their fingerprints, in file order.
    pub index: simhash::Index,
}

/// Why an earlier output file cannot be resumed.
#[derive(Debug)]
pub enum ResumeError {
    /// The file could not be read.
    Io(std::io::Error),
    /// A complete line that is not a whosaid/1 JSONL document (e.g. table or
    /// indented JSON output, which cannot be resumed).
    NotJsonl {
        /// Its line number (from 1).
        line: usize,
        /// Why it is not one.
        reason: String,
    },
}

impl std::fmt::Display for ResumeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ResumeError::Io(e) => write!(f, "{e}"),
            ResumeError::NotJsonl { line, reason } => {
                write!(f, "line {line} is not a whosaid/1 JSONL document ({reason}); only JSONL output can be resumed")
            }
        }
    }
}

impl std::error::Error for ResumeError {}

impl From<std::io::Error> for ResumeError {
    fn from(e: std::io::Error) -> ResumeError {
        ResumeError::Io(e)
    }
}

/// Reads an earlier output file; a partial last line (a crash mid-write) is
/// cut off so appending continues cleanly.
pub fn prepare_resume(path: &std::path::Path) -> Result<Resume, ResumeError> {
    #[derive(serde::Deserialize)]
    struct Ids {
        schema: String,
        source: String,
        meta: IdMeta,
        text: String,
    }
    #[derive(serde::Deserialize)]
    struct IdMeta {
        id: Option<String>,
    }
    let mut resume = Resume::default();
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        // No earlier output: start from scratch. Any other error is an error.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(resume),
        Err(e) => return Err(e.into()),
    };
    if !file.metadata()?.is_file() {
        return Err(ResumeError::Io(std::io::Error::other("not a regular file")));
    }
    // Stream line by line: the output of a long run can be gigabytes.
    let mut reader = std::io::BufReader::new(file);
    let mut line = Vec::new();
    let mut complete: u64 = 0;
    let mut line_no = 0;
    loop {
        line.clear();
        let n = std::io::BufRead::read_until(&mut reader, b'\n', &mut line)?;
        if n == 0 || !line.ends_with(b"\n") {
            break;
        }
        line_no += 1;
        complete += n as u64;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let d: Ids = serde_json::from_slice(&line)
            .map_err(|e| ResumeError::NotJsonl { line: line_no, reason: e.to_string() })?;
        if d.schema != whosaid_document::output::SCHEMA {
            return Err(ResumeError::NotJsonl { line: line_no, reason: format!("schema '{}'", d.schema) });
        }
        let id = whosaid_document::document_key(d.meta.id.as_deref(), &d.source, &d.text);
        if let Some(fp) = simhash::fingerprint(&d.text) {
            resume.index.check_and_insert(fp, &id);
        }
        resume.ids.insert(id);
    }
    if complete < std::fs::metadata(path)?.len() {
        let f = std::fs::OpenOptions::new().write(true).open(path)?;
        f.set_len(complete)?;
        f.sync_all()?;
    }
    Ok(resume)
}
