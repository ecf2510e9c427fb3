//! A read-only view of a cluster at one moment: every object listed, indexed
//! once (by kind, by name, by uid, events by the object they are about), and
//! the container logs read so far.
//!
//! A snapshot comes from a live cluster (`cluster::Cluster::snapshot`) or
//! from a directory written by `kubectl get -o json` or `kubectl cluster-info
//! dump` (see `testdata/cluster/README.md`), so analysis runs the same on
//! both and can be tested without a cluster.

use crate::core::{Code, Diagnostic, Location, Object, ObjectRef, Origin};
use crate::source::object_ref;
use regorus::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// regorus's shared pointer (`Arc` with its `arc` feature).
type Rc<T> = std::sync::Arc<T>;

/// One container's log: which pod, which container, which instance.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LogKey {
    pub namespace: String,
    pub pod: String,
    pub container: String,
    /// The instance before the last restart (`kubectl logs --previous`).
    pub previous: bool,
}

/// Objects, logs and what could not be read.
#[derive(Debug, Default)]
pub struct Snapshot {
    objects: Vec<Object>,
    by_kind: HashMap<String, Vec<usize>>,
    by_name: HashMap<(String, Option<String>, String), usize>,
    by_uid: HashMap<String, usize>,
    /// Events by the uid, or else the kind/namespace/name, of their object.
    events: HashMap<String, Vec<usize>>,
    logs: HashMap<LogKey, String>,
    /// Kinds that were listed: for the others, absence proves nothing.
    listed: BTreeSet<String>,
    /// What could not be listed or read; the analysis says what it misses.
    pub diagnostics: Vec<Diagnostic>,
    /// When the snapshot was taken, in seconds since the Unix epoch: the
    /// clock for a live one, the newest timestamp it holds for a directory.
    pub taken_at: Option<i64>,
}

impl Snapshot {
    /// A snapshot of `objects`, with `listed` the kinds whose lists are
    /// complete (a kind is listed when any of its objects is given, too).
    pub fn new(objects: Vec<Object>, listed: impl IntoIterator<Item = String>) -> Snapshot {
        let mut snapshot = Snapshot {
            listed: listed.into_iter().collect(),
            ..Snapshot::default()
        };
        for object in objects {
            snapshot.insert(object);
        }
        snapshot
    }

    fn insert(&mut self, object: Object) {
        let index = self.objects.len();
        let id = &object.id;
        self.listed.insert(id.kind.clone());
        self.by_kind.entry(id.kind.clone()).or_default().push(index);
        if let Some(name) = &id.name {
            self.by_name
                .insert((id.kind.clone(), id.namespace.clone(), name.clone()), index);
        }
        if let Some(uid) = uid(&object.value) {
            self.by_uid.insert(uid.to_string(), index);
        }
        if id.kind == "Event" {
            for key in event_keys(&object.value) {
                self.events.entry(key).or_default().push(index);
            }
        }
        self.objects.push(object);
    }

    /// Adds a container's log.
    pub fn add_log(&mut self, key: LogKey, text: String) {
        self.logs.insert(key, text);
    }

    pub fn objects(&self) -> &[Object] {
        &self.objects
    }

