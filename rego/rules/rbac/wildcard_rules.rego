# METADATA
# title: Role grants access with a wildcard
# description: |
#   A `*` in a rule's verbs, resources or API groups grants everything that
#   exists today and everything that will be added later (new resources, CRDs,
#   subresources such as pods/exec), so the role's real reach cannot be
#   reviewed. Least privilege means listing what is needed.
# custom:
#   id: GRD401
#   severity: warning
#   profile: best-practice
#   category: rbac
#   kinds: [Role, ClusterRole]
#   fix: Replace the `*` with the explicit verbs, resources and API groups the subject needs.
#   equivalents:
#     kube-linter: wildcard-in-rules
package guard.rules.wildcard_rules

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s %q rule %d grants every %s (`*`)", [input.kind, k8s.name, i, noun[field]]),
	"path": ["rules", i, field, j],
} if {
	some i, rule in k8s.items(input.rules)
	some field in ["verbs", "resources", "apiGroups"]
	some j, value in rule[field]
	value == "*"
}

noun := {"verbs": "verb", "resources": "resource", "apiGroups": "API group"}
