# METADATA
# title: Ingress routes to a Service that is not in the input
# description: |
#   An Ingress backend naming a Service that does not exist, or a port that
#   Service does not expose, answers 503 for its paths. The rule fires only
#   when the input contains Services in the Ingress's namespace, so an Ingress
#   kept apart from its Services is not flagged.
# custom:
#   id: GRD306
#   severity: error
#   profile: best-practice
#   category: networking
#   kinds: [Ingress]
#   fix: Point the backend at an existing Service and one of its ports (by number or name).
#   equivalents:
#     kube-linter: dangling-ingress
#     kube-score: ingress-targets-service
package guard.rules.ingress_backend

import data.guard.lib.k8s
import data.guard.lib.workloads

# Services by name; a list, since an input set may define one name twice
# (overlays, environments).
services := workloads.by_name(workloads.namespace, "Service")

# Every backend: {"path" to its service name, "name", "port", "port_path"}.
backends contains b if {
	b := backend(input.spec.defaultBackend, ["spec", "defaultBackend"])
}

backends contains b if {
	b := backend(input.spec.backend, ["spec", "backend"])
}

backends contains b if {
	some i, rule in k8s.items(input.spec.rules)
	some j, p in rule.http.paths
	b := backend(p.backend, ["spec", "rules", i, "http", "paths", j, "backend"])
}

# networking.k8s.io/v1
backend(be, at) := {"name_path": array.concat(at, ["service", "name"]), "name": be.service.name, "port": port, "port_path": array.concat(at, ["service", "port", key])} if {
	some key in ["number", "name"]
	port := be.service.port[key]
}

# extensions/v1beta1 and networking.k8s.io/v1beta1
backend(be, at) := {"name_path": array.concat(at, ["serviceName"]), "name": be.serviceName, "port": be.servicePort, "port_path": array.concat(at, ["servicePort"])}

violation contains {
	"msg": sprintf("Ingress %q routes to Service %q, which the input does not define in namespace %q", [k8s.name, b.name, workloads.namespace]),
	"path": b.name_path,
} if {
	count(services) > 0
	some b in backends
	not services[b.name]
}

violation contains {
	"msg": sprintf("Ingress %q routes to port %v of Service %q, which does not expose it", [k8s.name, b.port, b.name]),
	"path": b.port_path,
} if {
	some b in backends
	same_name := services[b.name]
	not exposed_by_any(same_name, b.port)
}

exposed_by_any(svcs, port) if {
	some svc in svcs
	exposes(svc, port)
}

exposes(svc, port) if {
	some p in k8s.items(svc.spec.ports)
	p.port == port
}

exposes(svc, port) if {
	some p in k8s.items(svc.spec.ports)
	p.name == port
}
