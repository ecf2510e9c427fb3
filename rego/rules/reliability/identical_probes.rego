# METADATA
# title: Liveness and readiness probes are identical
# description: |
#   Readiness asks "can this pod take traffic now?", liveness asks "is this
#   process beyond repair?". When both run the same check with the same
#   timing, a pod that is merely busy or waiting on a dependency is killed
#   instead of being taken out of rotation, and restarts cascade under load.
# custom:
#   id: GRD203
#   severity: warning
#   profile: best-practice
#   category: reliability
#   kinds: ["@pods"]
#   fix: Point the liveness probe at a cheaper check of the process itself, or give it a higher failureThreshold than the readiness probe.
#   equivalents:
#     kube-score: pod-probes-identical
package guard.rules.identical_probes

import data.guard.lib.workloads

violation contains {
	"msg": sprintf("%s has identical liveness and readiness probes", [c.label]),
	"path": array.concat(c.path, ["livenessProbe"]),
} if {
	some c in workloads.app_containers
	is_object(c.container.livenessProbe)
	c.container.livenessProbe == c.container.readinessProbe
}
