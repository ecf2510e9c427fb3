//! Storage and configuration: claims that do not bind, and the ConfigMaps,
//! Secrets and keys pods read but the cluster does not have.

use super::fields::{flag, list, pod_spec, pod_spec_path, text};
use super::{Analyzer, Context};
use crate::core::{Finding, Object, Severity};
use regorus::Value;

pub static PVC_PENDING: Analyzer = Analyzer {
    id: "GRD750",
    title: "PersistentVolumeClaim is not bound",
    severity: Severity::Error,
    category: "health",
    rationale: "A Pending claim has no volume: no PersistentVolume matches it and its StorageClass cannot provision one (the ProvisioningFailed events say why). Pods that mount it cannot be scheduled.",
    fix: "Act on the provisioner's message in the events: a size or access mode the class cannot give, a zone without capacity, or a provisioner that is not running.",
    kinds: &["PersistentVolumeClaim"],
    only_unexplained: true,
    run: |context, analyzer| {
        context
            .objects("PersistentVolumeClaim")
            .filter(|pvc| text(&pvc.value["status"]["phase"]) == Some("Pending"))
            .filter_map(|pvc| {
                let warning = context
                    .snapshot
                    .events_for(pvc)
                    .into_iter()
                    .find(|e| text(&e.value["type"]) == Some("Warning"))
                    .and_then(|e| {
                        text(&e.value["message"])
                            .or(text(&e.value["note"]))
                            .map(str::to_string)
                    });
                // A class that binds when the first pod arrives keeps a
                // claim nobody uses Pending, as it should.
                if warning.is_none() && waits_for_consumer(context, pvc) {
                    return None;
                }
                let message = match warning {
                    Some(reason) => format!("claim is Pending: {reason}"),
                    None => "claim is Pending: no volume is bound to it".to_string(),
                };
                Some(context.finding(analyzer, pvc, message))
            })
            .collect()
    },
};

/// Whether the claim's StorageClass (its own, or the default one) binds
/// volumes only once a pod uses the claim.
fn waits_for_consumer(context: &Context, pvc: &Object) -> bool {
    let class = match text(&pvc.value["spec"]["storageClassName"]) {
        Some(name) => context.snapshot.get("StorageClass", None, name),
        None => context.snapshot.of_kind("StorageClass").find(|c| {
            text(&c.value["metadata"]["annotations"]["storageclass.kubernetes.io/is-default-class"])
                == Some("true")
        }),
    };
    class.is_some_and(|c| text(&c.value["volumeBindingMode"]) == Some("WaitForFirstConsumer"))
}

pub static STORAGE_CLASS_MISSING: Analyzer = Analyzer {
    id: "GRD751",
    title: "PersistentVolumeClaim names a missing StorageClass",
    severity: Severity::Error,
    category: "health",
    rationale: "The claim's `storageClassName` names a StorageClass the cluster does not have, so nothing will ever provision its volume and it stays Pending.",
    fix: "Set `spec.storageClassName` to a class the cluster has (`kubectl get storageclass`), or leave it out to use the default class. The field is immutable: re-create the claim.",
    kinds: &["PersistentVolumeClaim"],
    only_unexplained: false,
    run: |context, analyzer| {
        if !context.snapshot.listed("StorageClass") {
            return Vec::new();
        }
        let classes: Vec<&str> = context
            .snapshot
            .of_kind("StorageClass")
            .filter_map(|c| c.id.name.as_deref())
            .collect();
        context
            .objects("PersistentVolumeClaim")
            .filter(|pvc| text(&pvc.value["status"]["phase"]) != Some("Bound"))
            .filter_map(|pvc| {
                let class = text(&pvc.value["spec"]["storageClassName"])?;
                if classes.contains(&class) {
                    return None;
                }
                let known = if classes.is_empty() {
                    "none".to_string()
                } else {
                    classes.join(", ")
                };
                let mut finding = context.finding(
                    analyzer,
                    pvc,
                    format!("StorageClass {class:?} does not exist (the cluster has: {known})"),
                );
                finding.path = "spec.storageClassName".to_string();
                Some(finding)
            })
            .collect()
    },
};

/// One reference from a pod spec to a ConfigMap or Secret.
struct Reference {
    name: String,
    /// The key it reads, for key references.
    key: Option<String>,
    /// The dotted path of the reference inside the object.
    path: String,
}

