# METADATA
# title: Replicas may all land on one node
# description: |
#   Running several replicas buys little if the scheduler puts them on the
#   same node or zone, which it is free to do: one node failure then takes
#   them all. A podAntiAffinity rule or a topologySpreadConstraint keeps them
#   apart. Workloads count as multi-replica when `replicas` is 2 or more, or
#   when an autoscaler in the input may run 2 or more.
# custom:
#   id: GRD213
#   severity: warning
#   profile: best-practice
#   category: reliability
#   kinds: [Deployment, StatefulSet]
#   fix: Add `topologySpreadConstraints` (for example on `kubernetes.io/hostname` and `topology.kubernetes.io/zone`) or a preferred `podAntiAffinity` on the pod's own labels.
#   equivalents:
#     kube-linter: no-anti-affinity
#     polaris: topologySpreadConstraint
#     kube-score: deployment-has-host-podantiaffinity, statefulset-has-host-podantiaffinity
package guard.rules.spread

import data.guard.lib.k8s
import data.guard.lib.workloads

violation contains {
	"msg": sprintf("%s %q runs up to %d replicas but has neither podAntiAffinity nor topologySpreadConstraints", [input.kind, k8s.name, n]),
	"path": array.concat(k8s.pod_spec_path, ["affinity", "podAntiAffinity"]),
} if {
	n := max_replicas
	n >= 2
	spec := k8s.pod_spec
	not spec.affinity.podAntiAffinity
	count(object.get(spec, "topologySpreadConstraints", [])) == 0
}

max_replicas := max([object.get(hpa, ["spec", "maxReplicas"], 1) | some hpa in workloads.hpas_for(input)]) if workloads.hpa_managed

max_replicas := workloads.replicas if not workloads.hpa_managed
