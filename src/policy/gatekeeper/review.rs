//! `input.review`: the AdmissionRequest Gatekeeper hands a template.
//!
//! An object from a file is reviewed as gator and Gatekeeper's audit review
//! it: `uid`, `operation` and `userInfo` empty, `kind` from its apiVersion
//! and kind, `object`, `name` and `namespace` (these two only when set). An
//! AdmissionReview's `request` is reviewed as it is, so its operation,
//! userInfo and oldObject reach the template; on DELETE without an object,
//! the old object stands in, as the webhook does.

use super::matching::Target;
use super::value::{field, group_version, labels, str_field};
use regorus::Value;
use std::collections::BTreeMap;

/// A review ready for evaluation, with what the matcher needs to know.
pub struct Review {
    /// The `input.review` value.
    pub value: Value,
    pub group: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
    /// The objects `match` is tried against: the object, and the old
    /// object of an update or delete; the review matches if either does.
    pub objects: Vec<Value>,
    /// The labels of each of `objects`, read once for every constraint.
    labels: Vec<Vec<(String, String)>>,
    pub generated: bool,
    /// Whether the object is in a namespace even when it names none (see
    /// [`Target::namespaced`]); by default, when it names one.
    pub namespaced: bool,
}

fn object<'a>(entries: impl IntoIterator<Item = (&'a str, Value)>) -> Value {
    Value::from(
        entries
            .into_iter()
            .map(|(k, v)| (Value::from(k), v))
            .collect::<BTreeMap<Value, Value>>(),
    )
}

impl Review {
    /// The review of an object read from a file. `namespace` is its
    /// Namespace object, when known: Gatekeeper passes it at
    /// `_unstable.namespace`.
    pub fn of_object(value: &Value, namespace: Option<&Value>, generated: bool) -> Review {
        let api_version = str_field(value, &["apiVersion"]).unwrap_or_default();
        let (group, version) = group_version(api_version);
        let kind = str_field(value, &["kind"]).unwrap_or_default();
        let name = str_field(value, &["metadata", "name"]).unwrap_or_default();
        let ns = str_field(value, &["metadata", "namespace"]).unwrap_or_default();
        let mut entries = vec![
            ("uid", Value::from("")),
            (
                "kind",
                object([
                    ("group", Value::from(group)),
                    ("version", Value::from(version)),
                    ("kind", Value::from(kind)),
                ]),
            ),
            (
                "resource",
                object([
                    ("group", Value::from("")),
                    ("version", Value::from("")),
                    ("resource", Value::from("")),
                ]),
            ),
            ("operation", Value::from("")),
            ("userInfo", Value::new_object()),
            ("object", value.clone()),
        ];
        if !name.is_empty() {
            entries.push(("name", Value::from(name)));
        }
        if !ns.is_empty() {
            entries.push(("namespace", Value::from(ns)));
        }
        if let Some(namespace) = namespace {
            entries.push(("_unstable", object([("namespace", namespace.clone())])));
        }
        Review {
            value: object(entries),
            group: group.to_string(),
            kind: kind.to_string(),
            name: name.to_string(),
            namespace: ns.to_string(),
            objects: vec![value.clone()],
            labels: vec![labels(value)],
            generated,
            namespaced: !ns.is_empty(),
        }
    }

    /// The review of an AdmissionReview's `request`.
    pub fn of_request(request: &Value) -> Result<Review, String> {
        let Value::Object(map) = request else {
            return Err("an AdmissionReview needs a request object".into());
        };
        let present = |key: &str| {
            map.get(&Value::from(key))
                .filter(|v| !matches!(v, Value::Null))
                .cloned()
        };
        let mut object = present("object");
        let old_object = present("oldObject");
        if object.is_none() && old_object.is_none() {
            return Err("the AdmissionRequest has neither object nor oldObject to review".into());
        }
        let mut value: BTreeMap<Value, Value> =
            map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        if str_field(request, &["operation"]) == Some("DELETE") && object.is_none() {
            object = old_object.clone();
            if let Some(old) = &old_object {
                value.insert(Value::from("object"), old.clone());
            }
        }
        let kind = |key: &str| {
            str_field(request, &["kind", key])
                .unwrap_or_default()
                .to_string()
        };
        let reviewed = object.as_ref().or(old_object.as_ref());
        let from_object = |path: &[&str]| {
            reviewed
                .and_then(|o| str_field(o, path))
                .unwrap_or_default()
                .to_string()
        };
        let name = str_field(request, &["name"])
            .map(str::to_string)
            .unwrap_or_else(|| from_object(&["metadata", "name"]));
        let namespace = str_field(request, &["namespace"])
            .map(str::to_string)
            .unwrap_or_else(|| from_object(&["metadata", "namespace"]));
        let objects: Vec<Value> = object.into_iter().chain(old_object).collect();
        Ok(Review {
            value: Value::from(value),
            group: kind("group"),
            kind: kind("kind"),
            name,
            labels: objects.iter().map(labels).collect(),
            objects,
            generated: false,
            namespaced: !namespace.is_empty(),
            namespace,
        })
    }

