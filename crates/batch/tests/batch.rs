//! End-to-end batch runs over generated inputs in a temporary directory.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde_json::Value;
use whosaid::Pipeline;
use whosaid_batch::{prepare_resume, run, split_points, Options, OutputFormat, Summary};

use whosaid_testkit::TempDir;

const ARTICLE: &str = "Washington has gained a much better understanding of Russia’s position on the Ukraine conflict, \
now that it has engaged with Moscow after three years of diplomatic refusal, US Secretary of State Marco Rubio has said. \
Rubio made the remarks on Wednesday in an interview with The Free Press, saying the US has been seeking to grasp \
what the Russian position is. Ties between Moscow and Washington all but collapsed following the 2022 escalation \
of the Ukraine conflict under then-President Joe Biden. Since returning to the White House in January, President \
Donald Trump has distanced himself from Biden-era policies, pushing for a rapid resolution to the conflict and a reset \
in bilateral relations. The two sides have held several rounds of high-level talks in recent months.";

fn jsonl_line(id: &str, text: &str) -> String {
    serde_json::json!({"id": id, "text": text, "published": "2025-04-23", "outlet": "example.org"}).to_string()
}

fn run_collect(inputs: &[PathBuf], opts: &Options) -> (Vec<String>, Vec<String>, Summary) {
    let mut lines = Vec::new();
    let mut errors = Vec::new();
    let mut write = |s: &str| {
        lines.push(s.to_string());
        Ok(())
    };
    let mut report = |s: &str| errors.push(s.to_string());
    let summary = run(&Pipeline::default(), inputs, opts, &mut write, &mut report).unwrap();
    (lines, errors, summary)
}

