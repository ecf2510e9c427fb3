# The deprecated and removed API table of rego/lib/api.rego. guard evaluates it
# once, when the rules compile (data.guard.facts.api_table): building it per
# object would cost one function call per entry for every object checked.
package guard.lib.api_table

# "apiVersion kind" -> deprecated in 1.x, removed in 1.x (null: not
# scheduled), replacement.
table := {
	"extensions/v1beta1 Deployment": e(9, 16, "apps/v1"),
	"extensions/v1beta1 DaemonSet": e(9, 16, "apps/v1"),
	"extensions/v1beta1 ReplicaSet": e(9, 16, "apps/v1"),
	"extensions/v1beta1 NetworkPolicy": e(9, 16, "networking.k8s.io/v1"),
	"extensions/v1beta1 PodSecurityPolicy": e(11, 16, "Pod Security Admission"),
	"extensions/v1beta1 Ingress": e(14, 22, "networking.k8s.io/v1"),
	"apps/v1beta1 Deployment": e(9, 16, "apps/v1"),
	"apps/v1beta1 StatefulSet": e(9, 16, "apps/v1"),
	"apps/v1beta1 ControllerRevision": e(9, 16, "apps/v1"),
	"apps/v1beta2 Deployment": e(9, 16, "apps/v1"),
	"apps/v1beta2 StatefulSet": e(9, 16, "apps/v1"),
	"apps/v1beta2 DaemonSet": e(9, 16, "apps/v1"),
	"apps/v1beta2 ReplicaSet": e(9, 16, "apps/v1"),
	"apps/v1beta2 ControllerRevision": e(9, 16, "apps/v1"),
	"networking.k8s.io/v1beta1 Ingress": e(19, 22, "networking.k8s.io/v1"),
	"networking.k8s.io/v1beta1 IngressClass": e(19, 22, "networking.k8s.io/v1"),
	"admissionregistration.k8s.io/v1beta1 MutatingWebhookConfiguration": e(16, 22, "admissionregistration.k8s.io/v1"),
	"admissionregistration.k8s.io/v1beta1 ValidatingWebhookConfiguration": e(16, 22, "admissionregistration.k8s.io/v1"),
	"apiextensions.k8s.io/v1beta1 CustomResourceDefinition": e(16, 22, "apiextensions.k8s.io/v1"),
	"apiregistration.k8s.io/v1beta1 APIService": e(19, 22, "apiregistration.k8s.io/v1"),
	"certificates.k8s.io/v1beta1 CertificateSigningRequest": e(19, 22, "certificates.k8s.io/v1"),
	"coordination.k8s.io/v1beta1 Lease": e(19, 22, "coordination.k8s.io/v1"),
	"rbac.authorization.k8s.io/v1beta1 ClusterRole": e(17, 22, "rbac.authorization.k8s.io/v1"),
	"rbac.authorization.k8s.io/v1beta1 ClusterRoleBinding": e(17, 22, "rbac.authorization.k8s.io/v1"),
	"rbac.authorization.k8s.io/v1beta1 Role": e(17, 22, "rbac.authorization.k8s.io/v1"),
	"rbac.authorization.k8s.io/v1beta1 RoleBinding": e(17, 22, "rbac.authorization.k8s.io/v1"),
	"scheduling.k8s.io/v1beta1 PriorityClass": e(14, 22, "scheduling.k8s.io/v1"),
	"storage.k8s.io/v1beta1 CSIDriver": e(19, 22, "storage.k8s.io/v1"),
	"storage.k8s.io/v1beta1 CSINode": e(17, 22, "storage.k8s.io/v1"),
	"storage.k8s.io/v1beta1 StorageClass": e(19, 22, "storage.k8s.io/v1"),
	"storage.k8s.io/v1beta1 VolumeAttachment": e(19, 22, "storage.k8s.io/v1"),
	"batch/v1beta1 CronJob": e(21, 25, "batch/v1"),
	"discovery.k8s.io/v1beta1 EndpointSlice": e(21, 25, "discovery.k8s.io/v1"),
	"events.k8s.io/v1beta1 Event": e(19, 25, "events.k8s.io/v1"),
	"autoscaling/v2beta1 HorizontalPodAutoscaler": e(22, 25, "autoscaling/v2"),
	"policy/v1beta1 PodDisruptionBudget": e(21, 25, "policy/v1"),
	"policy/v1beta1 PodSecurityPolicy": e(21, 25, "Pod Security Admission (namespace labels pod-security.kubernetes.io/*)"),
	"node.k8s.io/v1beta1 RuntimeClass": e(20, 25, "node.k8s.io/v1"),
	"autoscaling/v2beta2 HorizontalPodAutoscaler": e(23, 26, "autoscaling/v2"),
	"flowcontrol.apiserver.k8s.io/v1beta1 FlowSchema": e(23, 26, "flowcontrol.apiserver.k8s.io/v1"),
	"flowcontrol.apiserver.k8s.io/v1beta1 PriorityLevelConfiguration": e(23, 26, "flowcontrol.apiserver.k8s.io/v1"),
	"storage.k8s.io/v1beta1 CSIStorageCapacity": e(24, 27, "storage.k8s.io/v1"),
	"flowcontrol.apiserver.k8s.io/v1beta2 FlowSchema": e(26, 29, "flowcontrol.apiserver.k8s.io/v1"),
	"flowcontrol.apiserver.k8s.io/v1beta2 PriorityLevelConfiguration": e(26, 29, "flowcontrol.apiserver.k8s.io/v1"),
	"flowcontrol.apiserver.k8s.io/v1beta3 FlowSchema": e(29, 32, "flowcontrol.apiserver.k8s.io/v1"),
	"flowcontrol.apiserver.k8s.io/v1beta3 PriorityLevelConfiguration": e(29, 32, "flowcontrol.apiserver.k8s.io/v1"),
	# Deprecated without a scheduled removal.
	"v1 Endpoints": e(33, null, "discovery.k8s.io/v1 EndpointSlice"),
	"v1 ComponentStatus": e(19, null, "the API server's /livez and /readyz endpoints, or each component's health endpoint"),
}

e(deprecated, removed, replacement) := {"deprecated": deprecated, "removed": removed, "replacement": replacement}

