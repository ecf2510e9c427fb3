//! The project configuration file, `.guard.yaml`.
//!
//! Found in the working directory or the nearest parent that has one (or named
//! with `--config`). It is validated against `schemas/config.schema.json`, and
//! every error names the file, line and column of the offending field.

use crate::core::{Code, Diagnostic, Location, Severity};
use crate::core::{PathSeg, Pos, SpanNode};
use crate::policy::ProfileSelection;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, LazyLock};

/// File names looked for, in order, in each directory.
pub const CONFIG_NAMES: [&str; 2] = [".guard.yaml", ".guard.yml"];

pub const SCHEMA: &str = include_str!("../schemas/config.schema.json");

/// A rule's setting in `rules:`: a severity, or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleSetting {
    Off,
    Info,
    Warning,
    Error,
}

impl RuleSetting {
    pub fn severity(self) -> Option<Severity> {
        match self {
            RuleSetting::Off => None,
            RuleSetting::Info => Some(Severity::Info),
            RuleSetting::Warning => Some(Severity::Warning),
            RuleSetting::Error => Some(Severity::Error),
        }
    }
}

/// A waiver in the config file: which rules, where, and why.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreEntry {
    pub rules: Vec<String>,
    #[serde(default)]
    pub paths: Vec<String>,
    #[serde(default)]
    pub kinds: Vec<String>,
    #[serde(default)]
    pub namespaces: Vec<String>,
    #[serde(default)]
    pub names: Vec<String>,
    pub reason: String,
    /// Where the entry is written, for reporting it when it matches nothing.
    #[serde(skip, default = "unknown_location")]
    pub location: Location,
}

fn unknown_location() -> Location {
    Location {
        file: Arc::from(""),
        line: 0,
        column: 0,
        path: String::new(),
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Config {
    #[serde(default)]
    pub profile: Option<ProfileSelection>,
    #[serde(default)]
    pub fail_on: Option<Severity>,
    #[serde(default)]
    pub rules: BTreeMap<String, RuleSetting>,
    /// Globs of paths not to load at all.
    #[serde(default)]
    pub exclude: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<IgnoreEntry>,
    /// The directory globs are relative to: the config file's.
    #[serde(skip)]
    pub root: PathBuf,
    #[serde(skip)]
    pub file: Option<PathBuf>,
}

/// A config file that cannot be used: where, and how to fix it.
pub fn config_error(file: &Path, pos: Option<Pos>, message: impl Into<String>) -> Diagnostic {
    let pos = pos.unwrap_or(Pos::new(0, 0));
    Diagnostic::new(Code::ConfigInvalid, message)
        .at(Location {
            file: Arc::from(file.to_string_lossy().as_ref()),
            line: pos.line,
            column: pos.column,
            path: String::new(),
        })
        .help("fix the config file or pass --config")
}

static VALIDATOR: LazyLock<jsonschema::Validator> = LazyLock::new(|| {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).expect("config schema is JSON");
    jsonschema::validator_for(&schema).expect("config schema is a valid JSON Schema")
});

impl Config {
    /// The config in `dir` or its nearest ancestor that has one.
    pub fn discover(dir: &Path) -> Result<Config, Diagnostic> {
        for candidate in dir.ancestors() {
            for name in CONFIG_NAMES {
                let file = candidate.join(name);
                if file.is_file() {
                    return Config::load(&file);
                }
            }
        }
        Ok(Config {
            root: dir.to_path_buf(),
            ..Config::default()
        })
    }

    pub fn load(file: &Path) -> Result<Config, Diagnostic> {
        let text = std::fs::read_to_string(file)
            .map_err(|e| config_error(file, None, format!("cannot read: {e}")))?;
        let root = file
            .parent()
            .map(|p| {
                if p.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    p
                }
            })
            .unwrap_or(Path::new("."))
            .to_path_buf();
        let mut config = Config::parse(file, &text)?;
        config.root = std::path::absolute(&root).unwrap_or(root);
        config.file = Some(file.to_path_buf());
        Ok(config)
    }

    /// Parses and validates config text; `file` names it in errors.
    pub fn parse(file: &Path, text: &str) -> Result<Config, Diagnostic> {
        let error = |pos, message: String| config_error(file, pos, message);
        let name: Arc<str> = Arc::from(file.to_string_lossy().as_ref());
        let (docs, errors) = crate::source::parse_stream_as(text, crate::source::Dialect::Core);
        if let Some(e) = errors.first() {
            return Err(error(Some(e.pos), format!("invalid YAML: {}", e.message)));
        }
        let Some(doc) = docs.into_iter().next() else {
            return Ok(Config::default());
        };
        if let Some(dup) = doc.duplicate_keys.first() {
            return Err(error(
                Some(dup.second),
                format!("duplicate key {:?}; remove one", dup.key),
            ));
        }
        let json: serde_json::Value =
            serde_json::to_value(&doc.value).map_err(|e| error(Some(doc.start), e.to_string()))?;
        if let Some(problem) = VALIDATOR.iter_errors(&json).next() {
            let path = pointer_segments(&doc.spans, problem.instance_path().as_str());
            let (pos, _) = doc.spans.lookup(&path);
            return Err(error(
                Some(pos),
                format!("{problem} (see schemas/config.schema.json)"),
            ));
        }
        let mut config: Config =
            serde_json::from_value(json).map_err(|e| error(Some(doc.start), e.to_string()))?;
        for (index, entry) in config.ignore.iter_mut().enumerate() {
            let (pos, _) = doc
                .spans
                .lookup(&[PathSeg::Key("ignore".into()), PathSeg::Index(index)]);
            entry.location = Location {
                file: name.clone(),
                line: pos.line,
                column: pos.column,
                path: format!("ignore[{index}]"),
            };
        }
        Ok(config)
    }

    /// The `exclude` globs as a matcher over paths relative to [`Config::root`].
    pub fn exclude_matcher(&self) -> Result<globset::GlobSet, Diagnostic> {
        build_globs(&self.exclude).map_err(|message| {
            config_error(
                self.file.as_deref().unwrap_or(Path::new(".guard.yaml")),
                None,
                message,
            )
        })
    }

    /// `file` relative to the config's directory, for glob matching.
    pub fn relative(&self, file: &str) -> PathBuf {
        relative_to(&self.root, file)
    }
}

