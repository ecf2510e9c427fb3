//! The fake API server in tests/support/apiserver, checked through the real
//! kube client and the real kubectl: if these pass, cluster code tested
//! against it meets the shapes and errors of a real cluster.

#[path = "support/apiserver/mod.rs"]
mod apiserver;

use apiserver::{ApiServer, Fault, Scenario};
use futures_util::StreamExt;
use k8s_openapi::api::admissionregistration::v1::ValidatingWebhookConfiguration;
use k8s_openapi::api::apps::v1::Deployment;
use k8s_openapi::api::core::v1::{ConfigMap, Event, Node, Pod};
use kube::api::{
    Api, DeleteParams, ListParams, LogParams, Patch, PatchParams, PostParams, WatchEvent,
    WatchParams,
};
use kube::discovery::{Discovery, Scope};
use serde_json::{Value, json};

const HEALTHY: &str = "testdata/cluster/healthy";
const WEB_POD: &str = "web-7c9d8f6b5d-4xk2p";
const RESTARTED_POD: &str = "web-7c9d8f6b5d-9zq7m";

async fn healthy() -> ApiServer {
    ApiServer::start(Scenario::load(HEALTHY)).await
}

fn api_error(error: kube::Error) -> (u16, String, String) {
    match error {
        kube::Error::Api(status) => (status.code, status.reason.clone(), status.message.clone()),
        other => panic!("expected an API error, got {other:?}"),
    }
}

#[tokio::test]
async fn lists_pods_across_namespaces() {
    let server = healthy().await;
    let pods: Api<Pod> = Api::all(server.client().await);
    let list = pods.list(&ListParams::default()).await.expect("list pods");
    let names: Vec<String> = list
        .items
        .iter()
        .map(|p| p.metadata.name.clone().unwrap_or_default())
        .collect();
    assert_eq!(names, [WEB_POD, RESTARTED_POD]);
    assert!(
        list.metadata
            .resource_version
            .is_some_and(|rv| !rv.is_empty())
    );
    assert_eq!(
        server.requests().last().map(|r| r.uri.clone()).as_deref(),
        Some("/api/v1/pods?")
    );
}

#[tokio::test]
async fn paginates_with_continue_tokens() {
    let server = healthy().await;
    let config_maps: Api<ConfigMap> = Api::all(server.client().await);
    let first = config_maps
        .list(&ListParams::default().limit(2))
        .await
        .expect("first page");
    assert_eq!(first.items.len(), 2);
    assert_eq!(first.metadata.remaining_item_count, Some(1));
    let token = first.metadata.continue_.clone().expect("a continue token");
    let second = config_maps
        .list(&ListParams::default().limit(2).continue_token(&token))
        .await
        .expect("second page");
    assert_eq!(second.items.len(), 1);
    assert_eq!(second.metadata.continue_, None);
    assert_eq!(
        second.metadata.resource_version,
        first.metadata.resource_version
    );
    let namespaces: Vec<String> = first
        .items
        .iter()
        .chain(&second.items)
        .map(|c| c.metadata.namespace.clone().unwrap_or_default())
        .collect();
    assert_eq!(namespaces, ["default", "kube-system", "shop"]);
    let lists = server.requests_to("/api/v1/configmaps");
    assert_eq!(lists, 2);
}

#[tokio::test]
async fn continued_pages_show_the_first_pages_revision() {
    let server = healthy().await;
    let config_maps: Api<ConfigMap> = Api::all(server.client().await);
    let first = config_maps
        .list(&ListParams::default().limit(1))
        .await
        .expect("first page");
    server.put_object(json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "zz-added-later", "namespace": "kube-system"}
    }));
    assert!(server.delete_object("v1", "ConfigMap", "shop", "kube-root-ca.crt"));
    let token = first.metadata.continue_.expect("a continue token");
    let rest = config_maps
        .list(&ListParams::default().continue_token(&token))
        .await
        .expect("the rest");
    let keys: Vec<String> = rest
        .items
        .iter()
        .map(|c| {
            format!(
                "{}/{}",
                c.metadata.namespace.clone().unwrap_or_default(),
                c.metadata.name.clone().unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(
        keys,
        ["kube-system/kube-root-ca.crt", "shop/kube-root-ca.crt"]
    );
    let now = config_maps
        .list(&ListParams::default())
        .await
        .expect("a fresh list");
    assert_eq!(now.items.len(), 3);
    assert_ne!(
        now.metadata.resource_version,
        first.metadata.resource_version
    );
}

#[tokio::test]
async fn a_stale_continue_token_is_expired() {
    let server = healthy().await;
    let config_maps: Api<ConfigMap> = Api::all(server.client().await);
    let first = config_maps
        .list(&ListParams::default().limit(1))
        .await
        .expect("first page");
    let token = first.metadata.continue_.expect("a continue token");
    server.put_object(json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "settings", "namespace": "shop"}, "data": {"mode": "fast"}
    }));
    server.compact();
    let error = config_maps
        .list(&ListParams::default().limit(1).continue_token(&token))
        .await
        .expect_err("the token is too old");
    let (code, reason, message) = api_error(error);
    assert_eq!((code, reason.as_str()), (410, "Expired"));
    assert!(
        message.starts_with("The provided continue parameter is too old"),
        "{message}"
    );
}

#[tokio::test]
async fn discovery_lists_the_served_groups() {
    let server = healthy().await;
    for aggregated in [false, true] {
        let discovery = Discovery::new(server.client().await);
        let discovery = if aggregated {
            discovery.run_aggregated().await
        } else {
            discovery.run().await
        }
        .expect("discovery runs");
        let apps = discovery.get("apps").expect("apps group");
        let (resource, capabilities) = apps.recommended_kind("Deployment").expect("deployments");
        assert_eq!(resource.plural, "deployments");
        assert_eq!(capabilities.scope, Scope::Namespaced);
        let core = discovery.get("").expect("core group");
        let (nodes, capabilities) = core.recommended_kind("Node").expect("nodes");
        assert_eq!(
            (nodes.plural.as_str(), capabilities.scope),
            ("nodes", Scope::Cluster)
        );
        assert!(discovery.has_group("metrics.k8s.io"));
        assert!(discovery.has_group("gateway.networking.k8s.io"));
        assert!(discovery.has_group("admissionregistration.k8s.io"));
    }
}

