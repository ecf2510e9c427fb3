//! Merges the bundled rule and library modules into one Rego module.
//!
//! Each rule lives in its own package (`guard.rules.privileged`) so that its
//! helpers cannot collide with another rule's. regorus, however, walks every
//! other loaded module (allocating their package paths) each time an
//! evaluation reads a `data.` path, so ninety modules cost more than the rules
//! themselves, and even the six libraries cost a fifth of the instructions.
//! Merging renames each module's top-level rules with its prefix
//! (`violation` becomes `privileged__violation`), rewrites references to a
//! merged package (`k8s.containers` through an import, or
//! `data.guard.lib.k8s.containers`) to the renamed rule, and puts everything,
//! with the dispatch rules, in one package.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// A rule module to merge.
pub struct Module<'a> {
    pub file: &'a str,
    pub source: &'a str,
    /// The name its rules are prefixed with (the package's last segments).
    pub prefix: String,
}

/// How one module's names are rewritten.
struct Renames<'a> {
    /// The module's own top-level rules.
    names: BTreeSet<String>,
    prefix: &'a str,
    /// Import aliases of merged packages, with those packages' prefixes.
    aliases: BTreeMap<String, &'a str>,
    /// Every merged package (`guard.lib.k8s`) with its prefix.
    packages: &'a BTreeMap<String, &'a str>,
}

/// The merged module: `package`, the union of the imports of packages that
/// were not merged, then every module's renamed rules.
pub fn merge(package: &str, modules: &[Module]) -> Result<String, String> {
    let packages: BTreeMap<String, &str> = modules
        .iter()
        .filter_map(|m| {
            let name = m
                .source
                .lines()
                .find_map(|line| line.strip_prefix("package "))?;
            Some((name.trim().to_string(), m.prefix.as_str()))
        })
        .collect();
    let mut imports: BTreeMap<String, String> = BTreeMap::new();
    let mut body = String::new();
    for module in modules {
        let mut renames = Renames {
            names: top_level_names(module.source),
            prefix: &module.prefix,
            aliases: BTreeMap::new(),
            packages: &packages,
        };
        for line in module.source.lines() {
            if let Some(spec) = line.strip_prefix("import ") {
                let spec = spec.trim();
                let (target, alias) = match spec.split_once(" as ") {
                    Some((target, alias)) => (target.trim(), alias.trim()),
                    None => (spec, spec.rsplit('.').next().unwrap_or(spec)),
                };
                if let Some(prefix) = target.strip_prefix("data.").and_then(|p| packages.get(p)) {
                    renames.aliases.insert(alias.to_string(), prefix);
                }
            }
        }
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
                if renames.aliases.contains_key(alias) {
                    continue;
                }
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
            body.push_str(&rename_line(line, &renames));
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

/// The `.ident` segments that follow position `i` of `chars`, with the
/// position after each.
fn field_chain(chars: &[char], mut i: usize) -> Vec<(String, usize)> {
    let mut chain = Vec::new();
    while i + 1 < chars.len()
        && chars[i] == '.'
        && (chars[i + 1].is_ascii_alphabetic() || chars[i + 1] == '_')
    {
        let start = i + 1;
        i = start;
        while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
            i += 1;
        }
        chain.push((chars[start..i].iter().collect(), i));
    }
    chain
}

/// Rewrites, in one line, the module's own rule names and references into
/// merged packages, leaving fields (`x.name`), strings and comments alone.
fn rename_line(line: &str, renames: &Renames) -> String {
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
                if start > 0 && chars[start - 1] == '.' {
                    out.push_str(&word);
                    continue;
                }
                let chain = field_chain(&chars, i);
                // `data.guard.lib.k8s.name`: the longest merged package, then a rule.
                let via_data = (word == "data")
                    .then(|| {
                        (1..chain.len()).rev().find_map(|n| {
                            let package: Vec<&str> =
                                chain[..n].iter().map(|(s, _)| s.as_str()).collect();
                            let prefix = renames.packages.get(&package.join("."))?;
                            Some((*prefix, &chain[n]))
                        })
                    })
                    .flatten();
                let via_alias = || Some((*renames.aliases.get(&word)?, chain.first()?));
                if let Some((prefix, (rule, end))) = via_data.or_else(via_alias) {
                    let _ = write!(out, "{prefix}__{rule}");
                    i = *end;
                    continue;
                }
                if renames.names.contains(&word) {
                    out.push_str(renames.prefix);
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
            "an import of a package that is not merged stays: {merged}"
        );
    }

    #[test]
    fn references_into_merged_packages_name_the_renamed_rules() {
        let lib = "package guard.lib.k8s\n\nname := input.metadata.name\n\nitems(x) := x\n";
        let rule = "package guard.rules.a\n\nimport data.guard.lib.k8s\nimport data.other\n\nn := k8s.name\n\nm := data.guard.lib.k8s.items([input.x.name])\n\no := \"k8s.name\"\n";
        let merged = merge(
            "guard.bundled",
            &[
                Module {
                    file: "k8s.rego",
                    source: lib,
                    prefix: "lib_k8s".into(),
                },
                Module {
                    file: "a.rego",
                    source: rule,
                    prefix: "a".into(),
                },
            ],
        )
        .unwrap();
        assert!(
            merged.contains("lib_k8s__name := input.metadata.name"),
            "{merged}"
        );
        assert!(merged.contains("a__n := lib_k8s__name\n"), "{merged}");
        assert!(
            merged.contains("a__m := lib_k8s__items([input.x.name])"),
            "{merged}"
        );
        assert!(merged.contains("a__o := \"k8s.name\""), "{merged}");
        assert!(merged.contains("import data.other\n"), "{merged}");
        assert!(!merged.contains("import data.guard.lib.k8s"), "{merged}");
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
