# METADATA
# title: Ingress or HTTPRoute lacks the TLS the Blueprint asks for
# description: |
#   The Blueprint asks for TLS (`ingress.tls: true`) on the component's host,
#   but the Ingress that routes it has no `spec.tls` entry for that host, or
#   none of the listeners of the Gateways an HTTPRoute attaches to terminates
#   HTTPS for that host: the component is served over plain HTTP. An HTTPRoute
#   whose Gateways are not in the input set (they often live with the
#   platform, not the app) is not judged: guard cannot see their listeners.
# custom:
#   id: GRD609
#   severity: error
#   profile: spec
#   category: spec
#   kinds: [Ingress, HTTPRoute]
#   fix: For an Ingress, add a `spec.tls` entry whose `hosts` include the Blueprint's host, with the Secret that holds its certificate; for an HTTPRoute, attach it to a Gateway listener whose protocol is HTTPS for that host.
package guard.rules.blueprint.ingress_tls

import data.guard.lib.blueprint
import data.guard.lib.k8s

violation contains {
	"msg": sprintf("Ingress %q routes %s to component %q without TLS for that host; the Blueprint asks for TLS", [k8s.name, c.ingress.host, c.name]),
	"path": ["spec", "tls"],
	"spec_path": c.source.tls,
} if {
	input.kind == "Ingress"
	some r in blueprint.routes_of(input)
	s := blueprint.service_named(blueprint.namespace, r.service)
	some c in blueprint.served_components(s)
	c.ingress.tls == true
	blueprint.serves(r, c.ingress.host, c.ingress.path)
	not tls_for(c.ingress.host)
}

tls_for(host) if {
	some t in k8s.items(object.get(input, ["spec", "tls"], []))
	host in k8s.items(object.get(t, "hosts", []))
}

violation contains {
	"msg": sprintf("HTTPRoute %q routes %s to component %q, but no listener of its Gateways (%s) serves HTTPS for that host; the Blueprint asks for TLS", [k8s.name, c.ingress.host, c.name, concat(", ", sort(gateway_names))]),
	"path": ["spec", "parentRefs"],
	"spec_path": c.source.tls,
} if {
	input.kind == "HTTPRoute"
	count(parent_listeners) > 0
	some r in blueprint.routes_of(input)
	s := blueprint.service_named(blueprint.namespace, r.service)
	some c in blueprint.served_components(s)
	c.ingress.tls == true
	blueprint.serves(r, c.ingress.host, c.ingress.path)
	not https_for(c.ingress.host)
}

# The listeners of the Gateways in the input set that the route attaches to:
# the one its sectionName names, or every listener of the Gateway.
parent_listeners contains l if {
	some ref in k8s.items(object.get(input, ["spec", "parentRefs"], []))
	object.get(ref, "kind", "Gateway") == "Gateway"
	some gw in data.guard.lib.workloads.objects_of_kind(object.get(ref, "namespace", blueprint.namespace), "Gateway")
	gw.metadata.name == ref.name
	some l in k8s.items(object.get(gw, ["spec", "listeners"], []))
	object.get(ref, "sectionName", l.name) == l.name
}

gateway_names contains ref.name if {
	some ref in k8s.items(object.get(input, ["spec", "parentRefs"], []))
	object.get(ref, "kind", "Gateway") == "Gateway"
}

# A listener terminates TLS for host: HTTPS, mode Terminate (the default),
# and a hostname that is absent, equal, or a wildcard covering it.
https_for(host) if {
	some l in parent_listeners
	l.protocol == "HTTPS"
	object.get(l, ["tls", "mode"], "Terminate") == "Terminate"
	listener_covers(object.get(l, "hostname", ""), host)
}

listener_covers(hostname, _) if hostname == ""

listener_covers(hostname, host) if hostname == host

listener_covers(hostname, host) if {
	startswith(hostname, "*.")
	endswith(host, substring(hostname, 1, -1))
}
