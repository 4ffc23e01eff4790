//! The token request with the session's refresh token (RFC 6749 §6), for
//! the session's own tokens or for one API's (RFC 8707). Both run it under
//! the refresh-token turn and the cross-tab lock, and both must end alike:
//! a refused refresh token ends the session (unless the session has moved on
//! to another one meanwhile), a failure of any other kind keeps the tokens,
//! which may still be good, a rotated refresh token goes into the session
//! before the lock is released, and what arrives after a logout is revoked.

use super::Client;
use crate::core::error::{fail, AuthError, ErrorCode, OAuthErrorCode};
use crate::core::log::Level;
use crate::core::resource::{api_token_answer, ApiTokenRequest};
use crate::core::secret::RefreshToken;
use crate::core::tokens::{token_set, TokenResponse, TokenSet};
use crate::ports::Adapters;

/// What a request with the session's refresh token asks for.
#[derive(Clone, Copy)]
pub(super) enum RefreshFor<'a> {
    /// The session's own tokens: the answer replaces them (what it leaves
    /// out is kept), after its new ID token, if any, is checked.
    Session,
    /// One API's access token: the answer is the caller's to cache, and
    /// only a rotated refresh token goes into the session.
    Api(&'a ApiTokenRequest),
}

impl<A: Adapters> Client<A> {
    /// Sends `refresh_token`, `session`'s, to the token endpoint for
    /// `purpose` (with `dpop`, proved by the key in use) and returns the new
    /// tokens: for the session its new set (already stored), for an API its
    /// token (without a refresh or ID token).
    pub(super) async fn redeem_refresh_token(
        &self,
        session: &TokenSet,
        refresh_token: &RefreshToken,
        purpose: RefreshFor<'_>,
    ) -> Result<TokenSet, AuthError> {
        let endpoints = self.endpoints().await?;
        // Held to the end: what the answer brings is bound to this key, and
        // is revoked with its proof should a logout come first.
        let key = self.dpop_key().await?;
        let client_id = &self.config.client_id;
        let form = match purpose {
            RefreshFor::Session => {
                self.log(Level::Debug, "refresh started", &[]);
                vec![
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh_token.secret()),
                    ("client_id", client_id.as_str()),
                ]
            }
            // No field names the API: the request line that follows names
            // the token endpoint, and the resource and scope are the app's own.
            RefreshFor::Api(request) => {
                self.log(Level::Debug, "API token requested", &[]);
                request.refresh_form(refresh_token, client_id)
            }
        };
        let r = self
            .post_token_form(&endpoints.token, &form, key.as_ref())
            .await?;
        let now = self.now();
        self.track_date(&r, now);
        // The new tokens, and the session's new refresh token when the
        // provider rotated it.
        let answer = self.read_answer::<TokenResponse>(&r).and_then(|t| {
            let token_type = self.token_type();
            match purpose {
                RefreshFor::Session => {
                    let tokens = token_set(t, now, token_type)?.merged_over(session);
                    let rotated = tokens
                        .refresh_token
                        .clone()
                        .filter(|r| Some(r) != session.refresh_token.as_ref());
                    Ok((tokens, rotated))
                }
                RefreshFor::Api(_) => api_token_answer(t, now, token_type, refresh_token)
                    .map(|a| (a.token, a.rotated)),
            }
        });
        let (tokens, rotated) = match answer {
            Ok(a) => a,
            // The refresh token was refused. Any other error (a network
            // failure, a server error; for an API `invalid_target` or
            // `invalid_scope`) keeps the session.
            Err(e) if e.server_code() == Some(&OAuthErrorCode::InvalidGrant) => {
                return match (self.tokens(), purpose) {
                    // The session ended while the request was in flight: the
                    // logout decided, there is nothing left to end.
                    (None, _) => fail(
                        ErrorCode::LoginRequired,
                        "the session ended while refreshing",
                    ),
                    // Another client over the same storage rotated the
                    // refresh token meanwhile: the refusal was of the old
                    // one, and the session goes on with its newer set.
                    (Some(newer), RefreshFor::Session)
                        if newer.refresh_token != session.refresh_token =>
                    {
                        self.log(Level::Debug, "refresh handed over by another tab", &[]);
                        Ok(newer)
                    }
                    // The same, for an API: the newer set holds no token of
                    // that API, so the refusal is the answer.
                    (Some(newer), RefreshFor::Api(_))
                        if newer.refresh_token != session.refresh_token =>
                    {
                        Err(e)
                    }
                    (Some(_), _) => Err(self.end_refused_session(&e)),
                };
            }
            Err(e) => return Err(e),
        };
        if let RefreshFor::Session = purpose {
            self.check_refreshed_id_token(session, &tokens, rotated.as_ref())
                .await?;
        }
        // A logout (or a new login) while the request was in flight wins.
        if !self.still_current(session) {
            // Its answer belongs to no session now: revoke what it created
            // (RFC 7009, best effort) instead of leaving live tokens behind.
            // A refresh token it did not rotate is the ended session's own:
            // the logout decided about that one.
            let mut orphan = tokens;
            orphan.refresh_token = rotated;
            let revoked = self
                .revoke(&endpoints.revocation, &orphan, key.as_ref())
                .await;
            if let Err(e) = revoked {
                self.log_warning("revocation failed", &e);
            }
            return fail(
                ErrorCode::LoginRequired,
                "the session ended while refreshing",
            );
        }
        match purpose {
            RefreshFor::Session => self.store_tokens(&tokens),
            RefreshFor::Api(_) => {
                if let Some(rotated) = rotated {
                    let mut session = session.clone();
                    session.refresh_token = Some(rotated);
                    self.log(
                        Level::Debug,
                        "refresh token rotated for an API handed to the session",
                        &[],
                    );
                    self.store_tokens(&session);
                }
            }
        }
        Ok(tokens)
    }
}
