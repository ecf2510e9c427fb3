# METADATA
# title: Ingress lacks the TLS the Blueprint asks for
# description: |
#   The Blueprint asks for TLS (`ingress.tls: true`) on the component's host,
#   but the Ingress that routes it has no `spec.tls` entry for that host: the
#   component is served over plain HTTP.
# custom:
#   id: GRD609
#   severity: error
#   profile: spec
#   category: spec
#   kinds: [Ingress]
#   fix: Add a `spec.tls` entry whose `hosts` include the Blueprint's host, with the Secret that holds its certificate.
package guard.rules.blueprint.ingress_tls

import data.guard.lib.blueprint
import data.guard.lib.k8s

violation contains {
	"msg": sprintf("Ingress %q routes %s to component %q without TLS for that host; the Blueprint asks for TLS", [k8s.name, c.ingress.host, c.name]),
	"path": ["spec", "tls"],
	"spec_path": c.source.tls,
} if {
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