/// The references of `object`'s pod spec to objects of `kind`, leaving out
/// the optional ones (`optional: true`), which a missing object does not
/// break.
fn references(object: &Object, kind: &str) -> Vec<Reference> {
    let (Some(spec), Some(prefix)) = (
        pod_spec(&object.value, &object.id.kind),
        pod_spec_path(&object.id.kind),
    ) else {
        return Vec::new();
    };
    let secret = kind == "Secret";
    let (key_ref, from_ref, volume, volume_name) = if secret {
        ("secretKeyRef", "secretRef", "secret", "secretName")
    } else {
        ("configMapKeyRef", "configMapRef", "configMap", "name")
    };
    let mut out = Vec::new();
    let mut add = |at: &Value, name_field: &str, key: Option<&str>, path: String| {
        if flag(&at["optional"]) == Some(true) {
            return;
        }
        if let Some(name) = text(&at[name_field]) {
            out.push(Reference {
                name: name.to_string(),
                key: key.map(str::to_string),
                path,
            });
        }
    };
    for field in ["initContainers", "containers"] {
        for (c, container) in list(&spec[field]).into_iter().enumerate() {
            for (e, env) in list(&container["env"]).into_iter().enumerate() {
                let at = &env["valueFrom"][key_ref];
                add(
                    at,
                    "name",
                    text(&at["key"]),
                    format!("{prefix}.{field}[{c}].env[{e}].valueFrom.{key_ref}"),
                );
            }
            for (e, from) in list(&container["envFrom"]).into_iter().enumerate() {
                add(
                    &from[from_ref],
                    "name",
                    None,
                    format!("{prefix}.{field}[{c}].envFrom[{e}].{from_ref}"),
                );
            }
        }
    }
    for (v, vol) in list(&spec["volumes"]).into_iter().enumerate() {
        let at = &vol[volume];
        let items = list(&at["items"]);
        if items.is_empty() {
            add(
                at,
                volume_name,
                None,
                format!("{prefix}.volumes[{v}].{volume}"),
            );
        }
        for item in items {
            add(
                at,
                volume_name,
                text(&item["key"]),
                format!("{prefix}.volumes[{v}].{volume}"),
            );
        }
        for (s, source) in list(&vol["projected"]["sources"]).into_iter().enumerate() {
            let at = &source[volume];
            let items = list(&at["items"]);
            let path = format!("{prefix}.volumes[{v}].projected.sources[{s}].{volume}");
            if items.is_empty() {
                add(at, "name", None, path.clone());
            }
            for item in items {
                add(at, "name", text(&item["key"]), path.clone());
            }
        }
    }
    if secret {
        for (i, pull) in list(&spec["imagePullSecrets"]).into_iter().enumerate() {
            add(
                pull,
                "name",
                None,
                format!("{prefix}.imagePullSecrets[{i}]"),
            );
        }
    }
    out
}

/// Missing objects and keys that the cluster's workloads (the top-level
/// ones: a Deployment, not its pods) and bare pods reference.
fn broken_references(context: &Context, analyzer: &Analyzer, kind: &'static str) -> Vec<Finding> {
    if !context.snapshot.listed(kind) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for object in context.snapshot.objects() {
        if pod_spec_path(&object.id.kind).is_none()
            || !context.snapshot.owners(object).is_empty()
            || !super::in_scope(context.scope.namespace.as_deref(), object)
        {
            continue;
        }
        let mut reported = std::collections::BTreeSet::new();
        for reference in references(object, kind) {
            let target =
                context
                    .snapshot
                    .get(kind, object.id.namespace.as_deref(), &reference.name);
            let problem = match (target, &reference.key) {
                (None, _) => format!("{kind} {:?} does not exist", reference.name),
                (Some(found), Some(key)) if !has_key(found, key) => {
                    format!("{kind} {:?} has no key {key:?}", reference.name)
                }
                _ => continue,
            };
            if !reported.insert(problem.clone()) {
                continue;
            }
            let consequence = if reference.path.contains("imagePullSecrets") {
                "images from a private registry cannot be pulled with it"
            } else {
                "the pods cannot start"
            };
            let mut finding =
                context.finding(analyzer, object, format!("{problem}; {consequence}"));
            finding.path = reference.path;
            out.push(finding);
        }
    }
    out
}

fn has_key(object: &Object, key: &str) -> bool {
    ["data", "binaryData", "stringData"]
        .iter()
        .any(|field| match &object.value[*field] {
            Value::Object(map) => map.contains_key(&Value::from(key)),
            _ => false,
        })
}

pub static CONFIGMAP_REFERENCE: Analyzer = Analyzer {
    id: "GRD752",
    title: "Pods reference a missing ConfigMap or key",
    severity: Severity::Error,
    category: "health",
    rationale: "A container's env, envFrom or a volume reads a ConfigMap (or a key of one) that does not exist in the namespace; the kubelet will not start the container (CreateContainerConfigError) or mount the volume.",
    fix: "Create the ConfigMap with the key (`kubectl create configmap NAME --from-literal=KEY=VALUE`), correct the name, or mark the reference `optional: true`.",
    kinds: &[
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "Job",
        "CronJob",
    ],
    only_unexplained: false,
    run: |context, analyzer| broken_references(context, analyzer, "ConfigMap"),
};

pub static SECRET_REFERENCE: Analyzer = Analyzer {
    id: "GRD753",
    title: "Pods reference a missing Secret or key",
    severity: Severity::Error,
    category: "health",
    rationale: "A container's env, envFrom, a volume or `imagePullSecrets` names a Secret (or a key of one) that does not exist in the namespace; the container does not start, or its image cannot be pulled.",
    fix: "Create the Secret with the key (`kubectl create secret generic NAME --from-literal=KEY=...`), correct the name, or mark the reference `optional: true`.",
    kinds: &[
        "Pod",
        "Deployment",
        "StatefulSet",
        "DaemonSet",
        "ReplicaSet",
        "Job",
        "CronJob",
    ],
    only_unexplained: false,
    run: |context, analyzer| broken_references(context, analyzer, "Secret"),
};