/// `file` relative to `root` when it lies below it, else absolute. `..` is
/// resolved lexically, so `../legacy/a.yaml` from a subdirectory matches
/// `legacy/*.yaml`.
pub fn relative_to(root: &Path, file: &str) -> PathBuf {
    let path = Path::new(file);
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut normal = PathBuf::new();
    for component in absolute.components() {
        match component {
            std::path::Component::ParentDir => {
                normal.pop();
            }
            std::path::Component::CurDir => {}
            other => normal.push(other),
        }
    }
    let absolute = normal;
    absolute
        .strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or(absolute)
}

pub fn build_globs(patterns: &[String]) -> Result<globset::GlobSet, String> {
    let mut builder = globset::GlobSetBuilder::new();
    for pattern in patterns {
        let glob = globset::GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("bad glob {pattern:?}: {e}"))?;
        builder.add(glob);
    }
    builder.build().map_err(|e| e.to_string())
}

/// A JSON Pointer as path segments, reading numbers as indices where the
/// document has a sequence.
pub(crate) fn pointer_segments(spans: &SpanNode, pointer: &str) -> Vec<PathSeg> {
    let mut out = Vec::new();
    let mut node = Some(spans);
    for raw in pointer.split('/').skip(1) {
        let key = raw.replace("~1", "/").replace("~0", "~");
        let seg = match (key.parse::<usize>(), node.and_then(|n| n.child_index(0))) {
            (Ok(index), Some(_)) => PathSeg::Index(index),
            _ => PathSeg::Key(key),
        };
        node = node.and_then(|n| match &seg {
            PathSeg::Key(k) => n.child_key(k),
            PathSeg::Index(i) => n.child_index(*i),
        });
        out.push(seg);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_point_at_the_offending_field() {
        let text = "profile: all\nrules:\n  GRD101: loud\n";
        let error = Config::parse(Path::new(".guard.yaml"), text).unwrap_err();
        let at = error.location.as_ref().map(|l| (l.line, l.column));
        assert_eq!(at, Some((3, 3)), "{error}");
    }

    #[test]
    fn unknown_fields_are_errors() {
        let error = Config::parse(Path::new(".guard.yaml"), "profiel: all\n").unwrap_err();
        assert!(error.message.contains("profiel"), "{error}");
    }

    #[test]
    fn waivers_need_reasons() {
        let text = "ignore:\n  - rules: [GRD101]\n";
        let error = Config::parse(Path::new(".guard.yaml"), text).unwrap_err();
        assert!(error.message.contains("reason"), "{error}");
        let at = error.location.as_ref().map(|l| (l.line, l.column));
        assert_eq!(at, Some((2, 5)));
    }

    #[test]
    fn a_valid_config_parses() {
        let text = "profile: restricted\nfailOn: warning\nrules:\n  GRD101: off\nexclude: [\"vendor/**\"]\nignore:\n  - rules: [GRD101]\n    paths: [\"legacy/*.yaml\"]\n    reason: legacy, tracked in OPS-1\n";
        let config = Config::parse(Path::new(".guard.yaml"), text).unwrap();
        assert_eq!(config.profile, Some(ProfileSelection::Restricted));
        assert_eq!(config.ignore[0].location.line, 7);
    }
}