#[tokio::test]
async fn a_scenario_can_serve_fewer_apis() {
    let scenario = Scenario::load(HEALTHY).serving(&["pods", "namespaces", "deployments.apps"]);
    let server = ApiServer::start(scenario).await;
    let discovery = Discovery::new(server.client().await)
        .run()
        .await
        .expect("discovery runs");
    assert!(!discovery.has_group("metrics.k8s.io"));
    let core = discovery.get("").expect("core group");
    assert!(core.recommended_kind("Node").is_none());
    let nodes: Api<Node> = Api::all(server.client().await);
    let (code, _, message) = api_error(
        nodes
            .list(&ListParams::default())
            .await
            .expect_err("nodes are not served"),
    );
    assert_eq!((code, message.as_str()), (404, "404 page not found"));
}

async fn pod_names(server: &ApiServer, selector: &str) -> Vec<String> {
    let pods: Api<Pod> = Api::all(server.client().await);
    let list = pods
        .list(&ListParams::default().labels(selector))
        .await
        .expect("list pods");
    list.items
        .into_iter()
        .map(|p| p.metadata.name.unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn label_selectors_filter_lists() {
    let server = healthy().await;
    let both = [WEB_POD, RESTARTED_POD];
    for selector in [
        "app=web",
        "app==web",
        "app in (api,web)",
        "pod-template-hash",
        "!team",
        "app notin (api)",
    ] {
        assert_eq!(pod_names(&server, selector).await, both, "{selector}");
    }
    for selector in [
        "app!=web",
        "app in (api)",
        "!app",
        "app=web,team=payments",
        "app notin (web)",
    ] {
        assert!(pod_names(&server, selector).await.is_empty(), "{selector}");
    }
    let pods: Api<Pod> = Api::all(server.client().await);
    let error = pods
        .list(&ListParams::default().labels("app in web"))
        .await
        .expect_err("bad selector");
    assert_eq!(api_error(error).0, 400);
}

#[tokio::test]
async fn field_selectors_pick_events_of_one_object() {
    let server = healthy().await;
    let events: Api<Event> = Api::namespaced(server.client().await, "shop");
    let selector = format!("involvedObject.kind=Pod,involvedObject.name={RESTARTED_POD}");
    let list = events
        .list(&ListParams::default().fields(&selector))
        .await
        .expect("events");
    let reasons: Vec<String> = list
        .items
        .iter()
        .map(|e| e.reason.clone().unwrap_or_default())
        .collect();
    assert_eq!(reasons, ["Scheduled", "Pulled", "Created", "Started"]);
    assert_eq!(list.metadata.remaining_item_count, None);
    let pods: Api<Pod> = Api::all(server.client().await);
    let on_worker = pods
        .list(&ListParams::default().fields("spec.nodeName=worker-1,metadata.namespace=shop"))
        .await
        .expect("pods on worker-1");
    assert_eq!(on_worker.items.len(), 2);
    let error = pods
        .list(&ListParams::default().fields("spec.color=blue"))
        .await
        .expect_err("unknown field");
    let (code, _, message) = api_error(error);
    assert_eq!(
        (code, message.as_str()),
        (400, "field label not supported: spec.color")
    );
}

#[tokio::test]
async fn list_items_carry_no_kind_but_named_gets_do() {
    let server = healthy().await;
    let client = server.client().await;
    let request = hyper::Request::get("/apis/apps/v1/namespaces/shop/deployments")
        .body(Vec::new())
        .expect("request");
    let list: Value = client.request(request).await.expect("list deployments");
    assert_eq!(list["kind"], "DeploymentList");
    assert_eq!(list["apiVersion"], "apps/v1");
    assert!(list["items"][0].get("kind").is_none());
    assert!(list["items"][0].get("apiVersion").is_none());
    let deployments: Api<Deployment> = Api::namespaced(client, "shop");
    let web = deployments.get("web").await.expect("get web");
    assert_eq!(web.status.and_then(|s| s.ready_replicas), Some(2));
}

#[tokio::test]
async fn logs_current_previous_and_trimmed() {
    let server = healthy().await;
    let pods: Api<Pod> = Api::namespaced(server.client().await, "shop");
    let current = pods
        .logs(RESTARTED_POD, &LogParams::default())
        .await
        .expect("current log");
    assert!(
        current.starts_with("{\"time\":\"2026-12-03T14:02:12Z\""),
        "{current}"
    );
    let previous = pods
        .logs(
            RESTARTED_POD,
            &LogParams {
                previous: true,
                ..LogParams::default()
            },
        )
        .await
        .expect("previous log");
    assert!(
        previous.ends_with("\"msg\":\"shutdown complete\"}\n"),
        "{previous}"
    );
    let tail = pods
        .logs(
            WEB_POD,
            &LogParams {
                tail_lines: Some(2),
                ..LogParams::default()
            },
        )
        .await
        .expect("tail");
    assert_eq!(tail.lines().count(), 2);
    let limited = pods
        .logs(
            WEB_POD,
            &LogParams {
                limit_bytes: Some(10),
                ..LogParams::default()
            },
        )
        .await
        .expect("limited");
    assert_eq!(limited, "{\"time\":\"2");
    let error = pods
        .logs(
            WEB_POD,
            &LogParams {
                previous: true,
                ..LogParams::default()
            },
        )
        .await
        .expect_err("no previous instance");
    let (code, reason, message) = api_error(error);
    assert_eq!((code, reason.as_str()), (400, "BadRequest"));
    assert_eq!(
        message,
        format!("previous terminated container \"web\" in pod \"{WEB_POD}\" not found")
    );
}

#[tokio::test]
async fn a_cluster_info_dump_loads_with_its_logs() {
    let server = ApiServer::start(Scenario::load("testdata/cluster/cluster-info-dump")).await;
    let pods: Api<Pod> = Api::namespaced(server.client().await, "shop");
    let pod = pods.get(WEB_POD).await.expect("the dumped pod");
    assert_eq!(pod.spec.map(|s| s.containers.len()), Some(2));
    let nodes: Api<Node> = Api::all(server.client().await);
    assert_eq!(
        nodes
            .list(&ListParams::default())
            .await
            .expect("nodes")
            .items
            .len(),
        2
    );
    let error = pods
        .logs(WEB_POD, &LogParams::default())
        .await
        .expect_err("two containers");
    assert_eq!(
        api_error(error).2,
        format!(
            "a container name must be specified for pod {WEB_POD}, choose one of: [web log-shipper]"
        )
    );
    let shipper = pods
        .logs(
            WEB_POD,
            &LogParams {
                container: Some("log-shipper".to_string()),
                ..LogParams::default()
            },
        )
        .await
        .expect("sidecar log");
    assert_eq!(
        shipper,
        "2026-12-01T10:15:05Z INFO shipping /var/log/web to stdout\n"
    );
}

#[tokio::test]
async fn injected_faults_decode_as_api_errors() {
    let server = healthy().await;
    let mut config = server.config().await;
    config.default_retry = false;
    let client = kube::Client::try_from(config).expect("client");
    let pods: Api<Pod> = Api::all(client.clone());
    let cases = [
        (Fault::forbidden(), 403, "Forbidden"),
        (Fault::not_found(), 404, "NotFound"),
        (Fault::gone(), 410, "Expired"),
        (Fault::too_many_requests(1), 429, "TooManyRequests"),
        (Fault::internal_error(), 500, "InternalError"),
    ];
    for (fault, code, reason) in cases {
        server.fail(fault.for_resource("pods").once());
        let error = pods
            .list(&ListParams::default())
            .await
            .expect_err("the fault hits");
        let decoded = api_error(error);
        assert_eq!((decoded.0, decoded.1.as_str()), (code, reason));
    }
    pods.list(&ListParams::default())
        .await
        .expect("faults were used up");

    server.fail(Fault::forbidden().at_path("/api/v1/pods"));
    let (_, _, message) = api_error(
        pods.list(&ListParams::default())
            .await
            .expect_err("forbidden"),
    );
    assert_eq!(
        message,
        "pods is forbidden: User \"system:serviceaccount:guard-system:guard\" cannot list resource \"pods\" in API group \"\" at the cluster scope"
    );
    let deployments: Api<Deployment> = Api::namespaced(client, "shop");
    server.fail(Fault::forbidden().for_resource("deployments"));
    let (_, _, message) = api_error(deployments.get("web").await.expect_err("forbidden"));
    assert_eq!(
        message,
        "deployments.apps \"web\" is forbidden: User \"system:serviceaccount:guard-system:guard\" cannot get resource \"deployments\" in API group \"apps\" in the namespace \"shop\""
    );
    let (code, _, message) = api_error(deployments.get("api").await.expect_err("missing"));
    assert_eq!(
        (code, message.as_str()),
        (
            403,
            "deployments.apps \"api\" is forbidden: User \"system:serviceaccount:guard-system:guard\" cannot get resource \"deployments\" in API group \"apps\" in the namespace \"shop\""
        )
    );
    server.clear_faults();
    let (code, reason, message) = api_error(deployments.get("api").await.expect_err("missing"));
    assert_eq!(
        (code, reason.as_str(), message.as_str()),
        (404, "NotFound", "deployments.apps \"api\" not found")
    );
}

#[tokio::test]
async fn too_many_requests_carries_retry_after_and_kube_retries() {
    let server = healthy().await;
    let client = server.client().await;
    server.fail(
        Fault::too_many_requests(1)
            .at_path("/api/v1/namespaces")
            .once(),
    );
    let request = hyper::Request::get("/api/v1/namespaces")
        .body(kube::client::Body::empty())
        .expect("request");
    let mut config = server.config().await;
    config.default_retry = false;
    let no_retry = kube::Client::try_from(config).expect("client");
    let response = no_retry.send(request).await.expect("a response");
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(
        response
            .headers()
            .get("Retry-After")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );

    server.fail(
        Fault::too_many_requests(1)
            .at_path("/api/v1/namespaces")
            .once(),
    );
    let namespaces: Api<k8s_openapi::api::core::v1::Namespace> = Api::all(client);
    let list = namespaces
        .list(&ListParams::default())
        .await
        .expect("kube retries after the 429");
    assert_eq!(list.items.len(), 3);
    let attempts = server.requests_to("/api/v1/namespaces");
    assert_eq!(attempts, 3);
}

#[tokio::test]
async fn requests_without_the_token_are_unauthorized() {
    let server = healthy().await;
    let mut config = server.config().await;
    config.auth_info.token = None;
    let client = kube::Client::try_from(config).expect("client");
    let pods: Api<Pod> = Api::all(client);
    let (code, reason, _) = api_error(
        pods.list(&ListParams::default())
            .await
            .expect_err("no token"),
    );
    assert_eq!((code, reason.as_str()), (401, "Unauthorized"));
}

async fn next_event(
    stream: &mut (impl futures_util::Stream<Item = kube::Result<WatchEvent<ConfigMap>>> + Unpin),
) -> WatchEvent<ConfigMap> {
    stream
        .next()
        .await
        .expect("the watch is open")
        .expect("an event")
}

fn settings(mode: &str) -> Value {
    json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": "settings", "namespace": "shop"}, "data": {"mode": mode}
    })
}

