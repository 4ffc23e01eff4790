//! The app's `logger` function as the [`Log`] port: each line is a call
//! `logger(level, message, fields)` with `fields` a plain object of the
//! line's [`Field`]s.

use crate::core::log::{Field, FieldValue, Level};
use crate::ports::Log;
use wasm_bindgen::JsValue;

/// The `logger` option, when the app gave one.
#[derive(Default)]
pub struct JsLog(pub Option<js_sys::Function>);

impl Log for JsLog {
    fn enabled(&self) -> bool {
        self.0.is_some()
    }

    fn write(&self, level: Level, message: &'static str, fields: &[Field]) {
        let Some(logger) = &self.0 else {
            return;
        };
        let object = js_sys::Object::new();
        for field in fields {
            let value = match field.value() {
                FieldValue::Text(text) => JsValue::from_str(text),
                FieldValue::Number(n) => JsValue::from_f64(n),
            };
            let _ = js_sys::Reflect::set(&object, &JsValue::from_str(field.name()), &value);
        }
        // A logger that throws is the app's problem, never the flow's: the
        // exception is dropped here.
        let _ = logger.call3(
            &JsValue::UNDEFINED,
            &JsValue::from_str(level.as_str()),
            &JsValue::from_str(message),
            &object,
        );
    }
}
