# METADATA
# title: Not required to run as non-root
# description: |
#   With `runAsNonRoot: true` the kubelet refuses to start a container whose
#   user is root, whatever the image says; without it, an image that
#   defaults to root (most do) runs as root, one kernel or runtime bug away
#   from root on the node. Restricted requires it on the pod, or on every
#   container; a container may leave it unset when the pod sets it, but a
#   container (or pod) that sets false fails even if the other level says
#   true. A numeric `runAsUser` is not enough, as the standard asks for the
#   explicit guarantee. Pods in their own user namespace (`hostUsers: false`)
#   are exempt, as root there is not root on the node.
# custom:
#   id: GRD122
#   severity: warning
#   profile: restricted
#   category: pod-security
#   kinds: ["@pods"]
#   fix: >-
#     Set `securityContext.runAsNonRoot: true` on the pod (and remove any
#     `runAsNonRoot: false` from its containers); make sure the image runs as a
#     non-zero user, or set `runAsUser`.
#   equivalents:
#     pss: Restricted / Running as Non-root
#     kube-linter: run-as-non-root
#     polaris: runAsRootAllowed
package guard.rules.run_as_non_root

import data.guard.lib.k8s

pod_path := array.concat(k8s.pod_security_context_path, ["runAsNonRoot"])

# The pod sets false.
violation contains {
	"msg": "pod sets runAsNonRoot: false; Restricted requires true",
	"path": pod_path,
	"patch": [{"op": "set", "path": pod_path, "value": true}],
} if {
	not k8s.in_user_namespace
	k8s.pod_security_context.runAsNonRoot == false
}

# A container sets false, overriding whatever the pod says.
violation contains {
	"msg": sprintf("%s sets runAsNonRoot: false; Restricted requires true", [c.label]),
	"path": path,
	"patch": [{"op": "set", "path": path, "value": true}],
} if {
	not k8s.in_user_namespace
	some c in k8s.containers
	c.security_context.runAsNonRoot == false
	path := array.concat(c.security_context_path, ["runAsNonRoot"])
}

# Neither the pod nor some containers set it: one finding, fixed at pod level.
violation contains {
	"msg": sprintf("runAsNonRoot: true is set neither on the pod nor on %s, so %s may run as root; Restricted requires it", [k8s.container_labels(unset), pronoun(unset)]),
	"path": pod_path,
	"patch": [{"op": "set", "path": pod_path, "value": true}],
} if {
	not k8s.in_user_namespace
	not is_boolean(object.get(k8s.pod_security_context, "runAsNonRoot", null))
	unset := {c |
		some c in k8s.containers
		not is_boolean(object.get(c.security_context, "runAsNonRoot", null))
	}
	count(unset) > 0
}

pronoun(cs) := "it" if count(cs) == 1

pronoun(cs) := "they" if count(cs) > 1
