//! Fuzzes what `guard analyze` reads from a cluster or a snapshot: any JSON
//! list of objects, however malformed their status, events and metrics,
//! must analyse without panicking; log lines must redact and RFC 3339
//! times parse without panicking either.

#![no_main]

use guard::analyze::{Scope, analyze, redact};
use guard::cluster::{Snapshot, live_object, unix_seconds};
use guard::engine::{ConfigChoice, Guard, Options, Settings};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn guard() -> &'static Guard {
    static GUARD: OnceLock<Guard> = OnceLock::new();
    GUARD.get_or_init(|| {
        let settings = Settings::resolve(&Options {
            base_dir: ".".into(),
            config: ConfigChoice::None,
            ..Options::default()
        })
        .expect("default settings");
        Guard::new(settings).expect("bundled rules compile")
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    std::hint::black_box(redact(text));
    std::hint::black_box(unix_seconds(text));
    let Ok(json) = serde_json::from_str::<serde_json::Value>(text) else {
        return;
    };
    let items = match json.get("items").and_then(|i| i.as_array()) {
        Some(items) => items.clone(),
        None => vec![json],
    };
    let objects = items
        .into_iter()
        .filter_map(|item| live_object(regorus::Value::from(item)))
        .collect();
    let snapshot = Snapshot::new(objects, []);
    std::hint::black_box(analyze(guard(), &snapshot, &Scope::default()));
});
