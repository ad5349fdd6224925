//! A call's deadline and the caller's AbortSignal, as one thing every await races against.
//!
//! The race is decided in Rust: an await polls its promise's future and the call's state,
//! and the timer or the abort listener wakes the await when they cancel the call. (Racing
//! in JS with `Promise.race` against a `cancelled` promise cost an array, a race promise
//! and its reactions per await, plus the promise and its catch handler per call.)
//!
//! Timers and AbortController come from the host through typed imports (`host.rs`),
//! looked up as globals at call time, so the same code runs in Node, browsers, workers and
//! workerd (and fake timers installed after load are used). Everything
//! is released when the call ends (the timer is cleared and the abort listener removed),
//! so a finished call keeps neither the process nor the caller's signal busy.

use core::cell::Cell;
use core::future::{poll_fn, Future};
use core::pin::Pin;
use std::rc::Rc;
use core::task::{Poll, Waker};

use crate::error::{codes, concat, DmsError};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use super::fetch::Failure;
use super::host;

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Running,
    TimedOut,
    Aborted,
}

/// What the timer and the abort listener share with the awaits.
struct Shared {
    state: Cell<State>,
    /// The waker of the await in progress, woken when the call is cancelled.
    waker: Cell<Option<Waker>>,
}

pub struct Cancel {
    shared: Rc<Shared>,
    timeout_ms: u32,
    /// When the call's time is up on the monotonic clock, for the checks made after
    /// synchronous work, when the timer cannot fire (`None` without a working clock).
    deadline_ms: Option<f64>,
    /// Stops the call (the timer's and the listener's way, also used at a checked deadline).
    stop: Rc<dyn Fn(State, JsValue)>,
    /// Whether the deadline timer could not be set (`setTimeout` threw): the call then
    /// fails at once rather than risk never settling.
    no_timer: bool,
    /// The caller's signal: `Aborted` reports its `reason` as the cause.
    signal: Option<JsValue>,
    /// Given to fetch, so an abandoned request is also torn down by the runtime.
    controller: Option<JsValue>,
    timer: JsValue,
    /// The Rust closures behind the timer callback and the abort listener. Owned here, not
    /// handed to JS with `into_js_value`/`once_into_js`: a closure given away that JS never
    /// calls (a timer cleared, a signal never aborted) is never freed, which leaked a few
    /// hundred bytes of wasm memory and JS heap per call.
    _timer_callback: Closure<dyn FnMut()>,
    listener: Option<Closure<dyn FnMut()>>,
}

impl Cancel {
    /// Starts the clock. `signal` is the caller's AbortSignal (already checked to be one).
    pub fn start(timeout_ms: u32, signal: Option<JsValue>) -> Cancel {
        let shared = Rc::new(Shared { state: Cell::new(State::Running), waker: Cell::new(None) });
        let controller = web_sys::AbortController::new().ok();
        let stop = {
            let shared = shared.clone();
            let controller = controller.clone();
            move |next: State, reason: JsValue| {
                if shared.state.get() != State::Running {
                    return;
                }
                shared.state.set(next);
                if let Some(controller) = &controller {
                    controller.abort_with_reason(&reason);
                }
                if let Some(waker) = shared.waker.take() {
                    waker.wake();
                }
            }
        };
        let stop = Rc::new(stop);

        let timer_callback = {
            let stop = stop.clone();
            Closure::once(move || stop(State::TimedOut, JsValue::UNDEFINED))
        };
        let timer = host::set_timeout(timer_callback.as_ref(), &JsValue::from(timeout_ms));
        let no_timer = timer.is_err();
        let timer = timer.unwrap_or(JsValue::UNDEFINED);

        let mut cancel = Cancel {
            shared,
            timeout_ms,
            deadline_ms: host::monotonic_ms().map(|now| now + f64::from(timeout_ms)),
            stop: stop.clone(),
            no_timer,
            signal: signal.clone(),
            controller: controller.map(JsValue::from),
            timer,
            _timer_callback: timer_callback,
            listener: None,
        };
        if let Some(signal) = signal {
            let reason = || host::props(&signal).reason().unwrap_or(JsValue::UNDEFINED);
            let already = host::props(&signal).aborted().ok().and_then(|a| a.as_bool()) == Some(true);
            if already {
                stop(State::Aborted, reason());
            } else {
                let listener = {
                    let stop = stop.clone();
                    let signal = signal.clone();
                    Closure::<dyn FnMut()>::new(move || {
                        let reason = host::props(&signal).reason().unwrap_or(JsValue::UNDEFINED);
                        stop(State::Aborted, reason)
                    })
                };
                let _ = host::props(&signal).add_event_listener(&JsValue::from_str("abort"), listener.as_ref());
                cancel.listener = Some(listener);
            }
        }
        cancel
    }

