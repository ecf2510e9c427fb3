# METADATA
# title: Autoscaler targets a workload that is not in the input
# description: |
#   An autoscaler whose `scaleTargetRef` names nothing scales nothing, and
#   after a rename it silently stops protecting the workload. The rule fires
#   only when the input contains workloads in the autoscaler's namespace, so a
#   lone autoscaler file for a workload defined elsewhere is not flagged.
# custom:
#   id: GRD226
#   severity: error
#   profile: best-practice
#   category: reliability
#   kinds: [HorizontalPodAutoscaler]
#   fix: Point `spec.scaleTargetRef` at the workload's kind and name, or remove the autoscaler.
#   equivalents:
#     kube-linter: dangling-horizontalpodautoscaler
#     kube-score: horizontalpodautoscaler-has-target
package guard.rules.hpa_target_missing

import data.guard.lib.k8s
import data.guard.lib.workloads

violation contains {
	"msg": sprintf("HorizontalPodAutoscaler %q targets %s %q, which the input does not define in namespace %q", [k8s.name, ref.kind, ref.name, workloads.namespace]),
	"path": ["spec", "scaleTargetRef", "name"],
} if {
	ref := input.spec.scaleTargetRef
	count(workloads.pod_makers(workloads.namespace)) > 0
	count(workloads.named(workloads.namespace, ref.kind, ref.name)) == 0
}
