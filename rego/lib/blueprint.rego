# Helpers for the spec rules (rego/rules/blueprint/): which Blueprint
# component an object belongs to, what serves a component, image references
# and quantities. The Blueprint's facts are at data.blueprint (see `guard
# blueprint compile`); every fact has a `source`, the Blueprint path a rule
# returns as `spec_path`.
package guard.lib.blueprint

# Functions here name other packages in full (data.guard.lib...): regorus
# 0.14 loses an import alias inside a function body once a rule of the same
# module has been evaluated.

# Kinds whose pods keep running, and kinds that run to completion.
serving_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Pod"}

job_kinds := {"Job", "CronJob"}

workload_kinds := serving_kinds | job_kinds

# The kinds a component's workload may be.
kinds_for(c) := job_kinds if c.type == "job"

kinds_for(c) := serving_kinds if c.type != "job"

# The labels that name an object's application: its own, and its pods'.
pod_labels(obj) := data.guard.lib.workloads.template_labels(obj) if data.guard.lib.k8s.pod_spec_paths[obj.kind]

pod_labels(obj) := {} if not data.guard.lib.k8s.pod_spec_paths[obj.kind]

app_names(obj) := {v |
	some labels in [object.get(obj, ["metadata", "labels"], {}), pod_labels(obj)]
	some key in ["app.kubernetes.io/name", "app"]
	v := data.guard.lib.k8s.items(labels)[key]
}

# An object belongs to the component named by its metadata.name, or by its
# (or its pods') app.kubernetes.io/name or app label.
names_of(obj) := {n | some n in array.concat([object.get(obj, ["metadata", "name"], null)], [v | some v in app_names(obj)]); is_string(n)}

belongs(obj, name) if name in names_of(obj)

# The components an object belongs to.
components_of(obj) := [c |
	names := names_of(obj)
	some c in data.guard.lib.k8s.items(data.blueprint.components)
	c.name in names
]

# The components the object under evaluation is the workload of.
own_components contains c if {
	some c in components_of(input)
	input.kind in kinds_for(c)
}

# The workloads of a component, from the index rego/lib/inventory.rego builds
# once per run (matching every object against every component per object
# would make a Blueprint check quadratic).
workloads_of(c) := object.get(data.guard.facts.blueprint_workloads, c.name, [])

# The Services in w's namespace whose selector picks w's pods.
services_for(w) := [s |
	some s in data.guard.lib.workloads.objects_of_kind(data.guard.lib.workloads.namespace_of(w), "Service")
	guard.map_selector_matches(data.guard.lib.k8s.items(object.get(s, ["spec", "selector"], {})), data.guard.lib.workloads.template_labels(w))
]

# The container ports a Service port reaches on w's pods: the targetPort (the
# port when unset), or the containerPort a named targetPort stands for.
target_ports(sp, w) := {t} if {
	t := object.get(sp, "targetPort", sp.port)
	is_number(t)
}

target_ports(sp, w) := {p.containerPort |
	some c in data.guard.lib.k8s.items(object.get(data.guard.lib.workloads.template_spec(w), "containers", []))
	some p in data.guard.lib.k8s.items(object.get(c, "ports", []))
	p.name == sp.targetPort
} if is_string(sp.targetPort)

# Whether Service s routes to port on w's pods.
routes(s, w, port) if {
	some sp in data.guard.lib.k8s.items(object.get(s, ["spec", "ports"], []))
	port in target_ports(sp, w)
}

# The regular containers of the object under evaluation, in order, with paths.
containers := [{"path": array.concat(data.guard.lib.k8s.pod_spec_path, ["containers", i]), "container": c} |
	some i, c in data.guard.lib.k8s.items(object.get(data.guard.lib.k8s.pod_spec, "containers", []))
]

# --- Images -----------------------------------------------------------------

# An image reference's repository, normalised as container runtimes read it:
# `postgres:16` is docker.io/library/postgres.
image_repository(image) := normalised_repository(bare) if {
	ref := split(image, "@")[0]
	parts := split(ref, "/")
	name := split(parts[count(parts) - 1], ":")[0]
	bare := trim_prefix(concat("/", array.concat(array.slice(parts, 0, count(parts) - 1), [name])), "index.")
}

normalised_repository(r) := concat("", ["docker.io/library/", r]) if not contains(r, "/")

