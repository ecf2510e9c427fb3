//! Human output: each finding as a labelled source snippet with its fix, the
//! way rustc and cargo-deny show diagnostics; and a one-line-per-finding
//! compact form for grep and editors.

use super::RenderOptions;
use crate::core::{Diagnostic as GuardDiagnostic, Finding, Location, Severity};
use crate::engine::Report;
use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};
use rayon::prelude::*;
use std::collections::HashMap;
use std::fmt;
use std::io::{self, Write};

/// Lines shown around the offending one.
const CONTEXT_LINES: usize = 2;

pub fn render(report: &Report, options: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let theme = if options.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let width = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(100);
    let handler = GraphicalReportHandler::new_themed(theme).with_width(width);
    let sources = SourceIndex::new(report);
    // Laying out a snippet costs far more than writing it, and a large input
    // set has thousands of findings: lay them out in parallel, write them in
    // order.
    let snippets: Vec<Result<String, fmt::Error>> = report
        .errors
        .par_iter()
        .map(|error| Snippet::input_error(error, &sources))
        .chain(
            report
                .findings
                .par_iter()
                .filter(|finding| finding.location.is_some())
                .map(|finding| Snippet::finding(finding, &sources)),
        )
        .map(|diagnostic| {
            let mut text = String::new();
            handler.render_report(&mut text, &diagnostic).map(|()| text)
        })
        .collect();
    for text in snippets {
        out.write_all(text.map_err(io::Error::other)?.as_bytes())?;
    }
    let unplaced: Vec<&Finding> = report
        .findings
        .iter()
        .filter(|f| f.location.is_none())
        .collect();
    if !unplaced.is_empty() {
        super::live::render(&unplaced, options, out)?;
    }
    writeln!(out, "{}", summary_line(report))
}

pub fn render_compact(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    for error in &report.errors {
        match &error.location {
            Some(l) => write!(out, "{}:{}:{}: ", l.file, l.line, l.column)?,
            None => write!(out, "guard: ")?,
        }
        writeln!(out, "error[input] {}", error.message)?;
    }
    for f in &report.findings {
        match &f.location {
            Some(l) => write!(out, "{}:{}:{}: ", l.file, l.line, l.column)?,
            // An object from a cluster or a request: named, with the field.
            None if f.path.is_empty() => write!(out, "{}: ", f.object)?,
            None => write!(out, "{} {}: ", f.object, f.path)?,
        }
        write!(out, "{}[{}] {}", f.severity, f.rule, f.message)?;
        // A file position does not say which object; a cluster object's
        // name is already in front.
        if f.location.is_some() {
            write!(out, " ({})", f.object)?;
        }
        match &f.spec_location {
            Some(s) => writeln!(out, " [required by {}:{}:{}]", s.file, s.line, s.column)?,
            None => writeln!(out)?,
        }
    }
    writeln!(out, "{}", summary_line(report))
}

fn summary_line(report: &Report) -> String {
    let s = &report.summary;
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    // Objects from a cluster come from no file.
    let read = if s.files == 0 && s.documents > 0 {
        plural(s.documents, "object")
    } else {
        format!(
            "{} and {}",
            plural(s.documents, "object"),
            plural(s.files, "file")
        )
    };
    let mut line = format!(
        "{} ({} error, {} warning, {} info) in {read}",
        plural(s.findings, "finding"),
        s.errors,
        s.warnings,
        s.infos,
    );
    if s.suppressed > 0 {
        line.push_str(&format!("; {} suppressed", s.suppressed));
    }
    if s.input_errors > 0 {
        line.push_str(&format!(
            "; {} could not be checked",
            plural(s.input_errors, "input")
        ));
    }
    line
}

/// Line offsets of every source, computed once per report.
struct SourceIndex<'r> {
    files: HashMap<&'r str, (&'r str, Vec<usize>)>,
}

impl<'r> SourceIndex<'r> {
    fn new(report: &'r Report) -> Self {
        let files = report
            .sources
            .iter()
            .map(|s| {
                let starts = std::iter::once(0)
                    .chain(s.text.match_indices('\n').map(|(i, _)| i + 1))
                    .collect();
                (s.name.as_ref(), (s.text.as_ref(), starts))
            })
            .collect();
        SourceIndex { files }
    }

