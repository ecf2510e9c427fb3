//! YAML streams to engine values with the position of every node.
//!
//! Built on saphyr-parser's event stream rather than a serde deserializer, for
//! three reasons: events carry line and column for every node, which serde
//! drops; values go straight into `regorus::Value` with no JSON text round trip;
//! and scalars can be resolved the way kubectl resolves them (YAML 1.1, through
//! go-yaml v2 and sigs.k8s.io/yaml), not by YAML 1.2 rules.
//!
//! A syntax error ends the document it is in, not the stream: parsing resumes at
//! the next `---` line, so one broken document does not hide the others.

use crate::core::{Pos, SpanNode};
use regorus::Value;
use saphyr_parser::{Event, Parser, ScalarStyle, ScanError, Span, Tag};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Nesting deeper than this is rejected rather than risking the stack; real
/// manifests stay far below it.
const MAX_DEPTH: usize = 200;

/// One document of a stream.
#[derive(Debug)]
pub struct YamlDoc {
    pub value: Value,
    pub spans: SpanNode,
    /// Where the document's content starts.
    pub start: Pos,
    /// Keys that appear twice in one mapping. The later value wins, as in JSON,
    /// but kubectl rejects such a document, so each is reported.
    pub duplicate_keys: Vec<DuplicateKey>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    pub key: String,
    pub first: Pos,
    pub second: Pos,
}

/// A document that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    pub message: String,
    pub pos: Pos,
}

/// How plain scalars are resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// As kubectl reads manifests: YAML 1.1 through go-yaml v2 (`yes`, `on`,
    /// `y` are booleans; `0644` is octal).
    Kubernetes,
    /// YAML 1.2 core schema, for guard's own files (config, Blueprint, test
    /// suites): `off` and `yes` stay strings.
    Core,
}

/// Parses every document of a manifest stream (YAML or JSON) as kubectl
/// would. Empty documents are skipped; a document with a syntax error yields a
/// [`YamlError`] and parsing carries on with the next document.
pub fn parse_stream(text: &str) -> (Vec<YamlDoc>, Vec<YamlError>) {
    parse_stream_as(text, Dialect::Kubernetes)
}

/// [`parse_stream`] with a choice of scalar resolution.
pub fn parse_stream_as(text: &str, dialect: Dialect) -> (Vec<YamlDoc>, Vec<YamlError>) {
    let mut docs = Vec::new();
    let mut errors = Vec::new();
    let mut line_offset = 0usize;
    let mut rest: Cow<str> = Cow::Borrowed(text);
    let mut retries = 0;
    loop {
        let parsed_before = docs.len();
        match parse_from(&rest, line_offset, dialect, &mut docs) {
            Ok(()) => break,
            Err(error) => {
                let relative_line = (error.pos.line as usize).saturating_sub(line_offset + 1);
                if retries < MAX_FLOW_RETRIES {
                    if let Some(fixed) = indent_flow_closer(&rest, &error, relative_line) {
                        retries += 1;
                        docs.truncate(parsed_before);
                        rest = Cow::Owned(fixed);
                        continue;
                    }
                }
                errors.push(error);
                // Resume at the first document marker from the error's line on
                // (a scanner may only notice the error at the next marker), but
                // always past the start of the failed part, so parsing advances.
                match next_document_marker(&rest, relative_line.max(1)) {
                    Some((byte, line)) => {
                        rest = Cow::Owned(rest[byte..].to_string());
                        line_offset += line;
                    }
                    None => break,
                }
            }
        }
    }
    (docs, errors)
}

/// How many under-indented flow closers one stream may have mended.
const MAX_FLOW_RETRIES: usize = 64;

