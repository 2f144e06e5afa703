//! Every export of the coded seed, read back and checked for counts and values
//! (the Python round trips in scripts/export-test do the same with users' tools).

use rusqlite::Connection;
use whosaid::coding::Codebook;
use whosaid::document::output::JsonDocument;
use whosaid::{Meta, Pipeline};
use whosaid_export::network::{self, Aggregation, Kind, Normalisation, Options, Value};
use whosaid_export::rows::{Corpus, Filter};

const SEED: &str = include_str!("../../whosaid/tests/fixtures/seed/000_a94861bdbd30db23.txt");
const CODEBOOK: &str = include_str!("../../whosaid/tests/fixtures/coding/ukraine.toml");

fn seed_doc() -> JsonDocument {
    let pipeline = Pipeline::default().with_codebook(Codebook::from_toml(CODEBOOK).unwrap());
    let meta = Meta { published: Some("2025-04-23".parse().unwrap()), outlet: Some("RT".into()), ..Meta::default() };
    JsonDocument::from_document(&pipeline.extract(SEED, "seed.txt", meta))
}

fn corpus(filter: &Filter) -> Corpus {
    let mut c = Corpus::default();
    c.push(&seed_doc(), filter, &|_| None);
    c
}

/// A small RFC 4180 reader: the test must not trust the writer it checks.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = vec![];
    let (mut row, mut field, mut quoted, mut chars) = (vec![], String::new(), false, text.chars().peekable());
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

#[test]
fn statements_and_codings_tables_read_back() {
    let c = corpus(&Filter::default());
    let csv = whosaid_export::table::statements_csv(&c);
    assert!(csv.ends_with("\r\n") && !csv.replace("\r\n", "").contains('\r'));
    let rows = parse_csv(&csv);
    assert_eq!(rows.len(), 17, "header + 16 statements");
    let h = &rows[0];
    let col = |name: &str| h.iter().position(|x| x == name).unwrap();
    assert!(rows.iter().all(|r| r.len() == h.len()));
    let zel = rows.iter().find(|r| r[col("speaker")] == "Vladimir Zelensky").unwrap();
    assert_eq!(zel[col("issues")], "Crimea status");
    assert_eq!(zel[col("stances")], "oppose");
    assert_eq!(zel[col("cue_lemma")], "reject");
    assert_eq!(zel[col("outlet")], "RT");
    let putin = rows.iter().find(|r| r[col("speaker")] == "Vladimir Putin").unwrap();
    assert_eq!(putin[col("issues")], "ceasefire; arms deliveries");
    assert_eq!(putin[col("stances")], "unknown; oppose");
    assert_eq!(putin[col("targets")], "Western nations");
    // Content with commas and quotes survives quoting.
    let moscow = rows.iter().find(|r| r[col("speaker")] == "Russian government").unwrap();
    assert!(moscow[col("content")].contains("– and the four other former Ukrainian regions"));
    let codings = parse_csv(&whosaid_export::table::codings_csv(&c));
    assert_eq!(codings.len(), 1 + 4);
    let agreement: Vec<&str> = codings[1..].iter().map(|r| r[10].as_str()).collect();
    assert_eq!(agreement, ["0", "0", "", "0"]);
}

fn net(kind: Kind, aggregation: Aggregation, normalisation: Normalisation) -> network::Network {
    let opts = Options { aggregation, normalisation, min_confidence: 0.0 };
    network::build(&corpus(&Filter::default()), kind, &opts).unwrap()
}

fn edge_between<'n>(n: &'n network::Network, a: &str, b: &str) -> Option<&'n network::Edge> {
    let id = |label: &str| n.nodes.iter().find(|x| x.label == label).map(|x| x.id.clone());
    let (a, b) = (id(a)?, id(b)?);
    n.edges.iter().find(|e| (e.source == a && e.target == b) || (!n.directed && e.source == b && e.target == a))
}

#[test]
fn actor_issue_networks_follow_dna() {
    let n = net(Kind::ActorIssue, Aggregation::Ignore, Normalisation::No);
    assert_eq!(n.nodes.len(), 6, "{:?}", n.nodes);
    assert_eq!(n.edges.len(), 4);
    let e = edge_between(&n, "Vladimir Zelensky", "Crimea status").unwrap();
    assert_eq!((e.weight, &e.values[1], &e.values[3]), (1.0, &Value::Int(1), &Value::Text("oppose".into())));
    assert!(edge_between(&n, "Russian government", "Crimea status").is_some());
    let e = edge_between(&n, "Vladimir Putin", "ceasefire").unwrap();
    assert_eq!(e.values[2], Value::Int(1), "unknown stance counted under ignore");
    // subtract: support − oppose; the unknown-only edge disappears.
    let n = net(Kind::ActorIssue, Aggregation::Subtract, Normalisation::No);
    assert_eq!(n.edges.len(), 3);
    assert_eq!(edge_between(&n, "Vladimir Zelensky", "Crimea status").unwrap().weight, -1.0);
    // combine: 2 = only agreement 0.
    let n = net(Kind::ActorIssue, Aggregation::Combine, Normalisation::No);
    assert!(n.edges.iter().all(|e| e.weight == 2.0));
    // split: one edge per agreement level, unknown left out.
    let n = net(Kind::ActorIssue, Aggregation::Split, Normalisation::No);
    assert_eq!(n.edges.len(), 3);
    assert!(n.edges.iter().all(|e| e.values[3] == Value::Text("oppose".into())));
    // activity: Putin's two codings share his row.
    let n = net(Kind::ActorIssue, Aggregation::Ignore, Normalisation::Activity);
    assert_eq!(edge_between(&n, "Vladimir Putin", "ceasefire").unwrap().weight, 0.5);
}

