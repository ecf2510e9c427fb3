//! `guard generate`: manifests from a Blueprint, by a built-in deterministic
//! generator. It is the default generator of the pipeline and the reference an
//! agent's manifests are compared with, so its output passes `guard check
//! --blueprint` with every bundled rule (a test holds this for every example
//! Blueprint).
//!
//! Per component, one file `<name>.yaml`: a ServiceAccount that mounts no
//! token; the workload (a Deployment for services, workers and caches without
//! storage, a StatefulSet with a volume claim template for databases and
//! anything with storage, a Job for jobs), hardened for the Restricted profile
//! (non-root user, no privilege escalation, every capability dropped, seccomp
//! RuntimeDefault, read-only root filesystem with emptyDirs for the paths that
//! must be writable) with resources, probes on the component's port (HTTP for
//! application runtimes, TCP for databases and caches), an image pinned by tag,
//! and spreading across nodes when it runs more than one replica; a Service
//! when the component is exposed; a PodDisruptionBudget for more than one
//! replica; a NetworkPolicy that admits traffic to the exposed port (from the
//! namespace's pods for `cluster`, from any namespace for `ingress`, since the
//! ingress controller's namespace is the cluster's choice); and an Ingress for
//! `expose: ingress`. `00-namespace.yaml` holds the Namespace (when the
//! Blueprint names one) and a NetworkPolicy that denies all other ingress;
//! egress is left open, since a Blueprint does not state what a component
//! calls. The name sorts first, so `kubectl apply -f DIR` creates the
//! Namespace before what goes in it, and cannot be a component's (component
//! names start with a letter).
//!
//! Where the Blueprint itself asks for what a best-practice rule warns about
//! (one replica, an Ingress without TLS, a component with no port to probe),
//! the object carries a `guard.dev/ignore` waiver saying so.

pub mod yaml;

use crate::blueprint::{Component, ComponentType, Expose, Facts, IngressRoute};
use crate::engine::WAIVER_ANNOTATION as ANNOTATION;
use crate::fsutil::write_atomically;
use crate::k8s::runtime::{self, Engine};
use std::path::Path;
use yaml::Yaml;

/// The tag given to a Blueprint image that pins none.
pub const DEFAULT_IMAGE_TAG: &str = "1.0.0";

/// How to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The tag for a component's `image` when the Blueprint pins no tag (and
    /// for the `<name>:<tag>` image of a component with neither image nor a
    /// known runtime).
    pub image_tag: String,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            image_tag: DEFAULT_IMAGE_TAG.to_string(),
        }
    }
}

/// Checks an image tag as the registry API defines one.
pub fn parse_image_tag(tag: &str) -> Result<String, String> {
    let mut chars = tag.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if first_ok && rest_ok && tag.len() <= 128 {
        Ok(tag.to_string())
    } else {
        Err(
            "a tag is 1 to 128 letters, digits, `_`, `.` and `-`, not starting with `.` or `-`"
                .into(),
        )
    }
}

/// One generated file: its name in the output directory and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub name: String,
    pub text: String,
}

/// The manifests for a Blueprint: `00-namespace.yaml`, then one file per
/// component in Blueprint order.
pub fn generate(facts: &Facts, options: &Options) -> Vec<GeneratedFile> {
    let mut files = vec![namespace_file(facts)];
    files.extend(facts.components.iter().map(|c| {
        let plan = Plan::new(facts, c, options);
        GeneratedFile {
            name: format!("{}.yaml", c.name),
            text: plan.file(),
        }
    }));
    files
}

/// Writes the files into `dir` (created when missing), each atomically.
pub fn write_dir(files: &[GeneratedFile], dir: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    files
        .iter()
        .try_for_each(|f| write_atomically(&dir.join(&f.name), f.text.as_bytes()))
}

/// The files as one multi-document stream, for stdout.
pub fn concatenate(files: &[GeneratedFile]) -> String {
    files.iter().map(|f| f.text.as_str()).collect()
}

