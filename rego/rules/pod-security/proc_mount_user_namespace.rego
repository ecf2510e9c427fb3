# METADATA
# title: Unmasked /proc mount in a user namespace
# description: |
#   Baseline lets a pod in its own user namespace (`hostUsers: false`) unmask
#   /proc, since root there is not root on the node (GRD111 covers every other
#   pod). Restricted withdraws that exception: the masked paths still expose
#   kernel interfaces that a user namespace does not fully isolate, so every
#   container must use the Default /proc mount.
# custom:
#   id: GRD126
#   severity: warning
#   profile: restricted
#   category: pod-security
#   kinds: ["@pods"]
#   fix: Remove `securityContext.procMount` from the container or set it to `Default`.
#   equivalents:
#     pss: Restricted / /proc Mount Type
package guard.rules.proc_mount_user_namespace

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s sets procMount %q; Restricted requires Default even in a user namespace (hostUsers: false)", [c.label, mount]),
	"path": path,
	"patch": [{"op": "set", "path": path, "value": "Default"}],
} if {
	k8s.in_user_namespace
	some c in k8s.containers
	mount := c.security_context.procMount
	mount != null
	mount != "Default"
	path := array.concat(c.security_context_path, ["procMount"])
}
