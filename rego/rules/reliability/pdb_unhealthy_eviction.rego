# METADATA
# title: PodDisruptionBudget does not let unhealthy pods be evicted
# description: |
#   By default (`IfHealthyBudget`) a pod that is running but not ready can be
#   evicted only while the budget is met, so a workload stuck in a crash loop
#   blocks every node drain. `AlwaysAllow` lets unready pods go, since
#   evicting them costs no availability.
# custom:
#   id: GRD224
#   severity: info
#   profile: best-practice
#   category: reliability
#   kinds: [PodDisruptionBudget]
#   fix: Set `spec.unhealthyPodEvictionPolicy` to `AlwaysAllow`.
#   equivalents:
#     kube-linter: pdb-unhealthy-pod-eviction-policy
package guard.rules.pdb_unhealthy_eviction

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("PodDisruptionBudget %q does not set unhealthyPodEvictionPolicy; crash-looping pods will block node drains", [k8s.name]),
	"path": ["spec", "unhealthyPodEvictionPolicy"],
	"patch": [{"op": "set", "path": ["spec", "unhealthyPodEvictionPolicy"], "value": "AlwaysAllow"}],
} if {
	is_object(input.spec)
	not input.spec.unhealthyPodEvictionPolicy
}
