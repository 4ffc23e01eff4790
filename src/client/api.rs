//! `auth.fetch`: the app's requests to its own APIs, with the access token
//! (and with `dpop`, a proof of the key, RFC 9449 §7) added for the origins
//! the app allowed (`apiOrigins`) and for no other. The runtime sends; this
//! decides what goes with each attempt and whether to send again (once for a
//! new `DPoP-Nonce`, once after a refresh for `invalid_token`).

use super::{Client, DEFAULT_MIN_VALIDITY_SECONDS};
use crate::core::dpop::{api_retry, ApiRetry};
use crate::core::error::{fail, AuthError, ErrorCode};
use crate::core::url::origin_of;
use crate::ports::Adapters;
use std::future::Future;

/// What goes with one attempt: the `Authorization` header value and, with
/// `dpop`, the `DPoP` proof. Its `Debug` shows neither.
pub struct ApiCredentials {
    pub authorization: String,
    pub dpop: Option<String>,
}

impl core::fmt::Debug for ApiCredentials {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("ApiCredentials([redacted])")
    }
}

/// A resource server's answer as the runtime's sender reports it; `response`
/// is what the app gets.
pub struct ApiAnswer<R> {
    pub status: u16,
    pub www_authenticate: Option<String>,
    pub dpop_nonce: Option<String>,
    pub response: R,
}

impl<A: Adapters> Client<A> {
    /// Sends `method` `url` through `send` with the session's access token
    /// (refreshed first when near expiry), when `url`'s origin is one of
    /// `apiOrigins`. A `401` asking for a DPoP nonce is sent once more with
    /// it; a `401 invalid_token` once more after a refresh; a body that
    /// cannot be sent twice (`replayable` false: a stream) is never sent
    /// again, and the error says so.
    pub async fn api_fetch<R, F, Fut>(
        &self,
        method: &str,
        url: &str,
        replayable: bool,
        send: F,
    ) -> Result<R, AuthError>
    where
        F: Fn(ApiCredentials) -> Fut,
        Fut: Future<Output = Result<ApiAnswer<R>, AuthError>>,
    {
        let Some(origin) = origin_of(self.adapters.urls(), url)
            .filter(|origin| self.config.api_origins.contains(origin))
        else {
            return fail(
                ErrorCode::InvalidOptions,
                "auth.fetch sends the access token only to the origins in apiOrigins",
            );
        };
        let scheme = self.token_type().name();
        let (mut nonce_retried, mut refreshed, mut force_refresh) = (false, false, false);
        loop {
            let token = self
                .access_token(DEFAULT_MIN_VALIDITY_SECONDS, force_refresh)
                .await?;
            force_refresh = false;
            let dpop = match self.config.dpop {
                true => Some(self.dpop_proof(method, url, Some(&token), None).await?),
                false => None,
            };
            let answer = send(ApiCredentials {
                authorization: format!("{scheme} {}", token.secret()),
                dpop,
            })
            .await?;
            let new_nonce = self.config.dpop
                && answer
                    .dpop_nonce
                    .as_deref()
                    .is_some_and(|n| self.dpop_nonces.borrow_mut().remember(&origin, n));
            let again = match api_retry(
                answer.status,
                answer.www_authenticate.as_deref(),
                scheme,
                new_nonce,
            ) {
                ApiRetry::WithNonce if !nonce_retried => {
                    nonce_retried = true;
                    true
                }
                ApiRetry::AfterRefresh if !refreshed => {
                    (refreshed, force_refresh) = (true, true);
                    true
                }
                _ => false,
            };
            if !again {
                return Ok(answer.response);
            }
            if !replayable {
                return fail(
                    ErrorCode::InvalidOptions,
                    "the API asked for the request again, but its body is a stream, which cannot be sent twice: pass the body as a string, Blob, FormData or buffer",
                );
            }
        }
    }
}
