//! Pod health: each container's state read once into a [`Problem`], then
//! one analyzer per kind of problem, reported at the pods' top owner.

use super::evidence;
use super::fields::{condition, container_path, int, list, text};
use super::{Analyzer, Context};
use crate::cluster::{LogKey, unix_seconds};
use crate::core::{Finding, Object, Related, Severity};
use regorus::Value;
use std::collections::BTreeMap;

/// Restarts after which a running container is reported as restarting.
const RESTARTS: i64 = 3;
/// A running container's last termination older than this is history, not
/// a problem (node reboots, an OOM kill last week).
const RECENT: i64 = 24 * 3600;
/// Logs read as evidence per analysis, at most.
const LOGS: usize = 20;

/// What is wrong with one container, in the order the analyzers run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    ImagePull,
    CannotStart,
    OomKilled,
    CrashLoop,
    Terminated,
    InitStuck,
    ProbeFailing,
    Restarting,
    Unschedulable,
}

/// One container's (or, for scheduling, one pod's) problem.
pub(super) struct Problem<'a> {
    kind: Kind,
    pod: &'a Object,
    /// Empty for a pod that is not scheduled.
    container: String,
    init: bool,
    /// The state in a few words, as evidence.
    state: String,
    restarts: i64,
    image: String,
}

/// Every pod's problems, at most one per container: the most specific
/// state wins (an OOM-killed container that is in back-off is OOM-killed).
fn problems<'c, 'a>(context: &'c Context<'a>) -> &'c [Problem<'a>] {
    context.pods.get_or_init(|| classify_pods(context))
}

fn classify_pods<'a>(context: &Context<'a>) -> Vec<Problem<'a>> {
    let mut out = Vec::new();
    for pod in context.objects("Pod") {
        let status = &pod.value["status"];
        if let Some(scheduled) = condition(&pod.value, "PodScheduled")
            && text(&scheduled["status"]) == Some("False")
        {
            let message = text(&scheduled["message"]).unwrap_or("not scheduled");
            out.push(Problem {
                kind: Kind::Unschedulable,
                pod,
                container: String::new(),
                init: false,
                state: format!("Pending: {message}"),
                restarts: 0,
                image: String::new(),
            });
            continue;
        }
        // An evicted pod's containers were killed by the kubelet, not by
        // their own fault: the pod's reason says why.
        if text(&status["reason"]) == Some("Evicted") {
            out.push(Problem {
                kind: Kind::Terminated,
                pod,
                container: String::new(),
                init: false,
                state: format!(
                    "evicted: {}",
                    text(&status["message"]).unwrap_or("by the kubelet").trim()
                ),
                restarts: 0,
                image: String::new(),
            });
            continue;
        }
        for (field, init) in [
            ("initContainerStatuses", true),
            ("containerStatuses", false),
        ] {
            for container in list(&status[field]) {
                if let Some(problem) = classify(pod, container, init, context.snapshot.taken_at) {
                    out.push(problem);
                }
            }
        }
    }
    out
}

