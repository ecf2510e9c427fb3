//! A Blueprint as written (`Raw*`, checked by the schema first) and as rules
//! read it (`Facts`): defaults applied, quantities in bytes, and for every
//! fact the path of the Blueprint field that states it.

use super::quantity::parse_bytes;
use crate::k8s::runtime;
use crate::policy::ProfileSelection;
use crate::source::{PathSeg, SpanNode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub(super) struct RawBlueprint {
    #[serde(rename = "apiVersion")]
    _api_version: String,
    #[serde(rename = "kind")]
    _kind: String,
    metadata: RawMetadata,
    spec: RawSpec,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMetadata {
    name: String,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSpec {
    #[serde(default)]
    namespace: Option<String>,
    #[serde(default)]
    defaults: RawDefaults,
    components: Vec<RawComponent>,
    #[serde(default)]
    policies: RawPolicies,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawDefaults {
    #[serde(default)]
    replicas: Option<u64>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawPolicies {
    #[serde(default)]
    profile: Option<ProfileSelection>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawComponent {
    name: String,
    #[serde(rename = "type")]
    kind: ComponentType,
    #[serde(default)]
    runtime: Option<String>,
    #[serde(default)]
    image: Option<String>,
    #[serde(default)]
    port: Option<u16>,
    #[serde(default)]
    replicas: Option<u64>,
    #[serde(default)]
    expose: Option<Expose>,
    #[serde(default)]
    ingress: Option<RawIngress>,
    #[serde(default)]
    engine: Option<String>,
    #[serde(default)]
    storage: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIngress {
    host: String,
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    tls: Option<bool>,
}

/// What a component is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ComponentType {
    Service,
    Worker,
    Database,
    Cache,
    Job,
}

/// How far a component is reachable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Expose {
    /// No Service at all.
    None,
    /// A Service reachable only from inside the cluster.
    Cluster,
    /// A Service routed from outside by an Ingress or HTTPRoute.
    Ingress,
}

/// A path into the Blueprint document, as rules return it in `spec_path`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct SpecPath(Vec<serde_json::Value>);

impl SpecPath {
    fn new(segments: &[PathSeg]) -> SpecPath {
        SpecPath(
            segments
                .iter()
                .map(|seg| match seg {
                    PathSeg::Key(key) => serde_json::Value::from(key.as_str()),
                    PathSeg::Index(index) => serde_json::Value::from(*index),
                })
                .collect(),
        )
    }

    pub fn segments(&self) -> Vec<PathSeg> {
        self.0
            .iter()
            .map(|v| match v {
                serde_json::Value::String(key) => PathSeg::Key(key.clone()),
                other => PathSeg::Index(other.as_u64().unwrap_or_default() as usize),
            })
            .collect()
    }
}

/// An image reference the spec names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Image {
    /// As written.
    pub reference: String,
    /// The repository, normalised as container runtimes read it
    /// (`postgres` is `docker.io/library/postgres`).
    pub repository: String,
    /// The tag, when the spec pins one.
    pub tag: Option<String>,
}

/// Where an exposed component is routed from outside.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IngressRoute {
    pub host: String,
    /// Defaults to `/`.
    pub path: String,
    pub tls: bool,
}

/// Persistent storage a component needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Storage {
    /// As written (`10Gi`).
    pub quantity: String,
    pub bytes: u128,
}

/// One component, normalised.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Component {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: ComponentType,
    pub runtime: Option<String>,
    pub image: Option<Image>,
    /// The port the component serves on: given, or the usual one of its
    /// runtime or engine.
    pub port: Option<u16>,
    /// Replicas it runs with; `None` for jobs.
    pub replicas: Option<u64>,
    pub expose: Expose,
    pub ingress: Option<IngressRoute>,
    pub engine: Option<String>,
    /// The image names (last path segment) an engine's image may have.
    pub engine_images: Vec<String>,
    pub storage: Option<Storage>,
    /// Whether it keeps state that must survive a restart (databases, and
    /// anything that asks for storage).
    pub persistent: bool,
    /// For each fact, the Blueprint field that states it (or, for a default,
    /// the field the default comes from): keys `component`, `name`, `type`,
    /// `image`, `port`, `replicas`, `expose`, `ingress`, `host`, `tls`,
    /// `engine`, `storage`.
    pub source: BTreeMap<&'static str, SpecPath>,
}

/// The Blueprint as `data.blueprint`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Facts {
    pub name: String,
    pub description: Option<String>,
    /// The namespace objects belong in, when the spec names one.
    pub namespace: Option<String>,
    pub profile: Option<ProfileSelection>,
    pub components: Vec<Component>,
    /// Keys `name`, `namespace`, `components`, `profile`.
    pub source: BTreeMap<&'static str, SpecPath>,
}

