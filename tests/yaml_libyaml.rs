//! The loader against libyaml, the library kubectl's YAML reading was ported
//! from: generated edge cases and every file of the shared corpus are read by
//! guard and by `testdata/yaml/libyaml_reading.py` (PyYAML's CSafeLoader,
//! which is libyaml, with go-yaml v2's scalar resolution put back; that
//! script lists each difference it undoes). Both must load the same
//! documents with the same values and refuse the same ones at the same
//! line:column.
//!
//! Needs python3 with PyYAML built on libyaml (`.ci/run` installs it). In CI
//! (`CI` set) its absence fails the test; elsewhere the test says why it
//! skips.

use guard::source::parse_stream;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/testdata/yaml/libyaml_reading.py"
);

/// Cases where guard deliberately reads otherwise than PyYAML, and why.
/// Each must still differ: a case that starts to agree is taken off.
const KNOWN_DIVERGENCES: &[(&str, &str)] = &[
    (
        "anchor-redefined",
        "PyYAML's composer refuses a second anchor of one name; libyaml's parser and go-yaml \
         accept it and an alias names the latest, as guard does",
    ),
    (
        "flow-tag-before-comma",
        "libyaml reads a tag directly followed by `,` in a flow collection; libyaml-safer \
         panics there, which guard turns into a syntax error for that document",
    ),
    (
        "deep-nesting",
        "both refuse it; guard stops at 200 levels of nesting, where it names the error, \
         rather than at the end of the stream",
    ),
    (
        "merge-not-a-map",
        "both refuse it; PyYAML's constructor names the aliased scalar, guard the merge key \
         where the fix belongs",
    ),
    (
        "no-final-break-escape",
        "both refuse a stream ending in a backslash inside double quotes; libyaml-safer \
         panics there, and with the line break guard then adds, the error is the quote left \
         open, one column on",
    ),
];

/// What one side read from a stream.
#[derive(Debug)]
struct Reading {
    documents: Vec<Value>,
    /// Line and column of each error, in order.
    errors: Vec<(u64, u64)>,
    messages: Vec<String>,
}

fn guard_reading(text: &str) -> Reading {
    // As `Input::from_text` does before parsing.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let (docs, errors) = parse_stream(text);
    Reading {
        documents: docs
            .iter()
            .map(|doc| serde_json::from_str(&doc.value.to_json_str().unwrap()).unwrap())
            .collect(),
        errors: errors
            .iter()
            .map(|e| (u64::from(e.pos.line), u64::from(e.pos.column)))
            .collect(),
        messages: errors.iter().map(|e| e.message.clone()).collect(),
    }
}

/// Runs the libyaml side once over every text and path; `None` when python3
/// or PyYAML's libyaml binding is missing outside CI.
fn libyaml_readings(
    texts: &BTreeMap<String, String>,
    paths: &[PathBuf],
) -> Option<BTreeMap<String, Reading>> {
    let probe = Command::new("python3")
        .args(["-c", "import yaml; yaml.CSafeLoader"])
        .output();
    if !probe.as_ref().is_ok_and(|o| o.status.success()) {
        let why = "python3 with PyYAML's CSafeLoader (libyaml) is not installed";
        assert!(
            std::env::var_os("CI").is_none(),
            "{why}: CI must run this test"
        );
        eprintln!("skipping the libyaml comparison: {why} (pip install pyyaml)");
        return None;
    }
    let request = json!({
        "texts": texts,
        "paths": paths.iter().map(|p| p.to_string_lossy()).collect::<Vec<_>>(),
    });
    let mut child = Command::new("python3")
        .arg(SCRIPT)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(request.to_string().as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "{SCRIPT} failed");
    let readings: BTreeMap<String, Value> = serde_json::from_slice(&output.stdout).unwrap();
    Some(
        readings
            .into_iter()
            .map(|(name, reading)| {
                let errors = reading["errors"].as_array().unwrap();
                let reading = Reading {
                    documents: reading["documents"].as_array().unwrap().clone(),
                    errors: errors
                        .iter()
                        .map(|e| (e["line"].as_u64().unwrap(), e["column"].as_u64().unwrap()))
                        .collect(),
                    messages: errors
                        .iter()
                        .map(|e| e["message"].as_str().unwrap().to_string())
                        .collect(),
                };
                (name, reading)
            })
            .collect(),
    )
}

