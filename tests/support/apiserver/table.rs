//! Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`),
//! with the columns kube-apiserver prints for the common kinds and Name/Age
//! for the rest.

use super::text;
use serde_json::{Value, json};

/// (name, type, priority, description)
type Column = (&'static str, &'static str, u8, &'static str);

const NAME: Column = (
    "Name",
    "string",
    0,
    "Name must be unique within a namespace.",
);
const CONTAINERS: Column = (
    "Containers",
    "string",
    1,
    "Names of each container in the template.",
);
const IMAGES: Column = (
    "Images",
    "string",
    1,
    "Images referenced by each container in the template.",
);
const AGE: Column = (
    "Age",
    "string",
    0,
    "CreationTimestamp is a timestamp representing the server time when this object was created.",
);

fn columns(kind: &str) -> Vec<Column> {
    match kind {
        "Pod" => vec![
            NAME,
            (
                "Ready",
                "string",
                0,
                "The aggregate readiness state of this pod for accepting traffic.",
            ),
            (
                "Status",
                "string",
                0,
                "The aggregate status of the containers in this pod.",
            ),
            (
                "Restarts",
                "string",
                0,
                "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
            ),
            AGE,
            (
                "IP",
                "string",
                1,
                "podIP is the IP address allocated to the pod.",
            ),
            (
                "Node",
                "string",
                1,
                "nodeName indicates in which node this pod is scheduled.",
            ),
            (
                "Nominated Node",
                "string",
                1,
                "nominatedNodeName is set when this pod preempts other pods on the node.",
            ),
            (
                "Readiness Gates",
                "string",
                1,
                "If specified, all readiness gates will be evaluated for pod readiness.",
            ),
        ],
        "Deployment" => vec![
            NAME,
            ("Ready", "string", 0, "Number of the pod with ready state"),
            (
                "Up-to-date",
                "integer",
                0,
                "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
            ),
            (
                "Available",
                "integer",
                0,
                "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
            ),
            AGE,
            CONTAINERS,
            IMAGES,
            (
                "Selector",
                "string",
                1,
                "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.",
            ),
        ],
        "ReplicaSet" => vec![
            NAME,
            (
                "Desired",
                "integer",
                0,
                "Replicas is the number of desired pods.",
            ),
            (
                "Current",
                "integer",
                0,
                "Replicas is the most recently observed number of replicas.",
            ),
            (
                "Ready",
                "integer",
                0,
                "The number of ready replicas for this replica set.",
            ),
            AGE,
            CONTAINERS,
            IMAGES,
            (
                "Selector",
                "string",
                1,
                "Selector is a label query over pods that should match the replica count.",
            ),
        ],
        "Service" => vec![
            NAME,
            (
                "Type",
                "string",
                0,
                "type determines how the Service is exposed.",
            ),
            (
                "Cluster-IP",
                "string",
                0,
                "clusterIP is the IP address of the service.",
            ),
            (
                "External-IP",
                "string",
                0,
                "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service.",
            ),
            (
                "Port(s)",
                "string",
                0,
                "The list of ports that are exposed by this service.",
            ),
            AGE,
            (
                "Selector",
                "string",
                1,
                "Route service traffic to pods with label keys and values matching this selector.",
            ),
        ],
        "Node" => vec![
            NAME,
            ("Status", "string", 0, "The status of the node"),
            ("Roles", "string", 0, "The roles of the node"),
            AGE,
            (
                "Version",
                "string",
                0,
                "Kubelet Version reported by the node.",
            ),
            (
                "Internal-IP",
                "string",
                1,
                "List of addresses reachable to the node.",
            ),
            (
                "External-IP",
                "string",
                1,
                "List of addresses reachable to the node.",
            ),
            (
                "OS-Image",
                "string",
                1,
                "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
            ),
            (
                "Kernel-Version",
                "string",
                1,
                "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
            ),
            (
                "Container-Runtime",
                "string",
                1,
                "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
            ),
        ],
        "Namespace" => vec![
            NAME,
            ("Status", "string", 0, "The status of the namespace"),
            AGE,
        ],
        "Event" => vec![
            (
                "Last Seen",
                "string",
                0,
                "The last time this event was seen.",
            ),
            (
                "Type",
                "string",
                0,
                "Type of this event (Normal, Warning), new types could be added in the future.",
            ),
            (
                "Reason",
                "string",
                0,
                "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
            ),
            (
                "Object",
                "string",
                0,
                "The object that this event is about.",
            ),
            (
                "Subobject",
                "string",
                1,
                "The subobject, as a field path, the event is about.",
            ),
            ("Source", "string", 1, "The component reporting this event."),
            (
                "Message",
                "string",
                0,
                "A human-readable description of the status of this operation.",
            ),
            (
                "First Seen",
                "string",
                1,
                "The time at which the event was first recorded.",
            ),
            (
                "Count",
                "string",
                1,
                "The number of times this event has occurred.",
            ),
            ("Name", "string", 1, NAME.3),
        ],
        "Endpoints" => vec![
            NAME,
            (
                "Endpoints",
                "string",
                0,
                "Endpoints is the list of endpoints.",
            ),
            AGE,
        ],
        "EndpointSlice" => vec![
            NAME,
            (
                "AddressType",
                "string",
                0,
                "addressType specifies the type of address carried by this EndpointSlice.",
            ),
            (
                "Ports",
                "string",
                0,
                "ports specifies the list of network ports exposed by each endpoint in this slice.",
            ),
            (
                "Endpoints",
                "string",
                0,
                "endpoints is a list of unique endpoints in this slice.",
            ),
            AGE,
        ],
        "ConfigMap" => vec![
            NAME,
            ("Data", "string", 0, "Data contains the configuration data."),
            AGE,
        ],
        "Secret" => vec![
            NAME,
            (
                "Type",
                "string",
                0,
                "Used to facilitate programmatic handling of secret data.",
            ),
            ("Data", "string", 0, "Data contains the secret data."),
            AGE,
        ],
        "ServiceAccount" => vec![
            NAME,
            (
                "Secrets",
                "string",
                0,
                "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.",
            ),
            AGE,
        ],
        _ => vec![NAME, AGE],
    }
}

fn since(timestamp: &str) -> Option<String> {
    text::parse_timestamp(timestamp).map(|at| text::human_duration(text::now_seconds() - at))
}

/// `10.244.1.12:8080,10.244.1.13:8080`, cut after three as the printer does.
fn endpoints_text(endpoints: &Value) -> String {
    let mut addresses = Vec::new();
    for subset in array(endpoints, &["subsets"]) {
        for address in array(subset, &["addresses"]) {
            for port in array(subset, &["ports"]) {
                let ip = address["ip"].as_str().unwrap_or_default();
                addresses.push(format!("{ip}:{}", int_at(port, &["port"])));
            }
        }
    }
    if addresses.len() > 3 {
        let more = addresses.len() - 3;
        addresses.truncate(3);
        return format!("{} + {more} more...", addresses.join(","));
    }
    none_if_empty(addresses.join(","))
}

fn event_cells(event: &Value) -> Vec<Value> {
    let first_field = |names: &[&str]| {
        names
            .iter()
            .map(|name| str_at(event, &[name]))
            .find(|value| !value.is_empty())
            .unwrap_or_default()
            .to_string()
    };
    let first = since(&first_field(&[
        "firstTimestamp",
        "deprecatedFirstTimestamp",
        "eventTime",
    ]))
    .unwrap_or_else(|| "<unknown>".to_string());
    let last = since(&first_field(&[
        "lastTimestamp",
        "deprecatedLastTimestamp",
        "eventTime",
    ]))
    .unwrap_or_else(|| first.clone());
    let count = event["count"]
        .as_i64()
        .or_else(|| event["deprecatedCount"].as_i64())
        .unwrap_or(1);
    let seen = if count > 1 {
        format!("{last} (x{count} over {first})")
    } else {
        last
    };
    let regarding = if event.get("involvedObject").is_some() {
        &event["involvedObject"]
    } else {
        &event["regarding"]
    };
    let object = format!(
        "{}/{}",
        str_at(regarding, &["kind"]).to_lowercase(),
        str_at(regarding, &["name"])
    );
    let source = match (
        str_at(event, &["source", "component"]),
        str_at(event, &["source", "host"]),
    ) {
        ("", _) => first_field(&["reportingComponent", "reportingController"]),
        (component, "") => component.to_string(),
        (component, host) => format!("{component}, {host}"),
    };
    vec![
        json!(seen),
        json!(str_at(event, &["type"])),
        json!(str_at(event, &["reason"])),
        json!(object),
        json!(str_at(regarding, &["fieldPath"])),
        json!(source),
        json!(first_field(&["message", "note"]).trim()),
        json!(first),
        json!(count),
        json!(str_at(event, &["metadata", "name"])),
    ]
}

fn str_at<'a>(value: &'a Value, path: &[&str]) -> &'a str {
    let mut current = value;
    for step in path {
        current = &current[*step];
    }
    current.as_str().unwrap_or_default()
}

