//! `auth.fetch`'s sending: the app's `fetch` arguments read as a `Request`
//! by the engine, and each attempt sent by `fetch` with the credentials the
//! client chose (web.js, one function per operation). The `Response` goes
//! back to the app untouched.

use crate::client::{ApiAnswer, ApiCredentials};
use crate::core::error::{AuthError, ErrorCode};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(module = "/src/browser/web.js")]
extern "C" {
    /// `{ request, replayable }`, or `{ error }`.
    #[wasm_bindgen(js_name = apiRequest)]
    fn api_request(input: &JsValue, init: &JsValue) -> JsValue;
    /// Resolves to `{ response, status, challenge, nonce }` or `{ failed }`.
    #[wasm_bindgen(js_name = apiSend)]
    fn api_send(request: &JsValue, authorization: &str, proof: Option<String>) -> js_sys::Promise;
}

fn member(object: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(object, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// The app's request, ready to be sent once or more.
pub struct ApiRequest {
    request: web_sys::Request,
    /// False for a body given as a stream: it cannot be sent twice.
    pub replayable: bool,
}

impl ApiRequest {
    /// Reads `fetch`'s arguments; `invalid_options` when fetch would refuse them.
    pub fn open(input: &JsValue, init: &JsValue) -> Result<ApiRequest, AuthError> {
        let read = api_request(input, init);
        let request = member(&read, "request");
        if !request.is_object() {
            return Err(AuthError::new(
                ErrorCode::InvalidOptions,
                "auth.fetch was given what fetch would refuse (input, init)",
            ));
        }
        Ok(ApiRequest {
            request: request.unchecked_into(),
            replayable: member(&read, "replayable").is_truthy(),
        })
    }

    /// The method, upper case as `Request` normalizes the standard ones.
    pub fn method(&self) -> String {
        self.request.method()
    }

    /// The absolute URL.
    pub fn url(&self) -> String {
        self.request.url()
    }

    /// Sends one attempt with `credentials`.
    pub async fn send(&self, credentials: ApiCredentials) -> Result<ApiAnswer<JsValue>, AuthError> {
        let answer = JsFuture::from(api_send(
            &self.request,
            &credentials.authorization,
            credentials.dpop,
        ))
        .await
        .unwrap_or(JsValue::UNDEFINED);
        // Our own web.js object: each member is read as the type it is given.
        let failed = member(&answer, "failed").as_string();
        let status = member(&answer, "status").as_f64();
        match (failed.as_deref(), status) {
            (Some("AbortError"), _) => Err(AuthError::new(
                ErrorCode::Aborted,
                "the request was aborted",
            )),
            (None, Some(status)) => Ok(ApiAnswer {
                status: status as u16,
                www_authenticate: member(&answer, "challenge").as_string(),
                dpop_nonce: member(&answer, "nonce").as_string(),
                response: member(&answer, "response"),
            }),
            _ => Err(AuthError::new(
                ErrorCode::NetworkError,
                "the request got no response (network or CORS failure)",
            )),
        }
    }
}
