# METADATA
# title: Privilege escalation allowed
# description: |
#   Unless `allowPrivilegeEscalation` is false, a process in the container can
#   gain more privileges than its parent, through setuid or setgid binaries or
#   file capabilities, which turns a foothold as an unprivileged user into
#   root inside the container. It defaults to true, so Restricted requires
#   every container to set it to false explicitly. The control does not apply
#   to Windows pods (`spec.os.name: windows`).
# custom:
#   id: GRD121
#   severity: warning
#   profile: restricted
#   category: pod-security
#   kinds: ["@pods"]
#   fix: Set `securityContext.allowPrivilegeEscalation` to `false` on the container.
#   equivalents:
#     pss: Restricted / Privilege Escalation
#     kube-linter: privilege-escalation-container
#     polaris: privilegeEscalationAllowed
package guard.rules.privilege_escalation

import data.guard.lib.k8s

violation contains {
	"msg": message(c.label, value),
	"path": path,
	"patch": [{"op": "set", "path": path, "value": false}],
} if {
	not k8s.is_windows
	some c in k8s.containers
	value := object.get(c.security_context, "allowPrivilegeEscalation", null)
	value != false
	path := array.concat(c.security_context_path, ["allowPrivilegeEscalation"])
}

message(label, value) := sprintf("%s sets allowPrivilegeEscalation: true; Restricted requires false", [label]) if {
	value == true
}

message(label, value) := sprintf("%s does not set allowPrivilegeEscalation: false, so setuid binaries can gain privileges; Restricted requires it", [label]) if {
	value != true
}
