//! What a run is asked to do, resolved into what it will do.
//!
//! Every front end fills in [`Options`] (the CLI from its flags, the MCP
//! server from a tool call, the webhook from its command line) and
//! [`Settings::resolve`] applies guard's precedence once: a flag, then the
//! Blueprint's `policies`, then the config file, then the default. Rule ids
//! are checked here, the Kubernetes version is validated here, and user
//! policies are found from explicit paths relative to [`Options::base_dir`],
//! never from the process's working directory.

use super::filter::InputFilter;
use crate::blueprint::Blueprint;
use crate::config::Config;
use crate::core::{Code, Diagnostic, Severity};
use crate::policy::conftest::{self, ConftestConfig, RegoVersion};
use crate::policy::registry::{ProfileSelection, load_registry};
use crate::policy::{Selection, policy_error};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Which config file a run uses.
#[derive(Debug, Clone, Default)]
pub enum ConfigChoice {
    /// `.guard.yaml` in the base directory or its nearest ancestor that has one.
    #[default]
    Discover,
    /// This file (`--config`).
    File(PathBuf),
    /// None at all: every setting from the options or the defaults.
    None,
}

/// Where the Blueprint comes from.
#[derive(Debug, Clone)]
pub enum BlueprintInput {
    /// A file: YAML, or Markdown with a `yaml blueprint` block.
    File(PathBuf),
    /// Text given inline (an agent's tool call), named `name` in findings.
    Text {
        name: String,
        text: String,
        markdown: bool,
    },
}

/// How input files are parsed (conftest's `--parser`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputParser {
    /// guard's reading of every file, JSON included.
    Yaml,
    /// A file that is not one JSON value is an input error.
    Json,
}

/// The user's own policies: conftest Rego and Gatekeeper objects.
#[derive(Debug, Clone, Default)]
pub struct PolicyOptions {
    /// Directories (or files) of Rego policies and Gatekeeper objects.
    pub paths: Vec<PathBuf>,
    /// Directories (or files) of JSON/YAML merged into `data`.
    pub data: Vec<PathBuf>,
    /// conftest namespaces (globs); empty means `main`.
    pub namespaces: Vec<String>,
    pub all_namespaces: bool,
    pub combine: bool,
    pub rego_version: Option<RegoVersion>,
    pub suppress_exceptions: bool,
    /// conftest's `--fail-on-warn`: warnings fail the run too.
    pub fail_on_warn: bool,
    /// A regular expression of input paths not to read (conftest's `--ignore`).
    pub ignore: Option<String>,
    pub parser: Option<InputParser>,
    /// conftest's OPA strict mode, which guard cannot offer.
    pub strict: bool,
    /// conftest's OPA capabilities file, which guard cannot offer.
    pub capabilities: Option<PathBuf>,
}

/// What a front end asks for. Unset fields fall back to the Blueprint, the
/// config file and the defaults, in that order.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Where relative paths start and the config file is looked for: the
    /// CLI's working directory, or the directory an agent names.
    pub base_dir: PathBuf,
    pub config: ConfigChoice,
    pub profile: Option<ProfileSelection>,
    pub fail_on: Option<Severity>,
    pub blueprint: Option<BlueprintInput>,
    /// The Kubernetes version manifests target (`1.29`).
    pub kubernetes_version: Option<String>,
    /// Run only the user's policies, not the bundled rules.
    pub no_bundled: bool,
    pub policies: PolicyOptions,
}

/// A run's settings, resolved and validated.
#[derive(Debug, Clone)]
pub struct Settings {
    pub base_dir: PathBuf,
    pub config: Config,
    pub blueprint: Option<Arc<Blueprint>>,
    /// Which bundled rules run, and how severe each is.
    pub selection: Selection,
    /// The lowest severity that fails a run.
    pub fail_on: Severity,
    /// The user policies to load, when any are named.
    pub policies: Option<conftest::Options>,
    pub parser: Option<InputParser>,
    pub(super) filter: InputFilter,
}

