# METADATA
# title: hostPath volume
# description: |
#   A hostPath volume mounts a directory or file of the node into the pod.
#   Depending on the path it exposes the container runtime's socket, kubelet
#   credentials, other pods' data or the node's configuration, and a writable
#   mount lets the pod plant files the node will execute. The Pod Security
#   Standards forbid every hostPath volume at the Baseline level, whatever the
#   path and even when mounted read-only.
# custom:
#   id: GRD107
#   severity: error
#   profile: baseline
#   category: pod-security
#   kinds: ["@pods"]
#   fix: >-
#     Replace the hostPath volume with a persistentVolumeClaim, emptyDir,
#     configMap or secret; node agents that need the host's files belong in a
#     namespace that allows Privileged pods.
#   equivalents:
#     pss: Baseline / HostPath Volumes
#     polaris: hostPathSet
package guard.rules.host_path

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s mounts the node's path %q (hostPath), which Baseline does not allow", [k8s.volume_label(i, vol), host_dir(vol.hostPath)]),
	"path": array.concat(k8s.pod_spec_path, ["volumes", i, "hostPath"]),
} if {
	some i, vol in k8s.items(k8s.pod_spec.volumes)
	k8s.has_value(vol, "hostPath")
}

host_dir(source) := source.path if {
	is_string(source.path)
} else := ""