    /// The objects of `kind`, in the order they were listed.
    pub fn of_kind<'s>(&'s self, kind: &str) -> impl Iterator<Item = &'s Object> + 's {
        self.by_kind
            .get(kind)
            .into_iter()
            .flatten()
            .map(|&i| &self.objects[i])
    }

    /// Whether objects of `kind` were listed, so that none found means none exist.
    pub fn listed(&self, kind: &str) -> bool {
        self.listed.contains(kind)
    }

    pub fn get(&self, kind: &str, namespace: Option<&str>, name: &str) -> Option<&Object> {
        let key = (
            kind.to_string(),
            namespace.map(str::to_string),
            name.to_string(),
        );
        self.by_name.get(&key).map(|&i| &self.objects[i])
    }

    pub fn by_uid(&self, uid: &str) -> Option<&Object> {
        self.by_uid.get(uid).map(|&i| &self.objects[i])
    }

    /// The object's controller, that one's controller, and so on up to the
    /// top owner (a Pod's ReplicaSet, then its Deployment). Owners that were
    /// not listed end the chain.
    pub fn owners(&self, object: &Object) -> Vec<&Object> {
        let mut chain: Vec<&Object> = Vec::new();
        let mut current = object;
        while let Some(owner) = self.controller(current) {
            if chain.iter().any(|o| std::ptr::eq(*o, owner)) || std::ptr::eq(owner, object) {
                break;
            }
            chain.push(owner);
            current = owner;
        }
        chain
    }

    /// The owner reference with `controller: true`, resolved.
    fn controller(&self, object: &Object) -> Option<&Object> {
        let Value::Array(owners) = &object.value["metadata"]["ownerReferences"] else {
            return None;
        };
        let owner = owners
            .iter()
            .find(|o| o["controller"] == Value::Bool(true))?;
        if let Value::String(uid) = &owner["uid"]
            && let Some(found) = self.by_uid(uid)
        {
            return Some(found);
        }
        let (Value::String(kind), Value::String(name)) = (&owner["kind"], &owner["name"]) else {
            return None;
        };
        self.get(kind, object.id.namespace.as_deref(), name)
    }

    /// The Events about `object` (core/v1 `involvedObject` and
    /// events.k8s.io/v1 `regarding`), newest first.
    pub fn events_for(&self, object: &Object) -> Vec<&Object> {
        let mut found: Vec<usize> = Vec::new();
        if let Some(uid) = uid(&object.value) {
            found.extend(self.events.get(uid).into_iter().flatten());
        }
        let by_name = identity_key(
            &object.id.kind,
            object.id.namespace.as_deref(),
            object.id.name.as_deref().unwrap_or_default(),
        );
        found.extend(self.events.get(&by_name).into_iter().flatten());
        found.sort_unstable();
        found.dedup();
        let mut events: Vec<&Object> = found.into_iter().map(|i| &self.objects[i]).collect();
        events.sort_by_key(|e| std::cmp::Reverse(event_time(e)));
        events
    }

    pub fn log(&self, key: &LogKey) -> Option<&str> {
        self.logs.get(key).map(String::as_str)
    }

    /// Reads a directory of `kubectl get -o json` output (any `*.json` files
    /// holding Lists or single objects, recursively) with logs under
    /// `logs/<ns>/<pod>/<container>[.previous].log`, or the layout of
    /// `kubectl cluster-info dump --output-directory` (`<ns>/<pod>/logs.txt`).
    /// A file that does not parse is a diagnostic; the rest is still read.
    pub fn load_dir(dir: &Path) -> Result<Snapshot, Diagnostic> {
        if !dir.is_dir() {
            return Err(Diagnostic::new(
                Code::InputUnreadable,
                format!("{}: not a directory", dir.display()),
            )
            .help("give the directory kubectl cluster-info dump --output-directory wrote"));
        }
        let mut files = Vec::new();
        walk(dir, &mut files);
        files.sort();
        let mut objects = Vec::new();
        let mut listed = Vec::new();
        let mut diagnostics = Vec::new();
        let mut logs = Vec::new();
        // Files parse on every core; their results join in file order.
        use rayon::prelude::*;
        let read: Vec<Read> = files
            .par_iter()
            .map(|file| {
                if file.extension().is_some_and(|e| e == "json") {
                    Read::Objects(read_objects(file))
                } else {
                    Read::Logs(log_files(dir, file).unwrap_or_default())
                }
            })
            .collect();
        for result in read {
            match result {
                Read::Objects(Ok((kind, found))) => {
                    listed.extend(kind);
                    objects.extend(found);
                }
                Read::Objects(Err(diagnostic)) => diagnostics.push(diagnostic),
                Read::Logs(found) => logs.extend(found),
            }
        }
        let mut snapshot = Snapshot::new(objects, listed);
        snapshot.diagnostics = diagnostics;
        snapshot.taken_at = snapshot
            .objects
            .iter()
            .filter_map(|o| {
                let created = match &o.value["metadata"]["creationTimestamp"] {
                    Value::String(t) => unix_seconds(t),
                    _ => None,
                };
                let happened = (o.id.kind == "Event")
                    .then(|| unix_seconds(&event_time(o)))
                    .flatten();
                created.max(happened)
            })
            .max();
        for (key, text) in logs {
            snapshot.add_log(key, text);
        }
        Ok(snapshot)
    }
}

