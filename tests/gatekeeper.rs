//! Gatekeeper policies end to end: `guard check -p` with ConstraintTemplates,
//! Constraints and ExpansionTemplates, and `guard verify` on gator `Suite`
//! files, run as a user runs them.
//!
//! Fixtures in `testdata/gatekeeper/`, all written for guard. The expected
//! results were worked out from Gatekeeper's and gator's sources and checked
//! by evaluating the same Rego on OPA.
//! - `policies/templates/`: nine ConstraintTemplates: v1 and v1beta1; Rego in
//!   the legacy `rego` field and in `code` (v0 by default, v1 declared);
//!   `libs` in both forms; `details`; every `input.review` field;
//!   `data.inventory`, namespaced and cluster-scoped; and Rego v0 that OPA
//!   reads differently from regorus (`regoparity.yaml`).
//!   `policies/constraints/`: eight constraints, deny, warn and dryrun, one
//!   of them admission-only (it never fires on files);
//!   `policies/expansion.yaml`: Deployments, StatefulSets and DaemonSets
//!   expand into Pods.
//! - `manifests/`: a shop in six files that breaks seven of the constraints.
//! - `library/<name>/suite.yaml`: gator suites with their samples, one per
//!   template, plus `match/` (one constraint per `spec.match` field, on a
//!   template that fires on everything), `enforcement/` (every
//!   enforcementAction, `scoped` included) and `skipped/`. All pass in gator.
//! - `failing/suite.yaml`: each way a case or test fails, beside one passing
//!   and one skipped case.
//! - `unsupported/`: a CEL-only template and one calling `external_data`,
//!   with constraints, a suite and a Pod.
//! - `invalid/constraint.yaml`: a constraint whose parameters break its
//!   template's schema.
//! - `golden/`: the reports, compared whole; `GUARD_BLESS=1 cargo test --test
//!   gatekeeper` rewrites them.

mod support;

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use support::{ROOT, Run, guard, guard_in};

const T: &str = "testdata/gatekeeper";

fn path(rel: &str) -> String {
    format!("{T}/{rel}")
}

/// Holds `actual` to the golden file `rel` under the test data.
fn golden(rel: &str, actual: &str) {
    support::golden(Path::new(T).join(rel), actual);
}

/// `guard check --no-bundled -f json -p policies ... manifests`.
fn check_json(policy_dirs: &[&str]) -> Run {
    let mut args = vec!["check", "--no-bundled", "-f", "json"];
    for dir in policy_dirs {
        args.extend(["-p", dir]);
    }
    let manifests = path("manifests");
    args.push(&manifests);
    guard(&args)
}

/// `(file, object, rule, severity, message)` of every finding, sorted.
fn results(report: &Value) -> Vec<[String; 5]> {
    let mut out: Vec<[String; 5]> = report["findings"]
        .as_array()
        .expect("findings is an array")
        .iter()
        .map(|f| {
            let text = |v: &Value| v.as_str().unwrap_or_default().to_string();
            [
                text(&f["location"]["file"]),
                format!(
                    "{}/{}",
                    text(&f["object"]["kind"]),
                    text(&f["object"]["name"])
                ),
                text(&f["rule"]),
                text(&f["severity"]),
                text(&f["message"]),
            ]
        })
        .collect();
    out.sort();
    out
}

fn row(file: &str, object: &str, rule: &str, severity: &str, message: &str) -> [String; 5] {
    [
        path(&format!("manifests/{file}")),
        object.to_string(),
        rule.to_string(),
        severity.to_string(),
        message.to_string(),
    ]
}

