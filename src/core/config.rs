//! Client configuration: the options the app gives, checked once, with the
//! provider's endpoint layout derived from the issuer.

use super::error::AuthError;
use super::expiry::DEFAULT_LEAD_SECONDS;
use super::log::{LogLevel, DEFAULT_LOG_LEVEL};
use super::secret::ClientSecret;
use super::url::{check_option_url, join, UrlParser, WebUrl};
use serde::Deserialize;
use tsify::Tsify;

/// The provider this SDK is built for (docs/provider.md).
pub const DEFAULT_ISSUER: &str = "https://auth.xeonr.io";
/// Scope asked for when the app names none.
pub const DEFAULT_SCOPE: &str = "openid profile email";
/// Default time any one request to the provider may take.
pub const DEFAULT_HTTP_TIMEOUT_SECONDS: u32 = 30;
/// How long silent sign-in waits for its iframe by default.
pub const DEFAULT_SILENT_TIMEOUT_SECONDS: u32 = 10;
/// Default allowance for the difference between our clock and the provider's.
pub const DEFAULT_CLOCK_SKEW_SECONDS: u32 = 60;

/// Where tokens and pending logins are kept.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum StorageKind {
    Memory,
    Session,
    Local,
    /// A store the app brings (`storage: { get, set, remove, keys }`); the
    /// face reads the object, the browser adapter wraps it. Per tab as far
    /// as coordination goes: no lock, nothing handed between tabs.
    Custom,
}

impl StorageKind {
    /// Reads the `storage` option.
    pub fn parse(text: &str) -> Result<Self, AuthError> {
        match text {
            "memory" => Ok(StorageKind::Memory),
            "session" => Ok(StorageKind::Session),
            "local" => Ok(StorageKind::Local),
            _ => Err(AuthError::option(
                "storage",
                "must be \"memory\", \"session\" or \"local\"",
            )),
        }
    }
}

/// The provider's endpoints, each an absolute URL.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Endpoints {
    pub authorization: String,
    pub token: String,
    pub revocation: String,
    pub userinfo: String,
    pub jwks: String,
    pub device_authorization: String,
    pub pushed_authorization: String,
    pub end_session: Option<String>,
    /// RFC 9207 §2.4: the provider's metadata says it always sends `iss` in
    /// authorization responses, so one without it is refused.
    pub requires_iss: bool,
}

impl Endpoints {
    /// The provider's documented layout under `issuer` (docs/provider.md, "Endpoints").
    pub fn for_issuer(issuer: &str) -> Self {
        Endpoints {
            authorization: join(issuer, "/auth/authorize"),
            token: join(issuer, "/api/v1/oauth/token"),
            revocation: join(issuer, "/api/v1/oauth/revoke"),
            userinfo: join(issuer, "/api/v1/userinfo"),
            jwks: join(issuer, "/.well-known/jwks.json"),
            device_authorization: join(issuer, "/api/v1/oauth/code"),
            pushed_authorization: join(issuer, "/api/v1/oauth/par"),
            end_session: None,
            requires_iss: false,
        }
    }
}

