//! Differential tests of `guard::policy::opa_compat` against real OPA.
//!
//! `testdata/opa_compat/` holds one Rego file per gap between regorus and OPA
//! (several bodies, a newline before `(`, `sprintf`, `not` over an undefined
//! argument), each with its input, 600 generated `sprintf` calls
//! (`sprintf_generated.rego`, from `sprintf_cases.py`), and
//! `opa.golden.json`: what OPA v1.20.2 itself gave for every `t_*` rule,
//! written by `opa_golden.py` there. The
//! test needs no OPA: it holds guard's loading (normalised source, OPA's
//! `sprintf`) to the golden, and checks that plain regorus does not match it,
//! so each file shows a gap that guard closes.

use guard::policy::opa_compat;
use regorus::{Engine, Value};
use std::collections::BTreeMap;
use std::path::Path;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/opa_compat");

#[derive(serde::Deserialize)]
struct Golden {
    package: String,
    defined: BTreeMap<String, serde_json::Value>,
    undefined: Vec<String>,
}

/// What each rule gives, `None` for undefined, or the error that loading or
/// evaluating the file hit.
fn evaluate(
    file: &str,
    golden: &Golden,
    compat: bool,
) -> Result<BTreeMap<String, Option<serde_json::Value>>, String> {
    let source = std::fs::read_to_string(Path::new(DIR).join(file)).map_err(|e| e.to_string())?;
    let input_path = Path::new(DIR).join(file.replace(".rego", ".input.json"));
    let mut engine = Engine::new();
    engine.set_strict_builtin_errors(false);
    let source = if compat {
        opa_compat::register(&mut engine).map_err(|e| e.to_string())?;
        opa_compat::normalize(&source, false).into_owned()
    } else {
        source
    };
    engine
        .add_policy(file.into(), source)
        .map_err(|e| e.to_string())?;
    if input_path.exists() {
        let text = std::fs::read_to_string(input_path).map_err(|e| e.to_string())?;
        engine.set_input(Value::from_json_str(&text).map_err(|e| e.to_string())?);
    }
    let rules = golden.defined.keys().chain(golden.undefined.iter());
    let mut results = BTreeMap::new();
    for rule in rules {
        let value = engine
            .eval_rule(format!("data.{}.{rule}", golden.package))
            .map_err(|e| format!("{rule}: {e}"))?;
        let value = match value {
            Value::Undefined => None,
            value => Some(serde_json::to_value(&value).map_err(|e| e.to_string())?),
        };
        results.insert(rule.clone(), value);
    }
    Ok(results)
}

/// The rules whose result differs from OPA's, described.
fn differences(
    golden: &Golden,
    results: &BTreeMap<String, Option<serde_json::Value>>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (rule, got) in results {
        let want = golden.defined.get(rule);
        if want != got.as_ref() {
            out.push(format!("{rule}: OPA {want:?}, got {got:?}"));
        }
    }
    out
}

#[test]
fn guard_gives_opas_results_where_plain_regorus_does_not() {
    let text = std::fs::read_to_string(Path::new(DIR).join("opa.golden.json")).unwrap();
    let goldens: BTreeMap<String, Golden> = serde_json::from_str(&text).unwrap();
    assert_eq!(
        goldens.len(),
        5,
        "one file per gap, and generated sprintf calls"
    );
    for (file, golden) in &goldens {
        let rules = golden.defined.len() + golden.undefined.len();
        assert!(rules >= 4, "{file}: too few rules to compare");
        let guard = evaluate(file, golden, true).unwrap_or_else(|e| panic!("{file}: {e}"));
        let diff = differences(golden, &guard);
        assert!(
            diff.is_empty(),
            "{file}: guard differs from OPA:\n{}",
            diff.join("\n")
        );
        // Plain regorus fails to load or evaluate the file, or differs.
        match evaluate(file, golden, false) {
            Ok(plain) => {
                let diff = differences(golden, &plain);
                assert!(
                    !diff.is_empty(),
                    "{file}: plain regorus already gives OPA's results"
                );
                println!(
                    "{file}: {rules} rules as OPA; plain regorus differs on {}",
                    diff.len()
                );
            }
            Err(error) => {
                let last = error.lines().last().unwrap_or_default();
                println!("{file}: {rules} rules as OPA; plain regorus fails: {last}");
            }
        }
    }
}
