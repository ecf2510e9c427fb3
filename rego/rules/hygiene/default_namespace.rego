# METADATA
# title: Object placed in the default namespace
# description: |
#   The `default` namespace is where everything lands by accident; objects put
#   there on purpose share it with those accidents, with no resource quota,
#   network policy or RBAC boundary of their own. Only an explicit `namespace:
#   default` is flagged: manifests without a namespace are normal, since the
#   namespace is chosen at apply time (`kubectl -n`, kustomize, Helm).
# custom:
#   id: GRD506
#   severity: warning
#   profile: best-practice
#   category: hygiene
#   kinds: ["*"]
#   fix: Put the object in a namespace of its application (or drop `metadata.namespace` and choose it at apply time).
#   equivalents:
#     kube-linter: use-namespace
package guard.rules.default_namespace

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s %q is placed in the default namespace", [input.kind, k8s.name]),
	"path": ["metadata", "namespace"],
} if {
	input.metadata.namespace == "default"
}
