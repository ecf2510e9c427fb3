# METADATA
# title: Probe targets a port name the container does not declare
# description: |
#   A probe that names its port (`port: http`) is resolved against the
#   container's own `ports`; when no port has that name the probe can never
#   succeed, so the pod never becomes ready (readiness, startup) or is
#   restarted forever (liveness).
# custom:
#   id: GRD204
#   severity: error
#   profile: best-practice
#   category: reliability
#   kinds: ["@pods"]
#   fix: Name the port in the container's `ports` list, or correct the probe's port name.
#   equivalents:
#     kube-linter: liveness-port, readiness-port, startup-port
package guard.rules.probe_named_port

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s %s targets port %q, which the container does not declare", [c.label, probe, port]),
	"path": array.concat(c.path, [probe, handler, "port"]),
} if {
	some c in k8s.containers
	some probe in ["livenessProbe", "readinessProbe", "startupProbe"]
	probe_spec := c.container[probe]
	some handler in ["httpGet", "tcpSocket"]
	port := probe_spec[handler].port
	is_string(port)
	not regex.match(`^[0-9]+$`, port)
	not port in {p.name | some p in object.get(c.container, "ports", [])}
}