/// A file: comment lines, then each object as a `---` document.
fn stream(comments: &[String], objects: &[Yaml]) -> String {
    let mut out: String = comments.iter().map(|c| format!("# {c}\n")).collect();
    for object in objects {
        out.push_str("---\n");
        out.push_str(&object.to_block());
    }
    out
}

fn namespace_file(facts: &Facts) -> GeneratedFile {
    let mut objects = Vec::new();
    let part_of = || ("app.kubernetes.io/part-of", Yaml::from(&facts.name));
    if let Some(ns) = &facts.namespace {
        objects.push(Yaml::map([
            ("apiVersion", "v1".into()),
            ("kind", "Namespace".into()),
            (
                "metadata",
                Yaml::map([
                    ("name", ns.into()),
                    (
                        "labels",
                        Yaml::map([
                            part_of(),
                            ("app.kubernetes.io/managed-by", "guard".into()),
                            ("pod-security.kubernetes.io/enforce", "restricted".into()),
                        ]),
                    ),
                ]),
            ),
        ]));
    }
    let mut metadata = vec![("name", Yaml::from("default-deny"))];
    if let Some(ns) = &facts.namespace {
        metadata.push(("namespace", ns.into()));
    }
    metadata.push((
        "labels",
        Yaml::map([part_of(), ("app.kubernetes.io/managed-by", "guard".into())]),
    ));
    objects.push(Yaml::map([
        ("apiVersion", "networking.k8s.io/v1".into()),
        ("kind", "NetworkPolicy".into()),
        ("metadata", Yaml::map(metadata)),
        (
            "spec",
            Yaml::map([
                ("podSelector", Yaml::empty_map()),
                ("policyTypes", vec!["Ingress".into()].into()),
            ]),
        ),
    ]));
    let comments = [
        format!(
            "Generated by `guard generate` from Blueprint {:?}.",
            facts.name
        ),
        "Namespace-wide objects: the pods of the application accept traffic only where".into(),
        "a component's NetworkPolicy allows it.".into(),
    ];
    GeneratedFile {
        name: "00-namespace.yaml".into(),
        text: stream(&comments, &objects),
    }
}

/// How a component's container is probed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Probe {
    Http,
    Tcp,
}

/// The user an application container runs as.
const APP_USER: i64 = 10001;

/// Storage for a database that states no size.
const DEFAULT_STORAGE: &str = "1Gi";

/// What the generator decided for one component.
struct Plan<'a> {
    facts: &'a Facts,
    c: &'a Component,
    image: String,
    /// Why the image is a default, for the file's comments.
    image_note: Option<String>,
    engine: Option<&'static Engine>,
    probe: Probe,
    port_name: String,
    /// Whether it serves on a port: not a job, and the Blueprint states or
    /// implies a port.
    serves: bool,
}

