//! The objects a server holds, their revision history (for watches and
//! continue tokens) and the container logs of its pods.

use super::catalog::ResourceType;
use super::text;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use tokio::sync::broadcast;

/// How many changes a slow watch may fall behind before it gets 410.
const CHANGE_BACKLOG: usize = 1024;

/// (resource index in the catalog, namespace or "", name).
pub type ObjectKey = (usize, String, String);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
}

impl ChangeKind {
    pub fn watch_type(self) -> &'static str {
        match self {
            ChangeKind::Added => "ADDED",
            ChangeKind::Modified => "MODIFIED",
            ChangeKind::Deleted => "DELETED",
        }
    }
}

/// One write to the store, as watches see it.
#[derive(Debug, Clone)]
pub struct Change {
    pub revision: u64,
    pub kind: ChangeKind,
    pub key: ObjectKey,
    pub object: Value,
    /// The object before a modification or deletion: a watch with a
    /// selector tells by it an object that stopped (or started) matching,
    /// and a paginated list rebuilds the state of its first page's
    /// revision.
    pub before: Option<Value>,
}

impl Change {
    pub fn resource(&self) -> usize {
        self.key.0
    }
}

/// A container's log files: what it wrote this run and in the run before.
#[derive(Debug, Clone, Default)]
pub struct ContainerLogs {
    pub current: Option<String>,
    pub previous: Option<String>,
}

#[derive(Debug)]
pub struct Store {
    objects: BTreeMap<ObjectKey, Value>,
    revision: u64,
    /// Revisions below this one are compacted: watches and continue tokens
    /// from them get 410 Expired.
    compacted: u64,
    history: Vec<Change>,
    /// (namespace, pod, container) to its logs.
    pub logs: BTreeMap<(String, String, String), ContainerLogs>,
    next_uid: u64,
    /// Every change is sent here while the store is locked, so a watch
    /// that subscribes under the same lock sees each change exactly once.
    changes: broadcast::Sender<Change>,
}

impl Default for Store {
    fn default() -> Store {
        Store {
            objects: BTreeMap::new(),
            revision: 0,
            compacted: 0,
            history: Vec::new(),
            logs: BTreeMap::new(),
            next_uid: 0,
            changes: broadcast::channel(CHANGE_BACKLOG).0,
        }
    }
}

fn revision_of(object: &Value) -> Option<u64> {
    object["metadata"]["resourceVersion"].as_str()?.parse().ok()
}

impl Store {
    /// Takes a scenario object as it is, keeping its resourceVersion; the
    /// store's revision becomes the highest seen.
    pub fn load(&mut self, key: ObjectKey, object: Value) {
        if let Some(revision) = revision_of(&object) {
            self.revision = self.revision.max(revision);
        }
        self.objects.insert(key, object);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Change> {
        self.changes.subscribe()
    }

    pub fn revision(&self) -> u64 {
        self.revision
    }

    pub fn compacted(&self) -> u64 {
        self.compacted
    }

    /// Makes every revision before the current one too old for watches and
    /// continue tokens.
    pub fn compact(&mut self) {
        self.compacted = self.revision;
        self.history.clear();
    }

    pub fn get(&self, key: &ObjectKey) -> Option<&Value> {
        self.objects.get(key)
    }

    /// Objects of one resource, in key order (namespace, then name),
    /// optionally only one namespace's.
    pub fn list<'a>(
        &'a self,
        resource: usize,
        namespace: Option<&'a str>,
    ) -> impl Iterator<Item = (&'a ObjectKey, &'a Value)> + 'a {
        self.objects
            .range((resource, String::new(), String::new())..)
            .take_while(move |((index, _, _), _)| *index == resource)
            .filter(move |((_, ns, _), _)| namespace.is_none_or(|wanted| ns == wanted))
    }

    /// Objects of one resource as they were at `revision` (undoing the
    /// changes after it), in key order, optionally one namespace's; None
    /// when that revision is compacted.
    pub fn list_at(
        &self,
        resource: usize,
        namespace: Option<&str>,
        revision: u64,
    ) -> Option<Vec<(ObjectKey, Value)>> {
        let later = self.changes_since(revision)?;
        let mut state: BTreeMap<ObjectKey, Value> = self
            .list(resource, namespace)
            .map(|(key, object)| (key.clone(), object.clone()))
            .collect();
        let in_scope =
            |key: &ObjectKey| key.0 == resource && namespace.is_none_or(|wanted| key.1 == wanted);
        for change in later.iter().rev().filter(|c| in_scope(&c.key)) {
            match &change.before {
                Some(before) => state.insert(change.key.clone(), before.clone()),
                None => state.remove(&change.key),
            };
        }
        Some(state.into_iter().collect())
    }

    /// Changes after `revision`, or None when that revision is compacted.
    pub fn changes_since(&self, revision: u64) -> Option<Vec<Change>> {
        if revision < self.compacted {
            return None;
        }
        Some(
            self.history
                .iter()
                .filter(|change| change.revision > revision)
                .cloned()
                .collect(),
        )
    }

    /// A fresh uid, in the UUID form the server uses.
    pub fn new_uid(&mut self) -> String {
        self.next_uid += 1;
        format!("6f1c2a4e-0d3b-4c8e-9a71-{:012x}", self.next_uid)
    }

    /// Stores a new or changed object under the next revision. A new one
    /// gets a uid and creationTimestamp when it has none; a changed one
    /// keeps those of the object it replaces, as an update does.
    pub fn put(&mut self, key: ObjectKey, mut object: Value) -> Change {
        self.revision += 1;
        let identity = match self.objects.get(&key) {
            Some(existing) => [
                existing["metadata"]["uid"].clone(),
                existing["metadata"]["creationTimestamp"].clone(),
            ],
            None => [json!(self.new_uid()), json!(text::now_timestamp())],
        };
        let metadata = &mut object["metadata"];
        for (field, value) in ["uid", "creationTimestamp"].into_iter().zip(identity) {
            if metadata.get(field).is_none() && !value.is_null() {
                metadata[field] = value;
            }
        }
        object["metadata"]["resourceVersion"] = json!(self.revision.to_string());
        let before = self.objects.insert(key.clone(), object.clone());
        let kind = if before.is_some() {
            ChangeKind::Modified
        } else {
            ChangeKind::Added
        };
        self.record(kind, key, object, before)
    }

    pub fn delete(&mut self, key: &ObjectKey) -> Option<Change> {
        let before = self.objects.remove(key)?;
        self.revision += 1;
        let mut object = before.clone();
        object["metadata"]["resourceVersion"] = json!(self.revision.to_string());
        Some(self.record(ChangeKind::Deleted, key.clone(), object, Some(before)))
    }

    fn record(
        &mut self,
        kind: ChangeKind,
        key: ObjectKey,
        object: Value,
        before: Option<Value>,
    ) -> Change {
        let change = Change {
            revision: self.revision,
            kind,
            key,
            object,
            before,
        };
        self.history.push(change.clone());
        let _ = self.changes.send(change.clone());
        change
    }
}

/// The key an object is stored under, for a resource type.
pub fn key_of(index: usize, resource: &ResourceType, object: &Value) -> ObjectKey {
    let namespace = if resource.namespaced {
        object["metadata"]["namespace"]
            .as_str()
            .unwrap_or("default")
            .to_string()
    } else {
        String::new()
    };
    let name = object["metadata"]["name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    (index, namespace, name)
}