/// What one file of a snapshot directory gave.
enum Read {
    Objects(Result<(Option<String>, Vec<Object>), Diagnostic>),
    Logs(Vec<(LogKey, String)>),
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The objects of one `kubectl get -o json` file: a List's items, or one
/// object; and the kind a typed list (`SecretList`) says it lists, which is
/// listed even when it has no items.
fn read_objects(file: &Path) -> Result<(Option<String>, Vec<Object>), Diagnostic> {
    let name: Arc<str> = Arc::from(file.to_string_lossy().as_ref());
    let at = |line: usize, column: usize| Location {
        file: name.clone(),
        line: u32::try_from(line.max(1)).unwrap_or(u32::MAX),
        column: u32::try_from(column.max(1)).unwrap_or(u32::MAX),
        path: String::new(),
    };
    let text = std::fs::read_to_string(file).map_err(|e| {
        Diagnostic::new(Code::InputUnreadable, format!("cannot read: {e}")).at(at(1, 1))
    })?;
    // Straight into the engine's values: one copy of the file's objects.
    let json: Value = serde_json::from_str(&text).map_err(|e| {
        Diagnostic::new(Code::InputSyntax, format!("not JSON: {e}"))
            .at(at(e.line(), e.column()))
            .help("the snapshot's files are kubectl get -o json output")
    })?;
    drop(text);
    let (listed, items) = list_items(json);
    let (kind, api_version) = listed.clone().unwrap_or_default();
    let objects = items
        .into_iter()
        .filter_map(|item| prepare(item, &kind, &api_version))
        .collect();
    Ok((
        listed.map(|(kind, _)| kind).filter(|k| !k.is_empty()),
        objects,
    ))
}

/// A list's items, with the kind and apiVersion of a typed list
/// (`PodList` → `Pod`); a value that is no list is its one item.
pub(crate) fn list_items(mut list: Value) -> (Option<(String, String)>, Vec<Value>) {
    let text = |v: &Value| match v {
        Value::String(s) => s.to_string(),
        _ => String::new(),
    };
    let kind = text(&list["kind"]);
    let api_version = text(&list["apiVersion"]);
    let items = match list
        .as_object_mut()
        .ok()
        .and_then(|map| map.remove(&Value::from("items")))
    {
        Some(Value::Array(items)) => Rc::try_unwrap(items)
            .unwrap_or_else(|shared| (*shared).clone())
            .into_vec(),
        Some(other) => {
            // Not a list after all: put the field back and read the object.
            if let Ok(map) = list.as_object_mut() {
                map.insert(Value::from("items"), other);
            }
            return (None, vec![list]);
        }
        None => return (None, vec![list]),
    };
    let listed = kind
        .strip_suffix("List")
        .map(|k| (k.to_string(), api_version));
    (listed, items)
}

/// Metadata no analysis or policy reads, and the bulk of a live object:
/// who wrote each field, and kubectl's copy of the last applied object.
const DROPPED_METADATA: [&str; 1] = ["managedFields"];
const DROPPED_ANNOTATIONS: [&str; 1] = ["kubectl.kubernetes.io/last-applied-configuration"];

/// Removes the `metadata` fields and annotations named from an object.
pub fn remove_metadata(object: &mut regorus::value::Object, fields: &[&str], annotations: &[&str]) {
    let Some(Ok(metadata)) = object
        .get_mut(&Value::from("metadata"))
        .map(Value::as_object_mut)
    else {
        return;
    };
    for key in fields {
        metadata.remove(&Value::from(*key));
    }
    if let Some(Ok(map)) = metadata
        .get_mut(&Value::from("annotations"))
        .map(Value::as_object_mut)
    {
        for key in annotations {
            map.remove(&Value::from(*key));
        }
    }
}

/// A listed item as the engine keeps it: the kind and apiVersion a list
/// leaves out of its items filled in from `kind` and `api_version` (when
/// not empty), managedFields and kubectl's last-applied copy dropped, and a
/// Secret's values blanked (guard needs to know a key exists, never what it
/// holds).
pub(crate) fn prepare(mut item: Value, kind: &str, api_version: &str) -> Option<Object> {
    let map = item.as_object_mut().ok()?;
    for (key, value) in [("kind", kind), ("apiVersion", api_version)] {
        if !value.is_empty() {
            let key = Value::from(key);
            if !map.contains_key(&key) {
                map.insert(key, Value::from(value));
            }
        }
    }
    let secret = map.get(&Value::from("kind")) == Some(&Value::from("Secret"));
    remove_metadata(map, &DROPPED_METADATA, &DROPPED_ANNOTATIONS);
    if secret {
        for field in ["data", "stringData"] {
            if let Some(Ok(values)) = map.get_mut(&Value::from(field)).map(Value::as_object_mut) {
                for (_, value) in values.iter_mut() {
                    *value = Value::from("");
                }
            }
        }
    }
    live_object(item)
}

/// A listed object as the engine sees it: no file, its uid and resourceVersion.
pub fn live_object(value: Value) -> Option<Object> {
    let id: ObjectRef = object_ref(&value).ok()?;
    let text = |key: &str| match &value["metadata"][key] {
        Value::String(s) => Some(s.to_string()),
        _ => None,
    };
    let origin = Origin::Cluster {
        uid: text("uid"),
        resource_version: text("resourceVersion"),
    };
    Some(Object::unplaced(id, value, origin))
}

/// The logs a file holds, by where it sits below `root`.
fn log_files(root: &Path, file: &Path) -> Option<Vec<(LogKey, String)>> {
    let relative = file.strip_prefix(root).ok()?;
    let parts: Vec<String> = relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let text = std::fs::read_to_string(file).ok()?;
    match parts.as_slice() {
        [logs, namespace, pod, container] if logs == "logs" => {
            let (container, previous) = match container.strip_suffix(".previous.log") {
                Some(c) => (c, true),
                None => (container.strip_suffix(".log")?, false),
            };
            Some(vec![(
                LogKey {
                    namespace: namespace.clone(),
                    pod: pod.clone(),
                    container: container.to_string(),
                    previous,
                },
                text,
            )])
        }
        [namespace, pod, logs] if logs == "logs.txt" => Some(dump_logs(namespace, pod, &text)),
        _ => None,
    }
}

/// `kubectl cluster-info dump` writes every container's current log into
/// one file, each under a `==== START logs for container C of pod NS/P ====`
/// line.
fn dump_logs(namespace: &str, pod: &str, text: &str) -> Vec<(LogKey, String)> {
    let mut out: Vec<(LogKey, String)> = Vec::new();
    for line in text.lines() {
        let container = line
            .strip_prefix("==== START logs for container ")
            .and_then(|rest| rest.split_once(" of pod "))
            .map(|(container, _)| container.to_string());
        match (container, out.last_mut()) {
            (Some(container), _) => out.push((
                LogKey {
                    namespace: namespace.to_string(),
                    pod: pod.to_string(),
                    container,
                    previous: false,
                },
                String::new(),
            )),
            (None, Some((_, log))) if !line.starts_with("==== END logs for container") => {
                log.push_str(line);
                log.push('\n');
            }
            _ => {}
        }
    }
    out
}

fn uid(value: &Value) -> Option<&str> {
    match &value["metadata"]["uid"] {
        Value::String(uid) if !uid.is_empty() => Some(uid),
        _ => None,
    }
}

fn identity_key(kind: &str, namespace: Option<&str>, name: &str) -> String {
    format!("{kind}/{}/{name}", namespace.unwrap_or_default())
}

/// What an Event is about, by uid and by identity: core/v1 names it
/// `involvedObject`, events.k8s.io/v1 `regarding`.
fn event_keys(event: &Value) -> Vec<String> {
    let mut keys = Vec::new();
    for field in ["involvedObject", "regarding"] {
        let about = &event[field];
        if let Value::String(uid) = &about["uid"]
            && !uid.is_empty()
        {
            keys.push(uid.to_string());
        }
        if let (Value::String(kind), Value::String(name)) = (&about["kind"], &about["name"]) {
            let namespace = match &about["namespace"] {
                Value::String(ns) => Some(ns.as_ref()),
                _ => None,
            };
            keys.push(identity_key(kind, namespace, name));
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// When an Event last happened, in either API's fields (RFC 3339 sorts as text).
pub fn event_time(event: &Object) -> String {
    let value = &event.value;
    for candidate in [
        &value["lastTimestamp"],
        &value["series"]["lastObservedTime"],
        &value["eventTime"],
        &value["deprecatedLastTimestamp"],
        &value["metadata"]["creationTimestamp"],
    ] {
        if let Value::String(time) = candidate
            && !time.is_empty()
        {
            return time.to_string();
        }
    }
    String::new()
}

/// Seconds since the Unix epoch of an RFC 3339 time as the API writes it
/// (`2026-12-07T23:40:00Z`, fractions and offsets allowed).
pub fn unix_seconds(text: &str) -> Option<i64> {
    let number = |range: std::ops::Range<usize>| -> Option<i64> { text.get(range)?.parse().ok() };
    let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
    let (hour, minute, second) = (number(11..13)?, number(14..16)?, number(17..19)?);
    if text
        .as_bytes()
        .get(10)
        .is_none_or(|b| !matches!(b, b'T' | b't' | b' '))
        || !(1..=12).contains(&month)
    {
        return None;
    }
    let rest = &text[19..];
    let zone = rest.trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
    let offset = match zone {
        "Z" | "z" | "" => 0,
        _ => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let hours: i64 = zone.get(1..3)?.parse().ok()?;
            let minutes: i64 = zone.get(4..6)?.parse().ok()?;
            sign * (hours * 3600 + minutes * 60)
        }
    };
    // Days from the civil date (proleptic Gregorian), as in Howard Hinnant's
    // well-known algorithm.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    let days = era * 146_097 + day_of_era - 719_468;
    Some(days * 86_400 + hour * 3600 + minute * 60 + second - offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_keep_their_keys_and_lose_their_values() {
        let secret: Value = serde_json::from_str(r#"{"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "db", "managedFields": [{}]}, "data": {"password": "aHVudGVyMg=="}}"#).unwrap();
        let kept = prepare(secret, "", "").unwrap();
        assert_eq!(kept.value["data"]["password"], Value::from(""));
        assert_eq!(kept.value["metadata"]["managedFields"], Value::Undefined);
    }

    #[test]
    fn typed_list_items_get_their_kind() {
        let list: Value = serde_json::from_str(
            r#"{"apiVersion": "v1", "kind": "PodList", "items": [{"metadata": {"name": "a"}}]}"#,
        )
        .unwrap();
        let (listed, items) = list_items(list);
        assert_eq!(listed, Some(("Pod".to_string(), "v1".to_string())));
        let pod = prepare(items.into_iter().next().unwrap(), "Pod", "v1").unwrap();
        assert_eq!(pod.id.kind, "Pod");
    }

    #[test]
    fn api_times_read_as_epoch_seconds() {
        assert_eq!(unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(unix_seconds("2026-12-07T23:40:00Z"), Some(1_796_686_800));
        assert_eq!(
            unix_seconds("2026-12-07T23:40:00.123456Z"),
            Some(1_796_686_800)
        );
        assert_eq!(
            unix_seconds("2026-12-08T01:40:00+02:00"),
            Some(1_796_686_800)
        );
        assert_eq!(unix_seconds("2024-02-29T12:00:00Z"), Some(1_709_208_000));
        assert_eq!(unix_seconds("yesterday"), None);
        assert_eq!(unix_seconds(""), None);
    }

    #[test]
    fn the_dump_format_splits_logs_per_container() {
        let text = "==== START logs for container api of pod payments/api-1 ====\nfirst\nsecond\n==== END logs for container api of pod payments/api-1 ====\n==== START logs for container proxy of pod payments/api-1 ====\nthird\n";
        let logs = dump_logs("payments", "api-1", text);
        assert_eq!(logs.len(), 2);
        assert_eq!(logs[0].0.container, "api");
        assert_eq!(logs[0].1, "first\nsecond\n");
        assert_eq!(logs[1].1, "third\n");
    }
}