impl<'a> Plan<'a> {
    fn new(facts: &'a Facts, c: &'a Component, options: &Options) -> Plan<'a> {
        // A cache that names no engine runs Redis.
        let engine_name = c
            .engine
            .as_deref()
            .or((c.kind == ComponentType::Cache).then_some("redis"));
        let engine = engine_name.and_then(runtime::engine);
        let runtime = c
            .runtime
            .as_deref()
            .and_then(|r| runtime::runtime(r).map(|known| (r, known.image)));
        let (image, image_note) = match (&c.image, &engine, runtime) {
            (Some(image), _, _) if image.tag.is_some() || image.reference.contains('@') => {
                (image.reference.clone(), None)
            }
            (Some(image), _, _) => (
                format!("{}:{}", image.reference, options.image_tag),
                Some(format!(
                    "The Blueprint's image pins no tag; this is {}.",
                    options.image_tag
                )),
            ),
            (None, Some(engine), _) => (engine.image.to_string(), None),
            (None, None, Some((runtime, image))) => (
                image.to_string(),
                Some(format!(
                    "The image is the {runtime} runtime's base image: name the component's own in the Blueprint."
                )),
            ),
            (None, None, _) => (
                format!("{}:{}", c.name, options.image_tag),
                Some("The Blueprint names no image: name one, or push this one.".into()),
            ),
        };
        let probe = if engine.is_some()
            || matches!(c.kind, ComponentType::Database | ComponentType::Cache)
        {
            Probe::Tcp
        } else {
            Probe::Http
        };
        let port_name = match (probe, engine_name) {
            (Probe::Http, _) => "http",
            (Probe::Tcp, Some(name)) => name,
            (Probe::Tcp, None) => "tcp",
        }
        .to_string();
        let serves = c.kind != ComponentType::Job && c.port.is_some();
        Plan {
            facts,
            c,
            image,
            image_note,
            engine,
            probe,
            port_name,
            serves,
        }
    }

    fn file(&self) -> String {
        let c = self.c;
        let kind = type_name(c.kind);
        let mut comments = vec![format!(
            "Generated by `guard generate` from Blueprint {:?}: component {:?} ({kind}).",
            self.facts.name, c.name
        )];
        comments.extend(self.image_note.clone());
        if let Some(var) = self.engine.as_ref().and_then(|e| e.password) {
            comments.push(format!(
                "{var} comes from Secret \"{}-credentials\" (key \"password\"): create it first.",
                c.name
            ));
        }
        let mut objects = vec![self.service_account(), self.workload()];
        if self.exposed() {
            objects.push(self.service());
        }
        if c.replicas.is_some_and(|n| n >= 2) {
            objects.push(self.disruption_budget());
        }
        if self.exposed() {
            objects.push(self.network_policy());
        }
        if let (true, Expose::Ingress, Some(route)) = (self.exposed(), c.expose, &c.ingress) {
            objects.push(self.ingress(route));
        }
        stream(&comments, &objects)
    }

    /// Whether the component gets a Service: it serves on a port and the
    /// Blueprint exposes it.
    fn exposed(&self) -> bool {
        self.serves && self.c.expose != Expose::None
    }

    fn selector(&self) -> Yaml {
        Yaml::map([
            ("app.kubernetes.io/name", (&self.c.name).into()),
            ("app.kubernetes.io/part-of", (&self.facts.name).into()),
        ])
    }

    fn labels(&self) -> Yaml {
        Yaml::map([
            ("app.kubernetes.io/name", (&self.c.name).into()),
            ("app.kubernetes.io/part-of", (&self.facts.name).into()),
            ("app.kubernetes.io/component", type_name(self.c.kind).into()),
            ("app.kubernetes.io/managed-by", "guard".into()),
        ])
    }

    /// `metadata` named `name`, with waivers as `guard.dev/ignore` entries.
    fn metadata(&self, name: &str, waivers: &[String]) -> Yaml {
        let mut entries = vec![("name", Yaml::from(name))];
        if let Some(ns) = &self.facts.namespace {
            entries.push(("namespace", ns.into()));
        }
        entries.push(("labels", self.labels()));
        if !waivers.is_empty() {
            entries.push((
                "annotations",
                Yaml::map([(ANNOTATION, waivers.join("; ").into())]),
            ));
        }
        Yaml::map(entries)
    }

    fn object(&self, api_version: &str, kind: &str, waivers: &[String], spec: Yaml) -> Yaml {
        Yaml::map([
            ("apiVersion", api_version.into()),
            ("kind", kind.into()),
            ("metadata", self.metadata(&self.c.name, waivers)),
            ("spec", spec),
        ])
    }

    fn service_account(&self) -> Yaml {
        Yaml::map([
            ("apiVersion", "v1".into()),
            ("kind", "ServiceAccount".into()),
            ("metadata", self.metadata(&self.c.name, &[])),
            ("automountServiceAccountToken", false.into()),
        ])
    }

    fn stateful(&self) -> bool {
        self.c.persistent && self.c.kind != ComponentType::Job
    }

    fn workload(&self) -> Yaml {
        let c = self.c;
        let mut waivers = Vec::new();
        if c.replicas == Some(1) {
            waivers.push(format!(
                "GRD211: the Blueprint runs component {} with 1 replica",
                c.name
            ));
        }
        if c.kind != ComponentType::Job && !self.serves {
            waivers.push(format!(
                "GRD201, GRD202: the Blueprint gives component {} no port to probe, so add probes for its own health check",
                c.name
            ));
        }
        let template = Yaml::map([
            ("metadata", Yaml::map([("labels", self.labels())])),
            ("spec", self.pod_spec()),
        ]);
        let replicas = || {
            Yaml::Int(
                c.replicas
                    .map_or(1, |n| i64::try_from(n).unwrap_or(i64::MAX)),
            )
        };
        let selector = || Yaml::map([("matchLabels", self.selector())]);
        if c.kind == ComponentType::Job {
            self.object(
                "batch/v1",
                "Job",
                &waivers,
                Yaml::map([
                    ("backoffLimit", 3i64.into()),
                    ("ttlSecondsAfterFinished", 3600i64.into()),
                    ("template", template),
                ]),
            )
        } else if self.stateful() {
            let storage = c
                .storage
                .as_ref()
                .map_or(DEFAULT_STORAGE, |s| s.quantity.as_str());
            self.object(
                "apps/v1",
                "StatefulSet",
                &waivers,
                Yaml::map([
                    ("replicas", replicas()),
                    ("serviceName", (&c.name).into()),
                    ("selector", selector()),
                    (
                        "updateStrategy",
                        Yaml::map([("type", "RollingUpdate".into())]),
                    ),
                    ("template", template),
                    (
                        "volumeClaimTemplates",
                        vec![Yaml::map([
                            ("metadata", Yaml::map([("name", "data".into())])),
                            (
                                "spec",
                                Yaml::map([
                                    ("accessModes", vec!["ReadWriteOnce".into()].into()),
                                    (
                                        "resources",
                                        Yaml::map([(
                                            "requests",
                                            Yaml::map([("storage", storage.into())]),
                                        )]),
                                    ),
                                ]),
                            ),
                        ])]
                        .into(),
                    ),
                ]),
            )
        } else {
            self.object(
                "apps/v1",
                "Deployment",
                &waivers,
                Yaml::map([
                    ("replicas", replicas()),
                    ("selector", selector()),
                    (
                        "strategy",
                        Yaml::map([
                            ("type", "RollingUpdate".into()),
                            (
                                "rollingUpdate",
                                Yaml::map([
                                    ("maxSurge", 1i64.into()),
                                    ("maxUnavailable", 0i64.into()),
                                ]),
                            ),
                        ]),
                    ),
                    ("template", template),
                ]),
            )
        }
    }

    fn pod_spec(&self) -> Yaml {
        let c = self.c;
        let user = self.engine.as_ref().map_or(APP_USER, |e| e.user);
        let mut spec = vec![
            ("serviceAccountName", Yaml::from(&c.name)),
            ("automountServiceAccountToken", false.into()),
            (
                "securityContext",
                Yaml::map([
                    ("runAsNonRoot", true.into()),
                    ("runAsUser", user.into()),
                    ("runAsGroup", user.into()),
                    ("fsGroup", user.into()),
                    (
                        "seccompProfile",
                        Yaml::map([("type", "RuntimeDefault".into())]),
                    ),
                ]),
            ),
        ];
        if c.kind == ComponentType::Job {
            spec.push(("restartPolicy", "OnFailure".into()));
        }
        if c.replicas.is_some_and(|n| n >= 2) {
            spec.push((
                "topologySpreadConstraints",
                vec![Yaml::map([
                    ("maxSkew", 1i64.into()),
                    ("topologyKey", "kubernetes.io/hostname".into()),
                    ("whenUnsatisfiable", "ScheduleAnyway".into()),
                    (
                        "labelSelector",
                        Yaml::map([("matchLabels", self.selector())]),
                    ),
                ])]
                .into(),
            ));
        }
        let (mounts, volumes) = self.volumes();
        spec.push(("containers", vec![self.container(mounts)].into()));
        spec.push(("volumes", volumes.into()));
        Yaml::map(spec)
    }

    /// The container's volume mounts and the pod's volumes: an emptyDir for
    /// /tmp and for each path the engine writes, and the data directory (the
    /// claim template's volume when stateful, else an emptyDir).
    fn volumes(&self) -> (Vec<Yaml>, Vec<Yaml>) {
        let mut paths = vec![("tmp", "/tmp")];
        if let Some(engine) = &self.engine {
            paths.extend(engine.writable.iter().copied());
        }
        let data = self.engine.as_ref().map_or("/data", |e| e.data);
        let mount =
            |name: &str, path: &str| Yaml::map([("name", name.into()), ("mountPath", path.into())]);
        let empty_dir =
            |name: &str| Yaml::map([("name", name.into()), ("emptyDir", Yaml::empty_map())]);
        let mut mounts: Vec<Yaml> = paths.iter().map(|(n, p)| mount(n, p)).collect();
        let mut volumes: Vec<Yaml> = paths.iter().map(|(n, _)| empty_dir(n)).collect();
        if self.stateful() {
            mounts.push(mount("data", data));
        } else if self.engine.is_some() {
            mounts.push(mount("data", data));
            volumes.push(empty_dir("data"));
        }
        (mounts, volumes)
    }

    fn container(&self, mounts: Vec<Yaml>) -> Yaml {
        let c = self.c;
        let mut container = vec![
            ("name", Yaml::from(&c.name)),
            ("image", (&self.image).into()),
            ("imagePullPolicy", "Always".into()),
        ];
        if let Some(port) = self.c.port {
            container.push((
                "ports",
                vec![Yaml::map([
                    ("name", (&self.port_name).into()),
                    ("containerPort", port.into()),
                    ("protocol", "TCP".into()),
                ])]
                .into(),
            ));
        }
        let mut env: Vec<Yaml> = Vec::new();
        if let Some(engine) = &self.engine {
            env.extend(engine.env.iter().map(|(name, value)| {
                Yaml::map([("name", (*name).into()), ("value", (*value).into())])
            }));
            env.extend(engine.password.map(|name| {
                Yaml::map([
                    ("name", name.into()),
                    (
                        "valueFrom",
                        Yaml::map([(
                            "secretKeyRef",
                            Yaml::map([
                                ("name", format!("{}-credentials", c.name).into()),
                                ("key", "password".into()),
                            ]),
                        )]),
                    ),
                ])
            }));
        }
        if !env.is_empty() {
            container.push(("env", env.into()));
        }
        container.push(("resources", resources(c.kind)));
        if self.serves {
            let handler = match self.probe {
                Probe::Http => (
                    "httpGet",
                    Yaml::map([("path", "/".into()), ("port", (&self.port_name).into())]),
                ),
                Probe::Tcp => ("tcpSocket", Yaml::map([("port", (&self.port_name).into())])),
            };
            let probe = |period: i64, failures: i64| {
                Yaml::map([
                    handler.clone(),
                    ("periodSeconds", period.into()),
                    ("failureThreshold", failures.into()),
                ])
            };
            container.push(("startupProbe", probe(5, 30)));
            container.push(("readinessProbe", probe(5, 3)));
            container.push(("livenessProbe", probe(10, 3)));
        }
        container.push((
            "securityContext",
            Yaml::map([
                ("allowPrivilegeEscalation", false.into()),
                ("readOnlyRootFilesystem", true.into()),
                (
                    "capabilities",
                    Yaml::map([("drop", vec!["ALL".into()].into())]),
                ),
            ]),
        ));
        container.push(("volumeMounts", mounts.into()));
        Yaml::map(container)
    }

    fn service(&self) -> Yaml {
        self.object(
            "v1",
            "Service",
            &[],
            Yaml::map([
                ("type", "ClusterIP".into()),
                ("selector", self.selector()),
                (
                    "ports",
                    vec![Yaml::map([
                        ("name", (&self.port_name).into()),
                        ("port", self.c.port.unwrap_or_default().into()),
                        ("targetPort", (&self.port_name).into()),
                        ("protocol", "TCP".into()),
                    ])]
                    .into(),
                ),
            ]),
        )
    }

    fn disruption_budget(&self) -> Yaml {
        self.object(
            "policy/v1",
            "PodDisruptionBudget",
            &[],
            Yaml::map([
                ("maxUnavailable", 1i64.into()),
                ("selector", Yaml::map([("matchLabels", self.selector())])),
                ("unhealthyPodEvictionPolicy", "AlwaysAllow".into()),
            ]),
        )
    }

    fn network_policy(&self) -> Yaml {
        let from = match self.c.expose {
            Expose::Ingress => Yaml::map([("namespaceSelector", Yaml::empty_map())]),
            Expose::Cluster | Expose::None => Yaml::map([("podSelector", Yaml::empty_map())]),
        };
        Yaml::map([
            ("apiVersion", "networking.k8s.io/v1".into()),
            ("kind", "NetworkPolicy".into()),
            (
                "metadata",
                self.metadata(&format!("allow-{}", self.c.name), &[]),
            ),
            (
                "spec",
                Yaml::map([
                    ("podSelector", Yaml::map([("matchLabels", self.selector())])),
                    ("policyTypes", vec!["Ingress".into()].into()),
                    (
                        "ingress",
                        vec![Yaml::map([
                            ("from", vec![from].into()),
                            (
                                "ports",
                                vec![Yaml::map([
                                    ("protocol", "TCP".into()),
                                    ("port", self.c.port.unwrap_or_default().into()),
                                ])]
                                .into(),
                            ),
                        ])]
                        .into(),
                    ),
                ]),
            ),
        ])
    }

    fn ingress(&self, route: &IngressRoute) -> Yaml {
        let c = self.c;
        let mut waivers = Vec::new();
        let mut spec = Vec::new();
        if route.tls {
            spec.push((
                "tls",
                vec![Yaml::map([
                    ("hosts", vec![(&route.host).into()].into()),
                    ("secretName", format!("{}-tls", c.name).into()),
                ])]
                .into(),
            ));
        } else {
            waivers.push(format!(
                "GRD303: the Blueprint does not ask for TLS on {}",
                route.host
            ));
        }
        spec.push((
            "rules",
            vec![Yaml::map([
                ("host", (&route.host).into()),
                (
                    "http",
                    Yaml::map([(
                        "paths",
                        vec![Yaml::map([
                            ("path", (&route.path).into()),
                            ("pathType", "Prefix".into()),
                            (
                                "backend",
                                Yaml::map([(
                                    "service",
                                    Yaml::map([
                                        ("name", (&c.name).into()),
                                        (
                                            "port",
                                            Yaml::map([(
                                                "number",
                                                self.c.port.unwrap_or_default().into(),
                                            )]),
                                        ),
                                    ]),
                                )]),
                            ),
                        ])]
                        .into(),
                    )]),
                ),
            ])]
            .into(),
        ));
        self.object("networking.k8s.io/v1", "Ingress", &waivers, Yaml::map(spec))
    }
}

fn type_name(kind: ComponentType) -> &'static str {
    match kind {
        ComponentType::Service => "service",
        ComponentType::Worker => "worker",
        ComponentType::Database => "database",
        ComponentType::Cache => "cache",
        ComponentType::Job => "job",
    }
}

/// Requests and a memory limit by component type; no CPU limit, so a
/// component can use idle CPU without being throttled.
fn resources(kind: ComponentType) -> Yaml {
    let (cpu, memory, limit) = match kind {
        ComponentType::Service | ComponentType::Job | ComponentType::Cache => {
            ("100m", "128Mi", "256Mi")
        }
        ComponentType::Worker => ("100m", "256Mi", "512Mi"),
        ComponentType::Database => ("250m", "512Mi", "1Gi"),
    };
    Yaml::map([
        (
            "requests",
            Yaml::map([("cpu", cpu.into()), ("memory", memory.into())]),
        ),
        ("limits", Yaml::map([("memory", limit.into())])),
    ])
}
