//! The `guard` command end to end: the built binary is run as a user would run
//! it, and each test checks both the exit code and what was printed.
//!
//! Fixtures are in `testdata/cli/`:
//! - `clean.yaml`: a ServiceAccount, Deployment, PodDisruptionBudget and
//!   NetworkPolicy that pass every bundled rule (profile `all`).
//! - `privileged.yaml`: a Pod with `privileged: true` at line 11, column 9.
//! - `warning-only.yaml`: a Pod that is Baseline-clean but misses the
//!   Restricted settings, so `--profile restricted` gives only warnings.
//! - `broken.yaml`: a YAML syntax error at line 6, column 5.
//! - `annotated.yaml`, `stale-waiver.yaml`, `no-reason.yaml`: `guard.dev/ignore`
//!   waivers that suppress, match nothing, and give no reason.
//! - `list.yaml`: a `kind: List` whose second item is a privileged Pod.
//! - `bad-config.yaml`: a config with an invalid rule setting at line 3, column 3.
//!
//! Tests that need a config file or a directory tree build it in a fresh
//! directory under the system temp dir, removed when the test ends.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

const GUARD: &str = env!("CARGO_BIN_EXE_guard");
const ROOT: &str = env!("CARGO_MANIFEST_DIR");

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// What one run of the binary gave.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn from(output: Output) -> Run {
        Run {
            code: output.status.code().expect("guard was killed by a signal"),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        }
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Asserts the exit code, showing both streams when it is wrong.
    fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "unexpected exit code\n--- stdout:\n{}\n--- stderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(GUARD);
    cmd.args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Runs guard in `dir`.
fn guard_in(dir: &Path, args: &[&str]) -> Run {
    Run::from(command(dir, args).output().expect("guard runs"))
}

/// Runs guard in the crate root, where fixture paths are `testdata/cli/...`.
fn guard(args: &[&str]) -> Run {
    guard_in(Path::new(ROOT), args)
}

/// Runs guard in the crate root with `stdin` as its standard input.
fn guard_with_stdin(args: &[&str], stdin: &str) -> Run {
    use std::io::Write;
    let mut child = command(Path::new(ROOT), args)
        .stdin(Stdio::piped())
        .spawn()
        .expect("guard runs");
    let mut pipe = child.stdin.take().unwrap();
    pipe.write_all(stdin.as_bytes()).unwrap();
    drop(pipe);
    Run::from(child.wait_with_output().unwrap())
}

fn fixture(name: &str) -> String {
    format!("testdata/cli/{name}")
}

fn fixture_text(name: &str) -> String {
    std::fs::read_to_string(Path::new(ROOT).join("testdata/cli").join(name)).unwrap()
}

/// The findings of a JSON report.
fn findings(report: &Value) -> &Vec<Value> {
    report["findings"].as_array().expect("findings is an array")
}

/// The findings of rule `id`.
fn of_rule<'a>(report: &'a Value, id: &str) -> Vec<&'a Value> {
    findings(report)
        .iter()
        .filter(|f| f["rule"] == id)
        .collect()
}

fn rule_ids(report: &Value) -> Vec<&str> {
    findings(report)
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect()
}

/// A directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("guard-cli-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        // Canonical, so that paths the binary derives from its working
        // directory compare equal with ours (macOS /var -> /private/var).
        TempDir(path.canonicalize().unwrap())
    }

    fn path(&self) -> &Path {
        &self.0
    }

    /// Writes `text` to `relative`, creating parent directories.
    fn write(&self, relative: &str, text: &str) -> PathBuf {
        let path = self.0.join(relative);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

// ---------------------------------------------------------------------------
// Exit codes
// ---------------------------------------------------------------------------

#[test]
fn clean_manifest_exits_0_with_no_findings() {
    let run = guard(&["check", "--format", "json", &fixture("clean.yaml")]);
    run.expect_code(0);
    let report = run.json();
    assert_eq!(
        rule_ids(&report),
        Vec::<&str>::new(),
        "the clean fixture should pass every rule"
    );
    assert_eq!(report["summary"]["findings"], 0);
    assert_eq!(report["summary"]["documents"], 4);
    assert_eq!(report["summary"]["files"], 1);
    assert!(report["errors"].as_array().unwrap().is_empty());
    assert!(run.stderr.is_empty(), "stderr: {}", run.stderr);
}

#[test]
fn privileged_container_exits_1_with_grd101_at_the_privileged_key() {
    let run = guard(&["check", "--format", "json", &fixture("privileged.yaml")]);
    run.expect_code(1);
    let report = run.json();
    let grd101 = of_rule(&report, "GRD101");
    assert_eq!(grd101.len(), 1, "{report:#}");
    let finding = grd101[0];
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["location"]["file"], "testdata/cli/privileged.yaml");
    // `        privileged: true` is line 11; the key starts at column 9.
    assert_eq!(finding["location"]["line"], 11);
    assert_eq!(finding["location"]["column"], 9);
    assert_eq!(
        finding["location"]["path"],
        "spec.containers[0].securityContext.privileged"
    );
    assert_eq!(finding["object"]["kind"], "Pod");
    assert_eq!(finding["object"]["name"], "root-shell");
    assert!(report["summary"]["errors"].as_u64().unwrap() >= 1);
}

