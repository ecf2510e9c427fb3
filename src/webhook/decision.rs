//! From a decoded request to the webhook's answer: which requests are
//! reviewed at all, what the findings make of them, and how enforcement and
//! the failure policy bend that.

use super::review::{Operation, Request};
use crate::blueprint::{Blueprint, ComponentType};
use crate::core::{Code, Diagnostic, Finding, Fix, Location, Severity};
use crate::engine::{Evaluation, Guard, Outcome};
use crate::source::DottedPath;
use regorus::Value;

/// The Blueprint rule a scale below the spec breaks.
const REPLICAS_RULE: &str = "GRD603";

/// The kinds a scale subresource resizes that a Blueprint states replicas for.
const SCALED_RESOURCES: &[(&str, &str)] = &[
    ("deployments", "Deployment"),
    ("statefulsets", "StatefulSet"),
    ("replicasets", "ReplicaSet"),
    ("replicationcontrollers", "ReplicationController"),
];

/// The API server's warning limits (k8s.io/apiserver's warning recorder):
/// it truncates each warning at 256 runes and drops warnings past 4096
/// runes in all; the Kubernetes docs ask webhooks for 120 characters or
/// fewer, which is what kubectl shows on one line.
pub const WARNING_CHARS: usize = 120;
pub const WARNINGS_TOTAL_CHARS: usize = 4096;

/// Whether error findings deny (`deny`) or only warn (`warn`, audit mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enforcement {
    Deny,
    Warn,
}

/// What a request is answered when its evaluation fails or times out; the
/// generated ValidatingWebhookConfiguration's `failurePolicy` mirrors it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailurePolicy {
    Fail,
    Ignore,
}

impl FailurePolicy {
    /// The `failurePolicy` of a ValidatingWebhookConfiguration.
    pub fn as_kubernetes(self) -> &'static str {
        match self {
            FailurePolicy::Fail => "Fail",
            FailurePolicy::Ignore => "Ignore",
        }
    }
}

/// Who and what is never reviewed, and how findings are enforced.
#[derive(Debug, Clone)]
pub struct Admission {
    pub enforcement: Enforcement,
    pub failure_policy: FailurePolicy,
    pub exempt_namespaces: Vec<String>,
    pub exempt_users: Vec<String>,
    pub exempt_groups: Vec<String>,
}

/// What became of a request, for the response, the log and the metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Reviewed, nothing stands in the way.
    Allow,
    /// Reviewed and refused.
    Deny,
    /// Reviewed; error findings only warned about (`--enforcement warn`).
    Warn,
    /// Not reviewed: an exempt namespace, user or group.
    Exempt,
    /// Not reviewed: CONNECT, or a subresource other than scale.
    Skip,
    /// The evaluation failed or timed out; the failure policy answered.
    Failed,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Allow => "allow",
            Action::Deny => "deny",
            Action::Warn => "warn",
            Action::Exempt => "exempt",
            Action::Skip => "skip",
            Action::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Decision {
    pub allowed: bool,
    pub action: Action,
    /// `status.code` and `status.message` of a refusal.
    pub code: u16,
    pub message: String,
    pub warnings: Vec<String>,
    /// The ids of the rules that found something, sorted, each once.
    pub rules: Vec<String>,
    /// The findings each rule made, for the metrics (rule id, action).
    pub counted: Vec<(String, Action)>,
    /// Whether some policy could not be evaluated, and whether for time.
    pub evaluation_failed: bool,
    pub timed_out: bool,
}

impl Decision {
    fn allowed(action: Action) -> Decision {
        Decision {
            allowed: true,
            action,
            code: 200,
            message: String::new(),
            warnings: Vec::new(),
            rules: Vec::new(),
            counted: Vec::new(),
            evaluation_failed: false,
            timed_out: false,
        }
    }
}

