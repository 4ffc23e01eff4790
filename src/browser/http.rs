//! HTTP over the global `fetch` (window, worker or Node 18+ alike), with a
//! timeout through `AbortController`.

use super::{clear_timeout, set_timeout};
use crate::core::error::{AuthError, ErrorCode};
use crate::ports::{Http, HttpRequest, HttpResponse};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

/// How long a request may take before it fails with `timeout`.
pub const DEFAULT_TIMEOUT_MS: u32 = 30_000;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(input: &web_sys::Request) -> Promise;
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

fn build(
    request: &HttpRequest,
    signal: &web_sys::AbortSignal,
) -> Result<web_sys::Request, JsValue> {
    let init = web_sys::RequestInit::new();
    init.set_signal(Some(signal));
    // Never send cookies or a referrer to the provider from these calls.
    init.set_credentials(web_sys::RequestCredentials::Omit);
    init.set_referrer_policy(web_sys::ReferrerPolicy::NoReferrer);
    let headers = web_sys::Headers::new()?;
    headers.set("Accept", "application/json")?;
    if let Some(form) = &request.form {
        init.set_method("POST");
        headers.set("Content-Type", "application/x-www-form-urlencoded")?;
        init.set_body(&JsValue::from_str(form));
    } else {
        init.set_method("GET");
    }
    if let Some(token) = &request.bearer {
        headers.set("Authorization", &["Bearer ", token].concat())?;
    }
    init.set_headers(&headers);
    web_sys::Request::new_with_str_and_init(&request.url, &init)
}

impl Http for FetchHttp {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, AuthError> {
        let controller = web_sys::AbortController::new().map_err(|_| network_error())?;
        let signal = controller.signal();
        let req = build(&request, &signal).map_err(|_| network_error())?;
        let abort = Closure::once_into_js(move || controller.abort());
        let timer = set_timeout(abort.unchecked_ref(), self.timeout_ms);
        let result = async {
            let response: web_sys::Response = JsFuture::from(global_fetch(&req))
                .await
                .map_err(|_| ())?
                .unchecked_into();
            let body = JsFuture::from(response.text().map_err(|_| ())?)
                .await
                .map_err(|_| ())?
                .as_string()
                .unwrap_or_default();
            Ok::<_, ()>((response, body))
        }
        .await;
        clear_timeout(&timer);
        let (response, body) = result.map_err(|_| {
            if signal.aborted() {
                AuthError::new(ErrorCode::Timeout, "the request timed out")
            } else {
                network_error()
            }
        })?;
        let date_ms = response
            .headers()
            .get("date")
            .ok()
            .flatten()
            .map(|d| js_sys::Date::parse(&d))
            .filter(|ms| ms.is_finite() && *ms > 0.0)
            .map(|ms| ms as u64);
        Ok(HttpResponse {
            status: response.status(),
            body,
            date_ms,
        })
    }
}
