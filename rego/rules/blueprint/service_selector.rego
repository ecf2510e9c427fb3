# METADATA
# title: The component's Service selects none of its pods
# description: |
#   A Service that belongs to a Blueprint component (by its name, or its
#   `app.kubernetes.io/name` or `app` label) has a selector that matches the
#   pods of none of the component's workloads: it has no endpoints and the
#   component is unreachable through it.
# custom:
#   id: GRD606
#   severity: error
#   profile: spec
#   category: spec
#   kinds: [Service]
#   fix: Make the Service's selector match the labels of the component's pod template.
package guard.rules.blueprint.service_selector

import data.guard.lib.blueprint
import data.guard.lib.k8s
import data.guard.lib.workloads

violation contains {
	"msg": sprintf("Service %q belongs to component %q but its selector %v matches the pods of none of its workloads (%s)", [k8s.name, c.name, selector, concat(", ", names)]),
	"path": ["spec", "selector"],
	"spec_path": c.source.name,
} if {
	object.get(input.spec, "type", "ClusterIP") != "ExternalName"
	some c in blueprint.components_of(input)
	ws := [w | some w in blueprint.workloads_of(c); workloads.namespace_of(w) == blueprint.namespace]
	count(ws) > 0
	selector := k8s.items(object.get(input, ["spec", "selector"], {}))
	not selects_any(selector, ws)
	names := [sprintf("%s %s", [w.kind, w.metadata.name]) | some w in ws]
}

selects_any(selector, ws) if {
	some w in ws
	guard.map_selector_matches(selector, data.guard.lib.workloads.template_labels(w))
}
