//! Orchestration: each flow as a sequence of core decisions and adapter I/O.
//!
//! Generic over [`Adapters`] (one port per need, `crate::ports`), so every
//! flow here, the popup login and the callback page included, runs natively
//! against fakes (see `tests/flows.rs`) and in the browser against the web-sys
//! adapters. The face only converts arguments and results.
//! The core decides; this module moves values between the core and the
//! adapters, and keeps the little state a session needs in memory (the JWKS,
//! the clock offset, the refresh in flight).

mod api;
mod device;
mod dpop;
mod flight;
mod log;
mod login;
mod page;
mod refresh;
mod resource;
mod server;
mod session;
mod silent;
mod stored;
mod tabs;
mod turn;

pub use api::{ApiAnswer, ApiCredentials};
pub use login::CallbackOutcome;
pub use page::POPUP_TIMEOUT_MS;
pub use silent::SilentReason;

use crate::core::config::{Config, Endpoints, StorageKind};
use crate::core::discovery::{self, ProviderMetadata};
use crate::core::dpop::NonceBook;
use crate::core::error::{fail, AuthError, ErrorCode};
use crate::core::expiry::{ExpiryNotice, ExpiryWatch};
use crate::core::form::encode_pairs;
use crate::core::jwt::{
    check_header, select_key, split, unreadable, validate_id_token, IdTokenCheck, IdTokenClaims,
    Jwks, JwsHeader, KeyLookup,
};
use crate::core::keys;
use crate::core::log::{Field, Level};
use crate::core::tokens::{error_from_answer, unreadable_answer, StoredTokens, TokenSet};
use crate::ports::{
    Adapters, Clock, Event, Events, HttpRequest, HttpResponse, JsonCodec, Published, Runtime,
    SignatureVerifier, Storage, Tabs,
};
use dpop::DpopKey;
use flight::Shared;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::{Cell, RefCell};
use std::future::Future;
use std::rc::Rc;
use turn::Turns;

/// Prefix of every storage key the SDK writes, followed by the encoded
/// client id (`core::keys`), so two clients on one origin never see each
/// other's entries.
pub const KEY_PREFIX: &str = keys::PREFIX;

/// Default margin before expiry at which `getAccessToken` refreshes.
pub const DEFAULT_MIN_VALIDITY_SECONDS: u32 = 30;

/// Largest provider answer read (256 KiB); a longer body is not parsed.
pub const MAX_BODY_LEN: usize = 256 * 1024;

/// Largest clock offset to the provider we believe (a day); beyond that the
/// device clock is simply wrong and the checks use it as it is.
const MAX_SKEW_MS: i64 = 24 * 3600 * 1000;

// The clock offset to the provider comes only from the `Date` header of its
// token responses, never from a token: an ID token checked against a clock
// it set itself (its own `iat`) passes whatever its times say, and the
// offset it left would then refuse the next good token. Where the provider
// hides `Date` from a cross-origin page (it must list it in
// `Access-Control-Expose-Headers`), the offset stays 0 and
// `clockSkewSeconds` is the whole tolerance.

/// The SDK client, over its adapters.
pub struct Client<A: Adapters> {
    pub config: Config,
    pub adapters: A,
    /// This client's namespace in storage (`core::keys::namespace`).
    namespace: String,
    /// The endpoints in use, shared by every flow: the configured ones, or
    /// with `discovery` the discovered ones (`None` until discovery ran).
    endpoints: RefCell<Option<Rc<Endpoints>>>,
    jwks: RefCell<Option<Rc<Jwks>>>,
    /// Provider clock minus ours, in ms, from the last token response with
    /// a readable `Date` header.
    skew_ms: Cell<i64>,
    refreshing: RefCell<Option<Shared<Result<TokenSet, AuthError>>>>,
    /// The silent sign-in in flight (`silent.rs`).
    silent: RefCell<Option<Shared<Result<TokenSet, AuthError>>>>,
    /// One use of the refresh token at a time in this page (`turn`).
    refresh_turns: Turns,
    /// What `tokenExpiring` / `tokenExpired` already told, per token.
    expiry: RefCell<ExpiryWatch>,
    /// Server-runtime grants: token sets cached by grant and scope.
    grant_cache: RefCell<Vec<(String, TokenSet)>>,
    /// A token set the storage refused (quota), and the entry it failed to
    /// replace: held here so a rotated refresh token is not lost, until a
    /// later write succeeds or another tab writes a newer entry.
    unsaved: RefCell<Option<(TokenSet, Option<String>)>>,
    /// The newest `DPoP-Nonce` of each server origin.
    dpop_nonces: RefCell<NonceBook>,
    /// The thumbprint of the DPoP key in use, as the last flow read it.
    dpop_jkt: RefCell<Option<String>>,
    /// The thumbprint a session is bound to, when the storage refused to
    /// keep it (quota): held here with the session, as `unsaved` is.
    unsaved_binding: RefCell<Option<String>>,
}

