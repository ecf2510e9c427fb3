//! The machine-readable output formats, by what their consumers need: the JSON
//! report matches its published schema, SARIF has what GitHub code scanning
//! requires, JUnit is well-formed XML with correct counts, and GitHub workflow
//! commands are escaped as the runner expects.
//!
//! `testdata/report/app.yaml` has two objects with a privileged container
//! (GRD101; one object twice), a clean object, and a document with a syntax
//! error. Findings are narrowed to GRD101 so rules added later do not change
//! the goldens. `GUARD_BLESS=1 cargo test --test report_formats` rewrites them.

mod support;

use guard::core::{
    Code, Diagnostic, Finding, Fix, Location, ObjectRef, PatchOp, PatchVerb, Severity,
};
use guard::engine::Report;
use guard::report::{Format, RenderOptions, render};
use guard::source::Input;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::Arc;

const FIXTURE: &str = "testdata/report/app.yaml";

/// The fixture checked with every bundled rule.
fn unfiltered_report() -> Report {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let input = Input::from_text(Arc::from(FIXTURE), &text);
    support::check(&support::bundled(), input)
}

/// The fixture checked with the bundled rules, findings narrowed to GRD101.
fn fixture_report() -> Report {
    let mut report = unfiltered_report();
    report.findings.retain(|f| f.rule == "GRD101");
    recount(&mut report);
    report
}

fn recount(report: &mut Report) {
    let count = |severity| {
        report
            .findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    };
    report.summary.errors = count(Severity::Error);
    report.summary.warnings = count(Severity::Warning);
    report.summary.infos = count(Severity::Info);
    report.summary.findings = report.findings.len();
    report.summary.input_errors = report.errors.len();
}

