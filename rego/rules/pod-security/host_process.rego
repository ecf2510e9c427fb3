# METADATA
# title: Windows HostProcess container
# description: |
#   A Windows HostProcess container runs directly on the node as a host
#   process, outside any container isolation, with the node's network and
#   filesystem and the privileges of its user account. It is the Windows
#   counterpart of a privileged container, and the Pod Security Standards
#   forbid it at the Baseline level.
# custom:
#   id: GRD105
#   severity: error
#   profile: baseline
#   category: pod-security
#   kinds: ["@pods"]
#   fix: >-
#     Remove `windowsOptions.hostProcess: true` from the pod's and the
#     containers' security contexts (or set it to `false`).
#   equivalents:
#     pss: Baseline / HostProcess
#     polaris: hostProcess
package guard.rules.host_process

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s runs as a Windows HostProcess (windowsOptions.hostProcess: true), which Baseline does not allow", [ctx.label]),
	"path": path,
	"patch": [{"op": "set", "path": path, "value": false}],
} if {
	some ctx in k8s.security_contexts
	ctx.context.windowsOptions.hostProcess == true
	path := array.concat(ctx.path, ["windowsOptions", "hostProcess"])
}
