//! The kinds that make pods, and where each keeps its pod spec and the
//! metadata of its pods. The bundled rules' `@pods` kind group, the pod view
//! (`guard.pod_view`) and the pod labels cross-object rules match selectors
//! against all read this one table; `rego/lib/k8s.rego` keeps a copy as
//! `pod_spec_paths`, which a test of the pod view holds to it.

/// A kind that carries a pod spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PodBearingKind {
    pub kind: &'static str,
    /// From the object root to the pod spec.
    pub spec_path: &'static [&'static str],
    /// From the object root to the metadata of the pods it makes: the
    /// object's own for a Pod, else the template's, beside the pod spec.
    pub metadata_path: &'static [&'static str],
}

const fn bearer(
    kind: &'static str,
    spec_path: &'static [&'static str],
    metadata_path: &'static [&'static str],
) -> PodBearingKind {
    PodBearingKind {
        kind,
        spec_path,
        metadata_path,
    }
}

const TEMPLATE_SPEC: &[&str] = &["spec", "template", "spec"];
const TEMPLATE_METADATA: &[&str] = &["spec", "template", "metadata"];

/// Every kind that carries a pod spec.
pub const POD_BEARING_KINDS: [PodBearingKind; 9] = [
    bearer("Pod", &["spec"], &["metadata"]),
    bearer("Deployment", TEMPLATE_SPEC, TEMPLATE_METADATA),
    bearer("StatefulSet", TEMPLATE_SPEC, TEMPLATE_METADATA),
    bearer("DaemonSet", TEMPLATE_SPEC, TEMPLATE_METADATA),
    bearer("ReplicaSet", TEMPLATE_SPEC, TEMPLATE_METADATA),
    bearer("ReplicationController", TEMPLATE_SPEC, TEMPLATE_METADATA),
    bearer("Job", TEMPLATE_SPEC, TEMPLATE_METADATA),
    bearer(
        "CronJob",
        &["spec", "jobTemplate", "spec", "template", "spec"],
        &["spec", "jobTemplate", "spec", "template", "metadata"],
    ),
    bearer(
        "PodTemplate",
        &["template", "spec"],
        &["template", "metadata"],
    ),
];

/// Where objects of `kind` keep their pod spec, if they carry one.
pub fn pod_bearing(kind: &str) -> Option<&'static PodBearingKind> {
    POD_BEARING_KINDS.iter().find(|bearer| bearer.kind == kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pod_metadata_sits_beside_the_pod_spec() {
        for bearer in POD_BEARING_KINDS {
            let expected: Vec<&str> = match bearer.kind {
                "Pod" => vec!["metadata"],
                _ => bearer.spec_path[..bearer.spec_path.len() - 1]
                    .iter()
                    .copied()
                    .chain(["metadata"])
                    .collect(),
            };
            assert_eq!(bearer.metadata_path, expected, "{}", bearer.kind);
            assert_eq!(bearer.spec_path.last(), Some(&"spec"), "{}", bearer.kind);
        }
    }

    #[test]
    fn kinds_are_found_by_name_and_only_pod_bearing_ones() {
        assert_eq!(
            pod_bearing("CronJob").map(|b| b.spec_path),
            Some(&["spec", "jobTemplate", "spec", "template", "spec"][..])
        );
        assert_eq!(pod_bearing("Pod").map(|b| b.spec_path), Some(&["spec"][..]));
        assert_eq!(pod_bearing("Service"), None);
        assert_eq!(pod_bearing("pod"), None);
    }
}
