//! JSONL: one article per line with `text` or `html` and optional metadata.
//! A bad line is reported as `file:line: reason` and reading goes on.
//! Indented JSON (objects one after another, or an array of objects) is
//! recognised on its first line and read as a JSON stream instead, so it is
//! not reported line by line; its records are `file#N`.

use std::io::{BufRead, Read};
use std::path::Path;

use serde_json::Value;
use whosaid_document::Meta;

use crate::{err, parse_date_prefix, Body, JsonlFields, ReadError, ReadEvent, Reason, Record, MAX_INPUT_BYTES};

/// Streams [`ReadEvent`]s from JSONL (or indented JSON) one record at a time.
pub struct JsonlReader {
    source: String,
    reader: Box<dyn BufRead + Send>,
    fields: JsonlFields,
    line: usize,
    done: bool,
    /// Whether a non-blank line was read (only the first may open indented JSON).
    seen_content: bool,
    /// Set when the input turned out to be indented JSON, not JSONL.
    stream: Option<JsonStream>,
}

type ValueStream = serde_json::StreamDeserializer<'static, serde_json::de::IoRead<Box<dyn Read + Send>>, Value>;

struct JsonStream {
    values: ValueStream,
    /// Elements of a top-level array still to yield.
    queue: std::collections::VecDeque<Value>,
    record: usize,
}

impl JsonlReader {
    /// Opens a file (gzipped or not); only a failure to open it is an error here.
    pub fn open(path: &Path, fields: JsonlFields) -> Result<JsonlReader, ReadError> {
        let source = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| err(&source, Reason::Open(e)))?;
        Ok(JsonlReader::from_reader(source, crate::gzip::buffered(file, 8 * 1024), fields))
    }

    /// Reads an already opened stream, naming it `source` in records and errors.
    pub fn from_reader(source: String, reader: Box<dyn BufRead + Send>, fields: JsonlFields) -> JsonlReader {
        JsonlReader { source, reader, fields, line: 0, done: false, seen_content: false, stream: None }
    }

    fn parse(&self, bytes: &[u8]) -> Result<Record, Reason> {
        let text = std::str::from_utf8(bytes).map_err(Reason::NotUtf8)?;
        let v: Value = serde_json::from_str(text).map_err(|error| Reason::NotJson { error, rest_skipped: false })?;
        let mut r = self.record(&v, bytes.len())?;
        r.source = format!("{}:{}", self.source, self.line);
        Ok(r)
    }

    fn record(&self, v: &Value, bytes: usize) -> Result<Record, Reason> {
        let obj = v.as_object().ok_or(Reason::NotObject)?;
        let get = |k: &str| obj.get(k).and_then(Value::as_str).map(str::to_string);
        let body = match (get(&self.fields.text), get(&self.fields.html)) {
            (Some(t), _) if !t.trim().is_empty() => Body::Text(t),
            (_, Some(h)) if !h.trim().is_empty() => Body::Html(h),
            _ => {
                return Err(Reason::NoBody {
                    text_field: self.fields.text.clone(),
                    html_field: self.fields.html.clone(),
                })
            }
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
        Ok(Record { source: self.source.clone(), meta, body, lossy: false, bytes })
    }

    fn line_is_first_content(&self) -> bool {
        !self.seen_content
    }

    /// Switches to reading a JSON stream that starts with `first` (the line
    /// already consumed) and continues with the rest of the input.
    fn start_stream(&mut self, first: Vec<u8>) {
        let reader = std::mem::replace(&mut self.reader, Box::new(std::io::empty()));
        let rest: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(first).chain(reader).take(MAX_INPUT_BYTES));
        let values = serde_json::Deserializer::from_reader(rest).into_iter::<Value>();
        self.stream = Some(JsonStream { values, queue: Default::default(), record: 0 });
    }

    fn next_in_stream(&mut self) -> Option<ReadEvent> {
        let st = self.stream.as_mut()?;
        let value = match st.queue.pop_front() {
            Some(v) => v,
            None => match st.values.next()? {
                Ok(Value::Array(items)) => {
                    st.queue.extend(items);
                    return self.next_in_stream();
                }
                Ok(v) => v,
                Err(e) => {
                    self.done = true;
                    let at = format!("{}#{}", self.source, st.record + 1);
                    return Some(ReadEvent::Error(err(&at, Reason::NotJson { error: e, rest_skipped: true })));
                }
            },
        };
        st.record += 1;
        let at = format!("{}#{}", self.source, st.record);
        Some(match self.record(&value, 0) {
            Ok(mut r) => {
                r.source = at;
                r.bytes = r.body_len();
                ReadEvent::Record(r)
            }
            Err(reason) => ReadEvent::Error(err(&at, reason)),
        })
    }
}

