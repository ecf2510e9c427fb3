//! `Status` bodies worded as kube-apiserver words them, so that clients decode
//! them into the same errors they would see from a real cluster.

use serde_json::{Value, json};

/// A failed request: the HTTP code, the `Status` body and, for 429, the
/// `Retry-After` seconds.
#[derive(Debug, Clone)]
pub struct Failure {
    pub code: u16,
    pub body: Value,
    pub retry_after: Option<u64>,
}

fn failure(code: u16, reason: &str, message: String, details: Option<Value>) -> Failure {
    let mut body = json!({
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Failure",
        "message": message,
        "reason": reason,
        "code": code,
    });
    if let Some(details) = details {
        body["details"] = details;
    }
    Failure {
        code,
        body,
        retry_after: None,
    }
}

/// What a request was aimed at, for the messages that name it.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// `pods`, `deployments.apps`: the resource as the server names it in messages.
    pub qualified: String,
    pub plural: String,
    pub group: String,
    pub name: Option<String>,
    pub namespace: Option<String>,
    pub subresource: Option<String>,
}

impl Target {
    fn details(&self) -> Value {
        let mut details = json!({});
        if let Some(name) = &self.name {
            details["name"] = json!(name);
        }
        if !self.group.is_empty() {
            details["group"] = json!(self.group);
        }
        details["kind"] = json!(self.plural);
        details
    }

    /// `pods "web"` for a named object, `pods` for a collection.
    fn subject(&self) -> String {
        match &self.name {
            Some(name) => format!("{} \"{name}\"", self.qualified),
            None => self.qualified.clone(),
        }
    }
}

pub fn unauthorized() -> Failure {
    failure(401, "Unauthorized", "Unauthorized".to_string(), None)
}

pub fn forbidden(target: &Target, user: &str, verb: &str) -> Failure {
    let resource = match &target.subresource {
        Some(sub) => format!("{}/{sub}", target.plural),
        None => target.plural.clone(),
    };
    let scope = match &target.namespace {
        Some(namespace) => format!("in the namespace \"{namespace}\""),
        None => "at the cluster scope".to_string(),
    };
    let message = format!(
        "{} is forbidden: User \"{user}\" cannot {verb} resource \"{resource}\" in API group \"{}\" {scope}",
        target.subject(),
        target.group
    );
    failure(403, "Forbidden", message, Some(target.details()))
}

pub fn not_found(target: &Target) -> Failure {
    let message = format!("{} not found", target.subject());
    failure(404, "NotFound", message, Some(target.details()))
}

pub fn already_exists(target: &Target) -> Failure {
    let message = format!("{} already exists", target.subject());
    failure(409, "AlreadyExists", message, Some(target.details()))
}

pub fn modified_conflict(target: &Target) -> Failure {
    let message = format!(
        "Operation cannot be fulfilled on {}: the object has been modified; please apply your changes to the latest version and try again",
        target.subject()
    );
    failure(409, "Conflict", message, Some(target.details()))
}

/// An apply that would take fields another manager owns. `conflicts` are
/// (manager, field path) pairs.
pub fn apply_conflict(
    target: &Target,
    api_version: &str,
    conflicts: &[(String, String)],
) -> Failure {
    let noun = if conflicts.len() == 1 {
        "conflict"
    } else {
        "conflicts"
    };
    let mut message = format!("Apply failed with {} {noun}:", conflicts.len());
    let mut causes = Vec::new();
    for (manager, field) in conflicts {
        let cause = format!("conflict with \"{manager}\" using {api_version}");
        message.push_str(&format!(" {cause}: {field}"));
        causes.push(json!({"reason": "FieldManagerConflict", "message": cause, "field": field}));
    }
    let mut details = target.details();
    details["causes"] = json!(causes);
    failure(409, "Conflict", message, Some(details))
}

/// The continue token or watch resource version is older than what the
/// server still keeps.
pub fn expired_continue() -> Failure {
    failure(
        410,
        "Expired",
        "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.".to_string(),
        None,
    )
}

pub fn expired_revision(requested: u64, oldest: u64) -> Failure {
    failure(
        410,
        "Expired",
        format!("too old resource version: {requested} ({oldest})"),
        None,
    )
}

pub fn too_many_requests(retry_after: u64) -> Failure {
    let mut failure = failure(
        429,
        "TooManyRequests",
        "Too many requests, please try again later.".to_string(),
        Some(json!({"retryAfterSeconds": retry_after})),
    );
    failure.retry_after = Some(retry_after);
    failure
}

pub fn internal_error(cause: &str) -> Failure {
    failure(
        500,
        "InternalError",
        format!("Internal error occurred: {cause}"),
        Some(json!({"causes": [{"message": cause}]})),
    )
}

pub fn bad_request(message: String) -> Failure {
    failure(400, "BadRequest", message, None)
}

pub fn method_not_allowed(target: &Target) -> Failure {
    failure(
        405,
        "MethodNotAllowed",
        "the server does not allow this method on the requested resource".to_string(),
        Some(target.details()),
    )
}

pub fn unsupported_media_type(content_type: &str) -> Failure {
    failure(
        415,
        "UnsupportedMediaType",
        format!(
            "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/apply-patch+yaml, application/merge-patch+json; got {content_type}"
        ),
        None,
    )
}
