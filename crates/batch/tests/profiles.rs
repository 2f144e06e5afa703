//! Output profiles and the direct writer: the bytes written straight from a
//! `Document` equal serde's rendering of the `whosaid/1` structs, and the
//! statements and table profiles carry exactly the full document's statements.

use std::path::{Path, PathBuf};

use whosaid::{Document, Meta, Pipeline};
use whosaid_batch::{render_table, run, run_documents, DocInfo, Options, OutputFormat, Profile, Renderer};
use whosaid_document::output::{
    to_json_line, to_json_pretty, write_statements, JsonDocument, JsonStatements, STATEMENTS_SCHEMA,
};

use whosaid_testkit::{fixtures, seed as seed_path, txt_files};

fn seed(pipeline: &Pipeline) -> Document {
    let text = std::fs::read_to_string(seed_path()).unwrap();
    let meta = Meta { published: chrono::NaiveDate::from_ymd_opt(2025, 4, 23), ..Meta::default() };
    pipeline.extract(&text, "seed.txt", meta)
}

/// The seed and every fixture article (quotes of every kind, codings, times,
/// terminology, non-ASCII text), with and without `duplicate_of`.
fn documents() -> Vec<Document> {
    let pipeline = Pipeline::default();
    let mut docs = vec![seed(&pipeline)];
    let paths = txt_files(&fixtures().join("articles"));
    assert!(paths.len() > 20, "fixture articles found: {}", paths.len());
    for (i, p) in paths.iter().enumerate() {
        let text = std::fs::read_to_string(p).unwrap();
        let meta = Meta {
            id: Some(format!("fixture-{i}")),
            title: Some("A “title”\twith\u{1} escapes".into()),
            url: (i % 2 == 0).then(|| "https://example.org/a?b=c&d".into()),
            outlet: Some("Example".into()),
            published: chrono::NaiveDate::from_ymd_opt(2016, 3, 1 + (i % 28) as u32),
            ..Meta::default()
        };
        let mut doc = pipeline.extract(&text, &p.display().to_string(), meta);
        if i % 3 == 0 {
            doc.duplicate_of = Some(format!("orig \"{i}\""));
        }
        docs.push(doc);
    }
    docs
}

#[test]
fn direct_writer_is_byte_identical_to_the_json_structs() {
    let docs = documents();
    let mut saw = (0, 0, 0);
    for doc in &docs {
        let json = JsonDocument::from_document(doc);
        assert_eq!(to_json_line(doc), serde_json::to_string(&json).unwrap(), "{}", doc.source);
        assert_eq!(to_json_pretty(doc), serde_json::to_string_pretty(&json).unwrap(), "{}", doc.source);
        saw.0 += json.statements.iter().map(|s| s.issues.len()).sum::<usize>();
        saw.1 += json.times.iter().filter(|t| t.date.is_some()).count();
        saw.2 += json.entities.len();
    }
    // The comparison covered the nested and optional parts too.
    assert!(saw.0 > 0 && saw.1 > 0 && saw.2 > 0, "{saw:?}");
}

#[test]
fn statements_profile_is_the_full_documents_statements() {
    for doc in documents() {
        let full = JsonDocument::from_document(&doc);
        let mut out = Vec::new();
        write_statements(&doc, false, &mut out);
        assert_eq!(out, serde_json::to_vec(&JsonStatements::from_json(&full)).unwrap(), "{}", doc.source);
        let back: JsonStatements = serde_json::from_slice(&out).unwrap();
        assert_eq!(back.schema, STATEMENTS_SCHEMA);
        assert_eq!(back.statements, full.statements);
        assert_eq!(back.meta, full.meta);
        assert_eq!(back.duplicate_of, full.duplicate_of);
        let mut pretty = Vec::new();
        write_statements(&doc, true, &mut pretty);
        assert_eq!(serde_json::from_slice::<JsonStatements>(&pretty).unwrap(), back);
        // No text, no annotation arrays.
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        for absent in ["text", "tokens", "mentions", "entities", "sentences", "paragraphs", "raw_map"] {
            assert!(v.get(absent).is_none(), "{absent} in the statements profile");
        }
    }
}

#[test]
fn seed_profiles_have_the_same_statements() {
    let doc = seed(&Pipeline::default());
    let full = JsonDocument::from_document(&doc);
    // The gold's fifteen, plus at most its one optional stance ("Zelensky rejected …").
    assert_eq!(
        full.statements.iter().filter(|s| s.cue.as_ref().map(|c| c.lemma.as_str()) != Some("reject")).count(),
        15
    );
    let mut r = Renderer::new(OutputFormat::Jsonl, Profile::Statements);
    let st: JsonStatements = serde_json::from_slice(r.render(&doc)).unwrap();
    assert_eq!(st.statements, full.statements);
    assert!(st.statements.iter().any(|s| s.speaker.as_ref().and_then(|a| a.name.as_deref()) == Some("Marco Rubio")));
    let table = render_table(&doc);
    let rows: Vec<&str> = table.lines().skip(1).collect();
    assert_eq!(table.lines().next(), Some("# seed.txt"));
    assert_eq!(rows.len(), full.statements.len(), "{table}");
    for (row, s) in rows.iter().zip(&full.statements) {
        assert!(row.ends_with(&format!("| {} | {}", s.kind, s.content.text.replace('\n', " "))), "{row}");
    }
    let (small, big) = (r.render(&doc).len(), to_json_line(&doc).len());
    assert!(small * 2 < big, "the statements profile is a fraction of the size: {small} vs {big}");
}

