//! Ring 3: the JavaScript face. `#[wasm_bindgen]` only: options are read
//! field by field into the core's types, results are built as plain objects,
//! errors become `AuthError` objects. No protocol logic lives here.

mod callbacks;
mod objects;
mod read;
mod write;

mod clock;
mod events;

use crate::browser::api::ApiRequest;
use crate::browser::url::EngineUrl;
use crate::browser::{fill_random, BrowserAdapters, SignalAbort};
use crate::client::{Client, SilentReason, DEFAULT_MIN_VALIDITY_SECONDS, POPUP_TIMEOUT_MS};
use crate::core::authorize::ImplicitType;
use crate::core::callback::{is_callback, parse_callback};
use crate::core::config::Config;
use crate::core::error::{AuthError, ErrorCode};
use crate::core::pkce::CodeVerifier;
use events::Listeners;
use read::{
    device_authorization, logger, login_request, options, read, signal, GetAccessTokenOptions,
    LogoutOptions, ScopeOptions,
};
use std::future::Future;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use write::{callback_object, device_object, to_js, tokens_object, PkcePair};

#[wasm_bindgen(module = "/src/face/auth-error.js")]
extern "C" {
    #[wasm_bindgen(js_name = AuthError)]
    type JsAuthError;
    #[wasm_bindgen(constructor, js_class = "AuthError")]
    fn new(
        code: &str,
        message: &str,
        description: Option<&str>,
        status: Option<u16>,
        option: Option<&str>,
    ) -> JsAuthError;
}

/// An [`AuthError`] as the JavaScript `AuthError` object.
pub fn error_to_js(e: AuthError) -> JsValue {
    JsAuthError::new(
        e.code(),
        e.message(),
        e.description(),
        e.status(),
        e.option_name(),
    )
    .into()
}

type BrowserClient = Client<BrowserAdapters>;

/// What the face does with a login it starts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LoginStart {
    /// `buildAuthorizeUrl`: hands back the authorization URL.
    Url,
    /// `loginWithRedirect`: sends the page there.
    Redirect,
    /// `loginWithImplicit`: the same, with the implicit `responseType`.
    Implicit,
}

/// Runs a flow as a JavaScript `Promise`, turning its error into an `AuthError`.
fn promise<F>(flow: F) -> js_sys::Promise
where
    F: Future<Output = Result<JsValue, AuthError>> + 'static,
{
    run(Box::pin(flow))
}

/// One non-generic instantiation of the promise machinery for every method:
/// each method's own future is boxed, so the promise glue exists once.
fn run(
    flow: std::pin::Pin<Box<dyn Future<Output = Result<JsValue, AuthError>>>>,
) -> js_sys::Promise {
    crate::browser::promise_of(Box::pin(async move { flow.await.map_err(error_to_js) }))
}

impl AuthClient {
    /// A secret-only grant (client credentials, service token) with the
    /// `scope` of `opts`, in the server build (the `server` feature).
    #[cfg(feature = "server")]
    fn server_grant<G, F>(&self, opts: JsValue, grant: G) -> js_sys::Promise
    where
        G: FnOnce(Rc<BrowserClient>, Option<String>) -> F + 'static,
        F: Future<Output = Result<crate::core::tokens::TokenSet, AuthError>> + 'static,
    {
        let inner = self.inner.clone();
        promise(async move {
            let ScopeOptions { scope } = read(&opts)?;
            Ok(tokens_object(&grant(inner, scope).await?))
        })
    }

    /// The browser build has no secret-only grants, so their code stays out
    /// of the `.wasm` browsers download. In a browser they are refused with
    /// `secret_in_browser` as always; anywhere else the caller loaded the
    /// browser build where it wanted the server one.
    #[cfg(not(feature = "server"))]
    fn server_grant<G, F>(&self, _opts: JsValue, _grant: G) -> js_sys::Promise
    where
        G: FnOnce(Rc<BrowserClient>, Option<String>) -> F + 'static,
        F: Future<Output = Result<crate::core::tokens::TokenSet, AuthError>> + 'static,
    {
        let error = self.inner.refuse_in_browser().err().unwrap_or_else(|| {
            AuthError::new(
                ErrorCode::InvalidOptions,
                "this is the browser build: server runtimes import \"wasm-oauth/node\" (or \"wasm-oauth\" under the \"node\" export condition) for clientCredentials and exchangeServiceToken",
            )
        });
        js_sys::Promise::reject(&error_to_js(error))
    }
}

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = include_str!("types.d.ts");

