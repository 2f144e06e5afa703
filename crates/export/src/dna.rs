//! A DNA 3 project database (SQLite, the layout of `sql/Sql.java` described in
//! `../shared/reference/dna-format.md` §1) holding the documents and the
//! pre-coded statements, so a DNA user can open, review and correct them.
//!
//! Content follows a new DNA project: settings `version` 3.0.11.5 (opened by
//! DNA 3.0 and 3.1), statement types 1–3 with variables 1–11 and the Type /
//! Alias / Notes attribute variables; coder 1 `Admin` plus coder 2
//! `whosaid` (the machine's statements stand out, and DNA's importer matches
//! coders by name), both with password [`PASSWORD`] and relations both ways.
//!
//! Each statement × issue with a known stance is a `DNA Statement` (type 1):
//! person or organization (the speaker, by type; the other ''), concept
//! (the issue), agreement (1 support, 0 oppose). Statements with no issue
//! or an unknown stance become `Annotation`s (type 3) whose note says what
//! whosaid found, for the coder to decide. Start/Stop are UTF-16 offsets of
//! the content in the LF-only text (Swing's selection offsets).

use std::path::Path;

use rusqlite::{params, Connection};

use crate::rows::Corpus;
use crate::sha256::jasypt_password;
use crate::ExportError;

/// The password of both coders (DNA refuses empty ones). Change it in DNA.
pub const PASSWORD: &str = "whosaid";
/// The DNA release whose project format the export writes.
pub const DNA_VERSION: &str = "3.0.11.5";
/// The date of the DNA source snapshot the layout was read from.
pub const DNA_DATE: &str = "2025-06-01";

fn permissions() -> String {
    [
        "AddDocuments",
        "EditDocuments",
        "DeleteDocuments",
        "ImportDocuments",
        "AddStatements",
        "EditStatements",
        "DeleteStatements",
        "EditAttributes",
        "EditRegex",
        "EditStatementTypes",
        "EditCoders",
        "EditCoderRelations",
        "ViewOthersDocuments",
        "EditOthersDocuments",
        "ViewOthersStatements",
        "EditOthersStatements",
    ]
    .iter()
    .map(|p| format!("Permission{p} INTEGER NOT NULL CHECK (Permission{p} BETWEEN 0 AND 1) DEFAULT 1"))
    .collect::<Vec<_>>()
    .join(",\n ")
}

fn rgb() -> &'static str {
    "Red INTEGER NOT NULL DEFAULT 0 CHECK (Red BETWEEN 0 AND 255), \
     Green INTEGER NOT NULL DEFAULT 0 CHECK (Green BETWEEN 0 AND 255), \
     Blue INTEGER NOT NULL DEFAULT 0 CHECK (Blue BETWEEN 0 AND 255)"
}

