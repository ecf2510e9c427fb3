//! Templates compiled into regorus engines: one engine for all of them
//! whenever their packages allow, warmed once, cloned per worker.
//!
//! Gatekeeper gives every template its own compiler, so two templates may
//! share a package name or define different libraries under one `lib.*`
//! package. Such a template goes into a further engine rather than being
//! merged with code it was never written against; identical libraries are
//! loaded once.

use super::template::{Rego, Template};
use super::value::{Problem, field};
use crate::core::Location;
use regorus::{Engine, Value};
use std::collections::HashMap;

/// The rule every template defines.
const VIOLATION: &str = "violation";

/// Compiled templates.
#[derive(Clone)]
pub struct Compiled {
    /// Warmed engines with their data loaded.
    pub engines: Vec<Engine>,
    /// Per template (in the order given): its engine and `violation` rule,
    /// or why it cannot run.
    pub entries: Vec<Result<Entry, Problem>>,
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub engine: usize,
    /// `data.<package>.violation`.
    pub rule: String,
}

/// One result of `violation`.
#[derive(Debug, Clone)]
pub struct Violation {
    pub msg: String,
    pub details: Option<Value>,
}

struct Checked {
    package: String,
    /// (package, source) of each library.
    libs: Vec<(String, String)>,
    source: String,
    v1: bool,
    name: String,
}

/// Compiles `templates`, with `data` (the inventory) loaded into every
/// engine. A template that does not compile gets its problem, at the file
/// position of the Rego at fault; the others are unaffected.
pub fn compile(templates: &[Template], data: &Value) -> Compiled {
    let mut entries: Vec<Result<Entry, Problem>> = Vec::with_capacity(templates.len());
    let mut groups: Vec<(Engine, HashMap<String, String>, Vec<usize>)> = Vec::new();
    // Each template is compiled alone first, in parallel: that names the
    // template at fault, and is most of the compile time.
    let checked: Vec<Result<Checked, Problem>> =
        crate::parallel::map(templates, |template| match &template.code {
            Ok(rego) => check(template, rego),
            Err(problem) => Err(problem.clone()),
        });
    for (template, checked) in templates.iter().zip(checked) {
        let checked = match checked {
            Ok(checked) => checked,
            Err(problem) => {
                entries.push(Err(problem));
                continue;
            }
        };
        let fits = |packages: &HashMap<String, String>| {
            !packages.contains_key(&checked.package)
                && checked
                    .libs
                    .iter()
                    .all(|(p, s)| packages.get(p).is_none_or(|existing| existing == s))
        };
        let index = match groups.iter().position(|(_, packages, _)| fits(packages)) {
            Some(index) => index,
            None => {
                groups.push((new_engine(), HashMap::new(), Vec::new()));
                groups.len() - 1
            }
        };
        let (engine, packages, members) = &mut groups[index];
        match add(engine, packages, &checked) {
            Ok(()) => {
                members.push(entries.len());
                entries.push(Ok(Entry {
                    engine: index,
                    rule: format!("{}.{VIOLATION}", checked.package),
                }));
            }
            // Checked alone already; a failure here is a regorus limit.
            Err(e) => entries.push(Err(Problem {
                location: template.location.clone(),
                message: format!("ConstraintTemplate {}: {e}", checked.name),
            })),
        }
    }
    let mut engines = Vec::with_capacity(groups.len());
    for (mut engine, _, members) in groups {
        let warmed = engine.add_data(data.clone()).and_then(|()| {
            engine.set_input(Value::new_object());
            for &member in &members {
                if let Ok(entry) = &entries[member] {
                    engine.eval_rule(entry.rule.clone())?;
                }
            }
            Ok(())
        });
        if let Err(error) = warmed {
            for &member in &members {
                entries[member] = Err(Problem {
                    location: templates[member].location.clone(),
                    message: format!("templates could not be loaded together: {error}"),
                });
            }
        }
        engines.push(engine);
    }
    Compiled { engines, entries }
}

/// Adds a checked template and the libraries the engine lacks.
fn add(
    engine: &mut Engine,
    packages: &mut HashMap<String, String>,
    checked: &Checked,
) -> anyhow::Result<()> {
    engine.set_rego_v0(!checked.v1);
    for (i, (package, source)) in checked.libs.iter().enumerate() {
        if !packages.contains_key(package) {
            engine.add_policy(format!("{}/lib{i}.rego", checked.name), source.clone())?;
            packages.insert(package.clone(), source.clone());
        }
    }
    engine.add_policy(format!("{}.rego", checked.name), checked.source.clone())?;
    packages.insert(checked.package.clone(), checked.source.clone());
    Ok(())
}