/// The options of `new AuthClient(options)`, as the app wrote them, before
/// any check (native tests build them directly). Its `Debug` never shows the
/// client secret.
#[derive(Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct AuthClientOptions {
    /// The client id registered at the provider. Required.
    #[tsify(type = "string")]
    pub client_id: Option<String>,
    /// The exact registered redirect URI: https, or http on a loopback host;
    /// no fragment. Required to log in; a client that only uses
    /// `clientCredentials`, `exchangeServiceToken` or device sign-in may
    /// leave it out (its login methods then reject with `invalid_options`).
    #[tsify(optional)]
    pub redirect_uri: Option<String>,
    /// The issuer, compared exactly with `iss` everywhere. Default
    /// `https://auth.xeonr.io`; the endpoints default to its layout.
    #[tsify(optional)]
    pub issuer: Option<String>,
    /// Space-separated scopes. Default `"openid profile email"`; add
    /// `offline_access` for refresh tokens.
    #[tsify(optional)]
    pub scope: Option<String>,
    /// Endpoint overrides; explicit ones win over discovery.
    #[tsify(optional)]
    pub endpoints: Option<EndpointOptions>,
    /// Read `{issuer}/.well-known/openid-configuration` once, first. Default false.
    #[tsify(optional)]
    pub discovery: Option<bool>,
    /// Where the session lives: `"session"` (default), `"local"`,
    /// `"memory"`, or the app's own store (see `CustomStorage`).
    #[tsify(
        optional,
        type = "\"memory\" | \"session\" | \"local\" | CustomStorage"
    )]
    pub storage: Option<String>,
    /// Set by the face when `storage` was a store object (which it keeps):
    /// then `storage` is `None` here and the kind is [`StorageKind::Custom`].
    #[serde(skip)]
    pub custom_storage: bool,
    /// Push the authorization request first (RFC 9126). Default false.
    #[tsify(optional)]
    pub use_par: Option<bool>,
    /// Tolerance for `iat`/`exp`/`nbf`, in seconds, on top of the measured
    /// clock offset. Default 60; 0 to 3600.
    #[tsify(optional)]
    pub clock_skew_seconds: Option<f64>,
    /// How long any one request to the provider may take, in seconds, before
    /// it fails with `timeout`. Default 30; 1 to 600.
    #[tsify(optional)]
    pub http_timeout_seconds: Option<f64>,
    /// How long before the access token expires the `tokenExpiring` event
    /// comes, in seconds. Default 60; 0 to 3600.
    #[tsify(optional)]
    pub token_expiring_seconds: Option<f64>,
    /// Refresh on `tokenExpiring` while the page is visible. Default false.
    #[tsify(optional)]
    pub auto_refresh: Option<bool>,
    /// Server runtimes only: refused in a browser (`secret_in_browser`).
    #[tsify(optional)]
    pub client_secret: Option<String>,
    /// Bind tokens to a key only this browser holds (DPoP, RFC 9449): a
    /// non-extractable ES256 key signs a proof for every token request, and
    /// the provider must answer `token_type: "DPoP"`. Default false.
    #[tsify(optional)]
    pub dpop: Option<bool>,
    /// The origins `auth.fetch` sends the access token to (`https://api.example`:
    /// scheme, host and port, nothing more; https, or http on loopback). Any
    /// other origin is refused with `invalid_options`. Default none.
    #[tsify(optional)]
    pub api_origins: Option<Vec<String>>,
    /// The page of this app that answers silent sign-in (`loginSilently`,
    /// and `getAccessToken` without a refresh token): an absolute URL the
    /// provider accepts as a redirect URI (such as `redirectUri` plus a
    /// query, `/?silent`), on the same origin as the app (the hidden iframe
    /// hands the answer back to it). It runs the SDK and calls
    /// `handleRedirectCallback()`, as the redirect page does.
    /// Default none: silent sign-in is off (`loginSilently` rejects with
    /// `invalid_options`).
    #[tsify(optional)]
    pub silent_redirect_uri: Option<String>,
    /// How long silent sign-in waits for the iframe's answer, in seconds,
    /// before it fails with `timeout`. Default 10; 1 to 300.
    #[tsify(optional)]
    pub silent_timeout_seconds: Option<f64>,
    /// Called with each log line at `logLevel` or above: `(level, message,
    /// fields)`. The message is fixed text and the fields are a few typed
    /// values (endpoint without its query, status, durations, error codes):
    /// never a token, code, secret, verifier, state or nonce. Without it
    /// nothing is logged. (Read by the JavaScript face; a function.)
    #[serde(default)]
    #[tsify(optional, type = "Logger")]
    pub logger: Option<serde::de::IgnoredAny>,
    /// The lowest level passed to `logger`. Default `"warn"`.
    #[tsify(optional, type = "LogLevel")]
    pub log_level: Option<String>,
}

