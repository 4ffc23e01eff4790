//! The engine's own WHATWG `URL` as the SDK's URL parser: the browser reads
//! every URL exactly as it will use it, and the `.wasm` carries no URL parser
//! of its own. One `web.js` call reads all the parts (web-sys would make a
//! JavaScript import per getter).

use crate::core::url::{UrlParser, WebUrl};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/browser/web.js")]
extern "C" {
    /// `new URL(text)`'s protocol, hostname, origin, pathname, username,
    /// password, search and hash; null when `text` is not an absolute URL.
    #[wasm_bindgen(js_name = urlParts)]
    fn url_parts(text: &str) -> Option<js_sys::Array>;
}

/// `new URL(text)`.
#[derive(Clone, Copy, Default)]
pub struct EngineUrl;

impl UrlParser for EngineUrl {
    fn parse(&self, text: &str) -> Option<WebUrl> {
        let parts = url_parts(text)?;
        let part = |i: u32| parts.get(i).as_string().unwrap_or_default();
        Some(WebUrl {
            protocol: part(0),
            hostname: part(1),
            origin: part(2),
            pathname: part(3),
            has_credentials: !part(4).is_empty() || !part(5).is_empty(),
            has_query: part(6).len() > 1,
            has_fragment: part(7).len() > 1,
        })
    }
}
