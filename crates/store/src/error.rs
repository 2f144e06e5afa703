//! The store's error type, shared by both backends: the caller's mistakes,
//! I/O, the database engine's own errors, a cancelled query and what a
//! backend cannot do are separate variants, so callers (the server's status
//! mapping, the CLI) decide by variant, never by reading the message.

use std::error::Error as StdError;
use std::fmt;

use crate::query::FilterError;

/// The database engine behind a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// The SQLite file store (`Store`).
    Sqlite,
    /// The PostgreSQL store (whosaid-store-pg).
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        })
    }
}

/// Why a request was refused: the caller's fault (the server answers 400).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InvalidReason {
    /// A search or listing filter.
    Filter(FilterError),
    /// A `--db` value naming nothing this build can open (the value, password hidden).
    Target {
        /// The `--db` value, password hidden.
        db: String,
        /// Why it cannot be opened.
        reason: String,
    },
    /// An actor correction (`merge` / `split`) that cannot be applied.
    Correction(String),
    /// A server setting refused (a reachable host without a token, an unusable token).
    Config(String),
}

impl fmt::Display for InvalidReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InvalidReason::Filter(e) => e.fmt(f),
            InvalidReason::Target { db, reason } => write!(f, "--db {db}: {reason}"),
            InvalidReason::Correction(m) | InvalidReason::Config(m) => f.write_str(m),
        }
    }
}

/// A store error.
#[derive(Debug)]
pub enum Error {
    /// The caller's request is wrong (a 4xx).
    Invalid(InvalidReason),
    /// Reading or writing a file or socket failed; `path` names it (a file,
    /// an address to listen on).
    Io {
        /// The file or address.
        path: String,
        /// The system's error.
        source: std::io::Error,
    },
    /// The database engine failed. `context` says where (the database file or
    /// URL, and the step when it is not a plain query); `source` is the
    /// engine's error (`rusqlite::Error` for SQLite, the PostgreSQL store's
    /// own wrapper of the server's error, or the last message of a retried
    /// transaction).
    Database {
        /// Which engine failed.
        backend: Backend,
        /// The database and the step.
        context: String,
        /// The engine's own error.
        source: Box<dyn StdError + Send + Sync>,
    },
    /// The database's schema is not the version this build reads.
    Schema {
        /// The database file or URL.
        database: String,
        /// The version it has.
        found: i64,
        /// The version this build reads.
        expected: i64,
    },
    /// A stored or given document that cannot be encoded or read back
    /// (damaged compressed JSON, an unknown stored state).
    Data {
        /// The document (its key or row).
        what: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A query was cancelled before it finished: the SQLite progress handler
    /// interrupted it, or PostgreSQL's `statement_timeout` fired (SQLSTATE 57014).
    Interrupted {
        /// The engine that cancelled it.
        backend: Backend,
    },
    /// This backend cannot answer it yet (the server answers 501).
    Unsupported(String),
}

impl Error {
    /// A database error with where it happened.
    pub fn database(
        backend: Backend,
        context: impl Into<String>,
        source: impl Into<Box<dyn StdError + Send + Sync>>,
    ) -> Error {
        Error::Database { backend, context: context.into(), source: source.into() }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<String>, source: std::io::Error) -> Error {
        Error::Io { path: path.into(), source }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(r) => r.fmt(f),
            Error::Io { path, source } => write!(f, "{path}: {source}"),
            Error::Database { context, source, .. } => write!(f, "{context}: {source}"),
            Error::Schema { database, found, expected } if found > expected => {
                write!(f, "{database}: database schema version {found} is newer than this whosaid (version {expected})")
            }
            Error::Schema { database, found, expected } => write!(
                f,
                "{database}: schema version {found}, this whosaid reads version {expected} (run `whosaid ingest` on \
                 it once to migrate)"
            ),
            Error::Data { what, reason } => write!(f, "{what}: {reason}"),
            Error::Interrupted { backend } => write!(f, "{backend}: the query was interrupted (it ran too long)"),
            Error::Unsupported(m) => f.write_str(m),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Database { source, .. } => Some(source.as_ref()),
            Error::Invalid(InvalidReason::Filter(e)) => Some(e),
            _ => None,
        }
    }
}

/// A SQLite error from a plain query: interrupted by the progress handler
/// (the server's timeout) is [`Error::Interrupted`], anything else
/// [`Error::Database`].
impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Error {
        sqlite_error("database", e)
    }
}

impl From<FilterError> for Error {
    fn from(e: FilterError) -> Error {
        Error::Invalid(InvalidReason::Filter(e))
    }
}

/// A SQLite error with `context`, typed as [`From<rusqlite::Error>`] does.
pub(crate) fn sqlite_error(context: impl Into<String>, e: rusqlite::Error) -> Error {
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted) {
        Error::Interrupted { backend: Backend::Sqlite }
    } else {
        Error::database(Backend::Sqlite, context, e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_interrupted_sqlite_query_is_its_own_variant() {
        let conn = rusqlite::Connection::open_in_memory().unwrap();
        conn.progress_handler(1, Some(|| true));
        let e: Error = conn
            .query_row(
                "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
                [],
                |r| r.get::<_, i64>(0),
            )
            .unwrap_err()
            .into();
        assert!(matches!(e, Error::Interrupted { backend: Backend::Sqlite }), "{e:?}");
        conn.progress_handler(0, None::<fn() -> bool>);
        let e: Error = conn.execute("INSERT INTO nowhere VALUES (1)", []).unwrap_err().into();
        assert!(matches!(e, Error::Database { backend: Backend::Sqlite, .. }), "{e:?}");
        assert!(e.to_string().starts_with("database: no such table: nowhere"), "{e}");
    }

    #[test]
    fn messages_name_the_file_and_the_reason() {
        let e = Error::io("/x/tokens", std::io::Error::new(std::io::ErrorKind::NotFound, "not found"));
        assert_eq!(e.to_string(), "/x/tokens: not found");
        assert!(StdError::source(&e).is_some());
        let s = |found, expected| Error::Schema { database: "a.db".into(), found, expected }.to_string();
        assert_eq!(s(9, 4), "a.db: database schema version 9 is newer than this whosaid (version 4)");
        assert!(s(2, 4).contains("run `whosaid ingest` on it once to migrate"), "{}", s(2, 4));
        let e: Error = FilterError::Sort("best".into()).into();
        assert_eq!(e.to_string(), "sort 'best': expected relevance, newest or oldest");
        let t = Error::Invalid(InvalidReason::Target { db: "mysql://h/d".into(), reason: "unsupported".into() });
        assert_eq!(t.to_string(), "--db mysql://h/d: unsupported");
    }
}
