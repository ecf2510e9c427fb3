# METADATA
# title: Probe targets a port number the container does not declare
# description: |
#   A probe on a port number that is missing from a container's declared
#   `ports` is usually a typo or a port changed in one place only: the probe
#   then checks nothing, or fails forever. Containers that declare no ports at
#   all are not checked, since declaring ports is optional and such a
#   container gives nothing to compare against.
# custom:
#   id: GRD205
#   severity: warning
#   profile: best-practice
#   category: reliability
#   kinds: ["@pods"]
#   fix: Declare the port in the container's `ports` (and prefer probing it by name), or correct the probe's port number.
#   equivalents:
#     kube-linter: liveness-port, readiness-port, startup-port
package guard.rules.probe_port

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s %s targets port %v, which the container does not declare", [c.label, probe, port]),
	"path": array.concat(c.path, [probe, handler, "port"]),
} if {
	some c in k8s.containers
	some probe in ["livenessProbe", "readinessProbe", "startupProbe"]
	probe_spec := c.container[probe]
	some handler in ["httpGet", "tcpSocket", "grpc"]
	port := numeric_port(probe_spec[handler].port)
	declared := {p.containerPort | some p in object.get(c.container, "ports", [])}
	count(declared) > 0
	not port in declared
}

numeric_port(p) := p if is_number(p)

numeric_port(p) := to_number(p) if {
	is_string(p)
	regex.match(`^[0-9]+$`, p)
}
