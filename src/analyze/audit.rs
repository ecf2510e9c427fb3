//! The policy audit: the bundled rules and the user's conftest and
//! Gatekeeper policies on the cluster's objects, as `guard check` runs
//! them on manifests.
//!
//! Only top-level objects are audited (a Deployment, not its ReplicaSets
//! and pods, which would repeat its findings), and what the API server
//! adds to an object (status, managedFields, uid, resourceVersion,
//! creationTimestamp, …) is taken off first, so rules read what was applied.

use super::Context;
use crate::cluster::remove_metadata;
use crate::core::{Code, Diagnostic, Object};
use crate::engine::{Guard, Outcome};
use regorus::Value;

/// Kinds that are records of the cluster rather than objects anyone applies.
const NOT_AUDITED: [&str; 6] = [
    "Event",
    "PodMetrics",
    "NodeMetrics",
    "Endpoints",
    "EndpointSlice",
    "Lease",
];

/// Metadata the API server sets.
const SERVER_METADATA: [&str; 8] = [
    "managedFields",
    "resourceVersion",
    "uid",
    "creationTimestamp",
    "generation",
    "selfLink",
    "deletionTimestamp",
    "deletionGracePeriodSeconds",
];

/// Annotations controllers and kubectl set.
const SERVER_ANNOTATIONS: [&str; 3] = [
    "kubectl.kubernetes.io/last-applied-configuration",
    "deployment.kubernetes.io/revision",
    "deprecated.daemonset.template.generation",
];

pub(super) fn audit(guard: &Guard, context: &Context) -> Outcome {
    let objects: Vec<Object> = context
        .snapshot
        .objects()
        .iter()
        .filter(|o| audited(context, o))
        .map(as_applied)
        .collect();
    match guard.evaluation(&objects) {
        Ok(evaluation) => {
            let refs: Vec<&Object> = objects.iter().collect();
            evaluation.check_set(&refs)
        }
        Err(diagnostic) => Outcome {
            diagnostics: vec![Diagnostic::new(
                Code::EvaluationFailed,
                format!("the policy audit did not run: {}", diagnostic.message),
            )],
            ..Outcome::default()
        },
    }
}

/// Top-level objects in scope: with a namespace, its objects and the
/// Namespace itself; without, everything.
fn audited(context: &Context, object: &Object) -> bool {
    if NOT_AUDITED.contains(&object.id.kind.as_str()) || !context.snapshot.owners(object).is_empty()
    {
        return false;
    }
    match (&context.scope.namespace, &object.id.namespace) {
        (None, _) => true,
        (Some(wanted), Some(ns)) => wanted == ns,
        (Some(wanted), None) => {
            object.id.kind == "Namespace" && object.id.name.as_deref() == Some(wanted)
        }
    }
}

/// The object without what the API server added to it.
fn as_applied(object: &Object) -> Object {
    let mut value = object.value.clone();
    if let Ok(map) = value.as_object_mut() {
        map.remove(&Value::from("status"));
        remove_metadata(map, &SERVER_METADATA, &SERVER_ANNOTATIONS);
    }
    Object::unplaced(object.id.clone(), value, object.origin.clone())
}
