# METADATA
# title: Seccomp profile Unconfined
# description: |
#   Seccomp filters the system calls a container can make; the runtime's
#   default profile blocks dozens that are rarely needed and often used in
#   kernel exploits (keyctl, bpf, unshare, mount...). Setting the profile type
#   to Unconfined, on the pod or on a container, turns the filter off.
#   Baseline forbids it; Restricted further requires a profile to be set
#   (GRD124).
# custom:
#   id: GRD112
#   severity: error
#   profile: baseline
#   category: pod-security
#   kinds: ["@pods"]
#   fix: Set `seccompProfile.type` to `RuntimeDefault` (or `Localhost` with a profile installed on the nodes).
#   equivalents:
#     pss: Baseline / Seccomp
package guard.rules.seccomp_unconfined

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s sets seccompProfile.type Unconfined, which turns off system call filtering; Baseline does not allow it", [ctx.label]),
	"path": path,
	"patch": [{"op": "set", "path": path, "value": "RuntimeDefault"}],
} if {
	some ctx in k8s.security_contexts
	ctx.context.seccompProfile.type == "Unconfined"
	path := array.concat(ctx.path, ["seccompProfile", "type"])
}