#[tokio::test]
async fn watches_see_changes_made_while_open() {
    let server = healthy().await;
    let config_maps: Api<ConfigMap> = Api::namespaced(server.client().await, "shop");
    let revision = server.revision().to_string();
    let params = WatchParams::default().timeout(20);
    let mut stream = config_maps
        .watch(&params, &revision)
        .await
        .expect("watch")
        .boxed();
    server.put_object(settings("fast"));
    let WatchEvent::Added(added) = next_event(&mut stream).await else {
        panic!("expected ADDED")
    };
    assert_eq!(
        added.data.and_then(|d| d.get("mode").cloned()).as_deref(),
        Some("fast")
    );
    assert!(added.metadata.uid.is_some());
    server.put_object(settings("safe"));
    let WatchEvent::Modified(modified) = next_event(&mut stream).await else {
        panic!("expected MODIFIED")
    };
    assert_eq!(
        modified.metadata.uid, added.metadata.uid,
        "an update keeps the uid"
    );
    assert!(server.delete_object("v1", "ConfigMap", "shop", "settings"));
    assert!(matches!(
        next_event(&mut stream).await,
        WatchEvent::Deleted(_)
    ));
    server.put_object(json!({
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "elsewhere", "namespace": "default"}
    }));
    server.put_object(settings("again"));
    let WatchEvent::Added(again) = next_event(&mut stream).await else {
        panic!("only shop's config maps are watched")
    };
    assert_eq!(again.metadata.name.as_deref(), Some("settings"));
}