normalised_repository(r) := r if {
	contains(r, "/")
	registry_host(split(r, "/")[0])
}

normalised_repository(r) := concat("", ["docker.io/", r]) if {
	contains(r, "/")
	not registry_host(split(r, "/")[0])
}

registry_host(h) if contains(h, ".")

registry_host(h) if contains(h, ":")

registry_host(h) if h == "localhost"

# The last path segment of an image's repository: `bitnami/postgresql:16` is postgresql.
image_name(image) := name if {
	parts := split(image_repository(image), "/")
	name := parts[count(parts) - 1]
}

# --- Quantities -------------------------------------------------------------

multipliers := {
	"": 1, "k": 1000, "M": 1000000, "G": 1000000000, "T": 1000000000000,
	"P": 1000000000000000, "E": 1000000000000000000,
	"Ki": 1024, "Mi": 1048576, "Gi": 1073741824, "Ti": 1099511627776,
	"Pi": 1125899906842624, "Ei": 1152921504606846976,
}

# A storage quantity (`10Gi`, `500M`) in bytes; undefined when malformed.
quantity_bytes(q) := q if is_number(q)

quantity_bytes(q) := to_number(m[0][1]) * multipliers[m[0][2]] if {
	is_string(q)
	m := regex.find_all_string_submatch_n(`^([0-9]+(?:\.[0-9]+)?)([A-Za-z]*)$`, q, 1)
	count(m) == 1
}

# The namespace the object under evaluation lands in.
namespace := data.guard.lib.workloads.namespace_of(input)

# --- Exposure ---------------------------------------------------------------

# The components whose workloads' pods Service s selects.
served_components(s) := [c |
	selector := data.guard.lib.k8s.items(object.get(s, ["spec", "selector"], {}))
	some w in data.guard.lib.workloads.pod_makers(data.guard.lib.workloads.namespace_of(s))
	guard.map_selector_matches(selector, data.guard.lib.workloads.template_labels(w))
	some c in components_of(w)
	w.kind in kinds_for(c)
]

# The routes from outside that an Ingress or HTTPRoute declares: host ("" for
# any), path prefix, the Service it sends to, and the path of that name.
routes_of(obj) := array.concat(rule_routes(obj), default_routes(obj)) if obj.kind == "Ingress"

routes_of(obj) := [{"host": host, "path": path, "service": ref.name, "at": ["spec", "rules", i, "backendRefs", j, "name"]} |
	some i, rule in data.guard.lib.k8s.items(object.get(obj, ["spec", "rules"], []))
	some j, ref in data.guard.lib.k8s.items(object.get(rule, "backendRefs", []))
	object.get(ref, "kind", "Service") == "Service"
	some host in hostnames(obj)
	some path in match_paths(rule)
] if obj.kind == "HTTPRoute"

rule_routes(ing) := [{"host": object.get(rule, "host", ""), "path": object.get(p, "path", "/"), "service": p.backend.service.name, "at": ["spec", "rules", i, "http", "paths", j, "backend", "service", "name"]} |
	some i, rule in data.guard.lib.k8s.items(object.get(ing, ["spec", "rules"], []))
	some j, p in data.guard.lib.k8s.items(object.get(rule, ["http", "paths"], []))
	is_string(p.backend.service.name)
]

default_routes(ing) := [{"host": "", "path": "/", "service": name, "at": ["spec", "defaultBackend", "service", "name"]} |
	name := ing.spec.defaultBackend.service.name
]

hostnames(route) := hosts if {
	hosts := object.get(route, ["spec", "hostnames"], [])
	count(hosts) > 0
} else := [""]

match_paths(rule) := paths if {
	paths := [m.path.value | some m in data.guard.lib.k8s.items(object.get(rule, "matches", [])); is_string(m.path.value)]
	count(paths) > 0
} else := ["/"]

# Every route into namespace ns.
routes_in(ns) := [r |
	some kind in ["Ingress", "HTTPRoute"]
	some obj in data.guard.lib.workloads.objects_of_kind(ns, kind)
	some r in routes_of(obj)
]

# Whether route r carries requests for host and path.
serves(r, host, path) if {
	r.host in {"", host}
	startswith(path, r.path)
}

# The Service named name in namespace ns.
service_named(ns, name) := s if {
	some s in data.guard.lib.workloads.objects_of_kind(ns, "Service")
	s.metadata.name == name
}
