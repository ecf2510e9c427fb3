//! The YAML that `guard generate` writes: a value tree built in the order the
//! fields should appear, and a block-style emitter for it.
//!
//! Why not a serializer crate: there is no YAML serializer among the
//! dependencies; serde_yaml is archived and unmaintained, and its forks
//! (serde_yaml_ng, serde_yml) carry a libyaml port for what is, here, a few
//! dozen lines. Going through `serde_json::Value` would not do either: its maps
//! sort their keys, and manifests read best in kubectl's order (`apiVersion`,
//! `kind`, `metadata`, `spec`; a container's `name` first). The generator needs
//! only block mappings and sequences of strings, integers and booleans, so the
//! emitter writes exactly that, deterministically. A string is written plain
//! only when YAML 1.1 (as kubectl reads it) and YAML 1.2 both read it back as
//! that string; anything else is double-quoted with JSON's escapes, which are
//! valid YAML.

use std::fmt::Write;

/// A YAML value, its mappings in insertion order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Yaml {
    Str(String),
    Int(i64),
    Bool(bool),
    Map(Vec<(String, Yaml)>),
    Seq(Vec<Yaml>),
}

impl Yaml {
    /// A mapping of the given entries, in order.
    pub fn map<'a>(entries: impl IntoIterator<Item = (&'a str, Yaml)>) -> Yaml {
        Yaml::Map(
            entries
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
        )
    }

    /// The empty mapping, `{}`.
    pub fn empty_map() -> Yaml {
        Yaml::Map(Vec::new())
    }

    /// The value as block-style YAML, ending with a newline. A scalar is
    /// written on its own line.
    pub fn to_block(&self) -> String {
        let mut out = String::new();
        match self {
            Yaml::Map(entries) if !entries.is_empty() => block(&mut out, self, 0),
            Yaml::Seq(items) if !items.is_empty() => block(&mut out, self, 0),
            other => {
                inline(&mut out, other);
                out.push('\n');
            }
        }
        out
    }

    /// The value as JSON, for comparing it with what a parser reads back.
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            Yaml::Str(s) => serde_json::Value::from(s.as_str()),
            Yaml::Int(i) => serde_json::Value::from(*i),
            Yaml::Bool(b) => serde_json::Value::from(*b),
            Yaml::Map(entries) => serde_json::Value::Object(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
            Yaml::Seq(items) => serde_json::Value::Array(items.iter().map(Yaml::to_json).collect()),
        }
    }
}

impl From<&str> for Yaml {
    fn from(s: &str) -> Yaml {
        Yaml::Str(s.to_string())
    }
}

impl From<String> for Yaml {
    fn from(s: String) -> Yaml {
        Yaml::Str(s)
    }
}

impl From<&String> for Yaml {
    fn from(s: &String) -> Yaml {
        Yaml::Str(s.clone())
    }
}

impl From<i64> for Yaml {
    fn from(i: i64) -> Yaml {
        Yaml::Int(i)
    }
}

impl From<u16> for Yaml {
    fn from(i: u16) -> Yaml {
        Yaml::Int(i64::from(i))
    }
}

impl From<bool> for Yaml {
    fn from(b: bool) -> Yaml {
        Yaml::Bool(b)
    }
}

impl From<Vec<Yaml>> for Yaml {
    fn from(items: Vec<Yaml>) -> Yaml {
        Yaml::Seq(items)
    }
}

/// A non-empty mapping or sequence, one entry per line at `indent`.
fn block(out: &mut String, node: &Yaml, indent: usize) {
    match node {
        Yaml::Map(entries) => {
            for (key, value) in entries {
                pad(out, indent);
                scalar(out, key);
                out.push(':');
                after_key(out, value, indent);
            }
        }
        Yaml::Seq(items) => {
            for item in items {
                pad(out, indent);
                out.push('-');
                match item {
                    Yaml::Map(entries) if !entries.is_empty() => {
                        // The first entry shares the dash's line.
                        let (key, value) = &entries[0];
                        out.push(' ');
                        scalar(out, key);
                        out.push(':');
                        after_key(out, value, indent + 2);
                        block(out, &Yaml::Map(entries[1..].to_vec()), indent + 2);
                    }
                    Yaml::Seq(nested) if !nested.is_empty() => {
                        out.push('\n');
                        block(out, item, indent + 2);
                    }
                    other => {
                        out.push(' ');
                        inline(out, other);
                        out.push('\n');
                    }
                }
            }
        }
        other => {
            pad(out, indent);
            inline(out, other);
            out.push('\n');
        }
    }
}

