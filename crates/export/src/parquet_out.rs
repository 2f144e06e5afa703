//! The statements table as Parquet (for pandas, DuckDB, Spark, R arrow):
//! the CSV's columns with their types (statement INT64, confidence FLOAT),
//! and `issues`, `stances`, `stance_confidences` and `targets` as LIST
//! columns (aligned: the n-th stance is the n-th issue's). Optionally split
//! Hive-style into `DIR/outlet=NAME/part-0.parquet` or `DIR/month=YYYY-MM/…`,
//! which `pyarrow.dataset` and DuckDB's `hive_partitioning` read as a column.
//! Written uncompressed (the crate is built without codecs).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use parquet::data_type::{ByteArray, ByteArrayType, FloatType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

use crate::rows::{Corpus, StatementRow};
use crate::table::{statement_values, STATEMENT_COLUMNS};
use crate::{io_err, ExportError};

/// How a Parquet export is split into files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Partition {
    /// One file.
    None,
    /// One file per outlet (`outlet=…`, Hive style).
    Outlet,
    /// One file per publication month (`month=YYYY-MM`).
    Month,
}

impl Partition {
    /// Reads a `--partition` value.
    pub fn parse(s: &str) -> Result<Partition, ExportError> {
        match s {
            "none" => Ok(Partition::None),
            "outlet" => Ok(Partition::Outlet),
            "month" => Ok(Partition::Month),
            _ => Err(ExportError::UnknownValue {
                option: "partition",
                value: s.to_string(),
                expected: "none, outlet, month",
            }),
        }
    }
}

const LISTS: &[&str] = &["issues", "stances", "stance_confidences", "targets"];
const REQUIRED: &[&str] = &["doc_id", "kind", "content"];

fn schema() -> String {
    let mut s = String::from("message statements {\n");
    for c in STATEMENT_COLUMNS {
        let line = match *c {
            "statement" => "REQUIRED INT64 statement;".to_string(),
            "confidence" => "REQUIRED FLOAT confidence;".to_string(),
            "stance_confidences" => {
                "REQUIRED group stance_confidences (LIST) { REPEATED group list { REQUIRED FLOAT element; } }"
                    .to_string()
            }
            c if LISTS.contains(&c) => {
                format!("REQUIRED group {c} (LIST) {{ REPEATED group list {{ REQUIRED BINARY element (STRING); }} }}")
            }
            c if REQUIRED.contains(&c) => format!("REQUIRED BINARY {c} (STRING);"),
            c => format!("OPTIONAL BINARY {c} (STRING);"),
        };
        s.push_str(&line);
        s.push('\n');
    }
    s.push('}');
    s
}

fn pq_err(path: &Path, e: parquet::errors::ParquetError) -> ExportError {
    io_err(path, format!("cannot write Parquet: {e}"))
}

/// Levels of a required LIST of required elements: (definition, repetition)
/// per element; an empty list is one entry at definition level 0.
fn list_levels(lens: &[usize]) -> (Vec<i16>, Vec<i16>) {
    let (mut def, mut rep) = (Vec::new(), Vec::new());
    for &n in lens {
        if n == 0 {
            def.push(0);
            rep.push(0);
        }
        for k in 0..n {
            def.push(1);
            rep.push(if k == 0 { 0 } else { 1 });
        }
    }
    (def, rep)
}