    /// The matcher's view of each object the review can match by.
    pub fn targets<'a>(
        &'a self,
        namespace_labels: Option<&'a [(String, String)]>,
    ) -> impl Iterator<Item = Target<'a>> + 'a {
        self.objects
            .iter()
            .zip(&self.labels)
            .map(move |(object, labels)| {
                let name = str_field(object, &["metadata", "name"]).unwrap_or(&self.name);
                Target {
                    group: &self.group,
                    kind: &self.kind,
                    name,
                    namespace: &self.namespace,
                    namespaced: self.namespaced,
                    labels,
                    namespace_labels,
                    generated: self.generated,
                }
            })
    }
}

/// The input of one evaluation: the review and the constraint's parameters.
pub fn input(review: &Value, parameters: &Value) -> Value {
    object([
        ("review", review.clone()),
        ("parameters", parameters.clone()),
    ])
}

/// Whether a document is an AdmissionReview (group admission.k8s.io).
pub fn is_admission_review(value: &Value) -> bool {
    let api_version = str_field(value, &["apiVersion"]).unwrap_or_default();
    str_field(value, &["kind"]) == Some("AdmissionReview")
        && group_version(api_version).0 == "admission.k8s.io"
}

/// An AdmissionReview's request.
pub fn request(value: &Value) -> Option<&Value> {
    field(value, "request").filter(|r| !matches!(r, Value::Null))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::parse_stream;

    fn value(text: &str) -> Value {
        parse_stream(text).0.remove(0).value
    }

    #[test]
    fn objects_are_reviewed_as_gator_reviews_them() {
        let pod = value("apiVersion: v1\nkind: Pod\nmetadata: {name: a, namespace: prod}\n");
        let review = Review::of_object(&pod, None, false);
        assert_eq!(str_field(&review.value, &["kind", "kind"]), Some("Pod"));
        assert_eq!(str_field(&review.value, &["kind", "group"]), Some(""));
        assert_eq!(str_field(&review.value, &["operation"]), Some(""));
        assert_eq!(str_field(&review.value, &["namespace"]), Some("prod"));
        let cluster = value(
            "apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n",
        );
        let review = Review::of_object(&cluster, None, false);
        assert_eq!(field(&review.value, "namespace"), None);
        assert_eq!(review.group, "rbac.authorization.k8s.io");
        let inputs = input(&review.value, &Value::new_object());
        assert_eq!(field(&inputs, "parameters"), Some(&Value::new_object()));
    }

    #[test]
    fn requests_keep_operation_and_deletes_review_the_old_object() {
        let request = value(
            "operation: DELETE\nkind: {group: \"\", version: v1, kind: Pod}\nuserInfo: {username: alice}\noldObject: {apiVersion: v1, kind: Pod, metadata: {name: old, namespace: ns}}\n",
        );
        let review = Review::of_request(&request).unwrap();
        assert_eq!(
            str_field(&review.value, &["object", "metadata", "name"]),
            Some("old")
        );
        assert_eq!(
            str_field(&review.value, &["userInfo", "username"]),
            Some("alice")
        );
        assert_eq!(
            (review.name.as_str(), review.namespace.as_str()),
            ("old", "ns")
        );
        assert!(Review::of_request(&value("operation: CREATE\n")).is_err());
    }
}
