//! The `whosaid` command: a thin shell over the library.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use whosaid::Pipeline;
use whosaid_batch::{DocInfo, Options, OutputFormat, Profile, Renderer};
use whosaid_lexicon::Lexicon;
use whosaid_read::JsonlFields;

#[derive(Parser)]
#[command(name = "whosaid", version, about = "Who said what: attributed statements from news text")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

mod db;
mod eval_cmd;
mod eval_html_cmd;
mod export_cmd;
mod outlets_cmd;
mod queue_cmd;
mod store_cmd;
mod train_cmd;

#[derive(Subcommand)]
enum Command {
    /// Extract entities and attributed statements from articles.
    Extract(Box<ExtractArgs>),
    /// Score extraction against an annotated corpus (PolNeAR JSONL).
    Eval(eval_cmd::EvalArgs),
    /// Train the attribution model on PolNeAR (dev scores after each epoch).
    Train(train_cmd::TrainArgs),
    /// Score main-content extraction on the HTML article benchmark.
    EvalHtml(eval_html_cmd::EvalHtmlArgs),
    /// Extract (or load `whosaid extract` JSONL) and store in a SQLite database.
    Ingest(store_cmd::IngestArgs),
    /// Search stored statements.
    Search(store_cmd::SearchArgs),
    /// Top speakers in a database.
    Actors(store_cmd::ActorsArgs),
    /// One stored article with its statements.
    Show(store_cmd::ShowArgs),
    /// Serve the web app and JSON API over a database.
    Serve(store_cmd::ServeArgs),
    /// The work queue of a PostgreSQL store: add inputs, show progress.
    Queue(queue_cmd::QueueArgs),
    /// Claim queued inputs, extract and store them, until the queue is drained.
    Work(queue_cmd::WorkArgs),
    /// Compare outlets: whom they quote, how, their terminology and distinctive words.
    Outlets(outlets_cmd::OutletsArgs),
    /// Stories across outlets: articles about one event and the quotes each outlet carried.
    Stories(outlets_cmd::StoriesArgs),
    /// Tables (CSV), networks (GraphML, CSV) and DNA projects from a database.
    Export(export_cmd::ExportArgs),
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    /// One JSON document per line (default for several inputs).
    Jsonl,
    /// Indented JSON (default for one input file).
    Json,
    /// Human-readable: speaker | cue | kind | content.
    Table,
    /// The statements table (or --table codings, or --network node/edge lists) as CSV.
    Csv,
    /// A network (--network, default actor-issue) as GraphML.
    Graphml,
    /// A DNA 3 project database (needs --output).
    Dna,
    /// The statements table as Parquet (needs --output; --partition outlet|month).
    Parquet,
}

/// What of each document `extract` writes.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Debug)]
enum ProfileArg {
    /// The whole whosaid/1 document: text, spans, entities, statements (default).
    Full,
    /// Statements only, speakers resolved (whosaid-statements/1): a fraction of the size.
    Statements,
    /// One line per statement: speaker | cue | kind | content (as --format table).
    Table,
}

#[derive(clap::Args)]
struct ExtractArgs {
    /// Files (text, HTML, JSONL, WARC, WARC.gz) or directories; "-" reads stdin.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Publication date (YYYY-MM-DD) for inputs that carry none: anchors "on Wednesday".
    #[arg(long)]
    published: Option<String>,
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// What of each document is written: full, statements or table (see README "Output profiles").
    #[arg(long, value_enum)]
    profile: Option<ProfileArg>,
    /// Extra lexicon entries (TOML; see README "Extending the lexicons").
    #[arg(long)]
    lexicon: Option<PathBuf>,
    /// Issues to code statements with (TOML; see README "From statements to
    /// networks"). Without it, named entities and key noun phrases.
    #[arg(long, value_name = "PATH")]
    codebook: Option<PathBuf>,
    #[command(flatten)]
    selector: SelectorArgs,
    #[command(flatten)]
    export: export_cmd::ExportSpec,
    /// Worker threads (default: all cores). Output order never depends on it.
    #[arg(long, short = 'j')]
    jobs: Option<usize>,
    /// Write to this file instead of stdout (whole lines, fsync at the end).
    #[arg(long, short = 'o')]
    output: Option<PathBuf>,
    /// With --output: skip documents already in the file (by id) and append.
    #[arg(long, requires = "output")]
    resume: bool,
    /// Drop near-duplicate documents (wire copies) instead of only marking them.
    #[arg(long)]
    dedupe: bool,
    /// No progress line and no summary.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// JSONL field holding the article text.
    #[arg(long, default_value = "text")]
    text_field: String,
    /// JSONL field holding article HTML (used when the text field is absent).
    #[arg(long, default_value = "html")]
    html_field: String,
    #[arg(long, default_value = "id")]
    id_field: String,
    #[arg(long, default_value = "url")]
    url_field: String,
    #[arg(long, default_value = "title")]
    title_field: String,
    #[arg(long, default_value = "published")]
    published_field: String,
    #[arg(long, default_value = "outlet")]
    outlet_field: String,
}