/// go-yaml (and so kubectl) accepts a flow collection whose closing `]` or `}`
/// sits left of the block indentation, as in
/// ```yaml
///   args: [
///       "-a", "b",
///   ]
/// ```
/// which YAML 1.2 parsers reject. Whitespace before a flow indicator carries no
/// meaning, so indenting that one line like the line above it reads the
/// document as kubectl does without moving any value.
fn indent_flow_closer(text: &str, error: &YamlError, line: usize) -> Option<String> {
    if error.message != "invalid indentation" {
        return None;
    }
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let target = lines.get(line)?;
    let body = target.trim_start_matches(' ');
    if !(body.starts_with(']') || body.starts_with('}')) {
        return None;
    }
    let previous = lines[..line].iter().rev().find(|l| !l.trim().is_empty())?;
    let wanted = previous.len() - previous.trim_start_matches(' ').len();
    let current = target.len() - body.len();
    if wanted <= current {
        return None;
    }
    let mut fixed = String::with_capacity(text.len() + wanted);
    for (index, l) in lines.iter().enumerate() {
        if index == line {
            fixed.extend(std::iter::repeat_n(' ', wanted));
            fixed.push_str(body);
        } else {
            fixed.push_str(l);
        }
    }
    Some(fixed)
}

/// Byte offset and 0-based line index of the first `---` line at or after
/// 0-based line `from` of `text`.
fn next_document_marker(text: &str, from: usize) -> Option<(usize, usize)> {
    let mut byte = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if index >= from {
            let body = line.trim_end_matches(['\n', '\r']);
            if body == "---" || body.starts_with("--- ") || body.starts_with("---\t") {
                return Some((byte, index));
            }
        }
        byte += line.len();
    }
    None
}

fn parse_from(
    text: &str,
    line_offset: usize,
    dialect: Dialect,
    docs: &mut Vec<YamlDoc>,
) -> Result<(), YamlError> {
    let mut builder = Builder {
        dialect,
        parser: Parser::new_from_str(text),
        line_offset,
        anchors: HashMap::new(),
        keys: HashMap::new(),
        duplicates: Vec::new(),
        last_pos: Pos::new(1 + line_offset as u32, 1),
    };
    builder.run(docs)
}

struct Builder<'input> {
    dialect: Dialect,
    parser: Parser<'input, saphyr_parser::StrInput<'input>>,
    line_offset: usize,
    anchors: HashMap<usize, (Value, Arc<SpanNode>)>,
    /// Mapping keys repeat across documents; one allocation each.
    keys: HashMap<String, Arc<str>>,
    duplicates: Vec<DuplicateKey>,
    last_pos: Pos,
}

impl<'input> Builder<'input> {
    fn pos(&self, span: &Span) -> Pos {
        Pos::new(
            (span.start.line() + self.line_offset) as u32,
            span.start.col() as u32 + 1,
        )
    }

    fn scan_error(&self, error: ScanError) -> YamlError {
        let marker = error.marker();
        YamlError {
            message: error.info().to_string(),
            pos: Pos::new(
                (marker.line() + self.line_offset) as u32,
                marker.col() as u32 + 1,
            ),
        }
    }

    fn next(&mut self) -> Result<(Event<'input>, Span), YamlError> {
        match self.parser.next_event() {
            Some(Ok((event, span))) => {
                self.last_pos = self.pos(&span);
                Ok((event, span))
            }
            Some(Err(error)) => Err(self.scan_error(error)),
            None => Err(YamlError {
                message: "unexpected end of input".into(),
                pos: self.last_pos,
            }),
        }
    }

    fn run(&mut self, docs: &mut Vec<YamlDoc>) -> Result<(), YamlError> {
        loop {
            let (event, span) = self.next()?;
            match event {
                Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
                Event::StreamEnd => return Ok(()),
                Event::DocumentStart(_) => {
                    self.anchors.clear();
                    self.duplicates.clear();
                    let (event, span) = self.next()?;
                    if matches!(event, Event::DocumentEnd) {
                        continue;
                    }
                    let start = self.pos(&span);
                    let (value, spans) = self.node(event, span, 0)?;
                    if matches!(value, Value::Null) {
                        // An empty document (comments only, or a bare `---`).
                        continue;
                    }
                    docs.push(YamlDoc {
                        value,
                        spans,
                        start,
                        duplicate_keys: std::mem::take(&mut self.duplicates),
                    });
                }
                other => {
                    return Err(YamlError {
                        message: format!("unexpected {other:?} outside a document"),
                        pos: self.pos(&span),
                    });
                }
            }
        }
    }

