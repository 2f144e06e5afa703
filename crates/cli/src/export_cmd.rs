//! `whosaid export` and the export formats of `whosaid extract --format`:
//! flags and files only; the tables and networks are built in whosaid-export.

use std::path::PathBuf;

use anyhow::{Context, Result};
use whosaid::Pipeline;

/// The pipeline coding with the codebook at `path` (when given).
pub(crate) fn with_codebook(pipeline: Pipeline, path: Option<&PathBuf>) -> Result<Pipeline> {
    let Some(path) = path else { return Ok(pipeline) };
    let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read codebook", path.display()))?;
    let book = whosaid::coding::Codebook::from_toml(&text).with_context(|| format!("{}", path.display()))?;
    Ok(pipeline.with_codebook(book))
}

use std::io::Write;
use std::process::ExitCode;

use whosaid_export::network::{self, Aggregation, Kind, Normalisation};
use whosaid_export::rows::{Actor, Corpus, Filter};

/// Where an export goes and in which form.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Target {
    /// A table (statements or codings), or with --network its node and edge lists.
    Csv,
    /// A network as plain GraphML (Gephi, networkx, igraph).
    Graphml,
    /// A DNA 3 project database (SQLite) with the documents and coded statements.
    Dna,
    /// The statements table as Parquet (a file, or a directory with --partition).
    Parquet,
}

/// What to export and which statements: shared by `whosaid export` and the
/// export formats of `whosaid extract`.
#[derive(clap::Args, Clone, Debug, Default)]
pub(crate) struct ExportSpec {
    /// Table for CSV: statements (one row each) or codings (one row per statement × issue).
    #[arg(long, value_name = "TABLE", default_value = "statements")]
    pub table: String,
    /// Network: actor-issue, congruence, conflict, subtract, cooccurrence, speaker-target
    /// (default for GraphML: actor-issue).
    #[arg(long, value_name = "KIND")]
    pub network: Option<String>,
    /// Two-mode aggregation of agreement: ignore, subtract, combine, split.
    #[arg(long, value_name = "HOW", default_value = "ignore")]
    pub aggregation: String,
    /// Normalisation: no; activity or prominence (two-mode); average, jaccard or cosine (one-mode).
    #[arg(long, value_name = "HOW", default_value = "no")]
    pub normalisation: String,
    /// Codings with a lower stance confidence count as unknown in networks.
    #[arg(long, value_name = "X", default_value_t = 0.0)]
    pub min_confidence: f32,
    /// Only documents published on or after this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub from: Option<String>,
    /// Only documents published on or before this date (YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub to: Option<String>,
    /// Only these outlets (repeatable).
    #[arg(long = "outlet", value_name = "NAME")]
    pub outlets: Vec<String>,
    /// Parquet: one file (none), or a directory of Hive partitions by outlet or month.
    #[arg(long, value_name = "BY", default_value = "none")]
    pub partition: String,
    /// Only these statement kinds (repeatable): direct, indirect, mixed, belief.
    #[arg(long = "kind", value_name = "KIND")]
    pub kinds: Vec<String>,
}

#[derive(clap::Args)]
pub(crate) struct ExportArgs {
    /// The database (written by `whosaid ingest`): a SQLite file or a
    /// postgres:// URL, here or as --db.
    #[arg(value_name = "DB", required_unless_present = "db_flag", conflicts_with = "db_flag")]
    pub db: Option<PathBuf>,
    /// The database, as every other store command takes it.
    #[arg(long = "db", value_name = "DB")]
    pub db_flag: Option<PathBuf>,
    #[arg(long, value_enum)]
    pub format: Target,
    /// Output file (for CSV node/edge lists: the prefix of PREFIX.nodes.csv and
    /// PREFIX.edges.csv). Tables and GraphML go to stdout without it.
    #[arg(long, short = 'o')]
    pub output: Option<PathBuf>,
    #[command(flatten)]
    pub spec: ExportSpec,
    #[arg(long, short = 'q')]
    pub quiet: bool,
}

impl ExportSpec {
    fn filter(&self) -> Result<Filter> {
        for (name, d) in [("--from", &self.from), ("--to", &self.to)] {
            if let Some(d) = d {
                whosaid_document::dates::parse_ymd(d).with_context(|| format!("{name} {d}: expected YYYY-MM-DD"))?;
            }
        }
        for k in &self.kinds {
            if whosaid_document::StatementKind::parse(k).is_none() {
                anyhow::bail!("--kind {k}: expected direct, indirect, mixed or belief");
            }
        }
        Ok(Filter {
            from: self.from.clone(),
            to: self.to.clone(),
            outlets: self.outlets.clone(),
            kinds: self.kinds.clone(),
        })
    }
}

/// `whosaid export DB …`
pub(crate) fn export(args: ExportArgs) -> Result<ExitCode> {
    let filter = args.spec.filter()?;
    let Some(db) = args.db.as_ref().or(args.db_flag.as_ref()) else {
        anyhow::bail!("give the database: DB or --db DB")
    };
    let mut store = crate::db::open_store_read_only(db)?;
    let mut corpus = Corpus::default();
    store
        .for_each_document(&mut |doc, actors| {
            let resolve = |e: usize| {
                actors.get(e).cloned().flatten().map(|(id, name, etype)| Actor {
                    key: format!("actor:{id}"),
                    name,
                    etype,
                })
            };
            corpus.push(&doc, &filter, &resolve);
        })
        .map_err(|e| anyhow::anyhow!("{}: {e}", crate::db::shown(db)))?;
    emit(&corpus, args.format, &args.spec, args.output.as_deref(), args.quiet)?;
    Ok(ExitCode::SUCCESS)
}

