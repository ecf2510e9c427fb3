# METADATA
# title: Container has no readiness probe
# description: |
#   Without a readiness probe a pod counts as ready, and receives Service
#   traffic, as soon as its containers start, long before the application can
#   answer; rollouts then drop requests. Only long-running pods are checked:
#   Jobs, CronJobs and bare Pods that do not restart always run to completion,
#   and init containers never serve.
# custom:
#   id: GRD202
#   severity: warning
#   profile: best-practice
#   category: reliability
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, PodTemplate]
#   fix: Add a `readinessProbe` that succeeds only once the container can serve requests.
#   equivalents:
#     kube-linter: no-readiness-probe
#     polaris: readinessProbeMissing
#     kube-score: pod-probes
package guard.rules.readiness_probe

import data.guard.lib.workloads

violation contains {
	"msg": sprintf("%s has no readiness probe", [c.label]),
	"path": array.concat(c.path, ["readinessProbe"]),
} if {
	workloads.long_running
	some c in workloads.app_containers
	not c.container.readinessProbe
}