#[tokio::test]
async fn a_watch_ends_with_a_bookmark_at_its_timeout() {
    let server = healthy().await;
    let config_maps: Api<ConfigMap> = Api::namespaced(server.client().await, "shop");
    let params = WatchParams::default().timeout(1);
    let mut stream = config_maps
        .watch(&params, &server.revision().to_string())
        .await
        .expect("watch")
        .boxed();
    let WatchEvent::Bookmark(bookmark) = next_event(&mut stream).await else {
        panic!("expected a bookmark")
    };
    assert_eq!(
        bookmark.metadata.resource_version,
        server.revision().to_string()
    );
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn a_watch_from_a_compacted_revision_gets_410() {
    let server = healthy().await;
    let config_maps: Api<ConfigMap> = Api::namespaced(server.client().await, "shop");
    let old = server.revision().to_string();
    server.put_object(settings("fast"));
    server.compact();
    let mut stream = config_maps
        .watch(&WatchParams::default().timeout(5), &old)
        .await
        .expect("watch")
        .boxed();
    let WatchEvent::Error(status) = next_event(&mut stream).await else {
        panic!("expected an ERROR event")
    };
    assert_eq!((status.code, status.reason.as_str()), (410, "Expired"));
    assert!(stream.next().await.is_none());
}

#[tokio::test]
async fn watch_from_zero_lists_current_objects_first() {
    let server = healthy().await;
    let config_maps: Api<ConfigMap> = Api::all(server.client().await);
    let mut stream = config_maps
        .watch(&WatchParams::default().timeout(5), "0")
        .await
        .expect("watch")
        .boxed();
    for namespace in ["default", "kube-system", "shop"] {
        let WatchEvent::Added(object) = next_event(&mut stream).await else {
            panic!("expected ADDED")
        };
        assert_eq!(object.metadata.namespace.as_deref(), Some(namespace));
    }
}

#[tokio::test]
async fn a_selector_watch_sees_objects_enter_and_leave_the_selection() {
    let server = healthy().await;
    let config_maps: Api<ConfigMap> = Api::namespaced(server.client().await, "shop");
    let params = WatchParams::default().timeout(20).labels("tier=cache");
    let revision = server.revision().to_string();
    let mut stream = config_maps
        .watch(&params, &revision)
        .await
        .expect("watch")
        .boxed();
    let mut labelled = settings("fast");
    server.put_object(labelled.clone());
    labelled["metadata"]["labels"] = json!({"tier": "cache"});
    server.put_object(labelled.clone());
    assert!(matches!(
        next_event(&mut stream).await,
        WatchEvent::Added(_)
    ));
    labelled["metadata"]["labels"] = json!({"tier": "web"});
    server.put_object(labelled);
    assert!(matches!(
        next_event(&mut stream).await,
        WatchEvent::Deleted(_)
    ));
}

#[tokio::test]
async fn a_streaming_list_ends_its_initial_events_with_a_bookmark() {
    let server = healthy().await;
    let config_maps: Api<ConfigMap> = Api::all(server.client().await);
    let params = WatchParams::streaming_lists().timeout(5);
    let mut stream = config_maps.watch(&params, "").await.expect("watch").boxed();
    for _ in 0..3 {
        assert!(matches!(
            next_event(&mut stream).await,
            WatchEvent::Added(_)
        ));
    }
    let WatchEvent::Bookmark(bookmark) = next_event(&mut stream).await else {
        panic!("expected the initial-events-end bookmark")
    };
    let annotations = bookmark.metadata.annotations;
    assert_eq!(
        annotations
            .get("k8s.io/initial-events-end")
            .map(String::as_str),
        Some("true")
    );
}

#[tokio::test]
async fn events_are_served_in_both_api_groups() {
    let server = healthy().await;
    let client = server.client().await;
    let core: Api<Event> = Api::namespaced(client.clone(), "shop");
    let new: Api<k8s_openapi::api::events::v1::Event> = Api::namespaced(client, "shop");
    let core_events = core
        .list(&ListParams::default())
        .await
        .expect("core events");
    let new_events = new
        .list(&ListParams::default())
        .await
        .expect("events.k8s.io events");
    assert_eq!(core_events.items.len(), new_events.items.len());
    let scheduled = new_events
        .items
        .iter()
        .find(|e| e.reason.as_deref() == Some("Scheduled"))
        .expect("a Scheduled event");
    assert_eq!(
        scheduled.regarding.as_ref().and_then(|r| r.kind.as_deref()),
        Some("Pod")
    );
    assert_eq!(
        scheduled.note.as_deref(),
        Some(format!("Successfully assigned shop/{WEB_POD} to worker-1").as_str())
    );
}

#[tokio::test]
async fn a_watch_can_print_tables_for_kubectl() {
    let server = healthy().await;
    let request = hyper::Request::get("/api/v1/namespaces/shop/pods?watch=1&timeoutSeconds=1")
        .header(
            "Accept",
            "application/json;as=Table;v=v1;g=meta.k8s.io,application/json",
        )
        .body(Vec::new())
        .expect("request");
    let text = server
        .client()
        .await
        .request_text(request)
        .await
        .expect("watch");
    let events: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("one event a line"))
        .collect();
    assert_eq!(events.len(), 2);
    for event in &events {
        assert_eq!(event["type"], "ADDED");
        assert_eq!(event["object"]["kind"], "Table");
        assert_eq!(event["object"]["rows"][0]["cells"][2], "Running");
    }
}

