//! The stable JSON report (`schemas/report.schema.json`). Field names and
//! meanings only ever grow; `version` changes if one has to break.

use crate::check::{Report, Summary};
use crate::finding::{Finding, InputError};
use rayon::prelude::*;
use serde::Serialize;
use std::io::{self, Write};

/// The version of the JSON report format.
pub const FORMAT_VERSION: &str = "1";

#[derive(Serialize)]
struct Document<'a> {
    version: &'static str,
    tool: Tool,
    findings: &'a [Finding],
    errors: &'a [InputError],
    summary: &'a Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    // A large input set has thousands of findings: serialize them in
    // parallel, then splice them into the document, indented as
    // `to_writer_pretty` would have put them (JSON strings hold no raw
    // newlines, so indenting every line is safe).
    let findings: Vec<Vec<u8>> = report
        .findings
        .par_iter()
        .map(serde_json::to_vec_pretty)
        .collect::<Result<_, _>>()?;
    let document = Document {
        version: FORMAT_VERSION,
        tool: Tool {
            name: "guard",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: &[],
        errors: &report.errors,
        summary: &report.summary,
    };
    let frame = serde_json::to_vec_pretty(&document)?;
    let placeholder = b"\n  \"findings\": []";
    let at = frame
        .windows(placeholder.len())
        .position(|w| w == placeholder)
        .ok_or_else(|| io::Error::other("the findings array is missing from the report frame"))?;
    let (head, tail) = frame.split_at(at + placeholder.len() - 2);
    out.write_all(head)?;
    if findings.is_empty() {
        out.write_all(b"[]")?;
    } else {
        out.write_all(b"[")?;
        for (i, finding) in findings.iter().enumerate() {
            out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
            for (j, line) in finding.split(|b| *b == b'\n').enumerate() {
                if j > 0 {
                    out.write_all(b"\n")?;
                }
                out.write_all(b"    ")?;
                out.write_all(line)?;
            }
        }
        out.write_all(b"\n  ]")?;
    }
    out.write_all(&tail[2..])?;
    writeln!(out)
}
