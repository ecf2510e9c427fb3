//! One test per analyzer, as per bundled rule: each fires on its fixture,
//! `testdata/analyzers/<ID>/`, at the object and with the words its
//! `expect.json` names. `cargo test GRD700` runs one.

mod support;

use guard::analyze::{ANALYZERS, Scope, analyze};
use guard::cluster::Snapshot;
use serde_json::Value;
use std::path::Path;

/// The engine for a fixture: held to its `blueprint.yaml` when it has one.
fn guard_for(dir: &Path) -> guard::engine::Guard {
    let blueprint = dir.join("blueprint.yaml");
    if blueprint.exists() {
        support::with_blueprint(&blueprint)
    } else {
        support::bundled()
    }
}

fn fires_on_its_fixture(id: &str) {
    let dir = Path::new(support::ROOT).join("testdata/analyzers").join(id);
    let expect: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expect.json")).unwrap()).unwrap();
    let guard = guard_for(&dir);
    let snapshot = Snapshot::load_dir(&dir).expect("the fixture reads");
    assert!(
        snapshot.diagnostics.is_empty(),
        "{:?}",
        snapshot.diagnostics
    );
    let report = analyze(&guard, &snapshot, &Scope::default());
    let found: Vec<&guard::core::Finding> =
        report.findings.iter().filter(|f| f.rule == id).collect();
    let object = &expect["object"];
    let at = found.iter().find(|f| {
        Some(f.object.kind.as_str()) == object["kind"].as_str()
            && f.object.namespace.as_deref() == object["namespace"].as_str()
            && f.object.name.as_deref() == object["name"].as_str()
    });
    let Some(finding) = at else {
        panic!("{id} did not fire at {object} in its fixture; it found {found:#?}");
    };
    let words = expect["message"].as_str().unwrap();
    assert!(
        finding.message.contains(words),
        "{id}: {:?} lacks {words:?}",
        finding.message
    );
    assert_eq!(found.len(), 1, "{id} fired more than once: {found:#?}");
    let fix = finding.fix.as_ref().expect("every finding says what to do");
    assert!(!fix.description.is_empty());
}

#[test]
fn every_analyzer_has_a_fixture() {
    for analyzer in ANALYZERS {
        let dir = Path::new(support::ROOT)
            .join("testdata/analyzers")
            .join(analyzer.id);
        assert!(
            dir.join("expect.json").exists(),
            "{} has no fixture in {}",
            analyzer.id,
            dir.display()
        );
    }
}

macro_rules! analyzer_tests {
    ($($id:ident)*) => {
        $(
            #[test]
            #[allow(non_snake_case)]
            fn $id() {
                fires_on_its_fixture(stringify!($id));
            }
        )*

        #[test]
        fn the_list_of_tests_is_the_registry() {
            let tested = [$(stringify!($id)),*];
            let registered: Vec<&str> = ANALYZERS.iter().map(|a| a.id).collect();
            assert_eq!(tested.as_slice(), registered.as_slice());
        }
    };
}

analyzer_tests! {
    GRD700 GRD701 GRD702 GRD703 GRD704 GRD705 GRD706 GRD707 GRD708
    GRD720 GRD721 GRD722 GRD723 GRD724 GRD725
    GRD740 GRD741 GRD742 GRD743
    GRD750 GRD751 GRD752 GRD753
    GRD760 GRD761 GRD762
    GRD770 GRD771 GRD772 GRD773
    GRD780 GRD781
}

/// Realistic inputs on which analyzers once fired wrongly: each
/// `testdata/analyzers/quiet/<case>/expect.json` says which must stay quiet, and why.
#[test]
fn realistic_cases_stay_quiet() {
    let root = Path::new(support::ROOT).join("testdata/analyzers/quiet");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    cases.sort();
    assert!(!cases.is_empty());
    for dir in cases {
        let expect: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join("expect.json")).unwrap())
                .unwrap();
        let guard = guard_for(&dir);
        let snapshot = Snapshot::load_dir(&dir).expect("the case reads");
        let report = analyze(&guard, &snapshot, &Scope::default());
        for id in expect["quiet"].as_array().unwrap() {
            let fired: Vec<&String> = report
                .findings
                .iter()
                .filter(|f| f.rule == *id)
                .map(|f| &f.message)
                .collect();
            assert!(
                fired.is_empty(),
                "{}: {id} fired ({}): {fired:?}",
                dir.display(),
                expect["why"]
            );
        }
    }
}

