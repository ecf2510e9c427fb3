package main

deny[msg] {
	input.kind == "Service"
	msg := sprintf("v0 rule on %s", [input.metadata.name])
}