#[test]
fn unknown_flag_exits_2_with_a_short_error() {
    let run = guard(&["check", "--bogus", &fixture("clean.yaml")]);
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "stdout: {}", run.stdout);
    let first = run.stderr.lines().next().unwrap_or_default();
    assert!(first.starts_with("error:"), "stderr: {}", run.stderr);
    assert!(first.contains("--bogus"), "stderr: {}", run.stderr);
    assert!(
        run.stderr.lines().count() <= 8,
        "stderr is not short:\n{}",
        run.stderr
    );
}

#[test]
fn unknown_format_value_exits_2() {
    let run = guard(&["check", "--format", "xml", &fixture("clean.yaml")]);
    run.expect_code(2);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.contains("xml"), "stderr: {}", run.stderr);
}

#[test]
fn invalid_config_given_with_flag_exits_2_naming_file_line_and_column() {
    let run = guard(&[
        "check",
        "--config",
        &fixture("bad-config.yaml"),
        "--format",
        "json",
        &fixture("privileged.yaml"),
    ]);
    run.expect_code(2);
    assert!(
        run.stdout.is_empty(),
        "nothing is checked, so no report: {}",
        run.stdout
    );
    assert!(
        run.stderr.contains("testdata/cli/bad-config.yaml:3:3:"),
        "stderr should name file:line:col of `GRD101: loud`: {}",
        run.stderr
    );
    assert!(run.stderr.contains("loud"), "stderr: {}", run.stderr);
    assert_eq!(
        run.stderr.trim_end().lines().count(),
        1,
        "stderr: {}",
        run.stderr
    );
}

