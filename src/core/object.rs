//! A Kubernetes object as the engine sees it: its value, its identity, the
//! positions of its fields where it was read from a file, and where it came
//! from.

use super::finding::{Location, ObjectRef};
use super::span::{DottedPath, PathSeg, SpanNode};
use regorus::Value;
use std::sync::Arc;

/// Where an object came from. Findings point into files only for objects
/// read from one; the others are named by their identity (and, from a
/// cluster, their uid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A manifest file (or stdin, `-`), named as the user gave it.
    File(Arc<str>),
    /// A live object read from a cluster's API server.
    Cluster {
        uid: Option<String>,
        resource_version: Option<String>,
    },
    /// The object of an admission request.
    Admission {
        uid: String,
        /// CREATE, UPDATE, DELETE or CONNECT.
        operation: String,
        /// The requesting user's name.
        user: String,
    },
}

/// One Kubernetes object of an input set, a cluster or a request.
#[derive(Debug, Clone)]
pub struct Object {
    pub id: ObjectRef,
    pub value: Value,
    /// Positions of the object's fields; empty (a single position 0:0) for
    /// objects that do not come from a file.
    pub spans: SpanNode,
    pub origin: Origin,
}

impl Object {
    /// An object that was not read from a file, so has no positions.
    pub fn unplaced(id: ObjectRef, value: Value, origin: Origin) -> Object {
        Object {
            id,
            value,
            spans: SpanNode::Scalar(super::span::Pos::new(0, 0)),
            origin,
        }
    }

    /// The file the object was read from.
    pub fn file(&self) -> Option<&Arc<str>> {
        match &self.origin {
            Origin::File(file) => Some(file),
            _ => None,
        }
    }

    /// The location of the field at `path` (or of its deepest existing
    /// parent) when the object was read from a file.
    pub fn locate(&self, path: &[PathSeg]) -> Option<Location> {
        let file = self.file()?;
        let (pos, _) = self.spans.lookup(path);
        Some(Location {
            file: file.clone(),
            line: pos.line,
            column: pos.column,
            path: DottedPath(path).to_string(),
        })
    }
}
