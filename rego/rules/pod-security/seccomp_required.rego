# METADATA
# title: Seccomp profile not set
# description: |
#   Without a seccomp profile a container runs with every system call
#   available, including those most kernel exploits need; the runtime's
#   default profile is not applied unless asked for. Restricted requires the
#   profile type to be RuntimeDefault or Localhost: set on the pod, which
#   covers every container, or on each container. A container may leave it
#   unset when the pod sets an allowed type, and the pod may leave it unset
#   when every container sets one. An explicit Unconfined is reported by
#   GRD112. The control does not apply to Windows pods
#   (`spec.os.name: windows`).
# custom:
#   id: GRD124
#   severity: warning
#   profile: restricted
#   category: pod-security
#   kinds: ["@pods"]
#   fix: >-
#     Set `securityContext.seccompProfile.type: RuntimeDefault` on the pod (or
#     `Localhost` with a profile installed on the nodes).
#   equivalents:
#     pss: Restricted / Seccomp
#     kube-score: container-seccomp-profile
package guard.rules.seccomp_required

import data.guard.lib.k8s

allowed := {"RuntimeDefault", "Localhost"}

pod_profile := object.get(k8s.pod_security_context, "seccompProfile", null)

pod_path := array.concat(k8s.pod_security_context_path, ["seccompProfile", "type"])

# A profile is set (at pod or container level) to a type that is neither
# allowed nor Unconfined (GRD112 reports Unconfined).
violation contains {
	"msg": sprintf("%s sets seccompProfile.type %q; Restricted requires RuntimeDefault or Localhost", [ctx.label, type]),
	"path": path,
	"patch": [{"op": "set", "path": path, "value": "RuntimeDefault"}],
} if {
	not k8s.is_windows
	some ctx in k8s.security_contexts
	ctx.context.seccompProfile != null
	type := profile_type(ctx.context.seccompProfile)
	not allowed[type]
	type != "Unconfined"
	path := array.concat(ctx.path, ["seccompProfile", "type"])
}

# Neither the pod nor some containers set a profile: one finding, fixed at
# pod level.
violation contains {
	"msg": sprintf("no seccomp profile is set on the pod or on %s, so system calls are not filtered; Restricted requires RuntimeDefault or Localhost", [k8s.container_labels(unset)]),
	"path": pod_path,
	"patch": [{"op": "set", "path": pod_path, "value": "RuntimeDefault"}],
} if {
	not k8s.is_windows
	pod_profile == null
	unset := {c |
		some c in k8s.containers
		object.get(c.security_context, "seccompProfile", null) == null
	}
	count(unset) > 0
}

profile_type(profile) := profile.type if {
	is_string(profile.type)
} else := ""
