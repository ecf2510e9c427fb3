//! The resource types the fake server knows, and the discovery documents
//! (legacy and aggregated) that describe the ones a scenario serves.

use serde_json::{Value, json};

/// One resource type as discovery describes it.
#[derive(Debug)]
pub struct ResourceType {
    pub group: &'static str,
    pub version: &'static str,
    pub plural: &'static str,
    pub singular: &'static str,
    pub kind: &'static str,
    pub namespaced: bool,
    pub verbs: &'static [&'static str],
    pub short_names: &'static [&'static str],
    pub categories: &'static [&'static str],
    /// Whether it has a `status` subresource (pods' `log` goes by kind).
    pub has_status: bool,
}

impl ResourceType {
    pub fn api_version(&self) -> String {
        if self.group.is_empty() {
            self.version.to_string()
        } else {
            format!("{}/{}", self.group, self.version)
        }
    }

    /// `pods`, `deployments.apps`: how the server names the resource in messages.
    pub fn qualified(&self) -> String {
        if self.group.is_empty() {
            self.plural.to_string()
        } else {
            format!("{}.{}", self.plural, self.group)
        }
    }

    pub fn list_kind(&self) -> String {
        format!("{}List", self.kind)
    }

    pub fn has_logs(&self) -> bool {
        self.group.is_empty() && self.plural == "pods"
    }

    pub fn allows(&self, verb: &str) -> bool {
        self.verbs.contains(&verb)
    }
}

const READ_WRITE: &[&str] = &[
    "create",
    "delete",
    "deletecollection",
    "get",
    "list",
    "patch",
    "update",
    "watch",
];
const READ_ONLY: &[&str] = &["get", "list"];

/// Shorthand for the table below: (group, version, plural, singular, kind,
/// namespaced, short names, categories, has status).
type Row = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    bool,
    &'static [&'static str],
    &'static [&'static str],
    bool,
);