impl<A: Adapters> Client<A> {
    /// A client over the given adapters. A token set stored by a release
    /// before v2 of the key names is moved to this one's key first.
    pub fn new(config: Config, adapters: A) -> Self {
        let lead_ms = u64::from(config.token_expiring_ms);
        let configured = (!config.discovery).then(|| Rc::new(config.endpoints.clone()));
        let client = Client {
            namespace: keys::namespace(&config.client_id),
            config,
            adapters,
            endpoints: RefCell::new(configured),
            jwks: RefCell::new(None),
            skew_ms: Cell::new(0),
            refreshing: RefCell::new(None),
            silent: RefCell::new(None),
            refresh_turns: Turns::default(),
            expiry: RefCell::new(ExpiryWatch::new(lead_ms)),
            grant_cache: RefCell::new(Vec::new()),
            unsaved: RefCell::new(None),
            dpop_nonces: RefCell::new(NonceBook::default()),
            dpop_jkt: RefCell::new(None),
            unsaved_binding: RefCell::new(None),
        };
        client.move_legacy_tokens();
        client
    }

    /// The client as the app's calls share it: refuses a client secret in a
    /// browser (`secret_in_browser`) before anything is sent or stored, and
    /// takes in what the other tabs of a shared session publish
    /// ([`Client::receive_from_tabs`]) and the writes its storage refused
    /// late ([`Client::storage_refused`]) for as long as it lives.
    pub fn open(config: Config, adapters: A) -> Result<Rc<Self>, AuthError>
    where
        A: 'static,
    {
        if config.client_secret.is_some() && adapters.runtime().is_browser() {
            return fail(
                ErrorCode::SecretInBrowser,
                "a client secret must never be given to a browser app",
            );
        }
        let client = Rc::new(Client::new(config, adapters));
        let weak = Rc::downgrade(&client);
        client.adapters.tabs().deliver_to(Box::new(move |news| {
            if let Some(client) = weak.upgrade() {
                client.receive_from_tabs(news);
            }
        }));
        let weak = Rc::downgrade(&client);
        client.storage().deliver_refusals_to(Box::new(move |e| {
            if let Some(client) = weak.upgrade() {
                client.storage_refused(e);
            }
        }));
        Ok(client)
    }

    /// Moves this client's token set from its key before v2 (the client id
    /// as it was) to its key now: read once by that exact key, written under
    /// the new one (unless a set is there already), then removed. Only an
    /// entry that reads as a token set is touched: under the old names the
    /// same key could also be another client's entry. A write the storage
    /// refuses leaves the old entry for the next page load.
    fn move_legacy_tokens(&self) {
        let old = keys::key(
            &keys::legacy_namespace(&self.config.client_id),
            keys::TOKENS,
        );
        let Some(text) = self.storage().get(&old) else {
            return;
        };
        if self.read_token_set(&text).is_none() {
            return;
        }
        let new = self.tokens_key();
        if self.storage().get(&new).is_none() && self.storage().set(&new, &text).is_err() {
            return;
        }
        self.storage().remove(&old);
    }

    fn storage(&self) -> &A::Storage {
        self.adapters.storage()
    }

    fn now(&self) -> u64 {
        self.adapters.clock().now_ms()
    }

    fn key(&self, name: &str) -> String {
        keys::key(&self.namespace, name)
    }

    /// Reads JSON text (at most [`MAX_BODY_LEN`]) into a core type.
    fn read_json<T: DeserializeOwned>(&self, text: &str) -> Option<T> {
        if text.len() > MAX_BODY_LEN {
            return None;
        }
        let json = self.adapters.json();
        json.read(&json.parse(text)?)
    }

    /// Writes a core type as JSON text.
    fn write_json<T: Serialize>(&self, value: &T) -> Option<String> {
        self.adapters.json().write(value)
    }

    /// A provider's answer: the body of a 2xx as `T`, any other status as
    /// the OAuth error it carries (or `invalid_response` with the status).
    fn read_answer<T: DeserializeOwned>(&self, r: &HttpResponse) -> Result<T, AuthError> {
        if (200..300).contains(&r.status) {
            self.read_json(&r.body)
                .ok_or_else(|| unreadable_answer(r.status))
        } else {
            Err(error_from_answer(r.status, self.read_json(&r.body)))
        }
    }

