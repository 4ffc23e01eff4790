//! The authorization response: the URL the provider sends the browser back to
//! (RFC 6749 §4.1.2, §4.2.2, §4.1.2.1; OAuth 2.0 Multiple Response Types §2.1;
//! RFC 9207 for `iss`).

use super::error::{fail, AuthError, ErrorCode};
use super::form::{decoded_key, find, parse_pairs};
use super::secret::{AccessToken, AuthorizationCode};

/// Longest callback URL read (64 KiB): an authorization response with an
/// ID token and an access token fits many times over; a longer URL is
/// refused before any of it is decoded.
pub const MAX_CALLBACK_LEN: usize = 64 * 1024;

/// Where in the URL the response came.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ResponseLocation {
    Query,
    Fragment,
}

/// An authorization response, parsed but not yet checked against a pending login.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum AuthorizationResponse {
    /// `code` + `state`: exchange the code.
    Code {
        code: AuthorizationCode,
        state: Option<String>,
        iss: Option<String>,
    },
    /// Implicit: tokens straight in the fragment.
    Tokens {
        access_token: Option<AccessToken>,
        token_type: Option<String>,
        expires_in: Option<String>,
        scope: Option<String>,
        id_token: Option<String>,
        state: Option<String>,
        iss: Option<String>,
    },
    /// `error` + `state`: the provider refused.
    Error {
        error: String,
        description: Option<String>,
        state: Option<String>,
        iss: Option<String>,
    },
}

impl AuthorizationResponse {
    /// The `state` the response carries.
    pub fn state(&self) -> Option<&str> {
        match self {
            AuthorizationResponse::Code { state, .. }
            | AuthorizationResponse::Tokens { state, .. }
            | AuthorizationResponse::Error { state, .. } => state.as_deref(),
        }
    }

    /// The `iss` the response carries (RFC 9207).
    pub fn iss(&self) -> Option<&str> {
        match self {
            AuthorizationResponse::Code { iss, .. }
            | AuthorizationResponse::Tokens { iss, .. }
            | AuthorizationResponse::Error { iss, .. } => iss.as_deref(),
        }
    }
}

/// A parsed callback URL.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Callback {
    pub response: AuthorizationResponse,
    pub location: ResponseLocation,
}

/// Parameters that belong to an authorization response; scrubbed afterwards.
pub const RESPONSE_KEYS: &[&str] = &[
    "code",
    "state",
    "iss",
    "error",
    "error_description",
    "error_uri",
    "session_state",
    "access_token",
    "token_type",
    "expires_in",
    "scope",
    "id_token",
];

/// The URL before `?`, its query and its fragment (WHATWG: the fragment
/// starts at the first `#`, the query at the first `?` before it).
fn split(url: &str) -> (&str, Option<&str>, Option<&str>) {
    let (rest, fragment) = match url.split_once('#') {
        Some((r, f)) => (r, Some(f)),
        None => (url, None),
    };
    match rest.split_once('?') {
        Some((b, q)) => (b, Some(q), fragment),
        None => (rest, None, fragment),
    }
}

/// The response parameters `part` names, by their decoded names. One pass,
/// linear in the input.
#[derive(Default)]
struct Names {
    code: bool,
    state: bool,
    iss: bool,
    error: bool,
    token: bool,
}

impl Names {
    fn of(part: &str) -> Names {
        let mut n = Names::default();
        for segment in part.split('&').filter(|s| !s.is_empty()) {
            match decoded_key(segment).as_deref() {
                Some("code") => n.code = true,
                Some("state") => n.state = true,
                Some("iss") => n.iss = true,
                Some("error") => n.error = true,
                Some("access_token" | "id_token") => n.token = true,
                _ => {}
            }
        }
        n
    }

    fn is_response(&self, fragment: bool) -> bool {
        // An error names its issuer (RFC 9207) even where it cannot name the
        // state: an expired or unknown PAR request_uri (RFC 9126 §4) comes back so.
        let code = self.code && self.state;
        let error = self.error && (self.state || self.iss);
        code || error || (fragment && self.token)
    }
}

fn looks_like_response(part: &str, fragment: bool) -> bool {
    Names::of(part).is_response(fragment)
}

/// True when `url` looks like an authorization response (code/state,
/// error/state, or tokens in the fragment). Cheap, and never fails.
pub fn is_callback(url: &str) -> bool {
    if url.len() > MAX_CALLBACK_LEN {
        return false;
    }
    let (_, query, fragment) = split(url);
    query.is_some_and(|q| looks_like_response(q, false))
        || fragment.is_some_and(|f| looks_like_response(f, true))
}

