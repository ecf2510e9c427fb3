//! Workload health: controllers that are not available, rollouts that
//! stopped, ReplicaSets that cannot create pods, Jobs and CronJobs.

use super::Analyzer;
use super::fields::{condition, condition_text, condition_true, flag, int, text};
use crate::core::{Finding, Severity};

pub static UNAVAILABLE: Analyzer = Analyzer {
    id: "GRD720",
    title: "Workload has fewer ready replicas than it wants",
    severity: Severity::Error,
    category: "health",
    rationale: "A Deployment, StatefulSet or DaemonSet runs fewer ready pods than it asks for, so it serves with less capacity than planned, or not at all. When its pods' own findings explain why, only those are reported.",
    fix: "Look at the workload's pods (`kubectl describe`): their events say why they are not ready.",
    kinds: &["Deployment", "StatefulSet", "DaemonSet"],
    only_unexplained: true,
    run: |context, analyzer| {
        let mut out = Vec::new();
        for kind in ["Deployment", "StatefulSet"] {
            for object in context.objects(kind) {
                let status = &object.value["status"];
                let wanted = int(&object.value["spec"]["replicas"]).unwrap_or(1);
                let ready = int(&status["readyReplicas"]).unwrap_or(0);
                if wanted > 0 && ready < wanted {
                    out.push(context.finding(
                        analyzer,
                        object,
                        format!("{ready} of {wanted} replicas are ready"),
                    ));
                }
            }
        }
        for object in context.objects("DaemonSet") {
            let status = &object.value["status"];
            let wanted = int(&status["desiredNumberScheduled"]).unwrap_or(0);
            let ready = int(&status["numberReady"]).unwrap_or(0);
            if ready < wanted {
                out.push(context.finding(
                    analyzer,
                    object,
                    format!("{ready} of {wanted} scheduled pods are ready"),
                ));
            }
        }
        out
    },
};

pub static ROLLOUT_STUCK: Analyzer = Analyzer {
    id: "GRD721",
    title: "Rollout has stopped making progress",
    severity: Severity::Error,
    category: "health",
    rationale: "The Deployment's new ReplicaSet did not become available within `progressDeadlineSeconds` (ProgressDeadlineExceeded): the new version does not start, and the old one keeps running.",
    fix: "Look at the new ReplicaSet's pods (their findings are in this report); fix the new version, or roll back with `kubectl rollout undo`.",
    kinds: &["Deployment"],
    only_unexplained: true,
    run: |context, analyzer| {
        context
            .objects("Deployment")
            .filter_map(|object| {
                let progressing = condition(&object.value, "Progressing")?;
                (text(&progressing["status"]) == Some("False")).then(|| {
                    context.finding(
                        analyzer,
                        object,
                        format!(
                            "rollout stopped: {}{}",
                            condition_text(progressing),
                            deadline_too_short(object)
                        ),
                    )
                })
            })
            .collect()
    },
};

/// A Deployment whose pods must stay ready for `minReadySeconds` before
/// they count as available can never make progress within a shorter
/// `progressDeadlineSeconds`.
fn deadline_too_short(object: &crate::core::Object) -> String {
    let spec = &object.value["spec"];
    let min_ready = int(&spec["minReadySeconds"]).unwrap_or(0);
    let deadline = int(&spec["progressDeadlineSeconds"]).unwrap_or(600);
    if min_ready >= deadline {
        format!(
            "; minReadySeconds ({min_ready}) is not below progressDeadlineSeconds ({deadline}), so no new pod can become available in time: lower minReadySeconds or raise the deadline"
        )
    } else {
        String::new()
    }
}

pub static CANNOT_CREATE_PODS: Analyzer = Analyzer {
    id: "GRD722",
    title: "Controller cannot create its pods",
    severity: Severity::Error,
    category: "health",
    rationale: "The API server refuses the controller's pods: a ResourceQuota is exhausted, an admission webhook or Pod Security denies them, or their ServiceAccount does not exist. No pod is created, so there is no pod to look at; the reason is only in the controller's condition and events.",
    fix: "Act on the refusal in the message: raise the quota or lower the requests, make the pod spec pass the admission policy, or create the ServiceAccount.",
    kinds: &["ReplicaSet", "StatefulSet", "DaemonSet", "Job"],
    only_unexplained: false,
    run: |context, analyzer| {
        let mut out: Vec<Finding> = Vec::new();
        for kind in ["ReplicaSet", "StatefulSet", "DaemonSet", "Job"] {
            for object in context.objects(kind) {
                let failure = condition(&object.value, "ReplicaFailure")
                    .filter(|c| text(&c["status"]) == Some("True"))
                    .map(condition_text)
                    .or_else(|| {
                        // Without the condition, a FailedCreate event counts
                        // only while the controller still lacks pods: an old
                        // event about a refusal since resolved is history.
                        if !short_of_pods(object) {
                            return None;
                        }
                        context
                            .snapshot
                            .events_for(object)
                            .into_iter()
                            .find(|e| text(&e.value["reason"]) == Some("FailedCreate"))
                            .map(|e| {
                                let message = text(&e.value["message"])
                                    .or(text(&e.value["note"]))
                                    .unwrap_or("FailedCreate");
                                message
                                    .strip_prefix("Error creating: ")
                                    .unwrap_or(message)
                                    .to_string()
                            })
                    });
                let Some(failure) = failure else { continue };
                // Reported at the top owner (the Deployment), once.
                let top = context.top_owner(object);
                if out.iter().any(|f| f.object == top.id) {
                    continue;
                }
                let mut finding =
                    context.finding(analyzer, top, format!("cannot create pods: {failure}"));
                if let Some(evidence) = finding.evidence.as_mut()
                    && !std::ptr::eq(top, object)
                {
                    evidence.events = super::evidence::events(context.snapshot, &[top, object]);
                }
                out.push(finding);
            }
        }
        out
    },
};

