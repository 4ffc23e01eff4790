//! The URLs the SDK is configured with and handed, as a WHATWG URL parser
//! reads them (the URL Standard, as browsers read them): checking option
//! URLs, origins, and appending parameters.
//!
//! The parsing itself is a port ([`UrlParser`]): in the browser build it is
//! the engine's own `URL` (through `web.js`), natively the `url` crate
//! ([`WhatwgUrl`]), both implementations of the same standard. The checks
//! here run on what either one read.

use super::error::{fail, AuthError, ErrorCode};
use std::net::Ipv4Addr;

/// An absolute URL as a WHATWG parser serialized its parts.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct WebUrl {
    /// `https:`, `http:`, ...
    pub protocol: String,
    /// The host without port: `auth.example`, `127.0.0.1`, `[::1]`.
    pub hostname: String,
    /// `https://app.example:8443`, or `null` for an opaque origin.
    pub origin: String,
    /// The path, percent-encoded as serialized: `/api/v1/oauth/token`.
    pub pathname: String,
    /// A user name or password (`https://good@evil/`).
    pub has_credentials: bool,
    /// A non-empty query.
    pub has_query: bool,
    /// A non-empty fragment.
    pub has_fragment: bool,
}

/// Parses absolute URLs as the URL Standard does.
pub trait UrlParser {
    /// The URL `text` stands for, or `None` when it is not an absolute URL.
    fn parse(&self, text: &str) -> Option<WebUrl>;
}

/// The `url` crate as the [`UrlParser`] of native builds.
#[cfg(not(target_arch = "wasm32"))]
#[derive(Clone, Copy, Default)]
pub struct WhatwgUrl;

#[cfg(not(target_arch = "wasm32"))]
impl UrlParser for WhatwgUrl {
    fn parse(&self, text: &str) -> Option<WebUrl> {
        let url = url::Url::parse(text).ok()?;
        Some(WebUrl {
            protocol: format!("{}:", url.scheme()),
            hostname: url.host_str().unwrap_or_default().to_string(),
            origin: url.origin().ascii_serialization(),
            pathname: url.path().to_string(),
            has_credentials: !url.username().is_empty() || url.password().is_some(),
            has_query: url.query().is_some_and(|q| !q.is_empty()),
            has_fragment: url.fragment().is_some_and(|f| !f.is_empty()),
        })
    }
}

/// An absolute `http` or `https` URL with a host and no user-info
/// (`https://good.example@evil.example/` is a phishing shape).
pub fn parse_web_url(urls: &dyn UrlParser, text: &str) -> Option<WebUrl> {
    let url = urls.parse(text)?;
    let web = matches!(url.protocol.as_str(), "http:" | "https:");
    (web && !url.has_credentials && !url.hostname.is_empty()).then_some(url)
}

/// True for `https`, or `http` to a loopback host (RFC 8252 §7.3, and the
/// OAuth 2.0 Security BCP's allowance for local development).
pub fn is_secure_or_loopback(url: &WebUrl) -> bool {
    url.protocol == "https:" || is_loopback(&url.hostname)
}

