//! `whosaid eval`: quality against annotated data (PolNeAR JSONL).
//!
//! Scoring is defined in `whosaid_eval::score`; the README of the data folder
//! (`../shared/data/README.md`) gives the reference systems shown beside ours.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use whosaid_eval::{errors::render_errors, evaluate, parse_jsonl, render_table};

#[derive(clap::Args)]
pub struct EvalArgs {
    /// Gold corpus (PolNeAR JSONL), e.g. ../shared/data/polnear/dev.jsonl.
    #[arg(long)]
    pub gold: PathBuf,
    /// Also list N misses, N false alarms and N wrong speakers, most
    /// frequent patterns first.
    #[arg(long, value_name = "N")]
    pub errors: Option<usize>,
    /// Print one JSON object with every score instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Exit with code 1 when end-to-end F1 is below X (a CI ratchet; see
    /// ci/eval-floor.txt).
    #[arg(long, value_name = "X")]
    pub min_e2e_f1: Option<f64>,
    /// Score only the first N articles.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Extra lexicon entries (TOML).
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    #[command(flatten)]
    pub selector: crate::SelectorArgs,
}

pub fn run(args: EvalArgs) -> Result<ExitCode> {
    if !args.gold.is_file() {
        anyhow::bail!(
            "{}: gold file not found (expected PolNeAR JSONL, e.g. ../shared/data/polnear/dev.jsonl)",
            args.gold.display()
        );
    }
    let text = std::fs::read_to_string(&args.gold)
        .with_context(|| format!("{}: cannot read gold file", args.gold.display()))?;
    let mut articles = parse_jsonl(&text)
        .map_err(anyhow::Error::msg)
        .with_context(|| format!("{}: not PolNeAR JSONL", args.gold.display()))?;
    if let Some(n) = args.limit {
        articles.truncate(n);
    }
    let pipeline = crate::load_pipeline_with(args.lexicon.as_ref(), &args.selector)?;
    let ev = evaluate(&pipeline, &articles);
    let report = ev.report();
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        println!("gold: {}", args.gold.display());
        print!("{}", render_table(&report));
    }
    if let Some(n) = args.errors {
        // Keep stdout a single JSON object under --json.
        if args.json {
            eprint!("{}", render_errors(&ev, n));
        } else {
            println!();
            print!("{}", render_errors(&ev, n));
        }
    }
    if let Some(floor) = args.min_e2e_f1 {
        let f1 = report.scores.end_to_end.f1;
        if f1 < floor {
            eprintln!("whosaid eval: end-to-end F1 {f1:.4} is below the floor {floor}");
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}