/// The 16 tables, written from the reference's column list.
fn schema() -> String {
    let c = rgb();
    let p = permissions();
    format!(
        "CREATE TABLE SETTINGS(Property TEXT PRIMARY KEY, Value TEXT NOT NULL);
CREATE TABLE CODERS(ID INTEGER NOT NULL PRIMARY KEY, Name TEXT NOT NULL CHECK (LENGTH(Name) < 191), {c},
 Refresh INTEGER NOT NULL DEFAULT 0 CHECK (Refresh BETWEEN 0 AND 9999),
 FontSize INTEGER NOT NULL DEFAULT 14 CHECK (FontSize BETWEEN 1 AND 99), Password TEXT NOT NULL,
 PopupWidth INTEGER DEFAULT 300 CHECK (PopupWidth BETWEEN 100 AND 9999),
 ColorByCoder INTEGER NOT NULL DEFAULT 0 CHECK (ColorByCoder BETWEEN 0 AND 1),
 PopupDecoration INTEGER NOT NULL DEFAULT 0 CHECK (PopupDecoration BETWEEN 0 AND 1),
 PopupAutoComplete INTEGER NOT NULL DEFAULT 1 CHECK (PopupAutoComplete BETWEEN 0 AND 1),
 {p});
CREATE TABLE CODERRELATIONS(ID INTEGER NOT NULL PRIMARY KEY, Coder INTEGER NOT NULL, OtherCoder INTEGER NOT NULL,
 viewStatements INTEGER NOT NULL DEFAULT 1 CHECK (viewStatements BETWEEN 0 AND 1),
 editStatements INTEGER NOT NULL DEFAULT 1 CHECK (editStatements BETWEEN 0 AND 1),
 viewDocuments INTEGER NOT NULL DEFAULT 1 CHECK (viewDocuments BETWEEN 0 AND 1),
 editDocuments INTEGER NOT NULL DEFAULT 1 CHECK (editDocuments BETWEEN 0 AND 1),
 CHECK (Coder != OtherCoder),
 FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE,
 FOREIGN KEY(OtherCoder) REFERENCES CODERS(ID) ON DELETE CASCADE);
CREATE TABLE DOCUMENTS(ID INTEGER NOT NULL PRIMARY KEY, Title TEXT NOT NULL CHECK (LENGTH(Title) < 191),
 Text TEXT NOT NULL, Coder INTEGER, Author TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Author) < 191),
 Source TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Source) < 191), Section TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Section) < 191),
 Notes TEXT NOT NULL DEFAULT '', Type TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Type) < 191), Date INTEGER NOT NULL,
 FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE);
CREATE TABLE STATEMENTTYPES(ID INTEGER NOT NULL PRIMARY KEY, Label TEXT NOT NULL CHECK (LENGTH(Label) < 191), {c});
CREATE TABLE VARIABLES(ID INTEGER NOT NULL PRIMARY KEY, Variable TEXT NOT NULL CHECK (LENGTH(Variable) < 191),
 DataType TEXT NOT NULL DEFAULT 'short text' CHECK (DataType IN ('short text', 'long text', 'integer', 'boolean')),
 StatementTypeId INTEGER, UNIQUE (Variable, StatementTypeId),
 FOREIGN KEY(StatementTypeId) REFERENCES STATEMENTTYPES(ID) ON DELETE CASCADE);
