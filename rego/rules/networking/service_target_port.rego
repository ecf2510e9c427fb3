# METADATA
# title: Service targets a port name its pods do not declare
# description: |
#   A named `targetPort` is looked up among the ports of each selected pod;
#   when no container declares a port with that name the endpoint is left out
#   and the Service routes nowhere. Checked only against the pod templates in
#   the input that the Service selects.
# custom:
#   id: GRD305
#   severity: error
#   profile: best-practice
#   category: networking
#   kinds: [Service]
#   fix: Name the container port as the Service's `targetPort` says, or correct the `targetPort`.
#   equivalents:
#     kube-linter: invalid-target-ports
package guard.rules.service_target_port

import data.guard.lib.k8s
import data.guard.lib.workloads

violation contains {
	"msg": sprintf("Service %q targets port %q, which no container of %s %q declares", [k8s.name, target, m.kind, m.metadata.name]),
	"path": ["spec", "ports", i, "targetPort"],
} if {
	selector := input.spec.selector
	some i, port in k8s.items(input.spec.ports)
	target := port.targetPort
	is_string(target)
	not regex.match(`^[0-9]+$`, target)
	some m in workloads.selected_by_map(workloads.namespace, selector)
	spec := workloads.template_spec(m)
	names := {p.name |
		some field in ["containers", "initContainers"]
		some c in object.get(spec, field, [])
		some p in object.get(c, "ports", [])
	}
	not target in names
}