    fn tokens_key(&self) -> String {
        self.key(keys::TOKENS)
    }

    /// The endpoints to use: the configured ones, or the discovered ones
    /// when `discovery` is on (fetched once per client).
    pub async fn endpoints(&self) -> Result<Rc<Endpoints>, AuthError> {
        if let Some(e) = self.endpoints.borrow().as_ref() {
            return Ok(e.clone());
        }
        let r = self
            .get(discovery::metadata_url(&self.config.issuer), None)
            .await?;
        let e = Rc::new(discovery::apply(
            &self.config.issuer,
            self.read_answer::<ProviderMetadata>(&r)?,
            &self.config.endpoints,
            &self.config.explicit_endpoints,
            self.adapters.urls(),
        )?);
        *self.endpoints.borrow_mut() = Some(e.clone());
        self.log(Level::Debug, "discovery fetched", &[]);
        Ok(e)
    }

    /// A GET, with the access token as a Bearer credential when given.
    fn get(
        &self,
        url: String,
        bearer: Option<String>,
    ) -> impl Future<Output = Result<HttpResponse, AuthError>> + '_ {
        let request = HttpRequest {
            url,
            form: None,
            bearer,
            dpop: None,
        };
        self.send(request, None)
    }

    fn post_form(
        &self,
        url: &str,
        pairs: &[(&str, &str)],
    ) -> impl Future<Output = Result<HttpResponse, AuthError>> + '_ {
        self.send(form_request(url, pairs), None)
    }

    /// A form POST to the token endpoint, with a DPoP proof when `dpop` is
    /// on: of `key` when given, else of the key in use.
    fn post_token_form<'a>(
        &'a self,
        url: &str,
        pairs: &[(&str, &str)],
        key: Option<&'a DpopKey<A>>,
    ) -> impl Future<Output = Result<HttpResponse, AuthError>> + 'a {
        self.send_to_token_endpoint(form_request(url, pairs), None, key)
    }

    /// Notes the provider's clock from a response's `Date` header.
    fn track_date(&self, r: &HttpResponse, now: u64) {
        if let Some(date) = r.date_ms {
            self.set_skew(date as i64 - now as i64);
        }
    }

    fn set_skew(&self, skew: i64) {
        if skew.abs() <= MAX_SKEW_MS {
            self.skew_ms.set(skew);
        } else {
            self.log(
                Level::Warn,
                "clock skew beyond tolerance ignored",
                &[Field::SkewSeconds(skew / 1000)],
            );
        }
    }

    /// The provider's time as best we know it, in seconds.
    fn provider_now_s(&self) -> f64 {
        (self.now() as i64 + self.skew_ms.get()) as f64 / 1000.0
    }

    /// The current clock offset to the provider in milliseconds.
    pub fn clock_skew_ms(&self) -> i64 {
        self.skew_ms.get()
    }

    async fn fetch_jwks(&self) -> Result<Rc<Jwks>, AuthError> {
        let endpoints = self.endpoints().await?;
        let r = self.get(endpoints.jwks.clone(), None).await?;
        // The JWKS endpoint is no OAuth endpoint: whatever error body it
        // sends, an unusable JWKS means the ID token cannot be checked.
        let j = Rc::new(self.read_answer::<Jwks>(&r).map_err(|_| {
            AuthError::new(
                ErrorCode::InvalidIdToken,
                "the provider's JWKS could not be read",
            )
        })?);
        *self.jwks.borrow_mut() = Some(j.clone());
        self.log(Level::Debug, "JWKS fetched", &[Field::Count(j.keys.len())]);
        Ok(j)
    }

    /// The claims of an ID token, read but not checked.
    fn read_claims(&self, id_token: &str) -> Option<IdTokenClaims> {
        self.read_json(&split(id_token).ok()?.claims)
    }

    /// Checks an ID token fully before anything stores it: the signature
    /// (RS256, PS256 or ES256) against the JWKS (cached, refetched once for an unknown
    /// `kid`), then the claims (OIDC Core §3.1.3.7).
    async fn check_id_token(
        &self,
        tokens: &TokenSet,
        nonce: Option<&str>,
        max_age: Option<u32>,
        require_at_hash: bool,
        sub: Option<&str>,
    ) -> Result<(), AuthError> {
        let Some(id_token) = &tokens.id_token else {
            return Ok(());
        };
        let parts = split(id_token)?;
        let header: JwsHeader = self.read_json(&parts.header).ok_or_else(|| {
            unreadable("the ID token's header is not a JSON object of JOSE members")
        })?;
        let alg = check_header(&header)?;
        let claims: IdTokenClaims = self.read_json(&parts.claims).ok_or_else(|| {
            unreadable("the ID token's claims are not a JSON object of the OIDC types")
        })?;
        let kid = header.kid.as_deref();
        let cached = self.jwks.borrow().clone();
        let mut lookup = match &cached {
            Some(set) => select_key(set, alg, kid)?,
            None => KeyLookup::UnknownKid,
        };
        if lookup == KeyLookup::UnknownKid {
            lookup = select_key(&*self.fetch_jwks().await?, alg, kid)?;
        }
        let KeyLookup::Found(key) = lookup else {
            return fail(
                ErrorCode::InvalidIdToken,
                "no key in the provider's JWKS verifies the ID token",
            );
        };
        let verified = self
            .adapters
            .signatures()
            .verify(alg, &key, parts.signing_input.as_bytes(), &parts.signature)
            .await?;
        if !verified {
            return fail(
                ErrorCode::InvalidIdToken,
                "the ID token's signature is not valid",
            );
        }
        validate_id_token(
            &claims,
            &IdTokenCheck {
                issuer: &self.config.issuer,
                client_id: &self.config.client_id,
                nonce,
                now_s: self.provider_now_s(),
                skew_s: f64::from(self.config.clock_skew_seconds),
                max_age,
                access_token: Some(tokens.access_token.secret()),
                require_at_hash,
                sub,
            },
        )
    }

    /// Stores a new token set, tells the other tabs and the app. When the
    /// storage refuses the write (quota), the set is kept in this page's
    /// memory instead and the refusal is reported as an `error` event: the
    /// tokens were issued (a refresh token may have rotated), so losing them
    /// would end a session that is still good.
    fn store_tokens(&self, tokens: &TokenSet) {
        let bound = self.note_dpop_binding();
        let text = self.write_json(&tokens.to_stored()).unwrap_or_default();
        let saved = match self.storage().set(&self.tokens_key(), &text) {
            Ok(()) => {
                *self.unsaved.borrow_mut() = None;
                bound
            }
            Err(e) => {
                let replaced = self.storage().get(&self.tokens_key());
                *self.unsaved.borrow_mut() = Some((tokens.clone(), replaced));
                Err(e)
            }
        };
        // One report for the save, whichever write was refused.
        if let Err(e) = saved {
            self.log_warning("storage refused a write", &e);
            self.adapters.events().emit(Event::Error(&e));
        }
        self.adapters.tabs().publish_tokens(&text);
        if self.config.storage == StorageKind::Local {
            self.log(Level::Debug, "tab hand-over published", &[]);
        }
        self.adapters.events().emit(Event::Tokens(tokens));
    }

    /// Ends the session locally, tells the other tabs and the app.
    fn clear_session(&self) {
        *self.unsaved.borrow_mut() = None;
        *self.unsaved_binding.borrow_mut() = None;
        self.storage().remove(&self.tokens_key());
        self.storage().remove(&self.key(keys::DPOP_JKT));
        self.take_api_tokens();
        self.adapters.tabs().publish_logout();
        self.adapters.events().emit(Event::Logout);
    }

    /// Runs `flow` as the one attempt of its kind in `slot` (callers that
    /// come meanwhile join it through the slot), then tells the app and the
    /// log of its failure: a background renewal has no caller of its own
    /// who would see it. The flow comes boxed: one copy of this serves both
    /// kinds (refresh, silent sign-in).
    async fn single_flight(
        &self,
        slot: &RefCell<Option<Shared<Result<TokenSet, AuthError>>>>,
        failure: &'static str,
        flow: std::pin::Pin<Box<dyn Future<Output = Result<TokenSet, AuthError>> + '_>>,
    ) -> Result<TokenSet, AuthError> {
        let flight = Shared::default();
        *slot.borrow_mut() = Some(flight.clone());
        let result = flow.await;
        *slot.borrow_mut() = None;
        flight.complete(result.clone());
        if let Err(e) = &result {
            self.log_failure(failure, e);
            self.adapters.events().emit(Event::Error(e));
        }
        result
    }

    /// Ends the session because the provider refused its refresh token
    /// (`invalid_grant`): `login_required`, caused by the provider's error.
    fn end_refused_session(&self, refused: &AuthError) -> AuthError {
        self.clear_session();
        AuthError::new(
            ErrorCode::LoginRequired,
            "the session ended (refresh token refused): log in again",
        )
        .caused_by(refused)
    }

    /// The stored token set. A corrupt or foreign entry is removed, never fatal.
    /// In a shared session, what another tab just published wins over a
    /// storage copy that has not caught up yet (Chromium delivers localStorage
    /// writes to other tabs late), and so does a set the storage refused.
    pub fn tokens(&self) -> Option<TokenSet> {
        let key = self.tokens_key();
        let text = self.storage().get(&key);
        // A refused set counts while storage still holds what it was to replace.
        let held = {
            let mut unsaved = self.unsaved.borrow_mut();
            if unsaved
                .as_ref()
                .is_some_and(|(_, replaced)| *replaced != text)
            {
                *unsaved = None;
            }
            unsaved.as_ref().map(|(held, _)| held.clone())
        };
        let stored = held.or_else(|| {
            let parsed = self.read_token_set(&text?);
            if parsed.is_none() {
                self.storage().remove(&key);
                self.log(Level::Warn, "corrupt stored entry removed", &[]);
            }
            parsed
        });
        let published = match self.adapters.tabs().latest_published() {
            Published::Nothing => None,
            Published::LoggedOut => return None,
            Published::Tokens(text) => self.read_token_set(&text),
        };
        // The later expiry wins; on a tie, the storage copy, except against
        // the same access token published with another refresh token: a
        // per-API request rotated only that (`resource`), and storage here
        // may still hold the spent one.
        match (published, stored) {
            (Some(p), Some(s)) => Some(
                if s.expires_at_ms > p.expires_at_ms
                    || (s.expires_at_ms == p.expires_at_ms && s.access_token != p.access_token)
                {
                    s
                } else {
                    p
                },
            ),
            (p, s) => p.or(s),
        }
    }

    fn read_token_set(&self, text: &str) -> Option<TokenSet> {
        TokenSet::from_stored(self.read_json::<StoredTokens>(text)?)
    }

    /// The claims of the stored ID token (validated before it was stored),
    /// as the JSON reader parsed them: every member, the app's to read.
    pub fn id_token_claims(&self) -> Option<<A::Json as JsonCodec>::Value> {
        let id_token = self.tokens()?.id_token?;
        self.adapters.json().parse(&split(&id_token).ok()?.claims)
    }

    /// True when a non-expired access token is held. Judged now, on read,
    /// so a tab that slept for hours never reports an expired token as good.
    pub fn is_authenticated(&self) -> bool {
        self.tokens().is_some_and(|t| t.is_valid_for(self.now(), 0))
    }

    /// One look at the clock: tells the app `tokenExpiring` (once, the lead
    /// time before expiry) or `tokenExpired` (once, at it), and with
    /// `autoRefresh` renews an expiring token while the page is visible.
    /// The browser calls it on a short timer and when the page wakes up
    /// (visibility, focus, back online), so sleep and throttling only delay it.
    pub async fn on_clock(&self, page_visible: bool) {
        let expires_at = self.tokens().and_then(|t| t.expires_at_ms);
        let notice = self.expiry.borrow_mut().check(expires_at, self.now());
        match notice {
            None => {}
            Some(ExpiryNotice::Expired) => self.adapters.events().emit(Event::TokenExpired),
            Some(ExpiryNotice::Expiring { expires_at_ms }) => {
                self.adapters
                    .events()
                    .emit(Event::TokenExpiring(expires_at_ms));
                if self.config.auto_refresh && page_visible {
                    // A failure is an `error` event (access_token emits it);
                    // the tokens are kept.
                    let lead_s = self.config.token_expiring_ms.div_ceil(1000);
                    let _ = self.access_token(lead_s, false).await;
                }
            }
        }
    }

    pub(crate) fn refuse_in_browser(&self) -> Result<(), AuthError> {
        if self.adapters.runtime().is_browser() {
            return fail(
                ErrorCode::SecretInBrowser,
                "client secrets and secret-only grants are for server runtimes, never a browser",
            );
        }
        Ok(())
    }
}

/// A POST of `pairs`, form-encoded, to `url`.
fn form_request<K: AsRef<str>, V: AsRef<str>>(url: &str, pairs: &[(K, V)]) -> HttpRequest {
    HttpRequest {
        url: url.to_string(),
        form: Some(encode_pairs(pairs)),
        bearer: None,
        dpop: None,
    }
}
