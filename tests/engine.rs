//! The library facade every front end uses: compile once, then check objects
//! from files, from a cluster, or from one admission request, with the same
//! findings, waivers and severities.

mod support;

use guard::core::{Object, ObjectRef, Origin, Severity};
use guard::source::{Input, object_ref};
use regorus::Value;
use std::sync::Arc;

const PRIVILEGED: &str = r#"
apiVersion: v1
kind: Pod
metadata:
  name: debug
  namespace: shop
spec:
  containers:
    - name: shell
      image: busybox:1.36
      securityContext:
        privileged: true
"#;

/// `text` as an object read from a cluster: no file, so no positions.
fn live(text: &str) -> Object {
    let input = Input::from_text(Arc::from("unused"), text);
    let value: Value = input.objects[0].value.clone();
    let id: ObjectRef = object_ref(&value).unwrap();
    Object::unplaced(
        id,
        value,
        Origin::Cluster {
            uid: Some("8d1c1c4e-8d2f-4b5b-9a4e-3c1c2b6c9a10".into()),
            resource_version: Some("4711".into()),
        },
    )
}

#[test]
fn a_live_object_is_named_with_its_field_and_no_file() {
    let guard = support::bundled();
    let object = live(PRIVILEGED);
    let evaluation = guard.evaluation(std::slice::from_ref(&object)).unwrap();
    let outcome = evaluation.check(&[&object]);
    assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
    let privileged = outcome
        .findings
        .iter()
        .find(|f| f.rule == "GRD101")
        .expect("GRD101 fires on a live object");
    assert_eq!(privileged.location, None);
    assert_eq!(privileged.object.to_string(), "Pod shop/debug");
    assert_eq!(
        privileged.path,
        "spec.containers[0].securityContext.privileged"
    );
    assert_eq!(privileged.severity, Severity::Error);
    assert!(privileged.fix.is_some(), "the rule's fix is applied");
}

#[test]
fn an_admission_object_is_checked_alone_as_in_the_batch() {
    let guard = support::bundled();
    let text = PRIVILEGED;
    let input = Input::from_text(Arc::from("pod.yaml"), text);
    let batch = support::check(&guard, input);
    let mut object = live(text);
    object.origin = Origin::Admission {
        uid: "705ab4f5-6393-11e8-b7cc-42010a800002".into(),
        operation: "CREATE".into(),
        user: "agent".into(),
    };
    let evaluation = guard.evaluation(&[]).unwrap();
    let request = serde_json::json!({
        "uid": "705ab4f5-6393-11e8-b7cc-42010a800002",
        "operation": "CREATE",
        "namespace": "shop",
        "userInfo": {"username": "agent"},
    });
    let outcome = evaluation.check_request(&object, &Value::from(request));
    let rules = |findings: &[guard::core::Finding]| {
        let mut ids: Vec<(String, String)> = findings
            .iter()
            .map(|f| (f.rule.clone(), f.path.clone()))
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(rules(&outcome.findings), rules(&batch.findings));
}

#[test]
fn an_annotation_waives_the_findings_of_its_own_live_object() {
    let guard = support::bundled();
    let waived = PRIVILEGED.replace(
        "  namespace: shop\n",
        "  namespace: shop\n  annotations:\n    guard.dev/ignore: \"GRD101: a debugging pod, deleted after use\"\n",
    );
    let object = live(&waived);
    let other = live(&PRIVILEGED.replace("name: debug", "name: other"));
    let evaluation = guard.evaluation(&[]).unwrap();
    let outcome = evaluation.check(&[&object, &other]);
    let privileged: Vec<String> = outcome
        .findings
        .iter()
        .filter(|f| f.rule == "GRD101")
        .map(|f| f.object.to_string())
        .collect();
    assert_eq!(privileged, ["Pod shop/other"]);
    assert!(outcome.suppressed >= 1);
    assert!(!outcome.findings.iter().any(|f| f.rule == "GRD003"));
}

#[test]
fn one_engine_serves_many_evaluations() {
    let guard = support::bundled();
    let object = live(PRIVILEGED);
    for _ in 0..3 {
        let clone = guard.clone();
        let evaluation = clone.evaluation(std::slice::from_ref(&object)).unwrap();
        assert!(
            evaluation
                .check(&[&object])
                .findings
                .iter()
                .any(|f| f.rule == "GRD101")
        );
    }
    assert!(Arc::ptr_eq(guard.rules(), guard.clone().rules()));
}

#[test]
fn excluded_files_are_not_read_at_all() {
    // vendor/broken.yaml does not parse and repeats keys; excluded, it must
    // not make the run exit 3 (nor report GRD001).
    let run = support::guard_in(
        &std::path::Path::new(support::ROOT).join("testdata/engine/excluded"),
        &["check", ".", "--format", "json"],
    );
    let report = run.expect_code(0).json();
    assert_eq!(report["errors"], serde_json::json!([]), "{}", run.stdout);
    assert_eq!(report["summary"]["files"], 1);
    assert!(!run.stdout.contains("broken"), "{}", run.stdout);
}
