//! `whosaid eval-html`: main-content extraction against the article benchmark.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

#[derive(clap::Args)]
pub struct EvalHtmlArgs {
    /// Benchmark folder (with html/ and ground-truth.json).
    #[arg(long, default_value = "../shared/data/article-extraction")]
    pub data: PathBuf,
}

pub fn run(args: EvalHtmlArgs) -> Result<ExitCode> {
    anyhow::bail!("{}: eval-html is not implemented yet", args.data.display())
}
