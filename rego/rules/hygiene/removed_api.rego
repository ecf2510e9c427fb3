# METADATA
# title: API version removed from Kubernetes
# description: |
#   Kubernetes stops serving deprecated beta API versions after a few
#   releases; a manifest that uses one fails to apply on a cluster at or past
#   that release, typically discovered during an upgrade. The target version
#   comes from the `kubernetes_version` setting; without one, every version
#   removed by any release is flagged. The message names the release that
#   removed the version and its replacement.
# custom:
#   id: GRD507
#   severity: error
#   profile: best-practice
#   category: hygiene
#   kinds: ["*"]
#   fix: Migrate the manifest to the replacement apiVersion named in the message (field changes are listed in the Kubernetes Deprecated API Migration Guide).
#   equivalents:
#     kube-linter: no-extensions-v1beta
#     kube-score: stable-version
package guard.rules.removed_api

import data.guard.lib.api

violation contains {
	"msg": sprintf("%s %s was removed in Kubernetes 1.%d%s; use %s", [input.apiVersion, input.kind, entry.removed, api.target_note, entry.replacement]),
	"path": ["apiVersion"],
} if {
	entry := api.entry
	is_number(entry.removed)
	entry.removed <= api.target_minor
}
