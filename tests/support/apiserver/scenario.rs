//! What a fake server starts with: objects, container logs, the resource
//! types it serves and who the token belongs to. The directory format is
//! documented in testdata/cluster/README.md.

use super::catalog;
use super::store::ContainerLogs;
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Scenario directories are a few levels deep; deeper trees are not read.
const MAX_DEPTH: usize = 6;

#[derive(Debug, Clone)]
pub struct Scenario {
    pub(super) objects: Vec<Value>,
    pub(super) logs: BTreeMap<(String, String, String), ContainerLogs>,
    /// Resource types served, as `pods` (core) or `deployments.apps`; None
    /// for the whole catalog.
    pub(super) served: Option<Vec<String>>,
    pub(super) user: String,
}

impl Default for Scenario {
    fn default() -> Scenario {
        Scenario {
            objects: Vec::new(),
            logs: BTreeMap::new(),
            served: None,
            user: "system:serviceaccount:guard-system:guard".to_string(),
        }
    }
}

/// Gives list items the kind and apiVersion that the list's own kind
/// implies, as clients do when they decode a typed list.
fn items_of(list: &Value) -> Vec<Value> {
    let list_kind = list["kind"].as_str().unwrap_or_default();
    let item_kind = list_kind
        .strip_suffix("List")
        .filter(|kind| !kind.is_empty());
    let api_version = list["apiVersion"].as_str();
    let items = list["items"].as_array().cloned().unwrap_or_default();
    items
        .into_iter()
        .map(|mut item| {
            if let (Some(kind), Some(api_version)) = (item_kind, api_version) {
                if item.get("kind").is_none() {
                    item["kind"] = Value::from(kind);
                }
                if item.get("apiVersion").is_none() {
                    item["apiVersion"] = Value::from(api_version);
                }
            }
            item
        })
        .collect()
}

/// Splits a cluster-info dump `logs.txt` into (container, text) sections.
fn dump_log_sections(text: &str) -> Vec<(String, String)> {
    let mut sections = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("==== START logs for container ") {
            if let Some((container, _)) = rest.split_once(" of pod ") {
                current = Some((container.to_string(), String::new()));
            }
        } else if line.starts_with("==== END logs for container ") {
            sections.extend(current.take());
        } else if let Some((_, body)) = &mut current {
            body.push_str(line);
            body.push('\n');
        }
    }
    sections.extend(current);
    sections
}

/// A core v1 Event as events.k8s.io/v1 shows it. The real server keeps
/// one object and serves both shapes; the fake server converts the
/// scenario's events once at start, so writes to one shape do not show in
/// the other.
pub(super) fn event_v1(core: &Value) -> Value {
    let mut event = serde_json::json!({
        "apiVersion": "events.k8s.io/v1",
        "kind": "Event",
        "metadata": core["metadata"],
        "eventTime": core["eventTime"],
    });
    let renames = [
        ("involvedObject", "regarding"),
        ("message", "note"),
        ("reason", "reason"),
        ("type", "type"),
        ("action", "action"),
        ("related", "related"),
        ("reportingComponent", "reportingController"),
        ("reportingInstance", "reportingInstance"),
        ("source", "deprecatedSource"),
        ("firstTimestamp", "deprecatedFirstTimestamp"),
        ("lastTimestamp", "deprecatedLastTimestamp"),
        ("count", "deprecatedCount"),
    ];
    for (from, to) in renames {
        if let Some(value) = core.get(from).filter(|v| !v.is_null()) {
            event[to] = value.clone();
        }
    }
    event
}

fn resolve(dir: &Path) -> PathBuf {
    if dir.is_absolute() {
        dir.to_path_buf()
    } else {
        Path::new(env!("CARGO_MANIFEST_DIR")).join(dir)
    }
}

impl Scenario {
    /// An empty cluster serving the whole catalog.
    pub fn empty() -> Scenario {
        Scenario::default()
    }

    /// Loads a scenario directory (relative paths are from the crate root);
    /// a fixture that cannot be read fails the test that loads it.
    pub fn load(dir: impl AsRef<Path>) -> Scenario {
        let dir = dir.as_ref();
        Scenario::try_load(dir)
            .unwrap_or_else(|error| panic!("scenario {}: {error}", dir.display()))
    }

