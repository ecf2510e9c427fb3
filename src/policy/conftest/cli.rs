//! The command-line flags for user policies, shared by `guard check` and
//! `guard verify`, with conftest's names.

use super::{ConftestConfig, Options, RegoVersion, UserPolicies};
use crate::policy::PolicyError;
use std::path::{Path, PathBuf};

/// `guard check`'s conftest flags.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct CheckFlags {
    /// A directory (or file) of conftest Rego policies; repeatable. Also read
    /// from `policy` in ./conftest.toml [default with --no-bundled: ./policy].
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
        };
        if let Some(config) = &config {
            config.apply(&mut options, self.rego_version.is_some());
        }
        if options.policy.is_empty() && self.no_bundled {
            options.policy = default_policy_dir(dir);
        }
        Ok((!options.policy.is_empty()).then_some(options))
    }

    /// The compiled user policies, if any are named.
    pub fn load(&self, dir: &Path) -> Result<Option<UserPolicies>, PolicyError> {
        let options = self.options(dir)?;
        if options.is_none() && self.no_bundled {
            return Err(PolicyError(
                "--no-bundled leaves nothing to run: name policies with -p DIR or in conftest.toml, or put them in ./policy"
                    .into(),
            ));
        }
        options.as_ref().map(UserPolicies::load).transpose()
    }
}

/// `guard verify`'s arguments.
#[derive(Debug, Clone, clap::Args)]
pub struct VerifyArgs {
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

impl VerifyArgs {
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