/// More worker threads than this only costs memory.
const MAX_JOBS: usize = 256;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(args) => extract(*args),
        Command::Eval(args) => eval_cmd::run(args),
        Command::EvalHtml(args) => eval_html_cmd::run(args),
        Command::Train(args) => train_cmd::run(args),
        Command::Ingest(args) => store_cmd::ingest(args),
        Command::Search(args) => store_cmd::search(args),
        Command::Actors(args) => store_cmd::actors(args),
        Command::Show(args) => store_cmd::show(args),
        Command::Serve(args) => store_cmd::serve(args),
        Command::Queue(args) => queue_cmd::queue(args),
        Command::Work(args) => queue_cmd::work(args),
        Command::Outlets(args) => outlets_cmd::outlets(args),
        Command::Stories(args) => outlets_cmd::stories(args),
        Command::Export(args) => export_cmd::export(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("whosaid: {}", error_message(&e));
            ExitCode::from(2)
        }
    }
}

/// A failed command's message: every context once, then the error and its
/// causes, joined by ": ". The store's and readers' errors already say their
/// cause in their own words ("x.db: no such database") and also return it
/// from `source()`, as do rusqlite's and postgres's, so walking the whole
/// chain (anyhow's `{:#}`) printed each reason twice; a cause whose words
/// the message already holds ends the walk.
fn error_message(e: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if message.contains(&text) {
            break;
        }
        if !message.is_empty() {
            message.push_str(": ");
        }
        message.push_str(&text);
    }
    message
}

/// Which selector decides statements, and with which model.
#[derive(clap::Args, Clone, Debug, Default)]
pub(crate) struct SelectorArgs {
    /// Attribution model file written by `whosaid train` (default: the
    /// compiled-in model).
    #[arg(long, value_name = "PATH")]
    pub model: Option<PathBuf>,
    /// Who decides the statements: the trained model, or the rules alone (the baseline).
    #[arg(long, value_enum, default_value_t = SelectorKind::Model)]
    pub selector: SelectorKind,
}

#[derive(Clone, Copy, Debug, Default, ValueEnum, PartialEq, Eq)]
pub(crate) enum SelectorKind {
    #[default]
    Model,
    Rules,
}

impl SelectorArgs {
    pub(crate) fn selector(&self) -> Result<whosaid::Selector> {
        match (self.selector, &self.model) {
            (SelectorKind::Rules, Some(_)) => anyhow::bail!("--model cannot be used with --selector rules"),
            (SelectorKind::Rules, None) => Ok(whosaid::Selector::Rules),
            (SelectorKind::Model, None) => Ok(whosaid::Selector::builtin()?),
            (SelectorKind::Model, Some(path)) => {
                let bytes = std::fs::read(path).with_context(|| format!("{}: cannot read model", path.display()))?;
                let model = whosaid::Model::from_bytes(&bytes).with_context(|| format!("{}", path.display()))?;
                Ok(whosaid::Selector::Learned(std::sync::Arc::new(model)))
            }
        }
    }
}

pub(crate) fn load_pipeline_with(lexicon: Option<&PathBuf>, selector: &SelectorArgs) -> Result<Pipeline> {
    Ok(Pipeline::rules(load_lexicon(lexicon)?).with_selector(selector.selector()?))
}

