package main

# With --combine, input is one array of {path, contents}.
deny contains msg if {
	files := {doc.path | some doc in input}
	msg := sprintf("%d documents from %d files", [count(input), count(files)])
}

warn contains msg if {
	some doc in input
	doc.contents.kind == "Service"
	not deployment(doc.contents.metadata.name)
	msg := sprintf("Service %s has no Deployment of that name", [doc.contents.metadata.name])
}

deployment(name) if {
	some doc in input
	doc.contents.kind == "Deployment"
	doc.contents.metadata.name == name
}