    fn node(
        &mut self,
        event: Event<'input>,
        span: Span,
        depth: usize,
    ) -> Result<(Value, SpanNode), YamlError> {
        let at = self.pos(&span);
        if depth > MAX_DEPTH {
            return Err(YamlError {
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
                pos: at,
            });
        }
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let value = resolve_scalar(&text, style, tag.as_deref(), self.dialect)
                    .map_err(|message| YamlError { message, pos: at })?;
                let spans = SpanNode::Scalar(at);
                self.remember(anchor, &value, &spans);
                Ok((value, spans))
            }
            Event::Alias(anchor) => match self.anchors.get(&anchor) {
                Some((value, spans)) => Ok((value.clone(), SpanNode::Alias(spans.clone()))),
                None => Err(YamlError {
                    message: "alias to an unknown anchor".into(),
                    pos: at,
                }),
            },
            Event::SequenceStart(anchor, _) => {
                let mut values = Vec::new();
                let mut items = Vec::new();
                loop {
                    let (event, span) = self.next()?;
                    if matches!(event, Event::SequenceEnd) {
                        break;
                    }
                    let (value, node) = self.node(event, span, depth + 1)?;
                    values.push(value);
                    items.push(node);
                }
                let value = Value::from(values);
                let spans = SpanNode::Seq { at, items };
                self.remember(anchor, &value, &spans);
                Ok((value, spans))
            }
            Event::MappingStart(anchor, _) => {
                let (value, spans) = self.mapping(at, depth)?;
                self.remember(anchor, &value, &spans);
                Ok((value, spans))
            }
            other => Err(YamlError {
                message: format!("unexpected {other:?}"),
                pos: at,
            }),
        }
    }

    fn mapping(&mut self, at: Pos, depth: usize) -> Result<(Value, SpanNode), YamlError> {
        let mut map: BTreeMap<Value, Value> = BTreeMap::new();
        let mut entries: Vec<(Arc<str>, Pos, SpanNode)> = Vec::new();
        let mut merged: Vec<(Value, Value, Arc<str>, Pos, SpanNode)> = Vec::new();
        loop {
            let (event, span) = self.next()?;
            if matches!(event, Event::MappingEnd) {
                break;
            }
            let key_pos = self.pos(&span);
            let is_merge =
                matches!(&event, Event::Scalar(text, ScalarStyle::Plain, _, None) if text == "<<");
            let key = self.key(event, span, depth)?;
            let (value_event, value_span) = self.next()?;
            let (value, node) = self.node(value_event, value_span, depth + 1)?;
            if is_merge {
                self.collect_merge(&value, &node, key_pos, &mut merged)?;
                continue;
            }
            let key_value = Value::String(key.clone());
            if map.insert(key_value, value).is_some() {
                let first = entries
                    .iter()
                    .find(|(k, _, _)| *k == key)
                    .map_or(key_pos, |(_, pos, _)| *pos);
                self.duplicates.push(DuplicateKey {
                    key: key.to_string(),
                    first,
                    second: key_pos,
                });
                entries.retain(|(k, _, _)| *k != key);
            }
            entries.push((key, key_pos, node));
        }
        // Explicit keys win over merged ones, whatever their order.
        for (key_value, value, key, pos, node) in merged {
            if let std::collections::btree_map::Entry::Vacant(slot) = map.entry(key_value) {
                slot.insert(value);
                entries.push((key, pos, node));
            }
        }
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        Ok((Value::from(map), SpanNode::Map { at, entries }))
    }

    /// `<<: *anchor` or `<<: [*a, *b]`: earlier maps in a list take precedence.
    fn collect_merge(
        &mut self,
        value: &Value,
        node: &SpanNode,
        key_pos: Pos,
        merged: &mut Vec<(Value, Value, Arc<str>, Pos, SpanNode)>,
    ) -> Result<(), YamlError> {
        let not_a_map = || YamlError {
            message: "a merge key (<<) takes a mapping or a list of mappings".into(),
            pos: key_pos,
        };
        match value {
            Value::Object(object) => {
                for (k, v) in object.iter() {
                    let Value::String(name) = k else { continue };
                    if merged.iter().any(|(existing, ..)| existing == k) {
                        continue;
                    }
                    let child = node
                        .child_key(name)
                        .cloned()
                        .unwrap_or(SpanNode::Scalar(key_pos));
                    merged.push((k.clone(), v.clone(), name.clone(), key_pos, child));
                }
                Ok(())
            }
            Value::Array(items) => {
                for (index, item) in items.iter().enumerate() {
                    if !matches!(item, Value::Object(_)) {
                        return Err(not_a_map());
                    }
                    let child = node
                        .child_index(index)
                        .cloned()
                        .unwrap_or(SpanNode::Scalar(key_pos));
                    self.collect_merge(item, &child, key_pos, merged)?;
                }
                Ok(())
            }
            _ => Err(not_a_map()),
        }
    }

    /// Mapping keys become strings, as sigs.k8s.io/yaml makes them: `1: a` and
    /// `true: a` are the keys "1" and "true".
    fn key(
        &mut self,
        event: Event<'input>,
        span: Span,
        depth: usize,
    ) -> Result<Arc<str>, YamlError> {
        let at = self.pos(&span);
        let text = match event {
            Event::Scalar(text, style, anchor, tag) => {
                let value = resolve_scalar(&text, style, tag.as_deref(), self.dialect)
                    .map_err(|message| YamlError { message, pos: at })?;
                self.remember(anchor, &value, &SpanNode::Scalar(at));
                match value {
                    Value::String(s) => return Ok(self.intern(&s)),
                    Value::Null => "null".to_string(),
                    Value::Bool(b) => b.to_string(),
                    Value::Number(n) => Value::Number(n).to_json_str().unwrap_or_default(),
                    _ => text.into_owned(),
                }
            }
            Event::Alias(anchor) => match self.anchors.get(&anchor) {
                Some((Value::String(s), _)) => s.to_string(),
                _ => {
                    return Err(YamlError {
                        message: "a mapping key must be a scalar".into(),
                        pos: at,
                    });
                }
            },
            other => {
                // Skip the complex key's content so the error names its start.
                let _ = self.node(other, span, depth + 1);
                return Err(YamlError {
                    message: "a mapping key must be a scalar, not a mapping or sequence".into(),
                    pos: at,
                });
            }
        };
        Ok(self.intern(&text))
    }

    fn intern(&mut self, key: &str) -> Arc<str> {
        if let Some(existing) = self.keys.get(key) {
            return existing.clone();
        }
        let shared: Arc<str> = Arc::from(key);
        self.keys.insert(key.to_string(), shared.clone());
        shared
    }

    fn remember(&mut self, anchor: usize, value: &Value, spans: &SpanNode) {
        if anchor != 0 {
            self.anchors
                .insert(anchor, (value.clone(), Arc::new(spans.clone())));
        }
    }
}

