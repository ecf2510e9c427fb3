# METADATA
# title: Object outside the Blueprint's namespace
# description: |
#   The Blueprint puts the application in one namespace (`spec.namespace`);
#   this object names another. Objects without a namespace are placed at
#   apply time and are not reported.
# custom:
#   id: GRD613
#   severity: error
#   profile: spec
#   category: spec
#   kinds: ["*"]
#   fix: Set `metadata.namespace` to the Blueprint's namespace, or remove it and choose the namespace at apply time.
package guard.rules.blueprint.namespace

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s %q is in namespace %q; the Blueprint puts everything in %q", [input.kind, k8s.name, have, want]),
	"path": ["metadata", "namespace"],
	"spec_path": data.blueprint.source.namespace,
	"patch": [{"op": "set", "path": ["metadata", "namespace"], "value": want}],
} if {
	want := data.blueprint.namespace
	is_string(want)
	have := input.metadata.namespace
	is_string(have)
	have != want
}