    /// The controller whose signal fetch gets, when the runtime has AbortController.
    pub fn controller(&self) -> Option<&JsValue> {
        self.controller.as_ref()
    }

    /// The Timeout or Aborted failure, once the call is cancelled.
    pub fn failure(&self) -> Option<Failure> {
        match self.shared.state.get() {
            State::Running if self.no_timer => Some(Failure {
                error: DmsError::client(codes::UNSUPPORTED_RUNTIME, "the call's deadline could not be set (setTimeout threw)".into()),
                cause: None,
            }),
            State::Running => None,
            State::TimedOut => Some(Failure {
                error: DmsError {
                    retryable: true,
                    ..DmsError::client(codes::TIMEOUT, concat(&["the call did not finish within ", &self.timeout_ms.to_string(), " ms"]))
                },
                cause: None,
            }),
            State::Aborted => {
                let reason = self
                    .signal
                    .as_ref()
                    .and_then(|signal| host::props(signal).reason().ok())
                    .unwrap_or(JsValue::UNDEFINED);
                Some(Failure { error: DmsError::client(codes::ABORTED, "the call was aborted".into()), cause: Some(reason) })
            }
        }
    }

    /// Like `check`, also reading the clock: between steps of synchronous work (parsing an
    /// answer), where the deadline timer cannot fire, a call past its deadline times out.
    pub fn check_deadline(&self) -> Result<(), Failure> {
        if self.shared.state.get() == State::Running && self.deadline_ms.is_some_and(|deadline| host::monotonic_ms().is_some_and(|now| now >= deadline)) {
            (self.stop)(State::TimedOut, JsValue::UNDEFINED);
        }
        self.check()
    }

    /// Fails at once if the call is already cancelled.
    pub fn check(&self) -> Result<(), Failure> {
        match self.failure() {
            Some(failure) => Err(failure),
            None => Ok(()),
        }
    }

    /// Awaits `promise`, or stops when the call is cancelled. On rejection the caller gets
    /// the JS reason (`undefined` when cancelled); `failure()` tells whether it was the
    /// cancellation.
    pub async fn race(&self, promise: Promise) -> Result<JsValue, JsValue> {
        let mut settled = JsFuture::from(promise);
        poll_fn(|context| {
            if self.shared.state.get() != State::Running {
                return Poll::Ready(Err(JsValue::UNDEFINED));
            }
            match Pin::new(&mut settled).poll(context) {
                Poll::Ready(outcome) => Poll::Ready(outcome),
                Poll::Pending => {
                    self.shared.waker.set(Some(context.waker().clone()));
                    Poll::Pending
                }
            }
        })
        .await
    }

    /// Waits `ms` (the retry backoff), or stops early when the call is cancelled.
    pub async fn sleep(&self, ms: f64) -> Result<(), Failure> {
        let mut timer = JsValue::UNDEFINED;
        let delay = Promise::new(&mut |resolve, _reject| {
            timer = host::set_timeout(&resolve, &JsValue::from_f64(ms)).unwrap_or(JsValue::UNDEFINED);
        });
        let outcome = self.race(delay).await;
        let _ = host::clear_timeout(&timer);
        match (outcome, self.failure()) {
            (_, Some(failure)) => Err(failure),
            (Ok(_), None) => Ok(()),
            (Err(cause), None) => Err(Failure { error: DmsError::client(codes::NETWORK_ERROR, "the retry timer failed".into()), cause: Some(cause) }),
        }
    }
}

impl Drop for Cancel {
    /// Clears the deadline timer and detaches from the caller's signal.
    fn drop(&mut self) {
        let _ = host::clear_timeout(&self.timer);
        if let (Some(signal), Some(listener)) = (&self.signal, &self.listener) {
            let _ = host::props(signal).remove_event_listener(&JsValue::from_str("abort"), listener.as_ref());
        }
        // The closures themselves are dropped with the fields, after the timer is cleared
        // and the listener removed, so JS can no longer call them.
    }
}
