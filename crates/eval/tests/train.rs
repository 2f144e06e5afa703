//! Training on a tiny hand-written corpus (no shared data needed): the model
//! learns a cue the lexicon lacks, and the same data gives the same bytes.

use whosaid::statements::tagger::TrainConfig;
use whosaid::{Lexicon, Meta, Model, Pipeline, Selector};
use whosaid_eval::{parse_jsonl, train};

/// "blorped" is no English word and in no lexicon: only training can make it a cue.
const SENTENCES: &[(&str, &str, &str)] = &[
    (
        "Senator Alice Moore",
        "the budget would pass by Friday",
        "Senator Alice Moore blorped that the budget would pass by Friday.",
    ),
    ("Mayor Tom Reyes", "the bridge was unsafe", "Mayor Tom Reyes blorped that the bridge was unsafe."),
    ("Governor Jane Park", "taxes would not rise", "Governor Jane Park blorped that taxes would not rise."),
    ("Minister Paul Grant", "the talks had failed", "Minister Paul Grant blorped that the talks had failed."),
    ("Judge Ruth Hale", "the ruling stands", "Judge Ruth Hale blorped that the ruling stands."),
    ("Chief Omar Diaz", "crime had fallen sharply", "Chief Omar Diaz blorped that crime had fallen sharply."),
];

fn cp(text: &str, needle: &str) -> [usize; 2] {
    let b = text.find(needle).expect("needle in text");
    let start = text[..b].chars().count();
    [start, start + needle.chars().count()]
}

fn corpus() -> String {
    let mut out = String::new();
    for (i, (source, content, _)) in SENTENCES.iter().enumerate() {
        // Each article: two attributed sentences and one plain one.
        let (s2, c2, t2) = SENTENCES[(i + 1) % SENTENCES.len()];
        let text = format!("{} The weather was mild on the day.\n\n{}", SENTENCES[i].2, t2);
        let attr = |src: &str, con: &str| {
            serde_json::json!({
                "source": {"spans": [cp(&text, src)], "text": src},
                "cue": {"spans": [cp(&text, "blorped")], "text": "blorped"},
                "content": {"spans": [cp(&text, con)], "text": con},
            })
        };
        let mut second = attr(s2, c2);
        // The second cue is the second "blorped".
        let at = text.rfind("blorped").unwrap();
        let start = text[..at].chars().count();
        second["cue"]["spans"] = serde_json::json!([[start, start + 7]]);
        let line =
            serde_json::json!({"id": format!("a{i}"), "text": text, "attributions": [attr(source, content), second]});
        out.push_str(&line.to_string());
        out.push('\n');
    }
    out
}

fn trained() -> Model {
    let articles = parse_jsonl(&corpus()).unwrap();
    let pipeline = Pipeline::rules(Lexicon::builtin());
    let cfg = TrainConfig { bits: 14, epochs: 5, seed: 7 };
    train::train(&pipeline, &articles, None, cfg, |_| {})
}

#[test]
fn the_lexicon_does_not_know_the_cue() {
    let doc = Pipeline::rules(Lexicon::builtin()).extract(
        "Professor Lena Ortiz blorped that the vote was rigged.",
        "t",
        Meta::default(),
    );
    assert!(doc.statements.is_empty(), "the rules found {:?}", doc.statements);
}

#[test]
fn training_learns_a_cue_the_lexicon_lacks() {
    let model = trained();
    let pipeline = Pipeline::new(Lexicon::builtin()).with_selector(Selector::Learned(std::sync::Arc::new(model)));
    let doc = pipeline.extract("Professor Lena Ortiz blorped that the vote was rigged.", "t", Meta::default());
    let st = doc.statements.first().expect("a statement with the learned cue");
    assert_eq!(doc.slice(st.cue.expect("cue")), "blorped");
    assert_eq!(doc.slice(st.content), "the vote was rigged");
    assert_eq!(doc.slice(doc.mentions[st.speaker.expect("speaker")].span), "Professor Lena Ortiz");
}

#[test]
fn the_same_data_gives_a_byte_identical_model() {
    let a = trained().to_bytes();
    let b = trained().to_bytes();
    assert_eq!(a, b);
    // And the bytes read back to the same model.
    assert_eq!(Model::from_bytes(&a).unwrap().to_bytes(), a);
}