/// Decides on `request` with the policies of `evaluation`.
pub fn decide(
    guard: &Guard,
    evaluation: &Evaluation,
    request: &Request,
    admission: &Admission,
) -> Decision {
    if is_exempt(request, admission) {
        return Decision::allowed(Action::Exempt);
    }
    let scale = request.sub_resource == "scale";
    let reviewed = match (&request.object, request.operation) {
        (_, Operation::Connect) => None,
        _ if !request.sub_resource.is_empty() && !scale => None,
        (object, _) => object.as_ref(),
    };
    let Some(object) = reviewed else {
        return Decision::allowed(Action::Skip);
    };
    let mut outcome = match request.operation {
        Operation::Delete => evaluation.check_deletion(object, &request.value),
        _ => evaluation.check_request(object, &request.value),
    };
    if scale && request.operation == Operation::Update {
        let rule = guard.rules().iter().find(|rule| rule.id == REPLICAS_RULE);
        if let (Some(blueprint), Some(rule)) = (&guard.settings().blueprint, rule)
            && let Some(mut finding) = scale_below_spec(blueprint, request)
        {
            finding.fix = Some(Fix {
                description: rule.fix.clone(),
                patch: Vec::new(),
            });
            outcome.findings.push(finding);
        }
    }
    judge(outcome, request, admission)
}

fn is_exempt(request: &Request, admission: &Admission) -> bool {
    admission.exempt_namespaces.contains(&request.namespace)
        || admission.exempt_users.contains(&request.username)
        || request
            .groups
            .iter()
            .any(|group| admission.exempt_groups.contains(group))
}

/// The findings, the failures and the enforcement, made one answer.
fn judge(outcome: Outcome, request: &Request, admission: &Admission) -> Decision {
    let failures: Vec<&Diagnostic> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.code == Code::EvaluationFailed)
        .collect();
    let timed_out = failures
        .iter()
        .any(|d| d.message.contains("exceeded time limit"));
    let mut rules: Vec<String> = outcome.findings.iter().map(|f| f.rule.clone()).collect();
    rules.sort();
    rules.dedup();
    let (errors, others): (Vec<&Finding>, Vec<&Finding>) = outcome
        .findings
        .iter()
        .partition(|f| f.severity == Severity::Error);
    let warned: Vec<&Finding> = others
        .into_iter()
        .filter(|f| f.severity == Severity::Warning)
        .collect();
    let mut decision = Decision::allowed(Action::Allow);
    decision.rules = rules;
    decision.timed_out = timed_out;
    decision.evaluation_failed = !failures.is_empty();
    let reason = failures
        .iter()
        .map(|d| d.to_string())
        .collect::<Vec<_>>()
        .join("; ");
    if !failures.is_empty() && admission.failure_policy == FailurePolicy::Fail {
        let mut failed = failure(request, admission, reason, timed_out);
        failed.rules = decision.rules;
        return failed;
    }
    let deny = admission.enforcement == Enforcement::Deny && !errors.is_empty();
    let error_action = if deny { Action::Deny } else { Action::Warn };
    decision.counted = errors
        .iter()
        .map(|f| (f.rule.clone(), error_action))
        .chain(warned.iter().map(|f| (f.rule.clone(), Action::Warn)))
        .collect();
    if deny {
        decision.allowed = false;
        decision.action = Action::Deny;
        decision.code = 403;
        decision.message = denial(request, &errors);
    } else if !errors.is_empty() || !warned.is_empty() {
        decision.action = Action::Warn;
    }
    let warned_errors = if deny { Vec::new() } else { errors };
    let mut warnings: Vec<String> = warned_errors
        .iter()
        .chain(&warned)
        .map(|f| warning(f))
        .collect();
    // Under failurePolicy Ignore what could be evaluated still counts; what
    // could not is said first, so it survives the limits.
    if !failures.is_empty() {
        decision.action = if deny { Action::Deny } else { Action::Failed };
        warnings.insert(0, ignored_failure(&reason));
    }
    decision.warnings = limit_warnings(warnings);
    decision
}

/// The answer when `request` could not be evaluated: what the failure
/// policy says.
pub fn failure(
    request: &Request,
    admission: &Admission,
    reason: String,
    timed_out: bool,
) -> Decision {
    let mut decision = Decision::allowed(Action::Failed);
    decision.timed_out = timed_out;
    decision.evaluation_failed = true;
    match admission.failure_policy {
        FailurePolicy::Fail => {
            decision.allowed = false;
            decision.code = 500;
            decision.message = format!(
                "guard could not evaluate {} (failurePolicy Fail): {reason}",
                request.object_ref()
            );
        }
        FailurePolicy::Ignore => decision.warnings = limit_warnings(vec![ignored_failure(&reason)]),
    }
    decision
}

fn ignored_failure(reason: &str) -> String {
    format!("guard could not evaluate (failurePolicy Ignore): {reason}")
}

