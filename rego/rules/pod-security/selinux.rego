# METADATA
# title: Custom SELinux options
# description: |
#   On SELinux nodes the container runtime labels every container with a
#   confined type (container_t). A custom type such as spc_t or unconfined_t
#   lifts that confinement, and a custom SELinux user or role can grant
#   access the container type would deny. Baseline allows only the container
#   types container_t, container_init_t, container_kvm_t and
#   container_engine_t, and no custom user or role, at pod and container level.
#   The level (MCS categories) may be set freely.
# custom:
#   id: GRD110
#   severity: error
#   profile: baseline
#   category: pod-security
#   kinds: ["@pods"]
#   fix: >-
#     Remove `seLinuxOptions.user` and `seLinuxOptions.role`, and remove
#     `seLinuxOptions.type` or set it to `container_t` (or `container_init_t`,
#     `container_kvm_t`, `container_engine_t`).
#   equivalents:
#     pss: Baseline / SELinux
package guard.rules.selinux

import data.guard.lib.k8s

allowed_types := {"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"}

violation contains {
	"msg": sprintf("%s sets SELinux type %q, which Baseline does not allow (container_t, container_init_t, container_kvm_t or container_engine_t)", [ctx.label, type]),
	"path": path,
	"patch": [{"op": "remove", "path": path}],
} if {
	some ctx in k8s.security_contexts
	type := ctx.context.seLinuxOptions.type
	type != null
	not allowed_types[type]
	path := array.concat(ctx.path, ["seLinuxOptions", "type"])
}

violation contains {
	"msg": sprintf("%s sets SELinux %s %q; Baseline does not allow a custom SELinux user or role", [ctx.label, field, value]),
	"path": path,
	"patch": [{"op": "remove", "path": path}],
} if {
	some ctx in k8s.security_contexts
	some field in ["user", "role"]
	value := ctx.context.seLinuxOptions[field]
	value != null
	value != ""
	path := array.concat(ctx.path, ["seLinuxOptions", field])
}
