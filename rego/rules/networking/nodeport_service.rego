# METADATA
# title: Service of type NodePort
# description: |
#   A NodePort Service opens its port on every node of the cluster, on every
#   node address, usually outside the reach of the ingress controller's TLS,
#   authentication and logging. Node ports also come from a small shared
#   range, so they collide across teams. Exposure belongs behind an Ingress, a
#   Gateway or a LoadBalancer.
# custom:
#   id: GRD301
#   severity: warning
#   profile: best-practice
#   category: networking
#   kinds: [Service]
#   fix: Use a ClusterIP Service behind an Ingress or Gateway (or a LoadBalancer Service when a dedicated address is needed).
#   equivalents:
#     kube-linter: exposed-services
#     kube-score: service-type
package guard.rules.nodeport_service

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("Service %q is of type NodePort and opens its ports on every node", [k8s.name]),
	"path": ["spec", "type"],
} if {
	input.spec.type == "NodePort"
}