/// An OAuth 2.0 / OpenID Connect client for one app (`clientId`) at one provider (`issuer`).
#[wasm_bindgen]
pub struct AuthClient {
    inner: Rc<BrowserClient>,
    listeners: Rc<Listeners>,
    /// Drives `tokenExpiring` / `tokenExpired` (in a page).
    _clock: Option<clock::Clock>,
}

#[wasm_bindgen]
impl AuthClient {
    /// Checks the options and opens the chosen storage. Throws an `AuthError`
    /// with code `invalid_options` when an option is wrong.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "AuthClientOptions")] opts: JsValue,
    ) -> Result<AuthClient, JsValue> {
        let (o, store) = options(&opts).map_err(error_to_js)?;
        let config = Config::from_options(o, &EngineUrl).map_err(error_to_js)?;
        let logger = logger(&opts).map_err(error_to_js)?;
        let listeners = Rc::new(Listeners::default());
        let mut adapters = BrowserAdapters::open(
            config.storage,
            store,
            &config.client_id,
            config.dpop,
            config.http_timeout_ms,
            listeners.clone().sink(),
        );
        adapters.log.0 = logger;
        let inner = Client::open(config, adapters).map_err(error_to_js)?;
        if inner.storage_loading() {
            // An app's promise-returning store: a session it held is
            // announced as a `tokens` event once loaded.
            let loading = inner.clone();
            crate::browser::spawn(Box::pin(
                async move { loading.announce_loaded_session().await },
            ));
        }
        listeners.opened();
        Ok(AuthClient {
            _clock: clock::Clock::start(&inner),
            inner,
            listeners,
        })
    }
}

#[wasm_bindgen]
impl AuthClient {
    /// Builds the authorization URL of a new code + PKCE (S256) login and
    /// stores the pending login, without navigating.
    #[wasm_bindgen(js_name = buildAuthorizeUrl, unchecked_return_type = "Promise<string>")]
    pub fn build_authorize_url(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions")] opts: JsValue,
    ) -> js_sys::Promise {
        self.start_login(opts, LoginStart::Url)
    }

    /// Starts a code + PKCE login and sends the browser to the provider.
    /// (Declared generically in `types.d.ts`: `LoginOptions<TAppState>`.)
    #[wasm_bindgen(js_name = loginWithRedirect, skip_typescript)]
    pub fn login_with_redirect(&self, opts: JsValue) -> js_sys::Promise {
        self.start_login(opts, LoginStart::Redirect)
    }

    /// Legacy implicit login (`responseType: "token"` or `"id_token token"`),
    /// only when asked for by name. Prefer `loginWithRedirect`.
    /// (Declared generically in `types.d.ts`: `ImplicitLoginOptions<TAppState>`.)
    #[wasm_bindgen(js_name = loginWithImplicit, skip_typescript)]
    pub fn login_with_implicit(&self, opts: JsValue) -> js_sys::Promise {
        self.start_login(opts, LoginStart::Implicit)
    }

    /// Code + PKCE login in a popup window; resolves like
    /// `handleRedirectCallback` once the popup's callback page hands the
    /// response back. Rejects with `popup_blocked`, `popup_closed` or `timeout`.
    /// (Declared generically in `types.d.ts`: `CallbackResult<TAppState>`.)
    #[wasm_bindgen(js_name = loginWithPopup, skip_typescript)]
    pub fn login_with_popup(&self, opts: JsValue) -> js_sys::Promise {
        let inner = self.inner.clone();
        promise(async move {
            // Check the options first (synchronous, so still inside the
            // click): a bad one must not leave an empty popup behind.
            let (o, request) = login_request(&opts)?;
            let timeout_ms = o
                .timeout_seconds
                .filter(|s| s.is_finite())
                .map_or(POPUP_TIMEOUT_MS, |s| (s.clamp(1.0, 3600.0) * 1000.0) as u32);
            let outcome = inner.login_with_popup(&request, timeout_ms).await?;
            Ok(callback_object(&outcome))
        })
    }

