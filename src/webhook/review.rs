//! Decoding an `admission.k8s.io/v1` AdmissionReview body into what a
//! decision needs. Every failure is a [`DecodeError`] the server answers
//! with 400; nothing here panics on any input (fuzzed:
//! fuzz/fuzz_targets/admission_review.rs).

use crate::core::{Object, ObjectRef, Origin};
use regorus::Value;
use serde::Deserialize;
use std::fmt;

/// The largest body the API server sends (its request limit is 3 MiB);
/// larger bodies are refused with 413 before they are read in full.
pub const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;

/// What the API server asks about, ready to decide on.
#[derive(Debug)]
pub struct Request {
    pub uid: String,
    pub operation: Operation,
    /// The request's `kind`: `group/version, Kind=kind`, as the object's
    /// type is named (`autoscaling/v1 Scale` for a scale subresource).
    pub kind: GroupVersionKind,
    /// The resource and subresource addressed (`deployments`, `scale`).
    pub resource: String,
    pub sub_resource: String,
    pub namespace: String,
    pub name: String,
    pub username: String,
    pub groups: Vec<String>,
    pub dry_run: bool,
    /// The object to review: the new one, or on DELETE the old one.
    pub object: Option<Object>,
    /// The whole `request`, as Gatekeeper templates see it at `input.review`.
    pub value: Value,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Create,
    Update,
    Delete,
    Connect,
}

impl Operation {
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "CREATE",
            Operation::Update => "UPDATE",
            Operation::Delete => "DELETE",
            Operation::Connect => "CONNECT",
        }
    }
}

#[derive(Debug, Default, Clone, Deserialize, PartialEq, Eq)]
pub struct GroupVersionKind {
    #[serde(default)]
    pub group: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub kind: String,
}

/// Why a body is not an AdmissionReview guard can answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The fields of `request` a decision reads; the objects stay untyped.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Header {
    uid: String,
    kind: GroupVersionKind,
    #[serde(default)]
    resource: Resource,
    #[serde(default)]
    sub_resource: String,
    operation: String,
    #[serde(default)]
    namespace: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    user_info: UserInfo,
    #[serde(default)]
    dry_run: bool,
}

#[derive(Deserialize, Default)]
struct Resource {
    #[serde(default)]
    resource: String,
}

#[derive(Deserialize, Default)]
struct UserInfo {
    #[serde(default)]
    username: String,
    #[serde(default)]
    groups: Vec<String>,
}

/// Decodes a request body.
pub fn decode(body: &[u8]) -> Result<Request, DecodeError> {
    let fail = |message: String| DecodeError(message);
    let document: serde_json::Value =
        serde_json::from_slice(body).map_err(|e| fail(format!("the body is not JSON: {e}")))?;
    let serde_json::Value::Object(mut review) = document else {
        return Err(fail("an AdmissionReview is a JSON object".into()));
    };
    let text = |review: &serde_json::Map<String, serde_json::Value>, key: &str| {
        review
            .get(key)
            .and_then(serde_json::Value::as_str)
            .unwrap_or_default()
            .to_string()
    };
    let (api_version, kind) = (text(&review, "apiVersion"), text(&review, "kind"));
    if kind != "AdmissionReview" || api_version != "admission.k8s.io/v1" {
        return Err(fail(format!(
            "expected apiVersion admission.k8s.io/v1 and kind AdmissionReview, got {:?} {:?}; \
             set admissionReviewVersions: [v1] in the webhook configuration",
            api_version, kind
        )));
    }
    let request = match review.remove("request") {
        Some(request @ serde_json::Value::Object(_)) => request,
        _ => return Err(fail("the AdmissionReview has no request object".into())),
    };
    let header = Header::deserialize(&request)
        .map_err(|e| fail(format!("the AdmissionReview's request is malformed: {e}")))?;
    let operation = match header.operation.as_str() {
        "CREATE" => Operation::Create,
        "UPDATE" => Operation::Update,
        "DELETE" => Operation::Delete,
        "CONNECT" => Operation::Connect,
        other => return Err(fail(format!("unknown operation {other:?}"))),
    };
    let value = Value::from(request);
    let present = |key: &str| match &value {
        Value::Object(map) => map
            .get(&Value::from(key))
            .filter(|v| !matches!(v, Value::Null))
            .cloned(),
        _ => None,
    };
    let reviewed = match operation {
        Operation::Delete => present("oldObject"),
        _ => present("object"),
    };
    if reviewed.is_none() && matches!(operation, Operation::Create | Operation::Update) {
        return Err(fail(format!(
            "a {} request needs an object",
            operation.as_str()
        )));
    }
    let origin = Origin::Admission {
        uid: header.uid.clone(),
        operation: operation.as_str().to_string(),
        user: header.user_info.username.clone(),
    };
    let object = reviewed
        .map(|object| {
            let id = crate::source::object_ref(&object)
                .map_err(|e| fail(format!("the request's object is not reviewable: {e}")))?;
            Ok(Object::unplaced(id, object, origin))
        })
        .transpose()?;
    Ok(Request {
        uid: header.uid,
        operation,
        kind: header.kind,
        resource: header.resource.resource,
        sub_resource: header.sub_resource,
        namespace: header.namespace,
        name: header.name,
        username: header.user_info.username,
        groups: header.user_info.groups,
        dry_run: header.dry_run,
        object,
        value,
    })
}