/// Every value under `key` objects replaced by `with`, everywhere below.
fn mangle(value: &mut Value, with: &Value, depth: usize) {
    match value {
        Value::Object(map) => {
            for (key, field) in map.iter_mut() {
                // Keep identity, so objects stay objects guard can name.
                if depth == 0 && matches!(key.as_str(), "apiVersion" | "kind" | "metadata") {
                    continue;
                }
                if depth >= 1 && !field.is_object() {
                    *field = with.clone();
                } else {
                    mangle(field, with, depth + 1);
                }
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| mangle(item, with, depth + 1)),
        _ => {}
    }
}

/// The fuzz target's property on stable Rust: the analyzers read every
/// fixture with every field of the wrong type without panicking.
#[test]
fn mistyped_fields_never_panic() {
    let guard = support::bundled();
    let root = Path::new(support::ROOT).join("testdata/analyzers");
    for analyzer in ANALYZERS {
        let dir = root.join(analyzer.id);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.retain(|f| f.extension().is_some_and(|e| e == "json") && !f.ends_with("expect.json"));
        for with in [
            Value::Null,
            Value::from("x"),
            Value::from(-1),
            serde_json::json!([]),
            serde_json::json!({}),
        ] {
            let mut objects = Vec::new();
            for file in &files {
                let list: Value =
                    serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
                for mut item in list["items"].as_array().cloned().unwrap_or_default() {
                    mangle(&mut item, &with, 0);
                    objects.extend(guard::cluster::live_object(item.into()));
                }
            }
            let snapshot = Snapshot::new(objects, []);
            std::hint::black_box(analyze(&guard, &snapshot, &Scope::default()));
        }
    }
}

/// Reads a fixture's objects, with `edit` applied to each item first.
fn fixture_with(id: &str, edit: impl Fn(&mut Value)) -> Snapshot {
    let dir = Path::new(support::ROOT).join("testdata/analyzers").join(id);
    let mut objects = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let file = entry.unwrap().path();
        if file.extension().is_none_or(|e| e != "json") || file.ends_with("expect.json") {
            continue;
        }
        let list: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        for mut item in list["items"].as_array().cloned().unwrap_or_default() {
            edit(&mut item);
            objects.extend(guard::cluster::live_object(item.into()));
        }
    }
    Snapshot::new(objects, [])
}

#[test]
fn an_annotation_waives_an_analyzer_finding_and_a_stale_one_is_reported() {
    let guard = support::bundled();
    let annotate = |text: &'static str| {
        move |item: &mut Value| {
            if item["kind"] == "Deployment" && item["metadata"]["name"] == "api" {
                item["metadata"]["annotations"]["guard.dev/ignore"] = Value::from(text);
            }
        }
    };
    let waived = analyze(
        &guard,
        &fixture_with("GRD700", annotate("GRD700: known crash, fixed in 1.5")),
        &Scope::default(),
    );
    assert!(waived.findings.iter().all(|f| f.rule != "GRD700"));
    assert!(waived.summary.suppressed >= 1);
    // A waiver of an analyzer that finds nothing there is itself a finding.
    let stale = analyze(
        &guard,
        &fixture_with("GRD700", annotate("GRD702: was OOM-killed last year")),
        &Scope::default(),
    );
    assert!(stale.findings.iter().any(|f| f.rule == "GRD700"));
    let unused: Vec<&String> = stale
        .findings
        .iter()
        .filter(|f| f.message.contains("GRD702"))
        .map(|f| &f.message)
        .collect();
    assert_eq!(unused.len(), 1, "{:#?}", stale.findings);
}
