//! OPA's deprecated builtins, which Gatekeeper still accepts in v0 templates
//! (OPA keeps them for v0 modules) and regorus does not have: `re_match`,
//! `any`, `all`, `set_diff`, `cast_array` and `cast_set`.

use anyhow::{Result, bail};
use regorus::{Engine, Value};
use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};

/// Adds the builtins to a fresh engine.
pub fn register(engine: &mut Engine) -> Result<()> {
    engine.add_extension(
        "re_match".into(),
        2,
        Box::new(|args: Vec<Value>| {
            let (Value::String(pattern), Value::String(value)) = (&args[0], &args[1]) else {
                bail!("re_match: operands must be strings");
            };
            Ok(Value::from(matches(pattern, value)?))
        }),
    )?;
    engine.add_extension(
        "any".into(),
        1,
        Box::new(|args: Vec<Value>| {
            Ok(Value::from(
                items(&args[0])?.any(|v| *v == Value::from(true)),
            ))
        }),
    )?;
    engine.add_extension(
        "all".into(),
        1,
        Box::new(|args: Vec<Value>| {
            Ok(Value::from(
                items(&args[0])?.all(|v| *v == Value::from(true)),
            ))
        }),
    )?;
    engine.add_extension(
        "set_diff".into(),
        2,
        Box::new(|args: Vec<Value>| {
            let (Value::Set(a), Value::Set(b)) = (&args[0], &args[1]) else {
                bail!("set_diff: operands must be sets");
            };
            Ok(Value::from(
                a.iter()
                    .filter(|v| !b.contains(v))
                    .cloned()
                    .collect::<BTreeSet<Value>>(),
            ))
        }),
    )?;
    engine.add_extension(
        "cast_array".into(),
        1,
        Box::new(|args: Vec<Value>| {
            Ok(Value::from(
                items(&args[0])?.cloned().collect::<Vec<Value>>(),
            ))
        }),
    )?;
    engine.add_extension(
        "cast_set".into(),
        1,
        Box::new(|args: Vec<Value>| {
            Ok(Value::from(
                items(&args[0])?.cloned().collect::<BTreeSet<Value>>(),
            ))
        }),
    )?;
    Ok(())
}

thread_local! {
    /// Compiled patterns: templates match the same few patterns against
    /// every container of every object, and compiling dominates matching.
    static PATTERNS: RefCell<HashMap<String, regex::Regex>> = RefCell::new(HashMap::new());
}

/// Whether `value` matches `pattern`, compiling each pattern once per thread.
fn matches(pattern: &str, value: &str) -> Result<bool> {
    PATTERNS.with(|patterns| {
        let mut patterns = patterns.borrow_mut();
        if let Some(regex) = patterns.get(pattern) {
            return Ok(regex.is_match(value));
        }
        let regex = regex::Regex::new(pattern)?;
        let found = regex.is_match(value);
        // Patterns come from templates, not from the objects checked, so
        // the cache stays small; the bound guards against the odd template
        // that builds patterns from object fields.
        if patterns.len() < 1024 {
            patterns.insert(pattern.to_string(), regex);
        }
        Ok(found)
    })
}

/// The members of an array or a set.
fn items(value: &Value) -> Result<Box<dyn Iterator<Item = &Value> + '_>> {
    match value {
        Value::Array(items) => Ok(Box::new(items.iter())),
        Value::Set(items) => Ok(Box::new(items.iter())),
        _ => bail!("operand must be an array or a set"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deprecated_builtins_behave_as_in_opa() {
        let mut engine = Engine::new();
        engine.set_rego_v0(true);
        register(&mut engine).unwrap();
        engine
            .add_policy(
                "t.rego".into(),
                "package t\nr := [re_match(\"^a+$\", \"aaa\"), any([false, true]), all([true, false]), count(set_diff({1, 2}, {2})), cast_array({1})]".into(),
            )
            .unwrap();
        let value = engine.eval_rule("data.t.r".into()).unwrap();
        assert_eq!(
            serde_json::to_string(&value).unwrap(),
            "[true,true,false,1,[1]]"
        );
    }
}
