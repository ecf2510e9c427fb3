# METADATA
# title: Capabilities not dropped
# description: |
#   Even the container runtime's default capability set lets root in a
#   container change file ownership, bypass file permissions, kill other
#   processes in the pod and more. Restricted requires every container to
#   drop ALL capabilities and to add back at most NET_BIND_SERVICE (to bind
#   ports below 1024). Added capabilities outside the Baseline set are
#   reported by GRD106; this rule reports a missing `drop: ["ALL"]` and the
#   Baseline capabilities other than NET_BIND_SERVICE. The control does not
#   apply to Windows pods (`spec.os.name: windows`).
# custom:
#   id: GRD125
#   severity: warning
#   profile: restricted
#   category: pod-security
#   kinds: ["@pods"]
#   fix: >-
#     Add `ALL` to `securityContext.capabilities.drop` and remove every
#     capability but NET_BIND_SERVICE from `capabilities.add`.
#   equivalents:
#     pss: Restricted / Capabilities
#     polaris: insecureCapabilities
package guard.rules.restricted_capabilities

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s does not drop ALL capabilities%s; Restricted requires capabilities.drop to include ALL", [c.label, case_hint(drops)]),
	"path": path,
	"patch": [{"op": "append", "path": path, "value": "ALL"}],
} if {
	not k8s.is_windows
	some c in k8s.containers
	drops := {cap | some cap in k8s.items(c.security_context.capabilities.drop)}
	not "ALL" in drops
	path := array.concat(c.security_context_path, ["capabilities", "drop"])
}

violation contains {
	"msg": sprintf("%s adds capability %q; Restricted allows adding only NET_BIND_SERVICE", [c.label, cap]),
	"path": path,
	"patch": [{"op": "remove", "path": path}],
} if {
	not k8s.is_windows
	some c in k8s.containers
	some i, cap in k8s.items(c.security_context.capabilities.add)
	cap != "NET_BIND_SERVICE"
	k8s.baseline_capabilities[cap]
	path := array.concat(c.security_context_path, ["capabilities", "add", i])
}

# "all" or "All" is not "ALL" to the admission controller; say so.
case_hint(drops) := sprintf(" (it drops %q: the name must be upper case)", [spelling]) if {
	some spelling in drops
	is_string(spelling)
	upper(spelling) == "ALL"
} else := ""
