# METADATA
# title: Ingress serves plain HTTP
# description: |
#   An Ingress without a `tls` section serves its hosts over plain HTTP:
#   credentials, cookies and data cross the network readable and modifiable by
#   anyone on the path. Certificates are free and automatable (cert-manager),
#   so every Ingress should terminate TLS.
# custom:
#   id: GRD303
#   severity: warning
#   profile: best-practice
#   category: networking
#   kinds: [Ingress]
#   fix: Add `spec.tls` with the Ingress's hosts and a certificate Secret (cert-manager can issue it).
#   equivalents:
#     polaris: tlsSettingsMissing
package guard.rules.ingress_tls

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("Ingress %q has no TLS configuration and serves plain HTTP", [k8s.name]),
	"path": ["spec", "tls"],
} if {
	is_object(input.spec)
	count(object.get(input.spec, "tls", [])) == 0
}
