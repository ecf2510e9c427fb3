//! The `guard` command: a thin layer over the library.

use clap::{Parser, Subcommand, ValueEnum};
use guard::blueprint::Blueprint;
use guard::check::{Report, check_all};
use guard::config::Config;
use guard::finding::Severity;
use guard::fsutil::write_atomically;
use guard::policy::conftest::{cli as conftest_cli, verify};
use guard::policy::gatekeeper::suite;
use guard::policy::{PolicySet, ProfileSelection, Rule, Selection, docs, load_registry};
use guard::report::{Format, RenderOptions, render};
use guard::source::Input;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

// Evaluation allocates and frees small values at a high rate (regorus builds
// scopes, paths and values per rule); mimalloc's thread-local free lists cut
// that cost by about 15% against glibc's malloc on the corpus.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit codes, documented in the README.
mod exit {
    /// Nothing at or above the failing severity.
    pub const OK: u8 = 0;
    /// Findings at or above the failing severity.
    pub const FINDINGS: u8 = 1;
    /// Usage or configuration error: nothing was checked.
    pub const USAGE: u8 = 2;
    /// Some input could not be read, parsed or evaluated; the rest was checked.
    pub const INPUT: u8 = 3;
}

#[derive(Parser)]
#[command(name = "guard", version, about = "Policy-as-code guardrails for Kubernetes manifests", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check manifests against the bundled rules and your own conftest and Gatekeeper policies.
    Check(CheckArgs),
    /// List every rule: id, severity, profile and title.
    Rules {
        /// human: a table; json: full metadata; markdown: docs/rules.md.
        #[arg(long, value_enum, default_value_t = RulesFormat::Human)]
        format: RulesFormat,
    },
    /// Explain a rule: why it matters, how to fix it, and an example.
    Explain {
        /// A rule id, such as GRD101.
        rule: String,
    },
    /// Run gator Suite files (`guard verify DIR...`, as `gator verify`) and the
    /// `test_*` rules of Rego policy tests (`-p DIR`, as `conftest verify`).
    Verify(conftest_cli::VerifyArgs),
    /// Work with Blueprints: the specs `check --blueprint` holds manifests to.
    #[command(subcommand)]
    Blueprint(BlueprintCommand),
    /// Write manifests for a Blueprint with the built-in generator: hardened
    /// workloads, Services, Ingresses, PodDisruptionBudgets and NetworkPolicies
    /// that pass `check --blueprint` with every rule.
    Generate(GenerateArgs),
}

#[derive(clap::Args)]
struct GenerateArgs {
    /// The Blueprint: YAML, or Markdown with a `yaml blueprint` block.
    #[arg(long, value_name = "FILE")]
    blueprint: PathBuf,
    /// Directory for `00-namespace.yaml` and one `<component>.yaml` per
    /// component (created when missing; each file written atomically); `-`
    /// prints them to stdout.
    #[arg(long, short = 'o', value_name = "DIR")]
    output: PathBuf,
    /// Tag for Blueprint images that pin none.
    #[arg(long, value_name = "TAG", default_value = guard::generate::DEFAULT_IMAGE_TAG, value_parser = guard::generate::parse_image_tag)]
    image_tag: String,
}

#[derive(Subcommand)]
enum BlueprintCommand {
    /// Print the facts a Blueprint compiles to (`data.blueprint`), with the
    /// position of every field they cite.
    Compile {
        /// A Blueprint: YAML, or Markdown with a `yaml blueprint` block.
        file: PathBuf,
    },
    /// Print a commented Blueprint to start from.
    Init,
}

#[derive(Clone, Copy, ValueEnum)]
enum RulesFormat {
    Human,
    Json,
    Markdown,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Files and directories to check (directories recursively); `-` reads stdin.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// The lowest severity that makes the run fail (exit 1) [default: error].
    #[arg(long, value_enum)]
    fail_on: Option<FailOn>,
    /// Report findings but exit 0 for them (input and usage errors still fail).
    #[arg(long)]
    no_fail: bool,
    /// Which bundled rules run [default: all, or the config file's].
    #[arg(long, value_enum)]
    profile: Option<ProfileSelection>,
    /// Kubernetes version the manifests target, for deprecated-API rules (e.g. 1.29).
    #[arg(long, value_name = "VERSION")]
    kubernetes_version: Option<String>,
    /// Config file to use instead of discovering `.guard.yaml`.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Hold the manifests to this Blueprint (YAML, or Markdown with a
    /// `yaml blueprint` block); its `policies.profile` applies unless --profile is given.
    #[arg(long, value_name = "FILE")]
    blueprint: Option<PathBuf>,
    /// Never colour the output (colour is used only on a terminal, and never with NO_COLOR set).
    #[arg(long)]
    no_color: bool,
    #[command(flatten)]
    conftest: conftest_cli::CheckFlags,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
}