#[test]
fn syntax_error_exits_3_but_other_files_are_still_checked() {
    let run = guard(&[
        "check",
        "--format",
        "json",
        &fixture("broken.yaml"),
        &fixture("privileged.yaml"),
    ]);
    run.expect_code(3);
    let report = run.json();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{report:#}");
    assert_eq!(errors[0]["location"]["file"], "testdata/cli/broken.yaml");
    assert_eq!(errors[0]["location"]["line"], 6);
    assert!(!errors[0]["message"].as_str().unwrap().is_empty());
    let grd101 = of_rule(&report, "GRD101");
    assert_eq!(
        grd101.len(),
        1,
        "the readable file must still be checked: {report:#}"
    );
    assert_eq!(
        grd101[0]["location"]["file"],
        "testdata/cli/privileged.yaml"
    );
    assert_eq!(report["summary"]["input_errors"], 1);
    assert_eq!(report["summary"]["files"], 2);
}

#[test]
fn missing_file_exits_3_and_names_it() {
    let run = guard(&[
        "check",
        "--format",
        "json",
        "testdata/cli/no-such-file.yaml",
    ]);
    run.expect_code(3);
    let report = run.json();
    assert_eq!(
        report["errors"][0]["location"]["file"],
        "testdata/cli/no-such-file.yaml"
    );
}

// ---------------------------------------------------------------------------
// Input: stdin
// ---------------------------------------------------------------------------

#[test]
fn stdin_dash_is_checked_and_named_dash() {
    let run = guard_with_stdin(
        &["check", "--format", "json", "-"],
        &fixture_text("privileged.yaml"),
    );
    run.expect_code(1);
    let report = run.json();
    let grd101 = of_rule(&report, "GRD101");
    assert_eq!(grd101.len(), 1, "{report:#}");
    assert_eq!(grd101[0]["location"]["file"], "-");
    assert_eq!(grd101[0]["location"]["line"], 11);
    assert_eq!(grd101[0]["location"]["column"], 9);
}

#[test]
fn clean_stdin_exits_0() {
    let run = guard_with_stdin(
        &["check", "--format", "json", "-"],
        &fixture_text("clean.yaml"),
    );
    run.expect_code(0);
    let report = run.json();
    assert!(findings(&report).is_empty(), "{report:#}");
    assert_eq!(report["summary"]["documents"], 4);
}

// ---------------------------------------------------------------------------
// Failing severity
// ---------------------------------------------------------------------------

#[test]
fn warnings_alone_pass_by_default() {
    let run = guard(&[
        "check",
        "--profile",
        "restricted",
        "--format",
        "json",
        &fixture("warning-only.yaml"),
    ]);
    run.expect_code(0);
    let report = run.json();
    assert!(
        !findings(&report).is_empty(),
        "the fixture should produce warnings"
    );
    assert!(
        findings(&report).iter().all(|f| f["severity"] == "warning"),
        "{report:#}"
    );
    assert_eq!(report["summary"]["errors"], 0);
}

#[test]
fn fail_on_warning_makes_warnings_fail() {
    let run = guard(&[
        "check",
        "--profile",
        "restricted",
        "--fail-on",
        "warning",
        "--format",
        "json",
        &fixture("warning-only.yaml"),
    ]);
    run.expect_code(1);
    let report = run.json();
    assert!(
        findings(&report).iter().all(|f| f["severity"] == "warning"),
        "{report:#}"
    );
    assert!(!of_rule(&report, "GRD121").is_empty(), "{report:#}");
}

#[test]
fn no_fail_exits_0_but_still_reports() {
    let run = guard(&[
        "check",
        "--no-fail",
        "--format",
        "json",
        &fixture("privileged.yaml"),
    ]);
    run.expect_code(0);
    let report = run.json();
    assert_eq!(of_rule(&report, "GRD101").len(), 1, "{report:#}");
    assert!(report["summary"]["errors"].as_u64().unwrap() >= 1);
}

#[test]
fn no_fail_does_not_hide_input_errors() {
    let run = guard(&[
        "check",
        "--no-fail",
        "--format",
        "json",
        &fixture("broken.yaml"),
    ]);
    run.expect_code(3);
    assert_eq!(run.json()["summary"]["input_errors"], 1);
}

// ---------------------------------------------------------------------------
// Output file
// ---------------------------------------------------------------------------

#[test]
fn output_writes_the_whole_report_to_the_file_and_nothing_to_stdout() {
    let dir = TempDir::new("output");
    let out = dir.path().join("report.json");
    let run = guard(&[
        "check",
        "--format",
        "json",
        "--output",
        out.to_str().unwrap(),
        &fixture("privileged.yaml"),
    ]);
    run.expect_code(1);
    assert!(run.stdout.is_empty(), "stdout: {}", run.stdout);
    let text = std::fs::read_to_string(&out).expect("the report file exists");
    let report: Value = serde_json::from_str(&text).expect("the report file is complete JSON");
    assert_eq!(of_rule(&report, "GRD101").len(), 1, "{report:#}");
    // Written atomically: no temporary file is left beside it.
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, vec!["report.json".to_string()]);
}

#[test]
fn output_replaces_an_existing_file() {
    let dir = TempDir::new("output-replace");
    let out = dir.write("report.json", &"stale ".repeat(10_000));
    let run = guard(&[
        "check",
        "--format",
        "json",
        "-o",
        out.to_str().unwrap(),
        &fixture("clean.yaml"),
    ]);
    run.expect_code(0);
    let report: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert!(findings(&report).is_empty());
}

// ---------------------------------------------------------------------------
// Suppression: annotations
// ---------------------------------------------------------------------------

#[test]
fn annotation_suppresses_the_finding_and_counts_it() {
    let run = guard(&[
        "check",
        "--profile",
        "baseline",
        "--format",
        "json",
        &fixture("annotated.yaml"),
    ]);
    run.expect_code(0);
    let report = run.json();
    assert!(of_rule(&report, "GRD101").is_empty(), "{report:#}");
    assert!(
        of_rule(&report, "GRD003").is_empty(),
        "the waiver is used: {report:#}"
    );
    assert!(
        of_rule(&report, "GRD004").is_empty(),
        "the waiver has a reason: {report:#}"
    );
    assert_eq!(report["summary"]["suppressed"], 1);
    assert_eq!(report["summary"]["findings"], 0);
}

