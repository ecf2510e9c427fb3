//! Every bundled rule against its fixtures: `testdata/rules/<ID>/fail.yaml`
//! must raise the rule exactly as `fail.golden` says (positions included), and
//! `pass.yaml` must not raise it. `GUARD_BLESS=1 cargo test` rewrites goldens.
//! Spec rules (profile `spec`) run with the Blueprint their directory holds,
//! `blueprint.yaml`; their goldens name the Blueprint line too (`<- spec …`).

mod support;

use guard::engine::{BlueprintInput, Guard, Options};
use guard::policy::Profile;
use guard::source::Input;
use std::path::Path;
use std::sync::Arc;

fn findings_of(policies: &Guard, file: &Path, rule: &str) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let name = format!(
        "testdata/rules/{rule}/{}",
        file.file_name().unwrap().to_string_lossy()
    );
    let input = Input::from_text(Arc::from(name.as_str()), &text);
    assert!(input.errors.is_empty(), "{name}: {:?}", input.errors);
    let report = support::check(policies, input);
    assert!(report.errors.is_empty(), "{name}: {:?}", report.errors);
    report
        .findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| {
            let patch = f
                .fix
                .as_ref()
                .filter(|fix| !fix.patch.is_empty())
                .map(|fix| {
                    format!(
                        "\n    patch: {}",
                        serde_json::to_string(&fix.patch).unwrap()
                    )
                })
                .unwrap_or_default();
            let spec = f
                .spec_location
                .as_ref()
                .map(|s| {
                    format!(
                        "\n    <- spec {}:{}:{} [{}]",
                        s.file, s.line, s.column, s.path
                    )
                })
                .unwrap_or_default();
            format!(
                "{} {} {} [{}]{spec}{patch}",
                support::position(f),
                f.rule,
                f.message,
                f.path
            )
        })
        .collect()
}

#[test]
fn every_rule_fails_its_failing_fixture_and_passes_its_passing_one() {
    let all = support::bundled();
    let bless = std::env::var_os("GUARD_BLESS").is_some();
    let mut problems = Vec::new();
    let registry = guard::policy::load_registry().unwrap();
    for rule in registry.iter().filter(|r| r.package.is_some()) {
        let dir = Path::new("testdata/rules").join(&rule.id);
        let blueprint_file = dir.join("blueprint.yaml");
        let spec_policies;
        let policies = if blueprint_file.is_file() {
            let name = format!("testdata/rules/{}/blueprint.yaml", rule.id);
            let text = std::fs::read_to_string(&blueprint_file).unwrap();
            spec_policies = support::engine(&Options {
                blueprint: Some(BlueprintInput::Text {
                    name,
                    text,
                    markdown: false,
                }),
                ..support::options()
            });
            &spec_policies
        } else if rule.profile == Profile::Spec {
            problems.push(format!("{}: a spec rule needs a blueprint.yaml", rule.id));
            continue;
        } else {
            &all
        };
        let fail = findings_of(policies, &dir.join("fail.yaml"), &rule.id);
        if fail.is_empty() {
            problems.push(format!("{}: fail.yaml raises nothing", rule.id));
        }
        let rendered = fail.join("\n") + "\n";
        let golden = dir.join("fail.golden");
        if bless {
            std::fs::write(&golden, &rendered).unwrap();
        } else {
            match std::fs::read_to_string(&golden) {
                Ok(expected) if expected == rendered => {}
                Ok(expected) => problems.push(format!(
                    "{}: fail.golden differs\n--- expected\n{expected}--- actual\n{rendered}",
                    rule.id
                )),
                Err(_) => problems.push(format!(
                    "{}: no fail.golden (run with GUARD_BLESS=1)",
                    rule.id
                )),
            }
        }
        let pass_file = dir.join("pass.yaml");
        if !pass_file.is_file() {
            problems.push(format!("{}: no pass.yaml", rule.id));
            continue;
        }
        let pass = findings_of(policies, &pass_file, &rule.id);
        if !pass.is_empty() {
            problems.push(format!("{}: pass.yaml raises {pass:?}", rule.id));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn docs_rules_md_is_generated_from_the_registry() {
    let rules = guard::policy::load_registry().unwrap();
    let expected = guard::policy::docs::rules_markdown(&rules);
    let path = Path::new("docs/rules.md");
    if std::env::var_os("GUARD_BLESS").is_some() {
        std::fs::write(path, &expected).unwrap();
    }
    let actual = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        actual == expected,
        "docs/rules.md is stale: run `cargo run -- rules --format markdown > docs/rules.md`"
    );
}
