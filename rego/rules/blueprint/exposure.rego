# METADATA
# title: Component reachable beyond what the Blueprint exposes
# description: |
#   The Blueprint limits how far a component is reachable: `cluster` only from
#   inside the cluster (no Ingress, HTTPRoute, NodePort or LoadBalancer),
#   `none` not at all (no Service). A manifest opens it further than that.
# custom:
#   id: GRD610
#   severity: error
#   profile: spec
#   category: spec
#   kinds: [Service, Ingress, HTTPRoute]
#   fix: Remove the route, NodePort or LoadBalancer (or, for a component that is not exposed, the Service), or change the component's `expose` in the Blueprint.
package guard.rules.blueprint.exposure

import data.guard.lib.blueprint
import data.guard.lib.k8s

violation contains {
	"msg": sprintf("Service %q is of type %s, reachable from outside the cluster, and selects the pods of component %q, which the Blueprint exposes as %q", [k8s.name, input.spec.type, c.name, c.expose]),
	"path": ["spec", "type"],
	"spec_path": c.source.expose,
} if {
	input.kind == "Service"
	input.spec.type in {"NodePort", "LoadBalancer"}
	some c in blueprint.served_components(input)
	c.expose in {"cluster", "none"}
}

violation contains {
	"msg": sprintf("Service %q selects the pods of component %q, which the Blueprint does not expose (expose: none)", [k8s.name, c.name]),
	"path": ["spec", "selector"],
	"spec_path": c.source.expose,
} if {
	input.kind == "Service"
	some c in blueprint.served_components(input)
	c.expose == "none"
}

violation contains {
	"msg": sprintf("%s %q routes traffic from outside the cluster to Service %q of component %q, which the Blueprint exposes as %q", [input.kind, k8s.name, r.service, c.name, c.expose]),
	"path": r.at,
	"spec_path": c.source.expose,
} if {
	input.kind in {"Ingress", "HTTPRoute"}
	some r in blueprint.routes_of(input)
	s := blueprint.service_named(blueprint.namespace, r.service)
	some c in blueprint.served_components(s)
	c.expose != "ingress"
}
