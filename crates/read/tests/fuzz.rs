//! Readers never panic on arbitrary bytes: random data, mutated real-shaped
//! WARC and JSONL. (No crasher has been found so far; any found goes into
//! `regressions` below as a fixed case.)

use std::io::{BufReader, Cursor};

use proptest::prelude::*;
use whosaid_read::jsonl::JsonlReader;
use whosaid_read::warc::WarcReader;
use whosaid_read::{JsonlFields, ReadEvent};

const WARC: &[u8] = b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://a/1\r\nContent-Type: application/http; msgtype=response\r\nContent-Length: 80\r\n\r\nHTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n<p>Hi\r\n0\r\n\r\n\r\n\r\n";
const JSONL: &[u8] =
    b"{\"id\": \"a\", \"text\": \"Rubio said so.\", \"published\": \"2025-04-23\"}\n{\"html\": \"<p>x</p>\"}\n";

fn drain_warc(bytes: Vec<u8>) -> usize {
    WarcReader::from_reader("fuzz.warc".into(), Box::new(BufReader::new(Cursor::new(bytes)))).take(10_000).count()
}

fn drain_jsonl(bytes: Vec<u8>) -> usize {
    JsonlReader::from_reader("fuzz.jsonl".into(), Box::new(BufReader::new(Cursor::new(bytes))), JsonlFields::default())
        .take(10_000)
        .count()
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

    #[test]
    fn warc_reader_survives_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        drain_warc(bytes);
    }

    #[test]
    fn warc_reader_survives_mutations(pos in 0usize..WARC.len(), byte in any::<u8>(), cut in 0usize..WARC.len()) {
        let mut b = WARC.to_vec();
        b[pos] = byte;
        b.truncate(cut.max(1));
        drain_warc(b);
    }

    #[test]
    fn gzipped_warc_with_corruption_ends_with_an_error(pos in 0usize..200, byte in any::<u8>()) {
        let mut b = gz(WARC);
        let p = pos % b.len();
        b[p] ^= byte | 1;
        let gzipped = Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(Cursor::new(b))));
        let events: Vec<ReadEvent> = WarcReader::from_reader("c.warc.gz".into(), gzipped).take(100).collect();
        // Either it still decodes, or reading stops with a named error; never a panic.
        if let Some(ReadEvent::Error(e)) = events.last() {
            prop_assert!(e.to_string().starts_with("c.warc.gz#"));
        }
    }

    #[test]
    fn jsonl_reader_survives_random_bytes(bytes in prop::collection::vec(any::<u8>(), 0..2000)) {
        drain_jsonl(bytes);
    }

    #[test]
    fn jsonl_reader_survives_mutations(pos in 0usize..JSONL.len(), byte in any::<u8>()) {
        let mut b = JSONL.to_vec();
        b[pos] = byte;
        drain_jsonl(b);
    }
}

#[test]
fn regressions() {
    // Shapes that once looked risky: empty, header only, huge Content-Length, no blank line.
    for case in [
        &b""[..],
        b"WARC/1.0\r\n",
        b"WARC/1.0\r\nContent-Length: 99999999999\r\n\r\nabc",
        b"WARC/1.0\r\nContent-Length: -1\r\n\r\n",
        b"WARC/1.0\r\nWARC-Type: response\r\nContent-Type: application/http\r\nContent-Length: 3\r\n\r\nabc",
    ] {
        drain_warc(case.to_vec());
    }
    assert_eq!(drain_jsonl(b"\n\n\n".to_vec()), 0);
}
