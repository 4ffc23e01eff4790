//! The app's `logger` function as the [`Log`] port: each line is a call
//! `logger(level, message, fields)` with `fields` a plain object of the
//! line's [`Field`]s.

use crate::core::log::{Field, FieldValue, Level};
use crate::ports::Log;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(module = "/src/browser/web.js")]
extern "C" {
    /// Calls the logger; a throw or a rejected promise it answers is dropped.
    #[wasm_bindgen(js_name = logLine)]
    fn log_line(logger: &js_sys::Function, level: &str, message: &str, fields: &js_sys::Object);
}

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
        // A logger that throws or rejects is the app's problem, never the
        // flow's nor the page's (web.js drops both).
        log_line(logger, level.as_str(), message, &object);
    }
}