/// A normalisation error: the path at fault, the message and a hint.
pub(super) type Problem = (Vec<PathSeg>, String, String);

fn path(segments: &[&str]) -> Vec<PathSeg> {
    segments
        .iter()
        .map(|s| PathSeg::Key(s.to_string()))
        .collect()
}

fn child(parent: &[PathSeg], key: &str) -> Vec<PathSeg> {
    let mut out = parent.to_vec();
    out.push(PathSeg::Key(key.to_string()));
    out
}

/// `spans` positions the Blueprint document, for errors that name two places.
pub(super) fn normalise(raw: RawBlueprint, spans: &SpanNode) -> Result<Facts, Problem> {
    let spec = path(&["spec"]);
    let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
    let mut components = Vec::new();
    for (index, component) in raw.spec.components.iter().enumerate() {
        let at = {
            let mut p = child(&spec, "components");
            p.push(PathSeg::Index(index));
            p
        };
        if let Some(first) = seen.insert(&component.name, index) {
            let first_at = [
                PathSeg::Key("spec".into()),
                PathSeg::Key("components".into()),
                PathSeg::Index(first),
                PathSeg::Key("name".into()),
            ];
            return Err((
                child(&at, "name"),
                format!(
                    "component name {:?} is used twice (first at line {})",
                    component.name,
                    spans.lookup(&first_at).0.line
                ),
                "give each component its own name".into(),
            ));
        }
        components.push(normalise_component(
            component,
            &at,
            raw.spec.defaults.replicas,
        )?);
    }
    let mut source = BTreeMap::new();
    source.insert("name", SpecPath::new(&path(&["metadata", "name"])));
    source.insert(
        "namespace",
        SpecPath::new(&if raw.spec.namespace.is_some() {
            path(&["spec", "namespace"])
        } else {
            spec.clone()
        }),
    );
    source.insert("components", SpecPath::new(&child(&spec, "components")));
    source.insert(
        "profile",
        SpecPath::new(&path(&["spec", "policies", "profile"])),
    );
    Ok(Facts {
        name: raw.metadata.name,
        description: raw.metadata.description,
        namespace: raw.spec.namespace,
        profile: raw.spec.policies.profile,
        components,
        source,
    })
}

