# METADATA
# title: Database without the persistent storage the Blueprint asks for
# description: |
#   A database (or a component given `storage`) keeps state that must survive
#   a restart. Its workload has no persistent storage (a volumeClaimTemplate,
#   or a volume from a PersistentVolumeClaim of the input), or less than the
#   Blueprint's `storage`: data is lost on the next reschedule, or the disk
#   fills up.
# custom:
#   id: GRD611
#   severity: error
#   profile: spec
#   category: spec
#   kinds: [Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Pod]
#   fix: Give the workload a volumeClaimTemplate (StatefulSet) or a PersistentVolumeClaim volume requesting at least the Blueprint's `storage`.
package guard.rules.blueprint.storage

import data.guard.lib.blueprint
import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s %q has no persistent storage (no volumeClaimTemplates, no PersistentVolumeClaim volume); component %q is a %s that keeps state%s", [input.kind, k8s.name, c.name, c.type, wanted(c)]),
	"path": where_storage_goes,
	"spec_path": c.source.storage,
} if {
	some c in blueprint.own_components
	c.persistent
	count(claims) == 0
}

violation contains {
	"msg": sprintf("%s %q requests %s of persistent storage at most (%s); component %q asks for %s", [input.kind, k8s.name, largest.quantity, largest.name, c.name, c.storage.quantity]),
	"path": largest.path,
	"spec_path": c.source.storage,
} if {
	some c in blueprint.own_components
	want := c.storage.bytes
	count(claims) > 0
	sizes := [x.bytes | some x in claims]
	top := max(sizes)
	top < want
	some largest in claims
	largest.bytes == top
}

wanted(c) := sprintf(" and asks for %s", [c.storage.quantity]) if is_string(c.storage.quantity)

else := ""

where_storage_goes := ["spec", "volumeClaimTemplates"] if input.kind == "StatefulSet"

else := array.concat(k8s.pod_spec_path, ["volumes"])

# The claims the workload's pods get: volumeClaimTemplates, and the
# PersistentVolumeClaims of the input its volumes name.
claims contains {"name": sprintf("volumeClaimTemplate %q", [t.metadata.name]), "quantity": q, "bytes": blueprint.quantity_bytes(q), "path": ["spec", "volumeClaimTemplates", i, "spec", "resources", "requests", "storage"]} if {
	input.kind == "StatefulSet"
	some i, t in k8s.items(object.get(input, ["spec", "volumeClaimTemplates"], []))
	q := object.get(t, ["spec", "resources", "requests", "storage"], "0")
}

claims contains {"name": sprintf("PersistentVolumeClaim %q", [pvc.metadata.name]), "quantity": q, "bytes": blueprint.quantity_bytes(q), "path": array.concat(k8s.pod_spec_path, ["volumes", i, "persistentVolumeClaim", "claimName"])} if {
	some i, v in k8s.items(object.get(k8s.pod_spec, "volumes", []))
	name := v.persistentVolumeClaim.claimName
	some pvc in data.guard.lib.workloads.objects_of_kind(blueprint.namespace, "PersistentVolumeClaim")
	pvc.metadata.name == name
	q := object.get(pvc, ["spec", "resources", "requests", "storage"], "0")
}
