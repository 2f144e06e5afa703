//! Issue 9: nothing is lost, whatever comes in. Each test is one reported
//! fault, run through the real binary.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

mod common;
use common::{bin, TempDir};

fn with_stdin(cmd: &mut Command, input: &[u8]) -> Output {
    let mut child = cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    feeder.join().unwrap();
    out
}

fn lines(out: &[u8]) -> Vec<Value> {
    std::str::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

const PAGE: &str = "<html><head><title>Talks</title></head><body><nav><a href='/'>Home</a></nav><article>\
    <p>“We will win the vote,” Senator Maria Lopez said on Tuesday.</p>\
    <p>Trump warned that the talks could fail.</p></article></body></html>";

fn warc_record(wtype: &str, ctype: &str, uri: &str, payload: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {wtype}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2025-04-23T08:00:00Z\r\n\
         WARC-Record-ID: <urn:uuid:{uri}>\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
        payload.len()
    )
    .into_bytes();
    r.extend_from_slice(payload);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

/// A WARC.gz with a warcinfo, a request and one HTML response (one gzip member each).
fn warc_gz() -> Vec<u8> {
    let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{PAGE}");
    let records = [
        warc_record("warcinfo", "application/warc-fields", "info", b"software: test\r\n"),
        warc_record("request", "application/http; msgtype=request", "http://a/1", b"GET /1 HTTP/1.1\r\n\r\n"),
        warc_record("response", "application/http; msgtype=response", "http://a/1", http.as_bytes()),
    ];
    let mut out = Vec::new();
    for r in records {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&r).unwrap();
        out.extend(e.finish().unwrap());
    }
    out
}

/// Issue 9.1: stdin goes through the same sniffing as files.
#[test]
fn stdin_is_sniffed_like_a_file() {
    let out = with_stdin(bin().args(["extract", "-", "-q"]), PAGE.as_bytes());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let docs = lines(&out.stdout);
    assert_eq!(docs.len(), 1);
    let text = docs[0]["text"].as_str().unwrap();
    assert!(!text.contains('<') && text.contains("Maria Lopez"), "markup kept: {text}");
    assert_eq!(docs[0]["meta"]["title"], "Talks");

    let jsonl = "{\"id\": \"a\", \"text\": \"“Yes,” Rubio said.\"}\n{\"id\": \"b\", \"text\": \"Trump warned that talks could fail.\"}\n";
    let out = with_stdin(bin().args(["extract", "-", "-q"]), jsonl.as_bytes());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let docs = lines(&out.stdout);
    assert_eq!(docs.iter().map(|d| d["meta"]["id"].as_str().unwrap()).collect::<Vec<_>>(), ["a", "b"]);

    let out = with_stdin(bin().args(["extract", "-", "-q"]), &warc_gz());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let docs = lines(&out.stdout);
    assert_eq!(docs.len(), 1, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(docs[0]["meta"]["url"], "http://a/1");
    assert!(docs[0]["text"].as_str().unwrap().contains("Trump warned"));
}

/// Issue 9.1: `ingest -` sniffs stdin too.
#[test]
fn ingest_from_stdin_is_sniffed() {
    let dir = TempDir::new("robust-ingest-stdin");
    let db = dir.path("news.db");
    let out = with_stdin(bin().args(["ingest", "-", "-q", "--db"]).arg(&db), &warc_gz());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let show = bin().args(["show", "urn:uuid:http://a/1", "--format", "json", "--db"]).arg(&db).output().unwrap();
    assert!(show.status.success(), "{}", String::from_utf8_lossy(&show.stderr));
    let doc: Value = serde_json::from_slice(&show.stdout).unwrap();
    assert!(!doc["text"].as_str().unwrap().contains("<p>"));
}

/// Issue 9.3: A bad path is reported and the rest is processed, exit 1.
#[test]
fn a_bad_path_does_not_stop_the_others() {
    let dir = TempDir::new("robust-badpath");
    std::fs::write(dir.path("a.txt"), "Trump warned that talks could fail.").unwrap();
    let missing = dir.path("missing.txt");
    let out = bin().arg("extract").arg(dir.path("a.txt")).arg(&missing).arg("-q").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains(&format!("{}: no such file or directory", missing.display())), "{stderr}");
    assert_eq!(lines(&out.stdout).len(), 1, "the good input is still processed");

    let db = dir.path("news.db");
    let out = bin().arg("ingest").arg(&missing).arg(dir.path("a.txt")).arg("-q").arg("--db").arg(&db).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
    let show = bin().arg("show").arg(dir.path("a.txt")).arg("--db").arg(&db).output().unwrap();
    assert!(show.status.success(), "{}", String::from_utf8_lossy(&show.stderr));

    // An unreadable subdirectory (only testable when permissions are enforced, i.e. not as root).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let sub = dir.path("locked");
        std::fs::create_dir(&sub).unwrap();
        std::fs::write(sub.join("b.txt"), "x").unwrap();
        std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o000)).unwrap();
        if std::fs::read_dir(&sub).is_err() {
            let out = bin().arg("extract").arg(&dir.0).arg("-q").output().unwrap();
            assert_eq!(out.status.code(), Some(1));
            assert!(String::from_utf8_lossy(&out.stderr).contains("locked: cannot list directory"));
            assert_eq!(lines(&out.stdout).len(), 1);
        }
        std::fs::set_permissions(&sub, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
}

