# METADATA
# title: No Service exposes the component's port
# description: |
#   The Blueprint exposes the component (`expose: cluster` or `ingress`; the
#   default for a component with a port), but no Service in its namespace
#   selects the workload's pods, so nothing can reach it by name.
# custom:
#   id: GRD605
#   severity: error
#   profile: spec
#   category: spec
#   kinds: [Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Pod]
#   fix: Add a Service whose selector matches the workload's pod labels and whose targetPort is the component's port, or make the component unexposed in the Blueprint (`expose` none).
package guard.rules.blueprint.service_missing

import data.guard.lib.blueprint
import data.guard.lib.k8s

violation contains {
	"msg": sprintf("no Service in namespace %q selects the pods of %s %q; component %q is exposed (%s) on port %v", [blueprint.namespace, input.kind, k8s.name, c.name, c.expose, c.port]),
	"path": ["metadata", "name"],
	"spec_path": c.source.expose,
} if {
	some c in blueprint.own_components
	c.expose != "none"
	is_number(c.port)
	count(blueprint.services_for(input)) == 0
}
