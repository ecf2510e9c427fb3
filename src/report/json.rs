//! The stable JSON report (`schemas/report.schema.json`). Field names and
//! meanings only ever grow; `version` changes if one has to break.

use crate::core::{Diagnostic, Finding};
use crate::engine::{Report, Summary};
use serde::Serialize;
use std::io::{self, Write};

/// The version of the JSON report format.
pub const FORMAT_VERSION: &str = "1";

#[derive(Serialize)]
struct Document<'a> {
    version: &'static str,
    tool: Tool,
    findings: &'a [Finding],
    errors: &'a [Diagnostic],
    summary: &'a Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
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
    super::pretty::write_with_items(out, &document, "findings", &report.findings)
}
