# METADATA
# title: Secret-looking environment variable holds a literal value
# description: |
#   An environment variable named like a credential (`DB_PASSWORD`, `API_KEY`,
#   `GITHUB_TOKEN`, `CLIENT_SECRET`) with a literal `value` puts the secret in
#   the manifest, and from there in Git history, CI logs and every `kubectl
#   get -o yaml`. The name is split into words, so `MONKEY` or
#   `TOKENIZER_MODEL` do not match, and names that describe a secret rather
#   than hold one (`..._FILE`, `..._PATH`, `..._NAME`, `..._REF`) are skipped,
#   as are empty values.
# custom:
#   id: GRD501
#   severity: error
#   profile: best-practice
#   category: security
#   kinds: ["@pods"]
#   fix: Move the value into a Secret and reference it with `valueFrom.secretKeyRef` (or mount the Secret as a file).
#   equivalents:
#     kube-linter: env-var-secret
#     polaris: sensitiveContainerEnvVar
package guard.rules.env_secret_literal

import data.guard.lib.k8s

sensitive_words := {"password", "passwd", "pwd", "secret", "token", "key", "apikey", "passphrase", "credential", "credentials"}

# Words that make the variable describe a secret rather than hold one.
descriptive_words := {"file", "path", "dir", "name", "ref", "id", "url", "ttl", "expiry", "timeout", "length", "size", "enabled", "header", "field", "prefix", "type", "version", "count", "algorithm", "format", "location", "mode"}

violation contains {
	"msg": sprintf("%s sets %q to a literal value; it looks like a secret", [c.label, e.name]),
	"path": array.concat(c.path, ["env", i, "value"]),
} if {
	some c in k8s.containers
	some i, e in c.container.env
	is_string(e.value)
	e.value != ""
	not startswith(e.value, "$(")
	# Every sensitive word holds one of these, so one cached regex rules out
	# nearly every variable before the name is split into words.
	regex.match(`(?i)pass|pwd|secret|token|key|credential`, e.name)
	ws := words(e.name)
	count(ws & sensitive_words) > 0
	not descriptive_words[ws_last(e.name)]
}

# CamelCase and SNAKE_CASE words, lowercased: "dbPassword" -> {"db", "password"}.
words(name) := {lower(w) | some w in regex.find_n(`[A-Z]?[a-z0-9]+|[A-Z]+`, spaced(name), -1)}

spaced(name) := regex.replace(name, `[^A-Za-z0-9]+`, " ")

ws_last(name) := lower(all[count(all) - 1]) if {
	all := regex.find_n(`[A-Z]?[a-z0-9]+|[A-Z]+`, spaced(name), -1)
}
