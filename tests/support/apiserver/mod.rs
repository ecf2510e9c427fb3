//! A fake Kubernetes API server for tests: HTTPS on loopback with a CA made
//! at start, bearer-token auth, discovery, lists with selectors and
//! pagination, tables for kubectl, pod logs, watches, and writes
//! (create, server-side apply, merge patch, replace, delete) over an
//! in-memory store loaded from a scenario directory.
//!
//! Each test crate that includes this tree uses part of it, hence the allow.
#![allow(dead_code)]

mod catalog;
mod fault;
mod handler;
mod scenario;
mod selector;
mod status;
mod store;
mod table;
mod text;
mod tls;
mod write;

pub use fault::Fault;
pub use scenario::Scenario;

use catalog::ResourceType;
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use serde_json::Value;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use store::Store;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

/// The bearer token every kubeconfig this server writes carries.
pub const TOKEN: &str = "guard-fake-apiserver-token";

/// One request as the server received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    pub method: String,
    /// Path and query, as sent: `/api/v1/pods?limit=2`.
    pub uri: String,
    /// `HTTP/1.1` or `HTTP/2.0`.
    pub version: String,
}

impl RecordedRequest {
    pub fn path(&self) -> &str {
        self.uri.split('?').next().unwrap_or_default()
    }

    /// Whether the request could change the store (anything but GET/HEAD).
    pub fn is_write(&self) -> bool {
        !matches!(self.method.as_str(), "GET" | "HEAD")
    }
}

/// State the connection tasks share with the test.
pub(crate) struct Shared {
    served: Vec<ResourceType>,
    store: Mutex<Store>,
    requests: Mutex<Vec<RecordedRequest>>,
    faults: Mutex<Vec<Fault>>,
    user: String,
    shutdown: watch::Receiver<bool>,
}

/// A poisoned lock only means another request's task panicked; the data is
/// still what the server has.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    fn resource_for(&self, object: &Value) -> Option<usize> {
        let kind = object["kind"].as_str()?;
        let api_version = object["apiVersion"].as_str()?;
        self.served
            .iter()
            .position(|r| r.kind == kind && r.api_version() == api_version)
    }
}

/// A running fake API server. Dropping it (or `stop`) shuts it down and
/// removes its kubeconfig directory.
pub struct ApiServer {
    address: SocketAddr,
    shared: Arc<Shared>,
    directory: PathBuf,
    kubeconfig: PathBuf,
    stop: watch::Sender<bool>,
    accept: Option<JoinHandle<()>>,
}

static NEXT_SERVER: AtomicU64 = AtomicU64::new(0);

fn is_served(resource: &ResourceType, names: Option<&Vec<String>>) -> bool {
    names.is_none_or(|names| names.iter().any(|name| *name == resource.qualified()))
}

impl ApiServer {
    /// Starts serving `scenario` on 127.0.0.1 at a free port; fails the
    /// test if the machine cannot listen or write the kubeconfig.
    pub async fn start(scenario: Scenario) -> ApiServer {
        let tls = tls::make().unwrap_or_else(|e| panic!("making the test CA: {e}"));
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .unwrap_or_else(|e| panic!("binding 127.0.0.1: {e}"));
        let address = listener
            .local_addr()
            .unwrap_or_else(|e| panic!("listener address: {e}"));

        let catalog = catalog::all();
        for name in scenario.served.iter().flatten() {
            assert!(
                catalog.iter().any(|r| r.qualified() == *name),
                "Scenario::serving names {name:?}, which is not in the catalog"
            );
        }
        let served: Vec<ResourceType> = catalog
            .into_iter()
            .filter(|r| is_served(r, scenario.served.as_ref()))
            .collect();
        let mut store = Store::default();
        let converted_events: Vec<Value> = scenario
            .objects
            .iter()
            .filter(|o| o["kind"] == "Event" && o["apiVersion"] == "v1")
            .map(scenario::event_v1)
            .collect();
        for object in scenario.objects.into_iter().chain(converted_events) {
            let kind = object["kind"].as_str().unwrap_or_default();
            let api_version = object["apiVersion"].as_str().unwrap_or_default();
            if let Some(index) = served
                .iter()
                .position(|r| r.kind == kind && r.api_version() == api_version)
            {
                store.load(store::key_of(index, &served[index], &object), object);
            }
        }
        store.logs = scenario.logs;

        let (stop, shutdown) = watch::channel(false);
        let shared = Arc::new(Shared {
            served,
            store: Mutex::new(store),
            requests: Mutex::new(Vec::new()),
            faults: Mutex::new(Vec::new()),
            user: scenario.user,
            shutdown,
        });

        let directory = std::env::temp_dir().join(format!(
            "guard-apiserver-{}-{}",
            std::process::id(),
            NEXT_SERVER.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&directory)
            .unwrap_or_else(|e| panic!("creating {}: {e}", directory.display()));
        let kubeconfig = directory.join("kubeconfig");
        std::fs::write(&kubeconfig, kubeconfig_text(address, &tls.ca_pem))
            .unwrap_or_else(|e| panic!("writing {}: {e}", kubeconfig.display()));

        let accept = tokio::spawn(serve(
            listener,
            TlsAcceptor::from(tls.config),
            Arc::clone(&shared),
        ));
        ApiServer {
            address,
            shared,
            directory,
            kubeconfig,
            stop,
            accept: Some(accept),
        }
    }

    /// `https://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("https://{}", self.address)
    }

