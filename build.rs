//! Embeds the bundled policies: every `.rego` file under `rego/`, and each
//! rule's failing fixture (`testdata/rules/<ID>/fail.yaml`), which `guard
//! explain` shows as the rule's example. Dropping a file in is registering it.

use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    println!("cargo:rerun-if-changed=rego");
    println!("cargo:rerun-if-changed=testdata/rules");

    let mut policies = Vec::new();
    collect(&root.join("rego"), "rego", &mut policies);
    policies.sort();
    let mut out = String::from("pub static POLICIES: &[(&str, &str)] = &[\n");
    for rel in &policies {
        writeln!(
            out,
            "    ({rel:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/{rel}\"))),"
        )
        .unwrap();
    }
    out.push_str("];\n\npub static EXAMPLES: &[(&str, &str)] = &[\n");
    let mut examples = Vec::new();
    if let Ok(entries) = std::fs::read_dir(root.join("testdata/rules")) {
        for entry in entries.flatten() {
            let id = entry.file_name().to_string_lossy().into_owned();
            if entry.path().join("fail.yaml").is_file() {
                examples.push(id);
            }
        }
    }
    examples.sort();
    for id in &examples {
        writeln!(out, "    ({id:?}, include_str!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/testdata/rules/{id}/fail.yaml\"))),").unwrap();
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    std::fs::write(out_dir.join("bundled.rs"), out).unwrap();

    // One test per rule fixture directory, so `cargo test GRD122` runs that
    // rule's fixtures alone (tests/rules.rs includes this file).
    let mut tests = String::new();
    for id in &examples {
        if id.chars().all(|c| c.is_ascii_alphanumeric()) {
            writeln!(
                tests,
                "#[test]\n#[allow(non_snake_case)]\nfn {id}() {{\n    fixtures({id:?});\n}}\n"
            )
            .unwrap();
        }
    }
    std::fs::write(out_dir.join("rule_tests.rs"), tests).unwrap();
}

fn collect(dir: &Path, rel: &str, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let child_rel = format!("{rel}/{name}");
        let path = entry.path();
        if path.is_dir() {
            collect(&path, &child_rel, out);
        } else if name.ends_with(".rego") && !name.ends_with("_test.rego") {
            out.push(child_rel);
        }
    }
}
