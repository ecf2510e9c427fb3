package k8s.images

warn_latest contains msg if {
	some c in input.spec.template.spec.containers
	endswith(c.image, ":latest")
	msg := sprintf("container %s uses a latest tag", [c.name])
}
