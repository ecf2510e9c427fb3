//! GitHub Actions workflow commands: one `::error`, `::warning` or `::notice`
//! per finding, which GitHub shows as an annotation on the line in the pull
//! request. Input that could not be checked is an `::error` too.

use super::RenderOptions;
use crate::core::{Location, Severity};
use crate::engine::Report;
use std::collections::HashMap;
use std::io::{self, Write};

pub fn render(report: &Report, _options: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    let titles: HashMap<&str, &str> = report
        .rules
        .iter()
        .map(|rule| (rule.id.as_str(), rule.title.as_str()))
        .collect();
    for error in &report.errors {
        command(
            out,
            "error",
            error.location.as_ref(),
            "Input error",
            &error.message,
        )?;
    }
    for finding in &report.findings {
        let kind = match finding.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let title = match titles.get(finding.rule.as_str()) {
            Some(title) => format!("{} {title}", finding.rule),
            None => finding.rule.clone(),
        };
        let mut message = finding.message.clone();
        if finding.location.is_none() {
            // No line to annotate: say which object and field.
            message.push_str(&format!("\nObject: {}", finding.object));
            if !finding.path.is_empty() {
                message.push_str(&format!(" at {}", finding.path));
            }
        }
        if let Some(spec) = &finding.spec_location {
            message.push_str(&format!(
                "\nRequired by: {}:{}:{}",
                spec.file, spec.line, spec.column
            ));
        }
        if let Some(fix) = &finding.fix {
            message.push_str("\nFix: ");
            message.push_str(&fix.description);
        }
        command(out, kind, finding.location.as_ref(), &title, &message)?;
    }
    Ok(())
}

/// `::kind file=…,line=…,col=…,title=…::message`. Stdin and objects from no
/// file have no file to point at, and a position of 0 means none is known;
/// those properties are left out.
fn command(
    out: &mut dyn Write,
    kind: &str,
    location: Option<&Location>,
    title: &str,
    message: &str,
) -> io::Result<()> {
    let mut properties = Vec::new();
    if let Some(location) = location.filter(|l| !l.file.is_empty() && &*l.file != "-") {
        properties.push(format!("file={}", property(&file_path(&location.file))));
        if location.line > 0 {
            properties.push(format!("line={}", location.line));
            if location.column > 0 {
                properties.push(format!("col={}", location.column));
            }
        }
    }
    properties.push(format!("title={}", property(title)));
    writeln!(out, "::{kind} {}::{}", properties.join(","), data(message))
}

/// Paths as GitHub matches them against the repository: `/`-separated, without `./`.
fn file_path(file: &str) -> String {
    let mut path = if cfg!(windows) {
        file.replace('\\', "/")
    } else {
        file.to_string()
    };
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.trim_start_matches('/').to_string();
    }
    path
}

/// Escapes a command's message.
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_runner() {
        assert_eq!(data("50% done\r\nnext: a,b"), "50%25 done%0D%0Anext: a,b");
        assert_eq!(
            property("50% done\nnext: a,b"),
            "50%25 done%0Anext%3A a%2Cb"
        );
        assert_eq!(file_path("./deploy/app.yaml"), "deploy/app.yaml");
    }
}
