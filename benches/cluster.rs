//! `cargo bench --bench cluster [-- --pods 1000,10000,50000] [--no-live]`:
//! `guard analyze` on generated clusters, offline (`--snapshot`) and live
//! (through the kube client against the loopback API server of the tests),
//! side by side in one run. Reports wall time and peak RSS of the release
//! binary (from /usr/bin/time) and the library's phases; never asserts.
//!
//! A cluster is built from the objects of testdata/cluster/crashloop-missing-env:
//! its healthy `web` app (Deployment, ReplicaSet, two pods, Service, pod
//! metrics) copied under new names and uids, one app in 33 the crash-looping
//! `api` with its events and logs, 25 apps a namespace.

#[path = "../tests/support/apiserver/mod.rs"]
#[allow(dead_code)]
mod apiserver;

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

const SCENARIO: &str = "testdata/cluster/crashloop-missing-env";
const APPS_PER_NAMESPACE: usize = 25;
const BROKEN_EVERY: usize = 33;

/// The objects of one app of the scenario, as JSON text, by the file
/// (kind) they are listed in, and its logs.
struct App {
    base: &'static str,
    /// The pod-template hash in its names.
    hash: String,
    objects: Vec<(String, String)>,
    logs: Vec<(PathBuf, String)>,
}

fn read_list(file: &Path) -> Vec<Value> {
    let list: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    list["items"].as_array().cloned().unwrap_or_default()
}

fn belongs(object: &Value, base: &str) -> bool {
    let name = |v: &Value| v.as_str().unwrap_or_default().to_string();
    let own = name(&object["metadata"]["name"]);
    let about = name(&object["involvedObject"]["name"]);
    object["metadata"]["namespace"] == "shop"
        && [own, about]
            .iter()
            .any(|n| n == base || n.starts_with(&format!("{base}-")))
}

fn app(base: &'static str) -> App {
    let dir = Path::new(SCENARIO);
    let mut objects = Vec::new();
    let mut hash = String::new();
    for file in [
        "deployments",
        "replicasets",
        "pods",
        "services",
        "events",
        "metrics",
    ] {
        for object in read_list(&dir.join(format!("{file}.json"))) {
            if !belongs(&object, base) {
                continue;
            }
            if object["kind"] == "ReplicaSet" {
                hash = object["metadata"]["labels"]["pod-template-hash"]
                    .as_str()
                    .unwrap()
                    .to_string();
            }
            objects.push((file.to_string(), object.to_string()));
        }
    }
    let mut logs = Vec::new();
    let log_dir = dir.join("logs/shop");
    for pod in std::fs::read_dir(&log_dir).unwrap().flatten() {
        let pod_name = pod.file_name().to_string_lossy().into_owned();
        if !pod_name.starts_with(&format!("{base}-")) {
            continue;
        }
        for file in std::fs::read_dir(pod.path()).unwrap().flatten() {
            let relative = PathBuf::from(&pod_name).join(file.file_name());
            logs.push((relative, std::fs::read_to_string(file.path()).unwrap()));
        }
    }
    App {
        base,
        hash,
        objects,
        logs,
    }
}

/// A uid for `template`'s object in app `instance`: the same everywhere the
/// template's uid appears (ownerReferences, involvedObject).
fn uid(instance: usize, template: &str) -> String {
    let seed = template
        .bytes()
        .fold(instance as u64 * 0x9e37_79b9_7f4a_7c15, |h, b| {
            h.rotate_left(5) ^ u64::from(b)
        });
    format!(
        "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        seed as u32,
        (seed >> 32) as u16,
        (seed >> 48) & 0xfff,
        instance & 0xfff,
        instance
    )
}

fn instantiate(
    app: &App,
    text: &str,
    namespace: &str,
    name: &str,
    instance: usize,
    uids: &[String],
) -> String {
    let mut out = text
        .replace(
            &format!("{}-{}", app.base, app.hash),
            &format!("{name}-{}", app.hash),
        )
        .replace(&format!("\"{}\"", app.base), &format!("\"{name}\""))
        .replace("\"shop\"", &format!("\"{namespace}\""))
        .replace("_shop(", &format!("_{namespace}("));
    for template in uids {
        out = out.replace(template.as_str(), &uid(instance, template));
    }
    out
}