/// Writes `rows` as one Parquet file.
fn write_rows(corpus: &Corpus, rows: &[&StatementRow], path: &Path) -> Result<(), ExportError> {
    let schema = Arc::new(parse_message_type(&schema()).map_err(|e| pq_err(path, e))?);
    let props = Arc::new(WriterProperties::builder().set_created_by("whosaid".into()).build());
    let file = std::fs::File::create(path).map_err(|e| io_err(path, format!("cannot create: {e}")))?;
    let mut writer = SerializedFileWriter::new(file, schema, props).map_err(|e| pq_err(path, e))?;
    let values: Vec<Vec<String>> = rows.iter().map(|r| statement_values(corpus, r)).collect();
    let mut rg = writer.next_row_group().map_err(|e| pq_err(path, e))?;
    let mut col_idx = 0;
    while let Some(mut col) = rg.next_column().map_err(|e| pq_err(path, e))? {
        let name = STATEMENT_COLUMNS[col_idx];
        let result = match name {
            "statement" => {
                let v: Vec<i64> = rows.iter().map(|r| r.statement as i64).collect();
                col.typed::<Int64Type>().write_batch(&v, None, None).map(|_| ())
            }
            "confidence" => {
                let v: Vec<f32> = rows.iter().map(|r| r.confidence).collect();
                col.typed::<FloatType>().write_batch(&v, None, None).map(|_| ())
            }
            "stance_confidences" => {
                let lens: Vec<usize> = rows.iter().map(|r| r.issues.len()).collect();
                let (def, rep) = list_levels(&lens);
                let v: Vec<f32> = rows.iter().flat_map(|r| r.issues.iter().map(|i| i.confidence)).collect();
                col.typed::<FloatType>().write_batch(&v, Some(&def), Some(&rep)).map(|_| ())
            }
            "issues" | "stances" | "targets" => {
                let items: Vec<Vec<String>> = rows
                    .iter()
                    .map(|r| match name {
                        "issues" => r.issues.iter().map(|i| i.issue.clone()).collect(),
                        "stances" => r.issues.iter().map(|i| i.stance.clone()).collect(),
                        _ => r.targets.iter().map(|a| a.name.clone()).collect(),
                    })
                    .collect();
                let lens: Vec<usize> = items.iter().map(Vec::len).collect();
                let (def, rep) = list_levels(&lens);
                let v: Vec<ByteArray> = items.into_iter().flatten().map(|s| ByteArray::from(s.as_str())).collect();
                col.typed::<ByteArrayType>().write_batch(&v, Some(&def), Some(&rep)).map(|_| ())
            }
            c if REQUIRED.contains(&c) => {
                let v: Vec<ByteArray> = values.iter().map(|r| ByteArray::from(r[col_idx].as_str())).collect();
                col.typed::<ByteArrayType>().write_batch(&v, None, None).map(|_| ())
            }
            _ => {
                // Optional strings: an empty cell is null.
                let def: Vec<i16> = values.iter().map(|r| i16::from(!r[col_idx].is_empty())).collect();
                let v: Vec<ByteArray> = values
                    .iter()
                    .filter(|r| !r[col_idx].is_empty())
                    .map(|r| ByteArray::from(r[col_idx].as_str()))
                    .collect();
                col.typed::<ByteArrayType>().write_batch(&v, Some(&def), None).map(|_| ())
            }
        };
        result.map_err(|e| pq_err(path, e))?;
        col.close().map_err(|e| pq_err(path, e))?;
        col_idx += 1;
    }
    rg.close().map_err(|e| pq_err(path, e))?;
    writer.close().map_err(|e| pq_err(path, e))?;
    Ok(())
}

/// A Hive partition value: no path separators or '='.
fn partition_value(s: &str) -> String {
    let v: String =
        s.chars().map(|c| if matches!(c, '/' | '\\' | '=' | ':') || c.is_control() { '_' } else { c }).collect();
    if v.trim().is_empty() || v == "." || v == ".." {
        "unknown".into()
    } else {
        v
    }
}

/// Writes the statements table to `path` (a file), or with a partition to
/// `path` as a directory of Hive-style partitions. Returns the files written.
pub fn write(corpus: &Corpus, path: &Path, partition: Partition) -> Result<Vec<String>, ExportError> {
    if partition == Partition::None {
        let rows: Vec<&StatementRow> = corpus.rows.iter().collect();
        let tmp = path.with_extension("parquet.tmp");
        write_rows(corpus, &rows, &tmp)?;
        std::fs::rename(&tmp, path).map_err(|e| io_err(path, format!("cannot write: {e}")))?;
        return Ok(vec![path.display().to_string()]);
    }
    let mut groups: BTreeMap<String, Vec<&StatementRow>> = BTreeMap::new();
    for r in &corpus.rows {
        let d = &corpus.documents[r.doc];
        let key = match partition {
            Partition::Outlet => format!("outlet={}", partition_value(d.outlet.as_deref().unwrap_or(""))),
            _ => {
                format!("month={}", partition_value(d.published.as_deref().map(|p| &p[..p.len().min(7)]).unwrap_or("")))
            }
        };
        groups.entry(key).or_default().push(r);
    }
    let mut files = Vec::new();
    for (key, rows) in groups {
        let dir = path.join(&key);
        std::fs::create_dir_all(&dir).map_err(|e| io_err(&dir, format!("cannot create directory: {e}")))?;
        let file = dir.join("part-0.parquet");
        write_rows(corpus, &rows, &file)?;
        files.push(file.display().to_string());
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_levels_mark_empty_lists_and_continuations() {
        assert_eq!(list_levels(&[0, 2, 1]), (vec![0, 1, 1, 1], vec![0, 0, 1, 0]));
        assert!(parse_message_type(&schema()).is_ok());
        assert_eq!(partition_value("a/b=c"), "a_b_c");
        assert_eq!(partition_value(""), "unknown");
    }
}
