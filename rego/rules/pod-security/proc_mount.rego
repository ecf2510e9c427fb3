# METADATA
# title: Unmasked /proc mount
# description: |
#   The container runtime masks and makes read-only the parts of /proc that
#   expose or control the node's kernel (/proc/kcore, /proc/sysrq-trigger,
#   /proc/sys...). `procMount: Unmasked` removes those masks. Baseline requires
#   the Default /proc mount, except for pods in their own user namespace
#   (`hostUsers: false`), where root in the container is not root on the node;
#   Restricted requires Default even there (GRD126).
# custom:
#   id: GRD111
#   severity: error
#   profile: baseline
#   category: pod-security
#   kinds: ["@pods"]
#   fix: Remove `securityContext.procMount` from the container or set it to `Default`.
#   equivalents:
#     pss: Baseline / /proc Mount Type
#     kube-linter: unsafe-proc-mount
#     polaris: procMount
package guard.rules.proc_mount

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s sets procMount %q, which unmasks /proc; Baseline requires Default", [c.label, mount]),
	"path": path,
	"patch": [{"op": "set", "path": path, "value": "Default"}],
} if {
	not k8s.in_user_namespace
	some c in k8s.containers
	mount := c.security_context.procMount
	mount != null
	mount != "Default"
	path := array.concat(c.security_context_path, ["procMount"])
}
