//! Lists: discovery of what the cluster serves, paginated lists with a
//! fresh start on 410 Gone, and a whole snapshot read with bounded
//! concurrency.

use super::client::{Cluster, Failure};
use super::resources::Resource;
use super::snapshot::{LogKey, Snapshot, list_items, prepare};
use crate::core::{Code, Diagnostic, Object};
use regorus::Value;
use std::collections::BTreeSet;
use std::sync::Arc;

/// Lists started again after their continue token expired (410 Gone).
const RESTARTS: u32 = 2;
/// Lists in flight at once: enough to hide latency, few enough not to load
/// the API server (client-go's default QPS is 5).
const CONCURRENT: usize = 4;

/// Which namespaces to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Namespaces {
    All,
    One(String),
}

impl Namespaces {
    fn scope(&self) -> String {
        match self {
            Namespaces::All => "at the cluster scope".to_string(),
            Namespaces::One(ns) => format!("in namespace {ns:?}"),
        }
    }

    fn of<'n>(&'n self, resource: &Resource) -> Option<&'n str> {
        match self {
            Namespaces::One(ns) if resource.namespaced => Some(ns),
            _ => None,
        }
    }
}

/// What happens while a snapshot is read, for progress on a terminal.
pub trait Progress: Send + Sync {
    fn listed(&self, resource: &Resource, count: usize);
}

impl Cluster {
    /// The group versions the cluster serves (`v1`, `apps/v1`, …).
    pub async fn served(&self) -> Result<BTreeSet<String>, Diagnostic> {
        let mut served = BTreeSet::new();
        let core = self
            .get_json("/api")
            .await
            .map_err(|f| f.diagnostic("get", "the API versions", "(discovery)"))?;
        for version in core["versions"].as_array().into_iter().flatten() {
            if let Some(v) = version.as_str() {
                served.insert(v.to_string());
            }
        }
        let groups = self
            .get_json("/apis")
            .await
            .map_err(|f| f.diagnostic("get", "the API groups", "(discovery)"))?;
        for group in groups["groups"].as_array().into_iter().flatten() {
            for version in group["versions"].as_array().into_iter().flatten() {
                if let Some(v) = version["groupVersion"].as_str() {
                    served.insert(v.to_string());
                }
            }
        }
        Ok(served)
    }

    async fn get_json(&self, path: &str) -> Result<serde_json::Value, Failure> {
        let body = self.get(path, "application/json").await?;
        serde_json::from_slice(&body).map_err(|e| Failure::Transport(format!("not JSON: {e}")))
    }

