# METADATA
# title: Service selects no pods
# description: |
#   A Service whose selector matches no pod template has no endpoints: clients
#   get connection refused, typically after a label was renamed on one side
#   only. The rule fires only when the input contains workloads in the
#   Service's namespace (so a Service file for workloads defined elsewhere is
#   not flagged), and skips Services without a selector, whose endpoints are
#   managed by hand.
# custom:
#   id: GRD304
#   severity: error
#   profile: best-practice
#   category: networking
#   kinds: [Service]
#   fix: Make the selector match the labels of the target workload's pod template (or fix the template's labels).
#   equivalents:
#     kube-linter: dangling-service
#     kube-score: service-targets-pod
package guard.rules.service_no_pods

import data.guard.lib.k8s
import data.guard.lib.workloads

violation contains {
	"msg": sprintf("Service %q selects %v, which matches no pod template in namespace %q of the input", [k8s.name, selector, workloads.namespace]),
	"path": ["spec", "selector"],
} if {
	selector := input.spec.selector
	count(selector) > 0
	object.get(input.spec, "type", "ClusterIP") != "ExternalName"
	pod_labels := object.get(data.guard.objects.pod_template_labels, workloads.namespace, [])
	count(pod_labels) > 0
	count(guard.map_selector_positions(selector, pod_labels)) == 0
}
