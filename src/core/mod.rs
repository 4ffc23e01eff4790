//! Ring 1: the protocol core. Pure functions and small state machines over
//! plain Rust values: no web-sys, no js-sys, no I/O, no clock reads. The
//! orchestration layer passes in what the adapters read (time, random bytes,
//! HTTP answers) and gets decisions back.

pub mod authorize;
pub mod base64url;
pub mod callback;
pub mod config;
pub mod device;
pub mod discovery;
pub mod error;
pub mod form;
pub mod json;
pub mod jwt;
pub mod pkce;
pub mod sha256;
pub mod text;
pub mod tokens;
pub mod transaction;
pub mod url;
