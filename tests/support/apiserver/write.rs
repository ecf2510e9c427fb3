//! The write side: create, server-side apply, merge patch, replace and
//! delete, with `dryRun=All` leaving the store untouched.
//!
//! Field ownership is simplified: a manager owns whole fields one level
//! below the top (`.spec.replicas`, `.spec.template`, `.data.key`) and
//! single labels and annotations (`.metadata.labels.app`). Status is never
//! owned. Apply conflicts when another manager owns a field the apply sets
//! to a different value, as with the real server; `force=true` takes the
//! field over. Strategic merge patches are applied as JSON merge patches.

use super::handler::{Body, Call, ResourceRequest, json_response};
use super::status::{self, Failure, Target};
use super::store::Store;
use super::{Shared, lock, text};
use hyper::Response;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// A field path such as ["spec", "replicas"].
type FieldPath = Vec<String>;

fn render(path: &FieldPath) -> String {
    path.iter().map(|step| format!(".{step}")).collect()
}

/// The fields an object sets, at the ownership granularity described above.
fn field_paths(object: &Value) -> BTreeSet<FieldPath> {
    let mut paths = BTreeSet::new();
    let Some(map) = object.as_object() else {
        return paths;
    };
    for (key, value) in map {
        match key.as_str() {
            "apiVersion" | "kind" | "status" => {}
            "metadata" => {
                for owned in ["labels", "annotations"] {
                    if let Some(entries) = value[owned].as_object() {
                        for name in entries.keys() {
                            paths.insert(vec![
                                "metadata".to_string(),
                                owned.to_string(),
                                name.clone(),
                            ]);
                        }
                    }
                }
            }
            _ => match value.as_object() {
                Some(children) if !children.is_empty() => {
                    for child in children.keys() {
                        paths.insert(vec![key.clone(), child.clone()]);
                    }
                }
                _ => {
                    paths.insert(vec![key.clone()]);
                }
            },
        }
    }
    paths
}

/// The server's FieldsV1 form of a set of paths: `{"f:spec":{"f:replicas":{}}}`.
fn encode_fields(paths: &BTreeSet<FieldPath>) -> Value {
    let mut root = Map::new();
    for path in paths {
        let mut node = &mut root;
        for step in path {
            let entry = node
                .entry(format!("f:{step}"))
                .or_insert_with(|| Value::Object(Map::new()));
            let Value::Object(next) = entry else {
                break;
            };
            node = next;
        }
    }
    Value::Object(root)
}

