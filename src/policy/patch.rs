//! Turns a rule's fix (`set`, `append`, `remove` at a path) into a JSON Patch
//! that applies to the object as it is: missing parents are created by the
//! patch itself, and `add` or `replace` is chosen by what exists.

use crate::core::{PatchOp, PatchVerb};
use crate::source::{PathSeg, json_pointer};
use regorus::Value;

/// Converts the `patch` array of a violation, e.g.
/// `[{"op": "set", "path": ["spec", "hostNetwork"], "value": false}]`.
pub fn to_json_patch(object: &Value, ops: &Value) -> Result<Vec<PatchOp>, String> {
    let Value::Array(ops) = ops else {
        return Err("patch must be an array of operations".into());
    };
    let mut out = Vec::new();
    for op in ops.iter() {
        let get = |name: &str| match op {
            Value::Object(map) => map.get(&Value::from(name)),
            _ => None,
        };
        let verb = match get("op") {
            Some(Value::String(verb)) => verb.to_string(),
            _ => return Err("patch operation without an op".into()),
        };
        let path = match get("path") {
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| match item {
                    Value::String(key) => Ok(PathSeg::Key(key.to_string())),
                    Value::Number(n) => n
                        .as_u64()
                        .map(|i| PathSeg::Index(i as usize))
                        .ok_or_else(|| "patch path index is not a whole number".to_string()),
                    _ => Err("patch path holds something other than keys and indices".to_string()),
                })
                .collect::<Result<Vec<_>, _>>()?,
            _ => return Err("patch operation without a path array".into()),
        };
        let value = get("value").map(to_json).transpose()?;
        match verb.as_str() {
            "set" => out.push(set(object, &path, value.ok_or("set needs a value")?)),
            "append" => out.push(append(object, &path, value.ok_or("append needs a value")?)),
            "remove" => {
                if lookup(object, &path).is_some() {
                    out.push(PatchOp {
                        op: PatchVerb::Remove,
                        path: json_pointer(&path),
                        value: None,
                    });
                }
            }
            other => return Err(format!("unknown patch op {other:?} (set, append, remove)")),
        }
    }
    Ok(out)
}

fn to_json(value: &Value) -> Result<serde_json::Value, String> {
    serde_json::to_value(value).map_err(|e| e.to_string())
}

fn lookup<'v>(mut value: &'v Value, path: &[PathSeg]) -> Option<&'v Value> {
    for seg in path {
        value = match (seg, value) {
            (PathSeg::Key(key), Value::Object(map)) => map.get(&Value::from(key.as_str()))?,
            (PathSeg::Index(i), Value::Array(items)) => items.get(*i)?,
            _ => return None,
        };
    }
    Some(value)
}

/// Sets `path` to `value`: `replace` when it exists, otherwise `add` at the
/// first missing level with the rest of the path built around the value.
fn set(object: &Value, path: &[PathSeg], value: serde_json::Value) -> PatchOp {
    if lookup(object, path).is_some() {
        return PatchOp {
            op: PatchVerb::Replace,
            path: json_pointer(path),
            value: Some(value),
        };
    }
    let existing = (0..path.len())
        .take_while(|&i| lookup(object, &path[..=i]).is_some())
        .count();
    let mut nested = value;
    for seg in path[existing + 1..].iter().rev() {
        nested = match seg {
            PathSeg::Key(key) => serde_json::json!({ key.as_str(): nested }),
            PathSeg::Index(_) => serde_json::json!([nested]),
        };
    }
    PatchOp {
        op: PatchVerb::Add,
        path: json_pointer(&path[..=existing]),
        value: Some(nested),
    }
}

/// Appends `value` to the array at `path`, creating the array if needed.
fn append(object: &Value, path: &[PathSeg], value: serde_json::Value) -> PatchOp {
    match lookup(object, path) {
        Some(Value::Array(_)) => PatchOp {
            op: PatchVerb::Add,
            path: format!("{}/-", json_pointer(path)),
            value: Some(value),
        },
        _ => set(object, path, serde_json::Value::Array(vec![value])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn patch(object: &str, ops: &str) -> String {
        let object = Value::from_json_str(object).unwrap();
        let ops = Value::from_json_str(ops).unwrap();
        serde_json::to_string(&to_json_patch(&object, &ops).unwrap()).unwrap()
    }

    #[test]
    fn set_creates_missing_parents_in_one_add() {
        assert_eq!(
            patch(
                r#"{"spec": {"containers": [{"name": "a"}]}}"#,
                r#"[{"op": "set", "path": ["spec", "containers", 0, "securityContext", "privileged"], "value": false}]"#
            ),
            r#"[{"op":"add","path":"/spec/containers/0/securityContext","value":{"privileged":false}}]"#
        );
    }

    #[test]
    fn set_replaces_what_exists() {
        assert_eq!(
            patch(
                r#"{"spec": {"hostPID": true}}"#,
                r#"[{"op": "set", "path": ["spec", "hostPID"], "value": false}]"#
            ),
            r#"[{"op":"replace","path":"/spec/hostPID","value":false}]"#
        );
    }

    #[test]
    fn append_extends_or_creates_the_array() {
        assert_eq!(
            patch(
                r#"{"c": {"drop": ["NET_RAW"]}}"#,
                r#"[{"op": "append", "path": ["c", "drop"], "value": "ALL"}]"#
            ),
            r#"[{"op":"add","path":"/c/drop/-","value":"ALL"}]"#
        );
        assert_eq!(
            patch(
                r#"{"c": {}}"#,
                r#"[{"op": "append", "path": ["c", "drop"], "value": "ALL"}]"#
            ),
            r#"[{"op":"add","path":"/c/drop","value":["ALL"]}]"#
        );
    }

    #[test]
    fn remove_only_what_exists() {
        assert_eq!(
            patch(r#"{"a": 1}"#, r#"[{"op": "remove", "path": ["b"]}]"#),
            "[]"
        );
        assert_eq!(
            patch(r#"{"a": 1}"#, r#"[{"op": "remove", "path": ["a"]}]"#),
            r#"[{"op":"remove","path":"/a"}]"#
        );
    }
}
