//! What the SDK tells the app's `logger`: a level, a fixed message and a few
//! typed fields.
//!
//! Nothing secret can reach a log line, by construction rather than by care:
//! a message is a `&'static str` (text written in this crate, never a value
//! read at run time), and a [`Field`] is one of a few kinds that hold no text
//! of their own but an endpoint without its query and fragment
//! ([`Endpoint`]), a method, a number, or an error's code variant (never a
//! server's `error_description`, which can echo what it was sent, nor a code
//! the SDK does not know).

use super::error::{AuthError, ErrorCode, ErrorKind, OAuthErrorCode};
use super::url::{parse_web_url, UrlParser};

/// How much a line matters, lowest first.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub enum Level {
    /// The flows' steps: requests, answers, refreshes shared, hand-overs.
    Debug,
    Info,
    /// Something went wrong and the SDK carried on (a refused storage write).
    Warn,
    /// A background operation failed (the moments of the `error` event).
    Error,
}

impl Level {
    /// The level as the logger receives it.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

/// The `logLevel` option: the lowest level passed to the logger, or none.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum LogLevel {
    From(Level),
    Off,
}

/// `logLevel` when the app names none: problems, not the steps.
pub const DEFAULT_LOG_LEVEL: LogLevel = LogLevel::From(Level::Warn);

impl LogLevel {
    /// Reads the `logLevel` option.
    pub fn parse(text: &str) -> Result<Self, AuthError> {
        Ok(match text {
            "debug" => LogLevel::From(Level::Debug),
            "info" => LogLevel::From(Level::Info),
            "warn" => LogLevel::From(Level::Warn),
            "error" => LogLevel::From(Level::Error),
            "off" => LogLevel::Off,
            _ => {
                return Err(AuthError::option(
                    "logLevel",
                    "must be \"debug\", \"info\", \"warn\", \"error\" or \"off\"",
                ))
            }
        })
    }

    /// True when a line at `level` goes to the logger.
    pub fn allows(self, level: Level) -> bool {
        match self {
            LogLevel::From(lowest) => level >= lowest,
            LogLevel::Off => false,
        }
    }
}

/// An HTTP method the SDK sends.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// A web URL's origin and path, as the URL parser serialized them: its
/// query and fragment are never kept (a query can carry a code, a `state`
/// or a token hint), and a URL with user-info is no endpoint at all.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Endpoint(String);

impl Endpoint {
    /// The endpoint `url` names, or `None` when it is not a web URL.
    pub fn of(urls: &dyn UrlParser, url: &str) -> Option<Endpoint> {
        let url = parse_web_url(urls, url)?;
        Some(Endpoint(url.origin + &url.pathname))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An error as a log line names it: the SDK's code, or a server's OAuth
/// code that the SDK knows. A code it does not know is written by the
/// server alone, so it shows as `unknown_server_error`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ErrorName(ErrorKind);

impl ErrorName {
    pub fn of(e: &AuthError) -> Self {
        ErrorName(e.kind().clone())
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            ErrorKind::Sdk(code) => code.as_str(),
            ErrorKind::Server(OAuthErrorCode::Other(_)) => "unknown_server_error",
            ErrorKind::Server(code) => code.as_str(),
        }
    }
}

/// One field of a log line. Each kind has a fixed name (what the logger's
/// `fields` object is keyed by) and a value that is a number or text the
/// SDK wrote or checked.
#[derive(Clone, PartialEq, Debug)]
pub enum Field {
    Method(Method),
    /// Where a request went, without its query.
    Endpoint(Endpoint),
    /// The HTTP status of an answer.
    Status(u16),
    /// How long a request took, in milliseconds.
    DurationMs(u64),
    /// How many of something (keys in a JWKS).
    Count(usize),
    /// How long the SDK waits before its next step, in milliseconds.
    WaitMs(u64),
    /// The provider's clock minus ours, in seconds.
    SkewSeconds(i64),
    /// The code of an error.
    Error(ErrorName),
}

/// A field's value as the logger receives it.
#[derive(Clone, Copy, PartialEq, Debug)]
pub enum FieldValue<'a> {
    Text(&'a str),
    Number(f64),
}

impl Field {
    /// The error's code variant (never its description).
    pub fn error(e: &AuthError) -> Field {
        Field::Error(ErrorName::of(e))
    }

    /// The field's key in the logger's `fields` object.
    pub fn name(&self) -> &'static str {
        match self {
            Field::Method(_) => "method",
            Field::Endpoint(_) => "endpoint",
            Field::Status(_) => "status",
            Field::DurationMs(_) => "durationMs",
            Field::Count(_) => "count",
            Field::WaitMs(_) => "waitMs",
            Field::SkewSeconds(_) => "skewSeconds",
            Field::Error(_) => "error",
        }
    }

    pub fn value(&self) -> FieldValue<'_> {
        match self {
            Field::Method(m) => FieldValue::Text(m.as_str()),
            Field::Endpoint(e) => FieldValue::Text(e.as_str()),
            Field::Status(s) => FieldValue::Number(f64::from(*s)),
            Field::DurationMs(ms) | Field::WaitMs(ms) => FieldValue::Number(*ms as f64),
            Field::Count(n) => FieldValue::Number(*n as f64),
            Field::SkewSeconds(s) => FieldValue::Number(*s as f64),
            Field::Error(e) => FieldValue::Text(e.as_str()),
        }
    }
}

