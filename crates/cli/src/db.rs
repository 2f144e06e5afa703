//! `--db`: a SQLite file path or a `postgres://` URL, opened behind the
//! store interface ([`StatementStore`]) so every store command works on both.

use std::path::Path;

use anyhow::Result;
use whosaid_store::backend::{StatementStore, Target};
use whosaid_store::Store;
use whosaid_store_pg::PgStore;

/// Opens for writing (creating and migrating as needed).
pub fn open_store(db: &Path) -> Result<Box<dyn StatementStore>> {
    Ok(match Target::parse(db)? {
        Target::Sqlite(p) => Box::new(Store::open(&p)?),
        Target::Postgres(url) => Box::new(PgStore::open(&url)?),
    })
}

/// Opens an existing store for reading.
pub fn open_store_read_only(db: &Path) -> Result<Box<dyn StatementStore>> {
    Ok(match Target::parse(db)? {
        Target::Sqlite(p) => Box::new(Store::open_read_only(&p)?),
        Target::Postgres(url) => Box::new(PgStore::open_read_only(&url)?),
    })
}

/// Opens a store that must be PostgreSQL (the work queue lives there).
pub fn open_pg(db: &Path, what: &str) -> Result<PgStore> {
    match Target::parse(db)? {
        Target::Postgres(url) => Ok(PgStore::open(&url)?),
        Target::Sqlite(p) => anyhow::bail!(
            "{what}: --db {} is a SQLite file; the work queue needs a PostgreSQL database (--db postgres://…)",
            p.display()
        ),
    }
}

/// `--db` as shown in messages (a URL's password hidden).
pub fn shown(db: &Path) -> String {
    whosaid_store::backend::redact_url(&db.to_string_lossy())
}
