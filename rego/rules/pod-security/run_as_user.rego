# METADATA
# title: Runs as root user
# description: |
#   `runAsUser: 0` runs the container's processes as root, overriding the
#   image's user, so any foothold in the container is a root foothold: one
#   kernel or runtime bug away from root on the node. Restricted forbids user
#   0 at pod and container level (any other value, or none, passes). Pods in
#   their own user namespace (`hostUsers: false`) are exempt, as root there
#   is not root on the node.
# custom:
#   id: GRD123
#   severity: warning
#   profile: restricted
#   category: pod-security
#   kinds: ["@pods"]
#   fix: >-
#     Set `runAsUser` to a non-zero user the image works with (or remove it and
#     set `runAsNonRoot: true`); if the workload needs root, give the pod
#     `hostUsers: false`.
#   equivalents:
#     pss: Restricted / Running as Non-root user
package guard.rules.run_as_user

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s sets runAsUser: 0 (root); Restricted requires a non-zero user", [ctx.label]),
	"path": array.concat(ctx.path, ["runAsUser"]),
} if {
	not k8s.in_user_namespace
	some ctx in k8s.security_contexts
	ctx.context.runAsUser == 0
}
