//! conftest's config file, `conftest.toml` in the working directory: the
//! `policy`, `namespace` and `data` keys (each a string or a list of strings)
//! and `all-namespaces`, `combine`, `rego-version`, with conftest's names.
//! Flags given on the command line win; other keys are conftest settings guard
//! does not need and are ignored, as conftest ignores keys it does not know.

use super::{Options, RegoVersion};
use crate::core::Diagnostic;
use crate::policy::policy_error;
use serde::Deserialize;
use std::path::Path;
#[cfg(test)]
use std::path::PathBuf;

pub const FILE_NAME: &str = "conftest.toml";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct ConftestConfig {
    #[serde(default)]
    policy: OneOrMany,
    #[serde(default)]
    namespace: OneOrMany,
    #[serde(default)]
    data: OneOrMany,
    all_namespaces: Option<bool>,
    combine: Option<bool>,
    rego_version: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    #[default]
    None,
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn values(&self) -> Vec<String> {
        match self {
            OneOrMany::None => Vec::new(),
            OneOrMany::One(one) => vec![one.clone()],
            OneOrMany::Many(many) => many.clone(),
        }
    }
}

impl ConftestConfig {
    /// `conftest.toml` in `dir`, if there is one.
    pub fn discover(dir: &Path) -> Result<Option<ConftestConfig>, Diagnostic> {
        let file = dir.join(FILE_NAME);
        if !file.is_file() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&file)
            .map_err(|e| policy_error(format!("{}: {e}", file.display())))?;
        ConftestConfig::parse(&text)
            .map(Some)
            .map_err(|e| policy_error(format!("{}: {e}", file.display())))
    }

    /// Parses the file's text; errors carry TOML's line and column.
    pub fn parse(text: &str) -> Result<ConftestConfig, String> {
        let config: ConftestConfig = toml::from_str(text).map_err(|e| e.to_string())?;
        if let Some(version) = &config.rego_version {
            if !matches!(version.as_str(), "v0" | "v1") {
                return Err(format!("rego-version {version:?}: expected v0 or v1"));
            }
        }
        Ok(config)
    }

    /// Fills in what the command line left unset. Paths in the file are
    /// relative to the directory the run starts in (conftest's working
    /// directory), `base`.
    pub fn apply(&self, options: &mut Options, rego_version_given: bool, base: &Path) {
        let paths = |v: &OneOrMany| {
            v.values()
                .into_iter()
                .map(|p| crate::engine::relative_to_base(base, Path::new(&p)))
                .collect()
        };
        if options.policy.is_empty() {
            options.policy = paths(&self.policy);
        }
        if options.data.is_empty() {
            options.data = paths(&self.data);
        }
        if options.namespaces.is_empty() {
            options.namespaces = self.namespace.values();
        }
        options.all_namespaces |= self.all_namespaces.unwrap_or(false);
        options.combine |= self.combine.unwrap_or(false);
        if !rego_version_given {
            if let Some(version) = &self.rego_version {
                options.rego_version = RegoVersion::parse(version).unwrap_or_default();
            }
        }
    }

    /// Whether the file names any policy: only then do user policies run.
    pub fn has_policy(&self) -> bool {
        !self.policy.values().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_strings_or_lists_and_fill_unset_options() {
        let config = ConftestConfig::parse(
            "policy = [\"a\", \"b\"]\nnamespace = \"k8s.*\"\nrego-version = \"v0\"\noutput = \"json\"\n",
        )
        .unwrap();
        let mut options = Options {
            data: vec![PathBuf::from("d")],
            ..Options::default()
        };
        config.apply(&mut options, false, Path::new("."));
        assert_eq!(options.policy, [PathBuf::from("a"), PathBuf::from("b")]);
        assert_eq!(options.namespaces, ["k8s.*"]);
        assert_eq!(options.data, [PathBuf::from("d")]);
        assert_eq!(options.rego_version, RegoVersion::V0);
        assert!(ConftestConfig::parse("policy = 3").is_err());
        assert!(ConftestConfig::parse("rego-version = \"v2\"").is_err());
    }
}