impl Settings {
    /// Applies guard's precedence to `options` and validates the result.
    pub fn resolve(options: &Options) -> Result<Settings, Diagnostic> {
        let base = &options.base_dir;
        // The config is looked for in the base directory and its parents.
        let absolute = std::path::absolute(base).unwrap_or_else(|_| base.clone());
        let config = match &options.config {
            ConfigChoice::Discover => Config::discover(&absolute)?,
            ConfigChoice::File(file) => Config::load(&relative_to_base(base, file))?,
            ConfigChoice::None => Config {
                root: base.clone(),
                ..Config::default()
            },
        };
        let blueprint = match &options.blueprint {
            None => None,
            Some(BlueprintInput::File(path)) => {
                Some(Blueprint::load(&relative_to_base(base, path))?)
            }
            Some(BlueprintInput::Text {
                name,
                text,
                markdown,
            }) => Some(Blueprint::parse(Arc::from(name.as_str()), text, *markdown)?),
        };
        let kubernetes_version = options
            .kubernetes_version
            .as_deref()
            .map(parse_kubernetes_version)
            .transpose()?;
        let registry = load_registry()?;
        let mut selection = Selection {
            profile: options
                .profile
                .or(blueprint.as_ref().and_then(Blueprint::profile))
                .or(config.profile)
                .unwrap_or_default(),
            blueprint: blueprint.as_ref().map(Blueprint::spec_facts),
            kubernetes_version,
            ..Selection::default()
        };
        for (id, setting) in &config.rules {
            let analyzer = crate::analyze::ANALYZERS.iter().any(|a| a.id == id);
            if !analyzer && !registry.iter().any(|r| &r.id == id) {
                let file = config.file.as_deref().unwrap_or(Path::new(".guard.yaml"));
                return Err(Diagnostic::new(
                    Code::RuleUnknown,
                    format!("{}: unknown rule {id} in `rules:`", file.display()),
                )
                .help("`guard rules` lists the ids"));
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
        if options.no_bundled {
            selection
                .disabled
                .extend(registry.iter().map(|r| r.id.clone()));
        }
        let policies = user_policies(base, &options.policies, options.no_bundled)?;
        let ignore = options
            .policies
            .ignore
            .as_deref()
            .map(|re| {
                regex::Regex::new(re).map_err(|e| {
                    Diagnostic::new(Code::Usage, format!("--ignore {re:?}: {e}"))
                        .help("give a regular expression of paths to skip")
                })
            })
            .transpose()?;
        let filter = InputFilter::new(&config, ignore)?;
        let fail_on = options
            .fail_on
            .or(options.policies.fail_on_warn.then_some(Severity::Warning))
            .or(config.fail_on)
            .unwrap_or(Severity::Error);
        Ok(Settings {
            base_dir: base.clone(),
            config,
            blueprint: blueprint.map(Arc::new),
            selection,
            fail_on,
            policies,
            parser: options.policies.parser,
            filter,
        })
    }
}

/// `path` as the user meant it: relative to the base directory. A base of
/// `.` (the CLI's working directory) keeps paths as they were given, so
/// findings name files the way the user typed them.
pub fn relative_to_base(base: &Path, path: &Path) -> PathBuf {
    if base.as_os_str().is_empty() || base == Path::new(".") {
        path.to_path_buf()
    } else {
        base.join(path)
    }
}

/// `1.29`, `v1.29` or `1.29.3` as `1.29`; anything else is a usage error,
/// since a version that names no release would silently turn the removed-API
/// rules off.
pub fn parse_kubernetes_version(text: &str) -> Result<String, Diagnostic> {
    let bad = || {
        Diagnostic::new(
            Code::Usage,
            format!("--kubernetes-version {text:?} is not a Kubernetes version"),
        )
        .help("give MAJOR.MINOR, such as 1.29")
    };
    let trimmed = text.trim().strip_prefix('v').unwrap_or(text.trim());
    let mut parts = trimmed.split('.');
    let (Some(major), Some(minor)) = (parts.next(), parts.next()) else {
        return Err(bad());
    };
    let patch = parts.next();
    let number = |s: &str| !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some() || major != "1" || !number(minor) || patch.is_some_and(|p| !number(p))
    {
        return Err(bad());
    }
    let minor: u32 = minor.parse().map_err(|_| bad())?;
    Ok(format!("1.{minor}"))
}

/// conftest's options from `options` and `base/conftest.toml`, or `None` when
/// neither names a policy. With `no_bundled`, `base/policy` is the default,
/// as in conftest.
fn user_policies(
    base: &Path,
    options: &PolicyOptions,
    no_bundled: bool,
) -> Result<Option<conftest::Options>, Diagnostic> {
    if options.strict {
        return Err(
            Diagnostic::new(Code::Usage, format!("--strict: {}", conftest::STRICT))
                .help("drop --strict"),
        );
    }
    if options.capabilities.is_some() {
        return Err(Diagnostic::new(
            Code::Usage,
            format!("--capabilities: {}", conftest::CAPABILITIES),
        )
        .help("drop --capabilities"));
    }
    let mut resolved = conftest::Options {
        policy: options
            .paths
            .iter()
            .map(|p| relative_to_base(base, p))
            .collect(),
        data: options
            .data
            .iter()
            .map(|p| relative_to_base(base, p))
            .collect(),
        namespaces: options.namespaces.clone(),
        all_namespaces: options.all_namespaces,
        combine: options.combine,
        rego_version: options.rego_version.unwrap_or_default(),
        suppress_exceptions: options.suppress_exceptions,
    };
    if let Some(config) = ConftestConfig::discover(base)? {
        config.apply(&mut resolved, options.rego_version.is_some(), base);
    }
    if resolved.policy.is_empty() && no_bundled {
        resolved.policy = conftest::default_policy_dir(base);
    }
    if resolved.policy.is_empty() {
        if no_bundled {
            return Err(policy_error("--no-bundled leaves nothing to run")
                .help("name policies with -p DIR or in conftest.toml, or put them in ./policy"));
        }
        return Ok(None);
    }
    Ok(Some(resolved))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubernetes_versions_are_validated() {
        for good in ["1.29", "v1.29", "1.29.3", " 1.30 "] {
            assert!(parse_kubernetes_version(good).is_ok(), "{good}");
        }
        assert_eq!(parse_kubernetes_version("v1.29.3").unwrap(), "1.29");
        for bad in ["banana", "1", "2.0", "", "1.", "1.x", "1.29.3.4", "1.-2"] {
            let error = parse_kubernetes_version(bad).unwrap_err();
            assert_eq!(error.code, Code::Usage, "{bad}");
        }
    }

    #[test]
    fn a_flag_wins_over_the_blueprint_and_the_config() {
        let dir = std::env::temp_dir().join(format!("guard-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            dir.join(".guard.yaml"),
            "profile: baseline\nfailOn: warning\n",
        )
        .unwrap();
        let options = Options {
            base_dir: dir.clone(),
            ..Options::default()
        };
        let settings = Settings::resolve(&options).unwrap();
        assert_eq!(settings.selection.profile, ProfileSelection::Baseline);
        assert_eq!(settings.fail_on, Severity::Warning);
        let settings = Settings::resolve(&Options {
            profile: Some(ProfileSelection::Restricted),
            fail_on: Some(Severity::Error),
            ..options
        })
        .unwrap();
        assert_eq!(settings.selection.profile, ProfileSelection::Restricted);
        assert_eq!(settings.fail_on, Severity::Error);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