fn new_engine() -> Engine {
    let mut engine = Engine::new();
    // OPA's behaviour: a builtin error makes its expression undefined rather
    // than aborting the evaluation of every template.
    engine.set_strict_builtin_errors(false);
    // Each name is added once, to a fresh engine: this cannot fail.
    super::builtins::register(&mut engine).expect("deprecated builtins are registered once");
    crate::policy::opa_compat::register(&mut engine).expect("OPA's sprintf is registered once");
    engine
}

/// Compiles one template alone: its package, that its libraries are
/// `lib.*` packages and that it defines `violation`, and that its modules
/// compile and evaluate.
fn check(template: &Template, rego: &Rego) -> Result<Checked, Problem> {
    let name = &template.name;
    let fail = |location: Location, message: String| Problem { location, message };
    let mut engine = new_engine();
    engine.set_rego_v0(!rego.v1);
    let mut libs = Vec::new();
    for (i, lib) in rego.libs.iter().enumerate() {
        let lib = crate::policy::opa_compat::normalize(lib, !rego.v1).into_owned();
        let path = format!("{name}/lib{i}.rego");
        let package = engine.add_policy(path, lib.clone()).map_err(|e| {
            fail(
                rego.origin.clone(),
                format!(
                    "ConstraintTemplate {name}: library {} does not compile: {}",
                    i + 1,
                    regorus_message(&e.to_string())
                ),
            )
        })?;
        let bare = package
            .strip_prefix("data.")
            .unwrap_or(&package)
            .to_string();
        if !bare.starts_with("lib.") {
            return Err(fail(
                rego.origin.clone(),
                format!(
                    "ConstraintTemplate {name}: library {} is package {bare}; Gatekeeper requires libraries under lib.",
                    i + 1
                ),
            ));
        }
        libs.push((package, lib));
    }
    // Rewritten where regorus would read it differently from OPA; the
    // rewrite only inserts text, so error positions stay on their lines.
    let source = crate::policy::opa_compat::normalize(&rego.source, !rego.v1).into_owned();
    let path = format!("{name}.rego");
    let package = engine
        .add_policy(path.clone(), source.clone())
        .map_err(|e| compile_problem(name, rego, &e.to_string()))?;
    if !engine
        .has_declared_rule_rooted_at(&path, VIOLATION)
        .unwrap_or(false)
    {
        return Err(fail(
            rego.origin.clone(),
            format!("ConstraintTemplate {name}: its Rego defines no `violation` rule"),
        ));
    }
    engine.set_input(Value::new_object());
    engine
        .eval_rule(format!("{package}.{VIOLATION}"))
        .map_err(|e| compile_problem(name, rego, &e.to_string()))?;
    Ok(Checked {
        package,
        libs,
        source,
        v1: rego.v1,
        name: name.clone(),
    })
}

/// A regorus error in a template's Rego, at its position in the file.
fn compile_problem(name: &str, rego: &Rego, error: &str) -> Problem {
    let mut location = rego.origin.clone();
    if let Some((line, column)) = regorus_position(error) {
        location.line = rego.origin.line + line.saturating_sub(1);
        location.column = if line == 1 {
            rego.origin.column + column.saturating_sub(1)
        } else {
            rego.origin.column.saturating_sub(1) + column
        };
    }
    Problem {
        location,
        message: format!(
            "ConstraintTemplate {name}: Rego does not compile: {}",
            regorus_message(error)
        ),
    }
}

/// `line:col` of a regorus error's `--> file:line:col` line.
fn regorus_position(error: &str) -> Option<(u32, u32)> {
    let arrow = error.lines().find_map(|l| l.trim().strip_prefix("--> "))?;
    let mut parts = arrow.rsplitn(3, ':');
    let column = parts.next()?.trim().parse().ok()?;
    let line = parts.next()?.trim().parse().ok()?;
    Some((line, column))
}

/// The message of a regorus error without its source snippet.
fn regorus_message(error: &str) -> String {
    error
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .unwrap_or(error.trim())
        .to_string()
}