/// A directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "guard-gatekeeper-{label}-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path.canonicalize().unwrap())
    }

    fn str(&self) -> &str {
        self.0.to_str().unwrap()
    }

    /// Copies fixture `rel` into the directory under its file name.
    fn copy(&self, rel: &str) {
        let from = Path::new(ROOT).join(T).join(rel);
        std::fs::copy(&from, self.0.join(from.file_name().unwrap())).unwrap();
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---------------------------------------------------------------------------
// guard check -p
// ---------------------------------------------------------------------------

#[test]
fn constraints_report_their_violations_at_their_severity() {
    let run = check_json(&[&path("policies")]);
    let report = run.expect_code(1).json();
    let implied = "[Implied by expand-workloads]";
    assert_eq!(
        results(&report),
        vec![
            // Expansion: the Deployment's Pod breaks two Pod-level constraints.
            row(
                "agent.yaml",
                "Deployment/node-agent",
                "GuardAllowedRepos/company-registry",
                "warning",
                &format!(
                    "{implied} containers \"agent\" uses image \"docker.io/acme/node-agent:0.9.1\" from a registry not in [\"registry.example.com/\"]"
                ),
            ),
            row(
                "agent.yaml",
                "Deployment/node-agent",
                "GuardNoPrivileged/no-privileged-in-production",
                "error",
                &format!("{implied} container agent of Pod node-agent-pod is privileged"),
            ),
            // data.inventory holds the other objects of the input set.
            row(
                "marketing.yaml",
                "Ingress/campaign",
                "GuardUniqueIngressHost/one-ingress-per-host",
                "error",
                "host shop.example.com is already served by ingress shop/storefront",
            ),
            // kube-system is excluded by a prefix glob, by its own name.
            row(
                "namespaces.yaml",
                "Namespace/sandbox",
                "GuardRequiredLabels/owner-label",
                "error",
                "Namespace sandbox lacks labels [\"owner\"]",
            ),
            // data.inventory.cluster: the Namespace sandbox has no owner.
            row(
                "sandbox.yaml",
                "Deployment/playground",
                "GuardNamespaceOwner/workloads-in-owned-namespaces",
                "error",
                "Deployment playground is in namespace sandbox, which has no owner label",
            ),
            // dryrun, and a constraint without parameters gets `{}`.
            row(
                "sandbox.yaml",
                "Deployment/playground",
                "GuardReplicaLimit/replica-ceiling",
                "info",
                "apps/v1 playground asks for 20 replicas; at most 10 are allowed",
            ),
            row(
                "sandbox.yaml",
                "Deployment/playground",
                "GuardRequiredLabels/owner-label",
                "error",
                "label owner=Growth_Team does not match ^[a-z]+(-[a-z]+)*$",
            ),
            row(
                "shop.yaml",
                "Ingress/storefront",
                "GuardUniqueIngressHost/one-ingress-per-host",
                "error",
                "host shop.example.com is already served by ingress marketing/campaign",
            ),
            row(
                "shop.yaml",
                "Service/frontend",
                "GuardUniqueServiceSelector/one-service-per-selector",
                "warning",
                "service frontend selects the same pods as service frontend-canary",
            ),
            row(
                "shop.yaml",
                "Service/frontend-canary",
                "GuardUniqueServiceSelector/one-service-per-selector",
                "warning",
                "service frontend-canary selects the same pods as service frontend",
            ),
        ]
    );
    assert!(
        report["errors"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
    // A violation's `details` are the finding's metadata.
    let sandbox = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["object"]["name"] == "sandbox")
        .expect("the sandbox Namespace's finding");
    assert_eq!(
        sandbox["metadata"],
        serde_json::json!({"missing": ["owner"]})
    );
}

#[test]
fn check_json_report_is_golden() {
    let run = check_json(&[&path("policies")]);
    run.expect_code(1);
    golden("golden/check.json.golden", &run.stdout);
}

#[test]
fn check_human_report_is_golden() {
    let manifests = path("manifests");
    let policies = path("policies");
    let run = guard(&["check", "--no-bundled", "-p", &policies, &manifests]);
    run.expect_code(1);
    golden("golden/check.human.golden", &run.stdout);
}

#[test]
fn warn_and_dryrun_alone_do_not_fail_the_run() {
    let only = TempDir::new("actions");
    only.copy("policies/constraints/company-registry.yaml");
    only.copy("policies/constraints/replica-ceiling.yaml");
    only.copy("policies/expansion.yaml");
    let templates = path("policies/templates");

    let run = check_json(&[&templates, only.str()]);
    let report = run.expect_code(0).json();
    let severities: Vec<(String, String)> = results(&report)
        .into_iter()
        .map(|[_, _, rule, severity, _]| (rule, severity))
        .collect();
    assert_eq!(
        severities,
        [
            ("GuardAllowedRepos/company-registry", "warning"),
            ("GuardReplicaLimit/replica-ceiling", "info"),
        ]
        .map(|(r, s)| (r.to_string(), s.to_string()))
    );

    // --fail-on lowers the bar like it does for every finding.
    let manifests = path("manifests");
    let args = |fail_on: &'static str| {
        vec![
            "check".to_string(),
            "--no-bundled".into(),
            "--fail-on".into(),
            fail_on.into(),
            "-p".into(),
            templates.clone(),
            "-p".into(),
            only.str().into(),
            manifests.clone(),
        ]
    };
    for (fail_on, code) in [("warning", 1), ("info", 1), ("error", 0)] {
        let argv = args(fail_on);
        let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
        guard(&argv).expect_code(code);
    }
}

#[test]
fn without_the_expansion_template_workloads_are_not_pods() {
    let constraints = path("policies/constraints");
    let templates = path("policies/templates");
    let report = check_json(&[&templates, &constraints])
        .expect_code(1)
        .json();
    let implied: Vec<_> = results(&report)
        .into_iter()
        .filter(|[_, object, ..]| object == "Deployment/node-agent")
        .collect();
    assert!(implied.is_empty(), "{implied:?}");
}

#[test]
fn an_expansion_template_can_override_the_enforcement_action() {
    let dir = TempDir::new("override");
    dir.copy("policies/constraints/no-privileged-in-production.yaml");
    let expansion =
        std::fs::read_to_string(Path::new(ROOT).join(T).join("policies/expansion.yaml"))
            .unwrap()
            .replace(
                "  templateSource: \"spec.template\"\n",
                "  templateSource: \"spec.template\"\n  enforcementAction: warn\n",
            );
    assert!(expansion.contains("enforcementAction: warn"));
    std::fs::write(dir.0.join("expansion.yaml"), expansion).unwrap();
    let templates = path("policies/templates");
    // The constraint denies; its violations on expanded Pods only warn.
    let report = check_json(&[&templates, dir.str()]).expect_code(0).json();
    assert_eq!(
        results(&report),
        [row(
            "agent.yaml",
            "Deployment/node-agent",
            "GuardNoPrivileged/no-privileged-in-production",
            "warning",
            "[Implied by expand-workloads] container agent of Pod node-agent-pod is privileged",
        )]
    );
}

#[test]
fn namespace_selectors_see_the_namespaces_gator_test_sees() {
    // gator test reviews an object without a namespace with an empty
    // Namespace, and one in `default` with an unlabelled `default` when the
    // inputs lack it (pkg/gator/expand NamespaceForResource): neither meets
    // `environment In (production)`, and neither is an error.
    let dir = TempDir::new("namespaceless");
    dir.copy("policies/constraints/no-privileged-in-production.yaml");
    dir.copy("policies/expansion.yaml");
    let templates = path("policies/templates");
    for file in ["agent-without-namespace.yaml", "agent-in-default.yaml"] {
        let manifest = path(&format!("namespaceless/{file}"));
        let run = guard(&[
            "check",
            "--no-bundled",
            "-f",
            "json",
            "-p",
            &templates,
            "-p",
            dir.str(),
            &manifest,
        ]);
        let report = run.expect_code(0).json();
        assert!(results(&report).is_empty(), "{file}: {report:#}");
        assert!(errors(&report).is_empty(), "{file}: {report:#}");
    }
}

#[test]
fn bundled_rules_still_run_beside_constraints() {
    let policies = path("policies");
    let agent = path("manifests/agent.yaml");
    let namespaces = path("manifests/namespaces.yaml");
    let run = guard(&["check", "-f", "json", "-p", &policies, &agent, &namespaces]);
    let report = run.expect_code(1).json();
    let rules: Vec<String> = results(&report).into_iter().map(|r| r[2].clone()).collect();
    // GRD101, privileged container, is a bundled rule.
    for rule in ["GRD101", "GuardNoPrivileged/no-privileged-in-production"] {
        assert!(rules.iter().any(|r| r == rule), "{rule}: {rules:?}");
    }
}

#[test]
fn namespace_selector_needs_the_namespace_among_the_inputs() {
    // gator: "namespace selector for namespace-scoped object but missing
    // Namespace". guard says which constraint and Namespace, checks the rest.
    let policies = path("policies");
    let agent = path("manifests/agent.yaml");
    let run = guard(&[
        "check",
        "--no-bundled",
        "-f",
        "json",
        "-p",
        &policies,
        &agent,
    ]);
    let report = run.expect_code(3).json();
    let errors = errors(&report);
    assert_eq!(errors.len(), 1, "{errors:#?}");
    let (message, at) = &errors[0];
    assert!(
        message.starts_with("GuardNoPrivileged/no-privileged-in-production: "),
        "{message}"
    );
    assert!(message.contains("Namespace shop"), "{message}");
    assert_eq!(
        at,
        &format!("{policies}/constraints/no-privileged-in-production.yaml:1:1")
    );
    let rules: Vec<String> = results(&report).into_iter().map(|r| r[2].clone()).collect();
    assert_eq!(rules, ["GuardAllowedRepos/company-registry"]);
}

/// `(message, "file:line:column")` of every error of a JSON report.
fn errors(report: &Value) -> Vec<(String, String)> {
    report["errors"]
        .as_array()
        .expect("errors is an array")
        .iter()
        .map(|e| {
            let loc = &e["location"];
            (
                e["message"].as_str().unwrap().to_string(),
                format!(
                    "{}:{}:{}",
                    loc["file"].as_str().unwrap(),
                    loc["line"],
                    loc["column"]
                ),
            )
        })
        .collect()
}

#[test]
fn parameters_that_break_the_schema_are_reported_at_the_field() {
    let templates = path("policies/templates");
    let invalid = path("invalid");
    let run = check_json(&[&templates, &invalid]);
    // Exit 3: the constraint could not be used; the rest was checked.
    let report = run.expect_code(3).json();
    assert_eq!(
        errors(&report),
        [(
            "GuardAllowedRepos repos-as-one-string: spec.parameters.repos does not fit the \
             template's schema: \"registry.example.com/\" is not of type \"array\""
                .to_string(),
            // `    repos: registry.example.com/`: the value of `repos`.
            format!("{}:12:5", path("invalid/constraint.yaml")),
        )]
    );
    assert!(results(&report).is_empty(), "{report:#}");
}

#[test]
fn templates_guard_cannot_run_are_reported_each_and_the_rest_still_runs() {
    let unsupported = path("unsupported/policies");
    let policies = path("policies");
    let run = check_json(&[&unsupported, &policies]);
    let report = run.expect_code(3).json();
    let errors = errors(&report);
    assert_eq!(errors.len(), 2, "{errors:#?}");
    for ((message, at), (template, constraint, why, file)) in errors.iter().zip([
        (
            "guardceldisallowhostpath",
            "GuardCelDisallowHostPath/no-host-path",
            "K8sNativeValidation",
            "cel-template.yaml:13:7",
        ),
        (
            "guardsignedimages",
            "GuardSignedImages/signed-images",
            "external_data",
            "external-data-template.yaml:13:9",
        ),
    ]) {
        assert!(
            message.starts_with(&format!("ConstraintTemplate {template} ")),
            "{message}"
        );
        assert!(message.contains(why), "{message}");
        assert!(
            message.ends_with(&format!("not evaluated: {constraint}")),
            "{message}"
        );
        assert_eq!(at, &format!("{unsupported}/{file}"));
    }
    // Every other constraint was evaluated.
    assert_eq!(
        results(&report),
        results(&check_json(&[&policies]).expect_code(1).json())
    );
}

// ---------------------------------------------------------------------------
// guard verify on gator suites
// ---------------------------------------------------------------------------

/// The status word (`ok`, `FAIL`, `SKIP`) of the first line of `verify`'s
/// human output that names `name`, a suite path, test or case.
fn status<'a>(stdout: &'a str, name: &str) -> &'a str {
    let line = stdout
        .lines()
        .find(|l| l.split_whitespace().nth(1) == Some(name))
        .unwrap_or_else(|| panic!("{name} not listed:\n{stdout}"));
    line.split_whitespace().next().unwrap()
}