/// Parses the authorization response out of a callback URL.
pub fn parse_callback(url: &str) -> Result<Callback, AuthError> {
    if url.len() > MAX_CALLBACK_LEN {
        return fail(
            ErrorCode::InvalidResponse,
            "the callback URL is too long to be an authorization response",
        );
    }
    let (_, query, fragment) = split(url);
    let in_query = query.is_some_and(|q| looks_like_response(q, true));
    let in_fragment = fragment.is_some_and(|f| looks_like_response(f, true));
    let (text, location) = match (in_query, in_fragment) {
        (true, true) => {
            return fail(
                ErrorCode::InvalidResponse,
                "authorization response parameters in both query and fragment",
            )
        }
        (true, false) => (query.unwrap_or(""), ResponseLocation::Query),
        (false, true) => (fragment.unwrap_or(""), ResponseLocation::Fragment),
        (false, false) => {
            // A lone `code` or `error` without `state` is still a response we must refuse.
            let lone = |p: Option<&str>| {
                p.is_some_and(|p| {
                    let n = Names::of(p);
                    n.code || n.error
                })
            };
            if lone(query) || lone(fragment) {
                return fail(
                    ErrorCode::StateMismatch,
                    "the authorization response has no state",
                );
            }
            return fail(
                ErrorCode::InvalidResponse,
                "the URL holds no authorization response",
            );
        }
    };
    let pairs = parse_pairs(text)?;
    let get = |k: &str| find(&pairs, k).map(str::to_string);
    let state = get("state");
    let iss = get("iss");
    let has_tokens = get("access_token").is_some() || get("id_token").is_some();
    let response = if let Some(error) = get("error") {
        AuthorizationResponse::Error {
            error,
            description: get("error_description"),
            state,
            iss,
        }
    } else if let Some(code) = get("code") {
        if has_tokens {
            // Hybrid responses (`code id_token`) are not something this SDK asks for.
            return fail(
                ErrorCode::InvalidResponse,
                "the response carries both a code and tokens",
            );
        }
        if code.is_empty() {
            return fail(ErrorCode::InvalidResponse, "the code is empty");
        }
        AuthorizationResponse::Code {
            code: AuthorizationCode::new(code),
            state,
            iss,
        }
    } else {
        AuthorizationResponse::Tokens {
            access_token: get("access_token").map(AccessToken::new),
            token_type: get("token_type"),
            expires_in: get("expires_in"),
            scope: get("scope"),
            id_token: get("id_token"),
            state,
            iss,
        }
    };
    Ok(Callback { response, location })
}

