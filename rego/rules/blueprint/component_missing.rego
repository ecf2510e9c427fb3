# METADATA
# title: Blueprint component has no workload
# description: |
#   The Blueprint declares a component that no manifest provides: no workload
#   (a Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController
#   or Pod; a Job or CronJob for a component of type job) is named after it or
#   labelled with its name (`app.kubernetes.io/name` or `app`). The
#   application would be deployed without it.
# custom:
#   id: GRD601
#   severity: error
#   profile: spec
#   category: spec
#   kinds: [Blueprint]
#   fix: Add the component's workload, named after the component or labelled `app.kubernetes.io/name` with its name, or remove the component from the Blueprint.
package guard.rules.blueprint.component_missing

import data.guard.lib.blueprint

violation contains {
	"msg": sprintf("component %q (%s) has no workload: no %s is named %q or labelled app.kubernetes.io/name=%q", [c.name, c.type, kinds, c.name, c.name]),
	"path": c.source.name,
	"spec_path": c.source.name,
} if {
	some c in input.components
	count(blueprint.workloads_of(c)) == 0
	kinds := concat(", ", sort(blueprint.kinds_for(c)))
}
