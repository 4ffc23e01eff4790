//! The engine's own WHATWG `URL` (web-sys) as the SDK's URL parser: the
//! browser reads every URL exactly as it will use it, and the `.wasm`
//! carries no URL parser of its own.

use crate::core::url::{UrlParser, WebUrl};

/// `new URL(text)`.
#[derive(Clone, Copy, Default)]
pub struct EngineUrl;

impl UrlParser for EngineUrl {
    fn parse(&self, text: &str) -> Option<WebUrl> {
        let url = web_sys::Url::new(text).ok()?;
        Some(WebUrl {
            protocol: url.protocol(),
            hostname: url.hostname(),
            origin: url.origin(),
            pathname: url.pathname(),
            has_credentials: !url.username().is_empty() || !url.password().is_empty(),
            has_query: url.search().len() > 1,
            has_fragment: url.hash().len() > 1,
        })
    }
}