    /// Signs in without showing anything: a code + PKCE login with
    /// `prompt=none` in a hidden iframe, answered to `silentRedirectUri`.
    /// Resolves with the stored token set; rejects with `login_required`,
    /// `consent_required` or `interaction_required` when the provider needs
    /// the user, `timeout` when the frame never answers, `invalid_options`
    /// without `silentRedirectUri`.
    #[wasm_bindgen(js_name = loginSilently, unchecked_return_type = "Promise<TokenSet>")]
    pub fn login_silently(&self) -> js_sys::Promise {
        let inner = self.inner.clone();
        promise(async move {
            let tokens = inner.login_silently(SilentReason::Asked).await?;
            Ok(tokens_object(&tokens))
        })
    }

    /// True when `url` (default: the current address) carries an
    /// authorization response.
    #[wasm_bindgen(js_name = isCallback)]
    pub fn is_callback(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "string | null")] url: JsValue,
    ) -> bool {
        self.url_or_here(&url).is_some_and(|u| is_callback(&u))
    }

    /// Subscribes to `"tokens"` (a new token set, also from another tab),
    /// `"logout"` or `"error"`. Returns the function that unsubscribes.
    /// (Declared generically in `types.d.ts`: the listener gets `AuthEventMap[E]`.)
    #[wasm_bindgen(skip_typescript)]
    pub fn on(&self, event: JsValue, listener: JsValue) -> Result<JsValue, JsValue> {
        let Ok(listener) = listener.dyn_into::<js_sys::Function>() else {
            return Err(error_to_js(AuthError::new(
                ErrorCode::InvalidOptions,
                "the listener must be a function",
            )));
        };
        let event = event.as_string().unwrap_or_default();
        self.listeners.add(&event, &listener).map_err(error_to_js)
    }

    /// Device sign-in (RFC 8628), step 1: a user code and the page where the
    /// user enters it.
    #[wasm_bindgen(js_name = startDeviceAuthorization, unchecked_return_type = "Promise<DeviceAuthorization>")]
    pub fn start_device_authorization(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ScopeOptions")] opts: JsValue,
    ) -> js_sys::Promise {
        let inner = self.inner.clone();
        promise(async move {
            let ScopeOptions { scope } = read(&opts)?;
            let started = js_sys::Date::now();
            let device = inner.start_device_authorization(scope.as_deref()).await?;
            Ok(device_object(&device, started))
        })
    }

    /// Device sign-in, step 2: polls until the user approves (resolving with
    /// the stored token set), denies (`access_denied`), the code expires
    /// (`expired_token`) or `signal` aborts (`aborted`).
    #[wasm_bindgen(js_name = pollDeviceToken, unchecked_return_type = "Promise<TokenSet>")]
    pub fn poll_device_token(
        &self,
        #[wasm_bindgen(unchecked_param_type = "DeviceAuthorization")] device: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "PollOptions")] opts: JsValue,
    ) -> js_sys::Promise {
        let inner = self.inner.clone();
        promise(async move {
            let (device, started_at) = device_authorization(&device)?;
            let signal = signal(&opts)?;
            let tokens = inner
                .poll_device_token(&device, started_at, &SignalAbort(signal))
                .await?;
            Ok(tokens_object(&tokens))
        })
    }

    /// Client credentials grant. Server runtimes only (needs `clientSecret`);
    /// rejects with `secret_in_browser` in a browser before sending anything.
    #[wasm_bindgen(js_name = clientCredentials, unchecked_return_type = "Promise<TokenSet>")]
    pub fn client_credentials(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "ScopeOptions")] opts: JsValue,
    ) -> js_sys::Promise {
        self.server_grant(opts, |inner, scope| async move {
            inner.client_credentials(scope.as_deref()).await
        })
    }

    /// Service token: exchanges a service account's JWT (jwt-bearer grant).
    /// Server runtimes only; rejects with `secret_in_browser` in a browser.
    #[wasm_bindgen(js_name = exchangeServiceToken, unchecked_return_type = "Promise<TokenSet>")]
    pub fn exchange_service_token(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] assertion: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "ScopeOptions")] opts: JsValue,
    ) -> js_sys::Promise {
        self.server_grant(opts, |inner, scope| async move {
            let Some(assertion) = assertion.as_string() else {
                return Err(AuthError::new(
                    ErrorCode::InvalidOptions,
                    "the assertion must be a string",
                ));
            };
            inner
                .exchange_service_token(&assertion, scope.as_deref())
                .await
        })
    }

    /// Handles the authorization response in `url` (default: the current
    /// address): checks state, issuer and nonce, exchanges the code, stores the
    /// tokens, and removes the response from the address bar. A second call
    /// for the same URL in this page gets the first call's promise.
    /// (Declared generically in `types.d.ts`: `CallbackResult<TAppState>`.)
    #[wasm_bindgen(js_name = handleRedirectCallback, skip_typescript)]
    pub fn handle_redirect_callback(&self, url: JsValue) -> js_sys::Promise {
        let Some(url) = self.url_or_here(&url) else {
            return js_sys::Promise::reject(&error_to_js(AuthError::new(
                ErrorCode::InvalidOptions,
                "no URL to handle: pass the callback URL as a string",
            )));
        };
        let config = &self.inner.config;
        let inner = self.inner.clone();
        callbacks::once(&config.issuer, &config.client_id, &url.clone(), move || {
            promise(async move {
                let outcome = inner.handle_redirect_callback(&url).await?;
                Ok(callback_object(&outcome))
            })
        })
    }

    /// A usable access token, refreshed first when it has less than
    /// `minValiditySeconds` (default 30) left or when `forceRefresh` is set.
    /// With `resource` and/or `scope`: the token for that API (RFC 8707),
    /// cached apart from the session's own.
    /// A session without a refresh token renews by silent sign-in when
    /// `silentRedirectUri` is set.
    #[wasm_bindgen(js_name = getAccessToken, unchecked_return_type = "Promise<string>")]
    pub fn get_access_token(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "GetAccessTokenOptions")] opts: JsValue,
    ) -> js_sys::Promise {
        let inner = self.inner.clone();
        promise(async move {
            let o: GetAccessTokenOptions = read(&opts)?;
            let min = o
                .min_validity_seconds
                .filter(|n| n.is_finite())
                .map_or(DEFAULT_MIN_VALIDITY_SECONDS, |n| {
                    n.clamp(0.0, 86_400.0) as u32
                });
            let force = o.force_refresh.unwrap_or(false);
            let token = inner
                .access_token_for(o.resource, o.scope, min, force)
                .await?;
            Ok(token.secret().into())
        })
    }

    /// The stored token set, or `undefined`.
    #[wasm_bindgen(js_name = getTokens, unchecked_return_type = "TokenSet | undefined")]
    pub fn get_tokens(&self) -> JsValue {
        self.inner
            .tokens()
            .map_or(JsValue::UNDEFINED, |t| tokens_object(&t))
    }

    /// The validated ID token claims, or `undefined`.
    #[wasm_bindgen(js_name = getIdTokenClaims, unchecked_return_type = "IdTokenClaims | undefined")]
    pub fn get_id_token_claims(&self) -> JsValue {
        self.inner.id_token_claims().unwrap_or(JsValue::UNDEFINED)
    }

    /// True when a non-expired access token is held.
    #[wasm_bindgen(js_name = isAuthenticated)]
    pub fn is_authenticated(&self) -> bool {
        self.inner.is_authenticated()
    }

    /// The userinfo response (OIDC Core §5.3), fetched with the access token.
    #[wasm_bindgen(js_name = getUser, unchecked_return_type = "Promise<UserInfo>")]
    pub fn get_user(&self) -> js_sys::Promise {
        let inner = self.inner.clone();
        promise(async move { inner.userinfo().await })
    }

    /// `fetch` with the session's access token, for the origins in
    /// `apiOrigins` only (any other: `invalid_options`): `Authorization:
    /// Bearer`, or `DPoP` with a proof when `dpop` is on. Refreshes first when
    /// the token is near expiry; sends once more for a new DPoP nonce and once
    /// more after a refresh for `invalid_token`, never a stream body.
    #[wasm_bindgen(js_name = fetch, unchecked_return_type = "Promise<Response>")]
    pub fn fetch(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Request | string | URL")] input: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "RequestInit")] init: JsValue,
    ) -> js_sys::Promise {
        let inner = self.inner.clone();
        promise(async move {
            let request = ApiRequest::open(&input, &init)?;
            let (method, url) = (request.method(), request.url());
            inner
                .api_fetch(&method, &url, request.replayable, |c| request.send(c))
                .await
        })
    }

    /// Logs out: revokes the tokens (unless `revoke: false`), clears the
    /// session, and goes to the provider's end-session page when one is configured.
    #[wasm_bindgen(js_name = logout, unchecked_return_type = "Promise<void>")]
    pub fn logout(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "LogoutOptions")] opts: JsValue,
    ) -> js_sys::Promise {
        let inner = self.inner.clone();
        promise(async move {
            let o: LogoutOptions = read(&opts)?;
            let revoke = o.revoke.unwrap_or(true);
            inner
                .logout_and_leave(revoke, o.return_to.as_deref())
                .await?;
            Ok(JsValue::UNDEFINED)
        })
    }
}