/// Evaluates a template's `violation` on `input` with a worker's engine.
pub fn violations(engine: &mut Engine, rule: &str, input: Value) -> Result<Vec<Violation>, String> {
    engine.set_input(input);
    let value = engine
        .eval_rule(rule.to_string())
        .map_err(|e| e.to_string())?;
    let results: Vec<&Value> = match &value {
        Value::Set(set) => set.iter().collect(),
        Value::Array(items) => items.iter().collect(),
        Value::Undefined => Vec::new(),
        _ => return Err("violation is not a set".into()),
    };
    // A result without `msg` is dropped, as Gatekeeper's hook drops it (its
    // response needs `r.msg`).
    results
        .into_iter()
        .filter_map(|result| match field(result, "msg") {
            None => None,
            Some(Value::String(msg)) => Some(Ok(Violation {
                msg: msg.to_string(),
                details: field(result, "details").cloned(),
            })),
            Some(_) => Some(Err("a violation's msg is not a string".to_string())),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse_stream;
    use std::sync::Arc;

    fn template(kind: &str, rego: &str, libs: &[&str]) -> Template {
        let indent = |s: &str| {
            s.lines()
                .map(|l| format!("        {l}\n"))
                .collect::<String>()
        };
        let mut text = format!(
            "apiVersion: templates.gatekeeper.sh/v1\nkind: ConstraintTemplate\nmetadata:\n  name: {}\nspec:\n  crd:\n    spec:\n      names:\n        kind: {kind}\n  targets:\n    - target: admission.k8s.gatekeeper.sh\n      rego: |\n{}",
            kind.to_lowercase(),
            indent(rego)
        );
        if !libs.is_empty() {
            text.push_str("      libs:\n");
            for lib in libs {
                text.push_str("        - |\n");
                text.push_str(
                    &lib.lines()
                        .map(|l| format!("          {l}\n"))
                        .collect::<String>(),
                );
            }
        }
        let (docs, errors) = parse_stream(&text);
        assert!(errors.is_empty(), "{errors:?}");
        let file: Arc<str> = Arc::from("t.yaml");
        Template::parse(
            super::super::value::Node::new(&file, &docs[0].value, &docs[0].spans),
            &text,
        )
        .unwrap()
    }

    #[test]
    fn templates_share_an_engine_unless_their_packages_clash() {
        let a = template(
            "K8sA",
            "package k8sa\nimport data.lib.util\nviolation[{\"msg\": util.m}] { input.review.object.kind == \"Pod\" }",
            &["package lib.util\nm := \"a\""],
        );
        let b = template(
            "K8sB",
            "package k8sb\nimport data.lib.util\nviolation[{\"msg\": util.m}] { true }",
            &["package lib.util\nm := \"b\""],
        );
        let c = template(
            "K8sC",
            "package k8sc\nviolation[{\"msg\": \"c\", \"details\": {\"n\": 1}}] { true }",
            &[],
        );
        let compiled = compile(&[a, b, c], &Value::new_object());
        let entries: Vec<&Entry> = compiled
            .entries
            .iter()
            .map(|e| e.as_ref().unwrap())
            .collect();
        assert_eq!(compiled.engines.len(), 2);
        assert_eq!(
            (entries[0].engine, entries[1].engine, entries[2].engine),
            (0, 1, 0)
        );
        let mut engine = compiled.engines[1].clone();
        let found = violations(&mut engine, &entries[1].rule, Value::new_object()).unwrap();
        assert_eq!(found[0].msg, "b");
        let mut engine = compiled.engines[0].clone();
        let found = violations(&mut engine, &entries[2].rule, Value::new_object()).unwrap();
        assert!(found[0].details.is_some());
    }

    #[test]
    fn rego_errors_point_into_the_template_file() {
        let broken = template(
            "K8sBroken",
            "package k8sbroken\nviolation[{\"msg\": m}] {\n  m := \n}",
            &[],
        );
        let compiled = compile(&[broken], &Value::new_object());
        let problem = compiled.entries[0].as_ref().unwrap_err();
        assert!(problem.message.contains("does not compile"), "{problem}");
        assert!(problem.location.line >= 13, "{problem}");
        let no_violation = template("K8sNone", "package k8snone\ndeny[m] { m := 1 }", &[]);
        let problem = compile(&[no_violation], &Value::new_object()).entries[0]
            .clone()
            .unwrap_err();
        assert!(problem.message.contains("no `violation`"), "{problem}");
        let bad_lib = template(
            "K8sLib",
            "package k8slib\nviolation[{\"msg\": \"x\"}] { true }",
            &["package util\nx := 1"],
        );
        let problem = compile(&[bad_lib], &Value::new_object()).entries[0]
            .clone()
            .unwrap_err();
        assert!(problem.message.contains("under lib."), "{problem}");
    }
}