#[test]
fn annotation_for_a_rule_that_does_not_fire_is_grd003() {
    let run = guard(&[
        "check",
        "--profile",
        "baseline",
        "--format",
        "json",
        &fixture("stale-waiver.yaml"),
    ]);
    let report = run.json();
    let grd003 = of_rule(&report, "GRD003");
    assert_eq!(grd003.len(), 1, "{report:#}");
    assert_eq!(grd003[0]["severity"], "warning");
    assert!(
        grd003[0]["message"].as_str().unwrap().contains("GRD102"),
        "{report:#}"
    );
    // At the annotation: line 7, column 5.
    assert_eq!(grd003[0]["location"]["line"], 7);
    assert_eq!(grd003[0]["location"]["column"], 5);
    assert_eq!(grd003[0]["object"]["name"], "tidy");
    assert_eq!(report["summary"]["suppressed"], 0);
    // A warning: the default failing severity is error.
    run.expect_code(0);
    // ...which --fail-on warning makes fail.
    guard(&[
        "check",
        "--profile",
        "baseline",
        "--fail-on",
        "warning",
        &fixture("stale-waiver.yaml"),
    ])
    .expect_code(1);
}

#[test]
fn annotation_without_a_reason_is_grd004() {
    let run = guard(&[
        "check",
        "--profile",
        "baseline",
        "--format",
        "json",
        &fixture("no-reason.yaml"),
    ]);
    let report = run.json();
    let grd004 = of_rule(&report, "GRD004");
    assert_eq!(grd004.len(), 1, "{report:#}");
    assert_eq!(grd004[0]["severity"], "warning");
    assert!(
        grd004[0]["message"].as_str().unwrap().contains("GRD101"),
        "{report:#}"
    );
    assert_eq!(grd004[0]["location"]["line"], 7);
    assert!(
        of_rule(&report, "GRD003").is_empty(),
        "the waiver is used: {report:#}"
    );
    run.expect_code(0);
}

// ---------------------------------------------------------------------------
// Config file
// ---------------------------------------------------------------------------

#[test]
fn config_is_discovered_from_a_parent_of_the_working_directory() {
    let dir = TempDir::new("discover");
    dir.write(".guard.yaml", "profile: baseline\nrules:\n  GRD101: off\n");
    let manifest = dir.write("deploy/pod.yaml", &fixture_text("privileged.yaml"));
    let cwd = dir.path().join("deploy/nested");
    std::fs::create_dir_all(&cwd).unwrap();
    let run = guard_in(
        &cwd,
        &["check", "--format", "json", manifest.to_str().unwrap()],
    );
    run.expect_code(0);
    let report = run.json();
    assert!(
        of_rule(&report, "GRD101").is_empty(),
        "GRD101 is off in the config: {report:#}"
    );
    assert_eq!(
        report["summary"]["documents"], 1,
        "the file was still checked"
    );
    // `profile: baseline` from the config applies too: no best-practice rules.
    assert!(of_rule(&report, "GRD201").is_empty(), "{report:#}");
}

#[test]
fn config_rules_off_disables_a_rule() {
    let dir = TempDir::new("rules-off");
    dir.write("pod.yaml", &fixture_text("privileged.yaml"));
    let run = guard_in(
        dir.path(),
        &[
            "check",
            "--profile",
            "baseline",
            "--format",
            "json",
            "pod.yaml",
        ],
    );
    run.expect_code(1);
    assert_eq!(of_rule(&run.json(), "GRD101").len(), 1);

    dir.write(".guard.yaml", "rules:\n  GRD101: off\n");
    let run = guard_in(
        dir.path(),
        &[
            "check",
            "--profile",
            "baseline",
            "--format",
            "json",
            "pod.yaml",
        ],
    );
    run.expect_code(0);
    let report = run.json();
    assert!(of_rule(&report, "GRD101").is_empty(), "{report:#}");
    assert_eq!(
        report["summary"]["suppressed"], 0,
        "disabled is not suppressed: {report:#}"
    );
}

