//! Running the built `guard` binary from integration tests. Each test crate
//! compiles this module on its own and uses part of it, hence the allow.
#![allow(dead_code)]

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Stdio};

pub const GUARD: &str = env!("CARGO_BIN_EXE_guard");
pub const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// What one run of guard gave.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "unexpected exit code\n--- stdout:\n{}\n--- stderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }

    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\n{}", self.stdout, self.stderr))
    }

    /// Both streams, for assertions that do not care where a line went.
    pub fn output(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }
}

/// Runs guard in `dir` with no stdin, and without the environment that
/// changes the human report (`NO_COLOR`, and `COLUMNS`, which it wraps at).
pub fn guard_in(dir: &Path, args: &[&str]) -> Run {
    let output = Command::new(GUARD)
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .stdin(Stdio::null())
        .output()
        .expect("guard runs");
    Run {
        code: output.status.code().expect("not killed"),
        stdout: String::from_utf8(output.stdout).unwrap(),
        stderr: String::from_utf8(output.stderr).unwrap(),
    }
}

/// Runs guard in the crate's root, where the tests' relative paths start.
pub fn guard(args: &[&str]) -> Run {
    guard_in(Path::new(ROOT), args)
}

/// Options as the CLI gives them in the crate's root, with no config file.
pub fn options() -> guard::engine::Options {
    guard::engine::Options {
        base_dir: std::path::PathBuf::from("."),
        config: guard::engine::ConfigChoice::None,
        ..guard::engine::Options::default()
    }
}

/// The engine for `options`, which must resolve and compile.
pub fn engine(options: &guard::engine::Options) -> guard::engine::Guard {
    let settings = guard::engine::Settings::resolve(options).expect("settings resolve");
    guard::engine::Guard::new(settings).expect("policies compile")
}

/// The engine with every bundled rule and nothing else.
pub fn bundled() -> guard::engine::Guard {
    engine(&options())
}

/// The engine holding manifests to the Blueprint `file`.
pub fn with_blueprint(file: &Path) -> guard::engine::Guard {
    engine(&guard::engine::Options {
        blueprint: Some(guard::engine::BlueprintInput::File(file.to_path_buf())),
        ..options()
    })
}

/// `guard check` in the library: the input checked against itself.
pub fn check(guard: &guard::engine::Guard, input: guard::source::Input) -> guard::engine::Report {
    guard.check_input(input).expect("the inventory loads")
}

/// A finding's `file:line:column`, or its object when it has no file.
pub fn position(finding: &guard::core::Finding) -> String {
    match &finding.location {
        Some(l) => format!("{}:{}:{}", l.file, l.line, l.column),
        None => finding.object.to_string(),
    }
}

/// Holds `actual` to the golden file at `path` (relative to the crate root),
/// showing a unified diff when they differ. `GUARD_BLESS=1 cargo test`
/// rewrites the file instead: the one way every golden is blessed.
pub fn golden(path: impl AsRef<Path>, actual: &str) {
    let path = Path::new(ROOT).join(path.as_ref());
    if std::env::var_os("GUARD_BLESS").is_some() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).unwrap();
        }
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no golden {}: run GUARD_BLESS=1 cargo test to write it",
            path.display()
        )
    });
    if expected != actual {
        let diff = similar::TextDiff::from_lines(&expected, actual)
            .unified_diff()
            .context_radius(3)
            .header("golden", "actual")
            .to_string();
        panic!(
            "{} differs (GUARD_BLESS=1 cargo test rewrites it if the change is meant):\n{diff}",
            path.display()
        );
    }
}