impl Record {
    fn body_len(&self) -> usize {
        match &self.body {
            Body::Text(t) | Body::Html(t) => t.len(),
        }
    }
}

/// Whether a first line that is not a whole JSON value opens indented JSON.
fn opens_indented_json(line: &[u8]) -> bool {
    let t = line.trim_ascii();
    t == b"{"
        || t == b"["
        || (t.starts_with(b"[") && t[1..].trim_ascii_start().starts_with(b"{"))
        || (t.starts_with(b"{") && serde_json::from_slice::<Value>(t).is_err_and(|e| e.is_eof()))
}

impl Iterator for JsonlReader {
    type Item = ReadEvent;

    fn next(&mut self) -> Option<ReadEvent> {
        loop {
            if self.done {
                return None;
            }
            if self.stream.is_some() {
                return self.next_in_stream();
            }
            let mut line = Vec::new();
            // Bounded read: a line longer than the input limit is skipped, not buffered.
            let n = match (&mut self.reader).take(MAX_INPUT_BYTES + 1).read_until(b'\n', &mut line) {
                Ok(n) => n,
                Err(e) => {
                    self.done = true;
                    return Some(ReadEvent::Error(err(
                        &format!("{}:{}", self.source, self.line + 1),
                        Reason::ReadFailed(e),
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
                return Some(ReadEvent::Error(err(&format!("{}:{}", self.source, self.line), Reason::LineTooLong)));
            }
            if line.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            if self.line_is_first_content() && opens_indented_json(&line) {
                self.start_stream(line);
                continue;
            }
            self.seen_content = true;
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
    fn indented_json_is_one_stream_not_many_bad_lines() {
        let data = "{\n  \"id\": \"a\",\n  \"text\": \"One.\"\n}\n{\n  \"id\": \"b\",\n  \"text\": \"Two.\"\n}\n";
        let ev: Vec<ReadEvent> =
            JsonlReader::from_reader("x.json".into(), Box::new(data.as_bytes()), JsonlFields::default()).collect();
        let ids: Vec<_> =
            ev.iter().map(|e| if let ReadEvent::Record(r) = e { r.source.clone() } else { format!("{e:?}") }).collect();
        assert_eq!(ids, ["x.json#1", "x.json#2"]);
        let arr = "[\n {\"text\": \"One.\"},\n {\"nothing\": 1}\n]\n";
        let ev: Vec<ReadEvent> =
            JsonlReader::from_reader("y.json".into(), Box::new(arr.as_bytes()), JsonlFields::default()).collect();
        assert_eq!(ev.len(), 2);
        assert!(matches!(&ev[1], ReadEvent::Error(e) if e.source == "y.json#2"), "{ev:?}");
        // A broken first line of real JSONL is still one error for that line.
        let bad = "{\"text\": oops}\n{\"text\": \"Fine.\"}\n";
        let ev: Vec<ReadEvent> =
            JsonlReader::from_reader("z.jsonl".into(), Box::new(bad.as_bytes()), JsonlFields::default()).collect();
        assert!(matches!(&ev[0], ReadEvent::Error(e) if e.source == "z.jsonl:1"));
        assert!(matches!(&ev[1], ReadEvent::Record(r) if r.source == "z.jsonl:2"));
    }

    #[test]
    fn custom_field_names() {
        let data = "{\"body\": \"Text here.\", \"uid\": \"x1\"}\n";
        let fields = JsonlFields { text: "body".into(), id: "uid".into(), ..JsonlFields::default() };
        let events: Vec<ReadEvent> = JsonlReader::from_reader("f".into(), Box::new(data.as_bytes()), fields).collect();
        assert!(matches!(&events[0], ReadEvent::Record(r) if r.meta.id.as_deref() == Some("x1")));
    }
}
