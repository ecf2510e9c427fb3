# Helpers for the best-practice rules: replicas, label selectors, the
# inventory of related objects, and which containers serve traffic.
package guard.lib.workloads

# Functions here name other packages in full (data.guard.lib.k8s...): regorus
# 0.14 loses an import alias inside a function body once a rule of the same
# module has been evaluated.

# The namespace an object lands in when applied without -n.
namespace_of(obj) := object.get(obj, ["metadata", "namespace"], "default")

namespace := namespace_of(input)

# Kinds whose controller keeps a number of pod replicas running.
replicated_kinds := {"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"}

# Kinds whose pods are expected to run for good (long-running services).
long_running_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "PodTemplate"}

# A bare Pod is long-running when it restarts always (the default).
long_running if input.kind in long_running_kinds

long_running if {
	input.kind == "Pod"
	object.get(input, ["spec", "restartPolicy"], "Always") == "Always"
}

# The regular containers of the pod spec (no init or ephemeral containers):
# the ones that serve traffic and that probes apply to.
app_containers contains c if {
	some c in data.guard.lib.k8s.containers
	c.field == "containers"
}

# Declared replicas; the API defaults a missing field to 1.
replicas := object.get(input, ["spec", "replicas"], 1)

# --- The inventory -------------------------------------------------------

# The views of the input set below read indexes guard builds once per input
# set, before any object is checked (data.guard.objects; see object_indexes in
# src/policy/mod.rs), so no object's evaluation rebuilds them. Unlike
# data.inventory, which is keyed by name as Gatekeeper's is, they keep every
# object when two inputs define one kind and name (overlays, environments).

# Every object of the input set of a kind in namespace ns.
objects_of_kind(ns, kind) := object.get(data.guard.objects.by_kind, [ns, kind], [])

# The objects of a kind and name in namespace ns: a list, since an input set
# may define one name twice (overlays, environments).
named(ns, kind, name) := object.get(data.guard.objects.by_name, [ns, kind, name], [])

# The objects of a namespace of one kind, by name (each a list, as above).
by_name(ns, kind) := object.get(data.guard.objects.by_name, [ns, kind], {})

# The cluster-scoped objects of a kind and name.
cluster_named(kind, name) := object.get(data.guard.objects.cluster_by_name, [kind, name], [])

# Whether the input set holds an object of a kind, in any namespace.
kind_present(kind) if data.guard.objects.kinds[kind]

# Where a kind keeps the metadata of its pods.
template_metadata_path(kind) := ["metadata"] if kind == "Pod"

template_metadata_path(kind) := array.concat(array.slice(path, 0, count(path) - 1), ["metadata"]) if {
	kind != "Pod"
	path := data.guard.lib.k8s.pod_spec_paths[kind]
}

# The labels an object gives its pods.
template_labels(obj) := object.get(obj, array.concat(template_metadata_path(obj.kind), ["labels"]), {})

template_spec(obj) := object.get(obj, data.guard.lib.k8s.pod_spec_paths[obj.kind], {})

# The objects in namespace ns that make pods (workloads, pods, templates).
pod_makers(ns) := object.get(data.guard.objects.pod_makers, ns, [])

# Workloads, of kinds a selector can pick, whose pods a selector selects.
selected_by_set(ns, set_selector) := [makers[i] |
	makers := pod_makers(ns)
	some i in guard.label_selector_positions(set_selector, object.get(data.guard.objects.pod_template_labels, ns, []))
]

# Workloads whose pods a map selector (a Service's) selects.
selected_by_map(ns, selector) := [makers[i] |
	makers := pod_makers(ns)
	some i in guard.map_selector_positions(selector, object.get(data.guard.objects.pod_template_labels, ns, []))
]

# --- Label selectors ----------------------------------------------------

# Selectors are matched natively; rules call the functions directly
# (src/policy/selector.rs says what each does, and a test there holds them to
# the Rego definitions they replaced):
# - guard.label_selector_matches(selector, labels): a LabelSelector
#   (matchLabels, matchExpressions); an empty one selects everything;
# - guard.map_selector_matches(selector, labels): a map selector (Service,
#   ReplicationController); an empty one selects nothing, as callers treat
#   it as "no selector";
# - guard.label_selector_positions / guard.map_selector_positions(selector,
#   label_sets): the positions of the label sets a selector picks.

# --- Autoscaling ----------------------------------------------------------

# HorizontalPodAutoscalers of the input set that scale obj.
hpas_for(obj) := [hpa |
	some hpa in objects_of_kind(namespace_of(obj), "HorizontalPodAutoscaler")
	hpa.spec.scaleTargetRef.kind == obj.kind
	hpa.spec.scaleTargetRef.name == obj.metadata.name
]

hpa_managed if count(hpas_for(input)) > 0

# The replicas a workload runs with at least: its HPA's minReplicas when one
# scales it, else spec.replicas.
min_replicas_of(obj) := min([object.get(hpa, ["spec", "minReplicas"], 1) | some hpa in hpas_for(obj)]) if {
	count(hpas_for(obj)) > 0
}

min_replicas_of(obj) := object.get(obj, ["spec", "replicas"], 1) if {
	count(hpas_for(obj)) == 0
}

# --- Images -----------------------------------------------------------------

# The tag of an image reference, "" when it has none. A registry port
# (host:5000/app) is not a tag: only a colon after the last slash counts.
image_tag(image) := tag if {
	not contains(image, "@")
	parts := split(image, "/")
	last := parts[count(parts) - 1]
	contains(last, ":")
	tag := substring(last, indexof(last, ":") + 1, -1)
}

image_tag(image) := "" if {
	not contains(image, "@")
	parts := split(image, "/")
	not contains(parts[count(parts) - 1], ":")
}

pinned_by_digest(image) if contains(image, "@sha256:")

pinned_by_digest(image) if contains(image, "@sha512:")
