package k8s.rbac

deny_wildcard contains msg if {
	input.kind in {"Role", "ClusterRole"}
	some i, rule in input.rules
	some field in ["verbs", "resources", "apiGroups"]
	"*" in rule[field]
	msg := sprintf("%s %s: rule %d grants * %s", [input.kind, input.metadata.name, i, field])
}

warn_secrets contains msg if {
	input.kind in {"Role", "ClusterRole"}
	some rule in input.rules
	"secrets" in rule.resources
	verbs := {v | some v in rule.verbs} & {"get", "list", "watch"}
	count(verbs) > 0
	msg := sprintf("%s %s reads secrets (%s)", [input.kind, input.metadata.name, concat(",", sort(verbs))])
}
