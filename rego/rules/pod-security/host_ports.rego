# METADATA
# title: Host port
# description: |
#   A hostPort binds the container's port on the node's own IP address. It
#   bypasses Services and network policies, lets the pod capture traffic meant
#   for the node, and limits where the pod can be scheduled. The Pod Security
#   Standards disallow host ports at the Baseline level (the standard permits a
#   site-specific allow-list; the built-in admission controller, like guard,
#   allows none).
# custom:
#   id: GRD108
#   severity: error
#   profile: baseline
#   category: pod-security
#   kinds: ["@pods"]
#   fix: >-
#     Remove `hostPort` from the container port and reach the pod through a
#     Service (NodePort or LoadBalancer if it must be reachable from outside).
#   equivalents:
#     pss: Baseline / Host Ports
#     polaris: hostPortSet
package guard.rules.host_ports

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s binds host port %v, which Baseline does not allow", [c.label, port.hostPort]),
	"path": path,
	"patch": [{"op": "remove", "path": path}],
} if {
	some c in k8s.containers
	some j, port in k8s.items(c.container.ports)
	port.hostPort != null
	port.hostPort != 0
	path := array.concat(c.path, ["ports", j, "hostPort"])
}
