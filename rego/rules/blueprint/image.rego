# METADATA
# title: Image repository differs from the Blueprint
# description: |
#   The Blueprint names the image a component runs. No container of its
#   workload runs that repository (compared as container runtimes read it:
#   `postgres` is `docker.io/library/postgres`), or none runs the tag the
#   Blueprint pins: the manifests deploy other software than the spec says.
# custom:
#   id: GRD604
#   severity: error
#   profile: spec
#   category: spec
#   kinds: ["@pods"]
#   fix: Run the image the Blueprint names in the component's container, or change the Blueprint's `image`.
package guard.rules.blueprint.image

import data.guard.lib.blueprint
import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s %q runs %s; component %q runs image %s", [input.kind, k8s.name, concat(", ", images), c.name, c.image.reference]),
	"path": array.concat(first.path, ["image"]),
	"spec_path": c.source.image,
} if {
	some c in blueprint.own_components
	want := c.image.repository
	cs := blueprint.containers
	first := cs[0]
	images := [x.container.image | some x in cs]
	not any_repository(cs, want)
}

violation contains {
	"msg": sprintf("%s %q runs %s with tag %q; component %q pins tag %q", [input.kind, k8s.name, x.container.image, tag, c.name, c.image.tag]),
	"path": array.concat(x.path, ["image"]),
	"spec_path": c.source.image,
} if {
	some c in blueprint.own_components
	is_string(c.image.tag)
	some x in blueprint.containers
	blueprint.image_repository(x.container.image) == c.image.repository
	tag := data.guard.lib.workloads.image_tag(x.container.image)
	tag != c.image.tag
}

any_repository(cs, want) if {
	some x in cs
	blueprint.image_repository(x.container.image) == want
}