impl AuthClient {
    /// `buildAuthorizeUrl`, `loginWithRedirect` and `loginWithImplicit` (its
    /// `responseType` read by name): one login start, handed back as its URL
    /// or followed.
    fn start_login(&self, opts: JsValue, how: LoginStart) -> js_sys::Promise {
        let inner = self.inner.clone();
        promise(async move {
            let (o, request) = login_request(&opts)?;
            let kind = match (how, o.response_type.as_deref()) {
                (LoginStart::Url | LoginStart::Redirect, _) => None,
                (LoginStart::Implicit, Some("token")) => Some(ImplicitType::Token),
                (LoginStart::Implicit, Some("id_token token")) => Some(ImplicitType::IdTokenToken),
                (LoginStart::Implicit, _) => {
                    return Err(AuthError::option(
                        "responseType",
                        "must be \"token\" or \"id_token token\"",
                    ))
                }
            };
            let url = inner.start_login(&request, kind).await?;
            if how == LoginStart::Url {
                return Ok(url.into());
            }
            inner.leave_for_login(&url)?;
            Ok(JsValue::UNDEFINED)
        })
    }

    /// A URL argument: the current address when it is left out, `None` when
    /// it is not a string.
    fn url_or_here(&self, url: &JsValue) -> Option<String> {
        if url.is_undefined() || url.is_null() {
            self.inner.current_url()
        } else {
            url.as_string()
        }
    }
}

/// A fresh PKCE pair: `{ codeVerifier, codeChallenge, codeChallengeMethod: "S256" }`.
#[wasm_bindgen(js_name = createPkcePair, unchecked_return_type = "PkcePair")]
pub fn create_pkce_pair() -> Result<JsValue, JsValue> {
    let mut bytes = [0u8; 32];
    fill_random(&mut bytes).map_err(error_to_js)?;
    let v = CodeVerifier::from_entropy(&bytes);
    Ok(to_js(&PkcePair {
        code_verifier: v.secret(),
        code_challenge: &v.challenge(),
        code_challenge_method: "S256",
    }))
}

/// Parses a callback URL without side effects:
/// `{ kind: "code" | "tokens" | "error", ...fields }`. Throws `AuthError` for
/// a URL that holds no valid authorization response.
#[wasm_bindgen(js_name = parseCallbackUrl, unchecked_return_type = "ParsedCallback")]
pub fn parse_callback_url(url: &str) -> Result<JsValue, JsValue> {
    parse_callback(url)
        .map(|c| write::parsed_callback_object(&c))
        .map_err(error_to_js)
}
