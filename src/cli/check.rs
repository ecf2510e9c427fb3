//! `guard check`: flags to [`Options`], then the library's one path.

use super::print_diagnostic;
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use guard::core::Severity;
use guard::engine::{
    BlueprintInput, ConfigChoice, Guard, InputParser, Options, PolicyOptions, Report, Settings,
};
use guard::fsutil::write_atomically;
use guard::policy::conftest::{CAPABILITIES, RegoVersion, STRICT};
use guard::policy::registry::ProfileSelection;
use guard::report::{Format, RenderOptions, render};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct CheckArgs {
    /// Files and directories to check (directories recursively); `-` reads stdin.
    #[arg(required = true)]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    report: ReportFlags,
    #[command(flatten)]
    rules: RuleFlags,
    #[command(flatten)]
    policies: PolicyFlags,
}

/// How a report is written and when it fails the run: the same for every
/// command that reports findings.
#[derive(clap::Args)]
pub struct ReportFlags {
    /// Output format.
    #[arg(long, short = 'f', value_parser = format_parser(), default_value = "human")]
    pub format: Format,
    /// Write the report to FILE (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// The lowest severity that makes the run fail (exit 1) [default: error].
    #[arg(long, value_parser = severity_parser())]
    pub fail_on: Option<Severity>,
    /// Report findings but exit 0 for them (input, cluster and usage errors still fail).
    #[arg(long)]
    pub no_fail: bool,
    /// Never colour the output (colour is used only on a terminal, and never with NO_COLOR set).
    #[arg(long)]
    pub no_color: bool,
}