fn deployment_patch(replicas: i64) -> Value {
    json!({
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "shop"},
        "spec": {"replicas": replicas}
    })
}

#[tokio::test]
async fn server_side_apply_creates_updates_and_dry_runs() {
    let server = healthy().await;
    let config_maps: Api<ConfigMap> = Api::namespaced(server.client().await, "shop");
    let params = PatchParams::apply("guard");
    let created = config_maps
        .patch("settings", &params, &Patch::Apply(settings("fast")))
        .await
        .expect("apply creates");
    let managers: Vec<String> = created
        .metadata
        .managed_fields
        .unwrap_or_default()
        .into_iter()
        .map(|m| {
            format!(
                "{}:{}",
                m.manager.unwrap_or_default(),
                m.operation.unwrap_or_default()
            )
        })
        .collect();
    assert_eq!(managers, ["guard:Apply"]);
    let first_version = created.metadata.resource_version.expect("resourceVersion");

    let dry = config_maps
        .patch(
            "settings",
            &PatchParams::apply("guard").dry_run(),
            &Patch::Apply(settings("safe")),
        )
        .await
        .expect("dry-run apply");
    assert_eq!(
        dry.data.and_then(|d| d.get("mode").cloned()).as_deref(),
        Some("safe")
    );
    let stored = server
        .object("v1", "ConfigMap", "shop", "settings")
        .expect("stored");
    assert_eq!(stored["data"]["mode"], "fast");
    assert_eq!(
        stored["metadata"]["resourceVersion"],
        first_version.as_str()
    );

    let same = config_maps
        .patch("settings", &params, &Patch::Apply(settings("fast")))
        .await
        .expect("no-op apply");
    assert_eq!(
        same.metadata.resource_version.as_deref(),
        Some(first_version.as_str())
    );
    let updated = config_maps
        .patch("settings", &params, &Patch::Apply(settings("safe")))
        .await
        .expect("apply updates");
    assert_ne!(
        updated.metadata.resource_version.as_deref(),
        Some(first_version.as_str())
    );
    let writes = server.writes();
    assert_eq!(writes.len(), 4);
    assert!(writes.iter().all(|w| w.method == "PATCH"));
}

#[tokio::test]
async fn apply_conflicts_with_another_managers_field_unless_forced() {
    let server = healthy().await;
    let deployments: Api<Deployment> = Api::namespaced(server.client().await, "shop");
    let error = deployments
        .patch(
            "web",
            &PatchParams::apply("guard"),
            &Patch::Apply(deployment_patch(3)),
        )
        .await
        .expect_err("replicas belong to kubectl");
    let (code, reason, message) = api_error(error);
    assert_eq!((code, reason.as_str()), (409, "Conflict"));
    assert_eq!(
        message,
        "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas"
    );
    deployments
        .patch(
            "web",
            &PatchParams::apply("guard"),
            &Patch::Apply(deployment_patch(2)),
        )
        .await
        .expect("the same value is no conflict");
    let forced = deployments
        .patch(
            "web",
            &PatchParams::apply("guard").force(),
            &Patch::Apply(deployment_patch(3)),
        )
        .await
        .expect("forced apply");
    assert_eq!(forced.spec.and_then(|s| s.replicas), Some(3));
    assert_eq!(forced.metadata.generation, Some(2));
    let stored = server
        .object("apps/v1", "Deployment", "shop", "web")
        .expect("stored");
    let guard_fields = stored["metadata"]["managedFields"]
        .as_array()
        .and_then(|entries| entries.iter().find(|e| e["manager"] == "guard"))
        .map(|e| e["fieldsV1"].clone());
    assert_eq!(guard_fields, Some(json!({"f:spec": {"f:replicas": {}}})));
    let entries = stored["metadata"]["managedFields"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let fields_of = |manager: &str| {
        entries
            .iter()
            .find(|e| e["manager"] == manager)
            .map(|e| e["fieldsV1"].clone())
            .unwrap_or_default()
    };
    let kubectl_fields = fields_of("kubectl-client-side-apply");
    assert!(
        kubectl_fields["f:spec"].get("f:replicas").is_none(),
        "the forced apply took .spec.replicas"
    );
    assert!(kubectl_fields["f:spec"].get("f:template").is_some());
    let status_fields = fields_of("kube-controller-manager");
    assert!(
        status_fields["f:status"]["f:conditions"].is_object(),
        "the status entry is kept as it was"
    );
}

#[tokio::test]
async fn create_and_delete_are_recorded_as_writes() {
    let server = healthy().await;
    let config_maps: Api<ConfigMap> = Api::namespaced(server.client().await, "shop");
    let object: ConfigMap = serde_json::from_value(settings("fast")).expect("a ConfigMap");
    let created = config_maps
        .create(&PostParams::default(), &object)
        .await
        .expect("create");
    assert!(created.metadata.uid.is_some() && created.metadata.creation_timestamp.is_some());
    let (code, reason, message) = api_error(
        config_maps
            .create(&PostParams::default(), &object)
            .await
            .expect_err("exists"),
    );
    assert_eq!(
        (code, reason.as_str(), message.as_str()),
        (
            409,
            "AlreadyExists",
            "configmaps \"settings\" already exists"
        )
    );
    config_maps
        .delete("settings", &DeleteParams::default())
        .await
        .expect("delete");
    let (code, _, _) = api_error(config_maps.get("settings").await.expect_err("deleted"));
    assert_eq!(code, 404);
    let elsewhere: Api<ConfigMap> = Api::namespaced(server.client().await, "nope");
    let mut object = object;
    object.metadata.namespace = None;
    let (code, _, message) = api_error(
        elsewhere
            .create(&PostParams::default(), &object)
            .await
            .expect_err("no namespace"),
    );
    assert_eq!(
        (code, message.as_str()),
        (404, "namespaces \"nope\" not found")
    );
    let methods: Vec<String> = server.writes().into_iter().map(|w| w.method).collect();
    assert_eq!(methods, ["POST", "POST", "DELETE", "POST"]);
}

#[tokio::test]
async fn merge_patch_and_replace_update_the_store() {
    let server = healthy().await;
    let deployments: Api<Deployment> = Api::namespaced(server.client().await, "shop");
    let labelled = deployments
        .patch(
            "web",
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"labels": {"team": "payments"}}})),
        )
        .await
        .expect("merge patch");
    assert_eq!(labelled.metadata.generation, Some(1), "labels are not spec");
    let labels = labelled.metadata.labels.clone().unwrap_or_default();
    assert_eq!(labels.get("team").map(String::as_str), Some("payments"));

    let mut scaled = labelled.clone();
    if let Some(spec) = scaled.spec.as_mut() {
        spec.replicas = Some(4);
    }
    let replaced = deployments
        .replace("web", &PostParams::default(), &scaled)
        .await
        .expect("replace");
    assert_eq!(replaced.metadata.generation, Some(2));
    assert_eq!(replaced.metadata.uid, labelled.metadata.uid);
    let (code, reason, message) = api_error(
        deployments
            .replace("web", &PostParams::default(), &scaled)
            .await
            .expect_err("a stale resourceVersion"),
    );
    assert_eq!((code, reason.as_str()), (409, "Conflict"));
    assert!(message.starts_with("Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified"), "{message}");
    let status = deployments
        .get_status("web")
        .await
        .expect("read the status subresource");
    assert_eq!(status.status.and_then(|s| s.available_replicas), Some(2));
    let (code, reason, _) = api_error(
        deployments
            .patch_status(
                "web",
                &PatchParams::default(),
                &Patch::Merge(json!({"status": {"replicas": 9}})),
            )
            .await
            .expect_err("status is read-only here"),
    );
    assert_eq!((code, reason.as_str()), (405, "MethodNotAllowed"));
    let json_patch = hyper::Request::patch("/apis/apps/v1/namespaces/shop/deployments/web")
        .header("Content-Type", "application/json-patch+json")
        .body(br#"[{"op":"replace","path":"/spec/replicas","value":1}]"#.to_vec())
        .expect("request");
    let error = server
        .client()
        .await
        .request::<Value>(json_patch)
        .await
        .expect_err("JSON patch is not supported");
    let (code, reason, _) = api_error(error);
    assert_eq!((code, reason.as_str()), (415, "UnsupportedMediaType"));
}

