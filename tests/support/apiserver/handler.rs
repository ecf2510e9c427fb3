//! Routing and the read side: auth, faults, discovery, get, list (selectors,
//! pagination, tables), watch and pod logs.

use super::status::{self, Failure, Target};
use super::store::{Change, ChangeKind, ObjectKey, Store};
use super::table::{self, IncludeObject};
use super::{RecordedRequest, Shared, catalog, fault, lock, selector, text, write};
use http_body_util::{BodyExt, Full, combinators::BoxBody};
use hyper::body::{Bytes, Frame, Incoming};
use hyper::{Method, Request, Response, StatusCode, header};
use serde_json::{Value, json};
use std::convert::Infallible;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::sync::{broadcast, mpsc};

pub type Body = BoxBody<Bytes, Infallible>;

/// Watches last at most this long whatever timeoutSeconds asks, so that no
/// test can hang on one.
const MAX_WATCH_SECONDS: u64 = 60;
/// Without timeoutSeconds a watch lasts this long.
const DEFAULT_WATCH_SECONDS: u64 = 30;
/// Request bodies larger than this are refused.
const MAX_BODY_BYTES: usize = 8 << 20;

pub fn json_response(code: u16, value: &Value) -> Response<Body> {
    bytes_response(code, "application/json", value.to_string().into_bytes())
}

fn bytes_response(code: u16, content_type: &str, body: Vec<u8>) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from(body)).boxed());
    *response.status_mut() =
        StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    if let Ok(value) = header::HeaderValue::from_str(content_type) {
        response.headers_mut().insert(header::CONTENT_TYPE, value);
    }
    response
}

pub fn failure_response(failure: Failure) -> Response<Body> {
    let mut response = json_response(failure.code, &failure.body);
    if let Some(seconds) = failure.retry_after {
        response
            .headers_mut()
            .insert(header::RETRY_AFTER, header::HeaderValue::from(seconds));
    }
    response
}

/// What the API server answers for a path it has no handler for.
fn page_not_found() -> Response<Body> {
    bytes_response(
        404,
        "text/plain; charset=utf-8",
        b"404 page not found\n".to_vec(),
    )
}

/// The parts of a request the handlers read.
pub struct Call {
    pub method: Method,
    pub query: Vec<(String, String)>,
    pub accept: String,
    pub content_type: String,
    pub user_agent: String,
    pub body: Bytes,
}

impl Call {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    pub fn flag(&self, name: &str) -> bool {
        matches!(self.param(name), Some("true" | "1"))
    }
}

/// A request for one resource type: a collection or an object, maybe a
/// subresource of it.
#[derive(Debug, Clone)]
pub struct ResourceRequest {
    pub resource: usize,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub subresource: Option<String>,
}

impl ResourceRequest {
    pub fn key(&self, shared: &Shared) -> ObjectKey {
        let namespaced = shared.served[self.resource].namespaced;
        (
            self.resource,
            if namespaced {
                self.namespace.clone().unwrap_or_default()
            } else {
                String::new()
            },
            self.name.clone().unwrap_or_default(),
        )
    }

    pub fn target(&self, shared: &Shared) -> Target {
        let resource = &shared.served[self.resource];
        Target {
            qualified: resource.qualified(),
            plural: resource.plural.to_string(),
            group: resource.group.to_string(),
            name: self.name.clone(),
            namespace: self.namespace.clone(),
            subresource: self.subresource.clone(),
        }
    }
}

enum Route {
    Version,
    CoreVersions,
    Groups,
    Group(String),
    Resources(String, String),
    Resource(ResourceRequest),
    Unknown,
}

fn find(shared: &Shared, group: &str, version: &str, plural: &str) -> Option<usize> {
    shared
        .served
        .iter()
        .position(|r| r.group == group && r.version == version && r.plural == plural)
}

fn resource_route(shared: &Shared, group: &str, version: &str, rest: &[&str]) -> Route {
    let found = |plural: &str| find(shared, group, version, plural);
    let namespaced_in = |index: usize| shared.served[index].namespaced;
    let request = |resource, namespace: Option<&str>, name: Option<&str>, sub: Option<&str>| {
        Route::Resource(ResourceRequest {
            resource,
            namespace: namespace.map(str::to_string),
            name: name.map(str::to_string),
            subresource: sub.map(str::to_string),
        })
    };
    if let ["namespaces", namespace, plural, tail @ ..] = rest
        && let Some(index) = found(plural)
        && namespaced_in(index)
    {
        return match tail {
            [] => request(index, Some(namespace), None, None),
            [name] => request(index, Some(namespace), Some(name), None),
            [name, sub] => request(index, Some(namespace), Some(name), Some(sub)),
            _ => Route::Unknown,
        };
    }
    let Some((plural, tail)) = rest.split_first() else {
        return Route::Unknown;
    };
    let Some(index) = found(plural) else {
        return Route::Unknown;
    };
    match tail {
        [] => request(index, None, None, None),
        [name] if !namespaced_in(index) => request(index, None, Some(name), None),
        [name, sub] if !namespaced_in(index) => request(index, None, Some(name), Some(sub)),
        _ => Route::Unknown,
    }
}

