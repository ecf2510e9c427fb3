# METADATA
# title: Container has no memory limit
# description: |
#   A container without a memory limit can grow until the node runs out of
#   memory, and the kernel's OOM killer then picks victims among every pod on
#   the node, not just the leaking one. Ephemeral containers cannot set
#   resources and are not checked; a pod-level `spec.resources.limits.memory`
#   satisfies the rule.
# custom:
#   id: GRD208
#   severity: warning
#   profile: best-practice
#   category: reliability
#   kinds: ["@pods"]
#   fix: Set `resources.limits.memory` (commonly equal to the memory request, which makes the usage predictable).
#   equivalents:
#     kube-linter: unset-memory-requirements
#     polaris: memoryLimitsMissing
#     kube-score: container-resources
package guard.rules.memory_limit

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s has no memory limit", [c.label]),
	"path": array.concat(c.path, ["resources", "limits", "memory"]),
} if {
	not k8s.pod_spec.resources.limits.memory
	some c in k8s.containers
	c.field != "ephemeralContainers"
	not c.container.resources.limits.memory
}