#[test]
fn config_rules_can_change_a_severity() {
    let dir = TempDir::new("rules-severity");
    dir.write(
        ".guard.yaml",
        "profile: baseline\nrules:\n  GRD101: warning\n",
    );
    dir.write("pod.yaml", &fixture_text("privileged.yaml"));
    let run = guard_in(dir.path(), &["check", "--format", "json", "pod.yaml"]);
    run.expect_code(0);
    let report = run.json();
    let grd101 = of_rule(&report, "GRD101");
    assert_eq!(grd101.len(), 1, "{report:#}");
    assert_eq!(grd101[0]["severity"], "warning");
}

#[test]
fn config_ignore_with_paths_glob_suppresses_only_matching_files() {
    let dir = TempDir::new("ignore-paths");
    dir.write(
        ".guard.yaml",
        "profile: baseline\nignore:\n  - rules: [GRD101]\n    paths: [\"legacy/*.yaml\"]\n    reason: legacy, tracked in OPS-1\n",
    );
    dir.write("legacy/old.yaml", &fixture_text("privileged.yaml"));
    dir.write("new/pod.yaml", &fixture_text("privileged.yaml"));
    let run = guard_in(dir.path(), &["check", "--format", "json", "legacy", "new"]);
    run.expect_code(1);
    let report = run.json();
    let grd101 = of_rule(&report, "GRD101");
    assert_eq!(
        grd101.len(),
        1,
        "only the file outside legacy/ is reported: {report:#}"
    );
    assert_eq!(grd101[0]["location"]["file"], "new/pod.yaml");
    assert_eq!(report["summary"]["suppressed"], 1);
    assert!(
        of_rule(&report, "GRD003").is_empty(),
        "the waiver is used: {report:#}"
    );

    // Only legacy/: everything is waived, the run passes.
    let run = guard_in(dir.path(), &["check", "--format", "json", "legacy"]);
    run.expect_code(0);
    assert_eq!(run.json()["summary"]["suppressed"], 1);
}

#[test]
fn config_ignore_that_matches_nothing_is_grd003_at_the_entry() {
    let dir = TempDir::new("ignore-stale");
    dir.write(
        ".guard.yaml",
        "profile: baseline\nignore:\n  - rules: [GRD101]\n    paths: [\"nowhere/*.yaml\"]\n    reason: stale\n",
    );
    dir.write("pod.yaml", &fixture_text("privileged.yaml"));
    let run = guard_in(dir.path(), &["check", "--format", "json", "pod.yaml"]);
    run.expect_code(1);
    let report = run.json();
    let grd003 = of_rule(&report, "GRD003");
    assert_eq!(grd003.len(), 1, "{report:#}");
    assert!(
        grd003[0]["location"]["file"]
            .as_str()
            .unwrap()
            .ends_with(".guard.yaml"),
        "{report:#}"
    );
    assert_eq!(grd003[0]["location"]["line"], 3);
    assert_eq!(of_rule(&report, "GRD101").len(), 1);
}

#[test]
fn config_ignore_matches_paths_given_from_a_subdirectory() {
    // Config in the project root, run from a subdirectory with `../` paths:
    // the glob is relative to the config's directory, so `legacy/*.yaml`
    // should still match `../legacy/old.yaml`.
    let dir = TempDir::new("ignore-dotdot");
    dir.write(
        ".guard.yaml",
        "profile: baseline\nignore:\n  - rules: [GRD101]\n    paths: [\"legacy/*.yaml\"]\n    reason: legacy, tracked in OPS-1\n",
    );
    dir.write("legacy/old.yaml", &fixture_text("privileged.yaml"));
    let cwd = dir.path().join("tools");
    std::fs::create_dir_all(&cwd).unwrap();
    let run = guard_in(&cwd, &["check", "--format", "json", "../legacy/old.yaml"]);
    let report = run.json();
    assert!(of_rule(&report, "GRD101").is_empty(), "{report:#}");
    assert_eq!(report["summary"]["suppressed"], 1);
    run.expect_code(0);
}

