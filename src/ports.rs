//! The ports: one small trait per thing the flows need from their runtime
//! (storage, HTTP, JSON, URLs, the clock, randomness, signature checks,
//! navigation and popups, the app's events, cross-tab coordination,
//! cancellation, the DPoP key pair, the runtime's kind, the app's logger,
//! silent sign-in's hidden frame). [`Adapters`] only bundles them: an
//! associated type and an accessor per port, no behaviour.
//! `browser` implements them with web-sys, gloo-net and serde-wasm-bindgen;
//! native tests use fakes (`tests/flows.rs`).
// The ports are only used through generics, never as `dyn`, and wasm
// futures are single-threaded, so `async fn` in a trait is what we want.
#![allow(async_fn_in_trait)]

use crate::core::error::AuthError;
pub use crate::core::url::UrlParser;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A key-value store (memory, sessionStorage, localStorage or the app's own).
pub trait Storage {
    /// The value under `key`; `None` when absent or unreadable.
    fn get(&self, key: &str) -> Option<String>;
    /// Stores a value; `storage_unavailable` when the store refuses (quota).
    fn set(&self, key: &str, value: &str) -> Result<(), AuthError>;
    /// Removes a value; never fails.
    fn remove(&self, key: &str);
    /// Every key that starts with `prefix`.
    fn keys_with_prefix(&self, prefix: &str) -> Vec<String>;
    /// False while the store is still loading what it kept before this page
    /// (an app's promise-returning store, read at start): reads see only
    /// this page's writes until then. The built-in stores are always ready.
    fn is_ready(&self) -> bool;
    /// Waits until [`Storage::is_ready`], at most as long as the store lets
    /// a flow wait: true once loaded, false when that wait ran out (the flow
    /// then goes on without what is still loading). At once for a store that
    /// is ready.
    async fn ready(&self) -> bool;
    /// Each write the store refuses after `set` or `remove` returned (an
    /// app's store whose promise rejected) is handed to `receiver`, which is
    /// the client: it decides what its app is told. A refusal from before
    /// this call is handed over by it. The built-in stores answer at once and
    /// never call it.
    fn deliver_refusals_to(&self, receiver: Box<dyn Fn(AuthError)>);
}

/// An HTTP request the SDK makes. Bodies are always form-encoded. Its
/// `Debug` shows the URL only: the form and the bearer token carry secrets.
#[derive(Clone, PartialEq, Eq)]
pub struct HttpRequest {
    pub url: String,
    /// `Some` makes it a POST of `application/x-www-form-urlencoded`.
    pub form: Option<String>,
    /// An access token sent as `Authorization: Bearer`, or as
    /// `Authorization: DPoP` when `dpop` is set.
    pub bearer: Option<String>,
    /// A DPoP proof (RFC 9449 §4.1) sent as the `DPoP` header.
    pub dpop: Option<String>,
}

impl core::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("HttpRequest")
            .field("url", &self.url)
            .field("form", &self.form.as_ref().map(|_| "[redacted]"))
            .field("bearer", &self.bearer.as_ref().map(|_| "[redacted]"))
            .field("dpop", &self.dpop.as_ref().map(|_| "[redacted]"))
            .finish()
    }
}

/// What came back.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct HttpResponse {
    pub status: u16,
    pub body: String,
    /// The `Date` header, as milliseconds since the epoch, for clock-skew tracking.
    pub date_ms: Option<u64>,
    /// The `DPoP-Nonce` header as sent (RFC 9449 §8), when the server sent one.
    pub dpop_nonce: Option<String>,
}

/// Sends HTTP requests. A failure to get any response is `network_error`
/// (or `timeout`); an HTTP error status is a response, not a failure.
pub trait Http {
    /// What the app cancels a request with (its `AbortSignal` in a browser).
    type Abort: Abort;
    /// Sends `request`. With `abort`, an abort before the response is read
    /// cancels the request, and the result is `aborted`.
    async fn send(
        &self,
        request: HttpRequest,
        abort: Option<&Self::Abort>,
    ) -> Result<HttpResponse, AuthError>;
}

/// Wall-clock time.
pub trait Clock {
    /// Milliseconds since the epoch.
    fn now_ms(&self) -> u64;
}

/// A cryptographically secure random source.
pub trait Random {
    /// Fills `buf` with random bytes; an error where the runtime has no
    /// secure source (never a weaker one).
    fn fill(&self, buf: &mut [u8]) -> Result<(), AuthError>;
}

/// JWS signature checks.
pub trait SignatureVerifier {
    /// Checks a JWS signature made with `alg` (RS256, PS256 or ES256) by
    /// `key`, which `core::jwt::select_key` picked to fit `alg`.
    async fn verify(
        &self,
        alg: Algorithm,
        key: &PublicKey,
        signing_input: &[u8],
        signature: &[u8],
    ) -> Result<bool, AuthError>;
}

