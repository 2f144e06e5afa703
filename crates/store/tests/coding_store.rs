//! The coding stage's annotations are stored as rows (schema v3), replaced on
//! re-ingest, and read back for export with the store's linked actors.

use whosaid::coding::Codebook;
use whosaid::document::output::JsonDocument;
use whosaid::{Meta, Pipeline};
use whosaid_store::Store;

#[test]
fn issues_and_targets_are_stored_and_replaced_on_reingest() {
    let dir = std::env::temp_dir().join(format!("whosaid-coding-store-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("db.sqlite");
    let book = Codebook::from_toml(include_str!("../../whosaid/tests/fixtures/coding/ukraine.toml")).unwrap();
    let pipeline = Pipeline::default().with_codebook(book);
    let raw = include_str!("../../whosaid/tests/fixtures/seed/000_a94861bdbd30db23.txt");
    let doc = JsonDocument::from_document(&pipeline.extract(raw, "seed.txt", Meta::default()));
    let count = |sql: &str| -> i64 {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.query_row(sql, [], |r| r.get(0)).unwrap()
    };
    for round in 0..2 {
        let mut store = Store::open(&path).unwrap();
        let mut w = store.writer(10);
        let mut changed = doc.clone();
        // The second round changes the document so it is re-stored, not skipped.
        changed.meta.title = Some(format!("round {round}"));
        w.put(&changed).unwrap();
        w.finish().unwrap();
        assert_eq!(count("SELECT COUNT(*) FROM statement_issues"), 4, "round {round}");
        assert_eq!(count("SELECT COUNT(*) FROM statement_issues WHERE stance = 'oppose'"), 3);
        assert_eq!(
            count(
                "SELECT COUNT(*) FROM statement_issues i JOIN statements s ON s.id = i.statement_id
                 WHERE s.speaker_name = 'Vladimir Zelensky' AND i.issue = 'Crimea status' AND i.stance = 'oppose'"
            ),
            1
        );
        assert!(count("SELECT COUNT(*) FROM statement_targets WHERE name = 'Vladimir Zelensky'") >= 1);
    }
    // Read back for export: the document with its entities' store actors.
    let store = Store::open_read_only(&path).unwrap();
    let mut seen = 0;
    store
        .for_each_document(|d, actors| {
            seen += 1;
            assert_eq!(d.statements.len(), doc.statements.len());
            let zel = d.statements.iter().find(|s| s.cue.as_ref().is_some_and(|c| c.lemma == "reject")).unwrap();
            let e = zel.speaker.as_ref().and_then(|s| s.entity).unwrap();
            let (_, name, etype) = actors[e].clone().expect("Zelensky is a linked actor");
            assert_eq!((name.as_str(), etype.as_str()), ("Vladimir Zelensky", "person"));
        })
        .unwrap();
    assert_eq!(seen, 1);
    std::fs::remove_dir_all(&dir).unwrap();
}
