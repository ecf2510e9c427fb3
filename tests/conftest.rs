//! Users' own conftest policies, by capability: `guard check -p DIR` and
//! `guard verify`, run as a user runs them, plus the library API.
//!
//! Fixtures in `testdata/conftest/`:
//! - `policy/main.rego` (package `main`): `deny` (strings), `deny_run_as_root`
//!   (exempted for the `legacy` Deployment by `exception`), `violation`
//!   (objects with a `path` to the image field), `warn`, and `warn_file`
//!   (reads `data.conftest.file.name`, gives `_loc` metadata).
//!   `policy/k8s/{labels,images}.rego`: packages `k8s.labels` (deny) and
//!   `k8s.images` (`warn_latest`). `policy/main_test.rego`: five passing tests,
//!   three of them of conftest's `parse_config*` builtins.
//! - `data/registries.yaml`: `data.registries.allowed` for `violation`.
//! - `manifests/app.yaml`: Deployment `web` (image from docker.io at line 14,
//!   column 11), Deployment `legacy` (line 16: no app label, runs as root),
//!   Service `web` (line 27, NodePort); `manifests/config.yaml`: a ConfigMap
//!   with every label.
//! - `combine/`: a policy over the `--combine` array. `v0/`: pre-1.0 syntax.
//!   `broken/bad.rego`: a syntax error at line 4, column 25. `failing/`: a
//!   passing test, a failing one that prints, and a `todo_test_`.

use guard::core::Severity;
use guard::policy::conftest::{Options, UserPolicies, verify};
use guard::source::Input;
mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use support::{ROOT, Run, guard, guard_in};

const T: &str = "testdata/conftest";

fn path(rel: &str) -> String {
    format!("{T}/{rel}")
}

/// `guard check --no-bundled -f json` with `args`, on the manifests.
fn conftest(args: &[&str]) -> Run {
    let mut all = vec!["check", "--no-bundled", "-f", "json"];
    all.extend_from_slice(args);
    let manifests = path("manifests");
    all.push(&manifests);
    guard(&all)
}

/// `(rule, severity, message, "file:line:column")` of every finding.
fn results(report: &Value) -> Vec<(String, String, String, String)> {
    let mut out: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let loc = &f["location"];
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
                format!(
                    "{}:{}:{}",
                    loc["file"].as_str().unwrap(),
                    loc["line"],
                    loc["column"]
                ),
            )
        })
        .collect();
    out.sort();
    out
}

fn rules(report: &Value) -> Vec<String> {
    let mut ids: Vec<String> = results(report).into_iter().map(|r| r.0).collect();
    ids.dedup();
    ids
}

fn row(rule: &str, severity: &str, message: &str, at: &str) -> (String, String, String, String) {
    (rule.into(), severity.into(), message.into(), at.into())
}

struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        let path =
            std::env::temp_dir().join(format!("guard-conftest-{label}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn deny_violation_and_warn_give_errors_and_warnings_at_their_lines() {
    let run = conftest(&["-p", &path("policy"), "-d", &path("data")]);
    let report = run.expect_code(1).json();
    let app = path("manifests/app.yaml");
    assert_eq!(
        results(&report),
        vec![
            row(
                "main.deny",
                "error",
                "Deployment legacy has no app label",
                &format!("{app}:16:1")
            ),
            // An object result: its `path` names the image field.
            row(
                "main.violation",
                "error",
                "image docker.io/nginx:latest is not from an allowed registry",
                &format!("{app}:14:11"),
            ),
            row(
                "main.warn",
                "warning",
                "Service web is exposed on every node",
                &format!("{app}:27:1")
            ),
            // `_loc` metadata is the location; data.conftest.file.name the file's base name.
            row(
                "main.warn_file",
                "warning",
                "Service web checked in app.yaml",
                "owners.yaml:7:1"
            ),
        ]
    );
    // deny_run_as_root fired for `legacy` and was exempted: one exception.
    assert_eq!(report["summary"]["suppressed"], 1);
}

#[test]
fn object_results_carry_their_other_keys_as_metadata() {
    let report = conftest(&["-p", &path("policy"), "-d", &path("data")]).json();
    let metadata = |rule: &str| {
        let finding = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == rule)
            .unwrap_or_else(|| panic!("no {rule} finding"));
        finding.get("metadata").cloned()
    };
    // Every key but `msg`, as in conftest's JSON output.
    assert_eq!(
        metadata("main.violation"),
        Some(serde_json::json!({
            "details": {"image": "docker.io/nginx:latest"},
            "path": ["spec", "template", "spec", "containers", 0, "image"],
        }))
    );
    // `_loc` is the location, not metadata; string results have none.
    assert_eq!(metadata("main.warn_file"), None);
    assert_eq!(metadata("main.deny"), None);
}

