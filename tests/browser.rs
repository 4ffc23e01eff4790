//! The browser adapters in a real headless Chromium (wasm-bindgen-test):
//! storage, randomness, hashing, fetch failures and the JavaScript error type.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use wasm_oauth::browser::http::FetchHttp;
use wasm_oauth::browser::storage::BrowserStorage;
use wasm_oauth::browser::BrowserEntropy;
use wasm_oauth::core::config::StorageKind;
use wasm_oauth::core::error::{AuthError, ErrorCode};
use wasm_oauth::core::pkce::CodeVerifier;
use wasm_oauth::face::{create_pkce_pair, error_to_js};
use wasm_oauth::ports::{Entropy, Http, HttpRequest, Storage};

wasm_bindgen_test_configure!(run_in_browser);

fn exercise(store: &BrowserStorage, prefix: &str) {
    let a = format!("{prefix}a");
    let b = format!("{prefix}b");
    store.set(&a, "1").unwrap();
    store.set(&b, "2").unwrap();
    store.set("unrelated-key", "x").unwrap();
    assert_eq!(store.get(&a).as_deref(), Some("1"));
    let mut keys = store.keys_with_prefix(prefix);
    keys.sort();
    assert_eq!(keys, vec![a.clone(), b.clone()]);
    store.remove(&a);
    assert_eq!(store.get(&a), None);
    store.remove(&b);
    store.remove("unrelated-key");
}

#[wasm_bindgen_test]
fn session_storage_round_trips_and_lists_by_prefix() {
    let store = BrowserStorage::open(StorageKind::Session);
    assert!(!store.is_memory());
    exercise(&store, "wasm-oauth:test-session:");
    let raw = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap();
    store.set("wasm-oauth:test-visible", "v").unwrap();
    assert_eq!(
        raw.get_item("wasm-oauth:test-visible").unwrap().as_deref(),
        Some("v")
    );
    store.remove("wasm-oauth:test-visible");
}

#[wasm_bindgen_test]
fn local_storage_round_trips() {
    let store = BrowserStorage::open(StorageKind::Local);
    assert!(!store.is_memory());
    exercise(&store, "wasm-oauth:test-local:");
}

#[wasm_bindgen_test]
fn memory_storage_never_touches_the_browser() {
    let store = BrowserStorage::open(StorageKind::Memory);
    assert!(store.is_memory());
    exercise(&store, "wasm-oauth:test-memory:");
    store.set("wasm-oauth:test-mem-only", "m").unwrap();
    let raw = web_sys::window()
        .unwrap()
        .session_storage()
        .unwrap()
        .unwrap();
    assert_eq!(raw.get_item("wasm-oauth:test-mem-only").unwrap(), None);
}

#[wasm_bindgen_test]
fn quota_exceeded_is_storage_unavailable() {
    let store = BrowserStorage::open(StorageKind::Local);
    let huge = "x".repeat(12 * 1024 * 1024);
    let e = store.set("wasm-oauth:test-huge", &huge).unwrap_err();
    assert_eq!(e.code(), "storage_unavailable");
    store.remove("wasm-oauth:test-huge");
}

#[wasm_bindgen_test]
fn storage_that_throws_falls_back_to_memory() {
    // Private modes throw a SecurityError on merely reading `localStorage`.
    js_sys::eval(
        "window.__savedLocalStorage = Object.getOwnPropertyDescriptor(window, 'localStorage'); \
         Object.defineProperty(window, 'localStorage', { configurable: true, \
         get() { throw new DOMException('denied', 'SecurityError'); } })",
    )
    .unwrap();
    let store = BrowserStorage::open(StorageKind::Local);
    // Put the real storage back before asserting, for the tests that follow.
    js_sys::eval(
        "if (window.__savedLocalStorage) Object.defineProperty(window, 'localStorage', window.__savedLocalStorage); \
         else delete window.localStorage;",
    )
    .unwrap();
    assert!(store.is_memory());
    exercise(&store, "wasm-oauth:test-fallback:");
    assert!(!BrowserStorage::open(StorageKind::Local).is_memory());
}

#[wasm_bindgen_test]
fn entropy_comes_from_crypto_get_random_values() {
    let mut a = [0u8; 32];
    let mut b = [0u8; 32];
    BrowserEntropy.fill(&mut a).unwrap();
    BrowserEntropy.fill(&mut b).unwrap();
    assert_ne!(a, [0u8; 32]);
    assert_ne!(a, b);
}

#[wasm_bindgen_test]
fn sha256_challenge_matches_rfc7636_in_wasm() {
    let octets: [u8; 32] = [
        116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37,
        77, 105, 214, 191, 240, 91, 88, 5, 88, 83, 132, 141, 121,
    ];
    let v = CodeVerifier::from_entropy(&octets);
    assert_eq!(v.challenge(), "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
}

#[wasm_bindgen_test]
fn create_pkce_pair_gives_a_verifier_and_its_challenge() {
    let pair = create_pkce_pair().unwrap();
    let get = |k: &str| {
        js_sys::Reflect::get(&pair, &JsValue::from_str(k))
            .unwrap()
            .as_string()
            .unwrap()
    };
    let verifier = CodeVerifier::parse(&get("codeVerifier")).unwrap();
    assert_eq!(verifier.secret().len(), 43);
    assert_eq!(get("codeChallenge"), verifier.challenge());
    assert_eq!(get("codeChallengeMethod"), "S256");
}

#[wasm_bindgen_test]
async fn unreachable_server_is_a_network_error() {
    let http = FetchHttp::default();
    let e = http
        .send(HttpRequest {
            url: "http://127.0.0.1:9/token".into(),
            form: Some("a=b".into()),
            bearer: None,
        })
        .await
        .unwrap_err();
    assert_eq!(e.code(), "network_error");
}

#[wasm_bindgen_test]
fn errors_are_real_error_objects_with_a_code() {
    let mut e = AuthError::new(ErrorCode::StateMismatch, "the state does not match");
    e.status = Some(400);
    let js = error_to_js(e);
    let err: &js_sys::Error = js.dyn_ref().expect("an Error instance");
    assert_eq!(String::from(err.name()), "AuthError");
    assert_eq!(String::from(err.message()), "the state does not match");
    let code = js_sys::Reflect::get(&js, &JsValue::from_str("code")).unwrap();
    assert_eq!(code.as_string().as_deref(), Some("state_mismatch"));
    let status = js_sys::Reflect::get(&js, &JsValue::from_str("status")).unwrap();
    assert_eq!(status.as_f64(), Some(400.0));
}
