# METADATA
# title: Image pull policy is not `Always` for a tagged image
# description: |
#   With `IfNotPresent` (the default for tagged images) a node keeps running
#   whatever it cached under a tag, so a re-pushed tag yields different images
#   on different nodes, and on a shared cluster a pod can start from a private
#   image another tenant pulled, without any pull credentials. `Always` costs
#   only a registry round trip: the layers are still cached. Images pinned by
#   digest are immutable and are not checked, which keeps this rule quiet for
#   teams that already pin. It is informational because many clusters enforce
#   pull policy at admission (AlwaysPullImages).
# custom:
#   id: GRD210
#   severity: info
#   profile: best-practice
#   category: reliability
#   kinds: ["@pods"]
#   fix: Set `imagePullPolicy` to `Always`, or pin the image by digest.
#   equivalents:
#     polaris: pullPolicyNotAlways
#     kube-score: container-image-pull-policy
package guard.rules.pull_policy

import data.guard.lib.k8s
import data.guard.lib.workloads

violation contains {
	"msg": sprintf("%s pulls %q with policy %s, so nodes may run a stale image for the tag", [c.label, image, policy]),
	"path": array.concat(c.path, ["imagePullPolicy"]),
	"patch": [{"op": "set", "path": array.concat(c.path, ["imagePullPolicy"]), "value": "Always"}],
} if {
	some c in k8s.containers
	image := c.container.image
	is_string(image)
	not workloads.pinned_by_digest(image)
	tag := workloads.image_tag(image)
	policy := effective_policy(c.container, tag)
	policy != "Always"
}

effective_policy(container, _) := container.imagePullPolicy

# The API server's default: Always for `latest` or no tag, else IfNotPresent.
effective_policy(container, tag) := "IfNotPresent" if {
	not container.imagePullPolicy
	not tag in {"", "latest"}
}
