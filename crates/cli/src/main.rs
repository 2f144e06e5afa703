//! The `whosaid` command: a thin shell over the library.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use whosaid::{Document, Meta, Pipeline};
use whosaid_document::output::{to_json_line, to_json_pretty};
use whosaid_lexicon::Lexicon;

#[derive(Parser)]
#[command(name = "whosaid", version, about = "Who said what: attributed statements from news text")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

mod eval_cmd;
mod eval_html_cmd;

#[derive(Subcommand)]
enum Command {
    /// Extract entities and attributed statements from articles.
    Extract(ExtractArgs),
    /// Score extraction against an annotated corpus (PolNeAR JSONL).
    Eval(eval_cmd::EvalArgs),
    /// Score main-content extraction on the HTML article benchmark.
    EvalHtml(eval_html_cmd::EvalHtmlArgs),
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    /// One JSON document per line (default for several inputs).
    Jsonl,
    /// Indented JSON (default for one input).
    Json,
    /// Human-readable: speaker | cue | kind | content.
    Table,
}

#[derive(clap::Args)]
struct ExtractArgs {
    /// Files or directories to read; "-" reads stdin.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Publication date (YYYY-MM-DD): anchors "on Wednesday", "yesterday".
    #[arg(long)]
    published: Option<String>,
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Extra lexicon entries (TOML; see crates/lexicon/src/lib.rs).
    #[arg(long)]
    lexicon: Option<PathBuf>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Extract(args) => extract(args),
        Command::Eval(args) => eval_cmd::run(args),
        Command::EvalHtml(args) => eval_html_cmd::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("whosaid: {e:#}");
            ExitCode::from(2)
        }
    }
}

pub(crate) fn load_pipeline(lexicon: Option<&PathBuf>) -> Result<Pipeline> {
    let lex = match lexicon {
        Some(path) => {
            let text =
                std::fs::read_to_string(path).with_context(|| format!("{}: cannot read lexicon", path.display()))?;
            Lexicon::with_extension(&text).with_context(|| format!("{}", path.display()))?
        }
        None => Lexicon::builtin(),
    };
    Ok(Pipeline::new(lex))
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").with_context(|| format!("--published {s}: expected YYYY-MM-DD"))
}

fn extract(args: ExtractArgs) -> Result<ExitCode> {
    let pipeline = load_pipeline(args.lexicon.as_ref())?;
    let published = args.published.as_deref().map(parse_date).transpose()?;
    let paths = whosaid_read::expand(&args.inputs).map_err(anyhow::Error::msg)?;
    let format =
        args.format.unwrap_or(if paths.len() == 1 && args.inputs[0].is_file() { Format::Json } else { Format::Jsonl });
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let mut skipped = 0usize;
    for path in &paths {
        let input = match whosaid_read::read_path(path) {
            Ok(i) => i,
            Err(e) => {
                eprintln!("whosaid: {e}");
                skipped += 1;
                continue;
            }
        };
        if input.lossy {
            eprintln!("whosaid: {}: not valid UTF-8, decoded lossily", input.source);
        }
        let meta = Meta { published, ..Meta::default() };
        let doc = pipeline.extract(&input.text, &input.source, meta);
        write_doc(&mut out, &doc, format)?;
    }
    out.flush()?;
    if skipped > 0 {
        eprintln!("whosaid: {skipped} of {} inputs skipped", paths.len());
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn write_doc(out: &mut impl Write, doc: &Document, format: Format) -> Result<()> {
    match format {
        Format::Jsonl => writeln!(out, "{}", to_json_line(doc))?,
        Format::Json => writeln!(out, "{}", to_json_pretty(doc))?,
        Format::Table => {
            writeln!(out, "# {}", doc.source)?;
            for s in &doc.statements {
                let speaker = s.speaker.map(|m| {
                    let written = doc.slice(doc.mentions[m].span);
                    match doc.entity_name(m) {
                        Some(name) if name != written => format!("{name} ({written})"),
                        _ => written.to_string(),
                    }
                });
                let cue = s.cue.map(|c| doc.slice(c)).unwrap_or("-");
                writeln!(
                    out,
                    "{} | {} | {} | {}",
                    speaker.as_deref().unwrap_or("?"),
                    cue,
                    s.kind.as_str(),
                    doc.slice(s.content).replace('\n', " ")
                )?;
            }
        }
    }
    Ok(())
}
