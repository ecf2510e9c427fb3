# METADATA
# title: NetworkPolicy selects no pods
# description: |
#   A NetworkPolicy whose podSelector matches no pod protects nothing, while
#   readers believe the workload it was written for is isolated; it usually
#   follows a label rename. The rule fires only when the input contains
#   workloads in the policy's namespace; an empty podSelector selects every
#   pod and never fires.
# custom:
#   id: GRD307
#   severity: warning
#   profile: best-practice
#   category: networking
#   kinds: [NetworkPolicy]
#   fix: Make `spec.podSelector` match the labels of the pods to isolate.
#   equivalents:
#     kube-linter: dangling-networkpolicy
#     kube-score: networkpolicy-targets-pod
package guard.rules.networkpolicy_no_pods

import data.guard.lib.k8s
import data.guard.lib.workloads

violation contains {
	"msg": sprintf("NetworkPolicy %q selects no pod template in namespace %q of the input", [k8s.name, workloads.namespace]),
	"path": ["spec", "podSelector"],
} if {
	selector := input.spec.podSelector
	count(workloads.pod_makers(workloads.namespace)) > 0
	count(workloads.selected_by_set(workloads.namespace, selector)) == 0
}