/// Provider endpoints, each an absolute URL (https, or http on loopback).
/// Each defaults to the provider's layout under the issuer.
#[derive(Clone, Default, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct EndpointOptions {
    /// The authorization endpoint (`/auth/authorize`).
    #[tsify(optional)]
    pub authorization: Option<String>,
    /// The token endpoint, for every grant (`/api/v1/oauth/token`).
    #[tsify(optional)]
    pub token: Option<String>,
    /// The revocation endpoint (RFC 7009, `/api/v1/oauth/revoke`).
    #[tsify(optional)]
    pub revocation: Option<String>,
    /// The userinfo endpoint (`/api/v1/userinfo`).
    #[tsify(optional)]
    pub userinfo: Option<String>,
    /// The JWKS of the ID-token signing keys (`/.well-known/jwks.json`).
    #[tsify(optional)]
    pub jwks: Option<String>,
    /// The device authorization endpoint (RFC 8628, `/api/v1/oauth/code`).
    #[tsify(optional)]
    pub device_authorization: Option<String>,
    /// The pushed authorization request endpoint (RFC 9126, `/api/v1/oauth/par`).
    #[tsify(optional)]
    pub pushed_authorization: Option<String>,
    /// The end-session endpoint (OIDC RP-Initiated Logout). None by default.
    #[tsify(optional)]
    pub end_session: Option<String>,
}

/// Checked configuration. Its `Debug` never shows the client secret.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Config {
    pub client_id: String,
    /// `None` for a client that only uses grants without a browser redirect
    /// (client credentials, service tokens, device sign-in).
    pub redirect_uri: Option<String>,
    pub issuer: String,
    pub scope: String,
    pub endpoints: Endpoints,
    pub storage: StorageKind,
    pub use_par: bool,
    /// Token requests carry a DPoP proof and expect DPoP-bound tokens.
    pub dpop: bool,
    /// The origins `auth.fetch` may send the access token to, as URL origins.
    pub api_origins: Vec<String>,
    pub discovery: bool,
    pub clock_skew_seconds: u32,
    /// How long any one request may take, in milliseconds.
    pub http_timeout_ms: u32,
    /// The lead time of `tokenExpiring`, in milliseconds.
    pub token_expiring_ms: u32,
    /// Refresh on `tokenExpiring` while the page is visible.
    pub auto_refresh: bool,
    pub client_secret: Option<ClientSecret>,
    /// The endpoints the app set itself (option names): discovery leaves them alone.
    pub explicit_endpoints: Vec<String>,
    /// The page that answers silent sign-in; `None`: silent sign-in is off.
    pub silent_redirect_uri: Option<String>,
    /// How long silent sign-in waits for its iframe, in milliseconds.
    pub silent_timeout_ms: u32,
    /// The lowest level passed to the app's `logger`.
    pub log_level: LogLevel,
}

impl core::fmt::Debug for AuthClientOptions {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AuthClientOptions")
            .field("client_id", &self.client_id)
            .field("redirect_uri", &self.redirect_uri)
            .field("issuer", &self.issuer)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .finish_non_exhaustive()
    }
}

/// A required text option (`name`): present, not blank, no control characters.
fn non_empty(value: Option<String>, name: &str) -> Result<String, AuthError> {
    match value {
        Some(v) if !v.chars().all(char::is_whitespace) && !v.chars().any(char::is_control) => Ok(v),
        Some(_) => Err(AuthError::option(name, "must not be empty")),
        None => Err(AuthError::option(name, "is required")),
    }
}

/// The URL option `name`: absolute https, or http on a loopback host.
fn web_url(urls: &dyn UrlParser, text: &str, name: &str) -> Result<WebUrl, AuthError> {
    check_option_url(urls, text, "").map_err(|_| {
        AuthError::option(
            name,
            "must be an absolute https URL (http only on loopback)",
        )
    })
}

/// A redirect URI option (`name`), when given: an absolute https URL (http
/// only on loopback) without a fragment.
fn redirect_option(
    urls: &dyn UrlParser,
    value: Option<String>,
    name: &str,
) -> Result<Option<String>, AuthError> {
    let Some(text) = value else {
        return Ok(None);
    };
    let text = non_empty(Some(text), name)?;
    // RFC 6749 §3.1.2: the redirection endpoint URI must not include a fragment.
    if web_url(urls, &text, name)?.has_fragment {
        return Err(AuthError::option(name, "must not have a fragment"));
    }
    Ok(Some(text))
}

