//! The browser adapters in a real headless Chromium (wasm-bindgen-test):
//! storage, randomness, hashing, fetch failures, the tab channel and the
//! JavaScript error type.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use wasm_oauth::browser::http::FetchHttp;
use wasm_oauth::browser::json::EngineJson;
use wasm_oauth::browser::storage::BrowserStorage;
use wasm_oauth::browser::{crypto::verify_signature, fill_random, SignalAbort};
use wasm_oauth::core::config::StorageKind;
use wasm_oauth::core::error::{AuthError, ErrorCode};
use wasm_oauth::core::pkce::CodeVerifier;
use wasm_oauth::face::{create_pkce_pair, error_to_js};
use wasm_oauth::ports::{Abort, Algorithm, Http, HttpRequest, JsonCodec, PublicKey, Storage};

wasm_bindgen_test_configure!(run_in_browser);

#[path = "browser/store_conformance.rs"]
mod store_conformance;

/// What the page's own `localStorage` or `sessionStorage` holds under `key`.
fn raw(store: &str, key: &str) -> Option<String> {
    js_sys::eval(&format!("{store}.getItem({key:?})"))
        .unwrap()
        .as_string()
}

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
    writes_only_to(&store, "sessionStorage", "localStorage");
}

/// What `store` sets and removes shows in the page's `own` store, never in `other`.
fn writes_only_to(store: &BrowserStorage, own: &str, other: &str) {
    let key = "wasm-oauth:test-visible";
    store.set(key, "v").unwrap();
    assert_eq!(raw(own, key).as_deref(), Some("v"));
    assert_eq!(raw(other, key), None);
    store.remove(key);
    assert_eq!(raw(own, key), None);
}

#[wasm_bindgen_test]
fn local_storage_round_trips() {
    let store = BrowserStorage::open(StorageKind::Local);
    assert!(!store.is_memory());
    exercise(&store, "wasm-oauth:test-local:");
    writes_only_to(&store, "localStorage", "sessionStorage");
}

#[wasm_bindgen_test]
fn memory_storage_never_touches_the_browser() {
    let store = BrowserStorage::open(StorageKind::Memory);
    assert!(store.is_memory());
    exercise(&store, "wasm-oauth:test-memory:");
    store.set("wasm-oauth:test-mem-only", "m").unwrap();
    assert_eq!(raw("sessionStorage", "wasm-oauth:test-mem-only"), None);
    assert_eq!(raw("localStorage", "wasm-oauth:test-mem-only"), None);
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
    fill_random(&mut a).unwrap();
    fill_random(&mut b).unwrap();
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
        .send(
            HttpRequest {
                url: "http://127.0.0.1:9/token".into(),
                form: Some("a=b".into()),
                bearer: None,
                dpop: None,
            },
            None,
        )
        .await
        .unwrap_err();
    assert_eq!(e.code(), "network_error");
}

#[wasm_bindgen_test]
fn errors_are_real_error_objects_with_a_code() {
    let e = AuthError::new(ErrorCode::StateMismatch, "the state does not match").with_status(400);
    let js = error_to_js(e);
    let err: &js_sys::Error = js.dyn_ref().expect("an Error instance");
    assert_eq!(String::from(err.name()), "AuthError");
    assert_eq!(String::from(err.message()), "the state does not match");
    let code = js_sys::Reflect::get(&js, &JsValue::from_str("code")).unwrap();
    assert_eq!(code.as_string().as_deref(), Some("state_mismatch"));
    let status = js_sys::Reflect::get(&js, &JsValue::from_str("status")).unwrap();
    assert_eq!(status.as_f64(), Some(400.0));
}

