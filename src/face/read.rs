//! Reading JavaScript option objects field by field (no serde deserializer:
//! it would cost more than the whole protocol core).

use crate::core::authorize::LoginRequest;
use crate::core::config::Options;
use crate::core::device::DeviceAuthorization;
use crate::core::error::{AuthError, ErrorCode};
use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

fn wrong(key: &str, message: &'static str) -> AuthError {
    let mut e = AuthError::new(ErrorCode::InvalidOptions, message);
    e.description = Some(key.to_string());
    e
}

/// An options object; `undefined` and `null` read as empty.
pub struct Fields<'a>(pub &'a JsValue);

impl Fields<'_> {
    fn raw(&self, key: &str) -> Result<Option<JsValue>, AuthError> {
        if self.0.is_undefined() || self.0.is_null() {
            return Ok(None);
        }
        if !self.0.is_object() {
            return Err(wrong(key, "options must be an object"));
        }
        let v = Reflect::get(self.0, &JsValue::from_str(key))
            .map_err(|_| wrong(key, "an option could not be read"))?;
        Ok((!v.is_undefined() && !v.is_null()).then_some(v))
    }

    /// Refuses keys outside `known`: a typo (`clientID`) should fail loudly.
    pub fn only(&self, known: &[&str]) -> Result<(), AuthError> {
        if !self.0.is_object() {
            return Ok(());
        }
        for key in Object::keys(self.0.unchecked_ref::<Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.contains(&key.as_str()) {
                return Err(wrong(&key, "unknown option"));
            }
        }
        Ok(())
    }

    pub fn string(&self, key: &str) -> Result<Option<String>, AuthError> {
        match self.raw(key)? {
            None => Ok(None),
            Some(v) => v
                .as_string()
                .map(Some)
                .ok_or_else(|| wrong(key, "this option must be a string")),
        }
    }

    pub fn number(&self, key: &str) -> Result<Option<f64>, AuthError> {
        match self.raw(key)? {
            None => Ok(None),
            Some(v) => match v.as_f64() {
                Some(n) if n.is_finite() => Ok(Some(n)),
                _ => Err(wrong(key, "this option must be a finite number")),
            },
        }
    }

    pub fn bool_or(&self, key: &str, default: bool) -> Result<bool, AuthError> {
        match self.raw(key)? {
            None => Ok(default),
            Some(v) => v
                .as_bool()
                .ok_or_else(|| wrong(key, "this option must be true or false")),
        }
    }

    pub fn bool(&self, key: &str) -> Result<bool, AuthError> {
        self.bool_or(key, false)
    }

    /// An object-valued field, as it is.
    pub fn object(&self, key: &str) -> Result<Option<JsValue>, AuthError> {
        match self.raw(key)? {
            None => Ok(None),
            Some(v) if v.is_object() => Ok(Some(v)),
            Some(_) => Err(wrong(key, "this option must be an object")),
        }
    }

    /// A plain object of string values, as `(key, value)` pairs.
    pub fn string_map(&self, key: &str) -> Result<Vec<(String, String)>, AuthError> {
        let Some(v) = self.raw(key)? else {
            return Ok(Vec::new());
        };
        if !v.is_object() || Array::is_array(&v) {
            return Err(wrong(key, "this option must be an object of strings"));
        }
        let mut out = Vec::new();
        for entry in Object::entries(v.unchecked_ref::<Object>()).iter() {
            let pair: Array = entry.unchecked_into();
            let k = pair.get(0).as_string().unwrap_or_default();
            match pair.get(1).as_string() {
                Some(value) => out.push((k, value)),
                None => return Err(wrong(&k, "this option must be a string")),
            }
        }
        Ok(out)
    }

    /// A string or an array of strings.
    pub fn strings(&self, key: &str) -> Result<Vec<String>, AuthError> {
        let Some(v) = self.raw(key)? else {
            return Ok(Vec::new());
        };
        if let Some(s) = v.as_string() {
            return Ok(vec![s]);
        }
        if !Array::is_array(&v) {
            return Err(wrong(
                key,
                "this option must be a string or an array of strings",
            ));
        }
        let arr: Array = v.unchecked_into();
        let mut out = Vec::new();
        for i in 0..arr.length() {
            match arr.get(i).as_string() {
                Some(s) => out.push(s),
                None => return Err(wrong(key, "this option must be an array of strings")),
            }
        }
        Ok(out)
    }
}