/// Issue 9.8: `-o /dev/null` works; by-design WARC skips are counted, not failures.
#[test]
fn dev_null_output_and_warc_skips() {
    let dir = TempDir::new("robust-devnull");
    let warc = dir.path("crawl.warc.gz");
    std::fs::write(&warc, warc_gz()).unwrap();
    let out = bin().arg("extract").arg(&warc).args(["-o", "/dev/null"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("1 documents") && stderr.contains("2 records skipped"), "{stderr}");
}

/// Issue 9.8: whosaid's own indented output is named once, not reported line by line;
/// indented JSON articles are read as a JSON stream.
#[test]
fn indented_json_is_read_or_named_once() {
    let dir = TempDir::new("robust-json");
    let article = dir.path("a.txt");
    std::fs::write(&article, "“We will win,” Senator Maria Lopez said.").unwrap();
    let own = bin().arg("extract").arg(&article).output().unwrap();
    assert!(own.stdout.starts_with(b"{\n"), "single files give indented JSON");
    let own_path = dir.path("out.json");
    std::fs::write(&own_path, &own.stdout).unwrap();
    let out = bin().arg("extract").arg(&own_path).arg("-q").output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("out.json: this is whosaid/1 output"), "{stderr}");

    let arr = serde_json::to_string_pretty(&serde_json::json!([
        {"id": "x", "text": "Trump warned that talks could fail."},
        {"id": "y", "text": "“Yes,” Rubio said."}
    ]))
    .unwrap();
    let arr_path = dir.path("articles.json");
    std::fs::write(&arr_path, arr).unwrap();
    let out = bin().arg("extract").arg(&arr_path).arg("-q").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let docs = lines(&out.stdout);
    assert_eq!(docs.iter().map(|d| d["meta"]["id"].as_str().unwrap()).collect::<Vec<_>>(), ["x", "y"]);
}

/// A news-length text (over SimHash's minimum) for near-duplicate tests.
const WIRE: &str = "Washington has gained a much better understanding of Russia's position on the Ukraine conflict \
    now that it has engaged with Moscow after three years of diplomatic refusal, US Secretary of State Marco Rubio \
    has said. Rubio made the remarks on Wednesday in an interview with The Free Press, saying the US has been \
    seeking to grasp what the Russian position is. “We have a better understanding of that now because we have \
    actually spoken to them after three years of not speaking to them,” he stated. Ties between Moscow and \
    Washington all but collapsed following the 2022 escalation of the Ukraine conflict.";

/// Issue 9.4: Different ids with the same text are both kept (one linked as a
/// duplicate); a repeated id with different content is reported, the first kept.
#[test]
fn store_never_loses_an_id() {
    let dir = TempDir::new("robust-identity");
    let input = dir.path("in.jsonl");
    let rows = [
        serde_json::json!({"id": "a", "text": WIRE}),
        serde_json::json!({"id": "b", "text": WIRE}),
        serde_json::json!({"id": "c", "text": "Trump warned that talks could fail."}),
        serde_json::json!({"id": "c", "text": "“No,” Rubio said."}),
    ];
    std::fs::write(&input, rows.iter().map(|r| format!("{r}\n")).collect::<String>()).unwrap();
    let db = dir.path("news.db");
    let out = bin().arg("ingest").arg(&input).arg("-q").arg("--db").arg(&db).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("id 'c' appears again with different content"), "{stderr}");
    let show = |id: &str| {
        let o = bin().args(["show", id, "--format", "json", "--db"]).arg(&db).output().unwrap();
        assert!(o.status.success(), "show {id}: {}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice::<Value>(&o.stdout).unwrap()
    };
    assert_eq!(show("a")["duplicate_of"], Value::Null);
    assert_eq!(show("b")["duplicate_of"], "a");
    assert_eq!(show("c")["text"], "Trump warned that talks could fail.");
}