/// The URL with the authorization response removed: response parameters are
/// dropped from the query, a fragment holding a response is dropped, and
/// everything else (path, the app's own parameters) stays as it was.
pub fn scrub(url: &str) -> String {
    let is_response_key = |segment: &str| {
        // A segment whose name cannot be decoded is dropped too: it is no
        // parameter of the app's, and may be a mangled response.
        decoded_key(segment).is_none_or(|k| RESPONSE_KEYS.contains(&k.as_str()))
    };
    let (base, query, fragment) = split(url);
    let mut out = base.to_string();
    if let Some(q) = query {
        let kept = q
            .split('&')
            .filter(|seg| !seg.is_empty() && !is_response_key(seg));
        for (i, seg) in kept.enumerate() {
            out.push(if i == 0 { '?' } else { '&' });
            out.push_str(seg);
        }
    }
    if let Some(f) = fragment {
        let is_response = f
            .split('&')
            .any(|seg| !seg.is_empty() && is_response_key(seg));
        if !is_response && !f.is_empty() {
            out.push('#');
            out.push_str(f);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_code_response_in_query() {
        let c = parse_callback("https://app.example/cb?code=abc&state=xyz&iss=https%3A%2F%2Fi")
            .unwrap();
        assert_eq!(c.location, ResponseLocation::Query);
        assert_eq!(
            c.response,
            AuthorizationResponse::Code {
                code: "abc".into(),
                state: Some("xyz".into()),
                iss: Some("https://i".into())
            }
        );
    }

    #[test]
    fn parses_error_response_with_and_without_description() {
        let c = parse_callback(
            "https://a/cb?error=access_denied&error_description=User+said+no&state=s",
        )
        .unwrap();
        assert_eq!(
            c.response,
            AuthorizationResponse::Error {
                error: "access_denied".into(),
                description: Some("User said no".into()),
                state: Some("s".into()),
                iss: None
            }
        );
        let c = parse_callback("https://a/cb?error=server_error&state=s").unwrap();
        assert!(matches!(
            c.response,
            AuthorizationResponse::Error {
                description: None,
                ..
            }
        ));
    }

    #[test]
    fn parses_fragment_tokens() {
        let c = parse_callback(
            "https://a/cb#access_token=t&token_type=Bearer&expires_in=3600&state=s&scope=openid",
        )
        .unwrap();
        assert_eq!(c.location, ResponseLocation::Fragment);
        match c.response {
            AuthorizationResponse::Tokens {
                access_token,
                token_type,
                expires_in,
                state,
                ..
            } => {
                assert_eq!(access_token, Some("t".into()));
                assert_eq!(token_type.as_deref(), Some("Bearer"));
                assert_eq!(expires_in.as_deref(), Some("3600"));
                assert_eq!(state.as_deref(), Some("s"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn code_in_fragment_is_reported_as_fragment() {
        let c = parse_callback("https://a/cb#code=c&state=s").unwrap();
        assert_eq!(c.location, ResponseLocation::Fragment);
        assert!(matches!(c.response, AuthorizationResponse::Code { .. }));
    }

    #[test]
    fn an_error_naming_its_issuer_but_no_state_is_still_a_response() {
        let url =
            "https://a/cb?error=invalid_request_uri&error_description=expired&iss=https%3A%2F%2Fi";
        assert!(is_callback(url));
        let c = parse_callback(url).unwrap();
        assert_eq!(
            c.response,
            AuthorizationResponse::Error {
                error: "invalid_request_uri".into(),
                description: Some("expired".into()),
                state: None,
                iss: Some("https://i".into())
            }
        );
        assert!(!is_callback("https://a/cb?error=x"));
    }

    #[test]
    fn missing_state_is_a_state_mismatch() {
        assert_eq!(
            parse_callback("https://a/cb?code=abc").unwrap_err().code(),
            "state_mismatch"
        );
        assert_eq!(
            parse_callback("https://a/cb?error=x").unwrap_err().code(),
            "state_mismatch"
        );
    }

    #[test]
    fn refuses_ambiguous_or_malformed_responses() {
        let cases = [
            "https://a/cb?code=a&state=s&state=t",
            "https://a/cb?code=a&state=s#access_token=t&state=s",
            "https://a/cb#code=a&access_token=t&state=s",
            "https://a/cb?code=%FF&state=s",
            "https://a/cb?code=&state=s",
            "https://a/cb?nothing=here",
        ];
        for url in cases {
            assert_eq!(
                parse_callback(url).unwrap_err().code(),
                "invalid_response",
                "{url}"
            );
        }
        let big = format!("https://a/cb?code={}&state=s", "a".repeat(8 * 1024 + 1));
        assert_eq!(parse_callback(&big).unwrap_err().code(), "invalid_response");
    }

    #[test]
    fn recognises_callbacks() {
        assert!(is_callback("https://a/cb?code=1&state=2"));
        assert!(is_callback("https://a/cb?error=x&state=2"));
        assert!(is_callback("https://a/cb#access_token=t&state=2"));
        assert!(is_callback("https://a/cb#code=1&state=2"));
        assert!(!is_callback("https://a/cb?code=1"));
        assert!(!is_callback("https://a/cb?page=2"));
        assert!(!is_callback("https://a/cb?access_token=t&state=2"));
    }

    #[test]
    fn scrub_compares_decoded_names_as_the_parser_does() {
        assert_eq!(
            scrub("https://a/cb?code=c&state=s&session%5Fstate=x&tab=1"),
            "https://a/cb?tab=1"
        );
        assert!(is_callback("https://a/cb?c%6Fde=1&st%61te=2"));
    }

    #[test]
    fn oversize_callbacks_are_refused_before_decoding() {
        let huge = format!(
            "https://a/cb#{}code=1&state=2",
            "&".repeat(MAX_CALLBACK_LEN)
        );
        assert!(!is_callback(&huge));
        assert_eq!(
            parse_callback(&huge).unwrap_err().code(),
            "invalid_response"
        );
        let many = format!("https://a/cb?code=1&state=2&{}", "x=&".repeat(100));
        assert_eq!(
            parse_callback(&many).unwrap_err().code(),
            "invalid_response"
        );
    }

    #[test]
    fn scrub_keeps_app_parameters_and_path() {
        assert_eq!(
            scrub("https://a/app/cb?tab=2&code=c&state=s&iss=i&lang=fr"),
            "https://a/app/cb?tab=2&lang=fr"
        );
        assert_eq!(scrub("https://a/cb?code=c&state=s"), "https://a/cb");
        assert_eq!(scrub("https://a/cb#access_token=t&state=s"), "https://a/cb");
        assert_eq!(
            scrub("https://a/cb?x=1#section"),
            "https://a/cb?x=1#section"
        );
    }
}
