//! HTTPS serving: TLS 1.2+ with HTTP/1.1 and HTTP/2, the routes, bounded
//! work, reloads and graceful shutdown.

use super::decision::{self, Admission, Decision};
use super::metrics::Metrics;
use super::reload::{CertificateResolver, Fingerprint};
use super::review::{self, DecodeError, MAX_BODY_BYTES, Request};
use crate::core::Diagnostic;
use crate::engine::{Evaluation, Guard};
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::{Method, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use std::future::Future;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::{self, ServerConfig};

/// Builds the policies: called at start and on every change of the watched files.
pub type Loader = Arc<dyn Fn() -> Result<Guard, Diagnostic> + Send + Sync>;

/// How long a TLS handshake may take before the connection is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Options {
    pub addr: SocketAddr,
    pub tls_cert: PathBuf,
    pub tls_key: PathBuf,
    pub admission: Admission,
    /// The longest one review's evaluation may run.
    pub evaluation_timeout: Duration,
    /// Reviews evaluated at once, and reviews waiting beyond those; a
    /// review past both is answered 503 at once.
    pub max_concurrent: usize,
    pub max_queued: usize,
    /// How often certificate and policy files are looked at.
    pub reload_interval: Duration,
    /// The policy directories, data directories, Blueprint and config the
    /// policies are built from.
    pub watched: Vec<PathBuf>,
    /// How long requests in flight may take to finish after shutdown starts.
    pub shutdown_grace: Duration,
}

/// The policies one review is decided with.
struct Policies {
    guard: Guard,
    evaluation: Evaluation,
}

impl Policies {
    fn build(loader: &Loader) -> Result<Policies, Diagnostic> {
        let guard = loader()?;
        let evaluation = guard.evaluation(&[])?;
        Ok(Policies { guard, evaluation })
    }
}

struct State {
    policies: RwLock<Option<Arc<Policies>>>,
    admission: Admission,
    metrics: Metrics,
    evaluations: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
    evaluation_timeout: Duration,
    shutting_down: AtomicBool,
}

/// Serves until `shutdown` completes, then finishes the requests in flight
/// (for at most `shutdown_grace`). The address actually bound is logged as
/// the first line (`"msg":"listening"`).
pub async fn serve(
    options: Options,
    loader: Loader,
    shutdown: impl Future<Output = ()>,
) -> Result<(), String> {
    // Every engine built from here on stops evaluating at the limit; the
    // limit must be set before the policies compile.
    regorus::utils::limits::set_fallback_execution_timer_config(Some(
        regorus::utils::limits::ExecutionTimerConfig {
            limit: options.evaluation_timeout,
            check_interval: NonZeroU32::MIN,
        },
    ));
    let resolver = Arc::new(CertificateResolver::load(
        &options.tls_cert,
        &options.tls_key,
    )?);
    let mut tls = ServerConfig::builder_with_protocol_versions(&[
        &rustls::version::TLS13,
        &rustls::version::TLS12,
    ])
    .with_no_client_auth()
    .with_cert_resolver(resolver.clone());
    tls.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let acceptor = TlsAcceptor::from(Arc::new(tls));
    let listener = TcpListener::bind(options.addr)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", options.addr))?;
    let bound = listener
        .local_addr()
        .map_err(|e| format!("cannot read the bound address: {e}"))?;
    let state = Arc::new(State {
        policies: RwLock::new(None),
        admission: options.admission.clone(),
        metrics: Metrics::default(),
        evaluations: Arc::new(Semaphore::new(options.max_concurrent.max(1))),
        waiting: AtomicUsize::new(0),
        max_waiting: options.max_concurrent.max(1) + options.max_queued,
        evaluation_timeout: options.evaluation_timeout,
        shutting_down: AtomicBool::new(false),
    });
    log(&serde_json::json!({"msg": "listening", "addr": bound.to_string()}));
    let first = spawn_load(Arc::clone(&state), Arc::clone(&loader));
    let reloading = tokio::spawn(watch(
        Arc::clone(&state),
        loader,
        resolver,
        first,
        options.watched.clone(),
        (options.tls_cert.clone(), options.tls_key.clone()),
        options.reload_interval,
    ));
    let graceful = GracefulShutdown::new();
    let builder = auto::Builder::new(TokioExecutor::new());
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((tcp, _)) = accepted else { continue };
                let acceptor = acceptor.clone();
                let state = Arc::clone(&state);
                let builder = builder.clone();
                let watcher = graceful.watcher();
                tokio::spawn(async move {
                    let Ok(Ok(tls)) = tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await else {
                        return;
                    };
                    let service = hyper::service::service_fn(move |request| {
                        let state = Arc::clone(&state);
                        async move { Ok::<_, std::convert::Infallible>(route(&state, request).await) }
                    });
                    let connection = builder.serve_connection(TokioIo::new(tls), service).into_owned();
                    let _ = watcher.watch(connection).await;
                });
            }
        }
    }
    state.shutting_down.store(true, Ordering::SeqCst);
    drop(listener);
    reloading.abort();
    log(
        &serde_json::json!({"msg": "shutting down", "grace_seconds": options.shutdown_grace.as_secs()}),
    );
    let finished = tokio::time::timeout(options.shutdown_grace, graceful.shutdown())
        .await
        .is_ok();
    log(&serde_json::json!({"msg": "stopped", "in_flight_finished": finished}));
    Ok(())
}

