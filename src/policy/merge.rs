//! Merges the bundled rule modules into one Rego module.
//!
//! Each rule lives in its own package (`guard.rules.privileged`) so that its
//! helpers cannot collide with another rule's. regorus, however, scans every
//! loaded module each time an evaluation first reads a `data.` path, so ninety
//! modules cost more than the rules themselves. Merging renames each rule
//! file's top-level rules with its package name (`violation` becomes
//! `privileged__violation`) and puts them, with the dispatch rules, in one
//! package, where the dispatch reads them by bare name, not through `data.`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// A rule module to merge.
pub struct Module<'a> {
    pub file: &'a str,
    pub source: &'a str,
    /// The name its rules are prefixed with (the package's last segments).
    pub prefix: String,
}

/// The merged module: `package`, the union of the imports, then every
/// module's renamed rules.
pub fn merge(package: &str, modules: &[Module]) -> Result<String, String> {
    let mut imports: BTreeMap<String, String> = BTreeMap::new();
    let mut body = String::new();
    for module in modules {
        let names = top_level_names(module.source);
        let _ = writeln!(body, "\n# {}", module.file);
        for line in module.source.lines() {
            let trimmed = line.trim_start();
            if line.starts_with("package ") {
                continue;
            }
            if let Some(spec) = line.strip_prefix("import ") {
                let spec = spec.trim();
                let (target, alias) = match spec.split_once(" as ") {
                    Some((target, alias)) => (target.trim(), alias.trim()),
                    None => (spec, spec.rsplit('.').next().unwrap_or(spec)),
                };
                match imports.get(alias) {
                    Some(existing) if existing != target => {
                        return Err(format!(
                            "{}: import alias {alias} names {target}, elsewhere {existing}",
                            module.file
                        ));
                    }
                    _ => {
                        imports.insert(alias.to_string(), target.to_string());
                    }
                }
                continue;
            }
            if trimmed.starts_with('#') {
                continue;
            }
            body.push_str(&rename_line(line, &names, &module.prefix));
            body.push('\n');
        }
    }
    let mut out = format!("package {package}\n\n");
    // Rules are renamed with a `__` prefix, so only a name the caller adds
    // itself (the dispatch rules) could hide an import alias.
    if let Some(alias) = imports.keys().find(|alias| alias.contains("__")) {
        return Err(format!(
            "import alias {alias} would collide with merged rule names"
        ));
    }
    for (alias, target) in &imports {
        let last = target.rsplit('.').next().unwrap_or(target);
        if last == alias {
            let _ = writeln!(out, "import {target}");
        } else {
            let _ = writeln!(out, "import {target} as {alias}");
        }
    }
    out.push_str(&body);
    Ok(out)
}

/// Rego keywords, which can start an unindented line (`else := 1`) without
/// naming a rule.
const KEYWORDS: [&str; 14] = [
    "as", "contains", "default", "else", "every", "false", "if", "import", "in", "not", "null",
    "package", "some", "true",
];

/// Names defined at the top level of a module: the leading identifier of every
/// unindented line that is not a package, import or comment line.
fn top_level_names(source: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for line in source.lines() {
        if line.starts_with([' ', '\t', '#'])
            || line.starts_with("package ")
            || line.starts_with("import ")
        {
            continue;
        }
        let line = line.strip_prefix("default ").unwrap_or(line);
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && !KEYWORDS.contains(&name.as_str())
        {
            names.insert(name);
        }
    }
    names
}

/// Renames, in one line, every identifier in `names` that is not a field
/// (`x.name`) and not inside a string or comment.
fn rename_line(line: &str, names: &BTreeSet<String>, prefix: &str) -> String {
    let mut out = String::with_capacity(line.len() + 16);
    let chars: Vec<char> = line.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '#' => {
                out.extend(&chars[i..]);
                break;
            }
            '"' | '`' => {
                let quote = c;
                out.push(c);
                i += 1;
                while i < chars.len() {
                    out.push(chars[i]);
                    if quote == '"' && chars[i] == '\\' && i + 1 < chars.len() {
                        out.push(chars[i + 1]);
                        i += 2;
                        continue;
                    }
                    i += 1;
                    if chars[i - 1] == quote {
                        break;
                    }
                }
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let start = i;
                while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                    i += 1;
                }
                let word: String = chars[start..i].iter().collect();
                let is_field = start > 0 && chars[start - 1] == '.';
                if !is_field && names.contains(&word) {
                    out.push_str(prefix);
                    out.push_str("__");
                }
                out.push_str(&word);
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_level_rules_are_renamed_where_they_are_used() {
        let source = "package guard.rules.a\n\nimport data.guard.lib.k8s\n\nname := k8s.name\n\nviolation contains {\"msg\": \"name\", \"x\": name} if {\n\tname != input.name # name\n}\n";
        let merged = merge(
            "guard.bundled",
            &[Module {
                file: "a.rego",
                source,
                prefix: "a".into(),
            }],
        )
        .unwrap();
        assert!(merged.contains("a__name := k8s.name"), "{merged}");
        assert!(
            merged.contains("a__violation contains {\"msg\": \"name\", \"x\": a__name}"),
            "{merged}"
        );
        assert!(merged.contains("a__name != input.name # name"), "{merged}");
        assert!(
            merged.starts_with("package guard.bundled\n\nimport data.guard.lib.k8s\n"),
            "{merged}"
        );
    }

    #[test]
    fn keywords_at_the_start_of_a_line_are_not_rule_names() {
        let source = "package guard.rules.a\n\nn := x if {\n\tinput.x\n}\n\nelse := 1\n";
        let merged = merge(
            "p",
            &[Module {
                file: "a.rego",
                source,
                prefix: "a".into(),
            }],
        )
        .unwrap();
        assert!(merged.contains("\nelse := 1"), "{merged}");
    }

    #[test]
    fn conflicting_import_aliases_are_refused() {
        let a = "package guard.rules.a\nimport data.x.lib as l\n";
        let b = "package guard.rules.b\nimport data.y.lib as l\n";
        let modules = [
            Module {
                file: "a.rego",
                source: a,
                prefix: "a".into(),
            },
            Module {
                file: "b.rego",
                source: b,
                prefix: "b".into(),
            },
        ];
        assert!(merge("p", &modules).is_err());
    }
}