fn classify<'a>(
    pod: &'a Object,
    container: &Value,
    init: bool,
    now: Option<i64>,
) -> Option<Problem<'a>> {
    let state = &container["state"];
    let last = &container["lastState"]["terminated"];
    let running = state["running"] != Value::Undefined;
    let last_is_recent = match (now, text(&last["finishedAt"]).and_then(unix_seconds)) {
        (Some(now), Some(finished)) => now - finished <= RECENT,
        _ => true,
    };
    let waiting = text(&state["waiting"]["reason"]);
    let waiting_message = text(&state["waiting"]["message"]).unwrap_or_default();
    let restarts = int(&container["restartCount"]).unwrap_or(0);
    let terminated = &state["terminated"];
    let exit = |t: &Value| {
        let code = int(&t["exitCode"]).unwrap_or(0);
        let reason = text(&t["reason"]).unwrap_or("Error");
        format!("exit code {code} ({reason})")
    };
    let oom = text(&terminated["reason"]) == Some("OOMKilled")
        || (text(&last["reason"]) == Some("OOMKilled") && (!running || last_is_recent));
    let failed_now = int(&terminated["exitCode"]).is_some_and(|c| c != 0);
    let (kind, described) = match waiting {
        Some(
            reason @ ("ImagePullBackOff" | "ErrImagePull" | "InvalidImageName"
            | "ErrImageNeverPull"),
        ) => (Kind::ImagePull, format!("{reason}: {waiting_message}")),
        Some(
            reason @ ("CreateContainerConfigError" | "CreateContainerError" | "RunContainerError"),
        ) => (Kind::CannotStart, format!("{reason}: {waiting_message}")),
        _ if oom => (
            Kind::OomKilled,
            format!("OOMKilled, {}", restarted(restarts)),
        ),
        _ if init && (waiting == Some("CrashLoopBackOff") || failed_now) => {
            let why = if failed_now {
                exit(terminated)
            } else {
                exit(last)
            };
            (
                Kind::InitStuck,
                format!("init container failing: {why}, {}", restarted(restarts)),
            )
        }
        Some("CrashLoopBackOff") => (
            Kind::CrashLoop,
            format!(
                "CrashLoopBackOff: last {}, {}",
                exit(last),
                restarted(restarts)
            ),
        ),
        _ if failed_now && !owned_by_job(pod) => (
            Kind::Terminated,
            format!("terminated with {}", exit(terminated)),
        ),
        _ if init => return None,
        _ if running && container["started"] == Value::Bool(false) => (
            Kind::ProbeFailing,
            "running, its startup probe has not passed".to_string(),
        ),
        _ if running && container["ready"] == Value::Bool(false) => {
            (Kind::ProbeFailing, "running but not ready".to_string())
        }
        _ if running && restarts >= RESTARTS && last_is_recent => (
            Kind::Restarting,
            format!("running, {} (last {})", restarted(restarts), exit(last)),
        ),
        _ => return None,
    };
    Some(Problem {
        kind,
        pod,
        container: text(&container["name"]).unwrap_or_default().to_string(),
        init,
        state: described,
        restarts,
        image: text(&container["image"]).unwrap_or_default().to_string(),
    })
}

/// "restarted 1 time", "restarted 6 times".
fn restarted(count: i64) -> String {
    if count == 1 {
        "restarted 1 time".to_string()
    } else {
        format!("restarted {count} times")
    }
}

fn owned_by_job(pod: &Object) -> bool {
    list(&pod.value["metadata"]["ownerReferences"])
        .into_iter()
        .any(|o| text(&o["kind"]) == Some("Job"))
}

/// The logs the pod analyzers cite: for each top owner and container with a
/// crash, the previous instance of one pod (or the current one, for a
/// container that never restarted).
pub(super) fn logs_wanted(context: &Context) -> Vec<LogKey> {
    let mut seen = std::collections::BTreeSet::new();
    let mut keys = Vec::new();
    for problem in problems(context) {
        if !matches!(
            problem.kind,
            Kind::CrashLoop
                | Kind::OomKilled
                | Kind::Terminated
                | Kind::InitStuck
                | Kind::Restarting
        ) {
            continue;
        }
        let top = context.top_owner(problem.pod);
        if !seen.insert((top.id.clone(), problem.container.clone())) {
            continue;
        }
        if let Some(key) = log_key(problem) {
            keys.push(key);
        }
        if keys.len() == LOGS {
            break;
        }
    }
    keys
}

fn log_key(problem: &Problem) -> Option<LogKey> {
    if problem.container.is_empty() {
        return None;
    }
    Some(LogKey {
        namespace: problem.pod.id.namespace.clone()?,
        pod: problem.pod.id.name.clone()?,
        container: problem.container.clone(),
        previous: problem.restarts > 0 && problem.kind != Kind::Terminated,
    })
}