/// JSON equality with numbers compared by value: `1000` and `1000.0` are one
/// number to kubectl.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        _ => a == b,
    }
}

fn agree(guard: &Reading, libyaml: &Reading) -> bool {
    guard.errors == libyaml.errors
        && guard.documents.len() == libyaml.documents.len()
        && guard
            .documents
            .iter()
            .zip(&libyaml.documents)
            .all(|(a, b)| same(a, b))
}

fn describe(name: &str, text: &str, guard: &Reading, libyaml: &Reading) -> String {
    let short = |s: String| s.chars().take(400).collect::<String>();
    format!(
        "{name}: {}\n  guard:   {} {:?} {:?}\n  libyaml: {} {:?} {:?}",
        short(format!("{text:?}")),
        short(Value::from(guard.documents.clone()).to_string()),
        guard.errors,
        guard.messages,
        short(Value::from(libyaml.documents.clone()).to_string()),
        libyaml.errors,
        libyaml.messages,
    )
}

/// A two-line scalar in `style` (`double`, `single` or plain) under a key at
/// `depth` levels of nesting, its second line at `indent` columns.
fn wrapped(style: &str, depth: usize, indent: usize) -> String {
    let mut text = String::new();
    for level in 0..depth {
        text.push_str(&format!("{}level{level}:\n", "  ".repeat(level)));
    }
    let key_indent = "  ".repeat(depth);
    let (open, close) = match style {
        "double" => ("\"", "\""),
        "single" => ("'", "'"),
        _ => ("", ""),
    };
    text.push_str(&format!(
        "{key_indent}note: {open}When set to `true` the TLS is optional, defaults\n{}to false.{close}\n{key_indent}after: 1\n",
        " ".repeat(indent)
    ));
    text
}

/// A flow collection under a key at `depth`, its items and closer on lines
/// of their own at `indent` columns.
fn wrapped_flow(open: char, close: char, depth: usize, indent: usize) -> String {
    let mut text = String::new();
    for level in 0..depth {
        text.push_str(&format!("{}level{level}:\n", "  ".repeat(level)));
    }
    let key_indent = "  ".repeat(depth);
    let pad = " ".repeat(indent);
    let items = if open == '[' {
        format!("{pad}\"-a\", b,\n{pad}c d\n")
    } else {
        format!("{pad}a: 1,\n{pad}\"b\": two words\n")
    };
    text.push_str(&format!(
        "{key_indent}args: {open}\n{items}{pad}{close}\n{key_indent}after: 1\n"
    ));
    text
}

fn block_scalars() -> Vec<(String, String)> {
    let mut cases = Vec::new();
    let bodies = [
        "  line one\n  line two\n",
        "  line one\n\n  line two\n\n\n",
        "\n  after a blank\n  more\n",
        "  folded\n    more indented\n  back\n",
        "    indented four\n    again\n",
        "",
    ];
    for indicator in [
        "|", "|-", "|+", ">", ">-", ">+", "|2", ">2", "|2-", "|-2", ">+2", "|1",
    ] {
        for (index, body) in bodies.iter().enumerate() {
            cases.push((
                format!("block-{indicator}-{index}"),
                format!("a: {indicator}\n{body}b: end\n"),
            ));
            cases.push((
                format!("block-{indicator}-{index}-at-end"),
                format!("a: {indicator}\n{body}"),
            ));
            cases.push((
                format!("block-{indicator}-{index}-no-final-break"),
                format!("a: {indicator}\n{}", body.trim_end_matches('\n')),
            ));
            cases.push((
                format!("block-{indicator}-{index}-blank-last-line"),
                format!("a: {indicator}\n{body}  "),
            ));
        }
    }
    cases
}