#[rustfmt::skip]
const ROWS: &[Row] = &[
    ("", "v1", "namespaces", "namespace", "Namespace", false, &["ns"], &[], true),
    ("", "v1", "pods", "pod", "Pod", true, &["po"], &["all"], true),
    ("", "v1", "services", "service", "Service", true, &["svc"], &["all"], true),
    ("", "v1", "endpoints", "endpoints", "Endpoints", true, &["ep"], &[], false),
    ("", "v1", "events", "event", "Event", true, &["ev"], &[], false),
    ("", "v1", "configmaps", "configmap", "ConfigMap", true, &["cm"], &[], false),
    ("", "v1", "secrets", "secret", "Secret", true, &[], &[], false),
    ("", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim", true, &["pvc"], &[], true),
    ("", "v1", "persistentvolumes", "persistentvolume", "PersistentVolume", false, &["pv"], &[], true),
    ("", "v1", "nodes", "node", "Node", false, &["no"], &[], true),
    ("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, &["sa"], &[], false),
    ("", "v1", "replicationcontrollers", "replicationcontroller", "ReplicationController", true, &["rc"], &["all"], true),
    ("", "v1", "resourcequotas", "resourcequota", "ResourceQuota", true, &["quota"], &[], true),
    ("", "v1", "limitranges", "limitrange", "LimitRange", true, &["limits"], &[], false),
    ("apps", "v1", "deployments", "deployment", "Deployment", true, &["deploy"], &["all"], true),
    ("apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, &["rs"], &["all"], true),
    ("apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, &["sts"], &["all"], true),
    ("apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, &["ds"], &["all"], true),
    ("batch", "v1", "jobs", "job", "Job", true, &[], &["all"], true),
    ("batch", "v1", "cronjobs", "cronjob", "CronJob", true, &["cj"], &["all"], true),
    ("networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true, &["ing"], &[], true),
    ("networking.k8s.io", "v1", "networkpolicies", "networkpolicy", "NetworkPolicy", true, &["netpol"], &[], false),
    ("networking.k8s.io", "v1", "ingressclasses", "ingressclass", "IngressClass", false, &[], &[], false),
    ("policy", "v1", "poddisruptionbudgets", "poddisruptionbudget", "PodDisruptionBudget", true, &["pdb"], &[], true),
    ("autoscaling", "v2", "horizontalpodautoscalers", "horizontalpodautoscaler", "HorizontalPodAutoscaler", true, &["hpa"], &["all"], true),
    ("storage.k8s.io", "v1", "storageclasses", "storageclass", "StorageClass", false, &["sc"], &[], false),
    ("events.k8s.io", "v1", "events", "event", "Event", true, &["ev"], &[], false),
    ("discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true, &[], &[], false),
    ("rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true, &[], &[], false),
    ("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true, &[], &[], false),
    ("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false, &[], &[], false),
    ("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", false, &[], &[], false),
    ("coordination.k8s.io", "v1", "leases", "lease", "Lease", true, &[], &[], false),
    ("admissionregistration.k8s.io", "v1", "mutatingwebhookconfigurations", "mutatingwebhookconfiguration", "MutatingWebhookConfiguration", false, &[], &["api-extensions"], false),
    ("admissionregistration.k8s.io", "v1", "validatingwebhookconfigurations", "validatingwebhookconfiguration", "ValidatingWebhookConfiguration", false, &[], &["api-extensions"], false),
    ("admissionregistration.k8s.io", "v1", "validatingadmissionpolicies", "validatingadmissionpolicy", "ValidatingAdmissionPolicy", false, &[], &["api-extensions"], true),
    ("admissionregistration.k8s.io", "v1", "validatingadmissionpolicybindings", "validatingadmissionpolicybinding", "ValidatingAdmissionPolicyBinding", false, &[], &["api-extensions"], false),
    ("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", false, &["crd", "crds"], &["api-extensions"], true),
    ("metrics.k8s.io", "v1beta1", "pods", "", "PodMetrics", true, &[], &[], false),
    ("metrics.k8s.io", "v1beta1", "nodes", "", "NodeMetrics", false, &[], &[], false),
    ("gateway.networking.k8s.io", "v1", "gateways", "gateway", "Gateway", true, &["gtw"], &["gateway-api"], true),
    ("gateway.networking.k8s.io", "v1", "httproutes", "httproute", "HTTPRoute", true, &[], &["gateway-api"], true),
];

/// Every resource type the fake server can serve.
pub fn all() -> Vec<ResourceType> {
    ROWS.iter()
        .map(
            |&(
                group,
                version,
                plural,
                singular,
                kind,
                namespaced,
                short_names,
                categories,
                has_status,
            )| {
                ResourceType {
                    group,
                    version,
                    plural,
                    singular,
                    kind,
                    namespaced,
                    verbs: if group == "metrics.k8s.io" {
                        READ_ONLY
                    } else {
                        READ_WRITE
                    },
                    short_names,
                    categories,
                    has_status,
                }
            },
        )
        .collect()
}

/// The group versions in the order discovery lists them (core first).
fn group_versions(served: &[ResourceType]) -> Vec<(&'static str, &'static str)> {
    let mut seen = Vec::new();
    for resource in served {
        let pair = (resource.group, resource.version);
        if !seen.contains(&pair) {
            seen.push(pair);
        }
    }
    seen
}

pub fn version() -> Value {
    json!({
        "major": "1",
        "minor": "33",
        "emulationMajor": "1",
        "emulationMinor": "33",
        "minCompatibilityMajor": "1",
        "minCompatibilityMinor": "32",
        "gitVersion": "v1.33.1",
        "gitCommit": "8adc0f041b8e7ad1d30e29cc59c6ae7a15e19828",
        "gitTreeState": "clean",
        "buildDate": "2025-05-15T08:19:08Z",
        "goVersion": "go1.24.2",
        "compiler": "gc",
        "platform": "linux/amd64"
    })
}

/// `GET /api`.
pub fn core_versions() -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": "172.18.0.2:6443"}]
    })
}

fn group_entry(group: &str, version: &str) -> Value {
    let group_version = json!({"groupVersion": format!("{group}/{version}"), "version": version});
    json!({"name": group, "versions": [group_version], "preferredVersion": group_version})
}

/// `GET /apis`.
pub fn group_list(served: &[ResourceType]) -> Value {
    let groups: Vec<Value> = group_versions(served)
        .into_iter()
        .filter(|(group, _)| !group.is_empty())
        .map(|(group, version)| group_entry(group, version))
        .collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
}

/// `GET /apis/<group>`, or None when the group is not served.
pub fn group(served: &[ResourceType], name: &str) -> Option<Value> {
    let (group, version) = group_versions(served)
        .into_iter()
        .find(|(group, _)| !group.is_empty() && *group == name)?;
    let mut entry = group_entry(group, version);
    entry["kind"] = json!("APIGroup");
    entry["apiVersion"] = json!("v1");
    Some(entry)
}

/// Short names and categories, which discovery leaves out when empty.
fn add_names(entry: &mut Value, resource: &ResourceType) {
    if !resource.short_names.is_empty() {
        entry["shortNames"] = json!(resource.short_names);
    }
    if !resource.categories.is_empty() {
        entry["categories"] = json!(resource.categories);
    }
}

fn resource_entries(resource: &ResourceType) -> Vec<Value> {
    let mut main = json!({
        "name": resource.plural,
        "singularName": resource.singular,
        "namespaced": resource.namespaced,
        "kind": resource.kind,
        "verbs": resource.verbs,
    });
    add_names(&mut main, resource);
    let mut entries = vec![main];
    if resource.has_logs() {
        entries.push(json!({"name": "pods/log", "singularName": "", "namespaced": true, "kind": "Pod", "verbs": ["get"]}));
    }
    if resource.has_status {
        entries.push(json!({
            "name": format!("{}/status", resource.plural),
            "singularName": "",
            "namespaced": resource.namespaced,
            "kind": resource.kind,
            "verbs": ["get", "patch", "update"],
        }));
    }
    entries
}

/// `GET /api/v1` or `/apis/<group>/<version>`, or None when not served.
pub fn resource_list(served: &[ResourceType], group: &str, version: &str) -> Option<Value> {
    let resources: Vec<Value> = served
        .iter()
        .filter(|r| r.group == group && r.version == version)
        .flat_map(resource_entries)
        .collect();
    if resources.is_empty() {
        return None;
    }
    let group_version = if group.is_empty() {
        version.to_string()
    } else {
        format!("{group}/{version}")
    };
    let mut list =
        json!({"kind": "APIResourceList", "groupVersion": group_version, "resources": resources});
    if !group.is_empty() {
        list["apiVersion"] = json!("v1");
    }
    Some(list)
}

fn aggregated_resource(resource: &ResourceType) -> Value {
    let response_kind =
        json!({"group": resource.group, "version": resource.version, "kind": resource.kind});
    let mut entry = json!({
        "resource": resource.plural,
        "responseKind": response_kind,
        "scope": if resource.namespaced { "Namespaced" } else { "Cluster" },
        "singularResource": resource.singular,
        "verbs": resource.verbs,
    });
    add_names(&mut entry, resource);
    let mut subresources = Vec::new();
    if resource.has_logs() {
        subresources.push(json!({"subresource": "log", "responseKind": {"group": "", "version": "v1", "kind": "Pod"}, "verbs": ["get"]}));
    }
    if resource.has_status {
        subresources.push(json!({"subresource": "status", "responseKind": response_kind, "verbs": ["get", "patch", "update"]}));
    }
    if !subresources.is_empty() {
        entry["subresources"] = json!(subresources);
    }
    entry
}

/// The aggregated discovery document (`apidiscovery.k8s.io/v2`) for `/api`
/// (core only) or `/apis` (every other group).
pub fn aggregated(served: &[ResourceType], core: bool) -> Value {
    let items: Vec<Value> = group_versions(served)
        .into_iter()
        .filter(|(group, _)| group.is_empty() == core)
        .map(|(group, version)| {
            let resources: Vec<Value> = served
                .iter()
                .filter(|r| r.group == group && r.version == version)
                .map(aggregated_resource)
                .collect();
            json!({
                "metadata": {"name": group, "creationTimestamp": null},
                "versions": [{"version": version, "resources": resources, "freshness": "Current"}]
            })
        })
        .collect();
    json!({
        "kind": "APIGroupDiscoveryList",
        "apiVersion": "apidiscovery.k8s.io/v2",
        "metadata": {},
        "items": items
    })
}