/// `(name, status)` of each case of a test in `verify --format json`, the
/// status being `pass`, `fail` (with the error) or `skip`.
fn case_statuses(test: &Value) -> Vec<(String, String)> {
    test["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .map(|c| {
            let status = match (&c["skipped"], &c["error"]) {
                (Value::Bool(true), _) => "skip".to_string(),
                (_, Value::String(error)) => format!("fail: {error}"),
                _ => "pass".to_string(),
            };
            (c["name"].as_str().unwrap().to_string(), status)
        })
        .collect()
}

#[test]
fn every_library_suite_passes() {
    let library = path("library");
    let run = guard(&["verify", &library]);
    run.expect_code(0);
    golden("golden/verify-library.golden", &run.stdout);
    let out = &run.stdout;
    assert_eq!(status(out, &path("library/skipped/suite.yaml")), "SKIP");
    assert_eq!(status(out, "skipped-test"), "SKIP");
    assert_eq!(status(out, "skipped-case-with-a-wrong-assertion"), "SKIP");
    assert_eq!(status(out, "run-case"), "ok");
    assert_eq!(status(out, "parameters-of-the-wrong-type"), "ok");
    assert!(!out.contains("FAIL"), "{out}");
    assert!(
        out.ends_with("13 suites, 35 tests, 90 cases: 92 passed, 0 failed, 3 skipped\n"),
        "{out}"
    );
}