#[test]
fn config_exclude_matches_paths_given_from_a_subdirectory() {
    let dir = TempDir::new("exclude-dotdot");
    dir.write(
        ".guard.yaml",
        "profile: baseline\nexclude: [\"vendor/**\"]\n",
    );
    dir.write("vendor/chart/pod.yaml", &fixture_text("privileged.yaml"));
    let cwd = dir.path().join("tools");
    std::fs::create_dir_all(&cwd).unwrap();
    let run = guard_in(&cwd, &["check", "--format", "json", "../vendor"]);
    let report = run.json();
    assert_eq!(report["summary"]["documents"], 0, "{report:#}");
    run.expect_code(0);
}

#[test]
fn config_exclude_skips_matching_files() {
    let dir = TempDir::new("exclude");
    dir.write(
        ".guard.yaml",
        "profile: baseline\nexclude: [\"vendor/**\"]\n",
    );
    dir.write("vendor/chart/pod.yaml", &fixture_text("privileged.yaml"));
    dir.write("app/pod.yaml", &fixture_text("clean.yaml"));
    let run = guard_in(dir.path(), &["check", "--format", "json", "."]);
    run.expect_code(0);
    let report = run.json();
    assert!(of_rule(&report, "GRD101").is_empty(), "{report:#}");
    assert_eq!(
        report["summary"]["documents"], 4,
        "only app/pod.yaml's objects: {report:#}"
    );
}

#[test]
fn invalid_discovered_config_exits_2_naming_file_line_and_column() {
    let dir = TempDir::new("bad-config");
    dir.write(".guard.yaml", "profile: baseline\nrules:\n  GRD101: loud\n");
    dir.write("pod.yaml", &fixture_text("privileged.yaml"));
    let run = guard_in(dir.path(), &["check", "--format", "json", "pod.yaml"]);
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "stdout: {}", run.stdout);
    assert!(
        run.stderr.contains(".guard.yaml:3:3:"),
        "stderr: {}",
        run.stderr
    );
    assert!(run.stderr.starts_with("error:"), "stderr: {}", run.stderr);
}

#[test]
fn config_with_unknown_field_exits_2_at_the_field() {
    let dir = TempDir::new("unknown-field");
    dir.write(".guard.yaml", "profile: baseline\nfailon: warning\n");
    dir.write("pod.yaml", &fixture_text("clean.yaml"));
    let run = guard_in(dir.path(), &["check", "pod.yaml"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains(".guard.yaml:"),
        "stderr: {}",
        run.stderr
    );
    assert!(run.stderr.contains("failon"), "stderr: {}", run.stderr);
}

#[test]
fn config_with_a_yaml_syntax_error_exits_2_at_the_error() {
    let dir = TempDir::new("config-syntax");
    dir.write(".guard.yaml", "profile: baseline\nrules: [unclosed\n");
    dir.write("pod.yaml", &fixture_text("clean.yaml"));
    let run = guard_in(dir.path(), &["check", "pod.yaml"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains(".guard.yaml:"),
        "stderr: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains("invalid YAML"),
        "stderr: {}",
        run.stderr
    );
}

#[test]
fn unknown_rule_in_config_exits_2() {
    let dir = TempDir::new("unknown-rule");
    dir.write(".guard.yaml", "rules:\n  GRD999: off\n");
    dir.write("pod.yaml", &fixture_text("privileged.yaml"));
    let run = guard_in(dir.path(), &["check", "--format", "json", "pod.yaml"]);
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "stdout: {}", run.stdout);
    assert!(run.stderr.contains("GRD999"), "stderr: {}", run.stderr);
    assert!(run.stderr.contains(".guard.yaml"), "stderr: {}", run.stderr);
}

#[test]
fn config_fail_on_applies_and_the_flag_overrides_it() {
    let dir = TempDir::new("fail-on");
    dir.write(".guard.yaml", "profile: restricted\nfailOn: warning\n");
    dir.write("pod.yaml", &fixture_text("warning-only.yaml"));
    guard_in(dir.path(), &["check", "pod.yaml"]).expect_code(1);
    guard_in(dir.path(), &["check", "--fail-on", "error", "pod.yaml"]).expect_code(0);
}

// ---------------------------------------------------------------------------
// Rules and explain
// ---------------------------------------------------------------------------

#[test]
fn rules_lists_grd101() {
    let run = guard(&["rules"]);
    run.expect_code(0);
    let line = run
        .stdout
        .lines()
        .find(|l| l.starts_with("GRD101"))
        .unwrap_or_else(|| panic!("no GRD101 line:\n{}", run.stdout));
    assert!(line.contains("error"), "{line}");
    assert!(line.contains("baseline"), "{line}");
    assert!(line.contains("Privileged container"), "{line}");
    for id in ["GRD003", "GRD004"] {
        assert!(
            run.stdout.lines().any(|l| l.starts_with(id)),
            "{id} missing:\n{}",
            run.stdout
        );
    }
}

#[test]
fn rules_json_has_full_metadata() {
    let run = guard(&["rules", "--format", "json"]);
    run.expect_code(0);
    let rules: Value = serde_json::from_str(&run.stdout).unwrap();
    let grd101 = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "GRD101")
        .expect("GRD101 listed");
    assert_eq!(grd101["severity"], "error");
}

