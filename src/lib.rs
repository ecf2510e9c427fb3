//! guard: policy-as-code guardrails for Kubernetes.
//!
//! The library behind the `guard` command. Data flows one way: [`source`]
//! loads manifests (from files, stdin or memory) into [`core::Object`]s;
//! [`engine::Guard`] compiles the bundled rules, the user's conftest and
//! Gatekeeper policies and the [`blueprint::Blueprint`] once, then checks any
//! objects into [`core::Finding`]s and [`core::Diagnostic`]s; [`report`]
//! renders an [`engine::Report`] as text, JSON, SARIF, JUnit or GitHub
//! annotations. [`generate`] writes manifests from a Blueprint that pass
//! every bundled rule. [`k8s`] holds the Kubernetes knowledge they share.
//!
//! ```
//! use guard::engine::{Guard, Options, Settings};
//!
//! let settings = Settings::resolve(&Options { base_dir: ".".into(), ..Options::default() })?;
//! // What `guard check testdata/examples/shop` does.
//! let (guard, input) = Guard::with_input(settings, &["testdata/examples/shop".into()])?;
//! let report = guard.check_input(input)?;
//! assert!(report.findings.iter().any(|f| f.rule == "GRD101"));
//! // The same engine checks objects from anywhere against any inventory.
//! let evaluation = guard.evaluation(&[])?;
//! assert!(evaluation.check(&[]).findings.is_empty());
//! # Ok::<(), guard::core::Diagnostic>(())
//! ```

pub mod analyze;
pub mod blueprint;
pub mod cluster;
pub mod config;
pub mod core;
pub mod engine;
pub mod fsutil;
pub mod generate;
pub mod k8s;
pub mod parallel;
pub mod policy;
pub mod process;
pub mod report;
pub mod source;
pub mod webhook;
