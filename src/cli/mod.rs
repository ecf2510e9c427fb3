//! The command line: clap's flags turned into library calls, and the
//! library's results into output and exit codes. Nothing here decides what
//! a check does; the library's `engine` does.

mod analyze;
mod check;
mod verify;
mod webhook;

use clap::{Parser, Subcommand, ValueEnum};
use guard::blueprint::Blueprint;
use guard::core::{Code, Diagnostic};
use guard::policy::{Rule, docs, load_registry};
use std::io::Write;
use std::path::PathBuf;

/// Exit codes, documented in the README and docs/errors.md; those of
/// diagnostics come from their kind (`DiagnosticKind::exit_code`).
pub mod exit {
    /// Nothing at or above the failing severity.
    pub const OK: u8 = 0;
    /// Findings at or above the failing severity.
    pub const FINDINGS: u8 = 1;
    /// Usage error: nothing was done.
    pub const USAGE: u8 = 2;
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
    Check(check::CheckArgs),
    /// Analyse a live cluster (or a snapshot of one): unhealthy pods and
    /// workloads, broken routing and storage, resource use, drift from the
    /// Blueprint and a policy audit, each with the events and logs that explain it.
    Analyze(analyze::AnalyzeArgs),
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
    Verify(verify::VerifyArgs),
    /// Work with Blueprints: the specs `check --blueprint` holds manifests to.
    #[command(subcommand)]
    Blueprint(BlueprintCommand),
    /// Write manifests for a Blueprint with the built-in generator: hardened
    /// workloads, Services, Ingresses, PodDisruptionBudgets and NetworkPolicies
    /// that pass `check --blueprint` with every rule.
    Generate(GenerateArgs),
    /// Serve the same policies and Blueprint as a validating admission
    /// webhook (`POST /validate` over HTTPS), or print its manifests.
    Webhook(webhook::WebhookArgs),
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

/// Parses the command line and runs the command; returns the exit code.
pub fn run() -> u8 {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => check::run(args),
        Command::Analyze(args) => analyze::run(args),
        Command::Rules { format } => run_rules(format),
        Command::Explain { rule } => run_explain(&rule),
        Command::Blueprint(command) => run_blueprint(command),
        Command::Verify(args) => verify::run(&args),
        Command::Generate(args) => run_generate(args),
        Command::Webhook(args) => webhook::run(args),
    }
}

/// A one-line usage error, then exit 2.
fn usage(message: impl std::fmt::Display) -> u8 {
    eprintln!("error: {message}");
    exit::USAGE
}

/// A diagnostic on one line (`error: file:line:col: message; help`), then
/// the exit code its kind documents.
fn print_diagnostic(diagnostic: &Diagnostic) -> u8 {
    eprintln!("error: {diagnostic}");
    diagnostic.kind().exit_code()
}

/// The bundled rules and the analyzers of `guard analyze`, by id.
fn registry_or_exit() -> Result<Vec<Rule>, u8> {
    let mut rules = load_registry().map_err(|error| print_diagnostic(&error))?;
    rules.extend(guard::analyze::rules());
    rules.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(rules)
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
            Err(error) => print_diagnostic(&error),
        },
        BlueprintCommand::Init => print_out(guard::blueprint::SCAFFOLD),
    }
}

fn run_generate(args: GenerateArgs) -> u8 {
    let blueprint = match Blueprint::load(&args.blueprint) {
        Ok(blueprint) => blueprint,
        Err(error) => return print_diagnostic(&error),
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
        Err(error) => print_diagnostic(&unwritable(&args.output.display().to_string(), &error)),
    }
}

/// The report or manifests could not be written where they were asked for.
fn unwritable(target: &str, error: &std::io::Error) -> Diagnostic {
    Diagnostic::new(
        Code::OutputUnwritable,
        format!("cannot write to {target}: {error}"),
    )
    .help("check that the directory exists and is writable")
}

/// Writes to stdout; a reader that stops early (`| head`) is not an error.
fn print_out(text: &str) -> u8 {
    let mut stdout = std::io::stdout().lock();
    match stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
    {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            print_diagnostic(&unwritable("stdout", &e))
        }
        _ => exit::OK,
    }
}