#[tokio::test]
async fn a_scenario_can_be_built_in_code() {
    let pod = json!({
        "apiVersion": "v1", "kind": "Pod",
        "metadata": {"name": "batch", "namespace": "default", "uid": "0b5e2a61-7c3d-4e8f-9a1b-2c3d4e5f6a7b"},
        "spec": {"containers": [{"name": "main", "image": "busybox:1.36"}]},
        "status": {"phase": "Running"}
    });
    let scenario = Scenario::empty()
        .with_object(pod)
        .with_log("default", "batch", "main", "second run\n")
        .with_previous_log("default", "batch", "main", "first run\n")
        .with_user("alice@example.com");
    let server = ApiServer::start(scenario).await;
    assert!(server.url().starts_with("https://127.0.0.1:"));
    let mut config = server.config().await;
    config.default_retry = false;
    let pods: Api<Pod> =
        Api::namespaced(kube::Client::try_from(config).expect("client"), "default");
    let previous = pods
        .logs(
            "batch",
            &LogParams {
                previous: true,
                ..LogParams::default()
            },
        )
        .await
        .expect("previous log");
    assert_eq!(previous, "first run\n");
    server.clear_requests();
    server.fail(Fault::forbidden().for_resource("pods").times(2));
    for _ in 0..2 {
        let (_, _, message) = api_error(pods.get("batch").await.expect_err("forbidden"));
        assert!(
            message.contains("User \"alice@example.com\" cannot get resource \"pods\""),
            "{message}"
        );
    }
    pods.get("batch").await.expect("the fault hit twice");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn webhook_configurations_are_cluster_scoped() {
    let webhook = json!({
        "apiVersion": "admissionregistration.k8s.io/v1",
        "kind": "ValidatingWebhookConfiguration",
        "metadata": {"name": "guard", "uid": "9a0c7e52-1b3d-4f6a-8e2c-5d7f9b1a3c4e", "resourceVersion": "700"},
        "webhooks": [{
            "name": "validate.guard.example.com",
            "admissionReviewVersions": ["v1"],
            "clientConfig": {"service": {"name": "guard", "namespace": "guard-system", "path": "/validate", "port": 443}},
            "failurePolicy": "Fail",
            "matchPolicy": "Equivalent",
            "namespaceSelector": {},
            "objectSelector": {},
            "rules": [{"apiGroups": ["apps"], "apiVersions": ["v1"], "operations": ["CREATE", "UPDATE"], "resources": ["deployments"], "scope": "*"}],
            "sideEffects": "None",
            "timeoutSeconds": 10
        }]
    });
    let server = ApiServer::start(Scenario::empty().with_object(webhook)).await;
    let webhooks: Api<ValidatingWebhookConfiguration> = Api::all(server.client().await);
    let list = webhooks
        .list(&ListParams::default())
        .await
        .expect("list webhooks");
    assert_eq!(list.items.len(), 1);
    assert_eq!(list.metadata.resource_version.as_deref(), Some("700"));
    let rules = list.items[0].webhooks.as_ref().map(|w| w[0].rules.clone());
    assert_eq!(rules.flatten().map(|r| r.len()), Some(1));
}

#[tokio::test]
async fn an_unknown_kind_fails_the_load() {
    let dir = std::env::temp_dir().join(format!("guard-scenario-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let widget =
        json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}});
    std::fs::write(dir.join("widgets.json"), widget.to_string()).expect("write");
    let error = Scenario::try_load(&dir).expect_err("Widget is unknown");
    std::fs::remove_dir_all(&dir).expect("cleanup");
    assert!(
        error.ends_with("no resource type for kind \"Widget\" in \"example.com/v1\""),
        "{error}"
    );
}

