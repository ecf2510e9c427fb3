//! Every bundled rule against its fixtures, one test per rule (`cargo test
//! GRD122` runs one): `testdata/rules/<ID>/fail.yaml` must raise the rule
//! exactly as `fail.golden.json` says, and `pass.yaml` must not raise it.
//!
//! A golden is what a user gets from `guard check testdata/rules/<ID>/fail.yaml
//! --format json`, narrowed to the rule's findings (`jq '[.findings[] |
//! select(.rule == "<ID>")]'`): positions, field paths, fixes and patches.
//! Spec rules (profile `spec`) run with the Blueprint their directory holds,
//! `blueprint.yaml` (`--blueprint`). `GUARD_BLESS=1 cargo test --test rules`
//! rewrites the goldens.

mod support;

use guard::engine::{BlueprintInput, Guard, Options};
use guard::policy::Profile;
use guard::source::Input;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

include!(concat!(env!("OUT_DIR"), "/rule_tests.rs"));

/// Every bundled rule, compiled once for all the tests of this file.
fn bundled() -> &'static Guard {
    static ENGINE: OnceLock<Guard> = OnceLock::new();
    ENGINE.get_or_init(support::bundled)
}

fn rule_dir(id: &str) -> PathBuf {
    Path::new("testdata/rules").join(id)
}

/// The engine a rule's fixtures run with: with its Blueprint, if it has one.
fn engine_for(id: &str) -> Guard {
    let blueprint = rule_dir(id).join("blueprint.yaml");
    if blueprint.is_file() {
        support::engine(&Options {
            blueprint: Some(BlueprintInput::File(blueprint)),
            ..support::options()
        })
    } else {
        bundled().clone()
    }
}

/// The findings of rule `id` on `file`, as the JSON report gives them.
fn findings_of(engine: &Guard, file: &Path, id: &str) -> Vec<serde_json::Value> {
    let input = Input::load_paths(&[file.to_path_buf()]);
    assert!(
        input.errors.is_empty(),
        "{}: {:?}",
        file.display(),
        input.errors
    );
    let report = support::check(engine, input);
    assert!(
        report.errors.is_empty(),
        "{}: {:?}",
        file.display(),
        report.errors
    );
    report
        .findings
        .iter()
        .filter(|f| f.rule == id)
        .map(|f| serde_json::to_value(f).unwrap())
        .collect()
}

fn fixtures(id: &str) {
    let dir = rule_dir(id);
    let engine = engine_for(id);
    let fail = findings_of(&engine, &dir.join("fail.yaml"), id);
    assert!(!fail.is_empty(), "{id}: fail.yaml raises nothing");
    let rendered = serde_json::to_string_pretty(&fail).unwrap() + "\n";
    support::golden(dir.join("fail.golden.json"), &rendered);
    let pass = findings_of(&engine, &dir.join("pass.yaml"), id);
    assert!(pass.is_empty(), "{id}: pass.yaml raises {pass:#?}");
}

#[test]
fn every_bundled_rule_has_fixtures_and_every_fixture_a_rule() {
    let registry = guard::policy::load_registry().unwrap();
    let mut problems = Vec::new();
    for rule in registry.iter().filter(|r| r.package.is_some()) {
        let dir = rule_dir(&rule.id);
        for file in ["fail.yaml", "pass.yaml"] {
            if !dir.join(file).is_file() {
                problems.push(format!("{}: no {file}", rule.id));
            }
        }
        if rule.profile == Profile::Spec && !dir.join("blueprint.yaml").is_file() {
            problems.push(format!("{}: a spec rule needs a blueprint.yaml", rule.id));
        }
    }
    for entry in std::fs::read_dir("testdata/rules").unwrap() {
        let id = entry.unwrap().file_name().to_string_lossy().into_owned();
        if !registry.iter().any(|r| r.id == id && r.package.is_some()) {
            problems.push(format!("testdata/rules/{id}: no bundled rule has this id"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn docs_rules_md_is_generated_from_the_registry() {
    let mut rules = guard::policy::load_registry().unwrap();
    rules.extend(guard::analyze::rules());
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    support::golden(
        "docs/rules.md",
        &guard::policy::docs::rules_markdown(&rules),
    );
}
