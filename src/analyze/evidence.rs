//! Evidence from the snapshot: events as `kubectl describe` lists them, and
//! log lines with secret-looking values redacted.

use crate::cluster::{LogKey, Snapshot, event_time};
use crate::core::{Event, LogExcerpt, Object, ObjectRef};
use regorus::Value;

/// Events kept per finding: the newest, as `kubectl describe` shows them.
const EVENTS: usize = 10;
/// Normal events kept beside the warnings.
const NORMAL_EVENTS: usize = 3;
/// Log lines kept per container.
const LOG_LINES: usize = 20;

/// The events about `objects`, newest first, warnings before the rest of
/// the same moment, at most [`EVENTS`].
pub fn events(snapshot: &Snapshot, objects: &[&Object]) -> Vec<Event> {
    let mut found: Vec<(String, Event)> = Vec::new();
    for object in objects {
        for event in snapshot.events_for(object) {
            found.push((event_time(event), convert(event, &object.id)));
        }
    }
    // Warnings explain problems; the normal events around them only
    // give the timeline, so a few of them are enough.
    found.sort_by(|(a_time, a), (b_time, b)| {
        (b.kind == "Warning")
            .cmp(&(a.kind == "Warning"))
            .then_with(|| b_time.cmp(a_time))
    });
    found.dedup_by(|(_, a), (_, b)| a == b);
    let mut normal = 0;
    found
        .into_iter()
        .map(|(_, e)| e)
        .filter(|e| {
            normal += usize::from(e.kind != "Warning");
            e.kind == "Warning" || normal <= NORMAL_EVENTS
        })
        .take(EVENTS)
        .collect()
}

fn convert(event: &Object, about: &ObjectRef) -> Event {
    let value = &event.value;
    let text = |v: &Value| match v {
        Value::String(s) => s.to_string(),
        _ => String::new(),
    };
    // events.k8s.io/v1 names the message `note` and the count `series.count`.
    let message = match &value["message"] {
        Value::String(s) => s.to_string(),
        _ => text(&value["note"]),
    };
    let count = [
        &value["count"],
        &value["series"]["count"],
        &value["deprecatedCount"],
    ]
    .into_iter()
    .find_map(|v| v.as_u64().ok())
    .unwrap_or(1);
    let time = event_time(event);
    Event {
        object: about.clone(),
        kind: text(&value["type"]),
        reason: text(&value["reason"]),
        message,
        count: u32::try_from(count).unwrap_or(u32::MAX),
        last_seen: (!time.is_empty()).then_some(time),
    }
}

/// The last lines of the log `key` names, if the snapshot has it.
pub fn log(snapshot: &Snapshot, pod: &ObjectRef, key: &LogKey) -> Option<LogExcerpt> {
    let text = snapshot.log(key)?;
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    let start = lines.len().saturating_sub(LOG_LINES);
    Some(LogExcerpt {
        pod: pod.clone(),
        container: key.container.clone(),
        previous: key.previous,
        lines: lines[start..].iter().map(|l| redact(l)).collect(),
        truncated: start > 0,
    })
}

/// Words that mark the value after them as a secret.
const SECRET_WORDS: [&str; 9] = [
    "password",
    "passwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "authorization",
    "credential",
];

/// A log line with the values of secret-looking assignments (`password=…`,
/// `"token": "…"`, `Authorization: Bearer …`) and the passwords of URLs
/// (`postgres://user:pw@host`) replaced by `[REDACTED]`.
pub fn redact(line: &str) -> String {
    let mut out = redact_url_passwords(line);
    let lower = out.to_ascii_lowercase();
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    for word in SECRET_WORDS {
        let mut from = 0;
        while let Some(found) = lower[from..].find(word) {
            let start = from + found + word.len();
            from = start;
            if let Some(span) = value_after(&out, start) {
                cuts.push(span);
            }
        }
    }
    cuts.sort_unstable();
    cuts.dedup();
    for (start, end) in cuts.into_iter().rev() {
        if end > start && out.is_char_boundary(start) && out.is_char_boundary(end) {
            out.replace_range(start..end, "[REDACTED]");
        }
    }
    out
}

/// The span of the value assigned after a secret word: past the rest of the
/// key, a separator (`=`, `:`), quotes and a `Bearer`/`Basic` scheme.
fn value_after(line: &str, start: usize) -> Option<(usize, usize)> {
    let bytes = line.as_bytes();
    let mut i = start;
    while i < bytes.len()
        && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'-')
    {
        i += 1;
    }
    while i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'') {
        i += 1;
    }
    let separator = i;
    while i < bytes.len() && (bytes[i] == b' ' || bytes[i] == b'=' || bytes[i] == b':') {
        i += 1;
    }
    if i == separator || !line[separator..i].contains(['=', ':']) {
        return None;
    }
    while i < bytes.len() && (bytes[i] == b'"' || bytes[i] == b'\'' || bytes[i] == b' ') {
        i += 1;
    }
    for scheme in ["Bearer ", "Basic ", "bearer ", "basic "] {
        if line[i..].starts_with(scheme) {
            i += scheme.len();
        }
    }
    let value_start = i;
    while i < bytes.len() && !matches!(bytes[i], b' ' | b'"' | b'\'' | b',' | b'}' | b'&' | b';') {
        i += 1;
    }
    (i > value_start).then_some((value_start, i))
}

/// `scheme://user:password@host` with the password replaced.
fn redact_url_passwords(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(at) = rest.find("://") {
        let (head, tail) = rest.split_at(at + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            .unwrap_or(tail.len());
        let authority_end = tail[..end].find('/').unwrap_or(end);
        let authority = &tail[..authority_end];
        match (authority.rfind('@'), authority.find(':')) {
            (Some(at), Some(colon)) if colon < at => {
                out.push_str(&authority[..=colon]);
                out.push_str("[REDACTED]");
                out.push_str(&tail[at..authority_end]);
            }
            _ => out.push_str(authority),
        }
        rest = &tail[authority_end..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn secret_values_are_redacted() {
        assert_eq!(
            redact("connecting with password=hunter2 now"),
            "connecting with password=[REDACTED] now"
        );
        assert_eq!(
            redact(r#"{"api_key": "abc123", "user": "x"}"#),
            r#"{"api_key": "[REDACTED]", "user": "x"}"#
        );
        assert_eq!(
            redact("Authorization: Bearer eyJhbGci.x.y"),
            "Authorization: Bearer [REDACTED]"
        );
        assert_eq!(
            redact("dial postgres://app:s3cr3t@db:5432/shop failed"),
            "dial postgres://app:[REDACTED]@db:5432/shop failed"
        );
        assert_eq!(
            redact("DB_PASSWORD_FILE is not set"),
            "DB_PASSWORD_FILE is not set"
        );
        assert_eq!(
            redact("KeyError: 'DATABASE_URL'"),
            "KeyError: 'DATABASE_URL'"
        );
    }
}
