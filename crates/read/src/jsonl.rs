//! JSONL: one article per line with `text` or `html` and optional metadata.
//! A bad line is reported as `file:line: reason` and reading goes on.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use serde_json::Value;
use whosaid_document::Meta;

use crate::{err, parse_date_prefix, Body, JsonlFields, ReadError, ReadEvent, Record, MAX_INPUT_BYTES};

pub struct JsonlReader {
    source: String,
    reader: Box<dyn BufRead + Send>,
    fields: JsonlFields,
    line: usize,
    done: bool,
}

impl JsonlReader {
    pub fn open(path: &Path, fields: JsonlFields) -> Result<JsonlReader, ReadError> {
        let source = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| err(&source, format!("cannot open: {e}")))?;
        let mut buf = BufReader::new(file);
        let gz = buf.fill_buf().map(|b| b.starts_with(&[0x1f, 0x8b])).unwrap_or(false);
        let reader: Box<dyn BufRead + Send> =
            if gz { Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(buf))) } else { Box::new(buf) };
        Ok(JsonlReader::from_reader(source, reader, fields))
    }

    pub fn from_reader(source: String, reader: Box<dyn BufRead + Send>, fields: JsonlFields) -> JsonlReader {
        JsonlReader { source, reader, fields, line: 0, done: false }
    }

    fn parse(&self, bytes: &[u8]) -> Result<Record, String> {
        let text = std::str::from_utf8(bytes).map_err(|e| format!("not valid UTF-8 ({e})"))?;
        let v: Value = serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
        let obj = v.as_object().ok_or("not a JSON object")?;
        let get = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_string);
        let body = match (get(&self.fields.text), get(&self.fields.html)) {
            (Some(t), _) if !t.trim().is_empty() => Body::Text(t),
            (_, Some(h)) if !h.trim().is_empty() => Body::Html(h),
            _ => return Err(format!("no non-empty '{}' or '{}' field", self.fields.text, self.fields.html)),
        };
        let id = obj.get(&self.fields.id).and_then(|v| match v {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        });
        let meta = Meta {
            id,
            title: get(&self.fields.title),
            url: get(&self.fields.url),
            outlet: get(&self.fields.outlet),
            byline: None,
            published: get(&self.fields.published).as_deref().and_then(parse_date_prefix),
        };
        Ok(Record { source: format!("{}:{}", self.source, self.line), meta, body, lossy: false, bytes: bytes.len() })
    }
}

impl Iterator for JsonlReader {
    type Item = ReadEvent;

    fn next(&mut self) -> Option<ReadEvent> {
        loop {
            if self.done {
                return None;
            }
            let mut line = Vec::new();
            // Bounded read: a line longer than the input limit is skipped, not buffered.
            let n = match (&mut self.reader).take(MAX_INPUT_BYTES + 1).read_until(b'\n', &mut line) {
                Ok(n) => n,
                Err(e) => {
                    self.done = true;
                    return Some(ReadEvent::Error(err(
                        &format!("{}:{}", self.source, self.line + 1),
                        format!("read failed: {e}"),
                    )));
                }
            };
            if n == 0 {
                return None;
            }
            self.line += 1;
            if line.len() as u64 > MAX_INPUT_BYTES && !line.ends_with(b"\n") {
                // Skip the rest of the overlong line.
                let mut sink = Vec::new();
                loop {
                    sink.clear();
                    match (&mut self.reader).take(1 << 20).read_until(b'\n', &mut sink) {
                        Ok(0) => break,
                        Ok(_) if sink.ends_with(b"\n") => break,
                        Ok(_) => continue,
                        Err(_) => break,
                    }
                }
                return Some(ReadEvent::Error(err(
                    &format!("{}:{}", self.source, self.line),
                    "line longer than the input limit, skipped",
                )));
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            return Some(match self.parse(&line) {
                Ok(r) => ReadEvent::Record(r),
                Err(reason) => ReadEvent::Error(err(&format!("{}:{}", self.source, self.line), reason)),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_records_and_reports_a_bad_line_with_its_number() {
        let data = "{\"id\": \"a\", \"text\": \"Rubio said so.\", \"published\": \"2025-04-23T10:00:00Z\", \"url\": \"https://x/1\"}\n\
                    {\"id\": \"b\", \"text\": oops}\n\
                    \n\
                    {\"headline\": \"no body\"}\n\
                    {\"id\": 7, \"html\": \"<p>Hi</p>\"}\n";
        let r = JsonlReader::from_reader("in.jsonl".into(), Box::new(data.as_bytes()), JsonlFields::default());
        let events: Vec<ReadEvent> = r.collect();
        assert_eq!(events.len(), 4);
        match &events[0] {
            ReadEvent::Record(r) => {
                assert_eq!(r.source, "in.jsonl:1");
                assert_eq!(r.meta.id.as_deref(), Some("a"));
                assert_eq!(r.meta.published.unwrap().to_string(), "2025-04-23");
                assert_eq!(r.body, Body::Text("Rubio said so.".into()));
            }
            e => panic!("{e:?}"),
        }
        match &events[1] {
            ReadEvent::Error(e) => assert!(e.to_string().starts_with("in.jsonl:2: not valid JSON"), "{e}"),
            e => panic!("{e:?}"),
        }
        match &events[2] {
            ReadEvent::Error(e) => assert!(e.to_string().starts_with("in.jsonl:4: no non-empty 'text'"), "{e}"),
            e => panic!("{e:?}"),
        }
        match &events[3] {
            ReadEvent::Record(r) => {
                assert_eq!(r.meta.id.as_deref(), Some("7"));
                assert!(matches!(r.body, Body::Html(_)));
            }
            e => panic!("{e:?}"),
        }
    }

    #[test]
    fn custom_field_names() {
        let data = "{\"body\": \"Text here.\", \"uid\": \"x1\"}\n";
        let fields = JsonlFields { text: "body".into(), id: "uid".into(), ..JsonlFields::default() };
        let events: Vec<ReadEvent> = JsonlReader::from_reader("f".into(), Box::new(data.as_bytes()), fields).collect();
        assert!(matches!(&events[0], ReadEvent::Record(r) if r.meta.id.as_deref() == Some("x1")));
    }
}
