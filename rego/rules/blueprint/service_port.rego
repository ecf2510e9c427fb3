# METADATA
# title: Service does not route to the component's port
# description: |
#   A Service selects the pods of a Blueprint component, but none of its ports
#   has a targetPort that reaches the port the Blueprint says the component
#   serves on (a named targetPort is resolved through the containers' ports;
#   an unset one is the Service port). Traffic arrives on a port nothing
#   listens on.
# custom:
#   id: GRD607
#   severity: error
#   profile: spec
#   category: spec
#   kinds: [Service]
#   fix: Set the Service port's `targetPort` to the component's port (or to the name of the container port that has it).
package guard.rules.blueprint.service_port

import data.guard.lib.blueprint
import data.guard.lib.k8s
import data.guard.lib.workloads

violation contains {
	"msg": sprintf("Service %q selects the pods of %s %q but no targetPort reaches port %v, where component %q serves", [k8s.name, w.kind, w.metadata.name, c.port, c.name]),
	"path": ["spec", "ports", 0, "targetPort"],
	"spec_path": c.source.port,
} if {
	selector := k8s.items(object.get(input, ["spec", "selector"], {}))
	some w in workloads.pod_makers(workloads.namespace)
	guard.map_selector_matches(selector, workloads.template_labels(w))
	some c in blueprint.components_of(w)
	w.kind in blueprint.kinds_for(c)
	is_number(c.port)
	c.expose != "none"
	not blueprint.routes(input, w, c.port)
}
