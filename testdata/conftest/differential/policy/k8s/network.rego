package k8s.network

warn contains msg if {
	input.kind == "Service"
	input.spec.type in {"NodePort", "LoadBalancer"}
	msg := sprintf("Service %s is exposed as %s", [input.metadata.name, input.spec.type])
}

deny_ingress_tls contains {"msg": msg, "hosts": hosts} if {
	input.kind == "Ingress"
	not input.spec.tls
	hosts := [h | some r in input.spec.rules; h := object.get(r, "host", "*")]
	msg := sprintf("Ingress %s serves %v without TLS", [input.metadata.name, hosts])
}

warn_ports contains msg if {
	input.kind == "Service"
	every p in input.spec.ports {
		not p.name
	}
	msg := sprintf("Service %s has only unnamed ports (%d)", [input.metadata.name, count(input.spec.ports)])
}