fn warc_gz(path: &Path, truncated_tail: bool) {
    let rec = |wtype: &str, ctype: &str, uri: &str, payload: &str| {
        format!(
            "WARC/1.0\r\nWARC-Type: {wtype}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2025-04-24T08:00:00Z\r\nWARC-Record-ID: <urn:uuid:{uri}>\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n{payload}\r\n\r\n",
            payload.len()
        )
    };
    let page = |body: &str| {
        format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><head><title>T</title>\
             <meta property=\"article:published_time\" content=\"2025-04-23T09:00:00Z\"></head>\
             <body><article><p>{body}</p></article></body></html>"
        )
    };
    let mut out = Vec::new();
    let parts = [
        rec("warcinfo", "application/warc-fields", "info", "software: test"),
        rec("request", "application/http; msgtype=request", "http://a/1", "GET / HTTP/1.1\r\n\r\n"),
        rec("response", "application/http; msgtype=response", "http://a/1", &page(ARTICLE)),
        rec("response", "application/http; msgtype=response", "http://a/2", &page("“We will win,” Rubio said.")),
    ];
    for p in &parts {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(p.as_bytes()).unwrap();
        out.extend(e.finish().unwrap());
    }
    if truncated_tail {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(rec("response", "application/http; msgtype=response", "http://a/3", &page(ARTICLE)).as_bytes())
            .unwrap();
        let full = e.finish().unwrap();
        out.extend_from_slice(&full[..full.len() / 2]);
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn mixed_inputs_bad_records_are_reported_and_the_rest_processed() {
    let dir = TempDir::new("batch-mixed");
    let jsonl = dir.0.join("a.jsonl");
    std::fs::write(
        &jsonl,
        format!("{}\n{{broken\n{}\n", jsonl_line("one", ARTICLE), jsonl_line("two", "“Fine,” she said.")),
    )
    .unwrap();
    let warc = dir.0.join("b.warc.gz");
    warc_gz(&warc, true);
    let bin = dir.0.join("c.txt");
    std::fs::write(&bin, [0u8, 159, 146, 150, 0, 0, 1, 2, 3, 0, 0, 0]).unwrap();
    let opts = Options { jobs: 2, ..Options::default() };
    let (lines, errors, summary) = run_collect(&[jsonl.clone(), warc.clone(), bin.clone()], &opts);
    assert_eq!(summary.documents, 4, "{errors:?}");
    assert_eq!(lines.len(), 4);
    assert_eq!(summary.errors, 3, "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with(&format!("{}:2: not valid JSON", jsonl.display()))), "{errors:?}");
    assert!(errors.iter().any(|e| e.starts_with(&format!("{}#5:", warc.display()))), "{errors:?}");
    assert!(errors.iter().any(|e| e == &format!("{}: binary data, not text", bin.display())), "{errors:?}");
    assert_eq!(summary.skipped_records, 2, "warcinfo and request records are skipped");
    let docs: Vec<Value> = lines.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(docs[0]["meta"]["id"], "one");
    assert_eq!(docs[0]["meta"]["outlet"], "example.org");
    // WARC record: URL from the headers, date from the page, statements found.
    assert_eq!(docs[2]["meta"]["url"], "http://a/1");
    assert_eq!(docs[2]["meta"]["published"], "2025-04-23");
    let rubio = docs[2]["statements"].as_array().unwrap();
    assert!(rubio.iter().any(|s| s["speaker"]["name"] == "Marco Rubio"), "{rubio:?}");
    // Offsets map back into the HTML source.
    let raw_map = docs[2]["raw_map"].as_array().unwrap();
    assert!(!raw_map.is_empty());
}

#[test]
fn output_order_does_not_depend_on_jobs() {
    let dir = TempDir::new("batch-order");
    let jsonl = dir.0.join("many.jsonl");
    let mut body = String::new();
    for i in 0..40 {
        let text =
            if i % 3 == 0 { ARTICLE.to_string() } else { format!("“Number {i} is fine,” Rubio said on Tuesday.") };
        body.push_str(&jsonl_line(&format!("d{i}"), &text));
        body.push('\n');
    }
    std::fs::write(&jsonl, body).unwrap();
    let one = run_collect(std::slice::from_ref(&jsonl), &Options { jobs: 1, ..Options::default() }).0;
    let two = run_collect(std::slice::from_ref(&jsonl), &Options { jobs: 2, ..Options::default() }).0;
    let four = run_collect(std::slice::from_ref(&jsonl), &Options { jobs: 4, ..Options::default() }).0;
    assert_eq!(one.len(), 40);
    assert_eq!(one, two);
    assert_eq!(one, four);
}

#[test]
fn near_duplicates_are_marked_or_dropped() {
    let dir = TempDir::new("batch-dup");
    let jsonl = dir.0.join("wire.jsonl");
    let copy = format!("By a staff reporter. {ARTICLE} Rubio spoke for an hour.");
    std::fs::write(
        &jsonl,
        format!(
            "{}\n{}\n{}\n",
            jsonl_line("orig", ARTICLE),
            jsonl_line("copy", &copy),
            jsonl_line("other", "“Fine,” she said.")
        ),
    )
    .unwrap();
    let (lines, _, summary) = run_collect(std::slice::from_ref(&jsonl), &Options::default());
    assert_eq!(summary.duplicates, 1);
    let docs: Vec<Value> = lines.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(docs[0]["duplicate_of"], Value::Null);
    assert_eq!(docs[1]["duplicate_of"], "orig");
    let (lines, _, summary) = run_collect(&[jsonl], &Options { drop_duplicates: true, ..Options::default() });
    assert_eq!(lines.len(), 2);
    assert_eq!(summary.dropped_duplicates, 1);
}

#[test]
fn resume_skips_written_documents_and_cuts_a_partial_line() {
    let dir = TempDir::new("batch-resume");
    let jsonl = dir.0.join("in.jsonl");
    let mut body = String::new();
    for i in 0..5 {
        body.push_str(&jsonl_line(&format!("r{i}"), &format!("“Part {i} is done,” Rubio said.")));
        body.push('\n');
    }
    std::fs::write(&jsonl, body).unwrap();
    let (lines, _, _) = run_collect(std::slice::from_ref(&jsonl), &Options::default());
    // A crashed run: two whole lines and half of the third.
    let out = dir.0.join("out.jsonl");
    std::fs::write(&out, format!("{}\n{}\n{}", lines[0], lines[1], &lines[2][..lines[2].len() / 2])).unwrap();
    let ids = prepare_resume(&out).unwrap().ids;
    assert_eq!(ids.len(), 2);
    assert!(std::fs::read_to_string(&out).unwrap().ends_with('\n'), "partial line cut");
    let (rest, _, summary) =
        run_collect(&[jsonl], &Options { skip_ids: ids, format: OutputFormat::Jsonl, ..Options::default() });
    assert_eq!(summary.resumed_skips, 2);
    assert_eq!(rest, lines[2..].to_vec());
}

/// Issue 9.2: HTML over the limit is cut before a tag, reported and counted.
#[test]
fn oversized_html_is_cut_at_a_tag_and_counted() {
    let dir = TempDir::new("batch-cut");
    let page = dir.0.join("page.html");
    let para = "<p>“We will win the vote,” Senator Maria Lopez said on Tuesday.</p>";
    let html = format!("<html><body><article>{}</article></body></html>", para.repeat(40));
    std::fs::write(&page, &html).unwrap();
    let opts = Options { max_html_bytes: 1000, ..Options::default() };
    let (lines, errors, summary) = run_collect(std::slice::from_ref(&page), &opts);
    assert_eq!(summary.truncated, 1);
    assert_eq!(lines.len(), 1);
    assert!(errors.iter().any(|e| e.contains("page.html: HTML of") && e.contains("the rest is lost")), "{errors:?}");
    let doc: Value = serde_json::from_str(&lines[0]).unwrap();
    let text = doc["text"].as_str().unwrap();
    assert!(!text.contains('<'), "never cut inside a tag: {text}");
    assert!(text.ends_with("Tuesday."), "{text}");
    let (_, _, whole) = run_collect(&[page], &Options::default());
    assert_eq!(whole.truncated, 0);
}

/// Issue 9.7: an oversized document is split into bounded parts, reported;
/// the parts keep every statement and map back into the whole input.
#[test]
fn oversized_documents_are_split_into_parts() {
    let dir = TempDir::new("batch-split");
    let input = dir.0.join("big.txt");
    let para = "“We will win the vote,” Senator Maria Lopez said on Tuesday.\n\n";
    let text = para.repeat(100);
    std::fs::write(&input, &text).unwrap();
    let opts = Options { max_document_bytes: 2000, part_bytes: 1000, ..Options::default() };
    let (lines, errors, summary) = run_collect(std::slice::from_ref(&input), &opts);
    assert_eq!(summary.split, 1);
    assert!(errors.iter().any(|e| e.contains("big.txt: article text of") && e.contains("split into")), "{errors:?}");
    let docs: Vec<Value> = lines.iter().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(docs.len() >= 6, "{}", docs.len());
    assert!(docs[1]["source"].as_str().unwrap().ends_with("big.txt#part2"));
    let statements: usize = docs.iter().map(|d| d["statements"].as_array().unwrap().len()).sum();
    assert_eq!(statements, 100, "cuts fall between paragraphs, no statement is lost");
    // raw offsets of a later part point into the whole file.
    let last = docs.last().unwrap();
    let raw_start = last["raw_map"][0][1].as_u64().unwrap() as usize;
    assert!(raw_start > text.len() / 2);
    assert!(text[raw_start..].starts_with("“We will win"));
    for r in split_points(&text, 1000) {
        assert!(r.end - r.start <= 1000 && r.end > r.start);
    }
}
