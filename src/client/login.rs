//! Starting a login and handling the provider's answer.

use super::{form_request, Client};
use crate::core::authorize::{
    authorize_url, begin_login, pushed_authorize_url, ImplicitType, LoginRequest,
    PushedAuthorizationResponse, ReturnTo, LOGIN_ENTROPY,
};
use crate::core::callback::{parse_callback, AuthorizationResponse, ResponseLocation};
use crate::core::error::{fail, AuthError, ErrorCode, OAuthErrorCode};
use crate::core::keys;
use crate::core::log::Level;
use crate::core::secret::AccessToken;
use crate::core::tokens::{implicit_token_set, token_set, TokenResponse, TokenSet};
use crate::core::transaction::{Flow, PendingLogin, StoredLogin, LIFETIME_MS};
use crate::ports::{Adapters, Event, Events, Random, Storage};

/// What a handled callback gives the app.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CallbackOutcome {
    /// The `appState` given at login, as JSON text.
    pub app_state: Option<String>,
    pub tokens: TokenSet,
}

/// The authorization errors (RFC 6749 §4.1.2.1, OIDC Core §3.1.2.6, RFC
/// 9126 §4) a response without `state` may report.
fn is_authorization_error(code: &OAuthErrorCode) -> bool {
    use OAuthErrorCode::*;
    matches!(
        code,
        InvalidRequest
            | UnauthorizedClient
            | AccessDenied
            | UnsupportedResponseType
            | InvalidScope
            | ServerError
            | TemporarilyUnavailable
            | InteractionRequired
            | LoginRequired
            | AccountSelectionRequired
            | ConsentRequired
            | InvalidRequestUri
            | InvalidRequestObject
    )
}

impl<A: Adapters> Client<A> {
    pub(super) fn transaction_key(&self, state: &str) -> String {
        self.key(&keys::transaction(state))
    }

    fn read_pending(&self, text: &str) -> Option<PendingLogin> {
        PendingLogin::from_stored(self.read_json::<StoredLogin>(text)?)
    }

    /// Removes pending logins that are expired or unreadable, so abandoned
    /// logins do not pile up in storage.
    fn sweep_transactions(&self, now_ms: u64) {
        let store = self.adapters.transaction_storage();
        for key in store.keys_with_prefix(&self.key("tx:")) {
            let keep = store
                .get(&key)
                .and_then(|v| self.read_pending(&v))
                .is_some_and(|p| now_ms.saturating_sub(p.created_at_ms) <= LIFETIME_MS);
            if !keep {
                store.remove(&key);
            }
        }
    }

    /// Starts a login: stores the pending login and returns the URL to send
    /// the browser to. With `usePar` the request is pushed first (RFC 9126).
    pub async fn start_login(
        &self,
        request: &LoginRequest,
        implicit: Option<ImplicitType>,
    ) -> Result<String, AuthError> {
        Ok(self.start_login_with_state(request, implicit).await?.0)
    }

    /// [`Client::start_login`], also answering the login's `state`, by which
    /// the caller can tell its answer from any other.
    pub(super) async fn start_login_with_state(
        &self,
        request: &LoginRequest,
        implicit: Option<ImplicitType>,
    ) -> Result<(String, String), AuthError> {
        if implicit.is_some() && self.config.dpop {
            // Implicit tokens come without a token request to prove the key
            // at: they would be bearer tokens, which `dpop` promises not to hold.
            return fail(
                ErrorCode::InvalidOptions,
                "implicit login cannot bind tokens to a DPoP key: use loginWithRedirect",
            );
        }
        let now = self.now();
        let mut entropy = [0u8; LOGIN_ENTROPY];
        self.adapters.random().fill(&mut entropy)?;
        // The app's state as its own JSON.parse will read it after the login.
        let return_to = match &request.app_state {
            None => ReturnTo::Absent,
            Some(text) => self.read_json(text).unwrap_or(ReturnTo::Unreadable),
        };
        let (pending, mut params) = begin_login(
            &self.config,
            request,
            &return_to,
            self.adapters.urls(),
            implicit,
            &entropy,
            now,
        )?;
        self.sweep_transactions(now);
        if self.config.dpop {
            // RFC 9449 §10: the code is bound to the key that will redeem it.
            params.push(("dpop_jkt".into(), self.dpop_jkt().await?));
        }
        let endpoints = self.endpoints().await?;
        let url = if self.config.use_par {
            self.push_authorization_request(
                &endpoints.pushed_authorization,
                &endpoints.authorization,
                &params,
            )
            .await?
        } else {
            authorize_url(&endpoints.authorization, &params)
        };
        let record = self.write_json(&pending.to_stored()).ok_or_else(|| {
            AuthError::new(
                ErrorCode::InvalidOptions,
                "the login could not be written down (appState must be JSON)",
            )
        })?;
        self.adapters
            .transaction_storage()
            .set(&self.transaction_key(&pending.state), &record)?;
        self.log(Level::Debug, "login started", &[]);
        Ok((url, pending.state))
    }

