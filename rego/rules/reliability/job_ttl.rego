# METADATA
# title: Job is never cleaned up
# description: |
#   A finished Job and its pods stay in the cluster until someone deletes
#   them, cluttering listings and holding on to the pods' records. Setting
#   `ttlSecondsAfterFinished` lets the TTL controller delete them. Jobs that a
#   CronJob creates are not checked: the CronJob's history limits already
#   clean them up, and a TTL would fight those limits.
# custom:
#   id: GRD218
#   severity: warning
#   profile: best-practice
#   category: reliability
#   kinds: [Job]
#   fix: Set `spec.ttlSecondsAfterFinished` (for example 86400 to keep a finished Job for a day).
#   equivalents:
#     kube-linter: job-ttl-seconds-after-finished
package guard.rules.job_ttl

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("Job %q has no ttlSecondsAfterFinished, so it is never deleted", [k8s.name]),
	"path": ["spec", "ttlSecondsAfterFinished"],
} if {
	is_object(input.spec)
	not is_number(input.spec.ttlSecondsAfterFinished)
}
