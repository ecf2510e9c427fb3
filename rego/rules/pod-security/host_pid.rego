# METADATA
# title: Host PID namespace
# description: |
#   A pod with hostPID sees every process on the node. It can read their
#   environment and command lines (often holding credentials), signal them,
#   and with ptrace or a privileged container enter their namespaces. The Pod
#   Security Standards forbid it at the Baseline level.
# custom:
#   id: GRD103
#   severity: error
#   profile: baseline
#   category: pod-security
#   kinds: ["@pods"]
#   fix: >-
#     Remove `hostPID: true` from the pod spec (or set it to `false`); to share
#     processes between the pod's own containers use `shareProcessNamespace`.
#   equivalents:
#     pss: Baseline / Host Namespaces
#     kube-linter: host-pid
#     polaris: hostPIDSet
package guard.rules.host_pid

import data.guard.lib.k8s

violation contains {
	"msg": "pod shares the node's process namespace (hostPID: true), which Baseline does not allow",
	"path": path,
	"patch": [{"op": "set", "path": path, "value": false}],
} if {
	k8s.pod_spec.hostPID == true
	path := array.concat(k8s.pod_spec_path, ["hostPID"])
}