fn route(shared: &Shared, path: &str) -> Route {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    match segments.as_slice() {
        ["version"] => Route::Version,
        ["api"] => Route::CoreVersions,
        ["api", "v1"] => Route::Resources(String::new(), "v1".to_string()),
        ["api", "v1", rest @ ..] => resource_route(shared, "", "v1", rest),
        ["apis"] => Route::Groups,
        ["apis", group] => Route::Group(group.to_string()),
        ["apis", group, version] => Route::Resources(group.to_string(), version.to_string()),
        ["apis", group, version, rest @ ..] => resource_route(shared, group, version, rest),
        _ => Route::Unknown,
    }
}

/// The RBAC verb a request needs, for 403 messages and verb checks.
fn verb(call: &Call, request: &ResourceRequest) -> &'static str {
    match (&call.method, request.name.is_some()) {
        (&Method::GET, true) => "get",
        (&Method::GET, false) if call.flag("watch") => "watch",
        (&Method::GET, false) => "list",
        (&Method::POST, false) => "create",
        (&Method::PATCH, true) => "patch",
        (&Method::PUT, true) => "update",
        (&Method::DELETE, true) => "delete",
        (&Method::DELETE, false) => "deletecollection",
        _ => "unknown",
    }
}

fn header_text(request: &Request<Incoming>, name: header::HeaderName) -> String {
    request
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Records the request, answers it, and adds the headers every API server
/// response has.
pub async fn handle(shared: Arc<Shared>, request: Request<Incoming>) -> Response<Body> {
    let path = request.uri().path().to_string();
    let uri = request
        .uri()
        .path_and_query()
        .map_or_else(|| path.clone(), |p| p.as_str().to_string());
    let number = {
        let mut requests = lock(&shared.requests);
        requests.push(RecordedRequest {
            method: request.method().to_string(),
            uri,
            version: format!("{:?}", request.version()),
        });
        requests.len()
    };
    let mut response = answer(&shared, &path, request).await;
    let headers = response.headers_mut();
    let audit_id = format!("3b5f0c1e-9d2a-4e7b-8c61-{number:012x}");
    if let Ok(value) = header::HeaderValue::from_str(&audit_id) {
        headers.insert("audit-id", value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-cache, private"),
    );
    response
}

async fn answer(shared: &Arc<Shared>, path: &str, request: Request<Incoming>) -> Response<Body> {
    let expected = format!("Bearer {}", super::TOKEN);
    if header_text(&request, header::AUTHORIZATION) != expected {
        return failure_response(status::unauthorized());
    }
    let accept = header_text(&request, header::ACCEPT);
    let content_type = header_text(&request, header::CONTENT_TYPE);
    let user_agent = header_text(&request, header::USER_AGENT);
    let method = request.method().clone();
    let query = text::parse_query(request.uri().query().unwrap_or_default());
    let body = match http_body_util::Limited::new(request.into_body(), MAX_BODY_BYTES)
        .collect()
        .await
    {
        Ok(collected) => collected.to_bytes(),
        Err(error) => {
            return failure_response(status::bad_request(format!(
                "reading the request body: {error}"
            )));
        }
    };
    let call = Call {
        method,
        query,
        accept,
        content_type,
        user_agent,
        body,
    };
    let route = route(shared, path);
    let (target, verb) = match &route {
        Route::Resource(request) => (Some(request.target(shared)), verb(&call, request)),
        _ => (None, "get"),
    };
    if let Some(failure) = fault::take(
        &mut lock(&shared.faults),
        path,
        target.as_ref(),
        &shared.user,
        verb,
        call.param("continue")
            .is_some_and(|token| !token.is_empty()),
    ) {
        return failure_response(failure);
    }
    // Clients that ask only for v2beta1 get the legacy documents.
    let aggregated = call
        .accept
        .contains("g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
    match route {
        Route::Version => json_response(200, &catalog::version()),
        Route::CoreVersions if aggregated => {
            discovery_response(catalog::aggregated(&shared.served, true))
        }
        Route::CoreVersions => json_response(200, &catalog::core_versions()),
        Route::Groups if aggregated => {
            discovery_response(catalog::aggregated(&shared.served, false))
        }
        Route::Groups => json_response(200, &catalog::group_list(&shared.served)),
        Route::Group(name) => match catalog::group(&shared.served, &name) {
            Some(group) => json_response(200, &group),
            None => page_not_found(),
        },
        Route::Resources(group, version) => {
            match catalog::resource_list(&shared.served, &group, &version) {
                Some(list) => json_response(200, &list),
                None => page_not_found(),
            }
        }
        Route::Resource(request) => resource(shared, &call, &request, verb),
        Route::Unknown => page_not_found(),
    }
}

fn discovery_response(document: Value) -> Response<Body> {
    bytes_response(
        200,
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
        document.to_string().into_bytes(),
    )
}

fn resource(
    shared: &Arc<Shared>,
    call: &Call,
    request: &ResourceRequest,
    verb: &str,
) -> Response<Body> {
    let resource = &shared.served[request.resource];
    let target = request.target(shared);
    match request.subresource.as_deref() {
        Some("log") if resource.has_logs() && call.method == Method::GET => {
            return logs(shared, call, request);
        }
        Some("status") if resource.has_status && call.method == Method::GET => {}
        Some("status") if resource.has_status => {
            return failure_response(status::method_not_allowed(&target));
        }
        Some(_) => return page_not_found(),
        None => {}
    }
    if !resource.allows(verb) {
        return failure_response(status::method_not_allowed(&target));
    }
    let result = match verb {
        "get" => get(shared, call, request),
        "list" => list(shared, call, request),
        "watch" => return watch(shared, call, request),
        "create" => write::create(shared, call, request),
        "patch" => write::patch(shared, call, request),
        "update" => write::replace(shared, call, request),
        "delete" => write::delete(shared, call, request),
        _ => Err(status::method_not_allowed(&target)),
    };
    result.unwrap_or_else(failure_response)
}

fn wants_table(call: &Call) -> bool {
    call.accept.contains("as=Table")
}

/// Objects as list items: the server leaves out kind and apiVersion.
fn as_item(object: &Value) -> Value {
    let mut item = object.clone();
    if let Some(map) = item.as_object_mut() {
        map.remove("kind");
        map.remove("apiVersion");
    }
    item
}

fn get(shared: &Shared, call: &Call, request: &ResourceRequest) -> Result<Response<Body>, Failure> {
    let store = lock(&shared.store);
    let object = store
        .get(&request.key(shared))
        .ok_or_else(|| status::not_found(&request.target(shared)))?;
    if wants_table(call) {
        let kind = shared.served[request.resource].kind;
        let metadata = json!({"resourceVersion": object["metadata"]["resourceVersion"]});
        let include = IncludeObject::parse(call.param("includeObject"));
        return Ok(json_response(
            200,
            &table::table(kind, std::slice::from_ref(object), metadata, include),
        ));
    }
    Ok(json_response(200, object))
}

/// Label and field selectors of a request, parsed for its kind.
struct Selectors {
    labels: selector::LabelSelector,
    fields: selector::FieldSelector,
}

impl Selectors {
    fn parse(call: &Call, kind: &str) -> Result<Selectors, Failure> {
        let labels =
            selector::LabelSelector::parse(call.param("labelSelector").unwrap_or_default())
                .map_err(status::bad_request)?;
        let fields =
            selector::FieldSelector::parse(kind, call.param("fieldSelector").unwrap_or_default())
                .map_err(status::bad_request)?;
        Ok(Selectors { labels, fields })
    }

    fn matches(&self, object: &Value) -> bool {
        self.labels.matches(object) && self.fields.matches(object)
    }

    fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.fields.is_empty()
    }
}

/// A continue token: the revision the first page was read at and the key
/// of the last object returned. Opaque to clients, as the server's is.
fn encode_continue(revision: u64, last: &ObjectKey) -> String {
    let token = json!({"v": "meta.k8s.io/v1", "rv": revision, "start": format!("{}/{}\u{0}", last.1, last.2)});
    text::base64_encode(token.to_string().as_bytes())
}

fn decode_continue(token: &str) -> Result<(u64, String, String), Failure> {
    let invalid = |why: &str| status::bad_request(format!("continue key is not valid: {why}"));
    let bytes = text::base64_decode(token).ok_or_else(|| invalid("illegal base64 data"))?;
    let value: Value = serde_json::from_slice(&bytes).map_err(|e| invalid(&e.to_string()))?;
    let revision = value["rv"]
        .as_u64()
        .ok_or_else(|| invalid("no resource version"))?;
    let start = value["start"]
        .as_str()
        .ok_or_else(|| invalid("no start key"))?;
    let start = start.trim_end_matches('\u{0}');
    let (namespace, name) = start
        .split_once('/')
        .ok_or_else(|| invalid("malformed start key"))?;
    Ok((revision, namespace.to_string(), name.to_string()))
}

fn list(
    shared: &Shared,
    call: &Call,
    request: &ResourceRequest,
) -> Result<Response<Body>, Failure> {
    let resource = &shared.served[request.resource];
    let selectors = Selectors::parse(call, resource.kind)?;
    let limit = call
        .param("limit")
        .and_then(|l| l.parse::<usize>().ok())
        .filter(|&l| l > 0);
    let store = lock(&shared.store);
    let namespace = request.namespace.as_deref();
    // A continued list reads the store as it was at the first page's
    // revision, as the real server reads etcd at it.
    let (revision, after, objects) = match call.param("continue").filter(|t| !t.is_empty()) {
        Some(token) => {
            let (revision, after_namespace, after_name) = decode_continue(token)?;
            let objects = store
                .list_at(request.resource, namespace, revision)
                .ok_or_else(status::expired_continue)?;
            (revision, Some((after_namespace, after_name)), objects)
        }
        None => {
            let objects = store
                .list(request.resource, namespace)
                .map(|(key, object)| (key.clone(), object.clone()))
                .collect();
            (store.revision(), None, objects)
        }
    };
    drop(store);
    let matching: Vec<(ObjectKey, Value)> = objects
        .into_iter()
        .filter(|(key, _)| {
            after
                .as_ref()
                .is_none_or(|(namespace, name)| (&key.1, &key.2) > (namespace, name))
        })
        .filter(|(_, object)| selectors.matches(object))
        .collect();
    let page_size = limit.unwrap_or(matching.len()).min(matching.len());
    let page = &matching[..page_size];
    let remaining = matching.len() - page_size;
    let mut metadata = json!({"resourceVersion": revision.to_string()});
    if remaining > 0
        && let Some((last, _)) = page.last()
    {
        metadata["continue"] = json!(encode_continue(revision, last));
        if selectors.is_empty() {
            metadata["remainingItemCount"] = json!(remaining);
        }
    }
    if wants_table(call) {
        let objects: Vec<Value> = page.iter().map(|(_, o)| o.clone()).collect();
        let include = IncludeObject::parse(call.param("includeObject"));
        return Ok(json_response(
            200,
            &table::table(resource.kind, &objects, metadata, include),
        ));
    }
    let items: Vec<Value> = page.iter().map(|(_, object)| as_item(object)).collect();
    Ok(json_response(
        200,
        &json!({
            "kind": resource.list_kind(),
            "apiVersion": resource.api_version(),
            "metadata": metadata,
            "items": items,
        }),
    ))
}

/// A response body fed line by line from a channel, for watches.
struct ChannelBody(mpsc::Receiver<Bytes>);

impl hyper::body::Body for ChannelBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        self.0
            .poll_recv(cx)
            .map(|line| line.map(|bytes| Ok(Frame::data(bytes))))
    }
}

