# METADATA
# title: Host network namespace
# description: |
#   A pod with hostNetwork shares the node's network stack: it can bind any
#   port on the node's interfaces, sniff or spoof node traffic, and reach
#   services that listen only on localhost, such as the kubelet's or a cloud
#   metadata proxy. Network policies no longer isolate it. The Pod Security
#   Standards forbid it at the Baseline level.
# custom:
#   id: GRD102
#   severity: error
#   profile: baseline
#   category: pod-security
#   kinds: ["@pods"]
#   fix: >-
#     Remove `hostNetwork: true` from the pod spec (or set it to `false`) and
#     expose the workload through a Service instead.
#   equivalents:
#     pss: Baseline / Host Namespaces
#     kube-linter: host-network
#     polaris: hostNetworkSet
package guard.rules.host_network

import data.guard.lib.k8s

violation contains {
	"msg": "pod shares the node's network namespace (hostNetwork: true), which Baseline does not allow",
	"path": path,
	"patch": [{"op": "set", "path": path, "value": false}],
} if {
	k8s.pod_spec.hostNetwork == true
	path := array.concat(k8s.pod_spec_path, ["hostNetwork"])
}
