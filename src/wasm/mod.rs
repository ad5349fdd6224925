//! The thin JS binding: converts JS values to the core's types and back, and sends requests
//! with the host's `fetch`. Everything that can be decided without JS lives in the core.
//!
//! Rules that keep the module usable after any input: every JS call that can throw is
//! imported with `catch`; nothing here unwraps; no `RefCell` borrow is held across an
//! `await`, so any number of calls may be in flight on one client.

pub(crate) mod api;
mod cancel;
pub(crate) mod convert;
mod fetch;
mod host;

#[cfg(test)]
mod tests;
