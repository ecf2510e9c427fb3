# METADATA
# title: Host IPC namespace
# description: |
#   A pod with hostIPC shares the node's System V IPC namespace and /dev/shm,
#   so it can read and write shared memory segments and message queues of
#   every process on the node, including other pods that use them. The Pod
#   Security Standards forbid it at the Baseline level.
# custom:
#   id: GRD104
#   severity: error
#   profile: baseline
#   category: pod-security
#   kinds: ["@pods"]
#   fix: >-
#     Remove `hostIPC: true` from the pod spec (or set it to `false`); containers
#     of one pod already share an IPC namespace.
#   equivalents:
#     pss: Baseline / Host Namespaces
#     kube-linter: host-ipc
#     polaris: hostIPCSet
package guard.rules.host_ipc

import data.guard.lib.k8s

violation contains {
	"msg": "pod shares the node's IPC namespace (hostIPC: true), which Baseline does not allow",
	"path": path,
	"patch": [{"op": "set", "path": path, "value": false}],
} if {
	k8s.pod_spec.hostIPC == true
	path := array.concat(k8s.pod_spec_path, ["hostIPC"])
}
