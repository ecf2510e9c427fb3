//! Resource use from the metrics API (`metrics.k8s.io`, served by
//! metrics-server): memory near its limit, cpu at its limit, requests far
//! above use. The API gives a recent average of usage; it says nothing of
//! cpu throttling, so the cpu finding says so.

use super::fields::{list, pod_spec, text};
use super::{Analyzer, Context};
use crate::blueprint::quantity::{parse_bytes, parse_millicores};
use crate::core::{Finding, Object, ObjectRef, Related, Severity};
use std::collections::BTreeMap;

/// Memory use at or above this share of the limit is reported.
const MEMORY_SHARE: f64 = 0.9;
/// Cpu use at or above this share of the limit is reported.
const CPU_SHARE: f64 = 0.95;
/// A request at least this many times the use is reported…
const OVER_REQUEST_FACTOR: u128 = 4;
/// …when it also reserves at least this much that is not used.
const OVER_REQUEST_MEMORY: u128 = 256 << 20;
const OVER_REQUEST_MILLICORES: u128 = 250;

/// One container's use beside its requests and limits.
struct Use<'a> {
    pod: &'a Object,
    container: String,
    memory: Option<u128>,
    millicores: Option<u128>,
    memory_limit: Option<u128>,
    memory_request: Option<u128>,
    cpu_limit: Option<u128>,
    cpu_request: Option<u128>,
}

fn uses<'a>(context: &Context<'a>) -> Vec<Use<'a>> {
    let mut out = Vec::new();
    for metrics in context.objects("PodMetrics") {
        let (Some(namespace), Some(name)) =
            (metrics.id.namespace.as_deref(), metrics.id.name.as_deref())
        else {
            continue;
        };
        let Some(pod) = context.snapshot.get("Pod", Some(namespace), name) else {
            continue;
        };
        let Some(spec) = pod_spec(&pod.value, "Pod") else {
            continue;
        };
        for container in list(&metrics.value["containers"]) {
            let Some(container_name) = text(&container["name"]) else {
                continue;
            };
            let Some(declared) = list(&spec["containers"])
                .into_iter()
                .find(|c| text(&c["name"]) == Some(container_name))
            else {
                continue;
            };
            let resources = &declared["resources"];
            out.push(Use {
                pod,
                container: container_name.to_string(),
                memory: text(&container["usage"]["memory"]).and_then(parse_bytes),
                millicores: text(&container["usage"]["cpu"]).and_then(parse_millicores),
                memory_limit: text(&resources["limits"]["memory"]).and_then(parse_bytes),
                memory_request: text(&resources["requests"]["memory"]).and_then(parse_bytes),
                cpu_limit: text(&resources["limits"]["cpu"]).and_then(parse_millicores),
                cpu_request: text(&resources["requests"]["cpu"]).and_then(parse_millicores),
            });
        }
    }
    out
}

fn mib(bytes: u128) -> String {
    format!("{}Mi", bytes.div_ceil(1 << 20))
}