/// Signs `input` with a fresh WebCrypto key for `alg`; returns the public
/// key as the JWKS would carry it, and the JWS signature (for ES256, `r || s`,
/// which is what WebCrypto's ECDSA signs to).
async fn sign_with_new_key(alg: Algorithm, input: &[u8]) -> (PublicKey, Vec<u8>) {
    let script = r#"(async (alg, data) => {
        const [gen, sign] = {
          RS256: [{ name: "RSASSA-PKCS1-v1_5", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, { name: "RSASSA-PKCS1-v1_5" }],
          PS256: [{ name: "RSA-PSS", modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" }, { name: "RSA-PSS", saltLength: 32 }],
          ES256: [{ name: "ECDSA", namedCurve: "P-256" }, { name: "ECDSA", hash: "SHA-256" }],
        }[alg];
        const pair = await crypto.subtle.generateKey(gen, true, ["sign", "verify"]);
        const jwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
        const sig = new Uint8Array(await crypto.subtle.sign(sign, pair.privateKey, data));
        return [jwk.n ?? jwk.x, jwk.e ?? jwk.y, sig];
    })"#;
    let f: js_sys::Function = js_sys::eval(script).unwrap().unchecked_into();
    let data = js_sys::Uint8Array::from(input);
    let p: js_sys::Promise = f
        .call2(&JsValue::NULL, &JsValue::from_str(alg.name()), &data)
        .unwrap()
        .unchecked_into();
    let out: js_sys::Array = JsFuture::from(p).await.unwrap().unchecked_into();
    let sig: js_sys::Uint8Array = out.get(2).unchecked_into();
    let (a, b) = (
        out.get(0).as_string().unwrap(),
        out.get(1).as_string().unwrap(),
    );
    let key = match alg {
        Algorithm::Es256 => PublicKey::P256 { x: a, y: b },
        _ => PublicKey::Rsa { n: a, e: b },
    };
    (key, sig.to_vec())
}

#[wasm_bindgen_test]
async fn webcrypto_verifies_rs256_ps256_and_es256_and_refuses_tampering() {
    let input = b"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0";
    for alg in Algorithm::ALL {
        let (key, sig) = sign_with_new_key(alg, input).await;
        if alg == Algorithm::Es256 {
            assert_eq!(sig.len(), 64, "r || s");
        }
        assert!(
            verify_signature(alg, &key, input, &sig).await.unwrap(),
            "{alg:?}"
        );
        let other_input = b"eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJiIn0";
        assert!(!verify_signature(alg, &key, other_input, &sig)
            .await
            .unwrap());
        let mut bad = sig.clone();
        bad[10] ^= 1;
        assert!(!verify_signature(alg, &key, input, &bad).await.unwrap());
        // A signature of the right key under the other RSA padding is refused.
        let other_rsa = match alg {
            Algorithm::Rs256 => Some(Algorithm::Ps256),
            Algorithm::Ps256 => Some(Algorithm::Rs256),
            Algorithm::Es256 => None,
        };
        if let Some(other) = other_rsa {
            assert!(!verify_signature(other, &key, input, &sig).await.unwrap());
        }
    }
    // A key of another type than the alg, or a broken one, never verifies.
    let (p256, sig) = sign_with_new_key(Algorithm::Es256, input).await;
    let e = verify_signature(Algorithm::Rs256, &p256, input, &sig).await;
    assert_eq!(e.unwrap_err().code(), "invalid_id_token");
    let broken = PublicKey::Rsa {
        n: "eA".into(), // one byte: no RSA modulus
        e: "AQAB".into(),
    };
    let e = verify_signature(Algorithm::Rs256, &broken, input, &sig).await;
    assert!(matches!(e, Ok(false)) || e.unwrap_err().code() == "invalid_id_token");
    let off_curve = PublicKey::P256 {
        x: "AQ".into(),
        y: "AQ".into(),
    };
    let e = verify_signature(Algorithm::Es256, &off_curve, input, &sig).await;
    assert!(matches!(e, Ok(false)) || e.unwrap_err().code() == "invalid_id_token");
}

#[wasm_bindgen_test]
fn a_crit_header_member_refuses_the_token_even_when_null() {
    // Read as the browser reads it: JSON.parse, then serde-wasm-bindgen.
    let json = EngineJson;
    for header in [
        r#"{"alg":"RS256","crit":null}"#,
        r#"{"alg":"RS256","crit":[]}"#,
        r#"{"alg":"ES256","crit":["b64"]}"#,
    ] {
        let h: wasm_oauth::core::jwt::JwsHeader = json.read(&json.parse(header).unwrap()).unwrap();
        let e = wasm_oauth::core::jwt::check_header(&h).unwrap_err();
        assert_eq!(e.code(), "invalid_id_token", "{header}");
    }
    let h: wasm_oauth::core::jwt::JwsHeader = json
        .read(&json.parse(r#"{"alg":"ES256","kid":"k"}"#).unwrap())
        .unwrap();
    assert_eq!(
        wasm_oauth::core::jwt::check_header(&h),
        Ok(Algorithm::Es256)
    );
}

/// Counts the listeners added to `signal` and not removed since: none may
/// stay (an app may reuse one signal for long).
fn listener_count(signal: &web_sys::AbortSignal) -> impl Fn() -> u32 {
    let listeners: js_sys::Function = js_sys::eval(
        "(s) => { let n = 0; const add = s.addEventListener.bind(s), remove = s.removeEventListener.bind(s); \
           s.addEventListener = (...a) => { n++; add(...a); }; \
           s.removeEventListener = (...a) => { n--; remove(...a); }; \
           return () => n; }",
    )
    .unwrap()
    .unchecked_into::<js_sys::Function>()
    .call1(&JsValue::NULL, signal)
    .unwrap()
    .unchecked_into();
    move || listeners.call0(&JsValue::NULL).unwrap().as_f64().unwrap() as u32
}

/// Replaces `fetch` with one that answers `/ok` and otherwise, like the real
/// one, only ends when its signal aborts (at once when already aborted).
/// `restore_fetch` puts the real one back.
fn fetch_that_waits_for_abort() {
    js_sys::eval(
        "window.__realFetch = window.fetch; window.fetch = (input, init) => new Promise((resolve, reject) => { \
         if ((input.url ?? String(input)).endsWith('/ok')) return resolve(new Response('{}')); \
         const s = init?.signal ?? input.signal, no = () => reject(new DOMException('aborted', 'AbortError')); \
         if (s.aborted) no(); else s.addEventListener('abort', no); });",
    )
    .unwrap();
}

fn restore_fetch() {
    js_sys::eval("window.fetch = window.__realFetch;").unwrap();
}

#[wasm_bindgen_test]
async fn sleeps_leave_no_listener_on_the_signal() {
    // Device polling waits many times on the app's one signal: each wait
    // must take its abort listener away again, whether it ran out or not.
    let controller = web_sys::AbortController::new().unwrap();
    let signal = controller.signal();
    let count = listener_count(&signal);
    let abort = SignalAbort(Some(signal));
    for _ in 0..5 {
        abort.sleep(1).await;
    }
    assert_eq!(count(), 0);
    controller.abort();
    abort.sleep(60_000).await;
    assert_eq!(count(), 0);
}

/// Aborts `controller` 50 ms from now.
fn abort_in_50_ms(controller: &web_sys::AbortController) {
    let c = controller.clone();
    let fire = wasm_bindgen::closure::Closure::once_into_js(move || c.abort());
    web_sys::window()
        .unwrap()
        .set_timeout_with_callback_and_timeout_and_arguments_0(fire.unchecked_ref(), 50)
        .unwrap();
}

#[wasm_bindgen_test]
async fn abort_signal_cuts_a_sleep_short() {
    let controller = web_sys::AbortController::new().unwrap();
    let abort = SignalAbort(Some(controller.signal()));
    assert!(!abort.aborted());
    let started = js_sys::Date::now();
    abort_in_50_ms(&controller);
    abort.sleep(60_000).await;
    assert!(abort.aborted());
    assert!(js_sys::Date::now() - started < 5_000.0);
}

#[wasm_bindgen_test]
async fn a_sleep_longer_than_set_timeout_takes_is_clamped_not_fired_at_once() {
    // setTimeout fires at once for a delay over 2^31 - 1 ms (and a u32 cast
    // would wrap 2^32 + 5 to 5): such a sleep must still wait, here until
    // the abort 50 ms later.
    for ms in [
        u64::from(wasm_oauth::browser::MAX_TIMER_MS) + 1,
        (1u64 << 32) + 5,
        u64::MAX,
    ] {
        let controller = web_sys::AbortController::new().unwrap();
        let abort = SignalAbort(Some(controller.signal()));
        let started = js_sys::Date::now();
        abort_in_50_ms(&controller);
        abort.sleep(ms).await;
        let waited = js_sys::Date::now() - started;
        assert!(waited >= 40.0, "{ms} ms fired after {waited} ms");
        assert!(abort.aborted());
    }
}

#[wasm_bindgen_test]
async fn poll_device_token_refuses_a_signal_that_is_no_abort_signal_before_any_work() {
    use wasm_oauth::face::AuthClient;
    let client = AuthClient::new(options_object(
        r#"{"clientId":"c","redirectUri":"http://127.0.0.1:8080/","storage":"memory","issuer":"http://127.0.0.1:9"}"#,
    ))
    .unwrap();
    let device = options_object(
        r#"{"deviceCode":"dc","userCode":"U","verificationUri":"http://127.0.0.1:9/sc","expiresIn":300,"interval":5}"#,
    );
    fetch_that_records(200, "{}", "{}");
    let started = js_sys::Date::now();
    for signal in [
        "new AbortController()",
        "({ aborted: false })",
        "'signal'",
        "5",
    ] {
        let opts: JsValue = js_sys::eval(&format!("({{ signal: {signal} }})")).unwrap();
        let err = JsFuture::from(client.poll_device_token(device.clone(), opts))
            .await
            .unwrap_err();
        assert_eq!(error_code(&err), "invalid_options", "{signal}");
        let named = js_sys::Reflect::get(&err, &JsValue::from_str("option")).unwrap();
        assert_eq!(named.as_string().as_deref(), Some("signal"), "{signal}");
    }
    // A device authorization that is not one is refused the same way.
    let err = JsFuture::from(client.poll_device_token(JsValue::from_str("dc"), JsValue::UNDEFINED))
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "invalid_options");
    assert_eq!(recorded_requests(), "[]", "nothing was sent");
    assert!(js_sys::Date::now() - started < 1_000.0, "no wait either");
}

#[wasm_bindgen_test]
async fn a_response_that_never_comes_times_out() {
    fetch_that_waits_for_abort();
    let http = FetchHttp { timeout_ms: 50 };
    let result = http
        .send(
            HttpRequest {
                url: "http://127.0.0.1:9/token".into(),
                form: Some("a=b".into()),
                bearer: None,
                dpop: None,
            },
            None,
        )
        .await;
    restore_fetch();
    assert_eq!(result.unwrap_err().code(), "timeout");
}

#[wasm_bindgen_test]
async fn the_apps_abort_signal_cancels_a_request_in_flight() {
    fetch_that_waits_for_abort();
    let controller = web_sys::AbortController::new().unwrap();
    let signal = controller.signal();
    let count = listener_count(&signal);
    let request = |path: &str| HttpRequest {
        url: format!("http://127.0.0.1:9{path}"),
        form: Some("a=b".into()),
        bearer: None,
        dpop: None,
    };
    let http = FetchHttp::default(); // a 30 s timeout

    // The port's abort is the app's signal, linked to the request's own.
    let abort = SignalAbort(Some(signal.clone()));
    let done = http.send(request("/ok"), Some(&abort)).await;
    assert_eq!(done.unwrap().status, 200);
    assert_eq!(count(), 0);

    abort_in_50_ms(&controller);
    let started = js_sys::Date::now();
    let cut = http.send(request("/hang"), Some(&abort)).await;
    assert_eq!(cut.unwrap_err().code(), "aborted");
    assert!(js_sys::Date::now() - started < 5_000.0);
    assert_eq!(count(), 0);

    let already = http.send(request("/hang"), Some(&abort)).await;
    restore_fetch();
    assert_eq!(already.unwrap_err().code(), "aborted");
    assert_eq!(count(), 0);
}

/// Replaces `fetch` with one that records each request it is handed (as a
/// plain object) and answers `status` with `body`; `recorded_requests` puts
/// the real one back and returns what was recorded, as JSON.
fn fetch_that_records(status: u16, body: &str, headers: &str) {
    js_sys::eval(&format!(
        "window.__realFetch = window.fetch; window.__seen = []; \
         window.fetch = async (request) => {{ window.__seen.push({{ url: request.url, method: request.method, \
           body: request.method === 'POST' ? await request.text() : null, credentials: request.credentials, \
           referrerPolicy: request.referrerPolicy, redirect: request.redirect, cache: request.cache, \
           headers: Object.fromEntries(request.headers), signal: request.signal instanceof AbortSignal }}); \
           return new Response({body:?}, {{ status: {status}, headers: {headers} }}); }};"
    ))
    .unwrap();
}

fn recorded_requests() -> String {
    js_sys::eval("window.fetch = window.__realFetch; JSON.stringify(window.__seen)")
        .unwrap()
        .as_string()
        .unwrap()
}

#[wasm_bindgen_test]
async fn fetch_sends_no_cookies_or_referrer_refuses_redirects_and_skips_the_cache() {
    fetch_that_records(
        201,
        r#"{"ok":1}"#,
        "{ date: 'Tue, 01 Jan 2030 00:00:00 GMT' }",
    );
    let http = FetchHttp::default();
    let post = http
        .send(
            HttpRequest {
                url: "https://auth.example/token".into(),
                form: Some("a=b".into()),
                bearer: Some("AT".into()),
                dpop: None,
            },
            None,
        )
        .await;
    let get = http
        .send(
            HttpRequest {
                url: "https://auth.example/userinfo".into(),
                form: None,
                bearer: None,
                dpop: None,
            },
            None,
        )
        .await;
    let seen = recorded_requests();
    let post = post.unwrap();
    assert_eq!(post.status, 201);
    assert_eq!(post.body, r#"{"ok":1}"#);
    assert_eq!(post.date_ms, Some(1_893_456_000_000));
    assert_eq!(get.unwrap().status, 201);
    assert_eq!(
        seen,
        concat!(
            r#"[{"url":"https://auth.example/token","method":"POST","body":"a=b","credentials":"omit","#,
            r#""referrerPolicy":"no-referrer","redirect":"manual","cache":"no-store","headers":{"accept":"application/json","#,
            r#""authorization":"Bearer AT","content-type":"application/x-www-form-urlencoded"},"signal":true},"#,
            r#"{"url":"https://auth.example/userinfo","method":"GET","body":null,"credentials":"omit","#,
            r#""referrerPolicy":"no-referrer","redirect":"manual","cache":"no-store","headers":{"accept":"application/json"},"signal":true}]"#
        )
    );
}

#[wasm_bindgen_test]
async fn a_redirect_from_the_provider_is_refused_not_followed() {
    for status in [301, 302, 303, 307, 308] {
        fetch_that_records(status, "", "{ location: 'https://evil.example/steal' }");
        let e = FetchHttp::default()
            .send(
                HttpRequest {
                    url: "https://auth.example/token".into(),
                    form: Some("code_verifier=v".into()),
                    bearer: None,
                    dpop: None,
                },
                None,
            )
            .await
            .unwrap_err();
        let seen = recorded_requests();
        assert_eq!(e.code(), "invalid_response", "{status}");
        assert_eq!(e.status(), Some(status));
        assert!(!seen.contains("evil.example"), "{seen}");
    }
}

#[wasm_bindgen_test]
fn provider_json_builds_objects_as_json_parse_does() {
    // `__proto__` is an own member, never the prototype: claims cannot
    // plant `isAdmin` on an object the app reads.
    let json = EngineJson;
    let claims = json
        .parse(r#"{"sub":"a","__proto__":{"isAdmin":true}}"#)
        .unwrap();
    let is_admin = js_sys::Reflect::get(&claims, &JsValue::from_str("isAdmin")).unwrap();
    assert!(is_admin.is_undefined());
    let proto = js_sys::Object::get_prototype_of(&claims);
    assert!(JsValue::from(proto).loose_eq(&js_sys::eval("Object.prototype").unwrap()));
    let own = js_sys::Object::get_own_property_names(claims.unchecked_ref::<js_sys::Object>());
    assert_eq!(own.length(), 2);
    // Numbers are the engine's own, correctly rounded.
    for (text, want) in [
        ("16013.981101e-4", 1.6013981101f64),
        ("1e308", 1e308),
        ("1.9", 1.9),
        ("0.1", 0.1),
    ] {
        let v: f64 = json.read(&json.parse(text).unwrap()).unwrap();
        assert_eq!(v.to_bits(), want.to_bits(), "{text}");
    }
    // And they are written back as they are, not truncated.
    assert_eq!(json.write(&1.9f64).as_deref(), Some("1.9"));
    assert_eq!(json.write(&1e300f64).as_deref(), Some("1e+300"));
}

fn options_object(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap()
}

fn error_code(e: &JsValue) -> String {
    js_sys::Reflect::get(e, &JsValue::from_str("code"))
        .unwrap()
        .as_string()
        .unwrap()
}

#[wasm_bindgen_test]
fn the_js_face_refuses_bad_options() {
    use wasm_oauth::face::AuthClient;
    let base = r#""clientId":"c","redirectUri":"http://127.0.0.1:8080/""#;
    for bad in [
        format!(r#"{{{base},"storage":"cookie"}}"#),
        format!(r#"{{{base},"storage":5}}"#),
        format!(r#"{{{base},"clientID":"typo"}}"#),
        format!(r#"{{{base},"issuer":"http://auth.example"}}"#),
        r#"{"redirectUri":"http://127.0.0.1:8080/"}"#.to_string(),
    ] {
        let err = AuthClient::new(options_object(&bad)).err().expect(&bad);
        assert_eq!(error_code(&err), "invalid_options", "{bad}");
    }
    let err = AuthClient::new(options_object(&format!(r#"{{{base},"clientSecret":"s"}}"#)))
        .err()
        .unwrap();
    assert_eq!(error_code(&err), "secret_in_browser");
    // The message names the option, and guesses the one meant.
    for (bad, says) in [
        (
            format!(r#"{{{base},"clientID":"typo"}}"#),
            r#"option "clientID": unknown option (did you mean "clientId"?)"#,
        ),
        (
            format!(r#"{{{base},"storage":5}}"#),
            r#"option "storage": "#,
        ),
        (
            format!(r#"{{{base},"endpoints":{{"tokn":"https://a.example/t"}}}}"#),
            r#"option "endpoints.tokn": unknown option (did you mean "endpoints.token"?)"#,
        ),
        (
            format!(r#"{{{base},"endpoints":{{"token":7}}}}"#),
            // The member named; serde's own words, without the `Error: ` of
            // the JavaScript error.
            r#"option "endpoints.token": invalid type: floating point `7.0`, expected a string"#,
        ),
    ] {
        let err = AuthClient::new(options_object(&bad)).err().expect(&bad);
        let message = js_sys::Reflect::get(&err, &JsValue::from_str("message"))
            .unwrap()
            .as_string()
            .unwrap();
        assert_eq!(error_code(&err), "invalid_options", "{bad}");
        assert!(message.starts_with(says), "{bad}: {message}");
    }
}

/// The `option` an `invalid_options` error names.
fn option_of(e: &JsValue) -> Option<String> {
    js_sys::Reflect::get(e, &JsValue::from_str("option"))
        .unwrap()
        .as_string()
}

#[wasm_bindgen_test]
async fn silent_sign_in_options_are_checked_from_javascript() {
    use wasm_oauth::face::AuthClient;
    let base = r#""clientId":"c","redirectUri":"http://127.0.0.1:8080/","storage":"memory""#;
    for (bad, option) in [
        (r#""silentTimeoutSeconds":"5""#, "silentTimeoutSeconds"),
        (r#""silentTimeoutSeconds":0"#, "silentTimeoutSeconds"),
        (r#""silentTimeoutSeconds":301"#, "silentTimeoutSeconds"),
        (r#""silentRedirectUri":"/silent.html""#, "silentRedirectUri"),
        (
            r#""silentRedirectUri":"http://127.0.0.1:8080/s#f""#,
            "silentRedirectUri",
        ),
        (r#""silentRedirectUri":7"#, "silentRedirectUri"),
        (
            r#""silentRedirectURI":"http://127.0.0.1/""#,
            "silentRedirectURI",
        ),
    ] {
        let err = AuthClient::new(options_object(&format!("{{{base},{bad}}}")))
            .err()
            .expect(bad);
        assert_eq!(error_code(&err), "invalid_options", "{bad}");
        assert_eq!(option_of(&err).as_deref(), Some(option), "{bad}");
    }
    // Without silentRedirectUri, or with one on another origin than this
    // page's, nothing loads: invalid_options naming it.
    for extra in [
        "",
        r#","silentRedirectUri":"https://elsewhere.example/silent.html""#,
    ] {
        let client = AuthClient::new(options_object(&format!("{{{base}{extra}}}"))).unwrap();
        let err = JsFuture::from(client.login_silently()).await.unwrap_err();
        assert_eq!(error_code(&err), "invalid_options", "{extra}");
        assert_eq!(option_of(&err).as_deref(), Some("silentRedirectUri"));
        let document = web_sys::window().unwrap().document().unwrap();
        assert!(document.query_selector("iframe").unwrap().is_none());
    }
}

/// Options with `logger` set to a JavaScript function made from `body`.
fn options_with_logger(json: &str, body: &str) -> JsValue {
    let options = options_object(json);
    let logger = js_sys::Function::new_with_args("level, message, fields", body);
    js_sys::Reflect::set(&options, &JsValue::from_str("logger"), &logger).unwrap();
    options
}

#[wasm_bindgen_test]
fn the_logger_must_be_a_function_and_log_level_one_of_five_names() {
    use wasm_oauth::face::AuthClient;
    let base = r#""clientId":"c","redirectUri":"http://127.0.0.1:8080/","storage":"memory""#;
    for (bad, option) in [
        (format!(r#"{{{base},"logger":"console"}}"#), "logger"),
        (format!(r#"{{{base},"logger":{{}}}}"#), "logger"),
        (format!(r#"{{{base},"logger":5}}"#), "logger"),
        (format!(r#"{{{base},"logLevel":"verbose"}}"#), "logLevel"),
        (format!(r#"{{{base},"logLevel":"WARN"}}"#), "logLevel"),
        (format!(r#"{{{base},"logLevel":3}}"#), "logLevel"),
    ] {
        let err = AuthClient::new(options_object(&bad)).err().expect(&bad);
        assert_eq!(error_code(&err), "invalid_options", "{bad}");
        let named = js_sys::Reflect::get(&err, &JsValue::from_str("option")).unwrap();
        assert_eq!(named.as_string().as_deref(), Some(option), "{bad}");
    }
    for good in [
        format!(r#"{{{base},"logger":null,"logLevel":"off"}}"#),
        format!(r#"{{{base},"logLevel":"debug"}}"#),
    ] {
        assert!(AuthClient::new(options_object(&good)).is_ok(), "{good}");
    }
}

#[wasm_bindgen_test]
async fn a_logger_that_throws_never_breaks_a_flow() {
    use wasm_oauth::face::AuthClient;
    let options = options_with_logger(
        r#"{"clientId":"c","redirectUri":"http://127.0.0.1:8080/","issuer":"http://127.0.0.1:9/","storage":"memory","logLevel":"debug"}"#,
        "(globalThis.__logLines ??= []).push([level, message, JSON.stringify(fields)]); throw new Error('logger broke')",
    );
    let client = AuthClient::new(options).unwrap();
    let url = JsFuture::from(client.build_authorize_url(JsValue::UNDEFINED))
        .await
        .expect("the flow goes on whatever the logger does");
    assert!(url
        .as_string()
        .unwrap()
        .starts_with("http://127.0.0.1:9/auth/authorize?"));
    let lines = js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("__logLines")).unwrap();
    let lines: Vec<String> = js_sys::Array::from(&lines)
        .iter()
        .map(|l| js_sys::JSON::stringify(&l).unwrap().as_string().unwrap())
        .collect();
    assert_eq!(lines, [r#"["debug","login started","{}"]"#]);
}

#[wasm_bindgen::prelude::wasm_bindgen(module = "/tests/browser/helpers.js")]
extern "C" {
    #[wasm_bindgen(js_name = watchUnhandledRejections)]
    fn watch_unhandled_rejections() -> JsValue;
    #[wasm_bindgen(js_name = leaveRejected)]
    fn leave_rejected(message: &str, watch: &JsValue) -> js_sys::Promise;
}

#[wasm_bindgen_test]
async fn an_async_logger_that_rejects_leaves_no_unhandled_rejection() {
    use wasm_oauth::face::AuthClient;
    let watch = watch_unhandled_rejections();
    let options = options_with_logger(
        r#"{"clientId":"c","redirectUri":"http://127.0.0.1:8080/","issuer":"http://127.0.0.1:9/","storage":"memory","logLevel":"debug"}"#,
        "globalThis.__asyncLogCalls = (globalThis.__asyncLogCalls ?? 0) + 1; return Promise.reject(new Error('async logger broke'))",
    );
    let client = AuthClient::new(options).unwrap();
    let url = JsFuture::from(client.build_authorize_url(JsValue::UNDEFINED))
        .await
        .expect("the flow goes on whatever the logger does");
    assert!(url.as_string().is_some());
    let calls = js_sys::Reflect::get(&js_sys::global(), &"__asyncLogCalls".into()).unwrap();
    assert_eq!(calls.as_f64(), Some(1.0), "the logger was called");
    // A rejection of our own, made after the logger's: once the page has
    // reported it, it has reported the logger's too, had it been unhandled.
    JsFuture::from(leave_rejected("marker", &watch))
        .await
        .unwrap();
    let seen = js_sys::Reflect::get(&watch, &"seen".into()).unwrap();
    let stop: js_sys::Function = js_sys::Reflect::get(&watch, &"stop".into()).unwrap().into();
    stop.call0(&JsValue::UNDEFINED).unwrap();
    let seen: Vec<String> = js_sys::Array::from(&seen)
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    assert_eq!(seen, ["marker"]);
}

#[wasm_bindgen_test]
async fn the_js_face_refuses_extra_params_that_override_the_sdks_own() {
    use wasm_oauth::face::AuthClient;
    let client = AuthClient::new(options_object(
        r#"{"clientId":"c","redirectUri":"http://127.0.0.1:8080/","storage":"memory"}"#,
    ))
    .unwrap();
    for key in [
        "state",
        "code_challenge",
        "client_id",
        "redirect_uri",
        "response_type",
    ] {
        let opts = options_object(&format!(r#"{{"extraParams":{{"{key}":"x"}}}}"#));
        let err = JsFuture::from(client.build_authorize_url(opts))
            .await
            .unwrap_err();
        assert_eq!(error_code(&err), "invalid_options", "{key}");
    }
}

#[wasm_bindgen_test]
async fn the_js_face_sends_extra_params_in_the_apps_order_and_refuses_non_strings() {
    use wasm_oauth::face::AuthClient;
    let client = AuthClient::new(options_object(
        r#"{"clientId":"c","redirectUri":"http://127.0.0.1:8080/","storage":"memory"}"#,
    ))
    .unwrap();
    let url = |opts: &str| client.build_authorize_url(options_object(opts));
    let sent = JsFuture::from(url(
        r#"{"extraParams":{"ui_locales":"fr de","b":"2","a":"1"}}"#,
    ))
    .await
    .unwrap()
    .as_string()
    .unwrap();
    assert!(sent.contains("ui_locales=fr%20de&b=2&a=1"), "{sent}");
    for bad in [r#"{"extraParams":{"a":1}}"#, r#"{"extraParams":"a=1"}"#] {
        let err = JsFuture::from(url(bad)).await.unwrap_err();
        assert_eq!(error_code(&err), "invalid_options", "{bad}");
    }
}

#[wasm_bindgen_test]
async fn the_js_face_reads_resource_as_a_string_or_an_array_of_strings() {
    use wasm_oauth::face::AuthClient;
    let client = AuthClient::new(options_object(
        r#"{"clientId":"c","redirectUri":"http://127.0.0.1:8080/","storage":"memory"}"#,
    ))
    .unwrap();
    let url = |opts: &str| client.build_authorize_url(options_object(opts));
    let both = JsFuture::from(url(
        r#"{"resource":["https://api.example/","https://files.example/"]}"#,
    ))
    .await
    .unwrap()
    .as_string()
    .unwrap();
    assert!(
        both.contains(
            "resource=https%3A%2F%2Fapi.example%2F&resource=https%3A%2F%2Ffiles.example%2F"
        ),
        "{both}"
    );
    let one = JsFuture::from(url(r#"{"resource":"https://api.example/"}"#))
        .await
        .unwrap()
        .as_string()
        .unwrap();
    assert!(
        one.contains("resource=https%3A%2F%2Fapi.example%2F"),
        "{one}"
    );
    let err = JsFuture::from(url(r#"{"resource":["https://api.example/",5]}"#))
        .await
        .unwrap_err();
    assert_eq!(error_code(&err), "invalid_options");
}

#[wasm_bindgen_test]
fn storage_fallback_warns_once_per_client() {
    js_sys::eval(
        "window.__warnings = []; window.__realWarn = console.warn; \
         console.warn = (m) => window.__warnings.push(String(m)); \
         window.__savedSession = Object.getOwnPropertyDescriptor(window, 'sessionStorage'); \
         Object.defineProperty(window, 'sessionStorage', { configurable: true, \
         get() { throw new DOMException('denied', 'SecurityError'); } })",
    )
    .unwrap();
    let store = BrowserStorage::open(StorageKind::Session);
    js_sys::eval(
        "console.warn = window.__realWarn; \
         if (window.__savedSession) Object.defineProperty(window, 'sessionStorage', window.__savedSession); \
         else delete window.sessionStorage;",
    )
    .unwrap();
    assert!(store.is_memory());
    exercise(&store, "wasm-oauth:test-warn:");
    let warnings: js_sys::Array = js_sys::eval("window.__warnings").unwrap().unchecked_into();
    assert_eq!(warnings.length(), 1);
    let text = warnings.get(0).as_string().unwrap();
    assert!(text.contains("memory"), "{text}");
}

/// The crate's wasm32 allocator (lol_alloc's free list, chosen for size)
/// must hand back what it is given: many rounds of large and small
/// allocations, freed out of order, keep their contents and do not grow the
/// linear memory round after round. A leaking or bump allocator fails the
/// growth check (the rounds allocate about 200 MB in all).
#[wasm_bindgen_test]
fn the_allocator_reuses_freed_memory_and_keeps_contents() {
    let memory_bytes = || {
        let memory: js_sys::WebAssembly::Memory = wasm_bindgen::memory().unchecked_into();
        memory
            .buffer()
            .unchecked_into::<js_sys::ArrayBuffer>()
            .byte_length()
    };
    let big = {
        let items: Vec<String> = (0..2000)
            .map(|i| format!("{{\"kid\":\"k{i}\",\"n\":\"{}\"}}", "x".repeat(i % 40)))
            .collect();
        format!("{{\"keys\":[{}]}}", items.join(","))
    };
    let mut after_first_round = 0;
    for round in 0..200u32 {
        let parsed: serde_json::Value = serde_json::from_str(&big).expect("the document parses");
        // Interleave small allocations of many sizes, dropped in a scrambled order.
        let mut smalls: Vec<Option<Vec<u8>>> = (0..300u32)
            .map(|i| Some(vec![(i % 251) as u8; ((i * 37 + round) % 700) as usize]))
            .collect();
        for i in (0..300).step_by(3).chain((1..300).step_by(3)) {
            smalls[i] = None;
        }
        for (i, s) in smalls.iter().enumerate() {
            if let Some(v) = s {
                assert!(
                    v.iter().all(|&b| b == (i as u32 % 251) as u8),
                    "a live block was overwritten"
                );
            }
        }
        assert_eq!(
            parsed.to_string().len(),
            big.len(),
            "round {round}: the parsed copy is intact"
        );
        if round == 0 {
            after_first_round = memory_bytes();
        }
    }
    let growth = memory_bytes() - after_first_round;
    assert!(
        growth <= 4 << 20,
        "linear memory grew by {growth} bytes over 199 rounds"
    );
}

/// The `state` of an authorization URL.
fn state_of(url: &str) -> String {
    let url = web_sys::Url::new(url).unwrap();
    url.search_params().get("state").unwrap()
}

/// The worst inputs under (and over) the caps, through the wasm build's own
/// API: each is refused with its code or handled, never a frozen page. (How
/// long each takes is the bench's to record: `node bench/run.mjs`.)
#[wasm_bindgen_test]
async fn oversize_and_crafted_inputs_are_refused_or_handled() {
    use wasm_oauth::face::AuthClient;
    let redirect = "http://127.0.0.1:8080/cb";
    let client = AuthClient::new(options_object(&format!(
        r#"{{"clientId":"c","redirectUri":"{redirect}","storage":"memory","scope":"api"}}"#
    )))
    .unwrap();
    let handle = |url: String| JsFuture::from(client.handle_redirect_callback(JsValue::from(url)));

    // A 2 MB callback URL (the response after 2 MB of empty parameters).
    let huge = format!("{redirect}#{}code=x&state=y", "&".repeat(2 << 20));
    assert!(!client.is_callback(JsValue::from(huge.as_str())));
    assert_eq!(
        error_code(&handle(huge).await.unwrap_err()),
        "invalid_response"
    );
    // 80,000 empty parameters under the length cap would have been quadratic
    // before; under the cap now, a few thousand parameters are refused by count.
    let many = format!("{redirect}?code=x&state=y&{}", "a=&".repeat(8_000));
    assert_eq!(
        error_code(&handle(many).await.unwrap_err()),
        "invalid_response"
    );

    // A token answer of 256 KiB of distinct members: read, and the login done.
    let url = JsFuture::from(client.build_authorize_url(JsValue::UNDEFINED))
        .await
        .unwrap()
        .as_string()
        .unwrap();
    let mut body = String::from(r#"{"access_token":"AT","token_type":"Bearer","expires_in":3600"#);
    let mut i = 0;
    while body.len() < 256 * 1024 - 32 {
        body.push_str(&format!(r#","k{i}":0"#));
        i += 1;
    }
    body.push('}');
    fetch_that_records(200, &body, "{}");
    let done = handle(format!("{redirect}?code=c&state={}", state_of(&url))).await;
    recorded_requests();
    let done = done.unwrap();
    let tokens = js_sys::Reflect::get(&done, &JsValue::from_str("tokens")).unwrap();
    let at = js_sys::Reflect::get(&tokens, &JsValue::from_str("accessToken")).unwrap();
    assert_eq!(at.as_string().as_deref(), Some("AT"));
    // No appState was given at login: none comes back.
    let app_state = js_sys::Reflect::get(&done, &JsValue::from_str("appState")).unwrap();
    assert!(app_state.is_undefined());

    // A 1 MiB ID token in a token answer: over the body cap, refused.
    let url = JsFuture::from(client.build_authorize_url(JsValue::UNDEFINED))
        .await
        .unwrap()
        .as_string()
        .unwrap();
    let big_id_token = format!("{}.{}.c2ln", "e30", "a".repeat(1 << 20));
    fetch_that_records(
        200,
        &format!(r#"{{"access_token":"AT","token_type":"Bearer","id_token":"{big_id_token}"}}"#),
        "{}",
    );
    let refused = handle(format!("{redirect}?code=c&state={}", state_of(&url))).await;
    recorded_requests();
    assert_eq!(error_code(&refused.unwrap_err()), "invalid_response");
}

#[wasm_bindgen_test]
fn the_engines_url_reads_option_urls_as_the_native_parser_does() {
    use wasm_oauth::browser::url::EngineUrl;
    use wasm_oauth::core::url::{check_option_url, origin_of, OPTION_URL_CASES};
    for &(text, ok) in OPTION_URL_CASES {
        assert_eq!(
            check_option_url(&EngineUrl, text, "m").is_ok(),
            ok,
            "{text}"
        );
    }
    assert_eq!(
        origin_of(&EngineUrl, "https://App.Example:443/x").as_deref(),
        Some("https://app.example")
    );
}

#[wasm_bindgen_test]
async fn http_timeout_seconds_bounds_every_request() {
    use wasm_oauth::face::AuthClient;
    let client = AuthClient::new(options_object(
        r#"{"clientId":"c","redirectUri":"http://127.0.0.1:8080/","storage":"memory","discovery":true,"issuer":"http://127.0.0.1:9","httpTimeoutSeconds":1}"#,
    ))
    .unwrap();
    fetch_that_waits_for_abort();
    let started = js_sys::Date::now();
    let err = JsFuture::from(client.build_authorize_url(JsValue::UNDEFINED)).await;
    restore_fetch();
    let waited = js_sys::Date::now() - started;
    assert_eq!(error_code(&err.unwrap_err()), "timeout");
    assert!((900.0..10_000.0).contains(&waited), "waited {waited} ms");
}

/// Only a client with `dpop` on has a DPoP key, so only such a client draws
/// the per-tab key id (with `storage: "session"`, kept in sessionStorage).
#[wasm_bindgen_test]
fn only_a_dpop_client_keeps_a_per_tab_key_id() {
    let tab_ids = |client_id: &str| -> Vec<String> {
        js_sys::eval("Object.keys(sessionStorage)")
            .unwrap()
            .unchecked_into::<js_sys::Array>()
            .iter()
            .filter_map(|k| k.as_string())
            .filter(|k| k.contains(client_id) && k.contains("dpop-tab"))
            .collect()
    };
    for (dpop, held) in [(false, 0), (true, 1)] {
        let id = format!("tab-id-test-{dpop}");
        let client = wasm_oauth::face::AuthClient::new(options_object(&format!(
            r#"{{"clientId":"{id}","redirectUri":"http://127.0.0.1:8080/","storage":"session","dpop":{dpop}}}"#
        )))
        .unwrap();
        let found = tab_ids(&id);
        drop(client);
        for key in &found {
            js_sys::eval(&format!("sessionStorage.removeItem({key:?})")).unwrap();
        }
        assert_eq!(found.len(), held, "dpop {dpop}: {found:?}");
    }
}

mod dpop_keys {
    //! The DPoP key pair: WebCrypto ES256, private half non-extractable, kept in IndexedDB.
    use super::*;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    use base64::Engine;
    use wasm_oauth::browser::dpop::{KeyPair, WebDpopKeys};
    use wasm_oauth::core::dpop::DpopJwk;
    use wasm_oauth::ports::DpopKeys;

    #[wasm_bindgen::prelude::wasm_bindgen(module = "/tests/browser/helpers.js")]
    extern "C" {
        #[wasm_bindgen(js_name = putJunk)]
        fn put_junk(id: &str) -> js_sys::Promise;
        #[wasm_bindgen(js_name = privateKeyOf)]
        fn private_key_of(id: &str) -> js_sys::Promise;
    }

    /// The private key IndexedDB holds under `id`.
    async fn stored_private_key(id: &str) -> web_sys::CryptoKey {
        JsFuture::from(private_key_of(id))
            .await
            .unwrap()
            .unchecked_into()
    }

    /// The public key of the pair in use (made and kept when there is none).
    async fn jwk_of(keys: &WebDpopKeys) -> Result<DpopJwk, AuthError> {
        let pair = keys.key().await?;
        Ok(keys.public_key(&pair).clone())
    }

    async fn signs_verifiably(keys: &WebDpopKeys) {
        proves(keys, &keys.key().await.unwrap()).await;
    }

    /// `pair` signs what WebCrypto verifies with its public key.
    async fn proves(keys: &WebDpopKeys, pair: &KeyPair) {
        let jwk = keys.public_key(pair);
        let value = serde_wasm_bindgen::to_value(&jwk).unwrap();
        let coordinate = |name: &str| {
            js_sys::Reflect::get(&value, &name.into())
                .unwrap()
                .as_string()
                .unwrap()
        };
        let key = PublicKey::P256 {
            x: coordinate("x"),
            y: coordinate("y"),
        };
        let signature = keys.sign(pair, b"header.claims").await.unwrap();
        assert_eq!(signature.len(), 64, "ES256 is r || s");
        assert!(
            verify_signature(Algorithm::Es256, &key, b"header.claims", &signature)
                .await
                .unwrap()
        );
    }

    #[wasm_bindgen_test]
    async fn the_private_key_cannot_be_exported() {
        let id = "test:dpop:export";
        let keys = WebDpopKeys::new(Some(id.into()));
        signs_verifiably(&keys).await;
        let private_key = stored_private_key(id).await;
        assert!(!private_key.extractable());
        for format in ["jwk", "pkcs8"] {
            let export = web_sys::window()
                .unwrap()
                .crypto()
                .unwrap()
                .subtle()
                .export_key(format, &private_key)
                .unwrap();
            assert!(JsFuture::from(export).await.is_err(), "{format}");
        }
        keys.retire().await;
    }

    #[wasm_bindgen_test]
    async fn the_key_survives_a_reload_and_is_shared_under_one_id() {
        let id = "test:dpop:reload";
        let first = WebDpopKeys::new(Some(id.into()));
        let jwk = jwk_of(&first).await.unwrap();
        // A new page (or another tab) opens the same IndexedDB entry.
        let reloaded = WebDpopKeys::new(Some(id.into()));
        assert_eq!(jwk_of(&reloaded).await.unwrap(), jwk);
        signs_verifiably(&reloaded).await;
        // Logout retires it: the next page makes a new key.
        reloaded.retire().await;
        let after_logout = WebDpopKeys::new(Some(id.into()));
        assert_ne!(jwk_of(&after_logout).await.unwrap(), jwk);
        after_logout.retire().await;
    }

    #[wasm_bindgen_test]
    async fn a_retired_key_still_signs_and_a_load_under_way_gets_a_new_one() {
        let id = "test:dpop:retire";
        let old = jwk_of(&WebDpopKeys::new(Some(id.into()))).await.unwrap();
        // A page that has not loaded its key yet: a flow asks for it while
        // a logout retires it.
        let page = WebDpopKeys::new(Some(id.into()));
        let (loaded, retired) = futures_join(page.key(), page.retire()).await;
        let (loaded, retired) = (loaded.unwrap(), retired.expect("the pair kept"));
        assert_eq!(
            *page.public_key(&retired),
            old,
            "the retired pair is the one kept"
        );
        assert_ne!(*page.public_key(&loaded), old, "never the retired pair");
        // The retired pair still signs: the logout's revocations prove it.
        proves(&page, &retired).await;
        // The new pair is the one kept now, and retiring it again is a no-op
        // for the retired one.
        let reloaded = WebDpopKeys::new(Some(id.into()));
        assert_eq!(jwk_of(&reloaded).await.unwrap(), *page.public_key(&loaded));
        reloaded.retire().await;
        assert!(page
            .retire()
            .await
            .is_some_and(|p| page.public_key(&p) == page.public_key(&loaded)));
    }

    #[wasm_bindgen_test]
    async fn tabs_starting_together_agree_on_one_key() {
        let id = "test:dpop:race";
        let (a, b) = (
            WebDpopKeys::new(Some(id.into())),
            WebDpopKeys::new(Some(id.into())),
        );
        let (ka, kb) = futures_join(jwk_of(&a), jwk_of(&b)).await;
        assert_eq!(ka.unwrap(), kb.unwrap());
        a.retire().await;
    }

    async fn futures_join<A: std::future::Future, B: std::future::Future>(
        a: A,
        b: B,
    ) -> (A::Output, B::Output) {
        // Both start before either is awaited to its end.
        let (a, b) = (std::pin::pin!(a), std::pin::pin!(b));
        let mut a = Some(a);
        let mut b = Some(b);
        let (mut ra, mut rb) = (None, None);
        std::future::poll_fn(|cx| {
            if let Some(f) = a.as_mut() {
                if let std::task::Poll::Ready(v) = f.as_mut().poll(cx) {
                    ra = Some(v);
                    a = None;
                }
            }
            if let Some(f) = b.as_mut() {
                if let std::task::Poll::Ready(v) = f.as_mut().poll(cx) {
                    rb = Some(v);
                    b = None;
                }
            }
            if a.is_none() && b.is_none() {
                std::task::Poll::Ready(())
            } else {
                std::task::Poll::Pending
            }
        })
        .await;
        (ra.unwrap(), rb.unwrap())
    }

    #[wasm_bindgen_test]
    async fn an_unreadable_key_is_replaced() {
        let id = "test:dpop:junk";
        JsFuture::from(put_junk(id)).await.unwrap();
        let keys = WebDpopKeys::new(Some(id.into()));
        signs_verifiably(&keys).await;
        assert!(!stored_private_key(id).await.extractable());
        keys.retire().await;
    }

    #[wasm_bindgen::prelude::wasm_bindgen(module = "/tests/browser/helpers.js")]
    extern "C" {
        #[wasm_bindgen(js_name = putAged)]
        fn put_aged(ids: Vec<String>, ages_ms: Vec<f64>) -> js_sys::Promise;
        #[wasm_bindgen(js_name = idsUnder)]
        fn ids_under(prefix: &str) -> js_sys::Promise;
        #[wasm_bindgen(js_name = usedAtOf)]
        fn used_at_of(id: &str) -> js_sys::Promise;
    }

    async fn stored_ids(prefix: &str) -> Vec<String> {
        let ids: js_sys::Array = JsFuture::from(ids_under(prefix))
            .await
            .unwrap()
            .unchecked_into();
        ids.iter().map(|id| id.as_string().unwrap()).collect()
    }

    const DAY_MS: f64 = 24.0 * 3600.0 * 1000.0;

    #[wasm_bindgen_test]
    async fn keys_of_tabs_long_closed_are_deleted_and_the_live_ones_kept() {
        // This client's per-tab keys, and another client's old one.
        let tabs = "test:sweep:dpop-key:";
        let other = "test:sweep2:dpop-key:gone";
        let ids = |names: &[&str]| {
            names
                .iter()
                .map(|n| format!("{tabs}{n}"))
                .collect::<Vec<_>>()
        };
        let mut aged = ids(&["gone-1", "gone-2", "yesterday", "legacy", "mine"]);
        aged.push(other.into());
        JsFuture::from(put_aged(
            aged,
            vec![
                31.0 * DAY_MS,
                40.0 * DAY_MS,
                DAY_MS,
                -1.0,
                90.0 * DAY_MS,
                90.0 * DAY_MS,
            ],
        ))
        .await
        .unwrap();
        // What is no key pair under this client's tab prefix is deleted too.
        JsFuture::from(put_junk(&format!("{tabs}junk")))
            .await
            .unwrap();
        let before = js_sys::Date::now();
        let mine = format!("{tabs}mine");
        let keys = WebDpopKeys::new(Some(mine.clone())).sweeping(tabs.into());
        signs_verifiably(&keys).await;
        // The tab that loads its key keeps it (even after 90 days away), and
        // marks it used; the closed tabs' keys unused for 30 days are gone.
        assert_eq!(
            stored_ids(tabs).await,
            ids(&["legacy", "mine", "yesterday"])
        );
        assert_eq!(
            stored_ids(other).await,
            [other],
            "another client's keys are its own"
        );
        let used_at = |id: String| async move {
            JsFuture::from(used_at_of(&id))
                .await
                .unwrap()
                .as_f64()
                .unwrap()
        };
        assert!(used_at(mine.clone()).await >= before);
        // A key stored before `usedAt` is dated now: it goes 30 days from now.
        assert!(used_at(format!("{tabs}legacy")).await >= before);
        assert!(used_at(format!("{tabs}yesterday")).await < before - DAY_MS / 2.0);
        keys.retire().await;
        for id in ids(&["legacy", "yesterday"])
            .into_iter()
            .chain([other.to_string()])
        {
            WebDpopKeys::new(Some(id)).retire().await;
        }
    }

    #[wasm_bindgen_test]
    async fn one_page_load_deletes_a_bounded_number_of_stale_keys() {
        use wasm_oauth::browser::dpop::MAX_KEYS_SWEPT;
        let tabs = "test:sweep-many:dpop-key:";
        let count = MAX_KEYS_SWEPT as usize + 8;
        let stale: Vec<String> = (0..count).map(|i| format!("{tabs}{i:03}")).collect();
        JsFuture::from(put_aged(stale.clone(), vec![60.0 * DAY_MS; count]))
            .await
            .unwrap();
        let first = WebDpopKeys::new(Some(format!("{tabs}page-1"))).sweeping(tabs.into());
        jwk_of(&first).await.unwrap();
        assert_eq!(
            stored_ids(tabs).await.len(),
            count - MAX_KEYS_SWEPT as usize + 1
        );
        // The next page load takes the rest.
        let second = WebDpopKeys::new(Some(format!("{tabs}page-2"))).sweeping(tabs.into());
        jwk_of(&second).await.unwrap();
        assert_eq!(
            stored_ids(tabs).await,
            [format!("{tabs}page-1"), format!("{tabs}page-2")]
        );
        first.retire().await;
        second.retire().await;
    }

    #[wasm_bindgen_test]
    async fn a_memory_key_touches_no_indexeddb() {
        let keys = WebDpopKeys::new(None);
        signs_verifiably(&keys).await;
        let jwk = jwk_of(&keys).await.unwrap();
        assert_eq!(jwk_of(&keys).await.unwrap(), jwk);
        let thumbprint = wasm_oauth::core::dpop::jwk_thumbprint(&EngineJson.write(&jwk).unwrap());
        assert_eq!(URL_SAFE_NO_PAD.decode(thumbprint).unwrap().len(), 32);
    }

    #[wasm_bindgen_test]
    async fn without_indexeddb_the_key_lives_in_memory_with_one_warning() {
        js_sys::eval(
            "window.__warnings = []; window.__realWarn = console.warn; \
             console.warn = (m) => window.__warnings.push(String(m)); \
             window.__savedIdb = Object.getOwnPropertyDescriptor(window, 'indexedDB'); \
             Object.defineProperty(window, 'indexedDB', { configurable: true, value: undefined })",
        )
        .unwrap();
        let keys = WebDpopKeys::new(Some("test:dpop:no-idb".into()));
        let first = jwk_of(&keys).await;
        let signature = match &first {
            Ok(_) => keys.sign(&keys.key().await.unwrap(), b"x").await,
            Err(e) => Err(e.clone()),
        };
        js_sys::eval(
            "console.warn = window.__realWarn; \
             Object.defineProperty(window, 'indexedDB', window.__savedIdb)",
        )
        .unwrap();
        assert!(first.is_ok() && signature.is_ok());
        let warnings: js_sys::Array = js_sys::eval("window.__warnings").unwrap().unchecked_into();
        assert_eq!(warnings.length(), 1);
        assert!(warnings.get(0).as_string().unwrap().contains("memory"));
    }
}

/// Two clients of one shared session (each with its own channel, as two
/// tabs have): what one publishes is delivered to the other's receiver, and
/// to nobody once that client is gone.
#[wasm_bindgen_test]
async fn the_tab_channel_delivers_another_tabs_news_to_the_client() {
    use std::cell::RefCell;
    use std::rc::Rc;
    use wasm_oauth::browser::tabs::BrowserTabs;
    use wasm_oauth::ports::{Published, Tabs};
    let client_id = "tab-channel-test";
    let (this_tab, other_tab) = (
        BrowserTabs::open(true, client_id),
        BrowserTabs::open(true, client_id),
    );
    let heard = Rc::new(RefCell::new(Vec::new()));
    let into = heard.clone();
    this_tab.deliver_to(Box::new(move |news| into.borrow_mut().push(news)));
    let wait = || SignalAbort(None).sleep(100);

    other_tab.publish_tokens(r#"{"v":1}"#);
    wait().await;
    other_tab.publish_logout();
    wait().await;
    assert_eq!(
        *heard.borrow(),
        [Published::Tokens(r#"{"v":1}"#.into()), Published::LoggedOut]
    );
    assert_eq!(this_tab.latest_published(), Published::LoggedOut);

    // A client's own news is not delivered back to it.
    this_tab.publish_logout();
    wait().await;
    assert_eq!(heard.borrow().len(), 2);

    drop(this_tab);
    other_tab.publish_tokens(r#"{"v":1}"#);
    wait().await;
    assert_eq!(heard.borrow().len(), 2, "a freed client hears nothing");
}
