# METADATA
# title: Binding grants cluster-admin
# description: |
#   Binding the `cluster-admin` ClusterRole, or a role in the input that
#   grants every verb on every resource, gives the subject full control: it
#   can read every Secret, run privileged pods and grant itself anything else.
#   A RoleBinding confines that to one namespace, which is still every secret
#   and workload in it. Workloads and people should get narrower roles.
# custom:
#   id: GRD402
#   severity: error
#   profile: best-practice
#   category: rbac
#   kinds: [RoleBinding, ClusterRoleBinding]
#   fix: Bind a role that grants only what the subjects need instead of cluster-admin.
#   equivalents:
#     kube-linter: cluster-admin-role-binding
#     polaris: clusterrolebindingClusterAdmin, rolebindingClusterAdminClusterRole, rolebindingClusterAdminRole
package guard.rules.cluster_admin_binding

import data.guard.lib.k8s
import data.guard.lib.workloads

violation contains {
	"msg": sprintf("%s %q binds the cluster-admin ClusterRole", [input.kind, k8s.name]),
	"path": ["roleRef", "name"],
} if {
	input.roleRef.kind == "ClusterRole"
	input.roleRef.name == "cluster-admin"
}

violation contains {
	"msg": sprintf("%s %q binds %s %q, which grants every verb on every resource", [input.kind, k8s.name, role.kind, role.metadata.name]),
	"path": ["roleRef", "name"],
} if {
	input.roleRef.name != "cluster-admin"
	some role in bound_roles
	some rule in role.rules
	"*" in rule.verbs
	"*" in rule.resources
	some group in rule.apiGroups
	group == "*"
}

# The roles of the input set that roleRef names: a ClusterRole, or a Role in
# the binding's namespace.
bound_roles := workloads.cluster_named("ClusterRole", input.roleRef.name) if input.roleRef.kind == "ClusterRole"

bound_roles := workloads.named(workloads.namespace, "Role", input.roleRef.name) if input.roleRef.kind == "Role"

