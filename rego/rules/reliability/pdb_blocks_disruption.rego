# METADATA
# title: PodDisruptionBudget allows no disruption
# description: |
#   A budget of `maxUnavailable: 0`, `minAvailable: 100%`, or a `minAvailable`
#   at least as large as the replicas of the workload it selects can never be
#   satisfied by an eviction: node drains hang, and cluster upgrades stall
#   until someone deletes the budget. The replica comparison uses workloads in
#   the same namespace of the input (their autoscaler's `minReplicas` when an
#   autoscaler in the input scales them) and is skipped when none is there.
# custom:
#   id: GRD223
#   severity: warning
#   profile: best-practice
#   category: reliability
#   kinds: [PodDisruptionBudget]
#   fix: Use a `maxUnavailable` of 1 (or a percentage), or lower `minAvailable` below the workload's replica count.
#   equivalents:
#     kube-linter: pdb-max-unavailable, pdb-min-available
#     polaris: pdbDisruptionsIsZero, pdbMinAvailableGreaterThanHPAMinReplicas
package guard.rules.pdb_blocks_disruption

import data.guard.lib.k8s
import data.guard.lib.workloads

violation contains {
	"msg": sprintf("PodDisruptionBudget %q has maxUnavailable %v, so no pod can ever be evicted", [k8s.name, v]),
	"path": ["spec", "maxUnavailable"],
} if {
	v := input.spec.maxUnavailable
	v in {0, "0%", "0"}
}

violation contains {
	"msg": sprintf("PodDisruptionBudget %q has minAvailable 100%%, so no pod can ever be evicted", [k8s.name]),
	"path": ["spec", "minAvailable"],
} if {
	input.spec.minAvailable == "100%"
}

violation contains {
	"msg": sprintf("PodDisruptionBudget %q requires %d available pods and %s %q may run as few as %d, so no pod can be evicted", [k8s.name, n, w.kind, w.metadata.name, replicas]),
	"path": ["spec", "minAvailable"],
} if {
	n := input.spec.minAvailable
	is_number(n)
	n > 0
	some w in workloads.selected_by_set(workloads.namespace, input.spec.selector)
	w.kind in workloads.replicated_kinds
	replicas := workloads.min_replicas_of(w)
	is_number(replicas)
	replicas > 0
	n >= replicas
}
