//! Traffic: Services that route to nothing, and Ingresses and HTTPRoutes
//! that point at a Service or port that does not exist.

use super::fields::{condition_true, int, labels, list, text};
use super::{Analyzer, Context};
use crate::core::{Finding, Object, Related, Severity};
use crate::k8s::selector::LabelSelector;
use regorus::Value;
use std::collections::HashMap;

/// The pods of each namespace, indexed once per analyzer run.
fn pods_by_namespace<'a>(context: &Context<'a>) -> HashMap<&'a str, Vec<&'a Object>> {
    let mut pods: HashMap<&str, Vec<&Object>> = HashMap::new();
    for pod in context.objects("Pod") {
        if let Some(ns) = pod.id.namespace.as_deref() {
            pods.entry(ns).or_default().push(pod);
        }
    }
    pods
}

/// A Service's `spec.selector`, as key/value pairs; `None` when it has none
/// (its endpoints are managed by hand).
fn selector(service: &Object) -> Option<Vec<(&str, &str)>> {
    let Value::Object(map) = &service.value["spec"]["selector"] else {
        return None;
    };
    let pairs: Vec<(&str, &str)> = map
        .iter()
        .filter_map(|(k, v)| Some((text(k)?, text(v).unwrap_or(""))))
        .collect();
    (!pairs.is_empty()).then_some(pairs)
}

/// Whether `service`'s selector picks `pod`, as the endpoints controller
/// decides it.
fn selects(service: &Object, pod: &Object) -> bool {
    LabelSelector::read_map(&service.value["spec"]["selector"])
        .matches(&pod.value["metadata"]["labels"])
}

fn routable(service: &Object) -> bool {
    text(&service.value["spec"]["type"]) != Some("ExternalName")
}

pub static NO_READY_ENDPOINTS: Analyzer = Analyzer {
    id: "GRD740",
    title: "Service has no ready endpoints",
    severity: Severity::Warning,
    category: "health",
    rationale: "The Service's selector matches pods, but none of them is ready, so every connection to it fails. The pods' own findings say why they are not ready.",
    fix: "Fix the pods the Service selects (their findings are in this report); the Service routes to them once they are ready.",
    kinds: &["Service"],
    only_unexplained: false,
    run: |context, analyzer| {
        let pods = pods_by_namespace(context);
        let mut out = Vec::new();
        for service in context
            .objects("Service")
            .filter(|s| routable(s) && selector(s).is_some())
        {
            let namespace = service.id.namespace.as_deref().unwrap_or_default();
            let selected: Vec<&Object> = pods
                .get(namespace)
                .into_iter()
                .flatten()
                .copied()
                .filter(|pod| selects(service, pod))
                .collect();
            if selected.is_empty()
                || selected
                    .iter()
                    .any(|pod| condition_true(&pod.value, "Ready"))
            {
                continue;
            }
            let mut owners: Vec<String> = selected
                .iter()
                .map(|pod| context.top_owner(pod).id.to_string())
                .collect();
            owners.sort();
            owners.dedup();
            let mut finding = context.finding(
                analyzer,
                service,
                format!(
                    "none of the {} pods its selector matches is ready, so every request to it fails: see the findings of {}",
                    selected.len(),
                    owners.join(", ")
                ),
            );
            if let Some(evidence) = finding.evidence.as_mut() {
                evidence.related = selected
                    .iter()
                    .map(|pod| Related {
                        object: pod.id.clone(),
                        state: format!(
                            "phase {}, not ready",
                            text(&pod.value["status"]["phase"]).unwrap_or("unknown")
                        ),
                    })
                    .collect();
            }
            out.push(finding);
        }
        out
    },
};

