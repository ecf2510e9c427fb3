//! One coded diagnostic for everything that stops guard from checking
//! something: a bad flag, a config file, a policy that does not compile, a
//! file that does not parse, a cluster that refuses a list.
//!
//! Every front end derives what it shows from the same value: the CLI's
//! one-line error and exit code, the `errors` of the JSON report, the
//! webhook's `status.message`, an MCP tool error. The codes are stable; the
//! messages may improve.

use super::finding::Location;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a diagnostic means for the run, and so for the exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DiagnosticKind {
    /// Nothing was checked: a flag, the config, a policy or the Blueprint
    /// must be fixed first (exit 2).
    Usage,
    /// Part of the input was not checked; the rest was (exit 3).
    Input,
    /// A service guard needs (the cluster's API server) could not be used at
    /// all, so nothing was checked (exit 4).
    Unavailable,
}

impl DiagnosticKind {
    /// The documented exit code (README, "Exit codes").
    pub fn exit_code(self) -> u8 {
        match self {
            DiagnosticKind::Usage => 2,
            DiagnosticKind::Input => 3,
            DiagnosticKind::Unavailable => 4,
        }
    }

    /// What the exit code tells the caller.
    pub fn meaning(self) -> &'static str {
        match self {
            DiagnosticKind::Usage => {
                "usage or configuration error: nothing was checked; the message says how to fix it"
            }
            DiagnosticKind::Input => {
                "some input could not be read, parsed, evaluated or listed (reported with its position); everything else was checked"
            }
            DiagnosticKind::Unavailable => {
                "the cluster could not be reached or authenticated to: nothing was checked"
            }
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $text:literal, $kind:ident, $doc:literal;)*) => {
        /// The stable code of a diagnostic, as the JSON report and the
        /// webhook's messages show it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub enum Code {
            $(#[doc = $doc] #[serde(rename = $text)] $variant,)*
        }

        impl Code {
            /// Every code, for documentation and the uniqueness test.
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];

            pub fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $text,)* }
            }

            pub fn kind(self) -> DiagnosticKind {
                match self { $(Code::$variant => DiagnosticKind::$kind,)* }
            }

            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => $doc,)* }
            }
        }
    };
}

codes! {
    Usage = "usage", Usage, "A command-line flag or argument is wrong.";
    ConfigInvalid = "config-invalid", Usage, "The config file (`.guard.yaml`) cannot be used.";
    RuleUnknown = "rule-unknown", Usage, "A rule id that no rule has.";
    PolicyInvalid = "policy-invalid", Usage, "A user policy (Rego, conftest or Gatekeeper) does not load or compile.";
    BlueprintInvalid = "blueprint-invalid", Usage, "The Blueprint cannot be read or does not match its schema.";
    BundledInvalid = "bundled-invalid", Usage, "guard's own bundled rules do not compile: a bug in guard.";
    InputUnreadable = "input-unreadable", Input, "A file could not be read, or is not UTF-8 text.";
    InputSyntax = "input-syntax", Input, "A YAML or JSON document does not parse; the rest of its file is still read.";
    EvaluationFailed = "evaluation-failed", Input, "A policy could not be evaluated on an object.";
    PolicyUnusable = "policy-unusable", Input, "A Gatekeeper template or constraint was found but cannot run; the objects it would check were checked by the rest.";
    OutputUnwritable = "output-unwritable", Input, "The report could not be written.";
    ClusterForbidden = "cluster-forbidden", Input, "The cluster refused to list a kind: its objects were not checked.";
    ClusterError = "cluster-error", Input, "A request to the cluster failed after retries: what it would have returned was not checked.";
    ClusterUnreachable = "cluster-unreachable", Unavailable, "The cluster's API server could not be reached or authenticated to.";
}

/// `docs/errors.md`: the exit codes and every diagnostic code, generated
/// from the codes themselves so the page cannot drift from the program.
pub fn errors_markdown() -> String {
    let mut out = String::from(
        "# Exit codes and diagnostics\n\n\
         Generated from guard's diagnostic codes (`GUARD_BLESS=1 cargo test` rewrites it); do not edit by hand.\n\n\
         ## Exit codes\n\n\
         | code | meaning |\n|---|---|\n\
         | 0 | no finding at or above the failing severity (`--fail-on`, default `error`) |\n\
         | 1 | findings at or above the failing severity (`--no-fail` turns this into 0) |\n",
    );
    for kind in [
        DiagnosticKind::Usage,
        DiagnosticKind::Input,
        DiagnosticKind::Unavailable,
    ] {
        out.push_str(&format!("| {} | {} |\n", kind.exit_code(), kind.meaning()));
    }
    out.push_str(
        "\n## Diagnostic codes\n\n\
         The `code` of each entry of a JSON report's `errors`, and of the CLI's \
         one-line errors. Codes are stable; messages may improve.\n\n\
         | code | exit | meaning |\n|---|---|---|\n",
    );
    for code in Code::ALL {
        out.push_str(&format!(
            "| `{}` | {} | {} |\n",
            code.as_str(),
            code.kind().exit_code(),
            code.description()
        ));
    }
    out
}

/// Something that stopped guard from checking something, with where it is
/// and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: Code,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
    /// What to do about it, in one sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            code,
            message: message.into(),
            location: None,
            help: None,
        }
    }

    pub fn at(mut self, location: Location) -> Diagnostic {
        self.location = Some(location);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn kind(&self) -> DiagnosticKind {
        self.code.kind()
    }

    /// The order diagnostics are reported in: by position, then message.
    pub fn sort(diagnostics: &mut [Diagnostic]) {
        diagnostics.sort_by(|a, b| {
            a.location
                .cmp(&b.location)
                .then_with(|| a.message.cmp(&b.message))
        });
    }
}

/// `file:line:column: message; help`, on one line (the CLI prints it after
/// `error: `).
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(l) = &self.location {
            if l.line > 0 {
                write!(f, "{}:{}:{}: ", l.file, l.line, l.column)?;
            } else if !l.file.is_empty() {
                write!(f, "{}: ", l.file)?;
            }
        }
        f.write_str(&self.message)?;
        if let Some(help) = &self.help {
            write!(f, "; {help}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Diagnostic {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_documented() {
        let mut seen = HashSet::new();
        for code in Code::ALL {
            assert!(seen.insert(code.as_str()), "{} twice", code.as_str());
            assert!(!code.description().is_empty());
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
        }
    }

    #[test]
    fn display_is_one_line_with_position_and_help() {
        let diagnostic = Diagnostic::new(Code::ConfigInvalid, "unknown field `profiel`")
            .at(Location {
                file: ".guard.yaml".into(),
                line: 1,
                column: 1,
                path: String::new(),
            })
            .help("fix the config file or pass --config");
        assert_eq!(
            diagnostic.to_string(),
            ".guard.yaml:1:1: unknown field `profiel`; fix the config file or pass --config"
        );
    }
}