    /// Every object of `resource` in `namespaces`, page by page, read as
    /// the engine's objects (see [`super::snapshot::prepare`]).
    pub async fn list(
        &self,
        resource: &Resource,
        namespaces: &Namespaces,
    ) -> Result<Vec<Object>, Diagnostic> {
        let path = resource.path(namespaces.of(resource));
        let api_version = resource.api_version();
        let fail = |f: Failure| f.diagnostic("list", &resource.rbac_name(), &namespaces.scope());
        let mut restarts = 0;
        'fresh: loop {
            let mut objects = Vec::new();
            let mut token: Option<String> = None;
            loop {
                let mut query = format!("{path}?limit={}", self.page_size);
                if let Some(token) = &token {
                    query.push_str("&continue=");
                    query.push_str(&percent_encode(token));
                }
                let body = match self.get(&query, "application/json").await {
                    Ok(body) => body,
                    // The continue token expired: the list must start over
                    // from a fresh snapshot, as client-go's pager does.
                    Err(Failure::Status { code: 410, .. })
                        if token.is_some() && restarts < RESTARTS =>
                    {
                        restarts += 1;
                        continue 'fresh;
                    }
                    Err(f) => return Err(fail(f)),
                };
                // Straight into the engine's values: one copy of each page.
                let page: Value = serde_json::from_slice(&body)
                    .map_err(|e| fail(Failure::Transport(format!("the list is not JSON: {e}"))))?;
                token = match &page["metadata"]["continue"] {
                    Value::String(t) if !t.is_empty() => Some(t.to_string()),
                    _ => None,
                };
                let (_, items) = list_items(page);
                objects.extend(
                    items
                        .into_iter()
                        .filter_map(|item| prepare(item, resource.kind, &api_version)),
                );
                if token.is_none() {
                    return Ok(objects);
                }
            }
        }
    }

    /// The last `tail` lines of a container's log, at most `limit_bytes`.
    pub async fn log(
        &self,
        key: &LogKey,
        tail: u32,
        limit_bytes: u32,
    ) -> Result<String, Diagnostic> {
        let mut query = format!(
            "/api/v1/namespaces/{}/pods/{}/log?container={}&tailLines={tail}&limitBytes={limit_bytes}",
            key.namespace,
            key.pod,
            percent_encode(&key.container)
        );
        if key.previous {
            query.push_str("&previous=true");
        }
        let body = self.get(&query, "text/plain").await.map_err(|f| {
            f.diagnostic(
                "get",
                "pods/log",
                &format!("for {}/{}", key.namespace, key.pod),
            )
        })?;
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    /// Lists every resource of `resources` the cluster serves, four at a
    /// time. A list that fails is a diagnostic on the snapshot (a partial
    /// result); only a cluster that cannot be reached at all is an error.
    pub async fn snapshot(
        &self,
        resources: &[Resource],
        namespaces: &Namespaces,
        progress: Option<Arc<dyn Progress>>,
    ) -> Result<Snapshot, Diagnostic> {
        let served = self.served().await?;
        let mut diagnostics = Vec::new();
        let mut wanted = Vec::new();
        for resource in resources {
            if served.contains(&resource.api_version()) {
                wanted.push(*resource);
            } else if !resource.optional {
                diagnostics.push(Diagnostic::new(
                    Code::ClusterError,
                    format!(
                        "the cluster does not serve {} ({}): not analysed",
                        resource.rbac_name(),
                        resource.api_version()
                    ),
                ));
            }
        }
        let limit = Arc::new(tokio::sync::Semaphore::new(CONCURRENT));
        let mut tasks = tokio::task::JoinSet::new();
        for resource in wanted.iter().copied() {
            let cluster = self.clone();
            let namespaces = namespaces.clone();
            let limit = limit.clone();
            let progress = progress.clone();
            tasks.spawn(async move {
                let _permit = limit.acquire_owned().await;
                let listed = cluster.list(&resource, &namespaces).await;
                if let (Ok(items), Some(progress)) = (&listed, &progress) {
                    progress.listed(&resource, items.len());
                }
                (resource, listed)
            });
        }
        let mut objects: Vec<Object> = Vec::new();
        let mut listed = Vec::new();
        let mut unreachable = None;
        while let Some(done) = tasks.join_next().await {
            let Ok((resource, result)) = done else {
                continue;
            };
            match result {
                Ok(items) => {
                    listed.push(resource.kind.to_string());
                    objects.extend(items);
                }
                Err(d) if d.code == Code::ClusterUnreachable => unreachable = Some(d),
                Err(d) => diagnostics.push(d),
            }
        }
        if listed.is_empty()
            && let Some(d) = unreachable
        {
            return Err(d);
        }
        // Lists finish in any order; the snapshot's order is the table's.
        let order = |kind: &str| {
            resources
                .iter()
                .position(|r| r.kind == kind)
                .unwrap_or(usize::MAX)
        };
        objects.sort_by(|a, b| {
            order(&a.id.kind)
                .cmp(&order(&b.id.kind))
                .then_with(|| a.id.cmp(&b.id))
        });
        let mut snapshot = Snapshot::new(objects, listed);
        Diagnostic::sort(&mut diagnostics);
        snapshot.diagnostics = diagnostics;
        snapshot.taken_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .ok()
            .and_then(|d| i64::try_from(d.as_secs()).ok());
        Ok(snapshot)
    }
}

/// Percent-encodes a query value (continue tokens are base64 with `=`).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(byte as char)
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_tokens_are_encoded() {
        assert_eq!(percent_encode("eyJ2=+/"), "eyJ2%3D%2B%2F");
    }
}
