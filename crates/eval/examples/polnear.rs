//! Scores the pipeline on a PolNeAR file without building the CLI:
//! `cargo run --release -p whosaid-eval --example polnear -- ../shared/data/polnear/dev.jsonl`
fn main() {
    let path = std::env::args().nth(1).unwrap_or_else(|| "../shared/data/polnear/dev.jsonl".into());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let articles = whosaid_eval::parse_jsonl(&text).expect("valid PolNeAR JSONL");
    let ev = whosaid_eval::evaluate(&whosaid::Pipeline::default(), &articles);
    print!("{}", whosaid_eval::report::render_table(&ev.report()));
}
