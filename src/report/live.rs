//! Human output for findings about objects from no file (a cluster's): read
//! top-down, grouped by namespace and then by object, the worst first,
//! with the evidence indented under each finding as `kubectl describe`
//! would show it.

use super::RenderOptions;
use crate::core::{Evidence, Finding, ObjectRef, Severity};
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Width the wrapped lines of evidence are cut at.
const MESSAGE_WIDTH: usize = 160;

pub fn render(
    findings: &[&Finding],
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    let paint = Paint(options.color);
    // namespace → object → findings; cluster-scoped objects last.
    let mut groups: BTreeMap<(bool, String), BTreeMap<&ObjectRef, Vec<&Finding>>> = BTreeMap::new();
    for finding in findings {
        let namespace = finding.object.namespace.clone();
        groups
            .entry((namespace.is_none(), namespace.unwrap_or_default()))
            .or_default()
            .entry(&finding.object)
            .or_default()
            .push(finding);
    }
    let worst = |found: &[&Finding]| {
        found
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Info)
    };
    for ((cluster_scoped, namespace), objects) in groups {
        if cluster_scoped {
            writeln!(out, "{}", paint.bold("cluster-scoped objects"))?;
        } else {
            writeln!(out, "{}", paint.bold(&format!("namespace {namespace}")))?;
        }
        let mut objects: Vec<(&ObjectRef, Vec<&Finding>)> = objects.into_iter().collect();
        objects.sort_by(|(a_ref, a), (b_ref, b)| {
            worst(b).cmp(&worst(a)).then_with(|| a_ref.cmp(b_ref))
        });
        for (object, mut found) in objects {
            found.sort_by(|a, b| {
                b.severity
                    .cmp(&a.severity)
                    .then_with(|| a.rule.cmp(&b.rule))
            });
            let name = object.name.as_deref().unwrap_or("(unnamed)");
            writeln!(out, "  {} {name}", object.kind)?;
            for finding in found {
                write_finding(out, finding, &paint)?;
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

fn write_finding(out: &mut dyn Write, finding: &Finding, paint: &Paint) -> io::Result<()> {
    let (mark, label) = match finding.severity {
        Severity::Error => ("✖", paint.red("error")),
        Severity::Warning => ("⚠", paint.yellow("warning")),
        Severity::Info => ("☞", paint.cyan("info")),
    };
    writeln!(
        out,
        "    {mark} {label}[{}] {}",
        finding.rule, finding.message
    )?;
    let field = |name: &str, text: &str| {
        let label = if name.is_empty() {
            String::new()
        } else {
            format!("{name}:")
        };
        format!("      {label:<9}{text}")
    };
    if !finding.path.is_empty() {
        writeln!(out, "{}", field("at", &finding.path))?;
    }
    if let Some(spec) = &finding.spec_location {
        writeln!(
            out,
            "{}",
            field(
                "spec",
                &format!(
                    "{}:{}:{} ({})",
                    spec.file, spec.line, spec.column, spec.path
                )
            )
        )?;
    }
    if let Some(evidence) = &finding.evidence {
        write_evidence(out, evidence, &field)?;
    }
    if let Some(fix) = &finding.fix {
        writeln!(out, "{}", field("fix", &fix.description))?;
        if !fix.patch.is_empty() {
            let patch = serde_json::to_string(&fix.patch).unwrap_or_default();
            writeln!(out, "{}", field("patch", &patch))?;
        }
    }
    Ok(())
}

fn write_evidence(
    out: &mut dyn Write,
    evidence: &Evidence,
    field: &dyn Fn(&str, &str) -> String,
) -> io::Result<()> {
    if !evidence.owners.is_empty() {
        let chain: Vec<String> = evidence.owners.iter().map(ToString::to_string).collect();
        writeln!(out, "{}", field("owners", &chain.join(" → ")))?;
    }
    for (i, related) in evidence.related.iter().enumerate() {
        let label = if i == 0 { "shows" } else { "" };
        let name = related.object.name.as_deref().unwrap_or("(unnamed)");
        writeln!(
            out,
            "{}",
            cut(&field(
                label,
                &format!("{} {name}: {}", related.object.kind, related.state)
            ))
        )?;
    }
    for (i, event) in evidence.events.iter().enumerate() {
        let label = if i == 0 { "events" } else { "" };
        let when = event.last_seen.as_deref().unwrap_or("");
        let name = event.object.name.as_deref().unwrap_or("");
        let text = format!(
            "{} {} ×{} {when} on {} {name}: {}",
            event.kind, event.reason, event.count, event.object.kind, event.message
        );
        writeln!(out, "{}", cut(&field(label, &text)))?;
    }
    for log in &evidence.logs {
        let pod = log.pod.name.as_deref().unwrap_or("");
        let instance = if log.previous {
            ", previous instance"
        } else {
            ""
        };
        let more = if log.truncated { ", last lines" } else { "" };
        writeln!(
            out,
            "{}",
            field("log", &format!("{pod}/{}{instance}{more}", log.container))
        )?;
        for line in &log.lines {
            writeln!(out, "{}", cut(&format!("        │ {line}")))?;
        }
    }
    Ok(())
}

/// A line cut to [`MESSAGE_WIDTH`] characters.
fn cut(line: &str) -> String {
    match line.char_indices().nth(MESSAGE_WIDTH) {
        Some((at, _)) => format!("{}…", &line[..at]),
        None => line.to_string(),
    }
}

/// ANSI colours, only when the output is a terminal that wants them.
struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    fn bold(&self, text: &str) -> String {
        self.wrap("1", text)
    }

    fn red(&self, text: &str) -> String {
        self.wrap("31", text)
    }

    fn yellow(&self, text: &str) -> String {
        self.wrap("33", text)
    }

    fn cyan(&self, text: &str) -> String {
        self.wrap("36", text)
    }
}