/// A top owner, and each of its pods' use of one container: how bad
/// (weight), in words.
type Group<'a> = (&'a Object, Vec<(f64, String, &'a Object)>);

/// Findings grouped by top owner and container: `pick` says whether a
/// container's use is a problem and in what words, and the worst of a
/// group (by the returned weight) is the message.
fn grouped(
    context: &Context,
    analyzer: &Analyzer,
    pick: impl Fn(&Use) -> Option<(f64, String)>,
    path_field: &str,
) -> Vec<Finding> {
    let mut groups: BTreeMap<(ObjectRef, String), Group> = BTreeMap::new();
    for use_ in uses(context) {
        if let Some((weight, words)) = pick(&use_) {
            let top = context.top_owner(use_.pod);
            groups
                .entry((top.id.clone(), use_.container.clone()))
                .or_insert_with(|| (top, Vec::new()))
                .1
                .push((weight, words, use_.pod));
        }
    }
    groups
        .into_iter()
        .map(|((_, container), (top, mut found))| {
            found.sort_by(|a, b| b.0.total_cmp(&a.0));
            let (_, words, _) = &found[0];
            let pods = if found.len() > 1 {
                format!(" (worst of {} pods)", found.len())
            } else {
                String::new()
            };
            let mut finding = context.finding(
                analyzer,
                top,
                format!("container {container:?} {words}{pods}"),
            );
            let path = super::fields::container_path(&top.value, &top.id.kind, &container, false);
            if !path.is_empty() {
                finding.path = format!("{path}.resources.{path_field}");
            }
            if let Some(evidence) = finding.evidence.as_mut() {
                evidence.related = found
                    .iter()
                    .map(|(_, words, pod)| Related {
                        object: pod.id.clone(),
                        state: words.clone(),
                    })
                    .collect();
            }
            finding
        })
        .collect()
}

pub static MEMORY_NEAR_LIMIT: Analyzer = Analyzer {
    id: "GRD770",
    title: "Memory use is near the limit",
    severity: Severity::Warning,
    category: "resource use",
    rationale: "A container that uses 90% or more of its memory limit is killed (OOMKilled) at the next peak.",
    fix: "Raise `resources.limits.memory` (and the request) above the peak, or reduce what the application holds in memory.",
    kinds: &["Pod", "Deployment", "StatefulSet", "DaemonSet", "Job"],
    only_unexplained: false,
    run: |context, analyzer| {
        grouped(
            context,
            analyzer,
            |u| {
                let (used, limit) = (u.memory?, u.memory_limit?);
                let share = used as f64 / limit.max(1) as f64;
                (share >= MEMORY_SHARE).then(|| {
                    (
                        share,
                        format!(
                            "uses {} of its {} memory limit ({:.0}%)",
                            mib(used),
                            mib(limit),
                            share * 100.0
                        ),
                    )
                })
            },
            "limits.memory",
        )
    },
};

pub static CPU_AT_LIMIT: Analyzer = Analyzer {
    id: "GRD771",
    title: "Cpu use is at the limit",
    severity: Severity::Info,
    category: "resource use",
    rationale: "A container whose cpu use reaches its limit is very likely throttled (slower responses, failing probes). The metrics API reports use, not throttling: the kubelet's `container_cpu_cfs_throttled_periods_total` confirms it.",
    fix: "Raise `resources.limits.cpu`, or remove the cpu limit and keep the request (many teams do), if the node has the capacity.",
    kinds: &["Pod", "Deployment", "StatefulSet", "DaemonSet", "Job"],
    only_unexplained: false,
    run: |context, analyzer| {
        grouped(
            context,
            analyzer,
            |u| {
                let (used, limit) = (u.millicores?, u.cpu_limit?);
                let share = used as f64 / limit.max(1) as f64;
                (share >= CPU_SHARE).then(|| {
                    (share, format!("uses {used}m of its {limit}m cpu limit ({:.0}%): likely throttled (the metrics API shows use, not throttling)", share * 100.0))
                })
            },
            "limits.cpu",
        )
    },
};

pub static OVER_REQUESTED: Analyzer = Analyzer {
    id: "GRD772",
    title: "Requests far above use",
    severity: Severity::Info,
    category: "resource use",
    rationale: "A container that requests four times or more what it uses reserves node capacity nothing else can be scheduled on: the cluster needs more nodes than its load does.",
    fix: "Lower `resources.requests` towards the observed use plus headroom (watch it over a busy day first: the metrics API shows only the last minute).",
    kinds: &["Pod", "Deployment", "StatefulSet", "DaemonSet", "Job"],
    only_unexplained: false,
    run: |context, analyzer| {
        grouped(
            context,
            analyzer,
            |u| {
                let mut words = Vec::new();
                let mut weight = 0.0;
                if let (Some(used), Some(request)) = (u.memory, u.memory_request)
                    && request >= used.max(1) * OVER_REQUEST_FACTOR
                    && request - used >= OVER_REQUEST_MEMORY
                {
                    words.push(format!(
                        "requests {} memory and uses {}",
                        mib(request),
                        mib(used)
                    ));
                    weight += (request - used) as f64 / (1u128 << 30) as f64;
                }
                if let (Some(used), Some(request)) = (u.millicores, u.cpu_request)
                    && request >= used.max(1) * OVER_REQUEST_FACTOR
                    && request - used >= OVER_REQUEST_MILLICORES
                {
                    words.push(format!("requests {request}m cpu and uses {used}m"));
                    weight += (request - used) as f64 / 1000.0;
                }
                (!words.is_empty()).then(|| (weight, words.join("; ")))
            },
            "requests",
        )
    },
};

pub static METRICS_UNAVAILABLE: Analyzer = Analyzer {
    id: "GRD773",
    title: "Metrics API not available",
    severity: Severity::Info,
    category: "resource use",
    rationale: "Without `metrics.k8s.io` (served by metrics-server) guard cannot compare use with requests and limits, and HorizontalPodAutoscalers on cpu or memory cannot scale. Reported once, at the API's APIService.",
    fix: "Install metrics-server (`kubectl apply -f https://github.com/kubernetes-sigs/metrics-server/releases/latest/download/components.yaml`), or include `kubectl get --raw /apis/metrics.k8s.io/v1beta1/pods` output in the snapshot.",
    kinds: &["APIService"],
    only_unexplained: false,
    run: |context, analyzer| {
        if context.snapshot.listed("PodMetrics") || !context.snapshot.listed("Pod") {
            return Vec::new();
        }
        let mut finding = Finding::new(
            analyzer.id,
            analyzer.severity,
            "the metrics API (metrics.k8s.io) is not available: resource use was not analysed"
                .to_string(),
            ObjectRef {
                api_version: "apiregistration.k8s.io/v1".into(),
                kind: "APIService".into(),
                namespace: None,
                name: Some("v1beta1.metrics.k8s.io".into()),
            },
        );
        finding.fix = Some(crate::core::Fix {
            description: analyzer.fix.to_string(),
            patch: Vec::new(),
        });
        vec![finding]
    },
};
