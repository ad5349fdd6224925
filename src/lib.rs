//! The core of the `dms-taskflow` package: validates task-flow parameters, signs and builds
//! DMS Enterprise RPC requests, and classifies responses. Nothing here knows about JS; the
//! `wasm` module is the thin binding that converts JS values and calls the host's `fetch`.
//!
//! The layers, in the order a call goes through them:
//! - `operations`: the table of the 52 task-flow operations (generated from spec/);
//! - `request`: client options, parameter validation against the table, and the signed
//!   request to send (what `signRequest` returns);
//! - `signing`: the V1 and V3 signatures and nonces, pure functions;
//! - `response`: reading an answer (JSON, errors, redaction) and shaping the result;
//! - `retry`: whether and when a failed attempt is sent again.

// Errors are the cold path and are built once per failed call; boxing them buys nothing.
#![allow(clippy::result_large_err)]
#![forbid(unsafe_code)]

pub mod error;
pub mod operations;
pub mod redact;
pub mod request;
pub mod response;
pub mod retry;
pub mod signing;
pub mod text;
pub mod timestamp;

#[cfg(target_arch = "wasm32")]
mod wasm;