/// `whosaid extract --format csv|graphml|dna`: documents stream through the
/// batch runner, each turned into its rows in memory (no JSON text written or
/// parsed back), and the export is written at the end.
pub(crate) fn extract_to(
    pipeline: &Pipeline,
    paths: &[PathBuf],
    opts: &whosaid_batch::Options,
    target: Target,
    spec: &ExportSpec,
    output: Option<&std::path::Path>,
    quiet: bool,
) -> Result<whosaid_batch::Summary> {
    let filter = spec.filter()?;
    let mut corpus = Corpus::default();
    let mut sink = |doc: &whosaid::Document, _: &whosaid_batch::DocInfo| -> std::io::Result<()> {
        corpus.push(&whosaid_document::output::JsonDocument::from_document(doc), &filter, &|_| None);
        Ok(())
    };
    let mut report = |msg: &str| eprintln!("whosaid: {msg}");
    let summary = whosaid_batch::run_documents(pipeline, paths, opts, &mut sink, &mut report)?;
    emit(&corpus, target, spec, output, quiet)?;
    Ok(summary)
}

fn write_out(path: Option<&std::path::Path>, text: &str) -> Result<()> {
    match path {
        Some(p) => whosaid_export::write_file(p, text.as_bytes())?,
        None => {
            let mut out = std::io::stdout().lock();
            out.write_all(text.as_bytes())?;
            out.flush()?;
        }
    }
    Ok(())
}

fn emit(
    corpus: &Corpus,
    target: Target,
    spec: &ExportSpec,
    output: Option<&std::path::Path>,
    quiet: bool,
) -> Result<()> {
    let say = |msg: String| {
        if !quiet {
            eprintln!("whosaid: {msg}");
        }
    };
    let build = |default: Option<&str>| -> Result<Option<network::Network>> {
        let Some(kind) = spec.network.as_deref().or(default) else { return Ok(None) };
        let opts = network::Options {
            aggregation: Aggregation::parse(&spec.aggregation)?,
            normalisation: Normalisation::parse(&spec.normalisation)?,
            min_confidence: spec.min_confidence,
        };
        Ok(Some(network::build(corpus, Kind::parse(kind)?, &opts)?))
    };
    match target {
        Target::Csv => match build(None)? {
            None => {
                let text = match spec.table.as_str() {
                    "statements" => whosaid_export::table::statements_csv(corpus),
                    "codings" => whosaid_export::table::codings_csv(corpus),
                    t => anyhow::bail!("--table {t}: expected statements or codings"),
                };
                write_out(output, &text)?;
                say(format!(
                    "{} statements of {} documents ({})",
                    corpus.rows.len(),
                    corpus.documents.len(),
                    spec.table
                ));
            }
            Some(net) => {
                let Some(prefix) = output else {
                    anyhow::bail!("--format csv with --network writes two files: give --output PREFIX")
                };
                let prefix = prefix.to_string_lossy();
                let prefix = prefix.strip_suffix(".csv").unwrap_or(&prefix);
                let (nodes, edges) = whosaid_export::graphml::to_csv(&net);
                let (np, ep) = (format!("{prefix}.nodes.csv"), format!("{prefix}.edges.csv"));
                whosaid_export::write_file(std::path::Path::new(&np), nodes.as_bytes())?;
                whosaid_export::write_file(std::path::Path::new(&ep), edges.as_bytes())?;
                say(format!("{} network: {} nodes, {} edges → {np}, {ep}", net.name, net.nodes.len(), net.edges.len()));
            }
        },
        Target::Graphml => {
            let net = build(Some("actor-issue"))?.expect("a default network");
            write_out(output, &whosaid_export::graphml::to_graphml(&net))?;
            say(format!("{} network: {} nodes, {} edges", net.name, net.nodes.len(), net.edges.len()));
        }
        Target::Parquet => {
            let Some(path) = output else { anyhow::bail!("--format parquet writes files: give --output PATH") };
            let partition = whosaid_export::parquet_out::Partition::parse(&spec.partition)?;
            let files = whosaid_export::parquet_out::write(corpus, path, partition)?;
            say(format!(
                "{} statements of {} documents → {} Parquet file(s) under {}",
                corpus.rows.len(),
                corpus.documents.len(),
                files.len(),
                path.display()
            ));
        }
        Target::Dna => {
            let Some(path) = output else {
                anyhow::bail!("--format dna writes a database file: give --output FILE.dna")
            };
            let w = whosaid_export::dna::write(corpus, path)?;
            say(format!(
                "DNA project {}: {} documents, {} coded statements, {} annotations (coders Admin and whosaid, password \"{}\")",
                path.display(),
                w.documents,
                w.coded,
                w.annotations,
                whosaid_export::dna::PASSWORD
            ));
        }
    }
    Ok(())
}
