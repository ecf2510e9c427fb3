# Views of the input set that do not depend on the object being checked and
# need the Blueprint. When one is given, guard evaluates `facts` once per
# input set and stores the result at data.guard.facts; evaluating these per
# object would rebuild them for every object and make the spec rules
# quadratic. (Views that need no Rego are built natively: data.guard.objects.)
package guard.lib.inventory

facts := {"blueprint_workloads": blueprint_workloads}

# The workloads of each Blueprint component (data.blueprint, when a Blueprint
# is given), in any namespace: see data.guard.lib.blueprint.belongs.
blueprint_workloads := {c.name: workloads |
	some c in data.guard.lib.k8s.items(object.get(data, ["blueprint", "components"], []))
	kinds := data.guard.lib.blueprint.kinds_for(c)
	workloads := [w |
		some pair in named_workloads
		pair[0] == c.name
		w := pair[1]
		w.kind in kinds
	]
}

# [name, workload] for every name a workload answers to, computed once per
# workload rather than once per component.
named_workloads contains [name, w] if {
	some makers in data.guard.objects.pod_makers
	some w in makers
	some name in data.guard.lib.blueprint.names_of(w)
}
