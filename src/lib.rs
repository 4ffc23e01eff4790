//! # wasm-oauth
//!
//! OAuth 2.0 / OpenID Connect for browser apps: a Rust core compiled to
//! WebAssembly and shipped as an npm package.
//!
//! The crate is three rings, and data flows one way through them:
//!
//! 1. [`core`]: the protocol as pure functions (PKCE, authorization requests,
//!    callback parsing, token responses, ID-token claims, pending logins).
//!    No I/O and no clock: everything is tested natively with RFC vectors.
//! 2. [`client`] + [`ports`]: the orchestration of each flow, written against
//!    small traits for storage, HTTP, time and randomness, so the flows run
//!    against fakes in native tests; [`browser`] implements those traits with
//!    web-sys (the only code that touches the browser).
//! 3. [`face`]: the `#[wasm_bindgen]` JavaScript API (`AuthClient`,
//!    `createPkcePair`, `parseCallbackUrl`), reading options field by field and
//!    turning errors into `AuthError` objects with a stable `code`.
#![forbid(unsafe_code)]

pub mod browser;
pub mod client;
pub mod core;
pub mod face;
pub mod ports;
