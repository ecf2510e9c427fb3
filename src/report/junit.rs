//! JUnit XML, for CI systems that show test reports: one `<testsuite>` per
//! file, one `<testcase>` per Kubernetes object in it. An object fails when it
//! has findings at or above `--fail-on` (all of them in one `<failure>`);
//! findings below that go to the test case's `<system-out>`. Input that could
//! not be read or parsed is a test case with an `<error>`.

use super::RenderOptions;
use crate::core::{Diagnostic, Finding, Location, ObjectRef, Severity};
use crate::engine::Report;
use crate::source::Input;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

pub fn render(report: &Report, options: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let fail_on = options.fail_on.unwrap_or(Severity::Error);
    let suites = Suites::build(report);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let (mut tests, mut failures, mut errors) = (0, 0, 0);
    let mut body = String::new();
    for suite in &suites.list {
        let counts = suite.counts(fail_on);
        tests += counts.0;
        failures += counts.1;
        errors += counts.2;
        let _ = writeln!(
            body,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
            attr(&suite.name),
            counts.0,
            counts.1,
            counts.2
        );
        for case in &suite.cases {
            write_case(&mut body, &suite.name, case, fail_on);
        }
        body.push_str("  </testsuite>\n");
    }
    let _ = writeln!(
        xml,
        "<testsuites name=\"guard\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">"
    );
    xml.push_str(&body);
    xml.push_str("</testsuites>\n");
    out.write_all(xml.as_bytes())
}

/// The test cases of one file.
struct Suite<'a> {
    name: String,
    cases: Vec<Case<'a>>,
    /// Object test cases by identity, so findings find theirs.
    index: HashMap<CaseKey, usize>,
}

#[derive(Hash, PartialEq, Eq)]
enum CaseKey {
    Object(ObjectRef),
    /// A document that is not an object, by the line its finding is on.
    Document(u32),
}

struct Case<'a> {
    name: String,
    findings: Vec<&'a Finding>,
    error: Option<&'a Diagnostic>,
}

impl Suite<'_> {
    /// Test cases, failures and errors.
    fn counts(&self, fail_on: Severity) -> (usize, usize, usize) {
        let failures = self
            .cases
            .iter()
            .filter(|case| case.findings.iter().any(|f| f.severity >= fail_on))
            .count();
        let errors = self
            .cases
            .iter()
            .filter(|case| case.error.is_some())
            .count();
        (self.cases.len(), failures, errors)
    }
}

struct Suites<'a> {
    list: Vec<Suite<'a>>,
    by_file: HashMap<String, usize>,
}

impl<'a> Suites<'a> {
    fn build(report: &'a Report) -> Suites<'a> {
        let mut suites = Suites {
            list: Vec::new(),
            by_file: HashMap::new(),
        };
        // Every object of every file is a test case, clean ones too: the
        // report keeps the sources, and parsing them again names the objects.
        for source in &report.sources {
            let suite = suites.suite(&source.name);
            let input = Input::from_text(source.name.clone(), &source.text);
            for object in input.objects {
                let name = object.id.to_string();
                suite.case(CaseKey::Object(object.id), name);
            }
        }
        for finding in &report.findings {
            // Objects from no file (a cluster's) share one suite.
            let file = finding.location.as_ref().map_or("", |l| l.file.as_ref());
            let suite = suites.suite(file);
            let case = if finding.object.kind.is_empty() {
                let line = finding.location.as_ref().map_or(0, |l| l.line);
                suite.case(CaseKey::Document(line), format!("document at line {line}"))
            } else {
                suite.case(
                    CaseKey::Object(finding.object.clone()),
                    finding.object.to_string(),
                )
            };
            case.findings.push(finding);
        }
        for error in &report.errors {
            let file = error.location.as_ref().map_or("", |l| l.file.as_ref());
            let suite = suites.suite(file);
            let (line, column) = error
                .location
                .as_ref()
                .map_or((0, 0), |l| (l.line, l.column));
            let name = match (line, column) {
                (0, _) => "input error".to_string(),
                (line, 0) => format!("input error at line {line}"),
                (line, column) => format!("input error at line {line}, column {column}"),
            };
            suite.cases.push(Case {
                name,
                findings: Vec::new(),
                error: Some(error),
            });
        }
        suites
    }

    fn suite(&mut self, file: &str) -> &mut Suite<'a> {
        let next = self.list.len();
        let index = *self.by_file.entry(file.to_string()).or_insert(next);
        if index == next {
            self.list.push(Suite {
                name: if file.is_empty() {
                    "guard".into()
                } else {
                    file.to_string()
                },
                cases: Vec::new(),
                index: HashMap::new(),
            });
        }
        &mut self.list[index]
    }
}