fn int_at(value: &Value, path: &[&str]) -> i64 {
    let mut current = value;
    for step in path {
        current = &current[*step];
    }
    current.as_i64().unwrap_or(0)
}

fn age(object: &Value) -> String {
    match text::parse_timestamp(str_at(object, &["metadata", "creationTimestamp"])) {
        Some(created) => text::human_duration(text::now_seconds() - created),
        None => "<unknown>".to_string(),
    }
}

fn none_if_empty(text: String) -> String {
    if text.is_empty() {
        "<none>".to_string()
    } else {
        text
    }
}

fn array<'a>(value: &'a Value, path: &[&str]) -> &'a [Value] {
    let mut current = value;
    for step in path {
        current = &current[*step];
    }
    current.as_array().map(Vec::as_slice).unwrap_or_default()
}

fn joined(values: &[Value], field: &str) -> String {
    values
        .iter()
        .map(|v| v[field].as_str().unwrap_or_default())
        .collect::<Vec<_>>()
        .join(",")
}

fn selector_text(selector: &Value) -> String {
    let labels = selector.get("matchLabels").unwrap_or(selector);
    let pairs: Vec<String> = labels
        .as_object()
        .map(|map| {
            map.iter()
                .map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default();
    none_if_empty(pairs.join(","))
}

/// The STATUS column: a waiting or terminated reason wins over the phase,
/// and a deleted pod is Terminating.
fn pod_status(pod: &Value) -> String {
    if pod["metadata"].get("deletionTimestamp").is_some() {
        return "Terminating".to_string();
    }
    let mut status = str_at(pod, &["status", "reason"]).to_string();
    if status.is_empty() {
        status = str_at(pod, &["status", "phase"]).to_string();
    }
    for container in array(pod, &["status", "containerStatuses"]) {
        let state = &container["state"];
        let waiting = str_at(state, &["waiting", "reason"]);
        let terminated = str_at(state, &["terminated", "reason"]);
        if !waiting.is_empty() {
            status = waiting.to_string();
        } else if !terminated.is_empty() {
            status = terminated.to_string();
        }
    }
    status
}

fn pod_restarts(pod: &Value) -> String {
    let statuses = array(pod, &["status", "containerStatuses"]);
    let restarts: i64 = statuses.iter().map(|s| int_at(s, &["restartCount"])).sum();
    let last_restart = statuses
        .iter()
        .filter_map(|s| {
            text::parse_timestamp(str_at(s, &["lastState", "terminated", "finishedAt"]))
        })
        .max();
    match last_restart {
        Some(finished) if restarts > 0 => format!(
            "{restarts} ({} ago)",
            text::human_duration(text::now_seconds() - finished)
        ),
        _ => restarts.to_string(),
    }
}

fn cells(object: &Value) -> Vec<Value> {
    let name = json!(str_at(object, &["metadata", "name"]));
    match str_at(object, &["kind"]) {
        "Pod" => {
            let containers = array(object, &["spec", "containers"]).len();
            let statuses = array(object, &["status", "containerStatuses"]);
            let ready = statuses
                .iter()
                .filter(|s| s["ready"] == json!(true))
                .count();
            let gates = array(object, &["spec", "readinessGates"]);
            vec![
                name,
                json!(format!("{ready}/{containers}")),
                json!(pod_status(object)),
                json!(pod_restarts(object)),
                json!(age(object)),
                json!(none_if_empty(
                    str_at(object, &["status", "podIP"]).to_string()
                )),
                json!(none_if_empty(
                    str_at(object, &["spec", "nodeName"]).to_string()
                )),
                json!(none_if_empty(
                    str_at(object, &["status", "nominatedNodeName"]).to_string()
                )),
                json!(if gates.is_empty() {
                    "<none>".to_string()
                } else {
                    format!("0/{}", gates.len())
                }),
            ]
        }
        "Deployment" => {
            let containers = array(object, &["spec", "template", "spec", "containers"]);
            vec![
                name,
                json!(format!(
                    "{}/{}",
                    int_at(object, &["status", "readyReplicas"]),
                    int_at(object, &["spec", "replicas"])
                )),
                json!(int_at(object, &["status", "updatedReplicas"])),
                json!(int_at(object, &["status", "availableReplicas"])),
                json!(age(object)),
                json!(joined(containers, "name")),
                json!(joined(containers, "image")),
                json!(selector_text(&object["spec"]["selector"])),
            ]
        }
        "ReplicaSet" => {
            let containers = array(object, &["spec", "template", "spec", "containers"]);
            vec![
                name,
                json!(int_at(object, &["spec", "replicas"])),
                json!(int_at(object, &["status", "replicas"])),
                json!(int_at(object, &["status", "readyReplicas"])),
                json!(age(object)),
                json!(joined(containers, "name")),
                json!(joined(containers, "image")),
                json!(selector_text(&object["spec"]["selector"])),
            ]
        }
        "Service" => {
            let ports: Vec<String> = array(object, &["spec", "ports"])
                .iter()
                .map(|p| {
                    let port = int_at(p, &["port"]);
                    let protocol = p["protocol"].as_str().unwrap_or("TCP");
                    match p["nodePort"].as_i64() {
                        Some(node_port) => format!("{port}:{node_port}/{protocol}"),
                        None => format!("{port}/{protocol}"),
                    }
                })
                .collect();
            let external: Vec<&str> = array(object, &["spec", "externalIPs"])
                .iter()
                .filter_map(Value::as_str)
                .collect();
            vec![
                name,
                json!(str_at(object, &["spec", "type"])),
                json!(none_if_empty(
                    str_at(object, &["spec", "clusterIP"]).to_string()
                )),
                json!(none_if_empty(external.join(","))),
                json!(none_if_empty(ports.join(","))),
                json!(age(object)),
                json!(selector_text(&object["spec"]["selector"])),
            ]
        }
        "Node" => {
            let ready = array(object, &["status", "conditions"])
                .iter()
                .find(|c| c["type"] == json!("Ready"))
                .map(|c| {
                    if c["status"] == json!("True") {
                        "Ready"
                    } else {
                        "NotReady"
                    }
                })
                .unwrap_or("Unknown");
            let status = if object["spec"]["unschedulable"] == json!(true) {
                format!("{ready},SchedulingDisabled")
            } else {
                ready.to_string()
            };
            let roles: Vec<&str> = object["metadata"]["labels"]
                .as_object()
                .map(|labels| {
                    labels
                        .keys()
                        .filter_map(|k| k.strip_prefix("node-role.kubernetes.io/"))
                        .collect()
                })
                .unwrap_or_default();
            let address = |kind: &str| {
                array(object, &["status", "addresses"])
                    .iter()
                    .find(|a| a["type"] == json!(kind))
                    .and_then(|a| a["address"].as_str())
                    .unwrap_or("<none>")
                    .to_string()
            };
            let info = |field: &str| str_at(object, &["status", "nodeInfo", field]).to_string();
            vec![
                name,
                json!(status),
                json!(none_if_empty(roles.join(","))),
                json!(age(object)),
                json!(info("kubeletVersion")),
                json!(address("InternalIP")),
                json!(address("ExternalIP")),
                json!(info("osImage")),
                json!(info("kernelVersion")),
                json!(info("containerRuntimeVersion")),
            ]
        }
        "Namespace" => vec![
            name,
            json!(str_at(object, &["status", "phase"])),
            json!(age(object)),
        ],
        "Event" => event_cells(object),
        "Endpoints" => vec![name, json!(endpoints_text(object)), json!(age(object))],
        "EndpointSlice" => {
            let ports: Vec<String> = array(object, &["ports"])
                .iter()
                .map(|p| int_at(p, &["port"]).to_string())
                .collect();
            let addresses: Vec<&str> = array(object, &["endpoints"])
                .iter()
                .flat_map(|e| array(e, &["addresses"]))
                .filter_map(Value::as_str)
                .collect();
            vec![
                name,
                json!(str_at(object, &["addressType"])),
                json!(none_if_empty(ports.join(","))),
                json!(none_if_empty(addresses.join(","))),
                json!(age(object)),
            ]
        }
        "ConfigMap" => {
            let data = object["data"].as_object().map_or(0, |d| d.len())
                + object["binaryData"].as_object().map_or(0, |d| d.len());
            vec![name, json!(data), json!(age(object))]
        }
        "Secret" => {
            let data = object["data"].as_object().map_or(0, |d| d.len());
            vec![
                name,
                json!(str_at(object, &["type"])),
                json!(data),
                json!(age(object)),
            ]
        }
        "ServiceAccount" => vec![
            name,
            json!(array(object, &["secrets"]).len()),
            json!(age(object)),
        ],
        _ => vec![name, json!(age(object))],
    }
}

/// What a row carries besides its cells, per `includeObject`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IncludeObject {
    None,
    Metadata,
    Object,
}

impl IncludeObject {
    pub fn parse(value: Option<&str>) -> IncludeObject {
        match value {
            Some("None") => IncludeObject::None,
            Some("Object") => IncludeObject::Object,
            _ => IncludeObject::Metadata,
        }
    }
}

/// A Table for `kind` objects (given with kind and apiVersion); `metadata`
/// is the list metadata (resourceVersion, continue).
pub fn table(kind: &str, objects: &[Value], metadata: Value, include: IncludeObject) -> Value {
    let definitions: Vec<Value> = columns(kind)
        .into_iter()
        .map(|(name, kind, priority, description)| {
            let format = if name == "Name" { "name" } else { "" };
            json!({"name": name, "type": kind, "format": format, "description": description, "priority": priority})
        })
        .collect();
    let rows: Vec<Value> = objects
        .iter()
        .map(|object| {
            let mut row = json!({"cells": cells(object)});
            match include {
                IncludeObject::None => {}
                IncludeObject::Metadata => {
                    row["object"] = json!({
                        "kind": "PartialObjectMetadata",
                        "apiVersion": "meta.k8s.io/v1",
                        "metadata": object["metadata"],
                    });
                }
                IncludeObject::Object => row["object"] = object.clone(),
            }
            row
        })
        .collect();
    json!({
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": metadata,
        "columnDefinitions": definitions,
        "rows": rows,
    })
}
