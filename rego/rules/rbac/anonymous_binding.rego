# METADATA
# title: Binding grants permissions to anonymous or all users
# description: |
#   The groups `system:unauthenticated` and `system:authenticated` and the
#   user `system:anonymous` stand for everyone who can reach the API server,
#   with or without credentials (on managed clusters, `system:authenticated`
#   includes any account of the cloud provider). Permissions granted to them
#   are granted to the world.
# custom:
#   id: GRD405
#   severity: error
#   profile: best-practice
#   category: rbac
#   kinds: [RoleBinding, ClusterRoleBinding]
#   fix: Bind the role to specific users, groups or service accounts instead.
package guard.rules.anonymous_binding

import data.guard.lib.k8s

everyone := {"system:anonymous", "system:unauthenticated", "system:authenticated"}

violation contains {
	"msg": sprintf("%s %q grants %s %q to %s", [input.kind, k8s.name, input.roleRef.kind, input.roleRef.name, s.name]),
	"path": ["subjects", i, "name"],
} if {
	some i, s in k8s.items(input.subjects)
	s.name in everyone
	s.kind in {"User", "Group"}
}
