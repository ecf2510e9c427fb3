package main

import data.registries

# A plain deny rule with string results.
deny contains msg if {
	input.kind == "Deployment"
	not input.metadata.labels.app
	msg := sprintf("Deployment %s has no app label", [input.metadata.name])
}

# A suffixed deny rule: `exception` below exempts it for the legacy Deployment.
deny_run_as_root contains msg if {
	input.kind == "Deployment"
	not input.spec.template.spec.securityContext.runAsNonRoot
	msg := sprintf("Deployment %s may run as root", [input.metadata.name])
}

exception contains rules if {
	input.metadata.name == "legacy"
	rules := ["run_as_root"]
}

# violation with object results: msg, metadata, and a path naming the field.
violation contains {"msg": msg, "path": ["spec", "template", "spec", "containers", i, "image"], "details": {"image": c.image}} if {
	some i, c in input.spec.template.spec.containers
	registry := split(c.image, "/")[0]
	not registry in registries.allowed
	msg := sprintf("image %s is not from an allowed registry", [c.image])
}

warn contains msg if {
	input.kind == "Service"
	input.spec.type == "NodePort"
	msg := sprintf("Service %s is exposed on every node", [input.metadata.name])
}

# `_loc` metadata names the location; data.conftest.file the file checked.
warn_file contains {"msg": msg, "_loc": {"file": "owners.yaml", "line": 7}} if {
	input.kind == "Service"
	msg := sprintf("Service %s checked in %s", [input.metadata.name, data.conftest.file.name])
}
