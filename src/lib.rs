//! The core of the `dms-taskflow` package: validates task-flow parameters, signs and builds
//! DMS Enterprise RPC requests, and classifies responses. Nothing here knows about JS; the
//! `wasm` module is the thin binding that converts JS values and calls the host's `fetch`.

// Errors are the cold path and are built once per failed call; boxing them buys nothing.
#![allow(clippy::result_large_err)]

pub mod encode;
pub mod error;
pub mod json;
pub mod operations;
mod operations_table;
pub mod params;
pub mod request;
pub mod response;
pub mod results;
pub mod retry;
pub mod sign;
pub mod sign_v3;
pub mod timestamp;

#[cfg(target_arch = "wasm32")]
mod wasm;
