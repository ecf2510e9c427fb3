# METADATA
# title: Pod runs as the default service account
# description: |
#   Every pod of a namespace that names no service account shares the
#   `default` one, so any permission granted to one of them is granted to all,
#   and audit logs cannot tell them apart. A dedicated account per workload
#   keeps permissions and audit trails separate. Informational: a pod that
#   never talks to the API and does not mount a token loses little.
# custom:
#   id: GRD502
#   severity: info
#   profile: best-practice
#   category: security
#   kinds: ["@pods"]
#   fix: Create a ServiceAccount for the workload and set `serviceAccountName` to it.
#   equivalents:
#     kube-linter: default-service-account
package guard.rules.default_service_account

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s %q runs as the namespace's default service account", [input.kind, k8s.name]),
	"path": array.concat(k8s.pod_spec_path, ["serviceAccountName"]),
} if {
	is_object(k8s.pod_spec)
	k8s.service_account == "default"
}
