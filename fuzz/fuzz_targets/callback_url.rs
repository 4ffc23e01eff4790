//! The callback URL: `parse_callback`, `is_callback` and `scrub` on any UTF-8.
//!
//! Beyond "never panics", it pins what scrubbing promises: the scrubbed URL is
//! no longer a callback, scrubbing twice changes nothing, the path stays, and a
//! response's code or tokens never survive in what is left of the URL. And
//! what parsing promises: nothing over `MAX_CALLBACK_LEN`, a URL `is_callback`
//! takes is parsed or refused as `invalid_response` (never as a missing
//! state), every value is the one `form::parse_pairs` reads from that part of
//! the URL, and a code always comes with its state.
#![no_main]

use libfuzzer_sys::fuzz_target;
use wasm_oauth::core::callback::{
    is_callback, parse_callback, scrub, AuthorizationResponse, ResponseLocation,
    MAX_CALLBACK_LEN, RESPONSE_KEYS,
};
use wasm_oauth::core::form::{decode_component, find, parse_pairs, MAX_PARAMS};

/// The parameters whose values are secrets.
const SECRET_KEYS: &[&str] = &["code", "access_token", "id_token"];

fn raw_key(segment: &str) -> &str {
    segment.split_once('=').map_or(segment, |(k, _)| k)
}

/// Query of a URL split the way the callback module splits it.
fn query_of(url: &str) -> Option<&str> {
    let before_fragment = url.split_once('#').map_or(url, |(b, _)| b);
    before_fragment.split_once('?').map(|(_, q)| q)
}

fn fragment_of(url: &str) -> Option<&str> {
    url.split_once('#').map(|(_, f)| f)
}

fn base_of(url: &str) -> &str {
    let before_fragment = url.split_once('#').map_or(url, |(b, _)| b);
    before_fragment
        .split_once('?')
        .map_or(before_fragment, |(b, _)| b)
}

fuzz_target!(|data: &[u8]| {
    let Ok(url) = std::str::from_utf8(data) else {
        return;
    };
    let looks = is_callback(url);
    let parsed = parse_callback(url);
    if url.len() > MAX_CALLBACK_LEN {
        assert!(!looks && parsed.is_err(), "a URL over the cap is never read");
    }
    if looks {
        if let Err(e) = &parsed {
            assert_eq!(e.code(), "invalid_response", "a callback refused as {}", e.code());
        }
    }

    let scrubbed = scrub(url);
    assert_eq!(scrub(&scrubbed), scrubbed, "scrub is idempotent");
    assert!(!is_callback(&scrubbed), "a scrubbed URL is no callback");
    assert!(
        parse_callback(&scrubbed).is_err(),
        "nothing to parse after scrub"
    );
    assert_eq!(base_of(&scrubbed), base_of(url), "the path stays");
    if let Some(q) = query_of(&scrubbed) {
        for segment in q.split('&') {
            assert!(!segment.is_empty(), "no empty segment is written");
            assert!(
                !RESPONSE_KEYS.contains(&raw_key(segment)),
                "response parameter left in {scrubbed:?}"
            );
        }
    }

    let Ok(callback) = parsed else {
        return;
    };
    match callback.location {
        ResponseLocation::Fragment => {
            assert!(!scrubbed.contains('#'), "a response fragment is dropped");
        }
        ResponseLocation::Query => {
            // The parse refused repeated keys, so the one secret it read came
            // from a segment scrub removed: none left decodes to a secret key.
            for segment in query_of(&scrubbed).unwrap_or("").split('&') {
                if let Ok(key) = decode_component(raw_key(segment)) {
                    assert!(
                        !SECRET_KEYS.contains(&key.as_str()),
                        "secret parameter {key:?} left in the scrubbed URL"
                    );
                }
            }
        }
    }
    // The values are those the form reader reads from the part the response came in.
    let part = match callback.location {
        ResponseLocation::Query => query_of(url),
        ResponseLocation::Fragment => fragment_of(url),
    };
    let pairs = parse_pairs(part.expect("the response came from this part")).expect("it parsed");
    assert!(pairs.len() <= MAX_PARAMS);
    assert_eq!(callback.response.state(), find(&pairs, "state"));
    assert_eq!(callback.response.iss(), find(&pairs, "iss"));
    match &callback.response {
        AuthorizationResponse::Code { code, state, .. } => {
            assert!(!code.secret().is_empty());
            assert!(state.is_some(), "a code without its state");
            assert_eq!(find(&pairs, "code"), Some(code.secret()));
            assert!(find(&pairs, "error").is_none(), "an error read as a code");
        }
        AuthorizationResponse::Tokens {
            access_token,
            id_token,
            ..
        } => assert!(access_token.is_some() || id_token.is_some()),
        AuthorizationResponse::Error { error, state, iss, .. } => {
            // Read as a response only for naming its state or issuer, or for tokens.
            let tokens = ["access_token", "id_token"].iter().any(|k| find(&pairs, k).is_some());
            assert!(state.is_some() || iss.is_some() || tokens, "a stray error read");
            assert_eq!(find(&pairs, "error"), Some(error.as_str()));
        }
    }
});
