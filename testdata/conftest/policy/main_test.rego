package main

test_deny_without_app_label if {
	deny["Deployment x has no app label"] with input as {"kind": "Deployment", "metadata": {"name": "x"}}
}

test_exception_for_legacy if {
	exception[["run_as_root"]] with input as {"metadata": {"name": "legacy"}}
}

test_parse_config if {
	service := parse_config("yaml", "kind: Service\nmetadata:\n  name: s\nspec:\n  type: NodePort\n")
	warn["Service s is exposed on every node"] with input as service
}

test_parse_config_file if {
	docs := parse_config_file("testdata/conftest/manifests/app.yaml")
	count(docs) == 3
	docs[2].kind == "Service"
}

test_parse_combined_config_files if {
	files := parse_combined_config_files(["testdata/conftest/manifests/app.yaml"])
	count(files) == 3
	files[0].path == "testdata/conftest/manifests/app.yaml"
	files[1].contents.metadata.name == "legacy"
}