/// Writes a cluster of about `pods` pods to `dir` as kubectl's Lists.
fn generate(dir: &Path, pods: usize) -> usize {
    let healthy = app("web");
    let broken = app("api");
    let uid_pattern =
        regex::Regex::new("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}").unwrap();
    let uids_of = |app: &App| -> Vec<String> {
        let mut uids: Vec<String> = app
            .objects
            .iter()
            .flat_map(|(_, text)| {
                uid_pattern
                    .find_iter(text)
                    .map(|m| m.as_str().to_string())
                    .collect::<Vec<_>>()
            })
            .collect();
        uids.sort();
        uids.dedup();
        uids
    };
    let (healthy_uids, broken_uids) = (uids_of(&healthy), uids_of(&broken));
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let mut lists: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let apps = pods.div_ceil(2);
    let namespaces = apps.div_ceil(APPS_PER_NAMESPACE);
    for n in 0..namespaces {
        let namespace = format!("team-{n}");
        lists.entry("namespaces".into()).or_default().push(
            serde_json::json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": namespace, "uid": uid(n, "namespace"), "resourceVersion": "1", "creationTimestamp": "2026-12-01T00:00:00Z", "labels": {"kubernetes.io/metadata.name": namespace}}, "spec": {"finalizers": ["kubernetes"]}, "status": {"phase": "Active"}}).to_string(),
        );
    }
    for a in 0..apps {
        let namespace = format!("team-{}", a / APPS_PER_NAMESPACE);
        let (app, uids) = if a % BROKEN_EVERY == BROKEN_EVERY - 1 {
            (&broken, &broken_uids)
        } else {
            (&healthy, &healthy_uids)
        };
        let name = format!("{}{a}", app.base);
        for (file, text) in &app.objects {
            lists
                .entry(file.clone())
                .or_default()
                .push(instantiate(app, text, &namespace, &name, a, uids));
        }
        for (relative, text) in &app.logs {
            let relative = relative.to_string_lossy().replace(
                &format!("{}-{}", app.base, app.hash),
                &format!("{name}-{}", app.hash),
            );
            let (pod, file) = relative.split_once('/').unwrap();
            let file = file.replacen(app.base, &name, 1);
            let path = dir.join("logs").join(&namespace).join(pod).join(file);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
    }
    for file in ["nodes", "storageclasses"] {
        let items: Vec<String> = read_list(&Path::new(SCENARIO).join(format!("{file}.json")))
            .iter()
            .map(Value::to_string)
            .collect();
        lists.insert(file.into(), items);
    }
    let mut objects = 0;
    for (file, items) in lists {
        objects += items.len();
        let text = format!(
            "{{\"apiVersion\":\"v1\",\"kind\":\"List\",\"metadata\":{{\"resourceVersion\":\"\"}},\"items\":[{}]}}",
            items.join(",")
        );
        std::fs::write(dir.join(format!("{file}.json")), text).unwrap();
    }
    objects
}

/// Wall seconds and peak RSS (MiB) of one run of the release binary.
fn measure(args: &[&str]) -> (f64, f64) {
    let output = Command::new("/usr/bin/time")
        .args(["-f", "%e %M"])
        .arg(env!("CARGO_BIN_EXE_guard"))
        .args(args)
        .output()
        .expect("/usr/bin/time runs (apt-get install time)");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    let mut parts = last.split_whitespace();
    let seconds: f64 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN);
    let kib: f64 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN);
    (seconds, kib / 1024.0)
}

fn main() {
    // SAFETY: the first thing the bench does, before any thread exists.
    unsafe { guard::process::init() };
    let args: Vec<String> = std::env::args().collect();
    let sizes: Vec<usize> = args
        .iter()
        .position(|a| a == "--pods")
        .and_then(|i| args.get(i + 1))
        .map(|list| list.split(',').filter_map(|n| n.parse().ok()).collect())
        .unwrap_or_else(|| vec![1_000, 10_000, 50_000]);
    let live = !args.iter().any(|a| a == "--no-live");
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-clusters");
    println!(
        "{:>7} {:>8} {:>10} {:>10} {:>10} {:>10}",
        "pods", "objects", "snapshot s", "MiB", "live s", "MiB"
    );
    for pods in sizes {
        let dir = root.join(pods.to_string());
        let objects = generate(&dir, pods);
        let dir_text = dir.display().to_string();
        let offline = [
            "analyze",
            "--snapshot",
            &dir_text,
            "-A",
            "--format",
            "json",
            "-o",
            "/dev/null",
            "--no-fail",
        ];
        let (seconds, mib) = measure(&offline);
        let (live_seconds, live_mib) = if live && pods <= 10_000 {
            let runtime = tokio::runtime::Runtime::new().unwrap();
            let server =
                runtime.block_on(apiserver::ApiServer::start(apiserver::Scenario::load(&dir)));
            let kubeconfig = server.kubeconfig_path().display().to_string();
            let args = [
                "analyze",
                "--cluster",
                "--kubeconfig",
                &kubeconfig,
                "-A",
                "--format",
                "json",
                "-o",
                "/dev/null",
                "--no-fail",
            ];
            let measured = runtime.block_on(async {
                tokio::task::spawn_blocking(move || measure(&args))
                    .await
                    .unwrap()
            });
            runtime.block_on(server.stop());
            measured
        } else {
            (f64::NAN, f64::NAN)
        };
        println!(
            "{pods:>7} {objects:>8} {seconds:>10.2} {mib:>10.0} {live_seconds:>10.2} {live_mib:>10.0}"
        );
    }
}
