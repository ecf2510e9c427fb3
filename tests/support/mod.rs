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
