# METADATA
# title: Probe or lifecycle hook aimed at another host
# description: |
#   HTTP and TCP probes and lifecycle hooks are run by the kubelet, from the
#   node. Setting their `host` makes the kubelet connect to any address the
#   node can reach (its own localhost, the cloud metadata service, other
#   nodes), which a pod author can use to probe or poke services they could
#   not reach from the pod. Since Kubernetes 1.34 Baseline requires `host` to
#   be unset or empty on every probe (liveness, readiness, startup) and on
#   postStart and preStop hooks.
# custom:
#   id: GRD114
#   severity: error
#   profile: baseline
#   category: pod-security
#   kinds: ["@pods"]
#   fix: >-
#     Remove `host` from the probe or hook so that it targets the pod's own IP;
#     to check another service, do it from inside the container.
#   equivalents:
#     pss: Baseline / Host Probes / Lifecycle Hooks
package guard.rules.probe_host

import data.guard.lib.k8s

# Probes and lifecycle hooks are looked up by name, not walked: most
# containers have few, and a missing one ends the search at once.
violation contains finding(c, [probe], action, host) if {
	some c in k8s.containers
	some probe in ["livenessProbe", "readinessProbe", "startupProbe"]
	handler := c.container[probe]
	some action in ["httpGet", "tcpSocket"]
	host := handler[action].host
	host != null
	host != ""
}

violation contains finding(c, ["lifecycle", hook], action, host) if {
	some c in k8s.containers
	some hook in ["postStart", "preStop"]
	handler := c.container.lifecycle[hook]
	some action in ["httpGet", "tcpSocket"]
	host := handler[action].host
	host != null
	host != ""
}

finding(c, at, action, host) := {
	"msg": sprintf("%s points %s.%s at host %q; Baseline does not allow probes and lifecycle hooks to target another host", [c.label, concat(".", at), action, host]),
	"path": path,
	"patch": [{"op": "remove", "path": path}],
} if {
	path := array.concat(c.path, array.concat(at, [action, "host"]))
}
