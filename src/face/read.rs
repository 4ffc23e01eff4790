//! Reading JavaScript arguments into Rust types: each options object is a
//! `Deserialize` type, read by serde-wasm-bindgen. serde-wasm-bindgen only
//! looks up the names a type declares, so names the type does not know (a
//! typo such as `clientID`) are refused here, from the type's own list; a
//! value of the wrong type is refused naming its option.

use crate::browser::custom_storage::CustomStore;
use crate::core::authorize::LoginRequest;
use crate::core::config::{AuthClientOptions, EndpointOptions};
use crate::core::device::DeviceAuthorization;
use crate::core::error::{AuthError, ErrorCode};
use crate::core::one_or_many::OneOrMany;
use crate::core::secret::DeviceCode;
use serde::de::{self, DeserializeOwned, IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::cell::Cell;
use tsify::Tsify;
use wasm_bindgen::{JsCast, JsValue};

/// `extraParams`: an object of strings, read in the app's order into the
/// pairs the core takes (no B-tree: JavaScript keys are already unique).
#[derive(Clone)]
struct ExtraParams(Vec<(String, String)>);

impl<'de> Deserialize<'de> for ExtraParams {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pairs;

        impl<'de> Visitor<'de> for Pairs {
            type Value = ExtraParams;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of strings")
            }

            fn visit_map<M: MapAccess<'de>>(self, mut map: M) -> Result<ExtraParams, M::Error> {
                let mut pairs = Vec::new();
                while let Some(pair) = map.next_entry()? {
                    pairs.push(pair);
                }
                Ok(ExtraParams(pairs))
            }
        }

        deserializer.deserialize_map(Pairs)
    }
}

/// The field names a struct's `Deserialize` asks for, read from the impl
/// itself so the list of known options can never drift from the type.
fn field_names<T: DeserializeOwned>() -> &'static [&'static str] {
    struct Probe<'a>(&'a Cell<&'static [&'static str]>);

    impl<'de> Deserializer<'de> for Probe<'_> {
        type Error = de::value::Error;

        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("not a struct"))
        }

        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _: &'static str,
            fields: &'static [&'static str],
            _: V,
        ) -> Result<V::Value, Self::Error> {
            self.0.set(fields);
            Err(de::Error::custom("probed"))
        }

        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
            bytes byte_buf option unit unit_struct newtype_struct seq tuple
            tuple_struct map enum identifier ignored_any
        }
    }

    let names = Cell::new(&[][..]);
    let _ = T::deserialize(Probe(&names));
    names.get()
}