/// Compiles the policies on a blocking thread; until they are, `/readyz` says no.
fn spawn_load(state: Arc<State>, loader: Loader) -> tokio::task::JoinHandle<()> {
    tokio::task::spawn_blocking(move || install(&state, &loader))
}

fn install(state: &State, loader: &Loader) {
    match Policies::build(loader) {
        Ok(policies) => {
            if let Ok(mut current) = state.policies.write() {
                *current = Some(Arc::new(policies));
            }
            state.metrics.reload("policies", "success");
            log(&serde_json::json!({"msg": "policies loaded"}));
        }
        Err(error) => {
            state.metrics.reload("policies", "failure");
            let kept = state.policies.read().is_ok_and(|p| p.is_some());
            log(&serde_json::json!({
                "msg": "policies failed to load",
                "error": error.to_string(),
                "code": error.code.as_str(),
                "serving": if kept { "the last good policies" } else { "nothing: not ready" },
            }));
        }
    }
}

/// Polls the certificate and the policy files, reloading what changed.
async fn watch(
    state: Arc<State>,
    loader: Loader,
    resolver: Arc<CertificateResolver>,
    first: tokio::task::JoinHandle<()>,
    watched: Vec<PathBuf>,
    (cert, key): (PathBuf, PathBuf),
    interval: Duration,
) {
    let _ = first.await;
    let pair = vec![cert.clone(), key.clone()];
    let mut policy_files = Fingerprint::of(&watched);
    let mut cert_files = Fingerprint::of(&pair);
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        ticks.tick().await;
        let now = Fingerprint::of(&pair);
        if now != cert_files {
            cert_files = now;
            match resolver.reload(&cert, &key) {
                Ok(()) => {
                    state.metrics.reload("certificate", "success");
                    log(&serde_json::json!({"msg": "certificate reloaded"}));
                }
                Err(error) => {
                    state.metrics.reload("certificate", "failure");
                    log(
                        &serde_json::json!({"msg": "certificate reload failed, the last good one serves", "error": error}),
                    );
                }
            }
        }
        let now = Fingerprint::of(&watched);
        if now != policy_files {
            policy_files = now;
            let _ = spawn_load(Arc::clone(&state), Arc::clone(&loader)).await;
        }
    }
}

type Response = hyper::Response<Full<Bytes>>;

fn respond(status: StatusCode, content_type: &str, body: impl Into<Bytes>) -> Response {
    let mut response = hyper::Response::new(Full::new(body.into()));
    *response.status_mut() = status;
    if let Ok(value) = content_type.parse() {
        response
            .headers_mut()
            .insert(hyper::header::CONTENT_TYPE, value);
    }
    response
}

fn text(status: StatusCode, body: impl Into<String>) -> Response {
    respond(status, "text/plain; charset=utf-8", body.into())
}

async fn route(state: &State, request: hyper::Request<Incoming>) -> Response {
    match (request.method(), request.uri().path()) {
        (&Method::GET, "/healthz") => text(StatusCode::OK, "ok\n"),
        (&Method::GET, "/readyz") => {
            let ready = state.policies.read().is_ok_and(|p| p.is_some())
                && !state.shutting_down.load(Ordering::SeqCst);
            if ready {
                text(StatusCode::OK, "ready\n")
            } else {
                text(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "not ready: policies are not compiled yet, or guard is shutting down\n",
                )
            }
        }
        (&Method::GET, "/metrics") => respond(
            StatusCode::OK,
            "text/plain; version=0.0.4; charset=utf-8",
            state.metrics.render(),
        ),
        (&Method::POST, "/validate") => validate(state, request).await,
        (_, "/validate") => text(
            StatusCode::METHOD_NOT_ALLOWED,
            "POST an AdmissionReview to /validate\n",
        ),
        _ => text(
            StatusCode::NOT_FOUND,
            "guard serves POST /validate, /healthz, /readyz and /metrics\n",
        ),
    }
}

