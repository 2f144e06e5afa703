//! whosaid-export: statements as the data researchers analyse.
//!
//! Everything starts from [`rows::Corpus`], a flat view of `whosaid/1`
//! documents (one [`rows::StatementRow`] per statement, its coded issues and
//! targets, and the documents' text for the DNA project), built either from
//! `whosaid extract` output or from a database (actors then come from the
//! store's cross-document linking). From it:
//!
//! - [`table`]: the statements table and the long codings table, CSV
//!   (RFC 4180: CRLF line ends, fields quoted when needed, UTF-8, header);
//! - [`network`]: discourse networks as DNA defines them (actor × issue,
//!   actor × actor congruence / conflict, speaker → target), with DNA's
//!   aggregations and normalisations;
//! - [`graphml`]: plain GraphML with declared attributes (Gephi, networkx,
//!   igraph) and CSV node + edge lists;
//! - [`dna`]: a DNA 3 project database (SQLite, DNA's 16 tables) with the
//!   documents and the pre-coded statements, for review in DNA.
//!
//! Output is deterministic: rows in corpus order, nodes and edges sorted.
#![deny(missing_docs)]

pub mod dna;
pub mod graphml;
pub mod network;
pub mod parquet_out;
pub mod rows;
mod sha256;
pub mod table;

use std::fmt;
use std::path::Path;

/// An export failure, naming the file and the reason.
#[derive(Debug)]
pub enum ExportError {
    /// A file could not be read or written.
    Io {
        /// The file.
        path: String,
        /// Why.
        reason: String,
    },
    /// The store (or the DNA database being written) refused.
    Db {
        /// The database file.
        path: String,
        /// The engine's message.
        reason: String,
    },
    /// An option value the export does not know.
    UnknownValue {
        /// The option ("network", "aggregation", …).
        option: &'static str,
        /// The value as given.
        value: String,
        /// The values it takes, comma-separated.
        expected: &'static str,
    },
    /// Options that do not go together (the message says why).
    Incompatible(&'static str),
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportError::Io { path, reason } | ExportError::Db { path, reason } => write!(f, "{path}: {reason}"),
            ExportError::UnknownValue { option, value, expected } => {
                write!(f, "unknown {option} {value:?} ({expected})")
            }
            ExportError::Incompatible(why) => f.write_str(why),
        }
    }
}

impl std::error::Error for ExportError {}

/// What the exports return.
pub type Result<T> = std::result::Result<T, ExportError>;

pub(crate) fn io_err(path: &Path, e: impl fmt::Display) -> ExportError {
    ExportError::Io { path: path.display().to_string(), reason: e.to_string() }
}

/// Writes `bytes` to `path` whole (a temporary file renamed into place, so a
/// failed export never leaves half a file under the final name).
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension(format!(
        "{}.tmp",
        path.extension().map(|e| e.to_string_lossy().to_string()).unwrap_or_default()
    ));
    std::fs::write(&tmp, bytes).map_err(|e| io_err(path, format!("cannot write: {e}")))?;
    std::fs::rename(&tmp, path).map_err(|e| io_err(path, format!("cannot write: {e}")))
}