fn rendered(report: &Report, format: Format, options: RenderOptions) -> String {
    let mut out = Vec::new();
    render(report, format, options, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

/// Holds `actual` to the golden file `name` under testdata/report.
fn golden(name: &str, actual: &str) {
    support::golden(Path::new("testdata/report").join(name), actual);
}

/// The text at a 1-based line and column (in characters) of the fixture.
fn fixture_at(line: u64, column: u64) -> String {
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let line = text.lines().nth(line as usize - 1).unwrap();
    line.chars().skip(column as usize - 1).collect()
}

#[test]
fn fixture_has_what_the_format_tests_rely_on() {
    let report = fixture_report();
    let objects: Vec<String> = report
        .findings
        .iter()
        .map(|f| f.object.to_string())
        .collect();
    assert_eq!(
        objects,
        ["Deployment shop/web", "Pod shop/debug", "Pod shop/debug"]
    );
    assert_eq!(report.errors.len(), 1, "{:?}", report.errors);
    assert!(report.errors[0].location.as_ref().unwrap().line > 40);
    assert_eq!(report.summary.documents, 3);
    for f in &report.findings {
        assert!(
            fixture_at(
                f.location.as_ref().unwrap().line.into(),
                f.location.as_ref().unwrap().column.into()
            )
            .starts_with("privileged: true")
        );
        assert!(!f.fix.as_ref().unwrap().patch.is_empty());
    }
}

// ---------------------------------------------------------------- JSON

fn report_schema() -> Value {
    serde_json::from_str(&std::fs::read_to_string("schemas/report.schema.json").unwrap()).unwrap()
}

fn schema_errors(schema: &Value, instance: &Value) -> Vec<String> {
    let validator = jsonschema::validator_for(schema).unwrap();
    validator
        .iter_errors(instance)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

/// A report with every optional field used: a Blueprint position, patches of
/// every verb, a finding without a field path, an error with no known position.
fn everything_report() -> Report {
    let mut report = fixture_report();
    let mut blueprint = report.findings[0].clone();
    blueprint.rule = "GRD900".into();
    blueprint.severity = Severity::Warning;
    blueprint.spec_location = Some(Location {
        file: Arc::from("blueprint.yaml"),
        line: 3,
        column: 5,
        path: "services[0].replicas".into(),
    });
    blueprint.fix = Some(Fix {
        description: "Match the Blueprint.".into(),
        patch: vec![
            PatchOp {
                op: PatchVerb::Add,
                path: "/spec/replicas".into(),
                value: Some(json!(3)),
            },
            PatchOp {
                op: PatchVerb::Remove,
                path: "/spec/paused".into(),
                value: None,
            },
        ],
    });
    let mut not_an_object = report.findings[0].clone();
    not_an_object.rule = "GRD002".into();
    not_an_object.severity = Severity::Info;
    not_an_object.object = ObjectRef::default();
    not_an_object.path = String::new();
    not_an_object.location.as_mut().unwrap().path = String::new();
    not_an_object.fix = None;
    report.findings.extend([blueprint, not_an_object]);
    // An object read from a cluster: no file, named by its identity and field.
    let mut live = report.findings[0].clone();
    live.location = None;
    live.fix = None;
    report.findings.push(live);
    report.errors.push(
        Diagnostic::new(Code::ClusterForbidden, "pods is forbidden").help("grant list on pods"),
    );
    recount(&mut report);
    report
}

#[test]
fn json_report_matches_its_schema() {
    let schema = report_schema();
    for report in [unfiltered_report(), fixture_report(), everything_report()] {
        let instance: Value =
            serde_json::from_str(&rendered(&report, Format::Json, RenderOptions::default()))
                .unwrap();
        let errors = schema_errors(&schema, &instance);
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }
}

#[test]
fn json_schema_rejects_what_the_report_never_contains() {
    let schema = report_schema();
    let valid: Value = serde_json::from_str(&rendered(
        &everything_report(),
        Format::Json,
        RenderOptions::default(),
    ))
    .unwrap();
    type Breakage = (&'static str, fn(&mut Value));
    let broken: [Breakage; 9] = [
        ("unknown top-level field", |v| v["extra"] = json!(1)),
        ("unknown finding field", |v| {
            v["findings"][0]["extra"] = json!(1)
        }),
        ("unknown severity", |v| {
            v["findings"][0]["severity"] = json!("fatal")
        }),
        ("missing object", |v| {
            drop(v["findings"][0].as_object_mut().unwrap().remove("object"))
        }),
        ("an unknown error code", |v| {
            v["errors"][0]["code"] = json!("oops")
        }),
        ("negative line", |v| {
            v["errors"][0]["location"]["line"] = json!(-1)
        }),
        ("unknown patch verb", |v| {
            v["findings"][0]["fix"]["patch"][0]["op"] = json!("move")
        }),
        ("add without a value", |v| {
            drop(
                v["findings"][0]["fix"]["patch"][0]
                    .as_object_mut()
                    .unwrap()
                    .remove("value"),
            )
        }),
        ("missing summary count", |v| {
            drop(v["summary"].as_object_mut().unwrap().remove("suppressed"))
        }),
    ];
    for (what, change) in broken {
        let mut instance = valid.clone();
        change(&mut instance);
        assert!(
            !schema_errors(&schema, &instance).is_empty(),
            "schema accepts a report with {what}"
        );
    }
}

#[test]
fn json_schema_describes_every_property() {
    fn walk(node: &Value, at: &str, missing: &mut Vec<String>) {
        match node {
            Value::Object(map) => {
                if let Some(Value::Object(properties)) = map.get("properties") {
                    for (name, property) in properties {
                        if property.get("description").is_none() {
                            missing.push(format!("{at}/properties/{name}"));
                        }
                    }
                }
                for (key, child) in map {
                    walk(child, &format!("{at}/{key}"), missing);
                }
            }
            Value::Array(items) => items.iter().for_each(|item| walk(item, at, missing)),
            _ => {}
        }
    }
    let mut missing = Vec::new();
    walk(&report_schema(), "#", &mut missing);
    // `if` only names `op` to test it; it is not a property declaration.
    missing.retain(|p| !p.contains("/if/"));
    assert!(
        missing.is_empty(),
        "properties without a description: {missing:?}"
    );
}

// ---------------------------------------------------------------- SARIF

fn sarif(report: &Report) -> Value {
    serde_json::from_str(&rendered(report, Format::Sarif, RenderOptions::default())).unwrap()
}

#[test]
fn sarif_has_what_github_code_scanning_requires() {
    let report = fixture_report();
    let log = sarif(&report);
    assert_eq!(log["version"], "2.1.0");
    assert!(log["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "guard");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );

    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), report.rules.len());
    let ids: HashSet<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), rules.len(), "rule ids are unique");
    let grd101 = rules.iter().find(|r| r["id"] == "GRD101").unwrap();
    assert_eq!(grd101["name"], "PrivilegedContainer");
    assert_eq!(grd101["shortDescription"]["text"], "Privileged container");
    assert!(
        grd101["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .contains("Pod Security Standards")
    );
    assert!(
        grd101["help"]["text"]
            .as_str()
            .unwrap()
            .contains("securityContext.privileged")
    );
    assert_eq!(grd101["defaultConfiguration"]["level"], "error");
    assert_eq!(grd101["properties"]["category"], "pod-security");
    assert_eq!(grd101["properties"]["profile"], "baseline");
    assert_eq!(
        grd101["properties"]["equivalents"]["kube-linter"],
        "privileged-container"
    );
    for rule in rules {
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(["error", "warning", "note"].contains(&level), "{level}");
    }

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report.findings.len());
    let mut fingerprints = HashSet::new();
    for (result, finding) in results.iter().zip(&report.findings) {
        assert_eq!(result["ruleId"], "GRD101");
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], "GRD101");
        assert_eq!(result["level"], "error");
        assert_eq!(result["message"]["text"], finding.message.as_str());
        let location = &result["locations"][0];
        let physical = &location["physicalLocation"];
        assert_eq!(physical["artifactLocation"]["uri"], FIXTURE);
        let line = physical["region"]["startLine"].as_u64().unwrap();
        let column = physical["region"]["startColumn"].as_u64().unwrap();
        assert_eq!(
            (line, column),
            (
                finding.location.as_ref().unwrap().line.into(),
                finding.location.as_ref().unwrap().column.into()
            )
        );
        assert!(fixture_at(line, column).starts_with("privileged: true"));
        let logical = &location["logicalLocations"][0];
        let object = &finding.object;
        let expected = format!("{}/shop/{}", object.kind, object.name.as_deref().unwrap());
        assert_eq!(logical["fullyQualifiedName"], expected.as_str());
        assert_eq!(
            result["properties"]["patch"],
            serde_json::to_value(&finding.fix.as_ref().unwrap().patch).unwrap()
        );
        assert_eq!(
            result["properties"]["path"],
            finding.location.as_ref().unwrap().path.as_str()
        );
        assert!(
            result.get("fixes").is_none(),
            "SARIF fixes need byte replacements"
        );
        let fingerprint = result["partialFingerprints"]["guardFinding/v1"]
            .as_str()
            .unwrap();
        assert!(
            fingerprints.insert(fingerprint.to_string()),
            "fingerprints are unique"
        );
    }
    assert_eq!(
        results[0]["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "Deployment/shop/web"
    );

    let invocation = &run["invocations"][0];
    assert!(invocation["executionSuccessful"].is_boolean());
    let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
    assert_eq!(notifications.len(), 1);
    assert_eq!(notifications[0]["level"], "error");
    assert_eq!(
        notifications[0]["message"]["text"],
        report.errors[0].message.as_str()
    );
    let region = &notifications[0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(
        region["startLine"],
        report.errors[0].location.as_ref().unwrap().line
    );
}

#[test]
fn sarif_places_and_indexes_every_result_of_every_rule() {
    let report = unfiltered_report();
    let log = sarif(&report);
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), report.findings.len());
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1, "{result}");
        assert!(region["startColumn"].as_u64().unwrap() >= 1, "{result}");
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
    }
}

