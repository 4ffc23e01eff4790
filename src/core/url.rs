//! Just enough URL handling for OAuth: checking the absolute URLs the SDK is
//! configured with, splitting a callback URL, and scrubbing it afterwards.
//!
//! Not a general URL parser (the `url` crate's IDNA tables would outweigh the
//! whole SDK): the browser has already normalized every URL we are handed.

use super::error::{fail, AuthError, ErrorCode};
use super::text::{before, cut, cut_last, has};

/// `scheme` and what follows `://`. A scheme has no `:`, so the first `:`
/// ends it; this also keeps `str`'s substring searcher (about 1.5 KB of
/// `.wasm`) out of the build.
pub fn split_scheme(url: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = cut(url, b':')?;
    Some((scheme, rest.strip_prefix("//")?))
}

/// The parts of an absolute `http(s)` URL.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Url<'a> {
    pub scheme: &'a str,
    /// Host without port or brackets' content changed: `127.0.0.1`, `[::1]`, `auth.example`.
    pub host: &'a str,
    /// Everything from the first `/` after the authority up to `?` or `#` (may be empty).
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub fragment: Option<&'a str>,
}

impl<'a> Url<'a> {
    /// Parses `scheme://host[:port]/path?query#fragment` for `http` and `https`.
    pub fn parse(text: &'a str) -> Option<Url<'a>> {
        if text
            .bytes()
            .any(|b| b <= b' ' || b == 0x7f || b == b'\\' || !b.is_ascii())
        {
            return None;
        }
        let (rest, fragment) = match cut(text, b'#') {
            Some((r, f)) => (r, Some(f)),
            None => (text, None),
        };
        let (rest, query) = match cut(rest, b'?') {
            Some((r, q)) => (r, Some(q)),
            None => (rest, None),
        };
        let (scheme, rest) = split_scheme(rest)?;
        let scheme_ok = scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http");
        if !scheme_ok {
            return None;
        }
        let (authority, path) = match rest.bytes().position(|b| b == b'/') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        // No user-info: `https://good.example@evil.example/` is a phishing shape.
        if authority.is_empty() || has(authority, b'@') {
            return None;
        }
        let host = if authority.starts_with('[') {
            let end = authority.bytes().position(|b| b == b']')?;
            let (h, port) = authority.split_at(end + 1);
            valid_port(port)?;
            h
        } else {
            let (h, port) = match cut_last(authority, b':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            };
            if let Some(p) = port {
                valid_port_digits(p)?;
            }
            if h.is_empty()
                || !h
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_'))
            {
                return None;
            }
            h
        };
        Some(Url {
            scheme,
            host,
            path,
            query,
            fragment,
        })
    }

    /// True for `https`, or `http` to a loopback address (RFC 8252 §7.3, and the
    /// OAuth 2.0 Security BCP's allowance for local development).
    pub fn is_secure_or_loopback(&self) -> bool {
        self.scheme.eq_ignore_ascii_case("https") || is_loopback_host(self.host)
    }
}

fn valid_port(port: &str) -> Option<()> {
    if port.is_empty() {
        return Some(());
    }
    valid_port_digits(port.strip_prefix(':')?)
}

fn valid_port_digits(p: &str) -> Option<()> {
    let ok = !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit());
    // RFC 3986 §3.2.3 allows any digits, but a port is 16 bits: no browser takes 65536.
    let fits = || p.bytes().fold(0u32, |n, b| n * 10 + u32::from(b - b'0')) <= 65_535;
    (ok && fits()).then_some(())
}

/// `localhost`, `*.localhost`, `127.x.x.x` and `[::1]`.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    host == "localhost"
        || host.ends_with(".localhost")
        || host == "[::1]"
        || (host.starts_with("127.") && host.bytes().all(|b| b.is_ascii_digit() || b == b'.'))
}

/// Checks an endpoint or redirect URI given in the options: absolute, and
/// `https` unless it points at this machine.
pub fn check_option_url(text: &str, message: &'static str) -> Result<(), AuthError> {
    match Url::parse(text) {
        Some(u) if u.is_secure_or_loopback() => Ok(()),
        _ => fail(ErrorCode::InvalidOptions, message),
    }
}

/// Appends already-encoded parameters to a URL that may have a query of its own.
pub fn with_query(base: &str, encoded: &str) -> String {
    // An endpoint URI must not carry a fragment (RFC 6749 §3.1).
    let base = before(base, b'#');
    let mut out = String::with_capacity(base.len() + encoded.len() + 1);
    out.push_str(base);
    if !encoded.is_empty() {
        out.push(if has(base, b'?') { '&' } else { '?' });
        out.push_str(encoded);
    }
    out
}

/// The issuer without a trailing slash, to append the provider's paths to.
pub fn join(issuer: &str, path: &str) -> String {
    let slashes = issuer.bytes().rev().take_while(|&b| b == b'/').count();
    let mut out = issuer[..issuer.len() - slashes].to_string();
    out.push_str(path);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_parts() {
        let u = Url::parse("https://auth.example:8443/cb/x?a=1&b=2#f=3").unwrap();
        assert_eq!(u.scheme, "https");
        assert_eq!(u.host, "auth.example");
        assert_eq!(u.path, "/cb/x");
        assert_eq!(u.query, Some("a=1&b=2"));
        assert_eq!(u.fragment, Some("f=3"));
        assert!(Url::parse("https://x:65535/").is_some());
        let v = Url::parse("http://[::1]:3000").unwrap();
        assert_eq!(v.host, "[::1]");
        assert_eq!(v.path, "");
    }

    #[test]
    fn splits_the_scheme_at_the_first_colon() {
        assert_eq!(split_scheme("https://a/b"), Some(("https", "a/b")));
        assert_eq!(split_scheme("HTTP://a:1/"), Some(("HTTP", "a:1/")));
        assert_eq!(split_scheme("https:/a"), None);
        assert_eq!(split_scheme("no-scheme"), None);
        // A colon before `://` leaves no `//` after the first colon.
        assert_eq!(split_scheme("x:y://z"), None);
        assert_eq!(Url::parse("https:x://a/"), None);
    }

    #[test]
    fn refuses_non_urls() {
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
            "https://x:99999/",
            "http://[::1]:70000/",
            "https://é.example/",
            "https://a\\b/",
        ] {
            assert!(Url::parse(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn http_only_on_loopback() {
        assert!(check_option_url("http://127.0.0.1:3000/", "m").is_ok());
        assert!(check_option_url("http://localhost/cb", "m").is_ok());
        assert!(check_option_url("http://[::1]:9/", "m").is_ok());
        assert!(check_option_url("https://auth.example/", "m").is_ok());
        let e = check_option_url("http://auth.example/", "m").unwrap_err();
        assert_eq!(e.code(), "invalid_options");
        assert!(check_option_url("http://127.0.0.1.evil.example/", "m").is_err());
    }

    #[test]
    fn with_query_respects_existing_query() {
        assert_eq!(with_query("https://a/x", "k=v"), "https://a/x?k=v");
        assert_eq!(with_query("https://a/x?t=1", "k=v"), "https://a/x?t=1&k=v");
        assert_eq!(join("https://a/", "/p"), "https://a/p");
    }
}