#[test]
fn the_renderer_reuses_its_buffer_and_ends_lines() {
    let docs = documents();
    let mut r = Renderer::new(OutputFormat::Jsonl, Profile::Full);
    for doc in docs.iter().rev() {
        let line = r.render_line(doc).to_vec();
        assert_eq!(line, format!("{}\n", to_json_line(doc)).into_bytes());
    }
    let mut t = Renderer::new(OutputFormat::Jsonl, Profile::Table);
    let dup = docs.iter().find(|d| d.duplicate_of.is_some()).unwrap();
    let text = t.render_str(dup).to_string();
    assert_eq!(text, render_table(dup));
    assert!(text.ends_with(&format!("\n(duplicate of {})", dup.duplicate_of.as_deref().unwrap())), "{text}");
    assert_eq!(Renderer::new(OutputFormat::Table, Profile::Full).render_str(dup), text, "--format table is the table");
}

fn write_jsonl(dir: &Path) -> PathBuf {
    let path = dir.join("in.jsonl");
    let article = std::fs::read_to_string(seed_path()).unwrap();
    let mut body = String::new();
    for i in 0..12 {
        let text =
            if i % 4 == 0 { article.clone() } else { format!("“Number {i} is fine,” Rubio said on Tuesday.") };
        body.push_str(&serde_json::json!({"id": format!("d{i}"), "text": text, "published": "2025-04-23"}).to_string());
        body.push('\n');
    }
    body.push_str("{broken\n");
    std::fs::write(&path, body).unwrap();
    path
}

fn collect(input: &Path, opts: &Options) -> Vec<String> {
    let mut lines = Vec::new();
    let mut write = |s: &str| {
        lines.push(s.to_string());
        Ok(())
    };
    let mut report = |_: &str| {};
    run(&Pipeline::default(), &[input.to_path_buf()], opts, &mut write, &mut report).unwrap();
    lines
}

#[test]
fn profiles_of_a_run_are_deterministic_and_agree() {
    let dir = std::env::temp_dir().join(format!("whosaid-batch-profiles-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let input = write_jsonl(&dir);
    let opts = |profile, jobs| Options { profile, jobs, ..Options::default() };
    let full = collect(&input, &opts(Profile::Full, 2));
    let statements = collect(&input, &opts(Profile::Statements, 1));
    let table = collect(&input, &opts(Profile::Table, 2));
    assert_eq!(full.len(), 12);
    assert_eq!(collect(&input, &opts(Profile::Full, 1)), full, "byte-identical across runs and job counts");
    assert_eq!(collect(&input, &opts(Profile::Statements, 2)), statements);
    assert_eq!(collect(&input, &opts(Profile::Table, 1)), table);
    assert_eq!(statements.len(), 12);
    assert_eq!(table.len(), 12);
    let mut dups = 0;
    for ((f, s), t) in full.iter().zip(&statements).zip(&table) {
        let f: JsonDocument = serde_json::from_str(f).unwrap();
        let s: JsonStatements = serde_json::from_str(s).unwrap();
        assert_eq!(s, JsonStatements::from_json(&f));
        assert_eq!(t.lines().count(), 1 + f.statements.len() + usize::from(f.duplicate_of.is_some()), "{t}");
        dups += usize::from(f.duplicate_of.is_some());
    }
    assert!(dups >= 2, "the seed's copies are marked in every profile: {dups}");

    // The sink sees the Document with duplicate_of set and the batch's id.
    let mut seen = Vec::new();
    let mut sink = |doc: &Document, info: &DocInfo| {
        seen.push((info.id.clone(), doc.duplicate_of.clone(), doc.statements.len()));
        Ok(())
    };
    let mut report = |_: &str| {};
    let summary =
        run_documents(&Pipeline::default(), std::slice::from_ref(&input), &Options::default(), &mut sink, &mut report)
            .unwrap();
    assert_eq!(summary.errors, 1, "the broken line is reported");
    assert_eq!(seen.len(), 12);
    assert_eq!((seen[0].0.as_str(), seen[0].1.as_deref()), ("d0", None));
    assert!((15..=16).contains(&seen[0].2), "the seed's statements: {}", seen[0].2);
    assert_eq!(seen[4].1.as_deref(), Some("d0"));
    let _ = std::fs::remove_dir_all(&dir);
}