#[test]
fn one_mode_networks_follow_dna() {
    let n = net(Kind::Congruence, Aggregation::Ignore, Normalisation::No);
    assert_eq!(n.edges.len(), 1);
    let e = edge_between(&n, "Vladimir Zelensky", "Russian government").unwrap();
    assert_eq!(e.weight, 1.0);
    assert_eq!(e.values[2], Value::Text("Crimea status".into()));
    assert!(net(Kind::Conflict, Aggregation::Ignore, Normalisation::No).edges.is_empty());
    let n = net(Kind::Congruence, Aggregation::Ignore, Normalisation::Jaccard);
    assert_eq!(edge_between(&n, "Vladimir Zelensky", "Russian government").unwrap().weight, 1.0);
    let err = network::build(
        &corpus(&Filter::default()),
        Kind::Congruence,
        &Options { normalisation: Normalisation::Activity, ..Options::default() },
    )
    .unwrap_err();
    assert!(err.to_string().contains("two-mode"), "{err}");
    let n = net(Kind::SpeakerTarget, Aggregation::Ignore, Normalisation::No);
    assert!(n.directed);
    let e = edge_between(&n, "Donald Trump", "Vladimir Zelensky").unwrap();
    assert_eq!(e.weight, 1.0);
    assert!(edge_between(&n, "Vladimir Zelensky", "Donald Trump").is_none(), "directed");
}

#[test]
fn filters_by_date_outlet_and_kind() {
    let later = Filter { from: Some("2025-04-24".into()), ..Filter::default() };
    assert!(corpus(&later).rows.is_empty());
    let on_day = Filter { from: Some("2025-04-23".into()), to: Some("2025-04-23".into()), ..Filter::default() };
    assert_eq!(corpus(&on_day).rows.len(), 16);
    let other = Filter { outlets: vec!["BBC".into()], ..Filter::default() };
    assert!(corpus(&other).documents.is_empty());
    let rt = Filter { outlets: vec!["rt".into()], ..Filter::default() };
    assert_eq!(corpus(&rt).documents.len(), 1);
    let direct = Filter { kinds: vec!["direct".into()], ..Filter::default() };
    let c = corpus(&direct);
    assert!(!c.rows.is_empty() && c.rows.iter().all(|r| r.kind == "direct"));
}

#[test]
fn graphml_declares_every_attribute_it_uses() {
    let xml = whosaid_export::graphml::to_graphml(&net(Kind::ActorIssue, Aggregation::Ignore, Normalisation::No));
    for key in ["label", "mode", "type", "frequency", "weight", "e_support", "e_oppose", "e_unknown", "e_agreement"] {
        assert!(xml.contains(&format!("<key id=\"{key}\"")), "{key} not declared");
    }
    assert_eq!(xml.matches("<node ").count(), 6);
    assert_eq!(xml.matches("<edge ").count(), 4);
    assert!(xml.contains("edgedefault=\"undirected\""));
}

#[test]
fn the_dna_project_has_dnas_layout_and_the_coded_statements() {
    let dir = std::env::temp_dir().join(format!("whosaid-dna-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("seed.dna");
    let w = whosaid_export::dna::write(&corpus(&Filter::default()), &path).unwrap();
    assert_eq!((w.documents, w.coded, w.annotations), (1, 3, 14));
    let db = Connection::open(&path).unwrap();
    let q = |sql: &str| -> i64 { db.query_row(sql, [], |r| r.get(0)).unwrap() };
    assert_eq!(q("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table'"), 16);
    let version: String =
        db.query_row("SELECT Value FROM SETTINGS WHERE Property = 'version'", [], |r| r.get(0)).unwrap();
    assert!(version.starts_with("3.0"));
    assert_eq!(q("SELECT COUNT(*) FROM STATEMENTS WHERE StatementTypeId = 1"), 3);
    assert_eq!(q("SELECT COUNT(*) FROM VARIABLES"), 11);
    assert_eq!(q("SELECT COUNT(*) FROM CODERRELATIONS"), 2);
    // Every type-1 statement has a value for each of its four variables.
    assert_eq!(
        q("SELECT COUNT(*) FROM DATASHORTTEXT d JOIN STATEMENTS s ON s.ID = d.StatementId WHERE s.StatementTypeId = 1"),
        9
    );
    assert_eq!(q("SELECT COUNT(*) FROM DATABOOLEAN"), 3);
    assert_eq!(q("SELECT SUM(Value) FROM DATABOOLEAN"), 0, "all three stances are oppose");
    // The highlighted span is the statement's content.
    let (concept, excerpt): (String, String) = db
        .query_row(
            "SELECT e.Value, SUBSTR(doc.Text, s.Start + 1, s.Stop - s.Start)
             FROM STATEMENTS s JOIN DOCUMENTS doc ON doc.ID = s.DocumentId
             JOIN DATASHORTTEXT p ON p.StatementId = s.ID AND p.VariableId = 1
             JOIN ENTITIES pe ON pe.ID = p.Entity AND pe.Value = 'Vladimir Zelensky'
             JOIN DATASHORTTEXT c ON c.StatementId = s.ID AND c.VariableId = 3
             JOIN ENTITIES e ON e.ID = c.Entity",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(concept, "Crimea status");
    assert_eq!(excerpt, "any discussion of recognizing Crimea as Russian");
    // Each entity has its Type, Alias and Notes attribute rows.
    assert_eq!(q("SELECT COUNT(*) FROM ATTRIBUTEVALUES"), 3 * q("SELECT COUNT(*) FROM ENTITIES"));
    // Byte-identical on a second run (deterministic salts and order).
    let again = dir.join("again.dna");
    whosaid_export::dna::write(&corpus(&Filter::default()), &again).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), std::fs::read(&again).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}
