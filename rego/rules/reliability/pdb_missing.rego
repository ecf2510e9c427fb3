# METADATA
# title: Multi-replica workload has no PodDisruptionBudget
# description: |
#   Without a PodDisruptionBudget a node drain or cluster upgrade may evict
#   every replica at once, so running several buys no availability during
#   maintenance. The rule applies to Deployments and StatefulSets that run 2
#   or more replicas (or whose autoscaler in the input keeps 2 or more), and
#   looks for a budget in the same namespace of the input whose selector
#   selects the pod template. It fires even when the input has no budgets at
#   all: the budget belongs with the workload it protects.
# custom:
#   id: GRD220
#   severity: warning
#   profile: best-practice
#   category: reliability
#   kinds: [Deployment, StatefulSet]
#   fix: Add a PodDisruptionBudget selecting the workload's pods, with a `maxUnavailable` of 1 (or a percentage).
#   equivalents:
#     polaris: missingPodDisruptionBudget
#     kube-score: deployment-has-poddisruptionbudget, statefulset-has-poddisruptionbudget
package guard.rules.pdb_missing

import data.guard.lib.k8s
import data.guard.lib.workloads

violation contains {
	"msg": sprintf("%s %q runs %d replicas but no PodDisruptionBudget in the input selects its pods", [input.kind, k8s.name, n]),
	"path": ["spec", "template", "metadata", "labels"],
} if {
	n := workloads.min_replicas_of(input)
	is_number(n)
	n >= 2
	labels := workloads.template_labels(input)
	not selected(labels)
}

selected(labels) if {
	some pdb in workloads.objects_of_kind(workloads.namespace, "PodDisruptionBudget")
	guard.label_selector_matches(pdb.spec.selector, labels)
}