fn event_line(kind: &str, object: &Value) -> Bytes {
    let mut line = json!({"type": kind, "object": object}).to_string();
    line.push('\n');
    Bytes::from(line)
}

/// How a watch writes objects: as they are, or as one-row Tables when the
/// client asked for server-side printing (`kubectl get -w`).
#[derive(Debug, Clone, Copy)]
struct WatchFormat {
    table: Option<(&'static str, IncludeObject)>,
}

impl WatchFormat {
    fn of(shared: &Shared, call: &Call, request: &ResourceRequest) -> WatchFormat {
        let kind = shared.served[request.resource].kind;
        WatchFormat {
            table: wants_table(call)
                .then(|| (kind, IncludeObject::parse(call.param("includeObject")))),
        }
    }

    fn line(self, event: &str, object: &Value) -> Bytes {
        match self.table {
            Some((kind, include)) => {
                let metadata = json!({"resourceVersion": object["metadata"]["resourceVersion"]});
                let table = table::table(kind, std::slice::from_ref(object), metadata, include);
                event_line(event, &table)
            }
            None => event_line(event, object),
        }
    }
}

fn bookmark(shared: &Shared, resource: usize, revision: u64, initial_end: bool) -> Bytes {
    let resource = &shared.served[resource];
    let mut metadata = json!({"resourceVersion": revision.to_string(), "creationTimestamp": null});
    if initial_end {
        metadata["annotations"] = json!({"k8s.io/initial-events-end": "true"});
    }
    event_line(
        "BOOKMARK",
        &json!({"kind": resource.kind, "apiVersion": resource.api_version(), "metadata": metadata}),
    )
}

/// The first events of a watch, worked out under the store lock, and
/// whether the watch ends after them (it started from a bad revision).
fn initial_events(
    shared: &Shared,
    store: &Store,
    call: &Call,
    request: &ResourceRequest,
    selectors: &Selectors,
    format: WatchFormat,
) -> (Vec<Bytes>, bool) {
    let requested = call.param("resourceVersion").unwrap_or_default();
    let send_initial = call.flag("sendInitialEvents");
    if requested.is_empty() || requested == "0" || send_initial {
        let mut lines: Vec<Bytes> = store
            .list(request.resource, request.namespace.as_deref())
            .filter(|(_, object)| selectors.matches(object))
            .map(|(_, object)| format.line("ADDED", object))
            .collect();
        if send_initial && call.flag("allowWatchBookmarks") {
            lines.push(bookmark(shared, request.resource, store.revision(), true));
        }
        return (lines, false);
    }
    let Ok(revision) = requested.parse::<u64>() else {
        let failure = status::bad_request(format!("invalid resource version: {requested}"));
        return (vec![event_line("ERROR", &failure.body)], true);
    };
    match store.changes_since(revision) {
        Some(changes) => {
            let lines = changes
                .iter()
                .filter_map(|change| watched_line(request, selectors, change, format))
                .collect();
            (lines, false)
        }
        None => {
            let failure = status::expired_revision(revision, store.compacted());
            (vec![event_line("ERROR", &failure.body)], true)
        }
    }
}

fn watch(shared: &Arc<Shared>, call: &Call, request: &ResourceRequest) -> Response<Body> {
    let kind = shared.served[request.resource].kind;
    let selectors = match Selectors::parse(call, kind) {
        Ok(selectors) => selectors,
        Err(failure) => return failure_response(failure),
    };
    let seconds = call
        .param("timeoutSeconds")
        .and_then(|t| t.parse::<u64>().ok())
        .unwrap_or(DEFAULT_WATCH_SECONDS)
        .min(MAX_WATCH_SECONDS);
    let bookmarks = call.flag("allowWatchBookmarks");
    let format = WatchFormat::of(shared, call, request);
    let ((initial, ends_at_once), changes, mut revision) = {
        let store = lock(&shared.store);
        let initial = initial_events(shared, &store, call, request, &selectors, format);
        (initial, store.subscribe(), store.revision())
    };
    let (sender, receiver) = mpsc::channel(64);
    let shared = Arc::clone(shared);
    let request = request.clone();
    tokio::spawn(async move {
        for line in initial {
            if sender.send(line).await.is_err() {
                return;
            }
        }
        if ends_at_once {
            return;
        }
        let mut changes = changes;
        let mut shutdown = shared.shutdown.clone();
        let deadline = tokio::time::sleep(Duration::from_secs(seconds));
        tokio::pin!(deadline);
        loop {
            let line = tokio::select! {
                _ = &mut deadline => {
                    if bookmarks {
                        let _ = sender.send(bookmark(&shared, request.resource, revision, false)).await;
                    }
                    return;
                }
                _ = shutdown.changed() => return,
                _ = sender.closed() => return,
                received = changes.recv() => match received {
                    Ok(change) => {
                        revision = change.revision;
                        watched_line(&request, &selectors, &change, format)
                    }
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        let failure = status::expired_revision(revision, revision + 1);
                        let _ = sender.send(event_line("ERROR", &failure.body)).await;
                        return;
                    }
                    Err(broadcast::error::RecvError::Closed) => return,
                },
            };
            if let Some(line) = line
                && sender.send(line).await.is_err()
            {
                return;
            }
        }
    });
    let mut response = Response::new(ChannelBody(receiver).boxed());
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    response
}

