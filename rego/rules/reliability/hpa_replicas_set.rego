# METADATA
# title: Autoscaled workload also sets `replicas`
# description: |
#   When a HorizontalPodAutoscaler scales a workload, every `kubectl apply`
#   (or GitOps sync) of a manifest that sets `spec.replicas` resets the count
#   to that number, undoing the autoscaler's decision until it reacts again: a
#   deploy during a traffic peak scales the service down. This rule only knows
#   about autoscalers in the input.
# custom:
#   id: GRD212
#   severity: warning
#   profile: best-practice
#   category: reliability
#   kinds: [Deployment, StatefulSet, ReplicaSet]
#   fix: Remove `spec.replicas` from the manifest and let the HorizontalPodAutoscaler own it.
#   equivalents:
#     kube-score: deployment-targeted-by-hpa-does-not-have-replicas-configured
package guard.rules.hpa_replicas_set

import data.guard.lib.k8s
import data.guard.lib.workloads

violation contains {
	"msg": sprintf("%s %q sets replicas although HorizontalPodAutoscaler %q scales it; each apply resets the count", [input.kind, k8s.name, hpa.metadata.name]),
	"path": ["spec", "replicas"],
	"patch": [{"op": "remove", "path": ["spec", "replicas"]}],
} if {
	input.spec.replicas != null
	hpa := workloads.hpas_for(input)[0]
}
