//! The types every layer shares: what an object is and where it came from,
//! what a check says about it, and what went wrong when it could not.
//!
//! Sources produce [`Object`]s, the engine turns them into [`Finding`]s, and
//! every front end (the CLI, the webhook, cluster analysis, the pipeline, the
//! MCP server) reports those same findings and the same [`Diagnostic`]s.

mod diagnostic;
mod finding;
mod object;
mod span;

pub use diagnostic::{Code, Diagnostic, DiagnosticKind, errors_markdown};
pub use finding::{
    Event, Evidence, Finding, Fix, Location, LogExcerpt, ObjectRef, PatchOp, PatchVerb, Related,
    Severity, sort_findings,
};
pub use object::{Object, Origin};
pub use span::{DottedPath, PathSeg, Pos, SpanNode, json_pointer};
