# METADATA
# title: Autoscaler cannot scale
# description: |
#   An autoscaler whose `maxReplicas` equals its `minReplicas` never changes
#   the replica count; it only hides the fixed size behind an object that
#   readers will assume scales. Either give it room or replace it with a
#   fixed `replicas`.
# custom:
#   id: GRD222
#   severity: info
#   profile: best-practice
#   category: reliability
#   kinds: [HorizontalPodAutoscaler]
#   fix: Raise `spec.maxReplicas` above `spec.minReplicas`, or drop the autoscaler and set `replicas` on the workload.
#   equivalents:
#     polaris: hpaMaxAvailability
package guard.rules.hpa_no_range

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("HorizontalPodAutoscaler %q has maxReplicas equal to minReplicas (%d), so it never scales", [k8s.name, max_r]),
	"path": ["spec", "maxReplicas"],
} if {
	max_r := input.spec.maxReplicas
	max_r == object.get(input.spec, "minReplicas", 1)
}
