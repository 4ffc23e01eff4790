//! Ring 1: the protocol core. Pure functions and small state machines over
//! plain Rust values: no web-sys, no js-sys, no I/O, no clock reads. The
//! orchestration layer passes in what the adapters read (time, random bytes,
//! HTTP answers, JSON the runtime decoded into the types here) and gets
//! decisions back.

pub mod authorize;
pub mod callback;
pub mod config;
pub mod device;
pub mod discovery;
pub mod dpop;
pub mod error;
pub mod expiry;
pub mod form;
pub mod jwt;
pub mod keys;
pub mod log;
pub mod one_or_many;
pub mod pkce;
pub mod resource;
pub mod secret;
pub mod tokens;
pub mod transaction;
pub mod url;
