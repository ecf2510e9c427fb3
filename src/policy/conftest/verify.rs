//! `guard verify`: Rego unit tests, as `conftest verify` and `opa test` run
//! them. Every `.rego` file below the policy paths is loaded, test files
//! included; each rule named `test_*` is a test that passes when it evaluates
//! to `true` (false, undefined or an error fail it); `todo_test_*` rules are
//! skipped. conftest's builtins (`parse_config`, …) are available, and
//! `print()` output is kept and shown for the tests that fail.

use super::{Options, add_data, add_policy, namespace_matchers, new_engine, rego_files, rule_name};
use crate::core::Diagnostic;
use crate::policy::policy_error;
use regorus::Value;
use std::fmt::Write as _;

/// How one test ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    /// Evaluated to something other than `true` (the value, or `undefined`).
    Fail(String),
    Error(String),
    Skip,
}

#[derive(Debug, Clone)]
pub struct TestResult {
    /// The file that defines the test.
    pub file: String,
    /// `data.main.test_deny_root`.
    pub name: String,
    pub outcome: Outcome,
    /// What `print()` wrote during the test.
    pub prints: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct TestReport {
    pub results: Vec<TestResult>,
}

impl TestReport {
    fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.results.iter().filter(|r| f(&r.outcome)).count()
    }

    pub fn passed(&self) -> usize {
        self.count(|o| *o == Outcome::Pass)
    }

    /// Failed and errored tests.
    pub fn failed(&self) -> usize {
        self.count(|o| matches!(o, Outcome::Fail(_) | Outcome::Error(_)))
    }

    pub fn skipped(&self) -> usize {
        self.count(|o| *o == Outcome::Skip)
    }

    /// conftest's summary line: `4 tests, 4 passed, 0 warnings, 0 failures, 0
    /// exceptions` (singular for one). Skipped tests are not counted, as in
    /// conftest, which reports them apart.
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        let tests = self.results.len() - self.skipped();
        format!(
            "{}, {} passed, {}, {}, {}",
            plural(tests, "test"),
            self.passed(),
            plural(0, "warning"),
            plural(self.failed(), "failure"),
            plural(0, "exception"),
        )
    }

    /// One line per test, `print()` output under the failures, then the summary.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for result in &self.results {
            let (status, detail) = match &result.outcome {
                Outcome::Pass => ("PASS", String::new()),
                Outcome::Skip => ("SKIP", String::new()),
                Outcome::Fail(value) => ("FAIL", format!(" (got {value})")),
                Outcome::Error(error) => ("ERROR", format!(": {error}")),
            };
            let _ = writeln!(out, "{status} - {} - {}{detail}", result.file, result.name);
            if matches!(result.outcome, Outcome::Fail(_) | Outcome::Error(_)) {
                for line in &result.prints {
                    let _ = writeln!(out, "    {line}");
                }
            }
        }
        let _ = writeln!(out, "\n{}", self.summary());
        out
    }
}

/// Runs the tests below `options.policy`, in the namespaces `options` select
/// (every namespace unless `-n` is given). Data comes from `options.data`, or
/// from `./data` when none is given and it exists, as in conftest.
pub fn run(options: &Options) -> Result<TestReport, Diagnostic> {
    let files = rego_files(&options.policy, true)?;
    let mut engine = new_engine(options.rego_version);
    for (path, source) in files {
        add_policy(&mut engine, path, &source, options.rego_version)?;
    }
    let default_data = std::path::PathBuf::from("data");
    let data = if options.data.is_empty() && default_data.is_dir() {
        vec![default_data]
    } else {
        options.data.clone()
    };
    add_data(&mut engine, &data)?;
    let patterns = namespace_matchers(&options.namespaces)?;
    let packages = engine
        .get_packages()
        .map_err(|e| policy_error(e.to_string()))?;
    let mut tests: Vec<(String, String, bool)> = Vec::new();
    for (package, module) in packages.iter().zip(engine.get_modules().iter()) {
        let namespace = package.strip_prefix("data.").unwrap_or(package);
        if !patterns.is_empty() && !patterns.iter().any(|p| p.is_match(namespace)) {
            continue;
        }
        let file = module.package.span.source.get_path().to_string();
        for rule in &module.policy {
            let Some(name) = rule_name(rule) else {
                continue;
            };
            let skip = name.starts_with("todo_test_");
            if !name.starts_with("test_") && !skip {
                continue;
            }
            let path = format!("{package}.{name}");
            if !tests.iter().any(|(_, p, _)| *p == path) {
                tests.push((file.clone(), path, skip));
            }
        }
    }
    engine.set_gather_prints(true);
    let mut report = TestReport::default();
    for (file, name, skip) in tests {
        let outcome = if skip {
            Outcome::Skip
        } else {
            match engine.eval_rule(name.clone()) {
                Ok(Value::Bool(true)) => Outcome::Pass,
                Ok(Value::Undefined) => Outcome::Fail("undefined".into()),
                Ok(other) => Outcome::Fail(other.to_string()),
                Err(error) => Outcome::Error(error.to_string()),
            }
        };
        let prints = engine.take_prints().unwrap_or_default();
        report.results.push(TestResult {
            file,
            name,
            outcome,
            prints,
        });
    }
    Ok(report)
}