impl Config {
    /// Checks the options and fills in the defaults; `urls` reads the URLs.
    /// Each error is `invalid_options` naming its option.
    pub fn from_options(o: AuthClientOptions, urls: &dyn UrlParser) -> Result<Config, AuthError> {
        let client_id = non_empty(o.client_id, "clientId")?;
        if client_id.len() > 256 {
            return Err(AuthError::option(
                "clientId",
                "is too long (256 bytes at most)",
            ));
        }
        let redirect_uri = redirect_option(urls, o.redirect_uri, "redirectUri")?;
        let issuer = o.issuer.unwrap_or_else(|| DEFAULT_ISSUER.to_string());
        let issuer_url = web_url(urls, &issuer, "issuer")?;
        if issuer_url.has_query || issuer_url.has_fragment {
            return Err(AuthError::option(
                "issuer",
                "must not have a query or fragment",
            ));
        }
        let scope = match o.scope {
            Some(s) => non_empty(Some(s), "scope")?,
            None => DEFAULT_SCOPE.to_string(),
        };
        let storage = match o.storage {
            _ if o.custom_storage => StorageKind::Custom,
            Some(s) => StorageKind::parse(&s)?,
            None => StorageKind::Session,
        };
        let clock_skew_seconds = match o.clock_skew_seconds {
            None => DEFAULT_CLOCK_SKEW_SECONDS,
            Some(s) if (0.0..=3600.0).contains(&s) => s as u32,
            Some(_) => {
                return Err(AuthError::option(
                    "clockSkewSeconds",
                    "must be between 0 and 3600",
                ))
            }
        };
        let http_timeout_ms = match o.http_timeout_seconds {
            None => DEFAULT_HTTP_TIMEOUT_SECONDS * 1000,
            Some(s) if (1.0..=600.0).contains(&s) => (s * 1000.0) as u32,
            Some(_) => {
                return Err(AuthError::option(
                    "httpTimeoutSeconds",
                    "must be between 1 and 600 seconds",
                ))
            }
        };
        let silent_redirect_uri =
            redirect_option(urls, o.silent_redirect_uri, "silentRedirectUri")?;
        let silent_timeout_ms = match o.silent_timeout_seconds {
            None => DEFAULT_SILENT_TIMEOUT_SECONDS * 1000,
            Some(s) if (1.0..=300.0).contains(&s) => (s * 1000.0) as u32,
            Some(_) => {
                return Err(AuthError::option(
                    "silentTimeoutSeconds",
                    "must be between 1 and 300 seconds",
                ))
            }
        };
        let token_expiring_ms = match o.token_expiring_seconds {
            None => DEFAULT_LEAD_SECONDS * 1000,
            Some(s) if (0.0..=3600.0).contains(&s) => (s * 1000.0) as u32,
            Some(_) => {
                return Err(AuthError::option(
                    "tokenExpiringSeconds",
                    "must be between 0 and 3600 seconds",
                ))
            }
        };
        let log_level = match o.log_level {
            Some(text) => LogLevel::parse(&text)?,
            None => DEFAULT_LOG_LEVEL,
        };
        let api_origins = o.api_origins.unwrap_or_default();
        for origin in &api_origins {
            // Exactly an origin: a path or a trailing slash would suggest a
            // narrower grant than the origin-wide one it is.
            let exact = check_option_url(urls, origin, "").is_ok_and(|u| u.origin == *origin);
            if !exact {
                return Err(AuthError::option(
                    "apiOrigins",
                    "each must be an origin such as https://api.example (https, or http on loopback)",
                ));
            }
        }
        let mut endpoints = Endpoints::for_issuer(&issuer);
        let mut explicit_endpoints = Vec::new();
        let e = o.endpoints.unwrap_or_default();
        let overrides = [
            (
                "authorization",
                e.authorization,
                &mut endpoints.authorization,
            ),
            ("token", e.token, &mut endpoints.token),
            ("revocation", e.revocation, &mut endpoints.revocation),
            ("userinfo", e.userinfo, &mut endpoints.userinfo),
            ("jwks", e.jwks, &mut endpoints.jwks),
            (
                "deviceAuthorization",
                e.device_authorization,
                &mut endpoints.device_authorization,
            ),
            (
                "pushedAuthorization",
                e.pushed_authorization,
                &mut endpoints.pushed_authorization,
            ),
        ];
        // The defaults derive from the issuer, checked above; each override is checked here.
        for (name, url, slot) in overrides {
            if let Some(url) = url {
                web_url(urls, &url, &format!("endpoints.{name}"))?;
                explicit_endpoints.push(name.to_string());
                *slot = url;
            }
        }
        if let Some(url) = e.end_session {
            web_url(urls, &url, "endpoints.endSession")?;
            explicit_endpoints.push("endSession".to_string());
            endpoints.end_session = Some(url);
        }
        Ok(Config {
            client_id,
            redirect_uri,
            issuer,
            scope,
            endpoints,
            storage,
            use_par: o.use_par.unwrap_or(false),
            dpop: o.dpop.unwrap_or(false),
            api_origins,
            discovery: o.discovery.unwrap_or(false),
            clock_skew_seconds,
            http_timeout_ms,
            token_expiring_ms,
            auto_refresh: o.auto_refresh.unwrap_or(false),
            client_secret: o
                .client_secret
                .filter(|s| !s.is_empty())
                .map(ClientSecret::new),
            explicit_endpoints,
            silent_redirect_uri,
            silent_timeout_ms,
            log_level,
        })
    }