/// The findings of `analyzer` for problems of `kind`: one per top owner and
/// container, with every affected pod as evidence.
fn report(
    context: &Context,
    analyzer: &Analyzer,
    kind: Kind,
    describe: fn(&Group) -> String,
) -> Vec<Finding> {
    let mut groups: BTreeMap<(crate::core::ObjectRef, String), Group> = BTreeMap::new();
    for problem in problems(context).iter().filter(|p| p.kind == kind) {
        let top = context.top_owner(problem.pod);
        groups
            .entry((top.id.clone(), problem.container.clone()))
            .or_insert_with(|| Group {
                top,
                problems: Vec::new(),
                pods: 0,
                log: Vec::new(),
            })
            .problems
            .push(problem);
    }
    if groups.is_empty() {
        return Vec::new();
    }
    let pods = pod_counts(context);
    groups
        .into_values()
        .map(|mut group| {
            group.pods = pods.get(&group.top.id).copied().unwrap_or(1);
            let excerpt = group.problems.iter().find_map(|p| {
                log_key(p).and_then(|key| evidence::log(context.snapshot, &p.pod.id, &key))
            });
            group.log = excerpt
                .as_ref()
                .map(|e| e.lines.clone())
                .unwrap_or_default();
            let first = &group.problems[0];
            let mut finding = context.finding(analyzer, group.top, describe(&group));
            finding.path = container_path(
                &group.top.value,
                &group.top.id.kind,
                &first.container,
                first.init,
            );
            if let Some(evidence) = finding.evidence.as_mut() {
                let mut about = vec![group.top];
                about.extend(context.snapshot.owners(first.pod));
                about.extend(group.problems.iter().map(|p| p.pod));
                evidence.events = evidence::events(context.snapshot, &about);
                evidence.related = group
                    .problems
                    .iter()
                    .map(|p| Related {
                        object: p.pod.id.clone(),
                        state: if p.container.is_empty() {
                            p.state.clone()
                        } else {
                            format!("container {}: {}", p.container, p.state)
                        },
                    })
                    .collect();
                evidence.logs = excerpt.into_iter().collect();
            }
            finding
        })
        .collect()
}

/// The problems of one container across the pods of one top owner.
struct Group<'a> {
    top: &'a Object,
    problems: Vec<&'a Problem<'a>>,
    /// How many pods the top owner has in all.
    pods: usize,
    /// The last log lines of one affected instance, redacted.
    log: Vec<String>,
}

impl Group<'_> {
    fn first(&self) -> &Problem<'_> {
        self.problems[0]
    }

    /// "container api of 2 of 3 pods" or "container api".
    fn who(&self) -> String {
        let container = &self.first().container;
        let kind = if self.first().init {
            "init container"
        } else {
            "container"
        };
        let pods = self.pods.max(self.problems.len());
        if container.is_empty() {
            return if self.top.id.kind == "Pod" {
                "pod".to_string()
            } else {
                format!("{} of {pods} pods", self.problems.len())
            };
        }
        if self.top.id.kind == "Pod" {
            format!("{kind} {container:?}")
        } else {
            format!(
                "{kind} {container:?} of {} of {} pods",
                self.problems.len(),
                self.pods.max(self.problems.len())
            )
        }
    }

    /// The log line that best explains a crash: the last that reads like an
    /// error, else the last one.
    fn telling_line(&self) -> Option<&str> {
        let lines = &self.log;
        lines
            .iter()
            .rev()
            .find(|l| {
                let lower = l.to_ascii_lowercase();
                [
                    "error",
                    "fatal",
                    "panic",
                    "exception",
                    "not set",
                    "missing",
                    "required",
                    "denied",
                    "refused",
                ]
                .iter()
                .any(|w| lower.contains(w))
            })
            .or_else(|| lines.last())
            .map(String::as_str)
    }

    /// An environment variable the log says is missing, if it names one.
    fn missing_variable(&self) -> Option<String> {
        let line = self.telling_line()?;
        let lower = line.to_ascii_lowercase();
        if ![
            "not set",
            "missing",
            "keyerror",
            "required",
            "undefined",
            "must be set",
            "is empty",
        ]
        .iter()
        .any(|w| lower.contains(w))
        {
            return None;
        }
        line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .find(|word| {
                word.len() >= 3
                    && word.contains('_')
                    && word
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
            })
            .map(str::to_string)
    }

    fn log_clause(&self) -> String {
        match (self.missing_variable(), self.telling_line()) {
            (Some(variable), Some(line)) => format!(
                "; its log says {line:?}: set the environment variable {variable} in the container (from a ConfigMap or Secret)"
            ),
            (None, Some(line)) => format!("; its last log line: {line:?}"),
            _ => String::new(),
        }
    }
}

