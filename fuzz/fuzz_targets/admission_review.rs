//! Fuzzes the webhook's request decoder: any bytes as a request body must
//! decode or be refused with a message, never panic; a decoded request
//! always names its object.

#![no_main]

use guard::webhook::review::decode;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = decode(data) {
        std::hint::black_box(request.object_ref());
    }
});
