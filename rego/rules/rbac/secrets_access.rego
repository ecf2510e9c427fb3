# METADATA
# title: Role can read Secrets
# description: |
#   `get`, `list` or `watch` on Secrets reveals their contents: passwords,
#   tokens, TLS keys, and the tokens of other service accounts, which lead to
#   their permissions in turn. `list` and `watch` return every Secret of the
#   scope at once. Rules limited by `resourceNames` to specific Secrets are
#   not flagged.
# custom:
#   id: GRD404
#   severity: warning
#   profile: best-practice
#   category: rbac
#   kinds: [Role, ClusterRole]
#   fix: Drop read access to Secrets, or restrict the rule with `resourceNames` to the Secrets the subject needs.
#   equivalents:
#     kube-linter: access-to-secrets
package guard.rules.secrets_access

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s %q rule %d allows %s on secrets", [input.kind, k8s.name, i, concat(", ", verbs)]),
	"path": ["rules", i, "resources", j],
} if {
	some i, rule in k8s.items(input.rules)
	count(object.get(rule, "resourceNames", [])) == 0
	some group in rule.apiGroups
	group in {"", "*"}
	some j, resource in rule.resources
	resource in {"secrets", "*"}
	verbs := sort([v | some v in rule.verbs; v in {"get", "list", "watch", "*"}])
	count(verbs) > 0
}