/// How many pods each top owner has, counted in one pass.
fn pod_counts(context: &Context) -> BTreeMap<crate::core::ObjectRef, usize> {
    let mut counts = BTreeMap::new();
    for pod in context.objects("Pod") {
        *counts.entry(context.top_owner(pod).id.clone()).or_insert(0) += 1;
    }
    counts
}

const POD_KINDS: &[&str] = &[
    "Pod",
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Job",
    "CronJob",
];

pub static CRASH_LOOP: Analyzer = Analyzer {
    id: "GRD700",
    title: "Container is crash-looping",
    severity: Severity::Error,
    category: "health",
    rationale: "A container in CrashLoopBackOff exits soon after every start; the kubelet waits longer and longer before the next try, so the workload serves nothing. The previous instance's log usually says why.",
    fix: "Read the previous instance's log (`kubectl logs --previous`, in the evidence) and fix what it reports: a missing environment variable, a bad command or argument, a dependency it cannot reach.",
    kinds: POD_KINDS,
    only_unexplained: false,
    run: |context, analyzer| {
        report(context, analyzer, Kind::CrashLoop, |group| {
            let first = group.first();
            format!(
                "{} is in CrashLoopBackOff ({}){}",
                group.who(),
                first.state.trim_start_matches("CrashLoopBackOff: "),
                group.log_clause()
            )
        })
    },
};

pub static IMAGE_PULL: Analyzer = Analyzer {
    id: "GRD701",
    title: "Image cannot be pulled",
    severity: Severity::Error,
    category: "health",
    rationale: "The kubelet cannot pull the container's image: the tag or repository does not exist (often a typo), the registry needs credentials the pod lacks, or the registry cannot be reached. The container never starts.",
    fix: "Correct the image reference (check the tag exists: `crane ls` or the registry's UI), or give the pod an `imagePullSecrets` entry for a private registry.",
    kinds: POD_KINDS,
    only_unexplained: false,
    run: |context, analyzer| {
        report(context, analyzer, Kind::ImagePull, |group| {
            let first = group.first();
            format!(
                "{} cannot pull image {:?}: {}",
                group.who(),
                first.image,
                first.state
            )
        })
    },
};

pub static OOM_KILLED: Analyzer = Analyzer {
    id: "GRD702",
    title: "Container was killed for using too much memory",
    severity: Severity::Error,
    category: "health",
    rationale: "The kernel killed the container (OOMKilled, exit code 137) because it went over its memory limit, or the node ran out of memory. It restarts and is killed again under the same load.",
    fix: "Raise `resources.limits.memory` above the container's peak use (the resource-use findings and `kubectl top pod` show it), or find what makes it use so much.",
    kinds: POD_KINDS,
    only_unexplained: false,
    run: |context, analyzer| {
        report(context, analyzer, Kind::OomKilled, |group| {
            let first = group.first();
            let limit = limit_of(group.top, &first.container)
                .map(|l| format!(" (memory limit {l})"))
                .unwrap_or_default();
            format!(
                "{} was OOMKilled{limit}, {}",
                group.who(),
                restarted(first.restarts)
            )
        })
    },
};

pub static TERMINATED: Analyzer = Analyzer {
    id: "GRD703",
    title: "Container terminated with an error",
    severity: Severity::Warning,
    category: "health",
    rationale: "The container exited with a non-zero code and is not running. Exit codes say how: 1 an application error, 126/127 a command that cannot run or does not exist, 137 killed (SIGKILL), 143 terminated (SIGTERM).",
    fix: "Read the container's log (in the evidence) and its exit code; fix the command, arguments or configuration it failed on.",
    kinds: POD_KINDS,
    only_unexplained: false,
    run: |context, analyzer| {
        report(context, analyzer, Kind::Terminated, |group| {
            format!(
                "{} {}{}",
                group.who(),
                group.first().state,
                group.log_clause()
            )
        })
    },
};

