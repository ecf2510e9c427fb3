//! Rendering a [`Report`]: one module per output format, all reading the same
//! findings, so every format says the same thing.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
mod live;
mod pretty;
pub mod sarif;

use crate::engine::Report;
use std::io::{self, Write};

/// `--format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
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

impl Format {
    /// Every format, as `--format` names it.
    pub const ALL: [Format; 6] = [
        Format::Human,
        Format::Compact,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Github,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Human => "human",
            Format::Compact => "compact",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Github => "github",
        }
    }

    pub fn parse(text: &str) -> Option<Format> {
        Format::ALL.into_iter().find(|f| f.as_str() == text)
    }
}

/// Options that change how a report is rendered, not what it says.
#[derive(Debug, Clone, Copy, Default)]
pub struct RenderOptions {
    pub color: bool,
    /// The lowest severity that fails the run, so renderers can say which
    /// findings failed it.
    pub fail_on: Option<crate::core::Severity>,
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
