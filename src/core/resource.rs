//! Access tokens per API: `getAccessToken({ resource, scope })`. A token for
//! one resource indicator (RFC 8707) and scope is asked for with the
//! session's refresh token (RFC 8707 §2.2, RFC 6749 §6), cached under its own
//! key with its own expiry, and never holds a refresh token of its own: the
//! session's one refresh token (rotated by whichever request used it last)
//! stays in the session's token set alone.

use super::error::AuthError;
use super::keys;
use super::secret::RefreshToken;
use super::tokens::{is_scope_text, token_set, StoredTokens, TokenResponse, TokenSet, TokenType};
use super::url::UrlParser;
use std::collections::BTreeSet;

/// Longest `resource` accepted (2 KiB: a URL, not a document).
pub const MAX_RESOURCE_LEN: usize = 2048;
/// Longest `scope` accepted for one API token.
pub const MAX_SCOPE_LEN: usize = 2048;
/// Most per-API tokens kept for one session: storing another drops the
/// expired ones, then the ones expiring first.
pub const MAX_API_TOKENS: usize = 32;
/// Longest stored per-API entry read (16 KiB; a JWT access token is a few KiB).
pub const MAX_ENTRY_LEN: usize = 16 * 1024;

/// Which access token the app asks for: for an API (`resource`), with
/// `scope`, or both. Built only by [`ApiTokenRequest::new`], so the resource
/// is checked and the scope is in its one normal form.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ApiTokenRequest {
    resource: Option<String>,
    /// Sorted, without duplicates: `"b a a"` and `"a b"` are one request.
    scope: Option<String>,
}

impl ApiTokenRequest {
    /// The request for `resource` and `scope`; `None` when neither is given
    /// (the session's own access token). `invalid_options` naming the option
    /// when `resource` is not an absolute URI without a fragment (RFC 8707
    /// §2) or `scope` is not scope tokens (RFC 6749 §3.3).
    ///
    /// ```
    /// use wasm_oauth::core::resource::ApiTokenRequest;
    /// use wasm_oauth::core::url::WhatwgUrl;
    /// let r = ApiTokenRequest::new(Some("urn:api:a".into()), Some("b a b".into()), &WhatwgUrl)
    ///     .unwrap()
    ///     .unwrap();
    /// assert_eq!(r.scope(), Some("a b"));
    /// assert!(ApiTokenRequest::new(None, None, &WhatwgUrl).unwrap().is_none());
    /// ```
    pub fn new(
        resource: Option<String>,
        scope: Option<String>,
        urls: &dyn UrlParser,
    ) -> Result<Option<Self>, AuthError> {
        if let Some(r) = &resource {
            check_resource("resource", r, urls)?;
        }
        let scope = scope.map(|s| normal_scope(&s)).transpose()?;
        Ok((resource.is_some() || scope.is_some()).then_some(ApiTokenRequest { resource, scope }))
    }

    /// The resource indicator asked for.
    pub fn resource(&self) -> Option<&str> {
        self.resource.as_deref()
    }

    /// The scope asked for, in its normal form.
    pub fn scope(&self) -> Option<&str> {
        self.scope.as_deref()
    }

    /// The name of its cache entry under the client's namespace.
    pub fn cache_key(&self) -> String {
        keys::api_token(self.resource(), self.scope())
    }

    /// The refresh request for it (RFC 6749 §6 with RFC 8707 §2.2's
    /// `resource`): without `scope`, the provider gives what the session
    /// was granted for the resource.
    pub fn refresh_form<'a>(
        &'a self,
        refresh_token: &'a RefreshToken,
        client_id: &'a str,
    ) -> Vec<(&'a str, &'a str)> {
        let mut pairs = vec![
            ("grant_type", "refresh_token"),
            ("refresh_token", refresh_token.secret()),
            ("client_id", client_id),
        ];
        if let Some(r) = self.resource() {
            pairs.push(("resource", r));
        }
        if let Some(s) = self.scope() {
            pairs.push(("scope", s));
        }
        pairs
    }
}

/// RFC 8707 §2: a resource indicator is an absolute URI with no fragment
/// component (a `#` anywhere starts one). `invalid_options` naming `name`
/// otherwise, or when it is longer than [`MAX_RESOURCE_LEN`].
pub fn check_resource(name: &str, resource: &str, urls: &dyn UrlParser) -> Result<(), AuthError> {
    if resource.len() > MAX_RESOURCE_LEN {
        return Err(AuthError::option(name, "is too long (at most 2048 bytes)"));
    }
    if resource.contains('#') || urls.parse(resource).is_none() {
        return Err(AuthError::option(
            name,
            "must be an absolute URI without a fragment (RFC 8707 §2), such as https://api.example/",
        ));
    }
    Ok(())
}

