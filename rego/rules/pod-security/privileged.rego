# METADATA
# title: Privileged container
# description: |
#   A privileged container runs with every Linux capability and full access to
#   the host's devices; escaping to the node is trivial. The Pod Security
#   Standards forbid it at the Baseline level.
# custom:
#   id: GRD101
#   severity: error
#   profile: baseline
#   category: pod-security
#   kinds: ["@pods"]
#   fix: Set `securityContext.privileged` to `false` (or remove it) on the container.
#   equivalents:
#     pss: Baseline / Privileged Containers
#     kube-linter: privileged-container
#     polaris: runAsPrivileged
#     kube-score: container-security-context-privileged
package guard.rules.privileged

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s runs privileged", [c.label]),
	"path": array.concat(c.path, ["securityContext", "privileged"]),
	"patch": [{"op": "set", "path": array.concat(c.path, ["securityContext", "privileged"]), "value": false}],
} if {
	some c in k8s.containers
	c.container.securityContext.privileged == true
}