fn yaml_1_1_scalars() -> Vec<(String, String)> {
    let words = [
        "y",
        "Y",
        "n",
        "N",
        "yes",
        "Yes",
        "NO",
        "on",
        "On",
        "OFF",
        "true",
        "False",
        "~",
        "null",
        "Null",
        "",
        "0644",
        "0x1F",
        "0X1f",
        "0o17",
        "0b101",
        "+0b1",
        "1_000",
        "-1_0",
        "1e3",
        "1E3",
        "1.5e3",
        "1.5e+3",
        "1.0e-2",
        "1.5",
        ".5",
        "-.5",
        "+.5",
        "1.",
        "+1",
        "-0",
        "09",
        "0",
        "00",
        "1:30",
        "-1:30",
        "1:30.5",
        "2024-01-02",
        "2024-01-02T10:00:00Z",
        "2024-1-2 10:00:00",
        ".inf",
        "-.Inf",
        "+.INF",
        ".nan",
        ".NaN",
        "=",
        "12abc",
        "1.2.3",
        "0x",
        "9223372036854775807",
        "9223372036854775808",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "1__0",
        "_1",
        "0.1_5",
        "one two",
        "a: b",
        "x#y",
        "-",
        "--",
        "---x",
        "!important",
        "%x",
        "@x",
    ];
    let mut cases = Vec::new();
    for (index, word) in words.iter().enumerate() {
        cases.push((format!("plain-value-{index}"), format!("v: {word}\n")));
        cases.push((format!("plain-item-{index}"), format!("- {word}\n")));
        cases.push((format!("plain-key-{index}"), format!("{word}: v\n")));
        cases.push((format!("plain-flow-{index}"), format!("[{word}]\n")));
        for (quote, name) in [("'", "single"), ("\"", "double")] {
            cases.push((
                format!("{name}-quoted-{index}"),
                format!("v: {quote}{word}{quote}\n"),
            ));
        }
        // Tags that fit any text; a mismatched `!!int` or `!!bool` is an
        // error for both, but their messages and checks differ by design.
        for tag in ["!!str", "!!null", "!custom"] {
            cases.push((format!("tag-{tag}-{index}"), format!("v: {tag} {word}\n")));
        }
    }
    cases
}

