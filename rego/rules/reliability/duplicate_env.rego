# METADATA
# title: Environment variable defined twice
# description: |
#   When a container lists the same environment variable twice, the last
#   definition silently wins; the earlier one is dead configuration that a
#   reader will take for the real value. Tools that merge or patch env lists
#   by name (kustomize, server-side apply) also behave unpredictably with
#   duplicate keys.
# custom:
#   id: GRD216
#   severity: warning
#   profile: best-practice
#   category: reliability
#   kinds: ["@pods"]
#   fix: Delete one of the two entries, keeping the value you mean.
#   equivalents:
#     kube-linter: duplicate-env-var
#     kube-score: environment-variable-key-duplication
package guard.rules.duplicate_env

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s defines environment variable %q more than once (entries %d and %d)", [c.label, name, first, i]),
	"path": array.concat(c.path, ["env", i, "name"]),
} if {
	some c in k8s.containers
	env := c.container.env
	some i, e in env
	name := e.name
	first := min({j | some j, other in env; other.name == name})
	first < i
}