pub static SELECTOR_MATCHES_NOTHING: Analyzer = Analyzer {
    id: "GRD741",
    title: "Service selector matches no pod",
    severity: Severity::Error,
    category: "health",
    rationale: "No pod in the namespace carries every label of the Service's selector, so the Service has no endpoints and every connection to it fails. Usually a typo in a label value, or a selector left behind by a rename.",
    fix: "Make `spec.selector` equal to the labels of the pods it should reach (`kubectl get pods --show-labels`).",
    kinds: &["Service"],
    only_unexplained: false,
    run: |context, analyzer| {
        if !context.snapshot.listed("Pod") {
            return Vec::new();
        }
        let pods = pods_by_namespace(context);
        let mut out = Vec::new();
        for service in context.objects("Service").filter(|s| routable(s)) {
            let Some(selector) = selector(service) else {
                continue;
            };
            let namespace = service.id.namespace.as_deref().unwrap_or_default();
            let in_namespace = pods.get(namespace).map(Vec::as_slice).unwrap_or_default();
            if in_namespace.iter().any(|pod| selects(service, pod)) {
                continue;
            }
            let wanted: Vec<String> = selector.iter().map(|(k, v)| format!("{k}={v}")).collect();
            let mut message = format!(
                "selector {} matches no pod in namespace {namespace}",
                wanted.join(",")
            );
            if let Some(hint) = near_miss(&selector, in_namespace) {
                message.push_str(&format!(
                    "; pods there have {hint}: is the selector's value a typo?"
                ));
            }
            let mut finding = context.finding(analyzer, service, message);
            finding.path = "spec.selector".to_string();
            out.push(finding);
        }
        out
    },
};

/// The label the namespace's pods have under a selector key that is
/// closest to the selector's value: the likely intended one.
fn near_miss(selector: &[(&str, &str)], pods: &[&Object]) -> Option<String> {
    let mut best: Option<(usize, String)> = None;
    for (key, value) in selector {
        for pod in pods {
            for (k, other) in labels(&pod.value["metadata"]) {
                if k != *key || other == *value {
                    continue;
                }
                // Only a value a typo away: two edits, and fewer than its length.
                let distance = edit_distance(value, other);
                if distance > 2 || distance >= value.chars().count() {
                    continue;
                }
                if best.as_ref().is_none_or(|(d, _)| distance < *d) {
                    best = Some((distance, format!("{key}={other}")));
                }
            }
        }
    }
    best.map(|(_, label)| label)
}

/// Levenshtein distance, for naming the label a typo was meant to be.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous + usize::from(ca != *cb);
            previous = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(previous + 1);
        }
    }
    row[b.len()]
}

/// Whether `service` exposes `port`: a number among its ports, or a name.
fn exposes(service: &Object, port: &Value) -> bool {
    let ports = list(&service.value["spec"]["ports"]);
    match (
        int(&port["number"]).or_else(|| int(port)),
        text(&port["name"]).or_else(|| text(port)),
    ) {
        (Some(number), _) => ports.iter().any(|p| int(&p["port"]) == Some(number)),
        (None, Some(name)) => ports.iter().any(|p| text(&p["name"]) == Some(name)),
        (None, None) => true,
    }
}

fn port_text(port: &Value) -> String {
    int(&port["number"])
        .or_else(|| int(port))
        .map(|n| n.to_string())
        .or_else(|| {
            text(&port["name"])
                .or_else(|| text(port))
                .map(str::to_string)
        })
        .unwrap_or_default()
}

/// What is wrong with a backend reference to Service `name` on `port` in
/// `namespace`, if anything.
fn backend_problem(
    context: &Context,
    namespace: Option<&str>,
    name: &str,
    port: &Value,
) -> Option<String> {
    match context.snapshot.get("Service", namespace, name) {
        None if context.snapshot.listed("Service") => {
            Some(format!("Service {name:?} does not exist"))
        }
        None => None,
        Some(service) if !exposes(service, port) => {
            let have: Vec<String> = list(&service.value["spec"]["ports"])
                .into_iter()
                .map(|p| match (int(&p["port"]), text(&p["name"])) {
                    (Some(n), Some(name)) => format!("{n} ({name})"),
                    (Some(n), None) => n.to_string(),
                    _ => "?".to_string(),
                })
                .collect();
            Some(format!(
                "Service {name:?} has no port {} (it has {})",
                port_text(port),
                have.join(", ")
            ))
        }
        Some(_) => None,
    }
}