#[test]
fn verify_takes_gator_s_recursive_form() {
    // `gator verify ./...` (cmd/gator/verify: a trailing `/...` walks the
    // directory) is how suite libraries are run.
    let library = Path::new(ROOT).join(T).join("library");
    let plain = guard_in(&library, &["verify", "."]);
    let recursive = guard_in(&library, &["verify", "./..."]);
    recursive.expect_code(0);
    assert_eq!(
        recursive.stdout.lines().last(),
        plain.stdout.lines().last(),
        "{}",
        recursive.stdout
    );
}

#[test]
fn verify_json_gives_each_suite_test_and_case() {
    let library = path("library");
    let run = guard(&["verify", "-f", "json", &library]);
    let report = run.expect_code(0).json();
    golden("golden/verify-library.json.golden", &run.stdout);
    let suites = report["gatekeeper"]["suites"].as_array().expect("suites");
    assert_eq!(suites.len(), 13);
    let expansion = suites
        .iter()
        .find(|s| s["path"] == path("library/expansion/suite.yaml"))
        .expect("the expansion suite");
    let test = &expansion["tests"][0];
    assert_eq!(test["name"], "workloads-expand-into-pods");
    assert_eq!(
        case_statuses(test),
        [
            "privileged-deployment",
            "unprivileged-deployment",
            "jobs-are-not-expanded",
            "plain-pod-has-no-prefix",
            "privileged-init-container",
        ]
        .map(|name| (name.to_string(), "pass".to_string()))
    );
    let summary = &report["gatekeeper"]["summary"];
    assert_eq!(
        (&summary["passed"], &summary["failed"], &summary["skipped"]),
        (&Value::from(92), &Value::from(0), &Value::from(3))
    );
}

