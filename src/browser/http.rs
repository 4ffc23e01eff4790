//! HTTP through gloo-net (the global `fetch`: window, worker and Node 18+
//! alike). Every request the SDK makes goes to the provider with a secret or
//! a token in it, so each one:
//! - refuses redirects (`redirect: "manual"`; a 3xx is `invalid_response`),
//!   so a `code_verifier` or a refresh token is never re-posted elsewhere;
//! - bypasses the HTTP cache (`cache: "no-store"`);
//! - sends no cookies and no referrer;
//! - gives up after the timeout (`AbortSignal.timeout`), or when the app's
//!   signal aborts (`AbortSignal.any`).

use super::SignalAbort;
use crate::core::error::{AuthError, ErrorCode};
use crate::ports::{Http, HttpRequest, HttpResponse};
use gloo_net::http::{Method, RequestBuilder};
use web_sys::{AbortSignal, ReferrerPolicy, RequestCache, RequestCredentials, RequestRedirect};

/// How long a request may take before it fails with `timeout`.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;

/// The fetch adapter.
pub struct FetchHttp {
    pub timeout_ms: u32,
}

impl Default for FetchHttp {
    fn default() -> Self {
        FetchHttp {
            timeout_ms: DEFAULT_TIMEOUT_MS,
        }
    }
}

fn network_error() -> AuthError {
    AuthError::new(
        ErrorCode::NetworkError,
        "the request got no response (network or CORS failure)",
    )
}

impl Http for FetchHttp {
    type Abort = SignalAbort;

    /// The app's `AbortSignal`, when given, is linked to the request's own
    /// (`AbortSignal.any`), so aborting cancels the `fetch` itself.
    fn send(
        &self,
        request: HttpRequest,
        abort: Option<&SignalAbort>,
    ) -> impl std::future::Future<Output = Result<HttpResponse, AuthError>> {
        self.send_until(request, abort.and_then(|a| a.0.as_ref()))
    }
}

impl FetchHttp {
    /// Sends `request`; when `signal` aborts first, the request is cancelled
    /// and the result is `aborted`.
    pub async fn send_until(
        &self,
        request: HttpRequest,
        signal: Option<&AbortSignal>,
    ) -> Result<HttpResponse, AuthError> {
        if signal.is_some_and(AbortSignal::aborted) {
            return Err(aborted());
        }
        let timeout = AbortSignal::timeout_with_u32(self.timeout_ms);
        let until = match signal {
            Some(app) => AbortSignal::any(&js_sys::Array::of2(&timeout, app)),
            None => timeout.clone(),
        };
        let mut builder = RequestBuilder::new(&request.url)
            .method(if request.form.is_some() {
                Method::POST
            } else {
                Method::GET
            })
            .header("Accept", "application/json")
            .redirect(RequestRedirect::Manual)
            .cache(RequestCache::NoStore)
            .credentials(RequestCredentials::Omit)
            .referrer_policy(ReferrerPolicy::NoReferrer)
            .abort_signal(Some(&until));
        // RFC 9449 §7.1: a DPoP-bound token goes with the `DPoP` scheme.
        let scheme = if request.dpop.is_some() {
            "DPoP"
        } else {
            "Bearer"
        };
        if let Some(token) = &request.bearer {
            builder = builder.header("Authorization", &format!("{scheme} {token}"));
        }
        if let Some(proof) = &request.dpop {
            builder = builder.header("DPoP", proof);
        }
        let built = match request.form {
            Some(form) => builder
                .header("Content-Type", "application/x-www-form-urlencoded")
                .body(form),
            None => builder.build(),
        };
        let sent = match built {
            Ok(r) => r.send().await,
            Err(_) => return Err(network_error()),
        };
        let response = match sent {
            Ok(r) => r,
            Err(_) if signal.is_some_and(AbortSignal::aborted) => return Err(aborted()),
            Err(_) if timeout.aborted() => return Err(timed_out()),
            Err(_) => return Err(network_error()),
        };
        // A browser hides a manual redirect as an opaque one (status 0); Node
        // shows the 3xx itself. Neither is followed.
        let status = response.status();
        if response.type_() == web_sys::ResponseType::Opaqueredirect || (300..400).contains(&status)
        {
            return Err(AuthError::new(
                ErrorCode::InvalidResponse,
                "the server answered with a redirect, which the SDK never follows",
            )
            .with_status(status));
        }
        let date_ms = response
            .headers()
            .get("date")
            .map(|d| js_sys::Date::parse(&d))
            .filter(|ms| ms.is_finite() && *ms > 0.0)
            .map(|ms| ms as u64);
        // A cross-origin server must list it in Access-Control-Expose-Headers.
        let dpop_nonce = response.headers().get("dpop-nonce");
        let body = match response.text().await {
            Ok(body) => body,
            Err(_) if signal.is_some_and(AbortSignal::aborted) => return Err(aborted()),
            Err(_) if timeout.aborted() => return Err(timed_out()),
            Err(_) => return Err(network_error()),
        };
        Ok(HttpResponse {
            status,
            body,
            date_ms,
            dpop_nonce,
        })
    }
}

fn aborted() -> AuthError {
    AuthError::new(ErrorCode::Aborted, "the request was aborted")
}

fn timed_out() -> AuthError {
    AuthError::new(ErrorCode::Timeout, "the request timed out")
}