#[test]
fn data_files_are_merged_into_data() {
    // Without the allowed registries, `not registry in registries.allowed`
    // has an undefined argument: OPA makes the body undefined, so no image
    // is reported (regorus alone would report every one).
    let without = conftest(&["-p", &path("policy")]);
    let violations = |run: &Run| {
        results(&run.json())
            .into_iter()
            .filter(|r| r.0 == "main.violation")
            .count()
    };
    assert_eq!(violations(&without), 0);
    assert_eq!(
        violations(&conftest(&["-p", &path("policy"), "-d", &path("data")])),
        1
    );
}

#[test]
fn namespaces_are_globs_and_default_to_main() {
    let wildcard = conftest(&["-p", &path("policy"), "-n", "k8s.*"]).json();
    assert_eq!(
        rules(&wildcard),
        ["k8s.images.warn_latest", "k8s.labels.deny"]
    );
    let exact = conftest(&["-p", &path("policy"), "--namespace", "k8s.labels"]).json();
    assert_eq!(rules(&exact), ["k8s.labels.deny"]);
    // Deployment web, Deployment legacy and Service web lack a team label; the ConfigMap has one.
    assert_eq!(results(&exact).len(), 3);
    let all = conftest(&[
        "-p",
        &path("policy"),
        "-d",
        &path("data"),
        "--all-namespaces",
    ])
    .json();
    assert_eq!(
        rules(&all),
        [
            "k8s.images.warn_latest",
            "k8s.labels.deny",
            "main.deny",
            "main.violation",
            "main.warn",
            "main.warn_file"
        ]
    );
}

#[test]
fn combine_passes_every_document_as_one_array() {
    let run = conftest(&["-p", &path("combine"), "--combine"]);
    let found = results(&run.expect_code(1).json());
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "main.deny");
    assert_eq!(found[0].2, "4 documents from 2 files");
}

#[test]
fn exit_codes_are_conftest_s_with_no_bundled() {
    // Only warnings: success, unless --fail-on-warn.
    conftest(&["-p", &path("policy"), "-n", "k8s.images"]).expect_code(0);
    conftest(&["-p", &path("policy"), "-n", "k8s.images", "--fail-on-warn"]).expect_code(1);
    // Failures: 1, or 0 with --no-fail.
    conftest(&["-p", &path("policy"), "-n", "k8s.labels"]).expect_code(1);
    conftest(&["-p", &path("policy"), "-n", "k8s.labels", "--no-fail"]).expect_code(0);
    // A clean input passes.
    guard(&[
        "check",
        "--no-bundled",
        "-p",
        &path("policy"),
        "-n",
        "k8s.labels",
        &path("manifests/config.yaml"),
    ])
    .expect_code(0);
    // Nothing to run is a usage error.
    let run = guard(&["check", "--no-bundled", &path("manifests")]);
    run.expect_code(2);
    assert!(run.stderr.contains("-p DIR"), "{}", run.stderr);
}

#[test]
fn bundled_rules_still_run_beside_user_policies() {
    let run = guard(&[
        "check",
        "-f",
        "json",
        "-p",
        &path("policy"),
        &path("manifests"),
    ]);
    let ids = rules(&run.expect_code(1).json());
    assert!(ids.iter().any(|id| id.starts_with("GRD")), "{ids:?}");
    assert!(ids.iter().any(|id| id == "main.deny"), "{ids:?}");
}

