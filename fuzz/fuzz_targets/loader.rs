//! Fuzzes the manifest loader: any UTF-8 text, YAML or JSON, must load
//! without panicking, through both the Kubernetes (YAML 1.1) and the Core
//! (YAML 1.2) dialects.

#![no_main]

use guard::source::{Dialect, Input, parse_stream_as};
use libfuzzer_sys::fuzz_target;
use std::sync::Arc;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let input = Input::from_text(Arc::from("fuzz.yaml"), text);
    std::hint::black_box(&input);
    let parsed = parse_stream_as(text, Dialect::Core);
    std::hint::black_box(&parsed);
});
