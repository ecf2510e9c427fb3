# METADATA
# title: Workload runs a single replica
# description: |
#   One replica means every node drain, eviction, crash or rollout takes the
#   service down. A missing `replicas` field defaults to 1. Workloads scaled
#   by a HorizontalPodAutoscaler in the input are skipped (the autoscaler owns
#   the count; see GRD221 for its minimum), and so is `replicas: 0`, which
#   deliberately parks a workload.
# custom:
#   id: GRD211
#   severity: warning
#   profile: best-practice
#   category: reliability
#   kinds: [Deployment, StatefulSet]
#   fix: Set `spec.replicas` to 2 or more, or let a HorizontalPodAutoscaler with `minReplicas` of 2 or more scale the workload.
#   equivalents:
#     polaris: deploymentMissingReplicas
#     kube-score: deployment-replicas
package guard.rules.replicas

import data.guard.lib.k8s
import data.guard.lib.workloads

violation contains {
	"msg": sprintf("%s %q runs %s, so any disruption takes it down", [input.kind, k8s.name, described]),
	"path": ["spec", "replicas"],
} if {
	not workloads.hpa_managed
	n := workloads.replicas
	is_number(n)
	n == 1
	described := describe(n)
}

describe(_) := "a single replica (spec.replicas defaults to 1)" if not input.spec.replicas

describe(_) := "a single replica" if input.spec.replicas