#[test]
fn rego_v0_needs_the_flag_and_syntax_errors_name_file_line_column() {
    let run = conftest(&["-p", &path("v0")]);
    run.expect_code(2);
    assert!(run.stderr.contains("v0/main.rego:3:11:"), "{}", run.stderr);
    assert!(run.stderr.contains("--rego-version v0"), "{}", run.stderr);
    let v0 = conftest(&["-p", &path("v0"), "--rego-version", "v0"]);
    assert_eq!(results(&v0.expect_code(1).json())[0].2, "v0 rule on web");
    let broken = conftest(&["-p", &path("broken")]);
    broken.expect_code(2);
    assert!(
        broken
            .stderr
            .contains("broken/bad.rego:4:25: invalid character in string"),
        "{}",
        broken.stderr
    );
}

#[test]
fn conftest_toml_in_the_working_directory_names_policies_and_namespaces() {
    let dir = TempDir::new("toml");
    let root = Path::new(ROOT);
    std::fs::write(
        dir.0.join("conftest.toml"),
        format!(
            "policy = [{:?}]\nnamespace = \"k8s.*\"\noutput = \"table\"\n",
            root.join(T).join("policy").to_string_lossy()
        ),
    )
    .unwrap();
    let manifests = root.join(T).join("manifests");
    let run = guard_in(
        &dir.0,
        &[
            "check",
            "--no-bundled",
            "-f",
            "json",
            &manifests.to_string_lossy(),
        ],
    );
    assert_eq!(
        rules(&run.expect_code(1).json()),
        ["k8s.images.warn_latest", "k8s.labels.deny"]
    );
    // Flags win over the file.
    let run = guard_in(
        &dir.0,
        &[
            "check",
            "--no-bundled",
            "-f",
            "json",
            "-n",
            "k8s.images",
            &manifests.to_string_lossy(),
        ],
    );
    assert_eq!(
        rules(&run.expect_code(0).json()),
        ["k8s.images.warn_latest"]
    );
}

