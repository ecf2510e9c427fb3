//! `guard check` over the shared real-world corpus (../shared/corpus/real):
//! everything loads and is evaluated, the known-bad documents are reported at
//! their positions, and findings point at the right lines.

mod support;

use guard::source::Input;
use std::path::PathBuf;

/// The shared corpus: `GUARD_CORPUS`, or `../shared/corpus/real` beside the
/// checkout. Its absence fails the tests, loudly: a skipped corpus test
/// would let a change to the engine through unchecked.
fn corpus() -> PathBuf {
    let dir = std::env::var_os("GUARD_CORPUS")
        .map_or_else(|| PathBuf::from("../shared/corpus/real"), PathBuf::from);
    assert!(
        dir.is_dir(),
        "no corpus at {}: check out the shared corpus beside this repository, or set GUARD_CORPUS=DIR",
        dir.display()
    );
    dir
}

/// A finding's location, which every finding on files has.
fn located(f: &guard::core::Finding) -> &guard::core::Location {
    f.location
        .as_ref()
        .unwrap_or_else(|| panic!("a finding on a file without a location: {f:?}"))
}

#[test]
fn the_whole_corpus_is_loaded_and_checked() {
    let dir = corpus();
    let input = Input::load_paths(&[dir]);
    assert_eq!(input.sources.len(), 637);
    let report = support::check(&support::bundled(), input);
    assert!(report.errors.is_empty(), "{:#?}", report.errors);
    assert_eq!(report.summary.documents, 1163);
    let duplicates: Vec<String> = report
        .findings
        .iter()
        .filter(|f| f.rule == "GRD001")
        .map(|f| {
            format!(
                "{}:{}:{}",
                located(f).file.rsplit("real/").next().unwrap(),
                located(f).line,
                located(f).column
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
            .find(|s| s.name == located(finding).file)
            .unwrap();
        let line = source
            .text
            .lines()
            .nth(located(finding).line as usize - 1)
            .unwrap();
        let field = finding.path.rsplit('.').next().unwrap();
        assert!(line.contains(field), "{finding:?} points at {line:?}");
    }
}

/// Every finding on the corpus, one line each, held to a golden file: speed
/// work on the engine, the loader and the rules must not change a single
/// finding. The golden is the compact report with the corpus directory left
/// out of the paths, as `guard check ../shared/corpus/real --format compact |
/// sed 's|^../shared/corpus/real/||'` prints it. `GUARD_BLESS=1 cargo test
/// --test corpus` rewrites it after a deliberate change, and the diff shows
/// what moved.
#[test]
fn findings_on_the_corpus_are_golden() {
    let dir = corpus();
    let prefix = format!("{}/", dir.display());
    let report = support::check(&support::bundled(), Input::load_paths(&[dir]));
    let mut compact = Vec::new();
    guard::report::render(
        &report,
        guard::report::Format::Compact,
        guard::report::RenderOptions::default(),
        &mut compact,
    )
    .unwrap();
    let actual: String = String::from_utf8(compact)
        .unwrap()
        .lines()
        .map(|line| format!("{}\n", line.strip_prefix(&prefix).unwrap_or(line)))
        .collect();
    support::golden("testdata/corpus/findings.golden", &actual);
}