/// `localhost`, `*.localhost`, `127.0.0.0/8` and `[::1]`, as the URL parser
/// serialized the host (so `http://127./` is 0.0.0.127, not loopback).
pub fn is_loopback(hostname: &str) -> bool {
    hostname == "localhost"
        || hostname.ends_with(".localhost")
        || hostname == "[::1]"
        || hostname
            .parse::<Ipv4Addr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// Checks an endpoint or redirect URI given in the options: absolute, and
/// `https` unless it points at this machine.
pub fn check_option_url(
    urls: &dyn UrlParser,
    text: &str,
    message: &'static str,
) -> Result<WebUrl, AuthError> {
    match parse_web_url(urls, text) {
        Some(u) if is_secure_or_loopback(&u) => Ok(u),
        _ => fail(ErrorCode::InvalidOptions, message),
    }
}

/// The origin of `text` (`https://app.example:8443`), when it is a web URL.
pub fn origin_of(urls: &dyn UrlParser, text: &str) -> Option<String> {
    Some(parse_web_url(urls, text)?.origin)
}

/// Appends already-encoded parameters to a URL that may have a query of its own.
pub fn with_query(base: &str, encoded: &str) -> String {
    // An endpoint URI must not carry a fragment (RFC 6749 §3.1).
    let base = base.split_once('#').map_or(base, |(b, _)| b);
    let mut out = String::with_capacity(base.len() + encoded.len() + 1);
    out.push_str(base);
    if !encoded.is_empty() {
        out.push(if base.contains('?') { '&' } else { '?' });
        out.push_str(encoded);
    }
    out
}

/// The issuer without a trailing slash, to append the provider's paths to.
pub fn join(issuer: &str, path: &str) -> String {
    let mut out = issuer.trim_end_matches('/').to_string();
    out.push_str(path);
    out
}

/// URLs and how an option check must take them, for every [`UrlParser`]:
/// the native tests run them through [`WhatwgUrl`], the browser tests
/// through the engine's `URL`, so the two readings cannot drift apart.
pub const OPTION_URL_CASES: &[(&str, bool)] = &[
    ("https://auth.example/", true),
    ("https://Auth.Example:8443/cb/x?a=1#f", true),
    ("https://x:65535/", true),
    ("https://a:/", true),
    ("http://127.0.0.1:3000/", true),
    ("http://127.1.2.3/", true),
    ("http://localhost/cb", true),
    ("http://app.localhost/cb", true),
    ("http://[::1]:9/", true),
    ("HTTP://[::1]:3000", true),
    ("auth.example", false),
    ("/relative", false),
    ("ftp://x", false),
    ("javascript://x", false),
    ("https://", false),
    // (Not `https://a b`: the URL Standard refuses a space in a host, Chromium
    // escapes it to `a%20b`, a host no request reaches. Either way it is
    // never loopback, so never plain http.)
    ("http://a b/", false),
    ("https://good@evil/", false),
    ("https://x:port/", false),
    ("https://x:123456/", false),
    ("https://x:65536/", false),
    ("http://[::1]:70000/", false),
    ("https://[evil]/", false),
    ("https://[]/", false),
    ("http://auth.example/", false),
    ("http://127.0.0.1.evil.example/", false),
    // Browsers read `127.` as the number 127: 0.0.0.127, not loopback.
    ("http://127./", false),
    ("http://./", false),
];

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn parse(text: &str) -> Option<WebUrl> {
        parse_web_url(&WhatwgUrl, text)
    }

    fn check(text: &str) -> Result<WebUrl, AuthError> {
        check_option_url(&WhatwgUrl, text, "m")
    }

    #[test]
    fn parses_web_urls_as_browsers_do() {
        let u = parse("https://Auth.Example:8443/cb/x?a=1&b=2#f=3").unwrap();
        assert_eq!(u.hostname, "auth.example");
        assert_eq!(u.origin, "https://auth.example:8443");
        assert!(u.has_query && u.has_fragment);
        assert!(parse("https://x:65535/").is_some());
        // An empty port is no port (WHATWG), as in every browser.
        assert_eq!(parse("https://a:/").unwrap().origin, "https://a");
        assert_eq!(parse("HTTP://[::1]:3000").unwrap().hostname, "[::1]");
    }

    #[test]
    fn refuses_what_browsers_refuse_or_what_is_not_a_web_url() {
        for bad in [
            "auth.example",
            "/relative",
            "ftp://x",
            "javascript://x",
            "https://",
            "https://a b",
            "https://good@evil/",
            "https://x:port/",
            "https://x:123456/",
            "https://x:65536/",
            "http://[::1]:70000/",
            "https://[evil]/",
            "https://[]/",
        ] {
            assert!(parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn takes_exactly_the_option_urls_the_standard_allows() {
        for &(text, ok) in OPTION_URL_CASES {
            assert_eq!(check(text).is_ok(), ok, "{text}");
        }
    }

    #[test]
    fn hosts_with_capitals_beside_non_ascii_are_read_not_a_crash() {
        // Found by fuzz/device_response: the ASCII-only idna adapter asserted
        // on such a host; the url crate's own (ICU4X) one reads it.
        assert!(parse("https://a+sc=ABC\u{fffd}W/").is_none_or(|u| u.protocol == "https:"));
        assert_eq!(
            parse("https://ÄB.example/").map(|u| u.hostname),
            Some("xn--b-zfa.example".into())
        );
    }

    #[test]
    fn http_only_on_loopback() {
        for ok in [
            "http://127.0.0.1:3000/",
            "http://127.1.2.3/",
            "http://localhost/cb",
            "http://app.localhost/cb",
            "http://[::1]:9/",
            "https://auth.example/",
        ] {
            assert!(check(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://auth.example/",
            "http://127.0.0.1.evil.example/",
            // Browsers read `127.` as the number 127: 0.0.0.127, not loopback.
            "http://127./",
            "http://./",
        ] {
            assert_eq!(check(bad).unwrap_err().code(), "invalid_options", "{bad}");
        }
    }

    #[test]
    fn origins_are_the_urls_own() {
        let origin = |t: &str| origin_of(&WhatwgUrl, t);
        assert_eq!(
            origin("https://App.Example/x").as_deref(),
            Some("https://app.example")
        );
        assert_eq!(
            origin("https://app.example:443/").as_deref(),
            Some("https://app.example")
        );
        assert_eq!(origin("/path"), None);
    }

    #[test]
    fn with_query_respects_existing_query() {
        assert_eq!(with_query("https://a/x", "k=v"), "https://a/x?k=v");
        assert_eq!(with_query("https://a/x?t=1", "k=v"), "https://a/x?t=1&k=v");
        assert_eq!(join("https://a/", "/p"), "https://a/p");
    }
}
