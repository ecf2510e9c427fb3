# METADATA
# title: Role allows exec or attach into pods
# description: |
#   `pods/exec` and `pods/attach` open a shell in any pod the role reaches,
#   with that pod's service account token, mounted secrets and network
#   position; for most subjects that is privilege escalation. Exec over
#   WebSockets needs only `get`, so `get` counts as well as `create`.
# custom:
#   id: GRD403
#   severity: warning
#   profile: best-practice
#   category: rbac
#   kinds: [Role, ClusterRole]
#   fix: Remove `pods/exec` and `pods/attach` from the role, or keep them in a separate break-glass role bound only to operators.
#   equivalents:
#     polaris: clusterrolePodExecAttach, rolePodExecAttach
package guard.rules.pod_exec

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s %q rule %d allows %s on %s", [input.kind, k8s.name, i, verb, resource]),
	"path": ["rules", i, "resources", j],
} if {
	some i, rule in k8s.items(input.rules)
	core_group(rule)
	some j, resource in rule.resources
	resource in {"pods/exec", "pods/attach"}
	some verb in rule.verbs
	verb in {"create", "get", "*"}
}

core_group(rule) if "" in rule.apiGroups

core_group(rule) if "*" in rule.apiGroups
