# METADATA
# title: Deprecated `serviceAccount` field
# description: |
#   `serviceAccount` is the deprecated alias of `serviceAccountName`. When
#   both are set and differ, `serviceAccountName` wins, so a reader of the old
#   field is misled; tools and policies that only look at `serviceAccountName`
#   miss the account entirely.
# custom:
#   id: GRD503
#   severity: warning
#   profile: best-practice
#   category: security
#   kinds: ["@pods"]
#   fix: Rename `serviceAccount` to `serviceAccountName` (keep one of them).
#   equivalents:
#     kube-linter: deprecated-service-account-field
package guard.rules.deprecated_service_account

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s %q uses the deprecated serviceAccount field; use serviceAccountName", [input.kind, k8s.name]),
	"path": array.concat(k8s.pod_spec_path, ["serviceAccount"]),
	"patch": patch,
} if {
	sa := k8s.pod_spec.serviceAccount
	# An empty name is unset (kube-linter's deprecated-service-account-field
	# ignores it too): nothing to move to serviceAccountName.
	sa != ""
	patch := fix(sa)
}

fix(sa) := [
	{"op": "set", "path": array.concat(data.guard.lib.k8s.pod_spec_path, ["serviceAccountName"]), "value": sa},
	{"op": "remove", "path": array.concat(data.guard.lib.k8s.pod_spec_path, ["serviceAccount"])},
] if not data.guard.lib.k8s.pod_spec.serviceAccountName

fix(_) := [{"op": "remove", "path": array.concat(data.guard.lib.k8s.pod_spec_path, ["serviceAccount"])}] if data.guard.lib.k8s.pod_spec.serviceAccountName