CREATE TABLE VARIABLELINKS(ID INTEGER NOT NULL PRIMARY KEY, SourceVariableId INTEGER NOT NULL, TargetVariableId INTEGER NOT NULL,
 FOREIGN KEY(SourceVariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE,
 FOREIGN KEY(TargetVariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE);
CREATE TABLE REGEXES(Label TEXT PRIMARY KEY CHECK (LENGTH(Label) < 191), {c});
CREATE TABLE STATEMENTS(ID INTEGER NOT NULL PRIMARY KEY, StatementTypeId INTEGER, DocumentId INTEGER,
 Start INTEGER NOT NULL CHECK (Start >= 0), Stop INTEGER NOT NULL CHECK (Stop >= 0), Coder INTEGER, CHECK (Start < Stop),
 FOREIGN KEY(StatementTypeId) REFERENCES STATEMENTTYPES(ID) ON DELETE CASCADE,
 FOREIGN KEY(DocumentId) REFERENCES DOCUMENTS(ID) ON DELETE CASCADE,
 FOREIGN KEY(Coder) REFERENCES CODERS(ID) ON DELETE CASCADE);
CREATE TABLE ENTITIES(ID INTEGER NOT NULL PRIMARY KEY, VariableId INTEGER NOT NULL, Value TEXT NOT NULL DEFAULT '' CHECK (LENGTH(Value) < 191),
 Red INTEGER, Green INTEGER, Blue INTEGER, ChildOf INTEGER CHECK (ChildOf > 0 AND ChildOf != ID),
 UNIQUE (VariableId, Value),
 FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE,
 FOREIGN KEY(ChildOf) REFERENCES ENTITIES(ID) ON DELETE CASCADE);
CREATE TABLE DATASHORTTEXT(ID INTEGER NOT NULL PRIMARY KEY, StatementId INTEGER NOT NULL, VariableId INTEGER NOT NULL, Entity INTEGER NOT NULL,
 UNIQUE (StatementId, VariableId),
 FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE CASCADE,
 FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE,
 FOREIGN KEY(Entity) REFERENCES ENTITIES(ID) ON DELETE CASCADE);
CREATE TABLE DATALONGTEXT(ID INTEGER NOT NULL PRIMARY KEY, StatementId INTEGER NOT NULL, VariableId INTEGER NOT NULL, Value TEXT NOT NULL DEFAULT '',
 UNIQUE (StatementId, VariableId),
 FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE CASCADE,
 FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE);
CREATE TABLE DATAINTEGER(ID INTEGER NOT NULL PRIMARY KEY, StatementId INTEGER NOT NULL, VariableId INTEGER NOT NULL, Value INTEGER NOT NULL DEFAULT 0,
 UNIQUE (StatementId, VariableId),
 FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE CASCADE,
 FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE);
CREATE TABLE DATABOOLEAN(ID INTEGER NOT NULL PRIMARY KEY, StatementId INTEGER NOT NULL, VariableId INTEGER NOT NULL,
 Value INTEGER NOT NULL DEFAULT 1 CHECK (Value BETWEEN 0 AND 1),
 UNIQUE (StatementId, VariableId),
 FOREIGN KEY(StatementId) REFERENCES STATEMENTS(ID) ON DELETE CASCADE,
 FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE);
CREATE TABLE ATTRIBUTEVARIABLES(ID INTEGER NOT NULL PRIMARY KEY, VariableId INTEGER NOT NULL,
 AttributeVariable TEXT NOT NULL CHECK (LENGTH(AttributeVariable) < 191), UNIQUE (VariableId, AttributeVariable),
 FOREIGN KEY(VariableId) REFERENCES VARIABLES(ID) ON DELETE CASCADE);
CREATE TABLE ATTRIBUTEVALUES(ID INTEGER NOT NULL PRIMARY KEY, EntityId INTEGER NOT NULL, AttributeVariableId INTEGER NOT NULL,
 AttributeValue TEXT NOT NULL DEFAULT '' CHECK (LENGTH(AttributeValue) < 191), UNIQUE (EntityId, AttributeVariableId),
 FOREIGN KEY(EntityId) REFERENCES ENTITIES(ID) ON DELETE CASCADE,
 FOREIGN KEY(AttributeVariableId) REFERENCES ATTRIBUTEVARIABLES(ID) ON DELETE CASCADE);"
    )
}

/// At most 190 characters (DNA's CHECK LENGTH < 191), cut on a char boundary.
fn cap(s: &str) -> String {
    s.chars().take(190).collect()
}

/// UTF-16 offset of code point `cp` in `text` (DNA stores Swing offsets).
fn utf16_at(text: &str, cp: usize) -> i64 {
    text.chars().take(cp).map(char::len_utf16).sum::<usize>() as i64
}

/// A deterministic salt per coder, so the same input gives the same file.
fn salt(name: &str) -> [u8; 16] {
    let hex = whosaid_document::fnv1a_128_hex(format!("whosaid dna coder {name}").as_bytes());
    let mut out = [0u8; 16];
    for (i, b) in out.iter_mut().enumerate() {
        *b = u8::from_str_radix(&hex[i * 2..i * 2 + 2], 16).unwrap_or(0);
    }
    out
}

fn db_err(path: &Path, e: rusqlite::Error) -> ExportError {
    ExportError::Db { path: path.display().to_string(), reason: e.to_string() }
}

/// What was written, for the summary line.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    /// Documents written.
    pub documents: usize,
    /// DNA statements written (statement × issue with a speaker and a stance).
    pub coded: usize,
    /// Annotations written (statements without an issue or with an unknown stance).
    pub annotations: usize,
}