#[test]
fn failing_suite_exits_1_and_says_why_for_each_case() {
    let failing = path("failing");
    let run = guard(&["verify", &failing]);
    run.expect_code(1);
    golden("golden/verify-failing.golden", &run.stdout);
    let out = &run.stdout;
    assert_eq!(status(out, "passes"), "ok");
    assert_eq!(status(out, "skipped"), "SKIP");
    for failed in [
        "wrong-count",
        "message-does-not-match",
        "expects-none",
        "two-objects-in-one-file",
        "valid-constraint-said-to-be-invalid",
        "namespace-not-in-the-inventory",
    ] {
        assert_eq!(status(out, failed), "FAIL", "{failed}");
    }

    // The same in JSON, with gator's reasons.
    let report = guard(&["verify", "-f", "json", &failing])
        .expect_code(1)
        .json();
    let tests = &report["gatekeeper"]["suites"][0]["tests"];
    let messages = r#"got messages ["Pod debug-shell lacks labels [\"owner\", \"tier\"]"]"#;
    let fail = |why: &str| format!("fail: {why}");
    assert_eq!(
        case_statuses(&tests[0]),
        [
            ("passes", "pass".to_string()),
            (
                "wrong-count",
                fail(&format!("got 1 violations but want exactly 2: {messages}"))
            ),
            (
                "message-does-not-match",
                fail(&format!(
                    "got 0 violations containing \"missing label owner\" but want at least 1: {messages}"
                ))
            ),
            (
                "expects-none",
                fail(&format!("got 1 violations but want none: {messages}"))
            ),
            ("skipped", "skip".to_string()),
            (
                "two-objects-in-one-file",
                fail(&format!(
                    "{}: defines 2 objects; a case reviews exactly one",
                    path("failing/two-pods.yaml")
                ))
            ),
        ]
        .map(|(name, status)| (name.to_string(), status))
    );
    assert_eq!(tests[1]["name"], "valid-constraint-said-to-be-invalid");
    assert!(tests[1]["error"].is_string(), "{report:#}");
    let selector = case_statuses(&tests[2]);
    assert!(
        selector[0].1.contains("missing Namespace prod"),
        "{selector:?}"
    );
    assert_eq!(report["gatekeeper"]["summary"]["failed"], 6);
}

