//! Schema migrations. `PRAGMA user_version` is the schema version; each entry
//! of [`MIGRATIONS`] moves the database one version up and runs in its own
//! transaction. Never edit a released migration: append a new one.

/// `MIGRATIONS[i]` upgrades a database from version `i` to `i + 1`.
pub const MIGRATIONS: &[&str] = &[
    // v1: documents, cross-document actors, per-document entities and mentions,
    // statements, and FTS5 indexes over article text and statement content.
    r#"
CREATE TABLE documents (
    id            INTEGER PRIMARY KEY,
    doc_key       TEXT NOT NULL UNIQUE,      -- meta.id, else the source path
    content_hash  TEXT NOT NULL,             -- FNV-1a 128 of the cleaned text
    json_hash     TEXT NOT NULL,             -- FNV-1a 128 of the stored JSON (unchanged re-ingests are skipped)
    source        TEXT NOT NULL,
    title         TEXT,
    url           TEXT,
    outlet        TEXT,                      -- meta.outlet, else the URL's host
    site          TEXT,                      -- the URL's host without www.
    byline        TEXT,
    published     TEXT,                      -- YYYY-MM-DD
    headline      TEXT,
    text          TEXT NOT NULL,
    duplicate_of  TEXT,
    n_statements  INTEGER NOT NULL,
    json          BLOB NOT NULL,             -- the whosaid/1 document, deflate-compressed
    ingested_at   TEXT NOT NULL
);
CREATE INDEX documents_hash ON documents(content_hash);
CREATE INDEX documents_published ON documents(published);

CREATE TABLE actors (
    id    INTEGER PRIMARY KEY,
    norm  TEXT NOT NULL,                     -- normalised name, see normalise_name
    type  TEXT NOT NULL,
    name  TEXT NOT NULL,                     -- display form (first seen)
    UNIQUE (norm, type)
);
CREATE TABLE actor_aliases (
    actor_id  INTEGER NOT NULL REFERENCES actors(id),
    alias     TEXT NOT NULL,
    PRIMARY KEY (actor_id, alias)
) WITHOUT ROWID;
CREATE INDEX actor_aliases_alias ON actor_aliases(alias COLLATE NOCASE);

CREATE TABLE entities (
    doc_id      INTEGER NOT NULL REFERENCES documents(id),
    idx         INTEGER NOT NULL,
    actor_id    INTEGER REFERENCES actors(id),
    name        TEXT NOT NULL,
    type        TEXT NOT NULL,
    titles      TEXT NOT NULL,               -- JSON array
    metonym_of  TEXT,
    PRIMARY KEY (doc_id, idx)
) WITHOUT ROWID;
CREATE INDEX entities_actor ON entities(actor_id);

CREATE TABLE mentions (
    doc_id      INTEGER NOT NULL REFERENCES documents(id),
    entity_idx  INTEGER NOT NULL,
    start       INTEGER NOT NULL,            -- code points into documents.text
    end         INTEGER NOT NULL,
    text        TEXT NOT NULL,
    kind        TEXT NOT NULL
);
CREATE INDEX mentions_doc ON mentions(doc_id, entity_idx);

CREATE TABLE statements (
    id                INTEGER PRIMARY KEY,
    doc_id            INTEGER NOT NULL REFERENCES documents(id),
    idx               INTEGER NOT NULL,
    kind              TEXT NOT NULL,
    content           TEXT NOT NULL,
    content_start     INTEGER NOT NULL,
    content_end       INTEGER NOT NULL,
    cue               TEXT,
    cue_lemma         TEXT,
    cue_start         INTEGER,
    cue_end           INTEGER,
    speaker_text      TEXT,
    speaker_name      TEXT,
    speaker_type      TEXT,
    speaker_entity    INTEGER,
    speaker_actor     INTEGER REFERENCES actors(id),
    speaker_start     INTEGER,
    speaker_end       INTEGER,
    addressee_text    TEXT,
    addressee_name    TEXT,
    addressee_type    TEXT,
    addressee_entity  INTEGER,
    addressee_actor   INTEGER REFERENCES actors(id),
    time_text         TEXT,
    time_date         TEXT,
    published         TEXT,                  -- copied from the document for filters
    outlet            TEXT,                  -- copied from the document for filters
    site              TEXT,                  -- copied from the document for filters
    confidence        REAL NOT NULL,
    rule              TEXT NOT NULL,
    UNIQUE (doc_id, idx)
);
CREATE INDEX statements_actor ON statements(speaker_actor, published);
CREATE INDEX statements_published ON statements(published);
CREATE INDEX statements_outlet ON statements(outlet COLLATE NOCASE);
CREATE INDEX statements_site ON statements(site);

CREATE VIRTUAL TABLE statements_fts USING fts5(
    content, content='statements', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER statements_ai AFTER INSERT ON statements BEGIN
    INSERT INTO statements_fts(rowid, content) VALUES (new.id, new.content);
END;
CREATE TRIGGER statements_ad AFTER DELETE ON statements BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, content) VALUES ('delete', old.id, old.content);
END;
CREATE TRIGGER statements_au AFTER UPDATE OF content ON statements BEGIN
    INSERT INTO statements_fts(statements_fts, rowid, content) VALUES ('delete', old.id, old.content);
    INSERT INTO statements_fts(rowid, content) VALUES (new.id, new.content);
END;

CREATE VIRTUAL TABLE documents_fts USING fts5(
    title, text, content='documents', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
END;
CREATE TRIGGER documents_au AFTER UPDATE OF title, text ON documents BEGIN
    INSERT INTO documents_fts(documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
    INSERT INTO documents_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
END;
"#,
    // v2: actor linking across spellings (see link.rs): user corrections that
    // every re-link respects, and the evidence for each merged name.
    r#"
CREATE TABLE actor_overrides (
    id    INTEGER PRIMARY KEY,
    kind  TEXT NOT NULL CHECK (kind IN ('merge', 'split')),
    a     TEXT NOT NULL,                     -- normalised names (normalise_name)
    b     TEXT NOT NULL,
    UNIQUE (kind, a, b)
);
CREATE TABLE actor_links (
    norm      TEXT NOT NULL,                 -- a name key linked to another actor
    type      TEXT NOT NULL,
    actor_id  INTEGER NOT NULL REFERENCES actors(id),
    rule      TEXT NOT NULL,                 -- spelling, surname, user-merge
    evidence  TEXT NOT NULL,
    PRIMARY KEY (norm, type)
);
"#,
    // v3: contested terms (the terminology stage's annotations), for the
    // outlet comparison. Documents stored before v3 have none until re-ingested.
    r#"
CREATE TABLE terms (
    doc_id      INTEGER NOT NULL REFERENCES documents(id),
    start       INTEGER NOT NULL,            -- code points into documents.text
    end         INTEGER NOT NULL,
    text        TEXT NOT NULL,               -- as written
    term        TEXT NOT NULL,               -- the lexicon form
    grp         TEXT NOT NULL,               -- the contested referent
    kind        TEXT NOT NULL,               -- place, name, phrase
    variant_of  TEXT NOT NULL
);
CREATE INDEX terms_doc ON terms(doc_id);
CREATE INDEX terms_group ON terms(grp, term);
"#,
    // v4: the coding stage's annotations as rows (also inside the stored
    // JSON): issues with the speaker's stance, and actors referred to in a
    // statement's content (speaker → target edges).
    r#"
CREATE TABLE statement_issues (
    statement_id  INTEGER NOT NULL REFERENCES statements(id),
    issue         TEXT NOT NULL,
    category      TEXT,                      -- codebook categories, ' / '-joined
    origin        TEXT NOT NULL,             -- codebook, entity, phrase
    stance        TEXT NOT NULL,             -- support, oppose, unknown
    confidence    REAL NOT NULL,
    term          TEXT NOT NULL,
    rule          TEXT NOT NULL
);
CREATE INDEX statement_issues_statement ON statement_issues(statement_id);
CREATE INDEX statement_issues_issue ON statement_issues(issue, stance);
CREATE TABLE statement_targets (
    statement_id  INTEGER NOT NULL REFERENCES statements(id),
    entity_idx    INTEGER,
    name          TEXT NOT NULL,
    type          TEXT NOT NULL
);
CREATE INDEX statement_targets_statement ON statement_targets(statement_id);
"#,
];

/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;
