//! Orchestration: each flow as a sequence of core decisions and adapter I/O.
//!
//! Generic over the [`ports`](crate::ports) traits, so every flow here runs
//! natively against fakes (see `tests/flows.rs`) and in the browser against
//! the web-sys adapters. The core decides; this module only moves values
//! between the core and the adapters.

use crate::core::authorize::{
    authorize_url, begin_login, ImplicitType, LoginRequest, LOGIN_ENTROPY,
};
use crate::core::callback::{parse_callback, AuthorizationResponse, ResponseLocation};
use crate::core::config::Config;
use crate::core::error::{fail, AuthError, ErrorCode};
use crate::core::form::encode_pairs;
use crate::core::json::Json;
use crate::core::jwt::{decode, validate_id_token, IdTokenCheck};
use crate::core::tokens::{
    error_from_answer, implicit_token_set, parse_token_response, success_json, HttpAnswer, TokenSet,
};
use crate::core::transaction::{PendingLogin, LIFETIME_MS};
use crate::core::url::with_query;
use crate::ports::{Clock, Entropy, Http, HttpRequest, HttpResponse, Storage};

/// Prefix of every storage key the SDK writes, followed by the client id, so
/// two clients on one origin never see each other's entries.
pub const KEY_PREFIX: &str = "wasm-oauth:v1:";

/// Default margin before expiry at which `getAccessToken` refreshes.
pub const DEFAULT_MIN_VALIDITY_SECONDS: u32 = 30;

/// What a handled callback gives the app.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CallbackOutcome {
    /// The `appState` given at login, as JSON text.
    pub app_state: Option<String>,
    pub tokens: TokenSet,
}

/// The SDK client, over its adapters.
pub struct Client<S, H, C, E> {
    pub config: Config,
    pub storage: S,
    pub http: H,
    pub clock: C,
    pub entropy: E,
    prefix: String,
}

fn answer(r: &HttpResponse) -> HttpAnswer<'_> {
    HttpAnswer {
        status: r.status,
        body: &r.body,
    }
}

impl<S: Storage, H: Http, C: Clock, E: Entropy> Client<S, H, C, E> {
    /// A client over the given adapters.
    pub fn new(config: Config, storage: S, http: H, clock: C, entropy: E) -> Self {
        let mut prefix = String::from(KEY_PREFIX);
        prefix.push_str(&config.client_id);
        prefix.push(':');
        Client {
            config,
            storage,
            http,
            clock,
            entropy,
            prefix,
        }
    }

    fn key(&self, name: &str) -> String {
        let mut k = self.prefix.clone();
        k.push_str(name);
        k
    }

    fn tokens_key(&self) -> String {
        self.key("tokens")
    }

    fn transaction_key(&self, state: &str) -> String {
        self.key(&["tx:", state].concat())
    }

    /// Removes pending logins that are expired or unreadable, so abandoned
    /// logins do not pile up in storage.
    fn sweep_transactions(&self, now_ms: u64) {
        for key in self.storage.keys_with_prefix(&self.key("tx:")) {
            let keep = self
                .storage
                .get(&key)
                .and_then(|v| PendingLogin::from_json(&v))
                .is_some_and(|p| now_ms.saturating_sub(p.created_at_ms) <= LIFETIME_MS);
            if !keep {
                self.storage.remove(&key);
            }
        }
    }

    async fn post_form(
        &self,
        url: &str,
        pairs: &[(&str, &str)],
    ) -> Result<HttpResponse, AuthError> {
        self.http
            .send(HttpRequest {
                url: url.to_string(),
                form: Some(encode_pairs(pairs.iter().copied())),
                bearer: None,
            })
            .await
    }

    /// Starts a login: stores the pending login and returns the URL to send
    /// the browser to. With `usePar` the request is pushed first (RFC 9126).
    pub async fn start_login(
        &self,
        request: &LoginRequest,
        implicit: Option<ImplicitType>,
    ) -> Result<String, AuthError> {
        let now = self.clock.now_ms();
        let mut entropy = [0u8; LOGIN_ENTROPY];
        self.entropy.fill(&mut entropy)?;
        let (pending, params) = begin_login(&self.config, request, implicit, &entropy, now)?;
        self.sweep_transactions(now);
        let url = if self.config.use_par {
            self.push_authorization_request(&params).await?
        } else {
            authorize_url(&self.config.endpoints.authorization, &params)
        };
        self.storage
            .set(&self.transaction_key(&pending.state), &pending.to_json())?;
        Ok(url)
    }

