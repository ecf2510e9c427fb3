//! Rendering a [`Report`]: one module per output format, all reading the same
//! findings, so every format says the same thing.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
mod pretty;
pub mod sarif;

use crate::check::Report;
use std::io::{self, Write};

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Labelled source snippets, one per finding (colour only on a terminal).
    #[default]
    Human,
    /// One line per finding: `file:line:column: severity[RULE] message`.
    Compact,
    /// The stable JSON document described by `schemas/report.schema.json`.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// JUnit XML, one test case per object.
    Junit,
    /// GitHub Actions workflow commands (`::error file=…`), one per finding.
    Github,
}

/// Options that change how a report is rendered, not what it says.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    pub color: bool,
    /// The lowest severity that fails the run, so renderers can say which
    /// findings failed it.
    pub fail_on: Option<crate::finding::Severity>,
}

pub fn render(
    report: &Report,
    format: Format,
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human::render(report, options, out),
        Format::Compact => human::render_compact(report, out),
        Format::Json => json::render(report, out),
        Format::Sarif => sarif::render(report, out),
        Format::Junit => junit::render(report, options, out),
        Format::Github => github::render(report, options, out),
    }
}