const CLIENT_OPTIONS: &[&str] = &[
    "clientId",
    "redirectUri",
    "issuer",
    "scope",
    "endpoints",
    "discovery",
    "storage",
    "usePar",
    "clockSkewSeconds",
    "clientSecret",
];

/// The `AuthClient` constructor's options.
pub fn options(value: &JsValue) -> Result<Options, AuthError> {
    let f = Fields(value);
    if !value.is_object() {
        return Err(AuthError::new(
            ErrorCode::InvalidOptions,
            "options with clientId and redirectUri are required",
        ));
    }
    f.only(CLIENT_OPTIONS)?;
    Ok(Options {
        client_id: f.string("clientId")?,
        redirect_uri: f.string("redirectUri")?,
        issuer: f.string("issuer")?,
        scope: f.string("scope")?,
        storage: f.string("storage")?,
        use_par: f.bool("usePar")?,
        discovery: f.bool("discovery")?,
        clock_skew_seconds: f.number("clockSkewSeconds")?,
        client_secret: f.string("clientSecret")?,
        endpoints: f.string_map("endpoints")?,
    })
}

const LOGIN_OPTIONS: &[&str] = &[
    "appState",
    "scope",
    "prompt",
    "loginHint",
    "maxAge",
    "acrValues",
    "resource",
    "extraParams",
    "responseMode",
    "responseType",
    "timeoutSeconds",
];

/// The options of `loginWithRedirect`, `buildAuthorizeUrl` and `loginWithImplicit`.
pub fn login_request(value: &JsValue) -> Result<LoginRequest, AuthError> {
    let f = Fields(value);
    f.only(LOGIN_OPTIONS)?;
    let app_state = match f.raw("appState")? {
        None => None,
        Some(v) => Some(
            JSON::stringify(&v)
                .ok()
                .and_then(|s| s.as_string())
                .ok_or_else(|| wrong("appState", "appState must be JSON-serializable"))?,
        ),
    };
    let max_age = match f.number("maxAge")? {
        None => None,
        Some(n) if (0.0..=u32::MAX as f64).contains(&n) && n.fract() == 0.0 => Some(n as u32),
        Some(_) => return Err(wrong("maxAge", "maxAge must be a whole number of seconds")),
    };
    let response_mode_fragment = match f.string("responseMode")?.as_deref() {
        None | Some("query") => false,
        Some("fragment") => true,
        Some(_) => {
            return Err(wrong(
                "responseMode",
                "responseMode must be \"query\" or \"fragment\"",
            ))
        }
    };
    Ok(LoginRequest {
        scope: f.string("scope")?,
        prompt: f.string("prompt")?,
        login_hint: f.string("loginHint")?,
        max_age,
        acr_values: f.string("acrValues")?,
        resource: f.strings("resource")?,
        extra_params: f.string_map("extraParams")?,
        response_mode_fragment,
        app_state,
    })
}

/// A device authorization handed back by the app to `pollDeviceToken`, and
/// when it started (ms since the epoch).
pub fn device_authorization(value: &JsValue) -> Result<(DeviceAuthorization, u64), AuthError> {
    let f = Fields(value);
    let required = |key: &str| {
        f.string(key)?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| wrong(key, "pass the object startDeviceAuthorization returned"))
    };
    let device_code = required("deviceCode")?;
    let expires_in = f.number("expiresIn")?.unwrap_or(0.0).clamp(0.0, 86_400.0) as u32;
    let started_at = match f.number("expiresAt")? {
        Some(at) if at > 0.0 => (at as u64).saturating_sub(u64::from(expires_in) * 1000),
        _ => js_sys::Date::now() as u64,
    };
    Ok((
        DeviceAuthorization {
            device_code,
            user_code: f.string("userCode")?.unwrap_or_default(),
            verification_uri: f.string("verificationUri")?.unwrap_or_default(),
            verification_uri_complete: f.string("verificationUriComplete")?,
            expires_in,
            interval: f.number("interval")?.unwrap_or(5.0).clamp(5.0, 3600.0) as u32,
        },
        started_at,
    ))
}