    pub fn try_load(dir: impl AsRef<Path>) -> Result<Scenario, String> {
        let root = resolve(dir.as_ref());
        let mut scenario = Scenario::empty();
        scenario.read_dir(&root, &root, 0)?;
        Ok(scenario)
    }

    fn read_dir(&mut self, root: &Path, dir: &Path, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Ok(());
        }
        let mut entries: Vec<PathBuf> = fs::read_dir(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                self.read_dir(root, &path, depth + 1)?;
            } else {
                self.read_file(root, &path)?;
            }
        }
        Ok(())
    }

    fn read_file(&mut self, root: &Path, path: &Path) -> Result<(), String> {
        let relative: Vec<String> = path
            .strip_prefix(root)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        let name = relative.last().cloned().unwrap_or_default();
        let read = || fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()));
        match relative.as_slice() {
            [logs, namespace, pod, file] if logs == "logs" => {
                let (container, previous) = match file.strip_suffix(".previous.log") {
                    Some(container) => (container, true),
                    None => match file.strip_suffix(".log") {
                        Some(container) => (container, false),
                        None => return Ok(()),
                    },
                };
                let text = read()?;
                self.add_log(namespace, pod, container, text, previous);
                Ok(())
            }
            [namespace, pod, file] if file == "logs.txt" => {
                for (container, text) in dump_log_sections(&read()?) {
                    self.add_log(namespace, pod, &container, text, false);
                }
                Ok(())
            }
            _ if name.ends_with(".json") => {
                let document: Value = serde_json::from_str(&read()?)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                let objects = if document.get("items").is_some() {
                    items_of(&document)
                } else {
                    vec![document]
                };
                for object in objects {
                    self.add(object)
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                }
                Ok(())
            }
            _ => Ok(()),
        }
    }

    fn add(&mut self, object: Value) -> Result<(), String> {
        let kind = object["kind"].as_str().unwrap_or_default();
        let api_version = object["apiVersion"].as_str().unwrap_or_default();
        let known = catalog::all()
            .iter()
            .any(|r| r.kind == kind && r.api_version() == api_version);
        if !known {
            return Err(format!(
                "no resource type for kind {kind:?} in {api_version:?}"
            ));
        }
        if object["metadata"]["name"]
            .as_str()
            .is_none_or(str::is_empty)
        {
            return Err(format!("a {kind} without metadata.name"));
        }
        self.objects.push(object);
        Ok(())
    }

    fn add_log(
        &mut self,
        namespace: &str,
        pod: &str,
        container: &str,
        text: String,
        previous: bool,
    ) {
        let key = (
            namespace.to_string(),
            pod.to_string(),
            container.to_string(),
        );
        let logs = self.logs.entry(key).or_default();
        if previous {
            logs.previous = Some(text);
        } else {
            logs.current = Some(text);
        }
    }

    /// Adds one object (with kind and apiVersion); panics on an unknown kind.
    pub fn with_object(mut self, object: Value) -> Scenario {
        if let Err(error) = self.add(object) {
            panic!("{error}");
        }
        self
    }

    pub fn with_log(mut self, namespace: &str, pod: &str, container: &str, text: &str) -> Scenario {
        self.add_log(namespace, pod, container, text.to_string(), false);
        self
    }

    pub fn with_previous_log(
        mut self,
        namespace: &str,
        pod: &str,
        container: &str,
        text: &str,
    ) -> Scenario {
        self.add_log(namespace, pod, container, text.to_string(), true);
        self
    }

    /// Serves only these resource types, named `pods` for core and
    /// `deployments.apps` otherwise, as a cluster without some APIs would.
    pub fn serving(mut self, resources: &[&str]) -> Scenario {
        self.served = Some(resources.iter().map(|r| r.to_string()).collect());
        self
    }

    /// The user the bearer token authenticates as, named in 403 messages.
    pub fn with_user(mut self, user: &str) -> Scenario {
        self.user = user.to_string();
        self
    }
}
