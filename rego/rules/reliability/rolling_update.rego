# METADATA
# title: Deployment does not use the RollingUpdate strategy
# description: |
#   The `Recreate` strategy stops every old pod before starting new ones, so
#   each rollout is an outage. It is the right choice only when two versions
#   must never run side by side (for example a ReadWriteOnce volume), which is
#   why this is informational.
# custom:
#   id: GRD214
#   severity: info
#   profile: best-practice
#   category: reliability
#   kinds: [Deployment]
#   fix: Set `strategy.type` to `RollingUpdate` (the default), unless the pods truly cannot overlap.
#   equivalents:
#     kube-linter: no-rolling-update-strategy
#     kube-score: deployment-strategy
package guard.rules.rolling_update

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("Deployment %q uses the %s strategy; every rollout stops all pods first", [k8s.name, t]),
	"path": ["spec", "strategy", "type"],
} if {
	t := input.spec.strategy.type
	t != "RollingUpdate"
}
