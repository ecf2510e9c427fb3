# METADATA
# title: Volume type outside the Restricted set
# description: |
#   Restricted pods may only use volume types that do not reach node or
#   network storage directly: configMap, csi, downwardAPI, emptyDir,
#   ephemeral, image, persistentVolumeClaim, projected and secret. Other
#   inline types (nfs, iscsi, rbd, cephfs, gitRepo, flexVolume, cloud disks...)
#   let the pod author pick arbitrary storage endpoints and credentials, or run
#   node-side plugins, bypassing the storage an administrator approved through
#   PersistentVolumes. hostPath volumes are reported by GRD107, not again here.
#   The `image` volume is allowed as the admission controller allows it since
#   Kubernetes 1.33, although the published list still omits it.
# custom:
#   id: GRD120
#   severity: warning
#   profile: restricted
#   category: pod-security
#   kinds: ["@pods"]
#   fix: >-
#     Replace the volume with a persistentVolumeClaim bound to a PersistentVolume
#     of that type (or use one of the allowed volume types).
#   equivalents:
#     pss: Restricted / Volume Types
package guard.rules.volume_types

import data.guard.lib.k8s

allowed := {
	"configMap",
	"csi",
	"downwardAPI",
	"emptyDir",
	"ephemeral",
	"image",
	"persistentVolumeClaim",
	"projected",
	"secret",
}

violation contains {
	"msg": sprintf("%s uses the %s volume type, which Restricted does not allow (configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret)", [k8s.volume_label(i, vol), source]),
	"path": array.concat(k8s.pod_spec_path, ["volumes", i, source]),
} if {
	some i, vol in k8s.items(k8s.pod_spec.volumes)
	is_object(vol)
	sources := {key | some key, value in vol; key != "name"; value != null}
	count(sources & allowed) == 0
	not "hostPath" in sources
	some source in sources
}
