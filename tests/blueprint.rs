//! The Blueprint, by capability: reading it (YAML and Markdown), rejecting
//! invalid ones with positions and hints, holding manifests to it with both
//! locations named, and the examples under docs/blueprints.
//! Goldens live in testdata/blueprint; `GUARD_BLESS=1 cargo test` rewrites them.

mod support;

use guard::blueprint::Blueprint;
use guard::engine::Report;
use guard::source::Input;
use std::path::{Path, PathBuf};
use support::{Run, guard};

fn check_with(blueprint: &Path, manifests: &str) -> Report {
    let engine = support::with_blueprint(blueprint);
    let input = Input::load_paths(&[PathBuf::from(manifests)]);
    let report = support::check(&engine, input);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    report
}

/// The spec findings of a report as JSON: rule, message and both locations.
fn spec_findings(report: &Report) -> String {
    let findings: Vec<serde_json::Value> = report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("GRD6"))
        .map(|f| {
            serde_json::json!({
                "rule": f.rule,
                "message": f.message,
                "location": f.location,
                "spec_location": f.spec_location,
            })
        })
        .collect();
    serde_json::to_string_pretty(&findings).unwrap() + "\n"
}

use support::golden;

#[test]
fn manifests_that_match_the_blueprint_raise_no_spec_finding() {
    for file in [
        "testdata/blueprint/shop/blueprint.yaml",
        "testdata/blueprint/shop/infra-spec.md",
    ] {
        let report = check_with(Path::new(file), "testdata/blueprint/shop/match");
        assert_eq!(spec_findings(&report), "[]\n", "{file}");
    }
}

#[test]
fn drift_is_reported_at_the_manifest_line_and_the_blueprint_line() {
    let report = check_with(
        Path::new("testdata/blueprint/shop/blueprint.yaml"),
        "testdata/blueprint/shop/drift",
    );
    let findings = spec_findings(&report);
    golden("testdata/blueprint/shop/drift.golden.json", &findings);
    for finding in report
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("GRD6"))
    {
        let spec = finding.spec_location.as_ref().expect("a spec location");
        assert!(spec.line > 0 && spec.file.ends_with("blueprint.yaml"));
    }
}

#[test]
fn a_markdown_blueprint_names_lines_of_the_markdown_file() {
    let report = check_with(
        Path::new("testdata/blueprint/shop/infra-spec.md"),
        "testdata/blueprint/shop/drift",
    );
    golden(
        "testdata/blueprint/shop/drift-md.golden.json",
        &spec_findings(&report),
    );
    let replicas = report
        .findings
        .iter()
        .find(|f| f.rule == "GRD603")
        .and_then(|f| f.spec_location.clone())
        .unwrap();
    let md = std::fs::read_to_string("testdata/blueprint/shop/infra-spec.md").unwrap();
    let line = md.lines().nth(replicas.line as usize - 1).unwrap();
    assert!(line.trim_start().starts_with("replicas: 2"), "{line}");
}

#[test]
fn invalid_blueprints_are_errors_with_position_and_hint() {
    let mut files: Vec<PathBuf> = std::fs::read_dir("testdata/blueprint/invalid")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| !p.to_string_lossy().ends_with(".golden"))
        .collect();
    files.sort();
    let mut out = String::new();
    for file in &files {
        let error = Blueprint::load(file).unwrap_err();
        assert!(error.location.is_some(), "{error}");
        assert!(
            error.help.as_ref().is_some_and(|h| !h.is_empty()),
            "{error}"
        );
        out.push_str(&format!("{error}\n"));
    }
    golden("testdata/blueprint/invalid/errors.golden", &out);
}

#[test]
fn every_example_blueprint_validates() {
    let mut count = 0;
    for entry in std::fs::read_dir("docs/blueprints").unwrap() {
        let path = entry.unwrap().path();
        if let Err(error) = Blueprint::load(&path) {
            panic!("{error}");
        }
        count += 1;
    }
    assert!(count >= 3);
    let schema: serde_json::Value =
        serde_json::from_str(guard::blueprint::SCHEMA).expect("the schema is JSON");
    assert!(jsonschema::meta::is_valid(&schema));
}

#[test]
fn cli_check_with_a_blueprint_reports_both_locations() {
    let Run { code, stdout, .. } = guard(&[
        "check",
        "--blueprint",
        "testdata/blueprint/shop/blueprint.yaml",
        "testdata/blueprint/shop/drift",
        "--format",
        "json",
    ]);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let replicas = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "GRD603")
        .unwrap();
    assert_eq!(replicas["location"]["path"], "spec.replicas");
    assert_eq!(replicas["spec_location"]["path"], "spec.defaults.replicas");
    let Run { code, stdout, .. } = guard(&[
        "check",
        "--blueprint",
        "testdata/blueprint/shop/blueprint.yaml",
        "testdata/blueprint/shop/drift",
    ]);
    assert_eq!(code, 1);
    assert!(stdout.contains("required here"), "{stdout}");
}

#[test]
fn cli_blueprint_errors_exit_2_with_one_line() {
    let Run { code, stderr, .. } = guard(&[
        "check",
        "--blueprint",
        "testdata/blueprint/invalid/bad-quantity.yaml",
        "testdata/blueprint/shop/match",
    ]);
    assert_eq!(code, 2);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("testdata/blueprint/invalid/bad-quantity.yaml:10:7: bad quantity"),
        "{stderr}"
    );
}

#[test]
fn cli_compile_prints_facts_with_positions_and_init_a_valid_scaffold() {
    let Run { code, stdout, .. } = guard(&["blueprint", "compile", "docs/blueprints/shop.md"]);
    assert_eq!(code, 0);
    let compiled: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(compiled["facts"]["components"][0]["replicas"], 2);
    assert_eq!(
        compiled["facts"]["components"][0]["source"]["replicas"],
        serde_json::json!(["spec", "defaults", "replicas"])
    );
    assert_eq!(
        compiled["positions"]["spec.defaults.replicas"],
        "docs/blueprints/shop.md:14:5"
    );
    let Run { code, stdout, .. } = guard(&["blueprint", "init"]);
    assert_eq!(code, 0);
    Blueprint::parse("init".into(), &stdout, false).unwrap();
}
