# METADATA
# title: Container has no memory request
# description: |
#   Without a memory request the scheduler may place the pod on a node that
#   cannot hold it, and under memory pressure the kubelet evicts pods that use
#   more than they requested first. A container with a memory limit but no
#   request gets the limit as its request and passes. Ephemeral containers
#   cannot set resources and are not checked; a pod-level
#   `spec.resources.requests.memory` satisfies the rule.
# custom:
#   id: GRD207
#   severity: warning
#   profile: best-practice
#   category: reliability
#   kinds: ["@pods"]
#   fix: Set `resources.requests.memory` to the memory the container uses under normal load (for example `128Mi`).
#   equivalents:
#     kube-linter: unset-memory-requirements
#     polaris: memoryRequestsMissing
#     kube-score: container-resources
package guard.rules.memory_request

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s has no memory request", [c.label]),
	"path": array.concat(c.path, ["resources", "requests", "memory"]),
} if {
	not k8s.pod_spec.resources.requests.memory
	some c in k8s.containers
	c.field != "ephemeralContainers"
	not c.container.resources.requests.memory

	# The API server defaults a missing request to the limit.
	not c.container.resources.limits.memory
}