    /// True when `scope` asks for OpenID Connect (so an ID token and a nonce).
    pub fn wants_openid(scope: &str) -> bool {
        scope.split(' ').any(|s| s == "openid")
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::url::WhatwgUrl;

    fn base() -> AuthClientOptions {
        AuthClientOptions {
            client_id: Some("550e8400-e29b-41d4-a716-446655440000".into()),
            redirect_uri: Some("https://app.example/callback".into()),
            ..AuthClientOptions::default()
        }
    }

    #[test]
    fn a_store_object_makes_the_storage_custom_and_no_name_does() {
        let mut o = base();
        o.custom_storage = true;
        let c = Config::from_options(o, &WhatwgUrl).unwrap();
        assert_eq!(c.storage, StorageKind::Custom);
        // There is no name for it: only the face's flag (set for an object) picks it.
        let mut o = base();
        o.storage = Some("custom".into());
        let e = Config::from_options(o, &WhatwgUrl).err().unwrap();
        assert_eq!(e.option_name(), Some("storage"));
    }

    #[test]
    fn log_level_defaults_to_warn_and_a_bad_one_names_log_level() {
        use crate::core::log::Level;
        let c = Config::from_options(base(), &WhatwgUrl).unwrap();
        assert_eq!(c.log_level, LogLevel::From(Level::Warn));
        let mut o = base();
        o.log_level = Some("debug".into());
        let c = Config::from_options(o, &WhatwgUrl).unwrap();
        assert_eq!(c.log_level, LogLevel::From(Level::Debug));
        let mut o = base();
        o.log_level = Some("loud".into());
        let e = Config::from_options(o, &WhatwgUrl).unwrap_err();
        assert_eq!(e.option_name(), Some("logLevel"));
    }

    #[test]
    fn derives_provider_endpoints_from_issuer() {
        let c = Config::from_options(base(), &WhatwgUrl).unwrap();
        assert_eq!(c.issuer, "https://auth.xeonr.io");
        assert_eq!(
            c.endpoints.authorization,
            "https://auth.xeonr.io/auth/authorize"
        );
        assert_eq!(
            c.endpoints.token,
            "https://auth.xeonr.io/api/v1/oauth/token"
        );
        assert_eq!(
            c.endpoints.device_authorization,
            "https://auth.xeonr.io/api/v1/oauth/code"
        );
        assert_eq!(
            c.endpoints.revocation,
            "https://auth.xeonr.io/api/v1/oauth/revoke"
        );
        assert_eq!(
            c.endpoints.userinfo,
            "https://auth.xeonr.io/api/v1/userinfo"
        );
        assert_eq!(
            c.endpoints.jwks,
            "https://auth.xeonr.io/.well-known/jwks.json"
        );
        assert_eq!(
            c.endpoints.pushed_authorization,
            "https://auth.xeonr.io/api/v1/oauth/par"
        );
        assert_eq!(c.endpoints.end_session, None);
        assert_eq!(c.scope, "openid profile email");
        assert_eq!(c.storage, StorageKind::Session);
        assert_eq!(c.clock_skew_seconds, 60);
        assert_eq!(c.http_timeout_ms, 30_000);
    }

    #[test]
    fn explicit_endpoints_win() {
        let mut o = base();
        o.issuer = Some("http://127.0.0.1:3000/".into());
        o.endpoints = Some(EndpointOptions {
            token: Some("http://127.0.0.1:3000/t".into()),
            end_session: Some("http://127.0.0.1:3000/logout".into()),
            ..EndpointOptions::default()
        });
        let c = Config::from_options(o, &WhatwgUrl).unwrap();
        assert_eq!(c.endpoints.token, "http://127.0.0.1:3000/t");
        assert_eq!(
            c.endpoints.authorization,
            "http://127.0.0.1:3000/auth/authorize"
        );
        assert_eq!(
            c.endpoints.end_session.as_deref(),
            Some("http://127.0.0.1:3000/logout")
        );
    }

    fn code_of(o: AuthClientOptions) -> String {
        Config::from_options(o, &WhatwgUrl)
            .unwrap_err()
            .code()
            .to_string()
    }

    #[test]
    fn refuses_bad_options() {
        let mut o = base();
        o.client_id = None;
        assert_eq!(code_of(o), "invalid_options");
        let mut o = base();
        o.client_id = Some("  ".into());
        assert_eq!(code_of(o), "invalid_options");
        let mut o = base();
        o.redirect_uri = Some("https://app.example/cb#frag".into());
        assert_eq!(code_of(o), "invalid_options");
        let mut o = base();
        o.issuer = Some("not a url".into());
        assert_eq!(code_of(o), "invalid_options");
        let mut o = base();
        o.issuer = Some("http://auth.example".into());
        assert_eq!(code_of(o), "invalid_options");
        let mut o = base();
        o.endpoints = Some(EndpointOptions {
            token: Some("http://evil.example/token".into()),
            ..EndpointOptions::default()
        });
        assert_eq!(code_of(o), "invalid_options");
        let mut o = base();
        o.storage = Some("cookie".into());
        assert_eq!(code_of(o), "invalid_options");
        let mut o = base();
        o.clock_skew_seconds = Some(-1.0);
        assert_eq!(code_of(o), "invalid_options");
        for bad in [0.5, 601.0, f64::NAN] {
            let mut o = base();
            o.http_timeout_seconds = Some(bad);
            let e = Config::from_options(o, &WhatwgUrl).unwrap_err();
            assert_eq!(e.option_name(), Some("httpTimeoutSeconds"), "{bad}");
        }
        for bad in [-1.0, 3601.0] {
            let mut o = base();
            o.token_expiring_seconds = Some(bad);
            let e = Config::from_options(o, &WhatwgUrl).unwrap_err();
            assert_eq!(e.option_name(), Some("tokenExpiringSeconds"), "{bad}");
        }
        let mut o = base();
        o.http_timeout_seconds = Some(2.5);
        assert_eq!(
            Config::from_options(o, &WhatwgUrl).unwrap().http_timeout_ms,
            2_500
        );
        let mut o = base();
        o.clock_skew_seconds = Some(-1.0);
        assert_eq!(code_of(o), "invalid_options");
    }

    #[test]
    fn silent_sign_in_options_are_checked_and_named() {
        let c = Config::from_options(base(), &WhatwgUrl).unwrap();
        assert_eq!(c.silent_redirect_uri, None, "off unless asked for");
        assert_eq!(c.silent_timeout_ms, 10_000);
        let bad_uris = [
            "",
            " ",
            "silent.html",
            "ftp://app.example/silent",
            "http://app.example/silent",
            "https://app.example/silent#f",
        ];
        for bad in bad_uris {
            let mut o = base();
            o.silent_redirect_uri = Some(bad.into());
            let e = Config::from_options(o, &WhatwgUrl).unwrap_err();
            assert_eq!(e.option_name(), Some("silentRedirectUri"), "{bad:?}");
        }
        for bad in [0.0, 0.5, 301.0, -1.0, f64::NAN, f64::INFINITY] {
            let mut o = base();
            o.silent_timeout_seconds = Some(bad);
            let e = Config::from_options(o, &WhatwgUrl).unwrap_err();
            assert_eq!(e.option_name(), Some("silentTimeoutSeconds"), "{bad}");
        }
        let mut o = base();
        o.silent_redirect_uri = Some("http://127.0.0.1:8080/silent.html".into());
        o.silent_timeout_seconds = Some(1.5);
        let c = Config::from_options(o, &WhatwgUrl).unwrap();
        assert_eq!(
            c.silent_redirect_uri.as_deref(),
            Some("http://127.0.0.1:8080/silent.html")
        );
        assert_eq!(c.silent_timeout_ms, 1_500);
    }

    #[test]
    fn each_option_error_names_its_option() {
        let option_of = |o: AuthClientOptions| {
            let e = Config::from_options(o, &WhatwgUrl).unwrap_err();
            assert_eq!(e.code(), "invalid_options");
            let name = e.option_name().unwrap_or_default().to_string();
            assert!(
                e.message().contains(&format!("\"{name}\"")),
                "{}",
                e.message()
            );
            name
        };
        type Spoil = fn(&mut AuthClientOptions);
        let cases: [(&str, Spoil); 9] = [
            ("clientId", |o| o.client_id = None),
            ("clientId", |o| o.client_id = Some("x".repeat(300))),
            ("redirectUri", |o| {
                o.redirect_uri = Some("ftp://app.example/".into())
            }),
            ("redirectUri", |o| {
                o.redirect_uri = Some("https://app.example/#f".into())
            }),
            ("issuer", |o| {
                o.issuer = Some("https://auth.example/?q".into())
            }),
            ("scope", |o| o.scope = Some(" ".into())),
            ("storage", |o| o.storage = Some("cookie".into())),
            ("clockSkewSeconds", |o| o.clock_skew_seconds = Some(7200.0)),
            ("endpoints.userinfo", |o| {
                o.endpoints = Some(EndpointOptions {
                    userinfo: Some("http://api.example/me".into()),
                    ..EndpointOptions::default()
                })
            }),
        ];
        for (name, spoil) in cases {
            let mut o = base();
            spoil(&mut o);
            assert_eq!(option_of(o), name);
        }
    }

    #[test]
    fn redirect_uri_may_be_left_out_for_server_only_grants() {
        let mut o = base();
        o.redirect_uri = None;
        let c = Config::from_options(o, &WhatwgUrl).unwrap();
        assert_eq!(c.redirect_uri, None);
    }

    #[test]
    fn debug_never_shows_the_client_secret() {
        let mut o = base();
        o.client_secret = Some("s3cr3t".into());
        assert!(!format!("{o:?}").contains("s3cr3t"));
        let c = Config::from_options(o, &WhatwgUrl).unwrap();
        assert!(!format!("{c:?}").contains("s3cr3t"));
        assert!(format!("{c:?}").contains("[redacted]"));
    }

    #[test]
    fn api_origins_are_exact_secure_origins() {
        let with = |origins: &[&str]| {
            let mut o = base();
            o.api_origins = Some(origins.iter().map(|s| s.to_string()).collect());
            Config::from_options(o, &WhatwgUrl)
        };
        let c = with(&["https://api.example", "http://127.0.0.1:8080"]).unwrap();
        assert_eq!(
            c.api_origins,
            ["https://api.example", "http://127.0.0.1:8080"]
        );
        for bad in [
            "https://api.example/",
            "https://api.example/v1",
            "http://api.example",
            "https://user@api.example",
            "HTTPS://API.EXAMPLE",
            "api.example",
            "",
        ] {
            let e = with(&[bad]).unwrap_err();
            assert_eq!(e.code(), "invalid_options", "{bad}");
            assert_eq!(e.option_name(), Some("apiOrigins"), "{bad}");
        }
        assert!(with(&[]).unwrap().api_origins.is_empty());
    }

    #[test]
    fn knows_openid_scope() {
        assert!(Config::wants_openid("profile openid"));
        assert!(!Config::wants_openid("openidx profile"));
    }
}
