//! `guard generate`: what it writes for every example Blueprint passes
//! `guard check --blueprint` with every bundled rule, and its output for the
//! shop and for a bare Python runtime is golden (testdata/generate/shop and
//! python; `GUARD_BLESS=1 cargo test` rewrites them).

mod support;

use guard::blueprint::Blueprint;
use guard::engine::BlueprintInput;
use guard::generate::{GeneratedFile, Options, generate, write_dir};
use guard::policy::ProfileSelection;
use guard::source::Input;
use std::path::{Path, PathBuf};
use support::{Run, guard};

/// Every Blueprint under `dir` (files that declare `kind: Blueprint`),
/// recursively, but for the deliberately invalid ones.
fn blueprints_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "invalid") {
                blueprints_under(&path, out);
            }
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "md")
            && std::fs::read_to_string(&path).is_ok_and(|t| t.contains("kind: Blueprint"))
        {
            out.push(path);
        }
    }
}

/// A fresh directory under the target directory.
fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

#[test]
fn generated_manifests_pass_every_rule_for_every_example_blueprint() {
    let mut files = Vec::new();
    blueprints_under(Path::new("docs/blueprints"), &mut files);
    blueprints_under(Path::new("testdata/blueprint"), &mut files);
    assert!(files.len() >= 6, "{files:?}");
    for (i, file) in files.iter().enumerate() {
        let blueprint = Blueprint::load(file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let dir = scratch(&format!("generate-{i}"));
        let generated = generate(blueprint.facts(), &Options::default());
        write_dir(&generated, &dir).unwrap();
        let engine = support::engine(&guard::engine::Options {
            profile: Some(ProfileSelection::All),
            blueprint: Some(BlueprintInput::File(file.clone())),
            ..support::options()
        });
        let report = support::check(&engine, Input::load_paths(&[dir]));
        assert!(
            report.errors.is_empty(),
            "{}: {:?}",
            file.display(),
            report.errors
        );
        let findings: Vec<String> = report
            .findings
            .iter()
            .map(|f| format!("{} {}: {}", f.rule, support::position(f), f.message))
            .collect();
        assert!(
            findings.is_empty(),
            "{}: {} findings\n{}",
            file.display(),
            findings.len(),
            findings.join("\n")
        );
        let components = blueprint.facts().components.len();
        assert_eq!(generated.len(), components + 1, "{}", file.display());
        assert!(report.summary.documents > components, "{}", file.display());
    }
}

/// The control for the test above: zero findings must mean the spec rules
/// ran, so the same manifests held to a Blueprint that asks for more replicas
/// and another image are reported at both lines.
#[test]
fn generated_manifests_held_to_another_blueprint_drift() {
    let shop = std::fs::read_to_string("docs/blueprints/shop.yaml").unwrap();
    let original = Blueprint::parse("shop.yaml".into(), &shop, false).unwrap();
    let changed_text = shop
        .replace("replicas: 2 ", "replicas: 3 ")
        .replace("ghcr.io/acme/backend", "ghcr.io/acme/api");
    let dir = scratch("generate-drift");
    write_dir(&generate(original.facts(), &Options::default()), &dir).unwrap();
    let engine = support::engine(&guard::engine::Options {
        profile: Some(ProfileSelection::All),
        blueprint: Some(BlueprintInput::Text {
            name: "shop.yaml".into(),
            text: changed_text,
            markdown: false,
        }),
        ..support::options()
    });
    let report = support::check(&engine, Input::load_paths(&[dir]));
    let mut rules: Vec<(&str, &str)> = report
        .findings
        .iter()
        .map(|f| {
            let object = f.object.name.as_deref().unwrap_or_default();
            (f.rule.as_str(), object)
        })
        .collect();
    rules.sort();
    assert_eq!(
        rules,
        [
            ("GRD603", "backend"),
            ("GRD603", "frontend"),
            ("GRD604", "backend")
        ]
    );
    assert!(report.findings.iter().all(|f| f.spec_location.is_some()));
}

/// Holds what the generator writes for `blueprint` to the goldens in `dir`.
fn generated_manifests_are_golden(blueprint: &str, dir: &str) {
    let blueprint = Blueprint::load(Path::new(blueprint)).unwrap();
    let generated = generate(blueprint.facts(), &Options::default());
    let dir = Path::new(dir);
    if std::env::var_os("GUARD_BLESS").is_some() {
        // Files the generator no longer writes go with the old goldens.
        let _ = std::fs::remove_dir_all(dir);
    }
    for GeneratedFile { name, text } in &generated {
        support::golden(dir.join(name), text);
    }
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let mut expected: Vec<&str> = generated.iter().map(|f| f.name.as_str()).collect();
    expected.sort();
    assert_eq!(names, expected, "files in {}", dir.display());
}

#[test]
fn generated_shop_manifests_are_golden() {
    generated_manifests_are_golden("docs/blueprints/shop.yaml", "testdata/generate/shop");
}

/// A runtime alone gives the image and the port.
#[test]
fn generated_python_manifests_are_golden() {
    generated_manifests_are_golden(
        "testdata/blueprint/python/blueprint.yaml",
        "testdata/generate/python",
    );
}

#[test]
fn generation_is_deterministic_and_the_markdown_blueprint_gives_the_same_manifests() {
    let yaml = Blueprint::load(Path::new("testdata/blueprint/shop/blueprint.yaml")).unwrap();
    let markdown = Blueprint::load(Path::new("testdata/blueprint/shop/infra-spec.md")).unwrap();
    let options = Options::default();
    assert_eq!(
        generate(yaml.facts(), &options),
        generate(yaml.facts(), &options)
    );
    assert_eq!(
        generate(yaml.facts(), &options),
        generate(markdown.facts(), &options)
    );
}

#[test]
fn cli_generate_writes_a_directory_that_checks_clean_or_prints_to_stdout() {
    let dir = scratch("cli-generate");
    let out = dir.join("manifests");
    let out = out.to_str().unwrap();
    let Run { code, stderr, .. } = guard(&[
        "generate",
        "--blueprint",
        "docs/blueprints/shop.md",
        "-o",
        out,
        "--image-tag",
        "2.1.0",
    ]);
    assert_eq!(code, 0, "{stderr}");
    for name in [
        "00-namespace.yaml",
        "backend.yaml",
        "frontend.yaml",
        "db.yaml",
    ] {
        assert!(Path::new(out).join(name).is_file(), "{name}");
    }
    let Run { code, stdout, .. } = guard(&["check", "--blueprint", "docs/blueprints/shop.md", out]);
    assert_eq!(code, 0, "{stdout}");

    let Run { code, stdout, .. } = guard(&[
        "generate",
        "--blueprint",
        "testdata/blueprint/large/blueprint.yaml",
        "-o",
        "-",
    ]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("image: ghcr.io/acme/worker-2:1.0.0\n"),
        "{stdout}"
    );
    let Run { code, stdout, .. } = guard(&[
        "generate",
        "--blueprint",
        "docs/blueprints/scaffold.yaml",
        "-o",
        "-",
        "--image-tag",
        "2.1.0",
    ]);
    assert_eq!(code, 0);
    assert!(
        stdout.contains("image: ghcr.io/acme/api:2.1.0\n"),
        "{stdout}"
    );

    let Run { code, stderr, .. } = guard(&[
        "generate",
        "--blueprint",
        "testdata/blueprint/invalid/bad-quantity.yaml",
        "-o",
        "-",
    ]);
    assert_eq!(code, 2);
    assert!(stderr.contains("bad-quantity.yaml:10:7"), "{stderr}");
    let Run { code, .. } = guard(&[
        "generate",
        "--blueprint",
        "docs/blueprints/shop.yaml",
        "-o",
        "-",
        "--image-tag",
        "-bad",
    ]);
    assert_eq!(code, 2);
}
