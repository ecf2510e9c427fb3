//! What `guard analyze` lists: one entry per resource, listed once per run
//! (never one request per object).

/// A resource of the API: where its list lives and what its objects are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Resource {
    /// The API group; empty for the core group (`/api/v1`).
    pub group: &'static str,
    pub version: &'static str,
    /// The plural the URL names (`pods`), as RBAC rules name it too.
    pub plural: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
    /// Served only by some clusters (metrics-server, Gateway API): when the
    /// cluster does not serve it, the analysis says so once and goes on.
    pub optional: bool,
}

impl Resource {
    const fn new(
        group: &'static str,
        version: &'static str,
        plural: &'static str,
        kind: &'static str,
    ) -> Resource {
        Resource {
            group,
            version,
            plural,
            kind,
            namespaced: true,
            optional: false,
        }
    }

    const fn cluster_scoped(self) -> Resource {
        Resource {
            namespaced: false,
            ..self
        }
    }

    const fn optional(self) -> Resource {
        Resource {
            optional: true,
            ..self
        }
    }

    /// `v1` or `apps/v1`: the objects' apiVersion and the discovery key.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// The list's URL path, in one namespace or across all of them.
    pub fn path(&self, namespace: Option<&str>) -> String {
        let base = if self.group.is_empty() {
            format!("/api/{}", self.version)
        } else {
            format!("/apis/{}/{}", self.group, self.version)
        };
        match namespace {
            Some(ns) if self.namespaced => format!("{base}/namespaces/{ns}/{}", self.plural),
            _ => format!("{base}/{}", self.plural),
        }
    }

    /// How RBAC names it: `pods`, `deployments.apps`.
    pub fn rbac_name(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }
}

/// Everything the analyzers and the policy audit read. The read-only
/// ClusterRole in docs/analyze.md grants `list` on exactly these.
pub const ANALYZED: &[Resource] = &[
    Resource::new("", "v1", "namespaces", "Namespace").cluster_scoped(),
    Resource::new("", "v1", "nodes", "Node").cluster_scoped(),
    Resource::new("", "v1", "pods", "Pod"),
    Resource::new("", "v1", "services", "Service"),
    Resource::new("", "v1", "events", "Event"),
    Resource::new("", "v1", "configmaps", "ConfigMap"),
    Resource::new("", "v1", "secrets", "Secret"),
    Resource::new("", "v1", "serviceaccounts", "ServiceAccount"),
    Resource::new("", "v1", "persistentvolumeclaims", "PersistentVolumeClaim"),
    Resource::new("", "v1", "persistentvolumes", "PersistentVolume").cluster_scoped(),
    Resource::new("", "v1", "resourcequotas", "ResourceQuota"),
    Resource::new("", "v1", "replicationcontrollers", "ReplicationController"),
    Resource::new("apps", "v1", "deployments", "Deployment"),
    Resource::new("apps", "v1", "replicasets", "ReplicaSet"),
    Resource::new("apps", "v1", "statefulsets", "StatefulSet"),
    Resource::new("apps", "v1", "daemonsets", "DaemonSet"),
    Resource::new("batch", "v1", "jobs", "Job"),
    Resource::new("batch", "v1", "cronjobs", "CronJob"),
    Resource::new("networking.k8s.io", "v1", "ingresses", "Ingress"),
    Resource::new(
        "networking.k8s.io",
        "v1",
        "networkpolicies",
        "NetworkPolicy",
    ),
    Resource::new("networking.k8s.io", "v1", "ingressclasses", "IngressClass").cluster_scoped(),
    Resource::new(
        "policy",
        "v1",
        "poddisruptionbudgets",
        "PodDisruptionBudget",
    ),
    Resource::new(
        "autoscaling",
        "v2",
        "horizontalpodautoscalers",
        "HorizontalPodAutoscaler",
    ),
    Resource::new("storage.k8s.io", "v1", "storageclasses", "StorageClass").cluster_scoped(),
    Resource::new("rbac.authorization.k8s.io", "v1", "roles", "Role"),
    Resource::new(
        "rbac.authorization.k8s.io",
        "v1",
        "rolebindings",
        "RoleBinding",
    ),
    Resource::new(
        "rbac.authorization.k8s.io",
        "v1",
        "clusterroles",
        "ClusterRole",
    )
    .cluster_scoped(),
    Resource::new(
        "rbac.authorization.k8s.io",
        "v1",
        "clusterrolebindings",
        "ClusterRoleBinding",
    )
    .cluster_scoped(),
    Resource::new("gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute").optional(),
    Resource::new("gateway.networking.k8s.io", "v1", "gateways", "Gateway").optional(),
    Resource::new("metrics.k8s.io", "v1beta1", "pods", "PodMetrics").optional(),
    Resource::new("metrics.k8s.io", "v1beta1", "nodes", "NodeMetrics")
        .cluster_scoped()
        .optional(),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_follow_the_api_layout() {
        let pods = ANALYZED.iter().find(|r| r.kind == "Pod").unwrap();
        assert_eq!(pods.path(None), "/api/v1/pods");
        assert_eq!(pods.path(Some("shop")), "/api/v1/namespaces/shop/pods");
        let nodes = ANALYZED.iter().find(|r| r.kind == "Node").unwrap();
        assert_eq!(nodes.path(Some("shop")), "/api/v1/nodes");
        let deployments = ANALYZED.iter().find(|r| r.kind == "Deployment").unwrap();
        assert_eq!(
            deployments.path(Some("a")),
            "/apis/apps/v1/namespaces/a/deployments"
        );
        assert_eq!(deployments.rbac_name(), "deployments.apps");
    }
}
