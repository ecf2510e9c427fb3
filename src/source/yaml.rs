//! YAML streams to engine values with the position of every node.
//!
//! Built on libyaml-safer, a function-by-function Rust port of libyaml.
//! kubectl reads manifests with go-yaml, itself a port of libyaml, so the two
//! accept and reject the same documents: a quoted or plain scalar wrapped onto
//! lines at its own key's indentation, or a flow collection closed left of the
//! block indentation, which YAML 1.2 parsers refuse, load here as kubectl loads
//! them. Its event stream is used rather than a serde deserializer, for three
//! reasons: events carry line and column for every node, which serde drops;
//! values go straight into `regorus::Value` with no JSON text round trip; and
//! scalars can be resolved the way kubectl resolves them (YAML 1.1, through
//! go-yaml v2 and sigs.k8s.io/yaml), not by YAML 1.2 rules.
//!
//! A syntax error ends the document it is in, not the stream: parsing resumes at
//! the next `---` line, so one broken document does not hide the others.

use crate::core::{Pos, SpanNode};
use libyaml_safer::{Event, EventData, Mark, Parser, ScalarStyle};
use regorus::Value;
use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::panic::{self, AssertUnwindSafe};
use std::sync::{Arc, Once};

/// Nesting deeper than this is rejected rather than risking the stack; real
/// manifests stay far below it.
const MAX_DEPTH: usize = 200;

/// What `!!` expands to: the tags of the YAML core schema.
const CORE_SCHEMA_TAG_PREFIX: &str = "tag:yaml.org,2002:";

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
    parse_part(text, 0, dialect, &mut docs, &mut errors);
    (docs, errors)
}

/// Parses `text`, whose first line is line `line_offset + 1` of the stream,
/// carrying on past each broken document.
fn parse_part(
    text: &str,
    mut line_offset: usize,
    dialect: Dialect,
    docs: &mut Vec<YamlDoc>,
    errors: &mut Vec<YamlError>,
) {
    let mut rest = text;
    // Each failed pass moves `rest` on by at least one line, so this ends.
    loop {
        let parsed_before = docs.len();
        let mut outcome = parse_from(rest, line_offset, dialect, None, docs);
        if outcome.as_ref().is_err_and(|stop| stop.panicked) && !rest.ends_with(['\n', '\r']) {
            // libyaml-safer panics on some streams that end without a line
            // break (a block scalar whose last line has text) where libyaml
            // reads to the end; with the break added it reads them, and the
            // builder takes the added break back out of the value.
            docs.truncate(parsed_before);
            let with_break = format!("{rest}\n");
            outcome = parse_from(&with_break, line_offset, dialect, Some(rest.len()), docs);
        }
        let Err(stop) = outcome else {
            break;
        };
        let relative_line = (stop.error.pos.line as usize).saturating_sub(line_offset + 1);
        if stop.unreadable {
            // libyaml's reader checks characters ahead of the parser, so the
            // documents before the one with the character it refused may be
            // left unfinished: they are read again on their own. That part
            // has no such character, so this goes no deeper.
            if let Some(byte) = last_document_marker(rest, relative_line) {
                docs.truncate(parsed_before);
                parse_part(&rest[..byte], line_offset, dialect, docs, errors);
            }
        }
        errors.push(stop.error);
        // Resume at the first document marker from the error's line on (the
        // scanner may only notice an error at the next marker), but always
        // past the start of the failed part, so parsing advances.
        match next_document_marker(rest, relative_line.max(1)) {
            Some((byte, line)) => {
                rest = &rest[byte..];
                line_offset += line;
            }
            None => break,
        }
    }
}

/// Why a pass over part of a stream stopped short.
struct Stop {
    error: YamlError,
    /// The parser panicked rather than report an error.
    panicked: bool,
    /// libyaml's reader refused a character (see [`is_yaml_printable`]).
    unreadable: bool,
}

/// Byte offset of the last `---` line at or before 0-based line `until` of
/// `text`, if there is one after the first line.
fn last_document_marker(text: &str, until: usize) -> Option<usize> {
    let mut byte = 0;
    let mut found = None;
    for (index, line) in text.split_inclusive('\n').enumerate().take(until + 1) {
        if index > 0 && is_document_marker(line) {
            found = Some(byte);
        }
        byte += line.len();
    }
    found
}

fn is_document_marker(line: &str) -> bool {
    let body = line.trim_end_matches(['\n', '\r']);
    body == "---" || body.starts_with("--- ") || body.starts_with("---\t")
}

