//! The URLs the SDK is configured with and handed, read by the `url` crate
//! (the WHATWG URL Standard, as browsers read them): checking option URLs,
//! origins, and appending parameters.

use super::error::{fail, AuthError, ErrorCode};
use url::{Host, Url};

/// Parses an absolute `http` or `https` URL with a host and no user-info
/// (`https://good.example@evil.example/` is a phishing shape).
pub fn parse_web_url(text: &str) -> Option<Url> {
    let url = Url::parse(text).ok()?;
    let web = matches!(url.scheme(), "http" | "https");
    let plain = url.username().is_empty() && url.password().is_none();
    (web && plain && url.host().is_some()).then_some(url)
}

/// True for `https`, or `http` to a loopback host (RFC 8252 §7.3, and the
/// OAuth 2.0 Security BCP's allowance for local development).
pub fn is_secure_or_loopback(url: &Url) -> bool {
    url.scheme() == "https" || is_loopback(url)
}

/// `localhost`, `*.localhost`, `127.0.0.0/8` and `[::1]`, as the URL parser
/// read the host (so `http://127./` is 0.0.0.127, not loopback).
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name == "localhost" || name.ends_with(".localhost"),
        None => false,
    }
}

/// Checks an endpoint or redirect URI given in the options: absolute, and
/// `https` unless it points at this machine.
pub fn check_option_url(text: &str, message: &'static str) -> Result<Url, AuthError> {
    match parse_web_url(text) {
        Some(u) if is_secure_or_loopback(&u) => Ok(u),
        _ => fail(ErrorCode::InvalidOptions, message),
    }
}

/// The origin of `text` (`https://app.example:8443`), when it is a web URL.
pub fn origin_of(text: &str) -> Option<String> {
    Some(parse_web_url(text)?.origin().ascii_serialization())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_web_urls_as_browsers_do() {
        let u = parse_web_url("https://auth.example:8443/cb/x?a=1&b=2#f=3").unwrap();
        assert_eq!(u.host_str(), Some("auth.example"));
        assert_eq!(u.path(), "/cb/x");
        assert_eq!(u.query(), Some("a=1&b=2"));
        assert_eq!(u.fragment(), Some("f=3"));
        assert!(parse_web_url("https://x:65535/").is_some());
        // An empty port is no port (WHATWG), as in every browser.
        assert_eq!(parse_web_url("https://a:/").unwrap().port(), None);
        assert_eq!(
            parse_web_url("HTTP://[::1]:3000").unwrap().host_str(),
            Some("[::1]")
        );
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
            assert!(parse_web_url(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn http_only_on_loopback() {
        assert!(check_option_url("http://127.0.0.1:3000/", "m").is_ok());
        assert!(check_option_url("http://127.1.2.3/", "m").is_ok());
        assert!(check_option_url("http://localhost/cb", "m").is_ok());
        assert!(check_option_url("http://app.localhost/cb", "m").is_ok());
        assert!(check_option_url("http://[::1]:9/", "m").is_ok());
        assert!(check_option_url("https://auth.example/", "m").is_ok());
        for bad in [
            "http://auth.example/",
            "http://127.0.0.1.evil.example/",
            // Browsers read `127.` as the number 127: 0.0.0.127, not loopback.
            "http://127./",
            "http://./",
        ] {
            let e = check_option_url(bad, "m").unwrap_err();
            assert_eq!(e.code(), "invalid_options", "{bad}");
        }
    }

    #[test]
    fn origins_are_the_urls_own() {
        assert_eq!(
            origin_of("https://App.Example/x").as_deref(),
            Some("https://app.example")
        );
        assert_eq!(
            origin_of("https://app.example:443/").as_deref(),
            Some("https://app.example")
        );
        assert_eq!(origin_of("/path"), None);
    }

    #[test]
    fn with_query_respects_existing_query() {
        assert_eq!(with_query("https://a/x", "k=v"), "https://a/x?k=v");
        assert_eq!(with_query("https://a/x?t=1", "k=v"), "https://a/x?t=1&k=v");
        assert_eq!(join("https://a/", "/p"), "https://a/p");
    }
}