async fn validate(state: &State, request: hyper::Request<Incoming>) -> Response {
    let started = Instant::now();
    let too_large = || {
        state.metrics.rejected("too_large");
        text(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("the body is larger than the API server's limit of {MAX_BODY_BYTES} bytes\n"),
        )
    };
    let declared = request
        .headers()
        .get(hyper::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
        return too_large();
    }
    let body = match Limited::new(request.into_body(), MAX_BODY_BYTES)
        .collect()
        .await
    {
        Ok(body) => body.to_bytes(),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => return too_large(),
        Err(error) => {
            state.metrics.rejected("unreadable");
            return text(
                StatusCode::BAD_REQUEST,
                format!("the body could not be read: {error}\n"),
            );
        }
    };
    let review = match review::decode(&body) {
        Ok(review) => review,
        Err(DecodeError(message)) => {
            state.metrics.rejected("malformed");
            return text(StatusCode::BAD_REQUEST, format!("{message}\n"));
        }
    };
    let kind = review.kind.kind.clone();
    state.metrics.request(review.operation.as_str(), &kind);
    let Some(policies) = state.policies.read().ok().and_then(|p| p.clone()) else {
        state.metrics.rejected("not_ready");
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            "guard's policies are not compiled yet\n",
        );
    };
    if state.waiting.fetch_add(1, Ordering::SeqCst) >= state.max_waiting {
        state.waiting.fetch_sub(1, Ordering::SeqCst);
        state.metrics.rejected("busy");
        return text(
            StatusCode::SERVICE_UNAVAILABLE,
            "guard is at its limit of queued reviews; retry\n",
        );
    }
    let decision = evaluate(state, policies, review).await;
    state.waiting.fetch_sub(1, Ordering::SeqCst);
    let (review, decision) = decision;
    let elapsed = started.elapsed();
    state.metrics.latency(elapsed);
    record(state, &review, &decision, elapsed);
    respond(
        StatusCode::OK,
        "application/json",
        response_body(&review, &decision),
    )
}

/// Decides on a blocking thread once a slot is free, within the time limit.
async fn evaluate(
    state: &State,
    policies: Arc<Policies>,
    review: Request,
) -> (Arc<Request>, Decision) {
    let review = Arc::new(review);
    let timed_out = || {
        decision::failure(
            &review,
            &state.admission,
            "the evaluation exceeded its time limit".into(),
            true,
        )
    };
    let Ok(permit) = Arc::clone(&state.evaluations).acquire_owned().await else {
        return (Arc::clone(&review), timed_out());
    };
    let admission = state.admission.clone();
    let reviewed = Arc::clone(&review);
    let task = tokio::task::spawn_blocking(move || {
        let decision =
            decision::decide(&policies.guard, &policies.evaluation, &reviewed, &admission);
        drop(permit);
        decision
    });
    // The engines stop at the limit themselves; this bounds what they cannot
    // interrupt (a single slow builtin) with a margin for scheduling.
    let bound = state.evaluation_timeout + state.evaluation_timeout / 2 + Duration::from_millis(50);
    let decision = match tokio::time::timeout(bound, task).await {
        Ok(Ok(decision)) => decision,
        Ok(Err(_)) => decision::failure(
            &review,
            &state.admission,
            "the evaluation failed".into(),
            false,
        ),
        Err(_) => timed_out(),
    };
    (review, decision)
}

/// Metrics and the one log line of a decision.
fn record(state: &State, review: &Request, decision: &Decision, elapsed: Duration) {
    if decision.evaluation_failed {
        state.metrics.evaluation_error(decision.timed_out);
    }
    if decision.counted.is_empty() {
        state.metrics.decision("none", decision.action.as_str());
    }
    for (rule, action) in &decision.counted {
        state.metrics.decision(rule, action.as_str());
    }
    let object = review.object_ref();
    log(&serde_json::json!({
        "msg": "decision",
        "uid": review.uid,
        "operation": review.operation.as_str(),
        "kind": object.kind,
        "apiVersion": object.api_version,
        "namespace": object.namespace,
        "name": object.name,
        "subResource": review.sub_resource,
        "user": review.username,
        "dryRun": review.dry_run,
        "decision": decision.action.as_str(),
        "allowed": decision.allowed,
        "rules": decision.rules,
        "latency_ms": elapsed.as_secs_f64() * 1000.0,
    }));
}

/// The AdmissionReview answering `review`.
fn response_body(review: &Request, decision: &Decision) -> Vec<u8> {
    let mut response = serde_json::json!({
        "uid": review.uid,
        "allowed": decision.allowed,
    });
    if !decision.allowed {
        response["status"] = serde_json::json!({
            "code": decision.code,
            "message": decision.message,
            "reason": if decision.code == 403 { "Forbidden" } else { "InternalError" },
        });
    }
    if !decision.warnings.is_empty() {
        response["warnings"] = serde_json::json!(decision.warnings);
    }
    serde_json::to_vec(&serde_json::json!({
        "apiVersion": "admission.k8s.io/v1",
        "kind": "AdmissionReview",
        "response": response,
    }))
    .unwrap_or_default()
}

/// One JSON line on stdout, with the time in seconds since the epoch.
fn log(line: &serde_json::Value) {
    let mut line = line.clone();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or_default();
    line["ts"] = serde_json::json!(now);
    println!("{line}");
}