#[tokio::test]
async fn stop_closes_the_port() {
    let server = healthy().await;
    let client = server.client().await;
    let pods: Api<Pod> = Api::all(client);
    pods.list(&ListParams::default()).await.expect("serving");
    let kubeconfig = server.kubeconfig_path().to_path_buf();
    server.stop().await;
    assert!(pods.list(&ListParams::default()).await.is_err());
    assert!(!kubeconfig.exists());
}

/// Whether kubectl runs; outside CI a missing one skips the test with a
/// note, in CI (`CI` set) it fails the test.
fn has_kubectl() -> bool {
    let works = std::process::Command::new("kubectl")
        .args(["version", "--client"])
        .output()
        .is_ok_and(|output| output.status.success());
    if works {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "kubectl is required in CI (.ci/run installs it)"
    );
    eprintln!("skipped: kubectl is not installed");
    false
}

/// Runs kubectl and returns its stdout; fails the test on a non-zero exit.
async fn run_kubectl(server: &ApiServer, args: &[&str]) -> String {
    let (success, stdout, stderr) = try_kubectl(server, args).await;
    assert!(
        success,
        "kubectl failed\n--- stdout:\n{stdout}\n--- stderr:\n{stderr}"
    );
    stdout
}

/// Runs kubectl against the server off the async runtime (the server runs
/// on it) and returns (success, stdout, stderr).
async fn try_kubectl(server: &ApiServer, args: &[&str]) -> (bool, String, String) {
    let kubeconfig = server.kubeconfig_path().to_path_buf();
    let cache = kubeconfig.with_file_name("kubectl-cache");
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new("kubectl")
            .arg("--kubeconfig")
            .arg(&kubeconfig)
            .arg("--cache-dir")
            .arg(&cache)
            .arg("--request-timeout=20s")
            .args(&args)
            .env_remove("KUBECONFIG")
            .stdin(std::process::Stdio::null())
            .output()
    })
    .await
    .expect("the kubectl task")
    .expect("kubectl runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.success(), stdout, stderr)
}

#[tokio::test]
async fn kubectl_gets_pods_in_all_namespaces() {
    if !has_kubectl() {
        return;
    }
    let server = healthy().await;
    let output = run_kubectl(&server, &["get", "pods", "-A"]).await;
    let lines: Vec<Vec<&str>> = output
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        lines[0],
        ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    );
    assert_eq!(lines[1][..4], ["shop", WEB_POD, "1/1", "Running"]);
    assert_eq!(
        lines[2][..5],
        ["shop", RESTARTED_POD, "1/1", "Running", "1"]
    );
    assert_eq!(lines.len(), 3);
    assert!(server.writes().is_empty());
    let versions: Vec<String> = server.requests().into_iter().map(|r| r.version).collect();
    assert!(
        versions.iter().all(|v| v == "HTTP/2.0"),
        "kubectl speaks HTTP/2 over TLS: {versions:?}"
    );
}

#[tokio::test]
async fn kube_speaks_http1_to_the_same_server() {
    let server = healthy().await;
    let pods: Api<Pod> = Api::all(server.client().await);
    pods.list(&ListParams::default()).await.expect("list pods");
    let versions: Vec<String> = server.requests().into_iter().map(|r| r.version).collect();
    assert_eq!(versions, ["HTTP/1.1"]);
}

#[tokio::test]
async fn kubectl_reports_a_forbidden_list_as_the_server_words_it() {
    if !has_kubectl() {
        return;
    }
    let server = healthy().await;
    server.fail(Fault::forbidden().at_path("/api/v1/namespaces/shop/pods"));
    let (success, _, stderr) = try_kubectl(&server, &["get", "pods", "-n", "shop"]).await;
    assert!(!success);
    assert!(
        stderr.contains("Error from server (Forbidden): pods is forbidden: User \"system:serviceaccount:guard-system:guard\" cannot list resource \"pods\" in API group \"\" in the namespace \"shop\""),
        "{stderr}"
    );
}

#[tokio::test]
async fn kubectl_applies_server_side() {
    if !has_kubectl() {
        return;
    }
    let server = healthy().await;
    let manifest = server.kubeconfig_path().with_file_name("settings.json");
    std::fs::write(&manifest, settings("fast").to_string()).expect("write the manifest");
    let manifest = manifest.to_string_lossy().into_owned();
    // Validation, and server dry-run in kubectl before 1.26, would need the
    // OpenAPI documents, which the server does not serve.
    let apply = [
        "apply",
        "--server-side",
        "--validate=false",
        "--field-manager=guard",
        "-f",
        manifest.as_str(),
    ];
    let output = run_kubectl(&server, &apply).await;
    assert_eq!(output, "configmap/settings serverside-applied\n");
    let stored = server
        .object("v1", "ConfigMap", "shop", "settings")
        .expect("applied");
    assert_eq!(stored["metadata"]["managedFields"][0]["manager"], "guard");
    let patches = server
        .writes()
        .iter()
        .filter(|w| w.method == "PATCH")
        .count();
    assert_eq!(patches, 1);
}