pub(crate) fn load_lexicon(lexicon: Option<&PathBuf>) -> Result<Lexicon> {
    let lex = match lexicon {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("{}: cannot read lexicon", path.display()))?;
            Lexicon::with_extension(&text).with_context(|| format!("{}", path.display()))?
        }
        None => Lexicon::builtin(),
    };
    Ok(lex)
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate> {
    whosaid_document::dates::parse_ymd(s).with_context(|| format!("--published {s}: expected YYYY-MM-DD"))
}

fn extract(args: ExtractArgs) -> Result<ExitCode> {
    let pipeline = load_pipeline_with(args.lexicon.as_ref(), &args.selector)?;
    let pipeline = export_cmd::with_codebook(pipeline, args.codebook.as_ref())?;
    let published = args.published.as_deref().map(parse_date).transpose()?;
    // A bad path is reported and counted; the other inputs are still processed.
    let (paths, bad_paths) = whosaid_read::expand_all(&args.inputs);
    for e in &bad_paths {
        eprintln!("whosaid: {e}");
    }
    if paths.is_empty() {
        eprintln!(
            "whosaid: no input files found in {}",
            args.inputs.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
        );
        return Ok(ExitCode::from(1));
    }
    // Indented JSON only for one article file; containers (JSONL, WARC) hold many.
    let single_file = paths.len() == 1
        && args.inputs.len() == 1
        && args.inputs[0].is_file()
        && args.output.is_none()
        && whosaid_read::sniff::sniff_path(&paths[0])
            .is_ok_and(|f| matches!(f, whosaid_read::Format::Text | whosaid_read::Format::Html));
    // --profile table is --format table; the JSON formats take the other profiles.
    let profile = match (args.profile, args.format) {
        (None, _) => Profile::Full,
        (Some(ProfileArg::Table), None | Some(Format::Table)) => Profile::Table,
        (Some(ProfileArg::Table), Some(_)) => {
            anyhow::bail!("--profile table is a table: it cannot be written as --format json/jsonl or an export format")
        }
        (Some(ProfileArg::Full), _) => Profile::Full,
        (Some(ProfileArg::Statements), Some(Format::Table)) => {
            anyhow::bail!("--format table is the table profile: use --profile statements with --format json or jsonl")
        }
        (Some(ProfileArg::Statements), Some(Format::Csv | Format::Graphml | Format::Dna | Format::Parquet)) => {
            anyhow::bail!("--profile statements writes JSON; the export formats (csv, graphml, dna, parquet) have their own tables")
        }
        (Some(ProfileArg::Statements), _) => Profile::Statements,
    };
    let default_format = match profile {
        Profile::Table => Format::Table,
        _ if single_file => Format::Json,
        _ => Format::Jsonl,
    };
    let format = match args.format.unwrap_or(default_format) {
        Format::Jsonl => OutputFormat::Jsonl,
        Format::Json => OutputFormat::Json,
        Format::Table => OutputFormat::Table,
        // Export formats read the documents back from JSON lines.
        Format::Csv | Format::Graphml | Format::Dna | Format::Parquet => OutputFormat::Jsonl,
    };
    let export = match args.format {
        Some(Format::Csv) => Some(export_cmd::Target::Csv),
        Some(Format::Graphml) => Some(export_cmd::Target::Graphml),
        Some(Format::Dna) => Some(export_cmd::Target::Dna),
        Some(Format::Parquet) => Some(export_cmd::Target::Parquet),
        _ => None,
    };
    if export.is_some() && args.resume {
        anyhow::bail!("--resume works with --format jsonl only");
    }
    // Only JSONL has one whole document per line to find where a run stopped.
    if args.resume && format != OutputFormat::Jsonl {
        anyhow::bail!("--resume works with --format jsonl only (table and indented JSON cannot be resumed)");
    }
    // Resume finds where a run stopped by the ids and texts of full documents.
    if args.resume && profile != Profile::Full {
        anyhow::bail!("--resume works with --profile full only (the statements profile has no text to resume by)");
    }
    let resume = match (&args.output, args.resume) {
        (Some(out), true) => {
            whosaid_batch::prepare_resume(out).with_context(|| format!("{}: cannot resume", out.display()))?
        }
        _ => Default::default(),
    };
    let opts = Options {
        jobs: args
            .jobs
            .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1))
            .clamp(1, MAX_JOBS),
        format,
        profile,
        fields: JsonlFields {
            text: args.text_field,
            html: args.html_field,
            url: args.url_field,
            title: args.title_field,
            published: args.published_field,
            outlet: args.outlet_field,
            id: args.id_field,
        },
        published,
        drop_duplicates: args.dedupe,
        skip_ids: resume.ids,
        progress: !args.quiet,
        seen: resume.index,
        ..Options::default()
    };
    let mut report = |msg: &str| eprintln!("whosaid: {msg}");
    let summary = match (&args.output, export) {
        (output, Some(target)) => {
            export_cmd::extract_to(&pipeline, &paths, &opts, target, &args.export, output.as_deref(), args.quiet)?
        }
        (Some(out), None) => {
            let mut file = std::fs::OpenOptions::new()
                .create(true)
                .append(args.resume)
                .write(true)
                .truncate(!args.resume)
                .open(out)
                .with_context(|| format!("{}: cannot open for writing", out.display()))?;
            // One write per document: a killed run leaves whole lines behind.
            let mut renderer = Renderer::new(format, profile);
            let mut sink = |doc: &whosaid::Document, _: &DocInfo| file.write_all(renderer.render_line(doc));
            let summary = whosaid_batch::run_documents(&pipeline, &paths, &opts, &mut sink, &mut report)?;
            // Only regular files can be synced (not /dev/null, a pipe or a terminal).
            if file.metadata().is_ok_and(|m| m.is_file()) {
                file.sync_all().with_context(|| format!("{}: cannot sync", out.display()))?;
            }
            summary
        }
        (None, None) => {
            let stdout = std::io::stdout();
            let mut out = std::io::BufWriter::with_capacity(256 * 1024, stdout.lock());
            let mut renderer = Renderer::new(format, profile);
            let mut sink = |doc: &whosaid::Document, _: &DocInfo| out.write_all(renderer.render_line(doc));
            let summary = whosaid_batch::run_documents(&pipeline, &paths, &opts, &mut sink, &mut report)?;
            out.flush()?;
            summary
        }
    };
    let errors = summary.errors + bad_paths.len() + summary.truncated;
    // Records skipped by design (WARC requests, non-HTML responses) are counted
    // in the summary but are not problems; anything that could not be read is.
    let problems = errors > 0;
    if !args.quiet && (problems || summary.skipped_records > 0 || summary.documents + summary.resumed_skips > 1) {
        eprintln!(
            "whosaid: {} documents, {} statements, {} errors{}, {} records skipped, {} near-duplicates{}{}{}",
            summary.documents,
            summary.statements,
            errors,
            if summary.truncated > 0 {
                format!(" ({} pages cut at the HTML limit)", summary.truncated)
            } else {
                String::new()
            },
            summary.skipped_records,
            summary.duplicates,
            if summary.dropped_duplicates > 0 { " (dropped)" } else { "" },
            if summary.resumed_skips > 0 {
                format!(", {} already in output", summary.resumed_skips)
            } else {
                String::new()
            },
            if summary.split > 0 { format!(", {} oversized documents split", summary.split) } else { String::new() },
        );
    }
    Ok(if problems { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

#[cfg(test)]
mod tests {
    use super::error_message;

    #[test]
    fn a_cause_already_in_the_message_is_not_repeated() {
        let missing = std::io::Error::new(std::io::ErrorKind::NotFound, "no such database");
        let e = anyhow::Error::new(whosaid_store::Error::io("/x/a.db", missing));
        assert_eq!(format!("{e:#}"), "/x/a.db: no such database: no such database", "the chain repeats it");
        assert_eq!(error_message(&e), "/x/a.db: no such database");
        // A context that does not say its cause keeps it.
        let e = anyhow::Error::new(std::io::Error::new(std::io::ErrorKind::NotFound, "not found"))
            .context("model.bin: cannot read model");
        assert_eq!(error_message(&e), "model.bin: cannot read model: not found");
        let e = anyhow::Error::new(whosaid_store::Error::io("/x/a.db", std::io::Error::other("denied")))
            .context("ingest stopped");
        assert_eq!(error_message(&e), "ingest stopped: /x/a.db: denied");
    }
}
