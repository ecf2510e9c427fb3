# METADATA
# title: Unsafe sysctl
# description: |
#   Pod sysctls change kernel parameters. Only a few are isolated to the pod's
#   own namespaces; the others affect every pod on the node or can weaken
#   kernel protections. Baseline allows only this safe set:
#   kernel.shm_rmid_forced, net.ipv4.ip_local_port_range,
#   net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies,
#   net.ipv4.ping_group_range, net.ipv4.ip_local_reserved_ports,
#   net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout,
#   net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes,
#   net.ipv4.tcp_rmem and net.ipv4.tcp_wmem (the last two since Kubernetes
#   1.32). Names are compared exactly, as the admission controller does.
# custom:
#   id: GRD113
#   severity: error
#   profile: baseline
#   category: pod-security
#   kinds: ["@pods"]
#   fix: >-
#     Remove the sysctl from `securityContext.sysctls`; node-wide kernel
#     settings belong in the node's configuration, not in a pod.
#   equivalents:
#     pss: Baseline / Sysctls
#     kube-linter: unsafe-sysctls
package guard.rules.sysctls

import data.guard.lib.k8s

safe := {
	"kernel.shm_rmid_forced",
	"net.ipv4.ip_local_port_range",
	"net.ipv4.ip_unprivileged_port_start",
	"net.ipv4.tcp_syncookies",
	"net.ipv4.ping_group_range",
	"net.ipv4.ip_local_reserved_ports",
	"net.ipv4.tcp_keepalive_time",
	"net.ipv4.tcp_fin_timeout",
	"net.ipv4.tcp_keepalive_intvl",
	"net.ipv4.tcp_keepalive_probes",
	"net.ipv4.tcp_rmem",
	"net.ipv4.tcp_wmem",
}

violation contains {
	"msg": sprintf("pod sets sysctl %q, which is not in Baseline's safe set", [name]),
	"path": array.concat(k8s.pod_security_context_path, ["sysctls", i, "name"]),
	"patch": [{"op": "remove", "path": array.concat(k8s.pod_security_context_path, ["sysctls", i])}],
} if {
	some i, sysctl in k8s.items(k8s.pod_security_context.sysctls)
	name := object.get(sysctl, "name", "")
	not safe[name]
}