/// The scope tokens of `scope` sorted and without duplicates, joined by
/// single spaces. Leading, trailing and repeated spaces are forgiven;
/// anything that is not a scope token is `invalid_options` naming `scope`.
fn normal_scope(scope: &str) -> Result<String, AuthError> {
    if scope.len() > MAX_SCOPE_LEN {
        return Err(AuthError::option(
            "scope",
            "is too long (at most 2048 bytes)",
        ));
    }
    // A set: sorted, each token once.
    let mut tokens = BTreeSet::new();
    for token in scope.split(' ').filter(|t| !t.is_empty()) {
        tokens.insert(token.to_string());
    }
    let mut normal = String::new();
    for token in &tokens {
        if !normal.is_empty() {
            normal.push(' ');
        }
        normal.push_str(token);
    }
    if !is_scope_text(&normal) {
        return Err(AuthError::option(
            "scope",
            "must be space-separated scope tokens (RFC 6749 §3.3)",
        ));
    }
    Ok(normal)
}

/// What a refresh for an API token gave: the token (without refresh or ID
/// token: they belong to the session) and the session's new refresh token
/// when the provider rotated it.
#[derive(Debug)]
pub struct ApiTokenAnswer {
    pub token: TokenSet,
    pub rotated: Option<RefreshToken>,
}

/// Reads the answer to an API token refresh sent with `sent` at `now_ms`.
/// An ID token in it is dropped unread: the session's stays the checked one.
pub fn api_token_answer(
    response: TokenResponse,
    now_ms: u64,
    expected: TokenType,
    sent: &RefreshToken,
) -> Result<ApiTokenAnswer, AuthError> {
    let mut token = token_set(response, now_ms, expected)?;
    let rotated = token.refresh_token.take().filter(|r| r != sent);
    token.id_token = None;
    Ok(ApiTokenAnswer { token, rotated })
}

/// A stored per-API entry read back: a token set of the current schema
/// with neither a refresh nor an ID token (the SDK never writes those here;
/// an entry that has one is not ours and is dropped like a corrupt one).
pub fn api_token_from_stored(stored: StoredTokens) -> Option<TokenSet> {
    let token = TokenSet::from_stored(stored)?;
    (token.refresh_token.is_none() && token.id_token.is_none()).then_some(token)
}

/// Which stored per-API entries to remove before one more is written under
/// `adding`: the unreadable (`None`) and the expired at `now_ms`, then, while
/// more than [`MAX_API_TOKENS`] would be left, the ones expiring first. An
/// entry already under `adding` is replaced, never counted twice. Entries
/// are `(key, expires_at_ms)`; no known expiry counts as the latest.
pub fn entries_to_drop(
    entries: &[(String, Option<Option<u64>>)],
    adding: &str,
    now_ms: u64,
) -> Vec<String> {
    let mut drop = Vec::new();
    let mut live: Vec<(&str, u64)> = Vec::new();
    for (key, entry) in entries {
        if key == adding {
            continue;
        }
        match entry {
            Some(at) if at.is_none_or(|at| at > now_ms) => live.push((key, at.unwrap_or(u64::MAX))),
            _ => drop.push(key.clone()),
        }
    }
    let over = (live.len() + 1).saturating_sub(MAX_API_TOKENS);
    live.sort_unstable_by_key(|&(_, at)| at);
    for (key, _) in live.iter().take(over) {
        drop.push(key.to_string());
    }
    drop
}