/// The event a watch sends for a change, if any: as the server's watch
/// cache does, a modification that makes an object match (or stop
/// matching) the selectors is sent as ADDED (or DELETED).
fn watched_line(
    request: &ResourceRequest,
    selectors: &Selectors,
    change: &Change,
    format: WatchFormat,
) -> Option<Bytes> {
    if change.resource() != request.resource {
        return None;
    }
    let visible = |object: &Value| {
        request
            .namespace
            .as_deref()
            .is_none_or(|ns| object["metadata"]["namespace"].as_str() == Some(ns))
            && selectors.matches(object)
    };
    let now = visible(&change.object);
    let kind = match (change.kind, change.before.as_ref().map(visible)) {
        (ChangeKind::Modified, Some(false)) if now => ChangeKind::Added,
        (ChangeKind::Modified, Some(true)) if !now => ChangeKind::Deleted,
        (kind, _) if now => kind,
        _ => return None,
    };
    Some(format.line(kind.watch_type(), &change.object))
}

/// Container names of a pod, regular then init.
fn container_names(pod: &Value, field: &str) -> Vec<String> {
    pod["spec"][field]
        .as_array()
        .map(|containers| {
            containers
                .iter()
                .filter_map(|c| c["name"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn waiting_reason(pod: &Value, container: &str) -> Option<String> {
    ["containerStatuses", "initContainerStatuses"]
        .iter()
        .filter_map(|field| pod["status"][*field].as_array())
        .flatten()
        .find(|s| s["name"].as_str() == Some(container))
        .and_then(|s| s["state"]["waiting"]["reason"].as_str())
        .map(str::to_string)
}

fn logs(shared: &Shared, call: &Call, request: &ResourceRequest) -> Response<Body> {
    logs_text(shared, call, request).map_or_else(failure_response, |log| {
        bytes_response(200, "text/plain", log.into_bytes())
    })
}

fn logs_text(shared: &Shared, call: &Call, request: &ResourceRequest) -> Result<String, Failure> {
    let pod_name = request.name.clone().unwrap_or_default();
    let namespace = request.namespace.clone().unwrap_or_default();
    let store = lock(&shared.store);
    let pod_request = ResourceRequest {
        subresource: None,
        ..request.clone()
    };
    let pod = store
        .get(&pod_request.key(shared))
        .ok_or_else(|| status::not_found(&pod_request.target(shared)))?;
    let containers = container_names(pod, "containers");
    let init_containers = container_names(pod, "initContainers");
    let container = match call.param("container").filter(|c| !c.is_empty()) {
        Some(container) => container.to_string(),
        None if containers.len() == 1 => containers[0].clone(),
        None => {
            let mut message = format!(
                "a container name must be specified for pod {pod_name}, choose one of: [{}]",
                containers.join(" ")
            );
            if !init_containers.is_empty() {
                message.push_str(&format!(
                    " or one of the init containers: [{}]",
                    init_containers.join(" ")
                ));
            }
            return Err(status::bad_request(message));
        }
    };
    if !containers.contains(&container) && !init_containers.contains(&container) {
        return Err(status::bad_request(format!(
            "container {container} is not valid for pod {pod_name}"
        )));
    }
    let logs = store
        .logs
        .get(&(namespace, pod_name.clone(), container.clone()))
        .cloned()
        .unwrap_or_default();
    let log = if call.flag("previous") {
        logs.previous.ok_or_else(|| {
            status::bad_request(format!(
                "previous terminated container \"{container}\" in pod \"{pod_name}\" not found"
            ))
        })?
    } else {
        match (logs.current, waiting_reason(pod, &container)) {
            (Some(log), _) => log,
            (None, Some(reason)) => {
                return Err(status::bad_request(format!(
                    "container \"{container}\" in pod \"{pod_name}\" is waiting to start: {reason}"
                )));
            }
            (None, None) => String::new(),
        }
    };
    Ok(trim_log(log, call))
}

/// Applies tailLines, then limitBytes, as the kubelet does.
fn trim_log(log: String, call: &Call) -> String {
    let mut log = log;
    if let Some(tail) = call
        .param("tailLines")
        .and_then(|t| t.parse::<usize>().ok())
    {
        let lines: Vec<&str> = log.split_inclusive('\n').collect();
        let start = lines.len().saturating_sub(tail);
        log = lines[start..].concat();
    }
    if let Some(limit) = call
        .param("limitBytes")
        .and_then(|l| l.parse::<usize>().ok())
        && limit < log.len()
    {
        let mut cut = limit;
        while !log.is_char_boundary(cut) {
            cut -= 1;
        }
        log.truncate(cut);
    }
    log
}