#[test]
fn explain_prints_rationale_fix_and_example() {
    let run = guard(&["explain", "GRD101"]);
    run.expect_code(0);
    let out = &run.stdout;
    assert!(out.starts_with("GRD101 Privileged container"), "{out}");
    assert!(out.contains("Why"), "{out}");
    assert!(
        out.contains("every Linux capability"),
        "rationale missing: {out}"
    );
    assert!(out.contains("Fix"), "{out}");
    assert!(out.contains("Example that fails"), "{out}");
    assert!(out.contains("privileged: true"), "example missing: {out}");
    assert!(run.stderr.is_empty(), "stderr: {}", run.stderr);
}

#[test]
fn explain_accepts_lowercase_ids() {
    let run = guard(&["explain", "grd101"]);
    run.expect_code(0);
    assert!(run.stdout.starts_with("GRD101"), "{}", run.stdout);
}

#[test]
fn explain_unknown_rule_exits_2() {
    let run = guard(&["explain", "GRD999"]);
    run.expect_code(2);
    assert!(run.stdout.is_empty(), "stdout: {}", run.stdout);
    assert!(run.stderr.contains("GRD999"), "stderr: {}", run.stderr);
    assert_eq!(
        run.stderr.trim_end().lines().count(),
        1,
        "stderr: {}",
        run.stderr
    );
}

// ---------------------------------------------------------------------------
// Directory walk
// ---------------------------------------------------------------------------

/// A privileged Pod named `name`.
fn privileged_pod(name: &str) -> String {
    fixture_text("privileged.yaml").replace("root-shell", name)
}

#[test]
fn directory_walk_skips_hidden_ignored_and_non_yaml_files() {
    let dir = TempDir::new("walk");
    dir.write("manifests/app/pod.yaml", &privileged_pod("visible"));
    dir.write("manifests/app/other.yml", &privileged_pod("visible-yml"));
    dir.write("manifests/.hidden.yaml", &privileged_pod("hidden"));
    dir.write(
        "manifests/.hidden/pod.yaml",
        &privileged_pod("in-hidden-dir"),
    );
    dir.write("manifests/.gitignore", "ignored/\n");
    dir.write("manifests/ignored/pod.yaml", &privileged_pod("gitignored"));
    // If read, these would be a syntax error (exit 3) or a finding.
    dir.write("manifests/notes.txt", "key: [unclosed\n");
    dir.write("manifests/README.md", &privileged_pod("markdown"));
    let run = guard_in(
        dir.path(),
        &[
            "check",
            "--profile",
            "baseline",
            "--format",
            "json",
            "manifests",
        ],
    );
    run.expect_code(1);
    let report = run.json();
    assert!(
        report["errors"].as_array().unwrap().is_empty(),
        "{report:#}"
    );
    let mut names: Vec<&str> = of_rule(&report, "GRD101")
        .iter()
        .map(|f| f["object"]["name"].as_str().unwrap())
        .collect();
    names.sort();
    assert_eq!(names, ["visible", "visible-yml"], "{report:#}");
    assert_eq!(report["summary"]["files"], 2);
    let mut files: Vec<&str> = findings(&report)
        .iter()
        .map(|f| f["location"]["file"].as_str().unwrap())
        .collect();
    files.sort();
    assert_eq!(files, ["manifests/app/other.yml", "manifests/app/pod.yaml"]);
}

