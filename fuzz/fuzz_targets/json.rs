//! The JSON reader and writer: `Json::parse` on any UTF-8, then, for what it
//! accepts, `to_text` and back. The writer writes numbers as integers, so the
//! round trip is checked for documents whose numbers are integers a double
//! holds exactly.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasm_oauth::core::json::{Json, MAX_LEN};

/// Integers a double holds exactly.
const EXACT: f64 = 9_007_199_254_740_992.0;

/// JSON has no NaN: a number the reader produced is never one.
fn no_nan(v: &Json) -> bool {
    match v {
        Json::Num(n) => !n.is_nan(),
        Json::Arr(items) => items.iter().all(no_nan),
        Json::Obj(members) => members.iter().all(|(_, v)| no_nan(v)),
        _ => true,
    }
}

fn integers_only(v: &Json) -> bool {
    match v {
        Json::Num(n) => n.fract() == 0.0 && n.abs() <= EXACT,
        Json::Arr(items) => items.iter().all(integers_only),
        Json::Obj(members) => members.iter().all(|(_, v)| integers_only(v)),
        _ => true,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Some(value) = Json::parse(text) else {
        return;
    };
    assert!(no_nan(&value), "NaN read from {text:?}");
    if integers_only(&value) {
        let written = value.to_text();
        if written.len() <= MAX_LEN {
            assert_eq!(Json::parse(&written).as_ref(), Some(&value), "{written}");
        }
    }
});