pub static INGRESS_BACKEND: Analyzer = Analyzer {
    id: "GRD742",
    title: "Ingress routes to a missing Service or port",
    severity: Severity::Error,
    category: "health",
    rationale: "An Ingress backend names a Service that does not exist in its namespace, or a port that Service does not expose; the ingress controller answers 503 (or 404) for that path.",
    fix: "Correct the backend's `service.name` and `service.port` to a Service and port that exist (`kubectl get svc -n NS`).",
    kinds: &["Ingress"],
    only_unexplained: false,
    run: |context, analyzer| {
        let mut out = Vec::new();
        for ingress in context.objects("Ingress") {
            let spec = &ingress.value["spec"];
            let mut backends: Vec<(String, &Value)> = Vec::new();
            if spec["defaultBackend"] != Value::Undefined {
                backends.push(("spec.defaultBackend".into(), &spec["defaultBackend"]));
            }
            for (r, rule) in list(&spec["rules"]).into_iter().enumerate() {
                for (p, path) in list(&rule["http"]["paths"]).into_iter().enumerate() {
                    backends.push((
                        format!("spec.rules[{r}].http.paths[{p}].backend"),
                        &path["backend"],
                    ));
                }
            }
            for (path, backend) in backends {
                let Some(name) = text(&backend["service"]["name"]) else {
                    continue;
                };
                if let Some(problem) = backend_problem(
                    context,
                    ingress.id.namespace.as_deref(),
                    name,
                    &backend["service"]["port"],
                ) {
                    let mut finding =
                        context.finding(analyzer, ingress, format!("backend at {path}: {problem}"));
                    finding.path = format!("{path}.service");
                    out.push(finding);
                }
            }
        }
        out
    },
};

pub static ROUTE_BACKEND: Analyzer = Analyzer {
    id: "GRD743",
    title: "HTTPRoute routes to a missing Service or port",
    severity: Severity::Error,
    category: "health",
    rationale: "A Gateway API HTTPRoute's backendRef names a Service that does not exist, or a port it does not expose; the gateway returns 500 for the matching requests and sets the route's ResolvedRefs condition to False.",
    fix: "Correct the backendRef's `name` and `port` (and `namespace`, with a ReferenceGrant when it is another namespace).",
    kinds: &["HTTPRoute"],
    only_unexplained: false,
    run: |context, analyzer| {
        let mut out = Vec::new();
        for route in context.objects("HTTPRoute") {
            for (r, rule) in list(&route.value["spec"]["rules"]).into_iter().enumerate() {
                for (b, backend) in list(&rule["backendRefs"]).into_iter().enumerate() {
                    if text(&backend["kind"]).is_some_and(|k| k != "Service") {
                        continue;
                    }
                    let Some(name) = text(&backend["name"]) else {
                        continue;
                    };
                    let namespace = text(&backend["namespace"]).or(route.id.namespace.as_deref());
                    if let Some(problem) =
                        backend_problem(context, namespace, name, &backend["port"])
                    {
                        let mut finding: Finding = context.finding(
                            analyzer,
                            route,
                            format!("backendRef {name}: {problem}"),
                        );
                        finding.path = format!("spec.rules[{r}].backendRefs[{b}]");
                        out.push(finding);
                    }
                }
            }
        }
        out
    },
};

#[cfg(test)]
mod tests {
    use super::edit_distance;

    #[test]
    fn typos_are_near() {
        assert_eq!(edit_distance("wbe", "web"), 2);
        assert_eq!(edit_distance("wbe", "api"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }
}