#[test]
fn unsupported_templates_fail_their_tests_by_name() {
    let unsupported = path("unsupported");
    let run = guard(&["verify", &unsupported]);
    run.expect_code(1);
    let out = &run.stdout;
    for (test, template, why) in [
        (
            "cel-only-template",
            "ConstraintTemplate guardceldisallowhostpath",
            "K8sNativeValidation",
        ),
        (
            "external-data-template",
            "ConstraintTemplate guardsignedimages",
            "external_data",
        ),
    ] {
        assert_eq!(status(out, test), "FAIL", "{test}");
        let reason = out
            .lines()
            .find(|l| l.contains(template))
            .unwrap_or_else(|| panic!("{template} not named:\n{out}"));
        assert!(reason.contains(why), "{reason}");
    }
    assert!(!out.contains(" ok "), "{out}");
}

#[test]
fn suites_are_read_as_yaml_1_2() {
    // yaml.v3 reads `yes`, `no` and `on` as strings; YAML 1.1 would make the
    // first two booleans, which `violations` does not accept.
    let dir = TempDir::new("yaml12");
    dir.copy("policies/templates/requiredlabels.yaml");
    dir.copy("library/requiredlabels/samples/owner/constraint.yaml");
    dir.copy("library/requiredlabels/samples/owner/pod-labelled.yaml");
    dir.copy("library/requiredlabels/samples/owner/pod-unlabelled.yaml");
    for (want, object, code) in [
        ("yes", "pod-unlabelled.yaml", 0),
        ("no", "pod-labelled.yaml", 0),
        ("no", "pod-unlabelled.yaml", 1),
        // Neither "yes", "no" nor a count: the case fails.
        ("on", "pod-unlabelled.yaml", 1),
    ] {
        let suite = format!(
            r#"kind: Suite
apiVersion: test.gatekeeper.sh/v1alpha1
tests:
  - name: t
    template: requiredlabels.yaml
    constraint: constraint.yaml
    cases:
      - name: c
        object: {object}
        assertions:
          - violations: {want}
"#
        );
        std::fs::write(dir.0.join("suite.yaml"), suite).unwrap();
        let run = guard(&["verify", &format!("{}/suite.yaml", dir.str())]);
        assert_eq!(
            run.code,
            code,
            "violations: {want} on {object}\n{}",
            run.output()
        );
    }
}

#[test]
fn policy_files_named_one_by_one_are_read_as_gatekeeper_objects() {
    let template = path("policies/templates/requiredlabels.yaml");
    let constraint = path("policies/constraints/owner-label.yaml");
    let manifests = path("manifests");
    let run = guard(&[
        "check",
        "--no-bundled",
        "-f",
        "json",
        "-p",
        &template,
        "-p",
        &constraint,
        &manifests,
    ]);
    assert_ne!(run.code, 2, "{}", run.output());
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON report");
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.is_empty(), "{}", run.output());
    assert!(
        rules.iter().all(|r| r.starts_with("GuardRequiredLabels/")),
        "{rules:?}"
    );
}
