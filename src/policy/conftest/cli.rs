//! The command-line flags for user policies, shared by `guard check` and
//! `guard verify`, with conftest's names.

use super::{ConftestConfig, Options, RegoVersion, UserPolicies, rego_files};
use crate::finding::InputError;
use crate::policy::PolicyError;
use crate::policy::gatekeeper::Gatekeeper;
use crate::source::{Input, InputIssue, Pos, at};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// `guard check`'s conftest flags.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct CheckFlags {
    /// A directory (or file) of conftest Rego policies and Gatekeeper
    /// ConstraintTemplates, Constraints and ExpansionTemplates; repeatable.
    /// Also read from `policy` in ./conftest.toml [default with --no-bundled:
    /// ./policy].
    #[arg(long, short = 'p', value_name = "DIR")]
    pub policy: Vec<PathBuf>,
    /// JSON/YAML files merged into `data` for the policies; repeatable.
    #[arg(long, short = 'd', value_name = "DIR")]
    pub data: Vec<PathBuf>,
    /// Policy namespace (package) to run, glob wildcards allowed; repeatable
    /// [default: main].
    #[arg(long, short = 'n', value_name = "NS")]
    pub namespace: Vec<String>,
    /// Run the rules of every namespace.
    #[arg(long)]
    pub all_namespaces: bool,
    /// Pass all documents to the policies as one input: an array of `{path, contents}`.
    #[arg(long)]
    pub combine: bool,
    /// Rego syntax of the policies [default: v1].
    #[arg(long, value_enum, value_name = "VERSION")]
    pub rego_version: Option<RegoVersion>,
    /// Warnings fail the run too (exit 1), as in conftest.
    #[arg(long)]
    pub fail_on_warn: bool,
    /// Run only the user policies, not the bundled rules: guard as a conftest replacement.
    #[arg(long)]
    pub no_bundled: bool,
    /// Skip input files whose path matches this regular expression (anywhere
    /// in the path, as in conftest), for every rule.
    #[arg(long, value_name = "REGEX")]
    pub ignore: Option<String>,
    /// Read every input file with this parser, whatever its extension:
    /// `yaml` (guard's reading of every file, JSON included) or `json`
    /// (a file that is not one JSON value is an input error).
    #[arg(long, value_enum, value_name = "PARSER")]
    pub parser: Option<InputParser>,
    /// Do not count results that `exception` rules exempt.
    #[arg(long)]
    pub suppress_exceptions: bool,
    /// conftest's OPA strict mode; not available (see --help).
    #[arg(long, hide_short_help = true, long_help = STRICT)]
    pub strict: bool,
    /// conftest's OPA capabilities file; not available (see --help).
    #[arg(long, value_name = "FILE", hide_short_help = true, long_help = CAPABILITIES)]
    pub capabilities: Option<PathBuf>,
}

const STRICT: &str = "Not available: OPA's strict mode is a compile-time lint (unused \
variables and imports, deprecated builtins, shadowed input/data) that regorus, \
guard's Rego engine, does not perform. Run `opa check --strict` on the policies.";

const CAPABILITIES: &str = "Not available: a capabilities file restricts the builtins \
and features of OPA's compiler; regorus, guard's Rego engine, has its own \
fixed set of builtins. Run `opa check --capabilities FILE` on the policies.";

/// A serde_json position as guard's, 1-based.
fn line_or_column(n: usize) -> u32 {
    u32::try_from(n.max(1)).unwrap_or(u32::MAX)
}

/// `--parser`: how input files are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputParser {
    Yaml,
    Json,
}

impl CheckFlags {
    /// Applies `--ignore` and `--parser json` to loaded input: the files the
    /// regex matches are dropped with their documents, issues and errors;
    /// with `json`, a file that does not parse as JSON is an input error.
    pub fn filter_input(&self, input: &mut Input) -> Result<(), PolicyError> {
        let ignore = self
            .ignore
            .as_deref()
            .map(|re| {
                regex::Regex::new(re).map_err(|e| PolicyError(format!("--ignore {re:?}: {e}")))
            })
            .transpose()?;
        let mut dropped: Vec<bool> = input
            .sources
            .iter()
            .map(|s| ignore.as_ref().is_some_and(|re| re.is_match(&s.name)))
            .collect();
        let ignored = names_of_dropped(input, &dropped);
        input.errors.retain(|e| !ignored.contains(&e.location.file));
        if self.parser == Some(InputParser::Json) {
            for (i, source) in input.sources.iter().enumerate() {
                if dropped[i] {
                    continue;
                }
                if let Err(e) = serde_json::from_str::<serde_json::Value>(&source.text) {
                    dropped[i] = true;
                    input.errors.retain(|err| err.location.file != source.name);
                    let pos = Pos::new(line_or_column(e.line()), line_or_column(e.column()));
                    input.errors.push(InputError {
                        message: format!("not JSON (--parser json): {e}"),
                        location: at(&source.name, pos, String::new()),
                    });
                }
            }
        }
        let dropped_names = names_of_dropped(input, &dropped);
        input.documents.retain(|d| !dropped[d.source]);
        input.issues.retain(|issue| {
            let file = match issue {
                InputIssue::DuplicateKey { first, .. } => &first.file,
                InputIssue::NotAnObject { location, .. } => &location.file,
            };
            !dropped_names.contains(file)
        });
        Ok(())
    }
}

