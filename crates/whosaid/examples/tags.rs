//! Prints the tagger's labels for a file (debugging aid).
use whosaid::statements::{rules, tagger, Selector};
fn main() {
    let path = std::env::args().nth(1).expect("path");
    let needle = std::env::args().nth(2).unwrap_or_default();
    let raw = std::fs::read_to_string(path).unwrap();
    let p = whosaid::Pipeline::default();
    let (doc, words) = p.annotate(&raw, "x", Default::default());
    let Selector::Learned(m) = Selector::builtin().unwrap() else { return };
    let rc = rules::propose(&doc, &words);
    for seq in tagger::sequences(&doc, &words, &rc, m.bits()) {
        let tags = tagger::viterbi(&m.tagger, &seq);
        let text: String =
            (0..seq.len()).map(|i| doc.slice(doc.tokens[seq.first + i].span)).collect::<Vec<_>>().join(" ");
        if !text.contains(&needle) {
            continue;
        }
        for (i, t) in tags.iter().enumerate() {
            print!("{}/{:?} ", doc.slice(doc.tokens[seq.first + i].span), t);
        }
        println!();
    }
}
