//! What several targets share: reading provider JSON as the client does
//! (`Client::read_json` / `read_answer` in src/client/mod.rs) and the input
//! layout `status + body`. Not a target itself (no [[bin]] names it).
#![allow(dead_code)]

use serde::de::DeserializeOwned;
use wasm_oauth::client::MAX_BODY_LEN;
use wasm_oauth::core::error::AuthError;
use wasm_oauth::core::tokens::{error_from_answer, unreadable_answer, ErrorResponse};

/// JSON text (at most [`MAX_BODY_LEN`]) read into a core type, as the
/// browser's reader (`JSON.parse`, then serde-wasm-bindgen) reads it: a struct
/// only from an object. serde_json alone would also read a struct from an
/// array, member by member in order (`["at","Bearer"]` as a token response),
/// which no runtime of the SDK does; every type read here is a struct.
pub fn read_json<T: DeserializeOwned>(text: &str) -> Option<T> {
    if text.len() > MAX_BODY_LEN || !text.trim_start_matches([' ', '\t', '\n', '\r']).starts_with('{') {
        return None;
    }
    serde_json::from_str(text).ok()
}

/// A provider's answer: a 2xx body as `T`, any other status as the OAuth
/// error it carries (or `invalid_response` with the status).
pub fn read_answer<T: DeserializeOwned>(status: u16, body: &str) -> Result<T, AuthError> {
    if (200..300).contains(&status) {
        read_json(body).ok_or_else(|| unreadable_answer(status))
    } else {
        Err(error_from_answer(status, read_json(body)))
    }
}

/// The status an input names: byte 0 even is 200, odd takes bytes 1-2 as a
/// little-endian u16. `None` when the input is shorter than three bytes.
pub fn status_of(data: &[u8]) -> Option<u16> {
    let head = data.get(..3)?;
    Some(if head[0] & 1 == 0 {
        200
    } else {
        u16::from_le_bytes([head[1], head[2]])
    })
}

/// The body as JSON sees it, for the targets' own oracle; `None` above the cap
/// or when it is no JSON.
pub fn value_of(body: &str) -> Option<serde_json::Value> {
    read_json(body)
}

/// Longest server error code kept, and longest description kept, in
/// characters (src/core/error.rs, private there).
const MAX_SERVER_CODE: usize = 64;
const MAX_DESCRIPTION: usize = 512;

/// True when `error` is a code `AuthError::oauth` keeps as the server's:
/// 1-64 characters of `[A-Za-z0-9_.-]`.
pub fn plausible_server_code(error: &str) -> bool {
    !error.is_empty()
        && error.len() <= MAX_SERVER_CODE
        && error
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
}

/// What the error of a non-2xx answer must be: its status kept; the
/// server's `error` as the code when it is a plausible one, else
/// `invalid_response`; the server's description only with an `error`, with
/// no control characters and clipped.
pub fn check_error_answer(status: u16, body: &str, e: &AuthError) {
    assert_eq!(e.status(), Some(status), "an HTTP error keeps its status");
    let server = read_json::<ErrorResponse>(body);
    let error = server.as_ref().and_then(|r| r.error.as_deref());
    match error.filter(|c| plausible_server_code(c)) {
        Some(code) => {
            assert_eq!(e.code(), code, "the server's error code is kept");
            // The same member as a plain JSON reader sees it.
            let v = value_of(body).expect("read as ErrorResponse, so JSON");
            assert_eq!(v.get("error").and_then(|x| x.as_str()), Some(code));
        }
        None => assert_eq!(e.code(), "invalid_response"),
    }
    let sent = server
        .as_ref()
        .filter(|r| r.error.is_some())
        .and_then(|r| r.error_description.as_deref());
    assert_eq!(e.description().is_some(), sent.is_some(), "a description only with an error");
    if let (Some(kept), Some(sent)) = (e.description(), sent) {
        assert!(kept.chars().count() <= MAX_DESCRIPTION);
        assert!(!kept.chars().any(char::is_control));
        let printable: String = sent.chars().filter(|c| !c.is_control()).collect();
        assert!(printable.starts_with(kept), "the description is the server's, clipped");
    }
}
