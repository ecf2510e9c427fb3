# METADATA
# title: Pod uses a service account that is not in the input
# description: |
#   Admission rejects pods whose service account does not exist, so a misspelt
#   `serviceAccountName` shows up only as a controller that never creates its
#   pods. The rule fires only when the input defines at least one
#   ServiceAccount in the workload's namespace: then the manifests manage
#   their service accounts and a missing one is a mistake, while an input with
#   none relies on accounts created elsewhere.
# custom:
#   id: GRD225
#   severity: error
#   profile: best-practice
#   category: reliability
#   kinds: ["@pods"]
#   fix: Add the ServiceAccount to the manifests, or correct `serviceAccountName`.
#   equivalents:
#     kube-linter: non-existent-service-account
package guard.rules.service_account_missing

import data.guard.lib.k8s
import data.guard.lib.workloads

violation contains {
	"msg": sprintf("%s %q uses service account %q, which the input does not define in namespace %q", [input.kind, k8s.name, sa, workloads.namespace]),
	"path": array.concat(k8s.pod_spec_path, [k8s.service_account_field]),
} if {
	count(workloads.objects_of_kind(workloads.namespace, "ServiceAccount")) > 0
	sa := k8s.service_account
	sa != "default"
	count(workloads.named(workloads.namespace, "ServiceAccount", sa)) == 0
}