/// Which bundled rules run and what they hold the manifests to.
#[derive(clap::Args)]
pub struct RuleFlags {
    /// Which bundled rules run [default: all, or the Blueprint's or config file's].
    #[arg(long, value_parser = profile_parser())]
    pub profile: Option<ProfileSelection>,
    /// Kubernetes version the manifests target, for deprecated-API rules (e.g. 1.29).
    #[arg(long, value_name = "VERSION")]
    pub kubernetes_version: Option<String>,
    /// Config file to use instead of discovering `.guard.yaml`.
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Hold the manifests to this Blueprint (YAML, or Markdown with a
    /// `yaml blueprint` block); its `policies.profile` applies unless --profile is given.
    #[arg(long, value_name = "FILE")]
    pub blueprint: Option<PathBuf>,
}

/// The user's own policies, with conftest's flag names.
#[derive(clap::Args)]
pub struct PolicyFlags {
    /// A directory (or file) of conftest Rego policies and Gatekeeper
    /// ConstraintTemplates, Constraints and ExpansionTemplates; repeatable.
    /// Also read from `policy` in ./conftest.toml [default with --no-bundled:
    /// ./policy].
    #[arg(long, short = 'p', value_name = "DIR")]
    policy: Vec<PathBuf>,
    /// JSON/YAML files merged into `data` for the policies; repeatable.
    #[arg(long, short = 'd', value_name = "DIR")]
    data: Vec<PathBuf>,
    /// Policy namespace (package) to run, glob wildcards allowed; repeatable
    /// [default: main].
    #[arg(long, short = 'n', value_name = "NS")]
    namespace: Vec<String>,
    /// Run the rules of every namespace.
    #[arg(long)]
    all_namespaces: bool,
    /// Pass all documents to the policies as one input: an array of `{path, contents}`.
    #[arg(long)]
    combine: bool,
    /// Rego syntax of the policies [default: v1].
    #[arg(long, value_parser = rego_version_parser(), value_name = "VERSION")]
    rego_version: Option<RegoVersion>,
    /// Warnings fail the run too (exit 1), as in conftest.
    #[arg(long)]
    fail_on_warn: bool,
    /// Run only the user policies, not the bundled rules: guard as a conftest replacement.
    #[arg(long)]
    no_bundled: bool,
    /// Skip input files whose path matches this regular expression (anywhere
    /// in the path, as in conftest), for every rule. Skipped files are not read.
    #[arg(long, value_name = "REGEX")]
    ignore: Option<String>,
    /// Read every input file with this parser, whatever its extension:
    /// `yaml` (guard's reading of every file, JSON included) or `json`
    /// (a file that is not one JSON value is an input error).
    #[arg(long, value_parser = parser_parser(), value_name = "PARSER")]
    parser: Option<InputParser>,
    /// Do not count results that `exception` rules exempt.
    #[arg(long)]
    suppress_exceptions: bool,
    /// conftest's OPA strict mode; not available (see --help).
    #[arg(long, hide_short_help = true, long_help = STRICT)]
    strict: bool,
    /// conftest's OPA capabilities file; not available (see --help).
    #[arg(long, value_name = "FILE", hide_short_help = true, long_help = CAPABILITIES)]
    capabilities: Option<PathBuf>,
}

impl CheckArgs {
    /// The library's options: relative paths start in the working directory.
    fn options(&self) -> Options {
        let rules = &self.rules;
        let p = &self.policies;
        Options {
            base_dir: PathBuf::from("."),
            config: rules
                .config
                .clone()
                .map_or(ConfigChoice::Discover, ConfigChoice::File),
            profile: rules.profile,
            fail_on: self.report.fail_on,
            blueprint: rules.blueprint.clone().map(BlueprintInput::File),
            kubernetes_version: rules.kubernetes_version.clone(),
            no_bundled: p.no_bundled,
            policies: PolicyOptions {
                paths: p.policy.clone(),
                data: p.data.clone(),
                namespaces: p.namespace.clone(),
                all_namespaces: p.all_namespaces,
                combine: p.combine,
                rego_version: p.rego_version,
                suppress_exceptions: p.suppress_exceptions,
                fail_on_warn: p.fail_on_warn,
                ignore: p.ignore.clone(),
                parser: p.parser,
                strict: p.strict,
                capabilities: p.capabilities.clone(),
            },
        }
    }
}

pub fn run(args: CheckArgs) -> u8 {
    let report = Settings::resolve(&args.options())
        .and_then(|settings| Guard::with_input(settings, &args.paths))
        .and_then(|(guard, input)| guard.check_input(input));
    let report = match report {
        Ok(report) => report,
        Err(error) => return print_diagnostic(&error),
    };
    emit(&report, &args.report)
}

/// Renders `report` as `flags` say and returns the run's exit code.
pub fn emit(report: &Report, flags: &ReportFlags) -> u8 {
    let file = flags.output.as_deref();
    let color = !flags.no_color
        && file.is_none()
        && std::env::var_os("NO_COLOR").is_none()
        && std::io::stdout().is_terminal();
    let options = RenderOptions {
        color,
        fail_on: Some(report.fail_on),
    };
    if let Err(error) = write_report(report, flags.format, options, file) {
        let target = file.map_or_else(|| "stdout".to_string(), |p| p.display().to_string());
        return print_diagnostic(&super::unwritable(&target, &error));
    }
    report.exit_code(flags.no_fail)
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

/// A value parser over a library enum's names: clap stays in the binary.
fn choice<T: Clone + Send + Sync + 'static>(
    values: impl IntoIterator<Item = PossibleValue>,
    parse: fn(&str) -> Option<T>,
) -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(values)
        .try_map(move |name| parse(&name).ok_or(format!("unknown value {name:?}")))
}

pub fn format_parser() -> impl TypedValueParser<Value = Format> {
    choice(
        Format::ALL.iter().map(|f| PossibleValue::new(f.as_str())),
        Format::parse,
    )
}

pub fn profile_parser() -> impl TypedValueParser<Value = ProfileSelection> {
    choice(
        ProfileSelection::ALL
            .iter()
            .map(|p| PossibleValue::new(p.as_str()).help(p.description())),
        ProfileSelection::parse,
    )
}

pub fn severity_parser() -> impl TypedValueParser<Value = Severity> {
    choice(
        ["error", "warning", "info"].map(PossibleValue::new),
        Severity::parse,
    )
}

pub fn rego_version_parser() -> impl TypedValueParser<Value = RegoVersion> {
    choice(
        RegoVersion::NAMES.map(PossibleValue::new),
        RegoVersion::parse,
    )
}

fn parser_parser() -> impl TypedValueParser<Value = InputParser> {
    choice(
        ["yaml", "json"].map(PossibleValue::new),
        |name| match name {
            "yaml" => Some(InputParser::Yaml),
            "json" => Some(InputParser::Json),
            _ => None,
        },
    )
}
