# METADATA
# title: ConfigMap holds what looks like a secret
# description: |
#   ConfigMaps are not meant for secrets: they are readable by anyone who can
#   read configuration, printed in logs and diffs, and never encrypted at
#   rest. A key named like a credential (`password`, `api_key`, `token`) with
#   a non-empty value (unless the key describes one, like `password_file` or
#   `token.ttl`), or a value holding a PEM private key, belongs in a Secret.
# custom:
#   id: GRD509
#   severity: warning
#   profile: best-practice
#   category: security
#   kinds: [ConfigMap]
#   fix: Move the entry into a Secret (or an external secret store) and mount or reference that instead.
#   equivalents:
#     polaris: sensitiveConfigmapContent
package guard.rules.configmap_secret

import data.guard.lib.k8s

sensitive_words := {"password", "passwd", "secret", "token", "apikey", "passphrase", "credential", "credentials", "privatekey"}

violation contains {
	"msg": sprintf("ConfigMap %q key %q looks like a secret", [k8s.name, key]),
	"path": ["data", key],
} if {
	some key, value in k8s.items(input.data)
	is_string(value)
	trim_space(value) != ""
	not contains(value, "\n")
	ws := words(key)
	count(ws & sensitive_words) > 0
	not descriptive_words[last_word(key)]
}

violation contains {
	"msg": sprintf("ConfigMap %q key %q holds a private key", [k8s.name, key]),
	"path": ["data", key],
} if {
	some key, value in k8s.items(input.data)
	is_string(value)
	regex.match(`-----BEGIN [A-Z ]*PRIVATE KEY-----`, value)
}

# Words that make a key describe a secret rather than hold one.
descriptive_words := {"file", "path", "dir", "name", "ref", "id", "url", "ttl", "expiry", "timeout", "length", "size", "enabled", "header", "field", "prefix", "type", "version", "count", "algorithm", "format", "location", "mode"}

last_word(name) := lower(all[count(all) - 1]) if {
	all := regex.find_n(`[A-Z]?[a-z0-9]+|[A-Z]+`, regex.replace(name, `[^A-Za-z0-9]+`, " "), -1)
}

# Words of a key, lowercased, with "api key" and "private key" joined:
# "db.password" -> {"db", "password"}, "apiKey" -> {"api", "key", "apikey"}.
words(name) := result if {
	all := [lower(w) | some w in regex.find_n(`[A-Z]?[a-z0-9]+|[A-Z]+`, regex.replace(name, `[^A-Za-z0-9]+`, " "), -1)]
	joined := {concat("", [all[i], all[i + 1]]) | some i, _ in all; i + 1 < count(all)}
	result := {w | some w in all} | joined
}
