//! Silent sign-in: a code + PKCE login with `prompt=none` (OIDC Core
//! §3.1.2.1) in a hidden iframe, answered to the app's silent callback page
//! (`silentRedirectUri`), which hands the callback URL back to this page.
//! It renews tokens for apps without refresh tokens, using the provider's
//! session cookie; when the provider has no session it answers
//! `login_required` (or `consent_required`, `interaction_required`) at once.
//!
//! One attempt at a time: concurrent calls in the page share it, and tabs
//! that share a session (`storage: "local"`) take turns under the same Web
//! Lock as refreshes, so a tab that waited uses what the other one got.

use super::Client;
use crate::core::authorize::LoginRequest;
use crate::core::callback::parse_callback;
use crate::core::error::{fail, AuthError, ErrorCode, OAuthErrorCode};
use crate::core::log::Level;
use crate::core::secret::AccessToken;
use crate::core::tokens::TokenSet;
use crate::core::url::check_option_url;
use crate::ports::{Adapters, SilentFrame, Storage, Tabs};

/// Why a silent sign-in runs.
pub enum SilentReason {
    /// The app asked (`loginSilently`): always a new sign-in.
    Asked,
    /// `getAccessToken` needs a new token for the session it holds, which
    /// has no refresh token; `held` is the access token it started from. A
    /// newer, valid set that another tab stored while this one waited for
    /// the lock is used instead.
    Renewing { held: AccessToken },
}

/// Said with `login_required` from a silent sign-in: the usual reason in a
/// signed-in app is a browser that keeps the provider's cookies out of frames.
const NO_SESSION_IN_FRAME: &str = "silent sign-in found no session at the provider: either the user is signed out there, or the browser does not send the provider's session cookie to a hidden iframe (third-party cookies blocked). Sign in with loginWithRedirect or loginWithPopup; to renew tokens without the provider's cookie, ask for refresh tokens (the offline_access scope)";

impl<A: Adapters> Client<A> {
    /// True when the app set `silentRedirectUri`.
    pub fn silent_sign_in_enabled(&self) -> bool {
        self.config.silent_redirect_uri.is_some()
    }

    /// A new token set through a hidden iframe with `prompt=none`; stored and
    /// told to the tabs and the app like a redirect login's. Concurrent calls
    /// share one attempt.
    pub async fn login_silently(&self, reason: SilentReason) -> Result<TokenSet, AuthError> {
        // The session held (whose user a renewal must keep) may still be
        // loading from the app's own store.
        self.storage_ready().await;
        let in_flight = self.silent.borrow().clone();
        if let Some(flight) = in_flight {
            self.log(
                Level::Debug,
                "silent sign-in shared with a call in flight",
                &[],
            );
            return flight.wait().await;
        }
        let attempt = Box::pin(self.silent_across_tabs(reason));
        self.single_flight(&self.silent, "silent sign-in failed", attempt)
            .await
    }

    /// The silent callback page, checked for this page: the frame can only
    /// hand back an answer to a page of its own origin.
    fn silent_redirect_uri(&self) -> Result<String, AuthError> {
        let Some(uri) = self.config.silent_redirect_uri.clone() else {
            return Err(AuthError::option(
                "silentRedirectUri",
                "is needed for silent sign-in: the URL of a page of this app that calls handleRedirectCallback() and that the provider accepts as a redirect URI (such as redirectUri plus a query, /?silent)",
            ));
        };
        let Some(page_origin) = self.adapters.silent_frame().page_origin() else {
            return fail(
                ErrorCode::InvalidOptions,
                "silent sign-in needs a browser page to hold its iframe",
            );
        };
        let same_origin =
            check_option_url(self.adapters.urls(), &uri, "").is_ok_and(|u| u.origin == page_origin);
        if !same_origin {
            return Err(AuthError::option(
                "silentRedirectUri",
                "must be on this page's origin (the hidden iframe hands the answer back to this page)",
            ));
        }
        Ok(uri)
    }

    /// Signs in silently under the session's cross-tab lock.
    async fn silent_across_tabs(&self, reason: SilentReason) -> Result<TokenSet, AuthError> {
        let redirect_uri = self.silent_redirect_uri()?;
        let _guard = self.adapters.tabs().lock().await;
        if let SilentReason::Renewing { held } = &reason {
            // Another tab renewed while this one waited: use its set.
            if let Some(newer) = self.tokens() {
                if newer.access_token != *held && newer.is_valid_for(self.now(), 0) {
                    self.log(
                        Level::Debug,
                        "silent sign-in handed over by another tab",
                        &[],
                    );
                    return Ok(newer);
                }
            }
        }
        self.silent_attempt(redirect_uri).await
    }

    /// One authorization request in the frame, and its answer handled as a
    /// redirect login's (state, issuer, nonce, code exchange, ID token).
    async fn silent_attempt(&self, redirect_uri: String) -> Result<TokenSet, AuthError> {
        let request = LoginRequest {
            prompt: Some("none".into()),
            redirect_uri: Some(redirect_uri),
            ..LoginRequest::default()
        };
        let (url, state) = self.start_login_with_state(&request, None).await?;
        self.log(Level::Debug, "silent sign-in frame loading", &[]);
        let answer = self
            .adapters
            .silent_frame()
            .load(&url, self.config.silent_timeout_ms)
            .await;
        let result = match answer {
            Ok(callback_url) => self.finish_silent(&callback_url, &state).await,
            Err(e) => Err(e),
        };
        // The pending login is used once or not at all: a timed-out or
        // refused attempt leaves nothing behind in storage.
        self.adapters
            .transaction_storage()
            .remove(&self.transaction_key(&state));
        result
    }

    async fn finish_silent(&self, callback_url: &str, state: &str) -> Result<TokenSet, AuthError> {
        // Only this attempt's answer: a frame that hands back another
        // login's response (a forged or stale one) must not consume it.
        if parse_callback(callback_url)?.response.state() != Some(state) {
            return fail(
                ErrorCode::StateMismatch,
                "the silent sign-in frame handed back an answer to another login",
            );
        }
        // As oidc-client-ts's validateSubOnSilentRenew: a session held here
        // is renewed only for its own user. Someone else signed in at the
        // provider (another tab, another app) is no renewal of it.
        let held_sub = self
            .tokens()
            .and_then(|t| t.id_token)
            .and_then(|t| self.read_claims(&t))
            .and_then(|c| c.sub);
        match self.handle_callback_inner(callback_url, held_sub.as_deref()).await {
            Ok(outcome) => Ok(outcome.tokens),
            Err(e) if held_sub.is_some() && e.is(ErrorCode::LoginRequired) => Err(e.with_message(
                "silent sign-in found another user signed in at the provider: this session was kept; sign in again to switch users",
            )),
            Err(e) => Err(explain(e)),
        }
    }
}

/// The provider's "the user must be there" answers (OIDC Core §3.1.2.6),
/// with what to do about each; their codes and descriptions stay.
fn explain(e: AuthError) -> AuthError {
    match e.server_code() {
        Some(OAuthErrorCode::LoginRequired) => e.with_message(NO_SESSION_IN_FRAME),
        Some(OAuthErrorCode::ConsentRequired) => e.with_message(
            "silent sign-in needs the user's consent first: sign in with loginWithRedirect or loginWithPopup",
        ),
        Some(OAuthErrorCode::InteractionRequired) => e.with_message(
            "silent sign-in needs the user at the provider: sign in with loginWithRedirect or loginWithPopup",
        ),
        _ => e,
    }
}
