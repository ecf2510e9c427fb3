# METADATA
# title: Container's root filesystem is writable
# description: |
#   A writable root filesystem lets an attacker who gets into the container
#   drop tools, modify binaries and persist until the next restart, and it
#   hides where an application writes data. With `readOnlyRootFilesystem:
#   true`, writes must go to declared volumes (an `emptyDir` for scratch
#   space). Windows pods are skipped: Windows does not support the setting.
# custom:
#   id: GRD505
#   severity: warning
#   profile: best-practice
#   category: security
#   kinds: ["@pods"]
#   fix: Set `securityContext.readOnlyRootFilesystem` to `true`, and mount an `emptyDir` where the application needs to write (such as `/tmp`).
#   equivalents:
#     kube-linter: no-read-only-root-fs
#     polaris: notReadOnlyRootFilesystem
#     kube-score: container-security-context-readonlyrootfilesystem
package guard.rules.read_only_root

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s does not set readOnlyRootFilesystem: true", [c.label]),
	"path": array.concat(c.path, ["securityContext", "readOnlyRootFilesystem"]),
	"patch": [{"op": "set", "path": array.concat(c.path, ["securityContext", "readOnlyRootFilesystem"]), "value": true}],
} if {
	not k8s.is_windows
	some c in k8s.containers
	c.field != "ephemeralContainers"
	not c.container.securityContext.readOnlyRootFilesystem == true
}
