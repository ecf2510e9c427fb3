//! `guard verify`: gator suites and the Rego tests of conftest policies.

use super::check::rego_version_parser;
use super::{exit, print_diagnostic, print_out, usage};
use guard::policy::conftest::{self, RegoVersion, verify};
use guard::policy::gatekeeper::suite;
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct VerifyArgs {
    /// Files and directories with gator `Suite` files (kind: Suite,
    /// apiVersion: test.gatekeeper.sh/v1alpha1) to run; other files are
    /// ignored. With paths, Rego tests run only when -p is given.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = VerifyFormat::Human)]
    format: VerifyFormat,
    /// A directory (or file) of Rego policies and their `*_test.rego` tests;
    /// repeatable. Also read from `policy` in ./conftest.toml [default: ./policy].
    #[arg(long, short = 'p', value_name = "DIR")]
    policy: Vec<PathBuf>,
    /// JSON/YAML files merged into `data`; repeatable [default: ./data if it exists].
    #[arg(long, short = 'd', value_name = "DIR")]
    data: Vec<PathBuf>,
    /// Run only the tests of these namespaces (glob wildcards) [default: all].
    #[arg(long, short = 'n', value_name = "NS")]
    namespace: Vec<String>,
    /// Rego syntax of the policies [default: v1].
    #[arg(long, value_parser = rego_version_parser(), value_name = "VERSION")]
    rego_version: Option<RegoVersion>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum VerifyFormat {
    Human,
    Json,
}

/// Gator suites found below the paths, and the Rego tests of the policy
/// directories; per-suite, per-test and per-case results (and conftest's
/// summary line for Rego tests); exit 1 on any failure.
pub fn run(args: &VerifyArgs) -> u8 {
    // With suite paths and no -p, only the suites run.
    let rego = if !args.paths.is_empty() && args.policy.is_empty() {
        None
    } else {
        let given = conftest::Options {
            policy: args.policy.clone(),
            data: args.data.clone(),
            namespaces: args.namespace.clone(),
            rego_version: args.rego_version.unwrap_or_default(),
            ..conftest::Options::default()
        };
        let report = conftest::verify_options(Path::new("."), given, args.rego_version.is_some())
            .and_then(|options| verify::run(&options));
        match report {
            Ok(report) => Some(report),
            Err(error) => return print_diagnostic(&error),
        }
    };
    let suites = (!args.paths.is_empty()).then(|| suite::run(&args.paths));
    if rego.is_none() && suites.as_ref().is_some_and(|s| s.suites.is_empty()) {
        return usage(
            "no gator Suite files (kind: Suite, apiVersion: test.gatekeeper.sh/v1alpha1) below the paths given",
        );
    }
    let text = match args.format {
        VerifyFormat::Human => {
            let mut text = suites.as_ref().map(|s| s.render()).unwrap_or_default();
            if let Some(rego) = &rego {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&rego.render());
            }
            text
        }
        VerifyFormat::Json => {
            let mut json = serde_json::Map::new();
            if let Some(suites) = &suites {
                json.insert(
                    "gatekeeper".into(),
                    serde_json::to_value(suites).unwrap_or_default(),
                );
            }
            if let Some(rego) = &rego {
                json.insert("rego".into(), rego_json(rego));
            }
            serde_json::to_string_pretty(&json).unwrap_or_default() + "\n"
        }
    };
    let failed = rego.as_ref().is_some_and(|r| r.failed() > 0)
        || suites.as_ref().is_some_and(|s| s.failed() > 0);
    match print_out(&text) {
        exit::OK if failed => exit::FINDINGS,
        code => code,
    }
}

/// Rego test results as JSON: each test's file, name, status and output.
fn rego_json(report: &verify::TestReport) -> serde_json::Value {
    let tests: Vec<serde_json::Value> = report
        .results
        .iter()
        .map(|r| {
            let (status, detail) = match &r.outcome {
                verify::Outcome::Pass => ("pass", None),
                verify::Outcome::Skip => ("skip", None),
                verify::Outcome::Fail(value) => ("fail", Some(value.clone())),
                verify::Outcome::Error(error) => ("error", Some(error.clone())),
            };
            serde_json::json!({
                "file": r.file,
                "name": r.name,
                "status": status,
                "detail": detail,
                "prints": r.prints,
            })
        })
        .collect();
    serde_json::json!({"tests": tests, "summary": report.summary()})
}