/// A line as text (`warn storage refused a write error=storage_unavailable`),
/// for runtimes and tests that keep lines as text.
pub fn render(level: Level, message: &str, fields: &[Field]) -> String {
    let mut line = format!("{} {message}", level.as_str());
    for f in fields {
        match f.value() {
            FieldValue::Text(t) => line.push_str(&format!(" {}={t}", f.name())),
            FieldValue::Number(n) => line.push_str(&format!(" {}={n}", f.name())),
        }
    }
    line
}

/// The SDK's own codes that a log line may carry are its `ErrorCode`s.
impl From<ErrorCode> for ErrorName {
    fn from(code: ErrorCode) -> Self {
        ErrorName(ErrorKind::Sdk(code))
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::core::url::WhatwgUrl;

    #[test]
    fn the_level_lets_through_its_own_and_higher_levels_only() {
        let warn = LogLevel::parse("warn").unwrap();
        assert!(!warn.allows(Level::Debug));
        assert!(!warn.allows(Level::Info));
        assert!(warn.allows(Level::Warn));
        assert!(warn.allows(Level::Error));
        let debug = LogLevel::parse("debug").unwrap();
        assert!(debug.allows(Level::Debug) && debug.allows(Level::Error));
        let error = LogLevel::parse("error").unwrap();
        assert!(!error.allows(Level::Warn) && error.allows(Level::Error));
        let off = LogLevel::parse("off").unwrap();
        for level in [Level::Debug, Level::Info, Level::Warn, Level::Error] {
            assert!(!off.allows(level));
        }
        assert_eq!(DEFAULT_LOG_LEVEL, warn);
    }

    #[test]
    fn a_log_level_that_is_none_of_the_five_is_invalid_options_naming_log_level() {
        for bad in ["", "WARN", "verbose", "trace", " warn", "none"] {
            let e = LogLevel::parse(bad).unwrap_err();
            assert!(e.is(ErrorCode::InvalidOptions), "{bad:?}");
            assert_eq!(e.option_name(), Some("logLevel"));
        }
    }

    #[test]
    fn an_endpoint_keeps_origin_and_path_never_query_fragment_or_user_info() {
        let url =
            "https://auth.example:8443/api/v1/oauth/token?code=SECRET&state=S#access_token=AT";
        let e = Endpoint::of(&WhatwgUrl, url).unwrap();
        assert_eq!(e.as_str(), "https://auth.example:8443/api/v1/oauth/token");
        for secret in ["SECRET", "state", "AT"] {
            assert!(!e.as_str().contains(secret), "{secret}");
        }
        // A URL with user-info is no endpoint the SDK sends to: not logged at all.
        assert_eq!(
            Endpoint::of(&WhatwgUrl, "https://user:pw@auth.example/t"),
            None
        );
        // A `?` or `#` the parser reads as part of the path stays escaped.
        let e = Endpoint::of(&WhatwgUrl, "https://auth.example/a%3Fb?c=d").unwrap();
        assert_eq!(e.as_str(), "https://auth.example/a%3Fb");
        assert_eq!(Endpoint::of(&WhatwgUrl, "not a url"), None);
        assert_eq!(Endpoint::of(&WhatwgUrl, "javascript:alert(1)"), None);
    }

    #[test]
    fn an_error_field_names_the_code_never_the_description_or_an_unknown_code() {
        let e = AuthError::oauth(
            "invalid_grant",
            Some("refresh token RT-SECRET is bad"),
            None,
        );
        let line = render(Level::Error, "refresh failed", &[Field::error(&e)]);
        assert_eq!(line, "error refresh failed error=invalid_grant");
        let e = AuthError::oauth("RT-SECRET", Some("x"), Some(400));
        let line = render(Level::Error, "refresh failed", &[Field::error(&e)]);
        assert_eq!(line, "error refresh failed error=unknown_server_error");
        let e = AuthError::new(ErrorCode::NetworkError, "down");
        assert_eq!(Field::error(&e).value(), FieldValue::Text("network_error"));
    }

    #[test]
    fn fields_render_with_their_names_and_values() {
        let endpoint = Endpoint::of(&WhatwgUrl, "https://auth.example/token?x=1").unwrap();
        let fields = [
            Field::Method(Method::Post),
            Field::Endpoint(endpoint),
            Field::Status(200),
            Field::DurationMs(12),
            Field::Count(3),
            Field::WaitMs(5000),
            Field::SkewSeconds(-90000),
            Field::Error(ErrorCode::StorageUnavailable.into()),
        ];
        assert_eq!(
            render(Level::Debug, "answer received", &fields),
            "debug answer received method=POST endpoint=https://auth.example/token status=200 \
             durationMs=12 count=3 waitMs=5000 skewSeconds=-90000 error=storage_unavailable"
        );
        let names: Vec<_> = fields.iter().map(Field::name).collect();
        assert_eq!(
            names,
            [
                "method",
                "endpoint",
                "status",
                "durationMs",
                "count",
                "waitMs",
                "skewSeconds",
                "error"
            ]
        );
    }
}