    /// RFC 9126 §2: POST the request, then send the browser with only
    /// `client_id` and `request_uri`.
    async fn push_authorization_request(
        &self,
        par_endpoint: &str,
        authorization_endpoint: &str,
        params: &[(String, String)],
    ) -> Result<String, AuthError> {
        let request = form_request(par_endpoint, params);
        let r = self.send_to_token_endpoint(request, None, None).await?;
        let pushed = self.read_answer::<PushedAuthorizationResponse>(&r)?;
        pushed_authorize_url(authorization_endpoint, &self.config.client_id, pushed)
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
        let stored = self.adapters.transaction_storage().get(&key);
        // Used once: removed before anything else can fail, so a replayed
        // callback finds nothing (RFC 6749 §10.5, §10.12).
        self.adapters.transaction_storage().remove(&key);
        let pending = stored
            .as_deref()
            .and_then(|text| self.read_pending(text))
            .or_else(|| self.take_legacy_pending(state));
        match pending {
            Some(p) if p.state == state => Ok(p),
            _ if self
                .adapters
                .transaction_storage()
                .keys_with_prefix(&self.key("tx:"))
                .is_empty() =>
            {
                fail(
                    ErrorCode::MissingTransaction,
                    "no login is pending in this browser (already handled, or never started here)",
                )
            }
            _ => fail(
                ErrorCode::StateMismatch,
                "the response's state matches no pending login",
            ),
        }
    }

    /// A pending login with `state` stored by a release before v2 of the key
    /// names (a login under way while the app was updated), taken once. Only
    /// an entry that reads as that very login is removed: under the old names
    /// its key could also be another client's entry (a client id ending in
    /// `:tx`, and a forged `state`).
    fn take_legacy_pending(&self, state: &str) -> Option<PendingLogin> {
        let legacy = keys::legacy_namespace(&self.config.client_id);
        let key = keys::key(&legacy, &keys::transaction(state));
        let store = self.adapters.transaction_storage();
        let pending = self
            .read_pending(&store.get(&key)?)
            .filter(|p| p.state == state)?;
        store.remove(&key);
        Some(pending)
    }

    /// Handles the authorization response in `url`: checks it against the
    /// pending login, exchanges the code, validates and stores the tokens.
    pub async fn handle_callback(&self, url: &str) -> Result<CallbackOutcome, AuthError> {
        self.storage_ready().await;
        let result = self.handle_callback_inner(url, None).await;
        match &result {
            Ok(_) => self.log(Level::Debug, "callback handled", &[]),
            Err(e) => {
                self.log_failure("callback failed", e);
                self.adapters.events().emit(Event::Error(e));
            }
        }
        result
    }

    /// `sub`, when given, is the user the ID token must name (a renewal of
    /// that user's session).
    pub(super) async fn handle_callback_inner(
        &self,
        url: &str,
        sub: Option<&str>,
    ) -> Result<CallbackOutcome, AuthError> {
        let callback = parse_callback(url)?;
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
        // RFC 9207 §2.4: a provider whose metadata says it always sends
        // `iss` must have sent it (a mix-up attack would strip it).
        if callback.response.iss().is_none()
            && self.config.discovery
            && self.endpoints().await?.requires_iss
        {
            return fail(
                ErrorCode::IssuerMismatch,
                "the response does not name its issuer, which this provider always does",
            );
        }
        // An error naming our issuer but no state (the provider could not
        // know it: an expired or used PAR request_uri) is reported; it changes
        // nothing, and the pending login simply expires. Anyone can write
        // such a link, so only an authorization error code comes through,
        // never its free text.
        if let AuthorizationResponse::Error {
            error,
            state: None,
            iss: Some(_),
            ..
        } = &callback.response
        {
            let known = OAuthErrorCode::parse(error).is_some_and(|c| is_authorization_error(&c));
            return Err(if known {
                AuthError::oauth(error, None, None)
            } else {
                AuthError::new(
                    ErrorCode::StateMismatch,
                    "the authorization response has no state",
                )
            });
        }
        let pending = self.take_pending(callback.response.state())?;
        let now = self.now();
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
        let implicit = pending.flow == Flow::Implicit;
        let tokens = match callback.response {
            AuthorizationResponse::Error {
                error, description, ..
            } => return Err(AuthError::oauth(&error, description.as_deref(), None)),
            AuthorizationResponse::Code { .. } if implicit => {
                return fail(
                    ErrorCode::InvalidResponse,
                    "a code came back for an implicit login",
                )
            }
            AuthorizationResponse::Code { code, .. } => {
                self.exchange_code(code.secret(), &pending).await?
            }
            AuthorizationResponse::Tokens { .. } if !implicit => {
                return fail(
                    ErrorCode::InvalidResponse,
                    "tokens came back for a code login",
                )
            }
            AuthorizationResponse::Tokens {
                access_token,
                token_type,
                expires_in,
                scope,
                id_token,
                ..
            } => implicit_token_set(
                access_token.as_ref().map(AccessToken::secret),
                token_type.as_deref(),
                expires_in.as_deref(),
                scope.as_deref(),
                id_token.as_deref(),
                now,
            )?,
        };
        if pending.nonce.is_some() && tokens.id_token.is_none() {
            return fail(ErrorCode::InvalidIdToken, "the response has no ID token");
        }
        self.check_id_token(
            &tokens,
            pending.nonce.as_deref(),
            pending.max_age,
            implicit,
            sub,
        )
        .await?;
        // A new session: no per-API token of the one before is served in it.
        self.take_api_tokens();
        self.store_tokens(&tokens);
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
        let endpoints = self.endpoints().await?;
        let r = self
            .post_token_form(
                &endpoints.token,
                &[
                    ("grant_type", "authorization_code"),
                    ("code", code),
                    ("redirect_uri", &pending.redirect_uri),
                    ("client_id", &self.config.client_id),
                    ("code_verifier", verifier.secret()),
                ],
                None,
            )
            .await?;
        let now = self.now();
        self.track_date(&r, now);
        token_set(
            self.read_answer::<TokenResponse>(&r)?,
            now,
            self.token_type(),
        )
    }
}
