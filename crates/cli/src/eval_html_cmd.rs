//! `whosaid eval-html`: main-content extraction against the article benchmark.
//! All loading and scoring lives in `whosaid_eval::article_extraction`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use whosaid_eval::article_extraction as bench;

#[derive(clap::Args)]
pub struct EvalHtmlArgs {
    /// Benchmark folder (with html/ and ground-truth.json).
    #[arg(long, default_value = bench::DEFAULT_DIR)]
    pub data: PathBuf,
    /// Print the scores as JSON.
    #[arg(long)]
    pub json: bool,
}

pub fn run(args: EvalHtmlArgs) -> Result<ExitCode> {
    let pages = bench::load(&args.data)?;
    let report = bench::run_default(&pages);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&bench::report_json(&report))?);
    } else {
        print!("{}", bench::format_table(&report, &args.data.display().to_string()));
    }
    Ok(ExitCode::SUCCESS)
}