/// Byte offset and 0-based line index of the first `---` line at or after
/// 0-based line `from` of `text`.
fn next_document_marker(text: &str, from: usize) -> Option<(usize, usize)> {
    let mut byte = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if index >= from && is_document_marker(line) {
            return Some((byte, index));
        }
        byte += line.len();
    }
    None
}

/// Parses `text`, whose first line is line `line_offset + 1` of the stream.
/// `added_break_at` is the length of the text before a line break that was
/// added at its end.
fn parse_from(
    text: &str,
    line_offset: usize,
    dialect: Dialect,
    added_break_at: Option<usize>,
    docs: &mut Vec<YamlDoc>,
) -> Result<(), Stop> {
    let mut parser = Parser::new();
    parser.set_input(text.as_bytes());
    let mut builder = Builder {
        dialect,
        parser,
        text,
        line_offset,
        added_break_at,
        panicked: false,
        unreadable: false,
        anchors: HashMap::new(),
        keys: HashMap::new(),
        duplicates: Vec::new(),
        last_pos: Pos::new(to_u32(line_offset + 1), 1),
    };
    builder.run(docs).map_err(|error| Stop {
        error,
        panicked: builder.panicked,
        unreadable: builder.unreadable,
    })
}

fn to_u32(n: impl TryInto<u32>) -> u32 {
    n.try_into().unwrap_or(u32::MAX)
}

thread_local! {
    static CONTAINING_A_PANIC: Cell<bool> = const { Cell::new(false) };
}

static QUIET_PANIC_HOOK: Once = Once::new();

/// Runs `step`, turning a panic into `None`.
///
/// libyaml-safer keeps a few `panic!`s where libyaml carries on (a tag
/// followed straight by `,` in a flow collection, `[!x,]`; a stream that
/// ends without a line break inside a block scalar); guard must not crash on
/// any input, so such a panic ends the document like a syntax error.
/// The process's panic hook is wrapped once so that a panic contained here is
/// not printed as if guard had crashed; every other panic reaches the hook that
/// was there before.
fn contain_panic<T>(step: impl FnOnce() -> T) -> Option<T> {
    QUIET_PANIC_HOOK.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            if !CONTAINING_A_PANIC.with(Cell::get) {
                previous(info);
            }
        }));
    });
    CONTAINING_A_PANIC.with(|flag| flag.set(true));
    let result = panic::catch_unwind(AssertUnwindSafe(step));
    CONTAINING_A_PANIC.with(|flag| flag.set(false));
    result.ok()
}

/// libyaml's reader takes only these characters (YAML 1.1's printable set)
/// and stops at any other.
fn is_yaml_printable(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{d7ff}'
        | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

struct Builder<'input> {
    dialect: Dialect,
    parser: Parser<&'input [u8]>,
    text: &'input str,
    line_offset: usize,
    added_break_at: Option<usize>,
    panicked: bool,
    unreadable: bool,
    anchors: HashMap<String, (Value, Arc<SpanNode>)>,
    /// Mapping keys repeat across documents; one allocation each.
    keys: HashMap<String, Arc<str>>,
    duplicates: Vec<DuplicateKey>,
    last_pos: Pos,
}

