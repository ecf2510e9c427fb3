# METADATA
# title: Selector does not match the pod template's labels
# description: |
#   A controller manages the pods its selector selects. When the template's
#   labels do not satisfy the selector the API server rejects the object
#   (apps/v1) or the controller creates pods it then does not count, forever.
#   A ReplicationController without a selector defaults it from the template
#   and passes; a Job is checked only with `manualSelector: true`, since its
#   selector is generated otherwise.
# custom:
#   id: GRD215
#   severity: error
#   profile: best-practice
#   category: reliability
#   kinds: [Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job]
#   fix: Make `spec.template.metadata.labels` carry every label the selector requires (or loosen the selector).
#   equivalents:
#     kube-linter: mismatching-selector
#     kube-score: deployment-pod-selector-labels-match-template-metadata-labels, statefulset-pod-selector-labels-match-template-metadata-labels
package guard.rules.selector_mismatch

import data.guard.lib.k8s
import data.guard.lib.workloads

set_based_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"}

labels := workloads.template_labels(input)

violation contains {
	"msg": sprintf("%s %q: selector does not match the pod template's labels %v", [input.kind, k8s.name, labels]),
	"path": ["spec", "selector"],
} if {
	input.kind in set_based_kinds
	selector := input.spec.selector
	not guard.label_selector_matches(selector, labels)
}

violation contains {
	"msg": sprintf("%s %q has no selector", [input.kind, k8s.name]),
	"path": ["spec", "selector"],
} if {
	input.kind in set_based_kinds
	input.apiVersion == "apps/v1"
	not input.spec.selector
}

violation contains {
	"msg": sprintf("Job %q: manual selector does not match the pod template's labels %v", [k8s.name, labels]),
	"path": ["spec", "selector"],
} if {
	input.kind == "Job"
	input.spec.manualSelector == true
	not guard.label_selector_matches(input.spec.selector, labels)
}

violation contains {
	"msg": sprintf("ReplicationController %q: selector does not match the pod template's labels %v", [k8s.name, labels]),
	"path": ["spec", "selector"],
} if {
	input.kind == "ReplicationController"
	selector := input.spec.selector
	count(selector) > 0
	not guard.map_selector_matches(selector, labels)
}