    /// RFC 9126 §2: POST the request, then send the browser with only
    /// `client_id` and `request_uri`.
    async fn push_authorization_request(
        &self,
        params: &[(String, String)],
    ) -> Result<String, AuthError> {
        let pairs: Vec<(&str, &str)> = params
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let r = self
            .post_form(&self.config.endpoints.pushed_authorization, &pairs)
            .await?;
        let j = success_json(&answer(&r))?;
        let request_uri = match j.str("request_uri") {
            Some(u) if !u.is_empty() => u,
            _ => {
                return fail(
                    ErrorCode::InvalidResponse,
                    "the PAR response has no request_uri",
                )
            }
        };
        Ok(authorize_url(
            &self.config.endpoints.authorization,
            &[
                ("client_id".into(), self.config.client_id.clone()),
                ("request_uri".into(), request_uri.to_string()),
            ],
        ))
    }

    /// Finds and consumes the pending login a callback belongs to.
    fn take_pending(&self, state: Option<&str>) -> Result<PendingLogin, AuthError> {
        let Some(state) = state.filter(|s| !s.is_empty()) else {
            return fail(
                ErrorCode::StateMismatch,
                "the authorization response has no state",
            );
        };
        let key = self.transaction_key(state);
        let stored = self.storage.get(&key);
        // Used once: removed before anything else can fail, so a replayed
        // callback finds nothing (RFC 6749 §10.5, §10.12).
        self.storage.remove(&key);
        match stored.as_deref().and_then(PendingLogin::from_json) {
            Some(p) if p.state == state => Ok(p),
            _ if self.storage.keys_with_prefix(&self.key("tx:")).is_empty() => fail(
                ErrorCode::MissingTransaction,
                "no login is pending in this browser (already handled, or never started here)",
            ),
            _ => fail(
                ErrorCode::StateMismatch,
                "the response's state matches no pending login",
            ),
        }
    }

    /// Handles the authorization response in `url`: checks it against the
    /// pending login, exchanges the code, validates and stores the tokens.
    pub async fn handle_callback(&self, url: &str) -> Result<CallbackOutcome, AuthError> {
        let callback = parse_callback(url)?;
        let pending = self.take_pending(callback.response.state())?;
        let now = self.clock.now_ms();
        pending.check_fresh(now)?;
        let expected = if pending.flow.uses_fragment() {
            ResponseLocation::Fragment
        } else {
            ResponseLocation::Query
        };
        if callback.location != expected {
            return fail(
                ErrorCode::InvalidResponse,
                "the response came in the wrong part of the URL for this flow",
            );
        }
        // RFC 9207 §2.4: when the response names its issuer it must be ours.
        if callback
            .response
            .iss()
            .is_some_and(|i| i != self.config.issuer)
        {
            return fail(
                ErrorCode::IssuerMismatch,
                "the response comes from another issuer",
            );
        }
        let tokens = match callback.response {
            AuthorizationResponse::Error {
                error, description, ..
            } => return Err(AuthError::oauth(&error, description.as_deref(), None)),
            AuthorizationResponse::Code { code, .. } => {
                if pending.flow == crate::core::transaction::Flow::Implicit {
                    return fail(
                        ErrorCode::InvalidResponse,
                        "a code came back for an implicit login",
                    );
                }
                self.exchange_code(&code, &pending).await?
            }
            AuthorizationResponse::Tokens {
                access_token,
                token_type,
                expires_in,
                scope,
                id_token,
                ..
            } => {
                if pending.flow != crate::core::transaction::Flow::Implicit {
                    return fail(
                        ErrorCode::InvalidResponse,
                        "tokens came back for a code login",
                    );
                }
                let tokens = implicit_token_set(
                    access_token.as_deref(),
                    token_type.as_deref(),
                    expires_in.as_deref(),
                    scope.as_deref(),
                    id_token.as_deref(),
                    now,
                )?;
                if crate::core::config::Config::wants_openid(&pending.scope)
                    && tokens.id_token.is_none()
                {
                    return fail(ErrorCode::InvalidIdToken, "the response has no ID token");
                }
                tokens
            }
        };
        self.check_id_token(
            &tokens,
            pending.nonce.as_deref(),
            pending.max_age,
            pending.flow,
        )?;
        self.store_tokens(&tokens)?;
        Ok(CallbackOutcome {
            app_state: pending.app_state,
            tokens,
        })
    }

