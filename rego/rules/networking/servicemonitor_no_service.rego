# METADATA
# title: ServiceMonitor selects no Service
# description: |
#   A Prometheus Operator ServiceMonitor scrapes the endpoints of the Services
#   its selector matches, in its own namespace unless `namespaceSelector` says
#   otherwise. When it matches none, metrics silently stop and alerts built on
#   them never fire. The rule fires only when the input contains Services in
#   the namespaces the monitor looks at.
# custom:
#   id: GRD309
#   severity: warning
#   profile: best-practice
#   category: networking
#   kinds: [ServiceMonitor]
#   fix: Make `spec.selector` match the labels of the Service to scrape (and `namespaceSelector` its namespace).
#   equivalents:
#     kube-linter: dangling-servicemonitor
package guard.rules.servicemonitor_no_service

import data.guard.lib.k8s
import data.guard.lib.workloads

namespaces := {workloads.namespace} if {
	not input.spec.namespaceSelector.any
	not input.spec.namespaceSelector.matchNames
}

namespaces := {ns | some ns in input.spec.namespaceSelector.matchNames} if {
	not input.spec.namespaceSelector.any
	input.spec.namespaceSelector.matchNames
}

namespaces := {ns | some ns, _ in object.get(data, ["inventory", "namespace"], {})} if {
	input.spec.namespaceSelector.any == true
}

services := [s |
	some ns in namespaces
	some s in workloads.objects_of_kind(ns, "Service")
]

violation contains {
	"msg": sprintf("ServiceMonitor %q selects no Service among the %d in the input it looks at", [k8s.name, count(services)]),
	"path": ["spec", "selector"],
} if {
	selector := input.spec.selector
	count(services) > 0
	count([s | some s in services; guard.label_selector_matches(selector, object.get(s, ["metadata", "labels"], {}))]) == 0
}