/// Reads FieldsV1 back at this model's granularity, so that managedFields
/// written by a real server (deeper paths) are understood too.
fn decode_fields(fields: &Value) -> BTreeSet<FieldPath> {
    let mut paths = BTreeSet::new();
    let Some(top) = fields.as_object() else {
        return paths;
    };
    let children = |value: &Value| -> Vec<String> {
        value
            .as_object()
            .map(|map| {
                map.keys()
                    .filter_map(|k| k.strip_prefix("f:").map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    for (key, value) in top {
        let Some(name) = key.strip_prefix("f:") else {
            continue;
        };
        match name {
            "status" => {}
            "metadata" => {
                for owned in ["labels", "annotations"] {
                    for entry in children(&value[format!("f:{owned}")]) {
                        paths.insert(vec!["metadata".to_string(), owned.to_string(), entry]);
                    }
                }
            }
            _ => {
                let below = children(value);
                if below.is_empty() {
                    paths.insert(vec![name.to_string()]);
                }
                for child in below {
                    paths.insert(vec![name.to_string(), child]);
                }
            }
        }
    }
    paths
}

fn value_at<'a>(object: &'a Value, path: &FieldPath) -> Option<&'a Value> {
    path.iter().try_fold(object, |value, step| value.get(step))
}

fn set_at(object: &mut Value, path: &FieldPath, value: Value) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = object;
    for step in parents {
        if !node[step.as_str()].is_object() {
            node[step.as_str()] = json!({});
        }
        node = &mut node[step.as_str()];
    }
    node[last.as_str()] = value;
}

fn remove_at(object: &mut Value, path: &FieldPath) {
    let Some((last, parents)) = path.split_last() else {
        return;
    };
    let mut node = object;
    for step in parents {
        match node.get_mut(step) {
            Some(next) => node = next,
            None => return,
        }
    }
    if let Some(map) = node.as_object_mut() {
        map.remove(last);
    }
}

/// One managedFields entry.
#[derive(Debug, Clone)]
struct Managed {
    manager: String,
    operation: String,
    api_version: String,
    time: String,
    fields: BTreeSet<FieldPath>,
    /// Entries for subresources (status) are never changed here.
    subresource: Option<String>,
    /// The entry as stored, written back unchanged while no write changed
    /// its fields, so managedFields from a real server keep their depth.
    stored: Option<Value>,
}

fn managed_of(object: &Value) -> Vec<Managed> {
    object["metadata"]["managedFields"]
        .as_array()
        .map(|entries| {
            entries
                .iter()
                .map(|entry| Managed {
                    manager: entry["manager"].as_str().unwrap_or_default().to_string(),
                    operation: entry["operation"].as_str().unwrap_or_default().to_string(),
                    api_version: entry["apiVersion"].as_str().unwrap_or_default().to_string(),
                    time: entry["time"].as_str().unwrap_or_default().to_string(),
                    fields: decode_fields(&entry["fieldsV1"]),
                    subresource: entry["subresource"].as_str().map(str::to_string),
                    stored: Some(entry.clone()),
                })
                .collect()
        })
        .unwrap_or_default()
}

fn encode_managed(entries: &[Managed]) -> Value {
    let encoded: Vec<Value> = entries
        .iter()
        .filter(|entry| entry.stored.is_some() || !entry.fields.is_empty())
        .map(|entry| {
            if let Some(stored) = &entry.stored {
                return stored.clone();
            }
            let mut value = json!({
                "manager": entry.manager,
                "operation": entry.operation,
                "apiVersion": entry.api_version,
                "time": entry.time,
                "fieldsType": "FieldsV1",
                "fieldsV1": encode_fields(&entry.fields),
            });
            if let Some(subresource) = &entry.subresource {
                value["subresource"] = json!(subresource);
            }
            value
        })
        .collect();
    Value::Array(encoded)
}

/// Records that `manager` now manages `fields` through `operation`.
fn claim(
    entries: &mut Vec<Managed>,
    manager: &str,
    operation: &str,
    api_version: &str,
    fields: BTreeSet<FieldPath>,
) {
    let time = text::now_timestamp();
    let existing = entries
        .iter_mut()
        .find(|e| e.manager == manager && e.operation == operation && e.subresource.is_none());
    match existing {
        Some(entry) => {
            entry.fields = fields;
            entry.time = time;
            entry.api_version = api_version.to_string();
            entry.stored = None;
        }
        None => entries.push(Managed {
            manager: manager.to_string(),
            operation: operation.to_string(),
            api_version: api_version.to_string(),
            time,
            fields,
            subresource: None,
            stored: None,
        }),
    }
}

fn is_dry_run(call: &Call) -> bool {
    call.query
        .iter()
        .any(|(key, value)| key == "dryRun" && value == "All")
}

/// The manager a non-apply write is recorded under: `fieldManager`, else
/// the user agent's program name, as the server derives it.
fn update_manager(call: &Call) -> String {
    match call.param("fieldManager").filter(|m| !m.is_empty()) {
        Some(manager) => manager.to_string(),
        None => call
            .user_agent
            .split('/')
            .next()
            .filter(|m| !m.is_empty())
            .unwrap_or("unknown")
            .to_string(),
    }
}

/// An object must have object metadata for the server to set fields in it;
/// a missing one is made empty.
fn ensure_metadata(object: &mut Value) -> Result<(), Failure> {
    match object.get("metadata") {
        None | Some(Value::Null) => {
            object["metadata"] = json!({});
            Ok(())
        }
        Some(Value::Object(_)) => Ok(()),
        Some(_) => Err(status::bad_request(
            "metadata must be an object".to_string(),
        )),
    }
}

fn parse_body(call: &Call) -> Result<Value, Failure> {
    let mut value: Value = serde_json::from_slice(&call.body).map_err(|e| {
        status::bad_request(format!("error decoding the request body as JSON: {e}"))
    })?;
    if !value.is_object() {
        return Err(status::bad_request(
            "the request body is not an object".to_string(),
        ));
    }
    ensure_metadata(&mut value)?;
    Ok(value)
}

/// Checks kind and apiVersion (when given) against the resource, and fills
/// them in when missing.
fn check_type(
    shared: &Shared,
    request: &ResourceRequest,
    object: &mut Value,
) -> Result<(), Failure> {
    let resource = &shared.served[request.resource];
    let api_version = resource.api_version();
    match object["apiVersion"].as_str() {
        Some(given) if given != api_version => {
            return Err(status::bad_request(format!(
                "the API version in the data ({given}) does not match the expected API version ({api_version})"
            )));
        }
        Some(_) => {}
        None => object["apiVersion"] = json!(api_version),
    }
    match object["kind"].as_str() {
        Some(given) if given != resource.kind => Err(status::bad_request(format!(
            "the kind in the data ({given}) does not match the expected kind ({})",
            resource.kind
        ))),
        Some(_) => Ok(()),
        None => {
            object["kind"] = json!(resource.kind);
            Ok(())
        }
    }
}

fn check_namespace(request: &ResourceRequest, object: &mut Value) -> Result<(), Failure> {
    let Some(namespace) = &request.namespace else {
        return Ok(());
    };
    match object["metadata"]["namespace"].as_str() {
        Some(given) if given != namespace => Err(status::bad_request(
            "the namespace of the provided object does not match the namespace sent on the request"
                .to_string(),
        )),
        Some(_) => Ok(()),
        None => {
            object["metadata"]["namespace"] = json!(namespace);
            Ok(())
        }
    }
}

/// Whether anything but metadata and status differs: what bumps generation.
fn spec_changed(before: &Value, after: &Value) -> bool {
    let strip = |object: &Value| {
        let mut copy = object.clone();
        if let Some(map) = copy.as_object_mut() {
            map.remove("metadata");
            map.remove("status");
        }
        copy
    };
    strip(before) != strip(after)
}

fn without_volatile_metadata(object: &Value) -> Value {
    let mut copy = object.clone();
    if let Some(metadata) = copy["metadata"].as_object_mut() {
        metadata.remove("managedFields");
        metadata.remove("resourceVersion");
    }
    copy
}

fn bump_generation(before: Option<&Value>, after: &mut Value) {
    match before {
        None if after.get("spec").is_some() => after["metadata"]["generation"] = json!(1),
        Some(before) if spec_changed(before, after) => {
            let generation = before["metadata"]["generation"].as_i64().unwrap_or(0);
            after["metadata"]["generation"] = json!(generation + 1);
        }
        _ => {}
    }
}

/// The 404 for creating an object in a namespace that does not exist, when
/// the server serves namespaces at all.
fn missing_namespace(shared: &Shared, store: &Store, request: &ResourceRequest) -> Option<Failure> {
    let namespace = request.namespace.as_ref()?;
    let index = shared
        .served
        .iter()
        .position(|r| r.group.is_empty() && r.plural == "namespaces")?;
    if store
        .get(&(index, String::new(), namespace.clone()))
        .is_some()
    {
        return None;
    }
    Some(status::not_found(&Target {
        qualified: "namespaces".to_string(),
        plural: "namespaces".to_string(),
        name: Some(namespace.clone()),
        ..Target::default()
    }))
}

/// Stores `object` (unless dry-run) and answers with it as stored.
fn commit(
    shared: &Shared,
    call: &Call,
    request: &ResourceRequest,
    before: Option<&Value>,
    mut object: Value,
    created_code: u16,
) -> Result<Response<Body>, Failure> {
    bump_generation(before, &mut object);
    let code = if before.is_some() { 200 } else { created_code };
    let mut store = lock(&shared.store);
    if before.is_none()
        && let Some(failure) = missing_namespace(shared, &store, request)
    {
        return Err(failure);
    }
    if is_dry_run(call) {
        if before.is_none() {
            object["metadata"]["uid"] = json!(store.new_uid());
            object["metadata"]["creationTimestamp"] = json!(text::now_timestamp());
        }
        return Ok(json_response(code, &object));
    }
    let key = (
        request.resource,
        request.key(shared).1,
        object["metadata"]["name"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    );
    let change = store.put(key, object);
    Ok(json_response(code, &change.object))
}

pub fn create(
    shared: &Shared,
    call: &Call,
    request: &ResourceRequest,
) -> Result<Response<Body>, Failure> {
    let mut object = parse_body(call)?;
    check_type(shared, request, &mut object)?;
    check_namespace(request, &mut object)?;
    let name = match object["metadata"]["name"]
        .as_str()
        .filter(|n| !n.is_empty())
    {
        Some(name) => name.to_string(),
        None => {
            let prefix = object["metadata"]["generateName"]
                .as_str()
                .filter(|p| !p.is_empty())
                .ok_or_else(|| status::bad_request("name or generateName is required".to_string()))?
                .to_string();
            let suffix = lock(&shared.store).revision() + 1;
            format!("{prefix}{:05x}", suffix % 0x100000)
        }
    };
    object["metadata"]["name"] = json!(name);
    let named = ResourceRequest {
        name: Some(name),
        ..request.clone()
    };
    if lock(&shared.store).get(&named.key(shared)).is_some() {
        return Err(status::already_exists(&named.target(shared)));
    }
    let api_version = shared.served[request.resource].api_version();
    let mut managed = Vec::new();
    claim(
        &mut managed,
        &update_manager(call),
        "Update",
        &api_version,
        field_paths(&object),
    );
    object["metadata"]["managedFields"] = encode_managed(&managed);
    commit(shared, call, &named, None, object, 201)
}

pub fn patch(
    shared: &Shared,
    call: &Call,
    request: &ResourceRequest,
) -> Result<Response<Body>, Failure> {
    let media_type = call
        .content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim();
    match media_type {
        "application/apply-patch+yaml" => apply(shared, call, request),
        "application/merge-patch+json" | "application/strategic-merge-patch+json" => {
            merge_patch(shared, call, request)
        }
        other => Err(status::unsupported_media_type(other)),
    }
}

/// JSON merge patch (RFC 7386).
fn merge(target: &mut Value, patch: &Value) {
    let Some(patch) = patch.as_object() else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = json!({});
    }
    for (key, value) in patch {
        if value.is_null() {
            if let Some(map) = target.as_object_mut() {
                map.remove(key);
            }
        } else {
            merge(&mut target[key.as_str()], value);
        }
    }
}

fn merge_patch(
    shared: &Shared,
    call: &Call,
    request: &ResourceRequest,
) -> Result<Response<Body>, Failure> {
    let patch = parse_body(call)?;
    let existing = lock(&shared.store)
        .get(&request.key(shared))
        .cloned()
        .ok_or_else(|| status::not_found(&request.target(shared)))?;
    let mut object = existing.clone();
    merge(&mut object, &patch);
    ensure_metadata(&mut object)?;
    object["metadata"]["name"] = existing["metadata"]["name"].clone();
    if without_volatile_metadata(&object) == without_volatile_metadata(&existing) {
        return Ok(json_response(200, &existing));
    }
    let manager = update_manager(call);
    let mut fields = managed_of(&existing)
        .into_iter()
        .find(|e| e.manager == manager && e.operation == "Update" && e.subresource.is_none())
        .map(|e| e.fields)
        .unwrap_or_default();
    fields.extend(field_paths(&patch));
    commit_update(shared, call, request, &existing, object, fields)
}

pub fn replace(
    shared: &Shared,
    call: &Call,
    request: &ResourceRequest,
) -> Result<Response<Body>, Failure> {
    let mut object = parse_body(call)?;
    check_type(shared, request, &mut object)?;
    check_namespace(request, &mut object)?;
    let target = request.target(shared);
    let existing = lock(&shared.store)
        .get(&request.key(shared))
        .cloned()
        .ok_or_else(|| status::not_found(&target))?;
    if object["metadata"]["name"] != existing["metadata"]["name"] {
        return Err(status::bad_request(
            "the name of the object does not match the name on the URL".to_string(),
        ));
    }
    if let Some(given) = object["metadata"]["resourceVersion"].as_str()
        && Some(given) != existing["metadata"]["resourceVersion"].as_str()
    {
        return Err(status::modified_conflict(&target));
    }
    for kept in ["uid", "creationTimestamp"] {
        object["metadata"][kept] = existing["metadata"][kept].clone();
    }
    let fields = field_paths(&object);
    commit_update(shared, call, request, &existing, object, fields)
}

/// Records the fields of a write other than apply under its manager, as an
/// Update, and stores the object.
fn commit_update(
    shared: &Shared,
    call: &Call,
    request: &ResourceRequest,
    existing: &Value,
    mut object: Value,
    fields: BTreeSet<FieldPath>,
) -> Result<Response<Body>, Failure> {
    let mut managed = managed_of(existing);
    let api_version = shared.served[request.resource].api_version();
    claim(
        &mut managed,
        &update_manager(call),
        "Update",
        &api_version,
        fields,
    );
    object["metadata"]["managedFields"] = encode_managed(&managed);
    commit(shared, call, request, Some(existing), object, 200)
}

pub fn delete(
    shared: &Shared,
    call: &Call,
    request: &ResourceRequest,
) -> Result<Response<Body>, Failure> {
    let key = request.key(shared);
    let mut store = lock(&shared.store);
    let not_found = || status::not_found(&request.target(shared));
    if is_dry_run(call) {
        let object = store.get(&key).ok_or_else(not_found)?;
        return Ok(json_response(200, object));
    }
    let change = store.delete(&key).ok_or_else(not_found)?;
    Ok(json_response(200, &change.object))
}

fn apply(
    shared: &Shared,
    call: &Call,
    request: &ResourceRequest,
) -> Result<Response<Body>, Failure> {
    let manager = call
        .param("fieldManager")
        .filter(|m| !m.is_empty())
        .ok_or_else(|| {
            status::bad_request(
                "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"
                    .to_string(),
            )
        })?
        .to_string();
    let mut applied = parse_body(call)?;
    check_type(shared, request, &mut applied)?;
    check_namespace(request, &mut applied)?;
    let name = request.name.clone().unwrap_or_default();
    if let Some(given) = applied["metadata"]["name"].as_str()
        && given != name
    {
        return Err(status::bad_request(format!(
            "the name of the object ({given}) does not match the name on the URL ({name})"
        )));
    }
    let resource = &shared.served[request.resource];
    let api_version = resource.api_version();
    let existing = lock(&shared.store).get(&request.key(shared)).cloned();
    let base = existing.clone().unwrap_or_else(|| {
        let mut skeleton =
            json!({"apiVersion": api_version, "kind": resource.kind, "metadata": {"name": name}});
        if let Some(namespace) = &request.namespace {
            skeleton["metadata"]["namespace"] = json!(namespace);
        }
        skeleton
    });
    let mut managed = existing.as_ref().map(managed_of).unwrap_or_default();
    let applying = field_paths(&applied);

    let mut conflicts = Vec::new();
    for entry in managed
        .iter()
        .filter(|e| e.manager != manager && e.subresource.is_none())
    {
        for path in entry.fields.intersection(&applying) {
            if value_at(&base, path) != value_at(&applied, path) {
                conflicts.push((entry.manager.clone(), path.clone()));
            }
        }
    }
    if !conflicts.is_empty() && !call.flag("force") {
        let rendered: Vec<(String, String)> = conflicts
            .iter()
            .map(|(m, p)| (m.clone(), render(p)))
            .collect();
        return Err(status::apply_conflict(
            &request.target(shared),
            &api_version,
            &rendered,
        ));
    }

    let mut object = base.clone();
    let previously_applied = managed
        .iter()
        .find(|e| e.manager == manager && e.operation == "Apply" && e.subresource.is_none())
        .map(|e| e.fields.clone())
        .unwrap_or_default();
    for dropped in previously_applied.difference(&applying) {
        let shared_with_others = managed
            .iter()
            .any(|e| e.manager != manager && e.fields.contains(dropped));
        if !shared_with_others {
            remove_at(&mut object, dropped);
        }
    }
    for path in &applying {
        if let Some(value) = value_at(&applied, path) {
            set_at(&mut object, path, value.clone());
        }
    }
    for entry in managed.iter_mut().filter(|e| e.manager != manager) {
        for (owner, path) in &conflicts {
            if *owner == entry.manager && entry.fields.remove(path) {
                entry.stored = None;
            }
        }
    }
    if let Some(existing) = &existing
        && without_volatile_metadata(&object) == without_volatile_metadata(existing)
        && previously_applied == applying
    {
        return Ok(json_response(200, existing));
    }
    claim(&mut managed, &manager, "Apply", &api_version, applying);
    object["metadata"]["managedFields"] = encode_managed(&managed);
    commit(shared, call, request, existing.as_ref(), object, 201)
}