    /// RFC 6749 §4.1.3 + RFC 7636 §4.5.
    async fn exchange_code(
        &self,
        code: &str,
        pending: &PendingLogin,
    ) -> Result<TokenSet, AuthError> {
        let Some(verifier) = &pending.code_verifier else {
            return fail(
                ErrorCode::InvalidResponse,
                "the pending login has no code verifier",
            );
        };
        let r = self
            .post_form(
                &self.config.endpoints.token,
                &[
                    ("grant_type", "authorization_code"),
                    ("code", code),
                    ("redirect_uri", &pending.redirect_uri),
                    ("client_id", &self.config.client_id),
                    ("code_verifier", verifier.secret()),
                ],
            )
            .await?;
        let tokens = parse_token_response(&answer(&r), self.clock.now_ms())?;
        if Config::wants_openid(&pending.scope) && tokens.id_token.is_none() {
            return fail(
                ErrorCode::InvalidIdToken,
                "the token response has no ID token",
            );
        }
        Ok(tokens)
    }

    fn check_id_token(
        &self,
        tokens: &TokenSet,
        nonce: Option<&str>,
        max_age: Option<u32>,
        flow: crate::core::transaction::Flow,
    ) -> Result<(), AuthError> {
        let Some(id_token) = &tokens.id_token else {
            return Ok(());
        };
        let jwt = decode(id_token)?;
        validate_id_token(
            &jwt,
            &IdTokenCheck {
                issuer: &self.config.issuer,
                client_id: &self.config.client_id,
                nonce,
                now_s: self.clock.now_ms() as f64 / 1000.0,
                skew_s: f64::from(self.config.clock_skew_seconds),
                max_age,
                access_token: Some(&tokens.access_token),
                require_at_hash: flow == crate::core::transaction::Flow::Implicit,
            },
        )
    }

    fn store_tokens(&self, tokens: &TokenSet) -> Result<(), AuthError> {
        self.storage.set(&self.tokens_key(), &tokens.to_json())
    }

    /// The stored token set. A corrupt or foreign entry is removed, never fatal.
    pub fn tokens(&self) -> Option<TokenSet> {
        let key = self.tokens_key();
        let text = self.storage.get(&key)?;
        let parsed = TokenSet::from_json(&text);
        if parsed.is_none() {
            self.storage.remove(&key);
        }
        parsed
    }

    /// The validated claims of the stored ID token, as JSON.
    pub fn id_token_claims(&self) -> Option<Json> {
        let id_token = self.tokens()?.id_token?;
        decode(&id_token).ok().map(|jwt| jwt.claims)
    }

    /// True when a non-expired access token is held.
    pub fn is_authenticated(&self) -> bool {
        self.tokens()
            .is_some_and(|t| t.is_valid_for(self.clock.now_ms(), 0))
    }

    /// A usable access token: the stored one while it has more than
    /// `min_validity_seconds` left, else refreshed first.
    pub async fn access_token(
        &self,
        min_validity_seconds: u32,
        force_refresh: bool,
    ) -> Result<String, AuthError> {
        let Some(tokens) = self.tokens() else {
            return fail(ErrorCode::LoginRequired, "no session: log in first");
        };
        let margin = u64::from(min_validity_seconds) * 1000;
        if !force_refresh && tokens.is_valid_for(self.clock.now_ms(), margin) {
            return Ok(tokens.access_token);
        }
        Ok(self.refresh(&tokens).await?.access_token)
    }