/// `guard denied Pod shop/web: GRD101 at spec...: message (fix: ...); ...`
fn denial(request: &Request, errors: &[&Finding]) -> String {
    let reasons: Vec<String> = errors
        .iter()
        .map(|f| {
            let mut reason = f.rule.clone();
            if !f.path.is_empty() {
                reason.push_str(&format!(" at {}", f.path));
            }
            reason.push_str(&format!(": {}", f.message));
            if let Some(spec) = &f.spec_location {
                reason.push_str(&format!(
                    " (Blueprint {}:{}:{})",
                    spec.file, spec.line, spec.column
                ));
            }
            if let Some(fix) = f.fix.as_ref().filter(|fix| !fix.description.is_empty()) {
                reason.push_str(&format!(" (fix: {})", fix.description));
            }
            reason
        })
        .collect();
    format!(
        "guard denied {}: {}",
        request.object_ref(),
        reasons.join("; ")
    )
}

/// One finding as one warning line kubectl prints.
fn warning(finding: &Finding) -> String {
    if finding.path.is_empty() {
        format!("{}: {}", finding.rule, finding.message)
    } else {
        format!("{} at {}: {}", finding.rule, finding.path, finding.message)
    }
}

/// Each warning cut to [`WARNING_CHARS`], and as many as fit in
/// [`WARNINGS_TOTAL_CHARS`] with room for a last line saying how many more
/// there were.
pub fn limit_warnings(warnings: Vec<String>) -> Vec<String> {
    const ROOM_FOR_REST: usize = 40;
    let total = warnings.len();
    let mut kept = Vec::new();
    let mut used = 0;
    for warning in warnings {
        let cut = truncate(&warning, WARNING_CHARS);
        let length = cut.chars().count();
        if used + length + ROOM_FOR_REST > WARNINGS_TOTAL_CHARS {
            break;
        }
        used += length;
        kept.push(cut);
    }
    if kept.len() < total {
        kept.push(format!(
            "guard: {} more warning(s) left out",
            total - kept.len()
        ));
    }
    kept
}

fn truncate(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let mut cut: String = text.chars().take(limit - 1).collect();
    cut.push('…');
    cut
}

/// `kubectl scale` below the replicas the Blueprint states for the
/// component the scaled workload is.
fn scale_below_spec(blueprint: &Blueprint, request: &Request) -> Option<Finding> {
    let object = request.object.as_ref()?;
    if object.id.kind != "Scale" {
        return None;
    }
    let (_, kind) = SCALED_RESOURCES
        .iter()
        .find(|(resource, _)| *resource == request.resource)?;
    let facts = blueprint.facts();
    if facts
        .namespace
        .as_ref()
        .is_some_and(|ns| *ns != request.namespace)
    {
        return None;
    }
    let name = object.id.name.as_deref().unwrap_or(&request.name);
    let component = facts
        .components
        .iter()
        .find(|c| c.name == name && c.kind != ComponentType::Job)?;
    let wanted = component.replicas?;
    // A Scale without spec.replicas asks for 0: the field is omitted when zero.
    let asked = replicas(&object.value).unwrap_or(0);
    if asked >= wanted {
        return None;
    }
    let mut finding = Finding::new(
        REPLICAS_RULE,
        Severity::Error,
        format!(
            "{kind} {name:?} scaled to {asked} replica(s); component {:?} asks for {wanted}",
            component.name
        ),
        object.id.clone(),
    );
    finding.path = "spec.replicas".to_string();
    if let Some(source) = component.source.get("replicas") {
        let segments = source.segments();
        let pos = blueprint.position(&segments);
        finding.spec_location = Some(Location {
            file: blueprint.file().clone(),
            line: pos.line,
            column: pos.column,
            path: DottedPath(&segments).to_string(),
        });
    }
    Some(finding)
}

fn replicas(scale: &Value) -> Option<u64> {
    scale["spec"]["replicas"].as_u64().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn warnings_keep_within_the_api_servers_limits() {
        let long = "x".repeat(500);
        let warnings = limit_warnings(vec![long; 100]);
        assert!(warnings.iter().all(|w| w.chars().count() <= WARNING_CHARS));
        let total: usize = warnings.iter().map(|w| w.chars().count()).sum();
        assert!(total <= WARNINGS_TOTAL_CHARS);
        assert!(
            warnings
                .last()
                .unwrap()
                .contains("more warning(s) left out")
        );
        assert_eq!(
            limit_warnings(vec!["short".into()]),
            vec!["short".to_string()]
        );
    }
}
