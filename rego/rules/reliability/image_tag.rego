# METADATA
# title: Image has no tag or uses `latest`
# description: |
#   An image without a tag means `latest`, and `latest` moves: two nodes, or
#   the same node before and after a restart, can run different code under the
#   same manifest, and a rollback to the previous manifest does not roll back
#   the image. An image pinned by digest is immutable and passes whatever its
#   tag.
# custom:
#   id: GRD209
#   severity: warning
#   profile: best-practice
#   category: reliability
#   kinds: ["@pods"]
#   fix: Use a specific version tag (`nginx:1.27.3`), or better, pin the image by digest (`nginx@sha256:...`).
#   equivalents:
#     kube-linter: latest-tag
#     polaris: tagNotSpecified
#     kube-score: container-image-tag
package guard.rules.image_tag

import data.guard.lib.k8s
import data.guard.lib.workloads

violation contains {
	"msg": message(c.label, image, tag),
	"path": array.concat(c.path, ["image"]),
} if {
	some c in k8s.containers
	image := c.container.image
	is_string(image)
	tag := workloads.image_tag(image)
	tag in {"", "latest"}
}

message(label, image, "") := sprintf("%s uses image %q without a tag, which means `latest`", [label, image])

message(label, image, "latest") := sprintf("%s uses the mutable tag `latest` (%q)", [label, image])