impl From<FailOn> for Severity {
    fn from(f: FailOn) -> Severity {
        match f {
            FailOn::Error => Severity::Error,
            FailOn::Warning => Severity::Warning,
            FailOn::Info => Severity::Info,
        }
    }
}

fn main() -> ExitCode {
    quiet_library_backtraces();
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check(args) => run_check(args),
        Command::Rules { format } => run_rules(format),
        Command::Explain { rule } => run_explain(&rule),
        Command::Blueprint(command) => run_blueprint(command),
        Command::Verify(args) => run_verify(&args),
        Command::Generate(args) => run_generate(args),
    };
    ExitCode::from(code)
}

/// regorus reports some lookups to itself as `anyhow` errors it then
/// discards, and with `RUST_BACKTRACE=1` (common in developer shells and CI)
/// `anyhow` captures a backtrace for each: on the shared corpus that doubled
/// the time of `guard check`. `RUST_LIB_BACKTRACE=0` turns that capture off
/// for library errors and leaves panic backtraces as the user asked.
fn quiet_library_backtraces() {
    if std::env::var_os("RUST_LIB_BACKTRACE").is_none() {
        // SAFETY: called first thing in `main`, before any thread exists, so
        // nothing can read the environment concurrently.
        unsafe { std::env::set_var("RUST_LIB_BACKTRACE", "0") };
    }
}

/// A one-line usage or configuration error, then exit 2.
fn usage(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    exit::USAGE
}

fn run_check(args: CheckArgs) -> u8 {
    let config = match &args.config {
        Some(file) => Config::load(file),
        None => Config::discover(&std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))),
    };
    let config = match config {
        Ok(config) => config,
        Err(error) => {
            return usage(format_args!(
                "{error}; fix the config file or pass --config"
            ));
        }
    };
    let registry = match load_registry() {
        Ok(registry) => registry,
        Err(error) => return usage(error),
    };
    let blueprint = match args.blueprint.as_deref().map(Blueprint::load).transpose() {
        Ok(blueprint) => blueprint,
        Err(error) => return usage(error),
    };
    let mut selection = Selection {
        profile: args
            .profile
            .or(blueprint.as_ref().and_then(Blueprint::profile))
            .or(config.profile)
            .unwrap_or_default(),
        blueprint: blueprint.as_ref().map(Blueprint::spec_facts),
        kubernetes_version: args.kubernetes_version.clone(),
        ..Selection::default()
    };
    for (id, setting) in &config.rules {
        if !registry.iter().any(|r| &r.id == id) {
            return usage(format_args!(
                "{}: unknown rule {id} in `rules:`; `guard rules` lists the ids",
                config
                    .file
                    .as_deref()
                    .unwrap_or(Path::new(".guard.yaml"))
                    .display()
            ));
        }
        match setting.severity() {
            Some(severity) => {
                selection.severity.insert(id.clone(), severity);
            }
            None => {
                selection.disabled.insert(id.clone());
            }
        }
    }
    if args.conftest.no_bundled {
        selection
            .disabled
            .extend(registry.iter().map(|r| r.id.clone()));
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let user = match args.conftest.load(&cwd) {
        Ok(user) => user,
        Err(error) => return usage(error),
    };
    // Compiling the rules is single-threaded; it overlaps with reading and
    // parsing the input, which fills the rest of the pool.
    let (policies, mut input) = rayon::join(
        || PolicySet::bundled(&selection),
        || Input::load_paths(&args.paths),
    );
    let policies = match policies {
        Ok(policies) => policies,
        Err(error) => return usage(error),
    };
    if let Err(error) = args.conftest.filter_input(&mut input) {
        return usage(error);
    }
    input
        .sources
        .extend(blueprint.as_ref().map(Blueprint::source));
    let report = match check_all(
        &policies,
        user.conftest.as_ref(),
        user.gatekeeper.as_ref(),
        &config,
        input,
    ) {
        Ok(report) => report,
        Err(error) => return usage(error),
    };
    let fail_on = args
        .fail_on
        .map(Severity::from)
        .or(args.conftest.fail_on_warn.then_some(Severity::Warning))
        .or(config.fail_on)
        .unwrap_or(Severity::Error);
    let color = !args.no_color
        && args.output.is_none()
        && std::env::var_os("NO_COLOR").is_none()
        && std::io::stdout().is_terminal();
    let options = RenderOptions {
        color,
        fail_on: Some(fail_on),
    };
    if let Err(error) = write_report(&report, args.format, options, args.output.as_deref()) {
        eprintln!("error: cannot write the report: {error}");
        return exit::INPUT;
    }
    exit_code(&report, fail_on, args.no_fail)
}

