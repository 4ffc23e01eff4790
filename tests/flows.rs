#![cfg(not(target_arch = "wasm32"))]
//! The client's flows, natively, against fakes behind the adapter traits:
//! a scripted HTTP server, a settable clock, counted entropy, memory storage.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use wasm_oauth::client::{Client, KEY_PREFIX};
use wasm_oauth::core::authorize::LoginRequest;
use wasm_oauth::core::base64url;
use wasm_oauth::core::config::{Config, Options};
use wasm_oauth::core::error::{AuthError, ErrorCode};
use wasm_oauth::core::form::{find, parse_pairs};
use wasm_oauth::core::pkce::CodeVerifier;
use wasm_oauth::core::url::Url;
use wasm_oauth::ports::{Clock, Entropy, Http, HttpRequest, HttpResponse, MemoryStorage, Storage};

/// Runs a future whose I/O completes at once (every fake here does).
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

const ISSUER: &str = "https://auth.example";
const CLIENT_ID: &str = "550e8400-e29b-41d4-a716-446655440000";
const REDIRECT: &str = "https://app.example/callback";
const NOW: u64 = 1_800_000_000_000;

#[derive(Clone, Default)]
struct FakeHttp {
    requests: Rc<RefCell<Vec<HttpRequest>>>,
    answers: Rc<RefCell<Vec<Result<HttpResponse, AuthError>>>>,
}

impl FakeHttp {
    fn answer(&self, status: u16, body: &str) {
        self.answers.borrow_mut().push(Ok(HttpResponse {
            status,
            body: body.to_string(),
            date_ms: None,
        }));
    }
    fn fail(&self, code: ErrorCode) {
        self.answers
            .borrow_mut()
            .push(Err(AuthError::new(code, "fake failure")));
    }
    fn sent(&self) -> Vec<HttpRequest> {
        self.requests.borrow().clone()
    }
}

impl Http for FakeHttp {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, AuthError> {
        self.requests.borrow_mut().push(request);
        let mut answers = self.answers.borrow_mut();
        assert!(!answers.is_empty(), "unexpected request");
        answers.remove(0)
    }
}

#[derive(Clone)]
struct FakeClock(Rc<Cell<u64>>);
impl Clock for FakeClock {
    fn now_ms(&self) -> u64 {
        self.0.get()
    }
}

struct CountingEntropy(Cell<u8>);
impl Entropy for CountingEntropy {
    fn fill(&self, buf: &mut [u8]) -> Result<(), AuthError> {
        for b in buf.iter_mut() {
            *b = self.0.get();
            self.0.set(self.0.get().wrapping_add(37));
        }
        Ok(())
    }
}

#[derive(Clone, Default)]
struct SharedStorage(Rc<MemoryStorage>);
impl Storage for SharedStorage {
    fn get(&self, key: &str) -> Option<String> {
        self.0.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), AuthError> {
        self.0.set(key, value)
    }
    fn remove(&self, key: &str) {
        self.0.remove(key)
    }
    fn keys_with_prefix(&self, prefix: &str) -> Vec<String> {
        self.0.keys_with_prefix(prefix)
    }
}

type TestClient = Client<SharedStorage, FakeHttp, FakeClock, CountingEntropy>;

struct Harness {
    client: TestClient,
    http: FakeHttp,
    clock: Rc<Cell<u64>>,
    storage: SharedStorage,
}

fn harness_with(options: Options) -> Harness {
    let http = FakeHttp::default();
    let clock = Rc::new(Cell::new(NOW));
    let storage = SharedStorage::default();
    let client = Client::new(
        Config::from_options(options).unwrap(),
        storage.clone(),
        http.clone(),
        FakeClock(clock.clone()),
        CountingEntropy(Cell::new(1)),
    );
    Harness {
        client,
        http,
        clock,
        storage,
    }
}

fn options() -> Options {
    Options {
        client_id: Some(CLIENT_ID.into()),
        redirect_uri: Some(REDIRECT.into()),
        issuer: Some(ISSUER.into()),
        scope: Some("openid profile offline_access".into()),
        ..Options::default()
    }
}

