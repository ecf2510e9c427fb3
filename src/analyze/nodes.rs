//! The cluster itself: nodes that are not ready or under pressure, and
//! autoscalers that cannot scale.

use super::Analyzer;
use super::fields::{condition, condition_text, list, text};
use crate::core::Severity;

pub static NOT_READY: Analyzer = Analyzer {
    id: "GRD760",
    title: "Node is not ready",
    severity: Severity::Error,
    category: "health",
    rationale: "The node's kubelet reports it not Ready (or has stopped reporting): no new pods are scheduled there, and its pods are evicted after the toleration period.",
    fix: "Look at the node (`kubectl describe node`): the kubelet, the container runtime or the network plugin on it has stopped; fix or replace the node.",
    kinds: &["Node"],
    only_unexplained: false,
    run: |context, analyzer| {
        context
            .objects("Node")
            .filter_map(|node| {
                let ready = condition(&node.value, "Ready");
                let status = ready.and_then(|c| text(&c["status"]));
                if status == Some("True") {
                    return None;
                }
                let why = ready
                    .map(condition_text)
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| "no Ready condition".to_string());
                Some(context.finding(
                    analyzer,
                    node,
                    format!("node is not Ready ({}): {why}", status.unwrap_or("Unknown")),
                ))
            })
            .collect()
    },
};

pub static PRESSURE: Analyzer = Analyzer {
    id: "GRD761",
    title: "Node is under resource pressure",
    severity: Severity::Warning,
    category: "health",
    rationale: "The kubelet reports memory, disk or process-id pressure: it evicts pods to recover and the scheduler avoids the node. Under memory pressure, pods without memory requests go first.",
    fix: "Find what uses the resource (`kubectl top pod --all-namespaces --sort-by=memory`, images and logs for disk); set requests and limits so the scheduler spreads the load, or add capacity.",
    kinds: &["Node"],
    only_unexplained: false,
    run: |context, analyzer| {
        context
            .objects("Node")
            .filter_map(|node| {
                let under: Vec<String> = list(&node.value["status"]["conditions"])
                    .into_iter()
                    .filter(|c| {
                        matches!(
                            text(&c["type"]),
                            Some("MemoryPressure" | "DiskPressure" | "PIDPressure")
                        ) && text(&c["status"]) == Some("True")
                    })
                    .map(|c| {
                        format!(
                            "{} ({})",
                            text(&c["type"]).unwrap_or_default(),
                            condition_text(c)
                        )
                    })
                    .collect();
                (!under.is_empty()).then(|| {
                    context.finding(
                        analyzer,
                        node,
                        format!("node is under {}", under.join(", ")),
                    )
                })
            })
            .collect()
    },
};

pub static HPA_CANNOT_SCALE: Analyzer = Analyzer {
    id: "GRD762",
    title: "HorizontalPodAutoscaler cannot scale",
    severity: Severity::Warning,
    category: "health",
    rationale: "The autoscaler reports it cannot scale (AbleToScale False) or cannot compute a replica count (ScalingActive False, usually FailedGetResourceMetric: no metrics API, or pods without resource requests): the workload stays at its current size under any load.",
    fix: "Act on the condition's reason: install metrics-server, give every container a request for the metric the HPA scales on, or fix `scaleTargetRef`.",
    kinds: &["HorizontalPodAutoscaler"],
    only_unexplained: false,
    run: |context, analyzer| {
        context
            .objects("HorizontalPodAutoscaler")
            .filter_map(|hpa| {
                let stuck: Vec<String> = ["AbleToScale", "ScalingActive"]
                    .iter()
                    .filter_map(|kind| condition(&hpa.value, kind))
                    .filter(|c| text(&c["status"]) == Some("False"))
                    .map(condition_text)
                    .collect();
                (!stuck.is_empty()).then(|| {
                    context.finding(analyzer, hpa, format!("cannot scale: {}", stuck.join("; ")))
                })
            })
            .collect()
    },
};
