//! Constraint parameters against the template's `openAPIV3Schema`.
//!
//! Kubernetes schemas are OpenAPI v3 with structural extensions; the JSON
//! Schema validator needs three of them spelled in JSON Schema terms:
//! `nullable: true` (null is allowed), `x-kubernetes-int-or-string: true`
//! (an integer or a string, whatever `type` says) and
//! `x-kubernetes-preserve-unknown-fields: true` (any fields, which is JSON
//! Schema's default already). Unknown fields are not errors: the API server
//! prunes them and gator, which guard follows, keeps them, so neither rejects.

use serde_json::{Map, Value as Json, json};

/// A compiled parameters schema.
pub struct ParameterSchema {
    validator: jsonschema::Validator,
}

/// One way the parameters break the schema: the JSON Pointer of the value
/// at fault (relative to `spec.parameters`) and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub pointer: String,
    pub message: String,
}

impl ParameterSchema {
    /// Compiles a template's schema; an error says why it is not a schema.
    pub fn compile(openapi: &Json) -> Result<ParameterSchema, String> {
        let schema = to_json_schema(openapi);
        jsonschema::validator_for(&schema)
            .map(|validator| ParameterSchema { validator })
            .map_err(|e| e.to_string())
    }

    /// Every violation of the schema by `parameters`, in document order.
    pub fn validate(&self, parameters: &Json) -> Vec<Violation> {
        let mut out: Vec<Violation> = self
            .validator
            .iter_errors(parameters)
            .map(|error| Violation {
                pointer: error.instance_path().as_str().to_string(),
                message: error.to_string(),
            })
            .collect();
        out.sort_by(|a, b| a.pointer.cmp(&b.pointer));
        out.dedup();
        out
    }
}

/// The JSON Schema an OpenAPI v3 structural schema means.
fn to_json_schema(schema: &Json) -> Json {
    let Json::Object(map) = schema else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in map {
        let converted = match key.as_str() {
            "properties" | "patternProperties" | "definitions" => match value {
                Json::Object(props) => Json::Object(
                    props
                        .iter()
                        .map(|(k, v)| (k.clone(), to_json_schema(v)))
                        .collect(),
                ),
                other => other.clone(),
            },
            "items" | "additionalProperties" | "not" | "additionalItems" => to_json_schema(value),
            "allOf" | "anyOf" | "oneOf" => match value {
                Json::Array(items) => Json::Array(items.iter().map(to_json_schema).collect()),
                other => other.clone(),
            },
            // Annotations that JSON Schema validators would read differently.
            "default" | "example" | "format" => continue,
            _ => value.clone(),
        };
        out.insert(key.clone(), converted);
    }
    if map.get("x-kubernetes-int-or-string") == Some(&Json::Bool(true)) {
        out.remove("type");
        out.insert(
            "anyOf".into(),
            json!([{"type": "integer"}, {"type": "string"}]),
        );
    }
    if map.get("nullable") == Some(&Json::Bool(true)) {
        if let Some(Json::String(kind)) = out.get("type").cloned() {
            out.insert("type".into(), json!([kind, "null"]));
        }
        if let Some(Json::Array(values)) = out.get_mut("enum") {
            values.push(Json::Null);
        }
    }
    Json::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn violations(schema: Json, params: Json) -> Vec<String> {
        ParameterSchema::compile(&schema)
            .unwrap()
            .validate(&params)
            .into_iter()
            .map(|v| v.pointer)
            .collect()
    }

    #[test]
    fn types_and_required_fields_are_checked_where_they_fail() {
        let schema = json!({"type": "object", "properties": {
            "labels": {"type": "array", "items": {"type": "string"}},
            "limit": {"type": "integer"}}});
        assert_eq!(
            violations(schema.clone(), json!({"labels": ["a", 1]})),
            ["/labels/1"]
        );
        assert_eq!(
            violations(schema.clone(), json!({"limit": "x"})),
            ["/limit"]
        );
        assert!(violations(schema, json!({"unknown": true, "limit": 3})).is_empty());
    }

    #[test]
    fn structural_extensions_mean_what_kubernetes_means() {
        let schema = json!({"type": "object", "properties": {
            "port": {"x-kubernetes-int-or-string": true},
            "note": {"type": "string", "nullable": true},
            "any": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}});
        assert!(
            violations(
                schema.clone(),
                json!({"port": "http", "note": null, "any": {"x": {"y": 1}}})
            )
            .is_empty()
        );
        assert!(violations(schema.clone(), json!({"port": 8080})).is_empty());
        assert_eq!(violations(schema, json!({"port": true})), ["/port"]);
    }
}
