# METADATA
# title: Workload is not isolated by any NetworkPolicy
# description: |
#   Pods that no NetworkPolicy selects accept traffic from, and send it to,
#   every pod in the cluster, so one compromised pod can reach them all. A
#   policy with an empty podSelector (a namespace default deny) covers every
#   pod in its namespace. Many platforms install NetworkPolicies outside the
#   application's manifests, so the rule fires only when the input contains at
#   least one NetworkPolicy: then the manifests manage isolation, and a
#   workload left out is an oversight.
# custom:
#   id: GRD308
#   severity: warning
#   profile: best-practice
#   category: networking
#   kinds: [Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, ReplicationController, Job, CronJob]
#   fix: Add a NetworkPolicy selecting the workload's pods (or a default-deny policy with `podSelector` `{}` for the namespace) and allow only the traffic it needs.
#   equivalents:
#     polaris: missingNetworkPolicy
#     kube-linter: non-isolated-pod
#     kube-score: pod-networkpolicy
package guard.rules.networkpolicy_missing

import data.guard.lib.k8s
import data.guard.lib.workloads

any_policy if workloads.kind_present("NetworkPolicy")

violation contains {
	"msg": sprintf("%s %q: no NetworkPolicy in namespace %q selects its pods", [input.kind, k8s.name, workloads.namespace]),
	"path": array.concat(k8s.pod_metadata_path, ["labels"]),
} if {
	any_policy
	labels := object.get(k8s.pod_metadata, "labels", {})
	not selected(labels)
}

selected(labels) if {
	some p in workloads.objects_of_kind(workloads.namespace, "NetworkPolicy")
	guard.label_selector_matches(p.spec.podSelector, labels)
}
