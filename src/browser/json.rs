//! JSON through the JavaScript engine: `JSON.parse` and `JSON.stringify`,
//! with serde-wasm-bindgen between JavaScript values and the core's types.
//! A document parsed here builds its objects as `JSON.parse` does (a
//! `__proto__` member is an own property, never the prototype), and numbers
//! are the engine's own, correctly rounded.

use crate::ports::JsonCodec;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// The JavaScript engine's JSON.
#[derive(Clone, Copy, Default)]
pub struct EngineJson;

impl JsonCodec for EngineJson {
    type Value = JsValue;

    fn parse(&self, text: &str) -> Option<JsValue> {
        js_sys::JSON::parse(text).ok()
    }

    fn read<T: DeserializeOwned>(&self, value: &JsValue) -> Option<T> {
        serde_wasm_bindgen::from_value(value.clone()).ok()
    }

    fn write<T: Serialize>(&self, value: &T) -> Option<String> {
        let serializer = serde_wasm_bindgen::Serializer::json_compatible();
        let js = value.serialize(&serializer).ok()?;
        js_sys::JSON::stringify(&js).ok()?.as_string()
    }
}
