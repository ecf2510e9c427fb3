# METADATA
# title: Replicas differ from the Blueprint
# description: |
#   The Blueprint states how many replicas a component runs (its own
#   `replicas`, else `spec.defaults.replicas`, else 1; databases 1). The
#   workload runs another number (a missing `spec.replicas` is 1). A
#   HorizontalPodAutoscaler whose `minReplicas` is at least the stated number
#   satisfies the spec.
# custom:
#   id: GRD603
#   severity: error
#   profile: spec
#   category: spec
#   kinds: [Deployment, StatefulSet, ReplicaSet, ReplicationController]
#   fix: Set `spec.replicas` to the number the Blueprint states (or let an autoscaler with at least that `minReplicas` scale the workload), or change the Blueprint.
package guard.rules.blueprint.replicas

import data.guard.lib.blueprint
import data.guard.lib.k8s
import data.guard.lib.workloads

violation contains {
	"msg": sprintf("%s %q runs %v replica(s)%s; component %q asks for %v", [input.kind, k8s.name, have, note, c.name, c.replicas]),
	"path": ["spec", "replicas"],
	"spec_path": c.source.replicas,
	"patch": [{"op": "set", "path": ["spec", "replicas"], "value": c.replicas}],
} if {
	some c in blueprint.own_components
	is_number(c.replicas)
	count(workloads.hpas_for(input)) == 0
	have := declared
	have != c.replicas
	note := missing_note
}

violation contains {
	"msg": sprintf("%s %q is scaled by a HorizontalPodAutoscaler with minReplicas %v; component %q asks for at least %v", [input.kind, k8s.name, low, c.name, c.replicas]),
	"path": ["metadata", "name"],
	"spec_path": c.source.replicas,
} if {
	some c in blueprint.own_components
	is_number(c.replicas)
	count(workloads.hpas_for(input)) > 0
	low := workloads.min_replicas_of(input)
	low < c.replicas
}

declared := n if {
	n := input.spec.replicas
	is_number(n)
} else := 1

missing_note := "" if is_number(input.spec.replicas)

else := " (spec.replicas is not set, so 1)"