impl Builder<'_> {
    fn pos(&self, mark: Mark) -> Pos {
        Pos::new(
            to_u32(mark.line.saturating_add(1 + self.line_offset as u64)),
            to_u32(mark.column.saturating_add(1)),
        )
    }

    fn parse_error(&mut self, error: &libyaml_safer::Error) -> YamlError {
        let pos = match error.problem_mark() {
            Some(mark) => self.pos_in_text(mark),
            None => {
                self.unreadable = true;
                self.first_unreadable_char()
            }
        };
        let message = match (error.context(), error.context_mark()) {
            (Some(context), Some(mark)) => {
                let at = self.pos_in_text(mark);
                format!(
                    "{} ({context} at {}:{})",
                    error.problem(),
                    at.line,
                    at.column
                )
            }
            _ => error.problem().to_string(),
        };
        YamlError { message, pos }
    }

    /// [`Builder::pos`], with a mark past an added line break moved back
    /// to the end of the text as it was.
    fn pos_in_text(&self, mark: Mark) -> Pos {
        match self.added_break_at {
            Some(end) if mark.index > end as u64 => self.end_of(&self.text[..end]),
            _ => self.pos(mark),
        }
    }

    /// The position just past the last character of `text`.
    fn end_of(&self, text: &str) -> Pos {
        let last_line = text.rsplit('\n').next().unwrap_or_default();
        Pos::new(
            to_u32(self.line_offset + 1 + text.matches('\n').count()),
            to_u32(last_line.chars().count() + 1),
        )
    }

    /// Where libyaml's reader stops: the first character it does not read.
    /// Its errors carry a byte offset rather than a line and column.
    fn first_unreadable_char(&self) -> Pos {
        let mut line = self.line_offset + 1;
        let mut column = 1;
        for c in self.text.chars() {
            if !is_yaml_printable(c) {
                break;
            }
            if c == '\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        Pos::new(to_u32(line), to_u32(column))
    }

    fn next(&mut self) -> Result<Event, YamlError> {
        let parser = &mut self.parser;
        match contain_panic(|| parser.parse()) {
            Some(Ok(mut event)) => {
                self.last_pos = self.pos(event.start_mark);
                self.remove_added_break(&mut event);
                Ok(event)
            }
            Some(Err(error)) => Err(self.parse_error(&error)),
            None => {
                self.panicked = true;
                Err(YamlError {
                    message: "the YAML parser cannot read what follows".into(),
                    pos: self.last_pos,
                })
            }
        }
    }

    /// A block scalar that runs to the end of the text took the line break
    /// added there (see [`parse_part`]) into its value; libyaml, which
    /// reads such a stream as it is, ends the value without it.
    fn remove_added_break(&self, event: &mut Event) {
        let Some(end) = self.added_break_at else {
            return;
        };
        if event.end_mark.index <= end as u64 {
            return;
        }
        if let EventData::Scalar {
            value,
            style: ScalarStyle::Literal | ScalarStyle::Folded,
            ..
        } = &mut event.data
        {
            if value.ends_with('\n') {
                value.pop();
            }
        }
    }

    fn run(&mut self, docs: &mut Vec<YamlDoc>) -> Result<(), YamlError> {
        loop {
            let event = self.next()?;
            match event.data {
                EventData::StreamStart { .. } => {}
                EventData::StreamEnd => return Ok(()),
                EventData::DocumentStart { .. } => {
                    self.anchors.clear();
                    self.duplicates.clear();
                    let content = self.next()?;
                    let start = self.pos(content.start_mark);
                    let (value, spans) = self.node(content.data, start, 0)?;
                    // A document counts once it is complete: libyaml may
                    // find the error that breaks it only after its content.
                    let end = self.next()?;
                    if !matches!(end.data, EventData::DocumentEnd { .. }) {
                        return Err(YamlError {
                            message: format!(
                                "unexpected {:?} after a document's content",
                                end.data
                            ),
                            pos: self.pos(end.start_mark),
                        });
                    }
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
                        pos: self.pos(event.start_mark),
                    });
                }
            }
        }
    }

    /// The node that starts with the event `data` at `at`.
    fn node(
        &mut self,
        data: EventData,
        at: Pos,
        depth: usize,
    ) -> Result<(Value, SpanNode), YamlError> {
        if depth > MAX_DEPTH {
            return Err(YamlError {
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
                pos: at,
            });
        }
        match data {
            EventData::Scalar {
                anchor,
                tag,
                value: text,
                style,
                ..
            } => {
                let value = resolve_scalar(&text, style, tag.as_deref(), self.dialect)
                    .map_err(|message| YamlError { message, pos: at })?;
                let spans = SpanNode::Scalar(at);
                self.remember(anchor, &value, &spans);
                Ok((value, spans))
            }
            EventData::Alias { anchor } => match self.anchors.get(&anchor) {
                Some((value, spans)) => Ok((value.clone(), SpanNode::Alias(spans.clone()))),
                None => Err(YamlError {
                    message: format!("alias *{anchor} names no anchor before it"),
                    pos: at,
                }),
            },
            EventData::SequenceStart { anchor, .. } => {
                let mut values = Vec::new();
                let mut items = Vec::new();
                loop {
                    let event = self.next()?;
                    if matches!(event.data, EventData::SequenceEnd) {
                        break;
                    }
                    let at = self.pos(event.start_mark);
                    let (value, node) = self.node(event.data, at, depth + 1)?;
                    values.push(value);
                    items.push(node);
                }
                let value = Value::from(values);
                let spans = SpanNode::Seq { at, items };
                self.remember(anchor, &value, &spans);
                Ok((value, spans))
            }
            EventData::MappingStart { anchor, .. } => {
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
            let event = self.next()?;
            if matches!(event.data, EventData::MappingEnd) {
                break;
            }
            let key_pos = self.pos(event.start_mark);
            let is_merge = matches!(
                &event.data,
                EventData::Scalar { value, style: ScalarStyle::Plain, tag: None, .. } if value == "<<"
            );
            let key = self.key(event, depth)?;
            let value_event = self.next()?;
            let value_at = self.pos(value_event.start_mark);
            let (value, node) = self.node(value_event.data, value_at, depth + 1)?;
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
    fn key(&mut self, event: Event, depth: usize) -> Result<Arc<str>, YamlError> {
        let at = self.pos(event.start_mark);
        let value = match event.data {
            EventData::Scalar {
                anchor,
                tag,
                value: text,
                style,
                ..
            } => {
                let value = resolve_scalar(&text, style, tag.as_deref(), self.dialect)
                    .map_err(|message| YamlError { message, pos: at })?;
                self.remember(anchor, &value, &SpanNode::Scalar(at));
                value
            }
            EventData::Alias { anchor } => match self.anchors.get(&anchor) {
                Some((value, _)) if !matches!(value, Value::Array(_) | Value::Object(_)) => {
                    value.clone()
                }
                _ => {
                    return Err(YamlError {
                        message: "a mapping key must be a scalar".into(),
                        pos: at,
                    });
                }
            },
            data => {
                // Skip the complex key's content so the error names its start.
                let _ = self.node(data, at, depth + 1);
                return Err(YamlError {
                    message: "a mapping key must be a scalar, not a mapping or sequence".into(),
                    pos: at,
                });
            }
        };
        let text = match value {
            Value::String(s) => return Ok(self.intern(&s)),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => Value::Number(n).to_json_str().unwrap_or_default(),
            _ => "null".to_string(),
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

    fn remember(&mut self, anchor: Option<String>, value: &Value, spans: &SpanNode) {
        if let Some(anchor) = anchor {
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
    tag: Option<&str>,
    dialect: Dialect,
) -> Result<Value, String> {
    let resolve_plain = |text: &str| match dialect {
        Dialect::Kubernetes => resolve_plain(text),
        Dialect::Core => resolve_core(text),
    };
    if let Some(suffix) = tag.and_then(|t| t.strip_prefix(CORE_SCHEMA_TAG_PREFIX)) {
        return match suffix {
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
    fn scalars_wrapped_at_their_keys_indentation_load_as_kubectl_loads_them() {
        let text = "metadata:\n  annotations:\n    note: \"When set to `true` the TLS {} is optional, defaults\n    to false.\"\n    single: 'first\n    second'\n";
        let doc = one(text);
        let path = |key: &str| ["metadata".into(), "annotations".into(), key.into()];
        let annotations = &doc.value["metadata"]["annotations"];
        assert_eq!(
            annotations["note"],
            Value::from("When set to `true` the TLS {} is optional, defaults to false.")
        );
        assert_eq!(annotations["single"], Value::from("first second"));
        assert_eq!(doc.spans.lookup(&path("single")).0, Pos::new(5, 5));
    }

    #[test]
    fn a_block_scalar_at_the_end_without_a_line_break_keeps_libyamls_value() {
        for (text, value) in [
            ("a: |\n  x", r#"{"a":"x"}"#),
            ("a: |+\n  x\n  y", r#"{"a":"x\ny"}"#),
            ("a: >-\n  x\n  y", r#"{"a":"xy"}"#),
            ("a: 1\n---\nb: |\n  x", r#"{"b":"x"}"#),
        ] {
            let (docs, errors) = parse_stream(text);
            assert!(errors.is_empty(), "{text:?}: {errors:?}");
            assert_eq!(json(&docs.last().unwrap().value), value, "{text:?}");
        }
    }

    #[test]
    fn input_the_parser_cannot_read_is_an_error_and_the_next_document_loads() {
        let (docs, errors) = parse_stream("[!!str, a]\n---\nb: 1\n");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(docs.len(), 1);
        assert_eq!(json(&docs[0].value), r#"{"b":1}"#);
    }

    #[test]
    fn a_control_character_is_refused_where_it_is() {
        let (docs, errors) = parse_stream("a: 1\n---\nb: x\u{1}\n---\nc: 3\n");
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].pos, Pos::new(3, 5));
        assert_eq!(docs.len(), 2);
        assert_eq!(json(&docs[0].value), r#"{"a":1}"#);
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
