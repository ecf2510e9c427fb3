//! guard: policy-as-code guardrails for Kubernetes.
//!
//! The library behind the `guard` command. Load manifests into [`source::Input`]
//! (from files, stdin or memory), compile policies once into a
//! [`policy::PolicySet`], and [`check::check`] them into a [`check::Report`] of
//! [`finding::Finding`]s that [`report`] renders as text, JSON, SARIF, JUnit or
//! GitHub annotations. [`generate`] writes manifests from a
//! [`blueprint::Blueprint`] that pass every bundled rule.

pub mod blueprint;
pub mod check;
pub mod config;
pub mod finding;
pub mod fsutil;
pub mod generate;
pub mod parallel;
pub mod policy;
pub mod report;
pub mod source;
pub mod suppress;