/// The names of the sources `dropped` marks.
fn names_of_dropped(input: &Input, dropped: &[bool]) -> HashSet<Arc<str>> {
    input
        .sources
        .iter()
        .zip(dropped)
        .filter(|(_, d)| **d)
        .map(|(s, _)| s.name.clone())
        .collect()
}

impl CheckFlags {
    /// The options the flags and `dir/conftest.toml` give, or `None` when
    /// neither names a policy. With `--no-bundled`, `dir/policy` is the
    /// default, as in conftest.
    pub fn options(&self, dir: &Path) -> Result<Option<Options>, PolicyError> {
        let config = ConftestConfig::discover(dir)?;
        let mut options = Options {
            policy: self.policy.clone(),
            data: self.data.clone(),
            namespaces: self.namespace.clone(),
            all_namespaces: self.all_namespaces,
            combine: self.combine,
            rego_version: self.rego_version.unwrap_or_default(),
            suppress_exceptions: self.suppress_exceptions,
        };
        if self.strict {
            return Err(PolicyError(format!("--strict: {STRICT}")));
        }
        if self.capabilities.is_some() {
            return Err(PolicyError(format!("--capabilities: {CAPABILITIES}")));
        }
        if let Some(config) = &config {
            config.apply(&mut options, self.rego_version.is_some());
        }
        if options.policy.is_empty() && self.no_bundled {
            options.policy = default_policy_dir(dir);
        }
        Ok((!options.policy.is_empty()).then_some(options))
    }

    /// The user policies the flags name: the `.rego` files of the policy
    /// directories, and the Gatekeeper templates, constraints and expansions
    /// in their YAML files.
    pub fn load(&self, dir: &Path) -> Result<Loaded, PolicyError> {
        let options = self.options(dir)?;
        let Some(options) = options else {
            if self.no_bundled {
                return Err(PolicyError(
                    "--no-bundled leaves nothing to run: name policies with -p DIR or in conftest.toml, or put them in ./policy"
                        .into(),
                ));
            }
            return Ok(Loaded::default());
        };
        let gatekeeper = Gatekeeper::load(&options.policy)?;
        // Directories of Gatekeeper objects alone need no Rego files.
        let conftest = if gatekeeper.is_none() || !rego_files(&options.policy, false)?.is_empty() {
            Some(UserPolicies::load(&options)?)
        } else {
            None
        };
        Ok(Loaded {
            conftest,
            gatekeeper,
        })
    }
}

/// The user policies of a check.
#[derive(Default)]
pub struct Loaded {
    pub conftest: Option<UserPolicies>,
    pub gatekeeper: Option<Gatekeeper>,
}

/// `guard verify`'s arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct VerifyArgs {
    /// Files and directories with gator `Suite` files (kind: Suite,
    /// apiVersion: test.gatekeeper.sh/v1alpha1) to run; other files are
    /// ignored. With paths, Rego tests run only when -p is given.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = VerifyFormat::Human)]
    pub format: VerifyFormat,
    /// A directory (or file) of Rego policies and their `*_test.rego` tests;
    /// repeatable. Also read from `policy` in ./conftest.toml [default: ./policy].
    #[arg(long, short = 'p', value_name = "DIR")]
    pub policy: Vec<PathBuf>,
    /// JSON/YAML files merged into `data`; repeatable [default: ./data if it exists].
    #[arg(long, short = 'd', value_name = "DIR")]
    pub data: Vec<PathBuf>,
    /// Run only the tests of these namespaces (glob wildcards) [default: all].
    #[arg(long, short = 'n', value_name = "NS")]
    pub namespace: Vec<String>,
    /// Rego syntax of the policies [default: v1].
    #[arg(long, value_enum, value_name = "VERSION")]
    pub rego_version: Option<RegoVersion>,
}

/// `guard verify`'s output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VerifyFormat {
    Human,
    Json,
}

impl VerifyArgs {
    /// The options for the Rego tests, or `None` when suite paths are given
    /// without `-p` (then only the suites run).
    pub fn rego_options(&self, dir: &Path) -> Result<Option<Options>, PolicyError> {
        if !self.paths.is_empty() && self.policy.is_empty() {
            return Ok(None);
        }
        self.options(dir).map(Some)
    }

    /// The options the flags and `dir/conftest.toml` give. Unlike `check`,
    /// namespaces do not default to `main`: every test runs.
    pub fn options(&self, dir: &Path) -> Result<Options, PolicyError> {
        let mut options = Options {
            policy: self.policy.clone(),
            data: self.data.clone(),
            namespaces: self.namespace.clone(),
            rego_version: self.rego_version.unwrap_or_default(),
            ..Options::default()
        };
        if let Some(config) = ConftestConfig::discover(dir)? {
            config.apply(&mut options, self.rego_version.is_some());
        }
        if options.policy.is_empty() {
            options.policy = default_policy_dir(dir);
        }
        if options.policy.is_empty() {
            return Err(PolicyError(
                "no policies to test: name them with -p DIR or in conftest.toml, or put them in ./policy".into(),
            ));
        }
        Ok(options)
    }
}

/// conftest's default policy directory, `policy`, when it exists.
fn default_policy_dir(dir: &Path) -> Vec<PathBuf> {
    let default = Path::new("policy");
    if dir.join(default).is_dir() {
        vec![default.to_path_buf()]
    } else {
        Vec::new()
    }
}