impl Request {
    /// The object named in logs: its identity, or the request's when the
    /// request carries none (CONNECT).
    pub fn object_ref(&self) -> ObjectRef {
        match &self.object {
            Some(object) => object.id.clone(),
            None => ObjectRef {
                api_version: if self.kind.group.is_empty() {
                    self.kind.version.clone()
                } else {
                    format!("{}/{}", self.kind.group, self.kind.version)
                },
                kind: self.kind.kind.clone(),
                namespace: (!self.namespace.is_empty()).then(|| self.namespace.clone()),
                name: (!self.name.is_empty()).then(|| self.name.clone()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn review(request: &str) -> String {
        format!(
            r#"{{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{request}}}"#
        )
    }

    #[test]
    fn decodes_a_create_and_names_its_object() {
        let body = review(
            r#"{"uid":"u1","kind":{"group":"","version":"v1","kind":"Pod"},"resource":{"group":"","version":"v1","resource":"pods"},"operation":"CREATE","namespace":"shop","userInfo":{"username":"alice","groups":["dev"]},"object":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"shop"}},"oldObject":null,"dryRun":true}"#,
        );
        let request = decode(body.as_bytes()).unwrap();
        assert_eq!(request.uid, "u1");
        assert_eq!(request.operation, Operation::Create);
        assert_eq!(request.resource, "pods");
        assert_eq!(request.groups, vec!["dev".to_string()]);
        assert!(request.dry_run);
        let object = request.object.unwrap();
        assert_eq!(object.id.name.as_deref(), Some("web"));
        assert_eq!(
            object.origin,
            Origin::Admission {
                uid: "u1".into(),
                operation: "CREATE".into(),
                user: "alice".into()
            }
        );
    }

    #[test]
    fn a_delete_reviews_its_old_object() {
        let body = review(
            r#"{"uid":"u2","kind":{"group":"apps","version":"v1","kind":"Deployment"},"operation":"DELETE","object":null,"oldObject":{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"old"}}}"#,
        );
        let request = decode(body.as_bytes()).unwrap();
        assert_eq!(request.object.unwrap().id.name.as_deref(), Some("old"));
    }

    #[test]
    fn refuses_what_is_not_a_v1_admission_review() {
        let cases = [
            "not json".to_string(),
            "[]".to_string(),
            r#"{"apiVersion":"admission.k8s.io/v1beta1","kind":"AdmissionReview","request":{}}"#
                .to_string(),
            r#"{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}"#.to_string(),
            review(r#"{"uid":"u","kind":{"kind":"Pod"},"operation":"CREATE"}"#),
            review(r#"{"uid":"u","kind":{"kind":"Pod"},"operation":"PATCH","object":{}}"#),
            review(r#"{"uid":7,"kind":{"kind":"Pod"},"operation":"CREATE","object":{}}"#),
            review(
                r#"{"uid":"u","kind":{"kind":"Pod"},"operation":"CREATE","object":{"kind":"Pod"}}"#,
            ),
        ];
        for body in cases {
            assert!(decode(body.as_bytes()).is_err(), "{body}");
        }
    }
}
