//! `whosaid eval`: quality against annotated data.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;

#[derive(clap::Args)]
pub struct EvalArgs {
    /// Gold corpus (PolNeAR JSONL).
    #[arg(long)]
    pub gold: PathBuf,
}

pub fn run(args: EvalArgs) -> Result<ExitCode> {
    anyhow::bail!("{}: eval is not implemented yet", args.gold.display())
}