#[tokio::test]
async fn kubectl_gets_deployments_as_json() {
    if !has_kubectl() {
        return;
    }
    let server = healthy().await;
    let output = run_kubectl(&server, &["get", "deploy", "-n", "shop", "-o", "json"]).await;
    let list: Value = serde_json::from_str(&output).expect("kubectl prints JSON");
    assert_eq!(list["kind"], "List");
    assert_eq!(list["items"][0]["kind"], "Deployment");
    assert_eq!(list["items"][0]["apiVersion"], "apps/v1");
    assert_eq!(list["items"][0]["status"]["readyReplicas"], 2);
    let wide = run_kubectl(&server, &["get", "nodes", "-o", "wide"]).await;
    assert!(
        wide.contains("cp-1")
            && wide.contains("control-plane")
            && wide.contains("containerd://2.1.1"),
        "{wide}"
    );
}

#[tokio::test]
async fn kubectl_shows_previous_logs() {
    if !has_kubectl() {
        return;
    }
    let server = healthy().await;
    let previous = run_kubectl(
        &server,
        &["logs", "-n", "shop", RESTARTED_POD, "--previous"],
    )
    .await;
    assert!(
        previous.ends_with("\"msg\":\"shutdown complete\"}\n"),
        "{previous}"
    );
    let tail = run_kubectl(&server, &["logs", "-n", "shop", WEB_POD, "--tail", "1"]).await;
    assert_eq!(tail.lines().count(), 1);
    let log_requests: Vec<String> = server
        .requests()
        .into_iter()
        .filter(|r| r.path().ends_with("/log"))
        .map(|r| r.uri)
        .collect();
    assert!(
        log_requests[0].contains("previous=true"),
        "{log_requests:?}"
    );
}

#[tokio::test]
async fn kubectl_describes_a_pod_with_its_events() {
    if !has_kubectl() {
        return;
    }
    let server = healthy().await;
    let output = run_kubectl(&server, &["describe", "pod", "-n", "shop", RESTARTED_POD]).await;
    for expected in [
        "Controlled By:  ReplicaSet/web-7c9d8f6b5d",
        "Restart Count:  1",
        "Reason:       Completed",
        "Successfully assigned shop/web-7c9d8f6b5d-9zq7m to worker-1",
    ] {
        assert!(
            output.contains(expected),
            "missing {expected:?} in\n{output}"
        );
    }
    assert!(server.writes().is_empty());
}

#[tokio::test]
async fn kubectl_reads_events_metrics_and_pages() {
    if !has_kubectl() {
        return;
    }
    let server = healthy().await;
    let events = run_kubectl(&server, &["get", "events", "-n", "shop"]).await;
    let header: Vec<&str> = events
        .lines()
        .next()
        .unwrap_or_default()
        .split_whitespace()
        .collect();
    assert_eq!(
        header,
        ["LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
    );
    assert!(events.contains("deployment/web"), "{events}");
    let top = run_kubectl(&server, &["top", "pods", "-n", "shop"]).await;
    let rows: Vec<Vec<&str>> = top
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().collect())
        .collect();
    assert_eq!(
        rows,
        [[WEB_POD, "4m", "40Mi"], [RESTARTED_POD, "3m", "38Mi"]]
    );
    server.clear_requests();
    let paged = run_kubectl(
        &server,
        &["get", "configmaps", "-A", "--chunk-size=1", "--no-headers"],
    )
    .await;
    assert_eq!(paged.lines().count(), 3);
    let pages = server.requests_to("/api/v1/configmaps");
    assert_eq!(pages, 3);
}

#[tokio::test]
async fn dropping_the_server_closes_the_port() {
    let server = healthy().await;
    let pods: Api<Pod> = Api::all(server.client().await);
    pods.list(&ListParams::default()).await.expect("serving");
    drop(server);
    assert!(pods.list(&ListParams::default()).await.is_err());
}

#[tokio::test]
async fn malformed_requests_get_a_status_and_the_server_goes_on() {
    let server = healthy().await;
    let mut config = server.config().await;
    config.default_retry = false;
    let client = kube::Client::try_from(config).expect("client");
    let deployment = "/apis/apps/v1/namespaces/shop/deployments/web";
    let cases: [(&str, &str, &str, &[u8]); 9] = [
        (
            "PATCH",
            "/apis/apps/v1/namespaces/shop/deployments/web?fieldManager=guard",
            "application/apply-patch+yaml",
            br#"{"metadata": 5}"#,
        ),
        (
            "PATCH",
            deployment,
            "application/merge-patch+json",
            br#"{"metadata": 7}"#,
        ),
        (
            "PATCH",
            deployment,
            "application/merge-patch+json",
            b"not json",
        ),
        (
            "POST",
            "/api/v1/namespaces/shop/configmaps",
            "application/json",
            b"[]",
        ),
        ("GET", "/api/v1/pods?limit=1&continue=%%%", "", b""),
        ("GET", "/api/v1/pods?continue=bm90IGpzb24", "", b""),
        ("GET", "/api/v1/pods?labelSelector=app%20in%20(", "", b""),
        ("GET", "/api/v1/pods?fieldSelector=metadata.name", "", b""),
        (
            "PATCH",
            "/apis/apps/v1/namespaces/shop/deployments/web",
            "application/apply-patch+yaml",
            b"{}",
        ),
    ];
    for (method, uri, content_type, body) in cases {
        let mut request = hyper::Request::builder().method(method).uri(uri);
        if !content_type.is_empty() {
            request = request.header("Content-Type", content_type);
        }
        let request = request.body(body.to_vec()).expect("request");
        let error = client.request::<Value>(request).await.expect_err("refused");
        let (code, reason, message) = api_error(error);
        assert_eq!(
            (code, reason.as_str()),
            (400, "BadRequest"),
            "{method} {uri}: {message}"
        );
    }
    let pods: Api<Pod> = Api::namespaced(client, "shop");
    let logs = pods
        .logs(
            WEB_POD,
            &LogParams {
                tail_lines: Some(0),
                limit_bytes: Some(0),
                ..LogParams::default()
            },
        )
        .await
        .expect("an empty log");
    assert_eq!(logs, "");
    assert_eq!(
        pods.list(&ListParams::default())
            .await
            .expect("still serving")
            .items
            .len(),
        2
    );
}
