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