/// Resolves a scalar to a value the way kubectl does: plain scalars by YAML 1.1
/// rules (`yes`, `on`, `0644`, `1_000`), quoted and block scalars as strings,
/// core-schema tags honoured, other tags ignored.
fn resolve_scalar(
    text: &str,
    style: ScalarStyle,
    tag: Option<&Tag>,
    dialect: Dialect,
) -> Result<Value, String> {
    let resolve_plain = |text: &str| match dialect {
        Dialect::Kubernetes => resolve_plain(text),
        Dialect::Core => resolve_core(text),
    };
    if let Some(tag) = tag.filter(|t| t.is_yaml_core_schema()) {
        return match tag.suffix.as_str() {
            "str" | "binary" | "timestamp" => Ok(Value::from(text)),
            "null" => Ok(Value::Null),
            "bool" => match resolve_plain(text) {
                value @ Value::Bool(_) => Ok(value),
                _ => Err(format!("{text:?} is not a boolean")),
            },
            "int" | "float" => match resolve_plain(text) {
                value @ Value::Number(_) => Ok(value),
                _ => Err(format!("{text:?} is not a number")),
            },
            _ => Ok(resolve_by_style(text, style, resolve_plain)),
        };
    }
    Ok(resolve_by_style(text, style, resolve_plain))
}