fn exit_code(report: &Report, fail_on: Severity, no_fail: bool) -> u8 {
    if !report.errors.is_empty() {
        exit::INPUT
    } else if !no_fail && report.findings.iter().any(|f| f.severity >= fail_on) {
        exit::FINDINGS
    } else {
        exit::OK
    }
}

fn write_report(
    report: &Report,
    format: Format,
    options: RenderOptions,
    output: Option<&Path>,
) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    render(report, format, options, &mut buffer)?;
    match output {
        Some(path) => write_atomically(path, &buffer),
        None => {
            let mut stdout = std::io::stdout().lock();
            match stdout.write_all(&buffer).and_then(|()| stdout.flush()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other,
            }
        }
    }
}

/// `guard verify`: gator suites found below the paths, and the Rego tests of
/// the policy directories; per-suite, per-test and per-case results (and
/// conftest's summary line for Rego tests); exit 1 on any failure.
fn run_verify(args: &conftest_cli::VerifyArgs) -> u8 {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let rego = match args.rego_options(&cwd) {
        Ok(Some(options)) => match verify::run(&options) {
            Ok(report) => Some(report),
            Err(error) => return usage(error),
        },
        Ok(None) => None,
        Err(error) => return usage(error),
    };
    let suites = (!args.paths.is_empty()).then(|| suite::run(&args.paths));
    if rego.is_none() && suites.as_ref().is_some_and(|s| s.suites.is_empty()) {
        return usage(
            "no gator Suite files (kind: Suite, apiVersion: test.gatekeeper.sh/v1alpha1) below the paths given",
        );
    }
    let text = match args.format {
        conftest_cli::VerifyFormat::Human => {
            let mut text = suites.as_ref().map(|s| s.render()).unwrap_or_default();
            if let Some(rego) = &rego {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&rego.render());
            }
            text
        }
        conftest_cli::VerifyFormat::Json => {
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

fn registry_or_exit() -> Result<Vec<Rule>, u8> {
    load_registry().map_err(usage)
}

fn run_rules(format: RulesFormat) -> u8 {
    let rules = match registry_or_exit() {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    let text = match format {
        RulesFormat::Human => docs::rules_table(&rules),
        RulesFormat::Json => serde_json::to_string_pretty(&rules).unwrap_or_default() + "\n",
        RulesFormat::Markdown => docs::rules_markdown(&rules),
    };
    print!("{text}");
    exit::OK
}

fn run_explain(id: &str) -> u8 {
    let rules = match registry_or_exit() {
        Ok(rules) => rules,
        Err(code) => return code,
    };
    match rules.iter().find(|r| r.id.eq_ignore_ascii_case(id)) {
        Some(rule) => {
            print!("{}", docs::explain(rule));
            exit::OK
        }
        None => usage(format_args!("no rule {id}; `guard rules` lists the ids")),
    }
}

fn run_blueprint(command: BlueprintCommand) -> u8 {
    match command {
        BlueprintCommand::Compile { file } => match Blueprint::load(&file) {
            Ok(blueprint) => {
                let json = serde_json::to_string_pretty(&blueprint.compiled()).unwrap_or_default();
                print_out(&(json + "\n"))
            }
            Err(error) => usage(error),
        },
        BlueprintCommand::Init => print_out(guard::blueprint::SCAFFOLD),
    }
}

fn run_generate(args: GenerateArgs) -> u8 {
    let blueprint = match Blueprint::load(&args.blueprint) {
        Ok(blueprint) => blueprint,
        Err(error) => return usage(error),
    };
    let options = guard::generate::Options {
        image_tag: args.image_tag,
    };
    let files = guard::generate::generate(blueprint.facts(), &options);
    if args.output.as_os_str() == "-" {
        return print_out(&guard::generate::concatenate(&files));
    }
    match guard::generate::write_dir(&files, &args.output) {
        Ok(()) => exit::OK,
        Err(error) => {
            eprintln!("error: cannot write to {}: {error}", args.output.display());
            exit::INPUT
        }
    }
}

/// Writes to stdout; a reader that stops early (`| head`) is not an error.
fn print_out(text: &str) -> u8 {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("error: cannot write to stdout: {e}");
            exit::INPUT
        }
        _ => exit::OK,
    }
}
