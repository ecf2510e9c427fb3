# Kubernetes API versions that are deprecated or removed, for GRD507/GRD508,
# after the Kubernetes Deprecated API Migration Guide. Minor versions only:
# every removal so far happened in a 1.x release.
package guard.lib.api

# The table lives in rego/lib/api_table.rego; guard evaluates it once, when
# the rules compile, into data.guard.facts.api_table, not once per object.
entry := data.guard.facts.api_table[sprintf("%s %s", [input.apiVersion, input.kind])]

# The target's minor version, from data.guard.config.kubernetes_version
# ("1.29", "v1.29.3"); unset means the newest release, past every removal.
target_minor := to_number(parts[1]) if {
	v := data.guard.config.kubernetes_version
	is_string(v)
	parts := split(trim_prefix(v, "v"), ".")
	count(parts) >= 2
}

target_minor := 1000 if not data.guard.config.kubernetes_version

target_note := sprintf(" (target %s)", [data.guard.config.kubernetes_version]) if data.guard.config.kubernetes_version

target_note := "" if not data.guard.config.kubernetes_version