/// The known name an unknown one was probably meant to be: the same but for
/// letter case (`clientID`), one character added, dropped or changed (`tokn`,
/// `scopes`), or two neighbours swapped (`forceRefersh`).
fn did_you_mean(unknown: &str, known: &[&'static str]) -> Option<&'static str> {
    known.iter().copied().find(|k| {
        k.eq_ignore_ascii_case(unknown) || one_edit_apart(k, unknown) || one_swap_apart(k, unknown)
    })
}

/// True when `b` is `a` with two neighbouring characters swapped.
fn one_swap_apart(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let same = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    a.len() == b.len()
        && same + 1 < a.len()
        && a[same] == b[same + 1]
        && a[same + 1] == b[same]
        && a[same + 2..] == b[same + 2..]
}

/// True when `a` and `b` differ by exactly one inserted, deleted or changed
/// character. Linear: after the common prefix, the rest must match once the
/// one differing character is skipped.
fn one_edit_apart(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (long, short) = if a.len() >= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 || a == b {
        return false;
    }
    let same = long.iter().zip(short).take_while(|(x, y)| x == y).count();
    let skip_short = usize::from(long.len() == short.len());
    long.get(same + 1..) == short.get(same + skip_short..)
}

/// Refuses the own keys of `value` that are not in `known` (a type's
/// `field_names`). Not generic, so one copy serves every options type.
fn only_known(value: &JsValue, known: &[&'static str], prefix: &str) -> Result<(), AuthError> {
    for key in js_sys::Object::keys(value.unchecked_ref::<js_sys::Object>()).iter() {
        let key = key.as_string().unwrap_or_default();
        if !known.contains(&key.as_str()) {
            let problem = match did_you_mean(&key, known) {
                Some(k) => format!("unknown option (did you mean \"{prefix}{k}\"?)"),
                None => "unknown option".to_string(),
            };
            return Err(AuthError::option(&format!("{prefix}{key}"), &problem));
        }
    }
    Ok(())
}

/// Reads an options object into `T`: `undefined` and `null` read as `{}`;
/// anything but a plain object is refused.
///
/// Only the type's field list and its `Deserialize` are generic here: the
/// checks and the error are one non-generic copy for every options type.
pub fn read<T: DeserializeOwned>(value: &JsValue) -> Result<T, AuthError> {
    let value = options_object(value, field_names::<T>())?;
    read_named(&value, "")
}

/// Reads an options object already checked by [`options_object`] into `T`;
/// an option that does not read is named with `prefix` before its name.
fn read_named<T: DeserializeOwned>(value: &JsValue, prefix: &str) -> Result<T, AuthError> {
    serde_wasm_bindgen::from_value(value.clone()).map_err(|e| {
        wrong_option(value, e, field_names::<T>(), prefix, |alone| {
            serde_wasm_bindgen::from_value::<T>(alone).err()
        })
    })
}

/// `value` as an options object whose keys are all in `known`.
fn options_object(value: &JsValue, known: &[&'static str]) -> Result<JsValue, AuthError> {
    let value = if value.is_undefined() || value.is_null() {
        js_sys::Object::new().into()
    } else if value.is_object() && !js_sys::Array::is_array(value) && !value.is_function() {
        value.clone()
    } else {
        return Err(AuthError::new(
            ErrorCode::InvalidOptions,
            "options must be an object",
        ));
    };
    only_known(&value, known, "")?;
    Ok(value)
}

/// The error for an options object that did not read: it names the first
/// option that does not read on its own (every field of an options type is
/// optional, so an object of that one option is a whole options object).
/// `refusal` reads such a one-option object and says why it did not read;
/// `prefix` names the object the options are members of (`endpoints.`).
fn wrong_option(
    value: &JsValue,
    e: serde_wasm_bindgen::Error,
    known: &[&'static str],
    prefix: &str,
    refusal: fn(JsValue) -> Option<serde_wasm_bindgen::Error>,
) -> AuthError {
    for name in known {
        let key = JsValue::from_str(name);
        let item = js_sys::Reflect::get(value, &key).unwrap_or(JsValue::UNDEFINED);
        if item.is_undefined() {
            continue;
        }
        let alone = js_sys::Object::new();
        if js_sys::Reflect::set(&alone, &key, &item).is_err() {
            continue;
        }
        if let Some(e) = refusal(alone.into()) {
            return AuthError::option(&format!("{prefix}{name}"), &serde_message(e));
        }
    }
    let whole = prefix.strip_suffix('.').unwrap_or("options");
    AuthError::option(whole, &serde_message(e))
}

/// serde's own words for a value that did not read (`invalid type: ...`):
/// the `message` of the JavaScript `Error` serde-wasm-bindgen made of them.
fn serde_message(e: serde_wasm_bindgen::Error) -> String {
    member(&e.into(), "message").as_string().unwrap_or_default()
}

/// A member of `value` as it is (`undefined` when absent).
fn member(value: &JsValue, name: &str) -> JsValue {
    if !value.is_object() {
        return JsValue::UNDEFINED;
    }
    js_sys::Reflect::get(value, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// The `AuthClient` constructor's options, and the app's own store when
/// `storage` is an object rather than a name.
pub fn options(value: &JsValue) -> Result<(AuthClientOptions, Option<CustomStore>), AuthError> {
    if !value.is_object() {
        return Err(AuthError::new(
            ErrorCode::InvalidOptions,
            "options with clientId and redirectUri are required",
        ));
    }
    let endpoints = member(value, "endpoints");
    if endpoints.is_object() {
        only_known(&endpoints, field_names::<EndpointOptions>(), "endpoints.")?;
        // Read here first so that a member of the wrong type is named
        // (`endpoints.token`), not only the object that holds it.
        read_named::<EndpointOptions>(&endpoints, "endpoints.")?;
    }
    let storage = member(value, "storage");
    let (store, named) = if storage.is_undefined() || storage.is_null() || storage.is_string() {
        (None, value.clone())
    } else {
        // The other options are read without it (serde reads `storage` as a name).
        let rest = js_sys::Object::assign(&js_sys::Object::new(), value.unchecked_ref());
        let _ = js_sys::Reflect::delete_property(&rest, &JsValue::from_str("storage"));
        (Some(CustomStore::from_option(&storage)?), rest.into())
    };
    let mut o: AuthClientOptions = read(&named)?;
    o.custom_storage = store.is_some();
    Ok((o, store))
}

/// The `logger` option: a function, or absent (`undefined` or `null`).
pub fn logger(options: &JsValue) -> Result<Option<js_sys::Function>, AuthError> {
    let logger = member(options, "logger");
    if logger.is_undefined() || logger.is_null() {
        return Ok(None);
    }
    match logger.dyn_into::<js_sys::Function>() {
        Ok(f) => Ok(Some(f)),
        Err(_) => Err(AuthError::option(
            "logger",
            "must be a function (level, message, fields) => void",
        )),
    }
}

/// Where the provider puts the code: the query (default) or the fragment.
#[derive(Deserialize, Clone, Copy, PartialEq, Eq, Tsify)]
#[serde(rename_all = "lowercase")]
pub enum ResponseMode {
    Query,
    Fragment,
}

/// The options of `loginWithRedirect`, `buildAuthorizeUrl`,
/// `loginWithImplicit` and `loginWithPopup`. `TAppState` is the type of
/// your `appState` (TypeScript only: the value travels as JSON).
#[derive(Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(type_params = "TAppState = unknown")]
pub struct LoginOptions {
    /// Any JSON-serializable value, handed back by `handleRedirectCallback`
    /// (stored in this browser, never sent to the provider). A `returnTo` in
    /// it must be a path of this app (same origin).
    #[allow(dead_code)]
    #[tsify(optional, type = "TAppState")]
    app_state: Option<IgnoredAny>,
    /// Space-separated scopes for this login; default: the client's `scope`.
    #[tsify(optional)]
    scope: Option<String>,
    /// `none`, `login`, `consent`, `select_account` (OIDC Core §3.1.2.1).
    #[tsify(
        optional,
        type = "\"none\" | \"login\" | \"consent\" | \"select_account\" | (string & {})"
    )]
    prompt: Option<String>,
    /// A hint of who is signing in (an email or login name).
    #[tsify(optional)]
    login_hint: Option<String>,
    /// The longest time since the user last signed in, in seconds; the ID
    /// token's `auth_time` is checked against it.
    #[tsify(optional)]
    max_age: Option<f64>,
    /// Requested authentication context classes, space-separated.
    #[tsify(optional)]
    acr_values: Option<String>,
    /// Resource indicators (RFC 8707): absolute URIs of the APIs.
    #[tsify(optional, type = "string | string[]")]
    resource: Option<OneOrMany>,
    /// Extra authorization parameters; may not set the SDK's own.
    #[tsify(optional, type = "Record<string, string>")]
    extra_params: Option<ExtraParams>,
    /// Where the code comes back: `"query"` (default) or `"fragment"`.
    #[tsify(optional)]
    response_mode: Option<ResponseMode>,
    /// `loginWithImplicit` only: the legacy response type, asked for by name.
    #[tsify(optional, type = "\"token\" | \"id_token token\"")]
    pub response_type: Option<String>,
    /// `loginWithPopup` only: how long the popup may take, in seconds
    /// (default 300, 1 to 3600).
    #[tsify(optional)]
    pub timeout_seconds: Option<f64>,
}

/// `appState` as JSON text (what `handleRedirectCallback` hands back).
fn app_state(value: &JsValue) -> Result<Option<String>, AuthError> {
    let state = member(value, "appState");
    if state.is_undefined() || state.is_null() {
        return Ok(None);
    }
    js_sys::JSON::stringify(&state)
        .ok()
        .and_then(|s| s.as_string())
        .map(Some)
        .ok_or_else(|| AuthError::option("appState", "must be JSON-serializable"))
}

/// The login options and the request they make.
pub fn login_request(value: &JsValue) -> Result<(LoginOptions, LoginRequest), AuthError> {
    let o: LoginOptions = read(value)?;
    let max_age = match o.max_age {
        None => None,
        Some(n) if (0.0..=f64::from(u32::MAX)).contains(&n) && n.fract() == 0.0 => Some(n as u32),
        Some(_) => {
            return Err(AuthError::option(
                "maxAge",
                "must be a whole number of seconds",
            ))
        }
    };
    let request = LoginRequest {
        scope: o.scope.clone(),
        prompt: o.prompt.clone(),
        login_hint: o.login_hint.clone(),
        max_age,
        acr_values: o.acr_values.clone(),
        resource: o.resource.clone().map(|r| r.0).unwrap_or_default(),
        extra_params: o.extra_params.clone().map(|p| p.0).unwrap_or_default(),
        response_mode_fragment: o.response_mode == Some(ResponseMode::Fragment),
        app_state: app_state(value)?,
        redirect_uri: None,
    };
    Ok((o, request))
}

/// `getAccessToken`'s options.
#[derive(Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct GetAccessTokenOptions {
    /// Refresh even when the stored token is still good.
    #[tsify(optional)]
    pub force_refresh: Option<bool>,
    /// Refresh when the token has less than this left, in seconds (default 30).
    #[tsify(optional)]
    pub min_validity_seconds: Option<f64>,
    /// The API the token is for: its resource indicator (RFC 8707), an
    /// absolute URI without a fragment. Asked for with the refresh token
    /// (log in with `offline_access`, and with this `resource` where the
    /// provider asks for it), cached per `resource` and `scope`.
    #[tsify(optional)]
    pub resource: Option<String>,
    /// Space-separated scopes for that token (default: what the session was
    /// granted for the resource).
    #[tsify(optional)]
    pub scope: Option<String>,
}

/// `logout`'s options.
#[derive(Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct LogoutOptions {
    /// Where the end-session endpoint sends the browser afterwards.
    #[tsify(optional)]
    pub return_to: Option<String>,
    /// Revoke the refresh and access tokens first (RFC 7009). Default true.
    #[tsify(optional)]
    pub revoke: Option<bool>,
}

/// The options of the calls that only take a `scope`.
#[derive(Deserialize, Tsify)]
pub struct ScopeOptions {
    /// Space-separated scopes; default: the client's `scope`.
    #[tsify(optional)]
    pub scope: Option<String>,
}

/// `pollDeviceToken`'s options.
#[derive(Deserialize, Tsify)]
pub struct PollOptions {
    /// Aborting it rejects the poll at once with `aborted`.
    #[allow(dead_code)]
    #[tsify(optional, type = "AbortSignal")]
    signal: Option<IgnoredAny>,
}

/// `signal` of `pollDeviceToken`'s options: an `AbortSignal`, or nothing.
/// Anything else (an `AbortController` is an easy slip) is refused before
/// any work.
pub fn signal(value: &JsValue) -> Result<Option<web_sys::AbortSignal>, AuthError> {
    let _: PollOptions = read(value)?;
    let signal = member(value, "signal");
    if signal.is_undefined() || signal.is_null() {
        return Ok(None);
    }
    signal
        .dyn_into::<web_sys::AbortSignal>()
        .map(Some)
        .map_err(|_| {
            AuthError::option(
                "signal",
                "must be an AbortSignal (pass controller.signal, not the controller)",
            )
        })
}

/// The device authorization `startDeviceAuthorization` returned, as the app
/// hands it back to `pollDeviceToken`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DeviceAuthorizationInput {
    device_code: Option<String>,
    user_code: Option<String>,
    verification_uri: Option<String>,
    verification_uri_complete: Option<String>,
    /// Seconds.
    expires_in: Option<f64>,
    /// Seconds.
    interval: Option<f64>,
    /// Milliseconds since the epoch.
    expires_at: Option<f64>,
}

/// A device authorization handed back by the app to `pollDeviceToken`, and
/// when it started (ms since the epoch).
pub fn device_authorization(value: &JsValue) -> Result<(DeviceAuthorization, u64), AuthError> {
    let d: DeviceAuthorizationInput = read(value)?;
    let device_code = d.device_code.filter(|s| !s.is_empty()).ok_or_else(|| {
        AuthError::option(
            "deviceCode",
            "pass the object startDeviceAuthorization returned",
        )
    })?;
    let expires_in = d.expires_in.unwrap_or(0.0).clamp(0.0, 86_400.0) as u32;
    let started_at = match d.expires_at {
        Some(at) if at > 0.0 && at.is_finite() => {
            (at as u64).saturating_sub(u64::from(expires_in) * 1000)
        }
        _ => js_sys::Date::now() as u64,
    };
    Ok((
        DeviceAuthorization {
            device_code: DeviceCode::new(device_code),
            user_code: d.user_code.unwrap_or_default(),
            verification_uri: d.verification_uri.unwrap_or_default(),
            verification_uri_complete: d.verification_uri_complete,
            expires_in,
            interval: d.interval.unwrap_or(5.0).clamp(5.0, 3600.0).ceil() as u32,
        },
        started_at,
    ))
}
