# METADATA
# title: Job pod template restarts always
# description: |
#   The pods of a Job (or of a CronJob's jobs) must stop once they succeed, so
#   their `restartPolicy` must be `OnFailure` or `Never`; the default,
#   `Always`, is rejected by the API server, and the manifest fails to apply.
# custom:
#   id: GRD219
#   severity: error
#   profile: best-practice
#   category: reliability
#   kinds: [Job, CronJob]
#   fix: Set the pod template's `restartPolicy` to `OnFailure` (retry in place) or `Never` (retry with new pods).
#   equivalents:
#     kube-score: cronjob-restartpolicy
package guard.rules.job_restart_policy

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s %q: pod restartPolicy is %s (must be OnFailure or Never)", [input.kind, k8s.name, policy]),
	"path": array.concat(k8s.pod_spec_path, ["restartPolicy"]),
} if {
	spec := k8s.pod_spec
	policy := object.get(spec, "restartPolicy", "Always (the default)")
	not policy in {"OnFailure", "Never"}
}