/// Writes the project to `path` (replacing it).
pub fn write(corpus: &Corpus, path: &Path) -> Result<Written, ExportError> {
    let tmp = path.with_extension("dna.tmp");
    let _ = std::fs::remove_file(&tmp);
    let written = {
        let mut conn = Connection::open(&tmp).map_err(|e| db_err(path, e))?;
        let w = fill(&mut conn, corpus).map_err(|e| db_err(path, e))?;
        conn.close().map_err(|(_, e)| db_err(path, e))?;
        w
    };
    std::fs::rename(&tmp, path).map_err(|e| crate::io_err(path, format!("cannot write: {e}")))?;
    Ok(written)
}

fn fill(conn: &mut Connection, corpus: &Corpus) -> rusqlite::Result<Written> {
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA journal_mode = DELETE;")?;
    let tx = conn.transaction()?;
    tx.execute_batch(&schema())?;
    tx.execute("INSERT INTO SETTINGS VALUES ('version', ?1), ('date', ?2)", params![DNA_VERSION, DNA_DATE])?;
    for (id, name, (r, g, b)) in [(1, "Admin", (255, 255, 0)), (2, "whosaid", (0, 153, 255))] {
        tx.execute(
            "INSERT INTO CODERS (ID, Name, Red, Green, Blue, Password) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![id, name, r, g, b, jasypt_password(PASSWORD, salt(name))],
        )?;
    }
    tx.execute_batch("INSERT INTO CODERRELATIONS (ID, Coder, OtherCoder) VALUES (1, 1, 2), (2, 2, 1);")?;
    tx.execute_batch(
        "INSERT INTO STATEMENTTYPES VALUES (1, 'DNA Statement', 239, 208, 51), (2, 'NPF Story Element', 100, 200, 190),
           (3, 'Annotation', 211, 211, 211);
         INSERT INTO VARIABLES VALUES (1, 'person', 'short text', 1), (2, 'organization', 'short text', 1),
           (3, 'concept', 'short text', 1), (4, 'agreement', 'boolean', 1), (5, 'narrator', 'short text', 2),
           (6, 'victim', 'short text', 2), (7, 'villain', 'short text', 2), (8, 'plot', 'short text', 2),
           (9, 'hero', 'short text', 2), (10, 'policy solution', 'short text', 2), (11, 'note', 'long text', 3);
         INSERT INTO ATTRIBUTEVARIABLES (ID, VariableId, AttributeVariable) VALUES
           (1, 1, 'Type'), (2, 1, 'Alias'), (3, 1, 'Notes'), (4, 2, 'Type'), (5, 2, 'Alias'), (6, 2, 'Notes'),
           (7, 3, 'Type'), (8, 3, 'Alias'), (9, 3, 'Notes');",
    )?;
    // Entities: value per variable, created on first use with their
    // attribute rows (Type, Alias, Notes).
    let mut entities: std::collections::BTreeMap<(i64, String), i64> = Default::default();
    let mut entity =
        |tx: &rusqlite::Transaction, var: i64, value: &str, etype: &str, notes: &str| -> rusqlite::Result<i64> {
            let value = cap(value);
            if let Some(id) = entities.get(&(var, value.clone())) {
                return Ok(*id);
            }
            tx.execute(
                "INSERT INTO ENTITIES (VariableId, Value, Red, Green, Blue) VALUES (?1, ?2, 0, 0, 0)",
                params![var, value],
            )?;
            let id = tx.last_insert_rowid();
            let base = (var - 1) * 3;
            for (k, v) in [(1, cap(etype)), (2, String::new()), (3, cap(notes))] {
                tx.execute(
                    "INSERT INTO ATTRIBUTEVALUES (EntityId, AttributeVariableId, AttributeValue) VALUES (?1, ?2, ?3)",
                    params![id, base + k, v],
                )?;
            }
            entities.insert((var, value), id);
            Ok(id)
        };
    for var in 1..=3 {
        entity(&tx, var, "", "", "")?;
    }
    let mut written = Written::default();
    let mut doc_ids = vec![0i64; corpus.documents.len()];
    for (i, d) in corpus.documents.iter().enumerate() {
        let date = d
            .published
            .as_deref()
            .and_then(|p| whosaid_document::dates::parse_ymd(p).ok())
            .and_then(|p| p.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp())
            .unwrap_or(0);
        let notes =
            format!("whosaid document {}{}", d.key, d.url.as_ref().map(|u| format!(" {u}")).unwrap_or_default());
        tx.execute(
            "INSERT INTO DOCUMENTS (Title, Text, Coder, Author, Source, Section, Notes, Type, Date)
             VALUES (?1, ?2, 2, ?3, ?4, '', ?5, 'news', ?6)",
            params![
                cap(d.title.as_deref().unwrap_or(&d.key)),
                d.text.replace("\r\n", "\n"),
                cap(d.byline.as_deref().unwrap_or("")),
                cap(d.outlet.as_deref().unwrap_or("")),
                notes,
                date
            ],
        )?;
        doc_ids[i] = tx.last_insert_rowid();
        written.documents += 1;
    }
    for r in &corpus.rows {
        let text = &corpus.documents[r.doc].text;
        let (start, stop) = (utf16_at(text, r.content_start), utf16_at(text, r.content_end));
        if start >= stop {
            continue;
        }
        let speaker = r.speaker.as_ref();
        let statement = |tx: &rusqlite::Transaction, ty: i64| -> rusqlite::Result<i64> {
            tx.execute(
                "INSERT INTO STATEMENTS (StatementTypeId, DocumentId, Start, Stop, Coder) VALUES (?1, ?2, ?3, ?4, 2)",
                params![ty, doc_ids[r.doc], start, stop],
            )?;
            Ok(tx.last_insert_rowid())
        };
        let mut unknown = Vec::new();
        for i in &r.issues {
            let agreement = match i.stance.as_str() {
                "support" => 1,
                "oppose" => 0,
                _ => {
                    unknown.push(i.issue.as_str());
                    continue;
                }
            };
            let Some(a) = speaker else {
                unknown.push(i.issue.as_str());
                continue;
            };
            let id = statement(&tx, 1)?;
            let is_person = a.etype == "person";
            let person = entity(&tx, 1, if is_person { &a.name } else { "" }, &a.etype, &a.key)?;
            let org = entity(&tx, 2, if is_person { "" } else { &a.name }, &a.etype, &a.key)?;
            let concept = entity(&tx, 3, &i.issue, i.category.as_deref().unwrap_or(""), "")?;
            for (var, e) in [(1, person), (2, org), (3, concept)] {
                tx.execute(
                    "INSERT INTO DATASHORTTEXT (StatementId, VariableId, Entity) VALUES (?1, ?2, ?3)",
                    params![id, var, e],
                )?;
            }
            tx.execute(
                "INSERT INTO DATABOOLEAN (StatementId, VariableId, Value) VALUES (?1, 4, ?2)",
                params![id, agreement],
            )?;
            written.coded += 1;
        }
        if r.issues.is_empty() || !unknown.is_empty() {
            let who = speaker.map(|a| a.name.as_str()).unwrap_or("(no speaker)");
            let what = if unknown.is_empty() {
                "no issue coded".to_string()
            } else {
                format!("stance unknown on {}", unknown.join("; "))
            };
            let note =
                format!("whosaid: {who} — {what} ({} statement, cue {})", r.kind, r.cue.as_deref().unwrap_or("none"));
            let id = statement(&tx, 3)?;
            tx.execute(
                "INSERT INTO DATALONGTEXT (StatementId, VariableId, Value) VALUES (?1, 11, ?2)",
                params![id, note],
            )?;
            written.annotations += 1;
        }
    }
    tx.commit()?;
    Ok(written)
}
