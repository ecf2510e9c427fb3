# Views of the inventory that do not depend on the object being checked.
# guard evaluates `facts` once per input set and stores the result at
# data.guard.facts; evaluating these per object would rebuild them for every
# object and make cross-object rules quadratic.
package guard.lib.inventory

facts := {
	"objects_in": objects_in,
	"objects_of_kind": objects_of_kind,
	"all_objects": all_objects,
	"pod_makers": pod_makers,
	"pod_template_labels": pod_template_labels,
	"api_table": data.guard.lib.api_table.table,
	"blueprint_workloads": blueprint_workloads,
}

# From data.guard.objects, which keeps every object of the input set even
# when two share a kind and name (data.inventory, keyed by name, keeps one).
objects_in := data.guard.objects.namespace

objects_of_kind := data.guard.objects.by_kind

all_objects := data.guard.objects.all

# The objects that make pods in each namespace, and their pods' labels in
# the same order, as data.guard.lib.workloads.template_labels reads them.
pod_makers := data.guard.objects.pod_makers

pod_template_labels := data.guard.objects.pod_template_labels

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
	some makers in pod_makers
	some w in makers
	some name in data.guard.lib.blueprint.names_of(w)
}
