# METADATA
# title: Container exposes SSH
# description: |
#   A container that listens for SSH is a remote shell into the pod with its
#   own credentials to manage and leak, bypassing the audit trail of `kubectl
#   exec`. Containers should run one process, and debugging should go through
#   the API (`kubectl exec`, `kubectl debug`).
# custom:
#   id: GRD310
#   severity: warning
#   profile: best-practice
#   category: networking
#   kinds: ["@pods"]
#   fix: Remove the SSH server from the image and the port from the container; use `kubectl exec` or `kubectl debug` instead.
#   equivalents:
#     kube-linter: ssh-port
package guard.rules.ssh_port

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s exposes port 22 (SSH)", [c.label]),
	"path": array.concat(c.path, ["ports", i, "containerPort"]),
} if {
	some c in k8s.containers
	some i, p in c.container.ports
	p.containerPort == 22
	object.get(p, "protocol", "TCP") == "TCP"
}
