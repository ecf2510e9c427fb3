# METADATA
# title: LoadBalancer Service accepts traffic from anywhere
# description: |
#   A LoadBalancer Service gets an address from the cloud provider, public by
#   default, and without `loadBalancerSourceRanges` any address on the
#   internet can reach it. That is right for a public endpoint and wrong for
#   an internal one, which is why this is informational: restrict the source
#   ranges, or use the provider's internal load balancer annotation.
# custom:
#   id: GRD302
#   severity: info
#   profile: best-practice
#   category: networking
#   kinds: [Service]
#   fix: Set `spec.loadBalancerSourceRanges` to the clients' CIDRs, or mark the load balancer internal with your provider's annotation.
#   equivalents:
#     kube-linter: exposed-services
package guard.rules.loadbalancer_open

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("LoadBalancer Service %q accepts traffic from any address", [k8s.name]),
	"path": ["spec", "loadBalancerSourceRanges"],
} if {
	input.spec.type == "LoadBalancer"
	count(object.get(input.spec, "loadBalancerSourceRanges", [])) == 0
}