fn resolve_by_style(text: &str, style: ScalarStyle, plain: impl Fn(&str) -> Value) -> Value {
    match style {
        ScalarStyle::Plain => plain(text),
        _ => Value::from(text),
    }
}

/// YAML 1.2 core schema resolution of a plain scalar.
fn resolve_core(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = text.parse::<i64>() {
            return Value::from(n);
        }
    }
    for (prefix, radix) in [("0x", 16), ("0o", 8)] {
        if let Some(body) = text.strip_prefix(prefix) {
            if let Ok(n) = u64::from_str_radix(body, radix) {
                return Value::from(n);
            }
        }
    }
    if is_yaml_float(text) {
        if let Ok(f) = text.parse::<f64>() {
            if f.is_finite() {
                return Value::from(f);
            }
        }
    }
    Value::from(text)
}

/// YAML 1.1 resolution of a plain scalar, as go-yaml v2 does it.
pub(crate) fn resolve_plain(text: &str) -> Value {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "true" | "True" | "TRUE" => {
            return Value::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "false" | "False" | "FALSE" => {
            return Value::Bool(false);
        }
        _ => {}
    }
    let first = text.as_bytes()[0];
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return Value::from(text);
    }
    let plain: Cow<str> = if text.contains('_') {
        Cow::Owned(text.replace('_', ""))
    } else {
        Cow::Borrowed(text)
    };
    if let Some(value) = parse_int(&plain) {
        return value;
    }
    if is_yaml_float(&plain) {
        if let Ok(f) = plain.parse::<f64>() {
            if f.is_finite() {
                return Value::from(f);
            }
        }
    }
    Value::from(text)
}

