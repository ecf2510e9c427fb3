//! The connection to one cluster: configuration read the standard way, and
//! GET requests with a time limit, 429 back-off and errors as diagnostics.
//! Nothing here writes.

use crate::core::{Code, Diagnostic};
use kube::client::Body;
use kube::config::{KubeConfigOptions, Kubeconfig};
use std::path::PathBuf;
use std::time::Duration;

/// How to reach the cluster, as kubectl's flags say it.
#[derive(Debug, Clone)]
pub struct ConnectOptions {
    /// A kubeconfig file; else `$KUBECONFIG`, `~/.kube/config`, then the
    /// in-cluster service account.
    pub kubeconfig: Option<PathBuf>,
    /// A context of the kubeconfig other than its current one.
    pub context: Option<String>,
    /// The limit on each request (a list page, a log).
    pub timeout: Duration,
    /// Objects per list page (`limit`), as kubectl's `--chunk-size`.
    pub page_size: u32,
}

impl Default for ConnectOptions {
    fn default() -> ConnectOptions {
        ConnectOptions {
            kubeconfig: None,
            context: None,
            timeout: Duration::from_secs(30),
            page_size: 500,
        }
    }
}

/// A read-only client of one cluster.
#[derive(Clone)]
pub struct Cluster {
    client: kube::Client,
    timeout: Duration,
    pub(crate) page_size: u32,
    /// How often a request answered 429 is tried again.
    retries: u32,
}

/// Why a request gave no answer to use.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The API server answered with a `Status` error.
    Status {
        code: u16,
        reason: String,
        message: String,
    },
    /// No answer: connection, TLS, authentication plugin or time-out.
    Transport(String),
}

impl Cluster {
    /// Connects as kubectl would: the given kubeconfig and context, else
    /// the standard kubeconfig locations, else the in-cluster config.
    pub async fn connect(options: &ConnectOptions) -> Result<Cluster, Diagnostic> {
        // A kubeconfig that cannot be read, or that names no such context,
        // is the caller's to fix, like a bad flag.
        let misconfigured = |e: String| {
            Diagnostic::new(
                Code::Usage,
                format!("cannot configure the cluster client: {e}"),
            )
            .help("check --kubeconfig and --context (kubectl config get-contexts lists them)")
        };
        let kube_options = KubeConfigOptions {
            context: options.context.clone(),
            ..KubeConfigOptions::default()
        };
        let mut config = match &options.kubeconfig {
            Some(path) => {
                let kubeconfig = Kubeconfig::read_from(path)
                    .map_err(|e| misconfigured(format!("{}: {e}", path.display())))?;
                kube::Config::from_custom_kubeconfig(kubeconfig, &kube_options)
                    .await
                    .map_err(|e| misconfigured(e.to_string()))?
            }
            None if options.context.is_some() => kube::Config::from_kubeconfig(&kube_options)
                .await
                .map_err(|e| misconfigured(e.to_string()))?,
            None => kube::Config::infer()
                .await
                .map_err(|e| misconfigured(e.to_string()))?,
        };
        config.connect_timeout = Some(options.timeout);
        config.read_timeout = Some(options.timeout);
        let client = kube::Client::try_from(config).map_err(|e| {
            Diagnostic::new(
                Code::ClusterUnreachable,
                format!("cannot build the cluster client: {e}"),
            )
            .help("check the kubeconfig's certificates (kubectl get --raw /version tries them)")
        })?;
        Ok(Cluster::from_client(client, options))
    }

    /// A cluster reached through an existing client, with the time limit
    /// and page size of `options`.
    pub fn from_client(client: kube::Client, options: &ConnectOptions) -> Cluster {
        Cluster {
            client,
            timeout: options.timeout,
            page_size: options.page_size.max(1),
            retries: 4,
        }
    }

    /// The namespace of the kubeconfig's context (`default` if it names
    /// none), which `guard analyze` reads unless told otherwise, as kubectl.
    pub fn default_namespace(&self) -> &str {
        self.client.default_namespace()
    }

    /// GETs `path_and_query`, trying again after a 429 (as long as its
    /// `Retry-After` says, capped), within the time limit per try.
    pub(crate) async fn get(&self, path_and_query: &str, accept: &str) -> Result<Vec<u8>, Failure> {
        let mut tries = 0;
        loop {
            let request = http::Request::get(path_and_query)
                .header(http::header::ACCEPT, accept)
                .body(Body::empty())
                .map_err(|e| Failure::Transport(e.to_string()))?;
            let answer = tokio::time::timeout(self.timeout, async {
                let response = self
                    .client
                    .send(request)
                    .await
                    .map_err(|e| Failure::Transport(e.to_string()))?;
                let status = response.status();
                let retry_after = response
                    .headers()
                    .get(http::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| v.trim().parse::<u64>().ok());
                let body = response
                    .into_body()
                    .collect_bytes()
                    .await
                    .map_err(|e| Failure::Transport(e.to_string()))?;
                Ok::<_, Failure>((status, retry_after, body))
            })
            .await
            .map_err(|_| {
                Failure::Transport(format!("no answer within {} s", self.timeout.as_secs_f32()))
            })??;
            let (status, retry_after, body) = answer;
            if status.is_success() {
                return Ok(body.to_vec());
            }
            if status == http::StatusCode::TOO_MANY_REQUESTS && tries < self.retries {
                tries += 1;
                let wait = retry_after.unwrap_or(1).clamp(1, 10);
                tokio::time::sleep(Duration::from_secs(wait)).await;
                continue;
            }
            return Err(status_failure(status.as_u16(), &body));
        }
    }
}

/// The API server's `Status` body, or what the HTTP status says.
fn status_failure(code: u16, body: &[u8]) -> Failure {
    let status: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let text = |key: &str| status.get(key).and_then(|v| v.as_str()).map(str::to_string);
    Failure::Status {
        code,
        reason: text("reason").unwrap_or_default(),
        message: text("message")
            .unwrap_or_else(|| String::from_utf8_lossy(body).trim().to_string()),
    }
}

impl Failure {
    /// What the failure means for a list of `what`, as a diagnostic that
    /// names the verb and resource a denial was about.
    pub(crate) fn diagnostic(&self, verb: &str, what: &str, scope: &str) -> Diagnostic {
        match self {
            Failure::Status { code: 403, message, .. } => Diagnostic::new(
                Code::ClusterForbidden,
                format!("forbidden to {verb} {what} {scope}: {message}"),
            )
            .help(format!(
                "grant `{verb}` on `{what}` (docs/analyze.md has a minimal read-only ClusterRole); the rest was analysed"
            )),
            Failure::Status { code: 401, message, .. } => Diagnostic::new(
                Code::ClusterUnreachable,
                format!("the cluster did not accept the credentials: {message}"),
            )
            .help("refresh the kubeconfig's credentials (kubectl get --raw /version tries them)"),
            Failure::Status {
                code,
                reason,
                message,
            } => Diagnostic::new(
                Code::ClusterError,
                format!("{verb} {what} {scope} failed: {code} {reason}: {message}"),
            )
            .help("try again; if it persists, the API server's logs say why"),
            Failure::Transport(message) => Diagnostic::new(
                Code::ClusterUnreachable,
                format!("cannot reach the cluster ({verb} {what} {scope}): {message}"),
            )
            .help("check that the API server is reachable (kubectl cluster-info) and --context is right"),
        }
    }
}