/// Whether a controller has fewer pods than it asks for.
fn short_of_pods(object: &crate::core::Object) -> bool {
    let wanted = int(&object.value["spec"]["replicas"])
        .or_else(|| int(&object.value["status"]["desiredNumberScheduled"]))
        .or_else(|| int(&object.value["spec"]["parallelism"]))
        .unwrap_or(1);
    let have = int(&object.value["status"]["replicas"])
        .or_else(|| int(&object.value["status"]["currentNumberScheduled"]))
        .or_else(|| int(&object.value["status"]["active"]))
        .unwrap_or(0);
    have < wanted
}

pub static JOB_FAILED: Analyzer = Analyzer {
    id: "GRD723",
    title: "Job failed",
    severity: Severity::Error,
    category: "health",
    rationale: "The Job reached its backoff limit or deadline without completing (condition Failed): the work it does did not happen.",
    fix: "Read the log of the Job's last pod (`kubectl logs job/NAME`), fix the cause, and run it again (delete and re-create the Job).",
    kinds: &["Job"],
    only_unexplained: false,
    run: |context, analyzer| {
        context
            .objects("Job")
            .filter_map(|object| {
                let failed = condition(&object.value, "Failed")
                    .filter(|c| text(&c["status"]) == Some("True"))?;
                let top = context.top_owner(object);
                // A CronJob's failed runs are one finding at the CronJob.
                if top.id.kind == "CronJob" {
                    return None;
                }
                Some(context.finding(
                    analyzer,
                    object,
                    format!("job failed: {}", condition_text(failed)),
                ))
            })
            .collect()
    },
};

pub static CRONJOB_SUSPENDED: Analyzer = Analyzer {
    id: "GRD724",
    title: "CronJob is suspended",
    severity: Severity::Info,
    category: "health",
    rationale: "A suspended CronJob starts no new runs. That may be deliberate (a maintenance window) or forgotten after one.",
    fix: "If it should run, set `spec.suspend: false` (`kubectl patch cronjob NAME -p '{\"spec\":{\"suspend\":false}}'`).",
    kinds: &["CronJob"],
    only_unexplained: false,
    run: |context, analyzer| {
        context
            .objects("CronJob")
            .filter(|o| flag(&o.value["spec"]["suspend"]) == Some(true))
            .map(|object| {
                let mut finding =
                    context.finding(analyzer, object, "suspended: no new runs start".to_string());
                finding.path = "spec.suspend".to_string();
                finding
            })
            .collect()
    },
};

pub static CRONJOB_FAILING: Analyzer = Analyzer {
    id: "GRD725",
    title: "CronJob's runs fail",
    severity: Severity::Warning,
    category: "health",
    rationale: "The CronJob's most recent Job failed, or it has not succeeded since its last scheduled run: the scheduled work is not being done.",
    fix: "Read the log of the failed run (`kubectl logs job/NAME`), fix the cause; the next scheduled run will pick it up.",
    kinds: &["CronJob"],
    only_unexplained: false,
    run: |context, analyzer| {
        // The Jobs of each CronJob, in one pass.
        let mut owned: std::collections::BTreeMap<
            crate::core::ObjectRef,
            Vec<&crate::core::Object>,
        > = Default::default();
        for job in context.objects("Job") {
            if let Some(owner) = context.snapshot.owners(job).first()
                && owner.id.kind == "CronJob"
            {
                owned.entry(owner.id.clone()).or_default().push(job);
            }
        }
        // The failed runs since the last one that succeeded: a CronJob that
        // failed yesterday and succeeded today is fine.
        let created = |job: &&crate::core::Object| {
            text(&job.value["metadata"]["creationTimestamp"])
                .unwrap_or_default()
                .to_string()
        };
        let failed: std::collections::BTreeMap<crate::core::ObjectRef, Vec<&crate::core::Object>> =
            owned
                .into_iter()
                .map(|(cronjob, mut jobs)| {
                    jobs.sort_by_key(created);
                    let since = jobs
                        .iter()
                        .rposition(|job| condition_true(&job.value, "Complete"))
                        .map_or(0, |i| i + 1);
                    let failures: Vec<&crate::core::Object> = jobs[since..]
                        .iter()
                        .copied()
                        .filter(|job| condition_true(&job.value, "Failed"))
                        .collect();
                    (cronjob, failures)
                })
                .filter(|(_, failures)| !failures.is_empty())
                .collect();
        let mut out = Vec::new();
        for cronjob in context.objects("CronJob") {
            let Some(jobs) = failed.get(&cronjob.id) else {
                continue;
            };
            let Some(last) = jobs.iter().max_by_key(|job| {
                text(&job.value["metadata"]["creationTimestamp"]).unwrap_or_default()
            }) else {
                continue;
            };
            let why = condition(&last.value, "Failed")
                .map(condition_text)
                .unwrap_or_default();
            let mut finding = context.finding(
                analyzer,
                cronjob,
                format!(
                    "{} of its jobs failed, the last ({}) with {why}",
                    jobs.len(),
                    last.id.name.as_deref().unwrap_or("?")
                ),
            );
            if let Some(evidence) = finding.evidence.as_mut() {
                evidence.related = jobs
                    .iter()
                    .map(|job| crate::core::Related {
                        object: job.id.clone(),
                        state: "Failed".to_string(),
                    })
                    .collect();
                let mut about = vec![cronjob];
                about.extend(jobs.iter().copied());
                evidence.events = super::evidence::events(context.snapshot, &about);
            }
            out.push(finding);
        }
        out
    },
};
