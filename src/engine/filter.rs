//! Which input files a run reads: one filter, applied before any file is
//! opened, so an excluded file cannot fail the run with its parse errors.

use crate::config::Config;
use crate::core::Diagnostic;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The files a run leaves unread, and why.
#[derive(Debug, Clone, Default)]
pub struct InputFilter {
    /// The config's `exclude` globs, matched relative to the config's directory.
    exclude: Option<(globset::GlobSet, PathBuf)>,
    /// conftest's `--ignore`: a regular expression matched anywhere in the
    /// path as given.
    ignore: Option<regex::Regex>,
    /// Files of Gatekeeper templates, constraints and expansions: policy,
    /// not manifests, when the manifest paths include them.
    policy_files: HashSet<PathBuf>,
}

/// Why a file was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// `exclude:` in the config file.
    Excluded,
    /// `--ignore REGEX`.
    Ignored,
    /// It holds Gatekeeper objects given as policy.
    Policy,
}

impl InputFilter {
    pub fn new(config: &Config, ignore: Option<regex::Regex>) -> Result<InputFilter, Diagnostic> {
        let exclude = if config.exclude.is_empty() {
            None
        } else {
            Some((config.exclude_matcher()?, config.root.clone()))
        };
        Ok(InputFilter {
            exclude,
            ignore,
            policy_files: HashSet::new(),
        })
    }

    /// Also skips these files (canonical paths).
    pub fn with_policy_files(mut self, files: &HashSet<PathBuf>) -> InputFilter {
        self.policy_files.extend(files.iter().cloned());
        self
    }

    /// Why `path` (as the user gave it or the walk found it) is not read, if
    /// it is not. Stdin is always read.
    pub fn skip(&self, path: &Path) -> Option<Skip> {
        if path.as_os_str() == "-" {
            return None;
        }
        let name = path.to_string_lossy();
        if let Some((globs, root)) = &self.exclude
            && globs.is_match(crate::config::relative_to(root, &name))
        {
            return Some(Skip::Excluded);
        }
        if self.ignore.as_ref().is_some_and(|re| re.is_match(&name)) {
            return Some(Skip::Ignored);
        }
        if !self.policy_files.is_empty()
            && std::fs::canonicalize(path).is_ok_and(|p| self.policy_files.contains(&p))
        {
            return Some(Skip::Policy);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excluded_and_ignored_files_are_skipped_stdin_never() {
        let config = Config {
            exclude: vec!["vendor/**".into()],
            root: std::env::current_dir().unwrap(),
            ..Config::default()
        };
        let filter =
            InputFilter::new(&config, Some(regex::Regex::new("_test\\.").unwrap())).unwrap();
        assert_eq!(
            filter.skip(Path::new("vendor/x.yaml")),
            Some(Skip::Excluded)
        );
        assert_eq!(
            filter.skip(Path::new("app/a_test.yaml")),
            Some(Skip::Ignored)
        );
        assert_eq!(filter.skip(Path::new("app/a.yaml")), None);
        assert_eq!(filter.skip(Path::new("-")), None);
    }
}
