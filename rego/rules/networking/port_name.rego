# METADATA
# title: Invalid port name
# description: |
#   Container port names, and the `targetPort` names of Services that refer to
#   them, must be IANA service names: at most 15 characters of lowercase
#   letters, digits and single hyphens, with at least one letter and no hyphen
#   at either end. The API server rejects anything else, so the manifest fails
#   to apply.
# custom:
#   id: GRD311
#   severity: error
#   profile: best-practice
#   category: networking
#   kinds: ["@pods", Service]
#   fix: Rename the port to a valid IANA service name, such as `http`, `grpc` or `metrics-2`.
#   equivalents:
#     kube-linter: invalid-target-ports
package guard.rules.port_name

import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s has invalid port name %q (%s)", [c.label, name, reason]),
	"path": array.concat(c.path, ["ports", i, "name"]),
} if {
	some c in k8s.containers
	some i, p in c.container.ports
	name := p.name
	is_string(name)
	not valid(name)
	reason := problem(name)
}

violation contains {
	"msg": sprintf("Service %q targets invalid port name %q (%s)", [k8s.name, name, reason]),
	"path": ["spec", "ports", i, "targetPort"],
} if {
	input.kind == "Service"
	some i, p in k8s.items(input.spec.ports)
	name := p.targetPort
	is_string(name)
	not regex.match(`^[0-9]+$`, name)
	not valid(name)
	reason := problem(name)
}

# An IANA service name, as the API validates it: checked first, because
# nearly every name is one, and problem() tries each of its four reasons.
valid(name) if {
	count(name) <= 15
	regex.match(`^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`, name)
	regex.match(`[a-z]`, name)
	not contains(name, "--")
}

problem(name) := "longer than 15 characters" if count(name) > 15

problem(name) := "only lowercase letters, digits and '-' are allowed" if {
	count(name) <= 15
	not regex.match(`^[a-z0-9-]+$`, name)
}

problem(name) := "must contain a letter" if {
	regex.match(`^[0-9-]+$`, name)
	count(name) <= 15
}

problem(name) := "must not start or end with '-' or contain '--'" if {
	count(name) <= 15
	regex.match(`^[a-z0-9-]+$`, name)
	regex.match(`[a-z]`, name)
	regex.match(`^-|-$|--`, name)
}
