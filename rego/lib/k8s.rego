# Helpers shared by the bundled rules: where an object keeps its pod spec, and
# every container with the path to it, so rules can name the exact field.
package guard.lib.k8s

# Path from the object root to the pod spec, for every kind that carries one.
pod_spec_paths := {
	"Pod": ["spec"],
	"Deployment": ["spec", "template", "spec"],
	"StatefulSet": ["spec", "template", "spec"],
	"DaemonSet": ["spec", "template", "spec"],
	"ReplicaSet": ["spec", "template", "spec"],
	"ReplicationController": ["spec", "template", "spec"],
	"Job": ["spec", "template", "spec"],
	"CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
	"PodTemplate": ["template", "spec"],
}

pod_spec_path := pod_spec_paths[input.kind]

pod_spec := spec if {
	spec := object.get(input, pod_spec_path, null)
	is_object(spec)
}

# Pod-level metadata (annotations and labels of the pods the object makes).
pod_metadata_path := ["metadata"] if input.kind == "Pod"

pod_metadata_path := array.concat(array.slice(pod_spec_path, 0, count(pod_spec_path) - 1), ["metadata"]) if input.kind != "Pod"

pod_metadata := object.get(input, pod_metadata_path, {})

container_fields := ["initContainers", "containers", "ephemeralContainers"]

# Every container of the pod spec: {"path", "container", "field"}.
containers contains {"path": array.concat(pod_spec_path, [field, i]), "container": c, "field": field} if {
	some field in container_fields
	some i, c in pod_spec[field]
	is_object(c)
}

# The security context of the pod, {} when unset.
pod_security_context := object.get(pod_spec, "securityContext", {})

is_windows if pod_spec.os.name == "windows"

# A container's name, or its index when it has none, for messages.
container_label(c) := sprintf("%s %q", [trim_suffix(c.field, "s"), c.container.name]) if is_string(c.container.name)

container_label(c) := sprintf("%s %d", [trim_suffix(c.field, "s"), c.path[count(c.path) - 1]]) if not is_string(c.container.name)

# The object's name for messages.
name := object.get(input, ["metadata", "name"], "(unnamed)")