/// The page's address and the login popup. Outside a page, `current_url`
/// is `None` and the rest fail or do nothing.
pub trait Navigation {
    /// A login popup this page opened.
    type Popup: PopupWindow;
    /// The page's address (`location.href`).
    fn current_url(&self) -> Option<String>;
    /// Sends the page to `url`.
    fn navigate(&self, url: &str) -> Result<(), AuthError>;
    /// Rewrites the address bar and the current history entry to `url`,
    /// without a navigation.
    fn replace_url(&self, url: &str);
    /// Opens an empty popup at once (a browser lets a page open one only
    /// inside the click that asked for it): `popup_blocked` when refused.
    fn open_popup(&self) -> Result<Self::Popup, AuthError>;
    /// True when this page is a login popup that a page of our origin
    /// opened and is waiting for.
    fn is_own_popup(&self) -> bool;
    /// In our own login popup: hands the callback `url` to the opener (our
    /// origin only), which closes this window once it has it (so it never
    /// sees the popup closed before the hand-back arrives).
    fn hand_back(&self, url: &str);
}

/// A login popup, seen from the page that opened it.
pub trait PopupWindow {
    /// Sends the popup to `url` and waits for the callback URL it hands
    /// back: `popup_closed` when it is closed first, `timeout` (after closing
    /// it) when `timeout_ms` runs out.
    async fn wait_for_callback(&self, url: &str, timeout_ms: u32) -> Result<String, AuthError>;
    /// Closes the popup.
    fn close(&self);
}

/// Tells the app's listeners (`auth.on(...)`).
pub trait Events {
    fn emit(&self, event: Event<'_>);
}

/// What kind of runtime this is.
pub trait Runtime {
    /// True inside a browser (a page or a web worker), where anything the
    /// code holds can leak to the user: client secrets are refused there.
    fn is_browser(&self) -> bool;
}

pub use crate::core::dpop::DpopJwk;
pub use crate::core::jwt::{Algorithm, PublicKey};

/// Reads and writes JSON text: provider answers, ID-token parts and stored
/// records. The browser's is `JSON.parse` / `JSON.stringify` with
/// serde-wasm-bindgen between JavaScript values and the core's types; native
/// tests use serde_json. Callers bound the text's length first.
pub trait JsonCodec {
    /// A parsed document, as the runtime holds it.
    type Value: Clone;
    /// Parses JSON text; `None` when it is not JSON.
    fn parse(&self, text: &str) -> Option<Self::Value>;
    /// Reads a parsed document into a core type; `None` when its shape or
    /// types do not match.
    fn read<T: DeserializeOwned>(&self, value: &Self::Value) -> Option<T>;
    /// Writes a core type as JSON text.
    fn write<T: Serialize>(&self, value: &T) -> Option<String>;
}

/// The client's DPoP key pair (RFC 9449): ES256 on P-256, its private half
/// made non-extractable by WebCrypto, so no script (and no XSS) can copy it.
pub trait DpopKeys {
    /// A key pair as a flow holds it. It still signs after it was retired:
    /// what a flow obtained with it is revoked with a proof of that key.
    type Key: Clone;
    /// The pair in use: the one kept (IndexedDB, or this page's memory), or
    /// a new one made and kept now when there is none or it cannot be read.
    /// The caller compares its thumbprint with the one its session is bound
    /// to: a replaced key means a lost session.
    async fn key(&self) -> Result<Self::Key, AuthError>;
    /// `key`'s public half.
    fn public_key<'k>(&self, key: &'k Self::Key) -> &'k DpopJwk;
    /// Signs `signing_input` with `key`'s private half: an ES256 signature,
    /// `r || s` (RFC 7518 §3.4).
    async fn sign(&self, key: &Self::Key, signing_input: &[u8]) -> Result<Vec<u8>, AuthError>;
    /// Retires the pair in use (logout): from this call on it is kept no
    /// more, and [`DpopKeys::key`] makes a new one, so a login started
    /// meanwhile keeps the key it named. Answers the retired pair (read from
    /// where it was kept when this page had not loaded it) for the logout's
    /// revocations; `None` when none was kept.
    async fn retire(&self) -> Option<Self::Key>;
}