/// The generated edge cases, by name.
fn cases() -> BTreeMap<String, String> {
    let mut cases: Vec<(String, String)> = Vec::new();
    let mut add = |name: &str, text: &str| cases.push((name.to_string(), text.to_string()));

    add(
        "issue-16",
        "metadata:\n  annotations:\n    note: \"When set to `true` the TLS {} is optional, defaults\n    to false.\"\n",
    );
    // Tabs.
    add("tab-after-colon", "a:\tb\nc:\t\t1\n");
    add("tab-indentation", "a:\n\tb: 1\n");
    add("tab-in-double-quotes", "a: \"x\ty\"\nb: \"x\\ty\"\n");
    add("tab-after-dash", "-\ta\n-\tb\n");
    add("tab-before-comment", "a: 1\t# note\n");
    add("tab-in-flow", "[a,\tb,\t{c:\t1}]\n");
    add("tab-in-plain", "a: x\ty\n");
    add("tab-continuation", "a: \"x\n\ty\"\n");
    add("tab-block-scalar", "a: |\n  x\ty\n\tz\n");
    // Comments inside flow collections.
    add("flow-comment-after-open", "a: [ # first\n  1, 2]\n");
    add("flow-comment-between", "a: [1, # one\n  2, # two\n  ]\n");
    add("flow-map-comment", "a: {x: 1, # c\n  y: 2}\n");
    add("flow-comment-no-space", "a: [1,# c\n 2]\n");
    add("hash-in-flow-plain", "a: [x#y, z]\n");
    // Anchors, aliases, merge keys.
    add("anchor-scalar", "a: &x hello\nb: *x\n");
    add(
        "anchor-map",
        "base: &b {x: 1, z: 2}\nobj:\n  <<: *b\n  z: 3\nref: *b\n",
    );
    add(
        "merge-list",
        "a: &a {x: 1, y: 1}\nb: &b {y: 2, w: 2}\nc:\n  <<: [*a, *b]\n  k: 3\n",
    );
    add("merge-inline", "a:\n  <<: {x: 1}\n  y: 2\n");
    add(
        "merge-explicit-first",
        "a: &a {x: 1}\nb:\n  x: 9\n  <<: *a\n",
    );
    add("merge-not-a-map", "a: &a 1\nb:\n  <<: *a\n");
    add("merge-quoted-key", "a:\n  \"<<\": 1\n");
    add("merge-as-value", "a: <<\n");
    add("anchor-sequence", "a: &s [1, 2]\nb: *s\n");
    add("anchor-block-map", "a: &m\n  k: v\nb: *m\n");
    add("alias-undefined", "a: *nothing\n");
    add("alias-as-key", "k: &k name\n*k : v\n");
    add("anchor-redefined", "a: &x 1\nb: &x 2\nc: *x\n");
    add("anchor-on-key", "&k a: 1\nb: *k\n");
    add("anchor-then-tag", "a: &x !!str 12\nb: *x\n");
    add(
        "core-tags",
        "a: !!int \"0644\"\nb: !!bool yes\nc: !!float 1\nd: !!str 1\ne: !!timestamp 2024-01-02\n",
    );
    add(
        "tag-on-collections",
        "a: !!map {x: 1}\nb: !!seq [1]\nc: !thing {y: 2}\n",
    );
    // Document markers.
    add("markers", "---\na: 1\n...\n---\nb: 2\n");
    add("marker-end-only", "a: 1\n...\n");
    add("marker-with-scalar", "--- text\n--- 12\n");
    add("marker-with-block-scalar", "--- |\n  text\n");
    add("marker-comment", "--- # comment\na: 1\n");
    add("marker-map-same-line", "--- a: 1\n");
    add("marker-flow-same-line", "--- {a: 1}\n--- [b]\n");
    add("markers-empty", "---\n---\n---\na: 1\n");
    add("directive", "%YAML 1.1\n---\na: 1\n");
    add(
        "directive-tag",
        "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n",
    );
    add("end-then-content", "a: 1\n...\nb: 2\n");
    add("trailing-marker", "a: 1\n---\n");
    add("no-final-break", "a: 1\nb: x");
    add("no-final-break-quoted", "a: 'x'");
    add("no-final-break-escape", "a: \"x\\");
    add("no-final-break-open-quote", "a: \"x");
    add("no-final-break-seq-block", "- |\n  x");
    add("no-final-break-key-block", "? |\n  x");
    add("no-final-break-second-doc", "a: 1\n---\nb: |\n  x");
    add("no-final-break-cr", "a: |\n  x\r");
    add("marker-in-scalar", "a: \"x\n--- y\"\n");
    add("dots-in-block-scalar", "a: |\n  ...\n  ---\n");
    // BOM and CRLF.
    add("bom", "\u{feff}a: 1\n");
    add("bom-marker", "\u{feff}---\na: 1\n");
    add("crlf", "a: 1\r\nb:\r\n  - x\r\n  - y\r\n");
    add(
        "crlf-block-scalar",
        "a: |\r\n  x\r\n  y\r\nb: >\r\n  p\r\n  q\r\n",
    );
    add("crlf-quoted", "a: \"x\r\n  y\"\r\nb: 'p\r\n\r\n  q'\r\n");
    add("crlf-markers", "a: 1\r\n---\r\nb: 2\r\n");
    add("crlf-error", "a: 1\r\n---\r\nb: [1\r\n---\r\nc: 3\r\n");
    add("bom-crlf", "\u{feff}a: 1\r\n");
    // Long keys: libyaml's simple keys end at 1024 characters.
    for length in [100, 1000, 1020, 1024, 1030, 4000] {
        add(
            &format!("long-key-{length}"),
            &format!("{}: v\n", "k".repeat(length)),
        );
        add(
            &format!("long-quoted-key-{length}"),
            &format!("\"{}\": v\n", "k".repeat(length)),
        );
    }
    add("long-value", &format!("k: {}\n", "v".repeat(100_000)));
    // Complex keys.
    add("complex-key-scalar", "? a\n: b\n");
    add("complex-key-block", "? |\n  block key\n: v\n");
    add("complex-key-no-value", "? a\n? b\n: c\n");
    add("complex-key-sequence", "? [a, b]\n: c\n");
    add("complex-key-map", "? {a: 1}\n: c\n");
    add("complex-key-flow", "{? a: 1, ? b}\n");
    add("complex-key-multiline-plain", "? a\n  b\n: c\n");
    // Scalar styles.
    add(
        "double-escapes",
        "a: \"\\n\\t\\x41\\u263A\\U0001F600\\\"\\\\\\/\\ \\N\\_\\L\\P\\0\\a\\b\\e\\f\\r\\v\"\n",
    );
    add("double-line-continuation", "a: \"x\\\n  y\"\n");
    add("double-bad-escape", "a: \"\\q\"\n");
    add("single-escape", "a: 'it''s'\n");
    add("empty-strings", "a: ''\nb: \"\"\nc:\n");
    add(
        "quoted-folding",
        "a: \"x\n\n  y\n\n\n  z\"\nb: 'p\n  \n  q'\n",
    );
    add("plain-multiline", "a: x\n  y\n\n  z\nb: 1\n");
    add("plain-multiline-in-seq", "- x\n  y\n- z\n");
    add("plain-colon-inside", "a: http://x:80/y\nb: x:y\n");
    add("plain-indicators", "a: -x\nb: ?x\nc: :x\nd: x-\n");
    add("quoted-then-text", "a: \"x\" y\n");
    // Empty documents.
    add("empty", "");
    add("only-comment", "# nothing\n");
    add("only-marker", "---\n");
    add("null-document", "--- ~\n---\nnull\n");
    add("marker-then-end", "---\n...\n");
    add("whitespace-only", "  \n\n \n");
    // Duplicate keys.
    add("duplicate-keys", "a: 1\nb: 2\na: 3\n");
    add("duplicate-flow-keys", "{a: 1, a: 2}\n");
    add("duplicate-after-stringify", "1: a\n\"1\": b\n");
    // Indentation.
    add("indentless-sequence", "a:\n- 1\n- 2\nb: 3\n");
    add("nested-sequences", "- - a\n  - b\n- - c\n");
    add("map-in-sequence", "- a: 1\n  b: 2\n- c: 3\n");
    add("deep-indent", "a:\n      b:\n           c: 1\n");
    add("bad-indentation", "a: 1\n  b: 2\n");
    add("bad-sequence-indent", "a:\n  - 1\n - 2\n");
    add("value-sequence-same-line", "a: - 1\n");
    add(
        "flow-closer-left",
        "spec:\n  args: [\n      \"-a\", \"b\",\n  ]\n  env: x\n",
    );
    add("flow-map-multiline", "a: {\n  x: 1,\n  y: 2\n}\n");
    add("flow-trailing-comma", "a: [1, 2,]\nb: {x: 1,}\n");
    add("flow-empty", "a: []\nb: {}\nc: [[], {}]\n");
    add("flow-pair-in-seq", "[a: 1, b]\n");
    add("flow-tag-before-comma", "[!!str, a]\n");
    add("flow-nested", "{a: [1, {b: [2, 3]}], c: {d: e}}\n");
    // JSON.
    add(
        "json",
        "{\"kind\": \"Pod\", \"spec\": {\"n\": 1, \"f\": 2.5, \"s\": \"yes\", \"b\": true, \"z\": null}}",
    );
    add("json-compact", "{\"a\":1,\"b\":[1,2],\"c\":{\"d\":\"e\"}}");
    add(
        "json-multiline",
        "{\n  \"a\": [\n    1,\n    2\n  ],\n  \"b\": \"x\"\n}\n",
    );
    add("json-escapes", "{\"a\": \"\\u00e9\\n\\\"\"}");
    // Errors, and documents after them.
    add("unclosed-flow", "a: 1\n---\nb: [1, 2\n---\nc: 3\n");
    add("unclosed-quote", "a: \"x\nb: 2\n");
    add("unclosed-quote-then-doc", "a: 'x\n---\nb: 2\n");
    add("control-character", "a: x\u{7f}y\n---\nb: 2\n");
    add(
        "control-character-later",
        "a: 1\n---\nb: \u{1}\n---\nc: 3\n",
    );
    add("nel-character", "a: x\u{85}y\n");
    add("colon-in-flow-key", "{a:1}\n");
    add("mapping-in-plain-line", "a: b: c\n");
    add("error-then-many", "x: [\n---\na: 1\n---\nb: 2\n");
    add("two-errors", "a: [\n---\nb: 1\n---\nc: {\n---\nd: 2\n");
    add("sequence-then-map", "- a\nb: 1\n");
    add("unicode", "name: café ☺ 😀\n\"ключ\": значение\n");
    add("deep-nesting", &"[".repeat(300));

    for style in ["double", "single", "plain"] {
        for depth in 0..4 {
            for indent in 0..=2 * depth + 4 {
                cases.push((
                    format!("wrapped-{style}-depth{depth}-indent{indent}"),
                    wrapped(style, depth, indent),
                ));
            }
        }
    }
    for (open, close) in [('[', ']'), ('{', '}')] {
        for depth in 0..4 {
            for indent in 0..=2 * depth + 4 {
                cases.push((
                    format!("wrapped-flow-{open}-depth{depth}-indent{indent}"),
                    wrapped_flow(open, close, depth, indent),
                ));
            }
        }
    }
    cases.extend(block_scalars());
    cases.extend(yaml_1_1_scalars());
    let count = cases.len();
    let cases: BTreeMap<String, String> = cases.into_iter().collect();
    assert_eq!(cases.len(), count, "case names must be unique");
    cases
}

