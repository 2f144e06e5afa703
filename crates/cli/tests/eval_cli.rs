//! The `whosaid eval` ratchets as CI runs them, on a two-attribution corpus
//! written here (PolNeAR's JSONL shape, and a speakers file beside it).

use std::path::Path;

mod common;
use common::{bin, temp_dir};

/// Byte offsets of `needle` in `text` as a PolNeAR span (`[[start, end]]`).
fn span(text: &str, needle: &str) -> serde_json::Value {
    let start = text.find(needle).unwrap_or_else(|| panic!("{needle:?} not in the text"));
    let start = text[..start].chars().count();
    serde_json::json!({"spans": [[start, start + needle.chars().count()]], "text": needle})
}

fn write_corpus(dir: &Path, with_speakers: bool) -> std::path::PathBuf {
    let text = "Maria Lopez, the mayor of Springfield, spoke on Monday.\n\nShe said the budget would pass.\n\nJohn Smith said the vote was delayed.";
    let article = serde_json::json!({
        "id": "a1", "publisher": "test", "published": "2024-05-01", "title": "Budget",
        "text": text,
        "attributions": [
            {"source": span(text, "She"), "cue": span(text, "said the budget"), "content": span(text, "the budget would pass")},
            {"source": span(text, "John Smith"), "cue": span(text, "said the vote"), "content": span(text, "the vote was delayed")},
        ]
    });
    // The cue spans above cover more than the cue; only content and source are scored.
    let gold = dir.join("tiny.jsonl");
    std::fs::write(&gold, format!("{article}\n")).unwrap();
    if with_speakers {
        let speakers = serde_json::json!({"id": "a1", "speakers": [
            {"i": 0, "source": "She", "name": "Maria Lopez", "type": "person"},
            {"i": 1, "source": "John Smith", "name": "John Smith", "type": "person"},
        ]});
        std::fs::write(dir.join("tiny-speakers.jsonl"), format!("{speakers}\n")).unwrap();
    }
    gold
}

#[test]
fn the_referent_ratchet_passes_at_the_measured_share_and_fails_above_it() {
    let dir = temp_dir("eval-referent");
    let gold = write_corpus(&dir, true);
    let ok = bin().args(["eval", "--gold"]).arg(&gold).args(["--min-referent", "1.0"]).output().unwrap();
    let table = String::from_utf8_lossy(&ok.stdout);
    assert!(table.contains("referent right 1.000"), "{table}");
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let too_high = bin().args(["eval", "--gold"]).arg(&gold).args(["--min-referent", "1.01"]).output().unwrap();
    assert_eq!(too_high.status.code(), Some(1));
    let err = String::from_utf8_lossy(&too_high.stderr);
    assert!(err.contains("speaker referent share 1.0000 is below the floor 1.01"), "{err}");
}

#[test]
fn the_referent_ratchet_fails_when_no_referents_were_read() {
    let dir = temp_dir("eval-no-referents");
    let gold = write_corpus(&dir, false);
    let out = bin().args(["eval", "--gold"]).arg(&gold).args(["--min-referent", "0.5"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--min-referent needs speaker referents"), "{err}");
}