#[test]
fn sarif_fingerprints_survive_lines_moving() {
    let before = fixture_report();
    let text = std::fs::read_to_string(FIXTURE).unwrap();
    let shifted = Input::from_text(Arc::from(FIXTURE), &format!("# a new comment\n\n{text}"));
    let mut after = support::check(&support::bundled(), shifted);
    after.findings.retain(|f| f.rule == "GRD101");
    let prints = |report: &Report| -> Vec<Value> {
        sarif(report)["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["partialFingerprints"].clone())
            .collect()
    };
    assert_eq!(prints(&before), prints(&after));
    assert_ne!(
        before.findings[0].location.as_ref().unwrap().line,
        after.findings[0].location.as_ref().unwrap().line
    );
}

#[test]
fn sarif_uris_are_encoded_and_levels_follow_severity() {
    let mut report = everything_report();
    report.findings[0].location.as_mut().unwrap().file = Arc::from("my manifests/app#1.yaml");
    report.findings[1].location.as_mut().unwrap().file = Arc::from("-");
    report.findings[1].severity = Severity::Info;
    let log = sarif(&report);
    let results = log["runs"][0]["results"].as_array().unwrap();
    let uri = |i: usize| {
        results[i]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].clone()
    };
    assert_eq!(uri(0), "my%20manifests/app%231.yaml");
    assert_eq!(uri(1), "stdin");
    assert_eq!(results[1]["level"], "note");
    // The finding about a document that is not an object has a file position
    // but no logical location; every result still has a location.
    let not_an_object = results.iter().find(|r| r["ruleId"] == "GRD002").unwrap();
    assert!(not_an_object["locations"][0]["logicalLocations"].is_null());
    assert!(not_an_object["locations"][0]["physicalLocation"]["region"]["startLine"].is_u64());
    // A finding about a live object has its logical location only.
    let live = results.last().unwrap();
    assert!(live["locations"][0]["physicalLocation"].is_null());
    assert_eq!(
        live["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
        "Deployment/shop/web"
    );
    // An unknown rule has no index rather than a wrong one.
    let blueprint = results.iter().find(|r| r["ruleId"] == "GRD900").unwrap();
    assert!(blueprint.get("ruleIndex").is_none());
    // An error without a file has no physical location at all (startLine must be ≥ 1).
    let notifications = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let unplaced = notifications
        .iter()
        .find(|n| n["message"]["text"] == "pods is forbidden")
        .unwrap();
    assert!(unplaced.get("locations").is_none());
}

// ---------------------------------------------------------------- JUnit

#[derive(Debug)]
struct Element {
    name: String,
    attributes: BTreeMap<String, String>,
    /// Character data directly inside, unescaped.
    text: String,
}

/// A small XML 1.0 well-formedness check (enough for what guard writes: an
/// XML declaration, elements, attributes, character data and references).
/// Returns the elements in document order.
fn parse_xml(xml: &str) -> Result<Vec<Element>, String> {
    fn allowed(c: char) -> bool {
        matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
    }
    fn unescape(raw: &str) -> Result<String, String> {
        let mut out = String::new();
        let mut rest = raw;
        while let Some(at) = rest.find('&') {
            out.push_str(&rest[..at]);
            let end = rest[at..]
                .find(';')
                .ok_or_else(|| format!("unterminated reference in {raw:?}"))?
                + at;
            let name = &rest[at + 1..end];
            let c = match name {
                "amp" => '&',
                "lt" => '<',
                "gt" => '>',
                "quot" => '"',
                "apos" => '\'',
                _ => {
                    let code = if let Some(hex) = name.strip_prefix("#x") {
                        u32::from_str_radix(hex, 16)
                    } else if let Some(dec) = name.strip_prefix('#') {
                        dec.parse()
                    } else {
                        return Err(format!("unknown entity &{name};"));
                    };
                    let c = code
                        .ok()
                        .and_then(char::from_u32)
                        .ok_or(format!("bad reference &{name};"))?;
                    if !allowed(c) {
                        return Err(format!("reference to a forbidden character &{name};"));
                    }
                    c
                }
            };
            out.push(c);
            rest = &rest[end + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
    fn is_name(s: &str) -> bool {
        let mut chars = s.chars();
        chars
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_' || c == ':')
            && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | ':' | '-' | '.'))
    }
    if let Some(bad) = xml.chars().find(|&c| !allowed(c)) {
        return Err(format!("forbidden character {bad:?}"));
    }
    let mut rest = xml;
    if let Some(body) = rest.strip_prefix("<?xml ") {
        let end = body.find("?>").ok_or("unterminated XML declaration")?;
        rest = &body[end + 2..];
    }
    let mut elements: Vec<Element> = Vec::new();
    let mut open: Vec<usize> = Vec::new();
    let mut root_closed = false;
    loop {
        let next = rest.find('<').unwrap_or(rest.len());
        let text = &rest[..next];
        if open.is_empty() {
            if !text.trim().is_empty() {
                return Err(format!("text outside the root element: {text:?}"));
            }
        } else {
            if text.contains('>') {
                return Err(format!("unescaped '>' in {text:?}"));
            }
            let text = unescape(text)?;
            elements[*open.last().unwrap()].text.push_str(&text);
        }
        rest = &rest[next..];
        if rest.is_empty() {
            break;
        }
        let end = rest.find('>').ok_or("unterminated tag")?;
        let tag = &rest[1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let index = open
                .pop()
                .ok_or_else(|| format!("</{name}> closes nothing"))?;
            if elements[index].name != name.trim_end() {
                return Err(format!("</{name}> closes <{}>", elements[index].name));
            }
            root_closed = open.is_empty();
            continue;
        }
        if root_closed || (open.is_empty() && !elements.is_empty()) {
            return Err("a second root element".into());
        }
        let (tag, empty) = match tag.strip_suffix('/') {
            Some(tag) => (tag, true),
            None => (tag, false),
        };
        let name_end = tag.find(char::is_whitespace).unwrap_or(tag.len());
        let name = &tag[..name_end];
        if !is_name(name) {
            return Err(format!("bad element name {name:?}"));
        }
        let mut attributes = BTreeMap::new();
        let mut attrs = tag[name_end..].trim_start();
        while !attrs.is_empty() {
            let eq = attrs
                .find('=')
                .ok_or_else(|| format!("attribute without value in <{name}>"))?;
            let key = &attrs[..eq];
            if !is_name(key) {
                return Err(format!("bad attribute name {key:?} in <{name}>"));
            }
            let after = &attrs[eq + 1..];
            let quote = after
                .chars()
                .next()
                .filter(|q| *q == '"' || *q == '\'')
                .ok_or("unquoted attribute")?;
            let close = after[1..].find(quote).ok_or("unterminated attribute")? + 1;
            let raw = &after[1..close];
            if raw.contains('<') {
                return Err(format!("'<' in attribute {key}"));
            }
            if attributes.insert(key.to_string(), unescape(raw)?).is_some() {
                return Err(format!("attribute {key} repeated in <{name}>"));
            }
            let tail = &after[close + 1..];
            if !tail.is_empty() && !tail.starts_with(char::is_whitespace) {
                return Err(format!("no space after attribute {key}"));
            }
            attrs = tail.trim_start();
        }
        elements.push(Element {
            name: name.to_string(),
            attributes,
            text: String::new(),
        });
        if empty {
            root_closed = open.is_empty();
        } else {
            open.push(elements.len() - 1);
        }
    }
    if let Some(&index) = open.last() {
        return Err(format!("<{}> is never closed", elements[index].name));
    }
    if elements.is_empty() {
        return Err("no root element".into());
    }
    Ok(elements)
}

#[test]
fn the_xml_checker_rejects_malformed_xml() {
    for bad in [
        "<a><b></a></b>",
        "<a>x & y</a>",
        "<a>1 < 2</a>",
        "<a b=\"1\" b=\"2\"/>",
        "<a b=1/>",
        "<a>\u{1}</a>",
        "<a>&#1;</a>",
        "<a/><b/>",
        "<a>",
        "text<a/>",
    ] {
        assert!(parse_xml(bad).is_err(), "accepted {bad:?}");
    }
    let ok = parse_xml("<?xml version=\"1.0\"?>\n<a x='&lt;&#10;'><b/>t&amp;t</a>\n").unwrap();
    assert_eq!(ok[0].attributes["x"], "<\n");
    assert_eq!(ok[0].text, "t&t");
}

fn count(element: &Element, attribute: &str) -> usize {
    element.attributes[attribute].parse().unwrap()
}

#[test]
fn junit_is_well_formed_with_one_case_per_object() {
    let report = fixture_report();
    let xml = rendered(&report, Format::Junit, RenderOptions::default());
    golden("app.junit.xml", &xml);
    let elements = parse_xml(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    let root = &elements[0];
    assert_eq!(root.name, "testsuites");
    let suites: Vec<&Element> = elements.iter().filter(|e| e.name == "testsuite").collect();
    assert_eq!(suites.len(), 1);
    assert_eq!(suites[0].attributes["name"], FIXTURE);
    let cases: Vec<&Element> = elements.iter().filter(|e| e.name == "testcase").collect();
    let names: Vec<&str> = cases
        .iter()
        .map(|c| c.attributes["name"].as_str())
        .collect();
    assert_eq!(
        names[..3],
        [
            "Deployment shop/web",
            "Pod shop/debug",
            "ConfigMap shop/settings"
        ]
    );
    assert!(names[3].starts_with("input error at line "), "{names:?}");
    assert!(cases.iter().all(|c| c.attributes["classname"] == FIXTURE));
    let failures: Vec<&Element> = elements.iter().filter(|e| e.name == "failure").collect();
    let errors = elements.iter().filter(|e| e.name == "error").count();
    for element in [root, suites[0]] {
        assert_eq!(count(element, "tests"), 4);
        assert_eq!(count(element, "failures"), 2);
        assert_eq!(count(element, "errors"), 1);
    }
    assert_eq!((failures.len(), errors), (2, 1));
    // The Pod's two findings are in one failure.
    assert_eq!(failures[1].attributes["type"], "GRD101");
    assert_eq!(failures[1].text.matches("error[GRD101]").count(), 2);
    assert!(failures[0].attributes["message"].contains("container \"web\" runs privileged"));
    let deployment = report.findings[0].location.as_ref().unwrap();
    assert!(failures[0].text.starts_with(&format!(
        "{FIXTURE}:{}:{}: ",
        deployment.line, deployment.column
    )));
    assert!(
        failures[0]
            .text
            .contains("fix: Set `securityContext.privileged`")
    );
    assert!(failures[0].text.contains("patch: [{\"op\":\"replace\""));
}

#[test]
fn junit_fails_only_at_fail_on_and_escapes_everything() {
    let mut report = fixture_report();
    // The Deployment's finding becomes info; the Pod's first one carries
    // markup and characters XML cannot hold.
    report.findings[0].severity = Severity::Info;
    report.findings[1].message = "a <b> & \"c\" 'd' \u{1}\u{1b}bell\r\nnext".into();
    report.findings[1].location.as_mut().unwrap().file = Arc::from(FIXTURE);
    report.errors[0].message = "tab\there <and> ]]> done".into();
    recount(&mut report);
    let options = RenderOptions {
        fail_on: Some(Severity::Warning),
        ..RenderOptions::default()
    };
    let xml = rendered(&report, Format::Junit, options);
    let elements = parse_xml(&xml).unwrap_or_else(|e| panic!("{e}\n{xml}"));
    assert_eq!(count(&elements[0], "failures"), 1);
    let deployment = elements
        .iter()
        .find(|e| {
            e.attributes
                .get("name")
                .is_some_and(|n| n == "Deployment shop/web")
        })
        .unwrap();
    let index = elements
        .iter()
        .position(|e| std::ptr::eq(e, deployment))
        .unwrap();
    assert_eq!(elements[index + 1].name, "system-out");
    assert!(elements[index + 1].text.contains("info[GRD101]"));
    let failure = elements.iter().find(|e| e.name == "failure").unwrap();
    assert_eq!(
        failure.attributes["message"],
        "2 findings at or above warning"
    );
    assert!(
        failure.text.contains("a <b> & \"c\" 'd' bell\r\nnext"),
        "{:?}",
        failure.text
    );
    let error = elements.iter().find(|e| e.name == "error").unwrap();
    assert_eq!(error.attributes["message"], "tab\there <and> ]]> done");

    // A fail-on of info fails both objects.
    let options = RenderOptions {
        fail_on: Some(Severity::Info),
        ..RenderOptions::default()
    };
    let elements = parse_xml(&rendered(&report, Format::Junit, options)).unwrap();
    assert_eq!(count(&elements[0], "failures"), 2);
    assert!(elements.iter().all(|e| e.name != "system-out"));
}

// ---------------------------------------------------------------- GitHub

#[test]
fn github_commands_annotate_each_finding() {
    let report = fixture_report();
    let text = rendered(&report, Format::Github, RenderOptions::default());
    golden("app.github.txt", &text);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), report.findings.len() + report.errors.len());
    let error = report.errors[0].location.as_ref().unwrap();
    assert!(lines[0].starts_with(&format!(
        "::error file={FIXTURE},line={},col={},title=",
        error.line, error.column
    )));
    for (line, finding) in lines[1..].iter().zip(&report.findings) {
        let l = finding.location.as_ref().unwrap();
        let prefix = format!(
            "::error file={FIXTURE},line={},col={},title=GRD101 Privileged container::",
            l.line, l.column
        );
        assert!(line.starts_with(&prefix), "{line}");
        assert!(line.contains(&finding.message));
        assert!(line.contains("%0AFix: Set `securityContext.privileged`"));
    }
}

#[test]
fn github_commands_escape_data_and_properties() {
    let mut report = everything_report();
    report.findings.truncate(1);
    report.errors.clear();
    let finding: &mut Finding = &mut report.findings[0];
    finding.severity = Severity::Warning;
    finding.message = "100% bad\r\nreally: a,b".into();
    finding.location.as_mut().unwrap().file = Arc::from("dir,with:odd%chars/app.yaml");
    finding.fix = None;
    let text = rendered(&report, Format::Github, RenderOptions::default());
    let l = report.findings[0].location.as_ref().unwrap();
    assert_eq!(
        text,
        format!(
            "::warning file=dir%2Cwith%3Aodd%25chars/app.yaml,line={},col={},title=GRD101 Privileged container::100%25 bad%0D%0Areally: a,b\n",
            l.line, l.column
        )
    );
    report.findings[0].severity = Severity::Info;
    report.findings[0].location.as_mut().unwrap().file = Arc::from("-");
    let text = rendered(&report, Format::Github, RenderOptions::default());
    assert!(
        text.starts_with("::notice title=GRD101 Privileged container::"),
        "{text}"
    );
}

#[test]
fn the_schema_and_docs_list_every_diagnostic_code() {
    let schema = report_schema();
    let listed: Vec<&str> = schema["$defs"]["inputError"]["properties"]["code"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let codes: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(listed, codes, "schemas/report.schema.json's code enum");
    support::golden("docs/errors.md", &guard::core::errors_markdown());
}
