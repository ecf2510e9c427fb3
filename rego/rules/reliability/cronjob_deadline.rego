# METADATA
# title: CronJob has no starting deadline
# description: |
#   Without `startingDeadlineSeconds` the CronJob controller counts every
#   schedule missed since the last run; after more than 100 misses (a
#   controller outage, a long suspension) it stops scheduling the CronJob
#   altogether. A deadline bounds the window the controller looks at and says
#   how late a run may still start.
# custom:
#   id: GRD217
#   severity: warning
#   profile: best-practice
#   category: reliability
#   kinds: [CronJob]
#   fix: Set `spec.startingDeadlineSeconds` to how late a run may still start (for example a fraction of the schedule's period).
#   equivalents:
#     kube-score: cronjob-has-deadline
package guard.rules.cronjob_deadline

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("CronJob %q has no startingDeadlineSeconds", [k8s.name]),
	"path": ["spec", "startingDeadlineSeconds"],
} if {
	is_object(input.spec)
	not input.spec.startingDeadlineSeconds
}
