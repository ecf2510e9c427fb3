# Helpers shared by the bundled rules: where an object keeps its pod spec, and
# every container with the path to it, so rules can name the exact field.
package guard.lib.k8s

# The pod view of the object under evaluation, computed natively once per
# evaluation (src/policy/pod.rs, where a test holds it to the Rego
# definitions it replaced). The values below read it.
view := guard.pod_view(input)

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

# The path of the object's pod spec: pod_spec_paths[input.kind].
pod_spec_path := view.spec_path

# The pod spec, when it is an object.
pod_spec := view.spec

# Pod-level metadata (annotations and labels of the pods the object makes):
# the object's own metadata for a Pod, else the metadata beside the pod spec;
# {} when absent.
pod_metadata_path := view.metadata_path

pod_metadata := view.metadata

# `x` when it is a collection, otherwise an empty array. Iterate over fields
# of the input with `some v in items(x)`: a manifest may hold `null` (or any
# scalar) where a list belongs, and regorus aborts the whole evaluation of
# the object on `some v in null` where OPA would just find nothing.
items(x) := x if {
	is_array(x)
} else := x if {
	is_object(x)
} else := x if {
	is_set(x)
} else := []

# Every container of the pod spec (initContainers, containers and
# ephemeralContainers) that is an object:
# - "path": from the object root to the container;
# - "container": the container;
# - "field": the list it is in (`initContainers`);
# - "label": its name for messages, `container "web"` (`initContainer 2` for
#   one without a name);
# - "security_context": its security context, {} when unset (or null);
# - "security_context_path": from the object root to that context.
containers := view.containers

# The security context of the pod, {} when unset (or null).
pod_security_context := view.security_context

# Path from the object root to the pod's security context.
pod_security_context_path := view.security_context_path

# Whether a field is set to a real value: present and not null.
has_value(obj, key) if {
	is_object(obj)
	obj[key] != null
}

# `spec.os.name: windows`: the Restricted controls that only make sense on
# Linux (privilege escalation, seccomp, capabilities) do not apply.
is_windows if pod_spec.os.name == "windows"

# `spec.hostUsers: false`: the pod runs in its own user namespace, so root in
# the container is not root on the node, and the standard relaxes the checks
# of runAsNonRoot, runAsUser and (Baseline) procMount.
in_user_namespace if pod_spec.hostUsers == false

# The field that names the pods' service account: serviceAccountName, or the
# deprecated serviceAccount when serviceAccountName is unset. An empty name
# counts as unset, as the API server's defaulting treats it; undefined when
# neither names one.
service_account_field := "serviceAccountName" if {
	names_account("serviceAccountName")
} else := "serviceAccount" if {
	names_account("serviceAccount")
}

names_account(field) if {
	name := pod_spec[field]
	is_string(name)
	name != ""
}

# The service account the pods run as: the one a field names, else the
# namespace's "default".
service_account := pod_spec[service_account_field]

service_account := "default" if not service_account_field

# Labels of several containers, sorted, for one message: `container "a", initContainer "b"`.
container_labels(cs) := concat(", ", sort([c.label | some c in cs]))

# The object's name for messages.
name := object.get(input, ["metadata", "name"], "(unnamed)")

# The pod's security context and every container's, each with a label for
# messages (as a container's label) and its path: {"label", "path",
# "context"}, where "context" is always an object ({} when unset). For the
# controls that apply the same way at both levels.
security_contexts := view.security_contexts

# A volume's name, or its index when it has none, for messages.
volume_label(i, vol) := sprintf("volume %q", [vol.name]) if is_string(vol.name)

volume_label(i, vol) := sprintf("volume %d", [i]) if {
	not is_string(object.get(vol, "name", null))
}

# Capabilities a container may add under PSS Baseline (the container
# runtime's default set, less NET_RAW).
baseline_capabilities := {
	"AUDIT_WRITE",
	"CHOWN",
	"DAC_OVERRIDE",
	"FOWNER",
	"FSETID",
	"KILL",
	"MKNOD",
	"NET_BIND_SERVICE",
	"SETFCAP",
	"SETGID",
	"SETPCAP",
	"SETUID",
	"SYS_CHROOT",
}