#[test]
fn verify_runs_tests_and_prints_conftest_s_summary() {
    let run = guard(&["verify", "-p", &path("policy")]);
    run.expect_code(0);
    assert!(
        run.stdout.contains(
            "PASS - testdata/conftest/policy/main_test.rego - data.main.test_parse_config\n"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout
            .ends_with("\n5 tests, 5 passed, 0 warnings, 0 failures, 0 exceptions\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn verify_fails_on_a_failing_test_and_shows_its_prints() {
    let run = guard(&["verify", "-p", &path("failing")]);
    run.expect_code(1);
    assert!(
        run.stdout.contains(
            "FAIL - testdata/conftest/failing/failing_test.rego - data.failing.test_fails"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("failing_test.rego:9: x is 3"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("SKIP - "), "{}", run.stdout);
    // Prints of passing tests are not shown.
    assert_eq!(run.stdout.matches("x is").count(), 1);
    assert!(
        run.stdout
            .ends_with("\n2 tests, 1 passed, 0 warnings, 1 failure, 0 exceptions\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn verify_summary_is_singular_for_one() {
    let dir = TempDir::new("one");
    std::fs::write(
        dir.0.join("one_test.rego"),
        "package main\n\ntest_one if {\n\tparse_config(\"json\", \"{\\\"a\\\": [1, 2]}\").a[1] == 2\n}\n",
    )
    .unwrap();
    let run = guard_in(&dir.0, &["verify", "-p", "."]);
    run.expect_code(0);
    assert!(
        run.stdout
            .ends_with("\n1 test, 1 passed, 0 warnings, 0 failures, 0 exceptions\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn library_evaluates_in_memory_input_and_counts_exceptions() {
    let root = Path::new(ROOT).join(T);
    let policies = UserPolicies::load(&Options {
        policy: vec![root.join("policy")],
        data: vec![root.join("data")],
        ..Options::default()
    })
    .unwrap();
    let ids: Vec<&str> = policies.rule_ids().collect();
    assert_eq!(
        ids,
        [
            "main.deny",
            "main.deny_run_as_root",
            "main.violation",
            "main.warn",
            "main.warn_file"
        ]
    );
    let text = std::fs::read_to_string(root.join("manifests/app.yaml")).unwrap();
    let input = Input::from_text("app.yaml".into(), &text);
    let evaluation = policies.evaluate(&input);
    assert!(evaluation.errors.is_empty(), "{:?}", evaluation.errors);
    assert_eq!(evaluation.exceptions, 1);
    let errors = evaluation
        .findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .count();
    assert_eq!(errors, 2);
    let report = verify::run(&Options {
        policy: vec![root.join("failing")],
        ..Options::default()
    })
    .unwrap();
    assert_eq!(
        (report.passed(), report.failed(), report.skipped()),
        (1, 1, 1)
    );
}

/// The differential check: over the shared corpus, the policy set in
/// `testdata/conftest/differential/` gives exactly OPA's results (the same
/// documents, rules, messages and exceptions). `opa.golden` is OPA v1.20.2's
/// output, made by `opa_conftest.py` beside it, which runs conftest's
/// algorithm on OPA itself.
#[test]
fn results_on_the_corpus_equal_opa_s() {
    let corpus = PathBuf::from("../shared/corpus/real");
    if !corpus.is_dir() {
        eprintln!("skipped: no corpus at {}", corpus.display());
        return;
    }
    let set = Path::new(ROOT).join(T).join("differential");
    let policies = UserPolicies::load(&Options {
        policy: vec![set.join("policy")],
        data: vec![set.join("data")],
        all_namespaces: true,
        ..Options::default()
    })
    .unwrap();
    let evaluation = policies.evaluate(&Input::load_paths(std::slice::from_ref(&corpus)));
    assert!(evaluation.errors.is_empty(), "{:?}", evaluation.errors);
    let prefix = format!("{}/", corpus.display());
    let mut lines: Vec<String> = evaluation
        .findings
        .iter()
        .map(|f| {
            format!(
                "{}\t{}/{}\t{}\t{}\t{}",
                f.location
                    .as_ref()
                    .unwrap()
                    .file
                    .strip_prefix(&prefix)
                    .unwrap(),
                f.object.kind,
                f.object.name.as_deref().unwrap_or(""),
                f.rule,
                f.severity,
                f.message
            )
        })
        .collect();
    lines.sort();
    lines.push(format!("exceptions\t{}", evaluation.exceptions));
    let expected = std::fs::read_to_string(set.join("opa.golden")).unwrap();
    let expected: Vec<&str> = expected.lines().collect();
    if lines != expected {
        let missing: Vec<&&str> = expected
            .iter()
            .filter(|l| !lines.iter().any(|g| g == **l))
            .collect();
        let extra: Vec<&String> = lines
            .iter()
            .filter(|g| !expected.contains(&g.as_str()))
            .collect();
        panic!("guard differs from OPA\nonly OPA: {missing:#?}\nonly guard: {extra:#?}");
    }
}

#[test]
fn policy_directory_defaults_to_policy_as_in_conftest() {
    let dir = TempDir::new("default");
    let policy = dir.0.join("policy");
    std::fs::create_dir_all(&policy).unwrap();
    std::fs::write(
        policy.join("main.rego"),
        "package main\n\ndeny contains \"no Services\" if input.kind == \"Service\"\n",
    )
    .unwrap();
    std::fs::write(
        policy.join("main_test.rego"),
        "package main\n\ntest_service if deny[\"no Services\"] with input as {\"kind\": \"Service\"}\n",
    )
    .unwrap();
    let manifests = Path::new(ROOT).join(T).join("manifests");
    let run = guard_in(
        &dir.0,
        &[
            "check",
            "--no-bundled",
            "-f",
            "json",
            &manifests.to_string_lossy(),
        ],
    );
    assert_eq!(rules(&run.expect_code(1).json()), ["main.deny"]);
    let run = guard_in(&dir.0, &["verify"]);
    run.expect_code(0);
    assert!(
        run.stdout
            .ends_with("\n1 test, 1 passed, 0 warnings, 0 failures, 0 exceptions\n"),
        "{}",
        run.stdout
    );
}

#[test]
fn files_the_config_excludes_are_not_evaluated() {
    let dir = TempDir::new("exclude");
    let root = Path::new(ROOT).join(T);
    std::fs::copy(root.join("manifests/app.yaml"), dir.0.join("app.yaml")).unwrap();
    std::fs::copy(
        root.join("manifests/config.yaml"),
        dir.0.join("config.yaml"),
    )
    .unwrap();
    let policy = root.join("policy");
    let args = [
        "check",
        "--no-bundled",
        "-f",
        "json",
        "-p",
        &policy.to_string_lossy(),
        "-n",
        "k8s.labels",
        ".",
    ];
    assert_eq!(
        results(&guard_in(&dir.0, &args).expect_code(1).json()).len(),
        3
    );
    std::fs::write(dir.0.join(".guard.yaml"), "exclude: [\"app.yaml\"]\n").unwrap();
    guard_in(&dir.0, &args).expect_code(0);
}

#[test]
fn ignore_parser_and_suppress_exceptions_flags_work_as_in_conftest() {
    let policy = path("policy");
    let data = path("data");
    let base = ["-p", policy.as_str(), "-d", data.as_str()];
    // --ignore: a regex anywhere in the path; app.yaml holds every finding.
    let ignored = conftest(&[&base[..], &["--ignore", r"app\.ya?ml$"]].concat());
    assert_eq!(
        ignored.expect_code(0).json()["findings"],
        serde_json::json!([])
    );
    let bad = conftest(&[&base[..], &["--ignore", "("]].concat());
    assert!(
        bad.expect_code(2).stderr.contains("--ignore"),
        "{}",
        bad.stderr
    );

    // --suppress-exceptions: the exempted deny_run_as_root is not counted.
    let report = conftest(&[&base[..], &["--suppress-exceptions"]].concat()).json();
    assert_eq!(report["summary"]["suppressed"], 0);

    // --parser json: YAML input is an input error; JSON input, whatever its
    // extension, is read.
    let yaml = conftest(&[&base[..], &["--parser", "json"]].concat());
    assert!(
        yaml.expect_code(3).stdout.contains("not JSON"),
        "{}",
        yaml.stdout
    );
    let dir = TempDir::new("parser");
    let file = dir.0.join("pod.txt");
    std::fs::write(
        &file,
        r#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "j"}, "spec": {}}"#,
    )
    .unwrap();
    let file = file.to_string_lossy().into_owned();
    let run = guard(&[
        "check",
        "--no-bundled",
        "-f",
        "json",
        "-p",
        &policy,
        "--parser",
        "json",
        &file,
    ]);
    let report = run.expect_code(1).json();
    assert_eq!(rules(&report), ["main.deny", "main.deny_run_as_root"]);
    let toml = guard(&[
        "check",
        "--no-bundled",
        "-p",
        &policy,
        "--parser",
        "toml",
        &file,
    ]);
    toml.expect_code(2);
}

#[test]
fn strict_and_capabilities_are_refused_with_the_reason() {
    for flag in [&["--strict"][..], &["--capabilities", "caps.json"][..]] {
        let run = conftest(&[&["-p", path("policy").as_str()][..], flag].concat());
        run.expect_code(2);
        assert!(run.stderr.contains("regorus"), "{}", run.stderr);
        assert!(run.stderr.contains(flag[0]), "{}", run.stderr);
    }
}

#[test]
fn policies_and_tests_get_opa_s_meaning_where_regorus_differs() {
    // Each rule leans on one of the four places regorus reads Rego
    // differently from OPA (tests/opa_compat.rs holds them to OPA itself).
    let dir = TempDir::new("opa-compat");
    std::fs::write(
        dir.0.join("compat.rego"),
        r#"package main

deny contains msg if {
	input.kind == "Pod"
	msg := "pod"
} {
	input.kind == "Service"
	msg := sprintf("service %s on port %d", [input.metadata.name])
}

warn contains "no owner label" if {
	input.metadata
	(count(input.metadata.labels) - 1) >= 0
	not startswith(input.metadata.labels.owner, "team-")
}
"#,
    )
    .unwrap();
    std::fs::write(
        dir.0.join("compat_test.rego"),
        r#"package main

test_second_body if {
	deny == {"service web on port %!d(MISSING)"} with input as {"kind": "Service", "metadata": {"name": "web"}}
}

test_undefined_owner_is_not_reported if {
	count(warn) == 0 with input as {"kind": "Pod", "metadata": {"labels": {"app": "x"}}}
}
"#,
    )
    .unwrap();
    let policy = dir.0.to_string_lossy().into_owned();
    let run = guard(&["verify", "-p", &policy]);
    assert!(
        run.stdout
            .ends_with("\n2 tests, 2 passed, 0 warnings, 0 failures, 0 exceptions\n"),
        "{}{}",
        run.stdout,
        run.stderr
    );
    run.expect_code(0);
}