/// Issue 9.5: --resume remembers what it wrote: near-duplicates of documents already in
/// the output are marked (or dropped); formats that cannot resume are refused.
#[test]
fn resume_rebuilds_the_duplicate_index() {
    let dir = TempDir::new("robust-resume-dups");
    let first = dir.path("first.jsonl");
    std::fs::write(&first, format!("{}\n", serde_json::json!({"id": "orig", "text": WIRE}))).unwrap();
    let both = dir.path("both.jsonl");
    std::fs::write(
        &both,
        format!(
            "{}\n{}\n",
            serde_json::json!({"id": "orig", "text": WIRE}),
            serde_json::json!({"id": "copy", "text": format!("By Staff Reporter. {WIRE}")})
        ),
    )
    .unwrap();
    let out = dir.path("out.jsonl");
    let run = |input: &PathBuf, extra: &[&str]| {
        bin().arg("extract").arg(input).arg("-o").arg(&out).arg("-q").args(extra).output().unwrap()
    };
    assert!(run(&first, &[]).status.success());
    assert!(run(&both, &["--resume"]).status.success());
    let docs = lines(&std::fs::read(&out).unwrap());
    assert_eq!(docs.len(), 2);
    assert_eq!(docs[1]["meta"]["id"], "copy");
    assert_eq!(docs[1]["duplicate_of"], "orig");

    assert!(run(&first, &[]).status.success());
    assert!(run(&both, &["--resume", "--dedupe"]).status.success());
    assert_eq!(lines(&std::fs::read(&out).unwrap()).len(), 1, "--dedupe drops the copy of a resumed document");

    let table = dir.path("t.txt");
    let o =
        bin().arg("extract").arg(&first).args(["--format", "table", "--resume", "-o"]).arg(&table).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--resume works with --format jsonl only"));
    std::fs::write(&table, "# first.jsonl:1\nRubio | said | direct | x\n").unwrap();
    let o = bin().arg("extract").arg(&first).args(["--resume", "-o"]).arg(&table).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("t.txt: cannot resume: line 1 is not a whosaid/1 JSONL"));
    assert_eq!(std::fs::read_to_string(&table).unwrap().lines().count(), 2, "the file is left alone");
}

/// Issue 9.2: HTML over the limit is cut at a tag, reported, counted, exit 1 (the
/// limit logic itself is tested with a small limit in whosaid-batch).
#[test]
fn oversized_html_is_reported() {
    let dir = TempDir::new("robust-bightml");
    let page = dir.path("big.html");
    let para = "<p>“We will win the vote,” Senator Maria Lopez said on Tuesday in the capital.</p>\n";
    let mut html = String::from("<html><head><title>Big</title></head><body><article>");
    while html.len() <= 17 << 20 {
        html.push_str(para);
    }
    html.push_str("</article></body></html>");
    std::fs::write(&page, &html).unwrap();
    drop(html);
    let out = bin().arg("extract").arg(&page).args(["-o", "/dev/null"]).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("is over the 16 MiB limit: only the first"), "{stderr}");
    assert!(stderr.contains("1 pages cut at the HTML limit"), "{stderr}");
}

/// Issue 9.1: whosaid's own JSONL, gzipped, on stdin is stored as is by `ingest -`.
#[test]
fn ingest_reads_gzipped_whosaid_output_from_stdin() {
    let dir = TempDir::new("robust-ingest-gz");
    let input = dir.path("in.jsonl");
    std::fs::write(
        &input,
        format!("{}\n", serde_json::json!({"id": "g1", "text": "Trump warned that talks could fail."})),
    )
    .unwrap();
    let out = bin().arg("extract").arg(&input).arg("-q").output().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&out.stdout).unwrap();
    let db = dir.path("news.db");
    let out = with_stdin(bin().args(["ingest", "-", "-q", "--db"]).arg(&db), &gz.finish().unwrap());
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let show = bin().args(["show", "g1", "--db"]).arg(&db).output().unwrap();
    assert!(show.status.success(), "{}", String::from_utf8_lossy(&show.stderr));
}
