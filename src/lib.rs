//! The core of the `dms-taskflow` package: validates task-flow parameters, signs and builds
//! DMS Enterprise RPC requests, and classifies responses. Nothing here knows about JS; the
//! `wasm` module is the thin binding that converts JS values and calls the host's `fetch`.

// Errors are the cold path and are built once per failed call; boxing them buys nothing.
#![allow(clippy::result_large_err)]
// The shipped wasm (`--features wasm-runtime`, scripts/build.mjs) is `no_std`: std's panic
// machinery drags in `core::fmt`, its dlmalloc is 7 KB, and our panic handler just traps.
// Native builds and every test build keep std.
#![cfg_attr(all(target_arch = "wasm32", feature = "wasm-runtime"), no_std)]

extern crate alloc;

/// What the std prelude would give every module: `alloc`'s types, the same in both builds.
mod prelude {
    #[allow(unused_imports)]
    pub(crate) use alloc::{borrow::Cow, borrow::ToOwned, boxed::Box, format, string::String, string::ToString, vec, vec::Vec};
}

pub mod encode;
pub mod error;
pub mod json;
pub mod mac;
mod num;
pub mod operations;
pub mod packed;
mod operations_table;
pub mod params;
pub mod request;
pub mod response;
pub mod results;
pub mod retry;
pub mod sign;
pub mod sign_request;
pub mod sign_v3;
pub mod text;
#[cfg(any(test, feature = "wasm-runtime"))]
mod size_class_heap;
pub mod timestamp;

#[cfg(target_arch = "wasm32")]
mod wasm;

#[cfg(all(target_arch = "wasm32", feature = "wasm-runtime"))]
mod wasm_runtime;