fn normalise_component(
    raw: &RawComponent,
    at: &[PathSeg],
    default_replicas: Option<u64>,
) -> Result<Component, Problem> {
    let field = |key: &str| child(at, key);
    // A field that is set, else the component: what an absent fact cites.
    let given = |set: bool, key: &str| if set { field(key) } else { at.to_vec() };
    let mut source: BTreeMap<&'static str, Vec<PathSeg>> = BTreeMap::new();
    source.insert("component", at.to_vec());
    source.insert("name", field("name"));
    source.insert("type", field("type"));

    let image = raw.image.as_deref().map(split_image);
    source.insert("image", given(raw.image.is_some(), "image"));

    let engine_port = raw
        .engine
        .as_deref()
        .and_then(runtime::engine)
        .map(|e| e.port);
    let runtime_port = raw
        .runtime
        .as_deref()
        .and_then(runtime::runtime)
        .map(|r| r.port);
    let port = match (raw.port, runtime_port, engine_port) {
        (Some(port), _, _) => {
            source.insert("port", field("port"));
            Some(port)
        }
        (None, Some(port), _) => {
            source.insert("port", field("runtime"));
            Some(port)
        }
        (None, None, Some(port)) => {
            source.insert("port", field("engine"));
            Some(port)
        }
        (None, None, None) => {
            source.insert("port", at.to_vec());
            None
        }
    };

    let replicas = match (raw.kind, raw.replicas, default_replicas) {
        (ComponentType::Job, _, _) => {
            source.insert("replicas", at.to_vec());
            None
        }
        (_, Some(n), _) => {
            source.insert("replicas", field("replicas"));
            Some(n)
        }
        (ComponentType::Database, None, _) => {
            source.insert("replicas", field("type"));
            Some(1)
        }
        (_, None, Some(n)) => {
            source.insert("replicas", path(&["spec", "defaults", "replicas"]));
            Some(n)
        }
        (_, None, None) => {
            source.insert("replicas", at.to_vec());
            Some(1)
        }
    };

    let expose = match (raw.expose, &raw.ingress) {
        (Some(expose), _) => {
            source.insert("expose", field("expose"));
            expose
        }
        (None, Some(_)) => {
            source.insert("expose", field("ingress"));
            Expose::Ingress
        }
        (None, None) if port.is_some() && raw.kind != ComponentType::Job => {
            source.insert("expose", source["port"].clone());
            Expose::Cluster
        }
        (None, None) => {
            source.insert("expose", at.to_vec());
            Expose::None
        }
    };

    let ingress = raw.ingress.as_ref().map(|i| IngressRoute {
        host: i.host.clone(),
        path: i.path.clone().unwrap_or_else(|| "/".into()),
        tls: i.tls.unwrap_or(false),
    });
    let ingress_at = given(raw.ingress.is_some(), "ingress");
    source.insert("ingress", ingress_at.clone());
    source.insert(
        "host",
        match raw.ingress {
            Some(_) => child(&ingress_at, "host"),
            None => ingress_at.clone(),
        },
    );
    source.insert(
        "tls",
        match raw.ingress.as_ref().and_then(|i| i.tls) {
            Some(_) => child(&ingress_at, "tls"),
            None => ingress_at.clone(),
        },
    );

    source.insert("engine", given(raw.engine.is_some(), "engine"));
    let storage = match &raw.storage {
        Some(quantity) => {
            let bytes = parse_bytes(quantity).ok_or_else(|| {
                (
                    field("storage"),
                    format!("bad quantity {quantity:?} for storage"),
                    "write a Kubernetes quantity such as 10Gi or 500Mi".to_string(),
                )
            })?;
            source.insert("storage", field("storage"));
            Some(Storage {
                quantity: quantity.clone(),
                bytes,
            })
        }
        None => {
            source.insert(
                "storage",
                if raw.kind == ComponentType::Database {
                    field("type")
                } else {
                    at.to_vec()
                },
            );
            None
        }
    };
    Ok(Component {
        name: raw.name.clone(),
        kind: raw.kind,
        runtime: raw.runtime.clone(),
        image,
        port,
        replicas,
        expose,
        ingress,
        engine: raw.engine.clone(),
        engine_images: raw
            .engine
            .as_deref()
            .map(runtime::engine_image_names)
            .unwrap_or_default(),
        persistent: raw.kind == ComponentType::Database || storage.is_some(),
        storage,
        source: source
            .into_iter()
            .map(|(k, v)| (k, SpecPath::new(&v)))
            .collect(),
    })
}

/// Splits an image reference into its normalised repository and its tag.
pub fn split_image(reference: &str) -> Image {
    let without_digest = reference.split('@').next().unwrap_or(reference);
    let last_slash = without_digest.rfind('/').map_or(0, |i| i + 1);
    let (repository, tag) = match without_digest[last_slash..].find(':') {
        Some(colon) => (
            &without_digest[..last_slash + colon],
            Some(without_digest[last_slash + colon + 1..].to_string()),
        ),
        None => (without_digest, None),
    };
    Image {
        reference: reference.to_string(),
        repository: normalise_repository(repository),
        tag,
    }
}

/// `postgres` → `docker.io/library/postgres`, `acme/x` → `docker.io/acme/x`;
/// a first segment with a dot or port, or `localhost`, is a registry.
pub fn normalise_repository(repository: &str) -> String {
    let repository = repository
        .strip_prefix("index.docker.io/")
        .map(|rest| format!("docker.io/{rest}"))
        .unwrap_or_else(|| repository.to_string());
    match repository.split_once('/') {
        None => format!("docker.io/library/{repository}"),
        Some((first, _)) if first.contains('.') || first.contains(':') || first == "localhost" => {
            repository
        }
        Some(_) => format!("docker.io/{repository}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_normalise_as_runtimes_read_them() {
        let image = split_image("postgres:16");
        assert_eq!(image.repository, "docker.io/library/postgres");
        assert_eq!(image.tag.as_deref(), Some("16"));
        assert_eq!(
            split_image("localhost:5000/app@sha256:00").repository,
            "localhost:5000/app"
        );
        assert_eq!(split_image("acme/app").repository, "docker.io/acme/app");
        assert_eq!(split_image("ghcr.io/acme/app").tag, None);
    }
}