fn corpus_files(dir: &Path, files: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            corpus_files(&path, files);
        } else if path
            .extension()
            .is_some_and(|e| e == "yaml" || e == "yml" || e == "json")
        {
            files.push(path);
        }
    }
}

#[test]
fn generated_edge_cases_read_as_libyaml_reads_them() {
    let cases = cases();
    let Some(readings) = libyaml_readings(&cases, &[]) else {
        return;
    };
    let known: BTreeMap<&str, &str> = KNOWN_DIVERGENCES.iter().copied().collect();
    let mut disagreements = Vec::new();
    let mut agreeing_known = Vec::new();
    for (name, text) in &cases {
        let guard = guard_reading(text);
        let libyaml = &readings[name];
        let agreed = agree(&guard, libyaml);
        if known.contains_key(name.as_str()) {
            if agreed {
                agreeing_known.push(name.clone());
            }
        } else if !agreed {
            disagreements.push(describe(name, text, &guard, libyaml));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} cases read otherwise than libyaml:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
    assert!(
        agreeing_known.is_empty(),
        "now read as libyaml reads them; take them off KNOWN_DIVERGENCES: {agreeing_known:?}"
    );
}

#[test]
fn every_corpus_document_reads_as_libyaml_reads_it() {
    let dir = std::env::var_os("GUARD_CORPUS")
        .map_or_else(|| PathBuf::from("../shared/corpus/real"), PathBuf::from);
    assert!(
        dir.is_dir(),
        "no corpus at {}: check out the shared corpus beside this repository, or set GUARD_CORPUS=DIR",
        dir.display()
    );
    let mut files = Vec::new();
    corpus_files(&dir, &mut files);
    let Some(readings) = libyaml_readings(&BTreeMap::new(), &files) else {
        return;
    };
    let mut documents = 0;
    let mut disagreements = Vec::new();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let guard = guard_reading(&text);
        let libyaml = &readings[path.to_string_lossy().as_ref()];
        documents += guard.documents.len();
        if !agree(&guard, libyaml) {
            disagreements.push(describe(&path.display().to_string(), "", &guard, libyaml));
        }
    }
    assert!(
        disagreements.is_empty(),
        "{} of {} corpus files read otherwise than libyaml:\n{}",
        disagreements.len(),
        files.len(),
        disagreements.join("\n")
    );
    assert!(documents > 0, "no documents read from {}", dir.display());
}

/// Every prefix of every generated case, and each case with one character
/// dropped at every place, loads or fails without a panic escaping: ends
/// of input in every state are where libyaml-safer has panicked.
#[test]
fn no_cut_of_any_case_crashes_the_loader() {
    let mut texts = 0;
    for text in cases().values().filter(|t| t.len() < 400) {
        let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
        for (n, &at) in boundaries.iter().enumerate() {
            let next = boundaries.get(n + 1).copied().unwrap_or(text.len());
            let dropped = format!("{}{}", &text[..at], &text[next..]);
            for cut in [&text[..at], dropped.as_str()] {
                std::hint::black_box(parse_stream(cut));
                texts += 1;
            }
        }
    }
    assert!(texts > 10_000, "only {texts} cut texts");
}
