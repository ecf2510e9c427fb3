//! `guard check` over the shared real-world corpus (../shared/corpus/real):
//! everything loads and is evaluated, the known-bad documents are reported at
//! their positions, and findings point at the right lines.

use guard::check::check;
use guard::config::Config;
use guard::policy::{PolicySet, Selection};
use guard::source::Input;
use std::collections::HashSet;
use std::path::PathBuf;

fn corpus() -> Option<PathBuf> {
    let dir = PathBuf::from("../shared/corpus/real");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("skipped: no corpus at {}", dir.display());
        None
    }
}

#[test]
fn the_whole_corpus_is_loaded_and_checked() {
    let Some(dir) = corpus() else { return };
    let input = Input::load_paths(&[dir]);
    assert_eq!(input.sources.len(), 637);
    let policies = PolicySet::bundled(&Selection::default()).unwrap();
    let report = check(&policies, &Config::default(), input).unwrap();
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_eq!(report.summary.documents, 1163);
    let duplicates: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule == "GRD001")
        .map(|f| {
            format!(
                "{}:{}:{}",
                f.location.file.rsplit("real/").next().unwrap(),
                f.location.line,
                f.location.column
            )
        })
        .collect();
    assert_eq!(
        duplicates,
        [
            "kubernetes-examples/_archived/openshift-origin/etcd-controller.yaml:12:3",
            "kubernetes-examples/_archived/openshift-origin/etcd-discovery-controller.yaml:12:3",
            "kubernetes-examples/_archived/openshift-origin/openshift-controller.yaml:12:3",
            "kubernetes-examples/_archived/persistent-volume-provisioning/quobyte/quobyte-admin-secret.yaml:9:1",
            "kubernetes-examples/_archived/volumes/scaleio/sc-pvc.yaml:12:3",
        ]
    );
    // Every finding's line holds the field it names (or, for a missing field,
    // an ancestor of it): the last existing path key appears on that line.
    for finding in report
        .findings
        .iter()
        .filter(|f| f.rule == "GRD101" || f.rule == "GRD102")
    {
        let source = report
            .sources
            .iter()
            .find(|s| s.name == finding.location.file)
            .unwrap();
        let line = source
            .text
            .lines()
            .nth(finding.location.line as usize - 1)
            .unwrap();
        let field = finding.location.path.rsplit('.').next().unwrap();
        assert!(line.contains(field), "{finding:?} points at {line:?}");
    }
}

/// Every finding on the corpus, one line each, held to a golden file: speed
/// work on the engine, the loader and the rules must not change a single
/// finding. `GUARD_BLESS=1 cargo test --test corpus` rewrites it after a
/// deliberate change, and the diff shows what moved.
#[test]
fn findings_on_the_corpus_are_golden() {
    let Some(dir) = corpus() else { return };
    let policies = PolicySet::bundled(&Selection::default()).unwrap();
    let report = check(&policies, &Config::default(), Input::load_paths(&[dir])).unwrap();
    let actual: String = report
        .findings
        .iter()
        .map(|f| {
            format!(
                "{} {}:{}:{} {} {}: {}\n",
                f.rule,
                f.location.file.rsplit("real/").next().unwrap(),
                f.location.line,
                f.location.column,
                f.severity,
                f.object,
                f.message
            )
        })
        .collect();
    let path = PathBuf::from("testdata/corpus/findings.golden");
    if std::env::var_os("GUARD_BLESS").is_some() {
        std::fs::write(&path, &actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path)
        .unwrap_or_else(|_| panic!("no {} (run with GUARD_BLESS=1)", path.display()));
    let expected: Vec<&str> = expected.lines().collect();
    let actual: Vec<&str> = actual.lines().collect();
    let (was, is): (HashSet<&str>, HashSet<&str>) = (
        expected.iter().copied().collect(),
        actual.iter().copied().collect(),
    );
    let missing: Vec<&&str> = expected.iter().filter(|l| !is.contains(*l)).collect();
    let new: Vec<&&str> = actual.iter().filter(|l| !was.contains(*l)).collect();
    assert!(
        missing.is_empty() && new.is_empty() && expected == actual,
        "{} findings no longer reported, {} new (first of each below); \
         GUARD_BLESS=1 rewrites {} if the change is meant\n- {:?}\n+ {:?}",
        missing.len(),
        new.len(),
        path.display(),
        missing.first(),
        new.first()
    );
}
