# METADATA
# title: Capability beyond the Baseline set
# description: |
#   Linux capabilities split root's power into pieces; several of them
#   (SYS_ADMIN, NET_ADMIN, SYS_PTRACE, SYS_MODULE, NET_RAW, BPF...) are each
#   enough to escape the container or attack the node and its neighbours.
#   Baseline lets a container add only capabilities from the container
#   runtime's default set: AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID,
#   KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID and
#   SYS_CHROOT. Names are compared exactly, as the admission controller does,
#   so "CAP_SYS_ADMIN" or "sys_admin" are reported too.
# custom:
#   id: GRD106
#   severity: error
#   profile: baseline
#   category: pod-security
#   kinds: ["@pods"]
#   fix: >-
#     Remove the capability from `securityContext.capabilities.add`; if the
#     workload truly needs it, run it in a namespace that allows Privileged
#     pods and record why.
#   equivalents:
#     pss: Baseline / Capabilities
#     polaris: dangerousCapabilities
package guard.rules.baseline_capabilities

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s adds capability %q, which Baseline does not allow", [c.label, cap]),
	"path": path,
	"patch": [{"op": "remove", "path": path}],
} if {
	some c in k8s.containers
	some i, cap in k8s.items(c.security_context.capabilities.add)
	not k8s.baseline_capabilities[cap]
	path := array.concat(c.security_context_path, ["capabilities", "add", i])
}