fn harness() -> Harness {
    harness_with(options())
}

fn id_token(claims: &str) -> String {
    [
        base64url::encode(br#"{"alg":"RS256","kid":"k1"}"#),
        base64url::encode(claims.as_bytes()),
        base64url::encode(b"signature"),
    ]
    .join(".")
}

fn good_id_token(nonce: &str) -> String {
    let now = NOW / 1000;
    id_token(&format!(
        r#"{{"iss":"{ISSUER}","sub":"urn:xeonr:user:alice","aud":["{CLIENT_ID}"],"exp":{},"iat":{now},"nonce":"{nonce}"}}"#,
        now + 3600
    ))
}

fn token_body(id_token: &str) -> String {
    format!(
        r#"{{"access_token":"AT-1","token_type":"Bearer","expires_in":3600,"scope":"openid profile offline_access","refresh_token":"RT-1","id_token":"{id_token}"}}"#
    )
}

/// Starts a login and returns (authorize URL params, state, nonce).
fn start(h: &Harness) -> (Vec<(String, String)>, String, String) {
    let url = block_on(h.client.start_login(&LoginRequest::default(), None)).unwrap();
    let params = parse_pairs(Url::parse(&url).unwrap().query.unwrap()).unwrap();
    let state = find(&params, "state").unwrap().to_string();
    let nonce = find(&params, "nonce").unwrap().to_string();
    (params, state, nonce)
}

fn callback(h: &Harness, url: &str) -> Result<wasm_oauth::client::CallbackOutcome, AuthError> {
    block_on(h.client.handle_callback(url))
}

fn signed_in(h: &Harness) {
    let (_, state, nonce) = start(h);
    h.http.answer(200, &token_body(&good_id_token(&nonce)));
    callback(h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap();
}

#[test]
fn code_flow_exchanges_the_code_with_the_verifier_and_stores_tokens() {
    let h = harness();
    let request = LoginRequest {
        app_state: Some(r#"{"returnTo":"/inbox"}"#.into()),
        ..LoginRequest::default()
    };
    let url = block_on(h.client.start_login(&request, None)).unwrap();
    assert!(url.starts_with("https://auth.example/auth/authorize?"));
    let params = parse_pairs(Url::parse(&url).unwrap().query.unwrap()).unwrap();
    let state = find(&params, "state").unwrap();
    let nonce = find(&params, "nonce").unwrap();
    h.http.answer(200, &token_body(&good_id_token(nonce)));

    let outcome = callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap();

    assert_eq!(
        outcome.app_state.as_deref(),
        Some(r#"{"returnTo":"/inbox"}"#)
    );
    assert_eq!(outcome.tokens.access_token, "AT-1");
    assert_eq!(outcome.tokens.expires_at_ms, Some(NOW + 3_600_000));
    let sent = h.http.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].url, "https://auth.example/api/v1/oauth/token");
    let form = parse_pairs(sent[0].form.as_deref().unwrap()).unwrap();
    assert_eq!(find(&form, "grant_type"), Some("authorization_code"));
    assert_eq!(find(&form, "code"), Some("C1"));
    assert_eq!(find(&form, "redirect_uri"), Some(REDIRECT));
    assert_eq!(find(&form, "client_id"), Some(CLIENT_ID));
    let verifier = CodeVerifier::parse(find(&form, "code_verifier").unwrap()).unwrap();
    assert_eq!(
        Some(verifier.challenge().as_str()),
        find(&params, "code_challenge")
    );
    assert_eq!(
        h.client.tokens().unwrap().refresh_token.as_deref(),
        Some("RT-1")
    );
    assert!(h.client.is_authenticated());
    let claims = h.client.id_token_claims().unwrap();
    assert_eq!(claims.str("sub"), Some("urn:xeonr:user:alice"));
}

#[test]
fn replayed_callback_fails_with_missing_transaction() {
    let h = harness();
    let (_, state, nonce) = start(&h);
    h.http.answer(200, &token_body(&good_id_token(&nonce)));
    let url = format!("{REDIRECT}?code=C1&state={state}");
    callback(&h, &url).unwrap();
    let e = callback(&h, &url).unwrap_err();
    assert_eq!(e.code(), "missing_transaction");
    assert_eq!(
        h.http.sent().len(),
        1,
        "the replay must not reach the token endpoint"
    );
}

#[test]
fn tampered_state_fails_and_stores_nothing() {
    let h = harness();
    start(&h);
    let e = callback(&h, &format!("{REDIRECT}?code=C1&state=forged")).unwrap_err();
    assert_eq!(e.code(), "state_mismatch");
    assert!(h.http.sent().is_empty());
    assert!(h.client.tokens().is_none());
}

#[test]
fn callback_without_state_is_refused() {
    let h = harness();
    start(&h);
    let e = callback(&h, &format!("{REDIRECT}?code=C1")).unwrap_err();
    assert_eq!(e.code(), "state_mismatch");
    assert!(h.http.sent().is_empty());
}

#[test]
fn several_logins_may_be_pending_and_each_completes() {
    let h = harness();
    let (_, state_a, nonce_a) = start(&h);
    let (_, state_b, nonce_b) = start(&h);
    assert_ne!(state_a, state_b);
    h.http.answer(200, &token_body(&good_id_token(&nonce_b)));
    callback(&h, &format!("{REDIRECT}?code=B&state={state_b}")).unwrap();
    h.http.answer(200, &token_body(&good_id_token(&nonce_a)));
    callback(&h, &format!("{REDIRECT}?code=A&state={state_a}")).unwrap();
}

#[test]
fn stale_pending_login_expires() {
    let h = harness();
    let (_, state, _) = start(&h);
    h.clock.set(NOW + 10 * 60 * 1000 + 1);
    let e = callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap_err();
    assert_eq!(e.code(), "transaction_expired");
    assert!(h.http.sent().is_empty());
}

#[test]
fn error_callback_keeps_the_servers_code_and_description() {
    let h = harness();
    let (_, state, _) = start(&h);
    let e = callback(
        &h,
        &format!("{REDIRECT}?error=access_denied&error_description=The+user+said+no&state={state}"),
    )
    .unwrap_err();
    assert_eq!(e.code(), "access_denied");
    assert_eq!(e.description.as_deref(), Some("The user said no"));
}

#[test]
fn foreign_issuer_in_callback_is_refused() {
    let h = harness();
    let (_, state, _) = start(&h);
    let e = callback(
        &h,
        &format!("{REDIRECT}?code=C1&state={state}&iss=https%3A%2F%2Fevil.example"),
    )
    .unwrap_err();
    assert_eq!(e.code(), "issuer_mismatch");
    assert!(h.http.sent().is_empty());
}

#[test]
fn matching_issuer_in_callback_is_accepted() {
    let h = harness();
    let (_, state, nonce) = start(&h);
    h.http.answer(200, &token_body(&good_id_token(&nonce)));
    callback(
        &h,
        &format!("{REDIRECT}?code=C1&state={state}&iss=https%3A%2F%2Fauth.example"),
    )
    .unwrap();
}

#[test]
fn code_in_fragment_for_a_query_login_is_refused() {
    let h = harness();
    let (_, state, _) = start(&h);
    let e = callback(&h, &format!("{REDIRECT}#code=C1&state={state}")).unwrap_err();
    assert_eq!(e.code(), "invalid_response");
}

#[test]
fn wrong_nonce_in_id_token_stores_nothing() {
    let h = harness();
    let (_, state, _) = start(&h);
    h.http
        .answer(200, &token_body(&good_id_token("another-nonce")));
    let e = callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap_err();
    assert_eq!(e.code(), "nonce_mismatch");
    assert!(h.client.tokens().is_none());
}

#[test]
fn missing_id_token_for_openid_scope_is_refused() {
    let h = harness();
    let (_, state, _) = start(&h);
    h.http.answer(
        200,
        r#"{"access_token":"AT","token_type":"Bearer","expires_in":60}"#,
    );
    let e = callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap_err();
    assert_eq!(e.code(), "invalid_id_token");
    assert!(h.client.tokens().is_none());
}

#[test]
fn token_endpoint_error_is_reported_with_status() {
    let h = harness();
    let (_, state, _) = start(&h);
    h.http.answer(
        400,
        r#"{"error":"invalid_grant","error_description":"code expired"}"#,
    );
    let e = callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap_err();
    assert_eq!(e.code(), "invalid_grant");
    assert_eq!(e.status, Some(400));
}

#[test]
fn access_token_is_returned_while_valid_and_refreshed_near_expiry() {
    let h = harness();
    signed_in(&h);
    assert_eq!(block_on(h.client.access_token(30, false)).unwrap(), "AT-1");
    assert_eq!(h.http.sent().len(), 1);

    h.clock.set(NOW + 3_600_000 - 10_000); // 10 s left, under the 30 s margin
    h.http.answer(
        200,
        r#"{"access_token":"AT-2","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-2"}"#,
    );
    assert_eq!(block_on(h.client.access_token(30, false)).unwrap(), "AT-2");
    let sent = h.http.sent();
    let form = parse_pairs(sent[1].form.as_deref().unwrap()).unwrap();
    assert_eq!(find(&form, "grant_type"), Some("refresh_token"));
    assert_eq!(find(&form, "refresh_token"), Some("RT-1"));
    let stored = h.client.tokens().unwrap();
    assert_eq!(stored.refresh_token.as_deref(), Some("RT-2"));
    assert!(
        stored.id_token.is_some(),
        "the ID token is kept when not resent"
    );
}

#[test]
fn invalid_grant_on_refresh_ends_the_session() {
    let h = harness();
    signed_in(&h);
    h.http.answer(400, r#"{"error":"invalid_grant"}"#);
    let e = block_on(h.client.access_token(30, true)).unwrap_err();
    assert_eq!(e.code(), "login_required");
    assert!(h.client.tokens().is_none());
}

#[test]
fn failed_refresh_keeps_tokens_that_are_still_good() {
    let h = harness();
    signed_in(&h);
    h.http.answer(503, "<html>down</html>");
    let e = block_on(h.client.access_token(30, true)).unwrap_err();
    assert_eq!(e.code(), "invalid_response");
    assert_eq!(e.status, Some(503));
    h.http.fail(ErrorCode::NetworkError);
    let e = block_on(h.client.access_token(30, true)).unwrap_err();
    assert_eq!(e.code(), "network_error");
    assert_eq!(h.client.tokens().unwrap().access_token, "AT-1");
    assert!(h.client.is_authenticated());
}

#[test]
fn no_session_means_login_required() {
    let h = harness();
    let e = block_on(h.client.access_token(30, false)).unwrap_err();
    assert_eq!(e.code(), "login_required");
    assert!(!h.client.is_authenticated());
}

#[test]
fn corrupt_or_foreign_token_entries_are_ignored_and_cleaned() {
    let h = harness();
    let key = format!("{KEY_PREFIX}{CLIENT_ID}:tokens");
    for junk in [
        "{not json",
        r#"{"v":99,"access_token":"x","token_type":"Bearer"}"#,
        "null",
    ] {
        h.storage.set(&key, junk).unwrap();
        assert!(h.client.tokens().is_none());
        assert!(h.storage.get(&key).is_none(), "{junk} was not cleaned");
    }
}

#[test]
fn two_clients_on_one_origin_do_not_share_tokens() {
    let h = harness();
    signed_in(&h);
    let mut other = options();
    other.client_id = Some("another-client".into());
    let second = Client::new(
        Config::from_options(other).unwrap(),
        h.storage.clone(),
        FakeHttp::default(),
        FakeClock(h.clock.clone()),
        CountingEntropy(Cell::new(9)),
    );
    assert!(second.tokens().is_none());
    assert!(h.client.tokens().is_some());
}

#[test]
fn par_pushes_the_request_and_sends_only_client_id_and_request_uri() {
    let mut o = options();
    o.use_par = true;
    let h = harness_with(o);
    h.http.answer(
        201,
        r#"{"request_uri":"urn:ietf:params:oauth:request_uri:abc","expires_in":600}"#,
    );
    let url = block_on(h.client.start_login(&LoginRequest::default(), None)).unwrap();
    let params = parse_pairs(Url::parse(&url).unwrap().query.unwrap()).unwrap();
    assert_eq!(params.len(), 2);
    assert_eq!(find(&params, "client_id"), Some(CLIENT_ID));
    assert_eq!(
        find(&params, "request_uri"),
        Some("urn:ietf:params:oauth:request_uri:abc")
    );
    let sent = h.http.sent();
    assert_eq!(sent[0].url, "https://auth.example/api/v1/oauth/par");
    let pushed = parse_pairs(sent[0].form.as_deref().unwrap()).unwrap();
    assert_eq!(find(&pushed, "code_challenge_method"), Some("S256"));
    assert!(find(&pushed, "state").is_some());
}

#[test]
fn par_failure_stores_no_pending_login() {
    let mut o = options();
    o.use_par = true;
    let h = harness_with(o);
    h.http.answer(400, r#"{"error":"invalid_request"}"#);
    let e = block_on(h.client.start_login(&LoginRequest::default(), None)).unwrap_err();
    assert_eq!(e.code(), "invalid_request");
    assert!(h.storage.keys_with_prefix(KEY_PREFIX).is_empty());
}

#[test]
fn logout_revokes_refresh_then_access_token_and_clears() {
    let h = harness();
    signed_in(&h);
    h.http.answer(200, "");
    h.http.answer(200, "");
    let end = block_on(h.client.logout(true, None)).unwrap();
    assert_eq!(end, None);
    let sent = h.http.sent();
    assert_eq!(sent[1].url, "https://auth.example/api/v1/oauth/revoke");
    let first = parse_pairs(sent[1].form.as_deref().unwrap()).unwrap();
    assert_eq!(find(&first, "token"), Some("RT-1"));
    assert_eq!(find(&first, "token_type_hint"), Some("refresh_token"));
    let second = parse_pairs(sent[2].form.as_deref().unwrap()).unwrap();
    assert_eq!(find(&second, "token"), Some("AT-1"));
    assert!(h.client.tokens().is_none());
}

#[test]
fn logout_with_end_session_returns_its_url() {
    let mut o = options();
    o.endpoints = vec![("endSession".into(), "https://auth.example/logout".into())];
    let h = harness_with(o);
    signed_in(&h);
    let url = block_on(h.client.logout(false, Some("https://app.example/bye")))
        .unwrap()
        .unwrap();
    let params = parse_pairs(Url::parse(&url).unwrap().query.unwrap()).unwrap();
    assert_eq!(
        find(&params, "post_logout_redirect_uri"),
        Some("https://app.example/bye")
    );
    assert!(find(&params, "id_token_hint").is_some());
    assert_eq!(h.http.sent().len(), 1, "no revocation when revoke is false");
}

#[test]
fn userinfo_must_be_about_the_signed_in_user() {
    let h = harness();
    signed_in(&h);
    h.http
        .answer(200, r#"{"sub":"urn:xeonr:user:alice","name":"Alice"}"#);
    let body = block_on(h.client.userinfo()).unwrap();
    assert!(body.contains("Alice"));
    assert_eq!(h.http.sent()[1].bearer.as_deref(), Some("AT-1"));
    h.http.answer(200, r#"{"sub":"urn:xeonr:user:mallory"}"#);
    assert_eq!(
        block_on(h.client.userinfo()).unwrap_err().code(),
        "invalid_response"
    );
}

#[test]
fn abandoned_pending_logins_are_swept() {
    let h = harness();
    start(&h);
    start(&h);
    h.clock.set(NOW + 11 * 60 * 1000);
    start(&h);
    let pending = h
        .storage
        .keys_with_prefix(&format!("{KEY_PREFIX}{CLIENT_ID}:tx:"));
    assert_eq!(pending.len(), 1);
}
