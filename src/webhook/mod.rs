//! `guard webhook`: the same policies and Blueprint as `guard check`,
//! answering a Kubernetes API server's validating admission requests.
//!
//! One concern a module: [`review`] decodes an AdmissionReview,
//! [`decision`] turns the engine's outcome into an answer, [`server`]
//! serves HTTPS with bounded work and graceful shutdown, [`metrics`] counts,
//! [`reload`] follows certificate and policy files, and [`manifests`]
//! writes what a cluster needs to run it.

pub mod decision;
pub mod manifests;
pub mod metrics;
pub mod reload;
pub mod review;
pub mod server;

pub use decision::{Admission, Enforcement, FailurePolicy};
pub use server::{Options, serve};
