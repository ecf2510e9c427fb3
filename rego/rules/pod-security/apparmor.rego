# METADATA
# title: AppArmor profile disabled
# description: |
#   Where the node supports AppArmor, the container runtime confines every
#   container with its default profile, which blocks writes to sensitive
#   parts of /proc and /sys and mounting filesystems. Setting the profile to
#   Unconfined (or any type other than RuntimeDefault or Localhost) removes
#   that confinement. Baseline checks both the `appArmorProfile` field, at pod
#   and container level, and the older
#   `container.apparmor.security.beta.kubernetes.io/<container>` annotations,
#   which may only say `runtime/default` or `localhost/<profile>`.
# custom:
#   id: GRD109
#   severity: error
#   profile: baseline
#   category: pod-security
#   kinds: ["@pods"]
#   fix: >-
#     Set `appArmorProfile.type` to `RuntimeDefault` (or `Localhost` with a
#     profile loaded on the nodes), or remove it; set AppArmor annotations to
#     `runtime/default` or `localhost/<profile>`.
#   equivalents:
#     pss: Baseline / AppArmor
package guard.rules.apparmor

import data.guard.lib.k8s

annotation_prefix := "container.apparmor.security.beta.kubernetes.io/"

allowed_types := {"RuntimeDefault", "Localhost"}

violation contains {
	"msg": sprintf("%s sets AppArmor profile type %q, which Baseline does not allow (RuntimeDefault or Localhost)", [ctx.label, type]),
	"path": path,
	"patch": [{"op": "set", "path": path, "value": "RuntimeDefault"}],
} if {
	some ctx in k8s.security_contexts
	ctx.context.appArmorProfile != null
	type := profile_type(ctx.context.appArmorProfile)
	not allowed_types[type]
	path := array.concat(ctx.path, ["appArmorProfile", "type"])
}

violation contains {
	"msg": sprintf("annotation %q sets AppArmor profile %q for container %q, which Baseline does not allow (runtime/default or localhost/<profile>)", [key, value, trim_prefix(key, annotation_prefix)]),
	"path": path,
	"patch": [{"op": "set", "path": path, "value": "runtime/default"}],
} if {
	some key, value in k8s.items(k8s.pod_metadata.annotations)
	startswith(key, annotation_prefix)
	not allowed_annotation(value)
	path := array.concat(k8s.pod_metadata_path, ["annotations", key])
}

profile_type(profile) := profile.type if {
	is_string(profile.type)
} else := ""

allowed_annotation(value) if value == null

allowed_annotation(value) if value == ""

allowed_annotation(value) if value == "runtime/default"

allowed_annotation(value) if startswith(value, "localhost/")