// The native URL parser is the `url` crate's; wasm builds use the engine's.
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::url::WhatwgUrl;

    fn request(resource: Option<&str>, scope: Option<&str>) -> Result<ApiTokenRequest, AuthError> {
        ApiTokenRequest::new(
            resource.map(str::to_string),
            scope.map(str::to_string),
            &WhatwgUrl,
        )
        .map(|r| r.expect("a request"))
    }

    #[test]
    fn resource_is_an_absolute_uri_without_fragment() {
        for good in [
            "https://api.example/",
            "https://api.example/v1?x=1",
            "http://127.0.0.1:3000/api-a",
            "urn:wasm-oauth:api-a",
        ] {
            assert!(request(Some(good), None).is_ok(), "{good}");
        }
        for bad in [
            "",
            "api.example",
            "/api",
            "https://api.example/#",
            "https://api.example/#part",
            "urn:a#b",
            "https://",
        ] {
            let e = request(Some(bad), None).unwrap_err();
            assert_eq!(e.code(), "invalid_options", "{bad}");
            assert_eq!(e.option_name(), Some("resource"), "{bad}");
        }
        let long = format!("https://api.example/{}", "a".repeat(MAX_RESOURCE_LEN));
        assert_eq!(
            request(Some(&long), None).unwrap_err().option_name(),
            Some("resource")
        );
    }

    #[test]
    fn scope_has_one_normal_form() {
        let a = request(Some("urn:a"), Some(" write read  read ")).unwrap();
        let b = request(Some("urn:a"), Some("read write")).unwrap();
        assert_eq!(a, b);
        assert_eq!(a.scope(), Some("read write"));
        assert_eq!(a.cache_key(), b.cache_key());
        assert_ne!(
            a.cache_key(),
            request(Some("urn:a"), Some("read")).unwrap().cache_key()
        );
        assert_ne!(
            a.cache_key(),
            request(Some("urn:b"), Some("read write"))
                .unwrap()
                .cache_key()
        );
        for bad in ["", "   ", "a\"b", "é", "a\nb", "a\\b"] {
            let e = request(Some("urn:a"), Some(bad)).unwrap_err();
            assert_eq!(e.option_name(), Some("scope"), "{bad:?}");
        }
        let long = "a ".repeat(MAX_SCOPE_LEN);
        assert_eq!(
            request(None, Some(&long)).unwrap_err().option_name(),
            Some("scope")
        );
    }

    #[test]
    fn neither_option_is_the_sessions_own_token() {
        assert_eq!(ApiTokenRequest::new(None, None, &WhatwgUrl).unwrap(), None);
        assert!(request(None, Some("read")).is_ok());
    }

    #[test]
    fn the_refresh_form_names_resource_and_scope() {
        let rt = RefreshToken::new("rt");
        let r = request(Some("urn:a"), Some("b a")).unwrap();
        assert_eq!(
            r.refresh_form(&rt, "cid"),
            [
                ("grant_type", "refresh_token"),
                ("refresh_token", "rt"),
                ("client_id", "cid"),
                ("resource", "urn:a"),
                ("scope", "a b"),
            ]
        );
        let only_resource = request(Some("urn:a"), None).unwrap();
        assert!(!only_resource
            .refresh_form(&rt, "cid")
            .iter()
            .any(|(k, _)| *k == "scope"));
    }

    fn answer(json: &str) -> Result<ApiTokenAnswer, AuthError> {
        let response: TokenResponse = serde_json::from_str(json).unwrap();
        api_token_answer(response, 1_000, TokenType::Bearer, &RefreshToken::new("rt"))
    }

    #[test]
    fn an_answer_keeps_no_session_token_and_tells_a_rotation() {
        let a = answer(
            r#"{"access_token":"at","token_type":"Bearer","expires_in":60,"refresh_token":"rt2","id_token":"x.y.z"}"#,
        )
        .unwrap();
        assert_eq!(a.token.access_token, "at");
        assert_eq!(a.token.expires_at_ms, Some(61_000));
        assert_eq!(a.token.refresh_token, None);
        assert_eq!(a.token.id_token, None);
        assert_eq!(a.rotated.as_ref().map(RefreshToken::secret), Some("rt2"));
        let same = answer(r#"{"access_token":"at","token_type":"Bearer","refresh_token":"rt"}"#);
        assert!(same.unwrap().rotated.is_none());
        let none = answer(r#"{"access_token":"at","token_type":"Bearer"}"#);
        assert!(none.unwrap().rotated.is_none());
        assert_eq!(
            answer(r#"{"token_type":"Bearer"}"#).unwrap_err().code(),
            "invalid_response"
        );
    }

    #[test]
    fn a_stored_entry_with_a_session_token_is_not_ours() {
        let stored = |extra: &str| -> StoredTokens {
            serde_json::from_str(&format!(
                r#"{{"v":1,"access_token":"at","token_type":"Bearer","expires_at":5{extra}}}"#
            ))
            .unwrap()
        };
        assert!(api_token_from_stored(stored("")).is_some());
        assert!(api_token_from_stored(stored(r#","refresh_token":"rt""#)).is_none());
        assert!(api_token_from_stored(stored(r#","id_token":"a.b.c""#)).is_none());
    }

    #[test]
    fn storing_drops_the_unreadable_the_expired_and_then_the_soonest_expiring() {
        let now = 1_000;
        let mut entries = vec![
            ("bad".to_string(), None),
            ("old".to_string(), Some(Some(900))),
            ("same".to_string(), Some(Some(5_000))),
        ];
        assert_eq!(entries_to_drop(&entries, "same", now), ["bad", "old"]);
        entries.truncate(1);
        for i in 0..MAX_API_TOKENS as u64 {
            entries.push((format!("k{i}"), Some(Some(2_000 + i))));
        }
        entries.push(("forever".to_string(), Some(None)));
        // 33 live entries and one more: two go, the two expiring first.
        assert_eq!(entries_to_drop(&entries, "new", now), ["bad", "k0", "k1"]);
        // Replacing one of them keeps the count.
        assert_eq!(entries_to_drop(&entries, "k5", now), ["bad", "k0"]);
    }
}