impl<'a> Suite<'a> {
    fn case(&mut self, key: CaseKey, name: String) -> &mut Case<'a> {
        let next = self.cases.len();
        let index = *self.index.entry(key).or_insert(next);
        if index == next {
            self.cases.push(Case {
                name,
                findings: Vec::new(),
                error: None,
            });
        }
        &mut self.cases[index]
    }
}

fn write_case(xml: &mut String, file: &str, case: &Case, fail_on: Severity) {
    let _ = write!(
        xml,
        "    <testcase classname=\"{}\" name=\"{}\"",
        attr(file),
        attr(&case.name)
    );
    let (failing, passing): (Vec<&Finding>, Vec<&Finding>) =
        case.findings.iter().partition(|f| f.severity >= fail_on);
    if failing.is_empty() && passing.is_empty() && case.error.is_none() {
        xml.push_str("/>\n");
        return;
    }
    xml.push_str(">\n");
    if let Some(error) = case.error {
        let _ = writeln!(
            xml,
            "      <error message=\"{}\" type=\"input\">{}: {}</error>",
            attr(&error.message),
            text(
                &error
                    .location
                    .as_ref()
                    .map_or_else(|| "guard".into(), position)
            ),
            text(&error.message)
        );
    }
    if !failing.is_empty() {
        let message = match failing.as_slice() {
            [one] => one.message.clone(),
            many => format!("{} findings at or above {fail_on}", many.len()),
        };
        let mut rules: Vec<&str> = Vec::new();
        for f in &failing {
            if !rules.contains(&f.rule.as_str()) {
                rules.push(&f.rule);
            }
        }
        let _ = writeln!(
            xml,
            "      <failure message=\"{}\" type=\"{}\">{}</failure>",
            attr(&message),
            attr(&rules.join(",")),
            text(&describe(&failing))
        );
    }
    if !passing.is_empty() {
        let _ = writeln!(
            xml,
            "      <system-out>{}</system-out>",
            text(&describe(&passing))
        );
    }
    xml.push_str("    </testcase>\n");
}

/// Each finding with its position, field, fix and patch; blank line between.
fn describe(findings: &[&Finding]) -> String {
    let mut body = String::new();
    for (i, f) in findings.iter().enumerate() {
        if i > 0 {
            body.push('\n');
        }
        let _ = writeln!(
            body,
            "{}: {}[{}] {}",
            f.location
                .as_ref()
                .map_or_else(|| f.object.to_string(), position),
            f.severity,
            f.rule,
            f.message
        );
        if !f.path.is_empty() {
            let _ = writeln!(body, "  field: {}", f.path);
        }
        if let Some(spec) = &f.spec_location {
            let _ = writeln!(body, "  required by: {}", position(spec));
        }
        if let Some(fix) = &f.fix {
            let _ = writeln!(body, "  fix: {}", fix.description);
            if !fix.patch.is_empty() {
                let patch = serde_json::to_string(&fix.patch).unwrap_or_default();
                let _ = writeln!(body, "  patch: {patch}");
            }
        }
    }
    body
}

fn position(l: &Location) -> String {
    match (l.line, l.column) {
        (0, _) => l.file.to_string(),
        (line, 0) => format!("{}:{line}", l.file),
        (line, column) => format!("{}:{line}:{column}", l.file),
    }
}

/// Escapes element content.
fn text(s: &str) -> String {
    escape(s, false)
}

/// Escapes an attribute value (line breaks and tabs as character references,
/// since parsers normalise them to spaces otherwise).
fn attr(s: &str) -> String {
    escape(s, true)
}

/// XML escaping (quotes only in attributes, where they would end the value);
/// characters XML 1.0 does not allow at all (most C0 controls,
/// U+FFFE, U+FFFF) are dropped.
fn escape(s: &str, attribute: bool) -> String {
    let mut escaped = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' if attribute => escaped.push_str("&quot;"),
            '\'' if attribute => escaped.push_str("&apos;"),
            '\r' => escaped.push_str("&#13;"),
            '\n' if attribute => escaped.push_str("&#10;"),
            '\t' if attribute => escaped.push_str("&#9;"),
            '\n' | '\t' => escaped.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            _ => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_drops_forbidden_characters() {
        assert_eq!(text("a<b>&\"c'"), "a&lt;b&gt;&amp;\"c'");
        assert_eq!(attr("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(text("x\u{0}\u{1b}y\u{fffe}\tz\n"), "xy\tz\n");
        assert_eq!(attr("one\ntwo\r\tthree"), "one&#10;two&#13;&#9;three");
        assert_eq!(text("ü €"), "ü €");
    }
}
