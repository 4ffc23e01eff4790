//! HTTP over the global `fetch` (window, worker or Node 18+ alike), with a
//! timeout through `AbortController`, both in `web.js`.

use crate::core::error::{AuthError, ErrorCode};
use crate::ports::{Http, HttpRequest, HttpResponse};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// How long a request may take before it fails with `timeout`.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;

#[wasm_bindgen(module = "/src/browser/web.js")]
extern "C" {
    /// Resolves to `[status, body, dateMs]`, `[0]` (no response), `[-1]`
    /// (timed out) or `[-2]` (`signal` aborted it).
    #[wasm_bindgen(js_name = send)]
    fn fetch_text(
        url: &str,
        form: Option<&str>,
        bearer: Option<&str>,
        timeout_ms: u32,
        signal: Option<&web_sys::AbortSignal>,
    ) -> Promise;
}

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
    fn send(
        &self,
        request: HttpRequest,
    ) -> impl std::future::Future<Output = Result<HttpResponse, AuthError>> {
        self.send_until(request, None)
    }
}

impl FetchHttp {
    /// Sends `request`; when `signal` aborts first, the request is cancelled
    /// and the result is `aborted`.
    pub async fn send_until(
        &self,
        request: HttpRequest,
        signal: Option<&web_sys::AbortSignal>,
    ) -> Result<HttpResponse, AuthError> {
        let answer: js_sys::Array = JsFuture::from(fetch_text(
            &request.url,
            request.form.as_deref(),
            request.bearer.as_deref(),
            self.timeout_ms,
            signal,
        ))
        .await
        .map(JsCast::unchecked_into)
        .map_err(|_| network_error())?;
        let status = answer.get(0).as_f64().unwrap_or(0.0);
        if status == -2.0 {
            return Err(AuthError::new(
                ErrorCode::Aborted,
                "the request was aborted",
            ));
        }
        if status == -1.0 {
            return Err(AuthError::new(ErrorCode::Timeout, "the request timed out"));
        }
        if status < 1.0 {
            return Err(network_error());
        }
        let date_ms = answer
            .get(2)
            .as_f64()
            .filter(|ms| ms.is_finite() && *ms > 0.0)
            .map(|ms| ms as u64);
        Ok(HttpResponse {
            status: status as u16,
            body: answer.get(1).as_string().unwrap_or_default(),
            date_ms,
        })
    }
}