    /// The lines around `location`, and the span of the token it points at.
    fn excerpt(&self, location: &Location) -> Option<(Excerpt, SourceSpan)> {
        let (text, starts) = self.files.get(location.file.as_ref())?;
        let line = (location.line as usize).checked_sub(1)?;
        let first = line.saturating_sub(CONTEXT_LINES);
        let last = (line + CONTEXT_LINES).min(starts.len() - 1);
        let start = *starts.get(first)?;
        let end = starts.get(last + 1).copied().unwrap_or(text.len());
        let excerpt = &text[start..end];
        let line_start = starts[line] - start;
        let line_text = &excerpt[line_start..];
        let column = line_text
            .char_indices()
            .nth((location.column as usize).saturating_sub(1))
            .map_or(0, |(i, _)| i);
        let token = line_text[column..]
            .find([':', '\n', '\r'])
            .unwrap_or(line_text.len() - column)
            .max(1);
        Some((
            Excerpt {
                name: location.file.to_string(),
                text: excerpt.to_string(),
                first_line: first,
            },
            SourceSpan::new((line_start + column).into(), token),
        ))
    }
}

/// A few lines of a source file that know where they sit in it, so miette
/// prints true line numbers without reading the whole file per finding.
struct Excerpt {
    name: String,
    text: String,
    first_line: usize,
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self.text.read_span(span, before, after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count(),
        )))
    }
}

/// One finding or input error as a miette diagnostic.
struct Snippet {
    code: String,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    label: String,
    source: Option<(Excerpt, SourceSpan)>,
    /// Where it is when the snippet cannot show it: a file position, or
    /// for an object from no file, the field path.
    location: Option<Location>,
    path: String,
    related: Vec<Snippet>,
}

impl Snippet {
    fn finding(finding: &Finding, sources: &SourceIndex) -> Snippet {
        let mut help = finding.fix.as_ref().map(|f| f.description.clone());
        if let Some(fix) = finding.fix.as_ref().filter(|f| !f.patch.is_empty()) {
            let patch = serde_json::to_string(&fix.patch).unwrap_or_default();
            help = Some(format!("{}\npatch: {patch}", help.unwrap_or_default()));
        }
        let related = finding
            .spec_location
            .iter()
            .map(|spec| Snippet {
                code: finding.rule.clone(),
                message: "the Blueprint states the requirement here".into(),
                severity: miette::Severity::Advice,
                help: None,
                label: "required here".into(),
                source: sources.excerpt(spec),
                location: Some(spec.clone()),
                path: String::new(),
                related: Vec::new(),
            })
            .collect();
        Snippet {
            code: finding.rule.clone(),
            message: format!("{} ({})", finding.message, finding.object),
            severity: match finding.severity {
                Severity::Error => miette::Severity::Error,
                Severity::Warning => miette::Severity::Warning,
                Severity::Info => miette::Severity::Advice,
            },
            help,
            label: if finding.path.is_empty() {
                "here".into()
            } else {
                finding.path.clone()
            },
            source: finding.location.as_ref().and_then(|l| sources.excerpt(l)),
            location: finding.location.clone(),
            path: finding.path.clone(),
            related,
        }
    }

    fn input_error(error: &GuardDiagnostic, sources: &SourceIndex) -> Snippet {
        Snippet {
            code: "input".into(),
            message: error.message.clone(),
            severity: miette::Severity::Error,
            help: Some(
                error
                    .help
                    .clone()
                    .unwrap_or_else(|| "this input was not checked; fix it and run again".into()),
            ),
            label: "here".into(),
            source: error.location.as_ref().and_then(|l| sources.excerpt(l)),
            location: error.location.clone(),
            path: String::new(),
            related: Vec::new(),
        }
    }
}

impl fmt::Debug for Snippet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Snippet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.source, &self.location) {
            (None, Some(l)) => write!(
                f,
                "{} (at {}:{}:{})",
                self.message, l.file, l.line, l.column
            ),
            (None, None) if !self.path.is_empty() => {
                write!(f, "{} (at {})", self.message, self.path)
            }
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Snippet {}

impl Diagnostic for Snippet {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source
            .as_ref()
            .map(|(excerpt, _)| excerpt as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let (_, span) = self.source.as_ref()?;
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(self.label.clone()), *span),
        )))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn Diagnostic)))
    }
}
