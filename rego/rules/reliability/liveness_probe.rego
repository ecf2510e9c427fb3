# METADATA
# title: Container has no liveness probe
# description: |
#   Without a liveness probe the kubelet only restarts a container when its
#   process exits; a server that deadlocks or stops answering keeps its slot
#   and keeps receiving traffic until someone notices. Only long-running pods
#   are checked: Jobs, CronJobs and bare Pods that do not restart always run
#   to completion, and init containers never serve.
# custom:
#   id: GRD201
#   severity: warning
#   profile: best-practice
#   category: reliability
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, PodTemplate]
#   fix: Add a `livenessProbe` (an HTTP, TCP, gRPC or exec check of the process's health) to the container.
#   equivalents:
#     kube-linter: no-liveness-probe
#     polaris: livenessProbeMissing
#     kube-score: pod-probes
package guard.rules.liveness_probe

import data.guard.lib.workloads

violation contains {
	"msg": sprintf("%s has no liveness probe", [c.label]),
	"path": array.concat(c.path, ["livenessProbe"]),
} if {
	workloads.long_running
	some c in workloads.app_containers
	not c.container.livenessProbe
}