/// Something the client tells the app (`auth.on(...)`).
#[derive(Clone, Debug)]
pub enum Event<'a> {
    /// A new token set was stored (login, refresh, device sign-in, or another
    /// tab), or a store that loads late found one.
    Tokens(&'a crate::core::tokens::TokenSet),
    /// The session ended (logout, refresh token refused, or another tab).
    Logout,
    /// A background operation failed (a refresh, a callback).
    Error(&'a AuthError),
    /// The access token expires within the lead time, at this time (ms).
    TokenExpiring(u64),
    /// The access token has expired.
    TokenExpired,
}

/// What the other tabs last said about the shared session.
#[derive(Clone, Default, PartialEq, Eq, Debug)]
pub enum Published {
    /// Nothing yet.
    #[default]
    Nothing,
    /// A token set (stored JSON).
    Tokens(String),
    /// The session ended.
    LoggedOut,
}

/// Coordination between the tabs that share one session (`storage: "local"`).
/// With per-tab storage the browser adapter is inert: no lock, nothing published.
pub trait Tabs {
    /// Held while refreshing; dropping it releases the lock.
    type Guard;
    /// Takes the session's cross-tab lock (Web Locks), waiting for other tabs.
    async fn lock(&self) -> Self::Guard;
    /// Hands a new token set (stored JSON) to the other tabs before the lock is released.
    fn publish_tokens(&self, stored: &str);
    /// Tells the other tabs the session ended.
    fn publish_logout(&self);
    /// What was published about the session in the last few seconds (by
    /// another tab or this one): newer than storage may show yet.
    fn latest_published(&self) -> Published;
    /// What another tab publishes from now on is handed to `receiver`
    /// (`Published::Tokens` or `Published::LoggedOut`), which is the client:
    /// it decides what its app is told.
    fn deliver_to(&self, receiver: Box<dyn Fn(Published)>);
}

/// The app's cancellation (its `AbortSignal` in a browser): of a long wait
/// (device polling) here, and of a request in flight through [`Http::send`].
pub trait Abort {
    /// True once the caller aborted.
    fn aborted(&self) -> bool;
    /// Waits `ms` milliseconds, or less when aborted meanwhile.
    async fn sleep(&self, ms: u64);
}

/// Silent sign-in's hidden frame, from both sides: the page loads an
/// authorization URL (`prompt=none`) in it where the user cannot see it and
/// waits; the silent callback page in it (on the page's origin) hands back
/// the URL the provider sent it to.
pub trait SilentFrame {
    /// This page's origin (`https://app.example`); `None` outside a page,
    /// where there is no frame to load.
    fn page_origin(&self) -> Option<String>;
    /// Loads `url` in a hidden iframe and resolves with the callback URL the
    /// frame hands back (only a message from that frame, from this origin,
    /// counts); `timeout` when none comes within `timeout_ms`. The frame is
    /// removed either way.
    async fn load(&self, url: &str, timeout_ms: u32) -> Result<String, AuthError>;
    /// True when this page is the callback page in a silent sign-in frame
    /// that a page of our origin loaded and is waiting for.
    fn is_own_frame(&self) -> bool;
    /// In our own silent sign-in frame: hands the callback `url` to the
    /// waiting page (our origin only), which removes the frame.
    fn hand_back(&self, url: &str);
}

pub use crate::core::log::{Field, Level};

/// Where log lines go: the app's `logger` option. The client filters by
/// `logLevel` first; a line's message is fixed text and its fields are
/// [`Field`]s, so no token, code or secret can be handed to it.
pub trait Log {
    /// False when no one listens (no `logger`): the client then builds no line.
    fn enabled(&self) -> bool;
    /// Passes one line on. A logger that fails is ignored: logging never
    /// changes what a flow does.
    fn write(&self, level: Level, message: &'static str, fields: &[Field]);
}

/// The log of a client without a `logger`: nothing is logged.
pub struct NoLog;

impl Log for NoLog {
    fn enabled(&self) -> bool {
        false
    }
    fn write(&self, _: Level, _: &'static str, _: &[Field]) {}
}

/// Everything the client needs from its runtime: one port each, reached by
/// its accessor. A bundle only, with no behaviour of its own.
pub trait Adapters {
    type Storage: Storage;
    type Http: Http<Abort = Self::Abort>;
    /// What the app cancels a long operation (device polling) with.
    type Abort: Abort;
    type Tabs: Tabs;
    type Json: JsonCodec;
    type Urls: UrlParser;
    type DpopKeys: DpopKeys;
    type Clock: Clock;
    type Random: Random;
    type Signatures: SignatureVerifier;
    type Navigation: Navigation;
    type Events: Events;
    type Runtime: Runtime;
    type SilentFrame: SilentFrame;
    type Log: Log;
    /// Where tokens live (the `storage` option).
    fn storage(&self) -> &Self::Storage;
    /// Where pending logins live: they must survive the redirect to the
    /// provider and back even when tokens are kept in memory, so browsers keep
    /// them in sessionStorage (per tab) whatever the `storage` option says.
    fn transaction_storage(&self) -> &Self::Storage;
    fn http(&self) -> &Self::Http;
    fn tabs(&self) -> &Self::Tabs;
    fn json(&self) -> &Self::Json;
    /// Reads URLs as the URL Standard does.
    fn urls(&self) -> &Self::Urls;
    /// The client's DPoP key pair (used only with the `dpop` option).
    fn dpop_keys(&self) -> &Self::DpopKeys;
    fn clock(&self) -> &Self::Clock;
    fn random(&self) -> &Self::Random;
    fn signatures(&self) -> &Self::Signatures;
    fn navigation(&self) -> &Self::Navigation;
    fn events(&self) -> &Self::Events;
    fn runtime(&self) -> &Self::Runtime;
    /// Silent sign-in's hidden iframe.
    fn silent_frame(&self) -> &Self::SilentFrame;
    /// Where log lines go: the app's `logger`.
    fn log(&self) -> &Self::Log;
}
