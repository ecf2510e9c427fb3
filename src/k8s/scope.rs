//! Which kinds live outside any namespace.

/// Built-in kinds (and the few well-known extension kinds guard meets in
/// manifests) that have no namespace. A manifest cannot say whether a
/// custom kind is namespaced, so any kind not listed counts as namespaced.
const CLUSTER_SCOPED_KINDS: [&str; 20] = [
    "Namespace",
    "Node",
    "PersistentVolume",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "StorageClass",
    "PriorityClass",
    "IngressClass",
    "RuntimeClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
    "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding",
    "APIService",
    "CSIDriver",
    "CSINode",
    "VolumeAttachment",
    "ClusterIssuer",
    "GatewayClass",
];

/// Whether objects of `kind` have no namespace.
pub fn is_cluster_scoped(kind: &str) -> bool {
    CLUSTER_SCOPED_KINDS.contains(&kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cluster_kinds_have_no_namespace_and_others_do() {
        for kind in ["Namespace", "ClusterRole", "StorageClass", "GatewayClass"] {
            assert!(is_cluster_scoped(kind), "{kind}");
        }
        for kind in ["Pod", "Role", "RoleBinding", "Service", "Widget", ""] {
            assert!(!is_cluster_scoped(kind), "{kind}");
        }
    }
}