pub static UNSCHEDULABLE: Analyzer = Analyzer {
    id: "GRD704",
    title: "Pod cannot be scheduled",
    severity: Severity::Error,
    category: "health",
    rationale: "The scheduler found no node for the pod: not enough free cpu or memory for its requests, taints it does not tolerate, a node selector or affinity no node matches, or a PersistentVolumeClaim that is not bound. The pod stays Pending.",
    fix: "Act on the scheduler's reason: lower the requests or add nodes, add a toleration or fix the node selector, or fix the PersistentVolumeClaim (see its own finding).",
    kinds: POD_KINDS,
    only_unexplained: false,
    run: |context, analyzer| {
        report(context, analyzer, Kind::Unschedulable, |group| {
            let first = group.first();
            let reason = first.state.trim_start_matches("Pending: ");
            if group.top.id.kind == "Pod" {
                format!("pod is Pending: {reason}")
            } else {
                format!(
                    "{} of {} pods are Pending: {reason}",
                    group.problems.len(),
                    group.pods.max(group.problems.len())
                )
            }
        })
    },
};

pub static PROBE_FAILING: Analyzer = Analyzer {
    id: "GRD705",
    title: "Container is running but not ready",
    severity: Severity::Warning,
    category: "health",
    rationale: "The container runs but its readiness probe fails, so Services send it no traffic (a failing liveness probe restarts it too), or its startup probe has not passed, so the other probes have not even begun. The probe checks the wrong port or path, or the application is not healthy yet.",
    fix: "Compare the probe (port, path, timeouts) with what the application serves; the Unhealthy events in the evidence give the probe's error.",
    kinds: POD_KINDS,
    only_unexplained: false,
    run: |context, analyzer| {
        report(context, analyzer, Kind::ProbeFailing, |group| {
            let state = &group.first().state;
            if state.contains("startup probe") {
                format!("{} is {state}", group.who())
            } else {
                format!(
                    "{} is running but not ready: its readiness probe fails",
                    group.who()
                )
            }
        })
    },
};

pub static RESTARTING: Analyzer = Analyzer {
    id: "GRD706",
    title: "Container restarts repeatedly",
    severity: Severity::Warning,
    category: "health",
    rationale: "The container runs now but has restarted several times: it crashes under some load or input, or its liveness probe kills it.",
    fix: "Read the previous instance's log (in the evidence) and the last termination's exit code; fix the crash or the probe.",
    kinds: POD_KINDS,
    only_unexplained: false,
    run: |context, analyzer| {
        report(context, analyzer, Kind::Restarting, |group| {
            format!(
                "{} is {}{}",
                group.who(),
                group.first().state,
                group.log_clause()
            )
        })
    },
};

pub static INIT_STUCK: Analyzer = Analyzer {
    id: "GRD707",
    title: "Init container keeps failing",
    severity: Severity::Error,
    category: "health",
    rationale: "An init container must succeed before the pod's containers start; while it fails, the pod stays in Init and serves nothing.",
    fix: "Read the init container's log (in the evidence): it usually waits for a dependency or runs a migration that fails.",
    kinds: POD_KINDS,
    only_unexplained: false,
    run: |context, analyzer| {
        report(context, analyzer, Kind::InitStuck, |group| {
            format!(
                "{} is {}{}",
                group.who(),
                group.first().state.trim_start_matches("init container "),
                group.log_clause()
            )
        })
    },
};

pub static CANNOT_START: Analyzer = Analyzer {
    id: "GRD708",
    title: "Container cannot be created",
    severity: Severity::Error,
    category: "health",
    rationale: "The kubelet cannot create the container: a ConfigMap, Secret or key it reads is missing (CreateContainerConfigError), or the runtime refused its configuration.",
    fix: "Create the ConfigMap or Secret (or key) the message names, or correct the reference in the pod spec.",
    kinds: POD_KINDS,
    only_unexplained: true,
    run: |context, analyzer| {
        report(context, analyzer, Kind::CannotStart, |group| {
            format!("{} cannot start: {}", group.who(), group.first().state)
        })
    },
};

/// The memory limit of container `name` in `object`'s pod spec.
fn limit_of(object: &Object, name: &str) -> Option<String> {
    let spec = super::fields::pod_spec(&object.value, &object.id.kind)?;
    list(&spec["containers"])
        .into_iter()
        .find(|c| text(&c["name"]) == Some(name))
        .and_then(|c| text(&c["resources"]["limits"]["memory"]))
        .map(str::to_string)
}