    pub fn kubeconfig_path(&self) -> &Path {
        &self.kubeconfig
    }

    /// The client configuration the kubeconfig gives, to adjust before
    /// building a client (for example `default_retry = false`).
    pub async fn config(&self) -> kube::Config {
        let kubeconfig = kube::config::Kubeconfig::read_from(&self.kubeconfig)
            .unwrap_or_else(|e| panic!("reading the kubeconfig: {e}"));
        kube::Config::from_custom_kubeconfig(
            kubeconfig,
            &kube::config::KubeConfigOptions::default(),
        )
        .await
        .unwrap_or_else(|e| panic!("kubeconfig to client config: {e}"))
    }

    pub async fn client(&self) -> kube::Client {
        kube::Client::try_from(self.config().await)
            .unwrap_or_else(|e| panic!("building the kube client: {e}"))
    }

    /// Every request received so far, in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.shared.requests).clone()
    }

    /// How many requests went to `path` (the query left out).
    pub fn requests_to(&self, path: &str) -> usize {
        lock(&self.shared.requests)
            .iter()
            .filter(|request| request.path() == path)
            .count()
    }

    /// The requests that could have changed something.
    pub fn writes(&self) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(RecordedRequest::is_write)
            .collect()
    }

    pub fn clear_requests(&self) {
        lock(&self.shared.requests).clear();
    }

    /// Injects a fault; faults are tried in the order added.
    pub fn fail(&self, fault: Fault) {
        lock(&self.shared.faults).push(fault);
    }

    pub fn clear_faults(&self) {
        lock(&self.shared.faults).clear();
    }

    /// Forgets the revision history up to now, as etcd compaction does:
    /// continue tokens and watches from an older revision get 410 Expired.
    pub fn compact(&self) {
        lock(&self.shared.store).compact();
    }

    /// The store's current resourceVersion.
    pub fn revision(&self) -> u64 {
        lock(&self.shared.store).revision()
    }

    /// An object as stored (with kind and apiVersion), if there is one.
    pub fn object(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> Option<Value> {
        let index = self
            .shared
            .served
            .iter()
            .position(|r| r.kind == kind && r.api_version() == api_version)?;
        let namespace = if self.shared.served[index].namespaced {
            namespace
        } else {
            ""
        };
        lock(&self.shared.store)
            .get(&(index, namespace.to_string(), name.to_string()))
            .cloned()
    }

    /// Creates or replaces an object as a controller would, under a new
    /// resourceVersion; open watches see ADDED or MODIFIED.
    pub fn put_object(&self, object: Value) {
        let index = self
            .shared
            .resource_for(&object)
            .unwrap_or_else(|| panic!("no served resource for {object}"));
        let key = store::key_of(index, &self.shared.served[index], &object);
        lock(&self.shared.store).put(key, object);
    }

    /// Deletes an object; open watches see DELETED. False if it was absent.
    pub fn delete_object(
        &self,
        api_version: &str,
        kind: &str,
        namespace: &str,
        name: &str,
    ) -> bool {
        let Some(object) = self.object(api_version, kind, namespace, name) else {
            return false;
        };
        let Some(index) = self.shared.resource_for(&object) else {
            return false;
        };
        let key = store::key_of(index, &self.shared.served[index], &object);
        lock(&self.shared.store).delete(&key).is_some()
    }

    /// Shuts down and waits until every connection task has ended.
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(accept) = self.accept.take() {
            let _ = accept.await;
        }
    }
}

impl Drop for ApiServer {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(accept) = self.accept.take() {
            accept.abort();
        }
        let _ = std::fs::remove_dir_all(&self.directory);
    }
}

fn kubeconfig_text(address: SocketAddr, ca_pem: &str) -> String {
    let ca_data = text::base64_encode(ca_pem.as_bytes());
    format!(
        "apiVersion: v1
kind: Config
clusters:
- cluster:
    certificate-authority-data: {ca_data}
    server: https://{address}
  name: fake
contexts:
- context:
    cluster: fake
    namespace: default
    user: guard
  name: fake
current-context: fake
preferences: {{}}
users:
- name: guard
  user:
    token: {TOKEN}
"
    )
}

/// Accepts connections until shutdown; each connection runs in a task of a
/// JoinSet owned here, so they all end when this returns or is aborted.
async fn serve(listener: TcpListener, acceptor: TlsAcceptor, shared: Arc<Shared>) {
    let mut shutdown = shared.shutdown.clone();
    let mut connections = tokio::task::JoinSet::new();
    loop {
        tokio::select! {
            _ = shutdown.changed() => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let acceptor = acceptor.clone();
                let shared = Arc::clone(&shared);
                connections.spawn(connection(stream, acceptor, shared));
            }
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.shutdown().await;
}

async fn connection(stream: tokio::net::TcpStream, acceptor: TlsAcceptor, shared: Arc<Shared>) {
    let Ok(tls) = acceptor.accept(stream).await else {
        return;
    };
    let mut shutdown = shared.shutdown.clone();
    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
        let shared = Arc::clone(&shared);
        async move { Ok::<_, std::convert::Infallible>(handler::handle(shared, request).await) }
    });
    let builder = auto::Builder::new(TokioExecutor::new());
    let serving = builder.serve_connection(TokioIo::new(tls), service);
    tokio::select! {
        _ = serving => {}
        _ = shutdown.changed() => {}
    }
}
