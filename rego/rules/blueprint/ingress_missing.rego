# METADATA
# title: No Ingress routes to the component the Blueprint exposes
# description: |
#   The Blueprint exposes the component through an ingress (`expose: ingress`)
#   at a host and path, but no Ingress or HTTPRoute in its namespace routes
#   that host and path to a Service of the component: it is unreachable from
#   outside the cluster.
# custom:
#   id: GRD608
#   severity: error
#   profile: spec
#   category: spec
#   kinds: [Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Pod]
#   fix: Add an Ingress (or HTTPRoute) rule for the Blueprint's host and path whose backend is the component's Service.
package guard.rules.blueprint.ingress_missing

import data.guard.lib.blueprint
import data.guard.lib.k8s

violation contains {
	"msg": sprintf("no Ingress or HTTPRoute routes %s%s to a Service of %s %q (%s); component %q is exposed through an ingress", [c.ingress.host, c.ingress.path, input.kind, k8s.name, concat(", ", sort(names)), c.name]),
	"path": ["metadata", "name"],
	"spec_path": c.source.ingress,
} if {
	some c in blueprint.own_components
	c.expose == "ingress"
	names := {s.metadata.name | some s in blueprint.services_for(input)}
	count(names) > 0
	not routed(names, c.ingress)
}

routed(names, want) if {
	some r in blueprint.routes_in(blueprint.namespace)
	r.service in names
	blueprint.serves(r, want.host, want.path)
}
