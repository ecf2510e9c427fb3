# METADATA
# title: Autoscaler may scale down to a single replica
# description: |
#   An autoscaler whose `minReplicas` is 1 (the default) shrinks the workload
#   to one pod whenever load is low, and from then on any disruption is an
#   outage, exactly as with a single-replica Deployment.
# custom:
#   id: GRD221
#   severity: warning
#   profile: best-practice
#   category: reliability
#   kinds: [HorizontalPodAutoscaler]
#   fix: Set `spec.minReplicas` to 2 or more.
#   equivalents:
#     polaris: hpaMinAvailability
#     kube-linter: hpa-minimum-three-replicas
#     kube-score: horizontalpodautoscaler-replicas
package guard.rules.hpa_min_replicas

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("HorizontalPodAutoscaler %q may scale down to %d replica%s", [k8s.name, n, suffix]),
	"path": ["spec", "minReplicas"],
} if {
	is_object(input.spec)
	n := object.get(input.spec, "minReplicas", 1)
	is_number(n)
	n < 2
	suffix := {true: "", false: "s"}[n == 1]
}
