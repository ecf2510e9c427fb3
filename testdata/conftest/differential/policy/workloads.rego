package main

import data.exempt

workload_kinds := {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}

pod_spec := input.spec.template.spec if workload_kinds[input.kind]

pod_spec := input.spec.jobTemplate.spec.template.spec if input.kind == "CronJob"

pod_spec := input.spec if input.kind == "Pod"

containers contains c if {
	some c in pod_spec.containers
}

containers contains c if {
	some c in pod_spec.initContainers
}

name := object.get(input.metadata, "name", "unnamed")

deny_run_as_root contains msg if {
	pod_spec
	not pod_spec.securityContext.runAsNonRoot
	some c in containers
	not c.securityContext.runAsNonRoot
	msg := sprintf("%s %s: container %s may run as root", [input.kind, name, c.name])
}

exception contains rules if {
	name in exempt.run_as_root
	rules := ["run_as_root"]
}

deny_latest_tag contains msg if {
	some c in containers
	latest(c.image)
	msg := sprintf("%s %s: image %q has no pinned tag", [input.kind, name, c.image])
}

latest(image) if endswith(image, ":latest")

latest(image) if {
	not contains(image, ":")
	not contains(image, "@")
}

deny_privileged contains msg if {
	some c in containers
	c.securityContext.privileged == true
	msg := sprintf("%s %s: container %s is privileged", [input.kind, name, c.name])
}

violation_resources contains {"msg": msg, "details": {"missing": missing}} if {
	some c in pod_spec.containers
	missing := [r | some r in ["cpu", "memory"]; not c.resources.limits[r]]
	count(missing) > 0
	msg := sprintf("%s %s: container %s has no %v limit", [input.kind, name, c.name, concat(" or ", missing)])
}

warn_probes contains msg if {
	some c in pod_spec.containers
	not c.readinessProbe
	msg := sprintf("%s %s: container %s has no readiness probe", [input.kind, name, c.name])
}

warn_host_ports contains msg if {
	some c in containers
	some p in c.ports
	p.hostPort
	msg := sprintf("%s %s: container %s binds host port %d", [input.kind, name, c.name, p.hostPort])
}

deny_registry contains msg if {
	some c in containers
	registry := image_registry(c.image)
	not registry_allowed(registry)
	msg := sprintf("%s %s: image %s comes from %s", [input.kind, name, c.image, registry])
}

image_registry(image) := parts[0] if {
	parts := split(image, "/")
	count(parts) > 1
	regex.match(`[.:]`, parts[0])
}

image_registry(image) := "docker.io" if {
	parts := split(image, "/")
	not regex.match(`[.:]`, parts[0])
}

image_registry(image) := "docker.io" if {
	count(split(image, "/")) == 1
}

registry_allowed(registry) if {
	some allowed in data.registries.allowed
	glob.match(allowed, [], registry)
}

warn_labels contains msg if {
	pod_spec
	required := {"app.kubernetes.io/name", "app.kubernetes.io/version"}
	present := {k | some k, _ in object.get(input.metadata, "labels", {})}
	missing := required - present
	count(missing) > 0
	msg := sprintf("%s %s is missing labels %v", [input.kind, name, sort(missing)])
}

warn_file_name contains msg if {
	input.kind == "Service"
	startswith(data.conftest.file.dir, "/")
	not contains(lower(data.conftest.file.name), "service")
	msg := sprintf("Service %s is in %s, not in a service file", [name, data.conftest.file.name])
}
