//! Fuzzes the Rego normaliser and OPA's sprintf: any UTF-8 text, as v0 and
//! v1 Rego, must normalise without panicking, keep every line where it was
//! (insertions carry no newline) and keep the original text in order; any
//! format string must format without panicking.

#![no_main]

use guard::policy::opa_compat::{format_go, normalize};
use libfuzzer_sys::fuzz_target;
use regorus::Value;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for v0 in [false, true] {
        let out = normalize(text, v0);
        assert_eq!(
            out.matches('\n').count(),
            text.matches('\n').count(),
            "lines moved"
        );
        let mut rest = out.chars();
        assert!(
            text.chars().all(|c| rest.any(|o| o == c)),
            "original text lost"
        );
    }
    let args = [Value::from("x"), Value::from(1i64), Value::from(2.5f64)];
    std::hint::black_box(format_go(text, &args));
});