/// What follows `key:` for a value of a mapping entry at `indent`.
fn after_key(out: &mut String, value: &Yaml, indent: usize) {
    match value {
        Yaml::Map(entries) if !entries.is_empty() => {
            out.push('\n');
            block(out, value, indent + 2);
        }
        Yaml::Seq(items) if !items.is_empty() => {
            out.push('\n');
            block(out, value, indent + 2);
        }
        other => {
            out.push(' ');
            inline(out, other);
            out.push('\n');
        }
    }
}

/// A scalar, or an empty collection, on the current line.
fn inline(out: &mut String, node: &Yaml) {
    match node {
        Yaml::Str(s) => scalar(out, s),
        Yaml::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Yaml::Bool(b) => {
            let _ = write!(out, "{b}");
        }
        Yaml::Map(_) => out.push_str("{}"),
        Yaml::Seq(_) => out.push_str("[]"),
    }
}

fn pad(out: &mut String, indent: usize) {
    out.extend(std::iter::repeat_n(' ', indent));
}

fn scalar(out: &mut String, s: &str) {
    if plain(s) {
        out.push_str(s);
    } else {
        out.push_str(&serde_json::Value::from(s).to_string());
    }
}

/// Whether `s` can be written unquoted and read back as the same string by
/// YAML 1.1 and 1.2 parsers: letters, digits and `-._/:` only, starting with a
/// letter, a digit or `/`; not a boolean or null of either version; and, when
/// it starts with a digit, a Kubernetes quantity such as `10Gi` or `100m`
/// (other digit-led strings may be numbers, times or dates).
fn plain(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphanumeric() || first == '/')
        || s.ends_with(':')
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-._/:".contains(c))
    {
        return false;
    }
    const WORDS: [&str; 11] = [
        "y", "yes", "n", "no", "true", "false", "on", "off", "null", "nan", "inf",
    ];
    if WORDS.iter().any(|w| s.eq_ignore_ascii_case(w)) {
        return false;
    }
    if first.is_ascii_digit() {
        let digits = s.trim_start_matches(|c: char| c.is_ascii_digit());
        return [
            "Ki", "Mi", "Gi", "Ti", "Pi", "Ei", "m", "k", "M", "G", "T", "P",
        ]
        .contains(&digits);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{Dialect, parse_stream_as};

    fn round_trip(value: &Yaml) {
        let text = value.to_block();
        for dialect in [Dialect::Kubernetes, Dialect::Core] {
            let (docs, errors) = parse_stream_as(&text, dialect);
            assert!(errors.is_empty(), "{errors:?}\n{text}");
            let read = serde_json::to_value(&docs[0].value).unwrap();
            assert_eq!(read, value.to_json(), "{text}");
        }
    }

    #[test]
    fn nested_blocks_read_back_as_written() {
        let value = Yaml::map([
            ("apiVersion", "apps/v1".into()),
            (
                "containers",
                vec![Yaml::map([
                    ("name", "web".into()),
                    (
                        "ports",
                        vec![Yaml::map([("containerPort", 8080u16.into())])].into(),
                    ),
                    (
                        "args",
                        vec!["a".into(), vec!["nested".into()].into()].into(),
                    ),
                    (
                        "securityContext",
                        Yaml::map([("readOnlyRootFilesystem", true.into())]),
                    ),
                ])]
                .into(),
            ),
            ("podSelector", Yaml::empty_map()),
            ("items", Yaml::Seq(Vec::new())),
            ("replicas", Yaml::Int(-3)),
        ]);
        round_trip(&value);
        assert!(
            value
                .to_block()
                .contains("  - name: web\n    ports:\n      - containerPort: 8080\n")
        );
    }

    #[test]
    fn strings_that_could_read_as_something_else_are_quoted() {
        let strings = [
            "yes",
            "No",
            "ON",
            "y",
            "null",
            "~",
            "",
            "1.0",
            "0644",
            "12:30",
            "2024-01-01",
            "1e3",
            "0x1f",
            "10Gi",
            "100m",
            "-dash",
            "*.example.com",
            "a b",
            "GRD211: reason; more",
            "#comment",
            "ghcr.io/acme/app:1.2.3",
            "/",
            "/tmp",
            "tail:",
            "\"quoted\"",
            "é",
            ".inf",
            "@at",
            "a\nb",
        ];
        let value = Yaml::map(strings.iter().map(|s| (*s, Yaml::from(*s))));
        round_trip(&value);
        let text = value.to_block();
        assert!(text.contains("\"yes\": \"yes\"\n"), "{text}");
        assert!(text.contains("10Gi: 10Gi\n"), "{text}");
        assert!(
            text.contains("ghcr.io/acme/app:1.2.3: ghcr.io/acme/app:1.2.3\n"),
            "{text}"
        );
    }
}
