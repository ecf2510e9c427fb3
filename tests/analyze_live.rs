//! `guard analyze --cluster` through the real kube client against the fake
//! API server on loopback: the same findings as from a snapshot, only GET
//! requests, one list per resource, logs only for what is broken, and the
//! API server's errors handled as a real one would need.

#[path = "support/apiserver/mod.rs"]
mod apiserver;
mod support;

use apiserver::{ApiServer, Fault, Scenario};
use serde_json::Value;
use support::Run;

const CRASHLOOP: &str = "testdata/cluster/crashloop-missing-env";

/// Runs guard with `args` on a blocking thread, so the server keeps serving.
async fn guard(args: Vec<String>) -> Run {
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        support::guard(&args)
    })
    .await
    .expect("guard ran")
}

/// `guard analyze --cluster` against `server`, in namespace shop, as JSON.
async fn analyze_live(server: &ApiServer, extra: &[&str]) -> Run {
    let mut args: Vec<String> = ["analyze", "--cluster", "--kubeconfig"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.push(server.kubeconfig_path().display().to_string());
    args.extend(["-n", "shop", "--format", "json"].map(String::from));
    args.extend(extra.iter().map(|s| s.to_string()));
    guard(args).await
}

/// The analyzer findings as (rule, object, message), for comparing runs.
fn verdicts(report: &Value) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["object"].to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_analysis_finds_what_the_snapshot_shows_and_sends_no_write() {
    let server = ApiServer::start(Scenario::load(CRASHLOOP)).await;
    let live = analyze_live(&server, &[]).await;
    live.expect_code(1);
    let snapshot = support::guard(&[
        "analyze",
        "--snapshot",
        CRASHLOOP,
        "-n",
        "shop",
        "--format",
        "json",
    ]);
    assert_eq!(verdicts(&live.json()), verdicts(&snapshot.json()));
    assert!(
        live.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "GRD700")
    );

    let requests = server.requests();
    assert!(
        server.writes().is_empty(),
        "analyze sent writes: {:?}",
        server.writes()
    );
    // One list per resource: no path is listed twice (pages would carry a
    // continue token; this scenario fits one page).
    let mut lists: Vec<&str> = requests
        .iter()
        .map(|r| r.path())
        .filter(|p| !p.ends_with("/log") && *p != "/api" && *p != "/apis")
        .collect();
    let all = lists.len();
    lists.sort_unstable();
    lists.dedup();
    assert_eq!(
        all,
        lists.len(),
        "a resource was listed twice: {requests:?}"
    );
    // Logs only of the crashing pods, and of their previous instance.
    let logs: Vec<&apiserver::RecordedRequest> = requests
        .iter()
        .filter(|r| r.path().ends_with("/log"))
        .collect();
    assert!(!logs.is_empty());
    assert!(
        logs.len() <= 2,
        "one log per workload and container: {logs:?}"
    );
    for log in logs {
        assert!(
            log.uri.contains("/pods/api-") && log.uri.contains("previous=true"),
            "{log:?}"
        );
    }
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_are_followed_to_the_end() {
    let server = ApiServer::start(Scenario::load(CRASHLOOP)).await;
    let paged = analyze_live(&server, &["--chunk-size", "2"]).await;
    let whole = analyze_live(&server, &[]).await;
    assert_eq!(verdicts(&paged.json()), verdicts(&whole.json()));
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.uri.contains("continue=")),
        "small pages need continue tokens"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forbidden_resource_is_a_partial_result_that_names_what_was_denied() {
    let server = ApiServer::start(Scenario::load(CRASHLOOP)).await;
    server.fail(Fault::forbidden().for_resource("secrets"));
    let run = analyze_live(&server, &[]).await;
    run.expect_code(3);
    let report = run.json();
    let errors = report["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert_eq!(errors[0]["code"], "cluster-forbidden");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(message.contains("forbidden to list secrets"), "{message}");
    assert!(
        errors[0]["help"]
            .as_str()
            .unwrap()
            .contains("grant `list` on `secrets`")
    );
    // Everything else was analysed.
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "GRD700")
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_requests_is_retried_after_the_servers_delay() {
    let server = ApiServer::start(Scenario::load(CRASHLOOP)).await;
    server.fail(Fault::too_many_requests(1).for_resource("pods").once());
    let run = analyze_live(&server, &[]).await;
    run.expect_code(1);
    let pod_lists = server
        .requests()
        .iter()
        .filter(|r| r.path() == "/api/v1/namespaces/shop/pods")
        .count();
    assert_eq!(pod_lists, 2, "the list is tried again once");
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_error_on_one_list_is_reported_and_the_rest_analysed() {
    let server = ApiServer::start(Scenario::load(CRASHLOOP)).await;
    server.fail(Fault::internal_error().for_resource("ingresses"));
    let run = analyze_live(&server, &[]).await;
    run.expect_code(3);
    let report = run.json();
    assert_eq!(report["errors"][0]["code"], "cluster-error");
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "GRD700")
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_cluster_exits_4_with_what_to_check() {
    let server = ApiServer::start(Scenario::load(CRASHLOOP)).await;
    let kubeconfig = std::fs::read_to_string(server.kubeconfig_path()).unwrap();
    server.stop().await;
    // The same kubeconfig, pointing at a port nothing listens on any more.
    let dir = std::env::temp_dir().join(format!("guard-unreachable-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("kubeconfig");
    std::fs::write(&file, kubeconfig).unwrap();
    let run = guard(vec![
        "analyze".into(),
        "--cluster".into(),
        "--kubeconfig".into(),
        file.display().to_string(),
        "--request-timeout".into(),
        "5".into(),
    ])
    .await;
    std::fs::remove_dir_all(&dir).ok();
    run.expect_code(4);
    assert!(
        run.stderr.contains("cannot reach the cluster"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("kubectl cluster-info"),
        "{}",
        run.stderr
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_context_is_a_clear_error() {
    let server = ApiServer::start(Scenario::load(CRASHLOOP)).await;
    let run = analyze_live(&server, &["--context", "no-such-context"]).await;
    run.expect_code(2);
    assert!(run.stderr.contains("no-such-context"), "{}", run.stderr);
    assert!(
        run.stderr.contains("kubectl config get-contexts"),
        "{}",
        run.stderr
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_continue_token_starts_the_list_again() {
    let server = ApiServer::start(Scenario::load(CRASHLOOP)).await;
    server.fail(
        Fault::gone()
            .for_resource("pods")
            .on_continued_pages()
            .once(),
    );
    let paged = analyze_live(&server, &["--chunk-size", "2"]).await;
    paged.expect_code(1);
    let report = paged.json();
    assert!(
        report["errors"].as_array().unwrap().is_empty(),
        "{}",
        report["errors"]
    );
    let whole = analyze_live(&server, &[]).await;
    assert_eq!(verdicts(&report), verdicts(&whole.json()));
    let first_pages = server
        .requests()
        .iter()
        .filter(|r| r.path() == "/api/v1/namespaces/shop/pods" && !r.uri.contains("continue="))
        .count();
    assert_eq!(
        first_pages, 3,
        "a fresh list after the 410, then the unpaged run"
    );
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cluster_without_the_metrics_api_says_so_once_and_analyses_the_rest() {
    let scenario = Scenario::load(CRASHLOOP).serving(&[
        "namespaces",
        "nodes",
        "pods",
        "services",
        "events",
        "configmaps",
        "secrets",
        "serviceaccounts",
        "persistentvolumeclaims",
        "deployments.apps",
        "replicasets.apps",
        "storageclasses.storage.k8s.io",
    ]);
    let server = ApiServer::start(scenario).await;
    let run = analyze_live(&server, &[]).await;
    run.expect_code(3);
    let report = run.json();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.iter().filter(|f| f["rule"] == "GRD773").count(), 1);
    assert!(findings.iter().any(|f| f["rule"] == "GRD700"));
    // What the cluster does not serve is named, not silently skipped.
    let errors: Vec<&str> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["message"].as_str().unwrap())
        .collect();
    assert!(
        errors
            .iter()
            .any(|e| e.contains("does not serve jobs.batch")),
        "{errors:?}"
    );
    server.stop().await;
}