    /// RFC 6749 §6. `invalid_grant` ends the session; any other failure keeps
    /// the tokens, which may still be good.
    pub async fn refresh(&self, current: &TokenSet) -> Result<TokenSet, AuthError> {
        let Some(refresh_token) = &current.refresh_token else {
            return fail(
                ErrorCode::LoginRequired,
                "the access token expired and there is no refresh token",
            );
        };
        let r = self
            .post_form(
                &self.config.endpoints.token,
                &[
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh_token),
                    ("client_id", &self.config.client_id),
                ],
            )
            .await?;
        let tokens = match parse_token_response(&answer(&r), self.clock.now_ms()) {
            Ok(t) => t.merged_over(current),
            Err(e) if e.code() == "invalid_grant" => {
                self.storage.remove(&self.tokens_key());
                let mut login = AuthError::new(
                    ErrorCode::LoginRequired,
                    "the session ended (refresh token refused): log in again",
                );
                login.description = e.description;
                login.status = e.status;
                return Err(login);
            }
            Err(e) => return Err(e),
        };
        // OIDC Core §12.2: a refreshed ID token has no nonce to check.
        self.check_id_token(&tokens, None, None, crate::core::transaction::Flow::Code)?;
        self.store_tokens(&tokens)?;
        Ok(tokens)
    }

    /// The userinfo response (OIDC Core §5.3) as JSON text.
    pub async fn userinfo(&self) -> Result<String, AuthError> {
        let access_token = self
            .access_token(DEFAULT_MIN_VALIDITY_SECONDS, false)
            .await?;
        let r = self
            .http
            .send(HttpRequest {
                url: self.config.endpoints.userinfo.clone(),
                form: None,
                bearer: Some(access_token),
            })
            .await?;
        if !(200..300).contains(&r.status) {
            return Err(error_from_answer(&answer(&r)));
        }
        let j = success_json(&answer(&r))?;
        // OIDC Core §5.3.2: the sub must be the ID token's.
        let id_sub = self
            .id_token_claims()
            .and_then(|c| c.str("sub").map(str::to_string));
        match (j.str("sub"), id_sub) {
            (None, _) => fail(
                ErrorCode::InvalidResponse,
                "the userinfo response has no sub",
            ),
            (Some(a), Some(b)) if a != b => fail(
                ErrorCode::InvalidResponse,
                "the userinfo sub is not the ID token's",
            ),
            _ => Ok(r.body),
        }
    }

    /// Logs out: optionally revokes the tokens (RFC 7009), always clears the
    /// session, and returns the end-session URL to visit when one is configured.
    pub async fn logout(
        &self,
        revoke: bool,
        return_to: Option<&str>,
    ) -> Result<Option<String>, AuthError> {
        let tokens = self.tokens();
        self.storage.remove(&self.tokens_key());
        let Some(tokens) = tokens else {
            return Ok(self.end_session_url(None, return_to));
        };
        if revoke {
            // The refresh token first: revoking it usually ends the grant.
            let pairs = [
                (tokens.refresh_token.as_deref(), "refresh_token"),
                (Some(tokens.access_token.as_str()), "access_token"),
            ];
            for (token, hint) in pairs {
                if let Some(token) = token {
                    let r = self
                        .post_form(
                            &self.config.endpoints.revocation,
                            &[
                                ("token", token),
                                ("token_type_hint", hint),
                                ("client_id", &self.config.client_id),
                            ],
                        )
                        .await?;
                    // RFC 7009 §2.2: 200 whether or not the token was valid.
                    if r.status != 200 {
                        return Err(error_from_answer(&answer(&r)));
                    }
                }
            }
        }
        Ok(self.end_session_url(tokens.id_token.as_deref(), return_to))
    }

    /// OIDC RP-Initiated Logout §2.
    fn end_session_url(&self, id_token: Option<&str>, return_to: Option<&str>) -> Option<String> {
        let endpoint = self.config.endpoints.end_session.as_deref()?;
        let mut pairs = vec![("client_id", self.config.client_id.as_str())];
        if let Some(t) = id_token {
            pairs.push(("id_token_hint", t));
        }
        if let Some(r) = return_to {
            pairs.push(("post_logout_redirect_uri", r));
        }
        Some(with_query(endpoint, &encode_pairs(pairs)))
    }
}
