# METADATA
# title: Service account token is mounted automatically
# description: |
#   Unless told otherwise, Kubernetes mounts a token for the pod's service
#   account into every container, and anyone who gets code execution in the
#   pod can use it against the API server. Most application pods never call
#   the API; they should not carry the credential. A ServiceAccount in the
#   input that sets `automountServiceAccountToken: false` satisfies the rule
#   for the pods that use it.
# custom:
#   id: GRD504
#   severity: warning
#   profile: best-practice
#   category: security
#   kinds: ["@pods"]
#   fix: Set `automountServiceAccountToken` to `false` in the pod spec (or on its ServiceAccount); pods that need the API can mount a projected token explicitly.
#   equivalents:
#     polaris: automountServiceAccountToken
package guard.rules.automount_token

import data.guard.lib.k8s
import data.guard.lib.workloads

account := k8s.service_account

account_disables if {
	some sa in workloads.named(workloads.namespace, "ServiceAccount", account)
	sa.automountServiceAccountToken == false
}

violation contains {
	"msg": sprintf("%s %q mounts the token of service account %q automatically", [input.kind, k8s.name, account]),
	"path": array.concat(k8s.pod_spec_path, ["automountServiceAccountToken"]),
	"patch": [{"op": "set", "path": array.concat(k8s.pod_spec_path, ["automountServiceAccountToken"]), "value": false}],
} if {
	is_object(k8s.pod_spec)
	not k8s.pod_spec.automountServiceAccountToken == false
	not account_disables
}
