# METADATA
# title: API version deprecated
# description: |
#   A deprecated API version still works on the target Kubernetes version but
#   is scheduled for removal, or (like `v1` Endpoints) superseded by a better
#   API. Migrating before the upgrade that removes it turns an outage into a
#   routine change. The target version comes from the `kubernetes_version`
#   setting (the newest release when unset); versions already removed in the
#   target are reported by GRD507 instead.
# custom:
#   id: GRD508
#   severity: warning
#   profile: best-practice
#   category: hygiene
#   kinds: ["*"]
#   fix: Migrate the manifest to the replacement apiVersion or kind named in the message.
#   equivalents:
#     kube-score: stable-version
package guard.rules.deprecated_api

import data.guard.lib.api

violation contains {
	"msg": sprintf("%s %s is deprecated since Kubernetes 1.%d%s; use %s", [input.apiVersion, input.kind, entry.deprecated, removal, entry.replacement]),
	"path": ["apiVersion"],
} if {
	entry := api.entry
	entry.deprecated <= api.target_minor
	not removed_in_target(entry)
	removal := removal_note(entry)
}

removed_in_target(entry) if {
	is_number(entry.removed)
	entry.removed <= data.guard.lib.api.target_minor
}

removal_note(entry) := sprintf(" and will be removed in 1.%d", [entry.removed]) if is_number(entry.removed)

removal_note(entry) := "" if not is_number(entry.removed)