#[test]
fn a_file_named_explicitly_is_read_whatever_its_extension() {
    let dir = TempDir::new("explicit");
    dir.write("pod.txt", &privileged_pod("explicit"));
    let run = guard_in(
        dir.path(),
        &[
            "check",
            "--profile",
            "baseline",
            "--format",
            "json",
            "pod.txt",
        ],
    );
    run.expect_code(1);
    assert_eq!(of_rule(&run.json(), "GRD101").len(), 1);
}

#[test]
fn list_items_are_checked() {
    let run = guard(&[
        "check",
        "--profile",
        "baseline",
        "--format",
        "json",
        &fixture("list.yaml"),
    ]);
    run.expect_code(1);
    let report = run.json();
    assert_eq!(
        report["summary"]["documents"], 2,
        "the List's two items: {report:#}"
    );
    let grd101 = of_rule(&report, "GRD101");
    assert_eq!(grd101.len(), 1, "{report:#}");
    assert_eq!(grd101[0]["object"]["name"], "in-a-list");
    assert_eq!(grd101[0]["location"]["line"], 21);
    assert_eq!(grd101[0]["location"]["column"], 13);
}

// ---------------------------------------------------------------------------
// Output formats
// ---------------------------------------------------------------------------

fn format_run(format: &str) -> Run {
    let run = guard(&[
        "check",
        "--profile",
        "baseline",
        "--format",
        format,
        &fixture("privileged.yaml"),
    ]);
    run.expect_code(1);
    assert!(!run.stdout.trim().is_empty(), "{format} output is empty");
    assert!(
        run.stdout.contains("GRD101"),
        "{format} output lacks GRD101:\n{}",
        run.stdout
    );
    run
}

#[test]
fn sarif_output_has_the_result() {
    let run = format_run("sarif");
    let sarif = run.json();
    assert_eq!(sarif["version"], "2.1.0");
    let result = &sarif["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "GRD101");
    assert_eq!(result["level"], "error");
    let region = &result["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 11);
    assert_eq!(region["startColumn"], 9);
}

#[test]
fn junit_output_has_a_failure() {
    let run = format_run("junit");
    assert!(run.stdout.starts_with("<?xml"), "{}", run.stdout);
    assert!(run.stdout.contains("failures=\"1\""), "{}", run.stdout);
    assert!(run.stdout.contains("type=\"GRD101\""), "{}", run.stdout);
    assert!(
        run.stdout.trim_end().ends_with("</testsuites>"),
        "{}",
        run.stdout
    );
}

#[test]
fn github_output_is_a_workflow_command() {
    let run = format_run("github");
    let line = run.stdout.lines().find(|l| l.contains("GRD101")).unwrap();
    assert!(
        line.starts_with("::error file=testdata/cli/privileged.yaml,line=11,col=9"),
        "{line}"
    );
}

#[test]
fn compact_output_is_one_line_per_finding() {
    let run = format_run("compact");
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("testdata/cli/privileged.yaml:11:9:") && l.contains("GRD101")),
        "{}",
        run.stdout
    );
}

#[test]
fn human_output_without_colour_has_the_finding_and_summary() {
    let run = format_run("human");
    let run2 = guard(&[
        "check",
        "--no-color",
        "--profile",
        "baseline",
        &fixture("privileged.yaml"),
    ]);
    run2.expect_code(1);
    assert_eq!(run.stdout, run2.stdout, "human is the default format");
    assert!(
        !run.stdout.contains('\u{1b}'),
        "no escape codes when not a terminal"
    );
    assert!(run.stdout.contains("runs privileged"), "{}", run.stdout);
    assert!(
        run.stdout.contains("testdata/cli/privileged.yaml:11:9"),
        "{}",
        run.stdout
    );
}

#[test]
fn clean_run_in_every_format_still_produces_a_report() {
    for format in ["human", "compact", "json", "sarif", "junit", "github"] {
        let run = guard(&["check", "--format", format, &fixture("clean.yaml")]);
        run.expect_code(0);
        if format == "sarif" {
            // SARIF describes every rule that ran; the results are what matter.
            assert_eq!(run.json()["runs"][0]["results"], serde_json::json!([]));
        } else if format != "github" {
            // GitHub annotations have nothing to say about a clean run.
            assert!(!run.stdout.trim().is_empty(), "{format} output is empty");
        }
        if format != "sarif" {
            assert!(
                !run.stdout.contains("GRD"),
                "{format} reports a finding:\n{}",
                run.stdout
            );
        }
    }
}
