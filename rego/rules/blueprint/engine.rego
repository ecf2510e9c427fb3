# METADATA
# title: Database image is not the Blueprint's engine
# description: |
#   The Blueprint says which engine a database or cache runs (`engine:
#   postgres`). No container of its workload runs an image of that engine
#   (by the image's name: `postgres` or `bitnami/postgresql` for postgres):
#   the application would talk to another database than it was written for.
# custom:
#   id: GRD612
#   severity: error
#   profile: spec
#   category: spec
#   kinds: [Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Pod]
#   fix: Run the engine's image in the component's workload, or correct the Blueprint's `engine`.
package guard.rules.blueprint.engine

import data.guard.lib.blueprint
import data.guard.lib.k8s

violation contains {
	"msg": sprintf("%s %q runs %s, not an image of %s (%s); component %q names engine %s", [input.kind, k8s.name, concat(", ", images), c.engine, concat(" or ", c.engine_images), c.name, c.engine]),
	"path": array.concat(cs[0].path, ["image"]),
	"spec_path": c.source.engine,
} if {
	some c in blueprint.own_components
	is_string(c.engine)
	cs := blueprint.containers
	count(cs) > 0
	images := [x.container.image | some x in cs]
	not engine_image(cs, c.engine_images)
}

engine_image(cs, names) if {
	some x in cs
	blueprint.image_name(x.container.image) in names
}