/// Integers as Go's `strconv.ParseInt(s, 0, 64)` reads them (then unsigned):
/// optional sign, `0x`, `0o`, `0b` prefixes, and a leading `0` for octal.
fn parse_int(text: &str) -> Option<Value> {
    let (negative, digits) = match text.as_bytes().first()? {
        b'-' => (true, &text[1..]),
        b'+' => (false, &text[1..]),
        _ => (false, text),
    };
    if digits.is_empty() {
        return None;
    }
    let (radix, body) = if let Some(rest) = digits
        .strip_prefix("0x")
        .or_else(|| digits.strip_prefix("0X"))
    {
        (16, rest)
    } else if let Some(rest) = digits
        .strip_prefix("0b")
        .or_else(|| digits.strip_prefix("0B"))
    {
        (2, rest)
    } else if let Some(rest) = digits
        .strip_prefix("0o")
        .or_else(|| digits.strip_prefix("0O"))
    {
        (8, rest)
    } else if digits.len() > 1 && digits.starts_with('0') {
        (8, &digits[1..])
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(body, radix).ok()?;
    if negative {
        if magnitude <= i64::MAX as u64 + 1 {
            Some(Value::from((magnitude as i128).wrapping_neg() as i64))
        } else {
            None
        }
    } else {
        Some(Value::from(magnitude))
    }
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`, plus `.inf`-style
/// literals are left as strings since JSON cannot hold them.
fn is_yaml_float(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    if matches!(bytes.first(), Some(b'-' | b'+')) {
        i += 1;
    }
    let int_start = i;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if i < bytes.len() && bytes[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if int_digits == 0 && i == frac_start {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    if i < bytes.len() && matches!(bytes[i], b'e' | b'E') {
        i += 1;
        if matches!(bytes.get(i), Some(b'-' | b'+')) {
            i += 1;
        }
        let exp_start = i;
        while i < bytes.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> YamlDoc {
        let (mut docs, errors) = parse_stream(text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(docs.len(), 1);
        docs.remove(0)
    }

    fn json(value: &Value) -> String {
        value.to_json_str().unwrap().replace([' ', '\n'], "")
    }

    #[test]
    fn plain_scalars_resolve_as_yaml_1_1() {
        let doc = one(
            "a: yes\nb: off\nc: 0644\nd: 1_000\ne: 0x1F\nf: 1.5\ng: ~\nh: '0644'\ni: .5\nj: 1e3\nk: 12abc\nl: -7\n",
        );
        assert_eq!(
            json(&doc.value),
            r#"{"a":true,"b":false,"c":420,"d":1000,"e":31,"f":1.5,"g":null,"h":"0644","i":0.5,"j":1000,"k":"12abc","l":-7}"#
        );
    }

    #[test]
    fn the_core_dialect_keeps_yaml_1_1_words_as_strings() {
        let (docs, _) = parse_stream_as("a: off\nb: yes\nc: 0644\nd: true\ne: 12\n", Dialect::Core);
        assert_eq!(
            json(&docs[0].value),
            r#"{"a":"off","b":"yes","c":644,"d":true,"e":12}"#
        );
    }

    #[test]
    fn non_string_keys_become_strings() {
        let doc = one("1: a\ntrue: b\n~: c\n");
        assert_eq!(json(&doc.value), r#"{"1":"a","null":"c","true":"b"}"#);
    }

    #[test]
    fn positions_are_one_based_and_point_at_keys() {
        let doc = one("kind: Pod\nspec:\n  containers:\n    - name: a\n      image: x\n");
        let path = [
            "spec".into(),
            "containers".into(),
            0usize.into(),
            "image".into(),
        ];
        let (pos, exact) = doc.spans.lookup(&path);
        assert!(exact);
        assert_eq!(pos, Pos::new(5, 7));
    }

    #[test]
    fn duplicate_keys_are_reported_and_the_last_wins() {
        let doc = one("a: 1\nb: 2\na: 3\n");
        assert_eq!(json(&doc.value), r#"{"a":3,"b":2}"#);
        assert_eq!(
            doc.duplicate_keys,
            vec![DuplicateKey {
                key: "a".into(),
                first: Pos::new(1, 1),
                second: Pos::new(3, 1)
            }]
        );
    }

    #[test]
    fn merge_keys_and_aliases() {
        let doc = one("base: &b {x: 1, z: 2}\nobj:\n  <<: *b\n  z: 3\nref: *b\n");
        assert_eq!(
            json(&doc.value),
            r#"{"base":{"x":1,"z":2},"obj":{"x":1,"z":3},"ref":{"x":1,"z":2}}"#
        );
    }

    #[test]
    fn a_broken_document_does_not_hide_the_next() {
        let text = "a: 1\n---\nb: [1, 2\n---\nc: 3\n";
        let (docs, errors) = parse_stream(text);
        assert_eq!(docs.len(), 2);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].pos.line >= 3, "{errors:?}");
        assert_eq!(docs[1].start.line, 5);
    }

    #[test]
    fn flow_closers_left_of_the_block_indent_are_read_as_kubectl_reads_them() {
        let text = "spec:\n  args: [\n      \"-a\", \"b\",\n  ]\n  env: x\n";
        let doc = one(text);
        assert_eq!(
            json(&doc.value),
            r#"{"spec":{"args":["-a","b"],"env":"x"}}"#
        );
        assert_eq!(
            doc.spans.lookup(&["spec".into(), "env".into()]).0,
            Pos::new(5, 3)
        );
    }

    #[test]
    fn empty_documents_are_skipped() {
        let (docs, errors) = parse_stream("---\n# only a comment\n---\n---\na: 1\n");
        assert!(errors.is_empty());
        assert_eq!(docs.len(), 1);
    }

    #[test]
    fn json_input_parses() {
        let doc = one(r#"{"kind": "Pod", "spec": {"n": 1, "s": "yes"}}"#);
        assert_eq!(
            json(&doc.value),
            r#"{"kind":"Pod","spec":{"n":1,"s":"yes"}}"#
        );
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = "[".repeat(10_000);
        let (_, errors) = parse_stream(&text);
        assert!(!errors.is_empty());
    }
}
