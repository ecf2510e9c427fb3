# METADATA
# title: Container has no CPU request
# description: |
#   Without a CPU request the scheduler treats the container as needing
#   nothing, packs it onto busy nodes, and under contention it gets the
#   smallest share of CPU; capacity planning and autoscaling on utilisation
#   both need the request. A container with a cpu limit but no request gets
#   the limit as its request and passes. Ephemeral containers cannot set
#   resources and are not checked; a pod-level `spec.resources.requests.cpu`
#   satisfies the rule.
# custom:
#   id: GRD206
#   severity: warning
#   profile: best-practice
#   category: reliability
#   kinds: ["@pods"]
#   fix: Set `resources.requests.cpu` to the CPU the container uses under normal load (for example `100m`).
#   equivalents:
#     kube-linter: unset-cpu-requirements
#     polaris: cpuRequestsMissing
#     kube-score: container-resources
package guard.rules.cpu_request

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s has no CPU request", [c.label]),
	"path": array.concat(c.path, ["resources", "requests", "cpu"]),
} if {
	not k8s.pod_spec.resources.requests.cpu
	some c in k8s.containers
	c.field != "ephemeralContainers"
	not c.container.resources.requests.cpu

	# The API server defaults a missing request to the limit.
	not c.container.resources.limits.cpu
}
