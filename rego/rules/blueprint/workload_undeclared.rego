# METADATA
# title: Workload that no Blueprint component declares
# description: |
#   A workload belongs to the Blueprint component whose name is its
#   `metadata.name`, or its `app.kubernetes.io/name` or `app` label. This one
#   belongs to none: the manifests run something the spec does not ask for,
#   or name a component differently than the spec does.
# custom:
#   id: GRD602
#   severity: warning
#   profile: spec
#   category: spec
#   kinds: [Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob, Pod]
#   fix: Name the workload (or label it `app.kubernetes.io/name`) after the component it implements, or declare it in the Blueprint.
package guard.rules.blueprint.workload_undeclared

import data.guard.lib.blueprint
import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s %q belongs to no component of Blueprint %q (components: %s)", [input.kind, k8s.name, input_blueprint.name, names]),
	"path": ["metadata", "name"],
	"spec_path": input_blueprint.source.components,
} if {
	count(blueprint.components_of(input)) == 0
	names := concat(", ", [c.name | some c in k8s.items(input_blueprint.components)])
}

input_blueprint := data.blueprint
